"""Helpers of src/shim/check-sendmail.sh (the crackaddr shim tests).

Subcommands:
  fake-input OUT                 lines for the stand-in programs
                                 (src/shim/testprog/fake_main.c)
  fake-compare INPUT STDOUT      their answers against the reference
  parse-input OUT SELECT [cve]   "/parse" lines for sendmail -bt, and the
                                 reference ids in SELECT
  parse-compare SELECT STDOUT KEY
                                 the "Cracked address" answers of -bt against
                                 the reference field KEY (out, out_colonok)
  same-cracked A B               the "Cracked address" lines of two runs
  headers MBOX                   the address header fields of a delivery
  alerts SYSLOG                  LOG_ALERT crackaddr lines, normalised
  logd SOCKET OUT                a syslog socket writing each datagram to OUT
  log-cut SOCKET LOG DEST        move what LOG holds so far to DEST (a
                                 sentinel sent through SOCKET marks the end)
  lo-up                          bring the loopback interface up
  patch-copy KIND SRC DST        a copy of the Debian sendmail with a changed
                                 prologue (KIND prologue) or build-id
                                 (KIND build-id)

Reference: tests/data/crackaddr/crackaddr-8.17-reference.jsonl (each string
one character per byte, ISO-8859-1). Standard library only.
"""
import json
import os
import re
import socket
import struct
import sys

REFERENCE = "tests/data/crackaddr/crackaddr-8.17-reference.jsonl"
CRACKED = b"> Cracked address = "
# -bt reads a line into a 2048-byte buffer (MAXLINE): "/parse " plus the
# input must fit, or the rest is read as another command.
PARSE_MAX = 2000


def load():
    with open(REFERENCE, encoding="ascii") as f:
        cases = [json.loads(line) for line in f]
    for c in cases:
        for k in ("in", "out", "out_colonok"):
            c[k] = c[k].encode("latin-1")
    return cases


def escape(data):
    out = bytearray()
    for b in data:
        if b == 0x5C:
            out += b"\\\\"
        elif b < 0x20 or b >= 0x7F:
            out += b"\\x%02x" % b
        else:
            out.append(b)
    return bytes(out)


def fake_escape(data):
    """fake_main.c's output encoding: printable ASCII but backslash kept."""
    return b"".join(bytes([b]) if 0x20 <= b < 0x7F and b != 0x5C
                    else b"\\x%02x" % b for b in data)


# MustQuoteChars is read at each call: with '.' and '\'' out of the set a
# dotted name needs no quotes (fake programs only; sendmail's config sets it
# once).
MQ_CASES = [(b"a.b <c@d>", b"a.b <\x81g>"), (b"O'Neil <c@d>", b"O'Neil <\x81g>"),
            (b"a,b <c@d>", b'"a,b" <\x81g>')]


def fake_plan(cases):
    """(line, expected answer or None) in order."""
    plan = []
    for key, colon in (("out", b"colon=0"), ("out_colonok", b"colon=1")):
        plan.append((colon, None))
        plan += [(escape(c["in"]), c[key]) for c in cases]
    plan.append((b"colon=0", None))
    plan.append((b"mq=@,;:\\()[]", None))
    plan += [(escape(i), o) for i, o in MQ_CASES]
    plan.append((b"mq=@,;:\\()[].'", None))
    plan.append((escape(b"a.b <c@d>"), b'"a.b" <\x81g>'))
    return plan


def cmd_fake_input(out):
    with open(out, "wb") as f:
        for line, _ in fake_plan(load()):
            f.write(line + b"\n")
    return 0


def cmd_fake_compare(stdout_file):
    cases = load()
    plan = [(l, o) for l, o in fake_plan(cases) if o is not None]
    alerts = sum(c["alert"] + c["alert_colonok"] for c in cases)
    got = open(stdout_file, "rb").read().split(b"\n")
    if got[-1] == b"":
        got.pop()
    bad = 0
    if len(got) != len(plan):
        print("  %d answers for %d inputs" % (len(got), len(plan)))
        return 1
    for (line, want), answer in zip(plan, got):
        w = fake_escape(want)
        if answer != b"A\t" + w + b"\tB\t" + w:
            bad += 1
            if bad <= 3:
                print("  input %r: got %r want %r" % (line[:80], answer[:120], w[:120]))
    print("  %d of %d answers match the reference (both call sites; %d "
          "alerts expected)" % (len(plan) - bad, len(plan), alerts))
    return 1 if bad else 0


def parse_selection(cases, cve):
    """Inputs -bt /parse passes unchanged: printable, one line, no blanks
    at either end (testmodeline strips them), short enough for the line
    buffer. cve: only the old_overflow ones."""
    sel = []
    for c in cases:
        s = c["in"]
        if not s or len(s) > PARSE_MAX or s != s.strip(b" \t"):
            continue
        if any(b < 0x20 or b >= 0x7F for b in s):
            continue
        if cve and not c["old_overflow"]:
            continue
        sel.append(c)
    return sel


