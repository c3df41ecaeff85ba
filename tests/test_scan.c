/*
 * test_scan.c - every block classifier gives the reference masks
 *
 * The scalar kernel (src/scan_scalar.c) is the oracle (SIMD.md section 8);
 * each kernel the CPU supports, as listed by safeaddr_kernels() and
 * selected through the dispatcher, must give bit-identical masks:
 *   - each of the 256 byte values at each of the 64 positions of an
 *     otherwise-atext block, as the last valid byte and just past the end;
 *   - every valid length 1..64 with garbage beyond it;
 *   - every pair of byte values at positions 62/63, and at 63 and 64, the
 *     last byte of one block and the first of the next;
 *   - random blocks from a specials-heavy alphabet, at every alignment;
 * and no kernel may read outside its 64 bytes, nor the parser outside
 * [buf, buf+len), checked against PROT_NONE guard pages. The oracle itself
 * is checked against the byte classes written out from RFC 5322 and
 * RFC 5234, independently of src/chars.c. Dispatch: the kernel list, the
 * test hook, SAFEADDR_ISA (in child processes: the choice is made once per
 * process), and the choice for CPUs this machine is not (AVX-512 with and
 * without VBMI, the Intel models that down-clock, hidden CPUID bits,
 * missing OS support).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "safeaddr.h"
#include "scan.h"
#include "scan_isa.h"
#include "chars.h"

#define MAX_KERNELS 8

/* ------------------------------------------------------------- helpers */

typedef struct {
    size_t count;
    const char *name[MAX_KERNELS];
    safeaddr__classify_fn fn[MAX_KERNELS];
    safeaddr__cache_fn cache[MAX_KERNELS];
} kernel_list;

/* Every kernel the CPU supports, selected through the test hook so that
 * the dispatcher's own table is what gets tested. */
static void get_kernels(kernel_list *k)
{
    k->count = safeaddr_kernels(k->name, MAX_KERNELS);
    cr_assert(k->count >= 1 && k->count <= MAX_KERNELS, "kernel count %zu",
              k->count);
    for (size_t i = 0; i < k->count; i++) {
        cr_assert_eq(safeaddr__select_kernel(k->name[i]), 0,
                     "kernel %s listed but not selectable", k->name[i]);
        cr_assert_str_eq(safeaddr__classifier_name(), k->name[i]);
        k->fn[i] = safeaddr__classifier();
        k->cache[i] = safeaddr__cache_kernel();
        cr_assert(k->fn[i] != NULL && k->cache[i] != NULL);
    }
}

static const char *const mask_names[SAFEADDR__MASK_COUNT] = {
    "non_atext", "wsp",    "dquote", "bslash", "lparen",
    "rparen",    "lbrack", "rbrack", "ctl",    "high",
        "ldh",       "digit",  "dot",    "hyphen", "expand"};

static void mask_array(const safeaddr__block_masks *m, uint64_t a[SAFEADDR__MASK_COUNT])
{
    a[0] = m->non_atext;
    a[1] = m->wsp;
    a[2] = m->dquote;
    a[3] = m->bslash;
    a[4] = m->lparen;
    a[5] = m->rparen;
    a[6] = m->lbrack;
    a[7] = m->rbrack;
    a[8] = m->ctl;
    a[9] = m->high;
    a[10] = m->ldh;
    a[11] = m->digit;
    a[12] = m->dot;
    a[13] = m->hyphen;
    a[14] = m->expand;
}

/* Classify block with kernel i and with the oracle; fail with the first
 * differing mask. Poisons *out first so that an unwritten field shows. */
static void expect_same(const kernel_list *k, size_t i,
                        const unsigned char *block, unsigned valid,
                        const char *what, unsigned a, unsigned b)
{
    safeaddr__block_masks want, got;
    memset(&want, 0x5A, sizeof want);
    memset(&got, 0xA5, sizeof got);
    safeaddr__classify_scalar(block, valid, &want);
    k->fn[i](block, valid, &got);
    uint64_t w[SAFEADDR__MASK_COUNT], g[SAFEADDR__MASK_COUNT];
    mask_array(&want, w);
    mask_array(&got, g);
    for (int m = 0; m < SAFEADDR__MASK_COUNT; m++)
        if (w[m] != g[m])
            cr_assert_fail("kernel %s, %s (%u, %u), valid %u: mask %s is "
                     "%#018llx, scalar %#018llx",
                     k->name[i], what, a, b, valid, mask_names[m],
                     (unsigned long long)g[m], (unsigned long long)w[m]);
}

