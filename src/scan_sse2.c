/*
 * scan_sse2.c - block classifier for the x86-64 baseline (SSE2)
 *
 * Same masks as scan_scalar.c (the oracle), bit for bit; see scan.h for the
 * contract and tests/test_scan.c for the exhaustive equivalence tests.
 *
 * SSE2 has no byte shuffle (pshufb is SSSE3), so the nibble-table lookup
 * of the AVX2 kernel is not available. Instead every class is a handful of
 * byte compares on four 16-byte registers:
 *
 *   - one *signed* compare x < 0x20 is true for the C0 controls 0x00-0x1F
 *     and, because 0x80-0xFF are negative as signed bytes, for every 8-bit
 *     byte (SIMD.md 2.3; the same sign behaviour is a bug in code that
 *     does not expect it, cf. sendmail's sign-extended 0xFF, CVE-2003-0161);
 *   - the sign bit itself (movemask of the raw bytes) is the `high` mask;
 *   - the specials that have no mask of their own are found in pairs by
 *     setting the bit that tells the pair apart: (x | 2) == '.' finds
 *     ',' 0x2C and '.' 0x2E, (x | 2) == '>' finds '<' 0x3C and '>' 0x3E,
 *     (x | 1) == ';' finds ':' 0x3A and ';' 0x3B; '@' is one compare.
 *
 * Unions of classes (non_atext, ctl) are formed on the 64-bit masks, one
 * scalar OR per block instead of one vector OR per 16 bytes.
 *
 * Per-file flags (Makefile: CFLAGS_scan_sse2): nothing here runs before
 * dispatch, and the helpers are static so that the linker cannot merge
 * them with baseline copies (SIMD.md section 9).
 */
#include "scan_isa.h"

#if defined(__x86_64__) || defined(__i386__)

#include <emmintrin.h>

/* Four 16-byte compare results (0x00 or 0xFF per byte) to one 64-bit
 * mask, bit i = byte i of the block. Each mask is finished and stored
 * before the next is computed, so that few registers are live at once. */
static inline uint64_t bits64(__m128i v0, __m128i v1, __m128i v2,
                              __m128i v3)
{
    return (uint64_t)(uint32_t)_mm_movemask_epi8(v0) |
           ((uint64_t)(uint32_t)_mm_movemask_epi8(v1) << 16) |
           ((uint64_t)(uint32_t)_mm_movemask_epi8(v2) << 32) |
           ((uint64_t)(uint32_t)_mm_movemask_epi8(v3) << 48);
}

static inline __m128i eq(__m128i x, char c)
{
    return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

/* Signed x < 0x20: the C0 controls and every 8-bit byte. */
static inline __m128i below_space(__m128i x)
{
    return _mm_cmplt_epi8(x, _mm_set1_epi8(0x20));
}

/* WSP (RFC 5234 B.1): SP and HTAB */
static inline __m128i wsp16(__m128i x)
{
    return _mm_or_si128(eq(x, ' '), eq(x, '\t'));
}

/* The specials without a mask of their own: , . : ; < > @ */
static inline __m128i other_specials(__m128i x)
{
    const __m128i x_or_1 = _mm_or_si128(x, _mm_set1_epi8(0x01));
    const __m128i x_or_2 = _mm_or_si128(x, _mm_set1_epi8(0x02));
    const __m128i comma_dot = eq(x_or_2, '.');
    const __m128i angles = eq(x_or_2, '>');
    const __m128i colon_semi = eq(x_or_1, ';');
    return _mm_or_si128(_mm_or_si128(comma_dot, angles),
                        _mm_or_si128(colon_semi, eq(x, '@')));
}

/* Unsigned x - lo <= span (pminub is SSE2; a signed compare would also
 * take 8-bit bytes): the ranges of the host-name classes. */
static inline __m128i in_range(__m128i x, char lo, char span)
{
    const __m128i t = _mm_sub_epi8(x, _mm_set1_epi8(lo));
    return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span)), t);
}

static inline __m128i digit16(__m128i x)
{
    return in_range(x, '0', 9);
}

/* ALPHA: setting bit 0x20 maps 'A'-'Z' onto 'a'-'z' and moves no other
 * byte into that range. */
static inline __m128i alpha16(__m128i x)
{
    return in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 25);
}

static inline __m128i expand16(__m128i x)
{
    return _mm_or_si128(_mm_or_si128(eq(x, '$'), eq(x, '`')), eq(x, '='));
}

/* The class masks into *out, or the cached masks (scan.h) into *cached:
 * one of the two is NULL and folds away. */
