/* Tag values by the grammar of RFC 9989 §4.8 (and RFC 7489 §6.4 for pct,
 * rf and ri, which RFC 9989 removed): whether a value is valid, its typed
 * form, its canonical text, and a dmarc-bad-value diagnostic that says
 * what to write instead. */
#include "dmarc_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const policy_words[] = {"none", "quarantine", "reject"};
static const char *const rors_words[] = {"r", "s"};
static const char *const yorn_words[] = {"y", "n"};
static const char *const psd_words[] = {"y", "n", "u"};

/* Words people write instead of the keyword. */
struct alias {
    const char *word, *means;
};
static const struct alias policy_aliases[] = {
    {"monitor", "none"},    {"off", "none"},     {"quarantaine", "quarantine"},
    {"spam", "quarantine"}, {"block", "reject"}, {"deny", "reject"},
    {"fail", "reject"},     {NULL, NULL},
};
static const struct alias rors_aliases[] = {
    {"relaxed", "r"},
    {"relax", "r"},
    {"strict", "s"},
    {NULL, NULL},
};
static const struct alias yorn_aliases[] = {
    {"yes", "y"},   {"true", "y"}, {"on", "y"}, {"1", "y"},   {"no", "n"},
    {"false", "n"}, {"off", "n"},  {"0", "n"},  {NULL, NULL},
};

static int word_index(const char *v, size_t n, const char *const *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (dmarc_eq_nocase(v, n, words[i]))
            return (int)i;
    return -1;
}

/* The keyword a bad value most likely means, or NULL: the value with
 * quotes, blanks and odd bytes removed; an alias; a prefix of three
 * letters or more; a word one or two typos away. */
static const char *suggest_word(const char *v, size_t n, const char *const *words, size_t count,
                                const struct alias *aliases)
{
    char clean[24];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof clean - 1; i++)
        if (dmarc_is_alpha((unsigned char)v[i]) || dmarc_is_digit((unsigned char)v[i]))
            clean[k++] = v[i];
    if (k == 0 || k == sizeof clean - 1)
        return NULL;
    int w = word_index(clean, k, words, count);
    if (w >= 0)
        return words[w];
    for (const struct alias *a = aliases; a && a->word; a++)
        if (dmarc_eq_nocase(clean, k, a->word))
            return a->means;
    for (size_t i = 0; i < count; i++) {
        size_t m = strlen(words[i]);
        bool prefix = k >= 3 && k < m;
        for (size_t j = 0; j < k && prefix; j++)
            prefix = dmarc_lower((unsigned char)clean[j]) == (unsigned char)words[i][j];
        if (prefix)
            return words[i];
    }
    /* Typos: two allowed in the long words, none in one-letter words. */
    for (size_t i = 0; i < count; i++) {
        size_t m = strlen(words[i]);
        if (m >= 4 && k <= 16 && dmarc_typo_distance(clean, k, words[i], m) <= 2)
            return words[i];
    }
    return NULL;
}

/* The diagnostic for a keyword value outside its grammar. */
static void bad_keyword(struct diag_list *diags, const struct dmarc_tag *t, const char *v, size_t n,
                        const char *expect, const char *suggest, const char *tail, bool warning)
{
    char snip[DMARC_SNIPPET_MAX], cname[DMARC_CHARNAME_MAX];
    const char *name = t->name_text;
    size_t start = n ? t->value.start : t->whole.start, end = n ? t->value.end : t->whole.end;
    size_t odd = dmarc_first_odd_byte(v, n);
    struct diag *d;
    if (n == 0)
        d = diag_add(diags, RULE_DMARC_BAD_VALUE, start, end, "%s= is empty: write %s%s", name,
                     expect, tail);
    else if (odd < n) {
        dmarc_char_name(v + odd, n - odd, cname);
        d = diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "%s=%s holds %s at byte %zu; write %s%s%s%s", name, dmarc_snippet(v, n, snip),
                     cname, t->value.start + odd, suggest ? name : expect, suggest ? "=" : "",
                     suggest ? suggest : "", tail);
    } else if (v[0] == '"' || v[0] == '\'')
        d = diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "%s=%s: quotes are not part of the value; write %s=%s%s", name,
                     dmarc_snippet(v, n, snip), name, suggest ? suggest : "...", tail);
    else if (suggest)
        d = diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "%s=%s is not %s: did you mean %s=%s?%s", name, dmarc_snippet(v, n, snip),
                     expect, name, suggest, tail);
    else
        d = diag_add(diags, RULE_DMARC_BAD_VALUE, start, end, "%s=%s is not %s%s", name,
                     dmarc_snippet(v, n, snip), expect, tail);
    if (d && warning)
        d->severity = DIAG_WARNING;
}

