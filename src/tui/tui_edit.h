/* A one-line text editor (lineedit.c) for form fields, the raw record
 * edit, prompts and the help search.  UTF-8 aware, capped, and drawn
 * through draw.c, so pasted control characters show escaped.  A field
 * that accepts multi-line pastes (a PEM key, a folded DKIM-Signature)
 * keeps the line breaks of a paste; typing Enter still submits. */
#ifndef AUTHTXT_TUI_EDIT_H
#define AUTHTXT_TUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#include "authtxt/strbuf.h"

/* Largest text an editor holds: a record's limit (RECORD_MAX_LEN). */
#define LINEEDIT_MAX 65535

struct lineedit {
    struct strbuf text; /* the contents; may hold any byte that was pasted */
    size_t cursor;      /* byte offset, on a character boundary */
    int scroll;         /* first display column shown (single-row draw) */
    bool multiline;     /* keep line breaks that arrive inside a paste */
    bool in_paste;      /* between bracketed-paste markers */
};

enum lineedit_result {
    LINEEDIT_UNHANDLED = 0, /* not an editing key: the caller decides */
    LINEEDIT_MOVED,         /* cursor moved, text unchanged */
    LINEEDIT_CHANGED,       /* text changed */
    LINEEDIT_SUBMIT,        /* Enter typed */
    LINEEDIT_CANCEL,        /* Esc */
};

void lineedit_init(struct lineedit *e, bool multiline);
void lineedit_free(struct lineedit *e);
/* Replace the contents; the cursor goes to the end. */
void lineedit_set(struct lineedit *e, const char *text, size_t len);
const char *lineedit_text(const struct lineedit *e, size_t *len);

/* Feed one key.  Between TERM_KEY_PASTE_BEGIN and TERM_KEY_PASTE_END
 * every key is text (Enter and Tab included).  more_pending says the key
 * is inside an unbracketed paste (a terminal without bracketed paste sent
 * a long burst of plain keys): Enter and Tab are text then too.  Keys
 * that are merely typed ahead are not that (app.c decides). */
enum lineedit_result lineedit_key(struct lineedit *e, int key, bool fkey, bool more_pending);

/* Insert a pasted text at the cursor, as the text it is (never as keys):
 * line breaks and tabs kept in a multi-line editor, spaces elsewhere;
 * other control characters kept and shown escaped.  False when it did not
 * all fit (LINEEDIT_MAX): what fitted is kept.  O(len + text length). */
bool lineedit_paste(struct lineedit *e, const char *text, size_t len);

/* Draw on one row of `width` columns, scrolled horizontally so the cursor
 * is visible; the cursor cell is shown reversed when show_cursor. */
void lineedit_draw(struct lineedit *e, WINDOW *w, int y, int x, int width, attr_t attr,
                   bool show_cursor);
/* Draw wrapped over up to `rows` rows of `width` columns (long records),
 * scrolled so the cursor's row is visible. */
void lineedit_draw_wrapped(struct lineedit *e, WINDOW *w, int y, int x, int width, int rows,
                           attr_t attr, bool show_cursor);

#endif
