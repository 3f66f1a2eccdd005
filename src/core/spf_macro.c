/* SPF macro expansion (RFC 7208 §7): one module for check_host's
 * domain-specs and exp= explanations.  Pure: the values come in, the
 * expansion goes out; %{p} needs DNS, so the evaluator computes it first
 * and passes it in. */
#include "authtxt/check.h"

#include <stdio.h>
#include <string.h>

#define MACRO_MAX_PARTS 128 /* §7.3: at least 127 must be supported */
#define DOMAIN_MAX 253

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static bool is_delimiter(char c) { return strchr(".-+,/_=", c) != NULL && c != '\0'; }

bool spf_macro_uses_p(const char *spec, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (spec[i] == '%' && spec[i + 1] == '%') {
            i++;
            continue;
        }
        if (spec[i] == '%' && spec[i + 1] == '{' && lower(spec[i + 2]) == 'p')
            return true;
    }
    return false;
}

/* §7.3: uppercase macros are URL-escaped (RFC 3986 unreserved kept). */
static void put_escaped(struct strbuf *out, const char *s, size_t n, bool escape)
{
    if (!escape) {
        strbuf_append(out, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~')
            strbuf_putc(out, (char)c);
        else
            strbuf_printf(out, "%%%02X", c);
    }
}

/* The value of one letter; NULL when unknown for this context. */
static const char *letter_value(char letter, const struct spf_macro_vars *v, bool explain,
                                char *tbuf, size_t tsize, enum spf_macro_status *st)
{
    switch (letter) {
    case 's':
        return v->sender;
    case 'l':
        return v->local;
    case 'o':
        return v->sender_domain;
    case 'd':
        return v->domain;
    case 'i':
        return v->ip_dotted;
    case 'h':
        return v->helo;
    case 'v':
        return v->ip_version;
    case 'p':
        if (!v->validated)
            *st = SPF_MACRO_NEEDS_P;
        return v->validated;
    case 'c':
    case 'r':
    case 't':
        if (!explain) { /* §7.1: only in exp= explain-strings */
            *st = SPF_MACRO_SYNTAX;
            return NULL;
        }
        if (letter == 'c')
            return v->ip_text;
        if (letter == 'r')
            return v->receiver ? v->receiver : "unknown";
        snprintf(tbuf, tsize, "%lld", v->now);
        return tbuf;
    default:
        *st = SPF_MACRO_SYNTAX;
        return NULL;
    }
}

/* Expand one %{...} body: spec[0..len) is "letter transformers delimiters". */
static enum spf_macro_status expand_one(const char *body, size_t len,
                                        const struct spf_macro_vars *v, bool explain,
                                        struct strbuf *out)
{
    char tbuf[32];
    enum spf_macro_status st = SPF_MACRO_OK;
    if (len == 0)
        return SPF_MACRO_SYNTAX;
    char letter = lower(body[0]);
    bool escape = body[0] >= 'A' && body[0] <= 'Z';
    size_t i = 1;
    unsigned digits = 0;
    bool has_digits = false;
    while (i < len && body[i] >= '0' && body[i] <= '9') {
        if (digits < 1000)
            digits = digits * 10 + (unsigned)(body[i] - '0');
        has_digits = true;
        i++;
    }
    if (has_digits && digits == 0) /* §7.3: a DIGIT must be nonzero */
        return SPF_MACRO_SYNTAX;
    bool reverse = false;
    if (i < len && lower(body[i]) == 'r') {
        reverse = true;
        i++;
    }
    char delims[8] = {0};
    size_t nd = 0;
    for (; i < len; i++) {
        if (!is_delimiter(body[i]))
            return SPF_MACRO_SYNTAX;
        if (nd < sizeof delims - 1 && !strchr(delims, body[i]))
            delims[nd++] = body[i];
    }
    if (nd == 0)
        delims[nd++] = '.';
    const char *value = letter_value(letter, v, explain, tbuf, sizeof tbuf, &st);
    if (st != SPF_MACRO_OK)
        return st;
    if (!value)
        value = "";
    if (!has_digits && !reverse && nd == 1 && delims[0] == '.') {
        put_escaped(out, value, strlen(value), escape);
        return SPF_MACRO_OK;
    }
    /* Split into parts on the delimiters. */
    const char *start[MACRO_MAX_PARTS];
    size_t plen[MACRO_MAX_PARTS];
    size_t n = 0, vlen = strlen(value), s = 0;
    for (size_t k = 0; k <= vlen; k++) {
        if (k == vlen || strchr(delims, value[k])) {
            if (n == MACRO_MAX_PARTS) { /* keep the rightmost parts */
                memmove(start, start + 1, (n - 1) * sizeof *start);
                memmove(plen, plen + 1, (n - 1) * sizeof *plen);
                n--;
            }
            start[n] = value + s;
            plen[n] = k - s;
            n++;
            s = k + 1;
        }
    }
    if (reverse) {
        for (size_t a = 0, b = n - 1; a < b; a++, b--) {
            const char *ts = start[a];
            size_t tl = plen[a];
            start[a] = start[b];
            plen[a] = plen[b];
            start[b] = ts;
            plen[b] = tl;
        }
    }
    size_t first = (has_digits && digits < n) ? n - digits : 0;
    for (size_t k = first; k < n; k++) {
        if (k > first)
            strbuf_putc(out, '.');
        put_escaped(out, start[k], plen[k], escape);
    }
    return SPF_MACRO_OK;
}

enum spf_macro_status spf_macro_expand(const char *spec, size_t len,
                                       const struct spf_macro_vars *vars, bool explain,
                                       bool domain, struct strbuf *out)
{
    size_t base = out->len;
    for (size_t i = 0; i < len; i++) {
        char c = spec[i];
        if (c != '%') {
            unsigned char u = (unsigned char)c;
            /* macro-literal %x21-24 / %x26-7E; explain-strings also SP */
            if (u > 0x7e || u < 0x20 || (u == ' ' && !explain))
                return SPF_MACRO_SYNTAX;
            strbuf_putc(out, c);
            continue;
        }
        if (i + 1 >= len)
            return SPF_MACRO_SYNTAX;
        char n = spec[++i];
        if (n == '%') {
            strbuf_putc(out, '%');
        } else if (n == '_') {
            strbuf_putc(out, ' ');
        } else if (n == '-') {
            strbuf_puts(out, "%20");
        } else if (n == '{') {
            const char *close = memchr(spec + i + 1, '}', len - i - 1);
            if (!close)
                return SPF_MACRO_SYNTAX;
            size_t blen = (size_t)(close - (spec + i + 1));
            enum spf_macro_status st = expand_one(spec + i + 1, blen, vars, explain, out);
            if (st != SPF_MACRO_OK)
                return st;
            i += blen + 1;
        } else {
            return SPF_MACRO_SYNTAX;
        }
    }
    if (domain) {
        /* §7.3: over 253 bytes, drop labels on the left until it fits. */
        char *d = out->data ? out->data + base : NULL;
        size_t dl = out->len - base;
        while (d && dl > DOMAIN_MAX) {
            char *dot = memchr(d, '.', dl);
            if (!dot) {
                dl = 0;
                break;
            }
            size_t cut = (size_t)(dot - d) + 1;
            memmove(d, d + cut, dl - cut);
            dl -= cut;
        }
        if (d) {
            out->len = base + dl;
            out->data[out->len] = '\0';
        }
    }
    return SPF_MACRO_OK;
}
