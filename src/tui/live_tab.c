/* The Live tab: what the domain publishes against the drafts.  Per record
 * kind the live and draft texts (side by side in the Record pane, the
 * changed terms marked in each), the tag-level diff in words, and the
 * change in effect; the SPF include tree with each node's lookups and the
 * running total against 10, void lookups with the term that caused them;
 * the DNS errors.  All of it comes from live.c (src/net and the core's
 * diff); this file only lays it out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_app.h"
#include "tui_live.h"

enum row_id {
    ROW_STATUS = 1,
    ROW_LIVE,   /* sub: slot */
    ROW_DRAFT,  /* sub: slot */
    ROW_CHANGE, /* sub: slot * 100000 + change index */
    ROW_EFFECT, /* sub: slot * 100 + line */
    ROW_COPY,   /* sub: slot */
    ROW_TREE,   /* sub: node */
    ROW_ERROR,  /* sub: index */
};

struct live_tab {
    struct form form;
    struct strbuf buf;
    enum draft_slot slot; /* the record kind the focus is on */
};

static const char *const slot_title[DRAFT_COUNT] = {"SPF", "DMARC", "DKIM key"};

/* The columns a row's text may take before it wraps onto rows of its
 * own: set by each draw (which rebuilds the rows) from the pane's width,
 * less the label column (at most 12 cells, form.c) and the margins.  Long
 * effects, changes and tree lines wrap instead of being cut at the pane
 * edge; Up/Down still step over whole items (the continuation rows are
 * not focusable). */
static int row_width = 60;
#define WRAP_ROWS_MAX 24 /* continuation rows of one item, past which it is cut */

/* Rows under fld for the part of text from `from` on, wrapped at
 * row_width, in the text column (an unlabelled INFO row). */
static void wrap_rest(struct form *f, int id, int sub, const char *text, size_t len,
                      const size_t *starts, size_t n, bool dim)
{
    for (size_t i = 1; i < n && i <= WRAP_ROWS_MAX; i++) {
        size_t end = i + 1 < n ? starts[i + 1] : len;
        while (end > starts[i] && text[end - 1] == ' ')
            end--;
        struct field *more = form_add(f, FIELD_INFO, id, sub, "");
        if (!more)
            return;
        form_set_text(f, more, text + starts[i], end - starts[i]);
        more->dim = dim;
    }
}

/* A row with a label and a value; a value wider than row_width goes on
 * in rows of its own.  Returns the first row. */
static struct field *wrapped_row(struct form *f, enum field_type type, int id, int sub,
                                 const char *label, const char *text, size_t len, bool dim)
{
    struct field *fld = form_add(f, type, id, sub, label);
    if (!fld)
        return NULL;
    fld->dim = dim;
    size_t starts[WRAP_ROWS_MAX + 2];
    size_t n = len ? draw_wrap(text, len, row_width > 10 ? row_width : 10, false, starts,
                               WRAP_ROWS_MAX + 2)
                   : 0;
    if (n <= 1) {
        form_set_text(f, fld, text, len);
        return fld;
    }
    size_t first_end = starts[1];
    while (first_end > 0 && text[first_end - 1] == ' ')
        first_end--;
    form_set_text(f, fld, text, first_end);
    size_t at = (size_t)(fld - f->fields); /* form_add may move the rows */
    wrap_rest(f, id, sub, text, len, starts, n < WRAP_ROWS_MAX + 2 ? n : WRAP_ROWS_MAX + 2, dim);
    return &f->fields[at];
}

static struct field *text_row(struct form *f, int id, int sub, const char *label,
                              const char *text, size_t len)
{
    return wrapped_row(f, FIELD_TEXT, id, sub, label, text, len, false);
}

static void info_row(struct form *f, int sub, const char *text, bool dim)
{
    wrapped_row(f, FIELD_INFO, ROW_STATUS, sub, "", text, strlen(text), dim);
}

static char change_mark(enum diff_kind k)
{
    switch (k) {
    case DIFF_ADDED:
        return '+';
    case DIFF_REMOVED:
        return '-';
    case DIFF_CHANGED:
    case DIFF_REQUALIFIED:
        return '~';
    case DIFF_MOVED:
        return '^';
    default:
        return '=';
    }
}

static void add_prefixes(struct strbuf *b, const struct ipset *s, char sign)
{
    char ip[IP_PREFIX_TEXT_MAX];
    for (size_t i = 0; i < s->count && i < 6; i++) {
        ip_prefix_format(&s->items[i], ip);
        strbuf_printf(b, " %c%s", sign, ip);
    }
    if (s->count > 6)
        strbuf_printf(b, " (+%zu more)", s->count - 6);
}

