//! Query-aware excerpts: the text around the first place a result matches, so the reader sees
//! why it was found. Mirrored by `themes/default/static/js/search-excerpt.js` (the browser
//! shows the same excerpt as `gazette search`); `tests/data/forgive-vectors.json` pins both.
//!
//! Each result's fragment holds its opening ([`OPENING_CHARS`] characters of the body, spaces
//! collapsed); pages whose opening is full also get a body file with the text after it, up to
//! [`BODY_CHARS`] characters in all. The excerpt is the opening when the title or the opening holds a match (or
//! nothing matches); otherwise a window of about [`WINDOW_CHARS`] characters of the body
//! around the first match, started at the sentence (or clause) it is in when that is close,
//! ended at a sentence end when one is close, with `…` where it cuts a sentence. The browser
//! fetches the body file only in that last case.
//!
//! Matching follows the highlighting of the search page: the needles are each clause's runs of
//! Han characters and of other letters or digits, compared on normalised text character by
//! character; runs of letters match whole words only, runs holding a digit also inside longer
//! words (a query's end number may be part of a longer one, see the word affixes in
//! `tokenize.rs`).

use super::query::parse;
use super::tokenize::normalize;
use crate::paths::is_han;

/// Characters of the opening kept in a fragment.
pub const OPENING_CHARS: usize = 160;
/// Characters of the body kept in a body file (and used by `gazette search`).
pub const BODY_CHARS: usize = 4000;
/// Usual length of a window.
pub const WINDOW_CHARS: usize = 100;
/// Shortest and longest window when it ends at a sentence end.
const WINDOW_MIN: usize = 80;
const WINDOW_MAX: usize = 120;
/// Context kept before the match when no sentence start is close.
const BEFORE: usize = 30;
/// How far back a sentence start, or a clause start, counts as close.
const SENTENCE_BACK: usize = 60;
const CLAUSE_BACK: usize = 40;

/// The body as excerpts see it: whitespace runs collapsed to one space, trimmed.
pub fn collapse(body: &str) -> String {
    body.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The opening of a collapsed body.
pub fn opening(text: &str) -> String {
    text.chars().take(OPENING_CHARS).collect()
}

/// The body excerpts may window, of a collapsed body: its first [`BODY_CHARS`] characters;
/// `None` when the opening already holds all of it (shorter than [`OPENING_CHARS`]).
pub fn body_text(text: &str) -> Option<String> {
    (text.chars().nth(OPENING_CHARS - 1).is_some()).then(|| text.chars().take(BODY_CHARS).collect())
}

/// What a body file holds: [`body_text`] less the opening, which the fragment already has
/// (the client puts the two together).
pub fn body_rest(text: &str) -> Option<String> {
    body_text(text).map(|b| b.chars().skip(OPENING_CHARS).collect())
}

/// The strings a query highlights: each positive clause, normalised, split into runs of Han
/// characters and runs of other letters or digits (`needles` in search-ui.js).
pub fn needles(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |run: &mut String| {
        if !run.is_empty() && !out.contains(run) {
            out.push(run.clone());
        }
        run.clear();
    };
    for clause in parse(query).into_iter().filter(|c| !c.negated) {
        let mut run = String::new();
        let mut han = false;
        for c in normalize(&clause.text).chars() {
            let h = is_han(c);
            if !run.is_empty() && (!c.is_alphanumeric() || h != han) {
                push(&mut run);
            }
            if c.is_alphanumeric() {
                run.push(c);
                han = h;
            }
        }
        push(&mut run);
    }
    out
}

/// A word character for whole-word matching: a letter or digit that is not Han.
fn is_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() && !is_han(*c))
}

