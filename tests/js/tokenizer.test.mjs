// The browser search tokenizer against tests/data/tokenizer-vectors.json, the cases shared
// with the Rust tokenizer (src/search/tokenize.rs, checked by tests/tokenizer_vectors.rs).
// Run with `node --test tests/js/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalize, tokenize, tokenTexts } from '../../themes/default/static/js/gazette-tokenize.js';

const vectors = JSON.parse(
  readFileSync(new URL('../data/tokenizer-vectors.json', import.meta.url), 'utf8'),
);

test('there are enough vectors', () => {
  assert.ok(vectors.length >= 60, `only ${vectors.length} vectors`);
});

test('tokens match the vectors', () => {
  const failures = [];
  for (const { input, tokens } of vectors) {
    const got = tokenTexts(input);
    try {
      assert.deepStrictEqual(got, tokens);
    } catch {
      failures.push(
        `input ${JSON.stringify(input)}\n  expected ${JSON.stringify(tokens)}\n  got      ${JSON.stringify(got)}`,
      );
    }
  }
  assert.equal(failures.length, 0, `${failures.length} vector(s) differ:\n${failures.join('\n')}`);
});

test('positions are consecutive and ranges hold the text', () => {
  for (const { input } of vectors) {
    const norm = normalize(input);
    const tokens = tokenize(input);
    assert.deepStrictEqual(
      tokens.map((t) => t.position),
      tokens.map((_, i) => i),
      `positions of ${JSON.stringify(input)}`,
    );
    for (const t of tokens) {
      assert.equal(norm.slice(t.from, t.to), t.text, `range of ${JSON.stringify(t.text)} in ${JSON.stringify(input)}`);
    }
  }
});
