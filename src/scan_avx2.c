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

/* Every constant the kernel compares with, each as 32 equal bytes, then
 * the two nibble tables (the table of the comment above, in both 128-bit
 * lanes because vpshufb looks up within each lane). They are read from
 * memory through a pointer the compiler cannot see through (see
 * classify_avx2): each compare then takes its constant as a memory
 * operand, where gcc would otherwise build every _mm256_set1_epi8 with
 * three instructions (a move, vmovd, vpbroadcastb) on each call. */
enum {
    K_SP, K_HTAB, K_DQUOTE, K_BSLASH, K_LPAREN, K_RPAREN, K_LBRACK,
    K_RBRACK, K_DEL, K_CTL_MAX, K_NIBBLE, K_DOT, K_HYPHEN, K_DOLLAR,
    K_BACKTICK, K_EQUALS, K_ZERO, K_NINE, K_CASE, K_LOWER_A, K_TWENTY_FIVE,
    K_BY_LOW, K_BY_HIGH, K_COUNT
};
#define SPLAT(c) {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c,               \
                  c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c}
#define LANES(...) {__VA_ARGS__, __VA_ARGS__}
static const unsigned char constants[K_COUNT][32]
    __attribute__((aligned(32))) = {
    [K_SP] = SPLAT(' '),       [K_HTAB] = SPLAT('\t'),
    [K_DQUOTE] = SPLAT('"'),   [K_BSLASH] = SPLAT('\\'),
    [K_LPAREN] = SPLAT('('),   [K_RPAREN] = SPLAT(')'),
    [K_LBRACK] = SPLAT('['),   [K_RBRACK] = SPLAT(']'),
    [K_DEL] = SPLAT(0x7F),     [K_CTL_MAX] = SPLAT(0x1F),
    [K_NIBBLE] = SPLAT(0x0F),  [K_DOT] = SPLAT('.'),
    [K_HYPHEN] = SPLAT('-'),   [K_DOLLAR] = SPLAT('$'),
    [K_BACKTICK] = SPLAT('`'), [K_EQUALS] = SPLAT('='),
    [K_ZERO] = SPLAT('0'),     [K_NINE] = SPLAT(9),
    [K_CASE] = SPLAT(0x20),    [K_LOWER_A] = SPLAT('a'),
    [K_TWENTY_FIVE] = SPLAT(25),
    [K_BY_LOW] = LANES(0x74, 0x60, 0x61, 0x60, 0x60, 0x60, 0x60, 0x60, 0x61,
                       0x61, 0x62, 0x6A, 0x6B, 0x68, 0x63, 0xE0),
    [K_BY_HIGH] = LANES(0x20, 0x20, 0x11, 0x02, 0x04, 0x08, 0x00, 0x80, 0x40,
                        0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40),
};
#undef SPLAT
#undef LANES

/* Two 32-byte compare results (bytes 0..31 and 32..63) to one 64-bit
 * mask. Each mask is finished and stored before the next is computed, so
 * that only a few general registers are live at a time (computing all
 * the half-masks first made gcc spill them to the stack). */
static inline uint64_t bits64(__m256i lo, __m256i hi)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
           ((uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32);
}

/* Bytes that are not atext: lookup(low nibble) AND lookup(high nibble)
 * is non-zero (table in the comment at the top). */
static inline __m256i not_atext32(const __m256i *k, __m256i x)
{
    /* There is no 8-bit shift: shift 16-bit lanes and drop the bits that
     * came from the neighbouring byte. */
    const __m256i hi_nibbles =
        _mm256_and_si256(_mm256_srli_epi16(x, 4), k[K_NIBBLE]);
    const __m256i lo_nibbles = _mm256_and_si256(x, k[K_NIBBLE]);
    const __m256i classes =
        _mm256_and_si256(_mm256_shuffle_epi8(k[K_BY_LOW], lo_nibbles),
                         _mm256_shuffle_epi8(k[K_BY_HIGH], hi_nibbles));
    /* atext bytes have no class bit: compare with zero, then invert */
    return _mm256_xor_si256(
        _mm256_cmpeq_epi8(classes, _mm256_setzero_si256()),
        _mm256_set1_epi8(-1));
}

/* Controls: unsigned x <= 0x1F but not HTAB, or DEL (RFC 5234 B.1).
 * min(x, 0x1F) == x is the unsigned compare AVX2 lacks; a signed compare
 * would also take every 8-bit byte. */
static inline __m256i ctl32(const __m256i *k, __m256i x)
{
    const __m256i c0 = _mm256_cmpeq_epi8(_mm256_min_epu8(x, k[K_CTL_MAX]), x);
    return _mm256_or_si256(
        _mm256_andnot_si256(_mm256_cmpeq_epi8(x, k[K_HTAB]), c0),
        _mm256_cmpeq_epi8(x, k[K_DEL]));
}

/* Unsigned x - lo <= span (min_epu8, as in ctl32): the ranges of the
 * host-name classes. */
static inline __m256i in_range(__m256i x, __m256i lo, __m256i span)
{
    const __m256i t = _mm256_sub_epi8(x, lo);
    return _mm256_cmpeq_epi8(_mm256_min_epu8(t, span), t);
}

static inline __m256i digit32(const __m256i *k, __m256i x)
{
    return in_range(x, k[K_ZERO], k[K_NINE]);
}

/* ALPHA DIGIT '-': setting bit 0x20 maps 'A'-'Z' onto 'a'-'z' and moves
 * no other byte into that range. */
static inline __m256i ldh32(const __m256i *k, __m256i x)
{
    return _mm256_or_si256(
        _mm256_or_si256(in_range(_mm256_or_si256(x, k[K_CASE]), k[K_LOWER_A],
                                 k[K_TWENTY_FIVE]),
                        digit32(k, x)),
        _mm256_cmpeq_epi8(x, k[K_HYPHEN]));
}

