/*
 * fuzz_common.h - shared pieces of the safeaddr fuzz harnesses
 *
 * Every harness is one translation unit that defines
 * LLVMFuzzerTestOneInput() and includes this header. The same source is
 * linked three ways (fuzz/fuzz.mk): with libFuzzer (-fsanitize=fuzzer),
 * with AFL++ (afl-clang-fast/-lto plus fuzz/standalone.c in persistent
 * mode) and with fuzz/standalone.c alone, which replays files.
 *
 * A harness does not stop at "no crash": it checks the promises of
 * include/safeaddr.h on every input and calls abort() with a message when
 * one is broken, so the engines record the input as a crash. The checks
 * live here so that every harness applies the same ones:
 *   - every span lies inside the caller's input (zero-copy contract);
 *   - every error offset is in [0, len] and points at the byte its code
 *     names (E_NUL at a NUL, E_UNMATCHED_PAREN at ')', ...);
 *   - every diagnostic offset is in [0, len], every bit is a known one;
 *   - the options come from the first input bytes (fz_take_options), so the
 *     limit paths (tiny depth, address count, input size) are reached
 *     (ASSURANCE.md section 2, harness (d)).
 *
 * Harness code may allocate and may use libc freely; it is not library
 * code. It must still never read outside the input.
 */
#ifndef SAFEADDR_FUZZ_COMMON_H
#define SAFEADDR_FUZZ_COMMON_H

#include "safeaddr.h"
#include "internal.h" /* safeaddr__iter_reference */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libFuzzer entry point every harness defines (prototype here so that
 * -Wmissing-prototypes is satisfied in the harness). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------------ failing */

/* fz_fail - report a broken property and abort, so that libFuzzer, AFL++
 * and the standalone driver all treat the input as a finding. */
static inline void fz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
static inline void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n*** safeaddr fuzz property violated at %s:%d: ", file,
            line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

#define FZ_CHECK(cond, ...)                                                    \
    do {                                                                       \
        if (!(cond))                                                           \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                          \
    } while (0)

/* ------------------------------------------------------------ options */

/* Number of leading input bytes that select options. */
#define FZ_OPTION_BYTES 2u

/* fz_take_options - decode the first two input bytes into a production and
 * options, and advance *data and *size past them. Fewer than two bytes give
 * the defaults and consume what there is.
 *
 *   byte 0, bits 0-2  production: 0-4 ADDRESS_LIST .. PATH, 5 ADDRESS,
 *                     6 MAILBOX_LIST, 7 MAILBOX (6 and 7 as before
 *                     SAFEADDR_ADDRESS was added, so old corpora keep
 *                     their meaning; 5 was a second ADDRESS_LIST)
 *           bit 3     SAFEADDR_LENIENT
 *           bit 4     SAFEADDR_ACCEPT_LF
 *           bit 5     SAFEADDR_REQUIRE_DOMAIN
 *           bit 6     small limits from byte 1 (below)
 *           bit 7     small input limit: max_input = byte 1 + 1 (1..256)
 *   byte 1, bits 0-2  max_comment_depth = value + 1 (1..8)
 *           bits 3-6  max_addresses = value + 1 (1..16)
 *
 * The seed generator (fuzz/make_seeds.py) writes "\0\0" (address-list,
 * defaults) or a production byte in front of every seed. */
