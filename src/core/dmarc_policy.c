/* What a DMARC record does: the effective policy per scope with defaults
 * applied (RFC 9989 §4.7, §4.10.1), how RFC 7489 receivers differ (pct
 * sampling, no np, no t), and the sentences the TUI and `explain` show. */
#include "dmarc_internal.h"

#include <stdio.h>
#include <string.h>

const char *dmarc_policy_name(enum dmarc_policy p)
{
    switch (p) {
    case DMARC_POLICY_NONE:
        return "none";
    case DMARC_POLICY_QUARANTINE:
        return "quarantine";
    case DMARC_POLICY_REJECT:
        return "reject";
    case DMARC_POLICY_ABSENT:
    case DMARC_POLICY_INVALID:
        break;
    }
    return "";
}

/* RFC 9989 §4.7, tag t: reject acts as quarantine, quarantine as none. */
enum dmarc_policy dmarc_policy_one_less(enum dmarc_policy p)
{
    if (p == DMARC_POLICY_REJECT)
        return DMARC_POLICY_QUARANTINE;
    if (p == DMARC_POLICY_QUARANTINE)
        return DMARC_POLICY_NONE;
    return p;
}

static bool policy_valid(enum dmarc_policy p)
{
    return p == DMARC_POLICY_NONE || p == DMARC_POLICY_QUARANTINE || p == DMARC_POLICY_REJECT;
}

static bool list_has_valid(const struct dmarc_record *r, enum dmarc_tag_id id)
{
    size_t i = r->first[id];
    if (i == DMARC_NONE)
        return false;
    const struct dmarc_tag *t = &r->tags[i];
    for (size_t k = 0; k < t->uri_count; k++)
        if (r->uris[t->uri_first + k].valid)
            return true;
    return false;
}

bool dmarc_has_rua(const struct dmarc_record *r) { return list_has_valid(r, DMARC_TAG_RUA); }

/* RFC 9989 §4.7 (v): the first tag is v=DMARC1, or the record is ignored. */
static bool version_usable(const struct dmarc_record *r)
{
    return r->count > 0 && r->tags[0].id == DMARC_TAG_V && r->tags[0].valid &&
           r->leading_space == 0;
}

void dmarc_effect_compute(const struct dmarc_record *r, struct dmarc_effect *e)
{
    memset(e, 0, sizeof *e);
    e->has_rua = dmarc_has_rua(r);
    e->has_ruf = list_has_valid(r, DMARC_TAG_RUF);
    e->testing = r->t == DMARC_YORN_Y;
    e->adkim = r->adkim == DMARC_ALIGN_STRICT ? DMARC_ALIGN_STRICT : DMARC_ALIGN_RELAXED;
    e->aspf = r->aspf == DMARC_ALIGN_STRICT ? DMARC_ALIGN_STRICT : DMARC_ALIGN_RELAXED;
    e->fo = r->fo ? r->fo : DMARC_FO_0;
    e->pct = r->pct >= 0 ? r->pct : 100;
    bool version = version_usable(r);
    e->version = version;
    for (int rfc = DMARC_RFC9989; rfc <= DMARC_RFC7489; rfc++) {
        /* RFC 9989 §4.10.1 / RFC 7489 §6.6.3 step 6: a bad p= or sp= (and
         * for RFC 9989 np=) makes the record p=none when rua is valid. */
        bool good = policy_valid(r->p) && (r->sp == DMARC_POLICY_ABSENT || policy_valid(r->sp)) &&
                    (rfc == DMARC_RFC7489 || r->np == DMARC_POLICY_ABSENT || policy_valid(r->np));
        enum dmarc_policy *pol = e->policy[rfc];
        if (!version) {
            continue;
        } else if (good) {
            e->usable[rfc] = true;
            pol[DMARC_SCOPE_DOMAIN] = r->p;
            pol[DMARC_SCOPE_SUBDOMAIN] = r->sp != DMARC_POLICY_ABSENT ? r->sp : r->p;
            /* np: RFC 9989 only; RFC 7489 receivers apply sp (or p). */
            pol[DMARC_SCOPE_NXDOMAIN] = rfc == DMARC_RFC9989 && r->np != DMARC_POLICY_ABSENT
                                            ? r->np
                                            : pol[DMARC_SCOPE_SUBDOMAIN];
        } else if (e->has_rua) {
            e->usable[rfc] = true;
            e->fallback_none[rfc] = true;
            for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
                pol[s] = DMARC_POLICY_NONE;
        }
    }
}

