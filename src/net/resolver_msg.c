/* Reading a DNS answer message (RFC 1035 §4.1) for the resolver: the same
 * code reads what c-ares and what a DoH server hand back, so both
 * transports give the same answers.  Every length is checked against the
 * message; names are expanded by c-ares (which bounds compression loops). */
#include "resolver_internal.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rr {
    char *owner;
    int type, class_;
    size_t rdata, rdlen; /* offset and length in the message */
};

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

int resolver_qtype_code(enum net_qtype type)
{
    switch (type) {
    case NET_Q_A:
        return ns_t_a;
    case NET_Q_AAAA:
        return ns_t_aaaa;
    case NET_Q_MX:
        return ns_t_mx;
    case NET_Q_PTR:
        return ns_t_ptr;
    case NET_Q_TXT:
        break;
    }
    return ns_t_txt;
}

const char *net_qtype_name(enum net_qtype type)
{
    switch (type) {
    case NET_Q_A:
        return "A";
    case NET_Q_AAAA:
        return "AAAA";
    case NET_Q_MX:
        return "MX";
    case NET_Q_PTR:
        return "PTR";
    case NET_Q_TXT:
        break;
    }
    return "TXT";
}

/* Names compare without case (RFC 4343) and without a final dot. */
static bool name_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

static void set_error(struct resolver_result *res, enum dns_status status, const char *what)
{
    res->status = status;
    snprintf(res->error, sizeof res->error, "%s", what);
}

static const char *rcode_name(unsigned rcode)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                        "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                        "NXRRSET", "NOTAUTH", "NOTZONE"};
    return rcode < sizeof names / sizeof names[0] ? names[rcode] : "unknown";
}

/* Expand the name at msg[*off], move *off past it.  NULL if malformed or
 * out of memory (c-ares allocates; free with ares_free_string). */
static char *take_name(const unsigned char *msg, size_t len, size_t *off)
{
    char *name = NULL;
    long enclen = 0;
    if (*off >= len)
        return NULL;
    if (ares_expand_name(msg + *off, msg, (int)len, &name, &enclen) != ARES_SUCCESS)
        return NULL;
    if (enclen <= 0 || (size_t)enclen > len - *off) {
        ares_free_string(name);
        return NULL;
    }
    *off += (size_t)enclen;
    return name;
}

/* RFC 1035 §3.3.14: TXT-DATA is one or more <character-string>s; keep them
 * up to the caps (RFC 7208 §3.3 and RFC 6376 §3.6.2.2: joined with no
 * separator, which dns_txt_answer_add does). */
static bool add_txt(const unsigned char *msg, const struct rr *rr, struct resolver_result *res,
                    size_t *kept_strings, size_t *kept_bytes)
{
    size_t max = rr->rdlen + 1;
    const char **strings = malloc(max * sizeof *strings);
    size_t *lengths = malloc(max * sizeof *lengths);
    size_t n = 0;
    bool ok = false;
    if (!strings || !lengths) {
        set_error(res, DNS_ERROR, "out of memory");
        goto done;
    }
    for (size_t at = 0; at < rr->rdlen;) {
        size_t slen = msg[rr->rdata + at];
        if (slen > rr->rdlen - at - 1) {
            set_error(res, DNS_ERROR, "malformed answer: a TXT string runs past its record");
            goto done;
        }
        if (*kept_strings >= NET_MAX_TXT_STRINGS || slen > NET_MAX_TXT_BYTES - *kept_bytes) {
            res->truncated = true;
            break;
        }
        strings[n] = (const char *)msg + rr->rdata + at + 1;
        lengths[n] = slen;
        n++;
        (*kept_strings)++;
        *kept_bytes += slen;
        at += 1 + slen;
    }
    if (n == 0 && res->truncated) {
        ok = true;
        goto done;
    }
    if (!dns_txt_answer_add(&res->txt, strings, lengths, n)) {
        set_error(res, DNS_ERROR, "out of memory");
        goto done;
    }
    ok = true;
done:
    free(strings);
    free(lengths);
    return ok;
}

