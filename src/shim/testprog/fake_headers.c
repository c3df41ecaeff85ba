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

/* Keep both functions real calls, as in sendmail (noipa: GCC only). */
#if defined(__clang__)
#define FAKE_NOINLINE __attribute__((noinline))
#else
#define FAKE_NOINLINE __attribute__((noinline, noipa))
#endif

#ifndef FAKE_VERSION
#define FAKE_VERSION "8.17.1.9"
#endif

bool ColonOkInAddr = false;
char *MustQuoteChars = "@,;:\\()[].'";
char Version[] = FAKE_VERSION;

/* The result goes through a volatile pointer: clang would otherwise let
 * fake_eatheader use &buf instead of the returned pointer, and no relink
 * could redirect that (the hazard README "Relinking" warns about; the
 * preload shim refuses clang-built programs for it). */
static char buf[257];
static char *volatile result = buf;

FAKE_NOINLINE char *crackaddr(char *addr, void *e)
{
    snprintf(buf, sizeof buf, "ORIGINAL %p %.200s", e, addr);
    return result;
}

FAKE_NOINLINE char *fake_eatheader(char *addr, void *e)
{
    return crackaddr(addr, e);
}