enum dmarc_policy dmarc_effect_applied(const struct dmarc_effect *e, enum dmarc_rfc rfc,
                                       enum dmarc_scope scope)
{
    if ((unsigned)rfc > DMARC_RFC7489 || (unsigned)scope >= DMARC_SCOPE_COUNT || !e->usable[rfc])
        return DMARC_POLICY_ABSENT;
    enum dmarc_policy p = e->policy[rfc][scope];
    return rfc == DMARC_RFC9989 && e->testing ? dmarc_policy_one_less(p) : p;
}

bool dmarc_is_enforcing(const struct dmarc_record *r)
{
    struct dmarc_effect e;
    dmarc_effect_compute(r, &e);
    return e.usable[DMARC_RFC9989] &&
           e.policy[DMARC_RFC9989][DMARC_SCOPE_DOMAIN] >= DMARC_POLICY_QUARANTINE;
}

/* "is rejected", "goes to spam (quarantine)", "is delivered as usual". */
static const char *fate(enum dmarc_policy p)
{
    switch (p) {
    case DMARC_POLICY_REJECT:
        return "is rejected";
    case DMARC_POLICY_QUARANTINE:
        return "goes to spam (quarantine)";
    case DMARC_POLICY_NONE:
        return "is delivered as usual (reports only)";
    default:
        return "gets no DMARC treatment";
    }
}

/* One sentence over the three scopes, merging scopes that agree. */
static void scopes_sentence(const enum dmarc_policy p[DMARC_SCOPE_COUNT], const char *domain,
                            struct strbuf *out)
{
    enum dmarc_policy a = p[DMARC_SCOPE_DOMAIN], b = p[DMARC_SCOPE_SUBDOMAIN],
                      c = p[DMARC_SCOPE_NXDOMAIN];
    if (a == b && b == c)
        strbuf_printf(out, "failing mail from %s and all its subdomains %s", domain, fate(a));
    else if (b == c)
        strbuf_printf(out, "failing mail from %s %s; from its subdomains it %s", domain, fate(a),
                      fate(b));
    else
        strbuf_printf(out,
                      "failing mail from %s %s; from its existing subdomains it %s; from "
                      "non-existent subdomains it %s",
                      domain, fate(a), fate(b), fate(c));
}

