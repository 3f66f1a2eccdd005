/* Model checks shared by the two DKIM targets. */
#ifndef AUTHTXT_FUZZ_DKIM_COMMON_H
#define AUTHTXT_FUZZ_DKIM_COMMON_H

#include "fuzz_common.h"

#include "authtxt/dkim.h"

static inline void fuzz_check_dkim_tags(const struct dkim_tag *tags, size_t count,
                                        const size_t *first, size_t nfirst, size_t len)
{
    for (size_t i = 0; i < count; i++) {
        const struct dkim_tag *t = &tags[i];
        fuzz_check_span(t->whole.start, t->whole.end, len, "dkim tag");
        fuzz_check_span(t->name.start, t->name.end, len, "dkim name");
        fuzz_check_span(t->value.start, t->value.end, len, "dkim value");
        fuzz_check(t->name_text && t->value_text, "tag %zu: NULL text", i);
        fuzz_check(t->name_text[t->name_len] == '\0' && t->name_len <= len, "tag %zu: name_len %zu",
                   i, t->name_len);
        fuzz_check(t->value_text[t->value_len] == '\0' && t->value_len <= len,
                   "tag %zu: value_len %zu", i, t->value_len);
    }
    for (size_t k = 0; k < nfirst; k++)
        fuzz_check(first[k] == DKIM_NONE || first[k] < count, "first[%zu] = %zu", k, first[k]);
}

#endif
