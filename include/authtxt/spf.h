/* SPF (RFC 7208): the parser, the lint rules that need no DNS, the
 * formatter, the kind-independent term view, accessors for the cross-record
 * lint, and the editing calls the TUI's SPF tab composes a record with.
 *
 * A model is caller-allocated and reusable: spf_record_init once, then
 * parse as often as needed (arrays and the string arena are kept, so a warm
 * re-parse allocates nothing), spf_record_free at the end.  Every string a
 * model holds lives in the model and stays valid until the next parse, edit
 * or free of that model; spans are byte offsets into the text last parsed.
 * The live include tree (DNS answers) is in spf_tree.h.
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_SPF_H
#define AUTHTXT_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authtxt/diag.h"
#include "authtxt/strbuf.h"
#include "authtxt/taglist.h" /* struct span */
#include "authtxt/term.h"

#define SPF_NONE ((size_t)-1) /* "no such term" for indices */

struct spf_work; /* internal: arena, duplicate table, edit buffer */

/* RFC 7208 §4.6.4: at most 10 DNS-querying terms, 2 void lookups, and at
 * most 10 MX hosts (or PTR names) per term. */
#define SPF_LOOKUP_LIMIT 10
#define SPF_VOID_LIMIT 2
#define SPF_MX_LIMIT 10
/* RFC 7208 §3.4: keep the record small enough for a 512-byte UDP answer. */
#define SPF_SIZE_ADVICE 450
/* RFC 1035 §3.3: one character-string holds at most 255 bytes. */
#define SPF_STRING_MAX 255
/* Terms a model holds at most: a 64 KiB text has fewer; longer input is
 * reported and the rest left unparsed, so memory stays bounded. */
#define SPF_MAX_TERMS 32768

/* What a term is.  VERSION is the leading "v=spf1" (or what stands in its
 * place), so one index space covers the model, the term view and the
 * editing calls. */
enum spf_term_kind {
    SPF_TERM_VERSION = 0,
    SPF_TERM_ALL,
    SPF_TERM_INCLUDE,
    SPF_TERM_A,
    SPF_TERM_MX,
    SPF_TERM_PTR,
    SPF_TERM_IP4,
    SPF_TERM_IP6,
    SPF_TERM_EXISTS,
    SPF_TERM_REDIRECT,          /* modifier */
    SPF_TERM_EXP,               /* modifier */
    SPF_TERM_UNKNOWN_MODIFIER,  /* name=value with a name RFC 7208 does not define */
    SPF_TERM_UNKNOWN_MECHANISM, /* a mechanism-shaped term with an unknown name */
    SPF_TERM_BAD,               /* matches no term form at all */
    SPF_TERM_KIND_COUNT
};

/* The qualifier as written (RFC 7208 §4.6.2); NONE means none was written,
 * which evaluates as PASS. */
enum spf_qualifier {
    SPF_QUALIFIER_NONE = 0,
    SPF_QUALIFIER_PASS,     /* + */
    SPF_QUALIFIER_FAIL,     /* - */
    SPF_QUALIFIER_SOFTFAIL, /* ~ */
    SPF_QUALIFIER_NEUTRAL,  /* ? */
};

/* How the record starts (RFC 7208 §4.5). */
enum spf_version_state {
    SPF_VERSION_OK = 0,  /* "v=spf1" (any case) followed by a space or the end */
    SPF_VERSION_BAD,     /* a version-like first token that is not v=spf1:
                            "v=spf10", "spf1", "v=spf1mx"; kept as term 0 */
    SPF_VERSION_MISSING, /* the text starts with a term: no term 0 */
};

