/* The DMARC tab (RFC 9989): policies p, sp and np, t, psd, alignment,
 * fo boxes, rua and ruf lists, then the RFC 7489 tags (pct, rf, ri) in a
 * group of their own; unset tags show their default, dimmed; the effect
 * of the policy in words under the form (the core writes it).  Changes go
 * through the core's DMARC editing calls. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/dmarc.h"
#include "tui_app.h"

enum {
    ROW_VERSION = 1,
    ROW_TAG,        /* sub: enum dmarc_tag_id */
    ROW_URI,        /* sub: index in model.uris */
    ROW_ADD_URI,    /* sub: DMARC_TAG_RUA or DMARC_TAG_RUF */
    ROW_UNKNOWN,    /* sub: tag index */
};

/* What the open editor changes. */
enum edit_target { EDIT_TAG, EDIT_URI, EDIT_NEW_URI };

struct dmarc_tab {
    struct dmarc_record model;
    struct form form;
    bool pending;                 /* typed text not yet applied (flush) */
    struct diag_list why;
    struct strbuf buf, effect;
    enum edit_target target;
    enum dmarc_tag_id edit_tag;   /* EDIT_TAG; the list for URIs */
    size_t edit_uri;              /* EDIT_URI: entry index in its list */
    bool new_uri_added;           /* EDIT_NEW_URI: already in the record */
    char edit_name[64];           /* the tag's name (unknown tags) */
};

/* The form's choice rows: tag, keywords as written, names shown. */
struct choice_def {
    enum dmarc_tag_id tag;
    const char *name;
    int n;
    const char *keyword[3];
    const char *shown[3];
    int def;        /* default choice when unset, -1 none (p), -2 "as p" */
    bool optional;  /* unset is one of the states */
};

static const struct choice_def choice_defs[] = {
    {DMARC_TAG_P, "p", 3, {"none", "quarantine", "reject"}, {"none", "quarantine", "reject"}, -1, false},
    {DMARC_TAG_SP, "sp", 3, {"none", "quarantine", "reject"}, {"none", "quarantine", "reject"}, -2, true},
    {DMARC_TAG_NP, "np", 3, {"none", "quarantine", "reject"}, {"none", "quarantine", "reject"}, -2, true},
    {DMARC_TAG_T, "t", 2, {"y", "n"}, {"y testing", "n"}, 1, true},
    {DMARC_TAG_PSD, "psd", 3, {"y", "n", "u"}, {"y", "n", "u"}, 2, true},
    {DMARC_TAG_ADKIM, "adkim", 2, {"r", "s"}, {"relaxed", "strict"}, 0, true},
    {DMARC_TAG_ASPF, "aspf", 2, {"r", "s"}, {"relaxed", "strict"}, 0, true},
    {DMARC_TAG_RF, "rf", 2, {"afrf", "iodef"}, {"afrf", "iodef"}, 0, true},
};

static const char *const tag_names[DMARC_TAG_COUNT] = {
    [DMARC_TAG_V] = "v",     [DMARC_TAG_P] = "p",       [DMARC_TAG_SP] = "sp",
    [DMARC_TAG_NP] = "np",   [DMARC_TAG_ADKIM] = "adkim", [DMARC_TAG_ASPF] = "aspf",
    [DMARC_TAG_FO] = "fo",   [DMARC_TAG_PSD] = "psd",   [DMARC_TAG_T] = "t",
    [DMARC_TAG_RUA] = "rua", [DMARC_TAG_RUF] = "ruf",   [DMARC_TAG_PCT] = "pct",
    [DMARC_TAG_RF] = "rf",   [DMARC_TAG_RI] = "ri",     [DMARC_TAG_UNKNOWN] = "",
};

static const struct choice_def *choice_def_of(enum dmarc_tag_id tag)
{
    for (size_t i = 0; i < sizeof choice_defs / sizeof choice_defs[0]; i++)
        if (choice_defs[i].tag == tag)
            return &choice_defs[i];
    return NULL;
}

static const struct record *dmarc_draft(struct app *a) { return &a->drafts.rec[DRAFT_DMARC]; }

static void sync_model(struct app *a, struct dmarc_tab *t)
{
    const struct record *r = dmarc_draft(a);
    dmarc_set_domain(&t->model, a->drafts.domain[0] ? a->drafts.domain : NULL);
    dmarc_parse(&t->model, r->text ? r->text : "", r->len, NULL);
}

static void rebuild(struct app *a, struct dmarc_tab *t);

static unsigned commit(struct app *a, struct dmarc_tab *t)
{
    strbuf_reset(&t->buf);
    dmarc_format(&t->model, &t->buf);
    unsigned d = app_set_draft(a, DRAFT_DMARC, strbuf_cstr(&t->buf), t->buf.len);
    sync_model(a, t);
    rebuild(a, t);
    return d;
}

