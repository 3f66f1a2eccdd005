/* The live SPF include tree (spf_tree.h): nodes for the records include
 * and redirect reach, filled level by level from DNS answers the network
 * layer attaches, with the lookup counts of RFC 7208 §4.6.4 and the live
 * lint rules.  Bounded by hard caps on nodes, depth and targets. */
#include "authtxt/spf_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_internal.h"

/* ---------------------------------------------------------------------- */
/* Nodes                                                                   */

void spf_tree_init(struct spf_tree *t) { memset(t, 0, sizeof *t); }

static void node_clear(struct spf_node *n)
{
    free(n->domain);
    dns_txt_answer_free(&n->txt);
    spf_record_free(&n->record);
    for (size_t i = 0; i < n->ntargets; i++)
        free(n->targets[i].name);
    free(n->targets);
}

void spf_tree_free(struct spf_tree *t)
{
    for (size_t i = 0; i < t->count; i++)
        node_clear(&t->nodes[i]);
    free(t->nodes);
    spf_tree_init(t);
}

/* A copy of a domain-spec without its trailing dot. */
static char *domain_copy(const char *d)
{
    size_t n = strlen(d);
    if (n > 1 && d[n - 1] == '.')
        n--;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, d, n);
        p[n] = '\0';
    }
    return p;
}

/* DNS names compare without ASCII case (RFC 4343). */
static bool domain_same(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (spf_lower((unsigned char)*a) != spf_lower((unsigned char)*b))
            return false;
        if (!*a)
            return true;
    }
}

static struct spf_node *node_new(struct spf_tree *t, const char *domain, enum spf_edge edge,
                                 size_t parent, size_t parent_term)
{
    if (!t->nodes) {
        /* Allocated once at the cap, so node addresses never move. */
        t->nodes = calloc(SPF_TREE_MAX_NODES, sizeof *t->nodes);
        if (!t->nodes)
            return NULL;
    }
    if (t->count >= SPF_TREE_MAX_NODES) {
        t->truncated = true;
        return NULL;
    }
    struct spf_node *n = &t->nodes[t->count];
    memset(n, 0, sizeof *n);
    n->domain = domain_copy(domain);
    if (!n->domain)
        return NULL;
    t->count++;
    n->edge = edge;
    n->parent = parent;
    n->parent_term = parent_term;
    n->first_child = n->next_sibling = SPF_NONE;
    n->spf_txt = SPF_NONE;
    dns_txt_answer_init(&n->txt);
    spf_record_init(&n->record);
    n->state = SPF_NODE_WAITING;
    if (parent != SPF_NONE) {
        struct spf_node *p = &t->nodes[parent];
        n->depth = p->depth + 1;
        /* Link as the last child: children are made in evaluation order. */
        size_t *link = &p->first_child;
        while (*link != SPF_NONE)
            link = &t->nodes[*link].next_sibling;
        *link = (size_t)(n - t->nodes);
        /* RFC 7208 §4.6.4: a chain back to a domain on the path never ends. */
        for (size_t a = parent; a != SPF_NONE; a = t->nodes[a].parent) {
            if (domain_same(t->nodes[a].domain, n->domain)) {
                n->state = SPF_NODE_LOOP;
                break;
            }
        }
        if (n->state == SPF_NODE_WAITING && n->depth > SPF_TREE_MAX_DEPTH) {
            n->state = SPF_NODE_TOO_DEEP;
            t->truncated = true;
        }
    }
    return n;
}

static bool tree_reset(struct spf_tree *t)
{
    for (size_t i = 0; i < t->count; i++)
        node_clear(&t->nodes[i]);
    struct spf_node *keep = t->nodes;
    memset(t, 0, sizeof *t);
    t->nodes = keep;
    return true;
}

bool spf_tree_start(struct spf_tree *t, const char *domain)
{
    tree_reset(t);
    if (!domain || !domain[0])
        return false;
    return node_new(t, domain, SPF_EDGE_ROOT, SPF_NONE, SPF_NONE) != NULL;
}

/* ---------------------------------------------------------------------- */
/* Counting (RFC 7208 §4.6.4)                                              */

static void record_void(struct spf_tree *t, size_t node, size_t target)
{
    t->void_lookups++;
    t->nodes[node].void_lookups++;
    if (t->nvoids < SPF_TREE_MAX_VOIDS) {
        t->voids[t->nvoids].node = node;
        t->voids[t->nvoids].target = target;
        t->nvoids++;
    }
}

