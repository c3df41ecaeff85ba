/*
 * peer_mimetic.cc - mimetic's AddressList (C++ MIME library), constructed
 * from the field body as a std::string, the way mimetic's own
 * Rfc822Header accessors build it.
 *
 * The std::string copy is part of the cost: it is how the API takes input.
 * Exceptions (none are documented for parsing) are caught and counted as a
 * rejected field.
 */
#include <mimetic/rfc822/addresslist.h>

#include <string>

#include "bench.h"

static int mimetic_init(void) { return 0; }

static long mimetic_parse(const char *buf, size_t len)
{
    try {
        mimetic::AddressList list(std::string(buf, len));
        long count = 0;
        for (const mimetic::Address &a : list) {
            if (a.isGroup())
                count += (long)a.group().size();
            else
                count++;
        }
        return count;
    } catch (...) {
        return 0;
    }
}

extern "C" const bench_peer bench_peer_mimetic = {
    "mimetic", "mimetic::AddressList(std::string) (mimetic 0.9.8)",
    mimetic_init, mimetic_parse};
