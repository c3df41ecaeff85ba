/*
 * test_fast_paths.c - the parser's fast paths never change a result
 *
 * fast_mailbox (the element shapes most fields consist of) and phrase_run
 * (long phrases in bulk) skip work that the token-by-token reading does;
 * they exist for speed only and must not change anything observable. Each
 * input here is read both ways (the private iterator bit
 * SAFEADDR__FLAG_REFERENCE turns the fast paths off) under every
 * production and flag set, and the items, the diagnostic callbacks in
 * order, the field diagnostics and the error must be identical.
 *
 * The inputs are shapes at each point where a fast path hands over to the
 * token reader, and a deterministic set of inputs built from fragments of
 * address syntax. fuzz/fuzz_parse.c checks the same property on arbitrary
 * bytes.
 */
/* The fuzz harnesses' run recorder and comparison (items, error, field
 * diagnostics, the callback sequence), with their per-item API checks. A
 * broken API promise aborts, which Criterion reports as a crash. */
#include "../fuzz/fuzz_common.h"
#include <criterion/criterion.h>

static const int productions[] = {SAFEADDR_ADDRESS_LIST, SAFEADDR_MAILBOX_LIST,
                                  SAFEADDR_MAILBOX, SAFEADDR_ADDR_SPEC,
                                  SAFEADDR_PATH, SAFEADDR_ADDRESS};
static const unsigned flag_sets[] = {
    0, SAFEADDR_LENIENT, SAFEADDR_ACCEPT_LF, SAFEADDR_REQUIRE_DOMAIN,
    SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF | SAFEADDR_REQUIRE_DOMAIN};
/* readings compare_both_ways makes of one input */
#define READINGS                                                              \
    (sizeof productions / sizeof productions[0] *                             \
     (sizeof flag_sets / sizeof flag_sets[0]))

/* Returns the number of readings compared (all equal, or the test fails). */
static size_t compare_both_ways(const char *buf, size_t len)
{
    size_t n = 0;
    for (size_t p = 0; p < sizeof productions / sizeof productions[0]; p++)
        for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
            safeaddr_options o;
            safeaddr_options_init(&o);
            o.flags = flag_sets[f];
            /* with every flag, also a low address limit: the limit is
             * the general reading's error */
            if (f == sizeof flag_sets / sizeof flag_sets[0] - 1)
                o.max_addresses = 2;
            fz_run fast, reference;
            fz_iterate_as(buf, len, productions[p], &o, 0, &fast);
            fz_iterate_as(buf, len, productions[p], &o, 1, &reference);
            const char *why = "";
            size_t where = 0;
            const int same = fz_same_run(&fast, &reference, &why, &where);
            fz_run_free(&fast);
            fz_run_free(&reference);
            cr_assert(same,
                      "[%.*s] production %d flags %#x: the fast paths differ "
                      "from the reference reading in %s (index %zu)",
                      (int)len, buf, productions[p], flag_sets[f], why, where);
            n++;
        }
    return n;
}

