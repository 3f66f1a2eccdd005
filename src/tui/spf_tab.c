/* The SPF tab: the record as an ordered list of terms.  Add (picked from
 * a list), edit in place with the core checking the value on every key,
 * delete, move, change the qualifier with one key; the all term, redirect
 * and exp are always on the list (as "not set" rows when absent); the DNS
 * lookup count is under the list (through the fetched include tree when
 * there is one).  The rows read the SPF draft (a->drafts.rec[DRAFT_SPF])
 * and every change is a drafts_spf_* call; the in-place editor is the
 * shared one of schema_form.c (SPF has no tag schema: its rows are all the
 * tab's own). */
#include <stdlib.h>
#include <string.h>

#include "authtxt/help.h"
#include "authtxt/spf.h"
#include "tui_app.h"

enum {
    ROW_VERSION = SF_ROW_OWN,
    ROW_TERM,       /* sub: term index in the model */
    ROW_SET_ALL,    /* the "not set" rows */
    ROW_SET_REDIRECT,
    ROW_SET_EXP,
    ROW_ADD,
};

enum { EDIT_TERM = 1 };

struct spf_tab {
    struct schema_form sf;
    struct diag_list why;
    struct strbuf buf;
    size_t edit_term; /* the term the editor is on */
};

static const char *const qual_names[] = {"+pass", "-fail", "~softfail", "?neutral"};
static const enum spf_qualifier qual_of_choice[] = {SPF_QUALIFIER_PASS, SPF_QUALIFIER_FAIL,
                                                    SPF_QUALIFIER_SOFTFAIL, SPF_QUALIFIER_NEUTRAL};

static int choice_of_qual(enum spf_qualifier q)
{
    switch (spf_qualifier_effective(q)) {
    case SPF_QUALIFIER_FAIL: return 1;
    case SPF_QUALIFIER_SOFTFAIL: return 2;
    case SPF_QUALIFIER_NEUTRAL: return 3;
    default: return 0;
    }
}

static const struct record *spf_draft(struct app *a) { return &a->drafts.rec[DRAFT_SPF]; }

/* The core's typed model of the draft (read-only), or an empty one. */
static const struct spf_record *model(struct app *a)
{
    static const struct spf_record empty;
    const struct spf_record *m = spf_draft(a)->spf;
    return m ? m : &empty;
}

static size_t first_modifier(const struct spf_record *m)
{
    for (size_t i = 1; i < m->count; i++) {
        enum spf_term_kind k = m->terms[i].kind;
        if (k == SPF_TERM_REDIRECT || k == SPF_TERM_EXP || k == SPF_TERM_UNKNOWN_MODIFIER)
            return i;
    }
    return m->count;
}