static inline void fz_take_options(const uint8_t **data, size_t *size,
                                   int *production, safeaddr_options *opts)
{
    uint8_t b0 = 0, b1 = 0;
    safeaddr_options_init(opts);
    if (*size >= 1) {
        b0 = (*data)[0];
        (*data)++;
        (*size)--;
    }
    if (*size >= 1) {
        b1 = (*data)[0];
        (*data)++;
        (*size)--;
    }
    static const int production_of[8] = {
        SAFEADDR_ADDRESS_LIST, SAFEADDR_MAILBOX_LIST, SAFEADDR_MAILBOX,
        SAFEADDR_ADDR_SPEC,    SAFEADDR_PATH,         SAFEADDR_ADDRESS,
        SAFEADDR_MAILBOX_LIST, SAFEADDR_MAILBOX};
    *production = production_of[b0 & 7u];
    if (b0 & 0x08u)
        opts->flags |= SAFEADDR_LENIENT;
    if (b0 & 0x10u)
        opts->flags |= SAFEADDR_ACCEPT_LF;
    if (b0 & 0x20u)
        opts->flags |= SAFEADDR_REQUIRE_DOMAIN;
    if (b0 & 0x40u) {
        opts->max_comment_depth = (uint32_t)(b1 & 7u) + 1u;
        opts->max_addresses = (uint32_t)((b1 >> 3) & 15u) + 1u;
    }
    if (b0 & 0x80u)
        opts->max_input = (size_t)b1 + 1u;
}

/* Effective limits, as documented in safeaddr.h (0 = default). */
static inline size_t fz_eff_max_input(const safeaddr_options *o)
{
    size_t v = o->max_input ? o->max_input : SAFEADDR_DEFAULT_MAX_INPUT;
    return v > SAFEADDR_CEILING_MAX_INPUT ? SAFEADDR_CEILING_MAX_INPUT : v;
}
static inline uint32_t fz_eff_max_addresses(const safeaddr_options *o)
{
    uint32_t v = o->max_addresses ? o->max_addresses
                                  : SAFEADDR_DEFAULT_MAX_ADDRESSES;
    return v > SAFEADDR_CEILING_MAX_ADDRESSES ? SAFEADDR_CEILING_MAX_ADDRESSES
                                              : v;
}

/* ------------------------------------------------------------- spans */

/* fz_span_inside - the span lies inside [buf, buf+len). An empty span may
 * point anywhere in [buf, buf+len] (the place the part would have been). */
static inline int fz_span_inside(safeaddr_span s, const char *buf, size_t len)
{
    if (s.len == 0)
        return s.ptr == NULL ? 0 : (s.ptr >= buf && s.ptr <= buf + len);
    if (s.ptr == NULL || s.ptr < buf || s.ptr > buf + len)
        return 0;
    return s.len <= (size_t)((buf + len) - s.ptr);
}

/* fz_span_within - inner lies inside outer (both non-empty), or inner is
 * empty. */
static inline int fz_span_within(safeaddr_span inner, safeaddr_span outer)
{
    if (inner.len == 0)
        return 1;
    if (inner.ptr < outer.ptr)
        return 0;
    if ((size_t)(inner.ptr - outer.ptr) > outer.len)
        return 0;
    return inner.len <= outer.len - (size_t)(inner.ptr - outer.ptr);
}

static inline size_t fz_off(safeaddr_span s, const char *buf)
{
    return (size_t)(s.ptr - buf);
}

/* ------------------------------------------------------------- items */

