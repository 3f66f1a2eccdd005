/* The DKIM tab, two views.  Key record: the selector (the record's name),
 * then the form generated from the core's DKIM key tag schema
 * (schema_form.c), where p= is special: Enter opens a box to paste a key
 * (the core strips PEM armor and line breaks and says what the key is).
 * Signature: a DKIM-Signature header pasted from a message, explained tag
 * by tag (it is not a draft: nothing is published).  The key record is the
 * DKIM draft, read from a->drafts and changed only through drafts_* calls;
 * the domain is edited in the title bar (F2). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/dkim.h"
#include "authtxt/schema.h"
#include "tui_app.h"

enum {
    ROW_VIEW = SF_ROW_OWN,
    ROW_SELECTOR,
    ROW_NAME,
    ROW_KEY, /* p=: paste */
    ROW_KEYINFO,
    ROW_PASTE_SIG,
    ROW_SIG_TAG, /* sub: term index in the signature */
};

enum { EDIT_SELECTOR = 1 };

struct dkim_tab {
    bool sig_view;
    struct schema_form sf; /* the key record form */
    struct form sig_form;  /* the signature view */
    struct strbuf buf;
    struct record sig; /* the pasted DKIM-Signature, analyzed */
};

static const struct record *dkim_draft(struct app *a) { return &a->drafts.rec[DRAFT_DKIM]; }

static struct form *cur_form(struct dkim_tab *t)
{
    return t->sig_view ? &t->sig_form : &t->sf.form;
}

static void add_view_row(struct dkim_tab *t, struct form *f)
{
    struct field *fld = form_add(f, FIELD_CHOICE, ROW_VIEW, 0, "view");
    if (!fld)
        return;
    fld->choices[0] = "key record";
    fld->choices[1] = "DKIM-Signature";
    fld->nchoices = 2;
    fld->value = t->sig_view ? 1 : 0;
    fld->help_id = "dkim.view";
}

static void head_rows(struct app *a, struct schema_form *sf)
{
    struct dkim_tab *t = sf->tab;
    struct form *f = &sf->form;
    add_view_row(t, f);
    struct field *fld = form_add(f, FIELD_TEXT, ROW_SELECTOR, 0, "selector");
    if (fld) {
        form_set_text(f, fld, a->drafts.selector, strlen(a->drafts.selector));
        fld->help_id = "dkim.sig.tag.s";
    }
    if (a->opts.nselectors > 1) {
        /* The drafts hold one DKIM key record: the other selectors given
         * are fetched and shown on the Live tab, not drafted. */
        strbuf_reset(&t->buf);
        strbuf_puts(&t->buf, "also given:");
        for (size_t i = 0; i < a->opts.nselectors; i++)
            if (strcmp(a->opts.selectors[i], a->drafts.selector) != 0)
                strbuf_printf(&t->buf, " %s", a->opts.selectors[i]);
        strbuf_puts(&t->buf, " (F5: their live keys on the Live tab)");
        fld = form_add(f, FIELD_INFO, ROW_NAME, 1, "");
        if (fld) {
            form_set_text(f, fld, strbuf_cstr(&t->buf), t->buf.len);
            fld->dim = true;
        }
    }
    fld = form_add(f, FIELD_INFO, ROW_NAME, 0, "name");
    if (fld) {
        strbuf_reset(&t->buf);
        drafts_owner_name(&a->drafts, DRAFT_DKIM, &t->buf);
        form_set_text(f, fld, strbuf_cstr(&t->buf), t->buf.len);
        fld->dim = true;
    }
}

