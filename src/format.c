/*
 * format.c - semantic text of spans, canonical external forms
 *
 * The parser hands out raw spans; this file turns them into the two forms
 * callers need (API-NEEDS.md item 3): internal (unquoted: for lookups,
 * logs, comparisons) and external (minimally quoted: for headers). The
 * external form is tested against the parser: parse(format(x)) gives x's
 * text back (qmail's "parser and quoter" rule; Exim CVE-2019-15846 was a
 * printer/unprinter asymmetry).
 *
 * Every writer takes (out, cap) and computes the full length even when it
 * does not fit, snprintf-style, so nothing is ever truncated silently.
 */
#include "internal.h"
#include "chars.h"
#include <string.h>

typedef void (*put_fn)(void *ctx, unsigned char c);

typedef struct {
    char *out;
    size_t cap;
    size_t n;
} writer;

static void writer_put(void *ctx, unsigned char c)
{
    writer *w = ctx;
    if (w->n < w->cap)
        w->out[w->n] = (char)c;
    w->n++;
}

static void writer_puts(writer *w, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        writer_put(w, (unsigned char)s[i]);
}

static int writer_done(const writer *w, size_t *len)
{
    if (len)
        *len = w->n;
    return w->n <= w->cap ? SAFEADDR_OK : SAFEADDR_E_NOSPACE;
}

/* skip_comment_at - i is at '(' in s; returns the index after the
 * matching ')' (or len). Depth is a counter (no recursion). */
static size_t skip_comment_at(const char *s, size_t len, size_t i)
{
    size_t depth = 0;
    while (i < len) {
        const char c = s[i];
        if (c == '\\' && i + 1 < len) {
            i += 2;
            continue;
        }
        i++;
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            break;
    }
    return i;
}

/* walk_text - feed the semantic bytes of span s to put(). */
static void walk_text(safeaddr_span s, int mode, put_fn put, void *ctx)
{
    const char *p = s.ptr;
    const size_t len = s.len;
    size_t i = 0;
    int pending_space = 0, started = 0;
    if (mode == SAFEADDR_TEXT_COMMENT) {
        size_t end = len;
        if (len > 0 && p[0] == '(')
            i = 1;
        if (end > i && p[end - 1] == ')')
            end--;
        while (i < end) {
            const unsigned char c = (unsigned char)p[i];
            if (c == '\\' && i + 1 < end) {
                put(ctx, (unsigned char)p[i + 1]);
                i += 2;
            } else if (c == '\r' || c == '\n') {
                i++; /* unfold: RFC 5322 2.2.3 */
            } else {
                put(ctx, c);
                i++;
            }
        }
        return;
    }
    while (i < len) {
        const unsigned char c = (unsigned char)p[i];
        if (c == ' ' || c == '\t') {
            pending_space = 1;
            i++;
        } else if (c == '\r' || c == '\n') {
            i++;
        } else if (c == '(') {
            i = skip_comment_at(p, len, i);
            pending_space = 1;
        } else if (c == '"') {
            if (mode == SAFEADDR_TEXT_PHRASE && pending_space && started)
                put(ctx, ' ');
            pending_space = 0;
            started = 1;
            i++;
            while (i < len && p[i] != '"') {
                const unsigned char q = (unsigned char)p[i];
                if (q == '\\' && i + 1 < len) {
                    put(ctx, (unsigned char)p[i + 1]);
                    i += 2;
                } else if (q == '\r' || q == '\n') {
                    i++;
                } else {
                    put(ctx, q);
                    i++;
                }
            }
            i++; /* closing quote (or past the end when unterminated) */
        } else if (c == '[') {
            /* domain literal: kept with its brackets, quoted-pairs resolved */
            if (mode == SAFEADDR_TEXT_PHRASE && pending_space && started)
                put(ctx, ' ');
            pending_space = 0;
            started = 1;
            while (i < len) {
                const unsigned char q = (unsigned char)p[i];
                if (q == '\\' && i + 1 < len) {
                    put(ctx, (unsigned char)p[i + 1]);
                    i += 2;
                    continue;
                }
                i++;
                if (q == '\r' || q == '\n')
                    continue;
                put(ctx, q);
                if (q == ']')
                    break;
            }
        } else {
            if (mode == SAFEADDR_TEXT_PHRASE && pending_space && started)
                put(ctx, ' ');
            pending_space = 0;
            started = 1;
            put(ctx, c);
            i++;
        }
    }
}

