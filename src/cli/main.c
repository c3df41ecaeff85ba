/*
 * main.c - the safeaddr command: dispatch to the subcommands
 *
 * Exit status everywhere (grep/diff convention, reference/CLI.md): 0 every
 * input parsed, 1 some input was rejected, 2 usage or I/O error.
 */
#include "cli.h"
#include "safeaddr.h"

#include <string.h>

static const char usage_text[] =
    "usage: safeaddr COMMAND [OPTIONS] [FILE...]\n"
    "       safeaddr --help | --version | --list-kernels\n"
    "\n"
    "Parse RFC 5322 address fields (To, From, Cc, Sender, Return-Path ...)\n"
    "with libsafeaddr and print what they contain as JSON Lines.\n"
    "\n"
    "commands:\n"
    "  parse      one field body a line -> one JSON object a line\n"
    "  headers    RFC 5322 messages or an mbox -> one JSON object per\n"
    "             address field\n"
    "  check      test-vector line protocol: KIND TAB escaped-input a line\n"
    "  crackaddr  sendmail 8.17 crackaddr() template of each input line\n"
    "\n"
    "options:\n"
    "  --help          this text; 'safeaddr COMMAND --help' for a command\n"
    "  --version       command and library versions, scanner kernel in use\n"
    "  --list-kernels  scanner kernels this CPU supports, one a line\n"
    "\n"
    "Exit status: 0 all input parsed, 1 some input rejected, 2 usage or\n"
    "I/O error.\n";

/* Fallback used only while src/cli/cmd_crackaddr.c (another area) is not
 * in the tree: a weak definition gives way to the real one at link time,
 * so the command links either way and says plainly what is missing. */
__attribute__((weak)) int cli_cmd_crackaddr(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("safeaddr crackaddr: not built into this binary\n", stderr);
    return 2;
}

static int print_version(void)
{
    printf("safeaddr %s (libsafeaddr %s, scanner kernel %s)\n",
           SAFEADDR_VERSION_STRING, safeaddr_version_string(),
           safeaddr_kernel_name());
    return ferror(stdout) ? 2 : 0;
}

static int list_kernels(void)
{
    const char *names[16];
    size_t n = safeaddr_kernels(names, sizeof names / sizeof names[0]);
    if (n > sizeof names / sizeof names[0])
        n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++)
        puts(names[i]);
    return ferror(stdout) ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    /* each subcommand sees argv[0] = its own name */
    if (strcmp(cmd, "parse") == 0)
        return cli_cmd_parse(argc - 1, argv + 1);
    if (strcmp(cmd, "headers") == 0)
        return cli_cmd_headers(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cli_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "crackaddr") == 0)
        return cli_cmd_crackaddr(argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return ferror(stdout) ? 2 : 0;
    }
    if (strcmp(cmd, "--version") == 0)
        return print_version();
    if (strcmp(cmd, "--list-kernels") == 0)
        return list_kernels();
    fprintf(stderr, "safeaddr: unknown command '%s'\n\n", cmd);
    fputs(usage_text, stderr);
    return 2;
}
