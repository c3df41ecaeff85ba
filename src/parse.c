/*
 * parse.c - RFC 5322 address-list grammar over the lexer's tokens
 *
 * One pass, left to right, no recursion, no allocation. A list element is
 * read as a run of "prefix" items (words, dots, '@', a domain literal)
 * followed by the token that decides what the run was:
 *
 *   '<'            the run was a display name (phrase), an angle-addr follows
 *   ':'            the run was a group's display name
 *   ',' ';' end    the run was an addr-spec (or an unqualified local name)
 *
 * While the run is read, both readings are tracked at once: the addr-spec
 * reading remembers its first error (offset and code), the phrase reading
 * collects its diagnostics. Nothing is re-scanned, so the cost is linear.
 *
 * Policy decisions (DESIGN.md "hostile input", ASSURANCE.md section 5):
 *  - one angle-addr per mailbox is authoritative; a second one is an error
 *    (GMime PR 55 "Name <a@x> <b@y>" spoofing);
 *  - a display name may contain unquoted '@' (with a SECURITY diagnostic),
 *    but only if the angle-addr after it is well formed; otherwise the
 *    error is the strict one of the addr-spec reading (CVE-2023-27043:
 *    "alice@example.org<<bob@example.org>" must never yield bob);
 *  - a second unquoted '@' is an error (CVE-2019-16056);
 *  - obsolete syntax (routes, dotted phrases, CFWS inside addresses, empty
 *    list elements, missing ';') parses with a diagnostic;
 *  - groups do not nest (RFC 5322 3.4; GMime issue 15, nodemailer
 *    CVE-2025-14874 recursion).
 */
#include "internal.h"
#include "chars.h"
#include <string.h>

/* The addr-spec reading's position in local-part / domain. */
enum { SIDE_LOCAL = 0, SIDE_DOMAIN = 1 };
enum { L_EXPECT_WORD = 0, L_AFTER_WORD, L_AFTER_DOT };
enum { D_EXPECT_LABEL = 0, D_AFTER_LABEL, D_AFTER_DOT, D_AFTER_LITERAL };

/* Deferred diagnostics of one reading: bits plus the first offset of each. */
typedef struct {
    uint64_t bits;
    size_t off[64];
} pending_diag;

typedef struct {
    size_t first;    /* start of the first item, NONE if no item        */
    size_t last_end; /* end of the last item                            */
    unsigned items;
    unsigned words;
    unsigned unquoted_at; /* phrase reading: an unquoted '@'            */
    /* addr-spec reading */
    int side, lstate, dstate;
    unsigned local_quoted;
    size_t local_start, local_end, dom_start, dom_end;
    int strict_code;
    size_t strict_off;
    pending_diag addr, phrase;
} prefix;

static void pend(pending_diag *p, unsigned bit, size_t off)
{
    const uint64_t m = (uint64_t)1 << bit;
    if (!(p->bits & m)) {
        p->bits |= m;
        p->off[bit] = off;
    }
}

static void flush(safeaddr_iter *it, safeaddr_item *item, const pending_diag *p)
{
    uint64_t bits = p->bits;
    while (bits) {
        const unsigned bit = (unsigned)__builtin_ctzll(bits);
        bits &= bits - 1;
        safeaddr__diag(it, &item->diag, bit, p->off[bit]);
    }
}

static void strict(prefix *pf, int code, size_t off)
{
    if (pf->strict_code == SAFEADDR_OK) {
        pf->strict_code = code;
        pf->strict_off = off;
    }
}

static int fail(safeaddr_error *err, int code, size_t offset)
{
    err->code = code;
    err->offset = offset;
    return code;
}

static void prefix_init(prefix *pf)
{
    pf->first = SAFEADDR__NONE;
    pf->last_end = 0;
    pf->items = pf->words = pf->unquoted_at = 0;
    pf->side = SIDE_LOCAL;
    pf->lstate = L_EXPECT_WORD;
    pf->dstate = D_EXPECT_LABEL;
    pf->local_quoted = 0;
    pf->local_start = pf->local_end = pf->dom_start = pf->dom_end =
        SAFEADDR__NONE;
    pf->strict_code = SAFEADDR_OK;
    pf->strict_off = 0;
    pf->addr.bits = 0;
    pf->phrase.bits = 0;
}

/* prefix_add - account one item for both readings. `gap` says whether
 * CFWS separated it from the previous item. */
static void prefix_add(prefix *pf, const safeaddr__token *t, unsigned gap)
{
    const int is_word = t->kind == SAFEADDR__TK_ATOM ||
                        t->kind == SAFEADDR__TK_QUOTED;
    if (pf->items == 0)
        pf->first = t->start;
    pf->items++;
    pf->last_end = t->end;
    const unsigned cfws_inside = gap && pf->items > 1;
    /* Controls, 8-bit bytes and LENIENT recovery are rare: one test for
     * all of them (NONE is all ones, so the AND is NONE only if every
     * offset is). */
    const int unusual = (t->first_ctl & t->first_bad & t->first_susp) !=
                            SAFEADDR__NONE ||
                        t->has_8bit || t->recovered;

    pf->words += is_word;
    if (is_word && unusual) {
        /* phrase reading */
        if (t->first_ctl != SAFEADDR__NONE) {
            pend(&pf->phrase, SAFEADDR_D_OBS_CONTROL_BIT, t->first_ctl);
            pend(&pf->phrase, SAFEADDR_D_CONTROL_IN_NAME_BIT, t->first_ctl);
        }
        if (t->first_bad != SAFEADDR__NONE)
            pend(&pf->phrase, SAFEADDR_D_BAD_UTF8_TEXT_BIT, t->first_bad);
        if (t->has_8bit)
            pend(&pf->phrase, SAFEADDR_D_UTF8_TEXT_BIT, t->start);
        if (t->first_susp != SAFEADDR__NONE) {
            pend(&pf->phrase, SAFEADDR_D_SUSPICIOUS_UNICODE_BIT, t->first_susp);
            pend(&pf->addr, SAFEADDR_D_SUSPICIOUS_UNICODE_BIT, t->first_susp);
        }
        if (t->recovered) { /* SAFEADDR_LENIENT closed it at the end */
            pend(&pf->phrase, SAFEADDR_D_RECOVERED_QUOTE_BIT, t->end);
            pend(&pf->addr, SAFEADDR_D_RECOVERED_QUOTE_BIT, t->end);
        }
    }

    switch (t->kind) {
    case SAFEADDR__TK_ATOM:
    case SAFEADDR__TK_QUOTED:
        if (pf->side == SIDE_LOCAL) {
            /* obs-local-part = word *("." word): two words need a dot
             * (cfws-005 "us(comment)er@" is an error at "er") */
            if (pf->lstate == L_AFTER_WORD)
                strict(pf, SAFEADDR_E_EXPECTED_DOT, t->start);
            if (cfws_inside)
                pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
            if (t->kind == SAFEADDR__TK_QUOTED) {
                pf->local_quoted = 1;
                pend(&pf->addr, SAFEADDR_D_QUOTED_LOCAL_BIT, t->start);
            }
            /* controls and invalid UTF-8 are errors inside an address
             * (nul-control-009, sign-extension-007: never strip or mask) */
            if (unusual) {
                if (t->first_ctl != SAFEADDR__NONE)
                    strict(pf, SAFEADDR_E_CONTROL, t->first_ctl);
                if (t->first_bad != SAFEADDR__NONE)
                    strict(pf, SAFEADDR_E_BAD_UTF8, t->first_bad);
                if (t->has_8bit)
                    pend(&pf->addr, SAFEADDR_D_UTF8_LOCAL_BIT, t->start);
            }
            if (pf->local_start == SAFEADDR__NONE)
                pf->local_start = t->start;
            pf->local_end = t->end;
            pf->lstate = L_AFTER_WORD;
        } else {
            if (t->kind == SAFEADDR__TK_QUOTED)
                strict(pf, SAFEADDR_E_BAD_DOMAIN, t->start);
            else if (pf->dstate == D_AFTER_LABEL ||
                     pf->dstate == D_AFTER_LITERAL)
                strict(pf, SAFEADDR_E_TRAILING_JUNK, t->start); /* cfws-007 */
            if (gap)
                pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
            if (t->first_bad != SAFEADDR__NONE)
                strict(pf, SAFEADDR_E_BAD_UTF8, t->first_bad);
            if (t->has_8bit)
                pend(&pf->addr, SAFEADDR_D_UTF8_DOMAIN_BIT, t->start);
            if (pf->dom_start == SAFEADDR__NONE)
                pf->dom_start = t->start;
            pf->dom_end = t->end;
            pf->dstate = D_AFTER_LABEL;
        }
        break;
    case SAFEADDR__TK_LITERAL:
        pf->unquoted_at = 1; /* '[' ']' in a phrase: unquoted specials */
        pend(&pf->phrase, SAFEADDR_D_UNQUOTED_SPECIALS_BIT, t->start);
        if (pf->side == SIDE_LOCAL) {
            strict(pf, SAFEADDR_E_UNEXPECTED, t->start);
        } else {
            if (pf->dstate != D_EXPECT_LABEL)
                strict(pf, SAFEADDR_E_TRAILING_JUNK, t->start);
            if (gap)
                pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
            if (t->has_8bit)
                pend(&pf->addr, SAFEADDR_D_UTF8_DOMAIN_BIT, t->start);
            if (pf->dom_start == SAFEADDR__NONE)
                pf->dom_start = t->start;
            pf->dom_end = t->end;
            pf->dstate = D_AFTER_LITERAL;
        }
        break;
    case SAFEADDR__TK_SPECIAL:
        if (t->ch == '.') {
            /* RFC 5322 4.1 obs-phrase: "Mr. Smith", "Joe.Q.Public" */
            pend(&pf->phrase, SAFEADDR_D_OBS_PHRASE_BIT, t->start);
            if (pf->side == SIDE_LOCAL) {
                if (cfws_inside)
                    pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
                if (pf->lstate == L_EXPECT_WORD)
                    strict(pf, SAFEADDR_E_UNEXPECTED, t->start); /* dots-009 */
                else if (pf->lstate == L_AFTER_DOT)
                    pend(&pf->addr, SAFEADDR_D_OBS_LOCAL_DOTS_BIT, t->start);
                pf->lstate = L_AFTER_DOT;
                pf->local_end = t->end;
            } else {
                if (gap)
                    pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
                /* dots-005 "user@.example.com", dots-006 "example..com" */
                if (pf->dstate == D_EXPECT_LABEL || pf->dstate == D_AFTER_DOT)
                    strict(pf, SAFEADDR_E_EMPTY_LABEL, t->start);
                else if (pf->dstate == D_AFTER_LITERAL)
                    strict(pf, SAFEADDR_E_TRAILING_JUNK, t->start);
                pf->dstate = D_AFTER_DOT;
                pf->dom_end = t->end;
            }
        } else { /* '@' */
            pf->unquoted_at = 1;
            pend(&pf->phrase, SAFEADDR_D_UNQUOTED_SPECIALS_BIT, t->start);
            pend(&pf->phrase, SAFEADDR_D_ADDRESS_LIKE_NAME_BIT, t->start);
            if (pf->side == SIDE_LOCAL) {
                if (pf->lstate == L_EXPECT_WORD)
                    strict(pf, SAFEADDR_E_EMPTY_LOCAL, t->start); /* multi-at-007 */
                else if (pf->lstate == L_AFTER_DOT)
                    pend(&pf->addr, SAFEADDR_D_OBS_LOCAL_DOTS_BIT, t->start - 1);
                if (gap && pf->items > 1)
                    pend(&pf->addr, SAFEADDR_D_OBS_CFWS_IN_ADDR_BIT, t->start);
                pf->side = SIDE_DOMAIN;
                pf->dstate = D_EXPECT_LABEL;
            } else {
                strict(pf, SAFEADDR_E_SECOND_AT, t->start); /* CVE-2019-16056 */
            }
        }
        break;
    default:
        break;
    }
}

/* prefix_accepts_literal - a '[' opens a domain literal only right after
 * the '@'; anywhere else it is an error at the '[' itself (unbalanced-015:
 * "alice@example.org[<bob@example.org>" is rejected at the '['). */
static int prefix_accepts_literal(const prefix *pf)
{
    return pf->side == SIDE_DOMAIN && pf->dstate == D_EXPECT_LABEL;
}

/* addr_finish - end of the addr-spec reading at terminator offset tpos:
 * returns OK or the reading's error. */
