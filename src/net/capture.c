/* DNS captures (capture.h): a list of answers with a hash index on (name,
 * type), written and read as JSON with jansson. */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

struct net_capture {
    struct net_capture_entry *items;
    size_t count, cap;
    size_t *index; /* open addressing over items: slot holds i + 1, 0 = empty */
    size_t index_cap;
    char *path;
    int version;    /* of the file read; NET_CAPTURE_VERSION when recording */
    long long time; /* when recorded; 0 unknown */
};

/* By enum net_qtype; version 1 knew the first four. */
static const char *const type_names[] = {"TXT", "A", "AAAA", "MX", "PTR"};
#define TYPES_V1 4
#define TYPES_V2 5
/* By enum dns_status. */
static const char *const status_names[] = {"NOERROR",  "NODATA",  "NXDOMAIN", "timeout",
                                           "SERVFAIL", "REFUSED", "error"};

static size_t norm_name(const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        n--;
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
    }
    out[n] = '\0';
    return n;
}

/* A name a capture can hold: one final dot at most, no empty label ("a..b",
 * ".a", "..", "."): no DNS question asks such a name, and norm_name must
 * give a name without a final dot. */
static bool name_usable(const char *name, size_t n)
{
    if (n && name[n - 1] == '.')
        n--;
    if (n == 0 || name[0] == '.' || name[n - 1] == '.')
        return false;
    for (size_t i = 1; i < n; i++)
        if (name[i] == '.' && name[i - 1] == '.')
            return false;
    return true;
}

