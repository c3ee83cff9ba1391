//! Soft line breaks inside Chinese (and Japanese) text.
//!
//! A newline inside a paragraph renders as a space. Chinese and Japanese put no spaces
//! between words, so a break between `工人` and `日报` must vanish (`工人日报`), while one
//! between English words must stay a space. The decision looks at the nearest character on
//! each side, through inline markup (`**重点**⏎内容` joins too) and past punctuation that
//! both kinds of text use — curly quotes, `…`, `—`, `·` — to the first character that tells
//! which kind of text it is: `“工人”⏎“日报”` joins, `“yes”⏎“no”` keeps its space.
//! Hangul keeps the space: Korean separates words with spaces.

use super::Ev;
use crate::paths;
use pulldown_cmark::{Event, Tag, TagEnd};

/// What one side of a soft break tells about the text there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Han, kana, or punctuation only CJK text uses.
    Cjk,
    /// Only shared punctuation (`”`, `…`) up to the block's edge.
    Shared,
    /// Anything else: Latin letters, digits, Hangul, spaces, nothing at all.
    Other,
}

/// Deletes the soft breaks that join CJK text (see the module comment).
pub(super) fn drop_cjk_soft_breaks(events: Vec<Ev>) -> Vec<Ev> {
    let drop: Vec<bool> = (0..events.len())
        .map(|i| {
            matches!(events[i], Ev::E(Event::SoftBreak))
                && joins(side(events[..i].iter().rev(), true), side(events[i + 1..].iter(), false))
        })
        .collect();
    events.into_iter().zip(drop).filter(|(_, d)| !d).map(|(e, _)| e).collect()
}

/// A break vanishes between CJK on both sides, or CJK on one side and shared punctuation
/// alone on the other (`工作⏎“三个到位”` starts with a quote but is Chinese).
fn joins(before: Side, after: Side) -> bool {
    matches!((before, after), (Side::Cjk, Side::Cjk | Side::Shared) | (Side::Shared, Side::Cjk))
}

/// Punctuation that Latin and CJK text share; it does not tell which one a line is.
fn is_shared(c: char) -> bool {
    matches!(c, '\u{2014}' | '\u{2018}'..='\u{201F}' | '\u{2025}' | '\u{2026}' | '\u{00B7}' | '\u{2E3A}')
}

/// The side of a break seen from `events` (walking away from the break; `backwards` when
/// they come before it): the first character that is not shared punctuation decides.
fn side<'e, 'a: 'e>(events: impl Iterator<Item = &'e Ev<'a>>, backwards: bool) -> Side {
    let mut shared = false;
    for ev in events {
        let text = match ev {
            Ev::E(Event::Text(t) | Event::Code(t)) => t,
            // Marks that render no characters: look through them.
            Ev::More | Ev::E(Event::InlineHtml(_)) => continue,
            Ev::E(Event::Start(tag)) if is_inline(tag) => continue,
            Ev::E(Event::End(end)) if is_inline_end(end) => continue,
            // A block edge, another break, a footnote reference…
            _ => break,
        };
        let mut chars: Box<dyn Iterator<Item = char>> =
            if backwards { Box::new(text.chars().rev()) } else { Box::new(text.chars()) };
        match chars.find(|c| !is_shared(*c)) {
            Some(c) if paths::is_cjk(c) => return Side::Cjk,
            Some(_) => return Side::Other,
            None => shared |= !text.is_empty(),
        }
    }
    if shared { Side::Shared } else { Side::Other }
}

fn is_inline(tag: &Tag) -> bool {
    matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(end, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::CowStr;

    /// `before` ⏎ `after` as two text events around a soft break: joined or not.
    fn joined(before: &str, after: &str) -> bool {
        let events = vec![
            Ev::E(Event::Text(CowStr::from(before.to_string()))),
            Ev::E(Event::SoftBreak),
            Ev::E(Event::Text(CowStr::from(after.to_string()))),
        ];
        drop_cjk_soft_breaks(events).len() == 2
    }

    #[test]
    fn breaks_join_cjk_text_only() {
        for (a, b) in [("工人", "日报"), ("“工人”", "日报"), ("“工人”", "“日报”"), ("下一步工作", "“三个到位”")]
        {
            assert!(joined(a, b), "{a}⏎{b} should join");
        }
        for (a, b) in [("会议指出，", "要"), ("こんにちは", "世界"), ("你好……", "世界"), ("工人——", "日报")]
        {
            assert!(joined(a, b), "{a}⏎{b} should join");
        }
        for (a, b) in [("“yes”", "“no”"), ("wait…", "what"), ("yes—", "no"), ("中文", "English"), ("한국", "사람")]
        {
            assert!(!joined(a, b), "{a}⏎{b} should keep a space");
        }
        assert!(!joined("“", "”"), "shared punctuation alone on both sides keeps the space");
    }
}