static int addr_finish(safeaddr_iter *it, prefix *pf, size_t tpos,
                       int in_angle, safeaddr_error *err)
{
    if (pf->strict_code != SAFEADDR_OK) {
        /* "John Smith" then end: not a malformed local part but a display
         * name without its address */
        if (pf->side == SIDE_LOCAL && pf->strict_code == SAFEADDR_E_EXPECTED_DOT)
            return fail(err, SAFEADDR_E_EXPECTED_ADDRESS, tpos);
        return fail(err, pf->strict_code, pf->strict_off);
    }
    if (pf->items == 0)
        return fail(err, SAFEADDR_E_EXPECTED_ADDRESS, tpos);
    if (pf->side == SIDE_LOCAL) {
        if (pf->lstate == L_AFTER_DOT)
            pend(&pf->addr, SAFEADDR_D_OBS_LOCAL_DOTS_BIT, pf->local_end - 1);
        /* Unqualified local name. RFC 5322 3.4.1 requires "@domain", but
         * sendmail accepts "postmaster" (hostile multi-at-015), so a bare
         * dot-atom outside angle brackets is read with D_NO_DOMAIN. Inside
         * "<...>" or as a lone quoted string it looks like something else
         * gone wrong (a display name without its address): an error unless
         * SAFEADDR_LENIENT. SAFEADDR_REQUIRE_DOMAIN makes it always one. */
        if ((it->flags_ & SAFEADDR_REQUIRE_DOMAIN) ||
            it->production_ == SAFEADDR_ADDR_SPEC ||
            (!(it->flags_ & SAFEADDR_LENIENT) &&
             (in_angle || pf->local_quoted)))
            return fail(err, SAFEADDR_E_NO_DOMAIN, tpos);
        pend(&pf->addr, SAFEADDR_D_NO_DOMAIN_BIT, pf->local_start);
    } else {
        if (pf->dstate == D_EXPECT_LABEL)
            return fail(err, SAFEADDR_E_EMPTY_DOMAIN, tpos); /* multi-at-008 */
        if (pf->dstate == D_AFTER_DOT)
            pend(&pf->addr, SAFEADDR_D_DOMAIN_TRAILING_DOT_BIT, pf->dom_end - 1);
    }
    return SAFEADDR_OK;
}

static safeaddr_span span_at(const safeaddr_iter *it, size_t start, size_t end)
{
    safeaddr_span s;
    s.ptr = it->buf_ + start;
    s.len = end - start;
    return s;
}

/* fill_addr - spans of an accepted addr-spec reading */
static void fill_addr(safeaddr_iter *it, const prefix *pf, safeaddr_item *item)
{
    const size_t ls = pf->local_start, le = pf->local_end;
    item->local = span_at(it, ls, le);
    if (pf->side == SIDE_DOMAIN) {
        item->domain = span_at(it, pf->dom_start, pf->dom_end);
        item->addr_spec = span_at(it, ls, pf->dom_end);
    } else {
        item->domain = span_at(it, le, le);
        item->addr_spec = item->local;
    }
}

/* cfws_before - the CFWS before a token, out of line: most tokens have
 * none, and without the CFWS state on its stack next_token needs no frame
 * (token-dense input, such as a run of empty quoted strings, is a hostile
 * pattern whose cost is all per token). */
__attribute__((noinline)) static int cfws_before(safeaddr_iter *it,
                                                 safeaddr_item *item,
                                                 unsigned *gap,
                                                 size_t *comment_end,
                                                 safeaddr_error *err)
{
    safeaddr__cfws cf = SAFEADDR__CFWS_INIT;
    const int rc = safeaddr__skip_cfws(it, &cf, &item->diag, err);
    if (rc != SAFEADDR_OK)
        return rc;
    *gap = cf.white || cf.comment;
    if (cf.last_end != SAFEADDR__NONE)
        *comment_end = cf.last_end;
    return SAFEADDR_OK;
}

/* next_token - skip CFWS, then lex one token. *gap says whether CFWS was
 * skipped; *comment_end is updated with the end of the last comment. A
 * '[' is lexed as a literal unless refuse_literal, which is then the error
 * code to report at it. */
static inline __attribute__((always_inline)) int
next_token(safeaddr_iter *it, safeaddr_item *item, safeaddr__token *t,
           unsigned *gap, size_t *comment_end, int refuse_literal,
           safeaddr_error *err)
{
    *gap = 0;
    if (it->pos_ < it->len_ &&
        safeaddr__cfws_start((unsigned char)it->buf_[it->pos_])) {
        const int rc = cfws_before(it, item, gap, comment_end, err);
        if (rc != SAFEADDR_OK)
            return rc;
    }
    if (refuse_literal && it->pos_ < it->len_ && it->buf_[it->pos_] == '[')
        return fail(err, refuse_literal, it->pos_);
    return safeaddr__lex(it, t, err);
}

static int is_prefix_item(const safeaddr__token *t)
{
    return t->kind == SAFEADDR__TK_ATOM || t->kind == SAFEADDR__TK_QUOTED ||
           t->kind == SAFEADDR__TK_LITERAL ||
           (t->kind == SAFEADDR__TK_SPECIAL && (t->ch == '.' || t->ch == '@'));
}

/* phrase_run - once a prefix is past its second word with no dot between,
 * its addr-spec reading has failed for good (prefix_add's strict() calls
 * change nothing, and the address-side state - local_end, local_quoted,
 * the pending address diagnostics - is never read again: addr_finish
 * returns the strict error first). A further plain word then only adds to
 * the phrase: items, words, last_end. This loop takes such words in bulk.
 * A plain word is an ASCII atom or a quoted string whose first stop is its
 * closing quote (no escape, control, line break or 8-bit byte inside),
 * after nothing or one WSP run that no folding or comment follows.
 * Anything else stops the loop before its first byte (the WSP run before
 * it included) and the token-by-token reading takes it from there, so the
 * result is that reading's, byte for byte (tests/test_fast_paths.c). Why:
 * a phrase of thousands of words ("" "" "" ...) is a hostile pattern whose
 * cost is all per token. */
static void phrase_run(safeaddr_iter *it, prefix *pf)
{
    const char *b = it->buf_;
    const size_t len = it->len_;
    size_t pos = it->pos_;
    unsigned words = 0;
    for (;;) {
        size_t p = pos;
        if (p < len && (b[p] == ' ' || b[p] == '\t')) {
            p = safeaddr__next_stop(it, p + 1, SAFEADDR__STOP_NONWSP);
            if (p < len && safeaddr__cfws_start((unsigned char)b[p]))
                break;
        }
        if (p >= len)
            break;
        if (b[p] == '"') {
            const size_t q = safeaddr__next_stop(it, p + 1, SAFEADDR__STOP_QUOTED);
            if (q >= len || b[q] != '"')
                break;
            pos = q + 1;
        } else if (safeaddr__is_atext((unsigned char)b[p])) {
            const size_t e = safeaddr__next_stop(it, p, SAFEADDR__STOP_ATOM);
            /* 8-bit bytes, and a kernel the byte table disagrees with
             * (see lex_atom), are the token reader's */
            if (e < len && ((unsigned char)b[e] >= 0x80 ||
                            safeaddr__is_atext((unsigned char)b[e])))
                break;
            pos = e;
        } else {
            break;
        }
        words++;
    }
    if (words == 0)
        return;
    pf->items += words;
    pf->words += words;
    pf->last_end = pos;
    it->pos_ = pos;
}

/* collect - read prefix items until a terminator token, left in *t. */
static int collect(safeaddr_iter *it, safeaddr_item *item, prefix *pf,
                   safeaddr__token *t, size_t *comment_end,
                   safeaddr_error *err)
{
    for (;;) {
        if (pf->strict_code != SAFEADDR_OK && pf->side == SIDE_LOCAL &&
            pf->lstate == L_AFTER_WORD &&
            !(it->flags_ & SAFEADDR__FLAG_REFERENCE))
            phrase_run(it, pf);
        unsigned gap = 0;
        /* a '[' after a complete address is junk after it */
        const int refuse = prefix_accepts_literal(pf) ? 0
                           : (pf->side == SIDE_DOMAIN &&
                              pf->strict_code == SAFEADDR_OK)
                               ? SAFEADDR_E_TRAILING_JUNK
                               : SAFEADDR_E_UNEXPECTED;
        const int rc = next_token(it, item, t, &gap, comment_end, refuse, err);
        if (rc != SAFEADDR_OK)
            return rc;
        if (!is_prefix_item(t))
            return SAFEADDR_OK;
        prefix_add(pf, t, gap);
    }
}

/* parse_route - RFC 5322 4.4 obs-route inside an angle-addr:
 *   obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
 * followed by ':'. *t holds the first token ('@' or ','); on return *t is
 * the first token after the ':'. */
static int parse_route(safeaddr_iter *it, safeaddr_item *item,
                       safeaddr__token *t, size_t *comment_end,
                       safeaddr_error *err)
{
    const size_t route_start = t->start;
    unsigned hops = 0;
    unsigned gap = 0;
    for (;;) {
        if (t->kind == SAFEADDR__TK_SPECIAL && t->ch == ',') {
            /* empty element of the domain list: allowed by obs syntax */
        } else if (t->kind == SAFEADDR__TK_SPECIAL && t->ch == '@') {
            /* one hop: a domain of atoms and dots, or a literal */
            int state = D_EXPECT_LABEL;
            for (;;) {
                int rc = next_token(it, item, t, &gap, comment_end,
                                    state == D_EXPECT_LABEL
                                        ? 0 : SAFEADDR_E_BAD_ROUTE, err);
                if (rc != SAFEADDR_OK)
                    return rc;
                if (t->kind == SAFEADDR__TK_ATOM && state != D_AFTER_LABEL &&
                    state != D_AFTER_LITERAL) {
                    if (t->first_bad != SAFEADDR__NONE)
                        return fail(err, SAFEADDR_E_BAD_UTF8, t->first_bad);
                    state = D_AFTER_LABEL;
                } else if (t->kind == SAFEADDR__TK_LITERAL) {
                    state = D_AFTER_LITERAL;
                } else if (t->kind == SAFEADDR__TK_SPECIAL && t->ch == '.' &&
                           state == D_AFTER_LABEL) {
                    state = D_AFTER_DOT;
                } else {
                    break;
                }
            }
            if (state != D_AFTER_LABEL && state != D_AFTER_LITERAL)
                return fail(err, SAFEADDR_E_BAD_ROUTE, t->start);
            hops++;
            continue; /* *t is the token after the hop */
        } else if (t->kind == SAFEADDR__TK_SPECIAL && t->ch == ':' && hops) {
            item->route = span_at(it, route_start, t->start);
            /* trim CFWS between the last hop and ':' out of the span */
            while (item->route.len > 0 &&
                   (item->route.ptr[item->route.len - 1] == ' ' ||
                    item->route.ptr[item->route.len - 1] == '\t'))
                item->route.len--;
            safeaddr__diag(it, &item->diag, SAFEADDR_D_OBS_ROUTE_BIT,
                           route_start);
            return next_token(it, item, t, &gap, comment_end,
                              SAFEADDR_E_UNEXPECTED, err);
        } else if (t->kind == SAFEADDR__TK_END) {
            return fail(err, SAFEADDR_E_UNTERMINATED_ANGLE, it->len_);
        } else {
            return fail(err, SAFEADDR_E_BAD_ROUTE, t->start);
        }
        const int rc = next_token(it, item, t, &gap, comment_end,
                                  SAFEADDR_E_BAD_ROUTE, err);
        if (rc != SAFEADDR_OK)
            return rc;
    }
}

/* parse_angle - angle-addr = [CFWS] "<" [obs-route] addr-spec ">" [CFWS];
 * it->pos_ is just past the '<' at `open`. Angle brackets do not nest
 * (hostile nesting-006/007: no peeling of "<<<a@b>>>"). */
