/**
 * Gazette search client: ranks the static index under `search/` exactly like
 * `gazette search` (tantivy), in the browser or in Node 20+. Plain ES module,
 * no dependencies beyond the shared tokenizer.
 *
 *   const s = createSearch({ baseUrl: '/search/', fetch });
 *   const { total, results } = await s.search('户外劳动者', { limit: 10 });
 *
 * The index format is documented in `src/search/export.rs`. Query semantics
 * follow `src/search/query.rs`: whitespace-separated clauses are ANDed, a
 * clause matches as a contiguous string (its covered terms as a phrase at
 * their query positions, see `clauseTerms`), `"quoted phrases"` keep their
 * spaces, `-clause` excludes, and a clause that is a single Han character
 * matches every 1–2 character term holding it with a constant score. A query
 * holding a Traditional character the tokenizer folds first loads the folding
 * table (`entry.fold`); Simplified queries never download it. Scores are
 * tantivy's BM25 (k1 1.2, b 0.75, title ×2) recomputed in 32-bit floats from
 * each posting's field-norm byte, its term frequency and the term's idf, times
 * each doc's recency factor from `entry.json` (src/search/recency.rs), so ties
 * break the same way: equal scores go to the higher (newer) doc number.
 *
 * Across deploys: `entry.json` is the only file with a fixed name and is
 * revalidated on every load; every other file's name carries its content's
 * identity. A client holding an older entry gets the files that entry means or
 * a 404; on a 404, a file that does not decode or a format it does not read, it
 * reloads the entry once and searches again, then gives up with a
 * `SearchError` whose `kind` says why ('format', 'stale', 'network').
 *
 * Thrift: every file is fetched at most once per client (fragments included),
 * the ranking of recent queries is kept so a further page (`offset`) slices it,
 * and a search whose `signal` was aborted stops before fetching fragments. A
 * shard holds docs, field-norm bytes and term frequencies; the positions of its
 * terms sit in one companion file, fetched only for a clause of several terms
 * (a phrase) whose terms share a document, so one-term clauses never load them.
 *
 * Each result carries a query-aware excerpt (search-excerpt.js). When nothing
 * matches exactly, the answer also holds `suggestions` (queries to try, from the
 * site's vocabulary) and `partial` matches, ranked apart from exact results
 * (search-suggest.js, loaded only then; `src/search/forgive.rs` on the Rust side).
 */

import { AFFIX_MARK, CHAR_SLOTS, MAX_AFFIX, hasAffixes, isHan, mayFold, normalize, setFolding, tokenize, tokenTexts } from './gazette-tokenize.js';
import { excerpt, excerptNeedles, needsBody } from './search-excerpt.js';

const f32 = Math.fround;
const K1 = f32(1.2);
const B = f32(0.75);
const CHAR_KEY = '\u0001';
// The index format this client reads (`VERSION` in src/search/export.rs).
const FORMAT = 5;
// Rankings kept for further pages and for queries typed again.
const RANKINGS = 16;