static void term_rows(struct app *a, struct schema_form *sf)
{
    struct spf_tab *t = sf->tab;
    struct form *f = &sf->form;
    const struct record *r = spf_draft(a);
    const struct spf_record *m = model(a);
    struct field *fld;

    size_t first = 0;
    if (m->version != SPF_VERSION_MISSING && m->count > 0) {
        fld = form_add(f, FIELD_TEXT, ROW_VERSION, 0, "version");
        if (fld) {
            const struct spf_term *v = &m->terms[0];
            form_set_text(f, fld, v->name, strlen(v->name));
            if (m->version != SPF_VERSION_OK) {
                fld->severity = DIAG_ERROR;
                form_set_hint(f, fld, "Enter: make it v=spf1");
            }
            fld->help_id = "spf.version";
            fld->has_span = true;
            fld->span_start = v->whole.start;
            fld->span_end = v->whole.end;
        }
        first = 1;
    } else if (r->len > 0 || m->count > 0) {
        fld = form_add(f, FIELD_TEXT, ROW_VERSION, 0, "version");
        if (fld) {
            form_set_hint(f, fld, "missing: Enter adds v=spf1");
            fld->severity = DIAG_ERROR;
            fld->help_id = "spf.version";
        }
    }
    for (size_t i = first; i < m->count; i++) {
        const struct spf_term *term = &m->terms[i];
        bool is_all = term->kind == SPF_TERM_ALL;
        const char *name = spf_kind_name(term->kind);
        if (!name || !*name)
            name = term->kind == SPF_TERM_BAD ? "(bad)" : term->name;
        fld = form_add(f, is_all ? FIELD_CHOICE : FIELD_TEXT, ROW_TERM, (int)i, name);
        if (!fld)
            break;
        strbuf_reset(&t->buf);
        if (is_all) {
            for (int k = 0; k < 4; k++)
                fld->choices[k] = qual_names[k];
            fld->nchoices = 4;
            fld->value = choice_of_qual(term->qualifier);
        } else {
            spf_term_value(m, i, &t->buf);
            form_set_text(f, fld, strbuf_cstr(&t->buf), t->buf.len);
            if (spf_kind_is_mechanism(term->kind) || term->kind == SPF_TERM_BAD)
                fld->qual = spf_qualifier_char(term->qualifier);
        }
        if (term->flags & SPF_TERM_AFTER_ALL)
            form_set_hint(f, fld, "never used: it comes after all");
        else if (term->flags & SPF_TERM_IGNORED)
            form_set_hint(f, fld, "ignored: the record has all");
        else if (!is_all && t->buf.len == 0 &&
                 (term->kind == SPF_TERM_A || term->kind == SPF_TERM_MX ||
                  term->kind == SPF_TERM_PTR))
            form_set_hint(f, fld, "(this domain)");
        if (term->lookups > 0)
            snprintf(fld->right, sizeof fld->right, "+%d", term->lookups);
        fld->severity = app_span_severity(r, term->whole.start, term->whole.end);
        fld->has_span = true;
        fld->span_start = term->whole.start;
        fld->span_end = term->whole.end;
        fld->help_id = spf_kind_help_id(term->kind);
        if (spf_kind_is_mechanism(term->kind))
            fld->value_id = spf_qualifier_help_id(term->qualifier);
    }
    /* all, redirect and exp are always there to set. */
    if (m->all_index == SPF_NONE) {
        fld = form_add(f, FIELD_CHOICE, ROW_SET_ALL, 0, "all");
        if (fld) {
            for (int k = 0; k < 4; k++)
                fld->choices[k] = qual_names[k];
            fld->nchoices = 4;
            fld->dim = true;
            form_set_hint(f, fld, "not set");
            fld->help_id = "spf.mech.all";
        }
    }
    if (m->redirect_index == SPF_NONE) {
        fld = form_add(f, FIELD_TEXT, ROW_SET_REDIRECT, 0, "redirect");
        if (fld) {
            form_set_hint(f, fld, m->all_index == SPF_NONE ? "not set: Enter to set"
                                                          : "not set (ignored while all is there)");
            fld->dim = true;
            fld->help_id = "spf.mod.redirect";
        }
    }
    if (m->exp_index == SPF_NONE) {
        fld = form_add(f, FIELD_TEXT, ROW_SET_EXP, 0, "exp");
        if (fld) {
            form_set_hint(f, fld, "not set: Enter to set");
            fld->dim = true;
            fld->help_id = "spf.mod.exp";
        }
    }
    fld = form_add(f, FIELD_BUTTON, ROW_ADD, 0, "+ add a term (a)");
    if (fld)
        fld->help_id = "spf.version";
}

/* The editor's value for term edit_term: checked by the core key by key,
 * given to the draft while valid. */
static bool term_apply(struct app *a, struct schema_form *sf, const char *text, size_t len,
                       bool apply, struct diag_list *why)
{
    struct spf_tab *t = sf->tab;
    const struct spf_record *m = model(a);
    if (t->edit_term >= m->count) {
        diag_add(why, RULE_INPUT_EMPTY, 0, 0, "the term is gone (undone or replaced)");
        return false;
    }
    if (!spf_value_check(m->terms[t->edit_term].kind, text, len, why))
        return false;
    if (!apply)
        return true;
    strbuf_reset(&t->buf);
    spf_term_value(m, t->edit_term, &t->buf);
    if (t->buf.len == len && memcmp(strbuf_cstr(&t->buf), text, len) == 0)
        return true;
    return drafts_spf_set_value(&a->drafts, t->edit_term, text, len, why);
}

static const struct schema_form_hooks spf_hooks = {
    .head_rows = term_rows,
    .edit_apply = term_apply,
};

static void tab_refresh(struct app *a, struct spf_tab *t) { schema_form_refresh(a, &t->sf, false); }

/* ---------------------------------------------------------------------- */

static void *spf_tab_create(struct app *a)
{
    (void)a;
    struct spf_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    schema_form_init(&t->sf, DRAFT_SPF, &spf_hooks, t);
    diag_list_init(&t->why);
    strbuf_init(&t->buf);
    return t;
}

