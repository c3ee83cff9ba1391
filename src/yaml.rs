//! YAML parsing with diagnostics that point into the user's file.
//!
//! serde_yaml reports positions relative to the text it was given. Front matter is a block
//! inside a Markdown file, so callers pass the line the block starts on and this module shifts
//! the position, turning "line 2 of the block" into "line 5 of content/news/x.md". It also
//! rewrites serde's messages into something a user can act on (the nearest known key for a
//! typo) and never includes the `at line N column M` suffix twice.

use crate::diagnostics::{Diagnostic, Location};
use serde::de::DeserializeOwned;

/// How dates may be written, for hints.
pub const DATE_FORMS: &str = "write a date as 2024-05-20, 2024-05-20 09:30 or 2024-05-20T09:30:00+08:00";

/// Parses `text` (which starts on 1-based line `first_line` of `file`) into `T`.
///
/// `full_source` is the whole file, used to show the offending line.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &str,
    first_line: usize,
    full_source: &str,
) -> Result<T, Diagnostic> {
    // An empty block means "all defaults"; serde_yaml would call it a missing value.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, text, file, first_line, full_source))
}

fn to_diagnostic(e: &serde_yaml::Error, text: &str, file: &str, first_line: usize, source: &str) -> Diagnostic {
    let raw = e.to_string();
    let message = strip_position(&raw);
    let (message, hint) = explain(&message);
    let mut d = Diagnostic::error(message);
    if let Some(h) = hint {
        d = d.hint(h);
    }
    let position = match e.location().map(|l| (l.line(), l.column())) {
        // Errors raised by our own Deserialize impls (dates) carry no position of their own, or
        // that of the mapping they sit in (`- {date: …}`); they quote the bad value, so find it
        // in the block from there.
        Some((1, 1)) | None => find_quoted(&d.message, text, 0).or(e.location().map(|l| (l.line(), l.column()))),
        Some((line, col)) if d.message.contains("invalid date `") => {
            let from = text.split_inclusive('\n').take(line - 1).map(str::len).sum::<usize>();
            find_quoted(&d.message, text, from).or(Some((line, col)))
        }
        other => other,
    };
    match position {
        Some((line, col)) => {
            let line = first_line + line.saturating_sub(1);
            d.at_source(Location::at(file, line, col.max(1)), source)
        }
        None => d.at(Location::file(file)),
    }
}

/// The 1-based (line, column) of the first backticked value of `message` in `text`, at or
/// after byte `from`; for a duplicate key, the line where it is repeated.
fn find_quoted(message: &str, text: &str, from: usize) -> Option<(usize, usize)> {
    let value = message.split('`').nth(1).filter(|v| !v.is_empty())?;
    if message.starts_with("duplicate field") {
        let key = format!("{value}:");
        let line = text.lines().enumerate().filter(|(_, l)| l.starts_with(&key)).nth(1)?.0;
        return Some((line + 1, 1));
    }
    let offset = from + text.get(from..)?.find(value)?;
    Some(crate::diagnostics::line_col(text, offset))
}

/// serde_yaml appends " at line N column M" (sometimes more than once, for the place a
/// scanner started); those positions count from the front-matter block, not the file, and
/// the location is shown separately, so drop them all.
fn strip_position(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let after = after.trim_start_matches(|c: char| c.is_ascii_digit());
        rest = match after.strip_prefix(" column ") {
            Some(t) => t.trim_start_matches(|c: char| c.is_ascii_digit()),
            None => after,
        };
    }
    out.push_str(rest);
    out
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a short message and a hint
/// naming the closest expected key.
fn explain(msg: &str) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected one of ")
            .nth(1)
            .or_else(|| rest.split("expected ").nth(1))
            .map(|list| list.split([',', ' ']).filter(|s| s.starts_with('`')).map(|s| s.trim_matches('`')).collect())
            .unwrap_or_default();
        let hint = match closest(name, &expected) {
            Some(best) => {
                format!("did you mean `{best}`? Custom data goes under `extra:`; known keys: {}", expected.join(", "))
            }
            None => format!("custom data goes under `extra:`; known keys: {}", expected.join(", ")),
        };
        return (format!("unknown field `{name}`"), Some(hint));
    }
    if msg.contains("invalid date `") {
        return (msg.to_string(), Some(DATE_FORMS.to_string()));
    }
    (msg.to_string(), None)
}

