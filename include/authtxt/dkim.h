/* DKIM: the key record published at <selector>._domainkey.<domain>
 * (RFC 6376 §3.6.1, RFC 8301, RFC 8463) and the DKIM-Signature header field
 * (RFC 6376 §3.5): parsers, lint, formatters, the term view, key decoding
 * (OpenSSL libcrypto: key type and size) and the editing calls the TUI's
 * DKIM tab uses.
 *
 * Models are caller-allocated and reusable: X_record_init once, then parse
 * as often as needed (memory is kept, so a warm re-parse allocates nothing),
 * X_record_free at the end.  Every string a model holds lives in the model
 * and stays valid until the next parse, edit or free of that model; spans
 * are byte offsets into the text last parsed.
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *` or
 * a `struct strbuf *why` accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_DKIM_H
#define AUTHTXT_DKIM_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/strbuf.h"
#include "authtxt/taglist.h"
#include "authtxt/term.h"

#define DKIM_NONE ((size_t)-1) /* "no such tag" in the first[] tables */

/* Largest decoded p= the key decoder looks at: an RSA-16384 SPKI is about
 * 2 KiB, so 8 KiB is far above any real key and bounds the work. */
#define DKIM_KEY_DER_MAX 8192

/* ---------------------------------------------------------------------- */
/* Public keys: what a p= value holds.                                    */

/* Key types: the k= of a key record and what p= actually decodes to. */
enum dkim_key_type {
    DKIM_KEY_NONE = 0, /* nothing (no p=, revoked, undecodable) */
    DKIM_KEY_RSA,      /* k=rsa, the default */
    DKIM_KEY_ED25519,  /* k=ed25519, RFC 8463 */
    DKIM_KEY_EC,       /* id-ecPublicKey: not a DKIM key type */
    DKIM_KEY_ED448,    /* not a DKIM key type */
    DKIM_KEY_OTHER,    /* any other k= or algorithm */
};

/* "rsa", "ed25519", "EC", "Ed448", "other", "none": k= spelling for the
 * two DKIM types.  Static strings. */
const char *dkim_key_type_name(enum dkim_key_type type);

enum dkim_key_status {
    DKIM_KEY_STATUS_ABSENT = 0, /* no p= tag */
    DKIM_KEY_STATUS_REVOKED,    /* p= empty (RFC 6376 §3.6.1) */
    DKIM_KEY_STATUS_BAD_BASE64, /* p= is not base64 */
    DKIM_KEY_STATUS_BAD_KEY,    /* base64, but not a key of type k= */
    DKIM_KEY_STATUS_UNCHECKED,  /* k= names a type this program cannot check */
    DKIM_KEY_STATUS_OK,         /* a public key of type k= */
};

/* How the key bytes are wrapped. */
enum dkim_key_form {
    DKIM_KEY_FORM_NONE = 0,
    DKIM_KEY_FORM_SPKI,  /* X.509 SubjectPublicKeyInfo: what RSA keys use */
    DKIM_KEY_FORM_PKCS1, /* bare PKCS#1 RSAPublicKey: many verifiers reject it */
    DKIM_KEY_FORM_RAW,   /* raw key bytes: what Ed25519 keys use (RFC 8463 §4.2) */
};

/* Why p= is not usable (status BAD_BASE64 or BAD_KEY). */
enum dkim_key_problem {
    DKIM_KEY_PROBLEM_NONE = 0,
    DKIM_KEY_PROBLEM_BAD_CHAR,      /* a byte outside the base64 alphabet */
    DKIM_KEY_PROBLEM_MISPLACED_PAD, /* '=' followed by more base64 */
    DKIM_KEY_PROBLEM_TOO_MUCH_PAD,  /* a third '=' */
    DKIM_KEY_PROBLEM_BAD_LENGTH,    /* not a multiple of 4 characters */
    DKIM_KEY_PROBLEM_TOO_LARGE,     /* decodes to more than DKIM_KEY_DER_MAX */
    DKIM_KEY_PROBLEM_NOT_DER,       /* the bytes are not a DER key structure */
    DKIM_KEY_PROBLEM_TRAILING,      /* a key followed by extra bytes */
    DKIM_KEY_PROBLEM_WRONG_TYPE,    /* a key of another type than k= */
    DKIM_KEY_PROBLEM_PKCS1,         /* RSA key as bare PKCS#1, not SPKI */
    DKIM_KEY_PROBLEM_BAD_RSA,       /* not two minimal INTEGERs, or an even modulus... */
    DKIM_KEY_PROBLEM_ED25519_SPKI,  /* Ed25519 key wrapped in SPKI (44 bytes) */
    DKIM_KEY_PROBLEM_ED25519_LEN,   /* k=ed25519 but not 32 bytes */
    DKIM_KEY_PROBLEM_PRIVATE,       /* a PRIVATE key: never publish one */
};

