/* drafts_term_remove: take one term out of a draft by its place, for the
 * terms no tag name designates alone (unknown, repeated, nameless).  The
 * core's own term spans say where the term is; the result is one undoable
 * replacement of the text. */
#include <stdio.h>

#include "authtxt/drafts.h"

static bool is_wsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool drafts_term_remove(struct drafts *d, enum draft_slot slot, size_t index,
                        struct diag_list *why)
{
    if (slot == DRAFT_SPF)
        return drafts_spf_remove(d, index, why);
    if ((unsigned)slot >= DRAFT_COUNT)
        return false;
    const struct record *r = &d->rec[slot];
    if (index >= r->terms.count || !r->text) {
        if (why)
            diag_add(why, RULE_DRAFT_EDIT_REFUSED, 0, 0, "no term %zu in the record", index);
        return false;
    }
    const struct record_term *t = &r->terms.items[index];
    size_t s = t->start, e = t->end, len = r->len;
    if (s > e || e > len)
        return false;
    /* RFC 6376 §3.2 / RFC 9989 §4.8 tag-list: tag-specs separated by ';'
     * with optional white space around it. */
    while (e < len && is_wsp(r->text[e]))
        e++;
    if (e < len && r->text[e] == ';') {
        e++;
        while (e < len && is_wsp(r->text[e]))
            e++;
    } else {
        while (s > 0 && is_wsp(r->text[s - 1]))
            s--;
        if (s > 0 && r->text[s - 1] == ';')
            s--;
    }
    struct strbuf out = STRBUF_INIT;
    strbuf_append(&out, r->text, s);
    strbuf_append(&out, r->text + e, len - e);
    char label[48];
    snprintf(label, sizeof label, "remove term %zu", index);
    bool ok = drafts_replace(d, slot, strbuf_cstr(&out), out.len, DRAFT_ORIGIN_COMPOSED, label);
    strbuf_free(&out);
    return ok;
}
