// The search benchmark's query list, drawn from the built corpus itself with a fixed seed, and
// each query's ground truth by grep. Used by bench/search.sh; see bench/README.md.
//
//   node bench/search_queries.mjs --site OUT --seed 42 --out queries.tsv --truth truth.json
//
// Writes a TSV (id, set, kind, exact, query, intended, truth_count) and a JSON file: `truth`,
// query → URLs of the articles that contain it (the truth of `intended`), and
// `across_punctuation`, query → URLs that hold it only if punctuation is skipped. Kinds:
//   title        2–10 Han characters of an article title, whole words (Intl.Segmenter 'zh')
//   body         2–8 Han characters of an article body, whole words
//   number       a date, ordinal, count or version with its unit as written (2024年, 5月20日,
//                第3期, 约3000人, 12名, 2.0版), now and then with a Han character or two around it
//   twoword      two 2–4 character phrases of one article separated by a space (both must occur)
//   tag          a tag name
//   place        a region name (province or city) from the articles' region terms
//   traditional  a title phrase or tag in Traditional characters (OpenCC, Taiwan or Hong Kong
//                standard); its truth is that of the Simplified phrase it came from
//   pinyin       toneless pinyin of a short phrase or tag, no spaces (jiuye); truth: the phrase's
//   typo         a 3–6 character phrase with one character replaced by one read the same, or
//                dropped, and found nowhere in the corpus; truth: the phrase's
//   legacy       the 20 short queries of the earlier benchmark, kept as a separate set
// `exact` is 1 where the query itself is the text to find (every kind but pinyin and typo).
// The list is shuffled (seeded), so each query's "second query" is of a random kind.
//
// Traditional text: npm `opencc-js` (MIT; its conversion tables are OpenCC's, Apache-2.0).
// Pinyin: npm `pinyin-pro` (MIT). Both are devDependencies used by the benchmark only.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { clausesOf, grep, grepAcrossPunctuation, loadArticles, norm } from './search_corpus.mjs';

export const LEGACY_QUERIES = [
  '户外劳动者', '技能人才', '12351', '安全生产', '快递员',
  '高校毕业生', '零工市场', '工匠', '职工之家', '春风行动',
  '劳动教育', '直播带岗', '安全隐患', '外卖骑手', '杭州',
  '职业技能竞赛', '12351热线', '2024年', '焊工 技能', '有限空间',
];

/** How many queries of each kind the main set holds (225 in all). */
export const QUOTA = { title: 50, body: 15, number: 50, twoword: 25, tag: 20, place: 20, traditional: 20, pinyin: 15, typo: 10 };

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

/** mulberry32: a small seeded PRNG, the same sequence on every platform. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    shuffle(xs) {
      for (let i = xs.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [xs[i], xs[j]] = [xs[j], xs[i]];
      }
      return xs;
    },
  };
}

const HAN_RUN = /\p{Script=Han}+/gu;
const hanRuns = (s, min = 2) => [...s.matchAll(HAN_RUN)].map((m) => m[0]).filter((r) => [...r].length >= min);

/** Phrase lengths: short ones most often, long ones (up to `max`) still well represented. */
function phraseLength(r, max) {
  const x = r.next();
  const len = x < 0.35 ? 2 + r.below(2) : x < 0.75 ? 4 + r.below(3) : 7 + r.below(4);
  return Math.min(len, max);
}

