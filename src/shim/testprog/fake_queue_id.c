/*
 * fake_queue_id.c - the optional hook of a relinked sendmail
 *
 * In a real relink this is one function compiled against sendmail.h
 * (README "Relinking"): it lets the link-time crackaddr() put the queue id
 * in front of its LOG_ALERT as sendmail's sm_syslog() does.
 */
#include "fake_sendmail.h"

const char *safeaddr_crackaddr_queue_id(void *envelope);

const char *safeaddr_crackaddr_queue_id(void *envelope)
{
    return ((fake_envelope *)envelope)->e_id;
}
