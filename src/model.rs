//! Stage 4: the site model. Turns loaded sources into pages and sections with final URLs,
//! dates, rendered bodies, taxonomies and orderings.
//!
//! In: [`Config`], [`Content`] and [`BuildOptions`]. Out: a [`Site`] of plain data plus
//! diagnostics. Front matter is parsed for every file in parallel first, because Markdown
//! links (`@/news/x.md`) need every page's URL; bodies are then rendered in parallel. A bad
//! file becomes a diagnostic and is left out, so one run reports every problem. Every list
//! is sorted with ties broken by source path, so no hash order reaches the output.

use crate::cache::BuildCache;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, Spot};
use crate::front_matter::{self, PageFrontMatter, SectionFrontMatter, SortBy};
use crate::load::{Asset, Content, Source, SourceKind};
use crate::markdown::{self, LinkContext, Rendered};
use crate::paths;
use crate::wikilinks::WikiIndex;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use time::OffsetDateTime;

/// Choices made on the command line.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Include pages whose publish date is in the future.
    pub future: bool,
    /// "Now", for publish and expiry dates; fixed in tests.
    pub now: OffsetDateTime,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { drafts: false, future: false, now: OffsetDateTime::now_utc() }
    }
}

/// One published page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`.
    pub rel: String,
    /// Path for messages (`content/…`).
    pub display: String,
    /// Parsed front matter.
    pub fm: PageFrontMatter,
    /// Headline.
    pub title: String,
    /// Key of the section that lists it (`news/jiuye`; `` for the home section).
    pub section: String,
    /// Output folder relative to the output root, ending in `/` (`news/jiuye/slug/`).
    pub path: String,
    /// Root-relative, percent-encoded URL with the base path.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Publication instant.
    pub date: Option<OffsetDateTime>,
    /// Update instant: the later of `updated` and the newest correction.
    pub updated: Option<OffsetDateTime>,
    /// Corrections, oldest first.
    pub corrections: Vec<(OffsetDateTime, String)>,
    /// Marked draft (only present with `--drafts`).
    pub draft: bool,
    /// Publish date in the future (only present with `--future`).
    pub scheduled: bool,
    /// The rendered body.
    pub body: std::sync::Arc<Rendered>,
    /// Summary as HTML.
    pub summary_html: String,
    /// Summary as plain text.
    pub summary_text: String,
    /// True when the summary is shorter than the body.
    pub has_more: bool,
    /// Han characters in the body.
    pub han_chars: usize,
    /// Reading time.
    pub reading_minutes: usize,
    /// Taxonomy name → terms, as (display name, slug), in front-matter order.
    pub terms: BTreeMap<String, Vec<(String, String)>>,
    /// Lead image URL.
    pub image: Option<String>,
    /// Files of a bundle, copied beside the page.
    pub assets: Vec<Asset>,
    /// Where the `slug:` value is (the file, without one): output-path problems point there.
    pub slug_at: Spot,
    /// Where each of `fm.aliases` is written.
    pub alias_at: Vec<Spot>,
}

/// One section (a folder with `_index.md`; the home page is the section with key ``).
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder relative to `content/` (`news/jiuye`), `` for the root.
    pub key: String,
    /// Path for messages.
    pub display: String,
    /// Parsed front matter.
    pub fm: SectionFrontMatter,
    /// Title.
    pub title: String,
    /// Output folder, `news/jiuye/` (`` for the root).
    pub path: String,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Rendered `_index.md` body.
    pub body: Rendered,
    /// Indexes into `Site::pages` of pages directly in this section, in section order.
    pub pages: Vec<usize>,
    /// Pages listed on the section page: `pages`, plus descendants' with `include_subsections`.
    pub listed: Vec<usize>,
    /// Indexes into `Site::sections` of child sections, by weight then title.
    pub children: Vec<usize>,
    /// Parent section index (None for the root).
    pub parent: Option<usize>,
}

/// A term of a taxonomy.
#[derive(Debug, Clone)]
pub struct Term {
    /// As first written.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Pages, newest first.
    pub pages: Vec<usize>,
}

