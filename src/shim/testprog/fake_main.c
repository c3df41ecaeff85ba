/*
 * fake_main.c - a program shaped like sendmail for the shim tests
 *
 * Reads lines on stdin. "colon=0" / "colon=1" set ColonOkInAddr and
 * "mq=CHARS" sets MustQuoteChars (as sendmail's config does after the
 * preload constructor ran); any other line, in the line-protocol escaping
 * (\\ \n \r \t \xHH), is passed to crackaddr() twice, from this object
 * (like /parse and remotename()) and from fake_headers.o (like
 * eatheader()). Prints "A<TAB>result<TAB>B<TAB>result" with bytes outside
 * printable ASCII as \xHH.
 */
#include "fake_sendmail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* unescape in place; returns 0 on a bad escape */
static int unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r != '\0'; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == '\\')
            *w++ = '\\';
        else if (*r == 'n')
            *w++ = '\n';
        else if (*r == 'r')
            *w++ = '\r';
        else if (*r == 't')
            *w++ = '\t';
        else if (*r == 'x' && hex(r[1]) >= 0 && hex(r[2]) >= 0) {
            *w++ = (char)(hex(r[1]) * 16 + hex(r[2]));
            r += 2;
        } else
            return 0;
    }
    *w = '\0';
    return 1;
}

static void put(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7F && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
}

int main(void)
{
    static fake_envelope env;
    env.e_id = "FAKEQID";
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) != -1) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (strcmp(line, "colon=0") == 0 || strcmp(line, "colon=1") == 0) {
            ColonOkInAddr = line[6] == '1';
            continue;
        }
        if (strncmp(line, "mq=", 3) == 0) {
            MustQuoteChars = strdup(line + 3);
            continue;
        }
        if (!unescape(line)) {
            puts("bad escape");
            continue;
        }
        fputs("A\t", stdout);
        put(crackaddr(line, &env));
        fputs("\tB\t", stdout);
        put(fake_eatheader(line, &env));
        putchar('\n');
        fflush(stdout);
    }
    free(line);
    return 0;
}