static void spf_tab_destroy(void *st)
{
    struct spf_tab *t = st;
    schema_form_free(&t->sf);
    diag_list_free(&t->why);
    strbuf_free(&t->buf);
    free(t);
}

static void spf_tab_reload(struct app *a, void *st)
{
    struct spf_tab *t = st;
    if (t->sf.form.editing)
        schema_form_edit_end(a, &t->sf, true);
    schema_form_refresh(a, &t->sf, true);
}

static const struct record *spf_tab_record(struct app *a, void *st)
{
    (void)st;
    return spf_draft(a);
}

static void spf_tab_set_text(struct app *a, void *st, const char *text, size_t len)
{
    (void)st;
    a->dirty |= app_set_draft(a, DRAFT_SPF, text, len);
}

static void spf_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                         bool focused)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    form_draw(&t->sf.form, w, y, x, rows - 1, cols, focused);
    /* The running DNS lookup count (RFC 7208 §4.6.4: at most 10): through
     * the fetched include tree of this very text when there is one, else
     * the record's own terms. */
    bool complete = false;
    int n = live_draft_lookups(a, &complete);
    bool tree = n >= 0;
    if (!tree)
        n = spf_lookup_count(model(a));
    char line[128];
    snprintf(line, sizeof line, "DNS lookups %d/%d%s%s", n, SPF_LOOKUP_LIMIT,
             n > SPF_LOOKUP_LIMIT ? ": over the limit, receivers return permerror" : "",
             tree ? (complete ? " (with the include tree)" : " (with the include tree so far)")
                  : " (this record's own terms)");
    attr_t at = n > SPF_LOOKUP_LIMIT        ? term_attr(ROLE_ERROR) | A_BOLD
                : n >= SPF_LOOKUP_LIMIT - 1 ? term_attr(ROLE_WARNING)
                                            : term_attr(ROLE_INFO);
    draw_fill(w, y + rows - 1, x, cols, A_NORMAL);
    draw_str(w, y + rows - 1, x + 2, cols - 2, line, at);
}

static bool spf_tab_editing(void *st) { return ((struct spf_tab *)st)->sf.form.editing; }

static struct field *cur_field(struct spf_tab *t) { return form_current(&t->sf.form); }

static size_t cur_term(struct spf_tab *t)
{
    struct field *f = cur_field(t);
    return f && f->id == ROW_TERM ? (size_t)f->sub : SPF_NONE;
}

/* Where a new term goes: after the focused mechanism, else before the
 * all term (mechanisms) or at the end (modifiers). */
static size_t insert_index(struct app *a, struct spf_tab *t, enum spf_term_kind kind)
{
    const struct spf_record *m = model(a);
    if (kind == SPF_TERM_REDIRECT || kind == SPF_TERM_EXP)
        return m->count;
    size_t at = cur_term(t);
    if (kind != SPF_TERM_ALL && at != SPF_NONE && at < m->count &&
        spf_kind_is_mechanism(m->terms[at].kind) && m->terms[at].kind != SPF_TERM_ALL &&
        !(m->terms[at].flags & SPF_TERM_AFTER_ALL))
        return at + 1;
    if (kind != SPF_TERM_ALL && m->all_index != SPF_NONE)
        return m->all_index;
    return first_modifier(m);
}

static unsigned refused(struct app *a, struct spf_tab *t, const char *fallback)
{
    return app_edit_refused(a, &t->why, fallback);
}

/* Insert a term and, when it takes a value, open the editor on it: the
 * insert and the value typed are one undo step, and Esc takes both back. */
static unsigned add_term(struct app *a, struct spf_tab *t, enum spf_term_kind kind,
                         enum spf_qualifier q, bool edit)
{
    char label[48];
    snprintf(label, sizeof label, "insert %s", spf_kind_name(kind));
    if (edit)
        schema_form_edit_open(a, &t->sf, EDIT_TERM, "", label, "", 0, true);
    else
        drafts_group_begin(&a->drafts, label);
    diag_list_reset(&t->why);
    /* An empty draft or one without v=spf1 gets the version first. */
    bool ok = model(a)->version == SPF_VERSION_OK || drafts_spf_set_version(&a->drafts, &t->why);
    size_t at = ok ? insert_index(a, t, kind) : 0;
    ok = ok && drafts_spf_insert(&a->drafts, at, kind, q, "", 0, &t->why);
    if (!edit)
        drafts_group_end(&a->drafts);
    if (!ok) {
        if (edit)
            schema_form_edit_end(a, &t->sf, false);
        return refused(a, t, "the term could not be added");
    }
    unsigned d = app_draft_changed(a);
    tab_refresh(a, t);
    form_focus(&t->sf.form, ROW_TERM, (int)at);
    t->edit_term = at;
    return d | DIRTY_FOCUS;
}

