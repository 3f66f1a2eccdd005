/* The semantic diff of two records of one kind: what changed term by term
 * (SPF terms added, removed, requalified, moved; DMARC and DKIM tags added,
 * removed, changed, with defaults applied, so pct=100 against no pct is
 * "same effect"), and what changed in effect: the DMARC policy for the
 * domain, an existing subdomain and a non-existent subdomain; the DKIM key
 * type and size; for SPF (from two include trees) the authorized address
 * set, the names whose addresses are authorized, lookups, void lookups and
 * the all qualifier.  When the records are of different kinds, or a kind
 * with no semantic diff, a plain line diff stands in.
 *
 * Pure: no I/O.  A diff_result is caller-allocated: diff_result_init once,
 * fill it with diff_records (and diff_spf_effect), read it, then
 * diff_result_free.  It owns every string it holds; it does not point into
 * the records compared, whose spans it copies. */
#ifndef AUTHTXT_DIFF_H
#define AUTHTXT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dmarc.h"
#include "authtxt/ipset.h"
#include "authtxt/record.h"
#include "authtxt/spf.h"
#include "authtxt/spf_tree.h"
#include "authtxt/taglist.h" /* struct span */

#define DIFF_NONE ((size_t)-1)

/* Changes listed at most per result: a 64 KiB record has fewer terms than
 * this; past it `truncated` is set. */
#define DIFF_MAX_CHANGES 40000

enum diff_kind {
    DIFF_ADDED = 0,   /* a term/tag only the after record has */
    DIFF_REMOVED,     /* only the before record has it */
    DIFF_CHANGED,     /* DMARC/DKIM: the tag's value changed */
    DIFF_REQUALIFIED, /* SPF: same mechanism, another qualifier */
    DIFF_MOVED,       /* SPF: same term, another place in the order */
    DIFF_SAME_EFFECT, /* written differently (case, a default made explicit
                         or dropped, CIDR host bits), same meaning */
    DIFF_KIND_COUNT
};

/* "added", "removed", "changed", "requalified", "moved", "same-effect". */
const char *diff_kind_name(enum diff_kind kind);

struct diff_change {
    enum diff_kind kind;
    const char *id;                 /* help id of the term/tag ("spf.mech.ip4",
                                       "dmarc.tag.pct"): static, never NULL */
    size_t before_term, after_term; /* index in each record's term view
                                       (record.terms), DIFF_NONE when absent */
    struct span before, after;      /* the term in each record's text; {0,0}
                                       when absent */
    char *before_text, *after_text; /* copies of those spans (NUL-terminated,
                                       untrusted bytes), NULL when absent */
    char *sentence;                 /* the change in words, one sentence */
    bool effect;                    /* changes what receivers do */
};

/* One line of the plain text diff: ' ' kept, '-' removed, '+' added. */
struct diff_line {
    char op;
    char *text; /* owned copy, untrusted bytes */
    size_t len;
};

/* The effect of an SPF record through its include tree. */
struct diff_spf_side {
    bool present;  /* a tree was given */
    bool complete; /* every include/redirect was answered */
    int lookups;   /* RFC 7208 §4.6.4 count through the tree */
    unsigned void_lookups;
    enum spf_qualifier all;  /* effective qualifier of the root's all
                                (through a redirect when it has none);
                                NONE when there is none */
    struct ipset authorized; /* ip4/ip6 blocks that pass, merged (a
                                passing all adds 0.0.0.0/0 and ::/0) */
    size_t nblocks;          /* blocks written, before merging */
    char **names;            /* "a:mail.example.com", "mx:example.com",
                                "include:x (not fetched)": names whose
                                addresses pass, sorted, unique */
    size_t nnames;
};

