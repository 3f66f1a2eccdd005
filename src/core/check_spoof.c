/* The verdict on a forged message (check --spoof, and the drafts' lint):
 * from the SPF and DMARC evaluations of it, what the receiver does, why,
 * and the smallest change that would make it reject.  See check.h. */
#include <stdio.h>
#include <string.h>

#include "authtxt/check.h"

const char *check_spoof_scope_name(enum check_spoof_scope s)
{
    switch (s) {
    case CHECK_SPOOF_DOMAIN:
        return "domain";
    case CHECK_SPOOF_SUBDOMAIN:
        return "subdomain";
    case CHECK_SPOOF_NONEXISTENT:
    case CHECK_SPOOF_SCOPES:
        break;
    }
    return "nonexistent";
}

/* The smallest change that makes the receiver reject forged mail of this
 * scope, from what decided it. */
static void spoof_fix(enum check_spoof_scope scope, const struct spf_eval *spf,
                      const struct dmarc_eval *d, char *fix, size_t size)
{
    fix[0] = '\0';
    if (d->result == CHECK_DMARC_FAIL && d->disposition == CHECK_DISPOSITION_REJECT)
        return;
    if (d->result == CHECK_DMARC_PASS) {
        /* RFC 9989 §4.4: an aligned SPF pass is a DMARC pass. */
        snprintf(fix, size,
                 "the SPF record of %s authorizes the forger's address (%s): remove that term "
                 "and end the record with -all",
                 spf->decided_at ? spf->decided_at : spf->domain,
                 spf->matched ? spf->matched : "no term");
        return;
    }
    if (d->result == CHECK_DMARC_NONE || !d->record) {
        snprintf(fix, size, "publish _dmarc.%s TXT \"v=DMARC1; p=reject\"",
                 d->org_domain[0] ? d->org_domain : d->domain);
        return;
    }
    /* RFC 9989 §4.7: t=y lowers the disposition one step. */
    bool t_y = strstr(d->reason, "t=y") != NULL;
    const char *tag = scope == CHECK_SPOOF_DOMAIN      ? "p"
                      : scope == CHECK_SPOOF_SUBDOMAIN ? "sp"
                                                       : "np";
    if (strcmp(d->policy_domain, d->domain) == 0)
        tag = "p"; /* the author domain's own record: p applies */
    snprintf(fix, size, "in the record at _dmarc.%s: %s%s=reject", d->policy_domain,
             t_y ? "remove t=y and set " : "set ", tag);
}

void check_spoof_judge(enum check_spoof_scope scope, const struct spf_eval *spf,
                       const struct dmarc_eval *d, struct check_spoof_verdict *out)
{
    spoof_fix(scope, spf, d, out->fix, sizeof out->fix);
    enum check_disposition disp = d->disposition;
    bool delivered = d->result == CHECK_DMARC_PASS || d->result == CHECK_DMARC_NONE ||
                     (d->result == CHECK_DMARC_FAIL && disp == CHECK_DISPOSITION_NONE);
    /* Without DMARC, an SPF fail is what a receiver may reject on
     * (RFC 7208 §8.4). */
    if (d->result == CHECK_DMARC_NONE && spf->result == CHECK_SPF_FAIL) {
        delivered = false;
        disp = CHECK_DISPOSITION_REJECT;
    }
    out->delivered = delivered;
    out->disposition = disp;
    snprintf(out->reason, sizeof out->reason, "SPF %s%s%s%s; %s",
             check_spf_result_name(spf->result), spf->matched ? " (" : "",
             spf->matched ? spf->matched : "", spf->matched ? ")" : "", d->reason);
}
