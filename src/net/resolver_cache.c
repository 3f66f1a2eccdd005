/* The resolver's answer cache, for many domains in one process (`fetch
 * --domains`): an answer for (name, type) is asked once, and every later
 * or concurrent query for it gets a copy.  Errors are kept too: a name that
 * timed out for one domain is not waited for again by the next thousand.
 *
 * An open-addressing hash table keyed by the query type and the name in
 * lower case (DNS names compare without case, RFC 4343).  An entry is
 * first IN_FLIGHT (a query for it was sent: others wait for it, see
 * resolver.c), then DONE with a copy of the answer.  Bounded: past
 * RESOLVER_CACHE_MAX entries nothing new is kept (queries then go to the
 * network as without a cache). */
#include "resolver_internal.h"

#include "capture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESOLVER_CACHE_MAX 262144u

enum cache_state { CACHE_EMPTY = 0, CACHE_IN_FLIGHT, CACHE_DONE };

struct cache_entry {
    enum cache_state state;
    enum net_qtype type;
    char *name; /* lower case, no final dot */
    uint32_t hash;
    struct net_kept_answer answer; /* DONE: the answer */
};

struct resolver_cache {
    struct cache_entry *slots;
    size_t cap, used; /* cap a power of two; used <= cap / 2 */
};

static size_t key_name(const char *name, char *out)
{
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        n--;
    if (n >= RESOLVER_NAME_MAX)
        n = RESOLVER_NAME_MAX - 1;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    out[n] = '\0';
    return n;
}

static uint32_t key_hash(enum net_qtype type, const char *key, size_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)type; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h;
}

struct resolver_cache *resolver_cache_new(void)
{
    struct resolver_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = 1024;
    c->slots = calloc(c->cap, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    return c;
}

void resolver_cache_free(struct resolver_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->cap; i++) {
        struct cache_entry *e = &c->slots[i];
        if (e->state == CACHE_EMPTY)
            continue;
        free(e->name);
        net_kept_answer_free(&e->answer);
    }
    free(c->slots);
    free(c);
}

static struct cache_entry *find(const struct resolver_cache *c, enum net_qtype type,
                                const char *key, size_t n, uint32_t h)
{
    size_t mask = c->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct cache_entry *e = &c->slots[i];
        if (e->state == CACHE_EMPTY)
            return e;
        if (e->hash == h && e->type == type && strlen(e->name) == n && memcmp(e->name, key, n) == 0)
            return e;
    }
}

static bool grow(struct resolver_cache *c)
{
    size_t cap = c->cap * 2;
    struct cache_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    struct cache_entry *old = c->slots;
    size_t old_cap = c->cap;
    c->slots = slots;
    c->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].state == CACHE_EMPTY)
            continue;
        size_t mask = cap - 1, k = old[i].hash & mask;
        while (slots[k].state != CACHE_EMPTY)
            k = (k + 1) & mask;
        slots[k] = old[i];
    }
    free(old);
    return true;
}

/* The entry for (name, type), or NULL when there is none. */
static struct cache_entry *lookup(const struct resolver_cache *c, const char *name,
                                  enum net_qtype type)
{
    char key[RESOLVER_NAME_MAX];
    size_t n = key_name(name, key);
    struct cache_entry *e = find(c, type, key, n, key_hash(type, key, n));
    return e->state == CACHE_EMPTY ? NULL : e;
}

enum resolver_cache_state resolver_cache_state(const struct resolver_cache *c, const char *name,
                                               enum net_qtype type)
{
    const struct cache_entry *e = c ? lookup(c, name, type) : NULL;
    if (!e)
        return RESOLVER_CACHE_NONE;
    return e->state == CACHE_IN_FLIGHT ? RESOLVER_CACHE_IN_FLIGHT : RESOLVER_CACHE_DONE;
}

void resolver_cache_mark_sent(struct resolver_cache *c, const char *name, enum net_qtype type)
{
    if (!c || c->used >= RESOLVER_CACHE_MAX)
        return;
    if ((c->used + 1) * 2 > c->cap && !grow(c))
        return;
    char key[RESOLVER_NAME_MAX];
    size_t n = key_name(name, key);
    uint32_t h = key_hash(type, key, n);
    struct cache_entry *e = find(c, type, key, n, h);
    if (e->state != CACHE_EMPTY)
        return;
    e->name = strdup(key);
    if (!e->name)
        return;
    e->state = CACHE_IN_FLIGHT;
    e->type = type;
    e->hash = h;
    net_kept_answer_init(&e->answer);
    c->used++;
}

void resolver_cache_put(struct resolver_cache *c, const struct net_answer *a)
{
    if (!c)
        return;
    struct cache_entry *e = lookup(c, a->name, a->type);
    if (!e || e->state != CACHE_IN_FLIGHT)
        return; /* not marked (cache full, OOM): not kept */
    /* On OOM the copy holds DNS_ERROR "out of memory": later queries get
     * that rather than waiting for an answer that never comes. */
    net_kept_answer_set(&e->answer, a);
    e->state = CACHE_DONE;
}

const struct net_kept_answer *resolver_cache_get(const struct resolver_cache *c, const char *name,
                                                 enum net_qtype type)
{
    const struct cache_entry *e = c ? lookup(c, name, type) : NULL;
    return e && e->state == CACHE_DONE ? &e->answer : NULL;
}
