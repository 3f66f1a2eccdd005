/* Filling the check's DNS cache from the resolver; see dnssource_net.h. */
#include "dnssource_net.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct net_dns_pending {
    struct net_dns_source *s; /* NULL once the source is freed: drop the answer */
    enum dns_rrtype type;
    struct net_dns_pending *next;
};

static enum net_qtype to_net(enum dns_rrtype t)
{
    switch (t) {
    case DNS_TYPE_A:
        return NET_Q_A;
    case DNS_TYPE_AAAA:
        return NET_Q_AAAA;
    case DNS_TYPE_MX:
        return NET_Q_MX;
    case DNS_TYPE_PTR:
        return NET_Q_PTR;
    case DNS_TYPE_TXT:
        break;
    }
    return NET_Q_TXT;
}

void net_dns_source_init(struct net_dns_source *s, struct net_resolver *resolver)
{
    memset(s, 0, sizeof *s);
    dns_table_init(&s->cache, false);
    s->resolver = resolver;
}

void net_dns_source_free(struct net_dns_source *s)
{
    /* Queries in flight keep their record; detach them so a late answer
     * (or the resolver's cancel) is dropped and the record freed then. */
    for (struct net_dns_pending *p = s->pending; p; p = p->next)
        p->s = NULL;
    dns_table_free(&s->cache);
    free(s->asked);
    memset(s, 0, sizeof *s);
}

static void unlink_pending(struct net_dns_source *s, struct net_dns_pending *p)
{
    for (struct net_dns_pending **pp = &s->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            return;
        }
}

/* Copy what the resolver said into the cache slot. */
static void store(struct net_dns_source *s, const char *name, enum dns_rrtype type,
                  const struct net_answer *a)
{
    struct dns_answer *slot = dns_table_slot(&s->cache, name, type);
    if (!slot)
        return;
    dns_answer_free(slot);
    for (size_t i = 0; type == DNS_TYPE_TXT && i < a->txt.count; i++) {
        const struct dns_txt *t = &a->txt.records[i];
        const char *strings[1] = {t->text};
        size_t lens[1] = {t->len};
        /* the strings are joined already (RFC 7208 §3.3) */
        dns_txt_answer_add(&slot->txt, strings, lens, 1);
    }
    for (size_t i = 0; a->records && type != DNS_TYPE_TXT && i < a->records->count; i++) {
        const struct dns_rdata *rr = &a->records->rrs[i];
        if (type == DNS_TYPE_A || type == DNS_TYPE_AAAA)
            dns_answer_add_addr(slot, rr->addr, type == DNS_TYPE_A ? 4 : 16);
        else if (rr->name)
            dns_answer_add_name(slot, rr->pref, rr->name, strlen(rr->name));
    }
    slot->status = a->status;
    /* A version-1 capture kept how many addresses, not which: an empty
     * list would change the verdict, so the answer is a DNS failure that
     * names the file (resolver.c wrote the error). */
    if (a->counts_only && type != DNS_TYPE_TXT && a->status == DNS_OK) {
        dns_answer_free(slot);
        slot->status = DNS_ERROR;
    }
    slot->txt.status = slot->status;
    if (slot->status >= DNS_TIMEOUT)
        snprintf(slot->error, sizeof slot->error, "%s", a->error ? a->error : "");
    s->answered++;
    if (slot->status >= DNS_TIMEOUT)
        s->errors++;
}

static void on_answer(void *data, const struct net_answer *a)
{
    struct net_dns_pending *p = data;
    struct net_dns_source *s = p->s;
    if (s) {
        unlink_pending(s, p);
        s->inflight--;
        store(s, a->name, p->type, a);
    }
    free(p);
}

static bool asked_before(const struct net_dns_source *s, const struct dns_question *q)
{
    for (size_t i = 0; i < s->nasked; i++)
        if (s->asked[i].type == q->type && strcasecmp(s->asked[i].name, q->name) == 0)
            return true;
    return false;
}

size_t net_dns_source_ask(struct net_dns_source *s, const struct check_needs *needs)
{
    size_t sent = 0;
    for (size_t i = 0; i < needs->count; i++) {
        const struct dns_question *q = &needs->items[i];
        if (asked_before(s, q) || s->cache.source.lookup(&s->cache.source, q->name, q->type))
            continue;
        if (s->nasked >= NET_DNS_SOURCE_MAX_QUERIES) {
            s->capped = true;
            struct dns_answer *slot = dns_table_slot(&s->cache, q->name, q->type);
            if (slot) {
                slot->status = slot->txt.status = DNS_ERROR;
                snprintf(slot->error, sizeof slot->error, "not asked: query cap reached");
            }
            continue;
        }
        if (s->nasked == s->asked_cap) {
            size_t cap = s->asked_cap ? s->asked_cap * 2 : 64;
            struct dns_question *n = realloc(s->asked, cap * sizeof *n);
            if (!n)
                return sent;
            s->asked = n;
            s->asked_cap = cap;
        }
        s->asked[s->nasked++] = *q;
        struct net_dns_pending *p = calloc(1, sizeof *p);
        if (!p)
            return sent;
        p->s = s;
        p->type = q->type;
        if (!net_resolver_query(s->resolver, q->name, to_net(q->type), on_answer, p)) {
            free(p);
            /* A name DNS cannot carry in presentation form (macro output
             * with a space or a quote): it can have no records. */
            struct dns_answer *slot = dns_table_slot(&s->cache, q->name, q->type);
            if (slot) {
                slot->status = slot->txt.status = DNS_NXDOMAIN;
                snprintf(slot->error, sizeof slot->error, "not asked: not a valid DNS name");
            }
            continue;
        }
        p->next = s->pending;
        s->pending = p;
        s->inflight++;
        sent++;
    }
    return sent;
}

void net_dns_source_wait(struct net_dns_source *s)
{
    size_t before = s->answered;
    while (s->inflight > 0 && s->answered == before) {
        struct pollfd fds[64];
        int timeout = -1;
        size_t n = net_resolver_fds(s->resolver, fds, 64, &timeout);
        if (n == 0 && timeout < 0)
            timeout = 10; /* nothing to poll: let the resolver run its timers */
        int rc = poll(fds, n, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        net_resolver_process(s->resolver, rc > 0 ? fds : NULL, rc > 0 ? n : 0);
    }
}
