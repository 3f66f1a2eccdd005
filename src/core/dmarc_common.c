/* Helpers every DMARC source uses: the work area, the tag table with its
 * typo suggestions, excerpts and character names for messages, and the
 * host name check shared by mailto: domains and discovery. */
#include "dmarc_internal.h"

#include "authtxt/safetext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool dmarc_work_ensure(struct dmarc_work **w)
{
    if (*w)
        return true;
    struct dmarc_work *n = calloc(1, sizeof *n);
    if (!n)
        return false;
    arena_init(&n->arena);
    taglist_init(&n->tokens);
    strbuf_init(&n->edit);
    diag_list_init(&n->edit_diags);
    *w = n;
    return true;
}

void dmarc_work_free(struct dmarc_work *w)
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

bool dmarc_eq_nocase(const char *s, size_t n, const char *word)
{
    size_t m = strlen(word);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (dmarc_lower((unsigned char)s[i]) != dmarc_lower((unsigned char)word[i]))
            return false;
    return true;
}

bool dmarc_eq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

bool dmarc_has_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return true;
    return false;
}

/* From the rows of dmarc_tags.def (see schema.h): adding a tag is one row
 * there.  rank is the row's `order` column. */
const struct dmarc_tag_info dmarc_tag_table[DMARC_TAG_COUNT] = {
#define DMARC_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,       \
                  section, req, group, order)                                                      \
    [DMARC_TAG_##id] = {name, help, order},
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
    [DMARC_TAG_UNKNOWN] = {"", "dmarc.tag.unknown", 100},
};

enum dmarc_tag_id dmarc_tag_lookup(const char *s, size_t n)
{
    /* Called for every tag of every parse: compare the length and the
     * first letter before the whole name (the rows are few; a table scan
     * keeps "adding a tag is one row" true). */
    static const struct {
        const char *name;
        unsigned char len;
    } names[] = {
#define DMARC_TAG(id, name, ...) {name, sizeof name - 1},
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
    };
    if (n == 0 || n > 16)
        return DMARC_TAG_UNKNOWN;
    unsigned char c0 = dmarc_lower((unsigned char)s[0]);
    for (size_t id = 0; id < sizeof names / sizeof names[0]; id++)
        if (names[id].len == n && (unsigned char)names[id].name[0] == c0 &&
            dmarc_eq_nocase(s, n, names[id].name))
            return (enum dmarc_tag_id)id;
    return DMARC_TAG_UNKNOWN;
}

size_t dmarc_typo_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t d[17][17];
    if (n > 16 || m > 16)
        return (size_t)-1;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned char x = dmarc_lower((unsigned char)a[i - 1]);
            unsigned char y = dmarc_lower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (x != y);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && x == dmarc_lower((unsigned char)b[j - 2]) &&
                dmarc_lower((unsigned char)a[i - 2]) == y && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *dmarc_tag_suggest(const char *s, size_t n)
{
    if (n < 2 || n > 16)
        return NULL; /* "x" is one edit from p and from t: no guess */
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    bool best_first = false;
    for (unsigned id = 0; id < DMARC_TAG_UNKNOWN; id++) {
        const char *name = dmarc_tag_table[id].name;
        size_t m = strlen(name);
        size_t d = dmarc_typo_distance(s, n, name, m);
        /* One edit for short names, two from five letters on, and never
         * as many edits as the name has letters. */
        size_t limit = n >= 5 ? 2 : 1;
        if (d > limit || d >= m || d >= n)
            continue;
        bool first = dmarc_lower((unsigned char)s[0]) == (unsigned char)name[0];
        if (d < best_d || (d == best_d && first && !best_first)) {
            best = name;
            best_d = d;
            best_first = first;
        }
    }
    return best;
}

const char *dmarc_snippet(const char *s, size_t n, char buf[DMARC_SNIPPET_MAX])
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

/* Characters that sneak into records copied from web pages and editors. */
static const struct {
    unsigned long cp;
    const char *name;
} known_chars[] = {
    {0x00a0, "a no-break space"},
    {0x00ad, "a soft hyphen"},
    {0x2002, "an en space"},
    {0x2003, "an em space"},
    {0x2009, "a thin space"},
    {0x200b, "a zero-width space"},
    {0x200c, "a zero-width non-joiner"},
    {0x200d, "a zero-width joiner"},
    {0x2013, "an en dash"},
    {0x2014, "an em dash"},
    {0x2018, "a curly quote"},
    {0x2019, "a curly quote"},
    {0x201c, "a curly double quote"},
    {0x201d, "a curly double quote"},
    {0x202f, "a narrow no-break space"},
    {0x2060, "a word joiner"},
    {0x3000, "an ideographic space"},
    {0xfeff, "a byte order mark"},
};

