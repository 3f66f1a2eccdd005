/* Live fetch of a domain's SPF, DMARC and DKIM records: sends the queries
 * the core's models ask for, as soon as they can be known, and attaches
 * the answers.  Every query of a level is in flight at once, so the wall
 * time follows the chain of dependent round trips, not the query count. */
#include <idn2.h>
#include <libpsl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"

enum query_kind {
    Q_SPF_NODE = 0, /* a tree node's own TXT (node 0 also feeds the DMARC apex) */
    Q_SPF_TARGET,   /* an a/mx/exists target */
    Q_SPF_EXP,      /* an exp= explanation TXT */
    Q_DMARC_STEP,   /* one step of the RFC 9989 walk (or the PSL step) */
    Q_REPORT,       /* <policy domain>._report._dmarc.<host> (or its wildcard) */
    Q_DKIM,         /* <selector>._domainkey.<domain> */
};

/* The a mechanism asks A and AAAA; the target is attached once both are in. */
struct addr_pair {
    int refs;
    int answered;
    enum dns_status status[2];
    unsigned count[2];
};

struct net_fetch_query {
    struct net_fetch_query *prev, *next;
    struct net_fetch *f; /* NULL once the fetch is freed: drop the answer */
    enum query_kind kind;
    size_t node, target, index;
    bool wildcard;
    int half; /* which of the pair's answers this is */
    struct addr_pair *pair;
    char *name; /* Q_REPORT: the name asked (report indices may move) */
};

