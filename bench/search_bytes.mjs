// Bytes a reader downloads per search, measured in a real browser: headless chromium
// (playwright-core) loads each tool's search page from a local static server over the built
// site and every response's body size is summed from the browser's network events (CDP).
// Used by bench/search.sh; see bench/README.md.
//
//   node bench/search_bytes.mjs --site OUT --queries Q.tsv [--pagefind] [--out BYTES.json]
//        [--only N] [--detail]
//
// For each query q[i], in a fresh browser context (empty cache):
//   first   Gazette: open /search/?q=q[i] (what the search box in every page's header does) and
//           wait until the page shows the results of q[i] (#search-app[data-shown] = q[i], not
//           aria-busy) and the network has been quiet for QUIET_MS.
//           Pagefind: the same on a minimal page served beside the site (BENCH_PAGE) that
//           loads pagefind/pagefind.js, searches and calls data() for as many results as the
//           Gazette page shows (PAGE), then renders their titles.
//   second  then type q[i+1] into the same page's search box (one input event, as an IME
//           commit or a paste makes) and wait the same way.
// Counted: every response but the HTML document, stylesheets, images, fonts and the favicon,
// i.e. the JS modules, the worker, the index entry, range files, shards, fragments, facets,
// wasm and whatever else the page fetches to show its results. The page chrome (document, CSS,
// images) is recorded apart. The browser's network events (Playwright's request events, from
// CDP) say which requests the page made and of what type; the size of each is its response
// body as the server sent it (compressed), logged by the server: CDP's own
// responseBodySize is kept as a cross-check, but it reports 0 for a worker's script. The server
// gzips text responses (HTML, CSS, JS, JSON, SVG) at level GZIP_LEVEL like a static host, serves
// already-compressed binary files as they are, and sends `Cache-Control: no-store`, so what a
// second query costs is what the client itself does not keep. Contexts run one at a time, so
// the server's log of a window is that window's traffic.

import { createServer } from 'node:http';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { launch } from '../tests/support/browser.mjs';
import { readQueries } from './search_queries.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = path.resolve(opt('--site', 'public'));
const WITH_PAGEFIND = args.includes('--pagefind');
const DETAIL = args.includes('--detail');
const GZIP_LEVEL = Number(process.env.GZIP_LEVEL ?? 6);
const QUIET_MS = 100;
const TIMEOUT_MS = 30_000;
// Results on the first screen of the Gazette page (PAGE in the served search-ui.js, else 20);
// Pagefind's page shows as many.
const uiPage = await readFile(path.join(SITE, 'js/search-ui.js'), 'utf8').then((t) => /\bconst PAGE = (\d+)/.exec(t)?.[1], () => null);
const PAGE = Number(process.env.PAGE ?? uiPage ?? 20);
const BENCH_PAGE = '/__bench/pagefind/';

let queries = readQueries(await readFile(opt('--queries'), 'utf8'));
if (opt('--only')) queries = queries.slice(0, Number(opt('--only')));

// ---------------------------------------------------------------- static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const COMPRESSIBLE = /^(text\/|application\/json|application\/xml|image\/svg)/;

