/*
 * crackaddr.c - byte-exact twin of sendmail 8.17 crackaddr()
 *
 * sendmail turns each header address into a template (display name,
 * comments, group syntax, trailing text kept; the address replaced by the
 * macro bytes 0x81 'g') before rewriting it. Its crackaddr() copied into a
 * 257-byte static buffer under a hand-kept limit; up to 8.12.7 a run of
 * "<>" moved that limit past the end of the buffer (CVE-2002-1337, CERT
 * CA-2003-07). 8.12.8 and later check every write and give up with
 * "<\201g>" and a LOG_ALERT instead ("the punt").
 *
 * This file reproduces 8.17.1.9's output byte for byte, quirks included,
 * because sendmail's later stages and every existing configuration depend
 * on that exact text; the behaviour is specified in README "crackaddr"
 * (written from reading sendmail and checked against 3,364 outputs of the
 * real program) and implemented here independently. What differs is how
 * the bytes are held:
 *
 *   - positions are indices, and the only write primitive (tw_put) checks
 *     the soft limit, the 256-byte ceiling and the caller's capacity;
 *   - bytes at positions >= cap are counted, not stored, so any capacity
 *     works and the function still reports the exact length needed;
 *   - sendmail reads back one output byte (is the previous byte ')'?);
 *     we remember the last byte instead of reading the buffer, which is
 *     what lets a small caller buffer work;
 *   - counters are 64-bit: no input length can overflow them.
 *
 * The limit bookkeeping (reserve a byte for a closer when "(" or the first
 * "<" is seen, give it back at ")" or ">", the inverted bookkeeping for a
 * quote in copied text) is kept exactly, because where it makes 8.17 punt
 * is part of the observable behaviour.
 */
#include "internal.h"
#include <string.h>

/* sendmail's buffer is MAXNAME + 1 = 257 bytes; its last byte holds the
 * NUL, so writes go to positions 0..255 and a finished template must be
 * shorter than 256 bytes. */
#define CEILING ((size_t)SAFEADDR_CRACKADDR_BUFSIZE - 1)

static const char punt_template[4] = {'<', '\x81', 'g', '>'};

/* ------------------------------------------------------- template writer */

typedef struct {
    char *out;      /* caller's buffer, bytes [0, cap) stored           */
    size_t cap;
    size_t pos;     /* next write position (sendmail's bp)              */
    size_t limit;   /* soft limit (sendmail's buflim), 0..CEILING+1     */
    size_t head;    /* start of the current address's output (bufhead) */
    int last;       /* byte at pos-1, or -1 when pos == 0               */
    int before;     /* value of `last` before the latest put (for undo) */
    int head_last;  /* value of `last` when head was set                */
} template_writer;

/* Room for one more byte: below the soft limit, and the soft limit itself
 * not raised past the ceiling (a quote in copied text can do that, and
 * then every later write punts: the 8.17 quirk for `<a@b> "x"`). */
static int tw_room(const template_writer *w)
{
    return w->pos < w->limit && w->limit <= CEILING;
}

/* tw_put - append one byte; 0 means "no room": the caller punts. The
 * room test bounds pos below CEILING, so pos + 1 cannot overflow, and
 * the store happens only below cap. */
static int tw_put(template_writer *w, unsigned char c)
{
    if (!tw_room(w))
        return 0;
    if (w->pos < w->cap)
        w->out[w->pos] = (char)c;
    w->pos++;
    w->before = w->last;
    w->last = c;
    return 1;
}

/* tw_put_final - the closing repairs: checked against the ceiling only
 * (the reservations made for them are what the soft limit kept free). */
static int tw_put_final(template_writer *w, unsigned char c)
{
    if (w->pos >= CEILING)
        return 0;
    if (w->pos < w->cap)
        w->out[w->pos] = (char)c;
    w->pos++;
    w->last = c;
    return 1;
}

/* tw_unput - take back the byte just put (only ever called right after a
 * tw_put that succeeded). */
static void tw_unput(template_writer *w)
{
    w->pos--;
    w->last = w->before;
}

/* tw_rewind - discard the current address's output. */
static void tw_rewind(template_writer *w)
{
    w->pos = w->head;
    w->last = w->head_last;
}

static void tw_mark_head(template_writer *w)
{
    w->head = w->pos;
    w->head_last = w->last;
}

/* ------------------------------------------------------------ byte sets */

/* ASCII isspace() in the C locale, which is what sendmail's SM_ISSPACE
 * means: SP, HT, LF, VT, FF, CR. 8-bit bytes are never blanks. */
