// Rewrites the positions and index tokens of tests/data/tokenizer-vectors.json from the JS
// tokenizer, keeping each vector's input and expected tokens. Run it after a deliberate change
// of the position rules; `cargo test --test tokenizer_vectors` then checks the Rust tokenizer
// against the result, and `node --test tests/js/` that the token texts did not move.
import { readFileSync, writeFileSync } from 'node:fs';
import { setFolding, tokenize, tokenizeIndex } from '../themes/default/static/js/gazette-tokenize.js';

const root = new URL('../', import.meta.url);
const table = readFileSync(new URL('src/search/ts-fold.txt', root), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));
setFolding(table.map(([s, t]) => s + t).join(''));
const path = new URL('tests/data/tokenizer-vectors.json', root);
const vectors = JSON.parse(readFileSync(path, 'utf8'));
const lines = vectors.map((v) => {
  const q = tokenize(v.input);
  const texts = q.map((t) => t.text);
  if (JSON.stringify(texts) !== JSON.stringify(v.tokens)) throw new Error(`tokens of ${v.input} moved: ${texts}`);
  const out = { ...v, positions: q.map((t) => t.position) };
  delete out.index;
  const idx = tokenizeIndex(v.input).map((t) => [t.text, t.position]);
  const plain = q.map((t) => [t.text, t.position]);
  if (JSON.stringify(idx) !== JSON.stringify(plain)) out.index = idx;
  return '  ' + pretty(out);
});

// JSON with a space after every comma and colon, as the file is written by hand.
function pretty(v) {
  if (Array.isArray(v)) return '[' + v.map(pretty).join(', ') + ']';
  if (v && typeof v === 'object') return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ': ' + pretty(x)).join(', ') + '}';
  return JSON.stringify(v);
}
writeFileSync(path, '[\n' + lines.join(',\n') + '\n]\n');
