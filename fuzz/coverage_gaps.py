#!/usr/bin/env python3
"""List the branch outcomes never taken, from `llvm-cov export` JSON.

Usage: coverage_gaps.py EXPORT.json

One line per condition with an outcome never taken:
  src/file.c:LINE:COL  true=N false=M  | source line
Conditions inside macro expansions are reported at their use. The same
condition seen from several binaries is merged (counts added).
"""
import json
import sys


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    seen = {}
    for d in data["data"]:
        for fobj in d["files"]:
            name = fobj["filename"]
            for br in fobj.get("branches", []):
                line, col = br[0], br[1]
                key = (name, line, col, br[2], br[3])
                t, fl = br[4], br[5]
                if key in seen:
                    seen[key] = (seen[key][0] + t, seen[key][1] + fl)
                else:
                    seen[key] = (t, fl)
    lines_cache = {}
    out = []
    for (name, line, col, _, _), (t, fl) in sorted(seen.items()):
        if t and fl:
            continue
        if name not in lines_cache:
            try:
                with open(name, errors="replace") as f:
                    lines_cache[name] = f.read().split("\n")
            except OSError:
                lines_cache[name] = []
        src = lines_cache[name]
        text = src[line - 1].strip() if 0 < line <= len(src) else ""
        short = name.split("/src/", 1)[-1]
        out.append("src/%s:%d:%d  true=%d false=%d  | %s" %
                   (short, line, col, t, fl, text))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
