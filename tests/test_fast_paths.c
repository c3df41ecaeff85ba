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
#include "internal.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define MAX_ITEMS 128
#define MAX_DIAGS 512

typedef struct {
    unsigned bit;
    size_t offset;
} diag_event;

typedef struct {
    int init_rc, end_rc;
    safeaddr_error err;
    size_t items;
    safeaddr_item item[MAX_ITEMS];
    size_t diags;
    diag_event diag[MAX_DIAGS];
    uint64_t field_diag;
} reading;

static void on_diag(void *ctx, unsigned bit, size_t offset)
{
    reading *r = ctx;
    if (r->diags < MAX_DIAGS)
        r->diag[r->diags] = (diag_event){bit, offset};
    r->diags++;
}

static void read_field(const char *buf, size_t len, int production,
                       unsigned flags, int reference, reading *r)
{
    memset(r, 0, sizeof *r);
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.flags = flags;
    o.on_diag = on_diag;
    o.diag_ctx = r;
    safeaddr_iter it;
    r->init_rc = safeaddr_iter_init(&it, buf, len, production, &o, &r->err);
    cr_assert_eq(r->init_rc, SAFEADDR_OK, "init refused a short input");
    if (reference)
        safeaddr__iter_reference(&it);
    for (;;) {
        safeaddr_item item;
        memset(&item, 0, sizeof item);
        r->end_rc = safeaddr_next(&it, &item, &r->err);
        if (r->end_rc != SAFEADDR_NEXT_ITEM)
            break;
        cr_assert_lt(r->items, MAX_ITEMS, "more items than a test input has");
        r->item[r->items++] = item;
    }
    r->field_diag = safeaddr_iter_diag(&it);
}

static int same_span(safeaddr_span a, safeaddr_span b)
{
    return a.ptr == b.ptr && a.len == b.len;
}

static int same_item(const safeaddr_item *a, const safeaddr_item *b)
{
    return a->kind == b->kind && a->group == b->group && a->diag == b->diag &&
           same_span(a->source, b->source) && same_span(a->display, b->display) &&
           same_span(a->local, b->local) && same_span(a->domain, b->domain) &&
           same_span(a->addr_spec, b->addr_spec) &&
           same_span(a->route, b->route) && same_span(a->angle, b->angle);
}

/* "" if the two readings are identical, else what differs */
static const char *difference(const reading *a, const reading *b)
{
    if (a->end_rc != b->end_rc)
        return "result";
    if (a->end_rc == SAFEADDR_NEXT_ERROR &&
        (a->err.code != b->err.code || a->err.offset != b->err.offset))
        return "error code or offset";
    if (a->items != b->items)
        return "number of items";
    for (size_t i = 0; i < a->items; i++)
        if (!same_item(&a->item[i], &b->item[i]))
            return "an item";
    if (a->field_diag != b->field_diag)
        return "field diagnostics";
    if (a->diags != b->diags)
        return "number of diagnostic callbacks";
    for (size_t i = 0; i < a->diags && i < MAX_DIAGS; i++)
        if (a->diag[i].bit != b->diag[i].bit ||
            a->diag[i].offset != b->diag[i].offset)
            return "a diagnostic callback";
    return "";
}

static const int productions[] = {SAFEADDR_ADDRESS_LIST, SAFEADDR_MAILBOX_LIST,
                                  SAFEADDR_MAILBOX, SAFEADDR_ADDR_SPEC,
                                  SAFEADDR_PATH};
static const unsigned flag_sets[] = {
    0, SAFEADDR_LENIENT, SAFEADDR_ACCEPT_LF, SAFEADDR_REQUIRE_DOMAIN,
    SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF | SAFEADDR_REQUIRE_DOMAIN};

static reading fast_reading, reference_reading; /* large: not on the stack */

/* Returns the number of readings compared (all equal, or the test fails). */
static size_t compare_both_ways(const char *buf, size_t len)
{
    size_t n = 0;
    for (size_t p = 0; p < sizeof productions / sizeof productions[0]; p++)
        for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
            read_field(buf, len, productions[p], flag_sets[f], 0, &fast_reading);
            read_field(buf, len, productions[p], flag_sets[f], 1,
                       &reference_reading);
            const char *why = difference(&fast_reading, &reference_reading);
            cr_assert_str_empty(why,
                                "[%.*s] production %d flags %#x: the fast paths "
                                "differ from the reference reading in %s",
                                (int)len, buf, productions[p], flag_sets[f], why);
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
};

Test(fast_paths, shapes_read_as_the_reference_reads_them)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        n += compare_both_ways(shapes[i], strlen(shapes[i]));
    cr_expect_eq(n, 25 * (sizeof shapes / sizeof shapes[0]));
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
    cr_expect_eq(compared, 25u * 4000u);
}
