//! Paths and URLs: slugs, percent-encoding, joining and normalising.
//!
//! Output paths on disk keep Chinese as UTF-8 (`tags/就业/index.html`); URLs in HTML and XML
//! carry the same path percent-encoded (`/tags/%E5%B0%B1%E4%B8%9A/`), which every browser and
//! host maps back to the file. Everything here is a pure function of its input.

use crate::config::SlugPolicy;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Characters escaped in a URL path. Non-ASCII is always escaped by the encoder.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// Percent-encodes a URL path, leaving `/` alone.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Percent-encodes what a URL path written by a person may hold raw (Chinese, spaces),
/// keeping the escapes already in it: for `base_url`, which may be written either way.
pub fn encode_written_path(path: &str) -> String {
    const WRITTEN: &AsciiSet = &PATH.remove(b'%');
    utf8_percent_encode(path, WRITTEN).to_string()
}

/// Decodes percent escapes; invalid UTF-8 is replaced rather than rejected.
pub fn decode_path(path: &str) -> String {
    percent_decode_str(path).decode_utf8_lossy().into_owned()
}

/// Resolves `.` and `..` segments of a `/`-separated relative path. Returns `None` when `..`
/// would climb above the start, so a link can never point outside the content tree.
pub fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// The folder part of a relative path (`a/b/c.md` → `a/b`; `c.md` → ``).
pub fn parent(rel: &str) -> &str {
    rel.rfind('/').map(|i| &rel[..i]).unwrap_or("")
}

/// Joins a folder and a relative path with exactly one `/`.
pub fn join(dir: &str, rel: &str) -> String {
    match (dir.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => dir.to_string(),
        _ => format!("{}/{}", dir.trim_end_matches('/'), rel.trim_start_matches('/')),
    }
}

/// Makes a URL-safe slug from a file stem or term name, following the site's policy.
///
/// `keep`: lowercase ASCII, whitespace and underscores to `-`, Chinese kept, punctuation that
/// breaks URLs or file systems dropped. `pinyin`: Han characters become toneless pinyin
/// syllables joined by `-` (`辽宁` → `liao-ning`).
pub fn slugify(s: &str, policy: SlugPolicy) -> String {
    let mut out = String::new();
    let push_dash = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    };
    for ch in s.trim().chars() {
        if let Some(p) = pinyin_of(ch).filter(|_| policy == SlugPolicy::Pinyin && is_han(ch)) {
            push_dash(&mut out);
            out.push_str(p);
            push_dash(&mut out);
            continue;
        }
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if ch == '.' && !out.is_empty() {
            out.push('.');
        } else if ch.is_whitespace() || matches!(ch, '-' | '_' | '—' | '·' | '/' | '、' | '，' | ',') {
            push_dash(&mut out);
        }
        // Everything else (quotes, brackets, ?, #, %, full-width punctuation) is dropped.
    }
    let slug = out.trim_matches(['-', '.']).to_string();
    if slug.is_empty() { "-".to_string() } else { slug }
}

/// True for names Windows reserves for devices (`con`, `nul`, `com1` …, also with an
/// extension such as `con.txt`): no file or folder can have them there.
pub fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

fn pinyin_of(ch: char) -> Option<&'static str> {
    use pinyin::ToPinyin;
    ch.to_pinyin().map(|p| p.plain())
}

/// True for Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x3134F)
}

/// True for characters of scripts written without spaces between words, where a line break
/// inside a paragraph must not become a space: Han, Japanese kana, bopomofo, and the
/// ideographic and fullwidth punctuation only such text uses (`，。、「」《》（）`).
/// Hangul is not among them (Korean puts spaces between words), nor are punctuation marks
/// that Latin text uses too, such as curly quotes and `…`.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x3000..=0x303F // CJK symbols and punctuation
            | 0x3040..=0x30FF // hiragana, katakana
            | 0x3100..=0x312F // bopomofo
            | 0x31F0..=0x31FF // katakana extensions
            | 0xFE10..=0xFE1F // vertical forms
            | 0xFE30..=0xFE4F // CJK compatibility forms
            | 0xFF00..=0xFF9F // fullwidth forms, halfwidth katakana
            | 0xFFE0..=0xFFEF)
}

/// Splits a `YYYY-MM-DD-` prefix off a file stem.
pub fn date_prefix(stem: &str) -> Option<(time::Date, &str)> {
    let b = stem.as_bytes();
    let shape = b.len() >= 11
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'-' || b[10] == b'_')
        && b[..10].iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let y: i32 = stem[..4].parse().ok()?;
    let m: u8 = stem[5..7].parse().ok()?;
    let d: u8 = stem[8..10].parse().ok()?;
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    Some((date, &stem[11..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("户外劳动者 驿站", SlugPolicy::Keep), "户外劳动者-驿站");
        assert_eq!(slugify("Hello, World!", SlugPolicy::Keep), "hello-world");
        assert_eq!(slugify("辽宁", SlugPolicy::Pinyin), "liao-ning");
        assert_eq!(slugify("辽宁AI就业", SlugPolicy::Pinyin), "liao-ning-ai-jiu-ye");
        assert_eq!(slugify("“15分钟”服务圈", SlugPolicy::Keep), "15分钟服务圈");
        assert_eq!(slugify("???", SlugPolicy::Keep), "-");
        assert_eq!(slugify("../../x", SlugPolicy::Keep), "x");
        assert_eq!(slugify("a/b\0", SlugPolicy::Keep), "a-b");
    }

    #[test]
    fn windows_device_names() {
        for name in ["con", "CON", "nul.txt", "com1", "lpt9"] {
            assert!(is_windows_device_name(name), "{name}");
        }
        for name in ["console", "com0", "com10", "icon", "-"] {
            assert!(!is_windows_device_name(name), "{name}");
        }
    }

    #[test]
    fn normalize_refuses_to_escape() {
        assert_eq!(normalize("news/jiuye/../../kb/a.md").as_deref(), Some("kb/a.md"));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn encoding() {
        assert_eq!(encode_path("/tags/就业/"), "/tags/%E5%B0%B1%E4%B8%9A/");
        assert_eq!(decode_path("/tags/%E5%B0%B1%E4%B8%9A/"), "/tags/就业/");
    }

    #[test]
    fn date_prefixes() {
        let (d, rest) = date_prefix("2024-05-20-slug").unwrap();
        assert_eq!((d.year(), rest), (2024, "slug"));
        assert!(date_prefix("2024-5-20-x").is_none());
    }
}
