// The search benchmark's report: a markdown summary (printed and saved) and TSV files, from
// the outputs of search_quality.mjs and search_bytes.mjs and the build figures of
// bench/search.sh. See bench/README.md.
//
//   node bench/search_report.mjs --quality Q.json [--bytes B.json] [--build BUILD.json] --prefix PATH
//
// Writes PATH.md (the report), PATH.tsv (one row per metric: metric, gazette_cli, gazette_js,
// pagefind) and PATH-queries.tsv (one row per query with every tool's figures).

import { readFile, writeFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const readJson = async (f) => (f ? JSON.parse(await readFile(f, 'utf8')) : null);
const quality = await readJson(opt('--quality'));
const bytes = await readJson(opt('--bytes'));
const build = (await readJson(opt('--build'))) ?? {};
const prefix = opt('--prefix', 'search-report');

const TOOLS = ['gazette_cli', 'gazette_js', 'pagefind'];
const LABEL = { gazette_cli: 'Gazette CLI', gazette_js: 'Gazette JS / page', pagefind: 'Pagefind' };
const KINDS = ['title', 'body', 'number', 'twoword', 'tag', 'place', 'traditional', 'legacy', 'pinyin', 'typo'];
const hasPf = quality.rows.some((r) => r.pagefind);
const tools = hasPf ? TOOLS : TOOLS.slice(0, 2);

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
/** Nearest-rank percentile. */
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const f2 = (x) => (Number.isNaN(x) || x === undefined ? 'n/a' : x.toFixed(2));
const kb = (x) => (Number.isNaN(x) || x === undefined ? 'n/a' : (x / 1024).toFixed(1));

const exactMain = quality.rows.filter((r) => r.exact && r.set === 'main');
const legacy = quality.rows.filter((r) => r.set === 'legacy');
const forgiving = quality.rows.filter((r) => !r.exact);
const ok = (r, t) => r[t] && !r[t].error;
const recall = (rows, t) => mean(rows.filter((r) => ok(r, t)).map((r) => r[t].recall));
const precision = (rows, t) => mean(rows.filter((r) => ok(r, t)).map((r) => r[t].precision));
const below = (rows, t) => rows.filter((r) => !ok(r, t) || r[t].recall < 1 || r[t].precision < 1);

// ---------------------------------------------------------------- bytes

const B = { gazette_js: 'gazette', pagefind: 'pagefind' };
function bytesOf(tool, set) {
  if (!bytes || !B[tool]) return null;
  const rows = bytes.rows.filter((r) => r.tool === B[tool] && !r.error && (set === 'all' || r.set === set));
  const first = rows.map((r) => r.first.bytes);
  const second = rows.map((r) => r.second.bytes);
  return {
    n: rows.length,
    errors: bytes.rows.filter((r) => r.tool === B[tool] && r.error).length,
    first: { median: median(first), p95: pct(first, 95), max: Math.max(...first) },
    second: { median: median(second), p95: pct(second, 95), max: Math.max(...second) },
    requests: { first: median(rows.map((r) => r.first.requests)), second: median(rows.map((r) => r.second.requests)) },
    chrome: median(rows.map((r) => r.first.chrome)),
    cdp_gap: rows.filter((r) => r.first.cdp_bytes !== r.first.bytes || r.second.cdp_bytes !== r.second.bytes).length,
  };
}
const bm = Object.fromEntries(tools.map((t) => [t, bytesOf(t, 'main')]));
const bl = Object.fromEntries(tools.map((t) => [t, bytesOf(t, 'legacy')]));

// ---------------------------------------------------------------- summary table

const parity = quality.rows.filter((r) => r.top10_same).length;
const mismatches = quality.rows.filter((r) => !r.top10_same);
const summary = [];
const row = (metric, vals, target = '') => summary.push({ metric, vals, target });
const per = (fn) => Object.fromEntries(tools.map((t) => [t, fn(t)]));
const n = exactMain.length;
row(`exact queries (${n}): recall, mean`, per((t) => f2(recall(exactMain, t))), '1.00');
row(`exact queries: precision, mean`, per((t) => f2(precision(exactMain, t))), '1.00');
row(`exact queries with recall or precision < 1`, per((t) => String(below(exactMain, t).length)), '0');
row(`legacy 20: recall / precision`, per((t) => `${f2(recall(legacy, t))} / ${f2(precision(legacy, t))}`));
const anyHit = (t) => forgiving.filter((r) => ok(r, t) && r[t].count > 0).length;
row(`pinyin + typo (${forgiving.length}): queries with results`, per((t) => String(anyHit(t))));
row(`pinyin + typo: recall of the intended text`, per((t) => f2(recall(forgiving, t))));
const noted = bytes ? bytes.rows.filter((r) => r.tool === 'gazette' && !r.error && (r.first.notes || '') !== '') : [];
const forgivingIds = new Set(forgiving.map((r) => r.id));
row(
  'pinyin + typo: page shows a suggestion / partial label',
  per((t) => (t === 'gazette_js' && bytes ? String(noted.filter((r) => forgivingIds.has(r.id)).length) : t === 'gazette_cli' ? String(forgiving.filter((r) => r.gazette_cli.note).length) : '')),
);
row('CLI and JS identical top 10', { gazette_cli: `${parity} / ${quality.rows.length}`, gazette_js: `${parity} / ${quality.rows.length}` }, 'all');
if (bytes) {
  for (const [label, key, target] of [
    ['1st query, median (KB)', (b) => kb(b.first.median), '≤ 60'],
    ['1st query, p95 (KB)', (b) => kb(b.first.p95), '≤ 150'],
    ['1st query, max (KB)', (b) => kb(b.first.max), ''],
    ['2nd query, median (KB)', (b) => kb(b.second.median), '≤ 30'],
    ['2nd query, p95 (KB)', (b) => kb(b.second.p95), ''],
    ['2nd query, max (KB)', (b) => kb(b.second.max), ''],
    ['requests, 1st / 2nd query (median)', (b) => `${b.requests.first} / ${b.requests.second}`, ''],
    ['legacy 20: 1st / 2nd query median (KB)', null, ''],
    ['not counted: page HTML, CSS, images, 1st query (KB)', (b) => kb(b.chrome), ''],
  ]) {
    row(
      label,
      per((t) => {
        if (!bm[t]) return '';
        if (!key) return `${kb(bl[t].first.median)} / ${kb(bl[t].second.median)}`;
        return key(bm[t]);
      }),
      target,
    );
  }
}
const num = (k, d = 2) => (build[k] === undefined || build[k] === null || Number.isNaN(Number(build[k])) ? '' : Number(build[k]).toFixed(d));
if (Object.keys(build).length) {
  row('index time (s)', { gazette_cli: num('gazette_index_s'), pagefind: num('pagefind_s') });
  row('build with / without search (s)', { gazette_cli: `${num('build_search_s')} / ${num('build_nosearch_s')}` });
  row('index files', { gazette_cli: num('gazette_files', 0), pagefind: num('pagefind_files', 0) });
  row('index size (MB)', { gazette_cli: num('gazette_mb', 1), pagefind: num('pagefind_mb', 1) });
}

// ---------------------------------------------------------------- per kind

const kindRows = KINDS.filter((k) => quality.rows.some((r) => r.kind === k)).map((k) => {
  const rows = quality.rows.filter((r) => r.kind === k);
  const cells = tools.map((t) => `${f2(recall(rows, t))} / ${f2(precision(rows, t))}`);
  const firsts = tools.map((t) => {
    if (!bytes || !B[t]) return null;
    const xs = bytes.rows.filter((b) => b.tool === B[t] && b.kind === k && !b.error).map((b) => b.first.bytes);
    return kb(median(xs));
  });
  return [k, rows.length, ...cells, ...firsts.filter((x) => x !== null)];
});

// ---------------------------------------------------------------- markdown

const md = [];
const table = (head, rows) => {
  md.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) md.push(`| ${r.join(' | ')} |`);
  md.push('');
};
const esc = (s) => String(s).replaceAll('|', '\\|');
md.push(`## Search benchmark: ${quality.articles} articles, ${quality.rows.length} queries (${n + forgiving.length} drawn from the corpus + ${legacy.length} legacy)`, '');
if (build.note) md.push(build.note, '');
table(['metric', ...tools.map((t) => LABEL[t]), 'target'], summary.map((s) => [s.metric, ...tools.map((t) => s.vals[t] ?? ''), s.target]));
md.push('Recall / precision by query kind (mean over the queries of the kind; an empty answer has precision 1)' + (bytes ? ', and median 1st-query KB:' : ':'), '');
table(
  ['kind', 'n', ...tools.map((t) => `${LABEL[t]} R / P`), ...(bytes ? tools.filter((t) => B[t]).map((t) => `${LABEL[t]} 1st KB`) : [])],
  kindRows,
);
// The CLI's and the JS client's lists, or one list when they agree query for query.
const exactAll = quality.rows.filter((r) => r.exact);
const sig = (t) => JSON.stringify(below(exactAll, t).map((r) => [r.id, r[t].error, r[t].count, r[t].hit]));
const lists = sig('gazette_cli') === sig('gazette_js') ? ['gazette_cli'] : ['gazette_cli', 'gazette_js'];
for (const t of lists) {
  const bad = below(exactAll, t).sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.id - b.id);
  const who = lists.length === 1 ? 'Gazette (CLI and JS client alike)' : LABEL[t];
  md.push(`${who}: exact queries below 1.00, legacy set included (${bad.length}):`, '');
  if (bad.length) {
    table(
      ['kind', 'query', 'truth', 'found', 'recall', 'precision', 'wrong across punctuation', 'missed (e.g.)', 'wrong (e.g.)'],
      bad.map((r) => [
        r.kind,
        esc(r.query) + (r.intended !== r.query ? ` (${esc(r.intended)})` : ''),
        r.truth,
        r[t].error ? `error: ${esc(r[t].error)}` : r[t].count,
        f2(r[t].recall),
        f2(r[t].precision),
        r[t].across_punctuation ?? '',
        (r[t].missed ?? []).join(' '),
        (r[t].extra_urls ?? []).join(' '),
      ]),
    );
  }
}
md.push(`CLI vs JS top-10 mismatches (${mismatches.length}):`, '');
if (mismatches.length) {
  table(
    ['query', 'CLI top 10', 'JS top 10'],
    mismatches.map((r) => [esc(r.query), (r.gazette_cli.top ?? [r.gazette_cli.error]).join(' '), (r.gazette_js.top ?? [r.gazette_js.error]).join(' ')]),
  );
}
if (forgiving.length) {
  md.push('Pinyin and typo queries (not exact: the intended text is in brackets):', '');
  const note = (id) => noted.find((r) => r.id === id)?.first.notes ?? '';
  table(
    ['kind', 'query', 'truth', ...tools.map((t) => `${LABEL[t]} found / recall`), 'Gazette page says', 'Gazette says (API)'],
    forgiving.map((r) => [
      r.kind,
      `${esc(r.query)} (${esc(r.intended)})`,
      r.truth,
      ...tools.map((t) => (ok(r, t) ? `${r[t].count} / ${f2(r[t].recall)}` : 'error')),
      note(r.id),
      esc(r.gazette_js.note ?? r.gazette_cli.note ?? ''),
    ]),
  );
}
if (bytes) {
  const errs = tools.filter((t) => bm[t]?.errors).map((t) => `${LABEL[t]} ${bm[t].errors}`);
  md.push(
    `Bytes: response bodies as sent (text gzip'd at level ${bytes.gzip_level}), from chromium's network log, excluding the page's own HTML, CSS and images; ` +
      `the page shows ${bytes.page} results. ${errs.length ? `Queries that failed to render: ${errs.join(', ')}.` : ''}`,
    '',
  );
}
const text = md.join('\n');
await writeFile(`${prefix}.md`, text + '\n');
process.stdout.write(text + '\n');