static int parse_angle(safeaddr_iter *it, safeaddr_item *item, size_t open,
                       size_t *comment_end, safeaddr_error *err)
{
    safeaddr__token t;
    unsigned gap = 0;
    int rc = next_token(it, item, &t, &gap, comment_end,
                        SAFEADDR_E_UNEXPECTED, err);
    if (rc != SAFEADDR_OK)
        return rc;
    if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '>') {
        /* "<>": the null reverse-path of bounces, not RFC 5322 header
         * syntax (multi-at-011) */
        item->angle = span_at(it, open, t.end);
        item->local = item->domain = item->addr_spec = span_at(it, t.start, t.start);
        safeaddr__diag(it, &item->diag, SAFEADDR_D_EMPTY_ADDRESS_BIT, open);
        return SAFEADDR_OK;
    }
    if (t.kind == SAFEADDR__TK_SPECIAL && (t.ch == '@' || t.ch == ',')) {
        /* "<@example.com>" is an empty local part, not a route */
        const size_t at = t.start;
        rc = parse_route(it, item, &t, comment_end, err);
        if (rc == SAFEADDR_E_BAD_ROUTE && t.kind == SAFEADDR__TK_SPECIAL &&
            t.ch == '>' && it->buf_[at] == '@')
            return fail(err, SAFEADDR_E_EMPTY_LOCAL, at);
        if (rc != SAFEADDR_OK)
            return rc;
    }
    prefix pf;
    prefix_init(&pf);
    if (is_prefix_item(&t)) {
        prefix_add(&pf, &t, 0);
        rc = collect(it, item, &pf, &t, comment_end, err);
        if (rc != SAFEADDR_OK)
            return rc;
    }
    size_t close_end;
    if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '>') {
        close_end = t.end;
    } else if (pf.strict_code != SAFEADDR_OK) {
        return fail(err, pf.strict_code, pf.strict_off);
    } else if (t.kind == SAFEADDR__TK_END && pf.items > 0 &&
               (it->flags_ & SAFEADDR_LENIENT)) {
        safeaddr__diag(it, &item->diag, SAFEADDR_D_RECOVERED_ANGLE_BIT,
                       it->len_);
        close_end = it->len_;
    } else if (t.kind == SAFEADDR__TK_END) {
        return fail(err, SAFEADDR_E_UNTERMINATED_ANGLE, it->len_);
    } else if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '<') {
        return fail(err, SAFEADDR_E_NESTED_ANGLE, t.start);
    } else if (pf.items == 0) {
        return fail(err, SAFEADDR_E_EXPECTED_ADDRESS, t.start); /* metachar-001 */
    } else {
        return fail(err, SAFEADDR_E_UNEXPECTED, t.start);
    }
    if (pf.items == 0)
        return fail(err, SAFEADDR_E_EXPECTED_ADDRESS, t.start); /* route-005 */
    rc = addr_finish(it, &pf, t.start, 1, err);
    if (rc != SAFEADDR_OK)
        return rc;
    flush(it, item, &pf.addr);
    fill_addr(it, &pf, item);
    item->angle = span_at(it, open, close_end);
    return SAFEADDR_OK;
}

/* is_grammar_error - errors of structure, as opposed to forbidden bytes
 * (NUL, line breaks, controls, invalid UTF-8) which are always reported
 * where they are. */
static int is_grammar_error(int code)
{
    switch (code) {
    case SAFEADDR_E_NUL: case SAFEADDR_E_BARE_CR: case SAFEADDR_E_BARE_LF:
    case SAFEADDR_E_LINE_BREAK: case SAFEADDR_E_CONTROL:
    case SAFEADDR_E_BAD_UTF8: case SAFEADDR_E_ESCAPED_LINE_BREAK:
    case SAFEADDR_E_COMMENT_TOO_DEEP: case SAFEADDR_E_UNTERMINATED_COMMENT:
    case SAFEADDR_E_UNTERMINATED_QUOTE: case SAFEADDR_E_UNTERMINATED_LITERAL:
        return 0;
    default:
        return 1;
    }
}

/* comma_then_display - look-ahead for SAFEADDR_LENIENT, it->pos_ just
 * past a ',': do words follow, then a '<', with no '@' or ',' on the way?
 * Reads with diagnostics muted and puts the position back. It never reads
 * past the next ',', so each byte is looked at at most twice (a look-ahead
 * across commas made "a b, c d, e f, ..." quadratic: found by
 * tests/check_linear.sh). */
static int comma_then_display(safeaddr_iter *it, safeaddr_item *item)
{
    const size_t save_pos = it->pos_, save_line = it->line_start_;
    const uint64_t save_diag = item->diag;
    safeaddr_error e;
    safeaddr__token t;
    size_t comment_end = 0;
    unsigned gap = 0, words = 0;
    int found = 0;
    it->mute_ = 1;
    for (;;) {
        if (next_token(it, item, &t, &gap, &comment_end, SAFEADDR_E_UNEXPECTED,
                       &e) != SAFEADDR_OK)
            break;
        if (t.kind == SAFEADDR__TK_ATOM || t.kind == SAFEADDR__TK_QUOTED) {
            words++;
            continue;
        }
        if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '.')
            continue;
        found = words > 0 && t.kind == SAFEADDR__TK_SPECIAL && t.ch == '<';
        break;
    }
    it->mute_ = 0;
    it->pos_ = save_pos;
    it->line_start_ = save_line;
    item->diag = save_diag;
    return found;
}

/* ------------------------------------------------------- fast path */

/* dot_atom_at - end of an ASCII dot-atom starting at p (RFC 5322 3.2.3:
 * atoms joined by single dots, no CFWS), or NONE. Atom runs are found
 * with the block masks, 64 bytes per step. */
static size_t dot_atom_at(safeaddr_iter *it, size_t p)
{
    for (;;) {
        const size_t e = safeaddr__next_stop(it, p, SAFEADDR__STOP_ATOM);
        if (e == p)
            return SAFEADDR__NONE;
        if (e < it->len_ && it->buf_[e] == '.') {
            p = e + 1;
            continue;
        }
        return e;
    }
}

/* fast_element_end - after a fast-path mailbox ending at p: a WSP run,
 * then ',' ';' or the end. Returns where that terminator is, or NONE when
 * something else follows (the general reading then takes the element). */
static inline size_t fast_element_end(safeaddr_iter *it, size_t p)
{
    const char *b = it->buf_;
    if (p < it->len_ && (b[p] == ' ' || b[p] == '\t'))
        p = safeaddr__next_stop(it, p, SAFEADDR__STOP_NONWSP);
    if (p < it->len_ && b[p] != ',' && b[p] != ';')
        return SAFEADDR__NONE;
    return p;
}

/* fast_mailbox - the shapes most header fields consist of:
 *     local@domain
 *     Display Name <local@domain>      "Quoted Name" <local@domain>    <>
 * with ASCII dot-atoms, plain quoted strings, single WSP runs, and then
 * WSP and ',' ';' or the end. Anything else - obsolete forms, comments,
 * folding, 8-bit bytes, escapes, every error - returns 0 with the position
 * untouched, and the general reading starts over from the same byte, so
 * the fast path never changes a result: it only skips work that these
 * shapes do not need (no diagnostics can arise in them, except the one
 * of "<>"). */
static int fast_mailbox(safeaddr_iter *it, safeaddr_item *item)
{
    const char *b = it->buf_;
    const size_t len = it->len_, start = it->pos_;
    size_t p = start, display_end = start, open = SAFEADDR__NONE, at;
    if (it->production_ != SAFEADDR_ADDR_SPEC && p < len && b[p] == '<') {
        if (p + 1 < len && b[p + 1] == '>') {
            /* "<>", as parse_angle reads it (lists of them are a hostile
             * pattern: their cost is all per element) */
            p = fast_element_end(it, p + 2);
            if (p == SAFEADDR__NONE)
                return 0;
            item->kind = SAFEADDR_ITEM_MAILBOX;
            item->local = item->domain = item->addr_spec =
                span_at(it, start + 1, start + 1);
            item->angle = span_at(it, start, start + 2);
            item->display = span_at(it, start, start);
            safeaddr__diag(it, &item->diag, SAFEADDR_D_EMPTY_ADDRESS_BIT, start);
            it->pos_ = p;
            return 1;
        }
        open = p++;
        at = dot_atom_at(it, p);
    } else {
        /* words until '<'; or, if the first atom runs into '.' or '@', the
         * local part (continued from there, never re-read) */
        for (;;) {
            const int quoted = p < len && b[p] == '"';
            if (quoted) {
                const size_t q =
                    safeaddr__next_stop(it, p + 1, SAFEADDR__STOP_QUOTED);
                if (q >= len || b[q] != '"')
                    return 0;
                p = q + 1;
            } else {
                const size_t e = safeaddr__next_stop(it, p, SAFEADDR__STOP_ATOM);
                if (e == p)
                    return 0;
                p = e;
            }
            if (display_end == start && !quoted && p < len &&
                (b[p] == '@' || b[p] == '.')) {
                at = b[p] == '@' ? p : dot_atom_at(it, p + 1);
                break;
            }
            display_end = p;
            if (p < len && (b[p] == ' ' || b[p] == '\t'))
                p = safeaddr__next_stop(it, p, SAFEADDR__STOP_NONWSP);
            if (it->production_ != SAFEADDR_ADDR_SPEC && p < len && b[p] == '<') {
                open = p++;
                at = dot_atom_at(it, p);
                break;
            }
            if (p == display_end)
                return 0; /* a word ran into something else */
        }
    }
    const size_t local = open != SAFEADDR__NONE ? open + 1 : start;
    if (at == SAFEADDR__NONE || at >= len || b[at] != '@')
        return 0;
    const size_t dom_end = dot_atom_at(it, at + 1);
    if (dom_end == SAFEADDR__NONE)
        return 0;
    p = dom_end;
    size_t end = dom_end;
    if (open != SAFEADDR__NONE) {
        if (p >= len || b[p] != '>')
            return 0;
        end = ++p;
    }
    p = fast_element_end(it, p);
    if (p == SAFEADDR__NONE)
        return 0;
    item->kind = SAFEADDR_ITEM_MAILBOX;
    item->local = span_at(it, local, at);
    item->domain = span_at(it, at + 1, dom_end);
    item->addr_spec = span_at(it, local, dom_end);
    if (open != SAFEADDR__NONE) {
        item->display = span_at(it, start, open == start ? start : display_end);
        item->angle = span_at(it, open, end);
    } else {
        item->display = item->angle = span_at(it, start, start);
    }
    it->pos_ = p;
    return 1;
}

/* ---------------------------------------------- element fast path */

/* The element fast path reads one whole list element from the masks of
 * the iterator's cached block: the element's structure, and check.c's
 * shape checks, come from bit operations on them instead of a scanner
 * call for every token and a second byte-by-byte walk for every check.
 * Positions here are offsets from the block's base (0..64); the masks are
 * read where they are cached, never copied. */
typedef struct {
    const char *b;      /* the block's first byte                          */
    const uint64_t *m;  /* its masks (it->masks_, SAFEADDR__STOP_*, _MASK_*) */
    size_t base;        /* the block's offset in the input                 */
    unsigned valid;     /* bytes of the input in the block (1..64)         */
    int at_end;         /* the block reaches the end of the input          */
    uint64_t sentinel;  /* the bit past the input's last byte, if in range */
} window;

/* Outcomes of the fast reading */
enum {
    FAST_NO = 0,    /* the general reading's                             */
    FAST_DONE = 1,  /* an item read                                      */
    FAST_SHORT = 2, /* ran out of block                                  */
    FAST_END = 3    /* the field is complete, with nothing to report     */
};

/* fast_element: how close to the end of the cached block an element may
 * start and still be read from it (see there). */
#define FAST_ROOM 32u

/* First set bit of m at or after r (r <= 64), or 64. */
static inline unsigned win_next(uint64_t m, unsigned r)
{
    if (r >= 64)
        return 64;
    m >>= r;
    return m ? r + (unsigned)__builtin_ctzll(m) : 64;
}

/* win_below[n]: bits [0, n), all 64 from n = 64 on. A table, not shifts:
 * x86-64's variable shifts take their count in CL and a range needs two
 * of them and a branch around the shift by 64 (UB); two loads from this
 * cache-resident table and an and-not do it without a branch. Indexed
 * modulo 128, so no argument can read outside it. */
#define WB1(n) ((n) >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << ((n) & 63)) - 1))
#define WB4(n) WB1(n), WB1((n) + 1), WB1((n) + 2), WB1((n) + 3)
#define WB16(n) WB4(n), WB4((n) + 4), WB4((n) + 8), WB4((n) + 12)
#define WB64(n) WB16(n), WB16((n) + 16), WB16((n) + 32), WB16((n) + 48)
static const uint64_t win_below[128] = {WB64(0), WB64(64)};
#undef WB1
#undef WB4
#undef WB16
#undef WB64

static inline uint64_t win_low(unsigned n) /* bits [0, n) */
{
    return win_below[n & 127];
}

/* Bits [a, b), 0 <= a <= b <= 64 (empty when a >= b). */
static inline uint64_t win_range(unsigned a, unsigned b)
{
    return win_below[b & 127] & ~win_below[a & 127];
}

/* The byte at r, or 0 past the block: the reading stops before it looks
 * past the block unless the block ends with the input, so 0 there stands
 * for "the end". */
static inline unsigned char win_byte(const window *w, unsigned r)
{
    return r < w->valid ? (unsigned char)w->b[r] : 0;
}

