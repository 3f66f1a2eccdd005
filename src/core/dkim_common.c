/* What the DKIM key record and the DKIM-Signature share: turning the
 * tokenizer's output (RFC 6376 §3.2) into model tags with normalized values,
 * duplicate detection in linear time, base64 validation, and the plumbing
 * of format / equal / terms. */
#include "dkim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool dkim_work_ensure(struct dkim_work **w)
{
    if (*w)
        return true;
    struct dkim_work *n = calloc(1, sizeof *n);
    if (!n)
        return false;
    arena_init(&n->arena);
    taglist_init(&n->tokens);
    strbuf_init(&n->edit);
    *w = n;
    return true;
}

void dkim_work_free(struct dkim_work *w)
{
    if (!w)
        return;
    arena_free(&w->arena);
    taglist_free(&w->tokens);
    strbuf_free(&w->edit);
    diag_list_free(&w->edit_diags);
    free(w->names);
    free(w);
}

const char *dkim_snippet(const char *s, size_t n, char buf[DKIM_SNIPPET_MAX])
{
    size_t max = 40, o = 0;
    for (size_t i = 0; i < n && o < max; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (n > max) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

bool dkim_eq(const char *s, size_t n, const char *word)
{
    size_t m = strlen(word);
    return n == m && memcmp(s, word, n) == 0;
}

bool dkim_eq_nocase(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (dkim_lower((unsigned char)s[i]) != dkim_lower((unsigned char)word[i]))
            return false;
    return true;
}

/* RFC 6376 §2.10 */
bool dkim_is_hyphenated_word(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0 || !dkim_is_alpha(u[0]) || u[n - 1] == '-')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!dkim_is_alpha(u[i]) && !dkim_is_digit(u[i]) && u[i] != '-')
            return false;
    return true;
}

/* Trim FWS from both ends of [*a, *b). */
static void trim_fws(const char *v, size_t *a, size_t *b)
{
    while (*a < *b && dkim_is_fws((unsigned char)v[*a]))
        (*a)++;
    while (*b > *a && dkim_is_fws((unsigned char)v[*b - 1]))
        (*b)--;
}

bool dkim_list_check(const char *v, size_t n, bool (*item_ok)(const char *, size_t),
                     const char *what, struct dkim_value_error *err)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ':')
            continue;
        size_t a = start, b = i;
        trim_fws(v, &a, &b);
        if (a == b) {
            /* An empty item: point at the colon (or the end) that shows it. */
            err->start = i < n ? i : (n ? n - 1 : 0);
            err->end = n ? err->start + 1 : 0;
            err->what = "an empty item in a ':' list";
            return false;
        }
        if (!item_ok(v + a, b - a)) {
            err->start = a;
            err->end = b;
            err->what = what;
            return false;
        }
        start = i + 1;
    }
    return true;
}

void dkim_list_each(const char *v, size_t n, bool (*fn)(void *, const char *, size_t), void *arg)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ':')
            continue;
        size_t a = start, b = i;
        trim_fws(v, &a, &b);
        if (a < b && !fn(arg, v + a, b - a))
            return;
        start = i + 1;
    }
}

