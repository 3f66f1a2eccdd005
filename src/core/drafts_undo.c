/* The drafts' undo history: snapshots of the texts, owner names, TTL and
 * origins before each step (undo) and of the state each undo left (redo),
 * with labels for the status line, groups, and the caps of drafts.h.  A
 * snapshot holds texts, not models: restoring re-analyzes, which costs
 * microseconds and keeps a step at a few hundred bytes plus the texts. */
#include "drafts_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct drafts_history {
    struct drafts_snapshot *undo; /* oldest first */
    size_t nundo;
    struct drafts_snapshot *redo; /* the next redo last */
    size_t nredo;
    size_t bytes;                 /* text held by both stacks */
    unsigned group_depth;         /* open drafts_group_begin calls */
    struct drafts_snapshot group; /* the state at the outermost begin */
    bool group_ok;                /* `group` was taken */
};

bool drafts_snapshot_take(const struct drafts *d, struct drafts_snapshot *s)
{
    memset(s, 0, sizeof *s);
    for (int k = 0; k < DRAFT_COUNT; k++) {
        const struct record *r = &d->rec[k];
        if (r->len == 0)
            continue;
        s->text[k] = malloc(r->len);
        if (!s->text[k]) {
            drafts_snapshot_free(s);
            return false;
        }
        memcpy(s->text[k], r->text, r->len);
        s->len[k] = r->len;
    }
    memcpy(s->domain, d->domain, sizeof s->domain);
    memcpy(s->selector, d->selector, sizeof s->selector);
    s->ttl = d->ttl;
    memcpy(s->origin, d->origin, sizeof s->origin);
    return true;
}

void drafts_snapshot_free(struct drafts_snapshot *s)
{
    for (int k = 0; k < DRAFT_COUNT; k++)
        free(s->text[k]);
    memset(s, 0, sizeof *s);
}

bool drafts_snapshot_same(const struct drafts *d, const struct drafts_snapshot *s)
{
    for (int k = 0; k < DRAFT_COUNT; k++) {
        const struct record *r = &d->rec[k];
        if (r->len != s->len[k] || (r->len && memcmp(r->text, s->text[k], r->len) != 0))
            return false;
    }
    return strcmp(d->domain, s->domain) == 0 && strcmp(d->selector, s->selector) == 0 &&
           d->ttl == s->ttl && memcmp(d->origin, s->origin, sizeof s->origin) == 0;
}

bool drafts_snapshot_restore(struct drafts *d, const struct drafts_snapshot *s)
{
    memcpy(d->domain, s->domain, sizeof d->domain);
    memcpy(d->selector, s->selector, sizeof d->selector);
    d->ttl = s->ttl;
    memcpy(d->origin, s->origin, sizeof d->origin);
    bool ok = true;
    for (int k = 0; k < DRAFT_COUNT; k++)
        ok = drafts_analyze_slot(d, (enum draft_slot)k, s->text[k] ? s->text[k] : "", s->len[k]) &&
             ok;
    return ok;
}

size_t drafts_snapshot_bytes(const struct drafts_snapshot *s)
{
    return s->len[0] + s->len[1] + s->len[2] + sizeof *s;
}

static struct drafts_history *history_get(struct drafts *d)
{
    if (!d->history)
        d->history = calloc(1, sizeof *d->history);
    if (d->history && !d->history->undo) {
        d->history->undo = calloc(DRAFTS_UNDO_STEPS, sizeof *d->history->undo);
        d->history->redo = calloc(DRAFTS_UNDO_STEPS, sizeof *d->history->redo);
        if (!d->history->undo || !d->history->redo) {
            free(d->history->undo);
            free(d->history->redo);
            free(d->history);
            d->history = NULL;
        }
    }
    return d->history;
}

static void clear_redo(struct drafts_history *h)
{
    for (size_t i = 0; i < h->nredo; i++) {
        h->bytes -= drafts_snapshot_bytes(&h->redo[i]);
        drafts_snapshot_free(&h->redo[i]);
    }
    h->nredo = 0;
}

/* Drop the oldest undo step. */
static void drop_oldest(struct drafts_history *h)
{
    h->bytes -= drafts_snapshot_bytes(&h->undo[0]);
    drafts_snapshot_free(&h->undo[0]);
    memmove(&h->undo[0], &h->undo[1], (h->nundo - 1) * sizeof h->undo[0]);
    h->nundo--;
}

static void set_label(struct drafts_snapshot *s, const char *label)
{
    snprintf(s->label, sizeof s->label, "%s", label ? label : "edit");
}

