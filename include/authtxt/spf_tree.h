/* The live SPF include tree: a domain's SPF record, the records its
 * include: terms and redirect= reach, and the answers for its a, mx and
 * exists targets, with the counts of RFC 7208 §4.6.4 (10 DNS lookups,
 * 2 void lookups, 10 MX hosts per mx term) and the live lint rules.
 *
 * The core never queries: the network layer (src/net) asks which names
 * still need an answer (spf_tree_pending: every query of the next level at
 * once), sends them, and attaches the answers as they arrive; attaching a
 * TXT answer parses the record and adds its children, which become the
 * next level.  Unit tests attach canned answers the same way.
 *
 * Hard caps keep a hostile zone from running away: at most
 * SPF_TREE_MAX_NODES records, SPF_TREE_MAX_DEPTH levels and
 * SPF_TREE_MAX_TARGETS address lookups; what is cut off is flagged, never
 * followed.  A domain already on the path is a loop and is not queried.
 *
 * The tree owns everything it holds (nodes, copies of answers, parsed
 * records); pointers into it are valid until the next spf_tree_start* or
 * spf_tree_free.  Node and target indices never change once given out.
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_SPF_TREE_H
#define AUTHTXT_SPF_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/diag.h"
#include "authtxt/dnsdata.h"
#include "authtxt/spf.h"

#define SPF_TREE_MAX_NODES 200
#define SPF_TREE_MAX_DEPTH 20
#define SPF_TREE_MAX_TARGETS 2000
#define SPF_TREE_MAX_VOIDS 64 /* void lookups remembered (all are counted) */

/* How a node hangs from its parent. */
enum spf_edge { SPF_EDGE_ROOT = 0, SPF_EDGE_INCLUDE, SPF_EDGE_REDIRECT };

enum spf_node_state {
    SPF_NODE_WAITING = 0, /* its TXT answer is needed */
    SPF_NODE_DONE,        /* answered (see result) */
    SPF_NODE_LOOP,        /* the domain is already on the path: not queried */
    SPF_NODE_TOO_DEEP,    /* below SPF_TREE_MAX_DEPTH: not queried */
};

/* What the TXT answer at a node held (RFC 7208 §4.5). */
enum spf_node_result {
    SPF_RESULT_PENDING = 0,
    SPF_RESULT_RECORD,    /* exactly one v=spf1 record: parsed into node.record */
    SPF_RESULT_NONE,      /* no v=spf1 record (NXDOMAIN, no TXT, or other TXT only) */
    SPF_RESULT_MULTIPLE,  /* more than one v=spf1 record: permerror */
    SPF_RESULT_DNS_ERROR, /* timeout, SERVFAIL, ...: temperror */
};

enum spf_query_type {
    SPF_QUERY_TXT = 0, /* a node's SPF record, or an exp= explanation */
    SPF_QUERY_ADDR,    /* A and AAAA (the a mechanism) */
    SPF_QUERY_A,       /* A only (exists, RFC 7208 §5.7) */
    SPF_QUERY_MX,      /* MX (the mx mechanism) */
};

/* One DNS lookup a term of a node's record makes besides include and
 * redirect: a, mx, exists (queryable), ptr (needs the sender's address, so
 * never asked) and exp (the explanation TXT, asked for the records whose
 * exp= receivers use: the root and the redirect chain). */
struct spf_target {
    size_t term;             /* the term's index in the node's record */
    enum spf_term_kind kind; /* A, MX, EXISTS, PTR or EXP */
    enum spf_query_type type;
    char *name;              /* what to query; NULL when it cannot be known
                                here (macros, ptr): never pending */
    enum dns_status status;  /* DNS_PENDING until answered */
    unsigned count;          /* addresses (a, exists), MX hosts (mx), TXT
                                records (exp) */
    bool exp_bad;            /* exp: the one TXT record is not a valid
                                explain-string (bad macros, non-ASCII) */
};

