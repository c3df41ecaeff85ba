/*
 * test_crackaddr.c - safeaddr_crackaddr() against the real sendmail 8.17
 *
 * tests/data/crackaddr/crackaddr-8.17-reference.jsonl holds the outputs of
 * sendmail 8.17.1.9's own crackaddr() (Debian bookworm build) for 3,364
 * inputs with ColonOkInAddr false and true, and whether the "Dropped
 * invalid comments from header address" alert fired. Every case must match
 * byte for byte. Then: no write past the caller's capacity at any size,
 * exact sizing answers, the punt flag, the CVE-2002-1337 inputs.
 */
#include <criterion/criterion.h>
#include "safeaddr.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under AddressSanitizer the canary zone after cap is also poisoned, so a
 * write past cap is reported at the faulting instruction. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define GUARD_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define GUARD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define GUARD_POISON(p, n) ((void)(p), (void)(n))
#define GUARD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define REFERENCE "tests/data/crackaddr/crackaddr-8.17-reference.jsonl"

/* ------------------------------------------------ reference file reader */

typedef struct {
    char *bytes;
    size_t len;
} blob;

typedef struct {
    long id;
    char cat[32];
    blob in, out, out_colonok;
    int alert, alert_colonok, old_overflow;
} ref_case;

/* The file escapes every non-ASCII character; each string holds one
 * character per byte (U+0000..U+00FF, ISO-8859-1 decoding). */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* parse_string - *p at the opening quote; decodes into a new blob.
 * Returns 0 on malformed input (which fails the test). */
static int parse_string(const char **p, blob *b)
{
    const char *s = *p;
    if (*s != '"')
        return 0;
    s++;
    size_t cap = 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    while (*s != '"') {
        unsigned v;
        if (*s == '\0' || *s == '\n')
            goto bad;
        if (*s != '\\') {
            v = (unsigned char)*s++;
        } else {
            s++;
            switch (*s) {
            case '"': v = '"'; break;
            case '\\': v = '\\'; break;
            case '/': v = '/'; break;
            case 'b': v = '\b'; break;
            case 'f': v = '\f'; break;
            case 'n': v = '\n'; break;
            case 'r': v = '\r'; break;
            case 't': v = '\t'; break;
            case 'u': {
                v = 0;
                for (int k = 1; k <= 4; k++) {
                    int h = hexval(s[k]);
                    if (h < 0)
                        goto bad;
                    v = v * 16 + (unsigned)h;
                }
                if (v > 0xFF)
                    goto bad; /* the data format says this never happens */
                s += 4;
                break;
            }
            default:
                goto bad;
            }
            s++;
        }
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        buf[n++] = (char)v;
    }
    *p = s + 1;
    b->bytes = buf;
    b->len = n;
    return 1;
bad:
    free(buf);
    return 0;
}

