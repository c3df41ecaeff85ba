/*
 * fake_headers.c - stands in for sendmail's headers.o in the shim tests
 *
 * Holds what the shim looks for in a sendmail (crackaddr, MustQuoteChars,
 * ColonOkInAddr, Version) with sendmail's types, and, like headers.o, a
 * caller of crackaddr() inside the same object (eatheader() in sendmail):
 * the call a --wrap relink misses. This crackaddr is deliberately not
 * sendmail's: it answers "ORIGINAL", so any answer that is a real template
 * proves the safe code ran.
 */
#include "fake_sendmail.h"

#include <stdio.h>

#ifndef FAKE_VERSION
#define FAKE_VERSION "8.17.1.9"
#endif

bool ColonOkInAddr = false;
char *MustQuoteChars = "@,;:\\()[].'";
char Version[] = FAKE_VERSION;

__attribute__((noinline, noipa)) char *crackaddr(char *addr, void *e)
{
    static char buf[257];
    snprintf(buf, sizeof buf, "ORIGINAL %p %.200s", e, addr);
    return buf;
}

__attribute__((noinline, noipa)) char *fake_eatheader(char *addr, void *e)
{
    return crackaddr(addr, e);
}
