/* The SPF part of the semantic diff.  Terms: matched by kind and
 * normalized value (domains in any case without a final dot, CIDR blocks
 * with host bits cleared and default lengths filled in), duplicates paired
 * in order; a matched pair with another effective qualifier is
 * requalified; the pairs outside a longest increasing subsequence of
 * positions are moved (so one insertion moves nothing).  Effect: the
 * passing address blocks and names through the include tree, merged and
 * compared as address sets, with lookups, voids and the all qualifier. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/spf.h"
#include "diff_internal.h"

static const char *const qualifier_words[] = {"pass", "pass", "fail", "softfail", "neutral"};

static const char *qualifier_word(enum spf_qualifier q)
{
    return (unsigned)q < 5 ? qualifier_words[q] : "?";
}

/* --- term keys --------------------------------------------------------- */

static void put_domain(struct strbuf *sb, const struct spf_term *t)
{
    const char *s = t->domain ? t->domain : "";
    size_t n = strlen(s);
    if (t->flags & SPF_TERM_MACRO) { /* macro letters are case-sensitive */
        strbuf_append(sb, s, n);
        return;
    }
    if (n && s[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        strbuf_putc(sb, c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c);
    }
}

/* What makes two terms "the same term", qualifier aside. */
static void term_key(const struct spf_term *t, struct strbuf *sb)
{
    strbuf_printf(sb, "%d|", (int)t->kind);
    switch (t->kind) {
    case SPF_TERM_VERSION:
    case SPF_TERM_ALL:
        break;
    case SPF_TERM_INCLUDE:
    case SPF_TERM_EXISTS:
    case SPF_TERM_PTR:
    case SPF_TERM_REDIRECT:
    case SPF_TERM_EXP:
        put_domain(sb, t);
        break;
    case SPF_TERM_A:
    case SPF_TERM_MX:
        put_domain(sb, t);
        strbuf_printf(sb, "/%d//%d", t->cidr4 < 0 ? 32 : t->cidr4, t->cidr6 < 0 ? 128 : t->cidr6);
        break;
    case SPF_TERM_IP4:
    case SPF_TERM_IP6:
        if (t->flags & SPF_TERM_ADDR_OK) {
            struct ip_prefix p;
            bool six = t->kind == SPF_TERM_IP6;
            int len = six ? t->cidr6 : t->cidr4;
            ip_prefix_make(&p, six ? 6 : 4, t->addr, len < 0 ? (six ? 128u : 32u) : (unsigned)len,
                           0);
            char buf[IP_PREFIX_TEXT_MAX];
            ip_prefix_format(&p, buf);
            strbuf_puts(sb, buf);
        } else {
            strbuf_puts(sb, t->value ? t->value : "");
        }
        break;
    case SPF_TERM_UNKNOWN_MODIFIER:
        for (const char *s = t->name ? t->name : ""; *s; s++)
            strbuf_putc(sb, *s >= 'A' && *s <= 'Z' ? (char)(*s | 0x20) : *s);
        strbuf_putc(sb, '=');
        strbuf_puts(sb, t->value ? t->value : "");
        break;
    default:
        strbuf_puts(sb, t->name ? t->name : "");
        strbuf_putc(sb, ':');
        strbuf_puts(sb, t->value ? t->value : "");
        break;
    }
}

struct keyed_term {
    char *key;
    size_t index;
};

static int cmp_keyed_term(const void *pa, const void *pb)
{
    const struct keyed_term *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool make_keys(struct diff_result *d, const struct spf_record *r, struct keyed_term *v)
{
    struct strbuf sb = STRBUF_INIT;
    bool ok = true;
    for (size_t i = 0; i < r->count && ok; i++) {
        strbuf_reset(&sb);
        term_key(&r->terms[i], &sb);
        v[i].index = i;
        v[i].key = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
        ok = v[i].key != NULL;
        if (!ok)
            d->oom = true;
    }
    strbuf_free(&sb);
    if (ok)
        qsort(v, r->count, sizeof *v, cmp_keyed_term);
    return ok;
}

static void free_keys(struct keyed_term *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].key);
    free(v);
}

/* --- longest increasing subsequence --------------------------------- */

/* seq[0..n): marks keep[i] for the elements of one longest strictly
 * increasing subsequence.  O(n log n). */
