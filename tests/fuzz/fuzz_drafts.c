/* Fuzz the drafts model the editor edits: random sequences of drafts_*
 * operations (raw text, tags, flags, report addresses, key paste, SPF
 * terms, domain, selector, groups) with undo and redo in between.
 * Input: a start byte (empty, template or example drafts), then
 * operations (an op byte and its arguments) until the input ends.
 * Invariants:
 *   - after every call, each draft's diagnostics and terms lie inside its
 *     text, and a successful field edit leaves the text equal to the
 *     formatting of the model, with the diagnostics a fresh analysis of
 *     that text gives (record_refresh skipped that parse);
 *   - a refused edit changes nothing (texts, origins, names, history);
 *   - undoing everything gives the start state back, and redoing it all
 *     gives the state before the undos. */
#include "fuzz_common.h"

#include "authtxt/dkim.h"
#include "authtxt/drafts.h"
#include "authtxt/spf.h"

#define MAX_OPS 48 /* well under DRAFTS_UNDO_STEPS: every step stays undoable */

/* The state a refused edit must not change, and undo must restore. */
static void capture(const struct drafts *d, struct strbuf *out, bool history)
{
    strbuf_reset(out);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        strbuf_printf(out, "%d:%d:%zu:", s, (int)d->origin[s], d->rec[s].len);
        strbuf_append(out, d->rec[s].text ? d->rec[s].text : "", d->rec[s].len);
        strbuf_printf(out, ":%zu\n", d->rec[s].diags.count);
    }
    strbuf_printf(out, "%s %s %u\n", d->domain, d->selector, d->ttl);
    if (history)
        strbuf_printf(out, "%zu %s %s\n", drafts_undo_depth(d),
                      drafts_undo_label(d) ? drafts_undo_label(d) : "-",
                      drafts_redo_label(d) ? drafts_redo_label(d) : "-");
}

