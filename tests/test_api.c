/*
 * test_api.c - parameters, options, names, the all-at-once call, callbacks
 */
#include "tparse.h"
#include <criterion/criterion.h>
#include <string.h>

Test(api, version)
{
    cr_expect_eq(safeaddr_version(), SAFEADDR_VERSION_NUMBER);
    cr_expect_str_eq(safeaddr_version_string(), SAFEADDR_VERSION_STRING);
}

Test(api, every_error_code_has_a_name_and_message)
{
#define X(name, value, msg)                                                    \
    cr_expect_str_eq(safeaddr_strerror(value), msg);                           \
    cr_expect_str_eq(safeaddr_error_name(value), #name);
    SAFEADDR_ERROR_LIST(X)
#undef X
    cr_expect_str_eq(safeaddr_strerror(-1), "unknown error");
    cr_expect_str_eq(safeaddr_strerror(100000), "unknown error");
    cr_expect_str_eq(safeaddr_error_name(-7), "UNKNOWN");
}

Test(api, every_diagnostic_has_a_name_text_and_severity)
{
    for (unsigned b = 0; b < SAFEADDR_DIAG_COUNT; b++) {
        cr_expect_str_neq(safeaddr_diag_name(b), "UNKNOWN", "bit %u", b);
        cr_expect_str_neq(safeaddr_diag_text(b), "unknown diagnostic");
        const int sev = safeaddr_diag_severity(b);
        cr_expect(sev >= SAFEADDR_SEV_INFO && sev <= SAFEADDR_SEV_RECOVERED);
        cr_expect_str_neq(safeaddr_severity_name(sev), "unknown");
    }
    cr_expect_str_eq(safeaddr_diag_name(64), "UNKNOWN");
    cr_expect_str_eq(safeaddr_diag_text(99), "unknown diagnostic");
    cr_expect_eq(safeaddr_diag_severity(99), SAFEADDR_SEV_WARN);
    cr_expect_str_eq(safeaddr_severity_name(42), "unknown");
    cr_expect_eq(safeaddr_diag_severity(SAFEADDR_D_ADDRESS_LIKE_NAME_BIT),
                 SAFEADDR_SEV_SECURITY);
}

Test(api, parameters_are_checked)
{
    safeaddr_iter it;
    safeaddr_error e;
    safeaddr_options o;
    cr_expect_eq(safeaddr_iter_init(NULL, "a", 1, SAFEADDR_ADDRESS_LIST, NULL, &e),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_iter_init(&it, NULL, 1, SAFEADDR_ADDRESS_LIST, NULL, &e),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_iter_init(&it, NULL, 0, SAFEADDR_ADDRESS_LIST, NULL, &e),
                 SAFEADDR_OK, "NULL with length 0 is an empty field");
    cr_expect_eq(safeaddr_iter_init(&it, "a", 1, 0, NULL, &e), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_iter_init(&it, "a", 1, SAFEADDR_ADDRESS + 1, NULL, &e),
                 SAFEADDR_E_PARAM);
    safeaddr_options_init(&o);
    o.flags = 0x8000;
    cr_expect_eq(safeaddr_iter_init(&it, "a", 1, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_E_PARAM, "unknown flags are refused, not ignored");
    safeaddr_options_init(&o);
    o.reserved = 1;
    cr_expect_eq(safeaddr_iter_init(&it, "a", 1, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_E_PARAM);
    safeaddr_options_init(&o);
    o.struct_size = 4;
    cr_expect_eq(safeaddr_iter_init(&it, "a", 1, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_E_PARAM);
    /* an older, shorter options struct (without the callback) is fine */
    safeaddr_options_init(&o);
    o.struct_size = offsetof(safeaddr_options, on_diag);
    o.on_diag = (safeaddr_diag_fn)1; /* not read: beyond struct_size */
    cr_expect_eq(safeaddr_iter_init(&it, "a@b", 3, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_OK);
    safeaddr_item item;
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ITEM);
    cr_expect_eq(safeaddr_next(NULL, &item, &e), SAFEADDR_NEXT_ERROR);
    size_t n;
    cr_expect_eq(safeaddr_parse("a@b", 3, SAFEADDR_ADDRESS_LIST, NULL, NULL, 1, &n,
                                NULL, &e), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_parse("a@b", 3, SAFEADDR_ADDRESS_LIST, NULL, NULL, 0, NULL,
                                NULL, &e), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_parse_mailbox("a@b", 3, NULL, NULL, &e), SAFEADDR_E_PARAM);
}

Test(api, options_are_clamped_to_ceilings)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_comment_depth = UINT32_MAX;
    o.max_addresses = UINT32_MAX;
    o.max_input = SIZE_MAX;
    safeaddr_iter it;
    safeaddr_error e;
    cr_expect_eq(safeaddr_iter_init(&it, "a@b", 3, SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_OK);
    cr_expect_eq(safeaddr_iter_init(&it, "", SAFEADDR_CEILING_MAX_INPUT + 1,
                                    SAFEADDR_ADDRESS_LIST, &o, &e),
                 SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(e.offset, SAFEADDR_CEILING_MAX_INPUT);
}

Test(api, parse_sizing_call_and_nospace)
{
    const char *in = "a@b.example, G: c@d.example;, e@f.example";
    size_t n = 99;
    uint64_t fd = 0;
    safeaddr_error e;
    cr_assert_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, NULL, NULL, 0,
                                &n, &fd, &e), SAFEADDR_OK);
    cr_expect_eq(n, 5u);
    safeaddr_item items[5];
    size_t m = 0;
    cr_expect_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, NULL, items, 2,
                                &m, NULL, &e), SAFEADDR_E_NOSPACE);
    cr_expect_eq(m, 5u, "count says how many are needed");
    cr_expect_eq(items[0].kind, SAFEADDR_ITEM_MAILBOX);
    cr_expect_eq(items[1].kind, SAFEADDR_ITEM_GROUP_START);
    cr_expect_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, NULL, items, 5,
                                &m, NULL, &e), SAFEADDR_OK);
    cr_expect_eq(items[4].kind, SAFEADDR_ITEM_MAILBOX);
    cr_expect_eq(items[3].kind, SAFEADDR_ITEM_GROUP_END);
    cr_expect_leq(m, safeaddr_max_items(strlen(in)));
    cr_expect_eq(safeaddr_max_items(SIZE_MAX), SIZE_MAX);
    /* an invalid field is invalid as a whole, even with room */
    cr_expect_eq(safeaddr_parse("a@b, c@", 7, SAFEADDR_ADDRESS_LIST, NULL, items, 5,
                                &m, NULL, &e), SAFEADDR_E_EMPTY_DOMAIN);
    cr_expect_eq(e.offset, 7u);
}

