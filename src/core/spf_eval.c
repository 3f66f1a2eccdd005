/* SPF check_host (RFC 7208 §4-§6) over a DNS source, with a trace.
 *
 * The records are parsed by spf_parse (the same model lint, explain and
 * the include tree use); macros are expanded by spf_macro.c.  A run
 * replays the evaluation from the start over the answers the source knows
 * and stops at the first one it lacks (see check.h); before stopping it
 * walks every record already known and asks for every name those records
 * will need, so the network has the whole next level in flight. */
#include "authtxt/check.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authtxt/spf.h"

#define NAME_MAX_LEN 253
#define PREFETCH_MAX_RECORDS 40
#define PTR_NAMES_MAX 10 /* §4.6.4: names of one PTR answer looked at */

/* Internal results: the RFC results plus "waiting for an answer". */
enum { R_PENDING = 100, R_MATCH = 101, R_NOMATCH = 102 };

struct spf_eval_internal {
    int family; /* 4 or 6; a v4-mapped v6 address is 4 (§5) */
    unsigned char addr[16];
    char ip_text[64];
    char ip_dotted[80];
    bool upper_hex; /* the address was written with upper-case hex digits */
    char *sender, *local, *sender_domain, *helo, *receiver;
    long long now;
};

struct run {
    struct spf_eval *ev;
    const struct dns_source *src;
    struct spf_eval_internal *in;
    int lookups;
    unsigned voids;
    bool pending;
    struct check_needs prefetch;
    struct strbuf sb;
};

const char *check_spf_result_name(enum check_spf_result r)
{
    static const char *const names[] = {"none",     "neutral",   "pass",     "fail",
                                        "softfail", "temperror", "permerror"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "none";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (c)
        memcpy(c, s, n + 1);
    return c;
}

static char *dup_mem(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* ---------------------------------------------------------------------- */
/* Input                                                                  */

static void ip_dotted_format(const struct spf_eval_internal *in)
{
    char *o = (char *)in->ip_dotted;
    if (in->family == 4) {
        snprintf(o, sizeof in->ip_dotted, "%u.%u.%u.%u", in->addr[0], in->addr[1], in->addr[2],
                 in->addr[3]);
        return;
    }
    /* RFC 7208 §7.3 does not say which case the nibbles take; they follow
     * the address as given (the openspf suite's v-macro-ip6 expects
     * "E.B.A.B" for CAFE:BABE::1, the RFC's example "b.c" for 2001:db8::cb01). */
    const char *hex = in->upper_hex ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t at = 0;
    for (int i = 0; i < 16; i++) {
        o[at++] = hex[in->addr[i] >> 4];
        o[at++] = '.';
        o[at++] = hex[in->addr[i] & 15];
        o[at++] = i == 15 ? '\0' : '.';
    }
}

bool spf_eval_init(struct spf_eval *ev, const struct spf_eval_input *input)
{
    memset(ev, 0, sizeof *ev);
    check_trace_init(&ev->trace);
    struct spf_eval_internal *in = calloc(1, sizeof *in);
    if (!in) {
        snprintf(ev->error, sizeof ev->error, "out of memory");
        return false;
    }
    ev->in = in;
    const char *ip = input->ip ? input->ip : "";
    unsigned char a6[16];
    if (strlen(ip) < sizeof in->ip_text && inet_pton(AF_INET, ip, in->addr) == 1) {
        in->family = 4;
    } else if (strlen(ip) < sizeof in->ip_text && inet_pton(AF_INET6, ip, a6) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a6, mapped, 12) == 0) { /* §5: an IPv4-mapped address is IPv4 */
            in->family = 4;
            memcpy(in->addr, a6 + 12, 4);
        } else {
            in->family = 6;
            memcpy(in->addr, a6, 16);
        }
    } else {
        snprintf(ev->error, sizeof ev->error, "not an IP address: '%.60s'", ip);
        return false;
    }
    inet_ntop(in->family == 4 ? AF_INET : AF_INET6, in->addr, in->ip_text, sizeof in->ip_text);
    for (const char *c = ip; *c && !in->upper_hex; c++)
        in->upper_hex = *c >= 'A' && *c <= 'F';
    ip_dotted_format(in);
    in->now = input->now;

    const char *mf = input->mail_from ? input->mail_from : "";
    const char *helo = input->helo ? input->helo : "";
    in->helo = dup_str(helo);
    in->receiver = dup_str(input->receiver ? input->receiver : "unknown");
    /* §2.4: the null reverse-path: check the HELO identity as
     * postmaster@helo.  §4.3: no local-part means "postmaster". */
    const char *at = strrchr(mf, '@');
    if (!*mf) {
        ev->identity = "helo";
        in->local = dup_str("postmaster");
        in->sender_domain = dup_str(helo);
    } else if (!at) {
        ev->identity = "mailfrom";
        in->local = dup_str("postmaster");
        in->sender_domain = dup_str(mf);
    } else {
        ev->identity = "mailfrom";
        in->local = at == mf ? dup_str("postmaster") : dup_mem(mf, (size_t)(at - mf));
        in->sender_domain = dup_str(at + 1);
    }
    if (in->local && in->sender_domain) {
        size_t n = strlen(in->local) + strlen(in->sender_domain) + 2;
        in->sender = malloc(n);
        if (in->sender)
            snprintf(in->sender, n, "%s@%s", in->local, in->sender_domain);
    }
    if (!in->helo || !in->receiver || !in->local || !in->sender_domain || !in->sender) {
        snprintf(ev->error, sizeof ev->error, "out of memory");
        return false;
    }
    /* A domain with a final dot is the same domain. */
    size_t dl = strlen(in->sender_domain);
    while (dl && in->sender_domain[dl - 1] == '.')
        in->sender_domain[--dl] = '\0';
    ev->domain = dup_str(in->sender_domain);
    return ev->domain != NULL;
}

