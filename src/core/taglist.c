/* The tag=value list tokenizer of RFC 6376 §3.2, shared by DKIM and DMARC.
 * One pass over the text; it records every problem with its span and keeps
 * going, so a record with one bad tag still has all its other tags. */
#include "authtxt/taglist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void taglist_init(struct taglist *list) { memset(list, 0, sizeof *list); }

void taglist_free(struct taglist *list)
{
    free(list->tags);
    free(list->problems);
    taglist_init(list);
}

static bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_wsp(unsigned char c) { return c == ' ' || c == '\t'; }

/* FWS in RFC 6376 terms: WSP, and with folding allowed CR and LF too (a
 * pasted header may have lost its CRs, so a bare LF counts as well). */
static bool is_fws(unsigned char c, unsigned flags)
{
    return is_wsp(c) || ((flags & TAGLIST_ALLOW_FOLDING) && (c == '\r' || c == '\n'));
}

/* VALCHAR = %x21-3A / %x3C-7E (RFC 6376 §3.2). */
static bool is_valchar(unsigned char c) { return c >= 0x21 && c <= 0x7e && c != ';'; }

/* Length of the leading run of bytes 0x20-0x7e in s[0..n): inside a
 * tag-spec (no ';') each is a VALCHAR or a space.  Eight bytes at a time:
 * a DKIM key's p= is hundreds of them. */
static size_t printable_run(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t below = (w - ones * 0x20) & ~w;                             /* < 0x20 */
        uint64_t del = ((w ^ (ones * 0x7f)) - ones) & ~(w ^ (ones * 0x7f)); /* == 0x7f */
        if ((below | del | w) & highs)
            break;
    }
    return i;
}

static void add_problem(struct taglist *list, enum taglist_problem_kind kind, size_t start,
                        size_t end, size_t tag_index)
{
    if (list->nproblems >= TAGLIST_MAX_PROBLEMS) {
        list->problems_dropped++;
        return;
    }
    if (list->nproblems == list->problems_cap) {
        size_t cap = list->problems_cap ? list->problems_cap * 2 : 8;
        struct taglist_problem *p = realloc(list->problems, cap * sizeof *p);
        if (!p) {
            list->oom = true;
            return;
        }
        list->problems = p;
        list->problems_cap = cap;
    }
    list->problems[list->nproblems++] =
        (struct taglist_problem){kind, {start, end}, tag_index};
}

static struct taglist_tag *add_tag(struct taglist *list)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        struct taglist_tag *p = realloc(list->tags, cap * sizeof *p);
        if (!p) {
            list->oom = true;
            return NULL;
        }
        list->tags = p;
        list->cap = cap;
    }
    return &list->tags[list->count++];
}

/* One tag-spec in text[start, end) (between separators).  Returns false
 * when the spec is empty (only whitespace). */
static bool tokenize_spec(struct taglist *list, const char *text, size_t start, size_t end,
                          unsigned flags)
{
    const unsigned char *s = (const unsigned char *)text;
    while (start < end && is_fws(s[start], flags))
        start++;
    while (end > start && is_fws(s[end - 1], flags))
        end--;
    if (start == end)
        return false; /* the caller decides whether that is a problem */

    if (list->count >= TAGLIST_MAX_TAGS) {
        if (list->count == TAGLIST_MAX_TAGS) {
            add_problem(list, TAGLIST_TOO_MANY_TAGS, start, end, (size_t)-1);
            list->count++; /* mark as reported; never indexed */
        }
        return true;
    }
    struct taglist_tag *tag = add_tag(list);
    if (!tag)
        return true;
    size_t index = list->count - 1;
    tag->whole = (struct span){start, end};

    const unsigned char *eq = memchr(s + start, '=', end - start);
    if (!eq) {
        tag->has_equals = false;
        tag->name = (struct span){start, end};
        tag->value = (struct span){end, end};
        add_problem(list, TAGLIST_MISSING_EQUALS, start, end, index);
        return true;
    }
    tag->has_equals = true;
    size_t eqpos = (size_t)(eq - s);
    size_t name_end = eqpos;
    while (name_end > start && is_fws(s[name_end - 1], flags))
        name_end--;
    tag->name = (struct span){start, name_end};
    if (name_end == start) {
        add_problem(list, TAGLIST_EMPTY_NAME, start, eqpos + 1, index);
    } else {
        bool ok = is_alpha(s[start]);
        for (size_t i = start + 1; ok && i < name_end; i++)
            ok = is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_';
        if (!ok)
            add_problem(list, TAGLIST_BAD_NAME, start, name_end, index);
    }

    size_t vstart = eqpos + 1;
    while (vstart < end && is_fws(s[vstart], flags))
        vstart++;
    tag->value = (struct span){vstart, end};
    for (size_t i = vstart + printable_run(s + vstart, end - vstart); i < end; i++) {
        if (is_valchar(s[i]) || is_fws(s[i], flags))
            continue;
        /* Report a multi-byte UTF-8 sequence as one character. */
        size_t j = i + 1;
        if (s[i] >= 0xc0)
            while (j < end && (s[j] & 0xc0) == 0x80)
                j++;
        add_problem(list, TAGLIST_BAD_VALUE_CHAR, i, j, index);
        i = j - 1;
    }
    return true;
}

bool taglist_tokenize(struct taglist *list, const char *text, size_t len, unsigned flags)
{
    list->count = 0;
    list->nproblems = 0;
    list->problems_dropped = 0;
    list->oom = false;

    size_t spec_start = 0;
    for (size_t i = 0; i <= len; i++) {
        const char *semi = i < len ? memchr(text + i, ';', len - i) : NULL;
        i = semi ? (size_t)(semi - text) : len;
        /* ";;" (trailing or not) or a leading ";": an empty tag-spec.  Only
         * the text after the last ';' may be empty: tag-list = tag-spec
         * *(";" tag-spec) [";"] (RFC 6376 §3.2, RFC 9989 §4.8). */
        if (!tokenize_spec(list, text, spec_start, i, flags) && i < len)
            add_problem(list, TAGLIST_EMPTY_SPEC, i, i + 1, (size_t)-1);
        spec_start = i + 1;
    }
    if (list->count > TAGLIST_MAX_TAGS)
        list->count = TAGLIST_MAX_TAGS;
    return !list->oom;
}

bool taglist_name_is(const struct taglist_tag *tag, const char *text, const char *name)
{
    size_t n = strlen(name);
    return tag->name.end - tag->name.start == n && memcmp(text + tag->name.start, name, n) == 0;
}

size_t taglist_find(const struct taglist *list, const char *text, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (taglist_name_is(&list->tags[i], text, name))
            return i;
    return (size_t)-1;
}
