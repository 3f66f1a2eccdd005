/* The DNS-over-HTTPS transport (RFC 8484): each query is one HTTP/2 POST of
 * an application/dns-message (ID 0, §4.1) through the libcurl multi
 * interface, whose sockets join the caller's poll set
 * (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION).  Answers are read by the same
 * parser as the c-ares path, so both give the same results. */
#include "resolver_internal.h"

#include "curl_lib.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct net_resolver *r = userp;
    (void)easy;
    (void)socketp;
    size_t i = 0;
    while (i < r->ncurl_socks && r->curl_socks[i].fd != fd)
        i++;
    if (what == CURL_POLL_REMOVE) {
        if (i < r->ncurl_socks)
            r->curl_socks[i] = r->curl_socks[--r->ncurl_socks];
        return 0;
    }
    if (i == r->ncurl_socks) {
        if (r->ncurl_socks == r->curl_socks_cap) {
            size_t cap = r->curl_socks_cap ? r->curl_socks_cap * 2 : 8;
            struct resolver_curl_sock *s = realloc(r->curl_socks, cap * sizeof *s);
            if (!s)
                return -1; /* curl fails the transfer */
            r->curl_socks = s;
            r->curl_socks_cap = cap;
        }
        r->ncurl_socks++;
    }
    r->curl_socks[i].fd = fd;
    r->curl_socks[i].what = what;
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct net_resolver *r = userp;
    (void)multi;
    r->curl_due_ms = timeout_ms < 0 ? -1 : resolver_now_ms() + (double)timeout_ms;
    return 0;
}

