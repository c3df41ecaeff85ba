/*
 * fuzz_format.c - unquote, format and quote: the printer side
 *
 * qmail's lesson (ASSURANCE.md section 1): parsers and quoters each have
 * bugs, and an attacker needs only the two to disagree (Exim
 * CVE-2019-15846 was a printer/unprinter asymmetry). So every accepted
 * mailbox is printed in canonical form and read back.
 *
 * Input: two option bytes (fz_take_options), then the field body.
 * Properties:
 *   1. every writer keeps the NOSPACE protocol: cap 0 sizes, cap-1 gives
 *      E_NOSPACE with the same size and writes nothing past cap, the exact
 *      size gives the same text (fz_write_checked);
 *   2. written text never contains NUL, CR or LF; semantic text is never
 *      longer than the span it came from;
 *   3. format -> parse round trip: safeaddr_format_mailbox() and
 *      safeaddr_format_addr_spec() of every accepted mailbox parse again
 *      under the strict defaults, to the same display, local and domain
 *      text, and formatting the result again gives the same bytes;
 *   4. safeaddr_quote_phrase() / safeaddr_quote_local() of the raw body
 *      read back as the same text;
 *   5. safeaddr_next_comment() walks forward and stays inside its span;
 *      safeaddr_text() and safeaddr_unfold() on arbitrary bytes are safe.
 */
#include "fuzz_common.h"

/* ------------------------------------------------------------ writers */

typedef struct {
    safeaddr_span span;
    int mode;
} text_ctx;
static int w_text(const void *c, char *out, size_t cap, size_t *len)
{
    const text_ctx *t = (const text_ctx *)c;
    return safeaddr_text(t->span, t->mode, out, cap, len);
}
static int w_addr_spec(const void *c, char *out, size_t cap, size_t *len)
{
    return safeaddr_format_addr_spec((const safeaddr_item *)c, out, cap, len);
}
static int w_mailbox(const void *c, char *out, size_t cap, size_t *len)
{
    return safeaddr_format_mailbox((const safeaddr_item *)c, out, cap, len);
}
typedef struct {
    const char *p;
    size_t n;
} bytes_ctx;
static int w_quote_phrase(const void *c, char *out, size_t cap, size_t *len)
{
    const bytes_ctx *b = (const bytes_ctx *)c;
    return safeaddr_quote_phrase(b->p, b->n, out, cap, len);
}
static int w_quote_local(const void *c, char *out, size_t cap, size_t *len)
{
    const bytes_ctx *b = (const bytes_ctx *)c;
    return safeaddr_quote_local(b->p, b->n, out, cap, len);
}
static int w_unfold(const void *c, char *out, size_t cap, size_t *len)
{
    return safeaddr_unfold(*(const safeaddr_span *)c, out, cap, len);
}

/* The semantic text of a span (malloc'd, caller frees); the span must have
 * come from the parser, so the call must succeed. */
static char *text_of(safeaddr_span s, int mode, size_t *n, const char *what)
{
    text_ctx t = {s, mode};
    char *out;
    int rc = fz_write_checked(w_text, &t, &out, n, what);
    FZ_CHECK(rc == SAFEADDR_OK, "%s: safeaddr_text failed with %s", what,
             safeaddr_error_name(rc));
    fz_no_nul_crlf(out, *n, what);
    FZ_CHECK(*n <= s.len, "%s: text (%zu) longer than its span (%zu)", what,
             *n, s.len);
    return out;
}

/* Semantic values of a mailbox, for comparing an item with its round
 * trip (which lives in another buffer, so spans cannot be compared). */
typedef struct {
    char *display, *local, *domain;
    size_t display_n, local_n, domain_n;
} values;

static void values_of(const safeaddr_item *it, values *v)
{
    v->display = text_of(it->display, SAFEADDR_TEXT_PHRASE, &v->display_n,
                         "display text");
    v->local = text_of(it->local, SAFEADDR_TEXT_ADDR, &v->local_n,
                       "local text");
    v->domain = text_of(it->domain, SAFEADDR_TEXT_ADDR, &v->domain_n,
                        "domain text");
}

