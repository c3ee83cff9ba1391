//! Raw HTML in a page body: comments dropped whole, `<!-- more -->` found, everything else
//! kept only with `markdown.unsafe_html: true`.
//!
//! pulldown-cmark hands an HTML block over one line at a time (an `Html` event per line
//! between `Start(HtmlBlock)` and `End(HtmlBlock)`), and inline HTML one construct at a
//! time (`InlineHtml`). Judging those pieces one by one published the middle lines of a
//! comment written over several lines (an editor's private note, plus a stray `-->`), and
//! dropped text that followed a comment on its closing line. So a block is joined again first
//! and then split into comments and the rest, by CommonMark's rule for where a comment ends
//! (`<!-->`, `<!--->`, or the first `-->`); markup that can hold a `<!--` which is not a
//! comment (a quoted attribute value, `<script>`, `<textarea>`…) is stepped over whole.
//!
//! What is left of a block after its comments is judged as one piece: with `unsafe_html` it
//! is kept as written; otherwise it is dropped with one located warning, unless it holds no
//! `<` at all — then it cannot make an element or an attribute and is kept, so text after a
//! comment on the same line (`<!-- 注 -->*bar*`) shows as pulldown-cmark shows it.

use super::{Ev, Rewriter};
use crate::diagnostics::Diagnostic;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::ops::Range;

/// A stretch of raw HTML: a comment or anything else. Offsets are into the joined text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// `<!-- … -->`; `closed` is false when no `-->` follows, and the comment runs to the end.
    Comment { range: Range<usize>, closed: bool },
    /// Markup or text that is not a comment.
    Other(Range<usize>),
}

/// Elements whose content is text to the HTML parser, where `<!--` starts no comment.
const RAW_TEXT: [&str; 9] =
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Splits raw HTML into comments and the stretches between them, in order.
pub(super) fn split(html: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let (mut i, mut other) = (0, 0);
    while let Some(lt) = html[i..].find('<').map(|p| i + p) {
        let rest = &html[lt..];
        if !rest.starts_with("<!--") {
            i = lt + skip_markup(rest);
            continue;
        }
        if other < lt {
            pieces.push(Piece::Other(other..lt));
        }
        let (len, closed) = match comment_len(rest) {
            Some(n) => (n, true),
            None => (rest.len(), false),
        };
        pieces.push(Piece::Comment { range: lt..lt + len, closed });
        i = lt + len;
        other = i;
    }
    if other < html.len() {
        pieces.push(Piece::Other(other..html.len()));
    }
    pieces
}

/// The length of the comment `rest` starts with, when it is closed (CommonMark 0.31:
/// `<!-->` and `<!--->` are whole comments; otherwise the first `-->` ends it).
fn comment_len(rest: &str) -> Option<usize> {
    if rest.starts_with("<!-->") {
        return Some(5);
    }
    if rest.starts_with("<!--->") {
        return Some(6);
    }
    rest[4..].find("-->").map(|p| p + 7)
}

/// How far to step over the markup `rest` starts with (at least one byte), so that a
/// `<!--` inside it is not taken for a comment: a tag with its quoted attribute values,
/// the whole content of a raw-text element, a processing instruction, a declaration, CDATA.
fn skip_markup(rest: &str) -> usize {
    let to = |end: &str, from: usize| rest[from..].find(end).map_or(rest.len(), |p| from + p + end.len());
    let bytes = rest.as_bytes();
    let next = bytes.get(1).copied().unwrap_or(0);
    if rest.starts_with("<![CDATA[") {
        return to("]]>", 9);
    }
    if next == b'?' {
        return to("?>", 2);
    }
    if next == b'!' {
        return to(">", 2);
    }
    if next == b'/' {
        return tag_len(rest);
    }
    if !next.is_ascii_alphabetic() {
        return 1;
    }
    let len = tag_len(rest);
    let name: String =
        rest[1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>().to_lowercase();
    if !RAW_TEXT.contains(&name.as_str()) {
        return len;
    }
    // The element's text runs to its end tag; that tag is stepped over on the next turn.
    let close = format!("</{name}");
    rest[len..].to_ascii_lowercase().find(&close).map_or(rest.len(), |p| len + p)
}

/// The length of the tag `rest` starts with, to its `>` outside quotes (or to the end).
fn tag_len(rest: &str) -> usize {
    let mut quote = None;
    for (i, b) in rest.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

/// True for a comment that marks the end of the summary: `<!-- more -->`, spaces and line
/// breaks around `more` allowed.
fn is_more(comment: &str) -> bool {
    let inner = comment.strip_prefix("<!--").and_then(|c| c.strip_suffix("-->")).unwrap_or("");
    inner.trim() == "more"
}

/// The name of a lone start tag (`<b>`, `<span class=x>`) or, with `/`, of a lone end tag.
fn lone_tag(html: &str) -> Option<(bool, String)> {
    let t = html.trim();
    let (end, body) = match t.strip_prefix("</") {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('<')?),
    };
    if !t.ends_with('>') || t.ends_with("/>") || tag_len(t) != t.len() {
        return None;
    }
    let name: String = body.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (!name.is_empty()).then(|| (end, name.to_ascii_lowercase()))
}

/// Raw HTML joined from its events, with where each event's text came from in the body.
struct Joined {
    text: String,
    /// (offset in `text`, offset in the body) at the start of each event's text.
    starts: Vec<(usize, usize)>,
}

impl Joined {
    fn new<'a>(events: impl IntoIterator<Item = (&'a str, usize)>) -> Joined {
        let mut j = Joined { text: String::new(), starts: Vec::new() };
        for (text, at) in events {
            j.starts.push((j.text.len(), at));
            j.text.push_str(text);
        }
        j
    }

    /// The body offset of byte `at` of the joined text.
    fn source(&self, at: usize) -> usize {
        let (text_start, body_start) = self.starts.iter().rev().find(|(t, _)| *t <= at).copied().unwrap_or((0, 0));
        body_start + (at - text_start)
    }
}

