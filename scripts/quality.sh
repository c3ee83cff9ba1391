#!/usr/bin/env bash
# Quality gates: builds the sample site and checks its output with tools written by others.
#
#   bash scripts/quality.sh [--root SITE_DIR]
#
# Four builds of the site (default: this repository): at its base_url, at a sub-path
# (https://example.org/质量/bulletin/), with drafts, and at a fixed build time. Then every gate runs, even after one
# has failed, and each finding names the page it was found on:
#   html     the Nu HTML Checker (vnu.jar) over every HTML, CSS and SVG file: 0 errors
#   axe      axe-core in chromium, 12 kinds of page × light/dark × 375/1280 px: 0 serious/critical
#   feeds    every Atom feed through feedparser: bozo 0, RFC 3339 dates, entry counts, absolute
#            links, titles equal to the pages' <h1>
#   metadata extruct: canonical links, Open Graph (og:url, og:title = <h1>), JSON-LD parses
#   sitemap  xmllint against scripts/quality/sitemap.xsd; lists every public page, and no
#            draft is in the output, the sitemap or a feed
#   news-sitemap  a fourth build at a fixed SOURCE_DATE_EPOCH: news-sitemap.xml validates
#            (news-sitemap.xsd) and lists exactly the articles of the last news_sitemap.days
#   links    every local href/src/srcset/url() reaches a file, at the root and at the sub-path
#   smoke    chromium: home → article → tag → search 技能培训 → first result, at both
#            builds, with no console message and no failed request; screenshots
#   gates-can-fail  breaks a copy of the output ten ways (unclosed tag, image without alt,
#            malformed feed date, wrong canonical link, broken link, page missing from the
#            sitemap, a draft in the output, an old article in the news sitemap, a link
#            leaving the sub-path, missing script)
#            and requires the matching gate to fail naming the page
# Exit status 1 when any gate found something, 2 when a tool is missing.
#
# Needs java, xmllint (libxml2-utils), chromium, node and python3; `.ci/run` installs them.
# It makes a Python venv in .quality/venv from scripts/quality/requirements.txt and runs
# `npm ci` when node_modules lacks a package. Reports and screenshots go to .quality/
# (git-ignored): report/<gate>.txt, screenshots/<build>-<page>-<width>.png.
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$repo
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$(cd "$2" && pwd) || exit 2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "quality.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

out=$repo/.quality
quality=$repo/scripts/quality
missing=()
for tool in java xmllint node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
chromium=${GAZETTE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || missing+=("chromium ($chromium)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "quality.sh: missing ${missing[*]}; .ci/run shows how to install them" >&2
  exit 2
fi

echo "== tools"
cd "$repo" || exit 2
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] \
  || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund >/dev/null || exit 2
fi
venv=$out/venv
if ! cmp -s "$quality/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$quality/requirements.txt" \
    && cp "$quality/requirements.txt" "$venv/requirements.txt" || exit 2
fi
py=$venv/bin/python
vnu=$repo/node_modules/vnu-jar/build/dist/vnu.jar
java -version 2>&1 | head -1
xmllint --version 2>&1 | head -1
"$chromium" --version 2>/dev/null || true
echo "vnu $(java -jar "$vnu" --version), $("$py" -c 'import feedparser; print("feedparser", feedparser.__version__)')"

echo "== build"
cargo build --release --quiet || exit 2
gazette=$repo/target/release/gazette
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
IFS=$'\t' read -r base base_prefix < <(cd "$quality" && "$py" built_site.py "$root") || exit 2
sub=https://example.org/质量/bulletin/
sub_prefix=/质量/bulletin/
"$gazette" build --root "$root" --output "$work/root" || { echo "quality.sh: the site does not build"; exit 1; }
"$gazette" build --root "$root" --output "$work/sub" --base-url "$sub" || exit 1
"$gazette" build --root "$root" --output "$work/drafts" --drafts >/dev/null || exit 1
# The news sitemap lists articles of the last days before the build time: build once more at
# half a day after the newest article, so that window holds something to check.
news_epoch=$(cd "$quality" && "$py" news_sitemap.py --epoch "$work/root" "$base") || exit 1
SOURCE_DATE_EPOCH=$news_epoch "$gazette" build --root "$root" --output "$work/news" >/dev/null || exit 1

mkdir -p "$out/report"
rm -rf "$out/screenshots"
results=()
failed=0
# gate NAME COMMAND...: runs one gate, keeps its output in .quality/report/NAME.txt.
gate() {
  local name=$1 start status
  shift
  echo "== $name"
  start=$(date +%s)
  # A hung browser or JVM fails its gate instead of stalling CI.
  (cd "$quality" && timeout 900 "$@") 2>&1 | tee "$out/report/$name.txt"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ]; then
    results+=("ok    $name ($(($(date +%s) - start)) s)")
  else
    results+=("FAIL  $name ($(($(date +%s) - start)) s, exit $status): .quality/report/$name.txt")
    failed=1
  fi
}

# The pages the browser gates visit, picked from each build (pages.py says how).
gate pages sh -c '"$1" pages.py "$2" "$3" >"$4" && "$1" pages.py "$5" "$6" >"$7"' pages \
  "$py" "$work/root" "$base" "$work/pages-root.json" "$work/sub" "$sub" "$work/pages-sub.json"
gate html "$py" html_valid.py "$work/root" "$vnu"
gate axe node axe.mjs "$work/root" "$base_prefix" "$work/pages-root.json"
gate feeds "$py" feeds.py "$work/root" "$base" "$root"
gate metadata "$py" metadata.py "$work/root" "$base" "$root"
gate sitemap "$py" sitemap.py "$work/root" "$base" "$root" "$work/drafts"
gate news-sitemap "$py" news_sitemap.py "$work/news" "$base" "$root" "$news_epoch"
gate links "$py" links.py "$work/root" "$base" "$root"
gate links-subpath "$py" links.py "$work/sub" "$sub" "$root"
gate smoke node smoke.mjs "$work/root" "$base_prefix" "$work/pages-root.json" "$out/screenshots" root
gate smoke-subpath node smoke.mjs "$work/sub" "$sub_prefix" "$work/pages-sub.json" "$out/screenshots" subpath
gate gates-can-fail "$py" breakage.py "$work/root" "$base" "$root" "$work/drafts" "$work/pages-root.json" "$vnu" \
  "$work/sub" "$sub" "$work/news" "$news_epoch"

echo "== quality gates"
printf '%s\n' "${results[@]}"
exit "$failed"
