/* rua= and ruf= values: the comma-separated list of RFC 9989 §4.8
 * (dmarc-urilist).  Each entry is an RFC 3986 URI in which ',' and '!' are
 * percent-encoded, optionally followed by RFC 7489's obsolete "!size"
 * suffix; a mailto: URI (RFC 6068) must hold an addr-spec whose domain is
 * a host name.  One diagnostic per bad entry, naming its first problem. */
#include "dmarc_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The outcome of checking one URI (without its size suffix). */
struct verdict {
    bool ok;
    bool mailto;
    size_t host_start, host_end; /* relative to the URI; equal if no host */
    char msg[DIAG_MESSAGE_MAX];
};

/* What a message needs to say where it is. */
struct uri_ctx {
    const char *tag; /* "rua" / "ruf" */
    const char *u;   /* the URI */
    size_t n;
    size_t base;       /* offset of u[0] in the record text */
    const char *entry; /* the whole entry (suffix included), for excerpts */
    size_t entry_len;
};

static void fail(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    v->ok = false;
}

/* The entry as a printable excerpt, for a message: only on failure. */
static const char *excerpt(const struct uri_ctx *c, char buf[DMARC_SNIPPET_MAX])
{
    return dmarc_snippet(c->entry, c->entry_len, buf);
}

/* Byte classes, one table lookup per byte on the hot path.
 * URI:   RFC 3986 §2.2-2.3 unreserved, gen-delims and sub-delims, except
 *        the ',' and '!' RFC 9989 §4.8 requires encoded ('%' is checked
 *        apart; ';' never reaches here: it ends the tag).
 * LOCAL: what may stand in the local part of a mailto: address: atext
 *        (RFC 5322 §3.2.3) and '.', as far as URIs leave them unencoded. */
enum { CC_URI = 1, CC_LOCAL = 2 };
#define U CC_URI
#define UL (CC_URI | CC_LOCAL)
static const unsigned char uri_class[256] = {
    ['-'] = UL, ['.'] = UL, ['_'] = UL, ['~'] = UL, ['$'] = UL, ['&'] = UL, ['\''] = UL,
    ['*'] = UL, ['+'] = UL, ['='] = UL, ['/'] = UL, [':'] = U,  ['?'] = U,  ['#'] = U,
    ['['] = U,  [']'] = U,  ['@'] = U,  ['('] = U,  [')'] = U,  [';'] = U,  ['%'] = CC_LOCAL,
    ['0'] = UL, ['1'] = UL, ['2'] = UL, ['3'] = UL, ['4'] = UL, ['5'] = UL, ['6'] = UL,
    ['7'] = UL, ['8'] = UL, ['9'] = UL, ['A'] = UL, ['B'] = UL, ['C'] = UL, ['D'] = UL,
    ['E'] = UL, ['F'] = UL, ['G'] = UL, ['H'] = UL, ['I'] = UL, ['J'] = UL, ['K'] = UL,
    ['L'] = UL, ['M'] = UL, ['N'] = UL, ['O'] = UL, ['P'] = UL, ['Q'] = UL, ['R'] = UL,
    ['S'] = UL, ['T'] = UL, ['U'] = UL, ['V'] = UL, ['W'] = UL, ['X'] = UL, ['Y'] = UL,
    ['Z'] = UL, ['a'] = UL, ['b'] = UL, ['c'] = UL, ['d'] = UL, ['e'] = UL, ['f'] = UL,
    ['g'] = UL, ['h'] = UL, ['i'] = UL, ['j'] = UL, ['k'] = UL, ['l'] = UL, ['m'] = UL,
    ['n'] = UL, ['o'] = UL, ['p'] = UL, ['q'] = UL, ['r'] = UL, ['s'] = UL, ['t'] = UL,
    ['u'] = UL, ['v'] = UL, ['w'] = UL, ['x'] = UL, ['y'] = UL, ['z'] = UL,
};
#undef U
#undef UL

/* Case-insensitive search of word in s[0..n). */
static bool contains_nocase(const char *s, size_t n, const char *word)
{
    size_t m = strlen(word);
    for (size_t i = 0; i + m <= n; i++)
        if (dmarc_eq_nocase(s + i, m, word))
            return true;
    return false;
}

