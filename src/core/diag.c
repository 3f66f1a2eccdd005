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
    list->count = 0;
    list->dropped = 0;
    list->oom = false;
}

void diag_list_free(struct diag_list *list)
{
    free(list->items);
    diag_list_init(list);
}

static struct diag *diag_slot(struct diag_list *list)
{
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
    for (size_t i = 0; i < list->count; i++)
        n += list->items[i].rule == rule;
    return n;
}

int diag_list_max_severity(const struct diag_list *list)
{
    int max = -1;
    for (size_t i = 0; i < list->count; i++)
        if ((int)list->items[i].severity > max)
            max = (int)list->items[i].severity;
    return max;
}

/* Insertion sort: lists are short, and it is stable, so diagnostics at the
 * same place keep the order their rules ran in. */
void diag_list_sort(struct diag_list *list)
{
    for (size_t i = 1; i < list->count; i++) {
        struct diag tmp = list->items[i];
        size_t j = i;
        while (j > 0) {
            const struct diag *prev = &list->items[j - 1];
            int later = prev->start > tmp.start ||
                        (prev->start == tmp.start && prev->severity < tmp.severity);
            if (!later)
                break;
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = tmp;
    }
}
