// No article can run script in a reader's browser: a site whose every content field and
// Markdown construct carries a payload, built by the release binary and served on
// 127.0.0.1, crawled page by page in Debian's chromium (playwright-core). On each page the
// test focuses, hovers and clicks what it can, waits for every image to settle, and
// audits the DOM; every payload assigns `__pwned = '<label>'`, which a setter installed
// before any page script reports to the test, so a handler that ran anywhere (any page,
// any frame, after a redirect) is caught with its label.
//
// A control site with `markdown.unsafe_html: true` shows the detector works: its raw
// `<img onerror>` and `<script>` do run (unsafe_html is truly unsafe), while its heading
// attributes and script links still do not.
//
//   cargo build --release && npm ci && node --test tests/browser/xss.test.mjs
//
// Same skip rules as search.test.mjs (see tests/support/browser.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveStatic, skipBrowser } from '../support/browser.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = skipBrowser;
if (skip) console.log(`skipping the browser tests: ${skip}`);
const DEADLINE = 10_000;

/**
 * A payload that reports `label` when it runs (as `void`, so that a `javascript:` URL that
 * ran would leave the page in place rather than replace it with the string).
 */
const run = (label) => `void(__pwned='${label}')`;
/** Raw HTML that CommonMark reads as HTML (a quoted value), and a browser runs. */
const img = (label) => `<img src=x onerror="${run(label)}">`;
/** A YAML scalar holding `s` exactly (JSON strings are YAML double-quoted scalars). */
const y = (s) => JSON.stringify(s);

const EVIL_TITLE = `</script><script>${run('title-script')}</script>${img('title')}`;
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The article holding every vector, front matter and body. */
function evilArticle() {
  const front = [
    `title: ${y(EVIL_TITLE)}`,
    `kicker: ${y(img('kicker'))}`,
    `subtitle: ${y(`<svg onload="${run('subtitle')}">`)}`,
    'date: 2024-05-20',
    `summary: ${y(`</script>${img('summary')}`)}`,
    `image: ${y(`javascript:${run('image')}`)}`,
    `image_alt: ${y(`" onerror="${run('image-alt')}`)}`,
    'aliases: [/old/xss/]',
    `source: ${y(img('source'))}`,
    `authors: [${y(img('author'))}]`,
    `reporters: [${y(img('reporter'))}]`,
    `tags: [${y(img('tag'))}]`,
    `issue: ${y(img('issue'))}`,
    `page: ${y(`<svg onload="${run('folio')}">`)}`,
    'corrections:',
    `  - {date: 2024-05-21, text: ${y(img('correction'))}}`,
  ];
  const body = [
    `## 标题 {onfocus=${run('heading-focus')} autofocus=true tabindex=0 onmouseover=${run('heading-hover')} style=x}`,
    '',
    `### 小节 {#x"onmouseover=${run('id')} .c"/onclick=${run('class')}}`,
    '',
    `[链接](javascript:${run('js-link')}) [大小写]( JaVaScRiPt:${run('js-case')}) ` +
      `[实体](jav&#x09;ascript:${run('js-entity')}) <javascript:${run('autolink')}> ` +
      `[数据](data:text/html,<script>${run('data-link')}</script>) [引用][r]`,
    '',
    `![矢量](data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20onload=${run('svg')}%3E%3C/svg%3E) ` +
      `![网页](data:text/html;base64,${btoa(`<script>parent.${run('data-html')}</script>`)}) ![像素](${PNG})`,
    '',
    `![坏图](missing.png "\\" onerror=\\"${run('img-title')}") [题](/ "\\" onmouseover=\\"${run('link-title')}")`,
    '',
    `脚注[^a"onmouseover=${run('footnote')}]。`,
    '',
    `维基 [[普通文章|${img('wiki-text')}]] [[普通文章#x"onmouseover=${run('wiki-fragment')}]]`,
    '',
    img('raw'),
    '',
    `<script>${run('script')}</script>`,
    '',
    `<!-- 编辑备注 -->${img('after-comment')}`,
    '',
    `代码 \`${img('code')}\` 与模板 {{ "${img('tera')}" | safe }}`,
    '',
    // Text that reads like an attribute, then a rule: the print view and the feeds rewrite
    // the body's URLs and once took it for one, cutting the rule's `>`.
    '文字 href="x/y',
    '',
    '---',
    '',
    `/../ tabindex=0 autofocus onfocus=${run('attr-text-focus')} onmouseover=${run('attr-text-hover')} x="1"`,
    '',
    `[r]: javascript:${run('reference')}`,
    `[^a"onmouseover=${run('footnote')}]: 注释 ${img('footnote-body')}`,
    '',
  ];
  return `---\n${front.join('\n')}\n---\n\n${body.join('\n')}`;
}

