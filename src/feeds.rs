//! Stage 5b: machine-readable outputs. Atom feeds (site, sections, taxonomy terms), the
//! sitemap (split with an index past 50,000 URLs), `robots.txt` and alias redirect pages.
//!
//! These are written in Rust rather than templates so they are always well-formed XML with
//! absolute URLs, whatever the theme does. Timestamps come from content dates, never from the
//! clock, so two builds of the same tree are byte-identical.

use crate::config::Config;
use crate::model::{Page, Site};
use crate::paths;
use crate::views::{pager_url, rfc3339, term_url, total_pages};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use time::OffsetDateTime;

/// Largest number of URLs in one sitemap file (the protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids outright: a feed holding one is not XML at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// True when section `i` gets a feed: feeds are on and it lists dated pages.
pub fn section_has_feed(site: &Site, config: &Config, i: usize) -> bool {
    i > 0 && config.feed.sections && site.sections[i].listed.iter().any(|p| site.pages[*p].date.is_some())
}

/// One Atom feed to write: where, its head, and the pages it lists (newest first, cut to
/// the configured length).
#[derive(Debug, Clone)]
pub struct Feed {
    /// Output path.
    pub path: String,
    /// Feed title.
    pub title: String,
    /// The HTML page the feed belongs to.
    pub alternate: String,
    /// The feed's own URL (also its id).
    pub self_url: String,
    /// Page indexes, in feed order.
    pub pages: Vec<usize>,
}

/// Every feed: output path → XML.
pub fn feeds(site: &Site, config: &Config) -> BTreeMap<String, Vec<u8>> {
    feed_list(site, config).iter().map(|f| (f.path.clone(), atom(site, config, f))).collect()
}

/// Every feed of the site (site, sections with dated pages, taxonomy terms with feeds on).
pub fn feed_list(site: &Site, config: &Config) -> Vec<Feed> {
    let mut out = Vec::new();
    let origin = config.origin();
    let bp = config.base_path();
    let mut add = |path: String, title: String, alternate: &str, self_url: String, pages: &[usize]| {
        let pages = newest_dated(site, config, pages);
        out.push(Feed { path, title, alternate: alternate.to_string(), self_url, pages });
    };
    add("atom.xml".into(), config.title.clone(), &config.base_url, format!("{origin}{bp}atom.xml"), &site.by_date);
    for (i, s) in site.sections.iter().enumerate() {
        if section_has_feed(site, config, i) {
            let title = format!("{} · {}", s.title, config.title);
            add(format!("{}atom.xml", s.path), title, &s.permalink, format!("{}atom.xml", s.permalink), &s.listed);
        }
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        if !config.taxonomies[t].feed {
            continue;
        }
        for term in tax.terms.values() {
            let url = format!("{origin}{}", term_url(&bp, &tax.name, &term.slug));
            let title = format!("{} · {}", term.name, config.title);
            let self_url = format!("{url}atom.xml");
            add(format!("{}/{}/atom.xml", tax.name, term.slug), title, &url, self_url, &term.pages);
        }
    }
    out
}

/// The newest dated pages among `pages`, as many as a feed holds.
fn newest_dated(site: &Site, config: &Config, pages: &[usize]) -> Vec<usize> {
    let mut dated: Vec<usize> = pages.iter().copied().filter(|i| site.pages[*i].date.is_some()).collect();
    dated.sort_by(|a, b| {
        let (pa, pb) = (&site.pages[*a], &site.pages[*b]);
        pb.date.cmp(&pa.date).then_with(|| pa.rel.cmp(&pb.rel))
    });
    dated.truncate(config.feed.limit);
    dated
}

/// An Atom 1.0 feed.
pub fn atom(site: &Site, config: &Config, feed: &Feed) -> Vec<u8> {
    let dated: Vec<&Page> = feed.pages.iter().map(|i| &site.pages[*i]).collect();
    let (title, alternate, self_url) = (&feed.title, &feed.alternate, &feed.self_url);
    let updated = dated
        .iter()
        .filter_map(|p| p.updated.max(p.date))
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml_escape(&config.language));
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(title));
    if !config.description.is_empty() {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(&config.description));
    }
    let _ = writeln!(x, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", xml_escape(self_url));
    let _ = writeln!(x, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(alternate));
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(self_url));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    x.push_str("  <generator>Gazette</generator>\n");
    let _ = writeln!(x, "  <author><name>{}</name></author>", xml_escape(&config.title));
    for p in dated {
        entry(&mut x, p, config);
    }
    x.push_str("</feed>\n");
    x.into_bytes()
}