/* Subtree sums and running totals over the whole tree.  Children have
 * larger indices than their parents, so one backward and one forward pass
 * do it.  O(nodes). */
static void tree_evaluate(struct spf_tree *t)
{
    for (size_t i = 0; i < t->count; i++)
        t->nodes[i].subtree_lookups = t->nodes[i].own_lookups;
    for (size_t i = t->count; i-- > 1;)
        t->nodes[t->nodes[i].parent].subtree_lookups += t->nodes[i].subtree_lookups;
    if (t->count)
        t->nodes[0].running_before = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct spf_node *n = &t->nodes[i];
        int siblings = 0;
        for (size_t c = n->first_child; c != SPF_NONE; c = t->nodes[c].next_sibling) {
            struct spf_node *child = &t->nodes[c];
            child->running_before = n->running_before + child->lookups_before_child + siblings;
            siblings += child->subtree_lookups;
        }
    }
    t->lookups = t->count ? t->nodes[0].subtree_lookups : 0;
}

/* ---------------------------------------------------------------------- */
/* Expanding a parsed record                                               */

static bool target_add(struct spf_tree *t, struct spf_node *n, size_t term,
                       enum spf_term_kind kind, enum spf_query_type type, const char *name)
{
    if (t->ntargets >= SPF_TREE_MAX_TARGETS) {
        t->truncated = true;
        return true;
    }
    if (n->ntargets % 8 == 0) {
        struct spf_target *p = realloc(n->targets, (n->ntargets + 8) * sizeof *p);
        if (!p)
            return false;
        n->targets = p;
    }
    struct spf_target *g = &n->targets[n->ntargets];
    memset(g, 0, sizeof *g);
    g->term = term;
    g->kind = kind;
    g->type = type;
    g->status = DNS_PENDING;
    if (name) {
        g->name = domain_copy(name);
        if (!g->name)
            return false;
    }
    n->ntargets++;
    t->ntargets++;
    return true;
}

/* Does this node's exp= matter?  Receivers use the exp of the record the
 * evaluation started at, or of the record a redirect led to (§6.2). */
static bool exp_used(const struct spf_tree *t, size_t node)
{
    for (size_t i = node; i != SPF_NONE; i = t->nodes[i].parent)
        if (t->nodes[i].edge == SPF_EDGE_INCLUDE)
            return false;
    return true;
}

static bool usable_target(const struct spf_term *term)
{
    return term->domain && term->domain[0] && (term->flags & SPF_TERM_DOMAIN_OK) &&
           !(term->flags & (SPF_TERM_MACRO | SPF_TERM_ERROR));
}

static bool node_expand(struct spf_tree *t, size_t index)
{
    struct spf_node *n = &t->nodes[index];
    const struct spf_record *r = &n->record;
    n->own_lookups = r->lookups;
    int before = 0;
    bool exp_wanted = exp_used(t, index);
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *term = &r->terms[i];
        if (term->kind != SPF_TERM_REDIRECT)
            before += term->lookups;
        switch (term->kind) {
        case SPF_TERM_INCLUDE:
            if (usable_target(term)) {
                struct spf_node *c = node_new(t, term->domain, SPF_EDGE_INCLUDE, index, i);
                if (c)
                    c->lookups_before_child = before;
                else if (!t->truncated)
                    return false;
            }
            break;
        case SPF_TERM_A:
        case SPF_TERM_MX: {
            const char *name = term->domain ? term->domain : n->domain;
            bool known = !(term->flags & (SPF_TERM_MACRO | SPF_TERM_ERROR)) && name[0];
            if (!target_add(t, n, i, term->kind, term->kind == SPF_TERM_A ? SPF_QUERY_ADDR
                                                                          : SPF_QUERY_MX,
                            known ? name : NULL))
                return false;
            break;
        }
        case SPF_TERM_EXISTS:
            if (!target_add(t, n, i, term->kind, SPF_QUERY_A,
                            usable_target(term) ? term->domain : NULL))
                return false;
            break;
        case SPF_TERM_PTR:
            if (!target_add(t, n, i, term->kind, SPF_QUERY_ADDR, NULL))
                return false;
            break;
        case SPF_TERM_EXP:
            if (exp_wanted && i == r->exp_index &&
                !target_add(t, n, i, term->kind, SPF_QUERY_TXT,
                            usable_target(term) ? term->domain : NULL))
                return false;
            break;
        default:
            break;
        }
    }
    const char *redirect;
    if (spf_has_effective_redirect(r, &redirect) && redirect &&
        !(r->terms[r->redirect_index].flags & SPF_TERM_MACRO)) {
        struct spf_node *c = node_new(t, redirect, SPF_EDGE_REDIRECT, index, r->redirect_index);
        if (c)
            c->lookups_before_child = r->lookups;
        else if (!t->truncated)
            return false;
    }
    return true;
}