static size_t key_hash(const char *name, enum net_qtype type)
{
    size_t h = 2166136261u ^ (size_t)type;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

struct net_capture *net_capture_new(void)
{
    struct net_capture *c = calloc(1, sizeof(struct net_capture));
    if (c)
        c->version = NET_CAPTURE_VERSION;
    return c;
}

/* ---- kept answers ----------------------------------------------------- */

void net_kept_answer_init(struct net_kept_answer *k)
{
    memset(k, 0, sizeof *k);
    dns_txt_answer_init(&k->txt);
    dns_answer_init(&k->rrs);
    k->ttl = -1;
}

void net_kept_answer_free(struct net_kept_answer *k)
{
    dns_txt_answer_free(&k->txt);
    dns_answer_free(&k->rrs);
    free(k->error);
    net_kept_answer_init(k);
}

/* Append copies of from's TXT records to to, keeping the string
 * boundaries.  False on OOM. */
static bool txt_copy(struct dns_txt_answer *to, const struct dns_txt_answer *from)
{
    for (size_t i = 0; i < from->count; i++)
        if (!dns_txt_answer_add_copy(to, &from->records[i]))
            return false;
    return true;
}

/* Append copies of from's records, read as records of type (the address
 * length of A/AAAA is the type's), to to.  False on OOM. */
static bool rrs_copy(struct dns_answer *to, const struct dns_answer *from, enum net_qtype type)
{
    for (size_t i = 0; from && i < from->count; i++) {
        const struct dns_rdata *rr = &from->rrs[i];
        bool ok = type == NET_Q_A      ? dns_answer_add_addr(to, rr->addr, 4)
                  : type == NET_Q_AAAA ? dns_answer_add_addr(to, rr->addr, 16)
                  : rr->name ? dns_answer_add_name(to, rr->pref, rr->name, strlen(rr->name))
                             : true;
        if (!ok && to->count < DNS_ANSWER_MAX_RRS)
            return false;
    }
    return true;
}

bool net_kept_answer_copy_records(const struct net_kept_answer *k, enum net_qtype type,
                                  struct dns_txt_answer *txt, struct dns_answer *rrs)
{
    return txt_copy(txt, &k->txt) && (type == NET_Q_TXT || rrs_copy(rrs, &k->rrs, type));
}

bool net_kept_answer_set(struct net_kept_answer *k, const struct net_answer *a)
{
    net_kept_answer_free(k);
    k->status = a->status;
    k->count = a->count;
    k->ttl = a->ttl;
    k->truncated = a->truncated;
    k->via_tcp = a->via_tcp;
    k->counts_only = a->counts_only;
    k->error = strdup(a->error ? a->error : "");
    bool ok = k->error && txt_copy(&k->txt, &a->txt) &&
              (a->type == NET_Q_TXT || rrs_copy(&k->rrs, a->records, a->type));
    if (!ok) {
        net_kept_answer_free(k);
        k->status = DNS_ERROR;
        k->error = strdup("out of memory");
        return false;
    }
    k->txt.status = k->rrs.status = k->status;
    return true;
}

/* ---- the capture ------------------------------------------------------ */

static void entry_free(struct net_capture_entry *e)
{
    free(e->name);
    net_kept_answer_free(&e->answer);
}

void net_capture_free(struct net_capture *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        entry_free(&c->items[i]);
    free(c->items);
    free(c->index);
    free(c->path);
    free(c);
}

const char *net_capture_path(const struct net_capture *c) { return c && c->path ? c->path : ""; }

int net_capture_version(const struct net_capture *c) { return c ? c->version : 0; }

long long net_capture_time(const struct net_capture *c) { return c ? c->time : 0; }

void net_capture_set_time(struct net_capture *c, long long t)
{
    if (c && t > 0)
        c->time = t;
}

size_t net_capture_count(const struct net_capture *c) { return c ? c->count : 0; }

const struct net_capture_entry *net_capture_entry_at(const struct net_capture *c, size_t i)
{
    return c && i < c->count ? &c->items[i] : NULL;
}

/* The slot of (name, type) in the index: where it is, or the empty slot
 * where it would go. */
static size_t *index_slot(const struct net_capture *c, const char *name, enum net_qtype type)
{
    size_t mask = c->index_cap - 1;
    for (size_t k = key_hash(name, type) & mask;; k = (k + 1) & mask) {
        size_t *slot = &c->index[k];
        if (!*slot)
            return slot;
        const struct net_capture_entry *e = &c->items[*slot - 1];
        if (e->type == type && strcmp(e->name, name) == 0)
            return slot;
    }
}

static bool index_grow(struct net_capture *c)
{
    size_t cap = c->index_cap ? c->index_cap * 2 : 256;
    size_t *index = calloc(cap, sizeof *index);
    if (!index)
        return false;
    free(c->index);
    c->index = index;
    c->index_cap = cap;
    for (size_t i = 0; i < c->count; i++)
        *index_slot(c, c->items[i].name, c->items[i].type) = i + 1;
    return true;
}

const struct net_capture_entry *net_capture_find(const struct net_capture *c, const char *name,
                                                 enum net_qtype type)
{
    char key[NET_CAPTURE_NAME_MAX];
    if (!c || !c->index_cap)
        return NULL;
    norm_name(name, key, sizeof key);
    size_t *slot = index_slot(c, key, type);
    return *slot ? &c->items[*slot - 1] : NULL;
}

/* A new entry for (name, type), or NULL when one is held already (*dup
 * set) or on OOM. */
static struct net_capture_entry *entry_new(struct net_capture *c, const char *name,
                                           enum net_qtype type, bool *dup)
{
    char key[NET_CAPTURE_NAME_MAX];
    *dup = false;
    if (c->count >= NET_CAPTURE_MAX_ANSWERS)
        return NULL;
    norm_name(name, key, sizeof key);
    if ((c->count + 1) * 2 > c->index_cap && !index_grow(c))
        return NULL;
    size_t *slot = index_slot(c, key, type);
    if (*slot) {
        *dup = true;
        return NULL;
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct net_capture_entry *items = realloc(c->items, cap * sizeof *items);
        if (!items)
            return NULL;
        c->items = items;
        c->cap = cap;
    }
    struct net_capture_entry *e = &c->items[c->count];
    memset(e, 0, sizeof *e);
    net_kept_answer_init(&e->answer);
    e->name = strdup(key);
    if (!e->name)
        return NULL;
    e->type = type;
    *slot = ++c->count;
    return e;
}

bool net_capture_add(struct net_capture *c, const struct net_answer *a)
{
    bool dup;
    if (!c || (unsigned)a->type > NET_Q_PTR || (unsigned)a->status >= DNS_PENDING)
        return c != NULL;
    struct net_capture_entry *e = entry_new(c, a->name, a->type, &dup);
    if (!e)
        return dup;
    return net_kept_answer_set(&e->answer, a);
}

/* ---- writing -------------------------------------------------------- */

static json_t *json_bytes(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n); /* NULL when not valid UTF-8 */
    if (j)
        return j;
    static const char hex[] = "0123456789abcdef";
    char *h = malloc(2 * n + 1);
    if (!h)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        h[2 * i] = hex[(unsigned char)s[i] >> 4];
        h[2 * i + 1] = hex[(unsigned char)s[i] & 15];
    }
    h[2 * n] = '\0';
    j = json_pack("{s:s}", "hex", h);
    free(h);
    return j;
}