/* A scheme name followed by ':' at s[0..n)? */
static bool looks_like_scheme(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0 || !dmarc_is_alpha((unsigned char)s[0]))
        return false;
    while (i < n && (dmarc_is_alpha((unsigned char)s[i]) || dmarc_is_digit((unsigned char)s[i]) ||
                     s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    return i < n && s[i] == ':';
}

/* The message for a byte that may not stand in a URI (u[i]). */
static void bad_char(struct verdict *v, const struct uri_ctx *c, size_t i)
{
    char snip[DMARC_SNIPPET_MAX], name[DMARC_CHARNAME_MAX];
    unsigned char ch = (unsigned char)c->u[i];
    size_t at = c->base + i;
    dmarc_snippet(c->entry, c->entry_len, snip);
    if (ch == '%') {
        fail(v,
             "%s: '%%' at byte %zu in '%s' does not start a %%XX escape; write %%25 for a "
             "literal '%%'",
             c->tag, at, snip);
    } else if (ch == '!') {
        fail(v,
             "%s: an unencoded '!' at byte %zu in '%s': inside a URI write it as %%21 ('!' "
             "only starts the obsolete size suffix, as in !10m)",
             c->tag, at, snip);
    } else if (ch == '"') {
        fail(v,
             "%s: a '\"' at byte %zu in '%s': zone-file quotes are not part of the record; "
             "remove them",
             c->tag, at, snip);
    } else if (ch == '<' || ch == '>') {
        fail(v,
             "%s: '%c' at byte %zu in '%s': angle brackets are not part of a URI; write "
             "mailto:name@example.com without them",
             c->tag, ch, at, snip);
    } else if (ch == ' ' || ch == '\t') {
        size_t j = i;
        while (j < c->n && dmarc_is_wsp((unsigned char)c->u[j]))
            j++;
        if (looks_like_scheme(c->u + j, c->n - j))
            fail(v,
                 "%s: two URIs separated by a space at byte %zu in '%s'; separate the "
                 "entries of the list with ','",
                 c->tag, at, snip);
        else
            fail(v,
                 "%s: a space at byte %zu in '%s': a URI holds no spaces; remove it (or "
                 "write %%20)",
                 c->tag, at, snip);
    } else if (ch >= 0x80) {
        dmarc_char_name(c->u + i, c->n - i, name);
        if (contains_nocase(c->entry, c->entry_len, "protected") &&
            contains_nocase(c->entry, c->entry_len, "mail"))
            fail(v,
                 "%s: %s at byte %zu in '%s': the address was probably replaced by a web "
                 "page's e-mail protection when copied; write the real report address",
                 c->tag, name, at, snip);
        else if (memchr(c->u, '@', i) || contains_nocase(c->u, i, "//"))
            fail(v,
                 "%s: %s at byte %zu in '%s': URIs are ASCII; write an international domain "
                 "as its A-label (xn--...)",
                 c->tag, name, at, snip);
        else
            fail(v,
                 "%s: %s at byte %zu in '%s': URIs are ASCII; remove it or percent-encode "
                 "it",
                 c->tag, name, at, snip);
    } else {
        dmarc_char_name(c->u + i, c->n - i, name);
        fail(v, "%s: %s at byte %zu in '%s' is not allowed in a URI; remove it or write %%%02X",
             c->tag, name, at, snip, ch);
    }
}

static bool is_ipv4(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;
    while (i < n) {
        unsigned value = 0;
        size_t digits = 0;
        while (i < n && dmarc_is_digit((unsigned char)s[i]) && digits < 4) {
            value = value * 10 + (unsigned)(s[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || digits > 3 || value > 255)
            return false;
        parts++;
        if (i < n) {
            if (s[i] != '.' || parts == 4)
                return false;
            i++;
            if (i == n)
                return false;
        }
    }
    return parts == 4;
}

/* One addr-spec of a mailto: URI, u[a, b) (RFC 6068 §2, RFC 5322 §3.4.1). */
static void check_address(struct verdict *v, const struct uri_ctx *c, size_t a, size_t b,
                          bool first)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *u = c->u;
    size_t at = (size_t)-1, ats = 0;
    for (size_t i = a; i < b; i++)
        if (u[i] == '@') {
            at = i;
            ats++;
        }
    if (ats == 0) {
        fail(v, "%s: '%s' has no '@': a mailto: URI needs an address, local-part@domain", c->tag,
             excerpt(c, snip));
        return;
    }
    if (ats > 1) {
        fail(v,
             "%s: '%s' has more than one '@'; give each address its own mailto: entry, "
             "separated by ','",
             c->tag, excerpt(c, snip));
        return;
    }
    if (at == a) {
        fail(v, "%s: '%s' has nothing before '@'; write local-part@domain", c->tag,
             excerpt(c, snip));
        return;
    }
    /* Local part: dot-atom-text (or a quoted string, left alone); in a URI
     * the atext characters that are not URI characters arrive encoded. */
    if (!(at - a >= 3 && dmarc_eq_nocase(u + a, 3, "%22"))) {
        for (size_t i = a; i < at; i++) {
            unsigned char ch = (unsigned char)u[i];
            if (uri_class[ch] & CC_LOCAL)
                continue;
            fail(v,
                 "%s: '%c' at byte %zu in '%s' cannot stand in the local part of an address "
                 "(RFC 5322 §3.4.1)",
                 c->tag, ch, c->base + i, excerpt(c, snip));
            return;
        }
        bool dots = u[a] == '.' || u[at - 1] == '.';
        for (size_t i = a + 1; i < at && !dots; i++)
            dots = u[i] == '.' && u[i - 1] == '.';
        if (dots) {
            fail(v,
                 "%s: the local part of '%s' starts or ends with '.' or has '..'; check the "
                 "address",
                 c->tag, excerpt(c, snip));
            return;
        }
    }
    size_t d = at + 1;
    if (d == b) {
        fail(v, "%s: '%s' has no domain after '@'", c->tag, excerpt(c, snip));
        return;
    }
    if (u[d] == '[') {
        if (u[b - 1] != ']') {
            fail(v, "%s: the domain literal in '%s' does not end with ']'", c->tag,
                 excerpt(c, snip));
            return;
        }
    } else {
        const char *why;
        size_t bad, labels;
        if (!dmarc_hostname_check(u + d, b - d, false, false, &labels, &why, &bad)) {
            fail(v, "%s: '%s': %s (byte %zu); check the address", c->tag, excerpt(c, snip), why,
                 c->base + d + bad);
            return;
        }
        if (labels < 2) {
            fail(v,
                 "%s: the domain of '%s' has a single label; a report address needs a full "
                 "domain such as example.com",
                 c->tag, excerpt(c, snip));
            return;
        }
    }
    if (first) {
        v->host_start = d;
        v->host_end = b;
    }
}

static void check_mailto(struct verdict *v, const struct uri_ctx *c, size_t start)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *u = c->u;
    size_t end = start;
    while (end < c->n && u[end] != '?' && u[end] != '#')
        end++;
    v->mailto = true;
    if (end == start) {
        fail(v, "%s: '%s' names no address; write mailto:name@example.com", c->tag,
             dmarc_snippet(c->entry, c->entry_len, snip));
        return;
    }
    if (end - start >= 2 && u[start] == '/' && u[start + 1] == '/') {
        fail(v, "%s: '%s': mailto: takes no '//'; write mailto:name@example.com", c->tag,
             dmarc_snippet(c->entry, c->entry_len, snip));
        return;
    }
    /* RFC 6068 §2: several addresses are separated by an encoded comma. */
    size_t a = start;
    bool first = true;
    for (size_t i = start; i <= end; i++) {
        if (i < end && !(u[i] == '%' && i + 3 <= end && dmarc_eq_nocase(u + i, 3, "%2C")))
            continue;
        check_address(v, c, a, i, first);
        if (!v->ok)
            return;
        first = false;
        a = i + 3;
        i += 2;
    }
}

/* hier-part = "//" authority path-abempty / ... (RFC 3986 §3). */
static void check_authority(struct verdict *v, const struct uri_ctx *c, size_t start)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *u = c->u;
    size_t end = start;
    while (end < c->n && u[end] != '/' && u[end] != '?' && u[end] != '#')
        end++;
    size_t hs = start;
    for (size_t i = start; i < end; i++)
        if (u[i] == '@')
            hs = i + 1;
    size_t he, port;
    if (hs < end && u[hs] == '[') {
        const char *close = memchr(u + hs, ']', end - hs);
        if (!close) {
            fail(v, "%s: the IP literal in '%s' does not end with ']'", c->tag, excerpt(c, snip));
            return;
        }
        he = (size_t)(close - u) + 1;
        port = he;
    } else {
        he = hs;
        while (he < end && u[he] != ':')
            he++;
        port = he;
    }
    if (he == hs) {
        fail(v, "%s: '%s' has no host after '//'", c->tag, excerpt(c, snip));
        return;
    }
    if (port < end) {
        if (u[port] != ':') {
            fail(v, "%s: unexpected '%c' after the host in '%s'", c->tag, u[port],
                 excerpt(c, snip));
            return;
        }
        for (size_t i = port + 1; i < end; i++)
            if (!dmarc_is_digit((unsigned char)u[i])) {
                fail(v, "%s: the port in '%s' is not a number", c->tag, excerpt(c, snip));
                return;
            }
    }
    if (u[hs] != '[' && !is_ipv4(u + hs, he - hs)) {
        const char *why;
        size_t bad;
        if (!dmarc_hostname_check(u + hs, he - hs, true, false, NULL, &why, &bad)) {
            fail(v, "%s: the host of '%s': %s (byte %zu)", c->tag, excerpt(c, snip), why,
                 c->base + hs + bad);
            return;
        }
    }
    v->host_start = hs;
    v->host_end = he;
    if (he > hs + 1 && u[he - 1] == '.')
        v->host_end = he - 1;
}

/* URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ] (RFC 3986 §3). */
static void check_uri(struct verdict *v, const struct uri_ctx *c)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *u = c->u;
    size_t n = c->n;
    memset(v, 0, sizeof *v);
    v->ok = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)u[i];
        if (ch == '%' && i + 2 < n && dmarc_is_hex((unsigned char)u[i + 1]) &&
            dmarc_is_hex((unsigned char)u[i + 2])) {
            i += 2;
            continue;
        }
        if (!(uri_class[ch] & CC_URI)) {
            bad_char(v, c, i);
            return;
        }
    }
    size_t i = 0;
    if (dmarc_is_alpha((unsigned char)u[0]))
        while (i < n &&
               (dmarc_is_alpha((unsigned char)u[i]) || dmarc_is_digit((unsigned char)u[i]) ||
                u[i] == '+' || u[i] == '-' || u[i] == '.'))
            i++;
    if (i == 0 || i == n || u[i] != ':') {
        dmarc_snippet(c->entry, c->entry_len, snip);
        if (memchr(u, '@', n))
            fail(v, "%s: '%s' has no scheme: write it as mailto:%s", c->tag, snip, snip);
        else
            fail(v, "%s: '%s' is not a URI: it has no scheme such as mailto:", c->tag, snip);
        return;
    }
    if (dmarc_eq_nocase(u, i, "mailto")) {
        check_mailto(v, c, i + 1);
        return;
    }
    if (n - (i + 1) >= 2 && u[i + 1] == '/' && u[i + 2] == '/') {
        check_authority(v, c, i + 3);
        return;
    }
    if (dmarc_eq_nocase(u, i, "https") || dmarc_eq_nocase(u, i, "http")) {
        fail(v, "%s: '%s': an %.*s: URI needs //host after the scheme", c->tag,
             dmarc_snippet(c->entry, c->entry_len, snip), (int)i, u);
    }
}