static void spf_effect_rows(struct form *f, struct live_tab *t, const struct diff_result *d)
{
    const struct diff_spf_effect *e = &d->spf;
    if (!e->present)
        return;
    struct strbuf *b = &t->buf;
    strbuf_reset(b);
    strbuf_printf(b, "lookups %d -> %d of 10, void lookups %u -> %u%s", e->before.lookups,
                  e->after.lookups, e->before.void_lookups, e->after.void_lookups,
                  e->after.complete ? "" : " (draft tree still being fetched)");
    struct field *fld = text_row(f, ROW_EFFECT, DRAFT_SPF * 100, "effect", b->data, b->len);
    if (fld && e->after.lookups > 10)
        fld->severity = DIAG_ERROR;
    strbuf_reset(b);
    if (e->added.count == 0 && e->removed.count == 0) {
        strbuf_puts(b, "the same addresses are authorized");
    } else {
        strbuf_puts(b, "addresses:");
        add_prefixes(b, &e->added, '+');
        add_prefixes(b, &e->removed, '-');
    }
    for (size_t i = 0; i < e->nnames_added && i < 4; i++)
        strbuf_printf(b, " +%s", e->names_added[i]);
    for (size_t i = 0; i < e->nnames_removed && i < 4; i++)
        strbuf_printf(b, " -%s", e->names_removed[i]);
    text_row(f, ROW_EFFECT, DRAFT_SPF * 100 + 1, "", b->data, b->len);
    if (e->overlaps_total) {
        strbuf_reset(b);
        strbuf_printf(b, "%zu duplicate or overlapping netblock%s in the draft's tree",
                      e->overlaps_total, e->overlaps_total == 1 ? "" : "s");
        fld = text_row(f, ROW_EFFECT, DRAFT_SPF * 100 + 2, "", b->data, b->len);
        if (fld)
            fld->severity = DIAG_WARNING;
    }
}

static void dmarc_effect_rows(struct form *f, const struct diff_result *d)
{
    static const char *const scope_label[DMARC_SCOPE_COUNT] = {"domain", "subdomain",
                                                               "no such sub"};
    if (!d->dmarc.present)
        return;
    for (int s = 0; s < DMARC_SCOPE_COUNT; s++) {
        const char *txt = d->dmarc.scope_text[s] ? d->dmarc.scope_text[s] : "";
        struct field *fld =
            text_row(f, ROW_EFFECT, DRAFT_DMARC * 100 + s, scope_label[s], txt, strlen(txt));
        if (fld && !d->dmarc.scope_changed[s])
            fld->dim = true;
    }
}

