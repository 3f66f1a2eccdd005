/* The DKIM tab, two views.  Key record: selector and domain (the record's
 * name), k, p (paste a key: the core strips PEM armor and line breaks and
 * says what the key is), t flags, h, s, n and the obsolete g.  Signature:
 * a DKIM-Signature header pasted from a message, explained tag by tag.
 * Every value goes through the core's DKIM calls. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/dkim.h"
#include "tui_app.h"

enum {
    ROW_VIEW = 1,
    ROW_SELECTOR,
    ROW_DOMAIN,
    ROW_NAME,
    ROW_TAG,      /* sub: enum dkim_key_tag_id */
    ROW_KEYINFO,
    ROW_UNKNOWN,  /* sub: tag index */
    ROW_PASTE_SIG,
    ROW_SIG_TAG,  /* sub: tag index in the signature */
};

struct dkim_tab {
    bool sig_view;
    struct dkim_key_record model;
    struct form form;
    bool pending;                 /* typed text not yet applied (flush) */
    struct strbuf why, buf;
    struct record sig;           /* the pasted DKIM-Signature, analyzed */
    enum dkim_key_tag_id edit_tag;
    int edit_row;                /* ROW_SELECTOR, ROW_DOMAIN or ROW_TAG */
    char edit_name[64];
};

static const char *const key_tag_names[DKIM_KEY_TAG_COUNT] = {
    [DKIM_KEY_TAG_V] = "v", [DKIM_KEY_TAG_H] = "h", [DKIM_KEY_TAG_K] = "k",
    [DKIM_KEY_TAG_N] = "n", [DKIM_KEY_TAG_P] = "p", [DKIM_KEY_TAG_S] = "s",
    [DKIM_KEY_TAG_T] = "t", [DKIM_KEY_TAG_G] = "g", [DKIM_KEY_TAG_UNKNOWN] = "",
};

static const char *const key_help[DKIM_KEY_TAG_COUNT] = {
    [DKIM_KEY_TAG_V] = "dkim.key.tag.v", [DKIM_KEY_TAG_H] = "dkim.key.tag.h",
    [DKIM_KEY_TAG_K] = "dkim.key.tag.k", [DKIM_KEY_TAG_N] = "dkim.key.tag.n",
    [DKIM_KEY_TAG_P] = "dkim.key.tag.p", [DKIM_KEY_TAG_S] = "dkim.key.tag.s",
    [DKIM_KEY_TAG_T] = "dkim.key.tag.t", [DKIM_KEY_TAG_G] = "dkim.key.tag.g",
    [DKIM_KEY_TAG_UNKNOWN] = "dkim.key.tag.unknown",
};

static const struct record *dkim_draft(struct app *a) { return &a->drafts.rec[DRAFT_DKIM]; }

static void sync_model(struct app *a, struct dkim_tab *t)
{
    const struct record *r = dkim_draft(a);
    dkim_key_parse(&t->model, r->text ? r->text : "", r->len, NULL);
}

static void rebuild(struct app *a, struct dkim_tab *t);

static unsigned commit(struct app *a, struct dkim_tab *t)
{
    strbuf_reset(&t->buf);
    dkim_key_format(&t->model, &t->buf);
    unsigned d = app_set_draft(a, DRAFT_DKIM, strbuf_cstr(&t->buf), t->buf.len);
    sync_model(a, t);
    rebuild(a, t);
    return d;
}

static const struct dkim_tag *key_tag(const struct dkim_key_record *m, enum dkim_key_tag_id id)
{
    size_t i = m->first[id];
    return i == DKIM_NONE || i >= m->count ? NULL : &m->tags[i];
}

static const struct record_term *draft_term(const struct record *r, size_t i)
{
    return i < r->terms.count ? &r->terms.items[i] : NULL;
}

static void set_span(const struct record *r, struct field *fld, struct span whole)
{
    fld->has_span = true;
    fld->span_start = whole.start;
    fld->span_end = whole.end;
    fld->severity = app_span_severity(r, whole.start, whole.end);
}

