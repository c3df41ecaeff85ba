#!/usr/bin/env python3
"""gen_corpus.py - deterministic benchmark corpora for safeaddr's bench/.

Writes header field bodies (what follows "To:") into OUTDIR as .corpus files
that bench/bench.c and bench/ref_python.py read. Everything comes from one
fixed seed through our own PRNG (splitmix64), so two runs on any machine and
any Python 3 version give byte-identical corpora (Python's `random` is not
used: its algorithms are not promised stable across versions).

Corpora (the role decides which table they go to):
  time    typical       short From/To/Cc/Reply-To bodies of ordinary mail
  time    realworld     harsher shapes seen in real traffic: list "via"
                        names, encoded-words, SRS/BATV/VERP local parts,
                        quoted names with escapes, comments, groups,
                        undisclosed-recipients:;, obsolete routes, literals
  time    list-1k       folded recipient lists of 1,000 mailboxes
  time    list-10k      folded recipient lists of 10,000 mailboxes
  time    hostile-*     one field per hostile family at the timing size
  linear  lin-*-2^k     each hostile family at 2^10..2^20 bytes (callgrind)

Every field carries its expected mailbox count (group members counted,
group markers not), known by construction; the harness flags any parser
whose total differs. A count of -1 marks a field that a strict RFC 5322
parser must reject (it then contributes 0 to the expected total).

File format (all integers decimal ASCII):
  SACORPUS1\\n
  name <name>\\n  role <time|linear>\\n  kind <kind>\\n  family <f>\\n
  target <n>\\n  expect <total>\\n  fields <K>\\n  bytes <sum of lengths>\\n
  \\n
  K records: "<len> <expected>\\n" then <len> raw bytes then "\\n".

Usage: gen_corpus.py OUTDIR [--quick]
"""

import os
import sys

MASK64 = (1 << 64) - 1
SEED = 0x5AFEADD12E55  # fixed: corpora must not change between runs


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood 2014; constants as published by
    S. Vigna). Small, fast enough, and fully specified here."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform integer in [0, n), rejection-sampled (no modulo bias)."""
        if n <= 0:
            raise ValueError("below(0)")
        limit = MASK64 - (MASK64 % n)
        while True:
            v = self.next()
            if v < limit:
                return v % n

    def chance(self, percent):
        return self.below(1000) < int(percent * 10)

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def weighted(self, pairs):
        total = sum(w for w, _ in pairs)
        r = self.below(total)
        for w, v in pairs:
            if r < w:
                return v
            r -= w
        raise AssertionError("unreachable")


# ------------------------------------------------------------- vocabulary
# Invented names and documentation domains (RFC 2606 / RFC 6761 names and
# made-up ones): shapes of real mail without anybody's real address.

FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David "
         "Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah "
         "Charles Karen Chris Nancy Daniel Lisa Matthew Betty Anthony Sandra "
         "Mark Ashley Paul Emily Steven Donna Andrew Michelle Kenji Yuki Wei "
         "Li Priya Arjun Fatima Omar Olga Ivan Ana Pedro Lars Ingrid Pierre "
         "Claire Hans Greta Marco Giulia Sean Aoife Tomasz Kasia").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez "
        "Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore "
        "Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez "
        "Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen "
        "Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell "
        "Tanaka Suzuki Wang Zhang Patel Sharma Ivanov Petrova Silva Santos "
        "Larsen Dubois Schmidt Rossi Murphy Kowalski O'Brien").split()
