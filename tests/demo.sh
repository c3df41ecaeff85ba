#!/bin/sh
# demo.sh BUILD - `make demo`: run `safeaddr headers` over the bundled sample
# mail (tests/data/sample-mail: plain, group, UTF-8/RFC 2047, Resent-/route
# and hostile messages plus a Unix mbox) and print what it found, one line
# per mailbox. The JSON Lines output is summarised by python3 when it is
# installed, else printed as is.
set -u
build=${1:-build}
cli=$build/safeaddr
samples=tests/data/sample-mail
if [ ! -x "$cli" ]; then
    echo "demo: $cli not built (run make)" >&2
    exit 1
fi
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM

# summarise: one JSON object per address field on stdin -> readable lines
summarise() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c '
import json, sys
for raw in sys.stdin:
    r = json.loads(raw)
    where = r["src"].rsplit(":", 1)[1]
    head = "  line %-3s %-13s" % (where, (r["header"] or "?") + ":")
    if not r["ok"]:
        print("%s REJECTED %s at offset %d (input line %s): %s"
              % (head, r["code"], r["offset"], r.get("line"), r["error"]))
        continue
    shown = False
    for a in r["addresses"]:
        text = "<%s>" % a["addr_spec"]
        if a["display"] is not None:
            text = "%s %s" % (json.dumps(a["display"], ensure_ascii=False), text)
        extra = []
        if a["group"] is not None:
            extra.append("group %s" % json.dumps(a["group"], ensure_ascii=False))
        if a["route"] is not None:
            extra.append("route %s" % a["route"])
        for c in a["comments"]:
            extra.append("comment %s" % json.dumps(c, ensure_ascii=False))
        codes = [d["code"] for d in a["diagnostics"] if d["severity"] != "info"]
        if codes:
            extra.append(" ".join(codes))
        print("%s %s%s" % (head, text, ("   [" + "; ".join(extra) + "]") if extra else ""))
        head = " " * len(head)
        shown = True
    for g in r["groups"]:
        if g["size"] == 0:
            print("%s (empty group %s)" % (head, json.dumps(g["name"], ensure_ascii=False)))
            head = " " * len(head)
            shown = True
    if not shown:
        print("%s (no address)" % head)
'
    else
        cat
    fi
}

echo "safeaddr demo: $("$cli" --version)"
echo
echo "Each address field becomes one JSON line, e.g. the first field of"
echo "$samples/01-plain.eml:"
"$cli" headers "$samples/01-plain.eml" | sed -n 1p
echo
status=0
for f in "$samples"/*.eml "$samples"/*.mbox; do
    [ -f "$f" ] || continue
    echo "== $f"
    "$cli" headers "$f" >"$tmp"
    rc=$?
    summarise <"$tmp"
    case $rc in
    0) echo "   -> every address field parsed (exit status 0)" ;;
    1) echo "   -> a field was rejected, with its offset (exit status 1)" ;;
    *) echo "   -> safeaddr headers failed (exit status $rc)"; status=1 ;;
    esac
    echo
done
exit $status