// tantivy's FIELD_NORMS_TABLE: field-norm byte → field length.
const FIELD_NORMS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
  31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 42, 44, 46, 48, 50, 52, 54, 56, 60, 64, 68, 72, 76, 80, 84, 88, 96, 104,
  112, 120, 128, 136, 144, 152, 168, 184, 200, 216, 232, 248, 264, 280, 312, 344, 376, 408, 440, 472, 504, 536, 600,
  664, 728, 792, 856, 920, 984, 1048, 1176, 1304, 1432, 1560, 1688, 1816, 1944, 2072, 2328, 2584, 2840, 3096, 3352,
  3608, 3864, 4120, 4632, 5144, 5656, 6168, 6680, 7192, 7704, 8216, 9240, 10264, 11288, 12312, 13336, 14360, 15384,
  16408, 18456, 20504, 22552, 24600, 26648, 28696, 30744, 32792, 36888, 40984, 45080, 49176, 53272, 57368, 61464,
  65560, 73752, 81944, 90136, 98328, 106520, 114712, 122904, 131096, 147480, 163864, 180248, 196632, 213016, 229400,
  245784, 262168, 294936, 327704, 360472, 393240, 426008, 458776, 491544, 524312, 589848, 655384, 720920, 786456,
  851992, 917528, 983064, 1048600, 1179672, 1310744, 1441816, 1572888, 1703960, 1835032, 1966104, 2097176, 2359320,
  2621464, 2883608, 3145752, 3407896, 3670040, 3932184, 4194328, 4718616, 5242904, 5767192, 6291480, 6815768,
  7340056, 7864344, 8388632, 9437208, 10485784, 11534360, 12582936, 13631512, 14680088, 15728664, 16777240, 18874392,
  20971544, 23068696, 25165848, 27263000, 29360152, 31457304, 33554456, 37748760, 41943064, 46137368, 50331672,
  54525976, 58720280, 62914584, 67108888, 75497496, 83886104, 92274712, 100663320, 109051928, 117440536, 125829144,
  134217752, 150994968, 167772184, 184549400, 201326616, 218103832, 234881048, 251658264, 268435480, 301989912,
  335544344, 369098776, 402653208, 436207640, 469762072, 503316504, 536870936, 603979800, 671088664, 738197528,
  805306392, 872415256, 939524120, 1006632984, 1073741848, 1207959576, 1342177304, 1476395032, 1610612760,
  1744830488, 1879048216, 2013265944,
];

const ALNUM = /^[\p{Alphabetic}\p{N}]$/u;
// Rust's char::is_whitespace (Unicode White_Space).
const SPACE = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Compares strings by code point, i.e. in the UTF-8 byte order of the shards. */
export function compareTerms(a, b) {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0);
    const cy = y.value.codePointAt(0);
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Splits a query into clauses like `parse` in src/search/query.rs. */
export function parseQuery(q) {
  const chars = [...String(q)];
  const out = [];
  let i = 0;
  while (i < chars.length) {
    if (SPACE.test(chars[i])) {
      i += 1;
      continue;
    }
    let negated = false;
    if (chars[i] === '-') {
      negated = true;
      i += 1;
    }
    let text = '';
    if (chars[i] === '"' || chars[i] === '\u201c') {
      i += 1;
      while (i < chars.length) {
        const c = chars[i++];
        if (c === '"' || c === '\u201d') break;
        text += c;
      }
    } else {
      while (i < chars.length && !SPACE.test(chars[i])) text += chars[i++];
    }
    if (tokenTexts(text).length > 0) out.push({ text, negated });
  }
  return out;
}

/**
 * The terms a clause is matched by, as `{text, position}`, like `clause_terms` in
 * src/search/query.rs: its query tokens, except that a Han run of three or more characters is
 * matched by the index's trigrams at offsets 0, 3, 6, … and the last. Two trigrams at most 3
 * characters apart lie in one run of the text, so the phrase stays exact, and a trigram's
 * postings are far smaller than those of the common bigrams it spans. The first and last
 * terms, when words, are looked up as a suffix and a prefix.
 */
export function clauseTerms(clause) {
  const tokens = tokenize(clause);
  const bigram = (t) => {
    const cs = [...t.text];
    return cs.length === 2 && cs.every((c) => isHan(c.codePointAt(0)));
  };
  const out = [];
  let i = 0;
  while (i < tokens.length) {
    let j = i + 1;
    if (bigram(tokens[i])) {
      while (j < tokens.length && bigram(tokens[j]) && tokens[j].position === tokens[j - 1].position + CHAR_SLOTS) j += 1;
    }
    if (j - i < 2) {
      out.push({ text: tokens[i].text, position: tokens[i].position });
    } else {
      // Trigram k: bigram k and the second character of bigram k + 1.
      const trigram = (k) => ({ text: tokens[k].text + [...tokens[k + 1].text][1], position: tokens[k].position });
      const last = j - 2;
      for (let k = i; k <= last; k += 3) out.push(trigram(k));
      if ((last - i) % 3 !== 0) out.push(trigram(last));
    }
    i = j;
  }
  // Of more than one term, the first word as a suffix and the last as a prefix when they hold
  // a digit and nothing separates them from the clause's ends (`72个` occurs in `172个`); a
  // word between other terms stays whole (`mark_affixes` in query.rs).
  const affix = (t) => hasAffixes(t.text) && [...t.text].length <= MAX_AFFIX;
  if (out.length > 1) {
    if (tokens[0].from === 0 && affix(out[0])) out[0].text = AFFIX_MARK + out[0].text;
    const last = out[out.length - 1];
    if (tokens[tokens.length - 1].to === normalize(clause).length && affix(last)) last.text += AFFIX_MARK;
  }
  return out;
}

