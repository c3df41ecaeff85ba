/*
 * utf8.c - shortest-form UTF-8 validation (RFC 3629 section 4)
 *
 * RFC 6532 section 3.1 admits UTF-8 in atoms, quoted strings, comments and
 * domains, but only well-formed UTF-8: an overlong form is how "modified
 * UTF-8" smuggles NUL (C0 80) and how an '@' hides as E0 81 80 (hostile
 * utf8-004, utf8-006); surrogates and values above U+10FFFF are not
 * characters at all. Every check reads only bytes inside `avail`.
 */
#include "internal.h"

size_t safeaddr__utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
    if (avail == 0)
        return 0;
    const unsigned char b0 = p[0];
    size_t need;
    uint32_t v, min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2; v = b0 & 0x1Fu; min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3; v = b0 & 0x0Fu; min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4; v = b0 & 0x07u; min = 0x10000;
    } else {
        return 0; /* ASCII is not a sequence here; 80-C1, F5-FF never start one */
    }
    if (avail < need)
        return 0; /* truncated at end of input: utf8-011, Dovecot CVE-2020-7046 */
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
        return 0;
    if (cp)
        *cp = v;
    return need;
}

int safeaddr__suspicious_cp(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F)         /* C1 controls (NEL ...)      */
        || (cp >= 0x200B && cp <= 0x200F)     /* zero-width, LRM, RLM       */
        || (cp >= 0x202A && cp <= 0x202E)     /* bidi embeddings/overrides  */
        || (cp >= 0x2060 && cp <= 0x2064)     /* word joiner, invisibles    */
        || (cp >= 0x2066 && cp <= 0x2069)     /* bidi isolates              */
        || cp == 0xFEFF                       /* BOM / ZWNBSP               */
        || cp == 0x00AD;                      /* soft hyphen                */
}
