#!/usr/bin/env python3
"""Input families for the linear-time test, and the slope fit.

  linear_families.py gen --data tests/data --out DIR --min 14 --max 17
      writes DIR/<family>/<size>.bin for n = 2^min .. 2^max and
      DIR/manifest.tsv for tests/linear_cost.c
  linear_families.py fit --out DIR --callgrind FILE_PREFIX [--fit-from 14]
      reads the Callgrind dumps, prints the slope table and exits 1 if a
      family grows faster than n^1.10 or doubles its cost by more than 2.2x
      from one size to the next (ASSURANCE.md section 3, step 4)
  linear_families.py stack --in STACK_OUTPUT
      the stack table: bytes used per family at the smallest and largest
      size; exits 1 if the stack grows with the input (a larger input of
      the same kind, whole or partial last block, or the largest input,
      needing more than a smaller one plus a slack) or passes the bound

Families (ASSURANCE.md section 3, step 1): every hostile.jsonl entry built
from "repeat", its repeat counts scaled to reach each size; plus the extra
families listed in EXTRA below; each in strict and SAFEADDR_LENIENT mode.
"""
import argparse
import glob
import importlib.util
import math
import os
import re
import sys

ADDRESS_LIST, MAILBOX_LIST, MAILBOX, ADDR_SPEC = 1, 2, 3, 4
LENIENT = 0x1

SLOPE_LIMIT = 1.10
DOUBLING_LIMIT = 2.2
STACK_SLACK = 256          # bytes: alignment noise between sizes
STACK_BOUND = 16384        # bytes: the published ceiling is checked here

# name -> (mode, production, body builder(k), unit length guess)
# Each builder returns the input for repeat count k; sizes are matched by
# growing k until the length reaches the target.
EXTRA = {
    # comment depth just below the default limit (64) around long text
    "x-deep-comment-text": ("list", ADDRESS_LIST,
                            lambda k: b"(" * 63 + b"x" * k + b")" * 63 +
                            b" a@b.example"),
    "x-list": ("list", ADDRESS_LIST,
               lambda k: b"a@b.example, " * k + b"a@b.example"),
    "x-long-atom": ("list", ADDRESS_LIST, lambda k: b"a" * k + b"@b.example"),
    "x-long-comment": ("list", ADDRESS_LIST,
                       lambda k: b"(" + b"x" * k + b") a@b.example"),
    "x-quoted-escapes-local": ("list", ADDRESS_LIST,
                               lambda k: b'"' + b'\\"' * k + b'"@b.example'),
    "x-quoted-escapes-name": ("list", ADDRESS_LIST,
                              lambda k: b'"' + b"\\\\" * k +
                              b'" <a@b.example>'),
    "x-encoded-words": ("list", ADDRESS_LIST,
                        lambda k: b"=?utf-8?q?a?= " * k + b"<a@b.example>"),
    "x-ff-comment": ("list", ADDRESS_LIST,
                     lambda k: b"(" + b"\xff" * k + b") a@b.example"),
    "x-ff-name": ("list", ADDRESS_LIST,
                  lambda k: b"\xff" * k + b" <a@b.example>"),
    "x-ff-quoted": ("list", ADDRESS_LIST,
                    lambda k: b'"' + b"\xff" * k + b'" <a@b.example>'),
    "x-utf8-local": ("list", ADDRESS_LIST,
                     lambda k: "\u00e9".encode() * k + b"@b.example"),
    "x-folding": ("list", ADDRESS_LIST,
                  lambda k: b"\r\n " * k + b"a@b.example"),
    "x-empty-angles": ("list", ADDRESS_LIST, lambda k: b"<>, " * k + b"<>"),
    "x-paren-pairs": ("list", ADDRESS_LIST,
                      lambda k: b"()" * k + b" a@b.example"),
    "x-long-domain": ("list", ADDRESS_LIST,
                      lambda k: b"a@" + b"b." * k + b"example"),
    "x-empty-groups": ("list", ADDRESS_LIST, lambda k: b"g:;, " * k + b"g:;"),
    "x-group-members": ("list", ADDRESS_LIST,
                        lambda k: b"g: " + b"a@b.example, " * k +
                        b"a@b.example;"),
    "x-route": ("list", ADDRESS_LIST,
                lambda k: b"<" + b"@r.example," * k +
                b"@r.example:a@b.example>"),
    "x-local-dots": ("list", ADDRESS_LIST,
                     lambda k: b"a." * k + b"a@b.example"),
    "x-commas": ("list", ADDRESS_LIST, lambda k: b"," * k + b"a@b.example"),
    "x-name-commas": ("list", ADDRESS_LIST,
                      lambda k: b"Doe, " * k + b"John <j@x.example>"),
    "x-bare-names": ("list", ADDRESS_LIST, lambda k: b"a, " * k + b"a"),
    "x-unterminated-quote": ("list", ADDRESS_LIST,
                             lambda k: b'"' + b"a" * k),
    "x-unterminated-angle": ("list", ADDRESS_LIST,
                             lambda k: b"Name <" + b"a" * k + b"@b.example"),
    "x-display-words": ("list", ADDRESS_LIST,
                        lambda k: b"word " * k + b"<a@b.example>"),
    # phrase_run (src/parse.c) hands each of these words back to the token
    # reader, which reads it again: the re-read must stay bounded
    "x-phrase-comments": ("list", ADDRESS_LIST,
                          lambda k: b"A B " + b"w (c) " * k + b"<a@b.example>"),
    "x-phrase-escapes": ("list", ADDRESS_LIST,
                         lambda k: b"A B " + b'"x\\"y" ' * k +
                         b"<a@b.example>"),
    "x-phrase-8bit": ("list", ADDRESS_LIST,
                      lambda k: b"A B " + "\u00e9 ".encode() * k +
                      b"<a@b.example>"),
    "x-phrase-quoted": ("list", ADDRESS_LIST,
                        lambda k: b"A B " + b'"x" ' * k + b"(c) <a@b.example>"),
    "x-literal": ("list", ADDRESS_LIST,
                  lambda k: b"a@[" + b"1." * k + b"1]"),
    "x-literal-escapes": ("list", ADDRESS_LIST,
                          lambda k: b"a@[" + b"\\]" * k + b"]"),
    "x-mailbox-list": ("list", MAILBOX_LIST,
                       lambda k: b"a@b.example, " * k + b"a@b.example"),
    "x-addr-spec-cfws": ("list", ADDR_SPEC,
                         lambda k: b"a" + b" (c) ." * k + b" a@b.example"),
    "x-header-fields": ("header", 0,
                        lambda k: b"To: a@b.example\r\n" * k + b"\r\nbody"),
    "x-header-folded": ("header", 0,
                        lambda k: b"To: " + b"a@b.example,\r\n " * k +
                        b"c@d.example\r\n\r\nbody"),
    "x-header-lf": ("header", 0,
                    lambda k: b"Cc: " + b"a@b.example,\n " * k +
                    b"c@d.example\n\nbody"),
    "x-calls": ("calls", ADDRESS_LIST, None),  # "a@b.example" parsed n/11 times
}