/* Term flags (spf_term.flags). */
enum spf_term_flag {
    SPF_TERM_ERROR = 1u << 0,         /* a syntax problem: receivers permerror */
    SPF_TERM_MACRO = 1u << 1,         /* the domain-spec or value holds a %{...} macro */
    SPF_TERM_ADDR_OK = 1u << 2,       /* ip4/ip6: addr[] holds the parsed address */
    SPF_TERM_AFTER_ALL = 1u << 3,     /* a mechanism after the first all: never evaluated */
    SPF_TERM_IGNORED = 1u << 4,       /* a redirect ignored because of all (RFC 7208 §6.1) */
    SPF_TERM_MISSING_SPACE = 1u << 5, /* two terms run together (ip4:192.0.2.1~all) */
    SPF_TERM_NON_ASCII = 1u << 6,     /* holds bytes >= 0x80 */
    SPF_TERM_DOMAIN_OK = 1u << 7,     /* domain is a valid domain-spec (or absent where optional) */
};

/* One term.  Strings are NUL-terminated copies owned by the record. */
struct spf_term {
    enum spf_term_kind kind;
    enum spf_qualifier qualifier; /* as written (mechanisms; BAD terms keep theirs) */
    const char *name;   /* as written: "include", "MX", "redirect", "inlcude";
                           VERSION: the token ("v=spf1"); BAD: "" */
    const char *value;  /* the argument as written, what an edit field shows:
                           "_spf.google.com", "192.0.2.0/24", "example.com/24//64",
                           "/24" for a/24, a modifier's value; UNKNOWN_MODIFIER:
                           only the value; BAD: the whole term after the
                           qualifier; "" when there is none */
    bool has_colon;     /* a mechanism written with ':' (a: and a differ) */
    const char *domain; /* the domain-spec (without CIDR lengths), or NULL when
                           the term has none (a, mx and ptr then use the
                           current domain) */
    const char *ip;     /* ip4/ip6: the address text without CIDR, else NULL */
    int cidr4, cidr6;   /* CIDR lengths as written, -1 when absent (ip4 and ip6
                           keep theirs in cidr4 and cidr6 respectively) */
    unsigned char addr[16]; /* SPF_TERM_ADDR_OK: ip4 in addr[0..3], ip6 all 16 */
    struct span whole;      /* the term in the text, qualifier included */
    struct span name_span;  /* the name (for VERSION: the whole token) */
    struct span value_span; /* the value; empty (start == end) when none */
    int lookups;            /* DNS lookups this term costs toward the 10 */
    unsigned flags;         /* enum spf_term_flag */
    size_t dup_of;          /* include or netblock: index of an earlier term with
                               the same target, else SPF_NONE */
};

struct spf_record {
    struct spf_term *terms; /* in the order written, VERSION first when present */
    size_t count, cap;
    enum spf_version_state version;
    size_t text_len;        /* length of the text last parsed */
    int lookups;            /* DNS-querying terms (lint-catalog.md "Counting") */
    size_t all_index;       /* the first all mechanism, or SPF_NONE */
    size_t redirect_index;  /* the first redirect modifier, or SPF_NONE */
    size_t exp_index;       /* the first exp modifier, or SPF_NONE */
    size_t redirect_count, exp_count;
    unsigned record_flags;  /* OR of every term's flags */
    struct spf_work *work;  /* internal: arena, hash table, edit buffer */
};

void spf_record_init(struct spf_record *r);
void spf_record_free(struct spf_record *r);

/* Parse text[0..len) (the TXT strings already joined) into r, appending
 * the grammar diagnostics (diags may be NULL): spf-version, spf-syntax,
 * spf-unknown-mechanism, spf-bad-ip4, spf-bad-ip6, spf-bad-domain-spec,
 * spf-bad-macro, spf-missing-space, spf-non-ascii.  Terms are separated by
 * spaces (RFC 7208 §4.6.1); a control character also separates terms in
 * the model but is reported.  Never gives up: every term, good or bad,
 * keeps its span.  Returns false only when out of memory.  O(len); no
 * allocation once warm. */
bool spf_parse(struct spf_record *r, const char *text, size_t len, struct diag_list *diags);

