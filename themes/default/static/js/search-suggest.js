/**
 * Forgiving search for the search page: "did you mean" suggestions from the site's vocabulary
 * (`search/vocab.<hash>.json`, fetched only when a query finds nothing) and the terms partial
 * matches count. A mirror of `src/search/suggest.rs` and `src/search/forgive.rs`, so the
 * browser suggests and ranks like `gazette search` (`tests/data/forgive-vectors.json` pins
 * both). Plain ES module, no dependencies beyond the shared tokenizer.
 *
 * Per clause that finds nothing on its own: ASCII letters (spaces and apostrophes ignored)
 * suggest the entries whose pinyin key equals them or, from 4 letters on, starts with them;
 * a clause with Han characters suggests the entries one edit away (substitution, insertion,
 * deletion or a swap of neighbours), both normalised like the tokenizer. At most 3, heaviest
 * first, then shortest, then in code-point order. A query keeps the clauses that match and
 * replaces the others by their suggestions; when one has none, there is no suggestion.
 */

import { isHan, normalize, tokenTexts } from './gazette-tokenize.js';

const MAX_SUGGESTIONS = 3;
const PREFIX_LETTERS = 4;
// Rust's char::is_whitespace (Unicode White_Space).
const SPACE = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

/** Compares strings by code point (Rust's str order). */
function byCodePoint(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Heaviest first, then shortest, then code-point order. */
function rank(a, b) {
  return b.weight - a.weight || a.chars.length - b.chars.length || byCodePoint(a.text, b.text);
}

/**
 * The pinyin key of `text` under the vocabulary's table: per code point of its normalised
 * form, a Han character's pinyin, an ASCII letter or digit itself; null when a Han character
 * has no pinyin there.
 */
export function pinyinKey(table, text) {
  let key = '';
  for (const ch of normalize(text)) {
    if (isHan(ch.codePointAt(0))) {
      const p = Object.hasOwn(table, ch) ? table[ch] : undefined;
      if (typeof p !== 'string') return null;
      key += p;
    } else if (/^[a-z0-9]$/.test(ch)) {
      key += ch;
    }
  }
  return key;
}

/** The vocabulary file's JSON, made ready to match: keys and normalised texts computed once. */
export function prepareVocab(raw) {
  const table = raw && typeof raw.pinyin === 'object' && raw.pinyin ? raw.pinyin : {};
  const entries = Array.isArray(raw?.entries) ? raw.entries : [];
  return entries
    .filter((e) => Array.isArray(e) && typeof e[0] === 'string' && Number.isFinite(e[1]))
    .map(([text, weight]) => ({
      text,
      weight,
      chars: [...text],
      norm: [...normalize(text)],
      key: pinyinKey(table, text),
    }));
}

/** True when `a` and `b` (arrays of code points) are exactly one edit apart. */
export function oneEdit(a, b) {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i += 1;
  const same = (x, from, y, at) => x.length - from === y.length - at && x.slice(from).every((c, k) => c === y[at + k]);
  if (la === lb) {
    if (i === la) return false;
    return same(a, i + 1, b, i + 1) || (i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && same(a, i + 2, b, i + 2));
  }
  return la > lb ? same(a, i + 1, b, i) : same(a, i, b, i + 1);
}

/** The suggestions for one clause, best first. `vocab` comes from prepareVocab. */
export function suggestClause(vocab, clause) {
  const norm = normalize(clause);
  const letters = [...norm].filter((c) => c !== ' ' && c !== "'" && c !== '\u2019').join('');
  let found = [];
  if (letters && /^[a-z]+$/.test(letters)) {
    found = vocab.filter(
      (e) => e.key !== null && (e.key === letters || (letters.length >= PREFIX_LETTERS && e.key.startsWith(letters))),
    );
  } else if ([...norm].some((c) => isHan(c.codePointAt(0)))) {
    const typed = [...norm];
    found = vocab.filter((e) => oneEdit(typed, e.norm));
  }
  return [...found].sort(rank).slice(0, MAX_SUGGESTIONS).map((e) => e.text);
}

/** A clause as typed in a query: quoted when needed, `-` in front when negated. */
function clauseText(text, negated) {
  const quote = SPACE.test(text) || text.startsWith('-') || text.startsWith('"') || text.startsWith('\u201c');
  return (negated ? '-' : '') + (quote ? `"${text}"` : text);
}

/** True when some positive clause matches nothing on its own: only then are suggestions sought. */
export function wantsSuggestions(clauses, matched) {
  return clauses.some((c, i) => !c.negated && !matched[i]);
}

/**
 * The suggested queries for `clauses` (from parseQuery), given which match something on
 * their own (`matched[i]`); negated clauses are kept as typed.
 */
export function suggestQuery(vocab, clauses, matched) {
  const options = [];
  let replaced = false;
  for (let i = 0; i < clauses.length; i += 1) {
    const c = clauses[i];
    if (c.negated || matched[i]) {
      options.push([clauseText(c.text, c.negated)]);
      continue;
    }
    const found = suggestClause(vocab, c.text);
    if (found.length === 0) return [];
    replaced = true;
    options.push(found.map((t) => clauseText(t, false)));
  }
  if (!replaced) return [];
  const out = [];
  const most = Math.max(0, ...options.map((o) => o.length));
  for (let k = 0; k < most; k += 1) {
    const q = options.map((o) => o[Math.min(k, o.length - 1)]).join(' ');
    if (!out.includes(q)) out.push(q);
  }
  return out;
}

/**
 * The terms partial matches count: the distinct tokens of the positive clauses, in order, less
 * single Han characters.
 */
export function partialTerms(clauses) {
  const out = [];
  for (const c of clauses) {
    if (c.negated) continue;
    for (const t of tokenTexts(c.text)) {
      const chars = [...t];
      const loneHan = chars.length === 1 && isHan(chars[0].codePointAt(0));
      if (!loneHan && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

/** The fewest terms a partial match holds: half of them, rounded up. */
export function partialThreshold(terms) {
  return Math.max(1, Math.ceil(terms / 2));
}

/**
 * Partial matches from each term's map doc → score (in term order): `[doc, terms held, score]`
 * for the docs holding at least half of the terms and passing `keep`, best first. Scores are
 * summed in term order in 32-bit floats.
 */
export function rankPartial(termScores, keep = () => true) {
  const found = new Map();
  for (const scores of termScores) {
    for (const [d, s] of scores) {
      const e = found.get(d) ?? [0, 0];
      e[0] += 1;
      e[1] = Math.fround(e[1] + s);
      found.set(d, e);
    }
  }
  const least = partialThreshold(termScores.length);
  const out = [];
  for (const [d, [n, s]] of found) if (n >= least && keep(d)) out.push([d, n, s]);
  return out.sort((a, b) => b[1] - a[1] || b[2] - a[2] || b[0] - a[0]);
}