struct diff_spf_effect {
    bool present;
    struct diff_spf_side before, after;
    struct ipset added, removed;    /* addresses authorized after and not
                                       before, and the other way round */
    struct ipset after_blocks;      /* the after tree's passing ip4/ip6
                                       blocks, unmerged (origin: the tree
                                       node, an index into after_where) */
    struct ipset_overlap *overlaps; /* in after_blocks: duplicates and blocks
                                       inside another */
    size_t noverlaps;               /* kept (at most 64) */
    size_t overlaps_total;
    char **after_where; /* per node of the after tree: its domain
                           ("_spf.example.net"), to say where a block is */
    size_t nwhere;
    char **names_added, **names_removed; /* borrowed from before/after.names */
    size_t nnames_added, nnames_removed;
    bool changed; /* any of the above differs */
};

/* DMARC: the policy receivers apply, before and after. */
struct diff_dmarc_effect {
    bool present;
    struct dmarc_effect before, after;
    char *before_text, *after_text; /* dmarc_effect_describe of each */
    /* Per scope, one sentence: "failing mail from the domain: none ->
     * quarantine", the RFC 9989 view, then the RFC 7489 view when it
     * differs ("; RFC 7489 receivers: ..."). */
    char *scope_text[DMARC_SCOPE_COUNT];
    bool scope_changed[DMARC_SCOPE_COUNT];
    bool changed;
};

/* DKIM key: type and size before and after (never the base64). */
struct diff_dkim_effect {
    bool present;
    char *before_key, *after_key; /* "2048-bit RSA", "revoked (empty p=)",
                                     "no key record", ... */
    bool key_changed;             /* p= holds another key */
    bool changed;
};

struct diff_result {
    enum record_kind kind; /* RECORD_UNKNOWN for the text fallback */
    bool text_fallback;    /* kinds differ or have no semantic diff */
    bool before_present, after_present;
    struct diff_change *changes; /* in the after record's order, each removed
                                    term after the term that preceded it */
    size_t count, cap;
    struct diff_line *lines; /* the text fallback (else empty) */
    size_t nlines, lines_cap;
    struct diff_spf_effect spf;
    struct diff_dmarc_effect dmarc;
    struct diff_dkim_effect dkim;
    bool text_changed;   /* the texts differ at all */
    bool effect_changed; /* something changes what receivers do */
    bool truncated;      /* DIFF_MAX_CHANGES reached */
    bool oom;            /* an allocation failed: the result is partial */
};

void diff_result_init(struct diff_result *d);
void diff_result_free(struct diff_result *d); /* and leaves it initialized */

/* Compare two analyzed records into d (which is cleared first).  Either
 * may be NULL or empty (len 0): no record, so every term of the other is
 * added or removed.  Records of one kind get the semantic diff of that
 * kind; otherwise (or for DKIM-Signature headers) the line diff.  The
 * SPF term diff needs no DNS; diff_spf_effect adds the tree's effect.
 * Returns false only when out of memory (d->oom).  Cost: SPF O(n log n)
 * in terms (matching by hash-free sort, LIS for moves) plus O(m^2) in the
 * moved terms; DMARC/DKIM O(tags^2); line diff O(lines^2). */
bool diff_records(const struct record *before, const struct record *after, struct diff_result *d);

/* The effect part for SPF from two include trees (either may be NULL: no
 * record); call it after diff_records, which clears d.  A tree whose
 * include/redirect answers are missing (no DNS, a draft alone) still
 * counts its root; `complete` says so.  Sets d->spf and raises
 * d->effect_changed when the effect differs.  Returns false only when out
 * of memory.  O(blocks x blocks) at worst (3,000 blocks: about 4 ms). */
bool diff_spf_effect(const struct spf_tree *before, const struct spf_tree *after,
                     struct diff_result *d);

/* The plain line diff of two texts alone (LCS over lines, '\n' separated),
 * appended to d->lines.  False when out of memory.  O(lines^2), with at
 * most 2000 lines a side compared (the rest removed/added whole). */
bool diff_text_lines(const char *before, size_t blen, const char *after, size_t alen,
                     struct diff_result *d);

/* Counts of d->changes by kind, and of those with effect. */
size_t diff_count_kind(const struct diff_result *d, enum diff_kind kind);

#endif
