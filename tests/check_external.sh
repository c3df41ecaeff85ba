#!/bin/sh
# check_external.sh - agreement of `safeaddr check` with the external test
# vectors (tests/data/external, judged as its README says), per source;
# fails on any undisputed disagreement not in tests/data/known-differences.tsv
# and on listed cases that agree again. See tests/external_agreement.py.
set -u
build=${BUILD:-build}
if ! command -v python3 >/dev/null 2>&1; then
    echo "check_external: python3 is required (tests/install-deps.sh)" >&2
    exit 1
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 tests/external_agreement.py \
    --cli "$build/safeaddr" --data tests/data/external \
    --known tests/data/known-differences.tsv "$@"