/* Deterministic generator (xorshift64*): reproducible failures. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* RFC 5322 3.2.3 atext, written out: ALPHA / DIGIT / these. */
static const char atext_punct[] = "!#$%&'*+-/=?^_`{|}~";

static int rfc_atext(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           (c != 0 && strchr(atext_punct, (int)c) != NULL);
}

/* An atext filler block that uses every atext byte, so a kernel that
 * confuses a neighbour with the byte under test shows. */
static void atext_block(unsigned char *b, size_t n)
{
    static const char atext_all[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        "!#$%&'*+-/=?^_`{|}~";
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)atext_all[(i * 7) % (sizeof atext_all - 1)];
}

/* ------------------------------------------------------------- the oracle */

/* The oracle against the classes of RFC 5322 3.2.3 (atext, specials),
 * 3.2.2 (WSP) and RFC 5234 B.1 (CTL = %x00-1F / %x7F), written here from
 * the RFC text rather than taken from src/chars.c. */
Test(scan_oracle, matches_rfc_byte_classes)
{
    unsigned char block[64];
    for (unsigned c = 0; c < 256; c++) {
        for (unsigned pos = 0; pos < 64; pos += 21) {
            safeaddr__block_masks m;
            atext_block(block, sizeof block);
            block[pos] = (unsigned char)c;
            safeaddr__classify_scalar(block, 64, &m);
            const uint64_t bit = (uint64_t)1 << pos;
            uint64_t want[SAFEADDR__MASK_COUNT] = {0}, got[SAFEADDR__MASK_COUNT];
            want[0] = rfc_atext(c) ? 0 : bit;
            want[1] = (c == ' ' || c == '\t') ? bit : 0;
            want[2] = c == '"' ? bit : 0;
            want[3] = c == '\\' ? bit : 0;
            want[4] = c == '(' ? bit : 0;
            want[5] = c == ')' ? bit : 0;
            want[6] = c == '[' ? bit : 0;
            want[7] = c == ']' ? bit : 0;
            want[8] = ((c < 0x20 && c != '\t') || c == 0x7F) ? bit : 0;
            want[9] = c >= 0x80 ? bit : 0;
            /* the host-name classes have members in the atext filler
             * too: every byte of the block is judged */
            for (unsigned j = 0; j < 64; j++) {
                const unsigned b = block[j];
                const uint64_t jb = (uint64_t)1 << j;
                /* RFC 1123 2.1 host name bytes: letters, digits, hyphen */
                const int digit = b >= '0' && b <= '9';
                const int alpha =
                    (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
                want[10] |= (alpha || digit || b == '-') ? jb : 0;
                want[11] |= digit ? jb : 0;
                want[12] |= b == '.' ? jb : 0;
                want[13] |= b == '-' ? jb : 0;
                want[14] |= (b == '$' || b == '`' || b == '=') ? jb : 0;
            }
            mask_array(&m, got);
            for (int i = 0; i < SAFEADDR__MASK_COUNT; i++)
                cr_assert_eq(got[i], want[i],
                             "byte %#04x at %u: %s %#llx, RFC says %#llx", c,
                             pos, mask_names[i], (unsigned long long)got[i],
                             (unsigned long long)want[i]);
        }
    }
}

/* The byte-class table the lexer and check.c read (src/chars.c) against
 * the same RFC classes: the scalar kernel no longer derives its masks from
 * it, so it is checked on its own. */
Test(scan_oracle, char_class_table_matches_rfc_classes)
{
    for (unsigned c = 0; c < 256; c++) {
        const uint16_t k = safeaddr__char_class[c];
        const int digit = c >= '0' && c <= '9';
        const int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const int hex = digit || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
        const int special = c != 0 && strchr("()<>[]:;@\\,.\"", (int)c) != NULL;
        cr_assert_eq(!!(k & SAFEADDR__C_ATEXT), rfc_atext(c), "atext %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_SPECIAL), special, "special %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_WSP), c == ' ' || c == '\t', "wsp %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_CTL),
                     (c < 0x20 && c != '\t') || c == 0x7F, "ctl %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_HIGH), c >= 0x80, "high %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_ALNUM), alpha || digit, "alnum %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_DIGIT), digit, "digit %#04x", c);
        cr_assert_eq(!!(k & SAFEADDR__C_HEX), hex, "hex %#04x", c);
        /* host names as written: letters, digits, '-', '.', and 8-bit
         * (U-labels are IDNA's to judge) */
        cr_assert_eq(!!(k & SAFEADDR__C_HOST),
                     alpha || digit || c == '-' || c == '.' || c >= 0x80,
                     "host %#04x", c);
        /* local-part bytes that need no second look: atext and '.' but
         * '$' '`' '=' */
        cr_assert_eq(!!(k & SAFEADDR__C_PLAIN),
                     (rfc_atext(c) || c == '.') && c != '$' && c != '`' &&
                         c != '=',
                     "plain %#04x", c);
    }
}

