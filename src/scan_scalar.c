/*
 * scan_scalar.c - reference block classifier (portable C, the oracle)
 *
 * Every SIMD kernel must produce exactly these masks (tests/test_scan.c),
 * and non-x86 users run this one, so it has to be both obviously right
 * and cheap. The earlier version tested every byte against every class
 * (about 15 compares a byte) and made the whole parser about 50% slower
 * once the five host-name masks were added. This one does a table lookup
 * a byte and moves bits in bulk:
 *
 *   1. Rules. Each class is written once below as a predicate on the
 *      byte value, in the words of its RFC; nothing else says what a
 *      class is. The tables are computed from the predicates by the
 *      compiler (static const initialisers, no start-up code, nothing to
 *      get wrong by hand in 256 hex numbers).
 *
 *   2. Lookup. For a byte value c, lane_lo[c] holds mask k's answer (0 or
 *      1) in bit 8k, k = 0..7 (non_atext .. rbrack); lane_hi[c] the same
 *      for masks 8..14 (ctl .. expand) in bits 8(k-8). Eight bytes are
 *      folded into one word per table, acc = (acc << 1) | lane[c], from
 *      the last byte to the first: then byte j's answer ends in bit j of
 *      every lane, i.e. byte lane k of the word is mask k's 8 bits for
 *      those 8 bytes. No lane can overflow into the next: each lane gets
 *      at most 8 one-bit entries, shifted at most 7 times.
 *
 *   3. Transpose. Eight such words (one per 8-byte chunk of the block)
 *      form an 8x8 matrix of bytes, row = chunk, column = mask; the masks
 *      we want are its columns. A standard 3-step block transpose (swap
 *      the off-diagonal 4x4, then 2x2, then 1x1 blocks) turns columns
 *      into rows, one word per mask.
 *
 * About 5 instructions a byte plus a fixed 144 for the two transposes,
 * against about 50 a byte before (callgrind figures in the commit log).
 *
 * Tables are indexed by unsigned char only, never a plain char (sign
 * extension turned 0xFF into -1 in sendmail's prescan, CVE-2003-0161),
 * and only block[0..valid) is ever read: a byte past valid is not looked
 * up, so its bits stay 0 in every mask, as scan.h requires.
 */
#include "scan.h"

/* ------------------------------------------------------------- the rules
 *
 * Each predicate takes an integer constant 0..255 and is 1 or 0. They
 * are used only in constant expressions, to build the tables. */

/* RFC 5234 B.1: ALPHA = %x41-5A / %x61-7A, DIGIT = %x30-39. */
#define R_ALPHA(c) (((c) >= 0x41 && (c) <= 0x5A) || ((c) >= 0x61 && (c) <= 0x7A))
#define R_DIGIT(c) ((c) >= 0x30 && (c) <= 0x39)

/* RFC 5322 3.2.3: atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" /
 * "'" / "*" / "+" / "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" / "|" /
 * "}" / "~". */
#define R_ATEXT(c)                                                            \
    (R_ALPHA(c) || R_DIGIT(c) || (c) == '!' || (c) == '#' || (c) == '$' ||   \
     (c) == '%' || (c) == '&' || (c) == '\'' || (c) == '*' || (c) == '+' ||  \
     (c) == '-' || (c) == '/' || (c) == '=' || (c) == '?' || (c) == '^' ||   \
     (c) == '_' || (c) == '`' || (c) == '{' || (c) == '|' || (c) == '}' ||   \
     (c) == '~')

/* mask 0 non_atext: everything RFC 5322 3.2.3 does not call atext
 * (specials, WSP, CR, LF, other controls, DEL, 8-bit bytes). */
#define R_NON_ATEXT(c) (!R_ATEXT(c))
/* mask 1 wsp: RFC 5234 B.1 WSP = SP / HTAB (used by RFC 5322 3.2.2 FWS). */
#define R_WSP(c) ((c) == 0x20 || (c) == 0x09)
/* masks 2-7: the delimiters of RFC 5322 3.2.4 quoted-string (DQUOTE),
 * 3.2.1 quoted-pair ("\"), 3.2.2 comment ("(" ")") and 3.4.1
 * domain-literal ("[" "]"). */
