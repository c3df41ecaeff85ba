/*
 * bench.c - safeaddr benchmark harness
 *
 * Times safeaddr (once per scanner kernel), a bare classify pass (the
 * scanner's ceiling) and the peer parsers linked through bench/peer_*.c, in
 * one process, on corpora written by bench/gen_corpus.py and preloaded into
 * memory. Method (bench/README.md explains it):
 *
 *   1. probe: every (parser, corpus) pair is run once in a forked child with
 *      a time limit, so a peer that crashes or goes quadratic on a hostile
 *      corpus is reported ("crashed", "too slow") instead of taking the run
 *      down; the probe also gives the mailbox count and the pass time used
 *      to choose how many passes make one sample;
 *   2. rounds: each round runs every parser on every corpus once (one
 *      sample = enough back-to-back passes to last --sample-ms), the parser
 *      and corpus order rotated by one each round so no parser always runs
 *      first or after the same neighbour;
 *   3. the median sample per (parser, corpus) is written as TSV; the tables
 *      (MB/s, ns per address, ratio to the fastest peer) are made by
 *      bench/report.py.
 *
 * A parser whose mailbox count differs from the count the generator built
 * into the corpus is still timed but flagged, not ranked.
 *
 * --callgrind mode (run under valgrind --tool=callgrind --collect-atstart=no)
 * parses each corpus once per selected parser with collection switched on
 * only around the parse and dumps the counters with a label, giving exact
 * instruction counts per (parser, corpus) in one valgrind process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h" /* safeaddr__next_stop: the scanner as the lexer drives it */
#include "safeaddr.h"
#include "scan.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#endif
#endif
#ifndef BENCH_HAVE_CALLGRIND
#define BENCH_HAVE_CALLGRIND 0
#endif

/* Internal test hook of the library (also in src/scan.h, which must agree):
 * the static library keeps it, the shared one does not export it. */
extern int safeaddr__select_kernel(const char *name);

/* Peers: weak, so an adapter that was not built leaves a NULL address. */
extern const bench_peer bench_peer_dovecot __attribute__((weak));
extern const bench_peer bench_peer_gmime __attribute__((weak));
extern const bench_peer bench_peer_mimetic __attribute__((weak));
extern const bench_peer bench_peer_etpan __attribute__((weak));
extern const bench_peer bench_peer_mailutils __attribute__((weak));

/* ------------------------------------------------------------ corpora */

typedef struct {
    size_t off; /* into corpus.data */
    size_t len;
    long expect; /* mailboxes, or -1: must be rejected */
} field_ref;

typedef struct {
    char name[128];
    char kind[32];
    char family[64];
    size_t target;
    char *data; /* fields, each followed by a NUL byte */
    field_ref *fields;
    size_t nfields;
    size_t bytes;  /* sum of field lengths (what MB/s is computed on) */
    long expect;   /* sum of positive expectations */
    long rejects;  /* fields marked -1 */
} corpus;

static void die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

/* header_value - value of "key " line in the corpus header, or NULL */
static const char *header_value(const char *head, const char *key,
                                char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = head;
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) > klen && strncmp(p, key, klen) == 0 &&
            p[klen] == ' ') {
            size_t vlen = (size_t)(eol - p) - klen - 1;
            if (vlen >= cap)
                vlen = cap - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = 0;
            return out;
        }
        p = eol + 1;
    }
    return NULL;
}

