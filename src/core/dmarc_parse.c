/* The DMARC policy record (RFC 9989 §4.7-4.8): the parser on the shared
 * tag=value tokenizer, the formatter, model equality, the term view and
 * its help ids.  Tag values are checked in dmarc_value.c, URIs in
 * dmarc_uri.c. */
#include "dmarc_internal.h"

#include <stdlib.h>
#include <string.h>

void dmarc_record_init(struct dmarc_record *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < DMARC_TAG_COUNT; i++)
        r->first[i] = DMARC_NONE;
    r->pct = -1;
    r->ri = -1;
}

void dmarc_record_free(struct dmarc_record *r)
{
    free(r->tags);
    free(r->uris);
    dmarc_work_free(r->work);
    dmarc_record_init(r);
}

bool dmarc_set_domain(struct dmarc_record *r, const char *domain)
{
    if (!domain || !domain[0]) {
        r->domain[0] = '\0';
        return true;
    }
    char tmp[DMARC_NAME_MAX + 1];
    if (!dmarc_domain_normalize(domain, strlen(domain), tmp, NULL))
        return false;
    memcpy(r->domain, tmp, sizeof tmp);
    return true;
}

/* A tag written 5,000 times is one mistake: list the first repeats only. */
#define DUPLICATES_LISTED 16

static void model_reset(struct dmarc_record *r, size_t len)
{
    r->count = 0;
    r->nuris = 0;
    for (size_t i = 0; i < DMARC_TAG_COUNT; i++)
        r->first[i] = DMARC_NONE;
    r->text_len = len;
    r->leading_space = 0;
    r->version_ok = false;
    r->p = r->sp = r->np = DMARC_POLICY_ABSENT;
    r->adkim = r->aspf = DMARC_ALIGN_ABSENT;
    r->psd = DMARC_PSD_ABSENT;
    r->t = DMARC_YORN_ABSENT;
    r->fo = r->rf = 0;
    r->pct = -1;
    r->ri = -1;
}

/* After dmarc-version only a dmarc-sep (*WSP ";") or the end may come
 * (RFC 9989 §4.8): "v=DMARC1 p=reject" is not a DMARC record. */
static bool version_ends_at(const char *text, size_t len, size_t i)
{
    while (i < len && dmarc_is_wsp((unsigned char)text[i]))
        i++;
    return i == len || text[i] == ';';
}

/* What receivers match in practice: the text begins with the bytes
 * "v=DMARC1" followed by a separator (RFC 9989 §4.7: v must be first). */
static bool version_exact(const char *text, size_t len)
{
    if (len < 8 || memcmp(text, "v=DMARC1", 8) != 0)
        return false;
    return version_ends_at(text, len, 8);
}

/* RFC 9989 §4.10 step 2: dmarc-version = "v" equals %s"DMARC1". */
bool dmarc_text_is_record(const char *text, size_t len)
{
    size_t i = 0;
    if (len == 0 || (text[0] != 'v' && text[0] != 'V'))
        return false;
    i = 1;
    while (i < len && dmarc_is_wsp((unsigned char)text[i]))
        i++;
    if (i == len || text[i] != '=')
        return false;
    i++;
    while (i < len && dmarc_is_wsp((unsigned char)text[i]))
        i++;
    if (len - i < 6 || memcmp(text + i, "DMARC1", 6) != 0)
        return false;
    return version_ends_at(text, len, i + 6);
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a over the lower-cased name */
    for (size_t i = 0; i < n; i++)
        h = (h ^ dmarc_lower((unsigned char)s[i])) * 16777619u;
    return h;
}

static bool names_table_reset(struct dmarc_work *w, size_t count)
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

/* Index of an earlier unknown tag with the same name (any case), or
 * DMARC_NONE after adding tag i to the table.  At most half full. */
