#!/usr/bin/env bash
# run.sh - the whole test suite: formatting, a -Werror build, every test
# under AddressSanitizer + UndefinedBehaviorSanitizer, a plain build's tests,
# and each fuzz target for a bounded time when clang is there.
# Installs missing Debian packages first (as root).
set -euo pipefail
VIFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIFS_TOP
# shellcheck source=tests/lib/deps.sh
. "$VIFS_TOP/tests/lib/deps.sh"
cd "$VIFS_TOP"

FUZZ_SECONDS=${VIFS_FUZZ_SECONDS:-20}
jobs=$(nproc)
vifs_deps

echo "== format check"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files

echo "== build with sanitizers (ASan + UBSan)"
vifs_build build-asan -DVIFS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== tests under sanitizers"
ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== plain build and tests"
vifs_build build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j"$jobs"

if command -v clang >/dev/null; then
    echo "== fuzzing, ${FUZZ_SECONDS}s per target"
    CC=clang cmake -S . -B build-fuzz -DVIFS_FUZZ=ON -DVIFS_SANITIZE=ON \
        -DVIFS_WERROR=ON >build-fuzz.cmake.log
    targets=$(sed -n 's/^.*fuzz_\([a-z0-9_]*\)\.c$/fuzz_\1/p' \
        <(ls tests/fuzz/fuzz_*.c))
    # shellcheck disable=SC2086
    cmake --build build-fuzz -j"$jobs" --target $targets >build-fuzz.build.log
    for f in build-fuzz/tests/fuzz_*; do
        name=$(basename "$f")
        short=${name#fuzz_}
        corpus=$(mktemp -d)
        cp -r "tests/fuzz/corpus/$short/." "$corpus/" 2>/dev/null || true
        echo "-- $name"
        "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=0 "$corpus" 2>"build-fuzz/$name.log" || {
            tail -60 "build-fuzz/$name.log" >&2
            rm -rf "$corpus"
            exit 1
        }
        grep -E '^#[0-9]+.*DONE' "build-fuzz/$name.log" | tail -1 || true
        rm -rf "$corpus"
    done
fi
echo "== all tests passed"
