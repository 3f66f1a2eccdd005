/* The DMARC tab (RFC 9989): the form generated from the core's DMARC tag
 * schema (schema_form.c), plus what is special here: the rua and ruf
 * address lists (one row per address, an input row to add one) and the
 * effect of the policy in words under the form (the core writes it).  It
 * reads the DMARC draft and changes it only through drafts_* calls. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/dmarc.h"
#include "authtxt/schema.h"
#include "tui_app.h"

enum {
    ROW_URI = SF_ROW_OWN, /* sub: index in the model's uris */
    ROW_ADD_URI,          /* sub: enum dmarc_tag_id of the list */
};

/* The tab's own editor targets (schema_form.edit_own). */
enum { EDIT_URI = 1, EDIT_NEW_URI };

struct dmarc_tab {
    struct schema_form sf;
    struct strbuf effect, list;
    char edit_list[8];   /* "rua" or "ruf" */
    size_t edit_entry;   /* EDIT_URI: the entry's index in its list */
    bool new_added;      /* EDIT_NEW_URI: the address is in the record */
    unsigned effect_gen; /* drafts_gen the effect sentence was written for */
};

static const struct record *dmarc_draft(struct app *a) { return &a->drafts.rec[DRAFT_DMARC]; }

/* The typed model of the draft (the core's, read-only), or NULL. */
static const struct dmarc_record *model(struct app *a) { return dmarc_draft(a)->dmarc; }

static const struct dmarc_tag *first_tag(const struct dmarc_record *m, enum dmarc_tag_id id)
{
    if (!m)
        return NULL;
    size_t i = m->first[id];
    return i == DMARC_NONE || i >= m->count ? NULL : &m->tags[i];
}

static void uri_rows(struct app *a, struct schema_form *sf, const struct schema_tag *row,
                     size_t tag_index, const struct record_term *term, size_t index)
{
    (void)tag_index;
    (void)term;
    (void)index;
    struct form *f = &sf->form;
    const struct dmarc_record *m = model(a);
    const struct dmarc_tag *tag = first_tag(m, (enum dmarc_tag_id)row->id);
    for (size_t k = 0; tag && k < tag->uri_count; k++) {
        size_t u = tag->uri_first + k;
        if (u >= m->nuris)
            break;
        const struct dmarc_uri *uri = &m->uris[u];
        struct field *fld = form_add(f, FIELD_TEXT, ROW_URI, (int)u, k ? "" : row->name);
        if (!fld)
            return;
        form_set_text(f, fld, uri->text, uri->len);
        fld->has_span = true;
        fld->span_start = uri->whole.start;
        fld->span_end = uri->whole.end;
        fld->severity = app_span_severity(dmarc_draft(a), uri->whole.start, uri->whole.end);
        fld->help_id = row->help_id;
    }
    char label[64];
    snprintf(label, sizeof label, "+ add an address to %s (%s)", row->name, row->label);
    struct field *fld = form_add(f, FIELD_BUTTON, ROW_ADD_URI, (int)row->id, label);
    if (fld)
        fld->help_id = row->help_id;
}

