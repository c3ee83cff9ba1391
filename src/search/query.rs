//! Query semantics, shared in spirit with the browser client: space-separated clauses are
//! ANDed; a clause is matched as a contiguous string (its tokens as a phrase at their
//! positions, so 户外劳动者 finds exactly the texts containing 户外劳动者, and 2024年 the texts
//! containing 2024年); `"quoted phrases"` keep their spaces; `-clause` excludes. Ranking is
//! BM25 with the title counting double, times each page's recency factor
//! ([`super::recency`]); equal scores go to the newest page. `--section news` includes the
//! sub-sections of `news`.
//!
//! **Phrase covers.** A Han run of three or more characters is matched by the index's
//! trigrams (see `tokenize.rs`) at offsets 0, 3, 6, … and the last one, at their query
//! positions (see [`cover`]): two trigrams at most 3 characters apart belong to one run of
//! the text, so these pin every character and the phrase stays exact. A trigram is much rarer
//! than the bigrams in it, so the postings a phrase needs (each term is a shard the browser
//! downloads) are about those of its rarest parts, and a 10-character phrase looks up 4
//! terms instead of 9. A run of three is a single term, which needs no positions at all.
//! The score is tantivy's phrase BM25 over the terms used.
//!
//! **Word affixes.** A clause's first word is looked up as a suffix and its last as a prefix
//! when they hold a digit ([`mark_affixes`]), so `72个` finds `172个` as a substring search
//! should.

use super::index::{Fields, open, stored_text};
use super::tokenize::{AFFIX_MARK, MAX_AFFIX, Token, has_affixes, normalize, tokenize, tokens_of_normalized};
use crate::paths::is_han;
use std::path::Path;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocId, Score, SegmentReader, TantivyDocument, Term};

/// How much a title match outweighs a body match.
pub const TITLE_BOOST: f32 = 2.0;

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The text as typed (inside quotes for a phrase).
    pub text: String,
    /// `-clause`.
    pub negated: bool,
}

/// Splits a query into clauses: whitespace separates, double quotes group, a leading `-`
/// negates. Clauses with no tokens (punctuation only) are dropped.
pub fn parse(q: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            negated = true;
            chars.next();
        }
        let mut text = String::new();
        if chars.peek() == Some(&'"') || chars.peek() == Some(&'“') {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' || c == '”' {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        if !tokenize(&text).is_empty() {
            out.push(Clause { text, negated });
        }
    }
    out
}

/// The terms a clause is matched by, with their positions in the clause: its query tokens,
/// [`cover`]ed, the words at its ends looked up as affixes ([`mark_affixes`]).
pub fn clause_terms(clause: &str) -> Vec<(usize, String)> {
    let norm = normalize(clause);
    let tokens = tokens_of_normalized(&norm);
    let open = (tokens.first().is_some_and(|t| t.from == 0), tokens.last().is_some_and(|t| t.to == norm.len()));
    let mut terms = cover(&tokens);
    mark_affixes(&mut terms, open);
    terms
}

/// `tokens` with each Han run of three or more characters (two or more consecutive bigrams)
/// replaced by its trigrams at offsets 0, 3, 6, … and the last one. Consecutive kept trigrams
/// start at most 3 characters apart, so in a matching text they lie in one run and, with the
/// first and the last, pin every character of it.
pub fn cover(tokens: &[Token]) -> Vec<(usize, String)> {
    let bigram = |t: &Token| {
        let mut c = t.text.chars();
        matches!((c.next(), c.next(), c.next()), (Some(a), Some(b), None) if is_han(a) && is_han(b))
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i + 1;
        if bigram(&tokens[i]) {
            while j < tokens.len()
                && bigram(&tokens[j])
                && tokens[j].position == tokens[j - 1].position + super::tokenize::CHAR_SLOTS
            {
                j += 1;
            }
        }
        let run = &tokens[i..j];
        if run.len() < 2 {
            out.extend(run.iter().map(|t| (t.position, t.text.clone())));
        } else {
            // Trigram k: bigram k and the second character of bigram k + 1.
            let trigram = |k: usize| {
                let mut text = run[k].text.clone();
                text.extend(run[k + 1].text.chars().nth(1));
                (run[k].position, text)
            };
            let last = run.len() - 2;
            out.extend((0..=last).step_by(3).map(trigram));
            if !last.is_multiple_of(3) {
                out.push(trigram(last));
            }
        }
        i = j;
    }
    out
}

