/*
 * field.c - one address field body: validate, then print it as JSON
 *
 * Two passes over the field with the streaming API. The first checks the
 * whole field and records diagnostics (with their offsets, through on_diag)
 * and groups; only when it ends without error does the second pass print
 * the mailboxes. safeaddr.h says items before an error are provisional
 * (CVE-2023-27043: Python's email.utils acted on the part of a field before
 * the error), so nothing of an invalid field is ever printed as an address.
 * Two passes also keep memory independent of the number of mailboxes.
 */
#include "field.h"
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *cli_xrealloc(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        fputs("safeaddr: allocation size overflows\n", stderr);
        exit(2);
    }
    const size_t bytes = n * size;
    void *q = realloc(p, bytes > 0 ? bytes : 1);
    if (!q) {
        fputs("safeaddr: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

void cli_field_init(cli_field *f)
{
    memset(f, 0, sizeof *f);
}

void cli_field_free(cli_field *f)
{
    free(f->diags);
    free(f->groups);
    free(f->text);
    memset(f, 0, sizeof *f);
}

/* on_diag callback of the validation pass */
static void collect_diag(void *ctx, unsigned bit, size_t offset)
{
    cli_field *f = ctx;
    const uint64_t mask = bit < 64 ? (uint64_t)1 << bit : 0;
    const int first_of_its_code = mask && !(f->reported_bits & mask);
    f->reported_bits |= mask;
    /* past the cap only repeats are dropped: the first occurrence of every
     * code is kept (at most 64 more), so a flood of one diagnostic (100k
     * comments) cannot hide a different one (D_NO_ADDRESSES at the end) */
    if (f->ndiags >= CLI_MAX_DIAGS && !first_of_its_code) {
        f->diags_dropped++;
        return;
    }
    if (f->ndiags == f->diags_cap) {
        const size_t cap = f->diags_cap ? f->diags_cap * 2 : 16;
        f->diags = cli_xrealloc(f->diags, cap, sizeof *f->diags);
        f->diags_cap = cap;
    }
    f->diags[f->ndiags].bit = bit;
    f->diags[f->ndiags].offset = offset;
    f->ndiags++;
}

static void add_group(cli_field *f, const safeaddr_item *it, size_t start)
{
    if (f->ngroups == f->groups_cap) {
        const size_t cap = f->groups_cap ? f->groups_cap * 2 : 8;
        f->groups = cli_xrealloc(f->groups, cap, sizeof *f->groups);
        f->groups_cap = cap;
    }
    cli_group_rec *g = &f->groups[f->ngroups++];
    g->name = it->display;
    g->start = start;
    g->end = start + it->source.len;
    g->size = 0;
}

static size_t offset_of(const cli_field *f, safeaddr_span s)
{
    return (size_t)(s.ptr - f->buf);
}

static void init_options(const cli_field *f, safeaddr_options *o, int collect)
{
    safeaddr_options_init(o);
    o->flags = f->flags;
    if (collect) {
        o->on_diag = collect_diag;
        o->diag_ctx = (void *)f;
    }
}

int cli_field_parse(cli_field *f, const char *buf, size_t len, int production,
                    uint32_t flags)
{
    f->buf = buf;
    f->len = len;
    f->production = production;
    f->flags = flags;
    f->ok = 0;
    f->err.code = SAFEADDR_OK;
    f->err.offset = 0;
    f->field_diag = 0;
    f->mailboxes = 0;
    f->ndiags = 0;
    f->diags_dropped = 0;
    f->reported_bits = 0;
    f->ngroups = 0;

    safeaddr_options o;
    init_options(f, &o, 1);
    safeaddr_iter it;
    if (safeaddr_iter_init(&it, buf, len, production, &o, &f->err) !=
        SAFEADDR_OK)
        return 0;
    for (;;) {
        safeaddr_item item;
        const int r = safeaddr_next(&it, &item, &f->err);
        if (r == SAFEADDR_NEXT_ERROR)
            return 0;
        if (r == SAFEADDR_NEXT_END)
            break;
        if (item.kind == SAFEADDR_ITEM_GROUP_START) {
            add_group(f, &item, offset_of(f, item.source));
        } else if (item.kind == SAFEADDR_ITEM_GROUP_END) {
            if (f->ngroups > 0 && item.source.len > 0)
                f->groups[f->ngroups - 1].end =
                    offset_of(f, item.source) + item.source.len;
        } else {
            f->mailboxes++;
            if (item.group != SAFEADDR_NO_GROUP && item.group < f->ngroups) {
                cli_group_rec *g = &f->groups[item.group];
                g->size++;
                const size_t end = offset_of(f, item.source) + item.source.len;
                if (end > g->end)
                    g->end = end;
            }
        }
    }
    f->field_diag = safeaddr_iter_diag(&it);
    /* a bit in the field set that never came through the callback is
     * still reported (offset unknown) rather than lost */
    for (unsigned bit = 0; bit < 64; bit++) {
        const uint64_t m = (uint64_t)1 << bit;
        if ((f->field_diag & m) && !(f->reported_bits & m))
            collect_diag(f, bit, SIZE_MAX);
    }
    f->ok = 1;
    return 1;
}

size_t cli_text(cli_field *f, safeaddr_span span, int mode, const char **text)
{
    size_t need = 0;
    int rc = safeaddr_text(span, mode, f->text, f->text_cap, &need);
    if (rc == SAFEADDR_E_NOSPACE) {
        f->text = cli_xrealloc(f->text, need, 1);
        f->text_cap = need;
        rc = safeaddr_text(span, mode, f->text, f->text_cap, &need);
    }
    if (rc != SAFEADDR_OK)
        need = 0;
    *text = f->text;
    return need;
}

static void write_hex(FILE *out, const char *s, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        fputc(digits[c >> 4], out);
        fputc(digits[c & 15u], out);
    }
    fputc('"', out);
}

void cli_write_json_member(FILE *out, const char *key, const char *s,
                           size_t len, int present)
{
    fprintf(out, ",\"%s\":", key);
    if (!present) {
        fputs("null", out);
        return;
    }
    int lossy = 0;
    cli_write_json_string(out, s, len, &lossy);
    if (lossy) {
        fprintf(out, ",\"%s_hex\":", key);
        write_hex(out, s, len);
    }
}

/* write_text_member - ,"key":<semantic text of span> (null if absent) */
static void write_text_member(FILE *out, cli_field *f, const char *key,
                              safeaddr_span span, int mode, int present)
{
    const char *text = NULL;
    size_t n = 0;
    if (present)
        n = cli_text(f, span, mode, &text);
    cli_write_json_member(out, key, text, n, present);
}

/* write_formatted_member - ,"key":<output of a safeaddr_format_* call> */
static void write_formatted_member(FILE *out, cli_field *f, const char *key,
                                   const safeaddr_item *item,
                                   int (*fmt)(const safeaddr_item *, char *,
                                              size_t, size_t *))
{
    size_t need = 0;
    int rc = fmt(item, f->text, f->text_cap, &need);
    if (rc == SAFEADDR_E_NOSPACE) {
        f->text = cli_xrealloc(f->text, need, 1);
        f->text_cap = need;
        rc = fmt(item, f->text, f->text_cap, &need);
    }
    cli_write_json_member(out, key, f->text, rc == SAFEADDR_OK ? need : 0,
                          rc == SAFEADDR_OK);
}

/* write_comments - ,"comments":[...] from the top-level comments of the
 * element; a "comments_hex" twin when any of them is not valid UTF-8 */
static void write_comments(FILE *out, cli_field *f, safeaddr_span source)
{
    int lossy_any = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !lossy_any)
            break;
        fputs(pass ? ",\"comments_hex\":[" : ",\"comments\":[", out);
        size_t pos = 0;
        safeaddr_span c;
        int first = 1;
        while (safeaddr_next_comment(source, &pos, &c)) {
            const char *text = NULL;
            const size_t n = cli_text(f, c, SAFEADDR_TEXT_COMMENT, &text);
            if (!first)
                fputc(',', out);
            first = 0;
            if (pass)
                write_hex(out, text, n);
            else
                cli_write_json_string(out, text, n, &lossy_any);
        }
        fputc(']', out);
    }
}