void dmarc_effect_describe(const struct dmarc_effect *e, const char *domain, struct strbuf *out)
{
    if (!domain || !domain[0])
        domain = "the domain";
    enum dmarc_policy now[2][DMARC_SCOPE_COUNT];
    for (int rfc = 0; rfc < 2; rfc++)
        for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
            now[rfc][s] = dmarc_effect_applied(e, (enum dmarc_rfc)rfc, (enum dmarc_scope)s);

    strbuf_puts(out, "RFC 9989: ");
    if (!e->usable[DMARC_RFC9989]) {
        strbuf_puts(out, e->version ? "receivers ignore this record (it has neither a valid p= "
                                      "nor a valid rua=), so no DMARC applies"
                                    : "receivers ignore this record (it does not start with "
                                      "v=DMARC1), so no DMARC applies");
    } else {
        if (e->fallback_none[DMARC_RFC9989])
            strbuf_puts(out, "read as p=none (no valid p=, sp= or np=, but a valid rua=): ");
        scopes_sentence(now[DMARC_RFC9989], domain, out);
        bool any = false;
        for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
            any = any || e->policy[DMARC_RFC9989][s] != DMARC_POLICY_NONE;
        if (e->testing && any)
            strbuf_puts(out, " (t=y: one level less than written)");
    }
    strbuf_puts(out, ".");

    bool differs = e->usable[0] != e->usable[1] || (e->usable[1] && e->pct < 100);
    for (int s = 0; s < DMARC_SCOPE_COUNT && !differs; s++)
        differs = now[0][s] != now[1][s];
    if (!differs)
        return;
    strbuf_puts(out, "\nRFC 7489 receivers: ");
    if (!e->usable[DMARC_RFC7489]) {
        strbuf_puts(out, "ignore this record, so no DMARC applies.");
        return;
    }
    if (e->fallback_none[DMARC_RFC7489])
        strbuf_puts(out, "read it as p=none: ");
    scopes_sentence(now[DMARC_RFC7489], domain, out);
    const char *why = e->testing ? " (they ignore t=y" : NULL;
    bool np =
        e->usable[0] && e->policy[0][DMARC_SCOPE_NXDOMAIN] != e->policy[1][DMARC_SCOPE_NXDOMAIN];
    if (why)
        strbuf_printf(out, "%s%s)", why, np ? " and np=" : "");
    else if (np)
        strbuf_puts(out, " (they ignore np=)");
    strbuf_puts(out, ".");
    /* RFC 7489 §6.3 pct: the sampling covers every message the policy is
     * applied to, whichever scope (p, sp) it came from, so it is a sentence
     * of its own and not a clause of the last scope's. */
    if (e->pct < 100) {
        bool all_none = true;
        for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
            all_none = all_none && now[DMARC_RFC7489][s] == DMARC_POLICY_NONE;
        if (!all_none)
            strbuf_printf(out,
                          " pct=%d: they apply it to only about %d%% of failing mail, from the "
                          "domain and its subdomains alike; the rest gets one level less.",
                          e->pct, e->pct);
    }
}

/* ---- one sentence per tag ----------------------------------------------- */

static void describe_invalid(const struct dmarc_tag *t, struct strbuf *out)
{
    static const char *const fallback[DMARC_TAG_COUNT] = {
        [DMARC_TAG_V] = "receivers ignore the whole record",
        [DMARC_TAG_P] = "RFC 9989 receivers act as p=none if rua= is valid, else ignore the record",
        [DMARC_TAG_SP] = "RFC 9989 receivers read the record as p=none if rua= is valid, else "
                         "ignore it",
        [DMARC_TAG_NP] = "RFC 9989 receivers read the record as p=none if rua= is valid, else "
                         "ignore it",
        [DMARC_TAG_ADKIM] = "receivers use relaxed DKIM alignment (r)",
        [DMARC_TAG_ASPF] = "receivers use relaxed SPF alignment (r)",
        [DMARC_TAG_FO] = "receivers use fo=0",
        [DMARC_TAG_PSD] = "receivers use psd=u",
        [DMARC_TAG_T] = "receivers apply the policy as written (t=n)",
        [DMARC_TAG_RUA] = "receivers skip the entries that are not valid URIs",
        [DMARC_TAG_RUF] = "receivers skip the entries that are not valid URIs",
        [DMARC_TAG_PCT] = "RFC 7489 receivers use pct=100",
        [DMARC_TAG_RF] = "RFC 7489 receivers use rf=afrf or ignore the record",
        [DMARC_TAG_RI] = "receivers send daily reports (ri=86400)",
    };
    strbuf_printf(out, "%s= has an invalid value: %s", t->name_text,
                  fallback[t->id] ? fallback[t->id] : "receivers ignore it");
}

static void describe_list(const struct dmarc_record *r, const struct dmarc_tag *t,
                          struct strbuf *out)
{
    char snip[DMARC_SNIPPET_MAX];
    size_t shown = 0, valid = 0;
    for (size_t k = 0; k < t->uri_count; k++) {
        const struct dmarc_uri *u = &r->uris[t->uri_first + k];
        if (!u->valid)
            continue;
        valid++;
        if (shown == 3)
            continue;
        const char *s = u->text;
        size_t n = u->size.start - u->whole.start;
        if (u->mailto && n > 7) {
            s += 7;
            n -= 7;
        }
        strbuf_puts(out, shown ? ", " : "");
        strbuf_puts(out, dmarc_snippet(s, n, snip));
        shown++;
    }
    if (valid > shown)
        strbuf_printf(out, " and %zu more", valid - shown);
    if (valid == 0)
        strbuf_puts(out, "nowhere (no valid URI)");
}

