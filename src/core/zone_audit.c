/* The domain side of a zone audit (lint --zone): records grouped per
 * domain and the cross-record rules run on each domain's set.
 *
 * The records a domain's cross rules need (its first SPF, its first DMARC
 * record and its first usable DKIM key) are kept while the domain's records
 * are adjacent, as they are in a zone written by hand or by a tool.  When a
 * domain's run ends, its cross rules run and the domain is remembered in a
 * hash with references to those records' texts; should the domain come back
 * later in the file, they are analyzed again and its cross rules rerun at
 * the end of the new run.  Memory: one record per kind plus a few dozen
 * bytes per domain (and the texts that do not lie in the file buffer as
 * they are: joined or escaped strings; every kept text when the file
 * buffer does not stay).  Pure: no I/O. */
#include "authtxt/zone_audit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/dkim.h"

#define ZONE_AUDIT_MAX_KEYS 16 /* DKIM keys of one domain taken into the cross rules */

/* Where a record's text can be found again, should its domain come back
 * later in the file: as the byte spans of its strings in the file when
 * they hold the text as is (no escape: the usual case, 8 bytes a string),
 * else as a copy.  Both live in zonelint.pool. */
struct text_ref {
    uint32_t at;     /* pool offset of the spans (uint32 start, len pairs) or the copy */
    uint32_t len;    /* the joined text's length */
    uint16_t nspans; /* 0: a copy */
    bool set;
};

/* A domain seen in the file, with the result of its cross rules.  Kept
 * small: a zone has one per domain. */
struct domain_entry {
    uint32_t name;  /* pool offset of the NUL-terminated domain */
    uint32_t nkeys; /* DKIM keys counted, at most ZONE_AUDIT_MAX_KEYS */
    struct text_ref spf, dmarc, key;
    struct diag *cross; /* the cross rules' diagnostics (malloc'd), ncross of them */
    uint32_t ncross;
};

struct hash_slot {
    uint32_t tag;   /* low 32 bits of the domain's hash */
    uint32_t index; /* entry index + 1; 0: empty */
};

/* The domain whose records are being read: its kept analyses. */
struct domain_run {
    bool active;
    size_t entry; /* index in zonelint.entries */
    struct record spf, dmarc, key;
    bool have_spf, have_dmarc, have_key;
    struct diag_list cross; /* scratch for cross_lint */
    struct strbuf text;     /* scratch for a text joined again */
};

struct zone_audit {
    const char *file; /* the buffer of the records last added */
    size_t file_len;
    bool chunked; /* the buffer may change: kept texts are copied */
    bool oom;

    struct domain_run run;
    struct domain_entry *entries;
    size_t nentries, entries_cap;
    struct hash_slot *hash; /* open addressing, linear probing */
    size_t hash_cap;
    char *pool; /* domain names, string spans and copied texts */
    size_t pool_len, pool_cap;
    struct zone_audit_domain *results;
    /* The domains of the last flush, whose names and diagnostics the
     * results point into, until the next flush or the end. */
    struct domain_entry *flushed;
    size_t nflushed;
    char *flushed_pool;
};

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    /* FNV's low bits vary little between "d1.example" and "d2.example":
     * mix the high bits in before masking. */
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93u;
    h ^= h >> 32;
    return h;
}

/* Append n bytes to the pool; their offset, or UINT32_MAX when out of
 * memory (or past 4 GiB of kept names and texts: about 8 million domains). */
static uint32_t pool_add(struct zone_audit *a, const void *bytes, size_t n)
{
    if (a->pool_len + n > a->pool_cap) {
        size_t cap = a->pool_cap ? a->pool_cap : 64u << 10;
        while (cap < a->pool_len + n)
            cap *= 2;
        if (cap >= UINT32_MAX)
            return UINT32_MAX;
        char *p = realloc(a->pool, cap);
        if (!p)
            return UINT32_MAX;
        a->pool = p;
        a->pool_cap = cap;
    }
    uint32_t at = (uint32_t)a->pool_len;
    if (n)
        memcpy(a->pool + at, bytes, n);
    a->pool_len += n;
    return at;
}

static const char *entry_domain(const struct zone_audit *a, const struct domain_entry *e)
{
    return a->pool + e->name;
}

/* The slot of `domain` (hash h) in the hash: its entry, or the empty slot
 * for it.  The tag (the low 32 bits of h) spares most visits to the
 * entries, and lets the table grow without reading them. */
static struct hash_slot *hash_find(struct zone_audit *a, const char *domain, uint64_t h)
{
    size_t mask = a->hash_cap - 1;
    uint32_t tag = (uint32_t)h;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
        struct hash_slot *slot = &a->hash[i];
        if (slot->index == 0 ||
            (slot->tag == tag &&
             strcmp(entry_domain(a, &a->entries[slot->index - 1]), domain) == 0))
            return slot;
    }
}

