/* The receiver simulation (authtxt check): SPF check_host (RFC 7208), and
 * the trace a person can follow, step by step, each step with its RFC
 * section and the help entry that explains it.
 *
 * The evaluators read DNS through a struct dns_source (dnssource.h) and
 * never query: when an answer is not known yet, a run stops with
 * CHECK_NEED_ANSWERS and lists the questions (the one it waits on first,
 * then every name the records read so far will need: the prefetch, so a
 * network layer can have a whole level of an include tree in flight at
 * once).  The caller gets the answers into its source and runs again; a
 * run replays the evaluation from the start over the answers known, which
 * costs O(lookups) replays of at most a few hundred steps each, and keeps
 * the evaluator a pure function of its inputs and the answers.
 *
 * Everything an evaluator struct holds is owned by it; free with the
 * matching *_free.  Strings in results are valid until the next run or the
 * free. */
#ifndef AUTHTXT_CHECK_H
#define AUTHTXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dmarc.h"
#include "authtxt/dnssource.h"
#include "authtxt/strbuf.h"

/* ---------------------------------------------------------------------- */
/* Traces                                                                 */

#define CHECK_TRACE_MAX 4000 /* steps kept; later ones are counted in dropped */

struct check_step {
    char *text;       /* what happened, in words (plain ASCII, printable) */
    const char *rfc;  /* "RFC 7208 §5.2" (static) */
    const char *help; /* help id that explains it, "spf.mech.include" (static) */
    char *query;      /* "TXT example.com", or NULL when DNS was not asked */
    char *answer;     /* the answer in one line, or NULL */
    unsigned depth;   /* nesting: 0 at the top, +1 per include/redirect */
};

struct check_trace {
    struct check_step *steps;
    size_t count, cap;
    size_t dropped;
    bool oom;
};

void check_trace_init(struct check_trace *t);
void check_trace_reset(struct check_trace *t);
void check_trace_free(struct check_trace *t);
/* Append a step; text is a printf format.  query and answer are copied
 * (may be NULL).  Never fails loudly: on overflow it counts, on OOM it
 * sets oom. */
