#!/bin/sh
# check_crackaddr.sh - `safeaddr crackaddr` against the outputs of the real
# sendmail 8.17.1.9 crackaddr() (tests/data/crackaddr): every case, with
# and without --colon-ok, template and alert byte for byte, through the
# command's line protocol (each input escaped, each output line unescaped).
# Also the protocol's error path: a bad escape is reported, the run goes
# on, and the exit status is 1.
set -u
build=${BUILD:-build}
if ! command -v python3 >/dev/null 2>&1; then
    echo "check_crackaddr: python3 is required (tests/install-deps.sh)" >&2
    exit 1
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 - "$build/safeaddr" \
    tests/data/crackaddr/crackaddr-8.17-reference.jsonl <<'PY'
import json, re, subprocess, sys

cli, ref = sys.argv[1], sys.argv[2]
NAMED = {0x5C: b"\\\\", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t"}

def escape(data):
    # Every byte outside printable ASCII as \xHH: simplest valid input.
    out = bytearray()
    for b in data:
        if b in NAMED:
            out += NAMED[b]
        elif b < 0x20 or b >= 0x7F:
            out += b"\\x%02x" % b
        else:
            out.append(b)
    return bytes(out)

UNESC = re.compile(rb"\\(x[0-9a-fA-F]{2}|.)", re.S)
def unescape(data):
    def one(m):
        s = m.group(1)
        if s[:1] == b"x":
            return bytes([int(s[1:], 16)])
        return {b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t"}[s]
    return UNESC.sub(one, data)

cases = [json.loads(l) for l in open(ref, encoding="ascii")]
assert len(cases) == 3364, len(cases)
inp = b"".join(escape(c["in"].encode("latin-1")) + b"\n" for c in cases)
failed = 0
for flag, key, akey in (([], "out", "alert"),
                        (["--colon-ok"], "out_colonok", "alert_colonok")):
    r = subprocess.run([cli, "crackaddr"] + flag, input=inp,
                       stdout=subprocess.PIPE, check=False)
    lines = r.stdout.split(b"\n")
    if r.returncode != 0 or lines[-1] != b"" or len(lines) - 1 != len(cases):
        print("crackaddr %s: exit %d, %d lines for %d cases"
              % (flag, r.returncode, len(lines) - 1, len(cases)))
        failed += 1
        continue
    bad = 0
    for c, line in zip(cases, lines):
        tmpl, _, tail = line.partition(b"\t")
        want = c[key].encode("latin-1")
        if unescape(tmpl) != want or (tail == b"alert") != c[akey] or \
                tail not in (b"", b"alert"):
            bad += 1
            if bad <= 5:
                print("id %d %s: got %r want %r alert %r" %
                      (c["id"], flag, line, want, c[akey]))
    print("crackaddr %s: %d of %d cases match" %
          (" ".join(flag) or "(ColonOkInAddr false)", len(cases) - bad,
           len(cases)))
    failed += bad

# Protocol errors: reported in place, the run goes on, exit status 1.
r = subprocess.run([cli, "crackaddr"], input=b"a\\q\n<a@b>\n",
                   stdout=subprocess.PIPE, check=False)
if r.returncode != 1 or \
        r.stdout != b"\terror: bad escape at offset 1\n<\\x81g>\n":
    print("bad escape handling: exit %d, %r" % (r.returncode, r.stdout))
    failed += 1
sys.exit(1 if failed else 0)
PY
