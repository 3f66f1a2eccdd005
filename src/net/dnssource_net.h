/* The live side of the receiver simulation's DNS source: a cache table
 * (authtxt/dnssource.h, not authoritative) that the resolver fills.  An
 * evaluator that stops for answers hands its questions to
 * net_dns_source_ask, which sends every one not asked before, all at once;
 * net_dns_source_wait runs the resolver's event loop until at least one
 * answer has arrived, then the evaluator runs again.
 *
 * The source borrows the resolver; both are freed by their owner (free the
 * source first: queries still in flight are then detached). */
#ifndef AUTHTXT_NET_DNSSOURCE_NET_H
#define AUTHTXT_NET_DNSSOURCE_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/check.h"
#include "authtxt/dnssource.h"
#include "resolver.h"

#define NET_DNS_SOURCE_MAX_QUERIES 2000 /* a check never needs more */

struct net_dns_pending; /* internal: one query in flight */

struct net_dns_source {
    struct dns_table cache; /* answers so far; its .source is what evaluators read */
    struct net_resolver *resolver;
    struct dns_question *asked; /* every question sent */
    size_t nasked, asked_cap;
    size_t inflight;   /* sent, not yet answered */
    size_t answered;   /* answers received so far */
    size_t errors;     /* answers that were DNS failures (timeout, SERVFAIL, ...) */
    bool capped;       /* NET_DNS_SOURCE_MAX_QUERIES reached */
    struct net_dns_pending *pending; /* in flight (list) */
};

void net_dns_source_init(struct net_dns_source *s, struct net_resolver *resolver);
void net_dns_source_free(struct net_dns_source *s);
/* Send every question of needs not asked before.  Returns how many were
 * sent now.  A name the resolver refuses to ask (a space, a quote: macro
 * output) is answered at once as NXDOMAIN, with a note in the error text. */
size_t net_dns_source_ask(struct net_dns_source *s, const struct check_needs *needs);
/* Run the resolver until at least one more answer has arrived or nothing
 * is in flight.  Bounded: every query ends by its timeout. */
void net_dns_source_wait(struct net_dns_source *s);

#endif
