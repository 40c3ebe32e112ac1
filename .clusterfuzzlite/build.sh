#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of Wellspring's cargo-fuzz targets (run inside the image of
# .clusterfuzzlite/Dockerfile by OSS-Fuzz's `compile`, which sets $SRC, $OUT and the sanitizer).
#
# Every fuzz/fuzz_targets/<target>.rs is a [[bin]] of fuzz/Cargo.toml of the same name, so a new
# target is picked up without touching this script. For a target with a non-empty
# fuzz/corpus/<target>/ (gitignored; filled by `cargo fuzz run`, by hand, or by
# `wellspring fuzz --export-corpus fuzz/corpus`), its files become
# $OUT/<target>_seed_corpus.zip, the seed corpus ClusterFuzzLite starts from.

cd "$SRC/wellspring/fuzz"

# -O: release mode; --debug-assertions: overflow checks and debug_assert! stay on while fuzzing.
# (In a coverage build OSS-Fuzz's cargo wrapper turns this into a plain `cargo build --bins`
# and copies the binaries to the same release folder.)
cargo fuzz build -O --debug-assertions

bins=target/x86_64-unknown-linux-gnu/release
for src in fuzz_targets/*.rs; do
  target=$(basename "$src" .rs)
  if [ ! -x "$bins/$target" ]; then
    echo "build.sh: $bins/$target was not built (is it a [[bin]] of fuzz/Cargo.toml?)" >&2
    exit 1
  fi
  cp "$bins/$target" "$OUT/"
  seeds=corpus/$target
  if [ -d "$seeds" ] && [ -n "$(find "$seeds" -type f -print -quit)" ]; then
    # flat archive (-j): libFuzzer wants the inputs, not their folders
    find "$seeds" -type f -print | zip -q -j -@ "$OUT/${target}_seed_corpus.zip"
    echo "build.sh: $target: seed corpus of $(find "$seeds" -type f | wc -l) files"
  fi
done
