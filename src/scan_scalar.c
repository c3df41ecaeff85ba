/*
 * scan_scalar.c - reference block classifier (portable C, the oracle)
 *
 * Every SIMD kernel must produce exactly these masks (tests/test_scan.c),
 * and non-x86 users run this one, so it has to be both obviously right
 * and cheap. Testing every byte against every class costs about 15
 * compares a byte; instead this does one table lookup a byte and moves
 * the answers into the masks in bulk:
 *
 *   1. Rules. Each class is written once below as a predicate on the byte
 *      value, in the words of its RFC; nothing else says what a class is.
 *      The table is computed from the predicates by the compiler (a static
 *      const initialiser: no start-up code, and no 256 hand-written
 *      numbers to get wrong).
 *
 *   2. Lanes. A table entry has eight "lanes", bits 0, 8, ..., 56, each
 *      0 or 1: one lookup answers for every mask. Fifteen masks in eight
 *      lanes: eleven of them are single bytes or ranges that no byte is
 *      in two of at once (checked at compile time below), so one number,
 *      the byte's "kind" 0..11, says which of them a byte is in, and its
 *      four bits take four lanes. non_atext and ldh overlap the kinds
 *      (every delimiter is non_atext; digits and '-' are ldh), so they
 *      need lanes of their own; wsp and ctl get the two left over, which
 *      spares decoding them. (Two tables of one lane per mask cost about
 *      a third more: two lookups a byte and two transposes a block.)
 *
 *   3. Fold. Eight bytes go into one word, acc = (acc << 1) | lane[c],
 *      from the last byte to the first: byte j's lanes end in bit j of
 *      each byte of the word, i.e. byte k of the word is lane k's 8 bits
 *      for those 8 bytes. No lane overflows into the next: it gets at most
 *      8 one-bit entries, shifted at most 7 times.
 *
 *   4. Transpose. The eight words of a block (one per 8-byte chunk) form
 *      an 8x8 matrix of bytes, row = chunk, column = lane; the 64-bit
 *      lanes we want are its columns. A standard 3-step block transpose
 *      turns columns into rows: one word per lane.
 *
 *   5. Decode. The four one-mask lanes are masks already. For the others,
 *      a byte is of kind v exactly where the four kind-bit words spell v,
 *      i.e. an AND of each word or its complement: 3 ANDs a mask, once a
 *      block rather than once a byte.
 *
 * About 3 instructions a byte plus a fixed ~170 a block, against ~50 a
 * byte for the compare-per-class loop (callgrind figures in the commit
 * log).
 *
 * The table is indexed by unsigned char only, never a plain char (sign
 * extension turned 0xFF into -1 in sendmail's prescan, CVE-2003-0161),
 * and only block[0..valid) is ever read. A byte past valid is not looked
 * up, so its lanes are all 0: not in any one-mask lane, and kind 0, which
 * is no mask's kind. That is how every bit at or above valid comes out 0,
 * as scan.h requires.
 */
#include "scan.h"

/* ------------------------------------------------------------- the rules
 *
 * Each predicate takes an integer constant 0..255 and is 1 or 0. They
 * are used only in constant expressions, to build the table. */

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

/* non_atext: everything RFC 5322 3.2.3 does not call atext (specials,
 * WSP, CR, LF, other controls, DEL, 8-bit bytes). */
#define R_NON_ATEXT(c) (!R_ATEXT(c))
/* ldh: RFC 1123 2.1 (RFC 952) host name label bytes: letters, digits and
 * hyphen ('.' separates labels and has its own mask). */
#define R_LDH(c) (R_ALPHA(c) || R_DIGIT(c) || (c) == '-')
/* wsp: RFC 5234 B.1 WSP = SP / HTAB (RFC 5322 3.2.2 FWS is made of it). */
#define R_WSP(c) ((c) == 0x20 || (c) == 0x09)
/* ctl: RFC 5234 B.1 CTL = %x00-1F / %x7F, less HTAB, which is WSP (NUL,
 * CR and LF included: the lexer judges them). */
#define R_CTL(c) (((c) <= 0x1F && (c) != 0x09) || (c) == 0x7F)

/* The delimiters of RFC 5322 3.2.4 quoted-string (DQUOTE), 3.2.1
 * quoted-pair ("\"), 3.2.2 comment ("(" ")") and 3.4.1 domain-literal
 * ("[" "]"). */
#define R_DQUOTE(c) ((c) == '"')
#define R_BSLASH(c) ((c) == '\\')
#define R_LPAREN(c) ((c) == '(')
#define R_RPAREN(c) ((c) == ')')
#define R_LBRACK(c) ((c) == '[')
#define R_RBRACK(c) ((c) == ']')
/* high: %x80-FF, outside RFC 5322's US-ASCII; RFC 6532 3.2 lets them in
 * as UTF-8 (judged elsewhere). */
