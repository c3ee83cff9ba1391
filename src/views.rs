//! Template views: the serializable structs templates see.
//!
//! Themes depend on these field names, not on the internal model, so the model can change
//! without breaking anyone's templates. Optional values serialize as `null` (never missing)
//! so `{% if page.kicker %}` works in Tera 2, where reading a missing key is an error. The
//! contract is documented field by field in the README's template reference.

use crate::config::Config;
use crate::model::{Page, Section, Site};
use crate::paths;
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A date in the forms templates need; there is no date filter, so formatting happens here.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// RFC 3339, for `<time datetime>` and feeds.
    pub iso: String,
    /// `2024-05-20`.
    pub ymd: String,
    /// `2024年5月20日`.
    pub display: String,
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day of month.
    pub day: u8,
}

impl DateView {
    /// Formats an instant in its own offset.
    pub fn new(d: OffsetDateTime) -> DateView {
        let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
        DateView {
            iso: rfc3339(d),
            ymd: format!("{y:04}-{m:02}-{day:02}"),
            display: format!("{y}年{m}月{day}日"),
            year: y,
            month: m,
            day,
        }
    }
}

/// RFC 3339 with seconds and a numeric offset (`Z` for UTC), in the instant's own offset.
///
/// Never empty: dates from content are checked when parsed (years 0001–9999, offsets within
/// ±23:59, see [`crate::front_matter::FmDate`]), so `time`'s formatter cannot refuse them; were
/// one to slip through, it is written out digit by digit rather than left blank.
pub fn rfc3339(d: OffsetDateTime) -> String {
    d.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| {
        let (h, m, _) = d.offset().as_hms();
        let sign = if d.offset().is_negative() { '-' } else { '+' };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second(),
            h.unsigned_abs(),
            m.unsigned_abs()
        )
    })
}

/// A link to a taxonomy term.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    /// As written.
    pub name: String,
    /// Root-relative URL.
    pub url: String,
}

/// A link with a title.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    /// Text.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
}

/// A page as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// Headline.
    pub title: String,
    /// 引题.
    pub kicker: Option<String>,
    /// 副题.
    pub subtitle: Option<String>,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Source path relative to content/.
    pub path: String,
    /// The listing section.
    pub section: Crumb,
    /// Publication date.
    pub date: Option<DateView>,
    /// Update date.
    pub updated: Option<DateView>,
    /// The latest of publication, update and correction dates (`dateModified`).
    pub modified: Option<DateView>,
    /// Corrections and updates, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// Writers.
    pub authors: Vec<String>,
    /// 记者.
    pub reporters: Vec<String>,
    /// 本报讯 …
    pub source: Option<String>,
    /// Tags.
    pub tags: Vec<TermRef>,
    /// Topics.
    pub topics: Vec<TermRef>,
    /// Regions.
    pub regions: Vec<TermRef>,
    /// Every taxonomy by name, including the three above.
    pub taxonomies: BTreeMap<String, Vec<TermRef>>,
    /// Summary HTML.
    pub summary: String,
    /// Summary text.
    pub summary_text: String,
    /// Body longer than the summary.
    pub has_more: bool,
    /// Lead image URL.
    pub image: Option<String>,
    /// Lead image alt text.
    pub image_alt: Option<String>,
    /// Minutes.
    pub reading_minutes: usize,
    /// Han characters.
    pub char_count: usize,
    /// Draft.
    pub draft: bool,
    /// Publish date in the future.
    pub scheduled: bool,
    /// Weight.
    pub weight: Option<i64>,
    /// 期号.
    pub issue: Option<String>,
    /// 版次.
    pub page_number: Option<String>,
    /// The edition page (`/issues/<key>/`) when `issue` is set.
    pub issue_url: Option<String>,
    /// Free-form data.
    pub extra: serde_yaml::Value,
}