static int load_corpus(const char *path, corpus *c)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bench: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0)
        die("seek");
    long size = ftell(f);
    if (size < 0)
        die("ftell");
    rewind(f);
    char *raw = xmalloc((size_t)size + 1);
    if (fread(raw, 1, (size_t)size, f) != (size_t)size)
        die("short read");
    fclose(f);
    raw[size] = 0;

    char *body = strstr(raw, "\n\n");
    if (strncmp(raw, "SACORPUS1\n", 10) != 0 || body == NULL) {
        fprintf(stderr, "bench: %s: not a corpus file\n", path);
        free(raw);
        return -1;
    }
    body[1] = 0; /* header is raw[0..body+1) */
    char v[128];
    memset(c, 0, sizeof *c);
    if (!header_value(raw, "name", c->name, sizeof c->name) ||
        !header_value(raw, "kind", c->kind, sizeof c->kind) ||
        !header_value(raw, "family", c->family, sizeof c->family) ||
        !header_value(raw, "fields", v, sizeof v))
        die("corpus header incomplete");
    c->nfields = strtoul(v, NULL, 10);
    if (header_value(raw, "target", v, sizeof v))
        c->target = strtoul(v, NULL, 10);

    const char *p = body + 2;
    const char *end = raw + size;
    c->fields = xmalloc(c->nfields * sizeof *c->fields);
    c->data = xmalloc((size_t)size); /* fields + NULs never exceed the file */
    size_t used = 0;
    for (size_t i = 0; i < c->nfields; i++) {
        char *nl;
        errno = 0;
        unsigned long long len = strtoull(p, &nl, 10);
        long expect = strtol(nl, &nl, 10);
        if (errno || *nl != '\n' || len > (unsigned long long)(end - nl - 1))
            die("corpus record malformed");
        p = nl + 1;
        memcpy(c->data + used, p, (size_t)len);
        c->data[used + len] = 0;
        c->fields[i].off = used;
        c->fields[i].len = (size_t)len;
        c->fields[i].expect = expect;
        used += (size_t)len + 1;
        c->bytes += (size_t)len;
        if (expect > 0)
            c->expect += expect;
        else if (expect < 0)
            c->rejects++;
        p += len + 1;
    }
    free(raw);
    return 0;
}

/* ------------------------------------------------------------ parsers */

enum parser_kind { P_SAFEADDR, P_SCAN, P_CLASSIFY, P_PEER };

typedef struct {
    char name[48];
    int kind;
    const char *kernel;      /* P_SAFEADDR, P_SCAN, P_CLASSIFY */
    const bench_peer *peer;  /* P_PEER */
} parser;

static safeaddr_options parse_opts;

/* safeaddr: the streaming API, production address-list, counting mailbox
 * items. Returns the mailbox count, or -1 when the field is rejected (its
 * items were provisional: CVE-2023-27043, never act on half a field). */
static long safeaddr_count(const char *buf, size_t len)
{
    safeaddr_iter it;
    safeaddr_item item;
    safeaddr_error err;
    if (safeaddr_iter_init(&it, buf, len, SAFEADDR_ADDRESS_LIST, &parse_opts,
                           &err) != SAFEADDR_OK)
        return -1;
    long n = 0;
    int r;
    while ((r = safeaddr_next(&it, &item, &err)) == SAFEADDR_NEXT_ITEM)
        if (item.kind == SAFEADDR_ITEM_MAILBOX)
            n++;
    return r == SAFEADDR_NEXT_END ? n : -1;
}

/* The scanner's ceiling: the chosen kernel's classifier over every 64-byte
 * block of the field, the last partial block copied into a zeroed buffer
 * as its contract asks (scan.h; never reading past buf+len). The masks
 * are folded into a value the caller keeps so no work can be optimised
 * away. */
static uint64_t classify_pass(safeaddr__classify_fn fn, const char *buf,
                              size_t len)
{
    const unsigned char *b = (const unsigned char *)buf;
    safeaddr__block_masks m;
    uint64_t acc = 0;
    size_t base = 0;
    for (; len - base >= 64; base += 64) {
        fn(b + base, 64, &m);
        acc ^= m.non_atext ^ m.wsp ^ m.dquote ^ m.bslash ^ m.lparen ^
               m.rparen ^ m.lbrack ^ m.rbrack ^ m.ctl ^ m.high;
    }
    if (base < len) {
        unsigned char tail[64];
        memset(tail, 0, sizeof tail);
        memcpy(tail, b + base, len - base);
        fn(tail, (unsigned)(len - base), &m);
        acc ^= m.non_atext ^ m.wsp ^ m.dquote ^ m.bslash ^ m.lparen ^
               m.rparen ^ m.lbrack ^ m.rbrack ^ m.ctl ^ m.high;
    }
    return acc;
}

static volatile uint64_t sink;

/* The scanner stage alone, as the parser drives it: the element fast path
 * (src/parse.c fast_simple, fast_read) has each 64-byte block classified
 * once into the iterator's block cache (safeaddr__load_block: the kernel,
 * the copy of a partial last block, the nine cached masks) and takes the
 * element's structure from the block's stops - the bytes that are neither
 * atext nor '.' (RFC 5322 3.2.3) - with count-trailing-zeros, one step a
 * stop. This does exactly that over every block of the field, with no
 * grammar behind it. Returns the number of stops, or -1 if init refused.
 * (The token reader's interface, safeaddr__next_stop from stop to stop,
 * now serves only the elements the fast path leaves to it.) */
