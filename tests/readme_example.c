#include <safeaddr.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *to = "Friends: \"Doe, Jane\" <jane@example.org>, bob@example.net;";
    safeaddr_iter it;
    safeaddr_item m;
    safeaddr_error err;
    if (safeaddr_iter_init(&it, to, strlen(to), SAFEADDR_ADDRESS_LIST, NULL, &err))
        return 1;
    int r;
    while ((r = safeaddr_next(&it, &m, &err)) == SAFEADDR_NEXT_ITEM) {
        char addr[256], name[256];
        size_t alen, nlen;
        if (m.kind != SAFEADDR_ITEM_MAILBOX)
            continue; /* group start and end markers */
        if (safeaddr_format_addr_spec(&m, addr, sizeof addr, &alen) != SAFEADDR_OK ||
            safeaddr_text(m.display, SAFEADDR_TEXT_PHRASE, name, sizeof name, &nlen) != SAFEADDR_OK)
            return 1; /* does not fit: nothing is ever truncated */
        printf("%.*s <%.*s>\n", (int)nlen, name, (int)alen, addr);
    }
    if (r == SAFEADDR_NEXT_ERROR) /* the whole field is invalid, not just the rest */
        fprintf(stderr, "offset %zu: %s\n", err.offset, safeaddr_strerror(err.code));
    return r == SAFEADDR_NEXT_ERROR;
}
