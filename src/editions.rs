//! Stage 4c: print editions (期). Groups the articles that carry `issue:` (期号) into
//! editions, and each edition's articles by `page:` (版次) and section, the way the printed
//! paper lays them out.
//!
//! In: the linked [`Site`] and the config. Out: plain [`Edition`]s (newest first) plus
//! diagnostics, stored in `Site::editions` for the render and feed stages. Everything here is
//! decided by front matter (`issue`, `page`, `weight`, `date`) and paths, never by a body, so
//! an edit of an article's text (the `gazette serve` patch path) never changes an edition's
//! shape. Every order has a total tie-break (source path), so no hash order reaches output.
//!
//! Ordering rules, documented in the README:
//! - editions: newest first by edition date (the newest date among its articles), ties and
//!   undated editions by key, higher numbers first;
//! - 版 within an edition: numbered 版 in numeric order (第1版, 第2版 … 第10版), then 版
//!   written without a number by name, then articles with no `page:` (未分版);
//! - articles within a 版: `weight` (lower first, unweighted last), then newest first, then
//!   source path. The first is the 版's lead (头条); the edition's lead is its first 版's.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::feeds::xml_escape;
use crate::load::Source;
use crate::model::{Page, Site, key_line};
use crate::paths;
use crate::views::rfc3339;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use time::OffsetDateTime;

/// The folder every edition page lives under.
pub const DIR: &str = "issues";

/// One edition (期) of the bulletin.
#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    /// URL segment made from the issue value like a taxonomy term's (`第12期`, `2024-05`).
    pub key: String,
    /// The `issue:` value as written (trimmed).
    pub issue: String,
    /// `第12期` (the value itself when it already says 期).
    pub label: String,
    /// Output folder, `issues/<key>/`.
    pub path: String,
    /// Root-relative, percent-encoded URL with the base path.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The newest date among its articles.
    pub date: Option<OffsetDateTime>,
    /// Its 版, in paper order.
    pub folios: Vec<Folio>,
}

/// One 版 (printed page) of an edition.
#[derive(Debug, Clone, PartialEq)]
pub struct Folio {
    /// `第3版`, the name as written for a 版 without a number, or `未分版`.
    pub label: String,
    /// The number, when the `page:` value holds one.
    pub number: Option<u64>,
    /// Page indexes in 版 order (the lead first).
    pub pages: Vec<usize>,
}

impl Edition {
    /// Every article of the edition in paper order: 版 by 版, the lead of each first.
    pub fn pages(&self) -> impl Iterator<Item = usize> + '_ {
        self.folios.iter().flat_map(|f| f.pages.iter().copied())
    }

    /// The edition's lead story (头条): the first article of its first 版.
    pub fn lead(&self) -> Option<usize> {
        self.pages().next()
    }

    /// How many articles it holds.
    pub fn count(&self) -> usize {
        self.folios.iter().map(|f| f.pages.len()).sum()
    }
}

impl Folio {
    /// The 版's articles grouped by section (section key, pages), sections in the order
    /// their first article appears, the lead left out (templates show it above them).
    pub fn sections<'a>(&self, site: &'a Site) -> Vec<(&'a str, Vec<usize>)> {
        let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
        for &i in self.pages.iter().skip(1) {
            let key = site.pages[i].section.as_str();
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(i),
                None => out.push((key, vec![i])),
            }
        }
        out
    }
}

/// `第12期` for `12`; a value that already says 期 (`第12期`) is kept as written.
pub fn issue_label(issue: &str) -> String {
    if issue.contains('期') { issue.to_string() } else { format!("第{issue}期") }
}

/// The number inside `wrap_start` N `wrap_end` (`第12期`, `第３版`) or a bare number, with
/// full-width digits made ASCII; `None` for anything else (`A1`, `2024-05`, `要闻版`).
fn wrapped_number(value: &str, wrap_start: &str, wrap_end: &str) -> Option<String> {
    let v = value.trim();
    let v = v.strip_prefix(wrap_start).unwrap_or(v);
    let v = v.strip_suffix(wrap_end).unwrap_or(v).trim();
    let digits: Option<String> = v
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect();
    digits.filter(|d| !d.is_empty())
}