#define B DKIM_CC_B64
#define F DKIM_CC_FWS
const unsigned char dkim_char_class[256] = {
    ['\t'] = F, ['\n'] = F, ['\r'] = F, [' '] = F, ['='] = DKIM_CC_PAD, ['+'] = B, ['/'] = B,
    ['0'] = B,  ['1'] = B,  ['2'] = B,  ['3'] = B, ['4'] = B,           ['5'] = B, ['6'] = B,
    ['7'] = B,  ['8'] = B,  ['9'] = B,  ['A'] = B, ['B'] = B,           ['C'] = B, ['D'] = B,
    ['E'] = B,  ['F'] = B,  ['G'] = B,  ['H'] = B, ['I'] = B,           ['J'] = B, ['K'] = B,
    ['L'] = B,  ['M'] = B,  ['N'] = B,  ['O'] = B, ['P'] = B,           ['Q'] = B, ['R'] = B,
    ['S'] = B,  ['T'] = B,  ['U'] = B,  ['V'] = B, ['W'] = B,           ['X'] = B, ['Y'] = B,
    ['Z'] = B,  ['a'] = B,  ['b'] = B,  ['c'] = B, ['d'] = B,           ['e'] = B, ['f'] = B,
    ['g'] = B,  ['h'] = B,  ['i'] = B,  ['j'] = B, ['k'] = B,           ['l'] = B, ['m'] = B,
    ['n'] = B,  ['o'] = B,  ['p'] = B,  ['q'] = B, ['r'] = B,           ['s'] = B, ['t'] = B,
    ['u'] = B,  ['v'] = B,  ['w'] = B,  ['x'] = B, ['y'] = B,           ['z'] = B,
};
#undef B
#undef F

/* RFC 6376 §2.10: base64string = ALPHADIGITPS *([FWS] ALPHADIGITPS)
 * [ [FWS] "=" [ [FWS] "=" ] ].  CR and LF count as FWS here: where they
 * are not allowed the tokenizer has already said so. */
void dkim_b64_scan(const char *s, size_t n, struct dkim_b64 *out)
{
    const unsigned char *u = (const unsigned char *)s;
    memset(out, 0, sizeof *out);
    size_t first_pad = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (!out->pad && (dkim_char_class[u[i]] & DKIM_CC_B64)) {
            /* The common case: a run of alphabet characters. */
            size_t j = i + 1;
            while (j < n && (dkim_char_class[u[j]] & DKIM_CC_B64))
                j++;
            out->chars += j - i;
            last = j - 1;
            i = j - 1;
            continue;
        }
        unsigned char c = u[i];
        if (dkim_char_class[c] & DKIM_CC_FWS) {
            out->fws = true;
            continue;
        }
        if (dkim_char_class[c] & DKIM_CC_B64) { /* only reached after '=' */
            out->problem = DKIM_KEY_PROBLEM_MISPLACED_PAD;
            out->bad_start = first_pad;
            out->bad_end = first_pad + 1;
            out->bad_char = '=';
            return;
        }
        if (c == '=') {
            if (out->pad == 0)
                first_pad = i;
            if (++out->pad > 2) {
                out->problem = DKIM_KEY_PROBLEM_TOO_MUCH_PAD;
                out->bad_start = i;
                out->bad_end = i + 1;
                out->bad_char = '=';
                return;
            }
            last = i;
            continue;
        }
        /* A multi-byte UTF-8 character is reported as one. */
        size_t j = i + 1;
        if (c >= 0xc0)
            while (j < n && (u[j] & 0xc0) == 0x80)
                j++;
        out->problem = DKIM_KEY_PROBLEM_BAD_CHAR;
        out->bad_start = i;
        out->bad_end = j;
        out->bad_char = c;
        return;
    }
    if ((out->chars + out->pad) % 4 != 0) {
        out->problem = DKIM_KEY_PROBLEM_BAD_LENGTH;
        out->bad_start = last;
        out->bad_end = last + 1;
        return;
    }
    out->decoded_len = (out->chars + out->pad) / 4 * 3 - out->pad;
}

