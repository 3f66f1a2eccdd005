/* The application: start-up (tui_run), the layout of the panes, the
 * dispatch of keys and clicks to the help browser, dialogs, the raw
 * editor, the lint pane and the active tab, and the drawing of every pane
 * that changed, once per loop turn (wnoutrefresh + doupdate). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/check_drafts.h"
#include "authtxt/help.h"
#include "authtxt/safetext.h"
#include "authtxt/zone.h"
#include "tui_app.h"
#include "tui_live.h"

#define MESSAGE_MS 5000

static const struct tab_ops *const tab_table[TAB_COUNT] = {
    [TAB_SPF] = &spf_tab_ops,
    [TAB_DKIM] = &dkim_tab_ops,
    [TAB_DMARC] = &dmarc_tab_ops,
    [TAB_LIVE] = &live_tab_ops,
    [TAB_CHECK] = &check_tab_ops,
};

const struct tab_ops *app_tab_ops(const struct app *a, enum tab_id tab)
{
    (void)a;
    return tab_table[tab];
}

static const struct tab_ops *cur_ops(const struct app *a) { return tab_table[a->tab]; }
static void *cur_state(const struct app *a) { return a->tab_state[a->tab]; }

static unsigned copy_record_ask(struct app *a); /* y (below, with the paste) */

static const struct record *cur_record(struct app *a)
{
    const struct tab_ops *ops = cur_ops(a);
    return ops->record ? ops->record(a, cur_state(a)) : NULL;
}

/* Do the lint pane's items include the cross-record rules?  On the three
 * draft tabs (the DKIM tab's signature view says no by its record). */
static bool tab_shows_cross(struct app *a)
{
    const struct record *r = cur_record(a);
    if (!r)
        return false;
    for (int s = 0; s < DRAFT_COUNT; s++)
        if (r == &a->drafts.rec[s])
            return true;
    return false;
}

/* ---------------------------------------------------------------------- */
/* Messages and state changes                                             */

static void message_expired(void *data)
{
    struct app *a = data;
    a->message_timer = 0;
    a->message[0] = '\0';
    a->dirty |= DIRTY_STATUS;
}

void app_message(struct app *a, enum ui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_role = role;
    if (a->message_timer)
        loop_cancel_timer(&a->loop, a->message_timer);
    a->message_timer = loop_set_timer(&a->loop, MESSAGE_MS, message_expired, a);
    a->dirty |= DIRTY_STATUS;
}

void app_update_modified(struct app *a)
{
    strbuf_reset(&a->scratch);
    drafts_to_zone(&a->drafts, &a->scratch);
    bool modified = a->scratch.len != a->saved_zone.len ||
                    memcmp(strbuf_cstr(&a->scratch), strbuf_cstr(&a->saved_zone),
                           a->scratch.len) != 0;
    if (modified != a->modified)
        a->dirty |= DIRTY_TABS;
    a->modified = modified;
}

static int severity_rank(const struct diag *d) { return (int)d->severity; }

/* The drafts' spoof verdict (cross-spoof-verdict), recomputed only when
 * the drafts changed since the last time. */
static void spoof_refresh(struct app *a)
{
    if (a->spoof_gen == a->drafts_gen + 1)
        return;
    diag_list_reset(&a->spoof);
    if (!check_spoof_drafts(&a->drafts, a->drafts.now, &a->spoof))
        diag_list_reset(&a->spoof);
    a->spoof_gen = a->drafts_gen + 1;
}

/* The lint pane's list: errors first, then warnings, then notes; inside a
 * severity, the record's own diagnostics by position, then the
 * cross-record ones (the three drafts together, then the spoof verdict). */
static void lint_rebuild(struct app *a)
{
    const struct record *r = cur_record(a);
    bool cross = tab_shows_cross(a);
    if (cross)
        spoof_refresh(a);
    const struct diag_list *lists[3] = {r ? &r->diags : NULL, cross ? &a->drafts.cross : NULL,
                                        cross ? &a->spoof : NULL};
    size_t need = 0;
    for (int l = 0; l < 3; l++)
        need += lists[l] ? lists[l]->count : 0;
    if (need > a->lint_cap) {
        const struct diag **p = realloc(a->lint_items, need * sizeof *p);
        if (!p) {
            a->lint_count = 0;
            return;
        }
        a->lint_items = p;
        a->lint_cap = need;
    }
    a->lint_count = 0;
    for (int sev = DIAG_ERROR; sev >= DIAG_INFO; sev--)
        for (int l = 0; l < 3; l++)
            for (size_t i = 0; lists[l] && i < lists[l]->count; i++)
                if (severity_rank(&lists[l]->items[i]) == sev)
                    a->lint_items[a->lint_count++] = &lists[l]->items[i];
    if (a->lint_sel >= a->lint_count)
        a->lint_sel = a->lint_count ? a->lint_count - 1 : 0;
}

void app_refresh_lint(struct app *a) { lint_rebuild(a); }

bool app_lint_item_is_cross(const struct app *a, const struct diag *d)
{
    const struct diag_list *c = &a->drafts.cross, *s = &a->spoof;
    return (c->count && d >= c->items && d < c->items + c->count) ||
           (s->count && d >= s->items && d < s->items + s->count);
}

unsigned app_draft_changed(struct app *a)
{
    a->drafts_gen++;
    app_update_modified(a);
    live_drafts_changed(a);
    lint_rebuild(a);
    return DIRTY_CONTENT;
}

unsigned app_set_draft(struct app *a, enum draft_slot slot, const char *text, size_t len)
{
    if (!drafts_set_text(&a->drafts, slot, text, len))
        app_message(a, ROLE_ERROR, "out of memory");
    return app_draft_changed(a);
}

const char *app_why_text(const struct diag_list *why, const char *fallback)
{
    if (!why)
        return fallback;
    for (size_t i = 0; i < why->count; i++)
        if (why->items[i].severity == DIAG_ERROR)
            return why->items[i].message;
    return why->count ? why->items[0].message : fallback;
}

unsigned app_edit_refused(struct app *a, const struct diag_list *why, const char *fallback)
{
    app_message(a, ROLE_ERROR, "%s", app_why_text(why, fallback));
    return DIRTY_STATUS;
}

void app_reload_tabs(struct app *a)
{
    a->drafts_gen++;
    for (int t = 0; t < TAB_COUNT; t++)
        if (tab_table[t]->reload)
            tab_table[t]->reload(a, a->tab_state[t]);
    app_update_modified(a);
    lint_rebuild(a);
    a->dirty |= DIRTY_ALL;
}

int app_span_severity(const struct record *r, size_t start, size_t end)
{
    int worst = -1;
    if (!r)
        return worst;
    for (size_t i = 0; i < r->diags.count; i++) {
        const struct diag *d = &r->diags.items[i];
        if ((int)d->severity <= worst || d->severity < DIAG_WARNING)
            continue;
        bool inside = d->start < end && d->end > start;
        if (d->start == d->end) /* a point: the term it touches */
            inside = d->start >= start && d->start < end;
        if (inside)
            worst = (int)d->severity;
    }
    return worst;
}

unsigned app_switch_tab(struct app *a, enum tab_id tab)
{
    if (tab == a->tab || tab >= TAB_COUNT)
        return 0;
    a->tab = tab;
    a->focus = FOCUS_COMPOSE;
    a->lint_sel = 0;
    a->lint_top = 0;
    a->explain_top = 0;
    lint_rebuild(a);
    return DIRTY_ALL & ~DIRTY_LAYOUT;
}

/* ---------------------------------------------------------------------- */
/* Layout                                                                 */

static void layout_compute(struct layout *L, int cols, int lines)
{
    memset(L, 0, sizeof *L);
    L->cols = cols;
    L->lines = lines;
    L->too_small = cols < APP_MIN_COLS || lines < APP_MIN_LINES;
    if (L->too_small)
        return;
    int avail = lines - 2;
    int record_h = 4 + (lines - APP_MIN_LINES) / 6;
    if (record_h > 8)
        record_h = 8;
    int lint_h = 6 + (lines - APP_MIN_LINES) / 3;
    if (lint_h > 14)
        lint_h = 14;
    int top_h = avail - record_h - lint_h;
    int compose_w = cols * 56 / 100;
    if (cols > 160)
        compose_w = cols / 2;
    L->tabs = (struct rect){0, 0, 1, cols};
    L->compose = (struct rect){1, 0, top_h, compose_w};
    L->explain = (struct rect){1, compose_w, top_h, cols - compose_w};
    L->record = (struct rect){1 + top_h, 0, record_h, cols};
    L->lint = (struct rect){1 + top_h + record_h, 0, lint_h, cols};
    L->status = (struct rect){lines - 1, 0, 1, cols};
}

static void free_windows(struct app *a)
{
    WINDOW **wins[] = {&a->win_tabs,   &a->win_compose, &a->win_explain, &a->win_record,
                       &a->win_lint,   &a->win_status,  &a->win_overlay};
    for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++) {
        if (*wins[i])
            delwin(*wins[i]);
        *wins[i] = NULL;
    }
}

/* Keypad mode stays on in every window (term_window): turning it off
 * sent rmkx, and the next arrow arrived as ESC [ B, three commands. */
static WINDOW *make_window(const struct rect *r) { return term_window(r->h, r->w, r->y, r->x); }

