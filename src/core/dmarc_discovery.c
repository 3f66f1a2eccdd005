/* Live DMARC policy discovery as data: the RFC 9989 §4.10 DNS tree walk
 * (query names, the record chosen per §4.10.1, the organizational domain
 * per §4.10.2), RFC 7489's Public Suffix List view beside it, the RFC 9990
 * §4 authorization of external report destinations, and the live rules.
 * src/net asks the names and hands the answers in; nothing here queries. */
#include "dmarc_internal.h"

#include <stdio.h>
#include <string.h>

#define PREFIX "_dmarc."
#define PREFIX_LEN 7
#define REPORT_INFIX "._report._dmarc."

bool dmarc_walk_names(const char *domain, size_t len, struct dmarc_walk *out)
{
    char norm[DMARC_NAME_MAX + 1];
    size_t labels;
    out->count = 0;
    if (!dmarc_domain_normalize(domain, len, norm, &labels))
        return false;
    size_t n = strlen(norm);
    /* starts[k]: where the suffix of k labels begins (k = 1..labels). */
    size_t starts[DMARC_NAME_MAX / 2 + 2];
    size_t label = 1;
    for (size_t i = n; i-- > 0;) {
        if (norm[i] == '.')
            starts[label++] = i + 1;
    }
    starts[labels] = 0;
    /* RFC 9989 §4.10: the domain itself (step 1), then with x >= 8 labels
     * its 7-label suffix, else its parent (step 4), then each parent down
     * to the top-level domain (step 7): at most eight names. */
    for (size_t k = labels, next = labels < 8 ? labels - 1 : 7;; k = next--) {
        struct dmarc_walk_step *s = &out->steps[out->count++];
        size_t dl = n - starts[k];
        s->labels = k;
        s->too_long = PREFIX_LEN + dl > DMARC_NAME_MAX;
        memcpy(s->name, PREFIX, PREFIX_LEN);
        memcpy(s->name + PREFIX_LEN, norm + starts[k], dl);
        s->name[PREFIX_LEN + dl] = '\0';
        if (next == 0)
            break;
    }
    return true;
}

/* ---- report destinations (RFC 9990 §4) ---------------------------------- */

static bool is_at_or_below(const char *host, size_t hl, const char *dom)
{
    size_t dl = strlen(dom);
    if (dl == 0 || hl < dl)
        return false;
    if (memcmp(host + hl - dl, dom, dl) != 0)
        return false;
    return hl == dl || host[hl - dl - 1] == '.';
}

void dmarc_report_check_free(struct dmarc_report_check *c)
{
    dns_txt_answer_free(&c->answer);
    dns_txt_answer_free(&c->wildcard_answer);
}

/* dst = a b c; the caller has checked the total fits DMARC_NAME_MAX. */
static void join3(char dst[DMARC_NAME_MAX + 1], const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    if (la + lb + lc > DMARC_NAME_MAX) {
        dst[0] = '\0';
        return;
    }
    memcpy(dst, a, la);
    memcpy(dst + la, b, lb);
    memcpy(dst + la + lb, c, lc);
    dst[la + lb + lc] = '\0';
}

