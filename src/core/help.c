/* Lookup in the explanation table that help/helpgen.c generates from
 * the help/ sources (sorted by id at build time). */
#include "authtxt/help.h"

#include <stdlib.h>
#include <string.h>

extern const struct help_entry help_entries[];
extern const size_t help_entries_count;

static int compare_id(const void *key, const void *member)
{
    return strcmp(key, ((const struct help_entry *)member)->id);
}

const struct help_entry *help_find(const char *id)
{
    if (!id)
        return NULL;
    return bsearch(id, help_entries, help_entries_count, sizeof help_entries[0], compare_id);
}

size_t help_count(void) { return help_entries_count; }

const struct help_entry *help_at(size_t index)
{
    return index < help_entries_count ? &help_entries[index] : NULL;
}
