/* A zone audit's domain side (the core of `lint --zone`): the records of a
 * zone grouped per domain and the cross-record rules (cross_lint) run on
 * each domain's set, in one pass over the records as a reader gives them.
 *
 * The caller reads the zone (zone_open/zone_next), analyzes each record
 * (record_analyze) and hands it here; at the end zone_audit_finish gives
 * the cross diagnostics per domain, sorted by domain name.  A domain whose
 * records are not adjacent is handled: its kept records are analyzed again
 * from their texts when it comes back.
 *
 * Memory: one record per kind, plus a few dozen bytes per domain, plus the
 * texts of the kept records that cannot be found again in the file buffer
 * (all of them when the buffer does not stay: file_stays false).  Cost:
 * O(1) amortized per record besides re-analyses of domains that come back,
 * O(domains log domains) at the end.  Pure: no I/O, no globals. */
#ifndef AUTHTXT_ZONE_AUDIT_H
#define AUTHTXT_ZONE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/record.h"
#include "authtxt/zone.h"

struct zone_audit;

/* file_stays: the zone buffer the records come from stays unchanged until
 * zone_audit_free (one buffer for the whole zone); else kept texts are
 * copied.  NULL when out of memory. */
struct zone_audit *zone_audit_new(bool file_stays);
void zone_audit_free(struct zone_audit *a);

/* Hand over the record zr just returned by zone_next(z), analyzed into rec
 * (any kind; RECORD_UNKNOWN is ignored).  When the domain's cross rules
 * need it, rec's analysis is moved in and rec gets other buffers back: rec
 * stays a valid record to reuse, its contents are undefined.  False when
 * out of memory (the audit then misses that domain's rules). */
bool zone_audit_add(struct zone_audit *a, const struct zone *z, const struct zone_record *zr,
                    struct record *rec);

/* One domain with cross-record diagnostics (spans 0: they are about the set). */
struct zone_audit_domain {
    const char *domain;
    const struct diag *diags;
    size_t count;
};

/* End the audit: the domains that have cross diagnostics, sorted by name
 * (strcmp), *count of them.  Owned by a, valid until zone_audit_free or
 * the next zone_audit_finish.  NULL when out of memory. */
const struct zone_audit_domain *zone_audit_finish(struct zone_audit *a, size_t *count);

/* Bytes the audit holds for the domains seen (entries, names, kept texts,
 * cross diagnostics).  O(domains). */
size_t zone_audit_memory(const struct zone_audit *a);

/* Bound the memory of a zone read in chunks: end every domain whose run
 * is closed and forget it.  Gives their cross diagnostics, sorted by name,
 * *count of them (valid until the next flush, zone_audit_finish or
 * zone_audit_free); the open run goes on.  A forgotten domain whose
 * records come back later is audited on those records alone.  NULL when
 * out of memory. */
const struct zone_audit_domain *zone_audit_flush(struct zone_audit *a, size_t *count);

/* Did any step run out of memory (the cross report is then incomplete)? */
bool zone_audit_oom(const struct zone_audit *a);

#endif
