/* Probing a domain for DKIM selectors (authtxt fetch --find-selectors):
 * the key record of every selector of a list is asked at once, CNAME
 * delegation followed (the resolver follows the chain in the answer), and
 * each answer classified: not found, found but revoked, found, a TXT that
 * is no key, DNS error.  A random label is asked beside them: when it gets
 * a TXT answer, a wildcard at *._domainkey answers every selector, and
 * selectors that only echo the wildcard are reported as such rather than
 * as found.
 *
 * Event driven like fetch.c: net_selectors_start sends every query and
 * returns; the caller runs the resolver (net_resolver_wait) until
 * net_selectors_done, then net_selectors_finish classifies. */
#ifndef AUTHTXT_NET_SELECTORS_H
#define AUTHTXT_NET_SELECTORS_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dkim.h"
#include "authtxt/dkim_keys.h"
#include "authtxt/dmarc.h"
#include "authtxt/dnsdata.h"
#include "resolver.h"

enum net_selector_state {
    NET_SELECTOR_PENDING = 0,
    NET_SELECTOR_NOT_FOUND, /* NXDOMAIN or no TXT */
    NET_SELECTOR_FOUND,     /* a key record (its key facts in type/bits/key_status) */
    NET_SELECTOR_REVOKED,   /* a key record with p= empty */
    NET_SELECTOR_NOT_A_KEY, /* TXT records, none a DKIM key record */
    NET_SELECTOR_WILDCARD,  /* the same answer as the random label's */
    NET_SELECTOR_DNS_ERROR, /* timeout, SERVFAIL, REFUSED, other */
};

/* "pending", "not found", "found", "revoked", "not a key", "wildcard",
 * "DNS error".  Static. */
const char *net_selector_state_name(enum net_selector_state s);

struct net_selector_result {
    struct dkim_provider_selector who; /* selector and provider */
    char name[DMARC_NAME_MAX + 1];     /* "<selector>._domainkey.<domain>";
                                          "" when too long to ask */
    enum dns_status status;
    enum net_selector_state state;
    char *record; /* the key record's text (malloc'd), NULL when none */
    size_t len;
    size_t ntxt; /* TXT records in the answer */
    enum dkim_key_status key_status;
    enum dkim_key_type type;
    unsigned bits;
    char error[160]; /* DNS error words, plain ASCII */
};

struct net_selector_scan {
    char domain[DMARC_NAME_MAX + 1];     /* A-labels */
    struct net_selector_result *results; /* count of them, in list order */
    size_t count;
    struct net_selector_result probe; /* the random label */
    bool wildcard;                    /* the random label got a TXT answer */
    size_t pending;                   /* queries not answered yet */
};

void net_selectors_init(struct net_selector_scan *s);
/* Ask the key record of each of list[0..n) under domain (U- or A-labels)
 * and of one random label, all at once, through r (borrowed).  False with
 * the reason in err for a bad domain or OOM (nothing sent then).  Keep r
 * alive until net_selectors_done, or free r first (the queries then end
 * as DNS errors "cancelled"). */
bool net_selectors_start(struct net_selector_scan *s, struct net_resolver *r, const char *domain,
                         const struct dkim_provider_selector *list, size_t n, char *err,
                         size_t errlen);
bool net_selectors_done(const struct net_selector_scan *s);
/* Once done: mark the answers equal to the wildcard's.  O(n). */
void net_selectors_finish(struct net_selector_scan *s);
/* Counts by state after finish, for summaries. */
size_t net_selectors_count(const struct net_selector_scan *s, enum net_selector_state state);
void net_selectors_free(struct net_selector_scan *s);

#endif
