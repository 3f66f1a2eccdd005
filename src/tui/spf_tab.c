/* The SPF tab: the record as an ordered list of terms.  Add (picked from
 * a list), edit in place with the core checking the value on every key,
 * delete, move, change the qualifier with one key; the all term, redirect
 * and exp are always on the list (as "not set" rows when absent); the DNS
 * lookup count is under the list.  Every change goes through the core's
 * SPF editing calls, then the formatted text goes to the drafts. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/help.h"
#include "authtxt/spf.h"
#include "tui_app.h"

enum {
    ROW_VERSION = 1,
    ROW_TERM,       /* sub: term index in the model */
    ROW_SET_ALL,    /* the "not set" rows */
    ROW_SET_REDIRECT,
    ROW_SET_EXP,
    ROW_ADD,
};

struct spf_tab {
    struct spf_record model;
    struct form form;
    bool pending;                 /* typed text not yet applied (flush) */
    struct diag_list why;
    struct strbuf buf;
    size_t edit_term;  /* the term the editor is on */
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

/* The model follows the draft's text exactly (same text, same indices). */
static void sync_model(struct app *a, struct spf_tab *t)
{
    const struct record *r = spf_draft(a);
    spf_parse(&t->model, r->text ? r->text : "", r->len, NULL);
}

static void rebuild(struct app *a, struct spf_tab *t);

/* After an edit of the model: format it, hand the text to the drafts (the
 * core analyzes and lints it), re-read. */
static unsigned commit(struct app *a, struct spf_tab *t)
{
    strbuf_reset(&t->buf);
    spf_format(&t->model, &t->buf);
    unsigned d = app_set_draft(a, DRAFT_SPF, strbuf_cstr(&t->buf), t->buf.len);
    sync_model(a, t);
    rebuild(a, t);
    return d;
}

static const char *why_text(struct spf_tab *t, const char *fallback)
{
    for (size_t i = 0; i < t->why.count; i++)
        if (t->why.items[i].severity == DIAG_ERROR)
            return t->why.items[i].message;
    return t->why.count ? t->why.items[0].message : fallback;
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

static void rebuild(struct app *a, struct spf_tab *t)
{
    struct form *f = &t->form;
    const struct field *cur = form_current(f);
    int keep_id = cur ? cur->id : ROW_VERSION, keep_sub = cur ? cur->sub : 0;
    const struct record *r = spf_draft(a);
    const struct spf_record *m = &t->model;
    form_begin(f);
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
        if (is_all) {
            for (int k = 0; k < 4; k++)
                fld->choices[k] = qual_names[k];
            fld->nchoices = 4;
            fld->value = choice_of_qual(term->qualifier);
        } else {
            strbuf_reset(&t->buf);
            spf_term_value(m, i, &t->buf);
            form_set_text(f, fld, strbuf_cstr(&t->buf), t->buf.len);
            if (spf_kind_is_mechanism(term->kind) || term->kind == SPF_TERM_BAD) {
                char q = spf_qualifier_char(term->qualifier);
                fld->qual = q;
            }
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
    form_end(f, keep_id, keep_sub);
}

/* ---------------------------------------------------------------------- */

static void *spf_tab_create(struct app *a)
{
    (void)a;
    struct spf_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    spf_record_init(&t->model);
    form_init(&t->form);
    diag_list_init(&t->why);
    strbuf_init(&t->buf);
    return t;
}

static void spf_tab_destroy(void *st)
{
    struct spf_tab *t = st;
    spf_record_free(&t->model);
    form_free(&t->form);
    diag_list_free(&t->why);
    strbuf_free(&t->buf);
    free(t);
}

static void spf_tab_reload(struct app *a, void *st)
{
    struct spf_tab *t = st;
    form_edit_stop(&t->form);
    sync_model(a, t);
    rebuild(a, t);
}

static const struct record *spf_tab_record(struct app *a, void *st)
{
    (void)st;
    return spf_draft(a);
}

static void spf_tab_set_text(struct app *a, void *st, const char *text, size_t len)
{
    struct spf_tab *t = st;
    a->dirty |= app_set_draft(a, DRAFT_SPF, text, len);
    form_edit_stop(&t->form);
    sync_model(a, t);
    rebuild(a, t);
}

static void spf_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                         bool focused)
{
    struct spf_tab *t = st;
    (void)a;
    form_draw(&t->form, w, y, x, rows - 1, cols, focused);
    /* The running DNS lookup count (RFC 7208 §4.6.4: at most 10). */
    int n = spf_lookup_count(&t->model);
    char line[96];
    snprintf(line, sizeof line, "DNS lookups %d/%d%s", n, SPF_LOOKUP_LIMIT,
             n > SPF_LOOKUP_LIMIT ? ": over the limit, receivers fail the check" : "");
    attr_t at = n > SPF_LOOKUP_LIMIT        ? term_attr(ROLE_WARNING) | A_BOLD
                : n >= SPF_LOOKUP_LIMIT - 1 ? term_attr(ROLE_WARNING)
                                            : term_attr(ROLE_INFO);
    draw_fill(w, y + rows - 1, x, cols, A_NORMAL);
    draw_str(w, y + rows - 1, x + 2, cols - 2, line, at);
}

static bool spf_tab_editing(void *st) { return ((struct spf_tab *)st)->form.editing; }

static struct field *cur_field(struct spf_tab *t) { return form_current(&t->form); }

static size_t cur_term(struct spf_tab *t)
{
    struct field *f = cur_field(t);
    return f && f->id == ROW_TERM ? (size_t)f->sub : SPF_NONE;
}

/* Where a new term goes: after the focused mechanism, else before the
 * all term (mechanisms) or at the end (modifiers). */
static size_t insert_index(struct spf_tab *t, enum spf_term_kind kind)
{
    const struct spf_record *m = &t->model;
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

static bool ensure_version(struct spf_tab *t)
{
    if (t->model.version == SPF_VERSION_OK)
        return true;
    diag_list_reset(&t->why);
    return spf_set_version(&t->model, &t->why);
}

/* Insert a term and, when it takes a value, open the editor on it. */
static unsigned add_term(struct app *a, struct spf_tab *t, enum spf_term_kind kind,
                         enum spf_qualifier q, bool edit)
{
    if (!ensure_version(t)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "cannot add the version"));
        return DIRTY_STATUS;
    }
    size_t at = insert_index(t, kind);
    diag_list_reset(&t->why);
    if (!spf_term_insert(&t->model, at, kind, q, "", 0, &t->why)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "the term could not be added"));
        return DIRTY_STATUS;
    }
    unsigned d = commit(a, t);
    form_focus(&t->form, ROW_TERM, (int)at);
    if (edit) {
        t->edit_term = at;
        form_edit_start(&t->form, "", 0, true);
    }
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
    if (kind == SPF_TERM_ALL && t->model.all_index != SPF_NONE) {
        form_focus(&t->form, ROW_TERM, (int)t->model.all_index);
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
    if (i == SPF_NONE || i >= t->model.count)
        return 0;
    const struct spf_term *term = &t->model.terms[i];
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
    if (!spf_term_set_qualifier(&t->model, i, q, &t->why)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "the qualifier could not be changed"));
        return DIRTY_STATUS;
    }
    return commit(a, t);
}

