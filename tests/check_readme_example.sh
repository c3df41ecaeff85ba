#!/bin/sh
# check_readme_example.sh - the C example in README.md is the file
# tests/readme_example.c, and it builds and prints what the README says.
set -eu
: "${BUILD:=build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the README's first ```c block must be the example file, byte for byte
awk '/^```c$/{f=1; next} /^```$/{if (f) exit} f' README.md > "$tmp/from_readme.c"
if ! cmp -s "$tmp/from_readme.c" tests/readme_example.c; then
    echo "FAIL: README.md example differs from tests/readme_example.c"
    diff "$tmp/from_readme.c" tests/readme_example.c || true
    exit 1
fi
san=""
case "$BUILD" in *asan*) san="-fsanitize=address,undefined" ;; esac
${CC:-cc} -std=c11 -Wall -Wextra -Werror $san -Iinclude tests/readme_example.c \
    "$BUILD/libsafeaddr.a" -o "$tmp/example"
# RUNNER: how to run a binary of the build's machine (tests/portable.sh
# sets it to qemu-user for the foreign targets; empty here)
${RUNNER:-} "$tmp/example" > "$tmp/out"
printf 'Doe, Jane <jane@example.org>\n <bob@example.net>\n' > "$tmp/want"
if ! cmp -s "$tmp/out" "$tmp/want"; then
    echo "FAIL: README example printed:"; cat "$tmp/out"; exit 1
fi
echo "README example: ok"