/// A taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Config name (`tags`).
    pub name: String,
    /// Terms by slug.
    pub terms: BTreeMap<String, Term>,
}

/// The whole site as plain data.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Published pages, sorted by source path.
    pub pages: Vec<Page>,
    /// Sections, sorted by key; index 0 is the root.
    pub sections: Vec<Section>,
    /// Configured taxonomies in config order.
    pub taxonomies: Vec<Taxonomy>,
    /// Non-Markdown files under content/ outside bundles, copied to the same relative path.
    pub assets: Vec<Asset>,
    /// All pages newest first (dated pages only).
    pub by_date: Vec<usize>,
    /// Previous and next page index within the page's section order.
    pub prev_next: Vec<(Option<usize>, Option<usize>)>,
    /// Related pages per page.
    pub related: Vec<Vec<usize>>,
    /// Per page, the pages whose bodies link to it (by wikilink or internal link), in display
    /// order.
    pub backlinks: Vec<Vec<usize>>,
    /// What body links resolved against, kept so one body can be rendered again alone
    /// ([`rebody`]).
    pub links: Links,
    /// The earliest publish or expiry date after "now": when it passes, which pages are
    /// shown (or marked scheduled) changes, so a patched build is no longer valid, and a
    /// published site should be built again (`gazette build` reports it).
    pub next_due: Option<Due>,
    /// Print editions (期), newest first ([`crate::editions`]).
    pub editions: Vec<crate::editions::Edition>,
}

/// A page whose place in the output changes at a known instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// When.
    pub at: OffsetDateTime,
    /// The source file (`content/…`).
    pub source: String,
    /// What happens then.
    pub what: DueKind,
}

/// What a [`Due`] change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// The page is published.
    Publish,
    /// The page expires.
    Expire,
    /// The page is old enough to leave the news sitemap (`news_sitemap.days`).
    LeaveNewsSitemap,
}

/// The targets Markdown links resolve to: every published file's URL, and the files left
/// out (unpublished, or with broken front matter) so links to them get their own message.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Source path (relative to `content/`) → URL.
    pub urls: BTreeMap<String, String>,
    /// Drafts, future and expired pages.
    pub unpublished: BTreeSet<String>,
    /// Files whose front matter did not parse.
    pub broken: BTreeSet<String>,
    /// Every page's title and paths, published or not, for wikilinks.
    pub wiki: WikiIndex,
}

impl Site {
    /// The section with this key.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }
}

/// A page between front matter and rendering.
struct Draft<'a> {
    src: &'a Source,
    fm: PageFrontMatter,
    split_body: &'a str,
    body_offset: usize,
    date: Option<OffsetDateTime>,
    path: String,
    section_dir: String,
    slug_at: Spot,
    alias_at: Vec<Spot>,
    /// Found while parsing (control characters dropped, slugs cleaned), reported with the page's other diagnostics.
    warnings: Vec<Diagnostic>,
}

/// Builds the site model.
pub fn build(config: &Config, content: Content, opts: &BuildOptions) -> (Site, Vec<Diagnostic>) {
    build_with(config, content, opts, None)
}

