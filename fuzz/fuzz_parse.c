/*
 * fuzz_parse.c - the parser entry points on arbitrary bytes
 *
 * Input: two option bytes (fz_take_options: production, LENIENT,
 * ACCEPT_LF, REQUIRE_DOMAIN, tiny limits), then the field body.
 *
 * Properties checked on every input, beyond "no crash, no sanitizer
 * report":
 *   1. every span inside the input, every error and diagnostic offset in
 *      [0, len] at the byte its code names (fuzz_common.h);
 *   2. every scanner kernel the CPU has gives exactly the scalar result:
 *      items, error, field diagnostics and the callback sequence
 *      (SIMD.md: "the scalar path is the reference"); and the parser's
 *      fast paths give exactly the token-by-token reading's result;
 *   3. safeaddr_parse (all at once, sizing call, too-small array) and
 *      safeaddr_parse_mailbox agree with the iterator;
 *   4. SAFEADDR_LENIENT and SAFEADDR_ACCEPT_LF never change how a valid
 *      input is read; REQUIRE_DOMAIN only rejects; tiny limits only
 *      reject; a valid addr-spec is the same valid mailbox, mailbox-list
 *      and address-list (RFC 5322 3.4 grammar inclusion);
 *   5. DESIGN.md policy: a field with a NUL, a bare CR or a line break not
 *      followed by white space is never accepted (header injection,
 *      CVE-2023-51764 class).
 */
#include "fuzz_common.h"

/* Runs the all-at-once API and compares it with the iterator run r. */
static void check_parse_api(const char *buf, size_t len, int production,
                            const safeaddr_options *opts, const fz_run *r)
{
    safeaddr_error err = {-1, (size_t)-1};
    size_t count = (size_t)-1;
    uint64_t fdiag = 0;
    const int ok = fz_run_ok(r);
    const int want = ok ? SAFEADDR_OK : r->err.code;

    /* Sizing call. */
    int rc = safeaddr_parse(buf, len, production, opts, NULL, 0, &count,
                            &fdiag, &err);
    if (ok) {
        FZ_CHECK(rc == SAFEADDR_OK && count == r->count,
                 "sizing call: rc %d count %zu, iterator OK with %zu", rc,
                 count, r->count);
        FZ_CHECK(fdiag == r->field_diag, "sizing call: field diag differs");
    } else {
        FZ_CHECK(rc == want && err.code == want &&
                     err.offset == r->err.offset,
                 "sizing call: rc %d err %d@%zu, iterator %s@%zu", rc,
                 err.code, err.offset, safeaddr_error_name(r->err.code),
                 r->err.offset);
    }

    /* Exactly the items the iterator returned. */
    const size_t cap = r->count;
    safeaddr_item *items =
        (safeaddr_item *)malloc((cap ? cap : 1) * sizeof *items);
    FZ_CHECK(items != NULL, "out of memory in the harness");
    count = (size_t)-1;
    rc = safeaddr_parse(buf, len, production, opts, cap ? items : NULL, cap,
                        &count, &fdiag, &err);
    if (ok) {
        FZ_CHECK(rc == SAFEADDR_OK && count == r->count,
                 "parse: rc %d count %zu, iterator %zu", rc, count, r->count);
        for (size_t i = 0; i < cap; i++)
            FZ_CHECK(fz_item_eq(&items[i], &r->items[i]),
                     "parse: item %zu differs from the iterator's", i);
        FZ_CHECK(fdiag == r->field_diag, "parse: field diag differs");
    } else {
        FZ_CHECK(rc == want && err.code == want &&
                     err.offset == r->err.offset,
                 "parse: rc %d err %d@%zu, iterator %s@%zu", rc, err.code,
                 err.offset, safeaddr_error_name(r->err.code),
                 r->err.offset);
    }

    /* One item short: E_NOSPACE with the full count, nothing written past
     * the array (ASan sees the heap array end). cap 0 is the sizing call
     * above, so this needs two items or more. */
    if (ok && cap > 1) {
        safeaddr_item *short_items =
            (safeaddr_item *)malloc((cap - 1) * sizeof *short_items);
        FZ_CHECK(short_items != NULL, "out of memory in the harness");
        count = 0;
        rc = safeaddr_parse(buf, len, production, opts, short_items, cap - 1,
                            &count, NULL, &err);
        FZ_CHECK(rc == SAFEADDR_E_NOSPACE && count == r->count,
                 "cap %zu: rc %d count %zu (want E_NOSPACE, %zu)", cap - 1,
                 rc, count, r->count);
        free(short_items);
    }
    free(items);

    if (production == SAFEADDR_MAILBOX) {
        safeaddr_item one;
        rc = safeaddr_parse_mailbox(buf, len, opts, &one, &err);
        FZ_CHECK(rc == want, "parse_mailbox rc %d, iterator %d", rc, want);
        if (ok)
            FZ_CHECK(r->count == 1 && fz_item_eq(&one, &r->items[0]),
                     "parse_mailbox item differs");
        else
            FZ_CHECK(err.code == want && err.offset == r->err.offset,
                     "parse_mailbox error differs");
    }
}

/* Every kernel gives the reference result. */
static void check_kernels(const char *buf, size_t len, int production,
                          const safeaddr_options *opts, const fz_run *ref)
{
    const char *names[FZ_MAX_KERNELS];
    const char *orig = safeaddr_kernel_name();
    const size_t n = fz_kernels(names);
    for (size_t k = 0; k < n; k++) {
        fz_run rk;
        fz_select_kernel(names[k]);
        fz_iterate(buf, len, production, opts, &rk);
        fz_expect_same(ref, &rk, buf, "kernel %s differs from %s", names[k],
                       orig);
        fz_run_free(&rk);
    }
    fz_select_kernel(orig);
}