static size_t unknown_seen(struct dmarc_work *w, const struct dmarc_tag *tags, size_t i)
{
    const struct dmarc_tag *t = &tags[i];
    size_t mask = w->names_cap - 1;
    for (size_t slot = name_hash(t->name_text, t->name_len) & mask;; slot = (slot + 1) & mask) {
        uint32_t e = w->names[slot];
        if (e == 0) {
            w->names[slot] = (uint32_t)(i + 1);
            return DMARC_NONE;
        }
        const struct dmarc_tag *o = &tags[e - 1];
        if (o->name_len == t->name_len && dmarc_eq_nocase(o->name_text, o->name_len, t->name_text))
            return e - 1;
    }
}

/* The tokenizer's problems as dmarc-syntax, except a bad byte inside the
 * value of a known tag: its value check names it (for rua/ruf as
 * dmarc-bad-uri, the URI's problem). */
static void report_problem(const struct dmarc_record *r, const char *text,
                           const struct taglist_problem *p, struct diag_list *diags)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *s = text + p->span.start;
    size_t n = p->span.end - p->span.start;
    switch (p->kind) {
    case TAGLIST_MISSING_EQUALS: {
        /* "rua:mailto:..." or "p reject": a tag name with the wrong
         * separator. */
        size_t k = 0;
        while (k < n && dmarc_is_alpha((unsigned char)s[k]))
            k++;
        if (k > 0 && k < n && (s[k] == ':' || s[k] == ' ') &&
            dmarc_tag_lookup(s, k) != DMARC_TAG_UNKNOWN) {
            size_t rest = k + 1;
            while (rest < n && dmarc_is_wsp((unsigned char)s[rest]))
                rest++;
            char snip2[DMARC_SNIPPET_MAX];
            diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                     "'%s' has no '=': write %.*s=%s", dmarc_snippet(s, n, snip), (int)k, s,
                     dmarc_snippet(s + rest, n - rest, snip2));
        } else
            diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                     "'%s' has no '=': each tag is written name=value; remove it or add the '='",
                     dmarc_snippet(s, n, snip));
        break;
    }
    case TAGLIST_EMPTY_NAME:
        diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                 "'=' with no tag name before it; write name=value");
        break;
    case TAGLIST_BAD_NAME:
        if (s[0] == '"' || s[n - 1] == '"')
            diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                     "'%s' is not a tag name: zone-file quotes are not part of the record; "
                     "remove them",
                     dmarc_snippet(s, n, snip));
        else
            diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                     "'%s' is not a tag name: DMARC tag names are letters only (RFC 9989 §4.8)",
                     dmarc_snippet(s, n, snip));
        break;
    case TAGLIST_BAD_VALUE_CHAR: {
        if (p->tag_index < r->count && r->tags[p->tag_index].id != DMARC_TAG_UNKNOWN)
            break;
        char cname[DMARC_CHARNAME_MAX];
        dmarc_char_name(s, n, cname);
        diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                 "%s at byte %zu: tag values are printable ASCII; remove it", cname, p->span.start);
        break;
    }
    case TAGLIST_EMPTY_SPEC:
        /* RFC 9989 §4.8: dmarc-record ends in at most one dmarc-sep, and
         * no dmarc-tag is empty: ";;" anywhere is outside the grammar. */
        diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, p->span.end,
                 "an empty tag between two ';': the grammar allows one ';' between tags and at "
                 "most one at the end; remove one ';'");
        break;
    case TAGLIST_TOO_MANY_TAGS:
        diag_add(diags, RULE_DMARC_SYNTAX, p->span.start, r->text_len,
                 "more than %d tags: no DMARC record has that many; the rest is not read",
                 TAGLIST_MAX_TAGS);
        break;
    }
}