static void write_item_diags(FILE *out, uint64_t diag)
{
    fputs(",\"diagnostics\":[", out);
    int first = 1;
    for (unsigned bit = 0; bit < 64; bit++) {
        if (!(diag & ((uint64_t)1 << bit)))
            continue;
        fprintf(out, "%s{\"code\":\"%s\",\"severity\":\"%s\"}", first ? "" : ",",
                safeaddr_diag_name(bit),
                safeaddr_severity_name(safeaddr_diag_severity(bit)));
        first = 0;
    }
    fputc(']', out);
}

static void write_mailbox(FILE *out, cli_field *f, const safeaddr_item *item)
{
    fputs("{\"kind\":\"mailbox\"", out);
    write_text_member(out, f, "display", item->display, SAFEADDR_TEXT_PHRASE,
                      item->display.len > 0);
    write_text_member(out, f, "local", item->local, SAFEADDR_TEXT_ADDR, 1);
    write_text_member(out, f, "domain", item->domain, SAFEADDR_TEXT_ADDR,
                      item->domain.len > 0);
    write_formatted_member(out, f, "addr_spec", item,
                           safeaddr_format_addr_spec);
    cli_write_json_member(out, "route", item->route.ptr, item->route.len,
                          item->route.len > 0);
    const int in_group =
        item->group != SAFEADDR_NO_GROUP && item->group < f->ngroups;
    write_text_member(out, f, "group",
                      in_group ? f->groups[item->group].name : item->display,
                      SAFEADDR_TEXT_PHRASE, in_group);
    write_comments(out, f, item->source);
    const size_t start = offset_of(f, item->source);
    fprintf(out, ",\"span\":[%zu,%zu]", start, start + item->source.len);
    write_item_diags(out, item->diag);
    fputc('}', out);
}