bool resolver_doh_init(struct net_resolver *r, const struct net_resolver_options *opts, char *err,
                       size_t errlen)
{
    const char *url = opts->doh_url;
    if (strncasecmp(url, "https://", 8) != 0 || !url[8] || url[8] == '/') {
        snprintf(err, errlen, "--doh: URL must start with https:// and name a host");
        return false;
    }
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
            snprintf(err, errlen, "--doh: the URL has a space or a control character");
            return false;
        }
    char why[200];
    if (!(r->curl = curl_lib_load(why, sizeof why))) {
        snprintf(err, errlen, "--doh needs libcurl: %s", why);
        return false;
    }
    r->doh_url = strdup(url);
    r->doh_cafile = opts->doh_cafile ? strdup(opts->doh_cafile) : NULL;
    r->doh_insecure = opts->doh_insecure;
    snprintf(r->server_text, sizeof r->server_text, "%.120s", url);
    struct curl_slist *h = r->curl->slist_append(NULL, "Content-Type: application/dns-message");
    if (h) {
        struct curl_slist *both = r->curl->slist_append(h, "Accept: application/dns-message");
        if (!both) {
            r->curl->slist_free_all(h);
            h = NULL;
        }
    }
    r->doh_headers = h;
    r->multi = r->curl->multi_init();
    if (!r->doh_url || (opts->doh_cafile && !r->doh_cafile) || !h || !r->multi) {
        snprintf(err, errlen, "--doh: out of memory");
        return false;
    }
    r->curl->multi_setopt(r->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    r->curl->multi_setopt(r->multi, CURLMOPT_SOCKETDATA, r);
    r->curl->multi_setopt(r->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    r->curl->multi_setopt(r->multi, CURLMOPT_TIMERDATA, r);
    r->curl->multi_setopt(r->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    return true;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct net_query *q = userdata;
    size_t n = size * nmemb;
    if (n > RESOLVER_DOH_BODY_MAX - q->body_len) {
        q->body_over = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    if (q->body_len + n > q->body_cap) {
        /* Grow by doubling, never past the cap checked above. */
        size_t cap = q->body_cap ? q->body_cap : 512;
        while (cap < q->body_len + n)
            cap *= 2;
        if (cap > RESOLVER_DOH_BODY_MAX)
            cap = RESOLVER_DOH_BODY_MAX;
        unsigned char *b = realloc(q->body, cap);
        if (!b)
            return 0;
        q->body = b;
        q->body_cap = cap;
    }
    memcpy(q->body + q->body_len, ptr, n);
    q->body_len += n;
    return n;
}

void resolver_doh_send(struct net_query *q)
{
    struct net_resolver *r = q->r;
    int len = 0;
    /* RFC 8484 §4.1: the DNS ID should be 0 for cache friendliness. */
    int rc =
        ares_create_query(q->name, ns_c_in, resolver_qtype_code(q->type), 0, 1, &q->qbuf, &len, 0);
    if (rc != ARES_SUCCESS) {
        resolver_finish_error(q, DNS_ERROR, "cannot build the query");
        return;
    }
    CURL *e = r->curl->easy_init();
    if (!e) {
        resolver_finish_error(q, DNS_ERROR, "out of memory");
        return;
    }
    long total = (long)r->timeout_ms * r->tries;
    r->curl->easy_setopt(e, CURLOPT_URL, r->doh_url);
    r->curl->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
    r->curl->easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    r->curl->easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    r->curl->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    r->curl->easy_setopt(e, CURLOPT_HTTPHEADER, r->doh_headers);
    r->curl->easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)q->qbuf);
    r->curl->easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
    r->curl->easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
    /* One budget for connect, TLS and the answer (and no separate connect
     * timeout, which would also cut the TLS handshake short). */
    r->curl->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, total);
    r->curl->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    r->curl->easy_setopt(e, CURLOPT_WRITEDATA, q);
    r->curl->easy_setopt(e, CURLOPT_PRIVATE, q);
    r->curl->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if (r->doh_cafile)
        r->curl->easy_setopt(e, CURLOPT_CAINFO, r->doh_cafile);
    if (r->doh_insecure) {
        r->curl->easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        r->curl->easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (r->curl->multi_add_handle(r->multi, e) != CURLM_OK) {
        r->curl->easy_cleanup(e);
        resolver_finish_error(q, DNS_ERROR, "out of memory");
        return;
    }
    q->easy = e;
    q->busy = true;
}

void resolver_doh_cancel(struct net_query *q)
{
    struct net_resolver *r = q->r;
    if (!q->easy)
        return;
    r->curl->multi_remove_handle(r->multi, q->easy);
    r->curl->easy_cleanup(q->easy);
    q->easy = NULL;
    q->busy = false;
}

static void complete(struct net_query *q, CURLcode code)
{
    struct net_resolver *r = q->r;
    char msg[RESOLVER_ERROR_MAX];
    long http = 0;
    char *ctype = NULL;
    r->curl->easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &http);
    r->curl->easy_getinfo(q->easy, CURLINFO_CONTENT_TYPE, &ctype);

    if (code == CURLE_OPERATION_TIMEDOUT) {
        snprintf(msg, sizeof msg, "no answer from DoH server %s in %ld ms", r->server_text,
                 (long)r->timeout_ms * r->tries);
        resolver_finish_error(q, DNS_TIMEOUT, msg);
    } else if (code == CURLE_WRITE_ERROR && q->body_over) {
        snprintf(msg, sizeof msg, "DoH answer over %u bytes", RESOLVER_DOH_BODY_MAX);
        resolver_finish_error(q, DNS_ERROR, msg);
    } else if (code != CURLE_OK) {
        snprintf(msg, sizeof msg, "DoH: %s", r->curl->easy_strerror(code));
        resolver_finish_error(q, DNS_ERROR, msg);
    } else if (http != 200) {
        snprintf(msg, sizeof msg, "HTTP %ld from DoH server", http);
        resolver_finish_error(q, http >= 500 ? DNS_SERVFAIL : DNS_ERROR, msg);
    } else if (!ctype || strncasecmp(ctype, "application/dns-message", 23) != 0 ||
               (ctype[23] && ctype[23] != ';' && ctype[23] != ' ')) {
        /* The type is untrusted text: printable ASCII only, cut short. */
        char shown[48];
        size_t n = 0;
        for (const char *p = ctype ? ctype : ""; *p && n < sizeof shown - 1; p++)
            shown[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
        shown[n] = '\0';
        if (ctype)
            snprintf(msg, sizeof msg,
                     "DoH server answered with Content-Type '%s', not application/dns-message",
                     shown);
        else
            snprintf(msg, sizeof msg, "DoH server answered with no Content-Type");
        resolver_finish_error(q, DNS_ERROR, msg);
    } else {
        struct resolver_result res;
        resolver_msg_parse(q->body, q->body_len, q->name, resolver_qtype_code(q->type),
                           r->server_text, &res);
        if (res.tc) {
            /* RFC 8484 §5.2 leaves no fallback for a truncated DoH answer:
             * the records are not all there, a DNS error (not "no record"). */
            dns_txt_answer_free(&res.txt);
            char tmsg[RESOLVER_ERROR_MAX];
            snprintf(tmsg, sizeof tmsg, "answer truncated (TC) from DoH server %s", r->server_text);
            resolver_finish_error(q, DNS_ERROR, tmsg);
        } else {
            resolver_finish(q, &res);
        }
    }
    resolver_doh_cancel(q);
}

size_t resolver_doh_fds(struct net_resolver *r, struct pollfd *fds, size_t max, double *due_ms)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncurl_socks && n < max; i++) {
        int what = r->curl_socks[i].what;
        short ev = 0;
        if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
            ev |= POLLIN;
        if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
            ev |= POLLOUT;
        if (!ev)
            continue;
        fds[n].fd = r->curl_socks[i].fd;
        fds[n].events = ev;
        fds[n].revents = 0;
        n++;
    }
    if (r->curl_due_ms >= 0 && (*due_ms < 0 || r->curl_due_ms < *due_ms))
        *due_ms = r->curl_due_ms;
    return n;
}