Test(api, parse_mailbox)
{
    safeaddr_item item;
    safeaddr_error e;
    const char *in = "Alice <alice@example.org>";
    cr_assert_eq(safeaddr_parse_mailbox(in, strlen(in), NULL, &item, &e), SAFEADDR_OK);
    cr_expect_eq(item.local.len, 5u);
    cr_expect_eq(safeaddr_parse_mailbox("a@b, c@d", 8, NULL, &item, &e),
                 SAFEADDR_E_MULTIPLE_ADDRESSES);
    cr_expect_eq(e.offset, 3u);
}

typedef struct {
    unsigned count;
    unsigned bits[64];
    size_t offsets[64];
} diag_log;

static void record(void *ctx, unsigned bit, size_t offset)
{
    diag_log *d = ctx;
    if (d->count < 64) {
        d->bits[d->count] = bit;
        d->offsets[d->count] = offset;
    }
    d->count++;
}

static int logged(const diag_log *d, unsigned bit, size_t offset)
{
    for (unsigned i = 0; i < d->count && i < 64; i++)
        if (d->bits[i] == bit && d->offsets[i] == offset)
            return 1;
    return 0;
}

Test(api, diagnostics_callback_gets_offsets)
{
    diag_log d = {0};
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.on_diag = record;
    o.diag_ctx = &d;
    const char *in = "Mr. X (c) <@r.example:us..er@example.com.>, postmaster";
    size_t n;
    safeaddr_error e;
    cr_assert_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, &o, NULL, 0, &n,
                                NULL, &e), SAFEADDR_OK);
    cr_expect(logged(&d, SAFEADDR_D_OBS_PHRASE_BIT, 2));
    cr_expect(logged(&d, SAFEADDR_D_COMMENT_BIT, 6));
    cr_expect(logged(&d, SAFEADDR_D_OBS_ROUTE_BIT, 11));
    cr_expect(logged(&d, SAFEADDR_D_OBS_LOCAL_DOTS_BIT, 25));
    cr_expect(logged(&d, SAFEADDR_D_DOMAIN_TRAILING_DOT_BIT, 40));
    cr_expect(logged(&d, SAFEADDR_D_NO_DOMAIN_BIT, 44));
}