static void fo_words(unsigned fo, struct strbuf *out)
{
    static const struct {
        unsigned bit;
        const char *when;
    } opts[] = {
        {DMARC_FO_0, "every check fails to give an aligned pass"},
        {DMARC_FO_1, "any check fails to give an aligned pass"},
        {DMARC_FO_D, "a DKIM signature fails"},
        {DMARC_FO_S, "SPF fails"},
    };
    bool first = true;
    for (size_t k = 0; k < 4; k++) {
        if (!(fo & opts[k].bit))
            continue;
        strbuf_puts(out, first ? "" : ", or when ");
        strbuf_puts(out, opts[k].when);
        first = false;
    }
}

/* A policy tag's sentence is only true if receivers use the record as
 * written: say so when they ignore it or read it as p=none. */
static void policy_caveat(const struct dmarc_record *r, struct strbuf *out)
{
    struct dmarc_effect e;
    dmarc_effect_compute(r, &e);
    if (!e.version)
        strbuf_puts(out, " (but receivers ignore this record: it does not start with v=DMARC1)");
    else if (!e.usable[DMARC_RFC9989])
        strbuf_puts(out, " (but RFC 9989 receivers ignore this record: a policy tag is invalid "
                         "and rua= holds no valid URI)");
    else if (e.fallback_none[DMARC_RFC9989])
        strbuf_puts(out, " (but RFC 9989 receivers read this record as p=none: sp= or np= is "
                         "invalid)");
}