/* Which of a tree node's queries were sent: its own TXT and its targets. */
struct net_fetch_asked {
    bool txt;
    unsigned char *targets;
    size_t cap;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void net_fetch_init(struct net_fetch *f)
{
    memset(f, 0, sizeof *f);
    spf_tree_init(&f->spf);
}

/* Copy a TXT answer that is only valid during a callback, keeping the
 * string boundaries.  False on OOM (to is then partial). */
static bool txt_copy(struct dns_txt_answer *to, const struct dns_txt_answer *from,
                     enum dns_status status)
{
    dns_txt_answer_init(to);
    to->status = status;
    for (size_t i = 0; i < from->count; i++)
        if (!dns_txt_answer_add_copy(to, &from->records[i]))
            return false;
    to->status = status;
    return true;
}

static void note_error(struct net_fetch *f, const char *name, const char *type,
                       enum dns_status status, const char *message)
{
    f->errors_total++;
    if (f->nerrors == NET_FETCH_MAX_ERRORS)
        return;
    struct net_fetch_error *e = &f->errors[f->nerrors];
    e->name = strdup(name ? name : "");
    e->message = strdup(message ? message : "");
    if (!e->name || !e->message) {
        free(e->name);
        free(e->message);
        f->oom = true;
        return;
    }
    e->type = type;
    e->status = status;
    f->nerrors++;
}

static bool status_failed(enum dns_status s)
{
    return s == DNS_TIMEOUT || s == DNS_SERVFAIL || s == DNS_REFUSED || s == DNS_ERROR;
}

/* ---- the asked sets --------------------------------------------------- */

static struct net_fetch_asked *asked_node(struct net_fetch *f, size_t node)
{
    if (node >= f->asked_cap) {
        size_t cap = f->asked_cap ? f->asked_cap : 16;
        while (cap <= node)
            cap *= 2;
        struct net_fetch_asked *a = realloc(f->asked, cap * sizeof *a);
        if (!a)
            return NULL;
        memset(a + f->asked_cap, 0, (cap - f->asked_cap) * sizeof *a);
        f->asked = a;
        f->asked_cap = cap;
    }
    return &f->asked[node];
}

/* Mark a tree query as sent; false when it already was (or on OOM, with
 * f->oom set: then it is not sent again either). */
static bool asked_mark(struct net_fetch *f, size_t node, size_t target)
{
    struct net_fetch_asked *a = asked_node(f, node);
    if (!a) {
        f->oom = true;
        return false;
    }
    if (target == SPF_NONE) {
        if (a->txt)
            return false;
        a->txt = true;
        return true;
    }
    if (target >= a->cap) {
        size_t cap = a->cap ? a->cap : 8;
        while (cap <= target)
            cap *= 2;
        unsigned char *t = realloc(a->targets, cap);
        if (!t) {
            f->oom = true;
            return false;
        }
        memset(t + a->cap, 0, cap - a->cap);
        a->targets = t;
        a->cap = cap;
    }
    if (a->targets[target])
        return false;
    a->targets[target] = 1;
    return true;
}

static bool report_marked(struct net_fetch *f, const char *name)
{
    for (size_t i = 0; i < f->nreport_asked; i++)
        if (strcmp(f->report_asked[i], name) == 0)
            return true;
    return false;
}

static bool report_mark(struct net_fetch *f, const char *name)
{
    if (f->nreport_asked == f->report_asked_cap) {
        size_t cap = f->report_asked_cap ? f->report_asked_cap * 2 : 8;
        char **p = realloc(f->report_asked, cap * sizeof *p);
        if (!p)
            return false;
        f->report_asked = p;
        f->report_asked_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return false;
    f->report_asked[f->nreport_asked++] = copy;
    return true;
}

/* ---- sending ---------------------------------------------------------- */

static void on_answer(void *data, const struct net_answer *a);

static void query_unlink(struct net_fetch *f, struct net_fetch_query *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        f->queries = q->next;
    if (q->next)
        q->next->prev = q->prev;
    q->prev = q->next = NULL;
}

static void query_free(struct net_fetch_query *q)
{
    if (q->pair && --q->pair->refs == 0)
        free(q->pair);
    free(q->name);
    free(q);
}

/* Send one query.  False when it could not be sent (not a valid DNS name,
 * the query cap, OOM): the caller attaches a failure at once.  `reason`
 * says why. */
static bool send_query(struct net_fetch *f, const char *name, enum net_qtype type,
                       const struct net_fetch_query *proto, const char **reason)
{
    if (f->sent >= NET_FETCH_MAX_QUERIES) {
        f->capped = true;
        *reason = "query cap of the fetch reached";
        return false;
    }
    struct net_fetch_query *q = malloc(sizeof *q);
    if (!q) {
        f->oom = true;
        *reason = "out of memory";
        return false;
    }
    *q = *proto;
    q->f = f;
    q->prev = NULL;
    q->name = NULL;
    if (proto->name && !(q->name = strdup(proto->name))) {
        free(q);
        f->oom = true;
        *reason = "out of memory";
        return false;
    }
    if (!net_resolver_query(f->resolver, name, type, on_answer, q)) {
        free(q->name);
        free(q);
        *reason = "not a valid DNS name";
        return false;
    }
    if (q->pair)
        q->pair->refs++;
    q->next = f->queries;
    if (f->queries)
        f->queries->prev = q;
    f->queries = q;
    f->sent++;
    f->inflight++;
    return true;
}

static void attach_tree_failure(struct net_fetch *f, const struct spf_query *sq)
{
    if (sq->target == SPF_NONE || sq->type == SPF_QUERY_TXT) {
        struct dns_txt_answer bad;
        dns_txt_answer_init(&bad);
        bad.status = DNS_ERROR;
        if (sq->target == SPF_NONE)
            spf_tree_attach_txt(&f->spf, sq->node, &bad);
        else
            spf_tree_attach_exp(&f->spf, sq->node, sq->target, &bad);
        dns_txt_answer_free(&bad);
    } else {
        spf_tree_attach_target(&f->spf, sq->node, sq->target, DNS_ERROR, 0);
    }
}

/* Send one tree query; false when it failed at once (and was attached as a
 * failure, which may have changed the tree). */
static bool send_tree_query(struct net_fetch *f, const struct spf_query *sq)
{
    struct net_fetch_query proto;
    memset(&proto, 0, sizeof proto);
    proto.node = sq->node;
    proto.target = sq->target;
    const char *reason = "";
    bool ok;
    if (sq->target == SPF_NONE) {
        proto.kind = Q_SPF_NODE;
        ok = send_query(f, sq->name, NET_Q_TXT, &proto, &reason);
    } else if (sq->type == SPF_QUERY_TXT) {
        proto.kind = Q_SPF_EXP;
        ok = send_query(f, sq->name, NET_Q_TXT, &proto, &reason);
    } else if (sq->type == SPF_QUERY_ADDR) {
        proto.kind = Q_SPF_TARGET;
        struct addr_pair *pair = calloc(1, sizeof *pair);
        if (!pair) {
            f->oom = true;
            reason = "out of memory";
            ok = false;
        } else {
            pair->refs = 1; /* ours, until both are sent */
            pair->status[0] = pair->status[1] = DNS_PENDING;
            proto.pair = pair;
            proto.half = 0;
            ok = send_query(f, sq->name, NET_Q_A, &proto, &reason);
            if (ok) {
                proto.half = 1;
                if (!send_query(f, sq->name, NET_Q_AAAA, &proto, &reason)) {
                    /* The A answer alone will decide. */
                    pair->answered++;
                    pair->status[1] = DNS_NODATA;
                }
            }
            if (--pair->refs == 0)
                free(pair);
        }
    } else {
        proto.kind = Q_SPF_TARGET;
        ok =
            send_query(f, sq->name, sq->type == SPF_QUERY_MX ? NET_Q_MX : NET_Q_A, &proto, &reason);
    }
    if (!ok) {
        const char *type = sq->target == SPF_NONE || sq->type == SPF_QUERY_TXT ? "TXT"
                           : sq->type == SPF_QUERY_MX                          ? "MX"
                                                                               : "A";
        note_error(f, sq->name, type, DNS_ERROR, reason);
        attach_tree_failure(f, sq);
    }
    return ok;
}

/* Send whatever the models now need and has not been sent.  Loops because
 * a query that fails at once is attached at once and may add more. */
static void pump(struct net_fetch *f)
{
    bool again = true;
    while (again) {
        again = false;
        size_t n = spf_tree_pending(&f->spf, NULL, 0);
        if (n) {
            struct spf_query *qs = malloc(n * sizeof *qs);
            if (!qs) {
                f->oom = true;
                return;
            }
            n = spf_tree_pending(&f->spf, qs, n);
            for (size_t i = 0; i < n; i++) {
                if (!asked_mark(f, qs[i].node, qs[i].target))
                    continue;
                if (!send_tree_query(f, &qs[i])) {
                    again = true;
                    break; /* the tree changed: names may have moved */
                }
            }
            free(qs);
        }
        struct dmarc_discovery *d = f->dmarc;
        if (!d || d->status != DMARC_DISCOVERY_FOUND)
            continue;
        for (size_t i = 0; i < d->nreports; i++) {
            const struct dmarc_report_check *c = &d->reports[i];
            if (c->too_long)
                continue;
            for (int w = 0; w < 2; w++) {
                const char *name = w ? c->wildcard : c->name;
                if (report_marked(f, name))
                    continue;
                if (!report_mark(f, name)) {
                    f->oom = true;
                    continue;
                }
                struct net_fetch_query proto;
                memset(&proto, 0, sizeof proto);
                proto.kind = Q_REPORT;
                proto.wildcard = w != 0;
                proto.name = (char *)name;
                const char *reason = "";
                if (!send_query(f, name, NET_Q_TXT, &proto, &reason)) {
                    note_error(f, name, "TXT", DNS_ERROR, reason);
                    struct dns_txt_answer bad;
                    dns_txt_answer_init(&bad);
                    bad.status = DNS_ERROR;
                    dmarc_discovery_set_report_answer(d, i, w != 0, &bad);
                    dns_txt_answer_free(&bad);
                }
            }
        }
    }
}

/* The "publish it as several strings" note is advice for a draft; a live
 * record that arrived in several strings already follows it. */
static void drop_split_note(struct diag_list *l, enum rule_id rule, const struct dns_txt *t)
{
    if (t->nstrings < 2)
        return;
    size_t k = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].rule != rule)
            l->items[k++] = l->items[i];
    l->count = k;
}

