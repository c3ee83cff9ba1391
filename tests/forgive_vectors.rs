//! Excerpts, suggestions and partial-match terms against `tests/data/forgive-vectors.json`, the
//! cases shared with the browser (`search-excerpt.js` and `search-suggest.js`, checked by
//! `tests/js/forgive.test.mjs`): both sides must give exactly the listed output.

use gazette::search::excerpt::{body_text, collapse, excerpt, needles, opening};
use gazette::search::forgive::partial_terms;
use gazette::search::query::parse;
use gazette::search::suggest::{Vocab, one_edit, pinyin_of};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Vectors {
    excerpts: Vec<ExcerptCase>,
    vocab: Vocab,
    clauses: Vec<ClauseCase>,
    queries: Vec<QueryCase>,
    partial_terms: Vec<TermsCase>,
    one_edit: Vec<(String, String, bool)>,
}

#[derive(Deserialize)]
struct ExcerptCase {
    name: String,
    title: String,
    /// Pieces of the body as (text, times repeated).
    body: Vec<(String, usize)>,
    query: String,
    expect: String,
}

#[derive(Deserialize)]
struct ClauseCase {
    clause: String,
    expect: Vec<String>,
}

#[derive(Deserialize)]
struct QueryCase {
    query: String,
    matched: Vec<bool>,
    expect: Vec<String>,
}

#[derive(Deserialize)]
struct TermsCase {
    query: String,
    expect: Vec<String>,
}

fn vectors() -> Vectors {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/forgive-vectors.json");
    let text = std::fs::read_to_string(&path).expect("read forgive vectors");
    serde_json::from_str(&text).expect("parse forgive vectors")
}

#[test]
fn excerpts_match_the_vectors() {
    let v = vectors();
    assert!(v.excerpts.len() >= 12);
    let mut failures = Vec::new();
    for c in &v.excerpts {
        let text = collapse(&c.body.iter().map(|(t, n)| t.repeat(*n)).collect::<String>());
        let body = body_text(&text);
        let got = excerpt(&c.title, &opening(&text), body.as_deref(), &needles(&c.query));
        if got != c.expect {
            failures.push(format!("{}\n  expected {:?}\n  got      {:?}", c.name, c.expect, got));
        }
    }
    assert!(failures.is_empty(), "{} excerpt(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_vectors_pinyin_is_the_crates() {
    let v = vectors();
    for (c, p) in &v.vocab.pinyin {
        assert_eq!(pinyin_of(*c).as_ref(), Some(p), "{c}");
    }
    let chars: std::collections::BTreeSet<char> =
        v.vocab.entries.iter().flat_map(|(t, _)| t.chars()).filter(|c| gazette::paths::is_han(*c)).collect();
    assert_eq!(chars, v.vocab.pinyin.keys().copied().collect());
}

#[test]
fn suggestions_match_the_vectors() {
    let v = vectors();
    let mut failures = Vec::new();
    for c in &v.clauses {
        let got = v.vocab.suggest_clause(&c.clause);
        if got != c.expect {
            failures.push(format!("clause {:?}: expected {:?} got {:?}", c.clause, c.expect, got));
        }
    }
    for q in &v.queries {
        let got = v.vocab.suggest(&parse(&q.query), &q.matched);
        if got != q.expect {
            failures.push(format!("query {:?}: expected {:?} got {:?}", q.query, q.expect, got));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn partial_terms_and_edits_match_the_vectors() {
    let v = vectors();
    for t in &v.partial_terms {
        assert_eq!(partial_terms(&parse(&t.query)), t.expect, "{}", t.query);
    }
    for (a, b, yes) in &v.one_edit {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        assert_eq!(one_edit(&a, &b), *yes, "{a:?} {b:?}");
    }
}
