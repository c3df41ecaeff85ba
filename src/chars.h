/*
 * chars.h - byte classes (internal)
 *
 * No <ctype.h>, no locale: the classes are fixed by RFC 5322 section 3.2.3
 * and indexed by unsigned char only.
 */
#ifndef SAFEADDR_CHARS_H
#define SAFEADDR_CHARS_H

#include <stdint.h>

#define SAFEADDR__C_ATEXT 0x01   /* RFC 5322 atext                          */
#define SAFEADDR__C_SPECIAL 0x02 /* ( ) < > [ ] : ; @ \ , . "              */
#define SAFEADDR__C_WSP 0x04     /* SP HTAB                                 */
#define SAFEADDR__C_CTL 0x08     /* 0x00-0x1F except HTAB, 0x7F             */
#define SAFEADDR__C_HIGH 0x10    /* >= 0x80                                 */
#define SAFEADDR__C_ALNUM 0x20   /* ALPHA DIGIT                             */
#define SAFEADDR__C_DIGIT 0x40   /* DIGIT                                   */
#define SAFEADDR__C_HEX 0x80     /* HEXDIG (either case)                    */
#define SAFEADDR__C_HOST 0x100   /* may appear in a host name as written:
                                    letters, digits, '-', '.', and 8-bit
                                    (U-labels are judged by IDNA)          */
#define SAFEADDR__C_PLAIN 0x200  /* local-part bytes that need no second
                                    look: atext and '.' except '$' '`' '='
                                    (expansion, encoded-words)             */

/* Hidden in the declaration too, not only by -fvisibility=hidden at the
 * definition: then every file reads the table PC-relative instead of
 * through the GOT, a load saved on each byte-class lookup. */
extern const uint16_t safeaddr__char_class[256]
    __attribute__((visibility("hidden")));

static inline int safeaddr__is_atext(unsigned char c)
{
    return (safeaddr__char_class[c] & SAFEADDR__C_ATEXT) != 0;
}

static inline unsigned char safeaddr__lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

#endif
