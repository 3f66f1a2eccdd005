/* The DMARC rules of lint-catalog.md that need no DNS.  They read only the
 * model (dmarc_parse has recorded what they need); where RFC 9989 and the
 * RFC 7489 receivers still in service differ, the message says both. */
#include "dmarc_internal.h"

#include <stdio.h>
#include <string.h>

static const struct dmarc_tag *first_tag(const struct dmarc_record *r, enum dmarc_tag_id id)
{
    size_t i = r->first[id];
    return i == DMARC_NONE ? NULL : &r->tags[i];
}

static bool policy_valid(enum dmarc_policy p)
{
    return p == DMARC_POLICY_NONE || p == DMARC_POLICY_QUARANTINE || p == DMARC_POLICY_REJECT;
}

/* dmarc-version: RFC 9989 §4.7 (v first, exactly DMARC1), RFC 7489 §6.4. */
static void lint_version(const struct dmarc_record *r, struct diag_list *diags)
{
    char snip[DMARC_SNIPPET_MAX], cname[DMARC_CHARNAME_MAX];
    if (r->version_ok)
        return;
    if (r->count == 0) {
        diag_add(diags, RULE_DMARC_VERSION, 0, r->text_len,
                 "the record is empty: a DMARC record starts with v=DMARC1 (v=DMARC1; p=none; "
                 "rua=mailto:...)");
        return;
    }
    if (r->leading_space)
        diag_add(diags, RULE_DMARC_VERSION, 0, r->leading_space,
                 "the record starts with whitespace: receivers look for v=DMARC1 at its very "
                 "start and ignore it; remove the leading blank");
    const struct dmarc_tag *t0 = &r->tags[0];
    if (t0->id != DMARC_TAG_V) {
        const struct dmarc_tag *v = first_tag(r, DMARC_TAG_V);
        if (v)
            diag_add(diags, RULE_DMARC_VERSION, v->whole.start, v->whole.end,
                     "v=DMARC1 must be the first tag: receivers ignore a record that does not "
                     "start with it; move it to the front");
        else
            diag_add(diags, RULE_DMARC_VERSION, t0->whole.start, t0->whole.end,
                     "the record does not start with v=DMARC1, so receivers ignore it; begin it "
                     "with v=DMARC1");
        return;
    }
    const char *value = t0->value_text;
    size_t n = t0->value_len;
    size_t vs = n ? t0->value.start : t0->whole.start, ve = n ? t0->value.end : t0->whole.end;
    if (n > 6 && memcmp(value, "DMARC1", 6) == 0 && dmarc_is_wsp((unsigned char)value[6])) {
        /* RFC 9989 §4.8: only a dmarc-sep may follow dmarc-version. */
        diag_add(diags, RULE_DMARC_VERSION, vs, ve,
                 "v=%s: v=DMARC1 must be followed by ';' or the end, so this is not a DMARC "
                 "record and receivers ignore it; separate the tags with ';'",
                 dmarc_snippet(value, n, snip));
        return;
    }
    if (!t0->valid) {
        size_t odd = dmarc_first_odd_byte(value, n);
        if (n == 0)
            diag_add(diags, RULE_DMARC_VERSION, vs, ve, "v= is empty: write v=DMARC1");
        else if (dmarc_eq_nocase(value, n, "DMARC1"))
            diag_add(diags, RULE_DMARC_VERSION, vs, ve,
                     "v=%s: the version is case-sensitive and receivers ignore this record; "
                     "write v=DMARC1",
                     dmarc_snippet(value, n, snip));
        else if (odd < n) {
            dmarc_char_name(value + odd, n - odd, cname);
            diag_add(diags, RULE_DMARC_VERSION, vs, ve,
                     "v=%s holds %s at byte %zu, so receivers ignore the record; write v=DMARC1",
                     dmarc_snippet(value, n, snip), cname, t0->value.start + odd);
        } else
            diag_add(diags, RULE_DMARC_VERSION, vs, ve,
                     "v=%s is not DMARC1, the only DMARC version: receivers ignore the record; "
                     "write v=DMARC1",
                     dmarc_snippet(value, n, snip));
        return;
    }
    if (t0->odd_case) {
        diag_add(diags, RULE_DMARC_VERSION, t0->name.start, t0->name.end,
                 "'V=DMARC1': receivers look for a lower-case v=DMARC1 and may ignore the record; "
                 "write v=DMARC1");
        return;
    }
    if (r->leading_space)
        return;
    /* "v = DMARC1": the grammar's `equals` allows blanks, prefix matchers
     * do not. */
    /* An interoperability note, not an error: its own code, so that
     * dmarc-version keeps one meaning (receivers ignore the record). */
    diag_add(diags, RULE_DMARC_VERSION_BLANKS, t0->whole.start, t0->whole.end,
             "blanks around '=' in v=DMARC1: the grammar allows them, but receivers that match "
             "the prefix v=DMARC1 ignore the record; write v=DMARC1");
}

