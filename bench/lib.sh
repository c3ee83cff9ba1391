# Shared by bench/build.sh and bench/search.sh (sourced, not run): logging, the corpus
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
