//! The search tokenizer, shared by the tantivy index, `gazette search` and (re-implemented
//! token for token) the browser client in `themes/default/static/js/gazette-tokenize.js`.
//!
//! NFKC-normalise, lowercase and fold Traditional characters to Simplified ([`super::fold`]);
//! a run of Han characters becomes overlapping character bigrams (a lone Han character stays
//! a unigram); a run of letters or digits becomes one word; everything else separates tokens.
//! Bigrams make a Chinese query match exactly the texts that contain it, without a dictionary
//! that could segment the query and the text differently. `tests/data/tokenizer-vectors.json`
//! pins the behaviour for both implementations; change the two together.
//!
//! # Positions
//!
//! Every Han character of a run has two slots ([`CHAR_SLOTS`]), consecutive characters 2
//! apart; a word has one. From a word, a lone Han character or a run's last character the next
//! run or word starts [`NEXT_ITEM`] (4) slots later when nothing stands between them in the
//! text (as between 2024 and 年), 5 when punctuation or spaces do. A bigram sits at its first
//! character's slot, a unigram at its character's. So inside a run every distance is even, and
//! a distance of 5 (an odd one) only ever spans a separator: a clause holding punctuation
//! (`2024年，全国`) never matches inside a run (`2024年春节全国`). The query is tokenized the
//! same way and matched as a phrase at these positions: `12351热线` matches `12351热线` but
//! not `“12351”热线`, a quoted `"job fair"` matches `job fair` (which separators stand
//! between two words is not significant), and two runs never join: `户外劳动` does not match
//! `户外。劳动` nor `户外。外劳动`, whose runs share characters. Values of a multi-valued
//! field (tags) are kept further apart than any phrase gap ([`WIDEST_GAP`]).
//!
//! Consequence used by phrase covers (`query.rs`): two bigrams whose positions differ by at
//! most 4 are bigrams of the same run (bigrams of different runs are at least 6 apart), the
//! second starting half that many characters after the first. A phrase can skip every other
//! bigram of a long run and still match exactly the texts holding the whole run.
//!
//! # Boundary unigrams (index side only)
//!
//! A query's single Han character next to a word, as in `2024年` (tokens 2024, 年) or `第30批`,
//! must match texts where that character is part of a longer run: `2024年的`, `举办第30批次`.
//! So the index also emits, for a run of two or more characters immediately preceded by a
//! letter or digit (nothing between), the unigram of its first character at its slot, and for
//! one immediately followed by a letter or digit, the unigram of its last character at its
//! slot. The query side never emits them: [`tokens_of_normalized`] gives query tokens,
//! [`index_tokens_of_normalized`] index tokens. Giving each character its own slot (rather
//! than putting both unigrams of a two-character run at the bigram's position) keeps `9月4`
//! from matching `9月份4`.
//!
//! # Trigrams (index side only)
//!
//! The index also holds every trigram of a run, at its first character's slot, emitted right
//! after the bigram at that slot. A query's run of three or more characters is matched by
//! trigrams (`query.rs`, `cover`): a trigram is far rarer than the bigrams it spans (劳动,
//! 工作 and 职工 stand in most articles; 劳动实 and 企业食 in few), so a phrase looks up and
//! the browser downloads postings about the size of its rarest part, not of its most common
//! bigram. Queries never emit trigrams; a two-character run stays one bigram.
//!
//! # Word affixes (index side only)
//!
//! A query's first word may be the end of a longer word of the text and its last word the
//! start of one: `72个` occurs in `172个`, `第30` in `第300批`. So the index also holds, at
//! the slot of a word holding a digit, each of its suffixes marked `~72` and each of its
//! prefixes marked `30~` (the whole word included, at most [`MAX_AFFIX`] characters each),
//! and a query clause of more than one token looks up its first word as a suffix and its last
//! as a prefix when they hold a digit and nothing separates them from the clause's ends
//! (`query.rs`, `cover`). A word inside the clause stays whole: in `第72个` the 72 is bounded
//! by 第 and 个, so `第172个` must not match; so does one behind punctuation (`《72》个`). A
//! clause of a single word matches whole words only (`72` does not find `172`).
//!
//! Only words with a digit get affixes: numbers are what news readers type beside units
//! (24名, 9.8亿元, 第30批), and each affix is a token counted in the field length, so a page
//! of English words or URLs would otherwise look many times longer to BM25. A letters-only
//! word at a clause's end matches whole words (`ai专家` does not find `openai专家`).

