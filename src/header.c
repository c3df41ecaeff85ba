/*
 * header.c - fields of an RFC 5322 header block
 *
 * RFC 5322 2.2: a field is a name, ':', and a body that may be folded onto
 * continuation lines starting with WSP; the header ends at the first empty
 * line. Lines may end in CRLF or, for mail stored with Unix line ends, a
 * bare LF (reported in lf_only so the caller can parse the body with
 * SAFEADDR_ACCEPT_LF). Spans point into the caller's buffer.
 */
#include "internal.h"
#include "chars.h"
#include <string.h>

/* line_end - index of the '\n' ending the line that contains i, or len */
static size_t line_end(const char *buf, size_t len, size_t i)
{
    const char *nl = memchr(buf + i, '\n', len - i);
    return nl ? (size_t)(nl - buf) : len;
}

/* field_end - end of the field starting at `start`: after the last line
 * break of its last line (or len). *lf_only is set if a line ends in LF
 * alone; *lines counts its lines. */
static size_t field_end(const char *buf, size_t len, size_t start,
                        uint32_t *lf_only, uint32_t *lines)
{
    size_t i = start;
    for (;;) {
        const size_t nl = line_end(buf, len, i);
        (*lines)++;
        if (nl >= len)
            return len;
        if (nl == 0 || buf[nl - 1] != '\r')
            *lf_only = 1;
        i = nl + 1;
        if (i >= len || (buf[i] != ' ' && buf[i] != '\t'))
            return i;
    }
}

static int fail(safeaddr_error *err, int code, size_t offset)
{
    if (err) {
        err->code = code;
        err->offset = offset;
    }
    return SAFEADDR_NEXT_ERROR;
}

SAFEADDR_API int safeaddr_header_next(const char *buf, size_t len,
                                      size_t *pos, safeaddr_header *out,
                                      safeaddr_error *err)
{
    if (!pos || !out || (!buf && len))
        return fail(err, SAFEADDR_E_PARAM, 0);
    const size_t p = *pos;
    if (p >= len)
        return SAFEADDR_NEXT_END;
    if (buf[p] == '\n') {
        *pos = p + 1;
        return SAFEADDR_NEXT_END;
    }
    if (buf[p] == '\r' && p + 1 < len && buf[p + 1] == '\n') {
        *pos = p + 2;
        return SAFEADDR_NEXT_END;
    }
    uint32_t lf_only = 0, lines = 0;
    const size_t end = field_end(buf, len, p, &lf_only, &lines);
    *pos = end; /* on any error the caller can go on after this field */
    const char *nul = memchr(buf + p, 0, end - p);
    if (nul)
        return fail(err, SAFEADDR_E_NUL, (size_t)(nul - buf));
    /* field-name = 1*ftext (printable US-ASCII except ':'), then obs
     * optional WSP before the ':' (RFC 5322 3.6.8, 4.5.3) */
    size_t i = p;
    while (i < end && buf[i] > 32 && buf[i] < 127 && buf[i] != ':')
        i++;
    const size_t name_end = i;
    while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    if (name_end == p || i >= end || buf[i] != ':')
        return fail(err, SAFEADDR_E_BAD_HEADER, p);
    size_t vend = end;
    if (vend > i + 1 && buf[vend - 1] == '\n')
        vend--;
    if (vend > i + 1 && buf[vend - 1] == '\r')
        vend--;
    out->name.ptr = buf + p;
    out->name.len = name_end - p;
    out->value.ptr = buf + i + 1;
    out->value.len = vend - (i + 1);
    out->line.ptr = buf + p;
    out->line.len = end - p;
    out->folded = lines > 1;
    out->lf_only = lf_only;
    out->kind = safeaddr_field_kind(out->name, &out->production);
    return SAFEADDR_NEXT_ITEM;
}

static int name_is(safeaddr_span n, const char *lower)
{
    const size_t len = strlen(lower);
    if (n.len != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (safeaddr__lower((unsigned char)n.ptr[i]) != (unsigned char)lower[i])
            return 0;
    return 1;
}

SAFEADDR_API int safeaddr_field_kind(safeaddr_span name, int *production)
{
    /* RFC 5322 3.6.2-3.6.3, 3.6.6, 3.6.7, with RFC 6854 2.1: From takes
     * an address-list (groups included), Sender a single address, which
     * may be a group (sender = "Sender:" (mailbox / address) CRLF). */
    static const char *const lists[] = {
        "from", "reply-to", "to", "cc", "bcc", "resent-from", "resent-to",
        "resent-cc", "resent-bcc"};
    int kind = SAFEADDR_FIELD_OTHER, prod = 0;
    if (name.ptr || !name.len) {
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            if (name_is(name, lists[i])) {
                kind = SAFEADDR_FIELD_ADDRESS_LIST;
                prod = SAFEADDR_ADDRESS_LIST;
            }
        if (name_is(name, "sender") || name_is(name, "resent-sender")) {
            kind = SAFEADDR_FIELD_MAILBOX;
            prod = SAFEADDR_ADDRESS;
        } else if (name_is(name, "return-path")) {
            kind = SAFEADDR_FIELD_PATH;
            prod = SAFEADDR_PATH;
        }
    }
    if (production)
        *production = prod;
    return kind;
}

SAFEADDR_API int safeaddr_unfold(safeaddr_span value, char *out, size_t cap,
                                 size_t *len)
{
    if ((!value.ptr && value.len) || (!out && cap))
        return SAFEADDR_E_PARAM;
    size_t n = 0;
    for (size_t i = 0; i < value.len; i++) {
        const char c = value.ptr[i];
        /* RFC 5322 2.2.3: unfolding removes CRLF (or LF) before WSP */
        if (c == '\r' && i + 2 < value.len && value.ptr[i + 1] == '\n' &&
            (value.ptr[i + 2] == ' ' || value.ptr[i + 2] == '\t')) {
            i++;
            continue;
        }
        if (c == '\n' && i + 1 < value.len &&
            (value.ptr[i + 1] == ' ' || value.ptr[i + 1] == '\t'))
            continue;
        if (n < cap)
            out[n] = c;
        n++;
    }
    if (len)
        *len = n;
    return n <= cap ? SAFEADDR_OK : SAFEADDR_E_NOSPACE;
}