/* ------------------------------------------------------- equivalence */

Test(scan_equiv, every_byte_at_every_position)
{
    kernel_list k;
    get_kernels(&k);
    unsigned char block[64];
    for (size_t i = 0; i < k.count; i++)
        for (unsigned pos = 0; pos < 64; pos++)
            for (unsigned c = 0; c < 256; c++) {
                atext_block(block, sizeof block);
                block[pos] = (unsigned char)c;
                /* full block; the byte as the last valid one; the byte
                 * just past the end, where it must leave no trace */
                expect_same(&k, i, block, 64, "byte, position", c, pos);
                expect_same(&k, i, block, pos + 1, "byte, position", c, pos);
                if (pos > 0)
                    expect_same(&k, i, block, pos, "byte, position", c, pos);
            }
}

/* Bits at or above `valid` are zero in every mask, whatever the bytes
 * there: the lexer's tail block is zero-filled, but a kernel must not
 * depend on it (scan.h). */
Test(scan_equiv, every_length_with_garbage_beyond)
{
    kernel_list k;
    get_kernels(&k);
    unsigned char block[64];
    for (int round = 0; round < 64; round++)
        for (unsigned valid = 1; valid <= 64; valid++) {
            atext_block(block, sizeof block);
            for (unsigned j = 0; j < 64; j++)
                if (j >= valid || round % 2)
                    block[j] = (unsigned char)rng(); /* every class */
            for (size_t i = 0; i < k.count; i++) {
                safeaddr__block_masks m;
                uint64_t a[SAFEADDR__MASK_COUNT];
                expect_same(&k, i, block, valid, "length, round", valid,
                            (unsigned)round);
                k.fn[i](block, valid, &m);
                mask_array(&m, a);
                for (int j = 0; j < SAFEADDR__MASK_COUNT; j++)
                    cr_assert_eq(a[j] & ~safeaddr__low_bits(valid), 0,
                                 "kernel %s valid %u: %s has bits past the "
                                 "end",
                                 k.name[i], valid, mask_names[j]);
            }
        }
}

Test(scan_equiv, every_pair_at_62_63)
{
    kernel_list k;
    get_kernels(&k);
    unsigned char block[64];
    atext_block(block, sizeof block);
    for (size_t i = 0; i < k.count; i++)
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++) {
                block[62] = (unsigned char)a;
                block[63] = (unsigned char)b;
                expect_same(&k, i, block, 64, "pair at 62/63", a, b);
                expect_same(&k, i, block, 63, "pair at 62/63", a, b);
            }
}

/* The last byte of a block and the first of the next: two classify calls
 * on one buffer, as the lexer makes them. Kernels have no state, so this
 * also shows that nothing leaks from one call into the next. */
Test(scan_equiv, every_pair_across_blocks)
{
    kernel_list k;
    get_kernels(&k);
    unsigned char buf[128];
    atext_block(buf, sizeof buf);
    for (size_t i = 0; i < k.count; i++)
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++) {
                buf[63] = (unsigned char)a;
                buf[64] = (unsigned char)b;
                expect_same(&k, i, buf, 64, "pair at 63/64", a, b);
                expect_same(&k, i, buf + 64, 64, "pair at 63/64", a, b);
                expect_same(&k, i, buf + 64, 1, "pair at 63/64", a, b);
            }
}

/* Random blocks, mostly specials and the bytes around them, at every
 * alignment of the block pointer (kernels must use unaligned loads). */
Test(scan_equiv, random_specials_heavy_blocks)
{
    static const unsigned char alphabet[] =
        "()<>[]:;@\\,.\" \t\r\n\0\x01\x1f\x7f\x80\xbf\xc3\xff"
        "a!#~`{|}/=?^_'Z09-+*&%$\x21\x22\x2f\x3f\x40\x5f\x60";
    const size_t n = sizeof alphabet - 1;
    kernel_list k;
    get_kernels(&k);
    unsigned char buf[64 + 64];
    for (unsigned round = 0; round < 20000; round++) {
        const unsigned align = round % 64;
        unsigned char *block = buf + align;
        for (size_t j = 0; j < sizeof buf; j++)
            buf[j] = (round & 1) ? alphabet[rng() % n] : (unsigned char)rng();
        const unsigned valid = (round % 3) ? 64 : 1 + (unsigned)(rng() % 64);
        for (size_t i = 0; i < k.count; i++)
            expect_same(&k, i, block, valid, "random round, alignment", round,
                        align);
    }
}

