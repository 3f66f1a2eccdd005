/* The resolver's public face (resolver.h): checks names, keeps the queries
 * in asking order, holds back those past NET_MAX_INFLIGHT, ends every query
 * by its deadline (timeout x tries) whatever the transport does, and calls
 * each callback exactly once.  The transports live in resolver_ares.c and
 * resolver_doh.c; both read answers with resolver_msg.c. */
#include "resolver_internal.h"

#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double resolver_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* RFC 1035 §2.3.4 sizes; printable ASCII only (an A-label name: IDNs are
 * converted before they get here), no backslash (c-ares reads escapes). */
static bool name_valid(const char *name)
{
    size_t len = strlen(name), label = 0;
    if (len == 0 || (len == 1 && name[0] == '.'))
        return false;
    if (name[len - 1] == '.')
        len--;
    if (len > 253)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')')
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

static void unlink_query(struct net_resolver *r, struct net_query *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        r->head = q->next;
    if (q->next)
        q->next->prev = q->prev;
    else
        r->tail = q->prev;
}

static void free_query(struct net_query *q)
{
    free(q->body);
    if (q->qbuf)
        ares_free_string(q->qbuf);
    free(q);
}

static void deliver(struct net_query *q, struct resolver_result *res)
{
    struct net_resolver *r = q->r;
    struct net_answer a;
    q->done = true;
    r->pending--;
    if (q->sent)
        r->inflight--;
    memset(&a, 0, sizeof a);
    a.name = q->name;
    a.type = q->type;
    a.status = res->status;
    a.txt = res->txt;
    a.txt.status = res->status;
    a.count = res->count;
    res->rrs.status = res->status;
    a.records = &res->rrs;
    a.truncated = res->truncated;
    a.via_tcp = q->via_tcp;
    a.counts_only = res->counts_only;
    a.ttl = res->ttl;
    a.error = res->status >= DNS_TIMEOUT || res->counts_only ? res->error : "";
    a.elapsed_ms = q->sent ? resolver_now_ms() - q->start_ms : 0.0;
    if (a.status >= DNS_TIMEOUT && !a.error[0])
        a.error = dns_status_name(a.status);
    if (q->sent && !r->closing)
        resolver_cache_put(r->cache, &a);
    if (r->record && !r->closing && !net_capture_add(r->record, &a))
        r->record_failed = true;
    q->fn(q->data, &a);
    dns_txt_answer_free(&res->txt);
    dns_answer_free(&res->rrs);
}

void resolver_finish(struct net_query *q, struct resolver_result *res)
{
    if (q->done) {
        dns_txt_answer_free(&res->txt);
        dns_answer_free(&res->rrs);
        return;
    }
    deliver(q, res);
}

void resolver_finish_error(struct net_query *q, enum dns_status status, const char *error)
{
    struct resolver_result res;
    memset(&res, 0, sizeof res);
    dns_txt_answer_init(&res.txt);
    res.ttl = -1;
    dns_answer_init(&res.rrs);
    res.status = status;
    snprintf(res.error, sizeof res.error, "%s", error);
    resolver_finish(q, &res);
}

struct net_resolver *net_resolver_new(const struct net_resolver_options *opts, char *err,
                                      size_t errlen)
{
    struct net_resolver_options none;
    if (!opts) {
        memset(&none, 0, sizeof none);
        opts = &none;
    }
    if (errlen)
        err[0] = '\0';
    if (opts->timeout_ms < 0 || opts->tries < 0 || opts->timeout_ms > 600000 || opts->tries > 20) {
        snprintf(err, errlen, "resolver: timeout must be 0..600000 ms and tries 0..20");
        return NULL;
    }
    if (opts->server && opts->doh_url) {
        snprintf(err, errlen, "--dns and --doh cannot be used together");
        return NULL;
    }
    struct net_resolver *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "resolver: out of memory");
        return NULL;
    }
    r->timeout_ms = opts->timeout_ms ? opts->timeout_ms : NET_DEFAULT_TIMEOUT_MS;
    r->tries = opts->tries ? opts->tries : NET_DEFAULT_TRIES;
    r->max_inflight = opts->max_inflight ? opts->max_inflight : NET_MAX_INFLIGHT;
    if (r->max_inflight > 4096)
        r->max_inflight = 4096;
    if (opts->cache && !(r->cache = resolver_cache_new())) {
        snprintf(err, errlen, "resolver: out of memory");
        free(r);
        return NULL;
    }
    r->curl_due_ms = -1;
    r->record = opts->record;
    r->replay = opts->replay;
    if (r->replay && (opts->server || opts->doh_url)) {
        snprintf(err, errlen, "--dns-file answers from a file: no --dns or --doh with it");
        net_resolver_free(r);
        return NULL;
    }
    if (r->replay)
        snprintf(r->server_text, sizeof r->server_text, "the capture file");
    bool ok = r->replay       ? true
              : opts->doh_url ? resolver_doh_init(r, opts, err, errlen)
                              : resolver_ares_init(r, opts->server, err, errlen);
    if (!ok) {
        net_resolver_free(r);
        return NULL;
    }
    return r;
}