static bool same(const struct strbuf *a, const struct strbuf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void check_records(const struct drafts *d)
{
    for (int s = 0; s < DRAFT_COUNT; s++) {
        fuzz_check_diags(&d->rec[s].diags, d->rec[s].len);
        fuzz_check_terms(&d->rec[s].terms, d->rec[s].len);
    }
    fuzz_check_diags(&d->cross, (size_t)-1);
}

/* The edited slot is what analyzing its text gives. */
static void check_current(const struct drafts *d, enum draft_slot slot, int op)
{
    const struct record *r = &d->rec[slot];
    if (r->len == 0) { /* an edit that removed everything leaves no draft */
        fuzz_check(r->diags.count == 0 && r->terms.count == 0,
                   "op %d: slot %d is empty but has %zu diagnostics", op, (int)slot,
                   r->diags.count);
        return;
    }
    struct strbuf f = STRBUF_INIT;
    record_format(r, &f);
    fuzz_check(f.len == r->len && (f.len == 0 || memcmp(f.data, r->text, f.len) == 0),
               "op %d: slot %d text is not the model's formatting:\n%.*s\n%s", op, (int)slot,
               (int)r->len, r->text ? r->text : "", strbuf_cstr(&f));
    struct record fresh;
    record_init(&fresh);
    if (record_analyze(&fresh, r->kind, r->text ? r->text : "", r->len, d->now)) {
        fuzz_check(fresh.diags.count == r->diags.count,
                   "op %d: slot %d has %zu diagnostics, a fresh analysis %zu", op, (int)slot,
                   r->diags.count, fresh.diags.count);
        for (size_t i = 0; i < r->diags.count; i++)
            fuzz_check(fresh.diags.items[i].rule == r->diags.items[i].rule &&
                           fresh.diags.items[i].start == r->diags.items[i].start,
                       "op %d: slot %d diagnostic %zu differs (%s vs %s)", op, (int)slot, i,
                       rule_get(r->diags.items[i].rule)->code,
                       rule_get(fresh.diags.items[i].rule)->code);
        fuzz_check(fresh.terms.count == r->terms.count, "op %d: terms %zu vs %zu", op,
                   r->terms.count, fresh.terms.count);
    }
    record_free(&fresh);
    strbuf_free(&f);
}

static const char *const tags[] = {"p", "sp",  "np", "pct", "fo", "rf", "ri", "adkim", "aspf",
                                   "t", "psd", "v",  "k",   "h",  "s",  "n",  "g",     "x"};
static const char *const values[] = {
    "reject", "none",    "quarantine", "50",    "100", "150", "r",   "s",      "y",    "n",
    "rsa",    "ed25519", "sha256",     "email", "*",   "",    "0:1", "DMARC1", "DKIM1"};

static size_t take_value(struct fuzz_in *in, const char **v)
{
    unsigned pick = fuzz_byte(in);
    if (pick < 160) {
        *v = values[pick % (sizeof values / sizeof values[0])];
        return strlen(*v);
    }
    return fuzz_take(in, 80, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    struct drafts d;
    drafts_init(&d);
    switch (fuzz_byte(&in) % 3) {
    case 0:
        break;
    case 1:
        drafts_load_template(&d);
        break;
    default:
        drafts_load_example(&d);
        break;
    }
    struct strbuf start = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT,
                  label = STRBUF_INIT;
    capture(&d, &start, false);
    int depth = 0;
    for (int k = 0; k < MAX_OPS && in.n > 0; k++) {
        unsigned op = fuzz_byte(&in) % 16;
        enum draft_slot slot = (enum draft_slot)(fuzz_byte(&in) % DRAFT_COUNT);
        capture(&d, &before, true);
        const char *v;
        size_t vlen;
        bool ok = true, field = true;
        struct diag_list why;
        diag_list_init(&why);
        struct diag_list *w = (k & 1) ? NULL : &why;
        size_t index = fuzz_byte(&in) % 8;
        switch (op) {
        case 0:
            vlen = fuzz_take(&in, 200, &v);
            ok = drafts_set_text(&d, slot, v, vlen);
            field = false;
            break;
        case 1:
            vlen = take_value(&in, &v);
            ok = drafts_tag_set(&d, slot, tags[index + (fuzz_byte(&in) % 10)], v, vlen, w);
            break;
        case 2:
            ok = drafts_tag_remove(&d, slot, tags[index + (fuzz_byte(&in) % 10)], w);
            break;
        case 3: {
            unsigned b = fuzz_byte(&in);
            ok = drafts_tag_flag(&d, slot, b & 1 ? "fo" : "t", "01dsyx"[b % 6], b & 2, w);
            break;
        }
        case 4:
            vlen = fuzz_take(&in, 80, &v);
            ok = drafts_uri_add(&d, index & 1 ? "ruf" : "rua", v, vlen, w);
            slot = DRAFT_DMARC;
            break;
        case 5:
            ok = drafts_uri_remove(&d, index & 1 ? "ruf" : "rua", index / 2, w);
            slot = DRAFT_DMARC;
            break;
        case 6:
            vlen = fuzz_take(&in, 255, &v);
            ok = drafts_dkim_paste_key(&d, v, vlen, NULL, w);
            slot = DRAFT_DKIM;
            break;
        case 7:
            vlen = fuzz_take(&in, 60, &v);
            ok = drafts_spf_insert(&d, index,
                                   (enum spf_term_kind)(fuzz_byte(&in) % SPF_TERM_KIND_COUNT),
                                   (enum spf_qualifier)(fuzz_byte(&in) % 5), v, vlen, w);
            slot = DRAFT_SPF;
            break;
        case 8:
            ok = drafts_spf_remove(&d, index, w);
            slot = DRAFT_SPF;
            break;
        case 9:
            ok = drafts_spf_move(&d, index, fuzz_byte(&in) & 1, w);
            slot = DRAFT_SPF;
            break;
        case 10:
            ok = drafts_spf_qualify(&d, index, (enum spf_qualifier)(fuzz_byte(&in) % 5), w);
            slot = DRAFT_SPF;
            break;
        case 11:
            vlen = fuzz_take(&in, 60, &v);
            ok = drafts_spf_set_value(&d, index, v, vlen, w);
            slot = DRAFT_SPF;
            break;
        case 12: {
            static const char *const names[] = {"example.org", "Mail.Example.NET.", "bad name",
                                                "s2",          "2026.eu",           ""};
            const char *name = names[index % 6];
            ok = index & 8 ? drafts_set_selector_why(&d, name, w)
                           : drafts_set_domain_why(&d, name, w);
            field = false;
            break;
        }
        case 13:
            ok = drafts_undo(&d, &label);
            field = false;
            if (depth > 0)
                ok = true; /* refused inside a group: nothing to check */
            break;
        case 14:
            ok = drafts_redo(&d, &label);
            field = false;
            if (depth > 0)
                ok = true;
            break;
        default:
            if (index & 1 && depth < 3) {
                drafts_group_begin(&d, "group");
                depth++;
            } else if (depth > 0) {
                drafts_group_end(&d);
                depth--;
            }
            field = false;
            break;
        }
        if (w)
            fuzz_check_diags(&why, (size_t)-1);
        diag_list_free(&why);
        check_records(&d);
        if (!ok) {
            capture(&d, &after, true);
            fuzz_check(same(&before, &after), "op %u refused but changed the drafts:\n%s---\n%s",
                       op, strbuf_cstr(&before), strbuf_cstr(&after));
        } else if (field) {
            check_current(&d, slot, (int)op);
        }
    }
    while (depth-- > 0)
        drafts_group_end(&d);
    /* Undo everything: the start state; redo everything: the end state. */
    struct strbuf end = STRBUF_INIT;
    capture(&d, &end, false);
    size_t steps = 0;
    while (drafts_can_undo(&d)) {
        fuzz_check(drafts_undo(&d, NULL), "undo failed");
        check_records(&d);
        steps++;
    }
    capture(&d, &after, false);
    fuzz_check(same(&start, &after), "undo of %zu steps is not the start:\n%s---\n%s", steps,
               strbuf_cstr(&start), strbuf_cstr(&after));
    for (size_t i = 0; i < steps; i++) /* the end may have had redo steps of its own */
        fuzz_check(drafts_redo(&d, NULL), "redo %zu of %zu failed", i, steps);
    capture(&d, &after, false);
    fuzz_check(same(&end, &after), "redo of %zu steps is not the end:\n%s---\n%s", steps,
               strbuf_cstr(&end), strbuf_cstr(&after));
    strbuf_free(&end);
    strbuf_free(&start);
    strbuf_free(&before);
    strbuf_free(&after);
    strbuf_free(&label);
    drafts_free(&d);
    return 0;
}
