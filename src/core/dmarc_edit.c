/* Editing a DMARC record field by field for the TUI: every call checks
 * its input with the parser's own value checks, writes the record with the
 * change into the work buffer and parses it back, so the model, its typed
 * values and its spans never disagree with the text dmarc_format writes. */
#include "dmarc_internal.h"

#include <string.h>

static bool valid_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!dmarc_is_alpha((unsigned char)s[i]))
            return false;
    return true;
}

static void refuse(struct diag_list *why, enum rule_id rule, const char *msg)
{
    if (why)
        diag_add(why, rule, 0, 0, "%s", msg);
}

bool dmarc_check_value(const char *name, const char *value, size_t len, struct diag_list *diags)
{
    char snip[DMARC_SNIPPET_MAX];
    size_t nlen = strlen(name);
    if (!valid_name(name, nlen)) {
        if (diags)
            diag_add(diags, RULE_DMARC_SYNTAX, 0, 0,
                     "'%s' is not a tag name: DMARC tag names are letters only (RFC 9989 §4.8)",
                     dmarc_snippet(name, nlen, snip));
        return false;
    }
    const char *semi = memchr(value, ';', len);
    if (semi) {
        size_t at = (size_t)(semi - value);
        if (diags)
            diag_add(diags, RULE_DMARC_SYNTAX, at, at + 1,
                     "';' ends a tag and cannot be part of a value; set each tag on its own");
        return false;
    }
    size_t a = 0, b = len;
    while (a < b && dmarc_is_wsp((unsigned char)value[a]))
        a++;
    while (b > a && dmarc_is_wsp((unsigned char)value[b - 1]))
        b--;

    struct dmarc_record tmp;
    struct diag_list local;
    dmarc_record_init(&tmp);
    diag_list_init(&local);
    bool ok = false;
    struct dmarc_tag one;
    if (!dmarc_work_ensure(&tmp.work))
        goto done;
    memset(&one, 0, sizeof one);
    one.id = dmarc_tag_lookup(name, nlen);
    one.name_text = one.id == DMARC_TAG_UNKNOWN ? name : dmarc_tag_table[one.id].name;
    one.name_len = nlen;
    one.has_equals = true;
    one.whole = one.value = (struct span){a, b};
    one.name = (struct span){0, 0};
    one.uri_first = DMARC_NONE;
    tmp.tags = &one;
    tmp.count = tmp.cap = 1;
    tmp.first[one.id] = 0;
    if (!dmarc_value_parse(&tmp, 0, value, true, &local))
        goto done;
    const struct dmarc_tag *t = &tmp.tags[0];
    if (t->id == DMARC_TAG_V && !t->valid)
        diag_add(&local, RULE_DMARC_VERSION, a, b,
                 "v= must be exactly DMARC1 (the version is case-sensitive)");
    if (t->id == DMARC_TAG_UNKNOWN) {
        size_t odd = dmarc_first_odd_byte(value + a, b - a);
        if (odd < b - a) {
            char cname[DMARC_CHARNAME_MAX];
            size_t w = dmarc_char_name(value + a + odd, b - a - odd, cname);
            diag_add(&local, RULE_DMARC_SYNTAX, a + odd, a + odd + w,
                     "%s: tag values are printable ASCII; remove it", cname);
        }
    }
    for (size_t i = 0; i < tmp.nuris; i++)
        if (tmp.uris[i].has_size)
            diag_add(&local, RULE_DMARC_SIZE_SUFFIX, tmp.uris[i].size.start, tmp.uris[i].size.end,
                     "the size limit is obsolete: RFC 9989 reporters ignore it; leave it out");
    if (t->id != DMARC_TAG_UNKNOWN && t->id != DMARC_TAG_V &&
        (dmarc_has_upper(name, nlen) || t->odd_case))
        diag_add(&local, RULE_DMARC_CASE, a, b,
                 "write %s=%s in lower case: parsers that follow RFC 6376 §3.2 read other "
                 "spellings as unknown",
                 t->name_text, dmarc_snippet(t->value_text, t->value_len, snip));
    ok = true;
    for (size_t i = 0; i < local.count; i++)
        if (local.items[i].severity == DIAG_ERROR || local.items[i].rule == RULE_DMARC_BAD_VALUE)
            ok = false;
done:
    if (diags) {
        diag_list_append(diags, &local, 0);
        if (!tmp.work)
            diags->oom = true;
    }
    diag_list_free(&local);
    tmp.tags = NULL; /* `one` lives on the stack */
    tmp.count = tmp.cap = 0;
    dmarc_record_free(&tmp);
    return ok;
}

enum edit_op { EDIT_SET, EDIT_REMOVE };

