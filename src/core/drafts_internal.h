/* What drafts.c (state, owners, templates, zone I/O), drafts_edit.c (the
 * edit operations) and drafts_undo.c (the history) share and nothing else
 * sees. */
#ifndef AUTHTXT_DRAFTS_INTERNAL_H
#define AUTHTXT_DRAFTS_INTERNAL_H

#include "authtxt/drafts.h"

/* Everything an undo step restores: the three texts (owned copies), the
 * owner names, the TTL and the origins.  Texts only: the models are
 * rebuilt on restore (cheap, and a snapshot stays a few hundred bytes
 * plus the texts). */
struct drafts_snapshot {
    char *text[DRAFT_COUNT]; /* NULL when the slot is empty */
    size_t len[DRAFT_COUNT];
    char domain[DRAFTS_NAME_MAX + 1];
    char selector[DRAFTS_SELECTOR_MAX + 1];
    unsigned ttl;
    enum draft_origin origin[DRAFT_COUNT];
    char label[DRAFTS_LABEL_MAX];
};

/* Copy the current state; false (s empty) when out of memory. */
bool drafts_snapshot_take(const struct drafts *d, struct drafts_snapshot *s);
void drafts_snapshot_free(struct drafts_snapshot *s);
/* Is d's state what s holds (texts, names, TTL, origins)? */
bool drafts_snapshot_same(const struct drafts *d, const struct drafts_snapshot *s);
/* Put s's state back into d (every slot re-analyzed, cross lint re-run). */
bool drafts_snapshot_restore(struct drafts *d, const struct drafts_snapshot *s);
/* The text of a snapshot's size, for the history's byte cap. */
size_t drafts_snapshot_bytes(const struct drafts_snapshot *s);

/* Record one step: *before is the state before it (ownership moves to the
 * history, *before is left empty), `label` what it was.  Inside a group
 * nothing is recorded (the group's own snapshot is the step) and *before
 * is freed.  A new step clears the redo steps. */
void drafts_history_record(struct drafts *d, struct drafts_snapshot *before, const char *label);

/* Free the history whatever its state (drafts_free). */
void drafts_history_free(struct drafts *d);

/* Analyze text as slot's kind into d->rec[slot] (empty text: no draft) and
 * re-run the cross lint; no history, no origin change.  False when out of
 * memory. */
bool drafts_analyze_slot(struct drafts *d, enum draft_slot slot, const char *text, size_t len);
/* record_analyze of one slot, with the DMARC model knowing the domain
 * (its messages name it).  No cross lint. */
bool drafts_record_analyze(struct drafts *d, enum draft_slot slot, const char *text, size_t len);
/* Re-run the cross lint (and give the DMARC model the domain). */
void drafts_relint(struct drafts *d);
/* The minimal record of a slot: "v=spf1", "v=DMARC1", "v=DKIM1". */
const char *drafts_minimal_text(enum draft_slot slot);

#endif