const WORDS = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * A phrase a reader might type: consecutive words (ICU's Chinese word breaks) of one run of Han
 * characters in `text`, starting on a word of two or more characters, about `phraseLength` long
 * and at most `max` characters.
 */
function wordPhrase(r, text, max) {
  const runs = hanRuns(text);
  if (runs.length === 0) return null;
  const words = [...WORDS.segment(r.pick(runs))].map((w) => w.segment);
  const target = phraseLength(r, max);
  const at = r.below(words.length);
  if ([...words[at]].length < 2) return null;
  let p = '';
  for (let j = at; j < words.length && [...p].length < target; j += 1) p += words[j];
  const n = [...p].length;
  return n >= 2 && n <= max ? p : null;
}

// Dates, ordinals, counts and versions as the articles write them, with the Han unit next to the
// digits. The optional Han context is added by `numberQuery`.
const NUMBER_PATTERNS = [
  ['year', /\d{4}年/gu, 8],
  ['month-day', /\d{1,2}月\d{1,2}日/gu, 8],
  ['full-date', /\d{4}年\d{1,2}月\d{1,2}日/gu, 4],
  ['year-month', /\d{4}年\d{1,2}月/gu, 3],
  ['ordinal', /第\d+[期批届次]/gu, 10],
  ['count', /\d+(?:\.\d+)?万?[人名户家个件项处场份]/gu, 9],
  ['about', /约\d+人/gu, 3],
  ['version', /\d+\.\d+版/gu, 3],
  ['money', /\d+(?:\.\d+)?[万亿]元/gu, 2],
];

function numberQuery(r, doc, re) {
  const text = r.next() < 0.2 ? doc.title : doc.body;
  const ms = [...text.matchAll(re)];
  if (ms.length === 0) return null;
  const m = r.pick(ms);
  let q = m[0];
  // One query in four carries a Han character or two of its context (亮牌管理2.0版-style).
  if (r.next() < 0.25) {
    const before = /\p{Script=Han}{1,3}$/u.exec(text.slice(0, m.index));
    const after = /^\p{Script=Han}{1,2}/u.exec(text.slice(m.index + m[0].length));
    if (before && r.next() < 0.5) q = before[0] + q;
    else if (after) q += after[0];
  }
  return q;
}

function generate(docs, seed) {
  const r = rng(seed);
  const out = [];
  const seen = new Set(LEGACY_QUERIES.map(norm));
  const counts = new Map(); // normalised query → truth size, memoised
  const truthSize = (q) => {
    const k = norm(q);
    if (!counts.has(k)) counts.set(k, grep(docs, q).length);
    return counts.get(k);
  };
  // A query joins the list once, and only when the corpus holds its intended text.
  const add = (kind, query, intended = query) => {
    const k = norm(query);
    if (seen.has(k) || clausesOf(query).length === 0 || truthSize(intended) === 0) return false;
    seen.add(k);
    out.push({ kind, query, intended });
    return true;
  };
  const fill = (kind, make, tries = 5000) => {
    let n = out.filter((q) => q.kind === kind).length;
    for (let t = 0; n < QUOTA[kind] && t < tries; t += 1) {
      const q = make();
      if (q && add(kind, ...(Array.isArray(q) ? q : [q]))) n += 1;
    }
    if (n < QUOTA[kind]) throw new Error(`only ${n} ${kind} queries could be drawn (want ${QUOTA[kind]})`);
  };
  const doc = () => r.pick(docs);
  const titlePhrase = (max = 10) => wordPhrase(r, doc().title, max);
  const bodyPhrase = (d, max = 8) => wordPhrase(r, d.body, max);

  fill('title', () => titlePhrase(10));
  fill('body', () => bodyPhrase(doc()));
  for (const [, re, want] of NUMBER_PATTERNS) {
    const before = out.filter((q) => q.kind === 'number').length;
    for (let t = 0; out.filter((q) => q.kind === 'number').length < before + want && t < 3000; t += 1) {
      const q = numberQuery(r, doc(), re);
      if (q) add('number', q);
    }
  }
  fill('number', () => numberQuery(r, doc(), r.pick(NUMBER_PATTERNS)[1]));
  fill('twoword', () => {
    const d = doc();
    const a = r.next() < 0.5 ? wordPhrase(r, d.title, 4) : bodyPhrase(d, 4);
    const b = bodyPhrase(d, 4);
    if (!a || !b || a.includes(b) || b.includes(a)) return null;
    return `${a} ${b}`;
  });
  const tags = [...new Set(docs.flatMap((d) => d.tags))].sort();
  const tagDeck = r.shuffle([...tags]);
  fill('tag', () => tagDeck.pop() ?? null, tags.length);
  const places = [...new Set(docs.flatMap((d) => d.regions))].sort();
  const placeDeck = r.shuffle([...places]);
  fill('place', () => placeDeck.pop() ?? null, places.length);

  // Traditional: the phrase must change under conversion, else it is just another exact query.
  const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const toHk = OpenCC.Converter({ from: 'cn', to: 'hk' });
  fill('traditional', () => {
    const s = r.next() < 0.4 ? r.pick(tags) : titlePhrase(8);
    if (!s || [...s].length < 2) return null;
    const t = (r.next() < 0.5 ? toTw : toHk)(s);
    return t === s ? null : [t, s];
  });

  // Pinyin: toneless, no spaces, of 2–4 character phrases (what a reader types without an IME).
  const py = (s) => pinyin(s, { toneType: 'none', type: 'array' }).join('');
  fill('pinyin', () => {
    const s = r.next() < 0.5 ? r.pick(tags.filter((t) => /^\p{Script=Han}{2,4}$/u.test(t))) : titlePhrase(4);
    if (!s || [...s].length < 2) return null;
    const p = py(s);
    return /^[a-z]+$/.test(p) ? [p, s] : null;
  });

  // Typos: one character swapped for another the corpus uses with the same toneless reading,
  // or one dropped; the result must occur nowhere, or it would be an exact query.
  const byReading = new Map();
  for (const ch of new Set(docs.slice(0, 2000).flatMap((d) => [...d.title.matchAll(HAN_RUN)].flatMap((m) => [...m[0]])))) {
    const k = py(ch);
    if (!byReading.has(k)) byReading.set(k, []);
    byReading.get(k).push(ch);
  }
  fill('typo', () => {
    const s = r.next() < 0.4 ? r.pick(tags.filter((t) => /^\p{Script=Han}{3,6}$/u.test(t))) : titlePhrase(6);
    if (!s || [...s].length < 3) return null;
    const cs = [...s];
    const i = r.below(cs.length);
    if (r.next() < 0.7) {
      const same = (byReading.get(py(cs[i])) ?? []).filter((c) => c !== cs[i]);
      if (same.length === 0) return null;
      cs[i] = r.pick(same);
    } else {
      if (cs.length < 4) return null;
      cs.splice(i, 1);
    }
    const t = cs.join('');
    return truthSize(t) === 0 ? [t, s] : null;
  });

  r.shuffle(out);
  const main = out.map((q) => ({ set: 'main', exact: q.kind !== 'pinyin' && q.kind !== 'typo', ...q }));
  const legacy = LEGACY_QUERIES.map((q) => ({ set: 'legacy', kind: 'legacy', exact: true, query: q, intended: q }));
  return [...main, ...legacy].map((q, i) => ({ id: i + 1, ...q }));
}

/** Reads the TSV written below. */
export function readQueries(text) {
  const [head, ...rows] = text.split('\n').filter(Boolean);
  const cols = head.split('\t');
  return rows.map((line) => {
    const v = Object.fromEntries(line.split('\t').map((x, i) => [cols[i], x]));
    return { ...v, id: Number(v.id), exact: v.exact === '1', truth_count: Number(v.truth_count) };
  });
}

async function main() {
  const site = path.resolve(opt('--site', 'public'));
  const seed = Number(opt('--seed', '42'));
  const docs = await loadArticles(site);
  if (docs.length === 0) throw new Error(`no article pages under ${site}/news`);
  const queries = generate(docs, seed);
  const truth = {};
  const acrossPunctuation = {};
  for (const q of queries) {
    truth[q.query] = grep(docs, q.intended);
    const more = grepAcrossPunctuation(docs, q.intended);
    if (more.length) acrossPunctuation[q.query] = more;
  }
  const rows = [['id', 'set', 'kind', 'exact', 'query', 'intended', 'truth_count'].join('\t')];
  for (const q of queries) {
    rows.push([q.id, q.set, q.kind, q.exact ? 1 : 0, q.query, q.intended, truth[q.query].length].join('\t'));
  }
  writeFileSync(opt('--out', 'queries.tsv'), rows.join('\n') + '\n');
  writeFileSync(opt('--truth', 'truth.json'), JSON.stringify({ articles: docs.length, truth, across_punctuation: acrossPunctuation }));
  const byKind = {};
  for (const q of queries) byKind[q.kind] = (byKind[q.kind] ?? 0) + 1;
  console.error(`${queries.length} queries from ${docs.length} articles: ${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