static int is_blank(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

typedef struct {
    uint32_t bits[8];
} byte_set;

static void set_from_string(byte_set *set, const char *s)
{
    memset(set, 0, sizeof *set);
    /* sendmail asks strchr(MustQuoteChars, c) with c != NUL: membership of
     * the string's bytes, NUL excluded. */
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        set->bits[c >> 5] |= (uint32_t)1 << (c & 31);
    }
}

static int set_has(const byte_set *set, unsigned char c)
{
    return (set->bits[c >> 5] >> (c & 31)) & 1u;
}

/* --------------------------------------------------------------- parser */

typedef struct {
    const unsigned char *in;
    size_t len;
    size_t start;      /* first byte after the leading blanks (addr)     */
    size_t name_start; /* start of the current address's raw text        */
    int colon_ok;
    byte_set must_quote;
    template_writer w;

    int64_t cmt_depth;     /* comment depth in the input (cmtlev)        */
    int64_t out_cmt_depth; /* comments open in the output (realcmtlev)   */
    int64_t copy;          /* > 0: input bytes are copied (copylev)      */
    int64_t angle;         /* inside <...> (anglelev)                    */
    int64_t bracket;       /* [...] depth, for colons in literals        */
    int in_quote;          /* inside "..." in the input (qmode)          */
    int out_quote;         /* a quote is open in the output (realqmode)  */
    int owes_angle;        /* a '>' is owed and reserved (addangle)      */
    int wrote_g;           /* \201g written for this address (putgmac)   */
    int needs_quotes;      /* the display name must be quoted (quoteit)  */
    int seen_angle;        /* a '<' was seen before (gotangle)           */
    int seen_colon;        /* the group colon was handled (gotcolon)     */
} cracker;

/* name_end - where the display name before the delimiter at index `at`
 * ends once trailing blanks are left out. Never goes below `start`, whose
 * byte is not a blank; backing up may cross name_start (a group colon's
 * trailing blanks) and then stops at that colon. */
static size_t name_end(const cracker *k, size_t at)
{
    size_t end = at;
    while (end > k->start && is_blank(k->in[end - 1]))
        end--;
    return end;
}

/* rewrite_name - replace the current address's output by its raw text up
 * to and including the delimiter at index `at` ('<' or the group ':'),
 * the part before the blanks quoted when a byte in it needed quoting
 * (RFC 822 phrase rules: "Doe, John <j@x>" -> "\"Doe, John\" <$g>").
 * Every '"' inside is escaped, even one already escaped (8.17 does). */
static int rewrite_name(cracker *k, size_t at)
{
    template_writer *w = &k->w;
    tw_rewind(w);
    if (!k->needs_quotes) {
        for (size_t q = k->name_start; q <= at; q++)
            if (!tw_put(w, k->in[q]))
                return 0;
        return 1;
    }
    size_t end = name_end(k, at);
    if (!tw_put(w, '"'))
        return 0;
    for (size_t q = k->name_start; q < end; q++) {
        if (k->in[q] == '"' && !tw_put(w, '\\'))
            return 0;
        if (!tw_put(w, k->in[q]))
            return 0;
    }
    /* An empty name at the very start of the buffer loses its opening
     * quote instead of being closed; anywhere else it stays as "" (8.17
     * compares with the buffer start, not the address start). */
    if (w->pos == 1)
        tw_unput(w);
    else if (!tw_put(w, '"'))
        return 0;
    for (size_t q = end; q <= at; q++)
        if (!tw_put(w, k->in[q]))
            return 0;
    return 1;
}

/* put_address - an address character: the first one of an address
 * writes the macro \201g (after a blank when a comment precedes it). */
static int put_address(cracker *k)
{
    if (k->copy > 0 || k->wrote_g)
        return 1;
    if (k->w.pos > 0 && k->w.last == ')' && !tw_put(&k->w, ' '))
        return 0;
    if (!tw_put(&k->w, 0x81) || !tw_put(&k->w, 'g'))
        return 0;
    k->wrote_g = 1;
    return 1;
}

/* group_colon - the first ':' outside <...> and [...] when ColonOkInAddr
 * is false: "name:" is a group name (RFC 822 section 6.1), kept as typed,
 * and a new address starts after it and its blanks. Returns 0 to punt. */
