/* DMARC: the policy record published at _dmarc.<domain> (RFC 9989, which
 * obsoleted RFC 7489 in May 2026; where RFC 7489 receivers behave
 * differently the diagnostics and descriptions say both).  Parser, lint,
 * formatter, term view, the policy's effect in plain words, the editing
 * calls of the TUI's DMARC tab, and the data side of live discovery: the
 * RFC 9989 §4.10 DNS tree walk and the RFC 9990 §4 check of external
 * report destinations.  The core never queries DNS: src/net (or a test)
 * hands answers in as dnsdata.h values.
 *
 * Case of tag names and keywords.  RFC 9989 §4.8 (like RFC 7489 §6.4)
 * writes its grammar in ABNF, where quoted strings match in any case
 * (RFC 5234 §2.3) and only %s"..." is case-sensitive (RFC 7405): so "P" is
 * the tag p and "Reject" the keyword reject, while the version must be
 * exactly "DMARC1".  RFC 6376 §3.2, whose tag=value syntax DMARC borrows,
 * says tag names are case-sensitive, and parsers built on a DKIM tag-list
 * reader ignore "P=".  authtxt therefore reads names and keywords in any
 * case (as the ABNF and the common receivers do), says so with
 * dmarc-case, and writes them lower case; the v tag itself must be
 * written exactly "v=DMARC1" (dmarc-version).
 *
 * Models are caller-allocated and reusable: dmarc_record_init once, parse
 * as often as needed (memory is kept, a warm re-parse allocates nothing),
 * dmarc_record_free at the end.  Every string a model holds lives in the
 * model and stays valid until its next parse, edit or free; spans are byte
 * offsets into the text last parsed (after an edit: into the text the edit
 * produced, which dmarc_format writes back).
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_DMARC_H
#define AUTHTXT_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/dnsdata.h"
#include "authtxt/strbuf.h"
#include "authtxt/taglist.h"
#include "authtxt/term.h"

#define DMARC_NONE ((size_t)-1) /* "no such tag / step" */
/* A domain name's text form, no trailing dot (RFC 1035 §2.3.4). */
#define DMARC_NAME_MAX 253

/* ---------------------------------------------------------------------- */
/* The model.                                                             */

/* The tags of RFC 9989 §4.7 and the three RFC 7489 §6.3 tags it removed:
 * one per row of dmarc_tags.def, in its order (see schema.h). */
enum dmarc_tag_id {
#define DMARC_TAG(id, ...) DMARC_TAG_##id,
#include "authtxt/dmarc_tags.def"
#undef DMARC_TAG
    DMARC_TAG_UNKNOWN,
    DMARC_TAG_COUNT
};

/* p, sp, np.  Ordered: a larger value is a stronger policy. */
enum dmarc_policy {
    DMARC_POLICY_ABSENT = 0,
    DMARC_POLICY_NONE,
    DMARC_POLICY_QUARANTINE,
    DMARC_POLICY_REJECT,
    DMARC_POLICY_INVALID, /* present, but not a policy keyword */
};

enum dmarc_alignment {
    DMARC_ALIGN_ABSENT = 0,
    DMARC_ALIGN_RELAXED,
    DMARC_ALIGN_STRICT,
    DMARC_ALIGN_INVALID
};
enum dmarc_psd { DMARC_PSD_ABSENT = 0, DMARC_PSD_Y, DMARC_PSD_N, DMARC_PSD_U, DMARC_PSD_INVALID };
enum dmarc_yorn { DMARC_YORN_ABSENT = 0, DMARC_YORN_Y, DMARC_YORN_N, DMARC_YORN_INVALID };

/* fo= options and rf= formats as bit sets. */
enum { DMARC_FO_0 = 1, DMARC_FO_1 = 2, DMARC_FO_D = 4, DMARC_FO_S = 8 };
enum { DMARC_RF_AFRF = 1, DMARC_RF_IODEF = 2 };