/* Keep the load factor at most 1/2: double and re-insert (from the tags
 * alone: no entry is read).  False on OOM. */
static bool hash_grow(struct zone_audit *a)
{
    if (a->hash_cap && (a->nentries + 1) * 2 <= a->hash_cap)
        return true;
    if (a->nentries >= UINT32_MAX / 4)
        return false;
    size_t cap = a->hash_cap ? a->hash_cap * 2 : 1024;
    struct hash_slot *old = a->hash;
    size_t old_cap = a->hash_cap;
    /* malloc + memset, not calloc: calloc's fresh pages are the shared
     * zero page, and the first write to each then faults a second time. */
    a->hash = malloc(cap * sizeof *a->hash);
    if (!a->hash) {
        a->hash = old;
        return false;
    }
    memset(a->hash, 0, cap * sizeof *a->hash);
    a->hash_cap = cap;
    size_t mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].index)
            continue;
        size_t k = old[i].tag & mask;
        while (a->hash[k].index)
            k = (k + 1) & mask;
        a->hash[k] = old[i];
    }
    free(old);
    return true;
}

/* The entry of `domain`, created when new (*is_new tells).  SIZE_MAX on
 * OOM.  O(length of the name), amortized. */
static size_t entry_find_or_add(struct zone_audit *a, const char *domain, bool *is_new)
{
    *is_new = false;
    if (!hash_grow(a))
        return SIZE_MAX;
    uint64_t h = hash_name(domain);
    struct hash_slot *slot = hash_find(a, domain, h);
    if (slot->index)
        return slot->index - 1;
    if (a->nentries == a->entries_cap) {
        size_t cap = a->entries_cap ? a->entries_cap * 2 : 1024;
        struct domain_entry *p = realloc(a->entries, cap * sizeof *p);
        if (!p)
            return SIZE_MAX;
        a->entries = p;
        a->entries_cap = cap;
    }
    uint32_t name = pool_add(a, domain, strlen(domain) + 1);
    if (name == UINT32_MAX)
        return SIZE_MAX;
    struct domain_entry *e = &a->entries[a->nentries];
    memset(e, 0, sizeof *e);
    e->name = name;
    slot->tag = (uint32_t)h;
    slot->index = (uint32_t)++a->nentries;
    *is_new = true;
    return a->nentries - 1;
}

/* Strings that lie in the file as they are decoded are remembered by
 * their spans; past this many strings the text is copied instead. */
#define TEXT_REF_MAX_SPANS 8

/* Remember a record's text for a later re-analysis.  False on OOM. */
static bool text_ref_set(struct zone_audit *a, struct text_ref *t, const struct zone_record *zr)
{
    uint32_t spans[2 * TEXT_REF_MAX_SPANS];
    size_t n = 0;
    bool as_is = !a->chunked && zr->nstrings <= TEXT_REF_MAX_SPANS;
    for (size_t i = 0; as_is && i < zr->nstrings; i++) {
        /* The token's content (quotes dropped) holds the decoded bytes
         * exactly when there was no escape: compare to be sure. */
        const struct zone_string *str = &zr->strings[i];
        size_t from = str->file_start, to = str->file_end;
        if (to - from >= 2 && a->file[from] == '"' && a->file[to - 1] == '"')
            from++, to--;
        if (to - from != str->len || to > a->file_len ||
            memcmp(a->file + from, zr->text + str->start, str->len) != 0) {
            as_is = false;
            break;
        }
        spans[n++] = (uint32_t)from;
        spans[n++] = str->len;
    }
    uint32_t at = as_is ? pool_add(a, spans, n * sizeof *spans) : pool_add(a, zr->text, zr->len);
    if (at == UINT32_MAX || zr->len > UINT32_MAX)
        return false;
    *t = (struct text_ref){at, (uint32_t)zr->len, as_is ? (uint16_t)(n / 2) : 0, true};
    return true;
}

/* Analyze a remembered text again into r. */
static bool text_ref_analyze(struct zone_audit *a, const struct text_ref *t, struct record *r,
                             enum record_kind kind)
{
    const char *text = a->pool + t->at;
    if (t->nspans) {
        strbuf_reset(&a->run.text);
        for (size_t i = 0; i < t->nspans; i++) {
            uint32_t span[2];
            memcpy(span, a->pool + t->at + i * sizeof span, sizeof span);
            strbuf_append(&a->run.text, a->file + span[0], span[1]);
        }
        if (a->run.text.failed)
            return false;
        text = strbuf_cstr(&a->run.text);
    }
    return record_analyze(r, kind, text, t->len, 0);
}

