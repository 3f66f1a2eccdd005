/* A source of DNS answers for the receiver simulation (authtxt check): the
 * evaluators in src/core ask a source for (name, type) and get an answer or
 * "not known yet".  The core never queries the network; a source is data.
 *
 * One implementation lives here, the answer table (struct dns_table), in
 * two modes:
 *   - a zone (authoritative): names it holds answer from it, a type it
 *     lacks is NODATA, a missing name NXDOMAIN; or, when `next` is set, an
 *     overlay (--load: drafts "as if published" over live DNS): the exact
 *     names it holds answer TXT from it, everything else (other names, and
 *     the other types of its names) comes from the next source;
 *   - a cache (not authoritative): a name/type it lacks is "not known yet"
 *     (NULL), which makes an evaluator stop with a list of questions; the
 *     network layer (src/net/dnssource_net.c) asks them and fills the cache.
 * Tests fill a zone table from the openspf suite's zonedata.
 *
 * A table owns copies of everything it holds; answers it returns are
 * borrowed and stay valid until the table is freed (adding never moves an
 * answer: each is its own allocation).  Lookups are O(entries) with a
 * linear scan: a check makes a few dozen questions. */
#ifndef AUTHTXT_DNSSOURCE_H
#define AUTHTXT_DNSSOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dnsdata.h"

enum dns_rrtype { DNS_TYPE_TXT = 0, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX, DNS_TYPE_PTR };

/* "TXT", "A", "AAAA", "MX", "PTR".  Static. */
const char *dns_type_name(enum dns_rrtype type);

#define DNS_SOURCE_NAME_MAX 255 /* a presentation-form name and its NUL */
#define DNS_ANSWER_MAX_RRS 256  /* records kept from one answer */

/* One non-TXT record: A/AAAA (addr: IPv4 in addr[0..3]), MX (pref, name),
 * PTR (name).  name is owned, without a final dot; NULL for A/AAAA. */
struct dns_rdata {
    unsigned pref;
    unsigned char addr[16];
    char *name;
};

struct dns_answer {
    enum dns_status status;    /* DNS_OK .. DNS_ERROR; never PENDING here */
    struct dns_txt_answer txt; /* TXT answers: the records */
    struct dns_rdata *rrs;     /* A, AAAA, MX, PTR answers */
    size_t count;
    char error[128];           /* for status >= DNS_TIMEOUT: why, plain ASCII */
};

void dns_answer_init(struct dns_answer *a);
void dns_answer_free(struct dns_answer *a);
/* Append a record; false when out of memory or DNS_ANSWER_MAX_RRS reached.
 * The status becomes DNS_OK. */
bool dns_answer_add_addr(struct dns_answer *a, const unsigned char *addr, size_t len);
bool dns_answer_add_name(struct dns_answer *a, unsigned pref, const char *name, size_t len);
/* One line for a trace: "192.0.2.1, 192.0.2.2", "10 mx.example.com",
 * "\"v=spf1 -all\"", "NXDOMAIN".  Writes at most size-1 bytes and a NUL;
 * non-printable bytes become '?'. */
void dns_answer_describe(const struct dns_answer *a, enum dns_rrtype type, char *out,
                         size_t size);

/* The interface.  lookup returns the answer (borrowed) or NULL when it is
 * not known yet. */
struct dns_source {
    const struct dns_answer *(*lookup)(const struct dns_source *src, const char *name,
                                       enum dns_rrtype type);
};

struct dns_table_entry; /* internal */

struct dns_table {
    struct dns_source source; /* first: a table is a source */
    bool authoritative;       /* zone mode (see above) */
    const struct dns_source *next; /* zone mode: asked for names the zone lacks */
    struct dns_table_entry *entries;
    size_t count, cap;
    struct dns_answer nodata, nxdomain; /* synthesized answers */
};

void dns_table_init(struct dns_table *t, bool authoritative);
void dns_table_free(struct dns_table *t);

/* The answer slot for name/type, created (status DNS_NODATA, no records)
 * when absent; fill it with dns_answer_add_* or set its status.  name is
 * compared without case and without a final dot.  NULL when out of memory
 * or the name is longer than DNS_SOURCE_NAME_MAX. */
struct dns_answer *dns_table_slot(struct dns_table *t, const char *name, enum dns_rrtype type);
/* Zone mode: name answers every type it has no records of with status (a
 * name that times out; DNS_NODATA marks a name that exists). */
bool dns_table_set_name_status(struct dns_table *t, const char *name, enum dns_status status);
/* Zone mode: name is an alias of target (CNAME): lookups follow it (up to
 * 8 steps; a loop answers DNS_ERROR). */
bool dns_table_set_cname(struct dns_table *t, const char *name, const char *target);
/* Does the table hold anything at name (a record, a status, a CNAME, or a
 * name below it)?  */
bool dns_table_has_name(const struct dns_table *t, const char *name);

#endif
