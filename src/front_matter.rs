//! Stage 3a: front matter. Splits a Markdown source into its YAML block and body, and parses
//! the block into [`PageFrontMatter`] or [`SectionFrontMatter`].
//!
//! Unknown keys are errors (custom data belongs under `extra:`), and every error points at the
//! line of the *file*, not of the YAML block. Dates are parsed here but resolved to an instant
//! later, once the site's timezone is known. This stage never reads other files.

use crate::diagnostics::{Diagnostic, Location, Spot};
use crate::yaml;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A Markdown file cut in two.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// 1-based file line the YAML starts on.
    pub yaml_line: usize,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file, to map Markdown positions back to file lines.
    pub body_offset: usize,
}

/// Cuts `text` at its `---` fences.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(Diagnostic::error("missing front matter: the file must start with a `---` line")
            .at_source(Location::at(file, 1, 1), text)
            .hint("start the file with `---`, then `title: …`, then another `---` line"));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map(|i| pos + i).unwrap_or(text.len());
        if text[pos..end].trim_end() == "---" {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split { yaml: &text[yaml_start..pos], yaml_line: 2, body: &text[body_offset..], body_offset });
        }
        pos = end + 1;
    }
    Err(Diagnostic::error("front matter is not closed: no second `---` line")
        .at_source(Location::at(file, 1, 1), text)
        .hint("end the front matter with a line containing only `---`"))
}

/// Where the value of `key:` is in the file, for problems found after parsing; the file
/// itself when the key is absent.
pub fn value_spot(s: &Split, file: &str, full: &str, key: &str) -> Spot {
    match yaml::value_position(s.yaml, key) {
        Some((line, col)) => Spot::at(Location::at(file, s.yaml_line + line - 1, col), full),
        None => Spot::file(file),
    }
}

/// Where each of the `n` entries of the list `key:` is in the file; an entry it cannot find
/// (an unusual way of writing the list) points at the key, or at the file.
pub fn entry_spots(s: &Split, file: &str, full: &str, key: &str, n: usize) -> Vec<Spot> {
    let found = yaml::entry_positions(s.yaml, key);
    let fallback = || match s.yaml.lines().position(|l| l.starts_with(&format!("{key}:"))) {
        Some(i) => Spot::at(Location::at(file, s.yaml_line + i, 1), full),
        None => Spot::file(file),
    };
    (0..n)
        .map(|i| match found.get(i).filter(|_| found.len() == n) {
            Some(&(line, col)) => Spot::at(Location::at(file, s.yaml_line + line - 1, col), full),
            None => fallback(),
        })
        .collect()
}

/// Warnings about the slug a page ends up with: a `slug:` that had to be cleaned to become
/// one URL segment (`../../x`, `a/b`, a control character), so the URL is not what was
/// written, and a name Windows reserves for a device (`con`), which cannot be copied there.
pub fn slug_warnings(written: Option<&str>, slug: &str, at: &Spot) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(written) = written.filter(|w| w.trim() != slug) {
        out.push(
            Diagnostic::warning(format!("slug `{}` was cleaned to `{slug}`", written.escape_debug())).at_spot(at).hint(
                format!(
                    "a slug is one URL segment: letters are lowercased, and `/`, `..`, control characters and \
                     other punctuation are dropped; write `slug: {slug}` if that is the URL you want"
                ),
            ),
        );
    }
    if crate::paths::is_windows_device_name(slug) {
        out.push(Diagnostic::warning(format!("slug `{slug}` is a device name on Windows")).at_spot(at).hint(format!(
            "the output could not be copied to a Windows machine; choose another slug, such as `{slug}-1`"
        )));
    }
    out
}

/// A date as written: the day, and a time and offset when given.
///
/// Every `FmDate` can be printed as RFC 3339 whatever offset it is resolved with: the year is
/// 0001–9999 and a written offset is within ±23:59, so no feed, sitemap, JSON-LD or
/// `<time datetime>` ever gets an empty date from one. Anything else is refused when parsed,
/// with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FmDate {
    date: Date,
    time: Option<Time>,
    offset: Option<UtcOffset>,
}

