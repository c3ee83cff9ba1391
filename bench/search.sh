#!/usr/bin/env bash
# Search benchmark: Gazette's static search vs Pagefind on the same built site, with a query list
# drawn from the corpus itself. See bench/README.md ("Search benchmark").
#
#   bash bench/search.sh                      # N = 10000, everything (about 10 minutes on 2 cores)
#   SIZES="1000" bash bench/search.sh         # quick look
#   BROWSER=0 bash bench/search.sh            # recall/precision/parity only, no chromium bytes
#
# Environment (all optional):
#   SIZES           article counts to test                           (default "10000")
#   SEED            corpus and query-list seed                       (default 42)
#   RUNS            measured runs of each build / Pagefind run; median (default 1)
#   WARMUP          discarded Gazette builds before those            (default 0)
#   PF_WARMUP       discarded Pagefind runs before its measured ones (default 0)
#   PAGEFIND        0 = Gazette only                                 (default 1)
#   PAGEFIND_VERSION npm `pagefind` version                          (default 1.6.0)
#   PAGEFIND_SCOPE  articles = the article pages only, their <article> element (what Gazette
#                   indexes; default); site = every HTML page, whole <body> (Pagefind's default)
#   BROWSER         0 = skip the bytes measured in chromium          (default 1)
#   LANES           browser contexts run at once per tool            (default 2)
#   GZIP_LEVEL      gzip level of the benchmark's static server      (default 6)
#   BENCH_DIR       cache: generator, corpora, npm packages, results (default <repo>/.bench)
#   OUT_ROOT        where builds write their output (default /dev/shm/gazette-bench-search if
#                   /dev/shm is a writable tmpfs, else $BENCH_DIR/out)
#   KEEP_OUTPUT     1 = leave the built sites in OUT_ROOT (default: deleted at the end)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-1}
WARMUP=${WARMUP:-0}
PF_WARMUP=${PF_WARMUP:-0}
PAGEFIND=${PAGEFIND:-1}
PAGEFIND_VERSION=${PAGEFIND_VERSION:-1.6.0}
PAGEFIND_SCOPE=${PAGEFIND_SCOPE:-articles}
BROWSER=${BROWSER:-1}
export LANES=${LANES:-2} GZIP_LEVEL=${GZIP_LEVEL:-6}
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
# The query generator needs opencc-js and pinyin-pro, the bytes need playwright-core (all
# devDependencies in package.json).
if ! (cd "$ROOT" && node -e "require.resolve('opencc-js'); require.resolve('pinyin-pro'); require.resolve('playwright-core')") 2>/dev/null; then
    say "npm ci (bench needs opencc-js, pinyin-pro, playwright-core)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi
if [[ $BROWSER == 1 && ! -x "${GAZETTE_CHROMIUM:-/usr/bin/chromium}" ]]; then
    warn "no chromium at ${GAZETTE_CHROMIUM:-/usr/bin/chromium} (apt-get install chromium): bytes are not measured"
    BROWSER=0