# Non-ASCII names: (raw UTF-8 text, Q-encoded form, B-encoded form)
INTL = [
    ("José Álvarez", "=?UTF-8?Q?Jos=C3=A9_=C3=81lvarez?=",
     "=?UTF-8?B?Sm9zw6kgw4FsdmFyZXo=?="),
    ("Jürgen Müller", "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=",
     "=?utf-8?b?SsO8cmdlbiBNw7xsbGVy?="),
    ("Søren Kierkegård", "=?UTF-8?Q?S=C3=B8ren_Kierkeg=C3=A5rd?=",
     "=?UTF-8?B?U8O4cmVuIEtpZXJrZWfDpXJk?="),
    ("François Dupont", "=?iso-8859-1?Q?Fran=E7ois_Dupont?=",
     "=?UTF-8?B?RnJhbsOnb2lzIER1cG9udA==?="),
    ("Łukasz Wiśniewski", "=?UTF-8?Q?=C5=81ukasz_Wi=C5=9Bniewski?=",
     "=?UTF-8?B?xYF1a2FzeiBXacWbbmlld3NraQ==?="),
    ("田中 太郎", "=?UTF-8?Q?=E7=94=B0=E4=B8=AD_=E5=A4=AA=E9=83=8E?=",
     "=?ISO-2022-JP?B?GyRCRURDZhsoQiAbJEJCQE86GyhC?="),
    ("Zoë Ærøskøbing", "=?UTF-8?Q?Zo=C3=AB_=C3=86r=C3=B8sk=C3=B8bing?=",
     "=?UTF-8?B?Wm/DqyDDhnLDuHNrw7hiaW5n?="),
    ("Ольга Петрова", "=?KOI8-R?Q?=EF=CC=D8=C7=C1_=F0=C5=D4=D2=CF=D7=C1?=",
     "=?UTF-8?B?0J7Qu9GM0LPQsCDQn9C10YLRgNC+0LLQsA==?="),
]
DOMAINS = ("example.com example.org example.net mail.example.com "
           "lists.example.org corp.example.co.uk mx1.example.net "
           "students.example.edu eng.example.io example.de "
           "sub.division.example.com xn--mnchen-3ya.example "
           "xn--bcher-kva.example example.co.jp news.example.fr "
           "a.example b.example support.example.com").split()
FREEMAIL = "mail.example webmail.example inbox.example post.example".split()
ROLES = ("info support sales admin noreply no-reply postmaster billing "
         "team hr security abuse newsletter notifications").split()
LIST_NAMES = "dev-discuss announce users general staff kernel-team".split()
WORDS = ("the of and to in is that it for on with as was at by be this "
         "from or have an they which one you were her all she there would "
         "their we him been has when who will more no if out so said what "
         "up its about into than them can only other new some could time "
         "these two may then do first any my now such like our over man "
         "me even most made after also did many before must through back "
         "years where much your way well down should because each just "
         "those people how too little state good very make world still "
         "own see men work long get here between both life being under "
         "never day same another know while last might us great old year "
         "off come since against go came right used take three").split()


def lower_ascii(s):
    return s.lower()


def local_from_name(r, first, last):
    f = lower_ascii(first).replace("'", "")
    l = lower_ascii(last).replace("'", "")
    return r.weighted([
        (30, f + "." + l),
        (12, f[0] + l),
        (8, f + "_" + l),
        (8, f),
        (6, f + "." + l + str(r.below(100))),
        (6, f + "+" + r.pick(["news", "lists", "shop", "git", "bank"])),
        (5, l + "." + f),
        (4, f + l[0] + str(r.below(10000))),
        (3, f[0] + "." + l),
    ])


def domain(r):
    return r.weighted([(70, r.pick(DOMAINS)), (30, r.pick(FREEMAIL))])