/* "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] at the end of e[a, b) (RFC 7489
 * §6.4, obsolete in RFC 9989 §4.8).  Returns the offset of the '!' or b. */
static size_t find_size_suffix(const char *e, size_t a, size_t b, unsigned long long *bytes,
                               bool *overflow)
{
    size_t end = b;
    unsigned shift = 0;
    if (end > a) {
        switch (dmarc_lower((unsigned char)e[end - 1])) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        case 't':
            shift = 40;
            break;
        default:
            break;
        }
        if (shift)
            end--;
    }
    size_t d = end;
    while (d > a && dmarc_is_digit((unsigned char)e[d - 1]))
        d--;
    if (d == end || d == a || e[d - 1] != '!')
        return b;
    unsigned long long value = 0;
    *overflow = false;
    for (size_t i = d; i < end; i++) {
        unsigned digit = (unsigned)(e[i] - '0');
        if (value > (~0ULL - digit) / 10) {
            *overflow = true;
            value = ~0ULL;
            break;
        }
        value = value * 10 + digit;
    }
    if (!*overflow && shift && value > (~0ULL >> shift)) {
        value = ~0ULL;
        shift = 0;
    }
    *bytes = value << shift;
    return d - 1;
}

static struct dmarc_uri *add_entry(struct dmarc_record *r)
{
    if (r->nuris == r->uris_cap) {
        size_t cap = r->uris_cap ? r->uris_cap * 2 : 8;
        if (cap > ((size_t)-1) / sizeof *r->uris)
            return NULL;
        struct dmarc_uri *p = realloc(r->uris, cap * sizeof *p);
        if (!p)
            return NULL;
        r->uris = p;
        r->uris_cap = cap;
    }
    struct dmarc_uri *e = &r->uris[r->nuris++];
    memset(e, 0, sizeof *e);
    return e;
}

