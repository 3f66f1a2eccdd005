/* Forms generated from the core's tag schema (schema.h): the DMARC form
 * and the DKIM key record form are the rows of dmarc_tags.def and
 * dkim_key_tags.def, so a tag added to a table gets its form row here
 * with no change in the TUI.  The rows read the draft (its terms and
 * text) and every change is a drafts_* call; the values typed in place
 * reach the draft only while the core accepts them (safe typing). */
#include <stdlib.h>
#include <string.h>

#include "authtxt/schema.h"
#include "authtxt/schema_flags.h"
#include "tui_app.h"

void schema_form_init(struct schema_form *sf, enum draft_slot slot,
                      const struct schema_form_hooks *hooks, void *tab)
{
    memset(sf, 0, sizeof *sf);
    form_init(&sf->form);
    sf->slot = slot;
    sf->hooks = hooks;
    sf->tab = tab;
    sf->gen = (unsigned)-1;
    diag_list_init(&sf->why);
    strbuf_init(&sf->buf);
}

void schema_form_free(struct schema_form *sf)
{
    form_free(&sf->form);
    diag_list_free(&sf->why);
    strbuf_free(&sf->buf);
}

const struct record *schema_form_record(struct app *a, const struct schema_form *sf)
{
    return &a->drafts.rec[sf->slot];
}

static enum record_kind form_kind(const struct schema_form *sf)
{
    return drafts_slot_kind(sf->slot);
}

static const struct schema_tag *rows_of(const struct schema_form *sf, size_t *count)
{
    return schema_tags(form_kind(sf), count);
}

const struct schema_tag *schema_form_tag_of(const struct schema_form *sf, const struct field *fld)
{
    size_t n;
    const struct schema_tag *rows = rows_of(sf, &n);
    if (!fld || fld->id != SF_ROW_TAG || fld->sub < 0 || (size_t)fld->sub >= n)
        return NULL;
    return &rows[fld->sub];
}

/* The name and value of term i as written in the draft. */
static const char *term_name(const struct record *r, const struct record_term *t, size_t *len)
{
    *len = t->name_end > t->name_start && t->name_end <= r->len ? t->name_end - t->name_start : 0;
    return r->text ? r->text + (*len ? t->name_start : 0) : "";
}

static const char *term_value(const struct record *r, const struct record_term *t, size_t *len)
{
    *len =
        t->value_end > t->value_start && t->value_end <= r->len ? t->value_end - t->value_start : 0;
    return r->text ? r->text + (*len ? t->value_start : 0) : "";
}

long schema_form_term_of(struct app *a, const struct schema_form *sf, const char *name)
{
    const struct record *r = schema_form_record(a, sf);
    const struct schema_tag *want = schema_find(form_kind(sf), name, strlen(name));
    for (size_t i = 0; i < r->terms.count; i++) {
        size_t nlen;
        const char *tn = term_name(r, &r->terms.items[i], &nlen);
        if (want ? schema_find(form_kind(sf), tn, nlen) == want
                 : nlen == strlen(name) && memcmp(tn, name, nlen) == 0)
            return (long)i;
    }
    return -1;
}

void schema_form_set_span(struct app *a, struct schema_form *sf, struct field *fld, size_t i)
{
    const struct record *r = schema_form_record(a, sf);
    if (i >= r->terms.count)
        return;
    const struct record_term *t = &r->terms.items[i];
    fld->has_span = true;
    fld->span_start = t->start;
    fld->span_end = t->end;
    fld->severity = app_span_severity(r, t->start, t->end);
}

static void add_group(struct schema_form *sf, const struct schema_tag *row)
{
    struct form *f = &sf->form;
    form_add(f, FIELD_HEADING, SF_ROW_GROUP, (int)f->count, row->group);
    if (row->status == SCHEMA_STATUS_REMOVED || row->status == SCHEMA_STATUS_OBSOLETE) {
        struct field *fld = form_add(f, FIELD_INFO, SF_ROW_GROUP, (int)f->count, "");
        if (fld) {
            const char *note = row->status == SCHEMA_STATUS_REMOVED
                                   ? "RFC 7489 only: older receivers still honour them"
                                   : "obsolete: leave unset";
            form_set_text(f, fld, note, strlen(note));
            fld->dim = true;
        }
    }
}

