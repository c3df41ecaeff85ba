/*
 * linear_cost.c - helper of tests/check_linear.sh: cost and stack of the
 * whole parse pipeline on generated inputs
 *
 *   linear_cost measure MANIFEST   for every case: parse (and print) it once
 *       with Callgrind collection switched on around the work only, then
 *       dump the instruction count with the case's name
 *       (valgrind --tool=callgrind --collect-atstart=no); run natively it
 *       prints the wall-clock ns per byte instead (reported, not judged:
 *       ASSURANCE.md section 3, step 2).
 *   linear_cost stack MANIFEST     every case on a thread whose stack is
 *       painted with a pattern; prints the bytes of stack used per case
 *       (high-water mark above the empty-thread baseline).
 *
 * MANIFEST lines (tests/linear_families.py): family TAB mode TAB production
 * TAB flags TAB size TAB path. mode "list" reads the file as one field
 * body; "header" walks it as a header block and parses every address
 * field; "calls" parses the file's field size/len times (the
 * CVE-2024-23184 shape: cost must grow with the number of calls only).
 *
 * The pipeline is what a mail server runs: every item, then the semantic
 * text of its display name, local part and domain, then the canonical
 * mailbox. max_addresses is raised to the ceiling so that the long lists
 * are read to the end instead of stopping at address 10,001.
 */
#include "safeaddr.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#define LINE_MAX_LEN 4096
#define STACK_BYTES ((size_t)1 << 20)
#define PAINT 0xA5

typedef struct {
    char family[256];
    char mode[16];
    int production;
    unsigned flags;
    size_t size;
    char path[2048];
} test_case;

typedef struct {
    const test_case *tc;
    const char *buf;
    size_t len;
    char *scratch; /* >= 2 * len + 64 bytes, allocated outside the work */
    size_t scratch_cap;
    size_t sink;
} job;

static void die(const char *what)
{
    fprintf(stderr, "linear_cost: %s: %s\n", what, strerror(errno));
    exit(2);
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    if (fseek(f, 0, SEEK_END) != 0)
        die(path);
    long sz = ftell(f);
    if (sz < 0 || fseek(f, 0, SEEK_SET) != 0)
        die(path);
    char *b = malloc((size_t)sz + 1);
    if (!b)
        die("malloc");
    if (fread(b, 1, (size_t)sz, f) != (size_t)sz)
        die(path);
    fclose(f);
    *n = (size_t)sz;
    return b;
}

/* One field body through the pipeline. */
static void run_field(job *j, const char *buf, size_t len, int production)
{
    safeaddr_options o;
    safeaddr_iter it;
    safeaddr_item item;
    safeaddr_error err;
    safeaddr_options_init(&o);
    o.flags = j->tc->flags;
    o.max_addresses = SAFEADDR_CEILING_MAX_ADDRESSES;
    if (safeaddr_iter_init(&it, buf, len, production, &o, &err) !=
        SAFEADDR_OK) {
        j->sink += err.offset;
        return;
    }
    int rc;
    while ((rc = safeaddr_next(&it, &item, &err)) == SAFEADDR_NEXT_ITEM) {
        size_t n = 0;
        if (item.kind != SAFEADDR_ITEM_MAILBOX)
            continue;
        safeaddr_text(item.display, SAFEADDR_TEXT_PHRASE, j->scratch,
                      j->scratch_cap, &n);
        j->sink += n;
        safeaddr_text(item.local, SAFEADDR_TEXT_ADDR, j->scratch,
                      j->scratch_cap, &n);
        j->sink += n;
        safeaddr_text(item.domain, SAFEADDR_TEXT_ADDR, j->scratch,
                      j->scratch_cap, &n);
        j->sink += n;
        safeaddr_format_mailbox(&item, j->scratch, j->scratch_cap, &n);
        j->sink += n;
    }
    if (rc == SAFEADDR_NEXT_ERROR)
        j->sink += err.offset;
    j->sink += (size_t)safeaddr_iter_diag(&it);
}

static void run_job(job *j)
{
    const test_case *tc = j->tc;
    if (strcmp(tc->mode, "header") == 0) {
        size_t pos = 0;
        safeaddr_header h;
        safeaddr_error err;
        int rc;
        while ((rc = safeaddr_header_next(j->buf, j->len, &pos, &h, &err)) !=
               SAFEADDR_NEXT_END) {
            if (rc == SAFEADDR_NEXT_ITEM && h.production)
                run_field(j, h.value.ptr, h.value.len, h.production);
        }
    } else if (strcmp(tc->mode, "calls") == 0) {
        const size_t calls = j->len ? tc->size / j->len : 0;
        for (size_t i = 0; i < calls; i++)
            run_field(j, j->buf, j->len, tc->production);
    } else {
        run_field(j, j->buf, j->len, tc->production);
    }
}

static int parse_line(char *line, test_case *tc)
{
    char *f[6];
    int n = 0;
    char *save = NULL;
    line[strcspn(line, "\n")] = 0;
    for (char *t = strtok_r(line, "\t", &save); t && n < 6;
         t = strtok_r(NULL, "\t", &save))
        f[n++] = t;
    if (n != 6)
        return -1;
    snprintf(tc->family, sizeof tc->family, "%s", f[0]);
    snprintf(tc->mode, sizeof tc->mode, "%s", f[1]);
    tc->production = atoi(f[2]);
    tc->flags = (unsigned)strtoul(f[3], NULL, 0);
    tc->size = (size_t)strtoull(f[4], NULL, 10);
    snprintf(tc->path, sizeof tc->path, "%s", f[5]);
    return 0;
}