bool dmarc_parse(struct dmarc_record *r, const char *text, size_t len, struct diag_list *diags)
{
    if (!dmarc_work_ensure(&r->work))
        return false;
    r->work->edit_valid = false;
    struct dmarc_work *w = r->work;
    arena_reset(&w->arena);
    model_reset(r, len);
    while (r->leading_space < len && dmarc_is_wsp((unsigned char)text[r->leading_space]))
        r->leading_space++;
    r->version_ok = version_exact(text, len);
    if (!taglist_tokenize(&w->tokens, text, len, 0))
        return false;
    const struct taglist *tl = &w->tokens;

    if (tl->count > r->cap) {
        struct dmarc_tag *p = realloc(r->tags, tl->count * sizeof *p);
        if (!p)
            return false;
        r->tags = p;
        r->cap = tl->count;
    }
    bool unknown_any = false;
    for (size_t i = 0; i < tl->count; i++) {
        const struct taglist_tag *src = &tl->tags[i];
        struct dmarc_tag *t = &r->tags[i];
        memset(t, 0, sizeof *t);
        t->whole = src->whole;
        t->name = src->name;
        t->value = src->value;
        t->has_equals = src->has_equals;
        t->uri_first = DMARC_NONE;
        size_t nlen = src->name.end - src->name.start;
        t->id =
            src->has_equals ? dmarc_tag_lookup(text + src->name.start, nlen) : DMARC_TAG_UNKNOWN;
        if (t->id != DMARC_TAG_UNKNOWN) {
            t->name_text = dmarc_tag_table[t->id].name;
            t->name_len = nlen;
        } else {
            t->name_text = arena_strndup(&w->arena, text + src->name.start, nlen);
            if (!t->name_text)
                return false;
            t->name_len = nlen;
            unknown_any = unknown_any || (t->has_equals && nlen > 0);
        }
        r->count = i + 1;
    }
    if (unknown_any && !names_table_reset(w, tl->count))
        return false;
    /* The tokenizer's problems first: they are capped (TAGLIST_MAX_PROBLEMS)
     * and must not be crowded out of the capped diagnostic list. */
    for (size_t i = 0; i < tl->nproblems; i++)
        report_problem(r, text, &tl->problems[i], diags);
    if (tl->problems_dropped)
        diag_add(diags, RULE_DMARC_SYNTAX, 0, len, "%zu more syntax problems not listed",
                 tl->problems_dropped);

    size_t dups = 0;

    for (size_t i = 0; i < r->count; i++) {
        struct dmarc_tag *t = &r->tags[i];
        if (!t->has_equals) {
            t->value_text = "";
            t->valid = false;
            continue;
        }
        /* RFC 9989 §4.8: dmarc-tag = 1*ALPHA ...; RFC 6376 §3.2 also
         * allows digits and '_', which the tokenizer accepts. */
        size_t nlen = t->name.end - t->name.start;
        const char *name = text + t->name.start;
        if (nlen && dmarc_is_alpha((unsigned char)name[0])) {
            for (size_t k = 1; k < nlen; k++) {
                if (!dmarc_is_alpha((unsigned char)name[k])) {
                    char snip[DMARC_SNIPPET_MAX];
                    diag_add(diags, RULE_DMARC_SYNTAX, t->name.start, t->name.end,
                             "'%s' is not a tag name: DMARC tag names are letters only "
                             "(RFC 9989 §4.8)",
                             dmarc_snippet(name, nlen, snip));
                    break;
                }
            }
        }
        size_t earlier = DMARC_NONE;
        if (t->id != DMARC_TAG_UNKNOWN) {
            earlier = r->first[t->id];
            if (earlier == DMARC_NONE)
                r->first[t->id] = i;
        } else if (nlen > 0) {
            earlier = unknown_seen(w, r->tags, i);
            if (r->first[DMARC_TAG_UNKNOWN] == DMARC_NONE)
                r->first[DMARC_TAG_UNKNOWN] = i;
        }
        if (earlier != DMARC_NONE) {
            char snip[DMARC_SNIPPET_MAX];
            t->duplicate = true;
            if (++dups <= DUPLICATES_LISTED)
                diag_add(
                    diags, RULE_DMARC_DUPLICATE_TAG, t->whole.start, t->whole.end,
                    "%s= appears again (first at byte %zu): a repeated tag makes the tag list "
                    "invalid (RFC 6376 §3.2) and receivers disagree on which copy counts; keep "
                    "one",
                    dmarc_snippet(t->name_text, t->name_len, snip), r->tags[earlier].whole.start);
        }
        if (!dmarc_value_parse(r, i, text, !t->duplicate, diags))
            return false;
    }

    if (dups > DUPLICATES_LISTED)
        diag_add(diags, RULE_DMARC_DUPLICATE_TAG, 0, len,
                 "%zu more repeated tags not listed: a DMARC record has each tag once",
                 dups - DUPLICATES_LISTED);
    return true;
}