static void relayout(struct app *a)
{
    free_windows(a);
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    layout_compute(&a->layout, cols, lines);
    werase(stdscr);
    wnoutrefresh(stdscr);
    if (a->layout.too_small)
        return;
    a->win_tabs = make_window(&a->layout.tabs);
    a->win_compose = make_window(&a->layout.compose);
    a->win_explain = make_window(&a->layout.explain);
    a->win_record = make_window(&a->layout.record);
    a->win_lint = make_window(&a->layout.lint);
    a->win_status = make_window(&a->layout.status);
}

/* ---------------------------------------------------------------------- */
/* Drawing the panes                                                      */

/* A pane's frame with " title " set into its top line. */
static void draw_frame(WINDOW *w, const char *title, bool focused)
{
    term_frame(w, focused ? ROLE_BORDER_FOCUS : ROLE_BORDER);
    int cols = getmaxx(w);
    if (title && cols > 6) {
        mvwaddstr(w, 0, 2, " ");
        int used = draw_str(w, 0, 3, cols - 6, title, term_attr(ROLE_PANE_TITLE));
        mvwaddstr(w, 0, 3 + used, " ");
    }
}

static int tab_worst(struct app *a, enum tab_id t)
{
    static const int slot_of[TAB_COUNT] = {DRAFT_SPF, DRAFT_DKIM, DRAFT_DMARC, -1, -1};
    if (slot_of[t] < 0)
        return -1;
    const struct record *r = &a->drafts.rec[slot_of[t]];
    return r->len ? diag_list_max_severity(&r->diags) : -1;
}

/* Where each tab's name is on the tab bar (for clicks). */
static int tab_x[TAB_COUNT][2];
/* Where the domain is on the title bar (a click edits it). */
static int domain_x[2];

/* The domain in the title bar, or its one-line editor (F2 or a click):
 * the domain names all three records. */
static int draw_title_domain(struct app *a, WINDOW *w, int x, int width)
{
    domain_x[0] = x;
    if (a->domain_editing) {
        int used = draw_str(w, 0, x, width, "domain: ", term_attr(ROLE_LABEL));
        int ew = width - used;
        if (ew > 40)
            ew = 40;
        if (ew > 0)
            lineedit_draw(&a->domain_edit, w, 0, x + used, ew, term_attr(ROLE_EDIT), true);
        domain_x[1] = x + used + (ew > 0 ? ew : 0);
        return used + (ew > 0 ? ew : 0);
    }
    const char *domain = a->drafts.domain[0] ? a->drafts.domain : "(no domain)";
    int used = draw_str(w, 0, x, width, domain, term_attr(ROLE_VALUE) | A_UNDERLINE);
    domain_x[1] = x + used;
    return used;
}

static void draw_tabs(struct app *a)
{
    WINDOW *w = a->win_tabs;
    int cols = getmaxx(w);
    werase(w);
    draw_fill(w, 0, 0, cols, term_attr(ROLE_NORMAL));
    int x = 1;
    x += draw_str(w, 0, x, cols - x, "authtxt", term_attr(ROLE_APP_TITLE)) + 2;
    x += draw_title_domain(a, w, x, cols / 2 - x);
    if (a->modified)
        draw_str(w, 0, x + 1, 12, "[modified]", term_attr(ROLE_WARNING));
    /* The tabs, right-aligned. */
    int width = 0;
    for (int t = 0; t < TAB_COUNT; t++)
        width += draw_str_width(tab_table[t]->name) + 4;
    x = cols - width - 1;
    if (x < 0)
        x = 0;
    for (int t = 0; t < TAB_COUNT; t++) {
        bool active = (enum tab_id)t == a->tab;
        int worst = tab_worst(a, (enum tab_id)t);
        attr_t attr = active               ? term_attr(ROLE_TAB_ACTIVE)
                      : worst >= DIAG_ERROR ? term_attr(ROLE_ERROR)
                      : worst >= DIAG_WARNING ? term_attr(ROLE_WARNING)
                                              : term_attr(ROLE_TAB);
        tab_x[t][0] = x;
        draw_fill(w, 0, x, draw_str_width(tab_table[t]->name) + 2, attr);
        x += 1;
        x += draw_str(w, 0, x, cols - x, tab_table[t]->name, attr);
        x += 1;
        tab_x[t][1] = x;
        x += 2;
    }
    wnoutrefresh(w);
}

static void draw_compose(struct app *a)
{
    WINDOW *w = a->win_compose;
    werase(w);
    bool focused = a->focus == FOCUS_COMPOSE && !a->raw_editing;
    char title[64];
    if (a->tab == TAB_LIVE)
        snprintf(title, sizeof title, "Live DNS against the drafts");
    else
        snprintf(title, sizeof title, "Compose %s", cur_ops(a)->name);
    draw_frame(w, title, focused);
    int rows = getmaxy(w) - 2, cols = getmaxx(w) - 2;
    cur_ops(a)->draw(a, cur_state(a), w, 1, 1, rows, cols, focused);
    wnoutrefresh(w);
}

static void explain_reset(struct explain *e)
{
    e->help_id = NULL;
    e->value_id = NULL;
    strbuf_reset(&e->here);
    strbuf_reset(&e->note);
}

void app_explain_doc(struct doc *d, const struct explain *e)
{
    const struct help_entry *h = help_find(e->help_id);
    const struct help_entry *v = help_find(e->value_id);
    attr_t label = term_attr(ROLE_LABEL), normal = term_attr(ROLE_NORMAL);
    if (h)
        doc_add(d, term_attr(ROLE_HEADING), h->title);
    else if (e->help_id)
        doc_addf(d, term_attr(ROLE_HEADING), "%s", e->help_id);
    if (e->here.len)
        doc_add_field(d, label, "Here", normal, strbuf_cstr(&e->here));
    if (e->note.len)
        doc_add(d, term_attr(ROLE_DIM), strbuf_cstr(&e->note));
    if (v) {
        doc_add(d, normal, "");
        doc_add_field(d, label, v->title, normal, v->summary);
    }
    if (h) {
        doc_add(d, normal, "");
        doc_add(d, normal, h->summary);
        doc_add_field(d, label, "Default", normal, h->default_value);
        doc_add_field(d, label, "Values", normal, h->values);
        doc_add_field(d, label, "Example", normal, h->example);
        doc_add_field(d, label, "RFC", normal, h->rfc);
        doc_add_field(d, label, "Common mistakes", normal, h->mistakes);
        if (h->body && *h->body) {
            doc_add(d, normal, "");
            doc_add_prose(d, normal, h->body);
        }
    } else if (e->help_id) {
        doc_add(d, term_attr(ROLE_DIM), "(no help entry for this id yet)");
    }
}

static void explain_diag_doc(struct app *a, struct doc *d, const struct diag *diag)
{
    const struct lint_rule *rule = rule_get(diag->rule);
    enum ui_role role = diag->severity == DIAG_ERROR     ? ROLE_ERROR
                        : diag->severity == DIAG_WARNING ? ROLE_WARNING
                                                         : ROLE_INFO;
    doc_addf(d, term_attr(role), "%s %s", diag_severity_name(diag->severity), rule->code);
    doc_add(d, term_attr(ROLE_NORMAL), diag->message);
    doc_add_field(d, term_attr(ROLE_LABEL), "RFC", term_attr(ROLE_NORMAL), rule->ref);
    if (app_lint_item_is_cross(a, diag))
        doc_add(d, term_attr(ROLE_DIM), "About the three records together.");
    else
        doc_addf(d, term_attr(ROLE_DIM), "Enter: go to the field it is about.");
    char id[96];
    snprintf(id, sizeof id, "lint.%s", rule->code);
    const struct help_entry *h = help_find(id);
    if (h) {
        doc_add(d, term_attr(ROLE_NORMAL), "");
        doc_add_field(d, term_attr(ROLE_LABEL), "How to fix", term_attr(ROLE_NORMAL), h->mistakes);
        if (h->body && *h->body)
            doc_add_prose(d, term_attr(ROLE_NORMAL), h->body);
    }
}

static void draw_explain(struct app *a)
{
    WINDOW *w = a->win_explain;
    werase(w);
    draw_frame(w, "Explain", false);
    doc_reset(&a->explain_doc);
    if (a->focus == FOCUS_LINT && a->lint_sel < a->lint_count) {
        explain_diag_doc(a, &a->explain_doc, a->lint_items[a->lint_sel]);
    } else {
        explain_reset(&a->explain);
        if (cur_ops(a)->explain)
            cur_ops(a)->explain(a, cur_state(a), &a->explain);
        app_explain_doc(&a->explain_doc, &a->explain);
    }
    int rows = getmaxy(w) - 2, cols = getmaxx(w) - 4;
    int total = doc_draw(&a->explain_doc, w, 1, 2, cols, rows, 0);
    if (total > rows)
        draw_str(w, rows + 1, getmaxx(w) - 13, 11, " F1: more ", term_attr(ROLE_DIM));
    wnoutrefresh(w);
}

/* The Record pane: the text wrapped, diagnostics underlined in their
 * severity's colour, the focused term highlighted. */
