/*
 * peer_dovecot.c - Dovecot's message_address_parse() (lib-mail), the parser
 * behind IMAP ENVELOPE and every address Dovecot reads from a header.
 *
 * Set-up as Dovecot's own callers and its fuzz target do: lib_init() for
 * the data stack, one alloconly pool cleared after each field (so the
 * allocator cost is what a long-running imap process pays), no limit on
 * the number of addresses, default flags.
 */
#include "lib.h"
#include "mempool.h"
#include "message-address.h"

#include <limits.h>

#include "bench.h"

static pool_t field_pool;

static int dovecot_init(void)
{
    lib_init();
    field_pool = pool_alloconly_create("safeaddr-bench", 16384);
    return field_pool == NULL ? -1 : 0;
}

/* Group markers are {name, NULL route, "group"/NULL mailbox, NULL domain}
 * (message-address.h); a mailbox always has a non-NULL domain ("" when the
 * address had none), so counting non-NULL domains counts mailboxes. */
static long dovecot_parse(const char *buf, size_t len)
{
    long count = 0;
    T_BEGIN {
        const struct message_address *a = message_address_parse(
            field_pool, (const unsigned char *)buf, len, UINT_MAX, 0);
        for (; a != NULL; a = a->next)
            if (a->domain != NULL)
                count++;
    } T_END;
    p_clear(field_pool);
    return count;
}

const bench_peer bench_peer_dovecot = {
    "dovecot", "message_address_parse() (dovecot 2.3, lib-mail)",
    dovecot_init, dovecot_parse};
