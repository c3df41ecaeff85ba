/*
 * shim_crackaddr.c - sendmail's char *crackaddr(char *addr, ENVELOPE *e)
 * on top of safeaddr_crackaddr()
 *
 * Same contract as sendmail 8.17 (README "crackaddr"): the result is a
 * NUL-terminated template in a static buffer of MAXNAME + 1 = 257 bytes
 * that the next call overwrites (per thread here: sendmail is single-
 * threaded, other callers get no shared state), the function never fails
 * and never returns NULL, and an overflow gives "<\201g>" with
 * LOG_ALERT "Dropped invalid comments from header address" (the
 * CVE-2002-1337 fix's alert, unconditional in sendmail, kept so log
 * watchers keep working). errno is preserved.
 *
 * Built twice: for the preload shim (settings read through the addresses
 * the constructor found) and with SAFEADDR_SHIM_LINKTIME for relinking
 * sendmail (settings are sendmail's own globals, resolved by the linker).
 */
#include "shim.h"
#include "safeaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

shim_settings_source shim_source = {NULL, NULL, -1};
char *shim_mark_path = NULL;
static char *status_text = NULL;

#ifdef SAFEADDR_SHIM_LINKTIME
/* sendmail's globals (conf.c, readcf.c). Weak, so the archive also links
 * into a program without them (then the defaults apply). ColonOkInAddr is
 * a 1-byte bool in sendmail built with <stdbool.h> (Linux); reading its
 * first byte is also right for an int bool on a little-endian machine. */
extern unsigned char ColonOkInAddr __attribute__((weak));
extern char *MustQuoteChars __attribute__((weak));

/* Optional: the relinked program can define this (one line compiled
 * against sendmail.h, README "Relinking") so the alert carries the queue
 * id as sendmail's own sm_syslog() call does. */
extern const char *safeaddr_crackaddr_queue_id(void *envelope)
    __attribute__((weak));
#endif

void shim_set_status(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    free(status_text);
    status_text = s;
}

/* safeaddr_shim_status - what the shim did in this process, for an
 * administrator (e.g. gdb -p PID -batch -ex 'p (char*)safeaddr_shim_status()'). */
const char *safeaddr_shim_status(void)
{
    if (status_text != NULL)
        return status_text;
#ifdef SAFEADDR_SHIM_LINKTIME
    return "safeaddr crackaddr: linked in at build time";
#else
    return "safeaddr crackaddr: inactive (not a sendmail this shim knows)";
#endif
}

static void read_settings(safeaddr_crackaddr_settings *s)
{
    safeaddr_crackaddr_settings_init(s);
#ifdef SAFEADDR_SHIM_LINKTIME
    if (&ColonOkInAddr != NULL)
        s->colon_ok_in_addr = ColonOkInAddr != 0;
    if (&MustQuoteChars != NULL)
        s->must_quote_chars = MustQuoteChars;
#else
    /* Read at every call: the config sets both after the constructor. */
    if (shim_source.colon_ok_in_addr != NULL)
        s->colon_ok_in_addr = *shim_source.colon_ok_in_addr != 0;
    if (shim_source.must_quote_chars != NULL)
        s->must_quote_chars = *shim_source.must_quote_chars;
#endif
}

/* The queue id sendmail's sm_syslog() would put before the text, or NULL
 * when this build's ENVELOPE layout is not known. *known says whether the
 * answer means anything ("NOQUEUE" is sendmail's word for no id). */
static const char *queue_id(void *envelope, int *known)
{
    *known = 0;
    if (envelope == NULL)
        return NULL;
#ifdef SAFEADDR_SHIM_LINKTIME
    if (safeaddr_crackaddr_queue_id != NULL) {
        *known = 1;
        return safeaddr_crackaddr_queue_id(envelope);
    }
    return NULL;
#else
    if (shim_source.envelope_id_offset < 0)
        return NULL;
    *known = 1;
    const char *const *slot =
        (const char *const *)((const char *)envelope +
                              shim_source.envelope_id_offset);
    return *slot;
#endif
}

static void alert(void *envelope)
{
    int known;
    const char *id = queue_id(envelope, &known);
    /* sendmail's program has called openlog("sendmail", LOG_PID, LOG_MAIL)
     * by the time a header is processed, so this lands where its own alert
     * would, with the same priority and text. */
    if (!known)
        syslog(LOG_ALERT, "%s", SHIM_ALERT_TEXT);
    else if (id == NULL)
        syslog(LOG_ALERT, "NOQUEUE: %s", SHIM_ALERT_TEXT);
    else if (*id == '\0')
        syslog(LOG_ALERT, "%s", SHIM_ALERT_TEXT);
    else
        syslog(LOG_ALERT, "%s: %s", id, SHIM_ALERT_TEXT);
}

/* One line per call in marker mode: proof for tests that this code, not
 * the original, answered. Opened per call because sendmail closes the
 * descriptors it does not know about. */
static void mark(size_t in_len, size_t out_len, int punted)
{
    if (shim_mark_path == NULL)
        return;
    int fd = open(shim_mark_path,
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    char line[96];
    int n = snprintf(line, sizeof line, "safeaddr crackaddr: in %zu out %zu%s\n",
                     in_len, out_len, punted ? " alert" : "");
    if (n > 0 && (size_t)n < sizeof line) {
        ssize_t w = write(fd, line, (size_t)n);
        (void)w;
    }
    close(fd);
}

char *shim_crackaddr(char *addr, void *envelope)
{
    /* sendmail's own result buffer: the ABI hands callers this pointer. */
    static _Thread_local char result[SAFEADDR_CRACKADDR_BUFSIZE];
    int saved_errno = errno;

    safeaddr_crackaddr_settings settings;
    read_settings(&settings);
    const char *in = addr != NULL ? addr : "";
    size_t in_len = strlen(in);
    size_t n = 0;
    int punted = 0;
    /* One byte kept for the NUL; every template fits (at most 255). */
    int rc = safeaddr_crackaddr(in, in_len, &settings, result,
                                sizeof result - 1, &n, &punted);
    if (rc != SAFEADDR_OK || n >= sizeof result) {
        /* Unreachable for a C string; answer like an overflow rather
         * than return anything unchecked. */
        memcpy(result, "<\201g>", 4);
        n = 4;
        punted = 1;
    }
    result[n] = '\0';
    if (punted)
        alert(envelope);
    mark(in_len, n, punted);
    errno = saved_errno;
    return result;
}

/* The exported name is an alias: the preload patch jumps to the hidden
 * shim_crackaddr, whose address cannot be interposed (a sendmail that
 * exports its own crackaddr would otherwise be patched to jump to
 * itself). */
SHIM_EXPORT char *crackaddr(char *addr, void *envelope)
    __attribute__((alias("shim_crackaddr")));
