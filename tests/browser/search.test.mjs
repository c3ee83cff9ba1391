// The search page in a real browser: Debian's chromium driven by playwright-core against
// sites built by the release binary and served on 127.0.0.1.
//
//   cargo build --release && npm ci && node --test tests/browser/
//
// GAZETTE_BROWSER_SITE=<dir> uses an already built sample site instead of building one;
// GAZETTE_CHROMIUM=<path> picks another browser binary (see tests/support/browser.mjs).
// Without chromium the tests are skipped with a message, unless CI is set: then they fail.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveStatic as serve, skipBrowser } from '../support/browser.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = skipBrowser;
if (skip) console.log(`skipping the browser tests: ${skip}`);

function gazette() {
  const bin = join(repo, 'target', 'release', 'gazette');
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '--release'], { cwd: repo, stdio: 'inherit' });
    assert.equal(r.status, 0, 'cargo build --release failed');
  }
  return bin;
}

function build(siteDir, out) {
  const r = spawnSync(gazette(), ['build', '--output', out], { cwd: siteDir, encoding: 'utf8' });
  assert.equal(r.status, 0, `gazette build failed in ${siteDir}:\n${r.stdout}\n${r.stderr}`);
}

// A site whose article text and title are markup, served at a sub-path.
const EVIL_TITLE = '</title><script>alert(1)</script>';
const EVIL_TEXT = '<img src=x onerror=alert(1)>';
// A tag on two pages, so the vocabulary suggests it.
const EVIL_TAG = '<b>劳模</b>';

