#!/usr/bin/env python3
"""The contract of the safeaddr command itself (src/cli): exit statuses,
usage, the check line protocol (one answer per line, protocol errors that do
not stop the run), the escaping both ways, JSON that is valid UTF-8 with
_hex twins for lossy values, headers over messages and mboxes with the
right line numbers, parse --escaped and --roundtrip.

usage: cli_contract.py --cli PATH
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import protocol_util as pu

failures = []


def fail(msg):
    failures.append(msg)


def run(cli, args, stdin=b""):
    p = subprocess.run([cli] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False, timeout=120)
    return p.returncode, p.stdout, p.stderr


def json_lines(out, what):
    """Parse output as JSON Lines; every line must be valid UTF-8 JSON
    without raw control bytes."""
    res = []
    for raw in out.split(b"\n")[:-1] if out.endswith(b"\n") else out.split(b"\n"):
        if any(b < 0x20 for b in raw):
            fail("%s: raw control byte in output line %r" % (what, raw[:80]))
        try:
            res.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as e:
            fail("%s: bad JSON line %r (%s)" % (what, raw[:80], e))
            res.append({})
    if out and not out.endswith(b"\n"):
        fail("%s: output does not end with LF" % what)
    return res


def expect(cond, msg):
    if not cond:
        fail(msg)


def test_usage(cli):
    rc, out, err = run(cli, [])
    expect(rc == 2 and b"usage:" in err, "no command: want status 2 and usage on stderr")
    rc, out, err = run(cli, ["frobnicate"])
    expect(rc == 2 and b"usage:" in err, "unknown command: want status 2")
    rc, out, _ = run(cli, ["--help"])
    expect(rc == 0 and b"usage:" in out, "--help: want status 0 and usage on stdout")
    for sub in ("parse", "headers", "check"):
        rc, out, _ = run(cli, [sub, "--help"])
        expect(rc == 0 and out.startswith(b"usage: safeaddr " + sub.encode()),
               "%s --help: want its usage and status 0" % sub)
        rc, out, err = run(cli, [sub, "--no-such-option"])
        expect(rc == 2 and b"usage:" in err and out == b"",
               "%s --no-such-option: want status 2, usage on stderr" % sub)
    rc, out, _ = run(cli, ["parse", "--kind", "nonsense"])
    expect(rc == 2, "parse --kind nonsense: want status 2")
    rc, out, err = run(cli, ["parse", "/nonexistent/file"])
    expect(rc == 2 and err, "parse of a missing file: want status 2 and a message")
    rc, out, _ = run(cli, ["--version"])
    expect(rc == 0 and b"0.1" in out and b"kernel" in out,
           "--version: want versions and the kernel, got %r" % out)
    rc, out, _ = run(cli, ["--list-kernels"])
    kernels = out.decode().split()
    expect(rc == 0 and "scalar" in kernels, "--list-kernels must list scalar")


def test_check_protocol(cli):
    lines = [b"address-list\tJoe <joe@example.com>, g: a@b.example, c@d.example;",
             b"mailbox\ta@b.example, c@d.example",         # rejected
             b"bogus-kind\ta@b.example",                   # protocol error
             b"address-list",                              # no TAB
             b"addr-spec\tbad\\qescape",                   # bad escape
             b"addr-spec\t\\x22a\\\\\\\\b\\x22@example.com",  # "a\\b"@example.com
             b"address-list\ta@b.example\\r\\n c@d.example",  # CRLF+SP folding, no comma
             b"address-list\t(\\x00)a@b.example",
             b"address\tg: a@b.example, c@d.example;",     # one group
             b"address\ta@b.example, c@d.example"]         # two addresses
    rc, out, err = run(cli, ["check"], b"".join(l + b"\n" for l in lines))
    res = json_lines(out, "check")
    expect(len(res) == len(lines), "check: %d lines in, %d out" % (len(lines), len(res)))
    expect(rc == 1, "check with rejected lines: want status 1, got %d" % rc)
    if len(res) != len(lines):
        return
    r = res[0]
    expect(r.get("ok") is True and [a["addr_spec"] for a in r["addresses"]] ==
           ["joe@example.com", "a@b.example", "c@d.example"], "check line 1: %r" % r)
    expect([a["group"] for a in r["addresses"]] == [None, "g", "g"] and
           r["groups"] == [{"name": "g", "size": 2, "span": [23, 51]}],
           "check line 1 groups: %r" % r)
    expect(res[1].get("ok") is False and res[1].get("code") == "E_MULTIPLE_ADDRESSES"
           and res[1].get("offset") == 11 and "addresses" not in res[1],
           "check line 2: %r" % res[1])
    for i in (2, 3, 4):
        expect(res[i].get("ok") is False and res[i].get("error", "").startswith("protocol:"),
               "check line %d: want a protocol error, got %r" % (i + 1, res[i]))
    expect(res[4].get("offset") == 13, "bad escape offset: %r" % res[4])
    expect(res[5].get("ok") is True and res[5]["addresses"][0]["local"] == "a\\b",
           "escaped quoted local: %r" % res[5])
    expect(res[6].get("ok") is False and res[6].get("code") == "E_TRAILING_JUNK",
           "folded list without comma: %r" % res[6])
    expect(res[7].get("ok") is False and res[7].get("code") == "E_NUL" and
           res[7].get("offset") == 1, "NUL in a comment: %r" % res[7])
    expect(res[8].get("kind") == "address" and res[8].get("ok") is True and
           [a["group"] for a in res[8]["addresses"]] == ["g", "g"],
           "address kind, one group: %r" % res[8])
    expect(res[9].get("ok") is False and
           res[9].get("code") == "E_MULTIPLE_ADDRESSES" and
           res[9].get("offset") == 11, "address kind, two: %r" % res[9])
    rc, out, _ = run(cli, ["check"], b"address-list\ta@b.example\n")
    expect(rc == 0, "check with every line accepted: want status 0")
    rc, out, _ = run(cli, ["check"], b"")
    expect(rc == 0 and out == b"", "check with no input: status 0, no output")


def test_bytes(cli):
    # every byte value in a display name's comment and quoted text
    allbytes = bytes(b for b in range(256) if b not in (0x00, 0x0A, 0x0D))
    data = b'"q\xff\xc3\xa9" (c\xfe\x01) <u@example.com>'
    rc, out, _ = run(cli, ["check"], b"address-list\t" + pu.escape(data) + b"\n")
    res = json_lines(out, "bytes")
    if res and res[0].get("ok"):
        a = res[0]["addresses"][0]
        expect(a.get("display_hex") == "71ffc3a9",
               "display of invalid UTF-8 needs display_hex: %r" % a)
        expect(a["display"] == "q\u00ff\u00e9", "display text: %r" % a["display"])
        expect(a.get("comments_hex") == ["63fe01"], "comments_hex: %r" % a)
    else:
        fail("8-bit display name and comment should parse: %r" % res)
    # the escaping is lossless: check's parse of an escaped line sees the
    # same bytes the raw parse sees
    for b in allbytes:
        body = b"(x" + bytes([b]) + b") a@b.example"
        rc1, o1, _ = run(cli, ["check"], b"address-list\t" + pu.escape(body) + b"\n")
        rc2, o2, _ = run(cli, ["parse"], body + b"\n")
        r1, r2 = json_lines(o1, "byte %02x" % b), json_lines(o2, "byte %02x" % b)
        if r1 and r2:
            r2[0].pop("line", None)
            r1[0].pop("kind", None)
            expect(r1[0] == r2[0], "byte %02x: check %r != parse %r" % (b, r1[0], r2[0]))


def test_parse(cli):
    body = b"A <a@example.com>\nB <b@example.com>, (\n\n"
    rc, out, _ = run(cli, ["parse"], body)
    res = json_lines(out, "parse")
    expect([r.get("line") for r in res] == [1, 2, 3], "parse line numbers: %r" % res)
    expect(rc == 1 and res[1].get("code") == "E_UNTERMINATED_COMMENT"
           and res[1].get("offset") == 20, "parse line 2: %r" % res[1:2])
    # an empty field is valid with a warning (DESIGN.md: "no addresses")
    expect(res[2].get("ok") is True and [d["code"] for d in res[2]["diagnostics"]]
           == ["D_NO_ADDRESSES"], "empty line: %r" % res[2:3])
    # raw CR stays in the line (only the LF ends it): a bare CR is an error
    rc, out, _ = run(cli, ["parse"], b"a@b.example\r\n")
    res = json_lines(out, "parse CR")
    expect(res and res[0].get("code") == "E_BARE_CR" and res[0].get("offset") == 11,
           "raw CR: %r" % res)
    rc, out, _ = run(cli, ["parse", "--escaped", "--kind", "mailbox", "--roundtrip"],
                     b'"a\\\\\\\\b" <x@example.com>\n\\q\n')
    res = json_lines(out, "parse --escaped")
    expect(len(res) == 2 and res[0].get("roundtrip") == "ok" and
           res[0]["addresses"][0]["display"] == "a\\b", "escaped roundtrip: %r" % res)
    expect(len(res) == 2 and res[1].get("error", "").startswith("protocol:"),
           "bad escape in parse --escaped: %r" % res)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "in.txt")
        with open(p, "wb") as f:
            f.write(b"a@b.example\n")
        rc, out, _ = run(cli, ["parse", p, "-"], b"c@d.example\n")
        res = json_lines(out, "parse files")
        expect(rc == 0 and [(r.get("file"), r.get("line")) for r in res] ==
               [(p, 1), ("-", 1)], "parse FILE -: %r" % res)


MBOX = (b"From a@example.com Mon Jan  1 00:00:00 2026\n"
        b"From: A <a@example.com>\n"
        b"To: b@example.com,\n"
        b"  c@example.com\n"
        b"Subject: x\n"
        b"\n"
        b"body\n"
        b">From here\n"
        b"\n"
        b"From b@example.com Mon Jan  1 00:00:01 2026\n"
        b"From: <b@example.com> <c@example.com>\n"
        b"Cc: g: d@example.com;\n"
        b"bad line\n"
        b"\n")

MSG_CRLF = (b"From: A <a@example.com>\r\n"
            b"To: b@example.com,\r\n c@example.com\r\n"
            b"Cc: x@example.com,\n c@example.com\r\n"
            b"\r\n"
            b"To: not@a.header\r\n")


def test_headers(cli):
    with tempfile.TemporaryDirectory() as d:
        mbox = os.path.join(d, "box.mbox")
        with open(mbox, "wb") as f:
            f.write(MBOX)
        rc, out, _ = run(cli, ["headers", mbox])
        res = json_lines(out, "headers mbox")
        got = [(r.get("src", "").rsplit(":", 1)[-1], r.get("header"), r.get("ok"))
               for r in res]
        want = [("2", "From", True), ("3", "To", True), ("11", "From", False),
                ("12", "Cc", True), ("13", None, False)]
        expect(got == want, "headers mbox: want %r, got %r" % (want, got))
        expect(rc == 1, "headers with a rejected field: want status 1, got %d" % rc)
        if len(res) == 5:
            expect([a["addr_spec"] for a in res[1]["addresses"]] ==
                   ["b@example.com", "c@example.com"], "LF-folded To: %r" % res[1])
            expect(res[2].get("code") == "E_SECOND_ANGLE" and res[2].get("line") == 11,
                   "second angle: %r" % res[2])
            expect(res[4].get("code") == "E_BAD_HEADER", "bad line: %r" % res[4])
        rc, out, _ = run(cli, ["headers"], MSG_CRLF)
        res = json_lines(out, "headers crlf")
        got = [(r.get("header"), r.get("ok"), r.get("code")) for r in res]
        # a bare LF inside a CRLF message is not folding (no ACCEPT_LF), and
        # nothing after the empty line is a header
        want = [("From", True, None), ("To", True, None), ("Cc", False, "E_BARE_LF")]
        expect(got == want, "headers CRLF message: want %r, got %r" % (want, got))
        rc, out, _ = run(cli, ["headers"], b"")
        expect(rc == 0 and out == b"", "headers of nothing: status 0, no output")
        # Sender is one address, which RFC 6854 2.1 lets be a group
        msg = (b"From: a@example.com\r\nSender: Team: b@example.com, "
               b"c@example.com;\r\nResent-Sender: d@example.com, "
               b"e@example.com\r\n\r\n")
        rc, out, _ = run(cli, ["headers"], msg)
        res = json_lines(out, "headers sender")
        got = [(r.get("header"), r.get("ok"), r.get("code")) for r in res]
        want = [("From", True, None), ("Sender", True, None),
                ("Resent-Sender", False, "E_MULTIPLE_ADDRESSES")]
        expect(got == want, "headers Sender: want %r, got %r" % (want, got))
        if len(res) == 3:
            expect(res[1]["groups"] == [{"name": "Team", "size": 2,
                                         "span": [1, 36]}],
                   "Sender group: %r" % res[1])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    args = ap.parse_args(argv)
    for t in (test_usage, test_check_protocol, test_bytes, test_parse, test_headers):
        before = len(failures)
        t(args.cli)
        print("%-22s %s" % (t.__name__, "ok" if len(failures) == before else "FAIL"))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