#define R_DQUOTE(c) ((c) == '"')
#define R_BSLASH(c) ((c) == '\\')
#define R_LPAREN(c) ((c) == '(')
#define R_RPAREN(c) ((c) == ')')
#define R_LBRACK(c) ((c) == '[')
#define R_RBRACK(c) ((c) == ']')
/* mask 8 ctl: RFC 5234 B.1 CTL = %x00-1F / %x7F, less HTAB, which is WSP
 * (NUL, CR and LF included: the lexer judges them). */
#define R_CTL(c) (((c) <= 0x1F && (c) != 0x09) || (c) == 0x7F)
/* mask 9 high: %x80-FF, outside RFC 5322's US-ASCII; RFC 6532 3.2 lets
 * them in as UTF-8 (judged elsewhere). */
#define R_HIGH(c) ((c) >= 0x80)
/* mask 10 ldh: RFC 1123 2.1 (RFC 952) host name label bytes, letters,
 * digits and hyphen; '.' separates labels and has its own mask. */
#define R_LDH(c) (R_ALPHA(c) || R_DIGIT(c) || (c) == '-')
/* masks 11-13: digit (RFC 5234 DIGIT), dot and hyphen, for the label
 * rules of RFC 1123 2.1 (no hyphen at either end, not all digits...). */
#define R_DIG(c) R_DIGIT(c)
#define R_DOT(c) ((c) == '.')
#define R_HYPHEN(c) ((c) == '-')
/* mask 14 expand: atext that check.c looks at twice in a local part:
 * '$' and '`' (shell expansion) and '=' (RFC 2047 encoded-words). */
#define R_EXPAND(c) ((c) == '$' || (c) == '`' || (c) == '=')

/* ------------------------------------------------------------ the tables */

/* Bit 8*lane of the table entry is set when the predicate holds. */
#define LANE(pred, c, lane) ((uint64_t)((pred(c)) ? 1 : 0) << (8 * (lane)))

/* Lanes in the order of safeaddr__block_masks, 0..7 then 8..14. */
#define LANES_LO(c)                                                           \
    (LANE(R_NON_ATEXT, c, 0) | LANE(R_WSP, c, 1) | LANE(R_DQUOTE, c, 2) |     \
     LANE(R_BSLASH, c, 3) | LANE(R_LPAREN, c, 4) | LANE(R_RPAREN, c, 5) |     \
     LANE(R_LBRACK, c, 6) | LANE(R_RBRACK, c, 7))
#define LANES_HI(c)                                                           \
    (LANE(R_CTL, c, 0) | LANE(R_HIGH, c, 1) | LANE(R_LDH, c, 2) |             \
     LANE(R_DIG, c, 3) | LANE(R_DOT, c, 4) | LANE(R_HYPHEN, c, 5) |           \
     LANE(R_EXPAND, c, 6))

/* f(0), f(1), ..., f(255) */
#define EACH4(f, c) f((c)), f((c) + 1), f((c) + 2), f((c) + 3)
#define EACH16(f, c)                                                          \
    EACH4(f, (c)), EACH4(f, (c) + 4), EACH4(f, (c) + 8), EACH4(f, (c) + 12)
#define EACH64(f, c)                                                          \
    EACH16(f, (c)), EACH16(f, (c) + 16), EACH16(f, (c) + 32),                 \
        EACH16(f, (c) + 48)
#define EACH256(f)                                                            \
    EACH64(f, 0), EACH64(f, 64), EACH64(f, 128), EACH64(f, 192)

static const uint64_t lane_lo[256] = {EACH256(LANES_LO)};
static const uint64_t lane_hi[256] = {EACH256(LANES_HI)};

/* ------------------------------------------------------------ the kernel */

/* One byte into the pair of folded words: shift the lanes up a bit and
 * put the byte's answers in bit 0 of each lane. */
#define FOLD(a, b, x)                                                         \
    do {                                                                      \
        const unsigned char x_ = (x);                                         \
        (a) = ((a) << 1) | lane_lo[x_];                                       \
        (b) = ((b) << 1) | lane_hi[x_];                                       \
    } while (0)

