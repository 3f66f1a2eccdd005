/* Sets of IPv4 and IPv6 prefixes (CIDR blocks): what an SPF record
 * authorizes, merged into the fewest blocks, compared as address sets
 * (what one set covers that the other does not), and checked for blocks
 * that repeat or sit inside one another.
 *
 * Pure and self-contained: no I/O, no global state.  A set is
 * caller-allocated (ipset_init / ipset_free) and grows up to IPSET_MAX
 * blocks; past that, or when out of memory, `oom` is set and further adds
 * are dropped, so a caller checks once at the end. */
#ifndef AUTHTXT_IPSET_H
#define AUTHTXT_IPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Blocks one set holds at most: far above any real SPF tree (the tree
 * caps records at 200), low enough to bound the quadratic steps. */
#define IPSET_MAX 20000

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" and a NUL. */
#define IP_PREFIX_TEXT_MAX 50

/* One block.  addr holds the network with the host bits cleared (IPv4 in
 * addr[0..3], the rest zero).  `origin` is the caller's tag (a term
 * index, say); comparisons ignore it. */
struct ip_prefix {
    unsigned char family; /* 4 or 6 */
    unsigned char len;    /* 0..32 or 0..128 */
    unsigned char addr[16];
    size_t origin;
};

/* Make a prefix from an address and a length (clamped to the family's
 * maximum), clearing the host bits.  family is 4 or 6. */
void ip_prefix_make(struct ip_prefix *p, int family, const unsigned char *addr, unsigned len,
                    size_t origin);
/* Parse "192.0.2.0/24", "192.0.2.1" (a /32), "2001:db8::/32" (text[0..len),
 * no blanks).  Host bits are cleared.  False when it is not one. */
bool ip_prefix_parse(const char *text, size_t len, struct ip_prefix *out);
/* "192.0.2.0/24", "2001:db8::/32" into buf. */
void ip_prefix_format(const struct ip_prefix *p, char buf[IP_PREFIX_TEXT_MAX]);
/* Does outer cover every address of inner (same family, shorter or equal
 * length, same leading bits)?  Equal prefixes contain each other. */
bool ip_prefix_contains(const struct ip_prefix *outer, const struct ip_prefix *inner);
bool ip_prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b);
/* Order: IPv4 first, then by address, then shorter (wider) first. */
int ip_prefix_cmp(const struct ip_prefix *a, const struct ip_prefix *b);
/* The number of addresses of an IPv4 block (2^(32-len)); for IPv6 the
 * number of /64 networks, saturating at UINT64_MAX (a /0 has 2^64). */
uint64_t ip_prefix_size(const struct ip_prefix *p);

struct ipset {
    struct ip_prefix *items;
    size_t count, cap;
    bool oom; /* an add was dropped (IPSET_MAX reached or out of memory) */
};

void ipset_init(struct ipset *s);
void ipset_reset(struct ipset *s); /* empty; keeps the memory */
void ipset_free(struct ipset *s);
/* Append a copy of p (no merging).  False (and oom set) when dropped.
 * Amortized O(1). */
bool ipset_add(struct ipset *s, const struct ip_prefix *p);

/* Merge in place into the fewest blocks covering the same addresses:
 * sorted, duplicates and blocks inside another removed, two halves of one
 * block joined (192.0.2.0/25 + 192.0.2.128/25 = 192.0.2.0/24).  Origins
 * of the blocks kept are kept; a joined block takes its first half's.
 * O(n log n). */
void ipset_merge(struct ipset *s);

/* out = the addresses of a that b does not cover, as merged blocks (out is
 * reset first; a and b must be merged, and distinct from out).  A block of
 * a partly covered by b is split into the blocks that remain, so the
 * result is exact.  False when out of memory (out->oom).  O(|a| x |b| x
 * prefix length) at worst. */
bool ipset_subtract(const struct ipset *a, const struct ipset *b, struct ipset *out);

/* Do a and b (merged) cover the same addresses?  O(|a| + |b|). */
bool ipset_same(const struct ipset *a, const struct ipset *b);

/* A block that repeats or sits inside another, in an unmerged set: indices
 * in s->items.  outer == inner never; duplicate when the two are equal. */
struct ipset_overlap {
    size_t outer, inner;
    bool duplicate;
};
/* Find the overlaps of s (not merged; s is not changed): writes up to max
 * pairs to out and returns how many there are in all (each block is paired
 * with every block that contains it).  False through *oom (may be NULL)
 * when the scratch allocation failed (then 0 is returned).
 * O(n log n + pairs). */
size_t ipset_overlaps(const struct ipset *s, struct ipset_overlap *out, size_t max, bool *oom);

#endif
