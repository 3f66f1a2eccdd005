/* The edit operations on the drafts: each checks, applies one per-kind edit
 * call (dmarc_set_tag, dkim_key_set_tag, spf_term_insert ...) to the slot's
 * model, brings the slot's record up to date without parsing it again
 * (record_refresh), re-runs the cross lint, marks the slot COMPOSED and
 * records one undo step.  A refused edit leaves everything as it was. */
#include "drafts_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/spf.h"

static bool refuse(struct diag_list *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(struct diag_list *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(why, RULE_DRAFT_EDIT_REFUSED, 0, len, fmt, ap);
    va_end(ap);
    return false;
}

/* A tag name for a label or message: at most 16 bytes, printable ASCII. */
static const char *name_snip(const char *name, char buf[24])
{
    size_t i = 0;
    for (; name && name[i] && i < 16; i++)
        buf[i] = (name[i] > 0x20 && name[i] < 0x7f) ? name[i] : '?';
    buf[i] = '\0';
    if (name && name[i])
        strcpy(buf + i, "...");
    return buf;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Has the slot a model parsed from its current text? */
static bool model_ready(const struct record *r, enum draft_slot slot)
{
    if (r->len == 0 || blank(r->text, r->len))
        return false; /* an empty text is not parsed: the model may be stale */
    switch (slot) {
    case DRAFT_SPF:
        return r->spf != NULL;
    case DRAFT_DMARC:
        return r->dmarc != NULL;
    case DRAFT_DKIM:
        return r->dkim_key != NULL;
    case DRAFT_COUNT:
        break;
    }
    return false;
}

/* Length of the text the model was last parsed from. */
static size_t model_text_len(const struct record *r, enum draft_slot slot)
{
    switch (slot) {
    case DRAFT_SPF:
        return r->spf->text_len;
    case DRAFT_DMARC:
        return r->dmarc->text_len;
    case DRAFT_DKIM:
        return r->dkim_key->text_len;
    case DRAFT_COUNT:
        break;
    }
    return 0;
}

struct edit {
    struct drafts *d;
    enum draft_slot slot;
    struct record *r;
    struct drafts_snapshot before;
    bool from_minimal; /* the slot's record was replaced by the minimal one */
};

/* Snapshot the drafts and make sure the slot has a model to edit: an empty
 * (or blank) slot starts from its minimal record. */
static bool edit_begin(struct edit *e, struct drafts *d, enum draft_slot slot,
                       struct diag_list *why)
{
    e->d = d;
    e->slot = slot;
    e->r = &d->rec[slot];
    e->from_minimal = false;
    if (!drafts_snapshot_take(d, &e->before)) {
        if (why)
            why->oom = true;
        return false;
    }
    if (!model_ready(e->r, slot)) {
        const char *m = drafts_minimal_text(slot);
        if (!drafts_record_analyze(d, slot, m, strlen(m)) || !model_ready(e->r, slot)) {
            drafts_snapshot_restore(d, &e->before);
            drafts_snapshot_free(&e->before);
            if (why)
                why->oom = true;
            return false;
        }
        e->from_minimal = true;
    }
    return true;
}

/* Put the slot back as it was before the edit (a refused edit that started
 * from the minimal record, or one that grew the record too long). */
static void edit_restore(struct edit *e)
{
    const struct drafts_snapshot *b = &e->before;
    drafts_analyze_slot(e->d, e->slot, b->text[e->slot] ? b->text[e->slot] : "", b->len[e->slot]);
}

static bool edit_end(struct edit *e, bool ok, const char *label, struct diag_list *why)
{
    struct drafts *d = e->d;
    bool restore = e->from_minimal;
    if (ok && model_text_len(e->r, e->slot) > RECORD_MAX_LEN) {
        refuse(why, 0,
               "the record would be %zu bytes, longer than any DNS record can be (%u): the edit "
               "was not made",
               model_text_len(e->r, e->slot), (unsigned)DRAFTS_TEXT_MAX);
        ok = false;
        restore = true; /* the model did change */
    }
    if (!ok) {
        /* A refused per-kind call leaves its model unchanged: the slot
         * needs putting back only when the edit started from the minimal
         * record or grew the model too long. */
        if (restore)
            edit_restore(e);
        drafts_snapshot_free(&e->before);
        return false;
    }
    bool fresh = record_refresh(e->r, d->now);
    if (e->r->len == 0) /* the edit removed everything: no draft, as drafts_set_text("") */
        fresh = drafts_analyze_slot(d, e->slot, "", 0) && fresh;
    d->origin[e->slot] = DRAFT_ORIGIN_COMPOSED;
    drafts_relint(d);
    drafts_history_record(d, &e->before, label);
    return fresh && !d->cross.oom;
}

/* DKIM edit calls explain a refusal in a strbuf: turn it into a diagnostic. */
static bool dkim_why(bool ok, const struct strbuf *msg, struct diag_list *why, size_t len)
{
    if (!ok)
        diag_add(why, RULE_DKIM_BAD_VALUE, 0, len, "%s",
                 msg->len ? strbuf_cstr(msg) : "the DKIM key record refused the edit");
    return ok;
}

static bool tag_slot_ok(enum draft_slot slot, struct diag_list *why)
{
    if (slot == DRAFT_DMARC || slot == DRAFT_DKIM)
        return true;
    return refuse(why, 0, "the SPF draft has terms, not tags: edit it term by term");
}

bool drafts_tag_set(struct drafts *d, enum draft_slot slot, const char *tag, const char *value,
                    size_t len, struct diag_list *why)
{
    if (!tag_slot_ok(slot, why))
        return false;
    if (!tag || !tag[0])
        return refuse(why, 0, "no tag name given");
    if (!value)
        value = "", len = 0;
    struct edit e;
    if (!edit_begin(&e, d, slot, why))
        return false;
    bool ok;
    if (slot == DRAFT_DMARC) {
        ok = dmarc_set_tag(e.r->dmarc, tag, value, len, why);
    } else {
        struct strbuf msg;
        strbuf_init(&msg);
        ok = dkim_why(dkim_key_set_tag(e.r->dkim_key, tag, value, len, &msg), &msg, why, len);
        strbuf_free(&msg);
    }
    char label[DRAFTS_LABEL_MAX], snip[24];
    snprintf(label, sizeof label, "set %s", name_snip(tag, snip));
    return edit_end(&e, ok, label, why);
}

bool drafts_tag_remove(struct drafts *d, enum draft_slot slot, const char *tag,
                       struct diag_list *why)
{
    if (!tag_slot_ok(slot, why))
        return false;
    if (!tag || !tag[0])
        return refuse(why, 0, "no tag name given");
    struct edit e;
    if (!edit_begin(&e, d, slot, why))
        return false;
    bool ok;
    if (slot == DRAFT_DMARC) {
        ok = dmarc_remove_tag(e.r->dmarc, tag, why);
    } else {
        struct strbuf msg;
        strbuf_init(&msg);
        ok = dkim_why(dkim_key_remove_tag(e.r->dkim_key, tag, &msg), &msg, why, 0);
        strbuf_free(&msg);
    }
    char label[DRAFTS_LABEL_MAX], snip[24];
    snprintf(label, sizeof label, "remove %s", name_snip(tag, snip));
    return edit_end(&e, ok, label, why);
}

static bool name_is(const char *s, const char *word, bool any_case)
{
    size_t i = 0;
    for (; s[i] && word[i]; i++) {
        char c = s[i];
        if (any_case && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return s[i] == word[i];
}

bool drafts_tag_flag(struct drafts *d, enum draft_slot slot, const char *tag, char flag, bool on,
                     struct diag_list *why)
{
    if (!tag_slot_ok(slot, why))
        return false;
    char snip[24];
    bool fo = slot == DRAFT_DMARC && tag && name_is(tag, "fo", true);
    bool t = slot == DRAFT_DKIM && tag && name_is(tag, "t", false);
    if (!fo && !t)
        return refuse(why, 0, "%s= is not a tag of flags (those are DMARC fo= and DKIM t=)",
                      name_snip(tag, snip));
    struct edit e;
    if (!edit_begin(&e, d, slot, why))
        return false;
    bool ok;
    if (fo) {
        ok = dmarc_set_fo_flag(e.r->dmarc, flag, on, why);
    } else {
        struct strbuf msg;
        strbuf_init(&msg);
        ok = dkim_why(dkim_key_set_flag(e.r->dkim_key, flag, on, &msg), &msg, why, 0);
        strbuf_free(&msg);
    }
    char label[DRAFTS_LABEL_MAX];
    char shown = flag > 0x20 && flag < 0x7f ? flag : '?';
    snprintf(label, sizeof label, "%s %s=%c", on ? "set" : "clear", fo ? "fo" : "t", shown);
    return edit_end(&e, ok, label, why);
}

bool drafts_uri_add(struct drafts *d, const char *list, const char *uri, size_t len,
                    struct diag_list *why)
{
    char snip[24];
    if (!list || (!name_is(list, "rua", true) && !name_is(list, "ruf", true)))
        return refuse(why, 0, "'%s' is no report address list: rua or ruf", name_snip(list, snip));
    if (!uri)
        uri = "", len = 0;
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_DMARC, why))
        return false;
    bool ok = dmarc_add_uri(e.r->dmarc, list, uri, len, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "add %s address", name_snip(list, snip));
    return edit_end(&e, ok, label, why);
}

bool drafts_uri_remove(struct drafts *d, const char *list, size_t index, struct diag_list *why)
{
    char snip[24];
    if (!list || (!name_is(list, "rua", true) && !name_is(list, "ruf", true)))
        return refuse(why, 0, "'%s' is no report address list: rua or ruf", name_snip(list, snip));
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_DMARC, why))
        return false;
    bool ok = dmarc_remove_uri(e.r->dmarc, list, index, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "remove %s address %zu", name_snip(list, snip), index + 1);
    return edit_end(&e, ok, label, why);
}