// A reader of LEB128 varints over `buf`; `at()` is the offset reached.
function varints(buf, from, what) {
  let at = from;
  const next = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error(`truncated ${what}`);
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  return { next, at: () => at, skip: (k) => (at += k) };
}

// A shard: `{positions, terms}`, the path of its positions file (null for character keys
// only) and term → [title, body, tags] postings `{idf, docs, norms, tf, positions: null}`.
function decodeShard(buf, n) {
  const utf8 = new TextDecoder();
  if (utf8.decode(buf.subarray(0, 4)) !== 'GZS2') throw new Error('not a search shard');
  const r = varints(buf, 4, 'shard');
  const varint = r.next;
  const plen = varint();
  const positions = plen > 0 ? utf8.decode(buf.subarray(r.at(), r.skip(plen))) : null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const terms = new Map();
  const count = varint();
  for (let t = 0; t < count; t += 1) {
    const len = varint();
    const term = utf8.decode(buf.subarray(r.at(), r.skip(len)));
    const mask = buf[r.at()];
    r.skip(1);
    const fields = [null, null, null];
    for (let fi = 0; fi < 3; fi += 1) {
      if (!(mask & (1 << fi))) continue;
      const kind = buf[r.at()];
      r.skip(1);
      const df = varint();
      const docsOnly = (kind & 2) !== 0;
      const fp = { idf: 0, docs: [], norms: null, tf: null, positions: null };
      if (!docsOnly) {
        fp.idf = view.getFloat32(r.at(), true);
        r.skip(4);
      }
      if (kind & 1) {
        const at = r.at();
        for (let d = 0; d < n; d += 1) if (buf[at + (d >> 3)] & (1 << (d & 7))) fp.docs.push(d);
        r.skip(Math.ceil(n / 8));
      } else {
        let prev = 0;
        for (let k = 0; k < df; k += 1) {
          prev += varint();
          fp.docs.push(prev);
        }
      }
      if (!docsOnly) {
        fp.norms = buf.subarray(r.at(), r.skip(df));
        fp.tf = new Array(df);
        for (let k = 0; k < df; k += 1) fp.tf[k] = varint();
      }
      fields[fi] = fp;
    }
    terms.set(term, fields);
  }
  return { positions, terms };
}

// Reads a shard's positions file into its postings' `positions` (all or none): per term in
// shard order, per scored field, per posting tf position deltas.
function decodePositions(buf, terms) {
  if (new TextDecoder().decode(buf.subarray(0, 4)) !== 'GZP1') throw new Error('not a positions file');
  const r = varints(buf, 4, 'positions file');
  const read = [];
  for (const fields of terms.values()) {
    for (const fp of fields) {
      if (!fp?.tf) continue;
      const lists = new Array(fp.tf.length);
      for (let k = 0; k < fp.tf.length; k += 1) {
        const pos = new Array(fp.tf[k]);
        let prev = 0;
        for (let p = 0; p < pos.length; p += 1) {
          prev += r.next();
          pos[p] = prev;
        }
        lists[k] = pos;
      }
      read.push([fp, lists]);
    }
  }
  if (r.at() !== buf.length) throw new Error('positions file does not match its shard');
  for (const [fp, lists] of read) fp.positions = lists;
}

/**
 * Why a search failed. `kind`: 'format' (the index is in a format this client
 * does not read: the page is older or newer than the index), 'stale' (an index
 * file is missing or unreadable, even after reloading the entry: a deploy is
 * under way or incomplete), 'network' (the host could not be reached or
 * answered with an error).
 */
