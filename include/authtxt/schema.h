/* The tag schema: what each tag of a tag=value record kind is (DMARC, the
 * DKIM key record, the DKIM-Signature), read from the X-macro tables
 * dmarc_tags.def, dkim_key_tags.def and dkim_sig_tags.def beside
 * rules.def.  The parsers' tag names, the explain help ids and the TUI's
 * generated DMARC and DKIM forms all come from these rows, so adding a tag
 * is one table row (plus its help entry).  SPF has terms, not tags: it has
 * no schema (schema_tags returns none).
 *
 * Everything here is static data: pointers returned stay valid for the
 * life of the program and are never freed.  Lookups are O(tags) (at most
 * 15 rows).
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_SCHEMA_H
#define AUTHTXT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/record.h"

/* What a tag's value is, i.e. which form widget edits it. */
enum schema_value {
    SCHEMA_VALUE_VERSION = 0, /* a fixed literal (choices[0]): v=DMARC1, v=DKIM1 */
    SCHEMA_VALUE_CHOICE,      /* one of choices[] (p, adkim, k, a) */
    SCHEMA_VALUE_FLAGS,       /* a ':'-separated set of choices[] (fo, rf, DKIM h, s, t) */
    SCHEMA_VALUE_URI_LIST,    /* a ','-separated list of URIs (rua, ruf): edited
                                 with drafts_uri_add / drafts_uri_remove */
    SCHEMA_VALUE_NUMBER,      /* a decimal integer in [min, max] (pct, ri, l, t, x) */
    SCHEMA_VALUE_TEXT,        /* free text with the kind's grammar (schema_check_value) */
    SCHEMA_VALUE_KEY,         /* base64 (DKIM p=, b=, bh=); p= is set by pasting
                                 (drafts_dkim_paste_key) */
};

/* Where the tag stands in the RFCs. */
enum schema_status {
    SCHEMA_STATUS_CURRENT = 0, /* in the current RFC (RFC 9989 for DMARC) */
    SCHEMA_STATUS_NEW,         /* new in RFC 9989 (np, t, psd): RFC 7489
                                  receivers ignore it */
    SCHEMA_STATUS_REMOVED,     /* removed by RFC 9989: RFC 7489 only (pct, rf, ri) */
    SCHEMA_STATUS_OBSOLETE,    /* obsolete for longer (DKIM g=, RFC 4871) */
};

/* One value of a CHOICE (or member of a FLAGS set), in display order. */
struct schema_choice {
    const char *value;   /* as written in the record: "quarantine", "*" */
    const char *label;   /* short text for a form: "quarantine: treat as suspicious" */
    const char *help_id; /* "dmarc.tag.p.quarantine" */
};

struct schema_tag {
    unsigned id;         /* enum dmarc_tag_id / dkim_key_tag_id / dkim_sig_tag_id */
    const char *name;    /* "adkim" */
    const char *label;   /* "DKIM alignment" */
    const char *help_id; /* "dmarc.tag.adkim" */
    enum schema_value value;
    const struct schema_choice *choices; /* nchoices entries (0: none) */
    size_t nchoices;
    unsigned long long min, max; /* NUMBER: inclusive range */
    const char *default_value;   /* what receivers assume when absent, as a
                                    value; NULL when none or when it depends
                                    on other tags (sp: the value of p) */
    const char *default_text;    /* the default in words, for display */
    enum schema_status status;
    const char *section; /* "RFC 9989 §4.7" */
    bool required;       /* the record is not valid without it */
    const char *group;   /* form group heading: "Policy", "Alignment",
                            "Reports", "Removed in RFC 9989" ...; rows of
                            one group are adjacent */
    unsigned order;      /* canonical record position for a new tag */
};

/* The rows of `kind` in display order (RECORD_DMARC, RECORD_DKIM_KEY,
 * RECORD_DKIM_SIG); NULL and *count 0 for any other kind. */
const struct schema_tag *schema_tags(enum record_kind kind, size_t *count);
/* The row of tag name[0..len) (ASCII case ignored for DMARC, whose tag
 * names are case-insensitive; exact for DKIM, RFC 6376 §3.2), or NULL for a
 * tag the schema does not know. */
const struct schema_tag *schema_find(enum record_kind kind, const char *name, size_t len);
/* The row of a tag by its enum id, or NULL (the UNKNOWN id, out of range). */
const struct schema_tag *schema_by_id(enum record_kind kind, unsigned id);
/* The choice of `tag` whose value is value[0..len) (case-insensitive for
 * DMARC), or NULL. */
const struct schema_choice *schema_find_choice(const struct schema_tag *tag, const char *value,
                                               size_t len);

/* Is value[0..len) acceptable for tag `name` of `kind`?  Routes to the
 * kind's own check (dmarc_check_value, dkim_key_check_value, the
 * signature's grammar), so the answer is the parser's.  Diagnostics saying
 * why (spans relative to value) go to diags, which may be NULL.  An
 * unknown tag name accepts any tag-value text; a kind without a schema
 * accepts nothing (false).  O(len). */
bool schema_check_value(enum record_kind kind, const char *name, const char *value, size_t len,
                        struct diag_list *diags);

/* "current", "new in RFC 9989", "removed by RFC 9989 (RFC 7489 only)",
 * "obsolete".  Static. */
const char *schema_status_name(enum schema_status status);

#endif
