//! "Did you mean" (您要找的是不是…) for queries that match nothing: suggestions drawn from the
//! site's own vocabulary, for pinyin typed instead of characters and for Chinese one
//! character off. Mirrored rule for rule by `themes/default/static/js/search-suggest.js`;
//! `tests/data/forgive-vectors.json` pins both.
//!
//! **The vocabulary** ([`Vocab::build`]) holds the tags, the section titles and the runs of
//! 2–[`MAX_GRAM`] Han characters that occur in at least two titles, each weighted by the number
//! of pages carrying it. A run that only ever occurs inside one longer run (户外劳 in titles that
//! all say 户外劳动者) is left out: it is a fragment of that run, and fragments would crowd the
//! list and the suggestions.
//! The list keeps the [`MAX_ENTRIES`] heaviest entries (then the shortest, then code-point
//! order), so its size is bounded whatever the archive's size. It is written as
//! `vocab.json` into the index folder (for `gazette search`) and, gzip'd, as
//! `search/vocab.<fnv64>.json` (for the browser, fetched only when a query finds nothing), with
//! the toneless pinyin of each of its Han characters (first reading, `ü` written `v`) so the
//! client needs no pinyin table of its own.
//!
//! **The rules**, per query clause that finds nothing on its own:
//! - a clause of ASCII letters (spaces and apostrophes ignored) suggests the entries whose
//!   pinyin key equals it or, from [`PREFIX_LETTERS`] letters on, starts with it
//!   (`laodongzhe` → 劳动者, `jiuye` → 就业);
//! - a clause with Han characters suggests the entries one edit away (one character
//!   substituted, inserted, deleted, or two neighbours swapped), both sides normalised like
//!   the tokenizer (`户外劳者` → 户外劳动者, `亮派管理` → 亮牌管理);
//! - at most [`MAX_SUGGESTIONS`], heaviest first, then shortest, then in code-point order.
//!
//! A query of several clauses keeps the clauses that match and replaces each of the others
//! by its suggestions; when one of those has none, there is no suggestion.

use super::index::SearchDoc;
use super::query::Clause;
use super::tokenize::normalize;
use crate::paths::is_han;
use std::collections::{BTreeMap, HashMap};

/// Longest title run counted, in characters.
pub const MAX_GRAM: usize = 8;
/// Entries kept: about 40 KB gzip'd with the pinyin of their characters.
pub const MAX_ENTRIES: usize = 5000;
/// Suggestions shown at most.
pub const MAX_SUGGESTIONS: usize = 3;
/// From this many letters on, pinyin also matches the start of a longer entry's key.
pub const PREFIX_LETTERS: usize = 4;
/// Name of the vocabulary in the index folder.
pub const FILE: &str = "vocab.json";

/// The site's vocabulary: entries as (text, weight), and the pinyin of their Han characters.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Vocab {
    /// Toneless pinyin per Han character of the entries.
    pub pinyin: BTreeMap<char, String>,
    /// (text, number of pages), in code-point order of the text (close texts compress well).
    pub entries: Vec<(String, u32)>,
}

impl Vocab {
    /// The vocabulary of `docs`.
    pub fn build(docs: &[SearchDoc]) -> Vocab {
        let mut weight: HashMap<String, u32> = HashMap::new();
        let mut add = |text: &str, w: u32| {
            let e = weight.entry(text.to_string()).or_default();
            *e = (*e).max(w);
        };
        let mut tags: BTreeMap<&str, u32> = BTreeMap::new();
        let mut sections: BTreeMap<&str, u32> = BTreeMap::new();
        for d in docs {
            let mut own: Vec<&str> = d.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
            own.sort_unstable();
            own.dedup();
            for t in own {
                *tags.entry(t).or_default() += 1;
            }
            if !d.section_title.trim().is_empty() {
                *sections.entry(d.section_title.trim()).or_default() += 1;
            }
        }
        for (t, w) in tags.into_iter().chain(sections) {
            add(t, w);
        }
        for (gram, w) in title_grams(docs) {
            add(&gram, w);
        }
        let mut entries: Vec<(String, u32)> = weight.into_iter().collect();
        entries.sort_by(rank);
        entries.truncate(MAX_ENTRIES);
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut pinyin = BTreeMap::new();
        for c in entries.iter().flat_map(|(t, _)| normalize(t).chars().collect::<Vec<_>>()) {
            if let Some(p) = pinyin_of(c) {
                pinyin.entry(c).or_insert(p);
            }
        }
        Vocab { pinyin, entries }
    }