static void skip_ws(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

static int parse_bool(const char **p, int *v)
{
    if (strncmp(*p, "true", 4) == 0) {
        *v = 1;
        *p += 4;
        return 1;
    }
    if (strncmp(*p, "false", 5) == 0) {
        *v = 0;
        *p += 5;
        return 1;
    }
    return 0;
}

/* parse_case - one line: a flat object with the keys of the data format.
 * Every key must be present exactly once. */
static int parse_case(const char *line, ref_case *c)
{
    memset(c, 0, sizeof *c);
    unsigned seen = 0;
    const char *p = line;
    skip_ws(&p);
    if (*p++ != '{')
        return 0;
    for (;;) {
        skip_ws(&p);
        blob key;
        if (!parse_string(&p, &key))
            return 0;
        skip_ws(&p);
        if (*p++ != ':') {
            free(key.bytes);
            return 0;
        }
        skip_ws(&p);
        int ok = 0;
#define KEY(name) (key.len == strlen(name) && memcmp(key.bytes, name, key.len) == 0)
        if (KEY("id")) {
            char *end;
            c->id = strtol(p, &end, 10);
            ok = end != p;
            p = end;
            seen |= 1;
        } else if (KEY("cat")) {
            blob v;
            ok = parse_string(&p, &v);
            if (ok) {
                snprintf(c->cat, sizeof c->cat, "%.*s", (int)v.len, v.bytes);
                free(v.bytes);
            }
            seen |= 2;
        } else if (KEY("in")) {
            ok = parse_string(&p, &c->in);
            seen |= 4;
        } else if (KEY("out")) {
            ok = parse_string(&p, &c->out);
            seen |= 8;
        } else if (KEY("out_colonok")) {
            ok = parse_string(&p, &c->out_colonok);
            seen |= 16;
        } else if (KEY("alert")) {
            ok = parse_bool(&p, &c->alert);
            seen |= 32;
        } else if (KEY("alert_colonok")) {
            ok = parse_bool(&p, &c->alert_colonok);
            seen |= 64;
        } else if (KEY("old_overflow")) {
            ok = parse_bool(&p, &c->old_overflow);
            seen |= 128;
        }
#undef KEY
        free(key.bytes);
        if (!ok)
            return 0;
        skip_ws(&p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}')
            break;
        return 0;
    }
    return seen == 255;
}

static void free_case(ref_case *c)
{
    free(c->in.bytes);
    free(c->out.bytes);
    free(c->out_colonok.bytes);
}

static ref_case *cases;
static size_t ncases;

static void load_reference(void)
{
    FILE *f = fopen(REFERENCE, "r");
    cr_assert_not_null(f, "cannot open %s (run from the source tree)", REFERENCE);
    size_t cap = 4096;
    cases = malloc(cap * sizeof *cases);
    cr_assert_not_null(cases);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t n;
    size_t lineno = 0;
    while ((n = getline(&line, &linecap, f)) != -1) {
        lineno++;
        if (ncases == cap) {
            cap *= 2;
            cases = realloc(cases, cap * sizeof *cases);
            cr_assert_not_null(cases);
        }
        cr_assert(parse_case(line, &cases[ncases]),
                  "%s:%zu: malformed record", REFERENCE, lineno);
        ncases++;
    }
    free(line);
    fclose(f);
}

static void unload_reference(void)
{
    for (size_t i = 0; i < ncases; i++)
        free_case(&cases[i]);
    free(cases);
    cases = NULL;
    ncases = 0;
}

static void print_bytes(const char *label, const char *s, size_t len)
{
    fprintf(stderr, "  %s (%zu): ", label, len);
    for (size_t i = 0; i < len && i < 300; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7F && ch != '\\')
            fputc(ch, stderr);
        else
            fprintf(stderr, "\\x%02X", ch);
    }
    fputc('\n', stderr);
}

/* run - the template for one input; the output buffer is sendmail's size
 * (which any template fits). */
static int run(const blob *in, int colon_ok, char *out, size_t *len,
               int *punted)
{
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    s.colon_ok_in_addr = colon_ok;
    return safeaddr_crackaddr(in->bytes, in->len, &s, out,
                              SAFEADDR_CRACKADDR_BUFSIZE, len, punted);
}

/* ------------------------------------------------------ reference tests */

TestSuite(reference, .init = load_reference, .fini = unload_reference,
          .timeout = 120);

static size_t compare_all(int colon_ok)
{
    size_t bad = 0;
    for (size_t i = 0; i < ncases; i++) {
        const ref_case *c = &cases[i];
        const blob *want = colon_ok ? &c->out_colonok : &c->out;
        int want_alert = colon_ok ? c->alert_colonok : c->alert;
        char out[SAFEADDR_CRACKADDR_BUFSIZE];
        size_t len = 12345;
        int punted = -1;
        int rc = run(&c->in, colon_ok, out, &len, &punted);
        if (rc == SAFEADDR_OK && len == want->len &&
            memcmp(out, want->bytes, len) == 0 && punted == want_alert)
            continue;
        if (bad++ < 10) {
            fprintf(stderr, "id %ld (%s, ColonOkInAddr=%d): rc %d punted %d,"
                            " expected alert %d\n",
                    c->id, c->cat, colon_ok, rc, punted, want_alert);
            print_bytes("in  ", c->in.bytes, c->in.len);
            print_bytes("want", want->bytes, want->len);
            print_bytes("got ", out, len <= sizeof out ? len : 0);
        }
    }
    return bad;
}

Test(reference, whole_file_is_there)
{
    /* The data's own count (README section 5): a truncated copy must not
     * let the comparisons below pass on fewer cases. */
    cr_assert_eq(ncases, 3364, "reference has %zu cases", ncases);
}

Test(reference, colon_not_ok_byte_for_byte)
{
    size_t bad = compare_all(0);
    cr_assert_eq(bad, 0, "%zu of %zu cases differ (ColonOkInAddr false)", bad,
                 ncases);
}