use super::fold::fold;
use crate::paths::is_han;
use unicode_normalization::UnicodeNormalization;

/// Slots per Han character of a run: consecutive characters sit 2 apart, so every distance
/// inside a run is even.
pub const CHAR_SLOTS: usize = 2;
/// From a word, a lone Han character or a run's last character to the next item when they
/// touch (2024年). A separator between them adds one slot more (5): an odd distance, which no
/// two characters of one run can have, so a clause holding punctuation never matches inside
/// a run.
pub const NEXT_ITEM: usize = 4;
/// The widest gap between two consecutive terms of a phrase (a separator after a run, a word
/// or a lone character). The indexer gives each value of a multi-valued field (tags) a
/// position length beyond it, so a phrase never spans two tags.
pub const WIDEST_GAP: usize = NEXT_ITEM + 1;
/// The marker of a word affix: `~72` a word ending in 72, `30~` a word starting with 30.
/// Words are letters and digits, so no other token holds it.
pub const AFFIX_MARK: char = '~';
/// The longest word affix the index holds, in characters: a query word longer than this is
/// looked up whole. 16 covers phone numbers, 8-digit dates and ISBNs.
pub const MAX_AFFIX: usize = 16;

/// What an index token's text is: its byte range of the normalised text as it stands, or
/// that range as a word's suffix or prefix, marked with [`AFFIX_MARK`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The range as it stands.
    Plain,
    /// A word's suffix: the marker, then the range.
    Suffix,
    /// A word's prefix: the range, then the marker.
    Prefix,
}

/// Appends the text of the token `norm[from..to]` of this kind to `out`.
pub fn write_token(norm: &str, from: usize, to: usize, kind: Kind, out: &mut String) {
    if kind == Kind::Suffix {
        out.push(AFFIX_MARK);
    }
    out.push_str(&norm[from..to]);
    if kind == Kind::Prefix {
        out.push(AFFIX_MARK);
    }
}

/// True when a query term is a word (letters or digits) holding a digit: the words whose
/// affixes the index holds.
pub fn has_affixes(text: &str) -> bool {
    text.chars().next().is_some_and(is_word_char) && text.chars().any(char::is_numeric)
}

/// One token and the character run it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The indexed text.
    pub text: String,
    /// Position (see the module documentation): consecutive bigrams of one run have
    /// consecutive positions, so a Han query can be matched as a phrase.
    pub position: usize,
    /// Byte range in the normalised text.
    pub from: usize,
    /// End of that range.
    pub to: usize,
}

/// Normalises like the tokenizer does before splitting: NFKC, lowercase, then Traditional →
/// Simplified folding.
pub fn normalize(text: &str) -> String {
    normalize_common(text).unwrap_or_else(|| text.nfkc().collect::<String>().to_lowercase().chars().map(fold).collect())
}