static long scan_pass(const char *buf, size_t len)
{
    safeaddr_iter it;
    safeaddr_error err;
    if (safeaddr_iter_init(&it, buf, len, SAFEADDR_ADDRESS_LIST, &parse_opts,
                           &err) != SAFEADDR_OK)
        return -1;
    long stops = 0;
    uint64_t where = 0;
    for (size_t base = 0; base < len; base += 64) {
        safeaddr__load_block(&it, base);
        uint64_t m = it.masks_[SAFEADDR__STOP_ATOM] &
                     ~it.masks_[SAFEADDR__MASK_DOT];
        while (m) {
            where += (uint64_t)__builtin_ctzll(m);
            m &= m - 1;
            stops++;
        }
    }
    sink ^= where;
    return stops;
}

typedef struct {
    long count;   /* mailboxes over all fields */
    long rejects; /* fields the parser rejected (safeaddr only) */
} pass_result;

static void select_kernel(const parser *p)
{
    if (p->kernel && safeaddr__select_kernel(p->kernel) != 0) {
        fprintf(stderr, "bench: kernel %s cannot be selected\n", p->kernel);
        exit(2);
    }
}

/* One pass of parser p over every field of corpus c. */
static pass_result run_pass(const parser *p, const corpus *c)
{
    pass_result r = {0, 0};
    const field_ref *f = c->fields;
    switch (p->kind) {
    case P_SAFEADDR:
        for (size_t i = 0; i < c->nfields; i++) {
            long n = safeaddr_count(c->data + f[i].off, f[i].len);
            if (n < 0)
                r.rejects++;
            else
                r.count += n;
        }
        break;
    case P_SCAN: {
        long stops = 0;
        for (size_t i = 0; i < c->nfields; i++) {
            long n = scan_pass(c->data + f[i].off, f[i].len);
            if (n < 0)
                r.rejects++;
            else
                stops += n;
        }
        sink ^= (uint64_t)stops;
        r.count = -1;
        break;
    }
    case P_CLASSIFY: {
        const safeaddr__classify_fn fn = safeaddr__classifier();
        uint64_t acc = 0;
        for (size_t i = 0; i < c->nfields; i++)
            acc ^= classify_pass(fn, c->data + f[i].off, f[i].len);
        sink ^= acc;
        r.count = -1;
        break;
    }
    case P_PEER:
        for (size_t i = 0; i < c->nfields; i++)
            r.count += p->peer->parse(c->data + f[i].off, f[i].len);
        break;
    }
    return r;
}

/* Samples are timed in CPU time of this thread, not wall time: the
 * machine is shared, and time spent descheduled while other jobs run is
 * not the parser's. (Cache and SMT contention from the neighbours still
 * show; the median over rounds absorbs part of it.) */
static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------- probing */

enum probe_status { PR_OK, PR_CRASH, PR_SLOW, PR_UNAVAILABLE };

typedef struct {
    int status;
    int signal;
    pass_result res;
    uint64_t pass_ns;
} probe_result;

/* Run one pass in a child with a time limit (crash and hang isolation). */
static probe_result probe(const parser *p, const corpus *c, double limit_s)
{
    probe_result pr;
    memset(&pr, 0, sizeof pr);
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(fds[0]);
        select_kernel(p);
        uint64_t t0 = now_ns();
        pass_result r = run_pass(p, c);
        uint64_t t1 = now_ns();
        uint64_t msg[3] = {(uint64_t)r.count, (uint64_t)r.rejects, t1 - t0};
        ssize_t w = write(fds[1], msg, sizeof msg);
        _exit(w == (ssize_t)sizeof msg ? 0 : 1);
    }
    close(fds[1]);
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int timeout_ms = (int)(limit_s * 1000.0);
    int pr_poll;
    do
        pr_poll = poll(&pfd, 1, timeout_ms);
    while (pr_poll < 0 && errno == EINTR);
    uint64_t msg[3];
    int status = 0;
    if (pr_poll == 0) {
        kill(pid, SIGKILL); /* our own child, by pid */
        waitpid(pid, &status, 0);
        pr.status = PR_SLOW;
    } else {
        ssize_t got = read(fds[0], msg, sizeof msg);
        waitpid(pid, &status, 0);
        if (got == (ssize_t)sizeof msg && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0) {
            pr.status = PR_OK;
            pr.res.count = (long)msg[0];
            pr.res.rejects = (long)msg[1];
            pr.pass_ns = msg[2];
        } else {
            pr.status = PR_CRASH;
            pr.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
    }
    close(fds[0]);
    return pr;
}

