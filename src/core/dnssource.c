/* The answer table behind every DNS source of the receiver simulation:
 * a zone (tests, --load overlays) or a cache the network layer fills.  See
 * dnssource.h. */
#include "authtxt/dnssource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_MAX_ENTRIES 100000 /* far above a check's few dozen questions */
#define CNAME_MAX_STEPS 8

enum entry_kind { ENTRY_ANSWER = 0, ENTRY_STATUS, ENTRY_CNAME };

struct dns_table_entry {
    char name[DNS_SOURCE_NAME_MAX + 1]; /* lower case, no final dot */
    enum entry_kind kind;
    enum dns_rrtype type;      /* ENTRY_ANSWER */
    struct dns_answer *answer; /* ENTRY_ANSWER, ENTRY_STATUS */
    char *target;              /* ENTRY_CNAME */
};

const char *dns_type_name(enum dns_rrtype type)
{
    switch (type) {
    case DNS_TYPE_A:
        return "A";
    case DNS_TYPE_AAAA:
        return "AAAA";
    case DNS_TYPE_MX:
        return "MX";
    case DNS_TYPE_PTR:
        return "PTR";
    case DNS_TYPE_TXT:
        break;
    }
    return "TXT";
}

void dns_answer_init(struct dns_answer *a)
{
    a->status = DNS_NODATA;
    dns_txt_answer_init(&a->txt);
    a->txt.status = DNS_NODATA;
    a->rrs = NULL;
    a->count = 0;
    a->error[0] = '\0';
}

void dns_answer_free(struct dns_answer *a)
{
    dns_txt_answer_free(&a->txt);
    for (size_t i = 0; i < a->count; i++)
        free(a->rrs[i].name);
    free(a->rrs);
    dns_answer_init(a);
}

static struct dns_rdata *answer_grow(struct dns_answer *a)
{
    if (a->count >= DNS_ANSWER_MAX_RRS)
        return NULL;
    struct dns_rdata *rrs = realloc(a->rrs, (a->count + 1) * sizeof *rrs);
    if (!rrs)
        return NULL;
    a->rrs = rrs;
    struct dns_rdata *rr = &rrs[a->count];
    memset(rr, 0, sizeof *rr);
    return rr;
}

bool dns_answer_add_addr(struct dns_answer *a, const unsigned char *addr, size_t len)
{
    struct dns_rdata *rr = answer_grow(a);
    if (!rr || (len != 4 && len != 16))
        return false;
    memcpy(rr->addr, addr, len);
    a->count++;
    a->status = DNS_OK;
    return true;
}

bool dns_answer_add_name(struct dns_answer *a, unsigned pref, const char *name, size_t len)
{
    struct dns_rdata *rr = answer_grow(a);
    if (!rr)
        return false;
    while (len && name[len - 1] == '.')
        len--;
    rr->name = malloc(len + 1);
    if (!rr->name)
        return false;
    memcpy(rr->name, name, len);
    rr->name[len] = '\0';
    rr->pref = pref;
    a->count++;
    a->status = DNS_OK;
    return true;
}