/* One entry of a rua= or ruf= list (RFC 9989 §4.8 dmarc-urilist). */
struct dmarc_uri {
    size_t tag;        /* index of its rua/ruf tag in the record */
    struct span whole; /* the entry as written, size suffix included */
    struct span size;  /* the obsolete "!10m" suffix; empty when none */
    const char *text;  /* the entry as written (NUL-terminated copy) */
    size_t len;
    bool valid; /* a URI (RFC 3986), for mailto: an addr-spec */
    bool mailto;
    const char *host; /* destination host, lower case: the mailto
                         domain or the URI's authority host; NULL if
                         the entry has none */
    size_t host_len;
    bool has_size;
    unsigned long long size_bytes; /* the suffix in bytes, units powers of
                                      two (RFC 7489 §6.4); saturates */
};

struct dmarc_tag {
    enum dmarc_tag_id id;
    struct span whole;      /* "p=reject" in the parsed text */
    struct span name;       /* "p" */
    struct span value;      /* "reject" (trimmed of WSP) */
    const char *name_text;  /* canonical: a known tag's name in lower case,
                               an unknown one as written */
    const char *value_text; /* canonical value: keywords in lower case,
                               lists without blanks around ':' and ',',
                               numbers without leading zeros; an invalid
                               value as written.  What dmarc_format writes. */
    size_t name_len, value_len;
    bool has_equals;             /* false for a bare word ("oops;") */
    bool valid;                  /* the value is in its grammar (unknown: true) */
    bool duplicate;              /* an earlier tag has the same name */
    bool odd_case;               /* name or keyword not written in lower case */
    size_t uri_first, uri_count; /* rua/ruf: its entries in the uris array */
};

struct dmarc_work; /* internal: arena, tokenizer, scratch */

struct dmarc_record {
    struct dmarc_tag *tags; /* in the order written */
    size_t count, cap;
    struct dmarc_uri *uris; /* the entries of every rua/ruf tag */
    size_t nuris, uris_cap;
    size_t first[DMARC_TAG_COUNT]; /* index of each tag's first copy, or
                                      DMARC_NONE ([UNKNOWN]: first unknown) */
    size_t text_len;
    size_t leading_space; /* WSP bytes before the first tag */
    bool version_ok;      /* starts with exactly "v=DMARC1" then ';',
                             WSP or the end (what receivers match) */
    /* Typed values of each tag's first copy: ABSENT when not written,
     * INVALID when written outside the grammar. */
    enum dmarc_policy p, sp, np;
    enum dmarc_alignment adkim, aspf;
    enum dmarc_psd psd;
    enum dmarc_yorn t;
    unsigned fo;                     /* DMARC_FO_* when fo= is valid, else 0 */
    unsigned rf;                     /* DMARC_RF_* when rf= is valid, else 0 */
    int pct;                         /* 0..100, or -1 when absent or invalid */
    long long ri;                    /* 0..4294967295, or -1 when absent or invalid */
    char domain[DMARC_NAME_MAX + 1]; /* dmarc_set_domain, for sentences;
                                        kept across parses; "" unknown */
    struct dmarc_work *work;
};

void dmarc_record_init(struct dmarc_record *r);
void dmarc_record_free(struct dmarc_record *r);

/* Parse text[0..len) into r, appending the grammar diagnostics:
 * dmarc-syntax, dmarc-duplicate-tag, dmarc-bad-value, dmarc-bad-uri.
 * Never gives up; returns false only when out of memory.  O(len). */
bool dmarc_parse(struct dmarc_record *r, const char *text, size_t len, struct diag_list *diags);
/* Every other rule of lint-catalog.md that needs no DNS: dmarc-version,
 * dmarc-missing-p, dmarc-policy-none, dmarc-sp-weaker, dmarc-no-rua,
 * dmarc-removed-tag, dmarc-pct-partial, dmarc-size-suffix,
 * dmarc-unknown-tag, dmarc-p-not-second, dmarc-testing, dmarc-bis-tag,
 * dmarc-ruf-rarely-sent, dmarc-fo-without-ruf, dmarc-ri-ignored,
 * dmarc-case.  O(tags + uris). */