/* What cross.c counts as a usable key (cross_lint's have_key). */
static bool key_usable(const struct record *r)
{
    return r->kind == RECORD_DKIM_KEY && r->len && r->dkim_key &&
           dkim_key_is_usable(r->dkim_key);
}

static void swap_records(struct record *a, struct record *b)
{
    struct record t = *a;
    *a = *b;
    *b = t;
}

/* The run of the current domain ends: run its cross rules and keep what
 * they say in its entry. */
static void run_close(struct zone_audit *a)
{
    struct domain_run *run = &a->run;
    if (!run->active)
        return;
    run->active = false;
    struct domain_entry *e = &a->entries[run->entry];
    const struct record *keys[1] = {&run->key};
    diag_list_reset(&run->cross);
    cross_lint(entry_domain(a, e), run->have_spf ? &run->spf : NULL,
               run->have_dmarc ? &run->dmarc : NULL, keys, run->have_key ? 1 : 0, &run->cross);
    free(e->cross);
    e->cross = NULL;
    e->ncross = 0;
    if (run->cross.oom)
        a->oom = true;
    if (!run->cross.count)
        return;
    e->cross = malloc(run->cross.count * sizeof *e->cross);
    if (!e->cross) {
        a->oom = true;
        return;
    }
    memcpy(e->cross, run->cross.items, run->cross.count * sizeof *e->cross);
    e->ncross = (uint32_t)run->cross.count;
}

/* A run of `domain` starts: a new entry, or one seen before whose kept
 * records are analyzed again from their texts. */
static bool run_open(struct zone_audit *a, const char *domain)
{
    struct domain_run *run = &a->run;
    bool is_new;
    size_t i = entry_find_or_add(a, domain, &is_new);
    if (i == SIZE_MAX)
        return false;
    run->active = true;
    run->entry = i;
    run->have_spf = run->have_dmarc = run->have_key = false;
    if (is_new)
        return true;
    const struct domain_entry *e = &a->entries[i];
    run->have_spf = e->spf.set;
    run->have_dmarc = e->dmarc.set;
    run->have_key = e->key.set;
    return (!e->spf.set || text_ref_analyze(a, &e->spf, &run->spf, RECORD_SPF)) &&
           (!e->dmarc.set || text_ref_analyze(a, &e->dmarc, &run->dmarc, RECORD_DMARC)) &&
           (!e->key.set || text_ref_analyze(a, &e->key, &run->key, RECORD_DKIM_KEY));
}

/* Give the record just analyzed (rec) to the current run when the cross
 * rules need it: the first SPF and DMARC record of the domain, and its first
 * usable key among the first ZONE_AUDIT_MAX_KEYS keys.  The analysis is moved,
 * not copied; rec gets the run's old buffers to reuse. */
static bool run_take(struct zone_audit *a, const struct zone_record *zr, struct record *rec)
{
    enum record_kind kind = rec->kind;
    struct domain_run *run = &a->run;
    if (!run->active || strcmp(entry_domain(a, &a->entries[run->entry]), zr->domain) != 0) {
        run_close(a);
        if (!run_open(a, zr->domain))
            return false;
    }
    struct domain_entry *e = &a->entries[run->entry];
    struct record *keep = NULL;
    struct text_ref *ref = NULL;
    bool *have = NULL;
    if (kind == RECORD_SPF && !run->have_spf) {
        keep = &run->spf, ref = &e->spf, have = &run->have_spf;
    } else if (kind == RECORD_DMARC && !run->have_dmarc) {
        keep = &run->dmarc, ref = &e->dmarc, have = &run->have_dmarc;
    } else if (kind == RECORD_DKIM_KEY && e->nkeys < ZONE_AUDIT_MAX_KEYS) {
        e->nkeys++;
        if (!run->have_key && key_usable(rec))
            keep = &run->key, ref = &e->key, have = &run->have_key;
    }
    if (!keep)
        return true;
    swap_records(keep, rec);
    *have = true;
    return text_ref_set(a, ref, zr);
}

static int compare_by_name(const void *x, const void *y)
{
    return strcmp(((const struct zone_audit_domain *)x)->domain,
                  ((const struct zone_audit_domain *)y)->domain);
}

struct zone_audit *zone_audit_new(bool file_stays)
{
    struct zone_audit *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->chunked = !file_stays;
    record_init(&a->run.spf);
    record_init(&a->run.dmarc);
    record_init(&a->run.key);
    /* Only the diagnostics and models are read: no term view. */
    a->run.spf.skip_terms = a->run.dmarc.skip_terms = a->run.key.skip_terms = true;
    diag_list_init(&a->run.cross);
    strbuf_init(&a->run.text);
    return a;
}