void net_resolver_free(struct net_resolver *r)
{
    if (!r)
        return;
    /* Callbacks first (a callback asking more is refused: closing), then
     * the transports, which let go of the queries they hold. */
    r->closing = true;
    for (struct net_query *q = r->head; q; q = q->next)
        if (!q->done)
            resolver_finish_error(q, DNS_ERROR, "cancelled");
    for (struct net_query *q = r->head; q; q = q->next)
        if (q->easy)
            resolver_doh_cancel(q);
    resolver_ares_destroy(r);
    resolver_doh_destroy(r);
    while (r->head) {
        struct net_query *q = r->head;
        unlink_query(r, q);
        free_query(q);
    }
    resolver_cache_free(r->cache);
    free(r);
}

bool net_resolver_query(struct net_resolver *r, const char *name, enum net_qtype type,
                        net_answer_fn fn, void *data)
{
    if (!r || r->closing || !name || !fn || !name_valid(name) || (unsigned)type > NET_Q_PTR)
        return false;
    struct net_query *q = calloc(1, sizeof *q);
    if (!q)
        return false;
    q->r = r;
    snprintf(q->name, sizeof q->name, "%s", name);
    q->type = type;
    q->fn = fn;
    q->data = data;
    q->prev = r->tail;
    if (r->tail)
        r->tail->next = q;
    else
        r->head = q;
    r->tail = q;
    r->pending++;
    /* Sent from the next net_resolver_process, so that no callback can run
     * from here (a transport may fail at once). */
    return true;
}

size_t net_resolver_pending(const struct net_resolver *r) { return r ? r->pending : 0; }

size_t net_resolver_sent(const struct net_resolver *r) { return r ? r->sent : 0; }

size_t net_resolver_inflight(const struct net_resolver *r) { return r ? r->inflight : 0; }

size_t net_resolver_cached(const struct net_resolver *r) { return r ? r->cached : 0; }

bool net_resolver_record_failed(const struct net_resolver *r) { return r && r->record_failed; }

/* A query that waits for another one's answer (the cache has the same
 * name and type in flight) is not ready to go. */
static bool waits_for_other(const struct net_resolver *r, const struct net_query *q)
{
    return resolver_cache_state(r->cache, q->name, q->type) == RESOLVER_CACHE_IN_FLIGHT;
}

static bool have_waiting(const struct net_resolver *r)
{
    for (const struct net_query *q = r->head; q; q = q->next) {
        if (q->sent || q->done || waits_for_other(r, q))
            continue;
        /* A kept answer goes out whatever is on the wire. */
        if (r->replay || r->inflight < r->max_inflight ||
            resolver_cache_state(r->cache, q->name, q->type) == RESOLVER_CACHE_DONE)
            return true;
    }
    return false;
}

/* A kept answer (a capture's, the cache's) as the result of q: deep
 * copies, so the result is freed as a transport's is. */
static void result_from_kept(struct resolver_result *res, const struct net_kept_answer *k,
                             enum net_qtype type)
{
    res->status = k->status;
    res->count = k->count;
    res->ttl = k->ttl;
    res->truncated = k->truncated;
    res->counts_only = k->counts_only;
    snprintf(res->error, sizeof res->error, "%s", k->error ? k->error : "");
    if (!net_kept_answer_copy_records(k, type, &res->txt, &res->rrs)) {
        dns_txt_answer_free(&res->txt);
        dns_answer_free(&res->rrs);
        res->status = DNS_ERROR;
        res->counts_only = false;
        snprintf(res->error, sizeof res->error, "out of memory");
    }
}

/* --dns-file: the capture's answer, or a DNS error saying the file does
 * not hold the question (a missing name is not NXDOMAIN: the recording
 * never asked it). */
static void answer_from_replay(struct net_resolver *r, struct net_query *q)
{
    const struct net_capture_entry *e = net_capture_find(r->replay, q->name, q->type);
    struct resolver_result res;
    memset(&res, 0, sizeof res);
    dns_txt_answer_init(&res.txt);
    dns_answer_init(&res.rrs);
    res.ttl = -1;
    if (!e) {
        res.status = DNS_ERROR;
        snprintf(res.error, sizeof res.error, "%.110s %s is not in the capture file %.100s",
                 q->name, net_qtype_name(q->type), net_capture_path(r->replay));
    } else {
        result_from_kept(&res, &e->answer, q->type);
        /* Short: the receiver simulation keeps 127 bytes of it. */
        if (res.counts_only)
            snprintf(res.error, sizeof res.error,
                     "%.60s (capture version %d) keeps no %s records, only their count",
                     net_capture_path(r->replay), net_capture_version(r->replay),
                     net_qtype_name(q->type));
    }
    res.txt.status = res.status;
    deliver(q, &res);
}

