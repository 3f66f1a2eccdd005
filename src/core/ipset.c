/* IPv4/IPv6 prefix sets: merge, exact difference and overlap detection,
 * the address arithmetic under the SPF part of the semantic diff.
 *
 * CIDR blocks either nest or are disjoint, so after sorting by (family,
 * address, length) every block's containers come before it; merge and
 * the overlap finder are single sweeps with a stack over that order. */
#include "authtxt/ipset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static unsigned family_bits(int family) { return family == 6 ? 128u : 32u; }

static unsigned char mask_byte(unsigned len, unsigned i)
{
    int bits = (int)len - (int)i * 8;
    return bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
}

void ip_prefix_make(struct ip_prefix *p, int family, const unsigned char *addr, unsigned len,
                    size_t origin)
{
    unsigned char copy[16] = {0}; /* addr may be p->addr */
    unsigned max = family_bits(family == 6 ? 6 : 4);
    memcpy(copy, addr, max / 8);
    memset(p, 0, sizeof *p);
    p->family = family == 6 ? 6 : 4;
    if (len > max)
        len = max;
    p->len = (unsigned char)len;
    for (unsigned i = 0; i < max / 8; i++)
        p->addr[i] = copy[i] & mask_byte(len, i);
    p->origin = origin;
}

bool ip_prefix_parse(const char *text, size_t len, struct ip_prefix *out)
{
    char buf[IP_PREFIX_TEXT_MAX];
    size_t slash = len;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '/') {
            slash = i;
            break;
        }
    if (slash == 0 || slash >= sizeof buf)
        return false;
    memcpy(buf, text, slash);
    buf[slash] = '\0';
    unsigned char addr[16] = {0};
    int family;
    if (inet_pton(AF_INET, buf, addr) == 1)
        family = 4;
    else if (inet_pton(AF_INET6, buf, addr) == 1)
        family = 6;
    else
        return false;
    unsigned plen = family_bits(family);
    if (slash < len) {
        size_t i = slash + 1;
        if (i == len || len - i > 3)
            return false;
        plen = 0;
        for (; i < len; i++) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            plen = plen * 10 + (unsigned)(text[i] - '0');
        }
        if (plen > family_bits(family))
            return false;
    }
    ip_prefix_make(out, family, addr, plen, 0);
    return true;
}

void ip_prefix_format(const struct ip_prefix *p, char buf[IP_PREFIX_TEXT_MAX])
{
    char addr[INET6_ADDRSTRLEN];
    if (p->family == 4)
        snprintf(addr, sizeof addr, "%u.%u.%u.%u", p->addr[0], p->addr[1], p->addr[2], p->addr[3]);
    else if (!inet_ntop(AF_INET6, p->addr, addr, sizeof addr))
        snprintf(addr, sizeof addr, "?");
    snprintf(buf, IP_PREFIX_TEXT_MAX, "%s/%u", addr, p->len);
}

