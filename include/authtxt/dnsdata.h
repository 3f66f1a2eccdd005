/* DNS answers as data: what src/net hands to the core's live rules, and
 * what unit tests build by hand (canned answers).  The core never queries;
 * it only reads these.  Everything is owned by the struct that holds it. */
#ifndef AUTHTXT_DNSDATA_H
#define AUTHTXT_DNSDATA_H

#include <stdbool.h>
#include <stddef.h>

enum dns_status {
    DNS_OK = 0,    /* NOERROR with at least one answer of the type asked */
    DNS_NODATA,    /* NOERROR, no answer of that type (a void lookup) */
    DNS_NXDOMAIN,  /* the name does not exist (a void lookup) */
    DNS_TIMEOUT,   /* no answer in time */
    DNS_SERVFAIL,  /* the server failed (or every server did) */
    DNS_REFUSED,   /* the server refused */
    DNS_ERROR,     /* anything else: malformed answer, network error */
    DNS_PENDING,   /* not asked yet, or still in flight */
};

/* "NXDOMAIN", "timeout", ...: for messages and JSON. */
const char *dns_status_name(enum dns_status status);
/* RFC 7208 §4.6.4: NXDOMAIN and NODATA count as void lookups. */
bool dns_status_is_void(enum dns_status status);

/* One TXT resource record: its character-strings joined with no separator
 * (RFC 7208 §3.3, RFC 6376 §3.6.2.2), with the string boundaries kept for
 * display.  text is NUL-terminated (it may hold other NULs; use len). */
struct dns_txt {
    char *text;
    size_t len;
    size_t *string_ends; /* end offset of each string in text */
    size_t nstrings;
};

struct dns_txt_answer {
    enum dns_status status;
    struct dns_txt *records;
    size_t count;
};

void dns_txt_answer_init(struct dns_txt_answer *a);
void dns_txt_answer_free(struct dns_txt_answer *a);
/* Append one RR made of nstrings character-strings.  Returns false on OOM. */
bool dns_txt_answer_add(struct dns_txt_answer *a, const char *const *strings,
                        const size_t *lengths, size_t nstrings);
/* Append a copy of rec, keeping its string boundaries (a record of no
 * strings is copied as one string of its text; ends out of order are
 * clamped, giving empty strings).  Returns false on OOM. */
bool dns_txt_answer_add_copy(struct dns_txt_answer *a, const struct dns_txt *rec);
/* Convenience for tests and single-string records. */
bool dns_txt_answer_add_text(struct dns_txt_answer *a, const char *text);

#endif