def load_expander(data):
    path = os.path.join(data, "hostile", "expand_hostile.py")
    spec = importlib.util.spec_from_file_location("expand_hostile", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def has_repeat(node):
    if isinstance(node, dict):
        if node["gen"] == "repeat":
            return True
        if node["gen"] == "concat":
            return any(has_repeat(p) for p in node["parts"])
    return False


def scaled(node, f):
    """node with the count of every outermost repeat multiplied by f."""
    if isinstance(node, dict):
        if node["gen"] == "repeat":
            return dict(node, n=int(node["n"] * f))
        if node["gen"] == "concat":
            return dict(node, parts=[scaled(p, f) for p in node["parts"]])
    return node


def max_repeat(node):
    """Largest count among the outermost repeats of node."""
    if isinstance(node, dict):
        if node["gen"] == "repeat":
            return max(node["n"], 1)
        if node["gen"] == "concat":
            return max([max_repeat(p) for p in node["parts"]] + [1])
    return 1


def fit_to(build, target):
    """Largest input build(k) not longer than target (k found by
    doubling then bisection; build(k) grows with k)."""
    lo, hi = 0, 1
    while len(build(hi)) <= target:
        lo, hi = hi, hi * 2
        if hi > 1 << 26:
            break
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if len(build(mid)) <= target:
            lo = mid
        else:
            hi = mid
    return build(lo)


def families(data):
    exp = load_expander(data)
    out = []
    for e in exp.load(os.path.join(data, "hostile", "hostile.jsonl")):
        if not has_repeat(e["input"]):
            continue
        base = e["input"]
        # k is the new count of the largest outermost repeat; the others
        # keep their proportion to it
        top = max_repeat(base)
        out.append((e["id"], "list", ADDRESS_LIST,
                    (lambda b, t: lambda k: exp.expand(scaled(b, k / t)))(
                        base, top)))
    for name, (mode, prod, build) in EXTRA.items():
        out.append((name, mode, prod, build))
    return out


def cmd_gen(a):
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for name, mode, prod, build in families(a.data):
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        for e in range(a.min, a.max + 1):
            size = 1 << e
            path = os.path.join(d, "%d.bin" % size)
            if mode == "calls":
                body = b"a@b.example"
            else:
                body = fit_to(build, size)
                if len(body) < size // 2:
                    continue  # the fixed part alone is too long, or no room
            with open(path, "wb") as f:
                f.write(body)
            # the size that counts is the real length (calls: total bytes)
            real = size if mode == "calls" else len(body)
            for flags in (0, LENIENT):
                fam = name + ("+lenient" if flags else "")
                rows.append("%s\t%s\t%d\t%d\t%d\t%s" %
                            (fam, mode, prod, flags, real, path))
    with open(os.path.join(a.out, "manifest.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print("linear_families: %d cases in %s" % (len(rows), a.out))
    return 0


def slope(points):
    xs = [math.log2(n) for n, _ in points]
    ys = [math.log2(max(c, 1)) for _, c in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def read_callgrind(prefix):
    costs = {}
    for path in glob.glob(prefix + "*"):
        desc = total = None
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: case "):
                    desc = line.split("case ", 1)[1].strip()
                elif line.startswith("totals:") or line.startswith("summary:"):
                    total = int(line.split()[1])
        if desc and total is not None:
            fam, size = desc.rsplit(" ", 1)
            costs.setdefault(fam, {})[int(size)] = total
    return costs


def cmd_fit(a):
    costs = read_callgrind(a.callgrind)
    if not costs:
        print("linear_families: no Callgrind dumps at %s*" % a.callgrind)
        return 1
    fit_from = 1 << a.fit_from
    bad = []
    rows = []
    for fam in sorted(costs):
        pts = sorted(costs[fam].items())
        fit = [(n, c) for n, c in pts if n >= fit_from]
        if len(fit) < 2:
            continue
        s = slope(fit)
        worst_ratio = max((c2 / max(c1, 1)) * (n1 / n2) * 2
                          for (n1, c1), (n2, c2) in zip(fit, fit[1:]))
        big_n, big_c = pts[-1]
        ok = s <= SLOPE_LIMIT and worst_ratio <= DOUBLING_LIMIT
        rows.append((fam, s, worst_ratio, big_c / big_n, big_n, ok))
        if not ok:
            bad.append(fam)
    print("| family | slope | worst cost(2n)/cost(n) | instr/byte at n | n |")
    print("|---|---:|---:|---:|---:|")
    for fam, s, r, per, n, ok in rows:
        print("| %s | %.3f | %.2f | %.1f | %d |%s" %
              (fam, s, r, per, n, "" if ok else " **FAIL**"))
    worst = max(rows, key=lambda r: r[1])
    print("linear: %d families, largest slope %.3f (%s), limit %.2f" %
          (len(rows), worst[1], worst[0], SLOPE_LIMIT))
    if bad:
        print("linear: FAILED (super-linear): %s" % " ".join(bad))
        return 1
    return 0


def cmd_stack(a):
    per = {}
    baseline = None
    with open(a.input) as f:
        for line in f:
            fam, size, used = line.rstrip("\n").split("\t")
            if fam == "baseline":
                baseline = int(used)
                continue
            per.setdefault(fam, {})[int(size)] = int(used)
    if not per or baseline is None:
        print("stack: FAILED, no measurements in %s" % a.input)
        return 1
    worst = 0
    bad = []
    # Growth: a larger input needing more stack than a smaller one of the
    # same kind, or the largest input more than every smaller one (plus
    # the slack each time). Not simply "more than the smallest": sizes
    # alternate between 2^k and 2^k - 1 bytes, so the last block is whole
    # or partial, and the two ends take paths of different, constant
    # depth (on i386 with the SSE2 kernel 356 bytes apart). Recursion, or
    # any stack that grows with the input, shows in both tests.
    for fam, sizes in sorted(per.items()):
        worst = max(worst, max(sizes.values()))
        why = []
        for whole in (True, False):
            kind = sorted(n for n in sizes if ((n & (n - 1)) == 0) == whole)
            if len(kind) >= 2 and \
                    sizes[kind[-1]] > sizes[kind[0]] + STACK_SLACK:
                why.append("%d bytes at %d, %d at %d" %
                           (sizes[kind[-1]], kind[-1], sizes[kind[0]],
                            kind[0]))
        largest = max(sizes)
        below = [u for n, u in sizes.items() if n != largest]
        if below and sizes[largest] > max(below) + STACK_SLACK:
            why.append("%d bytes at %d, at most %d below" %
                       (sizes[largest], largest, max(below)))
        if max(sizes.values()) > STACK_BOUND:
            why.append("%d bytes" % max(sizes.values()))
        if why:
            bad.append("%s (%s)" % (fam, "; ".join(why)))
    print("stack: worst %d bytes over %d families (thread baseline %s "
          "bytes subtracted); bound %d" %
          (worst, len(per), baseline, STACK_BOUND))
    if bad:
        print("stack: FAILED, grows with the input or over the bound: " +
              "; ".join(bad))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--data", required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--min", type=int, default=10)
    g.add_argument("--max", type=int, default=20)
    f = sub.add_parser("fit")
    f.add_argument("--callgrind", required=True)
    f.add_argument("--fit-from", type=int, default=14)
    s = sub.add_parser("stack")
    s.add_argument("--in", dest="input", required=True)
    a = ap.parse_args()
    return {"gen": cmd_gen, "fit": cmd_fit, "stack": cmd_stack}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
