/* The members of a FLAGS tag's value (DMARC fo and rf, DKIM h, s and t) as
 * a set of the schema's choices, and the value with one member ticked or
 * cleared: what a form's check boxes show and write.  Members the schema
 * does not list are kept as written, never dropped.  Pure, no allocation
 * beyond the caller's strbuf; O(len). */
#ifndef AUTHTXT_SCHEMA_FLAGS_H
#define AUTHTXT_SCHEMA_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/schema.h"
#include "authtxt/strbuf.h"

/* Bit k set when value[0..len) lists tag->choices[k] (k < 32); *other
 * (may be NULL) is set when it also lists something the schema does not
 * know.  Members are ':'-separated; blanks around them are ignored
 * (RFC 6376 §3.2 FWS, RFC 9989 §4.8). */
unsigned schema_flags_mask(const struct schema_tag *tag, const char *value, size_t len,
                           bool *other);
/* out = value with choices[k] listed (on) or not (off): the other members
 * stay in their order as written, a new member goes at the end.  out is
 * reset first; an empty out means no member is left. */
void schema_flags_with(const struct schema_tag *tag, const char *value, size_t len, size_t k,
                       bool on, struct strbuf *out);

#endif
