/*
 * test_coverage_api.c - the parameter contract of every public call, on
 * the paths the other suites do not take: optional pointers left NULL,
 * NULL with a length, no output buffer with a capacity, unknown modes and
 * kinds (safeaddr.h, "Conventions": a NULL pointer with a non-zero length
 * is SAFEADDR_E_PARAM; err, count and len outputs are filled when given).
 *
 * Written to close branch-coverage gaps (FUZZING.md, "Coverage"), each test
 * asserts what the header promises for that path.
 */
#include "safeaddr.h"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), (sizeof(lit) - 1)

Test(coverage_api, options_init_accepts_null)
{
    safeaddr_options_init(NULL); /* nothing to do, must not crash */
    safeaddr_options o;
    memset(&o, 0xff, sizeof o);
    safeaddr_options_init(&o);
    cr_expect_eq(o.struct_size, sizeof o);
    cr_expect_eq(o.flags, 0);
    cr_expect_eq(o.max_input, 0);
}

Test(coverage_api, iter_init_without_err)
{
    safeaddr_iter it;
    cr_expect_eq(safeaddr_iter_init(NULL, S("a@b.c"), SAFEADDR_ADDRESS_LIST,
                                    NULL, NULL),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_iter_init(&it, S("a@b.c"), SAFEADDR_ADDRESS_LIST,
                                    NULL, NULL),
                 SAFEADDR_OK);
}

/* Over max_input: init fails with the offset of the first byte past the
 * limit, and the iterator stays in that error (errors are sticky), also
 * when the caller does not ask for the details. */