/// An `issue:` value in one spelling: `12`, `第12期` and `第１２期` are the same edition.
pub fn canonical_issue(issue: &str) -> String {
    wrapped_number(issue, "第", "期").unwrap_or_else(|| issue.trim().to_string())
}

/// The edition key of a page, when it has a non-blank `issue:`.
pub fn issue_key(p: &Page, config: &Config) -> Option<String> {
    let issue = p.fm.issue.as_ref().map(|t| t.0.trim()).filter(|t| !t.is_empty())?;
    Some(paths::slugify(&canonical_issue(issue), config.slug))
}

/// Keys that would make the edition's folder clash with a file the edition index writes
/// beside it (`issues/atom.xml`, `issues/index.html`).
fn reserved_key(key: &str) -> bool {
    let lower = key.to_lowercase();
    [".xml", ".html", ".htm", ".json", ".txt"].iter().any(|ext| lower.ends_with(ext))
}

/// URL of the edition page of `p`, for its page view; `None` without `issue:`.
pub fn issue_url(p: &Page, config: &Config, base_path: &str) -> Option<String> {
    issue_key(p, config).map(|k| format!("{base_path}{}", paths::encode_path(&format!("{DIR}/{k}/"))))
}

/// The number in a `page:` value: `3`, `第3版`, `第１０版` (full-width digits) → 3, 3, 10;
/// `None` for named pages (`要闻版`, `A1`), which keep their own name.
pub fn folio_number(value: &str) -> Option<u64> {
    wrapped_number(value, "第", "版")?.parse().ok()
}

/// Groups the site's articles into editions, newest first. Spellings of one number (`12`,
/// `第12期`) are one edition; two other values that make the same key (`2024 05` and
/// `2024-05`) are an error naming both files, never a merge.
pub fn build(site: &Site, config: &Config, sources: &[Source]) -> (Vec<Edition>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // key → (issue as written, the first file that wrote it, its pages)
    let mut groups: BTreeMap<String, (String, usize, Vec<usize>)> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        let Some(key) = issue_key(p, config) else { continue };
        let issue = p.fm.issue.as_ref().map(|t| canonical_issue(&t.0)).unwrap_or_default();
        if reserved_key(&key) {
            diags.push(reserved(site, sources, &key, i));
            continue;
        }
        let group = groups.entry(key.clone()).or_insert_with(|| (issue.clone(), i, Vec::new()));
        if group.0 != issue {
            diags.push(collision(site, sources, &key, (&group.0, group.1), (&issue, i)));
            continue;
        }
        group.2.push(i);
    }
    let base_path = config.base_path();
    let origin = config.origin();
    let mut editions: Vec<Edition> = groups
        .into_iter()
        .map(|(key, (issue, _, pages))| {
            let path = format!("{DIR}/{key}/");
            let url = format!("{base_path}{}", paths::encode_path(&path));
            Edition {
                label: issue_label(&issue),
                date: pages.iter().filter_map(|i| site.pages[*i].date).max(),
                folios: folios(site, pages),
                permalink: format!("{origin}{url}"),
                url,
                path,
                issue,
                key,
            }
        })
        .collect();
    editions.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| natural(&b.key, &a.key)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => natural(&b.key, &a.key),
    });
    (editions, diags)
}

/// The error for two issue values sharing a key, at the second file's `issue:` line.
fn collision(site: &Site, sources: &[Source], key: &str, first: (&str, usize), second: (&str, usize)) -> Diagnostic {
    let (a, b) = (&site.pages[first.1], &site.pages[second.1]);
    let text = sources.iter().find(|s| s.rel == b.rel).map(|s| s.text.as_str()).unwrap_or("");
    Diagnostic::error(format!(
        "issue `{}` in {} and issue `{}` in {} both make the edition `/{DIR}/{key}/`",
        second.0, b.display, first.0, a.display
    ))
    .at_source(key_line(text, &b.display, "issue"), text)
    .hint("write the issue the same way in every article of one edition, or make the two issues differ")
}

fn reserved(site: &Site, sources: &[Source], key: &str, i: usize) -> Diagnostic {
    let p = &site.pages[i];
    let text = sources.iter().find(|s| s.rel == p.rel).map(|s| s.text.as_str()).unwrap_or("");
    Diagnostic::error(format!("issue `{key}` would make the edition folder `/{DIR}/{key}/` clash with a file"))
        .at_source(key_line(text, &p.display, "issue"), text)
        .hint("an issue is a number or a name such as `12`, `第12期` or `2024-05`, not a file name")
}

