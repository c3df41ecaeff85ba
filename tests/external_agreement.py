#!/usr/bin/env python3
"""Agreement of `safeaddr check` with the external test vectors.

Every case of tests/data/external/*.jsonl goes through the CLI's line
protocol once; each answer is judged with the rules of that directory's
README ("How agreement is judged"). Prints, per source, agreement over all
cases and over the undisputed ones, and fails (exit 1) when:

  * an undisputed case disagrees and is not in the known-differences list
    (so agreement can never silently drop below what it is now);
  * a listed case agrees now (the list must stay honest);
  * a listed id does not exist, is listed twice, or has no reason;
  * undisputed agreement of a source, listed cases excluded, is below 95%.

Cases that assert nothing (expect null, no addresses, no count) are shown
as "not scored" and are in no denominator.

usage: external_agreement.py --cli PATH [--data DIR] [--known TSV]
                             [--verbose] [--show-disputed]
"""
import argparse
import json
import os
import re
import sys

import protocol_util as pu

THRESHOLD = 0.95


def collapse(s):
    return re.sub(r"\s+", " ", s).strip()


def unquote_local(s):
    """A fully quoted local part "..." -> its semantic text."""
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return re.sub(r"\\(.)", r"\1", s[1:-1], flags=re.S)
    return s


def split_addr(addr):
    """The source's combined address -> (local, domain). The local part may
    be quoted and may itself hold '@', so split at the last '@' outside a
    quoted string."""
    in_quote = False
    esc = False
    at = -1
    for i, c in enumerate(addr):
        if esc:
            esc = False
        elif c == "\\":
            esc = True
        elif c == '"':
            in_quote = not in_quote
        elif c == "@" and not in_quote:
            at = i
    if at < 0:
        return addr, ""
    return addr[:at], addr[at + 1:]


def norm_route(r):
    if r is None:
        return ""
    if isinstance(r, list):
        r = ",".join(x if x.startswith("@") else "@" + x for x in r)
    return re.sub(r"\s+", "", r).lower()


def same_local(expected, got):
    got = got or ""
    return expected == got or unquote_local(expected) == got


def compare_mailbox(exp, got):
    """List of 'field: expected X, got Y' differences (empty = agree)."""
    diffs = []

    def differ(field, e, g):
        diffs.append("%s: expected %r, got %r" % (field, e, g))

    disp = exp.get("display")
    if disp is not None:
        g = got.get("display")
        if collapse(disp) != collapse(g or ""):
            differ("display", disp, g)
    if exp.get("local") is not None:
        if not same_local(exp["local"], got.get("local")):
            differ("local", exp["local"], got.get("local"))
    if exp.get("domain") is not None:
        g = got.get("domain") or ""
        if exp["domain"].lower() != g.lower():
            differ("domain", exp["domain"], got.get("domain"))
    if exp.get("addr") is not None:
        loc, dom = split_addr(exp["addr"])
        gl, gd = got.get("local") or "", got.get("domain") or ""
        if not same_local(loc, gl) or dom.lower() != gd.lower():
            differ("addr", exp["addr"], "%s@%s" % (gl, gd) if gd else gl)
    if exp.get("group") is not None:
        g = got.get("group")
        if collapse(exp["group"]) != collapse(g or ""):
            differ("group", exp["group"], g)
    if exp.get("route") is not None:
        if norm_route(exp["route"]) != norm_route(got.get("route")):
            differ("route", exp["route"], got.get("route"))
    if exp.get("comments") is not None:
        g = got.get("comments") or []
        if [collapse(c) for c in exp["comments"]] != [collapse(c) for c in g]:
            differ("comments", exp["comments"], g)
    return diffs


def asserts_anything(case):
    return (case["expect"] is not None or case.get("addresses") is not None
            or case.get("count") is not None or case.get("groups") is not None)


def judge(case, out):
    """-> (agree: bool, reason: str)"""
    expect = case["expect"]
    ok = out.get("ok") is True
    if expect == "error":
        if ok:
            return False, "expected error, got ok:true (%d mailboxes)" % len(
                out.get("addresses") or [])
        return True, ""
    if expect == "ok" and not ok:
        return False, "expected ok, got %s at offset %s (%s)" % (
            out.get("code"), out.get("offset"), out.get("error"))
    addrs = out.get("addresses") or []
    reasons = []
    if case.get("count") is not None and case["count"] != len(addrs):
        if not ok:
            return False, "count %d asserted, got %s at offset %s" % (
                case["count"], out.get("code"), out.get("offset"))
        reasons.append("count: expected %d, got %d" % (case["count"], len(addrs)))
    exp_addrs = case.get("addresses")
    if exp_addrs is not None:
        if not ok and exp_addrs:
            return False, "addresses asserted, got %s at offset %s" % (
                out.get("code"), out.get("offset"))
        for i, exp in enumerate(exp_addrs):
            if i >= len(addrs):
                reasons.append("mailbox %d missing (got %d)" % (i, len(addrs)))
                break
            for d in compare_mailbox(exp, addrs[i]):
                reasons.append("mailbox %d %s" % (i, d))
    exp_groups = case.get("groups")
    if exp_groups is not None and out.get("groups") is not None:
        got = out["groups"]
        if len(got) != len(exp_groups):
            reasons.append("groups: expected %d, got %d" % (len(exp_groups), len(got)))
        else:
            for i, (e, g) in enumerate(zip(exp_groups, got)):
                if e.get("name") is not None and collapse(e["name"]) != collapse(g.get("name") or ""):
                    reasons.append("group %d name: expected %r, got %r" % (i, e["name"], g.get("name")))
                if e.get("size") is not None and e["size"] != g.get("size"):
                    reasons.append("group %d size: expected %s, got %s" % (i, e["size"], g.get("size")))
    return not reasons, "; ".join(reasons)


