/*
 * util.h - small helpers shared by the subcommands (internal to src/cli)
 */
#ifndef SAFEADDR_CLI_UTIL_H
#define SAFEADDR_CLI_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* cli_production - SAFEADDR_* production named by name[0..len)
 * ("address-list", "mailbox-list", "mailbox", "addr-spec", "path"), or 0 */
int cli_production(const char *name, size_t len);

/* cli_read_line - the next line of f without its final LF into *buf
 * (grown as needed: no line length limit, hostile inputs reach 2 MiB).
 * Returns its length, or -1 at the end of input; sets *read_error when
 * the stream failed. */
ssize_t cli_read_line(FILE *f, char **buf, size_t *cap, int *read_error);

/* cli_usage_error - "safeaddr CMD: MSG ARG" and the usage on stderr;
 * returns 2 (the usage exit status) */
int cli_usage_error(const char *cmd, const char *usage, const char *msg,
                    const char *arg);

/* cli_is_help - argument asks for help */
int cli_is_help(const char *arg);

/* cli_print_help - usage text on stdout; returns the exit status */
int cli_print_help(const char *usage);

/* cli_each_input - call each(in, name, ctx) for every FILE argument in
 * argv[first..argc) ("-" is standard input), or once for standard input
 * (named stdin_name) when there is none. A file that cannot be opened is
 * reported with perror and the others still run. Returns 2 if any input
 * could not be opened or read (each returned non-zero), else 0. */
typedef int (*cli_stream_fn)(FILE *in, const char *name, void *ctx);
int cli_each_input(int argc, char **argv, int first, const char *stdin_name,
                   cli_stream_fn each, void *ctx);

/* cli_finish_output - flush stdout; 2 when writing failed (a full disk or a
 * closed pipe must not look like success), else status */
int cli_finish_output(int status);

#endif