/* ---- answers ---------------------------------------------------------- */

static void on_tree_target(struct net_fetch *f, struct net_fetch_query *q,
                           const struct net_answer *a)
{
    if (!q->pair) {
        spf_tree_attach_target(&f->spf, q->node, q->target, a->status, a->count);
        return;
    }
    struct addr_pair *p = q->pair;
    p->status[q->half] = a->status;
    p->count[q->half] = a->count;
    if (++p->answered < 2)
        return;
    /* RFC 7208 §4.6.4: a receiver asks one of A/AAAA; the term is void
     * only when neither has an answer, failed when neither answered. */
    enum dns_status s;
    if (p->status[0] == DNS_OK || p->status[1] == DNS_OK)
        s = DNS_OK;
    else if (status_failed(p->status[0]))
        s = p->status[0];
    else if (status_failed(p->status[1]))
        s = p->status[1];
    else if (p->status[0] == DNS_NXDOMAIN || p->status[1] == DNS_NXDOMAIN)
        s = DNS_NXDOMAIN;
    else
        s = DNS_NODATA;
    unsigned count =
        (p->status[0] == DNS_OK ? p->count[0] : 0) + (p->status[1] == DNS_OK ? p->count[1] : 0);
    spf_tree_attach_target(&f->spf, q->node, q->target, s, count);
}

