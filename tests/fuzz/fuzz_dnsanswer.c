/* Fuzz the DNS answer handling: raw answer bytes through the c-ares
 * parsers the resolver uses (ares_parse_txt_reply_ext, ares_parse_a_reply,
 * ares_parse_aaaa_reply, ares_parse_mx_reply), then what the core does with
 * the result: dns_txt_answer_add (strings joined per RR), the SPF include
 * tree (spf_tree_attach_txt, spf_tree_attach_target, spf_tree_attach_exp,
 * spf_tree_lint) and DMARC discovery (dmarc_discovery_set_answer,
 * set_apex, set_report_answer, dmarc_discovery_lint).
 *
 * When src/net/resolver_msg.c is there (FUZZ_HAVE_RESOLVER_MSG), the same
 * bytes also go through the resolver's own message reader,
 * resolver_msg_parse (what both the c-ares and the DoH transport use), and
 * its TXT records feed the core the same way; its error text must be
 * printable ASCII (design.md: error texts never carry raw network bytes).
 *
 * Input: one byte choosing the query type (TXT, A, AAAA, MX), then the DNS
 * message (the question asked is example.com).  The same bounds as src/net apply (NET_MAX_TXT_STRINGS strings,
 * NET_MAX_TXT_BYTES bytes).  Invariants: joined records hold exactly the
 * bytes of their strings, string ends increase, counts and diagnostics in
 * range, no out-of-bounds access (ASan). */
#include "fuzz_common.h"

#include <ares.h>
#include <netdb.h>

#include "authtxt/dmarc.h"
#include "authtxt/dnsdata.h"
#include "authtxt/spf_tree.h"

#ifdef FUZZ_HAVE_RESOLVER_MSG
#include "resolver_internal.h"
#endif

#define MAX_STRINGS 4096u
#define MAX_BYTES 65535u

/* Group c-ares chunks into RRs (record_start marks the first chunk). */
static bool txt_to_answer(const struct ares_txt_ext *txt, struct dns_txt_answer *out)
{
    const char *strs[256];
    size_t lens[256];
    size_t n = 0, total = 0, nstrings = 0;
    bool ok = true;
    for (const struct ares_txt_ext *t = txt; t && ok; t = t->next) {
        if (t->record_start && n > 0) {
            ok = dns_txt_answer_add(out, strs, lens, n);
            n = 0;
        }
        if (nstrings >= MAX_STRINGS || total + t->length > MAX_BYTES || n == 256)
            break;
        strs[n] = (const char *)t->txt;
        lens[n] = t->length;
        n++;
        nstrings++;
        total += t->length;
    }
    if (ok && n > 0)
        ok = dns_txt_answer_add(out, strs, lens, n);
    out->status = out->count ? DNS_OK : DNS_NODATA;
    return ok;
}

static void check_answer(const struct dns_txt_answer *a)
{
    for (size_t i = 0; i < a->count; i++) {
        const struct dns_txt *r = &a->records[i];
        fuzz_check(r->text != NULL && r->text[r->len] == '\0', "record %zu not terminated", i);
        size_t prev = 0;
        for (size_t k = 0; k < r->nstrings; k++) {
            fuzz_check(r->string_ends[k] >= prev && r->string_ends[k] <= r->len,
                       "record %zu string %zu ends at %zu", i, k, r->string_ends[k]);
            prev = r->string_ends[k];
        }
        fuzz_check(r->nstrings == 0 || prev == r->len, "record %zu: strings end at %zu, len %zu",
                   i, prev, r->len);
    }
}

static bool copy_answer(const struct dns_txt_answer *from, struct dns_txt_answer *to)
{
    dns_txt_answer_init(to);
    to->status = from->status;
    for (size_t i = 0; i < from->count; i++) {
        const struct dns_txt *r = &from->records[i];
        const char *strs[256];
        size_t lens[256], n = 0, prev = 0;
        for (size_t k = 0; k < r->nstrings && n < 256; k++) {
            strs[n] = r->text + prev;
            lens[n] = r->string_ends[k] - prev;
            prev = r->string_ends[k];
            n++;
        }
        if (!dns_txt_answer_add(to, strs, lens, n))
            return false;
    }
    return true;
}

static size_t root_len(const struct spf_tree *t)
{
    if (t->count == 0 || t->nodes[0].result != SPF_RESULT_RECORD)
        return 0;
    return t->nodes[0].record.text_len;
}

/* Give every pending query of the tree an answer: the fuzzed TXT answer
 * for TXT queries, the fuzzed count for address and MX queries. */
