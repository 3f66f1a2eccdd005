/* Making untrusted text safe to show on a terminal.
 *
 * Records and names come from DNS and files: they can hold ESC and other
 * control characters, invalid UTF-8 and bidi overrides.  None of it may
 * reach a terminal raw.  safetext_escape writes a printable rendering
 * (\x1b, \t, \u{202e}) that the TUI and the CLI both show; it also maps each
 * input byte to the display column of its rendering, so a caret or an
 * underline still points at the right place. */
#ifndef AUTHTXT_SAFETEXT_H
#define AUTHTXT_SAFETEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/strbuf.h"

/* Length of the valid UTF-8 character at s[0..n) (1-4), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, truncated...). */
size_t safetext_utf8_char(const char *s, size_t n);

/* Does text[0..len) need escaping (any control, invalid UTF-8, bidi)? */
bool safetext_needs_escape(const char *text, size_t len);

/* Append the safe rendering of text[0..len) to out.  When columns is not
 * NULL it must have room for len + 1 entries: columns[i] is the display
 * column (from 0) where byte i's rendering starts, columns[len] the total
 * width.  Wide (East Asian) characters count 2 columns.  Returns the number
 * of characters that had to be escaped.  O(len). */
size_t safetext_escape(const char *text, size_t len, struct strbuf *out, size_t *columns);

#endif