/// One correction or update note.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    /// When it was made.
    pub date: DateView,
    /// What changed (plain text).
    pub text: String,
}

/// Term links for one taxonomy of a page.
fn term_refs(page: &Page, taxonomy: &str, base_path: &str) -> Vec<TermRef> {
    page.terms
        .get(taxonomy)
        .into_iter()
        .flatten()
        .map(|(name, slug)| TermRef { name: name.clone(), url: term_url(base_path, taxonomy, slug) })
        .collect()
}

/// URL of a term page.
pub fn term_url(base_path: &str, taxonomy: &str, slug: &str) -> String {
    format!("{base_path}{}", paths::encode_path(&format!("{taxonomy}/{slug}/")))
}

/// Builds the list view of every page, indexed like `site.pages`.
pub fn page_views(site: &Site, config: &Config) -> Vec<PageView> {
    let base_path = config.base_path();
    site.pages.iter().map(|p| page_view(site, config, &base_path, p)).collect()
}

/// The list view of one page.
pub fn page_view(site: &Site, config: &Config, base_path: &str, p: &Page) -> PageView {
    let section = site.section(&p.section);
    let taxonomies: BTreeMap<String, Vec<TermRef>> =
        config.taxonomies.iter().map(|t| (t.name.clone(), term_refs(p, &t.name, base_path))).collect();
    let get = |name: &str| taxonomies.get(name).cloned().unwrap_or_default();
    PageView {
        title: p.title.clone(),
        kicker: p.fm.kicker.clone(),
        subtitle: p.fm.subtitle.clone(),
        url: p.url.clone(),
        permalink: p.permalink.clone(),
        path: p.rel.clone(),
        section: Crumb {
            title: section.map(|s| s.title.clone()).unwrap_or_default(),
            url: section.map(|s| s.url.clone()).unwrap_or_else(|| base_path.to_string()),
        },
        date: p.date.map(DateView::new),
        updated: p.updated.map(DateView::new),
        modified: crate::structured::modified(p).filter(|m| Some(*m) != p.date).map(DateView::new),
        corrections: p
            .corrections
            .iter()
            .map(|(date, text)| CorrectionView { date: DateView::new(*date), text: text.clone() })
            .collect(),
        authors: p.fm.authors.clone(),
        reporters: p.fm.reporters.clone(),
        source: p.fm.source.clone(),
        tags: get("tags"),
        topics: get("topics"),
        regions: get("regions"),
        taxonomies,
        summary: p.summary_html.clone(),
        summary_text: p.summary_text.clone(),
        has_more: p.has_more,
        image: p.image.clone(),
        image_alt: p.fm.image_alt.clone(),
        reading_minutes: p.reading_minutes,
        char_count: p.han_chars,
        draft: p.draft,
        scheduled: p.scheduled,
        weight: p.fm.weight,
        issue: p.fm.issue.as_ref().map(|t| t.0.clone()),
        page_number: p.fm.page.as_ref().map(|t| t.0.clone()),
        issue_url: crate::editions::issue_url(p, config, base_path),
        extra: p.fm.extra.clone(),
    }
}

/// Home › … › the section itself.
pub fn section_crumbs(site: &Site, mut idx: usize) -> Vec<Crumb> {
    let mut out = Vec::new();
    loop {
        let s = &site.sections[idx];
        out.push(Crumb { title: s.title.clone(), url: s.url.clone() });
        match s.parent {
            Some(p) => idx = p,
            None => break,
        }
    }
    out.reverse();
    out
}

/// A subsection in a section's list.
#[derive(Debug, Serialize)]
pub struct SubsectionView {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Description.
    pub description: Option<String>,
    /// Pages it lists.
    pub page_count: usize,
}