Test(api, lenient_lookahead_reports_nothing_twice)
{
    diag_log d = {0};
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.flags = SAFEADDR_LENIENT;
    o.on_diag = record;
    o.diag_ctx = &d;
    const char *in = "Doe Jr (c), John <j@example.com>";
    size_t n;
    safeaddr_error e;
    cr_assert_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, &o, NULL, 0, &n,
                                NULL, &e), SAFEADDR_OK);
    unsigned comments = 0;
    for (unsigned i = 0; i < d.count; i++)
        comments += d.bits[i] == SAFEADDR_D_COMMENT_BIT;
    cr_expect_eq(comments, 1u);
    cr_expect(logged(&d, SAFEADDR_D_RECOVERED_COMMA_BIT, 10));
}

Test(api, kernel_reporting)
{
    const char *names[8];
    const size_t n = safeaddr_kernels(names, 8);
    cr_assert_geq(n, 1u);
    cr_expect_str_eq(names[0], "scalar");
    const char *cur = safeaddr_kernel_name();
    int found = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        found |= strcmp(names[i], cur) == 0;
    cr_expect(found, "kernel in use %s is one of the supported ones", cur);
}

/* After a word's first invalid byte, runs of bytes that start no UTF-8
 * sequence (80-C1, F5-FF) are skipped in one loop (src/lex.c no_lead_run);
 * valid and suspicious sequences after such a run must still be seen. */
static void expect_8bit_offsets(const char *in, size_t bad, int utf8,
                                size_t susp)
{
    diag_log d = {0};
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.on_diag = record;
    o.diag_ctx = &d;
    size_t n;
    safeaddr_error e;
    cr_assert_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, &o, NULL, 0,
                                &n, NULL, &e), SAFEADDR_OK, "[%s]", in);
    cr_expect(logged(&d, SAFEADDR_D_BAD_UTF8_TEXT_BIT, bad), "[%s] bad at %zu", in, bad);
    unsigned utf8_seen = 0, susp_seen = 0;
    for (unsigned i = 0; i < d.count && i < 64; i++) {
        utf8_seen += d.bits[i] == SAFEADDR_D_UTF8_TEXT_BIT;
        susp_seen += d.bits[i] == SAFEADDR_D_SUSPICIOUS_UNICODE_BIT;
    }
    cr_expect_eq(utf8_seen != 0, utf8 != 0, "[%s] utf8 %u", in, utf8_seen);
    if (susp == (size_t)-1)
        cr_expect_eq(susp_seen, 0u, "[%s]", in);
    else
        cr_expect(logged(&d, SAFEADDR_D_SUSPICIOUS_UNICODE_BIT, susp), "[%s] susp at %zu",
                  in, susp);
}

Test(api, invalid_byte_runs_keep_later_utf8)
{
    /* quoted display names */
    expect_8bit_offsets("\"\xff\xff\xff\" <a@b.example>", 1, 0, (size_t)-1);
    expect_8bit_offsets("\"a\xff\x80\xc1\xf5\xc3\xa9\" <a@b.example>", 2, 1, (size_t)-1);
    expect_8bit_offsets("\"\xff\xff\xe2\x80\xae\" <a@b.example>", 1, 1, 3);
    expect_8bit_offsets("\"\xff\xff\\x\xc3\xa9\" <a@b.example>", 1, 1, (size_t)-1);
    /* atoms of a display name */
    expect_8bit_offsets("\xff\xff\xff <a@b.example>", 0, 0, (size_t)-1);
    expect_8bit_offsets("J\xff\xfe\xc3\xb6rg <a@b.example>", 1, 1, (size_t)-1);
    expect_8bit_offsets("\xff\xff\xe2\x80\x8b <a@b.example>", 0, 1, 2);
    /* a run that reaches the end of the word, then of the input */
    expect_8bit_offsets("\xff\xff <a@b.example>, \"\xff\xff\" <c@d.example>", 0, 0,
                        (size_t)-1);
}

/* The same run inside an address is an error at the first invalid byte. */
Test(api, invalid_byte_runs_in_address_fail_at_first)
{
    size_t n;
    safeaddr_error e;
    const char *in = "\"a\xff\xff\xff\"@b.example";
    cr_expect_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, NULL, NULL, 0, &n,
                                NULL, &e), SAFEADDR_E_BAD_UTF8);
    cr_expect_eq(e.offset, 2u);
    in = "a\xc3\xa9\xff\xff@b.example";
    cr_expect_eq(safeaddr_parse(in, strlen(in), SAFEADDR_ADDRESS_LIST, NULL, NULL, 0, &n,
                                NULL, &e), SAFEADDR_E_BAD_UTF8);
    cr_expect_eq(e.offset, 3u);
}
