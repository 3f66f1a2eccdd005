/* Live fetch of one domain's email-authentication records: the SPF record
 * and its include tree, DMARC policy discovery (the RFC 9989 tree walk,
 * with the RFC 7489 organizational domain from libpsl beside it) and the
 * authorization of external report destinations, and the DKIM key records
 * of the selectors asked for.
 *
 * Event driven and never blocking: net_fetch_start sends every query that
 * does not depend on another at once; the resolver's callbacks attach the
 * answers to the core's models (spf_tree, dmarc_discovery) and send what
 * those answers make necessary (the next level of the SPF tree, report
 * checks once the policy is known).  The caller runs the resolver's event
 * loop (the TUI through net_resolver_fds/net_resolver_process, the CLI
 * through net_resolver_wait) until net_fetch_done.
 *
 * DNS failures are data: every query that ends in a timeout, SERVFAIL,
 * REFUSED or another error is listed in `errors`, and the models record
 * the status where it matters (temperror in the tree, DNS_ERROR in the
 * discovery). */
#ifndef AUTHTXT_NET_FETCH_H
#define AUTHTXT_NET_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/dmarc.h"
#include "authtxt/dnsdata.h"
#include "authtxt/record.h"
#include "authtxt/spf_tree.h"
#include "resolver.h"

#define NET_FETCH_MAX_SELECTORS 32
#define NET_FETCH_MAX_ERRORS 64    /* DNS errors remembered (all are counted) */
#define NET_FETCH_MAX_QUERIES 6000 /* hard cap on queries one fetch sends */

struct net_fetch_options {
    const char *const *selectors; /* DKIM selectors to ask (may be NULL) */
    size_t nselectors;            /* at most NET_FETCH_MAX_SELECTORS */
    long long now;                /* seconds since the epoch, for record_analyze; 0 skips
                                     clock-dependent rules */
};

/* One DKIM selector's key record. */
struct net_fetch_dkim {
    char *selector;               /* as given */
    char *name;                   /* "<selector>._domainkey.<domain>" (A-labels) */
    struct dns_txt_answer answer; /* status DNS_PENDING until it arrives */
    size_t used;                  /* the TXT record analyzed (the first), or SPF_NONE */
    struct record record;         /* analyzed as a DKIM key when used != SPF_NONE */
};

/* One query that failed (timeout, SERVFAIL, REFUSED, other error). */
struct net_fetch_error {
    char *name;       /* the name asked */
    const char *type; /* "TXT", "A", "AAAA", "MX" (static) */
    enum dns_status status;
    char *message; /* the resolver's words, plain ASCII */
};

struct net_fetch_query; /* internal: one query in flight */
struct net_fetch_asked; /* internal: which tree queries were sent */

struct net_fetch {
    char domain[DMARC_NAME_MAX + 1];  /* A-labels, lower case, no final dot */
    char *display;                    /* U-labels when the name is an IDN, else
                                         the same as domain; valid UTF-8 */
    bool idn;                         /* domain and display differ */
    char psl_org[DMARC_NAME_MAX + 1]; /* RFC 7489 org domain (libpsl); "" unknown */
    struct spf_tree spf;
    struct dmarc_discovery *dmarc; /* heap: about 18 KiB */
    struct net_fetch_dkim *dkim;
    size_t ndkim;
    struct net_fetch_error errors[NET_FETCH_MAX_ERRORS];
    size_t nerrors;          /* kept in errors[] */
    size_t errors_total;     /* all failed queries */
    size_t sent;             /* queries this fetch sent */
    size_t inflight;         /* sent and not yet answered */
    bool capped;             /* NET_FETCH_MAX_QUERIES reached: some lookups not made */
    bool oom;                /* an allocation failed: results are incomplete */
    bool cancelled;          /* the resolver was freed mid-fetch: results are incomplete */
    double start_ms, end_ms; /* CLOCK_MONOTONIC; end_ms 0 until done */