size_t dmarc_report_checks(const struct dmarc_record *r, const char *policy_domain,
                           const char *org_domain, struct dmarc_report_check *out, size_t max,
                           bool *more)
{
    const char *org = org_domain && org_domain[0] ? org_domain : policy_domain;
    size_t n = 0;
    if (more)
        *more = false;
    const enum dmarc_tag_id lists[2] = {DMARC_TAG_RUA, DMARC_TAG_RUF};
    for (int l = 0; l < 2; l++) {
        size_t ti = r->first[lists[l]];
        if (ti == DMARC_NONE)
            continue;
        const struct dmarc_tag *t = &r->tags[ti];
        for (size_t k = 0; k < t->uri_count; k++) {
            size_t ui = t->uri_first + k;
            const struct dmarc_uri *u = &r->uris[ui];
            /* A domain literal ("[192.0.2.1]") has no DNS name to ask. */
            if (!u->valid || !u->host || u->host[0] == '[' || u->host_len > DMARC_NAME_MAX)
                continue;
            if (is_at_or_below(u->host, u->host_len, policy_domain) ||
                is_at_or_below(u->host, u->host_len, org))
                continue;
            size_t seen = 0;
            while (seen < n && !dmarc_eq(u->host, u->host_len, out[seen].host))
                seen++;
            if (seen < n) {
                out[seen].rua = out[seen].rua || l == 0;
                out[seen].ruf = out[seen].ruf || l == 1;
                continue;
            }
            if (n == max) {
                if (more)
                    *more = true;
                continue;
            }
            struct dmarc_report_check *c = &out[n++];
            memset(c, 0, sizeof *c);
            dns_txt_answer_init(&c->answer);
            dns_txt_answer_init(&c->wildcard_answer);
            memcpy(c->host, u->host, u->host_len);
            c->host[u->host_len] = '\0';
            c->rua = l == 0;
            c->ruf = l == 1;
            c->uri = ui;
            /* §4 steps 2-4: "<policy domain>._report._dmarc.<host>", which
             * must fit the DNS limit. */
            size_t need = strlen(policy_domain) + strlen(REPORT_INFIX) + u->host_len;
            c->too_long = need > DMARC_NAME_MAX;
            if (!c->too_long)
                join3(c->name, policy_domain, REPORT_INFIX, c->host);
            if (1 + strlen(REPORT_INFIX) + u->host_len <= DMARC_NAME_MAX)
                join3(c->wildcard, "*", REPORT_INFIX, c->host);
        }
    }
    return n;
}

static bool answer_authorizes(const struct dns_txt_answer *a)
{
    if (a->status != DNS_OK)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (dmarc_text_is_record(a->records[i].text, a->records[i].len))
            return true;
    return false;
}

enum dmarc_report_status dmarc_report_status(const struct dmarc_report_check *c)
{
    if (c->too_long)
        return DMARC_REPORT_UNAUTHORIZED;
    /* A wildcard record answers the specific name as well; its own answer
     * only adds a second chance. */
    if (answer_authorizes(&c->answer) || answer_authorizes(&c->wildcard_answer))
        return DMARC_REPORT_AUTHORIZED;
    switch (c->answer.status) {
    case DNS_PENDING:
        return DMARC_REPORT_PENDING;
    case DNS_OK:
    case DNS_NODATA:
    case DNS_NXDOMAIN:
        return DMARC_REPORT_UNAUTHORIZED;
    default:
        return DMARC_REPORT_UNKNOWN;
    }
}

/* ---- the discovery -------------------------------------------------------- */

void dmarc_discovery_init(struct dmarc_discovery *d)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i <= DMARC_WALK_MAX; i++)
        dns_txt_answer_init(&d->steps[i].answer);
    dns_txt_answer_init(&d->apex);
    dmarc_record_init(&d->policy);
    dmarc_record_init(&d->scratch);
    d->policy_step = d->stop_step = d->psl_step = DMARC_NONE;
}

static void free_reports(struct dmarc_discovery *d)
{
    for (size_t i = 0; i < d->nreports; i++)
        dmarc_report_check_free(&d->reports[i]);
    d->nreports = 0;
    d->reports_more = false;
}

void dmarc_discovery_free(struct dmarc_discovery *d)
{
    for (size_t i = 0; i <= DMARC_WALK_MAX; i++)
        dns_txt_answer_free(&d->steps[i].answer);
    dns_txt_answer_free(&d->apex);
    free_reports(d);
    dmarc_record_free(&d->policy);
    dmarc_record_free(&d->scratch);
    dmarc_discovery_init(d);
}

static const char *step_domain(const struct dmarc_discovery *d, size_t i)
{
    return d->steps[i].name + PREFIX_LEN;
}

