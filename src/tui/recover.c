/* Drafts are never lost: when the terminal goes away (SIGHUP, or its input
 * ends) or the program is told to stop (SIGTERM) with unsaved changes, the
 * drafts are written to a recovery file; the next start offers them back.
 *
 * The file is $XDG_STATE_HOME/authtxt/recovery.zone (XDG_STATE_HOME
 * defaults to ~/.local/state), a zone fragment like any saved drafts,
 * written atomically.  It is removed once restored or discarded. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui_app.h"

/* The recovery file's path; false (out empty) when there is no home. */
static bool recover_path(struct strbuf *out, bool make_dirs)
{
    strbuf_reset(out);
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (state && state[0] == '/') {
        strbuf_puts(out, state);
    } else if (home && home[0] == '/') {
        strbuf_puts(out, home);
        strbuf_puts(out, "/.local");
        if (make_dirs)
            mkdir(strbuf_cstr(out), 0700);
        strbuf_puts(out, "/state");
    } else {
        return false;
    }
    if (make_dirs)
        mkdir(strbuf_cstr(out), 0700);
    strbuf_puts(out, "/authtxt");
    if (make_dirs)
        mkdir(strbuf_cstr(out), 0700);
    strbuf_puts(out, "/recovery.zone");
    return !out->failed;
}

bool recover_save(struct app *a, int sig)
{
    if (!a->modified)
        return true;
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, why = STRBUF_INIT;
    bool ok = false;
    if (recover_path(&path, true)) {
        strbuf_printf(&text, "; authtxt recovery: unsaved drafts%s%s, kept when the editor %s.\n",
                      a->path.len ? " of " : "", a->path.len ? strbuf_cstr(&a->path) : "",
                      sig == SIGHUP   ? "lost its terminal (SIGHUP)"
                      : sig == SIGTERM ? "was stopped (SIGTERM)"
                                       : "lost its terminal");
        drafts_to_zone(&a->drafts, &text);
        ok = !text.failed &&
             files_write_atomic(strbuf_cstr(&path), strbuf_cstr(&text), text.len, true, NULL, &why);
    }
    strbuf_free(&path);
    strbuf_free(&text);
    strbuf_free(&why);
    return ok;
}

static bool recover_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
    if (!recover_path(&path, false)) {
        strbuf_free(&path);
        return true;
    }
    if (choice == 'y') {
        /* Loaded as new, unsaved drafts: saving asks for a file. */
        if (files_load(a, strbuf_cstr(&path), &why)) {
            strbuf_reset(&a->path);
            strbuf_reset(&a->saved_zone);
            a->modified = true;
            app_reload_tabs(a);
            unlink(strbuf_cstr(&path));
            app_message(a, ROLE_GOOD, "restored the unsaved drafts of the last session: "
                                      "Ctrl-S saves them");
        } else {
            app_message(a, ROLE_ERROR, "could not restore: %s", strbuf_cstr(&why));
        }
    } else if (choice == 'd') {
        unlink(strbuf_cstr(&path));
        app_message(a, ROLE_INFO, "discarded the recovered drafts");
    } else {
        app_message(a, ROLE_INFO, "recovered drafts kept in %s for later", strbuf_cstr(&path));
    }
    a->dirty |= DIRTY_ALL;
    strbuf_free(&path);
    strbuf_free(&why);
    return true;
}

void recover_offer(struct app *a)
{
    struct strbuf path = STRBUF_INIT;
    struct stat st;
    if (recover_path(&path, false) && stat(strbuf_cstr(&path), &st) == 0 && S_ISREG(st.st_mode)) {
        static char text[600];
        snprintf(text, sizeof text,
                 "The last session ended with unsaved drafts; they were kept in %.400s. "
                 "Restore them?",
                 strbuf_cstr(&path));
        dialog_question(a, "Recovered drafts", text, "ynd",
                        "y Restore  n Later  d Discard", recover_answer, NULL);
    }
    strbuf_free(&path);
}