/* ----------------------------------------------------------- over-reads */

/* Two pages: the first readable, the second PROT_NONE. Any byte read at
 * or past `page + pagesize` faults, and Criterion reports the crash. */
typedef struct {
    unsigned char *map;
    size_t page;
} guarded;

static void guard_open(guarded *g, int guard_first)
{
    g->page = (size_t)sysconf(_SC_PAGESIZE);
    g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(g->map != MAP_FAILED, "mmap");
    cr_assert_eq(mprotect(g->map + (guard_first ? 0 : g->page), g->page,
                          PROT_NONE),
                 0, "mprotect");
}

static void guard_close(guarded *g)
{
    munmap(g->map, 2 * g->page);
}

/* A kernel reads exactly the 64 bytes it is given: a block that ends at a
 * guard page, and one that starts right after one. */
Test(scan_guard, kernel_reads_only_its_block)
{
    kernel_list k;
    get_kernels(&k);
    guarded after, before;
    guard_open(&after, 0);
    guard_open(&before, 1);
    unsigned char *end = after.map + after.page;
    unsigned char *start = before.map + before.page;
    atext_block(end - 64, 64);
    atext_block(start, 64);
    end[-1] = '(';
    start[0] = ')';
    for (size_t i = 0; i < k.count; i++) {
        safeaddr__block_masks m;
        k.fn[i](end - 64, 64, &m);
        cr_assert_eq(m.lparen, (uint64_t)1 << 63, "kernel %s", k.name[i]);
        k.fn[i](start, 64, &m);
        cr_assert_eq(m.rparen, 1, "kernel %s", k.name[i]);
    }
    guard_close(&after);
    guard_close(&before);
}

/* ------------------------------------------------------ cache kernels */

static const char *const cached_names[SAFEADDR__CACHED_MASKS] = {
    "stop_atom", "stop_quoted", "stop_comment", "stop_literal", "stop_nonwsp",
    "dot",       "ldh",         "hyphen",       "expand"};

/* The cached masks the oracle gives for the min(avail, 64) bytes at src,
 * from a zeroed copy. */
static void oracle_cache(const unsigned char *src, size_t avail,
                         uint64_t out[SAFEADDR__CACHED_MASKS])
{
    unsigned char block[64];
    const unsigned valid = avail < 64 ? (unsigned)avail : 64;
    memset(block, 0, sizeof block);
    memcpy(block, src, valid);
    safeaddr__block_masks m;
    safeaddr__classify_scalar(block, valid, &m);
    safeaddr__cache_from(&m, valid, out);
}

static void expect_same_cache(const kernel_list *k, size_t i,
                              const unsigned char *src, size_t avail)
{
    uint64_t want[SAFEADDR__CACHED_MASKS], got[SAFEADDR__CACHED_MASKS];
    memset(got, 0xA5, sizeof got);
    oracle_cache(src, avail, want);
    k->cache[i](src, avail, got);
    for (int m = 0; m < SAFEADDR__CACHED_MASKS; m++)
        if (want[m] != got[m])
            cr_assert_fail("cache kernel %s, avail %zu: mask %s is %#018llx, "
                           "oracle %#018llx",
                           k->name[i], avail, cached_names[m],
                           (unsigned long long)got[m],
                           (unsigned long long)want[m]);
}

/* The masks the iterator caches, from each kernel's cache entry point
 * (which loads short blocks its own way: a copy, a masked load, or only
 * the valid bytes), equal the oracle's for every length 1..64 and past
 * it, over blocks of random bytes and of every byte value. */
Test(scan_equiv, cache_kernels_match_the_oracle)
{
    kernel_list k;
    get_kernels(&k);
    unsigned char buf[128];
    for (int round = 0; round < 400; round++) {
        for (size_t j = 0; j < sizeof buf; j++)
            buf[j] = round < 256 ? (unsigned char)(round + 37 * j)
                                 : (unsigned char)rng();
        for (size_t i = 0; i < k.count; i++)
            for (size_t avail = 1; avail <= 70; avail++)
                expect_same_cache(&k, i, buf + (round % 64), avail);
    }
}

/* A cache kernel reads nothing outside [src, src + min(avail, 64)): the
 * input ends at a guard page for every short length, and starts right
 * after one. */