/* Facts about one p= value.  Offsets are relative to the p= text given to
 * dkim_key_decode (the key record shifts them into record offsets). */
struct dkim_key_info {
    enum dkim_key_status status;
    enum dkim_key_problem problem;
    enum dkim_key_type type; /* what the bytes are (may differ from k=) */
    enum dkim_key_form form;
    unsigned bits;             /* key size when known, else 0 */
    size_t chars;              /* base64 characters, whitespace excluded */
    size_t decoded_len;        /* bytes after base64 decoding */
    size_t bad_start, bad_end; /* BAD_BASE64: the offending character(s) */
    unsigned char bad_char;    /* BAD_CHAR: the first byte of it */
};

/* Decode and classify p=: validate base64 (FWS allowed, RFC 6376 §2.10),
 * decode it (OpenSSL EVP_DecodeBlock), and for k=rsa parse the
 * SubjectPublicKeyInfo (own DER walk + d2i_PublicKey, see dkim_pubkey.c for
 * why not d2i_PUBKEY), for k=ed25519 load the 32 raw bytes
 * (EVP_PKEY_new_raw_public_key).  `type` is the k= of the record; pass
 * DKIM_KEY_OTHER to only check the base64.  Pure: no allocation, no state
 * (about 9 KiB of stack); the OpenSSL error queue is left as found.
 * Cost, base64 included: about 0.8 us per RSA-1024 key, 1.0 us per
 * RSA-2048, 2.4 us per Ed25519 key (1.1 us inside dkim_key_parse, whose
 * model keeps an OpenSSL context for it). */
void dkim_key_decode(enum dkim_key_type type, const char *p, size_t len, struct dkim_key_info *out);

/* ---------------------------------------------------------------------- */
/* Pasting a key: PEM armor, line breaks, zone-file quotes -> bare base64. */

enum dkim_paste_status {
    DKIM_PASTE_OK = 0,       /* a public key DKIM can use; `out` holds it */
    DKIM_PASTE_UNRECOGNIZED, /* valid base64 that is no key we know; `out`
                                holds it anyway (lint will say why) */
    DKIM_PASTE_EMPTY,        /* nothing but whitespace, quotes, armor */
    DKIM_PASTE_BAD_BASE64,   /* characters that are not base64 */
    DKIM_PASTE_PRIVATE_KEY,  /* a private key: refused, nothing written */
    DKIM_PASTE_NOT_A_KEY,    /* PEM of another kind (CSR, parameters...) */
};

/* What the paste helper removed or converted (flags of dkim_paste.did). */
enum dkim_paste_action {
    DKIM_PASTE_ARMOR = 1 << 0,       /* -----BEGIN/END ...----- lines */
    DKIM_PASTE_WHITESPACE = 1 << 1,  /* line breaks, spaces, tabs */
    DKIM_PASTE_QUOTES = 1 << 2,      /* zone-file "..." strings joined */
    DKIM_PASTE_TAGS = 1 << 3,        /* a whole record pasted: took its p= */
    DKIM_PASTE_FROM_PKCS1 = 1 << 4,  /* PKCS#1 RSAPublicKey wrapped as SPKI */
    DKIM_PASTE_FROM_CERT = 1 << 5,   /* public key taken out of a certificate */
    DKIM_PASTE_ED25519_RAW = 1 << 6, /* Ed25519 SPKI unwrapped to its 32 bytes */
};

