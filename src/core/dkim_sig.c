/* The DKIM-Signature header field (RFC 6376 §3.5, RFC 8301, RFC 8463), as
 * pasted from a message so it can be explained: with or without its field
 * name, folded over lines; parse, lint, format on one line, explain. */
#include "dkim_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names, help ids and FWS handling come from the rows of dkim_sig_tags.def
 * (see schema.h): adding a tag is one row there. */
static const char *const sig_names[DKIM_SIG_TAG_COUNT] = {
#define DKIM_SIG_TAG(id, name, ...) [DKIM_SIG_TAG_##id] = name,
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG
};

static const char *const sig_help_ids[] = {
#define DKIM_SIG_TAG(id, name, label, help, ...) [DKIM_SIG_TAG_##id] = help,
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG
    [DKIM_SIG_TAG_UNKNOWN] = "dkim.sig.tag.unknown",
    "dkim.sig.tag.a.rsa-sha256",
    "dkim.sig.tag.a.rsa-sha1",
    "dkim.sig.tag.a.ed25519-sha256",
    "dkim.sig.tag.c.simple",
    "dkim.sig.tag.c.relaxed",
    "dkim.sig.tag.q.dns",
};
enum {
    HELP_A_RSA_SHA256 = DKIM_SIG_TAG_COUNT,
    HELP_A_RSA_SHA1,
    HELP_A_ED25519_SHA256,
    HELP_C_SIMPLE,
    HELP_C_RELAXED,
    HELP_Q_DNS,
    HELP_COUNT
};
_Static_assert(sizeof sig_help_ids / sizeof sig_help_ids[0] == HELP_COUNT, "help id table");

static enum dkim_norm sig_norm(unsigned id)
{
    static const enum dkim_norm norms[DKIM_SIG_TAG_COUNT] = {
#define DKIM_SIG_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,    \
                     section, req, group, order, fws)                                              \
    [DKIM_SIG_TAG_##id] = DKIM_NORM_##fws,
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG
    };
    return id < DKIM_SIG_TAG_COUNT ? norms[id] : DKIM_NORM_TEXT;
}

static const struct dkim_kind sig_kind = {
    sig_names,
    DKIM_SIG_TAG_UNKNOWN,
    TAGLIST_ALLOW_FOLDING,
    RULE_DKIMSIG_SYNTAX,
    RULE_DKIMSIG_DUPLICATE_TAG,
    "DKIM-Signature",
    sig_norm,
};

void dkim_sig_record_init(struct dkim_sig_record *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < DKIM_SIG_TAG_COUNT; i++)
        r->first[i] = DKIM_NONE;
}

void dkim_sig_record_free(struct dkim_sig_record *r)
{
    free(r->tags);
    dkim_work_free(r->work);
    dkim_sig_record_init(r);
}

/* ---- value grammar (RFC 6376 §3.5) ------------------------------------ */

/* sig-a-tag-k / sig-a-tag-h = ALPHA *(ALPHA / DIGIT) */
static bool alnum_word(const char *s, size_t n)
{
    if (n == 0 || !dkim_is_alpha((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!dkim_is_alpha((unsigned char)s[i]) && !dkim_is_digit((unsigned char)s[i]))
            return false;
    return true;
}

/* Digits only, at most `max`; saturating value in *out. */
static bool number(const char *s, size_t n, size_t max, unsigned long long *out)
{
    if (n == 0 || n > max)
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dkim_is_digit((unsigned char)s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : v * 10 + d;
    }
    *out = v;
    return true;
}

/* A domain name of RFC 5321 (sub-domain *("." sub-domain)), with at least
 * `min_labels` labels.  Underscores are let through: DNS has them and
 * verifiers do not reject them.  On failure *bad is the offending label. */
static bool domain_ok(const char *s, size_t n, size_t min_labels, size_t *bs, size_t *be,
                      const char **why)
{
    size_t labels = 0, start = 0;
    if (n > 253) {
        *bs = 0;
        *be = n;
        *why = "longer than the 253 bytes of a domain name";
        return false;
    }
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        size_t len = i - start;
        *bs = start;
        *be = i;
        if (len == 0) {
            /* Point at the dot that makes the empty label. */
            *bs = i < n ? i : (n ? n - 1 : 0);
            *be = n ? *bs + 1 : 0;
            *why = i == n && n ? "a domain name without the trailing dot"
                               : "a domain name (it has an empty label)";
            return false;
        }
        if (len > 63) {
            *why = "a domain name (a label is longer than 63 bytes)";
            return false;
        }
        for (size_t k = start; k < i; k++) {
            unsigned char c = (unsigned char)s[k];
            if (!dkim_is_alpha(c) && !dkim_is_digit(c) && c != '-' && c != '_') {
                *why = "a domain name (letters, digits and hyphens; IDNs as A-labels)";
                return false;
            }
        }
        if (s[start] == '-' || s[i - 1] == '-') {
            *why = "a domain name (a label starts or ends with '-')";
            return false;
        }
        labels++;
        start = i + 1;
    }
    if (labels < min_labels) {
        *bs = 0;
        *be = n;
        *why = "a full domain name (it needs at least two labels)";
        return false;
    }
    return true;
}

/* field-name = 1*ftext, ftext = %d33-57 / %d59-126 (RFC 5322 §3.6.8) */
static bool field_name_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126 || c == ':')
            return false;
    }
    return n > 0;
}

