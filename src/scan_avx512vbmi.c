/*
 * scan_avx512vbmi.c - block classifier for AVX-512 VBMI (two table lookups)
 *
 * Same masks as scan_scalar.c (the oracle), bit for bit; see scan.h for the
 * contract and tests/test_scan.c for the exhaustive equivalence tests.
 *
 * VBMI's vpermi2b looks up each byte of a ZMM register in a 128-byte table
 * held in two registers, indexed by the low 7 bits of the byte (Intel SDM
 * vol. 2C, VPERMI2B). Two such lookups give each input byte two class
 * bytes, one bit a class (tables A and B below), and then every mask is a
 * single vptestmb of a class byte against its bit, with the valid bytes as
 * write mask. So the cost is the same for every class, however many bytes
 * or ranges it holds: scan_avx512.c needs a nibble-table pair for
 * non_atext and two or three compares for ctl, wsp, ldh and expand.
 *
 * Bytes >= 0x80 index the table with their low 7 bits, i.e. as the ASCII
 * byte 0x80 below them, so their table bits are meaningless: the
 * table-derived masks are written under `ascii` (valid and < 0x80), and the
 * 8-bit classes come from the sign bit (vpmovb2m). In scan_scalar.c an
 * 8-bit byte is in exactly two classes, high and non_atext (RFC 5322
 * 3.2.3 atext is ASCII; chars.c marks 0x80-0xFF SAFEADDR__C_HIGH only).
 *
 * Dispatch (scan_dispatch.c) needs AVX-512 F + BW + VL (the opmask compares)
 * plus VBMI (CPUID 7.0 ECX bit 1), and chooses this kernel automatically
 * under the same rule as scan_avx512.c: not on the Intel parts that lower
 * the clock for 512-bit code, not on macOS (SIMD.md section 10). Valgrind
 * does not emulate AVX-512, so it is never selected under it.
 *
 * Per-file flags (Makefile: CFLAGS_scan_avx512vbmi): nothing here runs
 * before dispatch, and the helpers are static (SIMD.md section 9).
 */
#include "scan_isa.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

/* Table A, one byte per ASCII value, bits:
 *   0x01 N  not RFC 5322 3.2.3 atext (atext = ALPHA / DIGIT /
 *           "!#$%&'*+-/=?^_`{|}~"): specials, SP, controls, DEL
 *   0x02 W  RFC 5234 B.1 WSP: SP, HTAB
 *   0x04 C  RFC 5234 B.1 CTL (0x00-0x1F, 0x7F) minus HTAB, as scan.h
 *           defines ctl (HTAB is WSP, which the lexer handles apart)
 *   0x08 L  RFC 1123 2.1 host name bytes but '.': ALPHA DIGIT '-'
 *   0x10 D  RFC 5234 B.1 DIGIT: '0'-'9'
 *   0x20 E  '$' '`' '=' (check.c's second look at a local part:
 *           expansion, encoded-words)
 *   0x40 P  '.'
 *   0x80 H  '-'
 * Table B, bits: the single-byte delimiters of RFC 5322
 *   0x01 '"'   DQUOTE of quoted-string (3.2.4)
 *   0x02 '\\'  quoted-pair (3.2.1)
 *   0x04 '('   0x08 ')'  comment (3.2.2)
 *   0x10 '['   0x20 ']'  domain-literal (3.4.1)
 *
 * Derived from the definitions above row by row, as chars.c's table is;
 * tests/test_scan.c checks both this kernel against scan_scalar.c for all
 * 256 byte values at every position and scan_scalar.c against the RFC
 * classes written out independently of chars.c.
 *
 * The bit vectors (VB_BIT0..7, each one bit in all 64 bytes) serve both
 * tables. Every constant is read from memory through a pointer the
 * compiler cannot see through (see classify_avx512vbmi): then each
 * vptestmb takes its bit vector as a memory operand, where gcc would
 * otherwise build each _mm512_set1_epi8 with two instructions. */
enum {
    VB_A_LO, VB_A_HI, VB_B_LO, VB_B_HI,
    VB_BIT0, VB_BIT1, VB_BIT2, VB_BIT3, VB_BIT4, VB_BIT5, VB_BIT6, VB_BIT7,
    /* table B unions for the cache kernel's stop sets (scan.h): '"' '\\';
     * '\\' '(' ')'; '\\' '[' ']' */
    VB_B_QUOTED, VB_B_COMMENT, VB_B_LITERAL,
    VB_COUNT
};
#define VB_N 0x01
#define VB_W 0x02
#define VB_C 0x04
#define VB_L 0x08
#define VB_D 0x10
#define VB_E 0x20
#define VB_P 0x40
#define VB_H 0x80
#define VB_NC (VB_N | VB_C)
#define VB_NW (VB_N | VB_W)
#define VB_LD (VB_L | VB_D)
#define VB_SPLAT8(c) c, c, c, c, c, c, c, c
#define VB_SPLAT64(c)                                                          \
    {VB_SPLAT8(c), VB_SPLAT8(c), VB_SPLAT8(c), VB_SPLAT8(c),                   \
     VB_SPLAT8(c), VB_SPLAT8(c), VB_SPLAT8(c), VB_SPLAT8(c)}
