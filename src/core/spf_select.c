/* The one test of whether a text is an SPF record, for every caller: the
 * include tree and the live fetch (RFC 7208 §4.5 record selection), the
 * record-kind detection of pasted text and the zone reader's kinds (which
 * also take what is meant as SPF but is written wrong, so that it is linted
 * rather than ignored). */
#include "authtxt/spf.h"

#include <stddef.h>

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

enum spf_text spf_text_classify(const char *text, size_t len)
{
    static const char version[] = "v=spf1";
    if (len < sizeof version - 1)
        return SPF_TEXT_NOT_SPF;
    for (size_t i = 0; i < sizeof version - 1; i++)
        if (lower(text[i]) != version[i]) /* any case: RFC 7208 §12 */
            return SPF_TEXT_NOT_SPF;
    /* RFC 7208 §4.5: "v=spf1" followed by a space or the end; "v=spf10" or
     * "v=spf1mx" are not version 1 records. */
    return len == sizeof version - 1 || text[sizeof version - 1] == ' ' ? SPF_TEXT_RECORD
                                                                        : SPF_TEXT_NEAR;
}