/* sig-q-tag-method = "dns/txt" / x-sig-q-tag-type ["/" x-sig-q-tag-args] */
static bool query_method_ok(const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);
    size_t tn = slash ? (size_t)(slash - s) : n;
    return dkim_is_hyphenated_word(s, tn);
}

struct h_scan {
    size_t count;
    bool from;
};

static bool h_item(void *arg, const char *s, size_t n)
{
    struct h_scan *h = arg;
    h->count++;
    h->from = h->from || dkim_eq_nocase(s, n, "from");
    return true;
}

static bool q_item(void *arg, const char *s, size_t n)
{
    bool *dns = arg;
    *dns = *dns || dkim_eq(s, n, "dns/txt");
    return !*dns;
}

static enum dkim_canon canon_of(const char *s, size_t n)
{
    return dkim_eq(s, n, "simple")    ? DKIM_CANON_SIMPLE
           : dkim_eq(s, n, "relaxed") ? DKIM_CANON_RELAXED
                                      : DKIM_CANON_OTHER;
}

static enum dkim_sig_alg alg_of(const char *s, size_t n)
{
    return dkim_eq(s, n, "rsa-sha256")       ? DKIM_SIG_ALG_RSA_SHA256
           : dkim_eq(s, n, "rsa-sha1")       ? DKIM_SIG_ALG_RSA_SHA1
           : dkim_eq(s, n, "ed25519-sha256") ? DKIM_SIG_ALG_ED25519_SHA256
                                             : DKIM_SIG_ALG_OTHER;
}

