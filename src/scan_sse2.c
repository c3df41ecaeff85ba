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

/* Sixteen compare results (0x00 or 0xFF per byte) to sixteen bits. */
static inline uint64_t bits16(__m128i v)
{
    return (uint64_t)(uint32_t)_mm_movemask_epi8(v);
}

/* Four 16-bit pieces to one 64-bit mask, bit i = byte i of the block. */
static inline uint64_t join4(uint64_t m0, uint64_t m1, uint64_t m2,
                             uint64_t m3)
{
    return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
}

/* Masks of one 16-byte piece, before the unions. */
typedef struct {
    uint64_t below_space; /* signed x < 0x20: C0 controls and all >= 0x80 */
    uint64_t high, del, wsp, dquote, bslash, lparen, rparen, lbrack, rbrack;
    uint64_t other_specials; /* , . : ; < > @                             */
} piece_masks;

static inline __m128i eq(__m128i x, char c)
{
    return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

static inline void classify16(__m128i x, piece_masks *p)
{
    const __m128i x_or_1 = _mm_or_si128(x, _mm_set1_epi8(0x01));
    const __m128i x_or_2 = _mm_or_si128(x, _mm_set1_epi8(0x02));
    const __m128i comma_dot = eq(x_or_2, '.');
    const __m128i angles = eq(x_or_2, '>');
    const __m128i colon_semi = eq(x_or_1, ';');
    const __m128i others =
        _mm_or_si128(_mm_or_si128(comma_dot, angles),
                     _mm_or_si128(colon_semi, eq(x, '@')));
    p->below_space = bits16(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    p->high = bits16(x);
    p->del = bits16(eq(x, 0x7F));
    p->wsp = bits16(_mm_or_si128(eq(x, ' '), eq(x, '\t')));
    p->dquote = bits16(eq(x, '"'));
    p->bslash = bits16(eq(x, '\\'));
    p->lparen = bits16(eq(x, '('));
    p->rparen = bits16(eq(x, ')'));
    p->lbrack = bits16(eq(x, '['));
    p->rbrack = bits16(eq(x, ']'));
    p->other_specials = bits16(others);
}

#define JOIN(field) join4(p[0].field, p[1].field, p[2].field, p[3].field)

void safeaddr__classify_sse2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out)
{
    piece_masks p[4];
    for (int i = 0; i < 4; i++)
        classify16(_mm_loadu_si128((const __m128i *)(const void *)(block +
                                                                   16 * i)),
                   &p[i]);
    const uint64_t keep = safeaddr__low_bits(valid);
    const uint64_t below_space = JOIN(below_space);
    const uint64_t high = JOIN(high);
    const uint64_t del = JOIN(del);
    const uint64_t wsp = JOIN(wsp);
    const uint64_t dquote = JOIN(dquote);
    const uint64_t bslash = JOIN(bslash);
    const uint64_t lparen = JOIN(lparen);
    const uint64_t rparen = JOIN(rparen);
    const uint64_t lbrack = JOIN(lbrack);
    const uint64_t rbrack = JOIN(rbrack);
    /* C0 controls are below_space without the 8-bit bytes and without
     * HTAB (a WSP); DEL 0x7F is a control too (RFC 5234 B.1 CTL). */
    const uint64_t ctl = (below_space & ~high & ~wsp) | del;
    /* Not atext (RFC 5322 3.2.3): controls, SP, 8-bit, DEL, specials. */
    const uint64_t non_atext = below_space | wsp | del | dquote | bslash |
                               lparen | rparen | lbrack | rbrack |
                               JOIN(other_specials);
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
}

#undef JOIN

#else

/* Not an x86 target: no SSE2 kernel (dispatch falls back to scalar). ISO C
 * wants at least one declaration in a translation unit. */
typedef int safeaddr__no_sse2_kernel;

#endif
