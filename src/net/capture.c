/* DNS captures (capture.h): a list of answers with a hash index on (name,
 * type), written and read as JSON with jansson. */
#include "capture.h"

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
};

static const char *const type_names[] = {"TXT", "A", "AAAA", "MX"};
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

static size_t key_hash(const char *name, enum net_qtype type)
{
    size_t h = 2166136261u ^ (size_t)type;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

struct net_capture *net_capture_new(void) { return calloc(1, sizeof(struct net_capture)); }

static void entry_free(struct net_capture_entry *e)
{
    free(e->name);
    free(e->error);
    dns_txt_answer_free(&e->txt);
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

size_t net_capture_count(const struct net_capture *c) { return c ? c->count : 0; }

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
    dns_txt_answer_init(&e->txt);
    e->name = strdup(key);
    if (!e->name)
        return NULL;
    e->type = type;
    e->ttl = -1;
    *slot = ++c->count;
    return e;
}

/* Copy TXT records keeping their string boundaries. */
static bool txt_copy(struct dns_txt_answer *to, const struct dns_txt_answer *from)
{
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
        if (!ok)
            return false;
    }
    return true;
}

bool net_capture_add(struct net_capture *c, const struct net_answer *a)
{
    bool dup;
    if (!c || (unsigned)a->type > NET_Q_MX || (unsigned)a->status >= DNS_PENDING)
        return c != NULL;
    struct net_capture_entry *e = entry_new(c, a->name, a->type, &dup);
    if (!e)
        return dup;
    e->status = a->status;
    e->count = a->count;
    e->ttl = a->ttl;
    e->truncated = a->truncated;
    e->error = strdup(a->error ? a->error : "");
    if (!e->error || !txt_copy(&e->txt, &a->txt))
        return false;
    e->txt.status = a->status;
    return true;
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

static json_t *entry_json(const struct net_capture_entry *e)
{
    json_t *records = json_array();
    for (size_t i = 0; i < e->txt.count; i++) {
        const struct dns_txt *rec = &e->txt.records[i];
        json_t *strings = json_array();
        size_t at = 0, n = rec->nstrings ? rec->nstrings : 1;
        for (size_t k = 0; k < n; k++) {
            size_t end = rec->nstrings ? rec->string_ends[k] : rec->len;
            if (end < at || end > rec->len)
                end = at;
            json_array_append_new(strings, json_bytes(rec->text + at, end - at));
            at = end;
        }
        json_array_append_new(records, strings);
    }
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:o, s:o}", "name", e->name, "type",
                     type_names[e->type], "status", status_names[e->status], "ttl",
                     (json_int_t)e->ttl, "count", (json_int_t)e->count, "truncated", e->truncated,
                     "error", json_bytes(e->error, strlen(e->error)), "records", records);
}