struct dkim_paste {
    enum dkim_paste_status status;
    unsigned did;            /* enum dkim_paste_action flags */
    enum dkim_key_type type; /* the key's type, when recognized */
    unsigned bits;           /* its size, when recognized */
    size_t line_breaks;      /* counts of what was stripped */
    size_t blanks;           /* spaces and tabs */
    size_t quotes;           /* '"' characters */
    unsigned char bad_char;  /* BAD_BASE64: the first offending byte */
    size_t bad_offset;       /* BAD_BASE64: its offset in the pasted text */
};

/* Turn pasted text into the base64 of a DKIM p= value, appended to out.
 * Accepts a bare base64 key (spaces, line breaks anywhere), PEM armor
 * ("PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"), zone-file strings
 * ("v=DKIM1; k=rsa; " "p=MIIB..."), a whole key record (takes its p=).
 * An Ed25519 key in SPKI form is unwrapped to the raw 32 bytes RFC 8463
 * wants; a PKCS#1 RSA key is wrapped as SPKI.  Private keys are refused
 * (nothing is written).  Cost: O(len) plus one key decode. */
enum dkim_paste_status dkim_paste_key(const char *text, size_t len, struct strbuf *out,
                                      struct dkim_paste *report);
/* One line on what dkim_paste_key did: "removed the PEM armor and 6 line
 * breaks; 2048-bit RSA key", or why it refused. */
void dkim_paste_describe(const struct dkim_paste *report, struct strbuf *out);

/* ---------------------------------------------------------------------- */
/* Tags, shared by both record kinds.                                     */

struct dkim_tag {
    unsigned id;            /* enum dkim_key_tag_id / dkim_sig_tag_id */
    struct span whole;      /* "p=MIIB...", in the parsed text */
    struct span name;       /* "p" */
    struct span value;      /* "MIIB..." as written (FWS and folding kept) */
    const char *name_text;  /* NUL-terminated copy of the name */
    const char *value_text; /* the value normalized: what the formatter
                               writes (base64 and lists without FWS,
                               folding replaced by one space) */
    size_t name_len, value_len;
    bool has_equals; /* false for a bare word ("oops;") */
    bool duplicate;  /* an earlier tag has the same name */
};

struct dkim_work; /* internal: arena, tokenizer, scratch */

/* ---------------------------------------------------------------------- */
/* The key record (RFC 6376 §3.6.1).                                       */

/* One per row of dkim_key_tags.def, in its order (see schema.h). */
enum dkim_key_tag_id {
#define DKIM_KEY_TAG(id, ...) DKIM_KEY_TAG_##id,
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG
    DKIM_KEY_TAG_UNKNOWN,
    DKIM_KEY_TAG_COUNT
};

/* h= hashes, s= services and t= flags as bit sets. */
enum { DKIM_HASH_SHA1 = 1, DKIM_HASH_SHA256 = 2, DKIM_HASH_OTHER = 4 };
enum { DKIM_SERVICE_EMAIL = 1, DKIM_SERVICE_ANY = 2, DKIM_SERVICE_OTHER = 4 };
enum { DKIM_FLAG_TESTING = 1 /* y */, DKIM_FLAG_STRICT = 2 /* s */, DKIM_FLAG_OTHER = 4 };

struct dkim_key_record {
    struct dkim_tag *tags; /* in the order written */
    size_t count, cap;
    size_t first[DKIM_KEY_TAG_COUNT]; /* index of each tag's first copy,
                                         DKIM_NONE when absent */
    size_t text_len;                  /* length of the parsed text */
    enum dkim_key_type k;             /* k= (RSA when absent; OTHER if unknown) */
    unsigned hashes;                  /* h= bits; 0 when h= is absent */
    unsigned services;                /* s= bits; 0 when s= is absent */
    unsigned flags;                   /* t= bits */
    struct dkim_key_info key;         /* what p= holds; offsets in the text */
    struct dkim_work *work;           /* internal; NULL before the first parse */
};