void dmarc_lint(const struct dmarc_record *r, struct diag_list *diags);
/* "v=DMARC1; p=reject; rua=mailto:d@example.com": the canonical values in
 * the user's tag order, "; " between tags.  Appends to out. */
void dmarc_format(const struct dmarc_record *r, struct strbuf *out);
/* Same tags in the same order with the same canonical values; spans,
 * leading whitespace and the domain are ignored. */
bool dmarc_equal(const struct dmarc_record *a, const struct dmarc_record *b);
/* One record_term per tag, in order.  Appends to out. */
void dmarc_terms(const struct dmarc_record *r, struct term_list *out);
/* What tag i does in this record, one sentence ("failing mail from
 * example.com goes to spam (quarantine)").  Appends to out. */
void dmarc_term_describe(const struct dmarc_record *r, size_t i, struct strbuf *out);
/* Every help id dmarc_terms can produce.  Static data. */
const char *const *dmarc_help_ids(size_t *count);

/* The domain the record is for ("example.com", not "_dmarc..."), used in
 * sentences; NULL or "" forgets it.  False (nothing changed) when it is not
 * a domain name. */
bool dmarc_set_domain(struct dmarc_record *r, const char *domain);

/* ---------------------------------------------------------------------- */
/* The policy's effect.                                                   */

enum dmarc_rfc { DMARC_RFC9989 = 0, DMARC_RFC7489 = 1 };

/* Where failing mail comes from, relative to the record's domain. */
enum dmarc_scope {
    DMARC_SCOPE_DOMAIN = 0, /* the domain itself (p) */
    DMARC_SCOPE_SUBDOMAIN,  /* an existing subdomain (sp, else p) */
    DMARC_SCOPE_NXDOMAIN,   /* a non-existent subdomain (np, else sp, else p) */
    DMARC_SCOPE_COUNT
};

/* What receivers make of a record, defaults applied.  Plain data. */
struct dmarc_effect {
    /* The record starts with v=DMARC1 (else receivers ignore it). */
    bool version;
    /* [enum dmarc_rfc]: receivers following that RFC apply DMARC with this
     * record at all. */
    bool usable[2];
    /* No valid p= (or a bad sp=, or for RFC 9989 np=) but a valid rua:
     * read as p=none (RFC 9989 §4.10.1, RFC 7489 §6.6.3 step 6). */
    bool fallback_none[2];
    /* The policy requested per scope, defaults applied: NONE, QUARANTINE
     * or REJECT; ABSENT when the record is not usable. */
    enum dmarc_policy policy[2][DMARC_SCOPE_COUNT];
    bool testing;                     /* t=y (RFC 9989 only) */
    enum dmarc_alignment adkim, aspf; /* RELAXED unless s is written */
    unsigned fo;                      /* DMARC_FO_0 unless fo= is valid */
    int pct;                          /* RFC 7489 sampling: 100 unless valid */
    bool has_rua, has_ruf;            /* at least one valid URI */
};

void dmarc_effect_compute(const struct dmarc_record *r, struct dmarc_effect *e);
/* The policy receivers following `rfc` actually apply to failing mail of
 * `scope`: under RFC 9989 t=y takes one level off (reject acts as
 * quarantine, quarantine as none); under RFC 7489 this is the policy for
 * the sampled pct% (the rest get one level less).  ABSENT: no DMARC. */
enum dmarc_policy dmarc_effect_applied(const struct dmarc_effect *e, enum dmarc_rfc rfc,
                                       enum dmarc_scope scope);
/* In plain words, what receivers do with failing mail from the domain,
 * from an existing subdomain and from a non-existent subdomain: one line
 * for RFC 9989 and, where it differs, one for RFC 7489 (pct sampling, np
 * and t ignored).  `domain` may be NULL ("the domain").  Appends to out. */
void dmarc_effect_describe(const struct dmarc_effect *e, const char *domain, struct strbuf *out);
/* Quarantine or reject requested for the domain itself (RFC 9989 §3.2.9
 * "Enforcement"; t=y does not change it).  Usable records only. */