static const enum spf_term_kind pick_kinds[] = {
    SPF_TERM_IP4,    SPF_TERM_IP6, SPF_TERM_INCLUDE,  SPF_TERM_A,   SPF_TERM_MX,
    SPF_TERM_EXISTS, SPF_TERM_PTR, SPF_TERM_REDIRECT, SPF_TERM_EXP, SPF_TERM_ALL,
};

static bool pick_done(struct app *a, int choice, void *ctx)
{
    struct spf_tab *t = ctx;
    if (choice < 0 || (size_t)choice >= sizeof pick_kinds / sizeof pick_kinds[0])
        return true;
    enum spf_term_kind kind = pick_kinds[choice];
    if (kind == SPF_TERM_ALL && model(a)->all_index != SPF_NONE) {
        form_focus(&t->sf.form, ROW_TERM, (int)model(a)->all_index);
        app_message(a, ROLE_INFO, "the record already ends with all: change its qualifier");
        return true;
    }
    a->dirty |= add_term(a, t, kind, kind == SPF_TERM_ALL ? SPF_QUALIFIER_FAIL : SPF_QUALIFIER_NONE,
                         kind != SPF_TERM_ALL);
    return true;
}

static unsigned open_pick(struct app *a, struct spf_tab *t)
{
    static const char *items[sizeof pick_kinds / sizeof pick_kinds[0]];
    static const char *notes[sizeof pick_kinds / sizeof pick_kinds[0]];
    for (size_t i = 0; i < sizeof pick_kinds / sizeof pick_kinds[0]; i++) {
        items[i] = spf_kind_name(pick_kinds[i]);
        const struct help_entry *h = help_find(spf_kind_help_id(pick_kinds[i]));
        notes[i] = h ? h->summary : "";
    }
    dialog_pick(a, "Add a term", items, notes, (int)(sizeof pick_kinds / sizeof pick_kinds[0]),
                pick_done, t);
    return DIRTY_OVERLAY;
}

static unsigned set_qualifier(struct app *a, struct spf_tab *t, enum spf_qualifier q)
{
    struct field *f = cur_field(t);
    if (f && f->id == ROW_SET_ALL)
        return add_term(a, t, SPF_TERM_ALL, q == SPF_QUALIFIER_NONE ? SPF_QUALIFIER_PASS : q, false);
    size_t i = cur_term(t);
    const struct spf_record *m = model(a);
    if (i == SPF_NONE || i >= m->count)
        return 0;
    const struct spf_term *term = &m->terms[i];
    if (!spf_kind_is_mechanism(term->kind) && term->kind != SPF_TERM_BAD) {
        app_message(a, ROLE_INFO, "%s is a modifier: modifiers take no qualifier",
                    spf_kind_name(term->kind));
        return DIRTY_STATUS;
    }
    /* '+' writes no qualifier (pass is the default), except on all, where
     * +all must stay visible. */
    if (q == SPF_QUALIFIER_NONE && term->kind == SPF_TERM_ALL)
        q = SPF_QUALIFIER_PASS;
    diag_list_reset(&t->why);
    if (!drafts_spf_qualify(&a->drafts, i, q, &t->why))
        return refused(a, t, "the qualifier could not be changed");
    return app_draft_changed(a);
}

