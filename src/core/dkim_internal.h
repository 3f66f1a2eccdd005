/* What the DKIM modules (dkim_common.c, dkim_key.c, dkim_sig.c,
 * dkim_pubkey.c) share and nothing else sees: the per-model work area,
 * the tag-list builder both record kinds use, ASCII and base64 helpers. */
#ifndef AUTHTXT_DKIM_INTERNAL_H
#define AUTHTXT_DKIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "authtxt/dkim.h"

/* Per-model scratch, allocated on the first parse and kept: the arena of
 * the model's strings, the tokenizer state, the duplicate-name table, the
 * text an edit is built in. */
struct dkim_work {
    struct arena arena;
    struct taglist tokens;
    uint32_t *names;  /* open-addressing table of tag indices + 1 */
    size_t names_cap; /* a power of two, or 0 */
    struct strbuf edit;
    /* The grammar diagnostics of the last edit's re-parse of `edit`
     * (dkim_key_edit_diags); edit_valid until the next parse. */
    struct diag_list edit_diags;
    bool edit_valid;
};

/* Allocate *w if it is NULL.  False when out of memory. */
bool dkim_work_ensure(struct dkim_work **w);
void dkim_work_free(struct dkim_work *w);

/* Byte classes for the hot loops (base64 of keys and signatures, value
 * normalization): one table lookup instead of a chain of compares. */
enum { DKIM_CC_B64 = 1, DKIM_CC_PAD = 2, DKIM_CC_FWS = 4 };
extern const unsigned char dkim_char_class[256];

/* ASCII only: protocol text never goes through <ctype.h>. */
static inline bool dkim_is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline bool dkim_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool dkim_is_wsp(unsigned char c) { return c == ' ' || c == '\t'; }
static inline bool dkim_is_fws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static inline unsigned char dkim_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* A printable excerpt of untrusted text for a message: at most 40 bytes,
 * anything outside printable ASCII shown as '?', "..." when cut.  Returns
 * buf (always NUL-terminated). */
#define DKIM_SNIPPET_MAX 48
const char *dkim_snippet(const char *s, size_t n, char buf[DKIM_SNIPPET_MAX]);

/* s[0..n) equals the NUL-terminated word, exactly / ignoring ASCII case. */
bool dkim_eq(const char *s, size_t n, const char *word);
bool dkim_eq_nocase(const char *s, size_t n, const char *word);

/* hyphenated-word = ALPHA [ *(ALPHA / DIGIT / "-") (ALPHA / DIGIT) ]
 * (RFC 6376 §2.10). */
bool dkim_is_hyphenated_word(const char *s, size_t n);

/* Where a value breaks its grammar: [start, end) relative to the value,
 * and a short static phrase for the message. */
struct dkim_value_error {
    size_t start, end;
    const char *what;
};

/* A colon-separated list, FWS allowed around the colons (RFC 6376 §3.6.1
 * key-h-tag and friends).  `item_ok` judges one item.  On the first bad or
 * empty item returns false with err set.  O(n). */
bool dkim_list_check(const char *v, size_t n, bool (*item_ok)(const char *, size_t),
                     const char *what, struct dkim_value_error *err);
/* Call fn for each item of a colon list (trimmed); stops when fn returns
 * false. */
void dkim_list_each(const char *v, size_t n, bool (*fn)(void *, const char *, size_t), void *arg);

/* Base64 (RFC 6376 §2.10 base64string, FWS anywhere): validate, count. */
struct dkim_b64 {
    size_t chars;                  /* alphabet characters */
    bool fws;                      /* whitespace seen (decoding must compact) */
    unsigned pad;                  /* '=' at the end */
    size_t decoded_len;            /* bytes it decodes to (when problem is NONE) */
    enum dkim_key_problem problem; /* NONE or one of the base64 problems */
    size_t bad_start, bad_end;     /* the offending character(s) */
    unsigned char bad_char;
};
void dkim_b64_scan(const char *s, size_t n, struct dkim_b64 *out);
/* The message for a base64 problem of tag `tag` ("p", "b", "bh"). */
void dkim_b64_message(const struct dkim_b64 *b, const char *tag, char *msg, size_t cap);
/* Decode a value dkim_b64_scan accepted (scan is its result) into out
 * (room for decoded_len + 2 bytes), with OpenSSL's EVP_DecodeBlock.
 * Returns the decoded length, or (size_t)-1 if OpenSSL refuses. */
size_t dkim_b64_decode(const char *s, size_t n, const struct dkim_b64 *scan, unsigned char *out);

/* How a tag's value is normalized for the model and the formatter. */
enum dkim_norm {
    DKIM_NORM_TEXT,   /* keep; a folded line break becomes one space */
    DKIM_NORM_LIST,   /* as TEXT, and no FWS around ':' separators */
    DKIM_NORM_NO_FWS, /* drop all FWS: base64, dkim-quoted-printable */
};

/* What differs between the two record kinds for the shared builder. */
struct dkim_kind {
    const char *const *names; /* tag names indexed by id, [unknown_id] unused */
    unsigned unknown_id;
    unsigned taglist_flags; /* TAGLIST_ALLOW_FOLDING for signatures */
    enum rule_id rule_syntax, rule_duplicate;
    const char *record_name; /* "key record", "DKIM-Signature" */
    enum dkim_norm (*norm)(unsigned id);
};

/* Tokenize text[offset..len) and fill tags/count/first[] of a model
 * (spans in text coordinates), report tokenizer problems as
 * kind->rule_syntax and repeated names as kind->rule_duplicate.  The arena
 * must have been reset.  O(len + tags).  False when out of memory. */
bool dkim_tags_build(const struct dkim_kind *kind, struct dkim_work *w, struct dkim_tag **tags,
                     size_t *count, size_t *cap, size_t *first, const char *text, size_t offset,
                     size_t len, struct diag_list *diags);

/* The shared parts of format / equal / terms. */
void dkim_tags_format(const struct dkim_tag *tags, size_t count, struct strbuf *out);
bool dkim_tags_equal(const struct dkim_tag *a, size_t na, const struct dkim_tag *b, size_t nb);
/* Append one record_term for tag t; false when out of memory. */
bool dkim_term_add(struct term_list *out, const struct dkim_tag *t, const char *id,
                   const char *value_id);

/* Classify decoded key bytes for key type `want` (dkim_pubkey.c). */
void dkim_key_classify(enum dkim_key_type want, const unsigned char *der, size_t n,
                       struct dkim_key_info *info);

#endif
