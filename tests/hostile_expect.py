#!/usr/bin/env python3
"""Every entry of tests/data/hostile through `safeaddr check` (address-list).

Each entry is expanded with the expander shipped beside the data
(tests/data/hostile/expand_hostile.py), sent in the line protocol, and its
answer checked against the entry's expectation (hostile/README.md):

  error-with-offset      ok:false, and the offset is the one `why` states:
                         "offset N", or "at end" / "error at end" = the
                         input length (an entry stating neither is reported
                         and only ok:false is checked)
  parse-with-diagnostic  ok:true with at least one diagnostic whose
                         severity is not "info"
  parse                  ok:true

and, for every entry: exactly one output line, valid JSON, no raw NUL or
CR in it (LF only ends it); an error offset within [0, length]; a rejected
field shows no addresses (CVE-2023-27043: nothing before an error is acted
on). Each mismatch is reported with id, expected and got; exit 1 if any.

usage: hostile_expect.py --cli PATH [--data DIR] [--verbose]
"""
import argparse
import json
import os
import re
import sys

import protocol_util as pu

OFFSET_RE = re.compile(r"\boffset (\d+)")
AT_END_RE = re.compile(r"\b(?:error )?at (?:the )?end\b")


def stated_offset(why, length):
    """(offset or None, how it was found)"""
    m = OFFSET_RE.search(why)
    if m:
        return int(m.group(1)), "offset %s in why" % m.group(1)
    if AT_END_RE.search(why):
        return length, "'at end' = length %d" % length
    return None, "why states no offset"


def summary(data, limit=60):
    text = pu.escape(data).decode("utf-8", "replace")
    if len(text) > limit:
        text = text[:limit] + "... (%d bytes)" % len(data)
    return text


def got_text(out):
    if out.get("ok") is True:
        diags = sorted({d.get("code") for d in out.get("diagnostics") or []})
        return "ok:true, %d mailboxes, diagnostics %s" % (
            len(out.get("addresses") or []), ",".join(diags) or "none")
    return "ok:false %s at offset %s (%s)" % (out.get("code"), out.get("offset"),
                                             out.get("error"))


def check_entry(entry, data, raw, out):
    """-> list of problems (empty = meets its expectation)"""
    problems = []
    if b"\0" in raw or b"\r" in raw:
        problems.append("output line contains a raw NUL or CR")
    if out is None:
        return problems + ["output is not JSON: %r" % raw[:200]]
    length = len(data)
    ok = out.get("ok")
    if ok is False:
        off = out.get("offset")
        if not isinstance(off, int) or not 0 <= off <= length:
            problems.append("error offset %r outside [0, %d]" % (off, length))
        if out.get("addresses"):
            problems.append("a rejected field still shows addresses")
        if str(out.get("error", "")).startswith("protocol:"):
            problems.append("the CLI did not understand the line: %s" % out["error"])
    elif ok is not True:
        problems.append("no ok member")
    expect = entry["expect"]
    if expect == "error-with-offset":
        want, how = stated_offset(entry["why"], length)
        if ok is not False:
            problems.append("expected error (%s)" % how)
        elif want is not None and out.get("offset") != want:
            problems.append("expected error at offset %d (%s)" % (want, how))
    elif expect == "parse-with-diagnostic":
        sev = [d.get("severity") for d in out.get("diagnostics") or []]
        for a in out.get("addresses") or []:
            sev += [d.get("severity") for d in a.get("diagnostics") or []]
        if ok is not True:
            problems.append("expected parse with a diagnostic")
        elif not [s for s in sev if s != "info"]:
            problems.append("expected a diagnostic above info")
    elif expect == "parse":
        if ok is not True:
            problems.append("expected parse")
    else:
        problems.append("unknown expectation %r" % expect)
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(pu.DATA, "hostile"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)

    entries = pu.load_hostile(args.data)
    status, raw, err = pu.check_cli(
        args.cli, [("address-list", data) for _, data in entries])
    failures = []
    if status not in (0, 1):
        failures.append("safeaddr check exited with status %d: %s" % (
            status, err.decode("utf-8", "replace").strip()[-2000:]))
    if err.strip():
        # a sanitizer report or any other complaint on stderr is a failure
        failures.append("stderr not empty:\n" + err.decode("utf-8", "replace")[-4000:])
    if len(raw) != len(entries):
        failures.append("%d entries but %d output lines" % (len(entries), len(raw)))

    by_class = {}
    no_offset = []
    for i, (entry, data) in enumerate(entries):
        line = raw[i] if i < len(raw) else b""
        try:
            out = json.loads(line)
        except ValueError:
            out = None
        problems = check_entry(entry, data, line, out)
        cls = by_class.setdefault(entry["class"], [0, 0])
        cls[0] += 1
        if entry["expect"] == "error-with-offset" and \
                stated_offset(entry["why"], len(data))[0] is None:
            no_offset.append(entry["id"])
        if problems:
            failures.append("%s (%s) input %s\n      expected %s; got %s\n      %s" % (
                entry["id"], entry["class"], summary(data), entry["expect"],
                got_text(out or {}), "; ".join(problems)))
        else:
            cls[1] += 1
            if args.verbose:
                print("ok   %-22s %s" % (entry["id"], got_text(out)))

    print("%-16s %7s %7s" % ("class", "entries", "meet"))
    for cls in sorted(by_class):
        n, met = by_class[cls]
        print("%-16s %7d %7d" % (cls, n, met))
    total = sum(v[0] for v in by_class.values())
    met = sum(v[1] for v in by_class.values())
    print("%-16s %7d %7d" % ("total", total, met))
    for eid in no_offset:
        print("note: %s states no offset in `why`; only ok:false is checked" % eid)
    if failures:
        print()
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("hostile expectations: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
