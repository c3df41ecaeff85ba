/*
 * safeaddr.h - reentrant, zero-copy parser for RFC 5322 address fields
 *
 * The whole public API of libsafeaddr. Everything a caller gets back points
 * into the caller's own bytes (safeaddr_span); nothing in the parse path
 * allocates, touches global mutable state, recurses, or reads outside
 * [buf, buf + len). Every limit ends in an error that names the byte offset
 * where the input went wrong.
 *
 * Standards: RFC 5322 section 3.4 (address specification) with the obsolete
 * forms of section 4 (RFC 822 syntax), RFC 6532 (UTF-8 in headers),
 * RFC 6854 (groups in From/Sender), RFC 5321 section 4.5.3.1 (size limits,
 * reported as diagnostics only).
 *
 * Conventions, for every function below:
 *   - input is (pointer, length); no NUL terminator is needed and a NUL byte
 *     inside the input is an error at its offset;
 *   - a NULL pointer with a non-zero length is SAFEADDR_E_PARAM from the
 *     calls that return an error code; safeaddr_next_comment and
 *     safeaddr_field_kind, which return none, answer as for an empty span
 *     (0, SAFEADDR_FIELD_OTHER);
 *   - functions that write text take (out, cap, &len) and never write more
 *     than cap bytes; when cap is too small they return SAFEADDR_E_NOSPACE
 *     and set len to the size needed (nothing is truncated silently);
 *   - returned strings from *_name and safeaddr_strerror are static and
 *     constant.
 */
#ifndef SAFEADDR_H
#define SAFEADDR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SAFEADDR_BUILDING) && defined(__GNUC__)
#define SAFEADDR_API __attribute__((visibility("default")))
#else
#define SAFEADDR_API
#endif

/* ---------------------------------------------------------------- version */

#define SAFEADDR_VERSION_MAJOR 0
#define SAFEADDR_VERSION_MINOR 1
#define SAFEADDR_VERSION_PATCH 0
#define SAFEADDR_VERSION_STRING "0.1.0"
/* 0xMMmmpp, comparable with <, like IDN2_VERSION_NUMBER */
#define SAFEADDR_VERSION_NUMBER                                                \
    ((SAFEADDR_VERSION_MAJOR << 16) | (SAFEADDR_VERSION_MINOR << 8) |          \
     SAFEADDR_VERSION_PATCH)

/* safeaddr_version - run-time library version as SAFEADDR_VERSION_NUMBER */
SAFEADDR_API uint32_t safeaddr_version(void);
/* safeaddr_version_string - run-time library version, "MAJOR.MINOR.PATCH" */
SAFEADDR_API const char *safeaddr_version_string(void);

/* ------------------------------------------------------------------ spans */

/* A run of bytes inside the caller's input. len == 0 means "absent";
 * ptr then points at the place the part would have been (never NULL for
 * a span produced from non-NULL input). */
typedef struct {
    const char *ptr;
    size_t len;
} safeaddr_span;

/* ----------------------------------------------------------------- errors */

/*
 * Error codes. One list, only ever appended to; values are explicit so they
 * stay stable across releases. X(NAME, value, "message"). E_BAD_DISPLAY_NAME
 * is reserved: no call of this version returns it (a malformed display name
 * is reported by the error of the token where its reading stops).
 */
