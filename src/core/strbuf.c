/* Growable byte buffer with a cap; see include/authtxt/strbuf.h. */
#include "authtxt/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->limit = 0;
    sb->failed = false;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    sb->failed = false;
    if (sb->data)
        sb->data[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
    free(sb->data);
    strbuf_init(sb);
}

const char *strbuf_cstr(const struct strbuf *sb) { return sb->data ? sb->data : ""; }

/* Make room for n more bytes plus the NUL. */
static int strbuf_reserve(struct strbuf *sb, size_t n)
{
    size_t limit = sb->limit ? sb->limit : STRBUF_DEFAULT_LIMIT;
    if (sb->failed || n > limit || sb->len > limit - n) {
        sb->failed = true;
        return -1;
    }
    size_t need = sb->len + n + 1;
    if (need <= sb->cap)
        return 0;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) {
        sb->failed = true;
        return -1;
    }
    sb->data = p;
    sb->cap = cap;
    return 0;
}

void strbuf_append(struct strbuf *sb, const char *bytes, size_t n)
{
    if (strbuf_reserve(sb, n) != 0)
        return;
    if (n)
        memcpy(sb->data + sb->len, bytes, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s) { strbuf_append(sb, s, strlen(s)); }

void strbuf_putc(struct strbuf *sb, char c) { strbuf_append(sb, &c, 1); }

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        strbuf_append(sb, small, (size_t)n);
        return;
    }
    if (strbuf_reserve(sb, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *strbuf_take(struct strbuf *sb)
{
    char *p = sb->data;
    if (!p)
        p = calloc(1, 1);
    strbuf_init(sb);
    return p;
}
