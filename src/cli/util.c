/*
 * util.c - small helpers shared by the subcommands
 */
#include "util.h"
#include "safeaddr.h"

#include <errno.h>
#include <string.h>

int cli_production(const char *name, size_t len)
{
    static const struct {
        const char *name;
        int production;
    } kinds[] = {
        {"address-list", SAFEADDR_ADDRESS_LIST},
        {"mailbox-list", SAFEADDR_MAILBOX_LIST},
        {"mailbox", SAFEADDR_MAILBOX},
        {"addr-spec", SAFEADDR_ADDR_SPEC},
        {"path", SAFEADDR_PATH},
        {"address", SAFEADDR_ADDRESS},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == len &&
            memcmp(kinds[i].name, name, len) == 0)
            return kinds[i].production;
    return 0;
}

ssize_t cli_read_line(FILE *f, char **buf, size_t *cap, int *read_error)
{
    errno = 0;
    ssize_t n = getline(buf, cap, f);
    if (n < 0) {
        if (ferror(f))
            *read_error = 1;
        return -1;
    }
    if (n > 0 && (*buf)[n - 1] == '\n')
        n--;
    return n;
}

int cli_usage_error(const char *cmd, const char *usage, const char *msg,
                    const char *arg)
{
    fprintf(stderr, "safeaddr %s: %s%s%s\n\n%s", cmd, msg, arg ? " " : "",
            arg ? arg : "", usage);
    return 2;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_print_help(const char *usage)
{
    fputs(usage, stdout);
    return cli_finish_output(0);
}

int cli_finish_output(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "safeaddr: write error on standard output: %s\n",
                strerror(errno));
        return 2;
    }
    return status;
}

int cli_each_input(int argc, char **argv, int first, const char *stdin_name,
                   cli_stream_fn each, void *ctx)
{
    if (first >= argc)
        return each(stdin, stdin_name, ctx) ? 2 : 0;
    int io_status = 0;
    for (int i = first; i < argc; i++) {
        const int is_stdin = strcmp(argv[i], "-") == 0;
        FILE *in = is_stdin ? stdin : fopen(argv[i], "rb");
        if (!in) {
            perror(argv[i]);
            io_status = 2;
            continue;
        }
        if (each(in, argv[i], ctx))
            io_status = 2;
        if (!is_stdin)
            fclose(in);
    }
    return io_status;
}