/* Where fast_mailbox and phrase_run hand over to the token reader. */
static const char *const shapes[] = {
    "a@example.com", "<a@example.com>", "<>", "<> ,<>", "John Smith <js@example.com>",
    "\"John Smith\" <js@example.com>", "a@example.com, b@example.org ; c",
    "John  Smith\t<js@example.com>  ,", "a.b.c@d.e.f", "a..b@example.com",
    "a.@example.com", "a@example.com.", "a@example..com", "a@[1.2.3.4]",
    "a @example.com", "a@ example.com", "a(c)@example.com", "John (c) <a@b.c>",
    "John\r\n <a@b.c>", "John\n <a@b.c>", "J\xc3\xa9r\xc3\xb4me <a@b.c>",
    "\xff\xfe <a@b.c>", "a@b\xc3\xa9.example", "<a@b.c> junk", "<a@b.c>>",
    "<a@b.c", "\"a\\\"b\" <a@b.c>", "\"a\x01\" <a@b.c>", "\"unterminated <a@b.c>",
    "g: a@b.c, d@e.f;", "g: ;", "A B C D (x) <a@example.com>",
    "A B \"\" \"\" C\tD (x) <a@example.com>", "\"\" \"\" \"\" \"\"",
    "\"\"\"\"\"\"\"\"\"\"", "A B C", "A B\r\n C D <a@example.com>",
    "A B C.D <a@example.com>", "A B C [x] <a@example.com>",
    "A B \xc3\x87 D <a@example.com>", "A B \"C\\\"q\" D <a@example.com>",
    "A B C D@example.com", "A B C @ D", "A B C, D E F <a@b.c>",
    "Joe Foo, PhD <j@example.com>", "A B C \"x\"(c)\"y\" <a@b.c>",
    "A B C \"x\r\n y\" <a@b.c>", "A B C\t\t\"\" <a@b.c>", "A B C \xe2\x80\xae <a@b.c>",
    "<@r.example:a@b.c>", "postmaster", "\"quoted\"", "<user>", "a@b, ,c@d",
    /* fast_element's hand-overs and its checks from masks */
    "a@b.c\r\n ,d@e.f", "<a@b.c> ;", "g: <> ;", "g: a@b.c ; h: d@e.f;",
    "a@1.2", "a@1.b2", "a@b-.c", "a@-b.c", "a@b.-c", "a@b_c.d", "a@b.c-d.e",
    "$a@b.c", "|a@b.c", "/a@b.c", "-a@b.c", "a=b@c.d", "a`b@c.d",
    "=?utf-8?q?x?= <a@b.c>", "\"a@b\" <c@d.e>", "\"x<y\" <c@d.e>",
    "a@b.c,\r\n\r\n b@c.d", "a@b.c,\r\n \r\n b@c.d", "a@b.c,\r\n\tb@c.d",
    "a@b.c,\r\nb@c.d", "a@B.C", "a@b.c,", "a@b.c ,, d@e.f", " \t a@b.c",
    "<a@b.c>x", "A<a@b.c>", "A <a@b.c>\"", "\"A\"<a@b.c>", "<a@b.c>  ",
    "a@b.c;", "A B <a@b.c>;", "a@b.c d@e.f", "a@b@c.d", "<<a@b.c>>", "<>>",
    /* quoted and UTF-8 local parts, comments, quoted names (fast_read,
     * fast_simple) */
    "\"a b\"@example.com", "\"a\\\"b\"@x.y (c)", "jos\xc3\xa9@x.y",
    "a.jos\xc3\xa9@x.y", "<jos\xc3\xa9@x.y>", "N <\"q\"@x.y> (c)",
    "jos\xc3\xa9.\xc3\xa9@x.y", "\xe2\x80\xae@x.y", "\xff@x.y", "\"\"@x.y",
    "\"a\".b@x.y", "\"a\"@x.y, \"b c\"@d.e", "a@b.c (c) , d@e.f (x)",
    "a@b.c (c(d))", "a@b.c (\xc3\xa9)", "<> (c)", "N <> (c)", "\"x@y\" <a@b.c>",
    "\"=?u?q?x?=\" <a@b.c>", "J. Smith <a@b.c>", "Jos\xc3\xa9 <a@b.c>",
    "Very Long Display Name With Many Words To Cross The Block <a@b.example>",
    "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@example.com>",
    /* groups (fast_group_start, fast_group_end) */
    "undisclosed-recipients:;", "g: a@b.c;, h: ;", "g: a@b.c ; , x@y.z",
    "g:;;", "a@b.c, g: x@y.z;", "g: h: x@y.z;", "g: a@b.c, ;", "g. h: ;",
    "J\xc3\xa9 G: a@b.c;", "g: a@b.c; x", "g: a@b.c;\r\n ,x@y.z", "\"g\": ;",
    /* comments in and after display names, nested */
    "Greta Sanchez (ext. 6719) <g@x.example>", "A (b) C (d) E (f) <a@b.c>",
    "a@b.c (David (work))", "A (x@y) B <a@b.c>", "A (=?u?q?x?=) B <a@b.c>",
    "A (b) <> (c)", "A (b(c(d))) <a@b.c>", "A (b\\c) <a@b.c>", "A (b) : x@y.z;",
    "A (\xc3\xa9) <a@b.c>", "A (b <a@b.c>", "a@b.c ((()))", "A(b)C <a@b.c>",
    /* '=' in local parts: check_local's encoded-word look from the masks */
    "=?u?q?x?=@c.d", "-a=?x?=@b.c", "a=b=c@d.e", "a=$b@c.d", "N <=?a?b?=@c.d>",
    /* addr-specs longer than a block's rest: local part here, domain from
     * a block at the '@' (fast_read) - and what that block must refuse */
    "bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya=example@bounces.mailer.example",
    "<bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.mailer.example>",
    "Name <bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen@bounces.example> (c)",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@bounces-.example",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@123.456",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@localhost",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@a..b",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@.b",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@[192.0.2.1]",
    "bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@b\xc3\xa9.example",
    ("bounce-4293338-06e91126682c46a0-michael.sanchez-xn--mnchen-3yaa@"
     "a-domain-of-more-than-sixty-three-bytes.that-does-not-fit.example.org"),
    "\"bounce 4293338 06e91126682c46a0 michael sanchez xn--mnchen\"@bounces.example",
    "jos\xc3\xa9-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen@bounces.example",
    "$bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.example",
    "-bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.example",
    "bounce-4293338-06e91126682c46a0-michael.sanchez=?x?=-mnchen-3ya@bounces.example",
    "bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.example, a@b.c",
    "bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.example;",
    "g: bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mnchen-3ya@bounces.example;",
    /* WSP and folds inside the angle brackets (obs-angle-addr's CFWS) */
    "<  a@b.c  >", "A < a@b.c>", "A <a@b.c >", "A <\ta@b.c\t>", "A <\r\n a@b.c\r\n >",
    "A <\r\n\r\n a@b.c>", "A <a@b.c\r\n>", "A <\r\na@b.c>", "A <(c) a@b.c>",
    "A <a@b.c (c)>", "A < >", "A <\t>", "A < \"q r\"@b.c >", "< jos\xc3\xa9@b.c >",
    "A <  a@b.c  ", "A <  a@b.c  , b@c.d", "g: < a@b.c > ;", "A < @r.example:a@b.c >",
    "A < a@[1.2.3.4] >", "A < a @b.c>", "A < a@ b.c>", "A < a@b.c > (c)",
    /* domain literals (win_literal; check.c judges them) */
    "A <a@[192.0.2.1]>", "a@[ 1.2.3.4 ]", "a@[1.2.3.4", "a@[1.2[3]", "a@[1\\.2]",
    "a@[\xc3\xa9]", "a@[IPv6:::1]", "a@[1.2.3.4].b", "a@[1.2.3.4] (c)",
    "a@[300.1.1.1]", "a@[]", "a@[1.2.3.4]x", "a@[1.2.3.4], b@[5.6.7.8];",
    "a@[1.2\r\n .3.4]", "a@[1.2\x01]", "$a@[1.2.3.4]", "<a@[1.2.3.4]",
    /* obsolete routes (RFC 5322 4.4 obs-route) */
    "<@r.example:a@b.c>", "N <@r1.example,@r2.example:a@b.c>", "<@r:a@b>",
    "<@r.example,@s.example:a@b.c> (c)", "<@[1.2.3.4]:a@b.c>",
    "<@r.example, @s.example:a@b.c>", "<@r.example,,@s:a@b>", "<@r.example :a@b.c>",
    "<@r.example:>", "<@r.example:\"q r\"@b.c>", "<@r.example:a@b.c", "<@r..x:a@b>",
    "<@:a@b>", "<,@r:a@b>", "<@r.example,:a@b.c>", "<@r.example,a:b@c.d>",
    "<@r.example:@s:a@b>", "< @r.example:a@b.c >", "<@r-.example:a@b.c>",
    "<@r.example:bounce-4293338-06e91126682c46a0-michael.sanchez=xn--mn@bounces.example>",
    "g: <@r:a@b>;", "<@r\xc3\xa9:a@b>", "<@r:jos\xc3\xa9@b.c>", "<@r:a@[1.2.3.4]>",
    "<@r.example:a@b.c>, <@s.example:d@e.f>", "<@r.example", "<@", "<@r,",
};