/* Check one value; on failure add dkimsig-bad-value and return false. */
static bool sig_value_check(const struct dkim_tag *t, const char *text, struct diag_list *diags)
{
    const char *v = text + t->value.start;
    size_t n = t->value.end - t->value.start, vs = t->value.start;
    char snip[DKIM_SNIPPET_MAX], msg[DIAG_MESSAGE_MAX];
    const char *why = NULL;
    size_t bs = 0, be = n;
    unsigned long long num;
    struct dkim_value_error err;
    switch (t->id) {
    case DKIM_SIG_TAG_A: {
        const char *dash = memchr(v, '-', n);
        if (!dash || !alnum_word(v, (size_t)(dash - v)) ||
            !alnum_word(dash + 1, n - (size_t)(dash - v) - 1)) {
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs, vs + n,
                     "a=%s is not an algorithm name (key-hash, such as rsa-sha256)",
                     dkim_snippet(v, n, snip));
            return false;
        }
        return true;
    }
    case DKIM_SIG_TAG_B:
    case DKIM_SIG_TAG_BH: {
        struct dkim_b64 b;
        dkim_b64_scan(v, n, &b);
        if (b.problem != DKIM_KEY_PROBLEM_NONE) {
            dkim_b64_message(&b, sig_names[t->id], msg, sizeof msg);
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + b.bad_start, vs + b.bad_end, "%s", msg);
            return false;
        }
        if (b.chars == 0) {
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, t->whole.start, t->whole.end,
                     "%s= is empty: the %s is missing (was the header copied before signing?)",
                     sig_names[t->id], t->id == DKIM_SIG_TAG_B ? "signature" : "body hash");
            return false;
        }
        return true;
    }
    case DKIM_SIG_TAG_C: {
        const char *slash = memchr(v, '/', n);
        size_t hn = slash ? (size_t)(slash - v) : n;
        if (!dkim_is_hyphenated_word(v, hn)) {
            bs = 0;
            be = hn;
        } else if (slash && !dkim_is_hyphenated_word(slash + 1, n - hn - 1)) {
            bs = hn + 1;
            be = n;
        } else {
            return true;
        }
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + bs, vs + be,
                 "c=%s is not a canonicalization (header[/body], such as relaxed/relaxed)",
                 dkim_snippet(v, n, snip));
        return false;
    }
    case DKIM_SIG_TAG_D:
        if (domain_ok(v, n, 2, &bs, &be, &why))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + bs, vs + be, "d=%s is not %s",
                 dkim_snippet(v, n, snip), why);
        return false;
    case DKIM_SIG_TAG_S:
        if (domain_ok(v, n, 1, &bs, &be, &why))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + bs, vs + be, "s=%s is not a selector: %s",
                 dkim_snippet(v, n, snip), why + 2);
        return false;
    case DKIM_SIG_TAG_I: {
        size_t at = n;
        for (size_t k = n; k > 0; k--)
            if (v[k - 1] == '@') {
                at = k - 1;
                break;
            }
        if (at == n) {
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs, vs + n,
                     "i=%s has no '@': it is written [local-part]@domain",
                     dkim_snippet(v, n, snip));
            return false;
        }
        if (domain_ok(v + at + 1, n - at - 1, 2, &bs, &be, &why))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + at + 1 + bs, vs + at + 1 + be,
                 "the domain of i=%s is not %s", dkim_snippet(v, n, snip), why);
        return false;
    }
    case DKIM_SIG_TAG_H:
        if (n == 0) {
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, t->whole.start, t->whole.end,
                     "h= is empty: it must list the signed header fields, From first of all");
            return false;
        }
        if (dkim_list_check(v, n, field_name_ok, "a header field name", &err))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + err.start, vs + err.end,
                 "h= holds %s where a header field name belongs; names are separated by ':'",
                 err.end == err.start + 1 && v[err.start] == ':' ? "an empty item" : "text");
        return false;
    case DKIM_SIG_TAG_L:
        if (number(v, n, 76, &num))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs, vs + n,
                 "l=%s is not a byte count (1 to 76 digits)", dkim_snippet(v, n, snip));
        return false;
    case DKIM_SIG_TAG_T:
    case DKIM_SIG_TAG_X:
        if (number(v, n, 12, &num))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs, vs + n,
                 "%s=%s is not a time in seconds since 1970 (1 to 12 digits)", sig_names[t->id],
                 dkim_snippet(v, n, snip));
        return false;
    case DKIM_SIG_TAG_Q:
        if (n > 0 && dkim_list_check(v, n, query_method_ok, "a query method", &err))
            return true;
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs, vs + n,
                 "q=%s is not a list of query methods (dns/txt is the only one)",
                 dkim_snippet(v, n, snip));
        return false;
    case DKIM_SIG_TAG_Z:
        /* sig-z-tag-copy = hdr-name [FWS] ":" qp-hdr-value, '|' between. */
        for (size_t a = 0; a <= n;) {
            const char *bar = memchr(v + a, '|', n - a);
            size_t e = bar ? (size_t)(bar - v) : n;
            const char *colon = memchr(v + a, ':', e - a);
            if (!colon || colon == v + a) {
                diag_add(diags, RULE_DKIMSIG_BAD_VALUE, vs + a, vs + e,
                         "z= copies are written name:value, separated by '|'");
                return false;
            }
            a = e + 1;
        }
        return true;
    default:
        return true;
    }
}

/* ---- parse ----------------------------------------------------------- */

static void reset_model(struct dkim_sig_record *r, size_t len)
{
    r->count = 0;
    for (size_t i = 0; i < DKIM_SIG_TAG_COUNT; i++)
        r->first[i] = DKIM_NONE;
    r->text_len = len;
    r->has_field_name = false;
    r->value_start = 0;
    r->alg = DKIM_SIG_ALG_NONE;
    r->header_canon = r->body_canon = DKIM_CANON_SIMPLE;
    r->t_ok = r->x_ok = r->l_ok = r->b_ok = r->bh_ok = r->h_has_from = false;
    r->t = r->x = r->l = 0;
    r->b_bytes = r->bh_bytes = r->h_count = 0;
    r->q_dns_txt = true;
}

/* "DKIM-Signature:" in any case (RFC 5322 field names are
 * case-insensitive), after optional leading whitespace. */