/* The list of tag with entry k replaced by text. */
static void list_with(const struct dmarc_record *m, const struct dmarc_tag *tag, size_t k,
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

/* An address typed in the input row or edited in the list: checked by the
 * core as a one-entry list, then added or put in place of the entry. */
static bool uri_apply(struct app *a, struct schema_form *sf, const char *text, size_t len,
                      bool apply, struct diag_list *why)
{
    struct dmarc_tab *t = sf->tab;
    bool fresh = sf->edit_own == EDIT_NEW_URI && !t->new_added;
    if (fresh && (len == 0 || (len == 7 && memcmp(text, "mailto:", 7) == 0)))
        return true; /* nothing typed yet: nothing to add */
    if (len == 0) {
        diag_add(why, RULE_INPUT_EMPTY, 0, 0,
                 "an empty address: Esc keeps the old one, Del removes it");
        return false;
    }
    if (!schema_check_value(RECORD_DMARC, t->edit_list, text, len, why))
        return false;
    if (!apply)
        return true;
    if (fresh) {
        if (!drafts_uri_add(&a->drafts, t->edit_list, text, len, why))
            return false;
        const struct dmarc_tag *tag =
            first_tag(model(a), strcmp(t->edit_list, "rua") == 0 ? DMARC_TAG_RUA : DMARC_TAG_RUF);
        t->new_added = true;
        t->edit_entry = tag && tag->uri_count ? tag->uri_count - 1 : 0;
        return true;
    }
    const struct dmarc_record *m = model(a);
    const struct dmarc_tag *tag =
        first_tag(m, strcmp(t->edit_list, "rua") == 0 ? DMARC_TAG_RUA : DMARC_TAG_RUF);
    if (!tag || t->edit_entry >= tag->uri_count)
        return drafts_uri_add(&a->drafts, t->edit_list, text, len, why);
    list_with(m, tag, t->edit_entry, text, len, &t->list);
    struct strbuf v = STRBUF_INIT;
    strbuf_append(&v, t->list.data, t->list.len);
    bool ok = drafts_tag_set(&a->drafts, DRAFT_DMARC, t->edit_list, strbuf_cstr(&v), v.len, why);
    strbuf_free(&v);
    return ok;
}

static const struct schema_form_hooks dmarc_hooks = {
    .tag_rows = uri_rows,
    .edit_apply = uri_apply,
};

static void tab_refresh(struct app *a, struct dmarc_tab *t)
{
    schema_form_refresh(a, &t->sf, false);
    if (t->effect_gen == a->drafts_gen && t->effect.len)
        return;
    t->effect_gen = a->drafts_gen;
    strbuf_reset(&t->effect);
    const struct dmarc_record *m = model(a);
    if (m) {
        struct dmarc_effect e;
        dmarc_effect_compute(m, &e);
        dmarc_effect_describe(&e, a->drafts.domain[0] ? a->drafts.domain : NULL, &t->effect);
    }
}

/* ---------------------------------------------------------------------- */

static void *dmarc_tab_create(struct app *a)
{
    (void)a;
    struct dmarc_tab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    schema_form_init(&t->sf, DRAFT_DMARC, &dmarc_hooks, t);
    /* The policy first: what a new user is here to set. */
    const struct schema_tag *p = schema_find(RECORD_DMARC, "p", 1);
    size_t n;
    const struct schema_tag *rows = schema_tags(RECORD_DMARC, &n);
    t->sf.first_id = SF_ROW_TAG;
    t->sf.first_sub = p && rows ? (int)(p - rows) : 0;
    strbuf_init(&t->effect);
    strbuf_init(&t->list);
    return t;
}

static void dmarc_tab_destroy(void *st)
{
    struct dmarc_tab *t = st;
    schema_form_free(&t->sf);
    strbuf_free(&t->effect);
    strbuf_free(&t->list);
    free(t);
}

static void dmarc_tab_reload(struct app *a, void *st)
{
    struct dmarc_tab *t = st;
    if (t->sf.form.editing)
        schema_form_edit_end(a, &t->sf, true);
    schema_form_refresh(a, &t->sf, true);
    t->effect_gen = a->drafts_gen - 1;
    tab_refresh(a, t);
}

static const struct record *dmarc_tab_record(struct app *a, void *st)
{
    (void)st;
    return dmarc_draft(a);
}

static void dmarc_tab_set_text(struct app *a, void *st, const char *text, size_t len)
{
    (void)st;
    a->dirty |= app_set_draft(a, DRAFT_DMARC, text, len);
}

static void dmarc_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                           bool focused)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
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
    form_draw(&t->sf.form, w, y, x, rows - eff, cols, focused);
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
            draw_str(w, ey + 1 + i, x + cols - 1, 1, term_glyph(GLYPH_ELLIPSIS),
                     term_attr(ROLE_DIM));
    }
}

static bool dmarc_tab_editing(void *st) { return ((struct dmarc_tab *)st)->sf.form.editing; }

static unsigned start_uri_edit(struct app *a, struct dmarc_tab *t, int target, const char *list,
                               size_t entry, const char *text, size_t len)
{
    snprintf(t->edit_list, sizeof t->edit_list, "%s", list);
    t->edit_entry = entry;
    t->new_added = false;
    char label[48];
    snprintf(label, sizeof label, target == EDIT_NEW_URI ? "add %s address" : "edit %s address",
             list);
    return schema_form_edit_open(a, &t->sf, target, list, label, text, len, target == EDIT_NEW_URI);
}

