#!/usr/bin/env python3
"""manual_synopsis.py HEADER PAGE - safeaddr(3)'s SYNOPSIS is the header's.

Every SAFEADDR_API declaration of the header must appear in the page's
SYNOPSIS as `.Ft TYPE` followed by `.Fn NAME "ARG" ...` with the same
return type and the same parameters, written the same way (white space
aside), and the SYNOPSIS must declare nothing the header does not: a
prototype in the manual that has drifted from the code misleads more than
a missing one. Exits 1 and names each difference.
"""
import re
import shlex
import sys


def header_prototypes(text):
    """name -> (return type, [parameters]) for each SAFEADDR_API function."""
    # drop comments, then join each declaration up to its ';'
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    found = {}
    for m in re.finditer(r"^SAFEADDR_API\s+([^;]*?)\(([^;]*?)\)\s*;", text,
                         re.M | re.S):
        head = " ".join(m.group(1).split())
        name = re.search(r"(safeaddr_\w+)$", head).group(1)
        rtype = head[: -len(name)].strip()
        params = [" ".join(p.split()) for p in m.group(2).split(",")]
        found[name] = (" ".join(rtype.split()), params)
    return found


def page_synopsis(text):
    """name -> (return type, [parameters]) from the SYNOPSIS section."""
    section = re.search(r"^\.Sh SYNOPSIS\n(.*?)^\.Sh ", text, re.M | re.S)
    if not section:
        return None
    found = {}
    rtype = None
    for line in section.group(1).splitlines():
        if line.startswith(".Ft "):
            rtype = " ".join(line[4:].split())
        elif line.startswith(".Fn "):
            words = shlex.split(line[4:])
            found[words[0]] = (rtype, [" ".join(w.split()) for w in words[1:]])
            rtype = None
    return found


def norm_type(t):
    # "const char *" and "const char*" are one type
    return re.sub(r"\s*\*\s*", " *", t or "").strip()


def main():
    header, page = sys.argv[1], sys.argv[2]
    want = header_prototypes(open(header).read())
    have = page_synopsis(open(page).read())
    bad = []
    if not want:
        bad.append("no SAFEADDR_API declarations in %s" % header)
    if have is None:
        bad.append("no SYNOPSIS section in %s" % page)
        have = {}
    for name, (rtype, params) in sorted(want.items()):
        if name not in have:
            bad.append("%s: not in the SYNOPSIS" % name)
            continue
        prtype, pparams = have[name]
        if norm_type(prtype) != norm_type(rtype):
            bad.append("%s: returns %r in the header, %r in the manual"
                       % (name, rtype, prtype))
        if [norm_type(p) for p in pparams] != [norm_type(p) for p in params]:
            bad.append("%s: parameters (%s) in the header, (%s) in the manual"
                       % (name, ", ".join(params), ", ".join(pparams)))
    for name in sorted(set(have) - set(want)):
        bad.append("%s: in the SYNOPSIS, not declared by the header" % name)
    for b in bad:
        print("manual_synopsis: FAIL: " + b)
    if bad:
        return 1
    print("manual_synopsis: %d prototypes, the header's and the manual's alike"
          % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