static bool is_curl_fd(const struct net_resolver *r, curl_socket_t fd)
{
    for (size_t i = 0; i < r->ncurl_socks; i++)
        if (r->curl_socks[i].fd == fd)
            return true;
    return false;
}

void resolver_doh_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds)
{
    int running = 0;
    for (size_t i = 0; i < nfds; i++) {
        if (!fds[i].revents || !is_curl_fd(r, fds[i].fd))
            continue;
        int ev = 0;
        if (fds[i].revents & (POLLIN | POLLHUP))
            ev |= CURL_CSELECT_IN;
        if (fds[i].revents & POLLOUT)
            ev |= CURL_CSELECT_OUT;
        if (fds[i].revents & (POLLERR | POLLNVAL))
            ev |= CURL_CSELECT_ERR;
        r->curl->multi_socket_action(r->multi, fds[i].fd, ev, &running);
    }
    if (r->curl_due_ms >= 0 && resolver_now_ms() >= r->curl_due_ms) {
        r->curl_due_ms = -1;
        r->curl->multi_socket_action(r->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    CURLMsg *m;
    int left;
    while ((m = r->curl->multi_info_read(r->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *e = m->easy_handle;
        CURLcode code = m->data.result;
        struct net_query *q = NULL;
        r->curl->easy_getinfo(e, CURLINFO_PRIVATE, (char **)&q);
        if (q)
            complete(q, code);
    }
}

void resolver_doh_destroy(struct net_resolver *r)
{
    if (!r->curl) /* not a DoH resolver, or libcurl could not be loaded */
        return;
    if (r->multi)
        r->curl->multi_cleanup(r->multi);
    r->multi = NULL;
    r->curl->slist_free_all(r->doh_headers);
    r->doh_headers = NULL;
    free(r->curl_socks);
    r->curl_socks = NULL;
    free(r->doh_url);
    free(r->doh_cafile);
    r->doh_url = r->doh_cafile = NULL;
    /* curl_global_cleanup is left to process exit: another part of the
     * program may still use libcurl. */
}
