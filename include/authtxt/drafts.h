/* One domain's drafts together: the SPF, DMARC and DKIM key records an
 * admin composes, their analyses, the cross-record lint, the edit
 * operations the editor's tabs call, the undo history, and their form as a
 * zone-file fragment (save and load).  Pure: the caller does the file I/O
 * (the TUI saves atomically; the core only turns drafts into text and back).
 *
 * The drafts are the one model of the editor: tabs hold no parsed copy of a
 * record and never parse; they read d->rec[slot] (text, terms, diags, typed
 * model) and change it only through the drafts_* calls below.
 *
 * Edits.  Every edit call checks its input first; a refused edit changes
 * nothing (text, model, origins and history stay byte for byte as they
 * were), appends diagnostics saying why to `why` and returns false.  `why`
 * may be NULL (then the reason is not reported).  Spans in `why` are
 * offsets in the value given, not in the record.  A call also returns false
 * when out of memory (the drafts are then unchanged, or, if memory ran out
 * while re-analyzing, hold the new text with incomplete diagnostics).
 *
 * An edit of a slot whose text is empty starts from the slot's minimal
 * record ("v=spf1", "v=DMARC1", "v=DKIM1") and applies the change to it.
 * An edit of a slot whose text is not (or not quite) of the slot's kind
 * applies to the model parsed from that text as the slot's kind: every
 * word of the user's text is kept (unknown or broken tags and terms stay
 * where they are, flagged by lint), nothing is silently dropped.  A slot
 * longer than RECORD_MAX_LEN has no model: field edits are refused (edit
 * the text).
 *
 * Every successful edit makes the slot's origin COMPOSED and records one
 * undo step (labelled, e.g. "set p", "delete term 3") unless a group is
 * open (drafts_group_begin), in which case the group is the step. */
#ifndef AUTHTXT_DRAFTS_H
#define AUTHTXT_DRAFTS_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/dkim.h"
#include "authtxt/record.h"
#include "authtxt/spf.h"
#include "authtxt/strbuf.h"

enum draft_slot { DRAFT_SPF = 0, DRAFT_DMARC, DRAFT_DKIM, DRAFT_COUNT };

/* Where a slot's text came from.  A save writes only the slots the user
 * means (drafts_slot_wanted): an untouched template is not written. */
enum draft_origin {
    DRAFT_ORIGIN_TEMPLATE = 0, /* drafts_init / drafts_load_template */
    DRAFT_ORIGIN_COMPOSED,     /* changed by an edit (any drafts_* edit call) */
    DRAFT_ORIGIN_LOADED,       /* read from a zone file (drafts_from_zone) */
    DRAFT_ORIGIN_FETCHED,      /* the live record copied in (drafts_replace) */
};

#define DRAFTS_DEFAULT_TTL 3600u
#define DRAFTS_NAME_MAX 253 /* RFC 1035 §2.3.4: a name's text form */
#define DRAFTS_SELECTOR_MAX 63

/* Undo history: up to DRAFTS_UNDO_STEPS steps; when the snapshots hold
 * more than DRAFTS_UNDO_BYTES of text the oldest steps go first (at least
 * 100 steps of three 64 KiB drafts fit).  A label is a short phrase ("set
 * p", "delete term 3", "raw edit", "copy live record"), cut to
 * DRAFTS_LABEL_MAX - 1 bytes. */
#define DRAFTS_UNDO_STEPS 200
#define DRAFTS_UNDO_BYTES (48u << 20)
#define DRAFTS_LABEL_MAX 64

/* The longest draft text one TXT record can carry: RDATA is at most 65535
 * bytes (RFC 1035 §3.2.1, 16-bit RDLENGTH) and every character-string of
 * at most 255 bytes costs one length octet (§3.3), so n bytes of text need
 * n + ceil(n / 255) bytes of RDATA: 65279 is the most that fits. */
#define DRAFTS_TEXT_MAX 65279u

struct drafts_history; /* internal (drafts_undo.c) */