bool dmarc_is_enforcing(const struct dmarc_record *r);
/* rua= holds at least one valid URI. */
bool dmarc_has_rua(const struct dmarc_record *r);
/* "none", "quarantine", "reject", "" for ABSENT/INVALID.  Static. */
const char *dmarc_policy_name(enum dmarc_policy p);

/* ---------------------------------------------------------------------- */
/* Editing for the TUI.  Each call checks its input, changes the model and
 * re-parses it (so typed values and spans are current at once); the front
 * end then calls dmarc_format and parses that text for lint.  A call that
 * fails leaves the model unchanged and, when `why` is not NULL, appends
 * diagnostics saying why (spans relative to the value given).  Each
 * returns false on invalid input or when out of memory. */

/* Check one value for tag `name` alone: grammar (dmarc-bad-value,
 * dmarc-bad-uri, dmarc-version for v) and value-level advice
 * (dmarc-size-suffix, dmarc-case).  Spans are offsets in value.  True when
 * the value is acceptable (no error, no dmarc-bad-value). */
bool dmarc_check_value(const char *name, const char *value, size_t len, struct diag_list *diags);
/* Set tag `name` (any case; a known name is written in lower case) to
 * value.  An existing tag keeps its place (later copies of it are
 * dropped); v always moves to the front.  A new tag goes right after the
 * last tag present that comes before it in the order v p sp np rua ruf
 * adkim aspf ri fo rf pct t psd (RFC 7489 §6.4's order with RFC 9989's
 * tags beside their kin), so p lands right after v; unknown tags go last.
 * Cost: one format and one parse of the record. */
bool dmarc_set_tag(struct dmarc_record *r, const char *name, const char *value, size_t len,
                   struct diag_list *why);
/* Remove every copy of tag `name`; true also when it was absent. */
bool dmarc_remove_tag(struct dmarc_record *r, const char *name, struct diag_list *why);
/* Append one URI to rua= or ruf= (`list` is "rua" or "ruf"), creating the
 * tag when absent; a URI already listed is not added twice (true). */
bool dmarc_add_uri(struct dmarc_record *r, const char *list, const char *uri, size_t len,
                   struct diag_list *why);
/* Remove entry `index` (0-based, in the order written) of rua= or ruf=;
 * the tag goes when its last entry does. */
bool dmarc_remove_uri(struct dmarc_record *r, const char *list, size_t index,
                      struct diag_list *why);
/* Set or clear one fo= option ('0', '1', 'd' or 's').  Setting 0 clears 1
 * and the other way round (RFC 9989 §4.7: they exclude each other); fo=
 * is removed when it empties. */
bool dmarc_set_fo_flag(struct dmarc_record *r, char flag, bool on, struct diag_list *why);

/* Right after an edit call above returned true: the text the edit wrote
 * and parsed the model from (*text, *len; borrowed from the model, valid
 * until its next parse, edit or free) and the grammar diagnostics of that
 * parse (spans in that text).  NULL when the last thing done to the model
 * was not a successful edit.  record_refresh uses it to skip a parse. */
const struct diag_list *dmarc_edit_diags(const struct dmarc_record *r, const char **text,
                                         size_t *len);

/* ---------------------------------------------------------------------- */
/* Live discovery: the RFC 9989 §4.10 DNS tree walk.                      */

#define DMARC_WALK_MAX 8                     /* RFC 9989 §4.10: never more than eight queries */
#define DMARC_QNAME_MAX (DMARC_NAME_MAX + 7) /* "_dmarc." + a domain */

struct dmarc_walk_step {
    char name[DMARC_QNAME_MAX + 1]; /* "_dmarc.mail.example.com"; the
                                       domain is name + 7 */
    size_t labels;                  /* labels of the domain */
    bool too_long;                  /* over 253 bytes: cannot be asked,
                                       counts as no record */
};

struct dmarc_walk {
    struct dmarc_walk_step steps[DMARC_WALK_MAX];
    size_t count;
};

/* The query names of the tree walk for domain[0..len) (A-labels; a
 * trailing dot and upper case are accepted): the domain itself, then, when
 * it has 8 labels or more, its 7-label suffix, then each parent down to
 * the top-level domain (RFC 9989 §4.10 steps 1-7).  False (count 0) when
 * the text is not a domain name.  No allocation; O(len). */
