/*
 * lex.c - tokens and CFWS from classified blocks
 *
 * The lexer never looks at bytes one by one on the fast path: it asks
 * safeaddr__next_stop() for the next byte that can end the current run
 * (an atom, quoted text, comment text) and that answer comes from the
 * block masks with count-trailing-zeros. Only the stop bytes themselves,
 * and 8-bit sequences, are examined individually.
 *
 * Guarantees: reads only [buf, buf+len); every loop advances pos by at
 * least one byte, so the work is linear; comment nesting is a counter
 * bounded by max_comment_depth, never recursion; every error carries the
 * offset of the offending byte (len for "ended too early").
 *
 * Standards: RFC 5322 3.2.1 (quoted-pair), 3.2.2 (FWS, comments),
 * 3.2.3 (atoms), 3.2.4 (quoted strings), 3.4.1 (domain literals),
 * 4.1-4.4 (obsolete forms), RFC 6532 3.2 (UTF-8).
 */
#include "internal.h"
#include "chars.h"
#include <string.h>

/* ------------------------------------------------------------ blocks */

/* load_block - classify the 64 bytes at base (fewer at the end of the
 * input) into the iterator's block cache, with the cache kernel chosen at
 * init. Nothing is ever read past buf+len (SIMD.md section 11; scan.h
 * says how each kernel keeps to that). */
void safeaddr__load_block(safeaddr_iter *it, size_t base)
{
    const safeaddr__cache_fn cache = (safeaddr__cache_fn)it->kernel_;
    cache((const unsigned char *)it->buf_ + base, it->len_ - base,
          it->masks_);
    it->block_base_ = base;
}

size_t safeaddr__next_stop_slow(safeaddr_iter *it, size_t pos, int which)
{
    const size_t len = it->len_;
    while (pos < len) {
        const size_t base = pos & ~(size_t)63;
        if (base != it->block_base_)
            safeaddr__load_block(it, base);
        const uint64_t m = it->masks_[which] >> (pos - base);
        if (m != 0)
            return pos + (size_t)__builtin_ctzll(m);
        pos = base + 64;
    }
    return len;
}

/* ------------------------------------------------------- diagnostics */

void safeaddr__diag(safeaddr_iter *it, uint64_t *dst, unsigned bit,
                    size_t offset)
{
    const uint64_t mask = (uint64_t)1 << bit;
    if (it->mute_)
        return;
    if (dst)
        *dst |= mask;
    it->field_diag_ |= mask;
    if (it->on_diag_)
        it->on_diag_(it->diag_ctx_, bit, offset);
}

static int fail(safeaddr_error *err, int code, size_t offset)
{
    err->code = code;
    err->offset = offset;
    return code;
}

static int is_control(unsigned char c)
{
    return (safeaddr__char_class[c] & SAFEADDR__C_CTL) != 0;
}

/* line_break - at a CR or LF at pos: if it begins legal folding (CRLF then
 * WSP; LF then WSP with SAFEADDR_ACCEPT_LF) store the number of line-break
 * bytes in *n and return OK. Anything else is header injection waiting to
 * happen (crlf-001, SMTP smuggling CVE-2023-51764/51766): an error at the
 * first byte of the break. */
static int line_break(safeaddr_iter *it, size_t pos, uint64_t *item_diag,
                      size_t *n, safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    size_t brk;
    if (b[pos] == '\r') {
        if (pos + 1 >= len || b[pos + 1] != '\n')
            return fail(err, SAFEADDR_E_BARE_CR, pos);
        brk = 2;
    } else {
        if (!(it->flags_ & SAFEADDR_ACCEPT_LF))
            return fail(err, SAFEADDR_E_BARE_LF, pos);
        brk = 1;
    }
    const size_t next = pos + brk;
    if (next >= len || (b[next] != ' ' && b[next] != '\t'))
        return fail(err, SAFEADDR_E_LINE_BREAK, pos);
    if (brk == 1)
        safeaddr__diag(it, item_diag, SAFEADDR_D_LF_FOLD_BIT, pos);
    /* RFC 5322 4.2: a line of only white space is obs-FWS. */
    const size_t after = safeaddr__next_stop(it, next, SAFEADDR__STOP_NONWSP);
    if (after < len && (b[after] == '\r' || b[after] == '\n'))
        safeaddr__diag(it, item_diag, SAFEADDR_D_OBS_FWS_BIT, pos);
    /* RFC 5322 2.1.1: lines are at most 998 octets. The first line also
     * carries the field name, which we do not see: counted from the body. */
    if (pos - it->line_start_ > 998)
        safeaddr__diag(it, item_diag, SAFEADDR_D_LINE_TOO_LONG_BIT,
                       it->line_start_ + 998);
    it->line_start_ = next;
    *n = brk;
    return SAFEADDR_OK;
}