static void add_tag_row(struct app *a, struct schema_form *sf, const struct schema_tag *row,
                        size_t index, long term)
{
    struct form *f = &sf->form;
    const struct record *r = schema_form_record(a, sf);
    const struct record_term *t = term >= 0 ? &r->terms.items[term] : NULL;
    size_t vlen = 0;
    const char *value = t ? term_value(r, t, &vlen) : "";
    enum field_type type = row->value == SCHEMA_VALUE_CHOICE  ? FIELD_CHOICE
                           : row->value == SCHEMA_VALUE_FLAGS ? FIELD_CHECKS
                                                              : FIELD_TEXT;
    struct field *fld = form_add(f, type, SF_ROW_TAG, (int)index, row->name);
    if (!fld)
        return;
    fld->help_id = row->help_id;
    fld->obsolete = row->status == SCHEMA_STATUS_REMOVED || row->status == SCHEMA_STATUS_OBSOLETE;
    if (t)
        schema_form_set_span(a, sf, fld, (size_t)term);
    char hint[96];
    switch (row->value) {
    case SCHEMA_VALUE_VERSION:
        form_set_text(f, fld, row->choices[0].value, strlen(row->choices[0].value));
        if (!t && r->len && row->required) {
            fld->severity = DIAG_ERROR;
            form_set_hint(f, fld, "missing: Enter adds it");
        } else if (!t) {
            fld->dim = true;
            form_set_hint(f, fld, r->len ? "optional: Enter adds it" : "");
        } else if (fld->severity >= DIAG_ERROR) {
            form_set_hint(f, fld, "Enter fixes it");
        }
        break;
    case SCHEMA_VALUE_CHOICE:
        for (size_t k = 0; k < row->nchoices && k < FIELD_MAX_CHOICES; k++)
            fld->choices[k] = row->choices[k].value;
        fld->nchoices =
            (int)(row->nchoices < FIELD_MAX_CHOICES ? row->nchoices : FIELD_MAX_CHOICES);
        if (t) {
            const struct schema_choice *c = schema_find_choice(row, value, vlen);
            fld->value = c ? (int)(c - row->choices) : -1;
            fld->value_id = c ? c->help_id : NULL;
            if (!c) {
                snprintf(hint, sizeof hint, "invalid: '%.*s'", (int)(vlen > 40 ? 40 : vlen), value);
                form_set_hint(f, fld, hint);
            }
        } else {
            fld->dim = true;
            const struct schema_choice *c =
                row->default_value
                    ? schema_find_choice(row, row->default_value, strlen(row->default_value))
                    : NULL;
            if (c) {
                fld->def = (int)(c - row->choices);
                fld->value_id = c->help_id;
                form_set_hint(f, fld, "default");
            } else {
                snprintf(hint, sizeof hint, "not set: %s",
                         row->default_text ? row->default_text : "");
                form_set_hint(f, fld, hint);
                if (row->required && r->len)
                    fld->severity = DIAG_ERROR;
            }
        }
        break;
    case SCHEMA_VALUE_FLAGS: {
        for (size_t k = 0; k < row->nchoices && k < FIELD_MAX_CHOICES; k++)
            fld->choices[k] = row->choices[k].value;
        fld->nchoices =
            (int)(row->nchoices < FIELD_MAX_CHOICES ? row->nchoices : FIELD_MAX_CHOICES);
        bool other = false;
        if (t) {
            fld->value = (int)schema_flags_mask(row, value, vlen, &other);
            if (other) {
                snprintf(hint, sizeof hint, "also: '%.*s'", (int)(vlen > 40 ? 40 : vlen), value);
                form_set_hint(f, fld, hint);
            }
        } else {
            fld->dim = true;
            if (row->default_value) {
                fld->value = (int)schema_flags_mask(row, row->default_value,
                                                    strlen(row->default_value), NULL);
                form_set_hint(f, fld, "default");
            } else {
                fld->value = 0;
                form_set_hint(f, fld, row->default_text ? row->default_text : "not set");
            }
        }
        break;
    }
    case SCHEMA_VALUE_NUMBER:
    case SCHEMA_VALUE_TEXT:
    case SCHEMA_VALUE_KEY:
    case SCHEMA_VALUE_URI_LIST:
        if (t) {
            form_set_text(f, fld, value, vlen);
        } else {
            fld->dim = true;
            if (row->default_value) {
                form_set_text(f, fld, row->default_value, strlen(row->default_value));
                form_set_hint(f, fld, "default");
            } else {
                snprintf(hint, sizeof hint, "not set: %s",
                         row->default_text ? row->default_text : "");
                form_set_hint(f, fld, hint);
                if (row->required && r->len)
                    fld->severity = DIAG_ERROR;
            }
        }
        break;
    }
}