static void results_clear(struct spf_eval *ev)
{
    free(ev->explanation);
    free(ev->matched);
    free(ev->decided_at);
    ev->explanation = ev->matched = ev->decided_at = NULL;
    ev->lookups = 0;
    ev->void_lookups = 0;
    ev->needs.count = 0;
    check_trace_reset(&ev->trace);
}

void spf_eval_free(struct spf_eval *ev)
{
    results_clear(ev);
    check_trace_free(&ev->trace);
    free(ev->domain);
    if (ev->in) {
        free(ev->in->sender);
        free(ev->in->local);
        free(ev->in->sender_domain);
        free(ev->in->helo);
        free(ev->in->receiver);
        free(ev->in);
    }
    memset(ev, 0, sizeof *ev);
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

/* §4.3: a usable domain: labels of 1..63 bytes, at most 253 bytes, more
 * than one label, no domain literal. */
static bool domain_ok(const char *d)
{
    size_t n = strlen(d);
    if (n && d[n - 1] == '.')
        n--;
    if (n == 0 || n > NAME_MAX_LEN || d[0] == '[')
        return false;
    size_t label = 0, labels = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            labels++;
            continue;
        }
        if (c <= 0x20 || c >= 0x7f)
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0 && labels > 1;
}

static const struct dns_answer *ask(struct run *r, const char *name, enum dns_rrtype type)
{
    const struct dns_answer *a = r->src->lookup(r->src, name, type);
    if (!a) {
        check_needs_add(&r->ev->needs, name, type);
        r->pending = true;
    }
    return a;
}

static bool status_is_error(enum dns_status s)
{
    return s != DNS_OK && s != DNS_NODATA && s != DNS_NXDOMAIN;
}

static void query_text(char *buf, size_t size, enum dns_rrtype type, const char *name)
{
    snprintf(buf, size, "%s %s", dns_type_name(type), name);
}

static void answer_text(char *buf, size_t size, const struct dns_answer *a, enum dns_rrtype type)
{
    dns_answer_describe(a, type, buf, size);
}