/// The first match of any needle in `text`, as a range of character indexes of `text`:
/// the earliest start, the longest on a tie.
pub fn first_match(text: &str, needles: &[String]) -> Option<(usize, usize)> {
    // Normalise character by character, remembering where each normalised character came from.
    let mut norm: Vec<char> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        for n in normalize(c.encode_utf8(&mut [0; 4])).chars() {
            norm.push(n);
            origin.push(i);
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for needle in needles {
        let n: Vec<char> = needle.chars().collect();
        if n.is_empty() || n.len() > norm.len() {
            continue;
        }
        // A word holding a digit may be part of a longer one (72个 matches 172个, see the word
        // affixes in tokenize.rs); other words match whole.
        let word = is_word(n.first()) && !n.iter().any(|c| c.is_numeric());
        let found = (0..=norm.len() - n.len()).find(|&i| {
            norm[i..i + n.len()] == n[..]
                && !(word && (is_word(i.checked_sub(1).and_then(|p| norm.get(p))) || is_word(norm.get(i + n.len()))))
        });
        if let Some(i) = found {
            let m = (origin[i], origin[i + n.len() - 1] + 1);
            if best.is_none_or(|b| m.0 < b.0 || (m.0 == b.0 && m.1 > b.1)) {
                best = Some(m);
            }
        }
    }
    best
}

/// True when the excerpt of a result needs its body file: neither the title nor the opening
/// holds a match, and the opening is full (there is more body).
pub fn needs_body(title: &str, opening: &str, needles: &[String]) -> bool {
    !needles.is_empty()
        && opening.chars().count() >= OPENING_CHARS
        && first_match(title, needles).is_none()
        && first_match(opening, needles).is_none()
}

/// The excerpt of a result: `body` is its body file's text, when fetched.
pub fn excerpt(title: &str, opening: &str, body: Option<&str>, needles: &[String]) -> String {
    let shown_opening = || {
        let cut = if opening.chars().count() >= OPENING_CHARS { "…" } else { "" };
        format!("{opening}{cut}")
    };
    let Some(body) = body.filter(|_| needs_body(title, opening, needles)) else { return shown_opening() };
    match first_match(body, needles) {
        Some(m) => window(&body.chars().collect::<Vec<_>>(), m),
        None => shown_opening(),
    }
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';')
}

fn ends_clause(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '：' | ':')
}

/// Closing quotes and brackets, which stay with the sentence they close.
fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"' | '\'')
}

/// The window of `text` around the match `[s, e)`.
fn window(text: &[char], (s, e): (usize, usize)) -> String {
    let len = text.len();
    let after = |i: usize| {
        let mut j = i + 1;
        while j < len && closes(text[j]) {
            j += 1;
        }
        j
    };
    let back = |reach: usize, hit: fn(char) -> bool| (s.saturating_sub(reach)..s).rev().find(|&i| hit(text[i]));
    let mut start = match back(SENTENCE_BACK, ends_sentence).or_else(|| back(CLAUSE_BACK, ends_clause)) {
        Some(i) => after(i).min(s),
        None if s <= BEFORE => 0,
        None => s - BEFORE,
    };
    while start < s && text[start] == ' ' {
        start += 1;
    }
    let lo = e.max(start + WINDOW_MIN);
    let hi = (start + WINDOW_MAX).min(len);
    let forward = |hit: fn(char) -> bool| (lo..hi).find(|&i| hit(text[i]));
    let mut end = match forward(ends_sentence).or_else(|| forward(ends_clause)) {
        Some(i) => after(i),
        None => e.max(start + WINDOW_CHARS),
    }
    .min(len);
    while end > e && text[end - 1] == ' ' {
        end -= 1;
    }
    let sentence_before = start == 0 || {
        let mut i = start;
        while i > 0 && (closes(text[i - 1]) || text[i - 1] == ' ') {
            i -= 1;
        }
        i == 0 || ends_sentence(text[i - 1])
    };
    // The window ends the text (a capped body is taken as cut), or ends a sentence.
    let at_end = end >= len && len < BODY_CHARS;
    let sentence_after = at_end || {
        let mut i = end;
        while i > 0 && closes(text[i - 1]) {
            i -= 1;
        }
        i > 0 && ends_sentence(text[i - 1])
    };
    let mut out = String::new();
    if !sentence_before {
        out.push('…');
    }
    out.extend(&text[start..end]);
    if !sentence_after {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(q: &str) -> Vec<String> {
        needles(q)
    }

    #[test]
    fn needles_split_runs() {
        assert_eq!(n("户外劳动者 -快递 AI培训 2024年"), ["户外劳动者", "ai", "培训", "2024", "年"]);
    }

    #[test]
    fn first_match_whole_words_and_normalised() {
        assert_eq!(first_match("The AI job fair", &n("ai")), Some((4, 6)));
        assert_eq!(first_match("Said AIR", &n("ai")), None);
        assert_eq!(first_match("拨打１２３５１热线", &n("12351")), Some((2, 7)));
    }

    #[test]
    fn window_starts_at_the_sentence_and_marks_cuts() {
        let body = format!("{}。工会在站点配备了饮水机和微波炉。{}", "甲".repeat(300), "乙".repeat(300));
        let e = excerpt("标题", &opening(&body), Some(&body), &n("微波炉"));
        assert!(e.starts_with("工会在站点配备了饮水机和微波炉。"), "{e}");
        assert!(e.ends_with('…'), "{e}");
        assert!((80..=125).contains(&e.chars().count()), "{e}");
    }
}