/** Writes a site into `dir` whose `base_url` is `origin`. */
async function writeSite(dir, origin, { unsafe = false } = {}) {
  const config = [
    `title: 注入测试站`,
    `base_url: ${origin}/`,
    'language: zh-CN',
    unsafe ? 'markdown: {unsafe_html: true}' : '',
  ].join('\n');
  const files = {
    'gazette.yaml': `${config}\n`,
    'content/_index.md': '---\ntitle: 首页\n---\n',
    'content/news/_index.md': `---\ntitle: ${y(img('section'))}\ndescription: ${y(img('section-description'))}\nsort_by: date\n---\n\n栏目介绍 ${img('section-body')}\n`,
    'content/news/2024-05-21-plain.md': [
      '---',
      'title: 普通文章',
      'date: 2024-05-21',
      'image: /images/missing.png',
      `image_alt: ${y(`"><img src=x onerror=${run('alt')}>`)}`,
      '---',
      '',
      '一篇普通的新闻，它的题图不存在，替代文字想要跳出属性。',
      '',
    ].join('\n'),
  };
  if (unsafe) {
    files['content/news/2024-05-20-xss.md'] = [
      '---',
      'title: 不安全模式',
      'date: 2024-05-20',
      '---',
      '',
      `## 标题 {onfocus=${run('heading-focus')} autofocus=true tabindex=0}`,
      '',
      `[链接](javascript:${run('js-link')})`,
      '',
      img('raw'),
      '',
      `<script>${run('script')}</script>`,
      '',
      // What the reader's moves in exercise() reach, written as raw HTML: they must run.
      `<p onmouseover="${run('raw-hover')}">悬停</p>`,
      '',
      `<div tabindex="0" onfocus="${run('raw-focus')}">聚焦</div>`,
      '',
      `<p><a href="javascript:${run('raw-link')}">点击</a></p>`,
      '',
    ].join('\n');
  } else {
    files['content/news/2024-05-20-xss.md'] = evilArticle();
  }
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
}

function gazette() {
  const bin = join(repo, 'target', 'release', 'gazette');
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '--release'], { cwd: repo, stdio: 'inherit' });
    assert.equal(r.status, 0, 'cargo build --release failed');
  }
  return bin;
}

/**
 * Builds a site into a folder served at its own `base_url` (the server starts first, so its
 * port can be written into the config and redirects stay on 127.0.0.1). Returns the server
 * and what the build printed.
 */
async function buildServed(name, opts) {
  const out = join(work, `${name}-public`);
  const served = await serveStatic(out);
  const src = join(work, name);
  await writeSite(src, served.origin, opts);
  const r = spawnSync(gazette(), ['build', '--output', out], { cwd: src, encoding: 'utf8' });
  assert.equal(r.status, 0, `gazette build failed in ${src}:\n${r.stdout}\n${r.stderr}`);
  return { ...served, stderr: r.stderr };
}