bool spf_tree_start_text(struct spf_tree *t, const char *domain, const char *text, size_t len)
{
    if (!spf_tree_start(t, domain))
        return false;
    struct spf_node *root = &t->nodes[0];
    if (!spf_parse(&root->record, text, len, NULL))
        return false;
    root->state = SPF_NODE_DONE;
    root->result = SPF_RESULT_RECORD;
    bool ok = node_expand(t, 0);
    tree_evaluate(t);
    return ok;
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

static bool is_spf1(const char *s, size_t n)
{
    return spf_text_classify(s, n) == SPF_TEXT_RECORD; /* RFC 7208 §4.5 */
}

static bool is_sender_id(const char *s, size_t n)
{
    /* RFC 4406 §3.1: "spf2.0/" scope *( "," scope ) */
    if (n < 7 || !spf_eq_nocase(s, 7, "spf2.0/"))
        return false;
    for (size_t i = 7; i + 3 <= n && s[i] != ' '; i++)
        if (spf_eq_nocase(s + i, 3, "pra") && (i + 3 == n || s[i + 3] == ',' || s[i + 3] == ' '))
            return true;
    return false;
}

size_t spf_tree_pending(const struct spf_tree *t, struct spf_query *out, size_t max)
{
    size_t total = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct spf_node *n = &t->nodes[i];
        if (n->state == SPF_NODE_WAITING) {
            if (total < max) {
                out[total].node = i;
                out[total].target = SPF_NONE;
                out[total].type = SPF_QUERY_TXT;
                out[total].name = n->domain;
            }
            total++;
        }
        for (size_t k = 0; k < n->ntargets; k++) {
            const struct spf_target *g = &n->targets[k];
            if (!g->name || g->status != DNS_PENDING)
                continue;
            if (total < max) {
                out[total].node = i;
                out[total].target = k;
                out[total].type = g->type;
                out[total].name = g->name;
            }
            total++;
        }
    }
    return total;
}

static bool answer_copy(struct dns_txt_answer *to, const struct dns_txt_answer *from)
{
    dns_txt_answer_free(to);
    to->status = from->status;
    for (size_t i = 0; i < from->count; i++) {
        const struct dns_txt *rec = &from->records[i];
        const char *strings[1] = {rec->text};
        size_t lengths[1] = {rec->len};
        bool ok;
        if (rec->nstrings <= 1) {
            ok = dns_txt_answer_add(to, strings, lengths, rec->nstrings ? 1 : 0);
        } else {
            /* Keep the string boundaries: rebuild them from the end offsets. */
            const char **ss = malloc(rec->nstrings * sizeof *ss);
            size_t *ls = malloc(rec->nstrings * sizeof *ls);
            ok = ss && ls;
            for (size_t k = 0; ok && k < rec->nstrings; k++) {
                size_t start = k ? rec->string_ends[k - 1] : 0;
                ss[k] = rec->text + start;
                ls[k] = rec->string_ends[k] - start;
            }
            ok = ok && dns_txt_answer_add(to, ss, ls, rec->nstrings);
            free(ss);
            free(ls);
        }
        if (!ok)
            return false;
    }
    return true;
}

