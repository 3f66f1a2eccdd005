/* SPF parser (RFC 7208 §4.5, §4.6, §5, §6, §7.1; the ABNF of §12): record
 * text to the model of spf.h, with a span for every term and the grammar
 * diagnostics.  One pass over the text; a term is parsed twice only when it
 * is bad (once quietly, once to say why). */
#include "spf_internal.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Small helpers shared through spf_internal.h                             */

bool spf_eq_nocase(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n; i++) {
        if (word[i] == '\0' || spf_lower((unsigned char)s[i]) != (unsigned char)word[i])
            return false;
    }
    return word[i] == '\0';
}

const char *spf_snippet(const char *s, size_t n, char buf[SPF_SNIPPET_MAX])
{
    size_t max = 40, o = 0;
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (n > max) {
        buf[o++] = '.';
        buf[o++] = '.';
        buf[o++] = '.';
    }
    buf[o] = '\0';
    return buf;
}

static const struct {
    const char *name;
    enum spf_term_kind kind;
} mechanism_names[] = {
    {"all", SPF_TERM_ALL}, {"include", SPF_TERM_INCLUDE}, {"a", SPF_TERM_A},
    {"mx", SPF_TERM_MX},   {"ptr", SPF_TERM_PTR},         {"ip4", SPF_TERM_IP4},
    {"ip6", SPF_TERM_IP6}, {"exists", SPF_TERM_EXISTS},
};

enum spf_term_kind spf_mechanism_by_name(const char *s, size_t n)
{
    /* Dispatch on the length and first letter: this runs once per term. */
    switch (n) {
    case 1:
        return spf_lower((unsigned char)s[0]) == 'a' ? SPF_TERM_A : SPF_TERM_KIND_COUNT;
    case 2:
        return spf_eq_nocase(s, 2, "mx") ? SPF_TERM_MX : SPF_TERM_KIND_COUNT;
    case 3:
        switch (spf_lower((unsigned char)s[0])) {
        case 'a':
            return spf_eq_nocase(s, 3, "all") ? SPF_TERM_ALL : SPF_TERM_KIND_COUNT;
        case 'p':
            return spf_eq_nocase(s, 3, "ptr") ? SPF_TERM_PTR : SPF_TERM_KIND_COUNT;
        case 'i':
            if (spf_eq_nocase(s, 3, "ip4"))
                return SPF_TERM_IP4;
            return spf_eq_nocase(s, 3, "ip6") ? SPF_TERM_IP6 : SPF_TERM_KIND_COUNT;
        default:
            return SPF_TERM_KIND_COUNT;
        }
    case 6:
        return spf_eq_nocase(s, 6, "exists") ? SPF_TERM_EXISTS : SPF_TERM_KIND_COUNT;
    case 7:
        return spf_eq_nocase(s, 7, "include") ? SPF_TERM_INCLUDE : SPF_TERM_KIND_COUNT;
    default:
        return SPF_TERM_KIND_COUNT;
    }
}

