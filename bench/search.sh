#!/usr/bin/env bash
# Search benchmark: Gazette's static search index vs Pagefind on the same built site.
# See bench/README.md ("Search benchmark").
#
#   bash bench/search.sh                      # N = 10000
#   SIZES="1000" RUNS=5 bash bench/search.sh
#
# Environment (all optional):
#   SIZES           article counts to test                           (default "10000")
#   SEED            corpus seed                                      (default 42)
#   RUNS            measured runs of each build / Pagefind run; median (default 3)
#   WARMUP          discarded Gazette builds before those            (default 1)
#   PF_WARMUP       discarded Pagefind runs before its measured ones (default 0)
#   PAGEFIND        0 = Gazette only                                 (default 1)
#   PAGEFIND_VERSION npm `pagefind` version                          (default 1.6.0)
#   PAGEFIND_SCOPE  articles = the article pages only, their <article> element (what Gazette
#                   indexes; default); site = every HTML page, whole <body> (Pagefind's default)
#   BENCH_DIR       cache: generator, corpora, npm packages, results (default <repo>/.bench)
#   OUT_ROOT        where builds write their output (default /dev/shm/gazette-bench-search if
#                   /dev/shm is a writable tmpfs, else $BENCH_DIR/out)
#   KEEP_OUTPUT     1 = leave the built sites in OUT_ROOT (default: deleted at the end)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
PF_WARMUP=${PF_WARMUP:-0}
PAGEFIND=${PAGEFIND:-1}
PAGEFIND_VERSION=${PAGEFIND_VERSION:-1.6.0}
PAGEFIND_SCOPE=${PAGEFIND_SCOPE:-articles}
BENCH_DIR=${BENCH_DIR:-$ROOT/.bench}
KEEP_OUTPUT=${KEEP_OUTPUT:-0}
if [[ -z "${OUT_ROOT:-}" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]] && [[ "$(stat -f -c %T /dev/shm 2>/dev/null)" == tmpfs ]]; then
        OUT_ROOT=/dev/shm/gazette-bench-search
    else
        OUT_ROOT=$BENCH_DIR/out
    fi
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

SCRIPT_T0=$(date +%s%N)
mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/corpus" "$BENCH_DIR/search" "$BENCH_DIR/results" "$OUT_ROOT" \
    || die "cannot create $BENCH_DIR / $OUT_ROOT"

# ---------------------------------------------------------------- tools

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (Debian package 'time')"
    { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }; } \
        || die "/usr/bin/time missing and 'apt-get install time' failed"
fi
command -v node >/dev/null || die "node (20+) is needed to run the search clients"

GAZETTE=$ROOT/target/release/gazette
say "cargo build --release"
(cd "$ROOT" && cargo build --release) || die "cargo build --release failed (a stale binary is not used)"
[[ -x "$GAZETTE" ]] || die "$GAZETTE does not exist after cargo build"

compile_generator

PF_BIN=""
if [[ $PAGEFIND == 1 ]]; then
    PF_DIR=$BENCH_DIR/pagefind
    # The npm package downloads its platform binary as an optional dependency
    # (@pagefind/linux-x64); time that binary, not the Node wrapper.
    find_pf() { find "$PF_DIR/node_modules/@pagefind" -path '*/bin/pagefind_extended' -type f 2>/dev/null | head -n1; }
    if [[ "$(node -p "require('$PF_DIR/node_modules/pagefind/package.json').version" 2>/dev/null)" != "$PAGEFIND_VERSION" || -z "$(find_pf)" ]]; then
        say "installing pagefind@$PAGEFIND_VERSION from npm into $PF_DIR"
        mkdir -p "$PF_DIR"
        [[ -f "$PF_DIR/package.json" ]] || echo '{"private": true}' >"$PF_DIR/package.json"
        (cd "$PF_DIR" && npm install --no-audit --no-fund --loglevel=error "pagefind@$PAGEFIND_VERSION") \
            || die "npm install pagefind@$PAGEFIND_VERSION failed"
    fi
    PF_BIN=$(find_pf)
    [[ -x "$PF_BIN" ]] || die "pagefind_extended binary not found under $PF_DIR/node_modules/@pagefind"
fi

# ---------------------------------------------------------------- corpora


