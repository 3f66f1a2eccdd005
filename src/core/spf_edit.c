/* Editing an SPF model for the TUI's compose form: every change is made on
 * the record text (the formatter's output with one term replaced, added,
 * removed or moved) which is then parsed back, so the model, its spans and
 * its derived facts can never disagree with what spf_format writes. */
#include "spf_internal.h"

#include <string.h>

static bool refuse(struct diag_list *diags, enum rule_id rule, size_t start, size_t end,
                   const char *why)
{
    if (diags)
        diag_add(diags, rule, start, end, "%s", why);
    return false;
}

/* A value may be wrong, but it must stay one term: no space, no control. */
static bool value_chars_ok(const char *value, size_t len, struct diag_list *diags)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == ' ' || spf_is_ctl(c))
            return refuse(diags, RULE_SPF_SYNTAX, i, i + 1,
                          c == ' ' ? "a value cannot hold a space: that would make two terms; "
                                     "add the second term on its own"
                                   : "a value cannot hold a control character");
    }
    return true;
}

/* The text of a new term of `kind` (see spf.h for what a value is).
 * False when the kind cannot be built that way. */
static bool term_compose(enum spf_term_kind kind, enum spf_qualifier q, const char *value,
                         size_t len, struct strbuf *out, struct diag_list *diags)
{
    char qc = spf_qualifier_char(q);
    switch (kind) {
    case SPF_TERM_VERSION:
    case SPF_TERM_KIND_COUNT:
        return refuse(diags, RULE_SPF_VERSION, 0, 0,
                      "the version is not a term to add; use spf_set_version");
    case SPF_TERM_BAD:
    case SPF_TERM_UNKNOWN_MECHANISM:
        if (qc)
            strbuf_putc(out, qc);
        strbuf_append(out, value, len);
        return true;
    case SPF_TERM_UNKNOWN_MODIFIER:
        if (q != SPF_QUALIFIER_NONE)
            return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "a modifier takes no qualifier");
        strbuf_append(out, value, len);
        return true;
    case SPF_TERM_REDIRECT:
    case SPF_TERM_EXP:
        if (q != SPF_QUALIFIER_NONE)
            return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "a modifier takes no qualifier");
        strbuf_puts(out, spf_kind_name(kind));
        strbuf_putc(out, '=');
        strbuf_append(out, value, len);
        return true;
    case SPF_TERM_ALL:
        if (len)
            return refuse(diags, RULE_SPF_SYNTAX, 0, len, "all takes no value");
        if (qc)
            strbuf_putc(out, qc);
        strbuf_puts(out, "all");
        return true;
    case SPF_TERM_A:
    case SPF_TERM_MX:
    case SPF_TERM_PTR:
        if (qc)
            strbuf_putc(out, qc);
        strbuf_puts(out, spf_kind_name(kind));
        if (len && !(value[0] == '/' && kind != SPF_TERM_PTR))
            strbuf_putc(out, ':');
        strbuf_append(out, value, len);
        return true;
    default:
        if (qc)
            strbuf_putc(out, qc);
        strbuf_puts(out, spf_kind_name(kind));
        strbuf_putc(out, ':');
        strbuf_append(out, value, len);
        return true;
    }
}

/* Does a composed term parse as the kind asked for?  BAD and
 * UNKNOWN_MECHANISM hold raw term text, so anything goes; a new
 * UNKNOWN_MODIFIER must stay a modifier no RFC defines. */
static bool kind_matches(enum spf_term_kind want, const struct spf_term *got)
{
    switch (want) {
    case SPF_TERM_BAD:
    case SPF_TERM_UNKNOWN_MECHANISM:
        return got->kind != SPF_TERM_VERSION;
    default:
        return got->kind == want;
    }
}

/* Fixing a raw term in place may turn it into any kind ("inlcude:x" into
 * "include:x", "redirct=x" into "redirect=x"). */
static bool raw_kind(enum spf_term_kind kind)
{
    return kind == SPF_TERM_BAD || kind == SPF_TERM_UNKNOWN_MECHANISM ||
           kind == SPF_TERM_UNKNOWN_MODIFIER;
}

