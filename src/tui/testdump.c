/* Test hook for the headless driver (tests/tui/keyfuzz.c): when the
 * environment names a file in AUTHTXT_TEST_DUMP, every loop turn writes
 * there, atomically (temporary file + rename), what the panes show and what
 * the core holds: the Record and Lint panes as drawn (read back from the
 * curses windows), the focused draft's text, its diagnostics, all three
 * drafts and the screen.  The driver checks the screen against the model
 * from it without a terminal emulator.  Unset, it costs one getenv per
 * process.  Nothing here changes the editor's state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "tui_app.h"

/* Writes s[0..len) as a JSON string: valid UTF-8 passes, control bytes
 * are escaped, a byte that is not UTF-8 becomes U+FFFD (the driver only
 * compares; jansson refuses invalid UTF-8). */
static void put_json_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            wchar_t wc;
            size_t n = mbrtowc(&wc, s + i, len - i, &st);
            if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
                memset(&st, 0, sizeof st);
                fputs("\xef\xbf\xbd", f);
                i++;
            } else {
                fwrite(s + i, 1, n, f);
                i += n;
            }
        }
    }
    fputc('"', f);
}

/* The exact bytes, as hex: what the driver compares and hands to
 * `authtxt lint` (the JSON string above is lossy for bytes that are not
 * UTF-8). */
static void put_hex(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", (unsigned char)s[i]);
    fputc('"', f);
}

static void put_cstr(FILE *f, const char *s) { put_json_string(f, s ? s : "", s ? strlen(s) : 0); }

/* The rows of a window as text (wide characters read back as such). */
static void put_window_rows(FILE *f, WINDOW *w, int from, int to)
{
    fputc('[', f);
    if (w) {
        int cols = getmaxx(w);
        wchar_t *line = calloc((size_t)cols + 1, sizeof *line);
        char *utf8 = malloc(((size_t)cols + 1) * MB_CUR_MAX + 1);
        for (int y = from; line && utf8 && y < to && y < getmaxy(w); y++) {
            int n = mvwinnwstr(w, y, 0, line, cols);
            size_t len = 0;
            mbstate_t st;
            memset(&st, 0, sizeof st);
            for (int i = 0; n > 0 && i < n && line[i]; i++) {
                size_t k = wcrtomb(utf8 + len, line[i], &st);
                if (k == (size_t)-1) {
                    utf8[len++] = '?';
                    memset(&st, 0, sizeof st);
                } else {
                    len += k;
                }
            }
            if (y > from)
                fputc(',', f);
            put_json_string(f, utf8, len);
        }
        free(line);
        free(utf8);
    }
    fputc(']', f);
}

void testdump_turn(struct app *a)
{
    static const char *path;
    static bool looked;
    static unsigned long seq;
    if (!looked) {
        looked = true;
        path = getenv("AUTHTXT_TEST_DUMP");
        if (path && !*path)
            path = NULL;
    }
    if (!path)
        return;
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    int pending = 0;
    if (ioctl(STDIN_FILENO, FIONREAD, &pending) != 0)
        pending = -1;
    const struct tab_ops *ops = app_tab_ops(a, a->tab);
    void *st = a->tab_state[a->tab];
    bool overlay = a->help.open || dialog_open(a);
    /* The lint list points into the record's diagnostics and is rebuilt
     * only when the panes are drawn: read it only when they were. */
    bool panes = !overlay && !a->layout.too_small;
    const struct record *r = ops->record && st ? ops->record(a, st) : NULL;
    int slot = -1;
    for (int s = 0; r && s < DRAFT_COUNT; s++)
        if (r == &a->drafts.rec[s])
            slot = s;
    fprintf(f, "{\"seq\":%lu,\"pid\":%ld,\"pending\":%d,\"tab\":%d,\"tab_name\":", ++seq,
            (long)getpid(), pending, (int)a->tab);
    put_cstr(f, ops->name);
    fprintf(f,
            ",\"cols\":%d,\"lines\":%d,\"too_small\":%s,\"raw_editing\":%s,"
            "\"field_editing\":%s,\"help_open\":%s,\"dialog\":%d,\"quit\":%s,\"modified\":%s,"
            "\"focus_lint\":%s,\"slot\":%d",
            a->layout.cols, a->layout.lines, a->layout.too_small ? "true" : "false",
            a->raw_editing ? "true" : "false",
            /* the title bar's domain field is a field being edited too */
            (ops->editing && st && ops->editing(st)) || a->domain_editing ? "true" : "false",
            a->help.open ? "true" : "false", dialog_open(a) ? (int)a->dialog.kind : 0,
            a->quit ? "true" : "false", a->modified ? "true" : "false",
            a->focus == FOCUS_LINT ? "true" : "false", slot);
    fputs(",\"dialog_title\":", f);
    put_cstr(f, dialog_open(a) ? a->dialog.title : "");
    fputs(",\"dialog_answers\":", f);
    put_cstr(f, dialog_open(a) ? a->dialog.answers : "");
    fputs(",\"message\":", f);
    put_cstr(f, a->message);
    fputs(",\"path\":", f);
    put_json_string(f, a->path.len ? a->path.data : "", a->path.len);
    if (r) {
        fputs(",\"record_text\":", f);
        put_json_string(f, r->text ? r->text : "", r->text ? r->len : 0);
        fputs(",\"record_hex\":", f);
        put_hex(f, r->text ? r->text : "", r->text ? r->len : 0);
    }
    if (panes && r) {
        fputs(",\"lint\":[", f);
        for (size_t i = 0; i < a->lint_count; i++) {
            const struct diag *d = a->lint_items[i];
            fprintf(f, "%s{\"code\":", i ? "," : "");
            put_cstr(f, rule_get(d->rule)->code);
            bool cross = app_lint_item_is_cross(a, d);
            fprintf(f, ",\"cross\":%s}", cross ? "true" : "false");
        }
        fprintf(f, "],\"lint_top\":%d", a->lint_top);
    }
    if (panes) {
        fputs(",\"record_pane\":", f);
        put_window_rows(f, a->win_record, 0, a->win_record ? getmaxy(a->win_record) : 0);
        fputs(",\"lint_pane\":", f);
        put_window_rows(f, a->win_lint, 0, a->win_lint ? getmaxy(a->win_lint) : 0);
    }
    fputs(",\"drafts\":[", f);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *d = &a->drafts.rec[s];
        if (s)
            fputc(',', f);
        put_json_string(f, d->text && d->len ? d->text : "", d->text ? d->len : 0);
    }
    fputs("],\"drafts_hex\":[", f);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *d = &a->drafts.rec[s];
        if (s)
            fputc(',', f);
        put_hex(f, d->text ? d->text : "", d->text ? d->len : 0);
    }
    fputs("],\"drafts_wanted\":[", f);
    for (int s = 0; s < DRAFT_COUNT; s++)
        fprintf(f, "%s%s", s ? "," : "", drafts_slot_wanted(&a->drafts, s) ? "true" : "false");
    fputs("],\"domain\":", f);
    put_cstr(f, a->drafts.domain);
    fputs(",\"selector\":", f);
    put_cstr(f, a->drafts.selector);
    fputs(",\"screen\":", f);
    put_window_rows(f, curscr, 0, LINES);
    fputs("}\n", f);
    bool ok = fflush(f) == 0;
    ok = fclose(f) == 0 && ok;
    if (ok)
        rename(tmp, path);
}