static inline __m256i expand32(const __m256i *k, __m256i x)
{
    return _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, k[K_DOLLAR]),
                                           _mm256_cmpeq_epi8(x, k[K_BACKTICK])),
                           _mm256_cmpeq_epi8(x, k[K_EQUALS]));
}

static inline __attribute__((always_inline)) void
classify_avx2(const unsigned char *block, unsigned valid,
              safeaddr__block_masks *out)
{
    const __m256i *k = (const __m256i *)(const void *)constants;
    __asm__("" : "+r"(k)); /* the constants stay in memory (see above) */
    const __m256i lo =
        _mm256_loadu_si256((const __m256i *)(const void *)block);
    const __m256i hi =
        _mm256_loadu_si256((const __m256i *)(const void *)(block + 32));
    const uint64_t keep = safeaddr__low_bits(valid);
#define BYTE_MASK(i)                                                           \
    (bits64(_mm256_cmpeq_epi8(lo, k[i]), _mm256_cmpeq_epi8(hi, k[i])) & keep)
#define CLASS_MASK(f) (bits64(f(k, lo), f(k, hi)) & keep)
    out->non_atext = CLASS_MASK(not_atext32);
    out->wsp = BYTE_MASK(K_SP) | BYTE_MASK(K_HTAB);
    out->dquote = BYTE_MASK(K_DQUOTE);
    out->bslash = BYTE_MASK(K_BSLASH);
    out->lparen = BYTE_MASK(K_LPAREN);
    out->rparen = BYTE_MASK(K_RPAREN);
    out->lbrack = BYTE_MASK(K_LBRACK);
    out->rbrack = BYTE_MASK(K_RBRACK);
    out->ctl = CLASS_MASK(ctl32);
    /* the sign bit of each byte is exactly "byte >= 0x80" */
    out->high = bits64(lo, hi) & keep;
    out->ldh = CLASS_MASK(ldh32);
    out->digit = CLASS_MASK(digit32);
    out->dot = BYTE_MASK(K_DOT);
    out->hyphen = BYTE_MASK(K_HYPHEN);
    out->expand = CLASS_MASK(expand32);
#undef BYTE_MASK
#undef CLASS_MASK
}


void safeaddr__classify_avx2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out)
{
    classify_avx2(block, valid, out);
}

/* The cached masks straight from the compares: the stop sets that are
 * unions of classes (scan.h, safeaddr__cache_from) are ORed as vectors,
 * so each cached mask costs one pair of movemasks instead of one per
 * class. The byte sign bit is "byte >= 0x80", so x itself joins the
 * union for the 8-bit class. */
static inline __attribute__((always_inline)) void
cache_avx2(const unsigned char *block, unsigned valid, uint64_t *out)
{
    const __m256i *k = (const __m256i *)(const void *)constants;
    __asm__("" : "+r"(k)); /* the constants stay in memory (see above) */
    const __m256i lo =
        _mm256_loadu_si256((const __m256i *)(const void *)block);
    const __m256i hi =
        _mm256_loadu_si256((const __m256i *)(const void *)(block + 32));
    const uint64_t keep = safeaddr__low_bits(valid);
#define EQ2(x, a, b)                                                           \
    _mm256_or_si256(_mm256_cmpeq_epi8((x), k[a]), _mm256_cmpeq_epi8((x), k[b]))
#define COMMON(x)                                                              \
    _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8((x), k[K_BSLASH]),       \
                                    ctl32(k, (x))),                            \
                    (x))
    const __m256i common_lo = COMMON(lo), common_hi = COMMON(hi);
#define STOP(a, b)                                                             \
    (bits64(_mm256_or_si256(common_lo, EQ2(lo, a, b)),                         \
            _mm256_or_si256(common_hi, EQ2(hi, a, b))) & keep)
#define CLASS_MASK(f) (bits64(f(k, lo), f(k, hi)) & keep)
#define BYTE_MASK(i)                                                           \
    (bits64(_mm256_cmpeq_epi8(lo, k[i]), _mm256_cmpeq_epi8(hi, k[i])) & keep)
    out[SAFEADDR__STOP_ATOM] = CLASS_MASK(not_atext32);
    out[SAFEADDR__STOP_QUOTED] = STOP(K_DQUOTE, K_DQUOTE);
    out[SAFEADDR__STOP_COMMENT] = STOP(K_LPAREN, K_RPAREN);
    out[SAFEADDR__STOP_LITERAL] = STOP(K_LBRACK, K_RBRACK);
    out[SAFEADDR__STOP_NONWSP] =
        ~bits64(EQ2(lo, K_SP, K_HTAB), EQ2(hi, K_SP, K_HTAB)) & keep;
    out[SAFEADDR__MASK_DOT] = BYTE_MASK(K_DOT);
    out[SAFEADDR__MASK_LDH] = CLASS_MASK(ldh32);
    out[SAFEADDR__MASK_HYPHEN] = BYTE_MASK(K_HYPHEN);
    out[SAFEADDR__MASK_EXPAND] = CLASS_MASK(expand32);
#undef EQ2
#undef COMMON
#undef STOP
#undef CLASS_MASK
#undef BYTE_MASK
}

void safeaddr__cache_avx2(const unsigned char *src, size_t avail,
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
    cache_avx2(block, valid, out);
}
#else

/* Not an x86 target: no AVX2 kernel (dispatch falls back to scalar). ISO C
 * wants at least one declaration in a translation unit. */
typedef int safeaddr__no_avx2_kernel;

#endif
