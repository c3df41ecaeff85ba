/*
 * bench.h - interface between the benchmark harness and the peer adapters
 *
 * One adapter file per peer parser (bench/peer_*.c, peer_mimetic.cc). Each
 * defines one `bench_peer` object; the harness declares them all weak, so a
 * peer whose Debian package could not be installed is simply not linked and
 * shows up as "unavailable" instead of breaking the build.
 */
#ifndef SAFEADDR_BENCH_H
#define SAFEADDR_BENCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;    /* column name in the tables, e.g. "dovecot"      */
    const char *call;    /* the function timed, for the README             */
    /* One-time library set-up (allocators, g_mime_init...). Returns 0 on
     * success; a peer whose init fails is reported "unavailable". */
    int (*init)(void);
    /* Parse one field body as an address list. buf[len] is a NUL byte that
     * the harness guarantees (several peers take C strings), and the corpus
     * has no NUL inside fields. Returns the number of mailboxes the peer
     * produced (group members counted, group markers not), 0 when it
     * rejected the field, and frees everything it allocated. */
    long (*parse)(const char *buf, size_t len);
} bench_peer;

#ifdef __cplusplus
}
#endif

#endif