static inline void fz_check_item(const safeaddr_item *it, const char *buf,
                                 size_t len, int production)
{
    const safeaddr_span *spans[7] = {&it->source, &it->display, &it->local,
                                     &it->domain, &it->addr_spec, &it->route,
                                     &it->angle};
    static const char *const names[7] = {"source", "display", "local",
                                         "domain", "addr_spec", "route",
                                         "angle"};
    FZ_CHECK(it->kind >= SAFEADDR_ITEM_MAILBOX &&
                 it->kind <= SAFEADDR_ITEM_GROUP_END,
             "item kind %u", it->kind);
    for (int i = 0; i < 7; i++)
        FZ_CHECK(fz_span_inside(*spans[i], buf, len),
                 "%s span outside the input (ptr %p, len %zu; input %p, %zu)",
                 names[i], (const void *)spans[i]->ptr, spans[i]->len,
                 (const void *)buf, len);
    /* A GROUP_END of a group left open (D_GROUP_UNTERMINATED) has no ';'
     * to point at; everything else is made of bytes. */
    if (it->kind != SAFEADDR_ITEM_GROUP_END)
        FZ_CHECK(it->source.len > 0, "item with empty source span");
    /* Parts of a list element are inside the element (GROUP_END repeats
     * the group's name, which lies before its ';'). */
    for (int i = it->kind == SAFEADDR_ITEM_GROUP_END ? 2 : 1; i < 7; i++)
        FZ_CHECK(fz_span_within(*spans[i], it->source),
                 "%s span [%zu,+%zu) not inside source [%zu,+%zu)", names[i],
                 fz_off(*spans[i], buf), spans[i]->len,
                 fz_off(it->source, buf), it->source.len);
    /* Only documented diagnostic bits. */
    if (SAFEADDR_DIAG_COUNT < 64)
        FZ_CHECK((it->diag >> SAFEADDR_DIAG_COUNT) == 0,
                 "unknown diagnostic bits %#llx",
                 (unsigned long long)it->diag);
    if (it->kind == SAFEADDR_ITEM_MAILBOX) {
        /* addr_spec runs from the first byte of local to the last byte of
         * domain (safeaddr.h, safeaddr_item). */
        FZ_CHECK(fz_span_within(it->local, it->addr_spec) &&
                     fz_span_within(it->domain, it->addr_spec),
                 "local/domain not inside addr_spec");
        if (it->local.len > 0)
            FZ_CHECK(it->addr_spec.ptr == it->local.ptr,
                     "addr_spec does not start at local");
        if (it->domain.len > 0)
            FZ_CHECK(it->addr_spec.ptr + it->addr_spec.len ==
                         it->domain.ptr + it->domain.len,
                     "addr_spec does not end at the end of domain");
        if (it->angle.len > 0) {
            /* "<...>"; LENIENT may close an angle address left open at the
             * end of the input, and says so with D_RECOVERED_ANGLE. */
            FZ_CHECK(it->angle.ptr[0] == '<' &&
                         ((it->angle.len >= 2 &&
                           it->angle.ptr[it->angle.len - 1] == '>') ||
                          ((it->diag & SAFEADDR_D_RECOVERED_ANGLE) &&
                           it->angle.ptr + it->angle.len == buf + len)),
                     "angle span is not <...>");
            FZ_CHECK(fz_span_within(it->addr_spec, it->angle) &&
                         fz_span_within(it->route, it->angle),
                     "addr_spec/route outside the angle span");
        } else {
            FZ_CHECK(it->route.len == 0, "route without angle address");
        }
        if (production == SAFEADDR_ADDR_SPEC)
            FZ_CHECK(it->angle.len == 0 && it->display.len == 0,
                     "addr-spec production returned a name-addr");
    } else {
        FZ_CHECK(production == SAFEADDR_ADDRESS_LIST ||
                     production == SAFEADDR_ADDRESS,
                 "group item from production %d", production);
        FZ_CHECK(it->local.len == 0 && it->domain.len == 0 &&
                     it->angle.len == 0 && it->route.len == 0,
                 "group marker with address parts");
        if (it->kind == SAFEADDR_ITEM_GROUP_END)
            FZ_CHECK(it->source.len == 0 ||
                         (it->source.len == 1 && it->source.ptr[0] == ';'),
                     "GROUP_END source is neither ';' nor empty");
    }
}

/* ------------------------------------------------------------- errors */

static inline int fz_is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* fz_check_error - an error returned for buf[0..len): known code, offset
 * in [0, len] and, for the codes that name a byte, that byte is there. */