/* --------------------------------------------------------------- timing */

typedef struct {
    probe_result probe;
    unsigned reps;
    uint64_t *samples; /* per-pass ns, one per round */
    unsigned nsamples;
    long count;
    long rejects;
    int count_changed; /* the count differed between passes */
} cell;

#if BENCH_HAVE_CALLGRIND
static sigjmp_buf alarm_jump;

static void on_alarm(int sig)
{
    (void)sig;
    siglongjmp(alarm_jump, 1);
}
#endif

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ options */

typedef struct {
    unsigned rounds;
    double sample_ms;
    double probe_limit_s;
    const char *out;
    const char *only; /* comma list of parser names, or NULL */
    int callgrind;
    int no_dump; /* --callgrind without per-pair dumps: one profile */
    const char *skip; /* TSV of a --rounds 0 run: pairs not "ok" skipped */
    unsigned explain; /* print up to this many mismatching fields */
} options;

static int wanted(const options *o, const char *name)
{
    if (o->only == NULL)
        return 1;
    size_t n = strlen(name);
    const char *p = o->only;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        /* "safeaddr" selects every safeaddr/<kernel>, same for classify */
        if (strncmp(name, p, len) == 0 && name[len] == '/')
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* skipped - 1 if the probe file (bench --rounds 0 output) says this pair
 * did not finish natively ("crashed", "too slow"): under valgrind it would
 * only take 50 times longer to fail. */
static int skipped(const char *probe_file, const char *parser_name,
                   const char *corpus_name)
{
    if (probe_file == NULL)
        return 0;
    FILE *f = fopen(probe_file, "r");
    if (f == NULL)
        return 0;
    char line[1024];
    int skip = 0;
    const size_t pl = strlen(parser_name), cl = strlen(corpus_name);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, parser_name, pl) != 0 || line[pl] != '\t' ||
            strncmp(line + pl + 1, corpus_name, cl) != 0 ||
            line[pl + 1 + cl] != '\t')
            continue;
        /* column 11 is the status */
        const char *col = line;
        for (int i = 0; i < 10 && col; i++) {
            col = strchr(col, '\t');
            if (col)
                col++;
        }
        skip = col != NULL && strncmp(col, "ok\t", 3) != 0;
        break;
    }
    fclose(f);
    return skip;
}

static void usage(void)
{
    fputs("usage: bench [--rounds N] [--sample-ms MS] [--probe-limit S]\n"
          "             [--out FILE.tsv] [--only a,b,...]\n"
          "             [--callgrind [--no-dump] [--skip PROBES.tsv]]\n"
          "             [--explain N]\n"
          "             [--list] CORPUS...\n",
          stderr);
    exit(2);
}

static const char *probe_status_text(const probe_result *pr, char *buf,
                                     size_t cap, double limit_s)
{
    switch (pr->status) {
    case PR_OK:
        return "ok";
    case PR_CRASH:
        if (pr->signal)
            snprintf(buf, cap, "crashed (signal %d)", pr->signal);
        else
            snprintf(buf, cap, "crashed (exit)");
        return buf;
    case PR_SLOW:
        snprintf(buf, cap, "too slow (> %.0f s for one pass)", limit_s);
        return buf;
    default:
        return "unavailable";
    }
}

