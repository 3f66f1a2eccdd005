/* Writing TXT records as zone-file lines (RFC 1035 §5.1), the form drafts
 * are saved in: text split into 255-byte character-strings (RFC 1035 §3.3,
 * RFC 7208 §3.3), escaped so that zone_read gives back the same bytes. */
#include "authtxt/zone.h"

#include <string.h>

/* Bytes that would end or break a name in a zone file.  Bytes from 0x80
 * are kept: zone_read keeps them raw too (a UTF-8 name as written), so the
 * owner reads back exactly as given. */
static bool name_byte_needs_escape(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == ';' || c == '(' || c == ')' || c == '"';
}

static void put_decimal(struct strbuf *out, unsigned long v)
{
    char buf[24];
    size_t n = sizeof buf;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strbuf_append(out, buf + n, sizeof buf - n);
}

static void put_ddd(struct strbuf *out, unsigned char c)
{
    char esc[4] = {'\\', (char)('0' + c / 100), (char)('0' + c / 10 % 10), (char)('0' + c % 10)};
    strbuf_append(out, esc, 4);
}

/* A name as given, made safe: bytes that would end it become \DDD; an
 * existing "\X" or "\DDD" escape is kept as it is.  A '$' at the start
 * would read as a directive, and "@" as the whole token as the origin:
 * escaped too. */
static void put_name(struct strbuf *out, const char *s, size_t n, bool whole_token)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' && i + 1 < n) {
            unsigned char x = (unsigned char)s[i + 1];
            if (x < 0x20 || x == 0x7f) { /* "\<control>": as \DDD, on one line */
                put_ddd(out, x);
            } else {
                strbuf_append(out, s + i, 2);
            }
            i++;
        } else if (c == '\\' || name_byte_needs_escape(c) || (i == 0 && c == '$') ||
                   (whole_token && n == 1 && c == '@')) {
            put_ddd(out, c);
        } else {
            strbuf_putc(out, (char)c);
        }
    }
}

/* Does name[0..n) end with an unescaped '.'? */
static bool ends_with_dot(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] != '.')
        return false;
    size_t backslashes = 0;
    while (backslashes + 1 < n && s[n - 2 - backslashes] == '\\')
        backslashes++;
    return backslashes % 2 == 0;
}

static bool equal_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return false;
    }
    return true;
}

void zone_write_origin(struct strbuf *out, const char *origin)
{
    size_t n = strlen(origin);
    strbuf_puts(out, "$ORIGIN ");
    put_name(out, origin, n, false);
    if (!ends_with_dot(origin, n))
        strbuf_putc(out, '.');
    strbuf_putc(out, '\n');
}

void zone_write_ttl(struct strbuf *out, uint32_t ttl)
{
    strbuf_puts(out, "$TTL ");
    put_decimal(out, ttl);
    strbuf_putc(out, '\n');
}

/* Where the character-string starting at pos ends: 255 bytes on, or
 * earlier so as not to cut a UTF-8 sequence in two.  (Escapes are written
 * per string, so they can never be cut.) */
static size_t chunk_end(const unsigned char *t, size_t len, size_t pos)
{
    if (len - pos <= ZONE_STRING_MAX)
        return len;
    size_t cut = pos + ZONE_STRING_MAX;
    size_t k = cut;
    while (k > pos && cut - k < 3 && (t[k] & 0xc0) == 0x80)
        k--;
    if (k < cut && k > pos && t[k] >= 0xc0) {
        size_t need = t[k] >= 0xf0 ? 4 : t[k] >= 0xe0 ? 3 : 2;
        if (k + need > cut)
            return k;
    }
    return cut;
}

static void put_string(struct strbuf *out, const unsigned char *t, size_t n)
{
    strbuf_putc(out, '"');
    size_t run = 0; /* bytes that go out as they are, appended in one call */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
            run++;
            continue;
        }
        strbuf_append(out, (const char *)t + i - run, run);
        run = 0;
        if (c == '"' || c == '\\') { /* RFC 1035 §5.1: \X */
            strbuf_putc(out, '\\');
            strbuf_putc(out, (char)c);
        } else {
            put_ddd(out, c); /* \DDD */
        }
    }
    strbuf_append(out, (const char *)t + n - run, run);
    strbuf_putc(out, '"');
}

