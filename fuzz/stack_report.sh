#!/bin/bash
# fuzz/stack_report.sh - static worst-case stack of every public function
# (`make stack-report`; ASSURANCE.md figure 5)
#
# Compiles src/*.c with the release flags of the Makefile (gcc, -O2,
# -fstack-protector-strong, each ISA file with its own flags) plus
# -fcallgraph-info=su, then fuzz/stack_report.py adds the frames along the
# deepest call chain of each exported function. The measured counterpart
# (a painted thread stack over every linear-time family) is printed by
# tests/check_linear.sh.
set -u
MAKE=${MAKE:-make}
out=build/stack
rm -rf "$out"
mkdir -p "$out/ci"
$MAKE --no-print-directory -s CC=gcc BUILD="$out" \
    CFLAGS="-fcallgraph-info=su -dumpdir $out/ci/" lib >/dev/null || exit 1
python3 fuzz/stack_report.py "$out/ci" src | tee "$out/report.md"