static const char *why_text(struct dmarc_tab *t, const char *fallback)
{
    for (size_t i = 0; i < t->why.count; i++)
        if (t->why.items[i].severity == DIAG_ERROR)
            return t->why.items[i].message;
    return t->why.count ? t->why.items[0].message : fallback;
}

/* The typed value of a choice tag as an index into its keywords. */
static int choice_value(const struct dmarc_record *m, enum dmarc_tag_id tag)
{
    switch (tag) {
    case DMARC_TAG_P:
    case DMARC_TAG_SP:
    case DMARC_TAG_NP: {
        enum dmarc_policy p = tag == DMARC_TAG_P ? m->p : tag == DMARC_TAG_SP ? m->sp : m->np;
        return p == DMARC_POLICY_NONE         ? 0
               : p == DMARC_POLICY_QUARANTINE ? 1
               : p == DMARC_POLICY_REJECT     ? 2
                                              : -1;
    }
    case DMARC_TAG_T:
        return m->t == DMARC_YORN_Y ? 0 : m->t == DMARC_YORN_N ? 1 : -1;
    case DMARC_TAG_PSD:
        return m->psd == DMARC_PSD_Y ? 0 : m->psd == DMARC_PSD_N ? 1 : m->psd == DMARC_PSD_U ? 2 : -1;
    case DMARC_TAG_ADKIM:
    case DMARC_TAG_ASPF: {
        enum dmarc_alignment al = tag == DMARC_TAG_ADKIM ? m->adkim : m->aspf;
        return al == DMARC_ALIGN_RELAXED ? 0 : al == DMARC_ALIGN_STRICT ? 1 : -1;
    }
    case DMARC_TAG_RF:
        return m->rf == DMARC_RF_AFRF ? 0 : m->rf == DMARC_RF_IODEF ? 1 : -1;
    default:
        return -1;
    }
}

static const struct dmarc_tag *first_tag(const struct dmarc_record *m, enum dmarc_tag_id id)
{
    size_t i = m->first[id];
    return i == DMARC_NONE || i >= m->count ? NULL : &m->tags[i];
}

/* The kind-independent term of tag index i in the draft (help ids). */
static const struct record_term *draft_term(struct app *a, size_t i)
{
    const struct record *r = dmarc_draft(a);
    return i < r->terms.count ? &r->terms.items[i] : NULL;
}

static void set_span(struct app *a, struct field *fld, size_t start, size_t end)
{
    fld->has_span = true;
    fld->span_start = start;
    fld->span_end = end;
    fld->severity = app_span_severity(dmarc_draft(a), start, end);
}

static void add_choice_row(struct app *a, struct dmarc_tab *t, const struct choice_def *c)
{
    struct form *f = &t->form;
    const struct dmarc_record *m = &t->model;
    struct field *fld = form_add(f, FIELD_CHOICE, ROW_TAG, c->tag, c->name);
    if (!fld)
        return;
    for (int k = 0; k < c->n; k++)
        fld->choices[k] = c->shown[k];
    fld->nchoices = c->n;
    fld->obsolete = c->tag == DMARC_TAG_RF;
    char hint[64];
    const struct dmarc_tag *tag = first_tag(m, c->tag);
    fld->value = choice_value(m, c->tag);
    if (tag) {
        set_span(a, fld, tag->whole.start, tag->whole.end);
        const struct record_term *rt = draft_term(a, m->first[c->tag]);
        if (rt)
            fld->value_id = rt->value_id;
        if (!tag->valid) {
            snprintf(hint, sizeof hint, "invalid: '%.40s'", tag->value_text);
            form_set_hint(f, fld, hint);
        }
    } else {
        fld->dim = true;
        if (c->def >= 0) {
            fld->def = c->def;
            form_set_hint(f, fld, "default");
        } else if (c->def == -2) {
            /* sp follows p; np follows sp, then p. */
            int inherit = choice_value(m, DMARC_TAG_P);
            if (c->tag == DMARC_TAG_NP && choice_value(m, DMARC_TAG_SP) >= 0)
                inherit = choice_value(m, DMARC_TAG_SP);
            fld->def = inherit;
            form_set_hint(f, fld, c->tag == DMARC_TAG_SP ? "as p"
                                  : first_tag(m, DMARC_TAG_SP) ? "as sp"
                                                              : "as p");
        } else {
            form_set_hint(f, fld, "not set (required)");
            fld->severity = dmarc_draft(a)->len ? DIAG_ERROR : -1;
        }
    }
    static char help[DMARC_TAG_COUNT][24];
    snprintf(help[c->tag], sizeof help[c->tag], "dmarc.tag.%s", c->name);
    fld->help_id = help[c->tag];
}