static inline int win_wsp(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* A reading that ran out of the block: at the end of the input the shape
 * is incomplete (the general reading names the error), otherwise it may
 * go on in the next block. */
static inline int win_out(const window *w)
{
    return w->at_end ? FAST_NO : FAST_SHORT;
}

/* The stop sets, with the end sentinel: runs stop where the input does. */
static inline uint64_t win_stop_atom(const window *w) /* not atext, not '.' */
{
    return (w->m[SAFEADDR__STOP_ATOM] & ~w->m[SAFEADDR__MASK_DOT]) |
           w->sentinel;
}

/* '\' controls 8-bit: what the quoted-string and comment stop sets have in
 * common, since '"' '(' ')' are distinct bytes */
static inline uint64_t win_odd(const window *w)
{
    return w->m[SAFEADDR__STOP_QUOTED] & w->m[SAFEADDR__STOP_COMMENT];
}

static inline void win_view(const safeaddr_iter *it, window *w)
{
    w->base = it->block_base_;
    w->b = it->buf_ + w->base;
    w->m = it->masks_;
    const size_t avail = it->len_ - w->base;
    w->at_end = avail <= 64;
    w->valid = w->at_end ? (unsigned)avail : 64;
    w->sentinel = w->valid < 64 ? (uint64_t)1 << w->valid : 0;
}

/* win_load - make the cache a block that starts at start, or, near the
 * end of the input, the input's last 64 bytes (no copy needed then). */
static void win_load(safeaddr_iter *it, size_t start)
{
    const size_t len = it->len_;
    safeaddr__load_block(it, len - start < 64 && len >= 64 ? len - 64 : start);
}

/* What win_dot_atom answers for a dot-atom that may run past the block
 * (64 is a position: the end of a block that ends with the input). */
#define WIN_PAST 65u

/* win_dot_atom - end of the ASCII dot-atom (RFC 5322 3.2.3: atoms joined
 * by single dots) starting at r, or 0 if there is none, or WIN_PAST. */
static inline __attribute__((always_inline)) unsigned
win_dot_atom(const window *w, unsigned r)
{
    if (r >= w->valid)
        return w->at_end ? 0 : WIN_PAST;
    const unsigned e = win_next(win_stop_atom(w), r);
    if (e >= w->valid && !w->at_end)
        return WIN_PAST;
    if (e == r)
        return 0;
    const uint64_t dots = w->m[SAFEADDR__MASK_DOT] & win_range(r, e);
    /* no leading, trailing or doubled dot (those are obs-local-part or
     * errors: the general reading's) */
    const uint64_t bad =
        (dots & ((uint64_t)1 << r)) | (dots >> (e - 1)) | (dots & (dots >> 1));
    return bad ? 0 : e;
}

/* win_literal - end of the domain literal whose '[' is at r (RFC 5322
 * 3.4.1: dtext and WSP up to ']', as the lexer's lex_literal reads it
 * when it meets no other stop), 0 if a quoted-pair, a control, an 8-bit
 * byte or a second '[' comes first (the general reading's), or
 * WIN_PAST. */
static inline unsigned win_literal(const window *w, unsigned r)
{
    const unsigned q =
        win_next(w->m[SAFEADDR__STOP_LITERAL] | w->sentinel, r + 1);
    if (q >= w->valid)
        return w->at_end ? 0 : WIN_PAST;
    return w->b[q] == ']' ? q + 1 : 0;
}

/* win_gap - the WSP and folds (CRLF WSP, RFC 5322 3.2.2) at *r, as the
 * general reading's CFWS skip takes them when they raise no diagnostic:
 * a fold after a line of more than 998 octets (D_LINE_TOO_LONG) or a line
 * of only WSP (D_OBS_FWS) is left to it. *line_start follows the folds. */
static inline int win_gap(const window *w, unsigned *rp, size_t *line_start)
{
    const uint64_t non_wsp = w->m[SAFEADDR__STOP_NONWSP] | w->sentinel;
    unsigned r = *rp;
    for (;;) {
        if (win_wsp(win_byte(w, r)))
            r = win_next(non_wsp, r);
        if (r >= w->valid || w->b[r] != '\r')
            break;
        if (r + 3 >= w->valid)
            return win_out(w);
        if (w->b[r + 1] != '\n' || !win_wsp((unsigned char)w->b[r + 2]) ||
            w->base + r - *line_start > 998)
            return FAST_NO;
        *line_start = w->base + r + 2;
        r = win_next(non_wsp, r + 3);
        if (r < w->valid && (w->b[r] == '\r' || w->b[r] == '\n'))
            return FAST_NO;
    }
    *rp = r;
    return FAST_DONE;
}

/* win_angle_gap - win_gap for the WSP and folds just inside '<' or before
 * '>' at *rp, if there are any; FAST_SHORT (or FAST_NO at the end of the
 * input) when they run to the end of the block. */
static inline int win_angle_gap(const window *w, unsigned *rp,
                                size_t *line_start)
{
    const unsigned r = *rp;
    if (r >= w->valid ||
        (w->b[r] != ' ' && w->b[r] != '\t' && w->b[r] != '\r'))
        return FAST_DONE;
    const int rc = win_gap(w, rp, line_start);
    return rc == FAST_DONE && *rp >= w->valid ? win_out(w) : rc;
}

/* win_comment - the end of the comment whose '(' is at r (RFC 5322 3.2.2:
 * ctext and nested comments, at most max_comment_depth deep, as the
 * lexer's skip_comment counts them), 0 if it holds a quoted-pair, a
 * control, an 8-bit byte or too deep a nesting (the general reading's),
 * or WIN_PAST. */
static unsigned win_comment(const safeaddr_iter *it, const window *w,
                            unsigned r)
{
    const uint64_t stop = w->m[SAFEADDR__STOP_COMMENT] | w->sentinel;
    uint32_t depth = 1; /* max_depth_ is at least 1 (safeaddr_iter_init) */
    for (unsigned q = r + 1;; q++) {
        q = win_next(stop, q);
        if (q >= w->valid)
            return w->at_end ? 0 : WIN_PAST;
        if (w->b[q] == '(') {
            if (depth >= it->max_depth_)
                return 0;
            depth++;
        } else if (w->b[q] == ')') {
            if (--depth == 0)
                return q + 1;
        } else {
            return 0;
        }
    }
}

/* win_atom - the end of the atom at r (RFC 5322 3.2.3 atext, and 8-bit
 * bytes as RFC 6532 3.2 allows), given e, the first byte at or after r
 * that is neither atext nor odd: a '\' or a control before e ends it
 * there. Its 8-bit bytes must be UTF-8 sequences of no suspicious code
 * point, as the lexer's note_8bit judges them; otherwise 0, for the
 * general reading. *has_8bit says whether there were any. */
static unsigned win_atom(const safeaddr_iter *it, const window *w, unsigned r,
                         unsigned e, int *has_8bit)
{
    uint64_t odd = win_odd(w) & win_range(r, e);
    *has_8bit = 0;
    while (odd) {
        const unsigned i = (unsigned)__builtin_ctzll(odd);
        const unsigned char *p = (const unsigned char *)w->b + i;
        if (*p < 0x80)
            return i; /* '\' or a control ends the atom */
        uint32_t cp = 0;
        const size_t seq =
            safeaddr__utf8_seq(p, it->len_ - (w->base + i), &cp);
        if (seq == 0 || safeaddr__suspicious_cp(cp))
            return 0;
        *has_8bit = 1;
        /* a valid sequence is all 8-bit bytes, so it ends inside [r, e) */
        odd &= ~win_range(i, i + (unsigned)seq);
    }
    return e;
}

/* What win_judge finds for check.c's rules, to be given out later in
 * check.c's order (win_emit), once the address may have left the block. */
enum {
    J_NONE = 0,          /* "<>": no address to judge                      */
    J_LOCAL_CHECK = 1,   /* '$' '`' '=' in the local part: check.c decides */
    J_METACHAR = 2,      /* D_LOCAL_METACHAR                               */
    J_DOMAIN_CHECK = 4,  /* not a plain host name: check.c decides         */
    J_NOT_HOSTNAME = 8,  /* D_DOMAIN_NOT_HOSTNAME (an all-digit top label)  */
    J_SINGLE_LABEL = 16, /* D_SINGLE_LABEL_DOMAIN                          */
    J_LOCAL_EQUALS = 32  /* a '=' but no '$' '`' in the local part: only
                            check_local's encoded-word look               */
};

/* win_judge_local, win_judge_domain, win_judge - check.c's local-part and
 * domain rules for the dot-atoms [ls, at) and (at, de) of the block, from
 * the masks (the two halves apart for an addr-spec read from two blocks:
 * fast_read). Anything out of the ordinary is left to check.c itself,
 * which then decides alone; what is left are the cases where the rules
 * reduce to bit tests. */
static inline __attribute__((always_inline)) unsigned
win_judge_local(const window *w, unsigned ls, unsigned at)
{
    const uint64_t *m = w->m;
    unsigned j = 0;
    /* Local part: a dot-atom, so at most 64 bytes and every byte atext or
     * '.'; only '$' '`' '=' need check.c's second look. */
    uint64_t expand = m[SAFEADDR__MASK_EXPAND] & win_range(ls, at);
    if (expand) {
        /* '$' '`' are metacharacters, '=' may start an encoded-word */
        j |= J_LOCAL_EQUALS;
        for (; expand; expand &= expand - 1)
            if (w->b[__builtin_ctzll(expand)] != '=')
                j = (j & ~J_LOCAL_EQUALS) | J_LOCAL_CHECK;
    }
    if (!(j & J_LOCAL_CHECK)) {
        const unsigned char first = (unsigned char)w->b[ls];
        if (first == '|' || first == '/' || first == '-') /* qmail rule 1 */
            j |= J_METACHAR;
    }
    return j;
}

/* win_judge_domain - the same for the domain (at, de), at the '@', added
 * to the local part's answer j. */
static inline __attribute__((always_inline)) unsigned
win_judge_domain(const window *w, unsigned at, unsigned de, unsigned j)
{
    const uint64_t *m = w->m;
    /* Domain: an ASCII dot-atom within 64 bytes, so no size limit can be
     * reached; a host name (RFC 1123 2.1) when every byte but the dots is
     * a letter, digit or hyphen and no label starts or ends with a
     * hyphen. */
    const unsigned ds = at + 1;
    const uint64_t dom = win_range(ds, de);
    const uint64_t dots = m[SAFEADDR__MASK_DOT] & dom;
    const uint64_t label_first = (((uint64_t)1 << ds) | (dots << 1)) & dom;
    const uint64_t label_last = (((uint64_t)1 << (de - 1)) | (dots >> 1)) & dom;
    if ((dom & ~dots & ~m[SAFEADDR__MASK_LDH]) ||
        (m[SAFEADDR__MASK_HYPHEN] & (label_first | label_last)))
        return j | J_DOMAIN_CHECK;
    /* the top label is the one after the last dot; all digits is an IP
     * address without brackets (ip-literal-005) */
    unsigned i = dots ? 64 - (unsigned)__builtin_clzll(dots) : ds;
    while (i < de && w->b[i] >= '0' && w->b[i] <= '9')
        i++;
    if (i == de)
        j |= J_NOT_HOSTNAME;
    if (dots == 0)
        j |= J_SINGLE_LABEL;
    return j;
}

static inline __attribute__((always_inline)) unsigned
win_judge(const window *w, unsigned ls, unsigned at, unsigned de)
{
    return win_judge_domain(w, at, de, win_judge_local(w, ls, at));
}

/* What check_display has to do for a fast-path display name */
enum {
    DISPLAY_ENCODED = 1,      /* a '=': look for an encoded-word           */
    DISPLAY_ADDRESS_LIKE = 2, /* a '@' '<' or '>' seen: D_ADDRESS_LIKE_NAME */
    DISPLAY_CHECK = 4         /* not known: check_display reads it all     */
};

/* win_emit - check.c's diagnostics for the item, in check.c's order and
 * with its offsets (the reference reading runs check.c on every element;
 * tests/test_fast_paths.c compares the two). */
static void win_emit(safeaddr_iter *it, safeaddr_item *item, unsigned j,
                     unsigned display)
{
    const size_t local = (size_t)(item->local.ptr - it->buf_);
    const size_t domain = (size_t)(item->domain.ptr - it->buf_);
    if (j == J_NONE)
        goto display;
    if (j & J_LOCAL_CHECK) {
        safeaddr__check_local(it, item);
    } else {
        /* check_local's order: the encoded-word look, then metachar */
        if ((j & J_LOCAL_EQUALS) && safeaddr__has_encoded_word(item->local))
            safeaddr__diag(it, &item->diag,
                           SAFEADDR_D_ENCODED_WORD_IN_ADDR_BIT, local);
        if (j & J_METACHAR)
            safeaddr__diag(it, &item->diag, SAFEADDR_D_LOCAL_METACHAR_BIT,
                           local);
    }
    if (j & J_DOMAIN_CHECK) {
        safeaddr__check_domain(it, item);
    } else {
        if (j & J_NOT_HOSTNAME)
            safeaddr__diag(it, &item->diag,
                           SAFEADDR_D_DOMAIN_NOT_HOSTNAME_BIT, domain);
        if (j & J_SINGLE_LABEL)
            safeaddr__diag(it, &item->diag,
                           SAFEADDR_D_SINGLE_LABEL_DOMAIN_BIT, domain);
    }
display:
    if (display & DISPLAY_CHECK) {
        safeaddr__check_display(it, item);
    } else {
        if (display & DISPLAY_ADDRESS_LIKE) /* check_display's first half */
            safeaddr__diag(it, &item->diag, SAFEADDR_D_ADDRESS_LIKE_NAME_BIT,
                           (size_t)(item->display.ptr - it->buf_));
        if (display & DISPLAY_ENCODED)
            safeaddr__check_display_encoded(it, item);
    }
}

/* win_move - when a reading runs out of the block, a block that starts at
 * abs, where the part that did not fit begins. 0 if that is where the
 * block starts already (the part is longer than a block): the general
 * reading's. Each move starts the block later, so a reading moves at most
 * once per 64 bytes it has read, plus once per part. */
static int win_move(safeaddr_iter *it, window *w, size_t abs)
{
    if (abs <= w->base)
        return 0;
    win_load(it, abs);
    win_view(it, w);
    return 1;
}

#define WIN_NONE SAFEADDR__NONE

/* phrase_diags - the phrase reading's diagnostics for a fast-path
 * display name, in bit order as flush() gives them; offsets are absolute,
 * SAFEADDR__NONE for none. */
static void phrase_diags(safeaddr_iter *it, safeaddr_item *item,
                         size_t first_dot, size_t first_8bit)
{
    if (first_dot != SAFEADDR__NONE)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_OBS_PHRASE_BIT, first_dot);
    if (first_8bit != SAFEADDR__NONE)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_UTF8_TEXT_BIT, first_8bit);
}