/* Push a step onto the undo stack (taking *s) and clear the redo stack. */
static void push_undo(struct drafts_history *h, struct drafts_snapshot *s, const char *label)
{
    clear_redo(h);
    if (h->nundo == DRAFTS_UNDO_STEPS)
        drop_oldest(h);
    set_label(s, label);
    h->undo[h->nundo++] = *s;
    h->bytes += drafts_snapshot_bytes(s);
    memset(s, 0, sizeof *s);
    while (h->bytes > DRAFTS_UNDO_BYTES && h->nundo > 1)
        drop_oldest(h);
}

void drafts_history_record(struct drafts *d, struct drafts_snapshot *before, const char *label)
{
    if (d->history && d->history->group_depth > 0) {
        drafts_snapshot_free(before); /* the group's snapshot is the step */
        return;
    }
    if (drafts_snapshot_same(d, before)) {
        drafts_snapshot_free(before); /* nothing changed: no step */
        return;
    }
    struct drafts_history *h = history_get(d);
    if (!h) {
        drafts_snapshot_free(before); /* out of memory: the edit stands, unrecorded */
        return;
    }
    push_undo(h, before, label);
}

bool drafts_can_undo(const struct drafts *d) { return d->history && d->history->nundo > 0; }

bool drafts_can_redo(const struct drafts *d) { return d->history && d->history->nredo > 0; }

size_t drafts_undo_depth(const struct drafts *d) { return d->history ? d->history->nundo : 0; }

const char *drafts_undo_label(const struct drafts *d)
{
    return drafts_can_undo(d) ? d->history->undo[d->history->nundo - 1].label : NULL;
}

const char *drafts_redo_label(const struct drafts *d)
{
    return drafts_can_redo(d) ? d->history->redo[d->history->nredo - 1].label : NULL;
}

/* Move the top of `from` to the state, saving the current state with the
 * same label on `to`. */
static bool step(struct drafts *d, struct drafts_snapshot *from, size_t *nfrom,
                 struct drafts_snapshot *to, size_t *nto, struct strbuf *label)
{
    struct drafts_history *h = d->history;
    if (h->group_depth > 0)
        return false; /* not inside a group: the group would record the undo */
    struct drafts_snapshot now;
    if (!drafts_snapshot_take(d, &now))
        return false;
    struct drafts_snapshot *top = &from[*nfrom - 1];
    memcpy(now.label, top->label, sizeof now.label);
    bool ok = drafts_snapshot_restore(d, top);
    if (label)
        strbuf_puts(label, top->label);
    h->bytes -= drafts_snapshot_bytes(top);
    drafts_snapshot_free(top);
    (*nfrom)--;
    /* `to` has room: the two stacks together never hold more than
     * DRAFTS_UNDO_STEPS (a push clears redo; undo moves one across). */
    to[(*nto)++] = now;
    h->bytes += drafts_snapshot_bytes(&now);
    return ok;
}

bool drafts_undo(struct drafts *d, struct strbuf *label)
{
    if (!drafts_can_undo(d))
        return false;
    struct drafts_history *h = d->history;
    return step(d, h->undo, &h->nundo, h->redo, &h->nredo, label);
}

bool drafts_redo(struct drafts *d, struct strbuf *label)
{
    if (!drafts_can_redo(d))
        return false;
    struct drafts_history *h = d->history;
    return step(d, h->redo, &h->nredo, h->undo, &h->nundo, label);
}

void drafts_group_begin(struct drafts *d, const char *label)
{
    struct drafts_history *h = history_get(d);
    if (!h)
        return;
    if (h->group_depth++ > 0)
        return;
    h->group_ok = drafts_snapshot_take(d, &h->group);
    set_label(&h->group, label);
}

void drafts_group_end(struct drafts *d)
{
    struct drafts_history *h = d->history;
    if (!h || h->group_depth == 0 || --h->group_depth > 0)
        return;
    if (!h->group_ok)
        return;
    h->group_ok = false;
    if (drafts_snapshot_same(d, &h->group)) {
        drafts_snapshot_free(&h->group);
        return;
    }
    char label[DRAFTS_LABEL_MAX];
    memcpy(label, h->group.label, sizeof label);
    push_undo(h, &h->group, label);
}

void drafts_history_reset(struct drafts *d)
{
    /* Inside a group the replacement is part of the group's step. */
    if (d->history && d->history->group_depth == 0)
        drafts_history_free(d);
}

void drafts_history_free(struct drafts *d)
{
    struct drafts_history *h = d->history;
    if (!h)
        return;
    clear_redo(h);
    while (h->nundo > 0) {
        drafts_snapshot_free(&h->undo[h->nundo - 1]);
        h->nundo--;
    }
    if (h->group_ok)
        drafts_snapshot_free(&h->group);
    free(h->undo);
    free(h->redo);
    free(h);
    d->history = NULL;
}