static void values_free(values *v)
{
    free(v->display);
    free(v->local);
    free(v->domain);
}

static int bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void dump(const char *label, const char *s, size_t n)
{
    fprintf(stderr, "  %s (%zu): \"", label, n);
    for (size_t i = 0; i < n && i < 400; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputs(n > 400 ? "...\"\n" : "\"\n", stderr);
}

/* ---------------------------------------------------------- round trip */

/* Flags the printed form is read back with: none when the field was
 * valid under the strict defaults (then its canonical form must be too);
 * SAFEADDR_LENIENT when only LENIENT accepted the field: a mailbox
 * recovered from "Name <user" or a lone quoted string without a domain
 * has no strict form, but its printed form must read back the same way. */
static uint32_t reparse_flags;

/* Parse printed text as `production`; it must give exactly one mailbox,
 * with the same semantic values as `want`. */
static void reparse(const char *text, size_t n, int production,
                    const values *want, int compare_display,
                    fz_writer again, const char *what)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.flags = reparse_flags;
    o.max_input = SAFEADDR_CEILING_MAX_INPUT; /* quoting may grow text */
    fz_run r;
    fz_iterate(text, n, production, &o, &r);
    if (!fz_run_ok(&r) || r.count != 1 ||
        r.items[0].kind != SAFEADDR_ITEM_MAILBOX) {
        dump(what, text, n);
        fz_describe_run("reparse", &r, text);
        fz_fail(__FILE__, __LINE__, "%s output does not parse back", what);
    }
    values got;
    values_of(&r.items[0], &got);
    int same = bytes_eq(got.local, got.local_n, want->local, want->local_n) &&
               bytes_eq(got.domain, got.domain_n, want->domain,
                        want->domain_n);
    if (compare_display)
        same = same && bytes_eq(got.display, got.display_n, want->display,
                                want->display_n);
    if (!same) {
        dump(what, text, n);
        dump("display was", want->display, want->display_n);
        dump("display now", got.display, got.display_n);
        dump("local was", want->local, want->local_n);
        dump("local now", got.local, got.local_n);
        dump("domain was", want->domain, want->domain_n);
        dump("domain now", got.domain, got.domain_n);
        fz_fail(__FILE__, __LINE__, "%s round trip changed the address",
                what);
    }
    /* Canonical means a fixed point: printing the reparsed item again
     * gives the same bytes. */
    char *out2;
    size_t n2;
    int rc = fz_write_checked(again, &r.items[0], &out2, &n2, what);
    FZ_CHECK(rc == SAFEADDR_OK, "%s of the reparsed item failed: %s", what,
             safeaddr_error_name(rc));
    if (!bytes_eq(out2, n2, text, n)) {
        dump("first", text, n);
        dump("second", out2, n2);
        fz_fail(__FILE__, __LINE__, "%s is not a fixed point", what);
    }
    free(out2);
    values_free(&got);
    fz_run_free(&r);
}