void spf_ip4_text(const unsigned char a[4], char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void spf_ip6_text(const unsigned char a[16], char buf[46])
{
    if (!inet_ntop(AF_INET6, a, buf, 46))
        buf[0] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Diagnostics of one term                                                 */

struct term_ctx {
    const char *text;
    struct diag_list *diags; /* NULL: a quiet parse */
    struct spf_term *t;
};

static void term_error(struct term_ctx *c, enum rule_id rule, size_t start, size_t end,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void term_error(struct term_ctx *c, enum rule_id rule, size_t start, size_t end,
                       const char *fmt, ...)
{
    c->t->flags |= SPF_TERM_ERROR;
    if (!c->diags)
        return;
    va_list ap;
    va_start(ap, fmt);
    diag_addv(c->diags, rule, start, end, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* Macros (RFC 7208 §7.1)                                                  */

static bool is_delimiter(unsigned char c)
{
    return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

/* s[i] is '%'.  Parse one macro-expand and set *next past it.  *expand is
 * true for the %{...} form (a value that depends on the message), false for
 * the escapes %% %_ %-.  On a bad macro, reports spf-bad-macro (span of the
 * bad part, offset by base) and sets *next past the '%'.  `explain` allows
 * the letters c, r and t (RFC 7208 §7.2: exp text only). */
static bool macro_parse(const char *s, size_t len, size_t i, size_t base, bool explain,
                        struct term_ctx *c, size_t *next, bool *expand)
{
    char snip[SPF_SNIPPET_MAX];
    *expand = false;
    *next = i + 1;
    if (i + 1 >= len) {
        term_error(c, RULE_SPF_BAD_MACRO, base + i, base + len,
                   "a lone '%%' at the end of '%s': write %%%% for a literal percent sign",
                   spf_snippet(s, len, snip));
        return false;
    }
    unsigned char n = (unsigned char)s[i + 1];
    if (n == '%' || n == '_' || n == '-') {
        *next = i + 2;
        return true;
    }
    if (n != '{') {
        term_error(c, RULE_SPF_BAD_MACRO, base + i, base + i + 2,
                   "'%%%c' is not a macro: '%%' must be followed by {, %%, _ or - (write %%%% for "
                   "a literal percent sign)",
                   (n >= 0x21 && n < 0x7f) ? (char)n : '?');
        return false;
    }
    /* Where the macro ends, for spans: the '}' or the end of the text. */
    size_t close = i + 2;
    while (close < len && s[close] != '}' && s[close] != '%')
        close++;
    size_t span_end = close < len && s[close] == '}' ? close + 1 : close;
    size_t j = i + 2;
    if (j >= len || s[j] == '}') {
        term_error(c, RULE_SPF_BAD_MACRO, base + i, base + span_end,
                   "'%s' has no macro letter: write %%{d}, %%{i}, %%{s} ...",
                   spf_snippet(s + i, span_end - i, snip));
        return false;
    }
    unsigned char letter = spf_lower((unsigned char)s[j]);
    if (letter == '\0' || !strchr("slodiphv", letter)) {
        if (letter == 'c' || letter == 'r' || letter == 't') {
            if (!explain) {
                term_error(c, RULE_SPF_BAD_MACRO, base + i, base + span_end,
                           "'%s': the macro letter '%c' is allowed only in the explanation text "
                           "an exp= TXT record holds, not here",
                           spf_snippet(s + i, span_end - i, snip), (char)letter);
                return false;
            }
        } else {
            term_error(c, RULE_SPF_BAD_MACRO, base + i, base + span_end,
                       "'%s': '%c' is not a macro letter (s, l, o, d, i, p, h, v)",
                       spf_snippet(s + i, span_end - i, snip),
                       (letter >= 0x21 && letter < 0x7f) ? (char)letter : '?');
            return false;
        }
    }
    j++;
    /* transformers = *DIGIT [ "r" ]; a DIGIT value MUST be nonzero (§7.3). */
    size_t digits = j;
    bool nonzero = false;
    while (j < len && spf_is_digit((unsigned char)s[j])) {
        if (s[j] != '0')
            nonzero = true;
        j++;
    }
    if (j > digits && !nonzero) {
        term_error(c, RULE_SPF_BAD_MACRO, base + i, base + span_end,
                   "'%s': the number of parts to keep must be 1 or more",
                   spf_snippet(s + i, span_end - i, snip));
        return false;
    }
    if (j < len && spf_lower((unsigned char)s[j]) == 'r')
        j++;
    while (j < len && is_delimiter((unsigned char)s[j]))
        j++;
    if (j >= len || s[j] != '}') {
        term_error(c, RULE_SPF_BAD_MACRO, base + i, base + span_end,
                   "'%s' is not a valid macro: after the letter come digits, r and the "
                   "delimiters . - + , / _ = and then '}'",
                   spf_snippet(s + i, span_end - i, snip));
        return false;
    }
    *next = j + 1;
    *expand = true;
    return true;
}

/* ---------------------------------------------------------------------- */
/* domain-spec (RFC 7208 §7.1), with the RFC 1035 label rules checked where
 * no macro is involved (§4.8 leaves invalid names undefined; receivers
 * either permerror or never match, so both are worth an error here).     */

static bool toplabel_valid(const char *s, size_t n)
{
    /* toplabel = ( *alphanum ALPHA *alphanum ) /
     *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
    if (n == 0 || n > 63)
        return false;
    bool alpha = false, dash = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-')
            dash = true;
        else if (spf_is_alpha(c))
            alpha = true;
        else if (!spf_is_digit(c))
            return false;
    }
    if (dash)
        return s[0] != '-' && s[n - 1] != '-';
    return alpha;
}

static bool looks_like_ip4(const char *s, size_t n)
{
    size_t dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (!spf_is_digit((unsigned char)s[i]))
            return false;
    }
    return dots == 3;
}

/* Check spec[0..len) (spans at base + offset).  `what` names the term for
 * messages ("include").  Sets *macro when it holds a %{...} macro. */
static bool domain_spec_validate(const char *spec, size_t len, size_t base, bool explain,
                                 const char *what, struct term_ctx *c, bool *macro)
{
    char snip[SPF_SNIPPET_MAX], snip2[SPF_SNIPPET_MAX];
    *macro = false;
    if (len == 0) {
        term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base, base,
                   "%s needs a domain after the separator, e.g. %s:example.com", what, what);
        return false;
    }
    struct term_ctx quiet = {c->text, NULL, c->t};
    bool ok = true, reported = false, last_expand = false, any_macro = false;
    bool label_macro = false;
    size_t label_start = 0, label_len = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)spec[i];
        if (ch == '%') {
            size_t next;
            bool expand;
            if (!macro_parse(spec, len, i, base, explain, reported ? &quiet : c, &next, &expand)) {
                c->t->flags |= SPF_TERM_ERROR;
                ok = false;
                reported = true;
                last_expand = false;
            } else {
                last_expand = true;
                label_macro = true;
                any_macro = true;
                if (expand)
                    *macro = true;
            }
            i = next;
            continue;
        }
        last_expand = false;
        if (ch < 0x21 || ch > 0x7e) {
            /* Non-ASCII (already reported by the record scan) or a control
             * character in a value checked on its own. */
            if (ch < 0x80 && !reported) {
                term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base + i, base + i + 1,
                           "a control character (0x%02X) in the domain of %s", ch, what);
                reported = true;
            }
            c->t->flags |= SPF_TERM_ERROR;
            ok = false;
            i++;
            continue;
        }
        if (ch == '.') {
            /* An empty label: "a..b" or a leading dot.  A single trailing
             * dot is allowed (§7.3). */
            if (label_len == 0 && !label_macro && !reported) {
                term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base, base + len,
                           "'%s' has an empty label (two dots in a row, or a leading dot)",
                           spf_snippet(spec, len, snip));
                reported = true;
                ok = false;
            }
            label_start = i + 1;
            label_len = 0;
            label_macro = false;
            i++;
            continue;
        }
        label_len++;
        if (label_len == 64 && !label_macro && !reported) {
            term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base + label_start, base + label_start + 64,
                       "a label of '%s' is longer than 63 characters (RFC 1035 §2.3.4)",
                       spf_snippet(spec, len, snip));
            reported = true;
            ok = false;
        }
        i++;
    }
    if (!any_macro && len - (spec[len - 1] == '.') > 253 && !reported) {
        term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base, base + len,
                   "the domain of %s is longer than 253 characters (RFC 1035 §2.3.4)", what);
        reported = true;
        ok = false;
    }
    /* domain-end = ( "." toplabel [ "." ] ) / macro-expand */
    if (last_expand || reported)
        return ok;
    size_t end = len;
    if (spec[end - 1] == '.')
        end--;
    size_t dot = SPF_NONE;
    for (size_t k = end; k > 0; k--) {
        if (spec[k - 1] == '.') {
            dot = k - 1;
            break;
        }
    }
    if (dot == SPF_NONE) {
        if (end == 0)
            return ok;
        term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base, base + len,
                   "'%s' is a single label: the domain of %s needs at least two, such as "
                   "example.com",
                   spf_snippet(spec, len, snip), what);
        return false;
    }
    const char *top = spec + dot + 1;
    size_t top_len = end - dot - 1;
    if (!toplabel_valid(top, top_len)) {
        if (looks_like_ip4(spec, end))
            term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base, base + len,
                       "'%s' is an IPv4 address, not a domain: use ip4:%s instead",
                       spf_snippet(spec, end, snip), spf_snippet(spec, end, snip2));
        else if (memchr(top, ':', top_len))
            term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base + dot + 1, base + end,
                       "'%s' is not a valid top-level label: a domain has no port or ':' part",
                       spf_snippet(top, top_len, snip));
        else
            term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, base + dot + 1, base + end,
                       "'%s' is not a valid top-level label: letters, digits and inner "
                       "hyphens, not all digits",
                       spf_snippet(top, top_len, snip));
        return false;
    }
    return ok;
}

bool spf_domain_spec_check(const char *spec, size_t len, size_t base, struct diag_list *diags)
{
    struct spf_term scratch;
    memset(&scratch, 0, sizeof scratch);
    struct term_ctx c = {spec, diags, &scratch};
    bool macro;
    return domain_spec_validate(spec, len, base, false, "the term", &c, &macro);
}

/* macro-string (unknown modifiers) and explain-string (exp TXT, §6.2):
 * only the macros need checking; `spaces` allows SP (explain-string). */
static bool macro_string_validate(const char *s, size_t len, size_t base, bool explain,
                                  struct term_ctx *c, bool *macro)
{
    struct term_ctx quiet = {c->text, NULL, c->t};
    bool ok = true, reported = false;
    *macro = false;
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '%') {
            size_t next;
            bool expand;
            if (!macro_parse(s, len, i, base, explain, reported ? &quiet : c, &next, &expand)) {
                c->t->flags |= SPF_TERM_ERROR;
                ok = false;
                reported = true;
            } else if (expand) {
                *macro = true;
            }
            i = next;
            continue;
        }
        if ((ch < 0x21 && !(explain && ch == ' ')) || ch > 0x7e) {
            ok = false;
            c->t->flags |= SPF_TERM_ERROR;
        }
        i++;
    }
    return ok;
}