static int group_colon(cracker *k, size_t *i)
{
    size_t at = *i - 1;
    k->seen_colon = 1;
    if (!rewrite_name(k, at))
        return 0;
    while (*i < k->len && is_blank(k->in[*i])) {
        if (!tw_put(&k->w, k->in[*i]))
            return 0;
        (*i)++;
    }
    k->copy = 0;
    k->wrote_g = 0;
    k->needs_quotes = 0;
    tw_mark_head(&k->w);
    k->name_start = *i;
    return 1;
}

/* open_angle - '<' outside comments and quotes: everything before it is
 * the display name; a second '<' means the first one was not the address
 * and forces quotes around all of it ("<a@b> <c@d>" -> "\"<a@b>\" <$g>"). */
static int open_angle(cracker *k, size_t at)
{
    if (k->seen_angle)
        k->needs_quotes = 1;
    k->seen_angle = 1;
    k->angle = 1;
    /* Reserve one byte for the closing '>', once per open angle. */
    if (tw_room(&k->w)) {
        if (!k->owes_angle)
            k->w.limit--;
        k->owes_angle = 1;
    }
    if (!rewrite_name(k, at))
        return 0;
    k->copy = 0;
    k->wrote_g = 0;
    k->needs_quotes = 0;
    return 1;
}

/* close_angle - '>'. Returns 0 to punt, 1 when done with the byte. */
static int close_angle(cracker *k, unsigned char c)
{
    template_writer *w = &k->w;
    if (k->angle > 0) {
        k->angle--;
        if (tw_room(w)) {
            if (k->owes_angle)
                w->limit++;
            k->owes_angle = 0;
        }
    } else if (tw_room(w)) {
        /* An unmatched '>' is dropped (taken back if copy mode already
         * wrote it) and makes the display name need quotes. */
        if (k->copy > 0 && w->pos > w->head)
            tw_unput(w);
        k->needs_quotes = 1;
        return 1;
    }
    /* After the angle address, trailing text is copied as typed. */
    if (k->copy++ <= 0 && !tw_put(w, c))
        return 0;
    return 1;
}

/* crack - the whole scan; 0 means punt. */
static int crack(cracker *k)
{
    template_writer *w = &k->w;
    size_t i = 0;

    /* Leading blanks are kept (8.12.8 and later; 8.9-8.12.7 dropped them). */
    while (i < k->len && is_blank(k->in[i])) {
        if (!tw_put(w, k->in[i]))
            return 0;
        i++;
    }
    tw_mark_head(w);
    k->start = k->name_start = i;

    while (i < k->len) {
        unsigned char c = k->in[i++];

        /* Copy mode: inside a comment or after the angle address, every
         * byte goes to the output first and is then interpreted. */
        if (k->copy > 0 && !tw_put(w, c))
            return 0;

        if (c == '\\') {
            if (k->cmt_depth <= 0 && !k->in_quote)
                k->needs_quotes = 1;
            /* A quoted-pair is one address character; a lone final
             * backslash is one too. */
            if (i < k->len) {
                unsigned char next = k->in[i++];
                if (k->copy > 0 && !tw_put(w, next))
                    return 0;
            }
            if (!put_address(k))
                return 0;
            continue;
        }

        if (c == '"' && k->cmt_depth <= 0) {
            k->in_quote = !k->in_quote;
            /* 8.17 keeps room for a closing quote the wrong way round:
             * an opening quote in copied text raises the limit and the
             * closing one lowers it. Raising it past the ceiling makes
             * the next write punt; the quirk is kept on purpose. */
            if (k->copy > 0 && tw_room(w)) {
                if (k->out_quote)
                    w->limit--;
                else
                    w->limit++;
                k->out_quote = !k->out_quote;
            }
            continue;
        }
        if (k->in_quote) {
            if (!put_address(k))
                return 0;
            continue;
        }

        if (c == '(') {
            k->cmt_depth++;
            /* Reserve a byte for the ')' that closes it in the output. */
            if (tw_room(w)) {
                w->limit--;
                k->out_cmt_depth++;
                if (k->copy++ <= 0) {
                    if (w->pos != w->head && !tw_put(w, ' '))
                        return 0;
                    if (!tw_put(w, c))
                        return 0;
                }
            }
        }
        if (k->cmt_depth > 0) {
            if (c == ')') {
                k->cmt_depth--;
                k->copy--;
                /* The reservation is given back only while there is room:
                 * a ')' written into the last free byte keeps it, and the
                 * owed closer then punts (8.17 quirk). */
                if (tw_room(w)) {
                    k->out_cmt_depth--;
                    w->limit++;
                }
            }
            continue;
        }
        if (c == ')') {
            /* Unmatched ')': taken back if copy mode wrote it; otherwise
             * it falls through as an address character. */
            if (k->copy > 0 && tw_room(w) && w->pos > w->head)
                tw_unput(w);
        }

        /* Domain literals may hold colons (IPv6): not a group colon. */
        if (c == '[')
            k->bracket++;
        else if (c == ']')
            k->bracket--;

        if (c == ':' && k->angle <= 0 && k->bracket <= 0 && !k->seen_colon &&
            !k->colon_ok) {
            /* DECnet "host::user" and "a:.b" are addresses, not groups. */
            if (i < k->len && (k->in[i] == ':' || k->in[i] == '.')) {
                k->needs_quotes = 1;
                if (k->copy > 0 &&
                    (!tw_put(w, c) || !tw_put(w, k->in[i])))
                    return 0;
                i++;
                if (!put_address(k))
                    return 0;
                continue;
            }
            if (!group_colon(k, &i))
                return 0;
            continue;
        }

        /* The ';' ending a group is kept (RFC 822 section 6.1). */
        if (c == ';' && k->copy <= 0 && !k->colon_ok && !tw_put(w, c))
            return 0;

        if (set_has(&k->must_quote, c) && k->cmt_depth <= 0 && !k->in_quote)
            k->needs_quotes = 1;

        if (c == '<') {
            if (!open_angle(k, i - 1))
                return 0;
            continue;
        }
        if (c == '>') {
            if (!close_angle(k, c))
                return 0;
            continue;
        }

        if (!put_address(k))
            return 0;
    }

    /* Close what the output left open, in the room reserved for it. */
    if (k->out_quote && w->pos < CEILING && !tw_put_final(w, '"'))
        return 0;
    for (int64_t n = k->out_cmt_depth; n > 0 && w->pos < CEILING; n--)
        if (!tw_put_final(w, ')'))
            return 0;
    if (k->owes_angle && w->pos < CEILING && !tw_put_final(w, '>'))
        return 0;
    /* A template that fills the whole 256 bytes punts too. */
    return w->pos < CEILING;
}