/* The rightmost k labels of domain (all of it when it has fewer). */
static const char *suffix_labels(const char *domain, size_t k)
{
    size_t at = strlen(domain);
    while (at > 0) {
        if (domain[at - 1] == '.' && --k == 0)
            return domain + at;
        at--;
    }
    return domain;
}

static bool status_failed(enum dns_status s)
{
    return s == DNS_TIMEOUT || s == DNS_SERVFAIL || s == DNS_REFUSED || s == DNS_ERROR;
}

/* Rebuild the report checks when the record in force or the domains they
 * depend on changed; keep the answers otherwise. */
static void update_reports(struct dmarc_discovery *d)
{
    struct dmarc_report_check fresh[DMARC_REPORT_HOSTS_MAX];
    const char *pdom = step_domain(d, d->policy_step);
    const char *org = d->org_domain[0] ? d->org_domain : d->psl_org;
    bool more;
    size_t n = dmarc_report_checks(&d->policy, pdom, org, fresh, DMARC_REPORT_HOSTS_MAX, &more);
    bool same = n == d->nreports && more == d->reports_more;
    for (size_t i = 0; i < n && same; i++)
        same = strcmp(fresh[i].name, d->reports[i].name) == 0 &&
               strcmp(fresh[i].host, d->reports[i].host) == 0 && fresh[i].uri == d->reports[i].uri;
    if (same) {
        for (size_t i = 0; i < n; i++)
            dmarc_report_check_free(&fresh[i]);
        return;
    }
    free_reports(d);
    memcpy(d->reports, fresh, n * sizeof *fresh);
    d->nreports = n;
    d->reports_more = more;
}

/* RFC 9989 §4.10.1 (which record applies) and §4.10.2 (organizational
 * domain), from the answers given so far. */
static void evaluate(struct dmarc_discovery *d)
{
    d->status = DMARC_DISCOVERY_PENDING;
    d->found_at = DMARC_FOUND_NONE;
    d->policy_step = d->stop_step = d->psl_step = DMARC_NONE;
    d->org_domain[0] = '\0';
    if (d->nwalk == 0)
        return;

    bool pending = false, failed = false;
    for (size_t i = 0; i < d->nwalk; i++) {
        const struct dmarc_discovery_step *s = &d->steps[i];
        if (s->answer.status == DNS_PENDING) {
            pending = true;
            continue;
        }
        failed = failed || status_failed(s->answer.status);
        /* §4.10 steps 2 and 6: a single record with psd=y or psd=n stops. */
        if (s->record != DMARC_NONE && (s->psd == DMARC_PSD_Y || s->psd == DMARC_PSD_N)) {
            d->stop_step = i;
            break;
        }
    }
    for (size_t i = 0; i < d->nsteps; i++)
        pending = pending || (d->steps[i].psl && d->steps[i].answer.status == DNS_PENDING);
    const struct dmarc_discovery_step *first = &d->steps[0];
    if (pending)
        return;
    if (first->record == DMARC_NONE && (status_failed(first->answer.status) || failed)) {
        d->status = DMARC_DISCOVERY_DNS_ERROR;
        return;
    }

    /* §4.10.2: from the longest name to the shortest, psd=n marks the
     * organizational domain, psd=y (not at the start) the name one label
     * below it; otherwise the record with the fewest labels wins. */
    size_t last = d->stop_step != DMARC_NONE ? d->stop_step : d->nwalk - 1;
    size_t fewest = DMARC_NONE;
    const char *org = NULL;
    size_t org_len = 0;
    for (size_t i = 0; i <= last; i++) {
        const struct dmarc_discovery_step *s = &d->steps[i];
        if (s->record == DMARC_NONE)
            continue;
        fewest = i;
        if (s->psd == DMARC_PSD_N) {
            org = step_domain(d, i);
            org_len = strlen(org);
            break;
        }
        if (s->psd == DMARC_PSD_Y && i != 0) {
            org = suffix_labels(d->domain, s->labels + 1);
            org_len = strlen(org);
            break;
        }
    }
    if (!org && fewest != DMARC_NONE) {
        org = step_domain(d, fewest);
        org_len = strlen(org);
    }
    if (!org) {
        org = d->domain; /* "the initial target domain" */
        org_len = strlen(org);
    }
    memcpy(d->org_domain, org, org_len);
    d->org_domain[org_len] = '\0';

    /* §4.10.1: the author domain's record, else the organizational
     * domain's, else the public suffix domain's. */
    if (first->record != DMARC_NONE) {
        d->policy_step = 0;
        d->found_at = DMARC_FOUND_DOMAIN;
    } else {
        for (size_t i = 1; i <= last && d->policy_step == DMARC_NONE; i++)
            if (d->steps[i].record != DMARC_NONE && strcmp(step_domain(d, i), d->org_domain) == 0) {
                d->policy_step = i;
                d->found_at = DMARC_FOUND_ORG;
            }
        if (d->policy_step == DMARC_NONE && d->stop_step != DMARC_NONE &&
            d->steps[d->stop_step].psd == DMARC_PSD_Y) {
            d->policy_step = d->stop_step;
            d->found_at = DMARC_FOUND_PSD;
        }
    }
    /* RFC 7489 §6.6.3: the author domain, then the PSL organizational
     * domain. */
    if (first->record != DMARC_NONE)
        d->psl_step = 0;
    else if (d->psl_org[0])
        for (size_t i = 0; i < d->nsteps; i++)
            if (d->steps[i].record != DMARC_NONE && strcmp(step_domain(d, i), d->psl_org) == 0)
                d->psl_step = i;

    if (d->policy_step == DMARC_NONE) {
        d->status = DMARC_DISCOVERY_NOT_FOUND;
        return;
    }
    d->status = DMARC_DISCOVERY_FOUND;
    const struct dmarc_discovery_step *ps = &d->steps[d->policy_step];
    struct diag_list ignore;
    diag_list_init(&ignore);
    dmarc_parse(&d->policy, ps->answer.records[ps->record].text, ps->answer.records[ps->record].len,
                &ignore);
    diag_list_free(&ignore);
    dmarc_set_domain(&d->policy, step_domain(d, d->policy_step));
    update_reports(d);
}