bool spf_explain_string_check(const char *text, size_t len, struct diag_list *diags)
{
    struct spf_term scratch;
    memset(&scratch, 0, sizeof scratch);
    struct term_ctx c = {text, diags, &scratch};
    bool macro, bytes_ok = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 0x80 || (ch < 0x20)) {
            size_t j = i;
            while (j < len && (((unsigned char)text[j]) >= 0x80 || (unsigned char)text[j] < 0x20))
                j++;
            if (diags)
                diag_add(diags, RULE_SPF_NON_ASCII, i, j,
                         "the explanation text holds bytes outside printable US-ASCII; RFC "
                         "7208 §6.2 limits it to US-ASCII");
            bytes_ok = false;
            break;
        }
    }
    bool macros_ok = macro_string_validate(text, len, 0, true, &c, &macro);
    return bytes_ok && macros_ok;
}

/* ---------------------------------------------------------------------- */
/* Addresses and CIDR lengths (RFC 7208 §5.6)                              */

/* ip4-network = qnum "." qnum "." qnum "." qnum, no leading zeros. */
static bool ip4_parse(const char *s, size_t n, unsigned char out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && spf_is_digit((unsigned char)s[i]) && i - start < 4) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        size_t digits = i - start;
        if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[start] == '0'))
            return false;
        out[part] = (unsigned char)v;
    }
    return i == n;
}

static bool ip6_parse(const char *s, size_t n, unsigned char out[16])
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(spf_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') || c == ':' ||
              c == '.'))
            return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(AF_INET6, buf, out) == 1;
}

enum cidr_status { CIDR_OK, CIDR_FORMAT, CIDR_RANGE };

/* s[0..n) are the digits after '/': ( "0" / %x31-39 0*2DIGIT ). */
static enum cidr_status cidr_parse(const char *s, size_t n, int max, int *out)
{
    if (n == 0)
        return CIDR_FORMAT;
    for (size_t i = 0; i < n; i++)
        if (!spf_is_digit((unsigned char)s[i]))
            return CIDR_FORMAT;
    if (n > 1 && s[0] == '0')
        return CIDR_FORMAT;
    if (n > 3)
        return CIDR_RANGE;
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    if (v > max)
        return CIDR_RANGE;
    *out = v;
    return CIDR_OK;
}

static size_t digits_end(const char *text, size_t i, size_t end)
{
    while (i < end && spf_is_digit((unsigned char)text[i]))
        i++;
    return i;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ] over
 * text[s..e), which starts with '/'.  Reports what is wrong (with `what`
 * naming the mechanism) and fills t->cidr4 / t->cidr6. */
static bool dual_cidr_parse(struct term_ctx *c, size_t s, size_t e, const char *what)
{
    const char *text = c->text;
    char snip[SPF_SNIPPET_MAX];
    size_t i = s;
    if (i + 1 < e && text[i] == '/' && text[i + 1] != '/') {
        size_t d = digits_end(text, i + 1, e);
        int v = -1;
        enum cidr_status st = cidr_parse(text + i + 1, d - i - 1, 32, &v);
        if (st == CIDR_RANGE) {
            term_error(c, RULE_SPF_BAD_IP4, i, d,
                       "'%s': an IPv4 CIDR length is 0 to 32",
                       spf_snippet(text + i, d - i, snip));
            return false;
        }
        if (st == CIDR_FORMAT) {
            term_error(c, RULE_SPF_BAD_IP4, i, d > i + 1 ? d : e,
                       "'%s' is not a CIDR length: write /24 (no leading zeros)",
                       spf_snippet(text + i, (d > i + 1 ? d : e) - i, snip));
            return false;
        }
        c->t->cidr4 = v;
        i = d;
    }
    if (i + 1 < e && text[i] == '/' && text[i + 1] == '/') {
        size_t d = digits_end(text, i + 2, e);
        int v = -1;
        enum cidr_status st = cidr_parse(text + i + 2, d - i - 2, 128, &v);
        if (st == CIDR_RANGE) {
            term_error(c, RULE_SPF_BAD_IP6, i, d,
                       "'%s': an IPv6 CIDR length is 0 to 128",
                       spf_snippet(text + i, d - i, snip));
            return false;
        }
        if (st == CIDR_FORMAT) {
            term_error(c, RULE_SPF_BAD_IP6, i, d > i + 2 ? d : e,
                       "'%s' is not an IPv6 CIDR length: write //64 (no leading zeros)",
                       spf_snippet(text + i, (d > i + 2 ? d : e) - i, snip));
            return false;
        }
        c->t->cidr6 = v;
        i = d;
    }
    if (i != e) {
        if (i == s)
            term_error(c, RULE_SPF_SYNTAX, s, e,
                       "'%s' is not a CIDR length for %s: write /24, //64 or /24//64",
                       spf_snippet(text + s, e - s, snip), what);
        else
            term_error(c, RULE_SPF_SYNTAX, i, e,
                       "unexpected '%s' after the CIDR length of %s (an IPv6 length takes "
                       "two slashes: /24//64)",
                       spf_snippet(text + i, e - i, snip), what);
        return false;
    }
    return true;
}

/* Where a dual-cidr-length starts in text[s..e) (a domain-spec followed by
 * CIDR lengths): the first '/' after the last '.' outside macro braces, so
 * "foo:bar/baz.example.com" is all domain (RFC 7208 §7.1 allows ':' and
 * '/' in a domain-spec) and "%{d}/24" splits before "/24".  e when none. */
static size_t cidr_start(const char *text, size_t s, size_t e)
{
    size_t from = s;
    bool brace = false;
    for (size_t i = s; i < e; i++) {
        char ch = text[i];
        if (brace) {
            if (ch == '}')
                brace = false;
        } else if (ch == '%' && i + 1 < e) {
            if (text[i + 1] == '{')
                brace = true;
            i++;
        } else if (ch == '.') {
            from = i + 1;
        }
    }
    brace = false;
    for (size_t i = from; i < e; i++) {
        char ch = text[i];
        if (brace) {
            if (ch == '}')
                brace = false;
        } else if (ch == '%' && i + 1 < e) {
            if (text[i + 1] == '{')
                brace = true;
            i++;
        } else if (ch == '/') {
            return i;
        }
    }
    return e;
}

/* Is text[s..e) a well-formed dual-cidr-length (values unchecked)? */
static bool dual_cidr_shaped(const char *text, size_t s, size_t e)
{
    size_t i = s;
    if (i < e && text[i] == '/' && (i + 1 >= e || text[i + 1] != '/')) {
        size_t d = digits_end(text, i + 1, e);
        if (d == i + 1)
            return false;
        i = d;
    }
    if (i + 1 < e && text[i] == '/' && text[i + 1] == '/') {
        size_t d = digits_end(text, i + 2, e);
        if (d == i + 2)
            return false;
        i = d;
    }
    return i == e && i > s;
}

/* ---------------------------------------------------------------------- */
/* One term (RFC 7208 §4.6.1, §5, §6)                                       */

/* Field by field: a memset of the whole struct compiles to "rep stos",
 * which costs more than the rest of a short term's parse. */
