/* One domain's drafts together: the SPF, DMARC and DKIM key records an
 * admin composes, their analyses, the cross-record lint, and their form as a
 * zone-file fragment (save and load).  Pure: the caller does the file I/O
 * (the TUI saves atomically; the core only turns drafts into text and back). */
#ifndef AUTHTXT_DRAFTS_H
#define AUTHTXT_DRAFTS_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/record.h"
#include "authtxt/strbuf.h"

enum draft_slot { DRAFT_SPF = 0, DRAFT_DMARC, DRAFT_DKIM, DRAFT_COUNT };

#define DRAFTS_DEFAULT_TTL 3600u
#define DRAFTS_NAME_MAX 253 /* RFC 1035 §2.3.4: a name's text form */

struct drafts {
    char domain[DRAFTS_NAME_MAX + 1];   /* "example.com", no trailing dot */
    char selector[64];                  /* DKIM selector label */
    unsigned ttl;                       /* seconds, for every record */
    struct record rec[DRAFT_COUNT];     /* rec[slot].len == 0: no draft */
    struct diag_list cross;             /* cross_lint of the three */
    long long now;                      /* clock for time-based rules; 0 none */
};

void drafts_init(struct drafts *d);
void drafts_free(struct drafts *d);

/* Replace one draft's text, re-analyze it and re-run the cross lint.  An
 * empty text removes the draft.  Returns false only when out of memory.
 * Cost: one record_analyze plus the cross rules (microseconds). */
bool drafts_set_text(struct drafts *d, enum draft_slot slot, const char *text, size_t len);
/* Set the owner names: false (and nothing changed) when the name is not a
 * valid domain name / selector label. */
bool drafts_set_domain(struct drafts *d, const char *domain);
bool drafts_set_selector(struct drafts *d, const char *selector);

/* The record kind each slot holds, and its owner name in the zone:
 * "example.com", "_dmarc.example.com", "s1._domainkey.example.com". */
enum record_kind drafts_slot_kind(enum draft_slot slot);
void drafts_owner_name(const struct drafts *d, enum draft_slot slot, struct strbuf *out);

/* Is this draft the user's, to be saved?  False for an empty slot and for
 * an untouched template (its DKIM key record has an empty p=, which would
 * revoke the selector if published).  O(len). */
bool drafts_slot_wanted(const struct drafts *d, enum draft_slot slot);

/* Clean templates (authtxt alone) and the built-in, slightly flawed example
 * for example.com (authtxt --example): SPF ~all with DMARC p=none and a
 * 1024-bit DKIM key, so the first screen already has something to fix. */
void drafts_load_template(struct drafts *d);
void drafts_load_example(struct drafts *d);

/* The drafts as a zone-file fragment: a header comment, $TTL, one TXT
 * record per draft, long values split into 255-byte strings. */
void drafts_to_zone(const struct drafts *d, struct strbuf *out);
/* Read drafts back from a zone fragment (as written by drafts_to_zone, or
 * any zone file holding one domain's records).  Zone syntax problems go to
 * diags with file offsets.  Returns false when no SPF, DMARC or DKIM record
 * was found (diags then say why). */
bool drafts_from_zone(struct drafts *d, const char *text, size_t len, struct diag_list *diags);

/* The worst severity over the three drafts and the cross rules: -1 none. */
int drafts_max_severity(const struct drafts *d);

#endif