/// [`build`], reusing from `cache` the rendering of every body whose text and link targets
/// are unchanged.
pub fn build_with(
    config: &Config,
    content: Content,
    opts: &BuildOptions,
    cache: Option<&BuildCache>,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let base_path = config.base_path();
    let origin = config.origin();

    // 1. Front matter, in parallel.
    let section_keys: BTreeSet<&str> = content
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Section)
        .map(|s| paths::parent(&s.rel))
        .chain([""])
        .collect();
    let parsed: Vec<Result<Parsed, Diagnostic>> =
        content.sources.par_iter().map(|s| parse(s, config, &section_keys, cache)).collect();
    let mut page_drafts = Vec::new();
    let mut section_fms = Vec::new();
    let mut unpublished = BTreeSet::new();
    let mut broken = BTreeSet::new();
    let mut wiki = WikiIndex::default();
    let mut next_due: Option<Due> = None;
    for (p, src) in parsed.into_iter().zip(&content.sources) {
        match p {
            Ok(Parsed::Page(d)) => {
                let mut d = *d;
                diags.append(&mut d.warnings);
                if let Some(diag) = future_correction(&d, config, opts) {
                    diags.push(diag);
                }
                if let Some(diag) = d.fm.image.as_deref().and_then(crate::sanitize::refused_lead_image) {
                    diags.push(diag.at_source(key_line(&d.src.text, &d.src.display, "image"), &d.src.text));
                    d.fm.image = None;
                }
                if let Some(due) = due_after(&d.fm, d.date, config, opts) {
                    let what = if due.1 { DueKind::Publish } else { DueKind::Expire };
                    let due = Due { at: due.0, source: d.src.display.clone(), what };
                    // Earliest first; ties go to the first file in source order (deterministic).
                    if next_due.as_ref().is_none_or(|n| due.at < n.at) {
                        next_due = Some(due);
                    }
                }
                let shown = visible(&d.fm, d.date, config, opts);
                wiki.add(&d.src.rel, d.fm.title.as_deref().unwrap_or_default(), &d.path, shown);
                if shown {
                    page_drafts.push(d);
                } else {
                    unpublished.insert(d.src.rel.clone());
                }
            }
            Ok(Parsed::Section(src, fm, body, off)) => section_fms.push((src, fm, body, off)),
            Err(d) => {
                diags.push(d);
                broken.insert(src.rel.clone());
            }
        }
    }

    // 2. URLs for every published file, so links can be resolved.
    let mut urls = BTreeMap::new();
    for d in &page_drafts {
        urls.insert(d.src.rel.clone(), format!("{base_path}{}", paths::encode_path(&d.path)));
    }
    for (src, ..) in &section_fms {
        let key = paths::parent(&src.rel);
        let path = if key.is_empty() { String::new() } else { format!("{key}/") };
        urls.insert(src.rel.clone(), format!("{base_path}{}", paths::encode_path(&path)));
    }

    // 3. Bodies, in parallel. A body's HTML depends on its file, its place and what its links
    // can resolve to; with all of those equal, the cached rendering is the same.
    let links = Links { urls, unpublished, broken, wiki };
    let link_key = cache.map(|_| {
        let md = (config.markdown.unsafe_html, config.markdown.smart_punctuation);
        crate::cache::key(&(&links.urls, &links.unpublished, &links.broken, &links.wiki, &base_path, md))
    });
    let render_fresh = |src: &Source, body: &str, off: usize| render_body(src, body, off, &links, &base_path, config);
    let render_ctx = |src: &Source, body: &str, off: usize| {
        let key = link_key.map(|l| crate::cache::key(&(l, &src.rel, &src.display, src.hash, off, src.bundle)));
        if let (Some(c), Some(k)) = (cache, key)
            && let Some(hit) = c.markdown(&src.rel, k)
        {
            return hit;
        }
        let out = render_fresh(src, body, off);
        if let (Some(c), Some(k)) = (cache, key) {
            c.keep_markdown(&src.rel, k, out.0.clone(), &out.1);
        }
        out
    };
    let rendered: Vec<(Page, Vec<Diagnostic>)> = page_drafts
        .into_par_iter()
        .map(|d| {
            let src = d.src;
            let (body, mut ds) = render_ctx(src, d.split_body, d.body_offset);
            let mut page = finish_page(d, body, config, opts, &base_path, &origin);
            ds.extend(collect_terms(&mut page, &src.text, config));
            ds.extend(unusable_terms(&page, &src.text));
            (page, ds)
        })
        .collect();
    let mut pages = Vec::with_capacity(rendered.len());
    for (page, ds) in rendered {
        diags.extend(ds);
        pages.push(page);
    }
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));

    let sections: Vec<Section> = section_fms
        .into_par_iter()
        .map(|(src, mut fm, body, off)| {
            let (rendered, mut ds) = render_ctx(src, body, off);
            ds.extend(front_matter::strip_section_front_matter(&mut fm).into_iter().map(|(key, found)| {
                let at = key_line(&src.text, &src.display, &key);
                crate::controls::front_matter_warning(&key, &found, at, &src.text)
            }));
            (make_section(src, *fm, Arc::unwrap_or_clone(rendered), &base_path, &origin), ds)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(s, ds)| {
            diags.extend(ds);
            s
        })
        .collect();

    if let Some(c) = cache {
        c.retain(&content.sources.iter().map(|s| s.rel.as_str()).collect());
    }

    let next_due = earliest(next_due, leaves_news_sitemap(&pages, config, opts));

    // 4. Assets: bundle files go with their page; the rest keep their path.
    let mut site = Site { pages, sections, links, next_due, ..Default::default() };
    assign_assets(&mut site, content.assets);
    crate::structure::link_with(&mut site, config, cache);
    diags.extend(crate::terms::spellings(&site, &content.sources, config.slug));
    let (editions, ds) = crate::editions::build(&site, config, &content.sources);
    site.editions = editions;
    diags.extend(ds);
    (site, diags)
}

