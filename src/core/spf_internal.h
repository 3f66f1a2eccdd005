/* What the SPF modules (spf_parse.c, spf_lint.c, spf_format.c, spf_edit.c,
 * spf_tree.c) share and nothing else sees: the per-model work area, the
 * single-term parser the editing calls reuse, ASCII helpers. */
#ifndef AUTHTXT_SPF_INTERNAL_H
#define AUTHTXT_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "authtxt/spf.h"

/* Per-model scratch, allocated on the first parse and kept: the arena of
 * the model's strings, the duplicate-target table and the text an edit is
 * built in. */
struct spf_work {
    struct arena arena;
    uint32_t *table;  /* open addressing: term index + 1, 0 = empty */
    size_t table_cap; /* a power of two, or 0 */
    struct strbuf edit;
    /* The grammar diagnostics of the last edit's re-parse of `edit`
     * (spf_edit_diags); edit_valid until the next parse. */
    struct diag_list edit_diags;
    bool edit_valid;
};

/* ASCII only: protocol text never goes through <ctype.h>. */
static inline bool spf_is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline bool spf_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool spf_is_alnum(unsigned char c) { return spf_is_alpha(c) || spf_is_digit(c); }
static inline unsigned char spf_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}
/* Byte i of the netmask of a /len prefix. */
static inline unsigned char spf_mask_byte(int len, int i)
{
    int bits = len - i * 8;
    return bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
}

/* Bytes that end a term besides the space: controls (RFC 7208 §4.6.1 allows
 * only SP between terms; the parser reports them and splits there). */
static inline bool spf_is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }

/* s[0..n) equals the NUL-terminated lower-case word, ignoring ASCII case. */
bool spf_eq_nocase(const char *s, size_t n, const char *word);

/* A printable excerpt of untrusted text for a message: at most 40 bytes,
 * anything outside printable ASCII shown as '?', "..." when cut.  Returns
 * buf (always NUL-terminated). */
#define SPF_SNIPPET_MAX 48
const char *spf_snippet(const char *s, size_t n, char buf[SPF_SNIPPET_MAX]);

/* The mechanism or modifier kind a name spells (ignoring case), or
 * SPF_TERM_KIND_COUNT when it is none. */
enum spf_term_kind spf_mechanism_by_name(const char *s, size_t n);

/* Optimal string alignment distance between s[0..n) (ASCII case folded)
 * and the lower-case word; 99 for names over 16 bytes.  O(16 x 16). */
unsigned spf_name_distance(const char *s, size_t n, const char *word);

/* Parse one term text[start..end) (no spaces inside) into *t: kind,
 * qualifier, spans (absolute offsets into text), CIDR lengths, address,
 * flags.  Strings are allocated from `arena`; with arena NULL the string
 * fields are left NULL (a check only).  Grammar diagnostics go to diags
 * (may be NULL).  Returns false only when out of memory. */
bool spf_term_parse(const char *text, size_t start, size_t end, struct arena *arena,
                    struct spf_term *t, struct diag_list *diags);

/* The same, then the diagnostics a record parse gives for the term: a term
 * with non-ASCII bytes (the caller says whether there are any, and reports
 * them) is only flagged, two terms
 * run together get spf-missing-space, a bad term its grammar diagnostics. */
bool spf_term_parse_explained(const char *text, size_t start, size_t end, bool non_ascii,
                              struct arena *arena, struct spf_term *t, struct diag_list *diags);
/* Report each run of bytes >= 0x80 in text[s..e) as spf-non-ascii. */
void spf_report_non_ascii(const char *text, size_t s, size_t e, struct diag_list *diags);

/* Write the text of one term: qualifier, name in canonical case, value. */
void spf_term_write(const struct spf_term *t, struct strbuf *out);

/* IPv4 / IPv6 text of an address (for messages and descriptions). */
void spf_ip4_text(const unsigned char a[4], char buf[16]);
void spf_ip6_text(const unsigned char a[16], char buf[46]);

#endif
