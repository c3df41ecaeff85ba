#!/bin/sh
# check_cli.sh - the contract of the safeaddr command: exit statuses, usage,
# the check line protocol and its escaping, JSON output, headers over
# messages and mboxes, parse options. See tests/cli_contract.py.
set -u
build=${BUILD:-build}
if ! command -v python3 >/dev/null 2>&1; then
    echo "check_cli: python3 is required (tests/install-deps.sh)" >&2
    exit 1
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 tests/cli_contract.py \
    --cli "$build/safeaddr" "$@"
