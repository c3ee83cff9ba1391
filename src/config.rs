//! Stage 1: configuration. Reads `gazette.yaml` into a [`Config`] and applies command-line
//! overrides.
//!
//! Unknown keys are errors with a location (a typo such as `paginate: 10` would otherwise be
//! silently ignored and the user would wonder why nothing changed). This stage never touches
//! content or output.

use crate::diagnostics::{Diagnostic, Location};
use crate::yaml;
use serde::Deserialize;
use std::path::Path;
use time::UtcOffset;

/// The config file name, at the site root.
pub const CONFIG_FILE: &str = "gazette.yaml";

/// Site configuration, as written in `gazette.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description for feeds and meta tags.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is served from; may carry a sub-path (`https://x.org/bulletin/`).
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>` and feeds.
    #[serde(default = "default_language")]
    pub language: String,
    /// Offset applied to dates written without one, e.g. `+08:00`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Theme folder name under `themes/`; `default` is also embedded in the binary.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Taxonomies pages can be classified by.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Default page size for section lists; 0 disables pagination.
    #[serde(default = "default_paginate")]
    pub paginate_by: usize,
    /// Year and month archive pages.
    #[serde(default = "default_true")]
    pub archives: bool,
    /// How slugs are made from file names and taxonomy terms.
    #[serde(default)]
    pub slug: SlugPolicy,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Feed options.
    #[serde(default)]
    pub feed: FeedConfig,
    /// Search options.
    #[serde(default)]
    pub search: SearchConfig,
    /// Related articles under each page.
    #[serde(default)]
    pub related: RelatedConfig,
    /// Who publishes the site: schema.org `publisher` and the news sitemap's publication.
    #[serde(default)]
    pub publisher: PublisherConfig,
    /// The Google News sitemap (`news-sitemap.xml`).
    #[serde(default)]
    pub news_sitemap: NewsSitemapConfig,
    /// What rendering one page may spend.
    #[serde(default)]
    pub templates: TemplatesConfig,
    /// Paths in the output folder that gazette did not write and carries over into every new
    /// output, beside the built-in `.git`, `CNAME`, `.nojekyll` and `.well-known/`
    /// ([`crate::output::keep`]).
    #[serde(default)]
    pub keep: Vec<String>,
    /// Publish the theme's and the site's `.js`/`.mjs` files without comments, indentation
    /// and blank lines (every reader's first search downloads them); `false` ships them as
    /// written, e.g. to debug them in a browser.
    #[serde(default = "default_true")]
    pub minify_js: bool,
    /// Free-form data passed to templates as `site.extra`.
    #[serde(default)]
    pub extra: serde_yaml::Value,
    /// Warnings found while loading (control characters dropped from the site's texts): the
    /// build reports them once, wherever the config is loaded.
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// A hash of the very `gazette.yaml` bytes this config was parsed from and of the
    /// command-line overrides: the build memo's key ([`crate::memo::VersionKey`]), taken
    /// here so it cannot come from a second read that found another file.
    #[serde(skip)]
    pub source_hash: u128,
}

/// Budgets for rendering one page: a template whose loops run away (nested over long lists,
/// or a component calling itself) ends with an error naming the loop instead of hanging the
/// build or the preview server (see `src/render/budget.rs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesConfig {
    /// Loop iterations, list-comprehension elements and component calls, together.
    #[serde(default = "default_max_iterations")]
    pub max_iterations: u64,
    /// Wall time, in milliseconds.
    #[serde(default = "default_max_render_ms")]
    pub max_render_ms: u64,
    /// Size of one page's output, in MiB: a loop that writes a large string at every turn
    /// would fill memory long before the time budget ends it.
    #[serde(default = "default_max_page_mb")]
    pub max_page_mb: u64,
}

impl Default for TemplatesConfig {
    fn default() -> Self {
        TemplatesConfig {
            max_iterations: default_max_iterations(),
            max_render_ms: default_max_render_ms(),
            max_page_mb: default_max_page_mb(),
        }
    }
}

/// Ten million: a thousand times what the largest page of a 10,000-article site loops over.
fn default_max_iterations() -> u64 {
    10_000_000
}

fn default_max_render_ms() -> u64 {
    10_000
}

