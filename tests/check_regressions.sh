#!/bin/sh
# check_regressions.sh - replay every fuzz regression file
#
# tests/regressions/NAME/* are inputs that once broke a property checked by
# fuzz/fuzz_NAME.c (a crash, a sanitizer report, a failed round trip, a
# kernel disagreement...). Each is replayed through the standalone driver
# of its harness, $BUILD/fuzz/replay-NAME, which checks every property
# again; in build/asan that is under AddressSanitizer + UBSan. run-suite.sh
# runs this once per scanner kernel (SAFEADDR_ISA); the harnesses also
# compare all kernels themselves.
#
# With REPLAY_SEEDS=1 the generated seed corpora (build/fuzz-seeds, made by
# `make fuzz-seeds` from tests/data) are replayed as well.
set -u
build=${BUILD:?BUILD not set}
status=0
files=0
for dir in tests/regressions/*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    bin=$build/fuzz/replay-$name
    if [ ! -x "$bin" ]; then
        echo "check_regressions: $bin missing (make BUILD=$build fuzz-replay)"
        status=1
        continue
    fi
    for f in "$dir"*; do
        [ -f "$f" ] || continue
        case $f in *.md) continue ;; esac
        files=$((files + 1))
        if ! out=$("$bin" "$f" 2>&1); then
            echo "check_regressions: FAIL $f (fuzz/fuzz_$name.c)"
            echo "$out" | grep -a -v '^    #[0-9]' | tail -n 25
            status=1
        fi
    done
done
if [ "${REPLAY_SEEDS:-0}" = 1 ]; then
    for dir in build/fuzz-seeds/*/; do
        name=$(basename "$dir")
        bin=$build/fuzz/replay-$name
        [ -x "$bin" ] || continue
        if ! out=$("$bin" "$dir" 2>&1); then
            echo "check_regressions: FAIL seeds $dir"
            echo "$out" | tail -n 25
            status=1
        fi
    done
fi
echo "check_regressions: $files regression file(s) replayed in $build" \
    "(kernel ${SAFEADDR_ISA:-default}): $([ $status = 0 ] && echo ok || echo FAILED)"
exit $status