// ---------------------------------------------------------------- TSV

const tsv = [['metric', ...tools].join('\t')];
for (const s of summary) tsv.push([s.metric, ...tools.map((t) => s.vals[t] ?? '')].join('\t'));
for (const k of kindRows) tsv.push([`kind ${k[0]} (${k[1]}): recall / precision`, ...k.slice(2, 2 + tools.length)].join('\t'));
await writeFile(`${prefix}.tsv`, tsv.join('\n') + '\n');

const byId = (tool) => new Map((bytes?.rows ?? []).filter((r) => r.tool === tool).map((r) => [r.id, r]));
const gb = byId('gazette');
const pb = byId('pagefind');
const cols = ['id', 'set', 'kind', 'query', 'intended', 'truth'];
for (const t of tools) cols.push(`${t}_count`, `${t}_recall`, `${t}_precision`);
cols.push('top10_same', 'gazette_first', 'gazette_second', 'gazette_first_requests', 'pagefind_first', 'pagefind_second', 'second_query', 'gazette_page_says', 'gazette_api_says');
const qrows = [cols.join('\t')];
for (const r of quality.rows) {
  const v = [r.id, r.set, r.kind, r.query, r.intended, r.truth];
  for (const t of tools) v.push(ok(r, t) ? r[t].count : 'error', ok(r, t) ? f2(r[t].recall) : '', ok(r, t) ? f2(r[t].precision) : '');
  const g = gb.get(r.id);
  const p = pb.get(r.id);
  v.push(r.top10_same ? 1 : 0, g?.first?.bytes ?? '', g?.second?.bytes ?? '', g?.first?.requests ?? '', p?.first?.bytes ?? '', p?.second?.bytes ?? '', g?.second_query ?? '');
  v.push(g?.first?.notes ?? '', (r.gazette_js.note ?? '').replaceAll('\t', ' '));
  qrows.push(v.join('\t'));
}
await writeFile(`${prefix}-queries.tsv`, qrows.join('\n') + '\n');