impl<'c> Rewriter<'c> {
    /// An HTML block: `events` run from its `Start(HtmlBlock)` to its end.
    pub(super) fn html_block<'a>(&mut self, events: &[(Event<'a>, Range<usize>)], out: &mut Vec<Ev<'a>>) {
        let lines = events.iter().filter_map(|(e, r)| match e {
            Event::Html(t) => Some((t.as_ref(), r.start)),
            _ => None,
        });
        let joined = Joined::new(lines);
        out.push(Ev::E(Event::Start(Tag::HtmlBlock)));
        self.raw_html(&joined, false, out);
        out.push(Ev::E(Event::End(TagEnd::HtmlBlock)));
    }

    /// One piece of inline HTML: a tag, a comment, a declaration…
    pub(super) fn inline_html<'a>(&mut self, html: &str, range: &Range<usize>, out: &mut Vec<Ev<'a>>) {
        self.raw_html(&Joined::new([(html, range.start)]), true, out);
    }

    /// Drops the comments of `joined` (marking `<!-- more -->`), then keeps or drops what is
    /// left as one piece.
    fn raw_html<'a>(&mut self, joined: &Joined, inline: bool, out: &mut Vec<Ev<'a>>) {
        let text = joined.text.as_str();
        let pieces = split(text);
        let others: Vec<Range<usize>> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Other(r) => Some(r.clone()),
                Piece::Comment { .. } => None,
            })
            .collect();
        let rest: String = others.iter().map(|r| &text[r.clone()]).collect();
        let keep = if rest.trim().is_empty() {
            false
        } else if self.ctx.unsafe_html || (!inline && !rest.contains('<')) {
            true
        } else {
            self.report_dropped(joined, &others, inline);
            false
        };
        for piece in pieces {
            match piece {
                Piece::Comment { range, closed: true } if is_more(&text[range.clone()]) => out.push(Ev::More),
                // A note for editors, not readers.
                Piece::Comment { closed: true, .. } => {}
                Piece::Comment { range, closed: false } => self.unclosed_comment(joined.source(range.start)),
                Piece::Other(r) if keep => {
                    let html = CowStr::from(text[r].to_string());
                    out.push(Ev::E(if inline { Event::InlineHtml(html) } else { Event::Html(html) }));
                }
                Piece::Other(_) => {}
            }
        }
    }

    /// Reports raw HTML that is dropped, once per block or element: the end tag of an inline
    /// element whose start tag was already reported goes quietly.
    fn report_dropped(&mut self, joined: &Joined, others: &[Range<usize>], inline: bool) {
        let text = joined.text.as_str();
        let Some(first) = others.iter().map(|r| &text[r.clone()]).position(|t| !t.trim().is_empty()) else {
            return;
        };
        let first_text = &text[others[first].clone()];
        if inline {
            match lone_tag(first_text) {
                Some((true, name)) => {
                    if let Some(i) = self.dropped_tags.iter().rposition(|t| *t == name) {
                        self.dropped_tags.remove(i);
                        return;
                    }
                }
                Some((false, name)) => self.dropped_tags.push(name),
                None => {}
            }
        }
        // Shown on one line, shortened: a block may run over many.
        let words: Vec<&str> = others.iter().flat_map(|r| text[r.clone()].split_whitespace()).collect();
        let whole = words.join(" ");
        let mut shown: String = whole.chars().take(40).collect();
        if shown.len() < whole.len() {
            shown.push('…');
        }
        let lead = first_text.len() - first_text.trim_start().len();
        let at = joined.source(others[first].start + lead);
        self.diag(
            Diagnostic::warning(format!("raw HTML dropped: `{shown}`"))
                .hint("write it in Markdown, or set `markdown: {unsafe_html: true}` in gazette.yaml"),
            &(at..at),
        );
    }

    /// Warns about a `<!--` in paragraph text. A comment that does not end before its
    /// paragraph does is no comment to CommonMark: it is shown as text, and an editor's note
    /// in it would be published. The output stays as CommonMark has it; the editor is told.
    pub(super) fn unclosed_inline_comments(&mut self, body: &str, events: &[(Event, Range<usize>)]) {
        let mut in_code = 0usize;
        let mut seen = std::collections::BTreeSet::new();
        for (ev, range) in events {
            match ev {
                Event::Start(Tag::CodeBlock(_)) => in_code += 1,
                Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
                // The text `<!--` arrives split (`<`, `!-- …`), so look at the source a little
                // past the event's end.
                Event::Text(_) if in_code == 0 => {
                    let mut end = (range.end + 3).min(body.len());
                    while !body.is_char_boundary(end) {
                        end += 1;
                    }
                    let src = body.get(range.start..end).unwrap_or("");
                    let opener = src
                        .match_indices("<!--")
                        .map(|(p, _)| p)
                        .find(|p| *p < range.len() && !body[..range.start + p].ends_with('\\'));
                    if let Some(p) = opener.filter(|p| seen.insert(range.start + p)) {
                        let at = range.start + p;
                        self.diag(
                            Diagnostic::warning("`<!--` starts no comment here: the text after it is published")
                                .hint("end a comment inside a paragraph with `-->` before the paragraph ends, or write `\\<!--` to show it as text"),
                            &(at..at),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn unclosed_comment(&mut self, at: usize) {
        self.diag(
            Diagnostic::warning(
                "HTML comment `<!--` is never closed, so everything after it is left out \
                 (to the end of the page, or of the list item or quote it is in)",
            )
            .hint(
                "end the comment with `-->`; in a list item or quote, indent or `>`-prefix every line of the comment",
            ),
            &(at..at),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(html: &str) -> Vec<(&str, &str)> {
        split(html)
            .into_iter()
            .map(|p| match p {
                Piece::Comment { range, closed: true } => ("comment", &html[range]),
                Piece::Comment { range, closed: false } => ("open comment", &html[range]),
                Piece::Other(r) => ("other", &html[r]),
            })
            .collect()
    }

    #[test]
    fn comments_end_where_commonmark_ends_them() {
        assert_eq!(kinds("<!--\n注\n-->*bar*"), vec![("comment", "<!--\n注\n-->"), ("other", "*bar*")]);
        assert_eq!(
            kinds("<!---->a<!-->b<!--->c"),
            vec![
                ("comment", "<!---->"),
                ("other", "a"),
                ("comment", "<!-->"),
                ("other", "b"),
                ("comment", "<!--->"),
                ("other", "c")
            ]
        );
        assert_eq!(kinds("<!-- a -- b -->"), vec![("comment", "<!-- a -- b -->")]);
        assert_eq!(kinds("x <!-- never"), vec![("other", "x "), ("open comment", "<!-- never")]);
    }

    #[test]
    fn comment_openers_inside_markup_are_not_comments() {
        let attr = r#"<a title="<!-- x -->">t</a>"#;
        assert_eq!(kinds(attr), vec![("other", attr)]);
        let script = "<script>s = '<!-- x -->';</script><!-- y -->";
        assert_eq!(kinds(script), vec![("other", "<script>s = '<!-- x -->';</script>"), ("comment", "<!-- y -->")]);
        let textarea = "<TEXTAREA><!-- x --></textarea>";
        assert_eq!(kinds(textarea), vec![("other", textarea)]);
        assert_eq!(kinds("<![CDATA[<!--]]><!--c-->"), vec![("other", "<![CDATA[<!--]]>"), ("comment", "<!--c-->")]);
    }

    #[test]
    fn more_markers_and_lone_tags() {
        assert!(is_more("<!-- more -->") && is_more("<!--more-->") && is_more("<!--\nmore\n-->"));
        assert!(!is_more("<!-- more text -->"));
        assert_eq!(lone_tag("<b>"), Some((false, "b".to_string())));
        assert_eq!(lone_tag("</SPAN >"), Some((true, "span".to_string())));
        assert_eq!(lone_tag("<br/>"), None);
        assert_eq!(lone_tag("<b>x</b>"), None);
    }
}