static void build(struct app *a, struct schema_form *sf)
{
    struct form *f = &sf->form;
    const struct field *cur = form_current(f);
    int keep_id = cur ? cur->id : sf->first_id, keep_sub = cur ? cur->sub : sf->first_sub;
    const struct record *r = schema_form_record(a, sf);
    form_begin(f);
    if (sf->hooks && sf->hooks->head_rows)
        sf->hooks->head_rows(a, sf);
    size_t n;
    const struct schema_tag *rows = rows_of(sf, &n);
    const char *group = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct schema_tag *row = &rows[i];
        if (!group || !row->group || strcmp(group, row->group) != 0) {
            if (row->group)
                add_group(sf, row);
            group = row->group;
        }
        long term = schema_form_term_of(a, sf, row->name);
        bool own = row->value == SCHEMA_VALUE_URI_LIST || row->value == SCHEMA_VALUE_KEY;
        if (own && sf->hooks && sf->hooks->tag_rows)
            sf->hooks->tag_rows(a, sf, row, i, term >= 0 ? &r->terms.items[term] : NULL,
                                term >= 0 ? (size_t)term : (size_t)-1);
        else
            add_tag_row(a, sf, row, i, term);
    }
    /* Tags the schema does not know, and repeats: shown so they can be
     * fixed or removed.  (A kind without a schema, SPF, lists its terms
     * through its hooks.)  One pass: a term is listed here unless it is the
     * first occurrence of a schema row. */
    bool heading = false;
    long first_of[64];
    for (size_t k = 0; k < sizeof first_of / sizeof first_of[0]; k++)
        first_of[k] = -1;
    for (size_t i = 0; n > 0 && i < r->terms.count; i++) {
        size_t nlen;
        const char *tn = term_name(r, &r->terms.items[i], &nlen);
        const struct schema_tag *row = schema_find(form_kind(sf), tn, nlen);
        size_t k = row ? (size_t)(row - rows) : (size_t)-1;
        if (row && k < sizeof first_of / sizeof first_of[0] && first_of[k] < 0) {
            first_of[k] = (long)i;
            continue;
        }
        if (!heading) {
            form_add(f, FIELD_HEADING, SF_ROW_GROUP, -1, "Unknown or repeated tags");
            heading = true;
        }
        size_t vlen;
        char label[48];
        snprintf(label, sizeof label, "%.*s", (int)(nlen ? (nlen > 40 ? 40 : nlen) : 6),
                 nlen ? tn : "(none)");
        struct field *fld = form_add(f, FIELD_TEXT, SF_ROW_UNKNOWN, (int)i, label);
        if (!fld)
            break;
        const char *value = term_value(r, &r->terms.items[i], &vlen);
        form_set_text(f, fld, value, vlen);
        schema_form_set_span(a, sf, fld, i);
        fld->help_id = r->terms.items[i].id;
        form_set_hint(f, fld, "Del removes it");
    }
    form_end(f, keep_id, keep_sub);
}

