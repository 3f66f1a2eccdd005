/* A bounded, length-checked RFC 5322 header/body splitter for the DKIM
 * verifier and the DMARC author domain: no NUL termination relied on, LF
 * or CRLF line ends, every size capped (check.h). */
#include "authtxt/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The end of the line starting at i (index of its '\n', or len). */
static size_t line_end(const char *t, size_t len, size_t i)
{
    const char *nl = memchr(t + i, '\n', len - i);
    return nl ? (size_t)(nl - t) : len;
}

bool message_parse(struct message *m, const char *text, size_t len)
{
    memset(m, 0, sizeof *m);
    m->text = text;
    m->len = len;
    if (len > MESSAGE_MAX) {
        snprintf(m->error, sizeof m->error, "the message is %zu bytes, over the %u-byte limit",
                 len, MESSAGE_MAX);
        return false;
    }
    /* Count the field starts first, to allocate once. */
    size_t cap = 0;
    for (size_t i = 0; i < len;) {
        size_t e = line_end(text, len, i);
        if (e == i || (e == i + 1 && text[i] == '\r'))
            break;
        if (text[i] != ' ' && text[i] != '\t')
            cap++;
        i = e + 1;
    }
    if (cap > MESSAGE_FIELDS_MAX) {
        cap = MESSAGE_FIELDS_MAX;
        m->truncated_fields = true;
    }
    m->fields = calloc(cap ? cap : 1, sizeof *m->fields);
    if (!m->fields) {
        snprintf(m->error, sizeof m->error, "out of memory");
        return false;
    }
    size_t i = 0;
    struct message_field *cur = NULL;
    while (i < len) {
        size_t e = line_end(text, len, i);
        size_t content_end = (e > i && text[e - 1] == '\r') ? e - 1 : e;
        if (content_end == i) { /* the empty line: the body follows */
            i = e < len ? e + 1 : len;
            break;
        }
        if (content_end > MESSAGE_HEADER_MAX) {
            snprintf(m->error, sizeof m->error,
                     "the header section is over %u bytes: refused", MESSAGE_HEADER_MAX);
            free(m->fields);
            m->fields = NULL;
            return false;
        }
        if ((text[i] == ' ' || text[i] == '\t') && cur) { /* RFC 5322 §2.2.3 folding */
            cur->raw_len = content_end - (size_t)(cur->raw - text);
            cur->value_len = content_end - (size_t)(cur->value - text);
            i = e + 1;
            continue;
        }
        const char *colon = memchr(text + i, ':', content_end - i);
        if (!colon) {
            snprintf(m->error, sizeof m->error,
                     "header line at byte %zu has no colon: the header section ends there", i);
            break; /* the rest is body */
        }
        if (m->nfields < cap) {
            cur = &m->fields[m->nfields++];
            cur->name = text + i;
            size_t nl = (size_t)(colon - (text + i));
            while (nl && (text[i + nl - 1] == ' ' || text[i + nl - 1] == '\t'))
                nl--;
            cur->name_len = nl;
            cur->raw = text + i;
            cur->raw_len = content_end - i;
            cur->value = colon + 1;
            cur->value_len = content_end - (size_t)(colon + 1 - text);
        } else {
            cur = NULL;
        }
        i = e + 1;
    }
    if (i > len)
        i = len;
    m->body = text + i;
    m->body_len = len - i;
    return true;
}

void message_free(struct message *m)
{
    free(m->fields);
    memset(m, 0, sizeof *m);
}

bool message_from_domain(const struct message *m, char *out, size_t size, char *why,
                         size_t whylen)
{
    const struct message_field *from = NULL;
    size_t count = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].name_len == 4 && strncasecmp(m->fields[i].name, "From", 4) == 0) {
            if (!from)
                from = &m->fields[i];
            count++;
        }
    if (!from) {
        snprintf(why, whylen, "the message has no From: header field");
        return false;
    }
    if (count > 1) {
        snprintf(why, whylen, "the message has %zu From: header fields (RFC 7489 section 6.6.1)", count);
        return false;
    }
    /* Walk the value: skip quoted strings and comments; note commas (more
     * than one mailbox), the last '@' and an angle-addr. */
    const char *v = from->value;
    size_t n = from->value_len;
    int depth = 0;
    bool quoted = false;
    size_t at = (size_t)-1, lt = (size_t)-1, gt = (size_t)-1, commas = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (quoted) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (depth) {
            if (c == '\\')
                i++;
            else if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
            continue;
        }
        if (c == '"')
            quoted = true;
        else if (c == '(')
            depth = 1;
        else if (c == ',')
            commas++;
        else if (c == '<')
            lt = i;
        else if (c == '>')
            gt = i;
        else if (c == '@' && (lt == (size_t)-1 || gt == (size_t)-1 || gt < lt))
            at = i;
    }
    if (commas) {
        snprintf(why, whylen, "the From: field holds %zu addresses (RFC 7489 section 6.6.1)",
                 commas + 1);
        return false;
    }
    if (at == (size_t)-1) {
        snprintf(why, whylen, "the From: field has no address with a domain");
        return false;
    }
    size_t s = at + 1, e = s;
    while (e < n && v[e] != '>' && v[e] != ' ' && v[e] != '\t' && v[e] != '\r' &&
           v[e] != '\n' && v[e] != '(' && v[e] != ';')
        e++;
    if (e == s || e - s >= size) {
        snprintf(why, whylen, "the From: address has no usable domain");
        return false;
    }
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x21 || c > 0x7e) {
            snprintf(why, whylen, "the From: domain holds a byte that is not ASCII");
            return false;
        }
        out[i - s] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
    }
    size_t dl = e - s;
    while (dl && out[dl - 1] == '.')
        dl--;
    out[dl] = '\0';
    return dl > 0;
}