/* The reverse name of the client (§5.5). */
static void reverse_name(const struct spf_eval_internal *in, char *out, size_t size)
{
    if (in->family == 4) {
        snprintf(out, size, "%u.%u.%u.%u.in-addr.arpa", in->addr[3], in->addr[2], in->addr[1],
                 in->addr[0]);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    for (int i = 15; i >= 0 && at + 4 < size; i--) {
        out[at++] = hex[in->addr[i] & 15];
        out[at++] = '.';
        out[at++] = hex[in->addr[i] >> 4];
        out[at++] = '.';
    }
    snprintf(out + at, size - at, "ip6.arpa");
}

static bool addr_in(const unsigned char *net, const unsigned char *addr, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(net, addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (net[full] & mask) == (addr[full] & mask);
}

static bool name_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] == '.')
        la--;
    while (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* name equals domain or ends with ".domain" */
static bool name_within(const char *name, const char *domain)
{
    size_t ln = strlen(name), ld = strlen(domain);
    while (ln && name[ln - 1] == '.')
        ln--;
    while (ld && domain[ld - 1] == '.')
        ld--;
    if (ln == ld)
        return strncasecmp(name, domain, ln) == 0;
    return ln > ld && name[ln - ld - 1] == '.' && strncasecmp(name + ln - ld, domain, ld) == 0;
}

static void vars_fill(const struct run *r, const char *domain, const char *validated,
                      struct spf_macro_vars *v)
{
    const struct spf_eval_internal *in = r->in;
    v->sender = in->sender;
    v->local = in->local;
    v->sender_domain = in->sender_domain;
    v->domain = domain;
    v->helo = in->helo;
    v->ip_dotted = in->ip_dotted;
    v->ip_text = in->ip_text;
    v->ip_version = in->family == 4 ? "in-addr" : "ip6";
    v->validated = validated;
    v->receiver = in->receiver;
    v->now = in->now;
}

/* The names of the client's PTR answer whose addresses include the client
 * (§5.5), up to PTR_NAMES_MAX; for ptr and %{p}.  Returns R_PENDING,
 * R_NOMATCH (PTR lookup failed or void: *void_out set), or R_MATCH with
 * the validated names in out (NUL-separated count in *n). */
static int validated_names(struct run *r, char names[PTR_NAMES_MAX][DNS_SOURCE_NAME_MAX + 1],
                           size_t *n, bool *void_out, char *qbuf, size_t qsize, char *abuf,
                           size_t asize)
{
    char rev[128];
    reverse_name(r->in, rev, sizeof rev);
    *n = 0;
    *void_out = false;
    query_text(qbuf, qsize, DNS_TYPE_PTR, rev);
    const struct dns_answer *a = ask(r, rev, DNS_TYPE_PTR);
    if (!a)
        return R_PENDING;
    answer_text(abuf, asize, a, DNS_TYPE_PTR);
    if (a->status != DNS_OK) {
        *void_out = dns_status_is_void(a->status);
        return R_NOMATCH;
    }
    bool pending = false;
    enum dns_rrtype at = r->in->family == 4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
    size_t alen = r->in->family == 4 ? 4 : 16;
    for (size_t i = 0; i < a->count && i < PTR_NAMES_MAX; i++) {
        const char *name = a->rrs[i].name;
        if (!name || !*name)
            continue;
        const struct dns_answer *aa = ask(r, name, at);
        if (!aa) {
            pending = true;
            continue;
        }
        if (aa->status != DNS_OK) /* §5.5: an error skips this name */
            continue;
        for (size_t k = 0; k < aa->count; k++)
            if (memcmp(aa->rrs[k].addr, r->in->addr, alen) == 0) {
                snprintf(names[*n], DNS_SOURCE_NAME_MAX + 1, "%s", name);
                (*n)++;
                break;
            }
    }
    return pending ? R_PENDING : R_MATCH;
}

/* %{p} for `domain` (§7.3): a validated name equal to the domain, else
 * one below it, else any, else "unknown".  R_PENDING or R_MATCH. */
static int compute_p(struct run *r, const char *domain, char *out, size_t size)
{
    char names[PTR_NAMES_MAX][DNS_SOURCE_NAME_MAX + 1];
    size_t n = 0;
    bool v = false;
    char q[300], a[600];
    int res = validated_names(r, names, &n, &v, q, sizeof q, a, sizeof a);
    if (res == R_PENDING)
        return R_PENDING;
    const char *pick = NULL;
    for (size_t i = 0; i < n && !pick; i++)
        if (name_equal(names[i], domain))
            pick = names[i];
    for (size_t i = 0; i < n && !pick; i++)
        if (name_within(names[i], domain))
            pick = names[i];
    if (!pick && n)
        pick = names[0];
    snprintf(out, size, "%s", pick ? pick : "unknown");
    return R_MATCH;
}

/* Expand a domain-spec (or take `fallback` when spec is NULL) into out.
 * Returns R_MATCH, R_PENDING (%{p}) or CHECK_SPF_PERMERROR. */
/* Expand the macro-string text[0..len) (§7) into r->sb, the validated
 * name for %{p} looked up first when the text uses it.  explain and
 * is_domain as spf_macro_expand's.  R_MATCH when expanded, R_NOMATCH when
 * the text is not a valid macro-string, R_PENDING while %{p} is asked. */
static int macro_expand(struct run *r, const char *text, size_t len, const char *domain,
                        bool explain, bool is_domain)
{
    char p[DNS_SOURCE_NAME_MAX + 1];
    const char *validated = NULL;
    if (spf_macro_uses_p(text, len)) {
        if (compute_p(r, domain, p, sizeof p) == R_PENDING)
            return R_PENDING;
        validated = p;
    }
    struct spf_macro_vars v;
    vars_fill(r, domain, validated, &v);
    strbuf_reset(&r->sb);
    return spf_macro_expand(text, len, &v, explain, is_domain, &r->sb) == SPF_MACRO_OK &&
                   !r->sb.failed
               ? R_MATCH
               : R_NOMATCH;
}

static int target_expand(struct run *r, const char *spec, const char *domain, char *out,
                         size_t size, unsigned depth)
{
    if (!spec) {
        snprintf(out, size, "%s", domain);
        return R_MATCH;
    }
    int x = macro_expand(r, spec, strlen(spec), domain, false, true);
    if (x == R_PENDING)
        return R_PENDING;
    if (x != R_MATCH) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §7.1", "spf.macro", NULL, NULL,
                        "'%.200s' is not a valid macro-string: permerror", spec);
        return CHECK_SPF_PERMERROR;
    }
    snprintf(out, size, "%s", strbuf_cstr(&r->sb));
    return R_MATCH;
}

/* §4.8: a target built by macros that is not a usable name (an empty or
 * over-long label) cannot be looked up: the mechanism does not match. */
static bool target_usable(struct run *r, const char *term, const char *target, unsigned depth)
{
    /* DNS labels may hold any byte (RFC 2181 §11): only lengths matter */
    size_t n = strlen(target), label = 0;
    bool ok = n > 0 && n <= NAME_MAX_LEN + 1;
    for (size_t i = 0; ok && i < n; i++) {
        if (target[i] == '.') {
            ok = label > 0 || (i == n - 1 && n > 1);
            label = 0;
        } else {
            ok = ++label <= 63;
        }
    }
    if (ok)
        return true;
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.8", "spf.macro", NULL, NULL,
                    "%s: '%.200s' is not a usable domain name: no match", term, target);
    return false;
}

/* §4.6.4: count a DNS-querying term; over the limit is permerror.  What
 * a term costs is the parse model's (spf_term.lookups), the same count
 * lint and the include tree (spf_tree.c) use. */
static bool lookup_count(struct run *r, unsigned depth, const struct spf_term *t,
                         const char *term)
{
    r->lookups += t->lookups;
    if (r->lookups > SPF_LOOKUP_LIMIT) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.6.4", "lint.spf-lookup-limit", NULL,
                        NULL,
                        "%.200s would be DNS lookup %d: more than %d terms that query DNS: "
                        "permerror",
                        term, r->lookups, SPF_LOOKUP_LIMIT);
        return false;
    }
    return true;
}