void dkim_b64_message(const struct dkim_b64 *b, const char *tag, char *msg, size_t cap)
{
    switch (b->problem) {
    case DKIM_KEY_PROBLEM_BAD_CHAR:
        if (b->bad_char >= 0x21 && b->bad_char < 0x7f)
            snprintf(msg, cap,
                     "'%c' is not a base64 character (A-Z a-z 0-9 + /): %s= is damaged; copy it "
                     "again",
                     b->bad_char, tag);
        else if (b->bad_char >= 0x80)
            snprintf(msg, cap,
                     "a non-ASCII character is not base64 (A-Z a-z 0-9 + /): %s= is damaged; copy "
                     "it again",
                     tag);
        else
            snprintf(msg, cap,
                     "byte 0x%02x is not a base64 character (A-Z a-z 0-9 + /): %s= is damaged; "
                     "copy it again",
                     b->bad_char, tag);
        break;
    case DKIM_KEY_PROBLEM_MISPLACED_PAD:
        snprintf(msg, cap,
                 "'=' padding in the middle of %s=: base64 may only end with '='; the value is "
                 "damaged or two values were joined",
                 tag);
        break;
    case DKIM_KEY_PROBLEM_TOO_MUCH_PAD:
        snprintf(msg, cap, "more than two '=' at the end of %s=: base64 ends with at most '=='",
                 tag);
        break;
    case DKIM_KEY_PROBLEM_BAD_LENGTH:
        snprintf(msg, cap,
                 "%s= has %zu base64 characters, not a multiple of 4: it is cut short or has "
                 "extra characters; copy it again",
                 tag, b->chars + b->pad);
        break;
    default:
        snprintf(msg, cap, "%s= is not valid base64", tag);
        break;
    }
}

/* ---- building model tags from the tokenizer's output ---------------- */

static void report_problem(const struct dkim_kind *kind, const struct taglist *tl, const char *base,
                           size_t offset, const struct taglist_problem *p, struct diag_list *diags)
{
    char snip[DKIM_SNIPPET_MAX], name[DKIM_SNIPPET_MAX];
    size_t a = p->span.start, b = p->span.end;
    const char *s = base + a;
    size_t start = a + offset, end = b + offset;
    switch (p->kind) {
    case TAGLIST_MISSING_EQUALS:
        diag_add(diags, kind->rule_syntax, start, end,
                 "'%s' has no '=': each tag is written name=value; remove it or add the '='",
                 dkim_snippet(s, b - a, snip));
        break;
    case TAGLIST_EMPTY_NAME:
        diag_add(diags, kind->rule_syntax, start, end,
                 "'=' with no tag name before it; write name=value");
        break;
    case TAGLIST_BAD_NAME:
        if (s[0] == '"' || s[b - a - 1] == '"')
            diag_add(diags, kind->rule_syntax, start, end,
                     "'%s' is not a tag name: zone-file quotes are not part of the record; "
                     "remove them",
                     dkim_snippet(s, b - a, snip));
        else
            diag_add(diags, kind->rule_syntax, start, end,
                     "'%s' is not a tag name (a letter, then letters, digits or '_')",
                     dkim_snippet(s, b - a, snip));
        break;
    case TAGLIST_BAD_VALUE_CHAR: {
        unsigned char c = (unsigned char)s[0];
        const char *tag = "?";
        if (p->tag_index < tl->count) {
            const struct taglist_tag *t = &tl->tags[p->tag_index];
            tag = dkim_snippet(base + t->name.start, t->name.end - t->name.start, name);
        }
        if (c == '\r' || c == '\n')
            diag_add(diags, kind->rule_syntax, start, end,
                     "a line break inside the value of %s= is not allowed in a %s; join the "
                     "lines",
                     tag, kind->record_name);
        else if (c >= 0x80)
            diag_add(diags, kind->rule_syntax, start, end,
                     "a non-ASCII character in the value of %s=: tag values are printable ASCII; "
                     "remove it",
                     tag);
        else
            diag_add(diags, kind->rule_syntax, start, end,
                     "control character 0x%02x in the value of %s= is not allowed; remove it", c,
                     tag);
        break;
    }
    case TAGLIST_EMPTY_SPEC:
        diag_add(diags, kind->rule_syntax, start, end,
                 "an empty tag between two ';' separators; remove one ';'");
        break;
    case TAGLIST_TOO_MANY_TAGS:
        diag_add(diags, kind->rule_syntax, start, end,
                 "more than %d tags: no %s has that many; the rest is ignored", TAGLIST_MAX_TAGS,
                 kind->record_name);
        break;
    }
}