bool spf_tree_attach_txt(struct spf_tree *t, size_t node, const struct dns_txt_answer *answer)
{
    if (node >= t->count || t->nodes[node].state != SPF_NODE_WAITING)
        return false;
    struct spf_node *n = &t->nodes[node];
    if (!answer_copy(&n->txt, answer))
        return false;
    n->state = SPF_NODE_DONE;
    bool ok = true;
    if (answer->status == DNS_OK) {
        size_t found = 0;
        for (size_t i = 0; i < answer->count; i++) {
            const struct dns_txt *rec = &answer->records[i];
            if (is_spf1(rec->text, rec->len)) {
                if (!found)
                    n->spf_txt = i;
                found++;
            } else if (is_sender_id(rec->text, rec->len)) {
                n->sender_id = true;
            }
        }
        if (found == 1) {
            n->result = SPF_RESULT_RECORD;
            const struct dns_txt *rec = &n->txt.records[n->spf_txt];
            ok = spf_parse(&n->record, rec->text, rec->len, NULL) && node_expand(t, node);
        } else {
            n->result = found ? SPF_RESULT_MULTIPLE : SPF_RESULT_NONE;
            n->spf_txt = found ? n->spf_txt : SPF_NONE;
        }
    } else if (dns_status_is_void(answer->status)) {
        n->result = SPF_RESULT_NONE;
        /* The root's own query is not a term's; below it, an include or
         * redirect that finds nothing is a void lookup (§4.6.4). */
        if (node != 0)
            record_void(t, node, SPF_NONE);
    } else {
        n->result = SPF_RESULT_DNS_ERROR;
    }
    tree_evaluate(t);
    return ok;
}

bool spf_tree_attach_target(struct spf_tree *t, size_t node, size_t target,
                            enum dns_status status, unsigned count)
{
    if (node >= t->count || target >= t->nodes[node].ntargets)
        return false;
    struct spf_target *g = &t->nodes[node].targets[target];
    if (g->status != DNS_PENDING || g->type == SPF_QUERY_TXT || status == DNS_PENDING)
        return false;
    /* An answer without records is NODATA whatever the caller called it. */
    if (status == DNS_OK && count == 0)
        status = DNS_NODATA;
    g->status = status;
    g->count = count;
    if (dns_status_is_void(status))
        record_void(t, node, target);
    return true;
}

bool spf_tree_attach_exp(struct spf_tree *t, size_t node, size_t target,
                         const struct dns_txt_answer *answer)
{
    if (node >= t->count || target >= t->nodes[node].ntargets)
        return false;
    struct spf_target *g = &t->nodes[node].targets[target];
    if (g->status != DNS_PENDING || g->type != SPF_QUERY_TXT || answer->status == DNS_PENDING)
        return false;
    g->status = answer->status == DNS_OK && answer->count == 0 ? DNS_NODATA : answer->status;
    g->count = g->status == DNS_OK ? (unsigned)(answer->count > 999 ? 999 : answer->count) : 0;
    if (g->count == 1)
        g->exp_bad = !spf_explain_string_check(answer->records[0].text, answer->records[0].len,
                                               NULL);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Lint                                                                    */

void spf_tree_root_span(const struct spf_tree *t, size_t node, size_t term, size_t *start,
                        size_t *end)
{
    *start = *end = 0;
    if (!t->count || node >= t->count)
        return;
    const struct spf_record *root = &t->nodes[0].record;
    if (t->nodes[0].result != SPF_RESULT_RECORD)
        return;
    size_t root_term = term;
    if (node != 0) {
        size_t a = node;
        while (t->nodes[a].parent != 0)
            a = t->nodes[a].parent;
        root_term = t->nodes[a].parent_term;
    }
    if (root_term < root->count) {
        *start = root->terms[root_term].whole.start;
        *end = root->terms[root_term].whole.end;
    }
}

static const char *edge_name(enum spf_edge e)
{
    return e == SPF_EDGE_REDIRECT ? "redirect=" : "include:";
}

/* "a.example -> b.example -> c.example", bounded to fit a message. */
static void path_text(const struct spf_tree *t, size_t node, char *buf, size_t size)
{
    size_t chain[SPF_TREE_MAX_DEPTH + 2];
    size_t n = 0;
    for (size_t a = node; a != SPF_NONE && n < sizeof chain / sizeof chain[0];
         a = t->nodes[a].parent)
        chain[n++] = a;
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = n; k-- > 0 && o + 8 < size;) {
        char snip[SPF_SNIPPET_MAX];
        const char *d = t->nodes[chain[k]].domain;
        spf_snippet(d, strlen(d), snip);
        size_t need = strlen(snip) + (k + 1 < n ? 4 : 0);
        if (o + need + 4 >= size) {
            memcpy(buf + o, " ...", 5);
            return;
        }
        if (k + 1 < n) {
            memcpy(buf + o, " -> ", 4);
            o += 4;
        }
        memcpy(buf + o, snip, strlen(snip) + 1);
        o += strlen(snip);
    }
}