/// NFKC + lowercase + folding without the general algorithm, for text made only of
/// characters whose normalised form is known here: ASCII, Han ideographs outside the
/// compatibility block, the full-width forms of ASCII, the ideographic space and the CJK and
/// general punctuation that NFKC keeps. `None` for anything else. None of these characters
/// composes with the one before it, so mapping them one by one equals normalising the whole
/// text; a test checks every one against the general path. Indexing spent a tenth of its time
/// in the general path, on text that is almost all Han characters and punctuation.
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
        0x3400..=0x4DBF | 0x4E00..=0x9FFF => Some(fold(c)),
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
/// [`Cursor::default`] gives query tokens, [`Cursor::index`] index tokens.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    at: usize,
    /// Emit the boundary unigrams, the trigrams and the word affixes (index side).
    extras: bool,
    /// The first slot of the next run or word.
    slot: usize,
    /// The Han run of two or more characters being emitted.
    run: Option<Run>,
    /// A separator (punctuation, space) was skipped since the last run or word.
    sep: bool,
    /// The affixes still to emit of the word just emitted, when it holds a digit (index side).
    word: Option<Affixes>,
}

impl Cursor {
    /// A cursor for index tokens: query tokens plus the boundary unigrams, trigrams and word
    /// affixes.
    pub fn index() -> Cursor {
        Cursor { extras: true, ..Cursor::default() }
    }
}

/// A Han run of two or more characters, emitted one token at a time.
#[derive(Debug, Clone)]
struct Run {
    /// Start of the next bigram's first character; after the last bigram, of the last character.
    at: usize,
    /// End of the run.
    end: usize,
    /// Slot of its first character.
    base: usize,
    /// Length in characters.
    len: usize,
    /// Bigrams emitted so far.
    done: usize,
    /// Boundary unigrams still to emit: the first character, the last.
    head: bool,
    tail: bool,
    /// Emit trigrams (index side): after each bigram, the trigram starting there.
    trigrams: bool,
    /// The trigram at the last bigram's position is still to emit.
    pending: Option<(usize, usize)>,
}

impl Run {
    fn next(&mut self, norm: &str) -> Option<(usize, usize, usize)> {
        let first = norm.get(self.at..)?.chars().next()?;
        if self.head {
            self.head = false;
            return Some((self.at, self.at + first.len_utf8(), self.base));
        }
        if let Some((from, slot)) = self.pending.take() {
            // The trigram from the last bigram's first character: its two characters and the
            // one after them.
            let mut ends = norm[from..].char_indices().map(|(i, c)| from + i + c.len_utf8());
            return Some((from, ends.nth(2)?, slot));
        }
        if self.done + 1 < self.len {
            let second = norm[self.at + first.len_utf8()..].chars().next()?;
            let from = self.at;
            self.at += first.len_utf8();
            self.done += 1;
            let slot = self.base + CHAR_SLOTS * (self.done - 1);
            if self.trigrams && self.done + 1 < self.len {
                self.pending = Some((from, slot));
            }
            return Some((from, self.at + second.len_utf8(), slot));
        }
        if self.tail {
            self.tail = false;
            return Some((self.at, self.end, self.base + CHAR_SLOTS * (self.len - 1)));
        }
        None
    }
}

/// A word's suffixes (longest first, the whole word included) and then its prefixes
/// (shortest first), each of at most [`MAX_AFFIX`] characters, emitted one at a time at the
/// word's slot.
#[derive(Debug, Clone)]
struct Affixes {
    from: usize,
    to: usize,
    slot: usize,
    /// Start of the next suffix; `to` once all are emitted.
    suffix_at: usize,
    /// End of the last prefix emitted.
    prefix_end: usize,
    prefixes: usize,
}

impl Affixes {
    fn new(norm: &str, from: usize, to: usize, slot: usize) -> Affixes {
        let word = &norm[from..to];
        let skip = word.chars().count().saturating_sub(MAX_AFFIX);
        let suffix_at = word.char_indices().nth(skip).map_or(to, |(i, _)| from + i);
        Affixes { from, to, slot, suffix_at, prefix_end: from, prefixes: 0 }
    }

