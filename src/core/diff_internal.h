/* What the diff modules (diff.c, diff_spf.c, diff_tags.c) share: adding a
 * change with its spans and sentence, ordering changes, string copies. */
#ifndef AUTHTXT_DIFF_INTERNAL_H
#define AUTHTXT_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diff.h"
#include "authtxt/strbuf.h"

/* A NUL-terminated copy of s[0..n), or NULL (d->oom set). */
char *diff_strndup(struct diff_result *d, const char *s, size_t n);

/* Append a change: spans and texts are copied from term bi of before and
 * term ai of after (DIFF_NONE: that side is absent).  The sentence is the
 * contents of `sentence` (may be NULL: none).  Returns the change, or NULL
 * when out of memory or past DIFF_MAX_CHANGES (d->oom / d->truncated). */
struct diff_change *diff_add_change(struct diff_result *d, enum diff_kind kind, const char *id,
                                    const struct record *before, size_t bi,
                                    const struct record *after, size_t ai, bool effect,
                                    const struct strbuf *sentence);

/* Sort d->changes[first..count) by keys[0..count-first) (stable). */
bool diff_sort_changes(struct diff_result *d, size_t first, const size_t *keys);

/* The kind-specific term diffs (records of that kind; either may be NULL). */
bool diff_spf_terms(const struct record *before, const struct record *after, struct diff_result *d);
bool diff_dmarc_tags(const struct record *before, const struct record *after,
                     struct diff_result *d);
bool diff_dkim_tags(const struct record *before, const struct record *after, struct diff_result *d);

/* ASCII case-insensitive equality of two byte strings. */
bool diff_eq_nocase(const char *a, size_t an, const char *b, size_t bn);

#endif