/// Of a clause of more than one term, the first term as a suffix (`~72`) and the last as a
/// prefix (`30~`) when they are words holding a digit, of at most [`MAX_AFFIX`] characters,
/// and `open` says nothing separates them from the clause's start and end: the clause `72个`
/// occurs in `172个` and `第30` in `第300批`, while `《72》个` needs the 72 to start a word
/// (see `tokenize.rs`, word affixes). A word between other terms stays whole.
fn mark_affixes(terms: &mut [(usize, String)], open: (bool, bool)) {
    let affix = |t: &str| has_affixes(t) && t.chars().count() <= MAX_AFFIX;
    if terms.len() < 2 {
        return;
    }
    if let Some((_, t)) = terms.first_mut().filter(|(_, t)| open.0 && affix(t)) {
        t.insert(0, AFFIX_MARK);
    }
    if let Some((_, t)) = terms.last_mut().filter(|(_, t)| open.1 && affix(t)) {
        t.push(AFFIX_MARK);
    }
}

/// The query matching one clause in one field.
fn clause_in_field(clause: &str, field: Field) -> Box<dyn Query> {
    let tokens = tokenize(clause);
    let norm = normalize(clause);
    let han: Vec<char> = norm.chars().filter(|c| is_han(*c)).collect();
    if tokens.len() == 1 && han.len() == 1 && norm.chars().filter(|c| c.is_alphanumeric()).count() == 1 {
        // A single Han character is indexed inside bigrams; match any term holding it.
        let c = regex_escape(han[0]);
        if let Ok(q) = RegexQuery::from_pattern(&format!("{c}|{c}.|.{c}"), field) {
            return Box::new(q);
        }
    }
    let mut terms: Vec<(usize, Term)> =
        clause_terms(clause).into_iter().map(|(p, t)| (p, Term::from_field_text(field, &t))).collect();
    match terms.len() {
        0 => Box::new(EmptyQuery),
        1 => Box::new(TermQuery::new(terms.remove(0).1, IndexRecordOption::WithFreqs)),
        _ => Box::new(PhraseQuery::new_with_offset(terms)),
    }
}

fn regex_escape(c: char) -> String {
    if c.is_alphanumeric() { c.to_string() } else { format!("\\{c}") }
}

/// The query matching a clause in the title (boosted), body or tags.
pub fn clause_query(clause: &str, f: &Fields) -> Box<dyn Query> {
    let title: Box<dyn Query> = Box::new(BoostQuery::new(clause_in_field(clause, f.title), TITLE_BOOST));
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, title),
        (Occur::Should, clause_in_field(clause, f.body)),
        (Occur::Should, clause_in_field(clause, f.tags)),
    ]))
}

/// Builds the whole query; `None` when nothing positive was asked for.
pub fn build(q: &str, section: Option<&str>, f: &Fields) -> Option<Box<dyn Query>> {
    let clauses = parse(q);
    if !clauses.iter().any(|c| !c.negated) {
        return None;
    }
    let mut parts: Vec<(Occur, Box<dyn Query>)> = clauses
        .iter()
        .map(|c| (if c.negated { Occur::MustNot } else { Occur::Must }, clause_query(&c.text, f)))
        .collect();
    if let Some(s) = section {
        // Every page carries the keys of its section and the enclosing ones.
        let term = Term::from_field_text(f.sections.unwrap_or(f.section), s.trim_matches('/'));
        // A filter, not a scoring clause: adding exactly 0 keeps the scores (and the order of
        // ties) equal to those of the browser client, which filters after ranking.
        let filter = TermQuery::new(term, IndexRecordOption::Basic);
        parts.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(filter), 0.0))));
    }
    Some(Box::new(BooleanQuery::new(parts)))
}

/// One result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Doc number.
    pub id: u64,
    /// URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Section key.
    pub section: String,
    /// Unix seconds (0 when undated).
    pub date: i64,
    /// BM25 score times the recency factor.
    pub score: f32,
}