static void add_text_row(struct app *a, struct dmarc_tab *t, enum dmarc_tag_id id,
                         const char *def)
{
    struct form *f = &t->form;
    const struct dmarc_tag *tag = first_tag(&t->model, id);
    struct field *fld = form_add(f, FIELD_TEXT, ROW_TAG, id, tag_names[id]);
    if (!fld)
        return;
    static char help[DMARC_TAG_COUNT][24];
    snprintf(help[id], sizeof help[id], "dmarc.tag.%s", tag_names[id]);
    fld->help_id = help[id];
    fld->obsolete = id == DMARC_TAG_PCT || id == DMARC_TAG_RI;
    if (tag) {
        form_set_text(f, fld, tag->value_text, tag->value_len);
        set_span(a, fld, tag->whole.start, tag->whole.end);
    } else {
        form_set_text(f, fld, def, strlen(def));
        form_set_hint(f, fld, "default");
        fld->dim = true;
    }
}

static void add_uri_rows(struct app *a, struct dmarc_tab *t, enum dmarc_tag_id id)
{
    struct form *f = &t->form;
    const struct dmarc_record *m = &t->model;
    const struct dmarc_tag *tag = first_tag(m, id);
    static char help[2][24];
    const char *help_id = id == DMARC_TAG_RUA ? "dmarc.tag.rua" : "dmarc.tag.ruf";
    (void)help;
    bool any = false;
    if (tag) {
        for (size_t k = 0; k < tag->uri_count; k++) {
            size_t u = tag->uri_first + k;
            if (u >= m->nuris)
                break;
            const struct dmarc_uri *uri = &m->uris[u];
            struct field *fld = form_add(f, FIELD_TEXT, ROW_URI, (int)u, k ? "" : tag_names[id]);
            if (!fld)
                return;
            form_set_text(f, fld, uri->text, uri->len);
            set_span(a, fld, uri->whole.start, uri->whole.end);
            fld->help_id = help_id;
            any = true;
        }
    }
    struct field *fld = form_add(f, FIELD_BUTTON, ROW_ADD_URI, id,
                                 id == DMARC_TAG_RUA ? "+ add an aggregate report address (rua)"
                                                     : "+ add a failure report address (ruf)");
    if (fld)
        fld->help_id = help_id;
    (void)any;
}

static void rebuild(struct app *a, struct dmarc_tab *t)
{
    struct form *f = &t->form;
    const struct field *cur = form_current(f);
    int keep_id = cur ? cur->id : ROW_TAG, keep_sub = cur ? cur->sub : DMARC_TAG_P;
    const struct dmarc_record *m = &t->model;
    form_begin(f);

    struct field *fld = form_add(f, FIELD_TEXT, ROW_VERSION, 0, "v");
    if (fld) {
        const struct dmarc_tag *v = first_tag(m, DMARC_TAG_V);
        form_set_text(f, fld, "DMARC1", 6);
        fld->help_id = "dmarc.tag.v";
        if (v)
            set_span(a, fld, v->whole.start, v->whole.end);
        if (!m->version_ok && dmarc_draft(a)->len) {
            fld->severity = DIAG_ERROR;
            form_set_hint(f, fld, "the record must start with it: Enter fixes");
        } else if (!v) {
            fld->dim = true;
        }
    }
    add_choice_row(a, t, choice_def_of(DMARC_TAG_P));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_SP));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_NP));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_T));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_PSD));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_ADKIM));
    add_choice_row(a, t, choice_def_of(DMARC_TAG_ASPF));

    fld = form_add(f, FIELD_CHECKS, ROW_TAG, DMARC_TAG_FO, "fo");
    if (fld) {
        static const char *const fo_names[] = {"0", "1", "d", "s"};
        for (int k = 0; k < 4; k++)
            fld->choices[k] = fo_names[k];
        fld->nchoices = 4;
        const struct dmarc_tag *fo = first_tag(m, DMARC_TAG_FO);
        fld->value = (int)m->fo;
        fld->help_id = "dmarc.tag.fo";
        if (fo) {
            set_span(a, fld, fo->whole.start, fo->whole.end);
        } else {
            fld->value = DMARC_FO_0;
            fld->dim = true;
            form_set_hint(f, fld, "default");
        }
        static const char *const fo_ids[] = {"dmarc.tag.fo.0", "dmarc.tag.fo.1", "dmarc.tag.fo.d",
                                             "dmarc.tag.fo.s"};
        int sub = f->sel < f->count && f->fields[f->sel].id == ROW_TAG &&
                          f->fields[f->sel].sub == DMARC_TAG_FO
                      ? f->sub
                      : 0;
        fld->value_id = fo_ids[sub & 3];
    }
    add_uri_rows(a, t, DMARC_TAG_RUA);
    add_uri_rows(a, t, DMARC_TAG_RUF);

    form_add(f, FIELD_HEADING, 0, 0, "RFC 7489 only (removed in RFC 9989)");
    fld = form_add(f, FIELD_INFO, 0, 1, "");
    if (fld) {
        static const char note[] = "older receivers still honour them";
        form_set_text(f, fld, note, sizeof note - 1);
        fld->dim = true;
    }
    add_text_row(a, t, DMARC_TAG_PCT, "100");
    add_choice_row(a, t, choice_def_of(DMARC_TAG_RF));
    add_text_row(a, t, DMARC_TAG_RI, "86400");

    /* Tags the core does not know: shown so they can be fixed or removed. */
    bool heading = false;
    for (size_t i = 0; i < m->count; i++) {
        const struct dmarc_tag *tag = &m->tags[i];
        if (tag->id != DMARC_TAG_UNKNOWN && !tag->duplicate)
            continue;
        if (!heading) {
            form_add(f, FIELD_HEADING, 0, 2, "Unknown or repeated tags");
            heading = true;
        }
        fld = form_add(f, FIELD_TEXT, ROW_UNKNOWN, (int)i, tag->name_text);
        if (!fld)
            break;
        form_set_text(f, fld, tag->value_text, tag->value_len);
        set_span(a, fld, tag->whole.start, tag->whole.end);
        const struct record_term *rt = draft_term(a, i);
        fld->help_id = rt ? rt->id : "dmarc.tag.unknown";
        form_set_hint(f, fld, "Del removes it");
    }
    form_end(f, keep_id, keep_sub);

    struct dmarc_effect e;
    dmarc_effect_compute(m, &e);
    strbuf_reset(&t->effect);
    dmarc_effect_describe(&e, a->drafts.domain[0] ? a->drafts.domain : NULL, &t->effect);
}

