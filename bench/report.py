#!/usr/bin/env python3
"""report.py - tables for bench/README.md from one `make bench` run.

Reads, from --results DIR:
  time.tsv         bench.c timing medians (safeaddr per kernel, classify
                   per kernel, peers)
  python.tsv       ref_python.py medians (reference only, never ranked)
  callgrind/*      labelled callgrind dumps "parser|corpus|bytes|count|rej"
and --corpora DIR/index.tsv for the expected counts of the linear corpora.
Writes Markdown on stdout.

Definitions (bench/README.md repeats them):
  MB/s          10^6 bytes of field body per second, median of the rounds
  ns/address    median time of one pass / mailboxes in the corpus
  ratio         safeaddr MB/s / MB/s of the fastest peer whose mailbox
                count is right on that corpus (Python excluded)
  best kernel   the last kernel safeaddr_kernels() lists, i.e. the one a
                program gets by default on this CPU
  slope         least-squares slope of ln(instructions) on ln(bytes) over
                the sizes >= 2^14 (ASSURANCE.md section 3)
"""

import glob
import math
import os
import platform
import re
import subprocess
import sys

SLOPE_LIMIT = 1.10
STEP_LIMIT = 2.2
LIST_FACTOR_LIMIT = 4.0


def read_tsv(path):
    rows = []
    if not os.path.exists(path):
        return rows, []
    notes = []
    with open(path) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                notes.append(line[1:].strip())
                continue
            rows.append(dict(zip(header, line.split("\t"))))
    return rows, notes


def num(x, default=None):
    try:
        return float(x)
    except (TypeError, ValueError):
        return default


# ------------------------------------------------------------ callgrind

def read_callgrind(directory):
    """{(parser, corpus): {"ir": total, "bytes": n, "count": c,
    "rejects": r, "fn": {name: self Ir}}} from labelled dumps."""
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, "*"))):
        label = None
        total = None
        names = {}
        selfcost = {}
        fn = None
        skip_next = False
        with open(path, errors="replace") as fh:
            for line in fh:
                if line.startswith("desc: Trigger: Client Request: "):
                    label = line[len("desc: Trigger: Client Request: "):].strip()
                    continue
                if line.startswith("summary:") or line.startswith("totals:"):
                    total = int(line.split()[1])
                    continue
                m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
                if m:
                    kind, ident, name = m.groups()
                    if name:
                        names[ident] = name
                    if kind == "fn":
                        fn = names.get(ident, ident)
                    continue
                if line.startswith("calls="):
                    skip_next = True  # the next cost line is inclusive
                    continue
                if fn is not None and line[:1] in "0123456789+-*":
                    parts = line.split()
                    if len(parts) >= 2:
                        if skip_next:
                            skip_next = False
                        else:
                            c = int(parts[1])
                            selfcost[fn] = selfcost.get(fn, 0) + c
        if label is None or total is None or label.count("|") != 4:
            continue
        parser, corpus, nbytes, count, rejects = label.split("|")
        out[(parser, corpus)] = {"ir": total, "bytes": int(nbytes),
                                 "count": int(count), "rejects": int(rejects),
                                 "fn": selfcost}
    return out