struct drafts {
    char domain[DRAFTS_NAME_MAX + 1];       /* "example.com", no trailing dot */
    char selector[DRAFTS_SELECTOR_MAX + 1]; /* DKIM selector label(s) */
    unsigned ttl;                           /* seconds, for every record */
    struct record rec[DRAFT_COUNT];         /* rec[slot].len == 0: no draft */
    enum draft_origin origin[DRAFT_COUNT];  /* where each text came from */
    struct diag_list cross;                 /* cross_lint of the three */
    long long now;                          /* clock for time-based rules; 0 none */
    struct drafts_history *history;         /* undo/redo, owned; NULL until
                                               the first recorded step */
};

/* Read the fields above freely; change them only through the calls below
 * (they keep text, model, diagnostics, cross lint, origins and history in
 * step).  After every successful call the slot's record is current: its
 * text is the core's formatting of its model (field edits) or the user's
 * text (raw edits), its terms and diagnostics (parse + lint) match that
 * text, and `cross` has been re-run. */
void drafts_init(struct drafts *d);
/* Frees the records, the cross list and the history; d may be re-inited. */
void drafts_free(struct drafts *d);

/* ---------------------------------------------------------------------- */
/* Edits.  See the header comment for refusal, NULL `why`, origins, undo.  */

/* Replace one draft's text (the raw editor), re-analyze it and re-run the
 * cross lint.  An empty text removes the draft.  Any text is accepted (a
 * broken draft is kept with its diagnostics) up to RECORD_MAX_LEN bytes; a
 * longer one is refused (false, nothing changed: it could be neither
 * analyzed nor kept).  Also false when out of memory.  The same text again
 * is no edit (no step, origin kept).  Undo label "raw edit <kind>" ("raw
 * edit spf").  Cost: one record_analyze plus the cross rules. */
bool drafts_set_text(struct drafts *d, enum draft_slot slot, const char *text, size_t len);

/* Replace one draft's text from outside the editor (the live record copied
 * in, a key generated elsewhere) and set its origin (FETCHED, LOADED or
 * COMPOSED).  One undo step labelled `label` (NULL: "replace <kind>").
 * False as for drafts_set_text. */
bool drafts_replace(struct drafts *d, enum draft_slot slot, const char *text, size_t len,
                    enum draft_origin origin, const char *label);

/* Set the owner names: false (and nothing changed) when the name is not a
 * valid domain name / selector label(s); `why` (may be NULL) says why.  Both
 * are undoable edits ("set domain", "set selector"); they change no
 * slot's origin.  A domain change also rewrites, in a DMARC draft whose
 * origin is still TEMPLATE, the template report address
 * (mailto:dmarc-reports@<old domain>) to the new domain, so the template
 * follows the domain; a composed, loaded or fetched DMARC draft is never
 * rewritten. */
bool drafts_set_domain(struct drafts *d, const char *domain);
bool drafts_set_domain_why(struct drafts *d, const char *domain, struct diag_list *why);
bool drafts_set_selector(struct drafts *d, const char *selector);
bool drafts_set_selector_why(struct drafts *d, const char *selector, struct diag_list *why);

/* Tag edits of the DMARC and DKIM slots (slot DRAFT_SPF is refused: SPF has
 * terms).  `tag` is a tag name (DMARC: any case).  The value is checked by
 * the kind's grammar first (schema_check_value); an invalid value is
 * refused, so the record never holds a prefix of what is being typed.
 * DMARC: dmarc_set_tag / dmarc_remove_tag (placement: see dmarc.h); DKIM:
 * dkim_key_set_tag / dkim_key_remove_tag.  Labels "set p", "remove pct". */
bool drafts_tag_set(struct drafts *d, enum draft_slot slot, const char *tag, const char *value,
                    size_t len, struct diag_list *why);
bool drafts_tag_remove(struct drafts *d, enum draft_slot slot, const char *tag,
                       struct diag_list *why);
/* Set or clear one member of a FLAGS tag: DMARC fo ('0', '1', 'd', 's';
 * dmarc_set_fo_flag), DKIM t ('y', 's'; dkim_key_set_flag).  Other tags
 * are refused.  Label "set fo=d" / "clear fo=d". */