size_t dmarc_char_name(const char *s, size_t n, char buf[DMARC_CHARNAME_MAX])
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c == ' ') {
        snprintf(buf, DMARC_CHARNAME_MAX, "a space");
        return 1;
    }
    if (c == '\t') {
        snprintf(buf, DMARC_CHARNAME_MAX, "a tab");
        return 1;
    }
    if (c == '\r' || c == '\n') {
        snprintf(buf, DMARC_CHARNAME_MAX, "a line break");
        return 1;
    }
    if (c < 0x20 || c == 0x7f) {
        snprintf(buf, DMARC_CHARNAME_MAX, "control character 0x%02X", c);
        return 1;
    }
    if (c < 0x80) {
        snprintf(buf, DMARC_CHARNAME_MAX, "'%c'", c);
        return 1;
    }
    size_t len = safetext_utf8_char(s, n); /* RFC 3629 §4, validated */
    if (len == 0) {
        snprintf(buf, DMARC_CHARNAME_MAX, "byte 0x%02X (not UTF-8)", c);
        return 1;
    }
    unsigned long cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (u[i] & 0x3f);
    for (size_t i = 0; i < sizeof known_chars / sizeof *known_chars; i++) {
        if (known_chars[i].cp == cp) {
            snprintf(buf, DMARC_CHARNAME_MAX, "%s (U+%04lX)", known_chars[i].name, cp);
            return len;
        }
    }
    snprintf(buf, DMARC_CHARNAME_MAX, "the non-ASCII character U+%04lX", cp);
    return len;
}

size_t dmarc_first_odd_byte(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x21 || c > 0x7e) && c != ' ' && c != '\t')
            return i;
    }
    return n;
}

/* RFC 1035 §2.3.1 (LDH), RFC 1123 §2.1 (leading digits allowed). */
bool dmarc_hostname_check(const char *s, size_t n, bool trailing_dot, bool underscore,
                          size_t *labels, const char **why, size_t *at)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t count = 0;
    *at = 0;
    if (trailing_dot && n > 1 && u[n - 1] == '.')
        n--;
    if (n == 0) {
        *why = "the domain is empty";
        return false;
    }
    if (n > DMARC_NAME_MAX) {
        *why = "the domain is longer than 253 bytes";
        *at = DMARC_NAME_MAX;
        return false;
    }
    size_t start = 0;
    bool numeric = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && u[i] != '.') {
            unsigned char c = u[i];
            if (!dmarc_is_alpha(c) && !dmarc_is_digit(c) && c != '-' && !(underscore && c == '_')) {
                *why = "a domain holds only letters, digits, '-' and '.'";
                *at = i;
                return false;
            }
            numeric = numeric && dmarc_is_digit(c);
            continue;
        }
        size_t len = i - start;
        if (len == 0) {
            *why = i == 0 ? "the domain starts with '.'"
                          : (i == n ? "the domain ends with '.'"
                                    : "the domain has an empty label ('..')");
            *at = i < n ? i : n - 1;
            return false;
        }
        if (len > 63) {
            *why = "a label of the domain is longer than 63 bytes";
            *at = start;
            return false;
        }
        if (u[start] == '-' || u[i - 1] == '-') {
            *why = "a label of the domain starts or ends with '-'";
            *at = u[start] == '-' ? start : i - 1;
            return false;
        }
        count++;
        if (i == n && numeric && count > 1) {
            *why = "the top-level domain is all digits";
            *at = start;
            return false;
        }
        numeric = true;
        start = i + 1;
    }
    if (labels)
        *labels = count;
    return true;
}

bool dmarc_domain_normalize(const char *s, size_t n, char out[DMARC_NAME_MAX + 1], size_t *labels)
{
    const char *why;
    size_t at, count;
    if (!dmarc_hostname_check(s, n, true, true, &count, &why, &at))
        return false;
    if (n > 1 && s[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)dmarc_lower((unsigned char)s[i]);
    out[n] = '\0';
    if (labels)
        *labels = count;
    return true;
}