/// Runs `q` against the index in `dir`.
pub fn search(dir: &Path, q: &str, section: Option<&str>, limit: usize) -> Result<Vec<Hit>, String> {
    let (index, f) = open(dir).map_err(|e| format!("cannot open the search index at `{}`: {e}", dir.display()))?;
    let Some(query) = build(q, section, &f) else {
        return Ok(Vec::new());
    };
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let collector = tantivy::collector::TopDocs::with_limit(limit.max(1)).tweak_score(move |seg: &SegmentReader| {
        let nums = seg.fast_fields().u64("num").ok().map(|c| c.first_or_default_col(0));
        // An index written before the recency factor existed ranks by BM25 alone.
        let boosts = seg.fast_fields().f64("boost").ok().map(|c| c.first_or_default_col(1.0));
        move |doc: DocId, score: Score| {
            let boost = boosts.as_ref().map(|c| c.get_val(doc) as f32).unwrap_or(1.0);
            (score * boost, nums.as_ref().map(|c| c.get_val(doc)).unwrap_or(0))
        }
    });
    let top = searcher.search(query.as_ref(), &collector).map_err(|e| e.to_string())?;
    let mut hits = Vec::new();
    for ((score, id), addr) in top {
        let doc: TantivyDocument = searcher.doc(addr).map_err(|e| e.to_string())?;
        hits.push(Hit {
            id,
            url: stored_text(&doc, f.url),
            title: stored_text(&doc, f.title),
            section: stored_text(&doc, f.section),
            date: doc.get_first(f.date).and_then(|v| v.as_i64()).unwrap_or(0),
            score,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses() {
        let c = parse(r#"户外劳动者 -快递 "job fair" ，"#);
        assert_eq!(
            c,
            vec![
                Clause { text: "户外劳动者".into(), negated: false },
                Clause { text: "快递".into(), negated: true },
                Clause { text: "job fair".into(), negated: false },
            ]
        );
    }

    #[test]
    fn han_runs_of_three_or_more_are_covered_by_every_third_trigram_and_the_last() {
        let terms = |q: &str| clause_terms(q).into_iter().map(|(p, t)| format!("{t}@{p}")).collect::<Vec<_>>();
        assert_eq!(terms("户外"), ["户外@0"]);
        assert_eq!(terms("劳动者"), ["劳动者@0"]);
        assert_eq!(terms("户外劳动"), ["户外劳@0", "外劳动@2"]);
        assert_eq!(terms("户外劳动者"), ["户外劳@0", "劳动者@4"]);
        assert_eq!(terms("户外劳动者服"), ["户外劳@0", "动者服@6"]);
        assert_eq!(terms("户外劳动者服务站点"), ["户外劳@0", "动者服@6", "务站点@12"]);
        assert_eq!(terms("户外劳动者服务站点建"), ["户外劳@0", "动者服@6", "务站点@12", "站点建@14"]);
        // Each run on its own; words and unigrams stay.
        assert_eq!(terms("亮牌管理2.0版"), ["亮牌管@0", "牌管理@2", "2@10", "0@15", "版@19"]);
        assert_eq!(terms("就业服务 12351"), ["就业服@0", "业服务@2", "12351~@11"]);
        assert_eq!(terms("就业 服务"), ["就业@0", "服务@7"]);
    }

    #[test]
    fn a_clause_looks_up_its_first_word_as_a_suffix_and_its_last_as_a_prefix() {
        let terms = |q: &str| clause_terms(q).into_iter().map(|(p, t)| format!("{t}@{p}")).collect::<Vec<_>>();
        assert_eq!(terms("72个"), ["~72@0", "个@4"]);
        assert_eq!(terms("第30"), ["第@0", "30~@4"]);
        assert_eq!(terms("9.8亿元"), ["~9@0", "8@5", "亿元@9"]);
        assert_eq!(terms("2024 72"), ["~2024@0", "72~@5"]);
        // A word between other terms, or alone, stays whole.
        assert_eq!(terms("第72个"), ["第@0", "72@4", "个@8"]);
        assert_eq!(terms("72"), ["72@0"]);
        // Longer than any affix the index holds, without a digit, or behind punctuation: whole.
        let long = "1".repeat(MAX_AFFIX + 1);
        assert_eq!(terms(&format!("{long}年")), [format!("{long}@0"), "年@4".to_string()]);
        assert_eq!(terms("ai专家"), ["ai@0", "专家@4"]);
        assert_eq!(terms("《72》个"), ["72@0", "个@5"]);
        assert_eq!(terms("第(30)"), ["第@0", "30@5"]);
    }
}
