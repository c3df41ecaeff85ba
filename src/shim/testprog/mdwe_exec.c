/*
 * mdwe_exec.c - run a program with memory-deny-write-execute set
 *
 * prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux 6.3+, kept across
 * execve) forbids giving a mapping PROT_EXEC it does not have: the W^X
 * policy under which the preload shim must refuse rather than patch (a
 * text page made writable could never become executable again).
 * Exit status 77 when the kernel does not support it.
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: mdwe_exec PROGRAM [ARG...]\n", stderr);
        return 2;
    }
    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) {
        perror("prctl(PR_SET_MDWE)");
        return 77;
    }
    execv(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