/* The SPF include tree, depth first in evaluation order. */
static void tree_rows(struct form *f, struct live_tab *t, const struct spf_tree *tree)
{
    struct strbuf *b = &t->buf;
    size_t stack[SPF_TREE_MAX_DEPTH + 2];
    size_t sp = 0;
    if (tree->count == 0)
        return;
    stack[sp++] = 0;
    while (sp) {
        size_t i = stack[--sp];
        const struct spf_node *n = &tree->nodes[i];
        strbuf_reset(b);
        for (unsigned d = 0; d < n->depth && d < 12; d++)
            strbuf_puts(b, "  ");
        strbuf_printf(b, "%s%s", n->edge == SPF_EDGE_INCLUDE    ? "include:"
                                 : n->edge == SPF_EDGE_REDIRECT ? "redirect="
                                                                : "",
                      n->domain);
        int sev = -1;
        if (n->state == SPF_NODE_LOOP) {
            strbuf_puts(b, "  loop: already on the path");
            sev = DIAG_ERROR;
        } else if (n->state == SPF_NODE_TOO_DEEP) {
            strbuf_puts(b, "  not followed: too deep");
            sev = DIAG_WARNING;
        } else if (n->result == SPF_RESULT_NONE) {
            strbuf_puts(b, "  no SPF record");
            sev = DIAG_ERROR;
        } else if (n->result == SPF_RESULT_MULTIPLE) {
            strbuf_puts(b, "  several SPF records");
            sev = DIAG_ERROR;
        } else if (n->result == SPF_RESULT_DNS_ERROR) {
            strbuf_printf(b, "  DNS error (%s)", dns_status_name(n->txt.status));
            sev = DIAG_WARNING;
        } else if (n->state == SPF_NODE_WAITING) {
            strbuf_puts(b, "  ...");
        }
        struct field *fld = text_row(f, ROW_TREE, (int)i, i == 0 ? "tree" : "", b->data, b->len);
        if (fld) {
            /* Its own lookups, and the running total once its whole
             * subtree is evaluated (RFC 7208 §4.6.4 order). */
            int total = n->running_before + n->subtree_lookups;
            snprintf(fld->right, sizeof fld->right, "+%d %d/10", n->own_lookups, total);
            fld->severity = total > 10 ? DIAG_ERROR : sev;
        }
        /* Void lookups of this node's own terms. */
        for (size_t v = 0; v < tree->nvoids; v++) {
            if (tree->voids[v].node != i)
                continue;
            strbuf_reset(b);
            for (unsigned d = 0; d <= n->depth && d < 12; d++)
                strbuf_puts(b, "  ");
            size_t tg = tree->voids[v].target;
            if (tg == SPF_NONE || tg >= n->ntargets)
                strbuf_printf(b, "void lookup: %s", n->domain);
            else
                strbuf_printf(b, "void lookup: %s:%s (%s)", spf_kind_name(n->targets[tg].kind),
                              n->targets[tg].name ? n->targets[tg].name : "?",
                              dns_status_name(n->targets[tg].status));
            fld = text_row(f, ROW_TREE, (int)i, "", b->data, b->len);
            if (fld)
                fld->severity = DIAG_WARNING;
        }
        /* Children in order: push them reversed. */
        size_t kids[SPF_TREE_MAX_NODES];
        size_t nk = 0;
        for (size_t c = n->first_child; c != SPF_NONE && nk < SPF_TREE_MAX_NODES;
             c = tree->nodes[c].next_sibling)
            kids[nk++] = c;
        while (nk && sp < sizeof stack / sizeof stack[0])
            stack[sp++] = kids[--nk];
    }
}

static void section(struct app *a, struct live_tab *t, const struct live_view *v,
                    enum draft_slot slot)
{
    struct form *f = &t->form;
    struct strbuf *b = &t->buf;
    strbuf_reset(b);
    strbuf_printf(b, "%s  ", slot_title[slot]);
    drafts_owner_name(&a->drafts, slot, b);
    form_add(f, FIELD_HEADING, 0, 100 + slot, strbuf_cstr(b));
    const struct record *live = live_record(a, slot);
    const struct record *draft = &a->drafts.rec[slot];
    struct field *fld;
    if (live && live->len) {
        fld = text_row(f, ROW_LIVE, slot, "live", live->text, live->len);
        if (fld) {
            fld->severity = diag_list_max_severity(&live->diags);
            if (fld->severity < DIAG_WARNING)
                fld->severity = -1;
        }
    } else {
        fld = text_row(f, ROW_LIVE, slot, "live", "(none published)", 16);
        if (fld)
            fld->dim = true;
    }
    if (fld && slot == DRAFT_SPF && live && live->len)
        snprintf(fld->right, sizeof fld->right, "%d/10", v->fetch->spf.lookups);
    if (draft->len)
        text_row(f, ROW_DRAFT, slot, "draft", draft->text, draft->len);
    else if ((fld = text_row(f, ROW_DRAFT, slot, "draft", "(no draft)", 10)))
        fld->dim = true;
    const struct diff_result *d = v->diff[slot];
    if (d) {
        size_t shown = 0;
        for (size_t i = 0; i < d->count && shown < 40; i++) {
            const struct diff_change *c = &d->changes[i];
            char mark[4] = {change_mark(c->kind), '\0'};
            const char *s = c->sentence ? c->sentence : "";
            fld = text_row(f, ROW_CHANGE, (int)(slot * 100000 + i), mark, s, strlen(s));
            if (fld && !c->effect)
                fld->dim = true;
            shown++;
        }
        if (d->count == 0 && d->before_present && d->after_present)
            info_row(f, 200 + slot, "no change: the draft is what is published", true);
        if (slot == DRAFT_SPF)
            spf_effect_rows(f, t, d);
        else if (slot == DRAFT_DMARC)
            dmarc_effect_rows(f, d);
        else if (d->dkim.present) {
            strbuf_reset(b);
            strbuf_printf(b, "key %s -> %s", d->dkim.before_key ? d->dkim.before_key : "none",
                          d->dkim.after_key ? d->dkim.after_key : "none");
            text_row(f, ROW_EFFECT, DRAFT_DKIM * 100, "effect", b->data, b->len);
        }
    }
    if (live && live->len)
        form_add(f, FIELD_BUTTON, ROW_COPY, slot, "c: copy the live record into the draft");
    if (slot == DRAFT_SPF)
        tree_rows(f, t, &v->fetch->spf);
}

