#!/bin/sh
# check_linear.sh - parse cost grows linearly with the input, stack does
# not grow at all (ASSURANCE.md section 3 and figure 5)
#
# Families: every hostile.jsonl entry built from "repeat", scaled, plus the
# extra families of ASSURANCE.md section 3 (tests/linear_families.py), in
# strict and SAFEADDR_LENIENT mode. For each:
#   1. natively, every case within 1 s + 5 us per byte of wall time
#      (LINEAR_BASE_MS, LINEAR_NS_PER_BYTE): a quadratic family runs out
#      and is named, long before Callgrind would finish it;
#   2. under Callgrind, the instruction count of the whole pipeline
#      (tests/linear_cost.c) at every size; the least-squares slope of
#      log(cost) over log(n) for n >= 2^14 must be <= 1.10 and no doubling
#      of n may cost more than 2.2x;
#   3. the stack high-water mark of each case on a painted thread stack
#      must not grow with n and must stay under 16 KiB.
# `make check` uses n = 2^14..2^16 for every kernel; `make linear-report`
# (LINEAR_FULL=1) uses 2^10..2^20 and keeps the tables in $BUILD.
#
# Needs valgrind and python3 (tests/install-deps.sh installs them). Not run
# in AddressSanitizer builds, which valgrind cannot run, nor for a build
# of another machine run through RUNNER (tests/portable.sh: valgrind counts
# native instructions only); the release build runs it for every kernel.
set -u
build=${BUILD:?BUILD not set}
case $build in
*asan* | *san*)
    echo "check_linear: not run in $build (ASan binaries cannot run under valgrind); the release build runs it"
    exit 0
    ;;
esac
if [ -n "${RUNNER:-}" ]; then
    echo "check_linear: not run in $build (runs under $RUNNER; valgrind counts native binaries only); the native builds run it"
    exit 0
fi
helper=$build/tests/linear_cost
if [ ! -x "$helper" ]; then
    echo "check_linear: $helper missing (make BUILD=$build fuzz-replay)"
    exit 1
fi
for tool in valgrind python3; do
    command -v $tool >/dev/null 2>&1 ||
        { echo "check_linear: $tool missing (sh tests/install-deps.sh)"; exit 1; }
done
if [ "${LINEAR_FULL:-0}" = 1 ]; then min=10; max=20; else min=14; max=16; fi
kernel=${SAFEADDR_ISA:-default}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
python3 tests/linear_families.py gen --data tests/data --out "$tmp" \
    --min $min --max $max >/dev/null || exit 1
status=0

# 1. native pass: wall clock per byte (reported) and the watchdog. A
# family that runs out of time fails; it is dropped from the manifest and
# the pass goes on, so that one run names every super-linear family and
# still measures the others.
slow=""
while :; do
    if "$helper" measure "$tmp/manifest.tsv" >"$tmp/native.tsv" \
            2>"$tmp/native.err"; then
        break
    fi
    fam=$(sed -n 's/^linear_cost: TIMEOUT (super-linear?) in \([^ ]*\) n=.*/\1/p' \
        "$tmp/native.err")
    if [ -z "$fam" ]; then
        cat "$tmp/native.err"
        echo "check_linear: FAILED (kernel $kernel): the helper failed"
        exit 1
    fi
    grep -a 'TIMEOUT' "$tmp/native.err" | sed 's/^/check_linear: /'
    slow="$slow $fam"
    status=1
    awk -F'\t' -v f="$fam" '$1 != f' "$tmp/manifest.tsv" >"$tmp/m.tsv"
    mv "$tmp/m.tsv" "$tmp/manifest.tsv"
done

# 2. instruction counts
if ! timeout ${LINEAR_VALGRIND_SECONDS:-1800} valgrind --tool=callgrind \
        --collect-atstart=no --callgrind-out-file="$tmp/cg.out" \
        "$helper" measure "$tmp/manifest.tsv" >/dev/null 2>"$tmp/vg.log"; then
    tail -5 "$tmp/vg.log"
    echo "check_linear: FAILED (kernel $kernel): valgrind run failed or timed out"
    exit 1
fi
grep -a 'linear_cost: kernel' "$tmp/vg.log" | sed 's/^/check_linear: under valgrind, /'
python3 tests/linear_families.py fit --callgrind "$tmp/cg.out" >"$tmp/fit.md"
fit=$?
[ $fit = 0 ] || status=1

# 3. stack
"$helper" stack "$tmp/manifest.tsv" >"$tmp/stack.tsv" 2>/dev/null || status=1
python3 tests/linear_families.py stack --in "$tmp/stack.tsv" >"$tmp/stack.txt" ||
    status=1

if [ "${LINEAR_FULL:-0}" = 1 ]; then
    out=$build/linear-report-$kernel
    mkdir -p "$out"
    cp "$tmp/fit.md" "$tmp/native.tsv" "$tmp/stack.tsv" "$tmp/stack.txt" "$out/"
    cat "$tmp/fit.md"
    echo "check_linear: tables in $out/"
else
    grep -a 'FAIL' "$tmp/fit.md"
fi
tail -2 "$tmp/fit.md" | grep -a '^linear:'
[ -n "$slow" ] && echo "check_linear: super-linear (out of time natively):$slow"
cat "$tmp/stack.txt"
echo "check_linear: kernel $kernel, n = 2^$min..2^$max: $([ $status = 0 ] && echo ok || echo FAILED)"
exit $status
