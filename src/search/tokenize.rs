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

/// Normalises like the tokenizer does before splitting.
pub fn normalize(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// Tokens of already-normalised text.
pub fn tokens_of_normalized(norm: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_han(c) {
            let mut j = i;
            while j < chars.len() && is_han(chars[j].1) {
                j += 1;
            }
            let end_of = |k: usize| chars.get(k).map(|x| x.0).unwrap_or(norm.len());
            if j - i == 1 {
                out.push(Token { text: c.to_string(), position: out.len(), from: start, to: end_of(j) });
            } else {
                for (k, &(from, _)) in chars.iter().enumerate().take(j - 1).skip(i) {
                    let to = end_of(k + 2);
                    out.push(Token { text: norm[from..to].to_string(), position: out.len(), from, to });
                }
            }
            i = j;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_alphanumeric() && !is_han(chars[j].1) {
                j += 1;
            }
            let to = chars.get(j).map(|x| x.0).unwrap_or(norm.len());
            out.push(Token { text: norm[start..to].to_string(), position: out.len(), from: start, to });
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The token texts of `text`.
pub fn tokenize(text: &str) -> Vec<String> {
    tokens_of_normalized(&normalize(text)).into_iter().map(|t| t.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_words_and_unigrams() {
        assert_eq!(tokenize("户外劳动者"), ["户外", "外劳", "劳动", "动者"]);
        assert_eq!(tokenize("拨打12351热线"), ["拨打", "12351", "热线"]);
        assert_eq!(tokenize("ＡＩ 与 人"), ["ai", "与", "人"]);
    }
}