Test(fast_paths, shapes_read_as_the_reference_reads_them)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        n += compare_both_ways(shapes[i], strlen(shapes[i]));
    cr_expect_eq(n, READINGS * (sizeof shapes / sizeof shapes[0]));
}

/* Fragments of address syntax, glued together at random (a fixed seed:
 * the same inputs on every run). */
static const char *const fragments[] = {
    "John", "Q", "x", "\"x\"", "\"\"", "\"a b\"", "\"\\\"q\\\"\"", " ", "  ",
    "\t", "\r\n ", "\n ", "(c)", "(a(b)c)", ".", "..", "@", "<", ">", ",",
    ";", ":", "[1.2.3.4]", "[", "]", "\xc3\xa9", "\xff", "Jr", "x@y",
    "<a@b>", "a.b", "-", "=?utf-8?q?x?=", "\"\xc3\xa9\"", "\"\x01\"", "\\",
    "\"open", "<>", "example.com", "\x00",
};

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

Test(fast_paths, generated_inputs_read_as_the_reference_reads_them,
     .timeout = 300)
{
    const size_t nfrag = sizeof fragments / sizeof fragments[0];
    uint64_t seed = 0x5AFEADD2u;
    size_t compared = 0;
    char buf[512];
    for (int i = 0; i < 4000; i++) {
        size_t len = 0;
        const size_t parts = 1 + (size_t)(next_random(&seed) % 24);
        for (size_t k = 0; k < parts; k++) {
            const size_t f = (size_t)(next_random(&seed) % nfrag);
            /* "\x00" is one byte: strlen would call it empty */
            const size_t flen = fragments[f][0] ? strlen(fragments[f]) : 1;
            memcpy(buf + len, fragments[f], flen);
            len += flen;
        }
        if (next_random(&seed) % 2) {
            static const char *const tails[] = {" <a@b.c>", "<x@y>", ", a@b", ""};
            const char *t = tails[next_random(&seed) % 4];
            memcpy(buf + len, t, strlen(t));
            len += strlen(t);
        }
        compared += compare_both_ways(buf, len);
    }
    cr_expect_eq(compared, READINGS * 4000u);
}

