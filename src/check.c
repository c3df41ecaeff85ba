/*
 * check.c - shape diagnostics on accepted addresses
 *
 * The grammar decides what is valid; these checks only describe what was
 * accepted, for callers who decide policy: RFC 5321 4.5.3.1 sizes, host
 * name rules (RFC 1123 2.1, RFC 5890 A-labels), address literals (RFC 5321
 * 4.1.3), encoded-words where RFC 2047 section 5 forbids them, and shapes
 * that mail software has been exploited through (program and file
 * addresses, qmail SECURITY rule 1; option injection, PHPMailer
 * CVE-2016-10033; expansion, Exim CVE-2019-10149). Each check reads the
 * address bytes once.
 */
#include "internal.h"
#include "chars.h"
#include <string.h>

static size_t off_of(const safeaddr_iter *it, const char *p)
{
    return (size_t)(p - it->buf_);
}

/* safeaddr__has_encoded_word - "=?" ... "?=" anywhere in the span (RFC 2047 2). */
int safeaddr__has_encoded_word(safeaddr_span s)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    while (p < end) {
        const char *q = memchr(p, '=', (size_t)(end - p));
        if (!q || q + 1 >= end)
            return 0;
        if (q[1] == '?') {
            const char *r = q + 2;
            while (r + 1 < end) {
                const char *x = memchr(r, '?', (size_t)(end - r));
                if (!x || x + 1 >= end)
                    return 0;
                if (x[1] == '=')
                    return 1;
                r = x + 1;
            }
            return 0;
        }
        p = q + 1;
    }
    return 0;
}

void safeaddr__check_local(safeaddr_iter *it, safeaddr_item *item)
{
    const safeaddr_span l = item->local;
    if (l.len == 0)
        return;
    const size_t at = off_of(it, l.ptr);
    if (l.len > 64) /* RFC 5321 4.5.3.1.1 */
        safeaddr__diag(it, &item->diag, SAFEADDR_D_LOCAL_TOO_LONG_BIT, at + 64);
    const int quoted = (item->diag & SAFEADDR_D_QUOTED_LOCAL) != 0;
    const unsigned char first =
        (unsigned char)(quoted && l.len > 1 ? l.ptr[1] : l.ptr[0]);
    int metachar = first == '|' || first == '/' || first == '-';
    uint16_t all = 0xFFFF;
    for (size_t i = 0; i < l.len; i++)
        all &= safeaddr__char_class[(unsigned char)l.ptr[i]];
    if (!(all & SAFEADDR__C_PLAIN)) {
        /* Second look: '=' (maybe an encoded-word), '$' '`' (expansion),
         * and for quoted local parts what the quotes protect. */
        int equals = 0, needs_quotes = 0;
        size_t content = 0;
        for (size_t i = 0; i < l.len; i++) {
            const unsigned char c = (unsigned char)l.ptr[i];
            equals |= c == '=';
            metachar |= c == '$' || c == '`';
            if (c == '"')
                continue;
            content++;
            if (c != '.' && c < 0x80 && !safeaddr__is_atext(c))
                needs_quotes = 1;
        }
        if (equals && safeaddr__has_encoded_word(l)) /* "Splitting the Email Atom" */
            safeaddr__diag(it, &item->diag, SAFEADDR_D_ENCODED_WORD_IN_ADDR_BIT, at);
        /* a local part that must stay quoted in every SMTP envelope
         * (multi-at-005, crlf-019, metachar-007) */
        if (quoted && content == 0)
            safeaddr__diag(it, &item->diag, SAFEADDR_D_EMPTY_QUOTED_LOCAL_BIT, at);
        else if (quoted && needs_quotes)
            safeaddr__diag(it, &item->diag, SAFEADDR_D_LOCAL_NEEDS_QUOTES_BIT, at);
    }
    if (metachar)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_LOCAL_METACHAR_BIT, at);
}

/* ipv4 - dotted quad of decimal octets without leading zeros */
static int ipv4(const char *p, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || p[i] != '.')
                return 0;
            i++;
        }
        size_t digits = 0;
        unsigned v = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(p[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255 ||
            (digits > 1 && p[i - digits] == '0'))
            return 0;
    }
    return i == n;
}