/* The record-level rules of lint-catalog.md that need no DNS:
 * spf-duplicate-modifier, spf-plus-all, spf-cidr-everything,
 * spf-lookup-limit, spf-neutral-all, spf-no-all, spf-terms-after-all,
 * spf-redirect-ignored, spf-ptr, spf-ip4-host-bits, spf-private-address,
 * spf-record-size, spf-string-split, spf-unknown-modifier,
 * spf-softfail-all, spf-duplicate-include, spf-modifier-not-last,
 * spf-macro-opaque, spf-lookup-count (always).  O(terms). */
void spf_lint(const struct spf_record *r, struct diag_list *diags);

/* The model as record text: "v=spf1" and the terms in the user's order,
 * one space between terms, known names in lower case, values as written. */
void spf_format(const struct spf_record *r, struct strbuf *out);

/* Same version state, same terms in the same order with the same kinds,
 * qualifiers (as written), names (ignoring case) and values (byte-exact).
 * Spans, flags and diagnostics are ignored.  O(terms). */
bool spf_equal(const struct spf_record *a, const struct spf_record *b);

/* The kind-independent view: one record_term per model term.  id is the
 * help id ("spf.mech.include"), value_id the qualifier's id for mechanisms
 * ("spf.qualifier.pass" also when none is written), NULL otherwise. */
void spf_terms(const struct spf_record *r, struct term_list *out);
/* One sentence on what term i does in this record, e.g. "authorizes the 256
 * addresses 192.0.2.0 to 192.0.2.255".  Writes nothing for a bad index. */
void spf_term_describe(const struct spf_record *r, size_t i, struct strbuf *out);
/* Every help id spf_terms can produce, and the topics spf.macro and
 * spf.cidr.  Static data. */
const char *const *spf_help_ids(size_t *count);
/* The help id of a term kind ("spf.mech.a") and of a qualifier as it
 * evaluates ("spf.qualifier.softfail").  Static strings. */
const char *spf_kind_help_id(enum spf_term_kind kind);
const char *spf_qualifier_help_id(enum spf_qualifier q);
/* The canonical name of a kind ("include", "redirect"; "" for the kinds
 * that have none) and the character of a qualifier ('\0' for NONE). */
const char *spf_kind_name(enum spf_term_kind kind);
char spf_qualifier_char(enum spf_qualifier q);
/* NONE evaluates as PASS (RFC 7208 §4.6.2). */
enum spf_qualifier spf_qualifier_effective(enum spf_qualifier q);
/* A mechanism kind (ALL .. EXISTS, UNKNOWN_MECHANISM)? */
bool spf_kind_is_mechanism(enum spf_term_kind kind);

/* ---------------------------------------------------------------------- */
/* Accessors for the cross-record lint, the diff and the TUI.             */

/* The effective qualifier of the first all mechanism (PASS when written
 * without one), or SPF_QUALIFIER_NONE when the record has no all. */
enum spf_qualifier spf_all_qualifier(const struct spf_record *r);
/* A redirect that takes effect: present, and no all in the record
 * (RFC 7208 §6.1).  Its target (the domain-spec) through *target when not
 * NULL; NULL when there is none or it is not a valid domain-spec. */
bool spf_has_effective_redirect(const struct spf_record *r, const char **target);
/* DNS-querying terms as lint-catalog.md "Counting" says. */
int spf_lookup_count(const struct spf_record *r);
/* The first include term at index >= from, or SPF_NONE: iterate with
 * for (i = spf_next_include(r, 0); i != SPF_NONE; i = spf_next_include(r, i + 1))
 * and read r->terms[i].domain (NULL when the include has no domain-spec). */
size_t spf_next_include(const struct spf_record *r, size_t from);

/* Is spec[0..len) a valid domain-spec (RFC 7208 §7.1, plus RFC 1035 label
 * rules where no macro is involved)?  `explain` allows the exp-only macro
 * letters c, r and t.  Diagnostics (spf-bad-domain-spec, spf-bad-macro) go
 * to diags (may be NULL) with spans offset by `base`.  O(len). */
