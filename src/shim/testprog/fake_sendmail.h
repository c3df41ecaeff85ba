/* fake_sendmail.h - the pieces of sendmail the shim tests imitate */
#ifndef FAKE_SENDMAIL_H
#define FAKE_SENDMAIL_H

#include <stdbool.h>

extern bool ColonOkInAddr;
extern char *MustQuoteChars;
extern char Version[];

char *crackaddr(char *addr, void *e);
/* a caller in the same object as crackaddr, like sendmail's eatheader() */
char *fake_eatheader(char *addr, void *e);

/* sendmail's ENVELOPE is opaque to the shim; e_id is a char * in it */
typedef struct {
    char pad[0x158];
    char *e_id;
} fake_envelope;

#endif
