/* What the DMARC sources (dmarc_parse.c, dmarc_value.c, dmarc_uri.c,
 * dmarc_lint.c, dmarc_policy.c, dmarc_edit.c, dmarc_discovery.c) share and
 * nothing else sees: the per-model work area, the tag table, ASCII and
 * message helpers, the value and URI checkers. */
#ifndef AUTHTXT_DMARC_INTERNAL_H
#define AUTHTXT_DMARC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "authtxt/dmarc.h"

/* Per-model scratch, allocated on the first parse and kept: the arena of
 * the model's strings, the tokenizer, the table that finds repeated
 * unknown tag names in linear time, and the text an edit is built in. */
struct dmarc_work {
    struct arena arena;
    struct taglist tokens;
    uint32_t *names;  /* open addressing: tag index + 1, 0 = empty */
    size_t names_cap; /* a power of two, or 0 */
    struct strbuf edit;
    /* The grammar diagnostics of the last edit's re-parse of `edit`
     * (dmarc_edit_diags); edit_valid until the next parse. */
    struct diag_list edit_diags;
    bool edit_valid;
};

bool dmarc_work_ensure(struct dmarc_work **w);
void dmarc_work_free(struct dmarc_work *w);

/* ASCII only: protocol text never goes through <ctype.h>. */
static inline bool dmarc_is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static inline bool dmarc_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool dmarc_is_wsp(unsigned char c) { return c == ' ' || c == '\t'; }
static inline unsigned char dmarc_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}
static inline bool dmarc_is_hex(unsigned char c)
{
    return dmarc_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* s[0..n) equals the NUL-terminated word ignoring ASCII case / exactly. */
bool dmarc_eq_nocase(const char *s, size_t n, const char *word);
bool dmarc_eq(const char *s, size_t n, const char *word);
/* Has s[0..n) an ASCII upper-case letter? */
bool dmarc_has_upper(const char *s, size_t n);

/* The tag table, indexed by enum dmarc_tag_id ([UNKNOWN] has the unknown
 * help id and no name). */
struct dmarc_tag_info {
    const char *name;    /* "adkim" */
    const char *help_id; /* "dmarc.tag.adkim" */
    unsigned rank;       /* canonical position for a new tag (dmarc_set_tag) */
};
extern const struct dmarc_tag_info dmarc_tag_table[DMARC_TAG_COUNT];
/* The id of tag name s[0..n) in any case; DMARC_TAG_UNKNOWN if none. */
enum dmarc_tag_id dmarc_tag_lookup(const char *s, size_t n);
/* Optimal string alignment distance between a[0..n) and b[0..m) (edits
 * and swaps of neighbours), ASCII case ignored; (size_t)-1 when either is
 * longer than 16 bytes (no typo of a short keyword is that long). */
size_t dmarc_typo_distance(const char *a, size_t n, const char *b, size_t m);
/* The known tag name closest to an unknown s[0..n) (a typo), or NULL. */
const char *dmarc_tag_suggest(const char *s, size_t n);

/* A printable excerpt of untrusted text for a message: at most 40 bytes,
 * anything outside printable ASCII shown as '?', "..." when cut. */
#define DMARC_SNIPPET_MAX 48
const char *dmarc_snippet(const char *s, size_t n, char buf[DMARC_SNIPPET_MAX]);
/* Name the character starting at s[0] (n >= 1 bytes available) in words:
 * "a no-break space (U+00A0)", "a space", "control character 0x07",
 * "byte 0xC3 (not UTF-8)".  Returns how many bytes it spans. */
#define DMARC_CHARNAME_MAX 64
size_t dmarc_char_name(const char *s, size_t n, char buf[DMARC_CHARNAME_MAX]);
/* The first byte of s[0..n) outside printable ASCII and WSP, or n. */
size_t dmarc_first_odd_byte(const char *s, size_t n);

/* Check a host name: LDH labels (and '_' when underscore) of 1-63 bytes,
 * no '-' at either end of a label, at most 253 bytes, a top-level label
 * not all digits, a trailing dot allowed when trailing_dot.  On failure
 * writes a short phrase to *why (static) and the offending offset to *at;
 * *labels (may be NULL) gets the label count. */
bool dmarc_hostname_check(const char *s, size_t n, bool trailing_dot, bool underscore,
                          size_t *labels, const char **why, size_t *at);
/* Normalize a domain for discovery: lower case, no trailing dot, checked
 * as above (underscores allowed: some hosts have them).  False if bad. */
bool dmarc_domain_normalize(const char *s, size_t n, char out[DMARC_NAME_MAX + 1], size_t *labels);

/* Parse tag t's value (t->value span in text) by the grammar of t->id:
 * set t->valid, t->value_text (canonical, in the arena), t->odd_case and,
 * when set_typed, the record's typed field; rua/ruf entries are appended
 * to r->uris.  Grammar diagnostics go to diags.  False when out of memory.
 * Used by the parser and, on a one-tag scratch record, by
 * dmarc_check_value. */
bool dmarc_value_parse(struct dmarc_record *r, size_t tag_index, const char *text, bool set_typed,
                       struct diag_list *diags);

/* Split the rua/ruf list in text[v.start, v.end) of tag `tag_index` into
 * entries appended to r->uris, check each (dmarc-bad-uri) and return the
 * canonical list text (entries joined by ',') in *canon, or false when out
 * of memory.  *all_valid tells whether every entry is a valid URI. */
bool dmarc_uri_list_parse(struct dmarc_record *r, size_t tag_index, const char *text, struct span v,
                          struct diag_list *diags, const char **canon, size_t *canon_len,
                          bool *all_valid);

/* The ranking of policies for "weaker than" and "one level less". */
enum dmarc_policy dmarc_policy_one_less(enum dmarc_policy p);

#endif
