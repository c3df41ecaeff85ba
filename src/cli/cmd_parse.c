/*
 * cmd_parse.c - `safeaddr parse`: one field body a line, one JSON line each
 *
 * --roundtrip checks the library's promise that parse(format(x)) == x
 * (safeaddr.h safeaddr_format_mailbox; qmail's "parser and quoter" rule,
 * Exim CVE-2019-15846 was a printer/unprinter asymmetry) on every mailbox
 * of every accepted line.
 */
#include "cli.h"
#include "field.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: safeaddr parse [--kind KIND] [--lenient] [--accept-lf]\n"
    "                      [--require-domain] [--escaped] [--roundtrip]\n"
    "                      [FILE...]\n"
    "\n"
    "Parse one field body a line (stdin when no FILE or FILE is -) and print\n"
    "one JSON object a line:\n"
    "  {\"line\":N,\"ok\":true,\"addresses\":[{\"kind\":\"mailbox\",\"display\",\n"
    "   \"local\",\"domain\",\"addr_spec\",\"route\",\"group\",\"comments\",\n"
    "   \"span\":[start,end],\"diagnostics\":[{\"code\",\"severity\"}]}],\n"
    "   \"groups\":[{\"name\",\"size\",\"span\"}],\n"
    "   \"diagnostics\":[{\"code\",\"severity\",\"offset\"}]}\n"
    "  {\"line\":N,\"ok\":false,\"error\":\"...\",\"code\":\"E_...\",\"offset\":N}\n"
    "With FILE arguments each object starts with \"file\":FILE. With\n"
    "--escaped, a line whose escaping is bad gives {\"line\":N,\"ok\":false,\n"
    "\"error\":\"protocol: bad escape\",\"offset\":N} (no \"code\").\n"
    "Text values are semantic (quotes, quoted-pairs, comments, folding\n"
    "removed); a value that is not valid UTF-8 also gets a \"..._hex\" twin.\n"
    "\n"
    "  --kind KIND   production every line must match: address-list\n"
    "                (default), mailbox-list, mailbox, addr-spec, path,\n"
    "                address (one mailbox or one group: RFC 6854 Sender)\n"
    "  --lenient     recover from unterminated quotes/angles and unquoted\n"
    "                commas in names, with a diagnostic; accept \"<user>\"\n"
    "                and a lone \"quoted\" local part with D_NO_DOMAIN\n"
    "                (SAFEADDR_LENIENT)\n"
    "  --accept-lf   LF + WSP folds like CRLF + WSP (SAFEADDR_ACCEPT_LF)\n"
    "  --require-domain  reject every address without '@domain'\n"
    "                (SAFEADDR_REQUIRE_DOMAIN)\n"
    "  --escaped     lines use the escaping of 'safeaddr check' (\\\\ \\n \\r\n"
    "                \\t \\xHH) so a body can hold CR, LF and any byte;\n"
    "                otherwise a line is its raw bytes up to the LF\n"
    "  --roundtrip   format each mailbox (safeaddr_format_mailbox), parse\n"
    "                that again (same options) and compare display, local\n"
    "                part and domain;\n"
    "                adds \"roundtrip\":\"ok\"|\"mismatch\" to accepted lines\n"
    "\n"
    "Exit status: 0 every line parsed (and round-tripped), 1 some line was\n"
    "rejected (or a round trip differed), 2 usage or I/O error.\n";

typedef struct {
    int production;
    uint32_t flags;
    int escaped;
    int roundtrip;
    int show_file;
} parse_opts;

/* growable byte buffer for the round-trip texts */
typedef struct {
    char *p;
    size_t cap;
} buf;

static size_t text_into(buf *b, safeaddr_span s, int mode)
{
    size_t need = 0;
    if (s.len == 0)
        return 0;
    if (safeaddr_text(s, mode, b->p, b->cap, &need) == SAFEADDR_E_NOSPACE) {
        b->p = cli_xrealloc(b->p, need, 1);
        b->cap = need;
        if (safeaddr_text(s, mode, b->p, b->cap, &need) != SAFEADDR_OK)
            return 0;
    }
    return need;
}