    /// The JSON written to the index folder and (gzip'd) to the output.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Reads [`Vocab::to_json`]'s output.
    pub fn from_json(bytes: &[u8]) -> Result<Vocab, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("cannot read the search vocabulary: {e}"))
    }

    /// The pinyin key of `text`: per character of its normalised form, a Han character's
    /// pinyin, an ASCII letter or digit itself; other characters add nothing. `None` when a
    /// Han character has no pinyin here.
    pub fn key(&self, text: &str) -> Option<String> {
        let mut key = String::new();
        for c in normalize(text).chars() {
            if is_han(c) {
                key.push_str(self.pinyin.get(&c)?);
            } else if c.is_ascii_alphanumeric() {
                key.push(c);
            }
        }
        Some(key)
    }

    /// The suggestions for one clause, best first (see the module's rules).
    pub fn suggest_clause(&self, clause: &str) -> Vec<String> {
        let norm = normalize(clause);
        let letters: String = norm.chars().filter(|c| !matches!(c, ' ' | '\'' | '\u{2019}')).collect();
        let mut found: Vec<(String, u32)> = Vec::new();
        if !letters.is_empty() && letters.chars().all(|c| c.is_ascii_lowercase()) {
            for (text, w) in &self.entries {
                let Some(key) = self.key(text) else { continue };
                if key == letters || (letters.len() >= PREFIX_LETTERS && key.starts_with(&letters)) {
                    found.push((text.clone(), *w));
                }
            }
        } else if norm.chars().any(is_han) {
            let typed: Vec<char> = norm.chars().collect();
            for (text, w) in &self.entries {
                let have: Vec<char> = normalize(text).chars().collect();
                if one_edit(&typed, &have) {
                    found.push((text.clone(), *w));
                }
            }
        }
        found.sort_by(rank);
        found.into_iter().take(MAX_SUGGESTIONS).map(|(t, _)| t).collect()
    }

    /// The suggested queries for `clauses`, given which of them match something on their own
    /// (`matched[i]` for `clauses[i]`; negated clauses are kept as typed).
    pub fn suggest(&self, clauses: &[Clause], matched: &[bool]) -> Vec<String> {
        let mut options: Vec<Vec<String>> = Vec::with_capacity(clauses.len());
        let mut replaced = false;
        for (c, m) in clauses.iter().zip(matched) {
            if c.negated || *m {
                options.push(vec![clause_text(&c.text, c.negated)]);
                continue;
            }
            let found = self.suggest_clause(&c.text);
            if found.is_empty() {
                return Vec::new();
            }
            replaced = true;
            options.push(found.iter().map(|t| clause_text(t, false)).collect());
        }
        if !replaced {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let most = options.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..most {
            let q = options.iter().map(|o| o[k.min(o.len() - 1)].as_str()).collect::<Vec<_>>().join(" ");
            if !out.contains(&q) {
                out.push(q);
            }
        }
        out
    }
}

/// Heaviest first, then shortest, then code-point order.
fn rank(a: &(String, u32), b: &(String, u32)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(a.0.chars().count().cmp(&b.0.chars().count())).then(a.0.cmp(&b.0))
}

/// A clause as typed in a query: quoted when it holds a space or could read as an exclusion
/// or a quote, `-` in front when negated.
fn clause_text(text: &str, negated: bool) -> String {
    let quote = text.chars().any(char::is_whitespace) || text.starts_with(['-', '"', '\u{201c}']);
    format!("{}{}", if negated { "-" } else { "" }, if quote { format!("\"{text}\"") } else { text.to_string() })
}

/// Toneless pinyin of a Han character, `ü` as `v` (what pinyin keyboards take).
pub fn pinyin_of(c: char) -> Option<String> {
    use pinyin::ToPinyin;
    if !is_han(c) {
        return None;
    }
    c.to_pinyin().map(|p| p.plain().replace('ü', "v"))
}