bool dmarc_walk_names(const char *domain, size_t len, struct dmarc_walk *out);

/* Is text[0..len) a DMARC record to discovery?  RFC 9989 §4.10 step 2: it
 * starts with a v tag naming DMARC1 ("v" *WSP "=" *WSP "DMARC1", then
 * ';', WSP or the end). */
bool dmarc_text_is_record(const char *text, size_t len);

enum dmarc_discovery_status {
    DMARC_DISCOVERY_PENDING = 0, /* answers still needed */
    DMARC_DISCOVERY_FOUND,       /* a policy record applies */
    DMARC_DISCOVERY_NOT_FOUND,   /* the walk ended without one */
    DMARC_DISCOVERY_DNS_ERROR,   /* a needed answer failed (timeout,
                                    SERVFAIL, ...): nothing can be said */
};

enum dmarc_found_at {
    DMARC_FOUND_NONE = 0,
    DMARC_FOUND_DOMAIN, /* _dmarc.<domain> itself: p applies */
    DMARC_FOUND_ORG,    /* the organizational domain: sp or np applies */
    DMARC_FOUND_PSD,    /* a public suffix domain's record (psd=y) */
};

/* One query of the walk (or of the RFC 7489 organizational domain). */
struct dmarc_discovery_step {
    char name[DMARC_QNAME_MAX + 1];
    size_t labels;
    bool too_long;
    bool on_walk;                 /* false: only the RFC 7489 PSL query */
    bool psl;                     /* the RFC 7489 organizational domain's
                                     name: needed even after a psd= stop */
    struct dns_txt_answer answer; /* owned; status DNS_PENDING until set */
    size_t ndmarc;                /* records that start with v=DMARC1 */
    size_t record;                /* the single one (index in answer), or
                                     DMARC_NONE (none, or several: all
                                     are discarded) */
    enum dmarc_psd psd;           /* psd= of that record */
};

/* An external report destination (RFC 9990 §4; RFC 7489 §7.1). */
struct dmarc_report_check {
    char host[DMARC_NAME_MAX + 1];     /* "reports.example.net" */
    char name[DMARC_NAME_MAX + 1];     /* "<policy domain>._report._dmarc.<host>" */
    char wildcard[DMARC_NAME_MAX + 1]; /* "*._report._dmarc.<host>" */
    bool too_long;                     /* name over DNS limits: not authorizable (§4 step 4) */
    bool rua, ruf;                     /* which lists name the host */
    size_t uri;                        /* first entry naming it, in the record's uris[] */
    struct dns_txt_answer answer, wildcard_answer; /* owned; set by caller */
};

enum dmarc_report_status {
    DMARC_REPORT_PENDING = 0,
    DMARC_REPORT_AUTHORIZED,   /* a record starting v=DMARC1 was found */
    DMARC_REPORT_UNAUTHORIZED, /* answered, and no such record */
    DMARC_REPORT_UNKNOWN,      /* DNS error */
};

#define DMARC_REPORT_HOSTS_MAX 16 /* external hosts checked per record */

/* External rua/ruf hosts of record r, found at policy_domain: hosts that
 * are not policy_domain or below it, nor org_domain or below it (NULL or
 * "": no organizational domain known).  Fills out[0..max) with one check
 * per distinct host (answers DNS_PENDING, owned by out[i]: free each with
 * dmarc_report_check_free) and returns how many; *more (may be NULL) tells
 * whether further external hosts were left out.  O(uris x max). */
size_t dmarc_report_checks(const struct dmarc_record *r, const char *policy_domain,
                           const char *org_domain, struct dmarc_report_check *out, size_t max,
                           bool *more);
void dmarc_report_check_free(struct dmarc_report_check *c);
/* Authorized when either answer holds a record starting v=DMARC1 (a
 * wildcard *._report._dmarc.<host> record answers the specific name too). */
enum dmarc_report_status dmarc_report_status(const struct dmarc_report_check *c);