static void lint_nodes(const struct spf_tree *t, struct diag_list *diags)
{
    char dom[SPF_SNIPPET_MAX], path[160];
    for (size_t i = 0; i < t->count; i++) {
        const struct spf_node *n = &t->nodes[i];
        size_t s, e;
        spf_tree_root_span(t, i, SPF_NONE, &s, &e);
        spf_snippet(n->domain, strlen(n->domain), dom);
        if (n->state == SPF_NODE_LOOP) {
            path_text(t, i, path, sizeof path);
            diag_add(diags, RULE_SPF_INCLUDE_LOOP, s, e,
                     "%s%s leads back to a domain already on the path (%s): receivers return "
                     "permerror",
                     edge_name(n->edge), dom, path);
            continue;
        }
        if (n->state != SPF_NODE_DONE)
            continue;
        if (n->result == SPF_RESULT_MULTIPLE) {
            size_t found = 0;
            for (size_t k = 0; k < n->txt.count; k++)
                found += is_spf1(n->txt.records[k].text, n->txt.records[k].len);
            diag_add(diags, RULE_SPF_MULTIPLE_RECORDS, s, e,
                     "%s publishes %zu v=spf1 records: receivers return permerror; merge them "
                     "into one",
                     dom, found);
        } else if (n->result == SPF_RESULT_NONE && n->edge == SPF_EDGE_ROOT) {
            /* RFC 7208 §4.5: no record, result none; receivers then judge
             * the mail without SPF, and DMARC cannot pass through SPF. */
            const char *why =
                n->txt.status == DNS_OK ? "no v=spf1 TXT record" : dns_status_name(n->txt.status);
            diag_add(diags, RULE_SPF_NOT_FOUND, 0, 0,
                     "%s publishes no SPF record (%s): receivers get SPF result none for its "
                     "mail; publish one, at least v=spf1 -all for a domain that sends no mail",
                     dom, why);
        } else if (n->result == SPF_RESULT_NONE && n->edge != SPF_EDGE_ROOT) {
            const char *why = n->txt.status == DNS_OK ? "no v=spf1 TXT record"
                                                      : dns_status_name(n->txt.status);
            if (n->edge == SPF_EDGE_INCLUDE)
                diag_add(diags, RULE_SPF_INCLUDE_NO_RECORD, s, e,
                         "include:%s finds no SPF record there (%s): receivers return permerror",
                         dom, why);
            else
                diag_add(diags, RULE_SPF_REDIRECT_NO_RECORD, s, e,
                         "redirect=%s finds no SPF record there (%s): receivers return permerror",
                         dom, why);
        }
        if (i == 0 && n->sender_id)
            diag_add(diags, RULE_SPF_SENDER_ID, 0, 0,
                     "%s also publishes a Sender ID record (spf2.0/pra): it is historic and "
                     "confuses some receivers; remove it",
                     dom);
        for (size_t k = 0; k < n->ntargets; k++) {
            const struct spf_target *g = &n->targets[k];
            if (!g->name)
                continue;
            char name[SPF_SNIPPET_MAX];
            spf_snippet(g->name, strlen(g->name), name);
            spf_tree_root_span(t, i, g->term, &s, &e);
            const char *in = i == 0 ? "" : " (in ";
            const char *in_end = i == 0 ? "" : ")";
            const char *in_dom = i == 0 ? "" : dom;
            if (g->kind == SPF_TERM_EXP) {
                if (dns_status_is_void(g->status))
                    diag_add(diags, RULE_SPF_EXP_TARGET, s, e,
                             "exp=%s has no TXT record (%s): receivers use their default "
                             "explanation",
                             name, dns_status_name(g->status));
                else if (g->status == DNS_OK && g->count > 1)
                    diag_add(diags, RULE_SPF_EXP_TARGET, s, e,
                             "exp=%s has %u TXT records: with more than one, receivers ignore "
                             "exp=",
                             name, g->count);
                else if (g->status == DNS_OK && g->exp_bad)
                    diag_add(diags, RULE_SPF_EXP_TARGET, s, e,
                             "the explanation at %s has bad macros or non-ASCII text: "
                             "receivers ignore exp=",
                             name);
                continue;
            }
            if (g->kind == SPF_TERM_MX && g->status == DNS_OK && g->count > SPF_MX_LIMIT)
                diag_add(diags, RULE_SPF_MX_TOO_MANY, s, e,
                         "mx at %s%s%s%s: %u MX hosts, more than 10: receivers return permerror",
                         name, in, in_dom, in_end, g->count);
            if (dns_status_is_void(g->status))
                diag_add(diags, RULE_SPF_VOID_TARGET, s, e,
                         "%s:%s%s%s%s has no %s (%s): a void lookup (at most 2 are allowed)",
                         spf_kind_name(g->kind), name, in, in_dom, in_end,
                         g->kind == SPF_TERM_MX ? "MX record" : "address",
                         dns_status_name(g->status));
        }
    }
}