/* dmarc-missing-p, dmarc-policy-none, dmarc-sp-weaker, dmarc-testing,
 * dmarc-p-not-second. */
static void lint_policy(const struct dmarc_record *r, struct diag_list *diags)
{
    const struct dmarc_tag *p = first_tag(r, DMARC_TAG_P);
    bool rua = dmarc_has_rua(r);
    if (!policy_valid(r->p)) {
        /* RFC 9989 §4.10.1 vs RFC 7489 §6.3 / §6.6.3 step 6. */
        const char *now = rua ? "RFC 9989 receivers act as if p=none (rua is valid)"
                              : "RFC 9989 receivers apply no DMARC at all (no valid rua)";
        if (p)
            diag_add(diags, RULE_DMARC_MISSING_P, p->whole.start, p->whole.end,
                     "no valid p=: %s; RFC 7489 receivers treat the record as invalid%s; fix p=",
                     now, rua ? " or as p=none" : "");
        else
            diag_add(diags, RULE_DMARC_MISSING_P, r->text_len, r->text_len,
                     "no p= tag: %s; RFC 7489 requires p= right after v= and its receivers treat "
                     "the record as invalid%s; add p=none or stronger",
                     now, rua ? " or as p=none" : "");
    } else {
        if (r->p == DMARC_POLICY_NONE)
            diag_add(diags, RULE_DMARC_POLICY_NONE, p->whole.start, p->whole.end,
                     "p=none is monitoring only: mail that fails DMARC, spoofed mail included, is "
                     "delivered as usual; once reports show your senders pass, move to "
                     "p=quarantine, then p=reject");
        if (r->count && r->tags[0].id == DMARC_TAG_V && r->first[DMARC_TAG_P] != 1)
            diag_add(diags, RULE_DMARC_P_NOT_SECOND, p->whole.start, p->whole.end,
                     "p= is not right after v=: fine for RFC 9989, but RFC 7489 required that "
                     "order and strict receivers may reject the record; move it second");
    }
    static const struct {
        enum dmarc_tag_id id;
        const char *who;
    } subs[] = {{DMARC_TAG_SP, "existing subdomains"}, {DMARC_TAG_NP, "non-existent subdomains"}};
    for (size_t k = 0; k < 2; k++) {
        enum dmarc_policy sub = subs[k].id == DMARC_TAG_SP ? r->sp : r->np;
        if (!policy_valid(r->p) || !policy_valid(sub) || sub >= r->p)
            continue;
        const struct dmarc_tag *t = first_tag(r, subs[k].id);
        diag_add(diags, RULE_DMARC_SP_WEAKER, t->whole.start, t->whole.end,
                 "%s=%s is weaker than p=%s: failing mail from %s gets %s; spoofers use those "
                 "names instead; remove %s= or raise it to %s",
                 t->name_text, dmarc_policy_name(sub), dmarc_policy_name(r->p), subs[k].who,
                 sub == DMARC_POLICY_NONE ? "delivered" : "only quarantined", t->name_text,
                 dmarc_policy_name(r->p));
    }
    const struct dmarc_tag *t = first_tag(r, DMARC_TAG_T);
    if (t && r->t == DMARC_YORN_Y) {
        /* RFC 9989 §4.7 (t=y): every policy of the record, p and the sp
         * and np written beside it, is applied one level down. */
        const struct {
            const char *name;
            enum dmarc_policy policy;
        } pol[] = {{"p", r->p}, {"sp", r->sp}, {"np", r->np}};
        char effect[160];
        size_t o = 0;
        effect[0] = '\0';
        for (size_t k = 0; k < 3; k++) {
            if (pol[k].policy != DMARC_POLICY_REJECT && pol[k].policy != DMARC_POLICY_QUARANTINE)
                continue;
            int w = snprintf(effect + o, sizeof effect - o, "%s%s=%s acts as %s", o ? ", " : "",
                             pol[k].name, dmarc_policy_name(pol[k].policy),
                             pol[k].policy == DMARC_POLICY_REJECT ? "quarantine" : "none");
            if (w < 0 || (size_t)w >= sizeof effect - o)
                break;
            o += (size_t)w;
        }
        diag_add(diags, RULE_DMARC_TESTING, t->whole.start, t->whole.end,
                 "t=y (testing): receivers apply one level less than written (reject acts as "
                 "quarantine, quarantine as none): %s; remove t=y when reports look clean",
                 o ? effect : "every policy here is none, so it changes nothing");
    }
}