static bool check_rdata(const unsigned char *msg, size_t len, const struct rr *rr, int qtype,
                        struct resolver_result *res)
{
    if (qtype == ns_t_a && rr->rdlen != 4) {
        set_error(res, DNS_ERROR, "malformed answer: an A record is not 4 bytes");
        return false;
    }
    if (qtype == ns_t_aaaa && rr->rdlen != 16) {
        set_error(res, DNS_ERROR, "malformed answer: an AAAA record is not 16 bytes");
        return false;
    }
    if (qtype == ns_t_mx || qtype == ns_t_ptr) {
        size_t off = rr->rdata + (qtype == ns_t_mx ? 2 : 0);
        char *host = rr->rdlen >= (qtype == ns_t_mx ? 3u : 1u) ? take_name(msg, len, &off) : NULL;
        if (!host || off > rr->rdata + rr->rdlen) {
            ares_free_string(host);
            set_error(res, DNS_ERROR, qtype == ns_t_mx ? "malformed answer: a bad MX record"
                                                       : "malformed answer: a bad PTR record");
            return false;
        }
        /* Keep the record for the receiver simulation (beyond the cap only
         * counted). */
        if (res->rrs.count < DNS_ANSWER_MAX_RRS)
            dns_answer_add_name(&res->rrs, qtype == ns_t_mx ? get16(msg + rr->rdata) : 0, host,
                                strlen(host));
        ares_free_string(host);
        return true;
    }
    if (res->rrs.count < DNS_ANSWER_MAX_RRS)
        dns_answer_add_addr(&res->rrs, msg + rr->rdata, rr->rdlen);
    return true;
}

/* Follow the CNAME chain from qname (RFC 1034 §3.6.2) and keep the records
 * of the type asked at its end. */
static void read_chain(const unsigned char *msg, size_t len, const struct rr *rrs, size_t nrr,
                       const char *qname, int qtype, struct resolver_result *res)
{
    char *visited[RESOLVER_CNAME_MAX + 1];
    size_t nvisited = 0;
    const char *cur = qname;
    size_t kept_strings = 0, kept_bytes = 0;

    for (;;) {
        bool found = false;
        for (size_t i = 0; i < nrr; i++) {
            if (rrs[i].type != qtype || rrs[i].class_ != ns_c_in || !name_equal(rrs[i].owner, cur))
                continue;
            found = true;
            if (qtype == ns_t_txt) {
                if (!res->truncated && !add_txt(msg, &rrs[i], res, &kept_strings, &kept_bytes))
                    goto done;
                continue;
            }
            if (!check_rdata(msg, len, &rrs[i], qtype, res))
                goto done;
            res->count++;
        }
        if (found) {
            res->status = DNS_OK;
            goto done;
        }
        const struct rr *cname = NULL;
        for (size_t i = 0; i < nrr && !cname; i++)
            if (rrs[i].type == ns_t_cname && name_equal(rrs[i].owner, cur))
                cname = &rrs[i];
        if (!cname) {
            res->status = DNS_NODATA;
            goto done;
        }
        size_t off = cname->rdata;
        char *target = take_name(msg, len, &off);
        if (!target || off != cname->rdata + cname->rdlen) {
            ares_free_string(target);
            set_error(res, DNS_ERROR, "malformed answer: a bad CNAME record");
            goto done;
        }
        bool loop = name_equal(target, qname);
        for (size_t i = 0; i < nvisited && !loop; i++)
            loop = name_equal(visited[i], target);
        if (loop) {
            res->status = DNS_ERROR;
            snprintf(res->error, sizeof res->error, "CNAME loop: %.100s points back to %.60s", cur,
                     target);
            ares_free_string(target);
            goto done;
        }
        if (nvisited == RESOLVER_CNAME_MAX) {
            ares_free_string(target);
            set_error(res, DNS_ERROR, "CNAME chain longer than 16 steps");
            goto done;
        }
        visited[nvisited++] = target;
        cur = target;
    }
done:
    for (size_t i = 0; i < nvisited; i++)
        ares_free_string(visited[i]);
    if (qtype == ns_t_txt)
        res->count = (unsigned)res->txt.count;
    if (res->status == DNS_OK && res->count == 0)
        res->status = DNS_NODATA; /* every record was cut by the caps */
}