// The Pagefind search page: as plain as Gazette's, the same number of results, the same
// "data-shown" signal. Not part of the site; served at BENCH_PAGE.
const PAGEFIND_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><div id="app"><input id="q" type="search"><p id="status"></p><ol id="results"></ol></div>
<script type="module">
const app = document.getElementById('app');
const input = document.getElementById('q');
const list = document.getElementById('results');
const pagefind = await import('/pagefind/pagefind.js');
await pagefind.options({ baseUrl: '/' });
let seq = 0;
let timer = 0;
async function run() {
  const mine = ++seq;
  const q = input.value.trim();
  app.setAttribute('aria-busy', 'true');
  const r = await pagefind.search(q);
  const shown = await Promise.all(r.results.slice(0, ${PAGE}).map((x) => x.data()));
  if (mine !== seq) return;
  list.replaceChildren(...shown.map((d) => { const li = document.createElement('li'); li.textContent = d.meta.title; return li; }));
  document.getElementById('status').textContent = r.results.length + ' results';
  app.dataset.shown = q;
  app.removeAttribute('aria-busy');
}
input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
input.value = new URLSearchParams(location.search).get('q') ?? '';
if (input.value) run();
</script></body></html>`;

const gzCache = new Map();
async function body(file) {
  if (!gzCache.has(file)) {
    const raw = await readFile(file);
    gzCache.set(file, { raw, gz: null });
  }
  return gzCache.get(file);
}

/**
 * A static server over SITE on 127.0.0.1 with its own log of what it sent ({ url (path and
 * query), bytes (body as sent) }, in order): each lane of measurements has one.
 */
async function serve() {
  const served = [];
  const server = createServer(async (req, res) => {
    res.on('finish', () => served.push({ url: req.url, bytes: res.bodyBytes ?? 0 }));
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let type;
      let entry;
      if (url.pathname === BENCH_PAGE) {
        type = TYPES['.html'];
        entry = { raw: Buffer.from(PAGEFIND_PAGE), gz: null };
      } else {
        let file = path.resolve(SITE, `.${path.sep}${decodeURIComponent(url.pathname)}`);
        if (file !== SITE && !file.startsWith(SITE + path.sep)) return end(res, 403);
        const info = await stat(file).catch(() => null);
        if (info?.isDirectory()) {
          if (!url.pathname.endsWith('/')) {
            res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
            return res.end();
          }
          file = path.join(file, 'index.html');
        }
        entry = await body(file).catch(() => null);
        if (!entry) return end(res, 404);
        type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      }
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
      let out = entry.raw;
      if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        entry.gz ??= gzipSync(entry.raw, { level: GZIP_LEVEL });
        out = entry.gz;
        headers['Content-Encoding'] = 'gzip';
        headers.Vary = 'Accept-Encoding';
      }
      headers['Content-Length'] = out.length;
      res.bodyBytes = out.length;
      res.writeHead(200, headers);
      res.end(out);
    } catch (e) {
      end(res, 500, String(e));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, served, origin: `http://127.0.0.1:${server.address().port}` };
}

function end(res, status, text = '') {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
  res.end(text);
}

// ---------------------------------------------------------------- measuring one context

const CHROME_TYPES = new Set(['document', 'stylesheet', 'image', 'font', 'media', 'manifest']);
// For a response the browser did not report (none so far): page chrome by its file name.
const CHROME_FILE = /(\.(html|css|svg|png|jpe?g|webp|gif|ico|woff2?)|\/)$/;

/** Records every request of a browser context with its body size and whether it counts. */
function recorder(context, origin) {
  const log = [];
  let inflight = 0;
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  context.on('request', () => {
    inflight += 1;
    touch();
  });
  const done = async (req, failed) => {
    const url = req.url().replace(origin, '');
    const type = req.resourceType();
    const chrome = CHROME_TYPES.has(type) || /\/favicon\.[a-z]+$/.test(url);
    let bytes = 0;
    let status = 0;
    if (!failed) {
      const [sizes, res] = await Promise.all([req.sizes().catch(() => null), req.response().catch(() => null)]);
      bytes = sizes?.responseBodySize ?? 0;
      status = res?.status() ?? 0;
    }
    log.push({ url, type, chrome, bytes, status, failed });
    inflight -= 1;
    touch();
  };
  context.on('requestfinished', (r) => done(r, false));
  context.on('requestfailed', (r) => done(r, true));
  return {
    log,
    /** Resolves once nothing has been in flight for QUIET_MS. */
    async quiet() {
      const t0 = Date.now();
      while (inflight > 0 || Date.now() - last < QUIET_MS) {
        if (Date.now() - t0 > TIMEOUT_MS) throw new Error('network never went quiet');
        await new Promise((ok) => setTimeout(ok, 25));
      }
    },
  };
}

/** The traffic of one window: the server's log, classified by the browser's. */
function sum(seen, sent) {
  const kind = new Map(seen.map((e) => [e.url, e.chrome]));
  const chrome = (e) => kind.get(e.url) ?? CHROME_FILE.test(e.url.replace(/\?.*$/, ''));
  const counted = sent.filter((e) => !chrome(e));
  return {
    bytes: counted.reduce((s, e) => s + e.bytes, 0),
    requests: counted.length,
    chrome: sent.filter(chrome).reduce((s, e) => s + e.bytes, 0),
    cdp_bytes: seen.filter((e) => !e.chrome).reduce((s, e) => s + e.bytes, 0),
    cdp_requests: seen.filter((e) => !e.chrome).length,
    errors: seen.filter((e) => e.failed || e.status >= 400).length,
    files: counted.map((e) => [e.url, e.bytes]),
  };
}

