#!/usr/bin/env python3
"""format -> parse round trip over every accepted test input.

Every external case (with its own kind) and every hostile entry
(address-list) goes through `safeaddr parse --escaped --kind K --roundtrip`,
once strict and once with --lenient. For each accepted line the CLI formats
every mailbox with safeaddr_format_mailbox, parses that back as a mailbox
and compares display, local part and domain text (safeaddr.h promises
parse(format(x)) == x). Fails on any "roundtrip":"mismatch", on a missing
or malformed output line, on anything written to stderr (sanitizer
reports), or when no mailbox was checked at all.

usage: roundtrip_all.py --cli PATH [--verbose]
"""
import argparse
import json
import sys

import protocol_util as pu


def inputs():
    """[(label, kind, bytes)] of every external case and hostile entry"""
    out = []
    for cases in pu.load_external().values():
        for c in cases:
            out.append((c["id"], c["kind"], pu.external_input(c)))
    for e, data in pu.load_hostile():
        out.append((e["id"], "address-list", data))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    items = inputs()
    kinds = sorted({k for _, k, _ in items})
    failures = []
    print("%-9s %-13s %7s %8s %9s %10s" % ("mode", "kind", "inputs", "accepted",
                                          "mailboxes", "mismatches"))
    total_mailboxes = 0
    for mode in ("strict", "lenient"):
        for kind in kinds:
            group = [(label, data) for label, k, data in items if k == kind]
            argv_cli = [args.cli, "parse", "--escaped", "--roundtrip",
                        "--kind", kind] + (["--lenient"] if mode == "lenient" else [])
            status, raw, err = pu.run_lines(argv_cli,
                                            [pu.escape(d) for _, d in group])
            if err.strip():
                failures.append("%s %s: stderr not empty:\n%s" % (
                    mode, kind, err.decode("utf-8", "replace")[-4000:]))
            if status not in (0, 1):
                failures.append("%s %s: parse exited with status %d" % (mode, kind, status))
            if len(raw) != len(group):
                failures.append("%s %s: %d inputs but %d output lines" % (
                    mode, kind, len(group), len(raw)))
                continue
            accepted = mailboxes = mismatches = 0
            for (label, data), line in zip(group, raw):
                try:
                    out = json.loads(line)
                except ValueError:
                    failures.append("%s: output is not JSON: %r" % (label, line[:200]))
                    continue
                if out.get("ok") is not True:
                    continue
                accepted += 1
                mailboxes += len(out.get("addresses") or [])
                rt = out.get("roundtrip")
                if rt == "ok":
                    continue
                mismatches += 1
                detail = "; ".join(
                    "mailbox %d: %s, formatted %r%s" % (
                        f.get("index"), f.get("reason"), f.get("formatted"),
                        " (%s at %s)" % (f["code"], f.get("offset")) if f.get("code") else "")
                    for f in out.get("roundtrip_failures") or [])
                failures.append("%s (%s, %s) input %s: roundtrip %s: %s" % (
                    label, mode, kind, pu.escape(data)[:80].decode("utf-8", "replace"),
                    rt, detail))
            total_mailboxes += mailboxes
            print("%-9s %-13s %7d %8d %9d %10d" % (mode, kind, len(group), accepted,
                                                  mailboxes, mismatches))
    if total_mailboxes == 0:
        failures.append("no mailbox was round-tripped: the check checked nothing")
    if failures:
        print()
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("round trip: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