static void add_view_row(struct dkim_tab *t)
{
    struct field *fld = form_add(&t->form, FIELD_CHOICE, ROW_VIEW, 0, "view");
    if (!fld)
        return;
    fld->choices[0] = "key record";
    fld->choices[1] = "DKIM-Signature";
    fld->nchoices = 2;
    fld->value = t->sig_view ? 1 : 0;
    fld->help_id = t->sig_view ? "dkim.sig.tag.v" : "dkim.key.tag.p";
}

/* What p= holds, in a few words (the facts come from the core). */
static void key_facts(const struct dkim_key_record *m, char *out, size_t size, int *severity)
{
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
            snprintf(out, size, "%u-bit %s key%s", k->bits, k->type == DKIM_KEY_RSA ? "RSA"
                                                            : k->type == DKIM_KEY_ED25519 ? "Ed25519"
                                                            : dkim_key_type_name(k->type),
                     dkim_key_is_usable(m) ? "" : " (not usable as published)");
        else
            snprintf(out, size, "%s key", dkim_key_type_name(k->type));
        *severity = dkim_key_is_usable(m) ? -1 : DIAG_WARNING;
        return;
    }
}

static void rebuild_key(struct app *a, struct dkim_tab *t)
{
    struct form *f = &t->form;
    const struct record *r = dkim_draft(a);
    const struct dkim_key_record *m = &t->model;
    struct field *fld;

    fld = form_add(f, FIELD_TEXT, ROW_SELECTOR, 0, "selector");
    if (fld) {
        form_set_text(f, fld, a->drafts.selector, strlen(a->drafts.selector));
        fld->help_id = "dkim.sig.tag.s";
    }
    fld = form_add(f, FIELD_TEXT, ROW_DOMAIN, 0, "domain");
    if (fld) {
        form_set_text(f, fld, a->drafts.domain, strlen(a->drafts.domain));
        fld->help_id = "dkim.sig.tag.d";
    }
    fld = form_add(f, FIELD_INFO, ROW_NAME, 0, "name");
    if (fld) {
        strbuf_reset(&t->buf);
        drafts_owner_name(&a->drafts, DRAFT_DKIM, &t->buf);
        form_set_text(f, fld, strbuf_cstr(&t->buf), t->buf.len);
        fld->dim = true;
    }
    form_add(f, FIELD_HEADING, 0, 1, "Key record");

    /* v: optional, "DKIM1" or unset. */
    const struct dkim_tag *tag = key_tag(m, DKIM_KEY_TAG_V);
    fld = form_add(f, FIELD_CHOICE, ROW_TAG, DKIM_KEY_TAG_V, "v");
    if (fld) {
        fld->choices[0] = "DKIM1";
        fld->nchoices = 1;
        fld->value = tag ? 0 : -1;
        fld->help_id = key_help[DKIM_KEY_TAG_V];
        if (tag)
            set_span(r, fld, tag->whole);
        else
            form_set_hint(f, fld, "optional; Space adds it");
    }
    tag = key_tag(m, DKIM_KEY_TAG_K);
    fld = form_add(f, FIELD_CHOICE, ROW_TAG, DKIM_KEY_TAG_K, "k");
    if (fld) {
        fld->choices[0] = "rsa";
        fld->choices[1] = "ed25519";
        fld->nchoices = 2;
        fld->help_id = key_help[DKIM_KEY_TAG_K];
        if (tag) {
            set_span(r, fld, tag->whole);
            fld->value = m->k == DKIM_KEY_RSA ? 0 : m->k == DKIM_KEY_ED25519 ? 1 : -1;
            if (fld->value < 0) {
                char hint[64];
                snprintf(hint, sizeof hint, "unknown: '%.40s'", tag->value_text);
                form_set_hint(f, fld, hint);
            }
            const struct record_term *rt = draft_term(r, m->first[DKIM_KEY_TAG_K]);
            fld->value_id = rt ? rt->value_id : NULL;
        } else {
            fld->def = 0;
            fld->dim = true;
            form_set_hint(f, fld, "default");
            fld->value_id = "dkim.key.tag.k.rsa";
        }
    }
    tag = key_tag(m, DKIM_KEY_TAG_P);
    fld = form_add(f, FIELD_TEXT, ROW_TAG, DKIM_KEY_TAG_P, "p");
    if (fld) {
        fld->help_id = key_help[DKIM_KEY_TAG_P];
        fld->big_editor = true;
        fld->multiline = true;
        if (tag) {
            form_set_text(f, fld, tag->value_text, tag->value_len);
            set_span(r, fld, tag->whole);
        } else {
            form_set_hint(f, fld, "Enter: paste a public key (PEM or base64)");
        }
    }
    fld = form_add(f, FIELD_INFO, ROW_KEYINFO, 0, "");
    if (fld) {
        char facts[128];
        int sev;
        key_facts(m, facts, sizeof facts, &sev);
        form_set_text(f, fld, facts, strlen(facts));
        fld->severity = sev;
        fld->good = sev < 0;
    }
    fld = form_add(f, FIELD_CHECKS, ROW_TAG, DKIM_KEY_TAG_T, "t");
    if (fld) {
        fld->choices[0] = "y testing";
        fld->choices[1] = "s strict";
        fld->nchoices = 2;
        fld->value = (m->flags & DKIM_FLAG_TESTING ? 1 : 0) | (m->flags & DKIM_FLAG_STRICT ? 2 : 0);
        fld->help_id = key_help[DKIM_KEY_TAG_T];
        static const char *const ids[] = {"dkim.key.tag.t.y", "dkim.key.tag.t.s"};
        fld->value_id = ids[t->form.sub & 1];
        tag = key_tag(m, DKIM_KEY_TAG_T);
        if (tag)
            set_span(r, fld, tag->whole);
        else
            form_set_hint(f, fld, "no flags");
    }
    fld = form_add(f, FIELD_CHECKS, ROW_TAG, DKIM_KEY_TAG_H, "h");
    if (fld) {
        fld->choices[0] = "sha256";
        fld->choices[1] = "sha1";
        fld->nchoices = 2;
        fld->value = (m->hashes & DKIM_HASH_SHA256 ? 1 : 0) | (m->hashes & DKIM_HASH_SHA1 ? 2 : 0);
        fld->help_id = key_help[DKIM_KEY_TAG_H];
        static const char *const ids[] = {"dkim.key.tag.h.sha256", "dkim.key.tag.h.sha1"};
        fld->value_id = ids[t->form.sub & 1];
        tag = key_tag(m, DKIM_KEY_TAG_H);
        if (tag)
            set_span(r, fld, tag->whole);
        else
            form_set_hint(f, fld, "default: any hash");
    }
    fld = form_add(f, FIELD_CHECKS, ROW_TAG, DKIM_KEY_TAG_S, "s");
    if (fld) {
        fld->choices[0] = "email";
        fld->choices[1] = "* any";
        fld->nchoices = 2;
        fld->value = (m->services & DKIM_SERVICE_EMAIL ? 1 : 0) |
                     (m->services & DKIM_SERVICE_ANY ? 2 : 0);
        fld->help_id = key_help[DKIM_KEY_TAG_S];
        static const char *const ids[] = {"dkim.key.tag.s.email", "dkim.key.tag.s.any"};
        fld->value_id = ids[t->form.sub & 1];
        tag = key_tag(m, DKIM_KEY_TAG_S);
        if (tag)
            set_span(r, fld, tag->whole);
        else
            form_set_hint(f, fld, "default: *");
    }
    static const enum dkim_key_tag_id texts[] = {DKIM_KEY_TAG_N, DKIM_KEY_TAG_G};
    for (size_t i = 0; i < 2; i++) {
        enum dkim_key_tag_id id = texts[i];
        tag = key_tag(m, id);
        fld = form_add(f, FIELD_TEXT, ROW_TAG, id, key_tag_names[id]);
        if (!fld)
            break;
        fld->help_id = key_help[id];
        fld->obsolete = id == DKIM_KEY_TAG_G;
        if (tag) {
            form_set_text(f, fld, tag->value_text, tag->value_len);
            set_span(r, fld, tag->whole);
        }
        if (id == DKIM_KEY_TAG_G)
            form_set_hint(f, fld, tag ? "obsolete (RFC 4871): Del removes it"
                                      : "obsolete (RFC 4871): leave unset");
        else if (!tag)
            form_set_hint(f, fld, "notes for people; not set");
    }
    bool heading = false;
    for (size_t i = 0; i < m->count; i++) {
        if (m->tags[i].id != DKIM_KEY_TAG_UNKNOWN && !m->tags[i].duplicate)
            continue;
        if (!heading) {
            form_add(f, FIELD_HEADING, 0, 2, "Unknown or repeated tags");
            heading = true;
        }
        fld = form_add(f, FIELD_TEXT, ROW_UNKNOWN, (int)i, m->tags[i].name_text);
        if (!fld)
            break;
        form_set_text(f, fld, m->tags[i].value_text, m->tags[i].value_len);
        set_span(r, fld, m->tags[i].whole);
        const struct record_term *rt = draft_term(r, i);
        fld->help_id = rt ? rt->id : "dkim.key.tag.unknown";
        form_set_hint(f, fld, "Del removes it");
    }
}

