/* Saving drafts into an admin's own zone file, in place: only the TXT
 * records of the drafts that changed are rewritten, every other byte of the
 * file (SOA, NS, MX, other TXT records, comments, directives, blank lines,
 * parentheses, line ends) is kept; drafts new to the file are added.  Also
 * the SOA serial bump, and the fragment form for a new file.
 *
 * Pure: works on the caller's copy of the file (the TUI reads and writes
 * it), reads it with zone_read (zone.h) and its spans: no second parser.
 * Cost: O(file size + drafts' length); memory: one zone_read of the file
 * plus the output. */
#ifndef AUTHTXT_ZONE_EDIT_H
#define AUTHTXT_ZONE_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authtxt/diag.h"
#include "authtxt/strbuf.h"
#include "authtxt/zone.h"

#define ZONE_EDIT_DRAFTS_MAX 8

/* The SPF draft's marker: a comment after the record's last token, on the
 * line that token ends, e.g.
 *     @  3600 IN TXT " P=none2" ; authtxt: spf draft
 * A comment, so BIND and every other zone reader ignore it (RFC 1035
 * §5.1).  It is needed by one draft only: the DMARC draft is the TXT
 * record at _dmarc.<d> and each DKIM draft the one at <s>._domainkey.<d>,
 * whatever their texts say, but at the domain itself an SPF draft whose
 * text is not SPF-like (" P=none2", "v=DMARC1; p=none", a half-typed
 * "spf2.0/" ...) looks like any site-verification TXT.  So only such a
 * draft is marked: an admin's zone is theirs, and an SPF record that reads
 * as one (zone_edit_text_is_spf) gets no comment it does not need.  A
 * record that carries the marker keeps it (a later SPF-like text in it is
 * still the draft's; the comment is never written twice), and a record
 * removed takes it along.  Matched case-insensitively anywhere in that
 * comment, so an admin's own comment before it stays as it was.  Marked
 * TXT records (class IN) at the domain come before any other record for
 * the SPF draft, in zone_edit_rewrite and in drafts_from_zone alike; the
 * marker anywhere else (under _dmarc or _domainkey, on a record of another
 * type or class, on a line of its own) means nothing. */
#define ZONE_EDIT_SPF_MARKER "authtxt: spf draft"

/* Does a TXT text of this kind (zone_detect_kind at its owner) read back
 * as the SPF draft without a marker?  An SPF record (v=spf1) at a name
 * that may hold one, or a text that starts "v=spf" (a broken one: "v=spf
 * 1", "v=spf2").  O(1). */
bool zone_edit_text_is_spf(enum zone_kind kind, bool owner_mismatch, const char *text, size_t len);

/* Does record r of the zone read from file[0..len) carry the SPF draft
 * marker (a comment after its last token on that line naming
 * ZONE_EDIT_SPF_MARKER)?  Any record type or class: callers decide which
 * count.  O(length of that line). */
bool zone_edit_record_marked(const char *file, size_t len, const struct zone_record *r);

/* One draft to save.  Borrowed: the strings must outlive the call. */
struct zone_edit_draft {
    enum zone_kind kind; /* ZONE_KIND_SPF, ZONE_KIND_DMARC or ZONE_KIND_DKIM_KEY */
    const char *owner;   /* "_dmarc.example.com", absolute; a final dot is optional */
    const char *text;    /* the record's text (any bytes; need not parse) */
    size_t len;
    uint32_t ttl; /* for a record added, and for a rewritten one when set_ttl */
    /* The user chose this TTL for the save: a rewritten record gets it too
     * (its TTL field replaced, or added when the line had none) when a $TTL
     * precedes it; else its TTL is kept (zone_edit_outcome.ttl_kept). */
    bool set_ttl;
    /* False: not written (an untouched template, a removed draft).  A
     * record the file has for it stays as it is (ZONE_EDIT_LEFT), unless
     * `remove` says the user removed the draft. */
    bool wanted;
    /* Not wanted because the user emptied a draft that was loaded,
     * fetched or composed: the file's record is removed (its lines), so
     * what reopens is what the user saw (ZONE_EDIT_REMOVED).  When the line
     * after it takes its owner from it (a blank owner field), removing it
     * would move that record to another name: it is left instead; so it is
     * when more records of its kind are at its name (two SPF records, see
     * zone_edit_outcome.others): the next would reopen as the draft. */
    bool remove;
};