static void term_reset(struct spf_term *t, size_t start, size_t end)
{
    t->kind = SPF_TERM_BAD;
    t->qualifier = SPF_QUALIFIER_NONE;
    t->name = t->value = t->domain = t->ip = NULL;
    t->has_colon = false;
    t->cidr4 = t->cidr6 = -1;
    memset(t->addr, 0, sizeof t->addr);
    /* From the arguments, not from t->whole: reading back the two stores
     * as one 16-byte load stalls store forwarding. */
    t->whole.start = t->name_span.start = t->value_span.start = start;
    t->whole.end = t->name_span.end = t->value_span.end = end;
    t->lookups = 0;
    t->flags = 0;
    t->dup_of = SPF_NONE;
}

static bool is_name_char(unsigned char c)
{
    return spf_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

static bool is_qualifier(unsigned char c) { return c == '+' || c == '-' || c == '~' || c == '?'; }

static enum spf_qualifier qualifier_of(unsigned char c)
{
    switch (c) {
    case '+':
        return SPF_QUALIFIER_PASS;
    case '-':
        return SPF_QUALIFIER_FAIL;
    case '~':
        return SPF_QUALIFIER_SOFTFAIL;
    case '?':
        return SPF_QUALIFIER_NEUTRAL;
    default:
        return SPF_QUALIFIER_NONE;
    }
}

/* The domain-spec of include, exists, ptr, redirect, exp: text[s..e) after
 * the ':' or '='.  No CIDR length is allowed there. */
static void target_parse(struct term_ctx *c, size_t s, size_t e, const char *what,
                         size_t *dom_s, size_t *dom_e)
{
    char snip[SPF_SNIPPET_MAX];
    size_t cs = memchr(c->text + s, '/', e - s) ? cidr_start(c->text, s, e) : e;
    *dom_s = s;
    *dom_e = e;
    if (cs < e && cs > s && dual_cidr_shaped(c->text, cs, e)) {
        *dom_e = cs;
        term_error(c, RULE_SPF_SYNTAX, cs, e, "%s takes no CIDR length: remove '%s'", what,
                   spf_snippet(c->text + cs, e - cs, snip));
        return;
    }
    bool macro;
    if (e == s) {
        term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, c->t->whole.start, c->t->whole.end,
                   "%s needs a domain: %s%cexample.com", what, what,
                   (c->t->kind == SPF_TERM_REDIRECT || c->t->kind == SPF_TERM_EXP) ? '=' : ':');
        return;
    }
    if (domain_spec_validate(c->text + s, e - s, s, false, what, c, &macro))
        c->t->flags |= SPF_TERM_DOMAIN_OK;
    if (macro)
        c->t->flags |= SPF_TERM_MACRO;
}

/* a and mx: [ ":" domain-spec ] [ dual-cidr-length ] over text[s..e). */
static void host_parse(struct term_ctx *c, size_t s, size_t e, const char *what, size_t *dom_s,
                       size_t *dom_e)
{
    char snip[SPF_SNIPPET_MAX];
    const char *text = c->text;
    *dom_s = *dom_e = SPF_NONE;
    if (s == e) {
        c->t->flags |= SPF_TERM_DOMAIN_OK;
        return;
    }
    if (text[s] == '/') {
        c->t->flags |= SPF_TERM_DOMAIN_OK;
        dual_cidr_parse(c, s, e, what);
        return;
    }
    if (text[s] != ':') {
        term_error(c, RULE_SPF_SYNTAX, c->t->whole.start, e,
                   "'%s': %s is followed by ':' and a domain, or by a CIDR length such as /24",
                   spf_snippet(text + c->t->whole.start, e - c->t->whole.start, snip), what);
        return;
    }
    size_t cs = memchr(text + s + 1, '/', e - s - 1) ? cidr_start(text, s + 1, e) : e;
    *dom_s = s + 1;
    *dom_e = cs;
    if (cs == s + 1) {
        term_error(c, RULE_SPF_BAD_DOMAIN_SPEC, c->t->whole.start, e,
                   "%s: has no domain after ':'; write %s alone for this domain or %s:example.com",
                   what, what, what);
    } else {
        bool macro;
        if (domain_spec_validate(text + s + 1, cs - s - 1, s + 1, false, what, c, &macro))
            c->t->flags |= SPF_TERM_DOMAIN_OK;
        if (macro)
            c->t->flags |= SPF_TERM_MACRO;
    }
    if (cs < e)
        dual_cidr_parse(c, cs, e, what);
}

/* ip4 / ip6: ":" network [ cidr-length ] over text[s..e). */
static void ip_parse(struct term_ctx *c, size_t s, size_t e, bool six, size_t *ip_s, size_t *ip_e)
{
    char snip[SPF_SNIPPET_MAX];
    const char *text = c->text;
    const char *what = six ? "ip6" : "ip4";
    enum rule_id rule = six ? RULE_SPF_BAD_IP6 : RULE_SPF_BAD_IP4;
    *ip_s = *ip_e = SPF_NONE;
    if (s == e || text[s] != ':') {
        term_error(c, rule, c->t->whole.start, e, "%s needs an address: %s",
                   what, six ? "ip6:2001:db8::/32" : "ip4:192.0.2.0/24");
        return;
    }
    size_t a = s + 1;
    size_t slash = a;
    while (slash < e && text[slash] != '/')
        slash++;
    *ip_s = a;
    *ip_e = slash;
    bool ok = six ? ip6_parse(text + a, slash - a, c->t->addr)
                  : ip4_parse(text + a, slash - a, c->t->addr);
    if (!ok) {
        if (slash == a)
            term_error(c, rule, c->t->whole.start, e, "%s: has no address after ':'", what);
        else if (!six && memchr(text + a, ':', slash - a))
            term_error(c, rule, a, slash,
                       "'%s' is not an IPv4 address: no port or ':' part (ip4:192.0.2.1)",
                       spf_snippet(text + a, slash - a, snip));
        else if (six)
            term_error(c, rule, a, slash, "'%s' is not an IPv6 address (RFC 4291 §2.2)",
                       spf_snippet(text + a, slash - a, snip));
        else
            term_error(c, rule, a, slash,
                       "'%s' is not an IPv4 address: four numbers 0-255 without leading zeros; "
                       "use a CIDR length for a range (192.0.2.0/24)",
                       spf_snippet(text + a, slash - a, snip));
    } else {
        c->t->flags |= SPF_TERM_ADDR_OK;
    }
    if (slash == e)
        return;
    int max = six ? 128 : 32;
    size_t d = digits_end(text, slash + 1, e);
    int v = -1;
    enum cidr_status st = d == e ? cidr_parse(text + slash + 1, d - slash - 1, max, &v)
                                 : CIDR_FORMAT;
    if (st == CIDR_OK) {
        if (six)
            c->t->cidr6 = v;
        else
            c->t->cidr4 = v;
        return;
    }
    c->t->flags &= ~(unsigned)SPF_TERM_ADDR_OK;
    if (st == CIDR_RANGE)
        term_error(c, rule, slash, e, "'%s': the CIDR length of %s is 0 to %d",
                   spf_snippet(text + slash, e - slash, snip), what, max);
    else if (slash + 1 < e && text[slash + 1] == '/')
        term_error(c, rule, slash, e,
                   "'%s': %s takes one CIDR length with one slash (%s)",
                   spf_snippet(text + slash, e - slash, snip), what, six ? "/64" : "/24");
    else
        term_error(c, rule, slash, e,
                   "'%s' is not a CIDR length: write a number 0-%d without leading zeros", 
                   spf_snippet(text + slash, e - slash, snip), max);
}