static void rebuild_sig(struct dkim_tab *t)
{
    struct form *f = &t->form;
    const struct record *r = &t->sig;
    struct field *fld = form_add(f, FIELD_BUTTON, ROW_PASTE_SIG, 0,
                                 r->len ? "Enter: paste another DKIM-Signature header"
                                        : "Enter: paste a DKIM-Signature header from a message");
    if (fld)
        fld->help_id = "dkim.sig.tag.v";
    if (!r->len || !r->dkim_sig)
        return;
    const struct dkim_sig_record *m = r->dkim_sig;
    form_add(f, FIELD_HEADING, 0, 1, "Tags");
    for (size_t i = 0; i < m->count; i++) {
        const struct dkim_tag *tag = &m->tags[i];
        fld = form_add(f, FIELD_TEXT, ROW_SIG_TAG, (int)i, tag->name_text);
        if (!fld)
            break;
        form_set_text(f, fld, tag->value_text, tag->value_len);
        set_span(r, fld, tag->whole);
        const struct record_term *rt = draft_term(r, i);
        if (rt) {
            fld->help_id = rt->id;
            fld->value_id = rt->value_id;
        }
    }
}

static void rebuild(struct app *a, struct dkim_tab *t)
{
    struct form *f = &t->form;
    const struct field *cur = form_current(f);
    int keep_id = cur ? cur->id : ROW_SELECTOR, keep_sub = cur ? cur->sub : 0;
    form_begin(f);
    add_view_row(t);
    if (t->sig_view)
        rebuild_sig(t);
    else
        rebuild_key(a, t);
    form_end(f, keep_id, keep_sub);
}