let work;
let browser;
let safe;
let unsafe;

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'gazette-xss-'));
  safe = await buildServed('safe');
  unsafe = await buildServed('unsafe', { unsafe: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  safe?.server.close();
  unsafe?.server.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * A browser context whose pages report every `__pwned = …` and every dialog into `fired`
 * (across navigations) and into the page's own `__gazetteFired` (at once), and mark each
 * image when its load or error event starts, before the image's own handler runs.
 */
async function detector() {
  const context = await browser.newContext();
  const fired = [];
  await context.exposeBinding('__gazetteReport', (_source, label) => fired.push(String(label)));
  await context.addInitScript(() => {
    const here = [];
    Object.defineProperty(window, '__gazetteFired', { value: here });
    Object.defineProperty(window, '__pwned', {
      configurable: false,
      get: () => undefined,
      set: (v) => {
        here.push(String(v));
        window.__gazetteReport(String(v));
      },
    });
    const settle = (e) => {
      if (e.target instanceof HTMLImageElement) e.target.__gazetteSettled = true;
    };
    // On the document, not the window: a `load` event never reaches the window.
    document.addEventListener('load', settle, true);
    document.addEventListener('error', settle, true);
  });
  context.on('page', (page) =>
    page.on('dialog', (d) => {
      fired.push(`dialog: ${d.message()}`);
      d.dismiss().catch(() => {});
    }),
  );
  return { context, fired };
}

/** What ran in the page now shown. */
const firedHere = (page) => page.evaluate(() => [...window.__gazetteFired]);

/**
 * Waits until every image of the page has had its load or error event (so an `onerror`
 * has run: the mark is set in the same dispatch, before the image's own handler).
 */
async function imagesSettled(page) {
  // A lazy image out of view would never load: load them all now.
  await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((i) => (i.loading = 'eager')));
  await page.waitForFunction(
    () => [...document.images].every((i) => i.__gazetteSettled || !i.getAttribute('src')),
    null,
    { timeout: DEADLINE },
  );
}

/**
 * What a reader might do on a page: tab through it; point at, enter and focus every
 * element (as events, so elements out of view count too); click every link whose target
 * is not an http(s) page.
 */
async function exercise(page) {
  await imagesSettled(page);
  for (let i = 0; i < 30; i++) await page.keyboard.press('Tab');
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('body *')) {
      for (const type of ['pointerover', 'mouseover', 'mouseenter', 'mousemove', 'focusin']) {
        el.dispatchEvent(new MouseEvent(type, { bubbles: type !== 'mouseenter' }));
      }
      el.dispatchEvent(new FocusEvent('focus'));
      el.focus?.();
    }
  });
  const links = page.locator('main a');
  for (let i = 0; i < (await links.count()); i++) {
    const link = links.nth(i);
    const protocol = await link.evaluate((a) => (a.href ? new URL(a.href).protocol : 'none'));
    if (protocol !== 'http:' && protocol !== 'https:') await link.click({ timeout: DEADLINE }).catch(() => {});
  }
  await imagesSettled(page);
}