# The same site with `search: {enabled: false}`: its own root holding an edited copy of
# gazette.yaml and a symlink to the corpus's content/ (gazette has no --config flag).
prepare_nosearch() { # corpus-dir N → prints site dir
    local corpus=$1 dir=$BENCH_DIR/search/n$2-s$SEED-nosearch
    mkdir -p "$dir"
    python3 - "$corpus/gazette.yaml" "$dir/gazette.yaml" <<'PY' || die "cannot write the no-search gazette.yaml"
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
# Drop an existing top-level `search:` block, then disable search.
src = re.sub(r"(?m)^search:.*\n(?:[ \t]+.*\n|\n)*", "", src)
open(sys.argv[2], "w", encoding="utf-8").write(src.rstrip("\n") + "\nsearch: {enabled: false}\n")
PY
    ln -sfn "$corpus/content" "$dir/content"
    for extra in static themes templates data; do
        [[ -e "$corpus/$extra" ]] && ln -sfn "$corpus/$extra" "$dir/$extra"
    done
    echo "$dir"
}

# ---------------------------------------------------------------- measuring

median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$BENCH_DIR/results/search-$STAMP.tsv
printf 'N\tmetric\tgazette\tpagefind\tgazette_over_pagefind\n' >"$RESULTS"

timed() { # log-file time-file cmd... → sets T_WALL T_CPU T_RSS, returns the command's status
    local log=$1 tf=$2 t0 t1 rc
    shift 2
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tf" "$@" >"$log" 2>&1
    rc=$?
    t1=$(date +%s%N)
    T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    T_CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tf")
    T_RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$tf")
    return $rc
}