/* same_text - the semantic text of a and b in mode is the same */
static int same_text(buf *ta, buf *tb, safeaddr_span a, safeaddr_span b,
                     int mode)
{
    const size_t na = text_into(ta, a, mode);
    const size_t nb = text_into(tb, b, mode);
    return na == nb && (na == 0 || memcmp(ta->p, tb->p, na) == 0);
}

/* roundtrip_one - format item, parse it back (with the same options),
 * compare; returns NULL when it came back the same, else what differed.
 * fmt receives the formatted text. */
static const char *roundtrip_one(const safeaddr_item *item,
                                 const safeaddr_options *opts, buf *fmt,
                                 size_t *fmt_len, buf *ta, buf *tb,
                                 safeaddr_error *err)
{
    size_t need = 0;
    int rc = safeaddr_format_mailbox(item, fmt->p, fmt->cap, &need);
    if (rc == SAFEADDR_E_NOSPACE) {
        fmt->p = cli_xrealloc(fmt->p, need, 1);
        fmt->cap = need;
        rc = safeaddr_format_mailbox(item, fmt->p, fmt->cap, &need);
    }
    *fmt_len = rc == SAFEADDR_OK ? need : 0;
    if (rc != SAFEADDR_OK) {
        err->code = rc;
        err->offset = 0;
        return "format failed";
    }
    safeaddr_item back;
    /* read back with the options x was read with: a mailbox only leniency
     * accepts ("<user>", no domain) has no strict external form */
    if (safeaddr_parse_mailbox(fmt->p, need, opts, &back, err) != SAFEADDR_OK)
        return "formatted mailbox does not parse";
    if (!same_text(ta, tb, item->display, back.display, SAFEADDR_TEXT_PHRASE))
        return "display differs";
    if (!same_text(ta, tb, item->local, back.local, SAFEADDR_TEXT_ADDR))
        return "local part differs";
    if (!same_text(ta, tb, item->domain, back.domain, SAFEADDR_TEXT_ADDR))
        return "domain differs";
    return NULL;
}

/* write_roundtrip - ,"roundtrip":"ok"|"mismatch"[,"roundtrip_failures":[]];
 * returns the number of mailboxes that did not come back the same */
static size_t write_roundtrip(FILE *out, const char *body, size_t len,
                              const parse_opts *o)
{
    buf fmt = {NULL, 0}, ta = {NULL, 0}, tb = {NULL, 0};
    safeaddr_options opts;
    safeaddr_options_init(&opts);
    opts.flags = o->flags;
    safeaddr_iter it;
    safeaddr_error e;
    size_t failures = 0, index = 0;
    if (safeaddr_iter_init(&it, body, len, o->production, &opts, &e) !=
        SAFEADDR_OK)
        return 0; /* not reached: only accepted lines get here */
    safeaddr_item item;
    while (safeaddr_next(&it, &item, &e) == SAFEADDR_NEXT_ITEM) {
        if (item.kind != SAFEADDR_ITEM_MAILBOX)
            continue;
        size_t fmt_len = 0;
        safeaddr_error rerr = {SAFEADDR_OK, 0};
        const char *why =
            roundtrip_one(&item, &opts, &fmt, &fmt_len, &ta, &tb, &rerr);
        if (why) {
            fputs(failures ? "," : ",\"roundtrip_failures\":[", out);
            fprintf(out, "{\"index\":%zu", index);
            cli_write_json_member(out, "reason", why, strlen(why), 1);
            cli_write_json_member(out, "formatted", fmt.p, fmt_len, 1);
            if (rerr.code != SAFEADDR_OK)
                fprintf(out, ",\"code\":\"%s\",\"offset\":%zu",
                        safeaddr_error_name(rerr.code), rerr.offset);
            fputc('}', out);
            failures++;
        }
        index++;
    }
    if (failures)
        fputc(']', out);
    fprintf(out, ",\"roundtrip\":\"%s\"", failures ? "mismatch" : "ok");
    free(fmt.p);
    free(ta.p);
    free(tb.p);
    return failures;
}

