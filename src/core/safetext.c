/* Escaping untrusted text for display; see safetext.h.  Valid UTF-8 that is
 * printable passes through; everything else becomes a visible escape. */
#include "authtxt/safetext.h"

#include <stdint.h>

/* Decode one UTF-8 sequence at s[0..n).  Returns its length and sets *cp,
 * or 0 when the bytes are not valid UTF-8 (overlong, surrogate, too big,
 * truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2, c = s[0] & 0x1f, min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3, c = s[0] & 0x0f, min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Code points that must not reach a terminal as themselves: C0 and C1
 * controls, DEL, and the bidi controls that reorder what follows them
 * (Trojan Source, CVE-2021-42574), plus line/paragraph separators. */
static bool is_dangerous(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
           (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c || cp == 0x2028 || cp == 0x2029 ||
           cp == 0xfeff;
}

/* East Asian Wide and Fullwidth ranges (the common blocks): 2 columns. */
static bool is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
           (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
           (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t safetext_utf8_char(const char *s, size_t n)
{
    uint32_t cp;
    return n ? utf8_decode((const unsigned char *)s, n, &cp) : 0;
}

bool safetext_needs_escape(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || is_dangerous(cp))
            return true;
        i += n;
    }
    return false;
}

size_t safetext_escape(const char *text, size_t len, struct strbuf *out, size_t *columns)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    size_t col = 0, escaped = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        char buf[16];
        size_t blen = 0, width;
        if (n == 0) {
            /* An invalid byte: show it alone and resynchronise after it. */
            n = 1;
            buf[blen++] = '\\', buf[blen++] = 'x';
            buf[blen++] = hex[s[i] >> 4], buf[blen++] = hex[s[i] & 15];
            width = blen;
            escaped++;
        } else if (is_dangerous(cp)) {
            buf[blen++] = '\\';
            if (cp == '\t') {
                buf[blen++] = 't';
            } else if (cp == '\n') {
                buf[blen++] = 'n';
            } else if (cp == '\r') {
                buf[blen++] = 'r';
            } else if (cp < 0x100) {
                buf[blen++] = 'x', buf[blen++] = hex[cp >> 4], buf[blen++] = hex[cp & 15];
            } else {
                buf[blen++] = 'u', buf[blen++] = '{';
                for (int shift = 12; shift >= 0; shift -= 4)
                    buf[blen++] = hex[(cp >> shift) & 15];
                buf[blen++] = '}';
            }
            width = blen;
            escaped++;
        } else {
            for (size_t k = 0; k < n; k++)
                buf[blen++] = (char)s[i + k];
            width = is_wide(cp) ? 2 : 1;
        }
        if (columns)
            for (size_t k = 0; k < n; k++)
                columns[i + k] = col;
        strbuf_append(out, buf, blen);
        col += width;
        i += n;
    }
    if (columns)
        columns[len] = col;
    return escaped;
}
