/* The tag schema: the rows of dmarc_tags.def, dkim_key_tags.def and
 * dkim_sig_tags.def as static tables, lookups, and the value check routed
 * to each kind's own grammar.  See include/authtxt/schema.h. */
#include "authtxt/schema.h"

#include <string.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"

/* Each row's choices become one array ending in an empty entry (so a row
 * without choices still has an array to point at). */
#define CHOICES(...) __VA_ARGS__
#define C(value, label, help) {value, label, help},
#define V(value, label, help) {value, label, help},
#define NCHOICES(a) (sizeof(a) / sizeof((a)[0]) - 1)

#define DMARC_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,        \
                  section, req, group, order)                                                      \
    static const struct schema_choice dmarc_choices_##id[] = {choices{NULL, NULL, NULL}};
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG

#define DKIM_KEY_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,     \
                     section, req, group, order, fws)                                              \
    static const struct schema_choice key_choices_##id[] = {choices{NULL, NULL, NULL}};
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG

#define DKIM_SIG_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,     \
                     section, req, group, order, fws)                                              \
    static const struct schema_choice sig_choices_##id[] = {choices{NULL, NULL, NULL}};
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG

#define ROW(prefix, enum_prefix, id, name, label, help, value, min, max, defval, deftext, status,  \
            section, req, group, order)                                                            \
    {enum_prefix##id,                                                                              \
     name,                                                                                         \
     label,                                                                                        \
     help,                                                                                         \
     SCHEMA_VALUE_##value,                                                                         \
     prefix##_choices_##id,                                                                        \
     NCHOICES(prefix##_choices_##id),                                                              \
     min,                                                                                          \
     max,                                                                                          \
     defval,                                                                                       \
     deftext,                                                                                      \
     SCHEMA_STATUS_##status,                                                                       \
     section,                                                                                      \
     req,                                                                                          \
     group,                                                                                        \
     order},

static const struct schema_tag dmarc_rows[] = {
#define DMARC_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,        \
                  section, req, group, order)                                                      \
    ROW(dmarc, DMARC_TAG_, id, name, label, help, value, min, max, defval, deftext, status,        \
        section, req, group, order)
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
};

static const struct schema_tag key_rows[] = {
#define DKIM_KEY_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,     \
                     section, req, group, order, fws)                                              \
    ROW(key, DKIM_KEY_TAG_, id, name, label, help, value, min, max, defval, deftext, status,       \
        section, req, group, order)
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG
};

static const struct schema_tag sig_rows[] = {
#define DKIM_SIG_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,     \
                     section, req, group, order, fws)                                              \
    ROW(sig, DKIM_SIG_TAG_, id, name, label, help, value, min, max, defval, deftext, status,       \
        section, req, group, order)
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG
};

/* The rows are generated in enum order, so rows[id] is tag id. */
_Static_assert(sizeof dmarc_rows / sizeof dmarc_rows[0] == DMARC_TAG_UNKNOWN, "dmarc rows");
_Static_assert(sizeof key_rows / sizeof key_rows[0] == DKIM_KEY_TAG_UNKNOWN, "key rows");
_Static_assert(sizeof sig_rows / sizeof sig_rows[0] == DKIM_SIG_TAG_UNKNOWN, "sig rows");

const struct schema_tag *schema_tags(enum record_kind kind, size_t *count)
{
    switch (kind) {
    case RECORD_DMARC:
        *count = sizeof dmarc_rows / sizeof dmarc_rows[0];
        return dmarc_rows;
    case RECORD_DKIM_KEY:
        *count = sizeof key_rows / sizeof key_rows[0];
        return key_rows;
    case RECORD_DKIM_SIG:
        *count = sizeof sig_rows / sizeof sig_rows[0];
        return sig_rows;
    case RECORD_SPF:
    case RECORD_UNKNOWN:
        break;
    }
    *count = 0;
    return NULL;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* s[0..n) equals the NUL-terminated word (ASCII case ignored when any_case). */
static bool same_word(const char *s, size_t n, const char *word, bool any_case)
{
    size_t m = strlen(word);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)word[i];
        if (any_case ? ascii_lower(a) != ascii_lower(b) : a != b)
            return false;
    }
    return true;
}

