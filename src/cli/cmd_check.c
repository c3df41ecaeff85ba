/*
 * cmd_check.c - `safeaddr check`: the test-vector line protocol
 *
 * Protocol (tests/data/external/README.md, "Suggested CLI line protocol"):
 * each input line is KIND, a TAB, then the field body in the protocol
 * escaping; each gives exactly one JSON object on one output line, in
 * order, flushed per line so a driver can talk to it interactively. A
 * malformed protocol line is answered with ok:false and an "error" starting
 * with "protocol:"; the run goes on.
 */
#include "cli.h"
#include "field.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: safeaddr check [--lenient] [--accept-lf] [--require-domain]\n"
    "                      [FILE...]\n"
    "\n"
    "Read one case a line: KIND, a TAB, the field body escaped as\n"
    "  \\\\ backslash  \\n LF  \\r CR  \\t TAB  \\xHH the byte HH\n"
    "(every other byte stands for itself). KIND is address-list,\n"
    "mailbox-list, mailbox, addr-spec, path or address (one mailbox or one\n"
    "group, RFC 6854 Sender). Print one JSON object a line:\n"
    "  {\"kind\":KIND,\"ok\":true,\"addresses\":[{\"display\",\"local\",\n"
    "   \"domain\",\"route\",\"group\",\"comments\",...}],\n"
    "   \"groups\":[{\"name\",\"size\",\"span\"}],\n"
    "   \"diagnostics\":[{\"code\",\"severity\",\"offset\"}]}\n"
    "  {\"kind\":KIND,\"ok\":false,\"error\":\"...\",\"code\":\"E_...\",\n"
    "   \"offset\":N}\n"
    "A malformed line gives {\"ok\":false,\"error\":\"protocol: ...\",\n"
    "\"offset\":N} and the run goes on.\n"
    "\n"
    "  --lenient    recover from unterminated quotes/angles and unquoted\n"
    "               commas in names, with a diagnostic; accept \"<user>\"\n"
    "               and a lone \"quoted\" local part with D_NO_DOMAIN\n"
    "               (SAFEADDR_LENIENT)\n"
    "  --accept-lf  LF + WSP folds like CRLF + WSP (SAFEADDR_ACCEPT_LF)\n"
    "  --require-domain  reject every address without '@domain'\n"
    "               (SAFEADDR_REQUIRE_DOMAIN)\n"
    "\n"
    "Exit status: 0 every line parsed, 1 some line was rejected or\n"
    "malformed, 2 usage or I/O error.\n";

static void protocol_error(const char *what, size_t offset)
{
    fputs("{\"ok\":false", stdout);
    cli_write_json_member(stdout, "error", what, strlen(what), 1);
    printf(",\"offset\":%zu}\n", offset);
}

/* check_line - answer one protocol line; returns 1 if it was accepted */
static int check_line(cli_field *f, char *line, size_t len, uint32_t flags,
                      char **body, size_t *body_cap)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab) {
        protocol_error("protocol: no TAB after KIND", len);
        return 0;
    }
    const size_t kind_len = (size_t)(tab - line);
    const int production = cli_production(line, kind_len);
    if (!production) {
        protocol_error("protocol: unknown KIND", 0);
        return 0;
    }
    const char *esc = tab + 1;
    const size_t esc_len = len - kind_len - 1;
    if (esc_len > *body_cap) {
        *body = cli_xrealloc(*body, esc_len, 1);
        *body_cap = esc_len;
    }
    size_t n = 0;
    if (cli_unescape(esc, esc_len, *body, &n) != 0) {
        /* offset in the input line, so the bad escape can be found */
        protocol_error("protocol: bad escape", kind_len + 1 + n);
        return 0;
    }
    const int ok = cli_field_parse(f, *body, n, production, flags);
    fputc('{', stdout);
    /* cli_field_write starts every member with ','; skip the first one */
    fputs("\"kind\":", stdout);
    cli_write_json_string(stdout, line, kind_len, NULL);
    cli_field_write(stdout, f);
    fputs("}\n", stdout);
    return ok;
}

static int check_stream(FILE *in, const char *name, cli_field *f,
                        uint32_t flags, int *any_failed)
{
    char *line = NULL, *body = NULL;
    size_t cap = 0, body_cap = 0;
    int read_error = 0;
    ssize_t n;
    while ((n = cli_read_line(in, &line, &cap, &read_error)) >= 0) {
        if (!check_line(f, line, (size_t)n, flags, &body, &body_cap))
            *any_failed = 1;
        if (fflush(stdout) != 0)
            break;
    }
    free(line);
    free(body);
    if (read_error) {
        fprintf(stderr, "safeaddr check: read error on %s\n", name);
        return 2;
    }
    return 0;
}

typedef struct {
    cli_field *f;
    uint32_t flags;
    int *any_failed;
} check_ctx;

static int check_each(FILE *in, const char *name, void *ctx)
{
    const check_ctx *c = ctx;
    return check_stream(in, name, c->f, c->flags, c->any_failed);
}

int cli_cmd_check(int argc, char **argv)
{
    uint32_t flags = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a))
            return cli_print_help(usage);
        if (strcmp(a, "--lenient") == 0)
            flags |= SAFEADDR_LENIENT;
        else if (strcmp(a, "--accept-lf") == 0)
            flags |= SAFEADDR_ACCEPT_LF;
        else if (strcmp(a, "--require-domain") == 0)
            flags |= SAFEADDR_REQUIRE_DOMAIN;
        else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error("check", usage, "unknown option", a);
        else
            break;
    }
    cli_field f;
    cli_field_init(&f);
    int any_failed = 0;
    check_ctx ctx = {&f, flags, &any_failed};
    const int io_status =
        cli_each_input(argc, argv, i, "standard input", check_each, &ctx);
    cli_field_free(&f);
    return cli_finish_output(io_status ? io_status : any_failed);
}