/** Everything on the page that could hold script: handler attributes and URL schemes. */
async function audit(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || a.name === 'autofocus' || a.name === 'formaction') found.push(`${el.localName}[${a.name}]`);
      }
    }
    const url = (el, attr) => {
      const v = el.getAttribute(attr);
      try {
        return new URL(v, document.baseURI);
      } catch {
        return null;
      }
    };
    for (const [sel, attr] of [['[href]', 'href'], ['[src]', 'src'], ['[action]', 'action'], ['[poster]', 'poster']]) {
      for (const el of document.querySelectorAll(sel)) {
        const u = url(el, attr);
        if (!u) continue;
        const inlineImage = el.localName === 'img' && /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(u.href);
        if (!['http:', 'https:', 'mailto:'].includes(u.protocol) && !inlineImage) found.push(`${el.localName}[${attr}=${u.href}]`);
      }
    }
    for (const m of document.querySelectorAll('meta[http-equiv="refresh" i]')) {
      const target = (m.getAttribute('content') ?? '').replace(/^[^;]*;\s*url=/i, '');
      if (!/^https?:/i.test(target)) found.push(`meta refresh to ${target}`);
    }
    // Elements that run or load code whatever their attributes (a `<script>` put in by
    // innerHTML, as the feed check does, never runs: it must be seen here). The theme's own
    // scripts are JSON-LD and same-origin modules.
    for (const s of document.querySelectorAll('script')) {
      const own =
        s.type === 'application/ld+json' || (s.type === 'module' && s.src && new URL(s.src).origin === location.origin);
      if (!own) found.push(s.src ? `script ${s.src}` : 'script (inline)');
    }
    for (const el of document.querySelectorAll('iframe, frame, object, embed, base, [srcdoc], [style]')) {
      found.push(`${el.localName}${el.hasAttribute('style') ? '[style]' : ''}${el.hasAttribute('srcdoc') ? '[srcdoc]' : ''}`);
    }
    return found;
  });
}

/** Every page of the site reachable from its home page by local links. */
async function crawl(context, origin) {
  const page = await context.newPage();
  const seen = new Set([`${origin}/`]);
  const queue = [`${origin}/`];
  try {
    while (queue.length > 0 && seen.size < 80) {
      const at = queue.shift();
      const response = await page.goto(at);
      if (!response || !(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href.split('#')[0]));
      for (const h of hrefs) {
        if (h.startsWith(`${origin}/`) && !seen.has(h) && !/\.(xml|txt)$/.test(h)) {
          seen.add(h);
          queue.push(h);
        }
      }
    }
  } finally {
    await page.close();
  }
  return [...seen].sort();
}

