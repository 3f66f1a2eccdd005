/* Modal dialogs drawn over the panes: a question answered with one key,
 * a small form of one-line fields, a list to pick from, and a big box to
 * paste a key or a signature into.  One at a time; the callback decides
 * whether the answer is accepted (and may open the next dialog). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tui_app.h"

static unsigned dialog_generation;

void dialog_init(struct dialog *d)
{
    memset(d, 0, sizeof *d);
    strbuf_init(&d->text);
    strbuf_init(&d->error);
    for (int i = 0; i < DIALOG_MAX_FIELDS; i++)
        lineedit_init(&d->fields[i], false);
}

void dialog_free(struct dialog *d)
{
    strbuf_free(&d->text);
    strbuf_free(&d->error);
    for (int i = 0; i < DIALOG_MAX_FIELDS; i++)
        lineedit_free(&d->fields[i]);
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static struct dialog *dialog_start(struct app *a, enum dialog_kind kind, const char *title,
                                   const char *text, dialog_done_fn done, void *ctx)
{
    struct dialog *d = &a->dialog;
    dialog_generation++;
    d->kind = kind;
    copy_str(d->title, sizeof d->title, title);
    strbuf_reset(&d->text);
    strbuf_puts(&d->text, text ? text : "");
    strbuf_reset(&d->error);
    d->answers[0] = '\0';
    d->answer_help[0] = '\0';
    d->nfields = d->field = 0;
    d->nitems = d->item = d->item_top = 0;
    d->typed[0] = '\0';
    d->done = done;
    d->ctx = ctx;
    a->dirty |= DIRTY_OVERLAY | DIRTY_STATUS;
    return d;
}

void dialog_question(struct app *a, const char *title, const char *text, const char *answers,
                     const char *answer_help, dialog_done_fn done, void *ctx)
{
    struct dialog *d = dialog_start(a, DIALOG_QUESTION, title, text, done, ctx);
    copy_str(d->answers, sizeof d->answers, answers);
    copy_str(d->answer_help, sizeof d->answer_help, answer_help);
}

void dialog_form(struct app *a, const char *title, const char *text, int nfields,
                 const char *const *labels, const char *const *values, dialog_done_fn done,
                 void *ctx)
{
    struct dialog *d = dialog_start(a, DIALOG_FORM, title, text, done, ctx);
    if (nfields > DIALOG_MAX_FIELDS)
        nfields = DIALOG_MAX_FIELDS;
    d->nfields = nfields;
    for (int i = 0; i < nfields; i++) {
        copy_str(d->labels[i], sizeof d->labels[i], labels[i]);
        d->fields[i].multiline = false;
        lineedit_set(&d->fields[i], values[i] ? values[i] : "", values[i] ? strlen(values[i]) : 0);
    }
    copy_str(d->answer_help, sizeof d->answer_help,
             nfields > 1 ? "Enter OK  Tab next field  Esc cancel" : "Enter OK  Esc cancel");
}

void dialog_paste(struct app *a, const char *title, const char *text, const char *initial,
                  dialog_done_fn done, void *ctx)
{
    struct dialog *d = dialog_start(a, DIALOG_PASTE, title, text, done, ctx);
    d->nfields = 1;
    d->fields[0].multiline = true;
    lineedit_set(&d->fields[0], initial ? initial : "", initial ? strlen(initial) : 0);
    copy_str(d->answer_help, sizeof d->answer_help,
             "paste (line breaks are kept), then Enter  ^U clear  Esc cancel");
}

void dialog_pick(struct app *a, const char *title, const char *const *items,
                 const char *const *notes, int nitems, dialog_done_fn done, void *ctx)
{
    struct dialog *d = dialog_start(a, DIALOG_PICK, title, NULL, done, ctx);
    if (nitems > DIALOG_MAX_CHOICES)
        nitems = DIALOG_MAX_CHOICES;
    d->nitems = nitems;
    for (int i = 0; i < nitems; i++) {
        d->items[i] = items[i];
        d->item_notes[i] = notes ? notes[i] : NULL;
    }
    copy_str(d->answer_help, sizeof d->answer_help, "Enter choose  Up/Down move  Esc cancel");
}

const char *dialog_field(struct app *a, int i, size_t *len)
{
    if (i < 0 || i >= a->dialog.nfields) {
        if (len)
            *len = 0;
        return "";
    }
    return lineedit_text(&a->dialog.fields[i], len);
}

void dialog_set_error(struct app *a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    strbuf_reset(&a->dialog.error);
    strbuf_puts(&a->dialog.error, buf);
    a->dirty |= DIRTY_OVERLAY;
}

bool dialog_open(const struct app *a) { return a->dialog.kind != DIALOG_NONE; }

/* End the dialog with an answer: the callback may refuse it (the dialog
 * stays) or open another dialog (which then stays). */