/// Runs of 2–[`MAX_GRAM`] Han characters in at least two titles, with the number of titles
/// holding each, less those always seen inside one longer run (on either side). Runs one
/// longer than [`MAX_GRAM`] are counted only to find the longest runs' enclosures: without
/// them, every eight characters of a long repeated title phrase stayed in the list.
fn title_grams(docs: &[SearchDoc]) -> Vec<(String, u32)> {
    let titles: Vec<Vec<char>> = docs.iter().map(|d| normalize(&d.title).chars().collect()).collect();
    let mut count: HashMap<&[char], u32> = HashMap::new();
    let mut own: Vec<&[char]> = Vec::new();
    for t in &titles {
        own.clear();
        for run in t.split(|c| !is_han(*c)) {
            for len in 2..=(MAX_GRAM + 1).min(run.len()) {
                own.extend(run.windows(len));
            }
        }
        own.sort_unstable();
        own.dedup();
        for g in &own {
            *count.entry(g).or_default() += 1;
        }
    }
    count.retain(|_, c| *c >= 2);
    // A run is enclosed on one side when a run one character longer on that side is in just
    // as many titles.
    let mut left: std::collections::HashSet<&[char]> = std::collections::HashSet::new();
    let mut right: std::collections::HashSet<&[char]> = std::collections::HashSet::new();
    for (g, c) in &count {
        if g.len() < 3 {
            continue;
        }
        if count.get(&g[1..]) == Some(c) {
            left.insert(&g[1..]);
        }
        if count.get(&g[..g.len() - 1]) == Some(c) {
            right.insert(&g[..g.len() - 1]);
        }
    }
    count
        .into_iter()
        .filter(|(g, _)| g.len() <= MAX_GRAM && !left.contains(g) && !right.contains(g))
        .map(|(g, c)| (g.iter().collect(), c))
        .collect()
}

/// True when `a` and `b` are exactly one edit apart: one character substituted, inserted or
/// deleted, or two neighbouring characters swapped.
pub fn one_edit(a: &[char], b: &[char]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if la == lb {
        if i == la {
            return false;
        }
        return a[i + 1..] == b[i + 1..]
            || (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]);
    }
    if la > lb { a[i + 1..] == b[i..] } else { a[i..] == b[i + 1..] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_apart() {
        let yes =
            [("户外劳者", "户外劳动者"), ("亮派管理", "亮牌管理"), ("劳动者", "劳者"), ("动劳者", "劳动者"), ("a", "")];
        for (a, b) in yes {
            assert!(one_edit(&chars(a), &chars(b)), "{a} {b}");
            assert!(one_edit(&chars(b), &chars(a)), "{b} {a}");
        }
        let no = [("劳动者", "劳动者"), ("劳", "劳动者"), ("者动劳", "劳动者"), ("亮派管里", "亮牌管理"), ("", "")];
        for (a, b) in no {
            assert!(!one_edit(&chars(a), &chars(b)), "{a} {b}");
        }
    }

    fn titled(titles: &[&str]) -> Vec<SearchDoc> {
        let doc = |(num, title): (usize, &&str)| SearchDoc {
            num: num as u64,
            url: format!("/{num}/"),
            title: title.to_string(),
            body: String::new(),
            tags: Vec::new(),
            section: String::new(),
            section_title: String::new(),
            date: 0,
            ymd: String::new(),
            ancestors: Vec::new(),
            boost: 1.0,
        };
        titles.iter().enumerate().map(doc).collect()
    }

    #[test]
    fn title_runs_are_kept_only_where_they_end() {
        let v = Vocab::build(&titled(&[
            "户外劳动者驿站开放",
            "户外劳动者服务站点",
            "宝鸡群众安全生产监督员上岗",
            "宝鸡群众安全生产监督员培训",
        ]));
        let texts: Vec<&str> = v.entries.iter().map(|e| e.0.as_str()).collect();
        // 户外劳动者 is followed by different characters; its pieces are not. The eleven
        // characters both inspector titles share are longer than a run kept, and no piece of
        // them ends anywhere but inside them.
        assert_eq!(texts, ["户外劳动者"]);
        assert_eq!(v.pinyin.keys().collect::<String>(), "动劳外户者", "code-point order");
    }

    #[test]
    fn pinyin_is_toneless_with_v_for_u_umlaut() {
        assert_eq!(pinyin_of('劳').as_deref(), Some("lao"));
        assert_eq!(pinyin_of('绿').as_deref(), Some("lv"));
        assert_eq!(pinyin_of('a'), None);
    }
}