/* text_8bit - an 8-bit byte inside a comment: kept verbatim, diagnosed. */
static size_t text_8bit(safeaddr_iter *it, size_t pos, uint64_t *item_diag)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    uint32_t cp = 0;
    const size_t seq = safeaddr__utf8_seq(b + pos, it->len_ - pos, &cp);
    if (seq == 0) {
        safeaddr__diag(it, item_diag, SAFEADDR_D_BAD_UTF8_TEXT_BIT, pos);
        return 1;
    }
    safeaddr__diag(it, item_diag, SAFEADDR_D_UTF8_TEXT_BIT, pos);
    if (safeaddr__suspicious_cp(cp))
        safeaddr__diag(it, item_diag, SAFEADDR_D_SUSPICIOUS_UNICODE_BIT, pos);
    return seq;
}

/* escaped_byte - the byte a quoted-pair at pos escapes (RFC 5322 3.2.1).
 * It is taken literally, but the NUL and line-break policy still applies
 * to it, in every region alike: backslash-NUL is Exim CVE-2019-15846, an
 * escaped CR smuggles a line break (hostile crlf-014). The caller has
 * checked that pos + 1 < len. */
static int escaped_byte(const safeaddr_iter *it, size_t pos, unsigned char *d,
                        safeaddr_error *err)
{
    *d = (unsigned char)it->buf_[pos + 1];
    if (*d == 0)
        return fail(err, SAFEADDR_E_NUL, pos + 1);
    if (*d == '\r' || *d == '\n')
        return fail(err, SAFEADDR_E_ESCAPED_LINE_BREAK, pos + 1);
    return SAFEADDR_OK;
}

/* ---------------------------------------------------------- comments */

/* skip_comment - it->pos_ is at '('. Depth is a counter: the CVE-2002-1337
 * lesson (and eml_parser GHSA-m66c-fw79-6359) is that nesting must cost
 * neither stack nor unbounded work. Depth max+1 is an error at the '('
 * that opens it (hostile nesting-001: offset 64 with the default 64). */
static int skip_comment(safeaddr_iter *it, uint64_t *item_diag,
                        safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    size_t pos = it->pos_ + 1;
    uint32_t depth = 1;
    if (depth > it->max_depth_)
        return fail(err, SAFEADDR_E_COMMENT_TOO_DEEP, it->pos_);
    for (;;) {
        pos = safeaddr__next_stop(it, pos, SAFEADDR__STOP_COMMENT);
        if (pos >= len)
            return fail(err, SAFEADDR_E_UNTERMINATED_COMMENT, len);
        const unsigned char c = b[pos];
        if (c == '(') {
            if (depth >= it->max_depth_)
                return fail(err, SAFEADDR_E_COMMENT_TOO_DEEP, pos);
            depth++;
            pos++;
        } else if (c == ')') {
            pos++;
            if (--depth == 0) {
                it->pos_ = pos;
                return SAFEADDR_OK;
            }
        } else if (c == '\\') {
            if (pos + 1 >= len)
                return fail(err, SAFEADDR_E_UNTERMINATED_COMMENT, len);
            unsigned char d;
            const int rc = escaped_byte(it, pos, &d, err);
            if (rc != SAFEADDR_OK)
                return rc;
            if (d >= 0x80) {
                pos += 1 + text_8bit(it, pos + 1, item_diag);
            } else {
                if (is_control(d))
                    safeaddr__diag(it, item_diag, SAFEADDR_D_OBS_CONTROL_BIT,
                                   pos + 1);
                pos += 2;
            }
        } else if (c >= 0x80) {
            pos += text_8bit(it, pos, item_diag);
        } else if (c == 0) {
            return fail(err, SAFEADDR_E_NUL, pos);
        } else if (c == '\r' || c == '\n') {
            size_t n;
            const int rc = line_break(it, pos, item_diag, &n, err);
            if (rc != SAFEADDR_OK)
                return rc;
            pos += n;
        } else {
            /* obs-ctext (RFC 5322 4.1): legal but obsolete */
            if (is_control(c))
                safeaddr__diag(it, item_diag, SAFEADDR_D_OBS_CONTROL_BIT, pos);
            pos++;
        }
    }
}