Test(coverage_api, input_too_long_is_sticky_with_or_without_err)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_input = 4;
    safeaddr_iter it;
    safeaddr_item item;
    safeaddr_error e = {-1, 0};
    cr_assert_eq(safeaddr_iter_init(&it, S("a@b.cd"), SAFEADDR_ADDRESS_LIST,
                                    &o, NULL),
                 SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(safeaddr_next(&it, &item, NULL), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(e.offset, 4);
}

Test(coverage_api, next_without_err_reports_the_error_later)
{
    safeaddr_iter it;
    safeaddr_item item;
    safeaddr_error e = {-1, 0};
    cr_assert_eq(safeaddr_iter_init(&it, S("a@b.c)"), SAFEADDR_ADDRESS_LIST,
                                    NULL, &e),
                 SAFEADDR_OK);
    cr_expect_eq(safeaddr_next(&it, &item, NULL), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_UNMATCHED_PAREN);
    cr_expect_eq(e.offset, 5);
}

Test(coverage_api, iter_diag_of_null_is_empty)
{
    cr_expect_eq(safeaddr_iter_diag(NULL), 0);
}

Test(coverage_api, parse_without_err)
{
    safeaddr_item items[2];
    size_t count = 99;
    /* valid */
    cr_expect_eq(safeaddr_parse(S("a@b.c, d@e.f"), SAFEADDR_ADDRESS_LIST,
                                NULL, items, 2, &count, NULL, NULL),
                 SAFEADDR_OK);
    cr_expect_eq(count, 2);
    /* too small: the count still says how many are needed */
    cr_expect_eq(safeaddr_parse(S("a@b.c, d@e.f"), SAFEADDR_ADDRESS_LIST,
                                NULL, items, 1, &count, NULL, NULL),
                 SAFEADDR_E_NOSPACE);
    cr_expect_eq(count, 2);
    /* syntax error */
    cr_expect_eq(safeaddr_parse(S("a@b.c>"), SAFEADDR_ADDRESS_LIST, NULL,
                                items, 2, &count, NULL, NULL),
                 SAFEADDR_E_UNMATCHED_ANGLE);
    /* missing count */
    cr_expect_eq(safeaddr_parse(S("a@b.c"), SAFEADDR_ADDRESS_LIST, NULL,
                                items, 2, NULL, NULL, NULL),
                 SAFEADDR_E_PARAM);
}

Test(coverage_api, parse_reports_an_init_failure)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.max_input = 3;
    safeaddr_item items[1];
    size_t count = 99;
    uint64_t fd = 99;
    safeaddr_error e = {-1, 0};
    cr_expect_eq(safeaddr_parse(S("a@b.c"), SAFEADDR_ADDRESS_LIST, &o, items,
                                1, &count, &fd, &e),
                 SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(e.code, SAFEADDR_E_INPUT_TOO_LONG);
    cr_expect_eq(e.offset, 3);
    cr_expect_eq(count, 0);
    cr_expect_eq(fd, 0);
    cr_expect_eq(safeaddr_parse(S("a@b.c"), SAFEADDR_ADDRESS_LIST, &o, items,
                                1, &count, NULL, NULL),
                 SAFEADDR_E_INPUT_TOO_LONG);
}

Test(coverage_api, parse_mailbox_without_err)
{
    safeaddr_item item;
    cr_expect_eq(safeaddr_parse_mailbox(S("a@b.c"), NULL, &item, NULL),
                 SAFEADDR_OK);
    cr_expect_eq(item.kind, SAFEADDR_ITEM_MAILBOX);
    cr_expect_eq(safeaddr_parse_mailbox(S("a@b.c, d@e.f"), NULL, &item, NULL),
                 SAFEADDR_E_MULTIPLE_ADDRESSES);
    cr_expect_eq(safeaddr_parse_mailbox(S("a@b.c"), NULL, NULL, NULL),
                 SAFEADDR_E_PARAM);
}

Test(coverage_api, text_parameters)
{
    char out[8];
    size_t n = 99;
    safeaddr_span null_with_len = {NULL, 3};
    safeaddr_span null_empty = {NULL, 0};
    safeaddr_span word = {"abc", 3};
    cr_expect_eq(safeaddr_text(null_with_len, SAFEADDR_TEXT_ADDR, out, 8, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_text(word, SAFEADDR_TEXT_ADDR, NULL, 8, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_text(word, 0, out, 8, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_text(word, SAFEADDR_TEXT_COMMENT + 1, out, 8, &n),
                 SAFEADDR_E_PARAM);
    /* an empty span has an empty value, NULL or not */
    cr_expect_eq(safeaddr_text(null_empty, SAFEADDR_TEXT_PHRASE, NULL, 0, &n),
                 SAFEADDR_OK);
    cr_expect_eq(n, 0);
    /* len is optional */
    cr_expect_eq(safeaddr_text(word, SAFEADDR_TEXT_ADDR, out, 8, NULL),
                 SAFEADDR_OK);
    cr_expect_eq(memcmp(out, "abc", 3), 0);
}

Test(coverage_api, next_comment_parameters)
{
    safeaddr_span s = {"(a) b", 5}, c;
    safeaddr_span null_with_len = {NULL, 5};
    size_t pos = 0;
    cr_expect_eq(safeaddr_next_comment(s, NULL, &c), 0);
    cr_expect_eq(safeaddr_next_comment(s, &pos, NULL), 0);
    cr_expect_eq(safeaddr_next_comment(null_with_len, &pos, &c), 0);
    cr_expect_eq(safeaddr_next_comment(s, &pos, &c), 1);
    cr_expect_eq(c.ptr, s.ptr);
    cr_expect_eq(c.len, 3);
}

Test(coverage_api, quote_parameters)
{
    char out[8];
    size_t n = 99;
    cr_expect_eq(safeaddr_quote_phrase(NULL, 2, out, 8, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_quote_local(NULL, 2, out, 8, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_quote_phrase("ab", 2, NULL, 8, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_quote_local("ab", 2, NULL, 8, &n),
                 SAFEADDR_E_PARAM);
    /* NULL with length 0 is the empty text: an empty local part can only
     * be written as a quoted string */
    cr_expect_eq(safeaddr_quote_local(NULL, 0, out, 8, &n), SAFEADDR_OK);
    cr_expect_eq(n, 2);
    cr_expect_eq(memcmp(out, "\"\"", 2), 0);
}

Test(coverage_api, format_parameters)
{
    safeaddr_item item;
    safeaddr_error e;
    char out[32];
    size_t n = 99;
    cr_assert_eq(safeaddr_parse_mailbox(S("a@b.c"), NULL, &item, &e),
                 SAFEADDR_OK);
    cr_expect_eq(safeaddr_format_addr_spec(NULL, out, 32, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_format_mailbox(NULL, out, 32, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_format_addr_spec(&item, NULL, 32, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_format_mailbox(&item, NULL, 32, &n),
                 SAFEADDR_E_PARAM);
    /* only MAILBOX items have an address to print */
    safeaddr_item items[3];
    size_t count = 0;
    cr_assert_eq(safeaddr_parse(S("g: a@b.c;"), SAFEADDR_ADDRESS_LIST, NULL,
                                items, 3, &count, NULL, &e),
                 SAFEADDR_OK);
    cr_assert_eq(count, 3);
    cr_assert_eq(items[0].kind, SAFEADDR_ITEM_GROUP_START);
    cr_expect_eq(safeaddr_format_addr_spec(&items[0], out, 32, &n),
                 SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_format_mailbox(&items[2], out, 32, &n),
                 SAFEADDR_E_PARAM);
}

Test(coverage_api, header_parameters)
{
    safeaddr_header h;
    safeaddr_error e = {-1, 7};
    size_t pos = 0;
    cr_expect_eq(safeaddr_header_next(S("To: a\r\n"), NULL, &h, &e),
                 SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_header_next(S("To: a\r\n"), &pos, NULL, NULL),
                 SAFEADDR_NEXT_ERROR);
    cr_expect_eq(safeaddr_header_next(NULL, 4, &pos, &h, &e),
                 SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_PARAM);
    /* NULL with length 0: an empty header block */
    cr_expect_eq(safeaddr_header_next(NULL, 0, &pos, &h, &e),
                 SAFEADDR_NEXT_END);
}

Test(coverage_api, field_kind_of_null_name)
{
    safeaddr_span null_with_len = {NULL, 2};
    int prod = 99;
    cr_expect_eq(safeaddr_field_kind(null_with_len, &prod),
                 SAFEADDR_FIELD_OTHER);
    cr_expect_eq(prod, 0);
    safeaddr_span to = {"To", 2};
    cr_expect_eq(safeaddr_field_kind(to, NULL), SAFEADDR_FIELD_ADDRESS_LIST);
}

Test(coverage_api, unfold_parameters)
{
    char out[8];
    size_t n = 99;
    safeaddr_span null_with_len = {NULL, 2};
    safeaddr_span v = {"a\r\n b", 5};
    cr_expect_eq(safeaddr_unfold(null_with_len, out, 8, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_unfold(v, NULL, 8, &n), SAFEADDR_E_PARAM);
    cr_expect_eq(safeaddr_unfold(v, out, 8, NULL), SAFEADDR_OK);
    cr_expect_eq(memcmp(out, "a b", 3), 0);
}

/* NULL with length 0 is the empty span for every span-taking call. */
Test(coverage_api, null_empty_spans)
{
    safeaddr_span empty = {NULL, 0}, c;
    size_t pos = 0, n = 99;
    int prod = 99;
    cr_expect_eq(safeaddr_next_comment(empty, &pos, &c), 0);
    cr_expect_eq(safeaddr_field_kind(empty, &prod), SAFEADDR_FIELD_OTHER);
    cr_expect_eq(prod, 0);
    cr_expect_eq(safeaddr_unfold(empty, NULL, 0, &n), SAFEADDR_OK);
    cr_expect_eq(n, 0);
}

/* RFC 5322 4.5.1 (obs-optional): white space before a field's ':'; a
 * control byte in a name makes the line no field (E_BAD_HEADER at its
 * start, and the iterator goes on with the next line). */
Test(coverage_api, header_field_name_edges)
{
    static const char wsp[] = "To : a@b.c\r\nCc\t: d@e.f\r\n\r\nbody";
    static const char ctl[] = "\x01To: x\r\nTo: a@b.c\r\n";
    safeaddr_header h;
    safeaddr_error e;
    size_t pos = 0;
    cr_assert_eq(safeaddr_header_next(wsp, sizeof wsp - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ITEM);
    cr_expect_eq(h.name.len, 2);
    cr_expect_eq(h.kind, SAFEADDR_FIELD_ADDRESS_LIST);
    cr_expect_eq(h.value.len, 6);
    cr_assert_eq(safeaddr_header_next(wsp, sizeof wsp - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ITEM);
    cr_expect_eq(memcmp(h.name.ptr, "Cc", 2), 0);
    cr_expect_eq(h.name.len, 2);
    cr_expect_eq(safeaddr_header_next(wsp, sizeof wsp - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_END);
    cr_expect_eq(memcmp(wsp + pos, "body", 4), 0);

    pos = 0;
    cr_expect_eq(safeaddr_header_next(ctl, sizeof ctl - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_BAD_HEADER);
    cr_expect_eq(e.offset, 0);
    cr_expect_eq(pos, 8);
    cr_expect_eq(safeaddr_header_next(ctl, sizeof ctl - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ITEM);
    cr_expect_eq(h.value.len, 6);
}

/* RFC 5322 3.6.8: a field name is printable US-ASCII (33..126) only. */
Test(coverage_api, header_name_with_8bit_byte)
{
    static const char s[] = "T\x80o: x\r\nTo: a@b.c\r\n";
    safeaddr_header h;
    safeaddr_error e;
    size_t pos = 0;
    cr_expect_eq(safeaddr_header_next(s, sizeof s - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_BAD_HEADER);
    cr_expect_eq(e.offset, 0);
    cr_expect_eq(safeaddr_header_next(s, sizeof s - 1, &pos, &h, &e),
                 SAFEADDR_NEXT_ITEM);
    cr_expect_eq(h.kind, SAFEADDR_FIELD_ADDRESS_LIST);
}

/* safeaddr.h: settings may be NULL (the defaults), punted may be NULL. */
Test(coverage_api, crackaddr_optional_arguments)
{
    static const char in[] = "Mary Smith <mary@x.test>";
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    char a[SAFEADDR_CRACKADDR_BUFSIZE], b[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t na = 0, nb = 0;
    int punted = -1;
    cr_assert_eq(safeaddr_crackaddr(in, sizeof in - 1, &s, a, sizeof a, &na,
                                    &punted),
                 SAFEADDR_OK);
    cr_expect_eq(punted, 0);
    cr_assert_eq(safeaddr_crackaddr(in, sizeof in - 1, NULL, b, sizeof b, &nb,
                                    NULL),
                 SAFEADDR_OK);
    cr_expect_eq(na, nb);
    cr_expect_eq(memcmp(a, b, na), 0);
    /* sendmail 8.17: the name is kept, the address becomes \201g */
    static const char want[] = "Mary Smith <\201g>";
    cr_expect_eq(nb, sizeof want - 1);
    cr_expect_eq(memcmp(b, want, sizeof want - 1), 0);
}