/* dmarc-no-rua, dmarc-ruf-rarely-sent, dmarc-fo-without-ruf,
 * dmarc-size-suffix. */
static void lint_reports(const struct dmarc_record *r, struct diag_list *diags)
{
    char snip[DMARC_SNIPPET_MAX];
    if (!first_tag(r, DMARC_TAG_RUA))
        diag_add(diags, RULE_DMARC_NO_RUA, r->text_len, r->text_len,
                 "no rua=: no aggregate reports, so abuse of %s and your own broken senders "
                 "stay invisible; add rua=mailto:dmarc-reports@%s",
                 r->domain[0] ? r->domain : "the domain", r->domain[0] ? r->domain : "example.com");
    const struct dmarc_tag *ruf = first_tag(r, DMARC_TAG_RUF);
    if (ruf)
        diag_add(diags, RULE_DMARC_RUF_RARELY_SENT, ruf->whole.start, ruf->whole.end,
                 "ruf=: few receivers send failure reports (they carry message content), so do "
                 "not count on them; aggregate reports (rua=) are what arrives");
    const struct dmarc_tag *fo = first_tag(r, DMARC_TAG_FO);
    if (fo && !ruf)
        diag_add(diags, RULE_DMARC_FO_WITHOUT_RUF, fo->whole.start, fo->whole.end,
                 "fo= only chooses when failure reports are sent, and there is no ruf= to send "
                 "them to: it has no effect; remove it or add ruf=");
    for (size_t i = 0; i < r->nuris; i++) {
        const struct dmarc_uri *u = &r->uris[i];
        if (!u->has_size)
            continue;
        diag_add(diags, RULE_DMARC_SIZE_SUFFIX, u->size.start, u->size.end,
                 "%s: the size limit '%s' is obsolete: RFC 9989 reporters ignore it, RFC 7489 "
                 "reporters skip reports larger than it; remove it",
                 r->tags[u->tag].name_text,
                 dmarc_snippet(u->text + (u->size.start - u->whole.start),
                               u->size.end - u->size.start, snip));
    }
}

static void describe_seconds(long long s, char *buf, size_t cap)
{
    if (s % 86400 == 0)
        snprintf(buf, cap, "%lld day%s", s / 86400, s == 86400 ? "" : "s");
    else if (s % 3600 == 0)
        snprintf(buf, cap, "%lld hour%s", s / 3600, s == 3600 ? "" : "s");
    else
        snprintf(buf, cap, "%lld seconds", s);
}