Test(scan_guard, cache_kernels_read_only_the_input)
{
    kernel_list k;
    get_kernels(&k);
    guarded after, before;
    guard_open(&after, 0);
    guard_open(&before, 1);
    unsigned char *end = after.map + after.page;
    unsigned char *start = before.map + before.page;
    atext_block(end - 64, 64);
    atext_block(start, 64);
    for (size_t i = 0; i < k.count; i++) {
        for (size_t avail = 1; avail <= 64; avail++) {
            end[-(ptrdiff_t)avail] = '(';
            expect_same_cache(&k, i, end - avail, avail);
            end[-(ptrdiff_t)avail] = 'a';
            start[avail - 1] = ')';
            expect_same_cache(&k, i, start, avail);
            start[avail - 1] = 'a';
        }
    }
    guard_close(&after);
    guard_close(&before);
}

/* What one parse returned, with spans as offsets so that runs on copies
 * of the input can be compared. */
#define RUN_ITEMS 16
typedef struct {
    int rc;
    safeaddr_error err;
    size_t count;
    uint64_t field_diag;
    size_t span[RUN_ITEMS][14];
    uint64_t diag[RUN_ITEMS];
} parse_run;

static void parse_into(const char *buf, size_t len, parse_run *r)
{
    safeaddr_item items[RUN_ITEMS];
    memset(r, 0, sizeof *r);
    r->rc = safeaddr_parse(buf, len, SAFEADDR_ADDRESS_LIST, NULL, items,
                           RUN_ITEMS, &r->count, &r->field_diag, &r->err);
    if (r->rc != SAFEADDR_OK)
        r->field_diag = 0; /* only meaningful on success */
    if (r->rc != SAFEADDR_OK && r->rc != SAFEADDR_E_NOSPACE)
        r->count = 0;
    if (r->rc == SAFEADDR_OK)
        r->err.code = 0, r->err.offset = 0;
    for (size_t i = 0; r->rc == SAFEADDR_OK && i < r->count && i < RUN_ITEMS;
         i++) {
        const safeaddr_span s[7] = {items[i].source, items[i].display,
                                    items[i].local, items[i].domain,
                                    items[i].addr_spec, items[i].route,
                                    items[i].angle};
        for (int j = 0; j < 7; j++) {
            if (s[j].len > 0)
                cr_assert(s[j].ptr >= buf && s[j].len <= len &&
                              (size_t)(s[j].ptr - buf) <= len - s[j].len,
                          "span outside the input");
            r->span[i][2 * j] = s[j].len ? (size_t)(s[j].ptr - buf) : 0;
            r->span[i][2 * j + 1] = s[j].len;
        }
        r->diag[i] = items[i].diag;
    }
}

static void expect_same_run(const parse_run *a, const parse_run *b,
                            const char *kernel, const char *versus,
                            size_t body, size_t len)
{
    int same = a->rc == b->rc && a->err.code == b->err.code &&
               a->err.offset == b->err.offset && a->count == b->count &&
               a->field_diag == b->field_diag;
    for (size_t i = 0; same && i < RUN_ITEMS; i++) {
        same = a->diag[i] == b->diag[i];
        for (int j = 0; same && j < 14; j++)
            same = a->span[i][j] == b->span[i][j];
    }
    cr_assert(same,
              "body %zu, len %zu: kernel %s differs from %s: rc %d err "
              "%d@%zu count %zu, versus rc %d err %d@%zu count %zu",
              body, len, kernel, versus, a->rc, a->err.code, a->err.offset,
              a->count, b->rc, b->err.code, b->err.offset, b->count);
}

/* Field bodies of every length 0..200 placed so that their last byte is
 * the last readable byte before a guard page, and so that their first
 * byte is the first after one, parsed with every kernel: the lexer's tail
 * copy (lex.c) must never touch a byte outside [buf, buf+len), and every
 * kernel must give the scalar kernel's result. The contents cycle through
 * valid lists, comments, quoted strings, literals and broken endings. */
/* The timeout turns a lexer that stops advancing (it trusts the masks to
 * point at the bytes they name) into a failure instead of a hung suite. */
Test(scan_guard, parse_never_reads_past_the_end, .timeout = 120)
{
    static const char *const bodies[] = {
        "\"Joe Q. Public\" <john.q.public@example.com>, "
        "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
        "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>, "
        "A Group(Some people):Chris Jones <c@(Chris's host.)public.example>;",
        "undisclosed-recipients:;, \"a\\\"b\"@[192.0.2.1], x@[IPv6:::1], "
        "(((nested (comments))) here) q@r.s",
        "J\xc3\xbcrgen <j\xc3\xbc@b\xc3\xa4r.test>, bad\xff@x, \"open",
        "a@b\r\n c@d, (unterminated comment \"x\" ) [literal, e@f>",
    };
    kernel_list k;
    get_kernels(&k);
    guarded after, before;
    guard_open(&after, 0);
    guard_open(&before, 1);
    char *end = (char *)after.map + after.page;
    char *start = (char *)before.map + before.page;
    for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
        const size_t blen = strlen(bodies[b]);
        for (size_t len = 0; len <= 200; len++) {
            char *at_end = end - len;
            for (size_t j = 0; j < len; j++)
                at_end[j] = start[j] = bodies[b][j % blen];
            parse_run ref, tail_run, head_run;
            for (size_t i = 0; i < k.count; i++) {
                cr_assert_eq(safeaddr__select_kernel(k.name[i]), 0);
                parse_into(at_end, len, &tail_run);
                parse_into(start, len, &head_run);
                expect_same_run(&tail_run, &head_run, k.name[i], "placement",
                                b, len);
                if (i == 0)
                    ref = tail_run;
                else
                    expect_same_run(&tail_run, &ref, k.name[i], "scalar", b,
                                    len);
            }
        }
    }
    guard_close(&after);
    guard_close(&before);
}

