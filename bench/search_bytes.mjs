// Bytes a reader downloads per search query, for Gazette's static index and for Pagefind,
// measured by running each tool's own browser JS in Node 20 with a fetch that reads the built
// site from disk and records what it served. Used by bench/search.sh; see bench/README.md.
//
//   node bench/search_bytes.mjs --site DIR [--pagefind] [--out FILE.tsv] [--queries FILE]
//
// For each query q[i] it opens a fresh session (new client, empty cache), runs q[i] (the cold
// "first query") and then q[i+1 mod n] (the warm "second query"), each followed by loading the
// top 10 results the way a results page would (Gazette: the fragments its `search()` fetches;
// Pagefind: `result.data()` for the first 10). Two byte counts are kept per request:
//   disk  the file's size as stored in the output (Gazette shards and all Pagefind index files
//         are already gzip'd; JSON that is stored raw counts raw);
//   gz    what a server that gzips (-9) non-gzip'd responses would send.
// The JS modules are counted gzip'd (-9) in both columns, once per session (first query).

import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { writeFileSync } from 'node:fs';

const DEFAULT_QUERIES = [
  '户外劳动者', '技能人才', '12351', '安全生产', '快递员',
  '高校毕业生', '零工市场', '工匠', '职工之家', '春风行动',
  '劳动教育', '直播带岗', '安全隐患', '外卖骑手', '杭州',
  '职业技能竞赛', '12351热线', '2024年', '焊工 技能', '有限空间',
];
const ORIGIN = 'http://bench.local';
const TOP = 10;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = path.resolve(opt('--site', 'public'));
const OUT = opt('--out', null);
const WITH_PAGEFIND = args.includes('--pagefind');
// --detail: print every file each query fetched, with its size in KB as stored (stderr).
const DETAIL = args.includes('--detail');
const QUERIES = opt('--queries', null)
  ? (await readFile(opt('--queries'), 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean)
  : DEFAULT_QUERIES;

// ---------------------------------------------------------------- recording fetch

const fileCache = new Map(); // path → { buf, disk, gz }
async function load(rel) {
  if (!fileCache.has(rel)) {
    const buf = await readFile(path.join(SITE, rel));
    const gzipped = buf[0] === 0x1f && buf[1] === 0x8b;
    fileCache.set(rel, { buf, disk: buf.length, gz: gzipped ? buf.length : gzipSync(buf, { level: 9 }).length });
  }
  return fileCache.get(rel);
}
const gzOf = async (rel) => (await load(rel)).gz;

class Meter {
  constructor() {
    this.reset();
  }
  reset() {
    this.disk = 0;
    this.gz = 0;
    this.requests = 0;
    this.files = [];
  }
  add(rel, f) {
    this.disk += f.disk;
    this.gz += f.gz;
    this.requests += 1;
    this.files.push([rel, f.disk]);
  }
}

function recordingFetch(meter) {
  return async (input) => {
    const url = new URL(typeof input === 'string' ? input : input.url ?? String(input), ORIGIN + '/');
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    let f;
    try {
      f = await load(rel);
    } catch {
      return new Response('not found', { status: 404 });
    }
    meter.add(rel, f);
    const type = rel.endsWith('.wasm') ? 'application/wasm' : rel.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(f.buf, { status: 200, headers: { 'content-type': type } });
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// ---------------------------------------------------------------- Gazette

async function gazetteSession() {
  const meter = new Meter();
  const { createSearch } = await import(pathToFileURL(path.join(SITE, 'js/search.js')).href);
  const s = createSearch({ baseUrl: `${ORIGIN}/search/`, fetch: recordingFetch(meter) });
  const js = (await gzOf('js/search.js')) + (await gzOf('js/gazette-tokenize.js'));
  return {
    meter,
    js,
    async run(q) {
      const { total, results } = await s.search(q, { limit: TOP });
      return { count: total, urls: results.map((r) => r.url) };
    },
  };
}

// ---------------------------------------------------------------- Pagefind

// Pagefind keeps its state in module globals, so each session imports a fresh copy of the
// module (a distinct URL). It uses the global fetch; sessions run one at a time.
// Pagefind takes the page language from <html lang>, and only segments Chinese queries
// (Intl.Segmenter) when that language is zh/ja/th; outside a browser it would be "unknown". The
// Gazette site says lang="zh-CN", so give Pagefind's detectLanguage() that answer.
globalThis.document ??= { currentScript: null, querySelector: (sel) => (sel === 'html' ? { getAttribute: () => 'zh-CN' } : null) };
let pfSessions = 0;
async function pagefindSession() {
  const meter = new Meter();
  globalThis.fetch = recordingFetch(meter);
  const href = pathToFileURL(path.join(SITE, 'pagefind/pagefind.js')).href + `?session=${pfSessions++}`;
  const pf = await import(href);
  await pf.options({ basePath: `${ORIGIN}/pagefind/`, baseUrl: '/' });
  const js = await gzOf('pagefind/pagefind.js');
  return {
    meter,
    js,
    async run(q) {
      globalThis.fetch = recordingFetch(meter);
      const r = await pf.search(q);
      const shown = await Promise.all(r.results.slice(0, TOP).map((x) => x.data()));
      return { count: r.results.length, urls: shown.map((d) => d.url) };
    },
    async close() {
      await pf.destroy?.();
    },
  };
}

// ---------------------------------------------------------------- driver

async function measure(tool, makeSession) {
  const rows = [];
  for (let i = 0; i < QUERIES.length; i += 1) {
    const q1 = QUERIES[i];
    const q2 = QUERIES[(i + 1) % QUERIES.length];
    const s = await makeSession();
    s.meter.reset();
    const r1 = await s.run(q1);
    const first = { disk: s.meter.disk + s.js, gz: s.meter.gz + s.js, requests: s.meter.requests + 1 };
    const firstFiles = s.meter.files;
    s.meter.reset();
    const r2 = await s.run(q2);
    const second = { disk: s.meter.disk, gz: s.meter.gz, requests: s.meter.requests };
    if (DETAIL) {
      for (const [label, q, files] of [['1st', q1, firstFiles], ['2nd', q2, s.meter.files]]) {
        console.error(`${tool} ${label} ${q}: ` + files.map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`).join(', '));
      }
    }
    await s.close?.();
    rows.push({ tool, i, q1, q2, first, second, r1, r2 });
  }
  return rows;
}

const tools = [['gazette', gazetteSession]];
if (WITH_PAGEFIND) tools.push(['pagefind', pagefindSession]);
const all = {};
for (const [tool, make] of tools) all[tool] = await measure(tool, make);

// Per-query table (stderr) and TSV.
const lines = [['tool', 'query', 'first_disk', 'first_gz', 'first_requests', 'second_query', 'second_disk', 'second_gz', 'second_requests', 'count', 'top10_urls'].join('\t')];
for (const rows of Object.values(all)) {
  for (const r of rows) {
    lines.push([r.tool, r.q1, r.first.disk, r.first.gz, r.first.requests, r.q2, r.second.disk, r.second.gz, r.second.requests, r.r1.count, r.r1.urls.join(' ')].join('\t'));
  }
}
if (OUT) writeFileSync(OUT, lines.join('\n') + '\n');

const summary = {};
for (const [tool, rows] of Object.entries(all)) {
  summary[tool] = {
    first_disk: median(rows.map((r) => r.first.disk)),
    first_gz: median(rows.map((r) => r.first.gz)),
    first_requests: median(rows.map((r) => r.first.requests)),
    second_disk: median(rows.map((r) => r.second.disk)),
    second_gz: median(rows.map((r) => r.second.gz)),
    second_requests: median(rows.map((r) => r.second.requests)),
    first_disk_max: Math.max(...rows.map((r) => r.first.disk)),
    second_disk_max: Math.max(...rows.map((r) => r.second.disk)),
    js_gz: rows.length ? (tool === 'gazette' ? (await gzOf('js/search.js')) + (await gzOf('js/gazette-tokenize.js')) : await gzOf('pagefind/pagefind.js')) : 0,
    counts: Object.fromEntries(rows.map((r) => [r.q1, r.r1.count])),
    top: Object.fromEntries(rows.map((r) => [r.q1, r.r1.urls])),
  };
}
if (WITH_PAGEFIND) {
  try {
    summary.pagefind.worker_js_gz = await gzOf('pagefind/pagefind-worker.js');
  } catch {
    summary.pagefind.worker_js_gz = 0;
  }
}
process.stdout.write(JSON.stringify({ queries: QUERIES, summary }) + '\n');
