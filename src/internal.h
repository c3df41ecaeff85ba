/*
 * internal.h - declarations shared by the library's source files
 *
 * Nothing here is exported: the version script exports safeaddr_* and the
 * objects are built with -fvisibility=hidden.
 */
#ifndef SAFEADDR_INTERNAL_H
#define SAFEADDR_INTERNAL_H

#include "safeaddr.h"
#include "scan.h"
#include <stddef.h>
#include <stdint.h>

#define SAFEADDR__NONE SIZE_MAX /* "no offset recorded" */

/* A private bit of safeaddr_iter.flags_, never accepted from callers
 * (safeaddr_iter_init refuses unknown flags): read every element token by
 * token, without parse.c's fast paths (fast_mailbox, phrase_run). That
 * reading is the reference the fast paths must equal, byte for byte; the
 * tests and the parse fuzzer compare the two. */
#define SAFEADDR__FLAG_REFERENCE 0x80000000u

/* Test hook: switch an initialised iterator to the reference reading
 * (before its first safeaddr_next). */
void safeaddr__iter_reference(safeaddr_iter *it);

/* Iterator states (safeaddr_iter.state_); an error is sticky. */
enum {
    SAFEADDR__ST_READY = 0,
    SAFEADDR__ST_DONE = 1,
    SAFEADDR__ST_ERROR = 2,
    /* the field's last element has been returned and its end has
     * nothing to report: the next call returns END (parse.c) */
    SAFEADDR__ST_LAST = 3
};

/* ------------------------------------------------------------ utf8.c */

/* safeaddr__utf8_seq - length (2..4) of the shortest-form UTF-8 sequence
 * starting at p (whose first byte is >= 0x80), reading at most avail bytes,
 * or 0 if it is invalid: overlong forms (C0 80 = "modified UTF-8" NUL),
 * surrogates (CESU-8), code points above U+10FFFF, stray continuation
 * bytes, truncated sequences. *cp receives the code point when valid. */
size_t safeaddr__utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp);

/* safeaddr__suspicious_cp - 1 for code points that change how text looks
 * without being visible: C1 controls, bidi controls and isolates, BOM,
 * zero-width characters (display-name spoofing, nul-control-020/021/023). */
int safeaddr__suspicious_cp(uint32_t cp);

/* ------------------------------------------------------------- lex.c */

/* The cached masks' indices, SAFEADDR__STOP_* and SAFEADDR__MASK_*, are in
 * scan.h. */

/* Classify the 64 bytes at base (any offset below len; fewer when the
 * input ends first) into the iterator's block cache. */
void safeaddr__load_block(safeaddr_iter *it, size_t base);

/* First offset >= pos whose byte is in stop set `which`, or len. The
 * answer usually comes from the block already classified, so that case is
 * inline; crossing into a new block goes through the out-of-line part. */
size_t safeaddr__next_stop_slow(safeaddr_iter *it, size_t pos, int which);

static inline size_t safeaddr__next_stop(safeaddr_iter *it, size_t pos,
                                         int which)
{
    /* One unsigned test for "pos is in the cached block" (it is called
     * once per token). pos past the end needs no test of its own: every
     * mask bit at or beyond the end is 0 (scan.h), so it falls through to
     * the slow path, which answers len. */
    const size_t rel = pos - it->block_base_;
    if (rel < 64) {
        const uint64_t m = it->masks_[which] >> rel;
        if (m != 0)
            return pos + (size_t)__builtin_ctzll(m);
    }
    return safeaddr__next_stop_slow(it, pos, which);
}

/* Token kinds */
enum {
    SAFEADDR__TK_END = 0,
    SAFEADDR__TK_ATOM,    /* 1*atext, 8-bit bytes included (RFC 6532)   */
    SAFEADDR__TK_QUOTED,  /* quoted-string                              */
    SAFEADDR__TK_LITERAL, /* domain-literal                             */
    SAFEADDR__TK_SPECIAL  /* one of . @ < > , ; :   (in .ch)            */
};

