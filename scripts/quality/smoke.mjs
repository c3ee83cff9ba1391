// Browser smoke gate: a reader's path through the built site in headless chromium, 375 px and
// 1280 px wide: home → the article pages.py picked (by clicking its link) → its first tag →
// the header search box (type the query, submit) → results → the first result. Fails on any
// console message, page error, failed request or HTTP error along the way; writes screenshots
// of the home page, the article and the search results into SHOTS_DIR.
//
//   node scripts/quality/smoke.mjs PUBLIC_DIR PREFIX PAGES_JSON SHOTS_DIR [LABEL]

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, serveStatic } from '../../tests/support/browser.mjs';

const [publicDir, prefix, pagesJson, shots, label = 'root'] = process.argv.slice(2);
if (!shots) {
  console.error('usage: node smoke.mjs PUBLIC_DIR PREFIX PAGES_JSON SHOTS_DIR [LABEL]');
  process.exit(2);
}
const { pages, query } = JSON.parse(await readFile(pagesJson, 'utf8'));
const WIDTHS = [375, 1280];
const STEP = 10_000;
const SETTLE = 300;

await mkdir(shots, { recursive: true });
const site = await serveStatic(publicDir, prefix);
const browser = await launch();
const failures = [];
const shotFiles = [];

/** The path of the page now shown, relative to the site's prefix. */
const here = (page) => decodeURI(new URL(page.url()).pathname).slice(prefix.length);

async function walk(width) {
  const tag = `${label} ${width} px`;
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  const at = () => `${prefix}${here(page)}`;
  page.on('console', (m) => problems.push(`console ${m.type()} on ${at()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error on ${at()}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed on ${at()}: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} on ${at()}: ${r.url()}`);
  });
  const shot = async (name) => {
    const file = join(shots, `${label}-${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shotFiles.push(file);
  };
  // Late console messages and requests count too: each page is given time to go quiet
  // before the walk moves on (and before the browser closes).
  const settle = async () => {
    await page.waitForLoadState('networkidle', { timeout: STEP });
    await page.waitForTimeout(SETTLE);
  };
  const step = async (what, fn) => {
    try {
      await fn();
      await settle();
    } catch (err) {
      throw new Error(`${tag}: ${what} (at ${at()}): ${err.message.split('\n')[0]}`);
    }
  };
  try {
    await step('open the home page', () => page.goto(site.url(''), { waitUntil: 'load' }));
    await shot('home');
    await step(`click the link to ${pages.article}`, async () => {
      const href = `${prefix}${pages.article}`;
      const link = page.locator('main a[href]');
      const all = await link.evaluateAll(
        (as, want) => as.findIndex((a) => decodeURI(new URL(a.href).pathname) === want),
        href,
      );
      if (all < 0) throw new Error(`no visible link to ${href}`);
      await Promise.all([page.waitForURL((u) => decodeURI(u.pathname) === href), link.nth(all).click()]);
    });
    await step('see the article title', () => page.locator('main h1').first().waitFor({ timeout: STEP }));
    await shot('article');
    if (pages.tag === undefined) {
      console.log(`smoke (${prefix}): ${tag}: the article has no tags; the walk goes on without a tag page`);
    } else {
      await step(`click the tag link to ${pages.tag}`, async () => {
        const want = `${prefix}${pages.tag}`;
        await Promise.all([page.waitForURL((u) => decodeURI(u.pathname) === want), page.locator('main a[rel="tag"]').first().click()]);
      });
      await step('see the tag page list the article', async () => {
        const listed = await page.$$eval('main a[href]', (as) => as.map((a) => decodeURI(new URL(a.href).pathname)));
        if (!listed.includes(`${prefix}${pages.article}`)) throw new Error(`the tag page does not link to ${pages.article}`);
      });
    }
    await step(`type ${query} into the search box and submit`, async () => {
      const box = page.locator('form[role="search"] input[type="search"]');
      await box.click();
      await box.pressSequentially(query, { delay: 20 });
      await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === query), box.press('Enter')]);
    });
    let first;
    await step('see results', async () => {
      await page.waitForSelector('#search-results > li', { timeout: STEP });
      first = page.locator('#search-results > li a').first();
      const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent));
      if (!marks.some((m) => m.includes(query))) throw new Error(`no result highlights ${query}: ${marks.slice(0, 5)}`);
    });
    await shot('search');
    await step('click the first result', async () => {
      const href = await first.getAttribute('href');
      const want = decodeURI(new URL(href, page.url()).pathname);
      await Promise.all([page.waitForURL((u) => decodeURI(u.pathname) === want), first.click()]);
      await page.locator('main h1').first().waitFor({ timeout: STEP });
      const text = await page.locator('main').innerText();
      if (!text.includes(query)) throw new Error(`the first result ${want} does not contain ${query}`);
    });
  } catch (err) {
    failures.push(err.message);
  } finally {
    await context.close();
  }
  for (const p of problems) failures.push(`${tag}: ${p}`);
}

const missing = ['article', 'search'].filter((k) => pages[k] === undefined);
if (missing.length) {
  console.log(`smoke (${prefix}): FAIL the site has no ${missing.join(' and ')} page to walk through (see pages.py)`);
  process.exit(1);
}
try {
  for (const width of WIDTHS) await walk(width);
} finally {
  await browser.close();
  site.server.close();
}

for (const line of failures) console.log(`smoke (${prefix}): FAIL ${line}`);
const summary = `home → article → tag → search "${query}" → first result at ${WIDTHS.join(' and ')} px; ${shotFiles.length} screenshots in ${shots}`;
if (failures.length) {
  console.log(`smoke (${prefix}): ${failures.length} problem(s); ${summary}`);
  process.exit(1);
}
console.log(`smoke (${prefix}): ok; ${summary}`);
