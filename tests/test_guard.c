/*
 * test_guard.c - no entry point reads outside [buf, buf+len)
 *
 * Every input is placed so that it ends exactly at a PROT_NONE page, and
 * again so that it starts exactly after one (picohttpparser's test.c
 * technique). A read past the end or before the start faults, and
 * Criterion reports the crash. Lengths 0..200 of sample inputs covering
 * every token kind, plus deterministic random inputs from a
 * specials-heavy alphabet. Run once per scanner kernel by run-suite.sh.
 */
#include "safeaddr.h"
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned char *region; /* [guard][page][page][guard] */
static size_t page;

static void setup(void)
{
    page = (size_t)sysconf(_SC_PAGESIZE);
    region = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(region != MAP_FAILED);
    cr_assert_eq(mprotect(region, page, PROT_NONE), 0);
    cr_assert_eq(mprotect(region + 3 * page, page, PROT_NONE), 0);
}

static void teardown(void)
{
    munmap(region, 4 * page);
}

static void on_diag(void *ctx, unsigned bit, size_t off)
{
    (void)bit;
    size_t *max = ctx;
    if (off > *max)
        *max = off;
}

static void exercise(const char *buf, size_t len)
{
    static const unsigned flag_sets[] = {0, SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF,
                                         SAFEADDR_REQUIRE_DOMAIN};
    for (int prod = SAFEADDR_ADDRESS_LIST; prod <= SAFEADDR_ADDRESS; prod++) {
        for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
            safeaddr_options o;
            safeaddr_options_init(&o);
            o.flags = flag_sets[f];
            o.max_comment_depth = f == 2 ? 2 : 0;
            size_t max_diag_off = 0;
            o.on_diag = on_diag;
            o.diag_ctx = &max_diag_off;
            safeaddr_iter it;
            safeaddr_error e;
            if (safeaddr_iter_init(&it, buf, len, prod, &o, &e) != SAFEADDR_OK)
                continue;
            safeaddr_item item;
            int r;
            char out[512];
            size_t n;
            while ((r = safeaddr_next(&it, &item, &e)) == SAFEADDR_NEXT_ITEM) {
                safeaddr_text(item.display, SAFEADDR_TEXT_PHRASE, out, sizeof out, &n);
                safeaddr_text(item.local, SAFEADDR_TEXT_ADDR, out, sizeof out, &n);
                safeaddr_text(item.domain, SAFEADDR_TEXT_ADDR, out, sizeof out, &n);
                size_t pos = 0;
                safeaddr_span c;
                while (safeaddr_next_comment(item.source, &pos, &c))
                    safeaddr_text(c, SAFEADDR_TEXT_COMMENT, out, sizeof out, &n);
                if (item.kind == SAFEADDR_ITEM_MAILBOX) {
                    safeaddr_format_addr_spec(&item, out, sizeof out, &n);
                    safeaddr_format_mailbox(&item, out, sizeof out, &n);
                }
            }
            if (r == SAFEADDR_NEXT_ERROR)
                cr_assert_leq(e.offset, len);
            cr_assert_leq(max_diag_off, len);
        }
    }
    /* the text helpers on arbitrary bytes, not only on parser output */
    safeaddr_span whole = {buf, len};
    char out[1024];
    size_t n;
    for (int mode = SAFEADDR_TEXT_PHRASE; mode <= SAFEADDR_TEXT_COMMENT; mode++)
        safeaddr_text(whole, mode, out, sizeof out, &n);
    size_t pos = 0;
    safeaddr_span c;
    while (safeaddr_next_comment(whole, &pos, &c))
        ;
    safeaddr_unfold(whole, out, sizeof out, &n);
    safeaddr_quote_phrase(buf, len, out, sizeof out, &n);
    safeaddr_quote_local(buf, len, out, sizeof out, &n);
    safeaddr_header h;
    safeaddr_error e;
    pos = 0;
    int guard = 0;
    while (guard++ < 1000) {
        const int r = safeaddr_header_next(buf, len, &pos, &h, &e);
        if (r == SAFEADDR_NEXT_END)
            break;
        cr_assert_leq(pos, len);
    }
}

/* both placements of the bytes */
static void at_guards(const char *src, size_t len)
{
    cr_assert_leq(len, page);
    char *end_at_guard = (char *)region + 3 * page - len;
    memcpy(end_at_guard, src, len);
    exercise(end_at_guard, len);
    char *start_after_guard = (char *)region + page;
    memcpy(start_after_guard, src, len);
    exercise(start_after_guard, len);
}

static const char *const samples[] = {
    "\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith <mary@x.test>",
    "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, x@y",
    "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
    "<@a.example,@b.example:u@[IPv6:2001:db8::1]>, \"\" <>, postmaster",
    "(((((((((((deep))))))))))) a@b, \"unterminated",
    "a@example.com,\r\n b@example.net,\n c@x (fold\r\n ed) \"q\r\n s\"@d",
    ("J\xc3\xb6rg \xe2\x80\xae <j\xc3\xb6rg@b\xc3\xbc" "cher.example> \xf0\x9f\x98\x80\xe2\x82"),
    "From: a@b\r\nTo: c@d,\r\n e@f\r\nX\r\n\r\nbody",
    "\\\"\\(a@b)[1.2.3.4]\\",
    "=?utf-8?q?a=40b?= <a@example.com>, \"x\\",
    "Doe, John <j@example.com>, \"Name <a@example.com",
};

Test(guard, samples_at_every_length, .init = setup, .fini = teardown)
{
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        const size_t full = strlen(samples[s]);
        for (size_t len = 0; len <= full && len <= 200; len++)
            at_guards(samples[s], len);
    }
}

Test(guard, random_inputs, .init = setup, .fini = teardown)
{
    static const char alphabet[] = "ab.@<>()[]\\\":;, \t\r\n\x01\x80\xc3\xff=?";
    uint64_t state = 0x9E3779B97F4A7C15ull;
    char buf[200];
    for (int round = 0; round < 3000; round++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        const size_t len = (size_t)(state % 200);
        for (size_t i = 0; i < len; i++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            buf[i] = alphabet[state % (sizeof alphabet - 1)];
        }
        at_guards(buf, len);
    }
}
