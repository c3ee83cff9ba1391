/**
 * Gazette search tokenizer for the browser: a token-for-token mirror of
 * `src/search/tokenize.rs`. `tests/data/tokenizer-vectors.json` pins both
 * implementations (checked by `tests/tokenizer_vectors.rs` and
 * `tests/js/tokenizer.test.mjs`); change them together.
 *
 * NFKC-normalise, then lowercase the whole string. A run of Han characters
 * becomes overlapping character bigrams (a lone Han character stays a
 * unigram); a maximal run of other letters or digits (Unicode Alphabetic or
 * general category N*, like Rust's `char::is_alphanumeric`) becomes one word;
 * everything else separates tokens. Positions are consecutive token indexes.
 *
 * Plain ES module, no dependencies.
 */

// Same ranges as `is_han` in src/paths.rs. Exported for search.js and search-ui.js.
export function isHan(cp) {
  return (
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x2fa1f) ||
    (cp >= 0x30000 && cp <= 0x3134f)
  );
}

const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]$/u;

function isAlphanumeric(ch) {
  return ALPHANUMERIC.test(ch);
}

/** Normalises like the tokenizer does before splitting: NFKC, then lowercase. */
export function normalize(text) {
  return String(text).normalize('NFKC').toLowerCase();
}

/**
 * Tokens of `text` as `{text, position, from, to}`.
 *
 * `from`/`to` are UTF-16 code-unit offsets into `normalize(text)` (usable with
 * `String.prototype.slice`), whereas the Rust tokenizer reports UTF-8 byte
 * offsets; only `text` and `position` are meant to match the Rust side.
 */
export function tokenize(text) {
  const norm = normalize(text);
  // Code points with their UTF-16 offsets; iterating the string walks code
  // points, so astral Han (extension B and later) stays one character.
  const chars = [];
  let offset = 0;
  for (const ch of norm) {
    chars.push({ ch, cp: ch.codePointAt(0), at: offset });
    offset += ch.length;
  }
  const endOf = (k) => (k < chars.length ? chars[k].at : norm.length);

  const out = [];
  const push = (from, to) => {
    out.push({ text: norm.slice(from, to), position: out.length, from, to });
  };

  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (isHan(c.cp)) {
      let j = i;
      while (j < chars.length && isHan(chars[j].cp)) j += 1;
      if (j - i === 1) {
        push(c.at, endOf(j));
      } else {
        for (let k = i; k < j - 1; k += 1) push(chars[k].at, endOf(k + 2));
      }
      i = j;
    } else if (isAlphanumeric(c.ch)) {
      let j = i;
      while (j < chars.length && isAlphanumeric(chars[j].ch) && !isHan(chars[j].cp)) j += 1;
      push(c.at, endOf(j));
      i = j;
    } else {
      i += 1;
    }
  }
  return out;
}

/** The token texts of `text`. */
export function tokenTexts(text) {
  return tokenize(text).map((t) => t.text);
}