int main(int argc, char **argv)
{
    options o = {7, 40.0, 5.0, NULL, NULL, 0, 0, NULL, 0};
    int list_only = 0;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        if (strcmp(a, "--rounds") == 0 && first + 1 < argc)
            o.rounds = (unsigned)strtoul(argv[++first], NULL, 10);
        else if (strcmp(a, "--sample-ms") == 0 && first + 1 < argc)
            o.sample_ms = strtod(argv[++first], NULL);
        else if (strcmp(a, "--probe-limit") == 0 && first + 1 < argc)
            o.probe_limit_s = strtod(argv[++first], NULL);
        else if (strcmp(a, "--out") == 0 && first + 1 < argc)
            o.out = argv[++first];
        else if (strcmp(a, "--only") == 0 && first + 1 < argc)
            o.only = argv[++first];
        else if (strcmp(a, "--callgrind") == 0)
            o.callgrind = 1;
        else if (strcmp(a, "--explain") == 0 && first + 1 < argc)
            o.explain = (unsigned)strtoul(argv[++first], NULL, 10);
        else if (strcmp(a, "--skip") == 0 && first + 1 < argc)
            o.skip = argv[++first];
        else if (strcmp(a, "--no-dump") == 0)
            o.no_dump = 1;
        else if (strcmp(a, "--list") == 0)
            list_only = 1;
        else
            usage();
    }
    /* --rounds 0: probes only (status and count of every pair, no
     * timing); bench.mk uses that to keep pairs that crash or hang
     * natively away from the much slower valgrind run (--skip). */

    safeaddr_options_init(&parse_opts);
    /* Lists of "a@b.c, " at 1 MiB hold 150,000 mailboxes: lift the count
     * limit (peers have none) so every corpus is parsed to its end. Input
     * size and comment depth stay at their defaults (1 MiB, 64). */
    parse_opts.max_addresses = SAFEADDR_CEILING_MAX_ADDRESSES;

    /* ---- parsers */
    parser parsers[32];
    size_t np = 0;
    const char *kernels[8];
    size_t nk = safeaddr_kernels(kernels, 8);
    if (nk > 8)
        nk = 8;
    for (size_t i = 0; i < nk; i++) {
        parser *p = &parsers[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "safeaddr/%s", kernels[i]);
        p->kind = P_SAFEADDR;
        p->kernel = kernels[i];
    }
    for (size_t i = 0; i < nk; i++) {
        parser *p = &parsers[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "scan/%s", kernels[i]);
        p->kind = P_SCAN;
        p->kernel = kernels[i];
    }
    for (size_t i = 0; i < nk; i++) {
        parser *p = &parsers[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "classify/%s", kernels[i]);
        p->kind = P_CLASSIFY;
        p->kernel = kernels[i];
    }
    const bench_peer *const peers[] = {&bench_peer_dovecot, &bench_peer_gmime,
                                       &bench_peer_mimetic, &bench_peer_etpan,
                                       &bench_peer_mailutils};
    const char *const peer_names[] = {"dovecot", "gmime", "mimetic",
                                      "libetpan", "mailutils"};
    char unavailable[256] = "";
    for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++) {
        if (peers[i] == NULL || peers[i]->init() != 0) {
            strncat(unavailable, " ", sizeof unavailable - strlen(unavailable) - 1);
            strncat(unavailable, peer_names[i],
                    sizeof unavailable - strlen(unavailable) - 1);
            continue;
        }
        parser *p = &parsers[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "%s", peers[i]->name);
        p->kind = P_PEER;
        p->peer = peers[i];
    }
    /* "best" in --only names the best kernel valgrind can run (it has no
     * AVX-512; its virtual CPU reports what it emulates and
     * safeaddr_kernels() asks that CPU). Under callgrind the default is
     * the scalar kernel and that best one, parse and bare classify. Every
     * AVX-512 kernel's name starts "avx512" (avx512, avx512vbmi). */
    const char *best = "scalar";
    for (size_t i = 0; i < nk; i++)
        if (strncmp(kernels[i], "avx512", 6) != 0)
            best = kernels[i];
    if (o.callgrind && o.only == NULL)
        o.only = "safeaddr/scalar,safeaddr/best,scan/scalar,scan/best,"
                 "classify/scalar,classify/best";
    char only_expanded[512];
    if (o.only) {
        size_t w = 0;
        for (const char *q = o.only; *q && w + 16 < sizeof only_expanded;) {
            if (strncmp(q, "/best", 5) == 0 && (q[5] == ',' || q[5] == 0)) {
                w += (size_t)snprintf(only_expanded + w,
                                      sizeof only_expanded - w, "/%s", best);
                q += 5;
            } else {
                only_expanded[w++] = *q++;
            }
        }
        only_expanded[w] = 0;
        o.only = only_expanded;
    }
    /* apply --only */
    size_t keep = 0;
    for (size_t i = 0; i < np; i++)
        if (wanted(&o, parsers[i].name))
            parsers[keep++] = parsers[i];
    np = keep;

    if (list_only) {
        for (size_t i = 0; i < np; i++)
            printf("%s\t%s\n", parsers[i].name,
                   parsers[i].kind == P_PEER ? parsers[i].peer->call
                   : parsers[i].kind == P_SAFEADDR
                       ? "safeaddr_iter_init + safeaddr_next"
                   : parsers[i].kind == P_SCAN
                       ? "block cache (safeaddr__load_block) + ctz walk over its stops"
                       : "safeaddr__classifier() over 64-byte blocks");
        if (unavailable[0])
            printf("# unavailable:%s\n", unavailable);
        return 0;
    }

    /* ---- corpora */
    size_t nc = (size_t)(argc - first);
    if (nc == 0)
        usage();
    corpus *cs = xmalloc(nc * sizeof *cs);
    for (size_t i = 0; i < nc; i++)
        if (load_corpus(argv[first + (int)i], &cs[i]) != 0)
            return 2;

    if (o.callgrind) {
#if BENCH_HAVE_CALLGRIND
        /* One warm-up pass per parser (lazy binding, first-use kernel
         * dispatch, peers' one-time tables) and one counted pass per
         * (parser, corpus); the label names both. A
         * pass that outlives --probe-limit (scaled for valgrind's ~50x
         * slowdown) is abandoned by SIGALRM and labelled "timeout": a hang
         * in one pair must not cost the rest of the table. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
        const unsigned limit = (unsigned)(o.probe_limit_s * 60.0) + 1;
        for (size_t ci = 0; ci < nc; ci++) {
            for (size_t pi = 0; pi < np; pi++) {
                const parser *p = &parsers[pi];
                if (skipped(o.skip, p->name, cs[ci].name)) {
                    fprintf(stderr, "bench: %s on %s: skipped (native probe "
                                    "failed)\n", p->name, cs[ci].name);
                    continue;
                }
                volatile int collecting = 0;
                pass_result r = {0, 0};
                char label[512];
                select_kernel(p);
                if (sigsetjmp(alarm_jump, 1) == 0) {
                    alarm(limit);
                    if (ci == 0)
                        (void)run_pass(p, &cs[ci]);
                    CALLGRIND_TOGGLE_COLLECT;
                    collecting = 1;
                    r = run_pass(p, &cs[ci]);
                    CALLGRIND_TOGGLE_COLLECT;
                    collecting = 0;
                    alarm(0);
                } else {
                    if (collecting)
                        CALLGRIND_TOGGLE_COLLECT;
                    r.count = -2; /* reported as a timeout */
                    fprintf(stderr, "bench: %s on %s: over %u s, abandoned\n",
                            p->name, cs[ci].name, limit);
                }
                int n = snprintf(label, sizeof label, "%s|%s|%zu|%ld|%ld",
                                 p->name, cs[ci].name, cs[ci].bytes, r.count,
                                 r.rejects);
                if (n < 0 || (size_t)n >= sizeof label)
                    die("label too long");
                if (!o.no_dump)
                    CALLGRIND_DUMP_STATS_AT(label);
            }
        }
        return 0;