static void rebuild(struct app *a, struct live_tab *t)
{
    struct form *f = &t->form;
    struct field *cur = f->count ? form_current(f) : NULL;
    int keep_id = cur ? cur->id : 0, keep_sub = cur ? cur->sub : 0;
    struct live_view v;
    live_view(a, &v);
    struct strbuf *b = &t->buf;
    form_begin(f);
    strbuf_reset(b);
    switch (v.state) {
    case LIVE_NONE:
        info_row(f, 1, "Nothing fetched yet. F5 fetches the records the domain publishes:", false);
        strbuf_printf(b, "SPF at %s (with its include tree), DMARC at _dmarc.%s, DKIM at ",
                      a->drafts.domain, a->drafts.domain);
        drafts_owner_name(&a->drafts, DRAFT_DKIM, b);
        info_row(f, 2, strbuf_cstr(b), true);
        info_row(f, 3, "(the domain and selector are those of the drafts; "
                       "authtxt DOMAIN --selector S sets them)", true);
        break;
    case LIVE_FETCHING:
        strbuf_printf(b, "fetching %s: %zu queries sent, %zu in flight, %.0f ms",
                      v.fetch->display ? v.fetch->display : a->drafts.domain, v.sent, v.inflight,
                      v.elapsed_ms);
        info_row(f, 1, strbuf_cstr(b), false);
        break;
    case LIVE_FAILED:
        strbuf_printf(b, "cannot fetch: %s", v.error);
        info_row(f, 1, strbuf_cstr(b), false);
        if (f->count)
            f->fields[f->count - 1].severity = DIAG_ERROR;
        break;
    case LIVE_DONE:
        strbuf_printf(b, "%s: fetched in %.0f ms, %zu queries, %zu DNS error%s%s · F5 refetch",
                      v.fetch->display, v.elapsed_ms, v.fetch->sent, v.fetch->errors_total,
                      v.fetch->errors_total == 1 ? "" : "s",
                      v.inflight ? " (draft tree in flight)" : "");
        info_row(f, 1, strbuf_cstr(b), false);
        if (v.fetch->idn) {
            strbuf_reset(b);
            strbuf_printf(b, "asked as %s", v.fetch->domain);
            info_row(f, 2, strbuf_cstr(b), true);
        }
        for (int s = 0; s < DRAFT_COUNT; s++)
            section(a, t, &v, (enum draft_slot)s);
        if (v.fetch->errors_total) {
            form_add(f, FIELD_HEADING, 0, 300, "DNS errors");
            for (size_t i = 0; i < v.fetch->nerrors; i++) {
                const struct net_fetch_error *e = &v.fetch->errors[i];
                strbuf_reset(b);
                strbuf_printf(b, "%s %s: %s%s%s", e->name, e->type, dns_status_name(e->status),
                              e->message && e->message[0] ? ", " : "",
                              e->message ? e->message : "");
                struct field *fld = text_row(f, ROW_ERROR, (int)i, "error", b->data, b->len);
                if (fld)
                    fld->severity = DIAG_WARNING;
            }
        }
        break;
    }
    form_end(f, keep_id, keep_sub);
}

/* The record kind of the focused row. */
static enum draft_slot focused_slot(struct live_tab *t)
{
    struct field *fld = t->form.count ? form_current(&t->form) : NULL;
    if (!fld)
        return t->slot;
    switch (fld->id) {
    case ROW_LIVE:
    case ROW_DRAFT:
    case ROW_COPY:
        return (enum draft_slot)fld->sub;
    case ROW_CHANGE:
        return (enum draft_slot)(fld->sub / 100000);
    case ROW_EFFECT:
        return (enum draft_slot)(fld->sub / 100);
    case ROW_TREE:
        return DRAFT_SPF;
    default:
        return t->slot;
    }
}

static void *live_tab_create(struct app *a)
{
    (void)a;
    struct live_tab *t = calloc(1, sizeof *t);
    if (t) {
        form_init(&t->form);
        strbuf_init(&t->buf);
    }
    return t;
}

static void live_tab_destroy(void *st)
{
    struct live_tab *t = st;
    form_free(&t->form);
    strbuf_free(&t->buf);
    free(t);
}

static void live_tab_reload(struct app *a, void *st) { rebuild(a, st); }

