/* Text on the screen: the one place where strings become cells.  Each
 * character is rendered through the core's safetext_escape (so hostile
 * records and file names cannot drive the terminal), measured in display
 * columns, cut with an ellipsis or wrapped at spaces. */
#include "tui_draw.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "authtxt/safetext.h"
#include "authtxt/strbuf.h"
#include "tui_term.h"

static void set_attr(WINDOW *w, attr_t attr)
{
    wattr_set(w, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
}

/* The code point of a valid UTF-8 sequence s[0..n) (n from
 * safetext_utf8_char, so already validated). */
static uint32_t utf8_code_point(const unsigned char *s, size_t n)
{
    static const unsigned char lead_mask[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    uint32_t cp = s[0] & lead_mask[n];
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (s[k] & 0x3f);
    return cp;
}

static void glyph_code_point(struct draw_glyph *g, uint32_t cp)
{
    int n = snprintf(g->out, sizeof g->out, "\\u{%04x}", (unsigned)cp);
    g->width = n > 0 ? n : 0;
}

void draw_glyph_at(const char *text, size_t len, size_t i, struct draw_glyph *g)
{
    static struct strbuf scratch = STRBUF_INIT;
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x20 && c < 0x7f) { /* the common case: printable ASCII */
        g->len = 1;
        g->out[0] = (char)c;
        g->out[1] = '\0';
        g->width = 1;
        return;
    }
    size_t n = safetext_utf8_char(text + i, len - i);
    g->len = n ? n : 1;
    size_t columns[5];
    strbuf_reset(&scratch);
    safetext_escape(text + i, g->len, &scratch, columns);
    const char *out = strbuf_cstr(&scratch);
    size_t out_len = scratch.len < sizeof g->out ? scratch.len : sizeof g->out - 1;
    memcpy(g->out, out, out_len);
    g->out[out_len] = '\0';
    bool passed = n && out_len == n && memcmp(out, text + i, n) == 0;
    if (!passed) { /* an escape: plain ASCII, one column per byte */
        g->width = (int)out_len;
        return;
    }
    /* A printable non-ASCII character.  Trust the C library's width,
     * which is what the terminal will use; zero-width and unknown
     * characters are shown as code points so columns stay exact. */
    uint32_t cp = utf8_code_point((const unsigned char *)text + i, n);
    int w = term_utf8() ? wcwidth((wchar_t)cp) : -1;
    if (w <= 0)
        glyph_code_point(g, cp);
    else
        g->width = w;
}

int draw_width(const char *text, size_t len)
{
    int width = 0;
    struct draw_glyph g;
    for (size_t i = 0; i < len; i += g.len) {
        draw_glyph_at(text, len, i, &g);
        width += g.width;
    }
    return width;
}

int draw_str_width(const char *s) { return s ? draw_width(s, strlen(s)) : 0; }

static attr_t attr_at(size_t i, attr_t attr, const struct draw_mark *marks, size_t nmarks)
{
    for (size_t m = 0; m < nmarks; m++)
        if (i >= marks[m].start && i < marks[m].end)
            attr = marks[m].attr;
    return attr;
}

/* Draw glyphs from text[from] while they fit in width columns. */
static int draw_glyphs(WINDOW *w, int y, int x, int width, const char *text, size_t len,
                       size_t from, attr_t attr, const struct draw_mark *marks, size_t nmarks)
{
    int col = 0;
    struct draw_glyph g;
    for (size_t i = from; i < len; i += g.len) {
        draw_glyph_at(text, len, i, &g);
        if (col + g.width > width)
            break;
        set_attr(w, attr_at(i, attr, marks, nmarks));
        mvwaddstr(w, y, x + col, g.out);
        col += g.width;
    }
    set_attr(w, A_NORMAL);
    return col;
}

int draw_text(WINDOW *w, int y, int x, int width, const char *text, size_t len, attr_t attr,
              const struct draw_mark *marks, size_t nmarks)
{
    if (width <= 0 || !text)
        return 0;
    if (draw_width(text, len) <= width)
        return draw_glyphs(w, y, x, width, text, len, 0, attr, marks, nmarks);
    int col = draw_glyphs(w, y, x, width - 1, text, len, 0, attr, marks, nmarks);
    set_attr(w, attr);
    mvwaddstr(w, y, x + col, term_glyph(GLYPH_ELLIPSIS));
    set_attr(w, A_NORMAL);
    return col + 1;
}

int draw_str(WINDOW *w, int y, int x, int width, const char *s, attr_t attr)
{
    return s ? draw_text(w, y, x, width, s, strlen(s), attr, NULL, 0) : 0;
}

int draw_text_from(WINDOW *w, int y, int x, int width, const char *text, size_t len, size_t from,
                   attr_t attr)
{
    if (width <= 0 || from > len)
        return 0;
    return draw_glyphs(w, y, x, width, text, len, from, attr, NULL, 0);
}

void draw_fill(WINDOW *w, int y, int x, int n, attr_t attr)
{
    if (n <= 0)
        return;
    set_attr(w, attr);
    mvwhline(w, y, x, ' ', n);
    set_attr(w, A_NORMAL);
}

size_t draw_wrap(const char *text, size_t len, int width, bool hard_newlines, size_t *starts,
                 size_t max)
{
    size_t count = 0;
#define PUSH(off)                                                                                  \
    do {                                                                                           \
        if (count < max)                                                                           \
            starts[count] = (off);                                                                 \
        count++;                                                                                   \
    } while (0)
    if (width < 1)
        width = 1;
    PUSH(0);
    size_t line_start = 0, last_break = 0;
    bool have_break = false;
    int col = 0;
    struct draw_glyph g;
    for (size_t i = 0; i < len;) {
        if (hard_newlines && text[i] == '\n') {
            i++;
            line_start = i;
            PUSH(i);
            col = 0;
            have_break = false;
            continue;
        }
        draw_glyph_at(text, len, i, &g);
        if (col > 0 && col + g.width > width) {
            /* Move the word to the next line only when it fits there: a
             * token longer than a line (a key, a URI) is cut where it is. */
            bool fits = false;
            if (have_break && last_break > line_start && text[i] != ' ') {
                int word = 0;
                for (size_t k = last_break; k < len && text[k] != ' ' && word <= width;) {
                    struct draw_glyph wg;
                    if (hard_newlines && text[k] == '\n')
                        break;
                    draw_glyph_at(text, len, k, &wg);
                    word += wg.width;
                    k += wg.len;
                }
                fits = word <= width;
            }
            if (fits) {
                line_start = last_break;
                col = draw_width(text + last_break, i - last_break);
            } else {
                while (i < len && text[i] == ' ') /* a break at spaces eats them */
                    i++;
                line_start = i;
                col = 0;
            }
            PUSH(line_start);
            have_break = false;
            continue;
        }
        col += g.width;
        i += g.len;
        if (g.len == 1 && text[i - 1] == ' ') {
            last_break = i;
            have_break = true;
        }
    }
#undef PUSH
    return count;
}

int draw_line(WINDOW *w, int y, int x, int width, const char *text, size_t start, size_t end,
              attr_t attr, const struct draw_mark *marks, size_t nmarks)
{
    while (end > start && text[end - 1] == ' ')
        end--;
    return draw_glyphs(w, y, x, width, text, end, start, attr, marks, nmarks);
}

int draw_paragraphs(WINDOW *w, int y, int x, int width, int max_rows, int skip, const char *text,
                    attr_t attr)
{
    static size_t *starts;
    static size_t cap;
    if (!text || width <= 0)
        return 0;
    size_t len = strlen(text);
    size_t n = draw_wrap(text, len, width, true, starts, cap);
    if (n > cap) {
        size_t *p = realloc(starts, n * sizeof *p);
        if (!p)
            return 0;
        starts = p;
        cap = n;
        draw_wrap(text, len, width, true, starts, cap);
    }
    for (int r = 0; r < max_rows && (size_t)(skip + r) < n; r++) {
        size_t k = (size_t)(skip + r);
        size_t end = k + 1 < n ? starts[k + 1] : len;
        if (end > starts[k] && text[end - 1] == '\n')
            end--;
        draw_line(w, y + r, x, width, text, starts[k], end, attr, NULL, 0);
    }
    return (int)n;
}

void doc_init(struct doc *d)
{
    d->blocks = NULL;
    d->count = d->cap = 0;
    strbuf_init(&d->text);
}

void doc_reset(struct doc *d)
{
    d->count = 0;
    strbuf_reset(&d->text);
}

void doc_free(struct doc *d)
{
    free(d->blocks);
    strbuf_free(&d->text);
    doc_init(d);
}

static struct doc_block *doc_block_new(struct doc *d)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        if (cap > 4096)
            return NULL;
        struct doc_block *b = realloc(d->blocks, cap * sizeof *b);
        if (!b)
            return NULL;
        d->blocks = b;
        d->cap = cap;
    }
    struct doc_block *b = &d->blocks[d->count++];
    memset(b, 0, sizeof *b);
    b->off = d->text.len;
    return b;
}

