/*
 * scan_scalar.c - reference block classifier (portable C, the oracle)
 *
 * Slow on purpose and obviously right: a 256-entry class table indexed by
 * unsigned char (never a plain char: sign extension turned 0xFF into -1 in
 * sendmail's prescan, CVE-2003-0161) and a loop that sets one bit per byte.
 * Every SIMD kernel must produce exactly these masks.
 */
#include "scan.h"
#include "chars.h"

void safeaddr__classify_scalar(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out)
{
    safeaddr__block_masks m = {0};
    if (valid > 64)
        valid = 64;
    for (unsigned i = 0; i < valid; i++) {
        const unsigned char c = block[i];
        const uint64_t bit = (uint64_t)1 << i;
        const uint16_t cls = safeaddr__char_class[c];
        if (!(cls & SAFEADDR__C_ATEXT))
            m.non_atext |= bit;
        if (c == ' ' || c == '\t')
            m.wsp |= bit;
        if (c == '"')
            m.dquote |= bit;
        if (c == '\\')
            m.bslash |= bit;
        if (c == '(')
            m.lparen |= bit;
        if (c == ')')
            m.rparen |= bit;
        if (c == '[')
            m.lbrack |= bit;
        if (c == ']')
            m.rbrack |= bit;
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            m.ctl |= bit;
        if (c >= 0x80)
            m.high |= bit;
        if ((cls & SAFEADDR__C_ALNUM) || c == '-')
            m.ldh |= bit;
        if (cls & SAFEADDR__C_DIGIT)
            m.digit |= bit;
        if (c == '.')
            m.dot |= bit;
        if (c == '-')
            m.hyphen |= bit;
        if (c == '$' || c == '`' || c == '=')
            m.expand |= bit;
    }
    *out = m;
}