/// 256 MiB: some thousand times the largest page of a 10,000-article site.
fn default_max_page_mb() -> u64 {
    256
}

/// One taxonomy, e.g. `tags`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Front-matter key and URL segment (`tags` → `/tags/就业/`).
    pub name: String,
    /// Human title; defaults to a Chinese name for the built-in three.
    #[serde(default)]
    pub title: Option<String>,
    /// Term page size; defaults to the site's `paginate_by`.
    #[serde(default)]
    pub paginate_by: Option<usize>,
    /// Whether each term gets an Atom feed.
    #[serde(default = "default_true")]
    pub feed: bool,
}

impl TaxonomyConfig {
    /// The title shown to readers.
    pub fn display_title(&self) -> String {
        self.title.clone().unwrap_or_else(|| {
            match self.name.as_str() {
                "tags" => "标签",
                "topics" => "专题",
                "regions" => "地区",
                other => other,
            }
            .to_string()
        })
    }
}

/// Slug policy for file names and taxonomy terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugPolicy {
    /// Keep Chinese characters (percent-encoded in links).
    #[default]
    Keep,
    /// Transliterate Han characters to toneless pinyin (`辽宁` → `liao-ning`).
    Pinyin,
}

/// Markdown options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in content through instead of dropping it with a warning.
    #[serde(default)]
    pub unsafe_html: bool,
    /// Minimum number of headings for `page.show_toc`.
    #[serde(default = "default_toc_min")]
    pub toc_min_headings: usize,
    /// Typographic quotes and dashes (off by default: Chinese text uses its own punctuation).
    #[serde(default)]
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { unsafe_html: false, toc_min_headings: default_toc_min(), smart_punctuation: false }
    }
}

/// Feed options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Entries per feed.
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
    /// Whether sections get their own feed.
    #[serde(default = "default_true")]
    pub sections: bool,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { limit: default_feed_limit(), sections: true }
    }
}

/// The publisher named in structured data and the news sitemap.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherConfig {
    /// Publication name; the site title when unset.
    #[serde(default)]
    pub name: Option<String>,
    /// Logo: a path in the site (`images/logo.svg`) or an absolute URL.
    #[serde(default)]
    pub logo: Option<String>,
}

/// Google News sitemap options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsSitemapConfig {
    /// Write `news-sitemap.xml` (and name it in robots.txt).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Articles published this many days before the build time are listed (Google News
    /// reads two days).
    #[serde(default = "default_news_days")]
    pub days: u32,
    /// Publication language code; `language` lowercased (`zh-cn`) when unset.
    #[serde(default)]
    pub language: Option<String>,
}

impl Default for NewsSitemapConfig {
    fn default() -> Self {
        NewsSitemapConfig { enabled: true, days: default_news_days(), language: None }
    }
}

fn default_news_days() -> u32 {
    2
}

/// Search options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Build the search index.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Where the tantivy index is kept, relative to the site root.
    #[serde(default = "default_index_dir")]
    pub index_dir: String,
    /// Days after which an article's freshness bonus halves; 0 turns recency off. A score is
    /// BM25 × (1 + `recency_weight` × 0.5^(age / half-life)), the age counted back from the
    /// newest dated page (see `src/search/recency.rs`).
    #[serde(default = "default_recency_half_life_days")]
    pub recency_half_life_days: f64,
    /// How much the newest article's score is raised: 1 doubles it.
    #[serde(default = "default_recency_weight")]
    pub recency_weight: f64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            index_dir: default_index_dir(),
            recency_half_life_days: default_recency_half_life_days(),
            recency_weight: default_recency_weight(),
        }
    }
}

/// A year: last month's news ranks about 1.9 times a text-only match, last year's 1.5 times.
fn default_recency_half_life_days() -> f64 {
    365.0
}

fn default_recency_weight() -> f64 {
    1.0
}

/// Why a recency setting is out of range: both are finite and at least 0; the weight is at
/// most [`crate::search::recency::MAX_WEIGHT`] and the half-life at most a thousand years.
fn recency_problem(key: &str, value: f64) -> Option<String> {
    let max = if key == "recency_weight" { crate::search::recency::MAX_WEIGHT } else { 365_000.0 };
    (!value.is_finite() || !(0.0..=max).contains(&value))
        .then(|| format!("search.{key} must be a number from 0 to {max}, found {value}"))
}