/* What p= holds, in a few words (the facts come from the core). */
static void key_facts(const struct dkim_key_record *m, char *out, size_t size, int *severity)
{
    *severity = DIAG_WARNING;
    if (!m) {
        snprintf(out, size, "no key yet: Enter on p to paste one");
        return;
    }
    const struct dkim_key_info *k = &m->key;
    *severity = DIAG_ERROR;
    switch (k->status) {
    case DKIM_KEY_STATUS_ABSENT:
        snprintf(out, size, "no key yet: Enter on p to paste one");
        *severity = DIAG_WARNING;
        return;
    case DKIM_KEY_STATUS_REVOKED:
        snprintf(out, size, "revoked (p= is empty)");
        *severity = DIAG_WARNING;
        return;
    case DKIM_KEY_STATUS_BAD_BASE64:
        snprintf(out, size, "p= is not base64: not a usable key");
        return;
    case DKIM_KEY_STATUS_BAD_KEY:
        snprintf(out, size, "not a valid %s public key", dkim_key_type_name(m->k));
        return;
    case DKIM_KEY_STATUS_UNCHECKED:
        snprintf(out, size, "a key of type %s (not checked)", dkim_key_type_name(m->k));
        *severity = DIAG_WARNING;
        return;
    case DKIM_KEY_STATUS_OK:
        if (k->bits)
            snprintf(out, size, "%u-bit %s key%s", k->bits,
                     k->type == DKIM_KEY_RSA       ? "RSA"
                     : k->type == DKIM_KEY_ED25519 ? "Ed25519"
                                                   : dkim_key_type_name(k->type),
                     dkim_key_is_usable(m) ? "" : " (not usable as published)");
        else
            snprintf(out, size, "%s key", dkim_key_type_name(k->type));
        *severity = dkim_key_is_usable(m) ? -1 : DIAG_WARNING;
        return;
    }
}

static void key_rows(struct app *a, struct schema_form *sf, const struct schema_tag *row,
                     size_t tag_index, const struct record_term *term, size_t index)
{
    (void)tag_index;
    struct form *f = &sf->form;
    const struct record *r = dkim_draft(a);
    struct field *fld = form_add(f, FIELD_TEXT, ROW_KEY, 0, row->name);
    if (fld) {
        fld->help_id = row->help_id;
        fld->big_editor = true;
        fld->multiline = true;
        if (term) {
            form_set_text(f, fld, r->text + term->value_start, term->value_end - term->value_start);
            schema_form_set_span(a, sf, fld, index);
        } else {
            form_set_hint(f, fld, "Enter: paste a public key (PEM or base64)");
            if (r->len)
                fld->severity = DIAG_ERROR;
        }
    }
    fld = form_add(f, FIELD_INFO, ROW_KEYINFO, 0, "");
    if (fld) {
        char facts[128];
        int sev;
        key_facts(r->dkim_key, facts, sizeof facts, &sev);
        form_set_text(f, fld, facts, strlen(facts));
        fld->severity = sev;
        fld->good = sev < 0;
    }
}

/* The selector is checked by the core (a scratch drafts object says
 * whether it would take it) and set when the editor closes: a name,
 * not a value to preview key by key. */