impl FmDate {
    /// Parses `2024-05-20`, `2024-05-20 09:30[:00]`, `2024-05-20T09:30:00` and RFC 3339;
    /// `Err` says what is wrong in plain words (`February 2024 has 29 days`).
    pub fn parse(s: &str) -> Result<FmDate, String> {
        let s = s.trim();
        let (day, rest) = match s.find(['T', 't', ' ']) {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, ""),
        };
        let date = parse_ymd(day)?;
        let rest = rest.trim_start();
        if rest.is_empty() && day.len() < s.len() {
            return Err(format!("`{}` must be followed by a time such as 09:30", &s[day.len()..]));
        }
        if rest.is_empty() {
            return Ok(FmDate { date, time: None, offset: None });
        }
        let (clock, offset) = split_offset(rest)?;
        Ok(FmDate { date, time: Some(parse_clock(clock)?), offset })
    }

    /// From a `YYYY-MM-DD` file-name prefix.
    pub fn from_day(date: Date) -> FmDate {
        FmDate { date, time: None, offset: None }
    }

    /// True when a time of day was written (`2024-05-20 09:30`), not just a day.
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// The calendar day as written.
    pub fn day(&self) -> Date {
        self.date
    }

    /// The instant, taking `default` as the offset when none was written.
    pub fn resolve(&self, default: UtcOffset) -> OffsetDateTime {
        let time = self.time.unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(self.date, time).assume_offset(self.offset.unwrap_or(default))
    }
}

/// `YYYY-MM-DD`, the year 0001–9999 (what RFC 3339 can write).
fn parse_ymd(s: &str) -> Result<Date, String> {
    let shape = "expected YYYY-MM-DD, then optionally a time such as 09:30 and an offset such as +08:00";
    let mut it = s.splitn(3, '-');
    let mut part = |max_len: usize| {
        it.next()
            .filter(|p| (1..=max_len).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (part(9), part(2), part(2)) else { return Err(shape.into()) };
    if !(1..=9999).contains(&y) {
        return Err(format!("the year {y} is outside 0001–9999"));
    }
    let y = y as i32; // at most 9999
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok());
    let Some(month) = month else { return Err(format!("there is no month {m}")) };
    let days = month.length(y);
    match u8::try_from(d).ok().filter(|d| (1..=days).contains(d)) {
        Some(d) => Date::from_calendar_date(y, month, d).map_err(|e| e.to_string()),
        None => Err(format!("{month} {y} has {days} days")),
    }
}

/// Splits `09:30+08:00` into the clock and its offset (`Z`, `+08:00`; none when not written).
fn split_offset(s: &str) -> Result<(&str, Option<UtcOffset>), String> {
    if let Some(c) = s.strip_suffix(['Z', 'z']) {
        return Ok((c.trim_end(), Some(UtcOffset::UTC)));
    }
    match s.rfind(['+', '-']) {
        Some(i) => match crate::config::parse_offset(&s[i..]) {
            Some(offset) => Ok((s[..i].trim_end(), Some(offset))),
            None => Err(format!("`{}` is not an offset from -23:59 to +23:59 such as +08:00", &s[i..])),
        },
        None => Ok((s, None)),
    }
}

/// `HH:MM` or `HH:MM:SS`, with an optional fraction of a second (digits, dropped); 00:00 to
/// 23:59:59.
fn parse_clock(s: &str) -> Result<Time, String> {
    let bad = || format!("`{s}` is not a time of day from 00:00 to 23:59:59");
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    let parts: Vec<&str> = whole.split(':').collect();
    let digits = |p: &&str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(digits) || !fraction_ok {
        return Err(bad());
    }
    let n = |i: usize| parts.get(i).and_then(|p| p.parse::<u8>().ok()).unwrap_or(0);
    Time::from_hms(n(0), n(1), n(2)).map_err(|_| bad())
}

/// Why a file name that starts like a date (`2024-02-30-slug.md`) does not start with one;
/// `None` for names with a real date, or no date at all.
pub fn bad_name_date(stem: &str) -> Option<String> {
    let b = stem.as_bytes();
    let shaped = b.len() >= 11
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'-' | b'_')
        && b[..10].iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    parse_ymd(&stem[..10]).err()
}

impl<'de> Deserialize<'de> for FmDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // The message quotes the value: the YAML stage finds it in the file by that quote.
        FmDate::parse(&s).map_err(|why| serde::de::Error::custom(format!("invalid date `{}`: {why}", s.trim())))
    }
}

/// A YAML scalar that may be written as a number or a string (`issue: 12345` or `issue: "第5期"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_yaml::Value::deserialize(d)? {
            serde_yaml::Value::String(s) => Ok(Text(s)),
            serde_yaml::Value::Number(n) => Ok(Text(n.to_string())),
            _ => Err(serde::de::Error::custom("expected a number or a string")),
        }
    }
}