bool drafts_dkim_paste_key(struct drafts *d, const char *text, size_t len,
                           struct dkim_paste *report, struct diag_list *why)
{
    if (!text)
        text = "", len = 0;
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_DKIM, why))
        return false;
    struct strbuf msg;
    strbuf_init(&msg);
    bool ok =
        dkim_why(dkim_key_set_p_from_paste(e.r->dkim_key, text, len, report, &msg), &msg, why, len);
    strbuf_free(&msg);
    return edit_end(&e, ok, "paste DKIM key", why);
}

bool drafts_spf_insert(struct drafts *d, size_t at, enum spf_term_kind kind, enum spf_qualifier q,
                       const char *value, size_t len, struct diag_list *why)
{
    if (!value)
        value = "", len = 0;
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_term_insert(e.r->spf, at, kind, q, value, len, why);
    char label[DRAFTS_LABEL_MAX];
    const char *name = (unsigned)kind < SPF_TERM_KIND_COUNT ? spf_kind_name(kind) : "";
    snprintf(label, sizeof label, "insert %s", name[0] ? name : "term");
    return edit_end(&e, ok, label, why);
}

bool drafts_spf_remove(struct drafts *d, size_t index, struct diag_list *why)
{
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_term_remove(e.r->spf, index, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "delete term %zu", index);
    return edit_end(&e, ok, label, why);
}

bool drafts_spf_move(struct drafts *d, size_t index, bool up, struct diag_list *why)
{
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_term_move(e.r->spf, index, up, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "move term %zu %s", index, up ? "up" : "down");
    return edit_end(&e, ok, label, why);
}

bool drafts_spf_qualify(struct drafts *d, size_t index, enum spf_qualifier q, struct diag_list *why)
{
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_term_set_qualifier(e.r->spf, index, q, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "requalify term %zu", index);
    return edit_end(&e, ok, label, why);
}

bool drafts_spf_set_value(struct drafts *d, size_t index, const char *value, size_t len,
                          struct diag_list *why)
{
    if (!value)
        value = "", len = 0;
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_term_set_value(e.r->spf, index, value, len, why);
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "edit term %zu", index);
    return edit_end(&e, ok, label, why);
}

bool drafts_spf_set_version(struct drafts *d, struct diag_list *why)
{
    struct edit e;
    if (!edit_begin(&e, d, DRAFT_SPF, why))
        return false;
    bool ok = spf_set_version(e.r->spf, why);
    return edit_end(&e, ok, "fix version", why);
}
