/* What the resolver's parts share (not public): the query record, the
 * resolver itself, the DNS message parser both transports use, and the
 * transport hooks (c-ares in resolver_ares.c, DoH in resolver_doh.c). */
#ifndef AUTHTXT_NET_RESOLVER_INTERNAL_H
#define AUTHTXT_NET_RESOLVER_INTERNAL_H

#include <sys/select.h> /* before ares.h: c-ares 1.18 needs fd_set */

#include <ares.h>
#include <curl/curl.h>

struct curl_lib;

#include "resolver.h"

#define RESOLVER_NAME_MAX 256        /* 253 bytes of name, a final dot, NUL */
#define RESOLVER_ERROR_MAX 256       /* room for one error sentence */
#define RESOLVER_DOH_BODY_MAX 65535u /* RFC 8484 §6: a DNS message */
#define RESOLVER_CNAME_MAX 16        /* CNAME steps followed in one answer */
#define RESOLVER_EDNS_SIZE 1232      /* EDNS0 UDP payload we advertise (RFC 6891) */

/* What one answer message says, once parsed. */
struct resolver_result {
    enum dns_status status;
    struct dns_txt_answer txt; /* TXT records kept (caller frees) */
    unsigned count;            /* records of the type asked */
    struct dns_answer rrs;     /* A/AAAA/MX/PTR records kept (caller frees) */
    bool truncated;            /* cut at NET_MAX_TXT_* */
    bool tc;                   /* the message had the TC bit */
    bool counts_only;          /* replayed from a version-1 capture (capture.h) */
    long ttl;                  /* smallest TTL of the records read, -1 unknown */
    char error[RESOLVER_ERROR_MAX];
};

struct net_query {
    struct net_resolver *r;
    struct net_query *prev, *next; /* r->head..r->tail, in asking order */
    char name[RESOLVER_NAME_MAX];  /* as asked */
    enum net_qtype type;
    net_answer_fn fn;
    void *data;
    bool sent;    /* handed to a transport */
    bool done;    /* fn was called */
    bool busy;    /* a transport still holds this query */
    bool via_tcp; /* c-ares: now on the TCP channel */
    double start_ms, deadline_ms;
    /* DoH */
    CURL *easy;
    unsigned char *qbuf; /* the query message (freed with ares_free_string) */
    unsigned char *body;
    size_t body_len, body_cap;
    bool body_over;
};

struct resolver_curl_sock {
    curl_socket_t fd;
    int what; /* CURL_POLL_IN / OUT / INOUT */
};

struct net_resolver {
    int timeout_ms, tries;
    char server_text[128]; /* "127.0.0.1:5353", "the system resolver" */
    bool exact_rcode;      /* c-ares hands SERVFAIL/REFUSED answers to us */
    bool closing;          /* in net_resolver_free: no new queries */
    struct net_query *head, *tail;
    size_t pending, sent, inflight;
    size_t max_inflight;              /* NET_MAX_INFLIGHT unless the options say */
    size_t cached;                    /* answers given from the cache */
    struct resolver_cache *cache;     /* NULL: no cache */
    struct net_capture *record;       /* borrowed: answers are added to it */
    const struct net_capture *replay; /* borrowed: the only source of answers */
    bool record_failed;               /* an answer could not be recorded (OOM) */
    /* c-ares: UDP (truncated answers come back to us) and TCP channels */
    ares_channel udp, tcp;
    bool ares_ready;
    /* DoH */
    const struct curl_lib *curl; /* libcurl, loaded by resolver_doh_init */
    char *doh_url;
    char *doh_cafile;
    bool doh_insecure;
    CURLM *multi;
    struct curl_slist *doh_headers;
    struct resolver_curl_sock *curl_socks;
    size_t ncurl_socks, curl_socks_cap;
    double curl_due_ms; /* < 0: no timer */
};

/* The answer cache (resolver_cache.c), when net_resolver_options.cache
 * asks for one.  _mark_sent notes that a query for (name, type) went out;
 * _state says whether one is out and not back, or answered; _put keeps
 * its answer (a net_kept_answer, capture.h); _get returns the kept answer
 * (borrowed, valid until the cache is freed) or NULL.  Names compare
 * without case.  Lookups O(1) on average. */
struct resolver_cache;
struct net_kept_answer;
struct resolver_cache *resolver_cache_new(void);
void resolver_cache_free(struct resolver_cache *c);
void resolver_cache_mark_sent(struct resolver_cache *c, const char *name, enum net_qtype type);
enum resolver_cache_state {
    RESOLVER_CACHE_NONE = 0,
    RESOLVER_CACHE_IN_FLIGHT,
    RESOLVER_CACHE_DONE
};
enum resolver_cache_state resolver_cache_state(const struct resolver_cache *c, const char *name,
                                               enum net_qtype type); /* c may be NULL */
void resolver_cache_put(struct resolver_cache *c, const struct net_answer *a);
const struct net_kept_answer *resolver_cache_get(const struct resolver_cache *c, const char *name,
                                                 enum net_qtype type);

/* Milliseconds on the monotonic clock. */
double resolver_now_ms(void);

/* Parse msg[0..len) as the answer to qname/qtype (ns_t_* value).  Never
 * fails: a malformed message gives DNS_ERROR with the reason.  O(len + RRs
 * x CNAME steps).  res->txt must be freed by the caller. */
void resolver_msg_parse(const unsigned char *msg, size_t len, const char *qname, int qtype,
                        const char *server, struct resolver_result *res);
/* The ns_t_* value of a query type. */
int resolver_qtype_code(enum net_qtype type);

/* Ends query q with res (status, text) and calls its callback. */
void resolver_finish(struct net_query *q, struct resolver_result *res);
/* Ends q with status and an error sentence. */
void resolver_finish_error(struct net_query *q, enum dns_status status, const char *error);

/* c-ares transport (resolver_ares.c).  init checks server ("HOST[:PORT]",
 * "[v6]:PORT", NULL: resolv.conf) and makes the UDP and TCP channels; false
 * with the reason in err.  send hands q to the UDP channel (q->busy until
 * c-ares lets go; a truncated answer is asked again over TCP).  fds adds
 * the channels' sockets and lowers *due_ms to their next timeout; process
 * reads ready sockets and runs due retries (callbacks run here).  destroy
 * ends both channels (c-ares calls back each query it holds). */
bool resolver_ares_init(struct net_resolver *r, const char *server, char *err, size_t errlen);
void resolver_ares_send(struct net_query *q);
size_t resolver_ares_fds(struct net_resolver *r, struct pollfd *fds, size_t max, double *due_ms);
void resolver_ares_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds);
void resolver_ares_destroy(struct net_resolver *r);

/* DoH transport (resolver_doh.c), the same shape over the libcurl multi
 * interface: init checks the URL and makes the multi handle; send starts
 * one HTTP/2 POST (a failure ends q at once with DNS_ERROR); cancel drops
 * q's transfer (no callback); fds/process as above for curl's sockets and
 * timer; destroy frees the multi handle (cancel every query first). */
bool resolver_doh_init(struct net_resolver *r, const struct net_resolver_options *opts, char *err,
                       size_t errlen);
void resolver_doh_send(struct net_query *q);
void resolver_doh_cancel(struct net_query *q);
size_t resolver_doh_fds(struct net_resolver *r, struct pollfd *fds, size_t max, double *due_ms);
void resolver_doh_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds);
void resolver_doh_destroy(struct net_resolver *r);

#endif