static const unsigned char vbmi_constants[VB_COUNT][64]
    __attribute__((aligned(64))) = {
    [VB_A_LO] = {
        /* 0x00 NUL-SI: CTL; 0x09 HTAB: WSP */
        VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC,
        VB_NC, VB_NW, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC,
        /* 0x10 DLE-US: CTL */
        VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC,
        VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC, VB_NC,
        /* 0x20  SP ! " # $ % & ' ( ) * + , - . / */
        VB_NW, 0, VB_N, 0, VB_E, 0, 0, 0,
        VB_N, VB_N, 0, 0, VB_N, VB_L | VB_H, VB_N | VB_P, 0,
        /* 0x30  0-9 : ; < = > ? */
        VB_LD, VB_LD, VB_LD, VB_LD, VB_LD, VB_LD, VB_LD, VB_LD,
        VB_LD, VB_LD, VB_N, VB_N, VB_N, VB_E, VB_N, 0,
    },
    [VB_A_HI] = {
        /* 0x40  @ A-O */
        VB_N, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        /* 0x50  P-Z [ \ ] ^ _ */
        VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        VB_L, VB_L, VB_L, VB_N, VB_N, VB_N, 0, 0,
        /* 0x60  ` a-o */
        VB_E, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        /* 0x70  p-z { | } ~ DEL */
        VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L, VB_L,
        VB_L, VB_L, VB_L, 0, 0, 0, 0, VB_NC,
    },
    /* Table B: zero but for the six delimiters. */
    [VB_B_LO] = {['"'] = 0x01, ['('] = 0x04, [')'] = 0x08},
    [VB_B_HI] = {['[' - 0x40] = 0x10, ['\\' - 0x40] = 0x02,
                 [']' - 0x40] = 0x20},
    [VB_BIT0] = VB_SPLAT64(0x01), [VB_BIT1] = VB_SPLAT64(0x02),
    [VB_BIT2] = VB_SPLAT64(0x04), [VB_BIT3] = VB_SPLAT64(0x08),
    [VB_BIT4] = VB_SPLAT64(0x10), [VB_BIT5] = VB_SPLAT64(0x20),
    [VB_BIT6] = VB_SPLAT64(0x40), [VB_BIT7] = VB_SPLAT64(0x80),
    [VB_B_QUOTED] = VB_SPLAT64(0x03), [VB_B_COMMENT] = VB_SPLAT64(0x0E),
    [VB_B_LITERAL] = VB_SPLAT64(0x32),
};
#undef VB_N
#undef VB_W
#undef VB_C
#undef VB_L
#undef VB_D
#undef VB_E
#undef VB_P
#undef VB_H
#undef VB_NC
#undef VB_NW
#undef VB_LD
#undef VB_SPLAT8
#undef VB_SPLAT64

/* Bytes under `keep` whose class byte has the bit of bit vector `bit`. */
static inline uint64_t vbmi_class_mask(__mmask64 keep, __m512i classes,
                                       __m512i bit)
{
    return (uint64_t)_mm512_mask_test_epi8_mask(keep, classes, bit);
}