test('no payload in any content field or Markdown construct runs in chromium', { skip }, async () => {
  // The build said what it dropped. The raw vectors are HTML to CommonMark (dropped as
  // such), and the control below shows a browser runs them when they are kept.
  for (const w of [
    'heading attributes `onfocus`',
    'script URL removed from link',
    'data: URL removed from link',
    'data: URL removed from image',
    '`image` ignored',
    'raw HTML dropped: `<img src=x onerror="',
    'raw HTML dropped: `<script>',
  ]) {
    assert.ok(safe.stderr.includes(w), `warning ${w}:\n${safe.stderr}`);
  }
  const { context, fired } = await detector();
  try {
    const pages = await crawl(context, safe.origin);
    assert.deepEqual(fired, [], 'no payload ran while crawling');
    const article = `${safe.origin}/news/xss/`;
    for (const want of [article, `${safe.origin}/news/plain/`, `${safe.origin}/news/`, `${safe.origin}/issues/`]) {
      assert.ok(pages.includes(want), `the crawl reached ${want}: ${pages.join(' ')}`);
    }
    assert.ok(pages.some((p) => p.startsWith(`${safe.origin}/tags/`) && p !== `${safe.origin}/tags/`), 'a tag page');
    assert.ok(pages.some((p) => p.endsWith('/print/')), 'an edition print page');
    const page = await context.newPage();
    for (const url of pages) {
      const response = await page.goto(url);
      assert.equal(response.status(), 200, url);
      // Positive control: the page did load and shows its heading.
      const h1 = await page.locator('h1').first().textContent({ timeout: DEADLINE });
      assert.ok(h1.trim().length > 0, `h1 on ${url}`);
      await exercise(page);
      assert.deepEqual(await audit(page), [], `nothing scriptable on ${url}`);
      assert.deepEqual(await firedHere(page), [], `no payload ran on ${url}`);
      assert.deepEqual(fired, [], `no payload ran on ${url}`);
    }

    // The article shows its hostile fields as text, and the one safe inline image loads.
    await page.goto(article);
    assert.equal((await page.locator('main h1').textContent()).trim(), EVIL_TITLE);
    assert.ok((await page.locator('.corrections-list li').textContent()).includes(img('correction')));
    assert.ok((await page.locator('main .content').textContent()).includes(img('code')));
    assert.equal(await page.locator('main .content img[src^="data:image/png"]').evaluate((i) => i.naturalWidth), 1);
    const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
    assert.equal(ld.headline, EVIL_TITLE);
    assert.equal(ld.image, undefined, 'the refused lead image is not in JSON-LD');

    // An alias redirects to the article without running anything on the way.
    await page.goto(`${safe.origin}/old/xss/`);
    await page.waitForURL(article, { timeout: DEADLINE });
    assert.equal((await page.locator('main h1').textContent()).trim(), EVIL_TITLE);
    await exercise(page);
    assert.deepEqual(await firedHere(page), []);

    // Markup in a search query and in the results it finds is shown as text.
    await page.goto(`${safe.origin}/search/?q=${encodeURIComponent(`${img('query')} onerror`)}`);
    const status = () => /找到 \d+ 篇|无结果/.test(document.querySelector('#search-status')?.textContent ?? '');
    await page.waitForFunction(status, null, { timeout: DEADLINE });
    await exercise(page);
    assert.deepEqual(await audit(page), [], 'nothing scriptable on the search page');
    assert.deepEqual(await firedHere(page), []);

    // Feeds (the site's, the section's, the editions'): a reader that renders entry HTML as
    // is (innerHTML) runs nothing either.
    await page.goto(`${safe.origin}/`);
    const entries = await page.evaluate(async (feeds) => {
      let n = 0;
      for (const feed of feeds) {
        const xml = new DOMParser().parseFromString(await (await fetch(feed)).text(), 'application/xml');
        if (xml.querySelector('parsererror') || !xml.querySelector('feed')) return `${feed} is not a feed`;
        for (const part of xml.querySelectorAll('entry > content, entry > summary')) {
          const div = document.createElement('div');
          div.className = 'feed-entry';
          div.innerHTML = part.textContent;
          document.querySelector('main').append(div);
          n++;
        }
      }
      return n;
    }, ['atom.xml', 'news/atom.xml', 'issues/atom.xml']);
    assert.ok(entries >= 8, `feed entries rendered: ${entries}`);
    assert.ok((await page.locator('.feed-entry h2').count()) >= 1, 'the article body is in the feed');
    await exercise(page);
    assert.deepEqual(await audit(page), [], 'nothing scriptable in feed HTML');
    assert.deepEqual(await firedHere(page), [], 'no payload in feed HTML ran');
    assert.deepEqual(fired, [], 'no payload ran');
  } finally {
    await context.close();
  }
});

test('control: with unsafe_html raw HTML does run, heading attributes and script links still do not', { skip }, async () => {
  const { context, fired } = await detector();
  try {
    const page = await context.newPage();
    await page.goto(`${unsafe.origin}/news/xss/`);
    assert.equal((await page.locator('main h1').textContent()).trim(), '不安全模式');
    await exercise(page);
    // Raw HTML is published as written: the detector sees its script and its handlers run,
    // on load, on focus, on hover and on click.
    const ran = [...new Set(await firedHere(page))].sort();
    assert.deepEqual(ran, ['raw', 'raw-focus', 'raw-hover', 'raw-link', 'script']);
    // The binding's reports arrive asynchronously: wait for them, with a deadline.
    const deadline = Date.now() + DEADLINE;
    while (new Set(fired).size < ran.length && Date.now() < deadline) await page.evaluate(() => 0);
    assert.deepEqual([...new Set(fired)].sort(), ran, 'reported across the binding too');
    const found = await audit(page);
    assert.deepEqual(
      found,
      ['img[onerror]', 'p[onmouseover]', 'div[onfocus]', `a[href=javascript:${run('raw-link')}]`, 'script (inline)'],
      'only the raw HTML carries handlers and script URLs',
    );
  } finally {
    await context.close();
  }
});