/* ---------------------------------------------------------------------- */

static void *dmarc_tab_create(struct app *a)
{
    (void)a;
    struct dmarc_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    dmarc_record_init(&t->model);
    form_init(&t->form);
    diag_list_init(&t->why);
    strbuf_init(&t->buf);
    strbuf_init(&t->effect);
    return t;
}

static void dmarc_tab_destroy(void *st)
{
    struct dmarc_tab *t = st;
    dmarc_record_free(&t->model);
    form_free(&t->form);
    diag_list_free(&t->why);
    strbuf_free(&t->buf);
    strbuf_free(&t->effect);
    free(t);
}

static void dmarc_tab_reload(struct app *a, void *st)
{
    struct dmarc_tab *t = st;
    form_edit_stop(&t->form);
    sync_model(a, t);
    rebuild(a, t);
}

static const struct record *dmarc_tab_record(struct app *a, void *st)
{
    (void)st;
    return dmarc_draft(a);
}

static void dmarc_tab_set_text(struct app *a, void *st, const char *text, size_t len)
{
    struct dmarc_tab *t = st;
    a->dirty |= app_set_draft(a, DRAFT_DMARC, text, len);
    form_edit_stop(&t->form);
    sync_model(a, t);
    rebuild(a, t);
}

static void dmarc_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                           bool focused)
{
    struct dmarc_tab *t = st;
    (void)a;
    /* The effect under the form: what receivers do with failing mail. */
    size_t starts[12];
    const char *text = strbuf_cstr(&t->effect);
    int lines = (int)draw_wrap(text, t->effect.len, cols - 2, true, starts, 12);
    int max = rows * 2 / 5;
    if (max < 3)
        max = 3;
    int eff = lines + 1 < max ? lines + 1 : max;
    if (eff > rows - 3)
        eff = rows - 3;
    if (eff < 0)
        eff = 0;
    form_draw(&t->form, w, y, x, rows - eff, cols, focused);
    if (eff <= 0)
        return;
    int ey = y + rows - eff;
    draw_fill(w, ey, x, cols, A_NORMAL);
    int used = draw_str(w, ey, x, cols, "Effect ", term_attr(ROLE_HEADING));
    term_hline(w, ey, x + used, cols - used, ROLE_BORDER);
    for (int i = 0; i + 1 < eff && i < lines && i < 12; i++) {
        size_t end = i + 1 < lines && i + 1 < 12 ? starts[i + 1] : t->effect.len;
        if (end > starts[i] && text[end - 1] == '\n')
            end--;
        draw_fill(w, ey + 1 + i, x, cols, A_NORMAL);
        int cut = (i + 2 == eff && lines > eff - 1);
        draw_line(w, ey + 1 + i, x + 1, cols - 1 - cut, text, starts[i], end,
                  term_attr(ROLE_NORMAL), NULL, 0);
        if (cut)
            draw_str(w, ey + 1 + i, x + cols - 1, 1, term_glyph(GLYPH_ELLIPSIS), term_attr(ROLE_DIM));
    }
}

static bool dmarc_tab_editing(void *st) { return ((struct dmarc_tab *)st)->form.editing; }

static struct field *cur_field(struct dmarc_tab *t) { return form_current(&t->form); }

/* Every edit needs a record that starts with v=DMARC1. */
static bool ensure_version(struct dmarc_tab *t)
{
    if (t->model.version_ok)
        return true;
    diag_list_reset(&t->why);
    return dmarc_set_tag(&t->model, "v", "DMARC1", 6, &t->why);
}

static unsigned set_tag(struct app *a, struct dmarc_tab *t, const char *name, const char *value)
{
    if (!ensure_version(t)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "cannot start the record with v=DMARC1"));
        return DIRTY_STATUS;
    }
    diag_list_reset(&t->why);
    if (!dmarc_set_tag(&t->model, name, value, strlen(value), &t->why)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "the value was not accepted"));
        return DIRTY_STATUS;
    }
    return commit(a, t);
}

