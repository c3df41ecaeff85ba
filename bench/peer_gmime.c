/*
 * peer_gmime.c - GMime 3's internet_address_list_parse(), used by
 * Evolution, notmuch, Balsa and MimeKit's ancestors.
 *
 * g_mime_init() once; default parser options (GMime's own defaults, loose
 * address compliance, as used when parsing a message); the list is freed
 * with g_object_unref after counting.
 */
#include <gmime/gmime.h>

#include "bench.h"

static int gmime_init(void)
{
    g_mime_init();
    return 0;
}

static long count_list(InternetAddressList *list)
{
    long count = 0;
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(a)) {
            InternetAddressList *members = internet_address_group_get_members(
                INTERNET_ADDRESS_GROUP(a));
            if (members != NULL)
                count += count_list(members);
        } else {
            count++;
        }
    }
    return count;
}

/* Takes a C string: the harness guarantees buf[len] == 0. */
static long gmime_parse(const char *buf, size_t len)
{
    (void)len;
    InternetAddressList *list = internet_address_list_parse(NULL, buf);
    if (list == NULL)
        return 0;
    long count = count_list(list);
    g_object_unref(list);
    return count;
}

const bench_peer bench_peer_gmime = {
    "gmime", "internet_address_list_parse() (GMime 3.2)", gmime_init,
    gmime_parse};
