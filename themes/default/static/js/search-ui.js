/**
 * Gazette search page: the reader's side of `search.js`. Plain ES module, no
 * dependencies, loaded only by the search page (templates/search.html); the
 * search box in every page's header is a plain form that submits `?q=` here.
 *
 * Reads `?q=` (and `section`, `tag`, `year`) on load, searches while the reader
 * types (debounced, and not in the middle of an IME composition), keeps the
 * URL in step with `history.replaceState` so a search can be shared, and
 * announces the result count in a polite live region. When nothing matches
 * exactly, the status offers the suggested queries (您要找的是不是…, as links that
 * run them) and a list of its own, labelled 部分匹配, shows the partial matches.
 *
 * Thrift: a search superseded by further typing is aborted before it fetches
 * fragments, and "显示更多结果" asks the engine for the next slice of the
 * ranking it already holds (no second search), appending to the list.
 *
 * Everything shown — titles, excerpts, section names, tags and the query — is
 * inserted as text: elements are made with createElement and filled with
 * textContent or append, never with innerHTML.
 */

import { createSearch, parseQuery, SearchError } from './search.js';
import { isHan, mayFold, normalize } from './gazette-tokenize.js';

const DEBOUNCE_MS = 200;
// Results per page. Ten fill more than a phone's screen, and each shown result costs a
// fragment request: twenty made the first page of every query twice the requests and bytes
// for results mostly below the fold. "更多" now only fetches the next ten fragments.
const PAGE = 10;
const MAX_TAG_OPTIONS = 200;

const ALNUM = /^[\p{Alphabetic}\p{N}]$/u;
const isWordChar = (ch) => ch !== undefined && ALNUM.test(ch) && !isHan(ch.codePointAt(0));

/** An element with text content (or child nodes) and attributes; never parses HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) node.append(c);
  return node;
}

/**
 * The strings to highlight for a query: each positive clause, normalised, split into its
 * runs of Han characters and runs of other letters or digits (the tokenizer's own word
 * boundaries; it ignores everything between them).
 */
export function needles(query) {
  const out = new Set();
  for (const clause of parseQuery(query)) {
    if (clause.negated) continue;
    let run = '';
    let han = false;
    for (const ch of normalize(clause.text)) {
      const h = isHan(ch.codePointAt(0));
      if (run && (!ALNUM.test(ch) || h !== han)) {
        out.add(run);
        run = '';
      }
      if (ALNUM.test(ch)) {
        run += ch;
        han = h;
      }
    }
    if (run) out.add(run);
  }
  return [...out];
}

/**
 * `text` split into `[string, highlighted]` parts: every occurrence of every needle,
 * matched on the normalised text (NFKC, lowercase, Traditional folded once the table is
 * loaded), so full-width digits, capitals and Traditional characters match what the reader
 * typed, and the text is shown as written. Runs of letters match whole words only, like the
 * tokenizer, runs holding a digit also inside longer words (72个 finds 172个); Han runs match
 * anywhere.
 */
export function highlightParts(text, ns) {
  text = String(text ?? '');
  if (!text || ns.length === 0) return text ? [[text, false]] : [];
  // Normalise code point by code point, remembering where each normalised unit came from.
  let norm = '';
  const origin = []; // normalised UTF-16 index → [start, end) in `text`
  let at = 0;
  for (const ch of text) {
    const n = normalize(ch);
    for (let k = 0; k < n.length; k += 1) origin.push([at, at + ch.length]);
    norm += n;
    at += ch.length;
  }
  const hits = [];
  for (const needle of ns) {
    // Words holding a digit may be part of a longer one (72个 matches 172个); others are whole.
    const word = isWordChar([...needle][0]) && !/\p{N}/u.test(needle);
    let from = 0;
    for (;;) {
      const i = norm.indexOf(needle, from);
      if (i < 0) break;
      const j = i + needle.length;
      from = i + 1;
      if (word && (isWordChar(charBefore(norm, i)) || isWordChar(charAt(norm, j)))) continue;
      hits.push([origin[i][0], origin[j - 1][1]]);
    }
  }
  if (hits.length === 0) return [[text, false]];
  hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const h of hits) {
    const last = merged[merged.length - 1];
    if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
    else merged.push([...h]);
  }
  const parts = [];
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) parts.push([text.slice(pos, s), false]);
    parts.push([text.slice(s, e), true]);
    pos = e;
  }
  if (pos < text.length) parts.push([text.slice(pos), false]);
  return parts;
}

