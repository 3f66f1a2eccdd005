/* A bump allocator for the strings of one parsed record.
 *
 * A model (spf_record, dmarc_record, ...) keeps its strings here; reset
 * frees them all at once and keeps the first block, so re-parsing on every
 * keystroke allocates nothing once warm.  Internal to src/core. */
#ifndef AUTHTXT_ARENA_H
#define AUTHTXT_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* newest block first */
};

void arena_init(struct arena *a);
/* Forget every allocation; keep the largest block for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);
/* n bytes aligned for any type, or NULL when out of memory.  Valid until
 * the next reset or free. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

#endif
