/*
 * cmd_headers.c - `safeaddr headers`: the address fields of messages
 *
 * Each input is one RFC 5322 message or an mbox (a leading "From " line;
 * messages split at every line starting "From ", the mboxrd/mboxo
 * convention, since such lines in bodies are stored as ">From "). Every
 * address field of every header gives one JSON line, so group structure,
 * order and diagnostics stay together (reference/CLI.md); every instance of
 * a repeated field is reported, because two From fields is itself a finding.
 */
#include "cli.h"
#include "field.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: safeaddr headers [--lenient] [--require-domain] [FILE...]\n"
    "\n"
    "Read RFC 5322 messages or mboxes (stdin when no FILE or FILE is -) and\n"
    "print one JSON object for each address field (From, Sender, Reply-To,\n"
    "To, Cc, Bcc, Return-Path and the Resent- fields):\n"
    "  {\"src\":\"FILE:LINE\",\"header\":\"To\",\"ok\":true,\"addresses\":[...],\n"
    "   \"groups\":[...],\"diagnostics\":[...]}\n"
    "  {\"src\":\"FILE:LINE\",\"header\":\"To\",\"ok\":false,\"error\":\"...\",\n"
    "   \"code\":\"E_...\",\"offset\":N,\"line\":L}\n"
    "offset is within the field body, line is the input line holding the\n"
    "error. A message whose first line ends in a bare LF has its bodies\n"
    "parsed with SAFEADDR_ACCEPT_LF (in a CRLF message a bare LF stays an\n"
    "error). Sender takes one address, which may be a group (RFC 6854).\n"
    "A line in a header that is not a field is reported\n"
    "with \"header\":null and E_BAD_HEADER.\n"
    "\n"
    "  --lenient   recover from unterminated quotes/angles and unquoted\n"
    "              commas in names, with a diagnostic; accept \"<user>\"\n"
    "              and a lone \"quoted\" local part with D_NO_DOMAIN\n"
    "              (SAFEADDR_LENIENT)\n"
    "  --require-domain  reject every address without '@domain'\n"
    "              (SAFEADDR_REQUIRE_DOMAIN)\n"
    "\n"
    "Exit status: 0 every address field parsed, 1 some field was rejected,\n"
    "2 usage or I/O error.\n";

/* Line numbers are counted incrementally, so a whole mbox costs one pass. */
typedef struct {
    const char *buf;
    size_t pos;  /* bytes before pos are counted */
    size_t line; /* 1-based line number of pos */
} line_counter;

static size_t line_at(line_counter *lc, size_t offset)
{
    /* callers only move forward; a backward query restarts the count */
    if (offset < lc->pos) {
        lc->pos = 0;
        lc->line = 1;
    }
    while (lc->pos < offset) {
        const char *nl = memchr(lc->buf + lc->pos, '\n', offset - lc->pos);
        if (!nl) {
            lc->pos = offset;
            break;
        }
        lc->line++;
        lc->pos = (size_t)(nl - lc->buf) + 1;
    }
    return lc->line;
}

static void write_src(const char *name, size_t line)
{
    /* file names are bytes; JSON-escape them (a name could hold anything) */
    char num[32];
    const int n = snprintf(num, sizeof num, ":%zu", line);
    const size_t name_len = strlen(name);
    char *src = cli_xrealloc(NULL, name_len + (size_t)n, 1);
    memcpy(src, name, name_len);
    memcpy(src + name_len, num, (size_t)n);
    fputs("\"src\":", stdout);
    cli_write_json_string(stdout, src, name_len + (size_t)n, NULL);
    free(src);
}

/* message_uses_lf - the first line of the message ends in a bare LF */
static int message_uses_lf(const char *buf, size_t start, size_t end)
{
    const char *nl = memchr(buf + start, '\n', end - start);
    return nl && (nl == buf + start || nl[-1] != '\r');
}

/* next_mbox_start - offset of the next line starting "From " after pos
 * (the separator line of the next message), or end */
static size_t next_mbox_start(const char *buf, size_t pos, size_t end)
{
    while (pos < end) {
        const char *nl = memchr(buf + pos, '\n', end - pos);
        if (!nl)
            return end;
        pos = (size_t)(nl - buf) + 1;
        if (end - pos >= 5 && memcmp(buf + pos, "From ", 5) == 0)
            return pos;
    }
    return end;
}

/* headers_of_message - report the address fields of buf[start..end);
 * returns 1 if any was rejected */