/* ------------------------------------------------------------ stack */

static void *thread_main(void *arg)
{
    job *j = arg;
    if (j)
        run_job(j);
    return NULL;
}

static unsigned char *stack_mem;

/* Bytes of the painted stack touched by running j (NULL: empty thread). */
static size_t stack_used(job *j)
{
    pthread_attr_t attr;
    pthread_t th;
    memset(stack_mem, PAINT, STACK_BYTES);
    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstack(&attr, stack_mem, STACK_BYTES) != 0)
        die("pthread_attr_setstack");
    if (pthread_create(&th, &attr, thread_main, j) != 0)
        die("pthread_create");
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    size_t low = 0;
    while (low < STACK_BYTES && stack_mem[low] == PAINT)
        low++;
    return STACK_BYTES - low;
}

/* ---------------------------------------------------------- watchdog */

/* Run natively, every case gets a wall-clock budget of
 * LINEAR_BASE_MS (default 1000) plus LINEAR_NS_PER_BYTE (default 5000)
 * per byte: linear work takes well under a microsecond a byte, so a case
 * that runs out is super-linear (or loops) and is named before the
 * process ends, instead of keeping Callgrind busy for an hour. */
static char current_case[300];
static size_t current_case_len;

static void on_alarm(int sig)
{
    static const char msg[] = "linear_cost: TIMEOUT (super-linear?) in ";
    (void)sig;
    if (write(2, msg, sizeof msg - 1) < 0 ||
        write(2, current_case, current_case_len) < 0)
        _exit(3);
    _exit(3);
}

static void watch(const test_case *tc, double budget_us)
{
    int n = snprintf(current_case, sizeof current_case, "%s n=%zu\n",
                     tc->family, tc->size);
    current_case_len = n < 0 ? 0
                       : (size_t)n < sizeof current_case ? (size_t)n
                                                         : sizeof current_case - 1;
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = (time_t)(budget_us / 1e6);
    t.it_value.tv_usec = (suseconds_t)(budget_us - (double)t.it_value.tv_sec * 1e6);
    setitimer(ITIMER_REAL, &t, NULL);
}

static void unwatch(void)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    setitimer(ITIMER_REAL, &t, NULL);
}

static double env_number(const char *name, double dflt)
{
    const char *v = getenv(name);
    return v && atof(v) > 0 ? atof(v) : dflt;
}

/* ------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "measure") != 0 &&
                      strcmp(argv[1], "stack") != 0)) {
        fprintf(stderr, "usage: linear_cost measure|stack MANIFEST\n");
        return 2;
    }
    const int stack_mode = strcmp(argv[1], "stack") == 0;
    FILE *m = fopen(argv[2], "r");
    if (!m)
        die(argv[2]);
    size_t baseline = 0;
    if (stack_mode) {
        stack_mem = aligned_alloc(4096, STACK_BYTES);
        if (!stack_mem)
            die("aligned_alloc");
        baseline = stack_used(NULL);
        printf("baseline\t-\t%zu\n", baseline);
    }
    fprintf(stderr, "linear_cost: kernel %s\n", safeaddr_kernel_name());
    const double base_us = env_number("LINEAR_BASE_MS", 1000) * 1e3;
    const double per_byte_us = env_number("LINEAR_NS_PER_BYTE", 5000) / 1e3;
    if (!RUNNING_ON_VALGRIND) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
    }
    char line[LINE_MAX_LEN];
    while (fgets(line, sizeof line, m)) {
        test_case tc;
        if (line[0] == '#' || parse_line(line, &tc) != 0)
            continue;
        job j = {&tc, NULL, 0, NULL, 0, 0};
        j.buf = read_file(tc.path, &j.len);
        j.scratch_cap = 2 * (j.len > tc.size ? j.len : tc.size) + 64;
        j.scratch = malloc(j.scratch_cap);
        if (!j.scratch)
            die("malloc");
        if (!RUNNING_ON_VALGRIND)
            watch(&tc, base_us + per_byte_us * (double)tc.size);
        if (stack_mode) {
            const size_t used = stack_used(&j);
            printf("%s\t%zu\t%zu\n", tc.family, tc.size,
                   used > baseline ? used - baseline : 0);
        } else if (RUNNING_ON_VALGRIND) {
            CALLGRIND_ZERO_STATS;
            CALLGRIND_TOGGLE_COLLECT;
            run_job(&j);
            CALLGRIND_TOGGLE_COLLECT;
            char desc[512];
            snprintf(desc, sizeof desc, "case %s %zu", tc.family, tc.size);
            CALLGRIND_DUMP_STATS_AT(desc);
        } else {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            run_job(&j);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            const double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
                              (double)(t1.tv_nsec - t0.tv_nsec);
            printf("%s\t%zu\t%.3f\n", tc.family, tc.size,
                   tc.size ? ns / (double)tc.size : 0.0);
        }
        unwatch();
        /* Keep the compiler from dropping the work. */
        if (j.sink == (size_t)-1)
            puts("");
        free(j.scratch);
        free((void *)j.buf);
    }
    fclose(m);
    free(stack_mem);
    return 0;
}
