/*
 * test_coverage_dispatch.c - the SAFEADDR_ISA override as a program sees
 * it on first use (safeaddr.h, safeaddr_kernel_name): a supported name is
 * taken, an unknown or unsupported one is ignored (the CPU's own choice
 * stands), and no variable means the CPU's choice.
 *
 * The choice is made once per process, so each case runs in a child
 * process with its own environment. Written to close branch-coverage gaps
 * in scan_dispatch.c (FUZZING.md, "Coverage").
 */
#include "safeaddr.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel a fresh process picks with SAFEADDR_ISA = isa (NULL: unset). */
static void chosen_with(const char *isa, char *name, size_t cap)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    const pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(fd[0]);
        if (isa)
            setenv("SAFEADDR_ISA", isa, 1);
        else
            unsetenv("SAFEADDR_ISA");
        const char *k = safeaddr_kernel_name();
        const ssize_t n = write(fd[1], k, strlen(k));
        _exit(n == (ssize_t)strlen(k) ? 0 : 1);
    }
    close(fd[1]);
    ssize_t n = read(fd[0], name, cap - 1);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_gt(n, 0);
    name[n] = '\0';
}

static int supported(const char *name)
{
    const char *names[8];
    const size_t n = safeaddr_kernels(names, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

Test(coverage_dispatch, environment_override)
{
    char automatic[32], got[32];
    chosen_with(NULL, automatic, sizeof automatic);
    cr_expect(supported(automatic), "automatic choice %s not listed",
              automatic);

    chosen_with("scalar", got, sizeof got);
    cr_expect_str_eq(got, "scalar");

    chosen_with("no-such-kernel", got, sizeof got);
    cr_expect_str_eq(got, automatic, "an unknown name is ignored");

    /* a kernel this CPU cannot run is ignored, not taken */
    static const char *const all[] = {"sse2", "avx2", "avx512", "avx512vbmi"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        chosen_with(all[i], got, sizeof got);
        if (supported(all[i]))
            cr_expect_str_eq(got, all[i]);
        else
            cr_expect_str_eq(got, automatic, "%s not supported", all[i]);
    }
}