static unsigned tag_id(const struct dkim_kind *kind, const char *s, size_t n)
{
    for (unsigned id = 0; id < kind->unknown_id; id++)
        if (dkim_eq(s, n, kind->names[id]))
            return id;
    return kind->unknown_id;
}

/* Copy v[0..n) into the arena in the normal form of `mode`. */
static char *normalize(struct arena *a, enum dkim_norm mode, const char *v, size_t n,
                       size_t *out_len)
{
    char *o = arena_alloc(a, n + 1);
    if (!o)
        return NULL;
    /* Most values hold no FWS at all: copy up to the first one at once. */
    size_t k = 0;
    while (k < n && !(dkim_char_class[(unsigned char)v[k]] & DKIM_CC_FWS))
        k++;
    memcpy(o, v, k);
    for (size_t i = k; i < n;) {
        unsigned char c = (unsigned char)v[i];
        if (!dkim_is_fws(c)) {
            o[k++] = (char)c;
            i++;
            continue;
        }
        size_t j = i;
        bool folded = false;
        while (j < n && dkim_is_fws((unsigned char)v[j])) {
            folded = folded || v[j] == '\r' || v[j] == '\n';
            j++;
        }
        /* A value never starts or ends with FWS once parsed (RFC 6376
         * §3.2), so an edge run (possible where CR/LF are not FWS to the
         * tokenizer) must go too, or the formatted text would re-parse
         * differently. */
        bool drop =
            mode == DKIM_NORM_NO_FWS || i == 0 || j == n ||
            (mode == DKIM_NORM_LIST && ((k > 0 && o[k - 1] == ':') || (j < n && v[j] == ':')));
        if (!drop) {
            if (folded) {
                o[k++] = ' ';
            } else {
                memcpy(o + k, v + i, j - i);
                k += j - i;
            }
        }
        i = j;
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Index of an earlier unknown tag with the same name, or DKIM_NONE; adds
 * tag i to the table otherwise.  The table is at most half full. */
static size_t unknown_seen(struct dkim_work *w, const struct dkim_tag *tags, size_t i)
{
    const struct dkim_tag *t = &tags[i];
    size_t mask = w->names_cap - 1;
    for (size_t slot = name_hash(t->name_text, t->name_len) & mask;; slot = (slot + 1) & mask) {
        uint32_t e = w->names[slot];
        if (e == 0) {
            w->names[slot] = (uint32_t)(i + 1);
            return DKIM_NONE;
        }
        const struct dkim_tag *o = &tags[e - 1];
        if (o->name_len == t->name_len && memcmp(o->name_text, t->name_text, t->name_len) == 0)
            return e - 1;
    }
}

static bool names_table_reset(struct dkim_work *w, size_t count)
{
    size_t cap = 16;
    while (cap < count * 2)
        cap *= 2;
    if (cap > w->names_cap) {
        uint32_t *p = realloc(w->names, cap * sizeof *p);
        if (!p)
            return false;
        w->names = p;
        w->names_cap = cap;
    }
    memset(w->names, 0, w->names_cap * sizeof *w->names);
    return true;
}

bool dkim_tags_build(const struct dkim_kind *kind, struct dkim_work *w, struct dkim_tag **tags,
                     size_t *count, size_t *cap, size_t *first, const char *text, size_t offset,
                     size_t len, struct diag_list *diags)
{
    struct taglist *tl = &w->tokens;
    const char *base = text + offset;
    *count = 0;
    for (unsigned id = 0; id <= kind->unknown_id; id++)
        first[id] = DKIM_NONE;
    if (!taglist_tokenize(tl, base, len - offset, kind->taglist_flags))
        return false;

    for (size_t i = 0; i < tl->nproblems; i++)
        report_problem(kind, tl, base, offset, &tl->problems[i], diags);
    if (tl->problems_dropped)
        diag_add(diags, kind->rule_syntax, offset, len, "%zu more syntax problems not listed",
                 tl->problems_dropped);

    if (tl->count > *cap) {
        struct dkim_tag *p = realloc(*tags, tl->count * sizeof *p);
        if (!p)
            return false;
        *tags = p;
        *cap = tl->count;
    }
    bool unknown_any = false;
    for (size_t i = 0; i < tl->count; i++) {
        const struct taglist_tag *src = &tl->tags[i];
        struct dkim_tag *t = &(*tags)[i];
        memset(t, 0, sizeof *t);
        t->whole = (struct span){src->whole.start + offset, src->whole.end + offset};
        t->name = (struct span){src->name.start + offset, src->name.end + offset};
        t->value = (struct span){src->value.start + offset, src->value.end + offset};
        t->has_equals = src->has_equals;
        t->name_len = src->name.end - src->name.start;
        t->name_text = arena_strndup(&w->arena, base + src->name.start, t->name_len);
        t->id =
            src->has_equals ? tag_id(kind, base + src->name.start, t->name_len) : kind->unknown_id;
        t->value_text = normalize(&w->arena, kind->norm(t->id), base + src->value.start,
                                  src->value.end - src->value.start, &t->value_len);
        if (!t->name_text || !t->value_text)
            return false;
        unknown_any = unknown_any || t->id == kind->unknown_id;
        *count = i + 1;
    }

    if (unknown_any && !names_table_reset(w, tl->count))
        return false;
    /* RFC 6376 §3.2: a repeated tag makes the whole tag-list invalid. */
    for (size_t i = 0; i < *count; i++) {
        struct dkim_tag *t = &(*tags)[i];
        if (!t->has_equals || t->name_len == 0)
            continue;
        size_t earlier;
        if (t->id != kind->unknown_id) {
            earlier = first[t->id];
            if (earlier == DKIM_NONE)
                first[t->id] = i;
        } else {
            earlier = unknown_seen(w, *tags, i);
        }
        if (earlier == DKIM_NONE)
            continue;
        t->duplicate = true;
        char snip[DKIM_SNIPPET_MAX];
        diag_add(diags, kind->rule_duplicate, t->whole.start, t->whole.end,
                 "%s= appears again (first at byte %zu): a %s with a repeated tag is invalid "
                 "and verifiers reject it; keep one",
                 dkim_snippet(t->name_text, t->name_len, snip), (*tags)[earlier].whole.start,
                 kind->record_name);
    }
    return true;
}

void dkim_tags_format(const struct dkim_tag *tags, size_t count, struct strbuf *out)
{
    for (size_t i = 0; i < count; i++) {
        if (i)
            strbuf_append(out, "; ", 2);
        strbuf_append(out, tags[i].name_text, tags[i].name_len);
        if (tags[i].has_equals) {
            strbuf_putc(out, '=');
            strbuf_append(out, tags[i].value_text, tags[i].value_len);
        }
    }
}

bool dkim_tags_equal(const struct dkim_tag *a, size_t na, const struct dkim_tag *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (a[i].has_equals != b[i].has_equals || a[i].name_len != b[i].name_len ||
            a[i].value_len != b[i].value_len ||
            memcmp(a[i].name_text, b[i].name_text, a[i].name_len) != 0 ||
            memcmp(a[i].value_text, b[i].value_text, a[i].value_len) != 0)
            return false;
    }
    return true;
}

bool dkim_term_add(struct term_list *out, const struct dkim_tag *t, const char *id,
                   const char *value_id)
{
    struct record_term *rt = term_list_add(out);
    if (!rt)
        return false;
    rt->start = t->whole.start;
    rt->end = t->whole.end;
    rt->name_start = t->name.start;
    rt->name_end = t->name.end;
    rt->value_start = t->value.start;
    rt->value_end = t->value.end;
    rt->id = id;
    rt->value_id = value_id;
    rt->lookups = 0;
    return true;
}