/* Copy the strings of a term out of text into the arena: name and value in
 * one block; domain and ip share the value's bytes when they are all of it. */
static bool term_strings(const char *text, struct arena *arena, struct spf_term *t, size_t dom_s,
                         size_t dom_e, size_t ip_s, size_t ip_e)
{
    size_t nl = t->name_span.end - t->name_span.start;
    size_t vl = t->value_span.end - t->value_span.start;
    size_t dl = dom_s != SPF_NONE && !(dom_s == t->value_span.start && dom_e == t->value_span.end)
                    ? dom_e - dom_s + 1
                    : 0;
    size_t il = ip_s != SPF_NONE && !(ip_s == t->value_span.start && ip_e == t->value_span.end)
                    ? ip_e - ip_s + 1
                    : 0;
    char *p = arena_alloc(arena, nl + 1 + vl + 1 + dl + il);
    if (!p)
        return false;
    memcpy(p, text + t->name_span.start, nl);
    p[nl] = '\0';
    t->name = p;
    p += nl + 1;
    memcpy(p, text + t->value_span.start, vl);
    p[vl] = '\0';
    t->value = p;
    p += vl + 1;
    if (dom_s != SPF_NONE) {
        if (dl) {
            memcpy(p, text + dom_s, dl - 1);
            p[dl - 1] = '\0';
            t->domain = p;
            p += dl;
        } else {
            t->domain = t->value;
        }
    }
    if (ip_s != SPF_NONE) {
        if (il) {
            memcpy(p, text + ip_s, il - 1);
            p[il - 1] = '\0';
            t->ip = p;
        } else {
            t->ip = t->value;
        }
    }
    return true;
}

/* Names RFC 7208 reserves as modifiers, for the "redirect:" mistake. */
static bool is_modifier_name(const char *s, size_t n)
{
    return spf_eq_nocase(s, n, "redirect") || spf_eq_nocase(s, n, "exp");
}

unsigned spf_name_distance(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an > 16 || bn > 16)
        return 99;
    unsigned d[18][18];
    for (size_t i = 0; i <= an; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= bn; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        for (size_t j = 1; j <= bn; j++) {
            unsigned cost = spf_lower((unsigned char)a[i - 1]) != (unsigned char)b[j - 1];
            unsigned v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && spf_lower((unsigned char)a[i - 1]) == (unsigned char)b[j - 2] &&
                spf_lower((unsigned char)a[i - 2]) == (unsigned char)b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[an][bn];
}

/* The real mechanism an unknown name most likely means, or NULL. */
static const char *mechanism_suggestion(const char *s, size_t n)
{
    static const struct {
        const char *alias, *name;
    } aliases[] = {
        {"ipv4", "ip4"}, {"ipv6", "ip6"}, {"ip", "ip4"},         {"inc", "include"},
        {"incl", "include"}, {"exist", "exists"}, {"mx4", "mx"}, {"ptr4", "ptr"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (spf_eq_nocase(s, n, aliases[i].alias))
            return aliases[i].name;
    static const char *const names[] = {"include", "exists", "all", "ptr", "ip4", "ip6", "mx"};
    const char *best = NULL;
    unsigned best_d = 99;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        unsigned d = spf_name_distance(s, n, names[i]);
        unsigned limit = strlen(names[i]) <= 3 ? 1 : 2;
        if (d <= limit && d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

bool spf_term_parse(const char *text, size_t start, size_t end, struct arena *arena,
                    struct spf_term *t, struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX];
    term_reset(t, start, end);
    t->kind = SPF_TERM_BAD;
    struct term_ctx c = {text, diags, t};
    size_t dom_s = SPF_NONE, dom_e = SPF_NONE, ip_s = SPF_NONE, ip_e = SPF_NONE;

    size_t p = start;
    if (p < end && is_qualifier((unsigned char)text[p])) {
        t->qualifier = qualifier_of((unsigned char)text[p]);
        p++;
    }
    size_t ns = p;
    while (p < end && is_name_char((unsigned char)text[p]))
        p++;
    size_t ne = p;
    /* The model's defaults for a bad term: no name, the value is all of it
     * after the qualifier (so the formatter writes it back unchanged). */
    t->name_span.start = t->name_span.end = ns;
    t->value_span.start = ns;
    t->value_span.end = end;

    if (ne == ns) {
        if (ns == end)
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "a lone qualifier '%c': it must stand right before a mechanism (-all)",
                       text[start]);
        else
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "'%s' is not an SPF term: a term is a mechanism (include:, ip4:, -all "
                       "...) or a modifier (name=value)",
                       spf_snippet(text + start, end - start, snip));
        goto strings;
    }

    if (ne < end && text[ne] == '=') {
        /* modifier = redirect / explanation / unknown-modifier; a name is
         * ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) (RFC 7208 §4.6.1). */
        if (t->qualifier != SPF_QUALIFIER_NONE) {
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "'%s': a modifier takes no qualifier; remove the '%c'",
                       spf_snippet(text + start, end - start, snip), text[start]);
            goto strings;
        }
        if (!spf_is_alpha((unsigned char)text[ns])) {
            term_error(&c, RULE_SPF_SYNTAX, ns, ne,
                       "'%s' is not a modifier name: it must start with a letter",
                       spf_snippet(text + ns, ne - ns, snip));
            goto strings;
        }
        t->name_span.end = ne;
        t->value_span.start = ne + 1;
        if (spf_eq_nocase(text + ns, ne - ns, "redirect")) {
            t->kind = SPF_TERM_REDIRECT;
            target_parse(&c, ne + 1, end, "redirect", &dom_s, &dom_e);
        } else if (spf_eq_nocase(text + ns, ne - ns, "exp")) {
            t->kind = SPF_TERM_EXP;
            target_parse(&c, ne + 1, end, "exp", &dom_s, &dom_e);
        } else {
            t->kind = SPF_TERM_UNKNOWN_MODIFIER;
            bool macro;
            macro_string_validate(text + ne + 1, end - ne - 1, ne + 1, false, &c, &macro);
            if (macro)
                t->flags |= SPF_TERM_MACRO;
        }
        goto strings;
    }

    /* A mechanism: its name is the alphanumeric start of the name run. */
    size_t m = ns;
    while (m < ne && spf_is_alnum((unsigned char)text[m]))
        m++;
    enum spf_term_kind kind = spf_mechanism_by_name(text + ns, m - ns);
    if (kind == SPF_TERM_KIND_COUNT) {
        if (memchr(text + ns, '=', end - ns)) {
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "'%s' is not a valid modifier: the name (letters, digits, - _ .) must "
                       "be followed directly by '='",
                       spf_snippet(text + start, end - start, snip));
            goto strings;
        }
        t->kind = SPF_TERM_UNKNOWN_MECHANISM;
        t->name_span.end = ne;
        if (ne < end && text[ne] == ':') {
            t->has_colon = true;
            t->value_span.start = ne + 1;
        } else {
            t->value_span.start = ne;
        }
        const char *hint = NULL;
        if (is_modifier_name(text + ns, ne - ns)) {
            char tail[SPF_SNIPPET_MAX];
            term_error(&c, RULE_SPF_UNKNOWN_MECHANISM, ns, ne + (ne < end),
                       "'%s%s' is a modifier, written with '=': %s=%s",
                       spf_snippet(text + ns, ne - ns, snip), t->has_colon ? ":" : "",
                       spf_lower((unsigned char)text[ns]) == 'r' ? "redirect" : "exp",
                       t->has_colon ? spf_snippet(text + ne + 1, end - ne - 1, tail)
                                    : "example.com");
        } else if ((hint = mechanism_suggestion(text + ns, ne - ns)) != NULL) {
            term_error(&c, RULE_SPF_UNKNOWN_MECHANISM, ns, ne,
                       "'%s' is not an SPF mechanism; did you mean '%s'?",
                       spf_snippet(text + ns, ne - ns, snip), hint);
        } else {
            term_error(&c, RULE_SPF_UNKNOWN_MECHANISM, ns, ne,
                       "'%s' is not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, "
                       "exists); receivers fail the whole record",
                       spf_snippet(text + ns, ne - ns, snip));
        }
        goto strings;
    }

    t->kind = kind;
    t->name_span.end = m;
    t->value_span.start = m;
    if (m < end && text[m] == ':') {
        t->has_colon = true;
        t->value_span.start = m + 1;
    }
    const char *what = mechanism_names[0].name;
    for (size_t i = 0; i < sizeof mechanism_names / sizeof mechanism_names[0]; i++)
        if (mechanism_names[i].kind == kind)
            what = mechanism_names[i].name;

    switch (kind) {
    case SPF_TERM_ALL:
        /* all = "all" (RFC 7208 §5.1) */
        if (m != end)
            term_error(&c, RULE_SPF_SYNTAX, m, end, "all takes no argument: remove '%s'",
                       spf_snippet(text + m, end - m, snip));
        break;
    case SPF_TERM_INCLUDE:
    case SPF_TERM_EXISTS:
        /* include = "include" ":" domain-spec; exists likewise (§5.2, §5.7) */
        if (m == end) {
            term_error(&c, RULE_SPF_BAD_DOMAIN_SPEC, start, end,
                       "%s needs a domain: %s:example.com", what, what);
        } else if (text[m] == ':') {
            target_parse(&c, m + 1, end, what, &dom_s, &dom_e);
        } else if (text[m] == '/' && dual_cidr_shaped(text, m, end)) {
            term_error(&c, RULE_SPF_SYNTAX, m, end, "%s takes no CIDR length: remove '%s'",
                       what, spf_snippet(text + m, end - m, snip));
        } else {
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "'%s': write %s: and then the domain (%s:example.com)",
                       spf_snippet(text + start, end - start, snip), what, what);
        }
        break;
    case SPF_TERM_PTR:
        /* ptr = "ptr" [ ":" domain-spec ] (§5.5) */
        if (m == end) {
            t->flags |= SPF_TERM_DOMAIN_OK;
        } else if (text[m] == ':') {
            target_parse(&c, m + 1, end, what, &dom_s, &dom_e);
        } else if (text[m] == '/') {
            term_error(&c, RULE_SPF_SYNTAX, m, end, "ptr takes no CIDR length: remove '%s'",
                       spf_snippet(text + m, end - m, snip));
        } else {
            term_error(&c, RULE_SPF_SYNTAX, start, end,
                       "'%s': write ptr or ptr:example.com",
                       spf_snippet(text + start, end - start, snip));
        }
        break;
    case SPF_TERM_A:
    case SPF_TERM_MX:
        /* a = "a" [ ":" domain-spec ] [ dual-cidr-length ] (§5.3, §5.4) */
        host_parse(&c, m, end, what, &dom_s, &dom_e);
        break;
    case SPF_TERM_IP4:
    case SPF_TERM_IP6:
        ip_parse(&c, m, end, kind == SPF_TERM_IP6, &ip_s, &ip_e);
        break;
    default:
        break;
    }