void dkim_key_record_init(struct dkim_key_record *r);
void dkim_key_record_free(struct dkim_key_record *r);

/* Parse text[0..len) (the TXT strings already joined) into r, appending
 * the grammar diagnostics: dkim-syntax, dkim-duplicate-tag, dkim-bad-value,
 * dkim-bad-base64.  p= is decoded here (dkim_key_decode), so the model's
 * key facts are ready for lint and the accessors.  Never gives up; returns
 * false only when out of memory.  O(len) plus one key decode. */
bool dkim_key_parse(struct dkim_key_record *r, const char *text, size_t len,
                    struct diag_list *diags);
/* The other key-record rules of lint-catalog.md: dkim-version,
 * dkim-missing-p, dkim-bad-key, dkim-key-too-short, dkim-key-weak,
 * dkim-unknown-k, dkim-revoked, dkim-testing, dkim-h-sha1, dkim-g-obsolete,
 * dkim-unknown-tag, dkim-key-size, dkim-string-split.  O(tags). */
void dkim_key_lint(const struct dkim_key_record *r, struct diag_list *diags);
/* "v=DKIM1; k=rsa; p=..." in the user's tag order, "; " between tags. */
void dkim_key_format(const struct dkim_key_record *r, struct strbuf *out);
/* Same tags, same order, same normalized values; spans ignored. */
bool dkim_key_equal(const struct dkim_key_record *a, const struct dkim_key_record *b);
void dkim_key_terms(const struct dkim_key_record *r, struct term_list *out);
void dkim_key_term_describe(const struct dkim_key_record *r, size_t i, struct strbuf *out);
/* Every help id dkim_key_terms can produce.  Static data. */
const char *const *dkim_key_help_ids(size_t *count);

/* Accessors: the key p= holds (NONE unless it decodes), its size in bits
 * (0 when unknown), and whether it is usable: a key of type k= in the form
 * verifiers expect, not revoked (what the cross-record lint asks). */
enum dkim_key_type dkim_key_get_type(const struct dkim_key_record *r);
unsigned dkim_key_get_bits(const struct dkim_key_record *r);
bool dkim_key_is_usable(const struct dkim_key_record *r);

/* Editing for the TUI.  Each call changes the model and re-parses it, so
 * the accessors are current at once; the front end then calls
 * dkim_key_format and parses that text for spans and lint.  A call that
 * fails leaves the model unchanged and, when `why` is not NULL, writes the
 * reason to it.  Each returns false on invalid input or out of memory. */

/* Is `value` valid for tag `name` (grammar of RFC 6376 §3.6.1; p= must be
 * base64)?  Unknown names accept any tag-value.  O(len). */
bool dkim_key_check_value(const char *name, const char *value, size_t len, struct strbuf *why);
/* Set a tag's value (the first copy if it is written twice), or add the
 * tag: v= goes first, others before p=, p= last. */
bool dkim_key_set_tag(struct dkim_key_record *r, const char *name, const char *value, size_t len,
                      struct strbuf *why);
/* Remove every copy of a tag; true also when it was absent. */
bool dkim_key_remove_tag(struct dkim_key_record *r, const char *name, struct strbuf *why);
/* Set or clear one t= flag ('y' or 's'); t= is removed when it empties. */
bool dkim_key_set_flag(struct dkim_key_record *r, char flag, bool on, struct strbuf *why);
/* Set p= from pasted text via dkim_paste_key (report may be NULL); when the
 * key is Ed25519 or RSA, k= is set to match.  Fails (model unchanged) for
 * EMPTY, BAD_BASE64, PRIVATE_KEY and NOT_A_KEY. */
bool dkim_key_set_p_from_paste(struct dkim_key_record *r, const char *text, size_t len,
                               struct dkim_paste *report, struct strbuf *why);

/* Right after an edit call above returned true: the text the edit wrote
 * and parsed the model from (*text, *len; borrowed from the model, valid
 * until its next parse, edit or free) and the grammar diagnostics of that
 * parse (spans in that text).  NULL when the last thing done to the model
 * was not a successful edit.  record_refresh uses it to skip a parse. */