/* The editor changed: check the value with the core, and apply it when
 * it can be applied so that record and lint follow every key. */
static unsigned edit_changed(struct app *a, struct spf_tab *t, bool submit)
{
    size_t len;
    const char *text = lineedit_text(&t->form.edit, &len);
    size_t i = t->edit_term;
    if (i >= t->model.count)
        return 0;
    enum spf_term_kind kind = t->model.terms[i].kind;
    diag_list_reset(&t->why);
    bool valid = spf_value_check(kind, text, len, &t->why);
    form_edit_message(&t->form, valid ? (t->why.count ? DIAG_WARNING : -1) : DIAG_ERROR,
                      t->why.count ? why_text(t, "") : "");
    diag_list_reset(&t->why);
    if (!spf_term_set_value(&t->model, i, text, len, &t->why)) {
        form_edit_message(&t->form, DIAG_ERROR, why_text(t, "this value cannot be used"));
        sync_model(a, t); /* the model is unchanged: the last good value stays */
        return DIRTY_COMPOSE;
    }
    unsigned d = commit(a, t);
    if (submit)
        form_edit_stop(&t->form);
    return d;
}

static unsigned edit_key(struct app *a, struct spf_tab *t, int key, bool fkey, bool more,
                         bool *handled)
{
    struct form *f = &t->form;
    enum lineedit_result r = lineedit_key(&f->edit, key, fkey, more);
    *handled = true;
    switch (r) {
    case LINEEDIT_CHANGED:
        t->pending = true; /* applied at the end of the input batch */
        return DIRTY_COMPOSE;
    case LINEEDIT_MOVED:
        return DIRTY_COMPOSE;
    case LINEEDIT_SUBMIT:
        t->pending = false;
        return edit_changed(a, t, true) | DIRTY_FOCUS;
    case LINEEDIT_CANCEL: {
        unsigned d = 0;
        t->pending = false;
        if (f->edit_is_new) {
            diag_list_reset(&t->why);
            spf_term_remove(&t->model, t->edit_term, &t->why);
        } else {
            diag_list_reset(&t->why);
            spf_term_set_value(&t->model, t->edit_term, strbuf_cstr(&f->edit_orig),
                               f->edit_orig.len, &t->why);
        }
        form_edit_stop(f);
        d = commit(a, t);
        return d | DIRTY_FOCUS;
    }
    case LINEEDIT_UNHANDLED:
        break;
    }
    /* Tab, arrows: keep the value and move on. */
    enum action act = keys_lookup(KEYMAP_COMPOSE, key, fkey);
    if (act == ACT_NEXT || act == ACT_PREV || act == ACT_UP || act == ACT_DOWN) {
        t->pending = false;
        unsigned d = edit_changed(a, t, true);
        return d | form_move(f, act);
    }
    *handled = false;
    if (t->pending) {
        t->pending = false;
        edit_changed(a, t, false);
    }
    form_edit_stop(f);
    return DIRTY_FOCUS;
}

