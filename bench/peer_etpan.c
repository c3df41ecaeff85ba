/*
 * peer_etpan.c - libetpan's mailimf_address_list_parse() (the IMF parser
 * of Claws Mail, Mailcore and sylpheed-derived clients).
 *
 * The call returns MAILIMF_NO_ERROR with *indx where it stopped; a parser
 * that stops before the end of the field has only read part of it, and the
 * mailbox count then falls short of the corpus's expected count, which the
 * harness flags.
 */
#include <libetpan/libetpan.h>

#include "bench.h"

static int etpan_init(void) { return 0; }

static long count_mailboxes(const struct mailimf_mailbox_list *mbl)
{
    return mbl == NULL ? 0 : (long)clist_count(mbl->mb_list);
}

static long etpan_parse(const char *buf, size_t len)
{
    size_t index = 0;
    struct mailimf_address_list *list = NULL;
    if (mailimf_address_list_parse(buf, len, &index, &list) !=
            MAILIMF_NO_ERROR ||
        list == NULL)
        return 0;
    long count = 0;
    for (clistiter *it = clist_begin(list->ad_list); it != NULL;
         it = clist_next(it)) {
        const struct mailimf_address *a = clist_content(it);
        if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
            count++;
        else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
                 a->ad_data.ad_group != NULL)
            count += count_mailboxes(a->ad_data.ad_group->grp_mb_list);
    }
    mailimf_address_list_free(list);
    return count;
}

const bench_peer bench_peer_etpan = {
    "libetpan", "mailimf_address_list_parse() (libetpan 1.9)", etpan_init,
    etpan_parse};
