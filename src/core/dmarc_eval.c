/* DMARC as a receiver applies it (RFC 9989 §4.4, §4.8, §4.10, §5): the
 * policy found by the DNS tree walk (dmarc_discovery.c, fed from a DNS
 * source), identifier alignment against the organizational domain the
 * walk finds, the result, and the disposition after p/sp/np and t=y
 * (dmarc_policy.c); the RFC 7489 view (PSL organizational domain, pct)
 * beside it where it differs.  Same replay protocol as spf_eval.c. */
#include "authtxt/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dmarc_eval_internal {
    char *from_problem;
    bool has_from;
    bool spf_evaluated;
    enum check_spf_result spf_result;
    char *spf_domain;
    char **dkim;
    size_t ndkim;
    struct dmarc_discovery disc;
};

const char *check_dmarc_result_name(enum check_dmarc_result r)
{
    static const char *const names[] = {"none", "pass", "fail", "temperror", "permerror"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "none";
}

const char *check_disposition_name(enum check_disposition d)
{
    return d == CHECK_DISPOSITION_REJECT       ? "reject"
           : d == CHECK_DISPOSITION_QUARANTINE ? "quarantine"
                                               : "none";
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (c)
        memcpy(c, s, n + 1);
    return c;
}

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    while (n && src[n - 1] == '.')
        n--;
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
    dst[n] = '\0';
}

bool dmarc_eval_init(struct dmarc_eval *ev, const struct dmarc_eval_input *input)
{
    memset(ev, 0, sizeof *ev);
    check_trace_init(&ev->trace);
    struct dmarc_eval_internal *in = calloc(1, sizeof *in);
    if (!in)
        return false;
    ev->in = in;
    dmarc_discovery_init(&in->disc);
    in->has_from = input->from_domain && input->from_domain[0];
    if (in->has_from)
        lower_copy(ev->domain, sizeof ev->domain, input->from_domain);
    if (input->psl_org)
        lower_copy(ev->psl_org, sizeof ev->psl_org, input->psl_org);
    in->from_problem = dup_or_null(input->from_problem ? input->from_problem : "no From: header");
    in->spf_evaluated = input->spf_evaluated;
    in->spf_result = input->spf_result;
    in->spf_domain = dup_or_null(input->spf_domain ? input->spf_domain : "");
    size_t n = input->ndkim_pass < CHECK_DKIM_DOMAINS_MAX ? input->ndkim_pass
                                                          : CHECK_DKIM_DOMAINS_MAX;
    in->dkim = calloc(n ? n : 1, sizeof *in->dkim);
    if (!in->from_problem || !in->spf_domain || !in->dkim)
        return false;
    for (size_t i = 0; i < n; i++) {
        in->dkim[i] = dup_or_null(input->dkim_pass_domains[i]);
        if (!in->dkim[i])
            return false;
        in->ndkim++;
    }
    return true;
}

static void results_clear(struct dmarc_eval *ev)
{
    free(ev->record);
    ev->record = NULL;
    ev->result = CHECK_DMARC_NONE;
    ev->disposition = ev->disposition_7489 = CHECK_DISPOSITION_NONE;
    ev->spf_aligned = ev->dkim_aligned = false;
    ev->policy_domain[0] = ev->org_domain[0] = ev->reason[0] = ev->rfc7489[0] = '\0';
    ev->rfc7489_differs = false;
    ev->needs.count = 0;
    check_trace_reset(&ev->trace);
}

void dmarc_eval_free(struct dmarc_eval *ev)
{
    results_clear(ev);
    check_trace_free(&ev->trace);
    if (ev->in) {
        dmarc_discovery_free(&ev->in->disc);
        free(ev->in->from_problem);
        free(ev->in->spf_domain);
        for (size_t i = 0; i < ev->in->ndkim; i++)
            free(ev->in->dkim[i]);
        free(ev->in->dkim);
        free(ev->in);
    }
    memset(ev, 0, sizeof *ev);
}

/* A copy of a source's TXT answer for the discovery (which takes it over). */
static bool txt_copy(const struct dns_answer *a, struct dns_txt_answer *out)
{
    dns_txt_answer_init(out);
    for (size_t i = 0; a->status == DNS_OK && i < a->txt.count; i++) {
        const char *strings[1] = {a->txt.records[i].text};
        size_t lens[1] = {a->txt.records[i].len};
        if (!dns_txt_answer_add(out, strings, lens, 1)) {
            dns_txt_answer_free(out);
            return false;
        }
    }
    out->status = a->status;
    return true;
}

