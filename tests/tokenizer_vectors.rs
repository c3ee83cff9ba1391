//! The search tokenizer against `tests/data/tokenizer-vectors.json`, the cases shared with
//! the browser tokenizer (`themes/default/static/js/gazette-tokenize.js`, checked by
//! `tests/js/tokenizer.test.mjs`): every input must give exactly the listed query tokens at
//! the listed positions, and the listed index tokens (`index`, as `[text, position]`; when
//! absent, the index tokens equal the query tokens).

use gazette::search::tokenize::{Token, index_tokens_of_normalized, normalize, tokenize, tokens_of_normalized};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Vector {
    input: String,
    tokens: Vec<String>,
    positions: Vec<usize>,
    index: Option<Vec<(String, usize)>>,
}

fn vectors() -> Vec<Vector> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tokenizer-vectors.json");
    let text = std::fs::read_to_string(&path).expect("read tokenizer vectors");
    let vectors: Vec<Vector> = serde_json::from_str(&text).expect("parse tokenizer vectors");
    assert!(vectors.len() >= 110, "only {} vectors", vectors.len());
    vectors
}

fn pairs(tokens: &[Token]) -> Vec<(String, usize)> {
    tokens.iter().map(|t| (t.text.clone(), t.position)).collect()
}

#[test]
fn tokens_match_the_vectors() {
    let failures: Vec<String> = vectors()
        .iter()
        .filter_map(|v| {
            let got = tokenize(&v.input);
            (got != v.tokens).then(|| format!("input {:?}\n  expected {:?}\n  got      {:?}", v.input, v.tokens, got))
        })
        .collect();
    assert!(failures.is_empty(), "{} vector(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn positions_and_index_tokens_match_the_vectors() {
    let mut failures = Vec::new();
    for v in vectors() {
        let norm = normalize(&v.input);
        let query = tokens_of_normalized(&norm);
        let positions: Vec<usize> = query.iter().map(|t| t.position).collect();
        if positions != v.positions {
            failures.push(format!("positions of {:?}: expected {:?} got {positions:?}", v.input, v.positions));
        }
        let want = v.index.clone().unwrap_or_else(|| v.tokens.iter().cloned().zip(v.positions.clone()).collect());
        let index = index_tokens_of_normalized(&norm);
        if pairs(&index) != want {
            failures.push(format!("index tokens of {:?}: expected {want:?} got {:?}", v.input, pairs(&index)));
        }
        for t in query.iter().chain(&index) {
            // A word affix is its range with the marker on one side.
            let bare = t.text.strip_prefix('~').or_else(|| t.text.strip_suffix('~')).unwrap_or(&t.text);
            assert_eq!(&norm[t.from..t.to], bare, "range of {:?} in {:?}", t.text, v.input);
        }
    }
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn bigrams_of_different_runs_are_at_least_6_apart() {
    // What phrase covers rely on: bigrams at most 4 apart belong to one run.
    for v in vectors() {
        let index = index_tokens_of_normalized(&normalize(&v.input));
        let bigrams: Vec<&Token> = index
            .iter()
            .filter(|t| t.text.chars().count() == 2 && t.text.chars().all(gazette::paths::is_han))
            .collect();
        for w in bigrams.windows(2) {
            let second = w[0].from + w[0].text.chars().next().map_or(0, char::len_utf8);
            let same_run = w[1].from == second;
            let gap = w[1].position - w[0].position;
            assert!(gap >= 6 || (same_run && gap == 2), "{:?}: {:?} then {:?}", v.input, w[0], w[1]);
        }
    }
}
