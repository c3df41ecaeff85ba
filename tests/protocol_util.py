"""Shared helpers of the data-driven tests: the line protocol of
tests/data/external/README.md ("Suggested CLI line protocol") and running
`safeaddr check` / `safeaddr parse --escaped` over many inputs at once.

Written for this project; standard library only.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

_ASCII_SPECIAL = re.compile(rb"[\x00-\x1f\x7f\\]")
_NAMED = {0x5C: b"\\\\", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t"}


def _escape_ascii_byte(m):
    b = m.group(0)[0]
    return _NAMED.get(b, b"\\x%02x" % b)


def _utf8_len(data, i):
    """Length of the valid UTF-8 sequence at data[i] (lead >= 0x80), or 0."""
    lead = data[i]
    n = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else \
        4 if 0xF0 <= lead <= 0xF4 else 0
    if n == 0 or i + n > len(data):
        return 0
    try:
        data[i:i + n].decode("utf-8")  # strict: no overlongs, surrogates
    except UnicodeDecodeError:
        return 0
    return n


def escape(data):
    """bytes -> protocol-escaped bytes (one line, no raw CR/LF/TAB/NUL)."""
    try:
        data.decode("utf-8")
        return _ASCII_SPECIAL.sub(_escape_ascii_byte, data)
    except UnicodeDecodeError:
        pass
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b >= 0x80:
            n = _utf8_len(data, i)
            if n:
                out += data[i:i + n]
                i += n
            else:
                out += b"\\x%02x" % b
                i += 1
            continue
        if b in _NAMED:
            out += _NAMED[b]
        elif b < 0x20 or b == 0x7F:
            out += b"\\x%02x" % b
        else:
            out.append(b)
        i += 1
    return bytes(out)


def external_input(case):
    """The input bytes of an external test case."""
    if case.get("input") is not None:
        return case["input"].encode("utf-8")
    return bytes.fromhex(case["input_hex"])


def load_external(data_dir=None):
    """{source file stem: [case, ...]} in file order."""
    data_dir = data_dir or os.path.join(DATA, "external")
    out = {}
    for name in sorted(os.listdir(data_dir)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            out[name[:-len(".jsonl")]] = [json.loads(l) for l in f if l.strip()]
    return out


def load_hostile(data_dir=None):
    """[(entry, input bytes)] using the expander shipped with the data."""
    data_dir = data_dir or os.path.join(DATA, "hostile")
    sys.path.insert(0, data_dir)
    try:
        import expand_hostile  # tests/data/hostile/expand_hostile.py
    finally:
        sys.path.pop(0)
    entries = expand_hostile.load(os.path.join(data_dir, "hostile.jsonl"))
    return [(e, expand_hostile.expand(e["input"])) for e in entries]


def run_lines(argv, lines):
    """Run argv with the given protocol lines (bytes, no LF) on stdin.
    Returns (exit status, [raw output line bytes], stderr bytes). The output
    is split at LF only, so a stray CR or NUL stays visible to the caller."""
    payload = b"".join(l + b"\n" for l in lines)
    p = subprocess.run(argv, input=payload, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    out = p.stdout
    raw = out.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    elif raw:
        raw[-1] += b"<no final LF>"
    return p.returncode, raw, p.stderr


def check_cli(cli, items, extra_args=()):
    """items: [(kind, input bytes)] -> (status, [raw output lines], stderr)
    from `cli check`, one output line per item (not verified here)."""
    lines = [kind.encode("ascii") + b"\t" + escape(data) for kind, data in items]
    return run_lines([cli, "check", *extra_args], lines)