/* ipv6 - RFC 4291 2.2 text forms, with an embedded IPv4 tail */
static int ipv6(const char *p, size_t n)
{
    size_t i = 0;
    unsigned groups = 0;
    int gap = 0;
    if (n >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 1;
        i = 2;
        if (i == n)
            return 1;
    } else if (n >= 1 && p[0] == ':') {
        return 0;
    }
    for (;;) {
        size_t start = i, hex = 0;
        while (i < n && hex < 5 &&
               (safeaddr__char_class[(unsigned char)p[i]] & SAFEADDR__C_HEX)) {
            i++;
            hex++;
        }
        if (i < n && p[i] == '.') {
            /* IPv4 tail counts as two groups */
            if (!ipv4(p + start, n - start) || groups > 6)
                return 0;
            groups += 2;
            i = n;
            break;
        }
        if (hex == 0 || hex > 4)
            return 0;
        groups++;
        if (i == n)
            break;
        if (p[i] != ':')
            return 0;
        i++;
        if (i < n && p[i] == ':') {
            if (gap)
                return 0;
            gap = 1;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return 0;
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

static int literal_valid(safeaddr_span d)
{
    /* d is "[...]" */
    const char *p = d.ptr + 1;
    const size_t n = d.len - 2;
    if (ipv4(p, n))
        return 1;
    if (n > 5 && (p[0] == 'I' || p[0] == 'i') && (p[1] == 'P' || p[1] == 'p') &&
        (p[2] == 'v' || p[2] == 'V') && p[3] == '6' && p[4] == ':')
        return ipv6(p + 5, n - 5);
    return 0;
}

void safeaddr__check_domain(safeaddr_iter *it, safeaddr_item *item)
{
    const safeaddr_span d = item->domain;
    if (d.len == 0)
        return;
    const size_t at = off_of(it, d.ptr);
    if (d.ptr[0] == '[') {
        safeaddr__diag(it, &item->diag, SAFEADDR_D_LITERAL_BIT, at);
        if (d.len < 2 || d.ptr[d.len - 1] != ']' || !literal_valid(d))
            safeaddr__diag(it, &item->diag, SAFEADDR_D_LITERAL_INVALID_BIT, at);
        return;
    }
    if (item->diag & SAFEADDR_D_OBS_CFWS_IN_ADDR) {
        /* the raw span holds CFWS: label rules do not apply to it as is */
        if (safeaddr__has_encoded_word(d))
            safeaddr__diag(it, &item->diag, SAFEADDR_D_ENCODED_WORD_IN_ADDR_BIT, at);
        return;
    }
    if (d.len > 255) /* RFC 5321 4.5.3.1.2 */
        safeaddr__diag(it, &item->diag, SAFEADDR_D_DOMAIN_TOO_LONG_BIT, at + 255);
    /* Host name rules: letters, digits and hyphens (RFC 1123 2.1; 8-bit
     * U-labels are left to IDNA), labels of 1..63 octets (RFC 1035 2.3.4)
     * not starting or ending with '-', and a top label that is not all
     * digits (an IP address without brackets, ip-literal-005). One pass,
     * label by label: the classes of each label's bytes are ANDed; the top
     * label is the last one, or the one before a trailing root dot. */
    const unsigned char *s = (const unsigned char *)d.ptr;
    const size_t n = d.len;
    uint16_t all = 0xFFFF, top_all = 0xFFFF;
    size_t labels = 0, top_len = 0;
    int hostname = 1, too_long = 0;
    size_t i = 0;
    for (;;) {
        const size_t label_start = i;
        uint16_t label_all = 0xFFFF;
        while (i < n && s[i] != '.')
            label_all &= safeaddr__char_class[s[i++]];
        const size_t label_len = i - label_start;
        if (label_len > 0) {
            labels++;
            too_long |= label_len > 63;
            hostname &= s[label_start] != '-' && s[i - 1] != '-';
            all &= label_all;
        }
        top_len = label_len;
        top_all = label_all;
        if (i >= n)
            break; /* the last label is the top one */
        i++;       /* the dot */
        if (i == n)
            break; /* a trailing root dot: the label before it is the top */
    }
    if (!(all & SAFEADDR__C_HOST))
        hostname = 0;
    const int digits_only = top_len > 0 && (top_all & SAFEADDR__C_DIGIT);
    if (!hostname && memchr(d.ptr, '=', d.len) && safeaddr__has_encoded_word(d))
        safeaddr__diag(it, &item->diag, SAFEADDR_D_ENCODED_WORD_IN_ADDR_BIT, at);
    if (too_long)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_DOMAIN_TOO_LONG_BIT, at);
    if (!hostname || digits_only)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_DOMAIN_NOT_HOSTNAME_BIT, at);
    if (labels == 1)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_SINGLE_LABEL_DOMAIN_BIT, at);
}

void safeaddr__check_display(safeaddr_iter *it, safeaddr_item *item)
{
    const safeaddr_span s = item->display;
    const size_t at = off_of(it, s.ptr);
    /* Address-like text in a display name, quoted or not: shown to the
     * reader as the sender (display-name-002, OpenDMARC #243). */
    if (memchr(s.ptr, '@', s.len) || memchr(s.ptr, '<', s.len) ||
        memchr(s.ptr, '>', s.len))
        safeaddr__diag(it, &item->diag, SAFEADDR_D_ADDRESS_LIKE_NAME_BIT, at);
    safeaddr__check_display_encoded(it, item);
}

void safeaddr__check_display_encoded(safeaddr_iter *it, safeaddr_item *item)
{
    if (safeaddr__has_encoded_word(item->display))
        safeaddr__diag(it, &item->diag, SAFEADDR_D_ENCODED_WORD_BIT,
                       off_of(it, item->display.ptr));
}
