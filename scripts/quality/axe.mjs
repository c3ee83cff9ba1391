// Accessibility gate: axe-core in headless chromium on the pages pages.py picked, each in the
// light and the dark colour scheme and 375 px and 1280 px wide. Fails on any serious or
// critical violation, naming the page, scheme, width, rule and the elements; moderate and
// minor ones are listed.
//
//   node scripts/quality/axe.mjs PUBLIC_DIR PREFIX PAGES_JSON

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launch, serveStatic } from '../../tests/support/browser.mjs';

const [publicDir, prefix, pagesJson] = process.argv.slice(2);
if (!pagesJson) {
  console.error('usage: node axe.mjs PUBLIC_DIR PREFIX PAGES_JSON');
  process.exit(2);
}
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const { pages } = JSON.parse(await readFile(pagesJson, 'utf8'));
const SCHEMES = ['light', 'dark'];
const WIDTHS = [375, 1280];
const FAILING = new Set(['serious', 'critical']);

const site = await serveStatic(publicDir, prefix);
const browser = await launch();
const failures = [];
const notes = new Map();
let runs = 0;
try {
  for (const [name, path] of Object.entries(pages)) {
    for (const colorScheme of SCHEMES) {
      for (const width of WIDTHS) {
        const where = `${name} ${prefix}${decodeURI(path)} (${colorScheme}, ${width} px)`;
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const page = await context.newPage();
        try {
          const response = await page.goto(site.url(path), { waitUntil: 'load' });
          const expected = name === '404' ? 404 : 200;
          if (response?.status() !== expected) failures.push(`${where}: HTTP ${response?.status()}, expected ${expected}`);
          if (name === 'search') await page.waitForSelector('#search-results > li', { timeout: 10_000 });
          await page.addScriptTag({ content: axeSource });
          const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
          runs += 1;
          for (const v of result.violations) {
            const targets = v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ');
            const line = `${where}: ${v.impact} ${v.id} — ${v.help} (${v.nodes.length} element(s): ${targets})`;
            if (FAILING.has(v.impact)) failures.push(line);
            else notes.set(`${v.impact} ${v.id} on ${name}`, line);
          }
        } catch (err) {
          failures.push(`${where}: ${err.message.split('\n')[0]}`);
        } finally {
          await context.close();
        }
      }
    }
  }
} finally {
  await browser.close();
  site.server.close();
}

for (const line of notes.values()) console.log(`axe: note ${line}`);
for (const line of failures) console.log(`axe: FAIL ${line}`);
const pageCount = Object.keys(pages).length;
const summary = `${runs} runs (${pageCount} pages × ${SCHEMES.length} schemes × ${WIDTHS.length} widths), axe-core ${JSON.parse(
  await readFile(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8'),
).version}`;
if (failures.length) {
  console.log(`axe: ${failures.length} problem(s); ${summary}`);
  process.exit(1);
}
console.log(`axe: ok; ${summary}, 0 serious or critical violations, ${notes.size} lesser ones listed`);
