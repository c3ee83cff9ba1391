//! Control characters in content: the C0 controls other than tab, line feed and carriage
//! return, DEL, and the C1 controls (Unicode's `Cc` category).
//!
//! They are invisible in an editor and arrive by pasting out of PDFs, word processors and
//! terminals. They make a feed invalid XML (XML 1.0 forbids the C0 ones), turn up as boxes in
//! headlines, and, quoted in a diagnostic, can rewrite the user's terminal (`ESC [`). So they
//! are dropped where a source file is read — the rest of the build never sees them — and again
//! from front-matter text, where YAML escapes (`"\e"`, `"\u0007"`) can write them; each time
//! with a warning that points at the first one and names them. U+2028 and U+2029 (line and
//! paragraph separators) are text, not controls, and are kept: JSON and today's JavaScript
//! accept them. The same goes for the texts of section front matter and of `gazette.yaml`
//! (the site title reaches every page and feed). This module never reads files.

use crate::diagnostics::{Diagnostic, Location, line_col};
use std::collections::BTreeSet;

/// True for the characters dropped from content.
pub fn is_dropped(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `U+0007, U+001B`: the first few of `found`, for messages.
fn names(found: &BTreeSet<char>) -> String {
    let mut s: Vec<String> = found.iter().take(4).map(|c| format!("U+{:04X}", u32::from(*c))).collect();
    if found.len() > 4 {
        s.push("…".into());
    }
    s.join(", ")
}

/// Removes control characters from `text`; returns them, and how many there were.
fn remove(text: &mut String) -> (BTreeSet<char>, usize) {
    let mut found = BTreeSet::new();
    let mut count = 0;
    text.retain(|c| {
        let drop = is_dropped(c);
        if drop {
            found.insert(c);
            count += 1;
        }
        !drop
    });
    (found, count)
}

const HINT: &str = "they are invisible, usually pasted from a PDF, a word processor or a terminal; delete them in \
                    the file to silence this warning";

/// `text` (the whole file `display`) without control characters, and a warning pointing at the
/// first one when there were any. Line numbers are unchanged; the warning quotes the cleaned
/// line, never the control characters themselves.
pub fn strip_source(mut text: String, display: &str) -> (String, Option<Diagnostic>) {
    let Some(first) = text.find(is_dropped) else { return (text, None) };
    let (line, col) = line_col(&text, first);
    let (found, count) = remove(&mut text);
    let message = match count {
        1 => format!("control character {} dropped", names(&found)),
        n => format!("{n} control characters dropped ({})", names(&found)),
    };
    let d = Diagnostic::warning(message).at_source(Location::at(display, line, col), &text).hint(HINT);
    (text, Some(d))
}

/// Drops control characters from each `(key, text)`; returns the keys that had any, each once,
/// with the characters found.
pub fn strip_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a mut String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, text) in fields {
        let (found, _) = remove(text);
        if !found.is_empty() && !out.iter().any(|(k, _)| k == key) {
            out.push((key.to_string(), names(&found)));
        }
    }
    out
}

/// The warning for front-matter key `key` of `display` (whose text is `text`), found at `at`.
pub fn front_matter_warning(key: &str, found: &str, at: Location, text: &str) -> Diagnostic {
    Diagnostic::warning(format!("control characters dropped from `{key}` ({found})"))
        .at_source(at, text)
        .hint("they are invisible; YAML escapes such as `\\e` or `\\u0007` write them: remove those from the value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_del_and_c1_go_tab_newline_and_separators_stay() {
        let (text, d) = strip_source("a\tb\r\n标\u{7}题\u{1b}[31m\u{7f}\u{85}\u{2028}\n".into(), "content/a.md");
        assert_eq!(text, "a\tb\r\n标题[31m\u{2028}\n");
        let d = d.expect("a warning");
        assert_eq!(d.message, "4 control characters dropped (U+0007, U+001B, U+007F, U+0085)");
        assert_eq!(d.location, Some(Location::at("content/a.md", 2, 2)));
        assert_eq!(d.source_line.as_deref(), Some("标题[31m\u{2028}"));
        assert!(strip_source("干净的文本\n".into(), "a.md").1.is_none());
    }
}
