/*
 * test_limits.c - every explicit limit at L-1, L and L+1
 *
 * ASSURANCE.md section 4: L-1 and L parse; L+1 is an error whose offset is
 * the first byte beyond the limit; never a silent truncation.
 */
#include "tparse.h"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static int parse_with(const char *buf, size_t len, const safeaddr_options *o,
                      safeaddr_error *e, size_t *mailboxes)
{
    safeaddr_iter it;
    *mailboxes = 0;
    int rc = safeaddr_iter_init(&it, buf, len, SAFEADDR_ADDRESS_LIST, o, e);
    if (rc != SAFEADDR_OK)
        return rc;
    for (;;) {
        safeaddr_item item;
        const int n = safeaddr_next(&it, &item, e);
        if (n == SAFEADDR_NEXT_END)
            return SAFEADDR_OK;
        if (n == SAFEADDR_NEXT_ERROR)
            return e->code;
        if (item.kind == SAFEADDR_ITEM_MAILBOX)
            (*mailboxes)++;
    }
}

/* "a@example.com (xxxx...)" of exactly len bytes */
static char *sized_input(size_t len)
{
    char *b = malloc(len);
    cr_assert_not_null(b);
    memset(b, 'x', len);
    memcpy(b, "a@example.com (", 15);
    b[len - 1] = ')';
    return b;
}

static void check_input_limit(size_t limit, const safeaddr_options *o)
{
    for (size_t len = limit - 1; len <= limit + 1; len++) {
        char *b = sized_input(len);
        safeaddr_error e;
        size_t n;
        const int rc = parse_with(b, len, o, &e, &n);
        if (len <= limit) {
            cr_expect_eq(rc, SAFEADDR_OK, "len %zu limit %zu: %s", len, limit,
                         safeaddr_error_name(rc));
            cr_expect_eq(n, 1u);
        } else {
            cr_expect_eq(rc, SAFEADDR_E_INPUT_TOO_LONG);
            cr_expect_eq(e.offset, limit);
        }
        free(b);
    }
}

Test(limits, max_input_default)
{
    check_input_limit(SAFEADDR_DEFAULT_MAX_INPUT, NULL);
}

Test(limits, max_input_option)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_input = 100;
    check_input_limit(100, &o);
}

Test(limits, max_input_is_checked_before_any_work)
{
    /* a pointer that would fault if read: the size check must come first */
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_input = 10;
    safeaddr_iter it;
    safeaddr_error e;
    cr_expect_eq(safeaddr_iter_init(&it, "", 11, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(e.offset, 10u);
    safeaddr_item item;
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_INPUT_TOO_LONG);
}

/* depth d of nested comments before an address: "((...))a@b" */
static void check_depth(uint32_t limit, const safeaddr_options *o)
{
    for (uint32_t d = limit - 1; d <= limit + 1; d++) {
        const size_t len = 2 * (size_t)d + 3;
        char *b = malloc(len);
        memset(b, '(', d);
        memset(b + d, ')', d);
        memcpy(b + 2 * (size_t)d, "a@b", 3);
        safeaddr_error e;
        size_t n;
        const int rc = parse_with(b, len, o, &e, &n);
        if (d <= limit) {
            cr_expect_eq(rc, SAFEADDR_OK, "depth %u limit %u", d, limit);
        } else {
            cr_expect_eq(rc, SAFEADDR_E_COMMENT_TOO_DEEP);
            cr_expect_eq(e.offset, (size_t)limit, "the '(' opening depth L+1");
        }
        free(b);
    }
}

Test(limits, comment_depth_default)
{
    check_depth(SAFEADDR_DEFAULT_MAX_COMMENT_DEPTH, NULL);
}

Test(limits, comment_depth_option)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_comment_depth = 3;
    check_depth(3, &o);
    o.max_comment_depth = 1;
    check_depth(1, &o);
}

Test(limits, comment_depth_inside_a_phrase_and_an_address)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_comment_depth = 2;
    safeaddr_error e;
    size_t n;
    const char *ok = "Name ((x)) <a(( ))@b>";
    cr_expect_eq(parse_with(ok, strlen(ok), &o, &e, &n), SAFEADDR_OK);
    const char *bad = "Name <a@b(((x)))>";
    cr_expect_eq(parse_with(bad, strlen(bad), &o, &e, &n), SAFEADDR_E_COMMENT_TOO_DEEP);
    cr_expect_eq(e.offset, 11u);
}

