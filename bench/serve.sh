#!/usr/bin/env bash
# Preview benchmark: edit-to-reload latency of `gazette serve` (and `hugo server`) on the same
# synthetic corpus, one article body edited EDITS times. See bench/README.md.
#
#   bash bench/serve.sh                         # sizes 1000 and 10000, 20 edits, gazette and hugo
#   SIZES=1000 TOOLS=gazette bash bench/serve.sh
#
# Environment (all optional): SIZES ("1000 10000"), SEED (42), EDITS (20), TOOLS ("gazette hugo"),
# BENCH_DIR (<repo>/.bench), OUT_ROOT (/dev/shm/gazette-bench-serve; sites are copied there so
# the cached corpora are never edited), HUGO_VERSION (0.168.0).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-42}
EDITS=${EDITS:-20}
TOOLS=${TOOLS:-"gazette hugo"}
BENCH_DIR=${BENCH_DIR:-$ROOT/.bench}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
OUT_ROOT=${OUT_ROOT:-/dev/shm/gazette-bench-serve}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
mkdir -p "$BENCH_DIR/results" "$OUT_ROOT" || die "cannot create $BENCH_DIR / $OUT_ROOT"

say "cargo build --release"
(cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
GAZETTE=$ROOT/target/release/gazette
compile_generator
HUGO=""
[[ " $TOOLS " == *" hugo "* ]] && install_hugo

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$BENCH_DIR/results/serve-$STAMP.tsv
printf 'N\ttool\treload_p50_ms\treload_p95_ms\tserved_p50_ms\tserved_p95_ms\tsearch_p50_ms\tstartup_s\n' >"$RESULTS"
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$OUT_ROOT"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until URL answers 200; prints the seconds it took.
wait_up() {
    local url=$1 t0=$SECONDS
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        ((SECONDS - t0 > 600)) && die "server at $url never came up"
        sleep 0.2
    done
    echo $((SECONDS - t0))
}

# site-dir → "file page" for the article in the middle of the corpus.
pick_article() {
    local file slug section
    file=$(cd "$1" && find content/news -name '*.md' ! -name '_index.md' | sort | awk -v n="$2" 'NR == int(n / 2)')
    section=$(dirname "${file#content/}")
    slug=$(basename "$file" .md)
    slug=${slug#[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-}
    echo "$file /$section/$slug/"
}

measure() { # tool n site-dir server-cmd...
    local tool=$1 n=$2 dir=$3 file page port url startup out
    shift 3
    read -r file page < <(pick_article "$dir" "$n")
    port=$(free_port)
    url="http://127.0.0.1:$port"
    say "N=$n: $tool, $EDITS edits of $file ($page)"
    (cd "$dir" && exec "$@" --port "$port" >"$BENCH_DIR/results/serve-$tool-n$n.log" 2>&1) &
    SERVER_PID=$!
    startup=$(wait_up "$url$page")
    out=$BENCH_DIR/results/serve-$STAMP-$tool-n$n.json
    local flags=()
    [[ $tool == gazette ]] && flags=(--gazette)
    node "$ROOT/bench/serve_latency.mjs" --url "$url" --file "$dir/$file" --page "$page" --edits "$EDITS" \
        --out "$out" "${flags[@]}" >&2 || warn "$tool latency run failed (N=$n)"
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
    [[ -f $out ]] || return
    python3 - "$out" "$n" "$tool" "$startup" >>"$RESULTS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = lambda x: "" if x is None else f"{x:.1f}"
print("\t".join([sys.argv[2], sys.argv[3], f(d["reload_p50"]), f(d["reload_p95"]), f(d["served_p50"]), f(d["served_p95"]), f(d.get("search_p50")), sys.argv[4]]))
PY
}

for n in $SIZES; do
    corpus=$(prepare_corpus "$n") || exit 1
    if [[ " $TOOLS " == *" gazette "* ]]; then
        rm -rf "$OUT_ROOT/gazette-n$n" && cp -r "$corpus" "$OUT_ROOT/gazette-n$n"
        measure gazette "$n" "$OUT_ROOT/gazette-n$n" "$GAZETTE" serve --root .
    fi
    if [[ -n "$HUGO" ]]; then
        hsite=$(prepare_hugo_site "$n" "$corpus") || exit 1
        rm -rf "$OUT_ROOT/hugo-n$n" && cp -r "$hsite" "$OUT_ROOT/hugo-n$n"
        measure hugo "$n" "$OUT_ROOT/hugo-n$n" "$HUGO" server --bind 127.0.0.1 --renderToMemory --quiet
    fi
done

say "results ($RESULTS)"
column -t -s $'\t' "$RESULTS" >&2
