/* The receiver simulation over the editor's drafts: the drafts as a DNS
 * source, and the spoofability verdict from the drafts alone (the same
 * evaluators and the same judge as `check --spoof`).  See check_drafts.h. */
#include "authtxt/check_drafts.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authtxt/drafts.h"
#include "authtxt/strbuf.h"
#include "authtxt/zone_edit.h"

/* Is name (any case, final dot optional) domain or below it? */
static bool under_domain(const char *name, const char *domain)
{
    size_t n = strlen(name), d = strlen(domain);
    if (n && name[n - 1] == '.')
        n--;
    if (d == 0 || n < d)
        return false;
    if (strncasecmp(name + n - d, domain, d) != 0)
        return false;
    return n == d || name[n - d - 1] == '.';
}

/* Is domain below name, or below the name _dmarc.X stands for? */
static bool above_domain(const char *name, const char *domain)
{
    if (strncasecmp(name, "_dmarc.", 7) == 0)
        name += 7;
    return under_domain(domain, name);
}

static const struct dns_answer *drafts_lookup(const struct dns_source *src, const char *name,
                                              enum dns_rrtype type)
{
    const struct check_drafts_source *s = (const struct check_drafts_source *)src;
    if (s->offline && !under_domain(name, s->domain)) {
        /* Above the drafts' domain (the DMARC tree walk's _dmarc.com, RFC
         * 9989 §4.10): the drafts' domain is taken as the organizational
         * domain, with no public-suffix policy above it. */
        if (above_domain(name, s->domain))
            return &s->zone.nodata;
        return &s->offline_answer;
    }
    return s->zone.source.lookup(&s->zone.source, name, type);
}

bool check_drafts_source_init(struct check_drafts_source *s, const struct drafts *d,
                              const struct dns_source *next)
{
    memset(s, 0, sizeof *s);
    s->source.lookup = drafts_lookup;
    dns_table_init(&s->zone, true);
    s->zone.next = next;
    s->offline = next == NULL;
    dns_answer_init(&s->offline_answer);
    s->offline_answer.status = DNS_ERROR;
    snprintf(s->offline_answer.error, sizeof s->offline_answer.error,
             "not answered offline (not in the drafts)");
    snprintf(s->domain, sizeof s->domain, "%s", d->domain);
    bool ok = true;
    /* The drafts' domain exists (its zone is what the drafts are part of). */
    if (s->offline && s->domain[0])
        ok = dns_table_set_name_status(&s->zone, s->domain, DNS_NODATA);
    struct strbuf owners[DRAFTS_ZONE_MAX];
    struct zone_edit_draft zd[DRAFTS_ZONE_MAX];
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_init(&owners[i]);
    size_t n = drafts_zone_edit_drafts(d, zd, owners);
    for (size_t i = 0; ok && i < n; i++) {
        if (!zd[i].len || !zd[i].owner || !zd[i].owner[0])
            continue;
        struct dns_answer *a = dns_table_slot(&s->zone, zd[i].owner, DNS_TYPE_TXT);
        const char *strings[1] = {zd[i].text};
        size_t lens[1] = {zd[i].len};
        if (!a || !dns_txt_answer_add(&a->txt, strings, lens, 1)) {
            ok = false;
            break;
        }
        a->status = a->txt.status = DNS_OK;
    }
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_free(&owners[i]);
    return ok;
}

void check_drafts_source_free(struct check_drafts_source *s)
{
    dns_table_free(&s->zone);
    dns_answer_free(&s->offline_answer);
}

/* Run an evaluator to the end over a source that always answers. */
static bool run_spf(struct spf_eval *e, const struct dns_source *src)
{
    for (int i = 0; i < 64; i++) {
        enum check_status st = spf_eval_run(e, src);
        if (st != CHECK_NEED_ANSWERS)
            return st == CHECK_DONE;
    }
    return false;
}

static bool run_dmarc(struct dmarc_eval *e, const struct dns_source *src)
{
    for (int i = 0; i < 64; i++) {
        enum check_status st = dmarc_eval_run(e, src);
        if (st != CHECK_NEED_ANSWERS)
            return st == CHECK_DONE;
    }
    return false;
}

