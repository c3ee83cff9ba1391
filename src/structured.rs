//! Structured data for article pages: schema.org JSON-LD, so search engines and news
//! aggregators read headline, dates, authors and publisher without scraping the page.
//!
//! Built here rather than in a template because it must be escaped for a `<script>` element:
//! a headline such as `</script><script>…` must stay data.

use crate::config::Config;
use crate::model::{Page, Site};
use crate::views::rfc3339;
use serde_json::{Map, Value, json};

/// The JSON-LD of page `i`, ready to sit inside `<script type="application/ld+json">`.
/// Dated pages are `NewsArticle`; undated ones (knowledge-base entries) are `Article`.
pub fn article_json_ld(site: &Site, config: &Config, i: usize) -> String {
    let p = &site.pages[i];
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!(if p.date.is_some() { "NewsArticle" } else { "Article" }));
    o.insert("headline".into(), json!(p.title));
    if let Some(sub) = &p.fm.subtitle {
        o.insert("alternativeHeadline".into(), json!(sub));
    }
    if !p.summary_text.is_empty() {
        o.insert("description".into(), json!(p.summary_text));
    }
    o.insert("url".into(), json!(p.permalink));
    o.insert("mainEntityOfPage".into(), json!({"@type": "WebPage", "@id": p.permalink}));
    if let Some(d) = p.date {
        o.insert("datePublished".into(), json!(rfc3339(d)));
    }
    if let Some(m) = modified(p) {
        o.insert("dateModified".into(), json!(rfc3339(m)));
    }
    o.insert("author".into(), Value::Array(authors(p, config)));
    o.insert("publisher".into(), publisher(config));
    if let Some(img) = &p.image {
        o.insert("image".into(), json!([absolute(img, config)]));
    }
    if let Some(s) = site.section(&p.section).filter(|s| !s.title.is_empty()) {
        o.insert("articleSection".into(), json!(s.title));
    }
    let keywords: Vec<&str> = ["tags", "topics"]
        .iter()
        .flat_map(|t| p.terms.get(*t).into_iter().flatten())
        .map(|(name, _)| name.as_str())
        .collect();
    if !keywords.is_empty() {
        o.insert("keywords".into(), json!(keywords));
    }
    o.insert("inLanguage".into(), json!(config.language));
    script_safe(&Value::Object(o).to_string())
}

/// The latest of the update date and the publication date: what `dateModified` says.
pub fn modified(p: &Page) -> Option<time::OffsetDateTime> {
    [p.updated, p.date].into_iter().flatten().max()
}

/// Reporters and authors as people; else the source (新华社…) or the publisher as an
/// organisation, since schema.org wants an author on every article.
fn authors(p: &Page, config: &Config) -> Vec<Value> {
    let people: Vec<Value> =
        p.fm.reporters.iter().chain(&p.fm.authors).map(|n| json!({"@type": "Person", "name": n})).collect();
    if !people.is_empty() {
        return people;
    }
    let name = p.fm.source.as_deref().unwrap_or(config.publisher_name());
    vec![json!({"@type": "Organization", "name": name})]
}

fn publisher(config: &Config) -> Value {
    let mut o = Map::new();
    o.insert("@type".into(), json!("Organization"));
    o.insert("name".into(), json!(config.publisher_name()));
    o.insert("url".into(), json!(config.base_url));
    if let Some(logo) = config.publisher_logo() {
        o.insert("logo".into(), json!({"@type": "ImageObject", "url": logo}));
    }
    Value::Object(o)
}

/// A root-relative URL made absolute on the site's origin.
fn absolute(url: &str, config: &Config) -> String {
    if url.starts_with('/') { format!("{}{url}", config.origin()) } else { url.to_string() }
}

/// JSON that cannot end its `<script>` element or open a comment in it: `<`, `>` and `&`
/// become `\u003c` … (still the same JSON), as do the line separators U+2028 and U+2029.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_still_parses_to_the_same_value() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}";
        let json = json!({ "headline": hostile }).to_string();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'), "{safe}");
        let back: Value = serde_json::from_str(&safe).expect("parses");
        assert_eq!(back["headline"], hostile);
    }
}
