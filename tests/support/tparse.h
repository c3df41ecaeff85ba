/*
 * tparse.h - test helper: parse a field and keep the semantic texts
 */
#ifndef TPARSE_H
#define TPARSE_H

#include "safeaddr.h"
#include <stddef.h>

#define TP_MAX_ITEMS 64
#define TP_TEXT 512

typedef struct {
    int kind;
    unsigned group;
    char display[TP_TEXT];
    char local[TP_TEXT];
    char domain[TP_TEXT];
    char route[TP_TEXT];
    char addr_spec[TP_TEXT]; /* safeaddr_format_addr_spec */
    char mailbox[TP_TEXT];   /* safeaddr_format_mailbox */
    int has_domain;
    uint64_t diag;
    safeaddr_item raw;
} tp_item;

typedef struct {
    int rc;                 /* SAFEADDR_OK or the error code */
    size_t offset;          /* error offset */
    size_t count;           /* items */
    size_t mailboxes;
    uint64_t field_diag;
    tp_item item[TP_MAX_ITEMS];
} tp_result;

/* tp_parse - parse buf[0..len) as production with flags; fills r. Also
 * checks invariants every result must satisfy (spans inside the input,
 * error offset <= len) and aborts the test if they fail. */
void tp_parse(const char *buf, size_t len, int production, unsigned flags,
              tp_result *r);
/* tp_parse_str - the same for a NUL-terminated test string */
void tp_parse_str(const char *s, int production, unsigned flags, tp_result *r);
/* tp_first_mailbox - the first MAILBOX item or NULL */
const tp_item *tp_first_mailbox(const tp_result *r);

#endif