bool spf_value_check(enum spf_term_kind kind, const char *text, size_t len,
                     struct diag_list *diags)
{
    if (!value_chars_ok(text, len, diags))
        return false;
    struct strbuf sb;
    strbuf_init(&sb);
    bool ok = term_compose(kind, SPF_QUALIFIER_NONE, text, len, &sb, diags);
    if (ok && sb.failed)
        ok = refuse(diags, RULE_SPF_SYNTAX, 0, len, "the value is too long");
    if (!ok) {
        strbuf_free(&sb);
        return false;
    }
    size_t prefix = sb.len - len;
    size_t first = diags ? diags->count : 0;
    struct spf_term t;
    spf_report_non_ascii(sb.data, prefix, sb.len, diags);
    bool non_ascii = false;
    for (size_t i = 0; i < len; i++)
        non_ascii |= ((unsigned char)text[i] & 0x80) != 0;
    spf_term_parse_explained(sb.data, 0, sb.len, non_ascii, NULL, &t, diags);
    if (!kind_matches(kind, &t) && !(t.flags & SPF_TERM_NON_ASCII)) {
        const char *got = t.kind == SPF_TERM_BAD ? "no valid term" : spf_kind_name(t.kind);
        if (diags)
            diag_add(diags, RULE_SPF_SYNTAX, prefix, sb.len,
                     "this value makes %s%s, not %s", t.kind == SPF_TERM_BAD ? "" : "a term of "
                     "kind ", got[0] ? got : "an unknown term",
                     kind == SPF_TERM_UNKNOWN_MODIFIER ? "a name=value modifier"
                                                        : spf_kind_name(kind));
        t.flags |= SPF_TERM_ERROR;
    }
    /* Spans relative to the value, not to the composed term. */
    for (size_t i = first; diags && i < diags->count; i++) {
        struct diag *d = &diags->items[i];
        d->start = d->start > prefix ? d->start - prefix : 0;
        d->end = d->end > prefix ? d->end - prefix : 0;
    }
    strbuf_free(&sb);
    return !(t.flags & SPF_TERM_ERROR);
}

/* Rebuild the record text with term `skip` left out (SPF_NONE: none),
 * `insert` (already composed, may be NULL) placed before index `at`, and
 * terms `swap_a` and `swap_b` exchanged; then parse it into r. */
struct edit {
    size_t skip, at, swap_a, swap_b;
    const char *insert;
    size_t insert_len;
};

static bool edit_apply(struct spf_record *r, const struct edit *e)
{
    struct strbuf *out = &r->work->edit;
    strbuf_reset(out);
    bool first = true;
    for (size_t i = 0; i <= r->count; i++) {
        if (i == e->at && e->insert) {
            if (!first)
                strbuf_putc(out, ' ');
            strbuf_append(out, e->insert, e->insert_len);
            first = false;
        }
        if (i == r->count)
            break;
        if (i == e->skip)
            continue;
        size_t k = i == e->swap_a ? e->swap_b : i == e->swap_b ? e->swap_a : i;
        if (!first)
            strbuf_putc(out, ' ');
        spf_term_write(&r->terms[k], out);
        first = false;
    }
    if (out->failed)
        return false;
    struct diag_list *grammar = &r->work->edit_diags;
    diag_list_reset(grammar);
    if (!spf_parse(r, out->data ? out->data : "", out->len, grammar))
        return false;
    r->work->edit_valid = !grammar->oom;
    return true;
}

const struct diag_list *spf_edit_diags(const struct spf_record *r, const char **text, size_t *len)
{
    if (!r->work || !r->work->edit_valid)
        return NULL;
    *text = r->work->edit.data ? r->work->edit.data : "";
    *len = r->work->edit.len;
    return &r->work->edit_diags;
}

static const struct edit no_edit = {SPF_NONE, SPF_NONE, SPF_NONE, SPF_NONE, NULL, 0};

/* The model needs its work area before an edit can use the edit buffer. */
static bool ensure_parsed(struct spf_record *r)
{
    return r->work || spf_parse(r, "", 0, NULL);
}

static bool has_version_term(const struct spf_record *r)
{
    return r->count && r->terms[0].kind == SPF_TERM_VERSION;
}

/* Compose a term into the record's scratch then splice it in at `at`
 * (replacing term `replace` when that is not SPF_NONE). */
static bool splice(struct spf_record *r, size_t at, size_t replace, enum spf_term_kind kind,
                   enum spf_qualifier q, const char *value, size_t len, bool any_kind,
                   struct diag_list *diags)
{
    if (!value_chars_ok(value, len, diags))
        return false;
    struct strbuf term;
    strbuf_init(&term);
    bool ok = term_compose(kind, q, value, len, &term, diags);
    if (ok && term.len == 0) /* a raw term with no text would vanish */
        ok = refuse(diags, RULE_SPF_SYNTAX, 0, 0,
                    "an empty term: give its text, or remove the term");
    if (ok) {
        struct spf_term probe;
        spf_term_parse(term.data ? term.data : "", 0, term.len, NULL, &probe, NULL);
        if (term.failed)
            ok = false;
        else if (!any_kind && !kind_matches(kind, &probe))
            ok = refuse(diags, RULE_SPF_SYNTAX, 0, len,
                        "this value would make a different kind of term; check the value");
    }
    if (ok) {
        struct edit e = no_edit;
        e.at = at;
        e.skip = replace;
        e.insert = term.data;
        e.insert_len = term.len;
        ok = edit_apply(r, &e);
    }
    strbuf_free(&term);
    return ok;
}