static inline void fz_check_error(const safeaddr_error *e, const char *buf,
                                  size_t len, const safeaddr_options *o)
{
    const unsigned char *b = (const unsigned char *)buf;
    FZ_CHECK(e->code != SAFEADDR_OK, "error with code OK");
    FZ_CHECK(strcmp(safeaddr_error_name(e->code), "UNKNOWN") != 0,
             "undocumented error code %d", e->code);
    FZ_CHECK(safeaddr_strerror(e->code) != NULL, "strerror NULL");
    FZ_CHECK(e->offset <= len, "error %s offset %zu past the end (len %zu)",
             safeaddr_error_name(e->code), e->offset, len);
    const int at = e->offset < len ? b[e->offset] : -1;
#define FZ_AT(code, pred)                                                      \
    case SAFEADDR_##code:                                                      \
        FZ_CHECK(at >= 0 && (pred), #code " at offset %zu (byte %d)",          \
                 e->offset, at);                                               \
        break
    switch (e->code) {
    case SAFEADDR_E_INPUT_TOO_LONG:
        FZ_CHECK(len > fz_eff_max_input(o) && e->offset == fz_eff_max_input(o),
                 "E_INPUT_TOO_LONG at %zu, len %zu, max_input %zu", e->offset,
                 len, fz_eff_max_input(o));
        break;
    case SAFEADDR_E_UNTERMINATED_QUOTE:
    case SAFEADDR_E_UNTERMINATED_COMMENT:
    case SAFEADDR_E_UNTERMINATED_LITERAL:
        FZ_CHECK(e->offset == len, "%s at %zu, not at the end (%zu)",
                 safeaddr_error_name(e->code), e->offset, len);
        break;
        FZ_AT(E_NUL, at == 0);
        FZ_AT(E_BARE_CR, at == '\r');
        FZ_AT(E_BARE_LF, at == '\n');
        FZ_AT(E_LINE_BREAK, at == '\r' || at == '\n');
        FZ_AT(E_CONTROL, fz_is_control((unsigned char)at));
        FZ_AT(E_BAD_UTF8, at >= 0x80);
        FZ_AT(E_COMMENT_TOO_DEEP, at == '(');
        FZ_AT(E_UNMATCHED_PAREN, at == ')');
        FZ_AT(E_UNMATCHED_ANGLE, at == '>');
        FZ_AT(E_UNMATCHED_BRACKET, at == ']');
        FZ_AT(E_BACKSLASH, at == '\\');
        FZ_AT(E_ESCAPED_LINE_BREAK, at == '\r' || at == '\n');
        FZ_AT(E_NESTED_ANGLE, at == '<');
        FZ_AT(E_SECOND_ANGLE, at == '<');
        FZ_AT(E_SECOND_AT, at == '@');
        FZ_AT(E_SEMICOLON, at == ';');
    default:
        break;
    }
#undef FZ_AT
}

/* ------------------------------------------------------- diagnostics */

/* Log of on_diag callbacks: kept in full up to FZ_DIAG_LOG entries, and
 * folded into a hash beyond, so that runs can be compared exactly. */
#define FZ_DIAG_LOG 64
typedef struct {
    const char *buf;
    size_t len;
    size_t count;
    uint64_t bits;
    uint64_t hash;
    struct {
        unsigned bit;
        size_t offset;
    } log[FZ_DIAG_LOG];
} fz_diag_log;

static inline void fz_on_diag(void *ctx, unsigned bit, size_t offset)
{
    fz_diag_log *d = (fz_diag_log *)ctx;
    FZ_CHECK(bit < SAFEADDR_DIAG_COUNT, "on_diag with unknown bit %u", bit);
    FZ_CHECK(offset <= d->len, "diagnostic %s at offset %zu past the end (%zu)",
             safeaddr_diag_name(bit), offset, d->len);
    if (d->count < FZ_DIAG_LOG) {
        d->log[d->count].bit = bit;
        d->log[d->count].offset = offset;
    }
    d->count++;
    d->bits |= (uint64_t)1 << bit;
    /* FNV-1a over (bit, offset) */
    uint64_t h = d->hash ? d->hash : 0xcbf29ce484222325ull;
    h = (h ^ bit) * 0x100000001b3ull;
    h = (h ^ (uint64_t)offset) * 0x100000001b3ull;
    d->hash = h;
}