SAFEADDR_API int safeaddr_text(safeaddr_span span, int mode, char *out,
                               size_t cap, size_t *len)
{
    if ((!span.ptr && span.len) || (!out && cap) ||
        mode < SAFEADDR_TEXT_PHRASE || mode > SAFEADDR_TEXT_COMMENT)
        return SAFEADDR_E_PARAM;
    writer w = {out, cap, 0};
    walk_text(span, mode, writer_put, &w);
    return writer_done(&w, len);
}

SAFEADDR_API int safeaddr_next_comment(safeaddr_span span, size_t *pos,
                                       safeaddr_span *comment)
{
    if (!pos || !comment || (!span.ptr && span.len))
        return 0;
    const char *p = span.ptr;
    size_t i = *pos;
    while (i < span.len) {
        const char c = p[i];
        if (c == '"' || c == '[') {
            const char close = c == '"' ? '"' : ']';
            i++;
            while (i < span.len && p[i] != close)
                i += (p[i] == '\\' && i + 1 < span.len) ? 2 : 1;
            i++;
        } else if (c == '(') {
            const size_t end = skip_comment_at(p, span.len, i);
            comment->ptr = p + i;
            comment->len = end - i;
            *pos = end;
            return 1;
        } else {
            i++;
        }
    }
    *pos = span.len;
    return 0;
}

/* ------------------------------------------------------------ quoting */

/* Streaming check of "is this text a dot-atom" (local parts) or "a run of
 * atoms separated by single spaces" (phrases). */
typedef struct {
    int ok;
    int phrase;
    size_t n;
    unsigned char prev;
} shape;

static void shape_put(void *ctx, unsigned char c)
{
    shape *s = ctx;
    const unsigned char sep = s->phrase ? ' ' : '.';
    if (c == sep) {
        if (s->n == 0 || s->prev == sep)
            s->ok = 0;
    } else if (c < 0x80 && !safeaddr__is_atext(c)) {
        s->ok = 0;
    }
    s->prev = c;
    s->n++;
}

static int shape_done(const shape *s)
{
    const unsigned char sep = s->phrase ? ' ' : '.';
    return s->ok && s->n > 0 && s->prev != sep;
}

/* quoted_put - inside a quoted string only '"' and '\' need escaping
 * (RFC 5322 3.2.4 qtext excludes exactly those two). */
static void quoted_put(void *ctx, unsigned char c)
{
    if (c == '"' || c == '\\')
        writer_put(ctx, '\\');
    writer_put(ctx, c);
}

/* emit_quoted_or_plain - write the text of span (mode) as is when it has
 * the plain shape, else as one quoted string. */
static void emit_text(writer *w, safeaddr_span span, int mode, int phrase)
{
    shape sh = {1, phrase, 0, 0};
    walk_text(span, mode, shape_put, &sh);
    if (shape_done(&sh)) {
        walk_text(span, mode, writer_put, w);
    } else {
        writer_put(w, '"');
        walk_text(span, mode, quoted_put, w);
        writer_put(w, '"');
    }
}

static int text_ok(const char *text, size_t len)
{
    /* NUL, CR and LF cannot be represented in a header field body */
    return !(memchr(text, 0, len) || memchr(text, '\r', len) ||
             memchr(text, '\n', len));
}

static int quote_plain(const char *text, size_t text_len, int phrase,
                       char *out, size_t cap, size_t *len)
{
    if ((!text && text_len) || (!out && cap))
        return SAFEADDR_E_PARAM;
    if (text_len && !text_ok(text, text_len))
        return SAFEADDR_E_PARAM;
    shape sh = {1, phrase, 0, 0};
    for (size_t i = 0; i < text_len; i++)
        shape_put(&sh, (unsigned char)text[i]);
    writer w = {out, cap, 0};
    if (shape_done(&sh)) {
        writer_puts(&w, text, text_len);
    } else {
        writer_put(&w, '"');
        for (size_t i = 0; i < text_len; i++)
            quoted_put(&w, (unsigned char)text[i]);
        writer_put(&w, '"');
    }
    return writer_done(&w, len);
}

SAFEADDR_API int safeaddr_quote_phrase(const char *text, size_t text_len,
                                       char *out, size_t cap, size_t *len)
{
    return quote_plain(text, text_len, 1, out, cap, len);
}

