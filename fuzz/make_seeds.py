#!/usr/bin/env python3
"""Build the fuzz seed corpora from the project's test data.

Usage: make_seeds.py --data tests/data --out build/fuzz-seeds NAME...

Reads only the copies under --data (never ../shared):
  hostile/hostile.jsonl      expanded with hostile/expand_hostile.py
  external/*.jsonl           field bodies from other projects' test suites
  crackaddr/*.jsonl          sendmail crackaddr() reference inputs ("in")
  */*.eml, */*.mbox          sample messages (header harness)
and writes OUT/NAME/<seed> for every harness NAME, in that harness's input
format (the option bytes of fuzz/fuzz_common.h in front of the body):
  parse, format   2 option bytes, then a field body
  header          1 flag byte, then a message (header block and body)
  crackaddr       1 option byte (bit 0: ColonOkInAddr), then the address
  anything else   the raw field bodies
Identical seeds are written once. Exit status 1 when the hostile catalogue
is missing (the seeds would be too weak to be worth running).
"""
import argparse
import glob
import hashlib
import importlib.util
import json
import os
import re
import sys

# kind -> option byte 0 giving that production (fz_take_options'
# production_of table, fuzz/fuzz_common.h)
PRODUCTION_BYTE = {"address-list": 0, "mailbox-list": 1, "mailbox": 2,
                   "addr-spec": 3, "path": 4, "address": 5}
LENIENT = 0x08
ACCEPT_LF = 0x10
SMALL_LIMITS = 0x40
SMALL_INPUT = 0x80

# Which field carries which kind in a generated message (RFC 5322 3.6).
FIELD_FOR_KIND = {"address-list": "To", "mailbox-list": "From",
                  "mailbox": "Sender", "addr-spec": "Cc"}


def load_expander(data):
    path = os.path.join(data, "hostile", "expand_hostile.py")
    spec = importlib.util.spec_from_file_location("expand_hostile", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def hostile_cases(data):
    jsonl = os.path.join(data, "hostile", "hostile.jsonl")
    if not os.path.exists(jsonl):
        return None
    exp = load_expander(data)
    return [(e["id"], exp.expand(e["input"])) for e in exp.load(jsonl)]


def external_cases(data):
    out = []
    for path in sorted(glob.glob(os.path.join(data, "external", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                if e.get("input") is not None:
                    raw = e["input"].encode("utf-8")
                elif e.get("input_hex"):
                    raw = bytes.fromhex(e["input_hex"])
                else:
                    continue
                lenient = "lenient-source" in (e.get("features") or [])
                out.append((e["id"], e.get("kind", "address-list"), raw,
                            lenient))
    return out


def crackaddr_cases(data):
    out = []
    for path in sorted(glob.glob(os.path.join(data, "crackaddr", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                if isinstance(e.get("in"), str):
                    # The reference file is ASCII JSON; \u0080-\u00ff stand
                    # for single bytes (latin-1), as sendmail saw them.
                    out.append(("crackaddr-%s" % e.get("id"),
                                e["in"].encode("latin-1", "replace")))
    return out


def messages(data):
    out = []
    for pat in ("*/*.eml", "*/*/*.eml", "*/*.mbox"):
        for path in sorted(glob.glob(os.path.join(data, pat))):
            with open(path, "rb") as f:
                out.append((os.path.basename(path), f.read()))
    return out


class Writer:
    def __init__(self, root):
        self.root = root
        self.seen = set()
        self.count = 0
        os.makedirs(root, exist_ok=True)

    def put(self, name, content):
        digest = hashlib.sha1(content).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:80]
        with open(os.path.join(self.root, "%s-%s" % (safe, digest[:8])),
                  "wb") as f:
            f.write(content)
        self.count += 1


def small_limit_byte(name):
    """A deterministic byte 1 for the tiny-limit variants."""
    return hashlib.sha1(name.encode()).digest()[0]


def field_seeds(w, hostile, external):
    for hid, raw in hostile:
        w.put("hostile-" + hid, bytes([0, 0]) + raw)
        if len(raw) <= 1024:
            # ASSURANCE.md harness (d): tiny depth, count and size limits.
            w.put("hostile-small-" + hid,
                  bytes([SMALL_LIMITS | SMALL_INPUT,
                         small_limit_byte(hid)]) + raw)
            w.put("hostile-lenient-" + hid, bytes([LENIENT, 0]) + raw)
    for eid, kind, raw, lenient in external:
        b0 = PRODUCTION_BYTE.get(kind, 0)
        w.put("ext-" + eid, bytes([b0, 0]) + raw)
        if lenient:
            w.put("ext-lenient-" + eid, bytes([b0 | LENIENT, 0]) + raw)
        if b"\n" in raw:
            w.put("ext-lf-" + eid, bytes([b0 | ACCEPT_LF, 0]) + raw)
        if len(raw) <= 256:
            w.put("ext-small-" + eid,
                  bytes([b0 | SMALL_LIMITS, small_limit_byte(eid)]) + raw)
        # the test data has no kind for one address (a mailbox or one
        # group, RFC 6854's Sender): its mailboxes and groups read so too
        if kind in ("mailbox", "address-list") and (kind == "mailbox" or
                                                     b":" in raw):
            w.put("ext-address-" + eid,
                  bytes([PRODUCTION_BYTE["address"], 0]) + raw)


def header_seeds(w, hostile, external, mails):
    batch = []
    for eid, kind, raw, _ in external:
        if b"\r" in raw or b"\n" in raw:
            continue
        batch.append(FIELD_FOR_KIND.get(kind, "To").encode() + b": " + raw)
        if len(batch) == 8:
            head = b"Subject: seed\r\n" + b"\r\n".join(batch) + b"\r\n"
            w.put("msg-crlf-" + eid, b"\0" + head + b"\r\nbody\r\n")
            w.put("msg-lf-" + eid,
                  b"\x10" + head.replace(b"\r\n", b"\n") + b"\nbody\n")
            batch = []
    for hid, raw in hostile:
        if len(raw) <= 8192:
            w.put("hostile-" + hid,
                  b"\0From: a@example.com\r\nTo: " + raw + b"\r\n\r\nbody")
            w.put("hostile-raw-" + hid, b"\0" + raw)
    for name, raw in mails:
        w.put("mail-" + name, b"\0" + raw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()

    hostile = hostile_cases(a.data)
    if hostile is None:
        print("make_seeds: %s/hostile/hostile.jsonl is missing"
              % a.data, file=sys.stderr)
        return 1
    external = external_cases(a.data)
    crack = crackaddr_cases(a.data)
    mails = messages(a.data)
    if not external:
        print("make_seeds: warning: no %s/external/*.jsonl" % a.data,
              file=sys.stderr)

    for name in a.names:
        w = Writer(os.path.join(a.out, name))
        if name in ("parse", "format"):
            field_seeds(w, hostile, external)
        elif name == "header":
            header_seeds(w, hostile, external, mails)
        elif name == "crackaddr":
            for cid, raw in crack:
                w.put(cid, b"\0" + raw)
                w.put(cid + "-colon", b"\1" + raw)
            for hid, raw in hostile:
                if len(raw) <= 4096:
                    w.put("hostile-" + hid, b"\0" + raw)
            for eid, _, raw, _ in external:
                w.put("ext-" + eid, b"\0" + raw)
        else:
            for hid, raw in hostile:
                w.put("hostile-" + hid, raw)
            for eid, _, raw, _ in external:
                w.put("ext-" + eid, raw)
        print("make_seeds: %s: %d seeds" % (name, w.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