void resolver_msg_parse(const unsigned char *msg, size_t len, const char *qname, int qtype,
                        const char *server, struct resolver_result *res)
{
    struct rr *rrs = NULL;
    size_t nrr = 0;
    char *name = NULL;

    res->status = DNS_ERROR;
    res->count = 0;
    res->truncated = false;
    res->tc = false;
    res->counts_only = false;
    res->ttl = -1;
    res->error[0] = '\0';
    dns_txt_answer_init(&res->txt);
    dns_answer_init(&res->rrs);

    if (len < NS_HFIXEDSZ || !(msg[2] & 0x80)) {
        set_error(res, DNS_ERROR, "malformed answer: no DNS header");
        goto done;
    }
    res->tc = (msg[2] & 0x02) != 0;
    unsigned rcode = msg[3] & 0x0f;
    unsigned qdcount = get16(msg + 4), ancount = get16(msg + 6);
    size_t off = NS_HFIXEDSZ;

    if (qdcount > 1) {
        set_error(res, DNS_ERROR, "malformed answer: more than one question");
        goto done;
    }
    if (qdcount == 1) {
        name = take_name(msg, len, &off);
        if (!name || len - off < 4) {
            set_error(res, DNS_ERROR, "malformed answer: a bad question section");
            goto done;
        }
        if (!name_equal(name, qname) || (int)get16(msg + off) != qtype) {
            set_error(res, DNS_ERROR, "the answer is for another question");
            goto done;
        }
        off += 4;
    } else if (rcode == ns_r_noerror) {
        set_error(res, DNS_ERROR, "malformed answer: no question section");
        goto done;
    }

    switch (rcode) {
    case ns_r_noerror:
        break;
    case ns_r_nxdomain:
        res->status = DNS_NXDOMAIN;
        goto done;
    case ns_r_servfail:
        res->status = DNS_SERVFAIL;
        snprintf(res->error, sizeof res->error, "server failure (SERVFAIL) from %s", server);
        goto done;
    case ns_r_refused:
        res->status = DNS_REFUSED;
        snprintf(res->error, sizeof res->error, "query refused (REFUSED) by %s", server);
        goto done;
    default:
        res->status = DNS_ERROR;
        snprintf(res->error, sizeof res->error, "%s answered rcode %u (%s)", server, rcode,
                 rcode_name(rcode));
        goto done;
    }

    /* Each RR takes at least 11 bytes: this bounds the allocation. */
    if (ancount > (len - off) / 11) {
        set_error(res, DNS_ERROR, "malformed answer: fewer records than the header says");
        goto done;
    }
    rrs = calloc(ancount ? ancount : 1, sizeof *rrs);
    if (!rrs) {
        set_error(res, DNS_ERROR, "out of memory");
        goto done;
    }
    for (; nrr < ancount; nrr++) {
        struct rr *rr = &rrs[nrr];
        rr->owner = take_name(msg, len, &off);
        if (!rr->owner) {
            set_error(res, DNS_ERROR, "malformed answer: a bad record name");
            goto done;
        }
        if (len - off < 10) {
            set_error(res, DNS_ERROR, "malformed answer: a record is cut short");
            goto done;
        }
        rr->type = (int)get16(msg + off);
        rr->class_ = (int)get16(msg + off + 2);
        rr->rdlen = get16(msg + off + 8);
        /* RFC 1035 §4.1.3: a 32-bit TTL (RFC 2181 §8: the top bit clear). */
        long ttl = (long)(((unsigned long)get16(msg + off + 4) << 16 | get16(msg + off + 6)) &
                          0x7fffffffUL);
        if (res->ttl < 0 || ttl < res->ttl)
            res->ttl = ttl;
        off += 10;
        if (rr->rdlen > len - off) {
            set_error(res, DNS_ERROR, "malformed answer: record data runs past the message");
            goto done;
        }
        rr->rdata = off;
        off += rr->rdlen;
    }
    read_chain(msg, len, rrs, nrr, qname, qtype, res);
    if (res->status == DNS_ERROR) {
        dns_txt_answer_free(&res->txt);
        dns_answer_free(&res->rrs);
    }

done:
    if (rrs) {
        for (size_t i = 0; i <= nrr && i < ancount; i++)
            ares_free_string(rrs[i].owner);
        free(rrs);
    }
    ares_free_string(name);
    res->txt.status = res->status;
}
