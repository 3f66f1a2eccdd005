/* SPF model back to text (spf_format), semantic equality, the
 * kind-independent term view with help ids, one-sentence descriptions of
 * terms, and the small accessors other modules read the model through. */
#include "spf_internal.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Names and ids                                                           */

static const char *const kind_names[SPF_TERM_KIND_COUNT] = {
    [SPF_TERM_VERSION] = "v",         [SPF_TERM_ALL] = "all",   [SPF_TERM_INCLUDE] = "include",
    [SPF_TERM_A] = "a",               [SPF_TERM_MX] = "mx",     [SPF_TERM_PTR] = "ptr",
    [SPF_TERM_IP4] = "ip4",           [SPF_TERM_IP6] = "ip6",   [SPF_TERM_EXISTS] = "exists",
    [SPF_TERM_REDIRECT] = "redirect", [SPF_TERM_EXP] = "exp",   [SPF_TERM_UNKNOWN_MODIFIER] = "",
    [SPF_TERM_UNKNOWN_MECHANISM] = "", [SPF_TERM_BAD] = "",
};

static const char *const kind_ids[SPF_TERM_KIND_COUNT] = {
    [SPF_TERM_VERSION] = "spf.version",
    [SPF_TERM_ALL] = "spf.mech.all",
    [SPF_TERM_INCLUDE] = "spf.mech.include",
    [SPF_TERM_A] = "spf.mech.a",
    [SPF_TERM_MX] = "spf.mech.mx",
    [SPF_TERM_PTR] = "spf.mech.ptr",
    [SPF_TERM_IP4] = "spf.mech.ip4",
    [SPF_TERM_IP6] = "spf.mech.ip6",
    [SPF_TERM_EXISTS] = "spf.mech.exists",
    [SPF_TERM_REDIRECT] = "spf.mod.redirect",
    [SPF_TERM_EXP] = "spf.mod.exp",
    [SPF_TERM_UNKNOWN_MODIFIER] = "spf.mod.unknown",
    [SPF_TERM_UNKNOWN_MECHANISM] = "spf.mech.unknown",
    [SPF_TERM_BAD] = "spf.mech.unknown",
};

static const char *const help_ids[] = {
    "spf.version",          "spf.mech.all",           "spf.mech.include",       "spf.mech.a",
    "spf.mech.mx",          "spf.mech.ptr",           "spf.mech.ip4",           "spf.mech.ip6",
    "spf.mech.exists",      "spf.mod.redirect",       "spf.mod.exp",            "spf.mod.unknown",
    "spf.mech.unknown",     "spf.qualifier.pass",     "spf.qualifier.fail",
    "spf.qualifier.softfail", "spf.qualifier.neutral", "spf.macro",             "spf.cidr",
};

const char *const *spf_help_ids(size_t *count)
{
    *count = sizeof help_ids / sizeof help_ids[0];
    return help_ids;
}

const char *spf_kind_name(enum spf_term_kind kind)
{
    return (unsigned)kind < SPF_TERM_KIND_COUNT ? kind_names[kind] : "";
}

const char *spf_kind_help_id(enum spf_term_kind kind)
{
    return (unsigned)kind < SPF_TERM_KIND_COUNT ? kind_ids[kind] : "spf.mech.unknown";
}

enum spf_qualifier spf_qualifier_effective(enum spf_qualifier q)
{
    return q == SPF_QUALIFIER_NONE ? SPF_QUALIFIER_PASS : q;
}

const char *spf_qualifier_help_id(enum spf_qualifier q)
{
    switch (spf_qualifier_effective(q)) {
    case SPF_QUALIFIER_FAIL:
        return "spf.qualifier.fail";
    case SPF_QUALIFIER_SOFTFAIL:
        return "spf.qualifier.softfail";
    case SPF_QUALIFIER_NEUTRAL:
        return "spf.qualifier.neutral";
    default:
        return "spf.qualifier.pass";
    }
}

char spf_qualifier_char(enum spf_qualifier q)
{
    static const char chars[] = {'\0', '+', '-', '~', '?'};
    return (unsigned)q < sizeof chars ? chars[q] : '\0';
}

