/*
 * fuzz_header.c - the header-field iterator, then every address field
 *
 * What an MTA does with a message: walk the header block field by field
 * (safeaddr_header_next) and parse the body of each address field with the
 * production its name calls for. Input: one option byte (flags as byte 0
 * of fz_take_options; the production comes from the field name), then the
 * message.
 *
 * Properties:
 *   1. the iterator always moves forward (also after an error) and ends:
 *      at most len + 1 calls;
 *   2. name, value and line lie inside the input, name and value inside
 *      line, line starts where the previous one ended; the name has no
 *      ':' and no white space; kind and production match
 *      safeaddr_field_kind(name);
 *   3. at END after an empty line *pos is the first body byte;
 *   4. each address field parses with every item checked
 *      (fuzz_common.h), identically under every scanner kernel;
 *   5. safeaddr_unfold of a value keeps the NOSPACE protocol and leaves no
 *      line break before white space.
 */
#include "fuzz_common.h"

static int w_unfold(const void *c, char *out, size_t cap, size_t *len)
{
    return safeaddr_unfold(*(const safeaddr_span *)c, out, cap, len);
}

static void check_field(const char *buf, size_t len, size_t start,
                        const safeaddr_header *h, uint32_t flags)
{
    FZ_CHECK(fz_span_inside(h->line, buf, len) &&
                 fz_span_inside(h->name, buf, len) &&
                 fz_span_inside(h->value, buf, len),
             "header span outside the input");
    FZ_CHECK(fz_off(h->line, buf) == start,
             "line starts at %zu, not at the position %zu",
             fz_off(h->line, buf), start);
    FZ_CHECK(h->line.len > 0 && h->name.len > 0, "empty line or name");
    FZ_CHECK(fz_span_within(h->name, h->line) &&
                 fz_span_within(h->value, h->line),
             "name or value outside the line");
    FZ_CHECK(h->name.ptr == h->line.ptr, "name does not start the line");
    for (size_t i = 0; i < h->name.len; i++) {
        const unsigned char c = (unsigned char)h->name.ptr[i];
        /* RFC 5322 3.6.8: ftext is %d33-57 / %d59-126. */
        FZ_CHECK(c > 32 && c < 127 && c != ':',
                 "byte %#x in a field name", c);
    }
    /* The value starts after the name's ':'. */
    FZ_CHECK(h->value.ptr > h->name.ptr + h->name.len &&
                 memchr(h->name.ptr + h->name.len, ':',
                        (size_t)(h->value.ptr - (h->name.ptr + h->name.len))),
             "value does not follow a ':'");
    int prod = -1;
    const int kind = safeaddr_field_kind(h->name, &prod);
    FZ_CHECK(kind == h->kind && prod == h->production,
             "kind/production %d/%d, field_kind says %d/%d", h->kind,
             h->production, kind, prod);
    FZ_CHECK(h->folded == 0 || h->folded == 1, "folded %u", h->folded);
    FZ_CHECK(h->lf_only == 0 || h->lf_only == 1, "lf_only %u", h->lf_only);

    /* Unfolding. */
    char *out;
    size_t n;
    if (fz_write_checked(w_unfold, &h->value, &out, &n, "unfold") ==
        SAFEADDR_OK) {
        FZ_CHECK(n <= h->value.len, "unfold grew the value");
        for (size_t i = 0; i + 1 < n; i++)
            FZ_CHECK(!(out[i] == '\n' &&
                       (out[i + 1] == ' ' || out[i + 1] == '\t')),
                     "unfold left a fold at %zu", i);
        if (!h->folded)
            FZ_CHECK(n == h->value.len &&
                         (n == 0 || memcmp(out, h->value.ptr, n) == 0),
                     "unfold changed an unfolded value");
        free(out);
    }

    if (h->production == 0)
        return;
    /* The body, as the MTA would parse it: bare LF folding accepted when
     * the message uses LF line ends. */
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.flags = flags | (h->lf_only ? SAFEADDR_ACCEPT_LF : 0);
    fz_run r;
    fz_iterate(h->value.ptr, h->value.len, h->production, &o, &r);
    const char *names[FZ_MAX_KERNELS];
    const char *orig = safeaddr_kernel_name();
    const size_t nk = fz_kernels(names);
    for (size_t k = 0; k < nk; k++) {
        fz_run rk;
        fz_select_kernel(names[k]);
        fz_iterate(h->value.ptr, h->value.len, h->production, &o, &rk);
        fz_expect_same(&r, &rk, h->value.ptr, "kernel %s differs from %s",
                       names[k], orig);
        fz_run_free(&rk);
    }
    fz_select_kernel(orig);
    fz_run_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t flags = 0;
    if (size > 0) {
        flags = data[0] & (SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF |
                           SAFEADDR_REQUIRE_DOMAIN);
        data++;
        size--;
    }
    const char *buf = (const char *)data;
    size_t pos = 0, calls = 0;
    for (;;) {
        safeaddr_header h;
        safeaddr_error err = {-1, (size_t)-1};
        const size_t start = pos;
        memset(&h, 0xA5, sizeof h);
        const int rc = safeaddr_header_next(buf, size, &pos, &h, &err);
        FZ_CHECK(++calls <= size + 1, "header_next does not end");
        FZ_CHECK(pos <= size, "position %zu past the end %zu", pos, size);
        if (rc == SAFEADDR_NEXT_END) {
            FZ_CHECK(pos >= start, "END moved backwards");
            /* Either the input ended or an empty line did: the body
             * starts right after a line end. */
            if (pos < size)
                FZ_CHECK(pos > 0 && buf[pos - 1] == '\n',
                         "END at %zu not after a line end", pos);
            break;
        }
        if (rc == SAFEADDR_NEXT_ERROR) {
            FZ_CHECK(err.code == SAFEADDR_E_BAD_HEADER ||
                         err.code == SAFEADDR_E_NUL,
                     "header_next error %s", safeaddr_error_name(err.code));
            FZ_CHECK(err.offset >= start && err.offset <= size,
                     "header error offset %zu outside [%zu, %zu]",
                     err.offset, start, size);
            if (err.code == SAFEADDR_E_NUL)
                FZ_CHECK(err.offset < size && buf[err.offset] == '\0',
                         "E_NUL not at a NUL");
            FZ_CHECK(pos > start, "no progress after an error at %zu",
                     start);
            continue;
        }
        FZ_CHECK(rc == SAFEADDR_NEXT_ITEM, "header_next returned %d", rc);
        FZ_CHECK(pos > start, "no progress after a field at %zu", start);
        FZ_CHECK(pos == fz_off(h.line, buf) + h.line.len,
                 "position %zu is not the end of the line", pos);
        check_field(buf, size, start, &h, flags);
    }
    return 0;
}