/// Renders one body with its links resolved against `links`.
fn render_body(
    src: &Source,
    body: &str,
    off: usize,
    links: &Links,
    base_path: &str,
    config: &Config,
) -> (Arc<Rendered>, Vec<Diagnostic>) {
    let ctx = LinkContext {
        source_rel: &src.rel,
        display: &src.display,
        full_text: &src.text,
        body_offset: off,
        bundle: src.bundle,
        base_path,
        urls: &links.urls,
        unpublished: &links.unpublished,
        broken: &links.broken,
        wiki: &links.wiki,
        unsafe_html: config.markdown.unsafe_html,
        smart_punctuation: config.markdown.smart_punctuation,
    };
    let (r, ds) = markdown::render(body, &ctx);
    (Arc::new(r), ds)
}

/// Page `src` of `site` with a new body, when nothing but the body changed: same front
/// matter, same place, no diagnostics. Returns its index and the page; `None` means the edit
/// touches more than the body (or has problems to report) and needs a full build.
pub fn rebody(site: &Site, config: &Config, opts: &BuildOptions, src: &Source) -> Option<(usize, Page)> {
    let i = site.pages.binary_search_by(|p| p.rel.as_str().cmp(&src.rel)).ok()?;
    let sections: BTreeSet<&str> = site.sections.iter().map(|s| s.key.as_str()).collect();
    let Ok(Parsed::Page(d)) = parse(src, config, &sections, None) else { return None };
    // Warnings, and a refused `image` (dropped with a warning), are reported by a full build only.
    if !visible(&d.fm, d.date, config, opts)
        || !d.warnings.is_empty()
        || !src.warnings.is_empty()
        || d.fm.image.as_deref().is_some_and(|i| crate::sanitize::refused_lead_image(i).is_some())
    {
        return None;
    }
    let base_path = config.base_path();
    let (body, ds) = render_body(src, d.split_body, d.body_offset, &site.links, &base_path, config);
    // Other pages list this one as a backlink when it links to them: new targets change them.
    if !ds.is_empty() || body.links != site.pages[i].body.links {
        return None;
    }
    let mut page = finish_page(*d, body, config, opts, &base_path, &config.origin());
    if !collect_terms(&mut page, &src.text, config).is_empty() {
        return None;
    }
    crate::terms::show_as_named(&mut page, &site.taxonomies);
    // Set after the model from the section tree (a folder without `_index.md`, or `section:`),
    // which depends only on the path and front matter compared below.
    page.section = site.pages[i].section.clone();
    page.assets = site.pages[i].assets.clone();
    (outside_body(&page) == outside_body(&site.pages[i])).then_some((i, page))
}

/// Everything about a page that does not come from its body, for comparing two versions.
fn outside_body(p: &Page) -> String {
    let blank = Page {
        body: Arc::default(),
        summary_html: String::new(),
        summary_text: String::new(),
        has_more: false,
        han_chars: 0,
        reading_minutes: 0,
        ..p.clone()
    };
    format!("{blank:?}")
}