/* The root term at which the running total first passes the limit, in
 * evaluation order (mechanisms, includes' subtrees, then the redirect). */
static size_t limit_term(const struct spf_tree *t)
{
    const struct spf_node *root = &t->nodes[0];
    const struct spf_record *r = &root->record;
    int total = 0;
    size_t child = root->first_child;
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *term = &r->terms[i];
        if (term->kind == SPF_TERM_REDIRECT)
            continue;
        total += term->lookups;
        while (child != SPF_NONE && t->nodes[child].parent_term == i) {
            total += t->nodes[child].subtree_lookups;
            child = t->nodes[child].next_sibling;
        }
        if (total > SPF_LOOKUP_LIMIT)
            return i;
    }
    return r->redirect_index;
}

static void lint_counts(const struct spf_tree *t, struct diag_list *diags)
{
    const struct spf_node *root = &t->nodes[0];
    char dom[SPF_SNIPPET_MAX];
    spf_snippet(root->domain, strlen(root->domain), dom);
    if (t->lookups > SPF_LOOKUP_LIMIT && root->own_lookups <= SPF_LOOKUP_LIMIT) {
        size_t term = limit_term(t), s = 0, e = 0;
        char what[SPF_SNIPPET_MAX] = "";
        if (term != SPF_NONE) {
            struct strbuf sb;
            strbuf_init(&sb);
            spf_term_write(&root->record.terms[term], &sb);
            spf_snippet(strbuf_cstr(&sb), sb.len, what);
            strbuf_free(&sb);
            spf_tree_root_span(t, 0, term, &s, &e);
        }
        diag_add(diags, RULE_SPF_LOOKUP_LIMIT, s, e,
                 "%d DNS lookups through includes and redirects, over the limit of 10: "
                 "receivers return permerror from '%s' on; flatten or drop includes",
                 t->lookups, what);
    }
    if (t->void_lookups > SPF_VOID_LIMIT) {
        /* The third void in tree order (deterministic whatever order the
         * answers came in). */
        size_t seen = 0, s = 0, e = 0;
        for (size_t i = 0; i < t->count && seen <= SPF_VOID_LIMIT; i++) {
            const struct spf_node *n = &t->nodes[i];
            if (i && n->state == SPF_NODE_DONE && dns_status_is_void(n->txt.status) &&
                ++seen == SPF_VOID_LIMIT + 1)
                spf_tree_root_span(t, i, SPF_NONE, &s, &e);
            for (size_t k = 0; k < n->ntargets && seen <= SPF_VOID_LIMIT; k++)
                if (dns_status_is_void(n->targets[k].status) && ++seen == SPF_VOID_LIMIT + 1)
                    spf_tree_root_span(t, i, n->targets[k].term, &s, &e);
        }
        diag_add(diags, RULE_SPF_VOID_LOOKUP_LIMIT, s, e,
                 "%u lookups find nothing (NXDOMAIN or no answer), over the limit of 2: "
                 "receivers return permerror; remove terms whose names do not exist",
                 t->void_lookups);
    }
    diag_add(diags, RULE_SPF_LOOKUP_COUNT, 0, 0,
             "%d of the 10 allowed DNS lookups through the whole tree of %s (%d in its own "
             "record), %u void%s",
             t->lookups, dom, root->own_lookups, t->void_lookups,
             t->truncated ? "; the tree was cut off at its size limits" : "");
}

/* Includes reached more than once (not both in the root record, which
 * spf_lint already checks). */
