/*
 * api.c - parameter checks, limits, names of codes, the all-at-once calls
 */
#include "internal.h"
#include <string.h>

SAFEADDR_API uint32_t safeaddr_version(void)
{
    return SAFEADDR_VERSION_NUMBER;
}

SAFEADDR_API const char *safeaddr_version_string(void)
{
    return SAFEADDR_VERSION_STRING;
}

/* ------------------------------------------------------------ names */

SAFEADDR_API const char *safeaddr_strerror(int code)
{
    switch (code) {
#define X(name, value, msg) case value: return msg;
        SAFEADDR_ERROR_LIST(X)
#undef X
    default:
        return "unknown error";
    }
}

SAFEADDR_API const char *safeaddr_error_name(int code)
{
    switch (code) {
#define X(name, value, msg) case value: return #name;
        SAFEADDR_ERROR_LIST(X)
#undef X
    default:
        return "UNKNOWN";
    }
}

SAFEADDR_API const char *safeaddr_diag_name(unsigned bit)
{
    switch (bit) {
#define X(name, b, sev, msg) case b: return #name;
        SAFEADDR_DIAG_LIST(X)
#undef X
    default:
        return "UNKNOWN";
    }
}

SAFEADDR_API const char *safeaddr_diag_text(unsigned bit)
{
    switch (bit) {
#define X(name, b, sev, msg) case b: return msg;
        SAFEADDR_DIAG_LIST(X)
#undef X
    default:
        return "unknown diagnostic";
    }
}

SAFEADDR_API int safeaddr_diag_severity(unsigned bit)
{
    switch (bit) {
#define X(name, b, sev, msg) case b: return SAFEADDR_SEV_##sev;
        SAFEADDR_DIAG_LIST(X)
#undef X
    default:
        return SAFEADDR_SEV_WARN;
    }
}

SAFEADDR_API const char *safeaddr_severity_name(int severity)
{
    switch (severity) {
    case SAFEADDR_SEV_INFO: return "info";
    case SAFEADDR_SEV_OBS: return "obs";
    case SAFEADDR_SEV_WARN: return "warn";
    case SAFEADDR_SEV_SECURITY: return "security";
    case SAFEADDR_SEV_RECOVERED: return "recovered";
    default: return "unknown";
    }
}

/* ---------------------------------------------------------- options */

_Static_assert(SAFEADDR_DIAG_COUNT <= 64, "diagnostics must fit in 64 bits");
/* The iterator lives on callers' stacks: its size is ABI (safeaddr.h). */
_Static_assert(sizeof(safeaddr_iter) == 232 || sizeof(void *) != 8,
               "safeaddr_iter changed size");
_Static_assert(sizeof(((safeaddr_iter *)0)->masks_) ==
                   SAFEADDR__CACHED_MASKS * sizeof(uint64_t),
               "the block cache holds the cached masks of scan.h");
_Static_assert(SAFEADDR_DEFAULT_MAX_INPUT <= SAFEADDR_CEILING_MAX_INPUT,
               "default input limit above its ceiling");

#define KNOWN_FLAGS (SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF | SAFEADDR_REQUIRE_DOMAIN)

SAFEADDR_API void safeaddr_options_init(safeaddr_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->struct_size = sizeof *opts;
}

static int init_fail(safeaddr_iter *it, safeaddr_error *err, int code,
                     size_t off)
{
    it->state_ = SAFEADDR__ST_ERROR;
    it->error_.code = code;
    it->error_.offset = off;
    if (err)
        *err = it->error_;
    return code;
}

