/*
 * fuzz_kernels.c - differential fuzzing of the scanner kernels
 *
 * Input: raw bytes (no option bytes), used two ways:
 *   1. as blocks: every 64-byte block of the input, tiled from offset 0
 *      and again from an offset chosen by the first byte, plus the partial
 *      last block padded with zeros and with garbage, is classified by
 *      every kernel the CPU has; any mask that differs from the scalar
 *      oracle's, or any bit at or above the valid length, aborts;
 *   2. as a field body: parsed as an address-list, strictly and with
 *      SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF, once per kernel (forced with
 *      safeaddr__select_kernel); the items, the error code and offset, the
 *      field diagnostics and the sequence of diagnostic callbacks must be
 *      identical to the scalar run (SIMD.md section 8, after simdjson's
 *      fuzz/fuzz_implementations.cpp). fuzz_common.h checks every result
 *      against the API promises on the way.
 *
 * Each kernel's cache entry point (the nine masks the iterator caches,
 * read straight from the input: scan.h) is checked the same way at every
 * block start of the tilings with the input's own remaining length, so a
 * short last block is read where it lies, at the end of the harness's
 * exact-size buffer: it must equal the oracle's joined masks.
 *
 * The block part reaches kernel inputs the parser never produces (blocks
 * at odd offsets, garbage past `valid`); the parse part shows that the
 * masks are consumed the same way whatever kernel produced them.
 */
#include "fuzz_common.h"
#include "scan.h"

/* Kernels listed by the library, with their functions (looked up once:
 * the list does not change within a process). */
static size_t kernel_count;
static const char *kernel_names[FZ_MAX_KERNELS];
static safeaddr__classify_fn kernel_fns[FZ_MAX_KERNELS];
static safeaddr__cache_fn cache_fns[FZ_MAX_KERNELS];

static void load_kernels(void)
{
    if (kernel_count)
        return;
    const char *orig = safeaddr_kernel_name();
    const size_t n = fz_kernels(kernel_names);
    FZ_CHECK(n >= 1 && strcmp(kernel_names[0], "scalar") == 0,
             "kernel list does not start with scalar");
    for (size_t k = 0; k < n; k++) {
        fz_select_kernel(kernel_names[k]);
        FZ_CHECK(strcmp(safeaddr__classifier_name(), kernel_names[k]) == 0,
                 "selected %s, running %s", kernel_names[k],
                 safeaddr__classifier_name());
        kernel_fns[k] = safeaddr__classifier();
        cache_fns[k] = safeaddr__cache_kernel();
    }
    fz_select_kernel(orig);
    kernel_count = n;
}

static void masks_to_array(const safeaddr__block_masks *m, uint64_t a[SAFEADDR__MASK_COUNT])
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

/* Every kernel on one 64-byte block of which `valid` bytes are real. */
static void check_block(const unsigned char *block, unsigned valid,
                        size_t where)
{
    static const char *const names[SAFEADDR__MASK_COUNT] = {
        "non_atext", "wsp",    "dquote", "bslash", "lparen",
        "rparen",    "lbrack", "rbrack", "ctl",    "high",
        "ldh",       "digit",  "dot",    "hyphen", "expand"};
    safeaddr__block_masks want, got;
    uint64_t w[SAFEADDR__MASK_COUNT], g[SAFEADDR__MASK_COUNT];
    safeaddr__classify_scalar(block, valid, &want);
    masks_to_array(&want, w);
    for (int m = 0; m < SAFEADDR__MASK_COUNT; m++)
        FZ_CHECK((w[m] & ~safeaddr__low_bits(valid)) == 0,
                 "scalar %s has bits past valid %u", names[m], valid);
    for (size_t k = 1; k < kernel_count; k++) {
        memset(&got, 0xA5, sizeof got);
        kernel_fns[k](block, valid, &got);
        masks_to_array(&got, g);
        for (int m = 0; m < SAFEADDR__MASK_COUNT; m++)
            FZ_CHECK(g[m] == w[m],
                     "block at %zu, valid %u: kernel %s %s = %#018llx, "
                     "scalar %#018llx",
                     where, valid, kernel_names[k], names[m],
                     (unsigned long long)g[m], (unsigned long long)w[m]);
    }
}

