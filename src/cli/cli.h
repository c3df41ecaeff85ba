/*
 * cli.h - shared pieces of the safeaddr command (internal to src/cli)
 */
#ifndef SAFEADDR_CLI_H
#define SAFEADDR_CLI_H

#include <stddef.h>
#include <stdio.h>

/* The line protocol escaping of tests/data/external/README.md:
 * "\\" backslash, "\n" LF, "\r" CR, "\t" TAB, "\xHH" any byte; every other
 * byte stands for itself. */

/* cli_unescape - decode in[0..len) into out (out needs at most len bytes).
 * Returns 0 and sets *outlen, or -1 on a malformed escape (and sets *outlen
 * to the offset in `in` of the bad escape). */
int cli_unescape(const char *in, size_t len, char *out, size_t *outlen);

/* cli_write_escaped - write bytes with the same escaping: backslash, LF, CR,
 * TAB as above, other bytes < 0x20, 0x7F and bytes that are not part of
 * valid UTF-8 as \xHH; valid UTF-8 passes through. */
void cli_write_escaped(FILE *f, const char *s, size_t len);

/* cli_write_json_string - write s as a JSON string literal (with quotes).
 * Valid UTF-8 passes through; control bytes are \u00XX; bytes that are not
 * valid UTF-8 are written as \u00XX of the byte value (so the JSON stays
 * valid UTF-8) and *lossy (if not NULL) is set to 1 so the caller can add a
 * "_hex" twin field. */
void cli_write_json_string(FILE *f, const char *s, size_t len, int *lossy);

/* Subcommands: each returns the process exit status. */
int cli_cmd_parse(int argc, char **argv);
int cli_cmd_headers(int argc, char **argv);
int cli_cmd_check(int argc, char **argv);
int cli_cmd_crackaddr(int argc, char **argv); /* src/cli/cmd_crackaddr.c */

#endif