Test(reference, colon_ok_byte_for_byte)
{
    size_t bad = compare_all(1);
    cr_assert_eq(bad, 0, "%zu of %zu cases differ (ColonOkInAddr true)", bad,
                 ncases);
}

/* CVE-2002-1337: every input that overflowed the pre-8.12.8 buffer logic
 * gives 8.17's punt, under both settings. (Under the ASan build this also
 * proves they run clean.) */
Test(reference, old_overflow_inputs_punt)
{
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++) {
        const ref_case *c = &cases[i];
        if (!c->old_overflow)
            continue;
        n++;
        for (int colon_ok = 0; colon_ok <= 1; colon_ok++) {
            char out[SAFEADDR_CRACKADDR_BUFSIZE];
            size_t len;
            int punted;
            cr_assert_eq(run(&c->in, colon_ok, out, &len, &punted), SAFEADDR_OK);
            cr_assert_eq(punted, 1, "id %ld", c->id);
            cr_assert_eq(len, 4);
            cr_assert(memcmp(out, "<\x81g>", 4) == 0, "id %ld", c->id);
        }
    }
    cr_assert_gt(n, 50, "only %zu old_overflow cases", n);
}

/* Capacity: for every size from 0 to the template length + 1 the call
 * writes nothing at or past cap (a canary zone after cap stays intact),
 * answers NOSPACE with the exact size needed below it, and OK with the
 * reference bytes from it on. Inputs up to 4 KiB (the longer ones punt or
 * repeat the same shapes; they are covered by the byte-for-byte tests). */
Test(reference, no_write_past_capacity_at_any_size)
{
    enum { GUARD = 64 };
    size_t checked = 0;
    for (size_t i = 0; i < ncases; i++) {
        const ref_case *c = &cases[i];
        if (c->in.len > 4096)
            continue;
        for (int colon_ok = 0; colon_ok <= 1; colon_ok++) {
            const blob *want = colon_ok ? &c->out_colonok : &c->out;
            safeaddr_crackaddr_settings s;
            safeaddr_crackaddr_settings_init(&s);
            s.colon_ok_in_addr = colon_ok;
            for (size_t cap = 0; cap <= want->len + 1; cap++) {
                /* cap bytes then a canary zone (poisoned under ASan) */
                unsigned char *mem = malloc(cap + GUARD);
                cr_assert_not_null(mem);
                memset(mem, 0xA5, cap + GUARD);
                GUARD_POISON(mem + cap, GUARD);
                size_t len = 0;
                int punted = -1;
                int rc = safeaddr_crackaddr(c->in.bytes, c->in.len, &s,
                                            cap ? (char *)mem : NULL, cap,
                                            &len, &punted);
                GUARD_UNPOISON(mem + cap, GUARD);
                for (size_t g = cap; g < cap + GUARD; g++)
                    cr_assert_eq(mem[g], 0xA5,
                                 "id %ld cap %zu: byte %zu written", c->id,
                                 cap, g);
                cr_assert_eq(len, want->len, "id %ld cap %zu", c->id, cap);
                cr_assert_eq(punted, colon_ok ? c->alert_colonok : c->alert);
                if (cap < want->len) {
                    cr_assert_eq(rc, SAFEADDR_E_NOSPACE, "id %ld cap %zu",
                                 c->id, cap);
                } else {
                    cr_assert_eq(rc, SAFEADDR_OK, "id %ld cap %zu", c->id, cap);
                    cr_assert(memcmp(mem, want->bytes, want->len) == 0,
                              "id %ld cap %zu", c->id, cap);
                }
                free(mem);
                checked++;
            }
        }
    }
    cr_assert_gt(checked, 100000, "only %zu capacity checks", checked);
}

/* ------------------------------------------------------- targeted tests */

static void crack(const char *in, size_t in_len, int colon_ok, char *out,
                  size_t *len, int *punted)
{
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    s.colon_ok_in_addr = colon_ok;
    cr_assert_eq(safeaddr_crackaddr(in, in_len, &s, out,
                                    SAFEADDR_CRACKADDR_BUFSIZE, len, punted),
                 SAFEADDR_OK);
}

/* "<>" repeated 128 times (256 bytes) is the shortest pure run that wrote
 * past sendmail 8.12.7's buffer (CRACKADDR.md section 4); 5,000 pairs as
 * fuzzers sent it. 8.17 punts with the alert. */