static unsigned remove_tag(struct app *a, struct dmarc_tab *t, const char *name)
{
    diag_list_reset(&t->why);
    if (!dmarc_remove_tag(&t->model, name, &t->why)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "the tag could not be removed"));
        return DIRTY_STATUS;
    }
    return commit(a, t);
}

static unsigned choose(struct app *a, struct dmarc_tab *t, struct field *fld, int value)
{
    const struct choice_def *c = choice_def_of((enum dmarc_tag_id)fld->sub);
    if (!c)
        return 0;
    if (value < 0)
        return remove_tag(a, t, c->name);
    return set_tag(a, t, c->name, c->keyword[value]);
}

static unsigned cycle(struct app *a, struct dmarc_tab *t, int dir)
{
    struct field *fld = cur_field(t);
    if (!fld || fld->type != FIELD_CHOICE || fld->id != ROW_TAG)
        return 0;
    const struct choice_def *c = choice_def_of((enum dmarc_tag_id)fld->sub);
    if (!c)
        return 0;
    /* Optional tags cycle through "unset" too: [-1, 0 .. n-1]. */
    int lo = c->optional ? -1 : 0, n = c->n - lo;
    int v = fld->value;
    if (v < lo) /* unset, and unset is not a state: start at an end */
        v = dir > 0 ? lo - 1 : c->n;
    v = ((v - lo + dir) % n + n) % n + lo;
    return choose(a, t, fld, v);
}

static unsigned toggle_fo(struct app *a, struct dmarc_tab *t)
{
    static const char flags[] = "01ds";
    struct field *fld = cur_field(t);
    int k = t->form.sub & 3;
    bool on = !(fld->value >= 0 && (fld->value & (1 << k)) && !fld->dim);
    if (!ensure_version(t)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "cannot start the record with v=DMARC1"));
        return DIRTY_STATUS;
    }
    diag_list_reset(&t->why);
    if (!dmarc_set_fo_flag(&t->model, flags[k], on, &t->why)) {
        app_message(a, ROLE_ERROR, "%s", why_text(t, "fo could not be changed"));
        return DIRTY_STATUS;
    }
    return commit(a, t);
}

/* The list of a rua/ruf tag with entry k replaced by text. */
static void uri_list_with(const struct dmarc_record *m, const struct dmarc_tag *tag, size_t k,
                          const char *text, size_t len, struct strbuf *out)
{
    strbuf_reset(out);
    for (size_t j = 0; j < tag->uri_count && tag->uri_first + j < m->nuris; j++) {
        if (j)
            strbuf_putc(out, ',');
        if (j == k)
            strbuf_append(out, text, len);
        else
            strbuf_append(out, m->uris[tag->uri_first + j].text, m->uris[tag->uri_first + j].len);
    }
}

static const char *edit_name(struct dmarc_tab *t)
{
    if (t->target == EDIT_TAG && t->edit_tag == DMARC_TAG_UNKNOWN)
        return t->edit_name;
    return tag_names[t->edit_tag];
}

/* Apply the editor's text when the core accepts it; say why not when it
 * does not (the record keeps the last accepted value). */
static unsigned edit_apply(struct app *a, struct dmarc_tab *t, bool submit, bool *accepted)
{
    size_t len;
    const char *text = lineedit_text(&t->form.edit, &len);
    const char *name = edit_name(t);
    *accepted = false;
    diag_list_reset(&t->why);
    bool ok = dmarc_check_value(name, text, len, &t->why);
    form_edit_message(&t->form, ok ? (t->why.count ? DIAG_WARNING : -1) : DIAG_ERROR,
                      t->why.count ? why_text(t, "") : "");
    if (!ok)
        return DIRTY_COMPOSE | DIRTY_EXPLAIN;
    if (!ensure_version(t))
        return DIRTY_COMPOSE;
    diag_list_reset(&t->why);
    const struct dmarc_tag *tag = first_tag(&t->model, t->edit_tag);
    switch (t->target) {
    case EDIT_TAG:
        ok = dmarc_set_tag(&t->model, name, text, len, &t->why);
        break;
    case EDIT_NEW_URI:
        if (!t->new_uri_added) {
            if (len == 0 || (len == 7 && memcmp(text, "mailto:", 7) == 0))
                return DIRTY_COMPOSE; /* nothing typed yet */
            ok = dmarc_add_uri(&t->model, name, text, len, &t->why);
            if (ok) {
                t->new_uri_added = true;
                tag = first_tag(&t->model, t->edit_tag);
                t->edit_uri = tag ? tag->uri_count - 1 : 0;
            }
            break;
        }
        /* replace the entry added before */
        /* fall through */
    case EDIT_URI:
        if (!tag || t->edit_uri >= tag->uri_count) {
            ok = dmarc_add_uri(&t->model, name, text, len, &t->why);
            break;
        }
        uri_list_with(&t->model, tag, t->edit_uri, text, len, &t->buf);
        {
            struct strbuf list = STRBUF_INIT;
            strbuf_append(&list, strbuf_cstr(&t->buf), t->buf.len);
            ok = dmarc_set_tag(&t->model, name, strbuf_cstr(&list), list.len, &t->why);
            strbuf_free(&list);
        }
        break;
    }
    if (!ok) {
        form_edit_message(&t->form, DIAG_ERROR, why_text(t, "the value was not accepted"));
        sync_model(a, t);
        return DIRTY_COMPOSE;
    }
    *accepted = true;
    unsigned d = commit(a, t);
    /* Keep the focus on the row being edited. */
    if (t->target != EDIT_TAG) {
        tag = first_tag(&t->model, t->edit_tag);
        if (tag)
            form_focus(&t->form, ROW_URI, (int)(tag->uri_first + t->edit_uri));
    }
    (void)submit;
    return d;
}

