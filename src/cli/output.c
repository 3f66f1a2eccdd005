/* Output of the CLI: compiler-style text diagnostics with the offending
 * span underlined, and JSON documents (jansson).  Every piece of record
 * text goes through safetext before it reaches a terminal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/help.h"
#include "authtxt/safetext.h"
#include "authtxt/strbuf.h"
#include "cli.h"

/* Length of the leading run of printable ASCII (0x20-0x7e) in text[0..len):
 * bytes that safetext passes through as themselves, one column each.  Eight
 * bytes at a time: a byte is outside the range when it is below 0x20, is
 * 0x7f, or has its high bit set. */
static size_t printable_ascii_prefix(const char *text, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, text + i, 8);
        uint64_t below = (w - ones * 0x20) & ~w;       /* high bit: byte < 0x20 */
        uint64_t del = ((w ^ (ones * 0x7f)) - ones) & ~(w ^ (ones * 0x7f)); /* == 0x7f */
        if ((below | del | w) & highs)
            break;
    }
    while (i < len && (unsigned char)text[i] >= 0x20 && (unsigned char)text[i] < 0x7f)
        i++;
    return i;
}

void out_safe(FILE *f, const char *text, size_t len)
{
    if (printable_ascii_prefix(text, len) == len) {
        fwrite(text, 1, len, f);
        return;
    }
    struct strbuf sb = STRBUF_INIT;
    safetext_escape(text, len, &sb, NULL);
    fwrite(strbuf_cstr(&sb), 1, sb.len, f);
    strbuf_free(&sb);
}

/* The line holding byte `at`: its start and end offsets, and its number.
 * memchr from newline to newline: a record is usually one line. */
static void find_line(const char *text, size_t len, size_t at, size_t *start, size_t *end,
                      size_t *number)
{
    size_t s = 0, n = 1, limit = at < len ? at : len;
    const char *nl;
    while (s < limit && (nl = memchr(text + s, '\n', limit - s)) != NULL) {
        s = (size_t)(nl - text) + 1;
        n++;
    }
    nl = s < len ? memchr(text + s, '\n', len - s) : NULL;
    size_t e = nl ? (size_t)(nl - text) : len;
    if (e > s && text[e - 1] == '\r' && e - 1 >= at)
        e--;
    *start = s, *end = e, *number = n;
}

/* A diagnostic's lines are put together here and appended to the output
 * buffer in one piece: a few dozen strbuf appends a diagnostic cost more
 * than the formatting. */
struct line_builder {
    struct strbuf *out;
    size_t n;
    char buf[1024];
};

static void lb_flush(struct line_builder *b)
{
    strbuf_append(b->out, b->buf, b->n);
    b->n = 0;
}

static void lb_put(struct line_builder *b, const char *s, size_t n)
{
    if (b->n + n > sizeof b->buf) {
        lb_flush(b);
        if (n > sizeof b->buf) {
            strbuf_append(b->out, s, n);
            return;
        }
    }
    memcpy(b->buf + b->n, s, n);
    b->n += n;
}

static void lb_puts(struct line_builder *b, const char *s) { lb_put(b, s, strlen(s)); }

static void lb_size(struct line_builder *b, size_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    lb_put(b, buf + i, sizeof buf - i);
}

static void lb_repeat(struct line_builder *b, char c, size_t n)
{
    while (n) {
        if (b->n == sizeof b->buf)
            lb_flush(b);
        size_t k = sizeof b->buf - b->n < n ? sizeof b->buf - b->n : n;
        memset(b->buf + b->n, c, k);
        b->n += k;
        n -= k;
    }
}

/* Untrusted text: as is when printable ASCII, else escaped. */
static void lb_safe(struct line_builder *b, const char *text, size_t len)
{
    if (printable_ascii_prefix(text, len) == len) {
        lb_put(b, text, len);
        return;
    }
    lb_flush(b);
    safetext_escape(text, len, b->out, NULL);
}

void out_safe_sb(struct strbuf *sb, const char *text, size_t len)
{
    if (printable_ascii_prefix(text, len) == len)
        strbuf_append(sb, text, len);
    else
        safetext_escape(text, len, sb, NULL);
}

/* Show at most this many columns of a long line around the span. */
#define OUT_WINDOW 100

