// Recall, precision and CLI/JS agreement of the search benchmark's queries. Used by
// bench/search.sh; see bench/README.md.
//
//   node bench/search_quality.mjs --site OUT --root CORPUS --gazette BIN --queries Q.tsv \
//        --truth T.json [--pagefind] --out QUALITY.json
//
// For every query it asks three searchers for their whole result set:
//   gazette_cli  `gazette search --root CORPUS --json --limit <all> QUERY`: tantivy, the reference;
//   gazette_js   the JS client served with the built site (js/search.js, `createSearch`), in
//                Node, reading the built files, with the limit set to every article;
//   pagefind     Pagefind's own pagefind/pagefind.js, in Node, `search(q)` (every result) and
//                `data()` for each result's URL.
// and compares each set with the grep truth of the query's intended text (see
// search_queries.mjs). The top 10 of the CLI and the JS client are compared in order. Extra
// fields a searcher returns beside its hits (a suggestion, a partial-match flag) are recorded
// as they come, so the report shows whatever the checked-out build offers.

import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readQueries } from './search_queries.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = path.resolve(opt('--site', 'public'));
const ROOT = path.resolve(opt('--root', '.'));
const GAZETTE = opt('--gazette', 'target/release/gazette');
const WITH_PAGEFIND = args.includes('--pagefind');
const ORIGIN = 'http://bench.local';
const TOP = 10;

const queries = readQueries(await readFile(opt('--queries'), 'utf8'));
const { articles, truth, across_punctuation: acrossPunct = {} } = JSON.parse(await readFile(opt('--truth'), 'utf8'));
const ALL = articles + 1000;

// ---------------------------------------------------------------- a fetch over the built files

const files = new Map();
async function siteFetch(input) {
  const url = new URL(typeof input === 'string' ? input : (input.url ?? String(input)), `${ORIGIN}/`);
  const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  if (!files.has(rel)) files.set(rel, await readFile(path.join(SITE, rel)).catch(() => null));
  const buf = files.get(rel);
  return buf ? new Response(buf, { status: 200 }) : new Response('not found', { status: 404 });
}

/** Fields beside the hits, as JSON text cut short: what a searcher says besides its results. */
function extras(obj, skip) {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return '';
  const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => !skip.includes(k)));
  return Object.keys(rest).length ? JSON.stringify(rest).slice(0, 300) : '';
}

// ---------------------------------------------------------------- searchers

function cli(q) {
  const r = spawnSync(GAZETTE, ['search', '--root', ROOT, '--json', '--limit', String(ALL), q], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().slice(0, 300) };
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch (e) {
    return { error: `not JSON: ${e.message}` };
  }
  const hits = Array.isArray(out) ? out : (out.hits ?? out.results ?? []);
  const urls = hits.map((h) => h.url);
  return { urls, top: urls.slice(0, TOP), extra: extras(out, ['hits', 'results']) };
}

/**
 * The JS module that exports createSearch, as the site serves it: js/search.js, or another
 * js/search*.js should the file names carry a hash; the theme's copy if none is found.
 */
async function gazetteModule() {
  const page = await readFile(path.join(SITE, 'search/index.html'), 'utf8');
  const base = /data-search-base="([^"]*)"/.exec(page)?.[1] ?? '/search/';
  const js = path.join(SITE, 'js');
  const names = await readdir(js).catch(() => []);
  names.sort((a, b) => (a === 'search.js' ? -1 : b === 'search.js' ? 1 : a < b ? -1 : 1));
  let file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../themes/default/static/js/search.js');
  for (const name of names.filter((n) => /^search.*\.m?js$/.test(n))) {
    if ((await readFile(path.join(js, name), 'utf8')).includes('export function createSearch')) {
      file = path.join(js, name);
      break;
    }
  }
  const { createSearch } = await import(pathToFileURL(file).href);
  return createSearch({ baseUrl: new URL(base, `${ORIGIN}/`).href, fetch: siteFetch });
}

async function jsClient(s, q) {
  try {
    const all = await s.search(q, { limit: ALL });
    const top = await s.search(q, { limit: TOP });
    const urls = all.results.map((x) => x.url);
    return { urls, total: all.total, top: top.results.map((x) => x.url), extra: extras(all, ['total', 'results']) };
  } catch (e) {
    return { error: String(e?.message ?? e).slice(0, 300) };
  }
}

// Pagefind reads the page language from <html lang>; outside a browser there is none, and it
// would not segment Chinese queries. The site says zh-CN, so its detectLanguage() gets that.
globalThis.document ??= { currentScript: null, querySelector: (sel) => (sel === 'html' ? { getAttribute: () => 'zh-CN' } : null) };
async function pagefindModule() {
  globalThis.fetch = siteFetch;
  const pf = await import(pathToFileURL(path.join(SITE, 'pagefind/pagefind.js')).href);
  await pf.options({ basePath: `${ORIGIN}/pagefind/`, baseUrl: '/' });
  return pf;
}
const pfUrl = new Map(); // result id → URL (data() is what a page calls to show a result)
async function pagefind(pf, q) {
  try {
    const r = await pf.search(q);
    const urls = [];
    for (const x of r.results) {
      if (!pfUrl.has(x.id)) pfUrl.set(x.id, (await x.data()).url);
      urls.push(pfUrl.get(x.id));
    }
    return { urls, top: urls.slice(0, TOP) };
  } catch (e) {
    return { error: String(e?.message ?? e).slice(0, 300) };
  }
}

// ---------------------------------------------------------------- scoring

/** Recall and precision of `got` (URLs) against `want`; an empty answer has precision 1. */
function score(got, want, near = []) {
  if (got.error) return { error: got.error };
  const w = new Set(want);
  const n = new Set(near);
  const g = new Set(got.urls);
  let hit = 0;
  for (const u of g) if (w.has(u)) hit += 1;
  return {
    count: g.size,
    total: got.total ?? g.size,
    hit,
    recall: w.size ? hit / w.size : g.size === 0 ? 1 : 0,
    precision: g.size ? hit / g.size : 1,
    missed: want.filter((u) => !g.has(u)).slice(0, 3),
    extra_urls: [...g].filter((u) => !w.has(u)).slice(0, 3),
    // Of the wrong ones, those that hold the query across punctuation (“12351”热线).
    across_punctuation: [...g].filter((u) => n.has(u)).length,
    top: got.top,
    note: got.extra || undefined,
  };
}

const t0 = Date.now();
const gjs = await gazetteModule();
const pf = WITH_PAGEFIND ? await pagefindModule() : null;
const rows = [];
for (const q of queries) {
  const want = truth[q.query] ?? [];
  const near = acrossPunct[q.query] ?? [];
  const row = { id: q.id, set: q.set, kind: q.kind, exact: q.exact, query: q.query, intended: q.intended, truth: want.length };
  row.gazette_cli = score(cli(q.query), want, near);
  row.gazette_js = score(await jsClient(gjs, q.query), want, near);
  if (pf) row.pagefind = score(await pagefind(pf, q.query), want, near);
  const a = row.gazette_cli.top ?? [];
  const b = row.gazette_js.top ?? [];
  row.top10_same = !row.gazette_cli.error && !row.gazette_js.error && JSON.stringify(a) === JSON.stringify(b);
  rows.push(row);
}
await pf?.destroy?.();
await writeFile(opt('--out', 'quality.json'), JSON.stringify({ articles, seconds: (Date.now() - t0) / 1000, rows }));
console.error(`quality: ${rows.length} queries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