int safeaddr__skip_cfws_slow(safeaddr_iter *it, safeaddr__cfws *cf,
                             uint64_t *item_diag, safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    for (;;) {
        const size_t pos = it->pos_;
        if (pos >= len)
            return SAFEADDR_OK;
        const unsigned char c = b[pos];
        if (c == ' ' || c == '\t') {
            cf->white = 1;
            it->pos_ = safeaddr__next_stop(it, pos + 1, SAFEADDR__STOP_NONWSP);
        } else if (c == '\r' || c == '\n') {
            size_t n;
            const int rc = line_break(it, pos, item_diag, &n, err);
            if (rc != SAFEADDR_OK)
                return rc;
            cf->white = 1;
            it->pos_ = pos + n;
        } else if (c == '(') {
            if (cf->first_start == SAFEADDR__NONE)
                cf->first_start = pos;
            safeaddr__diag(it, item_diag, SAFEADDR_D_COMMENT_BIT, pos);
            const int rc = skip_comment(it, item_diag, err);
            if (rc != SAFEADDR_OK)
                return rc;
            cf->comment = 1;
            cf->last_end = it->pos_;
        } else {
            return SAFEADDR_OK;
        }
    }
}

/* ------------------------------------------------------------ tokens */

/* note_8bit - an 8-bit byte in an atom or quoted string. Whether invalid
 * UTF-8 is an error depends on the role the word ends up in (error in an
 * address, kept with a diagnostic in a display name), so it is recorded,
 * not judged, here. Returns the bytes to advance. */
static size_t note_8bit(safeaddr_iter *it, size_t pos, safeaddr__token *t)
{
    if (t->first_bad != SAFEADDR__NONE) {
        /* Once the first invalid byte is recorded, further bytes that can
         * start no UTF-8 sequence (80-C1, F5-FF: RFC 3629 section 4)
         * change nothing: a whole run is skipped at once, not one call a
         * byte (a long run of 0xFF is a hostile pattern). */
        const unsigned char *b = (const unsigned char *)it->buf_;
        size_t end = pos;
        while (end < it->len_ && b[end] >= 0x80 && (b[end] < 0xC2 || b[end] > 0xF4))
            end++;
        if (end > pos)
            return end - pos;
    }
    uint32_t cp = 0;
    const size_t seq = safeaddr__utf8_seq((const unsigned char *)it->buf_ + pos,
                                          it->len_ - pos, &cp);
    if (seq == 0) {
        if (t->first_bad == SAFEADDR__NONE)
            t->first_bad = pos;
        return 1;
    }
    t->has_8bit = 1;
    if (t->first_susp == SAFEADDR__NONE && safeaddr__suspicious_cp(cp))
        t->first_susp = pos;
    return seq;
}

static void lex_atom(safeaddr_iter *it, safeaddr__token *t)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    size_t pos = t->start;
    for (;;) {
        pos = safeaddr__next_stop(it, pos, SAFEADDR__STOP_ATOM);
        if (pos < it->len_ && b[pos] >= 0x80) {
            pos += note_8bit(it, pos, t);
            continue;
        }
        /* The caller saw atext here by the byte table; should a kernel's
         * mask ever disagree, the table wins and the atom still advances,
         * so a kernel bug can never turn into an endless loop. */
        if (pos < it->len_ && safeaddr__is_atext(b[pos])) {
            pos++;
            continue;
        }
        break;
    }
    t->kind = SAFEADDR__TK_ATOM;
    t->end = pos;
    it->pos_ = pos;
}

/* quoted_stop - a byte that stopped the scan of a quoted string at pos,
 * other than its closing quote: the end of the input, a quoted-pair, an
 * 8-bit byte, NUL, a line break or a control. Returns the position to
 * scan on from, or NONE with *err set. Kept out of line so that the scan
 * of plain quoted strings (the common case, and the hostile run of empty
 * ones) stays a loop without a stack frame. */
