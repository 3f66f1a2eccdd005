/* The kind-independent view of a parsed record: one entry per term (SPF
 * mechanism or modifier, DKIM/DMARC tag), in the order written, with spans
 * and the help ids that explain it.  Front ends use this view to underline,
 * list and explain terms without knowing any record grammar. */
#ifndef AUTHTXT_TERM_H
#define AUTHTXT_TERM_H

#include <stdbool.h>
#include <stddef.h>

struct record_term {
    size_t start, end;             /* the whole term, e.g. "~all", "p=reject" */
    size_t name_start, name_end;   /* "all", "p"; for SPF without qualifier */
    size_t value_start, value_end; /* "reject"; empty (start == end) if none */
    const char *id;                /* help id: "spf.mech.include", "dmarc.tag.p";
                                      never NULL ("spf.unknown" and the like) */
    const char *value_id;          /* help id of the enumerated value or
                                      qualifier: "dmarc.tag.p.reject",
                                      "spf.qualifier.softfail"; NULL if none */
    int lookups;                   /* SPF: DNS lookups this term costs, else 0 */
};

struct term_list {
    struct record_term *items;
    size_t count, cap;
    bool oom;
};

void term_list_init(struct term_list *list);
void term_list_reset(struct term_list *list);
void term_list_free(struct term_list *list);
/* Append a zeroed term and return it, or NULL when out of memory. */
struct record_term *term_list_add(struct term_list *list);

#endif