struct spf_node {
    char *domain;              /* as written, trailing dot removed */
    enum spf_edge edge;
    size_t parent;             /* node index; SPF_NONE for the root */
    size_t parent_term;        /* the include/redirect term in the parent's record */
    size_t first_child;        /* node indices in evaluation order (term */
    size_t next_sibling;       /*   order, the redirect last); SPF_NONE ends */
    unsigned depth;            /* the root is 0 */
    enum spf_node_state state;
    enum spf_node_result result;
    struct dns_txt_answer txt; /* a copy of the TXT answer at the domain */
    size_t spf_txt;            /* which txt record is the v=spf1 one, or SPF_NONE */
    bool sender_id;            /* a spf2.0/... record with pra is also there */
    struct spf_record record;  /* parsed when result is RECORD */
    struct spf_target *targets;
    size_t ntargets;
    int own_lookups;           /* this record's DNS-querying terms */
    int subtree_lookups;       /* own plus every descendant's */
    int running_before;        /* lookups spent, in evaluation order, before
                                  this record's first term */
    int lookups_before_child;  /* internal: the parent's own lookups up to and
                                  including the term that leads here */
    unsigned void_lookups;     /* void answers of this node's own lookups */
};

/* Which lookup came back void (NXDOMAIN or no answer). */
struct spf_void {
    size_t node;
    size_t target; /* index in node.targets, or SPF_NONE for the node's TXT */
};

struct spf_tree {
    struct spf_node *nodes; /* nodes[0] is the root; parents before children */
    size_t count;
    int lookups;            /* RFC 7208 §4.6.4 count through the whole tree */
    unsigned void_lookups;  /* through the whole tree */
    struct spf_void voids[SPF_TREE_MAX_VOIDS];
    size_t nvoids;          /* voids remembered (<= SPF_TREE_MAX_VOIDS) */
    size_t ntargets;        /* targets in all nodes */
    bool truncated;         /* a cap was reached: some terms were not followed */
};

/* One lookup the network layer should make.  name is borrowed from the
 * tree (valid until the tree changes shape: the next start or free). */
struct spf_query {
    size_t node;
    size_t target; /* SPF_NONE: the node's own TXT (its SPF record) */
    enum spf_query_type type;
    const char *name;
};

void spf_tree_init(struct spf_tree *t);
void spf_tree_free(struct spf_tree *t);

/* Start over: a root at `domain` that needs its TXT answer.  False when out
 * of memory or the domain is empty. */
bool spf_tree_start(struct spf_tree *t, const char *domain);
/* Start over with the root's record given (a draft being edited): its
 * includes, redirect and targets are pending at once. */
bool spf_tree_start_text(struct spf_tree *t, const char *domain, const char *text, size_t len);

/* The lookups still to make: writes up to max of them to out and returns
 * how many there are in all.  Everything pending can be asked at once (a
 * whole level of the tree).  O(nodes + targets). */
size_t spf_tree_pending(const struct spf_tree *t, struct spf_query *out, size_t max);

/* Attach the TXT answer for node's own query (copied): picks the v=spf1
 * record (RFC 7208 §4.5), parses it, adds its children and targets, and
 * updates the counts.  False when the node is not waiting for one or out of
 * memory.  O(record + nodes). */
bool spf_tree_attach_txt(struct spf_tree *t, size_t node, const struct dns_txt_answer *answer);
/* Attach the answer for an a, mx or exists target: status and how many
 * addresses (a, exists) or MX hosts (mx) it held. */
bool spf_tree_attach_target(struct spf_tree *t, size_t node, size_t target,
                            enum dns_status status, unsigned count);
/* Attach the TXT answer for an exp target. */
bool spf_tree_attach_exp(struct spf_tree *t, size_t node, size_t target,
                         const struct dns_txt_answer *answer);

/* The live rules, with spans in the root record (the root term that leads
 * to the problem) and the domain named in the message: spf-lookup-limit
 * (through the tree; only when the root alone is within the limit, which
 * spf_lint already reports), spf-void-lookup-limit, spf-include-loop,
 * spf-include-no-record, spf-redirect-no-record, spf-multiple-records,
 * spf-mx-too-many, spf-sender-id, spf-void-target, spf-duplicate-include
 * (through the tree, not pairs inside the root record), spf-exp-target,
 * spf-netblock-overlap, and spf-lookup-count with the tree total.
 * O(nodes^2 + netblocks log netblocks). */
void spf_tree_lint(const struct spf_tree *t, struct diag_list *diags);

/* The root-record span a diagnostic about node (and term of its record,
 * or SPF_NONE) is shown at. */
void spf_tree_root_span(const struct spf_tree *t, size_t node, size_t term, size_t *start,
                        size_t *end);

#endif
