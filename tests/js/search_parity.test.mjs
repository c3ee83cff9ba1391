// Parity of the browser search client with `gazette search`: run by tests/search_parity.rs,
// which builds a fixture site, records the CLI's top-10 doc numbers for 30 queries (and 6 within one section) and points
// GAZETTE_PARITY_PUBLIC at the built output and GAZETTE_PARITY_EXPECT at those expectations.
// Without them (e.g. `node --test tests/js/`) the test is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSearch } from '../../themes/default/static/js/search.js';

const publicDir = process.env.GAZETTE_PARITY_PUBLIC;
const expectFile = process.env.GAZETTE_PARITY_EXPECT;

// A fetch over the built files; `base` is a fake origin so URLs look like a host's.
function fsFetch(base, root) {
  return async (url) => {
    const path = decodeURIComponent(new URL(url, base).pathname);
    try {
      const bytes = await readFile(join(root, path));
      return new Response(bytes, { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}

test('JS client gives the same top 10 and scores as gazette search', { skip: !publicDir || !expectFile }, async () => {
  const cases = JSON.parse(await readFile(expectFile, 'utf8'));
  assert.equal(cases.length, 36);
  const base = 'http://localhost/';
  const s = createSearch({ baseUrl: `${base}search/`, fetch: fsFetch(base, publicDir) });
  const failures = [];
  for (const { query, section, ids, scores } of cases) {
    const { results, total } = await s.search(query, { limit: 10, section: section ?? undefined });
    const got = results.map((r) => r.num);
    // The CLI prints each f32 score in its shortest form; rounding it back to f32 is exact.
    const gotScores = results.map((r) => r.score);
    const wantScores = scores.map((x) => Math.fround(x));
    if (JSON.stringify(gotScores) !== JSON.stringify(wantScores)) {
      failures.push(`${query}${section ? ` in ${section}` : ''}: scores ${JSON.stringify(wantScores)} got ${JSON.stringify(gotScores)}`);
    }
    if (JSON.stringify(got) !== JSON.stringify(ids)) {
      failures.push(`${query}${section ? ` in ${section}` : ''}: expected ${JSON.stringify(ids)} got ${JSON.stringify(got)} (total ${total})`);
    }
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});