#define SAFEADDR_ERROR_LIST(X)                                                 \
    X(OK, 0, "success")                                                        \
    X(E_PARAM, 1, "invalid argument")                                          \
    X(E_NOSPACE, 2, "output buffer too small")                                 \
    X(E_INPUT_TOO_LONG, 3, "input longer than max_input")                      \
    X(E_NUL, 4, "NUL byte")                                                    \
    X(E_BARE_CR, 5, "CR not followed by LF")                                   \
    X(E_BARE_LF, 6, "LF not preceded by CR")                                   \
    X(E_LINE_BREAK, 7, "line break not followed by white space")               \
    X(E_CONTROL, 8, "control character")                                       \
    X(E_BAD_UTF8, 9, "invalid UTF-8 in an address")                            \
    X(E_UNTERMINATED_QUOTE, 10, "unterminated quoted string")                  \
    X(E_UNTERMINATED_COMMENT, 11, "unterminated comment")                      \
    X(E_UNTERMINATED_ANGLE, 12, "unterminated angle address")                  \
    X(E_UNTERMINATED_LITERAL, 13, "unterminated domain literal")               \
    X(E_COMMENT_TOO_DEEP, 14, "comments nested deeper than max_comment_depth") \
    X(E_TOO_MANY_ADDRESSES, 15, "more addresses than max_addresses")           \
    X(E_UNMATCHED_PAREN, 16, "')' without '('")                                \
    X(E_UNMATCHED_ANGLE, 17, "'>' without '<'")                                \
    X(E_UNMATCHED_BRACKET, 18, "']' without '['")                              \
    X(E_BACKSLASH, 19, "backslash outside a quoted string or comment")         \
    X(E_ESCAPED_LINE_BREAK, 20, "quoted-pair escapes CR or LF")                \
    X(E_NESTED_ANGLE, 21, "'<' inside an angle address")                       \
    X(E_SECOND_ANGLE, 22, "second angle address in one mailbox")               \
    X(E_TRAILING_JUNK, 23, "unexpected text after the address")                \
    X(E_SECOND_AT, 24, "second unquoted '@'")                                  \
    X(E_EMPTY_LOCAL, 25, "empty local part")                                   \
    X(E_EMPTY_DOMAIN, 26, "empty domain")                                      \
    X(E_EMPTY_LABEL, 27, "empty domain label")                                 \
    X(E_EXPECTED_DOT, 28, "words in an address must be separated by '.'")     \
    X(E_BAD_DOMAIN, 29, "domain must be atoms or a domain literal")            \
    X(E_NESTED_GROUP, 30, "group inside a group")                              \
    X(E_SEMICOLON, 31, "';' outside a group")                                  \
    X(E_GROUP_NAME, 32, "group without a display name")                        \
    X(E_GROUP_NOT_ALLOWED, 33, "group where only mailboxes are allowed")       \
    X(E_BAD_ROUTE, 34, "malformed source route")                               \
    X(E_EXPECTED_ADDRESS, 35, "address expected")                              \
    X(E_MULTIPLE_ADDRESSES, 36, "more than one address where one is allowed")  \
    X(E_UNEXPECTED, 37, "unexpected character")                                \
    X(E_BAD_DISPLAY_NAME, 38, "malformed display name")                        \
    X(E_EMPTY_FIELD, 39, "no address where one is required")                   \
    X(E_BAD_HEADER, 40, "malformed header field")                             \
    X(E_NO_DOMAIN, 41, "address has no '@domain'")

enum safeaddr_error_code {
#define SAFEADDR_X_ENUM(name, value, msg) SAFEADDR_##name = value,
    SAFEADDR_ERROR_LIST(SAFEADDR_X_ENUM)
#undef SAFEADDR_X_ENUM
};

/* Where and why the input was rejected. offset is the offset of the first
 * byte that makes the input invalid, in [0, len]; offset == len means the
 * input ended too early (unterminated quote, comment, angle address...). */
typedef struct {
    int code;
    size_t offset;
} safeaddr_error;

/* safeaddr_strerror - human-readable text for an error code; unknown codes
 * give "unknown error" (never NULL). */
SAFEADDR_API const char *safeaddr_strerror(int code);
/* safeaddr_error_name - "E_NUL" style name; "UNKNOWN" for unknown codes */
SAFEADDR_API const char *safeaddr_error_name(int code);

/* ------------------------------------------------------------ diagnostics */

/*
 * Diagnostics: facts about an accepted address that a caller may want to act
 * on. They never change how an input is read. Each is a bit in a uint64_t;
 * the bit numbers are stable (append only). X(NAME, bit, severity, "text").
 * Severities: INFO (shape worth knowing), OBS (obsolete or non-generatable
 * syntax, RFC 5322 section 4), WARN (legal but beyond a limit or policy),
 * SECURITY (an ambiguity known to have been used for spoofing or injection),
 * RECOVERED (only in SAFEADDR_LENIENT: the input was invalid and was read
 * the way described).
 */
