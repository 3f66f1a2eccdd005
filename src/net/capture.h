/* DNS captures: every answer a run used, written as JSON (`--save-dns
 * FILE`), and read back to answer the same questions with no network
 * (`--dns-file FILE`).  A trainer records a session once and replays it
 * without internet; CI replays a capture committed with its tests.
 *
 * The resolver records each answer it delivers (net_resolver_options
 * .record) and, given a loaded capture (.replay), answers from it only: a
 * question the file does not hold is a DNS error that says so, never
 * NXDOMAIN.  Replayed answers carry the recorded status, records, counts,
 * TTL and error text, so what is computed from them equals the live run.
 *
 * File format (version 1):
 *   {"format":"authtxt-dns-capture","version":1,
 *    "answers":[{"name":"example.com","type":"TXT","status":"NOERROR",
 *                "ttl":300,"count":1,"truncated":false,"error":"",
 *                "records":[["v=spf1 ","-all"]]}, ...]}
 * status is NOERROR, NODATA, NXDOMAIN, timeout, SERVFAIL, REFUSED or error;
 * records (TXT) list each record's character-strings, a string that is not
 * valid UTF-8 written as {"hex":"..."}; count is the number of records of
 * the type asked (addresses for A/AAAA, hosts for MX).  Names are lower
 * case without the final dot; the first answer for a (name, type) wins. */
#ifndef AUTHTXT_NET_CAPTURE_H
#define AUTHTXT_NET_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "resolver.h"

#define NET_CAPTURE_VERSION 1
#define NET_CAPTURE_MAX_ANSWERS 1000000u /* a bound against hostile files */
#define NET_CAPTURE_NAME_MAX 256         /* a name (253 bytes) and its NUL */

struct net_capture_entry {
    char *name; /* lower case, no final dot */
    enum net_qtype type;
    enum dns_status status;
    struct dns_txt_answer txt; /* TXT records (strings kept) */
    unsigned count;
    long ttl;
    bool truncated;
    char *error; /* "" when none */
};

struct net_capture; /* owned by the caller; free with net_capture_free */

/* An empty capture to record into.  NULL on OOM. */
struct net_capture *net_capture_new(void);
void net_capture_free(struct net_capture *c);

/* Record one answer (copied); a (name, type) already held is kept as it
 * was.  False on OOM.  O(1) on average. */
bool net_capture_add(struct net_capture *c, const struct net_answer *a);

/* Write the capture to path atomically (a temporary file renamed over it).
 * False with the reason in err. */
bool net_capture_save(const struct net_capture *c, const char *path, char *err, size_t errlen);

/* Read a capture file.  NULL with the reason in err, naming the file and
 * what is wrong ("x.json: line 3: ...", "version 2 is not supported",
 * "answers[12]: no \"type\""). */
struct net_capture *net_capture_load(const char *path, char *err, size_t errlen);

/* The answer held for (name, type), or NULL.  name any case, final dot
 * optional.  O(1) on average. */
const struct net_capture_entry *net_capture_find(const struct net_capture *c, const char *name,
                                                 enum net_qtype type);

/* The file a loaded capture came from ("" for one being recorded). */
const char *net_capture_path(const struct net_capture *c);
/* Answers held. */
size_t net_capture_count(const struct net_capture *c);

#endif
