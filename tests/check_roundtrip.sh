#!/bin/sh
# check_roundtrip.sh - parse(format(x)) == x for every mailbox of every
# accepted external and hostile input, strict and lenient, through
# `safeaddr parse --roundtrip`. See tests/roundtrip_all.py.
set -u
build=${BUILD:-build}
if ! command -v python3 >/dev/null 2>&1; then
    echo "check_roundtrip: python3 is required (tests/install-deps.sh)" >&2
    exit 1
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 tests/roundtrip_all.py \
    --cli "$build/safeaddr" "$@"