void doc_add(struct doc *d, attr_t attr, const char *text)
{
    struct doc_block *b = doc_block_new(d);
    if (!b)
        return;
    strbuf_puts(&d->text, text ? text : "");
    b->len = d->text.len - b->off;
    b->attr = attr;
}

void doc_add_prose(struct doc *d, attr_t attr, const char *text)
{
    doc_add(d, attr, text);
    if (!d->count || !text)
        return;
    struct doc_block *b = &d->blocks[d->count - 1];
    char *p = d->text.data ? d->text.data + b->off : NULL;
    for (size_t i = 0; p && i < b->len; i++) {
        if (p[i] != '\n')
            continue;
        bool next = i + 1 < b->len && p[i + 1] == '\n';
        bool prev = i > 0 && p[i - 1] == '\n';
        if (!next && !prev)
            p[i] = ' ';
    }
}

void doc_addf(struct doc *d, attr_t attr, const char *fmt, ...)
{
    struct doc_block *b = doc_block_new(d);
    if (!b)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    strbuf_puts(&d->text, buf);
    b->len = d->text.len - b->off;
    b->attr = attr;
}

void doc_add_field(struct doc *d, attr_t label_attr, const char *label, attr_t attr,
                   const char *text)
{
    if (!text || !*text)
        return;
    struct doc_block *b = doc_block_new(d);
    if (!b)
        return;
    strbuf_puts(&d->text, label);
    strbuf_puts(&d->text, ": ");
    b->label_len = d->text.len - b->off;
    strbuf_puts(&d->text, text);
    b->len = d->text.len - b->off;
    b->attr = attr;
    b->label_attr = label_attr;
}

int doc_draw(const struct doc *d, WINDOW *w, int y, int x, int width, int rows, int skip)
{
    static size_t *starts;
    static size_t cap;
    int line = 0;
    const char *all = strbuf_cstr(&d->text);
    for (size_t k = 0; k < d->count; k++) {
        const struct doc_block *b = &d->blocks[k];
        const char *text = all + b->off;
        size_t n = draw_wrap(text, b->len, width, true, starts, cap);
        if (n > cap) {
            size_t *p = realloc(starts, n * sizeof *p);
            if (!p)
                return line;
            starts = p;
            cap = n;
            draw_wrap(text, b->len, width, true, starts, cap);
        }
        struct draw_mark mark = {0, b->label_len, b->label_attr};
        for (size_t i = 0; i < n; i++, line++) {
            if (line < skip || line >= skip + rows || !w)
                continue;
            size_t end = i + 1 < n ? starts[i + 1] : b->len;
            if (end > starts[i] && text[end - 1] == '\n')
                end--;
            draw_line(w, y + line - skip, x, width, text, starts[i], end, b->attr, &mark,
                      b->label_len ? 1 : 0);
        }
    }
    return line;
}