static unsigned add_address(struct app *a, struct dmarc_tab *t, enum dmarc_tag_id list)
{
    const char *name = list == DMARC_TAG_RUF ? "ruf" : "rua";
    form_focus(&t->sf.form, ROW_ADD_URI, (int)list);
    return start_uri_edit(a, t, EDIT_NEW_URI, name, 0, "mailto:", 7);
}

static unsigned own_action(struct app *a, struct dmarc_tab *t, enum action act, bool *handled)
{
    struct field *fld = form_current(&t->sf.form);
    const struct dmarc_record *m = model(a);
    *handled = true;
    if (act == ACT_ADD) {
        enum dmarc_tag_id list = DMARC_TAG_RUA;
        if (fld && fld->id == ROW_ADD_URI)
            list = (enum dmarc_tag_id)fld->sub;
        else if (fld && fld->id == ROW_URI && m && (size_t)fld->sub < m->nuris)
            list = m->tags[m->uris[fld->sub].tag].id;
        return add_address(a, t, list);
    }
    if (!fld || (fld->id != ROW_URI && fld->id != ROW_ADD_URI)) {
        *handled = false;
        return 0;
    }
    if (fld->id == ROW_ADD_URI) {
        if (act == ACT_ACTIVATE || act == ACT_TOGGLE)
            return add_address(a, t, (enum dmarc_tag_id)fld->sub);
        *handled = false;
        return 0;
    }
    if (!m || (size_t)fld->sub >= m->nuris) {
        *handled = false;
        return 0;
    }
    const struct dmarc_uri *u = &m->uris[fld->sub];
    const struct dmarc_tag *tag = &m->tags[u->tag];
    const char *list = tag->id == DMARC_TAG_RUF ? "ruf" : "rua";
    size_t entry = (size_t)fld->sub - tag->uri_first;
    switch (act) {
    case ACT_ACTIVATE:
    case ACT_TOGGLE:
        return start_uri_edit(a, t, EDIT_URI, list, entry, u->text, u->len);
    case ACT_DELETE: {
        struct diag_list why;
        diag_list_init(&why);
        unsigned d = drafts_uri_remove(&a->drafts, list, entry, &why)
                         ? app_draft_changed(a)
                         : app_edit_refused(a, &why, "the address could not be removed");
        diag_list_free(&why);
        return d;
    }
    default:
        *handled = false;
        return 0;
    }
}

/* After the input row added an address: the focus goes to it. */
static void focus_added(struct app *a, struct dmarc_tab *t, bool was_new)
{
    if (!was_new || t->sf.form.editing || !t->new_added)
        return;
    t->new_added = false;
    tab_refresh(a, t);
    const struct dmarc_tag *tag =
        first_tag(model(a), strcmp(t->edit_list, "rua") == 0 ? DMARC_TAG_RUA : DMARC_TAG_RUF);
    if (tag && t->edit_entry < tag->uri_count)
        form_focus(&t->sf.form, ROW_URI, (int)(tag->uri_first + t->edit_entry));
}

static unsigned dmarc_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                              bool more, bool *handled)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
    if (t->sf.form.editing) {
        bool was_new = t->sf.edit_own == EDIT_NEW_URI;
        unsigned d = schema_form_edit_key(a, &t->sf, key, fkey, more, handled);
        focus_added(a, t, was_new);
        return d;
    }
    unsigned d = own_action(a, t, act, handled);
    if (*handled)
        return d;
    return schema_form_action(a, &t->sf, act, handled);
}

static unsigned dmarc_tab_flush(struct app *a, void *st)
{
    struct dmarc_tab *t = st;
    return schema_form_flush(a, &t->sf);
}

static bool dmarc_tab_edit_check(struct app *a, void *st, struct strbuf *why)
{
    struct dmarc_tab *t = st;
    return schema_form_edit_check(a, &t->sf, why);
}

static unsigned dmarc_tab_edit_end(struct app *a, void *st, bool keep)
{
    struct dmarc_tab *t = st;
    bool was_new = t->sf.edit_own == EDIT_NEW_URI;
    unsigned d = schema_form_edit_end(a, &t->sf, keep);
    focus_added(a, t, was_new && keep);
    return d;
}