export class SearchError extends Error {
  constructor(kind, message, options) {
    super(message, options);
    this.name = 'SearchError';
    this.kind = kind;
  }
}

const abortError = () => new DOMException('the search was superseded', 'AbortError');

/**
 * Each doc's recency factor as 32-bit floats, from the entry's table
 * `{steps, runs: [d1, k1, d2, k2, …]}`: runs of equal factors as differences
 * from the previous run, run i starting at doc d1 + … + di with the factor
 * (k1 + … + ki) / steps (`table` in src/search/recency.rs).
 */
function recencyFactors(table, docs) {
  const out = new Float32Array(docs).fill(1);
  const runs = Array.isArray(table?.runs) ? table.runs : [];
  let num = 0;
  let k = 0;
  for (let i = 0; i + 1 < runs.length; i += 2) {
    num += runs[i];
    k += runs[i + 1];
    // Up to the next run's first doc (or the end).
    const end = i + 3 < runs.length ? num + runs[i + 2] : docs;
    out.fill(k / table.steps, num, end);
  }
  return out;
}

/** The path of doc `num`'s file by `pattern` (`f/{block}/{num}.json`) and the entry's blocks. */
function docPath(e, pattern, num) {
  const block = e.blocks[Math.floor(num / e.block_size)] ?? '';
  return pattern.replace('{block}', block).replace('{num}', String(num));
}

/** The ids of the section `key` and of every section inside it, from the facet list. */
function sectionIds(f, key) {
  const k = String(key).replace(/^\/+|\/+$/g, '');
  const inside = new Set();
  // Parents come before their sub-sections in the list.
  f.sections.forEach((s, i) => {
    if (s[0] === k || (s[3] !== undefined && inside.has(s[3]))) inside.add(i);
  });
  return inside;
}

/**
 * A search over the static index at `baseUrl` (the URL of the `search/`
 * folder). `fetch` defaults to the global one.
 */
