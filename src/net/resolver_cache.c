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
    /* DONE: the answer */
    enum dns_status status;
    struct dns_txt_answer txt;
    unsigned count;
    long ttl;
    bool truncated, via_tcp;
    char *error;
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
        free(e->error);
        dns_txt_answer_free(&e->txt);
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
    dns_txt_answer_init(&e->txt);
    c->used++;
}

/* Copy a TXT answer keeping its string boundaries. */
static bool txt_copy(struct dns_txt_answer *to, const struct dns_txt_answer *from)
{
    dns_txt_answer_init(to);
    for (size_t i = 0; i < from->count; i++) {
        const struct dns_txt *rec = &from->records[i];
        size_t n = rec->nstrings ? rec->nstrings : 1;
        const char **strings = malloc(n * sizeof *strings);
        size_t *lengths = malloc(n * sizeof *lengths);
        bool ok = strings && lengths;
        if (ok) {
            size_t at = 0;
            for (size_t k = 0; k < n; k++) {
                size_t end = rec->nstrings ? rec->string_ends[k] : rec->len;
                if (end < at || end > rec->len)
                    end = at;
                strings[k] = rec->text + at;
                lengths[k] = end - at;
                at = end;
            }
            ok = dns_txt_answer_add(to, strings, lengths, n);
        }
        free(strings);
        free(lengths);
        if (!ok) {
            dns_txt_answer_free(to);
            return false;
        }
    }
    to->status = from->status;
    return true;
}

void resolver_cache_put(struct resolver_cache *c, const struct net_answer *a)
{
    if (!c)
        return;
    struct cache_entry *e = lookup(c, a->name, a->type);
    if (!e || e->state != CACHE_IN_FLIGHT)
        return; /* not marked (cache full, OOM): not kept */
    if (!txt_copy(&e->txt, &a->txt)) {
        e->state = CACHE_DONE;
        e->status = DNS_ERROR;
        e->error = strdup("out of memory");
        return;
    }
    e->state = CACHE_DONE;
    e->status = a->status;
    e->count = a->count;
    e->ttl = a->ttl;
    e->truncated = a->truncated;
    e->via_tcp = a->via_tcp;
    e->error = a->error && a->error[0] ? strdup(a->error) : NULL;
}

bool resolver_cache_get(const struct resolver_cache *c, const char *name, enum net_qtype type,
                        struct resolver_result *out, bool *via_tcp)
{
    const struct cache_entry *e = c ? lookup(c, name, type) : NULL;
    if (!e || e->state != CACHE_DONE)
        return false;
    memset(out, 0, sizeof *out);
    dns_answer_init(&out->rrs); /* addresses are not kept: fetch uses counts */
    if (!txt_copy(&out->txt, &e->txt)) {
        dns_txt_answer_init(&out->txt);
        out->ttl = -1;
        out->status = DNS_ERROR;
        snprintf(out->error, sizeof out->error, "out of memory");
        return true;
    }
    out->status = e->status;
    out->txt.status = e->status;
    out->count = e->count;
    out->ttl = e->ttl;
    out->truncated = e->truncated;
    *via_tcp = e->via_tcp;
    if (e->error) {
        size_t n = strlen(e->error);
        if (n >= sizeof out->error)
            n = sizeof out->error - 1;
        memcpy(out->error, e->error, n);
        out->error[n] = '\0';
    }
    return true;
}