static void on_report(struct net_fetch *f, struct net_fetch_query *q, struct dns_txt_answer *txt)
{
    struct dmarc_discovery *d = f->dmarc;
    for (size_t i = 0; d && q->name && i < d->nreports; i++) {
        const char *name = q->wildcard ? d->reports[i].wildcard : d->reports[i].name;
        if (strcmp(name, q->name) == 0) {
            dmarc_discovery_set_report_answer(d, i, q->wildcard, txt);
            return;
        }
    }
}

static void on_dkim(struct net_fetch *f, struct net_fetch_query *q, struct dns_txt_answer *txt)
{
    if (q->index >= f->ndkim)
        return;
    struct net_fetch_dkim *k = &f->dkim[q->index];
    dns_txt_answer_free(&k->answer);
    k->answer = *txt;
    dns_txt_answer_init(txt);
    k->used = SPF_NONE;
    if (k->answer.status != DNS_OK || k->answer.count == 0)
        return;
    /* The first record that reads as a DKIM key; else the first one. */
    k->used = 0;
    for (size_t i = 0; i < k->answer.count; i++)
        if (record_detect(k->answer.records[i].text, k->answer.records[i].len) == RECORD_DKIM_KEY) {
            k->used = i;
            break;
        }
    const struct dns_txt *r = &k->answer.records[k->used];
    if (!record_analyze(&k->record, RECORD_DKIM_KEY, r->text, r->len, f->now))
        f->oom = true;
    drop_split_note(&k->record.diags, RULE_DKIM_STRING_SPLIT, r);
}

static void on_answer(void *data, const struct net_answer *a)
{
    struct net_fetch_query *q = data;
    struct net_fetch *f = q->f;
    if (!f) {
        query_free(q);
        return;
    }
    query_unlink(f, q);
    f->inflight--;
    if (status_failed(a->status))
        note_error(f, a->name, net_qtype_name(a->type), a->status, a->error);

    struct dns_txt_answer txt;
    dns_txt_answer_init(&txt);
    bool need_txt = q->kind != Q_SPF_TARGET;
    if (need_txt && !txt_copy(&txt, &a->txt, a->status))
        f->oom = true;

    switch (q->kind) {
    case Q_SPF_NODE:
        spf_tree_attach_txt(&f->spf, q->node, &txt);
        if (q->node == 0 && f->dmarc) {
            struct dns_txt_answer apex;
            if (!txt_copy(&apex, &a->txt, a->status))
                f->oom = true;
            dmarc_discovery_set_apex(f->dmarc, &apex);
            dns_txt_answer_free(&apex);
        }
        break;
    case Q_SPF_EXP:
        spf_tree_attach_exp(&f->spf, q->node, q->target, &txt);
        break;
    case Q_SPF_TARGET:
        on_tree_target(f, q, a);
        break;
    case Q_DMARC_STEP:
        if (f->dmarc)
            dmarc_discovery_set_answer(f->dmarc, q->index, &txt);
        break;
    case Q_REPORT:
        on_report(f, q, &txt);
        break;
    case Q_DKIM:
        on_dkim(f, q, &txt);
        break;
    }
    dns_txt_answer_free(&txt);
    query_free(q);
    /* The resolver is being freed: send nothing more through it. */
    if (a->status == DNS_ERROR && a->error && strcmp(a->error, "cancelled") == 0)
        f->cancelled = true;
    if (!f->cancelled)
        pump(f);
    if (f->inflight == 0)
        f->end_ms = now_ms();
}