bool dmarc_uri_list_parse(struct dmarc_record *r, size_t tag_index, const char *text, struct span v,
                          struct diag_list *diags, const char **canon, size_t *canon_len,
                          bool *all_valid)
{
    struct arena *arena = &r->work->arena;
    struct dmarc_tag *t = &r->tags[tag_index];
    const char *tag = t->name_text;
    size_t n = v.end - v.start;
    /* Entries lose the blanks around ',': the canonical text is shorter. */
    char *out = arena_alloc(arena, n + 1);
    if (!out)
        return false;
    size_t o = 0;
    t->uri_first = r->nuris;
    t->uri_count = 0;
    *all_valid = true;
    if (n == 0) {
        diag_add(diags, RULE_DMARC_BAD_URI, t->whole.start, t->whole.end,
                 "%s= is empty: give at least one URI (%s=mailto:dmarc@example.com) or remove "
                 "the tag",
                 tag, tag);
        *all_valid = false;
    }
    size_t s = v.start;
    for (size_t i = v.start; n && i <= v.end; i++) {
        if (i < v.end && text[i] != ',')
            continue;
        /* dmarc-urilist: *WSP "," *WSP between entries. */
        size_t a = s, b = i;
        while (a < b && dmarc_is_wsp((unsigned char)text[a]))
            a++;
        while (b > a && dmarc_is_wsp((unsigned char)text[b - 1]))
            b--;
        s = i + 1;
        struct dmarc_uri *e = add_entry(r);
        if (!e)
            return false;
        t = &r->tags[tag_index];
        t->uri_count++;
        e->tag = tag_index;
        e->whole = (struct span){a, b};
        e->size = (struct span){b, b};
        e->text = arena_strndup(arena, text + a, b - a);
        if (!e->text)
            return false;
        e->len = b - a;
        if (o)
            out[o++] = ',';
        memcpy(out + o, text + a, b - a);
        o += b - a;
        if (a == b) {
            size_t comma = i < v.end ? i : i - 1;
            while (comma > v.start && text[comma] != ',')
                comma--;
            diag_add(diags, RULE_DMARC_BAD_URI, comma, comma + 1,
                     "%s: an empty entry (two ',' in a row, or one at an end); remove the extra "
                     "','",
                     tag);
            *all_valid = false;
            continue;
        }
        bool overflow = false;
        size_t bang = find_size_suffix(text, a, b, &e->size_bytes, &overflow);
        if (bang < b) {
            e->has_size = true;
            e->size = (struct span){bang, b};
        }
        char snip[DMARC_SNIPPET_MAX];
        struct uri_ctx ctx = {tag, text + a, bang - a, a, text + a, b - a};
        struct verdict verdict;
        if (bang == a) {
            memset(&verdict, 0, sizeof verdict);
            fail(&verdict, "%s: '%s' is only a size suffix; put the URI before it", tag,
                 dmarc_snippet(text + a, b - a, snip));
        } else {
            check_uri(&verdict, &ctx);
        }
        if (verdict.ok && overflow)
            fail(&verdict,
                 "%s: the size limit in '%s' does not fit in 64 bits; remove the "
                 "obsolete !size suffix",
                 tag, dmarc_snippet(text + a, b - a, snip));
        e->valid = verdict.ok;
        e->mailto = verdict.mailto;
        if (!verdict.ok) {
            diag_add(diags, RULE_DMARC_BAD_URI, a, b, "%s", verdict.msg);
            *all_valid = false;
        } else if (verdict.host_end > verdict.host_start) {
            size_t hl = verdict.host_end - verdict.host_start;
            char *h = arena_alloc(arena, hl + 1);
            if (!h)
                return false;
            for (size_t k = 0; k < hl; k++)
                h[k] = (char)dmarc_lower((unsigned char)text[a + verdict.host_start + k]);
            h[hl] = '\0';
            e->host = h;
            e->host_len = hl;
        }
    }
    out[o] = '\0';
    *canon = out;
    *canon_len = o;
    return true;
}