bool dmarc_discovery_start(struct dmarc_discovery *d, const char *domain, const char *psl_org)
{
    struct dmarc_walk walk;
    for (size_t i = 0; i <= DMARC_WALK_MAX; i++)
        dns_txt_answer_free(&d->steps[i].answer);
    dns_txt_answer_free(&d->apex);
    free_reports(d);
    d->nsteps = d->nwalk = 0;
    d->domain[0] = d->psl_org[0] = d->org_domain[0] = '\0';
    d->status = DMARC_DISCOVERY_PENDING;
    d->found_at = DMARC_FOUND_NONE;
    d->policy_step = d->stop_step = d->psl_step = DMARC_NONE;
    d->policy.count = 0;
    if (!domain || !dmarc_walk_names(domain, strlen(domain), &walk))
        return false;
    memcpy(d->domain, walk.steps[0].name + PREFIX_LEN, strlen(walk.steps[0].name) - PREFIX_LEN + 1);
    for (size_t i = 0; i < walk.count; i++) {
        struct dmarc_discovery_step *s = &d->steps[i];
        memcpy(s->name, walk.steps[i].name, sizeof s->name);
        s->labels = walk.steps[i].labels;
        s->too_long = walk.steps[i].too_long;
        s->on_walk = true;
        s->psl = false;
        s->ndmarc = 0;
        s->record = DMARC_NONE;
        s->psd = DMARC_PSD_ABSENT;
        /* A name over the DNS limit cannot be asked: no record there. */
        if (s->too_long)
            s->answer.status = DNS_NXDOMAIN;
    }
    d->nsteps = d->nwalk = walk.count;
    size_t labels;
    if (psl_org && psl_org[0] &&
        dmarc_domain_normalize(psl_org, strlen(psl_org), d->psl_org, &labels)) {
        bool on_walk = false;
        for (size_t i = 0; i < d->nwalk; i++)
            if (strcmp(step_domain(d, i), d->psl_org) == 0)
                on_walk = d->steps[i].psl = true;
        if (!on_walk && PREFIX_LEN + strlen(d->psl_org) <= DMARC_NAME_MAX) {
            struct dmarc_discovery_step *s = &d->steps[d->nsteps++];
            join3(s->name, PREFIX, d->psl_org, "");
            s->labels = labels;
            s->too_long = false;
            s->on_walk = false;
            s->psl = true;
            s->ndmarc = 0;
            s->record = DMARC_NONE;
            s->psd = DMARC_PSD_ABSENT;
        }
    }
    evaluate(d);
    return true;
}