static void write_field_diags(FILE *out, const cli_field *f)
{
    fputs(",\"diagnostics\":[", out);
    for (size_t i = 0; i < f->ndiags; i++) {
        const cli_diag_rec *d = &f->diags[i];
        fprintf(out, "%s{\"code\":\"%s\",\"severity\":\"%s\",\"offset\":",
                i ? "," : "", safeaddr_diag_name(d->bit),
                safeaddr_severity_name(safeaddr_diag_severity(d->bit)));
        if (d->offset == SIZE_MAX)
            fputs("null}", out);
        else
            fprintf(out, "%zu}", d->offset);
    }
    fputc(']', out);
    if (f->diags_dropped)
        fprintf(out, ",\"diagnostics_truncated\":true,\"diagnostics_dropped\":%zu",
                f->diags_dropped);
}

void cli_field_write(FILE *out, cli_field *f)
{
    if (!f->ok) {
        fputs(",\"ok\":false", out);
        const char *msg = safeaddr_strerror(f->err.code);
        cli_write_json_member(out, "error", msg, strlen(msg), 1);
        fprintf(out, ",\"code\":\"%s\",\"offset\":%zu",
                safeaddr_error_name(f->err.code), f->err.offset);
        return;
    }
    fputs(",\"ok\":true,\"addresses\":[", out);
    safeaddr_options o;
    init_options(f, &o, 0);
    safeaddr_iter it;
    safeaddr_error e;
    int first = 1;
    if (safeaddr_iter_init(&it, f->buf, f->len, f->production, &o, &e) ==
        SAFEADDR_OK) {
        safeaddr_item item;
        int r;
        while ((r = safeaddr_next(&it, &item, &e)) == SAFEADDR_NEXT_ITEM) {
            if (item.kind != SAFEADDR_ITEM_MAILBOX)
                continue;
            if (!first)
                fputc(',', out);
            first = 0;
            write_mailbox(out, f, &item);
        }
        /* the parser is deterministic: a second pass that fails where the
         * first succeeded is a library bug, and must not pass unnoticed */
        if (r == SAFEADDR_NEXT_ERROR)
            fprintf(stderr, "safeaddr: internal error: second pass failed "
                    "(%s at %zu)\n", safeaddr_error_name(e.code), e.offset);
    }
    fputs("],\"groups\":[", out);
    for (size_t i = 0; i < f->ngroups; i++) {
        const cli_group_rec *g = &f->groups[i];
        fputs(i ? ",{" : "{", out);
        const char *text = NULL;
        const size_t n = cli_text(f, g->name, SAFEADDR_TEXT_PHRASE, &text);
        int lossy = 0;
        fputs("\"name\":", out);
        cli_write_json_string(out, text, n, &lossy);
        if (lossy) {
            fputs(",\"name_hex\":", out);
            write_hex(out, text, n);
        }
        fprintf(out, ",\"size\":%zu,\"span\":[%zu,%zu]}", g->size, g->start,
                g->end);
    }
    fputc(']', out);
    write_field_diags(out, f);
}