bool spf_kind_is_mechanism(enum spf_term_kind kind)
{
    return (kind >= SPF_TERM_ALL && kind <= SPF_TERM_EXISTS) ||
           kind == SPF_TERM_UNKNOWN_MECHANISM;
}

/* ---------------------------------------------------------------------- */
/* Format and equality                                                     */

void spf_term_write(const struct spf_term *t, struct strbuf *out)
{
    char q = spf_qualifier_char(t->qualifier);
    switch (t->kind) {
    case SPF_TERM_VERSION:
        strbuf_puts(out, (t->flags & SPF_TERM_ERROR) ? t->name : "v=spf1");
        return;
    case SPF_TERM_BAD:
        if (q)
            strbuf_putc(out, q);
        strbuf_puts(out, t->value);
        return;
    case SPF_TERM_UNKNOWN_MODIFIER:
        strbuf_puts(out, t->name);
        strbuf_putc(out, '=');
        strbuf_puts(out, t->value);
        return;
    case SPF_TERM_REDIRECT:
    case SPF_TERM_EXP:
        strbuf_puts(out, kind_names[t->kind]);
        strbuf_putc(out, '=');
        strbuf_puts(out, t->value);
        return;
    default:
        if (q)
            strbuf_putc(out, q);
        strbuf_puts(out, t->kind == SPF_TERM_UNKNOWN_MECHANISM ? t->name : kind_names[t->kind]);
        if (t->has_colon)
            strbuf_putc(out, ':');
        strbuf_puts(out, t->value);
        return;
    }
}

void spf_format(const struct spf_record *r, struct strbuf *out)
{
    for (size_t i = 0; i < r->count; i++) {
        if (i)
            strbuf_putc(out, ' ');
        spf_term_write(&r->terms[i], out);
    }
}

static bool names_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (spf_lower((unsigned char)a[i]) != spf_lower((unsigned char)b[i]))
            return false;
    return true;
}

static bool term_equal(const struct spf_term *a, const struct spf_term *b)
{
    if (a->kind != b->kind || a->qualifier != b->qualifier || a->has_colon != b->has_colon)
        return false;
    switch (a->kind) {
    case SPF_TERM_VERSION:
        if ((a->flags & SPF_TERM_ERROR) != (b->flags & SPF_TERM_ERROR))
            return false;
        return (a->flags & SPF_TERM_ERROR) ? strcmp(a->name, b->name) == 0 : true;
    case SPF_TERM_UNKNOWN_MODIFIER:
    case SPF_TERM_UNKNOWN_MECHANISM:
        if (!names_equal(a->name, b->name))
            return false;
        break;
    default:
        break;
    }
    return strcmp(a->value, b->value) == 0;
}

bool spf_equal(const struct spf_record *a, const struct spf_record *b)
{
    if (a->version != b->version || a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!term_equal(&a->terms[i], &b->terms[i]))
            return false;
    return true;
}

/* ---------------------------------------------------------------------- */
/* The term view                                                           */

void spf_terms(const struct spf_record *r, struct term_list *out)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *t = &r->terms[i];
        struct record_term *v = term_list_add(out);
        if (!v)
            return;
        v->start = t->whole.start;
        v->end = t->whole.end;
        v->name_start = t->name_span.start;
        v->name_end = t->name_span.end;
        v->value_start = t->value_span.start;
        v->value_end = t->value_span.end;
        v->id = spf_kind_help_id(t->kind);
        v->value_id = spf_kind_is_mechanism(t->kind) ? spf_qualifier_help_id(t->qualifier) : NULL;
        v->lookups = t->lookups;
    }
}

