// Excerpts, suggestions and partial-match terms of the browser client against
// tests/data/forgive-vectors.json, the cases shared with the Rust side (src/search/excerpt.rs,
// suggest.rs and forgive.rs, checked by tests/forgive_vectors.rs). Run with `node --test tests/js/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseQuery } from '../../themes/default/static/js/search.js';
import { BODY_CHARS, OPENING_CHARS, excerpt, excerptNeedles } from '../../themes/default/static/js/search-excerpt.js';
import {
  oneEdit,
  partialTerms,
  prepareVocab,
  rankPartial,
  suggestClause,
  suggestQuery,
} from '../../themes/default/static/js/search-suggest.js';

const vectors = JSON.parse(readFileSync(new URL('../data/forgive-vectors.json', import.meta.url), 'utf8'));

// What the build does: collapse spaces, keep the opening, and a body file when the opening is full.
function texts(pieces) {
  const text = pieces
    .map(([t, n]) => t.repeat(n))
    .join('')
    .split(/\s+/u)
    .filter(Boolean)
    .join(' ');
  const chars = [...text];
  const opening = chars.slice(0, OPENING_CHARS).join('');
  const body = chars.length >= OPENING_CHARS ? chars.slice(0, BODY_CHARS).join('') : null;
  return { opening, body };
}

test('excerpts match the vectors', () => {
  assert.ok(vectors.excerpts.length >= 12);
  const failures = [];
  for (const c of vectors.excerpts) {
    const { opening, body } = texts(c.body);
    const got = excerpt(c.title, opening, body, excerptNeedles(parseQuery(c.query)));
    if (got !== c.expect) failures.push(`${c.name}\n  expected ${JSON.stringify(c.expect)}\n  got      ${JSON.stringify(got)}`);
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('suggestions match the vectors', () => {
  const vocab = prepareVocab(vectors.vocab);
  for (const { clause, expect } of vectors.clauses) assert.deepEqual(suggestClause(vocab, clause), expect, clause);
  for (const { query, matched, expect } of vectors.queries) {
    assert.deepEqual(suggestQuery(vocab, parseQuery(query), matched), expect, query);
  }
});

test('partial terms and one-edit pairs match the vectors', () => {
  for (const { query, expect } of vectors.partial_terms) assert.deepEqual(partialTerms(parseQuery(query)), expect, query);
  for (const [a, b, yes] of vectors.one_edit) assert.equal(oneEdit([...a], [...b]), yes, `${a} ${b}`);
});

test('partial ranking: most terms, then summed score, then newest; at least half the terms', () => {
  const maps = [
    new Map([
      [1, 1.5],
      [2, 1.0],
      [3, 0.5],
    ]),
    new Map([
      [2, 1.0],
      [3, 0.25],
      [4, 2.0],
    ]),
    new Map([[5, 3.0]]),
    new Map([[3, 0.25]]),
  ];
  // Four terms: at least two. Doc 3 holds three, doc 2 two; docs 1, 4 and 5 one each.
  const ranked = rankPartial(maps);
  assert.deepEqual(
    ranked.map(([d, n]) => [d, n]),
    [
      [3, 3],
      [2, 2],
    ],
  );
  assert.deepEqual(rankPartial(maps, (d) => d !== 3).map(([d]) => d), [2]);
  // Equal counts and scores: the newest (highest number) first.
  assert.deepEqual(
    rankPartial([new Map([[7, 1], [9, 1]])]).map(([d]) => d),
    [9, 7],
  );
});

test('a vocabulary file that is not what it should be suggests nothing rather than failing', () => {
  for (const raw of [null, {}, { entries: 'x' }, { entries: [[1, 2], ['劳动者']], pinyin: null }]) {
    assert.deepEqual(suggestClause(prepareVocab(raw), 'laodongzhe'), []);
  }
  // A Han character missing from the table gives no key: the entry never matches pinyin.
  assert.deepEqual(suggestClause(prepareVocab({ entries: [['劳动者', 3]], pinyin: { 劳: 'lao' } }), 'laodongzhe'), []);
});