#define SAFEADDR_DIAG_LIST(X)                                                  \
    X(D_COMMENT, 0, INFO, "comment present")                                   \
    X(D_QUOTED_LOCAL, 1, INFO, "local part is a quoted string")                \
    X(D_NO_DOMAIN, 2, WARN, "address has no domain (unqualified local name)")  \
    X(D_EMPTY_ADDRESS, 3, WARN, "empty angle address <>")                      \
    X(D_NO_ADDRESSES, 4, WARN, "field contains no address")                    \
    X(D_OBS_PHRASE, 5, OBS, "'.' in an unquoted display name")                 \
    X(D_OBS_LOCAL_DOTS, 6, OBS, "leading, trailing or doubled '.' in local")   \
    X(D_OBS_CFWS_IN_ADDR, 7, OBS, "comment or white space inside address")     \
    X(D_OBS_ROUTE, 8, OBS, "obsolete source route (ignored)")                  \
    X(D_OBS_EMPTY_ELEMENT, 9, OBS, "empty list element")                       \
    X(D_OBS_FWS, 10, OBS, "white-space-only continuation line")                \
    X(D_OBS_CONTROL, 11, OBS, "control character in quoted text or comment")   \
    X(D_GROUP_UNTERMINATED, 12, OBS, "group not terminated by ';'")            \
    X(D_EMPTY_QUOTED_LOCAL, 13, WARN, "empty quoted local part")               \
    X(D_LOCAL_NEEDS_QUOTES, 14, SECURITY,                                      \
      "quoted local part holds specials or spaces")                            \
    X(D_ADDRESS_LIKE_NAME, 15, SECURITY,                                       \
      "display name contains '@', '<' or '>'")                                 \
    X(D_UNQUOTED_SPECIALS, 16, SECURITY, "unquoted special in display name")   \
    X(D_ENCODED_WORD_IN_ADDR, 17, SECURITY,                                    \
      "encoded-word syntax inside local part or domain (never decoded)")       \
    X(D_ENCODED_WORD, 18, WARN,                                      \
      "encoded-word in display name: decode for display only")     \
    X(D_UTF8_LOCAL, 19, WARN, "UTF-8 local part (needs SMTPUTF8)")             \
    X(D_UTF8_DOMAIN, 20, WARN, "UTF-8 domain (U-label, needs IDNA)")           \
    X(D_UTF8_TEXT, 21, WARN, "raw UTF-8 in display name or comment")           \
    X(D_BAD_UTF8_TEXT, 22, WARN,                                               \
      "invalid UTF-8 in display name or comment (kept verbatim)")              \
    X(D_SUSPICIOUS_UNICODE, 23, SECURITY,                                      \
      "bidi, C1 control, BOM or invisible character")                          \
    X(D_LOCAL_TOO_LONG, 24, WARN, "local part over 64 octets")                 \
    X(D_DOMAIN_TOO_LONG, 25, WARN, "domain over 255 octets or label over 63")  \
    X(D_LINE_TOO_LONG, 26, WARN, "line over 998 octets")                       \
    X(D_DOMAIN_NOT_HOSTNAME, 27, WARN, "domain is not a valid host name")      \
    X(D_DOMAIN_TRAILING_DOT, 28, WARN, "domain ends with '.'")                 \
    X(D_LITERAL, 29, INFO, "domain literal")                                   \
    X(D_LITERAL_INVALID, 30, WARN,                                             \
      "domain literal is not an IPv4 or IPv6 address")                         \
    X(D_LOCAL_METACHAR, 31, SECURITY,                                          \
      "local part looks like a program, file or option")                       \
    X(D_SINGLE_LABEL_DOMAIN, 32, INFO, "domain has a single label")            \
    X(D_LF_FOLD, 33, INFO, "bare LF used as a line ending (ACCEPT_LF)")        \
    X(D_RECOVERED_QUOTE, 34, RECOVERED, "unterminated quoted string closed")   \
    X(D_RECOVERED_ANGLE, 35, RECOVERED, "unterminated angle address closed")   \
    X(D_RECOVERED_COMMA, 36, RECOVERED, "unquoted ',' kept in display name")   \
    X(D_CONTROL_IN_NAME, 37, SECURITY,                                         \
      "control character in display name (escape it when logging)")

enum safeaddr_diag_bit {
#define SAFEADDR_X_ENUM(name, bit, sev, msg) SAFEADDR_##name##_BIT = bit,
    SAFEADDR_DIAG_LIST(SAFEADDR_X_ENUM)
#undef SAFEADDR_X_ENUM
    SAFEADDR_DIAG_COUNT
};

#define SAFEADDR_X_MASK(name, bit, sev, msg)                                   \
    static const uint64_t SAFEADDR_##name = (uint64_t)1 << bit;