__attribute__((noinline)) static size_t quoted_stop(safeaddr_iter *it,
                                                    safeaddr__token *t,
                                                    size_t pos,
                                                    safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    if (pos >= len || (b[pos] == '\\' && pos + 1 >= len)) {
        /* Unterminated (or a final backslash escaping nothing: the
         * read-past-terminator shape of Exim CVE-2019-15846). */
        if (!(it->flags_ & SAFEADDR_LENIENT)) {
            fail(err, SAFEADDR_E_UNTERMINATED_QUOTE, len);
            return SAFEADDR__NONE;
        }
        t->recovered = 1;
        return len;
    }
    const unsigned char c = b[pos];
    if (c == '\\') {
        unsigned char d;
        if (escaped_byte(it, pos, &d, err) != SAFEADDR_OK)
            return SAFEADDR__NONE;
        if (d >= 0x80)
            return pos + 1 + note_8bit(it, pos + 1, t);
        if (is_control(d) && t->first_ctl == SAFEADDR__NONE)
            t->first_ctl = pos + 1;
        return pos + 2;
    }
    if (c >= 0x80)
        return pos + note_8bit(it, pos, t);
    if (c == 0) {
        fail(err, SAFEADDR_E_NUL, pos);
        return SAFEADDR__NONE;
    }
    if (c == '\r' || c == '\n') {
        size_t n;
        if (line_break(it, pos, NULL, &n, err) != SAFEADDR_OK)
            return SAFEADDR__NONE;
        return pos + n;
    }
    if (is_control(c) && t->first_ctl == SAFEADDR__NONE)
        t->first_ctl = pos;
    return pos + 1;
}

/* lex_quoted - RFC 5322 3.2.4 quoted-string, with obs-qtext controls
 * recorded (an error in a local part, a diagnostic in a display name). */
static int lex_quoted(safeaddr_iter *it, safeaddr__token *t,
                      safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    size_t pos = t->start + 1;
    t->kind = SAFEADDR__TK_QUOTED;
    for (;;) {
        pos = safeaddr__next_stop(it, pos, SAFEADDR__STOP_QUOTED);
        if (pos < len) {
            const unsigned char c = b[pos];
            if (c == '"') {
                t->end = pos + 1;
                it->pos_ = pos + 1;
                return SAFEADDR_OK;
            }
            /* the frequent stops, as quoted_stop would read them */
            if (c >= 0x80) {
                pos += note_8bit(it, pos, t);
                continue;
            }
            if (c == '\\' && pos + 1 < len && b[pos + 1] >= 0x20 &&
                b[pos + 1] < 0x7F) {
                pos += 2; /* a quoted-pair of a printable ASCII byte */
                continue;
            }
        }
        pos = quoted_stop(it, t, pos, err);
        if (pos == SAFEADDR__NONE)
            return err->code;
        if (t->recovered) { /* SAFEADDR_LENIENT closed it at the end */
            t->end = len;
            it->pos_ = len;
            return SAFEADDR_OK;
        }
    }
}

/* literal_8bit - an 8-bit byte at pos in a domain literal, raw or
 * escaped: part of an address, so it must be valid UTF-8 (RFC 6532 3.2).
 * Returns the position after it, or NONE with *err set. */
static size_t literal_8bit(safeaddr_iter *it, safeaddr__token *t, size_t pos,
                           safeaddr_error *err)
{
    const size_t seq = note_8bit(it, pos, t);
    if (t->first_bad != SAFEADDR__NONE) {
        fail(err, SAFEADDR_E_BAD_UTF8, t->first_bad);
        return SAFEADDR__NONE;
    }
    return pos + seq;
}

/* literal_stop - as quoted_stop, for a domain literal: a byte that
 * stopped the scan other than the closing ']'. It is part of an address,
 * so controls are errors and 8-bit bytes must be valid UTF-8 (RFC 6532
 * 3.2 extends dtext). A second '[' is an error. */
