#!/bin/sh
# check_hostile.sh - every entry of tests/data/hostile through
# `safeaddr check` (address-list), each meeting its expected outcome (error
# at the stated offset, parse with a diagnostic, or parse), with no raw
# NUL/CR/LF in the output and nothing on stderr (so a sanitizer report in
# the SAN=1 build fails it). See tests/hostile_expect.py.
set -u
build=${BUILD:-build}
if ! command -v python3 >/dev/null 2>&1; then
    echo "check_hostile: python3 is required (tests/install-deps.sh)" >&2
    exit 1
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 tests/hostile_expect.py \
    --cli "$build/safeaddr" --data tests/data/hostile "$@"
