//! What `gazette search` answers, beyond the ranked hits of [`query::search`]: each result's
//! query-aware excerpt ([`super::excerpt`]) and, when nothing matches exactly, suggestions
//! ([`super::suggest`]) and partial matches (部分匹配). The browser client answers the same
//! (`themes/default/static/js/search.js` with `search-suggest.js` and `search-excerpt.js`).
//!
//! **Partial matches** are the pages holding at least half of the query's distinct terms
//! ([`partial_terms`]: the Han character pairs and the words of letters or digits of its
//! positive clauses), most terms first, then by the sum of those terms' BM25 scores (each the
//! score the term would have as a one-term query, summed in the query's order in 32-bit
//! floats), then newest. Pages matching an excluded clause, or outside the section asked
//! for, are left out. They are never mixed into the exact results: they come only when there
//! are none, in a list of their own.

use super::excerpt::{self, needles};
use super::index::{Fields, open, stored_text};
use super::query::{self, Clause, Hit, TITLE_BOOST, clause_query, parse};
use super::suggest::{self, Vocab};
use super::tokenize::tokenize;
use crate::paths::is_han;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tantivy::collector::Count;
use tantivy::query::{EnableScoring, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, TERMINATED, TantivyDocument, Term};

/// One result as shown: the hit and its excerpt; for a partial match, how many of the query's
/// terms it holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Shown {
    /// The hit (for a partial match, `score` is the sum of its terms' scores).
    #[serde(flatten)]
    pub hit: Hit,
    /// The query-aware excerpt.
    pub excerpt: String,
    /// Terms of the query the page holds (partial matches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<usize>,
}

/// The whole answer to a query.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Answer {
    /// Exact results, best first.
    pub results: Vec<Shown>,
    /// Suggested queries, when there are no exact results.
    pub suggestions: Vec<String>,
    /// Partial matches, when there are no exact results.
    pub partial: Vec<Shown>,
}

/// Answers `q` from the index in `dir`: the exact results with excerpts and, when there are
/// none, suggestions and partial matches.
pub fn answer(dir: &Path, q: &str, section: Option<&str>, limit: usize) -> Result<Answer, String> {
    let hits = query::search(dir, q, section, limit)?;
    let (index, f) = open(dir).map_err(|e| format!("cannot open the search index at `{}`: {e}", dir.display()))?;
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let exact = needles(q);
    let mut out = Answer::default();
    for hit in hits {
        out.results.push(shown(&searcher, &f, hit, &exact, None)?);
    }
    let clauses = parse(q);
    if !out.results.is_empty() || !clauses.iter().any(|c| !c.negated) {
        return Ok(out);
    }
    let mut matched = Vec::with_capacity(clauses.len());
    for c in &clauses {
        matched.push(!c.negated && count(&searcher, clause_query(&c.text, &f).as_ref())? > 0);
    }
    if clauses.iter().zip(&matched).any(|(c, m)| !c.negated && !m) {
        let path = dir.join(suggest::FILE);
        let vocab = match std::fs::read(&path) {
            Ok(bytes) => Vocab::from_json(&bytes).map_err(|e| format!("{}: {e}", path.display()))?,
            // An index written before suggestions existed.
            Err(_) => Vocab::default(),
        };
        out.suggestions = vocab.suggest(&clauses, &matched);
    }
    let terms = partial_terms(&clauses);
    for (hit, n) in partial(&searcher, &f, &clauses, &terms, section, limit)? {
        out.partial.push(shown(&searcher, &f, hit, &terms, Some(n))?);
    }
    Ok(out)
}

