// The browser search tokenizer against tests/data/tokenizer-vectors.json, the cases shared
// with the Rust tokenizer (src/search/tokenize.rs, checked by tests/tokenizer_vectors.rs):
// query tokens and their positions, and index tokens (`index`, or the query tokens when
// absent). The folding table is loaded from src/search/ts-fold.txt, the file the build
// exports for the browser. Run with `node --test tests/js/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  hasFolding,
  mayFold,
  normalize,
  setFolding,
  tokenize,
  tokenizeIndex,
  tokenTexts,
} from '../../themes/default/static/js/gazette-tokenize.js';

const vectors = JSON.parse(readFileSync(new URL('../data/tokenizer-vectors.json', import.meta.url), 'utf8'));
const table = readFileSync(new URL('../../src/search/ts-fold.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));

test('without the table nothing folds; mayFold says when it is needed', () => {
  assert.equal(hasFolding(), false);
  assert.equal(normalize('勞動者'), '勞動者');
  assert.equal(mayFold('勞動者'), true);
  assert.equal(mayFold('劳动者 2024年 job'), false);
  // After NFKC: U+F900 is 豈, which folds.
  assert.equal(mayFold('\uF900'), true);
});

test('mayFold knows exactly the characters of the table', () => {
  for (const [s] of table) assert.equal(mayFold(s), true, s);
  const sources = new Set(table.map(([s]) => s));
  let checked = 0;
  for (let cp = 0x3400; cp < 0x32000; cp += 1) {
    const ch = String.fromCodePoint(cp);
    if (ch.normalize('NFKC') !== ch || sources.has(ch)) continue;
    assert.equal(mayFold(ch), false, `U+${cp.toString(16)}`);
    checked += 1;
  }
  assert.ok(checked > 20000, `${checked}`);
});

test('there are enough vectors', () => {
  assert.ok(vectors.length >= 110, `only ${vectors.length} vectors`);
});

test('tokens, positions and index tokens match the vectors', () => {
  setFolding(table.map(([s, t]) => s + t).join(''));
  const failures = [];
  for (const { input, tokens, positions, index } of vectors) {
    const q = tokenize(input);
    const got = { tokens: tokenTexts(input), positions: q.map((t) => t.position) };
    const want = { tokens, positions };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failures.push(`input ${JSON.stringify(input)}\n  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(got)}`);
    }
    const wantIndex = index ?? tokens.map((t, i) => [t, positions[i]]);
    const gotIndex = tokenizeIndex(input).map((t) => [t.text, t.position]);
    if (JSON.stringify(gotIndex) !== JSON.stringify(wantIndex)) {
      failures.push(`index of ${JSON.stringify(input)}\n  expected ${JSON.stringify(wantIndex)}\n  got      ${JSON.stringify(gotIndex)}`);
    }
    const norm = normalize(input);
    for (const t of [...q, ...tokenizeIndex(input)]) {
      // A word affix is its range with the marker on one side.
      assert.equal(norm.slice(t.from, t.to), t.text.replace(/^~|~$/, ''), `range of ${JSON.stringify(t.text)} in ${JSON.stringify(input)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} vector(s) differ:\n${failures.join('\n')}`);
});