static void lint_duplicate_includes(const struct spf_tree *t, struct diag_list *diags)
{
    for (size_t i = 1; i < t->count; i++) {
        const struct spf_node *n = &t->nodes[i];
        if (n->edge != SPF_EDGE_INCLUDE)
            continue;
        for (size_t j = 1; j < i; j++) {
            const struct spf_node *m = &t->nodes[j];
            if (m->edge != SPF_EDGE_INCLUDE || !domain_same(m->domain, n->domain))
                continue;
            /* Both in the root record is spf_lint's; under two copies of
             * the same include it is that duplicate again. */
            if ((n->parent == 0 && m->parent == 0) ||
                domain_same(t->nodes[n->parent].domain, t->nodes[m->parent].domain))
                break;
            char dom[SPF_SNIPPET_MAX], a[SPF_SNIPPET_MAX], b[SPF_SNIPPET_MAX];
            const char *pa = t->nodes[m->parent].domain, *pb = t->nodes[n->parent].domain;
            size_t s, e;
            spf_tree_root_span(t, i, SPF_NONE, &s, &e);
            diag_add(diags, RULE_SPF_DUPLICATE_INCLUDE, s, e,
                     "include:%s is reached twice (from %s and from %s): its lookups count "
                     "twice; include it once",
                     spf_snippet(n->domain, strlen(n->domain), dom),
                     spf_snippet(pa, strlen(pa), a), spf_snippet(pb, strlen(pb), b));
            break;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Netblocks across the tree                                                */

struct netblock {
    unsigned char net[16];
    unsigned char family; /* 4 or 6 */
    unsigned char len;
    bool pass;
    size_t node, term, branch;
};

#define NETBLOCK_MAX 20000 /* considered; a real tree has a few hundred */

static int netblock_cmp(const void *pa, const void *pb)
{
    const struct netblock *a = pa, *b = pb;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->net, b->net, 16);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return a->term < b->term ? -1 : a->term > b->term;
}

static bool contains(const struct netblock *outer, const struct netblock *inner)
{
    if (outer->family != inner->family || outer->len > inner->len)
        return false;
    int full = outer->len / 8, rest = outer->len % 8;
    if (memcmp(outer->net, inner->net, (size_t)full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (outer->net[full] & mask) == (inner->net[full] & mask);
}

static size_t branch_of(const struct spf_tree *t, size_t node)
{
    if (node == 0)
        return 0;
    while (t->nodes[node].parent != 0)
        node = t->nodes[node].parent;
    return node;
}

static void netblock_text(const struct spf_tree *t, const struct netblock *b, char *buf,
                          size_t size)
{
    char addr[46];
    if (b->family == 4)
        spf_ip4_text(b->net, addr);
    else
        spf_ip6_text(b->net, addr);
    const char *d = t->nodes[b->node].domain;
    char dom[SPF_SNIPPET_MAX];
    snprintf(buf, size, "ip%c:%s/%u (%s)", b->family == 4 ? '4' : '6', addr, b->len,
             spf_snippet(d, strlen(d), dom));
}

static void lint_netblocks(const struct spf_tree *t, struct diag_list *diags)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        if (t->nodes[i].result == SPF_RESULT_RECORD)
            for (size_t k = 0; k < t->nodes[i].record.count; k++)
                n += (t->nodes[i].record.terms[k].flags & SPF_TERM_ADDR_OK) != 0;
    if (n < 2)
        return;
    if (n > NETBLOCK_MAX)
        n = NETBLOCK_MAX;
    struct netblock *v = malloc(n * sizeof *v);
    if (!v) {
        if (diags)
            diags->oom = true;
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < t->count && m < n; i++) {
        const struct spf_node *node = &t->nodes[i];
        if (node->result != SPF_RESULT_RECORD)
            continue;
        size_t branch = branch_of(t, i);
        for (size_t k = 0; k < node->record.count && m < n; k++) {
            const struct spf_term *term = &node->record.terms[k];
            if (!(term->flags & SPF_TERM_ADDR_OK))
                continue;
            struct netblock *b = &v[m++];
            bool six = term->kind == SPF_TERM_IP6;
            int len = six ? (term->cidr6 < 0 ? 128 : term->cidr6)
                          : (term->cidr4 < 0 ? 32 : term->cidr4);
            memset(b->net, 0, 16);
            for (int j = 0; j < (six ? 16 : 4); j++)
                b->net[j] = term->addr[j] & spf_mask_byte(len, j);
            b->family = six ? 6 : 4;
            b->len = (unsigned char)len;
            b->pass = spf_qualifier_effective(term->qualifier) == SPF_QUALIFIER_PASS;
            b->node = i;
            b->term = k;
            b->branch = branch;
        }
    }
    qsort(v, m, sizeof *v, netblock_cmp);
    /* CIDR blocks nest or are disjoint: in this order a block's containers
     * come before it, so a stack of open containers finds them all. */
    size_t stack[130];
    size_t depth = 0, overlaps = 0;
    for (size_t i = 0; i < m; i++) {
        const struct netblock *b = &v[i];
        if (i && v[i - 1].family == b->family && v[i - 1].len == b->len &&
            memcmp(v[i - 1].net, b->net, 16) == 0) {
            /* The same network twice: a duplicate unless both are in the
             * root record (spf_lint reports those). */
            if ((v[i - 1].node != 0 || b->node != 0) &&
                !domain_same(t->nodes[v[i - 1].node].domain, t->nodes[b->node].domain)) {
                char a[96], c[96];
                size_t s, e;
                netblock_text(t, &v[i - 1], a, sizeof a);
                netblock_text(t, b, c, sizeof c);
                spf_tree_root_span(t, b->node, b->term, &s, &e);
                diag_add(diags, RULE_SPF_DUPLICATE_INCLUDE, s, e,
                         "the same network is listed twice in the tree: %s and %s", a, c);
            }
            continue;
        }
        while (depth && !contains(&v[stack[depth - 1]], b))
            depth--;
        if (b->pass) {
            for (size_t k = depth; k-- > 0;) {
                const struct netblock *o = &v[stack[k]];
                if (!o->pass || o->branch == b->branch)
                    continue;
                if (++overlaps <= 20) {
                    char a[96], c[96];
                    size_t s, e;
                    netblock_text(t, o, a, sizeof a);
                    netblock_text(t, b, c, sizeof c);
                    spf_tree_root_span(t, b->node, b->term, &s, &e);
                    diag_add(diags, RULE_SPF_NETBLOCK_OVERLAP, s, e,
                             "%s lies inside %s, authorized through another branch", c, a);
                }
                break;
            }
        }
        if (depth < sizeof stack / sizeof stack[0])
            stack[depth++] = i;
    }
    if (overlaps > 20)
        diag_add(diags, RULE_SPF_NETBLOCK_OVERLAP, 0, 0,
                 "%zu more overlapping networks across branches are not listed", overlaps - 20);
    free(v);
}

/* RFC 7208 §5.2, §6.1: a syntax error in any record that include: or
 * redirect= reaches makes the whole check_host() evaluation permerror, so
 * every record below the root is linted and its errors are reported on the
 * root term that leads to it, with the path in the message.  Counts
 * (lookups) are the tree's own rules, not each record's. */
static void lint_subrecords(const struct spf_tree *t, struct diag_list *diags)
{
    struct spf_record rec;
    struct diag_list own;
    spf_record_init(&rec);
    diag_list_init(&own);
    char path[160], dom[SPF_SNIPPET_MAX];
    for (size_t i = 1; i < t->count; i++) {
        const struct spf_node *n = &t->nodes[i];
        if (n->state != SPF_NODE_DONE || n->result != SPF_RESULT_RECORD)
            continue;
        const struct dns_txt *txt = &n->txt.records[n->spf_txt];
        diag_list_reset(&own);
        if (!spf_parse(&rec, txt->text, txt->len, &own)) {
            diags->oom = true;
            break;
        }
        spf_lint(&rec, &own);
        size_t s, e;
        spf_tree_root_span(t, i, SPF_NONE, &s, &e);
        path_text(t, i, path, sizeof path);
        spf_snippet(n->domain, strlen(n->domain), dom);
        for (size_t k = 0; k < own.count; k++) {
            const struct diag *d = &own.items[k];
            if (d->severity != DIAG_ERROR || d->rule == RULE_SPF_LOOKUP_LIMIT)
                continue;
            diag_add(diags, d->rule, s, e, "in %s%s (%s): %s", edge_name(n->edge), dom, path,
                     d->message);
        }
        if (own.dropped)
            diag_add(diags, RULE_SPF_SYNTAX, s, e, "in %s%s (%s): %zu more problems not listed",
                     edge_name(n->edge), dom, path, own.dropped);
    }
    spf_record_free(&rec);
    diag_list_free(&own);
}

void spf_tree_lint(const struct spf_tree *t, struct diag_list *diags)
{
    if (!diags || !t->count)
        return;
    lint_nodes(t, diags);
    lint_subrecords(t, diags);
    lint_duplicate_includes(t, diags);
    lint_netblocks(t, diags);
    lint_counts(t, diags);
}
