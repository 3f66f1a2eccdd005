/* Live DNS in the editor (live.c): the fetch of the domain's published
 * records, run inside the editor's event loop, and the diff of the drafts
 * against them.  The Live tab (live_tab.c) only reads a live_view. */
#ifndef AUTHTXT_TUI_LIVE_H
#define AUTHTXT_TUI_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "../net/fetch.h"
#include "authtxt/diff.h"
#include "authtxt/drafts.h"

struct app;

enum live_state { LIVE_NONE = 0, LIVE_FETCHING, LIVE_DONE, LIVE_FAILED };

/* What the Live tab shows; pointers valid until the next event. */
struct live_view {
    enum live_state state;
    const char *error;                    /* LIVE_FAILED: why */
    const struct net_fetch *fetch;        /* the live fetch */
    const struct net_fetch_lint *lint;    /* LIVE_DONE */
    const struct diff_result *diff[DRAFT_COUNT]; /* LIVE_DONE: live -> draft */
    size_t sent, inflight;
    double elapsed_ms;
};

/* Start (or restart: F5) fetching the drafts' domain.  load_as_drafts:
 * when it is done, the published records become the drafts (authtxt
 * DOMAIN).  False when it cannot start (a message says why). */
bool live_fetch(struct app *a, bool load_as_drafts);
/* Before every wait of the loop: watch the resolver's descriptors. */
void live_pump(struct app *a);
/* A draft changed: the diffs (and the draft's include tree) are redone
 * when the Live tab next shows them.  O(1). */
void live_drafts_changed(struct app *a);
const struct live_view *live_view(struct app *a, struct live_view *v);
/* The live record of a draft slot (analyzed, with the live lint as its
 * diagnostics), or NULL before a fetch. */
const struct record *live_record(struct app *a, enum draft_slot slot);
int live_dkim_index(struct app *a);
/* Copy the live record into the draft. */
unsigned live_copy_to_draft(struct app *a, enum draft_slot slot);
void live_free(struct app *a);

#endif
