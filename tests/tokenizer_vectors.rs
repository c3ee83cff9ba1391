//! The search tokenizer against `tests/data/tokenizer-vectors.json`, the cases shared with
//! the browser tokenizer (`themes/default/static/js/gazette-tokenize.js`, checked by
//! `tests/js/tokenizer.test.mjs`): every input must give exactly the listed tokens, at
//! positions 0..n.

use gazette::search::tokenize::{normalize, tokenize, tokens_of_normalized};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Vector {
    input: String,
    tokens: Vec<String>,
}

fn vectors() -> Vec<Vector> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tokenizer-vectors.json");
    let text = std::fs::read_to_string(&path).expect("read tokenizer vectors");
    let vectors: Vec<Vector> = serde_json::from_str(&text).expect("parse tokenizer vectors");
    assert!(vectors.len() >= 60, "only {} vectors", vectors.len());
    vectors
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
fn positions_are_consecutive_and_ranges_hold_the_text() {
    for v in vectors() {
        let norm = normalize(&v.input);
        let tokens = tokens_of_normalized(&norm);
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, (0..tokens.len()).collect::<Vec<_>>(), "positions of {:?}", v.input);
        for t in &tokens {
            assert_eq!(norm[t.from..t.to], t.text, "range of {:?} in {:?}", t.text, v.input);
        }
    }
}