/* ---------------------------------------------------------------------- */

static void *dkim_tab_create(struct app *a)
{
    (void)a;
    struct dkim_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    dkim_key_record_init(&t->model);
    form_init(&t->form);
    strbuf_init(&t->why);
    strbuf_init(&t->buf);
    record_init(&t->sig);
    return t;
}

static void dkim_tab_destroy(void *st)
{
    struct dkim_tab *t = st;
    dkim_key_record_free(&t->model);
    form_free(&t->form);
    strbuf_free(&t->why);
    strbuf_free(&t->buf);
    record_free(&t->sig);
    free(t);
}

static void dkim_tab_reload(struct app *a, void *st)
{
    struct dkim_tab *t = st;
    form_edit_stop(&t->form);
    sync_model(a, t);
    rebuild(a, t);
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
    form_edit_stop(&t->form);
    if (t->sig_view) {
        analyze_sig(a, t, text, len);
        app_draft_changed(a);
        a->dirty |= DIRTY_CONTENT;
    } else {
        a->dirty |= app_set_draft(a, DRAFT_DKIM, text, len);
        sync_model(a, t);
    }
    rebuild(a, t);
}

static void dkim_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                          bool focused)
{
    struct dkim_tab *t = st;
    (void)a;
    form_draw(&t->form, w, y, x, rows, cols, focused);
}

static bool dkim_tab_editing(void *st) { return ((struct dkim_tab *)st)->form.editing; }

static struct field *cur_field(struct dkim_tab *t) { return form_current(&t->form); }

static unsigned why_message(struct app *a, struct dkim_tab *t, const char *fallback)
{
    app_message(a, ROLE_ERROR, "%s", t->why.len ? strbuf_cstr(&t->why) : fallback);
    return DIRTY_STATUS;
}

static unsigned set_tag(struct app *a, struct dkim_tab *t, const char *name, const char *value)
{
    strbuf_reset(&t->why);
    if (!dkim_key_set_tag(&t->model, name, value, strlen(value), &t->why))
        return why_message(a, t, "the value was not accepted");
    return commit(a, t);
}

