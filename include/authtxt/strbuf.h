/* A growable, NUL-terminated byte buffer with a hard size cap.
 *
 * Formatters write into one; a caller may reuse it (strbuf_reset keeps the
 * memory).  Appends past the cap or a failed allocation set `failed` and are
 * dropped, so a formatter never needs to check each call: check once at the
 * end. */
#ifndef AUTHTXT_STRBUF_H
#define AUTHTXT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#define STRBUF_DEFAULT_LIMIT (1u << 20) /* 1 MiB: far above any record */

struct strbuf {
    char *data;   /* NUL-terminated once anything was appended; may be NULL */
    size_t len;
    size_t cap;
    size_t limit; /* 0 means STRBUF_DEFAULT_LIMIT */
    bool failed;  /* an append was dropped (cap reached or out of memory) */
};

#define STRBUF_INIT {NULL, 0, 0, 0, false}

void strbuf_init(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb); /* len = 0, failed = false */
void strbuf_free(struct strbuf *sb);
/* The contents as a C string; "" for an empty buffer.  Borrowed. */
const char *strbuf_cstr(const struct strbuf *sb);

void strbuf_append(struct strbuf *sb, const char *bytes, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the buffer to the caller (who frees it) and leave sb empty. */
char *strbuf_take(struct strbuf *sb);

#endif