static unsigned edit_cancel(struct app *a, struct dmarc_tab *t)
{
    struct form *f = &t->form;
    const char *name = edit_name(t);
    diag_list_reset(&t->why);
    if (t->target == EDIT_NEW_URI) {
        if (t->new_uri_added)
            dmarc_remove_uri(&t->model, name, t->edit_uri, &t->why);
    } else if (f->edit_orig.len || t->target == EDIT_URI) {
        lineedit_set(&f->edit, strbuf_cstr(&f->edit_orig), f->edit_orig.len);
        bool accepted;
        edit_apply(a, t, true, &accepted);
    } else {
        dmarc_remove_tag(&t->model, name, &t->why);
    }
    form_edit_stop(f);
    return commit(a, t) | DIRTY_FOCUS;
}

static unsigned edit_key(struct app *a, struct dmarc_tab *t, int key, bool fkey, bool more,
                         bool *handled)
{
    struct form *f = &t->form;
    enum lineedit_result r = lineedit_key(&f->edit, key, fkey, more);
    bool accepted;
    *handled = true;
    switch (r) {
    case LINEEDIT_CHANGED:
        t->pending = true; /* applied at the end of the input batch */
        return DIRTY_COMPOSE;
    case LINEEDIT_MOVED:
        return DIRTY_COMPOSE;
    case LINEEDIT_SUBMIT: {
        t->pending = false;
        unsigned d = edit_apply(a, t, true, &accepted);
        size_t len;
        lineedit_text(&f->edit, &len);
        if (accepted || (t->target == EDIT_NEW_URI && len <= 7)) {
            if (t->target == EDIT_NEW_URI && !t->new_uri_added) {
                form_edit_stop(f);
                return d | DIRTY_FOCUS;
            }
            form_edit_stop(f);
        }
        return d | DIRTY_FOCUS;
    }
    case LINEEDIT_CANCEL:
        t->pending = false;
        return edit_cancel(a, t);
    case LINEEDIT_UNHANDLED:
        break;
    }
    enum action act = keys_lookup(KEYMAP_COMPOSE, key, fkey);
    if (act == ACT_NEXT || act == ACT_PREV || act == ACT_UP || act == ACT_DOWN) {
        t->pending = false;
        unsigned d = edit_apply(a, t, true, &accepted);
        if (!accepted && !(t->target == EDIT_NEW_URI && !t->new_uri_added))
            return d; /* stay: the value is refused, the message says why */
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

static unsigned dmarc_tab_flush(struct app *a, void *st)
{
    struct dmarc_tab *t = st;
    bool accepted;
    if (!t->pending || !t->form.editing)
        return 0;
    t->pending = false;
    return edit_apply(a, t, false, &accepted);
}

static unsigned start_edit(struct dmarc_tab *t, enum edit_target target, enum dmarc_tag_id tag,
                           size_t uri, const char *text, size_t len)
{
    t->target = target;
    t->edit_tag = tag;
    t->edit_uri = uri;
    t->new_uri_added = false;
    form_edit_start(&t->form, text, len, target == EDIT_NEW_URI);
    return DIRTY_FOCUS;
}

static unsigned activate(struct app *a, struct dmarc_tab *t)
{
    struct field *fld = cur_field(t);
    if (!fld)
        return 0;
    const struct dmarc_record *m = &t->model;
    switch (fld->id) {
    case ROW_VERSION:
        if (m->version_ok) {
            app_message(a, ROLE_INFO, "a DMARC record always starts with v=DMARC1");
            return DIRTY_STATUS;
        }
        return set_tag(a, t, "v", "DMARC1");
    case ROW_TAG:
        if (fld->type == FIELD_CHOICE)
            return cycle(a, t, 1);
        if (fld->type == FIELD_CHECKS)
            return toggle_fo(a, t);
        {
            const struct dmarc_tag *tag = first_tag(m, (enum dmarc_tag_id)fld->sub);
            return start_edit(t, EDIT_TAG, (enum dmarc_tag_id)fld->sub, 0,
                              tag ? tag->value_text : "", tag ? tag->value_len : 0);
        }
    case ROW_URI: {
        size_t u = (size_t)fld->sub;
        if (u >= m->nuris)
            return 0;
        const struct dmarc_tag *tag = &m->tags[m->uris[u].tag];
        return start_edit(t, EDIT_URI, tag->id, u - tag->uri_first, m->uris[u].text,
                          m->uris[u].len);
    }
    case ROW_ADD_URI:
        return start_edit(t, EDIT_NEW_URI, (enum dmarc_tag_id)fld->sub, 0, "mailto:", 7);
    case ROW_UNKNOWN: {
        size_t i = (size_t)fld->sub;
        if (i >= m->count)
            return 0;
        snprintf(t->edit_name, sizeof t->edit_name, "%s", m->tags[i].name_text);
        return start_edit(t, EDIT_TAG, DMARC_TAG_UNKNOWN, 0, m->tags[i].value_text,
                          m->tags[i].value_len);
    }
    default:
        return 0;
    }
}

static unsigned delete_row(struct app *a, struct dmarc_tab *t)
{
    struct field *fld = cur_field(t);
    if (!fld)
        return 0;
    const struct dmarc_record *m = &t->model;
    if (fld->id == ROW_TAG)
        return remove_tag(a, t, tag_names[fld->sub]);
    if (fld->id == ROW_UNKNOWN && (size_t)fld->sub < m->count)
        return remove_tag(a, t, m->tags[fld->sub].name_text);
    if (fld->id == ROW_URI && (size_t)fld->sub < m->nuris) {
        const struct dmarc_uri *u = &m->uris[fld->sub];
        const struct dmarc_tag *tag = &m->tags[u->tag];
        diag_list_reset(&t->why);
        if (!dmarc_remove_uri(&t->model, tag_names[tag->id], (size_t)fld->sub - tag->uri_first,
                              &t->why)) {
            app_message(a, ROLE_ERROR, "%s", why_text(t, "the address could not be removed"));
            return DIRTY_STATUS;
        }
        return commit(a, t);
    }
    return 0;
}

static unsigned dmarc_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                              bool more, bool *handled)
{
    struct dmarc_tab *t = st;
    if (t->form.editing)
        return edit_key(a, t, key, fkey, more, handled);
    *handled = true;
    struct field *fld = cur_field(t);
    bool choice = fld && fld->type == FIELD_CHOICE;
    if ((act == ACT_LEFT || act == ACT_RIGHT) && choice)
        return cycle(a, t, act == ACT_LEFT ? -1 : 1);
    unsigned d = form_move(&t->form, act);
    if (d) {
        rebuild(a, t); /* the fo value's explanation follows the box */
        return d;
    }
    switch (act) {
    case ACT_ACTIVATE:
        return activate(a, t);
    case ACT_TOGGLE:
        if (choice)
            return cycle(a, t, 1);
        if (fld && fld->type == FIELD_CHECKS)
            return toggle_fo(a, t);
        return activate(a, t);
    case ACT_ADD:
        if (fld && (fld->id == ROW_URI || fld->id == ROW_ADD_URI)) {
            enum dmarc_tag_id list = fld->id == ROW_ADD_URI
                                         ? (enum dmarc_tag_id)fld->sub
                                         : t->model.tags[t->model.uris[fld->sub].tag].id;
            form_focus(&t->form, ROW_ADD_URI, list);
            return start_edit(t, EDIT_NEW_URI, list, 0, "mailto:", 7);
        }
        form_focus(&t->form, ROW_ADD_URI, DMARC_TAG_RUA);
        return start_edit(t, EDIT_NEW_URI, DMARC_TAG_RUA, 0, "mailto:", 7);
    case ACT_DELETE:
        return delete_row(a, t);
    default:
        *handled = false;
        return 0;
    }
}

static void dmarc_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct dmarc_tab *t = st;
    struct field *fld = cur_field(t);
    if (!fld)
        return;
    out->help_id = fld->help_id;
    out->value_id = fld->value_id;
    const struct record *r = dmarc_draft(a);
    const struct dmarc_record *m = &t->model;
    size_t index = DMARC_NONE;
    if (fld->id == ROW_TAG)
        index = m->first[fld->sub];
    else if (fld->id == ROW_UNKNOWN)
        index = (size_t)fld->sub;
    else if (fld->id == ROW_URI && (size_t)fld->sub < m->nuris)
        index = m->uris[fld->sub].tag;
    else if (fld->id == ROW_VERSION)
        index = m->first[DMARC_TAG_V];
    if (index != DMARC_NONE && index < r->terms.count)
        record_describe_term(r, index, &out->here);
    else if (fld->id == ROW_TAG && fld->dim)
        strbuf_puts(&out->note, "Not set: the value shown dimmed is what receivers assume.");
    if (fld->id == ROW_TAG && (fld->sub == DMARC_TAG_P || fld->sub == DMARC_TAG_SP ||
                               fld->sub == DMARC_TAG_NP || fld->sub == DMARC_TAG_T)) {
        if (out->note.len)
            strbuf_putc(&out->note, ' ');
        strbuf_append(&out->note, strbuf_cstr(&t->effect), t->effect.len);
    }
    if (t->form.editing && t->form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->form.edit_msg.data, t->form.edit_msg.len);
    }
}