static bool same_tag(const struct dmarc_tag *t, enum dmarc_tag_id id, const char *name, size_t n)
{
    if (!t->has_equals)
        return false;
    if (id != DMARC_TAG_UNKNOWN)
        return t->id == id;
    return t->id == DMARC_TAG_UNKNOWN && t->name_len == n &&
           dmarc_eq_nocase(t->name_text, t->name_len, name);
}

static void put_tag(struct strbuf *sb, const char *name, size_t nlen, bool eq, const char *v,
                    size_t vlen)
{
    if (sb->len)
        strbuf_append(sb, "; ", 2);
    strbuf_append(sb, name, nlen);
    if (eq) {
        strbuf_putc(sb, '=');
        strbuf_append(sb, v, vlen);
    }
}

/* Write the record with one change into the work buffer and parse it back
 * into r.  O(tags). */
static bool rebuild(struct dmarc_record *r, enum edit_op op, const char *name, const char *value,
                    size_t vlen, struct diag_list *why)
{
    if (!dmarc_work_ensure(&r->work)) {
        if (why)
            why->oom = true;
        return false;
    }
    size_t nlen = strlen(name);
    enum dmarc_tag_id id = dmarc_tag_lookup(name, nlen);
    const char *canon = id == DMARC_TAG_UNKNOWN ? name : dmarc_tag_table[id].name;
    struct strbuf *sb = &r->work->edit;
    strbuf_reset(sb);

    size_t target = DMARC_NONE, after = DMARC_NONE;
    unsigned rank = dmarc_tag_table[id].rank;
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        if (target == DMARC_NONE && same_tag(t, id, name, nlen))
            target = i;
        /* A new tag goes after the last one that ranks before or with it
         * (v and p lead; known tags before unknown ones). */
        if (t->has_equals && dmarc_tag_table[t->id].rank <= rank &&
            (t->id != DMARC_TAG_UNKNOWN || id == DMARC_TAG_UNKNOWN))
            after = i;
    }
    bool placed = op == EDIT_REMOVE;
    /* RFC 9989 §4.7: v must be first; setting it also moves it there.  A
     * new tag that ranks before every tag present goes first too. */
    if (op == EDIT_SET && (id == DMARC_TAG_V || (target == DMARC_NONE && after == DMARC_NONE))) {
        put_tag(sb, canon, nlen, true, value, vlen);
        placed = true;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        if (same_tag(t, id, name, nlen)) {
            if (op == EDIT_SET && i == target && !placed) {
                put_tag(sb, canon, nlen, true, value, vlen);
                placed = true;
            }
            continue; /* removed, replaced, or a later copy dropped */
        }
        put_tag(sb, t->name_text, t->name_len, t->has_equals, t->value_text, t->value_len);
        if (!placed && target == DMARC_NONE && i == after) {
            put_tag(sb, canon, nlen, true, value, vlen);
            placed = true;
        }
    }
    if (!placed)
        put_tag(sb, canon, nlen, true, value, vlen);
    if (sb->failed) {
        if (why)
            why->oom = true;
        return false;
    }
    struct diag_list *grammar = &r->work->edit_diags;
    diag_list_reset(grammar);
    bool ok = dmarc_parse(r, strbuf_cstr(sb), sb->len, grammar);
    if (!ok && why)
        why->oom = true;
    r->work->edit_valid = ok && !grammar->oom;
    return ok;
}

/* dmarc_check_value, passing its diagnostics on only when it refuses: on
 * success the caller re-lints the new text anyway. */
static bool value_acceptable(const char *name, const char *value, size_t len, struct diag_list *why)
{
    struct diag_list local;
    diag_list_init(&local);
    bool ok = dmarc_check_value(name, value, len, &local);
    if (!ok && why)
        diag_list_append(why, &local, 0);
    diag_list_free(&local);
    return ok;
}

bool dmarc_set_tag(struct dmarc_record *r, const char *name, const char *value, size_t len,
                   struct diag_list *why)
{
    if (!value_acceptable(name, value, len, why))
        return false;
    size_t a = 0, b = len;
    while (a < b && dmarc_is_wsp((unsigned char)value[a]))
        a++;
    while (b > a && dmarc_is_wsp((unsigned char)value[b - 1]))
        b--;
    return rebuild(r, EDIT_SET, name, value + a, b - a, why);
}

bool dmarc_remove_tag(struct dmarc_record *r, const char *name, struct diag_list *why)
{
    if (!valid_name(name, strlen(name))) {
        refuse(why, RULE_DMARC_SYNTAX, "not a tag name: DMARC tag names are letters only");
        return false;
    }
    return rebuild(r, EDIT_REMOVE, name, "", 0, why);
}

/* The rua or ruf tag named by `list`, or NULL when `list` names neither. */
static bool list_id(const char *list, enum dmarc_tag_id *id, struct diag_list *why)
{
    *id = dmarc_tag_lookup(list, strlen(list));
    if (*id == DMARC_TAG_RUA || *id == DMARC_TAG_RUF)
        return true;
    refuse(why, RULE_DMARC_BAD_VALUE, "URIs go to rua= (aggregate) or ruf= (failure reports)");
    return false;
}

