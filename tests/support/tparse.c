/*
 * tparse.c - test helper: parse a field and keep the semantic texts
 */
#include "tparse.h"
#include <criterion/criterion.h>
#include <string.h>

static void text_of(safeaddr_span s, int mode, char *out)
{
    size_t n = 0;
    const int rc = safeaddr_text(s, mode, out, TP_TEXT - 1, &n);
    cr_assert(rc == SAFEADDR_OK || rc == SAFEADDR_E_NOSPACE);
    out[n < TP_TEXT - 1 ? n : TP_TEXT - 1] = 0;
}

static void span_inside(safeaddr_span s, const char *buf, size_t len)
{
    if (len == 0)
        return;
    cr_assert(s.ptr >= buf && s.ptr <= buf + len, "span starts outside input");
    cr_assert(s.len <= (size_t)(buf + len - s.ptr), "span ends outside input");
}

void tp_parse(const char *buf, size_t len, int production, unsigned flags,
              tp_result *r)
{
    safeaddr_options o;
    safeaddr_options_init(&o);
    o.flags = flags;
    safeaddr_iter it;
    safeaddr_error e;
    memset(r, 0, sizeof *r);
    r->rc = safeaddr_iter_init(&it, buf, len, production, &o, &e);
    if (r->rc != SAFEADDR_OK) {
        r->offset = e.offset;
        return;
    }
    for (;;) {
        safeaddr_item item;
        const int n = safeaddr_next(&it, &item, &e);
        if (n == SAFEADDR_NEXT_END)
            break;
        if (n == SAFEADDR_NEXT_ERROR) {
            r->rc = e.code;
            r->offset = e.offset;
            cr_assert(e.offset <= len, "error offset %zu past length %zu",
                      e.offset, len);
            cr_assert(e.code != SAFEADDR_OK);
            return;
        }
        span_inside(item.source, buf, len);
        span_inside(item.display, buf, len);
        span_inside(item.local, buf, len);
        span_inside(item.domain, buf, len);
        span_inside(item.addr_spec, buf, len);
        span_inside(item.route, buf, len);
        span_inside(item.angle, buf, len);
        if (r->count < TP_MAX_ITEMS) {
            tp_item *t = &r->item[r->count];
            t->kind = (int)item.kind;
            t->group = item.group;
            t->diag = item.diag;
            t->raw = item;
            text_of(item.display, SAFEADDR_TEXT_PHRASE, t->display);
            if (item.kind == SAFEADDR_ITEM_MAILBOX) {
                size_t n2 = 0;
                text_of(item.local, SAFEADDR_TEXT_ADDR, t->local);
                text_of(item.domain, SAFEADDR_TEXT_ADDR, t->domain);
                t->has_domain = item.domain.len > 0;
                memcpy(t->route, item.route.ptr, item.route.len < TP_TEXT - 1 ? item.route.len : TP_TEXT - 1);
                if (safeaddr_format_addr_spec(&item, t->addr_spec, TP_TEXT - 1, &n2) == SAFEADDR_OK)
                    t->addr_spec[n2] = 0;
                if (safeaddr_format_mailbox(&item, t->mailbox, TP_TEXT - 1, &n2) == SAFEADDR_OK)
                    t->mailbox[n2] = 0;
            }
        }
        if (item.kind == SAFEADDR_ITEM_MAILBOX)
            r->mailboxes++;
        r->count++;
    }
    r->field_diag = safeaddr_iter_diag(&it);
    /* END is sticky */
    cr_assert_eq(safeaddr_next(&it, NULL, &e), SAFEADDR_NEXT_END);
}

void tp_parse_str(const char *s, int production, unsigned flags, tp_result *r)
{
    tp_parse(s, strlen(s), production, flags, r);
}

const tp_item *tp_first_mailbox(const tp_result *r)
{
    for (size_t i = 0; i < r->count && i < TP_MAX_ITEMS; i++)
        if (r->item[i].kind == SAFEADDR_ITEM_MAILBOX)
            return &r->item[i];
    return NULL;
}