/* A colon list of keywords (fo, rf) being read: the bits seen so far and
 * the canonical text built from them. */
struct list_state {
    const char *text; /* the record text */
    struct dmarc_tag *t;
    struct diag_list *diags;
    unsigned seen;
    bool odd_case;
    char canon[64];
    size_t canon_len;
    bool canon_overflow;
};

static bool fo_item(struct list_state *st, size_t a, size_t b)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *s = st->text + a;
    size_t n = b - a;
    unsigned bit = 0;
    if (n == 1) {
        switch (dmarc_lower((unsigned char)s[0])) {
        case '0':
            bit = DMARC_FO_0;
            break;
        case '1':
            bit = DMARC_FO_1;
            break;
        case 'd':
            bit = DMARC_FO_D;
            break;
        case 's':
            bit = DMARC_FO_S;
            break;
        default:
            break;
        }
    }
    if (!bit) {
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, a, b,
                 "fo option '%s' is not 0 (report when all checks fail), 1 (when any fails), d "
                 "(DKIM failures) or s (SPF failures)",
                 dmarc_snippet(s, n, snip));
        return false;
    }
    if (st->seen & bit) {
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, a, b, "fo option '%c' is written twice; keep one",
                 s[0]);
        return false;
    }
    /* RFC 9989 §4.7: "0" and "1" are mutually exclusive. */
    if ((bit | st->seen) & DMARC_FO_0 && (bit | st->seen) & DMARC_FO_1) {
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, a, b,
                 "fo=0 (report when all checks fail) and fo=1 (when any fails) exclude each "
                 "other; keep one (1 gives more reports)");
        return false;
    }
    st->seen |= bit;
    st->odd_case = st->odd_case || dmarc_has_upper(s, n);
    if (st->canon_len + 2 < sizeof st->canon) {
        if (st->canon_len)
            st->canon[st->canon_len++] = ':';
        st->canon[st->canon_len++] = (char)dmarc_lower((unsigned char)s[0]);
    }
    return true;
}

static bool rf_item(struct list_state *st, size_t a, size_t b)
{
    char snip[DMARC_SNIPPET_MAX];
    const char *s = st->text + a;
    size_t n = b - a;
    unsigned bit = dmarc_eq_nocase(s, n, "afrf")    ? DMARC_RF_AFRF
                   : dmarc_eq_nocase(s, n, "iodef") ? DMARC_RF_IODEF
                                                    : 0;
    if (!bit) {
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, a, b,
                 "rf format '%s' is not afrf (RFC 7489 §6.3); receivers may ignore the whole "
                 "record; remove rf= (RFC 9989 removed it)",
                 dmarc_snippet(s, n, snip));
        return false;
    }
    st->seen |= bit;
    st->odd_case = st->odd_case || dmarc_has_upper(s, n);
    const char *w = bit == DMARC_RF_AFRF ? "afrf" : "iodef";
    size_t m = strlen(w);
    if (st->canon_len + m + 1 < sizeof st->canon) {
        if (st->canon_len)
            st->canon[st->canon_len++] = ':';
        memcpy(st->canon + st->canon_len, w, m);
        st->canon_len += m;
    } else {
        st->canon_overflow = true;
    }
    return true;
}

/* RFC 9989 §4.8 dmarc-fo / RFC 7489 §6.4 dmarc-rfmt: items separated by
 * ':' (blanks around it tolerated, as RFC 7489 allowed).  Calls item() for
 * each trimmed item; false at the first bad one (after its diagnostic). */