Test(crackaddr, angle_pairs_of_cve_2002_1337_punt)
{
    static const size_t counts[] = {128, 129, 500, 5000};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        size_t n = counts[k] * 2;
        char *in = malloc(n);
        cr_assert_not_null(in);
        for (size_t i = 0; i < n; i += 2) {
            in[i] = '<';
            in[i + 1] = '>';
        }
        char out[SAFEADDR_CRACKADDR_BUFSIZE];
        size_t len;
        int punted;
        crack(in, n, 0, out, &len, &punted);
        cr_assert_eq(punted, 1, "<> x %zu", counts[k]);
        cr_assert_eq(len, 4);
        cr_assert(memcmp(out, "<\x81g>", 4) == 0);
        free(in);
    }
}

/* A comment's reservation is not returned when its ')' lands in the last
 * free byte: '(' + 253 'c' + ')' punts, 252 does not (8.17 quirk). */
Test(crackaddr, comment_at_the_limit)
{
    char in[260];
    char out[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t len;
    int punted;
    for (size_t n = 250; n <= 253; n++) {
        in[0] = '(';
        memset(in + 1, 'c', n);
        in[n + 1] = ')';
        crack(in, n + 2, 0, out, &len, &punted);
        if (n < 253) {
            cr_assert_eq(punted, 0, "n %zu", n);
            cr_assert_eq(len, n + 2);
            cr_assert(memcmp(out, in, n + 2) == 0);
        } else {
            cr_assert_eq(punted, 1);
            cr_assert(memcmp(out, "<\x81g>", 4) == 0);
        }
    }
}

/* "<a@b>" gives "<\201g>" too, but without the alert: the flag is what
 * tells the two apart. */
Test(crackaddr, angle_address_is_not_a_punt)
{
    char out[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t len;
    int punted;
    crack("<a@b>", 5, 0, out, &len, &punted);
    cr_assert_eq(punted, 0);
    cr_assert_eq(len, 4);
    cr_assert(memcmp(out, "<\x81g>", 4) == 0);
    crack("<a@b> \"x\"", 9, 0, out, &len, &punted);
    cr_assert_eq(punted, 1, "quoted string after '>' punts in 8.17");
}

/* Groups: with ColonOkInAddr false the name and ';' are kept; with it
 * true the colon is an address character. */
Test(crackaddr, group_syntax_follows_colon_ok)
{
    char out[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t len;
    int punted;
    crack("list: a@b, c@d;", 15, 0, out, &len, &punted);
    cr_assert_eq(len, 9);
    cr_assert(memcmp(out, "list: \x81g;", 9) == 0);
    crack("list: a@b, c@d;", 15, 1, out, &len, &punted);
    cr_assert_eq(len, 2);
    cr_assert(memcmp(out, "\x81g", 2) == 0);
}

/* MustQuoteChars is read from the settings: with '.' removed from the set
 * "a.b <c>" keeps its name unquoted. */
Test(crackaddr, must_quote_chars_setting)
{
    char out[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t len;
    int punted;
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    cr_assert_eq(safeaddr_crackaddr("a.b <c>", 7, &s, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_OK);
    cr_assert_eq(len, 10);
    cr_assert(memcmp(out, "\"a.b\" <\x81g>", 10) == 0);
    s.must_quote_chars = "@,;:\\()[]";
    cr_assert_eq(safeaddr_crackaddr("a.b <c>", 7, &s, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_OK);
    cr_assert_eq(len, 8);
    cr_assert(memcmp(out, "a.b <\x81g>", 8) == 0);
    s.must_quote_chars = "x";
    cr_assert_eq(safeaddr_crackaddr("x <c>", 5, &s, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_OK);
    cr_assert_eq(len, 8);
    cr_assert(memcmp(out, "\"x\" <\x81g>", 8) == 0);
}

/* NULL settings are the defaults of every m4-built config. */
Test(crackaddr, null_settings_are_defaults)
{
    char a[SAFEADDR_CRACKADDR_BUFSIZE], b[SAFEADDR_CRACKADDR_BUFSIZE];
    size_t la, lb;
    int pa, pb;
    const char *in = "Doe, John: a.b <c@d>, x;";
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    cr_assert_eq(safeaddr_crackaddr(in, strlen(in), NULL, a, sizeof a, &la, &pa),
                 SAFEADDR_OK);
    cr_assert_eq(safeaddr_crackaddr(in, strlen(in), &s, b, sizeof b, &lb, &pb),
                 SAFEADDR_OK);
    cr_assert_eq(la, lb);
    cr_assert(memcmp(a, b, la) == 0);
    cr_assert_eq(s.colon_ok_in_addr, 0);
    cr_assert_null(s.must_quote_chars);
    cr_assert_eq(s.struct_size, sizeof s);
}

Test(crackaddr, parameter_errors)
{
    char out[16];
    size_t len = 99;
    int punted = 7;
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    cr_assert_eq(safeaddr_crackaddr("a", 1, &s, out, sizeof out, NULL, &punted),
                 SAFEADDR_E_PARAM);
    cr_assert_eq(safeaddr_crackaddr(NULL, 1, &s, out, sizeof out, &len, &punted),
                 SAFEADDR_E_PARAM);
    cr_assert_eq(len, 0);
    cr_assert_eq(punted, 0);
    cr_assert_eq(safeaddr_crackaddr("a", 1, &s, NULL, 4, &len, &punted),
                 SAFEADDR_E_PARAM);
    s.struct_size = sizeof(size_t);
    cr_assert_eq(safeaddr_crackaddr("a", 1, &s, out, sizeof out, &len, &punted),
                 SAFEADDR_E_PARAM);
    /* a NUL inside the input: sendmail would see a shorter string */
    cr_assert_eq(safeaddr_crackaddr("a\0b", 3, NULL, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_E_NUL);
    /* the empty input and a NULL pointer with length 0 are fine */
    cr_assert_eq(safeaddr_crackaddr(NULL, 0, NULL, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_OK);
    cr_assert_eq(len, 0);
    /* punted may be NULL */
    cr_assert_eq(safeaddr_crackaddr("<>", 2, NULL, out, sizeof out, &len, NULL),
                 SAFEADDR_OK);
    cr_assert_eq(len, 2);
}

/* A punt with a buffer too small for "<\201g>" still reports the flag
 * and the 4 bytes needed. */
Test(crackaddr, punt_into_small_buffer)
{
    char in[300];
    memset(in, '(', sizeof in);
    char out[3];
    size_t len;
    int punted;
    cr_assert_eq(safeaddr_crackaddr(in, sizeof in, NULL, out, sizeof out, &len,
                                    &punted),
                 SAFEADDR_E_NOSPACE);
    cr_assert_eq(len, 4);
    cr_assert_eq(punted, 1);
}

/* The examples written out in the behaviour specification (README
 * "crackaddr", from CRACKADDR.md section 3), ColonOkInAddr false. Some are
 * not in the reference file; "<a@b>: <c@d>" pins the empty-name test
 * against the buffer start rather than the address start. */
Test(crackaddr, specification_examples)
{
    static const struct {
        const char *in, *out;
        int punt;
    } ex[] = {
        {"Name <a (c) b>", "Name <\x81g (c)>", 0},
        {"Doe, John <j@x>", "\"Doe, John\" <\x81g>", 0},
        {"a.b <c>", "\"a.b\" <\x81g>", 0},
        {"<a@b> <c@d>", "\"<a@b>\" <\x81g>", 0},
        {"<a@b> trailing", "<\x81g> trailing", 0},
        {"<a@b> \"x\"", "<\x81g>", 1},
        {"Name <u@e> \"trailing\"", "<\x81g>", 1},
        {"<a@b> \"", "<\x81g> \"\"", 0},
        {"(c) ", "(c) \x81g", 0},
        {"(c))", "(c) \x81g", 0},
        {"Na\\\"me <a@b>", "\"Na\\\\\"me\" <\x81g>", 0},
        {"<a@b>: <c@d>", "\"<a@b>\": \"\" <\x81g>", 0},
        {"(c\\)", "(c\\))", 0},
        {"", "", 0},
        {">", "", 0},
        {"<", "<>", 0},
        {"(", "()", 0},
        {"<>", "<>", 0},
        {"list:;", "list:;\x81g", 0},
        {"list: a@b, c@d;", "list: \x81g;", 0},
        {"host::user", "\x81g", 0},
        {"  a@b", "  \x81g", 0},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        char out[SAFEADDR_CRACKADDR_BUFSIZE];
        size_t len;
        int punted;
        crack(ex[i].in, strlen(ex[i].in), 0, out, &len, &punted);
        cr_assert_eq(punted, ex[i].punt, "%s", ex[i].in);
        cr_assert_eq(len, strlen(ex[i].out), "%s: length %zu", ex[i].in, len);
        cr_assert(memcmp(out, ex[i].out, len) == 0, "%s", ex[i].in);
    }
}