/* Fold the 8 bytes p[0..8) into one word per table: bit j of byte lane k
 * is mask k's answer for p[j]. Written out, not looped: the compiler at
 * -O2 keeps a loop, and its counter costs as much as the lookups. */
static inline void fold8(const unsigned char *p, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = 0, b = 0;
    FOLD(a, b, p[7]);
    FOLD(a, b, p[6]);
    FOLD(a, b, p[5]);
    FOLD(a, b, p[4]);
    FOLD(a, b, p[3]);
    FOLD(a, b, p[2]);
    FOLD(a, b, p[1]);
    FOLD(a, b, p[0]);
    *lo = a;
    *hi = b;
}

/* The same for a partial chunk p[0..n), n < 8; bits for j >= n are 0 and
 * p[n..8) is not read. */
static inline void fold_tail(const unsigned char *p, unsigned n, uint64_t *lo,
                             uint64_t *hi)
{
    uint64_t a = 0, b = 0;
    for (unsigned j = n; j-- > 0;)
        FOLD(a, b, p[j]);
    *lo = a;
    *hi = b;
}

/* Exchange the bits of r[i] selected by m << s with the bits of r[i + d]
 * selected by m (a "delta swap"): t marks where they differ. */
#define SWAP_BLOCKS(r, i, d, m, s)                                            \
    do {                                                                      \
        const uint64_t t_ = (((r)[i] >> (s)) ^ (r)[(i) + (d)]) & (m);         \
        (r)[(i) + (d)] ^= t_;                                                 \
        (r)[i] ^= t_ << (s);                                                  \
    } while (0)

/* Transpose the 8x8 byte matrix r (row i = r[i], column k = byte k, i.e.
 * bits 8k..8k+7): afterwards byte i of r[k] is what byte k of r[i] was.
 * Step 1 swaps the top-right 4x4 block (bytes 4-7 of rows 0-3) with the
 * bottom-left one (bytes 0-3 of rows 4-7); steps 2 and 3 do the same for
 * the 2x2 blocks inside each 4x4 and the single bytes inside each 2x2. */
static inline void transpose8x8(uint64_t r[8])
{
    for (unsigned i = 0; i < 4; i++)
        SWAP_BLOCKS(r, i, 4, 0x00000000FFFFFFFFull, 32);
    SWAP_BLOCKS(r, 0, 2, 0x0000FFFF0000FFFFull, 16);
    SWAP_BLOCKS(r, 1, 2, 0x0000FFFF0000FFFFull, 16);
    SWAP_BLOCKS(r, 4, 2, 0x0000FFFF0000FFFFull, 16);
    SWAP_BLOCKS(r, 5, 2, 0x0000FFFF0000FFFFull, 16);
    for (unsigned i = 0; i < 8; i += 2)
        SWAP_BLOCKS(r, i, 1, 0x00FF00FF00FF00FFull, 8);
}

void safeaddr__classify_scalar(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out)
{
    /* lo[c], hi[c]: chunk c = block[8c..8c+8), one byte lane per mask;
     * chunks past valid stay 0. */
    uint64_t lo[8] = {0}, hi[8] = {0};
    if (valid > 64)
        valid = 64;
    const unsigned full = valid / 8;
    for (unsigned c = 0; c < full; c++)
        fold8(block + 8 * c, &lo[c], &hi[c]);
    /* the last, partial chunk: only its valid bytes are read */
    if (valid % 8)
        fold_tail(block + 8 * full, valid % 8, &lo[full], &hi[full]);
    /* Now lo[c] byte k = mask k, bits 8c..8c+7. Transposed, lo[k] is
     * mask k whole (and hi[k] mask 8 + k; hi[7] is the unused lane). */
    transpose8x8(lo);
    transpose8x8(hi);
    out->non_atext = lo[0];
    out->wsp = lo[1];
    out->dquote = lo[2];
    out->bslash = lo[3];
    out->lparen = lo[4];
    out->rparen = lo[5];
    out->lbrack = lo[6];
    out->rbrack = lo[7];
    out->ctl = hi[0];
    out->high = hi[1];
    out->ldh = hi[2];
    out->digit = hi[3];
    out->dot = hi[4];
    out->hyphen = hi[5];
    out->expand = hi[6];
}