/// Front matter of a page. Every key is documented in the README.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    /// Headline.
    pub title: Option<String>,
    /// 引题: the line above the headline.
    pub kicker: Option<String>,
    /// 副题: the line below the headline.
    pub subtitle: Option<String>,
    /// Publication date; else taken from a `YYYY-MM-DD-` file-name prefix.
    pub date: Option<FmDate>,
    /// Last update.
    pub updated: Option<FmDate>,
    /// Hidden until this instant (unless `--future`).
    pub publish_date: Option<FmDate>,
    /// Hidden from this instant on.
    pub expiry_date: Option<FmDate>,
    /// Hidden unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Last URL segment; else the file stem.
    pub slug: Option<String>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Writers.
    #[serde(default)]
    pub authors: Vec<String>,
    /// 记者.
    #[serde(default)]
    pub reporters: Vec<String>,
    /// 本报讯, 新华社 …
    pub source: Option<String>,
    /// Section override: a section path under content/, e.g. `news/jiuye`.
    pub section: Option<String>,
    /// Taxonomy `tags`.
    pub tags: Option<Vec<String>>,
    /// Taxonomy `topics`.
    pub topics: Option<Vec<String>>,
    /// Taxonomy `regions`.
    pub regions: Option<Vec<String>>,
    /// Other configured taxonomies, by name.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Plain-text summary.
    pub summary: Option<String>,
    /// Lead image: relative to a bundle, or site-absolute.
    pub image: Option<String>,
    /// Alt text of the lead image.
    pub image_alt: Option<String>,
    /// Order in weight-sorted sections.
    pub weight: Option<i64>,
    /// Template name, e.g. `page.html`.
    pub template: Option<String>,
    /// 期号.
    pub issue: Option<Text>,
    /// 版次.
    pub page: Option<Text>,
    /// Corrections and updates, each a dated note shown on the article.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: serde_yaml::Value,
}

/// A correction or update to a published article: `{date: 2024-05-21, text: 更正：…}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// When it was made.
    pub date: FmDate,
    /// What was corrected or added, as plain text.
    pub text: String,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Lightest first, then title.
    Weight,
    /// By title.
    Title,
}

/// Front matter of a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    /// Section title; defaults to the folder name.
    pub title: Option<String>,
    /// One line for lists and meta tags.
    pub description: Option<String>,
    /// Page order.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Page size; else the site's `paginate_by`. 0 disables pagination.
    pub paginate_by: Option<usize>,
    /// Template for the section page.
    pub template: Option<String>,
    /// Default template for the section's pages.
    pub page_template: Option<String>,
    /// List pages of descendant sections too.
    #[serde(default)]
    pub include_subsections: bool,
    /// Order in navigation and subsection lists.
    pub weight: Option<i64>,
    /// Whether a top-level section appears in the main navigation.
    pub in_nav: Option<bool>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: serde_yaml::Value,
}

/// Where `value` is written under top-level key `key` of the file `text` (`display`): its
/// first occurrence after the key, on the key's line or below (`tags:` then `  - 就业`); the
/// key's line when it cannot be found, the file alone when the key cannot either.
pub fn value_location(text: &str, display: &str, key: &str, value: &str) -> Location {
    let prefix = format!("{key}:");
    let Some(line) = text.lines().position(|l| l.trim_start().starts_with(&prefix)) else {
        return Location::file(display);
    };
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    // After the key itself, so a value equal to the key's name is not found in the key.
    let from = line_start + text[line_start..].find(':').map_or(0, |i| i + 1);
    match text[from..].find(value).filter(|_| !value.is_empty()) {
        Some(i) => {
            let (line, col) = crate::diagnostics::line_col(text, from + i);
            Location::at(display, line, col)
        }
        None => Location::at(display, line + 1, 1),
    }
}

/// Parses a page's front matter block.
pub fn parse_page(s: &Split, file: &str, full: &str) -> Result<PageFrontMatter, Diagnostic> {
    yaml::parse(s.yaml, file, s.yaml_line, full)
}

/// Parses a section's front matter block.
pub fn parse_section(s: &Split, file: &str, full: &str) -> Result<SectionFrontMatter, Diagnostic> {
    yaml::parse(s.yaml, file, s.yaml_line, full)
}