static bool lis(const size_t *seq, size_t n, bool *keep)
{
    size_t *tail = malloc((n + 1) * sizeof *tail); /* index of the smallest tail of length k+1 */
    size_t *prev = malloc((n + 1) * sizeof *prev);
    if (!tail || !prev) {
        free(tail);
        free(prev);
        return false;
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (seq[tail[mid]] < seq[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        prev[i] = lo ? tail[lo - 1] : DIFF_NONE;
        tail[lo] = i;
        if (lo == len)
            len++;
    }
    for (size_t i = 0; i < n; i++)
        keep[i] = false;
    for (size_t i = len ? tail[len - 1] : DIFF_NONE; i != DIFF_NONE; i = prev[i])
        keep[i] = true;
    free(tail);
    free(prev);
    return true;
}

/* --- the term diff ------------------------------------------------------- */

static const struct spf_record empty_spf;

static bool term_has_effect(const struct spf_term *t)
{
    if (t->kind == SPF_TERM_UNKNOWN_MODIFIER)
        return false; /* RFC 7208 §6: receivers ignore unknown modifiers */
    if (t->flags & (SPF_TERM_AFTER_ALL | SPF_TERM_IGNORED))
        return false;
    return true;
}

static bool same_text(const struct record *a, const struct spf_term *x, const struct record *b,
                      const struct spf_term *y)
{
    size_t n = x->whole.end - x->whole.start;
    return n == y->whole.end - y->whole.start &&
           memcmp(a->text + x->whole.start, b->text + y->whole.start, n) == 0;
}

static const char *term_id(const struct record *r, size_t i, const struct spf_term *t)
{
    if (r && i < r->terms.count)
        return r->terms.items[i].id;
    return spf_kind_help_id(t->kind);
}

static void say_term(struct strbuf *sb, const char *lead, const struct spf_record *r, size_t i)
{
    strbuf_puts(sb, lead);
    size_t mark = sb->len;
    spf_term_describe(r, i, sb);
    if (sb->len == mark)
        sb->len -= 2, sb->data[sb->len] = '\0';
}

bool diff_spf_terms(const struct record *before, const struct record *after, struct diff_result *d)
{
    const struct spf_record *a = before && before->spf ? before->spf : &empty_spf;
    const struct spf_record *b = after && after->spf ? after->spf : &empty_spf;
    size_t na = a->count, nb = b->count;
    struct keyed_term *ka = calloc(na ? na : 1, sizeof *ka);
    struct keyed_term *kb = calloc(nb ? nb : 1, sizeof *kb);
    size_t *match_a = malloc((na ? na : 1) * sizeof *match_a); /* before -> after */
    size_t *match_b = malloc((nb ? nb : 1) * sizeof *match_b); /* after -> before */
    size_t *seq = malloc((na ? na : 1) * sizeof *seq),
           *seq_at = malloc((na ? na : 1) * sizeof *seq_at);
    bool *keep = malloc((na ? na : 1) * sizeof *keep);
    bool *moved = calloc(nb ? nb : 1, sizeof *moved);
    size_t *anchor = malloc((na ? na : 1) * sizeof *anchor);
    size_t *keys = NULL;
    int *qual = NULL;
    struct strbuf sb = STRBUF_INIT;
    bool ok = false;
    size_t first = d->count;
    if (!ka || !kb || !match_a || !match_b || !seq || !seq_at || !keep || !moved || !anchor) {
        d->oom = true;
        goto done;
    }
    if (!make_keys(d, a, ka) || !make_keys(d, b, kb))
        goto done;
    for (size_t i = 0; i < na; i++)
        match_a[i] = DIFF_NONE;
    for (size_t j = 0; j < nb; j++)
        match_b[j] = DIFF_NONE;
    /* Pair equal keys in order: the k-th copy with the k-th copy. */
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        int c = strcmp(ka[i].key, kb[j].key);
        if (c < 0)
            i++;
        else if (c > 0)
            j++;
        else {
            match_a[ka[i].index] = kb[j].index;
            match_b[kb[j].index] = ka[i].index;
            i++, j++;
        }
    }
    /* Moves: the matched pairs in before order, their after positions. */
    size_t n = 0;
    for (size_t i = 0; i < na; i++)
        if (match_a[i] != DIFF_NONE) {
            seq_at[n] = i;
            seq[n++] = match_a[i];
        }
    if (!lis(seq, n, keep)) {
        d->oom = true;
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        if (!keep[k])
            moved[seq[k]] = true;
    /* Where a removed before term goes in the listing: after the after
     * term matched to the nearest kept term before it. */
    size_t last = DIFF_NONE;
    for (size_t i = 0, k = 0; i < na; i++) {
        if (k < n && seq_at[k] == i) {
            if (keep[k])
                last = seq[k];
            k++;
        }
        anchor[i] = last;
    }
    /* Effective qualifier of each matched after mechanism, -1 otherwise:
     * what the move check compares, kept in an array because it runs
     * over every pair of moved and matched terms. */
    qual = malloc((nb ? nb : 1) * sizeof *qual);
    keys = malloc((na + nb + 1) * sizeof *keys);
    if (!keys || !qual) {
        d->oom = true;
        goto done;
    }
    for (size_t j = 0; j < nb; j++)
        qual[j] = match_b[j] != DIFF_NONE && spf_kind_is_mechanism(b->terms[j].kind)
                      ? (int)spf_qualifier_effective(b->terms[j].qualifier)
                      : -1;
    size_t nk = 0;
    for (size_t j = 0; j < nb; j++) {
        const struct spf_term *y = &b->terms[j];
        size_t i = match_b[j];
        strbuf_reset(&sb);
        struct diff_change *c = NULL;
        if (i == DIFF_NONE) {
            say_term(&sb, "added: ", b, j);
            c = diff_add_change(d, DIFF_ADDED, term_id(after, j, y), NULL, DIFF_NONE, after, j,
                                term_has_effect(y), &sb);
        } else {
            const struct spf_term *x = &a->terms[i];
            enum spf_qualifier qx = spf_qualifier_effective(x->qualifier);
            enum spf_qualifier qy = spf_qualifier_effective(y->qualifier);
            bool mech = spf_kind_is_mechanism(y->kind);
            if (mech && qx != qy) {
                strbuf_printf(&sb, "qualifier %s -> %s: hosts it matches now get %s instead of %s",
                              qualifier_word(qx), qualifier_word(qy), qualifier_word(qy),
                              qualifier_word(qx));
                if (moved[j])
                    strbuf_printf(&sb, "; also moved from term %zu to term %zu", i + 1, j + 1);
                c = diff_add_change(d, DIFF_REQUALIFIED, term_id(after, j, y), before, i, after, j,
                                    term_has_effect(y) || term_has_effect(x), &sb);
            } else if (moved[j]) {
                /* Order matters only between mechanisms whose results
                 * differ: first match wins (RFC 7208 §4.6.2). */
                bool effect = false;
                for (size_t m = 0; mech && m < nb && !effect; m++) {
                    if (qual[m] < 0 || qual[m] == (int)qy)
                        continue;
                    effect = (m < j) != (match_b[m] < i);
                }
                strbuf_printf(&sb, "moved from term %zu to term %zu", i + 1, j + 1);
                strbuf_puts(&sb, effect ? ": it is now checked on the other side of a term with "
                                          "another result, which changes what some hosts get"
                                        : ": no change in effect");
                c = diff_add_change(d, DIFF_MOVED, term_id(after, j, y), before, i, after, j,
                                    effect, &sb);
            } else if (!same_text(before, x, after, y)) {
                strbuf_puts(&sb, x->qualifier != y->qualifier
                                     ? "'+' is the default qualifier: same effect"
                                     : "written differently, same meaning");
                c = diff_add_change(d, DIFF_SAME_EFFECT, term_id(after, j, y), before, i, after, j,
                                    false, &sb);
            } else {
                continue;
            }
        }
        if (!c && (d->oom || d->truncated))
            goto done;
        keys[nk++] = 2 * j + 1;
    }
    for (size_t i = 0; i < na; i++) {
        if (match_a[i] != DIFF_NONE)
            continue;
        const struct spf_term *x = &a->terms[i];
        strbuf_reset(&sb);
        say_term(&sb, "removed: ", a, i);
        if (!diff_add_change(d, DIFF_REMOVED, term_id(before, i, x), before, i, NULL, DIFF_NONE,
                             term_has_effect(x), &sb))
            goto done;
        keys[nk++] = anchor[i] == DIFF_NONE ? 0 : 2 * anchor[i] + 2;
    }
    ok = diff_sort_changes(d, first, keys);
done:
    free_keys(ka, na);
    free_keys(kb, nb);
    free(match_a);
    free(match_b);
    free(seq);
    free(seq_at);
    free(keep);
    free(moved);
    free(anchor);
    free(keys);
    free(qual);
    strbuf_free(&sb);
    return ok && !d->oom;
}

/* --- the effect through the tree --------------------------------------- */

struct names {
    char **v;
    size_t n, cap;
};

static bool names_add(struct diff_result *d, struct names *s, const char *kind, const char *name,
                      const char *extra)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            d->oom = true;
            return false;
        }
        s->v = v;
        s->cap = cap;
    }
    struct strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s:", kind);
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++)
        strbuf_putc(&sb, name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] | 0x20) : name[i]);
    strbuf_puts(&sb, extra);
    if (sb.failed) {
        strbuf_free(&sb);
        d->oom = true;
        return false;
    }
    s->v[s->n++] = strbuf_take(&sb);
    return true;
}

