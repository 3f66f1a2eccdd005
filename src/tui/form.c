/* The form engine of the Compose pane: rows of text fields, choices,
 * check boxes and buttons that a tab rebuilds from its model after every
 * change; focus, scrolling, in-place editing and mouse hit-testing are
 * done here once for every tab. */
#include <stdlib.h>
#include <string.h>

#include "tui_app.h"

void form_init(struct form *f)
{
    memset(f, 0, sizeof *f);
    strbuf_init(&f->store);
    lineedit_init(&f->edit, false);
    strbuf_init(&f->edit_orig);
    strbuf_init(&f->edit_msg);
    strbuf_init(&f->edit_before);
    f->edit_msg_sev = -1;
    f->edit_slot = -1;
}

void form_free(struct form *f)
{
    free(f->fields);
    strbuf_free(&f->store);
    lineedit_free(&f->edit);
    strbuf_free(&f->edit_orig);
    strbuf_free(&f->edit_msg);
    strbuf_free(&f->edit_before);
    memset(f, 0, sizeof *f);
}

void form_begin(struct form *f)
{
    f->count = 0;
    strbuf_reset(&f->store);
}

struct field *form_add(struct form *f, enum field_type type, int id, int sub, const char *label)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        if (cap > 20000)
            return NULL;
        struct field *p = realloc(f->fields, cap * sizeof *p);
        if (!p)
            return NULL;
        f->fields = p;
        f->cap = cap;
    }
    struct field *fld = &f->fields[f->count++];
    memset(fld, 0, sizeof *fld);
    fld->type = type;
    fld->id = id;
    fld->sub = sub;
    fld->value = -1;
    fld->def = -1;
    fld->severity = -1;
    if (label) {
        size_t n = strlen(label);
        if (n >= sizeof fld->label)
            n = sizeof fld->label - 1;
        memcpy(fld->label, label, n);
        fld->label[n] = '\0';
    }
    return fld;
}

void form_set_text(struct form *f, struct field *fld, const char *text, size_t len)
{
    fld->text_off = f->store.len;
    strbuf_append(&f->store, text ? text : "", text ? len : 0);
    fld->text_len = f->store.len - fld->text_off;
}

void form_set_hint(struct form *f, struct field *fld, const char *hint)
{
    fld->hint_off = f->store.len;
    strbuf_puts(&f->store, hint ? hint : "");
    fld->hint_len = f->store.len - fld->hint_off;
}

const char *form_text(const struct form *f, const struct field *fld, size_t *len)
{
    if (len)
        *len = fld->text_len;
    return strbuf_cstr(&f->store) + fld->text_off;
}

static const char *form_hint(const struct form *f, const struct field *fld, size_t *len)
{
    *len = fld->hint_len;
    return strbuf_cstr(&f->store) + fld->hint_off;
}

static bool focusable(const struct field *fld)
{
    return fld->type != FIELD_HEADING && fld->type != FIELD_INFO;
}

/* The focusable row nearest to i, looking in direction dir first. */
static size_t nearest_focusable(const struct form *f, size_t i, int dir)
{
    if (!f->count)
        return 0;
    if (i >= f->count)
        i = f->count - 1;
    for (size_t k = i; k < f->count; k = dir > 0 ? k + 1 : k - 1) {
        if (focusable(&f->fields[k]))
            return k;
        if (dir < 0 && k == 0)
            break;
    }
    for (size_t k = i; k < f->count; k = dir > 0 ? k - 1 : k + 1) {
        if (focusable(&f->fields[k]))
            return k;
        if (dir > 0 && k == 0)
            break;
    }
    return i;
}

void form_end(struct form *f, int keep_id, int keep_sub)
{
    if (form_focus(f, keep_id, keep_sub))
        return;
    f->sel = nearest_focusable(f, f->sel, -1);
}

struct field *form_current(struct form *f)
{
    return f->sel < f->count ? &f->fields[f->sel] : NULL;
}

bool form_focus(struct form *f, int id, int sub)
{
    for (size_t i = 0; i < f->count; i++) {
        if (f->fields[i].id == id && f->fields[i].sub == sub && focusable(&f->fields[i])) {
            if (f->sel != i)
                f->sub = 0;
            f->sel = i;
            return true;
        }
    }
    return false;
}

static size_t step(const struct form *f, size_t from, int dir)
{
    size_t i = from;
    for (;;) {
        if (dir < 0 && i == 0)
            return from;
        i = dir < 0 ? i - 1 : i + 1;
        if (i >= f->count)
            return from;
        if (focusable(&f->fields[i]))
            return i;
    }
}