bool drafts_tag_flag(struct drafts *d, enum draft_slot slot, const char *tag, char flag, bool on,
                     struct diag_list *why);

/* Remove term `index` of a slot's record (its span in the text, with the
 * separator after it, or before it when it is the last), whatever it is:
 * the one way to take out an unknown tag, a repeated copy (drafts_tag_remove
 * removes every copy of a name) or a tag without a name ("=x").  SPF:
 * drafts_spf_remove.  Label "remove term N".  (drafts_term.c) */
bool drafts_term_remove(struct drafts *d, enum draft_slot slot, size_t index,
                        struct diag_list *why);

/* DMARC report address lists: `list` is "rua" or "ruf".  Add appends one
 * URI (checked; a URI already listed is not added twice, true); remove
 * takes entry `index` (0-based, in the order written) out.  Labels "add
 * rua address", "remove rua address 2". */
bool drafts_uri_add(struct drafts *d, const char *list, const char *uri, size_t len,
                    struct diag_list *why);
bool drafts_uri_remove(struct drafts *d, const char *list, size_t index, struct diag_list *why);

/* DKIM: set p= from pasted text (PEM, zone strings, bare base64, a whole
 * record; dkim_key_set_p_from_paste), k= following the key type.  `report`
 * (may be NULL) says what was cleaned up (dkim_paste_describe), also when
 * refused (private key, not base64, nothing).  Label "paste DKIM key". */
bool drafts_dkim_paste_key(struct drafts *d, const char *text, size_t len,
                           struct dkim_paste *report, struct diag_list *why);

/* SPF term edits (spf_term_insert / _remove / _move / _set_qualifier /
 * _set_value, see spf.h for value texts).  Indexes count the model's terms
 * (term 0 is the version when present).  Labels "insert include",
 * "delete term 3", "move term 3 up", "requalify term 3", "edit term 3". */
bool drafts_spf_insert(struct drafts *d, size_t at, enum spf_term_kind kind, enum spf_qualifier q,
                       const char *value, size_t len, struct diag_list *why);
bool drafts_spf_remove(struct drafts *d, size_t index, struct diag_list *why);
bool drafts_spf_move(struct drafts *d, size_t index, bool up, struct diag_list *why);
bool drafts_spf_qualify(struct drafts *d, size_t index, enum spf_qualifier q,
                        struct diag_list *why);
bool drafts_spf_set_value(struct drafts *d, size_t index, const char *value, size_t len,
                          struct diag_list *why);
/* Make the SPF draft start with "v=spf1" (spf_set_version).  "fix version". */
bool drafts_spf_set_version(struct drafts *d, struct diag_list *why);

/* ---------------------------------------------------------------------- */
/* Undo and redo.                                                         */

/* Undo the last step / redo the last undone step: restores the three texts,
 * the domain, the selector, the TTL and the origins as they were, and
 * re-analyzes.  `label` (may be NULL) gets the step's label appended ("set
 * p"), for "Undid: set p".  False when there is nothing to undo/redo (or
 * out of memory).  A new edit after an undo clears the redo steps.  Cost:
 * one record_analyze per slot. */
bool drafts_undo(struct drafts *d, struct strbuf *label);
bool drafts_redo(struct drafts *d, struct strbuf *label);
bool drafts_can_undo(const struct drafts *d);
bool drafts_can_redo(const struct drafts *d);
/* The label the next undo / redo would show, or NULL.  Valid until the next
 * drafts call. */
const char *drafts_undo_label(const struct drafts *d);
const char *drafts_redo_label(const struct drafts *d);
/* Number of steps that can be undone. */
size_t drafts_undo_depth(const struct drafts *d);

/* Group several calls into one user step (the Live tab's copy, a form that
 * sets two tags): begin snapshots the state; the edits inside record no
 * step of their own; end records one step labelled `label` (given at
 * begin) when anything changed.  Groups nest (only the outermost counts);
 * every begin needs its end. */