const TOOLS = {
  gazette: {
    url: (origin, q) => `${origin}/search/?q=${encodeURIComponent(q)}`,
    root: '#search-app',
    input: '#search-q',
    list: '#search-results',
  },
  pagefind: {
    url: (origin, q) => `${origin}${BENCH_PAGE}?q=${encodeURIComponent(q)}`,
    root: '#app',
    input: '#q',
    list: '#results',
  },
};

async function shown(page, tool, q) {
  await page.waitForFunction(
    ([sel, want]) => {
      const root = document.querySelector(sel);
      return root && root.dataset.shown === want && !root.hasAttribute('aria-busy');
    },
    [tool.root, q],
    { timeout: TIMEOUT_MS },
  );
  // What the page says besides its list: a suggestion or a partial-match label, if any.
  return page.evaluate(
    ([sel, listSel]) => {
      const root = document.querySelector(sel);
      const text = root.innerText;
      const notes = ['您要找的是不是', '是不是要找', '部分匹配'].filter((s) => text.includes(s));
      return { results: document.querySelector(listSel)?.children.length ?? 0, notes: notes.join(' ') };
    },
    [tool.root, tool.list],
  );
}

async function measureOne(browser, { origin, served }, tool, q1, q2) {
  const context = await browser.newContext();
  const rec = recorder(context, origin);
  try {
    const page = await context.newPage();
    const s0 = served.length;
    await page.goto(tool.url(origin, q1));
    const s1 = await shown(page, tool, q1);
    await rec.quiet();
    const mark = rec.log.length;
    const s0b = served.length;
    await page.fill(tool.input, q2);
    const s2 = await shown(page, tool, q2);
    await rec.quiet();
    const first = sum(rec.log.slice(0, mark), served.slice(s0, s0b));
    const second = sum(rec.log.slice(mark), served.slice(s0b));
    return { first: { ...first, ...s1 }, second: { ...second, ...s2 } };
  } catch (e) {
    return { error: String(e?.message ?? e).split('\n')[0].slice(0, 200) };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- driver

// Lanes: LANES per tool, each with its own server (so its log is its own traffic) running its
// share of the queries one context at a time; all lanes run at once to overlap the waiting
// (debounce, quiet network), which dominates.
const LANES = Number(process.env.LANES ?? 2);
const browser = await launch();
const out = { page: PAGE, gzip_level: GZIP_LEVEL, lanes: LANES, rows: [] };
const t0 = Date.now();
const servers = [];
async function lane(name, k) {
  const srv = await serve();
  servers.push(srv.server);
  const rows = [];
  for (let i = k; i < queries.length; i += LANES) {
    const q1 = queries[i].query;
    const q2 = queries[(i + 1) % queries.length].query;
    const r = await measureOne(browser, srv, TOOLS[name], q1, q2);
    if (DETAIL && !r.error) {
      for (const [label, m] of [['1st', r.first], ['2nd', r.second]]) {
        console.error(`${name} ${label} ${label === '1st' ? q1 : q2}: ${m.files.map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`).join(', ')}`);
      }
    }
    if (r.error) console.error(`${name} ${q1} → ${q2}: ${r.error}`);
    if (!DETAIL && !r.error) {
      delete r.first.files;
      delete r.second.files;
    }
    rows.push({ tool: name, id: queries[i].id, set: queries[i].set, kind: queries[i].kind, query: q1, second_query: q2, ...r });
  }
  return rows;
}
try {
  const tools = WITH_PAGEFIND ? ['gazette', 'pagefind'] : ['gazette'];
  const lanes = tools.flatMap((name) => Array.from({ length: LANES }, (_, k) => lane(name, k)));
  for (const rows of await Promise.all(lanes)) out.rows.push(...rows);
  out.rows.sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : a.id - b.id));
  console.error(`bytes: ${tools.join(' and ')}, ${queries.length} queries each, ${LANES} lanes per tool, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
out.seconds = (Date.now() - t0) / 1000;
await writeFile(opt('--out', 'bytes.json'), JSON.stringify(out));