unsigned form_move(struct form *f, enum action act)
{
    size_t old = f->sel;
    int page = f->rows_shown > 2 ? f->rows_shown - 1 : 1;
    switch (act) {
    case ACT_UP:
    case ACT_PREV:
        f->sel = step(f, f->sel, -1);
        if (f->sel == old && f->top > 0)
            f->top = 0; /* show the headings above the first field */
        break;
    case ACT_DOWN:
    case ACT_NEXT:
        f->sel = step(f, f->sel, 1);
        break;
    case ACT_PAGE_UP:
        for (int k = 0; k < page; k++)
            f->sel = step(f, f->sel, -1);
        break;
    case ACT_PAGE_DOWN:
        for (int k = 0; k < page; k++)
            f->sel = step(f, f->sel, 1);
        break;
    case ACT_HOME:
        f->sel = nearest_focusable(f, 0, 1);
        f->top = 0;
        break;
    case ACT_END:
        f->sel = nearest_focusable(f, f->count ? f->count - 1 : 0, -1);
        break;
    case ACT_LEFT:
    case ACT_RIGHT: {
        struct field *fld = form_current(f);
        if (!fld || fld->type != FIELD_CHECKS)
            return 0;
        int n = fld->nchoices;
        if (n > 0)
            f->sub = (f->sub + (act == ACT_LEFT ? n - 1 : 1)) % n;
        return DIRTY_COMPOSE | DIRTY_EXPLAIN;
    }
    default:
        return 0;
    }
    if (f->sel != old)
        f->sub = 0;
    return DIRTY_FOCUS;
}

/* ---------------------------------------------------------------------- */

static void add_hit(struct form *f, int row, int x0, int x1, size_t field, int choice)
{
    if (f->nhits < sizeof f->hits / sizeof f->hits[0]) {
        f->hits[f->nhits].row = row;
        f->hits[f->nhits].x0 = x0;
        f->hits[f->nhits].x1 = x1;
        f->hits[f->nhits].field = field;
        f->hits[f->nhits].choice = choice;
        f->nhits++;
    }
}

static int label_width(const struct form *f)
{
    int w = 2;
    for (size_t i = 0; i < f->count; i++) {
        const struct field *fld = &f->fields[i];
        if (fld->type == FIELD_HEADING || fld->type == FIELD_INFO || fld->type == FIELD_BUTTON)
            continue;
        int lw = draw_str_width(fld->label);
        if (lw > w)
            w = lw;
    }
    return w > 12 ? 12 : w;
}

static attr_t severity_attr(int sev)
{
    return sev >= DIAG_ERROR ? term_attr(ROLE_ERROR) : term_attr(ROLE_WARNING);
}