static void check_mailbox(const safeaddr_item *it)
{
    values v;
    values_of(it, &v);

    /* Comments: forward progress, inside the source, "(...)". */
    size_t pos = 0, steps = 0;
    safeaddr_span c;
    while (safeaddr_next_comment(it->source, &pos, &c)) {
        FZ_CHECK(fz_span_within(c, it->source) && c.len >= 2 &&
                     c.ptr[0] == '(' && c.ptr[c.len - 1] == ')',
                 "next_comment gave a span that is not a comment of source");
        FZ_CHECK(pos <= it->source.len &&
                     pos >= (size_t)(c.ptr - it->source.ptr) + c.len,
                 "next_comment position %zu not past the comment", pos);
        FZ_CHECK(++steps <= it->source.len, "next_comment does not advance");
        size_t n;
        free(text_of(c, SAFEADDR_TEXT_COMMENT, &n, "comment text"));
    }

    char *out;
    size_t n;
    int rc = fz_write_checked(w_mailbox, it, &out, &n, "format_mailbox");
    FZ_CHECK(rc == SAFEADDR_OK, "format_mailbox of an accepted item: %s",
             safeaddr_error_name(rc));
    fz_no_nul_crlf(out, n, "format_mailbox");
    reparse(out, n, SAFEADDR_MAILBOX, &v, 1, w_mailbox, "format_mailbox");
    free(out);

    rc = fz_write_checked(w_addr_spec, it, &out, &n, "format_addr_spec");
    FZ_CHECK(rc == SAFEADDR_OK, "format_addr_spec of an accepted item: %s",
             safeaddr_error_name(rc));
    fz_no_nul_crlf(out, n, "format_addr_spec");
    /* <> prints as "", which is no addr-spec: nothing to read back. An
     * unqualified name prints as its local part alone, which the
     * addr-spec production never accepts (it needs "@domain"): that one
     * reads back as a mailbox. */
    if (it->local.len > 0)
        reparse(out, n, it->domain.len ? SAFEADDR_ADDR_SPEC : SAFEADDR_MAILBOX,
                &v, 0, w_addr_spec, "format_addr_spec");
    free(out);
    values_free(&v);
}

/* ------------------------------------------------------ quote helpers */

static int printable_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

/* quote_* of arbitrary text: no NUL/CR/LF out; printable ASCII text reads
 * back unchanged, as a display name or as a local part. */
static void check_quote(const char *p, size_t n)
{
    bytes_ctx b = {p, n};
    char *q;
    size_t qn;
    const int printable = printable_ascii(p, n);
    /* Quoting may double the text: read it back without the 1 MiB
     * default input limit. */
    safeaddr_options big;
    safeaddr_options_init(&big);
    big.max_input = SAFEADDR_CEILING_MAX_INPUT;

    int rc = fz_write_checked(w_quote_phrase, &b, &q, &qn, "quote_phrase");
    if (memchr(p, '\0', n) || memchr(p, '\r', n) || memchr(p, '\n', n))
        FZ_CHECK(rc == SAFEADDR_E_PARAM,
                 "quote_phrase of text with NUL/CR/LF gave %s",
                 safeaddr_error_name(rc));
    if (rc == SAFEADDR_OK) {
        fz_no_nul_crlf(q, qn, "quote_phrase");
        if (printable && n > 0) {
            /* "<phrase> <a@example.com>" must give display == text. */
            static const char tail[] = " <a@example.com>";
            char *m = (char *)malloc(qn + sizeof tail);
            FZ_CHECK(m != NULL, "out of memory in the harness");
            memcpy(m, q, qn);
            memcpy(m + qn, tail, sizeof tail - 1);
            safeaddr_item item;
            safeaddr_error err;
            rc = safeaddr_parse_mailbox(m, qn + sizeof tail - 1, &big, &item,
                                        &err);
            if (rc != SAFEADDR_OK) {
                dump("text", p, n);
                dump("quoted", q, qn);
                fz_fail(__FILE__, __LINE__,
                        "quote_phrase output not a display name: %s@%zu",
                        safeaddr_error_name(err.code), err.offset);
            }
            size_t dn;
            char *d = text_of(item.display, SAFEADDR_TEXT_PHRASE, &dn,
                              "quoted display");
            if (!bytes_eq(d, dn, p, n)) {
                dump("text", p, n);
                dump("quoted", q, qn);
                dump("read back", d, dn);
                fz_fail(__FILE__, __LINE__, "quote_phrase round trip");
            }
            free(d);
            free(m);
        }
        free(q);
    }

    rc = fz_write_checked(w_quote_local, &b, &q, &qn, "quote_local");
    if (rc == SAFEADDR_OK) {
        fz_no_nul_crlf(q, qn, "quote_local");
        if (printable) {
            static const char tail[] = "@example.com";
            char *m = (char *)malloc(qn + sizeof tail);
            FZ_CHECK(m != NULL, "out of memory in the harness");
            memcpy(m, q, qn);
            memcpy(m + qn, tail, sizeof tail - 1);
            safeaddr_item item;
            size_t count = 0;
            safeaddr_error err;
            rc = safeaddr_parse(m, qn + sizeof tail - 1, SAFEADDR_ADDR_SPEC,
                                &big, &item, 1, &count, NULL, &err);
            if (rc != SAFEADDR_OK) {
                dump("text", p, n);
                dump("quoted", q, qn);
                fz_fail(__FILE__, __LINE__,
                        "quote_local output not a local part: %s@%zu",
                        safeaddr_error_name(err.code), err.offset);
            }
            size_t ln;
            char *l = text_of(item.local, SAFEADDR_TEXT_ADDR, &ln,
                              "quoted local");
            if (!bytes_eq(l, ln, p, n)) {
                dump("text", p, n);
                dump("quoted", q, qn);
                dump("read back", l, ln);
                fz_fail(__FILE__, __LINE__, "quote_local round trip");
            }
            free(l);
            free(m);
        }
        free(q);
    }
}