/// The earlier of two changes; on a tie the first (source order is already deterministic).
fn earliest(a: Option<Due>, b: Option<Due>) -> Option<Due> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// When the next article in the news sitemap grows too old for it: the news sitemap changes
/// then, so a published site should be built again (and a patched preview is stale).
fn leaves_news_sitemap(pages: &[Page], config: &Config, opts: &BuildOptions) -> Option<Due> {
    if !config.news_sitemap.enabled {
        return None;
    }
    let days = time::Duration::days(i64::from(config.news_sitemap.days));
    pages
        .iter()
        .filter(|p| !p.draft && !p.scheduled)
        .filter_map(|p| Some((p.date?.checked_add(days)?, p)))
        .filter(|(at, p)| *at > opts.now && p.date.is_some_and(|d| d <= opts.now))
        .min_by(|(a, pa), (b, pb)| a.cmp(b).then_with(|| pa.rel.cmp(&pb.rel)))
        .map(|(at, p)| Due { at, source: p.display.clone(), what: DueKind::LeaveNewsSitemap })
}

/// A correction needs words, and cannot be older than the article it corrects.
fn check_corrections(
    fm: &PageFrontMatter,
    date: Option<OffsetDateTime>,
    config: &Config,
    src: &Source,
) -> Result<(), Diagnostic> {
    let at = || key_line(&src.text, &src.display, "corrections");
    for (n, c) in fm.corrections.iter().enumerate() {
        if c.text.trim().is_empty() {
            return Err(Diagnostic::error(format!("correction {} has no text", n + 1))
                .at_source(at(), &src.text)
                .hint("write each as `- {date: 2024-05-21, text: 更正：…}`"));
        }
        let when = c.date.resolve(config.offset());
        // A correction written as a day only may be the same day as the article.
        let early = |d: &OffsetDateTime| match c.date.has_time() {
            true => when < *d,
            // `checked_`: a date at the very end of year 9999 has no day in some offsets.
            false => d.checked_to_offset(config.offset()).is_some_and(|d| c.date.day() < d.date()),
        };
        if let Some(d) = date.filter(early) {
            return Err(Diagnostic::error(format!(
                "correction {} is dated {}, before the article itself ({})",
                n + 1,
                crate::views::rfc3339(when),
                crate::views::rfc3339(d)
            ))
            .at_source(at(), &src.text)
            .hint("a correction is dated when it was made, after publication"));
        }
    }
    Ok(())
}

/// A correction dated after the build time is a typo (or a note not yet made): it would
/// date the article's update in the future.
fn future_correction(d: &Draft, config: &Config, opts: &BuildOptions) -> Option<Diagnostic> {
    let (n, c) = d.fm.corrections.iter().enumerate().find(|(_, c)| c.date.resolve(config.offset()) > opts.now)?;
    Some(
        Diagnostic::error(format!(
            "correction {} is dated in the future ({})",
            n + 1,
            crate::views::rfc3339(c.date.resolve(config.offset()))
        ))
        .at_source(key_line(&d.src.text, &d.src.display, "corrections"), &d.src.text)
        .hint("date a correction when it is made"),
    )
}

enum Parsed<'a> {
    Page(Box<Draft<'a>>),
    Section(&'a Source, Box<SectionFrontMatter>, &'a str, usize),
}