/* One row.  Returns nothing; records hit boxes. */
static void draw_row(struct form *f, size_t i, WINDOW *w, int y, int x, int cols, int lw,
                     bool focused_pane)
{
    struct field *fld = &f->fields[i];
    /* The row being edited shows the editor, not the selection bar. */
    bool sel = focused_pane && i == f->sel && !f->editing;
    attr_t base = sel ? term_attr(ROLE_SELECTED) : term_attr(ROLE_NORMAL);
    draw_fill(w, y, x, cols, base);
    if (fld->type == FIELD_HEADING) {
        attr_t h = term_attr(ROLE_HEADING);
        int used = draw_str(w, y, x, cols, fld->label, h);
        if (used + 2 < cols)
            term_hline(w, y, x + used + 1, cols - used - 1, ROLE_BORDER);
        return;
    }
    if (fld->type == FIELD_INFO) {
        size_t len;
        const char *t = form_text(f, fld, &len);
        attr_t a = fld->severity >= DIAG_WARNING ? severity_attr(fld->severity)
                   : fld->good                   ? term_attr(ROLE_GOOD)
                   : fld->dim                    ? term_attr(ROLE_DIM)
                                                 : term_attr(ROLE_NORMAL);
        int col = 0;
        if (fld->label[0]) {
            col = draw_str(w, y, x + 2, lw, fld->label, term_attr(ROLE_DIM)) + 3;
            if (col < lw + 3)
                col = lw + 3;
        } else {
            col = lw + 3; /* under the values */
        }
        draw_text(w, y, x + col, cols - col, t, len, a, NULL, 0);
        return;
    }
    /* Severity marker, qualifier, label. */
    if (fld->severity >= DIAG_WARNING)
        draw_str(w, y, x, 1, "!", sel ? base : severity_attr(fld->severity));
    if (fld->qual)
        mvwaddch(w, y, x + 1, (chtype)(unsigned char)fld->qual | (sel ? base : A_BOLD));
    int col = 2;
    if (fld->type == FIELD_BUTTON) {
        if (f->editing && i == f->sel) {
            /* A button that adds a value ("+ add an address") becomes its
             * input row: visible whatever the text, valid or not. */
            int ex = col + lw + 1;
            draw_str(w, y, x + col, lw, "+", term_attr(ROLE_LABEL));
            if (cols - ex > 0)
                lineedit_draw(&f->edit, w, y, x + ex, cols - ex, term_attr(ROLE_EDIT), true);
            return;
        }
        draw_str(w, y, x + col, cols - col, fld->label, sel ? base : term_attr(ROLE_DIM));
        add_hit(f, y, x, x + cols, i, -1);
        return;
    }
    attr_t label_attr = sel               ? base
                        : fld->obsolete   ? term_attr(ROLE_DIM)
                        : fld->severity >= DIAG_ERROR ? term_attr(ROLE_ERROR)
                                                      : term_attr(ROLE_LABEL);
    draw_str(w, y, x + col, lw, fld->label, label_attr);
    col += lw + 1;
    int right_w = fld->right[0] ? draw_str_width(fld->right) + 1 : 0;
    int avail = cols - col - right_w;
    if (right_w)
        draw_str(w, y, x + cols - right_w + 1, right_w - 1, fld->right,
                 sel ? base : term_attr(ROLE_INFO));
    add_hit(f, y, x, x + col, i, -1);
    if (avail <= 0)
        return;
    attr_t value_attr = sel ? base : fld->dim ? term_attr(ROLE_DIM) : term_attr(ROLE_VALUE);
    size_t hlen;
    const char *hint = form_hint(f, fld, &hlen);
    if (fld->type == FIELD_TEXT) {
        if (f->editing && i == f->sel) {
            lineedit_draw(&f->edit, w, y, x + col, avail, term_attr(ROLE_EDIT), true);
            return;
        }
        size_t len;
        const char *t = form_text(f, fld, &len);
        int used = 0;
        if (len)
            used = draw_text(w, y, x + col, avail, t, len, value_attr, NULL, 0);
        if (hlen && used + 2 < avail)
            draw_text(w, y, x + col + used + (used ? 2 : 0), avail - used - (used ? 2 : 0), hint,
                      hlen, sel ? base : term_attr(ROLE_DIM), NULL, 0);
        add_hit(f, y, x + col, x + cols, i, -1);
        return;
    }
    /* CHOICE and CHECKS: radio buttons or boxes, left to right. */
    int cx = col;
    for (int k = 0; k < fld->nchoices && cx < cols - right_w; k++) {
        bool on, shown_default = false;
        if (fld->type == FIELD_CHOICE) {
            on = fld->value == k;
            if (fld->value < 0 && fld->def == k)
                on = shown_default = true;
        } else {
            on = (fld->value >= 0) && (fld->value & (1 << k));
        }
        const char *mark = fld->type == FIELD_CHOICE
                               ? term_glyph(on ? GLYPH_RADIO_ON : GLYPH_RADIO_OFF)
                               : term_glyph(on ? GLYPH_BOX_ON : GLYPH_BOX_OFF);
        attr_t a = sel ? base : shown_default || fld->dim ? term_attr(ROLE_DIM)
                          : on ? term_attr(ROLE_VALUE) | A_BOLD
                               : term_attr(ROLE_NORMAL);
        if (sel && fld->type == FIELD_CHECKS && f->sub == k)
            a = (base ^ A_REVERSE) | A_UNDERLINE;
        int x0 = cx;
        cx += draw_str(w, y, x + cx, cols - right_w - cx, mark, a);
        cx += draw_str(w, y, x + cx, cols - right_w - cx, fld->choices[k], a);
        add_hit(f, y, x + x0, x + cx, i, k);
        cx += 1;
    }
    if (hlen && cx + 1 < cols - right_w)
        draw_text(w, y, x + cx + 1, cols - right_w - cx - 1, hint, hlen,
                  sel ? base : term_attr(ROLE_DIM), NULL, 0);
}