/// An edition's pages grouped into 版, in paper order.
fn folios(site: &Site, pages: Vec<usize>) -> Vec<Folio> {
    // (number, name as written) orders numbered 版 first, then named ones, then none.
    let mut by_folio: BTreeMap<(u8, u64, String), Vec<usize>> = BTreeMap::new();
    for i in pages {
        let value = site.pages[i].fm.page.as_ref().map(|t| t.0.trim().to_string()).filter(|v| !v.is_empty());
        let key = match value {
            Some(v) => match folio_number(&v) {
                Some(n) => (0, n, String::new()),
                None => (1, 0, v),
            },
            None => (2, 0, String::new()),
        };
        by_folio.entry(key).or_default().push(i);
    }
    by_folio
        .into_iter()
        .map(|((kind, n, name), mut pages)| {
            pages.sort_by(|a, b| lead_order(&site.pages[*a], &site.pages[*b]));
            let (label, number) = match kind {
                0 => (format!("第{n}版"), Some(n)),
                1 => (name, None),
                _ => ("未分版".to_string(), None),
            };
            Folio { label, number, pages }
        })
        .collect()
}

/// Article order within a 版: weight (unweighted last), newest first, source path.
fn lead_order(a: &Page, b: &Page) -> Ordering {
    let w = |p: &Page| p.fm.weight.unwrap_or(i64::MAX);
    w(a).cmp(&w(b)).then_with(|| b.date.cmp(&a.date)).then_with(|| a.rel.cmp(&b.rel))
}

/// Compares keys with runs of digits by value, so `9` comes before `10` and `2024-5` before
/// `2024-12`.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s.trim_start_matches('0').to_string()
                };
                let (m, k) = (n(&mut x), n(&mut y));
                let ord = m.len().cmp(&k.len()).then_with(|| m.cmp(&k));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// The edition index and edition pages, with their last-modified dates, for the sitemap.
/// Print views are left out: they are `noindex` copies of the edition pages.
pub fn sitemap_urls(site: &Site, config: &Config) -> Vec<(String, Option<String>)> {
    if site.editions.is_empty() {
        return Vec::new();
    }
    let index = format!("{}{}{DIR}/", config.origin(), config.base_path());
    let newest = site.editions.iter().filter_map(|e| e.date).max();
    let mut urls = vec![(index, newest.map(rfc3339))];
    urls.extend(site.editions.iter().map(|e| (e.permalink.clone(), e.date.map(rfc3339))));
    urls
}

/// Output path of the edition feed.
pub fn feed_path() -> String {
    format!("{DIR}/atom.xml")
}

/// Feed entry title: `第12期 · 头条标题`.
pub fn entry_title(site: &Site, e: &Edition) -> String {
    match e.lead() {
        Some(i) => format!("{} · {}", e.label, site.pages[i].title),
        None => e.label.clone(),
    }
}

/// The Atom feed of editions (`issues/atom.xml`), or `None` for a site without editions.
/// One entry per dated edition, newest first, cut to `feed.limit`; its summary lists the
/// headlines by 版. Built from titles and dates only, never from bodies, so a body-only edit
/// (the serve patch path) never changes it.
pub fn atom(site: &Site, config: &Config) -> Option<Vec<u8>> {
    site.editions.first()?;
    let origin = config.origin();
    let index = format!("{origin}{}{DIR}/", config.base_path());
    let self_url = format!("{index}atom.xml");
    let dated: Vec<&Edition> = site.editions.iter().filter(|e| e.date.is_some()).take(config.feed.limit).collect();
    let updated = dated.first().and_then(|e| e.date).map(rfc3339);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml_escape(&config.language));
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(&format!("往期 · {}", config.title)));
    let _ = writeln!(x, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", xml_escape(&self_url));
    let _ = writeln!(x, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&index));
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&self_url));
    let _ = writeln!(x, "  <updated>{}</updated>", updated.unwrap_or_else(|| "1970-01-01T00:00:00Z".into()));
    x.push_str("  <generator>Gazette</generator>\n");
    let _ = writeln!(x, "  <author><name>{}</name></author>", xml_escape(&config.title));
    for e in dated {
        entry(&mut x, site, e);
    }
    x.push_str("</feed>\n");
    Some(x.into_bytes())
}