def cmd_parse_input(out, select, cve=False):
    cases = load()
    sel = parse_selection(cases, cve)
    lines = [b"/parse " + c["in"] for c in sel]
    ids = [c["id"] for c in sel]
    if cve:
        # CVE-2002-1337's shape itself: "<>" 128 times (the shortest run
        # that overflowed 8.12.7), 500 and 1000 times.
        for n in (128, 500, 1000):
            lines.append(b"/parse " + b"<>" * n)
            ids.append("<>x%d" % n)
    with open(out, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    with open(select, "w") as f:
        json.dump(ids, f)
    return 0


def cracked(stdout_file):
    return [l[len(CRACKED):] for l in open(stdout_file, "rb").read().split(b"\n")
            if l.startswith(CRACKED)]


def cmd_parse_compare(select, stdout_file, key):
    cases = {c["id"]: c for c in load()}
    ids = json.load(open(select))
    got = cracked(stdout_file)
    if len(got) != len(ids):
        print("  %d answers for %d /parse lines" % (len(got), len(ids)))
        return 1
    bad = 0
    for i, g in zip(ids, got):
        if isinstance(i, str):  # the "<>" runs: 8.17 punts
            want, alert = b"<\x81g>", True
        else:
            want = cases[i][key]
            alert = cases[i]["alert" if key == "out" else "alert_colonok"]
        # sendmail prints the macro byte 0x81 'g' as $g
        if g != want.replace(b"\x81g", b"$g"):
            bad += 1
            if bad <= 3:
                print("  id %s: got %r want %r" % (i, g[:100], want[:100]))
    print("  %d of %d /parse answers match the reference (%s)"
          % (len(ids) - bad, len(ids), key))
    return 1 if bad else 0


def cmd_same_cracked(a, b):
    x, y = cracked(a), cracked(b)
    if x != y or not x:
        print("  answers differ (%d and %d lines)" % (len(x), len(y)))
        return 1
    return 0


def cmd_headers(mbox):
    """The address fields of the delivered message, folded lines joined."""
    text = open(mbox, "rb").read()
    head = text.split(b"\n\n", 1)[0].split(b"\n")
    fields, cur = [], None
    for line in head:
        if line[:1] in (b" ", b"\t") and cur is not None:
            cur += b"\n" + line
            continue
        if cur is not None:
            fields.append(cur)
        cur = line
    if cur is not None:
        fields.append(cur)
    keep = [f for f in fields
            if f.split(b":", 1)[0].lower() in (b"from", b"to", b"cc",
                                               b"reply-to", b"sender")]
    sys.stdout.buffer.write(b"\n".join(keep) + b"\n")
    return 0 if keep else 1


ALERT = re.compile(rb"^<(\d+)>.*? (\S+?)\[\d+\]: (?:([0-9A-Za-z]+): )?"
                   rb"Dropped invalid comments from header address$")


def cmd_alerts(syslog_file):
    """One line per alert: priority, ident, and whether a queue id was
    there (ids and times differ from run to run)."""
    n = 0
    for line in open(syslog_file, "rb").read().split(b"\n"):
        m = ALERT.match(line)
        if m:
            n += 1
            print("<%s> %s %s" % (m.group(1).decode(), m.group(2).decode(),
                                  "QID" if m.group(3) else "no-qid"))
    return 0 if n else 1


def cmd_logd(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(out, "ab", buffering=0) as f:
        while True:
            f.write(s.recv(65536).replace(b"\n", b" ") + b"\n")


def cmd_log_cut(sock, log, dest):
    """Everything logd wrote before a sentinel we send now belongs to the
    runs before it: wait for the sentinel, move the rest to dest."""
    import time
    tag = b"safeaddr-log-cut %d %f" % (os.getpid(), time.time())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(b"<15>" + tag, sock)
    for _ in range(100):
        data = open(log, "rb").read()
        at = data.find(tag)
        if at >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            with open(dest, "wb") as f:
                f.write(data[:start])
            open(log, "wb").close()  # logd appends: its next write is at 0
            return 0
        time.sleep(0.05)
    print("  syslog sentinel never arrived")
    return 1


def cmd_lo_up():
    # SIOCGIFFLAGS / SIOCSIFFLAGS with IFF_UP: no iproute2 needed.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    import fcntl
    req = struct.pack("16sH14s", b"lo", 0, b"\0" * 14)
    flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, req)[:18])[1]
    fcntl.ioctl(s, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b"\0" * 14))
    return 0


# The Debian 8.17.1.9-2+deb12u2 build (src/shim/shim_builds.c): the
# prologue's "mov r13, rdi" (49 89 fd) has a second encoding (4c 8b ef),
# so the changed copy still runs exactly as before.
PROLOGUE_OFFSET = 0x3a5d6
BUILD_ID = bytes.fromhex("25e854dcf78295f911b480a9d2a812040a1186ce")


def cmd_patch_copy(kind, src, dst):
    data = bytearray(open(src, "rb").read())
    if kind == "prologue":
        if data[PROLOGUE_OFFSET:PROLOGUE_OFFSET + 3] != b"\x49\x89\xfd":
            print("  unexpected bytes at the prologue offset")
            return 1
        data[PROLOGUE_OFFSET:PROLOGUE_OFFSET + 3] = b"\x4c\x8b\xef"
    elif kind == "build-id":
        at = data.find(b"GNU\0" + BUILD_ID)
        if at < 0 or at > 4096:
            print("  build-id note not found")
            return 1
        data[at + 4 + len(BUILD_ID) - 1] ^= 0xFF
    else:
        return 2
    with open(dst, "wb") as f:
        f.write(data)
    os.chmod(dst, 0o755)
    return 0


def main(argv):
    cmds = {"fake-input": cmd_fake_input, "fake-compare": cmd_fake_compare,
            "parse-input": cmd_parse_input, "parse-compare": cmd_parse_compare,
            "same-cracked": cmd_same_cracked, "headers": cmd_headers,
            "alerts": cmd_alerts, "logd": cmd_logd, "log-cut": cmd_log_cut,
            "lo-up": cmd_lo_up,
            "patch-copy": cmd_patch_copy}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