SAFEADDR_DIAG_LIST(SAFEADDR_X_MASK)
#undef SAFEADDR_X_MASK

enum safeaddr_severity {
    SAFEADDR_SEV_INFO = 0,
    SAFEADDR_SEV_OBS = 1,
    SAFEADDR_SEV_WARN = 2,
    SAFEADDR_SEV_SECURITY = 3,
    SAFEADDR_SEV_RECOVERED = 4
};

/* safeaddr_diag_name - "D_COMMENT" style name of a diagnostic bit number;
 * "UNKNOWN" for numbers not in the list. */
SAFEADDR_API const char *safeaddr_diag_name(unsigned bit);
/* safeaddr_diag_text - one-line description; "unknown diagnostic" if unknown */
SAFEADDR_API const char *safeaddr_diag_text(unsigned bit);
/* safeaddr_diag_severity - SAFEADDR_SEV_*; SAFEADDR_SEV_WARN if unknown */
SAFEADDR_API int safeaddr_diag_severity(unsigned bit);
/* safeaddr_severity_name - "info", "obs", "warn", "security", "recovered" */
SAFEADDR_API const char *safeaddr_severity_name(int severity);

/* Called once for every diagnostic as it is found, with the byte offset it
 * concerns. Runs inside the parse call; must not call back into the same
 * iterator. */
typedef void (*safeaddr_diag_fn)(void *ctx, unsigned bit, size_t offset);

/* ---------------------------------------------------------------- options */

/* Flags */
/* Recover from what real mail contains: an unterminated quoted string or
 * angle address at the very end, an unquoted ',' inside a display name
 * ("Joe Foo, PhD <j@x>", in the list productions; "Doe, John <j@x>" stays
 * two mailboxes, the first unqualified, since that reading is valid).
 * Every recovery sets a D_RECOVERED_* bit. Also accepts "<user>" and a
 * lone quoted string as an unqualified local part, with D_NO_DOMAIN.
 * Never changes how a valid input is read. */
#define SAFEADDR_LENIENT 0x0001u
/* Accept LF + WSP as folding (mail stored with Unix line ends). A bare LF
 * not followed by WSP is still an error. */
#define SAFEADDR_ACCEPT_LF 0x0002u
/* Reject every address without a domain (E_NO_DOMAIN where the '@' was
 * expected). By default a bare unqualified name outside angle brackets
 * ("postmaster", as sendmail accepts) is read with D_NO_DOMAIN, while
 * "<user>" and a lone quoted string are errors unless SAFEADDR_LENIENT. */
#define SAFEADDR_REQUIRE_DOMAIN 0x0004u

#define SAFEADDR_DEFAULT_MAX_INPUT ((size_t)1 << 20)      /* 1 MiB */
#define SAFEADDR_DEFAULT_MAX_COMMENT_DEPTH 64u
#define SAFEADDR_DEFAULT_MAX_ADDRESSES 10000u
/* Compile-time ceilings: larger values are clamped to these. */
#define SAFEADDR_CEILING_MAX_INPUT ((size_t)1 << 30)      /* 1 GiB */
#define SAFEADDR_CEILING_MAX_COMMENT_DEPTH 100000u
#define SAFEADDR_CEILING_MAX_ADDRESSES 10000000u

typedef struct {
    size_t struct_size;         /* sizeof(safeaddr_options): set it first   */
    size_t max_input;           /* 0 = 1 MiB default; clamped to ceiling     */
    uint32_t max_comment_depth; /* 0 = 64; depth max+1 is an error           */
    uint32_t max_addresses;     /* 0 = 10000 mailboxes per field             */
    uint32_t flags;             /* SAFEADDR_LENIENT | SAFEADDR_ACCEPT_LF ... */
    uint32_t reserved;          /* must be 0                                 */
    safeaddr_diag_fn on_diag;   /* optional: every diagnostic with offset    */
    void *diag_ctx;             /* passed to on_diag                         */
} safeaddr_options;

/* safeaddr_options_init - defaults (all zero, struct_size set) */
SAFEADDR_API void safeaddr_options_init(safeaddr_options *opts);

/* --------------------------------------------------------------- entities */

