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

void out_safe(FILE *f, const char *text, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    safetext_escape(text, len, &sb, NULL);
    fwrite(strbuf_cstr(&sb), 1, sb.len, f);
    strbuf_free(&sb);
}

/* The line holding byte `at`: its start and end offsets, and its number. */
static void find_line(const char *text, size_t len, size_t at, size_t *start, size_t *end,
                      size_t *number)
{
    size_t s = 0, n = 1;
    for (size_t i = 0; i < at && i < len; i++)
        if (text[i] == '\n') {
            s = i + 1;
            n++;
        }
    size_t e = s;
    while (e < len && text[e] != '\n')
        e++;
    if (e > s && text[e - 1] == '\r' && e - 1 >= at)
        e--;
    *start = s, *end = e, *number = n;
}

/* Show at most this many columns of a long line around the span. */
#define OUT_WINDOW 100

void out_diag_text(FILE *f, const char *origin, const char *text, size_t len,
                   const struct diag *d, size_t base_line, size_t base_column)
{
    const struct lint_rule *rule = rule_get(d->rule);
    size_t start = d->start > len ? len : d->start;
    size_t end = d->end > len ? len : d->end;
    size_t ls, le, line;
    find_line(text, len, start, &ls, &le, &line);
    if (end > le)
        end = le;

    size_t *cols = malloc((le - ls + 1) * sizeof *cols);
    struct strbuf shown = STRBUF_INIT;
    if (!cols) {
        fprintf(f, "%s: %s: %s\n", origin, diag_severity_name(d->severity), d->message);
        return;
    }
    safetext_escape(text + ls, le - ls, &shown, cols);
    size_t c0 = cols[start - ls], c1 = cols[end - ls];
    /* base_column: the 1-based file column where the record's text starts. */
    size_t column = (line == 1 ? base_column : 1) + (start - ls);

    /* Messages quote parts of the record: they are untrusted text too. */
    fprintf(f, "%s:%zu:%zu: %s: ", origin, base_line + line - 1, column,
            diag_severity_name(d->severity));
    out_safe(f, d->message, strlen(d->message));
    fprintf(f, " [%s]", rule->code);
    if (rule->ref[0])
        fprintf(f, " (%s)", rule->ref);
    fputc('\n', f);

    /* Window the line so the span is visible even in a 2,000-byte record. */
    size_t total = cols[le - ls];
    size_t from = 0;
    if (total > OUT_WINDOW && c1 > OUT_WINDOW - 10)
        from = c0 > 20 ? c0 - 20 : 0;
    const char *s = strbuf_cstr(&shown);
    size_t byte_from = 0, byte_to = shown.len;
    /* Map display columns back to bytes of the escaped text: the escaped
     * rendering is ASCII or whole UTF-8 characters, so walk it. */
    size_t col = 0;
    for (size_t i = 0; i < shown.len;) {
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
    fprintf(f, "  %s", from ? "..." : "");
    fwrite(s + byte_from, 1, byte_to - byte_from, f);
    fprintf(f, "%s\n  %s", byte_to < shown.len ? "..." : "", from ? "   " : "");
    for (size_t i = from; i < c0; i++)
        fputc(' ', f);
    fputc('^', f);
    for (size_t i = c0 + 1; i < c1 && i < from + OUT_WINDOW; i++)
        fputc('~', f);
    fputc('\n', f);
    free(cols);
    strbuf_free(&shown);
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

json_t *json_diag(const struct diag *d)
{
    const struct lint_rule *rule = rule_get(d->rule);
    return json_pack("{s:s, s:s, s:I, s:I, s:o, s:s}", "code", rule->code, "severity",
                     diag_severity_name(d->severity), "start", (json_int_t)d->start, "end",
                     (json_int_t)d->end, "message", json_text(d->message, strlen(d->message)),
                     "rfc", rule->ref);
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