SAFEADDR_API int safeaddr_quote_local(const char *text, size_t text_len,
                                      char *out, size_t cap, size_t *len)
{
    return quote_plain(text, text_len, 0, out, cap, len);
}

/* Is every byte of the text atext or '.', and the first one not '.'? An
 * unqualified name is written back as it was read (obs dots and all):
 * quoting it would turn it into a lone quoted string, which is not
 * accepted without a domain. A leading '.' cannot start a bare word
 * (obs-local-part = word *("." word), RFC 5322 4.4), so such a name (only
 * LENIENT reads one, from a lone quoted string) is printed quoted. */
typedef struct {
    int ok;
    size_t n;
} loose_shape;

static void loose_put(void *ctx, unsigned char c)
{
    loose_shape *s = ctx;
    if (s->n == 0 && c == '.')
        s->ok = 0;
    s->n++;
    if (c != '.' && c < 0x80 && !safeaddr__is_atext(c))
        s->ok = 0;
}

/* A domain literal's text has its quoted-pairs resolved; written back into
 * a header, '[' ']' and '\' inside it must be escaped again (obs-dtext,
 * RFC 5322 4.4), or "[a\]b]" would come back as "[a]b]" and not parse.
 * The outer brackets are the first and the last byte: a one-byte delay
 * tells the last one apart. */
typedef struct {
    writer *w;
    size_t n;
    unsigned char held;
} literal_writer;

static void literal_put(void *ctx, unsigned char c)
{
    literal_writer *l = ctx;
    if (l->n > 1 && (l->held == '[' || l->held == ']' || l->held == '\\'))
        writer_put(l->w, '\\');
    if (l->n > 0)
        writer_put(l->w, l->held);
    l->held = c;
    l->n++;
}

static void emit_domain(writer *w, safeaddr_span domain)
{
    if (domain.len == 0 || domain.ptr[0] != '[') {
        walk_text(domain, SAFEADDR_TEXT_ADDR, writer_put, w);
        return;
    }
    literal_writer l = {w, 0, 0};
    walk_text(domain, SAFEADDR_TEXT_ADDR, literal_put, &l);
    if (l.n > 0)
        writer_put(w, l.held); /* the closing ']' */
}

static void emit_addr_spec(writer *w, const safeaddr_item *item)
{
    if (item->local.len == 0 && item->domain.len == 0)
        return; /* <> */
    if (item->domain.len == 0) {
        loose_shape sh = {1, 0};
        walk_text(item->local, SAFEADDR_TEXT_ADDR, loose_put, &sh);
        if (sh.ok && sh.n > 0) {
            walk_text(item->local, SAFEADDR_TEXT_ADDR, writer_put, w);
            return;
        }
    }
    emit_text(w, item->local, SAFEADDR_TEXT_ADDR, 0);
    if (item->domain.len) {
        writer_put(w, '@');
        emit_domain(w, item->domain);
    }
}

SAFEADDR_API int safeaddr_format_addr_spec(const safeaddr_item *item,
                                           char *out, size_t cap, size_t *len)
{
    if (!item || (!out && cap) || item->kind != SAFEADDR_ITEM_MAILBOX)
        return SAFEADDR_E_PARAM;
    writer w = {out, cap, 0};
    emit_addr_spec(&w, item);
    return writer_done(&w, len);
}

SAFEADDR_API int safeaddr_format_mailbox(const safeaddr_item *item, char *out,
                                         size_t cap, size_t *len)
{
    if (!item || (!out && cap) || item->kind != SAFEADDR_ITEM_MAILBOX)
        return SAFEADDR_E_PARAM;
    writer w = {out, cap, 0};
    size_t display_len = 0;
    if (item->display.len) {
        shape measure = {1, 1, 0, 0};
        walk_text(item->display, SAFEADDR_TEXT_PHRASE, shape_put, &measure);
        display_len = measure.n;
    }
    if (display_len == 0 && item->domain.len == 0 && item->local.len) {
        /* "postmaster" stays bare: "<postmaster>" needs SAFEADDR_LENIENT */
        emit_addr_spec(&w, item);
        return writer_done(&w, len);
    }
    if (display_len) {
        emit_text(&w, item->display, SAFEADDR_TEXT_PHRASE, 1);
        writer_put(&w, ' ');
    }
    writer_put(&w, '<');
    emit_addr_spec(&w, item);
    writer_put(&w, '>');
    return writer_done(&w, len);
}