/* Which grammar production the whole input must match. */
enum safeaddr_production {
    SAFEADDR_ADDRESS_LIST = 1, /* To, Cc, Bcc, Reply-To, From (RFC 6854)      */
    SAFEADDR_MAILBOX_LIST = 2, /* mailbox-list: no groups                     */
    SAFEADDR_MAILBOX = 3,      /* exactly one mailbox (RFC 5322 Sender)       */
    SAFEADDR_ADDR_SPEC = 4,    /* bare local@domain with CFWS, no name/angle  */
    SAFEADDR_PATH = 5,         /* Return-Path: angle-addr or <> (RFC 5322 3.6.7) */
    SAFEADDR_ADDRESS = 6       /* exactly one address: a mailbox or a group
                                  (RFC 5322 3.4 address; Sender since RFC
                                  6854 2.1: sender = mailbox / address)   */
};

/* What an item is. Groups are kept as groups: a GROUP_START item, its
 * members (MAILBOX items with .group set), then a GROUP_END item. */
enum safeaddr_item_kind {
    SAFEADDR_ITEM_MAILBOX = 1,
    SAFEADDR_ITEM_GROUP_START = 2,
    SAFEADDR_ITEM_GROUP_END = 3
};

#define SAFEADDR_NO_GROUP UINT32_MAX

/*
 * One mailbox or group marker. All spans are raw bytes as written, inside the
 * input buffer, so a caller can rewrite the header in place:
 *   source    the whole list element (for a mailbox: display name, angle
 *             address, comments; for GROUP_START: "name:"; for GROUP_END:
 *             ";"), without surrounding white space;
 *   display   display name (mailbox) or group name (GROUP_START/END) as
 *             written, quotes and encoded-words untouched; len 0 if none;
 *   local     local part as written (may be a quoted string, may contain
 *             CFWS in obsolete forms); len 0 only for <>;
 *   domain    domain as written (may be a domain literal); len 0 if none;
 *   addr_spec from the first byte of local to the last byte of domain;
 *   route     obsolete route "@a,@b" (without the ':'), len 0 if none;
 *   angle     "<...>" including the brackets, len 0 for a bare addr-spec.
 * Use safeaddr_text() for the semantic (unquoted) values and
 * safeaddr_format_*() for canonical forms.
 */
typedef struct {
    uint32_t kind;  /* enum safeaddr_item_kind */
    uint32_t group; /* index of the group (0, 1, ...) or SAFEADDR_NO_GROUP */
    safeaddr_span source;
    safeaddr_span display;
    safeaddr_span local;
    safeaddr_span domain;
    safeaddr_span addr_spec;
    safeaddr_span route;
    safeaddr_span angle;
    uint64_t diag; /* SAFEADDR_D_* bits found in this element */
} safeaddr_item;

/* ----------------------------------------------------------- streaming API */

/* Iterator state: plain data, on the caller's stack; no allocation. It
 * points only at the caller's input (a constant empty string for a NULL
 * input of length 0), the library's scanner kernel, and the caller's
 * on_diag and diag_ctx. The fields are private:
 * their names and meaning may change in any release (the size only grows
 * in a major release). */
typedef struct {
    const char *buf_;
    size_t len_;
    size_t pos_;
    size_t max_input_;
    size_t line_start_;
    size_t block_base_;      /* offset of the cached classified block      */
    uint64_t masks_[9];      /* derived masks of that block                */
    void (*kernel_)(void);   /* block classifier chosen at init            */
    uint32_t max_depth_;
    uint32_t max_addresses_;
    uint32_t flags_;
    uint32_t production_;
    uint32_t state_;
    uint32_t group_;         /* current group index or SAFEADDR_NO_GROUP   */
    uint32_t groups_seen_;
    uint32_t mailboxes_;
    uint32_t elements_;
    uint32_t mute_;          /* diagnostics muted (look-ahead)         */
    uint32_t sep_;           /* a ',' was consumed, no element since    */
    uint32_t pad_;
    uint64_t field_diag_;
    safeaddr_span group_name_;
    safeaddr_diag_fn on_diag_;
    void *diag_ctx_;
    safeaddr_error error_;
} safeaddr_iter;

/* Return values of safeaddr_next */
#define SAFEADDR_NEXT_ITEM 1
#define SAFEADDR_NEXT_END 0
#define SAFEADDR_NEXT_ERROR (-1)

/* safeaddr_iter_init - prepare to read buf[0..len) as `production`.
 * opts may be NULL (defaults). Checks the parameters and the input length
 * (E_INPUT_TOO_LONG at offset max_input) before anything else. Returns
 * SAFEADDR_OK or an error code, also stored in *err when err is not NULL. */
