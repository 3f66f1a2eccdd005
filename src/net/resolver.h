/* Asynchronous DNS for authtxt: one interface over two transports, c-ares
 * (UDP with TCP fallback on truncation; the system resolv.conf or a server
 * given with --dns HOST[:PORT]) and DNS over HTTPS (RFC 8484 POST,
 * application/dns-message, through the libcurl multi interface; --doh URL).
 * Both give the same answers as the same data (authtxt/dnsdata.h).
 *
 * Never blocks: the caller's event loop polls the descriptors this module
 * lists and calls net_resolver_process when one is ready or the timeout
 * passes.  Callbacks run only from inside net_resolver_process (or
 * net_resolver_wait, net_resolver_free), never from net_resolver_query.
 *
 * Everything from the network is untrusted: answers are size-bounded
 * (NET_MAX_TXT_STRINGS, NET_MAX_TXT_BYTES), names are checked before they
 * are asked, every query ends (timeout x tries bounded), and error texts
 * are plain ASCII. */
#ifndef AUTHTXT_NET_RESOLVER_H
#define AUTHTXT_NET_RESOLVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dnsdata.h"
#include "authtxt/dnssource.h"

#define NET_MAX_TXT_STRINGS 4096u  /* character-strings kept from one answer */
#define NET_MAX_TXT_BYTES 65535u   /* TXT text kept from one answer */
#define NET_MAX_INFLIGHT 256u      /* queries in flight at once; more wait */
#define NET_DEFAULT_TIMEOUT_MS 2000
#define NET_DEFAULT_TRIES 2

enum net_qtype { NET_Q_TXT = 0, NET_Q_A, NET_Q_AAAA, NET_Q_MX, NET_Q_PTR };

struct net_capture; /* capture.h */

/* "TXT", "A", "AAAA", "MX", "PTR". */
const char *net_qtype_name(enum net_qtype type);

/* One answer.  Valid only during the callback (copy what you keep). */
struct net_answer {
    const char *name;        /* the name asked */
    enum net_qtype type;
    enum dns_status status;  /* DNS_OK, NODATA, NXDOMAIN, TIMEOUT, SERVFAIL,
                                REFUSED or ERROR */
    struct dns_txt_answer txt; /* TXT: the records, strings kept; status
                                  mirrors `status` */
    unsigned count;          /* A/AAAA: addresses; MX: exchange hosts */
    const struct dns_answer *records; /* A/AAAA/MX/PTR: the records (addresses,
                                         preference and host, names), at most
                                         DNS_ANSWER_MAX_RRS; never NULL */
    bool truncated;          /* the answer was cut at the caps above */
    bool via_tcp;            /* c-ares fell back to TCP (UDP was truncated) */
    bool counts_only;        /* replayed from a version-1 capture: count is
                                known, the A/AAAA/MX records are not (error
                                says so); a user of the records must not
                                take the empty list for the answer */
    const char *error;       /* for status >= DNS_TIMEOUT: what happened, in
                                words ("no answer from 127.0.0.1:53 after 2
                                tries of 2000 ms", "HTTP 502 from DoH server")
                                ; "" otherwise */
    double elapsed_ms;       /* from sending to answer */
    long ttl;                /* smallest TTL of the answer's records (seconds),
                                -1 when unknown (no records, an error) */
};

typedef void (*net_answer_fn)(void *data, const struct net_answer *answer);

struct net_resolver_options {
    const char *server;       /* "HOST[:PORT]" ("[::1]:5353" for IPv6), or
                                 NULL for the system resolver */
    const char *doh_url;      /* "https://host[:port]/dns-query": use DoH */
    const char *doh_cafile;   /* CA file for the DoH server's certificate */
    bool doh_insecure;        /* do not verify the DoH certificate */
    int timeout_ms;           /* per try; 0: NET_DEFAULT_TIMEOUT_MS */
    int tries;                /* 0: NET_DEFAULT_TRIES */
    unsigned max_inflight;    /* queries on the wire at once; 0:
                                 NET_MAX_INFLIGHT (at most 4096) */
    struct net_capture *record;       /* --save-dns: every answer delivered is
                                         added (capture.h); borrowed */
    const struct net_capture *replay; /* --dns-file: answer from this capture
                                         only, no network; borrowed */
    bool cache;                       /* answer each (name, type) once for the
                                         resolver's life, errors included; queries
                                         for a name already asked wait for that
                                         answer (many domains in one process) */
};

struct net_resolver;

/* NULL on failure, with the reason in err (e.g. "--dns: bad port in
 * '127.0.0.1:x'", "--doh: URL must start with https://"). */
struct net_resolver *net_resolver_new(const struct net_resolver_options *opts, char *err,
                                      size_t errlen);
/* Cancels what is in flight: pending callbacks are called once with
 * DNS_ERROR and error "cancelled", then everything is freed.  NULL is ok. */
void net_resolver_free(struct net_resolver *r);

/* Ask for name/type; fn(data, answer) is called exactly once, later.
 * name is an A-label domain name (a final dot is optional).  Returns false
 * (and never calls fn) when the name is not a valid DNS name (empty, a label
 * over 63 bytes, over 253 bytes) or out of memory. */
bool net_resolver_query(struct net_resolver *r, const char *name, enum net_qtype type,
                        net_answer_fn fn, void *data);

/* Queries asked and not yet answered. */
size_t net_resolver_pending(const struct net_resolver *r);
/* Queries sent in all (for the progress line and the benchmark). */
size_t net_resolver_sent(const struct net_resolver *r);
/* Queries on the wire now, and answers given from the cache so far. */
size_t net_resolver_inflight(const struct net_resolver *r);
size_t net_resolver_cached(const struct net_resolver *r);
/* An answer could not be added to options.record (out of memory): the
 * capture is incomplete. */
bool net_resolver_record_failed(const struct net_resolver *r);

/* Event-loop integration.  Fill fds[0..max) with the descriptors to poll
 * now (fd, events) and return how many; *timeout_ms is lowered to when
 * net_resolver_process must run even if nothing is ready (left alone when
 * nothing is due; -1 means no limit).  Call again after every process:
 * the set changes as queries come and go. */
size_t net_resolver_fds(struct net_resolver *r, struct pollfd *fds, size_t max, int *timeout_ms);
/* Handle ready descriptors (revents as poll left them; fds may be those
 * from net_resolver_fds or NULL/0 on a timeout) and due timeouts; runs
 * callbacks. */
void net_resolver_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds);

/* For the CLI: poll and process until nothing is pending (every query ends
 * by its timeout, so this ends too).  Callbacks may ask more queries. */
void net_resolver_wait(struct net_resolver *r);

#endif
