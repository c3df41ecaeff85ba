/*
 * peer_mailutils.c - GNU Mailutils' mu_address_create() (mail, movemail,
 * the Mailutils MDA and Sieve), the RFC 822 parser of parse822.c.
 *
 * Counts e-mail addresses (mu_address_get_email_count: group members
 * counted, group names not).
 */
#include <mailutils/address.h>
#include <mailutils/errno.h>

#include "bench.h"

static int mailutils_init(void) { return 0; }

/* Takes a C string: the harness guarantees buf[len] == 0. */
static long mailutils_parse(const char *buf, size_t len)
{
    (void)len;
    mu_address_t addr = NULL;
    if (mu_address_create(&addr, buf) != 0)
        return 0;
    size_t count = 0;
    if (mu_address_get_email_count(addr, &count) != 0)
        count = 0;
    mu_address_destroy(&addr);
    return (long)count;
}

const bench_peer bench_peer_mailutils = {
    "mailutils", "mu_address_create() (GNU Mailutils 3.15)", mailutils_init,
    mailutils_parse};
