/* The c-ares transport: queries we build ourselves (ares_create_query) sent
 * with ares_send, so the raw answer (and its rcode) comes back to us.  Two
 * channels: UDP with ARES_FLAG_IGNTC, so a truncated answer reaches us and
 * we ask again on the TCP channel (ARES_FLAG_USEVC); that is how we know an
 * answer came over TCP.  With --dns there is one server, and
 * ARES_FLAG_NOCHECKRESP hands SERVFAIL/REFUSED answers to us instead of
 * hiding them as ARES_ECONNREFUSED (we check the question ourselves).
 *
 * EDNS0 (RFC 6891): every query carries an OPT record advertising a
 * RESOLVER_EDNS_SIZE-byte UDP payload, the size DNS flag day 2020 settled on
 * to avoid IP fragmentation, so a 2048- or 4096-bit DKIM key (a 400- to
 * 750-byte TXT) comes back over UDP instead of falling back to TCP.
 * ARES_FLAG_EDNS also makes c-ares ask again without EDNS when a server
 * answers FORMERR.  An answer still truncated over TCP is a DNS error: a
 * partial record set is never taken for the whole. */
#include "resolver_internal.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "HOST[:PORT]", "[v6]:PORT" or a bare IPv6 address -> "addr:port" in the
 * form ares_set_servers_ports_csv takes, and a display text. */
static bool parse_server(const char *spec, char *csv, size_t csvlen, char *err, size_t errlen)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *port = NULL;
    unsigned char addr[16];
    bool v6 = false;
    const char *orig = spec;
    size_t len = strlen(spec);

    if (len == 0) {
        snprintf(err, errlen, "--dns: empty server address");
        return false;
    }
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close) {
            snprintf(err, errlen, "--dns: missing ']' in '%.80s'", spec);
            return false;
        }
        len = (size_t)(close - spec - 1);
        if (close[1] == ':')
            port = close + 2;
        else if (close[1]) {
            snprintf(err, errlen, "--dns: expected ':PORT' after ']' in '%.80s'", spec);
            return false;
        }
        spec++;
        v6 = true;
    } else if (strchr(spec, ':') != strrchr(spec, ':')) {
        v6 = true; /* a bare IPv6 address, no port */
    } else if (strchr(spec, ':')) {
        port = strchr(spec, ':') + 1;
        len = (size_t)(port - 1 - spec);
    }
    if (len == 0 || len >= sizeof host) {
        snprintf(err, errlen, "--dns: bad address in '%.80s'", orig);
        return false;
    }
    memcpy(host, spec, len);
    host[len] = '\0';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1) {
        snprintf(err, errlen,
                 "--dns: '%.80s' is not an IP%s address (give the server's address,"
                 " not its name)",
                 host, v6 ? "v6" : "v4");
        return false;
    }
    unsigned long portno = 53;
    if (port) {
        size_t i = 0;
        portno = 0;
        for (; port[i] >= '0' && port[i] <= '9' && i < 6; i++)
            portno = portno * 10 + (unsigned long)(port[i] - '0');
        if (i == 0 || port[i] || portno == 0 || portno > 65535) {
            snprintf(err, errlen, "--dns: bad port in '%.80s' (1 to 65535)", orig);
            return false;
        }
    }
    snprintf(csv, csvlen, v6 ? "[%s]:%lu" : "%s:%lu", host, portno);
    return true;
}

static bool make_channel(struct net_resolver *r, ares_channel *ch, int flags, const char *csv,
                         char *err, size_t errlen)
{
    struct ares_options o;
    memset(&o, 0, sizeof o);
    o.flags = flags | ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS;
    o.timeout = r->timeout_ms;
    o.tries = r->tries;
    o.ednspsz = RESOLVER_EDNS_SIZE;
    int rc = ares_init_options(
        ch, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ);
    if (rc != ARES_SUCCESS) {
        *ch = NULL;
        snprintf(err, errlen, "resolver: %s", ares_strerror(rc));
        return false;
    }
    if (csv && (rc = ares_set_servers_ports_csv(*ch, csv)) != ARES_SUCCESS) {
        snprintf(err, errlen, "--dns: %s", ares_strerror(rc));
        return false;
    }
    return true;
}

