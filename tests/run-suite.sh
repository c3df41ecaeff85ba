#!/bin/sh
# run-suite.sh BUILD_DIR - run every test once per scanner kernel.
# Criterion binaries print their own summaries; this script prints one
# closing line "N passed, N failed" over all (binary, script, kernel) runs.
set -u
build=${1:?usage: run-suite.sh BUILD_DIR}
# A kernel bug can turn a loop infinite; no single test may hang the suite.
limit=${SUITE_TIMEOUT:-900}
kernels=$("$build/safeaddr" --list-kernels 2>/dev/null || echo scalar)
passed=0
failed=0
failures=""
for k in $kernels; do
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        if SAFEADDR_ISA=$k timeout "$limit" "$t" --jobs=2 --short-filename; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); failures="$failures $(basename "$t")[$k]"
        fi
    done
    for s in tests/check_*.sh; do
        [ -f "$s" ] || continue
        echo "== $s (kernel $k, $build)"
        if BUILD=$build SAFEADDR_ISA=$k timeout "$limit" sh "$s"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); failures="$failures $(basename "$s")[$k]"
        fi
    done
done
[ -n "$failures" ] && echo "failed:$failures"
echo "== suite $build"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