/* Elements at every offset from a 64-byte block and a window, of lengths
 * around 64, in fields that end inside or just past a window, after folds
 * and near the 998-octet line limit, with address limits: where
 * fast_element reuses the cached block, takes a fresh one, or takes the
 * input's last 64 bytes. */
Test(fast_paths, elements_at_every_window_offset, .timeout = 300)
{
    static const char *const elements[] = {
        "a@b.c", "<>", "John Smith <john.smith@example.com>",
        "\"Doe, Jane\" <jane@mail.example.org>",
        "averyveryverylonglocalpartthatgoesonandon@example.com",
        "Some Long Display Name Here <someone.long@sub.domain.example.net>",
        "x@123.45", "q@a-b.c-d.e",
        /* addr-specs longer than what is left of a block that starts at
         * them: the domain is read from a block at the '@' */
        "bounce-9381563-e0224f74da8562da-nancy.tanaka1=post=example@bounces.mailer.example",
        "N <SRS0=a09d=DE=sub.division.example=someone.else@forwarder.example.org>",
        /* WSP and folds inside the angle brackets */
        "Jennifer  Patel  <  jennifer.patel50@mail.example  >",
        "klarsen@[192.0.2.220]", "N <a.b@[IPv6:2001:db8::1]>",
        "<@relay3.example,@gw.example:lisa+news@xn--mnchen-3ya.example>",
        "N <\r\n  bounce-9381563-e0224f74da8562da-nancy=post=example@bounces.mailer.example\r\n >",
    };
    static const char *const separators[] = {", ", ",\r\n ", ",", " , "};
    const size_t ne = sizeof elements / sizeof elements[0];
    char buf[2048];
    size_t compared = 0;
    for (size_t lead = 0; lead < 70; lead++)
        for (size_t e = 0; e < ne; e++) {
            size_t len = 0;
            memset(buf, ' ', lead);
            len = lead;
            for (size_t k = 0; k < 5; k++) {
                const char *el = elements[(e + k * 3) % ne];
                const char *sep = separators[(lead + k) % 4];
                memcpy(buf + len, el, strlen(el));
                len += strlen(el);
                if (k < 4) {
                    memcpy(buf + len, sep, strlen(sep));
                    len += strlen(sep);
                }
            }
            compared += compare_both_ways(buf, len);
            /* the same field cut short: the window at the end of input */
            compared += compare_both_ways(buf, len - 1 - lead % 7);
        }
    /* a fold after a line of 997..1000 octets */
    for (size_t line = 990; line < 1002; line++) {
        size_t len = 0;
        while (len + 7 < line) {
            memcpy(buf + len, "a@b.c, ", 7);
            len += 7;
        }
        while (len < line)
            buf[len++] = ' ';
        memcpy(buf + len, "\r\n a@b.c", 9);
        len += 9;
        compared += compare_both_ways(buf, len);
    }
    cr_expect_eq(compared, READINGS * (70u * 2u * ne + 12u));
}

