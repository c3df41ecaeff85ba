/*
 * scan_avx512.c - block classifier for AVX-512 F + BW (one register a block)
 *
 * Same masks as scan_scalar.c (the oracle), bit for bit; see scan.h for the
 * contract and tests/test_scan.c for the exhaustive equivalence tests.
 *
 * A 64-byte block is exactly one ZMM register and the byte compares write
 * 64-bit opmask registers, so there is no movemask and no joining of
 * halves. The compares take `keep` (the valid bytes) as a write mask, which
 * clears the bits at and above `valid` for free. non_atext uses the same
 * two nibble tables as scan_avx2.c (the table of bits is documented there);
 * vptestmb gives "lookup(low) AND lookup(high) != 0" in one instruction.
 *
 * Where the CPU also has VBMI, scan_avx512vbmi.c replaces the nibble
 * tables and the compares with two 128-entry lookups (vpermi2b, SIMD.md
 * 2.3) and one vptestmb a mask; this kernel stays for the AVX-512 CPUs
 * without VBMI (Skylake-SP, Cascade Lake, Cooper Lake).
 *
 * Dispatch (scan_dispatch.c) selects this kernel automatically only where
 * 512-bit registers do not lower the clock (SIMD.md section 10). Valgrind
 * does not emulate AVX-512, and it is never selected under it because the
 * CPUID bits it reports do not include AVX-512.
 *
 * Per-file flags (Makefile: CFLAGS_scan_avx512): nothing here runs before
 * dispatch, and the helpers are static (SIMD.md section 9).
 */
#include "scan_isa.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

static inline __mmask64 eq(__mmask64 keep, __m512i x, char c)
{
    return _mm512_mask_cmpeq_epi8_mask(keep, x, _mm512_set1_epi8(c));
}

/* A 16-entry table repeated in the four 128-bit lanes (vpshufb looks up
 * within each lane). */
static inline __m512i lane_table(char t0, char t1, char t2, char t3, char t4,
                                 char t5, char t6, char t7, char t8, char t9,
                                 char ta, char tb, char tc, char td, char te,
                                 char tf)
{
    return _mm512_broadcast_i32x4(_mm_setr_epi8(
        t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, ta, tb, tc, td, te, tf));
}

static inline __attribute__((always_inline)) void
classify_avx512(__m512i x, unsigned valid, safeaddr__block_masks *out)
{
    const __m512i by_low = lane_table(
        0x74, 0x60, 0x61, 0x60, 0x60, 0x60, 0x60, 0x60, 0x61, 0x61, 0x62,
        0x6A, 0x6B, 0x68, 0x63, (char)0xE0);
    const __m512i by_high = lane_table(
        0x20, 0x20, 0x11, 0x02, 0x04, 0x08, 0x00, (char)0x80, 0x40, 0x40, 0x40,
        0x40, 0x40, 0x40, 0x40, 0x40);
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __mmask64 keep = (__mmask64)safeaddr__low_bits(valid);
    /* No 8-bit shift: shift 16-bit lanes, drop the neighbour's bits. */
    const __m512i hi_nibbles =
        _mm512_and_si512(_mm512_srli_epi16(x, 4), nibble);
    const __m512i lo_nibbles = _mm512_and_si512(x, nibble);
    const __mmask64 tab = eq(keep, x, '\t');
    /* Unsigned x < 0x20: the C0 controls (a signed compare would also
     * take every 8-bit byte). */
    const __mmask64 c0 =
        _mm512_mask_cmplt_epu8_mask(keep, x, _mm512_set1_epi8(0x20));
    out->non_atext = (uint64_t)_mm512_mask_test_epi8_mask(
        keep, _mm512_shuffle_epi8(by_low, lo_nibbles),
        _mm512_shuffle_epi8(by_high, hi_nibbles));
    out->wsp = (uint64_t)(eq(keep, x, ' ') | tab);
    out->dquote = (uint64_t)eq(keep, x, '"');
    out->bslash = (uint64_t)eq(keep, x, '\\');
    out->lparen = (uint64_t)eq(keep, x, '(');
    out->rparen = (uint64_t)eq(keep, x, ')');
    out->lbrack = (uint64_t)eq(keep, x, '[');
    out->rbrack = (uint64_t)eq(keep, x, ']');
    out->ctl = (uint64_t)((c0 & ~tab) | eq(keep, x, 0x7F));
    out->high = (uint64_t)(_mm512_movepi8_mask(x) & keep);
    /* Ranges as unsigned compares of x - lo; setting bit 0x20 maps
     * 'A'-'Z' onto 'a'-'z' and moves no other byte into that range. */
    const __mmask64 digit = _mm512_mask_cmplt_epu8_mask(
        keep, _mm512_sub_epi8(x, _mm512_set1_epi8('0')), _mm512_set1_epi8(10));
    const __mmask64 alpha = _mm512_mask_cmplt_epu8_mask(
        keep,
        _mm512_sub_epi8(_mm512_or_si512(x, _mm512_set1_epi8(0x20)),
                        _mm512_set1_epi8('a')),
        _mm512_set1_epi8(26));
    const __mmask64 hyphen = eq(keep, x, '-');
    out->ldh = (uint64_t)(alpha | digit | hyphen);
    out->digit = (uint64_t)digit;
    out->dot = (uint64_t)eq(keep, x, '.');
    out->hyphen = (uint64_t)hyphen;
    out->expand =
        (uint64_t)(eq(keep, x, '$') | eq(keep, x, '`') | eq(keep, x, '='));
}


void safeaddr__classify_avx512(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out)
{
    classify_avx512(_mm512_loadu_si512((const void *)block), valid, out);
}

/* A short block is loaded under a byte mask: the bytes past avail are
 * zero in the register and never read from memory (scan.h). */
void safeaddr__cache_avx512(const unsigned char *src, size_t avail,
                            uint64_t *out)
{
    /* one masked load whatever the length (all bytes when avail >= 64) */
    const unsigned valid = avail < 64 ? (unsigned)avail : 64;
    const __m512i x = _mm512_maskz_loadu_epi8(
        (__mmask64)safeaddr__low_bits(valid), (const void *)src);
    safeaddr__block_masks m;
    classify_avx512(x, valid, &m);
    safeaddr__cache_from(&m, valid, out);
}
#else

/* Not an x86 target: no AVX-512 kernel (dispatch falls back to scalar).
 * ISO C wants at least one declaration in a translation unit. */
typedef int safeaddr__no_avx512_kernel;

#endif