static size_t skip_field_name(const char *text, size_t len, bool *found)
{
    static const char name[] = "dkim-signature";
    size_t i = 0, n = sizeof name - 1;
    *found = false;
    while (i < len && dkim_is_fws((unsigned char)text[i]))
        i++;
    if (len - i < n || !dkim_eq_nocase(text + i, n, name))
        return 0;
    size_t j = i + n;
    while (j < len && dkim_is_wsp((unsigned char)text[j]))
        j++;
    if (j >= len || text[j] != ':')
        return 0;
    *found = true;
    return j + 1;
}

/* RFC 5322 §2.2.3: a line break continues the field only when WSP
 * follows.  Trailing line breaks are the end of the paste, not an error. */
static void check_folding(const char *text, size_t from, size_t len, struct diag_list *diags)
{
    while (from < len && dkim_is_fws((unsigned char)text[from]))
        from++; /* blank lines before the value are the paste's, too */
    for (size_t i = from; i < len; i++) {
        if (text[i] != '\n')
            continue;
        if (i + 1 >= len || dkim_is_wsp((unsigned char)text[i + 1]))
            continue;
        size_t rest = i + 1;
        while (rest < len && dkim_is_fws((unsigned char)text[rest]))
            rest++;
        if (rest == len)
            return;
        size_t start = i > from && text[i - 1] == '\r' ? i - 1 : i;
        diag_add(diags, RULE_DKIMSIG_SYNTAX, start, i + 1,
                 "a line break not followed by a space or tab ends the header field; indent "
                 "the continuation lines (or paste the field alone)");
        return;
    }
}

bool dkim_sig_parse(struct dkim_sig_record *r, const char *text, size_t len,
                    struct diag_list *diags)
{
    reset_model(r, len);
    if (!dkim_work_ensure(&r->work))
        return false;
    arena_reset(&r->work->arena);
    r->value_start = skip_field_name(text, len, &r->has_field_name);
    check_folding(text, r->value_start, len, diags);
    if (!dkim_tags_build(&sig_kind, r->work, &r->tags, &r->count, &r->cap, r->first, text,
                         r->value_start, len, diags))
        return false;

    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (!t->has_equals)
            continue;
        bool ok = sig_value_check(t, text, diags);
        if (t->duplicate)
            continue; /* the typed view follows the first copy */
        const char *v = t->value_text;
        size_t n = t->value_len;
        switch (t->id) {
        case DKIM_SIG_TAG_A:
            r->alg = ok ? alg_of(v, n) : DKIM_SIG_ALG_NONE;
            break;
        case DKIM_SIG_TAG_B:
        case DKIM_SIG_TAG_BH: {
            struct dkim_b64 b;
            dkim_b64_scan(v, n, &b);
            if (t->id == DKIM_SIG_TAG_B) {
                r->b_ok = ok;
                r->b_bytes = ok ? b.decoded_len : 0;
            } else {
                r->bh_ok = ok;
                r->bh_bytes = ok ? b.decoded_len : 0;
            }
            break;
        }
        case DKIM_SIG_TAG_C:
            /* RFC 6376 §3.5: "c=relaxed" means relaxed/simple. */
            if (ok) {
                const char *slash = memchr(v, '/', n);
                size_t hn = slash ? (size_t)(slash - v) : n;
                r->header_canon = canon_of(v, hn);
                r->body_canon = slash ? canon_of(slash + 1, n - hn - 1) : DKIM_CANON_SIMPLE;
            } else {
                r->header_canon = r->body_canon = DKIM_CANON_OTHER;
            }
            break;
        case DKIM_SIG_TAG_H: {
            struct h_scan h = {0, false};
            dkim_list_each(v, n, h_item, &h);
            r->h_count = h.count;
            r->h_has_from = h.from;
            break;
        }
        case DKIM_SIG_TAG_L:
            r->l_ok = ok && number(v, n, 76, &r->l);
            break;
        case DKIM_SIG_TAG_Q:
            r->q_dns_txt = false;
            dkim_list_each(v, n, q_item, &r->q_dns_txt);
            break;
        case DKIM_SIG_TAG_T:
            r->t_ok = ok && number(v, n, 12, &r->t);
            break;
        case DKIM_SIG_TAG_X:
            r->x_ok = ok && number(v, n, 12, &r->x);
            break;
        default:
            break;
        }
    }
    return true;
}

/* ---- lint ------------------------------------------------------------ */

static const struct dkim_tag *tag_of(const struct dkim_sig_record *r, unsigned id)
{
    return r->first[id] == DKIM_NONE ? NULL : &r->tags[r->first[id]];
}

#define TIME_TEXT_MAX 64 /* "%04lld-..." of any 12-digit time fits */