static bool dmarc_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    (void)a;
    struct field *f = cur_field(st);
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static void dmarc_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct dmarc_tab *t = st;
    const struct dmarc_record *m = &t->model;
    (void)end;
    (void)a;
    switch (rule) {
    case RULE_DMARC_MISSING_P:
        form_focus(&t->form, ROW_TAG, DMARC_TAG_P);
        return;
    case RULE_DMARC_NO_RUA:
        form_focus(&t->form, ROW_ADD_URI, DMARC_TAG_RUA);
        return;
    case RULE_CROSS_NO_DMARC:
    case RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT:
        form_focus(&t->form, ROW_TAG, DMARC_TAG_P);
        return;
    case RULE_CROSS_STRICT_ALIGNMENT:
        form_focus(&t->form, ROW_TAG, DMARC_TAG_ASPF);
        return;
    default:
        break;
    }
    for (size_t u = 0; u < m->nuris; u++)
        if (start >= m->uris[u].whole.start && start < m->uris[u].whole.end &&
            form_focus(&t->form, ROW_URI, (int)u))
            return;
    for (size_t i = 0; i < m->count; i++) {
        const struct dmarc_tag *tag = &m->tags[i];
        if (start < tag->whole.start || (start >= tag->whole.end && start != tag->whole.start))
            continue;
        if (tag->id == DMARC_TAG_V)
            form_focus(&t->form, ROW_VERSION, 0);
        else if (tag->id == DMARC_TAG_UNKNOWN || tag->duplicate)
            form_focus(&t->form, ROW_UNKNOWN, (int)i);
        else if (tag->id == DMARC_TAG_RUA || tag->id == DMARC_TAG_RUF)
        {
            if (!form_focus(&t->form, ROW_URI, (int)tag->uri_first))
                form_focus(&t->form, ROW_ADD_URI, tag->id);
        }
        else
            form_focus(&t->form, ROW_TAG, tag->id);
        return;
    }
    form_focus(&t->form, ROW_VERSION, 0);
}

