/* The line editor: insert and delete by UTF-8 character, cursor keys and
 * the usual readline control keys, bracketed paste, horizontal scrolling
 * or wrapping when drawn. */
#include "tui_edit.h"

#include <string.h>

#include "authtxt/safetext.h"
#include "tui_draw.h"
#include "tui_keys.h"
#include "tui_term.h"

void lineedit_init(struct lineedit *e, bool multiline)
{
    memset(e, 0, sizeof *e);
    strbuf_init(&e->text);
    e->text.limit = LINEEDIT_MAX + 8;
    e->multiline = multiline;
}

void lineedit_free(struct lineedit *e) { strbuf_free(&e->text); }

void lineedit_set(struct lineedit *e, const char *text, size_t len)
{
    strbuf_reset(&e->text);
    if (len > LINEEDIT_MAX)
        len = LINEEDIT_MAX;
    strbuf_append(&e->text, text, len);
    e->cursor = e->text.len;
    e->scroll = 0;
    e->in_paste = false;
}

const char *lineedit_text(const struct lineedit *e, size_t *len)
{
    if (len)
        *len = e->text.len;
    return strbuf_cstr(&e->text);
}

/* The start of the character before byte offset pos. */
static size_t char_before(const struct lineedit *e, size_t pos)
{
    const char *s = strbuf_cstr(&e->text);
    for (size_t back = 2; back <= 4 && back <= pos; back++)
        if (((unsigned char)s[pos - back + 1] & 0xc0) == 0x80 &&
            safetext_utf8_char(s + pos - back, back) == back)
            return pos - back;
    return pos ? pos - 1 : 0;
}

static size_t char_after(const struct lineedit *e, size_t pos)
{
    if (pos >= e->text.len)
        return e->text.len;
    size_t n = safetext_utf8_char(strbuf_cstr(&e->text) + pos, e->text.len - pos);
    return pos + (n ? n : 1);
}

static bool insert_bytes(struct lineedit *e, const char *bytes, size_t n)
{
    if (e->text.len + n > LINEEDIT_MAX)
        return false;
    size_t old = e->text.len;
    strbuf_append(&e->text, bytes, n); /* grow; the bytes land at the end */
    if (e->text.failed || e->text.len != old + n)
        return false;
    char *d = e->text.data;
    memmove(d + e->cursor + n, d + e->cursor, old - e->cursor);
    memcpy(d + e->cursor, bytes, n);
    e->cursor += n;
    return true;
}

static void delete_range(struct lineedit *e, size_t from, size_t to)
{
    if (to <= from || to > e->text.len)
        return;
    char *d = e->text.data;
    memmove(d + from, d + to, e->text.len - to);
    e->text.len -= to - from;
    d[e->text.len] = '\0';
    if (e->cursor >= to)
        e->cursor -= to - from;
    else if (e->cursor > from)
        e->cursor = from;
}

/* UTF-8 encoding of a code point (the key as get_wch gave it). */
static size_t encode_utf8(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp > 0x10ffff)
        return 0;
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Insert a character or a pasted byte, and say what changed. */
static enum lineedit_result insert_key(struct lineedit *e, int key)
{
    char bytes[4];
    size_t n = encode_utf8((unsigned)key, bytes);
    if (n && insert_bytes(e, bytes, n))
        return LINEEDIT_CHANGED;
    return LINEEDIT_MOVED;
}

enum lineedit_result lineedit_key(struct lineedit *e, int key, bool fkey, bool more_pending)
{
    if (fkey && key == TERM_KEY_PASTE_BEGIN) {
        e->in_paste = true;
        return LINEEDIT_MOVED;
    }
    if (fkey && key == TERM_KEY_PASTE_END) {
        e->in_paste = false;
        return LINEEDIT_MOVED;
    }
    /* Inside a paste every byte is text: Enter and Tab do not submit or
     * leave; inside a bracketed one control characters are kept too (and
     * shown escaped).  more_pending marks a paste from a terminal without
     * bracketed paste: a long burst of plain keys (the caller decides). */
    bool pasting = e->in_paste || more_pending;
    if (!fkey && (key == '\n' || key == '\r') && pasting) {
        /* A line break inside a paste: kept in multi-line fields, a
         * space elsewhere (it separates terms either way). */
        insert_bytes(e, e->multiline ? "\n" : " ", 1);
        return LINEEDIT_CHANGED;
    }
    if (!fkey && key == '\t' && pasting) {
        insert_bytes(e, e->multiline ? "\t" : " ", 1);
        return LINEEDIT_CHANGED;
    }
    if (!fkey && e->in_paste && key >= 0 && key < 0x20) {
        char c = (char)key;
        insert_bytes(e, &c, 1);
        return LINEEDIT_CHANGED;
    }
    /* Editing keys come from the key table (KEYMAP_EDIT), so the help
     * browser and the man page list what works here. */
    switch (keys_lookup(KEYMAP_EDIT, key, fkey)) {
    case ACT_ACTIVATE:
        return LINEEDIT_SUBMIT;
    case ACT_CLOSE:
        return LINEEDIT_CANCEL;
    case ACT_EDIT_BACKSPACE:
        if (!e->cursor)
            return LINEEDIT_MOVED;
        delete_range(e, char_before(e, e->cursor), e->cursor);
        return LINEEDIT_CHANGED;
    case ACT_EDIT_DELETE:
        if (e->cursor >= e->text.len)
            return LINEEDIT_MOVED;
        delete_range(e, e->cursor, char_after(e, e->cursor));
        return LINEEDIT_CHANGED;
    case ACT_LEFT:
        e->cursor = char_before(e, e->cursor);
        return LINEEDIT_MOVED;
    case ACT_RIGHT:
        e->cursor = char_after(e, e->cursor);
        return LINEEDIT_MOVED;
    case ACT_HOME:
        e->cursor = 0;
        return LINEEDIT_MOVED;
    case ACT_END:
        e->cursor = e->text.len;
        return LINEEDIT_MOVED;
    case ACT_EDIT_KILL_END:
        delete_range(e, e->cursor, e->text.len);
        return LINEEDIT_CHANGED;
    case ACT_EDIT_KILL_START:
        delete_range(e, 0, e->cursor);
        return LINEEDIT_CHANGED;
    case ACT_EDIT_KILL_WORD: {
        const char *s = strbuf_cstr(&e->text);
        size_t p = e->cursor;
        while (p > 0 && s[p - 1] == ' ')
            p--;
        while (p > 0 && s[p - 1] != ' ')
            p--;
        delete_range(e, p, e->cursor);
        return LINEEDIT_CHANGED;
    }
    default:
        break;
    }
    if (fkey || key < 0x20 || key == 0x7f)
        return LINEEDIT_UNHANDLED;
    return insert_key(e, key);
}