/* count addresses "a@b," repeated, the last without a comma */
static void check_addresses(uint32_t limit, const safeaddr_options *o)
{
    for (uint32_t k = limit - 1; k <= limit + 1; k++) {
        const size_t len = k ? 4 * (size_t)k - 1 : 0;
        char *b = malloc(len + 1);
        for (uint32_t i = 0; i < k; i++)
            memcpy(b + 4 * (size_t)i, "a@b,", 4);
        safeaddr_error e;
        size_t n;
        const int rc = parse_with(b, len, o, &e, &n);
        if (k <= limit) {
            cr_expect_eq(rc, SAFEADDR_OK, "%u addresses limit %u", k, limit);
            cr_expect_eq(n, (size_t)k);
        } else {
            cr_expect_eq(rc, SAFEADDR_E_TOO_MANY_ADDRESSES);
            cr_expect_eq(e.offset, 4 * (size_t)limit, "first byte of address L+1");
        }
        free(b);
    }
}

Test(limits, max_addresses_default)
{
    check_addresses(SAFEADDR_DEFAULT_MAX_ADDRESSES, NULL);
}

Test(limits, max_addresses_option)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_addresses = 3;
    check_addresses(3, &o);
    o.max_addresses = 1;
    check_addresses(1, &o);
}

Test(limits, max_addresses_counts_group_members_not_groups)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_addresses = 2;
    safeaddr_error e;
    size_t n;
    const char *ok = "G:a@b,c@d;,H:;";
    cr_expect_eq(parse_with(ok, strlen(ok), &o, &e, &n), SAFEADDR_OK);
    cr_expect_eq(n, 2u);
    const char *bad = "G:a@b,c@d;, (x) e@f";
    cr_expect_eq(parse_with(bad, strlen(bad), &o, &e, &n), SAFEADDR_E_TOO_MANY_ADDRESSES);
    cr_expect_eq(e.offset, 12u);
}

Test(limits, rfc5321_sizes_are_diagnostics_only)
{
    char buf[400];
    tp_result r;
    /* local part 64 / 65 */
    memset(buf, 'a', 65);
    strcpy(buf + 64, "@example.com");
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_OK);
    cr_expect_eq(r.field_diag & SAFEADDR_D_LOCAL_TOO_LONG, 0u);
    memset(buf, 'a', 65);
    strcpy(buf + 65, "@example.com");
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_OK);
    cr_expect_neq(r.field_diag & SAFEADDR_D_LOCAL_TOO_LONG, 0u);
    /* label 63 / 64 */
    strcpy(buf, "a@");
    memset(buf + 2, 'b', 63);
    strcpy(buf + 65, ".example");
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_eq(r.field_diag & SAFEADDR_D_DOMAIN_TOO_LONG, 0u);
    memset(buf + 2, 'b', 64);
    strcpy(buf + 66, ".example");
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_neq(r.field_diag & SAFEADDR_D_DOMAIN_TOO_LONG, 0u);
    /* domain 255 / 256: labels of 50 */
    strcpy(buf, "a@");
    size_t p = 2;
    for (int i = 0; i < 5; i++) {
        memset(buf + p, 'c', 50);
        p += 50;
        buf[p++] = '.';
    }
    memset(buf + p, 'd', 255 - (p - 2));
    p = 2 + 255;
    buf[p] = 0;
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_OK);
    cr_expect_eq(r.field_diag & SAFEADDR_D_DOMAIN_TOO_LONG, 0u);
    buf[p] = 'd';
    buf[p + 1] = 0;
    tp_parse_str(buf, SAFEADDR_ADDRESS_LIST, 0, &r);
    cr_expect_neq(r.field_diag & SAFEADDR_D_DOMAIN_TOO_LONG, 0u);
}

Test(limits, line_length_998_is_a_diagnostic)
{
    char *b = malloc(2100);
    /* 998 octets then a fold: fine; 999 then a fold: diagnostic */
    for (size_t first = 998; first <= 999; first++) {
        memset(b, ' ', first);
        memcpy(b, "a@example.com,", 14);
        memcpy(b + first, "\r\n b@example.com", 16);
        tp_result r;
        tp_parse(b, first + 16, SAFEADDR_ADDRESS_LIST, 0, &r);
        cr_expect_eq(r.rc, SAFEADDR_OK);
        cr_expect_eq((r.field_diag & SAFEADDR_D_LINE_TOO_LONG) != 0, first > 998,
                     "first line %zu", first);
    }
    free(b);
}
