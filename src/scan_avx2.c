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

/* Two 32-byte compare results (bytes 0..31 and 32..63) to one 64-bit
 * mask. Each mask is finished and stored before the next is computed, so
 * that only a few general registers are live at a time (computing all
 * twenty half-masks first made gcc spill them to the stack). */
static inline uint64_t bits64(__m256i lo, __m256i hi)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
           ((uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32);
}

/* Bytes that are not atext: lookup(low nibble) AND lookup(high nibble)
 * is non-zero (table in the comment at the top). */
static inline __m256i not_atext32(__m256i x)
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
    /* atext bytes have no class bit: compare with zero, then invert */
    return _mm256_xor_si256(
        _mm256_cmpeq_epi8(classes, _mm256_setzero_si256()),
        _mm256_set1_epi8(-1));
}

/* Controls: unsigned x <= 0x1F but not HTAB, or DEL (RFC 5234 B.1).
 * min(x, 0x1F) == x is the unsigned compare AVX2 lacks; a signed compare
 * would also take every 8-bit byte. */
static inline __m256i ctl32(__m256i x)
{
    const __m256i c0 =
        _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1F)), x);
    return _mm256_or_si256(_mm256_andnot_si256(eq(x, '\t'), c0),
                           eq(x, 0x7F));
}

void safeaddr__classify_avx2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out)
{
    const __m256i lo =
        _mm256_loadu_si256((const __m256i *)(const void *)block);
    const __m256i hi =
        _mm256_loadu_si256((const __m256i *)(const void *)(block + 32));
    const uint64_t keep = safeaddr__low_bits(valid);
#define BYTE_MASK(c) (bits64(eq(lo, (c)), eq(hi, (c))) & keep)
    out->non_atext = bits64(not_atext32(lo), not_atext32(hi)) & keep;
    out->wsp = (BYTE_MASK(' ') | BYTE_MASK('\t'));
    out->dquote = BYTE_MASK('"');
    out->bslash = BYTE_MASK('\\');
    out->lparen = BYTE_MASK('(');
    out->rparen = BYTE_MASK(')');
    out->lbrack = BYTE_MASK('[');
    out->rbrack = BYTE_MASK(']');
    out->ctl = bits64(ctl32(lo), ctl32(hi)) & keep;
    /* the sign bit of each byte is exactly "byte >= 0x80" */
    out->high = bits64(lo, hi) & keep;
#undef BYTE_MASK
}

#else

/* Not an x86 target: no AVX2 kernel (dispatch falls back to scalar). ISO C
 * wants at least one declaration in a translation unit. */
typedef int safeaddr__no_avx2_kernel;

#endif