static unsigned remove_tag(struct app *a, struct dkim_tab *t, const char *name)
{
    strbuf_reset(&t->why);
    if (!dkim_key_remove_tag(&t->model, name, &t->why))
        return why_message(a, t, "the tag could not be removed");
    return commit(a, t);
}

static unsigned switch_view(struct app *a, struct dkim_tab *t, bool sig)
{
    if (t->sig_view == sig)
        return 0;
    t->sig_view = sig;
    form_edit_stop(&t->form);
    rebuild(a, t);
    form_focus(&t->form, ROW_VIEW, 0);
    app_draft_changed(a); /* the lint pane shows the other record now */
    return DIRTY_ALL & ~DIRTY_LAYOUT;
}

/* The checkbox rows compose colon lists; the core checks them. */
static unsigned toggle_box(struct app *a, struct dkim_tab *t, struct field *fld)
{
    int k = t->form.sub & 1;
    int value = fld->value < 0 ? 0 : fld->value;
    bool on = !(value & (1 << k));
    if (fld->sub == DKIM_KEY_TAG_T) {
        strbuf_reset(&t->why);
        if (!dkim_key_set_flag(&t->model, k ? 's' : 'y', on, &t->why))
            return why_message(a, t, "t= could not be changed");
        return commit(a, t);
    }
    value = on ? value | (1 << k) : value & ~(1 << k);
    const char *names[2];
    if (fld->sub == DKIM_KEY_TAG_H)
        names[0] = "sha256", names[1] = "sha1";
    else
        names[0] = "email", names[1] = "*";
    char list[32] = "";
    if (value & 1)
        strcat(list, names[0]);
    if (value & 2) {
        if (list[0])
            strcat(list, ":");
        strcat(list, names[1]);
    }
    const char *name = key_tag_names[fld->sub];
    return list[0] ? set_tag(a, t, name, list) : remove_tag(a, t, name);
}

static unsigned choose(struct app *a, struct dkim_tab *t, struct field *fld, int value)
{
    if (fld->id == ROW_VIEW)
        return switch_view(a, t, value == 1);
    if (fld->id != ROW_TAG)
        return 0;
    const char *name = key_tag_names[fld->sub];
    if (value < 0)
        return remove_tag(a, t, name);
    return set_tag(a, t, name, fld->choices[value]);
}

static unsigned cycle(struct app *a, struct dkim_tab *t, int dir)
{
    struct field *fld = cur_field(t);
    if (!fld || fld->type != FIELD_CHOICE)
        return 0;
    int lo = fld->id == ROW_VIEW ? 0 : -1, n = fld->nchoices - lo;
    int v = fld->value < lo ? lo : fld->value;
    v = ((v - lo + dir) % n + n) % n + lo;
    return choose(a, t, fld, v);
}

static bool paste_key_done(struct app *a, int choice, void *ctx)
{
    struct dkim_tab *t = ctx;
    if (choice < 0)
        return true;
    size_t len;
    const char *text = dialog_field(a, 0, &len);
    struct dkim_paste report;
    strbuf_reset(&t->why);
    if (!dkim_key_set_p_from_paste(&t->model, text, len, &report, &t->why)) {
        strbuf_reset(&t->buf);
        dkim_paste_describe(&report, &t->buf);
        dialog_set_error(a, "%s", t->why.len ? strbuf_cstr(&t->why) : strbuf_cstr(&t->buf));
        return false;
    }
    a->dirty |= commit(a, t);
    strbuf_reset(&t->buf);
    dkim_paste_describe(&report, &t->buf);
    app_message(a, report.status == DKIM_PASTE_OK ? ROLE_GOOD : ROLE_WARNING, "p= set: %s",
                strbuf_cstr(&t->buf));
    form_focus(&t->form, ROW_TAG, DKIM_KEY_TAG_P);
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
    rebuild(a, t);
    app_draft_changed(a);
    a->dirty |= DIRTY_CONTENT;
    if (t->sig.dkim_sig && t->sig.dkim_sig->count)
        form_focus(&t->form, ROW_SIG_TAG, 0);
    return true;
}