static bool colon_list(struct list_state *st, bool (*item)(struct list_state *, size_t, size_t))
{
    const struct dmarc_tag *t = st->t;
    const char *text = st->text;
    char snip[DMARC_SNIPPET_MAX];
    size_t v0 = t->value.start, v1 = t->value.end;
    if (v0 == v1) {
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, t->whole.start, t->whole.end,
                 "%s= is empty: write %s or remove the tag", t->name_text,
                 t->id == DMARC_TAG_FO ? "fo=1 (a report when any check fails)" : "rf=afrf");
        return false;
    }
    const char *comma = memchr(text + v0, ',', v1 - v0);
    if (comma) {
        size_t at = (size_t)(comma - text);
        diag_add(st->diags, RULE_DMARC_BAD_VALUE, at, at + 1,
                 "%s=%s: separate the options with ':' (%s), not ','", t->name_text,
                 dmarc_snippet(text + v0, v1 - v0, snip),
                 t->id == DMARC_TAG_FO ? "fo=1:d" : "rf=afrf");
        return false;
    }
    size_t s = v0;
    for (size_t i = v0; i <= v1; i++) {
        if (i < v1 && text[i] != ':')
            continue;
        size_t a = s, b = i;
        while (a < b && dmarc_is_wsp((unsigned char)text[a]))
            a++;
        while (b > a && dmarc_is_wsp((unsigned char)text[b - 1]))
            b--;
        if (a == b) {
            size_t at = i < v1 ? i : i - 1;
            diag_add(st->diags, RULE_DMARC_BAD_VALUE, at, at + 1,
                     "%s=%s has an empty option (':' twice, or at an end); remove the extra "
                     "':'",
                     t->name_text, dmarc_snippet(text + v0, v1 - v0, snip));
            return false;
        }
        if (!item(st, a, b))
            return false;
        s = i + 1;
    }
    return true;
}

/* RFC 7489 §6.4: pct = 1*3DIGIT (0-100), ri = 1*DIGIT (32-bit unsigned). */
static long long parse_number(const char *v, size_t n, size_t max_digits, long long max)
{
    if (n == 0 || n > max_digits)
        return -1;
    long long value = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dmarc_is_digit((unsigned char)v[i]))
            return -1;
        value = value * 10 + (v[i] - '0');
        if (value > max)
            return -1;
    }
    return value;
}

static bool all_digits(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!dmarc_is_digit((unsigned char)v[i]))
            return false;
    return n > 0;
}

static const char *canon_number(struct arena *a, long long value)
{
    char buf[24];
    int k = snprintf(buf, sizeof buf, "%lld", value);
    return arena_strndup(a, buf, k > 0 ? (size_t)k : 0);
}

static void bad_number(struct diag_list *diags, const struct dmarc_tag *t, const char *v, size_t n)
{
    char snip[DMARC_SNIPPET_MAX];
    size_t start = n ? t->value.start : t->whole.start, end = n ? t->value.end : t->whole.end;
    dmarc_snippet(v, n, snip);
    if (t->id == DMARC_TAG_PCT) {
        if (n && v[n - 1] == '%' && all_digits(v, n - 1))
            diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "pct=%s: write the number without '%%' (pct=%.*s)", snip, (int)(n - 1), v);
        else if (all_digits(v, n))
            diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "pct=%s is not a percentage from 0 to 100 (at most 3 digits)", snip);
        else
            diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                     "pct=%s is not a whole number from 0 to 100", snip);
    } else if (all_digits(v, n)) {
        diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                 "ri=%s is larger than 4294967295 seconds (a 32-bit number); reporters send "
                 "daily anyway: remove ri=",
                 snip);
    } else {
        diag_add(diags, RULE_DMARC_BAD_VALUE, start, end,
                 "ri=%s is not a number of seconds (ri=86400 is a day); reporters send daily "
                 "anyway: remove ri=",
                 snip);
    }
}

