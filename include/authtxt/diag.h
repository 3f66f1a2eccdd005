/* Diagnostics: what the parsers and lint rules say about a record.
 *
 * A diagnostic names a rule of the catalog (rules.def), carries a severity,
 * a byte span in the record text it is about and a message that says what is
 * wrong and what to do instead.  Lists are caller-owned and reusable: reset
 * one and parse again without freeing (no allocation once warm).
 *
 * NULL lists.  diag_add, diag_addv, diag_list_append (either side),
 * diag_list_reset, _free, _sort, _has, _count_rule and _max_severity accept
 * a NULL list: adding to it does nothing, reading it finds nothing.  So
 * every core call that takes a list accepts NULL ("do not tell me"). */
#ifndef AUTHTXT_DIAG_H
#define AUTHTXT_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum diag_severity { DIAG_INFO = 0, DIAG_WARNING = 1, DIAG_ERROR = 2 };

enum rule_id {
#define RULE(id, code, sev, ref, summary) RULE_##id,
#include "authtxt/rules.def"
#undef RULE
    RULE_COUNT
};

struct lint_rule {
    enum rule_id id;
    const char *code;              /* "spf-plus-all": stable, public */
    enum diag_severity severity;   /* default severity */
    const char *ref;               /* "RFC 7208 §5.1", or "" */
    const char *summary;           /* when the rule fires, one line */
};

/* The rule table: index by enum rule_id.  Static data, never NULL. */
const struct lint_rule *rule_get(enum rule_id id);
/* Look a rule up by its code; NULL when there is none.  O(log n). */
const struct lint_rule *rule_find(const char *code);
const char *diag_severity_name(enum diag_severity sev); /* "error" ... */

#define DIAG_MESSAGE_MAX 240
/* A list keeps at most this many diagnostics; further ones are counted in
 * `dropped` so hostile input cannot make lint output unbounded. */
#define DIAG_LIST_MAX 512

struct diag {
    enum rule_id rule;
    enum diag_severity severity;
    size_t start, end; /* byte span in the text the diagnostic is about */
    char message[DIAG_MESSAGE_MAX];
};

struct diag_list {
    struct diag *items;
    size_t count, cap;
    size_t dropped; /* diagnostics not kept because of DIAG_LIST_MAX */
    bool oom;       /* an allocation failed: the list is incomplete */
};

void diag_list_init(struct diag_list *list);
void diag_list_reset(struct diag_list *list); /* count = 0, keeps memory */
void diag_list_free(struct diag_list *list);

/* Append a diagnostic with the rule's default severity.  The message is a
 * printf format.  Never fails loudly: on overflow or OOM it sets the list's
 * flags and returns NULL.  A NULL list drops the diagnostic (returns NULL),
 * so parsers may be called for their model alone. */
struct diag *diag_add(struct diag_list *list, enum rule_id rule, size_t start, size_t end,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
struct diag *diag_addv(struct diag_list *list, enum rule_id rule, size_t start, size_t end,
                       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Append all of `from` to `to`, shifting spans by `offset` (used when a
 * record is linted inside a larger text, such as a zone file). */
void diag_list_append(struct diag_list *to, const struct diag_list *from, size_t offset);

bool diag_list_has(const struct diag_list *list, enum rule_id rule);
size_t diag_list_count_rule(const struct diag_list *list, enum rule_id rule);
/* The highest severity present, or -1 when the list is empty. */
int diag_list_max_severity(const struct diag_list *list);
/* Stable order for display: by start offset, then severity (errors first). */
void diag_list_sort(struct diag_list *list);

#endif