fn entry(x: &mut String, p: &Page, config: &Config) {
    // Feeds carry dated pages only (`newest_dated`); an entry without a date is never written.
    let Some(published) = p.date else { return };
    let date = rfc3339(published);
    let updated = p.updated.map(rfc3339).unwrap_or_else(|| date.clone());
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(&p.title));
    let _ = writeln!(x, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&p.permalink));
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(&p.permalink));
    let _ = writeln!(x, "    <published>{date}</published>");
    let _ = writeln!(x, "    <updated>{updated}</updated>");
    for name in p.fm.reporters.iter().chain(&p.fm.authors) {
        let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(name));
    }
    for (name, _) in p.terms.get("tags").into_iter().flatten() {
        let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(name));
    }
    let origin = config.origin();
    let summary = absolutize(&p.summary_html, &p.permalink, &origin);
    let _ = writeln!(x, "    <summary type=\"html\">{}</summary>", xml_escape(&summary));
    let content = absolutize(&p.body.html, &p.permalink, &origin);
    let _ = writeln!(
        x,
        "    <content type=\"html\" xml:base=\"{}\">{}</content>",
        xml_escape(&p.permalink),
        xml_escape(&content)
    );
    x.push_str("  </entry>\n");
}

/// Feed readers resolve relative links inconsistently (many ignore `xml:base`), so every
/// `href` and `src` in an entry's HTML is made absolute against the page's own URL:
/// root-relative (`/kb/x/`), relative (`chart.svg`, `../y/`) and fragments (`#fn-1`) alike.
/// Only attributes of tags are touched, never text that reads like one (`html_attrs`).
fn absolutize(html: &str, permalink: &str, origin: &str) -> String {
    crate::html_attrs::rewrite(html, |name, value| {
        matches!(name, "href" | "src").then(|| absolute_url(value, permalink, origin))
    })
}

/// `value` (an attribute as written in HTML) resolved against `permalink`, as a browser would.
pub(crate) fn absolute_url(value: &str, permalink: &str, origin: &str) -> String {
    let scheme = value.split_once(':').map(|(s, _)| s);
    let has_scheme =
        scheme.is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)));
    if has_scheme || value.starts_with("//") {
        return value.to_string();
    }
    if value.starts_with('/') {
        return format!("{origin}{value}");
    }
    if value.is_empty() || value.starts_with('#') || value.starts_with('?') {
        return format!("{permalink}{value}");
    }
    let page_dir = &permalink[origin.len()..=permalink.rfind('/').unwrap_or(permalink.len() - 1)];
    let (path, suffix) = value.find(['?', '#']).map_or((value, ""), |i| value.split_at(i));
    // Dot segments are resolved the way browsers do: `..` stops at the root.
    let mut segments: Vec<&str> = Vec::new();
    let joined = format!("{page_dir}{path}");
    let mut parts = joined.split('/').peekable();
    let mut dir = false;
    while let Some(seg) = parts.next() {
        dir = parts.peek().is_none() && matches!(seg, "" | "." | "..");
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let slash = if dir && !segments.is_empty() { "/" } else { "" };
    format!("{origin}/{}{slash}{suffix}", segments.join("/"))
}

/// Every canonical HTML URL of the site with its last-modified date, sorted.
fn sitemap_urls(site: &Site, config: &Config) -> Vec<(String, Option<String>)> {
    let origin = config.origin();
    let bp = config.base_path();
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for s in &site.sections {
        let newest = s.listed.iter().filter_map(|i| site.pages[*i].date).max();
        let per = s.fm.paginate_by.unwrap_or(config.paginate_by);
        for n in 1..=total_pages(s.listed.len(), per) {
            urls.push((format!("{origin}{}", pager_url(&s.url, n)), newest.map(rfc3339)));
        }
    }
    for p in &site.pages {
        urls.push((p.permalink.clone(), p.updated.or(p.date).map(rfc3339)));
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        if tax.terms.is_empty() {
            continue;
        }
        urls.push((format!("{origin}{bp}{}/", tax.name), None));
        let per = config.taxonomies[t].paginate_by.unwrap_or(config.paginate_by);
        for term in tax.terms.values() {
            let url = term_url(&bp, &tax.name, &term.slug);
            for n in 1..=total_pages(term.pages.len(), per) {
                urls.push((format!("{origin}{}", pager_url(&url, n)), None));
            }
        }
    }
    if config.archives && !site.by_date.is_empty() {
        urls.push((format!("{origin}{bp}archives/"), None));
        for (y, months) in crate::render::archive_index(site) {
            urls.push((format!("{origin}{bp}archives/{y}/"), None));
            for (m, _) in months {
                urls.push((format!("{origin}{bp}archives/{y}/{m:02}/"), None));
            }
        }
    }
    urls.extend(crate::editions::sitemap_urls(site, config));
    urls.sort();
    urls.dedup_by(|a, b| a.0 == b.0);
    urls
}

/// `sitemap.xml`, or an index plus `sitemap-N.xml` files past [`SITEMAP_LIMIT`] URLs.
pub fn sitemaps(site: &Site, config: &Config, limit: usize) -> BTreeMap<String, Vec<u8>> {
    let urls = sitemap_urls(site, config);
    let mut out = BTreeMap::new();
    let chunks: Vec<&[(String, Option<String>)]> = urls.chunks(limit.max(1)).collect();
    if chunks.len() <= 1 {
        out.insert("sitemap.xml".into(), urlset(&urls));
        return out;
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in chunks.iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(index, "  <sitemap><loc>{}{}</loc></sitemap>", xml_escape(&config.base_url), name);
        out.insert(name, urlset(chunk));
    }
    index.push_str("</sitemapindex>\n");
    out.insert("sitemap.xml".into(), index.into_bytes());
    out
}