fi

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
    local w_s=() w_n=() stage=()

    # 1. Build with and without search, alternating so drift hits both alike.
    say "N=$n: gazette build with / without search, $WARMUP warm-up + $RUNS measured each"
    for ((i = 1; i <= total; i++)); do
        rm -rf "$out_s" "$out_n"
        GAZETTE_TIMINGS=1 timed "$res/search-gazette-n$n.log" "$res/search-gazette-n$n.time" \
            "$GAZETTE" build --root "$corpus" --output "$out_s" \
            || { tail -n 20 "$res/search-gazette-n$n.log" >&2; die "gazette build failed (N=$n)"; }
        local ws=$T_WALL cs=$T_CPU st
        # "timing: search index N ms (peak …)" is the whole stage (tantivy index + export).
        st=$(awk '/^timing: search index .* ms \(peak/ {print $4 / 1000}' "$res/search-gazette-n$n.log" | tail -n1)
        GAZETTE_TIMINGS=1 timed "$res/nosearch-gazette-n$n.log" "$res/nosearch-gazette-n$n.time" \
            "$GAZETTE" build --root "$nos" --output "$out_n" \
            || { tail -n 20 "$res/nosearch-gazette-n$n.log" >&2; die "gazette build without search failed (N=$n)"; }
        [[ -e "$out_n/search/entry.json" ]] && die "the no-search build still wrote search/entry.json"
        if ((i > WARMUP)); then
            w_s+=("$ws"); w_n+=("$T_WALL"); stage+=("${st:-nan}")
            printf '   run %d: with search %6.2fs (cpu %6.2fs, search stage %5.2fs)   without %6.2fs (cpu %6.2fs)\n' \
                "$((i - WARMUP))" "$ws" "$cs" "${st:-nan}" "$T_WALL" "$T_CPU" >&2
        else
            printf '   warm-up: with search %6.2fs   without %6.2fs\n' "$ws" "$T_WALL" >&2
        fi
    done
    local mw_s mw_n mstage
    mw_s=$(median "${w_s[@]}"); mw_n=$(median "${w_n[@]}")
    mstage=$(median "${stage[@]}")

    # 2. The static index on disk.
    local g_files g_bytes
    g_files=$(find "$out_s/search" -type f | wc -l)
    g_bytes=$(find "$out_s/search" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')

    # 3. Pagefind over the site Gazette built (it writes into SITE/pagefind/).
    local p_wall=nan p_files=nan p_bytes=nan p_pages="" pf_walls=()
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
                pf_walls+=("$T_WALL")
                printf '   run %d: %6.2fs wall %6.2fs cpu %7.1f MB\n' "$((i - PF_WARMUP))" "$T_WALL" "$T_CPU" "$T_RSS" >&2
            fi
        done
        p_wall=$(median "${pf_walls[@]}")
        # The data files a search can load: entry, meta, wasm, index chunks, fragments
        # (not the UI bundles, which a search page built on pagefind.js alone does not need).
        p_files=$(find "$out_s/pagefind" -type f \( -name 'pagefind-entry.json' -o -name '*.pf_*' -o -name '*.pagefind' \) | wc -l)
        p_bytes=$(find "$out_s/pagefind" -type f \( -name 'pagefind-entry.json' -o -name '*.pf_*' -o -name '*.pagefind' \) -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
        p_pages=$(grep -o 'Indexed [0-9]* pages' "$res/search-pagefind-n$n.log" | awk '{print $2}')
    fi

    # 4. Queries drawn from the corpus, their grep truth; recall, precision and CLI/JS parity;
    #    bytes in chromium; the report.
    local pre=$res/search-$STAMP-n$n
    say "N=$n: query list and grep truth (seed $SEED)"
    node "$ROOT/bench/search_queries.mjs" --site "$out_s" --seed "$SEED" --out "$pre-queries-list.tsv" --truth "$pre-truth.json" \
        || die "bench/search_queries.mjs failed"
    say "N=$n: recall and precision: gazette search (CLI), the JS client${PF_BIN:+, Pagefind} (Node $(node --version))"
    local qargs=(--site "$out_s" --root "$corpus" --gazette "$GAZETTE" --queries "$pre-queries-list.tsv" --truth "$pre-truth.json" --out "$pre-quality.json")
    [[ -n "$PF_BIN" ]] && qargs+=(--pagefind)
    node "$ROOT/bench/search_quality.mjs" "${qargs[@]}" || die "bench/search_quality.mjs failed"
    local rargs=(--quality "$pre-quality.json" --build "$pre-build.json" --prefix "$pre")
    if [[ $BROWSER == 1 ]]; then
        say "N=$n: bytes per query in chromium ($LANES lanes per tool)"
        local bargs=(--site "$out_s" --queries "$pre-queries-list.tsv" --out "$pre-bytes.json")
        [[ -n "$PF_BIN" ]] && bargs+=(--pagefind)
        node "$ROOT/bench/search_bytes.mjs" "${bargs[@]}" || die "bench/search_bytes.mjs failed"
        rargs+=(--bytes "$pre-bytes.json")
    fi
    local pf_sel="--glob 'news/*/a*/index.html' --root-selector article"
    [[ $PAGEFIND_SCOPE == articles ]] || pf_sel="(whole site)"
    python3 - "$pre-build.json" <<PY || die "cannot write $pre-build.json"
import json, sys
import math
def f(x):
    try:
        v = float(x)
    except ValueError:
        return None
    return None if math.isnan(v) else v
json.dump({
    "gazette_index_s": f("$mstage"), "build_search_s": f("$mw_s"), "build_nosearch_s": f("$mw_n"),
    "gazette_files": f("$g_files"), "gazette_mb": f("$g_bytes") / 1e6 if f("$g_bytes") else None,
    "pagefind_s": f("$p_wall"), "pagefind_files": f("$p_files"),
    "pagefind_mb": f("$p_bytes") / 1e6 if f("$p_bytes") else None,
    "note": "Gazette $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), corpus seed $SEED; "
            "Pagefind ${PAGEFIND_VERSION} ($pf_sel, ${p_pages:-?} pages); $(nproc) cores; builds: median of $RUNS.",
}, open(sys.argv[1], "w"))
PY
    node "$ROOT/bench/search_report.mjs" "${rargs[@]}" || die "bench/search_report.mjs failed"
    echo
    echo "report: $pre.md; summary $pre.tsv; per query $pre-queries.tsv"
    [[ $KEEP_OUTPUT == 1 ]] || rm -rf "$out_s" "$out_n"
}

say "output root: $OUT_ROOT"
for n in $SIZES; do
    bench_n "$n"
done
echo
echo "whole script: $(awk -v a="$SCRIPT_T0" -v b="$(date +%s%N)" 'BEGIN {printf "%.0f", (b - a) / 1e9}') s"