#define ALIGN_MAX 60 /* continuation strings align under the first up to here */

bool zone_write_txt(struct strbuf *out, const struct zone_txt *rec, const char *origin)
{
    const unsigned char *t = (const unsigned char *)rec->text;
    size_t len = rec->text ? rec->len : 0;
    if (!rec->owner || !rec->owner[0] || rec->ttl > ZONE_TTL_MAX)
        return false;
    size_t chunks = 0;
    for (size_t pos = 0; pos < len; pos = chunk_end(t, len, pos))
        chunks++;
    if (chunks == 0)
        chunks = 1;                    /* "" */
    if (len + chunks > ZONE_RDATA_MAX) /* RFC 1035 §3.2.1 */
        return false;

    size_t line_start = out->len;
    size_t n = strlen(rec->owner);
    bool absolute = ends_with_dot(rec->owner, n);
    size_t bare = absolute ? n - 1 : n; /* without the final dot */
    bool written = false;
    if (origin && origin[0]) {
        size_t on = strlen(origin);
        size_t obare = ends_with_dot(origin, on) ? on - 1 : on;
        if (obare == 0 && bare > 0) { /* origin ".": everything is under it */
            put_name(out, rec->owner, bare, true);
            written = true;
        } else if (bare == obare && equal_ci(rec->owner, origin, bare)) {
            strbuf_putc(out, '@');
            written = true;
        } else if (bare > obare + 1 && obare > 0 && rec->owner[bare - obare - 1] == '.' &&
                   ends_with_dot(rec->owner, bare - obare) &&
                   equal_ci(rec->owner + bare - obare, origin, obare)) {
            put_name(out, rec->owner, bare - obare - 1, true);
            written = true;
        }
    }
    if (!written) {
        put_name(out, rec->owner, bare, false); /* then the final dot */
        strbuf_putc(out, '.');
    }
    strbuf_putc(out, ' ');
    put_decimal(out, rec->ttl);
    strbuf_puts(out, " IN TXT ");
    size_t indent = out->len - line_start + 2; /* under the first string, past "( " */
    if (indent > ALIGN_MAX)
        indent = 8;
    char spaces[ALIGN_MAX + 2];
    memset(spaces, ' ', indent);
    zone_write_rdata(out, rec->text, len, spaces, indent, "\n");
    strbuf_putc(out, '\n');
    return true;
}

bool zone_write_rdata(struct strbuf *out, const char *text, size_t len, const char *indent,
                      size_t indent_len, const char *eol)
{
    const unsigned char *t = (const unsigned char *)text;
    if (!text)
        len = 0;
    size_t chunks = 0;
    for (size_t pos = 0; pos < len; pos = chunk_end(t, len, pos))
        chunks++;
    if (chunks == 0)
        chunks = 1;                    /* "" */
    if (len + chunks > ZONE_RDATA_MAX) /* RFC 1035 §3.2.1 */
        return false;
    if (len <= ZONE_STRING_MAX) {
        put_string(out, t, len);
        return true;
    }
    strbuf_puts(out, "( ");
    for (size_t pos = 0; pos < len;) {
        size_t end = chunk_end(t, len, pos);
        if (pos) {
            strbuf_puts(out, eol);
            strbuf_append(out, indent, indent_len);
        }
        put_string(out, t + pos, end - pos);
        pos = end;
    }
    strbuf_puts(out, " )");
    return true;
}

bool zone_write(struct strbuf *out, const struct zone_txt *recs, size_t n, const char *origin)
{
    bool ok = true;
    if (origin && origin[0])
        zone_write_origin(out, origin);
    for (size_t i = 0; i < n; i++)
        ok &= zone_write_txt(out, &recs[i], origin);
    return ok;
}