bool ip_prefix_contains(const struct ip_prefix *outer, const struct ip_prefix *inner)
{
    if (outer->family != inner->family || outer->len > inner->len)
        return false;
    unsigned full = outer->len / 8u, rest = outer->len % 8u;
    if (memcmp(outer->addr, inner->addr, full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char m = mask_byte(outer->len, full);
    return (outer->addr[full] & m) == (inner->addr[full] & m);
}

bool ip_prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b)
{
    return a->family == b->family && a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

int ip_prefix_cmp(const struct ip_prefix *a, const struct ip_prefix *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->addr, b->addr, 16);
    if (c)
        return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

uint64_t ip_prefix_size(const struct ip_prefix *p)
{
    unsigned host = p->family == 4 ? 32u - p->len : (p->len >= 64 ? 0u : 64u - p->len);
    if (p->family == 6 && p->len > 64)
        return 1; /* part of one /64 */
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

void ipset_init(struct ipset *s) { memset(s, 0, sizeof *s); }
void ipset_reset(struct ipset *s)
{
    s->count = 0;
    s->oom = false;
}
void ipset_free(struct ipset *s)
{
    free(s->items);
    ipset_init(s);
}

bool ipset_add(struct ipset *s, const struct ip_prefix *p)
{
    if (s->count == s->cap) {
        if (s->cap >= IPSET_MAX) {
            s->oom = true;
            return false;
        }
        size_t cap = s->cap ? s->cap * 2 : 16;
        if (cap > IPSET_MAX)
            cap = IPSET_MAX;
        struct ip_prefix *n = realloc(s->items, cap * sizeof *n);
        if (!n) {
            s->oom = true;
            return false;
        }
        s->items = n;
        s->cap = cap;
    }
    s->items[s->count++] = *p;
    return true;
}

static int cmp_items(const void *pa, const void *pb)
{
    const struct ip_prefix *a = pa, *b = pb;
    int c = ip_prefix_cmp(a, b);
    if (c)
        return c;
    return a->origin < b->origin ? -1 : a->origin > b->origin;
}

/* a and b are the two halves of one block (same length, differing only in
 * their last prefix bit). */
static bool siblings(const struct ip_prefix *a, const struct ip_prefix *b)
{
    if (a->family != b->family || a->len != b->len || a->len == 0)
        return false;
    struct ip_prefix pa, pb;
    ip_prefix_make(&pa, a->family, a->addr, a->len - 1u, 0);
    ip_prefix_make(&pb, b->family, b->addr, b->len - 1u, 0);
    return ip_prefix_equal(&pa, &pb) && !ip_prefix_equal(a, b);
}

void ipset_merge(struct ipset *s)
{
    if (s->count < 2)
        return;
    qsort(s->items, s->count, sizeof *s->items, cmp_items);
    size_t n = 0; /* s->items[0..n) is the merged prefix, used as a stack */
    for (size_t i = 0; i < s->count; i++) {
        struct ip_prefix p = s->items[i];
        if (n && ip_prefix_contains(&s->items[n - 1], &p))
            continue;
        s->items[n++] = p;
        /* Join halves while the top two are siblings: the joined block
         * starts at the lower half, so it stays in order and can contain
         * nothing earlier. */
        while (n >= 2 && siblings(&s->items[n - 2], &s->items[n - 1])) {
            struct ip_prefix *lo = &s->items[n - 2];
            ip_prefix_make(lo, lo->family, lo->addr, lo->len - 1u, lo->origin);
            n--;
        }
    }
    s->count = n;
}

/* Add to out the parts of p that no block of b covers. */
static bool subtract_one(const struct ip_prefix *p, const struct ipset *b, struct ipset *out)
{
    bool inside = false;
    for (size_t i = 0; i < b->count; i++) {
        const struct ip_prefix *q = &b->items[i];
        if (ip_prefix_contains(q, p))
            return true; /* wholly covered: nothing remains */
        if (ip_prefix_contains(p, q))
            inside = true;
    }
    if (!inside)
        return ipset_add(out, p);
    /* Some block of b lies strictly inside p: split p in its two halves. */
    struct ip_prefix half = *p;
    half.len = (unsigned char)(p->len + 1u);
    if (!subtract_one(&half, b, out))
        return false;
    unsigned bit = p->len;
    half.addr[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
    return subtract_one(&half, b, out);
}

bool ipset_subtract(const struct ipset *a, const struct ipset *b, struct ipset *out)
{
    ipset_reset(out);
    for (size_t i = 0; i < a->count; i++)
        if (!subtract_one(&a->items[i], b, out))
            return false;
    ipset_merge(out);
    return !out->oom;
}

bool ipset_same(const struct ipset *a, const struct ipset *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!ip_prefix_equal(&a->items[i], &b->items[i]))
            return false;
    return true;
}

struct ordered {
    const struct ip_prefix *p;
    size_t index;
};

static int cmp_ordered(const void *pa, const void *pb)
{
    const struct ordered *a = pa, *b = pb;
    int c = ip_prefix_cmp(a->p, b->p);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

size_t ipset_overlaps(const struct ipset *s, struct ipset_overlap *out, size_t max, bool *oom)
{
    if (oom)
        *oom = false;
    if (s->count < 2)
        return 0;
    struct ordered *v = malloc(s->count * sizeof *v);
    if (!v) {
        if (oom)
            *oom = true;
        return 0;
    }
    for (size_t i = 0; i < s->count; i++) {
        v[i].p = &s->items[i];
        v[i].index = i;
    }
    qsort(v, s->count, sizeof *v, cmp_ordered);
    /* Open containers of the current block; nesting is at most 129 deep,
     * but equal blocks stack too, so the stack is bounded by count. */
    size_t *stack = malloc(s->count * sizeof *stack);
    if (!stack) {
        free(v);
        if (oom)
            *oom = true;
        return 0;
    }
    size_t depth = 0, total = 0;
    for (size_t i = 0; i < s->count; i++) {
        while (depth && !ip_prefix_contains(v[stack[depth - 1]].p, v[i].p))
            depth--;
        for (size_t k = 0; k < depth; k++) {
            const struct ordered *o = &v[stack[k]];
            if (total < max) {
                out[total].outer = o->index;
                out[total].inner = v[i].index;
                out[total].duplicate = ip_prefix_equal(o->p, v[i].p);
            }
            total++;
        }
        stack[depth++] = i;
    }
    free(stack);
    free(v);
    return total;
}