static unsigned activate(struct app *a, struct spf_tab *t)
{
    struct field *f = cur_field(t);
    const struct spf_record *m = model(a);
    if (!f)
        return 0;
    switch (f->id) {
    case ROW_VERSION:
        if (m->version == SPF_VERSION_OK) {
            app_message(a, ROLE_INFO, "an SPF record always starts with v=spf1");
            return DIRTY_STATUS;
        }
        diag_list_reset(&t->why);
        if (!drafts_spf_set_version(&a->drafts, &t->why))
            return refused(a, t, "cannot fix the version");
        return app_draft_changed(a);
    case ROW_ADD:
        return open_pick(a, t);
    case ROW_SET_REDIRECT:
        return add_term(a, t, SPF_TERM_REDIRECT, SPF_QUALIFIER_NONE, true);
    case ROW_SET_EXP:
        return add_term(a, t, SPF_TERM_EXP, SPF_QUALIFIER_NONE, true);
    case ROW_SET_ALL:
        return add_term(a, t, SPF_TERM_ALL, SPF_QUALIFIER_FAIL, false);
    case ROW_TERM: {
        size_t i = (size_t)f->sub;
        if (i >= m->count || m->terms[i].kind == SPF_TERM_ALL) {
            app_message(a, ROLE_INFO, "all takes no value: + - ~ ? or Left/Right set its qualifier");
            return DIRTY_STATUS;
        }
        strbuf_reset(&t->buf);
        spf_term_value(m, i, &t->buf);
        t->edit_term = i;
        char label[48];
        snprintf(label, sizeof label, "edit term %zu", i);
        struct strbuf v = STRBUF_INIT;
        strbuf_append(&v, t->buf.data, t->buf.len);
        unsigned d = schema_form_edit_open(a, &t->sf, EDIT_TERM, "", label, strbuf_cstr(&v), v.len,
                                           false);
        strbuf_free(&v);
        return d;
    }
    default:
        return 0;
    }
}

static unsigned cycle_all(struct app *a, struct spf_tab *t, int dir)
{
    struct field *f = cur_field(t);
    if (!f || f->type != FIELD_CHOICE)
        return 0;
    int v = f->value < 0 ? (dir > 0 ? 1 : 2) : (f->value + 4 + dir) % 4;
    return set_qualifier(a, t, qual_of_choice[v]);
}

static unsigned spf_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                            bool more, bool *handled)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    if (t->sf.form.editing)
        return schema_form_edit_key(a, &t->sf, key, fkey, more, handled);
    *handled = true;
    unsigned d = form_move(&t->sf.form, act);
    if (d)
        return d;
    size_t i = cur_term(t);
    const struct spf_record *m = model(a);
    switch (act) {
    case ACT_ACTIVATE:
        return activate(a, t);
    case ACT_ADD:
        return open_pick(a, t);
    case ACT_QUAL_PASS:
        return set_qualifier(a, t, SPF_QUALIFIER_NONE);
    case ACT_QUAL_FAIL:
        return set_qualifier(a, t, SPF_QUALIFIER_FAIL);
    case ACT_QUAL_SOFTFAIL:
        return set_qualifier(a, t, SPF_QUALIFIER_SOFTFAIL);
    case ACT_QUAL_NEUTRAL:
        return set_qualifier(a, t, SPF_QUALIFIER_NEUTRAL);
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        return cycle_all(a, t, act == ACT_LEFT ? -1 : 1);
    case ACT_DELETE:
        if (i == SPF_NONE)
            return 0;
        diag_list_reset(&t->why);
        if (!drafts_spf_remove(&a->drafts, i, &t->why))
            return refused(a, t, "the term could not be removed");
        d = app_draft_changed(a);
        tab_refresh(a, t);
        if (!form_focus(&t->sf.form, ROW_TERM, (int)i) && i > 1)
            form_focus(&t->sf.form, ROW_TERM, (int)i - 1);
        return d;
    case ACT_MOVE_UP:
    case ACT_MOVE_DOWN: {
        bool up = act == ACT_MOVE_UP;
        if (i == SPF_NONE || (up && i <= 1) || (!up && i + 1 >= m->count))
            return 0;
        diag_list_reset(&t->why);
        if (!drafts_spf_move(&a->drafts, i, up, &t->why))
            return refused(a, t, "the term could not be moved");
        d = app_draft_changed(a);
        tab_refresh(a, t);
        form_focus(&t->sf.form, ROW_TERM, (int)(up ? i - 1 : i + 1));
        return d;
    }
    default:
        *handled = false;
        return 0;
    }
}

static unsigned spf_tab_flush(struct app *a, void *st)
{
    struct spf_tab *t = st;
    return schema_form_flush(a, &t->sf);
}

static bool spf_tab_edit_check(struct app *a, void *st, struct strbuf *why)
{
    struct spf_tab *t = st;
    return schema_form_edit_check(a, &t->sf, why);
}

static unsigned spf_tab_edit_end(struct app *a, void *st, bool keep)
{
    struct spf_tab *t = st;
    return schema_form_edit_end(a, &t->sf, keep);
}