void out_diag_format(struct strbuf *out, const char *origin, const char *text, size_t len,
                     const struct diag *d, size_t base_line, size_t base_column)
{
    const struct lint_rule *rule = rule_get(d->rule);
    size_t start = d->start > len ? len : d->start;
    size_t end = d->end > len ? len : d->end;
    size_t ls, le, line;
    find_line(text, len, start, &ls, &le, &line);
    if (end > le)
        end = le;

    /* A line of printable ASCII (nearly every record) is shown as it is,
     * one column a byte: no escaping, no column table. */
    bool plain = printable_ascii_prefix(text + ls, le - ls) == le - ls;
    size_t *cols = plain ? NULL : malloc((le - ls + 1) * sizeof *cols);
    struct strbuf shown = STRBUF_INIT;
    if (!plain && !cols) {
        strbuf_puts(out, origin);
        strbuf_puts(out, ": ");
        strbuf_puts(out, diag_severity_name(d->severity));
        strbuf_puts(out, ": ");
        out_safe_sb(out, d->message, strlen(d->message));
        strbuf_putc(out, '\n');
        return;
    }
    if (!plain)
        safetext_escape(text + ls, le - ls, &shown, cols);
    size_t c0 = plain ? start - ls : cols[start - ls], c1 = plain ? end - ls : cols[end - ls];
    /* base_column: the 1-based file column where the record's text starts. */
    size_t column = (line == 1 ? base_column : 1) + (start - ls);

    /* Messages quote parts of the record: they are untrusted text too. */
    struct line_builder lb;
    lb.out = out;
    lb.n = 0;
    lb_puts(&lb, origin);
    lb_put(&lb, ":", 1);
    lb_size(&lb, base_line + line - 1);
    lb_put(&lb, ":", 1);
    lb_size(&lb, column);
    lb_put(&lb, ": ", 2);
    lb_puts(&lb, diag_severity_name(d->severity));
    lb_put(&lb, ": ", 2);
    lb_safe(&lb, d->message, strlen(d->message));
    lb_put(&lb, " [", 2);
    lb_puts(&lb, rule->code);
    lb_put(&lb, "]", 1);
    if (rule->ref[0]) {
        lb_put(&lb, " (", 2);
        lb_puts(&lb, rule->ref);
        lb_put(&lb, ")", 1);
    }
    lb_put(&lb, "\n", 1);

    /* Window the line so the span is visible even in a 2,000-byte record. */
    size_t total = plain ? le - ls : cols[le - ls];
    size_t from = 0;
    if (total > OUT_WINDOW && c1 > OUT_WINDOW - 10)
        from = c0 > 20 ? c0 - 20 : 0;
    const char *s = plain ? text + ls : strbuf_cstr(&shown);
    size_t shown_len = plain ? le - ls : shown.len;
    size_t byte_from = 0, byte_to = shown_len;
    if (plain) {
        byte_from = from;
        byte_to = from + OUT_WINDOW < shown_len ? from + OUT_WINDOW : shown_len;
    }
    /* Map display columns back to bytes of the escaped text: the escaped
     * rendering is ASCII or whole UTF-8 characters, so walk it. */
    size_t col = 0;
    for (size_t i = 0; !plain && i < shown.len;) {
        if (col == from && byte_from == 0 && from)
            byte_from = i;
        if (col >= from + OUT_WINDOW) {
            byte_to = i;
            break;
        }
        size_t n = 1;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xf0)
            n = 4;
        else if (c >= 0xe0)
            n = 3;
        else if (c >= 0xc0)
            n = 2;
        i += n;
        col++;
    }
    lb_puts(&lb, from ? "  ..." : "  ");
    lb_put(&lb, s + byte_from, byte_to - byte_from);
    lb_puts(&lb, byte_to < shown_len ? "...\n  " : "\n  ");
    if (from)
        lb_put(&lb, "   ", 3);
    lb_repeat(&lb, ' ', c0 > from ? c0 - from : 0);
    lb_put(&lb, "^", 1);
    size_t stop = c1 < from + OUT_WINDOW ? c1 : from + OUT_WINDOW;
    lb_repeat(&lb, '~', stop > c0 + 1 ? stop - (c0 + 1) : 0);
    lb_put(&lb, "\n", 1);
    lb_flush(&lb);
    free(cols);
    strbuf_free(&shown);
}

void out_diag_text(FILE *f, const char *origin, const char *text, size_t len,
                   const struct diag *d, size_t base_line, size_t base_column)
{
    struct strbuf sb = STRBUF_INIT;
    out_diag_format(&sb, origin, text, len, d, base_line, base_column);
    fwrite(strbuf_cstr(&sb), 1, sb.len, f);
    strbuf_free(&sb);
}

