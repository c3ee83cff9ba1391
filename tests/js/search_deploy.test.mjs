// The search client across a deploy, and its thrift. Run by tests/search_deploy.rs, which
// builds a fixture site (GAZETTE_DEPLOY_V1), then adds a back-dated article that renumbers
// every doc and builds again into the same output (GAZETTE_DEPLOY_V2). Without them (e.g.
// `node --test tests/js/`) the tests are skipped.
//
// A host here is a fetch over one of those folders that can be switched to the other, as a
// deploy replaces the files a reader's open page goes on asking for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSearch, SearchError } from '../../themes/default/static/js/search.js';
import { failure } from '../../themes/default/static/js/search-ui.js';

const v1 = process.env.GAZETTE_DEPLOY_V1;
const v2 = process.env.GAZETTE_DEPLOY_V2;
const skip = !v1 || !v2;
const ORIGIN = 'http://localhost/';

const QUERIES = [
  '户外劳动者', '劳动者', '工会', '职工', '热线', '欠薪', '快递员', '外卖骑手', '技能大赛', '工匠',
  '服务圈', '人工智能', '环卫工人', '劳动保护', '高温补贴', '社会保险', '新就业形态', '法律援助',
  '农民工工资', '女职工', '12351', 'AI', 'job', '"job fair"', '户外 -快递', '工会 职工', '劳',
  '技能 -培训', '技能培训', '补录', '工会职工', '不存在的词语',
];