static void drive_tree(struct spf_tree *t, const struct dns_txt_answer *txt, enum dns_status st,
                       unsigned count)
{
    struct spf_query q[64];
    for (int round = 0; round < 8; round++) {
        size_t n = spf_tree_pending(t, q, 64);
        if (n == 0)
            break;
        if (n > 64)
            n = 64;
        for (size_t i = 0; i < n; i++) {
            fuzz_check(q[i].node < t->count, "pending node %zu of %zu", q[i].node, t->count);
            if (q[i].target == SPF_NONE)
                (void)spf_tree_attach_txt(t, q[i].node, txt);
            else if (q[i].type == SPF_QUERY_TXT)
                (void)spf_tree_attach_exp(t, q[i].node, q[i].target, txt);
            else
                (void)spf_tree_attach_target(t, q[i].node, q[i].target, st, count);
        }
    }
    fuzz_check(t->count <= SPF_TREE_MAX_NODES, "%zu nodes", t->count);
    fuzz_check(t->nvoids <= SPF_TREE_MAX_VOIDS, "%zu voids", t->nvoids);
    for (size_t i = 0; i < t->count; i++) {
        const struct spf_node *nd = &t->nodes[i];
        fuzz_check(i == 0 ? nd->parent == SPF_NONE : nd->parent < i, "node %zu parent %zu", i,
                   nd->parent);
        fuzz_check(nd->depth <= SPF_TREE_MAX_DEPTH + 1, "node %zu depth %u", i, nd->depth);
        check_answer(&nd->txt);
    }
    struct diag_list d;
    diag_list_init(&d);
    spf_tree_lint(t, &d);
    fuzz_check_diags(&d, root_len(t));
    diag_list_free(&d);
}

static void drive_dmarc(const struct dns_txt_answer *txt)
{
    static struct dmarc_discovery d; /* about 18 KiB: off the stack */
    static bool ready;
    struct dns_txt_answer c;
    if (!ready) {
        dmarc_discovery_init(&d);
        ready = true;
    }
    if (!dmarc_discovery_start(&d, "a.b.mail.example.com", "example.com"))
        fuzz_fail("discovery refused a domain");
    for (int round = 0; round < DMARC_WALK_MAX + 2; round++) {
        bool any = false;
        for (size_t i = 0; i < d.nsteps; i++) {
            if (!dmarc_discovery_step_needed(&d, i))
                continue;
            if (!copy_answer(txt, &c)) {
                dns_txt_answer_free(&c);
                return;
            }
            dmarc_discovery_set_answer(&d, i, &c);
            dns_txt_answer_free(&c);
            any = true;
        }
        if (!any)
            break;
    }
    if (copy_answer(txt, &c))
        dmarc_discovery_set_apex(&d, &c);
    dns_txt_answer_free(&c);
    fuzz_check(d.nreports <= DMARC_REPORT_HOSTS_MAX, "%zu report checks", d.nreports);
    for (size_t i = 0; i < d.nreports; i++) {
        for (int w = 0; w < 2; w++) {
            if (copy_answer(txt, &c))
                dmarc_discovery_set_report_answer(&d, i, w, &c);
            dns_txt_answer_free(&c);
        }
        (void)dmarc_report_status(&d.reports[i]);
    }
    size_t plen = 0;
    const char *ptext = dmarc_discovery_policy_text(&d, &plen);
    if (!ptext)
        plen = 0;
    (void)dmarc_discovery_policy_domain(&d);
    (void)dmarc_discovery_scope(&d);
    struct diag_list dl;
    diag_list_init(&dl);
    dmarc_discovery_lint(&d, &dl);
    fuzz_check_diags(&dl, plen);
    diag_list_free(&dl);
}