/* "127.0.0.53:53" for the system resolver's first server. */
static void describe_system(struct net_resolver *r)
{
    struct ares_addr_port_node *list = NULL;
    char addr[INET6_ADDRSTRLEN];
    snprintf(r->server_text, sizeof r->server_text, "the system resolver");
    if (ares_get_servers_ports(r->udp, &list) != ARES_SUCCESS || !list)
        return;
    const void *src = list->family == AF_INET6 ? (const void *)&list->addr.addr6
                                               : (const void *)&list->addr.addr4;
    if (inet_ntop(list->family, src, addr, sizeof addr)) {
        int port = list->udp_port ? list->udp_port : 53;
        snprintf(r->server_text, sizeof r->server_text,
                 list->family == AF_INET6 ? "[%s]:%d%s" : "%s:%d%s", addr, port,
                 list->next ? " (and the other system servers)" : "");
    }
    ares_free_data(list);
}

bool resolver_ares_init(struct net_resolver *r, const char *server, char *err, size_t errlen)
{
    char csv[INET6_ADDRSTRLEN + 16];
    if (server && !parse_server(server, csv, sizeof csv, err, errlen))
        return false;
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
        snprintf(err, errlen, "resolver: c-ares failed to start");
        return false;
    }
    r->ares_ready = true;
    r->exact_rcode = server != NULL;
    int extra = r->exact_rcode ? ARES_FLAG_NOCHECKRESP : 0;
    if (!make_channel(r, &r->udp, ARES_FLAG_IGNTC | extra, server ? csv : NULL, err, errlen) ||
        !make_channel(r, &r->tcp, ARES_FLAG_USEVC | extra, server ? csv : NULL, err, errlen))
        return false;
    if (server)
        snprintf(r->server_text, sizeof r->server_text, "%s", csv);
    else
        describe_system(r);
    return true;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static void send_on(struct net_query *q, ares_channel ch)
{
    unsigned char *buf = NULL;
    int len = 0;
    /* The last argument adds the OPT record (RFC 6891 §6.1.2). */
    int rc = ares_create_query(q->name, ns_c_in, resolver_qtype_code(q->type), 0, 1, &buf, &len,
                               RESOLVER_EDNS_SIZE);
    if (rc != ARES_SUCCESS) {
        resolver_finish_error(q, DNS_ERROR,
                              rc == ARES_ENOMEM ? "out of memory" : "cannot build the query");
        return;
    }
    q->busy = true;
    ares_send(ch, buf, len, on_answer, q);
    ares_free_string(buf);
}