bool dmarc_value_parse(struct dmarc_record *r, size_t tag_index, const char *text, bool set_typed,
                       struct diag_list *diags)
{
    struct dmarc_tag *t = &r->tags[tag_index];
    struct arena *arena = &r->work->arena;
    const char *v = text + t->value.start;
    size_t n = t->value.end - t->value.start;
    /* Until proven otherwise the canonical value is the value as written. */
    const char *canon = NULL;
    size_t canon_len = 0;
    int w;
    t->valid = true;
    t->odd_case = t->id != DMARC_TAG_UNKNOWN &&
                  dmarc_has_upper(text + t->name.start, t->name.end - t->name.start);
    switch (t->id) {
    case DMARC_TAG_V:
        /* RFC 9989 §4.8: %s"DMARC1", case-sensitive. */
        t->valid = dmarc_eq(v, n, "DMARC1");
        break;
    case DMARC_TAG_P:
    case DMARC_TAG_SP:
    case DMARC_TAG_NP:
        w = word_index(v, n, policy_words, 3);
        if (w < 0) {
            t->valid = false;
            bad_keyword(diags, t, v, n, "none, quarantine or reject",
                        suggest_word(v, n, policy_words, 3, policy_aliases),
                        t->id == DMARC_TAG_P ? ""
                                             : "; an invalid one makes RFC 9989 receivers treat "
                                               "the record as p=none",
                        false);
        } else {
            canon = policy_words[w];
            t->odd_case = t->odd_case || dmarc_has_upper(v, n);
        }
        if (set_typed) {
            enum dmarc_policy p = w < 0 ? DMARC_POLICY_INVALID : (enum dmarc_policy)(w + 1);
            if (t->id == DMARC_TAG_P)
                r->p = p;
            else if (t->id == DMARC_TAG_SP)
                r->sp = p;
            else
                r->np = p;
        }
        break;
    case DMARC_TAG_ADKIM:
    case DMARC_TAG_ASPF:
        w = word_index(v, n, rors_words, 2);
        if (w < 0) {
            t->valid = false;
            /* RFC 9989 §4.8: a syntax error falls back to the default r,
             * so the record still works: a warning. */
            bad_keyword(diags, t, v, n, "r (relaxed) or s (strict)",
                        suggest_word(v, n, rors_words, 2, rors_aliases),
                        "; RFC 9989 receivers use the default r", true);
        } else {
            canon = rors_words[w];
            t->odd_case = t->odd_case || dmarc_has_upper(v, n);
        }
        if (set_typed) {
            enum dmarc_alignment al =
                w < 0 ? DMARC_ALIGN_INVALID : (w == 0 ? DMARC_ALIGN_RELAXED : DMARC_ALIGN_STRICT);
            if (t->id == DMARC_TAG_ADKIM)
                r->adkim = al;
            else
                r->aspf = al;
        }
        break;
    case DMARC_TAG_T:
        w = word_index(v, n, yorn_words, 2);
        if (w < 0) {
            t->valid = false;
            bad_keyword(diags, t, v, n, "y (testing) or n",
                        suggest_word(v, n, yorn_words, 2, yorn_aliases), "", false);
        } else {
            canon = yorn_words[w];
            t->odd_case = t->odd_case || dmarc_has_upper(v, n);
        }
        if (set_typed)
            r->t = w < 0 ? DMARC_YORN_INVALID : (w == 0 ? DMARC_YORN_Y : DMARC_YORN_N);
        break;
    case DMARC_TAG_PSD:
        w = word_index(v, n, psd_words, 3);
        if (w < 0) {
            t->valid = false;
            bad_keyword(diags, t, v, n, "y, n or u", suggest_word(v, n, psd_words, 3, yorn_aliases),
                        "", false);
        } else {
            canon = psd_words[w];
            t->odd_case = t->odd_case || dmarc_has_upper(v, n);
        }
        if (set_typed)
            r->psd = w < 0 ? DMARC_PSD_INVALID : (enum dmarc_psd)(DMARC_PSD_Y + w);
        break;
    case DMARC_TAG_FO:
    case DMARC_TAG_RF: {
        struct list_state st;
        memset(&st, 0, sizeof st);
        st.text = text;
        st.t = t;
        st.diags = diags;
        t->valid = colon_list(&st, t->id == DMARC_TAG_FO ? fo_item : rf_item);
        if (t->valid && !st.canon_overflow) {
            canon = arena_strndup(arena, st.canon, st.canon_len);
            if (!canon)
                return false;
            canon_len = st.canon_len;
            t->odd_case = t->odd_case || st.odd_case;
        }
        if (set_typed) {
            if (t->id == DMARC_TAG_FO)
                r->fo = t->valid ? st.seen : 0;
            else
                r->rf = t->valid ? st.seen : 0;
        }
        break;
    }
    case DMARC_TAG_PCT:
    case DMARC_TAG_RI: {
        long long value = t->id == DMARC_TAG_PCT ? parse_number(v, n, 3, 100)
                                                 : parse_number(v, n, 20, 4294967295LL);
        if (value < 0) {
            t->valid = false;
            bad_number(diags, t, v, n);
        } else {
            canon = canon_number(arena, value);
            if (!canon)
                return false;
        }
        if (set_typed) {
            if (t->id == DMARC_TAG_PCT)
                r->pct = (int)value;
            else
                r->ri = value;
        }
        break;
    }
    case DMARC_TAG_RUA:
    case DMARC_TAG_RUF: {
        bool all_valid;
        if (!dmarc_uri_list_parse(r, tag_index, text, t->value, diags, &canon, &canon_len,
                                  &all_valid))
            return false;
        t = &r->tags[tag_index];
        t->valid = all_valid;
        break;
    }
    case DMARC_TAG_UNKNOWN:
    case DMARC_TAG_COUNT:
        break;
    }
    if (canon) {
        t->value_text = canon;
        t->value_len = canon_len ? canon_len : strlen(canon);
    } else {
        t->value_text = arena_strndup(arena, v, n);
        if (!t->value_text)
            return false;
        t->value_len = n;
    }
    return true;
}