static void draw_record(struct app *a)
{
    static size_t *starts;
    static size_t starts_cap;
    static struct draw_mark *marks;
    static size_t marks_cap;
    WINDOW *w = a->win_record;
    werase(w);
    const struct record *r = cur_record(a);
    const struct tab_ops *ops = cur_ops(a);
    char title[DRAFTS_NAME_MAX + 80];
    strbuf_reset(&a->scratch);
    for (int s = 0; r && s < DRAFT_COUNT; s++)
        if (r == &a->drafts.rec[s])
            drafts_owner_name(&a->drafts, (enum draft_slot)s, &a->scratch);
    if (a->raw_editing)
        snprintf(title, sizeof title, "Record: editing as text (Enter apply, Esc undo)");
    else if (ops->draw_record)
        snprintf(title, sizeof title, "Records: published %s draft", term_glyph(GLYPH_ARROW));
    else if (a->scratch.len)
        snprintf(title, sizeof title, "Record %.*s %s %zu bytes", DRAFTS_NAME_MAX + 16,
                 strbuf_cstr(&a->scratch), term_glyph(GLYPH_DOT), r ? r->len : 0);
    else if (r && r->len)
        snprintf(title, sizeof title, "Record %s %zu bytes", term_glyph(GLYPH_DOT), r->len);
    else
        snprintf(title, sizeof title, "Record");
    draw_frame(w, title, a->raw_editing);
    int rows = getmaxy(w) - 2, cols = getmaxx(w) - 4;
    if (a->raw_editing) {
        lineedit_draw_wrapped(&a->raw, w, 1, 2, cols, rows, term_attr(ROLE_EDIT), true);
        wnoutrefresh(w);
        return;
    }
    if (ops->draw_record && ops->draw_record(a, cur_state(a), w, 1, 2, rows, cols)) {
        wnoutrefresh(w);
        return;
    }
    if (!r || r->len == 0) {
        draw_str(w, 1, 2, cols,
                 r ? "(no record yet: fill the form, or press e to write it as text)"
                   : "(nothing to show here)",
                 term_attr(ROLE_DIM));
        wnoutrefresh(w);
        return;
    }
    size_t n = draw_wrap(r->text, r->len, cols, false, starts, starts_cap);
    if (n > starts_cap) {
        size_t *p = realloc(starts, n * sizeof *p);
        if (!p)
            return;
        starts = p;
        starts_cap = n;
        draw_wrap(r->text, r->len, cols, false, starts, starts_cap);
    }
    size_t fstart = 0, fend = 0;
    bool has_focus = a->focus == FOCUS_COMPOSE && ops->focus_span &&
                     ops->focus_span(a, cur_state(a), &fstart, &fend) && fend > fstart;
    if (a->focus == FOCUS_LINT && a->lint_sel < a->lint_count &&
        !app_lint_item_is_cross(a, a->lint_items[a->lint_sel])) {
        const struct diag *d = a->lint_items[a->lint_sel];
        fstart = d->start;
        fend = d->end > d->start ? d->end : d->start + 1;
        has_focus = fstart < r->len;
    }
    /* Scroll so the focus is visible. */
    int top = 0;
    if (has_focus) {
        size_t line = 0;
        while (line + 1 < n && starts[line + 1] <= fstart)
            line++;
        if ((int)line >= rows)
            top = (int)line - rows + 1;
    }
    size_t need = r->diags.count + 1;
    if (need > marks_cap) {
        struct draw_mark *p = realloc(marks, need * sizeof *p);
        if (!p)
            return;
        marks = p;
        marks_cap = need;
    }
    size_t nm = 0;
    if (has_focus)
        marks[nm++] = (struct draw_mark){fstart, fend, term_attr(ROLE_MARK_FOCUS)};
    for (int sev = DIAG_WARNING; sev <= DIAG_ERROR; sev++)
        for (size_t i = 0; i < r->diags.count; i++) {
            const struct diag *d = &r->diags.items[i];
            if ((int)d->severity != sev)
                continue;
            size_t s = d->start, e = d->end > d->start ? d->end : d->start + 1;
            if (s >= r->len)
                continue;
            attr_t at = term_attr(sev == DIAG_ERROR ? ROLE_MARK_ERROR : ROLE_MARK_WARNING);
            if (has_focus && s < fend && e > fstart)
                at |= A_REVERSE;
            marks[nm++] = (struct draw_mark){s, e, at};
        }
    for (int row = 0; row < rows && (size_t)(top + row) < n; row++) {
        size_t k = (size_t)(top + row);
        size_t end = k + 1 < n ? starts[k + 1] : r->len;
        draw_line(w, 1 + row, 2, cols, r->text, starts[k], end, term_attr(ROLE_VALUE), marks, nm);
    }
    if (top > 0)
        draw_str(w, 1, getmaxx(w) - 1, 1, term_glyph(GLYPH_MORE_UP), term_attr(ROLE_DIM));
    if ((size_t)(top + rows) < n)
        draw_str(w, rows, getmaxx(w) - 1, 1, term_glyph(GLYPH_MORE_DOWN), term_attr(ROLE_DIM));
    wnoutrefresh(w);
}

static void lint_title(struct app *a, char *out, size_t size)
{
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < a->lint_count; i++)
        counts[a->lint_items[i]->severity]++;
    if (!a->lint_count) {
        snprintf(out, size, "Lint: no problems");
        return;
    }
    int n = snprintf(out, size, "Lint:");
    const char *names[3][2] = {{"note", "notes"}, {"warning", "warnings"}, {"error", "errors"}};
    bool first = true;
    for (int s = DIAG_ERROR; s >= DIAG_INFO; s--) {
        if (!counts[s] || n < 0 || (size_t)n >= size)
            continue;
        n += snprintf(out + n, size - (size_t)n, "%s %zu %s", first ? "" : ",", counts[s],
                      names[s][counts[s] != 1]);
        first = false;
    }
    const struct record *r = cur_record(a);
    if (r && r->diags.dropped && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " (%zu more not kept)", r->diags.dropped);
}

static void draw_lint(struct app *a)
{
    WINDOW *w = a->win_lint;
    werase(w);
    char title[96];
    lint_title(a, title, sizeof title);
    bool focused = a->focus == FOCUS_LINT;
    draw_frame(w, title, focused);
    int rows = getmaxy(w) - 2, cols = getmaxx(w) - 4;
    if ((int)a->lint_sel < a->lint_top)
        a->lint_top = (int)a->lint_sel;
    if ((int)a->lint_sel >= a->lint_top + rows)
        a->lint_top = (int)a->lint_sel - rows + 1;
    if (a->lint_top > 0 && (size_t)a->lint_top + (size_t)rows > a->lint_count)
        a->lint_top = a->lint_count > (size_t)rows ? (int)(a->lint_count - (size_t)rows) : 0;
    const struct record *r = cur_record(a);
    if (!a->lint_count) {
        const char *why = !r || r->len == 0 ? "" : "nothing to fix in this record";
        draw_str(w, 1, 2, cols, why, term_attr(ROLE_GOOD));
    }
    for (int row = 0; row < rows && (size_t)(a->lint_top + row) < a->lint_count; row++) {
        size_t k = (size_t)(a->lint_top + row);
        const struct diag *d = a->lint_items[k];
        bool sel = focused && k == a->lint_sel;
        enum ui_role role = d->severity == DIAG_ERROR     ? ROLE_ERROR
                            : d->severity == DIAG_WARNING ? ROLE_WARNING
                                                          : ROLE_INFO;
        attr_t base = sel ? term_attr(ROLE_SELECTED) : term_attr(ROLE_NORMAL);
        draw_fill(w, 1 + row, 2, cols, base);
        const char *letter = d->severity == DIAG_ERROR ? "E" : d->severity == DIAG_WARNING ? "W" : "i";
        int x = 2;
        x += draw_str(w, 1 + row, x, 1, letter, sel ? base : term_attr(role) | A_BOLD) + 1;
        const char *code = rule_get(d->rule)->code;
        int cw = draw_str_width(code);
        x += draw_str(w, 1 + row, x, cols - x + 2, code, sel ? base : term_attr(role)) + 1;
        if (cw < 22)
            x += 22 - cw;
        if (app_lint_item_is_cross(a, d) && x + 6 < cols)
            x += draw_str(w, 1 + row, x, 6, "[all] ", sel ? base : term_attr(ROLE_DIM));
        if (x < cols + 2)
            draw_str(w, 1 + row, x, cols + 2 - x, d->message, base);
    }
    if (a->lint_top > 0)
        draw_str(w, 1, getmaxx(w) - 1, 1, term_glyph(GLYPH_MORE_UP), term_attr(ROLE_DIM));
    if ((size_t)(a->lint_top + rows) < a->lint_count)
        draw_str(w, rows, getmaxx(w) - 1, 1, term_glyph(GLYPH_MORE_DOWN), term_attr(ROLE_DIM));
    wnoutrefresh(w);
}

/* The keys of the current context, generated from the key table. */
static enum keymap current_keymap(const struct app *a)
{
    if (a->focus == FOCUS_LINT)
        return KEYMAP_LINT;
    return cur_ops(a)->keymap;
}

