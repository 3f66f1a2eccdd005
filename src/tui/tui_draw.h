/* Drawing text (draw.c).  Every string that reaches the screen, trusted
 * or not, goes through draw_glyph_at, which renders it with the core's
 * safetext_escape: control characters, ESC, bidi overrides and invalid
 * UTF-8 are shown as \x1b-style escapes and never sent raw, and on a
 * terminal without UTF-8 every non-ASCII character is shown as \u{...}.
 * Widths are display columns, so cutting, wrapping and underlining line up
 * with what the terminal shows. */
#ifndef AUTHTXT_TUI_DRAW_H
#define AUTHTXT_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#include "authtxt/strbuf.h"

/* The safe rendering of the character that starts at text[i]. */
struct draw_glyph {
    size_t len;    /* bytes of text it covers (1 for an invalid byte) */
    char out[24];  /* what is drawn, NUL-terminated */
    int width;     /* display columns of out */
};

void draw_glyph_at(const char *text, size_t len, size_t i, struct draw_glyph *g);

/* Display width of text[0..len) once rendered.  O(len). */
int draw_width(const char *text, size_t len);
int draw_str_width(const char *s);

/* An attribute for the bytes [start, end) of the text being drawn (later
 * marks win over earlier ones). */
struct draw_mark {
    size_t start, end;
    attr_t attr;
};

/* Draw text[0..len) at (y, x) in at most `width` columns with attribute
 * `attr`, overridden per byte by marks (may be NULL).  When the text does
 * not fit, the last column shows an ellipsis.  Returns the columns used. */
int draw_text(WINDOW *w, int y, int x, int width, const char *text, size_t len, attr_t attr,
              const struct draw_mark *marks, size_t nmarks);
/* Same for a NUL-terminated string without marks. */
int draw_str(WINDOW *w, int y, int x, int width, const char *s, attr_t attr);
/* Draw text[from..len) without an ellipsis (for scrolled editors): at
 * most width columns.  Returns the columns used. */
int draw_text_from(WINDOW *w, int y, int x, int width, const char *text, size_t len, size_t from,
                   attr_t attr);
/* Fill n cells with spaces. */
void draw_fill(WINDOW *w, int y, int x, int n, attr_t attr);

/* Word wrapping.  Breaks text[0..len) into lines of at most width
 * columns, preferring breaks after spaces; with hard_newlines a '\n'
 * ends a line (help texts), otherwise it is just a (escaped) character.
 * Writes the byte offset where each line starts to starts[] (at most max)
 * and returns how many lines there are in total (which may exceed max).
 * A line's end is the next line's start (trailing spaces and the '\n'
 * included).  O(len). */
size_t draw_wrap(const char *text, size_t len, int width, bool hard_newlines, size_t *starts,
                 size_t max);
/* Draw line [start, end) of a wrapped text without its trailing spaces. */
int draw_line(WINDOW *w, int y, int x, int width, const char *text, size_t start, size_t end,
              attr_t attr, const struct draw_mark *marks, size_t nmarks);
/* Wrap and draw a paragraph text (hard newlines), skipping the first
 * `skip` lines and drawing at most max_rows.  Returns the number of lines
 * the whole text takes (whether drawn or not). */
int draw_paragraphs(WINDOW *w, int y, int x, int width, int max_rows, int skip, const char *text,
                    attr_t attr);

/* A document of wrapped paragraphs (the Explain pane, the help browser):
 * built once per change, drawn scrolled.  Each block is one paragraph;
 * its first label_len bytes are drawn in the label's attribute. */
struct doc_block {
    size_t off, len, label_len;
    attr_t attr, label_attr;
};

struct doc {
    struct doc_block *blocks;
    size_t count, cap;
    struct strbuf text; /* the blocks' bytes */
};

void doc_init(struct doc *d);
void doc_reset(struct doc *d);
void doc_free(struct doc *d);
/* A paragraph (hard newlines break lines); "" adds a blank line. */
void doc_add(struct doc *d, attr_t attr, const char *text);
void doc_addf(struct doc *d, attr_t attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prose as the help sources write it: a single line break is a space
 * (the source was wrapped), a blank line separates paragraphs. */
void doc_add_prose(struct doc *d, attr_t attr, const char *text);
/* "Label: text" with the label in label_attr; nothing when text is empty. */
void doc_add_field(struct doc *d, attr_t label_attr, const char *label, attr_t attr,
                   const char *text);
/* Draw lines [skip, skip + rows) at (y, x), width columns wide.  Returns
 * the number of lines of the whole document. */
int doc_draw(const struct doc *d, WINDOW *w, int y, int x, int width, int rows, int skip);

#endif