/* §4.6.4: count a void answer; over the limit is permerror. */
static bool void_count(struct run *r, unsigned depth)
{
    r->voids++;
    if (r->voids > SPF_VOID_LIMIT) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.6.4", "lint.spf-void-lookup-limit",
                        NULL, NULL,
                        "void lookup %u: more than %d lookups found nothing: permerror", r->voids,
                        SPF_VOID_LIMIT);
        return false;
    }
    return true;
}

static int check_host(struct run *r, const char *domain, unsigned depth, bool want_exp);

/* ---------------------------------------------------------------------- */
/* Mechanisms (§5)                                                        */

static int addr_match_answer(const struct run *r, const struct dns_answer *a, int cidr4,
                             int cidr6)
{
    int bits = r->in->family == 4 ? (cidr4 < 0 ? 32 : cidr4) : (cidr6 < 0 ? 128 : cidr6);
    for (size_t i = 0; i < a->count; i++)
        if (addr_in(a->rrs[i].addr, r->in->addr, bits))
            return R_MATCH;
    return R_NOMATCH;
}

/* What a, mx and exists share (RFC 7208 §4.6.4, §5): count the lookup,
 * expand and check the target, ask for `type`, and end on a DNS error
 * (temperror) or a void answer (no match, or permerror past the void
 * limit).  R_MATCH with *out set: go on with the answer (q and ans hold
 * the question and answer for the trace); anything else is the term's
 * result.  help and section name the term's rule; no_answer says what a
 * void answer means ("no address"); with target_in_void the target is
 * named in that line too. */
struct mech_lookup {
    enum dns_rrtype type;
    const char *help, *section, *no_answer;
    bool target_in_void;
    char target[DNS_SOURCE_NAME_MAX + 1], q[300], ans[600];
};

static int mech_lookup(struct run *r, const struct spf_term *t, const char *term,
                       const char *domain, unsigned depth, struct mech_lookup *l,
                       const struct dns_answer **out)
{
    if (!lookup_count(r, depth, t, term))
        return CHECK_SPF_PERMERROR;
    int x = target_expand(r, t->domain, domain, l->target, sizeof l->target, depth);
    if (x != R_MATCH)
        return x;
    if (!target_usable(r, term, l->target, depth))
        return R_NOMATCH;
    query_text(l->q, sizeof l->q, l->type, l->target);
    const struct dns_answer *a = ask(r, l->target, l->type);
    if (!a)
        return R_PENDING;
    answer_text(l->ans, sizeof l->ans, a, l->type);
    if (status_is_error(a->status)) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5", l->help, l->q, l->ans,
                        "%s: the DNS lookup failed: temperror", term);
        return CHECK_SPF_TEMPERROR;
    }
    if (a->status != DNS_OK) {
        if (l->target_in_void)
            check_trace_add(&r->ev->trace, depth, l->section, l->help, l->q, l->ans,
                            "%s: %s has %s (a void lookup): no match", term, l->target,
                            l->no_answer);
        else
            check_trace_add(&r->ev->trace, depth, l->section, l->help, l->q, l->ans,
                            "%s: %s (a void lookup): no match", term, l->no_answer);
        return void_count(r, depth) ? R_NOMATCH : CHECK_SPF_PERMERROR;
    }
    *out = a;
    return R_MATCH;
}

static int mech_a(struct run *r, const struct spf_term *t, const char *term, const char *domain,
                  unsigned depth)
{
    struct mech_lookup l = {.type = r->in->family == 4 ? DNS_TYPE_A : DNS_TYPE_AAAA,
                            .help = "spf.mech.a",
                            .section = "RFC 7208 §5.3",
                            .no_answer = "no address"};
    const struct dns_answer *a = NULL;
    int x = mech_lookup(r, t, term, domain, depth, &l, &a);
    if (x != R_MATCH)
        return x;
    int m = addr_match_answer(r, a, t->cidr4, t->cidr6);
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.3", "spf.mech.a", l.q, l.ans, "%s: %s %s",
                    term, r->in->ip_text,
                    m == R_MATCH ? "is among the addresses: match"
                                 : "is not among the addresses: no match");
    return m;
}