/* Helpers given bytes the parser never saw must stay safe: a caller may
 * hand them anything. Only memory safety and the writer protocol are
 * checked; the values are unspecified. */
static void check_arbitrary(const char *p, size_t n)
{
    safeaddr_span s = {p, n};
    for (int mode = SAFEADDR_TEXT_PHRASE; mode <= SAFEADDR_TEXT_COMMENT;
         mode++) {
        text_ctx t = {s, mode};
        char *out;
        size_t on;
        if (fz_write_checked(w_text, &t, &out, &on, "text(arbitrary)") ==
            SAFEADDR_OK) {
            FZ_CHECK(on <= n, "text(arbitrary) grew %zu -> %zu", n, on);
            free(out);
        }
    }
    size_t pos = 0, steps = 0;
    safeaddr_span c;
    while (safeaddr_next_comment(s, &pos, &c)) {
        FZ_CHECK(fz_span_within(c, s) && pos <= n,
                 "next_comment(arbitrary) left its span");
        FZ_CHECK(++steps <= n, "next_comment(arbitrary) does not advance");
    }
    char *out;
    size_t on;
    if (fz_write_checked(w_unfold, &s, &out, &on, "unfold") == SAFEADDR_OK) {
        /* One pass of RFC 5322 2.2.3 over bytes that are no field body
         * ("\r\n\r\n " cannot occur in one) may leave a new fold behind;
         * fuzz_header.c checks real bodies for that. */
        FZ_CHECK(on <= n, "unfold grew %zu -> %zu", n, on);
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int production;
    safeaddr_options opts;
    fz_take_options(&data, &size, &production, &opts);
    const char *buf = (const char *)data;

    fz_run r;
    fz_iterate(buf, size, production, &opts, &r);
    reparse_flags = 0;
    if (fz_run_ok(&r) && (opts.flags & SAFEADDR_LENIENT)) {
        safeaddr_options strict = opts;
        strict.flags &= ~SAFEADDR_LENIENT;
        fz_run rs;
        fz_iterate(buf, size, production, &strict, &rs);
        if (!fz_run_ok(&rs))
            reparse_flags = SAFEADDR_LENIENT;
        fz_run_free(&rs);
    }
    if (fz_run_ok(&r)) {
        for (size_t i = 0; i < r.count; i++) {
            size_t n;
            if (r.items[i].kind == SAFEADDR_ITEM_MAILBOX)
                check_mailbox(&r.items[i]);
            else
                free(text_of(r.items[i].display, SAFEADDR_TEXT_PHRASE, &n,
                             "group name text"));
        }
    }
    fz_run_free(&r);

    check_quote(buf, size);
    check_arbitrary(buf, size);
    return 0;
}
