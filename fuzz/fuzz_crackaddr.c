/*
 * fuzz_crackaddr.c - the sendmail crackaddr() twin on arbitrary bytes
 *
 * crackaddr() is where CVE-2002-1337 lived: a hand-counted limit on a
 * 257-byte buffer that a run of "<>" moved past its end. The twin must
 * never write past the capacity it is given, whatever the input.
 *
 * Input: one option byte, then the address.
 *   bit 0  ColonOkInAddr
 *   bit 1  custom MustQuoteChars: the next byte gives a length n (0..15),
 *          the n bytes after it (NUL bytes dropped) are the set
 * Properties:
 *   1. with sendmail's own buffer (SAFEADDR_CRACKADDR_BUFSIZE bytes, on
 *      the heap with nothing after it) the call succeeds, or gives E_NUL
 *      exactly when the input holds a NUL; the template is at most
 *      SAFEADDR_CRACKADDR_MAX_TEMPLATE bytes and never contains NUL;
 *   2. a punt gives exactly "<\201g>";
 *   3. every smaller capacity tried (0, 1, half, one short) gives
 *      E_NOSPACE with the same needed length and writes nothing past cap;
 *      the exact capacity gives the same template;
 *   4. with a NUL, the result equals the one for the bytes before it
 *      (sendmail's C string ends there), as the header documents;
 *   5. NULL settings are the defaults; the same call twice gives the same
 *      answer (no hidden state).
 */
#include "fuzz_common.h"

typedef struct {
    int rc;
    size_t len;
    int punted;
    char *out; /* malloc, SAFEADDR_CRACKADDR_BUFSIZE bytes */
} crack_result;

/* One call into a heap buffer of exactly cap bytes. */
static void crack(const char *in, size_t n,
                  const safeaddr_crackaddr_settings *s, size_t cap,
                  crack_result *r)
{
    char *buf = (char *)malloc(cap ? cap : 1);
    FZ_CHECK(buf != NULL, "out of memory in the harness");
    memset(buf, FZ_FILL, cap ? cap : 1);
    r->len = (size_t)-1;
    r->punted = -1;
    r->rc = safeaddr_crackaddr(in, n, s, cap ? buf : NULL, cap, &r->len,
                               &r->punted);
    r->out = buf;
}

static void check_template(const crack_result *r, const char *what)
{
    FZ_CHECK(r->len <= SAFEADDR_CRACKADDR_MAX_TEMPLATE,
             "%s: template of %zu bytes", what, r->len);
    FZ_CHECK(r->punted == 0 || r->punted == 1, "%s: punted = %d", what,
             r->punted);
    for (size_t i = 0; i < r->len; i++)
        FZ_CHECK(r->out[i] != '\0', "%s: NUL at %zu of the template", what,
                 i);
    if (r->punted)
        FZ_CHECK(r->len == 4 && memcmp(r->out, "<\201g>", 4) == 0,
                 "%s: punt template is not <\\201g>", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    safeaddr_crackaddr_settings s;
    safeaddr_crackaddr_settings_init(&s);
    char must_quote[16];
    if (size > 0) {
        const uint8_t b0 = data[0];
        data++;
        size--;
        s.colon_ok_in_addr = b0 & 1;
        if ((b0 & 2) && size > 0) {
            size_t want = data[0] % 16u, k = 0;
            data++;
            size--;
            for (size_t i = 0; i < want && i < size; i++)
                if (data[i] != 0 && k + 1 < sizeof must_quote)
                    must_quote[k++] = (char)data[i];
            must_quote[k] = '\0';
            const size_t used = want < size ? want : size;
            data += used;
            size -= used;
            s.must_quote_chars = must_quote;
        }
    }
    const char *in = (const char *)data;
    const char *nul = size ? (const char *)memchr(in, 0, size) : NULL;

    /* 1. sendmail's buffer */
    crack_result r;
    crack(in, size, &s, SAFEADDR_CRACKADDR_BUFSIZE, &r);
    if (nul) {
        FZ_CHECK(r.rc == SAFEADDR_E_NUL, "input with NUL gave %s",
                 safeaddr_error_name(r.rc));
        /* 4. the C string sendmail would have seen */
        crack_result c;
        crack(in, (size_t)(nul - in), &s, SAFEADDR_CRACKADDR_BUFSIZE, &c);
        FZ_CHECK(c.rc == SAFEADDR_OK, "prefix before the NUL gave %s",
                 safeaddr_error_name(c.rc));
        check_template(&c, "prefix");
        free(c.out);
        free(r.out);
        return 0;
    }
    FZ_CHECK(r.rc == SAFEADDR_OK, "crackaddr with sendmail's buffer: %s",
             safeaddr_error_name(r.rc));
    check_template(&r, "template");

    /* 5. deterministic; NULL settings = defaults */
    crack_result again;
    crack(in, size, &s, SAFEADDR_CRACKADDR_BUFSIZE, &again);
    FZ_CHECK(again.rc == r.rc && again.len == r.len &&
                 again.punted == r.punted &&
                 memcmp(again.out, r.out, r.len) == 0,
             "second call differs");
    free(again.out);
    if (!s.colon_ok_in_addr && s.must_quote_chars == NULL) {
        crack_result d;
        char *buf = (char *)malloc(SAFEADDR_CRACKADDR_BUFSIZE);
        FZ_CHECK(buf != NULL, "out of memory in the harness");
        d.rc = safeaddr_crackaddr(in, size, NULL, buf,
                                  SAFEADDR_CRACKADDR_BUFSIZE, &d.len,
                                  &d.punted);
        FZ_CHECK(d.rc == r.rc && d.len == r.len && d.punted == r.punted &&
                     memcmp(buf, r.out, r.len) == 0,
                 "NULL settings differ from the defaults");
        free(buf);
    }

    /* 3. smaller capacities: E_NOSPACE, same need, nothing past cap */
    const size_t need = r.len;
    const size_t caps[4] = {0, 1, need / 2, need ? need - 1 : 0};
    for (int i = 0; i < 4; i++) {
        if (caps[i] >= need)
            continue;
        crack_result small;
        crack(in, size, &s, caps[i], &small);
        FZ_CHECK(small.rc == SAFEADDR_E_NOSPACE && small.len == need,
                 "cap %zu: %s with len %zu (need %zu)", caps[i],
                 safeaddr_error_name(small.rc), small.len, need);
        free(small.out);
    }
    crack_result exact;
    crack(in, size, &s, need, &exact);
    FZ_CHECK(exact.rc == SAFEADDR_OK && exact.len == need &&
                 exact.punted == r.punted &&
                 (need == 0 || memcmp(exact.out, r.out, need) == 0),
             "exact capacity %zu gives %s, len %zu", need,
             safeaddr_error_name(exact.rc), exact.len);
    free(exact.out);
    free(r.out);
    return 0;
}
