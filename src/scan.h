/*
 * scan.h - block classifier interface (internal)
 *
 * The only per-ISA code in safeaddr is a pure function that turns 64 input
 * bytes into bit masks, one bit per byte (bit i = byte i of the block).
 * Everything stateful lives in portable C in lex.c and parse.c, which ask
 * "where is the next byte with property P at or after pos" and get the
 * answer from these masks with count-trailing-zeros. The scalar kernel
 * (scan_scalar.c) is the reference: every other kernel must give
 * bit-identical masks for every block and every valid length
 * (tests/test_scan.c checks it exhaustively).
 *
 * Each kernel has two entry points. The classifier gives the fifteen
 * class masks of one block (the tests compare them class by class); the
 * cache kernel gives the nine masks the iterator caches, the stop sets
 * joined from those classes, straight from the input (safeaddr__cache_fn
 * below). Tail rule (never read past buf+len): the classifier reads
 * exactly 64 bytes, so its caller copies a partial last block into a
 * zeroed 64-byte buffer and passes valid = number of real bytes; the
 * cache kernel takes the input and its length and keeps to the rule
 * itself. Either must clear every bit at or above `valid` in every mask.
 */
#ifndef SAFEADDR_SCAN_H
#define SAFEADDR_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* Mask with the low n bits set, n in 0..64, without shifting by 64 (UB). */
static inline uint64_t safeaddr__low_bits(unsigned n)
{
    return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
}

/* Masks for one block. Byte classes are those of RFC 5322 section 3.2.3:
 * atext = ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~". */
typedef struct {
    uint64_t non_atext; /* every byte that is not atext (specials, WSP,
                           CR, LF, controls, DEL, bytes >= 0x80)           */
    uint64_t wsp;       /* SP 0x20, HTAB 0x09                              */
    uint64_t dquote;    /* '"'                                             */
    uint64_t bslash;    /* '\\'                                            */
    uint64_t lparen;    /* '('                                             */
    uint64_t rparen;    /* ')'                                             */
    uint64_t lbrack;    /* '['                                             */
    uint64_t rbrack;    /* ']'                                             */
    uint64_t ctl;       /* 0x00-0x1F except HTAB, and 0x7F (NUL, CR, LF
                           included)                                       */
    uint64_t high;      /* bytes >= 0x80                                   */
    /* Host-name classes, read by parse.c's element fast path to judge a
     * local part and a domain from the masks instead of byte by byte
     * (check.c's rules: RFC 1123 2.1 letters-digits-hyphen labels). */
    uint64_t ldh;       /* ALPHA DIGIT '-' (host name bytes but '.')       */
    uint64_t digit;     /* '0'-'9'                                         */
    uint64_t dot;       /* '.'                                             */
    uint64_t hyphen;    /* '-'                                             */
    uint64_t expand;    /* '$' '`' '=' (check.c's second look at a local
                           part: expansion, encoded-words)                 */
} safeaddr__block_masks;

/* How many masks a block has (tests compare them as an array). */
#define SAFEADDR__MASK_COUNT 15

/* A kernel: classify block[0..64) of which the first `valid` bytes
 * (1..64) are real; bits >= valid must be 0 in every mask. block may be
 * unaligned; the kernel reads exactly 64 bytes from it. */
typedef void (*safeaddr__classify_fn)(const unsigned char *block,
                                      unsigned valid,
                                      safeaddr__block_masks *out);

void safeaddr__classify_scalar(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out);

/* The masks the iterator caches per block (safeaddr_iter.masks_), in this
 * order: the stop sets the lexer and the element fast path walk, derived
 * from a block's masks by safeaddr__cache_from. */
enum {
    SAFEADDR__STOP_ATOM = 0,    /* non_atext                           */
    SAFEADDR__STOP_QUOTED = 1,  /* " \ controls 8-bit                   */
    SAFEADDR__STOP_COMMENT = 2, /* ( ) \ controls 8-bit                 */
    SAFEADDR__STOP_LITERAL = 3, /* [ ] \ controls 8-bit                 */
    SAFEADDR__STOP_NONWSP = 4,  /* anything but SP and HTAB             */
    /* classes for parse.c's element fast path                           */
    SAFEADDR__MASK_DOT = 5,     /* '.'                                   */
    SAFEADDR__MASK_LDH = 6,     /* ALPHA DIGIT '-'                       */
    SAFEADDR__MASK_HYPHEN = 7,  /* '-'                                   */
    SAFEADDR__MASK_EXPAND = 8,  /* '$' '`' '='                           */
    SAFEADDR__CACHED_MASKS = 9
};

/* A block's cached masks from its masks; valid as for the kernel. */
static inline void safeaddr__cache_from(const safeaddr__block_masks *m,
                                        unsigned valid, uint64_t *out)
{
    const uint64_t common = m->bslash | m->ctl | m->high;
    out[SAFEADDR__STOP_ATOM] = m->non_atext;
    out[SAFEADDR__STOP_QUOTED] = m->dquote | common;
    out[SAFEADDR__STOP_COMMENT] = m->lparen | m->rparen | common;
    out[SAFEADDR__STOP_LITERAL] = m->lbrack | m->rbrack | common;
    out[SAFEADDR__STOP_NONWSP] = ~m->wsp & safeaddr__low_bits(valid);
    out[SAFEADDR__MASK_DOT] = m->dot;
    out[SAFEADDR__MASK_LDH] = m->ldh;
    out[SAFEADDR__MASK_HYPHEN] = m->hyphen;
    out[SAFEADDR__MASK_EXPAND] = m->expand;
}

/* A cache kernel: the cached masks of the min(avail, 64) bytes at src
 * (avail >= 1), written to out[0..SAFEADDR__CACHED_MASKS). It reads
 * nothing outside [src, src + min(avail, 64)): the kernels that load 64
 * bytes at a time copy a short block into a zeroed buffer first, the
 * AVX-512 ones load it under a byte mask (masked-off bytes are neither
 * read nor able to fault: Intel SDM vol. 1, 15.4.1 "memory fault
 * suppression"), and the scalar one reads only the valid bytes. Each
 * equals safeaddr__cache_from over its own classifier, which
 * tests/test_scan.c checks for every kernel, length and guard page. */
typedef void (*safeaddr__cache_fn)(const unsigned char *src, size_t avail,
                                   uint64_t *out);

void safeaddr__cache_scalar(const unsigned char *src, size_t avail,
                            uint64_t *out);

/* The kernel chosen for this process (scan_dispatch.c). Chosen once. */
safeaddr__classify_fn safeaddr__classifier(void);
/* Its cache kernel. */
safeaddr__cache_fn safeaddr__cache_kernel(void);
const char *safeaddr__classifier_name(void);

/* Test hook: select a kernel by name ("scalar", "sse2", "avx2", "avx512",
 * "avx512vbmi"). Returns 0 on success, -1 if unknown or not supported by
 * this CPU. */
int safeaddr__select_kernel(const char *name);


#endif
