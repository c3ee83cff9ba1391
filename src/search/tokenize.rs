//! The search tokenizer, shared by the tantivy index, `gazette search` and (re-implemented
//! token for token) the browser client in `themes/default/static/js/gazette-tokenize.js`.
//!
//! NFKC-normalise and lowercase; a run of Han characters becomes overlapping character
//! bigrams (a lone Han character stays a unigram); a run of letters or digits becomes one
//! word; everything else separates tokens. Bigrams make a Chinese query match exactly the
//! texts that contain it, without a dictionary that could segment the query and the text
//! differently. `tests/data/tokenizer-vectors.json` pins the behaviour for both
//! implementations; change the two together.

use crate::paths::is_han;
use unicode_normalization::UnicodeNormalization;

/// One token and the character run it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The indexed text.
    pub text: String,
    /// Position: consecutive tokens of one run have consecutive positions, so a Han query
    /// can be matched as a phrase.
    pub position: usize,
    /// Byte range in the normalised text.
    pub from: usize,
    /// End of that range.
    pub to: usize,
}

/// Normalises like the tokenizer does before splitting: NFKC, then lowercase.
pub fn normalize(text: &str) -> String {
    normalize_common(text).unwrap_or_else(|| text.nfkc().collect::<String>().to_lowercase())
}

/// NFKC + lowercase without the general algorithm, for text made only of characters whose
/// normalised form is known here: ASCII, Han ideographs outside the compatibility block, the
/// full-width forms of ASCII, the ideographic space and the CJK and general punctuation that
/// NFKC keeps. `None` for anything else. None of these characters composes with the one
/// before it, so mapping them one by one equals normalising the whole text; a test checks
/// every one against the general path. Indexing spent a tenth of its time in the general
/// path, on text that is almost all Han characters and punctuation.
fn normalize_common(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(normalize_char(c)?);
    }
    Some(out)
}

/// The normalised form of one character of [`normalize_common`]'s set.
fn normalize_char(c: char) -> Option<char> {
    match c as u32 {
        0..=0x7F => Some(c.to_ascii_lowercase()),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF => Some(c),
        // Full-width ASCII (！ to ～) and the ideographic space.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).map(|a| a.to_ascii_lowercase()),
        0x3000 => Some(' '),
        // 、。〃 〈〉《》「」『』【】 〔〕〖〗〘〙〚〛〜〝〞〟, – — ‘ ’ “ ” · •
        0x3001..=0x3003
        | 0x3008..=0x3011
        | 0x3014..=0x301F
        | 0x2013
        | 0x2014
        | 0x2018
        | 0x2019
        | 0x201C
        | 0x201D
        | 0xB7
        | 0x2022 => Some(c),
        _ => None,
    }
}

/// Where the tokenizer is in a normalised text; [`next_token`] advances it.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    at: usize,
    /// Start of the previous Han character when inside a run of two or more.
    prev_han: Option<usize>,
    position: usize,
}

/// The next token of `norm` as (byte range, position), or `None` at the end. Tokens are
/// produced one at a time so the indexer can reuse one buffer: collecting every token of a
/// body as its own string first was a large share of indexing time.
pub fn next_token(norm: &str, cur: &mut Cursor) -> Option<(usize, usize, usize)> {
    loop {
        let c = norm.get(cur.at..)?.chars().next()?;
        let start = cur.at;
        let end = start + c.len_utf8();
        if is_han(c) {
            let next_is_han = norm[end..].chars().next().is_some_and(is_han);
            let from = match cur.prev_han {
                // The second character of a run onwards closes a bigram.
                Some(p) => p,
                // The first character of a run of two or more opens the first bigram.
                None if next_is_han => {
                    cur.prev_han = Some(start);
                    cur.at = end;
                    continue;
                }
                // A lone Han character is a unigram.
                None => start,
            };
            cur.prev_han = next_is_han.then_some(start);
            cur.at = end;
            return Some(emit(cur, from, end));
        }
        cur.prev_han = None;
        if c.is_alphanumeric() {
            let len = norm[start..].find(|x: char| !x.is_alphanumeric() || is_han(x)).unwrap_or(norm.len() - start);
            cur.at = start + len;
            return Some(emit(cur, start, start + len));
        }
        cur.at = end;
    }
}

fn emit(cur: &mut Cursor, from: usize, to: usize) -> (usize, usize, usize) {
    cur.position += 1;
    (from, to, cur.position - 1)
}

/// Tokens of already-normalised text.
pub fn tokens_of_normalized(norm: &str) -> Vec<Token> {
    let mut cur = Cursor::default();
    std::iter::from_fn(|| next_token(norm, &mut cur))
        .map(|(from, to, position)| Token { text: norm[from..to].to_string(), position, from, to })
        .collect()
}

/// The token texts of `text`.
pub fn tokenize(text: &str) -> Vec<String> {
    tokens_of_normalized(&normalize(text)).into_iter().map(|t| t.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_path_normalises_like_the_general_one() {
        let general = |s: &str| s.nfkc().collect::<String>().to_lowercase();
        let mut checked = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if let Some(n) = normalize_char(c) {
                assert_eq!(n.to_string(), general(&c.to_string()), "U+{:04X}", c as u32);
                checked += 1;
            }
        }
        assert!(checked > 20_000, "{checked}");
        let text = "ＡＩ时代，“户外劳动者”（Outdoor Workers）拨打１２３５１热线——《工人日报》。";
        assert_eq!(normalize_common(text).as_deref(), Some(general(text).as_str()));
        // Anything else takes the general path, whole.
        assert_eq!(normalize_common("Cafe\u{301}"), None);
        assert_eq!(normalize("Cafe\u{301} ΑΣ"), general("Cafe\u{301} ΑΣ"));
    }

    #[test]
    fn bigrams_words_and_unigrams() {
        assert_eq!(tokenize("户外劳动者"), ["户外", "外劳", "劳动", "动者"]);
        assert_eq!(tokenize("拨打12351热线"), ["拨打", "12351", "热线"]);
        assert_eq!(tokenize("ＡＩ 与 人"), ["ai", "与", "人"]);
    }
}