static unsigned start_edit(struct dkim_tab *t, int row, enum dkim_key_tag_id tag, const char *text,
                           size_t len)
{
    t->edit_row = row;
    t->edit_tag = tag;
    form_edit_start(&t->form, text, len, false);
    return DIRTY_FOCUS;
}

static unsigned activate(struct app *a, struct dkim_tab *t)
{
    struct field *fld = cur_field(t);
    if (!fld)
        return 0;
    switch (fld->id) {
    case ROW_VIEW:
        return switch_view(a, t, !t->sig_view);
    case ROW_SELECTOR:
        return start_edit(t, ROW_SELECTOR, 0, a->drafts.selector, strlen(a->drafts.selector));
    case ROW_DOMAIN:
        return start_edit(t, ROW_DOMAIN, 0, a->drafts.domain, strlen(a->drafts.domain));
    case ROW_TAG:
        if (fld->type == FIELD_CHOICE)
            return cycle(a, t, 1);
        if (fld->type == FIELD_CHECKS)
            return toggle_box(a, t, fld);
        if (fld->sub == DKIM_KEY_TAG_P) {
            dialog_paste(a, "Paste the public key",
                         "A PEM block (-----BEGIN PUBLIC KEY-----), base64, or a whole key "
                         "record. Armor, line breaks and quotes are removed; private keys are "
                         "refused.",
                         "", paste_key_done, t);
            return DIRTY_OVERLAY;
        }
        {
            size_t len;
            const char *text = form_text(&t->form, fld, &len);
            return start_edit(t, ROW_TAG, (enum dkim_key_tag_id)fld->sub, text, len);
        }
    case ROW_UNKNOWN: {
        size_t i = (size_t)fld->sub;
        if (i >= t->model.count)
            return 0;
        snprintf(t->edit_name, sizeof t->edit_name, "%s", t->model.tags[i].name_text);
        return start_edit(t, ROW_UNKNOWN, DKIM_KEY_TAG_UNKNOWN, t->model.tags[i].value_text,
                          t->model.tags[i].value_len);
    }
    case ROW_PASTE_SIG:
    case ROW_SIG_TAG:
        dialog_paste(a, "Paste a DKIM-Signature header",
                     "The header as it appears in a message (folded lines are fine), with or "
                     "without the DKIM-Signature: name.",
                     "", paste_sig_done, t);
        return DIRTY_OVERLAY;
    default:
        return 0;
    }
}

static const char *edit_tag_name(struct dkim_tab *t)
{
    return t->edit_row == ROW_UNKNOWN ? t->edit_name : key_tag_names[t->edit_tag];
}

/* Check with the core; apply when it accepts. */
static unsigned edit_apply(struct app *a, struct dkim_tab *t, bool submit, bool *accepted)
{
    size_t len;
    const char *text = lineedit_text(&t->form.edit, &len);
    char copy[DRAFTS_NAME_MAX + 1];
    *accepted = false;
    if (t->edit_row == ROW_SELECTOR || t->edit_row == ROW_DOMAIN) {
        if (len >= sizeof copy || memchr(text, '\0', len)) {
            form_edit_message(&t->form, DIAG_ERROR, "too long for a DNS name");
            return DIRTY_COMPOSE;
        }
        memcpy(copy, text, len);
        copy[len] = '\0';
        bool ok = t->edit_row == ROW_SELECTOR ? drafts_set_selector(&a->drafts, copy)
                                              : drafts_set_domain(&a->drafts, copy);
        if (!ok) {
            form_edit_message(&t->form, DIAG_ERROR,
                              t->edit_row == ROW_SELECTOR
                                  ? "a selector is one or more DNS labels (letters, digits, -)"
                                  : "not a domain name");
            return DIRTY_COMPOSE;
        }
        form_edit_message(&t->form, -1, "");
        *accepted = true;
        if (t->edit_row == ROW_DOMAIN && submit) {
            /* The domain names every draft (and DMARC's sentences). */
            app_reload_tabs(a);
            return DIRTY_ALL & ~DIRTY_LAYOUT;
        }
        rebuild(a, t);
        app_draft_changed(a);
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    }
    const char *name = edit_tag_name(t);
    strbuf_reset(&t->why);
    if (!dkim_key_check_value(name, text, len, &t->why)) {
        form_edit_message(&t->form, DIAG_ERROR,
                          t->why.len ? strbuf_cstr(&t->why) : "not a valid value");
        return DIRTY_COMPOSE | DIRTY_EXPLAIN;
    }
    form_edit_message(&t->form, -1, "");
    strbuf_reset(&t->why);
    if (!dkim_key_set_tag(&t->model, name, text, len, &t->why)) {
        form_edit_message(&t->form, DIAG_ERROR,
                          t->why.len ? strbuf_cstr(&t->why) : "not accepted");
        sync_model(a, t);
        return DIRTY_COMPOSE;
    }
    *accepted = true;
    return commit(a, t);
}

