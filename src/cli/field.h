/*
 * field.h - parse one address field body and print it as JSON (shared by
 * the parse, headers and check subcommands; internal to src/cli)
 */
#ifndef SAFEADDR_CLI_FIELD_H
#define SAFEADDR_CLI_FIELD_H

#include "safeaddr.h"

#include <stdint.h>
#include <stdio.h>

/* Field-level diagnostics kept per field. A hostile field can raise one per
 * byte; past this many, repeats of a code already listed are counted, not
 * stored, and the output says how many were dropped (never silently). The
 * first occurrence of every code is always listed. */
#define CLI_MAX_DIAGS 1000u

typedef struct {
    unsigned bit;
    size_t offset; /* SIZE_MAX: the bit was set but never reported */
} cli_diag_rec;

typedef struct {
    safeaddr_span name; /* group display name as written */
    size_t start, end;  /* offsets of "name:" ... ";" */
    size_t size;        /* mailboxes in it */
} cli_group_rec;

/* Reusable state: allocate once with cli_field_init, parse many fields. */
typedef struct {
    /* result of the last cli_field_parse */
    int ok;
    safeaddr_error err;
    uint64_t field_diag;
    size_t mailboxes;
    cli_diag_rec *diags;
    size_t ndiags, diags_cap, diags_dropped;
    uint64_t reported_bits; /* bits that came through on_diag */
    cli_group_rec *groups;
    size_t ngroups, groups_cap;
    /* input of the last parse */
    const char *buf;
    size_t len;
    int production;
    uint32_t flags;
    /* scratch for text values */
    char *text;
    size_t text_cap;
} cli_field;

void cli_field_init(cli_field *f);
void cli_field_free(cli_field *f);

/* cli_field_parse - validate buf[0..len) as `production` with `flags` and
 * collect diagnostics (with offsets) and groups. Returns 1 when the field is
 * valid, 0 when it is not (f->err says why). Exits the process with status
 * 2 when memory runs out. Nothing is printed. */
int cli_field_parse(cli_field *f, const char *buf, size_t len, int production,
                    uint32_t flags);

/* cli_field_write - print the members of a JSON object for the last parse,
 * each preceded by ',':
 *   ok:true  -> ,"ok":true,"addresses":[...],"groups":[...],"diagnostics":[...]
 *   ok:false -> ,"ok":false,"error":"...","code":"E_...","offset":N
 * The items are read in a second pass, only once the whole field is known
 * to be valid (safeaddr.h: items before an error are provisional,
 * CVE-2023-27043). */
void cli_field_write(FILE *out, cli_field *f);

/* cli_text - semantic text of span in mode (safeaddr_text) into f's scratch
 * buffer; returns its length, sets *text. */
size_t cli_text(cli_field *f, safeaddr_span span, int mode, const char **text);

/* cli_write_json_member - print ,"key":"value" (null when absent) and,
 * when value is not valid UTF-8, ,"key_hex":"..." with the exact bytes. */
void cli_write_json_member(FILE *out, const char *key, const char *s,
                           size_t len, int present);

/* cli_xmalloc/cli_xrealloc - allocation that ends the run (status 2) on
 * failure: a half-printed result would be worse than none. */
void *cli_xrealloc(void *p, size_t n, size_t size);

#endif