/* Seconds since 1970 as "2022-11-08 18:34:24" (proleptic Gregorian, UTC;
 * days-to-civil after H. Hinnant).  No libc time zone state involved. */
static void format_time(unsigned long long secs, char *buf, size_t cap)
{
    long long days = (long long)(secs / 86400), rem = (long long)(secs % 86400);
    long long z = days + 719468, era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(buf, cap, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d, rem / 3600,
             rem / 60 % 60, rem % 60);
}

static const char *const required_what[DKIM_SIG_TAG_COUNT] = {
    [DKIM_SIG_TAG_V] = "the version, v=1",
    [DKIM_SIG_TAG_A] = "the signing algorithm",
    [DKIM_SIG_TAG_B] = "the signature itself",
    [DKIM_SIG_TAG_BH] = "the body hash",
    [DKIM_SIG_TAG_D] = "the signing domain",
    [DKIM_SIG_TAG_H] = "the signed header fields",
    [DKIM_SIG_TAG_S] = "the selector that names the key",
};

static void lint_required(const struct dkim_sig_record *r, struct diag_list *diags)
{
    /* RFC 6376 §3.5 and §6.1.1: a signature without these is invalid. */
    for (unsigned id = 0; id < DKIM_SIG_TAG_UNKNOWN; id++)
        if (required_what[id] && r->first[id] == DKIM_NONE)
            diag_add(diags, RULE_DKIMSIG_MISSING_TAG, r->text_len, r->text_len,
                     "no %s= tag (%s): it is required, so verifiers reject the signature",
                     sig_names[id], required_what[id]);
    const struct dkim_tag *v = tag_of(r, DKIM_SIG_TAG_V);
    char snip[DKIM_SNIPPET_MAX];
    if (v && !dkim_eq(v->value_text, v->value_len, "1"))
        diag_add(diags, RULE_DKIMSIG_VERSION, v->value.start, v->value.end,
                 "v=%s: this DKIM version is 1, and verifiers reject any other value",
                 dkim_snippet(v->value_text, v->value_len, snip));
}

static void lint_algorithm(const struct dkim_sig_record *r, struct diag_list *diags)
{
    char snip[DKIM_SNIPPET_MAX];
    const struct dkim_tag *t = tag_of(r, DKIM_SIG_TAG_A);
    if (t && r->alg == DKIM_SIG_ALG_OTHER)
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, t->value.start, t->value.end,
                 "a=%s is not an algorithm verifiers know (rsa-sha256, ed25519-sha256): the "
                 "signature cannot verify",
                 dkim_snippet(t->value_text, t->value_len, snip));
    if (t && r->alg == DKIM_SIG_ALG_RSA_SHA1)
        /* RFC 8301 §3.1 */
        diag_add(diags, RULE_DKIMSIG_RSA_SHA1, t->value.start, t->value.end,
                 "a=rsa-sha1: RFC 8301 forbids SHA-1 for signing and verifying, so verifiers "
                 "fail this signature; sign with rsa-sha256");
    const struct dkim_tag *bh = tag_of(r, DKIM_SIG_TAG_BH);
    if (bh && r->bh_ok && r->alg != DKIM_SIG_ALG_NONE && r->alg != DKIM_SIG_ALG_OTHER) {
        size_t want = r->alg == DKIM_SIG_ALG_RSA_SHA1 ? 20 : 32;
        if (r->bh_bytes != want)
            diag_add(diags, RULE_DKIMSIG_BAD_VALUE, bh->value.start, bh->value.end,
                     "bh= decodes to %zu bytes, but a %s body hash is %zu: the value is damaged "
                     "or belongs to another algorithm",
                     r->bh_bytes, want == 20 ? "SHA-1" : "SHA-256", want);
    }
    const struct dkim_tag *b = tag_of(r, DKIM_SIG_TAG_B);
    if (b && r->b_ok && r->alg == DKIM_SIG_ALG_ED25519_SHA256 && r->b_bytes != 64)
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, b->value.start, b->value.end,
                 "b= decodes to %zu bytes, but an Ed25519 signature is 64: the value is damaged",
                 r->b_bytes);
    const struct dkim_tag *c = tag_of(r, DKIM_SIG_TAG_C);
    if (c && (r->header_canon == DKIM_CANON_OTHER || r->body_canon == DKIM_CANON_OTHER) &&
        c->value_len > 0)
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, c->value.start, c->value.end,
                 "c=%s names a canonicalization verifiers do not know (simple, relaxed): the "
                 "signature cannot verify",
                 dkim_snippet(c->value_text, c->value_len, snip));
    const struct dkim_tag *q = tag_of(r, DKIM_SIG_TAG_Q);
    if (q && !r->q_dns_txt)
        diag_add(diags, RULE_DKIMSIG_BAD_VALUE, q->value.start, q->value.end,
                 "q=%s does not list dns/txt, the only way verifiers fetch keys",
                 dkim_snippet(q->value_text, q->value_len, snip));
}