static const struct record *live_tab_record(struct app *a, void *st)
{
    struct live_tab *t = st;
    return live_record(a, t->slot);
}

static void live_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                          bool focused)
{
    struct live_tab *t = st;
    /* The text column starts after the label column (form.c: the widest
     * label of a value row, 2 to 12 cells) and 3 cells of margin; one cell
     * is kept for a right-hand note.  The labels are known once the rows
     * are built: a second build when the first guessed wrong. */
    for (int pass = 0; pass < 2; pass++) {
        rebuild(a, t);
        int lw = 2;
        for (size_t i = 0; i < t->form.count; i++) {
            const struct field *fld = &t->form.fields[i];
            if (fld->type == FIELD_TEXT || fld->type == FIELD_CHOICE || fld->type == FIELD_CHECKS) {
                int label_w = draw_str_width(fld->label);
                lw = label_w > lw ? label_w : lw;
            }
        }
        int want = cols - (lw > 12 ? 12 : lw) - 4;
        if (want == row_width)
            break;
        row_width = want;
    }
    t->slot = focused_slot(t);
    form_draw(&t->form, w, y, x, rows, cols, focused);
}

/* One side of the Record pane: a record with the spans of the changed
 * terms marked, wrapped into its half. */
static void draw_side(WINDOW *w, int y, int x, int rows, int cols, const char *title,
                      const struct record *r, const struct diff_result *d, bool before)
{
    static size_t starts[64];
    struct draw_mark marks[64];
    draw_str(w, y, x, cols, title, term_attr(ROLE_HEADING));
    if (!r || r->len == 0) {
        draw_str(w, y + 1, x, cols, "(none)", term_attr(ROLE_DIM));
        return;
    }
    size_t nm = 0;
    for (size_t i = 0; d && i < d->count && nm < 64; i++) {
        const struct diff_change *c = &d->changes[i];
        if (c->kind == DIFF_SAME_EFFECT)
            continue;
        struct span sp = before ? c->before : c->after;
        if (sp.end <= sp.start || sp.end > r->len)
            continue;
        attr_t at = c->kind == DIFF_MOVED ? term_attr(ROLE_MARK_FOCUS)
                    : before              ? term_attr(ROLE_MARK_ERROR)
                                          : term_attr(ROLE_GOOD) | A_REVERSE;
        marks[nm++] = (struct draw_mark){sp.start, sp.end, at};
    }
    size_t n = draw_wrap(r->text, r->len, cols, false, starts, 64);
    for (int row = 0; row < rows - 1 && (size_t)row < n && row < 64; row++) {
        size_t end = (size_t)row + 1 < n && row + 1 < 64 ? starts[row + 1] : r->len;
        draw_line(w, y + 1 + row, x, cols, r->text, starts[row], end, term_attr(ROLE_VALUE),
                  marks, nm);
    }
    if ((size_t)(rows - 1) < n)
        draw_str(w, y + rows - 1, x + cols - 1, 1, term_glyph(GLYPH_MORE_DOWN),
                 term_attr(ROLE_DIM));
}

static bool live_tab_draw_record(struct app *a, void *st, WINDOW *w, int y, int x, int rows,
                                 int cols)
{
    struct live_tab *t = st;
    struct live_view v;
    live_view(a, &v);
    if (v.state != LIVE_DONE)
        return false;
    int half = (cols - 3) / 2;
    const struct diff_result *d = v.diff[t->slot];
    draw_side(w, y, x, rows, half, "live (published)", live_record(a, t->slot), d, true);
    for (int r = 0; r < rows; r++)
        draw_str(w, y + r, x + half + 1, 1, "|", term_attr(ROLE_DIM));
    draw_side(w, y, x + half + 3, rows, cols - half - 3, "draft", &a->drafts.rec[t->slot], d,
              false);
    return true;
}

static unsigned live_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                             bool more, bool *handled)
{
    struct live_tab *t = st;
    (void)more;
    *handled = true;
    (void)key, (void)fkey;
    if (act == ACT_COPY_LIVE || (act == ACT_ACTIVATE && form_current(&t->form) &&
                                 form_current(&t->form)->id == ROW_COPY)) {
        struct live_view v;
        if (live_view(a, &v)->state != LIVE_DONE) {
            app_message(a, ROLE_WARNING, "nothing fetched yet: F5 fetches");
            return DIRTY_STATUS;
        }
        return live_copy_to_draft(a, focused_slot(t));
    }
    enum draft_slot before = t->slot;
    unsigned d = form_move(&t->form, act);
    if (d) {
        t->slot = focused_slot(t);
        if (t->slot != before)
            d |= DIRTY_LINT | DIRTY_RECORD;
        return d | DIRTY_EXPLAIN | DIRTY_RECORD;
    }
    *handled = false;
    return 0;
}