/** A host serving `root()` (read on every request); `log` records every URL asked for. */
function host(root, { entryFrom } = {}) {
  const log = [];
  const fetch = async (url) => {
    log.push(String(url));
    const path = decodeURIComponent(new URL(url, ORIGIN).pathname);
    const dir = path === '/search/entry.json' && entryFrom ? entryFrom() : root();
    try {
      return new Response(await readFile(join(dir, path)), { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
  return { fetch, log };
}

const client = (h) => createSearch({ baseUrl: `${ORIGIN}search/`, fetch: h.fetch });
const pairs = (r) => r.results.map((x) => `${x.url} ${x.title}`);

/** What a fresh client on each build shows for every query. */
async function expectations(dir, options = { limit: 10 }) {
  const s = client(host(() => dir));
  const out = new Map();
  for (const q of QUERIES) out.set(q, pairs(await s.search(q, options)));
  return out;
}

test('a client holding the first entry never shows a wrong title after a deploy', { skip }, async () => {
  const [first, second] = [await expectations(v1), await expectations(v2)];
  assert.notDeepEqual([...first.values()], [...second.values()], 'the back-dated article changes some results');
  let dir = v1;
  const h = host(() => dir);
  const s = client(h);
  for (const q of ['工会', '户外劳动者', '技能']) await s.search(q, { limit: 10 });
  dir = v2;
  let fromSecond = 0;
  for (const q of QUERIES) {
    const got = pairs(await s.search(q, { limit: 10 }));
    const ok = JSON.stringify(got) === JSON.stringify(second.get(q)) || JSON.stringify(got) === JSON.stringify(first.get(q));
    assert.ok(ok, `${q}: ${JSON.stringify(got)}\nfirst build: ${JSON.stringify(first.get(q))}\nsecond: ${JSON.stringify(second.get(q))}`);
    if (JSON.stringify(got) === JSON.stringify(second.get(q))) fromSecond += 1;
  }
  assert.equal(fromSecond, QUERIES.length, 'after the reload every answer is the new build\'s');
  const entries = h.log.filter((u) => u.endsWith('/search/entry.json')).length;
  assert.equal(entries, 2, 'the entry was loaded again once');
});

test('behind a cache that keeps serving the first entry, a search is right or fails plainly', { skip }, async () => {
  const first = await expectations(v1);
  const h = host(() => v2, { entryFrom: () => v1 });
  const s = client(h);
  let failed = 0;
  for (const q of QUERIES) {
    try {
      const got = pairs(await s.search(q, { limit: 10 }));
      assert.deepEqual(got, first.get(q), `${q}: only files the first entry means`);
    } catch (err) {
      assert.ok(err instanceof SearchError && err.kind === 'stale', `${q}: ${err}`);
      assert.equal(failure(err), '搜索索引正在更新，请稍后刷新页面再试。');
      failed += 1;
    }
  }
  assert.ok(failed > 0, 'the renumbered fragments are gone');
});

test('an index in another format says so instead of a network error', { skip }, async () => {
  const entry = JSON.parse(await readFile(join(v2, 'search/entry.json'), 'utf8'));
  const old = { ...entry, version: 2 };
  const s = createSearch({
    baseUrl: `${ORIGIN}search/`,
    fetch: async (url) =>
      url.endsWith('entry.json') ? new Response(JSON.stringify(old)) : host(() => v2).fetch(url),
  });
  const err = await s.search('工会').catch((e) => e);
  assert.ok(err instanceof SearchError && err.kind === 'format', String(err));
  assert.equal(failure(err), '搜索索引已更新，请刷新页面。');
  const offline = createSearch({
    baseUrl: `${ORIGIN}search/`,
    fetch: async () => {
      throw new TypeError('Failed to fetch');
    },
  });
  const down = await offline.search('工会').catch((e) => e);
  assert.equal(down.kind, 'network');
  assert.match(failure(down), /^加载失败/);
});

test('a further page slices the ranking the client holds: only its fragments are fetched', { skip }, async () => {
  const h = host(() => v2);
  const s = client(h);
  const page1 = await s.search('工会', { limit: 10 });
  assert.ok(page1.total > 20, `enough results: ${page1.total}`);
  const before = h.log.length;
  const page2 = await s.search('工会', { limit: 10, offset: 10 });
  const fetched = h.log.slice(before);
  assert.equal(fetched.length, 10, fetched.join('\n'));
  assert.ok(fetched.every((u) => /\/search\/[fb]\//.test(u)), fetched.join('\n'));
  const whole = await client(host(() => v2)).search('工会', { limit: 20 });
  assert.deepEqual([...pairs(page1), ...pairs(page2)], pairs(whole));
  assert.equal(page2.total, whole.total);
  // Again: nothing new is fetched.
  const again = h.log.length;
  await s.search('工会', { limit: 10, offset: 10 });
  assert.equal(h.log.length, again);
});

test('a superseded search fetches no fragments', { skip }, async () => {
  const h = host(() => v2);
  const s = client(h);
  const controller = new AbortController();
  const pending = s.search('户外劳动者', { limit: 10, signal: controller.signal });
  controller.abort();
  const err = await pending.catch((e) => e);
  assert.equal(err?.name, 'AbortError');
  assert.ok(!h.log.some((u) => /\/search\/[fb]\//.test(u)), h.log.join('\n'));
  // The shards it loaded serve the next search.
  const shards = h.log.length;
  const r = await s.search('户外劳动者', { limit: 10 });
  assert.ok(r.results.length > 0);
  // Only per-result files: fragments, and body files for excerpts past the opening.
  assert.ok(h.log.slice(shards).every((u) => /\/search\/[fb]\//.test(u)), h.log.slice(shards).join('\n'));
});

test('one-term clauses fetch no positions file; a phrase fetches its shards\' and ranks alike', { skip }, async () => {
  const h = host(() => v2);
  const s = client(h);
  const positions = () => h.log.filter((u) => /\/search\/p\//.test(u));
  for (const q of ['职工', '工会 职工', 'job', '热线 -欠薪', '劳']) {
    assert.ok((await s.search(q, { limit: 10 })).results.length > 0, q);
  }
  assert.ok(h.log.some((u) => /\/search\/s\//.test(u)), 'shards were fetched');
  assert.deepEqual(positions(), [], 'no positions file for one-term clauses');
  // A phrase needs positions: they come from the companions of the shards already held.
  const phrase = await s.search('户外劳动者', { limit: 10 });
  assert.ok(phrase.results.length > 0);
  assert.ok(positions().length > 0, 'a phrase fetches positions');
  // The same answer as a client that never searched one-term clauses.
  assert.deepEqual(pairs(phrase), pairs(await client(host(() => v2)).search('户外劳动者', { limit: 10 })));
});

test('typing a query one character at a time fetches no file twice', { skip }, async () => {
  const h = host(() => v2);
  const s = client(h);
  for (const q of ['户', '户外', '户外劳', '户外劳动', '户外劳动者', '户外劳动', '户外劳动者']) await s.search(q, { limit: 10 });
  const seen = new Set();
  const twice = h.log.filter((u) => seen.size === seen.add(u).size);
  assert.deepEqual(twice, []);
  console.log(`typing 户外劳动者: ${h.log.length} requests, ${seen.size} distinct`);
});