bool lineedit_paste(struct lineedit *e, const char *text, size_t len)
{
    bool all = true;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        size_t n = 1;
        if (c == '\n' || c == '\t') {
            all &= insert_bytes(e, e->multiline ? (c == '\n' ? "\n" : "\t") : " ", 1);
        } else if (c == '\r') {
            /* the input layer already made CR LF one LF; a lone CR is a break */
            all &= insert_bytes(e, e->multiline ? "\n" : " ", 1);
        } else {
            n = c < 0x80 ? 1 : safetext_utf8_char(text + i, len - i);
            if (n == 0)
                n = 1; /* a stray byte: kept, and shown escaped */
            all &= insert_bytes(e, text + i, n);
        }
        if (!all)
            break; /* past LINEEDIT_MAX */
        i += n;
    }
    return all;
}

/* Byte offset of the first character at display column >= col. */
static size_t offset_at_column(const char *s, size_t len, int col)
{
    int c = 0;
    struct draw_glyph g;
    size_t i = 0;
    while (i < len && c < col) {
        draw_glyph_at(s, len, i, &g);
        c += g.width;
        i += g.len;
    }
    return i;
}

static void draw_cursor_cell(struct lineedit *e, WINDOW *w, int y, int x, attr_t attr)
{
    const char *s = strbuf_cstr(&e->text);
    struct draw_glyph g;
    if (e->cursor < e->text.len) {
        draw_glyph_at(s, e->text.len, e->cursor, &g);
    } else {
        g.out[0] = ' ', g.out[1] = '\0';
        g.width = 1;
    }
    attr_t a = (attr ^ A_REVERSE) & ~A_COLOR;
    wattr_set(w, a, (short)PAIR_NUMBER(attr), NULL);
    mvwaddstr(w, y, x, g.out);
    wattr_set(w, A_NORMAL, 0, NULL);
}

void lineedit_draw(struct lineedit *e, WINDOW *w, int y, int x, int width, attr_t attr,
                   bool show_cursor)
{
    if (width <= 0)
        return;
    const char *s = strbuf_cstr(&e->text);
    int cursor_col = draw_width(s, e->cursor);
    if (cursor_col < e->scroll)
        e->scroll = cursor_col;
    if (cursor_col >= e->scroll + width)
        e->scroll = cursor_col - width + 1;
    if (e->scroll < 0)
        e->scroll = 0;
    draw_fill(w, y, x, width, attr);
    size_t from = offset_at_column(s, e->text.len, e->scroll);
    int skipped = draw_width(s, from);
    draw_text_from(w, y, x + (skipped - e->scroll), width - (skipped - e->scroll), s, e->text.len,
                   from, attr);
    if (show_cursor)
        draw_cursor_cell(e, w, y, x + cursor_col - e->scroll, attr);
}

void lineedit_draw_wrapped(struct lineedit *e, WINDOW *w, int y, int x, int width, int rows,
                           attr_t attr, bool show_cursor)
{
    if (width <= 0 || rows <= 0)
        return;
    const char *s = strbuf_cstr(&e->text);
    size_t len = e->text.len;
    /* Character wrap (not word wrap): the cursor moves predictably. */
    int row = 0, col = 0, cursor_row = 0, cursor_col = 0;
    struct draw_glyph g;
    for (size_t i = 0; i <= len; i += g.len) {
        if (i == len) {
            g.width = 1, g.len = 1;
        } else {
            draw_glyph_at(s, len, i, &g);
        }
        if (col + g.width > width) {
            row++;
            col = 0;
        }
        if (i == e->cursor)
            cursor_row = row, cursor_col = col;
        if (i < len && e->multiline && s[i] == '\n') { /* a pasted line break */
            row++;
            col = 0;
            continue;
        }
        col += g.width;
    }
    if (cursor_row < e->scroll)
        e->scroll = cursor_row;
    if (cursor_row >= e->scroll + rows)
        e->scroll = cursor_row - rows + 1;
    for (int r = 0; r < rows; r++)
        draw_fill(w, y + r, x, width, attr);
    row = 0, col = 0;
    wattr_set(w, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
    for (size_t i = 0; i < len; i += g.len) {
        draw_glyph_at(s, len, i, &g);
        if (col + g.width > width) {
            row++;
            col = 0;
        }
        if (row >= e->scroll + rows)
            break;
        if (e->multiline && s[i] == '\n') {
            row++;
            col = 0;
            continue;
        }
        if (row >= e->scroll)
            mvwaddstr(w, y + row - e->scroll, x + col, g.out);
        col += g.width;
    }
    wattr_set(w, A_NORMAL, 0, NULL);
    if (show_cursor)
        draw_cursor_cell(e, w, y + cursor_row - e->scroll, x + cursor_col, attr);
}