bench_n() {
    local n=$1 corpus nos out_s out_n i total=$((WARMUP + RUNS))
    corpus=$(prepare_corpus "$n") || exit 1
    nos=$(prepare_nosearch "$corpus" "$n")
    out_s=$OUT_ROOT/search-n$n
    out_n=$OUT_ROOT/nosearch-n$n
    local res=$BENCH_DIR/results
    local w_s=() w_n=() c_s=() c_n=() stage=() fill=()

    # 1. Build with and without search, alternating so drift hits both alike.
    say "N=$n: gazette build with / without search, $WARMUP warm-up + $RUNS measured each"
    for ((i = 1; i <= total; i++)); do
        rm -rf "$out_s" "$out_n"
        GAZETTE_TIMINGS=1 timed "$res/search-gazette-n$n.log" "$res/search-gazette-n$n.time" \
            "$GAZETTE" build --root "$corpus" --output "$out_s" \
            || { tail -n 20 "$res/search-gazette-n$n.log" >&2; die "gazette build failed (N=$n)"; }
        local ws=$T_WALL cs=$T_CPU st fl
        # "timing: search index N ms (peak …)" is the whole stage (tantivy index + export);
        # the line without "peak" is the tantivy index alone.
        st=$(awk '/^timing: search index .* ms \(peak/ {print $4 / 1000}' "$res/search-gazette-n$n.log" | tail -n1)
        fl=$(awk '/^timing: search index [0-9]+ ms$/ {print $4 / 1000}' "$res/search-gazette-n$n.log" | tail -n1)
        GAZETTE_TIMINGS=1 timed "$res/nosearch-gazette-n$n.log" "$res/nosearch-gazette-n$n.time" \
            "$GAZETTE" build --root "$nos" --output "$out_n" \
            || { tail -n 20 "$res/nosearch-gazette-n$n.log" >&2; die "gazette build without search failed (N=$n)"; }
        [[ -e "$out_n/search/entry.json" ]] && die "the no-search build still wrote search/entry.json"
        if ((i > WARMUP)); then
            w_s+=("$ws"); c_s+=("$cs"); w_n+=("$T_WALL"); c_n+=("$T_CPU"); stage+=("${st:-nan}"); fill+=("${fl:-nan}")
            printf '   run %d: with search %6.2fs (cpu %6.2fs, search stage %5.2fs)   without %6.2fs (cpu %6.2fs)\n' \
                "$((i - WARMUP))" "$ws" "$cs" "${st:-nan}" "$T_WALL" "$T_CPU" >&2
        else
            printf '   warm-up: with search %6.2fs   without %6.2fs\n' "$ws" "$T_WALL" >&2
        fi
    done
    local mw_s mw_n mc_s mc_n mstage mfill
    mw_s=$(median "${w_s[@]}"); mw_n=$(median "${w_n[@]}")
    mc_s=$(median "${c_s[@]}"); mc_n=$(median "${c_n[@]}")
    mstage=$(median "${stage[@]}"); mfill=$(median "${fill[@]}")
    # The difference of the medians, and the median of per-pair differences.
    local added pair=() k
    added=$(awk -v a="$mw_s" -v b="$mw_n" 'BEGIN {printf "%.3f", a - b}')
    for k in "${!w_s[@]}"; do pair+=("$(awk -v a="${w_s[$k]}" -v b="${w_n[$k]}" 'BEGIN {printf "%.3f", a - b}')"); done

    # 2. The static index on disk.
    local g_files g_bytes
    g_files=$(find "$out_s/search" -type f | wc -l)
    g_bytes=$(find "$out_s/search" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')

    # 4. Pagefind over the site Gazette built (it writes into SITE/pagefind/).
    local p_wall=nan p_cpu=nan p_rss=nan p_files=nan p_bytes=nan p_pages=nan pf_walls=() pf_cpus=() pf_rsss=()
    if [[ -n "$PF_BIN" ]]; then
        local pf_args=(--site "$out_s")
        if [[ $PAGEFIND_SCOPE == articles ]]; then
            pf_args+=(--glob 'news/*/a*/index.html' --root-selector article)
        fi
        say "N=$n: pagefind ${pf_args[*]}, $PF_WARMUP warm-up + $RUNS measured"
        for ((i = 1; i <= PF_WARMUP + RUNS; i++)); do
            rm -rf "$out_s/pagefind"
            timed "$res/search-pagefind-n$n.log" "$res/search-pagefind-n$n.time" "$PF_BIN" "${pf_args[@]}" \
                || { tail -n 20 "$res/search-pagefind-n$n.log" >&2; die "pagefind failed (N=$n)"; }
            if ((i > PF_WARMUP)); then
                pf_walls+=("$T_WALL"); pf_cpus+=("$T_CPU"); pf_rsss+=("$T_RSS")
                printf '   run %d: %6.2fs wall %6.2fs cpu %7.1f MB\n' "$((i - PF_WARMUP))" "$T_WALL" "$T_CPU" "$T_RSS" >&2
            fi
        done
        p_wall=$(median "${pf_walls[@]}"); p_cpu=$(median "${pf_cpus[@]}"); p_rss=$(median "${pf_rsss[@]}")
        # The data files a search can load: entry, meta, wasm, index chunks, fragments
        # (not the UI bundles, which a search page built on pagefind.js alone does not need).
        p_files=$(find "$out_s/pagefind" -type f \( -name 'pagefind-entry.json' -o -name '*.pf_*' -o -name '*.pagefind' \) | wc -l)
        p_bytes=$(find "$out_s/pagefind" -type f \( -name 'pagefind-entry.json' -o -name '*.pf_*' -o -name '*.pagefind' \) -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
        p_pages=$(grep -o 'Indexed [0-9]* pages' "$res/search-pagefind-n$n.log" | awk '{print $2}')
    fi

    # 3. Bytes per query, both clients, one Node run.
    say "N=$n: bytes per query (Node $(node --version))"
    local qjson=$res/search-$STAMP-n$n.json qtsv=$res/search-$STAMP-n$n-queries.tsv
    local node_args=(--site "$out_s" --out "$qtsv")
    [[ -n "$PF_BIN" ]] && node_args+=(--pagefind)
    node "$ROOT/bench/search_bytes.mjs" "${node_args[@]}" >"$qjson" || die "bench/search_bytes.mjs failed"

    # Report.
    N=$n MW_S=$mw_s MW_N=$mw_n MC_S=$mc_s MC_N=$mc_n ADDED=$added PAIR="${pair[*]}" STAGE=$mstage FILL=$mfill \
    G_FILES=$g_files G_BYTES=$g_bytes P_WALL=$p_wall P_CPU=$p_cpu P_RSS=$p_rss P_FILES=$p_files P_BYTES=$p_bytes \
    P_PAGES=$p_pages QJSON=$qjson RESULTS=$RESULTS RUNS=$RUNS SCOPE=$PAGEFIND_SCOPE \
    node - <<'JS'
const fs = require('fs');
const E = process.env;
const num = (k) => (E[k] === undefined || E[k] === 'nan' || E[k] === '' ? NaN : Number(E[k]));
const n = num('N');
const { queries, summary } = JSON.parse(fs.readFileSync(E.QJSON, 'utf8'));
const g = summary.gazette;
const p = summary.pagefind ?? {};
const kb = (b) => b / 1024;
const rows = [
  // metric, gazette, pagefind, unit/format
  ['index time: search stage (s)', num('STAGE'), num('P_WALL'), 2],
  ['build with search (s)', num('MW_S'), NaN, 2],
  ['build without search (s)', num('MW_N'), NaN, 2],
  ['search adds to build, wall (s)', num('ADDED'), NaN, 2],
  ['search adds to build, cpu (s)', num('MC_S') - num('MC_N'), num('P_CPU'), 2],
  ['index files', num('G_FILES'), num('P_FILES'), 0],
  ['index size (MB)', num('G_BYTES') / 1e6, num('P_BYTES') / 1e6, 1],
  ['index files / articles', num('G_FILES') / n, num('P_FILES') / n, 3],
  ['1st query, median (KB, as stored)', kb(g.first_disk), kb(p.first_disk), 1],
  ['1st query, median (KB, gzip-served)', kb(g.first_gz), kb(p.first_gz), 1],
  ['1st query, max (KB, as stored)', kb(g.first_disk_max), kb(p.first_disk_max), 1],
  ['2nd query, median (KB, as stored)', kb(g.second_disk), kb(p.second_disk), 1],
  ['2nd query, median (KB, gzip-served)', kb(g.second_gz), kb(p.second_gz), 1],
  ['2nd query, max (KB, as stored)', kb(g.second_disk_max), kb(p.second_disk_max), 1],
  ['requests, 1st / 2nd query (median)', `${g.first_requests} / ${g.second_requests}`, p.first_requests === undefined ? NaN : `${p.first_requests} / ${p.second_requests}`, 's'],
  ['JS in 1st query (KB gz)', kb(g.js_gz), kb(p.js_gz), 1],
];
const fmt = (v, d) => (typeof v === 'string' ? v : Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}x` : '');
console.log('');
console.log(`Search benchmark — N=${n}, ${require('os').cpus().length} cores, median of ${E.RUNS} runs; Pagefind scope: ${E.SCOPE} (${E.P_PAGES || '?'} pages indexed)`);
console.log('');
console.log(`${'metric'.padEnd(38)} ${'Gazette'.padStart(10)} ${'Pagefind'.padStart(10)} ${'G/P'.padStart(7)}`);
const tsv = [];
for (const [m, a, b, d] of rows) {
  console.log(`${m.padEnd(38)} ${fmt(a, d).padStart(10)} ${fmt(b, d).padStart(10)} ${ratio(a, b).padStart(7)}`);
  tsv.push([n, m, fmt(a, 3), fmt(b, 3), ratio(a, b)].join('\t'));
}
fs.appendFileSync(E.RESULTS, tsv.join('\n') + '\n');
console.log('');
console.log(`(build wall difference per run pair: ${E.PAIR} s; the tantivy index alone: ${fmt(num('FILL'), 2)} s of the stage)`);
if (p.worker_js_gz) console.log(`(in a browser Pagefind also loads pagefind-worker.js, ${kb(p.worker_js_gz).toFixed(1)} KB gz, not counted above)`);
console.log('');
const targets = [
  ['1st query ≤ 60 KB (as stored)', kb(g.first_disk) <= 60],
  ['2nd query ≤ 30 KB (as stored)', kb(g.second_disk) <= 30],
  ['search stage ≤ 1.5 s', num('STAGE') <= 1.5],
  ['build difference ≤ 1.5 s', num('ADDED') <= 1.5],
  ['files ≤ 1.3 × articles', num('G_FILES') <= 1.3 * n],
];
console.log('targets (issue 3): ' + targets.map(([t, ok]) => `${t}: ${ok ? 'met' : 'NOT met'}`).join('; '));
console.log('');
console.log(`${'query'.padEnd(14)} ${'Gazette hits'.padStart(12)} ${'Pagefind hits'.padStart(13)} ${'top-10 overlap'.padStart(14)}`);
for (const q of queries) {
  const gc = g.counts[q];
  const pc = p.counts ? p.counts[q] : undefined;
  let overlap = '';
  if (p.top) {
    const a = new Set(g.top[q]);
    overlap = String(p.top[q].filter((u) => a.has(u)).length);
  }
  const w = [...q].reduce((s, c) => s + (c.codePointAt(0) > 0x2e80 ? 2 : 1), 0);
  console.log(`${q}${' '.repeat(Math.max(1, 14 - w))} ${String(gc).padStart(12)} ${String(pc ?? 'n/a').padStart(13)} ${overlap.padStart(14)}`);
}
JS
    [[ $KEEP_OUTPUT == 1 ]] || rm -rf "$out_s" "$out_n"
}

say "output root: $OUT_ROOT"
for n in $SIZES; do
    bench_n "$n"
done
echo
echo "results: $RESULTS (+ per-query TSV and JSON beside it)"
echo "whole script: $(awk -v a="$SCRIPT_T0" -v b="$(date +%s%N)" 'BEGIN {printf "%.0f", (b - a) / 1e9}') s"
