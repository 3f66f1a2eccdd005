/* Diagnostics and the rule table built from rules.def; see diag.h. */
#include "authtxt/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct lint_rule rule_table[RULE_COUNT] = {
#define RULE(id, code, sev, ref, summary) {RULE_##id, code, DIAG_##sev, ref, summary},
#include "authtxt/rules.def"
#undef RULE
};

const struct lint_rule *rule_get(enum rule_id id)
{
    if ((unsigned)id >= RULE_COUNT)
        return &rule_table[RULE_SPF_SYNTAX];
    return &rule_table[id];
}

const struct lint_rule *rule_find(const char *code)
{
    /* The table is short and ordered for readers, not by code: scan. */
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (strcmp(rule_table[i].code, code) == 0)
            return &rule_table[i];
    return NULL;
}

const char *diag_severity_name(enum diag_severity sev)
{
    switch (sev) {
    case DIAG_ERROR:
        return "error";
    case DIAG_WARNING:
        return "warning";
    case DIAG_INFO:
        break;
    }
    return "info";
}

void diag_list_init(struct diag_list *list)
{
    list->items = NULL;
    list->count = list->cap = 0;
    list->dropped = 0;
    list->oom = false;
}

void diag_list_reset(struct diag_list *list)
{
    if (!list)
        return;
    list->count = 0;
    list->dropped = 0;
    list->oom = false;
}

void diag_list_free(struct diag_list *list)
{
    if (!list)
        return;
    free(list->items);
    diag_list_init(list);
}

static struct diag *diag_slot(struct diag_list *list)
{
    if (!list)
        return NULL; /* the caller asked not to be told */
    if (list->count >= DIAG_LIST_MAX) {
        list->dropped++;
        return NULL;
    }
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        if (cap > DIAG_LIST_MAX)
            cap = DIAG_LIST_MAX;
        struct diag *p = realloc(list->items, cap * sizeof *p);
        if (!p) {
            list->oom = true;
            return NULL;
        }
        list->items = p;
        list->cap = cap;
    }
    return &list->items[list->count++];
}

struct diag *diag_addv(struct diag_list *list, enum rule_id rule, size_t start, size_t end,
                       const char *fmt, va_list ap)
{
    struct diag *d = diag_slot(list);
    if (!d)
        return NULL;
    d->rule = rule;
    d->severity = rule_get(rule)->severity;
    d->start = start;
    d->end = end < start ? start : end;
    int n = vsnprintf(d->message, sizeof d->message, fmt, ap);
    if (n < 0)
        d->message[0] = '\0';
    return d;
}

struct diag *diag_add(struct diag_list *list, enum rule_id rule, size_t start, size_t end,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct diag *d = diag_addv(list, rule, start, end, fmt, ap);
    va_end(ap);
    return d;
}

void diag_list_append(struct diag_list *to, const struct diag_list *from, size_t offset)
{
    if (!to || !from)
        return;
    for (size_t i = 0; i < from->count; i++) {
        struct diag *d = diag_slot(to);
        if (!d)
            return;
        *d = from->items[i];
        d->start += offset;
        d->end += offset;
    }
    to->dropped += from->dropped;
    to->oom = to->oom || from->oom;
}

bool diag_list_has(const struct diag_list *list, enum rule_id rule)
{
    return diag_list_count_rule(list, rule) > 0;
}

size_t diag_list_count_rule(const struct diag_list *list, enum rule_id rule)
{
    size_t n = 0;
    for (size_t i = 0; list && i < list->count; i++)
        n += list->items[i].rule == rule;
    return n;
}

int diag_list_max_severity(const struct diag_list *list)
{
    int max = -1;
    for (size_t i = 0; list && i < list->count; i++)
        if ((int)list->items[i].severity > max)
            max = (int)list->items[i].severity;
    return max;
}

/* Does a come after b in display order (by start, then errors first)? */
static bool diag_after(const struct diag *a, const struct diag *b)
{
    return a->start > b->start || (a->start == b->start && a->severity < b->severity);
}

/* The sort key of one diagnostic: small, so sorting moves 16 bytes, not a
 * whole diagnostic with its message. */
struct diag_key {
    size_t start;
    unsigned index; /* position before sorting */
    int severity;
};

static bool key_after(const struct diag_key *a, const struct diag_key *b)
{
    return a->start > b->start || (a->start == b->start && a->severity < b->severity);
}

/* Stable bottom-up merge sort of keys[0..n) with scratch tmp[0..n).
 * Returns the array that holds the result (keys or tmp). */
static struct diag_key *key_sort(struct diag_key *keys, struct diag_key *tmp, size_t n)
{
    struct diag_key *from = keys, *to = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            /* Take from the left run on ties: that keeps the sort stable. */
            while (a < mid && b < hi)
                to[k++] = key_after(&from[a], &from[b]) ? from[b++] : from[a++];
            while (a < mid)
                to[k++] = from[a++];
            while (b < hi)
                to[k++] = from[b++];
        }
        struct diag_key *t = from;
        from = to;
        to = t;
    }
    return from;
}

/* Stable: diagnostics at the same place keep the order their rules ran in.
 * Already-sorted lists (the usual case: parsers and rules go left to right
 * mostly) cost one pass.  Otherwise the keys are merge-sorted and the
 * diagnostics moved once each along the permutation's cycles: O(n log n)
 * comparisons and O(n) moves, for any input (insertion sort here once made
 * 512 diagnostics in reverse cost 130,000 moves of 264 bytes). */
void diag_list_sort(struct diag_list *list)
{
    if (!list)
        return;
    size_t n = list->count;
    size_t i = 1;
    while (i < n && !diag_after(&list->items[i - 1], &list->items[i]))
        i++;
    if (i >= n)
        return;
    if (n > DIAG_LIST_MAX) {
        /* Not through diag_add (it stops at DIAG_LIST_MAX): a list built
         * by hand.  Insertion sort from the first item out of order. */
        for (; i < n; i++) {
            struct diag hand = list->items[i];
            size_t j = i;
            for (; j > 0 && diag_after(&list->items[j - 1], &hand); j--)
                list->items[j] = list->items[j - 1];
            list->items[j] = hand;
        }
        return;
    }
    /* The keys of at most DIAG_LIST_MAX diagnostics: 16 KiB of stack. */
    struct diag_key keys[DIAG_LIST_MAX], tmp[DIAG_LIST_MAX];
    for (size_t k = 0; k < n; k++)
        keys[k] = (struct diag_key){list->items[k].start, (unsigned)k,
                                    (int)list->items[k].severity};
    const struct diag_key *order = key_sort(keys, tmp, n);
    /* order[k].index is the diagnostic that goes to position k.  Follow
     * each cycle with one diagnostic in hand; `done` marks placed slots. */
    bool done[DIAG_LIST_MAX];
    memset(done, 0, n * sizeof *done);
    for (size_t start = 0; start < n; start++) {
        if (done[start] || order[start].index == start) {
            done[start] = true;
            continue;
        }
        struct diag hand = list->items[start];
        size_t k = start;
        while (order[k].index != start) {
            list->items[k] = list->items[order[k].index];
            done[k] = true;
            k = order[k].index;
        }
        list->items[k] = hand;
        done[k] = true;
    }
}