    /* internal */
    struct net_resolver *resolver;
    struct net_fetch_query *queries; /* in flight (list) */
    struct net_fetch_asked *asked;   /* per tree node */
    size_t asked_cap;
    char **report_asked; /* report-check names sent */
    size_t nreport_asked, report_asked_cap;
    long long now;
};

/* The live lint of a fetch, per record, as the CLI and the TUI show it.
 * The records are analyzed copies (owned); a kind absent live is
 * RECORD_UNKNOWN with no text.  Diagnostics' spans point into the record
 * of their list. */
struct net_fetch_lint {
    struct record spf;            /* the root SPF record */
    struct diag_list spf_diags;   /* record lint + spf_tree_lint */
    struct record dmarc;          /* the record in force */
    struct diag_list dmarc_diags; /* record lint + dmarc_discovery_lint */
    struct record *dkim;          /* one per selector, as in net_fetch.dkim */
    size_t ndkim;
    struct diag_list cross; /* cross_lint over the fetched set */
};

/* A domain as DNS asks it: U-labels converted to A-labels (libidn2,
 * IDNA2008, then transitional processing), lower case, no final dot,
 * labels of 1..63 letters, digits, '-' or '_', at most DMARC_NAME_MAX
 * bytes, written to out[0..size).  False with the reason in err. */
bool net_domain_to_ascii(const char *domain, char *out, size_t size, char *err, size_t errlen);

/* Zero the struct; then start.  Cheap, no allocation. */
void net_fetch_init(struct net_fetch *f);

/* Start fetching `domain` (U-labels or A-labels; converted with libidn2,
 * lower-cased, final dot removed) through resolver r (borrowed).  Sends
 * the SPF root query (also the DMARC apex), every DMARC walk step and each
 * DKIM selector at once; the answers send the rest.  Free the fetch and
 * the resolver in either order: a fetch freed first detaches its queries;
 * a resolver freed first cancels them (the fetch then sends nothing more
 * and stays valid, with `cancelled` set).  Returns false with a reason in
 * err when the domain is not a valid name or on OOM (nothing sent then);
 * a name the resolver refuses later is a DNS error, not a failure.  Never
 * blocks.  Cost: O(selectors) queries now; later, O(tree) per answer. */
bool net_fetch_start(struct net_fetch *f, struct net_resolver *r, const char *domain,
                     const struct net_fetch_options *opts, char *err, size_t errlen);

/* Expand the SPF include tree of a record given as text (a draft being
 * edited) as the record at `domain`: its includes, redirect and targets
 * are asked at once, and the tree grows as for net_fetch_start.  Only
 * f->spf (and the counts, errors and times) are filled; no DMARC, no DKIM.
 * Same failures and rules as net_fetch_start.  Never blocks. */
bool net_fetch_start_tree(struct net_fetch *f, struct net_resolver *r, const char *domain,
                          const char *text, size_t len, char *err, size_t errlen);

/* True when every query of the fetch has been answered (or the fetch never
 * started). */
bool net_fetch_done(const struct net_fetch *f);

/* Wall time of the fetch in ms (so far, if not done). */
double net_fetch_elapsed_ms(const struct net_fetch *f);

/* Releases everything; queries still in flight are detached (their
 * answers, when they come, are dropped).  Safe on an initialized struct,
 * and needed after a failed net_fetch_start too. */
void net_fetch_free(struct net_fetch *f);

/* Run the live lint into out (initialize with net_fetch_lint_init).  O(the
 * records + the tree).  False on OOM (out is then partial). */
void net_fetch_lint_init(struct net_fetch_lint *out);
bool net_fetch_lint_run(const struct net_fetch *f, struct net_fetch_lint *out);
void net_fetch_lint_free(struct net_fetch_lint *out);
/* Exit-status class (0, 1, 2) of every diagnostic of a lint. */
int net_fetch_lint_status(const struct net_fetch_lint *l);

/* The SPF records of a TXT answer (texts starting "v=spf1"), for display:
 * returns how many and writes up to max indices into idx. */
size_t net_fetch_spf_records(const struct dns_txt_answer *a, size_t *idx, size_t max);

#endif