/* The fast paths (fast_mailbox, phrase_run) never change a result: the
 * reference reading, token by token, gives the same items, diagnostics
 * (callbacks included, in order) and error. */
static void check_fast_paths(const char *buf, size_t len, int production,
                             const safeaddr_options *opts, const fz_run *ref)
{
    fz_run slow;
    fz_iterate_as(buf, len, production, opts, 1, &slow);
    fz_expect_same(ref, &slow, buf, "the fast paths read it differently");
    fz_run_free(&slow);
}

/* Policy: bytes that make any field invalid, whatever the flags. */
static void check_policy(const char *buf, size_t len,
                         const safeaddr_options *opts, const fz_run *r)
{
    if (!fz_run_ok(r) || len > fz_eff_max_input(opts))
        return;
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)buf[i];
        FZ_CHECK(c != 0, "accepted a field with a NUL at %zu", i);
        if (c == '\r')
            FZ_CHECK(i + 1 < len && buf[i + 1] == '\n',
                     "accepted a bare CR at %zu", i);
        if (c == '\n') {
            FZ_CHECK((i > 0 && buf[i - 1] == '\r') ||
                         (opts->flags & SAFEADDR_ACCEPT_LF),
                     "accepted a bare LF at %zu without ACCEPT_LF", i);
            FZ_CHECK(i + 1 < len && (buf[i + 1] == ' ' || buf[i + 1] == '\t'),
                     "accepted a line break at %zu not followed by WSP", i);
        }
    }
}

/* A run of the same bytes with other options: compared, then freed. */
static void expect_same_with(const char *buf, size_t len, int production,
                             const safeaddr_options *opts, const fz_run *ref,
                             const char *what)
{
    fz_run v;
    fz_iterate(buf, len, production, opts, &v);
    fz_expect_same(ref, &v, buf, "%s changed how a valid input is read",
                   what);
    fz_run_free(&v);
}

/* A production accepts only what a wider one reads the same way. */
static void expect_wider_reads_alike(const char *buf, size_t len,
                                     int production, int wider_production,
                                     const safeaddr_options *opts,
                                     const fz_run *r)
{
    fz_run wider;
    fz_iterate(buf, len, wider_production, opts, &wider);
    const char *why = "";
    size_t where = 0;
    if (!fz_run_ok(&wider) || !fz_same_items(r, &wider, &why, &where)) {
        fz_describe_run("narrow", r, buf);
        fz_describe_run("wider", &wider, buf);
        fz_fail(__FILE__, __LINE__,
                "production %d accepts what %d reads differently (%s)",
                production, wider_production,
                fz_run_ok(&wider) ? why : "rejected");
    }
    fz_run_free(&wider);
}

static void check_variants(const char *buf, size_t len, int production,
                           const safeaddr_options *opts, const fz_run *r)
{
    const uint32_t relaxing = SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF;
    safeaddr_options o;

    /* Strict reading with the same limits. */
    fz_run strict;
    int have_strict = 0;
    if (opts->flags != 0) {
        o = *opts;
        o.flags = 0;
        fz_iterate(buf, len, production, &o, &strict);
        have_strict = 1;
    }
    const fz_run *rs = have_strict ? &strict : r;
    if (fz_run_ok(rs)) {
        /* LENIENT and ACCEPT_LF never change a valid input's reading. */
        o = *opts;
        o.flags = relaxing;
        expect_same_with(buf, len, production, &o, rs, "LENIENT|ACCEPT_LF");
    }
    if (have_strict)
        fz_run_free(&strict);

    if (!fz_run_ok(r))
        return;
    /* REQUIRE_DOMAIN only rejects. */
    if (opts->flags & SAFEADDR_REQUIRE_DOMAIN) {
        o = *opts;
        o.flags &= ~SAFEADDR_REQUIRE_DOMAIN;
        expect_same_with(buf, len, production, &o, r, "REQUIRE_DOMAIN");
        for (size_t i = 0; i < r->count; i++)
            FZ_CHECK(!(r->items[i].diag & SAFEADDR_D_NO_DOMAIN),
                     "REQUIRE_DOMAIN accepted an address without domain");
    }
    /* Small limits only reject. */
    if (opts->max_input || opts->max_comment_depth || opts->max_addresses) {
        o = *opts;
        o.max_input = 0;
        o.max_comment_depth = 0;
        o.max_addresses = 0;
        expect_same_with(buf, len, production, &o, r, "a smaller limit");
    }
    /* addr-spec within mailbox within mailbox-list within address-list,
     * and mailbox within address within address-list (RFC 5322 3.4). */
    if (production == SAFEADDR_ADDR_SPEC || production == SAFEADDR_MAILBOX ||
        production == SAFEADDR_MAILBOX_LIST)
        expect_wider_reads_alike(buf, len, production, production - 1, opts,
                                 r);
    if (production == SAFEADDR_MAILBOX)
        expect_wider_reads_alike(buf, len, production, SAFEADDR_ADDRESS, opts,
                                 r);
    if (production == SAFEADDR_ADDRESS)
        expect_wider_reads_alike(buf, len, production, SAFEADDR_ADDRESS_LIST,
                                 opts, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int production;
    safeaddr_options opts;
    fz_take_options(&data, &size, &production, &opts);
    const char *buf = (const char *)data;
    fz_run r;
    fz_iterate(buf, size, production, &opts, &r);
    check_kernels(buf, size, production, &opts, &r);
    check_fast_paths(buf, size, production, &opts, &r);
    check_parse_api(buf, size, production, &opts, &r);
    check_policy(buf, size, &opts, &r);
    check_variants(buf, size, production, &opts, &r);
    fz_run_free(&r);
    return 0;
}