bool net_capture_save(const struct net_capture *c, const char *path, char *err, size_t errlen)
{
    json_t *answers = json_array();
    for (size_t i = 0; c && i < c->count; i++)
        json_array_append_new(answers, entry_json(&c->items[i]));
    json_t *doc = json_pack("{s:s, s:i, s:o}", "format", "authtxt-dns-capture", "version",
                            NET_CAPTURE_VERSION, "answers", answers);
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

/* One answer of the file into c; false with the reason in why. */
static bool read_entry(struct net_capture *c, const json_t *o, char *why, size_t whylen)
{
    if (!json_is_object(o)) {
        snprintf(why, whylen, "not an object");
        return false;
    }
    const json_t *name = json_object_get(o, "name"), *type = json_object_get(o, "type"),
                 *status = json_object_get(o, "status"), *records = json_object_get(o, "records");
    if (!json_is_string(name) || !json_string_length(name) ||
        json_string_length(name) >= NET_CAPTURE_NAME_MAX) {
        snprintf(why, whylen, "\"name\" is missing or not a domain name");
        return false;
    }
    int t = json_is_string(type) ? name_index(json_string_value(type), type_names, 4) : -1;
    if (t < 0) {
        snprintf(why, whylen, "\"type\" is missing or not TXT, A, AAAA or MX");
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
    e->status = (enum dns_status)st;
    e->txt.status = e->status;
    const json_t *j;
    if ((j = json_object_get(o, "count")) && json_is_integer(j) && json_integer_value(j) >= 0 &&
        json_integer_value(j) <= 1000000)
        e->count = (unsigned)json_integer_value(j);
    e->ttl =
        (j = json_object_get(o, "ttl")) && json_is_integer(j) ? (long)json_integer_value(j) : -1;
    e->truncated = json_is_true(json_object_get(o, "truncated"));
    size_t elen = 0;
    j = json_object_get(o, "error");
    if (!j || !read_bytes(j, &e->error, &elen))
        e->error = strdup("");
    if (!e->error) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    size_t i;
    const json_t *rec;
    json_array_foreach(records, i, rec)
    {
        if (!json_is_array(rec) || json_array_size(rec) == 0 || json_array_size(rec) > 4096) {
            snprintf(why, whylen, "records[%zu] is not a list of strings", i);
            return false;
        }
        size_t n = json_array_size(rec), k;
        char **strings = calloc(n, sizeof *strings);
        size_t *lengths = calloc(n, sizeof *lengths);
        bool ok = strings && lengths;
        const json_t *sj;
        json_array_foreach(rec, k, sj)
        {
            if (ok && !read_bytes(sj, &strings[k], &lengths[k])) {
                snprintf(why, whylen, "records[%zu][%zu] is not a string or {\"hex\": ...}", i, k);
                ok = false;
            }
        }
        if (ok && !dns_txt_answer_add(&e->txt, (const char *const *)strings, lengths, n)) {
            snprintf(why, whylen, "out of memory");
            ok = false;
        }
        for (k = 0; strings && k < n; k++)
            free(strings[k]);
        free(strings);
        free(lengths);
        if (!ok)
            return false;
    }
    if (e->type == NET_Q_TXT && e->status == DNS_OK)
        e->count = (unsigned)e->txt.count;
    return true;
}

struct net_capture *net_capture_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!doc) {
        if (je.line > 0)
            snprintf(err, errlen, "%s: not a DNS capture: line %d, column %d: %s", path, je.line,
                     je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return NULL;
    }
    struct net_capture *c = NULL;
    const json_t *fmt = json_object_get(doc, "format"), *ver = json_object_get(doc, "version");
    const json_t *answers = json_object_get(doc, "answers");
    if (!json_is_object(doc) || !json_is_string(fmt) ||
        strcmp(json_string_value(fmt), "authtxt-dns-capture") != 0) {
        snprintf(err, errlen, "%s: not a DNS capture (no \"format\": \"authtxt-dns-capture\")",
                 path);
        goto done;
    }
    if (!json_is_integer(ver)) {
        snprintf(err, errlen, "%s: the capture has no \"version\"", path);
        goto done;
    }
    if (json_integer_value(ver) != NET_CAPTURE_VERSION) {
        snprintf(err, errlen,
                 "%s: capture version %lld is not supported (this authtxt reads version %d)", path,
                 (long long)json_integer_value(ver), NET_CAPTURE_VERSION);
        goto done;
    }
    if (!json_is_array(answers)) {
        snprintf(err, errlen, "%s: the capture has no \"answers\" list", path);
        goto done;
    }
    c = net_capture_new();
    if (!c || !(c->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        net_capture_free(c);
        c = NULL;
        goto done;
    }
    size_t i;
    const json_t *o;
    json_array_foreach(answers, i, o)
    {
        char why[160];
        if (!read_entry(c, o, why, sizeof why)) {
            snprintf(err, errlen, "%s: answers[%zu]: %s", path, i, why);
            net_capture_free(c);
            c = NULL;
            goto done;
        }
    }
done:
    json_decref(doc);
    return c;
}