/* One domain's policy discovery: the walk's answers, the record chosen
 * (RFC 9989 §4.10.1), the organizational domain (§4.10.2), the RFC 7489
 * view (PSL organizational domain, computed by the caller with libpsl) and
 * the report authorization checks.  Caller-allocated (about 18 KiB, keep
 * it off small stacks); init once, free at the end. */
struct dmarc_discovery {
    char domain[DMARC_NAME_MAX + 1];  /* the author domain, lower case */
    char psl_org[DMARC_NAME_MAX + 1]; /* RFC 7489 org domain; "" unknown */
    /* The walk's steps, then one more when the RFC 7489 organizational
     * domain is not on the walk (the x >= 8 shortcut can skip it). */
    struct dmarc_discovery_step steps[DMARC_WALK_MAX + 1];
    size_t nsteps;
    size_t nwalk;               /* walk steps */
    struct dns_txt_answer apex; /* TXT at the domain itself; owned */
    enum dmarc_discovery_status status;
    enum dmarc_found_at found_at;
    size_t policy_step;                  /* step whose record applies, or DMARC_NONE */
    size_t stop_step;                    /* psd=y/n stopped the walk here, or DMARC_NONE */
    char org_domain[DMARC_NAME_MAX + 1]; /* RFC 9989 organizational domain */
    size_t psl_step;                     /* RFC 7489's policy step, or DMARC_NONE */
    struct dmarc_record policy;          /* the record in force (parsed) */
    struct dmarc_report_check reports[DMARC_REPORT_HOSTS_MAX];
    size_t nreports;             /* checks in reports[] */
    bool reports_more;           /* more external hosts than reports[] holds */
    struct dmarc_record scratch; /* internal: reads psd= of steps */
};

void dmarc_discovery_init(struct dmarc_discovery *d);
void dmarc_discovery_free(struct dmarc_discovery *d);
/* Start over for `domain` (A-labels).  `psl_org` is the RFC 7489
 * organizational domain (libpsl's registrable domain), NULL when unknown.
 * False when domain is not a domain name. */
bool dmarc_discovery_start(struct dmarc_discovery *d, const char *domain, const char *psl_org);
/* The names to ask TXT for are steps[0..nsteps).name.  A step is needed
 * while its answer is pending and the walk has not stopped before it (the
 * PSL step always is); src/net may ask all of them at once. */
bool dmarc_discovery_step_needed(const struct dmarc_discovery *d, size_t i);
/* Give step i's answer: the discovery takes over its contents (*answer is
 * left empty) and re-evaluates.  O(records). */
void dmarc_discovery_set_answer(struct dmarc_discovery *d, size_t i, struct dns_txt_answer *answer);
/* The TXT answer at the domain itself (for dmarc-record-at-apex and to
 * tell whether the domain exists, which decides between sp and np). */
void dmarc_discovery_set_apex(struct dmarc_discovery *d, struct dns_txt_answer *answer);
/* Once status is FOUND, reports[] lists the external destinations of the
 * record in force; give their answers here (wildcard: the answer for the
 * "*._report._dmarc.<host>" name). */
void dmarc_discovery_set_report_answer(struct dmarc_discovery *d, size_t i, bool wildcard,
                                       struct dns_txt_answer *answer);
/* The record in force as text, or NULL (the spans of dmarc_discovery_lint
 * point into it). */
const char *dmarc_discovery_policy_text(const struct dmarc_discovery *d, size_t *len);
/* The policy domain (where the record in force was found), or NULL. */
const char *dmarc_discovery_policy_domain(const struct dmarc_discovery *d);
/* Which scope of the record in force applies to the domain itself. */
enum dmarc_scope dmarc_discovery_scope(const struct dmarc_discovery *d);
/* The live rules: dmarc-multiple-records, dmarc-record-at-apex,
 * dmarc-sp-no-effect, dmarc-not-found, dmarc-inherited,
 * dmarc-rua-unauthorized.  Spans point into the record in force when a
 * diagnostic is about one of its tags, else they are [0, 0). */
void dmarc_discovery_lint(const struct dmarc_discovery *d, struct diag_list *diags);

#endif