/* The records of e as the file writes them for its type (capture.h). */
static json_t *records_json(const struct net_capture_entry *e)
{
    const struct net_kept_answer *k = &e->answer;
    json_t *records = json_array();
    for (size_t i = 0; e->type == NET_Q_TXT && i < k->txt.count; i++) {
        const struct dns_txt *rec = &k->txt.records[i];
        json_t *strings = json_array();
        size_t at = 0, n = rec->nstrings ? rec->nstrings : 1;
        for (size_t s = 0; s < n; s++) {
            size_t end = rec->nstrings ? rec->string_ends[s] : rec->len;
            if (end < at || end > rec->len)
                end = at;
            json_array_append_new(strings, json_bytes(rec->text + at, end - at));
            at = end;
        }
        json_array_append_new(records, strings);
    }
    for (size_t i = 0; e->type != NET_Q_TXT && i < k->rrs.count; i++) {
        const struct dns_rdata *rr = &k->rrs.rrs[i];
        const char *name = rr->name ? rr->name : "";
        char addr[INET6_ADDRSTRLEN];
        if (e->type == NET_Q_A || e->type == NET_Q_AAAA) {
            int af = e->type == NET_Q_A ? AF_INET : AF_INET6;
            json_array_append_new(
                records, json_string(inet_ntop(af, rr->addr, addr, sizeof addr) ? addr : ""));
        } else if (e->type == NET_Q_MX) {
            json_array_append_new(records,
                                  json_pack("{s:I, s:o}", "preference", (json_int_t)rr->pref,
                                            "exchange", json_bytes(name, strlen(name))));
        } else {
            json_array_append_new(records, json_bytes(name, strlen(name)));
        }
    }
    return records;
}

static json_t *entry_json(const struct net_capture_entry *e)
{
    const struct net_kept_answer *k = &e->answer;
    const char *error = k->error ? k->error : "";
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:o, s:o}", "name", e->name, "type",
                  type_names[e->type], "status", status_names[k->status], "ttl", (json_int_t)k->ttl,
                  "count", (json_int_t)k->count, "truncated", k->truncated, "error",
                  json_bytes(error, strlen(error)), "records", records_json(e));
    /* Replayed from a version-1 file and recorded again: still only a
     * count (capture.h). */
    if (o && k->counts_only)
        json_object_set_new(o, "counts_only", json_true());
    return o;
}

