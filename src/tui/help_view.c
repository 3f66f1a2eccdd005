/* The help browser (F1, ?): every entry of the help table (help.h) plus
 * the key list generated from the key table, searchable with '/',
 * scrollable, each entry with its title, summary, default, values,
 * example, RFC section, common mistakes and body. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/help.h"
#include "tui_app.h"

/* Entry 0 of the list is the key list; entry k > 0 is help_at(k - 1). */
static size_t entry_count(void) { return help_count() + 1; }

void help_view_init(struct help_view *h)
{
    memset(h, 0, sizeof *h);
    lineedit_init(&h->search, false);
    doc_init(&h->doc);
}

void help_view_free(struct help_view *h)
{
    free(h->match);
    lineedit_free(&h->search);
    doc_free(&h->doc);
}

static int fold(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

/* Case-insensitive (ASCII) substring test. */
static bool contains(const char *hay, const char *needle, size_t nlen)
{
    if (!hay)
        return false;
    if (nlen == 0)
        return true;
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < nlen && p[k] && fold((unsigned char)p[k]) == fold((unsigned char)needle[k]))
            k++;
        if (k == nlen)
            return true;
    }
    return false;
}

/* Case-insensitive (ASCII) equality of s and the first n bytes of q. */
static bool equals(const char *s, size_t slen, const char *q, size_t qlen)
{
    if (slen != qlen)
        return false;
    for (size_t i = 0; i < qlen; i++)
        if (fold((unsigned char)s[i]) != fold((unsigned char)q[i]))
            return false;
    return true;
}

/* Does a word of s (its start, or after a space, '.', '=', ':' or '-')
 * begin with q? */
static bool word_prefix(const char *s, const char *q, size_t qlen)
{
    for (const char *p = s; p && *p; p++) {
        if (p != s && !strchr(" .=:-(/", p[-1]))
            continue;
        size_t k = 0;
        while (k < qlen && p[k] && fold((unsigned char)p[k]) == fold((unsigned char)q[k]))
            k++;
        if (k == qlen)
            return true;
    }
    return false;
}

/* How well entry k matches the query, best 0; -1 when it does not.  An
 * entry whose name is the query ("p" is "p: policy for the domain",
 * "include" is "spf.mech.include") comes first, then titles that have a
 * word starting with it, then titles containing it, then the other
 * fields.  *name_len: the length of the entry's name, the tie-break (for
 * "reject", p=reject before np=reject). */
static int entry_rank(size_t k, const char *q, size_t qlen, size_t *name_len)
{
    const char *title, *id;
    const struct help_entry *e = NULL;
    if (k == 0) {
        title = "Keys", id = "keys";
    } else {
        e = help_at(k - 1);
        title = e->title ? e->title : "", id = e->id;
    }
    /* the name is the title up to ": ", or the id's last part */
    const char *colon = strstr(title, ": ");
    *name_len = colon ? (size_t)(colon - title) : strlen(title);
    if (qlen == 0)
        return 0;
    const char *last = strrchr(id, '.');
    last = last ? last + 1 : id;
    if (equals(title, *name_len, q, qlen) || equals(title, strlen(title), q, qlen) ||
        equals(last, strlen(last), q, qlen))
        return 0;
    if (word_prefix(title, q, qlen))
        return 1;
    if (contains(title, q, qlen))
        return 2;
    if (contains(id, q, qlen))
        return 3;
    if (k == 0)
        return contains("key bindings shortcuts", q, qlen) ? 4 : -1;
    if (contains(e->summary, q, qlen) || contains(e->values, q, qlen))
        return 4;
    if (contains(e->rfc, q, qlen) || contains(e->mistakes, q, qlen) ||
        contains(e->example, q, qlen) || contains(e->body, q, qlen))
        return 5;
    return -1;
}

struct ranked {
    int rank;
    size_t name_len, k;
};

static int ranked_cmp(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->rank <= 1 && a->name_len != b->name_len) /* the shorter name is the closer match */
        return a->name_len < b->name_len ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k; /* then the table's order (by id) */
}