bool spf_domain_spec_check(const char *spec, size_t len, size_t base, struct diag_list *diags);
/* Whether a TXT text is an SPF record (RFC 7208 §4.5): RECORD when it
 * starts with "v=spf1" (any case) followed by a space or its end, the only
 * texts receivers select; NEAR when it starts with "v=spf1" but goes on
 * ("v=spf10", "v=spf1mx"): not a record for receivers, yet meant as one,
 * so lint and the zone reader check it.  O(1). */
enum spf_text { SPF_TEXT_NOT_SPF = 0, SPF_TEXT_RECORD, SPF_TEXT_NEAR };
enum spf_text spf_text_classify(const char *text, size_t len);

/* Is text[0..len) a valid explain-string (RFC 7208 §6.2, §7.1: the TXT an
 * exp= modifier points at; c, r and t are allowed)?  Reports spf-bad-macro
 * and spf-non-ascii to diags (may be NULL).  O(len). */
bool spf_explain_string_check(const char *text, size_t len, struct diag_list *diags);

/* ---------------------------------------------------------------------- */
/* Editing for the TUI.  Each call rebuilds the record text with the change
 * and re-parses it, so the model (spans included) is always what
 * spf_format writes; the front end then lints it.  A call that fails
 * leaves the model unchanged, adds a diagnostic saying why to diags (may
 * be NULL) and returns false; it also returns false when out of memory.
 *
 * A value text is what spf_term_value gives: "192.0.2.0/24" for ip4,
 * "example.com/24//64" or "/24" for a and mx, a domain-spec for include,
 * exists, ptr, redirect and exp ("" for a, mx or ptr on the current
 * domain), "name=value" for UNKNOWN_MODIFIER, the whole term for
 * UNKNOWN_MECHANISM and BAD, "" for all.  A value may be invalid (the term
 * is then kept and flagged, and lint says why) but it may not hold a space
 * or a control character, which would make it several terms. */

/* Check a value text for a kind: the grammar diagnostics of just that
 * value, with spans relative to text.  Returns true when it has none of
 * error severity.  O(len). */
bool spf_value_check(enum spf_term_kind kind, const char *text, size_t len,
                     struct diag_list *diags);
/* Insert a new term before index (count appends).  Nothing goes before the
 * version term; kind VERSION is refused. */
bool spf_term_insert(struct spf_record *r, size_t index, enum spf_term_kind kind,
                     enum spf_qualifier q, const char *value, size_t len, struct diag_list *diags);
bool spf_term_remove(struct spf_record *r, size_t index, struct diag_list *diags);
/* Swap term index with its neighbour above (up) or below; the version term
 * stays first. */
bool spf_term_move(struct spf_record *r, size_t index, bool up, struct diag_list *diags);
/* Mechanisms only (and BAD/UNKNOWN_MECHANISM terms, which keep one). */
bool spf_term_set_qualifier(struct spf_record *r, size_t index, enum spf_qualifier q,
                            struct diag_list *diags);
/* The term keeps its kind and qualifier; a BAD, UNKNOWN_MECHANISM or
 * UNKNOWN_MODIFIER term holds raw text, and fixing it may change its kind
 * ("inlcude:x" becomes an include). */
bool spf_term_set_value(struct spf_record *r, size_t index, const char *value, size_t len,
                        struct diag_list *diags);
/* Right after an edit call above returned true: the text the edit wrote
 * and parsed the model from (*text, *len; borrowed from the model, valid
 * until its next parse, edit or free) and the grammar diagnostics of that
 * parse (spans in that text).  NULL when the last thing done to the model
 * was not a successful edit.  record_refresh uses it to skip a parse. */
const struct diag_list *spf_edit_diags(const struct spf_record *r, const char **text, size_t *len);
/* The value text of term index for an edit field (see above); appends to out. */
void spf_term_value(const struct spf_record *r, size_t index, struct strbuf *out);
/* Make the record start with "v=spf1": replaces a bad version token or adds
 * the missing one. */
bool spf_set_version(struct spf_record *r, struct diag_list *diags);

#endif