static inline void fz_diag_attach(fz_diag_log *d, safeaddr_options *o,
                                  const char *buf, size_t len)
{
    memset(d, 0, sizeof *d);
    d->buf = buf;
    d->len = len;
    o->on_diag = fz_on_diag;
    o->diag_ctx = d;
}

/* --------------------------------------------------- a complete parse */

/* Result of reading a field with the iterator, kept with offsets so that
 * two runs over the same bytes can be compared. */
typedef struct {
    int init_rc;          /* safeaddr_iter_init result                    */
    int end_rc;           /* SAFEADDR_NEXT_END or SAFEADDR_NEXT_ERROR     */
    safeaddr_error err;   /* valid when end_rc == NEXT_ERROR or init fails */
    size_t count;         /* items returned                               */
    size_t cap;
    safeaddr_item *items; /* count items (malloc)                         */
    uint64_t field_diag;
    fz_diag_log diag;
} fz_run;

static inline void fz_run_free(fz_run *r)
{
    free(r->items);
    r->items = NULL;
    r->count = r->cap = 0;
}

static inline void fz_push_item(fz_run *r, const safeaddr_item *it)
{
    if (r->count == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 16;
        safeaddr_item *n = (safeaddr_item *)realloc(r->items,
                                                    ncap * sizeof *n);
        FZ_CHECK(n != NULL, "out of memory in the harness");
        r->items = n;
        r->cap = ncap;
    }
    r->items[r->count++] = *it;
}

/* fz_iterate_as - read buf[0..len) with the streaming API and check every
 * item and the error as they come. opts is copied; a diagnostic log is
 * attached to the copy. With `reference`, the parser reads every element
 * token by token, without its fast paths (SAFEADDR__FLAG_REFERENCE). */