/// Related-article options. The lists are scored from the same tokens search indexes (see
/// `src/related.rs`), so these only say how many to show and which shared terms add a bonus.
#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedConfig {
    /// Related articles per page; 0 turns the lists (and their cost) off.
    #[serde(default = "default_related_limit")]
    pub limit: usize,
    /// Taxonomies whose shared terms raise a pair's score, so an editor's tagging still counts
    /// beside the text. Regions are left out by default: two stories from one province are
    /// not thereby about the same thing.
    #[serde(default = "default_related_taxonomies")]
    pub taxonomies: Vec<String>,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig { limit: default_related_limit(), taxonomies: default_related_taxonomies() }
    }
}

fn default_related_limit() -> usize {
    5
}

fn default_related_taxonomies() -> Vec<String> {
    vec!["tags".into(), "topics".into()]
}

fn default_index_dir() -> String {
    ".gazette/index".into()
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_timezone() -> String {
    "+08:00".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    10
}
fn default_true() -> bool {
    true
}
fn default_toc_min() -> usize {
    3
}
fn default_feed_limit() -> usize {
    20
}
fn default_taxonomies() -> Vec<TaxonomyConfig> {
    ["tags", "topics", "regions"]
        .iter()
        .map(|n| TaxonomyConfig { name: n.to_string(), title: None, paginate_by: None, feed: true })
        .collect()
}

/// Values the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `base_url`.
    pub base_url: Option<String>,
}