static void draw_status(struct app *a)
{
    WINDOW *w = a->win_status;
    int cols = getmaxx(w);
    werase(w);
    attr_t base = term_attr(ROLE_STATUS), keyattr = term_attr(ROLE_STATUS_KEY);
    draw_fill(w, 0, 0, cols, base);
    /* Right: where the focus is ("SPF · term 3/7"): also what the tests
     * wait for. */
    char pos[160];
    strbuf_reset(&a->scratch);
    if (a->focus == FOCUS_LINT) {
        strbuf_printf(&a->scratch, "lint %zu/%zu", a->lint_count ? a->lint_sel + 1 : 0,
                      a->lint_count);
    } else if (a->raw_editing) {
        strbuf_puts(&a->scratch, "raw edit");
    } else if (cur_ops(a)->position) {
        cur_ops(a)->position(a, cur_state(a), &a->scratch);
    }
    snprintf(pos, sizeof pos, " %s %s %s ", cur_ops(a)->name, term_glyph(GLYPH_DOT),
             strbuf_cstr(&a->scratch));
    int pw = draw_str_width(pos);
    int right = cols - pw;
    if (right < cols / 2)
        right = cols / 2;
    draw_str(w, 0, right, cols - right, pos, keyattr);
    int x = 1;
    if (a->message[0]) {
        /* A message is a bar in its role's colour (reverse video). */
        attr_t at = term_has_color() ? (term_attr(a->message_role) | A_REVERSE | A_BOLD)
                                     : base | A_BOLD;
        draw_fill(w, 0, 0, right, at);
        draw_str(w, 0, x, right - x - 1, a->message, at);
        wnoutrefresh(w);
        return;
    }
    size_t nkeys;
    const struct key_binding *keys = keys_table(&nkeys);
    enum keymap chain[3];
    /* The raw editor's keys are the line editor's (KEYMAP_EDIT). */
    size_t nchain = keys_chain(a->raw_editing ? KEYMAP_EDIT : current_keymap(a), chain);
    for (size_t c = 0; c < nchain; c++) {
        for (size_t i = 0; i < nkeys; i++) {
            const struct key_binding *b = &keys[i];
            if (b->map != chain[c] || !b->status)
                continue;
            const char *label = b->brief ? b->brief : b->label;
            int need = draw_str_width(b->status) + 1 + draw_str_width(label) + 2;
            if (x + need > right - 1)
                goto done;
            x += draw_str(w, 0, x, right - x, b->status, keyattr);
            x += 1;
            x += draw_str(w, 0, x, right - x, label, base);
            x += 2;
        }
    }
done:
    wnoutrefresh(w);
}

/* A question asked while the screen is too small (q with unsaved
 * changes) is shown wrapped at the top, so its keys are never a secret.
 * Returns the rows it took. */
static int draw_too_small_question(struct app *a)
{
    if (!dialog_open(a))
        return 0;
    int cols = a->layout.cols, lines = a->layout.lines;
    int y = 0;
    draw_str(stdscr, y++, 0, cols, a->dialog.title, term_attr(ROLE_HEADING));
    y += draw_paragraphs(stdscr, y, 0, cols, lines - y - 2, 0, strbuf_cstr(&a->dialog.text),
                         term_attr(ROLE_NORMAL));
    if (y > lines - 2)
        y = lines - 2;
    int n = draw_paragraphs(stdscr, y, 0, cols, lines - y, 0, a->dialog.answer_help,
                            term_attr(ROLE_STATUS_KEY));
    return y + (n < lines - y ? n : lines - y);
}

static void draw_too_small(struct app *a)
{
    werase(stdscr);
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small (need %dx%d, have %dx%d)", APP_MIN_COLS,
             APP_MIN_LINES, a->layout.cols, a->layout.lines);
    int used = draw_too_small_question(a);
    int y = used ? used + 1 : a->layout.lines / 2, len = (int)strlen(msg);
    int x = (a->layout.cols - len) / 2;
    if (x < 0)
        x = 0;
    if (y < a->layout.lines)
        draw_str(stdscr, y, x, a->layout.cols - x, msg, term_attr(ROLE_WARNING) | A_BOLD);
    if (y + 1 < a->layout.lines && !used)
        draw_str(stdscr, y + 1, x, a->layout.cols - x, "enlarge the window, or q to quit",
                 term_attr(ROLE_DIM));
    wnoutrefresh(stdscr);
}

static void app_redraw(void *data)
{
    struct app *a = data;
    live_pump(a); /* the resolver's descriptors for the next wait */
    check_tab_pump(a);
    if (a->dirty & DIRTY_LAYOUT) {
        relayout(a);
        a->dirty = DIRTY_ALL & ~DIRTY_LAYOUT;
    }
    if (!a->dirty)
        return;
    if (a->layout.too_small) {
        draw_too_small(a);
        a->dirty = 0;
        doupdate();
        return;
    }
    bool overlay = a->help.open || dialog_open(a);
    unsigned d = a->dirty;
    /* An overlay covers the panes: redraw what is under it only when the
     * overlay goes away (which sets DIRTY_ALL). */
    if (a->help.open && !(d & ~DIRTY_OVERLAY) && !dialog_open(a))
        d = DIRTY_OVERLAY;
    if (d & (DIRTY_LINT | DIRTY_RECORD))
        lint_rebuild(a); /* the record shown may have changed */
    if (!a->help.open) {
        if (d & DIRTY_TABS)
            draw_tabs(a);
        if (d & DIRTY_COMPOSE)
            draw_compose(a);
        if (d & DIRTY_EXPLAIN)
            draw_explain(a);
        if (d & DIRTY_RECORD)
            draw_record(a);
        if (d & DIRTY_LINT)
            draw_lint(a);
        if (d & DIRTY_STATUS)
            draw_status(a);
    }
    if (overlay) {
        if (a->help.open)
            help_view_draw(a);
        if (dialog_open(a))
            dialog_draw(a);
    }
    a->dirty = 0;
    doupdate();
    /* Drawing the Live tab may start queries (the draft's include tree):
     * their descriptors and timeout must be in this turn's poll. */
    live_pump(a);
    check_tab_pump(a);
}

/* ---------------------------------------------------------------------- */
/* Keys                                                                   */

static enum tab_id cross_rule_tab(enum rule_id rule)
{
    switch (rule) {
    case RULE_CROSS_NO_SPF:
    case RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT:
        return TAB_SPF;
    case RULE_CROSS_DMARC_WITHOUT_AUTH:
        return TAB_DKIM;
    default:
        return TAB_DMARC;
    }
}

static unsigned lint_action(struct app *a, enum action act)
{
    size_t page = a->layout.lint.h > 3 ? (size_t)a->layout.lint.h - 3 : 1;
    switch (act) {
    case ACT_UP:
        if (a->lint_sel > 0)
            a->lint_sel--;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_DOWN:
        if (a->lint_sel + 1 < a->lint_count)
            a->lint_sel++;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_PAGE_UP:
        a->lint_sel = a->lint_sel > page ? a->lint_sel - page : 0;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_PAGE_DOWN:
        a->lint_sel += page;
        if (a->lint_sel >= a->lint_count)
            a->lint_sel = a->lint_count ? a->lint_count - 1 : 0;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_HOME:
        a->lint_sel = 0;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_END:
        a->lint_sel = a->lint_count ? a->lint_count - 1 : 0;
        return DIRTY_LINT | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS;
    case ACT_CLOSE:
        a->focus = FOCUS_COMPOSE;
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    case ACT_ACTIVATE: {
        if (a->lint_sel >= a->lint_count)
            return 0;
        const struct diag *d = a->lint_items[a->lint_sel];
        unsigned dirty = DIRTY_ALL & ~DIRTY_LAYOUT;
        if (app_lint_item_is_cross(a, d)) {
            enum rule_id rule = d->rule;
            app_switch_tab(a, cross_rule_tab(rule));
            a->focus = FOCUS_COMPOSE;
            if (cur_ops(a)->goto_span)
                cur_ops(a)->goto_span(a, cur_state(a), 0, 0, rule);
            return dirty;
        }
        a->focus = FOCUS_COMPOSE;
        if (cur_ops(a)->goto_span)
            cur_ops(a)->goto_span(a, cur_state(a), d->start, d->end, d->rule);
        return dirty;
    }
    default:
        return 0;
    }
}

static bool quit_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice == 'y') {
        files_save_flow(a, true);
    } else if (choice == 'n') {
        a->quit = true;
    } else if (choice == 'p') { /* the records on stdout once the screen is gone */
        a->print_on_exit = true;
        a->quit = true;
    }
    return true;
}

static unsigned leave_edit_then(struct app *a, enum action act, int key, bool fkey, bool more);

static unsigned request_quit(struct app *a)
{
    const struct tab_ops *ops = cur_ops(a);
    if (a->focus == FOCUS_COMPOSE && ops->editing && ops->editing(cur_state(a)))
        return leave_edit_then(a, ACT_QUIT, 0, false, false);
    if (!a->modified) {
        a->quit = true;
        return 0;
    }
    dialog_question(a, "Quit", "The drafts have changes that are not saved.", "ynp",
                    "y Save first  n Quit without saving  p Quit, print them  Esc Stay",
                    quit_answer, NULL);
    return DIRTY_OVERLAY;
}