/* RFC 9989 §4.4: strict: the same domain; relaxed: both within the
 * organizational domain the tree walk found for the author domain. */
static bool aligned(const char *id, const char *author, const char *org, bool strict)
{
    char d[256];
    lower_copy(d, sizeof d, id);
    if (strcmp(d, author) == 0)
        return true;
    if (strict || !org[0])
        return false;
    size_t ld = strlen(d), lo = strlen(org);
    return ld == lo ? strcmp(d, org) == 0
                    : ld > lo && d[ld - lo - 1] == '.' && strcmp(d + ld - lo, org) == 0;
}

static enum check_disposition from_policy(enum dmarc_policy p)
{
    return p == DMARC_POLICY_REJECT       ? CHECK_DISPOSITION_REJECT
           : p == DMARC_POLICY_QUARANTINE ? CHECK_DISPOSITION_QUARANTINE
                                          : CHECK_DISPOSITION_NONE;
}

static const char *scope_words(enum dmarc_scope s)
{
    return s == DMARC_SCOPE_DOMAIN      ? "the domain itself (p)"
           : s == DMARC_SCOPE_SUBDOMAIN ? "an existing subdomain (sp, else p)"
                                        : "a non-existent subdomain (np, else sp, else p)";
}

enum check_status dmarc_eval_run(struct dmarc_eval *ev, const struct dns_source *src)
{
    results_clear(ev);
    struct dmarc_eval_internal *in = ev->in;
    if (!in)
        return CHECK_BAD_INPUT;
    if (!in->has_from) {
        /* RFC 7489 §6.6.1, RFC 9989 §4.8: no single author domain: report
         * it, do not guess one. */
        ev->result = CHECK_DMARC_PERMERROR;
        snprintf(ev->reason, sizeof ev->reason,
                 "%.200s: there is no single author domain to apply DMARC to", in->from_problem);
        check_trace_add(&ev->trace, 0, "RFC 7489 §6.6.1", "check.dmarc.from", NULL, NULL, "%s",
                        ev->reason);
        return CHECK_DONE;
    }
    struct dmarc_discovery *d = &in->disc;
    if (!dmarc_discovery_start(d, ev->domain, ev->psl_org[0] ? ev->psl_org : NULL)) {
        ev->result = CHECK_DMARC_PERMERROR;
        snprintf(ev->reason, sizeof ev->reason, "'%.200s' is not a domain name", ev->domain);
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10", "check.dmarc.from", NULL, NULL, "%s",
                        ev->reason);
        return CHECK_DONE;
    }
    /* Feed every answer known; ask for all the others at once. */
    bool pending = false;
    const struct dns_answer *apex = src->lookup(src, ev->domain, DNS_TYPE_TXT);
    if (!apex) {
        check_needs_add(&ev->needs, ev->domain, DNS_TYPE_TXT);
        pending = true;
    }
    for (size_t i = 0; i < d->nsteps; i++) {
        if (d->steps[i].too_long)
            continue;
        const struct dns_answer *a = src->lookup(src, d->steps[i].name, DNS_TYPE_TXT);
        if (!a) {
            check_needs_add(&ev->needs, d->steps[i].name, DNS_TYPE_TXT);
            pending = true;
        }
    }
    if (pending)
        return CHECK_NEED_ANSWERS;
    struct dns_txt_answer copy;
    if (txt_copy(apex, &copy))
        dmarc_discovery_set_apex(d, &copy);
    dns_txt_answer_free(&copy);
    for (size_t i = 0; i < d->nsteps; i++) {
        if (d->steps[i].too_long)
            continue;
        const struct dns_answer *a = src->lookup(src, d->steps[i].name, DNS_TYPE_TXT);
        char q[300], ans[700];
        snprintf(q, sizeof q, "TXT %s", d->steps[i].name);
        dns_answer_describe(a, DNS_TYPE_TXT, ans, sizeof ans);
        if (txt_copy(a, &copy))
            dmarc_discovery_set_answer(d, i, &copy);
        dns_txt_answer_free(&copy);
        if (!dmarc_discovery_step_needed(d, i) && !d->steps[i].on_walk)
            continue;
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10", "check.dmarc.walk", q, ans,
                        "%s %s", d->steps[i].on_walk ? "tree walk:" : "RFC 7489 PSL view:",
                        a->status != DNS_OK && !dns_status_is_void(a->status)
                            ? "DNS error"
                        : d->steps[i].record != DMARC_NONE ? "a DMARC record"
                        : d->steps[i].ndmarc > 1         ? "several DMARC records (discarded)"
                                                         : "no DMARC record");
    }
    if (d->status == DMARC_DISCOVERY_DNS_ERROR) {
        ev->result = CHECK_DMARC_TEMPERROR;
        snprintf(ev->reason, sizeof ev->reason,
                 "a DNS error while looking for the policy of %s: temperror", ev->domain);
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10", "check.dmarc.walk", NULL, NULL, "%s",
                        ev->reason);
        return CHECK_DONE;
    }
    snprintf(ev->org_domain, sizeof ev->org_domain, "%s", d->org_domain);
    if (d->status != DMARC_DISCOVERY_FOUND) {
        ev->result = CHECK_DMARC_NONE;
        snprintf(ev->reason, sizeof ev->reason, "no DMARC policy applies to %s", ev->domain);
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10.1", "lint.dmarc-not-found", NULL, NULL,
                        "%s: result none", ev->reason);
        return CHECK_DONE;
    }
    size_t len = 0;
    const char *text = dmarc_discovery_policy_text(d, &len);
    ev->record = malloc(len + 1);
    if (ev->record) {
        memcpy(ev->record, text, len);
        ev->record[len] = '\0';
    }
    snprintf(ev->policy_domain, sizeof ev->policy_domain, "%s",
             dmarc_discovery_policy_domain(d));
    struct dmarc_effect e;
    dmarc_effect_compute(&d->policy, &e);
    enum dmarc_scope scope = dmarc_discovery_scope(d);
    check_trace_add(&ev->trace, 0, "RFC 9989 §4.10.1", "check.dmarc.walk", NULL, NULL,
                    "policy record of %s (organizational domain %s) applies to %s as %s",
                    ev->policy_domain, ev->org_domain, ev->domain, scope_words(scope));
    if (!e.usable[DMARC_RFC9989]) {
        /* RFC 9989 §4.10.1: no valid p and no valid rua: no DMARC. */
        ev->result = CHECK_DMARC_NONE;
        snprintf(ev->reason, sizeof ev->reason,
                 "the record of %s has no valid p= and no valid rua=: no DMARC processing",
                 ev->policy_domain);
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10.1", "dmarc.tag.p", NULL, NULL, "%s",
                        ev->reason);
        return CHECK_DONE;
    }
    if (e.fallback_none[DMARC_RFC9989])
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.10.1", "dmarc.tag.p", NULL, NULL,
                        "p= is missing or invalid but rua= is valid: read as p=none");

    /* Alignment (RFC 9989 §4.4). */
    bool aspf_strict = e.aspf == DMARC_ALIGN_STRICT, adkim_strict = e.adkim == DMARC_ALIGN_STRICT;
    if (!in->spf_evaluated) {
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.4.2", "dmarc.tag.aspf", NULL, NULL,
                        "SPF was not evaluated (no client address): it cannot align");
    } else {
        ev->spf_aligned = in->spf_result == CHECK_SPF_PASS &&
                          aligned(in->spf_domain, ev->domain, ev->org_domain, aspf_strict);
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.4.2",
                        aspf_strict ? "dmarc.tag.aspf.s" : "dmarc.tag.aspf.r", NULL, NULL,
                        "SPF %s for %s; %s alignment with %s: %s",
                        check_spf_result_name(in->spf_result), in->spf_domain,
                        aspf_strict ? "strict" : "relaxed", ev->domain,
                        ev->spf_aligned ? "aligned pass"
                        : in->spf_result != CHECK_SPF_PASS ? "not a pass"
                                                           : "not aligned");
    }
    for (size_t i = 0; i < in->ndkim && !ev->dkim_aligned; i++)
        ev->dkim_aligned = aligned(in->dkim[i], ev->domain, ev->org_domain, adkim_strict);
    check_trace_add(&ev->trace, 0, "RFC 9989 §4.4.1",
                    adkim_strict ? "dmarc.tag.adkim.s" : "dmarc.tag.adkim.r", NULL, NULL,
                    "DKIM: %zu passing signature%s; %s alignment with %s: %s", in->ndkim,
                    in->ndkim == 1 ? "" : "s", adkim_strict ? "strict" : "relaxed", ev->domain,
                    ev->dkim_aligned ? "aligned pass" : "no aligned pass");

    if (ev->spf_aligned || ev->dkim_aligned) {
        ev->result = CHECK_DMARC_PASS;
        snprintf(ev->reason, sizeof ev->reason, "DMARC passes through aligned %s",
                 ev->spf_aligned && ev->dkim_aligned ? "SPF and DKIM"
                 : ev->spf_aligned                  ? "SPF"
                                                    : "DKIM");
        check_trace_add(&ev->trace, 0, "RFC 9989 §4.8", "check.dmarc.result", NULL, NULL,
                        "%s: disposition none", ev->reason);
        return CHECK_DONE;
    }
    ev->result = CHECK_DMARC_FAIL;
    enum dmarc_policy requested = e.policy[DMARC_RFC9989][scope];
    enum dmarc_policy applied = dmarc_effect_applied(&e, DMARC_RFC9989, scope);
    ev->disposition = from_policy(applied);
    snprintf(ev->reason, sizeof ev->reason,
             "no aligned pass: DMARC fails; the policy for %s is %s%s: %s", scope_words(scope),
             dmarc_policy_name(requested),
             e.testing && applied != requested ? ", lowered one step by t=y" : "",
             check_disposition_name(ev->disposition));
    check_trace_add(&ev->trace, 0, "RFC 9989 §5",
                    e.testing ? "dmarc.tag.t.y"
                    : scope == DMARC_SCOPE_DOMAIN    ? "dmarc.tag.p"
                    : scope == DMARC_SCOPE_SUBDOMAIN ? "dmarc.tag.sp"
                                                     : "dmarc.tag.np",
                    NULL, NULL, "%s", ev->reason);

    /* The RFC 7489 view: PSL organizational domain, no np, no t, pct. */
    if (d->psl_step != DMARC_NONE) {
        struct dmarc_record r7;
        dmarc_record_init(&r7);
        const struct dmarc_discovery_step *s = &d->steps[d->psl_step];
        const struct dns_txt *t = &s->answer.records[s->record];
        dmarc_parse(&r7, t->text, t->len, NULL);
        struct dmarc_effect e7;
        dmarc_effect_compute(&r7, &e7);
        enum dmarc_scope scope7 = d->psl_step == 0 ? DMARC_SCOPE_DOMAIN : DMARC_SCOPE_SUBDOMAIN;
        ev->disposition_7489 = from_policy(
            e7.usable[DMARC_RFC7489] ? dmarc_effect_applied(&e7, DMARC_RFC7489, scope7)
                                     : DMARC_POLICY_NONE);
        const char *dom7 = s->name + 7;
        if (ev->disposition_7489 != ev->disposition || strcmp(dom7, ev->policy_domain) != 0 ||
            (e7.pct >= 0 && e7.pct < 100)) {
            ev->rfc7489_differs = true;
            snprintf(ev->rfc7489, sizeof ev->rfc7489,
                     "RFC 7489 receivers use the record of %s (PSL organizational domain %s): "
                     "%s%s",
                     dom7, ev->psl_org[0] ? ev->psl_org : "unknown",
                     check_disposition_name(ev->disposition_7489),
                     e7.pct >= 0 && e7.pct < 100 ? " for the pct= sample, one step less for the rest"
                                                 : "");
            check_trace_add(&ev->trace, 0, "RFC 7489 §6.6.3", "check.dmarc.rfc7489", NULL, NULL,
                            "%s", ev->rfc7489);
        }
        dmarc_record_free(&r7);
    } else if (ev->psl_org[0] && strcmp(ev->psl_org, ev->org_domain) != 0) {
        ev->rfc7489_differs = true;
        ev->disposition_7489 = CHECK_DISPOSITION_NONE;
        snprintf(ev->rfc7489, sizeof ev->rfc7489,
                 "RFC 7489 receivers find no record at %s or its PSL organizational domain %s: "
                 "no DMARC",
                 ev->domain, ev->psl_org);
        check_trace_add(&ev->trace, 0, "RFC 7489 §6.6.3", "check.dmarc.rfc7489", NULL, NULL,
                        "%s", ev->rfc7489);
    }
    return CHECK_DONE;
}