/* Answer q from the cache when it holds (name, type); false when not. */
static bool answer_from_cache(struct net_resolver *r, struct net_query *q)
{
    const struct net_kept_answer *k = resolver_cache_get(r->cache, q->name, q->type);
    if (!k)
        return false;
    struct resolver_result res;
    memset(&res, 0, sizeof res);
    dns_txt_answer_init(&res.txt);
    dns_answer_init(&res.rrs);
    result_from_kept(&res, k, q->type);
    q->via_tcp = k->via_tcp;
    r->cached++;
    deliver(q, &res);
    return true;
}

static void send_waiting(struct net_resolver *r)
{
    for (struct net_query *q = r->head; q; q = q->next) {
        if (q->sent || q->done)
            continue;
        if (r->replay) {
            answer_from_replay(r, q);
            continue;
        }
        if (answer_from_cache(r, q) || waits_for_other(r, q))
            continue;
        if (r->inflight >= r->max_inflight)
            continue;
        resolver_cache_mark_sent(r->cache, q->name, q->type);
        q->sent = true;
        q->start_ms = resolver_now_ms();
        q->deadline_ms = q->start_ms + (double)r->timeout_ms * r->tries;
        r->inflight++;
        r->sent++;
        if (r->multi)
            resolver_doh_send(q);
        else
            resolver_ares_send(q);
    }
}

/* Every query ends by its deadline, even if the transport would go on
 * (c-ares 1.18 doubles the timeout on each try). */
static void expire(struct net_resolver *r)
{
    double now = resolver_now_ms();
    char msg[RESOLVER_ERROR_MAX];
    for (;;) {
        struct net_query *q = r->head;
        while (q && !(q->sent && !q->done && now >= q->deadline_ms))
            q = q->next;
        if (!q)
            return;
        if (q->easy)
            resolver_doh_cancel(q);
        if (r->multi)
            snprintf(msg, sizeof msg, "no answer from DoH server %s in %ld ms", r->server_text,
                     (long)r->timeout_ms * r->tries);
        else
            snprintf(msg, sizeof msg, "no answer from %s after %d %s of %d ms", r->server_text,
                     r->tries, r->tries == 1 ? "try" : "tries", r->timeout_ms);
        resolver_finish_error(q, DNS_TIMEOUT, msg);
    }
}

static void sweep(struct net_resolver *r)
{
    struct net_query *q = r->head;
    while (q) {
        struct net_query *next = q->next;
        if (q->done && !q->busy) {
            unlink_query(r, q);
            free_query(q);
        }
        q = next;
    }
}

size_t net_resolver_fds(struct net_resolver *r, struct pollfd *fds, size_t max, int *timeout_ms)
{
    double due = -1;
    size_t n = 0;
    if (!r)
        return 0;
    if (r->replay)
        n = 0; /* no transport: answers come from the capture */
    else if (r->multi)
        n = resolver_doh_fds(r, fds, max, &due);
    else
        n = resolver_ares_fds(r, fds, max, &due);
    for (const struct net_query *q = r->head; q; q = q->next)
        if (q->sent && !q->done && (due < 0 || q->deadline_ms < due))
            due = q->deadline_ms;
    if (have_waiting(r))
        due = 0;
    if (due >= 0 && timeout_ms) {
        double left = due - resolver_now_ms();
        int ms = left <= 0 ? 0 : left > 3600000 ? 3600000 : (int)left + 1;
        if (*timeout_ms < 0 || ms < *timeout_ms)
            *timeout_ms = ms;
    }
    return n;
}

void net_resolver_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds)
{
    if (!r)
        return;
    if (!fds)
        nfds = 0;
    if (r->replay)
        (void)nfds;
    else if (r->multi)
        resolver_doh_process(r, fds, nfds);
    else
        resolver_ares_process(r, fds, nfds);
    expire(r);
    send_waiting(r);
    sweep(r);
}

void net_resolver_wait(struct net_resolver *r)
{
    struct pollfd fds[128];
    while (r && r->pending) {
        int timeout = -1;
        size_t n = net_resolver_fds(r, fds, sizeof fds / sizeof fds[0], &timeout);
        int rc = poll(fds, (nfds_t)n, timeout);
        if (rc < 0 && errno != EINTR)
            rc = 0; /* treat as a timeout: deadlines still end every query */
        net_resolver_process(r, rc > 0 ? fds : NULL, rc > 0 ? n : 0);
    }
}