export function createSearch({ baseUrl, fetch: fetchFn = globalThis.fetch } = {}) {
  const base = String(baseUrl ?? 'search/').replace(/\/?$/, '/');
  const cache = new Map();
  const once = (key, make) => {
    if (!cache.has(key)) {
      const p = make();
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return cache.get(key);
  };

  // A missing file (a newer deploy removed it) is 'stale'; other failures are the network's.
  async function bytes(path, init) {
    let res;
    try {
      res = await fetchFn(base + path, init);
    } catch (err) {
      throw new SearchError('network', `cannot load ${base + path}: ${err?.message ?? err}`, { cause: err });
    }
    if (!res.ok) {
      const kind = res.status === 404 || res.status === 410 ? 'stale' : 'network';
      throw new SearchError(kind, `cannot load ${base + path}: ${res.status}`);
    }
    let buf = new Uint8Array(await res.arrayBuffer());
    // The host may or may not have decoded Content-Encoding: gzip already.
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        const stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
        buf = new Uint8Array(await new Response(stream).arrayBuffer());
      } catch (err) {
        throw new SearchError('stale', `cannot decode ${base + path}`, { cause: err });
      }
    }
    return buf;
  }
  const decoded = (path, decode) => {
    try {
      return decode();
    } catch (err) {
      throw new SearchError('stale', `cannot decode ${base + path}: ${err?.message ?? err}`, { cause: err });
    }
  };
  const json = (path, init) =>
    bytes(path, init).then((b) => decoded(path, () => JSON.parse(new TextDecoder().decode(b))));

  // The entry, revalidated with the host on every load; `fresh` loads it again.
  let current = null;
  let serial = 0;
  function entry(fresh = false) {
    if (!current || fresh) {
      const p = loadEntry();
      p.catch(() => {
        if (current === p) current = null;
      });
      current = p;
    }
    return current;
  }
  async function loadEntry() {
    const e = await json('entry.json', { cache: 'no-cache' });
    if (e?.version !== FORMAT) {
      throw new SearchError('format', `search index format ${e?.version}, this client reads ${FORMAT}`);
    }
    const docs = e.docs;
    e.serial = ++serial;
    e.caches = e.tokens.map((tokens) => {
      const avg = f32(f32(tokens) / f32(docs));
      return FIELD_NORMS.map((len) => f32(K1 * f32(f32(1 - B) + f32(f32(B * f32(len)) / avg))));
    });
    e.boosts = recencyFactors(e.recency, docs);
    return e;
  }

  // The file of the last [first_term, file] pair whose first term is <= term.
  function fileFor(list, term) {
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareTerms(list[mid][0], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return list[lo] ? list[lo][1] : null;
  }

  // The decoded shard that would hold `term` (null past the index). Two levels: the entry
  // lists ranges of shards, a range file lists its shards.
  async function shardFor(e, term) {
    const range = fileFor(e.ranges, term);
    if (!range) return null;
    const file = fileFor(await once(range, () => json(range)), term);
    if (!file) return null;
    // Shards are named by content, so one decoded for an older entry is still right.
    const key = `${file}#${e.docs}`;
    return once(key, async () => {
      const b = await bytes(file);
      return { ...decoded(file, () => decodeShard(b, e.docs)), key };
    });
  }

  async function lookup(e, term) {
    return (await shardFor(e, term))?.terms.get(term) ?? [null, null, null];
  }

  // Loads the positions of every term of `term`'s shard (once per shard), for phrases.
  async function withPositions(e, term) {
    const shard = await shardFor(e, term);
    const file = shard?.positions;
    if (!file) return;
    await once(`${file}#${shard.key}`, async () => {
      const b = await bytes(file);
      decoded(file, () => decodePositions(b, shard.terms));
    });
  }

  // Map doc → score of one clause in one field (field index fi, boost).
  async function clauseInField(e, clause, fi, boost) {
    const tokens = tokenTexts(clause);
    const norm = normalize(clause);
    const chars = [...norm];
    const han = chars.filter((c) => isHan(c.codePointAt(0)));
    const out = new Map();
    if (tokens.length === 1 && han.length === 1 && chars.filter((c) => ALNUM.test(c)).length === 1) {
      const fp = (await lookup(e, CHAR_KEY + han[0]))[fi];
      if (fp) for (const d of fp.docs) out.set(d, f32(boost));
      return out;
    }
    const terms = clauseTerms(clause);
    const lists = await Promise.all(terms.map((t) => lookup(e, t.text).then((f) => f[fi])));
    if (lists.length === 0 || lists.some((l) => !l)) return out;
    let idf = 0;
    if (lists.length === 1) idf = lists[0].idf;
    else for (const l of lists) idf = f32(idf + l.idf);
    let weight = f32(idf * f32(1 + K1));
    if (boost !== 1) weight = f32(weight * f32(boost));
    const cacheOf = e.caches[fi];
    const score = (normId, tf) => f32(weight * f32(tf / f32(tf + cacheOf[normId])));
    if (lists.length === 1) {
      const l = lists[0];
      for (let k = 0; k < l.docs.length; k += 1) out.set(l.docs[k], score(l.norms[k], l.tf[k]));
      return out;
    }
    // Phrase: docs in every list (positions are fetched only if there are any), then start
    // positions where every term sits at its offset.
    const offsets = terms.map((t) => t.position - terms[0].position);
    const indexes = lists.map((l) => new Map(l.docs.map((d, k) => [d, k])));
    const first = lists.reduce((a, b) => (b.docs.length < a.docs.length ? b : a));
    const both = [];
    for (const d of first.docs) {
      const ks = indexes.map((m) => m.get(d));
      if (!ks.some((k) => k === undefined)) both.push([d, ks]);
    }
    if (both.length === 0) return out;
    await Promise.all(terms.map((t) => withPositions(e, t.text)));
    for (const [d, ks] of both) {
      const sets = ks.map((k, i) => new Set(lists[i].positions[k]));
      let count = 0;
      for (const p of lists[0].positions[ks[0]]) {
        let ok = true;
        for (let i = 1; i < lists.length && ok; i += 1) ok = sets[i].has(p + offsets[i]);
        if (ok) count += 1;
      }
      if (count > 0) out.set(d, score(lists[0].norms[ks[0]], count));
    }
    return out;
  }

  // Map doc → score of one clause: title (boosted), body, tags summed in that order.
  async function clauseScores(e, clause) {
    const parts = await Promise.all([
      clauseInField(e, clause, 0, e.title_boost),
      clauseInField(e, clause, 1, 1),
      clauseInField(e, clause, 2, 1),
    ]);
    const out = new Map();
    for (const part of parts) for (const [d, s] of part) out.set(d, out.has(d) ? f32(out.get(d) + s) : s);
    return out;
  }

  async function facets(e) {
    e ??= await entry();
    return once(e.facets, () => json(e.facets));
  }

  // The filters of `search`'s options as a predicate on doc numbers; null without any.
  // A section includes its sub-sections.
  async function keeper(e, { section, tag, year }) {
    if (!section && !tag && !year) return null;
    const f = await facets(e);
    const sids = section ? sectionIds(f, section) : null;
    const tid = tag ? f.tags.findIndex((t) => t[0] === tag) : -1;
    const yid = year ? f.years.findIndex((y) => y[0] === String(year)) : -1;
    return (d) =>
      (!section || sids.has(f.section[d])) &&
      (!tag || (tid >= 0 && f.tags_of[d].includes(tid))) &&
      (!year || (yid >= 0 && f.year[d] === yid));
  }

  // A result's body text for its excerpt: its opening and its body file's text after it
  // (null when it has none or it cannot be loaded: the excerpt is then the opening).
  function bodyText(e, d, opening) {
    if (typeof e.body !== 'string') return Promise.resolve(null);
    const path = docPath(e, e.body, d);
    return once(path, () => json(path))
      .then((b) => (typeof b?.text === 'string' ? opening + b.text : null))
      .catch(() => null);
  }

  // Results as shown, from [doc, score] pairs: fragments, and body files where the excerpt
  // needs one.
  async function showResults(e, shown, needles) {
    const fragments = await Promise.all(
      shown.map(([d]) => {
        const path = docPath(e, e.fragment, d);
        return once(path, () => json(path));
      }),
    );
    // Excerpts match on folded text, as in Rust: a result written in Traditional characters
    // needs the folding table (the page loads it to highlight such a result anyway).
    const traditional = (t) => typeof t === 'string' && mayFold(t);
    if (e.fold && fragments.some((f) => traditional(f.title) || traditional(f.text))) await folding();
    const bodies = await Promise.all(
      fragments.map((f, i) => (needsBody(f.title, f.text, needles) ? bodyText(e, shown[i][0], f.text) : null)),
    );
    if (e.fold && bodies.some(traditional)) await folding();
    return fragments.map((f, i) => ({
      num: shown[i][0],
      score: shown[i][1],
      url: f.url,
      title: f.title,
      date: f.date,
      section: { key: f.section, title: f.section_title },
      tags: f.tags,
      excerpt: excerpt(f.title, f.text, bodies[i], needles),
    }));
  }

  // When nothing matches exactly: suggestions (the vocabulary and the code are fetched only
  // now) and partial matches, each term scored as a one-term query.
  async function forgive(e, clauses, { matched, neg, keep }, limit, signal) {
    const { partialTerms, prepareVocab, rankPartial, suggestQuery, wantsSuggestions } = await import(
      './search-suggest.js'
    );
    const vocab = () => once(e.vocab, async () => prepareVocab(await json(e.vocab)));
    const terms = partialTerms(clauses);
    const wanted = typeof e.vocab === 'string' && wantsSuggestions(clauses, matched);
    const [suggestions, termScores] = await Promise.all([
      wanted
        ? vocab()
            .then((v) => suggestQuery(v, clauses, matched))
            .catch((err) => {
              console.warn('gazette search vocabulary:', err);
              return [];
            })
        : [],
      Promise.all(terms.map((t) => clauseScores(e, t))),
    ]);
    const ranked = rankPartial(termScores, (d) => !neg.some((m) => m.has(d)) && (!keep || keep(d)));
    if (signal?.aborted) throw abortError();
    const shown = ranked.slice(0, Math.max(1, limit));
    const results = await showResults(e, shown.map(([d, , s]) => [d, s]), terms);
    results.forEach((r, i) => {
      r.matched = shown[i][1];
    });
    return { suggestions, partial: { total: ranked.length, terms, results } };
  }

  /** Loads the folding table (once) and installs it in the tokenizer. */
  async function folding() {
    const e = await entry();
    if (!e.fold) throw new Error('this search index has no folding table');
    return once(e.fold, async () => setFolding((await json(e.fold)).pairs));
  }

  // Ranked [doc, score] pairs of a query under one entry, kept for the last RANKINGS queries.
  const rankings = new Map();
  function ranked(e, clauses, filters) {
    const key = JSON.stringify([e.serial, clauses, filters]);
    let p = rankings.get(key);
    if (p) {
      rankings.delete(key);
    } else {
      p = rank(e, clauses, filters);
      p.catch(() => rankings.delete(key));
    }
    rankings.set(key, p);
    while (rankings.size > RANKINGS) rankings.delete(rankings.keys().next().value);
    return p;
  }

  async function rank(e, clauses, { section, tag, year }) {
    const positive = clauses.filter((c) => !c.negated);
    const [pos, neg] = await Promise.all([
      Promise.all(positive.map((c) => clauseScores(e, c.text))),
      Promise.all(clauses.filter((c) => c.negated).map((c) => clauseScores(e, c.text))),
    ]);
    // Which clauses match on their own (for suggestions), before the sort below reorders them.
    const matched = [];
    let k = 0;
    for (const c of clauses) matched.push(c.negated ? false : pos[k++].size > 0);
    // tantivy sums the clauses of an intersection cheapest first; for one or two clauses
    // the order does not change the float sum.
    pos.sort((a, b) => a.size - b.size);
    let hits = [];
    for (const [d, s0] of pos[0]) {
      let s = s0;
      let ok = true;
      for (let i = 1; i < pos.length && ok; i += 1) {
        const x = pos[i].get(d);
        if (x === undefined) ok = false;
        else s = f32(s + x);
      }
      // The recency factor multiplies the whole score, as in `gazette search`.
      if (ok && !neg.some((m) => m.has(d))) hits.push([d, f32(s * e.boosts[d])]);
    }
    const keep = await keeper(e, { section, tag, year });
    if (keep) hits = hits.filter(([d]) => keep(d));
    hits.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
    return { hits, matched, neg, keep };
  }

  async function searchWith(e, clauses, { limit = 10, offset = 0, section, tag, year, signal } = {}) {
    const ranking = await ranked(e, clauses, { section, tag, year });
    const { hits } = ranking;
    // A search superseded while it ranked fetches no fragments.
    if (signal?.aborted) throw abortError();
    const from = Math.max(0, Math.floor(offset));
    const shown = hits.slice(from, from + Math.max(1, limit));
    const results = await showResults(e, shown, excerptNeedles(clauses));
    if (hits.length > 0) return { total: hits.length, results, suggestions: [], partial: null };
    return { total: 0, results, ...(await forgive(e, clauses, ranking, limit, signal)) };
  }

  /**
   * Runs `query`; options: limit (10), offset (0: the first result to return),
   * section (key; its sub-sections included), tag (name), year, signal (an
   * AbortSignal: once aborted, the search stops before fetching fragments and
   * rejects with an AbortError).
   */
  async function search(query, options = {}) {
    const clauses = parseQuery(query);
    if (!clauses.some((c) => !c.negated)) return { total: 0, results: [], suggestions: [], partial: null };
    try {
      if (mayFold(query)) await folding();
      return await searchWith(await entry(), clauses, options);
    } catch (err) {
      // A newer deploy replaced the files this entry names: load the entry again, once.
      if (!(err instanceof SearchError) || err.kind === 'network' || options.signal?.aborted) throw err;
      const fresh = await entry(true);
      if (mayFold(query)) await folding();
      return searchWith(fresh, clauses, options);
    }
  }

  /** Loads the entry ahead of the first search (the search page preloads it). */
  const ready = () => entry().then(() => undefined);

  return { search, facets, ready, folding };
}