/* The fast path's own limits and block edges, read both ways under
 * options compare_both_ways does not vary: comment depth limits, and the
 * parts of an element that end exactly at, or run past, a block. */
static size_t compare_with_depth(const char *buf, size_t len, uint32_t depth)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_comment_depth = depth;
    fz_run fast, reference;
    fz_iterate_as(buf, len, SAFEADDR_ADDRESS_LIST, &o, 0, &fast);
    fz_iterate_as(buf, len, SAFEADDR_ADDRESS_LIST, &o, 1, &reference);
    const char *why = "";
    size_t where = 0;
    const int same = fz_same_run(&fast, &reference, &why, &where);
    fz_run_free(&fast);
    fz_run_free(&reference);
    cr_assert(same, "[%.*s] max_comment_depth %u: the fast path differs from "
                    "the reference reading in %s (index %zu)",
              (int)len, buf, depth, why, where);
    return 1;
}

Test(fast_paths, limits_and_block_edges, .timeout = 300)
{
    static const char *const commented[] = {
        "a@b.c (x)", "a@b.c (x (y))", "a@b.c (x (y (z)))", "A (x) <a@b.c>",
        "A (x (y)) B <a@b.c>", "A (x) B (y (z)) <a@b.c> (w)",
    };
    size_t compared = 0;
    for (size_t i = 0; i < sizeof commented / sizeof commented[0]; i++)
        for (uint32_t depth = 1; depth <= 4; depth++)
            compared += compare_with_depth(commented[i], strlen(commented[i]),
                                           depth);
    /* Parts that meet a block edge: each shape with the part at every
     * offset around 64 and 128 (lead padding), and a line of 990..1000
     * octets before a fold inside the element. */
    static const char *const parts[] = {
        "\"quoted local\"@example.com", "\"a\\\"b\"@example.com",
        "\"a\x01\"@example.com", "\"\xc3\xa9\"@example.com",
        "Name (a comment that is long enough to cross) <a@b.c>",
        "Name <averyveryverylonglocalpart.with.dots@example.com>",
        "Name\r\n <a@b.c>", "Name\r\n \r\n <a@b.c>", "a@b.c\r\n , d@e.f",
        "Name <a@b.c> (trailing comment that crosses a block edge)",
        "\"Doe, Jane\" <jane@example.org>", "<a@b.c>", "<>",
    };
    char buf[4096];
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (size_t lead = 30; lead < 140; lead++) {
            memset(buf, ' ', lead);
            const size_t n = strlen(parts[i]);
            memcpy(buf + lead, parts[i], n);
            compared += compare_both_ways(buf, lead + n);
        }
    for (size_t line = 990; line < 1001; line++) {
        size_t len = 0;
        while (len + 7 < line) {
            memcpy(buf + len, "a@b.c, ", 7);
            len += 7;
        }
        while (len < line)
            buf[len++] = 'x'; /* one long display-name word */
        memcpy(buf + len, "\r\n <a@b.c>", 10);
        len += 10;
        compared += compare_both_ways(buf, len);
    }
    const size_t nc = sizeof commented / sizeof commented[0];
    const size_t np = sizeof parts / sizeof parts[0];
    cr_expect_eq(compared, nc * 4 + READINGS * (np * 110 + 11));
}

/* The end of a field. After an element that ends the input, the fast path
 * may settle the field's end at once (when field_end would have nothing
 * to report) and answer END on the next call without reading; END then
 * stays END, and the field diagnostics are those of the full reading.
 * Where the end has something to say - a trailing ',', an open group, a
 * last line over 998 octets - it must still be said. */
static uint64_t read_to_end(const char *buf, size_t len, size_t *items)
{
    safeaddr_iter it;
    safeaddr_item item;
    safeaddr_error err;
    cr_assert_eq(safeaddr_iter_init(&it, buf, len, SAFEADDR_ADDRESS_LIST, NULL,
                                    &err),
                 SAFEADDR_OK);
    *items = 0;
    int rc;
    while ((rc = safeaddr_next(&it, &item, &err)) == SAFEADDR_NEXT_ITEM)
        (*items)++;
    cr_assert_eq(rc, SAFEADDR_NEXT_END, "[%.*s]: %d, error %d at %zu",
                 (int)len, buf, rc, err.code, err.offset);
    for (int again = 0; again < 3; again++) {
        cr_assert_eq(safeaddr_next(&it, &item, &err), SAFEADDR_NEXT_END);
        cr_assert_eq(safeaddr_next(&it, NULL, NULL), SAFEADDR_NEXT_END);
    }
    return safeaddr_iter_diag(&it);
}