SAFEADDR_API int safeaddr_iter_init(safeaddr_iter *it, const char *buf,
                                    size_t len, int production,
                                    const safeaddr_options *opts,
                                    safeaddr_error *err);

/* safeaddr_next - the next item. Returns SAFEADDR_NEXT_ITEM with *item
 * filled, SAFEADDR_NEXT_END when the field is complete, or
 * SAFEADDR_NEXT_ERROR with *err filled (it == NULL: SAFEADDR_NEXT_ERROR,
 * nothing written). Errors are sticky. Items already
 * returned are provisional until SAFEADDR_NEXT_END: a field with an error
 * anywhere is invalid as a whole (CVE-2023-27043: never act on the part of a
 * field before the error). Work per call is linear in the bytes consumed. */
SAFEADDR_API int safeaddr_next(safeaddr_iter *it, safeaddr_item *item,
                               safeaddr_error *err);

/* safeaddr_iter_diag - field-level diagnostics seen so far (D_NO_ADDRESSES,
 * D_OBS_EMPTY_ELEMENT, D_LINE_TOO_LONG, ...) OR-ed with every item's bits. */
SAFEADDR_API uint64_t safeaddr_iter_diag(const safeaddr_iter *it);

/* ---------------------------------------------------------- all at once */

/* safeaddr_parse - parse a whole field into caller memory.
 * items/cap: caller array; *count receives the number of items the field
 * has. cap == 0 (items may be NULL) is a sizing call: returns SAFEADDR_OK
 * (if the field is valid) with *count set. If cap is too small returns
 * SAFEADDR_E_NOSPACE with *count = items needed (the field is parsed to the
 * end, so this is also a full validity check). field_diag (may be NULL)
 * receives safeaddr_iter_diag() when the field is valid (SAFEADDR_OK or
 * SAFEADDR_E_NOSPACE), 0 after an error. */
SAFEADDR_API int safeaddr_parse(const char *buf, size_t len, int production,
                                const safeaddr_options *opts,
                                safeaddr_item *items, size_t cap,
                                size_t *count, uint64_t *field_diag,
                                safeaddr_error *err);

/* safeaddr_parse_mailbox - exactly one mailbox (name-addr or addr-spec).
 * Convenience for production SAFEADDR_MAILBOX. */
SAFEADDR_API int safeaddr_parse_mailbox(const char *buf, size_t len,
                                        const safeaddr_options *opts,
                                        safeaddr_item *item,
                                        safeaddr_error *err);

/* safeaddr_max_items - upper bound on the items any field of len bytes can
 * produce, to size a fixed array (checked arithmetic, never overflows). */
SAFEADDR_API size_t safeaddr_max_items(size_t len);

/* -------------------------------------------------------- text and format */

enum safeaddr_text_mode {
    /* display name or group name: comments dropped, quotes and quoted-pairs
     * removed, folding removed, white space between words kept as one SP */
    SAFEADDR_TEXT_PHRASE = 1,
    /* local part or domain: CFWS dropped, quotes and quoted-pairs removed
     * (domain literals keep their brackets) */
    SAFEADDR_TEXT_ADDR = 2,
    /* comment text, of a span such as safeaddr_next_comment gives: outer
     * parentheses (when the span has them), quoted-pairs and folding
     * removed, nested parentheses kept */
    SAFEADDR_TEXT_COMMENT = 3
};

/* safeaddr_text - semantic (internal) value of a span produced by the
 * parser, written to out[0..cap). *len = bytes needed. Never NUL-terminates
 * (the value itself never contains NUL). Returns SAFEADDR_OK,
 * SAFEADDR_E_NOSPACE or SAFEADDR_E_PARAM. The output is data: it may contain
 * any byte the input had (except NUL, CR, LF) and must never be fed back to
 * the parser as structure. */
SAFEADDR_API int safeaddr_text(safeaddr_span span, int mode, char *out,
                               size_t cap, size_t *len);

/* safeaddr_next_comment - find the next top-level comment "(...)" inside a
 * span the parser produced (usually item.source), starting at *pos (an
 * offset into span, 0 on the first call). Returns 1 and sets *comment (with
 * its parentheses) and *pos past it, or 0 when there are no more. Quoted
 * strings and domain literals are skipped. */