bool spf_term_insert(struct spf_record *r, size_t index, enum spf_term_kind kind,
                     enum spf_qualifier q, const char *value, size_t len, struct diag_list *diags)
{
    if (!ensure_parsed(r))
        return false;
    if (index > r->count)
        return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "no such position in the record");
    if (index == 0 && has_version_term(r))
        index = 1;
    return splice(r, index, SPF_NONE, kind, q, value, len, false, diags);
}

bool spf_term_remove(struct spf_record *r, size_t index, struct diag_list *diags)
{
    if (!ensure_parsed(r))
        return false;
    if (index >= r->count)
        return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "no such term");
    if (r->terms[index].kind == SPF_TERM_VERSION)
        return refuse(diags, RULE_SPF_VERSION, 0, 0, "the version stays first; it is not removed");
    struct edit e = no_edit;
    e.skip = index;
    return edit_apply(r, &e);
}

bool spf_term_move(struct spf_record *r, size_t index, bool up, struct diag_list *diags)
{
    if (!ensure_parsed(r))
        return false;
    if (index >= r->count || (up && index == 0) || (!up && index + 1 >= r->count))
        return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "the term cannot move further");
    size_t other = up ? index - 1 : index + 1;
    if (r->terms[index].kind == SPF_TERM_VERSION || r->terms[other].kind == SPF_TERM_VERSION)
        return refuse(diags, RULE_SPF_VERSION, 0, 0, "the version stays first");
    struct edit e = no_edit;
    e.swap_a = index;
    e.swap_b = other;
    return edit_apply(r, &e);
}

bool spf_term_set_qualifier(struct spf_record *r, size_t index, enum spf_qualifier q,
                            struct diag_list *diags)
{
    if (!ensure_parsed(r))
        return false;
    if (index >= r->count)
        return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "no such term");
    struct spf_term t = r->terms[index];
    if (!spf_kind_is_mechanism(t.kind) && t.kind != SPF_TERM_BAD)
        return refuse(diags, RULE_SPF_SYNTAX, t.whole.start, t.whole.end,
                      "only a mechanism takes a qualifier");
    if ((unsigned)q > SPF_QUALIFIER_NEUTRAL)
        return refuse(diags, RULE_SPF_SYNTAX, t.whole.start, t.whole.end, "no such qualifier");
    t.qualifier = q;
    struct strbuf term;
    strbuf_init(&term);
    spf_term_write(&t, &term);
    bool ok = !term.failed;
    if (ok && term.len == 0) /* "?" without its qualifier would vanish */
        ok = refuse(diags, RULE_SPF_SYNTAX, t.whole.start, t.whole.end,
                    "the term would be empty: remove it instead");
    if (ok) {
        struct edit e = no_edit;
        e.at = index;
        e.skip = index;
        e.insert = term.data ? term.data : "";
        e.insert_len = term.len;
        ok = edit_apply(r, &e);
    }
    strbuf_free(&term);
    return ok;
}

bool spf_term_set_value(struct spf_record *r, size_t index, const char *value, size_t len,
                        struct diag_list *diags)
{
    if (!ensure_parsed(r))
        return false;
    if (index >= r->count)
        return refuse(diags, RULE_SPF_SYNTAX, 0, 0, "no such term");
    const struct spf_term *t = &r->terms[index];
    if (t->kind == SPF_TERM_VERSION)
        return refuse(diags, RULE_SPF_VERSION, 0, 0,
                      "the version is always v=spf1; use spf_set_version");
    return splice(r, index, index, t->kind, t->qualifier, value, len, raw_kind(t->kind), diags);
}

void spf_term_value(const struct spf_record *r, size_t index, struct strbuf *out)
{
    if (index >= r->count)
        return;
    const struct spf_term *t = &r->terms[index];
    switch (t->kind) {
    case SPF_TERM_VERSION:
        strbuf_puts(out, (t->flags & SPF_TERM_ERROR) ? t->name : "v=spf1");
        return;
    case SPF_TERM_UNKNOWN_MODIFIER:
        strbuf_puts(out, t->name);
        strbuf_putc(out, '=');
        strbuf_puts(out, t->value);
        return;
    case SPF_TERM_UNKNOWN_MECHANISM:
        strbuf_puts(out, t->name);
        if (t->has_colon)
            strbuf_putc(out, ':');
        strbuf_puts(out, t->value);
        return;
    default:
        strbuf_puts(out, t->value);
        return;
    }
}

bool spf_set_version(struct spf_record *r, struct diag_list *diags)
{
    (void)diags;
    if (!ensure_parsed(r))
        return false;
    if (r->version == SPF_VERSION_OK) /* still rebuild: the model is what spf_format writes */
        return edit_apply(r, &no_edit);
    struct edit e = no_edit;
    e.at = 0;
    e.insert = "v=spf1";
    e.insert_len = 6;
    if (r->version == SPF_VERSION_BAD)
        e.skip = 0;
    return edit_apply(r, &e);
}