SAFEADDR_API void
safeaddr_crackaddr_settings_init(safeaddr_crackaddr_settings *settings)
{
    if (settings == NULL)
        return;
    memset(settings, 0, sizeof *settings);
    settings->struct_size = sizeof *settings;
    settings->colon_ok_in_addr = 0;
    settings->must_quote_chars = NULL;
}

SAFEADDR_API int safeaddr_crackaddr(const char *addr, size_t len,
                                    const safeaddr_crackaddr_settings *settings,
                                    char *out, size_t cap, size_t *out_len,
                                    int *punted)
{
    if (out_len != NULL)
        *out_len = 0;
    if (punted != NULL)
        *punted = 0;
    if (out_len == NULL || (addr == NULL && len > 0) ||
        (out == NULL && cap > 0))
        return SAFEADDR_E_PARAM;
    if (settings != NULL &&
        settings->struct_size < offsetof(safeaddr_crackaddr_settings,
                                         must_quote_chars) +
                                    sizeof settings->must_quote_chars)
        return SAFEADDR_E_PARAM;
    /* sendmail takes a C string: a NUL would end it there. */
    if (len > 0 && memchr(addr, '\0', len) != NULL)
        return SAFEADDR_E_NUL;

    cracker k;
    memset(&k, 0, sizeof k);
    k.in = (const unsigned char *)addr;
    k.len = len;
    k.colon_ok = settings != NULL && settings->colon_ok_in_addr != 0;
    set_from_string(&k.must_quote,
                    settings != NULL && settings->must_quote_chars != NULL
                        ? settings->must_quote_chars
                        : SAFEADDR_CRACKADDR_DEFAULT_MUST_QUOTE);
    k.w.out = out;
    k.w.cap = cap;
    k.w.limit = CEILING;
    k.w.last = k.w.before = k.w.head_last = -1;

    size_t n;
    if (crack(&k)) {
        n = k.w.pos;
    } else {
        /* The punt: "<\201g>", whatever was written before. */
        n = sizeof punt_template;
        if (cap > 0)
            memcpy(out, punt_template, n < cap ? n : cap);
        if (punted != NULL)
            *punted = 1;
    }
    *out_len = n;
    return n <= cap ? SAFEADDR_OK : SAFEADDR_E_NOSPACE;
}