strings:
    if (!arena)
        return true;
    return term_strings(text, arena, t, dom_s, dom_e, ip_s, ip_e);
}

/* ---------------------------------------------------------------------- */
/* The record                                                              */

static bool work_ensure(struct spf_record *r)
{
    if (r->work)
        return true;
    r->work = calloc(1, sizeof *r->work);
    if (!r->work)
        return false;
    arena_init(&r->work->arena);
    strbuf_init(&r->work->edit);
    diag_list_init(&r->work->edit_diags);
    return true;
}

void spf_record_init(struct spf_record *r)
{
    memset(r, 0, sizeof *r);
    r->all_index = r->redirect_index = r->exp_index = SPF_NONE;
    r->version = SPF_VERSION_MISSING;
}

void spf_record_free(struct spf_record *r)
{
    free(r->terms);
    if (r->work) {
        arena_free(&r->work->arena);
        free(r->work->table);
        strbuf_free(&r->work->edit);
        diag_list_free(&r->work->edit_diags);
        free(r->work);
    }
    spf_record_init(r);
}

static struct spf_term *term_slot(struct spf_record *r)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof *r->terms)
            return NULL;
        struct spf_term *p = realloc(r->terms, cap * sizeof *p);
        if (!p)
            return NULL;
        r->terms = p;
        r->cap = cap;
    }
    return &r->terms[r->count++];
}

/* Two terms run together ("ip4:192.0.2.1~all", "include:a.com-all"):
 * where the second starts, or 0.  A bad term is split at its first
 * qualifier that starts a mechanism; a good one only when it ends in
 * [+-~?]all, which no real domain does. */
static size_t missing_space_split(const char *text, size_t s, size_t e, const struct spf_term *t)
{
    struct spf_term probe;
    if (!(t->flags & SPF_TERM_ERROR)) {
        if (e - s < 6 || !is_qualifier((unsigned char)text[e - 4]) ||
            !spf_eq_nocase(text + e - 3, 3, "all"))
            return 0;
        switch (t->kind) {
        case SPF_TERM_INCLUDE:
        case SPF_TERM_A:
        case SPF_TERM_MX:
        case SPF_TERM_PTR:
        case SPF_TERM_EXISTS:
        case SPF_TERM_REDIRECT:
        case SPF_TERM_EXP:
            break;
        default:
            return 0;
        }
        spf_term_parse(text, s, e - 4, NULL, &probe, NULL);
        return (probe.flags & SPF_TERM_ERROR) ? 0 : e - 4;
    }
    for (size_t k = s + 1; k + 1 < e; k++) {
        if (!is_qualifier((unsigned char)text[k]))
            continue;
        size_t n = k + 1;
        while (n < e && spf_is_alnum((unsigned char)text[n]))
            n++;
        enum spf_term_kind kind = spf_mechanism_by_name(text + k + 1, n - k - 1);
        if (kind == SPF_TERM_KIND_COUNT)
            continue;
        if (n == e ? kind != SPF_TERM_ALL : (text[n] != ':' && text[n] != '/'))
            continue;
        spf_term_parse(text, s, k, NULL, &probe, NULL);
        if (probe.flags & SPF_TERM_ERROR)
            return 0;
        spf_term_parse(text, k, e, NULL, &probe, NULL);
        return (probe.flags & SPF_TERM_ERROR) ? 0 : k;
    }
    return 0;
}