static unsigned spf_tab_flush(struct app *a, void *st)
{
    struct spf_tab *t = st;
    if (!t->pending || !t->form.editing)
        return 0;
    t->pending = false;
    return edit_changed(a, t, false);
}

static unsigned activate(struct app *a, struct spf_tab *t)
{
    struct field *f = cur_field(t);
    if (!f)
        return 0;
    switch (f->id) {
    case ROW_VERSION:
        if (t->model.version == SPF_VERSION_OK) {
            app_message(a, ROLE_INFO, "an SPF record always starts with v=spf1");
            return DIRTY_STATUS;
        }
        if (!ensure_version(t)) {
            app_message(a, ROLE_ERROR, "%s", why_text(t, "cannot fix the version"));
            return DIRTY_STATUS;
        }
        return commit(a, t);
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
        if (i >= t->model.count || t->model.terms[i].kind == SPF_TERM_ALL) {
            app_message(a, ROLE_INFO, "all takes no value: + - ~ ? or Left/Right set its qualifier");
            return DIRTY_STATUS;
        }
        strbuf_reset(&t->buf);
        spf_term_value(&t->model, i, &t->buf);
        t->edit_term = i;
        form_edit_start(&t->form, strbuf_cstr(&t->buf), t->buf.len, false);
        return DIRTY_FOCUS;
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
    if (t->form.editing)
        return edit_key(a, t, key, fkey, more, handled);
    *handled = true;
    unsigned d = form_move(&t->form, act);
    if (d)
        return d;
    size_t i = cur_term(t);
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
        if (!spf_term_remove(&t->model, i, &t->why)) {
            app_message(a, ROLE_ERROR, "%s", why_text(t, "the term could not be removed"));
            return DIRTY_STATUS;
        }
        d = commit(a, t);
        if (!form_focus(&t->form, ROW_TERM, (int)i) && i > 1)
            form_focus(&t->form, ROW_TERM, (int)i - 1);
        return d;
    case ACT_MOVE_UP:
    case ACT_MOVE_DOWN: {
        bool up = act == ACT_MOVE_UP;
        if (i == SPF_NONE || (up && i <= 1) || (!up && i + 1 >= t->model.count))
            return 0;
        diag_list_reset(&t->why);
        if (!spf_term_move(&t->model, i, up, &t->why)) {
            app_message(a, ROLE_ERROR, "%s", why_text(t, "the term could not be moved"));
            return DIRTY_STATUS;
        }
        d = commit(a, t);
        form_focus(&t->form, ROW_TERM, (int)(up ? i - 1 : i + 1));
        return d;
    }
    default:
        *handled = false;
        return 0;
    }
}

