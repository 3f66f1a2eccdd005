/* The semantic diff's entry point: the result's memory, the dispatch by
 * record kind, and the plain line diff used when no semantic diff fits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

static const char *const kind_names[DIFF_KIND_COUNT] = {
    "added", "removed", "changed", "requalified", "moved", "same-effect",
};

const char *diff_kind_name(enum diff_kind kind)
{
    return (unsigned)kind < DIFF_KIND_COUNT ? kind_names[kind] : "?";
}

void diff_result_init(struct diff_result *d) { memset(d, 0, sizeof *d); }

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void spf_side_free(struct diff_spf_side *s)
{
    ipset_free(&s->authorized);
    free_names(s->names, s->nnames);
}

void diff_result_free(struct diff_result *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->changes[i].before_text);
        free(d->changes[i].after_text);
        free(d->changes[i].sentence);
    }
    free(d->changes);
    for (size_t i = 0; i < d->nlines; i++)
        free(d->lines[i].text);
    free(d->lines);
    spf_side_free(&d->spf.before);
    spf_side_free(&d->spf.after);
    ipset_free(&d->spf.added);
    ipset_free(&d->spf.removed);
    ipset_free(&d->spf.after_blocks);
    free(d->spf.overlaps);
    free_names(d->spf.after_where, d->spf.nwhere);
    free(d->spf.names_added); /* the names themselves are the sides' */
    free(d->spf.names_removed);
    free(d->dmarc.before_text);
    free(d->dmarc.after_text);
    for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
        free(d->dmarc.scope_text[s]);
    free(d->dkim.before_key);
    free(d->dkim.after_key);
    diff_result_init(d);
}

char *diff_strndup(struct diff_result *d, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        d->oom = true;
        return NULL;
    }
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

bool diff_eq_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x |= 0x20;
        if (y >= 'A' && y <= 'Z')
            y |= 0x20;
        if (x != y)
            return false;
    }
    return true;
}

static bool copy_side(struct diff_result *d, const struct record *r, size_t i, struct span *sp,
                      char **text)
{
    if (!r || i == DIFF_NONE || i >= r->terms.count)
        return true;
    const struct record_term *t = &r->terms.items[i];
    sp->start = t->start;
    sp->end = t->end;
    *text = diff_strndup(d, r->text + t->start, t->end - t->start);
    return *text != NULL;
}

struct diff_change *diff_add_change(struct diff_result *d, enum diff_kind kind, const char *id,
                                    const struct record *before, size_t bi,
                                    const struct record *after, size_t ai, bool effect,
                                    const struct strbuf *sentence)
{
    if (d->count >= DIFF_MAX_CHANGES) {
        d->truncated = true;
        return NULL;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct diff_change *n = realloc(d->changes, cap * sizeof *n);
        if (!n) {
            d->oom = true;
            return NULL;
        }
        d->changes = n;
        d->cap = cap;
    }
    struct diff_change *c = &d->changes[d->count];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->id = id ? id : "unknown";
    c->before_term = before && bi < before->terms.count ? bi : DIFF_NONE;
    c->after_term = after && ai < after->terms.count ? ai : DIFF_NONE;
    c->effect = effect;
    d->count++;
    if (!copy_side(d, before, c->before_term, &c->before, &c->before_text) ||
        !copy_side(d, after, c->after_term, &c->after, &c->after_text))
        return NULL;
    if (sentence) {
        if (sentence->failed) {
            d->oom = true;
            return NULL;
        }
        c->sentence = diff_strndup(d, strbuf_cstr(sentence), sentence->len);
        if (!c->sentence)
            return NULL;
    }
    if (effect)
        d->effect_changed = true;
    return c;
}

struct keyed {
    size_t key, pos;
    struct diff_change change;
};

static int cmp_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

bool diff_sort_changes(struct diff_result *d, size_t first, const size_t *keys)
{
    size_t n = d->count - first;
    if (n < 2)
        return true;
    struct keyed *v = malloc(n * sizeof *v);
    if (!v) {
        d->oom = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        v[i].key = keys[i];
        v[i].pos = i;
        v[i].change = d->changes[first + i];
    }
    qsort(v, n, sizeof *v, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        d->changes[first + i] = v[i].change;
    free(v);
    return true;
}

size_t diff_count_kind(const struct diff_result *d, enum diff_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += d->changes[i].kind == kind;
    return n;
}

/* --- the plain line diff --------------------------------------------- */

#define LINES_COMPARED 2000

struct line {
    const char *s;
    size_t n;
};

static size_t split_lines(const char *t, size_t len, struct line *out, size_t max)
{
    size_t n = 0, start = 0;
    if (len == 0)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || t[i] == '\n') {
            if (i == len && i == start && n)
                break; /* a final newline ends the last line */
            if (out && n < max) {
                out[n].s = t + start;
                out[n].n = i - start;
            }
            n++;
            start = i + 1;
        }
    }
    return n;
}

