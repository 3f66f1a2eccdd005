/* Shared by the libFuzzer targets: the entry point's prototype and cheap
 * invariant checks.  A violated invariant calls fuzz_fail, which prints
 * what was wrong and aborts, so libFuzzer saves the input as a crash. */
#ifndef AUTHTXT_FUZZ_COMMON_H
#define AUTHTXT_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/diag.h"
#include "authtxt/strbuf.h"
#include "authtxt/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort (the input becomes an artifact). */
#define fuzz_fail(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "fuzz invariant broken at %s:%d: ", __FILE__, __LINE__);                   \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

#define fuzz_check(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__VA_ARGS__);                                                                \
    } while (0)

/* A span [start, end) inside a text of len bytes. */
static inline void fuzz_check_span(size_t start, size_t end, size_t len, const char *what)
{
    fuzz_check(start <= end && end <= len, "%s span [%zu,%zu) outside [0,%zu)", what, start, end,
               len);
}

/* Every diagnostic names a real rule with a valid severity, has a span
 * inside the text and a NUL-terminated message; the list is bounded. */
static inline void fuzz_check_diags(const struct diag_list *d, size_t len)
{
    fuzz_check(d->count <= DIAG_LIST_MAX, "diag list holds %zu > %d", d->count, DIAG_LIST_MAX);
    fuzz_check(d->count <= d->cap || d->count == 0, "diag count %zu > cap %zu", d->count, d->cap);
    for (size_t i = 0; i < d->count; i++) {
        const struct diag *g = &d->items[i];
        fuzz_check((int)g->rule >= 0 && g->rule < RULE_COUNT, "diag %zu: rule %d", i, (int)g->rule);
        fuzz_check(g->severity == DIAG_INFO || g->severity == DIAG_WARNING ||
                       g->severity == DIAG_ERROR,
                   "diag %zu: severity %d", i, (int)g->severity);
        fuzz_check(memchr(g->message, '\0', DIAG_MESSAGE_MAX) != NULL,
                   "diag %zu: message not terminated", i);
        const struct lint_rule *rule = rule_get(g->rule);
        fuzz_check(rule != NULL && rule->code != NULL, "diag %zu: no rule entry", i);
        if (g->start > g->end || g->end > len)
            fuzz_fail("diag %zu (%s) span [%zu,%zu) outside [0,%zu)", i, rule->code, g->start,
                      g->end, len);
    }
}

/* Every term of the kind-independent view lies inside the text, its name
 * and value inside the term, and it has a help id. */
static inline void fuzz_check_terms(const struct term_list *t, size_t len)
{
    for (size_t i = 0; i < t->count; i++) {
        const struct record_term *x = &t->items[i];
        fuzz_check_span(x->start, x->end, len, "term");
        fuzz_check(x->name_start <= x->name_end && x->value_start <= x->value_end,
                   "term %zu: inverted name/value span", i);
        if (x->name_end > x->name_start)
            fuzz_check(x->name_start >= x->start && x->name_end <= x->end,
                       "term %zu: name [%zu,%zu) outside term [%zu,%zu)", i, x->name_start,
                       x->name_end, x->start, x->end);
        if (x->value_end > x->value_start)
            fuzz_check(x->value_start >= x->start && x->value_end <= x->end,
                       "term %zu: value [%zu,%zu) outside term [%zu,%zu)", i, x->value_start,
                       x->value_end, x->start, x->end);
        fuzz_check(x->id != NULL && x->id[0] != '\0', "term %zu: no help id", i);
    }
}

/* A strbuf holds exactly len bytes, NUL-terminated, within its cap. */
static inline void fuzz_check_strbuf(const struct strbuf *sb)
{
    if (sb->data == NULL) {
        fuzz_check(sb->len == 0, "strbuf without data has len %zu", sb->len);
        return;
    }
    fuzz_check(sb->len < sb->cap, "strbuf len %zu >= cap %zu", sb->len, sb->cap);
    fuzz_check(sb->data[sb->len] == '\0', "strbuf not NUL-terminated");
    size_t limit = sb->limit ? sb->limit : STRBUF_DEFAULT_LIMIT;
    fuzz_check(sb->len <= limit, "strbuf len %zu over limit %zu", sb->len, limit);
}

/* A cursor over the fuzz input for targets that take choices from it. */
struct fuzz_in {
    const uint8_t *p;
    size_t n;
};

static inline unsigned fuzz_byte(struct fuzz_in *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

/* Take up to max bytes (length from one input byte). */
static inline size_t fuzz_take(struct fuzz_in *in, size_t max, const char **out)
{
    size_t want = fuzz_byte(in);
    if (want > max)
        want = max;
    if (want > in->n)
        want = in->n;
    *out = (const char *)in->p;
    in->p += want;
    in->n -= want;
    return want;
}

#endif