/// The terms partial matches count: the distinct tokens of the positive clauses, in order,
/// less single Han characters (they match almost everything).
pub fn partial_terms(clauses: &[Clause]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in clauses.iter().filter(|c| !c.negated) {
        for t in tokenize(&c.text) {
            let mut chars = t.chars();
            let lone_han = chars.next().is_some_and(is_han) && chars.next().is_none();
            if !lone_han && !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// The fewest terms a partial match holds: half of them, rounded up.
pub fn partial_threshold(terms: usize) -> usize {
    terms.div_ceil(2).max(1)
}

/// The partial matches, best first, with the number of terms each holds.
fn partial(
    searcher: &Searcher,
    f: &Fields,
    clauses: &[Clause],
    terms: &[String],
    section: Option<&str>,
    limit: usize,
) -> Result<Vec<(Hit, usize)>, String> {
    let mut found: HashMap<u64, (usize, f32)> = HashMap::new();
    for term in terms {
        for (num, score) in term_scores(searcher, f, term)? {
            let e = found.entry(num).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += score;
        }
    }
    let mut excluded: HashSet<u64> = HashSet::new();
    for c in clauses.iter().filter(|c| c.negated) {
        excluded.extend(docs(searcher, clause_query(&c.text, f).as_ref())?);
    }
    let allowed = match section {
        Some(s) => {
            // A section includes its sub-sections, as in `query::build`.
            let field = f.sections.unwrap_or(f.section);
            let q = TermQuery::new(Term::from_field_text(field, s.trim_matches('/')), IndexRecordOption::Basic);
            Some(docs(searcher, &q)?)
        }
        None => None,
    };
    let least = partial_threshold(terms.len());
    let mut ranked: Vec<(u64, usize, f32)> = found
        .into_iter()
        .filter(|(num, (n, _))| {
            *n >= least && !excluded.contains(num) && allowed.as_ref().is_none_or(|a| a.contains(num))
        })
        .map(|(num, (n, s))| (num, n, s))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(b.0.cmp(&a.0)));
    ranked.truncate(limit.max(1));
    let mut out = Vec::with_capacity(ranked.len());
    for (num, n, score) in ranked {
        let doc = by_num(searcher, f, num)?;
        out.push((hit_of(f, &doc, num, score), n));
    }
    Ok(out)
}

/// Per doc number, the score `term` would have as a one-term query: title (boosted), body and
/// tags added in that order, like the browser client.
fn term_scores(searcher: &Searcher, f: &Fields, term: &str) -> Result<HashMap<u64, f32>, String> {
    let mut scores: HashMap<u64, f32> = HashMap::new();
    for (field, boost) in [(f.title, TITLE_BOOST), (f.body, 1.0), (f.tags, 1.0)] {
        let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
        each(searcher, &q, boost, |num, s| *scores.entry(num).or_insert(0.0) += s)?;
    }
    Ok(scores)
}

/// Calls `f(doc number, score)` for every live document `q` matches.
fn each(searcher: &Searcher, q: &dyn Query, boost: f32, mut f: impl FnMut(u64, f32)) -> Result<(), String> {
    let err = |e: tantivy::TantivyError| e.to_string();
    let weight = q.weight(EnableScoring::enabled_from_searcher(searcher)).map_err(err)?;
    for seg in searcher.segment_readers() {
        let nums = seg.fast_fields().u64("num").map_err(err)?.first_or_default_col(0);
        let alive = seg.alive_bitset();
        let mut scorer = weight.scorer(seg, boost).map_err(err)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                f(nums.get_val(doc), scorer.score());
            }
            doc = scorer.advance();
        }
    }
    Ok(())
}

/// The doc numbers `q` matches.
fn docs(searcher: &Searcher, q: &dyn Query) -> Result<HashSet<u64>, String> {
    let mut out = HashSet::new();
    each(searcher, q, 1.0, |num, _| {
        out.insert(num);
    })?;
    Ok(out)
}

fn count(searcher: &Searcher, q: &dyn Query) -> Result<usize, String> {
    searcher.search(q, &Count).map_err(|e| e.to_string())
}

/// The stored document numbered `num`.
fn by_num(searcher: &Searcher, f: &Fields, num: u64) -> Result<TantivyDocument, String> {
    let q = TermQuery::new(Term::from_field_u64(f.num, num), IndexRecordOption::Basic);
    let found = searcher.search(&q, &tantivy::collector::DocSetCollector).map_err(|e| e.to_string())?;
    let addr = found.into_iter().next().ok_or_else(|| format!("the search index has no document {num}"))?;
    searcher.doc(addr).map_err(|e| e.to_string())
}

fn hit_of(f: &Fields, doc: &TantivyDocument, id: u64, score: f32) -> Hit {
    use tantivy::schema::Value;
    Hit {
        id,
        url: stored_text(doc, f.url),
        title: stored_text(doc, f.title),
        section: stored_text(doc, f.section),
        date: doc.get_first(f.date).and_then(|v| v.as_i64()).unwrap_or(0),
        score,
    }
}

/// A hit with its excerpt, from the stored body.
fn shown(
    searcher: &Searcher,
    f: &Fields,
    hit: Hit,
    needles: &[String],
    matched: Option<usize>,
) -> Result<Shown, String> {
    let doc = by_num(searcher, f, hit.id)?;
    let text = excerpt::collapse(&stored_text(&doc, f.body));
    let body = excerpt::body_text(&text);
    let excerpt = excerpt::excerpt(&hit.title, &excerpt::opening(&text), body.as_deref(), needles);
    Ok(Shown { hit, excerpt, matched })
}
