// The articles of a built site as plain text, and grep over them: the ground truth of the
// search benchmark (bench/search.sh; see bench/README.md). Shared by search_queries.mjs and
// search_quality.mjs.
//
// The text is read back from the built article pages, not from the index, so the truth does
// not depend on the index format being measured: the title is the page's <h1 class="article-title">,
// the body is <div class="content"> with footnote definitions and footnote reference marks
// dropped (the index leaves them out too) and a newline after every block, and the tags are the
// links of the page's "terms-tags" group. Gazette indexes exactly these three fields.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references a static site generator writes. */
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Removes `<tag …>…</tag>` elements (balanced over nested tags of the same name). */
function dropElements(html, tag, attrTest) {
  const open = new RegExp(`<${tag}\\b[^>]*>`, 'gi');
  let out = '';
  let at = 0;
  for (;;) {
    open.lastIndex = at;
    let m;
    while ((m = open.exec(html)) && !attrTest(m[0]));
    if (!m) return out + html.slice(at);
    out += html.slice(at, m.index);
    // Walk to the matching close tag.
    const any = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
    any.lastIndex = m.index + m[0].length;
    let depth = 1;
    let end = html.length;
    let t;
    while ((t = any.exec(html))) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) {
        end = t.index + t[0].length;
        break;
      }
    }
    at = end;
  }
}

/** Plain text of an HTML fragment: blocks end in a newline, table cells in a space. */
export function htmlText(html) {
  html = dropElements(html, 'div', (t) => /class="[^"]*footnote-definition/.test(t));
  html = dropElements(html, 'sup', (t) => /class="[^"]*footnote-reference/.test(t));
  html = html
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/(p|h[1-6]|li|tr|blockquote|dt|dd|pre)>/gi, '\n')
    .replace(/<\/(td|th)>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(html);
}

function between(html, start, end) {
  const i = html.indexOf(start);
  if (i < 0) return null;
  const j = html.indexOf(end, i + start.length);
  return j < 0 ? null : html.slice(i + start.length, j);
}

/** The names in the page's list of `taxonomy` terms (the article footer). */
function terms(html, taxonomy) {
  const group = new RegExp(`<div class="terms-group terms-${taxonomy}">([\\s\\S]*?)</div>`).exec(html);
  return group ? [...group[1].matchAll(/<a [^>]*>([\s\S]*?)<\/a>/g)].map((m) => htmlText(m[1]).trim()) : [];
}

/** One article page → { url, title, body, tags, regions } (plain text as written), or null. */
export function parseArticle(html, url) {
  const titleHtml = /<h1 class="article-title"[^>]*>([\s\S]*?)<\/h1>/.exec(html);
  const body = between(html, '<div class="content">', '<footer class="article-footer">');
  if (!titleHtml || body === null) return null;
  // The content div's own closing tag is the last thing before the footer.
  const text = htmlText(body.replace(/<\/div>\s*$/, ''));
  return { url, title: htmlText(titleHtml[1]).trim(), body: text, tags: terms(html, 'tags'), regions: terms(html, 'regions') };
}

/** NFKC + lowercase: what both Gazette tokenizers apply before matching. */
export const norm = (s) => String(s).normalize('NFKC').toLowerCase();

/**
 * The article pages of a built site (`news/<section>/a<n>/index.html`, the pages the
 * benchmark's Pagefind run indexes too), sorted by article number.
 */
export async function loadArticles(site) {
  const news = path.join(site, 'news');
  const docs = [];
  for (const section of (await readdir(news, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    const dir = path.join(news, section.name);
    const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^a\d+$/.test(d.name));
    await Promise.all(
      names.map(async (d) => {
        const url = `/news/${section.name}/${d.name}/`;
        const html = await readFile(path.join(dir, d.name, 'index.html'), 'utf8').catch(() => null);
        const doc = html && parseArticle(html, url);
        if (doc) docs.push(doc);
      }),
    );
  }
  const num = (u) => Number(/\/a(\d+)\/$/.exec(u)[1]);
  docs.sort((a, b) => num(a.url) - num(b.url));
  for (const d of docs) {
    d.fields = [norm(d.title), norm(d.body), ...d.tags.map(norm)];
    d.loose = d.fields.map(loose);
  }
  return docs;
}

/** Letters and digits only: text as a tokenizer that skips punctuation and spaces sees it. */
const loose = (s) => s.replace(/[^\p{L}\p{N}]+/gu, '');

/** The clauses of a query as the benchmark reads it: whitespace separates. */
export const clausesOf = (q) => norm(q).split(/\s+/u).filter(Boolean);

/**
 * grep: the URLs of the articles where every clause of `q` occurs, as a substring, inside one
 * field (title, body or a tag) after NFKC + lowercase.
 */
export function grep(docs, q) {
  const cs = clausesOf(q);
  if (cs.length === 0) return [];
  return docs.filter((d) => cs.every((c) => d.fields.some((f) => f.includes(c)))).map((d) => d.url);
}

/**
 * The URLs that `grep` leaves out but that hold every clause once punctuation and spaces are
 * ignored on both sides (“12351”热线 for 12351热线): matches across punctuation, reported apart
 * so a reader can tell them from plain false matches.
 */
export function grepAcrossPunctuation(docs, q) {
  const strict = new Set(grep(docs, q));
  const cs = clausesOf(q).map(loose).filter(Boolean);
  if (cs.length === 0) return [];
  return docs.filter((d) => !strict.has(d.url) && cs.every((c) => d.loose.some((f) => f.includes(c)))).map((d) => d.url);
}