static bool selector_apply(struct app *a, struct schema_form *sf, const char *text, size_t len,
                           bool apply, struct diag_list *why)
{
    char copy[DRAFTS_SELECTOR_MAX + 2];
    if (len >= sizeof copy - 1 || memchr(text, '\0', len)) {
        diag_add(why, RULE_INPUT_TOO_LONG, 0, 0, "a selector is at most %d bytes",
                 DRAFTS_SELECTOR_MAX);
        return false;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (!apply || !sf->closing) {
        struct drafts probe;
        drafts_init(&probe);
        bool ok = drafts_set_selector_why(&probe, copy, why);
        drafts_free(&probe);
        return ok;
    }
    if (strcmp(copy, a->drafts.selector) == 0)
        return true;
    return drafts_set_selector_why(&a->drafts, copy, why);
}

static const struct schema_form_hooks dkim_hooks = {
    .head_rows = head_rows,
    .tag_rows = key_rows,
    .edit_apply = selector_apply,
};

static void rebuild_sig(struct dkim_tab *t)
{
    struct form *f = &t->sig_form;
    const struct field *cur = form_current(f);
    int keep_id = cur ? cur->id : ROW_VIEW, keep_sub = cur ? cur->sub : 0;
    form_begin(f);
    add_view_row(t, f);
    const struct record *r = &t->sig;
    struct field *fld = form_add(f, FIELD_BUTTON, ROW_PASTE_SIG, 0,
                                 r->len ? "Enter: paste another DKIM-Signature header"
                                        : "Enter: paste a DKIM-Signature header from a message");
    if (fld)
        fld->help_id = "dkim.sig.paste";
    if (r->len && r->dkim_sig) {
        const struct dkim_sig_record *m = r->dkim_sig;
        form_add(f, FIELD_HEADING, 0, 1, "Tags");
        for (size_t i = 0; i < m->count; i++) {
            const struct dkim_tag *tag = &m->tags[i];
            fld = form_add(f, FIELD_TEXT, ROW_SIG_TAG, (int)i, tag->name_text);
            if (!fld)
                break;
            form_set_text(f, fld, tag->value_text, tag->value_len);
            fld->has_span = true;
            fld->span_start = tag->whole.start;
            fld->span_end = tag->whole.end;
            fld->severity = app_span_severity(r, tag->whole.start, tag->whole.end);
            if (i < r->terms.count) {
                fld->help_id = r->terms.items[i].id;
                fld->value_id = r->terms.items[i].value_id;
            }
        }
    }
    form_end(f, keep_id, keep_sub);
}

static void tab_refresh(struct app *a, struct dkim_tab *t)
{
    if (t->sig_view)
        rebuild_sig(t);
    else
        schema_form_refresh(a, &t->sf, false);
}

/* ---------------------------------------------------------------------- */

static void *dkim_tab_create(struct app *a)
{
    (void)a;
    struct dkim_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    schema_form_init(&t->sf, DRAFT_DKIM, &dkim_hooks, t);
    t->sf.first_id = ROW_SELECTOR;
    form_init(&t->sig_form);
    strbuf_init(&t->buf);
    record_init(&t->sig);
    return t;
}

static void dkim_tab_destroy(void *st)
{
    struct dkim_tab *t = st;
    schema_form_free(&t->sf);
    form_free(&t->sig_form);
    strbuf_free(&t->buf);
    record_free(&t->sig);
    free(t);
}

static void dkim_tab_reload(struct app *a, void *st)
{
    struct dkim_tab *t = st;
    if (t->sf.form.editing)
        schema_form_edit_end(a, &t->sf, true);
    schema_form_refresh(a, &t->sf, true);
}

static const struct record *dkim_tab_record(struct app *a, void *st)
{
    struct dkim_tab *t = st;
    return t->sig_view ? &t->sig : dkim_draft(a);
}

static void analyze_sig(struct app *a, struct dkim_tab *t, const char *text, size_t len)
{
    if (!record_analyze(&t->sig, RECORD_DKIM_SIG, text, len, a->drafts.now))
        app_message(a, ROLE_ERROR, "out of memory");
}

static void dkim_tab_set_text(struct app *a, void *st, const char *text, size_t len)
{
    struct dkim_tab *t = st;
    if (t->sig_view) {
        analyze_sig(a, t, text, len);
        app_refresh_lint(a);
        a->dirty |= DIRTY_CONTENT;
        rebuild_sig(t);
    } else {
        a->dirty |= app_set_draft(a, DRAFT_DKIM, text, len);
    }
}

static void dkim_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                          bool focused)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    form_draw(cur_form(t), w, y, x, rows, cols, focused);
}

static bool dkim_tab_editing(void *st)
{
    struct dkim_tab *t = st;
    return !t->sig_view && t->sf.form.editing;
}

static unsigned switch_view(struct app *a, struct dkim_tab *t, bool sig)
{
    if (t->sig_view == sig)
        return 0;
    if (t->sf.form.editing)
        schema_form_edit_end(a, &t->sf, true);
    t->sig_view = sig;
    tab_refresh(a, t);
    form_focus(cur_form(t), ROW_VIEW, 0);
    app_refresh_lint(a); /* the lint pane shows the other record now */
    return DIRTY_ALL & ~DIRTY_LAYOUT;
}

static bool paste_key_done(struct app *a, int choice, void *ctx)
{
    struct dkim_tab *t = ctx;
    if (choice < 0)
        return true;
    size_t len;
    const char *text = dialog_field(a, 0, &len);
    struct dkim_paste report;
    memset(&report, 0, sizeof report);
    struct diag_list why;
    diag_list_init(&why);
    bool ok = drafts_dkim_paste_key(&a->drafts, text, len, &report, &why);
    strbuf_reset(&t->buf);
    dkim_paste_describe(&report, &t->buf);
    if (!ok) {
        dialog_set_error(a, "%s", app_why_text(&why, strbuf_cstr(&t->buf)));
        diag_list_free(&why);
        return false;
    }
    diag_list_free(&why);
    a->dirty |= app_draft_changed(a);
    app_message(a, report.status == DKIM_PASTE_OK ? ROLE_GOOD : ROLE_WARNING, "p= set: %s",
                strbuf_cstr(&t->buf));
    schema_form_refresh(a, &t->sf, false);
    form_focus(&t->sf.form, ROW_KEY, 0);
    return true;
}