def load_known(path):
    """case-id TAB reason per line; '#' starts a comment line."""
    known = {}
    problems = []
    if not path or not os.path.exists(path):
        return known, problems
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cid, sep, reason = line.partition("\t")
            cid = cid.strip()
            if not sep or not reason.strip():
                problems.append("%s:%d: needs 'case-id<TAB>reason'" % (path, n))
                continue
            if cid in known:
                problems.append("%s:%d: %s listed twice" % (path, n, cid))
            known[cid] = reason.strip()
    return known, problems


def pct(a, b):
    return "%6.1f%%" % (100.0 * a / b) if b else "     - "


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(pu.DATA, "external"))
    ap.add_argument("--known", default=os.path.join(pu.DATA, "known-differences.tsv"))
    ap.add_argument("--verbose", action="store_true",
                    help="list every disagreement, disputed ones included")
    ap.add_argument("--show-disputed", action="store_true",
                    help="also list disagreeing disputed cases")
    args = ap.parse_args(argv)

    sources = pu.load_external(args.data)
    cases = [c for src in sources for c in sources[src]]
    status, raw, err = pu.check_cli(
        args.cli, [(c["kind"], pu.external_input(c)) for c in cases])
    failures = []
    if status not in (0, 1):
        failures.append("safeaddr check exited with status %d: %s" % (
            status, err.decode("utf-8", "replace").strip()))
    if len(raw) != len(cases):
        print("FAIL: %d cases but %d output lines" % (len(cases), len(raw)))
        return 1
    results = {}
    for c, line in zip(cases, raw):
        try:
            out = json.loads(line)
        except ValueError:
            failures.append("%s: output is not JSON: %r" % (c["id"], line[:200]))
            out = {}
        results[c["id"]] = out

    known, problems = load_known(args.known)
    failures += problems
    all_ids = {c["id"] for c in cases}
    for cid in known:
        if cid not in all_ids:
            failures.append("known-differences lists unknown case %s" % cid)

    header = ("%-26s %5s %5s %7s | %5s %5s %7s | %5s %9s | %s" %
              ("source", "cases", "agree", "", "undis", "agree", "", "known",
               "excl.known", "not scored"))
    print(header)
    print("-" * len(header))
    totals = [0] * 7
    disagreements = []
    for src, src_cases in sources.items():
        n = agree = und = und_agree = listed = unscored = 0
        und_excl = und_excl_agree = 0
        for c in src_cases:
            if not asserts_anything(c):
                unscored += 1
                continue
            ok, why = judge(c, results[c["id"]])
            disputed = bool(c.get("disputed"))
            n += 1
            agree += ok
            if c["id"] in known:
                listed += 1
                if ok:
                    failures.append("%s is in known-differences but agrees now: "
                                    "remove it" % c["id"])
            if not disputed:
                und += 1
                und_agree += ok
                if c["id"] not in known:
                    und_excl += 1
                    und_excl_agree += ok
            if not ok:
                disagreements.append((c, why, disputed))
                if not disputed and c["id"] not in known:
                    failures.append("%s: undisputed disagreement not in "
                                    "known-differences" % c["id"])
        print("%-26s %5d %5d %7s | %5d %5d %7s | %5d %9s | %d" % (
            src, n, agree, pct(agree, n), und, und_agree, pct(und_agree, und),
            listed, pct(und_excl_agree, und_excl), unscored))
        if und_excl and und_excl_agree < THRESHOLD * und_excl:
            failures.append("%s: undisputed agreement excluding known "
                            "differences %s is below %d%%" % (
                                src, pct(und_excl_agree, und_excl).strip(),
                                int(THRESHOLD * 100)))
        for i, v in enumerate((n, agree, und, und_agree, listed, und_excl,
                               und_excl_agree)):
            totals[i] += v
    print("-" * len(header))
    print("%-26s %5d %5d %7s | %5d %5d %7s | %5d %9s |" % (
        "total", totals[0], totals[1], pct(totals[1], totals[0]), totals[2],
        totals[3], pct(totals[3], totals[2]), totals[4],
        pct(totals[6], totals[5])))

    shown = [d for d in disagreements
             if args.verbose or not d[2] or args.show_disputed]
    if shown:
        print()
        print("disagreements%s:" % ("" if args.verbose or args.show_disputed
                                   else " on undisputed cases"))
        for c, why, disputed in shown:
            tag = "disputed" if disputed else (
                "known" if c["id"] in known else "NEW")
            inp = c["input"] if c.get("input") is not None else "hex:" + c["input_hex"]
            print("  %-34s [%s] %s %r" % (c["id"], tag, c["kind"], inp[:90]))
            print("  %-34s   %s" % ("", why))
    if failures:
        print()
        for f in failures:
            print("FAIL: " + f)
        return 1
    print()
    print("external agreement: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
