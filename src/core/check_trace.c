/* Traces and question lists shared by the check evaluators (SPF, DKIM,
 * DMARC); see check.h. */
#include "authtxt/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void check_trace_init(struct check_trace *t) { memset(t, 0, sizeof *t); }

void check_trace_reset(struct check_trace *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->steps[i].text);
        free(t->steps[i].query);
        free(t->steps[i].answer);
    }
    t->count = 0;
    t->dropped = 0;
    t->oom = false;
}

void check_trace_free(struct check_trace *t)
{
    check_trace_reset(t);
    free(t->steps);
    check_trace_init(t);
}

/* A copy with anything unprintable made '?': traces reach terminals. */
static char *safe_copy(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char u = (unsigned char)s[i];
        c[i] = (u >= 0x20 && u < 0x7f) ? (char)u : '?';
    }
    c[n] = '\0';
    return c;
}

void check_trace_add(struct check_trace *t, unsigned depth, const char *rfc, const char *help,
                     const char *query, const char *answer, const char *fmt, ...)
{
    if (t->count >= CHECK_TRACE_MAX) {
        t->dropped++;
        return;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        struct check_step *s = realloc(t->steps, cap * sizeof *s);
        if (!s) {
            t->oom = true;
            return;
        }
        t->steps = s;
        t->cap = cap;
    }
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    struct check_step *s = &t->steps[t->count];
    s->text = safe_copy(buf);
    s->query = safe_copy(query);
    s->answer = safe_copy(answer);
    s->rfc = rfc;
    s->help = help;
    s->depth = depth;
    if (!s->text || (query && !s->query) || (answer && !s->answer)) {
        free(s->text);
        free(s->query);
        free(s->answer);
        t->oom = true;
        return;
    }
    t->count++;
}

bool check_needs_add(struct check_needs *n, const char *name, enum dns_rrtype type)
{
    size_t len = strlen(name);
    while (len && name[len - 1] == '.')
        len--;
    if (len > DNS_SOURCE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n->count; i++)
        if (n->items[i].type == type && strlen(n->items[i].name) == len &&
            strncasecmp(n->items[i].name, name, len) == 0)
            return true;
    if (n->count >= CHECK_NEEDS_MAX)
        return false;
    memcpy(n->items[n->count].name, name, len);
    n->items[n->count].name[len] = '\0';
    n->items[n->count].type = type;
    n->count++;
    return true;
}
