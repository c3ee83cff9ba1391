#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests, then the search client in Node, then
# the search page in Debian's chromium (skipped with a message when chromium is missing and
# CI is unset; `.ci/run` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
cargo test
npm ci --no-audit --no-fund >/dev/null
node --test tests/js/ tests/browser/