/// The candidate within edit distance 2 of `name`, or one it is a prefix of (`paginate` →
/// `paginate_by`), if any.
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2 || (name.len() >= 3 && c.starts_with(name)))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Where the value of the top-level `key:` of a YAML block starts: 1-based (line, column in
/// characters). `None` when the key is absent or its value starts on a later line.
pub fn value_position(block: &str, key: &str) -> Option<(usize, usize)> {
    let prefix = format!("{key}:");
    let (i, line) = block.lines().enumerate().find(|(_, l)| l.starts_with(&prefix))?;
    let rest = &line[prefix.len()..];
    let value = rest.trim_start();
    if value.is_empty() || value.starts_with('#') {
        return None;
    }
    let byte = line.len() - value.len();
    Some((i + 1, line[..byte].chars().count() + 1))
}

/// Where each entry of the list under the top-level `key:` of a YAML block starts, written
/// either as a flow list (`[a, "b"]`, which may span lines) or as a block list (`- a`):
/// 1-based (line, column in characters). Shapes it does not know give fewer positions.
pub fn entry_positions(block: &str, key: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = block.lines().collect();
    let prefix = format!("{key}:");
    let Some(k) = lines.iter().position(|l| l.starts_with(&prefix)) else { return Vec::new() };
    let rest = lines[k][prefix.len()..].trim_start();
    if rest.starts_with('[') {
        let start = lines[k].len() - rest.len() + 1;
        return flow_entries(&lines, k, start);
    }
    if !(rest.is_empty() || rest.starts_with('#')) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(k + 1) {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match t.strip_prefix('-').filter(|v| v.is_empty() || v.starts_with([' ', '\t'])) {
            Some(v) => {
                let byte = line.len() - v.trim_start().len();
                out.push((i + 1, line[..byte].chars().count() + 1));
            }
            // A more indented line continues the entry above; anything else ends the list.
            None if t.len() < line.len() && !out.is_empty() => {}
            None => break,
        }
    }
    out
}

/// The entries of a flow list whose `[` ends just before byte `start` of line `k`.
fn flow_entries(lines: &[&str], k: usize, start: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut expecting, mut depth, mut quote) = (true, 0usize, None::<char>);
    for (i, line) in lines.iter().enumerate().skip(k) {
        let from = if i == k { start } else { 0 };
        let mut chars = line[from..].char_indices().peekable();
        let mut prev = ' ';
        while let Some((b, c)) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    // '' inside single quotes is an escaped quote.
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    ' ' | '\t' => {}
                    '#' if prev == ' ' || prev == '\t' => break,
                    ',' if depth == 0 => expecting = true,
                    ']' if depth == 0 => return out,
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {
                        if expecting && depth == 0 {
                            out.push((i + 1, line[..from + b].chars().count() + 1));
                            expecting = false;
                        }
                        match c {
                            '[' | '{' => depth += 1,
                            '"' | '\'' => quote = Some(c),
                            _ => {}
                        }
                    }
                },
            }
            prev = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn unknown_field_points_into_the_file_and_suggests() {
        let src = "---\ntitle: a\ntitel: b\n---\n";
        let d = parse::<T>("title: a\ntitel: b\n", "x.md", 2, src).unwrap_err();
        assert_eq!(d.message, "unknown field `titel`");
        assert_eq!(d.location, Some(Location::at("x.md", 3, 1)));
        assert_eq!(d.source_line.as_deref(), Some("titel: b"));
        assert!(d.hint.as_deref().unwrap_or("").starts_with("did you mean `title`?"));
    }

    #[test]
    fn type_errors_keep_their_message_without_position_text() {
        let d = parse::<T>("title: a\ntags: 5\n", "x.md", 2, "").unwrap_err();
        assert!(!d.message.contains("at line"), "{}", d.message);
        assert_eq!(d.location.map(|l| l.line), Some(3));
    }

    #[test]
    fn positions_of_values_and_list_entries() {
        assert_eq!(value_position("title: a\nslug:  ../x\n", "slug"), Some((2, 8)));
        assert_eq!(value_position("slug:\n", "slug"), None);
        let flow = "title: 标题\naliases: [/a/, \"/b,c/\", '/d''e/',\n  /f/]\n";
        assert_eq!(entry_positions(flow, "aliases"), vec![(2, 11), (2, 16), (2, 25), (3, 3)]);
        let block = "aliases:\n  - /a/\n  # note\n  -   \"/b/\"\ntags: [x]\n";
        assert_eq!(entry_positions(block, "aliases"), vec![(2, 5), (4, 7)]);
        assert_eq!(entry_positions("aliases: /a/\n", "aliases"), vec![]);
    }
}