static int mech_mx(struct run *r, const struct spf_term *t, const char *term,
                   const char *domain, unsigned depth)
{
    struct mech_lookup l = {.type = DNS_TYPE_MX,
                            .help = "spf.mech.mx",
                            .section = "RFC 7208 §5.4",
                            .no_answer = "no MX records"};
    const struct dns_answer *a = NULL;
    int x = mech_lookup(r, t, term, domain, depth, &l, &a);
    if (x != R_MATCH)
        return x;
    char q[300], ans[600];
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.4", "spf.mech.mx", l.q, l.ans,
                    "%s: %zu MX host%s to look up", term, a->count, a->count == 1 ? "" : "s");
    /* Hosts in order of preference.  §4.6.4: no more than 10 address
     * lookups per mx term; needing an 11th is a permerror (so a match among
     * the first 10 hosts counts: the openspf mx-limit test and Stalwart's
     * agree on this reading). */
    size_t order[DNS_ANSWER_MAX_RRS];
    for (size_t i = 0; i < a->count; i++) {
        size_t k = i;
        while (k > 0 && a->rrs[order[k - 1]].pref > a->rrs[i].pref) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    enum dns_rrtype type = r->in->family == 4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
    bool pending = false;
    size_t looked = 0;
    for (size_t oi = 0; oi < a->count; oi++) {
        const char *host = a->rrs[order[oi]].name;
        if (!host || !*host) /* RFC 7505 null MX: no host to look up */
            continue;
        if (++looked > SPF_MX_LIMIT) {
            if (pending)
                break;
            check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.6.4", "lint.spf-mx-too-many",
                            NULL, NULL,
                            "%s: %zu MX hosts and no match in the first %d: a lookup of an "
                            "11th host address is over the limit: permerror",
                            term, a->count, SPF_MX_LIMIT);
            return CHECK_SPF_PERMERROR;
        }
        const struct dns_answer *h = ask(r, host, type);
        if (!h) {
            pending = true;
            continue;
        }
        if (pending)
            continue;
        query_text(q, sizeof q, type, host);
        answer_text(ans, sizeof ans, h, type);
        if (status_is_error(h->status)) {
            check_trace_add(&r->ev->trace, depth + 1, "RFC 7208 §5", "spf.mech.mx", q, ans,
                            "%s: the address lookup of %s failed: temperror", term, host);
            return CHECK_SPF_TEMPERROR;
        }
        if (h->status == DNS_OK && addr_match_answer(r, h, t->cidr4, t->cidr6) == R_MATCH) {
            check_trace_add(&r->ev->trace, depth + 1, "RFC 7208 §5.4", "spf.mech.mx", q, ans,
                            "%s: %s is an address of MX host %s: match", term, r->in->ip_text,
                            host);
            return R_MATCH;
        }
        check_trace_add(&r->ev->trace, depth + 1, "RFC 7208 §5.4", "spf.mech.mx", q, ans,
                        "%s: not an address of MX host %s", term, host);
    }
    if (pending)
        return R_PENDING;
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.4", "spf.mech.mx", NULL, NULL,
                    "%s: no MX host has %s: no match", term, r->in->ip_text);
    return R_NOMATCH;
}

static int mech_ptr(struct run *r, const struct spf_term *t, const char *term,
                    const char *domain, unsigned depth)
{
    char target[DNS_SOURCE_NAME_MAX + 1], q[300], ans[600];
    char names[PTR_NAMES_MAX][DNS_SOURCE_NAME_MAX + 1];
    size_t n = 0;
    bool is_void = false;
    if (!lookup_count(r, depth, t, term))
        return CHECK_SPF_PERMERROR;
    int x = target_expand(r, t->domain, domain, target, sizeof target, depth);
    if (x != R_MATCH)
        return x;
    q[0] = ans[0] = '\0';
    int res = validated_names(r, names, &n, &is_void, q, sizeof q, ans, sizeof ans);
    if (res == R_PENDING)
        return R_PENDING;
    if (res == R_NOMATCH) {
        /* §5.5: a DNS error in the PTR lookup is no match */
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.5", "spf.mech.ptr", q, ans,
                        "%s: no PTR name for %s: no match", term, r->in->ip_text);
        if (is_void && !void_count(r, depth))
            return CHECK_SPF_PERMERROR;
        return R_NOMATCH;
    }
    for (size_t i = 0; i < n; i++)
        if (name_within(names[i], target)) {
            check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.5", "spf.mech.ptr", q, ans,
                            "%s: %s is validated and within %s: match", term, names[i], target);
            return R_MATCH;
        }
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.5", "spf.mech.ptr", q, ans,
                    "%s: no validated PTR name within %s: no match", term, target);
    return R_NOMATCH;
}

static int mech_exists(struct run *r, const struct spf_term *t, const char *term,
                       const char *domain, unsigned depth)
{
    /* §5.7: always an A query, whatever the client's address family */
    struct mech_lookup l = {.type = DNS_TYPE_A,
                            .help = "spf.mech.exists",
                            .section = "RFC 7208 §5.7",
                            .no_answer = "no address",
                            .target_in_void = true};
    const struct dns_answer *a = NULL;
    int x = mech_lookup(r, t, term, domain, depth, &l, &a);
    if (x != R_MATCH)
        return x;
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.7", "spf.mech.exists", l.q, l.ans,
                    "%s: %s exists: match", term, l.target);
    return R_MATCH;
}

static int mech_ip(struct run *r, const struct spf_term *t, const char *term, unsigned depth)
{
    int fam = t->kind == SPF_TERM_IP4 ? 4 : 6;
    int bits = fam == 4 ? (t->cidr4 < 0 ? 32 : t->cidr4) : (t->cidr6 < 0 ? 128 : t->cidr6);
    bool m = fam == r->in->family && addr_in(t->addr, r->in->addr, bits);
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.6",
                    fam == 4 ? "spf.mech.ip4" : "spf.mech.ip6", NULL, NULL, "%s: %s %s", term,
                    r->in->ip_text,
                    m ? "is in the block: match"
                      : fam == r->in->family ? "is not in the block: no match"
                                             : "is of the other address family: no match");
    return m ? R_MATCH : R_NOMATCH;
}