void schema_form_refresh(struct app *a, struct schema_form *sf, bool force)
{
    if (!force && sf->gen == a->drafts_gen)
        return;
    sf->gen = a->drafts_gen;
    build(a, sf);
}

/* ---------------------------------------------------------------------- */
/* Changes                                                                */

static unsigned tag_set(struct app *a, struct schema_form *sf, const char *name, const char *value,
                        size_t len)
{
    diag_list_reset(&sf->why);
    if (!drafts_tag_set(&a->drafts, sf->slot, name, value, len, &sf->why))
        return app_edit_refused(a, &sf->why, "the value was not accepted");
    return app_draft_changed(a);
}

static unsigned tag_remove(struct app *a, struct schema_form *sf, const char *name)
{
    if (schema_form_term_of(a, sf, name) < 0)
        return 0;
    diag_list_reset(&sf->why);
    if (!drafts_tag_remove(&a->drafts, sf->slot, name, &sf->why))
        return app_edit_refused(a, &sf->why, "the tag could not be removed");
    return app_draft_changed(a);
}

/* Choice k of a CHOICE row, or unset (k < 0). */
static unsigned choose(struct app *a, struct schema_form *sf, const struct schema_tag *row, int k)
{
    if (k < 0)
        return tag_remove(a, sf, row->name);
    const char *v = row->choices[k].value;
    return tag_set(a, sf, row->name, v, strlen(v));
}

static unsigned cycle(struct app *a, struct schema_form *sf, struct field *fld, int dir)
{
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    if (!row || fld->nchoices <= 0)
        return 0;
    /* Optional tags cycle through "unset" too: [-1, 0 .. n-1]. */
    int lo = row->required ? 0 : -1, n = fld->nchoices - lo;
    int v = fld->value;
    if (v < lo)
        v = dir > 0 ? lo - 1 : fld->nchoices;
    v = ((v - lo + dir) % n + n) % n + lo;
    return choose(a, sf, row, v);
}

static unsigned toggle_box(struct app *a, struct schema_form *sf, struct field *fld, int k)
{
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    if (!row || k < 0 || k >= fld->nchoices)
        return 0;
    const struct record *r = schema_form_record(a, sf);
    long term = schema_form_term_of(a, sf, row->name);
    size_t vlen = 0;
    const char *value = term >= 0 ? term_value(r, &r->terms.items[term], &vlen) : "";
    bool on = !(term >= 0 && fld->value >= 0 && (fld->value & (1 << k)));
    schema_flags_with(row, value, vlen, (size_t)k, on, &sf->buf);
    if (sf->buf.len == 0)
        return tag_remove(a, sf, row->name);
    struct strbuf v = STRBUF_INIT;
    strbuf_append(&v, sf->buf.data, sf->buf.len);
    unsigned d = tag_set(a, sf, row->name, strbuf_cstr(&v), v.len);
    strbuf_free(&v);
    return d;
}