static bool add_line(struct diff_result *d, char op, const struct line *l)
{
    if (d->nlines == d->lines_cap) {
        size_t cap = d->lines_cap ? d->lines_cap * 2 : 8;
        struct diff_line *n = realloc(d->lines, cap * sizeof *n);
        if (!n) {
            d->oom = true;
            return false;
        }
        d->lines = n;
        d->lines_cap = cap;
    }
    char *text = diff_strndup(d, l->s, l->n);
    if (!text)
        return false;
    d->lines[d->nlines].op = op;
    d->lines[d->nlines].text = text;
    d->lines[d->nlines].len = l->n;
    d->nlines++;
    if (op != ' ')
        d->text_changed = true;
    return true;
}

static bool line_eq(const struct line *a, const struct line *b)
{
    return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

bool diff_text_lines(const char *before, size_t blen, const char *after, size_t alen,
                     struct diff_result *d)
{
    size_t na = split_lines(before, blen, NULL, 0), nb = split_lines(after, alen, NULL, 0);
    struct line *a = calloc(na ? na : 1, sizeof *a), *b = calloc(nb ? nb : 1, sizeof *b);
    size_t ca = na < LINES_COMPARED ? na : LINES_COMPARED;
    size_t cb = nb < LINES_COMPARED ? nb : LINES_COMPARED;
    uint16_t *len = calloc((ca + 1) * (cb + 1), sizeof *len);
    bool ok = false;
    if (!a || !b || !len) {
        d->oom = true;
        goto done;
    }
    split_lines(before, blen, a, na);
    split_lines(after, alen, b, nb);
    /* len[i][j]: LCS of a[i..ca) and b[j..cb). */
    for (size_t i = ca; i-- > 0;)
        for (size_t j = cb; j-- > 0;) {
            uint16_t *cell = &len[i * (cb + 1) + j];
            if (line_eq(&a[i], &b[j]))
                *cell = (uint16_t)(len[(i + 1) * (cb + 1) + j + 1] + 1);
            else {
                uint16_t down = len[(i + 1) * (cb + 1) + j], right = len[i * (cb + 1) + j + 1];
                *cell = down > right ? down : right;
            }
        }
    size_t i = 0, j = 0;
    while (i < ca && j < cb) {
        if (line_eq(&a[i], &b[j])) {
            if (!add_line(d, ' ', &a[i]))
                goto done;
            i++, j++;
        } else if (len[(i + 1) * (cb + 1) + j] >= len[i * (cb + 1) + j + 1]) {
            if (!add_line(d, '-', &a[i++]))
                goto done;
        } else if (!add_line(d, '+', &b[j++])) {
            goto done;
        }
    }
    for (; i < na; i++)
        if (!add_line(d, '-', &a[i]))
            goto done;
    for (; j < nb; j++)
        if (!add_line(d, '+', &b[j]))
            goto done;
    ok = true;
done:
    free(a);
    free(b);
    free(len);
    return ok;
}

/* --- dispatch ---------------------------------------------------------- */

static bool present(const struct record *r) { return r && r->len > 0; }

bool diff_records(const struct record *before, const struct record *after, struct diff_result *d)
{
    diff_result_free(d);
    if (!present(before))
        before = NULL;
    if (!present(after))
        after = NULL;
    d->before_present = before != NULL;
    d->after_present = after != NULL;
    d->text_changed =
        !((!before && !after) || (before && after && before->len == after->len &&
                                  memcmp(before->text, after->text, before->len) == 0));
    enum record_kind kb = before ? before->kind : RECORD_UNKNOWN;
    enum record_kind ka = after ? after->kind : RECORD_UNKNOWN;
    enum record_kind kind = before ? kb : ka;
    bool same = !before || !after || kb == ka;
    if (!before && !after)
        return true;
    if (same && kind == RECORD_SPF) {
        d->kind = kind;
        return diff_spf_terms(before, after, d) && !d->oom;
    }
    if (same && kind == RECORD_DMARC) {
        d->kind = kind;
        return diff_dmarc_tags(before, after, d) && !d->oom;
    }
    if (same && kind == RECORD_DKIM_KEY) {
        d->kind = kind;
        return diff_dkim_tags(before, after, d) && !d->oom;
    }
    d->kind = RECORD_UNKNOWN;
    d->text_fallback = true;
    bool ok = diff_text_lines(before ? before->text : "", before ? before->len : 0,
                              after ? after->text : "", after ? after->len : 0, d);
    /* Without a model nothing is known of the effect: any change counts. */
    d->effect_changed = d->text_changed;
    return ok && !d->oom;
}