fn parse<'a>(
    src: &'a Source,
    config: &Config,
    sections: &BTreeSet<&str>,
    cache: Option<&BuildCache>,
) -> Result<Parsed<'a>, Diagnostic> {
    use crate::cache::FrontMatter;
    let split = front_matter::split(&src.text, &src.display)?;
    let cached = cache.and_then(|c| c.front(&src.rel, src.hash));
    match src.kind {
        SourceKind::Section => {
            let fm = match cached {
                Some(FrontMatter::Section(fm)) => fm,
                _ => {
                    let fm = front_matter::parse_section(&split, &src.display, &src.text)?;
                    if let Some(c) = cache {
                        c.keep_front(&src.rel, src.hash, FrontMatter::Section(fm.clone()));
                    }
                    fm
                }
            };
            Ok(Parsed::Section(src, Box::new(fm), split.body, split.body_offset))
        }
        SourceKind::Page => {
            let mut fm = match cached {
                Some(FrontMatter::Page(fm)) => *fm,
                _ => {
                    let fm = front_matter::parse_page(&split, &src.display, &src.text)?;
                    if let Some(c) = cache {
                        c.keep_front(&src.rel, src.hash, FrontMatter::Page(Box::new(fm.clone())));
                    }
                    fm
                }
            };
            let mut warnings: Vec<Diagnostic> = front_matter::strip_front_matter(&mut fm)
                .into_iter()
                .map(|(key, found)| {
                    let at = key_line(&src.text, &src.display, &key);
                    crate::controls::front_matter_warning(&key, &found, at, &src.text)
                })
                .collect();
            if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
                return Err(Diagnostic::error("missing `title` in front matter")
                    .at_source(Location::at(&src.display, 1, 1), &src.text)
                    .hint("add a line `title: …` between the `---` lines"));
            }
            if let Some(name) = fm.section.as_ref().filter(|n| !sections.contains(n.trim_matches('/'))) {
                return Err(Diagnostic::error(format!("section `{name}` does not exist"))
                    .at_source(key_line(&src.text, &src.display, "section"), &src.text)
                    .hint("`section:` names a folder under content/ that has an _index.md, e.g. `news/jiuye`"));
            }
            let (stem, dir) = stem_and_dir(src);
            if let Some(why) = front_matter::bad_name_date(stem) {
                return Err(Diagnostic::error(format!("the file name starts with `{}`, which is not a date: {why}", &stem[..11]))
                    .at(Location::file(&src.display))
                    .hint("rename the file to start with a real date (`2024-05-20-slug.md`); the date prefix sets the article's date and is left out of its URL"));
            }
            let prefix = paths::date_prefix(stem);
            let date =
                fm.date.or(prefix.map(|(d, _)| front_matter::FmDate::from_day(d))).map(|d| d.resolve(config.offset()));
            check_corrections(&fm, date, config, src)?;
            let slug_src = prefix.map(|(_, rest)| rest).unwrap_or(stem);
            let slug = match &fm.slug {
                Some(s) => paths::slugify(s, crate::config::SlugPolicy::Keep),
                None => paths::slugify(slug_src, config.slug),
            };
            let path = format!("{}{slug}/", if dir.is_empty() { String::new() } else { format!("{dir}/") });
            let slug_at = front_matter::value_spot(&split, &src.display, &src.text, "slug");
            let alias_at = front_matter::entry_spots(&split, &src.display, &src.text, "aliases", fm.aliases.len());
            warnings.extend(front_matter::slug_warnings(fm.slug.as_deref(), &slug, &slug_at));
            let split_body = split.body;
            let body_offset = split.body_offset;
            Ok(Parsed::Page(Box::new(Draft {
                src,
                fm,
                split_body,
                body_offset,
                date,
                path,
                section_dir: dir.to_string(),
                slug_at,
                alias_at,
                warnings,
            })))
        }
    }
}

/// The file stem that names a page (a bundle is named by its folder) and the folder it sits in.
fn stem_and_dir(src: &Source) -> (&str, &str) {
    let file_dir = paths::parent(&src.rel);
    if src.bundle {
        let name = file_dir.rsplit('/').next().unwrap_or(file_dir);
        (name, paths::parent(file_dir))
    } else {
        let name = src.rel.rsplit('/').next().unwrap_or(&src.rel);
        (name.strip_suffix(".md").unwrap_or(name), file_dir)
    }
}

/// The first moment after "now" at which this page appears, stops being scheduled or
/// expires. Drafts left out stay out whatever the date.
/// The page's next change after "now": (instant, true when it is published then, false
/// when it expires then).
fn due_after(
    fm: &PageFrontMatter,
    date: Option<OffsetDateTime>,
    config: &Config,
    opts: &BuildOptions,
) -> Option<(OffsetDateTime, bool)> {
    if fm.draft && !opts.drafts {
        return None;
    }
    let publish = fm.publish_date.map(|d| d.resolve(config.offset())).or(date).map(|t| (t, true));
    let expiry = fm.expiry_date.map(|e| (e.resolve(config.offset()), false));
    [publish, expiry].into_iter().flatten().filter(|(t, _)| *t > opts.now).min()
}