static void dmarc_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct dmarc_tab *t = st;
    (void)a;
    struct field *f = cur_field(t);
    if (!f)
        return;
    switch (f->id) {
    case ROW_VERSION: strbuf_puts(out, "v"); break;
    case ROW_TAG: strbuf_puts(out, tag_names[f->sub]); break;
    case ROW_URI:
        if ((size_t)f->sub < t->model.nuris) {
            const struct dmarc_tag *tag = &t->model.tags[t->model.uris[f->sub].tag];
            strbuf_printf(out, "%s %zu/%zu", tag_names[tag->id],
                          (size_t)f->sub - tag->uri_first + 1, tag->uri_count);
        }
        break;
    case ROW_ADD_URI: strbuf_printf(out, "add %s", tag_names[f->sub]); break;
    case ROW_UNKNOWN: strbuf_puts(out, "unknown tag"); break;
    default: break;
    }
    if (t->form.editing)
        strbuf_puts(out, " editing");
}

static unsigned dmarc_tab_click(struct app *a, void *st, int y, int x)
{
    struct dmarc_tab *t = st;
    if (t->form.editing)
        return 0;
    int choice;
    if (!form_click(&t->form, y, x, &choice))
        return 0;
    struct field *f = cur_field(t);
    if (f && choice >= 0 && f->type == FIELD_CHOICE)
        return choose(a, t, f, f->value == choice && !f->dim &&
                                       choice_def_of((enum dmarc_tag_id)f->sub)->optional
                                   ? -1
                                   : choice);
    if (f && choice >= 0 && f->type == FIELD_CHECKS)
        return toggle_fo(a, t);
    if (f && f->type == FIELD_BUTTON)
        return activate(a, t);
    rebuild(a, t);
    return DIRTY_FOCUS;
}

const struct tab_ops dmarc_tab_ops = {
    .name = "DMARC",
    .keymap = KEYMAP_DMARC,
    .create = dmarc_tab_create,
    .destroy = dmarc_tab_destroy,
    .reload = dmarc_tab_reload,
    .record = dmarc_tab_record,
    .set_text = dmarc_tab_set_text,
    .draw = dmarc_tab_draw,
    .key = dmarc_tab_key,
    .editing = dmarc_tab_editing,
    .flush = dmarc_tab_flush,
    .explain = dmarc_tab_explain,
    .focus_span = dmarc_tab_focus_span,
    .goto_span = dmarc_tab_goto,
    .position = dmarc_tab_position,
    .click = dmarc_tab_click,
};