/* Appends printable text to out[*at..size), '?' for anything else. */
static void put_safe(char *out, size_t size, size_t *at, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *at + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        out[(*at)++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out[*at] = '\0';
}

void dns_answer_describe(const struct dns_answer *a, enum dns_rrtype type, char *out,
                         size_t size)
{
    size_t at = 0;
    if (!size)
        return;
    out[0] = '\0';
    if (a->status != DNS_OK) {
        const char *what = dns_status_name(a->status);
        put_safe(out, size, &at, what, strlen(what));
        if (a->error[0]) {
            put_safe(out, size, &at, " (", 2);
            put_safe(out, size, &at, a->error, strlen(a->error));
            put_safe(out, size, &at, ")", 1);
        }
        return;
    }
    if (type == DNS_TYPE_TXT) {
        for (size_t i = 0; i < a->txt.count; i++) {
            if (i)
                put_safe(out, size, &at, ", ", 2);
            put_safe(out, size, &at, "\"", 1);
            put_safe(out, size, &at, a->txt.records[i].text, a->txt.records[i].len);
            put_safe(out, size, &at, "\"", 1);
        }
        if (!a->txt.count)
            put_safe(out, size, &at, "no TXT records", 14);
        return;
    }
    for (size_t i = 0; i < a->count; i++) {
        char buf[DNS_SOURCE_NAME_MAX + 16];
        const struct dns_rdata *rr = &a->rrs[i];
        if (type == DNS_TYPE_A) {
            snprintf(buf, sizeof buf, "%u.%u.%u.%u", rr->addr[0], rr->addr[1], rr->addr[2],
                     rr->addr[3]);
        } else if (type == DNS_TYPE_AAAA) {
            size_t b = 0;
            for (int g = 0; g < 8; g++)
                b += (size_t)snprintf(buf + b, sizeof buf - b, "%s%x", g ? ":" : "",
                                      (unsigned)rr->addr[2 * g] << 8 | rr->addr[2 * g + 1]);
        } else if (type == DNS_TYPE_MX) {
            snprintf(buf, sizeof buf, "%u %s", rr->pref, rr->name ? rr->name : "");
        } else {
            snprintf(buf, sizeof buf, "%s", rr->name ? rr->name : "");
        }
        if (i)
            put_safe(out, size, &at, ", ", 2);
        put_safe(out, size, &at, buf, strlen(buf));
    }
}

/* ---------------------------------------------------------------------- */

/* name in lower case without its final dot into out; false if too long. */
static bool name_norm(const char *name, char out[DNS_SOURCE_NAME_MAX + 1])
{
    size_t n = strlen(name);
    while (n && name[n - 1] == '.')
        n--;
    if (n > DNS_SOURCE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[n] = '\0';
    return true;
}

static const struct dns_answer *table_lookup(const struct dns_source *src, const char *name,
                                             enum dns_rrtype type);

void dns_table_init(struct dns_table *t, bool authoritative)
{
    memset(t, 0, sizeof *t);
    t->source.lookup = table_lookup;
    t->authoritative = authoritative;
    dns_answer_init(&t->nodata);
    dns_answer_init(&t->nxdomain);
    t->nxdomain.status = DNS_NXDOMAIN;
}

void dns_table_free(struct dns_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->entries[i].answer) {
            dns_answer_free(t->entries[i].answer);
            free(t->entries[i].answer);
        }
        free(t->entries[i].target);
    }
    free(t->entries);
    t->entries = NULL;
    t->count = t->cap = 0;
}

static struct dns_table_entry *table_add(struct dns_table *t, const char *norm)
{
    if (t->count == t->cap) {
        if (t->cap >= TABLE_MAX_ENTRIES)
            return NULL;
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct dns_table_entry *e = realloc(t->entries, cap * sizeof *e);
        if (!e)
            return NULL;
        t->entries = e;
        t->cap = cap;
    }
    struct dns_table_entry *e = &t->entries[t->count];
    memset(e, 0, sizeof *e);
    memcpy(e->name, norm, strlen(norm) + 1);
    t->count++;
    return e;
}

struct dns_answer *dns_table_slot(struct dns_table *t, const char *name, enum dns_rrtype type)
{
    char norm[DNS_SOURCE_NAME_MAX + 1];
    if (!name_norm(name, norm))
        return NULL;
    for (size_t i = 0; i < t->count; i++)
        if (t->entries[i].kind == ENTRY_ANSWER && t->entries[i].type == type &&
            strcmp(t->entries[i].name, norm) == 0)
            return t->entries[i].answer;
    struct dns_answer *a = malloc(sizeof *a);
    if (!a)
        return NULL;
    dns_answer_init(a);
    struct dns_table_entry *e = table_add(t, norm);
    if (!e) {
        free(a);
        return NULL;
    }
    e->kind = ENTRY_ANSWER;
    e->type = type;
    e->answer = a;
    return a;
}

