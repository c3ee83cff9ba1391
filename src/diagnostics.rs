//! Diagnostics: the one type every stage uses to report a problem.
//!
//! Each stage returns its values together with a list of [`Diagnostic`]s instead of stopping at
//! the first failure, so one run reports every bad file. Locations are data (file, line, column),
//! not text baked into a message: the terminal printer, the serve-mode overlay and the tests all
//! read the same fields. This module never decides whether a build fails; the caller does, by
//! asking [`Diagnostics::has_errors`].
//!
//! Printed, a diagnostic quotes content: file names, YAML keys, link targets, source lines.
//! Control characters there (`ESC [2J` clears the user's terminal) and bidirectional overrides
//! (U+202E makes a line read differently from what it holds) are printed as `\u{…}` escapes,
//! never as themselves; the fields keep the text as found.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

/// How bad a diagnostic is. Errors stop the write stage; warnings are printed and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build must not write output.
    Error,
    /// Worth telling the user; the output is still produced.
    Warning,
}

/// A place in a file, 1-based line and column (columns count characters, not bytes, so a
/// caret under Chinese text points at the right character).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// Path as the user should see it: relative to the site root where possible.
    pub file: String,
    /// 1-based line; 0 when only the file is known.
    pub line: usize,
    /// 1-based column in characters; 0 when only the line is known.
    pub col: usize,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), line: 0, col: 0 }
    }

    /// A location at `line:col` of `file`.
    pub fn at(file: impl Into<String>, line: usize, col: usize) -> Self {
        Location { file: file.into(), line, col }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = printable(&self.file);
        match (self.line, self.col) {
            (0, _) => write!(f, "{file}"),
            (l, 0) => write!(f, "{file}:{l}"),
            (l, c) => write!(f, "{file}:{l}:{c}"),
        }
    }
}

/// True for characters printed as escapes: controls other than tab, and the bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unprintable character written as `\u{…}`.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.contains(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars().map(|c| if is_unprintable(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect(),
    )
}

/// A place in a source file together with the text of its line, for problems found after the
/// source text is gone (an output path that collides, found while assembling the output, is
/// still shown under the `slug:` line that asked for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    /// Where.
    pub location: Location,
    /// The line `location` points at, when known.
    pub line: Option<String>,
}

impl Spot {
    /// A spot naming only a file.
    pub fn file(file: impl Into<String>) -> Spot {
        Spot { location: Location::file(file), line: None }
    }

    /// A spot at `location`, with its line copied out of `source`.
    pub fn at(location: Location, source: &str) -> Spot {
        let line = location.line.checked_sub(1).and_then(|i| source.lines().nth(i)).map(str::to_string);
        Spot { location, line }
    }
}

/// One problem found in the user's input, with everything needed to show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where, when known.
    pub location: Option<Location>,
    /// What is wrong, one line, no trailing period.
    pub message: String,
    /// The offending source line, shown under the location with a caret.
    pub source_line: Option<String>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error with a message and no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, location: None, message: message.into(), source_line: None, hint: None }
    }

    /// A warning with a message and no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    /// Attach a location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Attach a location and copy the source line it points at out of `source`, so the
    /// printer can show it with a caret.
    pub fn at_source(mut self, location: Location, source: &str) -> Self {
        if location.line > 0 {
            self.source_line = source.lines().nth(location.line - 1).map(str::to_string);
        }
        self.location = Some(location);
        self
    }

    /// Attach a location kept as a [`Spot`].
    pub fn at_spot(mut self, spot: &Spot) -> Self {
        self.location = Some(spot.location.clone());
        self.source_line = spot.line.clone().filter(|_| spot.location.line > 0);
        self
    }

    /// Attach a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// rustc-like rendering:
    ///
    /// ```text
    /// error: unknown field `titel`
    ///   --> content/news/x.md:2:1
    ///    |
    ///  2 | titel: 标题
    ///    | ^
    ///    = hint: …
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", printable(&self.message))?;
        let gutter = self.location.as_ref().map(|l| l.line.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            writeln!(f, "{pad}--> {loc}")?;
            if let Some(src) = &self.source_line {
                let (shown, col) = window(src.trim_end(), loc.col);
                // Escapes before the caret's character push it right by their extra width.
                let before: String = shown.chars().take(col.saturating_sub(1)).collect();
                let col = if col == 0 { 0 } else { printable(&before).chars().count() + 1 };
                let shown = printable(&shown);
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {shown}", loc.line)?;
                if col > 0 {
                    let indent = caret_indent(&shown, col);
                    writeln!(f, "{pad} | {indent}^")?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} = hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// Characters of a source line shown around the caret; Chinese paragraphs are often one very
/// long line, and printing all of it buries the caret.
const WINDOW: usize = 40;

/// The part of `line` worth showing for a caret at `col`, and the caret's column within it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WINDOW * 2 {
        return (line.to_string(), col);
    }
    let at = col.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(WINDOW / 2);
    let end = (start + WINDOW).min(chars.len());
    let mut shown = String::new();
    let mut new_col = col.saturating_sub(start);
    if start > 0 {
        shown.push('…');
        new_col += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, if col == 0 { 0 } else { new_col })
}

/// Spaces (and tabs, copied from the source) that put a caret under character `col`; wide
/// CJK characters take two terminal cells, so they count twice.
fn caret_indent(line: &str, col: usize) -> String {
    let mut out = String::new();
    for ch in line.chars().take(col.saturating_sub(1)) {
        match ch {
            '\t' => out.push('\t'),
            c if is_wide(c) => out.push_str("  "),
            _ => out.push(' '),
        }
    }
    out
}

/// East Asian wide characters, enough for Han, kana, Hangul and full-width punctuation.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// An ordered collection of diagnostics from one run.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Add many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics, sorted by file, line and column so output does not depend on the order
    /// in which parallel workers finished.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (a.severity, &a.location, &a.message).cmp(&(b.severity, &b.location, &b.message)));
        v
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Everything rendered for a terminal, followed by a one-line summary.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e > 0 {
            out.push_str(&format!("error: build failed with {e} error(s) and {w} warning(s)\n"));
        } else if w > 0 {
            out.push_str(&format!("warning: {w} warning(s)\n"));
        }
        out
    }
}

/// Converts a 0-based byte offset in `text` into a 1-based (line, column-in-characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = text[line_start..start].chars().count() + 1;
    (line, col)
}

/// A path relative to `root` with forward slashes, for messages and URLs.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_caret_under_wide_text() {
        let d = Diagnostic::error("unknown field `titel`")
            .at_source(Location::at("content/a.md", 2, 4), "---\n标题: x\n")
            .hint("put custom keys under `extra:`");
        assert_eq!(
            d.to_string(),
            "error: unknown field `titel`\n --> content/a.md:2:4\n  |\n2 | 标题: x\n  |      ^\n  = hint: put custom keys under `extra:`\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}[x](@/a.md){}", "中".repeat(100), "文".repeat(100));
        let d = Diagnostic::error("e").at_source(Location::at("a.md", 1, 101), &line);
        let text = d.to_string();
        assert!(text.contains("| …中中中中中中中中中中中中中中中中中中中中[x](@/a.md)文文文文文文文文文…\n"), "{text}");
        assert!(text.contains(&format!("| {}^", " ".repeat(41))), "{text}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\n中文x", 9), (2, 3));
        assert_eq!(line_col("abc", 0), (1, 1));
    }
}