static inline void fz_iterate_as(const char *buf, size_t len, int production,
                                 const safeaddr_options *opts, int reference,
                                 fz_run *r)
{
    safeaddr_options o = *opts;
    safeaddr_iter it;
    safeaddr_item item;
    memset(r, 0, sizeof *r);
    fz_diag_attach(&r->diag, &o, buf, len);
    r->init_rc = safeaddr_iter_init(&it, buf, len, production, &o, &r->err);
    if (r->init_rc != SAFEADDR_OK) {
        FZ_CHECK(r->err.code == r->init_rc, "init rc %d but err.code %d",
                 r->init_rc, r->err.code);
        fz_check_error(&r->err, buf, len, &o);
        r->end_rc = SAFEADDR_NEXT_ERROR;
        return;
    }
    if (reference)
        safeaddr__iter_reference(&it);
    const uint32_t max_addresses = fz_eff_max_addresses(&o);
    uint32_t group = SAFEADDR_NO_GROUP, groups = 0;
    size_t mailboxes = 0;
    size_t prev_end = 0;
    for (;;) {
        memset(&item, 0xA5, sizeof item);
        const int rc = safeaddr_next(&it, &item, &r->err);
        if (rc == SAFEADDR_NEXT_ITEM) {
            fz_check_item(&item, buf, len, production);
            /* Items come in input order and do not overlap. */
            FZ_CHECK(fz_off(item.source, buf) >= prev_end,
                     "item source at %zu overlaps the previous item (end %zu)",
                     fz_off(item.source, buf), prev_end);
            prev_end = fz_off(item.source, buf) + item.source.len;
            /* Group bookkeeping (RFC 5322 3.4: no nested groups). */
            if (item.kind == SAFEADDR_ITEM_GROUP_START) {
                FZ_CHECK(group == SAFEADDR_NO_GROUP, "nested GROUP_START");
                group = groups++;
                FZ_CHECK(item.group == group, "GROUP_START index %u, want %u",
                         item.group, group);
            } else if (item.kind == SAFEADDR_ITEM_GROUP_END) {
                FZ_CHECK(group != SAFEADDR_NO_GROUP && item.group == group,
                         "GROUP_END index %u, open group %u", item.group,
                         group);
                group = SAFEADDR_NO_GROUP;
            } else {
                FZ_CHECK(item.group == group, "mailbox group %u, open %u",
                         item.group, group);
                mailboxes++;
                FZ_CHECK(mailboxes <= max_addresses,
                         "%zu mailboxes returned, max_addresses %u",
                         mailboxes, max_addresses);
            }
            fz_push_item(r, &item);
            FZ_CHECK(r->count <= safeaddr_max_items(len),
                     "more items (%zu) than safeaddr_max_items(%zu) = %zu",
                     r->count, len, safeaddr_max_items(len));
            continue;
        }
        FZ_CHECK(rc == SAFEADDR_NEXT_END || rc == SAFEADDR_NEXT_ERROR,
                 "safeaddr_next returned %d", rc);
        r->end_rc = rc;
        break;
    }
    r->field_diag = safeaddr_iter_diag(&it);
    if (r->end_rc == SAFEADDR_NEXT_ERROR) {
        fz_check_error(&r->err, buf, len, &o);
        /* A field over max_addresses fails at address max+1, after exactly
         * max mailboxes (ASSURANCE.md section 4). */
        if (r->err.code == SAFEADDR_E_TOO_MANY_ADDRESSES)
            FZ_CHECK(mailboxes == max_addresses,
                     "E_TOO_MANY_ADDRESSES after %zu mailboxes (max %u)",
                     mailboxes, max_addresses);
        /* Errors are sticky. */
        safeaddr_error again;
        FZ_CHECK(safeaddr_next(&it, &item, &again) == SAFEADDR_NEXT_ERROR &&
                     again.code == r->err.code &&
                     again.offset == r->err.offset,
                 "error not sticky");
    } else {
        FZ_CHECK(group == SAFEADDR_NO_GROUP, "END inside an open group");
        if (production == SAFEADDR_ADDRESS) {
            /* one mailbox, or one group: its start, members, end */
            FZ_CHECK(r->count == 1 ||
                         (r->count >= 2 &&
                          r->items[0].kind == SAFEADDR_ITEM_GROUP_START &&
                          r->items[r->count - 1].kind ==
                              SAFEADDR_ITEM_GROUP_END),
                     "address production gave %zu items, not one address",
                     r->count);
        } else if (production != SAFEADDR_ADDRESS_LIST &&
                   production != SAFEADDR_MAILBOX_LIST) {
            FZ_CHECK(r->count == 1,
                     "single-address production %d gave %zu items",
                     production, r->count);
        }
        /* END is sticky too. */
        safeaddr_error again;
        FZ_CHECK(safeaddr_next(&it, &item, &again) == SAFEADDR_NEXT_END,
                 "END not sticky");
    }
    /* The per-item diagnostics are part of the field's set, and the
     * callback saw exactly the field's set. */
    for (size_t i = 0; i < r->count; i++)
        FZ_CHECK((r->items[i].diag & ~r->field_diag) == 0,
                 "item diag %#llx not in field diag %#llx",
                 (unsigned long long)r->items[i].diag,
                 (unsigned long long)r->field_diag);
    FZ_CHECK(r->diag.bits == r->field_diag,
             "callback bits %#llx != field diag %#llx",
             (unsigned long long)r->diag.bits,
             (unsigned long long)r->field_diag);
}

static inline void fz_iterate(const char *buf, size_t len, int production,
                              const safeaddr_options *opts, fz_run *r)
{
    fz_iterate_as(buf, len, production, opts, 0, r);
}

static inline int fz_run_ok(const fz_run *r)
{
    return r->init_rc == SAFEADDR_OK && r->end_rc == SAFEADDR_NEXT_END;
}

static inline int fz_span_eq(safeaddr_span a, safeaddr_span b)
{
    return a.ptr == b.ptr && a.len == b.len;
}