/* The domain of i= (after its last '@'), or NULL. */
static const char *i_domain(const struct dkim_tag *i, size_t *n)
{
    for (size_t k = i->value_len; k > 0; k--)
        if (i->value_text[k - 1] == '@') {
            *n = i->value_len - k;
            return i->value_text + k;
        }
    return NULL;
}

static void lint_identity(const struct dkim_sig_record *r, struct diag_list *diags)
{
    char snip[DKIM_SNIPPET_MAX], snip2[DKIM_SNIPPET_MAX];
    const struct dkim_tag *h = tag_of(r, DKIM_SIG_TAG_H);
    if (h && h->value_len > 0 && !r->h_has_from)
        /* RFC 6376 §5.4: From MUST be signed. */
        diag_add(diags, RULE_DKIMSIG_FROM_UNSIGNED, h->value.start, h->value.end,
                 "h= does not list From: the author address is not signed, so verifiers "
                 "reject the signature; sign From");
    const struct dkim_tag *i = tag_of(r, DKIM_SIG_TAG_I), *d = tag_of(r, DKIM_SIG_TAG_D);
    size_t in = 0;
    const char *idom = i ? i_domain(i, &in) : NULL;
    if (idom && d && in > 0 && d->value_len > 0) {
        /* RFC 6376 §3.5 i=: the same domain as d= or a subdomain of it. */
        const char *dv = d->value_text; /* NUL-terminated */
        size_t dn = d->value_len;
        bool same = in == dn && dkim_eq_nocase(idom, in, dv);
        bool sub =
            in > dn + 1 && idom[in - dn - 1] == '.' && dkim_eq_nocase(idom + in - dn, dn, dv);
        if (!same && !sub)
            diag_add(diags, RULE_DKIMSIG_I_OUTSIDE_D, i->value.start, i->value.end,
                     "the domain of i= (%s) is not d=%s or a subdomain of it: verifiers reject "
                     "the signature",
                     dkim_snippet(idom, in, snip), dkim_snippet(dv, dn, snip2));
    }
}

static void lint_time(const struct dkim_sig_record *r, long long now, struct diag_list *diags)
{
    const struct dkim_tag *x = tag_of(r, DKIM_SIG_TAG_X);
    if (!x || !r->x_ok)
        return;
    char when[TIME_TEXT_MAX];
    format_time(r->x, when, sizeof when);
    /* RFC 6376 §3.5 x=: MUST be greater than t=. */
    if (r->t_ok && r->x <= r->t)
        diag_add(diags, RULE_DKIMSIG_EXPIRED, x->value.start, x->value.end,
                 "x= (%s UTC) is not later than t=: the signature expired as it was made; "
                 "the signer's expiry setting is wrong",
                 when);
    else if (now > 0 && r->x < (unsigned long long)now)
        diag_add(diags, RULE_DKIMSIG_EXPIRED, x->value.start, x->value.end,
                 "the signature expired on %s UTC (x=): verifiers may fail it from then on; "
                 "expected for an old message, not for a new one",
                 when);
}

static void lint_other(const struct dkim_sig_record *r, struct diag_list *diags)
{
    char snip[DKIM_SNIPPET_MAX];
    const struct dkim_tag *l = tag_of(r, DKIM_SIG_TAG_L);
    if (l)
        /* RFC 6376 §8.2 */
        diag_add(diags, RULE_DKIMSIG_BODY_LENGTH, l->whole.start, l->whole.end,
                 "l=%s: only that many body bytes are signed, so anyone can append content "
                 "that still verifies; sign the whole body (no l=)",
                 dkim_snippet(l->value_text, l->value_len, snip));
    const struct dkim_tag *c = tag_of(r, DKIM_SIG_TAG_C);
    if (r->header_canon == DKIM_CANON_SIMPLE) {
        if (c)
            diag_add(diags, RULE_DKIMSIG_SIMPLE_C, c->value.start, c->value.end,
                     "c=%s: simple header canonicalization breaks when a relay refolds or "
                     "re-cases a header; relaxed/relaxed survives that",
                     dkim_snippet(c->value_text, c->value_len, snip));
        else
            diag_add(diags, RULE_DKIMSIG_SIMPLE_C, r->text_len, r->text_len,
                     "no c=: the default simple/simple canonicalization breaks when a relay "
                     "refolds or re-cases a header; relaxed/relaxed survives that");
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (t->id != DKIM_SIG_TAG_UNKNOWN || !t->has_equals || t->name_len == 0 || t->duplicate)
            continue;
        diag_add(diags, RULE_DKIMSIG_UNKNOWN_TAG, t->whole.start, t->whole.end,
                 "unknown tag %s= is signed but ignored by verifiers",
                 dkim_snippet(t->name_text, t->name_len, snip));
    }
}

