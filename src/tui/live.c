/* Live DNS in the editor: fetching a domain's published records without
 * ever blocking the screen, and comparing them with the drafts.
 *
 * One resolver (src/net) serves two fetches: the live one (SPF tree, DMARC
 * discovery, DKIM selectors: net_fetch_start) and the draft's SPF tree
 * (net_fetch_start_tree), so the diff can state the change in effect
 * (authorized addresses, lookups, voids) and not only in text.  The
 * resolver's descriptors join the editor's poll loop (live_pump, before
 * every wait); answers arrive through its callbacks while the user types.
 * When both fetches are done the live lint runs and the diffs are made;
 * the diffs are redone whenever a draft changes (microseconds, core only). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../net/fetch.h"
#include "tui_app.h"
#include "tui_live.h"

#define LIVE_MAX_FDS 32

struct live {
    struct net_resolver *res;
    struct net_fetch fetch;   /* what the domain publishes */
    struct net_fetch draft;   /* the draft SPF record's include tree */
    struct net_fetch_lint lint; /* valid while state == LIVE_DONE */
    char draft_tree_text[RECORD_MAX_LEN + 1]; /* the SPF draft `draft` expands */
    enum live_state state;
    bool load_as_drafts;      /* the first fetch of `authtxt DOMAIN` */
    char error[256];
    struct diff_result diff[DRAFT_COUNT];
    bool diff_stale;
    /* The resolver's descriptors as last registered with the loop. */
    struct pollfd watched[LIVE_MAX_FDS];
    size_t nwatched;
    unsigned timer;
};

static void recompute(struct app *a);

static struct live *get(struct app *a)
{
    if (!a->live) {
        a->live = calloc(1, sizeof *a->live);
        if (!a->live)
            return NULL;
        net_fetch_init(&a->live->fetch);
        net_fetch_init(&a->live->draft);
        net_fetch_lint_init(&a->live->lint);
        for (int s = 0; s < DRAFT_COUNT; s++)
            diff_result_init(&a->live->diff[s]);
    }
    return a->live;
}

const struct live_view *live_view(struct app *a, struct live_view *v)
{
    memset(v, 0, sizeof *v);
    struct live *L = a->live;
    if (!L)
        return v;
    v->state = L->state;
    v->error = L->error;
    v->fetch = &L->fetch;
    if (L->state == LIVE_DONE) {
        v->lint = &L->lint;
        if (L->diff_stale)
            recompute(a);
        for (int s = 0; s < DRAFT_COUNT; s++)
            v->diff[s] = &L->diff[s];
    }
    v->sent = L->fetch.sent + L->draft.sent;
    v->inflight = L->fetch.inflight + L->draft.inflight;
    v->elapsed_ms = net_fetch_elapsed_ms(&L->fetch);
    return v;
}

/* The fetched DKIM key that goes with the drafts' selector (else the
 * first one fetched), or -1. */
int live_dkim_index(struct app *a)
{
    struct live *L = a->live;
    if (!L || L->state != LIVE_DONE || L->lint.ndkim == 0)
        return -1;
    for (size_t i = 0; i < L->fetch.ndkim && i < L->lint.ndkim; i++)
        if (strcmp(L->fetch.dkim[i].selector, a->drafts.selector) == 0)
            return (int)i;
    return 0;
}

const struct record *live_record(struct app *a, enum draft_slot slot)
{
    struct live *L = a->live;
    if (!L || L->state != LIVE_DONE)
        return NULL;
    switch (slot) {
    case DRAFT_SPF:
        return &L->lint.spf;
    case DRAFT_DMARC:
        return &L->lint.dmarc;
    case DRAFT_DKIM: {
        int i = live_dkim_index(a);
        return i < 0 ? NULL : &L->lint.dkim[i];
    }
    default:
        return NULL;
    }
}

/* A record's own diagnostics replaced by the live lint of its kind (tree
 * and discovery rules included), so the Lint pane and the Record pane's
 * marks show everything the fetch found. */
static void merge_lint(struct record *r, const struct diag_list *all)
{
    diag_list_reset(&r->diags);
    diag_list_append(&r->diags, all, 0);
    diag_list_sort(&r->diags);
}

/* Start the draft SPF record's include tree, unless the tree of that very
 * text is already there (or on its way). */
static void start_draft_tree(struct app *a)
{
    struct live *L = a->live;
    const struct record *spf = &a->drafts.rec[DRAFT_SPF];
    size_t n = spf->len < RECORD_MAX_LEN ? spf->len : RECORD_MAX_LEN;
    if (!L->res || (L->draft.start_ms != 0 && strlen(L->draft_tree_text) == n &&
                    (n == 0 || memcmp(L->draft_tree_text, spf->text, n) == 0)))
        return;
    memcpy(L->draft_tree_text, spf->text ? spf->text : "", n);
    L->draft_tree_text[n] = '\0';
    char err[160];
    net_fetch_free(&L->draft);
    if (n && !net_fetch_start_tree(&L->draft, L->res, L->fetch.domain, spf->text, spf->len, err,
                                   sizeof err))
        app_message(a, ROLE_WARNING, "the draft's include tree cannot be fetched: %s", err);
}