void out_summary_text(FILE *f, const struct diag_list *diags)
{
    size_t e = record_count_severity(diags, DIAG_ERROR);
    size_t w = record_count_severity(diags, DIAG_WARNING);
    size_t i = record_count_severity(diags, DIAG_INFO);
    fprintf(f, "%zu error%s, %zu warning%s, %zu note%s", e, e == 1 ? "" : "s", w,
            w == 1 ? "" : "s", i, i == 1 ? "" : "s");
    if (diags->dropped)
        fprintf(f, " (%zu more not shown: too many)", diags->dropped);
    fputc('\n', f);
}

/* --- JSON ---------------------------------------------------------------- */

json_t *json_text(const char *text, size_t len)
{
    json_t *j = json_stringn(text, len);
    if (j)
        return j;
    /* Invalid UTF-8: replace each bad byte with U+FFFD so the document
     * stays valid; the spans still count bytes of the original. */
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t n = safetext_utf8_char(text + i, len - i);
        if (n) {
            strbuf_append(&sb, text + i, n);
            i += n;
        } else {
            strbuf_puts(&sb, "\xef\xbf\xbd");
            i++;
        }
    }
    j = json_stringn(strbuf_cstr(&sb), sb.len);
    strbuf_free(&sb);
    return j ? j : json_string("");
}

/* A message as a JSON string, with any control character, bidi override
 * or invalid byte it quotes from the input escaped as the text output
 * shows it (\x1b): a consumer printing `message` to a terminal must be as
 * safe as one printing our text output. */
static json_t *json_message(const char *msg)
{
    size_t n = strlen(msg);
    if (!safetext_needs_escape(msg, n))
        return json_text(msg, n);
    struct strbuf sb = STRBUF_INIT;
    safetext_escape(msg, n, &sb, NULL);
    json_t *j = sb.failed ? json_string("") : json_text(strbuf_cstr(&sb), sb.len);
    strbuf_free(&sb);
    return j;
}

json_t *json_diag(const struct diag *d)
{
    const struct lint_rule *rule = rule_get(d->rule);
    return json_pack("{s:s, s:s, s:I, s:I, s:o, s:s}", "code", rule->code, "severity",
                     diag_severity_name(d->severity), "start", (json_int_t)d->start, "end",
                     (json_int_t)d->end, "message", json_message(d->message), "rfc", rule->ref);
}

json_t *json_diag_list(const struct diag_list *diags)
{
    json_t *a = json_array();
    for (size_t i = 0; i < diags->count; i++)
        json_array_append_new(a, json_diag(&diags->items[i]));
    return a;
}

static void json_set_help(json_t *o, const char *key, const char *value)
{
    json_object_set_new(o, key, json_string(value ? value : ""));
}

json_t *json_terms(const struct record *r, bool explain)
{
    json_t *a = json_array();
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < r->terms.count; i++) {
        const struct record_term *t = &r->terms.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "text", json_text(r->text + t->start, t->end - t->start));
        json_object_set_new(o, "start", json_integer((json_int_t)t->start));
        json_object_set_new(o, "end", json_integer((json_int_t)t->end));
        json_object_set_new(o, "name",
                            json_text(r->text + t->name_start, t->name_end - t->name_start));
        json_object_set_new(o, "value",
                            json_text(r->text + t->value_start, t->value_end - t->value_start));
        json_object_set_new(o, "id", json_string(t->id));
        json_object_set_new(o, "value_id", t->value_id ? json_string(t->value_id) : json_null());
        if (r->kind == RECORD_SPF)
            json_object_set_new(o, "lookups", json_integer(t->lookups));
        if (explain) {
            const struct help_entry *h = help_find(t->id);
            const struct help_entry *v = help_find(t->value_id);
            json_set_help(o, "title", h ? h->title : t->id);
            json_set_help(o, "summary", h ? h->summary : "");
            json_set_help(o, "default", h ? h->default_value : "");
            json_set_help(o, "values", h ? h->values : "");
            json_set_help(o, "rfc", h ? h->rfc : "");
            if (v)
                json_set_help(o, "value_summary", v->summary);
            strbuf_reset(&sb);
            record_describe_term(r, i, &sb);
            json_object_set_new(o, "here", json_text(strbuf_cstr(&sb), sb.len));
        }
        json_array_append_new(a, o);
    }
    strbuf_free(&sb);
    return a;
}

void json_print(json_t *doc)
{
    if (!doc) {
        fputs("{\"error\":\"out of memory\"}\n", stdout);
        return;
    }
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', stdout);
    json_decref(doc);
}
