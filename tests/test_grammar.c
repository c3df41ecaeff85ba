/*
 * test_grammar.c - table-driven tests of every grammar rule
 *
 * Each row: input, production, flags, expected result code and offset, the
 * number of mailboxes, the semantic display / local / domain of the first
 * mailbox, and diagnostics that must be reported. Offsets follow the
 * policy of tests/data/hostile: the first byte that makes the input
 * invalid, or the input length when it ended too early. A caret comment
 * marks the expected offset where it helps.
 */
#include "tparse.h"
#include <criterion/criterion.h>
#include <string.h>

#define AL SAFEADDR_ADDRESS_LIST
#define ML SAFEADDR_MAILBOX_LIST
#define MB SAFEADDR_MAILBOX
#define AS SAFEADDR_ADDR_SPEC
#define PA SAFEADDR_PATH
#define AD SAFEADDR_ADDRESS
#define LEN (-1L)
#define ANY (-2)

typedef struct {
    const char *in;
    int prod;
    unsigned flags;
    int rc;
    long off;      /* LEN = input length; ignored when rc == OK */
    int mailboxes; /* ANY = not checked */
    const char *display, *local, *domain; /* NULL = not checked */
    uint64_t diag; /* must all be present in the field's diagnostics */
} row;

#define OK(in, n, d, l, dom, diag) {in, AL, 0, SAFEADDR_OK, 0, n, d, l, dom, diag}
#define OKP(in, p, fl, n, d, l, dom, diag) {in, p, fl, SAFEADDR_OK, 0, n, d, l, dom, diag}
#define ERR(in, code, off) {in, AL, 0, SAFEADDR_E_##code, off, ANY, NULL, NULL, NULL, 0}
#define ERRP(in, p, fl, code, off) {in, p, fl, SAFEADDR_E_##code, off, ANY, NULL, NULL, NULL, 0}