    fn next(&mut self, norm: &str) -> Option<(usize, usize, usize, Kind)> {
        if self.suffix_at < self.to {
            let from = self.suffix_at;
            self.suffix_at += norm[from..].chars().next()?.len_utf8();
            return Some((from, self.to, self.slot, Kind::Suffix));
        }
        if self.prefix_end < self.to && self.prefixes < MAX_AFFIX {
            self.prefix_end += norm[self.prefix_end..].chars().next()?.len_utf8();
            self.prefixes += 1;
            return Some((self.from, self.prefix_end, self.slot, Kind::Prefix));
        }
        None
    }
}

/// True for a letter or digit outside the Han ranges: what a word is made of.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// The next token of `norm` as (byte range, position, kind), or `None` at the end. Tokens are
/// produced one at a time so the indexer can reuse one buffer: collecting every token of a
/// body as its own string first was a large share of indexing time.
pub fn next_token(norm: &str, cur: &mut Cursor) -> Option<(usize, usize, usize, Kind)> {
    if let Some(word) = &mut cur.word {
        if let Some(t) = word.next(norm) {
            return Some(t);
        }
        cur.word = None;
    }
    if let Some(run) = &mut cur.run {
        if let Some((from, to, slot)) = run.next(norm) {
            return Some((from, to, slot, Kind::Plain));
        }
        cur.slot = run.base + CHAR_SLOTS * (run.len - 1) + NEXT_ITEM;
        cur.at = run.end;
        cur.run = None;
    }
    loop {
        let start = cur.at;
        let c = norm.get(start..)?.chars().next()?;
        if is_han(c) || c.is_alphanumeric() {
            separate(cur);
        }
        if is_han(c) {
            let end = norm[start..].find(|x: char| !is_han(x)).map_or(norm.len(), |i| start + i);
            let len = norm[start..end].chars().count();
            let base = cur.slot;
            if len == 1 {
                // A lone Han character is a unigram.
                (cur.at, cur.slot) = (end, base + NEXT_ITEM);
                return Some((start, end, base, Kind::Plain));
            }
            let head = cur.extras && norm[..start].chars().next_back().is_some_and(is_word_char);
            let tail = cur.extras && norm[end..].chars().next().is_some_and(is_word_char);
            let mut run = Run { at: start, end, base, len, done: 0, head, tail, trigrams: cur.extras, pending: None };
            let first = run.next(norm);
            cur.run = Some(run);
            return first.map(|(from, to, slot)| (from, to, slot, Kind::Plain));
        }
        if c.is_alphanumeric() {
            let end = norm[start..].find(|x: char| !is_word_char(x)).map_or(norm.len(), |i| start + i);
            let slot = cur.slot;
            (cur.at, cur.slot) = (end, slot + NEXT_ITEM);
            if cur.extras && norm[start..end].chars().any(char::is_numeric) {
                cur.word = Some(Affixes::new(norm, start, end, slot));
            }
            return Some((start, end, slot, Kind::Plain));
        }
        cur.at = start + c.len_utf8();
        cur.sep = true;
    }
}

/// Before a run or word: a separator skipped since the previous one widens the gap by one
/// slot, so `12351热线` (nothing between) does not match the text `“12351”热线`, while a
/// quoted `"job fair"` still matches `job fair`.
fn separate(cur: &mut Cursor) {
    if std::mem::take(&mut cur.sep) && cur.slot > 0 {
        cur.slot += 1;
    }
}

fn collect(norm: &str, mut cur: Cursor) -> Vec<Token> {
    std::iter::from_fn(|| next_token(norm, &mut cur))
        .map(|(from, to, position, kind)| {
            let mut text = String::new();
            write_token(norm, from, to, kind, &mut text);
            Token { text, position, from, to }
        })
        .collect()
}

/// Query tokens of already-normalised text.
pub fn tokens_of_normalized(norm: &str) -> Vec<Token> {
    collect(norm, Cursor::default())
}

/// Index tokens of already-normalised text: the query tokens plus the boundary unigrams, the
/// trigrams and the word affixes.
pub fn index_tokens_of_normalized(norm: &str) -> Vec<Token> {
    collect(norm, Cursor::index())
}