/* dmarc-removed-tag, dmarc-pct-partial, dmarc-ri-ignored, dmarc-bis-tag. */
static void lint_versions_of_tags(const struct dmarc_record *r, struct diag_list *diags)
{
    const struct dmarc_tag *t;
    if ((t = first_tag(r, DMARC_TAG_PCT))) {
        if (r->pct == 100)
            diag_add(diags, RULE_DMARC_REMOVED_TAG, t->whole.start, t->whole.end,
                     "pct=100 is the default, and RFC 9989 removed pct (RFC 7489 receivers "
                     "still read it); remove it");
        else if (r->pct == 0)
            diag_add(diags, RULE_DMARC_REMOVED_TAG, t->whole.start, t->whole.end,
                     "pct=0: RFC 9989 ignores pct; RFC 7489 receivers still sample on it (here: "
                     "one level less than p for all mail); write t=y, its RFC 9989 successor, "
                     "with or instead of it");
        else
            diag_add(diags, RULE_DMARC_REMOVED_TAG, t->whole.start, t->whole.end,
                     "pct= was removed in RFC 9989, which ignores it; RFC 7489 receivers still "
                     "sample on it; to test a policy use t=y instead");
        if (r->pct > 0 && r->pct < 100) {
            const char *p = policy_valid(r->p) ? dmarc_policy_name(r->p) : "the policy";
            const char *rest = r->p == DMARC_POLICY_REJECT       ? "quarantine the rest"
                               : r->p == DMARC_POLICY_QUARANTINE ? "deliver the rest"
                                                                 : "not the rest";
            diag_add(diags, RULE_DMARC_PCT_PARTIAL, t->whole.start, t->whole.end,
                     "pct=%d: RFC 7489 receivers apply %s to only about %d%% of failing mail "
                     "and %s, unevenly across receivers; RFC 9989 ignores pct; use 100 (remove "
                     "it), or t=y while testing",
                     r->pct, p, r->pct, rest);
        }
    }
    if ((t = first_tag(r, DMARC_TAG_RF)))
        diag_add(diags, RULE_DMARC_REMOVED_TAG, t->whole.start, t->whole.end,
                 "rf= was removed in RFC 9989 (failure reports are always AFRF); RFC 7489 "
                 "receivers may still read it; remove it");
    if ((t = first_tag(r, DMARC_TAG_RI))) {
        diag_add(diags, RULE_DMARC_REMOVED_TAG, t->whole.start, t->whole.end,
                 "ri= was removed in RFC 9989; RFC 7489 receivers may still read it, but "
                 "reports come daily whatever it says; remove it");
        if (r->ri >= 0 && r->ri != 86400) {
            char when[32];
            describe_seconds(r->ri, when, sizeof when);
            diag_add(diags, RULE_DMARC_RI_IGNORED, t->whole.start, t->whole.end,
                     "ri=%lld asks for aggregate reports every %s; reporters send them daily "
                     "anyway (RFC 7489 §6.3: anything else is best effort)",
                     r->ri, when);
        }
    }
    if ((t = first_tag(r, DMARC_TAG_NP)))
        diag_add(diags, RULE_DMARC_BIS_TAG, t->whole.start, t->whole.end,
                 "np= is new in RFC 9989: RFC 7489 receivers ignore it and apply sp= (or p=) to "
                 "non-existent subdomains too");
    if ((t = first_tag(r, DMARC_TAG_PSD)))
        diag_add(diags, RULE_DMARC_BIS_TAG, t->whole.start, t->whole.end,
                 "psd= is new in RFC 9989: RFC 7489 receivers ignore it and find organizational "
                 "domains with the Public Suffix List");
    if ((t = first_tag(r, DMARC_TAG_T)))
        diag_add(diags, RULE_DMARC_BIS_TAG, t->whole.start, t->whole.end,
                 "t= is new in RFC 9989: RFC 7489 receivers ignore it and apply the policy in "
                 "full (pct=0 was their test mode)");
}

/* dmarc-unknown-tag, dmarc-case. */
static void lint_names(const struct dmarc_record *r, struct diag_list *diags)
{
    char snip[DMARC_SNIPPET_MAX], val[DMARC_SNIPPET_MAX];
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        if (!t->has_equals || t->name.end == t->name.start || t->duplicate)
            continue;
        if (t->id == DMARC_TAG_UNKNOWN) {
            const char *guess = dmarc_tag_suggest(t->name_text, t->name_len);
            dmarc_snippet(t->name_text, t->name_len, snip);
            if (guess)
                diag_add(diags, RULE_DMARC_UNKNOWN_TAG, t->whole.start, t->whole.end,
                         "unknown tag '%s': receivers ignore it; did you mean %s=?", snip, guess);
            else
                diag_add(diags, RULE_DMARC_UNKNOWN_TAG, t->whole.start, t->whole.end,
                         "unknown tag '%s': receivers ignore it (RFC 9989 §4.7); remove it", snip);
            continue;
        }
        if (t->odd_case && !(i == 0 && t->id == DMARC_TAG_V))
            diag_add(diags, RULE_DMARC_CASE, t->whole.start, t->whole.end,
                     "write %s=%s in lower case: RFC 9989's grammar ignores case, but parsers "
                     "that follow RFC 6376 §3.2 treat other spellings as unknown tags or values",
                     t->name_text, dmarc_snippet(t->value_text, t->value_len, val));
    }
}

void dmarc_lint(const struct dmarc_record *r, struct diag_list *diags)
{
    lint_version(r, diags);
    lint_policy(r, diags);
    lint_reports(r, diags);
    lint_versions_of_tags(r, diags);
    lint_names(r, diags);
}