fn visible(fm: &PageFrontMatter, date: Option<OffsetDateTime>, config: &Config, opts: &BuildOptions) -> bool {
    if fm.draft && !opts.drafts {
        return false;
    }
    let publish = fm.publish_date.map(|d| d.resolve(config.offset())).or(date);
    if publish.is_some_and(|p| p > opts.now) && !opts.future {
        return false;
    }
    fm.expiry_date.is_none_or(|e| e.resolve(config.offset()) > opts.now)
}

fn finish_page(
    d: Draft,
    body: Arc<Rendered>,
    config: &Config,
    opts: &BuildOptions,
    base_path: &str,
    origin: &str,
) -> Page {
    let url = format!("{base_path}{}", paths::encode_path(&d.path));
    let summary_text = match (&d.fm.summary, &body.summary_html) {
        (Some(s), _) => s.trim().to_string(),
        (None, Some(_)) => {
            body.summary_text.clone().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
        }
        (None, None) => markdown::auto_summary(&body.text, 150),
    };
    let summary_html = match (&d.fm.summary, &body.summary_html) {
        (None, Some(html)) => html.clone(),
        _ => format!("<p>{}</p>", markdown::escape_html(&summary_text)),
    };
    let (han, words) = markdown::count_chars(&body.text);
    let body_chars = body.text.trim().chars().count();
    let has_more = body.summary_html.is_some() || summary_text.chars().count() < body_chars;
    let publish = d.fm.publish_date.map(|p| p.resolve(config.offset())).or(d.date);
    let image =
        d.fm.image.as_deref().map(|img| crate::images::lead_url(img, d.src.bundle, &d.section_dir, base_path, &url));
    let terms = BTreeMap::new();
    // A same-day correction written without a time is not older than the article.
    let at_least = |t: OffsetDateTime| d.date.map_or(t, |p| t.max(p));
    let mut corrections: Vec<(OffsetDateTime, String)> =
        d.fm.corrections
            .iter()
            .map(|c| (at_least(c.date.resolve(config.offset())), c.text.trim().to_string()))
            .collect();
    corrections.sort();
    Page {
        rel: d.src.rel.clone(),
        display: d.src.display.clone(),
        title: d.fm.title.clone().unwrap_or_default().trim().to_string(),
        section: d.section_dir.clone(),
        permalink: format!("{origin}{url}"),
        url,
        path: d.path,
        date: d.date,
        updated: d
            .fm
            .updated
            .map(|u| u.resolve(config.offset()))
            .into_iter()
            .chain(corrections.iter().map(|(t, _)| *t))
            .max(),
        corrections,
        draft: d.fm.draft,
        scheduled: publish.is_some_and(|p| p > opts.now),
        summary_html,
        summary_text,
        has_more,
        han_chars: han,
        reading_minutes: markdown::reading_minutes(han, words),
        terms,
        image,
        assets: Vec::new(),
        slug_at: d.slug_at,
        alias_at: d.alias_at,
        body,
        fm: d.fm,
    }
}

/// Collects a page's taxonomy values, reporting ones the config does not declare.
fn collect_terms(page: &mut Page, text: &str, config: &Config) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut given: Vec<(String, Vec<String>)> = Vec::new();
    for (name, vals) in [("tags", &page.fm.tags), ("topics", &page.fm.topics), ("regions", &page.fm.regions)] {
        if let Some(v) = vals {
            given.push((name.to_string(), v.clone()));
        }
    }
    for (k, v) in &page.fm.taxonomies {
        given.push((k.clone(), v.clone()));
    }
    for (name, values) in given {
        if config.taxonomy(&name).is_none() {
            diags.push(
                Diagnostic::error(format!("taxonomy `{name}` is not configured"))
                    .at_source(key_line(text, &page.display, &name), text)
                    .hint(format!("add `- name: {name}` under `taxonomies:` in gazette.yaml, or remove the key")),
            );
            continue;
        }
        let mut seen = BTreeSet::new();
        let terms: Vec<(String, String)> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| (v.to_string(), crate::terms::slug(v, config.slug)))
            .filter(|(_, slug)| seen.insert(slug.clone()))
            .collect();
        page.terms.insert(name, terms);
    }
    diags
}