/* win_dots_ok - [x, y) is a dot-atom's extent (every byte atext or '.'):
 * not empty, and no leading, trailing or doubled dot (RFC 5322 3.2.3;
 * those are obs-local-part or errors, the general reading's). */
static inline __attribute__((always_inline)) int
win_dots_ok(const window *w, unsigned x, unsigned y)
{
    if (y <= x)
        return 0;
    const uint64_t dots = w->m[SAFEADDR__MASK_DOT] & win_range(x, y);
    return ((dots & ((uint64_t)1 << x)) | (dots >> (y - 1)) |
            (dots & (dots >> 1))) == 0;
}

/* win_addr_dots_ok - win_dots_ok for the local part [ls, at) and the
 * domain [at + 1, de) of an addr-spec at once: '@' at `at` is no dot, so
 * no doubled dot can span it, and the four ends are tested together. */
static inline __attribute__((always_inline)) int
win_addr_dots_ok(const window *w, unsigned ls, unsigned at, unsigned de)
{
    if (at <= ls || de <= at + 1)
        return 0;
    const uint64_t dots = w->m[SAFEADDR__MASK_DOT] & win_range(ls, de);
    const uint64_t ends = ((uint64_t)1 << ls) | ((uint64_t)1 << (at - 1)) |
                          ((uint64_t)1 << (at + 1)) | ((uint64_t)1 << (de - 1));
    return ((dots & ends) | (dots & (dots >> 1))) == 0;
}

/* fast_quiet_end - whether field_end would have nothing to say: no open
 * group, no trailing ',' (D_OBS_EMPTY_ELEMENT), an element seen
 * (D_NO_ADDRESSES), the last line within 998 octets (D_LINE_TOO_LONG).
 * A list production's field with an element is never empty (the error
 * of the single productions). */
static inline int fast_quiet_end(const safeaddr_iter *it, size_t line_start)
{
    return it->group_ == SAFEADDR_NO_GROUP && !it->sep_ &&
           it->elements_ != 0 && it->len_ - line_start <= 998;
}

/* fast_last - after an element that ends the input: if the end has
 * nothing to say, the next call answers END at once (safeaddr_next). */
static inline void fast_last(safeaddr_iter *it)
{
    if (it->pos_ >= it->len_ && fast_quiet_end(it, it->line_start_))
        it->state_ = SAFEADDR__ST_LAST;
}

/* fast_simple - the two shapes most elements have, read from the masks
 * alone when the whole element is in the block:
 *     local@domain                      dot-atoms
 *     Display Name <local@domain>       atoms, dots and WSP; dot-atoms
 * then WSP and ',' ';' or the end. The stops (bytes neither atext nor
 * '.') of such an element are, in order: WSP inside the display name,
 * '<', '@', '>', WSP, the terminator; any other byte is a stop where one
 * of those is expected, and the answer is FAST_NO (fast_read, which reads
 * more shapes, then tries). Nothing is changed unless FAST_DONE. */
static inline __attribute__((always_inline)) int
fast_simple(safeaddr_iter *it, safeaddr_item *item, const window *w,
            size_t pos0, unsigned s, size_t line_start)
{
    const uint64_t *m = w->m;
    const char *b = w->b;
    const uint64_t valid = win_low(w->valid);
    const uint64_t wsp = ~m[SAFEADDR__STOP_NONWSP] & valid;
    const uint64_t stops = (m[SAFEADDR__STOP_ATOM] & ~m[SAFEADDR__MASK_DOT]) |
                           w->sentinel;
    unsigned ls, at, de, end, display_end = s, first_dot = 64, open = 64;
    unsigned t, quoted = 0;
    int empty_angle = 0;
    if (b[s] == '"') {
        /* a quoted display name without quoted-pairs, then WSP and '<' */
        const unsigned q = win_next(m[SAFEADDR__STOP_QUOTED] | w->sentinel,
                                    s + 1);
        if (q >= w->valid)
            return w->at_end ? FAST_NO : FAST_SHORT;
        if (b[q] != '"')
            return FAST_NO;
        display_end = t = q + 1;
        if (win_wsp(win_byte(w, t)))
            t = win_next(m[SAFEADDR__STOP_NONWSP] | w->sentinel, t);
        if (t >= w->valid)
            return w->at_end ? FAST_NO : FAST_SHORT;
        if (b[t] != '<')
            return FAST_NO;
        quoted = 1;
    } else {
        /* the first stop after s that is not WSP (at the end of the input
         * the sentinel stops) */
        const uint64_t hard = stops & ~wsp & ~win_low(s);
        if (!hard)
            return FAST_SHORT;
        t = (unsigned)__builtin_ctzll(hard);
    }
    const unsigned char c = win_byte(w, t);
    if (c == '@') {
        /* local@domain: no WSP before the '@' */
        if (wsp & win_range(s, t))
            return FAST_NO;
        ls = s;
        at = t;
    } else if (c == '<') {
        if (t > s && !quoted) {
            /* the display name ends at its last byte that is not WSP */
            display_end =
                64 - (unsigned)__builtin_clzll(~wsp & win_range(s, t));
            const uint64_t dots =
                m[SAFEADDR__MASK_DOT] & win_range(s, display_end);
            /* obs-phrase; the first byte is atext (fast_element), never a
             * dot */
            if (dots)
                first_dot = (unsigned)__builtin_ctzll(dots);
        }
        open = t;
        ls = t + 1;
        const uint64_t next = stops & ~win_low(ls);
        if (!next)
            return FAST_SHORT;
        at = (unsigned)__builtin_ctzll(next);
        if (win_byte(w, at) != '@') {
            if (at != ls || win_byte(w, at) != '>')
                return FAST_NO;
            empty_angle = 1; /* "<>" */
        }
    } else {
        return FAST_NO;
    }
    if (empty_angle) {
        de = at; /* the '>': empty local part and domain */
    } else {
        const uint64_t after_at = stops & ~win_low(at + 1);
        if (after_at)
            de = (unsigned)__builtin_ctzll(after_at);
        else if (w->at_end)
            de = w->valid; /* a block of the input's last 64 bytes: no
                              sentinel bit, the domain ends the input */
        else
            return FAST_SHORT;
        if (!win_addr_dots_ok(w, ls, at, de))
            return FAST_NO;
    }
    end = de;
    if (open != 64) {
        if (win_byte(w, de) != '>')
            return FAST_NO;
        end = de + 1;
    }
    /* WSP, then the terminator */
    unsigned r = end;
    if (r < w->valid && win_wsp((unsigned char)b[r]))
        r = win_next(m[SAFEADDR__STOP_NONWSP] | w->sentinel, r);
    int comma = 0, last = 0;
    if (r >= w->valid) {
        if (!w->at_end)
            return FAST_SHORT;
        r = w->valid;
        last = 1;
    } else if (b[r] == ',') {
        comma = 1;
    } else if (b[r] != ';' || it->group_ == SAFEADDR_NO_GROUP) {
        return FAST_NO;
    }
    /* the element is read: fill the item as the general path does (the
     * judging below cannot fail, and with the positions written out first
     * fewer of them stay live through it) */
    const size_t base = w->base;
    item->kind = SAFEADDR_ITEM_MAILBOX;
    item->group = it->group_;
    item->diag = 0;
    item->route = span_at(it, pos0, pos0);
    item->source = span_at(it, base + s, base + end);
    item->local = span_at(it, base + ls, base + at);
    item->domain = span_at(it, base + at + !empty_angle, base + de);
    item->addr_spec = span_at(it, base + ls, base + de);
    if (open != 64) {
        item->display = span_at(it, base + s, base + display_end);
        item->angle = span_at(it, base + open, base + end);
    } else {
        item->display = item->angle = span_at(it, base + s, base + s);
    }
    it->line_start_ = line_start;
    it->pos_ = base + r + (unsigned)comma;
    it->sep_ = (uint32_t)comma;
    it->mailboxes_++;
    it->elements_++;
    if (empty_angle) /* the null reverse-path (parse_angle) */
        safeaddr__diag(it, &item->diag, SAFEADDR_D_EMPTY_ADDRESS_BIT,
                       base + open);
    phrase_diags(it, item, first_dot != 64 ? base + first_dot : WIN_NONE,
                 WIN_NONE);
    /* check_display: atoms cannot hold '@' '<' '>', and an encoded-word
     * needs a '='; a quoted name's specials are looked at one by one (a
     * few: SP, ',' '.') */
    unsigned display = 0;
    if (display_end > s) {
        const uint64_t name = win_range(s, display_end);
        if (m[SAFEADDR__MASK_EXPAND] & name)
            display = DISPLAY_ENCODED;
        if (quoted) {
            uint64_t sp = m[SAFEADDR__STOP_ATOM] & name;
            while (sp) {
                const unsigned char x = (unsigned char)b[__builtin_ctzll(sp)];
                sp &= sp - 1;
                if (x == '@' || x == '<' || x == '>') {
                    display |= DISPLAY_ADDRESS_LIKE;
                    break;
                }
            }
        }
    }
    const unsigned judged = empty_angle ? J_NONE : win_judge(w, ls, at, de);
    if (judged || display)
        win_emit(it, item, judged, display);
    if (last)
        fast_last(it);
    return FAST_DONE;
}

/* win_local - end of a local part's dot-atom at r whose atoms may hold
 * UTF-8 (RFC 6532 3.2), as win_dot_atom answers; *first_8bit gets the
 * offset of the first atom with an 8-bit byte (where the token reader
 * puts D_UTF8_LOCAL), or stays. Invalid or suspicious sequences, and
 * '\' or controls, end the reading (0): the general reading's. */
static unsigned win_local(const safeaddr_iter *it, const window *w,
                          unsigned r, size_t *first_8bit)
{
    const uint64_t *m = w->m;
    if (r >= w->valid)
        return w->at_end ? 0 : WIN_PAST;
    const uint64_t odd = win_odd(w);
    unsigned e = win_next(
        (m[SAFEADDR__STOP_ATOM] & ~m[SAFEADDR__MASK_DOT] & ~odd) | w->sentinel,
        r);
    if (e >= w->valid && !w->at_end)
        return WIN_PAST;
    if (odd & win_range(r, e)) {
        int has_8bit = 0;
        e = win_atom(it, w, r, e, &has_8bit);
        if (e <= r)
            return 0;
        if (has_8bit) {
            const unsigned h = (unsigned)__builtin_ctzll(odd & win_range(r, e));
            const uint64_t before = m[SAFEADDR__MASK_DOT] & win_range(r, h);
            *first_8bit = w->base +
                (before ? 64 - (unsigned)__builtin_clzll(before) : r);
        }
    }
    if (e == r)
        return 0;
    return win_dots_ok(w, r, e) ? e : 0;
}

static void item_clear(safeaddr_iter *it, safeaddr_item *item, size_t at);

/* group_opened - the iterator's bookkeeping for the GROUP_START item just
 * read: members follow the ':' directly. */
static void group_opened(safeaddr_iter *it, safeaddr_item *item)
{
    it->group_ = it->groups_seen_++;
    it->group_name_ = item->display;
    item->group = it->group_;
    it->elements_++;
    it->sep_ = 0;
}

/* fast_group_start - the phrase [start, display_end) and the ':' at
 * colon start a group (RFC 5322 3.4 group = display-name ":"), as
 * parse_element and safeaddr_next take one; FAST_NO where they would not
 * (only address-lists have groups, groups do not nest). */
static int fast_group_start(safeaddr_iter *it, safeaddr_item *item,
                            size_t pos0, size_t start, size_t display_end,
                            size_t colon, size_t first_dot, size_t first_8bit,
                            size_t line_start)
{
    if (it->production_ != SAFEADDR_ADDRESS_LIST ||
        it->group_ != SAFEADDR_NO_GROUP)
        return FAST_NO;
    item_clear(it, item, pos0);
    item->kind = SAFEADDR_ITEM_GROUP_START;
    item->display = span_at(it, start, display_end);
    item->source = span_at(it, start, colon + 1);
    phrase_diags(it, item, first_dot, first_8bit);
    it->line_start_ = line_start;
    it->pos_ = colon + 1;
    group_opened(it, item);
    return FAST_DONE;
}

