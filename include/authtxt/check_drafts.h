/* The receiver simulation over the editor's drafts (drafts.h): the drafts
 * as a source of DNS answers ("as if published"), and the spoofability
 * verdict of `check --spoof` computed from the drafts alone, as lint
 * diagnostics.
 *
 * Pure like the rest of the core: no I/O.  A source owns copies of the
 * drafts' texts taken at init; re-init it after the drafts change. */
#ifndef AUTHTXT_CHECK_DRAFTS_H
#define AUTHTXT_CHECK_DRAFTS_H

#include <stdbool.h>

#include "authtxt/check.h"
#include "authtxt/diag.h"

struct drafts;

/* The drafts as DNS: every draft's TXT record at its owner name.  With
 * next (live DNS, a cache the network fills) the drafts overlay it:
 * their exact names answer TXT from the drafts, everything else comes
 * from next.  Without next (offline), names at or below the drafts'
 * domain answer as the drafts' zone would (a name without a draft is
 * NXDOMAIN, the domain itself exists); any other name answers DNS_ERROR
 * with the error "not answered offline", which the evaluators report as
 * a temperror rather than guess. */
struct check_drafts_source {
    struct dns_source source; /* first: this is a source */
    struct dns_table zone;
    char domain[DNS_SOURCE_NAME_MAX + 1];
    bool offline;
    struct dns_answer offline_answer;
};

/* False when out of memory (s must still be freed). */
bool check_drafts_source_init(struct check_drafts_source *s, const struct drafts *d,
                              const struct dns_source *next);
void check_drafts_source_free(struct check_drafts_source *s);

/* The forger's address the drafts' verdict uses (a documentation
 * address, RFC 5737). */
#define CHECK_SPOOF_DRAFTS_IP "198.51.100.66"

/* `check --spoof` on the drafts, offline: forged mail (CHECK_SPOOF_DRAFTS_IP,
 * no valid signature) From: the drafts' domain, an existing subdomain
 * (www, taken to exist) and a non-existent one.  Appends to out one
 * RULE_CROSS_SPOOF_VERDICT diagnostic per scope a receiver would not
 * reject (warning: delivered; info: quarantined), with the reason and the
 * fix, or one info diagnostic saying every forged message is rejected.
 * Nothing when the drafts have no domain or neither SPF nor DMARC.
 * now is for SPF's %{t}.  False when out of memory.  Cost: six
 * evaluations over the drafts, microseconds. */
bool check_spoof_drafts(const struct drafts *d, long long now, struct diag_list *out);

#endif
