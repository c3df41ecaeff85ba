#!/usr/bin/env python3
"""Worst-case stack of every public entry point, from gcc -fcallgraph-info=su.

Usage: stack_report.py DIR_WITH_CI_FILES SRC_DIR

Reads the .ci call graphs gcc writes per translation unit (node = function
with its static frame size, edge = call), joins them across files, and for
every exported function (safeaddr_*, not the internal safeaddr__*) gives the largest sum of frames along
any call chain, with the chain. Calls through a function pointer
("__indirect_call") are charged the worst chain of any library function
whose address is taken (the scanner kernels, the text writer callbacks);
the user's on_diag callback is not counted. Library calls (memchr, memcpy
...) are charged 0: their frames belong to libc. A cycle in the graph
(recursion) is an error: the library promises none.
"""
import glob
import os
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r"\\n(\d+) bytes \(([^)]*)\)")


def load(ci_dir):
    frames, kinds, calls = {}, {}, {}
    for path in sorted(glob.glob(os.path.join(ci_dir, "*.ci"))):
        with open(path) as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    name, label = m.group(1), m.group(2)
                    s = SIZE.search(label)
                    if s:
                        frames[name] = int(s.group(1))
                        kinds[name] = s.group(2)
                    continue
                m = EDGE.search(line)
                if m:
                    calls.setdefault(m.group(1), set()).add(m.group(2))
    return frames, kinds, calls


def address_taken(src_dir, names):
    text = ""
    for path in glob.glob(os.path.join(src_dir, "*.c")):
        with open(path, errors="replace") as f:
            text += f.read()
    out = set()
    for n in names:
        # used as a value: not followed by '(' and not a declaration
        for m in re.finditer(r"\b%s\b(?!\s*\()" % re.escape(n), text):
            out.add(n)
            break
    return out


def main():
    ci_dir, src_dir = sys.argv[1], sys.argv[2]
    frames, kinds, calls = load(ci_dir)
    if not frames:
        print("stack_report: no .ci files in %s" % ci_dir)
        return 1
    indirect = address_taken(src_dir, frames)
    memo, state = {}, {}

    def worst(fn, stack):
        if fn in memo:
            return memo[fn]
        if state.get(fn) == "active":
            raise SystemExit("stack_report: recursion through %s" %
                             " -> ".join(stack + [fn]))
        state[fn] = "active"
        best, chain = 0, []
        for callee in sorted(calls.get(fn, ())):
            if callee == "__indirect_call":
                targets = [t for t in indirect if t != fn]
            else:
                targets = [callee]
            for t in targets:
                if t not in frames:
                    continue  # libc or another library: not ours
                w, c = worst(t, stack + [fn])
                if w > best:
                    best, chain = w, c
        state[fn] = "done"
        memo[fn] = (frames.get(fn, 0) + best, [fn] + chain)
        return memo[fn]

    public = sorted(n for n in frames
                    if n.startswith("safeaddr_") and
                    not n.startswith("safeaddr__"))
    # "dynamic,bounded" is a frame gcc adjusts at run time within a known
    # bound (counted at the bound); plain "dynamic" would be unbounded.
    bad_kinds = {n: k for n, k in kinds.items()
                 if k not in ("static", "dynamic,bounded")}
    print("| entry point | worst-case stack (bytes) | deepest chain |")
    print("|---|---:|---|")
    overall = 0
    for p in public:
        w, chain = worst(p, [])
        overall = max(overall, w)
        print("| %s | %d | %s |" % (
            p, w, " > ".join("%s (%d)" % (c, frames[c]) for c in chain)))
    print()
    print("stack_report: %d entry points, largest %d bytes; functions whose "
          "address is taken (charged at indirect calls): %s" %
          (len(public), overall, ", ".join(sorted(indirect)) or "none"))
    bounded = sorted(n for n, k in kinds.items() if k == "dynamic,bounded")
    if bounded:
        print("stack_report: dynamic but bounded frames (counted at their "
              "bound): %s" % ", ".join(bounded))
    if bad_kinds:
        print("stack_report: unbounded frames: %s" %
              ", ".join("%s (%s)" % kv for kv in sorted(bad_kinds.items())))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