static void live_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct live_tab *t = st;
    struct field *fld = t->form.count ? form_current(&t->form) : NULL;
    struct live_view v;
    live_view(a, &v);
    if (!fld || v.state != LIVE_DONE) {
        out->help_id = NULL;
        strbuf_puts(&out->note, "F5 fetches the records this domain publishes, follows the SPF "
                                "include tree and compares them with the drafts. c copies a "
                                "live record into the draft.");
        return;
    }
    static const char *const kind_ids[DRAFT_COUNT] = {"spf.version", "dmarc.tag.v",
                                                      "dkim.key.tag.v"};
    out->help_id = kind_ids[t->slot];
    switch (fld->id) {
    case ROW_CHANGE: {
        const struct diff_result *d = v.diff[t->slot];
        size_t i = (size_t)(fld->sub % 100000);
        if (d && i < d->count) {
            const struct diff_change *c = &d->changes[i];
            out->help_id = c->id;
            strbuf_puts(&out->here, c->sentence ? c->sentence : diff_kind_name(c->kind));
            strbuf_printf(&out->note, "live: %s\ndraft: %s",
                          c->before_text ? c->before_text : "(absent)",
                          c->after_text ? c->after_text : "(absent)");
        }
        break;
    }
    case ROW_TREE: {
        const struct spf_tree *tree = &v.fetch->spf;
        size_t i = (size_t)fld->sub;
        if (i < tree->count) {
            const struct spf_node *n = &tree->nodes[i];
            out->help_id = n->edge == SPF_EDGE_REDIRECT ? "spf.mod.redirect" : "spf.mech.include";
            strbuf_printf(&out->here,
                          "%s: its own terms make %d DNS lookup%s; %d before it in evaluation "
                          "order, %d through its whole subtree",
                          n->domain, n->own_lookups, n->own_lookups == 1 ? "" : "s",
                          n->running_before, n->subtree_lookups);
            if (n->spf_txt != SPF_NONE && n->spf_txt < n->txt.count) {
                strbuf_puts(&out->note, "Record: ");
                strbuf_append(&out->note, n->txt.records[n->spf_txt].text,
                              n->txt.records[n->spf_txt].len);
            }
        }
        break;
    }
    case ROW_COPY:
        strbuf_puts(&out->note, "Enter or c replaces the draft with the live record (the "
                                "other drafts stay as they are; Ctrl-S saves).");
        break;
    default:
        strbuf_puts(&out->note, "Left: the published record, right: the draft; changed terms "
                                "are marked in both. c copies the live record into the draft, "
                                "F5 fetches again.");
        break;
    }
}

static void live_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct live_tab *t = st;
    struct live_view v;
    switch (live_view(a, &v)->state) {
    case LIVE_FETCHING:
        strbuf_printf(out, "fetching %zu/%zu", v.sent - v.inflight, v.sent);
        break;
    case LIVE_DONE:
        strbuf_printf(out, "%s", slot_title[t->slot]);
        break;
    case LIVE_FAILED:
        strbuf_puts(out, "failed");
        break;
    default:
        strbuf_puts(out, "not fetched");
        break;
    }
}

static void live_tab_goto_span(struct app *a, void *st, size_t start, size_t end,
                               enum rule_id rule)
{
    (void)a, (void)start, (void)end, (void)rule;
    struct live_tab *t = st;
    form_focus(&t->form, ROW_LIVE, t->slot);
}

static unsigned live_tab_click(struct app *a, void *st, int y, int x)
{
    struct live_tab *t = st;
    int choice;
    (void)a;
    if (!form_click(&t->form, y, x, &choice))
        return 0;
    t->slot = focused_slot(t);
    return DIRTY_FOCUS | DIRTY_LINT;
}

const struct tab_ops live_tab_ops = {
    .name = "Live",
    .keymap = KEYMAP_LIVE,
    .create = live_tab_create,
    .destroy = live_tab_destroy,
    .reload = live_tab_reload,
    .record = live_tab_record,
    .draw = live_tab_draw,
    .draw_record = live_tab_draw_record,
    .key = live_tab_key,
    .explain = live_tab_explain,
    .goto_span = live_tab_goto_span,
    .position = live_tab_position,
    .click = live_tab_click,
};
