/* The Live tab: the fetched records, the SPF include tree and the diff
 * against the drafts.  The DNS layer (src/net) is not in this build yet,
 * so the tab says so and what to use meanwhile. */
#include <stdlib.h>
#include <string.h>

#include "tui_app.h"

struct live_tab {
    struct form form;
};

static void rebuild(struct app *a, struct live_tab *t)
{
    struct form *f = &t->form;
    form_begin(f);
    form_add(f, FIELD_HEADING, 0, 0, "Live records");
    static const char *const lines[] = {
        "Fetching the published records, the SPF include tree",
        "with its lookup count and the diff against the drafts",
        "need the DNS layer, which is not part of this build.",
        "",
        "Meanwhile: save the drafts (^S) and compare them with",
        "dig +short TXT <name> for each record name.",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct field *fld = form_add(f, FIELD_INFO, 0, (int)i + 1, "");
        if (fld) {
            form_set_text(f, fld, lines[i], strlen(lines[i]));
            fld->dim = i < 3;
        }
    }
    struct field *fld = form_add(f, FIELD_INFO, 0, 10, "domain");
    if (fld)
        form_set_text(f, fld, a->drafts.domain, strlen(a->drafts.domain));
    form_end(f, 0, 0);
}

static void *live_tab_create(struct app *a)
{
    (void)a;
    struct live_tab *t = calloc(1, sizeof *t);
    if (t)
        form_init(&t->form);
    return t;
}

static void live_tab_destroy(void *st)
{
    struct live_tab *t = st;
    form_free(&t->form);
    free(t);
}

static void live_tab_reload(struct app *a, void *st) { rebuild(a, st); }

static void live_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                          bool focused)
{
    struct live_tab *t = st;
    (void)a;
    form_draw(&t->form, w, y, x, rows, cols, focused);
}

static unsigned live_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                             bool more, bool *handled)
{
    (void)a, (void)st, (void)act, (void)key, (void)fkey, (void)more;
    *handled = false;
    return 0;
}

static void live_tab_explain(struct app *a, void *st, struct explain *out)
{
    (void)a, (void)st;
    strbuf_puts(&out->note, "F1 opens the help browser: every tag, mechanism and lint rule "
                            "explained, searchable with /.");
}

static void live_tab_position(struct app *a, void *st, struct strbuf *out)
{
    (void)a, (void)st;
    strbuf_puts(out, "not available");
}

const struct tab_ops live_tab_ops = {
    .name = "Live",
    .keymap = KEYMAP_COMPOSE,
    .create = live_tab_create,
    .destroy = live_tab_destroy,
    .reload = live_tab_reload,
    .draw = live_tab_draw,
    .key = live_tab_key,
    .explain = live_tab_explain,
    .position = live_tab_position,
};