#define R_HIGH(c) ((c) >= 0x80)
/* digit, dot, hyphen: for the label rules of RFC 1123 2.1 (no hyphen at
 * either end, a top label not all digits...). */
#define R_DOT(c) ((c) == '.')
#define R_HYPHEN(c) ((c) == '-')
/* expand: atext that check.c looks at twice in a local part: '$' and '`'
 * (shell expansion) and '=' (RFC 2047 encoded-words). */
#define R_EXPAND(c) ((c) == '$' || (c) == '`' || (c) == '=')

/* ------------------------------------------------------------- the table */

/* The kinds: the masks that are coded as a number in four lanes. */
enum {
    K_NONE, /* none of them (every byte past valid too) */
    K_DQUOTE,
    K_BSLASH,
    K_LPAREN,
    K_RPAREN,
    K_LBRACK,
    K_RBRACK,
    K_HIGH,
    K_DIGIT,
    K_DOT,
    K_HYPHEN,
    K_EXPAND,
    K_COUNT
};
_Static_assert(K_COUNT <= 16, "a kind must fit in four lanes");

/* The kind of byte c: the one kind predicate that holds, or K_NONE. */
#define KIND(c)                                                               \
    (R_DQUOTE(c)   ? K_DQUOTE                                                 \
     : R_BSLASH(c) ? K_BSLASH                                                 \
     : R_LPAREN(c) ? K_LPAREN                                                 \
     : R_RPAREN(c) ? K_RPAREN                                                 \
     : R_LBRACK(c) ? K_LBRACK                                                 \
     : R_RBRACK(c) ? K_RBRACK                                                 \
     : R_HIGH(c)   ? K_HIGH                                                   \
     : R_DIGIT(c)  ? K_DIGIT                                                  \
     : R_DOT(c)    ? K_DOT                                                    \
     : R_HYPHEN(c) ? K_HYPHEN                                                 \
     : R_EXPAND(c) ? K_EXPAND                                                 \
                   : K_NONE)

/* KIND takes the first predicate that holds, so it is right only if at
 * most one holds for each byte. Proved here for all 256, at compile time. */
#define KIND_UNIQUE(c)                                                        \
    (R_DQUOTE(c) + R_BSLASH(c) + R_LPAREN(c) + R_RPAREN(c) + R_LBRACK(c) +    \
         R_RBRACK(c) + R_HIGH(c) + R_DIGIT(c) + R_DOT(c) + R_HYPHEN(c) +      \
         R_EXPAND(c) <=                                                       \
     1)
#define ALL4(p, c) (p((c)) && p((c) + 1) && p((c) + 2) && p((c) + 3))
#define ALL16(p, c)                                                           \
    (ALL4(p, (c)) && ALL4(p, (c) + 4) && ALL4(p, (c) + 8) &&                  \
     ALL4(p, (c) + 12))
#define ALL64(p, c)                                                           \
    (ALL16(p, (c)) && ALL16(p, (c) + 16) && ALL16(p, (c) + 32) &&             \
     ALL16(p, (c) + 48))
#define ALL256(p)                                                             \
    (ALL64(p, 0) && ALL64(p, 64) && ALL64(p, 128) && ALL64(p, 192))
_Static_assert(ALL256(KIND_UNIQUE), "a byte is of two kinds");

/* The lanes, in bits 8*lane of an entry. */
enum {
    L_NON_ATEXT, /* 0..3: one mask each */
    L_LDH,
    L_WSP,
    L_CTL,
    L_KIND /* 4..7: bits 0..3 of the kind */
};
#define BIT(x, lane) ((uint64_t)((x) ? 1 : 0) << (8 * (lane)))
#define LANES(c)                                                              \
    (BIT(R_NON_ATEXT(c), L_NON_ATEXT) | BIT(R_LDH(c), L_LDH) |                \
     BIT(R_WSP(c), L_WSP) | BIT(R_CTL(c), L_CTL) |                            \
     BIT(KIND(c) & 1, L_KIND) | BIT(KIND(c) & 2, L_KIND + 1) |                \
     BIT(KIND(c) & 4, L_KIND + 2) | BIT(KIND(c) & 8, L_KIND + 3))

/* f(0), f(1), ..., f(255) */
#define EACH4(f, c) f((c)), f((c) + 1), f((c) + 2), f((c) + 3)
#define EACH16(f, c)                                                          \
    EACH4(f, (c)), EACH4(f, (c) + 4), EACH4(f, (c) + 8), EACH4(f, (c) + 12)
