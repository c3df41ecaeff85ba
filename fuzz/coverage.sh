#!/bin/bash
# fuzz/coverage.sh - line and branch coverage of the library (src/*.c) over
# the deterministic tests (`make coverage`)
#
# clang source-based coverage (-fprofile-instr-generate -fcoverage-mapping):
# branches are the conditions as written in the source (each && / || operand
# counts), not the compiler's jumps, so the figure means what it says.
#
# Stages, each with its own profile so the report can tell them apart:
#   suite   every Criterion suite and every tests/check_*.sh script, once
#           per scanner kernel, as tests/run-suite.sh runs them (without
#           check_linear.sh, whose Callgrind run adds no coverage and takes
#           minutes when instrumented)
#   seeds   the harnesses' standalone drivers over the seed corpora made
#           from tests/data (hostile catalogue, external vectors, crackaddr
#           reference inputs, sample mail); no fuzzer-generated input
# The report is build/coverage/report.txt (suite, then suite + seeds); the
# branches never taken are listed in build/coverage/uncovered-branches.txt
# and HTML is in build/coverage/html/.
set -u
MAKE=${MAKE:-make}
b=build/coverage
flags="-fprofile-instr-generate -fcoverage-mapping"
$MAKE --no-print-directory CC=clang BUILD=$b CFLAGS="$flags" \
    LDFLAGS="-fprofile-instr-generate" tests fuzz-replay || exit 1
$MAKE --no-print-directory fuzz-seeds || exit 1
rm -rf $b/prof
mkdir -p $b/prof

kernels=$("$b/safeaddr" --list-kernels 2>/dev/null || echo scalar)
failed=0
# suite
export LLVM_PROFILE_FILE=$PWD/$b/prof/suite-%4m.profraw
for k in $kernels; do
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] || continue
        SAFEADDR_ISA=$k "$t" --jobs=2 --short-filename >/dev/null 2>&1 ||
            { echo "coverage: $t [$k] failed"; failed=1; }
    done
    for s in tests/check_*.sh; do
        [ "$s" = tests/check_linear.sh ] && continue
        BUILD=$b SAFEADDR_ISA=$k sh "$s" >/dev/null 2>&1 ||
            { echo "coverage: $s [$k] failed"; failed=1; }
    done
done
# seeds
export LLVM_PROFILE_FILE=$PWD/$b/prof/seeds-%4m.profraw
# One process per seed, so that an input that aborts (an open finding)
# does not hide the coverage of the seeds after it.
for k in $kernels; do
    for d in build/fuzz-seeds/*/; do
        n=$(basename "$d")
        find "$d" -maxdepth 1 -type f ! -name '.*' -print0 |
            SAFEADDR_ISA=$k xargs -0 -n 1 -P 2 "$b/fuzz/replay-$n" \
                >/dev/null 2>&1 ||
            { echo "coverage: seeds $n [$k]: some inputs failed"; failed=1; }
    done
done
unset LLVM_PROFILE_FILE
[ $failed = 0 ] || echo "coverage: some tests failed; the figures cover what ran"

llvm-profdata merge -sparse $b/prof/suite-*.profraw -o $b/suite.profdata || exit 1
llvm-profdata merge -sparse $b/prof/*.profraw -o $b/all.profdata || exit 1

# llvm-cov wants the first binary as a positional argument
objs="$b/safeaddr"
for o in "$b"/tests/test_* "$b"/fuzz/replay-* "$b/tests/linear_cost"; do
    [ -x "$o" ] && objs="$objs -object $o"
done
srcs=$(ls src/*.c)
{
    echo "== deterministic suite (tests/test_*.c, tests/check_*.sh), every kernel"
    llvm-cov report $objs -instr-profile=$b/suite.profdata $srcs
    echo
    echo "== suite + seed corpora replayed through the harnesses"
    llvm-cov report $objs -instr-profile=$b/all.profdata $srcs
} >$b/report.txt
cat $b/report.txt
llvm-cov export -format=text $objs -instr-profile=$b/suite.profdata $srcs \
    >$b/suite.json
python3 fuzz/coverage_gaps.py $b/suite.json >$b/uncovered-branches.txt
llvm-cov show -format=html -output-dir=$b/html -show-branches=count \
    $objs -instr-profile=$b/suite.profdata $srcs >/dev/null 2>&1
echo "coverage: $(wc -l <$b/uncovered-branches.txt) branch outcomes never taken by the suite: $b/uncovered-branches.txt; HTML in $b/html/"
exit $failed