SAFEADDR_API int safeaddr_next_comment(safeaddr_span span, size_t *pos,
                                       safeaddr_span *comment);

/* safeaddr_format_addr_spec - canonical external form local@domain of a
 * MAILBOX item: local part as a dot-atom when it is one, else a quoted
 * string with only '"' and '\' escaped; CFWS removed; route dropped. An
 * address without domain gives the local part alone, <> gives "". */
SAFEADDR_API int safeaddr_format_addr_spec(const safeaddr_item *item,
                                           char *out, size_t cap,
                                           size_t *len);

/* safeaddr_format_mailbox - canonical "Display Name <local@domain>" (the
 * display name as atoms when possible, else one quoted string; no display
 * name gives "<local@domain>"; an unqualified name without display name
 * stays bare, "postmaster"). parse(format(x)), with the options x was read
 * with, gives the same display, local and domain text as x (tested over
 * every accepted input). */
SAFEADDR_API int safeaddr_format_mailbox(const safeaddr_item *item, char *out,
                                         size_t cap, size_t *len);

/* safeaddr_quote_phrase - external form of an arbitrary display-name text:
 * returned unchanged when it is a sequence of atoms separated by single
 * spaces, else as one quoted string. Text containing NUL, CR or LF is
 * SAFEADDR_E_PARAM (it cannot be represented in a header). */
SAFEADDR_API int safeaddr_quote_phrase(const char *text, size_t text_len,
                                       char *out, size_t cap, size_t *len);

/* safeaddr_quote_local - external form of a local-part text: a dot-atom
 * when it is one, else a quoted string (Postfix quote_822_local). Text
 * containing NUL, CR or LF is SAFEADDR_E_PARAM, as for quote_phrase. */
SAFEADDR_API int safeaddr_quote_local(const char *text, size_t text_len,
                                      char *out, size_t cap, size_t *len);

/* --------------------------------------------------------- header fields */

enum safeaddr_field_kind {
    SAFEADDR_FIELD_OTHER = 0,   /* not an address field                  */
    SAFEADDR_FIELD_ADDRESS_LIST,/* From, Reply-To, To, Cc, Bcc, Resent-* */
    SAFEADDR_FIELD_MAILBOX,     /* Sender, Resent-Sender: one address,
                                   production SAFEADDR_ADDRESS (a mailbox,
                                   or since RFC 6854 a group)            */
    SAFEADDR_FIELD_PATH         /* Return-Path                           */
};

typedef struct {
    safeaddr_span name;   /* field name, without the ':'                     */
    safeaddr_span value;  /* raw body after ':', without the final line end  */
    safeaddr_span line;   /* the whole field including its final line end    */
    int kind;             /* enum safeaddr_field_kind, from the name         */
    int production;       /* SAFEADDR_* production to parse value with, or 0 */
    uint32_t folded;      /* 1 if the body spans more than one line          */
    uint32_t lf_only;     /* 1 if any line of it ends in a bare LF           */
} safeaddr_header;

/* safeaddr_header_next - the next field of a header block starting at
 * buf[*pos]. Lines may end in CRLF or a bare LF. Returns SAFEADDR_NEXT_ITEM
 * with *out filled and *pos advanced; SAFEADDR_NEXT_END at the empty line
 * that ends the header (then *pos is the first byte of the body) or at the
 * end of the input; SAFEADDR_NEXT_ERROR with *err for a line that is not a
 * field (no ':', or a byte in the name that is not printable ASCII, such as
 * a space inside it: E_BAD_HEADER at its first byte; white space between
 * the name and the ':' is obs syntax and accepted, RFC 5322 4.5.3) or a NUL
 * (E_NUL). After such an error *pos is moved past the bad line and its
 * continuation lines, so the caller can report it and go on; after
 * SAFEADDR_E_PARAM it is not moved. */
SAFEADDR_API int safeaddr_header_next(const char *buf, size_t len,
                                      size_t *pos, safeaddr_header *out,
                                      safeaddr_error *err);

/* safeaddr_field_kind - classify a field name (case-insensitive);
 * *production (may be NULL) receives the production to parse its body. */
SAFEADDR_API int safeaddr_field_kind(safeaddr_span name, int *production);

/* safeaddr_unfold - copy a field body with every line break before white
 * space (CRLF or LF) removed (RFC 5322 section 2.2.3). */