def quote(text):
    """quoted-string for a display name (RFC 5322 3.2.4): escape " and \\."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def needs_quotes(text):
    # atext plus spaces can stay unquoted (RFC 5322 3.2.3, phrase = 1*word);
    # any special (including '.', obs-phrase) is quoted here
    specials = '()<>[]:;@\\,."'
    return any(c in specials for c in text)


class Field:
    """Builds one field body, folding at 78 columns the way mail agents do
    (RFC 5322 2.2.3: a CRLF inserted before existing white space)."""

    def __init__(self, header_name_len, fold=True):
        self.parts = []
        self.col = header_name_len + 2  # "To: "
        self.fold = fold
        self.count = 0

    def add(self, element, mailboxes, sep=", "):
        if self.parts:
            if self.fold and self.col + len(sep) + len(element) > 78:
                self.parts.append(sep.rstrip(" ") + "\r\n ")
                self.col = 1
            else:
                self.parts.append(sep)
                self.col += len(sep)
        self.parts.append(element)
        self.col += len(element)
        self.count += mailboxes

    def body(self):
        return "".join(self.parts)


# ------------------------------------------------------------ mailboxes

def person(r):
    return r.pick(FIRST), r.pick(LAST)


def typical_mailbox(r):
    """One mailbox as ordinary mail agents write it."""
    first, last = person(r)
    addr = local_from_name(r, first, last) + "@" + domain(r)
    kind = r.weighted([(45, "name"), (25, "bare"), (8, "angle"),
                       (8, "quoted"), (6, "intl-q"), (3, "intl-b"),
                       (3, "intl-raw"), (2, "comment")])
    if kind == "name":
        return first + " " + last + " <" + addr + ">"
    if kind == "bare":
        return addr
    if kind == "angle":
        return "<" + addr + ">"
    if kind == "quoted":
        return quote(last + ", " + first) + " <" + addr + ">"
    if kind == "comment":
        return addr + " (" + first + " " + last + ")"
    raw, q, b = r.pick(INTL)
    if kind == "intl-q":
        return q + " <" + addr + ">"
    if kind == "intl-b":
        return b + " <" + addr + ">"
    return raw + " <" + addr + ">"  # RFC 6532: UTF-8 in the phrase


def hexstr(r, n):
    return "".join("0123456789abcdef"[r.below(16)] for _ in range(n))


def realworld_mailbox(r):
    """Shapes found in real traffic beyond the typical ones."""
    first, last = person(r)
    user = local_from_name(r, first, last)
    dom = domain(r)
    kind = r.weighted([
        (18, "typical"), (8, "via"), (6, "srs"), (5, "batv"), (6, "verp"),
        (6, "role"), (5, "quoted-escape"), (5, "quoted-dot"), (4, "q-split"),
        (4, "name-comment"), (3, "obs-phrase"), (3, "route"),
        (2, "literal"), (3, "quoted-local"), (3, "utf8-local"),
        (4, "tab-fold"), (3, "upper"), (2, "addr-comment-inside"),
        (4, "long-name"), (2, "cfws-angle")])
    if kind == "typical":
        return typical_mailbox(r)
    if kind == "via":
        return ("'" + first + " " + last + "' via " + r.pick(LIST_NAMES) +
                " <" + r.pick(LIST_NAMES) + "@googlegroups.example>")
    if kind == "srs":
        return ("SRS0=" + hexstr(r, 4) + "=" + hexstr(r, 2).upper() + "=" +
                dom + "=" + user + "@forwarder.example")
    if kind == "batv":
        return "prvs=" + hexstr(r, 10) + "=" + user + "@" + dom
    if kind == "verp":
        return ("bounce-" + str(r.below(10**7)) + "-" + hexstr(r, 16) +
                "-" + user + "=" + dom.replace(".", "=") +
                "@bounces.mailer.example")
    if kind == "role":
        return (r.pick(["Example Support", "The Team", "Billing Dept",
                        "Do Not Reply", "Notifications"]) +
                " <" + r.pick(ROLES) + "@" + dom + ">")
    if kind == "quoted-escape":
        return (quote(first + ' "' + r.pick(["Bob", "Bear", "JJ"]) + '" ' +
                      last + " \\ " + r.pick(["IT", "Ops"])) +
                " <" + user + "@" + dom + ">")
    if kind == "quoted-dot":
        return quote(first + " Q. " + last + ", Jr.") + " <" + user + "@" + dom + ">"
    if kind == "q-split":
        raw, q, b = r.pick(INTL)
        return q + " " + b + " <" + user + "@" + dom + ">"
    if kind == "name-comment":
        return (first + " " + last + " (" + r.pick(["Sales", "via web",
                "ext. " + str(r.below(9999)), "Mobile"]) + ") <" + user +
                "@" + dom + ">")
    if kind == "obs-phrase":
        # RFC 5322 4.1 obs-phrase: an unquoted '.' after the first word
        return first + " " + last[0] + ". " + last + " <" + user + "@" + dom + ">"
    if kind == "route":
        # RFC 5322 4.4 obs-route, still emitted by some gateways
        return "<@relay" + str(r.below(9)) + ".example,@gw.example:" + user + "@" + dom + ">"
    if kind == "literal":
        return user + "@[192.0.2." + str(r.below(256)) + "]"
    if kind == "quoted-local":
        return quote(first + " " + last) + "@" + dom
    if kind == "utf8-local":
        raw, q, b = r.pick(INTL)
        return raw.split(" ")[0].lower() + "@" + dom  # RFC 6532 local part
    if kind == "tab-fold":
        return first + " " + last + "\r\n\t<" + user + "@" + dom + ">"
    if kind == "upper":
        return (first.upper() + " " + last.upper() + " <" + user.upper() +
                "@" + dom.upper() + ">")
    if kind == "addr-comment-inside":
        return user + "@" + dom + " (" + first + " (" + r.pick(["home", "work"]) + "))"
    if kind == "long-name":
        words = " ".join(r.pick(WORDS).capitalize() for _ in range(r.below(8) + 4))
        return words + " <" + user + "@" + dom + ">"
    if kind == "cfws-angle":
        return first + "  " + last + "  <  " + user + "@" + dom + "  >"
    raise AssertionError(kind)


def build_list(r, n, maker, header_len=2):
    f = Field(header_len)
    for _ in range(n):
        f.add(maker(r), 1)
    return f.body(), f.count


def typical_field(r):
    which = r.weighted([(40, "From"), (35, "To"), (20, "Cc"), (5, "Reply-To")])
    if which == "From" or which == "Reply-To":
        n = 1
    elif which == "To":
        n = r.weighted([(70, 1), (20, 2), (10, 3)])
    else:
        n = r.below(8) + 1
    return build_list(r, n, typical_mailbox, len(which))


def realworld_field(r):
    shape = r.weighted([(55, "mixed"), (10, "undisclosed"), (8, "group"),
                        (12, "bigcc"), (10, "single"), (5, "groups2")])
    if shape == "single":
        body = realworld_mailbox(r)
        return body, 1
    if shape == "undisclosed":
        return r.pick(["undisclosed-recipients:;", "Undisclosed recipients:;",
                       "undisclosed-recipients: ;"]), 0
    f = Field(2)
    if shape == "mixed":
        for _ in range(r.below(6) + 1):
            f.add(realworld_mailbox(r), 1)
    elif shape == "bigcc":
        for _ in range(r.below(90) + 10):
            f.add(r.pick([realworld_mailbox, typical_mailbox])(r), 1)
    else:
        groups = 1 if shape == "group" else 2
        for g in range(groups):
            members = r.below(5) + 1
            inner = ", ".join(realworld_mailbox(r) for _ in range(members))
            f.add(r.pick(["Team", "Board of Directors", "Friends", "\"R&D, EU\""]) +
                  ": " + inner + ";", members)
        if r.chance(50):
            f.add(typical_mailbox(r), 1)
    return f.body(), f.count


# ------------------------------------------------------ hostile families
# Each family is (prefix, unit, suffix, mailboxes(k)) and is scaled by
# repeating unit k times; ASSURANCE.md section 3 lists the shapes and the
# CVE or bug class each stands for is named beside it. All but "angle-pairs"
# are valid fields a strict parser must read to the end.

LOREM = "lorem ipsum dolor sit amet consectetur adipiscing elit "
DEEP = "(" * 63 + "x" + ")" * 63  # one below the default depth limit 64


def hostile_families():
    return [
        # long comment text: comment scanning must be per-delimiter, not
        # per-byte-with-backtracking
        ("comment-long", "(", LOREM, ") a@b.c", lambda k: 1),
        # deep-but-legal nesting, repeated: depth counter, no recursion
        # (CVE-2002-1337 class, GHSA-m66c-fw79-6359)
        ("comment-deep", "", DEEP + " ", "a@b.c", lambda k: 1),
        # runs of "()": a delimiter on every byte, the comment walker's
        # worst case (SIMD.md section 12)
        ("comment-empty-run", "", "()", " a@b.c", lambda k: 1),
        # quoted string full of quoted-pairs: escape carries across blocks
        ("quoted-escapes", '"', '\\"\\\\\\a', '" <a@b.c>', lambda k: 1),
        # phrase of empty quoted strings (Go net/mail CVE-2026-42499 class)
        ("quoted-empty-run", "", '""', " <a@b.c>", lambda k: 1),
        # runs of "<>" as in the sendmail crackaddr exploit (CVE-2002-1337):
        # a second angle-addr, must be rejected (expected -1)
        ("angle-pairs", "", "<>", "", None),
        # list of empty angle addresses (null reverse-path shape)
        ("angle-empty-list", "", "<>, ", "<>", lambda k: k + 1),
        # 0xFF (sign-extension class: CVE-2003-0161 prescan) in a quoted name
        ("high-bytes", '"', "\xff", '" <a@b.c>', lambda k: 1),
        # long phrase of encoded-words (never decoded during parsing)
        ("encoded-words", "", "=?utf-8?q?J=C3=B6rg_M=C3=BCller?= ", "<a@b.c>",
         lambda k: 1),
        # "a@b.c," lists (Dovecot CVE-2024-23184 list-growth shape)
        ("addr-list", "", "a@b.c, ", "a@b.c", lambda k: k + 1),
        # folding runs: obs-FWS white-space-only lines (RFC 5322 4.2)
        ("folding-run", "", " \r\n", " a@b.c", lambda k: 1),
        # long atom as local part
        ("atom-long", "", "a", "@b.c", lambda k: 1),
        # long domain of many labels
        ("domain-long", "a@", "label.", "example", lambda k: 1),
        # long display name of atoms
        ("phrase-long", "", "word ", "<a@b.c>", lambda k: 1),
        # dot-atom with many dots
        ("dots-local", "", "a.", "a@b.c", lambda k: 1),
        # long obsolete route (RFC 5322 4.4)
        ("route-long", "<", "@r.example,", "@r.example:a@b.c>", lambda k: 1),
        # group with many members
        ("group-members", "g: ", "a@b.c, ", "a@b.c;", lambda k: k + 1),
        # long domain literal
        ("literal-long", "a@[", "x", "]", lambda k: 1),
    ]


def hostile_field(fam, target):
    name, prefix, unit, suffix, count = fam
    pre = prefix.encode("latin-1")
    u = unit.encode("latin-1")
    suf = suffix.encode("latin-1")
    room = target - len(pre) - len(suf)
    k = max(1, room // len(u))
    body = pre + u * k + suf
    expected = -1 if count is None else count(k)
    return body, expected


# ------------------------------------------------------------ writing

def write_corpus(outdir, name, role, kind, family, target, fields):
    """fields: list of (bytes, expected)."""
    expect = sum(e for _, e in fields if e > 0)
    nbytes = sum(len(b) for b, _ in fields)
    path = os.path.join(outdir, name + ".corpus")
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        head = ("SACORPUS1\nname %s\nrole %s\nkind %s\nfamily %s\ntarget %d\n"
                "expect %d\nfields %d\nbytes %d\n\n" %
                (name, role, kind, family, target, expect, len(fields), nbytes))
        fh.write(head.encode("ascii"))
        for body, e in fields:
            if b"\0" in body:
                raise AssertionError("NUL in corpus " + name)
            fh.write(b"%d %d\n" % (len(body), e))
            fh.write(body)
            fh.write(b"\n")
    os.replace(tmp, path)
    return path, nbytes, expect


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[1]
    quick = "--quick" in argv[2:]
    os.makedirs(outdir, exist_ok=True)
    index = []

    def emit(name, role, kind, family, target, fields):
        path, nbytes, expect = write_corpus(outdir, name, role, kind, family,
                                            target, fields)
        rejects = sum(1 for _, e in fields if e < 0)
        index.append("%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d" %
                     (name, role, kind, family, target, len(fields), nbytes,
                      expect, rejects))

    # Each corpus draws from its own stream so adding one never changes
    # the others.
    def rng(tag):
        h = SEED
        for ch in tag.encode("ascii"):
            h = ((h ^ ch) * 0x100000001B3) & MASK64  # FNV-1a step
        return SplitMix64(h)

    def utf8(pair):
        text, n = pair
        return text.encode("utf-8"), n

    scale = 4 if quick else 1
    r = rng("typical")
    emit("typical", "time", "typical", "-", 0,
         [utf8(typical_field(r)) for _ in range(20000 // scale)])
    r = rng("realworld")
    emit("realworld", "time", "realworld", "-", 0,
         [utf8(realworld_field(r)) for _ in range(8000 // scale)])
    r = rng("list-1k")
    emit("list-1k", "time", "list", "-", 1000,
         [utf8(build_list(r, 1000, r.pick([typical_mailbox, typical_mailbox,
                                            realworld_mailbox])))
          for _ in range(16 // scale)])
    r = rng("list-10k")
    emit("list-10k", "time", "list", "-", 10000,
         [utf8(build_list(r, 10000, typical_mailbox)) for _ in range(2)])

    time_size = 1 << (16 if quick else 20)
    for fam in hostile_families():
        emit("hostile-" + fam[0], "time", "hostile", fam[0], time_size,
             [hostile_field(fam, time_size)])
    for fam in hostile_families():
        for k in range(10, 21):
            emit("lin-%s-2^%d" % (fam[0], k), "linear", "hostile", fam[0],
                 1 << k, [hostile_field(fam, 1 << k)])

    with open(os.path.join(outdir, "index.tsv"), "w") as fh:
        fh.write("name\trole\tkind\tfamily\ttarget\tfields\tbytes\texpect\t"
                 "rejects\n")
        fh.write("\n".join(index) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
