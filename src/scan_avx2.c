/*
 * scan_avx2.c - block classifier for AVX2 (two 32-byte registers a block)
 *
 * Same masks as scan_scalar.c (the oracle), bit for bit; see scan.h for the
 * contract and tests/test_scan.c for the exhaustive equivalence tests.
 *
 * non_atext comes from two 16-entry table lookups (vpshufb on the low and
 * the high nibble of each byte) AND-ed together: a byte is in a class when
 * both lookups have the class bit, so each bit describes a set
 * "some high nibbles x some low nibbles" (SIMD.md 2.2; the technique of
 * simdjson's stage 1 classifier). Our eight bits:
 *
 *   bit  high nibble  low nibbles        bytes
 *   0    2            2 8 9 C E          " ( ) , .
 *   1    3            A B C E            : ; < >
 *   2    4            0                  @
 *   3    5            B C D              [ \ ]
 *   4    2            0                  SP
 *   5    0 1          all                C0 controls, HTAB, CR, LF, NUL
 *   6    8-F          all                8-bit bytes
 *   7    7            F                  DEL
 *
 * which is every byte that is not RFC 5322 atext (section 3.2.3). The
 * single-byte classes are one compare each, `high` is the sign bit itself
 * (vpmovmskb of the raw bytes) and `ctl` is "unsigned x <= 0x1F, not HTAB,
 * or DEL".
 *
 * Per-file flags (Makefile: CFLAGS_scan_avx2): the compiler may use AVX2,
 * BMI1 and POPCNT anywhere in this file, so nothing here runs before
 * scan_dispatch.c has checked them, and the helpers are static so that
 * the linker cannot merge them with baseline copies (SIMD.md section 9).
 */
#include "scan_isa.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

static inline __m256i eq(__m256i x, char c)
{
    return _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c));
}

static inline uint64_t bits32(__m256i v)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(v);
}

/* The nibble tables of the comment above, repeated in both 128-bit lanes
 * because vpshufb looks up within each lane. */
static inline __m256i lane_table(char t0, char t1, char t2, char t3, char t4,
                                 char t5, char t6, char t7, char t8, char t9,
                                 char ta, char tb, char tc, char td, char te,
                                 char tf)
{
    return _mm256_broadcastsi128_si256(_mm_setr_epi8(
        t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, ta, tb, tc, td, te, tf));
}

/* Masks of one 32-byte half (bits 0..31). */
typedef struct {
    uint64_t atext, wsp, dquote, bslash, lparen, rparen, lbrack, rbrack;
    uint64_t ctl, high;
} half_masks;

static inline void classify32(__m256i x, half_masks *h)
{
    const __m256i by_low = lane_table(
        0x74, 0x60, 0x61, 0x60, 0x60, 0x60, 0x60, 0x60, 0x61, 0x61, 0x62,
        0x6A, 0x6B, 0x68, 0x63, (char)0xE0);
    const __m256i by_high = lane_table(
        0x20, 0x20, 0x11, 0x02, 0x04, 0x08, 0x00, (char)0x80, 0x40, 0x40, 0x40,
        0x40, 0x40, 0x40, 0x40, 0x40);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    /* There is no 8-bit shift: shift 16-bit lanes and drop the bits that
     * came from the neighbouring byte. */
    const __m256i hi_nibbles =
        _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
    const __m256i lo_nibbles = _mm256_and_si256(x, nibble);
    const __m256i classes =
        _mm256_and_si256(_mm256_shuffle_epi8(by_low, lo_nibbles),
                         _mm256_shuffle_epi8(by_high, hi_nibbles));
    const __m256i tab = eq(x, '\t');
    /* Unsigned x <= 0x1F: min(x, 0x1F) == x (there is no unsigned byte
     * compare in AVX2; a signed one would also take the 8-bit bytes). */
    const __m256i c0 =
        _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1F)), x);
    const __m256i ctl = _mm256_or_si256(_mm256_andnot_si256(tab, c0),
                                        eq(x, 0x7F));
    h->atext = bits32(_mm256_cmpeq_epi8(classes, _mm256_setzero_si256()));
    h->wsp = bits32(_mm256_or_si256(eq(x, ' '), tab));
    h->dquote = bits32(eq(x, '"'));
    h->bslash = bits32(eq(x, '\\'));
    h->lparen = bits32(eq(x, '('));
    h->rparen = bits32(eq(x, ')'));
    h->lbrack = bits32(eq(x, '['));
    h->rbrack = bits32(eq(x, ']'));
    h->ctl = bits32(ctl);
    h->high = bits32(x);
}

void safeaddr__classify_avx2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out)
{
    half_masks lo, hi;
    classify32(_mm256_loadu_si256((const __m256i *)(const void *)block), &lo);
    classify32(
        _mm256_loadu_si256((const __m256i *)(const void *)(block + 32)), &hi);
    const uint64_t keep = safeaddr__low_bits(valid);
#define JOIN(field) ((lo.field | (hi.field << 32)) & keep)
    out->non_atext = ~(lo.atext | (hi.atext << 32)) & keep;
    out->wsp = JOIN(wsp);
    out->dquote = JOIN(dquote);
    out->bslash = JOIN(bslash);
    out->lparen = JOIN(lparen);
    out->rparen = JOIN(rparen);
    out->lbrack = JOIN(lbrack);
    out->rbrack = JOIN(rbrack);
    out->ctl = JOIN(ctl);
    out->high = JOIN(high);
#undef JOIN
}

#else

/* Not an x86 target: no AVX2 kernel (dispatch falls back to scalar). ISO C
 * wants at least one declaration in a translation unit. */
typedef int safeaddr__no_avx2_kernel;

#endif
