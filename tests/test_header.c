/*
 * test_header.c - header field iteration, field kinds, unfolding
 */
#include "safeaddr.h"
#include <criterion/criterion.h>
#include <string.h>

static int span_is(safeaddr_span s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

Test(header, fields_until_the_empty_line)
{
    const char *msg = "From: Alice <a@x.example>\r\n"
                      "To: b@y.example,\r\n c@z.example\r\n"
                      "Subject: hi\r\n"
                      "Return-Path: <bounce@x.example>\r\n"
                      "Sender : s@x.example\r\n"
                      "\r\n"
                      "To: body@not.header\r\n";
    size_t pos = 0;
    safeaddr_header h;
    safeaddr_error e;
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.name, "From"));
    cr_expect(span_is(h.value, " Alice <a@x.example>"));
    cr_expect_eq(h.kind, SAFEADDR_FIELD_ADDRESS_LIST);
    cr_expect_eq(h.production, SAFEADDR_ADDRESS_LIST);
    cr_expect_eq(h.folded, 0u);
    cr_expect_eq(h.lf_only, 0u);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.name, "To"));
    cr_expect(span_is(h.value, " b@y.example,\r\n c@z.example"));
    cr_expect_eq(h.folded, 1u);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.name, "Subject"));
    cr_expect_eq(h.kind, SAFEADDR_FIELD_OTHER);
    cr_expect_eq(h.production, 0);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect_eq(h.kind, SAFEADDR_FIELD_PATH);
    cr_expect_eq(h.production, SAFEADDR_PATH);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.name, "Sender"), "obs WSP before ':' (RFC 5322 4.5)");
    cr_expect_eq(h.kind, SAFEADDR_FIELD_MAILBOX);
    /* one address, which RFC 6854 2.1 lets be a group */
    cr_expect_eq(h.production, SAFEADDR_ADDRESS);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_END);
    cr_expect_str_eq(msg + pos, "To: body@not.header\r\n");
}

Test(header, bare_lf_messages)
{
    const char *msg = "CC: a@x.example,\n\tb@y.example\nX: y\n\nbody";
    size_t pos = 0;
    safeaddr_header h;
    safeaddr_error e;
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.value, " a@x.example,\n\tb@y.example"));
    cr_expect_eq(h.lf_only, 1u);
    cr_expect_eq(h.kind, SAFEADDR_FIELD_ADDRESS_LIST, "names are case-insensitive");
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_assert_eq(safeaddr_header_next(msg, strlen(msg), &pos, &h, &e), SAFEADDR_NEXT_END);
    cr_expect_str_eq(msg + pos, "body");
}

Test(header, bad_lines_are_reported_and_skipped)
{
    static const char msg[] = "no colon here\r\nTo: a@b\r\nX\0Y: 1\r\n: empty\r\nLast: 1";
    size_t pos = 0;
    safeaddr_header h;
    safeaddr_error e;
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_BAD_HEADER);
    cr_expect_eq(e.offset, 0u);
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.name, "To"));
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_NUL);
    cr_expect_eq(e.offset, 25u);
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_BAD_HEADER);
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_ITEM);
    cr_expect(span_is(h.value, " 1"), "last line without a line end");
    cr_expect_eq(safeaddr_header_next(msg, sizeof msg - 1, &pos, &h, &e), SAFEADDR_NEXT_END);
    cr_expect_eq(safeaddr_header_next(NULL, 1, &pos, &h, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_PARAM);
}

Test(header, field_kinds)
{
    static const struct { const char *name; int kind; } rows[] = {
        {"from", SAFEADDR_FIELD_ADDRESS_LIST}, {"REPLY-TO", SAFEADDR_FIELD_ADDRESS_LIST},
        {"Bcc", SAFEADDR_FIELD_ADDRESS_LIST}, {"Resent-From", SAFEADDR_FIELD_ADDRESS_LIST},
        {"Resent-To", SAFEADDR_FIELD_ADDRESS_LIST}, {"Resent-Cc", SAFEADDR_FIELD_ADDRESS_LIST},
        {"Resent-Bcc", SAFEADDR_FIELD_ADDRESS_LIST}, {"Sender", SAFEADDR_FIELD_MAILBOX},
        {"Resent-Sender", SAFEADDR_FIELD_MAILBOX}, {"Return-Path", SAFEADDR_FIELD_PATH},
        {"Subject", SAFEADDR_FIELD_OTHER}, {"Tox", SAFEADDR_FIELD_OTHER},
        {"T", SAFEADDR_FIELD_OTHER}, {"", SAFEADDR_FIELD_OTHER},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        safeaddr_span n = {rows[i].name, strlen(rows[i].name)};
        cr_expect_eq(safeaddr_field_kind(n, NULL), rows[i].kind, "%s", rows[i].name);
    }
}

Test(header, unfold)
{
    const char *v = " a@x.example,\r\n b@y.example,\n\tc@z\r\nd";
    safeaddr_span s = {v, strlen(v)};
    char out[64];
    size_t n = 0;
    cr_assert_eq(safeaddr_unfold(s, out, sizeof out, &n), SAFEADDR_OK);
    cr_expect(n == strlen(" a@x.example, b@y.example,\tc@z\r\nd") &&
              memcmp(out, " a@x.example, b@y.example,\tc@z\r\nd", n) == 0,
              "only breaks before WSP are removed: [%.*s]", (int)n, out);
    cr_expect_eq(safeaddr_unfold(s, out, 3, &n), SAFEADDR_E_NOSPACE);
    cr_expect_eq(n, strlen(" a@x.example, b@y.example,\tc@z\r\nd"));
}
