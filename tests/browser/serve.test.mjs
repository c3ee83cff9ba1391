// `gazette serve` in a real browser: Debian's chromium (playwright-core) on a page of the
// preview server while the test edits the site's files. Same skip rules as search.test.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, skipBrowser } from '../support/browser.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = skipBrowser;
const DEADLINE = 20_000;

const article = (title, body) => `---\ntitle: ${title}\ndate: 2024-05-20\ntags: [工会]\n---\n\n${body}\n`;

/** Waits until the page's live-reload socket is open (the script marks <html>). */
const liveOpen = (page) => page.waitForSelector('html[data-gazette-live="open"]', { state: 'attached', timeout: DEADLINE });

let work;
let server;
let origin;
let browser;

async function write(rel, text) {
  await mkdir(dirname(join(work, rel)), { recursive: true });
  await writeFile(join(work, rel), text);
}

before(async () => {
  if (skip) return;
  const bin = join(repo, 'target', 'release', 'gazette');
  if (!existsSync(bin)) assert.equal(spawnSync('cargo', ['build', '--release'], { cwd: repo, stdio: 'inherit' }).status, 0);
  work = await mkdtemp(join(tmpdir(), 'gazette-serve-'));
  await write('gazette.yaml', 'title: 预览测试站\nbase_url: https://example.org/bulletin/\nlanguage: zh-CN\ntaxonomies:\n  - name: tags\n');
  await write('content/_index.md', '---\ntitle: 首页\n---\n');
  await write('content/news/_index.md', '---\ntitle: 新闻\n---\n');
  await write('content/news/2024-05-20-live.md', article('实时预览', '第一版正文。'));
  await write('static/css/extra.css', 'body { outline-color: rgb(1, 2, 3); }\n');
  server = spawn(bin, ['serve', '--port', '0', '--root', work], { stdio: ['ignore', 'pipe', 'inherit'] });
  origin = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('gazette serve printed no address')), DEADLINE);
    let seen = '';
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

test('an open page reloads after an edit and shows the new text', { skip }, async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}/news/live/`);
  assert.match(await page.textContent('article'), /第一版正文/);
  await liveOpen(page);
  await write('content/news/2024-05-20-live.md', article('实时预览', '第二版正文，加上了蓝领青年节。'));
  await page.waitForFunction(() => document.querySelector('article')?.textContent.includes('第二版正文'), null, { timeout: DEADLINE });
  assert.equal(new URL(page.url()).pathname, '/news/live/', 'stays on the page');

  // The search of the preview knows the word just written.
  await page.goto(`${origin}/search/?q=${encodeURIComponent('蓝领青年节')}`);
  await page.waitForSelector('#search-results li', { timeout: DEADLINE });
  assert.match(await page.textContent('#search-results'), /实时预览/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a stylesheet change is applied without reloading the page', { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/news/live/`);
  // Link the extra stylesheet from the page itself, as a theme would.
  await page.evaluate(() => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/css/extra.css';
    document.head.append(link);
    window.gazetteMarker = 'still here';
  });
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: DEADLINE });
  await liveOpen(page);
  await write('static/css/extra.css', 'body { outline-color: rgb(4, 5, 6); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(4, 5, 6)', null, { timeout: DEADLINE });
  assert.equal(await page.evaluate(() => window.gazetteMarker), 'still here', 'no reload');
  await page.close();
});
