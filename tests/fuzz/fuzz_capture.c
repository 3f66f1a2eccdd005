/* Fuzz the DNS capture reader (src/net/capture.c, `--dns-file FILE`): any
 * bytes through net_capture_parse.  A refused input must say why, naming
 * the file; an accepted one must hold sound answers and survive a round
 * trip.  Invariants: every entry is found again by its (name, type) and
 * the name is lower case without a final dot; records stay within
 * DNS_ANSWER_MAX_RRS and NET_MAX_TXT_STRINGS; a non-TXT answer lists as
 * many records as its count (past the cap: at most) unless it is
 * counts_only; a TXT record's string ends increase to its length; the
 * capture written by net_capture_save reads back with the same answers. */
#include "fuzz_common.h"

#include <unistd.h>

#include "capture.h"

static char tmp_path[64];

static void entries_equal(const struct net_capture_entry *a, const struct net_capture_entry *b)
{
    const struct net_kept_answer *x = &a->answer, *y = &b->answer;
    fuzz_check(a->type == b->type && strcmp(a->name, b->name) == 0, "round trip: another name");
    fuzz_check(x->status == y->status && x->count == y->count && x->ttl == y->ttl &&
                   x->truncated == y->truncated && x->counts_only == y->counts_only,
               "round trip: %s changed", a->name);
    fuzz_check(strcmp(x->error, y->error) == 0, "round trip: error text of %s", a->name);
    fuzz_check(x->txt.count == y->txt.count && x->rrs.count == y->rrs.count,
               "round trip: records of %s", a->name);
    for (size_t i = 0; i < x->txt.count; i++) {
        const struct dns_txt *p = &x->txt.records[i], *q = &y->txt.records[i];
        fuzz_check(p->len == q->len && memcmp(p->text, q->text, p->len) == 0 &&
                       p->nstrings == q->nstrings,
                   "round trip: TXT record %zu of %s", i, a->name);
    }
    for (size_t i = 0; i < x->rrs.count; i++) {
        const struct dns_rdata *p = &x->rrs.rrs[i], *q = &y->rrs.rrs[i];
        size_t alen = a->type == NET_Q_A ? 4 : a->type == NET_Q_AAAA ? 16 : 0;
        fuzz_check(p->pref == q->pref && memcmp(p->addr, q->addr, alen) == 0 &&
                       !p->name == !q->name && (!p->name || strcmp(p->name, q->name) == 0),
                   "round trip: record %zu of %s", i, a->name);
    }
}

static void check_entry(const struct net_capture *c, const struct net_capture_entry *e)
{
    const struct net_kept_answer *k = &e->answer;
    size_t n = strlen(e->name);
    fuzz_check(n > 0 && n < NET_CAPTURE_NAME_MAX && e->name[n - 1] != '.', "name '%s'", e->name);
    for (size_t i = 0; i < n; i++)
        fuzz_check(!(e->name[i] >= 'A' && e->name[i] <= 'Z'), "name '%s' not lower case", e->name);
    fuzz_check(net_capture_find(c, e->name, e->type) == e, "%s not found again", e->name);
    fuzz_check((unsigned)k->status < DNS_PENDING && k->error, "status/error of %s", e->name);
    fuzz_check(k->rrs.count <= DNS_ANSWER_MAX_RRS, "%zu records", k->rrs.count);
    if (e->type == NET_Q_TXT) {
        fuzz_check(k->rrs.count == 0, "TXT answer with address records");
        for (size_t i = 0; i < k->txt.count; i++) {
            const struct dns_txt *t = &k->txt.records[i];
            fuzz_check(t->nstrings >= 1 && t->nstrings <= NET_MAX_TXT_STRINGS, "nstrings");
            for (size_t s = 0; s < t->nstrings; s++)
                fuzz_check(t->string_ends[s] <= t->len &&
                               (s == 0 || t->string_ends[s] >= t->string_ends[s - 1]),
                           "string ends of %s", e->name);
            fuzz_check(t->string_ends[t->nstrings - 1] == t->len, "last string end");
        }
    } else {
        fuzz_check(k->txt.count == 0, "type %d answer with TXT records", (int)e->type);
        if (!k->counts_only)
            fuzz_check(k->rrs.count == k->count ||
                           (k->rrs.count == DNS_ANSWER_MAX_RRS && k->count > k->rrs.count),
                       "count %u for %zu records", k->count, k->rrs.count);
        for (size_t i = 0; i < k->rrs.count; i++)
            fuzz_check((e->type == NET_Q_A || e->type == NET_Q_AAAA) == !k->rrs.rrs[i].name,
                       "record %zu of %s", i, e->name);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600] = "";
    struct net_capture *c =
        net_capture_parse((const char *)data, size, "fuzz.cap", err, sizeof err);
    if (!c) {
        fuzz_check(strncmp(err, "fuzz.cap: ", 10) == 0, "error without the file: '%s'", err);
        return 0;
    }
    fuzz_check(net_capture_version(c) == 1 || net_capture_version(c) == 2, "version");
    size_t n = net_capture_count(c);
    for (size_t i = 0; i < n; i++)
        check_entry(c, net_capture_entry_at(c, i));
    if (!tmp_path[0])
        snprintf(tmp_path, sizeof tmp_path, "/tmp/fuzz_capture.%ld.cap", (long)getpid());
    fuzz_check(net_capture_save(c, tmp_path, err, sizeof err), "save: %s", err);
    struct net_capture *d = net_capture_load(tmp_path, err, sizeof err);
    unlink(tmp_path);
    fuzz_check(d != NULL, "the saved capture does not load: %s", err);
    fuzz_check(net_capture_count(d) == n && net_capture_time(d) == net_capture_time(c),
               "round trip: %zu answers for %zu", net_capture_count(d), n);
    for (size_t i = 0; i < n; i++)
        entries_equal(net_capture_entry_at(c, i), net_capture_entry_at(d, i));
    net_capture_free(d);
    net_capture_free(c);
    return 0;
}
