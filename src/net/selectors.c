/* DKIM selector probing (see selectors.h). */
#include "selectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"

const char *net_selector_state_name(enum net_selector_state s)
{
    switch (s) {
    case NET_SELECTOR_PENDING:
        return "pending";
    case NET_SELECTOR_NOT_FOUND:
        return "not found";
    case NET_SELECTOR_FOUND:
        return "found";
    case NET_SELECTOR_REVOKED:
        return "revoked";
    case NET_SELECTOR_NOT_A_KEY:
        return "not a key";
    case NET_SELECTOR_WILDCARD:
        return "wildcard";
    case NET_SELECTOR_DNS_ERROR:
        return "DNS error";
    }
    return "?";
}

void net_selectors_init(struct net_selector_scan *s) { memset(s, 0, sizeof *s); }

/* Classify one answer into res (the resolver's answer is only valid now). */
static void on_answer(void *data, const struct net_answer *a)
{
    struct net_selector_result *res = data;
    res->status = a->status;
    res->ntxt = a->txt.count;
    if (a->status >= DNS_TIMEOUT && a->status <= DNS_ERROR) {
        res->state = NET_SELECTOR_DNS_ERROR;
        snprintf(res->error, sizeof res->error, "%s", a->error ? a->error : "");
    } else if (a->status != DNS_OK || a->txt.count == 0) {
        res->state = NET_SELECTOR_NOT_FOUND;
    } else {
        /* RFC 6376 §3.6.2.2: the strings of one TXT record are joined;
         * the key record is the one with v=DKIM1 or p=. */
        const struct dns_txt *t = &a->txt.records[dkim_key_pick_record(&a->txt)];
        res->record = malloc(t->len + 1);
        if (res->record) {
            memcpy(res->record, t->text, t->len);
            res->record[t->len] = '\0';
            res->len = t->len;
        }
        struct dkim_key_record kr;
        dkim_key_record_init(&kr);
        struct diag_list diags;
        diag_list_init(&diags);
        res->state = NET_SELECTOR_NOT_A_KEY;
        if (dkim_key_parse(&kr, t->text, t->len, &diags)) {
            size_t v = kr.first[DKIM_KEY_TAG_V];
            bool is_key = kr.first[DKIM_KEY_TAG_P] != DKIM_NONE ||
                          (v != DKIM_NONE && strcmp(kr.tags[v].value_text, "DKIM1") == 0);
            if (is_key) {
                res->key_status = kr.key.status;
                res->type = kr.key.type;
                res->bits = kr.key.bits;
                res->state = kr.key.status == DKIM_KEY_STATUS_REVOKED ? NET_SELECTOR_REVOKED
                                                                      : NET_SELECTOR_FOUND;
            }
        }
        diag_list_free(&diags);
        dkim_key_record_free(&kr);
    }
}

/* Each query's callback data: the result and the scan's pending count. */
struct probe_ctx {
    struct net_selector_result *res;
    size_t *pending;
};

static void on_query(void *data, const struct net_answer *a)
{
    struct probe_ctx *c = data;
    on_answer(c->res, a);
    if (*c->pending)
        (*c->pending)--;
    free(c);
}

static bool ask(struct net_selector_scan *s, struct net_resolver *r,
                struct net_selector_result *res)
{
    if (!res->name[0]) {
        res->state = NET_SELECTOR_DNS_ERROR;
        snprintf(res->error, sizeof res->error, "name longer than 253 characters: not asked");
        return true;
    }
    struct probe_ctx *c = malloc(sizeof *c);
    if (!c)
        return false;
    c->res = res;
    c->pending = &s->pending;
    s->pending++;
    if (!net_resolver_query(r, res->name, NET_Q_TXT, on_query, c)) {
        s->pending--;
        free(c);
        res->state = NET_SELECTOR_DNS_ERROR;
        snprintf(res->error, sizeof res->error, "not a valid DNS name: not asked");
    }
    return true;
}

static void name_of(struct net_selector_result *res, const char *selector, const char *domain)
{
    int n = snprintf(res->name, sizeof res->name, "%s._domainkey.%s", selector, domain);
    if (n < 0 || (size_t)n >= sizeof res->name)
        res->name[0] = '\0';
}

bool net_selectors_start(struct net_selector_scan *s, struct net_resolver *r, const char *domain,
                         const struct dkim_provider_selector *list, size_t n, char *err,
                         size_t errlen)
{
    if (!net_domain_to_ascii(domain, s->domain, sizeof s->domain, err, errlen))
        return false;
    s->results = calloc(n ? n : 1, sizeof *s->results);
    if (!s->results) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->count = n;
    /* A label no one publishes: 16 random hex digits.  getentropy is not
     * critical here; on failure the pid and the list size still make an
     * unlikely label. */
    unsigned char rnd[8] = {0};
    if (getentropy(rnd, sizeof rnd) != 0) {
        pid_t pid = getpid();
        memcpy(rnd, &pid, sizeof pid < sizeof rnd ? sizeof pid : sizeof rnd);
    }
    char label[40];
    snprintf(label, sizeof label, "authtxt-probe-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    snprintf(s->probe.who.selector, sizeof s->probe.who.selector, "%s", label);
    snprintf(s->probe.who.provider, sizeof s->probe.who.provider, "wildcard probe");
    name_of(&s->probe, label, s->domain);
    if (!ask(s, r, &s->probe))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        s->results[i].who = list[i];
        name_of(&s->results[i], list[i].selector, s->domain);
        if (!ask(s, r, &s->results[i]))
            goto oom;
    }
    return true;
oom:
    snprintf(err, errlen, "out of memory");
    return false;
}

bool net_selectors_done(const struct net_selector_scan *s) { return s->pending == 0; }

void net_selectors_finish(struct net_selector_scan *s)
{
    s->wildcard = s->probe.state == NET_SELECTOR_FOUND || s->probe.state == NET_SELECTOR_REVOKED ||
                  s->probe.state == NET_SELECTOR_NOT_A_KEY;
    if (!s->wildcard)
        return;
    /* A selector published beside the wildcard has its own text; one that
     * gives the wildcard's text tells nothing. */
    for (size_t i = 0; i < s->count; i++) {
        struct net_selector_result *res = &s->results[i];
        if (res->state != NET_SELECTOR_FOUND && res->state != NET_SELECTOR_REVOKED &&
            res->state != NET_SELECTOR_NOT_A_KEY)
            continue;
        if (res->record && s->probe.record && res->len == s->probe.len &&
            memcmp(res->record, s->probe.record, res->len) == 0 && res->ntxt == s->probe.ntxt)
            res->state = NET_SELECTOR_WILDCARD;
    }
}

size_t net_selectors_count(const struct net_selector_scan *s, enum net_selector_state state)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += s->results[i].state == state;
    return n;
}

void net_selectors_free(struct net_selector_scan *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->results[i].record);
    free(s->results);
    free(s->probe.record);
    memset(s, 0, sizeof *s);
}