/* fast_group_end - a ';' at p closing the open group, then WSP and ','
 * or the end, as safeaddr_next takes it; FAST_NO for anything else. */
static int fast_group_end(safeaddr_iter *it, safeaddr_item *item, size_t pos0,
                          size_t p, size_t line_start)
{
    const char *b = it->buf_;
    const size_t len = it->len_;
    size_t q = p + 1;
    while (q < len && win_wsp((unsigned char)b[q]))
        q++;
    if (it->group_ == SAFEADDR_NO_GROUP || (q < len && b[q] != ','))
        return FAST_NO;
    item_clear(it, item, pos0);
    item->kind = SAFEADDR_ITEM_GROUP_END;
    item->group = it->group_;
    item->display = it->group_name_;
    item->source = span_at(it, p, p + 1);
    it->group_ = SAFEADDR_NO_GROUP;
    it->line_start_ = line_start;
    if (it->sep_) /* "g: a@b, ;" */
        safeaddr__diag(it, NULL, SAFEADDR_D_OBS_EMPTY_ELEMENT_BIT, p);
    it->sep_ = q < len;
    it->pos_ = q < len ? q + 1 : q;
    return FAST_DONE;
}

/* fast_read - fast_element's reading of the element at offset start:
 * FAST_DONE with the item filled and the iterator advanced, FAST_NO for a
 * shape it leaves to the general reading, which then starts over from
 * the same byte. Nothing but the block cache changes unless FAST_DONE.
 * The element is read in three parts - the display name, the address,
 * what follows it - and the block moves to the part that did not fit. */
static inline __attribute__((always_inline)) int
fast_read(safeaddr_iter *it, safeaddr_item *item, window *w, size_t pos0,
          size_t start, size_t line_start)
{
    /* every offset kept across a move of the block is absolute */
    size_t display_end = start, open = WIN_NONE, first_dot = WIN_NONE;
    size_t first_8bit = WIN_NONE, comment = WIN_NONE;
    size_t local, at_abs, dom_end, end;
    size_t local_8bit = WIN_NONE; /* first local atom with UTF-8 */
    size_t route = WIN_NONE, route_end = WIN_NONE; /* obs-route's hops */
    int quoted_display = 0, display_expand = 0, empty_angle = 0, rc;
    int local_quoted = 0, comment_in_display = 0;
    /* comments between the words of the display name, in order: the token
     * reader gives their diagnostics first, as it skips them */
    size_t phrase_comment[2];
    unsigned phrase_comments = 0;
    unsigned r = (unsigned)(start - w->base), judged = 0;

    /* ---- the display name, or the first atom of an addr-spec */
    if (w->b[r] == '<') {
        open = start;
    } else {
        int after_dot = 0;
        for (int first = 1;; first = 0) {
            const size_t item_start = w->base + r;
            /* a comment between words lies inside the display name, which
             * check_display then reads whole */
            comment_in_display |= phrase_comments != 0;
            int got = 0;
            for (;;) { /* one item; again from a moved block if short */
                const uint64_t *m = w->m;
                const char *b = w->b;
                rc = FAST_SHORT;
                if (r >= w->valid) {
                    rc = win_out(w);
                } else if (b[r] == '"') {
                    const uint64_t stop_quote =
                        m[SAFEADDR__STOP_QUOTED] | w->sentinel;
                    unsigned q = r + 1;
                    for (;;) {
                        q = win_next(stop_quote, q);
                        if (q >= w->valid) {
                            rc = win_out(w);
                            break;
                        }
                        if (b[q] == '"') {
                            rc = FAST_DONE;
                            break;
                        }
                        if (b[q] != '\\' ) {
                            rc = FAST_NO; /* controls, 8-bit */
                            break;
                        }
                        if (q + 1 >= w->valid) {
                            rc = win_out(w);
                            break;
                        }
                        const unsigned char e = (unsigned char)b[q + 1];
                        if (e < 0x20 || e > 0x7E) {
                            rc = FAST_NO; /* obs-qp, escaped line breaks */
                            break;
                        }
                        q += 2;
                    }
                    if (rc == FAST_DONE) {
                        if (first && win_byte(w, q + 1) == '@') {
                            local = start; /* a quoted local part */
                            goto address;
                        }
                        r = q + 1;
                        quoted_display = 1;
                        after_dot = 0;
                        got = 1;
                    }
                } else if (b[r] == '.' && !first) {
                    if (first_dot == WIN_NONE)
                        first_dot = w->base + r;
                    while (win_byte(w, r) == '.')
                        r++;
                    if (r < w->valid || w->at_end) {
                        after_dot = 1;
                        got = 1;
                    }
                } else {
                    /* an atom: atext, and 8-bit bytes judged by win_atom */
                    const uint64_t odd = win_odd(w);
                    unsigned e = win_next(
                        (m[SAFEADDR__STOP_ATOM] & ~odd) | w->sentinel, r);
                    if (e < w->valid || w->at_end) {
                        int has_8bit = 0;
                        if (odd & win_range(r, e))
                            e = win_atom(it, w, r, e, &has_8bit);
                        if (e <= r)
                            return FAST_NO;
                        const unsigned char c = win_byte(w, e);
                        if (first && (c == '@' || c == '.')) {
                            local = start;
                            goto address;
                        }
                        if (has_8bit && first_8bit == WIN_NONE)
                            first_8bit = w->base + r;
                        display_expand |=
                            (m[SAFEADDR__MASK_EXPAND] & win_range(r, e)) != 0;
                        r = e;
                        after_dot = 0;
                        got = 1;
                    }
                }
                if (got)
                    break;
                if (rc == FAST_NO || !win_move(it, w, item_start))
                    return FAST_NO;
                r = (unsigned)(item_start - w->base);
            }
            display_end = w->base + r;
            const size_t line_before = line_start;
            const unsigned comments_before = phrase_comments;
            for (;;) { /* the WSP, folds and comments after it */
                line_start = line_before;
                phrase_comments = comments_before;
                rc = win_gap(w, &r, &line_start);
                while (rc == FAST_DONE && r < w->valid && w->b[r] == '(') {
                    const unsigned ce = win_comment(it, w, r);
                    if (ce == 0 || phrase_comments == 2) {
                        rc = FAST_NO;
                    } else if (ce == WIN_PAST) {
                        rc = FAST_SHORT;
                    } else {
                        phrase_comment[phrase_comments++] = w->base + r;
                        r = ce;
                        rc = win_gap(w, &r, &line_start);
                    }
                }
                if (rc == FAST_DONE && r >= w->valid)
                    rc = win_out(w);
                if (rc == FAST_DONE)
                    break;
                if (rc == FAST_NO || !win_move(it, w, display_end))
                    return FAST_NO;
                r = (unsigned)(display_end - w->base);
            }
            if (w->b[r] == '<') {
                open = w->base + r;
                break;
            }
            if (w->b[r] == ':' && phrase_comments == 0)
                return fast_group_start(it, item, pos0, start, display_end,
                                        w->base + r, first_dot, first_8bit,
                                        line_start);
            /* items may touch only at a dot ("J.Smith"); other neighbours
             * are the general reading's */
            if (w->base + r == display_end && !after_dot && w->b[r] != '.')
                return FAST_NO;
        }
    }
    local = open + 1;

address:;
    /* ---- the address: dot-atom '@' dot-atom, in angle brackets if open,
     * with WSP and folds inside them ("<  a@b.c  >", obs-angle-addr's
     * CFWS: no diagnostic); from a moved block once if it does not fit */
    const size_t line_address = line_start;
    for (int moved = 0;; moved = 1) {
        unsigned at = 0, de = 0, e = 0, local_judged = 0;
        int split = 0, literal = 0;
        rc = FAST_DONE;
        line_start = line_address;
        if (open != WIN_NONE) {
            unsigned q = (unsigned)(open + 1 - w->base);
            rc = win_angle_gap(w, &q, &line_start);
            if (rc == FAST_NO)
                return FAST_NO;
            /* an obsolete route, "<@r1.example,@r2.example:a@b.c>"
             * (RFC 5322 4.4 obs-route): hops of ASCII dot-atoms, no
             * CFWS, no empty elements; the rest is the token reader's */
            route = WIN_NONE;
            if (rc == FAST_DONE && q < w->valid && w->b[q] == '@') {
                const unsigned first_hop = q;
                for (;;) {
                    const unsigned d = win_dot_atom(w, q + 1);
                    if (d == WIN_PAST || (d != 0 && d >= w->valid)) {
                        rc = win_out(w);
                        break;
                    }
                    if (d == 0)
                        return FAST_NO;
                    if (w->b[d] == ':') {
                        route = w->base + first_hop;
                        route_end = w->base + d;
                        q = d + 1;
                        break;
                    }
                    if (w->b[d] == ',' && d + 1 >= w->valid) {
                        rc = win_out(w);
                        break;
                    }
                    if (w->b[d] != ',' || w->b[d + 1] != '@')
                        return FAST_NO;
                    q = d + 1;
                }
                if (rc == FAST_NO)
                    return FAST_NO;
            }
            local = w->base + q;
        }
        const unsigned ls = (unsigned)(local - w->base);
        if (rc != FAST_DONE) {
            /* the gap after '<' or the route ran out of the block: a move
             * to '<' */
        } else if (open != WIN_NONE && win_byte(w, ls) == '>' &&
                   local - open == 1) {
            empty_angle = 1; /* "<>": empty spans after the '<' */
            at = de = e = ls;
        } else {
            local_quoted = 0;
            local_8bit = WIN_NONE;
            if (win_byte(w, ls) == '"') {
                /* a quoted local part: printable quoted-pairs, no 8-bit
                 * byte or control; then directly '@' */
                const uint64_t stop_quote =
                    w->m[SAFEADDR__STOP_QUOTED] | w->sentinel;
                unsigned q = ls + 1;
                for (;;) {
                    q = win_next(stop_quote, q);
                    if (q >= w->valid || w->b[q] == '"')
                        break;
                    if (w->b[q] != '\\')
                        return FAST_NO; /* controls, 8-bit */
                    if (q + 1 >= w->valid) {
                        q = w->valid; /* the pair may go on past the block */
                        break;
                    }
                    const unsigned char x = (unsigned char)w->b[q + 1];
                    if (x < 0x20 || x > 0x7E)
                        return FAST_NO; /* obs-qp, escaped line breaks */
                    q += 2;
                }
                at = q >= w->valid ? (w->at_end ? 0 : WIN_PAST) : q + 1;
                local_quoted = 1;
            } else {
                at = win_local(it, w, ls, &local_8bit);
            }
            if (at == WIN_PAST)
                rc = FAST_SHORT;
            else if (at == 0 || win_byte(w, at) != '@')
                return at >= w->valid && !w->at_end ? FAST_SHORT : FAST_NO;
            else if (win_byte(w, at + 1) == '[') {
                /* a domain literal: check.c judges it */
                de = win_literal(w, at + 1);
                if (de == WIN_PAST)
                    rc = FAST_SHORT;
                else if (de == 0)
                    return FAST_NO;
                literal = 1;
            } else if ((de = win_dot_atom(w, at + 1)) == WIN_PAST) {
                if (!moved && (open != WIN_NONE ? open : local) > w->base) {
                    rc = FAST_SHORT; /* first a block from the address */
                } else {
                    /* the addr-spec is longer than what is left of a block
                     * that starts at it (long VERP and SRS local parts):
                     * the local part is judged here, the domain read from
                     * a block that starts at the '@' */
                    local_judged = win_judge_local(w, ls, at);
                    const size_t at_here = w->base + at;
                    if (!win_move(it, w, at_here))
                        return FAST_NO;
                    /* near the end of the input the block is its last 64
                     * bytes, which start before the '@' (win_load) */
                    at = (unsigned)(at_here - w->base);
                    de = win_dot_atom(w, at + 1);
                    if (de == 0 || de == WIN_PAST)
                        return FAST_NO;
                    split = 1;
                }
            } else if (de == 0) {
                return FAST_NO;
            }
            e = de;
        }
        /* e < valid, or the block ends with the input (win_dot_atom
         * answers WIN_PAST otherwise) */
        if (rc == FAST_DONE && open != WIN_NONE) {
            rc = win_angle_gap(w, &e, &line_start);
            if (rc == FAST_NO)
                return FAST_NO;
            if (rc == FAST_DONE) {
                if (win_byte(w, e) != '>')
                    return FAST_NO;
                e++;
            }
        }
        if (rc == FAST_DONE) {
            if (!empty_angle) {
                judged = split     ? win_judge_domain(w, at, de, local_judged)
                         : literal ? win_judge_local(w, ls, at) | J_DOMAIN_CHECK
                                   : win_judge(w, ls, at, de);
                if (local_quoted || local_8bit != WIN_NONE)
                    judged = (judged & ~(J_METACHAR | J_LOCAL_EQUALS)) |
                             J_LOCAL_CHECK;
            }
            at_abs = w->base + at;
            dom_end = w->base + de;
            end = w->base + e;
            r = e;
            break;
        }
        if (moved ||
            !win_move(it, w, open != WIN_NONE ? open : local))
            return FAST_NO;
    }

    /* ---- after it: WSP and folds, one plain comment ("a@b.c (Name)":
     * no nesting, quoted-pair, control or 8-bit byte in it), WSP and
     * folds, then ',' ';' or the end; from a moved block once */
    size_t source_end = end;
    const size_t line_before = line_start;
    for (int moved = 0;; moved = 1) {
        line_start = line_before;
        rc = win_gap(w, &r, &line_start);
        if (rc == FAST_DONE && r < w->valid && w->b[r] == '(') {
            const unsigned ce = win_comment(it, w, r);
            if (ce == 0)
                return FAST_NO;
            if (ce == WIN_PAST) {
                rc = FAST_SHORT;
            } else {
                comment = w->base + r;
                r = ce;
                source_end = w->base + r; /* part of the element's source */
                rc = win_gap(w, &r, &line_start);
            }
        }
        if (rc == FAST_DONE && r >= w->valid && !w->at_end)
            rc = FAST_SHORT;
        if (rc == FAST_DONE)
            break;
        if (rc == FAST_NO || moved || !win_move(it, w, end))
            return FAST_NO;
        r = (unsigned)(end - w->base);
        comment = WIN_NONE;
        source_end = end;
    }
    /* r < valid, or the block ends with the input and so does the field */
    const size_t term = w->base + (r < w->valid ? r : w->valid);
    const int comma = r < w->valid && w->b[r] == ',';
    if (r < w->valid && !comma) {
        if (w->b[r] != ';')
            return FAST_NO;
        if (it->group_ == SAFEADDR_NO_GROUP)
            return FAST_NO; /* E_SEMICOLON: the general path's */
    }

    /* the element is read: fill the item as the general path does */
    item->kind = SAFEADDR_ITEM_MAILBOX;
    item->group = it->group_;
    item->diag = 0;
    item->route = route != WIN_NONE ? span_at(it, route, route_end)
                                     : span_at(it, pos0, pos0);
    item->source = span_at(it, start, source_end);
    item->local = span_at(it, local, empty_angle ? local : at_abs);
    item->domain = span_at(it, empty_angle ? local : at_abs + 1,
                           empty_angle ? local : dom_end);
    item->addr_spec = span_at(it, local, empty_angle ? local : dom_end);
    if (open != WIN_NONE) {
        item->display = span_at(it, start, display_end);
        item->angle = span_at(it, open, end);
    } else {
        item->display = item->angle = span_at(it, start, start);
    }
    it->line_start_ = line_start;
    it->sep_ = 0;
    it->pos_ = term;
    if (comma) {
        it->pos_++;
        it->sep_ = 1;
    }
    it->mailboxes_++;
    it->elements_++;
    for (unsigned i = 0; i < phrase_comments; i++)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_COMMENT_BIT,
                       phrase_comment[i]);
    /* "<>", the null reverse-path (parse_angle); then the phrase
     * reading's diagnostics, in bit order as flush() gives them; then a
     * trailing comment's (collect or after_element); then check.c's */
    if (empty_angle)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_EMPTY_ADDRESS_BIT, open);
    if (route != WIN_NONE) /* parse_route */
        safeaddr__diag(it, &item->diag, SAFEADDR_D_OBS_ROUTE_BIT, route);
    /* the address reading's (flush() in bit order): in an angle-addr
     * before the phrase's (parse_angle), in an addr-spec after a trailing
     * comment (seen inside collect) */
    if (open == WIN_NONE && comment != WIN_NONE) {
        safeaddr__diag(it, &item->diag, SAFEADDR_D_COMMENT_BIT, comment);
        comment = WIN_NONE;
    }
    if (local_quoted)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_QUOTED_LOCAL_BIT, local);
    if (local_8bit != WIN_NONE)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_UTF8_LOCAL_BIT, local_8bit);
    phrase_diags(it, item, first_dot, first_8bit);
    if (comment != WIN_NONE)
        safeaddr__diag(it, &item->diag, SAFEADDR_D_COMMENT_BIT, comment);
    /* a display name: atoms cannot hold '@' '<' '>', and an encoded-word
     * needs a '='; quoted strings and '=' are check.c's */
    win_emit(it, item, empty_angle ? J_NONE : judged,
             !item->display.len ? 0
             : quoted_display || comment_in_display ? DISPLAY_CHECK
             : display_expand ? DISPLAY_ENCODED
                              : 0);
    return FAST_DONE;
}