__attribute__((noinline)) static size_t literal_stop(safeaddr_iter *it,
                                                     safeaddr__token *t,
                                                     size_t pos,
                                                     safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    if (pos >= len) {
        fail(err, SAFEADDR_E_UNTERMINATED_LITERAL, len);
        return SAFEADDR__NONE;
    }
    const unsigned char c = b[pos];
    if (c == '[') {
        fail(err, SAFEADDR_E_UNEXPECTED, pos);
        return SAFEADDR__NONE;
    }
    if (c == '\\') {
        /* obs-dtext quoted-pair (RFC 5322 4.4): same policy as text */
        if (pos + 1 >= len) {
            fail(err, SAFEADDR_E_UNTERMINATED_LITERAL, len);
            return SAFEADDR__NONE;
        }
        unsigned char d;
        if (escaped_byte(it, pos, &d, err) != SAFEADDR_OK)
            return SAFEADDR__NONE;
        if (is_control(d)) {
            fail(err, SAFEADDR_E_CONTROL, pos + 1);
            return SAFEADDR__NONE;
        }
        if (d >= 0x80)
            return literal_8bit(it, t, pos + 1, err);
        if (t->first_ctl == SAFEADDR__NONE)
            t->first_ctl = pos; /* remembered as "escaped" */
        return pos + 2;
    }
    if (c >= 0x80)
        return literal_8bit(it, t, pos, err);
    if (c == 0) {
        fail(err, SAFEADDR_E_NUL, pos);
        return SAFEADDR__NONE;
    }
    if (c == '\r' || c == '\n') {
        size_t n;
        if (line_break(it, pos, NULL, &n, err) != SAFEADDR_OK)
            return SAFEADDR__NONE;
        return pos + n;
    }
    if (is_control(c)) {
        fail(err, SAFEADDR_E_CONTROL, pos);
        return SAFEADDR__NONE;
    }
    return pos + 1; /* not a stop byte after all (see lex_atom) */
}

/* lex_literal - RFC 5322 3.4.1 domain-literal. */
static int lex_literal(safeaddr_iter *it, safeaddr__token *t,
                       safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t len = it->len_;
    size_t pos = t->start + 1;
    t->kind = SAFEADDR__TK_LITERAL;
    for (;;) {
        pos = safeaddr__next_stop(it, pos, SAFEADDR__STOP_LITERAL);
        if (pos < len && b[pos] == ']') {
            t->end = pos + 1;
            it->pos_ = pos + 1;
            return SAFEADDR_OK;
        }
        pos = literal_stop(it, t, pos, err);
        if (pos == SAFEADDR__NONE)
            return err->code;
    }
}

int safeaddr__lex(safeaddr_iter *it, safeaddr__token *t, safeaddr_error *err)
{
    const unsigned char *b = (const unsigned char *)it->buf_;
    const size_t pos = it->pos_;
    t->kind = SAFEADDR__TK_END;
    t->ch = 0;
    t->has_8bit = 0;
    t->recovered = 0;
    t->start = pos;
    t->end = pos;
    t->first_ctl = SAFEADDR__NONE;
    t->first_bad = SAFEADDR__NONE;
    t->first_susp = SAFEADDR__NONE;
    if (pos >= it->len_)
        return SAFEADDR_OK;
    const unsigned char c = b[pos];
    if (safeaddr__is_atext(c) || c >= 0x80) {
        lex_atom(it, t);
        return SAFEADDR_OK;
    }
    if (c == '"') /* ahead of the switch: words are most tokens */
        return lex_quoted(it, t, err);
    switch (c) {
    case '[':
        return lex_literal(it, t, err);
    case '.': case '@': case '<': case '>': case ',': case ';': case ':':
        t->kind = SAFEADDR__TK_SPECIAL;
        t->ch = c;
        t->end = pos + 1;
        it->pos_ = pos + 1;
        return SAFEADDR_OK;
    case ')':
        return fail(err, SAFEADDR_E_UNMATCHED_PAREN, pos);
    case ']':
        return fail(err, SAFEADDR_E_UNMATCHED_BRACKET, pos);
    case '\\':
        return fail(err, SAFEADDR_E_BACKSLASH, pos);
    case 0:
        return fail(err, SAFEADDR_E_NUL, pos);
    default:
        /* controls (CR, LF, WSP and '(' were consumed as CFWS) */
        return fail(err, SAFEADDR_E_CONTROL, pos);
    }
}