static unsigned finish(struct app *a, int choice)
{
    struct dialog *d = &a->dialog;
    unsigned gen = dialog_generation;
    bool accepted = d->done ? d->done(a, choice, d->ctx) : true;
    if (choice < 0)
        accepted = true; /* cancelling always closes */
    if (accepted && gen == dialog_generation)
        d->kind = DIALOG_NONE;
    return DIRTY_ALL & ~DIRTY_LAYOUT;
}

static int fold(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

unsigned dialog_key(struct app *a, int key, bool fkey, bool more)
{
    struct dialog *d = &a->dialog;
    bool in_paste = d->nfields && d->fields[d->field].in_paste;
    /* The dialog's keys come from the key table (KEYMAP_DIALOG); inside a
     * paste nothing is a key. */
    enum action act = in_paste ? ACT_NONE : keys_lookup(KEYMAP_DIALOG, key, fkey);
    if (act == ACT_CLOSE)
        return finish(a, -1);
    switch (d->kind) {
    case DIALOG_QUESTION:
        if (!fkey && key < 128)
            for (const char *p = d->answers; *p; p++)
                if (fold(key) == *p)
                    return finish(a, *p);
        return 0;
    case DIALOG_PICK:
        switch (act) {
        case ACT_ACTIVATE:
            return finish(a, d->item);
        case ACT_UP:
        case ACT_PREV:
            if (d->item > 0)
                d->item--;
            return DIRTY_OVERLAY;
        case ACT_DOWN:
        case ACT_NEXT:
            if (d->item + 1 < d->nitems)
                d->item++;
            return DIRTY_OVERLAY;
        case ACT_HOME:
            d->item = 0;
            return DIRTY_OVERLAY;
        case ACT_END:
            d->item = d->nitems - 1;
            return DIRTY_OVERLAY;
        default:
            break;
        }
        if (!fkey && key > ' ' && key < 127) {
            /* Type-ahead: the first item starting with the letters typed
             * ("i" ip4, "in" include); a letter that fits none starts over. */
            size_t n = strlen(d->typed);
            for (int pass = 0; pass < 2; pass++) {
                if (n + 1 < sizeof d->typed) {
                    d->typed[n] = (char)fold(key);
                    d->typed[n + 1] = '\0';
                }
                for (int i = 0; i < d->nitems; i++) {
                    size_t k = 0;
                    while (d->typed[k] && fold((unsigned char)d->items[i][k]) == d->typed[k])
                        k++;
                    if (!d->typed[k]) {
                        d->item = i;
                        return DIRTY_OVERLAY;
                    }
                }
                n = 0;
            }
            d->typed[0] = '\0';
        }
        return DIRTY_OVERLAY;
    case DIALOG_FORM:
        if ((act == ACT_NEXT && !more) || act == ACT_DOWN) {
            d->field = (d->field + 1) % d->nfields;
            return DIRTY_OVERLAY;
        }
        if (act == ACT_UP || act == ACT_PREV) {
            d->field = (d->field + d->nfields - 1) % d->nfields;
            return DIRTY_OVERLAY;
        }
        /* the focused field edits the key */
        /* fall through */
    case DIALOG_PASTE: {
        enum lineedit_result r = lineedit_key(&d->fields[d->field], key, fkey, more);
        if (r == LINEEDIT_SUBMIT)
            return finish(a, 1);
        if (r == LINEEDIT_CANCEL)
            return finish(a, -1);
        if (r == LINEEDIT_CHANGED)
            strbuf_reset(&d->error);
        return DIRTY_OVERLAY;
    }
    case DIALOG_NONE:
        break;
    }
    return 0;
}

bool dialog_paste_text(struct app *a, const char *text, size_t len)
{
    struct dialog *d = &a->dialog;
    if ((d->kind != DIALOG_FORM && d->kind != DIALOG_PASTE) || d->nfields == 0)
        return false;
    if (!lineedit_paste(&d->fields[d->field], text, len))
        dialog_set_error(a, "the paste did not all fit (at most %u bytes)", LINEEDIT_MAX);
    else
        strbuf_reset(&d->error);
    a->dirty |= DIRTY_OVERLAY;
    return true;
}

/* Geometry of the dialog window of the last draw (for clicks). */
static int dlg_y, dlg_x, dlg_items_y;

void dialog_draw(struct app *a)
{
    struct dialog *d = &a->dialog;
    int lines = a->layout.lines, cols = a->layout.cols;
    int width = cols - 8 < 76 ? cols - 8 : 76;
    if (d->kind == DIALOG_PASTE)
        width = cols - 6;
    if (width < 30)
        width = cols;
    int inner = width - 4;
    size_t starts[8];
    size_t nlines = draw_wrap(strbuf_cstr(&d->text), d->text.len, inner, true, starts, 8);
    if (nlines > 6)
        nlines = 6;
    if (d->text.len == 0)
        nlines = 0;
    int body = 0;
    switch (d->kind) {
    case DIALOG_QUESTION: body = 0; break;
    case DIALOG_FORM: body = d->nfields * 2; break;
    case DIALOG_PICK: body = d->nitems < 12 ? d->nitems : 12; break;
    case DIALOG_PASTE: body = lines - 12 > 14 ? 14 : lines - 12; break;
    case DIALOG_NONE: return;
    }
    if (body < 0)
        body = 0;
    int extra = (d->kind == DIALOG_FORM || d->kind == DIALOG_PASTE) ? 1 : 0; /* error row */
    int height = 2 + (int)nlines + (nlines ? 1 : 0) + body + (body ? 1 : 0) + extra + 1;
    if (height > lines)
        height = lines;
    dlg_y = (lines - height) / 2;
    dlg_x = (cols - width) / 2;
    if (a->win_overlay)
        delwin(a->win_overlay);
    a->win_overlay = term_window(height, width, dlg_y, dlg_x);
    WINDOW *w = a->win_overlay;
    if (!w)
        return;
    werase(w);
    term_frame(w, ROLE_BORDER_FOCUS);
    draw_str(w, 0, 2, width - 4, " ", A_NORMAL);
    int tw = draw_str(w, 0, 3, width - 6, d->title, term_attr(ROLE_PANE_TITLE));
    draw_str(w, 0, 3 + tw, 1, " ", A_NORMAL);
    int y = 1;
    const char *text = strbuf_cstr(&d->text);
    for (size_t i = 0; i < nlines; i++, y++) {
        size_t end = i + 1 < nlines ? starts[i + 1] : d->text.len;
        if (end > starts[i] && text[end - 1] == '\n')
            end--;
        draw_line(w, y, 2, inner, text, starts[i], end, term_attr(ROLE_NORMAL), NULL, 0);
    }
    if (nlines)
        y++;
    if (d->kind == DIALOG_FORM) {
        int lw = 0;
        for (int i = 0; i < d->nfields; i++)
            if (draw_str_width(d->labels[i]) > lw)
                lw = draw_str_width(d->labels[i]);
        for (int i = 0; i < d->nfields; i++, y += 2) {
            draw_str(w, y, 2, lw, d->labels[i], term_attr(ROLE_LABEL));
            lineedit_draw(&d->fields[i], w, y, 3 + lw, inner - lw - 1,
                          i == d->field ? term_attr(ROLE_EDIT) : term_attr(ROLE_VALUE),
                          i == d->field);
        }
    } else if (d->kind == DIALOG_PASTE) {
        lineedit_draw_wrapped(&d->fields[0], w, y, 2, inner, body, term_attr(ROLE_EDIT), true);
        y += body + 1;
    } else if (d->kind == DIALOG_PICK) {
        if (d->item < d->item_top)
            d->item_top = d->item;
        if (d->item >= d->item_top + body)
            d->item_top = d->item - body + 1;
        dlg_items_y = y;
        for (int r = 0; r < body && d->item_top + r < d->nitems; r++) {
            int i = d->item_top + r;
            attr_t at = i == d->item ? term_attr(ROLE_SELECTED) : term_attr(ROLE_NORMAL);
            draw_fill(w, y + r, 2, inner, at);
            int used = draw_str(w, y + r, 3, 14, d->items[i], i == d->item ? at : term_attr(ROLE_LABEL));
            (void)used;
            if (d->item_notes[i])
                draw_str(w, y + r, 18, inner - 17, d->item_notes[i],
                         i == d->item ? at : term_attr(ROLE_DIM));
        }
        y += body + 1;
    }
    if (d->error.len)
        draw_text(w, height - 3, 2, inner, d->error.data, d->error.len,
                  term_attr(ROLE_ERROR), NULL, 0);
    draw_str(w, height - 2, 2, inner, d->answer_help, term_attr(ROLE_DIM));
    wnoutrefresh(w);
}

bool dialog_click(struct app *a, int y, int x)
{
    struct dialog *d = &a->dialog;
    (void)x;
    if (d->kind != DIALOG_PICK)
        return false;
    int i = y - dlg_y - dlg_items_y + d->item_top;
    if (i < 0 || i >= d->nitems)
        return false;
    if (i == d->item) {
        finish(a, i);
        return true;
    }
    d->item = i;
    return true;
}