/* ------------------------------------------------------------- dispatch */

Test(scan_dispatch, kernel_list_is_sane)
{
    const char *names[MAX_KERNELS + 1];
    const size_t n = safeaddr_kernels(NULL, 0);
    cr_assert(n >= 1 && n <= MAX_KERNELS, "%zu kernels", n);
    /* A short array is filled up to cap and the full count returned. */
    names[1] = "untouched";
    cr_assert_eq(safeaddr_kernels(names, 1), n);
    cr_assert_str_eq(names[0], "scalar");
    cr_assert_str_eq(names[1], "untouched");
    cr_assert_eq(safeaddr_kernels(names, MAX_KERNELS), n);
    static const char *const known[] = {"scalar", "sse2", "avx2", "avx512",
                                        "avx512vbmi"};
    const int nknown = (int)(sizeof known / sizeof known[0]);
    int last = -1;
    for (size_t i = 0; i < n; i++) {
        int idx = -1;
        for (int j = 0; j < nknown; j++)
            if (strcmp(names[i], known[j]) == 0)
                idx = j;
        cr_assert(idx > last, "kernel %s unknown or out of order", names[i]);
        last = idx;
    }
#if defined(__x86_64__)
    /* SSE2 is part of x86-64: it is always there. */
    cr_assert(n >= 2 && strcmp(names[1], "sse2") == 0);
#endif
}

Test(scan_dispatch, select_refuses_unknown_names)
{
    const char *before = safeaddr_kernel_name();
    cr_assert_eq(safeaddr__select_kernel(NULL), -1);
    cr_assert_eq(safeaddr__select_kernel(""), -1);
    cr_assert_eq(safeaddr__select_kernel("neon-on-x86"), -1);
    cr_assert_eq(safeaddr__select_kernel("AVX2"), -1); /* names are exact */
    cr_assert_eq(safeaddr__select_kernel("sse"), -1);
    cr_assert_str_eq(safeaddr_kernel_name(), before);
    const char *names[MAX_KERNELS];
    const size_t n = safeaddr_kernels(names, MAX_KERNELS);
    static const char *const all[] = {"scalar", "sse2", "avx2", "avx512",
                                      "avx512vbmi"};
    for (size_t j = 0; j < sizeof all / sizeof all[0]; j++) {
        int listed = 0;
        for (size_t i = 0; i < n; i++)
            listed |= strcmp(names[i], all[j]) == 0;
        cr_assert_eq(safeaddr__select_kernel(all[j]), listed ? 0 : -1,
                     "select %s", all[j]);
        if (listed)
            cr_assert_str_eq(safeaddr_kernel_name(), all[j]);
    }
}

/* The automatic choice: the best kernel listed, except that the AVX-512
 * kernels may be passed over (CPUs that lower their clock for 512-bit
 * code), for AVX2. */
static int is_automatic_choice(const char *name)
{
    const char *names[MAX_KERNELS];
    const size_t n = safeaddr_kernels(names, MAX_KERNELS);
    if (strcmp(name, names[n - 1]) == 0)
        return 1;
    return (strcmp(names[n - 1], "avx512") == 0 ||
            strcmp(names[n - 1], "avx512vbmi") == 0) &&
           strcmp(name, "avx2") == 0;
}

/* In a child process (the choice is made once per process): set
 * SAFEADDR_ISA to `value` (NULL: unset) before first use and return the
 * name of the kernel chosen, in out. */