static void refilter(struct help_view *h)
{
    size_t n = entry_count();
    size_t *m = realloc(h->match, n * sizeof *m);
    if (!m)
        return;
    h->match = m;
    struct ranked *r = malloc(n * sizeof *r);
    if (!r)
        return;
    size_t qlen;
    const char *q = lineedit_text(&h->search, &qlen);
    size_t keep = h->nmatch && h->sel < h->nmatch ? h->match[h->sel] : 0;
    size_t nr = 0;
    for (size_t k = 0; k < n; k++) {
        size_t name_len;
        int rank = entry_rank(k, q, qlen, &name_len);
        if (rank >= 0)
            r[nr++] = (struct ranked){rank, name_len, k};
    }
    /* O(n log n) over a few hundred entries, once per key typed. */
    if (qlen)
        qsort(r, nr, sizeof *r, ranked_cmp);
    h->nmatch = 0;
    h->sel = 0;
    for (size_t i = 0; i < nr; i++) {
        if (r[i].k == keep && !qlen)
            h->sel = h->nmatch;
        h->match[h->nmatch++] = r[i].k;
    }
    free(r);
    /* Searching: the best match is selected; the key list is rarely what
     * is meant. */
    if (qlen && h->nmatch > 1 && h->match[0] == 0)
        h->sel = 1;
    h->text_top = 0;
    h->doc_for = 0;
    h->list_top = 0;
}

void help_view_paste(struct app *a, const char *text, size_t len)
{
    struct help_view *h = &a->help;
    h->searching = true;
    /* One line of search: a pasted line break is a space. */
    h->search.multiline = false;
    lineedit_paste(&h->search, text, len);
    refilter(h);
    a->dirty |= DIRTY_OVERLAY;
}

void help_view_open(struct app *a, const char *id)
{
    struct help_view *h = &a->help;
    h->open = true;
    h->searching = false;
    lineedit_set(&h->search, "", 0);
    h->nmatch = 0;
    refilter(h);
    h->sel = 0;
    if (id) {
        for (size_t k = 0; k < h->nmatch; k++) {
            const struct help_entry *e = h->match[k] ? help_at(h->match[k] - 1) : NULL;
            if (e && strcmp(e->id, id) == 0) {
                h->sel = k;
                break;
            }
        }
    }
    h->list_top = 0;
    h->text_top = 0;
    h->doc_for = 0;
    a->dirty |= DIRTY_OVERLAY;
}

static void build_keys_doc(struct doc *d)
{
    size_t n;
    const struct key_binding *keys = keys_table(&n);
    doc_add(d, term_attr(ROLE_HEADING), "Keys");
    doc_add(d, term_attr(ROLE_NORMAL),
            "The keys of each place, most specific first; a tab's keys win over the keys "
            "that work anywhere. The status line shows the most useful ones.");
    static const enum keymap order[] = {KEYMAP_GLOBAL, KEYMAP_COMPOSE, KEYMAP_SPF,  KEYMAP_DMARC,
                                        KEYMAP_DKIM,   KEYMAP_LIVE,    KEYMAP_LINT, KEYMAP_EDIT,
                                        KEYMAP_DIALOG, KEYMAP_HELP};
    for (size_t m = 0; m < sizeof order / sizeof order[0]; m++) {
        doc_add(d, term_attr(ROLE_NORMAL), "");
        doc_add(d, term_attr(ROLE_HEADING), keys_map_title(order[m]));
        for (size_t i = 0; i < n; i++) {
            if (keys[i].map != order[m])
                continue;
            /* One line per action: its keys joined. */
            bool seen = false;
            for (size_t j = 0; j < i; j++)
                if (keys[j].map == order[m] && keys[j].action == keys[i].action)
                    seen = true;
            if (seen)
                continue;
            char names[64] = "";
            size_t used = 0;
            for (size_t j = i; j < n; j++) {
                if (keys[j].map != order[m] || keys[j].action != keys[i].action)
                    continue;
                if (strstr(names, keys[j].name) && strlen(keys[j].name) > 1)
                    continue;
                int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                                 keys[j].name);
                if (w < 0 || (size_t)w >= sizeof names - used)
                    break;
                used += (size_t)w;
            }
            doc_add_field(d, term_attr(ROLE_LABEL), names, term_attr(ROLE_NORMAL), keys[i].label);
        }
    }
}