static unsigned activate(struct app *a, struct schema_form *sf, struct field *fld)
{
    const struct record *r = schema_form_record(a, sf);
    if (fld->id == SF_ROW_UNKNOWN) {
        if ((size_t)fld->sub >= r->terms.count)
            return 0;
        size_t nlen, vlen;
        const char *name = term_name(r, &r->terms.items[fld->sub], &nlen);
        const char *value = term_value(r, &r->terms.items[fld->sub], &vlen);
        if (!nlen) {
            app_message(a, ROLE_INFO, "a tag without a name: Del removes it, or e edits the text");
            return DIRTY_STATUS;
        }
        if (schema_find(form_kind(sf), name, nlen)) {
            /* Setting the name would set its first copy (and drop this one). */
            app_message(a, ROLE_INFO,
                        "a repeated %.*s=: receivers read the first one; Del removes this copy",
                        (int)(nlen > 20 ? 20 : nlen), name);
            return DIRTY_STATUS;
        }
        char tag[64];
        snprintf(tag, sizeof tag, "%.*s", (int)(nlen < sizeof tag ? nlen : sizeof tag - 1), name);
        char label[80];
        snprintf(label, sizeof label, "set %s", tag);
        return schema_form_edit_open(a, sf, 0, tag, label, value, vlen, false);
    }
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    if (!row)
        return 0;
    switch (row->value) {
    case SCHEMA_VALUE_VERSION: {
        long term = schema_form_term_of(a, sf, row->name);
        if (term >= 0 && fld->severity < DIAG_ERROR) {
            app_message(a, ROLE_INFO, "the version is always %s=%s", row->name,
                        row->choices[0].value);
            return DIRTY_STATUS;
        }
        return tag_set(a, sf, row->name, row->choices[0].value, strlen(row->choices[0].value));
    }
    case SCHEMA_VALUE_CHOICE:
        return cycle(a, sf, fld, 1);
    case SCHEMA_VALUE_FLAGS:
        return toggle_box(a, sf, fld, sf->form.sub);
    default: {
        long term = schema_form_term_of(a, sf, row->name);
        size_t vlen = 0;
        const char *value = term >= 0 ? term_value(r, &r->terms.items[term], &vlen) : "";
        char label[80];
        snprintf(label, sizeof label, "set %s", row->name);
        return schema_form_edit_open(a, sf, 0, row->name, label, value, vlen, false);
    }
    }
}

unsigned schema_form_action(struct app *a, struct schema_form *sf, enum action act, bool *handled)
{
    schema_form_refresh(a, sf, false);
    struct field *fld = form_current(&sf->form);
    *handled = true;
    bool mine = fld && (fld->id == SF_ROW_TAG || fld->id == SF_ROW_UNKNOWN);
    if (mine && fld->type == FIELD_CHOICE && (act == ACT_LEFT || act == ACT_RIGHT))
        return cycle(a, sf, fld, act == ACT_LEFT ? -1 : 1);
    unsigned d = form_move(&sf->form, act);
    if (d)
        return d;
    if (!mine) {
        *handled = false;
        return 0;
    }
    switch (act) {
    case ACT_ACTIVATE:
        return activate(a, sf, fld);
    case ACT_TOGGLE:
        if (fld->type == FIELD_CHOICE)
            return cycle(a, sf, fld, 1);
        if (fld->type == FIELD_CHECKS)
            return toggle_box(a, sf, fld, sf->form.sub);
        return activate(a, sf, fld);
    case ACT_DELETE: {
        if (fld->id == SF_ROW_UNKNOWN) {
            /* By its place: a repeated copy goes, not the first one. */
            diag_list_reset(&sf->why);
            if (!drafts_term_remove(&a->drafts, sf->slot, (size_t)fld->sub, &sf->why))
                return app_edit_refused(a, &sf->why, "the tag could not be removed");
            return app_draft_changed(a);
        }
        const struct schema_tag *row = schema_form_tag_of(sf, fld);
        return row ? tag_remove(a, sf, row->name) : 0;
    }
    default:
        *handled = false;
        return 0;
    }
}

unsigned schema_form_click(struct app *a, struct schema_form *sf, int y, int x, bool *handled)
{
    *handled = false;
    if (sf->form.editing)
        return 0;
    schema_form_refresh(a, sf, false);
    int choice;
    if (!form_click(&sf->form, y, x, &choice))
        return 0;
    *handled = true;
    struct field *fld = form_current(&sf->form);
    if (!fld || fld->id != SF_ROW_TAG || choice < 0)
        return DIRTY_FOCUS;
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    if (fld->type == FIELD_CHOICE && row) /* a click on the set choice unsets it */
        return choose(a, sf, row,
                      fld->value == choice && !fld->dim && !row->required ? -1 : choice);
    if (fld->type == FIELD_CHECKS)
        return toggle_box(a, sf, fld, choice);
    return DIRTY_FOCUS;
}

/* ---------------------------------------------------------------------- */
/* The in-place editor: previews while valid, says why while not.         */