static bool paste_sig_done(struct app *a, int choice, void *ctx)
{
    struct dkim_tab *t = ctx;
    if (choice < 0)
        return true;
    size_t len;
    const char *text = dialog_field(a, 0, &len);
    analyze_sig(a, t, text, len);
    rebuild_sig(t);
    app_refresh_lint(a);
    a->dirty |= DIRTY_CONTENT;
    if (t->sig.dkim_sig && t->sig.dkim_sig->count)
        form_focus(&t->sig_form, ROW_SIG_TAG, 0);
    return true;
}

static unsigned own_action(struct app *a, struct dkim_tab *t, enum action act, bool *handled)
{
    struct form *f = cur_form(t);
    struct field *fld = form_current(f);
    *handled = true;
    if (act == ACT_SUBVIEW)
        return switch_view(a, t, !t->sig_view);
    if (fld && fld->id == ROW_VIEW &&
        (act == ACT_LEFT || act == ACT_RIGHT || act == ACT_TOGGLE || act == ACT_ACTIVATE))
        return switch_view(a, t, !t->sig_view);
    if (t->sig_view) {
        unsigned d = form_move(f, act);
        if (d)
            return d;
        if (fld && (fld->id == ROW_PASTE_SIG || fld->id == ROW_SIG_TAG) &&
            (act == ACT_ACTIVATE || act == ACT_TOGGLE)) {
            dialog_paste(a, "Paste a DKIM-Signature header",
                         "The header as it appears in a message (folded lines are fine), with or "
                         "without the DKIM-Signature: name.",
                         "", paste_sig_done, t);
            return DIRTY_OVERLAY;
        }
        *handled = false;
        return 0;
    }
    if (act == ACT_KEY_GENERATE)
        return dkim_keys_generate(a);
    if (act == ACT_KEY_MATCH)
        return dkim_keys_match(a);
    if (fld && fld->id == ROW_SELECTOR && (act == ACT_ACTIVATE || act == ACT_TOGGLE))
        return schema_form_edit_open(a, &t->sf, EDIT_SELECTOR, "selector", NULL, a->drafts.selector,
                                     strlen(a->drafts.selector), false);
    if (fld && fld->id == ROW_KEY && (act == ACT_ACTIVATE || act == ACT_TOGGLE)) {
        dialog_paste(a, "Paste the public key",
                     "A PEM block (-----BEGIN PUBLIC KEY-----), base64, or a whole key "
                     "record. Armor, line breaks and quotes are removed; private keys are "
                     "refused.",
                     "", paste_key_done, t);
        return DIRTY_OVERLAY;
    }
    if (fld && fld->id == ROW_KEY && act == ACT_DELETE) {
        struct diag_list why;
        diag_list_init(&why);
        unsigned d = drafts_tag_remove(&a->drafts, DRAFT_DKIM, "p", &why)
                         ? app_draft_changed(a)
                         : app_edit_refused(a, &why, "p= could not be removed");
        diag_list_free(&why);
        return d;
    }
    *handled = false;
    return 0;
}

static unsigned dkim_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                             bool more, bool *handled)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    if (!t->sig_view && t->sf.form.editing)
        return schema_form_edit_key(a, &t->sf, key, fkey, more, handled);
    unsigned d = own_action(a, t, act, handled);
    if (*handled || t->sig_view)
        return d;
    return schema_form_action(a, &t->sf, act, handled);
}

static unsigned dkim_tab_flush(struct app *a, void *st)
{
    struct dkim_tab *t = st;
    return schema_form_flush(a, &t->sf);
}

static bool dkim_tab_edit_check(struct app *a, void *st, struct strbuf *why)
{
    struct dkim_tab *t = st;
    return schema_form_edit_check(a, &t->sf, why);
}

static unsigned dkim_tab_edit_end(struct app *a, void *st, bool keep)
{
    struct dkim_tab *t = st;
    return schema_form_edit_end(a, &t->sf, keep);
}