typedef struct {
    int kind;
    unsigned char ch;  /* the special, for TK_SPECIAL                   */
    unsigned has_8bit; /* valid UTF-8 seen                               */
    unsigned recovered;/* LENIENT closed an unterminated quoted string   */
    size_t start, end; /* [start, end) in the input                      */
    size_t first_ctl;  /* obs control in quoted text, or NONE            */
    size_t first_bad;  /* first invalid UTF-8 byte, or NONE              */
    size_t first_susp; /* first suspicious code point, or NONE           */
} safeaddr__token;

/* What skipping CFWS saw. */
typedef struct {
    unsigned white;     /* any WSP or folding                            */
    unsigned comment;   /* any comment                                   */
    size_t first_start; /* '(' of the first comment, or NONE             */
    size_t last_end;    /* end of the last comment, or NONE              */
} safeaddr__cfws;

#define SAFEADDR__CFWS_INIT {0, 0, SAFEADDR__NONE, SAFEADDR__NONE}

/* Diagnostic sink: sets the bit in *dst (an item's or the field's set)
 * and in the field set, and calls the user callback unless muted. */
void safeaddr__diag(safeaddr_iter *it, uint64_t *dst, unsigned bit,
                    size_t offset);

/* Skip CFWS at it->pos_ (RFC 5322 3.2.2, with obs-FWS of 4.2). Comments
 * nest with a depth counter, never recursion (CVE-2002-1337 class;
 * GHSA-m66c-fw79-6359). Returns SAFEADDR_OK or an error code with *err. */
int safeaddr__skip_cfws_slow(safeaddr_iter *it, safeaddr__cfws *cf,
                             uint64_t *item_diag, safeaddr_error *err);

/* Bytes that start CFWS (RFC 5322 3.2.2): WSP, a line break, a comment. */
static inline int safeaddr__cfws_start(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(';
}

static inline int safeaddr__skip_cfws(safeaddr_iter *it, safeaddr__cfws *cf,
                                      uint64_t *item_diag, safeaddr_error *err)
{
    /* most tokens are not preceded by CFWS: answer that without a call */
    const size_t pos = it->pos_;
    if (pos < it->len_) {
        const unsigned char c = (unsigned char)it->buf_[pos];
        if (c == ' ' && (pos + 1 >= it->len_ ||
                         !safeaddr__cfws_start((unsigned char)it->buf_[pos + 1]))) {
            /* one SP, as after the ',' of a list: what the slow path
             * would do, without the call */
            cf->white = 1;
            it->pos_ = pos + 1;
            return SAFEADDR_OK;
        }
        if (safeaddr__cfws_start(c))
            return safeaddr__skip_cfws_slow(it, cf, item_diag, err);
    }
    return SAFEADDR_OK;
}

/* Read one token at it->pos_ (CFWS already skipped) and advance past it.
 * Returns SAFEADDR_OK or an error code with *err. */
int safeaddr__lex(safeaddr_iter *it, safeaddr__token *t, safeaddr_error *err);

/* ----------------------------------------------------------- check.c */

/* "=?" ... "?=" anywhere in s (RFC 2047 section 2). */
int safeaddr__has_encoded_word(safeaddr_span s);

/* Shape checks on an accepted address, reported as diagnostics. */
void safeaddr__check_local(safeaddr_iter *it, safeaddr_item *item);
void safeaddr__check_domain(safeaddr_iter *it, safeaddr_item *item);
void safeaddr__check_display(safeaddr_iter *it, safeaddr_item *item);
/* Its second half alone, D_ENCODED_WORD, for a caller that knows the name
 * holds no '@' '<' '>' (parse.c's fast path, from the masks). */
void safeaddr__check_display_encoded(safeaddr_iter *it, safeaddr_item *item);

#endif