/* ---- start, done, free ------------------------------------------------ */

/* domain -> A-labels (libidn2), lower case, no final dot; display name. */
bool net_domain_to_ascii(const char *domain, char *out, size_t size, char *err, size_t errlen)
{
    size_t len = strlen(domain);
    if (len && domain[len - 1] == '.')
        len--;
    if (len == 0 || len > 1000) {
        snprintf(err, errlen, "not a domain name");
        return false;
    }
    char *in = strndup(domain, len);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)in[i] >= 0x80)
            ascii = false;
    char *alabel = NULL;
    if (ascii) {
        alabel = in;
        in = NULL;
    } else {
        int rc = idn2_to_ascii_8z(in, &alabel, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
        if (rc != IDN2_OK)
            rc = idn2_to_ascii_8z(in, &alabel, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
        if (rc != IDN2_OK) {
            /* idn2_strerror is plain ASCII. */
            snprintf(err, errlen, "not a valid internationalized domain name (%s)",
                     idn2_strerror(rc));
            free(in);
            return false;
        }
    }
    size_t alen = strlen(alabel);
    bool ok = alen > 0 && alen <= DMARC_NAME_MAX && alen < size;
    for (size_t i = 0; ok && i < alen; i++) {
        char c = alabel[i];
        if (c >= 'A' && c <= 'Z')
            alabel[i] = (char)(c - 'A' + 'a');
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                   c == '_'))
            ok = false;
    }
    /* Labels of 1..63 bytes. */
    for (size_t i = 0, run = 0; ok && i <= alen; i++) {
        if (i == alen || alabel[i] == '.') {
            ok = run >= 1 && run <= 63;
            run = 0;
        } else {
            run++;
        }
    }
    if (ok)
        memcpy(out, alabel, alen + 1);
    else
        snprintf(err, errlen, "not a domain name");
    if (ascii)
        free(alabel);
    else
        idn2_free(alabel);
    free(in);
    return ok;
}

