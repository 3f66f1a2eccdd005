/* Answers from a zone in memory (zone_lookup.h): record lookup by kind and
 * domain, and an SPF include tree grown from the zone's TXT records. */
#include "authtxt/zone_lookup.h"

#include <string.h>

/* owner (absolute or not) is `name`, ignoring case and a final dot. */
static bool owner_is(const struct zone_record *zr, const char *name, size_t n)
{
    size_t m = zr->owner_len;
    if (m && zr->owner_lc[m - 1] == '.')
        m--;
    if (n && name[n - 1] == '.')
        n--;
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != zr->owner_lc[i])
            return false;
    }
    return true;
}

const struct zone_record *zone_lookup_record(const struct zone *z, enum record_kind kind,
                                             const char *domain, const char *selector)
{
    size_t dlen = strlen(domain);
    for (size_t i = 0; i < z->count; i++) {
        const struct zone_record *zr = &z->records[i];
        if (zr->owner_mismatch || strcmp(zr->domain, domain) != 0)
            continue;
        if (kind == RECORD_SPF && zr->kind == ZONE_KIND_SPF && owner_is(zr, domain, dlen))
            return zr;
        if (kind == RECORD_DMARC && zr->kind == ZONE_KIND_DMARC)
            return zr;
        if (kind == RECORD_DKIM_KEY && zr->kind == ZONE_KIND_DKIM_KEY && zr->selector[0] &&
            (!selector || !selector[0] || strcmp(zr->selector, selector) == 0))
            return zr;
    }
    return NULL;
}

bool zone_lookup_resolve_tree(struct spf_tree *t, const struct zone *z)
{
    struct spf_query q[64];
    for (unsigned round = 0; round <= SPF_TREE_MAX_DEPTH + 1; round++) {
        size_t n = spf_tree_pending(t, q, 64);
        if (n > 64)
            n = 64;
        bool progress = false;
        for (size_t i = 0; i < n; i++) {
            if (q[i].type != SPF_QUERY_TXT || !q[i].name)
                continue;
            struct dns_txt_answer ans;
            dns_txt_answer_init(&ans);
            size_t nlen = strlen(q[i].name);
            for (size_t k = 0; k < z->count; k++) {
                const struct zone_record *zr = &z->records[k];
                if (!owner_is(zr, q[i].name, nlen))
                    continue;
                const char *str = zr->text;
                size_t len = zr->len;
                if (!dns_txt_answer_add(&ans, &str, &len, 1)) {
                    dns_txt_answer_free(&ans);
                    return false;
                }
            }
            if (ans.count) {
                ans.status = DNS_OK;
                size_t node = q[i].node;
                progress |= q[i].target == SPF_NONE
                                ? spf_tree_attach_txt(t, node, &ans)
                                : spf_tree_attach_exp(t, node, q[i].target, &ans);
            }
            dns_txt_answer_free(&ans);
        }
        if (!progress)
            break;
    }
    return true;
}