void drafts_group_begin(struct drafts *d, const char *label);
void drafts_group_end(struct drafts *d);

/* Forget every undo and redo step (after opening another file, when undo
 * back into the previous file would make no sense).  drafts_from_zone,
 * drafts_load_template and drafts_load_example call it: loading starts a
 * new history.  Inside a group it does nothing, so a load wrapped in
 * drafts_group_begin / _end is recorded as one undoable step instead. */
void drafts_history_reset(struct drafts *d);

/* ---------------------------------------------------------------------- */
/* Owners, templates, origins, save and load.                             */

/* The record kind each slot holds, and its owner name in the zone:
 * "example.com", "_dmarc.example.com", "s1._domainkey.example.com". */
enum record_kind drafts_slot_kind(enum draft_slot slot);
void drafts_owner_name(const struct drafts *d, enum draft_slot slot, struct strbuf *out);

/* Clean templates (authtxt alone) and the built-in, slightly flawed example
 * for example.com (authtxt --example): SPF ~all with DMARC p=none and a
 * 1024-bit DKIM key, so the first screen already has something to fix.
 * Both reset the history.  Template slots get origin TEMPLATE (a save
 * skips them until edited: the template's empty DKIM p= would revoke a
 * real selector); the example's slots get COMPOSED (a worked record set
 * for example.com, saved whole, as `authtxt --example` always did). */
void drafts_load_template(struct drafts *d);
void drafts_load_example(struct drafts *d);

/* Should a save write this slot?  True when it holds text and its origin
 * is not TEMPLATE (composed, loaded or fetched).  A draft that does not
 * parse as its kind is still wanted: it is written, never dropped. */
bool drafts_slot_wanted(const struct drafts *d, enum draft_slot slot);

/* Can every wanted draft be written to DNS?  Each text must fit one TXT
 * record (DRAFTS_TEXT_MAX bytes of ASCII, see above; a little less when
 * multi-byte UTF-8 characters make strings shorter than 255 bytes, since
 * a string is never split inside one) and the TTL must be at most
 * ZONE_TTL_MAX.  Appends one zone-too-large diagnostic per draft that
 * does not fit (diags may be NULL) and returns false then.
 * The save flow calls it first and refuses to save (saying why) when it
 * fails: a draft is never reported saved and silently not written. */
bool drafts_check_sizes(const struct drafts *d, struct diag_list *diags);

/* The wanted drafts as a zone-file fragment: a header comment, then one
 * TXT record per wanted draft with its TTL written on the record (no $TTL
 * line: pasted into a zone, a $TTL would change every later record's
 * TTL), long values split into 255-byte strings.  A draft that does not
 * fit (see drafts_check_sizes) is written as a comment saying so; check
 * first. */
void drafts_to_zone(const struct drafts *d, struct strbuf *out);
/* The drafts as the zone editor takes them (zone_edit.h: zone_edit_rewrite,
 * zone_edit_fragment), in slot order: kind, owner name, text, TTL, and
 * wanted = drafts_slot_wanted.  out[s].owner borrows owners[s] (the caller
 * initializes and frees owners; both arrays hold DRAFT_COUNT); texts
 * borrow the drafts.  set_ttl false. */
struct zone_edit_draft;
void drafts_zone_edit_drafts(const struct drafts *d, struct zone_edit_draft *out,
                             struct strbuf *owners);
/* Read drafts back from a zone fragment (as written by drafts_to_zone, or
 * any zone file holding one domain's records).  The slots found get origin
 * LOADED, their text exactly as stored (a broken draft comes back with its
 * diagnostics); slots the file does not fill are emptied.  Zone syntax
 * problems go to diags (may be NULL) with file offsets.  Returns false
 * when no SPF, DMARC or DKIM record was found (diags then say why).
 * Resets the undo history. */
bool drafts_from_zone(struct drafts *d, const char *text, size_t len, struct diag_list *diags);

/* The worst severity over the three drafts and the cross rules: -1 none. */
int drafts_max_severity(const struct drafts *d);

#endif