/// The hash of a config's text and overrides kept in [`Config::source_hash`].
fn source_hash(text: &str, overrides: &Overrides) -> u128 {
    let mut bytes = text.as_bytes().to_vec();
    // A separator no UTF-8 text holds, then each override (NUL for none).
    bytes.push(0xff);
    bytes.extend(overrides.base_url.as_deref().unwrap_or("\u{0}").as_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

impl Config {
    /// Reads and validates `root/gazette.yaml`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}"))
                    .at(Location::file(CONFIG_FILE))
                    .hint("run `gazette init DIR` to create a site, or pass --root DIR"),
            ]
        })?;
        let mut config: Config = yaml::parse(&text, CONFIG_FILE, 1, &text).map_err(|d| vec![d])?;
        if let Some(url) = &overrides.base_url {
            config.base_url = url.clone();
        }
        config.source_hash = source_hash(&text, overrides);
        config.validate(&text)?;
        config.warnings = strip_config(&mut config)
            .into_iter()
            .map(|(key, found)| {
                let at = match key.split_once('.') {
                    Some((section, key)) => nested_key_location(&text, section, key),
                    None => key_location(&text, &key),
                };
                crate::controls::front_matter_warning(&key, &found, at, &text)
            })
            .collect();
        Ok(config)
    }

    /// Checks what serde cannot: URL shape, offsets, taxonomy names.
    fn validate(&mut self, text: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let locate = |key: &str| key_location(text, key);
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            errors.push(
                Diagnostic::error(format!("base_url must be an absolute http(s) URL, found `{}`", self.base_url))
                    .at_source(locate("base_url"), text)
                    .hint("for example `base_url: https://example.org/` or `https://example.org/bulletin/`"),
            );
        } else {
            if !self.base_url.ends_with('/') {
                self.base_url.push('/');
            }
            // Page URLs are `base_path` + an encoded path: a base path written in Chinese
            // (`https://example.org/劳动/`) is encoded the same way, so every link, feed and
            // sitemap URL is plain ASCII; escapes already written (`%E5…`, `%2F`) stay as they are.
            let encoded = crate::paths::encode_written_path(&self.base_path());
            self.base_url = format!("{}{encoded}", self.origin());
        }
        if parse_offset(&self.timezone).is_none() {
            errors.push(
                Diagnostic::error(format!("timezone must be an offset like +08:00, found `{}`", self.timezone))
                    .at_source(locate("timezone"), text)
                    .hint("offsets run from -23:59 to +23:59 and are written `+08:00` (China), `-05:00`, `Z` or `UTC`"),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.taxonomies {
            let valid = !t.name.is_empty()
                && t.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !valid || !seen.insert(t.name.clone()) {
                errors.push(
                    Diagnostic::error(format!("taxonomy name `{}` is invalid or repeated", t.name))
                        .at_source(locate("taxonomies"), text)
                        .hint("names are lowercase ASCII (they become URL segments), each used once"),
                );
            }
        }
        for (key, value) in [
            ("max_iterations", self.templates.max_iterations),
            ("max_render_ms", self.templates.max_render_ms),
            ("max_page_mb", self.templates.max_page_mb),
        ] {
            if value == 0 {
                errors.push(
                    Diagnostic::error(format!("templates.{key} must be at least 1"))
                        .at_source(nested_key_location(text, "templates", key), text)
                        .hint("it is what rendering one page may spend; leave it out for the default"),
                );
            }
        }
        if let Some(why) = index_dir_problem(&self.search.index_dir) {
            errors.push(
                Diagnostic::error(format!("search.index_dir `{}` {why}", self.search.index_dir.escape_debug()))
                    .at_source(nested_key_location(text, "search", "index_dir"), text)
                    .hint("the index is a cache that every build replaces: give it a folder of its own inside the site, such as .gazette/index"),
            );
        }
        for (key, value) in [
            ("recency_half_life_days", self.search.recency_half_life_days),
            ("recency_weight", self.search.recency_weight),
        ] {
            if let Some(message) = recency_problem(key, value) {
                errors.push(
                    Diagnostic::error(message)
                        .at_source(nested_key_location(text, "search", key), text)
                        .hint("search.recency_half_life_days: 365 and search.recency_weight: 1 are the defaults; 0 turns recency off"),
                );
            }
        }
        let entries = yaml::entry_positions(text, "keep");
        for (i, pattern) in self.keep.iter().enumerate() {
            if let Err(why) = crate::output::keep::Pattern::parse(pattern) {
                let at = match entries.get(i).filter(|_| entries.len() == self.keep.len()) {
                    Some(&(line, col)) => Location::at(CONFIG_FILE, line, col),
                    None => locate("keep"),
                };
                errors.push(
                    Diagnostic::error(format!("keep entry `{}` {why}", pattern.escape_debug()))
                        .at_source(at, text)
                        .hint("list paths relative to the output folder, such as `downloads/` or `**/*.pdf`"),
                );
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The offset for dates written without one.
    pub fn offset(&self) -> UtcOffset {
        parse_offset(&self.timezone).unwrap_or(UtcOffset::UTC)
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let after_scheme = self.base_url.split("://").nth(1).unwrap_or("");
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }

    /// The scheme and host of `base_url`, without a trailing slash.
    pub fn origin(&self) -> String {
        let base_path = self.base_path();
        self.base_url[..self.base_url.len() - base_path.len()].to_string()
    }

    /// The publisher's name: `publisher.name`, else the site title.
    pub fn publisher_name(&self) -> &str {
        self.publisher.name.as_deref().unwrap_or(&self.title)
    }

    /// The publisher's logo as an absolute URL, when configured.
    pub fn publisher_logo(&self) -> Option<String> {
        let logo = self.publisher.logo.as_deref()?.trim();
        if logo.starts_with("http://") || logo.starts_with("https://") {
            return Some(logo.to_string());
        }
        Some(format!("{}{}", self.base_url, crate::paths::encode_path(logo.trim_start_matches('/'))))
    }

    /// Looks up a taxonomy by name.
    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

/// Parses `+08:00`, `-05:30`, `+8`, `Z` or `UTC`: offsets RFC 3339 can write, from -23:59 to
/// +23:59. The `time` crate itself accepts up to ±25:59:59, which no date format can print, so
/// anything beyond is refused here rather than turning into an empty date in the output.
pub fn parse_offset(s: &str) -> Option<UtcOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1i8, &s[1..]),
        b'-' => (-1i8, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "00"));
    let digits =
        |t: &str, len: std::ops::RangeInclusive<usize>| len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// The location of a top-level `key:` in a YAML file, for semantic errors found after parsing.
fn key_location(text: &str, key: &str) -> Location {
    let prefix = format!("{key}:");
    text.lines()
        .position(|l| l.starts_with(&prefix))
        .map(|i| Location::at(CONFIG_FILE, i + 1, prefix.len() + 2))
        .unwrap_or_else(|| Location::file(CONFIG_FILE))
}

/// The location of `key:` in the block of the top-level `section:`; that of `section:` when
/// it is written in flow style (`templates: {max_iterations: 0}`).
/// Why `dir` cannot hold the search index, which every build replaces: it must be a folder of
/// its own inside the site, never the site, an input folder or the default output.
fn index_dir_problem(dir: &str) -> Option<&'static str> {
    let path = Path::new(dir);
    if dir.trim().is_empty() || path.is_absolute() {
        return Some("must be a folder inside the site");
    }
    let parts: Vec<&str> = dir.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.is_empty() || parts.contains(&"..") {
        return Some("must be a folder inside the site, not the site or above it");
    }
    let first = parts[0];
    ["content", "themes", "templates", "static", "archetypes", "public", "gazette.yaml"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(first))
        .then_some("is, or is inside, a folder the site's sources or output live in")
}

/// The same for the site's texts in `gazette.yaml`: title, description, publisher name and
/// taxonomy titles (keys as written there, `publisher.name`).
fn strip_config(config: &mut Config) -> Vec<(String, String)> {
    let mut fields: Vec<(&str, &mut String)> =
        vec![("title", &mut config.title), ("description", &mut config.description)];
    fields.extend(config.publisher.name.as_mut().map(|s| ("publisher.name", s)));
    fields.extend(config.taxonomies.iter_mut().filter_map(|t| t.title.as_mut()).map(|s| ("taxonomies", s)));
    crate::controls::strip_fields(fields)
}

fn nested_key_location(text: &str, section: &str, key: &str) -> Location {
    let head = format!("{section}:");
    let Some(start) = text.lines().position(|l| l.starts_with(&head)) else { return key_location(text, section) };
    let prefix = format!("{key}:");
    text.lines()
        .enumerate()
        .skip(start + 1)
        .take_while(|(_, l)| l.is_empty() || l.starts_with([' ', '#']))
        .find_map(|(i, l)| {
            let indent = l.len() - l.trim_start().len();
            l.trim_start().starts_with(&prefix).then(|| Location::at(CONFIG_FILE, i + 1, indent + prefix.len() + 2))
        })
        .unwrap_or_else(|| key_location(text, section))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> Config {
        let text = format!("title: t\nbase_url: {url}\n");
        let mut c: Config = serde_yaml::from_str(&text).unwrap();
        c.validate(&text).unwrap();
        c
    }

    #[test]
    fn base_path_and_origin() {
        let c = config("https://example.org/bulletin");
        assert_eq!(c.base_url, "https://example.org/bulletin/");
        assert_eq!(c.base_path(), "/bulletin/");
        assert_eq!(c.origin(), "https://example.org");
        assert_eq!(config("http://a.b").base_path(), "/");
        let chinese = config("https://example.org/劳动 资讯/");
        assert_eq!(chinese.base_path(), "/%E5%8A%B3%E5%8A%A8%20%E8%B5%84%E8%AE%AF/");
        assert_eq!(config("https://example.org/%E5%8A%B3%E5%8A%A8/").base_path(), "/%E5%8A%B3%E5%8A%A8/");
        assert_eq!(config("https://example.org/a%2Fb/劳动/").base_path(), "/a%2Fb/%E5%8A%B3%E5%8A%A8/");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), UtcOffset::from_hms(8, 0, 0).ok());
        assert_eq!(parse_offset("-05:30"), UtcOffset::from_hms(-5, -30, 0).ok());
        assert_eq!(parse_offset("8"), None);
        assert_eq!(parse_offset("+8"), UtcOffset::from_hms(8, 0, 0).ok());
        assert_eq!(parse_offset("+23:59"), UtcOffset::from_hms(23, 59, 0).ok());
        // Beyond what RFC 3339 can print (the `time` crate allows up to ±25:59:59).
        for bad in ["+24:00", "+25:00", "-25:00", "+08:60", "+-5:30", "+08:-30", "+0800", "+08:0", "+"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