/* Untrusted text into a description: printable ASCII, bounded. */
static void put_safe(struct strbuf *out, const char *s)
{
    char buf[256];
    size_t n = 0;
    for (; n < sizeof buf - 1 && s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        buf[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    strbuf_append(out, buf, n);
    if (s[n])
        strbuf_puts(out, "...");
}

static const char *verb(enum spf_qualifier q)
{
    switch (spf_qualifier_effective(q)) {
    case SPF_QUALIFIER_FAIL:
        return "fails";
    case SPF_QUALIFIER_SOFTFAIL:
        return "soft-fails";
    case SPF_QUALIFIER_NEUTRAL:
        return "gives a neutral result for";
    default:
        return "authorizes";
    }
}

static void put_target(struct strbuf *out, const struct spf_term *t)
{
    if (t->domain && t->domain[0])
        put_safe(out, t->domain);
    else
        strbuf_puts(out, "this domain");
}

static void put_lookup(struct strbuf *out, const struct spf_term *t)
{
    if (t->flags & SPF_TERM_MACRO)
        strbuf_puts(out, "; the name depends on each message (macros)");
    strbuf_printf(out, " (%d DNS lookup%s)", t->lookups, t->lookups == 1 ? "" : "s");
}

static void describe_ip(struct strbuf *out, const struct spf_term *t)
{
    char a[46], b[46];
    strbuf_printf(out, "%s ", verb(t->qualifier));
    if (t->kind == SPF_TERM_IP4) {
        int len = t->cidr4 < 0 ? 32 : t->cidr4;
        uint32_t v = (uint32_t)t->addr[0] << 24 | (uint32_t)t->addr[1] << 16 |
                     (uint32_t)t->addr[2] << 8 | t->addr[3];
        uint32_t host = len == 0 ? 0xffffffffu : len == 32 ? 0 : 0xffffffffu >> len;
        uint32_t lo = v & ~host, hi = lo | host;
        unsigned char l4[4] = {(unsigned char)(lo >> 24), (unsigned char)(lo >> 16),
                               (unsigned char)(lo >> 8), (unsigned char)lo};
        unsigned char h4[4] = {(unsigned char)(hi >> 24), (unsigned char)(hi >> 16),
                               (unsigned char)(hi >> 8), (unsigned char)hi};
        spf_ip4_text(l4, a);
        spf_ip4_text(h4, b);
        if (len == 32)
            strbuf_printf(out, "the address %s", a);
        else
            strbuf_printf(out, "the %llu addresses %s to %s", 1ull << (32 - len), a, b);
        return;
    }
    int len = t->cidr6 < 0 ? 128 : t->cidr6;
    unsigned char lo[16], hi[16];
    for (int i = 0; i < 16; i++) {
        unsigned char mask = spf_mask_byte(len, i);
        lo[i] = t->addr[i] & mask;
        hi[i] = lo[i] | (unsigned char)~mask;
    }
    spf_ip6_text(lo, a);
    spf_ip6_text(hi, b);
    if (len == 128)
        strbuf_printf(out, "the address %s", a);
    else if (128 - len < 64)
        strbuf_printf(out, "the %llu addresses %s to %s", 1ull << (128 - len), a, b);
    else
        strbuf_printf(out, "the 2^%d addresses %s to %s", 128 - len, a, b);
}

void spf_term_describe(const struct spf_record *r, size_t i, struct strbuf *out)
{
    if (i >= r->count)
        return;
    const struct spf_term *t = &r->terms[i];
    if (t->kind == SPF_TERM_VERSION) {
        strbuf_puts(out, (t->flags & SPF_TERM_ERROR)
                             ? "is not v=spf1, so receivers do not read this record as SPF"
                             : "marks this TXT record as an SPF policy (version 1); it must "
                               "come first");
        return;
    }
    if (t->kind == SPF_TERM_BAD) {
        strbuf_puts(out, "does not parse as an SPF term: receivers treat the whole record as "
                         "broken (permerror)");
        return;
    }
    if (t->kind == SPF_TERM_UNKNOWN_MECHANISM) {
        strbuf_puts(out, "is not an SPF mechanism: receivers treat the whole record as broken "
                         "(permerror)");
        return;
    }
    if (t->flags & SPF_TERM_ERROR) {
        strbuf_puts(out, "is invalid (see the diagnostics): receivers treat the whole record as "
                         "broken (permerror)");
        return;
    }
    if (t->flags & SPF_TERM_AFTER_ALL) {
        strbuf_puts(out, "is never evaluated: it comes after all; move it before all or "
                         "remove it");
        return;
    }
    switch (t->kind) {
    case SPF_TERM_ALL:
        switch (spf_qualifier_effective(t->qualifier)) {
        case SPF_QUALIFIER_FAIL:
            strbuf_puts(out, "every other sender fails: receivers may reject its mail");
            break;
        case SPF_QUALIFIER_SOFTFAIL:
            strbuf_puts(out, "every other sender soft-fails: receivers accept its mail but may "
                             "mark it as suspicious");
            break;
        case SPF_QUALIFIER_NEUTRAL:
            strbuf_puts(out, "every other sender gets neutral: the record makes no claim about "
                             "them");
            break;
        default:
            strbuf_puts(out, "every other sender passes: anyone on the internet may send as this "
                             "domain");
            break;
        }
        return;
    case SPF_TERM_INCLUDE:
        if (spf_qualifier_effective(t->qualifier) == SPF_QUALIFIER_PASS) {
            strbuf_puts(out, "authorizes whatever ");
            put_target(out, t);
            strbuf_puts(out, "'s SPF record authorizes");
        } else {
            strbuf_printf(out, "%s the senders that ", verb(t->qualifier));
            put_target(out, t);
            strbuf_puts(out, "'s SPF record authorizes");
        }
        put_lookup(out, t);
        return;
    case SPF_TERM_A:
    case SPF_TERM_MX:
        strbuf_printf(out, "%s the %s ", verb(t->qualifier),
                      t->kind == SPF_TERM_A ? "addresses (A and AAAA records) of"
                                            : "mail servers (MX hosts) of");
        put_target(out, t);
        if (t->cidr4 >= 0 && t->cidr6 >= 0)
            strbuf_printf(out, ", widened to their /%d (IPv4) and /%d (IPv6) networks", t->cidr4,
                          t->cidr6);
        else if (t->cidr4 >= 0)
            strbuf_printf(out, ", widened to their /%d networks (IPv4)", t->cidr4);
        else if (t->cidr6 >= 0)
            strbuf_printf(out, ", widened to their /%d networks (IPv6)", t->cidr6);
        put_lookup(out, t);
        return;
    case SPF_TERM_PTR:
        strbuf_printf(out, "%s hosts whose reverse DNS name ends in ", verb(t->qualifier));
        put_target(out, t);
        strbuf_puts(out, " (slow and unreliable: avoid ptr)");
        put_lookup(out, t);
        return;
    case SPF_TERM_IP4:
    case SPF_TERM_IP6:
        describe_ip(out, t);
        return;
    case SPF_TERM_EXISTS:
        strbuf_printf(out, "%s every sender when ", verb(t->qualifier));
        put_target(out, t);
        strbuf_puts(out, " has an A record");
        put_lookup(out, t);
        return;
    case SPF_TERM_REDIRECT:
        if (t->flags & SPF_TERM_IGNORED) {
            strbuf_puts(out, "is ignored because the record has an all mechanism (no DNS lookup)");
            return;
        }
        strbuf_puts(out, "when no mechanism matches, uses ");
        put_target(out, t);
        strbuf_puts(out, "'s SPF record instead");
        put_lookup(out, t);
        return;
    case SPF_TERM_EXP:
        strbuf_puts(out, "names ");
        put_target(out, t);
        strbuf_puts(out, ", whose TXT record explains a failure to the rejected sender (looked "
                         "up only then; not counted)");
        return;
    case SPF_TERM_UNKNOWN_MODIFIER:
        strbuf_puts(out, "is a modifier receivers do not know; they ignore it");
        return;
    default:
        return;
    }
}

/* ---------------------------------------------------------------------- */
/* Accessors                                                               */

enum spf_qualifier spf_all_qualifier(const struct spf_record *r)
{
    if (r->all_index == SPF_NONE)
        return SPF_QUALIFIER_NONE;
    return spf_qualifier_effective(r->terms[r->all_index].qualifier);
}

bool spf_has_effective_redirect(const struct spf_record *r, const char **target)
{
    bool effective = r->redirect_index != SPF_NONE && r->all_index == SPF_NONE;
    if (target) {
        const struct spf_term *t = effective ? &r->terms[r->redirect_index] : NULL;
        *target = t && (t->flags & SPF_TERM_DOMAIN_OK) && !(t->flags & SPF_TERM_ERROR)
                      ? t->domain
                      : NULL;
    }
    return effective;
}

int spf_lookup_count(const struct spf_record *r) { return r->lookups; }

size_t spf_next_include(const struct spf_record *r, size_t from)
{
    for (size_t i = from; i < r->count; i++)
        if (r->terms[i].kind == SPF_TERM_INCLUDE)
            return i;
    return SPF_NONE;
}