void zone_audit_free(struct zone_audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nentries; i++)
        free(a->entries[i].cross);
    free(a->entries);
    for (size_t i = 0; i < a->nflushed; i++)
        free(a->flushed[i].cross);
    free(a->flushed);
    free(a->flushed_pool);
    free(a->hash);
    free(a->pool);
    free(a->results);
    record_free(&a->run.spf);
    record_free(&a->run.dmarc);
    record_free(&a->run.key);
    diag_list_free(&a->run.cross);
    strbuf_free(&a->run.text);
    free(a);
}

bool zone_audit_add(struct zone_audit *a, const struct zone *z, const struct zone_record *zr,
                    struct record *rec)
{
    a->file = z->file;
    a->file_len = z->file_len;
    if (rec->kind == RECORD_UNKNOWN || !zr->domain)
        return true;
    if (!run_take(a, zr, rec))
        a->oom = true;
    return !a->oom;
}

const struct zone_audit_domain *zone_audit_finish(struct zone_audit *a, size_t *count)
{
    *count = 0;
    run_close(a);
    free(a->results);
    a->results = NULL;
    size_t n = 0;
    for (size_t i = 0; i < a->nentries; i++)
        n += a->entries[i].ncross != 0;
    a->results = malloc((n ? n : 1) * sizeof *a->results);
    if (!a->results) {
        a->oom = true;
        return NULL;
    }
    n = 0;
    for (size_t i = 0; i < a->nentries; i++) {
        const struct domain_entry *e = &a->entries[i];
        if (e->ncross)
            a->results[n++] = (struct zone_audit_domain){entry_domain(a, e), e->cross, e->ncross};
    }
    qsort(a->results, n, sizeof *a->results, compare_by_name);
    *count = n;
    return a->results;
}

bool zone_audit_oom(const struct zone_audit *a) { return a->oom; }

size_t zone_audit_memory(const struct zone_audit *a)
{
    size_t n = a->entries_cap * sizeof *a->entries + a->hash_cap * sizeof *a->hash + a->pool_cap;
    for (size_t i = 0; i < a->nentries; i++)
        n += a->entries[i].ncross * sizeof *a->entries[i].cross;
    return n;
}

/* Copy a text_ref's bytes from the pool `old` into a's pool (which was
 * emptied): the open run keeps its texts across a flush. */
static bool text_ref_move(struct zone_audit *a, const char *old, struct text_ref *t)
{
    if (!t->set)
        return true;
    size_t bytes = t->nspans ? (size_t)t->nspans * 2 * sizeof(uint32_t) : t->len;
    uint32_t at = pool_add(a, old + t->at, bytes);
    if (at == UINT32_MAX)
        return false;
    t->at = at;
    return true;
}

const struct zone_audit_domain *zone_audit_flush(struct zone_audit *a, size_t *count)
{
    *count = 0;
    /* The open run's entry, kept aside: its domain may go on. */
    struct domain_entry open = {0};
    char *open_name = NULL;
    if (a->run.active) {
        open = a->entries[a->run.entry];
        open_name = strdup(entry_domain(a, &open));
        if (!open_name) {
            a->oom = true;
            return NULL;
        }
        a->entries[a->run.entry].cross = NULL; /* closed runs only */
        a->entries[a->run.entry].ncross = 0;
        a->run.active = false; /* zone_audit_finish must not close it */
    }
    /* The closed runs' results, sorted: zone_audit_finish's job. */
    const struct zone_audit_domain *done = zone_audit_finish(a, count);
    if (!done) {
        free(open_name);
        free(open.cross);
        return NULL;
    }
    /* Forget the closed domains: their diagnostics now live in a->results
     * (the entries' arrays), freed at the next flush or finish. */
    for (size_t i = 0; i < a->nflushed; i++)
        free(a->flushed[i].cross);
    free(a->flushed);
    a->flushed = a->entries;
    a->nflushed = a->nentries;
    char *old_pool = a->pool;
    free(a->flushed_pool);
    a->flushed_pool = old_pool;
    a->entries = NULL;
    a->nentries = a->entries_cap = 0;
    free(a->hash);
    a->hash = NULL;
    a->hash_cap = 0;
    a->pool = NULL;
    a->pool_len = a->pool_cap = 0;
    if (open_name) {
        bool is_new;
        size_t i = entry_find_or_add(a, open_name, &is_new);
        free(open_name);
        if (i == SIZE_MAX || !text_ref_move(a, old_pool, &open.spf) ||
            !text_ref_move(a, old_pool, &open.dmarc) || !text_ref_move(a, old_pool, &open.key)) {
            a->oom = true;
            free(open.cross);
            return a->results;
        }
        struct domain_entry *e = &a->entries[i];
        open.name = e->name;
        *e = open;
        a->run.entry = i;
        a->run.active = true;
    }
    return a->results;
}