bool dmarc_add_uri(struct dmarc_record *r, const char *list, const char *uri, size_t len,
                   struct diag_list *why)
{
    enum dmarc_tag_id id;
    if (!list_id(list, &id, why))
        return false;
    const char *comma = memchr(uri, ',', len);
    if (comma) {
        size_t at = (size_t)(comma - uri);
        if (why)
            diag_add(why, RULE_DMARC_BAD_URI, at, at + 1,
                     "one URI at a time: ',' separates entries (inside a URI write %%2C)");
        return false;
    }
    if (!value_acceptable(dmarc_tag_table[id].name, uri, len, why))
        return false;
    size_t a = 0, b = len;
    while (a < b && dmarc_is_wsp((unsigned char)uri[a]))
        a++;
    while (b > a && dmarc_is_wsp((unsigned char)uri[b - 1]))
        b--;
    size_t ti = r->first[id];
    if (ti == DMARC_NONE)
        return rebuild(r, EDIT_SET, dmarc_tag_table[id].name, uri + a, b - a, why);
    const struct dmarc_tag *t = &r->tags[ti];
    for (size_t k = 0; k < t->uri_count; k++) {
        const struct dmarc_uri *u = &r->uris[t->uri_first + k];
        if (u->len == b - a && memcmp(u->text, uri + a, b - a) == 0)
            return true;
    }
    struct strbuf v;
    strbuf_init(&v);
    strbuf_append(&v, t->value_text, t->value_len);
    if (t->value_len)
        strbuf_putc(&v, ',');
    strbuf_append(&v, uri + a, b - a);
    bool ok =
        !v.failed && rebuild(r, EDIT_SET, dmarc_tag_table[id].name, strbuf_cstr(&v), v.len, why);
    if (v.failed && why)
        why->oom = true;
    strbuf_free(&v);
    return ok;
}

bool dmarc_remove_uri(struct dmarc_record *r, const char *list, size_t index, struct diag_list *why)
{
    enum dmarc_tag_id id;
    if (!list_id(list, &id, why))
        return false;
    size_t ti = r->first[id];
    if (ti == DMARC_NONE || index >= r->tags[ti].uri_count) {
        refuse(why, RULE_DMARC_BAD_URI, "there is no such entry in the list");
        return false;
    }
    const struct dmarc_tag *t = &r->tags[ti];
    if (t->uri_count == 1)
        return rebuild(r, EDIT_REMOVE, dmarc_tag_table[id].name, "", 0, why);
    struct strbuf v;
    strbuf_init(&v);
    for (size_t k = 0; k < t->uri_count; k++) {
        const struct dmarc_uri *u = &r->uris[t->uri_first + k];
        if (k == index)
            continue;
        if (v.len)
            strbuf_putc(&v, ',');
        strbuf_append(&v, u->text, u->len);
    }
    bool ok =
        !v.failed && rebuild(r, EDIT_SET, dmarc_tag_table[id].name, strbuf_cstr(&v), v.len, why);
    if (v.failed && why)
        why->oom = true;
    strbuf_free(&v);
    return ok;
}

bool dmarc_set_fo_flag(struct dmarc_record *r, char flag, bool on, struct diag_list *why)
{
    flag = (char)dmarc_lower((unsigned char)flag);
    if (flag != '0' && flag != '1' && flag != 'd' && flag != 's') {
        refuse(why, RULE_DMARC_BAD_VALUE, "the fo= options are 0, 1, d and s");
        return false;
    }
    /* RFC 9989 §4.7: "0" and "1" are mutually exclusive. */
    char other = flag == '0' ? '1' : flag == '1' ? '0' : 0;
    char buf[16];
    size_t n = 0;
    size_t ti = r->first[DMARC_TAG_FO];
    if (ti != DMARC_NONE && r->tags[ti].valid) {
        const struct dmarc_tag *t = &r->tags[ti];
        for (size_t k = 0; k < t->value_len && n + 2 < sizeof buf; k++) {
            char c = t->value_text[k];
            if (c == ':' || c == flag || (on && c == other))
                continue;
            if (n)
                buf[n++] = ':';
            buf[n++] = c;
        }
    }
    if (on) {
        if (n)
            buf[n++] = ':';
        buf[n++] = flag;
    }
    if (n == 0)
        return rebuild(r, EDIT_REMOVE, "fo", "", 0, why);
    return rebuild(r, EDIT_SET, "fo", buf, n, why);
}

const struct diag_list *dmarc_edit_diags(const struct dmarc_record *r, const char **text,
                                         size_t *len)
{
    if (!r->work || !r->work->edit_valid)
        return NULL;
    *text = strbuf_cstr(&r->work->edit);
    *len = r->work->edit.len;
    return &r->work->edit_diags;
}