void check_trace_add(struct check_trace *t, unsigned depth, const char *rfc, const char *help,
                     const char *query, const char *answer, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* One question for the DNS source. */
struct dns_question {
    char name[DNS_SOURCE_NAME_MAX + 1];
    enum dns_rrtype type;
};

#define CHECK_NEEDS_MAX 512

struct check_needs {
    struct dns_question items[CHECK_NEEDS_MAX];
    size_t count; /* the first one is what the run waits on */
};

/* Append name/type unless it is already there.  False when full. */
bool check_needs_add(struct check_needs *n, const char *name, enum dns_rrtype type);

enum check_status {
    CHECK_DONE = 0,     /* the result is final */
    CHECK_NEED_ANSWERS, /* see needs; answer some (at least the first), run again */
    CHECK_BAD_INPUT,    /* the input is not usable; see error */
};

/* ---------------------------------------------------------------------- */
/* SPF check_host (RFC 7208 §4)                                           */

enum check_spf_result {
    CHECK_SPF_NONE = 0,
    CHECK_SPF_NEUTRAL,
    CHECK_SPF_PASS,
    CHECK_SPF_FAIL,
    CHECK_SPF_SOFTFAIL,
    CHECK_SPF_TEMPERROR,
    CHECK_SPF_PERMERROR,
};

/* "pass", "fail", ... as RFC 8601 writes them.  Static. */
const char *check_spf_result_name(enum check_spf_result r);

struct spf_eval_input {
    const char *ip;        /* the client address: "192.0.2.1", "2001:db8::1",
                              "::ffff:192.0.2.1" (treated as IPv4, §5) */
    const char *mail_from; /* RFC5321.MailFrom; "" or NULL is the null
                              reverse-path: the HELO identity is checked (§2.4) */
    const char *helo;      /* the HELO/EHLO name (may be NULL) */
    const char *receiver;  /* %{r}: the receiving host; NULL gives "unknown" */
    long long now;         /* %{t}: seconds since the epoch */
};

struct spf_eval_internal; /* the inputs, parsed */

struct spf_eval {
    enum check_spf_result result;
    char *explanation;     /* exp= text after expansion (§6.2); NULL: none */
    char *matched;         /* the term that decided ("-all", "include:x"), or NULL */
    char *decided_at;      /* the domain whose record decided, or NULL */
    char *domain;          /* the domain checked (mail-from's or HELO's) */
    const char *identity;  /* "mailfrom" or "helo" (static) */
    int lookups;           /* DNS-querying terms evaluated (§4.6.4) */
    unsigned void_lookups; /* of those, NXDOMAIN or no data */
    struct check_trace trace;
    struct check_needs needs; /* after CHECK_NEED_ANSWERS */
    char error[160];          /* after CHECK_BAD_INPUT */
    struct spf_eval_internal *in;
};

/* Set up an evaluation; the input strings are copied.  False (with the
 * reason in ev->error, "not an IP address: 'x'") when ip does not parse or
 * out of memory; ev must still be freed. */
bool spf_eval_init(struct spf_eval *ev, const struct spf_eval_input *input);
void spf_eval_free(struct spf_eval *ev);

/* Run check_host over src (see the top of this file).  Cost: the
 * evaluation is bounded by the limits of §4.6.4 (10 lookups, 10 MX or PTR
 * names per term, 2 void lookups), so a run is O(10 records x terms). */
enum check_status spf_eval_run(struct spf_eval *ev, const struct dns_source *src);

/* ---------------------------------------------------------------------- */
/* Macros (RFC 7208 §7)                                                   */

/* The values the macro letters expand to.  ip_dotted is %{i} (IPv4 dotted,
 * IPv6 32 dot-separated nibbles), ip_text %{c}, ip_version %{v} ("in-addr"
 * or "ip6").  validated is %{p}: NULL when not computed yet. */
struct spf_macro_vars {
    const char *sender, *local, *sender_domain, *domain, *helo;
    const char *ip_dotted, *ip_text, *ip_version, *validated, *receiver;
    long long now;
};

enum spf_macro_status {
    SPF_MACRO_OK = 0,
    SPF_MACRO_SYNTAX,  /* a bad macro: permerror where it appears (§7.1) */
    SPF_MACRO_NEEDS_P, /* %{p} is used and vars->validated is NULL */
};

/* Expand spec[0..len) into out (appended).  explain: an explain-string
 * (c, r and t allowed, §7.2).  domain: a domain-spec, so a result over 253
 * bytes loses labels on the left until it fits (§7.3).  O(len x 128). */
enum spf_macro_status spf_macro_expand(const char *spec, size_t len,
                                       const struct spf_macro_vars *vars, bool explain,
                                       bool domain, struct strbuf *out);
/* Does spec use %{p} (any case)? */
bool spf_macro_uses_p(const char *spec, size_t len);

/* ---------------------------------------------------------------------- */
/* DMARC (RFC 9989, with the RFC 7489 view beside it)                     */

enum check_dmarc_result {
    CHECK_DMARC_NONE = 0, /* no policy applies (no record, or not usable) */
    CHECK_DMARC_PASS,
    CHECK_DMARC_FAIL,
    CHECK_DMARC_TEMPERROR, /* a DNS error while finding the policy */
    CHECK_DMARC_PERMERROR, /* no single author domain (missing or several From) */
};

/* "pass", "fail", "none", "temperror", "permerror".  Static. */
const char *check_dmarc_result_name(enum check_dmarc_result r);

#define CHECK_DKIM_DOMAINS_MAX 64

struct dmarc_eval_input {
    const char *from_domain;  /* the RFC5322.From domain (A-labels); NULL when
                                 there is no single one */
    const char *from_problem; /* why from_domain is NULL, in words */
    const char *psl_org;      /* RFC 7489 organizational domain (libpsl), or NULL */
    bool spf_evaluated;       /* false: SPF was not checked (no --ip) */
    enum check_spf_result spf_result;
    const char *spf_domain;   /* the domain SPF checked (MAIL FROM or HELO) */
    const char *const *dkim_pass_domains; /* d= of the signatures that passed */
    size_t ndkim_pass;
};

/* What the receiver does with the message. */
enum check_disposition {
    CHECK_DISPOSITION_NONE = 0,
    CHECK_DISPOSITION_QUARANTINE,
    CHECK_DISPOSITION_REJECT,
};

struct dmarc_eval_internal;

struct dmarc_eval {
    enum check_dmarc_result result;
    enum check_disposition disposition, disposition_7489;
    bool spf_aligned, dkim_aligned;
    char domain[256];        /* the author domain ("" when none) */
    char policy_domain[256]; /* where the record in force was found ("" none) */
    char org_domain[256];    /* RFC 9989 organizational domain */
    char psl_org[256];       /* RFC 7489 organizational domain ("" unknown) */
    char *record;            /* the record in force, or NULL */
    char reason[700];        /* one sentence on the outcome */
    bool rfc7489_differs;    /* the RFC 7489 view gives another disposition or domain */
    char rfc7489[700];       /* that view in words ("" when it does not differ) */
    struct check_trace trace;
    struct check_needs needs;
    struct dmarc_eval_internal *in;
};

bool dmarc_eval_init(struct dmarc_eval *ev, const struct dmarc_eval_input *input);
void dmarc_eval_free(struct dmarc_eval *ev);
/* Discovery by the RFC 9989 tree walk over src, alignment, the result and
 * the disposition (sp, np, t=y).  Same protocol as spf_eval_run. */
enum check_status dmarc_eval_run(struct dmarc_eval *ev, const struct dns_source *src);
/* "none", "quarantine", "reject".  Static. */
const char *check_disposition_name(enum check_disposition d);

/* ---------------------------------------------------------------------- */
/* Messages (RFC 5322): a bounded header/body splitter                    */

#define MESSAGE_MAX (10u << 20)        /* 10 MB: larger messages are refused */
#define MESSAGE_HEADER_MAX (1u << 20)  /* 1 MB of header section */
#define MESSAGE_FIELDS_MAX 20000       /* header fields kept */

/* One header field.  Pointers borrow from the message text. */
struct message_field {
    const char *name; /* up to the colon, trailing blanks cut */
    size_t name_len;
    const char *raw;  /* the whole field, name to the end of its last line,
                         line ends as in the input, without the last one */
    size_t raw_len;
    const char *value; /* after the colon */
    size_t value_len;
};

struct message {
    const char *text; /* borrowed: the caller keeps it alive */
    size_t len;
    struct message_field *fields; /* in order, top first (owned) */
    size_t nfields;
    const char *body; /* after the empty line; len 0 when there is none */
    size_t body_len;
    bool truncated_fields; /* more than MESSAGE_FIELDS_MAX */
    char error[200];       /* why the message was refused, or a warning */
};

/* Split text[0..len) (LF or CRLF line ends, any bytes) into fields and
 * body.  False (with the reason in m->error) when it is over MESSAGE_MAX,
 * the header section is over MESSAGE_HEADER_MAX, or out of memory.  A line
 * in the header that is not a field (no colon) ends the header section and
 * is noted in m->error.  O(len); one allocation. */
bool message_parse(struct message *m, const char *text, size_t len);
void message_free(struct message *m);
/* The RFC5322.From domain, lower case, into out.  False with the reason in
 * why when there is no From field, several From fields, several
 * addresses in it (RFC 7489 §6.6.1), or no domain. */
bool message_from_domain(const struct message *m, char *out, size_t size, char *why,
                         size_t whylen);

/* ---------------------------------------------------------------------- */
/* DKIM verification (RFC 6376 §6, RFC 8301, RFC 8463)                     */

enum check_dkim_result {
    CHECK_DKIM_NONE = 0, /* not used for a signature; "no signature" overall */
    CHECK_DKIM_PASS,
    CHECK_DKIM_FAIL,      /* the hashes or the signature do not verify */
    CHECK_DKIM_NEUTRAL,   /* the signature cannot be checked (unknown algorithm) */
    CHECK_DKIM_POLICY,    /* verifies, but not acceptable: rsa-sha1, RSA < 1024 bits */
    CHECK_DKIM_TEMPERROR, /* the key could not be fetched (DNS error) */
    CHECK_DKIM_PERMERROR, /* bad signature field, missing, revoked or bad key */
};

/* "pass", "fail", "neutral", "policy", "temperror", "permerror", "none". */
const char *check_dkim_result_name(enum check_dkim_result r);

#define DKIM_VERIFY_MAX_SIGNATURES 1000 /* signatures looked at; the rest are counted */

struct dkim_signature_check {
    size_t field;           /* index of the DKIM-Signature field in the message */
    char domain[256];       /* d= ("" when missing) */
    char selector[128];     /* s= */
    char algorithm[32];     /* a= as written */
    enum check_dkim_result result;
    char reason[700];       /* why, in words */
    bool testing;           /* the key has t=y (RFC 6376 §3.6.1) */
    bool expired;           /* x= is in the past */
    struct check_trace trace;
};

struct dkim_verify_internal;

struct dkim_verify {
    struct dkim_signature_check *sigs;
    size_t count;
    size_t skipped;             /* signatures over DKIM_VERIFY_MAX_SIGNATURES */
    struct check_needs needs;
    struct dkim_verify_internal *in;
};

/* Find the DKIM-Signature fields of m (borrowed: keep m and its text alive
 * until dkim_verify_free).  now is for x= (seconds since the epoch; 0
 * skips the check).  False when out of memory. */
bool dkim_verify_init(struct dkim_verify *v, const struct message *m, long long now);
void dkim_verify_free(struct dkim_verify *v);
/* Fetch each signature's key through src and verify (same protocol as
 * spf_eval_run).  Body hashes are computed once per (canonicalization,
 * l=) and kept between runs.  O(message x distinct body variants). */
enum check_status dkim_verify_run(struct dkim_verify *v, const struct dns_source *src);

/* ---------------------------------------------------------------------- */
/* Spoofability (check --spoof): the verdict on one forged message        */

enum check_spoof_scope {
    CHECK_SPOOF_DOMAIN = 0,  /* From: the domain itself */
    CHECK_SPOOF_SUBDOMAIN,   /* From: an existing subdomain */
    CHECK_SPOOF_NONEXISTENT, /* From: a subdomain that does not exist */
    CHECK_SPOOF_SCOPES,
};

/* "domain", "subdomain", "nonexistent".  Static. */
const char *check_spoof_scope_name(enum check_spoof_scope s);

struct check_spoof_verdict {
    bool delivered; /* the forged message reaches the inbox (unmarked) */
    enum check_disposition disposition;
    char reason[1200]; /* "SPF fail (-all); <DMARC reason>" */
    char fix[400];     /* the smallest change that makes it reject; "" none */
};

/* What a receiver does with forged mail of this scope, given the finished
 * SPF and DMARC evaluations of it (no valid DKIM signature): delivered or
 * not, the disposition (without DMARC an SPF fail is taken as a reject),
 * why, and the smallest fix.  Pure, O(1). */
void check_spoof_judge(enum check_spoof_scope scope, const struct spf_eval *spf,
                       const struct dmarc_eval *dmarc, struct check_spoof_verdict *out);

#endif
