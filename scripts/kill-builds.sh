#!/usr/bin/env bash
# Kills `gazette build` at random moments and checks that the next build repairs everything:
#
#   bash scripts/kill-builds.sh [RUNS] [GAZETTE_BINARY]      (defaults: 30, target/debug/gazette)
#
# The fixture is a site of 300 articles in a temp folder whose public/ holds a git checkout
# (.git) and a CNAME, as a GitHub Pages deploy does. Each run starts a build, sends it SIGKILL
# after a random delay spread over one build's duration (so kills land while loading, while
# staging changed files and while renaming them into place), each after an edit (one article
# rewritten, one added, the previous run's added one and a2 deleted), then runs a normal build, which must exit
# 0 and leave .git byte-identical (and `git fsck` clean), CNAME unchanged, no `.public.*`
# folder beside the output but the manifest's `.public.gazette`, and an output equal to a
# clean build's (`diff -r` against `--clean --output fresh`). Bounded: RUNS kills, each
# followed by two builds. Exits 1 listing the runs that failed.
set -uo pipefail
runs=${1:-30}
bin=$(realpath "${2:-$(dirname "$0")/../target/debug/gazette}")
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cd "$site" || exit 2
mkdir -p content/news
printf 'title: kill test\nbase_url: https://example.org/\n' > gazette.yaml
printf -- '---\ntitle: 新闻\n---\n' > content/news/_index.md
for i in $(seq 1 300); do
  d=$(printf %02d $(( i % 28 + 1 )))
  printf -- '---\ntitle: 第 %s 篇\ndate: 2024-05-%s\ntags: [t%s]\n---\n正文 %s，*强调*。\n\n## 小节\n\n更多。\n' \
    "$i" "$d" $(( i % 7 )) "$i" > "content/news/2024-05-$d-a$i.md"
done
"$bin" build > /dev/null 2>&1 || { echo "the first build failed"; exit 2; }
git -C public init -q && git -C public -c user.email=k@example.org -c user.name=k commit -q --allow-empty -m pub
echo news.example.org > public/CNAME
digest() { (cd public/.git && find . -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum); }
git_before=$(digest)
start=$(date +%s%N); "$bin" build > /dev/null 2>&1; ms=$(( ($(date +%s%N) - start) / 1000000 + 100 ))
failed=0
edit() { # $1: run number; changes three articles so that the build writes and removes files
  printf -- '---\ntitle: 第 1 篇\ndate: 2024-05-02\ntags: [t1]\n---\n改写 %s。\n' "$1" > content/news/2024-05-02-a1.md
  printf -- '---\ntitle: 新的 %s\ndate: 2024-05-03\ntags: [n%s]\n---\n新文章。\n' "$1" "$1" > "content/news/2024-05-03-new$1.md"
  rm -f content/news/*-a2.md "content/news/2024-05-03-new$(( $1 - 1 )).md"
}
for run in $(seq 1 "$runs"); do
  edit "$run"
  delay=$(( RANDOM * ms / 32768 ))
  "$bin" build > /dev/null 2>&1 & pid=$!
  sleep "$(printf '%d.%03d' $(( delay / 1000 )) $(( delay % 1000 )))"
  kill -KILL "$pid" 2> /dev/null; wait "$pid" 2> /dev/null
  left=$(ls -A | grep '^\.public\.' | tr '\n' ' ')
  out=$("$bin" build 2>&1); code=$?
  stray=$(ls -A | grep '^\.public\.' | grep -v '^\.public\.gazette$' | tr '\n' ' ')
  rm -rf fresh .fresh.gazette; "$bin" build --clean --output fresh > /dev/null 2>&1
  differs=$(diff -r -x .git -x CNAME public fresh 2>&1 | head -3)
  if [ $code -ne 0 ] || [ "$(digest)" != "$git_before" ] || ! git -C public fsck --no-progress > /dev/null 2>&1 \
    || [ "$(cat public/CNAME 2>&1)" != news.example.org ] || [ -n "$stray" ] || [ -n "$differs" ]; then
    echo "run $run FAILED (killed after ${delay} ms; it left: ${left:-nothing}; exit $code; stray: ${stray:-none}; ${differs:-same as a clean build})"
    echo "$out" | sed 's/^/    /'
    failed=1
  else
    echo "run $run ok (killed after ${delay} ms; it left: ${left:-nothing})"
  fi
done
exit $failed