/// Drops control characters from the plain-text fields of a page's front matter (YAML
/// escapes can write them); returns the keys that had any, with the characters found.
pub fn strip_front_matter(fm: &mut PageFrontMatter) -> Vec<(String, String)> {
    let mut fields: Vec<(&str, &mut String)> = Vec::new();
    for (key, field) in [
        ("title", &mut fm.title),
        ("kicker", &mut fm.kicker),
        ("subtitle", &mut fm.subtitle),
        ("summary", &mut fm.summary),
        ("image_alt", &mut fm.image_alt),
        ("source", &mut fm.source),
    ] {
        fields.extend(field.as_mut().map(|s| (key, s)));
    }
    for (key, list) in [("authors", &mut fm.authors), ("reporters", &mut fm.reporters)] {
        fields.extend(list.iter_mut().map(|s| (key, s)));
    }
    for (key, list) in [("tags", &mut fm.tags), ("topics", &mut fm.topics), ("regions", &mut fm.regions)] {
        fields.extend(list.iter_mut().flatten().map(|s| (key, s)));
    }
    for (name, list) in fm.taxonomies.iter_mut() {
        fields.extend(list.iter_mut().map(|s| (name.as_str(), s)));
    }
    fields.extend(fm.corrections.iter_mut().map(|c| ("corrections", &mut c.text)));
    crate::controls::strip_fields(fields)
}

/// The same for a section's `_index.md`: its title and description.
pub fn strip_section_front_matter(fm: &mut SectionFrontMatter) -> Vec<(String, String)> {
    let title = fm.title.as_mut().map(|s| ("title", s));
    crate::controls::strip_fields(title.into_iter().chain(fm.description.as_mut().map(|s| ("description", s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let tz = UtcOffset::from_hms(8, 0, 0).unwrap();
        let d = FmDate::parse("2024-05-20").unwrap().resolve(tz);
        assert_eq!(d.unix_timestamp(), 1716134400);
        let d = FmDate::parse("2024-05-20T09:30:00Z").unwrap().resolve(tz);
        assert_eq!(d.offset(), UtcOffset::UTC);
        assert!(FmDate::parse("2024-05-20 09:30").is_ok());
        assert!(FmDate::parse("2024-05-20T09:30:00.250+08:00").is_ok());
        assert!(FmDate::parse("2024-5-20").is_ok());
        assert!(FmDate::parse("2024-05-20 9:30").is_ok());
        let err = |s: &str| FmDate::parse(s).unwrap_err();
        assert_eq!(err("2024-02-30"), "February 2024 has 29 days");
        assert_eq!(err("2024-13-01"), "there is no month 13");
        assert_eq!(err("99999-01-01"), "the year 99999 is outside 0001–9999");
        assert_eq!(err("0000-01-01"), "the year 0 is outside 0001–9999");
        assert_eq!(err("2024-05-20T24:00"), "`24:00` is not a time of day from 00:00 to 23:59:59");
        assert_eq!(err("2024-05-20T09:30+25:00"), "`+25:00` is not an offset from -23:59 to +23:59 such as +08:00");
        for bad in ["20 May", "2024年05月20日", "+2024-05-20", "2024-05-20T9", "2024-05-20T09:30:00:00", ""] {
            assert!(FmDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names_that_start_like_a_date_must_start_with_one() {
        assert_eq!(bad_name_date("2024-02-30-slug").as_deref(), Some("February 2024 has 29 days"));
        assert_eq!(bad_name_date("0000-01-01-slug").as_deref(), Some("the year 0 is outside 0001–9999"));
        assert_eq!(bad_name_date("2024-02-29-slug"), None);
        assert_eq!(bad_name_date("2024-slug"), None);
        assert_eq!(bad_name_date("2024-02-30"), None, "no separator after the date: not a date prefix");
    }

    #[test]
    fn values_are_located_after_their_key() {
        let text = "---\ntitle: tags\ntags:\n  - 就业\n  - tags\nimage: a.png\n---\n";
        assert_eq!(value_location(text, "a.md", "tags", "tags"), Location::at("a.md", 5, 5));
        assert_eq!(value_location(text, "a.md", "tags", "就业"), Location::at("a.md", 4, 5));
        assert_eq!(value_location(text, "a.md", "image", "a.png"), Location::at("a.md", 6, 8));
        assert_eq!(value_location(text, "a.md", "image", "b.png"), Location::at("a.md", 6, 1));
        assert_eq!(value_location(text, "a.md", "regions", "x"), Location::file("a.md"));
    }

    #[test]
    fn split_finds_body_offset() {
        let t = "---\ntitle: a\n---\nbody\n";
        let s = split(t, "a.md").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(&t[s.body_offset..], "body\n");
    }

    #[test]
    fn invalid_date_points_at_its_line() {
        let t = "---\ntitle: a\ndate: 2024-13-01\n---\n";
        let s = split(t, "a.md").unwrap();
        let e = parse_page(&s, "a.md", t).unwrap_err();
        assert_eq!(e.location.map(|l| l.line), Some(3));
        assert_eq!(e.message, "invalid date `2024-13-01`: there is no month 13");
    }
}
