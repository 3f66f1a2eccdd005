/* FLAGS tag values as sets of schema choices (schema_flags.h): the check
 * boxes of the editor's generated forms read and write values through
 * here, so the TUI never splits a record's value itself. */
#include "authtxt/schema_flags.h"

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The next member of value[*pos..len): its trimmed bounds; false at the end. */
static bool next_member(const char *value, size_t len, size_t *pos, size_t *start, size_t *end)
{
    if (*pos >= len) /* a trailing ':' adds only an empty member */
        return false;
    size_t s = *pos, e = s;
    while (e < len && value[e] != ':')
        e++;
    *pos = e + 1;
    size_t a = s, b = e;
    while (a < b && is_blank(value[a]))
        a++;
    while (b > a && is_blank(value[b - 1]))
        b--;
    *start = a;
    *end = b;
    return true;
}

static int choice_index(const struct schema_tag *tag, const char *text, size_t len)
{
    const struct schema_choice *c = schema_find_choice(tag, text, len);
    if (!c)
        return -1;
    return (int)(c - tag->choices);
}

unsigned schema_flags_mask(const struct schema_tag *tag, const char *value, size_t len, bool *other)
{
    unsigned mask = 0;
    bool unknown = false;
    size_t pos = 0, s, e;
    while (value && tag && next_member(value, len, &pos, &s, &e)) {
        if (s == e)
            continue;
        int k = choice_index(tag, value + s, e - s);
        if (k >= 0 && k < 32)
            mask |= 1u << k;
        else
            unknown = true;
    }
    if (other)
        *other = unknown;
    return mask;
}

void schema_flags_with(const struct schema_tag *tag, const char *value, size_t len, size_t k,
                       bool on, struct strbuf *out)
{
    strbuf_reset(out);
    if (!tag || k >= tag->nchoices)
        return;
    bool present = false;
    size_t pos = 0, s, e;
    while (value && next_member(value, len, &pos, &s, &e)) {
        if (s == e)
            continue;
        int i = choice_index(tag, value + s, e - s);
        if (i == (int)k) {
            if (!on || present)
                continue; /* cleared, or listed twice */
            present = true;
        }
        if (out->len)
            strbuf_putc(out, ':');
        strbuf_append(out, value + s, e - s);
    }
    if (on && !present) {
        if (out->len)
            strbuf_putc(out, ':');
        strbuf_puts(out, tag->choices[k].value);
    }
}