#else
        die("built without <valgrind/callgrind.h>");
#endif
    }

    if (o.explain) {
        /* Which fields a parser miscounts, in-process (a crashing peer
         * takes this diagnostic down; the timing run never does). */
        for (size_t pi = 0; pi < np; pi++) {
            const parser *p = &parsers[pi];
            if (p->kind != P_SAFEADDR && p->kind != P_PEER)
                continue;
            select_kernel(p);
            for (size_t ci = 0; ci < nc; ci++) {
                const corpus *c = &cs[ci];
                unsigned shown = 0;
                for (size_t i = 0; i < c->nfields && shown < o.explain; i++) {
                    const field_ref *f = &c->fields[i];
                    const char *b = c->data + f->off;
                    long got = p->kind == P_PEER ? p->peer->parse(b, f->len)
                                                 : safeaddr_count(b, f->len);
                    long want = f->expect < 0 ? -1 : f->expect;
                    if (p->kind == P_PEER && want < 0)
                        want = 0;
                    if (got == want)
                        continue;
                    shown++;
                    printf("%s\t%s\tfield %zu\tgot %ld\twant %ld\t", p->name,
                           c->name, i, got, want);
                    for (size_t k = 0; k < f->len && k < 300; k++) {
                        unsigned char ch = (unsigned char)b[k];
                        if (ch == '\r')
                            fputs("\\r", stdout);
                        else if (ch == '\n')
                            fputs("\\n", stdout);
                        else if (ch < 0x20 || ch == 0x7f)
                            printf("\\x%02x", ch);
                        else
                            putchar(ch);
                    }
                    if (f->len > 300)
                        fputs("...", stdout);
                    putchar('\n');
                }
            }
        }
        return 0;
    }

    FILE *out = stdout;
    if (o.out && (out = fopen(o.out, "w")) == NULL)
        die("cannot write --out file");

    /* ---- probe every pair */
    cell *cells = xmalloc(np * nc * sizeof *cells);
    memset(cells, 0, np * nc * sizeof *cells);
    for (size_t pi = 0; pi < np; pi++) {
        for (size_t ci = 0; ci < nc; ci++) {
            cell *x = &cells[pi * nc + ci];
            const parser *p = &parsers[pi];
            x->probe = probe(p, &cs[ci], o.probe_limit_s);
            x->count = x->probe.res.count;
            x->rejects = x->probe.res.rejects;
            x->samples = xmalloc(o.rounds * sizeof *x->samples);
            if (x->probe.status == PR_OK) {
                double want = o.sample_ms * 1e6;
                double per = x->probe.pass_ns ? (double)x->probe.pass_ns : 1.0;
                double reps = want / per;
                x->reps = reps < 1.0 ? 1u : reps > 1e6 ? 1000000u
                                                        : (unsigned)(reps + 0.5);
            }
            char sbuf[64];
            fprintf(stderr, "probe %-18s %-28s %s\n", p->name, cs[ci].name,
                    probe_status_text(&x->probe, sbuf, sizeof sbuf,
                                      o.probe_limit_s));
        }
    }

    /* ---- interleaved rounds, order rotated each round */
    for (unsigned round = 0; round < o.rounds; round++) {
        for (size_t a = 0; a < np; a++) {
            const size_t pi = (a + round) % np;
            const parser *p = &parsers[pi];
            for (size_t b = 0; b < nc; b++) {
                const size_t ci = (b + round) % nc;
                cell *x = &cells[pi * nc + ci];
                if (x->probe.status != PR_OK)
                    continue;
                select_kernel(p);
                pass_result r = {0, 0};
                uint64_t t0 = now_ns();
                for (unsigned k = 0; k < x->reps; k++)
                    r = run_pass(p, &cs[ci]);
                uint64_t t1 = now_ns();
                if (r.count != x->count || r.rejects != x->rejects)
                    x->count_changed = 1;
                x->samples[x->nsamples++] = (t1 - t0) / x->reps;
            }
        }
        fprintf(stderr, "round %u/%u done\n", round + 1, o.rounds);
    }

    /* ---- results */
    fprintf(out, "parser\tcorpus\tkind\tfamily\tbytes\tfields\texpect\t"
                 "expect_rejects\tcount\trejects\tstatus\trounds\treps\t"
                 "median_ns\tmin_ns\tmax_ns\tmb_s\tns_per_addr\n");
    for (size_t pi = 0; pi < np; pi++) {
        for (size_t ci = 0; ci < nc; ci++) {
            cell *x = &cells[pi * nc + ci];
            const corpus *c = &cs[ci];
            char sbuf[64];
            const char *status = probe_status_text(&x->probe, sbuf,
                                                   sizeof sbuf, o.probe_limit_s);
            if (x->count_changed)
                status = "count not deterministic";
            fprintf(out, "%s\t%s\t%s\t%s\t%zu\t%zu\t%ld\t%ld\t%ld\t%ld\t%s",
                    parsers[pi].name, c->name, c->kind, c->family, c->bytes,
                    c->nfields, c->expect, c->rejects, x->count, x->rejects,
                    status);
            if (x->nsamples == 0) {
                fprintf(out, "\t0\t0\t\t\t\t\t\n");
                continue;
            }
            qsort(x->samples, x->nsamples, sizeof *x->samples, cmp_u64);
            const uint64_t med = x->samples[x->nsamples / 2];
            const double mbs = med ? (double)c->bytes * 1e3 / (double)med : 0;
            fprintf(out, "\t%u\t%u\t%llu\t%llu\t%llu\t%.1f\t", x->nsamples,
                    x->reps, (unsigned long long)med,
                    (unsigned long long)x->samples[0],
                    (unsigned long long)x->samples[x->nsamples - 1], mbs);
            if (c->expect > 0)
                fprintf(out, "%.1f", (double)med / (double)c->expect);
            fputc('\n', out);
        }
    }
    if (unavailable[0])
        fprintf(out, "# unavailable:%s\n", unavailable);
    if (out != stdout)
        fclose(out);
    return 0;
}