static inline __attribute__((always_inline)) void
classify_avx512vbmi(__m512i x, unsigned valid, safeaddr__block_masks *out)
{
    const __m512i *k = (const __m512i *)(const void *)vbmi_constants;
    __asm__("" : "+r"(k)); /* the constants stay in memory (see above) */
    const __mmask64 keep = (__mmask64)safeaddr__low_bits(valid);
    /* The sign bit of each byte is exactly "byte >= 0x80". */
    const __mmask64 high = _mm512_movepi8_mask(x) & keep;
    const __mmask64 ascii = keep & ~high;
    /* vpermi2b: bit 6 of each byte picks the second register of the
     * table, bits 0-5 the entry, bit 7 is ignored. */
    const __m512i a = _mm512_permutex2var_epi8(k[VB_A_LO], x, k[VB_A_HI]);
    const __m512i b = _mm512_permutex2var_epi8(k[VB_B_LO], x, k[VB_B_HI]);
    out->non_atext = vbmi_class_mask(ascii, a, k[VB_BIT0]) | (uint64_t)high;
    out->wsp = vbmi_class_mask(ascii, a, k[VB_BIT1]);
    out->dquote = vbmi_class_mask(ascii, b, k[VB_BIT0]);
    out->bslash = vbmi_class_mask(ascii, b, k[VB_BIT1]);
    out->lparen = vbmi_class_mask(ascii, b, k[VB_BIT2]);
    out->rparen = vbmi_class_mask(ascii, b, k[VB_BIT3]);
    out->lbrack = vbmi_class_mask(ascii, b, k[VB_BIT4]);
    out->rbrack = vbmi_class_mask(ascii, b, k[VB_BIT5]);
    out->ctl = vbmi_class_mask(ascii, a, k[VB_BIT2]);
    out->high = (uint64_t)high;
    out->ldh = vbmi_class_mask(ascii, a, k[VB_BIT3]);
    out->digit = vbmi_class_mask(ascii, a, k[VB_BIT4]);
    out->dot = vbmi_class_mask(ascii, a, k[VB_BIT6]);
    out->hyphen = vbmi_class_mask(ascii, a, k[VB_BIT7]);
    out->expand = vbmi_class_mask(ascii, a, k[VB_BIT5]);
}


void safeaddr__classify_avx512vbmi(const unsigned char *block, unsigned valid,
                                   safeaddr__block_masks *out)
{
    classify_avx512vbmi(_mm512_loadu_si512((const void *)block), valid, out);
}

/* The cached masks from the same two lookups: a stop set that is a
 * union of table B classes is one vptestmb against the union of their
 * bits (vptestmb sets a bit where class AND constant is non-zero), so
 * the nine masks take ten tests instead of fifteen and the joins that
 * safeaddr__cache_from does in general registers. */
static inline __attribute__((always_inline)) void
cache_avx512vbmi(__m512i x, unsigned valid, uint64_t *out)
{
    const __m512i *k = (const __m512i *)(const void *)vbmi_constants;
    __asm__("" : "+r"(k)); /* the constants stay in memory (see above) */
    const __mmask64 keep = (__mmask64)safeaddr__low_bits(valid);
    const uint64_t high = (uint64_t)(_mm512_movepi8_mask(x) & keep);
    const __mmask64 ascii = keep & ~(__mmask64)high;
    const __m512i a = _mm512_permutex2var_epi8(k[VB_A_LO], x, k[VB_A_HI]);
    const __m512i b = _mm512_permutex2var_epi8(k[VB_B_LO], x, k[VB_B_HI]);
    /* controls and 8-bit bytes stop quoted text, comments and literals */
    const uint64_t common = vbmi_class_mask(ascii, a, k[VB_BIT2]) | high;
    out[SAFEADDR__STOP_ATOM] = vbmi_class_mask(ascii, a, k[VB_BIT0]) | high;
    out[SAFEADDR__STOP_QUOTED] =
        vbmi_class_mask(ascii, b, k[VB_B_QUOTED]) | common;
    out[SAFEADDR__STOP_COMMENT] =
        vbmi_class_mask(ascii, b, k[VB_B_COMMENT]) | common;
    out[SAFEADDR__STOP_LITERAL] =
        vbmi_class_mask(ascii, b, k[VB_B_LITERAL]) | common;
    out[SAFEADDR__STOP_NONWSP] =
        ~vbmi_class_mask(ascii, a, k[VB_BIT1]) & (uint64_t)keep;
    out[SAFEADDR__MASK_DOT] = vbmi_class_mask(ascii, a, k[VB_BIT6]);
    out[SAFEADDR__MASK_LDH] = vbmi_class_mask(ascii, a, k[VB_BIT3]);
    out[SAFEADDR__MASK_HYPHEN] = vbmi_class_mask(ascii, a, k[VB_BIT7]);
    out[SAFEADDR__MASK_EXPAND] = vbmi_class_mask(ascii, a, k[VB_BIT5]);
}

/* A short block is loaded under a byte mask: the bytes past avail are
 * zero in the register and never read from memory (scan.h). */
void safeaddr__cache_avx512vbmi(const unsigned char *src, size_t avail,
                                uint64_t *out)
{
    /* one masked load whatever the length (all bytes when avail >= 64) */
    const unsigned valid = avail < 64 ? (unsigned)avail : 64;
    const __m512i x = _mm512_maskz_loadu_epi8(
        (__mmask64)safeaddr__low_bits(valid), (const void *)src);
    cache_avx512vbmi(x, valid, out);
}
#else

/* Not an x86 target: no AVX-512 VBMI kernel (dispatch falls back to
 * scalar). ISO C wants at least one declaration in a translation unit. */
typedef int safeaddr__no_avx512vbmi_kernel;

#endif
