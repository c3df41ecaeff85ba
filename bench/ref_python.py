#!/usr/bin/env python3
"""ref_python.py - Python's email.utils.getaddresses as a reference point.

Measured the way bench/bench.c measures the C parsers (CPU time of the
thread, median of interleaved rounds): the corpus is read
and decoded before timing (header bytes -> str with surrogateescape, as
email.parser does for bytes input); a probe pass with a time limit gives
the count and the number of passes per sample; then --rounds rounds, each
timing one sample per corpus with the corpus order rotated; the median
sample is reported. Output: the TSV columns of bench.c, parser
"python-email".

Counting: getaddresses() flattens groups into their members and returns
('', '') for what it could not parse (and for empty groups); a mailbox is
a pair with a non-empty address.

Usage: ref_python.py [--rounds N] [--sample-ms MS] [--probe-limit S]
                     [--max-bytes N] [--out FILE] CORPUS...
"""

import email.utils
import signal
import sys
import time

PARSER = "python-email"


class TooSlow(Exception):
    pass


def shrink(path, meta, max_bytes):
    """Python runs at about 1 MB/s: to keep `make bench` short it is timed
    on at most max_bytes per corpus. A corpus of many fields keeps its
    leading fields; a one-field hostile corpus is replaced by the same
    family's largest linear-table corpus (lin-FAMILY-2^k) that fits. The
    bytes column then says what was measured."""
    if max_bytes <= 0 or meta["nbytes"] <= max_bytes:
        return meta
    if len(meta["values"]) > 1:
        keep, total, exp, rej = [], 0, 0, 0
        for v, e in zip(meta["values"], meta["expects"]):
            n = len(v.encode("utf-8", "surrogateescape"))
            if keep and total + n > max_bytes:
                break
            keep.append(v)
            total += n
            exp += e if e > 0 else 0
            rej += 1 if e < 0 else 0
        meta = dict(meta)
        meta.update(values=keep, nbytes=total, expect_total=exp,
                    expect_rejects=rej)
        return meta
    import os
    k = max_bytes.bit_length() - 1
    while k >= 10:
        alt = os.path.join(os.path.dirname(path),
                           "lin-%s-2^%d.corpus" % (meta["family"], k))
        if os.path.exists(alt):
            sub = load(alt)
            sub["name"] = meta["name"]
            return sub
        k -= 1
    return meta


def load(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    head, sep, rest = raw.partition(b"\n\n")
    if not raw.startswith(b"SACORPUS1\n") or not sep:
        raise SystemExit("%s: not a corpus file" % path)
    meta = {}
    for line in head.decode("ascii").split("\n")[1:]:
        k, _, v = line.partition(" ")
        meta[k] = v
    fields = []
    pos = 0
    for _ in range(int(meta["fields"])):
        nl = rest.index(b"\n", pos)
        n, e = rest[pos:nl].split(b" ")
        n = int(n)
        body = rest[nl + 1:nl + 1 + n]
        fields.append((body.decode("utf-8", "surrogateescape"), int(e)))
        pos = nl + 1 + n + 1
    meta["nbytes"] = sum(len(b.encode("utf-8", "surrogateescape"))
                         for b, _ in fields)
    meta["expect_total"] = sum(e for _, e in fields if e > 0)
    meta["expect_rejects"] = sum(1 for _, e in fields if e < 0)
    meta["values"] = [b for b, _ in fields]
    meta["expects"] = [e for _, e in fields]
    return meta


def one_pass(values):
    count = 0
    getaddresses = email.utils.getaddresses
    for v in values:
        for _, addr in getaddresses([v]):
            if addr:
                count += 1
    return count


def on_alarm(signum, frame):
    raise TooSlow()


def main(argv):
    rounds, sample_ms, limit, out, max_bytes = 7, 30.0, 5.0, None, 0
    files = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--rounds":
            rounds = int(argv[i + 1]); i += 2
        elif a == "--sample-ms":
            sample_ms = float(argv[i + 1]); i += 2
        elif a == "--probe-limit":
            limit = float(argv[i + 1]); i += 2
        elif a == "--max-bytes":
            max_bytes = int(argv[i + 1]); i += 2
        elif a == "--out":
            out = argv[i + 1]; i += 2
        else:
            files.append(a); i += 1
    corpora = [shrink(f, load(f), max_bytes) for f in files]
    signal.signal(signal.SIGALRM, on_alarm)

    cells = []
    for c in corpora:
        cell = {"status": "ok", "count": 0, "reps": 1, "samples": []}
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            t0 = time.thread_time_ns()
            cell["count"] = one_pass(c["values"])
            t = time.thread_time_ns() - t0
        except TooSlow:
            cell["status"] = "too slow (> %.0f s for one pass)" % limit
        except RecursionError:
            cell["status"] = "crashed (RecursionError)"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if cell["status"] == "ok":
            cell["reps"] = max(1, int(round(sample_ms * 1e6 / max(t, 1))))
        sys.stderr.write("probe %-18s %-28s %s\n" %
                         (PARSER, c["name"], cell["status"]))
        cells.append(cell)

    n = len(corpora)
    for r in range(rounds):
        for b in range(n):
            ci = (b + r) % n
            cell = cells[ci]
            if cell["status"] != "ok":
                continue
            values = corpora[ci]["values"]
            t0 = time.thread_time_ns()
            for _ in range(cell["reps"]):
                got = one_pass(values)
            t = time.thread_time_ns() - t0
            if got != cell["count"]:
                cell["status"] = "count not deterministic"
            cell["samples"].append(t // cell["reps"])
        sys.stderr.write("python round %d/%d done\n" % (r + 1, rounds))

    lines = ["parser\tcorpus\tkind\tfamily\tbytes\tfields\texpect\t"
             "expect_rejects\tcount\trejects\tstatus\trounds\treps\t"
             "median_ns\tmin_ns\tmax_ns\tmb_s\tns_per_addr"]
    for c, cell in zip(corpora, cells):
        row = [PARSER, c["name"], c["kind"], c["family"], c["nbytes"],
               len(c["values"]), c["expect_total"], c["expect_rejects"],
               cell["count"], 0, cell["status"]]
        s = sorted(cell["samples"])
        if s:
            med = s[len(s) // 2]
            mbs = c["nbytes"] * 1e3 / med if med else 0.0
            npa = "%.1f" % (med / c["expect_total"]) if c["expect_total"] else ""
            row += [len(s), cell["reps"], med, s[0], s[-1], "%.1f" % mbs, npa]
        else:
            row += [0, 0, "", "", "", "", ""]
        lines.append("\t".join(str(x) for x in row))
    text = "\n".join(lines) + "\n"
    if out:
        with open(out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