static bool normalize_domain(struct net_fetch *f, const char *domain, char *err, size_t errlen)
{
    if (!net_domain_to_ascii(domain, f->domain, sizeof f->domain, err, errlen))
        return false;

    /* The U-label form, when it is one (xn-- given, or UTF-8 given). */
    char *ulabel = NULL;
    if (idn2_to_unicode_8z8z(f->domain, &ulabel, 0) == IDN2_OK && ulabel &&
        strcmp(ulabel, f->domain) != 0) {
        f->display = strdup(ulabel);
        f->idn = true;
    } else {
        f->display = strdup(f->domain);
    }
    if (ulabel)
        idn2_free(ulabel);
    if (!f->display) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

static void find_psl_org(struct net_fetch *f)
{
    psl_ctx_t *psl = psl_latest(NULL);
    bool own = psl != NULL;
    if (!psl)
        psl = (psl_ctx_t *)psl_builtin();
    if (!psl)
        return;
    const char *reg = psl_registrable_domain(psl, f->domain);
    if (reg && strlen(reg) <= DMARC_NAME_MAX)
        snprintf(f->psl_org, sizeof f->psl_org, "%s", reg);
    if (own)
        psl_free(psl);
}

bool net_fetch_start(struct net_fetch *f, struct net_resolver *r, const char *domain,
                     const struct net_fetch_options *opts, char *err, size_t errlen)
{
    net_fetch_free(f);
    f->resolver = r;
    f->now = opts ? opts->now : 0;
    if (!normalize_domain(f, domain, err, errlen))
        return false;
    find_psl_org(f);

    f->dmarc = malloc(sizeof *f->dmarc);
    if (!f->dmarc) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    dmarc_discovery_init(f->dmarc);
    if (!dmarc_discovery_start(f->dmarc, f->domain, f->psl_org[0] ? f->psl_org : NULL)) {
        snprintf(err, errlen, "not a domain name");
        return false;
    }
    if (!spf_tree_start(&f->spf, f->domain)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    size_t nsel = opts ? opts->nselectors : 0;
    if (nsel > NET_FETCH_MAX_SELECTORS) {
        snprintf(err, errlen, "at most %d selectors", NET_FETCH_MAX_SELECTORS);
        return false;
    }
    if (nsel) {
        f->dkim = calloc(nsel, sizeof *f->dkim);
        if (!f->dkim) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        for (size_t i = 0; i < nsel; i++) {
            struct net_fetch_dkim *k = &f->dkim[i];
            dns_txt_answer_init(&k->answer);
            record_init(&k->record);
            k->used = SPF_NONE;
            f->ndkim++;
            const char *sel = opts->selectors[i];
            size_t n = strlen(sel) + strlen(f->domain) + sizeof "._domainkey.";
            k->selector = strdup(sel);
            k->name = malloc(n);
            if (!k->selector || !k->name) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            snprintf(k->name, n, "%s._domainkey.%s", sel, f->domain);
        }
    }

    f->start_ms = now_ms();
    /* Everything independent at once: the SPF root (also the DMARC apex),
     * every step of the DMARC walk, every DKIM selector. */
    pump(f);
    for (size_t i = 0; i < f->dmarc->nsteps; i++) {
        if (!dmarc_discovery_step_needed(f->dmarc, i))
            continue;
        struct net_fetch_query proto;
        memset(&proto, 0, sizeof proto);
        proto.kind = Q_DMARC_STEP;
        proto.index = i;
        const char *reason = "";
        if (!send_query(f, f->dmarc->steps[i].name, NET_Q_TXT, &proto, &reason)) {
            note_error(f, f->dmarc->steps[i].name, "TXT", DNS_ERROR, reason);
            struct dns_txt_answer bad;
            dns_txt_answer_init(&bad);
            bad.status = DNS_ERROR;
            dmarc_discovery_set_answer(f->dmarc, i, &bad);
        }
    }
    for (size_t i = 0; i < f->ndkim; i++) {
        struct net_fetch_query proto;
        memset(&proto, 0, sizeof proto);
        proto.kind = Q_DKIM;
        proto.index = i;
        const char *reason = "";
        if (!send_query(f, f->dkim[i].name, NET_Q_TXT, &proto, &reason)) {
            note_error(f, f->dkim[i].name, "TXT", DNS_ERROR, reason);
            f->dkim[i].answer.status = DNS_ERROR;
        }
    }
    pump(f);
    if (f->inflight == 0)
        f->end_ms = now_ms();
    return true;
}

bool net_fetch_start_tree(struct net_fetch *f, struct net_resolver *r, const char *domain,
                          const char *text, size_t len, char *err, size_t errlen)
{
    net_fetch_free(f);
    f->resolver = r;
    if (!normalize_domain(f, domain ? domain : "", err, errlen))
        return false;
    if (!spf_tree_start_text(&f->spf, f->domain, text ? text : "", text ? len : 0)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    f->start_ms = now_ms();
    pump(f);
    if (f->inflight == 0)
        f->end_ms = now_ms();
    return true;
}

bool net_fetch_done(const struct net_fetch *f) { return f->inflight == 0; }

double net_fetch_elapsed_ms(const struct net_fetch *f)
{
    if (f->start_ms == 0)
        return 0;
    return (f->end_ms ? f->end_ms : now_ms()) - f->start_ms;
}

void net_fetch_free(struct net_fetch *f)
{
    /* Detach what is in flight: the resolver still owns those contexts and
     * frees them when their answers (or its own end) come. */
    for (struct net_fetch_query *q = f->queries; q; q = q->next)
        q->f = NULL;
    f->queries = NULL;
    spf_tree_free(&f->spf);
    if (f->dmarc) {
        dmarc_discovery_free(f->dmarc);
        free(f->dmarc);
    }
    for (size_t i = 0; i < f->ndkim; i++) {
        free(f->dkim[i].selector);
        free(f->dkim[i].name);
        dns_txt_answer_free(&f->dkim[i].answer);
        record_free(&f->dkim[i].record);
    }
    free(f->dkim);
    for (size_t i = 0; i < f->nerrors; i++) {
        free(f->errors[i].name);
        free(f->errors[i].message);
    }
    for (size_t i = 0; i < f->asked_cap; i++)
        free(f->asked[i].targets);
    free(f->asked);
    for (size_t i = 0; i < f->nreport_asked; i++)
        free(f->report_asked[i]);
    free(f->report_asked);
    free(f->display);
    net_fetch_init(f);
}

/* ---- the live lint ---------------------------------------------------- */

size_t net_fetch_spf_records(const struct dns_txt_answer *a, size_t *idx, size_t max)
{
    size_t n = 0;
    if (a->status != DNS_OK)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        const struct dns_txt *r = &a->records[i];
        if (spf_text_classify(r->text, r->len) != SPF_TEXT_RECORD) /* RFC 7208 §4.5 */
            continue;
        if (n < max)
            idx[n] = i;
        n++;
    }
    return n;
}

void net_fetch_lint_init(struct net_fetch_lint *out)
{
    memset(out, 0, sizeof *out);
    record_init(&out->spf);
    record_init(&out->dmarc);
    diag_list_init(&out->spf_diags);
    diag_list_init(&out->dmarc_diags);
    diag_list_init(&out->cross);
}

void net_fetch_lint_free(struct net_fetch_lint *out)
{
    record_free(&out->spf);
    record_free(&out->dmarc);
    diag_list_free(&out->spf_diags);
    diag_list_free(&out->dmarc_diags);
    diag_list_free(&out->cross);
    for (size_t i = 0; i < out->ndkim; i++)
        record_free(&out->dkim[i]);
    free(out->dkim);
    net_fetch_lint_init(out);
}

bool net_fetch_lint_run(const struct net_fetch *f, struct net_fetch_lint *out)
{
    net_fetch_lint_free(out);
    bool ok = true;
    const struct record *spf = NULL, *dmarc = NULL;

    if (f->spf.count > 0) {
        const struct spf_node *root = &f->spf.nodes[0];
        if (root->result == SPF_RESULT_RECORD && root->spf_txt != SPF_NONE) {
            const struct dns_txt *t = &root->txt.records[root->spf_txt];
            ok = record_analyze(&out->spf, RECORD_SPF, t->text, t->len, f->now) && ok;
            drop_split_note(&out->spf.diags, RULE_SPF_STRING_SPLIT, t);
            diag_list_append(&out->spf_diags, &out->spf.diags, 0);
            spf = &out->spf;
        }
        spf_tree_lint(&f->spf, &out->spf_diags);
        diag_list_sort(&out->spf_diags);
    }
    if (f->dmarc) {
        size_t len = 0;
        const char *text = dmarc_discovery_policy_text(f->dmarc, &len);
        if (text) {
            ok = record_analyze(&out->dmarc, RECORD_DMARC, text, len, f->now) && ok;
            diag_list_append(&out->dmarc_diags, &out->dmarc.diags, 0);
            dmarc = &out->dmarc;
        }
        dmarc_discovery_lint(f->dmarc, &out->dmarc_diags);
        diag_list_sort(&out->dmarc_diags);
    }
    const struct record **dk = NULL;
    size_t ndk = 0;
    if (f->ndkim) {
        out->dkim = calloc(f->ndkim, sizeof *out->dkim);
        dk = calloc(f->ndkim, sizeof *dk);
        if (!out->dkim || !dk) {
            free(dk);
            return false;
        }
        out->ndkim = f->ndkim;
        for (size_t i = 0; i < f->ndkim; i++) {
            record_init(&out->dkim[i]);
            const struct net_fetch_dkim *k = &f->dkim[i];
            if (k->used == SPF_NONE)
                continue;
            const struct dns_txt *t = &k->answer.records[k->used];
            ok = record_analyze(&out->dkim[i], RECORD_DKIM_KEY, t->text, t->len, f->now) && ok;
            drop_split_note(&out->dkim[i].diags, RULE_DKIM_STRING_SPLIT, t);
            dk[ndk++] = &out->dkim[i];
        }
    }
    cross_lint(f->domain, spf, dmarc, dk, ndk, &out->cross);
    free(dk);
    return ok && !out->spf_diags.oom && !out->dmarc_diags.oom && !out->cross.oom;
}

int net_fetch_lint_status(const struct net_fetch_lint *l)
{
    int s = diag_list_status(&l->spf_diags);
    int t = diag_list_status(&l->dmarc_diags);
    s = t > s ? t : s;
    for (size_t i = 0; i < l->ndkim; i++) {
        t = diag_list_status(&l->dkim[i].diags);
        s = t > s ? t : s;
    }
    t = diag_list_status(&l->cross);
    return t > s ? t : s;
}