unsigned schema_form_edit_open(struct app *a, struct schema_form *sf, int own, const char *tag,
                               const char *label, const char *text, size_t len, bool is_new)
{
    sf->edit_own = own;
    snprintf(sf->edit_tag, sizeof sf->edit_tag, "%s", tag ? tag : "");
    sf->pending = false;
    sf->edit_valid = true;
    sf->closing = false;
    /* No label: not a change of the draft's text (a name), no group. */
    form_edit_open(a, &sf->form, label ? (int)sf->slot : -1, label, text, len, is_new);
    return DIRTY_FOCUS;
}

/* Check the editor's text with the core; when apply and it is valid, make
 * it the draft's value (the Record pane previews it).  Sets the message
 * under the field.  Returns whether the text is acceptable. */
static bool edit_try(struct app *a, struct schema_form *sf, bool apply, unsigned *dirty)
{
    size_t len;
    const char *text = lineedit_text(&sf->form.edit, &len);
    diag_list_reset(&sf->why);
    bool ok;
    if (sf->edit_own) {
        ok = sf->hooks && sf->hooks->edit_apply &&
             sf->hooks->edit_apply(a, sf, text, len, apply, &sf->why);
        if (ok && apply)
            *dirty |= app_draft_changed(a);
    } else if (len == 0) {
        /* Emptied: the tag is unset (receivers assume the default). */
        const struct schema_tag *row =
            schema_find(form_kind(sf), sf->edit_tag, strlen(sf->edit_tag));
        ok = !(row && row->required);
        if (!ok)
            diag_add(&sf->why, RULE_INPUT_EMPTY, 0, 0, "%s is required: it cannot be empty",
                     sf->edit_tag);
        if (ok && apply && schema_form_term_of(a, sf, sf->edit_tag) >= 0) {
            ok = drafts_tag_remove(&a->drafts, sf->slot, sf->edit_tag, &sf->why);
            if (ok)
                *dirty |= app_draft_changed(a);
        }
    } else {
        ok = schema_check_value(form_kind(sf), sf->edit_tag, text, len, &sf->why);
        if (ok && apply) {
            diag_list_reset(&sf->why);
            ok = drafts_tag_set(&a->drafts, sf->slot, sf->edit_tag, text, len, &sf->why);
            if (ok)
                *dirty |= app_draft_changed(a);
        }
    }
    sf->edit_valid = ok;
    int sev = ok ? (sf->why.count ? DIAG_WARNING : -1) : DIAG_ERROR;
    form_edit_message(&sf->form, sev,
                      ok ? (sf->why.count ? app_why_text(&sf->why, "") : "")
                         : app_why_text(&sf->why, "this value is not valid"));
    if (!ok && len)
        /* The record keeps the last valid value; say so beside the reason. */
        strbuf_puts(&sf->form.edit_msg, " (the record keeps the last valid value)");
    *dirty |= DIRTY_COMPOSE | DIRTY_EXPLAIN;
    return ok;
}

unsigned schema_form_flush(struct app *a, struct schema_form *sf)
{
    unsigned d = 0;
    if (!sf->pending || !sf->form.editing)
        return 0;
    sf->pending = false;
    edit_try(a, sf, true, &d);
    return d;
}

bool schema_form_edit_check(struct app *a, struct schema_form *sf, struct strbuf *why)
{
    unsigned d = 0;
    if (sf->pending)
        schema_form_flush(a, sf);
    bool ok = edit_try(a, sf, false, &d);
    a->dirty |= d;
    if (!ok && why)
        strbuf_puts(why, app_why_text(&sf->why, "the value is not valid"));
    return ok;
}

unsigned schema_form_edit_end(struct app *a, struct schema_form *sf, bool keep)
{
    if (!sf->form.editing)
        return 0;
    unsigned d = 0;
    sf->closing = true;
    if (keep && (sf->pending || sf->edit_own)) {
        sf->pending = false;
        edit_try(a, sf, true, &d);
    }
    sf->pending = false;
    sf->closing = false;
    return d | form_edit_close(a, &sf->form, keep) | (DIRTY_ALL & ~DIRTY_LAYOUT);
}