static const row rows[] = {
    /* RFC 5322 3.4.1 addr-spec, 3.2.3 dot-atom */
    OK("user@example.com", 1, "", "user", "example.com", 0),
    OK("first.last@sub.example.org", 1, "", "first.last", "sub.example.org", 0),
    OK("!#$%&'*+-/=?^_`{|}~@example.com", 1, "", "!#$%&'*+-/=?^_`{|}~", "example.com", SAFEADDR_D_LOCAL_METACHAR),
    OK(" \t a@example.com \t ", 1, "", "a", "example.com", 0),
    /* 3.2.4 quoted strings and quoted-pairs */
    OK("\"john doe\"@example.com", 1, "", "john doe", "example.com", SAFEADDR_D_QUOTED_LOCAL | SAFEADDR_D_LOCAL_NEEDS_QUOTES),
    OK("\"a\\\"b\\\\c\"@example.com", 1, "", "a\"b\\c", "example.com", SAFEADDR_D_LOCAL_NEEDS_QUOTES),
    OK("\"plain\"@example.com", 1, "", "plain", "example.com", SAFEADDR_D_QUOTED_LOCAL),
    OK("\"\"@example.com", 1, "", "", "example.com", SAFEADDR_D_EMPTY_QUOTED_LOCAL),
    /* 4.4 obs-local-part: words with dots and CFWS */
    OK("a . b@example.com", 1, "", "a.b", "example.com", SAFEADDR_D_OBS_CFWS_IN_ADDR),
    OK("\"a\".b@example.com", 1, "", "a.b", "example.com", SAFEADDR_D_QUOTED_LOCAL),
    OK("a.\"b c\"@example.com", 1, "", "a.b c", "example.com", SAFEADDR_D_LOCAL_NEEDS_QUOTES),
    OK("user.@example.com", 1, "", "user.", "example.com", SAFEADDR_D_OBS_LOCAL_DOTS),
    OK("us..er@example.com", 1, "", "us..er", "example.com", SAFEADDR_D_OBS_LOCAL_DOTS),
    ERR(".user@example.com", UNEXPECTED, 0),
    ERR("us(c)er@example.com", EXPECTED_DOT, 5),
    /*                          ^ offset 5 */
    /* domains: 3.4.1 domain literals, 4.4 obs-domain */
    OK("a@[192.0.2.1]", 1, "", "a", "[192.0.2.1]", SAFEADDR_D_LITERAL),
    OK("a@[IPv6:2001:db8::1]", 1, "", "a", "[IPv6:2001:db8::1]", SAFEADDR_D_LITERAL),
    OK("a@[IPv6:::ffff:192.0.2.1]", 1, "", "a", "[IPv6:::ffff:192.0.2.1]", SAFEADDR_D_LITERAL),
    OK("a@[IPv6:1:2:3:4:5:6:7:8]", 1, "", "a", "[IPv6:1:2:3:4:5:6:7:8]", SAFEADDR_D_LITERAL),
    OK("a@[IPv6:1:2:3:4:5:6:7:8:9]", 1, "", "a", NULL, SAFEADDR_D_LITERAL_INVALID),
    OK("a@[IPv6:1::2::3]", 1, "", "a", NULL, SAFEADDR_D_LITERAL_INVALID),
    OK("a@[256.1.1.1]", 1, "", "a", NULL, SAFEADDR_D_LITERAL_INVALID),
    OK("a@[01.2.3.4]", 1, "", "a", NULL, SAFEADDR_D_LITERAL_INVALID),
    OK("a@[x:y]", 1, "", "a", "[x:y]", SAFEADDR_D_LITERAL_INVALID),
    OK("a@[]", 1, "", "a", "[]", SAFEADDR_D_LITERAL_INVALID),
    OK("a@ example . com", 1, "", "a", "example.com", SAFEADDR_D_OBS_CFWS_IN_ADDR),
    OK("a@example.com.", 1, "", "a", "example.com.", SAFEADDR_D_DOMAIN_TRAILING_DOT),
    OK("a@localhost", 1, "", "a", "localhost", SAFEADDR_D_SINGLE_LABEL_DOMAIN),
    OK("a@-bad-.example", 1, "", "a", "-bad-.example", SAFEADDR_D_DOMAIN_NOT_HOSTNAME),
    OK("a@under_score.example", 1, "", "a", "under_score.example", SAFEADDR_D_DOMAIN_NOT_HOSTNAME),
    OK("a@1.2.3.4", 1, "", "a", "1.2.3.4", SAFEADDR_D_DOMAIN_NOT_HOSTNAME),
    OK("a@=?utf-8?q?x?=.example", 1, "", "a", NULL, SAFEADDR_D_ENCODED_WORD_IN_ADDR),
    ERR("a@example..com", EMPTY_LABEL, 10),
    ERR("a@.example.com", EMPTY_LABEL, 2),
    ERR("a@", EMPTY_DOMAIN, 2),
    ERR("a@\"q\".com", BAD_DOMAIN, 2),
    ERR("a@[1.2.3.4].com", TRAILING_JUNK, 11),
    ERR("a@[1.2[3]", UNEXPECTED, 6),
    ERR("a@[1.2.3.4", UNTERMINATED_LITERAL, LEN),
    ERR("a@b[1]", TRAILING_JUNK, 3),
    ERR("a[b]@c", UNEXPECTED, 1),
    ERR("@example.com", EMPTY_LOCAL, 0),
    ERR("a@b@c", SECOND_AT, 3),
    /* 3.4 name-addr, phrases, 4.1 obs-phrase */
    OK("Joe Q. Public <john.q.public@example.com>", 1, "Joe Q. Public", "john.q.public", "example.com", SAFEADDR_D_OBS_PHRASE),
    /* phrases past their second word, read in bulk (phrase_run in
     * parse.c), and each thing that hands the reading back to the lexer */
    OK("A B C D (x) <a@example.com>", 1, "A B C D", "a", "example.com", SAFEADDR_D_COMMENT),
    OK("A B \"\" \"\" C\tD (x) <a@example.com>", 1, NULL, "a", "example.com", SAFEADDR_D_COMMENT),
    ERR("\"\" \"\" \"\" \"\"", EXPECTED_ADDRESS, LEN),
    ERR("\"\"\"\"\"\"\"\"\"\"", EXPECTED_ADDRESS, LEN),
    ERR("A B C", EXPECTED_ADDRESS, LEN),
    OK("A B\r\n C D <a@example.com>", 1, NULL, "a", "example.com", 0),
    OK("A B C.D <a@example.com>", 1, "A B C.D", "a", "example.com", SAFEADDR_D_OBS_PHRASE),
    ERR("A B C [x] <a@example.com>", UNEXPECTED, 6),
    OK("A B \xc3\x87 D <a@example.com>", 1, "A B \xc3\x87 D", "a", "example.com", SAFEADDR_D_UTF8_TEXT),
    OK("A B \"C\\\"q\" D <a@example.com>", 1, NULL, "a", "example.com", 0),
    ERR("A B C D@example.com", EXPECTED_DOT, 2),
    OK("\"Joe Q. Public\" <john@example.com>", 1, "Joe Q. Public", "john", "example.com", 0),
    OK("Mary Smith<mary@x.test>", 1, "Mary Smith", "mary", "x.test", 0),
    OK("\"a\" \"b\" <c@d.example>", 1, "a b", "c", "d.example", 0),
    OK("\"a\"\"b\" <c@d.example>", 1, "ab", "c", "d.example", 0),
    OK("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", 1, "Pete", "pete", "silly.test", SAFEADDR_D_COMMENT),
    OK("<a@example.com>", 1, "", "a", "example.com", 0),
    OK("< a@example.com >", 1, "", "a", "example.com", 0),
    OK("admin@victim.example <attacker@evil.example>", 1, "admin@victim.example", "attacker", "evil.example", SAFEADDR_D_UNQUOTED_SPECIALS | SAFEADDR_D_ADDRESS_LIKE_NAME),
    OK("\"a@b\" <c@d.example>", 1, "a@b", "c", "d.example", SAFEADDR_D_ADDRESS_LIKE_NAME),
    OK("=?utf-8?q?J=C3=B6rg?= <j@example.com>", 1, "=?utf-8?q?J=C3=B6rg?=", "j", "example.com", SAFEADDR_D_ENCODED_WORD),
    OK("J\xc3\xb6rg <j@example.com>", 1, "J\xc3\xb6rg", "j", "example.com", SAFEADDR_D_UTF8_TEXT),
    OK("J\xf6rg <j@example.com>", 1, "J\xf6rg", "j", "example.com", SAFEADDR_D_BAD_UTF8_TEXT),
    OK("\"a\x01" "b\" <c@example.com>", 1, "a\x01" "b", "c", "example.com", SAFEADDR_D_OBS_CONTROL | SAFEADDR_D_CONTROL_IN_NAME),
    OK("\"\xe2\x80\xae" "evil\" <c@example.com>", 1, NULL, "c", "example.com", SAFEADDR_D_SUSPICIOUS_UNICODE),
    ERR("Name <a@example.com> <b@example.com>", SECOND_ANGLE, 21),
    ERR("Name <a@example.com>junk", TRAILING_JUNK, 20),
    ERR("Name <a@example.com", UNTERMINATED_ANGLE, LEN),
    ERR("Name <<a@example.com>>", NESTED_ANGLE, 6),
    ERR("Name <a@example.com, b@c>", UNEXPECTED, 19),
    ERR("Name <>>", TRAILING_JUNK, 7),
    ERR("John Smith", EXPECTED_ADDRESS, 10),
    ERR("a@b.example<<c@d.example>", TRAILING_JUNK, 11),
    ERR("\"quoted\" a@b.example", EXPECTED_DOT, 9),
    /* <> and unqualified names */
    OK("<>", 1, "", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    OK("\"n\" <>", 1, "n", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    /* the "<>" fast path and the general reading around it */
    OK("<> \t, <>", 2, "", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    OK("<> (c), <>", 2, "", "", "", SAFEADDR_D_EMPTY_ADDRESS | SAFEADDR_D_COMMENT),
    OK("G: <>;", 1, "", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    OK("< >", 1, "", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    ERR("<>x", TRAILING_JUNK, 2),
    ERR("<><>", SECOND_ANGLE, 2),
    ERR("<>;", SEMICOLON, 2),
    ERRP("<>", AS, 0, UNEXPECTED, 0),
    ERRP("<>, <>", MB, 0, MULTIPLE_ADDRESSES, 2),
    OK("postmaster", 1, "", "postmaster", "", SAFEADDR_D_NO_DOMAIN),
    ERR("<postmaster>", NO_DOMAIN, 11),
    ERR("\"Display Name\"", NO_DOMAIN, 14),
    OKP("<postmaster>", AL, SAFEADDR_LENIENT, 1, "", "postmaster", "", SAFEADDR_D_NO_DOMAIN),
    ERRP("postmaster", AL, SAFEADDR_REQUIRE_DOMAIN, NO_DOMAIN, 10),
    /* 4.4 obs-route */
    OK("<@relay.example:u@d.example>", 1, "", "u", "d.example", SAFEADDR_D_OBS_ROUTE),
    OK("<@a.example,@b.example:u@d.example>", 1, "", "u", "d.example", SAFEADDR_D_OBS_ROUTE),
    OK("<,@a.example,,@[1.2.3.4]:u@d.example>", 1, "", "u", "d.example", SAFEADDR_D_OBS_ROUTE),
    ERR("<@relay:>", EXPECTED_ADDRESS, 8),
    ERR("<@relay u@d>", BAD_ROUTE, 8),
    ERR("<@:u@d>", BAD_ROUTE, 2),
    ERR("<@a.example,@b.example", UNTERMINATED_ANGLE, LEN),
    ERR("<@example.com>", EMPTY_LOCAL, 1),
    /* 3.4 groups */
    OK("undisclosed-recipients:;", 0, NULL, NULL, NULL, 0),
    OK("Group: a@example.com, b@example.com;", 2, "", "a", "example.com", 0),
    OK("Group: a@example.com", 1, "", "a", "example.com", SAFEADDR_D_GROUP_UNTERMINATED),
    OK("G1:a@x.example;,G2:b@y.example;", 2, "", "a", "x.example", 0),
    OK("G: (nobody);", 0, NULL, NULL, NULL, SAFEADDR_D_COMMENT),
    OK("\"\":a@example.com;", 1, "", "a", "example.com", 0),
    OK("a@x.example, G: b@y.example; , c@z.example", 3, "", "a", "x.example", 0),
    ERR("A:B:c@example.com;;", NESTED_GROUP, 3),
    ERR(":a@example.com;", GROUP_NAME, 0),
    ERR(";", SEMICOLON, 0),
    ERR("a@example.com;", SEMICOLON, 13),
    ERR("G: a@x.example;; ", SEMICOLON, 15),
    ERR("G: a@x.example; b@y.example", TRAILING_JUNK, 16),
    ERRP("G: a@x.example;", ML, 0, GROUP_NOT_ALLOWED, 1),
    /* 4.4 empty list elements and "no addresses" */
    OK("", 0, NULL, NULL, NULL, SAFEADDR_D_NO_ADDRESSES),
    OK(" , ,, ", 0, NULL, NULL, NULL, SAFEADDR_D_NO_ADDRESSES | SAFEADDR_D_OBS_EMPTY_ELEMENT),
    OK("(only a comment)", 0, NULL, NULL, NULL, SAFEADDR_D_NO_ADDRESSES),
    OK("a@example.com, ", 1, "", "a", "example.com", SAFEADDR_D_OBS_EMPTY_ELEMENT),
    OK(",a@example.com", 1, "", "a", "example.com", SAFEADDR_D_OBS_EMPTY_ELEMENT),
    /* productions */
    OKP("Name <a@example.com>", MB, 0, 1, "Name", "a", "example.com", 0),
    ERRP("a@example.com, b@example.com", MB, 0, MULTIPLE_ADDRESSES, 13),
    ERRP("", MB, 0, EMPTY_FIELD, 0),
    ERRP("  ", MB, 0, EMPTY_FIELD, 2),
    ERRP(",a@example.com", MB, 0, EXPECTED_ADDRESS, 0),
    OKP("a@example.com", AS, 0, 1, "", "a", "example.com", 0),
    OKP("(c) a @ example.com (d)", AS, 0, 1, "", "a", "example.com", SAFEADDR_D_OBS_CFWS_IN_ADDR),
    ERRP("Name <a@example.com>", AS, 0, TRAILING_JUNK, 5),
    ERRP("<a@example.com>", AS, 0, UNEXPECTED, 0),
    ERRP("test", AS, 0, NO_DOMAIN, 4),
    OKP("<>", PA, 0, 1, "", "", "", SAFEADDR_D_EMPTY_ADDRESS),
    OKP(" <a@example.com> ", PA, 0, 1, "", "a", "example.com", 0),
    ERRP("a@example.com", PA, 0, EXPECTED_ADDRESS, 0),
    ERRP("Name <a@example.com>", PA, 0, UNEXPECTED, 0),
    /* RFC 5322 3.4 address = mailbox / group, alone: RFC 6854 2.1's Sender */
    OKP("Name <a@example.com>", AD, 0, 1, "Name", "a", "example.com", 0),
    OKP("Team: a@example.com, b@example.net;", AD, 0, 2, "", "a", "example.com", 0),
    OKP("undisclosed-recipients:;", AD, 0, 0, NULL, NULL, NULL, 0),
    OKP("Team: a@example.com", AD, 0, 1, "", "a", "example.com", SAFEADDR_D_GROUP_UNTERMINATED),
    OKP("Team: , a@example.com;", AD, 0, 1, "", "a", "example.com", SAFEADDR_D_OBS_EMPTY_ELEMENT),
    ERRP("a@example.com, b@example.net", AD, 0, MULTIPLE_ADDRESSES, 13),
    /*                 ^ 13 */
    ERRP("Team: a@example.com;, b@example.net", AD, 0, MULTIPLE_ADDRESSES, 20),
    /*                        ^ 20 */
    ERRP("Team: a@example.com; b@example.net", AD, 0, TRAILING_JUNK, 21),
    ERRP("A:; B:;", AD, 0, TRAILING_JUNK, 4),
    ERRP("a@example.com;", AD, 0, SEMICOLON, 13),
    ERRP("A: B: c@example.com;;", AD, 0, NESTED_GROUP, 4),
    ERRP("", AD, 0, EMPTY_FIELD, 0),
    ERRP(",a@example.com", AD, 0, EXPECTED_ADDRESS, 0),
    /* 3.2.2 folding, 2.2.3; bare CR and LF (header injection) */
    OK("a@example.com,\r\n b@example.net", 2, "", "a", "example.com", 0),
    OK("Joe\r\n Public <a@example.com>", 1, "Joe Public", "a", "example.com", 0),
    OK("\"a\r\n b\"@example.com", 1, "", "a b", "example.com", 0),
    OK("a@example.com,\r\n \r\n b@example.net", 2, "", "a", "example.com", SAFEADDR_D_OBS_FWS),
    OK("(a\r\n b) c@example.com", 1, "", "c", "example.com", SAFEADDR_D_COMMENT),
    ERR("a@example.com\r\nBcc: x@y", LINE_BREAK, 13),
    ERR("a@example.com\r\n", LINE_BREAK, 13),
    ERR("a@example.com\nb", BARE_LF, 13),
    ERR("a@example.com\rb", BARE_CR, 13),
    ERR("\"a\r\nb\"@c", LINE_BREAK, 2),
    ERR("(a\rb) c@d", BARE_CR, 2),
    ERR("a@[1.2\r\n.3.4]", LINE_BREAK, 6),
    OKP("a@example.com,\n b@example.net", AL, SAFEADDR_ACCEPT_LF, 2, "", "a", "example.com", SAFEADDR_D_LF_FOLD),
    ERRP("a@example.com\nb@example.net", AL, SAFEADDR_ACCEPT_LF, LINE_BREAK, 13),
    /* forbidden bytes */
    ERR("a\x01" "b@example.com", CONTROL, 1),
    ERR("Na\x7fme <a@example.com>", CONTROL, 2),
    ERR("\"a\x01" "b\"@example.com", CONTROL, 2),
    ERR("\"a\\\x01" "b\"@example.com", CONTROL, 3),
    ERR("a@[1\x01]", CONTROL, 4),
    ERR("a@[1\\\x01]", CONTROL, 5),
    ERR("\"a\\\rb\"@c", ESCAPED_LINE_BREAK, 3),
    ERR("(a\\\nb) c@d", ESCAPED_LINE_BREAK, 3),
    ERR("a\xc0\x80@example.com", BAD_UTF8, 1),
    ERR("a\xed\xa0\x80@example.com", BAD_UTF8, 1),
    ERR("a\xf4\x90\x80\x80@example.com", BAD_UTF8, 1),
    ERR("a@example.com\xe2\x82", BAD_UTF8, 13),
    ERR("a@\xffx", BAD_UTF8, 2),
    ERR("a@[\xff]", BAD_UTF8, 3),
    OK("\xc3\xbcser@example.com", 1, "", "\xc3\xbcser", "example.com", SAFEADDR_D_UTF8_LOCAL),
    OK("u@b\xc3\xbc" "cher.example", 1, "", "u", "b\xc3\xbc" "cher.example", SAFEADDR_D_UTF8_DOMAIN),
    OK("(\xff) a@example.com", 1, "", "a", "example.com", SAFEADDR_D_BAD_UTF8_TEXT),
    OK("(\x01) a@example.com", 1, "", "a", "example.com", SAFEADDR_D_OBS_CONTROL),
    /* stray closers and backslashes */
    ERR(")", UNMATCHED_PAREN, 0),
    ERR("a@example.com)", UNMATCHED_PAREN, 13),
    ERR(">", UNMATCHED_ANGLE, 0),
    ERR("a@example.com>", UNMATCHED_ANGLE, 13),
    ERR("]", UNMATCHED_BRACKET, 0),
    ERR("\\", BACKSLASH, 0),
    ERR("Name \\<a@b>", BACKSLASH, 5),
    ERR("(", UNTERMINATED_COMMENT, LEN),
    ERR("(a\\", UNTERMINATED_COMMENT, LEN),
    ERR("\"abc", UNTERMINATED_QUOTE, LEN),
    ERR("\"abc\\", UNTERMINATED_QUOTE, LEN),
    /* lenient recoveries */
    OKP("Name <a@example.com", AL, SAFEADDR_LENIENT, 1, "Name", "a", "example.com", SAFEADDR_D_RECOVERED_ANGLE),
    OKP("\"Name <a@example.com>", AL, SAFEADDR_LENIENT, 1, "", "Name <a@example.com>", "", SAFEADDR_D_RECOVERED_QUOTE | SAFEADDR_D_NO_DOMAIN),
    ERR("\"Name <a@example.com>", UNTERMINATED_QUOTE, LEN),
    OKP("\"Doe\" <\"jd@example.com>", AL, SAFEADDR_LENIENT, 1, "Doe", "jd@example.com>", "", SAFEADDR_D_RECOVERED_QUOTE | SAFEADDR_D_RECOVERED_ANGLE),
    OKP("Joe Foo, PhD <j@example.com>", AL, SAFEADDR_LENIENT, 1, "Joe Foo, PhD", "j", "example.com", SAFEADDR_D_RECOVERED_COMMA),
    OKP("a@x.example, Doe Jr, John <j@example.com>, b@y.example", AL, SAFEADDR_LENIENT, 3, "", "a", "x.example", SAFEADDR_D_RECOVERED_COMMA),
    /* leniency never changes a valid reading: "Doe" alone is an address */
    OKP("Doe, John <j@example.com>", AL, SAFEADDR_LENIENT, 2, "", "Doe", "", SAFEADDR_D_NO_DOMAIN),
    ERRP("Joe Foo, Ph D, Esq <j@example.com>", AL, SAFEADDR_LENIENT, EXPECTED_ADDRESS, 7),
    OKP("Doe, j@example.com", AL, SAFEADDR_LENIENT, 2, "", "Doe", "", SAFEADDR_D_NO_DOMAIN),
};

static void check_row(const row *w, size_t index)
{
    tp_result r;
    const size_t len = strlen(w->in);
    tp_parse(w->in, len, w->prod, w->flags, &r);
    const long want_off = w->off == LEN ? (long)len : w->off;
    cr_expect_eq(r.rc, w->rc, "row %zu [%s]: rc %s, want %s", index, w->in,
                 safeaddr_error_name(r.rc), safeaddr_error_name(w->rc));
    if (r.rc != w->rc)
        return;
    if (w->rc != SAFEADDR_OK) {
        cr_expect_eq((long)r.offset, want_off, "row %zu [%s]: offset %zu, want %ld",
                     index, w->in, r.offset, want_off);
        return;
    }
    if (w->mailboxes != ANY)
        cr_expect_eq((int)r.mailboxes, w->mailboxes, "row %zu [%s]: %zu mailboxes",
                     index, w->in, r.mailboxes);
    const tp_item *m = tp_first_mailbox(&r);
    if (w->display || w->local || w->domain)
        cr_assert_not_null(m, "row %zu [%s]: no mailbox", index, w->in);
    if (w->display)
        cr_expect_str_eq(m->display, w->display, "row %zu [%s]: display", index, w->in);
    if (w->local)
        cr_expect_str_eq(m->local, w->local, "row %zu [%s]: local", index, w->in);
    if (w->domain)
        cr_expect_str_eq(m->domain, w->domain, "row %zu [%s]: domain", index, w->in);
    cr_expect_eq(r.field_diag & w->diag, w->diag,
                 "row %zu [%s]: diagnostics %#llx lack %#llx", index, w->in,
                 (unsigned long long)r.field_diag,
                 (unsigned long long)(w->diag & ~r.field_diag));
}

Test(grammar, table)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i], i);
}

Test(grammar, groups_are_kept_as_groups)
{
    tp_result r;
    tp_parse_str("a@x.example, Friends: b@y.example, \"C\" <c@z.example>;, "
                 "Empty:;", AL, 0, &r);
    cr_assert_eq(r.rc, SAFEADDR_OK);
    const int kinds[] = {SAFEADDR_ITEM_MAILBOX, SAFEADDR_ITEM_GROUP_START,
                         SAFEADDR_ITEM_MAILBOX, SAFEADDR_ITEM_MAILBOX,
                         SAFEADDR_ITEM_GROUP_END, SAFEADDR_ITEM_GROUP_START,
                         SAFEADDR_ITEM_GROUP_END};
    cr_assert_eq(r.count, sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < r.count; i++)
        cr_expect_eq(r.item[i].kind, kinds[i], "item %zu", i);
    cr_expect_eq(r.item[0].group, SAFEADDR_NO_GROUP);
    cr_expect_eq(r.item[1].group, 0);
    cr_expect_str_eq(r.item[1].display, "Friends");
    cr_expect_eq(r.item[2].group, 0);
    cr_expect_eq(r.item[3].group, 0);
    cr_expect_str_eq(r.item[3].display, "C");
    cr_expect_str_eq(r.item[4].display, "Friends");
    cr_expect_eq(r.item[5].group, 1);
    cr_expect_str_eq(r.item[5].display, "Empty");
    cr_expect_eq(r.item[6].group, 1);
}

Test(grammar, spans_are_raw_and_in_place)
{
    const char *in = "  (lead) \"Joe Q.\" <@r.example:\"j q\"@[1.2.3.4]> (trail) , x@y.example";
    tp_result r;
    tp_parse_str(in, AL, 0, &r);
    cr_assert_eq(r.rc, SAFEADDR_OK);
    const safeaddr_item *m = &r.item[0].raw;
    cr_expect_eq(m->source.ptr, in + 2);
    cr_expect_eq(m->source.len, strlen("(lead) \"Joe Q.\" <@r.example:\"j q\"@[1.2.3.4]> (trail)"));
    cr_expect_eq(m->display.ptr, strstr(in, "\"Joe"));
    cr_expect_eq(m->display.len, 8u);
    cr_expect_eq(m->route.ptr, strstr(in, "@r.example"));
    cr_expect_eq(m->route.len, strlen("@r.example"));
    cr_expect_eq(m->local.ptr, strstr(in, "\"j q\""));
    cr_expect_eq(m->local.len, 5u);
    cr_expect_eq(m->domain.ptr, strstr(in, "[1.2"));
    cr_expect_eq(m->domain.len, strlen("[1.2.3.4]"));
    cr_expect_eq(m->addr_spec.ptr, m->local.ptr);
    cr_expect_eq(m->addr_spec.len, strlen("\"j q\"@[1.2.3.4]"));
    cr_expect_eq(m->angle.ptr, strchr(in, '<'));
    cr_expect_eq(m->angle.len, strlen("<@r.example:\"j q\"@[1.2.3.4]>"));
    cr_expect_str_eq(r.item[0].addr_spec, "\"j q\"@[1.2.3.4]");
    cr_expect_str_eq(r.item[0].mailbox, "\"Joe Q.\" <\"j q\"@[1.2.3.4]>");
    size_t pos = 0;
    safeaddr_span c;
    cr_assert_eq(safeaddr_next_comment(m->source, &pos, &c), 1);
    cr_expect_eq(c.len, strlen("(lead)"));
    cr_assert_eq(safeaddr_next_comment(m->source, &pos, &c), 1);
    cr_expect_eq(c.ptr, strstr(in, "(trail)"));
    cr_expect_eq(safeaddr_next_comment(m->source, &pos, &c), 0);
}

Test(grammar, embedded_nul_is_an_error_at_the_nul)
{
    static const char in[] = "a@example.com, b\0c@example.com";
    tp_result r;
    tp_parse(in, sizeof in - 1, AL, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_E_NUL);
    cr_expect_eq(r.offset, 16u);
    static const char q[] = "\"a\\\0\"@b";
    tp_parse(q, sizeof q - 1, AL, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_E_NUL);
    cr_expect_eq(r.offset, 3u);
    static const char c[] = "(x\\\0) a@b";
    tp_parse(c, sizeof c - 1, AL, 0, &r);
    cr_expect_eq(r.rc, SAFEADDR_E_NUL);
    cr_expect_eq(r.offset, 3u);
}

Test(grammar, errors_are_sticky)
{
    safeaddr_iter it;
    safeaddr_error e;
    safeaddr_item item;
    const char *in = "a@x.example, b@";
    cr_assert_eq(safeaddr_iter_init(&it, in, strlen(in), AL, NULL, &e), SAFEADDR_OK);
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ITEM);
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_EMPTY_DOMAIN);
    cr_expect_eq(e.offset, strlen(in));
    e.code = 0;
    cr_expect_eq(safeaddr_next(&it, &item, &e), SAFEADDR_NEXT_ERROR);
    cr_expect_eq(e.code, SAFEADDR_E_EMPTY_DOMAIN);
}