static void build_doc(struct help_view *h)
{
    size_t k = h->nmatch ? h->match[h->sel] : 0;
    if (h->doc_for == k + 1)
        return;
    doc_reset(&h->doc);
    h->doc_for = k + 1;
    if (!h->nmatch) {
        doc_add(&h->doc, term_attr(ROLE_DIM), "No entry matches the search.");
        return;
    }
    if (k == 0) {
        build_keys_doc(&h->doc);
        return;
    }
    const struct help_entry *e = help_at(k - 1);
    attr_t label = term_attr(ROLE_LABEL), normal = term_attr(ROLE_NORMAL);
    doc_add(&h->doc, term_attr(ROLE_HEADING), e->title);
    doc_addf(&h->doc, term_attr(ROLE_DIM), "%s  %s  %s", e->id, term_glyph(GLYPH_DOT),
             e->rfc && *e->rfc ? e->rfc : "no RFC section");
    doc_add(&h->doc, normal, "");
    doc_add(&h->doc, normal, e->summary);
    doc_add(&h->doc, normal, "");
    doc_add_field(&h->doc, label, "Default", normal, e->default_value);
    doc_add_field(&h->doc, label, "Values", normal, e->values);
    doc_add_field(&h->doc, label, "Example", normal, e->example);
    doc_add_field(&h->doc, label, "RFC", normal, e->rfc);
    if (e->mistakes && *e->mistakes) {
        doc_add(&h->doc, normal, "");
        doc_add_field(&h->doc, label, "Common mistakes", normal, e->mistakes);
    }
    if (e->body && *e->body) {
        doc_add(&h->doc, normal, "");
        doc_add_prose(&h->doc, normal, e->body);
    }
}

unsigned help_view_key(struct app *a, int key, bool fkey, bool more)
{
    struct help_view *h = &a->help;
    if (h->searching) {
        enum lineedit_result r = lineedit_key(&h->search, key, fkey, more);
        switch (r) {
        case LINEEDIT_CHANGED:
            refilter(h);
            return DIRTY_OVERLAY;
        case LINEEDIT_SUBMIT:
            h->searching = false;
            return DIRTY_OVERLAY;
        case LINEEDIT_CANCEL:
            h->searching = false;
            lineedit_set(&h->search, "", 0);
            refilter(h);
            return DIRTY_OVERLAY;
        case LINEEDIT_MOVED:
            return DIRTY_OVERLAY;
        case LINEEDIT_UNHANDLED:
            if (!(fkey &&
                  (key == KEY_UP || key == KEY_DOWN || key == KEY_NPAGE || key == KEY_PPAGE)))
                return 0;
            break; /* moving in the list while searching */
        }
    }
    enum action act = keys_lookup(KEYMAP_HELP, key, fkey);
    int page = h->text_rows > 2 ? h->text_rows - 1 : 1;
    switch (act) {
    case ACT_CLOSE:
        h->open = false;
        return DIRTY_ALL & ~DIRTY_LAYOUT;
    case ACT_UP:
        if (h->sel > 0)
            h->sel--;
        h->text_top = 0;
        break;
    case ACT_DOWN:
        if (h->sel + 1 < h->nmatch)
            h->sel++;
        h->text_top = 0;
        break;
    case ACT_HOME:
        h->sel = 0;
        h->text_top = 0;
        break;
    case ACT_END:
        h->sel = h->nmatch ? h->nmatch - 1 : 0;
        h->text_top = 0;
        break;
    case ACT_PAGE_UP:
        h->text_top -= page;
        if (h->text_top < 0)
            h->text_top = 0;
        break;
    case ACT_PAGE_DOWN:
        if (h->text_top + page < h->text_lines)
            h->text_top += page;
        break;
    case ACT_SEARCH:
        h->searching = true;
        break;
    default:
        return 0;
    }
    return DIRTY_OVERLAY;
}

/* Geometry of the last draw (for clicks). */
static int list_x1, list_y0, text_x0;