bool net_capture_save(const struct net_capture *c, const char *path, char *err, size_t errlen)
{
    json_t *answers = json_array();
    for (size_t i = 0; c && i < c->count; i++)
        json_array_append_new(answers, entry_json(&c->items[i]));
    json_t *doc =
        json_pack("{s:s, s:i}", "format", "authtxt-dns-capture", "version", NET_CAPTURE_VERSION);
    if (doc && c && c->time > 0)
        json_object_set_new(doc, "time", json_integer((json_int_t)c->time));
    if (!doc)
        json_decref(answers);
    else if (json_object_set_new(doc, "answers", answers) != 0) { /* it takes answers */
        json_decref(doc);
        doc = NULL;
    }
    if (!doc) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    bool ok = false;
    if (tmp) {
        snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
        ok = json_dump_file(doc, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
        if (!ok)
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        else if (rename(tmp, path) != 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(tmp);
    } else {
        snprintf(err, errlen, "%s: out of memory", path);
    }
    free(tmp);
    json_decref(doc);
    return ok;
}

/* ---- reading -------------------------------------------------------- */

static bool hex_value(char h, unsigned *v)
{
    if (h >= '0' && h <= '9')
        *v = (unsigned)(h - '0');
    else if (h >= 'a' && h <= 'f')
        *v = (unsigned)(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F')
        *v = (unsigned)(h - 'A' + 10);
    else
        return false;
    return true;
}

/* A string of the file: a JSON string, or {"hex": "..."}.  malloc'd copy
 * into *out, length *len; false when it is neither. */
static bool read_bytes(const json_t *j, char **out, size_t *len)
{
    if (json_is_string(j)) {
        *len = json_string_length(j);
        *out = malloc(*len + 1);
        if (!*out)
            return false;
        memcpy(*out, json_string_value(j), *len);
        (*out)[*len] = '\0';
        return true;
    }
    const json_t *h = json_is_object(j) ? json_object_get(j, "hex") : NULL;
    if (!json_is_string(h) || json_string_length(h) % 2)
        return false;
    const char *s = json_string_value(h);
    *len = json_string_length(h) / 2;
    *out = malloc(*len + 1);
    if (!*out)
        return false;
    for (size_t i = 0; i < *len; i++) {
        unsigned hi, lo;
        if (!hex_value(s[2 * i], &hi) || !hex_value(s[2 * i + 1], &lo)) {
            free(*out);
            *out = NULL; /* the caller frees what it got: not this again */
            return false;
        }
        (*out)[i] = (char)(hi << 4 | lo);
    }
    (*out)[*len] = '\0';
    return true;
}

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* A JSON string without NULs (a name or an address), or NULL. */
static const char *plain_string(const json_t *j)
{
    if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j))
        return NULL;
    return json_string_value(j);
}

/* The TXT records of an answer: lists of character-strings. */
static bool read_txt_records(struct net_kept_answer *k, const json_t *records, char *why,
                             size_t whylen)
{
    size_t i;
    const json_t *rec;
    json_array_foreach(records, i, rec)
    {
        if (!json_is_array(rec) || json_array_size(rec) == 0 ||
            json_array_size(rec) > NET_MAX_TXT_STRINGS) {
            snprintf(why, whylen, "records[%zu] is not a list of strings", i);
            return false;
        }
        size_t n = json_array_size(rec), s;
        char **strings = calloc(n, sizeof *strings);
        size_t *lengths = calloc(n, sizeof *lengths);
        bool ok = strings && lengths;
        if (!ok)
            snprintf(why, whylen, "out of memory");
        const json_t *sj;
        json_array_foreach(rec, s, sj)
        {
            if (ok && !read_bytes(sj, &strings[s], &lengths[s])) {
                snprintf(why, whylen, "records[%zu][%zu] is not a string or {\"hex\": ...}", i, s);
                ok = false;
            }
        }
        if (ok && !dns_txt_answer_add(&k->txt, (const char *const *)strings, lengths, n)) {
            snprintf(why, whylen, "out of memory");
            ok = false;
        }
        for (s = 0; strings && s < n; s++)
            free(strings[s]);
        free(strings);
        free(lengths);
        if (!ok)
            return false;
    }
    return true;
}

/* The A/AAAA/MX/PTR records of an answer (version 2), each checked for
 * its type: an address inet_pton reads, an MX preference 0..65535 and a
 * host, a PTR name. */
static bool read_rr_records(struct net_kept_answer *k, enum net_qtype type, const json_t *records,
                            char *why, size_t whylen)
{
    if (json_array_size(records) > DNS_ANSWER_MAX_RRS) {
        snprintf(why, whylen, "more than %d records", DNS_ANSWER_MAX_RRS);
        return false;
    }
    size_t i;
    const json_t *rec;
    json_array_foreach(records, i, rec)
    {
        bool ok;
        if (type == NET_Q_A || type == NET_Q_AAAA) {
            unsigned char addr[16];
            const char *text = plain_string(rec);
            int af = type == NET_Q_A ? AF_INET : AF_INET6;
            if (!text || inet_pton(af, text, addr) != 1) {
                snprintf(why, whylen, "records[%zu] is not an %s address", i,
                         type == NET_Q_A ? "IPv4" : "IPv6");
                return false;
            }
            ok = dns_answer_add_addr(&k->rrs, addr, type == NET_Q_A ? 4 : 16);
        } else {
            const json_t *host = rec, *pref = NULL;
            if (type == NET_Q_MX) {
                pref = json_is_object(rec) ? json_object_get(rec, "preference") : NULL;
                host = json_is_object(rec) ? json_object_get(rec, "exchange") : NULL;
                if (!json_is_integer(pref) || json_integer_value(pref) < 0 ||
                    json_integer_value(pref) > 65535)
                    host = NULL;
            }
            const char *text = plain_string(host);
            if (!text || strlen(text) >= NET_CAPTURE_NAME_MAX) {
                snprintf(why, whylen,
                         type == NET_Q_MX
                             ? "records[%zu] is not {\"preference\": 0-65535, \"exchange\": NAME}"
                             : "records[%zu] is not a domain name",
                         i);
                return false;
            }
            ok = dns_answer_add_name(&k->rrs, pref ? (unsigned)json_integer_value(pref) : 0, text,
                                     strlen(text));
        }
        if (!ok) {
            snprintf(why, whylen, "out of memory");
            return false;
        }
    }
    return true;
}

/* One answer of the file into c; false with the reason in why. */
static bool read_entry(struct net_capture *c, const json_t *o, char *why, size_t whylen)
{
    if (!json_is_object(o)) {
        snprintf(why, whylen, "not an object");
        return false;
    }
    const json_t *name = json_object_get(o, "name"), *type = json_object_get(o, "type"),
                 *status = json_object_get(o, "status"), *records = json_object_get(o, "records");
    if (!plain_string(name) || !json_string_length(name) ||
        json_string_length(name) >= NET_CAPTURE_NAME_MAX ||
        !name_usable(json_string_value(name), json_string_length(name))) {
        snprintf(why, whylen, "\"name\" is missing or not a domain name");
        return false;
    }
    int t = json_is_string(type) ? name_index(json_string_value(type), type_names,
                                              c->version == 1 ? TYPES_V1 : TYPES_V2)
                                 : -1;
    if (t < 0) {
        snprintf(why, whylen, "\"type\" is missing or not TXT, A, AAAA, MX%s",
                 c->version == 1 ? " (a version 1 capture)" : " or PTR");
        return false;
    }
    int st = json_is_string(status) ? name_index(json_string_value(status), status_names, 7) : -1;
    if (st < 0) {
        snprintf(why, whylen,
                 "\"status\" is missing or not one of NOERROR, NODATA, NXDOMAIN, timeout, "
                 "SERVFAIL, REFUSED, error");
        return false;
    }
    if (records && !json_is_array(records)) {
        snprintf(why, whylen, "\"records\" is not a list");
        return false;
    }
    bool v1_counts = c->version == 1 && t != NET_Q_TXT;
    if (v1_counts && json_array_size(records) > 0) {
        snprintf(why, whylen, "a version 1 capture lists records for TXT only");
        return false;
    }
    const json_t *j = json_object_get(o, "count");
    if (j &&
        (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > 1000000)) {
        snprintf(why, whylen, "\"count\" is not a number of records");
        return false;
    }
    unsigned count = j ? (unsigned)json_integer_value(j) : 0;
    bool counts_only = v1_counts || json_is_true(json_object_get(o, "counts_only"));
    bool dup;
    struct net_capture_entry *e = entry_new(c, json_string_value(name), (enum net_qtype)t, &dup);
    if (!e) {
        if (dup)
            return true; /* the first answer for a question wins */
        snprintf(why, whylen,
                 c->count >= NET_CAPTURE_MAX_ANSWERS ? "more answers than any run records"
                                                     : "out of memory");
        return false;
    }
    struct net_kept_answer *k = &e->answer;
    k->status = (enum dns_status)st;
    k->count = count;
    k->counts_only = counts_only;
    k->ttl =
        (j = json_object_get(o, "ttl")) && json_is_integer(j) ? (long)json_integer_value(j) : -1;
    k->truncated = json_is_true(json_object_get(o, "truncated"));
    size_t elen = 0;
    j = json_object_get(o, "error");
    if (!j || !read_bytes(j, &k->error, &elen))
        k->error = strdup("");
    if (!k->error) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    if (t == NET_Q_TXT ? !read_txt_records(k, records, why, whylen)
                       : !read_rr_records(k, (enum net_qtype)t, records, why, whylen))
        return false;
    k->txt.status = k->rrs.status = k->status;
    if (t == NET_Q_TXT && k->status == DNS_OK)
        k->count = (unsigned)k->txt.count;
    /* An answer with an address taken out (or one put in) no longer says
     * what the server said: the count recorded beside the records tells.
     * Only past DNS_ANSWER_MAX_RRS does a live answer hold more than it
     * lists. */
    if (t != NET_Q_TXT && !counts_only && k->rrs.count != k->count &&
        !(k->rrs.count == DNS_ANSWER_MAX_RRS && k->count > k->rrs.count)) {
        snprintf(why, whylen, "\"count\" is %u but %zu records are listed", k->count, k->rrs.count);
        return false;
    }
    return true;
}

/* The document of a capture file into a capture; NULL with the reason. */
static struct net_capture *capture_from_json(json_t *doc, const char *path, char *err,
                                             size_t errlen)
{
    const json_t *fmt = json_object_get(doc, "format"), *ver = json_object_get(doc, "version");
    const json_t *answers = json_object_get(doc, "answers");
    if (!json_is_object(doc) || !json_is_string(fmt) ||
        strcmp(json_string_value(fmt), "authtxt-dns-capture") != 0) {
        snprintf(err, errlen, "%s: not a DNS capture (no \"format\": \"authtxt-dns-capture\")",
                 path);
        return NULL;
    }
    if (!json_is_integer(ver)) {
        snprintf(err, errlen, "%s: the capture has no \"version\"", path);
        return NULL;
    }
    /* Version 1 still loads (capture.h says why and what it lacks). */
    json_int_t v = json_integer_value(ver);
    if (v != 1 && v != NET_CAPTURE_VERSION) {
        snprintf(err, errlen,
                 "%s: capture version %lld is not supported (this authtxt reads versions 1 to %d)",
                 path, (long long)v, NET_CAPTURE_VERSION);
        return NULL;
    }
    if (!json_is_array(answers)) {
        snprintf(err, errlen, "%s: the capture has no \"answers\" list", path);
        return NULL;
    }
    const json_t *when = json_object_get(doc, "time");
    if (when && (!json_is_integer(when) || json_integer_value(when) < 0)) {
        snprintf(err, errlen, "%s: \"time\" is not a number of seconds since 1970", path);
        return NULL;
    }
    struct net_capture *c = net_capture_new();
    if (!c || !(c->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        net_capture_free(c);
        return NULL;
    }
    c->version = (int)v;
    c->time = when ? (long long)json_integer_value(when) : 0;
    size_t i;
    const json_t *o;
    json_array_foreach(answers, i, o)
    {
        char why[160];
        if (!read_entry(c, o, why, sizeof why)) {
            snprintf(err, errlen, "%s: answers[%zu]: %s", path, i, why);
            net_capture_free(c);
            return NULL;
        }
    }
    return c;
}

/* What json_load_file or json_loadb gave (doc, or NULL and je) as a
 * capture; takes doc. */
static struct net_capture *capture_from_loaded(json_t *doc, const json_error_t *je,
                                               const char *path, char *err, size_t errlen)
{
    if (!doc) {
        if (je->line > 0)
            snprintf(err, errlen, "%s: not a DNS capture: line %d, column %d: %s", path, je->line,
                     je->column, je->text);
        else
            snprintf(err, errlen, "%s: %s", path, je->text);
        return NULL;
    }
    struct net_capture *c = capture_from_json(doc, path, err, errlen);
    json_decref(doc);
    return c;
}

struct net_capture *net_capture_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    return capture_from_loaded(doc, &je, path, err, errlen);
}

struct net_capture *net_capture_parse(const char *data, size_t len, const char *path, char *err,
                                      size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    return capture_from_loaded(doc, &je, path, err, errlen);
}