static void spf_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    struct field *f = cur_field(t);
    if (!f)
        return;
    out->help_id = f->help_id;
    out->value_id = f->value_id;
    const struct record *r = spf_draft(a);
    if (f->id == ROW_TERM && (size_t)f->sub < r->terms.count) {
        record_describe_term(r, (size_t)f->sub, &out->here);
    } else if (f->id == ROW_SET_ALL || f->id == ROW_SET_REDIRECT || f->id == ROW_SET_EXP) {
        strbuf_puts(&out->note, "Not in the record. ");
        strbuf_puts(&out->note, f->id == ROW_SET_ALL ? "Left/Right or + - ~ ? add it."
                                                     : "Enter adds it.");
    } else if (f->id == ROW_ADD) {
        out->help_id = NULL;
        strbuf_puts(&out->note, "Enter or a: pick a mechanism or modifier to add. New "
                                "mechanisms go after the focused one, or before all.");
    }
    if (t->sf.form.editing && t->sf.form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->sf.form.edit_msg.data, t->sf.form.edit_msg.len);
    }
}

static bool spf_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    struct field *f = cur_field(t);
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static void spf_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct spf_tab *t = st;
    const struct spf_record *m = model(a);
    (void)end;
    tab_refresh(a, t);
    if (rule == RULE_SPF_NO_ALL && form_focus(&t->sf.form, ROW_SET_ALL, 0))
        return;
    if (rule == RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT && m->all_index != SPF_NONE) {
        form_focus(&t->sf.form, ROW_TERM, (int)m->all_index);
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        const struct spf_term *term = &m->terms[i];
        if (start >= term->whole.start && (start < term->whole.end || start == term->whole.start)) {
            if (i == 0 || !form_focus(&t->sf.form, ROW_TERM, (int)i))
                form_focus(&t->sf.form, ROW_VERSION, 0);
            return;
        }
    }
    /* Past the last term (a missing all, say): the end of the list. */
    if (start > 0 && m->count > 1)
        form_focus(&t->sf.form, ROW_TERM, (int)m->count - 1);
    else
        form_focus(&t->sf.form, ROW_VERSION, 0);
}

static void spf_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    const struct spf_record *m = model(a);
    struct field *f = cur_field(t);
    size_t terms = m->count > 0 && m->version != SPF_VERSION_MISSING ? m->count - 1 : m->count;
    if (!f) {
        strbuf_puts(out, "empty");
        return;
    }
    switch (f->id) {
    case ROW_VERSION: strbuf_puts(out, "version"); break;
    case ROW_TERM:
        strbuf_printf(out, "term %d/%zu", m->version != SPF_VERSION_MISSING ? f->sub : f->sub + 1,
                      terms);
        break;
    case ROW_SET_ALL: strbuf_puts(out, "all (not set)"); break;
    case ROW_SET_REDIRECT: strbuf_puts(out, "redirect (not set)"); break;
    case ROW_SET_EXP: strbuf_puts(out, "exp (not set)"); break;
    case ROW_ADD: strbuf_puts(out, "add a term"); break;
    default: break;
    }
    if (t->sf.form.editing)
        strbuf_puts(out, " editing");
}

static unsigned spf_tab_click(struct app *a, void *st, int y, int x)
{
    struct spf_tab *t = st;
    tab_refresh(a, t);
    if (t->sf.form.editing)
        return 0;
    int choice;
    if (!form_click(&t->sf.form, y, x, &choice))
        return 0;
    struct field *f = cur_field(t);
    if (f && f->type == FIELD_CHOICE && choice >= 0)
        return set_qualifier(a, t, qual_of_choice[choice]);
    if (f && f->type == FIELD_BUTTON)
        return activate(a, t);
    return DIRTY_FOCUS;
}

const struct tab_ops spf_tab_ops = {
    .name = "SPF",
    .keymap = KEYMAP_SPF,
    .create = spf_tab_create,
    .destroy = spf_tab_destroy,
    .reload = spf_tab_reload,
    .record = spf_tab_record,
    .set_text = spf_tab_set_text,
    .draw = spf_tab_draw,
    .key = spf_tab_key,
    .editing = spf_tab_editing,
    .flush = spf_tab_flush,
    .explain = spf_tab_explain,
    .focus_span = spf_tab_focus_span,
    .goto_span = spf_tab_goto,
    .position = spf_tab_position,
    .click = spf_tab_click,
    .edit_check = spf_tab_edit_check,
    .edit_end = spf_tab_edit_end,
};