static int mech_include(struct run *r, const struct spf_term *t, const char *term,
                        const char *domain, unsigned depth)
{
    char target[DNS_SOURCE_NAME_MAX + 1];
    if (!lookup_count(r, depth, t, term))
        return CHECK_SPF_PERMERROR;
    int x = target_expand(r, t->domain, domain, target, sizeof target, depth);
    if (x != R_MATCH)
        return x;
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.2", "spf.mech.include", NULL, NULL,
                    "%s: evaluating the record of %s", term, target);
    int res = check_host(r, target, depth + 1, false);
    switch (res) {
    case R_PENDING:
        return R_PENDING;
    case CHECK_SPF_PASS:
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.2", "spf.mech.include", NULL, NULL,
                        "%s: the included record passes: match", term);
        return R_MATCH;
    case CHECK_SPF_FAIL:
    case CHECK_SPF_SOFTFAIL:
    case CHECK_SPF_NEUTRAL:
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.2", "spf.mech.include", NULL, NULL,
                        "%s: the included record gives %s: no match", term,
                        check_spf_result_name((enum check_spf_result)res));
        return R_NOMATCH;
    case CHECK_SPF_TEMPERROR:
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.2", "spf.mech.include", NULL, NULL,
                        "%s: temperror in the included record: temperror", term);
        return CHECK_SPF_TEMPERROR;
    default:
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.2", "lint.spf-include-no-record",
                        NULL, NULL, "%s: the included record gives %s: permerror", term,
                        check_spf_result_name((enum check_spf_result)res));
        return CHECK_SPF_PERMERROR;
    }
}

/* ---------------------------------------------------------------------- */
/* exp= (§6.2)                                                            */

static int explain(struct run *r, const struct spf_record *rec, const char *domain,
                   unsigned depth)
{
    const struct spf_term *t = &rec->terms[rec->exp_index];
    char target[DNS_SOURCE_NAME_MAX + 1], q[300], ans[600];
    const char *spec = t->domain ? t->domain : t->value;
    int x = macro_expand(r, spec, strlen(spec), domain, false, true);
    if (x == R_PENDING)
        return R_PENDING;
    if (x != R_MATCH || !domain_ok(strbuf_cstr(&r->sb))) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.2", "spf.mod.exp", NULL, NULL,
                        "exp=%s does not expand to a domain: no explanation", spec);
        return R_NOMATCH;
    }
    snprintf(target, sizeof target, "%s", strbuf_cstr(&r->sb));
    query_text(q, sizeof q, DNS_TYPE_TXT, target);
    const struct dns_answer *a = ask(r, target, DNS_TYPE_TXT);
    if (!a)
        return R_PENDING;
    answer_text(ans, sizeof ans, a, DNS_TYPE_TXT);
    if (a->status != DNS_OK || a->txt.count != 1) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.2", "spf.mod.exp", q, ans,
                        "exp=%s: not exactly one TXT record: no explanation", spec);
        return R_NOMATCH;
    }
    const struct dns_txt *txt = &a->txt.records[0];
    x = macro_expand(r, txt->text, txt->len, domain, true, false);
    if (x == R_PENDING)
        return R_PENDING;
    if (x != R_MATCH) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.2", "spf.mod.exp", q, ans,
                        "exp=%s: the TXT record is not a valid explain-string: no explanation",
                        spec);
        return R_NOMATCH;
    }
    free(r->ev->explanation);
    r->ev->explanation = dup_str(strbuf_cstr(&r->sb));
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.2", "spf.mod.exp", q, ans,
                    "explanation: %.300s", strbuf_cstr(&r->sb));
    return R_MATCH;
}

/* ---------------------------------------------------------------------- */
/* check_host (§4)                                                        */

static bool is_spf1(const char *text, size_t len)
{
    /* §4.5: "v=spf1" (any case) then a space or the end */
    return len >= 6 && strncasecmp(text, "v=spf1", 6) == 0 && (len == 6 || text[6] == ' ');
}

static enum check_spf_result qualifier_result(enum spf_qualifier q)
{
    switch (spf_qualifier_effective(q)) {
    case SPF_QUALIFIER_FAIL:
        return CHECK_SPF_FAIL;
    case SPF_QUALIFIER_SOFTFAIL:
        return CHECK_SPF_SOFTFAIL;
    case SPF_QUALIFIER_NEUTRAL:
        return CHECK_SPF_NEUTRAL;
    default:
        return CHECK_SPF_PASS;
    }
}

