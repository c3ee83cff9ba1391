// The browser search client against `gazette search` on the fixtures of tests/search_exact.rs
// (dates and numbers next to Han characters, long phrases, Traditional queries, sampled
// substrings): same top 10 doc numbers, same f32 scores, same total. Run by that Rust test,
// which sets GAZETTE_EXACT_PUBLIC (the built output) and GAZETTE_EXACT_EXPECT (the CLI's
// answers); skipped without them (e.g. `node --test tests/js/`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSearch } from '../../themes/default/static/js/search.js';

const publicDir = process.env.GAZETTE_EXACT_PUBLIC;
const expectFile = process.env.GAZETTE_EXACT_EXPECT;

// A fetch over the built files; `base` is a fake origin so URLs look like a host's.
function fsFetch(base, root) {
  return async (url) => {
    const path = decodeURIComponent(new URL(url, base).pathname);
    try {
      return new Response(await readFile(join(root, path)), { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}

test('JS client finds what gazette search finds, ranked alike', { skip: !publicDir || !expectFile }, async () => {
  const cases = JSON.parse(await readFile(expectFile, 'utf8'));
  const base = 'http://localhost/';
  const s = createSearch({ baseUrl: `${base}search/`, fetch: fsFetch(base, publicDir) });
  const failures = [];
  for (const { query, ids, scores, total } of cases) {
    const got = await s.search(query, { limit: 10 });
    const want = { ids, scores: scores.map((x) => Math.fround(x)), total };
    const have = { ids: got.results.map((r) => r.num), scores: got.results.map((r) => r.score), total: got.total };
    if (JSON.stringify(have) !== JSON.stringify(want)) {
      failures.push(`${query}: expected ${JSON.stringify(want)} got ${JSON.stringify(have)}`);
    }
  }
  assert.ok(cases.length > 0);
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} differ:\n${failures.join('\n')}`);
});
