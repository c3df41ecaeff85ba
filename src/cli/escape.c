/*
 * escape.c - the line-protocol escaping and JSON string output of the
 * safeaddr command
 *
 * Everything the command prints must survive being read back by a line
 * reader: no raw NUL, CR or LF ever reaches stdout (hostile/README.md: "never
 * produce output containing NUL, CR or LF"), and JSON strings stay valid
 * UTF-8 (RFC 8259 section 8.1). Bytes that are not valid UTF-8 are shown as
 * \u00XX of the byte and flagged as lossy so the caller can add a "_hex"
 * twin with the exact bytes (reference/CLI.md: nothing is lost).
 */
#include "cli.h"

#include <stdint.h>

/* hex_value - value of an ASCII hex digit, or -1 */
static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cli_unescape(const char *in, size_t len, char *out, size_t *outlen)
{
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        const unsigned char c = (unsigned char)in[i];
        if (c != '\\') {
            out[n++] = (char)c;
            i++;
            continue;
        }
        /* a backslash must start one of the five escapes of the protocol
         * (testdata/external/README.md); anything else is a protocol error,
         * never guessed at, so two readers cannot disagree on the bytes */
        if (len - i < 2) {
            *outlen = i;
            return -1;
        }
        const unsigned char e = (unsigned char)in[i + 1];
        if (e == '\\' || e == 'n' || e == 'r' || e == 't') {
            out[n++] = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : '\\';
            i += 2;
            continue;
        }
        if (e == 'x' && len - i >= 4) {
            const int hi = hex_value((unsigned char)in[i + 2]);
            const int lo = hex_value((unsigned char)in[i + 3]);
            if (hi >= 0 && lo >= 0) {
                out[n++] = (char)(unsigned char)(hi * 16 + lo);
                i += 4;
                continue;
            }
        }
        *outlen = i;
        return -1;
    }
    *outlen = n;
    return 0;
}

/* utf8_valid_len - length (2..4) of the valid shortest-form UTF-8 sequence
 * at s[0..avail) whose lead byte is >= 0x80, or 0. Rejects overlong forms
 * (C0 80 is "modified UTF-8" NUL), surrogates (CESU-8) and code points above
 * U+10FFFF (RFC 3629 section 3). */
static size_t utf8_valid_len(const unsigned char *s, size_t avail)
{
    const unsigned char b0 = s[0];
    size_t need;
    uint32_t cp;
    uint32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < need)
        return 0;
    for (size_t k = 1; k < need; k++) {
        if ((s[k] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
        return 0;
    return need;
}

static void put_hex_escape(FILE *f, const char *prefix, unsigned char c)
{
    static const char digits[] = "0123456789abcdef";
    fputs(prefix, f);
    fputc(digits[c >> 4], f);
    fputc(digits[c & 15u], f);
}

void cli_write_escaped(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the pending run of pass-through bytes */
    size_t i = 0;
    while (i < len) {
        const unsigned char c = p[i];
        size_t keep = 0;
        if (c >= 0x20 && c < 0x7F && c != '\\')
            keep = 1;
        else if (c >= 0x80)
            keep = utf8_valid_len(p + i, len - i);
        if (keep) {
            i += keep;
            continue;
        }
        if (i > run)
            fwrite(p + run, 1, i - run, f);
        if (c == '\\')
            fputs("\\\\", f);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else
            put_hex_escape(f, "\\x", c);
        i++;
        run = i;
    }
    if (i > run)
        fwrite(p + run, 1, i - run, f);
}

void cli_write_json_string(FILE *f, const char *s, size_t len, int *lossy)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    size_t i = 0;
    fputc('"', f);
    while (i < len) {
        const unsigned char c = p[i];
        size_t keep = 0;
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            keep = 1;
        else if (c >= 0x80)
            keep = utf8_valid_len(p + i, len - i);
        if (keep) {
            i += keep;
            continue;
        }
        if (i > run)
            fwrite(p + run, 1, i - run, f);
        if (c == '"')
            fputs("\\\"", f);
        else if (c == '\\')
            fputs("\\\\", f);
        else {
            /* controls and DEL as \u00XX (RFC 8259 section 7), so the line
             * never holds a raw control byte; a byte of invalid UTF-8 is
             * shown the same way but that changes its meaning (it now
             * reads as U+0080..U+00FF), so the caller is told */
            put_hex_escape(f, "\\u00", c);
            if (c >= 0x80 && lossy)
                *lossy = 1;
        }
        i++;
        run = i;
    }
    if (i > run)
        fwrite(p + run, 1, i - run, f);
    fputc('"', f);
}