static unsigned edit_key(struct app *a, struct dkim_tab *t, int key, bool fkey, bool more,
                         bool *handled)
{
    struct form *f = &t->form;
    bool accepted;
    enum lineedit_result r = lineedit_key(&f->edit, key, fkey, more);
    *handled = true;
    switch (r) {
    case LINEEDIT_CHANGED:
        /* Names are applied on Enter (a half-typed domain renames
         * everything); tag values follow every key. */
        if (t->edit_row == ROW_DOMAIN) {
            size_t len;
            lineedit_text(&f->edit, &len);
            form_edit_message(f, -1, len ? "" : "the domain of all three records");
            return DIRTY_COMPOSE;
        }
        t->pending = true; /* applied at the end of the input batch */
        return DIRTY_COMPOSE;
    case LINEEDIT_MOVED:
        return DIRTY_COMPOSE;
    case LINEEDIT_SUBMIT: {
        t->pending = false;
        unsigned d = edit_apply(a, t, true, &accepted);
        if (accepted)
            form_edit_stop(f);
        return d | DIRTY_FOCUS;
    }
    case LINEEDIT_CANCEL: {
        t->pending = false;
        lineedit_set(&f->edit, strbuf_cstr(&f->edit_orig), f->edit_orig.len);
        unsigned d = 0;
        if (f->edit_orig.len || t->edit_row != ROW_TAG)
            d = edit_apply(a, t, true, &accepted);
        else
            d = remove_tag(a, t, edit_tag_name(t));
        form_edit_stop(f);
        return d | DIRTY_FOCUS;
    }
    case LINEEDIT_UNHANDLED:
        break;
    }
    enum action act = keys_lookup(KEYMAP_COMPOSE, key, fkey);
    if (act == ACT_NEXT || act == ACT_PREV || act == ACT_UP || act == ACT_DOWN) {
        t->pending = false;
        unsigned d = edit_apply(a, t, true, &accepted);
        if (!accepted)
            return d;
        form_edit_stop(f);
        return d | form_move(f, act);
    }
    *handled = false;
    if (t->pending) {
        t->pending = false;
        edit_apply(a, t, false, &accepted);
    }
    form_edit_stop(f);
    return DIRTY_FOCUS;
}

static unsigned dkim_tab_flush(struct app *a, void *st)
{
    struct dkim_tab *t = st;
    bool accepted;
    if (!t->pending || !t->form.editing)
        return 0;
    t->pending = false;
    return edit_apply(a, t, false, &accepted);
}

static unsigned dkim_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                             bool more, bool *handled)
{
    struct dkim_tab *t = st;
    if (t->form.editing)
        return edit_key(a, t, key, fkey, more, handled);
    *handled = true;
    struct field *fld = cur_field(t);
    if ((act == ACT_LEFT || act == ACT_RIGHT) && fld && fld->type == FIELD_CHOICE)
        return cycle(a, t, act == ACT_LEFT ? -1 : 1);
    unsigned d = form_move(&t->form, act);
    if (d) {
        rebuild(a, t);
        return d;
    }
    switch (act) {
    case ACT_ACTIVATE:
        return activate(a, t);
    case ACT_TOGGLE:
        if (fld && fld->type == FIELD_CHOICE)
            return cycle(a, t, 1);
        if (fld && fld->type == FIELD_CHECKS)
            return toggle_box(a, t, fld);
        return activate(a, t);
    case ACT_SUBVIEW:
        return switch_view(a, t, !t->sig_view);
    case ACT_KEY_GENERATE:
        return dkim_keys_generate(a);
    case ACT_KEY_MATCH:
        return dkim_keys_match(a);
    case ACT_DELETE:
        if (!fld)
            return 0;
        if (fld->id == ROW_TAG)
            return remove_tag(a, t, key_tag_names[fld->sub]);
        if (fld->id == ROW_UNKNOWN && (size_t)fld->sub < t->model.count)
            return remove_tag(a, t, t->model.tags[fld->sub].name_text);
        return 0;
    default:
        *handled = false;
        return 0;
    }
}