static void dmarc_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
    struct field *fld = form_current(&t->sf.form);
    if (!fld)
        return;
    if (!schema_form_explain(a, &t->sf, out)) {
        out->help_id = fld->help_id;
        out->value_id = fld->value_id;
        const struct dmarc_record *m = model(a);
        const struct record *r = dmarc_draft(a);
        if (fld->id == ROW_URI && m && (size_t)fld->sub < m->nuris &&
            m->uris[fld->sub].tag < r->terms.count)
            record_describe_term(r, m->uris[fld->sub].tag, &out->here);
        else if (fld->id == ROW_ADD_URI)
            strbuf_puts(&out->note, "Enter or a: type an address (mailto:...). It joins the "
                                    "record as soon as it is a valid URI.");
    }
    const struct schema_tag *row = schema_form_tag_of(&t->sf, fld);
    if (row && (row->id == DMARC_TAG_P || row->id == DMARC_TAG_SP || row->id == DMARC_TAG_NP ||
                row->id == DMARC_TAG_T || row->id == DMARC_TAG_PCT)) {
        if (out->note.len)
            strbuf_putc(&out->note, ' ');
        strbuf_append(&out->note, strbuf_cstr(&t->effect), t->effect.len);
    }
    if (t->sf.form.editing && t->sf.form.edit_msg.len) {
        strbuf_reset(&out->note);
        strbuf_append(&out->note, t->sf.form.edit_msg.data, t->sf.form.edit_msg.len);
    }
}

static bool dmarc_tab_focus_span(struct app *a, void *st, size_t *start, size_t *end)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
    struct field *f = form_current(&t->sf.form);
    if (!f || !f->has_span)
        return false;
    *start = f->span_start;
    *end = f->span_end;
    return true;
}

static bool focus_tag(struct dmarc_tab *t, enum dmarc_tag_id id)
{
    size_t n;
    const struct schema_tag *rows = schema_tags(RECORD_DMARC, &n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == (unsigned)id)
            return form_focus(&t->sf.form, SF_ROW_TAG, (int)i);
    return false;
}

static void dmarc_tab_goto(struct app *a, void *st, size_t start, size_t end, enum rule_id rule)
{
    struct dmarc_tab *t = st;
    (void)end;
    tab_refresh(a, t);
    switch (rule) {
    case RULE_DMARC_MISSING_P:
    case RULE_CROSS_NO_DMARC:
    case RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT:
        focus_tag(t, DMARC_TAG_P);
        return;
    case RULE_DMARC_NO_RUA:
        form_focus(&t->sf.form, ROW_ADD_URI, DMARC_TAG_RUA);
        return;
    case RULE_CROSS_STRICT_ALIGNMENT:
        focus_tag(t, DMARC_TAG_ASPF);
        return;
    default:
        break;
    }
    if (!schema_form_goto(a, &t->sf, start))
        focus_tag(t, DMARC_TAG_V);
}

static void dmarc_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
    struct field *f = form_current(&t->sf.form);
    const struct dmarc_record *m = model(a);
    if (!f)
        return;
    if (!schema_form_position(a, &t->sf, out)) {
        if (f->id == ROW_URI && m && (size_t)f->sub < m->nuris) {
            const struct dmarc_tag *tag = &m->tags[m->uris[f->sub].tag];
            strbuf_printf(out, "%s %zu/%zu", tag->name_text, (size_t)f->sub - tag->uri_first + 1,
                          tag->uri_count);
        } else if (f->id == ROW_ADD_URI) {
            strbuf_printf(out, "add %s", f->sub == DMARC_TAG_RUF ? "ruf" : "rua");
        }
    }
    if (t->sf.form.editing)
        strbuf_puts(out, " editing");
}

static unsigned dmarc_tab_click(struct app *a, void *st, int y, int x)
{
    struct dmarc_tab *t = st;
    tab_refresh(a, t);
    bool handled;
    unsigned d = schema_form_click(a, &t->sf, y, x, &handled);
    struct field *f = form_current(&t->sf.form);
    if (handled && f && f->type == FIELD_BUTTON)
        return d | own_action(a, t, ACT_ACTIVATE, &handled);
    return d | DIRTY_FOCUS;
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
    .edit_check = dmarc_tab_edit_check,
    .edit_end = dmarc_tab_edit_end,
};