static int headers_of_message(const char *buf, size_t start, size_t end,
                              const char *name, line_counter *lc,
                              cli_field *f, uint32_t flags)
{
    int failed = 0;
    if (message_uses_lf(buf, start, end))
        flags |= SAFEADDR_ACCEPT_LF;
    size_t pos = start;
    for (;;) {
        const size_t field_start = pos;
        safeaddr_header h;
        safeaddr_error err;
        const int r = safeaddr_header_next(buf, end, &pos, &h, &err);
        if (r == SAFEADDR_NEXT_END)
            break;
        if (r == SAFEADDR_NEXT_ERROR) {
            const size_t line = line_at(lc, field_start);
            fputc('{', stdout);
            write_src(name, line);
            const char *msg = safeaddr_strerror(err.code);
            fputs(",\"header\":null,\"ok\":false", stdout);
            cli_write_json_member(stdout, "error", msg, strlen(msg), 1);
            printf(",\"code\":\"%s\",\"offset\":%zu,\"line\":%zu}\n",
                   safeaddr_error_name(err.code),
                   err.offset >= field_start ? err.offset - field_start : 0,
                   line_at(lc, err.offset >= field_start ? err.offset
                                                          : field_start));
            failed = 1;
            if (pos <= field_start) /* never loop on the same line */
                break;
            continue;
        }
        if (h.kind == SAFEADDR_FIELD_OTHER || h.production == 0)
            continue;
        const size_t body_start = (size_t)(h.value.ptr - buf);
        const size_t line = line_at(lc, field_start);
        const int ok = cli_field_parse(f, h.value.ptr, h.value.len,
                                       h.production, flags);
        fputc('{', stdout);
        write_src(name, line);
        fputs(",\"header\":", stdout);
        cli_write_json_string(stdout, h.name.ptr, h.name.len, NULL);
        cli_field_write(stdout, f);
        if (!ok) {
            printf(",\"line\":%zu", line_at(lc, body_start + f->err.offset));
            failed = 1;
        }
        fputs("}\n", stdout);
    }
    return failed;
}

/* read_all - the whole stream into a malloc'ed buffer */
static char *read_all(FILE *in, size_t *len, int *read_error)
{
    size_t cap = 65536, n = 0;
    char *buf = cli_xrealloc(NULL, cap, 1);
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) {
                *read_error = 1;
                break;
            }
            cap *= 2;
            buf = cli_xrealloc(buf, cap, 1);
        }
        const size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0) {
            if (ferror(in))
                *read_error = 1;
            break;
        }
    }
    *len = n;
    return buf;
}

static int headers_of_input(FILE *in, const char *name, cli_field *f,
                            uint32_t flags, int *any_failed)
{
    size_t len = 0;
    int read_error = 0;
    char *buf = read_all(in, &len, &read_error);
    if (read_error) {
        fprintf(stderr, "safeaddr headers: read error on %s\n", name);
        free(buf);
        return 2;
    }
    line_counter lc = {buf, 0, 1};
    const int mbox = len >= 5 && memcmp(buf, "From ", 5) == 0;
    size_t start = 0;
    while (start < len) {
        size_t end = len, hdr = start;
        if (mbox) {
            /* skip the separator line; the message runs to the next one */
            const char *nl = memchr(buf + start, '\n', len - start);
            hdr = nl ? (size_t)(nl - buf) + 1 : len;
            end = next_mbox_start(buf, hdr > 0 ? hdr - 1 : hdr, len);
        }
        if (headers_of_message(buf, hdr, end, name, &lc, f, flags))
            *any_failed = 1;
        if (fflush(stdout) != 0)
            break;
        start = end;
    }
    free(buf);
    return 0;
}

typedef struct {
    cli_field *f;
    uint32_t flags;
    int *any_failed;
} headers_ctx;

static int headers_each(FILE *in, const char *name, void *ctx)
{
    const headers_ctx *c = ctx;
    return headers_of_input(in, name, c->f, c->flags, c->any_failed);
}

int cli_cmd_headers(int argc, char **argv)
{
    uint32_t flags = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a))
            return cli_print_help(usage);
        if (strcmp(a, "--lenient") == 0)
            flags |= SAFEADDR_LENIENT;
        else if (strcmp(a, "--require-domain") == 0)
            flags |= SAFEADDR_REQUIRE_DOMAIN;
        else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error("headers", usage, "unknown option", a);
        else
            break;
    }
    cli_field f;
    cli_field_init(&f);
    int any_failed = 0;
    headers_ctx ctx = {&f, flags, &any_failed};
    const int io_status = cli_each_input(argc, argv, i, "-", headers_each, &ctx);
    cli_field_free(&f);
    return cli_finish_output(io_status ? io_status : any_failed);
}