/* Every cache kernel on the input from offset i on (at most 64 bytes of
 * it), against the oracle's masks joined as scan.h says. */
static void check_cache(const uint8_t *data, size_t size, size_t i)
{
    static const char *const names[SAFEADDR__CACHED_MASKS] = {
        "stop_atom", "stop_quoted", "stop_comment", "stop_literal",
        "stop_nonwsp", "dot", "ldh", "hyphen", "expand"};
    const size_t avail = size - i;
    const unsigned valid = avail < 64 ? (unsigned)avail : 64;
    unsigned char block[64];
    memset(block, 0, sizeof block);
    memcpy(block, data + i, valid);
    safeaddr__block_masks m;
    safeaddr__classify_scalar(block, valid, &m);
    uint64_t want[SAFEADDR__CACHED_MASKS], got[SAFEADDR__CACHED_MASKS];
    safeaddr__cache_from(&m, valid, want);
    for (size_t k = 0; k < kernel_count; k++) {
        memset(got, 0xA5, sizeof got);
        cache_fns[k](data + i, avail, got);
        for (int j = 0; j < SAFEADDR__CACHED_MASKS; j++)
            FZ_CHECK(got[j] == want[j],
                     "block at %zu, avail %zu: cache kernel %s %s = "
                     "%#018llx, oracle %#018llx",
                     i, avail, kernel_names[k], names[j],
                     (unsigned long long)got[j],
                     (unsigned long long)want[j]);
    }
}

/* The input cut into blocks from offset `start` on. */
static void check_tiling(const uint8_t *data, size_t size, size_t start)
{
    size_t i = start;
    for (size_t c = start; c < size; c += 64)
        check_cache(data, size, c);
    for (; i < size && size - i >= 64; i += 64)
        check_block(data + i, 64, i);
    if (i < size) {
        /* The partial last block as the lexer builds it (zeros past the
         * end), then with garbage there instead: either way only the
         * first `valid` bits may be set. */
        unsigned char tail[64];
        const unsigned valid = (unsigned)(size - i);
        memset(tail, 0, sizeof tail);
        memcpy(tail, data + i, valid);
        check_block(tail, valid, i);
        for (unsigned j = valid; j < 64; j++)
            tail[j] = (unsigned char)(data[(j * 131u) % size] ^ j);
        check_block(tail, valid, i);
    }
}

static void check_blocks(const uint8_t *data, size_t size)
{
    check_tiling(data, size, 0);
    /* Blocks at an unaligned offset too (kernels use unaligned loads). */
    if (size > 0 && data[0] % 64u != 0)
        check_tiling(data, size, data[0] % 64u);
}

/* The whole parse, once per kernel, against the scalar run. */
static void check_parses(const char *buf, size_t len, uint32_t flags)
{
    safeaddr_options opts;
    safeaddr_options_init(&opts);
    opts.flags = flags;
    const char *orig = safeaddr_kernel_name();
    fz_run ref;
    fz_select_kernel("scalar");
    fz_iterate(buf, len, SAFEADDR_ADDRESS_LIST, &opts, &ref);
    for (size_t k = 1; k < kernel_count; k++) {
        fz_run run;
        fz_select_kernel(kernel_names[k]);
        fz_iterate(buf, len, SAFEADDR_ADDRESS_LIST, &opts, &run);
        fz_expect_same(&ref, &run, buf, "kernel %s differs from scalar "
                       "(flags %#x)", kernel_names[k], flags);
        fz_run_free(&run);
    }
    fz_run_free(&ref);
    fz_select_kernel(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_kernels();
    check_blocks(data, size);
    check_parses((const char *)data, size, 0);
    check_parses((const char *)data, size,
                 SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF);
    return 0;
}