function charAt(s, i) {
  const cp = s.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

function charBefore(s, i) {
  if (i <= 0) return undefined;
  const lo = s.charCodeAt(i - 1);
  const start = lo >= 0xdc00 && lo <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return charAt(s, start);
}

/** Text with `<mark>` around the needles, as nodes. */
function highlighted(text, ns) {
  return highlightParts(text, ns).map(([s, hit]) => (hit ? el('mark', {}, s) : document.createTextNode(s)));
}

function displayDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd || '');
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : '';
}

function resultItem(r, ns) {
  const title = el('h2', { className: 'search-result-title' }, el('a', { href: r.url }, ...highlighted(r.title, ns)));
  const meta = el('p', { className: 'search-result-meta' });
  if (r.section && r.section.title) meta.append(el('span', { className: 'search-result-section' }, r.section.title));
  const date = displayDate(r.date);
  if (date) {
    if (meta.childNodes.length) meta.append(' · ');
    meta.append(el('time', { datetime: r.date }, date));
  }
  const item = el('li', { className: 'search-result' }, title);
  if (meta.childNodes.length) item.append(meta);
  if (r.excerpt) {
    // The excerpt (search-excerpt.js) already marks where it cuts the text with …
    item.append(el('p', { className: 'search-result-excerpt' }, ...highlighted(r.excerpt, ns)));
  }
  if (r.tags && r.tags.length) {
    const tags = el('ul', { className: 'search-result-tags', 'aria-label': '标签' });
    for (const t of r.tags) tags.append(el('li', {}, t));
    item.append(tags);
  }
  return item;
}

/**
 * The section filter's options: every section, parents included (their counts include their
 * sub-sections), in tree order, labelled with the titles of the sections enclosing it
 * ("新闻 › 就业") so two sub-sections of the same name stay apart.
 */
export function sectionOptions(sections) {
  const label = (i, seen = 0) => {
    const [, title, , parent] = sections[i];
    const up = Number.isInteger(parent) && parent >= 0 && parent < sections.length && seen < sections.length;
    return up ? `${label(parent, seen + 1)} › ${title}` : title;
  };
  return sections.map(([key, , count], i) => [key, label(i), count]);
}

/** What the reader is told when a search fails. */
export function failure(err) {
  if (err instanceof SearchError && err.kind === 'format') return '搜索索引已更新，请刷新页面。';
  if (err instanceof SearchError && err.kind === 'stale') return '搜索索引正在更新，请稍后刷新页面再试。';
  return '加载失败：无法读取搜索索引，请检查网络后重试。';
}

/** The suggested queries as links; a plain click runs the query in place with `go`. */
function suggestionNodes(suggestions, go) {
  const nodes = ['您要找的是不是：'];
  suggestions.forEach((q, i) => {
    if (i > 0) nodes.push('、');
    const p = new URLSearchParams(location.search);
    p.set('q', q);
    const a = el('a', { className: 'search-suggestion', href: `?${p}` }, q);
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      go(q);
    });
    nodes.push(a);
  });
  nodes.push('？');
  return nodes;
}

/** The 部分匹配 section, kept apart from the exact results' list. */
function partialSection() {
  return el(
    'section',
    { className: 'search-partial', id: 'search-partial', hidden: true, 'aria-labelledby': 'search-partial-title' },
    el('h2', { className: 'search-partial-title', id: 'search-partial-title' }, '部分匹配'),
    el('p', { className: 'search-partial-note' }),
    el('ol', { className: 'search-results search-partial-results', id: 'search-partial-results' }),
  );
}

/** Shows the partial matches of an answer (or hides the section when there are none). */
function showPartial(box, partial) {
  const shown = partial ? partial.results : [];
  box.hidden = shown.length === 0;
  const n = shown.length;
  const more = partial && partial.total > n ? `，显示前 ${n} 篇` : '';
  box.querySelector('.search-partial-note').textContent = n
    ? `以下 ${partial.total} 篇文章只包含查询中的部分字词${more}。`
    : '';
  box.querySelector('ol').replaceChildren(...shown.map((r) => resultItem(r, partial.terms)));
}