void dmarc_term_describe(const struct dmarc_record *r, size_t i, struct strbuf *out)
{
    if (i >= r->count)
        return;
    const struct dmarc_tag *t = &r->tags[i];
    const char *d = r->domain[0] ? r->domain : "this domain";
    char snip[DMARC_SNIPPET_MAX];
    if (!t->has_equals) {
        strbuf_printf(out, "'%s' is not a tag (no '='): receivers ignore it",
                      dmarc_snippet(t->name_text, t->name_len, snip));
        return;
    }
    if (t->duplicate) {
        strbuf_printf(out, "repeats %s=: receivers may use either copy or reject the record",
                      t->name_text);
        return;
    }
    if (t->id != DMARC_TAG_UNKNOWN && !t->valid &&
        !((t->id == DMARC_TAG_RUA || t->id == DMARC_TAG_RUF) && t->uri_count)) {
        describe_invalid(t, out);
        return;
    }
    enum dmarc_policy eff;
    switch (t->id) {
    case DMARC_TAG_V:
        strbuf_puts(out, "marks this TXT record as a DMARC policy record (version 1); it must "
                         "come first");
        break;
    case DMARC_TAG_P:
        eff = r->t == DMARC_YORN_Y ? dmarc_policy_one_less(r->p) : r->p;
        if (r->p == DMARC_POLICY_NONE)
            strbuf_printf(out,
                          "failing mail from %s is delivered as usual: monitoring only, "
                          "you get the reports",
                          d);
        else
            strbuf_printf(out, "failing mail from %s %s", d, fate(r->p));
        if (eff != r->p)
            strbuf_printf(out, "; with t=y receivers apply %s instead", dmarc_policy_name(eff));
        policy_caveat(r, out);
        break;
    case DMARC_TAG_SP:
        strbuf_printf(out, "failing mail from existing subdomains of %s %s", d, fate(r->sp));
        policy_caveat(r, out);
        break;
    case DMARC_TAG_NP:
        strbuf_printf(out,
                      "failing mail from non-existent subdomains of %s %s (RFC 9989; RFC "
                      "7489 receivers apply sp= or p=)",
                      d, fate(r->np));
        policy_caveat(r, out);
        break;
    case DMARC_TAG_ADKIM:
        if (r->adkim == DMARC_ALIGN_STRICT)
            strbuf_printf(out,
                          "DKIM counts for DMARC only when the signing domain (d=) is "
                          "exactly %s (strict alignment)",
                          d);
        else
            strbuf_printf(out,
                          "DKIM counts for DMARC when the signing domain (d=) has the same "
                          "organizational domain as %s (relaxed alignment)",
                          d);
        break;
    case DMARC_TAG_ASPF:
        if (r->aspf == DMARC_ALIGN_STRICT)
            strbuf_printf(out,
                          "SPF counts for DMARC only when the MAIL FROM domain is exactly "
                          "%s (strict alignment)",
                          d);
        else
            strbuf_printf(out,
                          "SPF counts for DMARC when the MAIL FROM domain has the same "
                          "organizational domain as %s (relaxed alignment)",
                          d);
        break;
    case DMARC_TAG_FO:
        strbuf_puts(out, "asks for a failure report when ");
        fo_words(r->fo, out);
        if (r->first[DMARC_TAG_RUF] == DMARC_NONE)
            strbuf_puts(out, "; without ruf= nothing is sent");
        break;
    case DMARC_TAG_PSD:
        if (r->psd == DMARC_PSD_Y)
            strbuf_printf(out,
                          "declares %s a public suffix domain (like a TLD): the names "
                          "below it belong to separate organizations",
                          d);
        else if (r->psd == DMARC_PSD_N)
            strbuf_printf(out,
                          "declares %s an organizational domain: the DNS tree walk stops "
                          "here",
                          d);
        else
            strbuf_printf(out,
                          "leaves it to the DNS tree walk whether %s is an organizational "
                          "domain (the default)",
                          d);
        break;
    case DMARC_TAG_T:
        if (r->t == DMARC_YORN_Y)
            strbuf_puts(out, "test mode: receivers apply one level less than the policy (reject "
                             "acts as quarantine, quarantine as none)");
        else
            strbuf_puts(out, "the policy applies as written (the default)");
        break;
    case DMARC_TAG_RUA:
        strbuf_printf(out, "aggregate reports (daily summaries of who sends mail as %s) go to ", d);
        describe_list(r, t, out);
        break;
    case DMARC_TAG_RUF:
        strbuf_puts(out, "failure reports (details of single failing messages) go to ");
        describe_list(r, t, out);
        break;
    case DMARC_TAG_PCT:
        strbuf_printf(out,
                      "RFC 7489 receivers apply the policy to %d%% of failing mail; RFC "
                      "9989 removed pct and ignores it",
                      r->pct);
        break;
    case DMARC_TAG_RF:
        if (r->rf == (DMARC_RF_AFRF | DMARC_RF_IODEF))
            strbuf_puts(out, "asks for failure reports in AFRF, else IODEF format (RFC 7489; "
                             "removed in RFC 9989)");
        else if (r->rf == DMARC_RF_IODEF)
            strbuf_puts(out, "asks for failure reports in IODEF format (RFC 7489; removed in "
                             "RFC 9989, and receivers send AFRF only)");
        else
            strbuf_puts(out, "asks for failure reports in AFRF format (RFC 7489; removed in "
                             "RFC 9989)");
        break;
    case DMARC_TAG_RI:
        strbuf_printf(out,
                      "asks for aggregate reports every %lld seconds (RFC 7489; reporters "
                      "send daily anyway)",
                      r->ri);
        break;
    case DMARC_TAG_UNKNOWN:
    case DMARC_TAG_COUNT: {
        const char *guess = dmarc_tag_suggest(t->name_text, t->name_len);
        strbuf_printf(out, "unknown tag '%s': receivers ignore it",
                      dmarc_snippet(t->name_text, t->name_len, snip));
        if (guess)
            strbuf_printf(out, " (did you mean %s=?)", guess);
        break;
    }
    }
}