/// The query token texts of `text`.
pub fn tokenize(text: &str) -> Vec<String> {
    tokens_of_normalized(&normalize(text)).into_iter().map(|t| t.text).collect()
}

/// The index token texts of `text`, as tantivy indexes them.
pub fn tokenize_index(text: &str) -> Vec<String> {
    index_tokens_of_normalized(&normalize(text)).into_iter().map(|t| t.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_path_normalises_like_the_general_one() {
        let general = |s: &str| s.nfkc().collect::<String>().to_lowercase().chars().map(fold).collect::<String>();
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
        assert_eq!(tokenize("勞動者"), ["劳动", "动者"]);
    }

    fn positioned(tokens: Vec<Token>) -> Vec<(String, usize)> {
        tokens.into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn positions_leave_a_gap_between_runs_and_words() {
        let got = positioned(tokens_of_normalized(&normalize("户外。外劳动 job fair新")));
        // Two slots a character; the next item 4 after the last character or a word, 5 after
        // a separator: 。 and the spaces are, fair→新 touch.
        let want = [("户外", 0), ("外劳", 7), ("劳动", 9), ("job", 16), ("fair", 21), ("新", 25)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
    }

    #[test]
    fn the_index_adds_unigrams_at_run_boundaries_next_to_words() {
        let norm = normalize("举办第30批次");
        assert_eq!(tokenize("举办第30批次"), ["举办", "办第", "30", "批次"]);
        let got = positioned(index_tokens_of_normalized(&norm));
        let want = [
            ("举办", 0),
            ("举办第", 0),
            ("办第", 2),
            ("第", 4),
            ("30", 8),
            ("~30", 8),
            ("~0", 8),
            ("3~", 8),
            ("30~", 8),
            ("批", 12),
            ("批次", 12),
        ];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
        // Both unigrams of a two-character run between words, each at its own slot.
        let got = positioned(index_tokens_of_normalized(&normalize("9月份4")));
        let want =
            [("9", 0), ("~9", 0), ("9~", 0), ("月", 4), ("月份", 4), ("份", 6), ("4", 10), ("~4", 10), ("4~", 10)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
        // Every trigram of a run, right after the bigram at its slot.
        let got = positioned(index_tokens_of_normalized(&normalize("户外劳动者")));
        let want = [("户外", 0), ("户外劳", 0), ("外劳", 2), ("外劳动", 2), ("劳动", 4), ("劳动者", 4), ("动者", 6)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
        // Punctuation is not a word: no unigrams.
        assert_eq!(
            tokenize_index("2024，年底"),
            ["2024", "~2024", "~024", "~24", "~4", "2~", "20~", "202~", "2024~", "年底"]
        );
    }

    #[test]
    fn the_index_holds_word_affixes_of_at_most_max_affix_characters() {
        let long = format!("{}{}", "a".repeat(MAX_AFFIX), "b2");
        let got = tokenize_index(&long);
        assert_eq!(got.len(), 1 + 2 * MAX_AFFIX);
        assert_eq!(got[0], long);
        // The longest suffix skips the first two characters; the longest prefix the last two.
        assert_eq!(got[1], format!("~{}", &long[2..]));
        assert_eq!(got[MAX_AFFIX], "~2");
        assert_eq!(got[MAX_AFFIX + 1], "a~");
        assert_eq!(got[2 * MAX_AFFIX], format!("{}~", &long[..MAX_AFFIX]));
        // Letters of other scripts are words too; affixes cut at characters, not bytes.
        assert_eq!(tokenize_index("été2"), ["été2", "~été2", "~té2", "~é2", "~2", "é~", "ét~", "été~", "été2~"]);
        // A word without a digit has none.
        assert_eq!(tokenize_index("app 专家"), ["app", "专家"]);
        // The query side never emits them.
        assert_eq!(tokenize("第172个"), ["第", "172", "个"]);
    }
}