static unsigned start_raw_edit(struct app *a)
{
    const struct record *r = cur_record(a);
    if (!cur_ops(a)->set_text)
        return 0;
    lineedit_set(&a->raw, r ? r->text : "", r ? r->len : 0);
    a->raw.multiline = r && r->kind == RECORD_DKIM_SIG;
    /* The whole raw edit is one undo step (the text reaches the core at
     * every input batch). */
    drafts_group_begin(&a->drafts, "raw edit");
    strbuf_reset(&a->raw_orig);
    if (r)
        strbuf_append(&a->raw_orig, r->text, r->len);
    a->raw_editing = true;
    return DIRTY_ALL & ~DIRTY_LAYOUT;
}

static unsigned raw_key(struct app *a, int key, bool fkey, bool more)
{
    enum lineedit_result res = lineedit_key(&a->raw, key, fkey, more);
    const struct tab_ops *ops = cur_ops(a);
    size_t len;
    const char *text;
    switch (res) {
    case LINEEDIT_CHANGED:
        /* The text goes to the core once the keys queued now are handled
         * (app_input): record, lint and explanation follow every keystroke
         * typed, and a paste costs one analysis, not one per byte. */
        a->raw_pending = true;
        return DIRTY_RECORD;
    case LINEEDIT_MOVED:
        return DIRTY_RECORD;
    case LINEEDIT_SUBMIT:
        a->raw_editing = false;
        a->raw_pending = false;
        text = lineedit_text(&a->raw, &len);
        ops->set_text(a, cur_state(a), text, len);
        drafts_group_end(&a->drafts);
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    case LINEEDIT_CANCEL:
        a->raw_editing = false;
        a->raw_pending = false;
        ops->set_text(a, cur_state(a), strbuf_cstr(&a->raw_orig), a->raw_orig.len);
        drafts_group_end(&a->drafts);
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    case LINEEDIT_UNHANDLED:
        break;
    }
    return 0;
}

/* u / ^Z and ^Y: the core keeps the steps; the status line names them. */
static unsigned undo_redo(struct app *a, bool redo)
{
    struct strbuf label = STRBUF_INIT;
    bool ok = redo ? drafts_redo(&a->drafts, &label) : drafts_undo(&a->drafts, &label);
    if (ok) {
        app_draft_changed(a);
        app_message(a, ROLE_INFO, "%s: %s", redo ? "Redid" : "Undid", strbuf_cstr(&label));
    } else {
        app_message(a, ROLE_INFO, "%s", redo ? "nothing to redo" : "nothing to undo");
    }
    strbuf_free(&label);
    return ok ? DIRTY_ALL & ~DIRTY_LAYOUT : DIRTY_STATUS;
}

static unsigned domain_edit_start(struct app *a)
{
    lineedit_set(&a->domain_edit, a->drafts.domain, strlen(a->drafts.domain));
    a->domain_editing = true;
    app_message(a, ROLE_INFO, "the domain of all three records: Enter sets it, Esc keeps %s",
                a->drafts.domain[0] ? a->drafts.domain : "none");
    return DIRTY_TABS | DIRTY_STATUS;
}

static unsigned dispatch_action(struct app *a, enum action act, int key, bool fkey, bool more);

/* Set the domain typed in the title bar (one undoable step; DMARC template
 * addresses follow it), checked by the core.  False, with the reason on
 * the status line, when it is not a domain name. */
static bool domain_edit_apply(struct app *a, unsigned *dirty)
{
    size_t len;
    const char *text = lineedit_text(&a->domain_edit, &len);
    char name[DRAFTS_NAME_MAX + 2];
    struct diag_list why;
    diag_list_init(&why);
    bool ok = false;
    if (len < sizeof name - 1 && !memchr(text, '\0', len)) {
        memcpy(name, text, len);
        name[len] = '\0';
        ok = strcmp(name, a->drafts.domain) == 0 || drafts_set_domain_why(&a->drafts, name, &why);
    } else {
        diag_add(&why, RULE_INPUT_TOO_LONG, 0, 0, "a domain name is at most %d bytes",
                 DRAFTS_NAME_MAX);
    }
    *dirty |= DIRTY_TABS | DIRTY_STATUS;
    if (ok) {
        a->domain_editing = false;
        *dirty |= app_draft_changed(a) | (DIRTY_ALL & ~DIRTY_LAYOUT);
        app_message(a, ROLE_GOOD, "the domain is %s", a->drafts.domain);
    } else {
        app_message(a, ROLE_ERROR, "not a domain name: %s", app_why_text(&why, "check it"));
    }
    diag_list_free(&why);
    return ok;
}

static bool domain_leave_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice != 'd' || !a->domain_editing)
        return true; /* keep editing */
    a->domain_editing = false;
    a->dirty |= DIRTY_TABS | DIRTY_STATUS |
                dispatch_action(a, a->after_edit_action, a->after_edit_key,
                                a->after_edit_fkey, false);
    return true;
}

/* Keys of the title bar's domain editor.  Enter sets the name, Esc keeps
 * the old one; a key the line editor does not take (^S, ^Q, a tab switch)
 * sets a valid name first and then acts, and asks (keep editing / discard)
 * when the name typed is not valid, as the fields do. */
static unsigned domain_edit_key(struct app *a, int key, bool fkey, bool more)
{
    enum lineedit_result res = lineedit_key(&a->domain_edit, key, fkey, more);
    unsigned d = 0;
    switch (res) {
    case LINEEDIT_CHANGED:
    case LINEEDIT_MOVED:
        return DIRTY_TABS;
    case LINEEDIT_CANCEL:
        a->domain_editing = false;
        a->message[0] = '\0';
        return DIRTY_TABS | DIRTY_STATUS;
    case LINEEDIT_SUBMIT:
        domain_edit_apply(a, &d);
        return d;
    case LINEEDIT_UNHANDLED:
        break;
    }
    enum action act = keys_lookup(current_keymap(a), key, fkey);
    if (act == ACT_NONE)
        return DIRTY_TABS;
    if (domain_edit_apply(a, &d))
        return d | dispatch_action(a, act, key, fkey, more);
    a->after_edit_action = act;
    a->after_edit_key = key;
    a->after_edit_fkey = fkey;
    dialog_question(a, "The domain is not valid",
                    "The name typed in the title bar is not a domain name; the drafts keep "
                    "the domain they had.",
                    "kd", "k Keep editing  d Discard the edit  Esc Keep editing",
                    domain_leave_answer, NULL);
    return d | DIRTY_OVERLAY;
}

static unsigned app_action(struct app *a, enum action act)
{
    switch (act) {
    case ACT_QUIT:
        return request_quit(a);
    case ACT_HELP: {
        const char *id = NULL;
        if (a->focus == FOCUS_LINT && a->lint_sel < a->lint_count) {
            static char lint_id[96];
            snprintf(lint_id, sizeof lint_id, "lint.%s",
                     rule_get(a->lint_items[a->lint_sel]->rule)->code);
            id = lint_id;
        } else {
            explain_reset(&a->explain);
            if (cur_ops(a)->explain)
                cur_ops(a)->explain(a, cur_state(a), &a->explain);
            id = a->explain.help_id;
        }
        help_view_open(a, id);
        return DIRTY_OVERLAY;
    }
    case ACT_TAB_NEXT:
        return app_switch_tab(a, (enum tab_id)((a->tab + 1) % TAB_COUNT));
    case ACT_TAB_PREV:
        return app_switch_tab(a, (enum tab_id)((a->tab + TAB_COUNT - 1) % TAB_COUNT));
    case ACT_TAB_SPF:
        return app_switch_tab(a, TAB_SPF);
    case ACT_TAB_DKIM:
        return app_switch_tab(a, TAB_DKIM);
    case ACT_TAB_DMARC:
        return app_switch_tab(a, TAB_DMARC);
    case ACT_TAB_LIVE:
        return app_switch_tab(a, TAB_LIVE);
    case ACT_TAB_CHECK:
        return app_switch_tab(a, TAB_CHECK);
    case ACT_SAVE:
        files_save_flow(a, false);
        return DIRTY_OVERLAY | DIRTY_STATUS;
    case ACT_OPEN:
        files_open_flow(a);
        return DIRTY_OVERLAY | DIRTY_STATUS;
    case ACT_FETCH:
        live_fetch(a, false);
        return app_switch_tab(a, TAB_LIVE) | DIRTY_ALL;
    case ACT_COPY_RECORD:
        return copy_record_ask(a);
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        return DIRTY_ALL;
    case ACT_RAW_EDIT:
        return start_raw_edit(a);
    case ACT_UNDO:
    case ACT_REDO:
        return undo_redo(a, act == ACT_REDO);
    case ACT_EDIT_DOMAIN:
        return domain_edit_start(a);
    case ACT_LINT_FOCUS:
        if (a->focus == FOCUS_LINT) {
            a->focus = FOCUS_COMPOSE;
        } else if (a->lint_count) {
            a->focus = FOCUS_LINT;
            if (a->lint_sel >= a->lint_count)
                a->lint_sel = 0;
        } else {
            app_message(a, ROLE_GOOD, "no diagnostics to go to");
        }
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    default:
        return 0;
    }
}

static unsigned dispatch_action(struct app *a, enum action act, int key, bool fkey, bool more);

static bool leave_edit_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    const struct tab_ops *ops = cur_ops(a);
    if (choice != 'd' || !ops->editing || !ops->editing(cur_state(a)))
        return true; /* keep editing */
    if (ops->edit_end)
        a->dirty |= ops->edit_end(a, cur_state(a), false);
    a->dirty |= dispatch_action(a, a->after_edit_action, a->after_edit_key, a->after_edit_fkey,
                                false);
    return true;
}