static void spf_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct spf_tab *t = st;
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
    if (t->form.editing && t->form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->form.edit_msg.data, t->form.edit_msg.len);
    }
}

static bool spf_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    (void)a;
    struct field *f = cur_field(st);
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static void spf_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct spf_tab *t = st;
    (void)a;
    (void)end;
    if (rule == RULE_SPF_NO_ALL && form_focus(&t->form, ROW_SET_ALL, 0))
        return;
    if (rule == RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT && t->model.all_index != SPF_NONE) {
        form_focus(&t->form, ROW_TERM, (int)t->model.all_index);
        return;
    }
    for (size_t i = 0; i < t->model.count; i++) {
        const struct spf_term *term = &t->model.terms[i];
        if (start >= term->whole.start && (start < term->whole.end || start == term->whole.start)) {
            if (i == 0 || !form_focus(&t->form, ROW_TERM, (int)i))
                form_focus(&t->form, ROW_VERSION, 0);
            return;
        }
    }
    /* Past the last term (a missing all, say): the end of the list. */
    if (start > 0 && t->model.count > 1)
        form_focus(&t->form, ROW_TERM, (int)t->model.count - 1);
    else
        form_focus(&t->form, ROW_VERSION, 0);
}

static void spf_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct spf_tab *t = st;
    (void)a;
    struct field *f = cur_field(t);
    size_t terms = t->model.count > 0 && t->model.version != SPF_VERSION_MISSING
                       ? t->model.count - 1
                       : t->model.count;
    if (!f) {
        strbuf_puts(out, "empty");
        return;
    }
    switch (f->id) {
    case ROW_VERSION: strbuf_puts(out, "version"); break;
    case ROW_TERM:
        strbuf_printf(out, "term %d/%zu", t->model.version != SPF_VERSION_MISSING ? f->sub : f->sub + 1,
                      terms);
        break;
    case ROW_SET_ALL: strbuf_puts(out, "all (not set)"); break;
    case ROW_SET_REDIRECT: strbuf_puts(out, "redirect (not set)"); break;
    case ROW_SET_EXP: strbuf_puts(out, "exp (not set)"); break;
    case ROW_ADD: strbuf_puts(out, "add a term"); break;
    default: break;
    }
    if (t->form.editing)
        strbuf_puts(out, " editing");
}

static unsigned spf_tab_click(struct app *a, void *st, int y, int x)
{
    struct spf_tab *t = st;
    if (t->form.editing)
        return 0;
    int choice;
    if (!form_click(&t->form, y, x, &choice))
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
};