static inline __attribute__((always_inline)) void
classify_sse2(const unsigned char *block, unsigned valid,
              safeaddr__block_masks *out, uint64_t *cached)
{
    const __m128i *in = (const __m128i *)(const void *)block;
    const __m128i x0 = _mm_loadu_si128(in);
    const __m128i x1 = _mm_loadu_si128(in + 1);
    const __m128i x2 = _mm_loadu_si128(in + 2);
    const __m128i x3 = _mm_loadu_si128(in + 3);
    const uint64_t keep = safeaddr__low_bits(valid);
#define BYTE_MASK(c) bits64(eq(x0, (c)), eq(x1, (c)), eq(x2, (c)), eq(x3, (c)))
#define CLASS_MASK(f) bits64(f(x0), f(x1), f(x2), f(x3))
    /* the sign bit of each byte is exactly "byte >= 0x80" */
    const uint64_t high = bits64(x0, x1, x2, x3);
    const uint64_t below = CLASS_MASK(below_space);
    const uint64_t del = BYTE_MASK(0x7F);
    const uint64_t wsp = CLASS_MASK(wsp16);
    const uint64_t dquote = BYTE_MASK('"');
    const uint64_t bslash = BYTE_MASK('\\');
    const uint64_t lparen = BYTE_MASK('(');
    const uint64_t rparen = BYTE_MASK(')');
    const uint64_t lbrack = BYTE_MASK('[');
    const uint64_t rbrack = BYTE_MASK(']');
    /* C0 controls are `below` without the 8-bit bytes and without HTAB
     * (a WSP); DEL 0x7F is a control too (RFC 5234 B.1 CTL). */
    const uint64_t ctl = (below & ~high & ~wsp) | del;
    /* Not atext (RFC 5322 3.2.3): controls, SP, 8-bit, DEL, specials. */
    const uint64_t non_atext = below | wsp | del | dquote | bslash | lparen |
                               rparen | lbrack | rbrack |
                               CLASS_MASK(other_specials);
    const uint64_t digit = CLASS_MASK(digit16);
    const uint64_t hyphen = BYTE_MASK('-');
    const uint64_t ldh = CLASS_MASK(alpha16) | digit | hyphen;
    const uint64_t dot = BYTE_MASK('.');
    const uint64_t expand = CLASS_MASK(expand16);
#undef BYTE_MASK
#undef CLASS_MASK
    if (cached) {
        /* safeaddr__cache_from, on the masks before they are stored */
        const uint64_t common = (bslash | ctl | high) & keep;
        cached[SAFEADDR__STOP_ATOM] = non_atext & keep;
        cached[SAFEADDR__STOP_QUOTED] = (dquote & keep) | common;
        cached[SAFEADDR__STOP_COMMENT] = ((lparen | rparen) & keep) | common;
        cached[SAFEADDR__STOP_LITERAL] = ((lbrack | rbrack) & keep) | common;
        cached[SAFEADDR__STOP_NONWSP] = ~wsp & keep;
        cached[SAFEADDR__MASK_DOT] = dot & keep;
        cached[SAFEADDR__MASK_LDH] = ldh & keep;
        cached[SAFEADDR__MASK_HYPHEN] = hyphen & keep;
        cached[SAFEADDR__MASK_EXPAND] = expand & keep;
        return;
    }
    out->non_atext = non_atext & keep;
    out->wsp = wsp & keep;
    out->dquote = dquote & keep;
    out->bslash = bslash & keep;
    out->lparen = lparen & keep;
    out->rparen = rparen & keep;
    out->lbrack = lbrack & keep;
    out->rbrack = rbrack & keep;
    out->ctl = ctl & keep;
    out->high = high & keep;
    out->ldh = ldh & keep;
    out->digit = digit & keep;
    out->dot = dot & keep;
    out->hyphen = hyphen & keep;
    out->expand = expand & keep;
}


void safeaddr__classify_sse2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out)
{
    classify_sse2(block, valid, out, NULL);
}

/* Out of line: inlined beside the copy of a short block, gcc spilled the
 * vectors into a frame of almost a kilobyte, which made the stack depend
 * on where in a field a block had to be classified (check_linear.sh). */
static __attribute__((noinline)) void
cache_block_sse2(const unsigned char *block, unsigned valid, uint64_t *out)
{
    classify_sse2(block, valid, NULL, out);
}

void safeaddr__cache_sse2(const unsigned char *src, size_t avail,
                          uint64_t *out)
{
    /* the kernel loads 64 bytes: a short block is copied first. One
     * inlined kernel body for both cases keeps the frame small and the
     * same whatever the input's length (tests/check_linear.sh) */
    unsigned char tail[64];
    const unsigned char *block = src;
    unsigned valid = 64;
    if (avail < 64) {
        safeaddr__copy_short(tail, src, avail);
        block = tail;
        valid = (unsigned)avail;
    }
    cache_block_sse2(block, valid, out);
}
#else

/* Not an x86 target: no SSE2 kernel (dispatch falls back to scalar). ISO C
 * wants at least one declaration in a translation unit. */
typedef int safeaddr__no_sse2_kernel;

#endif