fn entry(x: &mut String, site: &Site, e: &Edition) {
    // The feed carries dated editions only; an entry without a date is never written.
    let Some(date) = e.date.map(rfc3339) else { return };
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(&entry_title(site, e)));
    let _ = writeln!(x, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&e.permalink));
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(&e.permalink));
    let _ = writeln!(x, "    <updated>{date}</updated>");
    let mut summary = String::new();
    for f in &e.folios {
        let _ = write!(summary, "<h3>{}</h3><ul>", xml_escape(&f.label));
        for &i in &f.pages {
            let p = &site.pages[i];
            let _ = write!(summary, "<li><a href=\"{}\">{}</a></li>", xml_escape(&p.permalink), xml_escape(&p.title));
        }
        summary.push_str("</ul>");
    }
    let _ = writeln!(x, "    <summary type=\"html\">{}</summary>", xml_escape(&summary));
    x.push_str("  </entry>\n");
}

/// An article body for the print view, where several bodies share one page: ids and
/// in-page links get the prefix `a{n}-` (two articles with footnote `1` or heading `背景`
/// would otherwise clash), every other link is made absolute against the article's own
/// URL, since relative links were written for the article page (and print shows them), and
/// headings go two levels down (`h2` → `h4`), below the 版 (`h2`) and headline (`h3`).
pub fn print_body(html: &str, n: usize, permalink: &str, origin: &str) -> String {
    // Only attributes of tags are touched, never text that reads like one (`html_attrs`).
    crate::html_attrs::rewrite(&demote_headings(html), |name, value| match (name, value.strip_prefix('#')) {
        ("id", _) => Some(format!("a{n}-{value}")),
        ("href", Some(fragment)) => Some(format!("#a{n}-{fragment}")),
        ("href" | "src", _) => Some(crate::feeds::absolute_url(value, permalink, origin)),
        _ => None,
    })
}

/// `h1`–`h6` two levels down, `h6` at most. Highest first, so no tag moves twice.
fn demote_headings(html: &str) -> String {
    let mut out = html.to_string();
    for level in (1..=5).rev() {
        let to = (level + 2).min(6);
        for (from, into) in [("<h{}>", "<h{}>"), ("<h{} ", "<h{} "), ("</h{}>", "</h{}>")] {
            out = out.replace(&from.replace("{}", &level.to_string()), &into.replace("{}", &to.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folio_numbers_and_natural_order() {
        assert_eq!(folio_number("3"), Some(3));
        assert_eq!(folio_number("第10版"), Some(10));
        assert_eq!(folio_number("第１２版"), Some(12));
        assert_eq!(folio_number("要闻版"), None);
        assert_eq!(folio_number("A1"), None, "a named page, not page 1");
        assert_eq!(folio_number("第2版（2024年）"), None);
        assert_eq!(canonical_issue("第１２期"), "12");
        assert_eq!(canonical_issue(" 12 "), "12");
        assert_eq!(canonical_issue("2024-05"), "2024-05");
        assert!(reserved_key("atom.xml") && reserved_key("index.HTML") && !reserved_key("2024-05"));
        assert_eq!(natural("9", "10"), Ordering::Less);
        assert_eq!(natural("2024-5", "2024-12"), Ordering::Less);
        assert_eq!(natural("第9期", "第10期"), Ordering::Less);
        assert_eq!(natural("b", "a"), Ordering::Greater);
        assert_eq!(issue_label("12"), "第12期");
        assert_eq!(issue_label("第12期"), "第12期");
    }

    #[test]
    fn print_bodies_get_unique_ids_and_absolute_links() {
        let html = r##"<h2 id="背景">背景</h2><p>见<a href="#1">1</a>与<a href="../y/">乙</a><img src="c.svg" alt=""></p><div class="footnote-definition" id="1"></div>"##;
        assert_eq!(
            print_body(html, 2, "https://example.org/news/x/", "https://example.org"),
            r##"<h4 id="a2-背景">背景</h4><p>见<a href="#a2-1">1</a>与<a href="https://example.org/news/y/">乙</a><img src="https://example.org/news/x/c.svg" alt=""></p><div class="footnote-definition" id="a2-1"></div>"##
        );
    }
}