#ifdef FUZZ_HAVE_RESOLVER_MSG
static void resolver_path(const unsigned char *msg, size_t len, unsigned type)
{
    static const enum net_qtype types[] = {NET_Q_TXT, NET_Q_A, NET_Q_AAAA, NET_Q_MX};
    struct resolver_result res;
    resolver_msg_parse(msg, len, "example.com", resolver_qtype_code(types[type]), "127.0.0.1:53",
                       &res);
    fuzz_check(memchr(res.error, '\0', sizeof res.error) != NULL, "error not terminated");
    for (const char *p = res.error; *p; p++)
        fuzz_check(*p >= 0x20 && *p < 0x7f, "error text holds byte 0x%02x: %s",
                   (unsigned char)*p, res.error);
    fuzz_check(res.status != DNS_PENDING, "status pending");
    fuzz_check(res.txt.status == res.status, "txt status %d, status %d", (int)res.txt.status,
               (int)res.status);
    check_answer(&res.txt);
    size_t strings = 0, bytes = 0;
    for (size_t i = 0; i < res.txt.count; i++) {
        strings += res.txt.records[i].nstrings;
        bytes += res.txt.records[i].len;
    }
    fuzz_check(strings <= NET_MAX_TXT_STRINGS && bytes <= NET_MAX_TXT_BYTES,
               "%zu strings, %zu bytes kept", strings, bytes);
    if (type == 0 && res.status == DNS_OK) {
        struct spf_tree tree;
        spf_tree_init(&tree);
        if (spf_tree_start(&tree, "example.com"))
            drive_tree(&tree, &res.txt, DNS_OK, 1);
        spf_tree_free(&tree);
        drive_dmarc(&res.txt);
    }
    /* The caller owns both parts of a result, as resolver.c frees them. */
    dns_txt_answer_free(&res.txt);
    dns_answer_free(&res.rrs);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > 65535)
        return 0;
    unsigned type = data[0] & 3;
    const unsigned char *msg = data + 1;
    int mlen = (int)(size - 1);
    struct spf_tree tree;
    struct dns_txt_answer answer;
    spf_tree_init(&tree);
    dns_txt_answer_init(&answer);

    if (type == 0) {
        struct ares_txt_ext *txt = NULL;
        int rc = ares_parse_txt_reply_ext(msg, mlen, &txt);
        if (rc == ARES_SUCCESS) {
            bool ok = txt_to_answer(txt, &answer);
            ares_free_data(txt);
            if (ok) {
                check_answer(&answer);
                if (spf_tree_start(&tree, "example.com"))
                    drive_tree(&tree, &answer, DNS_OK, 1);
                drive_dmarc(&answer);
            }
        } else {
            answer.status = rc == ARES_ENODATA ? DNS_NODATA : DNS_ERROR;
            if (spf_tree_start(&tree, "example.com"))
                drive_tree(&tree, &answer, answer.status, 0);
        }
    } else {
        unsigned count = 0;
        int rc;
        if (type == 1) {
            struct hostent *h = NULL;
            struct ares_addrttl ttls[32];
            int n = 32;
            rc = ares_parse_a_reply(msg, mlen, &h, ttls, &n);
            if (rc == ARES_SUCCESS) {
                fuzz_check(n >= 0 && n <= 32, "naddrttls %d", n);
                count = (unsigned)n;
            }
            if (h)
                ares_free_hostent(h);
        } else if (type == 2) {
            struct hostent *h = NULL;
            struct ares_addr6ttl ttls[32];
            int n = 32;
            rc = ares_parse_aaaa_reply(msg, mlen, &h, ttls, &n);
            if (rc == ARES_SUCCESS) {
                fuzz_check(n >= 0 && n <= 32, "naddr6ttls %d", n);
                count = (unsigned)n;
            }
            if (h)
                ares_free_hostent(h);
        } else {
            struct ares_mx_reply *mx = NULL;
            rc = ares_parse_mx_reply(msg, mlen, &mx);
            if (rc == ARES_SUCCESS)
                for (const struct ares_mx_reply *m = mx; m; m = m->next) {
                    fuzz_check(m->host != NULL, "MX without host");
                    count++;
                }
            if (mx)
                ares_free_data(mx);
        }
        enum dns_status st = rc == ARES_SUCCESS ? (count ? DNS_OK : DNS_NODATA)
                             : rc == ARES_ENODATA ? DNS_NODATA
                             : rc == ARES_ENOTFOUND ? DNS_NXDOMAIN
                                                    : DNS_ERROR;
        static const char root[] = "v=spf1 a mx a:h.example.com mx:m.example.com/24 "
                                   "exists:%{i}.x.example.com exists:e.example.com "
                                   "include:i.example.com exp=x.example.com -all";
        dns_txt_answer_add_text(&answer, root);
        answer.status = DNS_OK;
        if (spf_tree_start_text(&tree, "example.com", root, sizeof root - 1))
            drive_tree(&tree, &answer, st, count);
    }

#ifdef FUZZ_HAVE_RESOLVER_MSG
    resolver_path(msg, (size_t)mlen, type);
#endif
    dns_txt_answer_free(&answer);
    spf_tree_free(&tree);
    return 0;
}