static void chosen_with(const char *value, char *out, size_t cap)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    const pid_t pid = fork();
    cr_assert(pid >= 0, "fork");
    if (pid == 0) {
        close(fds[0]);
        if (value)
            setenv("SAFEADDR_ISA", value, 1);
        else
            unsetenv("SAFEADDR_ISA");
        const char *name = safeaddr_kernel_name();
        const ssize_t w = write(fds[1], name, strlen(name));
        _exit(w == (ssize_t)strlen(name) ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < cap && (r = read(fds[0], out + got, cap - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(fds[0]);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(scan_dispatch, environment_override)
{
    char got[32];
    const char *names[MAX_KERNELS];
    const size_t n = safeaddr_kernels(names, MAX_KERNELS);
    for (size_t i = 0; i < n; i++) {
        chosen_with(names[i], got, sizeof got);
        cr_assert_str_eq(got, names[i], "SAFEADDR_ISA=%s chose %s", names[i],
                         got);
    }
    /* Unknown or unsupported names are ignored: the automatic choice. */
    static const char *const ignored[] = {"bogus", "", "AVX2", "neon",
                                          "avx2 ", "scalar,avx2"};
    char automatic[32];
    chosen_with(NULL, automatic, sizeof automatic);
    cr_assert(is_automatic_choice(automatic), "automatic choice %s",
              automatic);
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        chosen_with(ignored[i], got, sizeof got);
        cr_assert_str_eq(got, automatic, "SAFEADDR_ISA='%s' chose %s",
                         ignored[i], got);
    }
    /* The list is in order and avx512vbmi needs avx512 (scan_dispatch.c),
     * so fewer than 4 (5) kernels means no avx512 (avx512vbmi). */
    if (n < 4) {
        chosen_with("avx512", got, sizeof got);
        cr_assert_str_eq(got, automatic, "unsupported avx512 chose %s", got);
    }
    if (n < 5) {
        chosen_with("avx512vbmi", got, sizeof got);
        cr_assert_str_eq(got, automatic, "unsupported avx512vbmi chose %s",
                         got);
    }
}

/* Under tests/run-suite.sh every test binary runs with SAFEADDR_ISA set to
 * each kernel in turn: the process must really be using that kernel, or
 * the per-kernel runs of the whole suite prove nothing. */
Test(scan_dispatch, suite_runs_on_the_requested_kernel)
{
    const char *want = getenv("SAFEADDR_ISA");
    const char *names[MAX_KERNELS];
    const size_t n = safeaddr_kernels(names, MAX_KERNELS);
    int listed = 0;
    for (size_t i = 0; want && i < n; i++)
        listed |= strcmp(want, names[i]) == 0;
    if (listed)
        cr_assert_str_eq(safeaddr_kernel_name(), want);
    else
        cr_assert(is_automatic_choice(safeaddr_kernel_name()),
                  "automatic choice %s", safeaddr_kernel_name());
}

#if SAFEADDR__X86_KERNELS
/* The kernel choice for CPUs this machine is not: the AVX-512 kernels and
 * the 512-bit policy may not run here, but the decision can be checked.
 * Bits from the Intel SDM vol. 2A (CPUID) and vol. 1 13.3 (XCR0). */
#define S_SCALAR 0x01u
#define S_SSE2 0x02u
#define S_AVX2 0x04u
#define S_AVX512 0x08u
#define S_AVX512VBMI 0x10u
#define SETS(supported, automatic) ((supported) | ((automatic) << 8))

static safeaddr__cpu_facts cpu(int intel, unsigned family, unsigned model,
                               int avx512)
{
    safeaddr__cpu_facts f;
    memset(&f, 0, sizeof f);
    f.max_leaf = 0x16;
    if (intel) { /* "GenuineIntel" */
        f.vendor_ebx = 0x756e6547u;
        f.vendor_edx = 0x49656e69u;
        f.vendor_ecx = 0x6c65746eu;
    } else { /* "AuthenticAMD" */
        f.vendor_ebx = 0x68747541u;
        f.vendor_edx = 0x69746e65u;
        f.vendor_ecx = 0x444d4163u;
    }
    /* family in bits 8-11 (extended family beyond 15 not needed here),
     * model low nibble in bits 4-7, high nibble in bits 16-19 */
    f.leaf1_eax = ((model >> 4) << 16) | (family << 8) | ((model & 15) << 4);
    f.leaf1_edx = 1u << 26;                            /* SSE2 */
    f.leaf1_ecx = (1u << 12) | (1u << 23) | (1u << 27) /* FMA POPCNT OSXSAVE */
                  | (1u << 28) | (1u << 29);           /* AVX F16C */
    f.leaf7_ebx = (1u << 3) | (1u << 5);               /* BMI1 AVX2 */
    f.xcr0 = 0x07;                                     /* x87 SSE YMM */
    if (avx512) {
        f.leaf7_ebx |= (1u << 16) | (1u << 30) | (1u << 31); /* F BW VL */
        f.xcr0 = 0xE7;                           /* + opmask, ZMM, hi16 */
    }
    return f;
}

/* The same CPU with AVX-512 VBMI (CPUID 7.0 ECX bit 1): Ice Lake, Tiger
 * Lake, Rocket Lake, Sapphire Rapids, AMD Zen 4 and later. */
static safeaddr__cpu_facts cpu_vbmi(int intel, unsigned family,
                                    unsigned model)
{
    safeaddr__cpu_facts f = cpu(intel, family, model, 1);
    f.leaf7_ecx |= 1u << 1;
    return f;
}

Test(scan_dispatch, kernel_choice_by_cpu)
{
    const unsigned base = S_SCALAR | S_SSE2;
    const unsigned avx2 = base | S_AVX2;
    const unsigned all = avx2 | S_AVX512;
    const unsigned vbmi = all | S_AVX512VBMI;
    safeaddr__cpu_facts f;

    memset(&f, 0, sizeof f);
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(S_SCALAR, S_SCALAR),
                 "no CPUID information: scalar only");

    f = cpu(0, 0x19, 0x01, 0); /* AVX2 CPU (AMD Zen 3, like this one) */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f.xcr0 = 0x03; /* the OS does not save YMM state */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(base, base));
    f = cpu(0, 0x19, 0x01, 0);
    f.leaf1_ecx &= ~(1u << 27); /* no OSXSAVE */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(base, base));
    f = cpu(0, 0x19, 0x01, 0);
    f.leaf7_ebx &= ~(1u << 3); /* BMI1 hidden by a hypervisor */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(base, base));
    f = cpu(0, 0x19, 0x01, 0);
    f.leaf1_ecx &= ~(1u << 23); /* no POPCNT */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(base, base));
    f = cpu(0, 0x19, 0x01, 0);
    f.max_leaf = 6; /* no leaf 7 */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(base, base));