unsigned schema_form_edit_key(struct app *a, struct schema_form *sf, int key, bool fkey, bool more,
                              bool *handled)
{
    struct form *f = &sf->form;
    enum lineedit_result r = lineedit_key(&f->edit, key, fkey, more);
    *handled = true;
    unsigned d = 0;
    switch (r) {
    case LINEEDIT_CHANGED:
        sf->pending = true; /* given to the core at the end of the input batch */
        return DIRTY_COMPOSE;
    case LINEEDIT_MOVED:
        return DIRTY_COMPOSE;
    case LINEEDIT_SUBMIT:
        sf->pending = false;
        sf->closing = true;
        if (!edit_try(a, sf, true, &d)) {
            sf->closing = false;
            return d; /* stays open: the message says why */
        }
        return d | schema_form_edit_end(a, sf, true);
    case LINEEDIT_CANCEL:
        return schema_form_edit_end(a, sf, false);
    case LINEEDIT_UNHANDLED:
        break;
    }
    /* Tab, arrows, Ctrl-S ...: the app leaves the field (asking first when
     * the value is not valid), then acts on the key. */
    *handled = false;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Explain, position, go to                                               */

bool schema_form_explain(struct app *a, struct schema_form *sf, struct explain *out)
{
    schema_form_refresh(a, sf, false);
    struct field *fld = form_current(&sf->form);
    if (!fld || (fld->id != SF_ROW_TAG && fld->id != SF_ROW_UNKNOWN))
        return false;
    const struct record *r = schema_form_record(a, sf);
    out->help_id = fld->help_id;
    out->value_id = fld->value_id;
    if (fld->id == SF_ROW_UNKNOWN) {
        if ((size_t)fld->sub < r->terms.count)
            record_describe_term(r, (size_t)fld->sub, &out->here);
        return true;
    }
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    long term = row ? schema_form_term_of(a, sf, row->name) : -1;
    if (term >= 0)
        record_describe_term(r, (size_t)term, &out->here);
    else if (row)
        strbuf_printf(&out->note, "Not set: receivers assume %s.",
                      row->default_text ? row->default_text : "nothing");
    if (row && row->value == SCHEMA_VALUE_FLAGS) {
        /* The value set, member by member (not the box under the cursor). */
        out->value_id = NULL;
        bool first = true;
        for (int k = 0; k < fld->nchoices && fld->value >= 0; k++) {
            if (!(fld->value & (1 << k)))
                continue;
            if (out->note.len && first)
                strbuf_putc(&out->note, ' ');
            strbuf_printf(&out->note, "%s%s", first ? "Set: " : "; ", row->choices[k].label);
            first = false;
        }
        if (!first)
            strbuf_putc(&out->note, '.');
    }
    if (row && row->status != SCHEMA_STATUS_CURRENT) {
        if (out->note.len)
            strbuf_putc(&out->note, ' ');
        strbuf_printf(&out->note, "Status: %s (%s).", schema_status_name(row->status),
                      row->section);
    }
    return true;
}

bool schema_form_goto(struct app *a, struct schema_form *sf, size_t start)
{
    schema_form_refresh(a, sf, false);
    struct form *f = &sf->form;
    for (size_t i = 0; i < f->count; i++) {
        const struct field *fld = &f->fields[i];
        if (fld->has_span && start >= fld->span_start &&
            (start < fld->span_end || start == fld->span_start) && form_focus(f, fld->id, fld->sub))
            return true;
    }
    return false;
}

bool schema_form_position(struct app *a, struct schema_form *sf, struct strbuf *out)
{
    (void)a;
    struct field *fld = form_current(&sf->form);
    if (!fld)
        return false;
    if (fld->id == SF_ROW_UNKNOWN) {
        strbuf_puts(out, "unknown tag");
        return true;
    }
    const struct schema_tag *row = schema_form_tag_of(sf, fld);
    if (!row)
        return false;
    strbuf_puts(out, row->name);
    return true;
}