static void finish(struct app *a)
{
    struct live *L = a->live;
    net_fetch_lint_free(&L->lint);
    net_fetch_lint_init(&L->lint);
    if (!net_fetch_lint_run(&L->fetch, &L->lint))
        snprintf(L->error, sizeof L->error, "out of memory while linting the live records");
    merge_lint(&L->lint.spf, &L->lint.spf_diags);
    merge_lint(&L->lint.dmarc, &L->lint.dmarc_diags);
    L->state = LIVE_DONE;
    app_refresh_lint(a);
    if (L->load_as_drafts) {
        /* `authtxt DOMAIN`: the published records are the starting drafts. */
        L->load_as_drafts = false;
        int k = live_dkim_index(a);
        if (k >= 0 && L->fetch.dkim[k].used != SPF_NONE)
            drafts_set_selector(&a->drafts, L->fetch.dkim[k].selector);
        for (int s = 0; s < DRAFT_COUNT; s++) {
            const struct record *r = live_record(a, (enum draft_slot)s);
            if (r && r->len)
                drafts_replace(&a->drafts, (enum draft_slot)s, r->text, r->len,
                               DRAFT_ORIGIN_FETCHED, "fetched record");
        }
        /* What the domain publishes is where the editing starts. */
        drafts_history_reset(&a->drafts);
        strbuf_reset(&a->saved_zone);
        drafts_to_zone(&a->drafts, &a->saved_zone);
        a->modified = false;
        app_reload_tabs(a);
    }
    L->diff_stale = true;
    size_t errs = L->fetch.errors_total;
    if (errs)
        app_message(a, ROLE_WARNING, "fetched %s in %.0f ms: %zu queries, %zu DNS error%s",
                    L->fetch.display, net_fetch_elapsed_ms(&L->fetch), L->fetch.sent, errs,
                    errs == 1 ? "" : "s");
    else
        app_message(a, ROLE_GOOD, "fetched %s in %.0f ms: %zu queries, no DNS errors",
                    L->fetch.display, net_fetch_elapsed_ms(&L->fetch), L->fetch.sent);
    a->dirty |= DIRTY_ALL & ~DIRTY_LAYOUT;
}

/* After every resolver event: progress, and the end of a fetch. */
static void after_events(struct app *a)
{
    struct live *L = a->live;
    if (L->state == LIVE_FETCHING && net_fetch_done(&L->fetch))
        finish(a);
    else if (L->state == LIVE_DONE)
        L->diff_stale = true; /* the draft's tree grew */
    /* The SPF tab's lookup count reads the draft's tree as it grows. */
    a->dirty |= DIRTY_STATUS | (a->tab == TAB_LIVE ? DIRTY_ALL & ~DIRTY_LAYOUT : 0) |
                (a->tab == TAB_SPF ? DIRTY_COMPOSE : 0);
}

static void on_fd(int fd, short revents, void *data)
{
    struct app *a = data;
    struct live *L = a->live;
    if (!L || !L->res)
        return;
    struct pollfd p = {fd, 0, revents};
    net_resolver_process(L->res, &p, 1);
    after_events(a);
}

static void on_timer(void *data)
{
    struct app *a = data;
    struct live *L = a->live;
    if (!L)
        return;
    L->timer = 0;
    if (L->res) {
        net_resolver_process(L->res, NULL, 0);
        after_events(a);
    }
}

void live_pump(struct app *a)
{
    struct live *L = a->live;
    if (!L || !L->res)
        return;
    struct pollfd now[LIVE_MAX_FDS];
    int timeout = -1;
    size_t n = net_resolver_fds(L->res, now, LIVE_MAX_FDS, &timeout);
    if (n > LIVE_MAX_FDS)
        n = LIVE_MAX_FDS;
    for (size_t i = 0; i < L->nwatched; i++) {
        bool still = false;
        for (size_t j = 0; j < n; j++)
            still |= now[j].fd == L->watched[i].fd;
        if (!still)
            loop_watch_fd(&a->loop, L->watched[i].fd, 0, NULL, NULL);
    }
    for (size_t j = 0; j < n; j++)
        loop_watch_fd(&a->loop, now[j].fd, now[j].events, on_fd, a);
    memcpy(L->watched, now, n * sizeof now[0]);
    L->nwatched = n;
    if (L->timer)
        loop_cancel_timer(&a->loop, L->timer);
    L->timer = 0;
    if (timeout >= 0)
        L->timer = loop_set_timer(&a->loop, timeout, on_timer, a);
}