void form_draw(struct form *f, WINDOW *w, int y, int x, int rows, int cols, bool focused)
{
    f->nhits = 0;
    f->origin_y = y;
    f->origin_x = x;
    if (rows <= 0 || cols <= 4)
        return;
    bool msg = f->editing && f->edit_msg.len > 0;
    int view = rows - (msg ? 1 : 0);
    if (view < 1)
        view = 1;
    f->rows_shown = view;
    if ((int)f->sel < f->top)
        f->top = (int)f->sel;
    if ((int)f->sel >= f->top + view)
        f->top = (int)f->sel - view + 1;
    /* Keep a heading with the first field under it. */
    if (f->top > 0 && f->fields[f->top - 1].type == FIELD_HEADING && (int)f->sel < f->top + view - 1)
        f->top--;
    if (f->top < 0)
        f->top = 0;
    int lw = label_width(f);
    int r = 0;
    for (size_t i = (size_t)f->top; i < f->count && r < rows; i++) {
        draw_row(f, i, w, y + r, x, cols, lw, focused || f->editing);
        r++;
        if (msg && i == f->sel && r < rows) {
            attr_t a = f->edit_msg_sev >= DIAG_ERROR     ? term_attr(ROLE_ERROR)
                       : f->edit_msg_sev >= DIAG_WARNING ? term_attr(ROLE_WARNING)
                                                         : term_attr(ROLE_DIM);
            draw_fill(w, y + r, x, cols, A_NORMAL);
            draw_text(w, y + r, x + lw + 3, cols - lw - 3, f->edit_msg.data, f->edit_msg.len, a,
                      NULL, 0);
            r++;
        }
    }
    if (f->top > 0)
        draw_str(w, y, x + cols - 1, 1, term_glyph(GLYPH_MORE_UP), term_attr(ROLE_DIM));
    if ((size_t)f->top + (size_t)view < f->count)
        draw_str(w, y + rows - 1, x + cols - 1, 1, term_glyph(GLYPH_MORE_DOWN),
                 term_attr(ROLE_DIM));
}

bool form_click(struct form *f, int y, int x, int *choice)
{
    *choice = -1;
    bool found = false;
    for (size_t k = 0; k < f->nhits; k++) {
        if (f->hits[k].row != y || x < f->hits[k].x0 || x >= f->hits[k].x1)
            continue;
        if (f->sel != f->hits[k].field)
            f->sub = 0;
        f->sel = f->hits[k].field;
        if (f->hits[k].choice >= 0) {
            *choice = f->hits[k].choice;
            f->sub = *choice;
        }
        found = true;
        if (*choice >= 0)
            break;
    }
    return found;
}

void form_edit_start(struct form *f, const char *text, size_t len, bool is_new)
{
    struct field *fld = form_current(f);
    f->edit.multiline = fld && fld->multiline;
    lineedit_set(&f->edit, text, len);
    strbuf_reset(&f->edit_orig);
    strbuf_append(&f->edit_orig, text, len);
    strbuf_reset(&f->edit_msg);
    f->edit_msg_sev = -1;
    f->editing = true;
    f->edit_is_new = is_new;
}

void form_edit_stop(struct form *f)
{
    f->editing = false;
    f->edit_is_new = false;
    strbuf_reset(&f->edit_msg);
}

void form_edit_message(struct form *f, int severity, const char *msg)
{
    strbuf_reset(&f->edit_msg);
    if (msg)
        strbuf_puts(&f->edit_msg, msg);
    f->edit_msg_sev = severity;
}

void form_edit_open(struct app *a, struct form *f, int slot, const char *label, const char *text,
                    size_t len, bool is_new)
{
    if (f->editing)
        form_edit_close(a, f, true);
    f->edit_slot = slot;
    f->edit_grouped = false;
    strbuf_reset(&f->edit_before);
    if (slot >= 0 && slot < DRAFT_COUNT) {
        const struct record *r = &a->drafts.rec[slot];
        strbuf_append(&f->edit_before, r->text ? r->text : "", r->len);
        drafts_group_begin(&a->drafts, label);
        f->edit_grouped = true;
    }
    form_edit_start(f, text, len, is_new);
}

unsigned form_edit_close(struct app *a, struct form *f, bool keep)
{
    unsigned d = DIRTY_FOCUS;
    if (f->edit_grouped) {
        f->edit_grouped = false;
        drafts_group_end(&a->drafts);
        const struct record *r = &a->drafts.rec[f->edit_slot];
        bool changed = r->len != f->edit_before.len ||
                       (r->len && memcmp(r->text, f->edit_before.data, r->len) != 0);
        /* The group is the last step when the text changed: undoing it
         * puts back the text, model and origin from before the edit. */
        if (!keep && changed)
            drafts_undo(&a->drafts, NULL);
        if (changed)
            d |= app_draft_changed(a);
    }
    form_edit_stop(f);
    f->edit_slot = -1;
    return d;
}