static inline int fz_item_eq(const safeaddr_item *a, const safeaddr_item *b)
{
    return a->kind == b->kind && a->group == b->group &&
           fz_span_eq(a->source, b->source) &&
           fz_span_eq(a->display, b->display) &&
           fz_span_eq(a->local, b->local) &&
           fz_span_eq(a->domain, b->domain) &&
           fz_span_eq(a->addr_spec, b->addr_spec) &&
           fz_span_eq(a->route, b->route) &&
           fz_span_eq(a->angle, b->angle) && a->diag == b->diag;
}

/* fz_same_items - two runs returned the same items (spans and diagnostic
 * bits); *why names the first difference. */
static inline int fz_same_items(const fz_run *a, const fz_run *b,
                                const char **why, size_t *where)
{
    if (a->count != b->count) {
        *why = "item count";
        *where = a->count < b->count ? a->count : b->count;
        return 0;
    }
    for (size_t i = 0; i < a->count; i++)
        if (!fz_item_eq(&a->items[i], &b->items[i])) {
            *why = "item";
            *where = i;
            return 0;
        }
    return 1;
}

/* fz_same_run - identical in every observable way: result, error, items,
 * field diagnostics and the sequence of diagnostic callbacks. */
static inline int fz_same_run(const fz_run *a, const fz_run *b,
                              const char **why, size_t *where)
{
    *where = 0;
    if (a->init_rc != b->init_rc || a->end_rc != b->end_rc) {
        *why = "result";
        return 0;
    }
    if (a->end_rc == SAFEADDR_NEXT_ERROR &&
        (a->err.code != b->err.code || a->err.offset != b->err.offset)) {
        *why = "error code or offset";
        return 0;
    }
    if (!fz_same_items(a, b, why, where))
        return 0;
    if (a->field_diag != b->field_diag) {
        *why = "field diagnostics";
        return 0;
    }
    if (a->diag.count != b->diag.count || a->diag.hash != b->diag.hash) {
        *why = "diagnostic callbacks";
        return 0;
    }
    return 1;
}

static inline void fz_describe_run(const char *label, const fz_run *r,
                                   const char *buf)
{
    fprintf(stderr, "  %s: init %d end %d err %s@%zu items %zu diag %#llx\n",
            label, r->init_rc, r->end_rc,
            r->end_rc == SAFEADDR_NEXT_ERROR ? safeaddr_error_name(r->err.code)
                                             : "-",
            r->end_rc == SAFEADDR_NEXT_ERROR ? r->err.offset : (size_t)0,
            r->count, (unsigned long long)r->field_diag);
    for (size_t i = 0; i < r->count && i < 8; i++) {
        const safeaddr_item *it = &r->items[i];
        fprintf(stderr,
                "    [%zu] kind %u group %d src %zu+%zu disp %zu+%zu "
                "local %zu+%zu dom %zu+%zu diag %#llx\n",
                i, it->kind, (int)it->group, fz_off(it->source, buf),
                it->source.len, fz_off(it->display, buf), it->display.len,
                fz_off(it->local, buf), it->local.len,
                fz_off(it->domain, buf), it->domain.len,
                (unsigned long long)it->diag);
    }
}