const struct diag_list *dkim_key_edit_diags(const struct dkim_key_record *r, const char **text,
                                            size_t *len);

/* ---------------------------------------------------------------------- */
/* The DKIM-Signature header field (RFC 6376 §3.5).                         */

/* One per row of dkim_sig_tags.def, in its order (see schema.h). */
enum dkim_sig_tag_id {
#define DKIM_SIG_TAG(id, ...) DKIM_SIG_TAG_##id,
#include "authtxt/dkim_sig_tags.def"
#undef DKIM_SIG_TAG
    DKIM_SIG_TAG_UNKNOWN,
    DKIM_SIG_TAG_COUNT
};

enum dkim_sig_alg {
    DKIM_SIG_ALG_NONE = 0, /* a= absent or not of the form k-h */
    DKIM_SIG_ALG_RSA_SHA256,
    DKIM_SIG_ALG_RSA_SHA1,
    DKIM_SIG_ALG_ED25519_SHA256,
    DKIM_SIG_ALG_OTHER, /* grammatical, but no verifier knows it */
};

enum dkim_canon { DKIM_CANON_SIMPLE = 0, DKIM_CANON_RELAXED, DKIM_CANON_OTHER };

struct dkim_sig_record {
    struct dkim_tag *tags;
    size_t count, cap;
    size_t first[DKIM_SIG_TAG_COUNT];
    size_t text_len;
    bool has_field_name; /* the text began with "DKIM-Signature:" */
    size_t value_start;  /* where the tag-list begins in the text */
    enum dkim_sig_alg alg;
    enum dkim_canon header_canon, body_canon; /* simple/simple when c= absent */
    bool t_ok, x_ok, l_ok;                    /* the value is present and valid */
    unsigned long long t, x, l;               /* l saturates at ULLONG_MAX */
    bool b_ok, bh_ok;                         /* valid base64 */
    size_t b_bytes, bh_bytes;                 /* decoded lengths */
    bool h_has_from;                          /* h= lists From (any case) */
    size_t h_count;                           /* header names in h= */
    bool q_dns_txt;                           /* q= absent or lists dns/txt */
    struct dkim_work *work;
};

void dkim_sig_record_init(struct dkim_sig_record *r);
void dkim_sig_record_free(struct dkim_sig_record *r);

/* Parse a DKIM-Signature: the value alone or with its "DKIM-Signature:"
 * field name (any case), folded over lines as pasted from a message (CRLF
 * or bare LF followed by WSP).  Spans stay in the original text.  Grammar
 * diagnostics: dkimsig-syntax, dkimsig-duplicate-tag, dkimsig-bad-value.
 * Never gives up; false only when out of memory.  O(len). */
bool dkim_sig_parse(struct dkim_sig_record *r, const char *text, size_t len,
                    struct diag_list *diags);
/* The other signature rules: dkimsig-missing-tag, dkimsig-version,
 * dkimsig-from-unsigned, dkimsig-i-outside-d, dkimsig-expired,
 * dkimsig-rsa-sha1, dkimsig-body-length, dkimsig-simple-c,
 * dkimsig-unknown-tag, and the bh= length check.  The core has no clock:
 * `now` is seconds since the epoch (the CLI passes time(NULL)); 0 skips
 * the "earlier than now" half of dkimsig-expired. */
void dkim_sig_lint(const struct dkim_sig_record *r, long long now, struct diag_list *diags);
/* One line, no folding, no field name: "v=1; a=rsa-sha256; ..." (the
 * field name only when the first tag would otherwise be mistaken for it). */
void dkim_sig_format(const struct dkim_sig_record *r, struct strbuf *out);
bool dkim_sig_equal(const struct dkim_sig_record *a, const struct dkim_sig_record *b);
void dkim_sig_terms(const struct dkim_sig_record *r, struct term_list *out);
void dkim_sig_term_describe(const struct dkim_sig_record *r, size_t i, struct strbuf *out);
const char *const *dkim_sig_help_ids(size_t *count);

#endif
