/* The rules across one domain's records (lint-catalog.md "Across one
 * domain's records"), on the typed models' accessors. */
#include <string.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/record.h"
#include "authtxt/spf.h"

/* A record counts as published when it is of the right kind and its
 * version is right: receivers ignore anything else (RFC 7208 §4.5, RFC 9989
 * §4.7). */
static bool usable(const struct record *r, enum record_kind kind, enum rule_id version_rule)
{
    return r && r->kind == kind && r->len > 0 && !diag_list_has(&r->diags, version_rule) &&
           !diag_list_has(&r->diags, RULE_INPUT_EMPTY);
}

/* Is `host` the domain or below it (ASCII, case-insensitive)? */
static bool within_domain(const char *host, size_t len, const char *domain)
{
    size_t n = strlen(domain);
    while (len && host[len - 1] == '.')
        len--;
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = host[len - n + i], b = domain[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return false;
    }
    return len == n || host[len - n - 1] == '.';
}

void cross_lint(const char *domain, const struct record *spf, const struct record *dmarc,
                const struct record *const *dkim, size_t ndkim, struct diag_list *out)
{
    bool have_spf = usable(spf, RECORD_SPF, RULE_SPF_VERSION) && spf->spf;
    bool have_dmarc = usable(dmarc, RECORD_DMARC, RULE_DMARC_VERSION) && dmarc->dmarc;
    bool have_key = false;
    for (size_t i = 0; i < ndkim; i++)
        have_key = have_key || (dkim[i] && dkim[i]->kind == RECORD_DKIM_KEY && dkim[i]->len &&
                                dkim[i]->dkim_key && dkim_key_is_usable(dkim[i]->dkim_key));
    struct dmarc_effect effect;
    if (have_dmarc)
        dmarc_effect_compute(dmarc->dmarc, &effect);
    bool enforcing = have_dmarc && dmarc_is_enforcing(dmarc->dmarc);
    const char *policy =
        have_dmarc ? dmarc_policy_name(effect.policy[DMARC_RFC9989][DMARC_SCOPE_DOMAIN]) : "";

    /* RFC 7489 §10.1: a soft SPF result with no DMARC enforcement gives a
     * receiver no reason to refuse spoofed mail. */
    if (have_spf) {
        enum spf_qualifier all = spf_all_qualifier(spf->spf);
        bool soft = all == SPF_QUALIFIER_SOFTFAIL || all == SPF_QUALIFIER_NEUTRAL ||
                    (all == SPF_QUALIFIER_NONE && !spf_has_effective_redirect(spf->spf, NULL));
        if (soft && !enforcing)
            diag_add(out, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT, 0, 0,
                     "SPF ends %s and DMARC %s: spoofed mail is at most marked, about as good as "
                     "nothing; move DMARC to p=quarantine or p=reject once reports look clean",
                     all == SPF_QUALIFIER_SOFTFAIL  ? "~all"
                     : all == SPF_QUALIFIER_NEUTRAL ? "?all"
                                                    : "without all (neutral)",
                     have_dmarc ? "does not enforce (p=none)" : "is missing");
    }
    if (enforcing && !have_spf && !have_key)
        diag_add(out, RULE_CROSS_DMARC_WITHOUT_AUTH, 0, 0,
                 "DMARC asks receivers to %s failing mail, but there is no SPF record and no "
                 "usable DKIM key: all mail from the domain fails; publish SPF and DKIM first",
                 policy);
    if (!have_dmarc && (have_spf || have_key))
        diag_add(out, RULE_CROSS_NO_DMARC, 0, 0,
                 "%s but no DMARC record: receivers get no policy and you get no reports; add "
                 "_dmarc with p=none and rua= to start",
                 have_spf && have_key ? "SPF and DKIM are set up"
                 : have_spf           ? "SPF is set up"
                                      : "DKIM is set up");
    if (have_dmarc && !have_spf)
        diag_add(out, RULE_CROSS_NO_SPF, 0, 0,
                 "DMARC is published but there is no SPF record: mail can pass DMARC only "
                 "through DKIM; publish SPF for the envelope domain");

    /* RFC 7489 §3.1: strict alignment fails third-party senders that use
     * their own bounce domain or DKIM d=. */
    if (have_dmarc && have_spf &&
        (effect.adkim == DMARC_ALIGN_STRICT || effect.aspf == DMARC_ALIGN_STRICT)) {
        size_t third = 0;
        const char *first = NULL;
        for (size_t i = spf_next_include(spf->spf, 0); i != SPF_NONE;
             i = spf_next_include(spf->spf, i + 1)) {
            const char *target = spf->spf->terms[i].domain;
            if (!target || (domain && within_domain(target, strlen(target), domain)))
                continue;
            if (!first)
                first = target;
            third++;
        }
        if (third)
            diag_add(out, RULE_CROSS_STRICT_ALIGNMENT, 0, 0,
                     "strict alignment (adkim=s or aspf=s) with %zu third-party include%s (first: "
                     "%s): their mail passes DMARC only if they sign or bounce as %s exactly",
                     third, third == 1 ? "" : "s", first, domain ? domain : "your domain");
    }
}