bool live_fetch(struct app *a, bool load_as_drafts)
{
    struct live *L = get(a);
    if (!L)
        return false;
    if (!L->res) {
        char err[256];
        L->res = net_resolver_new(&a->opts.net, err, sizeof err);
        if (!L->res) {
            snprintf(L->error, sizeof L->error, "%s", err);
            L->state = LIVE_FAILED;
            app_message(a, ROLE_ERROR, "cannot fetch: %s", err);
            return false;
        }
    }
    struct net_fetch_options o = {a->opts.selectors, a->opts.nselectors, (long long)time(NULL)};
    const char *sel = a->drafts.selector;
    if (o.nselectors == 0) { /* the drafts' selector, at least */
        o.selectors = &sel;
        o.nselectors = 1;
    }
    char err[256];
    L->state = LIVE_FETCHING;
    app_refresh_lint(a); /* it may point into the lint finish() frees */
    L->error[0] = '\0';
    net_fetch_free(&L->draft);
    if (!net_fetch_start(&L->fetch, L->res, a->drafts.domain, &o, err, sizeof err)) {
        snprintf(L->error, sizeof L->error, "%s", err);
        L->state = LIVE_FAILED;
        app_message(a, ROLE_ERROR, "cannot fetch %s: %s", a->drafts.domain, err);
        return false;
    }
    L->load_as_drafts = load_as_drafts;
    app_message(a, ROLE_INFO, "fetching the records of %s%s", L->fetch.display,
                load_as_drafts ? "; they become the drafts" : "");
    if (net_fetch_done(&L->fetch))
        finish(a);
    return true;
}

/* The diffs of the drafts against the live records (for the Live tab,
 * which alone asks for them): the draft's include tree follows the draft. */
static void recompute(struct app *a)
{
    struct live *L = a->live;
    start_draft_tree(a);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *before = live_record(a, (enum draft_slot)s);
        const struct record *after = &a->drafts.rec[s];
        diff_records(before && before->len ? before : NULL, after->len ? after : NULL,
                     &L->diff[s]);
    }
    diff_spf_effect(L->fetch.spf.count ? &L->fetch.spf : NULL,
                    a->drafts.rec[DRAFT_SPF].len ? &L->draft.spf : NULL, &L->diff[DRAFT_SPF]);
    L->diff_stale = false;
}

void live_drafts_changed(struct app *a)
{
    if (a->live)
        a->live->diff_stale = true;
}

unsigned live_copy_to_draft(struct app *a, enum draft_slot slot)
{
    const struct record *r = live_record(a, slot);
    if (!r || r->len == 0) {
        app_message(a, ROLE_WARNING, "no live %s record to copy", record_kind_name(
                                                                    drafts_slot_kind(slot)));
        return DIRTY_STATUS;
    }
    /* One undoable step ("copy live record"): the selector and the text. */
    drafts_group_begin(&a->drafts, "copy live record");
    if (slot == DRAFT_DKIM) {
        int k = live_dkim_index(a);
        if (k >= 0)
            drafts_set_selector(&a->drafts, a->live->fetch.dkim[k].selector);
    }
    bool ok = drafts_replace(&a->drafts, slot, r->text, r->len, DRAFT_ORIGIN_FETCHED,
                             "copy live record");
    drafts_group_end(&a->drafts);
    if (!ok)
        app_message(a, ROLE_ERROR, "out of memory");
    unsigned d = app_draft_changed(a);
    app_reload_tabs(a);
    app_message(a, ROLE_GOOD, "the live %s record is now the draft",
                record_kind_name(drafts_slot_kind(slot)));
    return d | DIRTY_ALL;
}

void live_free(struct app *a)
{
    struct live *L = a->live;
    if (!L)
        return;
    net_fetch_free(&L->fetch);
    net_fetch_free(&L->draft);
    net_resolver_free(L->res);
    net_fetch_lint_free(&L->lint);
    for (int s = 0; s < DRAFT_COUNT; s++)
        diff_result_free(&L->diff[s]);
    free(L);
    a->live = NULL;
}

int live_draft_lookups(struct app *a, bool *complete)
{
    struct live *L = a->live;
    *complete = false;
    if (!L || !L->res || L->state != LIVE_DONE)
        return -1;
    /* The tree must be of the draft's text as it is now. */
    start_draft_tree(a);
    const struct record *spf = &a->drafts.rec[DRAFT_SPF];
    size_t n = spf->len < RECORD_MAX_LEN ? spf->len : RECORD_MAX_LEN;
    if (strlen(L->draft_tree_text) != n || (n && memcmp(L->draft_tree_text, spf->text, n) != 0) ||
        L->draft.spf.count == 0)
        return -1;
    *complete = net_fetch_done(&L->draft) && !L->draft.spf.truncated;
    return L->draft.spf.lookups;
}