enum zone_edit_action {
    ZONE_EDIT_NONE = 0, /* not wanted and not in the file */
    ZONE_EDIT_KEPT,     /* the file already holds this text: untouched */
    ZONE_EDIT_REWRITTEN,
    ZONE_EDIT_ADDED,
    ZONE_EDIT_LEFT,     /* not wanted; the file's record kept as it is */
    ZONE_EDIT_REMOVED,  /* the draft was removed: so is the file's record */
    ZONE_EDIT_TOO_LONG, /* more than one DNS record holds: nothing was written */
};

struct zone_edit_outcome {
    enum zone_edit_action action;
    size_t line;       /* 1-based line of the record in the original file (0: added/none) */
    size_t others;     /* more records of this kind at this owner, left as they are */
    size_t other_line; /* the first of them */
    /* set_ttl, but the record's TTL was kept: no $TTL precedes it, so its
     * TTL is also that of later records stating none (RFC 1035 §5.1). */
    bool ttl_kept;
};

struct zone_edit_result {
    struct zone_edit_outcome drafts[ZONE_EDIT_DRAFTS_MAX]; /* in the order given */
    size_t changes;       /* records rewritten or added (the serial not counted) */
    bool has_serial;      /* the file has an SOA with a numeric serial */
    uint32_t serial;      /* that serial, as in the file */
    bool serial_bumped;   /* the output carries new_serial */
    size_t zone_problems; /* zone-syntax diagnostics while reading the file */
};

struct zone_edit_options {
    /* The $ORIGIN in force before the file sets one (the zone's name, as
     * named.conf gives it), so files that rely on it read; NULL: none. */
    const char *origin;
    bool bump_serial; /* write new_serial in place of the SOA serial */
    uint32_t new_serial;
};

/* The new text of `file` with the drafts saved into it, appended to out.
 * For each wanted draft the first TXT record (class IN) at its owner of its
 * kind is the draft's (for the SPF draft a marked record first, see
 * ZONE_EDIT_SPF_MARKER; an SPF draft that is not SPF-like gets the marker
 * where it is written): when its text differs, its RDATA is rewritten (the
 * owner, TTL, class and type fields and whatever follows on the line kept;
 * long texts split into 255-byte strings, one per line in parentheses); a
 * draft the file lacks is added after the last TXT record of its owner when
 * a $TTL precedes it (so its explicit TTL cannot change the implicit TTL
 * of later records), else at the end of the file as an absolute name.  Line
 * ends follow the file's (CRLF kept).  Zone problems while reading go to
 * diags (file offsets) and are counted in res.  Returns false with nothing
 * appended when a wanted draft is too long for one DNS record
 * (ZONE_EDIT_TOO_LONG) or out of memory. */
bool zone_edit_rewrite(const char *file, size_t len, const struct zone_edit_draft *drafts,
                       size_t ndrafts, const struct zone_edit_options *opt, struct strbuf *out,
                       struct zone_edit_result *res, struct diag_list *diags);

/* The serial after `serial` (RFC 1982 §3.1 addition, so 4294967295 wraps
 * to 0).  `today` is the date as YYYYMMDD (the caller's clock; 0: unknown):
 * a serial in the date form YYYYMMDDnn of a date up to today becomes
 * today's date with nn = 01 (or nn + 1 when that is not greater); any other
 * serial gets + 1. */
uint32_t zone_edit_serial_next(uint32_t serial, uint32_t today);

/* The wanted drafts as a zone-file fragment for a new file: a comment
 * header naming `domain`, then each record with its own TTL and absolute
 * owner, no $TTL (pasted into a zone, a $TTL line would change the TTL of
 * every later record), an SPF draft that is not SPF-like marked
 * (ZONE_EDIT_SPF_MARKER).  False (nothing appended) when a draft is too long
 * for one DNS record: res->drafts[i].action says which. */
bool zone_edit_fragment(const char *domain, const struct zone_edit_draft *drafts, size_t ndrafts,
                        struct strbuf *out, struct zone_edit_result *res);

#endif