const struct schema_tag *schema_find(enum record_kind kind, const char *name, size_t len)
{
    size_t n;
    const struct schema_tag *rows = schema_tags(kind, &n);
    /* RFC 9989 §4.8 ABNF: DMARC tag names match in any case; RFC 6376
     * §3.2: DKIM tag names are case-sensitive. */
    bool any_case = kind == RECORD_DMARC;
    for (size_t i = 0; name && i < n; i++)
        if (same_word(name, len, rows[i].name, any_case))
            return &rows[i];
    return NULL;
}

const struct schema_tag *schema_by_id(enum record_kind kind, unsigned id)
{
    size_t n;
    const struct schema_tag *rows = schema_tags(kind, &n);
    return id < n ? &rows[id] : NULL;
}

const struct schema_choice *schema_find_choice(const struct schema_tag *tag, const char *value,
                                               size_t len)
{
    if (!tag || !value)
        return NULL;
    /* DMARC keywords match in any case; DKIM ones are written as given. */
    bool any_case = strncmp(tag->help_id, "dmarc.", 6) == 0;
    for (size_t i = 0; i < tag->nchoices; i++)
        if (same_word(value, len, tag->choices[i].value, any_case))
            return &tag->choices[i];
    return NULL;
}

/* A DKIM-Signature value: parse "name=value" alone and keep what the
 * grammar says about the value (spans moved to value offsets). */
static bool check_sig_value(const char *name, const char *value, size_t len,
                            struct diag_list *diags)
{
    struct strbuf text;
    strbuf_init(&text);
    size_t nlen = strlen(name);
    strbuf_append(&text, name, nlen);
    strbuf_putc(&text, '=');
    strbuf_append(&text, value, len);
    struct dkim_sig_record r;
    struct diag_list local;
    dkim_sig_record_init(&r);
    diag_list_init(&local);
    bool ok = !text.failed && dkim_sig_parse(&r, strbuf_cstr(&text), text.len, &local);
    for (size_t i = 0; i < local.count; i++) {
        struct diag *d = &local.items[i];
        if (d->severity == DIAG_ERROR)
            ok = false;
        size_t shift = nlen + 1;
        d->start = d->start > shift ? d->start - shift : 0;
        d->end = d->end > shift ? d->end - shift : 0;
        if (d->end > len)
            d->end = len;
        if (d->start > d->end)
            d->start = d->end;
    }
    diag_list_append(diags, &local, 0);
    diag_list_free(&local);
    dkim_sig_record_free(&r);
    strbuf_free(&text);
    return ok;
}

bool schema_check_value(enum record_kind kind, const char *name, const char *value, size_t len,
                        struct diag_list *diags)
{
    if (!name)
        return false;
    if (!value)
        value = "", len = 0;
    switch (kind) {
    case RECORD_DMARC:
        return dmarc_check_value(name, value, len, diags);
    case RECORD_DKIM_KEY: {
        struct strbuf why;
        strbuf_init(&why);
        bool ok = dkim_key_check_value(name, value, len, &why);
        if (!ok)
            diag_add(diags, RULE_DKIM_BAD_VALUE, 0, len, "%s",
                     why.len ? strbuf_cstr(&why) : "not a valid value");
        strbuf_free(&why);
        return ok;
    }
    case RECORD_DKIM_SIG:
        return check_sig_value(name, value, len, diags);
    case RECORD_SPF:
    case RECORD_UNKNOWN:
        break;
    }
    return false;
}

const char *schema_status_name(enum schema_status status)
{
    switch (status) {
    case SCHEMA_STATUS_CURRENT:
        return "current";
    case SCHEMA_STATUS_NEW:
        return "new in RFC 9989";
    case SCHEMA_STATUS_REMOVED:
        return "removed by RFC 9989 (RFC 7489 only)";
    case SCHEMA_STATUS_OBSOLETE:
        return "obsolete";
    }
    return "current";
}
