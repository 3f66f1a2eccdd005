/* Answers from a zone read into memory (zone_read), for what runs offline
 * against zone files: the record of one kind a domain publishes there (the
 * drafts of `diff --load`, the "live" side of `diff --against`) and the
 * SPF include tree expanded from the file's TXT records instead of DNS.
 *
 * Pure (no I/O): the zone and the tree are the caller's; nothing is
 * copied out of the zone, whose pointers stay valid until it changes. */
#ifndef AUTHTXT_ZONE_LOOKUP_H
#define AUTHTXT_ZONE_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/record.h"
#include "authtxt/spf_tree.h"
#include "authtxt/zone.h"

/* The first record of `kind` for `domain` (lowercase A-labels, no final
 * dot): SPF at the domain itself, DMARC at _dmarc.<domain>, a DKIM key at
 * <selector>._domainkey.<domain> (selector NULL or "": the first key of
 * the domain).  Records whose owner contradicts their text (owner_mismatch)
 * are skipped.  NULL when the zone has none.  O(records). */
const struct zone_record *zone_lookup_record(const struct zone *z, enum record_kind kind,
                                             const char *domain, const char *selector);

/* Answer what an SPF tree asks from the zone's TXT records, level after
 * level until nothing more can be answered: a name the zone holds TXT
 * records for gets them all (NOERROR); anything else (other names, A,
 * AAAA, MX) stays unanswered, since a file of TXT records cannot say a
 * name does not exist.  Names compare without case and final dot.  False
 * on OOM.  O(levels x queries x records). */
bool zone_lookup_resolve_tree(struct spf_tree *t, const struct zone *z);

#endif