static int eval_record(struct run *r, struct spf_record *rec, const char *text,
                       const char *domain, unsigned depth, bool want_exp)
{
    char term[300];
    for (size_t i = 0; i < rec->count; i++) {
        const struct spf_term *t = &rec->terms[i];
        if (!spf_kind_is_mechanism(t->kind))
            continue;
        snprintf(term, sizeof term, "%.*s", (int)(t->whole.end - t->whole.start),
                 text + t->whole.start);
        int m;
        switch (t->kind) {
        case SPF_TERM_ALL:
            check_trace_add(&r->ev->trace, depth, "RFC 7208 §5.1", "spf.mech.all", NULL, NULL,
                            "%s: matches every sender", term);
            m = R_MATCH;
            break;
        case SPF_TERM_INCLUDE:
            m = mech_include(r, t, term, domain, depth);
            break;
        case SPF_TERM_A:
            m = mech_a(r, t, term, domain, depth);
            break;
        case SPF_TERM_MX:
            m = mech_mx(r, t, term, domain, depth);
            break;
        case SPF_TERM_PTR:
            m = mech_ptr(r, t, term, domain, depth);
            break;
        case SPF_TERM_IP4:
        case SPF_TERM_IP6:
            m = mech_ip(r, t, term, depth);
            break;
        case SPF_TERM_EXISTS:
            m = mech_exists(r, t, term, domain, depth);
            break;
        default: /* unknown mechanisms were a permerror at parse time */
            m = CHECK_SPF_PERMERROR;
            break;
        }
        if (m == R_NOMATCH)
            continue;
        if (m != R_MATCH)
            return m;
        enum check_spf_result res = qualifier_result(t->qualifier);
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.6.2",
                        spf_qualifier_help_id(t->qualifier), NULL, NULL,
                        "%s matched in the record of %s: %s", term, domain,
                        check_spf_result_name(res));
        if (depth == 0 || want_exp) {
            free(r->ev->matched);
            free(r->ev->decided_at);
            r->ev->matched = dup_str(term);
            r->ev->decided_at = dup_str(domain);
        }
        if (res == CHECK_SPF_FAIL && want_exp && rec->exp_index != SPF_NONE) {
            if (explain(r, rec, domain, depth) == R_PENDING)
                return R_PENDING;
        }
        return res;
    }
    /* §6.1: no mechanism matched: the redirect, if any */
    if (rec->redirect_index != SPF_NONE) {
        const struct spf_term *t = &rec->terms[rec->redirect_index];
        char target[DNS_SOURCE_NAME_MAX + 1];
        snprintf(term, sizeof term, "%.*s", (int)(t->whole.end - t->whole.start),
                 text + t->whole.start);
        if (!lookup_count(r, depth, t, term))
            return CHECK_SPF_PERMERROR;
        int x = target_expand(r, t->domain, domain, target, sizeof target, depth);
        if (x != R_MATCH)
            return x;
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.1", "spf.mod.redirect", NULL, NULL,
                        "no mechanism matched: %s hands the check to the record of %s", term,
                        target);
        int res = check_host(r, target, depth + 1, want_exp);
        if (res == CHECK_SPF_NONE) {
            check_trace_add(&r->ev->trace, depth, "RFC 7208 §6.1",
                            "lint.spf-redirect-no-record", NULL, NULL,
                            "%s: %s has no SPF record: permerror", term, target);
            return CHECK_SPF_PERMERROR;
        }
        return res;
    }
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.7", "lint.spf-no-all", NULL, NULL,
                    "no mechanism matched and there is no redirect: neutral (the default)");
    if (depth == 0 || want_exp) {
        free(r->ev->matched);
        free(r->ev->decided_at);
        r->ev->matched = NULL;
        r->ev->decided_at = dup_str(domain);
    }
    return CHECK_SPF_NEUTRAL;
}

/* The one v=spf1 record at domain: sets *text, or returns a result. */
static int record_fetch(struct run *r, const char *domain, unsigned depth, const char **text,
                        size_t *len)
{
    char q[300], ans[1200];
    query_text(q, sizeof q, DNS_TYPE_TXT, domain);
    const struct dns_answer *a = ask(r, domain, DNS_TYPE_TXT);
    if (!a)
        return R_PENDING;
    answer_text(ans, sizeof ans, a, DNS_TYPE_TXT);
    if (status_is_error(a->status)) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.4", "check.spf.record", q, ans,
                        "the TXT lookup of %s failed: temperror", domain);
        return CHECK_SPF_TEMPERROR;
    }
    size_t found = 0, which = 0;
    for (size_t i = 0; a->status == DNS_OK && i < a->txt.count; i++)
        if (is_spf1(a->txt.records[i].text, a->txt.records[i].len)) {
            found++;
            which = i;
        }
    if (found == 0) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.5", "check.spf.record", q, ans,
                        "%s publishes no v=spf1 record: none", domain);
        return CHECK_SPF_NONE;
    }
    if (found > 1) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.5", "lint.spf-multiple-records", q,
                        ans, "%s publishes %zu v=spf1 records: permerror", domain, found);
        return CHECK_SPF_PERMERROR;
    }
    *text = a->txt.records[which].text;
    *len = a->txt.records[which].len;
    check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.5", "check.spf.record", q, ans,
                    "the SPF record of %s", domain);
    return R_MATCH;
}

/* §4.6: a record with any syntax error is a permerror, found anywhere. */
static bool record_parse(struct run *r, struct spf_record *rec, const char *text, size_t len,
                         unsigned depth)
{
    struct diag_list diags;
    diag_list_init(&diags);
    bool ok = spf_parse(rec, text, len, &diags);
    const struct diag *bad = NULL;
    for (size_t i = 0; ok && i < diags.count && !bad; i++)
        if (diags.items[i].severity == DIAG_ERROR)
            bad = &diags.items[i];
    if (!ok) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.6", "check.spf.record", NULL, NULL,
                        "out of memory parsing the record: permerror");
    } else if (bad) {
        check_trace_add(&r->ev->trace, depth, rule_get(bad->rule)->ref, "check.spf.syntax", NULL,
                        NULL, "syntax error (%s): %s: permerror", rule_get(bad->rule)->code,
                        bad->message);
        ok = false;
    } else if (rec->redirect_count > 1 || rec->exp_count > 1) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §6", "lint.spf-duplicate-modifier", NULL,
                        NULL, "redirect= or exp= appears more than once: permerror");
        ok = false;
    }
    diag_list_free(&diags);
    return ok;
}

static int check_host(struct run *r, const char *domain, unsigned depth, bool want_exp)
{
    /* §4.3: a malformed domain is none */
    if (!domain_ok(domain)) {
        check_trace_add(&r->ev->trace, depth, "RFC 7208 §4.3", "check.spf.identity", NULL, NULL,
                        "'%.200s' is not a usable domain name (empty or long label, one "
                        "label, literal): none",
                        domain);
        return CHECK_SPF_NONE;
    }
    const char *text = NULL;
    size_t len = 0;
    int x = record_fetch(r, domain, depth, &text, &len);
    if (x != R_MATCH)
        return x;
    struct spf_record rec;
    spf_record_init(&rec);
    int res;
    if (!record_parse(r, &rec, text, len, depth))
        res = CHECK_SPF_PERMERROR;
    else
        res = eval_record(r, &rec, text, domain, depth, want_exp);
    spf_record_free(&rec);
    return res;
}