def slope(points):
    """Least-squares slope of ln(cost) against ln(n)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(c) for _, c in points]
    k = len(xs)
    mx, my = sum(xs) / k, sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / sxx if sxx else float("nan")


# ------------------------------------------------------------ machine

def machine_facts():
    model = "unknown"
    cpus = 0
    flags = set()
    ident = {}
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name") and model == "unknown":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("cpu family") and "family" not in ident:
                    ident["family"] = line.split(":", 1)[1].strip()
                if line.startswith("model\t") and "model" not in ident:
                    ident["model"] = line.split(":", 1)[1].strip()
                if line.startswith("processor"):
                    cpus += 1
                if line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    if ident:
        model += " (family %s, model %s)" % (ident.get("family", "?"),
                                             ident.get("model", "?"))
    isa = " ".join(f for f in ("sse2", "avx2", "avx512bw", "avx512vbmi",
                               "pclmulqdq", "bmi2") if f in flags)

    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=10).stdout.splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unknown"
    cc = first_line([os.environ.get("CC", "cc"), "--version"])
    rev = first_line(["git", "describe", "--always", "--dirty"])
    return model, cpus, isa, platform.release(), cc, rev


# ------------------------------------------------------------ formatting

def fmt_mbs(x):
    if x is None:
        return "-"
    if x >= 100:
        return "%.0f" % x
    return "%.1f" % x


def fmt_ratio(x):
    return "-" if x is None else ("%.1fx" % x if x < 100 else "%.0fx" % x)


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


def human_bytes(n):
    n = int(n)
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%d MiB" % (n >> 20)
    if n >= 1000000:
        return "%.2f MB" % (n / 1e6)
    if n >= 1000:
        return "%.0f kB" % (n / 1e3)
    return "%d B" % n


# ------------------------------------------------------------ report

def main(argv):
    args = {"--results": None, "--deps": None, "--set": "full",
            "--corpora": None}
    i = 1
    while i < len(argv):
        args[argv[i]] = argv[i + 1]
        i += 2
    res = args["--results"]
    rows, notes = read_tsv(os.path.join(res, "time.tsv"))
    prow, _ = read_tsv(os.path.join(res, "python.tsv"))
    rows += prow
    cg = read_callgrind(os.path.join(res, "callgrind"))
    index = {}
    if args["--corpora"]:
        irows, _ = read_tsv(os.path.join(args["--corpora"], "index.tsv"))
        index = {r["name"]: r for r in irows}

    cell = {(r["parser"], r["corpus"]): r for r in rows}
    corpora = []
    cinfo = {}
    for r in rows:
        if r["corpus"] not in cinfo:
            corpora.append(r["corpus"])
            cinfo[r["corpus"]] = r
    parsers = []
    for r in rows:
        if r["parser"] not in parsers:
            parsers.append(r["parser"])
    kernels = [p.split("/", 1)[1] for p in parsers if p.startswith("safeaddr/")]
    # the kernel a program gets by default: the last one listed, working
    # or not (a broken best kernel must show, not be replaced)
    best = kernels[-1] if kernels else None
    peers = [p for p in parsers if "/" not in p and p != "python-email"]
    unavailable = []
    for n in notes:
        if n.startswith("unavailable:"):
            unavailable = n.split(":", 1)[1].split()

    def right_count(p, c):
        # against the row's own expectation: the Python reference may have
        # run on a shorter version of the corpus
        x = cell.get((p, c))
        if not x or x["status"] != "ok":
            return False
        if x["count"] != x["expect"]:
            return False
        if p.startswith("safeaddr/") and x["rejects"] != x["expect_rejects"]:
            return False
        return True

    def mbs(p, c):
        x = cell.get((p, c))
        return num(x.get("mb_s")) if x else None

    def fastest_peer(c):
        best_p, best_v = None, None
        for p in peers:
            v = mbs(p, c)
            if v is not None and right_count(p, c) and (best_v is None or v > best_v):
                best_p, best_v = p, v
        return best_p, best_v

    def peer_cell(p, c, value_fn=mbs, fmt=fmt_mbs):
        x = cell.get((p, c))
        if x is None:
            return "unavailable"
        if x["status"] != "ok":
            return x["status"]
        v = value_fn(p, c)
        if not right_count(p, c):
            text = "count mismatch: got %s of %s" % (x["count"], x["expect"])
            if p.startswith("safeaddr/") and x["rejects"] != x["expect_rejects"]:
                text += " (%s fields rejected)" % x["rejects"]
            return text + " (%s)" % fmt(v)
        return fmt(v)

    model, cpus, isa, kernel, cc, rev = machine_facts()
    vfile = os.path.join(res, "version")  # the tree the timings ran on
    if os.path.exists(vfile):
        with open(vfile) as fh:
            rev = fh.read().strip() or rev
    out = []
    w = out.append
    w("## Results (%s run)\n" % args["--set"])
    w("Machine: %s, %d logical CPUs (%s), Linux %s; %s; safeaddr %s. "
      "Shared and noisy: other jobs ran at the same time, so read the "
      "timings as +-20%%; instruction counts are exact.\n" %
      (model, cpus, isa, kernel, cc, rev))
    started = os.path.join(res, "started")
    if os.path.exists(started):
        import time
        with open(started) as fh:
            t0 = int(fh.read().strip() or 0)
        if t0:
            w("`make bench` took %.1f minutes of wall time for this run.\n" %
              ((time.time() - t0) / 60.0))
    if unavailable:
        w("Peers unavailable in this run: %s.\n" % ", ".join(unavailable))
    if args["--deps"] and os.path.exists(args["--deps"]):
        with open(args["--deps"]) as fh:
            missing = [l.split()[0] for l in fh if l.strip().endswith("missing")]
        if missing:
            w("Debian packages that could not be installed: %s.\n" %
              ", ".join(missing))

    # ---- throughput: safeaddr
    w("### Throughput of safeaddr (MB/s, median)\n")
    w("Each cell: MB/s (ratio to the fastest peer with the right count on "
      "that corpus). The best kernel (what a program gets by default on "
      "this CPU) is %s.\n" % best)
    head = ["corpus", "size", "mailboxes"] + ["safeaddr/" + k for k in kernels]
    head += ["fastest peer (MB/s)"]
    trs = []
    for c in corpora:
        info = cinfo[c]
        r = [c, human_bytes(info["bytes"]), info["expect"]]
        fp, fv = fastest_peer(c)
        all_rejected = int(info["expect_rejects"]) == int(info["fields"])
        for k in kernels:
            txt = peer_cell("safeaddr/" + k, c)
            v = mbs("safeaddr/" + k, c)
            if right_count("safeaddr/" + k, c) and v and fv:
                txt += " (rejected)" if all_rejected else \
                    " (%s)" % fmt_ratio(v / fv)
            r.append(txt)
        r.append("%s (%s)" % (fp, fmt_mbs(fv)) if fp else "none with the right count")
        trs.append(r)
    w(table(head, trs) + "\n")
    w("A corpus whose fields must be rejected (hostile-angle-pairs: a second "
      "angle-addr at offset 2) measures how fast the error is found, not "
      "parsing speed; no ratio is given.\n")

    # ---- throughput: peers
    w("### Throughput of the peers (MB/s, median)\n")
    w("A peer whose mailbox count differs from the corpus's is not ranked; "
      "the cell says what it returned.\n")
    head = ["corpus"] + peers + (["python-email (reference)"]
                                 if any(p == "python-email" for p in parsers) else [])
    trs = []
    for c in corpora:
        r = [c] + [peer_cell(p, c) for p in peers]
        if "python-email" in parsers:
            txt = peer_cell("python-email", c)
            x = cell.get(("python-email", c))
            if x and x["bytes"] != cinfo[c]["bytes"] and x["status"] == "ok":
                txt += " (on %s)" % human_bytes(x["bytes"])
            r.append(txt)
        trs.append(r)
    w(table(head, trs) + "\n")

    # ---- ns per address
    def npa(p, c):
        x = cell.get((p, c))
        return num(x.get("ns_per_addr")) if x else None

    def fmt_ns(v):
        return "-" if v is None else ("%.0f" % v if v >= 10 else "%.1f" % v)

    w("### Nanoseconds per address (median)\n")
    many = [c for c in corpora if int(cinfo[c]["expect"]) >= 1000]
    cols = (["safeaddr/" + best] if best else []) + peers + \
        (["python-email"] if "python-email" in parsers else [])
    trs = [[c] + [peer_cell(p, c, npa, fmt_ns) for p in cols] for c in many]
    w(table(["corpus"] + cols, trs) + "\n")

    # ---- scanner
    w("### Scanner stage vs bare classify pass (MB/s, median)\n")
    w("classify/K: kernel K's classifier alone over every 64-byte block of "
      "every field (the fifteen class masks; the tail copied into a zeroed "
      "block, as the classifier's contract asks: src/scan.h), the ceiling "
      "for any scanner. scan/K: the scanner stage alone as the parser drives "
      "it, with no grammar: safeaddr_iter_init, then every block classified "
      "once into the iterator's block cache (safeaddr__load_block: K's cache "
      "kernel, which copies a short last block or, on AVX-512, loads it "
      "under a byte mask, and writes the nine cached masks) and a "
      "count-trailing-zeros walk "
      "over its stops (bytes neither atext nor '.'), one step a stop, as "
      "the element fast path reads them. The ratios divide "
      "the cost of scan/K by that of classify/K on the same bytes, by time "
      "and by callgrind instructions (target: at most 2).\n")
    cg_best = None
    for (p, c) in cg:
        if p.startswith("safeaddr/") and p != "safeaddr/scalar":
            cg_best = p.split("/", 1)[1]
    if cg_best is None and any(p == "safeaddr/scalar" for p, _ in cg):
        cg_best = "scalar"
    scan_ratio = {}
    head = ["corpus"] + ["classify/" + k for k in kernels] + \
        ["scan/" + k for k in kernels] + \
        (["safeaddr/" + best] if best else []) + \
        ["scan cost / classify cost (time, %s)" % best,
         "scan cost / classify cost (Ir, %s)" % (cg_best or "-")]
    trs = []
    for c in corpora:
        r = [c] + [fmt_mbs(mbs("classify/" + k, c)) for k in kernels]
        r += [fmt_mbs(mbs("scan/" + k, c)) for k in kernels]
        if best:
            r.append(peer_cell("safeaddr/" + best, c))
        tc, ts = mbs("classify/" + best, c), mbs("scan/" + best, c)
        tr = tc / ts if (tc and ts) else None
        r.append("%.2f" % tr if tr else "-")
        ir = None
        if cg_best:
            a = cg.get(("scan/" + cg_best, c))
            b = cg.get(("classify/" + cg_best, c))
            if a and b and b["ir"]:
                ir = a["ir"] / b["ir"]
        r.append("%.2f" % ir if ir else "-")
        scan_ratio[c] = (tr, ir)
        trs.append(r)
    w(table(head, trs) + "\n")

    # ---- instructions per byte
    if cg:
        w("### Instructions per byte (callgrind, one pass)\n")
        cgp = []
        for (p, c) in cg:
            if p not in cgp:
                cgp.append(p)
        order = [p for p in cgp if p.startswith("safeaddr/")] + \
            [p for p in cgp if p.startswith("scan/")] + \
            [p for p in cgp if p.startswith("classify/")] + \
            [p for p in cgp if "/" not in p]
        trs = []
        for c in corpora:
            r = [c]
            for p in order:
                x = cg.get((p, c))
                if x is None:
                    r.append("-")
                else:
                    v = x["ir"] / max(x["bytes"], 1)
                    mark = ""
                    if p.startswith("safeaddr/") and (
                            str(x["count"]) != cinfo[c]["expect"] or
                            str(x["rejects"]) != cinfo[c]["expect_rejects"]):
                        mark = " (count mismatch)"
                    r.append("%.1f%s" % (v, mark))
            trs.append(r)
        w(table(["corpus"] + order, trs) + "\n")

    # ---- linear time
    lin = {}
    for (p, c), x in cg.items():
        m = re.match(r"^lin-(.+)-2\^(\d+)$", c)
        if m and p.startswith("safeaddr/"):
            lin.setdefault((p, m.group(1)), []).append((int(m.group(2)), x, c))
    verdicts = {}
    if lin:
        w("### Linear time: instruction count against input size\n")
        w("Each hostile family at 2^10..2^20 bytes, safeaddr, one callgrind "
          "pass per size. slope: least-squares slope of ln(Ir) on ln(n) for "
          "n >= 2^14 (limit %.2f); worst step: largest Ir(2n)/Ir(n) for "
          "n >= 2^14 (limit %.1f); vs list: Ir/byte at 2^20 divided by the "
          "Ir/byte of the plain \"a@b.c, \" list at 2^20 (limit %.0fx). "
          "Flagged values are in bold.\n" %
          (SLOPE_LIMIT, STEP_LIMIT, LIST_FACTOR_LIMIT))
        lin_parsers = []
        for p, _ in lin:
            if p not in lin_parsers:
                lin_parsers.append(p)
        fams = []
        for name, info in index.items():  # generator order
            if info.get("role") == "linear" and info["family"] not in fams:
                fams.append(info["family"])
        for _, f in lin:
            if f not in fams:
                fams.append(f)
        for p in lin_parsers:
            base = None
            pts = sorted(lin.get((p, "addr-list"), []), key=lambda t: t[0])
            if pts:
                base = pts[-1][1]["ir"] / pts[-1][1]["bytes"]
            head = ["family", "Ir/B 2^10", "Ir/B 2^14", "Ir/B 2^17",
                    "Ir/B 2^20", "worst step", "slope", "vs list", "count"]
            trs = []
            for f in fams:
                pts = sorted(lin.get((p, f), []), key=lambda t: t[0])
                if not pts:
                    continue
                timeouts = [k for k, x, _ in pts if x["count"] == -2]
                pts = [t for t in pts if t[1]["count"] != -2]
                if not pts:
                    continue
                per = {k: x["ir"] / x["bytes"] for k, x, _ in pts}
                big = [(x["bytes"], x["ir"]) for k, x, _ in pts if k >= 14]
                s = slope(big) if len(big) >= 2 else float("nan")
                steps = []
                byk = {k: x for k, x, _ in pts}
                for k in sorted(byk):
                    if k >= 14 and k + 1 in byk:
                        steps.append(byk[k + 1]["ir"] / byk[k]["ir"])
                step = max(steps) if steps else float("nan")
                vs = per[max(per)] / base if base else None
                bad_count = []
                for k, x, cname in pts:
                    info = index.get(cname)
                    if info is None:
                        continue
                    exp_rej = int(info.get("rejects", 0))
                    if x["count"] != int(info["expect"]) or x["rejects"] != exp_rej:
                        bad_count.append("2^%d: got %d%s" % (
                            k, x["count"], " rejected" if x["rejects"] else ""))
                for k in timeouts:
                    bad_count.append("2^%d: timeout" % k)
                ok = s <= SLOPE_LIMIT and step <= STEP_LIMIT and \
                    (vs is None or vs <= LIST_FACTOR_LIMIT) and not timeouts \
                    and not bad_count
                verdicts[(p, f)] = (s, step, vs, ok)

                def b(txt, flagged):
                    return "**%s**" % txt if flagged else txt
                r = [f] + ["%.1f" % per[k] if k in per else "-"
                           for k in (10, 14, 17, 20)]
                r.append(b("%.2f" % step, step > STEP_LIMIT))
                r.append(b("%.3f" % s, s > SLOPE_LIMIT))
                r.append("-" if vs is None else
                         b("%.1fx" % vs, vs > LIST_FACTOR_LIMIT))
                r.append("ok" if not bad_count else
                         "**mismatch** " + "; ".join(bad_count[:2]))
                trs.append(r)
            w("#### %s\n" % p)
            w(table(head, trs) + "\n")

    # ---- targets
    w("### Targets\n")
    trs = []

    def verdict(ok):
        return "met" if ok else "**missed**"
    if best:
        for c in corpora:
            kind = cinfo[c]["kind"]
            bv = mbs("safeaddr/" + best, c)
            if kind in ("typical", "realworld"):
                dv = mbs("dovecot", c) if right_count("dovecot", c) else None
                fp, fv = fastest_peer(c)
                if dv:
                    trs.append(["%s: >= 10x Dovecot" % c,
                                "%s MB/s vs %s MB/s = %s" % (fmt_mbs(bv), fmt_mbs(dv), fmt_ratio(bv / dv) if bv else "-"),
                                verdict(bv is not None and bv >= 10 * dv)])
                if fv and fp != "dovecot":
                    trs.append(["%s: >= 10x fastest peer (%s)" % (c, fp),
                                "%s" % fmt_ratio(bv / fv) if bv else "-",
                                verdict(bv is not None and bv >= 10 * fv)])
            if kind == "list":
                trs.append(["%s: >= 2 GB/s end to end" % c,
                            "%s MB/s" % fmt_mbs(bv),
                            verdict(bv is not None and bv >= 2000)])
        hostile = [c for c in corpora if cinfo[c]["kind"] == "hostile"]

        def hv(c):  # MB/s only when the parse was right
            return mbs("safeaddr/" + best, c) \
                if right_count("safeaddr/" + best, c) else None
        slow = [(c, hv(c)) for c in hostile]
        slow = [(c, v) for c, v in slow if v is None or v < 100]
        measured = [(hv(c), c) for c in hostile if hv(c) is not None]
        if hostile:
            text = ("slowest: %s at %s MB/s" % (min(measured)[1], fmt_mbs(min(measured)[0]))
                    if measured else "no correct run")
            if slow:
                text += "; below 100 or wrong: " + ", ".join(
                    "%s %s" % (c[len("hostile-"):], fmt_mbs(v) if v else
                               cell.get(("safeaddr/" + best, c), {}).get("status", "-")
                               if cell.get(("safeaddr/" + best, c), {}).get("status") != "ok"
                               else "count mismatch")
                    for c, v in slow)
            trs.append(["every hostile corpus >= 100 MB/s (%s, %s)" %
                        (human_bytes(cinfo[hostile[0]]["bytes"]), best),
                        text, verdict(not slow)])
        tr = [(v[0], c) for c, v in scan_ratio.items() if v[0]]
        ir = [(v[1], c) for c, v in scan_ratio.items() if v[1]]
        if tr:
            m = max(tr)
            trs.append(["scanner stage within 2x of bare classify (time, %s)" % best,
                        "worst scan/classify %.2f on %s" % m, verdict(m[0] <= 2.0)])
        if ir:
            m = max(ir)
            trs.append(["scanner stage within 2x of bare classify (Ir, %s)" % cg_best,
                        "worst %.2f on %s" % m, verdict(m[0] <= 2.0)])
        for p in sorted({p for p, _ in verdicts}):
            fl = [(f, v) for (pp, f), v in verdicts.items() if pp == p]
            bad = [f for f, v in fl if not v[3]]
            worst_s = max((v[0] for _, v in fl), default=float("nan"))
            trs.append(["every hostile family linear: slope <= %.2f, step <= %.1f, right count (%s)" % (SLOPE_LIMIT, STEP_LIMIT, p),
                        "max slope %.3f; failing: %s" % (worst_s, ", ".join(bad) or "none"),
                        verdict(not bad)])
        # best never slower than scalar
        if best != "scalar":
            worst = None
            for c in corpora:
                s, b = mbs("safeaddr/scalar", c), mbs("safeaddr/" + best, c)
                if s and b and right_count("safeaddr/scalar", c) and \
                        right_count("safeaddr/" + best, c):
                    r = b / s
                    if worst is None or r < worst[0]:
                        worst = (r, c)
            if worst:
                trs.append(["best kernel (%s) never slower than scalar (time)" % best,
                            "lowest %s/scalar: %.2f on %s" % (best, worst[0], worst[1]),
                            verdict(worst[0] >= 1.0)])
        if cg_best and cg_best != "scalar":
            worst = None
            for c in corpora:
                a = cg.get(("safeaddr/scalar", c))
                b = cg.get(("safeaddr/" + cg_best, c))
                if a and b:
                    r = b["ir"] / a["ir"]
                    if worst is None or r > worst[0]:
                        worst = (r, c)
            if worst:
                trs.append(["%s never more instructions than scalar" % cg_best,
                            "highest Ir %s/scalar: %.2f on %s" % (cg_best, worst[0], worst[1]),
                            verdict(worst[0] <= 1.0)])
    w(table(["target", "measured", "verdict"], trs) + "\n")

    # ---- hot spots
    hot = cg.get(("safeaddr/" + (cg_best or "scalar"), "realworld"))
    if hot:
        w("### Where safeaddr's instructions go (realworld, %s, self Ir)\n" %
          (cg_best or "scalar"))
        tot = sum(hot["fn"].values()) or 1
        top = sorted(hot["fn"].items(), key=lambda kv: -kv[1])[:10]
        w(table(["function", "share of Ir"],
                [[f, "%.1f%%" % (100.0 * v / tot)] for f, v in top]) + "\n")
    sys.stdout.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
