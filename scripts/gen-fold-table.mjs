// Regenerates the search tokenizer's Traditional → Simplified folding table from OpenCC's
// character dictionary, and the browser tokenizer's list of foldable characters from it.
//
//   node scripts/gen-fold-table.mjs path/to/OpenCC/data/dictionary/TSCharacters.txt [source note]
//
// Writes src/search/ts-fold.txt (read by src/search/fold.rs with include_str!) and rewrites the
// FOLDABLE constant between its marker comments in themes/default/static/js/gazette-tokenize.js.
// The optional source note (e.g. "OpenCC commit 5249273a…") goes into the table's header.
//
// Rule, for each line `source<TAB>candidate candidate…` of TSCharacters.txt:
//   - the first candidate is OpenCC's default conversion; keep source → that character;
//   - skip it when the default is the source itself (OpenCC keeps the character);
//   - drop it when the source is itself a Simplified character, i.e. appears as a candidate of
//     any line (乾 → 干 乾, 於 → 于 於, 瞭 → 瞭 了, 苧 → 苎 but 薴 → 苧): folding those would
//     merge words that Simplified text keeps apart (乾隆, 著名);
//   - except the few in FOLD_ANYWAY, which Simplified text uses only as rare surnames or
//     variants while Traditional text uses them all the time (位於, 特徵, 夥伴, 昇): a reader
//     typing those expects 于, 征, 伙 and 升, and a 于 query also finding the surname 於 costs
//     little.
// Every kept pair is one character to one character, so folding never changes a text's length
// in characters, and no target is a source, so folding twice equals folding once.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [input, note = ''] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/gen-fold-table.mjs TSCharacters.txt [source note]');
  process.exit(2);
}

const entries = [];
for (const line of readFileSync(input, 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [source, values] = line.split('\t');
  const candidates = values.trim().split(/\s+/);
  if ([...source].length !== 1 || candidates.some((c) => [...c].length !== 1)) {
    throw new Error(`not a character mapping: ${JSON.stringify(line)}`);
  }
  entries.push([source, candidates]);
}
const FOLD_ANYWAY = new Set(['於', '徵', '夥', '昇']);
const targets = new Set(entries.flatMap(([, c]) => c));
const kept = [];
const dropped = [];
for (const [source, candidates] of entries) {
  if (candidates[0] === source) continue;
  if (targets.has(source) && !FOLD_ANYWAY.has(source)) dropped.push(`${source}→${candidates.join('/')}`);
  else kept.push([source, candidates[0]]);
}
// Folding twice must equal folding once: no kept target may itself be folded.
const sources = new Set(kept.map(([s]) => s));
for (const [s, t] of kept) if (sources.has(t)) throw new Error(`${s}→${t}, but ${t} is folded too`);
const cp = (s) => s.codePointAt(0);
kept.sort((a, b) => cp(a[0]) - cp(b[0]));

const header = [
  '# Traditional → Simplified character folding for the search tokenizer (src/search/fold.rs).',
  '#',
  "# Derived from OpenCC's data/dictionary/TSCharacters.txt (https://github.com/BYVoid/OpenCC),",
  ...(note ? [`# ${note}.`] : []),
  '# Copyright (c) BYVoid and the OpenCC contributors; Apache License, Version 2.0, see',
  '# src/search/LICENSE-OpenCC.txt. Changed from the original: only the first (default)',
  '# candidate of each line is kept, and some lines are dropped, as described below.',
  '# Regenerate with: node scripts/gen-fold-table.mjs path/to/TSCharacters.txt "source note"',
  '#',
  "# Kept: source → OpenCC's default candidate, when that differs from the source.",
  '# Dropped, because the source is itself a Simplified character (a candidate of some line):',
  `# (Folded all the same, as Traditional text uses them far more: ${[...FOLD_ANYWAY].join(' ')}.)`,
  ...wrapWords(dropped, 12).map((l) => `#   ${l}`),
  '#',
  `# ${kept.length} pairs, one per line: source, tab, target; sorted by source code point.`,
];
const table = `${header.join('\n')}\n${kept.map(([s, t]) => `${s}\t${t}`).join('\n')}\n`;
writeFileSync(join(repo, 'src/search/ts-fold.txt'), table);

// The browser's "may need folding" test: the source code points in order, each as its distance
// from the previous one in base 32, most significant digit first; a digit is one character of
// DIGITS, from its upper half (g–z, 0–9, +, /) when more digits follow and from its lower half
// (A–Z, a–f) for the last. About 3.4 KB for 3,200 characters (see FOLDABLE in
// gazette-tokenize.js, which decodes it).
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let prev = 0;
let encoded = '';
for (const [s] of kept) {
  let d = cp(s) - prev;
  prev = cp(s);
  const digits = [];
  do {
    digits.push(d & 31);
    d >>= 5;
  } while (d > 0);
  digits.reverse();
  // Leading digits from the upper half of the alphabet, the last from the lower half.
  encoded += digits.map((x, i) => DIGITS[i < digits.length - 1 ? x + 32 : x]).join('');
}
const js = join(repo, 'themes/default/static/js/gazette-tokenize.js');
const source = readFileSync(js, 'utf8');
const begin = '// BEGIN FOLDABLE';
const end = '// END FOLDABLE';
const a = source.indexOf(begin);
const b = source.indexOf(end);
if (a < 0 || b < a) throw new Error(`${js} lacks the ${begin} … ${end} markers`);
const lines = wrap(encoded, 100).map((l) => `  '${l}'`);
const block = `${begin} (generated by scripts/gen-fold-table.mjs from src/search/ts-fold.txt)\nconst FOLDABLE =\n${lines.join(' +\n')};\n`;
writeFileSync(js, source.slice(0, a) + block + source.slice(b));
console.log(`${kept.length} pairs kept, ${dropped.length} dropped: ${dropped.join(' ')}`);

function wrapWords(words, per) {
  const out = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(' '));
  return out;
}

function wrap(text, width) {
  const out = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out;
}