SAFEADDR_API int safeaddr_unfold(safeaddr_span value, char *out, size_t cap,
                                 size_t *len);

/* -------------------------------------------------------- scanner kernel */

/* safeaddr_kernel_name - the block classifier in use: "scalar", "sse2",
 * "avx2", "avx512" (AVX-512 F+BW+VL) or "avx512vbmi" (the same with VBMI
 * table lookups). Chosen once, on first use, from the CPU (and from the
 * SAFEADDR_ISA environment variable: "scalar", "sse2", "avx2", "avx512"
 * or "avx512vbmi", ignored when unknown or unsupported, in set-user-ID and
 * set-group-ID programs, and where the C library cannot tell those apart,
 * read at all only through secure_getenv). */
SAFEADDR_API const char *safeaddr_kernel_name(void);

/* safeaddr_kernels - names of the kernels this CPU supports, "scalar"
 * first and the widest last (on Intel models that lower their clock for
 * 512-bit vectors "avx512" and "avx512vbmi" are listed, and can be forced,
 * but "avx2" is the one chosen); fills names[0..cap) and returns how many
 * there are. */
SAFEADDR_API size_t safeaddr_kernels(const char **names, size_t cap);

/* ------------------------------------------- sendmail crackaddr() twin */
/* (section maintained with src/crackaddr.c; see README "crackaddr") */

/*
 * sendmail's crackaddr() turns one header address into a template: the
 * display name, comments, group syntax and trailing text are kept and the
 * address itself becomes the two bytes 0x81 'g' (sendmail's macro $g),
 * which sendmail later replaces by the rewritten address. This is a
 * byte-exact twin of sendmail 8.17's function (the behaviour, quirks
 * included, is specified in README "crackaddr"), written with a bound on
 * every write. It was the site of CVE-2002-1337: the twin keeps 8.17's
 * answer for the inputs that overflowed 8.12.7 and older.
 */

/* sendmail's result buffer, MAXNAME + 1 bytes (the ABI of crackaddr()). */
#define SAFEADDR_CRACKADDR_BUFSIZE 257
/* The longest template: 256 or more bytes punts to "<\201g>". */
#define SAFEADDR_CRACKADDR_MAX_TEMPLATE 255
/* sendmail's default MustQuoteChars (conf.c; also what Debian's cf sets). */
#define SAFEADDR_CRACKADDR_DEFAULT_MUST_QUOTE "@,;:\\()[].'"

typedef struct {
    size_t struct_size;   /* sizeof(safeaddr_crackaddr_settings): set first */
    /* sendmail's ColonOkInAddr: 0 (what every m4-built config of level 6
     * or more has) enables group "name:" and ";" handling. */
    int colon_ok_in_addr;
    /* sendmail's MustQuoteChars, NUL-terminated; NULL = the default.
     * Bytes of this set in a display name make it need quotes. */
    const char *must_quote_chars;
} safeaddr_crackaddr_settings;

/* safeaddr_crackaddr_settings_init - ColonOkInAddr false, default
 * MustQuoteChars, struct_size set. */
SAFEADDR_API void
safeaddr_crackaddr_settings_init(safeaddr_crackaddr_settings *settings);

/* safeaddr_crackaddr - the template sendmail 8.17 crackaddr() gives for
 * addr[0..len) (settings may be NULL: the defaults above), written to
 * out[0..cap) without a NUL terminator; *out_len receives its length
 * (0..255). *punted (may be NULL) is set to 1 when sendmail would have
 * given up with LOG_ALERT "Dropped invalid comments from header address"
 * (the template is then "<\201g>"), else 0; logging is the caller's job.
 * Returns SAFEADDR_OK; SAFEADDR_E_NOSPACE when cap is too small (*out_len
 * = bytes needed; out[0..cap) is scratch); SAFEADDR_E_NUL when addr holds
 * a NUL byte (sendmail's C string would end there: pass the length up to
 * it to get sendmail's answer); SAFEADDR_E_PARAM for NULL pointers or a
 * struct_size too small. out[*out_len..cap) may have been written. */
SAFEADDR_API int safeaddr_crackaddr(const char *addr, size_t len,
                                    const safeaddr_crackaddr_settings *settings,
                                    char *out, size_t cap, size_t *out_len,
                                    int *punted);

#ifdef __cplusplus
}
#endif

#endif /* SAFEADDR_H */
