#!/usr/bin/env python3
"""manual_options.py SAFEADDR PAGE - safeaddr(1)'s SYNOPSIS has the options
each command's --help has, no more and no fewer.

The SYNOPSIS gives one `.Nm` / `.Cm COMMAND` block per command with its
options as `Fl --name`; `SAFEADDR COMMAND --help` prints a usage line with
them as `[--name ...]`. The top-level options (`--help | --version |
--list-kernels`) are compared with those of `SAFEADDR --help` the same
way. Exits 1 and names each difference.
"""
import re
import subprocess
import sys

COMMANDS = ("parse", "headers", "check", "crackaddr")


def usage_options(program, args):
    """Long options of the usage lines (up to the first empty line)."""
    out = subprocess.run([program] + args + ["--help"], capture_output=True,
                         text=True, timeout=30).stdout
    usage = out.split("\n\n", 1)[0]
    return set(re.findall(r"--[a-z][a-z-]*", usage))


def synopsis_options(page):
    """command (None = top level) -> long options in the SYNOPSIS."""
    text = open(page).read()
    section = re.search(r"^\.Sh SYNOPSIS\n(.*?)^\.Sh ", text, re.M | re.S)
    if not section:
        return None
    found = {}
    command = None
    for line in section.group(1).splitlines():
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


def main():
    program, page = sys.argv[1], sys.argv[2]
    have = synopsis_options(page)
    if have is None:
        print("manual_options: FAIL: no SYNOPSIS in %s" % page)
        return 1
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
    for b in bad:
        print("manual_options: FAIL: " + b)
    if bad:
        return 1
    print("manual_options: %d options over %d usages, --help's and the "
          "manual's alike" % (total, len(COMMANDS) + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