/* fast_read_at - fast_read from the cached block, out of line: the block
 * seen through a window in memory is its business, not that of the
 * shapes fast_simple reads in registers. */
static __attribute__((noinline)) int
fast_read_at(safeaddr_iter *it, safeaddr_item *item, size_t pos0, size_t p,
             size_t line_start)
{
    window w;
    win_view(it, &w);
    if (fast_read(it, item, &w, pos0, p, line_start) != FAST_DONE)
        return FAST_NO;
    fast_last(it);
    return FAST_DONE;
}

/* fast_element - one whole list element of the shapes most fields are
 * made of:
 *     local@domain      Display Name <local@domain>      "Name" <a@b>    <>
 * with ASCII dot-atoms; display names of atoms (UTF-8 included), quoted
 * strings with printable quoted-pairs and obs-phrase dots; WSP and folds
 * between the parts and inside the angle brackets; comments in the name
 * and after the address; quoted and UTF-8 local parts, obsolete routes,
 * domain literals, addr-specs read from two blocks; group starts and
 * ends; then ',' ';' or the end. It does what safeaddr_next's general
 * loop does for such an element (CFWS, parse_element, after_element, the
 * counters and check.c's diagnostics), and for the end of a field with
 * nothing to report. Anything else - a word or a local part longer than
 * a block, comments inside the brackets, controls, invalid UTF-8, a
 * limit, every error - returns FAST_NO with the iterator's reading untouched
 * (only its block cache may have moved), and the general reading takes
 * the element from its first byte: the fast path never changes a result
 * (tests/test_fast_paths.c, fuzz/fuzz_parse.c). */
static inline __attribute__((always_inline)) int
fast_element(safeaddr_iter *it, safeaddr_item *item)
{
    const char *b = it->buf_;
    const size_t len = it->len_, pos0 = it->pos_;
    size_t p = pos0, line_start = it->line_start_;
    if (it->mailboxes_ >= it->max_addresses_)
        return FAST_NO;
    /* CFWS before the element: WSP, one fold, WSP */
    while (p < len && win_wsp((unsigned char)b[p]))
        p++;
    if (p + 2 < len && b[p] == '\r' && b[p + 1] == '\n' &&
        win_wsp((unsigned char)b[p + 2])) {
        if (p - line_start > 998) /* D_LINE_TOO_LONG is the general path's */
            return FAST_NO;
        line_start = p + 2;
        p += 3;
        while (p < len && win_wsp((unsigned char)b[p]))
            p++;
    }
    if (p >= len) {
        if (!fast_quiet_end(it, line_start))
            return FAST_NO;
        it->line_start_ = line_start;
        it->pos_ = len;
        return FAST_END;
    }
    {
        const unsigned char c = (unsigned char)b[p];
        if (c == ';')
            return fast_group_end(it, item, pos0, p, line_start);
        if (c != '"' && c != '<' && c < 0x80 && !safeaddr__is_atext(c))
            return FAST_NO;
    }
    /* the cached block, if it holds the element's first byte; an element
     * or a part of one that does not fit moves it. An element that starts
     * in the last FAST_ROOM bytes of a block the input goes on past would
     * almost always run out of it (list elements are 40-50 bytes), so the
     * block moves to it before the reading rather than after a reading
     * that ran out (where the block is anchored never changes a result) */
    const size_t into = p - it->block_base_;
    if (into >= 64 ||
        (into > 64 - FAST_ROOM && it->len_ - it->block_base_ > 64))
        win_load(it, p);
    for (int moved = 0;; moved = 1) {
        window w;
        win_view(it, &w);
        const int rc = fast_simple(it, item, &w, pos0,
                                   (unsigned)(p - w.base), line_start);
        if (rc == FAST_DONE)
            return FAST_DONE;
        /* once: near the end of the input the block from the element is
         * the input's last 64 bytes, which may start before it again */
        if (rc != FAST_SHORT || w.base >= p || moved)
            break;
        /* the element goes on past the cached block: a block from it */
        win_load(it, p);
    }
    return fast_read_at(it, item, pos0, p, line_start);
}

/* Results of parse_element besides errors. */
enum { EL_MAILBOX = 1, EL_GROUP_START = 2, EL_EMPTY = 3 };

/* parse_element - one mailbox, or the start of a group. it->pos_ is at the
 * first token of the element (CFWS before it already skipped). */
static int parse_element(safeaddr_iter *it, safeaddr_item *item,
                         size_t elem_start, int *what, size_t *comment_end,
                         safeaddr_error *err)
{
    *comment_end = 0;
    if (it->production_ != SAFEADDR_PATH &&
        !(it->flags_ & SAFEADDR__FLAG_REFERENCE) && fast_mailbox(it, item)) {
        *what = EL_MAILBOX;
        return SAFEADDR_OK;
    }
    prefix pf;
    prefix_init(&pf);
    safeaddr__token t;
    int rc = collect(it, item, &pf, &t, comment_end, err);
    if (rc != SAFEADDR_OK)
        return rc;
    const int prod = (int)it->production_;
    /* SAFEADDR_LENIENT: "Joe Foo, PhD <j@x>" is one mailbox whose display
     * name has an unquoted ',' (mikel/mail #968, CPython #143938). Only
     * when the words before the ',' are not an address by themselves:
     * "Doe, John <j@x>" is a valid list ("Doe" unqualified), and leniency
     * never changes how a valid input is read. */
    while ((it->flags_ & SAFEADDR_LENIENT) && t.kind == SAFEADDR__TK_SPECIAL &&
           t.ch == ',' && pf.side == SIDE_LOCAL && pf.words > 0 &&
           pf.strict_code != SAFEADDR_OK &&
           (prod == SAFEADDR_ADDRESS_LIST || prod == SAFEADDR_MAILBOX_LIST) &&
           comma_then_display(it, item)) {
        pend(&pf.phrase, SAFEADDR_D_RECOVERED_COMMA_BIT, t.start);
        strict(&pf, SAFEADDR_E_UNEXPECTED, t.start);
        pf.items++;
        pf.last_end = t.end;
        rc = collect(it, item, &pf, &t, comment_end, err);
        if (rc != SAFEADDR_OK)
            return rc;
    }

    if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '<') {
        if (prod == SAFEADDR_ADDR_SPEC)
            return fail(err, pf.items ? SAFEADDR_E_TRAILING_JUNK
                                      : SAFEADDR_E_UNEXPECTED, t.start);
        if (prod == SAFEADDR_PATH && pf.items)
            return fail(err, SAFEADDR_E_UNEXPECTED, pf.first);
        rc = parse_angle(it, item, t.start, comment_end, err);
        if (rc != SAFEADDR_OK) {
            /* The '@'-in-display-name reading is a recovery; if it does
             * not work out, the error is the strict reading's. */
            if (pf.unquoted_at && is_grammar_error(rc)) {
                if (pf.strict_code != SAFEADDR_OK)
                    return fail(err, pf.strict_code, pf.strict_off);
                return fail(err, SAFEADDR_E_TRAILING_JUNK, t.start);
            }
            return rc;
        }
        if (pf.items) {
            item->display = span_at(it, pf.first, pf.last_end);
            flush(it, item, &pf.phrase);
        } else {
            item->display = span_at(it, t.start, t.start);
        }
        item->kind = SAFEADDR_ITEM_MAILBOX;
        *what = EL_MAILBOX;
        return SAFEADDR_OK;
    }

    if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == ':') {
        if (prod != SAFEADDR_ADDRESS_LIST && prod != SAFEADDR_ADDRESS)
            return fail(err, SAFEADDR_E_GROUP_NOT_ALLOWED, t.start);
        if (it->group_ != SAFEADDR_NO_GROUP)
            return fail(err, SAFEADDR_E_NESTED_GROUP, t.start); /* nesting-010 */
        if (pf.words == 0)
            return fail(err, SAFEADDR_E_GROUP_NAME, t.start); /* group-008 */
        item->kind = SAFEADDR_ITEM_GROUP_START;
        item->display = span_at(it, pf.first, pf.last_end);
        flush(it, item, &pf.phrase);
        item->source = span_at(it, elem_start, t.end);
        *what = EL_GROUP_START;
        return SAFEADDR_OK;
    }

    /* ',' ';' '>' or the end: the run must be an addr-spec. Leave the
     * terminator for the caller. */
    it->pos_ = t.start;
    if (pf.items == 0) {
        if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '>')
            return fail(err, SAFEADDR_E_UNMATCHED_ANGLE, t.start);
        *what = EL_EMPTY;
        return SAFEADDR_OK;
    }
    if (prod == SAFEADDR_PATH)
        return fail(err, SAFEADDR_E_EXPECTED_ADDRESS, pf.first);
    rc = addr_finish(it, &pf, t.start, 0, err);
    if (rc != SAFEADDR_OK)
        return rc;
    if (t.kind == SAFEADDR__TK_SPECIAL && t.ch == '>')
        return fail(err, SAFEADDR_E_UNMATCHED_ANGLE, t.start);
    flush(it, item, &pf.addr);
    fill_addr(it, &pf, item);
    item->display = span_at(it, pf.first, pf.first);
    item->angle = span_at(it, pf.first, pf.first);
    item->kind = SAFEADDR_ITEM_MAILBOX;
    *what = EL_MAILBOX;
    return SAFEADDR_OK;
}

