/*
 * standalone.c - run a libFuzzer-style harness without a fuzzing engine
 *
 * Linked with one fuzz/fuzz_*.c harness it gives a program that
 *   - replays files:  replay-parse FILE|DIR ...   (every regular file in a
 *     DIR, not recursive; "-" is standard input), printing one line per
 *     input with -v and a total at the end; exit 0 when no input aborted
 *     (an abort ends the process with SIGABRT, as under libFuzzer);
 *   - with no argument reads one input from standard input;
 *   - compiled by afl-clang-fast / afl-clang-lto (which define
 *     __AFL_FUZZ_TESTCASE_LEN) and started with no argument, is an AFL++
 *     persistent-mode target reading test cases from shared memory.
 *
 * This is the "standalone fuzz target" an MTA build or an OSS-Fuzz style
 * setup can use without clang: every input is copied into a heap buffer
 * of exactly its size, so AddressSanitizer (gcc or clang) reports a read
 * one byte past the end. A replayed input then runs twice more, against
 * pages the process may not touch: ending at the last byte before one,
 * and starting at the first byte after one. There a read outside the
 * input faults without any sanitizer, which is how the builds for other
 * machines (tests/portable.sh, under qemu-user, with no ASan) prove it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a harness, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int verbose;
static unsigned long replayed;

/* Runs one input from an exact-size heap copy. */
static void run_one(const unsigned char *p, size_t n)
{
    unsigned char *copy = (unsigned char *)malloc(n ? n : 1);
    if (copy == NULL) {
        fprintf(stderr, "standalone: out of memory for %zu bytes\n", n);
        exit(2);
    }
    if (n)
        memcpy(copy, p, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    replayed++;
}

/* run_guarded - the input against a no-access page at either end: its
 * last byte just before one, then its first byte just after one (a read
 * past the end, or before the start, faults). */
static void run_guarded(const unsigned char *p, size_t n)
{
    const long page_size = sysconf(_SC_PAGESIZE);
    const size_t page = page_size > 0 ? (size_t)page_size : 4096;
    /* n <= 1 GiB (read_all), so neither sum can wrap */
    const size_t span = (n + page - 1) / page * page;
    const size_t total = span + 2 * page;
    unsigned char *m = (unsigned char *)mmap(NULL, total,
                                             PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS,
                                             -1, 0);
    if (m == MAP_FAILED || mprotect(m, page, PROT_NONE) != 0 ||
        mprotect(m + page + span, page, PROT_NONE) != 0) {
        fprintf(stderr, "standalone: guard pages: %s\n", strerror(errno));
        exit(2);
    }
    unsigned char *at_end = m + page + span - n;
    if (n)
        memcpy(at_end, p, n);
    LLVMFuzzerTestOneInput(at_end, n);
    unsigned char *at_start = m + page;
    if (n)
        memcpy(at_start, p, n);
    LLVMFuzzerTestOneInput(at_start, n);
    munmap(m, total);
}

/* read_all - the whole stream into a growing heap buffer. */
static int read_all(FILE *f, unsigned char **out, size_t *out_n)
{
    size_t cap = 4096, n = 0;
    unsigned char *buf = (unsigned char *)malloc(cap);
    if (buf == NULL)
        return -1;
    for (;;) {
        if (n == cap) {
            if (cap > ((size_t)1 << 30)) {
                free(buf);
                errno = EFBIG;
                return -1;
            }
            unsigned char *nb = (unsigned char *)realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                return -1;
            }
            break;
        }
    }
    *out = buf;
    *out_n = n;
    return 0;
}

static int replay_file(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    unsigned char *data;
    size_t n;
    if (f == NULL || read_all(f, &data, &n) != 0) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        if (f && f != stdin)
            fclose(f);
        return -1;
    }
    if (f != stdin)
        fclose(f);
    if (verbose) {
        fprintf(stderr, "running %s (%zu bytes)\n", path, n);
        fflush(stderr);
    }
    run_one(data, n);
    run_guarded(data, n);
    free(data);
    return 0;
}

static int replay_path(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
        S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL) {
            fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
            return -1;
        }
        int status = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue; /* ., .., and hidden files such as .gitkeep */
            size_t need = strlen(path) + strlen(e->d_name) + 2;
            char *full = (char *)malloc(need);
            if (full == NULL) {
                closedir(d);
                return -1;
            }
            snprintf(full, need, "%s/%s", path, e->d_name);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
                replay_file(full) != 0)
                status = -1;
            free(full);
        }
        closedir(d);
        return status;
    }
    return replay_file(path);
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    int first = 1;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
#ifdef __AFL_FUZZ_TESTCASE_LEN
        /* AFL++ persistent mode: many inputs per process. */
        __AFL_INIT();
        const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000)) {
            const int len = __AFL_FUZZ_TESTCASE_LEN;
            run_one(buf, len > 0 ? (size_t)len : 0);
        }
        return 0;
#else
        return replay_file("-") == 0 ? 0 : 2;
#endif
    }
    int status = 0;
    for (int i = first; i < argc; i++)
        if (replay_path(argv[i]) != 0)
            status = 2;
    fprintf(stderr, "standalone: replayed %lu input(s)%s\n", replayed,
            status ? " (some could not be read)" : "");
    return status;
}