static void dkim_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct dkim_tab *t = st;
    struct field *fld = cur_field(t);
    if (!fld)
        return;
    out->help_id = fld->help_id;
    out->value_id = fld->value_id;
    if (fld->id == ROW_SIG_TAG) {
        if ((size_t)fld->sub < t->sig.terms.count)
            record_describe_term(&t->sig, (size_t)fld->sub, &out->here);
        return;
    }
    const struct record *r = dkim_draft(a);
    size_t index = DKIM_NONE;
    if (fld->id == ROW_TAG)
        index = t->model.first[fld->sub];
    else if (fld->id == ROW_UNKNOWN)
        index = (size_t)fld->sub;
    if (index != DKIM_NONE && index < r->terms.count)
        record_describe_term(r, index, &out->here);
    if (fld->id == ROW_SELECTOR)
        strbuf_puts(&out->note, "The selector names the key: the record is published at "
                                "<selector>._domainkey.<domain>, and signatures name it in s=.");
    else if (fld->id == ROW_DOMAIN)
        strbuf_puts(&out->note, "The domain of all three drafts (the d= of signatures).");
    else if (fld->id == ROW_TAG && fld->sub == DKIM_KEY_TAG_P && index == DKIM_NONE)
        strbuf_puts(&out->note, "Enter opens a box to paste the public key into.");
    if (t->form.editing && t->form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->form.edit_msg.data, t->form.edit_msg.len);
    }
}

static bool dkim_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    (void)a;
    struct field *f = cur_field(st);
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static void dkim_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct dkim_tab *t = st;
    (void)a;
    (void)end;
    if (rule == RULE_CROSS_DMARC_WITHOUT_AUTH || rule == RULE_DKIM_MISSING_P) {
        form_focus(&t->form, ROW_TAG, DKIM_KEY_TAG_P);
        return;
    }
    for (size_t i = 0; i < t->form.count; i++) {
        const struct field *f = &t->form.fields[i];
        if (f->has_span && start >= f->span_start &&
            (start < f->span_end || start == f->span_start) && form_focus(&t->form, f->id, f->sub))
            return;
    }
}

static void dkim_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct dkim_tab *t = st;
    (void)a;
    struct field *f = cur_field(t);
    strbuf_puts(out, t->sig_view ? "signature " : "key ");
    if (!f)
        return;
    switch (f->id) {
    case ROW_VIEW: strbuf_puts(out, "view"); break;
    case ROW_SELECTOR: strbuf_puts(out, "selector"); break;
    case ROW_DOMAIN: strbuf_puts(out, "domain"); break;
    case ROW_TAG: strbuf_puts(out, key_tag_names[f->sub]); break;
    case ROW_UNKNOWN: strbuf_puts(out, "unknown tag"); break;
    case ROW_PASTE_SIG: strbuf_puts(out, "paste"); break;
    case ROW_SIG_TAG: strbuf_printf(out, "tag %s", f->label); break;
    default: break;
    }
    if (t->form.editing)
        strbuf_puts(out, " editing");
}

static unsigned dkim_tab_click(struct app *a, void *st, int y, int x)
{
    struct dkim_tab *t = st;
    if (t->form.editing)
        return 0;
    int choice;
    if (!form_click(&t->form, y, x, &choice))
        return 0;
    struct field *f = cur_field(t);
    if (f && choice >= 0 && f->type == FIELD_CHOICE)
        return choose(a, t, f, f->id == ROW_TAG && f->value == choice ? -1 : choice);
    if (f && choice >= 0 && f->type == FIELD_CHECKS)
        return toggle_box(a, t, f);
    if (f && f->type == FIELD_BUTTON)
        return activate(a, t);
    rebuild(a, t);
    return DIRTY_FOCUS;
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
};