/* after_element_rest - what may follow an element: CFWS, then ',' ';' or
 * the end. Trailing comments belong to the element (its source span). */
static int
after_element_rest(safeaddr_iter *it, safeaddr_item *item,
                   size_t *source_end, int had_angle, safeaddr_error *err)
{
    safeaddr__cfws cf = SAFEADDR__CFWS_INIT;
    int rc = safeaddr__skip_cfws(it, &cf, &item->diag, err);
    if (rc != SAFEADDR_OK)
        return rc;
    if (cf.last_end != SAFEADDR__NONE && cf.last_end > *source_end)
        *source_end = cf.last_end;
    const size_t pos = it->pos_;
    if (pos >= it->len_)
        return SAFEADDR_OK;
    const char c = it->buf_[pos];
    if (c == ',')
        return SAFEADDR_OK;
    if (c == ';')
        return it->group_ != SAFEADDR_NO_GROUP
                   ? SAFEADDR_OK
                   : fail(err, SAFEADDR_E_SEMICOLON, pos); /* group-005 */
    if (c == '<')
        return fail(err, had_angle ? SAFEADDR_E_SECOND_ANGLE
                                   : SAFEADDR_E_TRAILING_JUNK, pos);
    /* let the lexer name stray ')' ']' '\' and forbidden bytes */
    safeaddr__token t;
    rc = safeaddr__lex(it, &t, err);
    if (rc != SAFEADDR_OK)
        return rc;
    return fail(err, SAFEADDR_E_TRAILING_JUNK, pos);
}

/* after_element - as after_element_rest, which has nothing to do at the
 * end or at a ',' (where the fast path leaves most elements): that case is
 * answered without the call. */
static inline int after_element(safeaddr_iter *it, safeaddr_item *item,
                                size_t *source_end, int had_angle,
                                safeaddr_error *err)
{
    if (it->pos_ >= it->len_ || it->buf_[it->pos_] == ',')
        return SAFEADDR_OK;
    return after_element_rest(it, item, source_end, had_angle, err);
}

/* single - whether the field may hold only the element it has: the
 * productions of one mailbox, and SAFEADDR_ADDRESS outside its group (one
 * mailbox, or one group whose members are a list). */
static int single(const safeaddr_iter *it)
{
    return it->production_ == SAFEADDR_MAILBOX ||
           it->production_ == SAFEADDR_ADDR_SPEC ||
           it->production_ == SAFEADDR_PATH ||
           (it->production_ == SAFEADDR_ADDRESS &&
            it->group_ == SAFEADDR_NO_GROUP);
}

static int stop(safeaddr_iter *it, safeaddr_error *err, int code, size_t off)
{
    it->state_ = SAFEADDR__ST_ERROR;
    it->error_.code = code;
    it->error_.offset = off;
    if (err)
        *err = it->error_;
    return SAFEADDR_NEXT_ERROR;
}

static void item_clear(safeaddr_iter *it, safeaddr_item *item, size_t at)
{
    const safeaddr_span none = span_at(it, at, at);
    item->kind = 0;
    item->group = SAFEADDR_NO_GROUP;
    item->source = item->display = item->local = item->domain = none;
    item->addr_spec = item->route = item->angle = none;
    item->diag = 0;
}

/* field_end - the field is complete: field-level checks, then END. */
static int field_end(safeaddr_iter *it, safeaddr_item *item,
                     safeaddr_error *err)
{
    if (it->group_ != SAFEADDR_NO_GROUP) {
        /* group-003: "Group: a@example.com" - membership is unambiguous */
        item_clear(it, item, it->len_);
        item->kind = SAFEADDR_ITEM_GROUP_END;
        item->group = it->group_;
        item->display = it->group_name_;
        safeaddr__diag(it, &item->diag, SAFEADDR_D_GROUP_UNTERMINATED_BIT,
                       it->len_);
        it->group_ = SAFEADDR_NO_GROUP;
        return SAFEADDR_NEXT_ITEM;
    }
    if (it->elements_ == 0 && single(it))
        return stop(it, err, SAFEADDR_E_EMPTY_FIELD, it->len_);
    if (it->sep_) /* "a@b, " - display-name-006 */
        safeaddr__diag(it, NULL, SAFEADDR_D_OBS_EMPTY_ELEMENT_BIT, it->len_);
    if (it->elements_ == 0)
        safeaddr__diag(it, NULL, SAFEADDR_D_NO_ADDRESSES_BIT, 0);
    if (it->len_ - it->line_start_ > 998)
        safeaddr__diag(it, NULL, SAFEADDR_D_LINE_TOO_LONG_BIT,
                       it->line_start_ + 998);
    it->state_ = SAFEADDR__ST_DONE;
    return SAFEADDR_NEXT_END;
}

/* fast_ok - whether the element fast path serves this iterator: the list
 * productions (the single ones have their own rules for a second
 * element), and not the reference reading. */
static inline int fast_ok(const safeaddr_iter *it)
{
    return !(it->flags_ & SAFEADDR__FLAG_REFERENCE) &&
           (it->production_ == SAFEADDR_ADDRESS_LIST ||
            it->production_ == SAFEADDR_MAILBOX_LIST);
}

/* next_general - safeaddr_next's whole loop. Out of line: its frame (the
 * prefix readings' pending diagnostics) is large, and an element the fast
 * path takes should not pay for setting it up. */
static __attribute__((noinline)) int
next_general(safeaddr_iter *it, safeaddr_item *item, safeaddr_error *err,
             int fast_tried)
{
    safeaddr_item scratch;
    safeaddr_error e = {SAFEADDR_OK, 0};
    if (!it)
        return SAFEADDR_NEXT_ERROR;
    if (!item)
        item = &scratch;
    if (it->state_ == SAFEADDR__ST_ERROR) {
        if (err)
            *err = it->error_;
        return SAFEADDR_NEXT_ERROR;
    }
    if (it->state_ == SAFEADDR__ST_DONE)
        return SAFEADDR_NEXT_END;

    /* the fast path again after an empty element, not where safeaddr_next
     * has just tried it */
    const int fast = fast_ok(it);
    for (int again = !fast_tried;; again = 1) {
        if (fast && again && fast_element(it, item) == FAST_DONE)
            return SAFEADDR_NEXT_ITEM;
        item_clear(it, item, it->pos_);
        safeaddr__cfws cf = SAFEADDR__CFWS_INIT;
        if (safeaddr__skip_cfws(it, &cf, &item->diag, &e) != SAFEADDR_OK)
            return stop(it, err, e.code, e.offset);
        const size_t pos = it->pos_;
        /* a leading comment belongs to the element's source span */
        const size_t elem_start =
            cf.first_start != SAFEADDR__NONE ? cf.first_start : pos;
        if (pos >= it->len_)
            return field_end(it, item, err);
        const char c = it->buf_[pos];
        if (c == ',') {
            if (single(it))
                return stop(it, err, it->elements_
                                         ? SAFEADDR_E_MULTIPLE_ADDRESSES
                                         : SAFEADDR_E_EXPECTED_ADDRESS, pos);
            /* The ',' after an element is consumed with the element, so a
             * ',' here always closes an empty element: RFC 5322 4.4
             * obs-addr-list / obs-mbox-list allow them, with a diagnostic. */
            safeaddr__diag(it, NULL, SAFEADDR_D_OBS_EMPTY_ELEMENT_BIT, pos);
            it->sep_ = 1;
            it->pos_ = pos + 1;
            continue;
        }
        if (c == ';') {
            if (it->group_ == SAFEADDR_NO_GROUP)
                return stop(it, err, SAFEADDR_E_SEMICOLON, pos); /* group-004 */
            item->kind = SAFEADDR_ITEM_GROUP_END;
            item->group = it->group_;
            item->display = it->group_name_;
            item->source = span_at(it, pos, pos + 1);
            it->pos_ = pos + 1;
            it->group_ = SAFEADDR_NO_GROUP;
            size_t end = pos + 1;
            if (after_element(it, item, &end, 0, &e) != SAFEADDR_OK)
                return stop(it, err, e.code, e.offset);
            if (it->sep_) /* "g: a@b, ;" */
                safeaddr__diag(it, NULL, SAFEADDR_D_OBS_EMPTY_ELEMENT_BIT, pos);
            it->sep_ = 0;
            if (it->pos_ < it->len_ && it->buf_[it->pos_] == ',') {
                if (single(it)) /* SAFEADDR_ADDRESS: "g: a@b;, c@d" */
                    return stop(it, err, SAFEADDR_E_MULTIPLE_ADDRESSES,
                                it->pos_);
                it->pos_++;
                it->sep_ = 1;
            }
            return SAFEADDR_NEXT_ITEM;
        }
        if (single(it) && it->elements_ > 0)
            return stop(it, err, SAFEADDR_E_MULTIPLE_ADDRESSES, pos);

        int what = 0;
        size_t comment_end = 0;
        if (parse_element(it, item, elem_start, &what, &comment_end, &e) !=
            SAFEADDR_OK)
            return stop(it, err, e.code, e.offset);
        if (what == EL_EMPTY)
            continue; /* only CFWS before a ',' ';' or the end */
        if (what == EL_GROUP_START) {
            group_opened(it, item);
            return SAFEADDR_NEXT_ITEM;
        }
        /* a mailbox */
        size_t source_end = item->angle.len
                                ? (size_t)(item->angle.ptr - it->buf_) + item->angle.len
                                : (size_t)(item->addr_spec.ptr - it->buf_) +
                                      item->addr_spec.len;
        if (comment_end > source_end)
            source_end = comment_end;
        const size_t mailbox_start = elem_start;
        if (it->mailboxes_ >= it->max_addresses_)
            return stop(it, err, SAFEADDR_E_TOO_MANY_ADDRESSES, mailbox_start);
        if (after_element(it, item, &source_end, item->angle.len != 0, &e) !=
            SAFEADDR_OK)
            return stop(it, err, e.code, e.offset);
        item->source = span_at(it, mailbox_start, source_end);
        it->sep_ = 0;
        if (it->pos_ < it->len_ && it->buf_[it->pos_] == ',') {
            if (single(it))
                return stop(it, err, SAFEADDR_E_MULTIPLE_ADDRESSES, it->pos_);
            it->pos_++;
            it->sep_ = 1;
        }
        it->mailboxes_++;
        it->elements_++;
        item->group = it->group_;
        if (item->local.len || item->domain.len) {
            safeaddr__check_local(it, item);
            safeaddr__check_domain(it, item);
        }
        if (item->display.len)
            safeaddr__check_display(it, item);
        return SAFEADDR_NEXT_ITEM;
    }
}

/* next_element - safeaddr_next for an iterator that may have elements
 * left: most elements, and the end of most fields, the fast path, in a
 * small frame; the rest the general loop. */
static __attribute__((noinline)) int
next_element(safeaddr_iter *it, safeaddr_item *item, safeaddr_error *err)
{
    const int fast = it && item && it->state_ == SAFEADDR__ST_READY &&
                     fast_ok(it);
    if (fast) {
        const int rc = fast_element(it, item);
        if (rc == FAST_DONE)
            return SAFEADDR_NEXT_ITEM;
        if (rc == FAST_END) {
            it->state_ = SAFEADDR__ST_DONE;
            return SAFEADDR_NEXT_END;
        }
    }
    return next_general(it, item, err, fast);
}

SAFEADDR_API int safeaddr_next(safeaddr_iter *it, safeaddr_item *item,
                               safeaddr_error *err)
{
    /* the end of a field whose last element said so (ST_LAST), before
     * anything saves a register */
    if (it && it->state_ == SAFEADDR__ST_LAST) {
        it->state_ = SAFEADDR__ST_DONE;
        return SAFEADDR_NEXT_END;
    }
    return next_element(it, item, err);
}