#if !defined(__APPLE__)
    f = cpu(0, 0x19, 0x61, 1); /* AMD Zen 4 */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, all));
    f.xcr0 = 0x07; /* the OS does not save ZMM/opmask state */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f = cpu(0, 0x19, 0x61, 1);
    f.leaf7_ebx &= ~(1u << 30); /* AVX-512F without BW (Knights Landing) */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f = cpu(0, 0x19, 0x61, 1);
    f.leaf1_ecx &= ~(1u << 12); /* FMA hidden */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));

    /* VBMI: only on top of everything the BW kernel needs. */
    f = cpu_vbmi(0, 0x19, 0x61); /* AMD Zen 4 as it is */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(vbmi, vbmi));
    f.xcr0 = 0x07; /* the OS does not save ZMM/opmask state */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f = cpu_vbmi(0, 0x19, 0x61);
    f.leaf7_ebx &= ~(1u << 30); /* VBMI bit but no BW (a hypervisor) */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f = cpu(0, 0x19, 0x01, 0);
    f.leaf7_ecx |= 1u << 1; /* VBMI bit, no AVX-512 at all */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(avx2, avx2));
    f = cpu_vbmi(0, 0x19, 0x61);
    f.leaf7_ecx = ~(1u << 1); /* every other ECX bit, not VBMI */
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, all));

    /* Intel parts that lower the clock for 512-bit code: supported (tests
     * and SAFEADDR_ISA may use it) but never chosen automatically. */
    static const unsigned slow[] = {85, 106, 108, 126, 140, 141};
    for (size_t i = 0; i < sizeof slow / sizeof slow[0]; i++) {
        f = cpu(1, 6, slow[i], 1);
        cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, avx2),
                     "Intel model %u", slow[i]);
        f = cpu(0, 6, slow[i], 1); /* the same numbers from another vendor */
        cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, all),
                     "AMD model %u", slow[i]);
        /* Ice Lake and Tiger Lake have VBMI: the VBMI kernel follows the
         * same rule (it uses 512-bit registers too). */
        f = cpu_vbmi(1, 6, slow[i]);
        cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(vbmi, avx2),
                     "Intel model %u with VBMI", slow[i]);
        f = cpu_vbmi(0, 6, slow[i]);
        cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(vbmi, vbmi),
                     "AMD model %u with VBMI", slow[i]);
    }
    /* Sapphire Rapids (143) and Rocket Lake (167) do not. */
    f = cpu(1, 6, 143, 1);
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, all));
    f = cpu(1, 6, 167, 1);
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(all, all));
    f = cpu_vbmi(1, 6, 143);
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(vbmi, vbmi));
    f = cpu_vbmi(1, 6, 167);
    cr_assert_eq(safeaddr__kernels_for_cpu(&f), SETS(vbmi, vbmi));
#endif
}
#endif
