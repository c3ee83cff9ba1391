// Parity of the browser client's forgiving answers with `gazette search`: run by
// tests/search_forgive_parity.rs, which builds a fixture site, records the CLI's excerpts,
// suggestions and partial matches, and points GAZETTE_PARITY_PUBLIC at the built output and
// GAZETTE_FORGIVE_EXPECT at those expectations. Without them the test is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSearch } from '../../themes/default/static/js/search.js';

const publicDir = process.env.GAZETTE_PARITY_PUBLIC;
const expectFile = process.env.GAZETTE_FORGIVE_EXPECT;

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

const pick = (hits) =>
  hits.map((h) => ({ id: h.num ?? h.id, excerpt: h.excerpt, score: Math.fround(h.score), matched: h.matched ?? null }));

test('JS client gives the same excerpts, suggestions and partial matches as gazette search', { skip: !publicDir || !expectFile }, async () => {
  const cases = JSON.parse(await readFile(expectFile, 'utf8'));
  assert.ok(cases.length >= 20);
  const base = 'http://localhost/';
  const s = createSearch({ baseUrl: `${base}search/`, fetch: fsFetch(base, publicDir) });
  const failures = [];
  for (const c of cases) {
    const got = await s.search(c.query, { limit: 30, section: c.section ?? undefined });
    const name = `${c.query}${c.section ? ` in ${c.section}` : ''}`;
    const compare = (what, want, have) => {
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        failures.push(`${name}: ${what}\n  cli ${JSON.stringify(want)}\n  js  ${JSON.stringify(have)}`);
      }
    };
    compare('results', pick(c.results), pick(got.results));
    compare('suggestions', c.suggestions, got.suggestions);
    compare('partial', pick(c.partial), pick(got.partial ? got.partial.results : []));
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});