#define EACH64(f, c)                                                          \
    EACH16(f, (c)), EACH16(f, (c) + 16), EACH16(f, (c) + 32),                 \
        EACH16(f, (c) + 48)
#define EACH256(f)                                                            \
    EACH64(f, 0), EACH64(f, 64), EACH64(f, 128), EACH64(f, 192)

static const uint64_t lanes[256] = {EACH256(LANES)};

/* ------------------------------------------------------------ the kernel */

/* Fold the 8 bytes p[0..8) into one word: bit j of byte k is lane k of
 * p[j]. Written out, not looped: at -O2 the compiler keeps a loop, and
 * its counter costs as much as the lookups. */
static inline uint64_t fold8(const unsigned char *p)
{
    uint64_t a = lanes[p[7]];
    a = (a << 1) | lanes[p[6]];
    a = (a << 1) | lanes[p[5]];
    a = (a << 1) | lanes[p[4]];
    a = (a << 1) | lanes[p[3]];
    a = (a << 1) | lanes[p[2]];
    a = (a << 1) | lanes[p[1]];
    a = (a << 1) | lanes[p[0]];
    return a;
}

/* The same for a partial chunk p[0..n), n < 8: bits j >= n are 0, and
 * p[n..8) is not read. */
static inline uint64_t fold_tail(const unsigned char *p, unsigned n)
{
    uint64_t a = 0;
    for (unsigned j = n; j-- > 0;)
        a = (a << 1) | lanes[p[j]];
    return a;
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

/* Where the kind is v, given the four kind-bit lanes k[0..4): each bit of
 * v says whether to take that lane or its complement. */
static inline uint64_t kind_is(const uint64_t k[4], unsigned v)
{
    return ((v & 1) ? k[0] : ~k[0]) & ((v & 2) ? k[1] : ~k[1]) &
           ((v & 4) ? k[2] : ~k[2]) & ((v & 8) ? k[3] : ~k[3]);
}

static inline __attribute__((always_inline)) void
classify_scalar(const unsigned char *block, unsigned valid,
                safeaddr__block_masks *out)
{
    /* r[c]: chunk c = block[8c..8c+8) folded; chunks past valid stay 0 */
    uint64_t r[8] = {0};
    if (valid > 64)
        valid = 64;
    /* Chunk by chunk, with constant indices; the first chunk that is not
     * whole is the last one read, and only its valid bytes are. */
#define CHUNK(c)                                                              \
    do {                                                                      \
        if (valid < 8 * (c) + 8) {                                            \
            if (valid > 8 * (c))                                              \
                r[c] = fold_tail(block + 8 * (c), valid - 8 * (c));           \
            goto folded;                                                      \
        }                                                                     \
        r[c] = fold8(block + 8 * (c));                                        \
    } while (0)
    CHUNK(0);
    CHUNK(1);
    CHUNK(2);
    CHUNK(3);
    CHUNK(4);
    CHUNK(5);
    CHUNK(6);
    CHUNK(7);
#undef CHUNK
folded:
    /* r[c] byte k = lane k, bits 8c..8c+7; transposed, r[k] is lane k */
    transpose8x8(r);
    out->non_atext = r[L_NON_ATEXT];
    out->ldh = r[L_LDH];
    out->wsp = r[L_WSP];
    out->ctl = r[L_CTL];
    const uint64_t *k = &r[L_KIND];
    out->dquote = kind_is(k, K_DQUOTE);
    out->bslash = kind_is(k, K_BSLASH);
    out->lparen = kind_is(k, K_LPAREN);
    out->rparen = kind_is(k, K_RPAREN);
    out->lbrack = kind_is(k, K_LBRACK);
    out->rbrack = kind_is(k, K_RBRACK);
    out->high = kind_is(k, K_HIGH);
    out->digit = kind_is(k, K_DIGIT);
    out->dot = kind_is(k, K_DOT);
    out->hyphen = kind_is(k, K_HYPHEN);
    out->expand = kind_is(k, K_EXPAND);
}

void safeaddr__classify_scalar(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out)
{
    classify_scalar(block, valid, out);
}

/* It reads only the valid bytes of a block (fold_tail), so a short block
 * needs no copy. */
void safeaddr__cache_scalar(const unsigned char *src, size_t avail,
                            uint64_t *out)
{
    const unsigned valid = avail < 64 ? (unsigned)avail : 64;
    safeaddr__block_masks m;
    classify_scalar(src, valid, &m);
    safeaddr__cache_from(&m, valid, out);
}