void help_view_draw(struct app *a)
{
    struct help_view *h = &a->help;
    int lines = a->layout.lines, cols = a->layout.cols;
    if (a->win_overlay)
        delwin(a->win_overlay);
    a->win_overlay = term_window(lines, cols, 0, 0);
    WINDOW *w = a->win_overlay;
    if (!w)
        return;
    werase(w);
    /* Title bar. */
    draw_fill(w, 0, 0, cols, term_attr(ROLE_NORMAL));
    size_t qlen;
    const char *q = lineedit_text(&h->search, &qlen);
    size_t total = entry_count();
    strbuf_reset(&a->scratch);
    if (qlen)
        strbuf_printf(&a->scratch, "Help %s %zu of %zu match '%s'", term_glyph(GLYPH_DOT),
                      h->nmatch, total, q);
    else
        strbuf_printf(&a->scratch, "Help %s %zu entries", term_glyph(GLYPH_DOT), total);
    draw_str(w, 0, 1, cols - 2, strbuf_cstr(&a->scratch), term_attr(ROLE_APP_TITLE));

    int body_h = lines - 2;
    int list_w = cols / 3 < 36 ? cols / 3 : 36;
    WINDOW *lw = derwin(w, body_h, list_w, 1, 0);
    WINDOW *tw = derwin(w, body_h, cols - list_w, 1, list_w);
    if (!lw || !tw) {
        if (lw)
            delwin(lw);
        if (tw)
            delwin(tw);
        return;
    }
    term_frame(lw, ROLE_BORDER);
    term_frame(tw, ROLE_BORDER_FOCUS);
    int rows = body_h - 2;
    if ((int)h->sel < h->list_top)
        h->list_top = (int)h->sel;
    if ((int)h->sel >= h->list_top + rows)
        h->list_top = (int)h->sel - rows + 1;
    list_x1 = list_w;
    list_y0 = 2;
    for (int r = 0; r < rows && (size_t)(h->list_top + r) < h->nmatch; r++) {
        size_t idx = (size_t)(h->list_top + r);
        size_t k = h->match[idx];
        attr_t at = idx == h->sel ? term_attr(ROLE_SELECTED) : term_attr(ROLE_NORMAL);
        draw_fill(lw, 1 + r, 1, list_w - 2, at);
        /* The title, after the kind it is about ("DMARC p: policy for
         * the domain"): the id is for the CLI, not for reading. */
        int x = 2;
        if (k) {
            const struct help_entry *e = help_at(k - 1);
            char kind[12];
            size_t kl = 0;
            while (e->id[kl] && e->id[kl] != '.' && kl + 1 < sizeof kind) {
                char c = e->id[kl];
                kind[kl++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c == '_' ? '-' : c;
            }
            kind[kl] = '\0';
            attr_t kind_attr = idx == h->sel ? at : term_attr(ROLE_DIM);
            x += draw_str(lw, 1 + r, x, list_w - 2 - x, kind, kind_attr) + 1;
            draw_str(lw, 1 + r, x, list_w - 2 - x, e->title && *e->title ? e->title : e->id, at);
        } else {
            draw_str(lw, 1 + r, x, list_w - 4, "Keys",
                     idx == h->sel ? at : term_attr(ROLE_HEADING));
        }
    }
    if (!h->nmatch)
        draw_str(lw, 1, 2, list_w - 4, "(no match)", term_attr(ROLE_DIM));
    build_doc(h);
    text_x0 = list_w;
    h->text_rows = rows;
    h->text_lines = doc_draw(&h->doc, tw, 1, 2, cols - list_w - 4, rows, h->text_top);
    if (h->text_top > 0)
        draw_str(tw, 1, cols - list_w - 1, 1, term_glyph(GLYPH_MORE_UP), term_attr(ROLE_DIM));
    if (h->text_top + rows < h->text_lines)
        draw_str(tw, rows, cols - list_w - 1, 1, term_glyph(GLYPH_MORE_DOWN), term_attr(ROLE_DIM));
    delwin(lw);
    delwin(tw);

    /* Status line: the search field, or the keys of the help keymap. */
    attr_t base = term_attr(ROLE_STATUS), keyattr = term_attr(ROLE_STATUS_KEY);
    draw_fill(w, lines - 1, 0, cols, base);
    if (h->searching) {
        draw_str(w, lines - 1, 1, 8, "Search:", keyattr);
        lineedit_draw(&h->search, w, lines - 1, 9, cols - 40, term_attr(ROLE_EDIT), true);
        draw_str(w, lines - 1, cols - 30, 29, "Enter keep  Esc clear", base);
    } else {
        size_t n;
        const struct key_binding *keys = keys_table(&n);
        int x = 1;
        for (size_t i = 0; i < n; i++) {
            if (keys[i].map != KEYMAP_HELP || !keys[i].status)
                continue;
            const char *label = keys[i].brief ? keys[i].brief : keys[i].label;
            x += draw_str(w, lines - 1, x, cols - x, keys[i].status, keyattr) + 1;
            x += draw_str(w, lines - 1, x, cols - x, label, base) + 2;
        }
    }
    wnoutrefresh(w);
}

bool help_view_click(struct app *a, int y, int x)
{
    struct help_view *h = &a->help;
    if (x < list_x1) {
        int idx = h->list_top + (y - list_y0);
        if (y >= list_y0 && idx >= 0 && (size_t)idx < h->nmatch) {
            h->sel = (size_t)idx;
            h->text_top = 0;
            return true;
        }
    }
    (void)text_x0;
    return false;
}