fn urlset(urls: &[(String, Option<String>)]) -> Vec<u8> {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        match lastmod {
            Some(d) => {
                let _ = writeln!(x, "  <url><loc>{}</loc><lastmod>{d}</lastmod></url>", xml_escape(loc));
            }
            None => {
                let _ = writeln!(x, "  <url><loc>{}</loc></url>", xml_escape(loc));
            }
        }
    }
    x.push_str("</urlset>\n");
    x.into_bytes()
}

/// `robots.txt` pointing at the sitemap, and at the news sitemap when there is one.
pub fn robots(config: &Config) -> Vec<u8> {
    let mut x = format!("User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n", config.base_url);
    if config.news_sitemap.enabled {
        let _ = writeln!(x, "Sitemap: {}{NEWS_SITEMAP}", config.base_url);
    }
    x.into_bytes()
}

/// File name of the Google News sitemap.
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";

/// Google News reads at most this many URLs from one news sitemap.
const NEWS_LIMIT: usize = 1000;

/// The Google News sitemap: dated articles published within `news_sitemap.days` before
/// `now` (the build time), newest first, with the publication's name and language. It is
/// written even when no article is that recent, so robots.txt never names a missing file.
pub fn news_sitemap(site: &Site, config: &Config, now: OffsetDateTime) -> Vec<u8> {
    // A window reaching before the calendar's start (a huge `days`) holds every article.
    let since = now.checked_sub(time::Duration::days(i64::from(config.news_sitemap.days)));
    let mut recent: Vec<(&Page, OffsetDateTime)> = site
        .pages
        .iter()
        .filter(|p| !p.draft && !p.scheduled)
        .filter_map(|p| Some((p, p.date?)))
        .filter(|(_, d)| since.is_none_or(|s| *d > s) && *d <= now)
        .collect();
    recent.sort_by(|(a, da), (b, db)| db.cmp(da).then_with(|| a.rel.cmp(&b.rel)));
    recent.truncate(NEWS_LIMIT);
    let language = config.news_sitemap.language.clone().unwrap_or_else(|| config.language.to_lowercase());
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for (p, date) in recent {
        let _ = writeln!(x, "  <url>\n    <loc>{}</loc>\n    <news:news>", xml_escape(&p.permalink));
        let _ = writeln!(
            x,
            "      <news:publication><news:name>{}</news:name><news:language>{}</news:language></news:publication>",
            xml_escape(config.publisher_name()),
            xml_escape(&language)
        );
        let _ = writeln!(x, "      <news:publication_date>{}</news:publication_date>", rfc3339(date));
        let _ = writeln!(x, "      <news:title>{}</news:title>\n    </news:news>\n  </url>", xml_escape(&p.title));
    }
    x.push_str("</urlset>\n");
    x.into_bytes()
}

/// A tiny HTML page that sends the browser (and search engines, via canonical) to `target`.
pub fn redirect_page(target: &str, language: &str) -> Vec<u8> {
    let t = xml_escape(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>页面已移动</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>页面已移动到 <a href=\"{t}\">{t}</a>。</p>\n</body>\n</html>\n",
        lang = xml_escape(language)
    )
    .into_bytes()
}

/// Output path of an alias: `/old/x/` → `old/x/index.html`, `/old.html` → `old.html`.
/// `None` for aliases that would escape the output folder.
pub fn alias_path(alias: &str) -> Option<String> {
    let decoded = paths::decode_path(alias.trim());
    let norm = paths::normalize(decoded.trim_start_matches('/'))?;
    if norm.is_empty() {
        return None;
    }
    if norm.ends_with(".html") || norm.ends_with(".htm") { Some(norm) } else { Some(format!("{norm}/index.html")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://example.org/news/x/";
    const ORIGIN: &str = "https://example.org";

    #[test]
    fn feed_html_links_become_absolute_against_the_page() {
        let cases = [
            ("chart.svg", "https://example.org/news/x/chart.svg"),
            ("#fn-1", "https://example.org/news/x/#fn-1"),
            ("../y/?a=1#b", "https://example.org/news/y/?a=1#b"),
            ("../../../../z/", "https://example.org/z/"),
            ("..", "https://example.org/news/"),
            ("/kb/a/", "https://example.org/kb/a/"),
            ("https://other.org/a", "https://other.org/a"),
            ("mailto:a@b.c", "mailto:a@b.c"),
            ("//cdn.example/x.png", "//cdn.example/x.png"),
        ];
        for (value, want) in cases {
            assert_eq!(absolute_url(value, PAGE, ORIGIN), want, "{value}");
        }
        let html = r##"<p><a href="#fn-1">1</a> <img src="chart.svg" alt="图"> <a href="/kb/">知识库</a></p>"##;
        assert_eq!(
            absolutize(html, PAGE, ORIGIN),
            r##"<p><a href="https://example.org/news/x/#fn-1">1</a> <img src="https://example.org/news/x/chart.svg" alt="图"> <a href="https://example.org/kb/">知识库</a></p>"##
        );
    }
}