SAFEADDR_API int safeaddr_iter_init(safeaddr_iter *it, const char *buf,
                                    size_t len, int production,
                                    const safeaddr_options *opts,
                                    safeaddr_error *err)
{
    static const char empty[1] = {0};
    if (!it) {
        if (err) {
            err->code = SAFEADDR_E_PARAM;
            err->offset = 0;
        }
        return SAFEADDR_E_PARAM;
    }
    /* Field by field, not memset: for a struct of this size gcc emits
     * "rep stos", whose start-up cost was a tenth of the time spent on a
     * typical field. Every field of safeaddr_iter is set here. */
    it->buf_ = buf ? buf : empty;
    it->len_ = len;
    it->pos_ = 0;
    it->max_input_ = SAFEADDR_DEFAULT_MAX_INPUT;
    it->line_start_ = 0;
    /* no block cached: 64-aligned, and farther from every offset the
     * input can have (max_input <= 1 GiB) than 63 bytes, in both
     * directions and modulo SIZE_MAX + 1, so safeaddr__next_stop's single
     * "pos - block_base_ < 64" test fails for it */
    it->block_base_ = ~(size_t)63;
    for (size_t i = 0; i < sizeof it->masks_ / sizeof it->masks_[0]; i++)
        it->masks_[i] = 0;
    it->kernel_ = (void (*)(void))safeaddr__cache_kernel();
    it->max_depth_ = SAFEADDR_DEFAULT_MAX_COMMENT_DEPTH;
    it->max_addresses_ = SAFEADDR_DEFAULT_MAX_ADDRESSES;
    it->flags_ = 0;
    it->production_ = 0;
    it->state_ = SAFEADDR__ST_READY;
    it->group_ = SAFEADDR_NO_GROUP;
    it->groups_seen_ = 0;
    it->mailboxes_ = 0;
    it->elements_ = 0;
    it->mute_ = 0;
    it->sep_ = 0;
    it->pad_ = 0;
    it->field_diag_ = 0;
    it->group_name_.ptr = NULL;
    it->group_name_.len = 0;
    it->on_diag_ = NULL;
    it->diag_ctx_ = NULL;
    it->error_.code = SAFEADDR_OK;
    it->error_.offset = 0;
    if (!buf && len)
        return init_fail(it, err, SAFEADDR_E_PARAM, 0);
    if (production < SAFEADDR_ADDRESS_LIST || production > SAFEADDR_ADDRESS)
        return init_fail(it, err, SAFEADDR_E_PARAM, 0);
    it->production_ = (uint32_t)production;
    if (opts) {
        /* struct_size first: older callers pass a smaller struct and get
         * defaults for what they do not know (libdeflate sizeof_options) */
        if (opts->struct_size < offsetof(safeaddr_options, on_diag) ||
            (opts->flags & ~KNOWN_FLAGS) || opts->reserved != 0)
            return init_fail(it, err, SAFEADDR_E_PARAM, 0);
        if (opts->max_input)
            it->max_input_ = opts->max_input < SAFEADDR_CEILING_MAX_INPUT
                                 ? opts->max_input
                                 : SAFEADDR_CEILING_MAX_INPUT;
        if (opts->max_comment_depth)
            it->max_depth_ =
                opts->max_comment_depth < SAFEADDR_CEILING_MAX_COMMENT_DEPTH
                    ? opts->max_comment_depth
                    : SAFEADDR_CEILING_MAX_COMMENT_DEPTH;
        if (opts->max_addresses)
            it->max_addresses_ =
                opts->max_addresses < SAFEADDR_CEILING_MAX_ADDRESSES
                    ? opts->max_addresses
                    : SAFEADDR_CEILING_MAX_ADDRESSES;
        it->flags_ = opts->flags;
        if (opts->struct_size >= offsetof(safeaddr_options, diag_ctx) +
                                     sizeof opts->diag_ctx) {
            it->on_diag_ = opts->on_diag;
            it->diag_ctx_ = opts->diag_ctx;
        }
    }
    /* The size check comes before any other work (qmail CVE-2005-1513:
     * size assumptions must be enforced, not assumed). */
    if (len > it->max_input_)
        return init_fail(it, err, SAFEADDR_E_INPUT_TOO_LONG, it->max_input_);
    if (err) {
        err->code = SAFEADDR_OK;
        err->offset = 0;
    }
    return SAFEADDR_OK;
}

SAFEADDR_API uint64_t safeaddr_iter_diag(const safeaddr_iter *it)
{
    return it ? it->field_diag_ : 0;
}

SAFEADDR_API size_t safeaddr_max_items(size_t len)
{
    /* every item but the implicit GROUP_END of an unterminated group
     * consumes at least one byte, and there is at most one such END */
    return len == SIZE_MAX ? SIZE_MAX : len + 1;
}

SAFEADDR_API int safeaddr_parse(const char *buf, size_t len, int production,
                                const safeaddr_options *opts,
                                safeaddr_item *items, size_t cap,
                                size_t *count, uint64_t *field_diag,
                                safeaddr_error *err)
{
    safeaddr_iter it;
    safeaddr_error e;
    size_t n = 0;
    if (count)
        *count = 0;
    if (field_diag)
        *field_diag = 0;
    if ((!items && cap) || !count) {
        if (err) {
            err->code = SAFEADDR_E_PARAM;
            err->offset = 0;
        }
        return SAFEADDR_E_PARAM;
    }
    int rc = safeaddr_iter_init(&it, buf, len, production, opts, &e);
    if (rc != SAFEADDR_OK) {
        if (err)
            *err = e;
        return rc;
    }
    for (;;) {
        safeaddr_item item;
        const int r = safeaddr_next(&it, &item, &e);
        if (r == SAFEADDR_NEXT_END)
            break;
        if (r == SAFEADDR_NEXT_ERROR) {
            *count = n;
            if (err)
                *err = e;
            return e.code;
        }
        if (n < cap)
            items[n] = item;
        n++;
    }
    *count = n;
    if (field_diag)
        *field_diag = safeaddr_iter_diag(&it);
    if (cap && n > cap) {
        if (err) {
            err->code = SAFEADDR_E_NOSPACE;
            err->offset = 0;
        }
        return SAFEADDR_E_NOSPACE;
    }
    if (err) {
        err->code = SAFEADDR_OK;
        err->offset = 0;
    }
    return SAFEADDR_OK;
}

SAFEADDR_API int safeaddr_parse_mailbox(const char *buf, size_t len,
                                        const safeaddr_options *opts,
                                        safeaddr_item *item,
                                        safeaddr_error *err)
{
    size_t count = 0;
    if (!item) {
        if (err) {
            err->code = SAFEADDR_E_PARAM;
            err->offset = 0;
        }
        return SAFEADDR_E_PARAM;
    }
    return safeaddr_parse(buf, len, SAFEADDR_MAILBOX, opts, item, 1, &count,
                          NULL, err);
}

void safeaddr__iter_reference(safeaddr_iter *it)
{
    it->flags_ |= SAFEADDR__FLAG_REFERENCE;
}