/* fz_expect_same - abort with both runs described when they differ. */
#define fz_expect_same(a, b, buf, ...)                                         \
    do {                                                                       \
        const char *fz_why_;                                                   \
        size_t fz_where_;                                                      \
        if (!fz_same_run((a), (b), &fz_why_, &fz_where_)) {                    \
            fprintf(stderr, "runs differ in %s (index %zu)\n", fz_why_,       \
                    fz_where_);                                                \
            fz_describe_run("first", (a), (buf));                              \
            fz_describe_run("second", (b), (buf));                             \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                          \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------ kernels */

/* Test hook from src/scan.h (internal, linked from the static library). */
int safeaddr__select_kernel(const char *name);

#define FZ_MAX_KERNELS 8

/* fz_kernels - the kernels this CPU supports (scalar first). */
static inline size_t fz_kernels(const char **names)
{
    size_t n = safeaddr_kernels(names, FZ_MAX_KERNELS);
    return n > FZ_MAX_KERNELS ? FZ_MAX_KERNELS : n;
}

/* fz_select_kernel - select a kernel the library said it supports. */
static inline void fz_select_kernel(const char *name)
{
    FZ_CHECK(safeaddr__select_kernel(name) == 0,
             "kernel %s listed but cannot be selected", name);
}

/* ---------------------------------------------------- output writers */

/* Output writers promise never to write more than cap bytes. They are
 * called into a heap buffer of exactly cap bytes, so that AddressSanitizer
 * reports any byte written past it, and the bytes after the written length
 * are compared against a fill pattern. */
#define FZ_FILL 0xA5

typedef int (*fz_writer)(const void *ctx, char *out, size_t cap,
                         size_t *len);

/* fz_write_checked - run a writer with the NOSPACE protocol checked:
 * cap 0 gives the size, cap - 1 gives E_NOSPACE and the same size without
 * writing past cap, the exact size gives OK with identical output. Returns
 * the writer's status; on OK *out (malloc, caller frees) and *out_len hold
 * the text. */
static inline int fz_write_checked(fz_writer w, const void *ctx, char **out,
                                   size_t *out_len, const char *what)
{
    size_t need = (size_t)-1;
    *out = NULL;
    *out_len = 0;
    int rc = w(ctx, NULL, 0, &need);
    if (rc != SAFEADDR_OK && rc != SAFEADDR_E_NOSPACE)
        return rc; /* E_PARAM etc.: nothing to check here */
    FZ_CHECK(need != (size_t)-1, "%s: length not set on the sizing call",
             what);
    FZ_CHECK(rc == SAFEADDR_OK ? need == 0 : need > 0,
             "%s: cap 0 gave %d with need %zu", what, rc, need);
    FZ_CHECK(need < ((size_t)1 << 31), "%s: absurd size %zu", what, need);
    char *buf = (char *)malloc(need + 1);
    FZ_CHECK(buf != NULL, "out of memory in the harness");
    if (need > 0) {
        /* One byte too small: E_NOSPACE, same need, nothing past cap. */
        char *small = (char *)malloc(need - 1 + 1);
        FZ_CHECK(small != NULL, "out of memory in the harness");
        memset(small, FZ_FILL, need);
        size_t need2 = 0;
        rc = w(ctx, small, need - 1, &need2);
        FZ_CHECK(rc == SAFEADDR_E_NOSPACE && need2 == need,
                 "%s: cap %zu gave %d, need %zu (want NOSPACE, %zu)", what,
                 need - 1, rc, need2, need);
        FZ_CHECK((unsigned char)small[need - 1] == FZ_FILL,
                 "%s: wrote past cap %zu", what, need - 1);
        free(small);
    }
    size_t got = 0;
    memset(buf, FZ_FILL, need + 1);
    rc = w(ctx, buf, need, &got);
    FZ_CHECK(rc == SAFEADDR_OK && got == need,
             "%s: exact cap %zu gave %d, len %zu", what, need, rc, got);
    FZ_CHECK((unsigned char)buf[need] == FZ_FILL, "%s: wrote past cap", what);
    *out = buf;
    *out_len = got;
    return SAFEADDR_OK;
}

/* fz_no_nul_crlf - text written by the library for a header or a log
 * never contains NUL, CR or LF (safeaddr.h, safeaddr_text). */
static inline void fz_no_nul_crlf(const char *s, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        FZ_CHECK(s[i] != '\0' && s[i] != '\r' && s[i] != '\n',
                 "%s: byte %#x at %zu of %zu", what, (unsigned char)s[i], i,
                 n);
}

#endif
