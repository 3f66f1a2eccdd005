/* DNS captures: every answer a run used, written as JSON (`--save-dns
 * FILE`), and read back to answer the same questions with no network
 * (`--dns-file FILE`).  A trainer records a session once and replays it
 * without internet; CI replays a capture committed with its tests.
 *
 * The resolver records each answer it delivers (net_resolver_options
 * .record) and, given a loaded capture (.replay), answers from it only: a
 * question the file does not hold is a DNS error that says so, never
 * NXDOMAIN.  Replayed answers carry the recorded status, records, counts,
 * TTL and error text, so what is computed from them (fetch, diff, the
 * receiver simulation of `check`, `dkim match`) equals the live run.
 *
 * File format (version 2):
 *   {"format":"authtxt-dns-capture","version":2,"time":1700000000,
 *    "answers":[{"name":"example.com","type":"TXT","status":"NOERROR",
 *                "ttl":300,"count":1,"truncated":false,"error":"",
 *                "records":[["v=spf1 ","-all"]]}, ...]}
 * type is TXT, A, AAAA, MX or PTR; status is NOERROR, NODATA, NXDOMAIN,
 * timeout, SERVFAIL, REFUSED or error.  records by type:
 *   TXT   each record's character-strings: [["v=spf1 ", "-all"], ...], a
 *         string that is not valid UTF-8 written as {"hex":"..."};
 *   A, AAAA  addresses: ["192.0.2.1", "2001:db8::1"];
 *   MX    [{"preference":10,"exchange":"mx.example.com"}, ...] ("" is the
 *         root: a null MX, RFC 7505);
 *   PTR   names: ["host.example.com"].
 * count is the number of records of the type asked (it exceeds the records
 * listed only past DNS_ANSWER_MAX_RRS).  Names are lower case without the
 * final dot; the first answer for a (name, type) wins.  time (optional) is
 * when the run was recorded, in seconds since 1970: a replay evaluates at
 * that time, so DKIM signature expiry and SPF's %{t} come out the same.
 *
 * Version 1 (TXT, A, AAAA, MX; TXT records only, counts for the others)
 * still loads: what fetch and diff compute needs only those, so their old
 * replays keep working.  Its A/AAAA/MX answers are marked counts_only, and
 * a consumer that needs the addresses (the receiver simulation) reports
 * such an answer as a DNS error naming the file and its version rather
 * than evaluating an empty address list (a wrong verdict, silently). */
#ifndef AUTHTXT_NET_CAPTURE_H
#define AUTHTXT_NET_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "resolver.h"

#define NET_CAPTURE_VERSION 2            /* written; 1 and 2 are read */
#define NET_CAPTURE_MAX_ANSWERS 1000000u /* a bound against hostile files */
#define NET_CAPTURE_NAME_MAX 256         /* a name (253 bytes) and its NUL */

/* An answer kept past its callback: what a capture holds for a question
 * and what the resolver's cache holds (net_kept_answer_set is the one deep
 * copy both use).  Owns everything it points to. */
struct net_kept_answer {
    enum dns_status status;
    struct dns_txt_answer txt; /* TXT records, strings kept */
    struct dns_answer rrs;     /* A/AAAA/MX/PTR records */
    unsigned count;            /* records of the type asked */
    long ttl;                  /* -1 unknown */
    bool truncated, via_tcp;
    bool counts_only; /* from a version-1 capture: count known, records not */
    char *error;      /* never NULL once set; "" when none */
};

void net_kept_answer_init(struct net_kept_answer *k);
void net_kept_answer_free(struct net_kept_answer *k);
/* Replace k with a deep copy of a (TXT strings, records, error text).
 * False on OOM, k then holds DNS_ERROR "out of memory".  O(size of a). */
bool net_kept_answer_set(struct net_kept_answer *k, const struct net_answer *a);
/* Deep copies of k's records into txt and rrs (both initialised by the
 * caller, who frees them), rrs read as records of type.  False on OOM. */
bool net_kept_answer_copy_records(const struct net_kept_answer *k, enum net_qtype type,
                                  struct dns_txt_answer *txt, struct dns_answer *rrs);

struct net_capture_entry {
    char *name; /* lower case, no final dot */
    enum net_qtype type;
    struct net_kept_answer answer;
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
 * what is wrong ("x.json: line 3: ...", "capture version 3 is not
 * supported", "answers[12]: \"type\" is missing ...").  Bounded:
 * NET_CAPTURE_MAX_ANSWERS answers, DNS_ANSWER_MAX_RRS records each. */
struct net_capture *net_capture_load(const char *path, char *err, size_t errlen);
/* The same from data[0..len) in memory (path only names it in err). */
struct net_capture *net_capture_parse(const char *data, size_t len, const char *path, char *err,
                                      size_t errlen);
/* The version of the file a loaded capture came from (1 or 2). */
int net_capture_version(const struct net_capture *c);
/* The time the run was recorded (seconds since 1970), 0 when the file
 * does not say; _set_time gives it to a capture being recorded. */
long long net_capture_time(const struct net_capture *c);
void net_capture_set_time(struct net_capture *c, long long t);

/* The answer held for (name, type), or NULL.  name any case, final dot
 * optional.  O(1) on average. */
const struct net_capture_entry *net_capture_find(const struct net_capture *c, const char *name,
                                                 enum net_qtype type);

/* The file a loaded capture came from ("" for one being recorded). */
const char *net_capture_path(const struct net_capture *c);
/* Answers held, and the i-th of them (0 <= i < count) in recording or
 * file order (borrowed, valid until the capture is freed). */
size_t net_capture_count(const struct net_capture *c);
const struct net_capture_entry *net_capture_entry_at(const struct net_capture *c, size_t i);

#endif