static int cmp_str(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static size_t child_of(const struct spf_tree *t, size_t node, size_t term)
{
    for (size_t c = t->nodes[node].first_child; c != SPF_NONE; c = t->nodes[c].next_sibling)
        if (t->nodes[c].parent_term == term)
            return c;
    return SPF_NONE;
}

struct collect {
    struct diff_result *d;
    const struct spf_tree *t;
    struct diff_spf_side *side;
    struct ipset *blocks; /* unmerged passing blocks (origin: node), or NULL */
    struct names names;
};

/* The passing blocks and names of node's record; `pass` says whether a
 * match here means pass for the root (every include on the way has a
 * pass qualifier). */
static bool collect(struct collect *c, size_t node, bool pass, unsigned depth)
{
    const struct spf_node *n = &c->t->nodes[node];
    if (n->result != SPF_RESULT_RECORD || depth > SPF_TREE_MAX_DEPTH)
        return true;
    const struct spf_record *r = &n->record;
    for (size_t k = 0; k < r->count; k++) {
        const struct spf_term *t = &r->terms[k];
        if (t->flags & (SPF_TERM_AFTER_ALL | SPF_TERM_ERROR))
            continue;
        bool here = pass && spf_qualifier_effective(t->qualifier) == SPF_QUALIFIER_PASS;
        if ((t->kind == SPF_TERM_IP4 || t->kind == SPF_TERM_IP6) && (t->flags & SPF_TERM_ADDR_OK) &&
            here) {
            bool six = t->kind == SPF_TERM_IP6;
            int len = six ? t->cidr6 : t->cidr4;
            struct ip_prefix p;
            ip_prefix_make(&p, six ? 6 : 4, t->addr, len < 0 ? (six ? 128u : 32u) : (unsigned)len,
                           node);
            c->side->nblocks++;
            if (!ipset_add(&c->side->authorized, &p) || (c->blocks && !ipset_add(c->blocks, &p))) {
                c->d->oom = true;
                return false;
            }
        } else if (t->kind == SPF_TERM_ALL && here) {
            /* +all passes every address (kept out of `blocks`: it would
             * overlap everything). */
            static const unsigned char zero[16];
            struct ip_prefix p;
            ip_prefix_make(&p, 4, zero, 0, node);
            bool ok = ipset_add(&c->side->authorized, &p);
            ip_prefix_make(&p, 6, zero, 0, node);
            if (!ok || !ipset_add(&c->side->authorized, &p)) {
                c->d->oom = true;
                return false;
            }
        } else if ((t->kind == SPF_TERM_A || t->kind == SPF_TERM_MX) && here) {
            char extra[32] = "";
            if (t->cidr4 >= 0 || t->cidr6 >= 0) {
                struct strbuf sb = STRBUF_INIT;
                if (t->cidr4 >= 0)
                    strbuf_printf(&sb, "/%d", t->cidr4);
                if (t->cidr6 >= 0)
                    strbuf_printf(&sb, "//%d", t->cidr6);
                if (!sb.failed && sb.len < sizeof extra)
                    memcpy(extra, strbuf_cstr(&sb), sb.len + 1);
                strbuf_free(&sb);
            }
            if (!names_add(c->d, &c->names, t->kind == SPF_TERM_A ? "a" : "mx",
                           t->domain ? t->domain : n->domain, extra))
                return false;
        } else if (t->kind == SPF_TERM_INCLUDE || t->kind == SPF_TERM_REDIRECT) {
            size_t ch = child_of(c->t, node, k);
            if (ch == SPF_NONE)
                continue;
            const struct spf_node *cn = &c->t->nodes[ch];
            bool through = t->kind == SPF_TERM_REDIRECT ? pass : here;
            if (cn->state == SPF_NODE_WAITING) {
                c->side->complete = false;
                if (through && !names_add(c->d, &c->names, spf_kind_name(t->kind), cn->domain,
                                          " (not fetched)"))
                    return false;
            } else if (!collect(c, ch, through, depth + 1)) {
                return false;
            }
        }
    }
    return true;
}

/* The all qualifier that ends evaluation: the root's, else its redirect
 * target's (RFC 7208 §6.1). */
static enum spf_qualifier tree_all(const struct spf_tree *t)
{
    size_t node = 0;
    for (unsigned hops = 0; hops <= SPF_TREE_MAX_DEPTH; hops++) {
        const struct spf_node *n = &t->nodes[node];
        if (n->result != SPF_RESULT_RECORD)
            return SPF_QUALIFIER_NONE;
        enum spf_qualifier q = spf_all_qualifier(&n->record);
        if (q != SPF_QUALIFIER_NONE || n->record.redirect_index == SPF_NONE)
            return q;
        size_t ch = child_of(t, node, n->record.redirect_index);
        if (ch == SPF_NONE)
            return SPF_QUALIFIER_NONE;
        node = ch;
    }
    return SPF_QUALIFIER_NONE;
}

static bool side_fill(struct diff_result *d, const struct spf_tree *t, struct diff_spf_side *s,
                      struct ipset *blocks)
{
    if (!t || t->count == 0)
        return true;
    s->present = true;
    s->complete = true;
    s->lookups = t->lookups;
    s->void_lookups = t->void_lookups;
    s->all = tree_all(t);
    struct collect c = {d, t, s, blocks, {NULL, 0, 0}};
    bool ok = collect(&c, 0, true, 0);
    if (c.names.n)
        qsort(c.names.v, c.names.n, sizeof *c.names.v, cmp_str);
    size_t u = 0; /* unique */
    for (size_t i = 0; i < c.names.n; i++) {
        if (u && strcmp(c.names.v[u - 1], c.names.v[i]) == 0)
            free(c.names.v[i]);
        else
            c.names.v[u++] = c.names.v[i];
    }
    s->names = c.names.v;
    s->nnames = u;
    ipset_merge(&s->authorized);
    if (s->authorized.oom)
        d->oom = true;
    return ok && !d->oom;
}

/* Names in x and not in y (both sorted, unique), borrowed. */
static bool names_minus(struct diff_result *d, const struct diff_spf_side *x,
                        const struct diff_spf_side *y, char ***out, size_t *nout)
{
    *out = malloc((x->nnames ? x->nnames : 1) * sizeof **out);
    *nout = 0;
    if (!*out) {
        d->oom = true;
        return false;
    }
    size_t j = 0;
    for (size_t i = 0; i < x->nnames; i++) {
        while (j < y->nnames && strcmp(y->names[j], x->names[i]) < 0)
            j++;
        if (j < y->nnames && strcmp(y->names[j], x->names[i]) == 0)
            continue;
        (*out)[(*nout)++] = x->names[i];
    }
    return true;
}

#define OVERLAPS_KEPT 64

bool diff_spf_effect(const struct spf_tree *before, const struct spf_tree *after,
                     struct diff_result *d)
{
    struct diff_spf_effect *e = &d->spf;
    e->present = true;
    if (!side_fill(d, before, &e->before, NULL) ||
        !side_fill(d, after, &e->after, &e->after_blocks))
        return false;
    if (!ipset_subtract(&e->after.authorized, &e->before.authorized, &e->added) ||
        !ipset_subtract(&e->before.authorized, &e->after.authorized, &e->removed)) {
        d->oom = true;
        return false;
    }
    if (!names_minus(d, &e->after, &e->before, &e->names_added, &e->nnames_added) ||
        !names_minus(d, &e->before, &e->after, &e->names_removed, &e->nnames_removed))
        return false;
    if (after && after->count) {
        e->after_where = calloc(after->count, sizeof *e->after_where);
        if (!e->after_where) {
            d->oom = true;
            return false;
        }
        e->nwhere = after->count;
        for (size_t i = 0; i < after->count; i++) {
            const char *dom = after->nodes[i].domain ? after->nodes[i].domain : "";
            if (!(e->after_where[i] = diff_strndup(d, dom, strlen(dom))))
                return false;
        }
        e->overlaps = malloc(OVERLAPS_KEPT * sizeof *e->overlaps);
        if (!e->overlaps) {
            d->oom = true;
            return false;
        }
        bool oom = false;
        e->overlaps_total = ipset_overlaps(&e->after_blocks, e->overlaps, OVERLAPS_KEPT, &oom);
        e->noverlaps = e->overlaps_total < OVERLAPS_KEPT ? e->overlaps_total : OVERLAPS_KEPT;
        if (oom) {
            d->oom = true;
            return false;
        }
    }
    e->changed = e->added.count || e->removed.count || e->nnames_added || e->nnames_removed ||
                 e->before.lookups != e->after.lookups ||
                 e->before.void_lookups != e->after.void_lookups || e->before.all != e->after.all ||
                 e->before.present != e->after.present;
    if (e->changed)
        d->effect_changed = true;
    return true;
}
