/*
 * shim.h - libsafeaddr-crackaddr internals (not installed)
 *
 * The shim puts safeaddr_crackaddr() behind sendmail's own entry point
 * char *crackaddr(char *addr, ENVELOPE *e), two ways (README "crackaddr
 * shim"):
 *
 *   - link time (libsafeaddr-crackaddr.a, built with SAFEADDR_SHIM_LINKTIME):
 *     sendmail is relinked with its own crackaddr weakened; the settings
 *     are sendmail's globals ColonOkInAddr and MustQuoteChars;
 *   - preload (libsafeaddr-crackaddr.so): a constructor finds the running
 *     sendmail's crackaddr and settings (known build table or .symtab) and
 *     patches the entry with a jump to our crackaddr; the settings are read
 *     through the addresses it found, at every call.
 */
#ifndef SAFEADDR_SHIM_H
#define SAFEADDR_SHIM_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

/* The LOG_ALERT text of sendmail 8.12.8 and later (CVE-2002-1337 fix). */
#define SHIM_ALERT_TEXT "Dropped invalid comments from header address"

/* Where the running program keeps what crackaddr() reads (preload). All
 * NULL / -1 until the constructor has patched a program. */
typedef struct {
    const volatile unsigned char *colon_ok_in_addr; /* sendmail bool       */
    char *const volatile *must_quote_chars;         /* char *MustQuoteChars */
    long envelope_id_offset; /* offsetof(ENVELOPE, e_id), -1 if unknown   */
} shim_settings_source;

/* Filled by the preload constructor before it patches anything; only read
 * afterwards (the program is single-threaded until main runs). */
extern shim_settings_source shim_source;

/* Marker mode (SAFEADDR_CRACKADDR_MARK=FILE, ignored in set-id programs):
 * every call appends one line to FILE, so a test can prove the safe code
 * ran. NULL when off. */
extern char *shim_mark_path;

/* The replacement itself; exported as crackaddr (an alias). */
char *shim_crackaddr(char *addr, void *envelope);

/* What the shim did in this process (exported: an administrator can ask
 * a running sendmail through a debugger). */
SHIM_EXPORT const char *safeaddr_shim_status(void);

/* Status text for safeaddr_shim_status() and SAFEADDR_CRACKADDR_STATUS. */
void shim_set_status(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A known sendmail build: the offsets (from the program's load address)
 * of its crackaddr, MustQuoteChars and ColonOkInAddr, the bytes crackaddr
 * must start with, and the ENVELOPE e_id offset for the alert. */
typedef struct {
    const char *name;          /* package and version, for messages       */
    const char *build_id;      /* lower-case hex of NT_GNU_BUILD_ID        */
    uint64_t crackaddr;
    uint64_t must_quote_chars;
    uint64_t colon_ok_in_addr;
    long envelope_id_offset;
    unsigned char prologue[16]; /* covers the 14 bytes the jump overwrites */
} shim_known_build;

extern const shim_known_build shim_known_builds[];
extern const size_t shim_known_build_count;

#endif