/* parse_stream - every line of in; sets *any_failed; returns 2 on a read
 * error, else 0 */
static int parse_stream(FILE *in, const char *name, cli_field *f,
                        const parse_opts *o, int *any_failed)
{
    char *line = NULL, *body = NULL;
    size_t cap = 0, body_cap = 0, lineno = 0;
    int read_error = 0;
    ssize_t n;
    while ((n = cli_read_line(in, &line, &cap, &read_error)) >= 0) {
        lineno++;
        fputc('{', stdout);
        if (o->show_file) {
            fputs("\"file\":", stdout);
            cli_write_json_string(stdout, name, strlen(name), NULL);
            fputc(',', stdout);
        }
        printf("\"line\":%zu", lineno);
        const char *field = line;
        size_t field_len = (size_t)n;
        if (o->escaped) {
            if ((size_t)n > body_cap) {
                body = cli_xrealloc(body, (size_t)n, 1);
                body_cap = (size_t)n;
            }
            if (cli_unescape(line, (size_t)n, body, &field_len) != 0) {
                const char *msg = "protocol: bad escape";
                fputs(",\"ok\":false", stdout);
                cli_write_json_member(stdout, "error", msg, strlen(msg), 1);
                printf(",\"offset\":%zu}\n", field_len);
                *any_failed = 1;
                continue;
            }
            field = body;
        }
        const int ok = cli_field_parse(f, field, field_len, o->production,
                                       o->flags);
        cli_field_write(stdout, f);
        if (!ok)
            *any_failed = 1;
        else if (o->roundtrip &&
                 write_roundtrip(stdout, field, field_len, o) > 0)
            *any_failed = 1;
        fputs("}\n", stdout);
    }
    free(line);
    free(body);
    if (read_error) {
        fprintf(stderr, "safeaddr parse: read error on %s\n", name);
        return 2;
    }
    return 0;
}

typedef struct {
    cli_field *f;
    const parse_opts *o;
    int *any_failed;
} parse_ctx;

static int parse_each(FILE *in, const char *name, void *ctx)
{
    const parse_ctx *c = ctx;
    return parse_stream(in, name, c->f, c->o, c->any_failed);
}

int cli_cmd_parse(int argc, char **argv)
{
    parse_opts o = {SAFEADDR_ADDRESS_LIST, 0, 0, 0, 0};
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a))
            return cli_print_help(usage);
        if (strcmp(a, "--lenient") == 0) {
            o.flags |= SAFEADDR_LENIENT;
        } else if (strcmp(a, "--accept-lf") == 0) {
            o.flags |= SAFEADDR_ACCEPT_LF;
        } else if (strcmp(a, "--require-domain") == 0) {
            o.flags |= SAFEADDR_REQUIRE_DOMAIN;
        } else if (strcmp(a, "--escaped") == 0) {
            o.escaped = 1;
        } else if (strcmp(a, "--roundtrip") == 0) {
            o.roundtrip = 1;
        } else if (strcmp(a, "--kind") == 0 ||
                   strncmp(a, "--kind=", 7) == 0) {
            const char *k = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
            if (!k)
                return cli_usage_error("parse", usage, "--kind needs a value",
                                       NULL);
            o.production = cli_production(k, strlen(k));
            if (!o.production)
                return cli_usage_error("parse", usage, "unknown kind", k);
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("parse", usage, "unknown option", a);
        } else {
            break;
        }
    }
    cli_field f;
    cli_field_init(&f);
    int any_failed = 0;
    o.show_file = i < argc; /* name the file of each line when given files */
    parse_ctx ctx = {&f, &o, &any_failed};
    const int io_status = cli_each_input(argc, argv, i, "-", parse_each, &ctx);
    cli_field_free(&f);
    return cli_finish_output(io_status ? io_status : any_failed);
}