bool spf_term_parse_explained(const char *text, size_t s, size_t e, bool non_ascii,
                              struct arena *arena, struct spf_term *t, struct diag_list *diags)
{
    if (!spf_term_parse(text, s, e, arena, t, NULL))
        return false;
    if (non_ascii) {
        /* The non-ASCII report says all there is to say about this term. */
        t->flags |= SPF_TERM_NON_ASCII | SPF_TERM_ERROR;
        return true;
    }
    size_t k = missing_space_split(text, s, e, t);
    if (k) {
        char a[SPF_SNIPPET_MAX], b[SPF_SNIPPET_MAX];
        t->flags |= SPF_TERM_MISSING_SPACE | SPF_TERM_ERROR;
        if (diags)
            diag_add(diags, RULE_SPF_MISSING_SPACE, s, e,
                     "'%s' and '%s' are run together: put a space before '%s'",
                     spf_snippet(text + s, k - s, a), spf_snippet(text + k, e - k, b), b);
        return true;
    }
    if ((t->flags & SPF_TERM_ERROR) && diags) {
        struct spf_term again;
        spf_term_parse(text, s, e, NULL, &again, diags);
    }
    return true;
}

enum version_outcome { VERSION_TAKEN, VERSION_NOT, VERSION_OOM };

/* The first token: "v=spf1" exactly, a version-like token that is wrong
 * (kept as term 0), or a term (the version is missing). */
static enum version_outcome version_parse(struct spf_record *r, const char *text, size_t s,
                                          size_t e,
                          struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX];
    size_t n = e - s;
    bool ok = spf_eq_nocase(text + s, n, "v=spf1");
    bool like = ok || (n >= 2 && spf_eq_nocase(text + s, 2, "v=")) ||
                (n >= 3 && spf_eq_nocase(text + s, 3, "spf"));
    if (!like) {
        r->version = SPF_VERSION_MISSING;
        if (diags)
            diag_add(diags, RULE_SPF_VERSION, s, e,
                     "the record does not begin with v=spf1: add v=spf1 before '%s'",
                     spf_snippet(text + s, n, snip));
        return VERSION_NOT;
    }
    struct spf_term *t = term_slot(r);
    if (!t)
        return VERSION_OOM;
    term_reset(t, s, e);
    t->kind = SPF_TERM_VERSION;
    t->value_span.start = t->value_span.end = e;
    t->name = arena_strndup(&r->work->arena, text + s, n);
    t->value = t->name ? t->name + n : NULL;
    if (!t->name)
        return VERSION_OOM;
    if (ok) {
        r->version = SPF_VERSION_OK;
        if (s > 0 && diags)
            diag_add(diags, RULE_SPF_VERSION, 0, s,
                     "the record starts with %zu byte%s before v=spf1: it must begin with "
                     "v=spf1 itself (RFC 7208 §4.5)",
                     s, s == 1 ? "" : "s");
        return VERSION_TAKEN;
    }
    r->version = SPF_VERSION_BAD;
    t->flags |= SPF_TERM_ERROR;
    if (!diags)
        return VERSION_TAKEN;
    if (n > 6 && spf_eq_nocase(text + s, 6, "v=spf1") && !spf_is_digit((unsigned char)text[s + 6]))
        diag_add(diags, RULE_SPF_VERSION, s, e,
                 "'%s': v=spf1 must be followed by a space before the first term",
                 spf_snippet(text + s, n, snip));
    else if (n >= 6 && spf_eq_nocase(text + s, 6, "spf2.0"))
        diag_add(diags, RULE_SPF_VERSION, s, e,
                 "'%s' is a Sender ID record (RFC 4406), not SPF: an SPF record begins with "
                 "v=spf1",
                 spf_snippet(text + s, n, snip));
    else
        diag_add(diags, RULE_SPF_VERSION, s, e,
                 "'%s' is not the SPF version: the record must begin with exactly v=spf1",
                 spf_snippet(text + s, n, snip));
    return VERSION_TAKEN;
}

/* ---------------------------------------------------------------------- */
/* Duplicate includes and netblocks (RFC 7208 §4.6.4: each costs again)    */

static size_t domain_key_len(const char *d)
{
    size_t n = strlen(d);
    return n > 1 && d[n - 1] == '.' ? n - 1 : n;
}

/* The network of an ip4/ip6 term, masked, and its prefix length. */
static void netblock_of(const struct spf_term *t, unsigned char out[16], int *plen)
{
    bool six = t->kind == SPF_TERM_IP6;
    int bytes = six ? 16 : 4;
    int len = six ? (t->cidr6 < 0 ? 128 : t->cidr6) : (t->cidr4 < 0 ? 32 : t->cidr4);
    memset(out, 0, 16);
    for (int i = 0; i < bytes; i++)
        out[i] = t->addr[i] & spf_mask_byte(len, i);
    *plen = len;
}

/* A mix of a few words, not a byte loop: collisions are settled by
 * term_same_target, so the hash only needs to spread typical targets. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

static uint64_t load8_lower(const char *s, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        v |= (uint64_t)spf_lower((unsigned char)s[i]) << (8 * i);
    return v;
}

static uint32_t term_hash(const struct spf_term *t)
{
    uint64_t h = mix(0, (uint64_t)t->kind);
    if (t->kind == SPF_TERM_INCLUDE) {
        /* Length, first 8 and last 8 bytes (case folded). */
        size_t n = domain_key_len(t->domain);
        h = mix(h, n);
        h = mix(h, load8_lower(t->domain, n));
        if (n > 8)
            h = mix(h, load8_lower(t->domain + n - 8, 8));
    } else {
        unsigned char net[16];
        int plen;
        netblock_of(t, net, &plen);
        uint64_t a, b;
        memcpy(&a, net, 8);
        memcpy(&b, net + 8, 8);
        h = mix(mix(mix(h, a), b), (uint64_t)plen);
    }
    return (uint32_t)(h >> 32);
}

static bool term_same_target(const struct spf_term *a, const struct spf_term *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == SPF_TERM_INCLUDE) {
        size_t an = domain_key_len(a->domain), bn = domain_key_len(b->domain);
        if (an != bn)
            return false;
        for (size_t i = 0; i < an; i++)
            if (spf_lower((unsigned char)a->domain[i]) != spf_lower((unsigned char)b->domain[i]))
                return false;
        return true;
    }
    unsigned char na[16], nb[16];
    int pa, pb;
    netblock_of(a, na, &pa);
    netblock_of(b, nb, &pb);
    return pa == pb && memcmp(na, nb, 16) == 0;
}

static bool dup_candidate(const struct spf_term *t)
{
    if (t->kind == SPF_TERM_INCLUDE)
        return t->domain != NULL && t->domain[0] != '\0';
    return (t->kind == SPF_TERM_IP4 || t->kind == SPF_TERM_IP6) && (t->flags & SPF_TERM_ADDR_OK);
}