bool dmarc_discovery_step_needed(const struct dmarc_discovery *d, size_t i)
{
    if (i >= d->nsteps || d->steps[i].answer.status != DNS_PENDING)
        return false;
    return d->steps[i].psl || d->stop_step == DMARC_NONE || i < d->stop_step;
}

void dmarc_discovery_set_answer(struct dmarc_discovery *d, size_t i, struct dns_txt_answer *answer)
{
    if (i >= d->nsteps) {
        dns_txt_answer_free(answer);
        return;
    }
    struct dmarc_discovery_step *s = &d->steps[i];
    dns_txt_answer_free(&s->answer);
    s->answer = *answer;
    dns_txt_answer_init(answer);
    /* RFC 9989 §4.10 step 2: keep records that start with v=DMARC1; if
     * several remain, all are discarded. */
    s->ndmarc = 0;
    s->record = DMARC_NONE;
    s->psd = DMARC_PSD_ABSENT;
    if (s->answer.status == DNS_OK) {
        for (size_t k = 0; k < s->answer.count; k++) {
            if (!dmarc_text_is_record(s->answer.records[k].text, s->answer.records[k].len))
                continue;
            if (++s->ndmarc == 1)
                s->record = k;
        }
        if (s->ndmarc != 1)
            s->record = DMARC_NONE;
    }
    if (s->record != DMARC_NONE) {
        struct diag_list ignore;
        diag_list_init(&ignore);
        dmarc_parse(&d->scratch, s->answer.records[s->record].text,
                    s->answer.records[s->record].len, &ignore);
        diag_list_free(&ignore);
        s->psd = d->scratch.psd;
    }
    evaluate(d);
}

void dmarc_discovery_set_apex(struct dmarc_discovery *d, struct dns_txt_answer *answer)
{
    dns_txt_answer_free(&d->apex);
    d->apex = *answer;
    dns_txt_answer_init(answer);
}

void dmarc_discovery_set_report_answer(struct dmarc_discovery *d, size_t i, bool wildcard,
                                       struct dns_txt_answer *answer)
{
    if (i >= d->nreports) {
        dns_txt_answer_free(answer);
        return;
    }
    struct dns_txt_answer *slot = wildcard ? &d->reports[i].wildcard_answer : &d->reports[i].answer;
    dns_txt_answer_free(slot);
    *slot = *answer;
    dns_txt_answer_init(answer);
}

const char *dmarc_discovery_policy_text(const struct dmarc_discovery *d, size_t *len)
{
    if (d->status != DMARC_DISCOVERY_FOUND)
        return NULL;
    const struct dmarc_discovery_step *s = &d->steps[d->policy_step];
    if (len)
        *len = s->answer.records[s->record].len;
    return s->answer.records[s->record].text;
}

const char *dmarc_discovery_policy_domain(const struct dmarc_discovery *d)
{
    return d->status == DMARC_DISCOVERY_FOUND ? step_domain(d, d->policy_step) : NULL;
}

enum dmarc_scope dmarc_discovery_scope(const struct dmarc_discovery *d)
{
    if (d->found_at == DMARC_FOUND_DOMAIN)
        return DMARC_SCOPE_DOMAIN;
    /* RFC 9989 §3.2.13: NXDOMAIN means the name does not exist. */
    return d->apex.status == DNS_NXDOMAIN ? DMARC_SCOPE_NXDOMAIN : DMARC_SCOPE_SUBDOMAIN;
}