Test(fast_paths, the_end_of_a_field)
{
    size_t n;
    cr_assert_eq(read_to_end("a@b.example", 11, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(read_to_end("A <a@b.example>, c@d.example  ", 30, &n), 0);
    cr_assert_eq(n, 2);
    /* a trailing ',': obs empty element */
    cr_assert_eq(read_to_end("a@b.example,", 12, &n),
                 SAFEADDR_D_OBS_EMPTY_ELEMENT);
    cr_assert_eq(n, 1);
    /* an open group: its end is an item, with the diagnostic */
    cr_assert_eq(read_to_end("g: a@b.example", 14, &n),
                 SAFEADDR_D_GROUP_UNTERMINATED);
    cr_assert_eq(n, 3);
    /* a closed group ending the input: nothing more to say */
    cr_assert_eq(read_to_end("g: a@b.example;", 15, &n), 0);
    cr_assert_eq(n, 3);
    /* a last line of 999 octets */
    char buf[1100];
    memset(buf, ' ', 1000);
    memcpy(buf + 1000 - 11, "a@b.example", 11);
    const uint64_t d = read_to_end(buf, 1000, &n);
    cr_assert(d & SAFEADDR_D_LINE_TOO_LONG, "diag %#llx",
              (unsigned long long)d);
    cr_assert_eq(n, 1);
    /* and every one of these read the same way by the reference reading */
    const char *const ends[] = {"a@b.example", "a@b.example,", "g: a@b.example",
                                "g: a@b.example;", "a@b.example  ",
                                "a@b.example\r\n ", "<> ", "A <a@b>"};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        compare_both_ways(ends[i], strlen(ends[i]));
    compare_both_ways(buf, 1000);
    /* folds inside angle brackets start lines too: a first line of
     * 985..1000 octets, folded after the '<' or before the '>', then a
     * short last line (D_LINE_TOO_LONG only where a line is too long) */
    static const char *const folded[] = {"A <\r\n a@b.c>", "A <a@b.c\r\n >"};
    for (size_t f = 0; f < 2; f++)
        for (size_t pad = 985; pad <= 1000; pad++) {
            size_t len = 0;
            memcpy(buf, "x@y.z,", 6);
            len = 6;
            memset(buf + len, ' ', pad - 6 - 3);
            len = pad - 3;
            memcpy(buf + len, folded[f], strlen(folded[f]));
            len += strlen(folded[f]);
            compare_both_ways(buf, len);
        }
}

/* The parts fast_read reads inside the angle brackets - WSP and folds
 * after '<' and before '>', an obsolete route, a domain literal, a domain
 * read from a block at the '@' - at every position against the end of the
 * block that holds the element's start: a display name of n bytes puts
 * them 0..70 bytes into it, so each part in turn runs past the block and
 * is read again from a moved one. */
Test(fast_paths, angle_parts_at_block_edges, .timeout = 300)
{
    static const char *const tails[] = {
        " <   a@b.example   >", " <\r\n a@b.example\r\n >",
        " <@r1.example,@r2.example:a@b.example>",
        " <  @r1.example,@r2.example:a@b.example  >",
        " <a@[192.0.2.1]>", " <  a@[192.0.2.1]  >",
        " <bounce-4293338-06e91126682c46a0-michael.sanchez@bounces.example>",
        " <@r.example:bounce-4293338-06e91126682c46a0-m.sanchez@bounces.example>",
    };
    char buf[256];
    size_t compared = 0;
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++)
        for (size_t n = 1; n <= 70; n++) {
            /* words of at most 9 bytes: no word is longer than a block */
            size_t len = 0;
            for (size_t i = 0; i < n; i++)
                buf[len++] = i % 10 == 9 ? ' ' : (char)('a' + i % 7);
            const size_t tl = strlen(tails[t]);
            memcpy(buf + len, tails[t], tl);
            len += tl;
            compared += compare_both_ways(buf, len);
            /* and followed by another element */
            memcpy(buf + len, ", x@y.example", 13);
            compared += compare_both_ways(buf, len + 13);
        }
    cr_expect_eq(compared, READINGS * 2u * 70u * (sizeof tails / sizeof tails[0]));
}