async function writeFixture(dir) {
  const files = {
    'gazette.yaml': 'title: 转义测试站\nbase_url: https://example.org/bulletin/\nlanguage: zh-CN\ntaxonomies:\n  - name: tags\n',
    'content/_index.md': '---\ntitle: 首页\n---\n',
    'content/news/_index.md': '---\ntitle: 新闻\nsort_by: date\n---\n',
    'content/news/evil.md': [
      '---',
      `title: '${EVIL_TITLE}'`,
      'date: 2024-05-20',
      `tags: [转义, '${EVIL_TAG}']`,
      '---',
      '',
      `注入测试：正文里写着 \`${EVIL_TEXT}\`，读者应当看到这段文字本身。`,
      '',
      '转义后的写法 &lt;img src=x onerror=alert(1)&gt; 也只是文字。',
      '',
    ].join('\n'),
    'content/news/plain.md': `---\ntitle: 普通文章\ndate: 2024-05-21\ntags: ['${EVIL_TAG}']\n---\n\n一篇普通的新闻，用来确认站点有不止一篇文章。\n`,
    'content/news/traditional.md': '---\ntitle: 勞動者權益保障\ndate: 2024-05-22\n---\n\n職工技能競賽今日舉行，勞動者踴躍參加。\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
}

let browser;
let work;
let sample;
let fixture;

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'gazette-browser-'));
  let sampleDir = process.env.GAZETTE_BROWSER_SITE;
  if (!sampleDir) {
    sampleDir = join(work, 'sample');
    build(repo, sampleDir);
  }
  sample = await serve(resolve(sampleDir));
  const fixtureSrc = join(work, 'fixture-src');
  await writeFixture(fixtureSrc);
  build(fixtureSrc, join(work, 'fixture'));
  fixture = await serve(join(work, 'fixture'), '/bulletin/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  sample?.server.close();
  fixture?.server.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh page that records console errors, page errors and dialogs. */
async function open() {
  const page = await browser.newPage();
  const problems = [];
  const dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  return { page, problems, dialogs };
}

async function results(page) {
  await page.waitForSelector('#search-results > li', { timeout: 10_000 });
  return page.$$eval('#search-results > li', (items) =>
    items.map((li) => ({
      title: li.querySelector('.search-result-title')?.textContent ?? '',
      href: li.querySelector('.search-result-title a')?.getAttribute('href') ?? '',
      excerpt: li.querySelector('.search-result-excerpt')?.textContent ?? '',
      marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
    })),
  );
}

test('search page: ?q= on load, typing, highlights, filters, no console errors', { skip }, async () => {
  const { page, problems } = await open();
  try {
    await page.goto(sample.url(`search/?q=${encodeURIComponent('户外劳动者')}`));
    let found = await results(page);
    assert.ok(found.length > 0, 'results for 户外劳动者');
    assert.ok(
      found.some((r) => r.marks.includes('户外劳动者')),
      `a <mark> around 户外劳动者: ${JSON.stringify(found[0])}`,
    );
    for (const r of found) assert.ok(r.href.startsWith('/'), `result link ${r.href}`);
    const status = await page.textContent('#search-status');
    assert.match(status, /找到 \d+ 篇/);
    assert.equal(await page.getAttribute('#search-status', 'aria-live'), 'polite');
    assert.equal(await page.inputValue('#search-q'), '户外劳动者');

    // Typing: results follow the box, and the URL follows the query.
    for (const q of ['12351', '工匠']) {
      await page.fill('#search-q', '');
      await page.locator('#search-q').pressSequentially(q, { delay: 20 });
      await page.waitForFunction(
        (q) => document.getElementById('search-app').dataset.shown === q && !document.querySelector('[aria-busy]'),
        q,
        { timeout: 10_000 },
      );
      assert.equal(new URL(page.url()).searchParams.get('q'), q, 'the URL follows the query');
      found = await results(page);
      assert.ok(found.length > 0, `results for ${q}`);
      assert.match(await page.textContent('#search-status'), /找到 \d+ 篇/);
    }

    // Filters come from facets(), loaded when the reader opens them (here by keyboard), and
    // narrow the results.
    assert.equal(await page.locator('#search-filters').isHidden(), true);
    await page.focus('#search-filter-toggle');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#search-filters:not([hidden])');
    assert.equal(await page.getAttribute('#search-filter-toggle', 'aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-section');
    const all = Number((await page.textContent('#search-status')).match(/找到 (\d+) 篇/)[1]);
    const sections = await page.$$eval('#search-section option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(sections.length > 0, 'section options');
    await page.selectOption('#search-section', 'news/gongjiang');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('section') === 'news/gongjiang');
    await page.waitForFunction(() => /已筛选/.test(document.querySelector('#search-status').textContent));
    const filtered = (await page.textContent('#search-status')).match(/找到 (\d+) 篇/);
    assert.ok(filtered && Number(filtered[1]) > 0 && Number(filtered[1]) <= all, `filtered count of ${all}`);
    for (const r of await results(page)) assert.match(r.href, /^\/news\/gongjiang\//);

    // A shared URL with a filter opens with the filter applied.
    const shared = page.url();
    await page.goto(shared);
    await page.waitForFunction(() => /已筛选/.test(document.querySelector('#search-status').textContent));
    assert.equal(await page.inputValue('#search-section'), 'news/gongjiang');

    // A query in no article: the empty state.
    await page.selectOption('#search-section', '');
    await page.fill('#search-q', '没有这个词组的文章');
    await page.waitForFunction(() => /无结果/.test(document.querySelector('#search-status').textContent));
    assert.equal(await page.locator('#search-results > li').count(), 0);

    // The header box on another page submits to the search page.
    await page.goto(sample.url(''));
    await page.fill('#site-search-q', '工匠');
    await page.press('#site-search-q', 'Enter');
    await page.waitForURL(/\/search\/\?q=/);
    found = await results(page);
    assert.ok(found.length > 0, 'the header box leads to results');

    await page.screenshot({ path: join(work, 'search.png'), fullPage: true });
    if (process.env.GAZETTE_BROWSER_SCREENSHOT) {
      await writeFile(process.env.GAZETTE_BROWSER_SCREENSHOT, await readFile(join(work, 'search.png')));
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

/** Waits until the results of `q` are on screen and no search is running. */
async function shownFor(page, q) {
  await page.waitForFunction(
    (q) => document.getElementById('search-app').dataset.shown === q && !document.querySelector('[aria-busy]'),
    q,
    { timeout: 10_000 },
  );
}

test('search page: typing, filtering and "more" fetch no file twice', { skip }, async () => {
  const { page, problems } = await open();
  const requests = [];
  // The browser asks for the favicon again when the address changes (the test server forbids
  // caching); that request is not the page's.
  page.on('request', (r) => {
    if (!r.url().endsWith('/favicon.svg')) requests.push(r.url());
  });
  try {
    await page.goto(sample.url('search/'));
    // One character at a time, slower than the debounce: every prefix is searched.
    await page.locator('#search-q').pressSequentially('技能培训', { delay: 300 });
    await shownFor(page, '技能培训');
    assert.ok((await results(page)).length > 0, 'results for 技能培训');
    const typing = requests.length;
    const distinct = new Set(requests).size;
    console.log(`typing 技能培训: ${typing} requests, ${distinct} distinct (page, styles, scripts and index)`);

    // "更多" appends the next page of the ranking the client holds: per-result files only.
    await page.fill('#search-q', '工会');
    await shownFor(page, '工会');
    const first = await results(page);
    assert.equal(first.length, 10, 'ten results per page');
    assert.equal(await page.locator('#search-more').isVisible(), true);
    const before = requests.length;
    await page.click('#search-more');
    await page.waitForFunction(() => document.querySelectorAll('#search-results > li').length > 10);
    const more = requests.slice(before);
    // Fragments, and body files for excerpts whose match lies past the opening.
    assert.ok(more.length > 0 && more.every((u) => /\/search\/[fb]\//.test(u)), more.join('\n'));
    const all = await results(page);
    assert.deepEqual(all.slice(0, 10), first, 'the first page stays as it was');
    assert.match(await page.textContent('#search-status'), new RegExp(`显示前 ${all.length} 篇|找到 ${all.length} 篇`));
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('li') === document.querySelectorAll('#search-results > li')[10]),
      true,
      'focus moves to the first new result',
    );

    // The section filter lists parents, and a parent includes its sub-sections.
    await page.click('#search-filter-toggle');
    await page.waitForSelector('#search-filters:not([hidden])');
    const labels = await page.$$eval('#search-section option', (os) => os.map((o) => [o.value, o.textContent]));
    const news = labels.find(([v]) => v === 'news');
    assert.ok(news, `a 新闻 option: ${JSON.stringify(labels)}`);
    assert.ok(labels.some(([v, t]) => v.startsWith('news/') && t.startsWith(`${news[1].replace(/（\d+）$/, '')} › `)), JSON.stringify(labels));
    await page.selectOption('#search-section', 'news');
    await page.waitForFunction(() => /已筛选/.test(document.querySelector('#search-status').textContent));
    const inNews = await results(page);
    assert.ok(inNews.length > 0 && inNews.every((r) => r.href.startsWith('/news/')), JSON.stringify(inNews));
    assert.ok(new Set(inNews.map((r) => r.href.split('/')[2])).size > 1, 'more than one sub-section');

    const seen = new Map();
    for (const u of requests) seen.set(u, (seen.get(u) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'no URL fetched twice in a page session');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

/** Waits until the results of `q` are on screen. */
async function shown(page, q) {
  await page.waitForFunction(
    (q) => document.getElementById('search-app').dataset.shown === q && !document.querySelector('[aria-busy]'),
    q,
    { timeout: 10_000 },
  );
}

test('search page: pinyin gets a suggestion that runs; partial matches stand apart', { skip }, async () => {
  const { page, problems } = await open();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  try {
    await page.goto(sample.url('search/'));
    await page.locator('#search-q').pressSequentially('laodongzhe', { delay: 20 });
    await shown(page, 'laodongzhe');
    const status = await page.textContent('#search-status');
    assert.match(status, /无结果/);
    assert.match(status, /您要找的是不是：劳动者/);
    assert.ok(
      requests.some((p) => /\/search\/vocab\.[0-9a-f]{16}\.json$/.test(p)),
      `the vocabulary is fetched when nothing matches: ${requests.join(' ')}`,
    );
    assert.equal(await page.locator('#search-results > li').count(), 0);

    // The suggestion runs its query in place.
    await page.click('#search-status a.search-suggestion >> text=劳动者');
    await shown(page, '劳动者');
    assert.equal(await page.inputValue('#search-q'), '劳动者');
    assert.equal(new URL(page.url()).searchParams.get('q'), '劳动者');
    const found = await results(page);
    assert.ok(found.length >= 4, `results for 劳动者: ${found.length}`);
    assert.ok(found.some((r) => r.marks.includes('劳动者')));
    assert.match(await page.textContent('#search-status'), /找到 \d+ 篇/);
    assert.equal(await page.locator('#search-partial').isHidden(), true, 'no partial matches beside exact ones');

    // One character off: a suggestion, and partial matches under their own label, never in the
    // results list.
    await page.fill('#search-q', '户外劳者');
    await shown(page, '户外劳者');
    assert.match(await page.textContent('#search-status'), /您要找的是不是：户外劳动者/);
    assert.equal(await page.locator('#search-results > li').count(), 0);
    assert.equal(await page.locator('#search-partial').isVisible(), true);
    assert.equal((await page.textContent('#search-partial h2')).trim(), '部分匹配');
    const partial = await page.$$eval('#search-partial li.search-result', (items) =>
      items.map((li) => [...li.querySelectorAll('mark')].map((m) => m.textContent)),
    );
    assert.ok(partial.length > 0, 'partial matches listed');
    assert.ok(partial.every((marks) => marks.length > 0), 'each partial match highlights the pairs it holds');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('search page: an excerpt highlights a body match beyond the opening', { skip }, async () => {
  const { page, problems } = await open();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  try {
    await page.goto(sample.url(`search/?q=${encodeURIComponent('杨杰')}`));
    await shown(page, '杨杰');
    const found = await results(page);
    // In the summer-care article the name is in the opening; in the part-time chairman's
    // article it comes several paragraphs in.
    const near = found.find((r) => r.title.includes('托管班'));
    const far = found.find((r) => r.title.includes('兼职主席'));
    assert.ok(near && far, JSON.stringify(found));
    assert.ok(far.marks.includes('杨杰'), `highlighted: ${JSON.stringify(far)}`);
    assert.ok(!far.excerpt.startsWith('中国工会第十八次'), `not the opening: ${far.excerpt}`);
    assert.ok(near.marks.includes('杨杰'));
    const bodies = requests.filter((p) => /\/search\/b\/[0-9a-f]+\/\d+\.json$/.test(p));
    assert.equal(bodies.length, 1, `only the far match needs its body file: ${bodies.join(' ')}`);
    assert.ok(
      !requests.some((p) => /\/search\/vocab\./.test(p)),
      'no vocabulary when the query matches',
    );
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('search page: error state when the index cannot load', { skip }, async () => {
  const { page } = await open();
  try {
    await page.route('**/search/entry.json', (route) => route.fulfill({ status: 500, body: 'broken' }));
    await page.goto(sample.url('search/?q=工匠'));
    await page.waitForFunction(() => /加载失败/.test(document.querySelector('#search-status').textContent));
    assert.equal(await page.locator('#search-results > li').count(), 0);
  } finally {
    await page.close();
  }
});

test('search results show markup in titles and text as text (at a sub-path)', { skip }, async () => {
  const { page, problems, dialogs } = await open();
  try {
    await page.goto(fixture.url(`search/?q=${encodeURIComponent('注入测试')}`));
    const found = await results(page);
    assert.equal(found.length, 1);
    assert.ok(found[0].title.includes(EVIL_TITLE), `title shown as text: ${found[0].title}`);
    assert.ok(found[0].excerpt.includes(EVIL_TEXT), `excerpt shown as text: ${found[0].excerpt}`);
    assert.ok(found[0].href.startsWith('/bulletin/'), `link under the sub-path: ${found[0].href}`);
    assert.deepEqual(found[0].marks, ['注入测试']);

    // Search for the markup itself too.
    await page.fill('#search-q', 'onerror alert');
    await page.waitForFunction(() => /找到 1 篇/.test(document.querySelector('#search-status').textContent));

    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no injected <img>');
    const scripts = await page.$$eval('script', (s) => s.map((x) => x.outerHTML));
    assert.ok(
      scripts.every((s) => !s.includes('alert')),
      `no injected script: ${scripts.join('\n')}`,
    );
    assert.ok((await page.title()).startsWith('搜索'), 'the page title is intact');
    // A suggestion drawn from a tag written as markup is shown as text.
    await page.fill('#search-q', '<b>劳摸</b>');
    await page.waitForFunction(() => /您要找的是不是/.test(document.querySelector('#search-status').textContent));
    assert.equal(await page.textContent('#search-status a.search-suggestion'), EVIL_TAG);
    assert.equal(await page.locator('#search-status b').count(), 0, 'no <b> element made from the tag');
    assert.deepEqual(dialogs, [], 'no dialog fired');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// The titles of the sample articles a search for `needle` must find: those whose title or
// text (the Markdown after the front matter) holds it, drafts and section pages left out,
// read from content/ when the test runs.
async function sampleTitlesWith(needle) {
  const out = [];
  for (const file of await readdir(join(repo, 'content'), { recursive: true })) {
    if (!file.endsWith('.md') || file.endsWith('_index.md')) continue;
    const m = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(await readFile(join(repo, 'content', file), 'utf8'));
    if (!m || /^draft:\s*true\s*$/m.test(m[1])) continue;
    const title = (/^title:\s*(.*)$/m.exec(m[1])?.[1] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
    if (title.includes(needle) || m[2].includes(needle)) out.push(title);
  }
  return out.sort();
}

async function typeQuery(page, q) {
  await page.fill('#search-q', '');
  await page.locator('#search-q').pressSequentially(q, { delay: 20 });
  await page.waitForFunction(
    (q) => document.getElementById('search-app').dataset.shown === q && !document.querySelector('[aria-busy]'),
    q,
    { timeout: 10_000 },
  );
}

test('search page: 2024年 finds every article holding it; 勞動者 highlights 劳动者', { skip }, async () => {
  const { page, problems } = await open();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  try {
    const expected = await sampleTitlesWith('2024年');
    assert.ok(expected.length >= 4, `sample articles with 2024年: ${expected.length}`);
    await page.goto(sample.url('search/'));
    await typeQuery(page, '2024年');
    const found = await results(page);
    assert.deepEqual(found.map((r) => r.title).sort(), expected);
    assert.match(await page.textContent('#search-status'), new RegExp(`找到 ${expected.length} 篇`));
    assert.deepEqual(requests.filter((p) => p.includes('/fold.')), [], 'a Simplified query loads no folding table');

    await typeQuery(page, '勞動者');
    const folded = await results(page);
    assert.ok(folded.length > 0, 'results for 勞動者');
    assert.ok(
      folded.some((r) => r.marks.includes('劳动者')),
      `劳动者 highlighted as written: ${JSON.stringify(folded.slice(0, 3))}`,
    );
    assert.equal(requests.filter((p) => p.includes('/fold.')).length, 1, 'the folding table is loaded once');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('search page: a Simplified query highlights an article written in Traditional characters', { skip }, async () => {
  const { page, problems } = await open();
  try {
    await page.goto(fixture.url(`search/?q=${encodeURIComponent('劳动者')}`));
    const found = await results(page);
    assert.equal(found.length, 1);
    assert.equal(found[0].title, '勞動者權益保障');
    assert.deepEqual(found[0].marks, ['勞動者', '勞動者'], 'title and excerpt, as written');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