/* ---- live rules ------------------------------------------------------------ */

static void lint_multiple(const struct dmarc_discovery *d, struct diag_list *diags)
{
    for (size_t i = 0; i < d->nsteps; i++) {
        /* Names after a psd= stop were never needed. */
        if (!d->steps[i].psl && d->stop_step != DMARC_NONE && i > d->stop_step)
            continue;
        if (d->steps[i].ndmarc > 1)
            diag_add(diags, RULE_DMARC_MULTIPLE_RECORDS, 0, 0,
                     "%s has %zu DMARC records: receivers discard them all (RFC 9989 §4.10) as "
                     "if there were none; publish exactly one",
                     d->steps[i].name, d->steps[i].ndmarc);
    }
}

static void lint_apex(const struct dmarc_discovery *d, struct diag_list *diags)
{
    /* The same test as an authorization: an answer holding a record that
     * starts with v=DMARC1. */
    if (!answer_authorizes(&d->apex))
        return;
    if (d->steps[0].record != DMARC_NONE)
        diag_add(diags, RULE_DMARC_RECORD_AT_APEX, 0, 0,
                 "a v=DMARC1 record is also published at %s itself, where receivers never look; "
                 "the one at _dmarc.%s counts: delete the stray copy",
                 d->domain, d->domain);
    else
        diag_add(diags, RULE_DMARC_RECORD_AT_APEX, 0, 0,
                 "v=DMARC1 is published at %s itself, where receivers never look: move it to "
                 "_dmarc.%s",
                 d->domain, d->domain);
}

static void lint_inherited(const struct dmarc_discovery *d, struct diag_list *diags)
{
    const char *pdom = step_domain(d, d->policy_step);
    const char *psl_dom = d->psl_step != DMARC_NONE ? step_domain(d, d->psl_step) : NULL;
    char rfc7489[DIAG_MESSAGE_MAX] = "";
    if (d->psl_org[0] && (!psl_dom || strcmp(psl_dom, pdom) != 0)) {
        if (psl_dom)
            snprintf(rfc7489, sizeof rfc7489,
                     "; RFC 7489 receivers (Public Suffix List) use _dmarc.%.120s instead",
                     psl_dom);
        else
            snprintf(rfc7489, sizeof rfc7489,
                     "; RFC 7489 receivers (Public Suffix List) look only at _dmarc.%.120s and "
                     "find nothing",
                     d->psl_org);
    }
    if (d->found_at == DMARC_FOUND_DOMAIN) {
        if (rfc7489[0] || (d->psl_org[0] && strcmp(d->psl_org, d->org_domain) != 0))
            diag_add(diags, RULE_DMARC_INHERITED, 0, 0,
                     "the organizational domain of %s is %s by the RFC 9989 tree walk but %s by "
                     "the Public Suffix List (RFC 7489): relaxed alignment can differ between "
                     "receivers",
                     d->domain, d->org_domain, d->psl_org);
        return;
    }
    struct dmarc_effect e;
    dmarc_effect_compute(&d->policy, &e);
    enum dmarc_scope scope = dmarc_discovery_scope(d);
    enum dmarc_policy p = dmarc_effect_applied(&e, DMARC_RFC9989, scope);
    bool np = d->policy.np != DMARC_POLICY_ABSENT, sp = d->policy.sp != DMARC_POLICY_ABSENT;
    const char *tag = scope == DMARC_SCOPE_NXDOMAIN ? (np   ? "np"
                                                       : sp ? "sp"
                                                            : "p")
                                                    : (sp ? "sp" : "p");
    diag_add(diags, RULE_DMARC_INHERITED, 0, 0,
             "no record at _dmarc.%s: the policy comes from _dmarc.%s (%s), whose %s= applies: "
             "%s%s",
             d->domain, pdom,
             d->found_at == DMARC_FOUND_PSD ? "a public suffix domain, psd=y"
                                            : "the organizational domain",
             tag, p == DMARC_POLICY_ABSENT ? "none" : dmarc_policy_name(p), rfc7489);
}

