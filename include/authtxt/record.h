/* One record of any kind, analyzed: the entry point front ends use.
 *
 * record_analyze detects the kind (or takes it), checks the input is sane
 * text, parses it with the kind's parser, runs the kind's lint rules and
 * builds the kind-independent term view.  Front ends read `terms`, `diags`
 * and the help entries; they never look inside a record's grammar.
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_RECORD_H
#define AUTHTXT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/strbuf.h"
#include "authtxt/term.h"

enum record_kind {
    RECORD_UNKNOWN = 0,
    RECORD_SPF,
    RECORD_DMARC,
    RECORD_DKIM_KEY,
    RECORD_DKIM_SIG,
};

/* Longest input analyzed: far above any real record (a TXT RRset fits in
 * 64 KiB); longer input gets input-too-long and is not parsed. */
#define RECORD_MAX_LEN 65535

/* "spf", "dmarc", "dkim", "dkim-sig" (the --type names), "unknown". */
const char *record_kind_name(enum record_kind kind);
/* Human name: "SPF record", "DMARC policy record", ... */
const char *record_kind_title(enum record_kind kind);
/* Parse a --type name; false when it is none of them. */
bool record_kind_parse(const char *name, enum record_kind *kind);
/* Tell the kind from the text: v=spf1, v=DMARC1, v=DKIM1 or DKIM key tags,
 * a DKIM-Signature header (with or without its field name). */
enum record_kind record_detect(const char *text, size_t len);

struct spf_record;
struct dmarc_record;
struct dkim_key_record;
struct dkim_sig_record;

struct record {
    enum record_kind kind;
    char *text;  /* owned copy of the analyzed text, NUL-terminated */
    size_t len;
    struct term_list terms;
    struct diag_list diags; /* parse + lint, sorted by position */
    /* Set by the caller: record_analyze leaves `terms` empty.  For callers
     * that read only the diagnostics (lint --zone: the term view is a
     * tenth of the analysis there). */
    bool skip_terms;
    /* The typed model of `kind`, owned; the others are NULL.  Kept after
     * re-analysis so memory is reused. */
    struct spf_record *spf;
    struct dmarc_record *dmarc;
    struct dkim_key_record *dkim_key;
    struct dkim_sig_record *dkim_sig;
};

void record_init(struct record *r);
void record_free(struct record *r);

/* Analyze text[0..len) as `kind` (RECORD_UNKNOWN: detect it).  `now` is the
 * current time in seconds since the epoch, for rules that need a clock
 * (dkimsig-expired); pass 0 to skip those.  Returns false only when out of
 * memory.  Cost: O(len) plus key decoding for DKIM keys. */
bool record_analyze(struct record *r, enum record_kind kind, const char *text, size_t len,
                    long long now);

/* Bring r up to date after its typed model was changed by an edit call
 * (spf_term_*, dmarc_set_tag, dkim_key_set_tag, ...), which re-parsed the
 * text it formatted: r's text becomes record_format of the model, and its
 * diagnostics and terms are rebuilt from the model (the grammar
 * diagnostics of the edit's own re-parse, then lint) without parsing the
 * text again.  Returns false when out of memory.  Cost: one format, lint
 * and the term view: O(terms). */
bool record_refresh(struct record *r, long long now);

/* Counts by severity, and the exit-status class of design.md (0 clean,
 * 1 warnings only, 2 errors). */
size_t record_count_severity(const struct diag_list *diags, enum diag_severity sev);
int diag_list_status(const struct diag_list *diags);

/* The model written back as text (normalized spacing, the user's order). */
void record_format(const struct record *r, struct strbuf *out);

/* One sentence on what term i does in this record. */
void record_describe_term(const struct record *r, size_t i, struct strbuf *out);

/* The cross-record rules of one domain's records (lint-catalog.md "Across
 * one domain's records").  Any record may be NULL (absent); `domain` may be
 * NULL when unknown (then every include counts as a third party).  The
 * spans of the diagnostics are 0: they are about the set, and the message
 * names the records. */
void cross_lint(const char *domain, const struct record *spf, const struct record *dmarc,
                const struct record *const *dkim, size_t ndkim, struct diag_list *out);

#endif