bool dns_table_set_name_status(struct dns_table *t, const char *name, enum dns_status status)
{
    char norm[DNS_SOURCE_NAME_MAX + 1];
    if (!name_norm(name, norm))
        return false;
    struct dns_answer *a = malloc(sizeof *a);
    if (!a)
        return false;
    dns_answer_init(a);
    a->status = status;
    a->txt.status = status;
    struct dns_table_entry *e = table_add(t, norm);
    if (!e) {
        free(a);
        return false;
    }
    e->kind = ENTRY_STATUS;
    e->answer = a;
    return true;
}

bool dns_table_set_cname(struct dns_table *t, const char *name, const char *target)
{
    char norm[DNS_SOURCE_NAME_MAX + 1], tnorm[DNS_SOURCE_NAME_MAX + 1];
    if (!name_norm(name, norm) || !name_norm(target, tnorm))
        return false;
    char *copy = malloc(strlen(tnorm) + 1);
    if (!copy)
        return false;
    memcpy(copy, tnorm, strlen(tnorm) + 1);
    struct dns_table_entry *e = table_add(t, norm);
    if (!e) {
        free(copy);
        return false;
    }
    e->kind = ENTRY_CNAME;
    e->target = copy;
    return true;
}

static bool has_norm(const struct dns_table *t, const char *norm)
{
    size_t n = strlen(norm);
    for (size_t i = 0; i < t->count; i++) {
        const char *e = t->entries[i].name;
        size_t m = strlen(e);
        if (strcmp(e, norm) == 0)
            return true;
        /* an empty non-terminal: a name exists below it (RFC 8020) */
        if (m > n + 1 && e[m - n - 1] == '.' && strcmp(e + m - n, norm) == 0)
            return true;
    }
    return false;
}

bool dns_table_has_name(const struct dns_table *t, const char *name)
{
    char norm[DNS_SOURCE_NAME_MAX + 1];
    return name_norm(name, norm) && has_norm(t, norm);
}

static const struct dns_answer *table_lookup(const struct dns_source *src, const char *name,
                                             enum dns_rrtype type)
{
    const struct dns_table *t = (const struct dns_table *)src;
    char norm[DNS_SOURCE_NAME_MAX + 1];
    if (!name_norm(name, norm))
        return t->authoritative ? &t->nxdomain : NULL;
    for (int step = 0; step <= CNAME_MAX_STEPS; step++) {
        const struct dns_table_entry *cname = NULL, *status = NULL;
        for (size_t i = 0; i < t->count; i++) {
            const struct dns_table_entry *e = &t->entries[i];
            if (strcmp(e->name, norm) != 0)
                continue;
            if (e->kind == ENTRY_ANSWER && e->type == type)
                return e->answer;
            if (e->kind == ENTRY_STATUS && !status)
                status = e;
            if (e->kind == ENTRY_CNAME && !cname)
                cname = e;
        }
        /* A name-wide status answers the types the name has no records of
         * (a server that times out on some types only). */
        if (status)
            return status->answer;
        if (!cname) {
            if (!t->authoritative)
                return NULL;
            /* An overlay answers only the names it holds (exact), so a
             * draft at _dmarc.example.com does not hide example.com. */
            if (t->next) {
                bool exact = false;
                for (size_t i = 0; i < t->count && !exact; i++)
                    exact = strcmp(t->entries[i].name, norm) == 0;
                /* The drafts are TXT records: other types of a name the
                 * overlay holds still come from the next source. */
                if (exact && type == DNS_TYPE_TXT)
                    return &t->nodata;
                return t->next->lookup(t->next, norm, type);
            }
            if (has_norm(t, norm))
                return &t->nodata;
            return &t->nxdomain;
        }
        memcpy(norm, cname->target, strlen(cname->target) + 1);
    }
    /* A CNAME chain too long or a loop: RFC 1034 §3.6.2 says to report it. */
    static const struct dns_answer loop = {DNS_ERROR, {DNS_ERROR, NULL, 0}, NULL, 0,
                                           "CNAME chain too long or a loop"};
    return &loop;
}