static void lint_sp_no_effect(const struct dmarc_discovery *d, struct diag_list *diags)
{
    if (d->found_at != DMARC_FOUND_DOMAIN)
        return;
    const enum dmarc_tag_id ids[2] = {DMARC_TAG_SP, DMARC_TAG_NP};
    for (int k = 0; k < 2; k++) {
        size_t ti = d->policy.first[ids[k]];
        if (ti == DMARC_NONE)
            continue;
        const struct dmarc_tag *t = &d->policy.tags[ti];
        if (strcmp(d->org_domain, d->domain) != 0)
            diag_add(diags, RULE_DMARC_SP_NO_EFFECT, t->whole.start, t->whole.end,
                     "%s= at _dmarc.%s applies to nothing: %s is below its organizational domain "
                     "%s, so receivers take its subdomains' policy from _dmarc.%s; set %s= there",
                     t->name_text, d->domain, d->domain, d->org_domain, d->org_domain,
                     t->name_text);
        else if (d->psl_org[0] && strcmp(d->psl_org, d->domain) != 0 && ids[k] == DMARC_TAG_SP)
            diag_add(diags, RULE_DMARC_SP_NO_EFFECT, t->whole.start, t->whole.end,
                     "sp= works for RFC 9989 receivers (%s is its own organizational domain), "
                     "but RFC 7489 receivers take subdomain policy from _dmarc.%s and ignore it",
                     d->domain, d->psl_org);
    }
}

static void lint_reports(const struct dmarc_discovery *d, struct diag_list *diags)
{
    const char *pdom = step_domain(d, d->policy_step);
    for (size_t i = 0; i < d->nreports; i++) {
        const struct dmarc_report_check *c = &d->reports[i];
        const struct dmarc_uri *u = &d->policy.uris[c->uri];
        enum dmarc_report_status st = dmarc_report_status(c);
        if (st != DMARC_REPORT_UNAUTHORIZED)
            continue;
        if (c->too_long)
            diag_add(diags, RULE_DMARC_RUA_UNAUTHORIZED, u->whole.start, u->whole.end,
                     "reports to %s cannot be authorized: %s._report._dmarc.%s is longer than "
                     "DNS allows, so receivers drop them; use a report address in %s",
                     c->host, pdom, c->host, pdom);
        else
            diag_add(diags, RULE_DMARC_RUA_UNAUTHORIZED, u->whole.start, u->whole.end,
                     "%s has not authorized reports about %s: no v=DMARC1 record at %s (nor a "
                     "wildcard); receivers drop these %s reports until it publishes one",
                     c->host, pdom, c->name, c->rua ? "aggregate" : "failure");
    }
    if (d->reports_more)
        diag_add(diags, RULE_DMARC_RUA_UNAUTHORIZED, 0, 0,
                 "more than %d external report hosts: the others were not checked; few "
                 "receivers send to that many",
                 DMARC_REPORT_HOSTS_MAX);
}

void dmarc_discovery_lint(const struct dmarc_discovery *d, struct diag_list *diags)
{
    if (d->nwalk == 0)
        return;
    lint_multiple(d, diags);
    lint_apex(d, diags);
    if (d->status == DMARC_DISCOVERY_NOT_FOUND)
        diag_add(diags, RULE_DMARC_NOT_FOUND, 0, 0,
                 "no DMARC record at _dmarc.%s nor on the tree walk above it (%zu names): "
                 "receivers apply no DMARC to its mail; publish v=DMARC1; p=none; rua=mailto:... "
                 "at _dmarc.%s",
                 d->domain, d->nwalk, d->domain);
    if (d->status != DMARC_DISCOVERY_FOUND)
        return;
    lint_inherited(d, diags);
    lint_sp_no_effect(d, diags);
    lint_reports(d, diags);
}