/// `section` in section.html and index.html.
#[derive(Debug, Serialize)]
pub struct SectionView {
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Source path relative to content/.
    pub path: String,
    /// Rendered `_index.md` body.
    pub content: String,
    /// Its Atom feed, or null when it has none.
    pub feed_url: Option<String>,
    /// Home › … › this.
    pub breadcrumbs: Vec<Crumb>,
    /// Children.
    pub subsections: Vec<SubsectionView>,
    /// Order of its pages.
    pub sort_by: crate::front_matter::SortBy,
    /// Free-form data.
    pub extra: serde_yaml::Value,
}

/// Builds the view of section `idx`.
pub fn section_view(site: &Site, idx: usize, feed_url: Option<String>) -> SectionView {
    let s: &Section = &site.sections[idx];
    SectionView {
        title: s.title.clone(),
        description: s.fm.description.clone(),
        url: s.url.clone(),
        permalink: s.permalink.clone(),
        path: if s.key.is_empty() { "_index.md".into() } else { format!("{}/_index.md", s.key) },
        content: s.body.html.clone(),
        feed_url,
        breadcrumbs: section_crumbs(site, idx),
        subsections: s
            .children
            .iter()
            .map(|c| {
                let c = &site.sections[*c];
                SubsectionView {
                    title: c.title.clone(),
                    url: c.url.clone(),
                    description: c.fm.description.clone(),
                    page_count: c.listed.len(),
                }
            })
            .collect(),
        sort_by: s.fm.sort_by,
        extra: s.fm.extra.clone(),
    }
}

/// One link in a pager.
#[derive(Debug, Serialize)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    /// URL.
    pub url: String,
    /// The page being rendered.
    pub current: bool,
}

/// A page of a paginated list, without the pages themselves (the renderer attaches them).
#[derive(Debug, Serialize)]
pub struct Paginator {
    /// Which items of the list are on this page.
    #[serde(skip)]
    pub range: std::ops::Range<usize>,
    /// 1-based.
    pub current: usize,
    /// Count of pages.
    pub total_pages: usize,
    /// Count of items.
    pub total_items: usize,
    /// Previous page URL.
    pub prev_url: Option<String>,
    /// Next page URL.
    pub next_url: Option<String>,
    /// First page URL.
    pub first_url: String,
    /// Last page URL.
    pub last_url: String,
    /// The first page, the last, and those within [`PAGER_WINDOW`] of the current one. Listing
    /// every page made the news section quadratic (1,000 list pages × 1,000 links at 10k articles).
    pub pagers: Vec<Pager>,
}

/// How many pages either side of the current one a pager lists.
pub const PAGER_WINDOW: usize = 3;

/// URL of page `n` of a list whose first page is at `base` (`/news/` → `/news/page/2/`).
pub fn pager_url(base: &str, n: usize) -> String {
    if n <= 1 { base.to_string() } else { format!("{base}page/{n}/") }
}

/// Splits `items` into pages of `per` (0 = one page) and describes page `n` (1-based).
pub fn paginate(items: &[usize], per: usize, n: usize, base: &str) -> Paginator {
    let total_pages = total_pages(items.len(), per);
    let range = if per == 0 { 0..items.len() } else { ((n - 1) * per).min(items.len())..(n * per).min(items.len()) };
    Paginator {
        range,
        current: n,
        total_pages,
        total_items: items.len(),
        prev_url: (n > 1).then(|| pager_url(base, n - 1)),
        next_url: (n < total_pages).then(|| pager_url(base, n + 1)),
        first_url: pager_url(base, 1),
        last_url: pager_url(base, total_pages),
        pagers: (1..=total_pages)
            .filter(|k| *k == 1 || *k == total_pages || k.abs_diff(n) <= PAGER_WINDOW)
            .map(|k| Pager { number: k, url: pager_url(base, k), current: k == n })
            .collect(),
    }
}

/// How many pages a list of `len` items needs at `per` a page (always at least one).
pub fn total_pages(len: usize, per: usize) -> usize {
    if per == 0 { 1 } else { len.div_ceil(per).max(1) }
}
