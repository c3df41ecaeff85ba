#!/usr/bin/env python3
"""manual_check.py - the manual pages say what the code has.

  manual_check.py synopsis HEADER PAGE
      safeaddr(3)'s SYNOPSIS is the header's: every SAFEADDR_API
      declaration appears as `.Ft TYPE` then `.Fn NAME "ARG" ...` with the
      same return type and parameters (white space aside), and nothing the
      header does not declare; a prototype in the manual that has drifted
      from the code misleads more than a missing one.
  manual_check.py options SAFEADDR PAGE
      safeaddr(1)'s SYNOPSIS has the options each command's --help has, no
      more and no fewer: one `.Nm` / `.Cm COMMAND` block per command with
      its options as `Fl --name`, against the usage lines of `SAFEADDR
      COMMAND --help` (and of `SAFEADDR --help` for the block without a
      command).

Exits 1 and names each difference.
"""
import re
import shlex
import subprocess
import sys

COMMANDS = ("parse", "headers", "check", "crackaddr")


def synopsis_lines(page):
    """The lines of the page's SYNOPSIS section, or None."""
    text = open(page).read()
    section = re.search(r"^\.Sh SYNOPSIS\n(.*?)^\.Sh ", text, re.M | re.S)
    return section.group(1).splitlines() if section else None


def report(tool, bad, summary):
    for b in bad:
        print("%s: FAIL: %s" % (tool, b))
    if bad:
        return 1
    print("%s: %s" % (tool, summary))
    return 0


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


def page_synopsis(lines):
    """name -> (return type, [parameters]) from the SYNOPSIS lines."""
    found = {}
    rtype = None
    for line in lines:
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


def check_synopsis(header, page):
    want = header_prototypes(open(header).read())
    lines = synopsis_lines(page)
    bad = []
    if not want:
        bad.append("no SAFEADDR_API declarations in %s" % header)
    if lines is None:
        bad.append("no SYNOPSIS section in %s" % page)
    have = page_synopsis(lines or [])
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
    return report("manual_check synopsis", bad,
                  "%d prototypes, the header's and the manual's alike"
                  % len(want))


def usage_options(program, args):
    """Long options of the usage lines (up to the first empty line)."""
    out = subprocess.run([program] + args + ["--help"], capture_output=True,
                         text=True, timeout=30).stdout
    usage = out.split("\n\n", 1)[0]
    return set(re.findall(r"--[a-z][a-z-]*", usage))


def synopsis_options(lines):
    """command (None = top level) -> long options in the SYNOPSIS lines."""
    found = {}
    command = None
    for line in lines:
        if line.strip() == ".Nm":
            command = None
            found.setdefault(None, set())
            continue
        m = re.match(r"\.Cm (\S+)$", line)
        if m:
            command = m.group(1)
            found.setdefault(command, set())
            continue
        for opt in re.findall(r"Fl (-[a-z][a-z-]*)", line):
            found.setdefault(command, set()).add("-" + opt)
    return found


def check_options(program, page):
    lines = synopsis_lines(page)
    if lines is None:
        return report("manual_check options", ["no SYNOPSIS in %s" % page], "")
    have = synopsis_options(lines)
    bad = []
    total = 0
    for command in (None,) + COMMANDS:
        want = usage_options(program, [command] if command else [])
        got = have.get(command, set())
        name = command or "(no command)"
        if not want:
            bad.append("%s: --help lists no options" % name)
        for opt in sorted(want - got):
            bad.append("%s: %s is in --help, not in the SYNOPSIS" % (name, opt))
        for opt in sorted(got - want):
            bad.append("%s: %s is in the SYNOPSIS, not in --help" % (name, opt))
        total += len(want)
    for command in sorted(c for c in have if c and c not in COMMANDS):
        bad.append("%s: a command in the SYNOPSIS the program lacks" % command)
    return report("manual_check options", bad,
                  "%d options over %d usages, --help's and the manual's alike"
                  % (total, len(COMMANDS) + 1))


def main(argv):
    if len(argv) != 3 or argv[0] not in ("synopsis", "options"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "synopsis":
        return check_synopsis(argv[1], argv[2])
    return check_options(argv[1], argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