void resolver_ares_send(struct net_query *q) { send_on(q, q->r->udp); }

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct net_query *q = arg;
    struct net_resolver *r = q->r;
    char msg[RESOLVER_ERROR_MAX];
    (void)timeouts;
    q->busy = false;
    if (q->done || status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
        return; /* already answered (deadline) or shutting down */

    switch (status) {
    case ARES_SUCCESS:
        break;
    case ARES_ETIMEOUT:
        snprintf(msg, sizeof msg, "no answer from %s after %d %s of %d ms", r->server_text,
                 r->tries, r->tries == 1 ? "try" : "tries", r->timeout_ms);
        resolver_finish_error(q, DNS_TIMEOUT, msg);
        return;
    case ARES_ECONNREFUSED:
        if (r->exact_rcode)
            snprintf(msg, sizeof msg, "no DNS server at %s (connection refused)", r->server_text);
        else
            snprintf(msg, sizeof msg,
                     "server failure (SERVFAIL or REFUSED, or connection"
                     " refused) from every server of %s",
                     r->server_text);
        resolver_finish_error(q, DNS_SERVFAIL, msg);
        return;
    case ARES_ESERVFAIL:
        snprintf(msg, sizeof msg, "server failure (SERVFAIL) from %s", r->server_text);
        resolver_finish_error(q, DNS_SERVFAIL, msg);
        return;
    case ARES_EREFUSED:
        snprintf(msg, sizeof msg, "query refused (REFUSED) by %s", r->server_text);
        resolver_finish_error(q, DNS_REFUSED, msg);
        return;
    case ARES_ENOMEM:
        resolver_finish_error(q, DNS_ERROR, "out of memory");
        return;
    default:
        snprintf(msg, sizeof msg, "%s (asking %s)", ares_strerror(status), r->server_text);
        resolver_finish_error(q, DNS_ERROR, msg);
        return;
    }

    struct resolver_result res;
    resolver_msg_parse(abuf, alen > 0 ? (size_t)alen : 0, q->name, resolver_qtype_code(q->type),
                       r->server_text, &res);
    if (res.tc && !q->via_tcp) {
        /* RFC 1035 §4.2.1, RFC 7766: a truncated UDP answer is asked again
         * over TCP.  The query keeps its deadline. */
        dns_txt_answer_free(&res.txt);
        dns_answer_free(&res.rrs);
        q->via_tcp = true;
        send_on(q, r->tcp);
        return;
    }
    if (res.tc) {
        /* Truncated over TCP too (RFC 7766 §5 allows no such thing): the
         * records are not all there, which is not "no record". */
        dns_txt_answer_free(&res.txt);
        snprintf(msg, sizeof msg, "answer truncated even over TCP from %s", r->server_text);
        resolver_finish_error(q, DNS_ERROR, msg);
        return;
    }
    resolver_finish(q, &res);
}

static size_t channel_fds(ares_channel ch, struct pollfd *fds, size_t max, double *due_ms)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    size_t n = 0;
    /* Bits tested as unsigned: c-ares's ARES_GETSOCK_WRITABLE shifts a
     * signed 1 by 31 for the last socket (undefined behaviour). */
    unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
        short ev = 0;
        if (bits & (1u << i))
            ev |= POLLIN;
        if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
            ev |= POLLOUT;
        if (!ev)
            continue;
        fds[n].fd = socks[i];
        fds[n].events = ev;
        fds[n].revents = 0;
        n++;
    }
    struct timeval tv;
    if (ares_timeout(ch, NULL, &tv)) {
        double due = resolver_now_ms() + (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0;
        if (*due_ms < 0 || due < *due_ms)
            *due_ms = due;
    }
    return n;
}

size_t resolver_ares_fds(struct net_resolver *r, struct pollfd *fds, size_t max, double *due_ms)
{
    size_t n = channel_fds(r->udp, fds, max, due_ms);
    return n + channel_fds(r->tcp, fds + n, max - n, due_ms);
}

void resolver_ares_process(struct net_resolver *r, const struct pollfd *fds, size_t nfds)
{
    ares_channel chans[2] = {r->udp, r->tcp};
    for (size_t i = 0; i < nfds; i++) {
        if (!fds[i].revents)
            continue;
        ares_socket_t rfd =
            fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd : ARES_SOCKET_BAD;
        ares_socket_t wfd = fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD;
        for (int c = 0; c < 2; c++)
            ares_process_fd(chans[c], rfd, wfd);
    }
    /* Timeouts and retries that are due. */
    for (int c = 0; c < 2; c++)
        ares_process_fd(chans[c], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

void resolver_ares_destroy(struct net_resolver *r)
{
    if (r->udp)
        ares_destroy(r->udp);
    if (r->tcp)
        ares_destroy(r->tcp);
    r->udp = r->tcp = NULL;
    if (r->ares_ready)
        ares_library_cleanup();
    r->ares_ready = false;
}
