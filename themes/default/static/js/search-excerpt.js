/**
 * Query-aware excerpts for the search page: a mirror of `src/search/excerpt.rs`, so the
 * browser shows the same excerpt as `gazette search` (`tests/data/forgive-vectors.json` pins
 * both). Plain ES module, no dependencies beyond the shared tokenizer.
 *
 * The excerpt is the fragment's opening when the title or the opening holds a match (or
 * nothing matches); otherwise a window of about 100 characters of the body file around the
 * first match, started at its sentence (or clause) when that is close, ended at a sentence end
 * when one is close, with … where it cuts a sentence. Only in that last case is the body file
 * needed (`needsBody`). Positions are counted in code points, like Rust's chars.
 */

import { isHan, normalize } from './gazette-tokenize.js';

/** OPENING_CHARS in src/search/excerpt.rs: the length of a fragment's opening. */
export const OPENING_CHARS = 160;
/** BODY_CHARS: the length of a body file's text. */
export const BODY_CHARS = 4000;
const WINDOW_CHARS = 100;
const WINDOW_MIN = 80;
const WINDOW_MAX = 120;
const BEFORE = 30;
const SENTENCE_BACK = 60;
const CLAUSE_BACK = 40;

const ALNUM = /^[\p{Alphabetic}\p{N}]$/u;
const isWord = (ch) => ch !== undefined && ALNUM.test(ch) && !isHan(ch.codePointAt(0));
const endsSentence = (ch) => '。！？!?；;'.includes(ch);
const endsClause = (ch) => '，,、：:'.includes(ch);
const closes = (ch) => '”’」』）)》"\''.includes(ch);

/**
 * The strings a query highlights, from its clauses (`parseQuery`): each positive clause,
 * normalised, split into runs of Han characters and runs of other letters or digits (like
 * `needles` in search-ui.js).
 */
export function excerptNeedles(clauses) {
  const out = [];
  const push = (run) => {
    if (run && !out.includes(run)) out.push(run);
  };
  for (const clause of clauses) {
    if (clause.negated) continue;
    let run = '';
    let han = false;
    for (const ch of normalize(clause.text)) {
      const h = isHan(ch.codePointAt(0));
      if (run && (!ALNUM.test(ch) || h !== han)) {
        push(run);
        run = '';
      }
      if (ALNUM.test(ch)) {
        run += ch;
        han = h;
      }
    }
    push(run);
  }
  return out;
}

/**
 * The first match of any needle in `text` as `[start, end)` code-point indexes of `text` (the
 * earliest start, the longest on a tie), or null. Compared on the text normalised code point
 * by code point; needles of letters match whole words only, those holding a digit also
 * inside longer words.
 */
export function firstMatch(text, needles) {
  const norm = [];
  const origin = [];
  let i = 0;
  for (const ch of String(text ?? '')) {
    for (const n of normalize(ch)) {
      norm.push(n);
      origin.push(i);
    }
    i += 1;
  }
  let best = null;
  for (const needle of needles) {
    const n = [...needle];
    if (n.length === 0 || n.length > norm.length) continue;
    // A word holding a digit may be part of a longer one (72个 matches 172个, see the word
    // affixes in gazette-tokenize.js); other words match whole.
    const word = isWord(n[0]) && !n.some((c) => /\p{N}/u.test(c));
    for (let k = 0; k + n.length <= norm.length; k += 1) {
      let same = true;
      for (let j = 0; j < n.length && same; j += 1) same = norm[k + j] === n[j];
      if (!same) continue;
      if (word && (isWord(norm[k - 1]) || isWord(norm[k + n.length]))) continue;
      const m = [origin[k], origin[k + n.length - 1] + 1];
      if (!best || m[0] < best[0] || (m[0] === best[0] && m[1] > best[1])) best = m;
      break;
    }
  }
  return best;
}

const count = (s) => [...String(s ?? '')].length;

/** True when neither the title nor a full opening holds a match: the body file is needed. */
export function needsBody(title, opening, needles) {
  return (
    needles.length > 0 &&
    count(opening) >= OPENING_CHARS &&
    firstMatch(title, needles) === null &&
    firstMatch(opening, needles) === null
  );
}

/** The excerpt of a result; `body` is its body file's text when fetched, else null. */
export function excerpt(title, opening, body, needles) {
  const open = String(opening ?? '');
  const shownOpening = () => open + (count(open) >= OPENING_CHARS ? '…' : '');
  if (body === null || body === undefined || !needsBody(title, open, needles)) return shownOpening();
  const m = firstMatch(body, needles);
  return m ? windowOf([...String(body)], m) : shownOpening();
}

function windowOf(text, [s, e]) {
  const len = text.length;
  const after = (i) => {
    let j = i + 1;
    while (j < len && closes(text[j])) j += 1;
    return j;
  };
  const back = (reach, hit) => {
    for (let i = s - 1; i >= Math.max(0, s - reach); i -= 1) if (hit(text[i])) return i;
    return -1;
  };
  let at = back(SENTENCE_BACK, endsSentence);
  if (at < 0) at = back(CLAUSE_BACK, endsClause);
  let start = at >= 0 ? Math.min(after(at), s) : s <= BEFORE ? 0 : s - BEFORE;
  while (start < s && text[start] === ' ') start += 1;
  const lo = Math.max(e, start + WINDOW_MIN);
  const hi = Math.min(start + WINDOW_MAX, len);
  const forward = (hit) => {
    for (let i = lo; i < hi; i += 1) if (hit(text[i])) return i;
    return -1;
  };
  let to = forward(endsSentence);
  if (to < 0) to = forward(endsClause);
  let end = Math.min(to >= 0 ? after(to) : Math.max(e, start + WINDOW_CHARS), len);
  while (end > e && text[end - 1] === ' ') end -= 1;
  let sentenceBefore = start === 0;
  if (!sentenceBefore) {
    let i = start;
    while (i > 0 && (closes(text[i - 1]) || text[i - 1] === ' ')) i -= 1;
    sentenceBefore = i === 0 || endsSentence(text[i - 1]);
  }
  let sentenceAfter = end >= len && len < BODY_CHARS;
  if (!sentenceAfter && end > 0) {
    let i = end;
    while (i > 0 && closes(text[i - 1])) i -= 1;
    sentenceAfter = i > 0 && endsSentence(text[i - 1]);
  }
  return (sentenceBefore ? '' : '…') + text.slice(start, end).join('') + (sentenceAfter ? '' : '…');
}