bool check_spoof_drafts(const struct drafts *d, long long now, struct diag_list *out)
{
    if (!d->domain[0] || (!d->rec[DRAFT_SPF].len && !d->rec[DRAFT_DMARC].len))
        return true;
    struct check_drafts_source src;
    bool ok = check_drafts_source_init(&src, d, NULL);
    char froms[CHECK_SPOOF_SCOPES][DNS_SOURCE_NAME_MAX + 1];
    snprintf(froms[CHECK_SPOOF_DOMAIN], sizeof froms[0], "%s", d->domain);
    snprintf(froms[CHECK_SPOOF_SUBDOMAIN], sizeof froms[0], "www.%.240s", d->domain);
    snprintf(froms[CHECK_SPOOF_NONEXISTENT], sizeof froms[0], "no-such-host.%.240s", d->domain);
    /* www stands for an existing subdomain: it exists, with no records. */
    if (ok)
        ok = dns_table_set_name_status(&src.zone, froms[CHECK_SPOOF_SUBDOMAIN], DNS_NODATA);
    int rejected = 0;
    for (int k = 0; ok && k < CHECK_SPOOF_SCOPES; k++) {
        char mail_from[DNS_SOURCE_NAME_MAX + 16];
        snprintf(mail_from, sizeof mail_from, "forged@%.250s", froms[k]);
        struct spf_eval spf;
        struct dmarc_eval dmarc;
        memset(&spf, 0, sizeof spf);
        memset(&dmarc, 0, sizeof dmarc);
        struct spf_eval_input in = {.ip = CHECK_SPOOF_DRAFTS_IP,
                                    .mail_from = mail_from,
                                    .helo = "forger.example",
                                    .now = now};
        bool good = spf_eval_init(&spf, &in) && run_spf(&spf, &src.source);
        struct dmarc_eval_input din = {.from_domain = froms[k],
                                       .spf_evaluated = true,
                                       .spf_result = spf.result,
                                       .spf_domain = spf.domain};
        good = good && dmarc_eval_init(&dmarc, &din) && run_dmarc(&dmarc, &src.source);
        if (good) {
            struct check_spoof_verdict v;
            check_spoof_judge((enum check_spoof_scope)k, &spf, &dmarc, &v);
            if (!v.delivered && v.disposition == CHECK_DISPOSITION_REJECT) {
                rejected++;
            } else {
                /* A lint line is short (DIAG_MESSAGE_MAX): the results and
                 * the fix; `check --spoof` gives the whole chain. */
                struct strbuf msg;
                strbuf_init(&msg);
                strbuf_printf(&msg, "%s: forged From: %s (%s): SPF %s, DMARC %s",
                              v.delivered ? "delivered"
                              : v.disposition == CHECK_DISPOSITION_QUARANTINE
                                  ? "quarantined"
                                  : "not decided",
                              froms[k], check_spoof_scope_name((enum check_spoof_scope)k),
                              check_spf_result_name(spf.result),
                              check_dmarc_result_name(dmarc.result));
                if (dmarc.policy_domain[0])
                    strbuf_printf(&msg, " (policy of %s)", dmarc.policy_domain);
                if (v.fix[0])
                    strbuf_printf(&msg, "; fix: %s", v.fix);
                struct diag *g = diag_add(out, RULE_CROSS_SPOOF_VERDICT, 0, 0, "%s",
                                          strbuf_cstr(&msg));
                strbuf_free(&msg);
                if (g && !v.delivered)
                    g->severity = DIAG_INFO;
            }
        }
        spf_eval_free(&spf);
        dmarc_eval_free(&dmarc);
        ok = good;
    }
    if (ok && rejected == CHECK_SPOOF_SCOPES) {
        struct diag *g = diag_add(out, RULE_CROSS_SPOOF_VERDICT, 0, 0,
                                  "rejected: forged mail From: %s, its subdomains and "
                                  "non-existent subdomains (the drafts alone, offline)",
                                  d->domain);
        if (g)
            g->severity = DIAG_INFO;
    }
    check_drafts_source_free(&src);
    return ok && !out->oom;
}