static bool find_duplicates(struct spf_record *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += dup_candidate(&r->terms[i]);
    if (n < 2 || r->count >= UINT32_MAX)
        return true;
    size_t cap = 16;
    while (cap < 2 * n) {
        if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
            return false;
        cap *= 2;
    }
    struct spf_work *w = r->work;
    if (w->table_cap < cap) {
        uint32_t *p = realloc(w->table, cap * sizeof *p);
        if (!p)
            return false;
        w->table = p;
        w->table_cap = cap;
    }
    memset(w->table, 0, cap * sizeof *w->table);
    size_t mask = cap - 1;
    for (size_t i = 0; i < r->count; i++) {
        struct spf_term *t = &r->terms[i];
        if (!dup_candidate(t))
            continue;
        size_t h = term_hash(t) & mask;
        for (;;) {
            uint32_t slot = w->table[h];
            if (slot == 0) {
                w->table[h] = (uint32_t)(i + 1);
                break;
            }
            if (term_same_target(&r->terms[slot - 1], t)) {
                t->dup_of = slot - 1;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    return true;
}

/* Record-wide facts: where all, redirect and exp are, what each term costs
 * (lint-catalog.md "Counting"), duplicates. */
static bool record_finish(struct spf_record *r)
{
    r->all_index = r->redirect_index = r->exp_index = SPF_NONE;
    r->redirect_count = r->exp_count = 0;
    r->record_flags = 0;
    r->lookups = 0;
    for (size_t i = 0; i < r->count; i++) {
        struct spf_term *t = &r->terms[i];
        switch (t->kind) {
        case SPF_TERM_ALL:
            if (r->all_index == SPF_NONE) {
                r->all_index = i;
                break;
            }
            t->flags |= SPF_TERM_AFTER_ALL;
            break;
        case SPF_TERM_INCLUDE:
        case SPF_TERM_A:
        case SPF_TERM_MX:
        case SPF_TERM_PTR:
        case SPF_TERM_EXISTS:
            /* RFC 7208 §4.6.4: these query DNS */
            t->lookups = 1;
            /* fall through */
        case SPF_TERM_IP4:
        case SPF_TERM_IP6:
        case SPF_TERM_UNKNOWN_MECHANISM:
            if (r->all_index != SPF_NONE)
                t->flags |= SPF_TERM_AFTER_ALL;
            break;
        case SPF_TERM_REDIRECT:
            t->lookups = 1;
            if (r->redirect_index == SPF_NONE)
                r->redirect_index = i;
            r->redirect_count++;
            break;
        case SPF_TERM_EXP:
            if (r->exp_index == SPF_NONE)
                r->exp_index = i;
            r->exp_count++;
            break;
        default:
            break;
        }
    }
    /* RFC 7208 §6.1: with all anywhere, redirect is ignored and costs nothing. */
    for (size_t i = r->redirect_index; r->all_index != SPF_NONE && i < r->count; i++) {
        struct spf_term *t = &r->terms[i];
        if (t->kind == SPF_TERM_REDIRECT) {
            t->flags |= SPF_TERM_IGNORED;
            t->lookups = 0;
        }
    }
    for (size_t i = 0; i < r->count; i++) {
        r->lookups += r->terms[i].lookups;
        r->record_flags |= r->terms[i].flags;
    }
    return find_duplicates(r);
}

/* Report each run of bytes >= 0x80 in text[s..e) (RFC 7208 §3.1). */
void spf_report_non_ascii(const char *text, size_t s, size_t e, struct diag_list *diags)
{
    if (!diags)
        return;
    for (size_t i = s; i < e;) {
        if (!((unsigned char)text[i] & 0x80)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < e && ((unsigned char)text[j] & 0x80))
            j++;
        char hex[16];
        size_t shown = j - i < 3 ? j - i : 3;
        size_t o = 0;
        for (size_t k = 0; k < shown; k++)
            o += (size_t)snprintf(hex + o, sizeof hex - o, "%s%02X", k ? " " : "",
                                  (unsigned char)text[i + k]);
        char snip[SPF_SNIPPET_MAX];
        diag_add(diags, RULE_SPF_NON_ASCII, i, j,
                 "non-ASCII bytes (%s%s) in '%s': SPF records are plain ASCII; retype this "
                 "part (often a pasted quote, dash or invisible mark)",
                 hex, j - i > 3 ? " ..." : "", spf_snippet(text + s, e - s, snip));
        i = j;
    }
}

/* Where the term starting at i ends: at a space, a control character or
 * the end.  Eight bytes at a time while none of them is a space, a control
 * or a byte >= 0x80 (the word tests of "Bit Twiddling Hacks"). */
static size_t token_end(const char *text, size_t i, size_t len, bool *non_ascii)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (;;) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, text + i, 8);
            uint64_t below = (w - ones * 0x21) & ~w & highs; /* a byte < 0x21 */
            uint64_t del = w ^ (ones * 0x7f);
            del = (del - ones) & ~del & highs; /* a byte == 0x7f */
            if ((below | del | (w & highs)) != 0)
                break;
            i += 8;
        }
        if (i >= len)
            return len;
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || spf_is_ctl(c))
            return i;
        if (c & 0x80)
            *non_ascii = true;
        i++;
    }
}

bool spf_parse(struct spf_record *r, const char *text, size_t len, struct diag_list *diags)
{
    if (!work_ensure(r))
        return false;
    r->work->edit_valid = false;
    arena_reset(&r->work->arena);
    r->count = 0;
    r->text_len = len;
    r->version = SPF_VERSION_MISSING;
    bool first = true, ok = true;
    size_t i = 0;
    while (i < len && ok) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ') {
            i++;
            continue;
        }
        if (spf_is_ctl(c)) {
            size_t j = i;
            while (j < len && spf_is_ctl((unsigned char)text[j]))
                j++;
            if (diags)
                diag_add(diags, RULE_SPF_SYNTAX, i, j,
                         "a control character (0x%02X) in the record: terms are separated by "
                         "spaces only (RFC 7208 §4.6.1)",
                         c);
            i = j;
            continue;
        }
        size_t s = i;
        bool non_ascii = false;
        i = token_end(text, i, len, &non_ascii);
        if (non_ascii)
            spf_report_non_ascii(text, s, i, diags);
        if (r->count >= SPF_MAX_TERMS) {
            if (diags)
                diag_add(diags, RULE_SPF_SYNTAX, s, len,
                         "more than %d terms: the rest of the record is not read", SPF_MAX_TERMS);
            break;
        }
        if (first) {
            first = false;
            enum version_outcome v = version_parse(r, text, s, i, diags);
            if (v == VERSION_OOM)
                return false;
            if (v == VERSION_TAKEN)
                continue;
        }
        struct spf_term *t = term_slot(r);
        ok = t && spf_term_parse_explained(text, s, i, non_ascii, &r->work->arena, t, diags);
    }
    if (first && diags)
        diag_add(diags, RULE_SPF_VERSION, 0, len,
                 "the record is empty: an SPF record begins with v=spf1");
    if (!ok)
        return false;
    return record_finish(r);
}