function start(root) {
  const base = root.dataset.searchBase || 'search/';
  const engine = createSearch({ baseUrl: new URL(base, location.href).href });
  const form = root.querySelector('form.search-form');
  const input = root.querySelector('#search-q');
  const status = root.querySelector('#search-status');
  const list = root.querySelector('#search-results');
  const more = root.querySelector('#search-more');
  const partialBox = partialSection();
  list.after(partialBox);
  const filterBox = root.querySelector('#search-filters');
  const toggle = root.querySelector('#search-filter-toggle');
  const selects = {
    section: root.querySelector('#search-section'),
    tag: root.querySelector('#search-tag'),
    year: root.querySelector('#search-year'),
  };

  const params = new URLSearchParams(location.search);
  input.value = params.get('q') ?? '';
  const wanted = { section: params.get('section') ?? '', tag: params.get('tag') ?? '', year: params.get('year') ?? '' };
  let seq = 0;
  let timer = 0;
  let composing = false;
  // The search in flight (aborted when superseded) and the one on screen (for "更多").
  let inflight = null;
  let shown = null;

  const setStatus = (text, kind) => {
    status.textContent = text;
    status.className = `search-status${kind ? ` search-status-${kind}` : ''}`;
  };

  function syncUrl(q, filters) {
    const p = new URLSearchParams(location.search);
    for (const k of ['q', 'section', 'tag', 'year']) p.delete(k);
    if (q) p.set('q', q);
    for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
    const qs = p.toString();
    const url = `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
  }

  function filters() {
    return { section: selects.section.value, tag: selects.tag.value, year: selects.year.value };
  }

  const options = (f, extra) => ({
    section: f.section || undefined,
    tag: f.tag || undefined,
    year: f.year || undefined,
    ...extra,
  });

  function showStatus(q, f, total, count) {
    const filtered = f.section || f.tag || f.year ? '（已筛选）' : '';
    if (total === 0) setStatus(`无结果：没有找到包含“${q}”的文章${filtered}。`, 'empty');
    else setStatus(`找到 ${total} 篇文章${filtered}${count < total ? `，显示前 ${count} 篇` : ''}`);
  }

  function showError(q, err) {
    list.replaceChildren();
    showPartial(partialBox, null);
    more.hidden = true;
    shown = null;
    root.dataset.shown = q;
    setStatus(failure(err), 'error');
    console.warn('gazette search:', err);
  }

  async function run() {
    clearTimeout(timer);
    const mine = ++seq;
    inflight?.abort();
    inflight = null;
    const q = input.value.trim();
    const f = filters();
    syncUrl(q, f);
    if (parseQuery(q).every((c) => c.negated)) {
      list.replaceChildren();
      showPartial(partialBox, null);
      more.hidden = true;
      shown = null;
      setStatus(q ? '请输入要查找的词，而不只是排除的词。' : '');
      // A search this one overtook will not clear these.
      root.removeAttribute('aria-busy');
      root.dataset.shown = q;
      return;
    }
    root.setAttribute('aria-busy', 'true');
    const controller = new AbortController();
    inflight = controller;
    try {
      const { total, results, suggestions, partial } = await engine.search(
        q,
        options(f, { limit: PAGE, signal: controller.signal }),
      );
      if (mine !== seq) return;
      const partialShown = total === 0 ? partial : null;
      await foldingFor([...results, ...(partialShown?.results ?? [])]);
      if (mine !== seq) return;
      const ns = needles(q);
      list.replaceChildren(...results.map((r) => resultItem(r, ns)));
      showPartial(partialBox, partialShown);
      shown = { q, f, ns, total, count: results.length };
      more.hidden = results.length >= total;
      // For scripts and tests: the query whose results are on screen.
      root.dataset.shown = q;
      showStatus(q, f, total, results.length);
      if (total === 0 && suggestions?.length) status.append(...suggestionNodes(suggestions, go));
    } catch (err) {
      if (mine !== seq || err?.name === 'AbortError') return;
      showError(q, err);
    } finally {
      if (mine === seq) {
        root.removeAttribute('aria-busy');
        inflight = null;
      }
    }
  }

  /** The next page of the results on screen: a slice of the ranking the engine holds. */
  async function showMore() {
    const mine = seq;
    const now = shown;
    if (!now || more.disabled) return;
    more.disabled = true;
    try {
      const { total, results } = await engine.search(now.q, options(now.f, { limit: PAGE, offset: now.count }));
      if (mine !== seq || now !== shown) return;
      await foldingFor(results);
      if (mine !== seq || now !== shown) return;
      const first = list.children.length;
      list.append(...results.map((r) => resultItem(r, now.ns)));
      now.count += results.length;
      now.total = total;
      more.hidden = now.count >= total;
      showStatus(now.q, now.f, total, now.count);
      // Keep the keyboard where the reader was: on the first newly shown result.
      list.children[first]?.querySelector('a')?.focus();
    } catch (err) {
      if (mine === seq && now === shown) showError(now.q, err);
    } finally {
      more.disabled = false;
    }
  }

  // Highlights are found on normalised text, Traditional characters folded: a Traditional
  // query loaded the folding table already, but a Simplified one shown a result written in
  // Traditional characters needs it too, so 劳动者 highlights 勞動者 as written.
  async function foldingFor(results) {
    if (!results.some((r) => mayFold(`${r.title}\n${r.excerpt ?? ''}`))) return;
    try {
      await engine.folding();
    } catch (err) {
      console.warn('gazette search folding:', err);
    }
  }

  // Runs a suggested query as if the reader had typed it.
  function go(q) {
    input.value = q;
    input.focus();
    run();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  input.addEventListener('compositionstart', () => {
    composing = true;
  });
  input.addEventListener('compositionend', () => {
    composing = false;
    schedule();
  });
  input.addEventListener('input', (e) => {
    if (!composing && !e.isComposing) schedule();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  for (const s of Object.values(selects)) s.addEventListener('change', () => run());
  more.addEventListener('click', showMore);

  function option(value, label) {
    return el('option', { value }, label);
  }

  // The facet lists grow with the archive, so they are fetched only when the reader opens the
  // filters (or arrives with one in the URL), not for every first search.
  let facetsLoaded = null;
  function loadFacets() {
    facetsLoaded ??= engine.facets().then((f) => {
      for (const [key, label, count] of sectionOptions(f.sections)) {
        selects.section.append(option(key, `${label}（${count}）`));
      }
      const tags = f.tags.slice(0, MAX_TAG_OPTIONS);
      if (wanted.tag && !tags.some((t) => t[0] === wanted.tag)) {
        const t = f.tags.find((x) => x[0] === wanted.tag);
        if (t) tags.push(t);
      }
      for (const [name, count] of tags) selects.tag.append(option(name, `${name}（${count}）`));
      for (const [year, count] of f.years) selects.year.append(option(year, `${year}年（${count}）`));
      for (const [k, s] of Object.entries(selects)) {
        if (wanted[k] && [...s.options].some((o) => o.value === wanted[k])) s.value = wanted[k];
      }
    });
    facetsLoaded.catch(() => {
      facetsLoaded = null;
    });
    return facetsLoaded;
  }

  function showFilters(open) {
    toggle.setAttribute('aria-expanded', String(open));
    filterBox.hidden = !open;
  }

  toggle.hidden = false;
  toggle.addEventListener('click', async () => {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      showFilters(false);
      return;
    }
    try {
      await loadFacets();
      showFilters(true);
      selects.section.focus();
    } catch (err) {
      setStatus('加载失败：无法读取筛选项，请稍后重试。', 'error');
      console.warn('gazette search facets:', err);
    }
  });

  // The entry is preloaded with the page: take it now, so the first keystroke's search needs
  // only its shards (a failure here is reported by that search).
  engine.ready().catch(() => {});
  const filtered = Object.values(wanted).some(Boolean);
  const ready = filtered ? loadFacets().then(() => showFilters(true)) : Promise.resolve();
  ready
    .catch((err) => console.warn('gazette search facets:', err))
    .finally(() => {
      if (input.value.trim()) run();
    });
  if (!input.value.trim()) input.focus();
}

// Imported outside a page (node tests of the helpers above), there is nothing to start.
const root = globalThis.document?.getElementById('search-app');
if (root) start(root);