static void dkim_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    struct field *fld = form_current(cur_form(t));
    if (!fld)
        return;
    if (!t->sig_view && schema_form_explain(a, &t->sf, out))
        return;
    out->help_id = fld->help_id;
    out->value_id = fld->value_id;
    switch (fld->id) {
    case ROW_SIG_TAG:
        if ((size_t)fld->sub < t->sig.terms.count)
            record_describe_term(&t->sig, (size_t)fld->sub, &out->here);
        break;
    case ROW_KEY: {
        long i = schema_form_term_of(a, &t->sf, "p");
        if (i >= 0)
            record_describe_term(dkim_draft(a), (size_t)i, &out->here);
        else
            strbuf_puts(&out->note, "Enter opens a box to paste the public key into.");
        break;
    }
    case ROW_SELECTOR:
        strbuf_puts(&out->note, "The selector names the key: the record is published at "
                                "<selector>._domainkey.<domain>, and signatures name it in s=. "
                                "The domain is edited in the title bar (F2).");
        break;
    default:
        break;
    }
    if (!t->sig_view && t->sf.form.editing && t->sf.form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->sf.form.edit_msg.data, t->sf.form.edit_msg.len);
    }
}

static bool dkim_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    struct field *f = form_current(cur_form(t));
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static void dkim_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct dkim_tab *t = st;
    (void)end;
    tab_refresh(a, t);
    if (t->sig_view) {
        for (size_t i = 0; i < t->sig_form.count; i++) {
            const struct field *f = &t->sig_form.fields[i];
            if (f->has_span && start >= f->span_start &&
                (start < f->span_end || start == f->span_start) &&
                form_focus(&t->sig_form, f->id, f->sub))
                return;
        }
        return;
    }
    if (rule == RULE_CROSS_DMARC_WITHOUT_AUTH || rule == RULE_DKIM_MISSING_P) {
        form_focus(&t->sf.form, ROW_KEY, 0);
        return;
    }
    schema_form_goto(a, &t->sf, start);
}

static void dkim_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    struct field *f = form_current(cur_form(t));
    strbuf_puts(out, t->sig_view ? "signature " : "key ");
    if (!f)
        return;
    if (t->sig_view || !schema_form_position(a, &t->sf, out)) {
        switch (f->id) {
        case ROW_VIEW:
            strbuf_puts(out, "view");
            break;
        case ROW_SELECTOR:
            strbuf_puts(out, "selector");
            break;
        case ROW_KEY:
            strbuf_puts(out, "p");
            break;
        case ROW_PASTE_SIG:
            strbuf_puts(out, "paste");
            break;
        case ROW_SIG_TAG:
            strbuf_printf(out, "tag %s", f->label);
            break;
        default:
            break;
        }
    }
    if (!t->sig_view && t->sf.form.editing)
        strbuf_puts(out, " editing");
}

static unsigned dkim_tab_click(struct app *a, void *st, int y, int x)
{
    struct dkim_tab *t = st;
    tab_refresh(a, t);
    if (t->sf.form.editing)
        return 0;
    bool handled = false;
    unsigned d = 0;
    if (t->sig_view) {
        int choice;
        handled = form_click(&t->sig_form, y, x, &choice);
    } else {
        d = schema_form_click(a, &t->sf, y, x, &handled);
    }
    struct field *f = form_current(cur_form(t));
    if (handled && f && (f->id == ROW_VIEW || f->type == FIELD_BUTTON || f->id == ROW_KEY))
        return d | own_action(a, t, ACT_ACTIVATE, &handled);
    return d | DIRTY_FOCUS;
}

const struct tab_ops dkim_tab_ops = {
    .name = "DKIM",
    .keymap = KEYMAP_DKIM,
    .create = dkim_tab_create,
    .destroy = dkim_tab_destroy,
    .reload = dkim_tab_reload,
    .record = dkim_tab_record,
    .set_text = dkim_tab_set_text,
    .draw = dkim_tab_draw,
    .key = dkim_tab_key,
    .editing = dkim_tab_editing,
    .flush = dkim_tab_flush,
    .explain = dkim_tab_explain,
    .focus_span = dkim_tab_focus_span,
    .goto_span = dkim_tab_goto,
    .position = dkim_tab_position,
    .click = dkim_tab_click,
    .edit_check = dkim_tab_edit_check,
    .edit_end = dkim_tab_edit_end,
};