/* Close the open field editor, then do act.  A valid value is kept; an
 * invalid one is never saved or left half-typed in the record: the user
 * chooses to keep editing or to discard the edit (the value from before). */
static unsigned leave_edit_then(struct app *a, enum action act, int key, bool fkey, bool more)
{
    const struct tab_ops *ops = cur_ops(a);
    if (!ops->editing || !ops->editing(cur_state(a)))
        return dispatch_action(a, act, key, fkey, more);
    struct strbuf why = STRBUF_INIT;
    if (!ops->edit_check || ops->edit_check(a, cur_state(a), &why)) {
        strbuf_free(&why);
        unsigned d = ops->edit_end ? ops->edit_end(a, cur_state(a), true) : 0;
        return d | dispatch_action(a, act, key, fkey, more);
    }
    a->after_edit_action = act;
    a->after_edit_key = key;
    a->after_edit_fkey = fkey;
    strbuf_puts(&why, ". The record keeps the last valid value; nothing half-typed is saved.");
    dialog_question(a, "The value is not valid", strbuf_cstr(&why), "kd",
                    "k Keep editing  d Discard the edit  Esc Keep editing", leave_edit_answer,
                    NULL);
    strbuf_free(&why);
    return DIRTY_OVERLAY;
}

static unsigned handle_key(struct app *a, int key, bool fkey, bool more)
{
    if (a->help.open)
        return help_view_key(a, key, fkey, more);
    if (dialog_open(a))
        return dialog_key(a, key, fkey, more);
    if (a->layout.too_small) {
        if (!fkey && (key == 'q' || key == 17))
            return request_quit(a);
        return 0;
    }
    if (a->raw_editing)
        return raw_key(a, key, fkey, more);
    if (a->domain_editing)
        return domain_edit_key(a, key, fkey, more);
    const struct tab_ops *ops = cur_ops(a);
    bool handled = false;
    unsigned dirty = 0;
    if (a->focus == FOCUS_COMPOSE && ops->editing && ops->editing(cur_state(a))) {
        dirty = ops->key(a, cur_state(a), ACT_NONE, key, fkey, more, &handled);
        if (handled)
            return dirty;
        /* A key the field editor does not take (Tab, arrows, ^S, ^N ...):
         * leave the field first, asking when its value is not valid. */
        enum action act = keys_lookup(current_keymap(a), key, fkey);
        if (act == ACT_NONE)
            return dirty;
        return dirty | leave_edit_then(a, act, key, fkey, more);
    }
    return dirty | dispatch_action(a, keys_lookup(current_keymap(a), key, fkey), key, fkey, more);
}

/* What a key's action does once no field editor is open. */
static unsigned dispatch_action(struct app *a, enum action act, int key, bool fkey, bool more)
{
    const struct tab_ops *ops = cur_ops(a);
    bool handled = false;
    unsigned dirty = 0;
    if (act == ACT_NONE)
        return dirty;
    if (a->focus == FOCUS_LINT) {
        unsigned d = lint_action(a, act);
        if (d)
            return dirty | d;
    } else if (ops->key) {
        handled = false;
        unsigned d = ops->key(a, cur_state(a), act, key, fkey, more, &handled);
        if (handled)
            return dirty | d;
    }
    return dirty | app_action(a, act);
}