/* ---------------------------------------------------------------------- */
/* Prefetch: every name the known records will need                       */

static void want(struct run *r, const char *name, enum dns_rrtype type)
{
    if (!domain_ok(name))
        return;
    if (!r->src->lookup(r->src, name, type))
        check_needs_add(&r->prefetch, name, type);
}

static void prefetch_record(struct run *r, const char *domain, unsigned depth, size_t *records)
{
    if (depth > SPF_LOOKUP_LIMIT || *records >= PREFETCH_MAX_RECORDS || !domain_ok(domain))
        return;
    const struct dns_answer *a = r->src->lookup(r->src, domain, DNS_TYPE_TXT);
    if (!a) {
        check_needs_add(&r->prefetch, domain, DNS_TYPE_TXT);
        return;
    }
    (*records)++;
    const struct dns_txt *spf = NULL;
    size_t found = 0;
    for (size_t i = 0; a->status == DNS_OK && i < a->txt.count; i++)
        if (is_spf1(a->txt.records[i].text, a->txt.records[i].len)) {
            spf = &a->txt.records[i];
            found++;
        }
    if (found != 1)
        return;
    struct spf_record rec;
    spf_record_init(&rec);
    if (!spf_parse(&rec, spf->text, spf->len, NULL)) {
        spf_record_free(&rec);
        return;
    }
    enum dns_rrtype at = r->in->family == 4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
    for (size_t i = 0; i < rec.count; i++) {
        const struct spf_term *t = &rec.terms[i];
        if (t->flags & (SPF_TERM_ERROR | SPF_TERM_AFTER_ALL))
            continue;
        char target[DNS_SOURCE_NAME_MAX + 1];
        if (!t->domain) {
            snprintf(target, sizeof target, "%s", domain);
        } else {
            struct spf_macro_vars v;
            vars_fill(r, domain, NULL, &v);
            strbuf_reset(&r->sb);
            if (spf_macro_expand(t->domain, strlen(t->domain), &v, false, true, &r->sb) !=
                    SPF_MACRO_OK ||
                r->sb.failed)
                continue;
            snprintf(target, sizeof target, "%s", strbuf_cstr(&r->sb));
        }
        switch (t->kind) {
        case SPF_TERM_INCLUDE:
        case SPF_TERM_REDIRECT:
            if (t->domain)
                prefetch_record(r, target, depth + 1, records);
            break;
        case SPF_TERM_A:
            want(r, target, at);
            break;
        case SPF_TERM_EXISTS:
            want(r, target, DNS_TYPE_A);
            break;
        case SPF_TERM_MX: {
            const struct dns_answer *mx = r->src->lookup(r->src, target, DNS_TYPE_MX);
            if (!mx) {
                want(r, target, DNS_TYPE_MX);
            } else if (mx->status == DNS_OK) {
                for (size_t k = 0; k < mx->count && k < SPF_MX_LIMIT; k++)
                    if (mx->rrs[k].name && *mx->rrs[k].name)
                        want(r, mx->rrs[k].name, at);
            }
            break;
        }
        case SPF_TERM_EXP:
            if (depth == 0 && t->domain)
                want(r, target, DNS_TYPE_TXT);
            break;
        default:
            break;
        }
    }
    spf_record_free(&rec);
}

enum check_status spf_eval_run(struct spf_eval *ev, const struct dns_source *src)
{
    results_clear(ev);
    if (!ev->in || !ev->domain) {
        snprintf(ev->error, sizeof ev->error, "the evaluation was not set up");
        return CHECK_BAD_INPUT;
    }
    struct run r = {.ev = ev, .src = src, .in = ev->in};
    strbuf_init(&r.sb);
    r.sb.limit = 4096;
    check_trace_add(&ev->trace, 0, strcmp(ev->identity, "helo") ? "RFC 7208 §4.1" : "RFC 7208 §2.3",
                    "check.spf.identity", NULL, NULL,
                    "check_host(%s, %s, %s): the %s identity", ev->in->ip_text, ev->domain,
                    ev->in->sender, strcmp(ev->identity, "helo") ? "MAIL FROM" : "HELO");
    int res = check_host(&r, ev->domain, 0, true);
    ev->lookups = r.lookups;
    ev->void_lookups = r.voids;
    if (r.pending || res == R_PENDING) {
        size_t records = 0;
        prefetch_record(&r, ev->domain, 0, &records);
        for (size_t i = 0; i < r.prefetch.count; i++)
            check_needs_add(&ev->needs, r.prefetch.items[i].name, r.prefetch.items[i].type);
        strbuf_free(&r.sb);
        return CHECK_NEED_ANSWERS;
    }
    strbuf_free(&r.sb);
    ev->result = (enum check_spf_result)res;
    check_trace_add(&ev->trace, 0, "RFC 7208 §2.6", "check.spf.result", NULL, NULL,
                    "SPF result: %s (%d DNS lookup%s, %u void)", check_spf_result_name(ev->result),
                    r.lookups, r.lookups == 1 ? "" : "s", r.voids);
    return CHECK_DONE;
}
