#!/bin/sh
# abi-check.sh BUILD - the ABI of BUILD/libsafeaddr.so against the committed
# description src/safeaddr.abi (abidw 2.2, Debian's abigail-tools), so that
# no change to an exported symbol or to a struct a caller allocates lands
# unnoticed (reference/C-LIBRARY-CONVENTIONS.md #13).
#
# abidiff's exit status is a bit mask: 1 tool error, 2 usage error, 4 an ABI
# change, 8 an incompatible one. Any of them fails here, bit 4 included:
# abidiff counts a member appended to a struct as compatible, but
# safeaddr_item, safeaddr_iter and safeaddr_header are allocated by the
# caller and written whole by the library, so an old binary's smaller
# object would be overrun. What to do then is printed below.
set -u
build=${1:-build}
so=$build/libsafeaddr.so
base=src/safeaddr.abi
say() { echo "check-abi: $*"; }

case $(${CC:-cc} -dumpmachine) in
x86_64-*) ;;
*) say "skipped: $base describes the x86-64 build"; exit 0 ;;
esac
if ! command -v abidiff >/dev/null 2>&1; then
    say "FAIL: abidiff missing (Debian package abigail-tools; tests/install-deps.sh installs it)"
    exit 1
fi
[ -f "$so" ] || { say "FAIL: no $so"; exit 1; }
[ -f "$base" ] || { say "FAIL: no $base (make abi-baseline writes it)"; exit 1; }

# The comparison can fail: the description less one of its functions is an
# incompatible change to abidiff (12 = 4 | 8), or this check proves nothing.
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM
grep -v "<elf-symbol name='safeaddr_version' " "$base" >"$tmp"
abidiff "$base" "$tmp" >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 12 ]; then
    say "FAIL: abidiff gave $rc, not 12, for a description less a function"
    exit 1
fi

report=$(abidiff --headers-dir2 include "$base" "$so" 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$report"
    say "FAIL: abidiff exit status $rc (4 = ABI change, 8 = incompatible change)"
    say "if the change is meant: bump VERSION_MAJOR in the Makefile when it is"
    say "incompatible (a symbol removed or changed, a caller-allocated struct"
    say "resized or rearranged), put added symbols in a new node of"
    say "src/safeaddr.map, say so in CHANGELOG.md, then run make abi-baseline"
    exit 1
fi
symbols=$(grep -c '<elf-symbol ' "$base")
say "OK: $so has the ABI of $base ($symbols symbols, every type they reach)"