void dkim_sig_lint(const struct dkim_sig_record *r, long long now, struct diag_list *diags)
{
    lint_required(r, diags);
    lint_algorithm(r, diags);
    lint_identity(r, diags);
    lint_time(r, now, diags);
    lint_other(r, diags);
}

/* ---- format, equal, terms, explanations ------------------------------ */

void dkim_sig_format(const struct dkim_sig_record *r, struct strbuf *out)
{
    /* When the first tag itself begins like a field name (a header pasted
     * with its name twice), write the name so the text parses back the
     * same. */
    bool found = false;
    if (r->count)
        skip_field_name(r->tags[0].name_text, r->tags[0].name_len, &found);
    if (found)
        strbuf_puts(out, "DKIM-Signature: ");
    dkim_tags_format(r->tags, r->count, out);
}

bool dkim_sig_equal(const struct dkim_sig_record *a, const struct dkim_sig_record *b)
{
    return dkim_tags_equal(a->tags, a->count, b->tags, b->count);
}

static const char *sig_value_id(const struct dkim_tag *t)
{
    const char *v = t->value_text;
    size_t n = t->value_len;
    switch (t->id) {
    case DKIM_SIG_TAG_A:
        switch (alg_of(v, n)) {
        case DKIM_SIG_ALG_RSA_SHA256:
            return sig_help_ids[HELP_A_RSA_SHA256];
        case DKIM_SIG_ALG_RSA_SHA1:
            return sig_help_ids[HELP_A_RSA_SHA1];
        case DKIM_SIG_ALG_ED25519_SHA256:
            return sig_help_ids[HELP_A_ED25519_SHA256];
        default:
            return NULL;
        }
    case DKIM_SIG_TAG_C: {
        const char *slash = memchr(v, '/', n);
        switch (canon_of(v, slash ? (size_t)(slash - v) : n)) {
        case DKIM_CANON_SIMPLE:
            return sig_help_ids[HELP_C_SIMPLE];
        case DKIM_CANON_RELAXED:
            return sig_help_ids[HELP_C_RELAXED];
        default:
            return NULL;
        }
    }
    case DKIM_SIG_TAG_Q: {
        bool dns = false;
        dkim_list_each(v, n, q_item, &dns);
        return dns ? sig_help_ids[HELP_Q_DNS] : NULL;
    }
    default:
        return NULL;
    }
}

void dkim_sig_terms(const struct dkim_sig_record *r, struct term_list *out)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (!dkim_term_add(out, t, sig_help_ids[t->id], t->has_equals ? sig_value_id(t) : NULL))
            return;
    }
}

const char *const *dkim_sig_help_ids(size_t *count)
{
    *count = HELP_COUNT;
    return sig_help_ids;
}

static const char *canon_name(enum dkim_canon c)
{
    return c == DKIM_CANON_SIMPLE ? "simple" : c == DKIM_CANON_RELAXED ? "relaxed" : "unknown";
}

static void describe_key_name(const struct dkim_sig_record *r, struct strbuf *out)
{
    const struct dkim_tag *s = tag_of(r, DKIM_SIG_TAG_S), *d = tag_of(r, DKIM_SIG_TAG_D);
    char a[DKIM_SNIPPET_MAX], b[DKIM_SNIPPET_MAX];
    strbuf_printf(out, "%s._domainkey.%s",
                  s ? dkim_snippet(s->value_text, s->value_len, a) : "<selector>",
                  d ? dkim_snippet(d->value_text, d->value_len, b) : "<domain>");
}