/// A term becomes a folder name (`tags/<term>/`): one longer than file systems allow, or one
/// that is the name of the taxonomy's own list page (`tags/index.html`), is an error at the
/// page's taxonomy line, before anything is written.
fn unusable_terms(page: &Page, text: &str) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (taxonomy, terms) in &page.terms {
        for (name, slug) in terms {
            let (message, hint) = if slug.len() > 255 {
                let shown = crate::output::shown(name);
                let message = format!(
                    "{taxonomy} term `{shown}` makes a folder name of {} bytes; file systems allow at most 255",
                    slug.len()
                );
                (message, "shorten the term")
            } else if slug == "index.html" {
                let message = format!(
                    "{taxonomy} term `{}` would be published at {taxonomy}/index.html, where the list of all {taxonomy} is",
                    crate::output::shown(name)
                );
                (message, "write the term another way")
            } else {
                continue;
            };
            diags.push(Diagnostic::error(message).at_source(key_line(text, &page.display, taxonomy), text).hint(hint));
        }
    }
    diags
}

fn make_section(src: &Source, fm: SectionFrontMatter, body: Rendered, base_path: &str, origin: &str) -> Section {
    let key = paths::parent(&src.rel).to_string();
    let path = if key.is_empty() { String::new() } else { format!("{key}/") };
    let url = format!("{base_path}{}", paths::encode_path(&path));
    let title = fm.title.clone().unwrap_or_else(|| key.rsplit('/').next().unwrap_or("").to_string());
    Section {
        display: src.display.clone(),
        title,
        permalink: format!("{origin}{url}"),
        url,
        path,
        key,
        fm,
        body,
        pages: Vec::new(),
        listed: Vec::new(),
        children: Vec::new(),
        parent: None,
    }
}

fn assign_assets(site: &mut Site, assets: Vec<Asset>) {
    let bundles: BTreeMap<String, usize> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.rel.ends_with("/index.md") || p.rel == "index.md")
        .map(|(i, p)| (paths::parent(&p.rel).to_string(), i))
        .collect();
    for asset in assets {
        // The nearest enclosing bundle folder owns the file.
        let mut dir = paths::parent(&asset.rel);
        let owner = loop {
            if let Some(i) = bundles.get(dir) {
                break Some(*i);
            }
            if dir.is_empty() {
                break None;
            }
            dir = paths::parent(dir);
        };
        match owner {
            Some(i) => site.pages[i].assets.push(asset),
            None => site.assets.push(asset),
        }
    }
}

/// Sort key helper shared by sections and taxonomies: newest first, undated last, then path.
pub fn by_date_desc(pages: &[Page], a: usize, b: usize) -> std::cmp::Ordering {
    let (pa, pb) = (&pages[a], &pages[b]);
    match (pa.date, pb.date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| pa.rel.cmp(&pb.rel)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => pa.rel.cmp(&pb.rel),
    }
}

/// Orders page indexes by a section's `sort_by`.
pub fn sort_pages(pages: &[Page], list: &mut [usize], sort_by: SortBy) {
    match sort_by {
        SortBy::Date => list.sort_by(|a, b| by_date_desc(pages, *a, *b)),
        SortBy::Weight => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            let wa = pa.fm.weight.unwrap_or(i64::MAX);
            let wb = pb.fm.weight.unwrap_or(i64::MAX);
            wa.cmp(&wb).then_with(|| pa.title.cmp(&pb.title)).then_with(|| pa.rel.cmp(&pb.rel))
        }),
        SortBy::Title => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pa.title.cmp(&pb.title).then_with(|| pa.rel.cmp(&pb.rel))
        }),
    }
}

/// A location helper for errors found after parsing: the line of `key:` in a file's text.
pub fn key_line(text: &str, display: &str, key: &str) -> Location {
    let prefix = format!("{key}:");
    text.lines()
        .position(|l| l.trim_start().starts_with(&prefix))
        .map(|i| Location::at(display, i + 1, 1))
        .unwrap_or_else(|| Location::file(display))
}