void dmarc_format(const struct dmarc_record *r, struct strbuf *out)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        if (i)
            strbuf_append(out, "; ", 2);
        strbuf_append(out, t->name_text, t->name_len);
        if (t->has_equals) {
            strbuf_putc(out, '=');
            strbuf_append(out, t->value_text, t->value_len);
        }
    }
}

bool dmarc_equal(const struct dmarc_record *a, const struct dmarc_record *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const struct dmarc_tag *x = &a->tags[i], *y = &b->tags[i];
        if (x->id != y->id || x->has_equals != y->has_equals || x->name_len != y->name_len ||
            x->value_len != y->value_len || memcmp(x->name_text, y->name_text, x->name_len) != 0 ||
            memcmp(x->value_text, y->value_text, x->value_len) != 0)
            return false;
    }
    return true;
}

/* ---- the term view ---------------------------------------------------- */

/* The tags' help ids, then their values' (the choices of dmarc_tags.def):
 * adding a tag or a choice there adds its id here. */
#define CHOICES(...) __VA_ARGS__
#define C(value, label, help) help,
#define V(value, label, help) /* the tag's own id, listed above */
static const char *const help_ids[] = {
#define DMARC_TAG(id, name, label, help, ...) help,
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
    "dmarc.tag.unknown",
#define DMARC_TAG(id, name, label, help, value, choices, ...) choices
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
    "dmarc.tag.rf.iodef", /* accepted, not offered: see dmarc_tags.def */
};
#undef C
#undef V
#undef CHOICES

const char *const *dmarc_help_ids(size_t *count)
{
    *count = sizeof help_ids / sizeof *help_ids;
    return help_ids;
}

/* The help id "dmarc.tag.<name>.<value>" from the table above. */
static const char *help_value_id(const struct dmarc_tag *t)
{
    const char *name = dmarc_tag_table[t->id].name;
    size_t nl = strlen(name);
    for (size_t i = 0; i < sizeof help_ids / sizeof *help_ids; i++) {
        const char *id = help_ids[i] + 10; /* after "dmarc.tag." */
        if (strncmp(id, name, nl) == 0 && id[nl] == '.' &&
            dmarc_eq(t->value_text, t->value_len, id + nl + 1))
            return help_ids[i];
    }
    return NULL;
}

void dmarc_terms(const struct dmarc_record *r, struct term_list *out)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        struct record_term *rt = term_list_add(out);
        if (!rt)
            return;
        rt->start = t->whole.start;
        rt->end = t->whole.end;
        rt->name_start = t->name.start;
        rt->name_end = t->name.end;
        rt->value_start = t->value.start;
        rt->value_end = t->value.end;
        rt->id = dmarc_tag_table[t->id].help_id;
        /* A list of several fo options or rf formats has no single value
         * entry: value_id stays NULL, as for invalid values. */
        rt->value_id =
            t->valid && t->has_equals && t->id != DMARC_TAG_UNKNOWN ? help_value_id(t) : NULL;
        rt->lookups = 0;
    }
}