void dkim_sig_term_describe(const struct dkim_sig_record *r, size_t i, struct strbuf *out)
{
    if (i >= r->count)
        return;
    const struct dkim_tag *t = &r->tags[i];
    char snip[DKIM_SNIPPET_MAX], when[TIME_TEXT_MAX];
    const char *v = t->value_text;
    size_t n = t->value_len;
    unsigned long long num = 0;
    if (!t->has_equals) {
        strbuf_puts(out, "not a tag (no '='): the header field is malformed");
        return;
    }
    if (t->duplicate) {
        strbuf_printf(out, "a second %s=: a signature with a repeated tag is invalid",
                      dkim_snippet(t->name_text, t->name_len, snip));
        return;
    }
    switch (t->id) {
    case DKIM_SIG_TAG_V:
        if (dkim_eq(v, n, "1"))
            strbuf_puts(out, "DKIM-Signature version 1");
        else
            strbuf_printf(out, "version %s, not 1: verifiers reject the signature",
                          dkim_snippet(v, n, snip));
        break;
    case DKIM_SIG_TAG_A:
        switch (alg_of(v, n)) {
        case DKIM_SIG_ALG_RSA_SHA256:
            strbuf_puts(out, "signed with RSA over a SHA-256 hash (rsa-sha256)");
            break;
        case DKIM_SIG_ALG_RSA_SHA1:
            strbuf_puts(out, "signed with RSA over SHA-1, which RFC 8301 forbids: verifiers "
                             "fail it");
            break;
        case DKIM_SIG_ALG_ED25519_SHA256:
            strbuf_puts(out, "signed with Ed25519 over a SHA-256 hash (RFC 8463)");
            break;
        default:
            strbuf_printf(out, "algorithm %s, which verifiers do not know",
                          dkim_snippet(v, n, snip));
            break;
        }
        break;
    case DKIM_SIG_TAG_B:
        if (i == r->first[DKIM_SIG_TAG_B] && r->b_ok) {
            if (r->alg == DKIM_SIG_ALG_ED25519_SHA256)
                strbuf_printf(out,
                              "the signature over the signed headers: %zu bytes of Ed25519 "
                              "signature",
                              r->b_bytes);
            else
                strbuf_printf(out,
                              "the signature over the signed headers: %zu bytes, so the "
                              "signing key is a %zu-bit RSA key",
                              r->b_bytes, r->b_bytes * 8);
        } else {
            strbuf_puts(out, "the signature, but it is not valid base64");
        }
        break;
    case DKIM_SIG_TAG_BH:
        strbuf_printf(out, "the hash of the canonicalized message body (%zu bytes)", r->bh_bytes);
        break;
    case DKIM_SIG_TAG_C:
        strbuf_printf(out,
                      "canonicalization: headers %s, body %s; relaxed tolerates the "
                      "whitespace and case changes relays make",
                      canon_name(r->header_canon), canon_name(r->body_canon));
        break;
    case DKIM_SIG_TAG_D:
        strbuf_printf(out, "the signing domain, %s: verifiers fetch the key from ",
                      dkim_snippet(v, n, snip));
        describe_key_name(r, out);
        break;
    case DKIM_SIG_TAG_H:
        strbuf_printf(out, "signs %zu header field%s: %s%s", r->h_count, r->h_count == 1 ? "" : "s",
                      dkim_snippet(v, n, snip), r->h_has_from ? "" : " (From is not among them)");
        break;
    case DKIM_SIG_TAG_I:
        strbuf_printf(out, "the user or agent the domain signs for: %s", dkim_snippet(v, n, snip));
        break;
    case DKIM_SIG_TAG_L:
        strbuf_printf(out, "only the first %s bytes of the body are signed",
                      dkim_snippet(v, n, snip));
        break;
    case DKIM_SIG_TAG_Q:
        strbuf_puts(out, r->q_dns_txt ? "the key is fetched from a DNS TXT record (dns/txt)"
                                      : "names no query method verifiers know");
        break;
    case DKIM_SIG_TAG_S:
        strbuf_puts(out, "the selector: the public key is published at ");
        describe_key_name(r, out);
        break;
    case DKIM_SIG_TAG_T:
    case DKIM_SIG_TAG_X:
        if (!number(v, n, 12, &num)) {
            strbuf_puts(out, "a time, but not a valid one");
            break;
        }
        format_time(num, when, sizeof when);
        strbuf_printf(out, "%s %s UTC", t->id == DKIM_SIG_TAG_T ? "signed at" : "expires at", when);
        break;
    case DKIM_SIG_TAG_Z:
        strbuf_puts(out, "copies of header fields as they were when signed, for diagnosis");
        break;
    default:
        strbuf_printf(out, "an unknown tag %s=; it is signed but verifiers ignore it",
                      dkim_snippet(t->name_text, t->name_len, snip));
        break;
    }
}