static unsigned handle_mouse(struct app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return 0;
    if (a->help.open)
        return help_view_click(a, ev.y, ev.x) ? DIRTY_OVERLAY : 0;
    if (dialog_open(a))
        return dialog_click(a, ev.y, ev.x) ? DIRTY_OVERLAY : 0;
    if (a->layout.too_small || a->raw_editing || a->domain_editing)
        return 0;
    if (cur_ops(a)->editing && cur_ops(a)->editing(cur_state(a)))
        return 0; /* Enter or Esc ends the field first */
    const struct layout *L = &a->layout;
    bool wheel_up = ev.bstate & BUTTON4_PRESSED, wheel_down = ev.bstate & BUTTON5_PRESSED;
    if (ev.y == L->tabs.y) {
        if (ev.x >= domain_x[0] && ev.x < domain_x[1])
            return domain_edit_start(a);
        for (int t = 0; t < TAB_COUNT; t++)
            if (ev.x >= tab_x[t][0] && ev.x < tab_x[t][1])
                return app_switch_tab(a, (enum tab_id)t);
        return 0;
    }
    const struct rect *c = &L->compose;
    if (ev.y >= c->y && ev.y < c->y + c->h && ev.x >= c->x && ev.x < c->x + c->w) {
        unsigned d = a->focus != FOCUS_COMPOSE ? DIRTY_ALL & ~DIRTY_LAYOUT : 0;
        a->focus = FOCUS_COMPOSE;
        if (wheel_up || wheel_down) {
            bool h = false;
            return d | cur_ops(a)->key(a, cur_state(a), wheel_up ? ACT_UP : ACT_DOWN, 0, true,
                                       false, &h);
        }
        if (cur_ops(a)->click)
            d |= cur_ops(a)->click(a, cur_state(a), ev.y - c->y, ev.x - c->x);
        return d | DIRTY_FOCUS;
    }
    const struct rect *l = &L->lint;
    if (ev.y >= l->y && ev.y < l->y + l->h && ev.x >= l->x && ev.x < l->x + l->w) {
        if (!a->lint_count)
            return 0;
        if (wheel_up || wheel_down)
            return lint_action(a, wheel_up ? ACT_UP : ACT_DOWN);
        int row = ev.y - l->y - 1;
        if (row < 0 || (size_t)(a->lint_top + row) >= a->lint_count)
            return 0;
        size_t k = (size_t)(a->lint_top + row);
        bool again = a->focus == FOCUS_LINT && a->lint_sel == k;
        a->focus = FOCUS_LINT;
        a->lint_sel = k;
        /* A second click on the selected diagnostic goes to its field. */
        if (again)
            return lint_action(a, ACT_ACTIVATE);
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* y: the focused record to the terminal's clipboard                      */

/* The draft slot holding records of the kind r is (its owner name and
 * TTL), or -1 (a pasted DKIM-Signature is no record of the zone). */
static int copy_slot(const struct record *r)
{
    for (int s = 0; s < DRAFT_COUNT; s++)
        if (drafts_slot_kind((enum draft_slot)s) == r->kind)
            return s;
    return -1;
}

/* The record as the core writes a zone line at `owner` (freed here),
 * strings of at most 255 bytes, without the final newline. */
static bool zone_line_at(struct app *a, const struct record *r, struct strbuf *owner,
                         struct strbuf *out)
{
    struct zone_txt rec = {strbuf_cstr(owner), a->drafts.ttl ? a->drafts.ttl : DRAFTS_DEFAULT_TTL,
                           r->text, r->len};
    bool ok = !owner->failed && zone_write_txt(out, &rec, NULL) && !out->failed;
    strbuf_free(owner);
    while (ok && out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    return ok;
}

/* The same at the slot's owner name from the drafts. */
static bool copy_zone_line(struct app *a, const struct record *r, int slot, struct strbuf *out)
{
    struct strbuf owner = STRBUF_INIT;
    drafts_owner_name(&a->drafts, (enum draft_slot)slot, &owner);
    return zone_line_at(a, r, &owner, out);
}

/* What the status line says was copied: the start of the text, control
 * bytes as spaces, cut on a character boundary. */
static void copy_preview(const char *text, size_t len, char *out, size_t size)
{
    size_t o = 0, i = 0;
    while (i < len && o + 5 < size) {
        unsigned char c = (unsigned char)text[i];
        size_t n = c < 0x80 ? 1 : safetext_utf8_char(text + i, len - i);
        if (n == 0 || c < 0x20 || c == 0x7f) {
            out[o++] = ' ';
            i += n ? n : 1;
            continue;
        }
        memcpy(out + o, text + i, n);
        o += n;
        i += n;
    }
    if (i < len && o + 4 <= size) {
        const char *dots = term_glyph(GLYPH_ELLIPSIS);
        size_t dl = strlen(dots);
        if (o + dl < size) {
            memcpy(out + o, dots, dl);
            o += dl;
        }
    }
    out[o] = '\0';
}

static bool copy_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0)
        return true;
    const struct record *r = cur_record(a);
    if (!r || r->len == 0)
        return true;
    int slot = copy_slot(r);
    struct strbuf text = STRBUF_INIT;
    bool zone = choice == 0 && slot >= 0;
    a->copy_form = choice;
    bool ok = true;
    if (zone)
        ok = copy_zone_line(a, r, slot, &text);
    else
        strbuf_append(&text, r->text, r->len);
    if (ok && text.len > TERM_CLIPBOARD_MAX) {
        app_message(a, ROLE_ERROR, "not copied: %zu bytes is more than the clipboard takes (%u)",
                    text.len, TERM_CLIPBOARD_MAX);
    } else if (!ok || text.failed || !term_clipboard_copy(strbuf_cstr(&text), text.len)) {
        app_message(a, ROLE_ERROR, "could not copy the record to the clipboard");
    } else {
        char preview[160];
        copy_preview(strbuf_cstr(&text), text.len, preview, sizeof preview);
        app_message(a, ROLE_GOOD, "copied the %s (%zu bytes) to the clipboard: %s",
                    zone ? "zone line" : "record", text.len, preview);
    }
    strbuf_free(&text);
    return true;
}

static unsigned copy_record_ask(struct app *a)
{
    const struct record *r = cur_record(a);
    if (!r || r->len == 0) {
        app_message(a, ROLE_INFO, "no record here to copy");
        return DIRTY_STATUS;
    }
    static const char *const items[] = {"zone line", "value"};
    static const char *const notes[] = {
        "name TTL IN TXT \"...\", strings of 255 bytes at most",
        "the record's text alone, as typed in a DNS provider's form"};
    if (copy_slot(r) < 0) { /* no name in the zone: the value is all there is */
        copy_answer(a, 1, NULL);
        return DIRTY_STATUS;
    }
    dialog_pick(a, "Copy to the clipboard", items, notes, 2, copy_answer, NULL);
    a->dialog.item = a->copy_form == 1 ? 1 : 0;
    return DIRTY_OVERLAY;
}

/* ---------------------------------------------------------------------- */
/* A bracketed paste: text for the input that has the focus, never keys.  */

/* Feed a paste to the tab's in-place field editor as the key stream the
 * line editor knows (paste start, characters, paste end): the tab keeps
 * its own rules for applying the value. */
static unsigned paste_into_tab(struct app *a, const char *text, size_t len)
{
    const struct tab_ops *ops = cur_ops(a);
    bool handled;
    unsigned dirty =
        ops->key(a, cur_state(a), ACT_NONE, TERM_KEY_PASTE_BEGIN, true, true, &handled);
    size_t i = 0;
    while (i < len && ops->editing(cur_state(a))) {
        unsigned char c = (unsigned char)text[i];
        size_t n = c < 0x80 ? 1 : safetext_utf8_char(text + i, len - i);
        unsigned cp = c;
        if (n == 2)
            cp = (c & 0x1fu) << 6 | ((unsigned char)text[i + 1] & 0x3fu);
        else if (n == 3)
            cp = (c & 0x0fu) << 12 | ((unsigned char)text[i + 1] & 0x3fu) << 6 |
                 ((unsigned char)text[i + 2] & 0x3fu);
        else if (n == 4)
            cp = (c & 0x07u) << 18 | ((unsigned char)text[i + 1] & 0x3fu) << 12 |
                 ((unsigned char)text[i + 2] & 0x3fu) << 6 | ((unsigned char)text[i + 3] & 0x3fu);
        if (n == 0)
            n = 1, cp = 0xfffd;
        i += n;
        handled = false;
        dirty |= ops->key(a, cur_state(a), ACT_NONE, (int)cp, false, true, &handled);
    }
    if (ops->editing(cur_state(a)))
        dirty |= ops->key(a, cur_state(a), ACT_NONE, TERM_KEY_PASTE_END, true, true, &handled);
    return dirty;
}

static unsigned handle_paste(struct app *a, const char *text, size_t len, bool cut)
{
    if (a->help.open) {
        help_view_paste(a, text, len);
        return DIRTY_OVERLAY;
    }
    if (dialog_open(a)) {
        if (dialog_paste_text(a, text, len))
            return DIRTY_OVERLAY;
        app_message(a, ROLE_WARNING, "a paste is not an answer: the paste was ignored");
        return DIRTY_STATUS;
    }
    if (a->layout.too_small)
        return 0;
    unsigned dirty = 0;
    if (cut)
        app_message(a, ROLE_WARNING, "the paste was longer than %u bytes: the rest was dropped",
                    TERM_PASTE_MAX);
    if (a->raw_editing) {
        if (!lineedit_paste(&a->raw, text, len))
            app_message(a, ROLE_WARNING, "the paste did not all fit in a record (%u bytes)",
                        LINEEDIT_MAX);
        a->raw_pending = true;
        return DIRTY_RECORD | DIRTY_STATUS;
    }
    if (a->domain_editing) { /* the title bar's domain field: a name is one line */
        lineedit_paste(&a->domain_edit, text, len);
        return DIRTY_TABS | DIRTY_STATUS;
    }
    const struct tab_ops *ops = cur_ops(a);
    if (a->focus == FOCUS_COMPOSE && ops->editing && ops->editing(cur_state(a)) && ops->key)
        return paste_into_tab(a, text, len);
    /* Nothing open takes text: the paste becomes the record's text in
     * the raw editor (Enter applies it, Esc puts the record back). */
    if (ops->set_text) {
        a->focus = FOCUS_COMPOSE;
        dirty |= start_raw_edit(a);
        lineedit_set(&a->raw, "", 0);
        lineedit_paste(&a->raw, text, len);
        a->raw_pending = true;
        app_message(a, ROLE_INFO,
                    "pasted as the record's text: Enter applies it, Esc puts the record back");
        return dirty | DIRTY_RECORD | DIRTY_STATUS;
    }
    app_message(a, ROLE_WARNING, "nothing here takes a paste: the paste was ignored");
    return DIRTY_STATUS;
}

/* Give the core what was typed during the batch just handled. */
static void flush_pending(struct app *a)
{
    if (a->raw_editing && a->raw_pending) {
        size_t len;
        const char *text = lineedit_text(&a->raw, &len);
        cur_ops(a)->set_text(a, cur_state(a), text, len);
        a->dirty |= DIRTY_CONTENT | DIRTY_RECORD;
    }
    a->raw_pending = false;
    const struct tab_ops *ops = cur_ops(a);
    if (ops->flush)
        a->dirty |= ops->flush(a, cur_state(a));
}

static bool queue_push(struct app *a, const struct term_input *ev)
{
    if (a->queue_len == a->queue_cap) {
        size_t cap = a->queue_cap ? a->queue_cap * 2 : 256;
        if (cap > (1u << 17))
            return false;
        struct input_key *q = realloc(a->queue, cap * sizeof *q);
        if (!q)
            return false;
        a->queue = q;
        a->queue_cap = cap;
    }
    struct input_key k = {ev->key, ev->fkey, false, false, 0, 0};
    if (ev->kind == TERM_INPUT_PASTE) {
        /* copied now: the input layer's text lasts until its next read */
        k.paste = true;
        k.paste_cut = ev->cut;
        k.paste_off = a->paste_text.len;
        k.paste_len = ev->len;
        strbuf_append(&a->paste_text, ev->text, ev->len);
        if (a->paste_text.failed)
            return false;
    }
    a->queue[a->queue_len++] = k;
    return true;
}

static void input_timer_fired(void *data)
{
    struct app *a = data;
    a->input_timer = 0; /* app_input runs next and looks at the open sequence */
}

/* A sequence or paste left open for this long has lost its end. */
#define INPUT_STALL_MS 300

static void handle_queued(struct app *a, size_t i, bool more)
{
    struct input_key k = a->queue[i];
    if (k.paste) {
        a->dirty |=
            handle_paste(a, strbuf_cstr(&a->paste_text) + k.paste_off, k.paste_len, k.paste_cut);
    } else if (k.fkey && k.key == KEY_RESIZE) {
        a->dirty |= DIRTY_LAYOUT;
    } else if (k.fkey && k.key == KEY_MOUSE) {
        a->dirty |= handle_mouse(a);
    } else {
        a->dirty |= handle_key(a, k.key, k.fkey, more);
    }
}

/* A terminal without bracketed paste sends a paste as a burst of plain
 * keys: many at once, none a function key.  Keys typed ahead (over a slow
 * link, or "text, Enter, q" sent together) are few, and stay keys: an
 * Enter among them submits.  Bursts this long are not typed. */
#define PASTE_BURST_MIN 24

static bool looks_like_paste(const struct app *a)
{
    if (a->queue_len < PASTE_BURST_MIN)
        return false;
    for (size_t i = 0; i < a->queue_len; i++)
        if (a->queue[i].fkey || a->queue[i].paste)
            return false;
    return true;
}

static void app_input(void *data)
{
    struct app *a = data;
    int sig = term_take_signal();
    if (sig == SIGINT) {
        a->dirty |= request_quit(a);
    } else if (sig) {
        /* SIGTERM, SIGHUP: no time to ask; keep unsaved work. */
        recover_save(a, sig);
        a->quit = true;
        a->exit_status = 128 + sig;
        return;
    }
    if (a->loop.input_eof) {
        /* The terminal went away without a signal. */
        recover_save(a, 0);
        a->quit = true;
        return;
    }
    /* Read everything the terminal has, then handle it: a key knows
     * whether more input is queued behind it (a paste without bracketed
     * paste). */
    for (;;) {
        a->queue_len = 0;
        strbuf_reset(&a->paste_text);
        bool full = false;
        struct term_input ev;
        while (term_read_input(&ev)) {
            if (!queue_push(a, &ev)) {
                full = true;
                break;
            }
        }
        /* A sequence or paste whose end never came: a paste is taken as
         * it is, a sequence dropped. */
        long long open_ms = term_input_open_ms();
        if (!full && open_ms >= INPUT_STALL_MS && term_input_flush(&ev))
            queue_push(a, &ev);
        bool burst = full || looks_like_paste(a);
        for (size_t i = 0; i < a->queue_len && !a->quit; i++)
            handle_queued(a, i, burst && (full || i + 1 < a->queue_len));
        if (!full || a->quit)
            break;
    }
    flush_pending(a);
    long long open_ms = term_input_open_ms();
    if (open_ms >= 0 && !a->input_timer)
        a->input_timer =
            loop_set_timer(&a->loop, INPUT_STALL_MS - (open_ms < INPUT_STALL_MS ? open_ms : 0),
                           input_timer_fired, a);
}

/* The stop signals' self-pipe is readable: app_input, which the loop
 * calls right after, takes the signal (and empties the pipe). */
static void signal_ready(int fd, short revents, void *data) { (void)fd, (void)revents, (void)data; }

/* --print-on-exit: the drafts as zone lines, written by the core's zone
 * writer, once the screen is closed. */
static void print_records(struct app *a)
{
    struct strbuf out = STRBUF_INIT;
    /* An untouched template is no record of the user's: the DKIM one has
     * an empty p=, which revokes the selector if published. */
    struct drafts tmpl;
    drafts_init(&tmpl);
    drafts_load_template(&tmpl);
    /* SPF, DMARC, then every DKIM draft (one per selector). */
    size_t ndkim = drafts_dkim_count(&a->drafts);
    for (size_t e = 0; e < DRAFT_DKIM + ndkim; e++) {
        size_t s = e < DRAFT_DKIM ? e : DRAFT_DKIM;
        const struct record *r =
            e < DRAFT_DKIM ? &a->drafts.rec[s] : drafts_dkim_record(&a->drafts, e - DRAFT_DKIM);
        const struct record *t = &tmpl.rec[s];
        if (!r || r->len == 0 || (r->len == t->len && memcmp(r->text, t->text, r->len) == 0))
            continue;
        struct strbuf owner = STRBUF_INIT;
        if (e < DRAFT_DKIM)
            drafts_owner_name(&a->drafts, (enum draft_slot)s, &owner);
        else
            strbuf_printf(&owner, "%s._domainkey.%s",
                          drafts_dkim_selector(&a->drafts, e - DRAFT_DKIM), a->drafts.domain);
        const char *kind = record_kind_name(r->kind);
        if (!a->drafts.domain[0]) { /* no owner name: the value, said so */
            strbuf_printf(&out, "; %s (no domain set, so no zone line): ", kind);
            strbuf_append(&out, r->text, r->len);
            strbuf_putc(&out, '\n');
            strbuf_free(&owner);
        } else if (!zone_line_at(a, r, &owner, &out)) {
            fprintf(stderr, "authtxt: the %s record is too long for one DNS record\n", kind);
        } else {
            strbuf_putc(&out, '\n');
        }
    }
    drafts_free(&tmpl);
    fwrite(strbuf_cstr(&out), 1, out.len, stdout);
    fflush(stdout);
    strbuf_free(&out);
}

static bool app_done(void *data)
{
    struct app *a = data;
    testdump_turn(a); /* tests only: after every turn's redraw (testdump.c) */
    return a->quit;
}

/* ---------------------------------------------------------------------- */
/* Start and end                                                          */

static void app_free(struct app *a)
{
    for (int t = 0; t < TAB_COUNT; t++)
        if (a->tab_state[t] && tab_table[t]->destroy)
            tab_table[t]->destroy(a->tab_state[t]);
    free_windows(a);
    drafts_free(&a->drafts);
    free(a->lint_items);
    lineedit_free(&a->raw);
    lineedit_free(&a->domain_edit);
    strbuf_free(&a->raw_orig);
    strbuf_free(&a->explain.here);
    strbuf_free(&a->explain.note);
    doc_free(&a->explain_doc);
    help_view_free(&a->help);
    dialog_free(&a->dialog);
    strbuf_free(&a->saved_zone);
    strbuf_free(&a->path);
    strbuf_free(&a->scratch);
    strbuf_free(&a->paste_text);
    diag_list_free(&a->spoof);
    free(a->queue);
    live_free(a);
}

/* The start screen says where this session's unsaved drafts would be kept
 * if the terminal went away, or that they could not be (recover.c). */
static void app_note_recovery(struct app *a)
{
    const char *why, *file = recover_where(&why);
    if (!file) {
        app_message(a, ROLE_WARNING, "%s", why);
        return;
    }
    const char *home = getenv("HOME");
    size_t hn = home ? strlen(home) : 0;
    bool tilde = hn > 1 && strncmp(file, home, hn) == 0 && file[hn] == '/';
    char earlier[sizeof a->message];
    memcpy(earlier, a->message, sizeof earlier);
    enum ui_role role = earlier[0] ? a->message_role : ROLE_INFO;
    app_message(a, role, "%s%srecovery file: %s%s", earlier, earlier[0] ? " · " : "",
                tilde ? "~" : "", tilde ? file + hn : file);
}

static bool app_load_initial(struct app *a, struct strbuf *why)
{
    const struct tui_options *o = &a->opts;
    drafts_init(&a->drafts);
    a->drafts.now = (long long)time(NULL);
    if (o->load_path) {
        if (!files_load(a, o->load_path, why))
            return false;
    } else if (o->example) {
        drafts_load_example(&a->drafts);
    } else {
        drafts_load_template(&a->drafts);
    }
    if (o->domain && !drafts_set_domain(&a->drafts, o->domain)) {
        strbuf_printf(why, "'%s' is not a domain name", o->domain);
        return false;
    }
    /* Every --selector opens a DKIM draft; the first is the one edited.
     * A selector the loaded file already has a draft for is that draft. */
    if (o->nselectors > DRAFTS_DKIM_MAX) {
        strbuf_printf(why, "%zu selectors given: the editor holds at most %d DKIM drafts",
                      o->nselectors, DRAFTS_DKIM_MAX);
        return false;
    }
    for (size_t i = 0; i < o->nselectors; i++) {
        bool ok = (i == 0 && drafts_dkim_find(&a->drafts, o->selectors[0]) < 0)
                      ? drafts_set_selector(&a->drafts, o->selectors[0])
                      : drafts_dkim_add_selector(&a->drafts, o->selectors[i], NULL);
        if (!ok) {
            strbuf_printf(why, "'%s' is not a DKIM selector (DNS labels)", o->selectors[i]);
            return false;
        }
    }
    if (o->nselectors > 1)
        drafts_dkim_select(&a->drafts, (size_t)drafts_dkim_find(&a->drafts, o->selectors[0]));
    /* Start-up is not an edit: nothing to undo yet. */
    drafts_history_reset(&a->drafts);
    /* What is on screen at start counts as saved: only edits ask. */
    strbuf_reset(&a->saved_zone);
    drafts_to_zone(&a->drafts, &a->saved_zone);
    return true;
}

int tui_run(const struct tui_options *opts)
{
    static struct app app; /* large; one per process */
    struct app *a = &app;
    memset(a, 0, sizeof *a);
    a->opts = *opts;
    a->started_ms = loop_now_ms();
    strbuf_init(&a->scratch);
    strbuf_init(&a->paste_text);
    diag_list_init(&a->spoof);
    a->paste_text.limit = 4 * TERM_PASTE_MAX;
    a->print_on_exit = opts->print_on_exit;
    strbuf_init(&a->saved_zone);
    strbuf_init(&a->path);
    strbuf_init(&a->raw_orig);
    strbuf_init(&a->explain.here);
    strbuf_init(&a->explain.note);
    doc_init(&a->explain_doc);
    lineedit_init(&a->raw, false);
    lineedit_init(&a->domain_edit, false);
    help_view_init(&a->help);
    dialog_init(&a->dialog);
    loop_init(&a->loop);

    struct strbuf why = STRBUF_INIT;
    int status = 0;
    if (!app_load_initial(a, &why)) {
        fprintf(stderr, "authtxt: %s\n", strbuf_cstr(&why));
        status = 3;
        goto done;
    }
    for (int t = 0; t < TAB_COUNT; t++) {
        a->tab_state[t] = tab_table[t]->create(a);
        if (!a->tab_state[t]) {
            fprintf(stderr, "authtxt: out of memory\n");
            status = 3;
            goto done;
        }
    }
    if (!term_open(opts->no_color, opts->no_mouse, &why)) {
        fprintf(stderr, "authtxt: %s\n", strbuf_cstr(&why));
        status = 3;
        goto done;
    }
    app_reload_tabs(a);
    a->dirty = DIRTY_ALL;
    recover_init();
    recover_offer(a);
    app_note_recovery(a);
    /* authtxt DOMAIN: fetch what it publishes; without --load those
     * records become the drafts. */
    if (opts->domain)
        live_fetch(a, opts->load_path == NULL);
    if (term_signal_fd() >= 0)
        loop_watch_fd(&a->loop, term_signal_fd(), POLLIN, signal_ready, a);
    struct loop_client client = {a, app_input, app_redraw, app_done};
    loop_run(&a->loop, &client);
    status = a->exit_status;
    /* Windows first: delscreen (in term_close) frees what they point to. */
    free_windows(a);
    term_close();
    if (a->print_on_exit && status == 0)
        print_records(a);
done:
    app_free(a);
    strbuf_free(&why);
    if (status > 128) { /* a stop signal: end the way it asked */
        signal(status - 128, SIG_DFL);
        raise(status - 128);
    }
    return status;
}
