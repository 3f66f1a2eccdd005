/* `authtxt fetch DOMAIN`: the live records of a domain, the SPF include
 * tree with its lookup counts, DMARC discovery with report authorization,
 * DKIM keys of the selectors given, the live lint and the DNS errors, as
 * text or JSON.  The fetch itself is src/net/fetch.c; this file prints. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../net/fetch.h"
#include "authtxt/dkim.h"
#include "cli.h"
#include "fetch_out.h"
#include "find_selectors.h"
#include "netopts.h"

enum {
    OPT_JSON = 1000,
    OPT_STRINGS,
    OPT_HELP,
    OPT_DOMAINS,
    OPT_JSONL,
    OPT_CSV,
    OPT_CONCURRENCY,
    OPT_FIND_SELECTORS
};

static const struct option fetch_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"strings", no_argument, NULL, OPT_STRINGS},
    {"help", no_argument, NULL, OPT_HELP},
    {"domains", required_argument, NULL, OPT_DOMAINS},
    {"jsonl", no_argument, NULL, OPT_JSONL},
    {"csv", no_argument, NULL, OPT_CSV},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"find-selectors", no_argument, NULL, OPT_FIND_SELECTORS},
    NETOPTS_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

static const char fetch_usage[] =
    "Usage: authtxt fetch DOMAIN [--selector S]... [--strings] [--find-selectors] [--json]\n"
    "       authtxt fetch --domains FILE|- [--jsonl | --csv] [--concurrency N]\n"
    "         [--selector S]...\n"
    "         [--dns HOST[:PORT] | --doh URL [--doh-insecure | --doh-cafile F]]\n"
    "         [--timeout MS]\n"
    "\n"
    "Fetch the live records of DOMAIN and check them: the SPF record and its\n"
    "include tree (lookups and void lookups counted as RFC 7208 §4.6.4 does,\n"
    "every record of the tree linted), the DMARC policy found by the RFC 9989\n"
    "tree walk with its report destinations' authorization, and the DKIM key\n"
    "of each selector given.\n"
    "\n"
    "  --domains FILE  many domains in one process: one a line ('#' comments;\n"
    "                  - reads standard input); bad or repeated lines are\n"
    "                  reported with their line number and skipped\n"
    "  --jsonl         with --domains: one JSON object a line (the shape of\n"
    "                  --json), written as each domain completes\n"
    "  --csv           with --domains: one row a domain (SPF present, valid,\n"
    "                  lookups, void lookups; DMARC p, sp, np, t and where it\n"
    "                  came from; report authorization; DKIM selectors; worst\n"
    "                  severity; DNS errors)\n"
    "  --concurrency N with --domains: queries in flight at most (default 256);\n"
    "                  answers are shared, so an include is asked once\n"
    "  --selector S    a DKIM selector to fetch (repeatable)\n"
    "  --strings       show how each TXT record is split into strings\n"
    "  --find-selectors  probe common DKIM selectors (and a random one, to tell\n"
    "                  a wildcard) besides those given\n"
    "  --json          JSON output (see authtxt(1) for the shape)\n"
    "  --dns HOST[:PORT]  ask this server instead of the system resolver\n"
    "  --doh URL       DNS over HTTPS (RFC 8484); --doh-cafile F trusts F's CA,\n"
    "                  --doh-insecure skips certificate checks\n"
    "  --timeout MS    the time each try may take (2 tries)\n"
    "  --save-dns FILE write every DNS answer used to FILE (JSON)\n"
    "  --dns-file FILE answer from such a file only, no network; a question\n"
    "                  it does not hold is a DNS error (status 4)\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 clean, 1 warnings only, 2 errors, 3 usage or I/O failure,\n"
    "4 a DNS answer needed could not be had (timeout, SERVFAIL, REFUSED,\n"
    "truncated): the findings are incomplete.\n";

struct fetch_args {
    struct netopts net;
    bool json, strings, find_selectors;
    const char *domain;
    struct fetch_batch_args batch; /* --domains */
};

static int parse_args(int argc, char **argv, struct fetch_args *a)
{
    memset(a, 0, sizeof *a);
    netopts_init(&a->net);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", fetch_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            a->json = true;
            break;
        case OPT_STRINGS:
            a->strings = true;
            break;
        case OPT_DOMAINS:
            a->batch.list = optarg;
            break;
        case OPT_JSONL:
            a->batch.format = FETCH_BATCH_JSONL;
            break;
        case OPT_CSV:
            a->batch.format = FETCH_BATCH_CSV;
            break;
        case OPT_CONCURRENCY: {
            /* Length-checked decimal: no atoi on user text. */
            unsigned long v = 0;
            size_t i = 0;
            for (; optarg[i] >= '0' && optarg[i] <= '9' && i < 6; i++)
                v = v * 10 + (unsigned long)(optarg[i] - '0');
            if (i == 0 || optarg[i] || v < 1 || v > FETCH_BATCH_MAX_CONCURRENCY)
                return cli_usage_error("--concurrency %s: give a number of queries from 1 to %d",
                                       optarg, FETCH_BATCH_MAX_CONCURRENCY);
            a->batch.concurrency = (unsigned)v;
            break;
        }
        case OPT_FIND_SELECTORS:
            a->find_selectors = true;
            break;
        case OPT_HELP:
            fputs(fetch_usage, stdout);
            exit(CLI_CLEAN);
        default: {
            int r = netopts_option(&a->net, c, optarg, argv);
            if (r != 1)
                return r;
            break;
        }
        }
    }
    int r = netopts_check(&a->net);
    if (r)
        return r;
    if (a->batch.list) {
        if (argc - optind != 0)
            return cli_usage_error("--domains reads the domains from a file; give no DOMAIN too");
        if (a->json)
            return cli_usage_error("with --domains, use --jsonl (one JSON object a line) or --csv");
        if (a->strings || a->find_selectors)
            return cli_usage_error("--strings and --find-selectors are for one domain");
        return -1;
    }
    if (a->batch.format != FETCH_BATCH_TEXT || a->batch.concurrency)
        return cli_usage_error("--jsonl, --csv and --concurrency go with --domains FILE");
    if (argc - optind != 1)
        return cli_usage_error("fetch needs one domain (or --domains FILE for many)");
    a->domain = argv[optind];
    return -1;
}

/* ---- shared helpers --------------------------------------------------- */

static const char *answer_status_name(enum dns_status s)
{
    return s == DNS_OK ? "NOERROR" : dns_status_name(s);
}

static const char *spf_term_text(const struct spf_node *n, size_t term, size_t *len)
{
    if (n->result != SPF_RESULT_RECORD || n->spf_txt == SPF_NONE || term >= n->record.count) {
        *len = 0;
        return "";
    }
    const struct dns_txt *t = &n->txt.records[n->spf_txt];
    const struct span *w = &n->record.terms[term].whole;
    size_t s = w->start < t->len ? w->start : t->len;
    size_t e = w->end < t->len ? w->end : t->len;
    *len = e > s ? e - s : 0;
    return t->text + s;
}

static const char *dmarc_status_name(enum dmarc_discovery_status s)
{
    switch (s) {
    case DMARC_DISCOVERY_PENDING:
        return "pending";
    case DMARC_DISCOVERY_FOUND:
        return "found";
    case DMARC_DISCOVERY_NOT_FOUND:
        return "not-found";
    case DMARC_DISCOVERY_DNS_ERROR:
        return "dns-error";
    }
    return "?";
}

static const char *report_status_name(enum dmarc_report_status s)
{
    switch (s) {
    case DMARC_REPORT_PENDING:
        return "pending";
    case DMARC_REPORT_AUTHORIZED:
        return "authorized";
    case DMARC_REPORT_UNAUTHORIZED:
        return "unauthorized";
    case DMARC_REPORT_UNKNOWN:
        return "unknown";
    }
    return "?";
}

static const char *node_result_name(const struct spf_node *n)
{
    switch (n->state) {
    case SPF_NODE_LOOP:
        return "loop";
    case SPF_NODE_TOO_DEEP:
        return "too-deep";
    case SPF_NODE_WAITING:
        return "pending";
    case SPF_NODE_DONE:
        break;
    }
    switch (n->result) {
    case SPF_RESULT_RECORD:
        return "record";
    case SPF_RESULT_NONE:
        return "none";
    case SPF_RESULT_MULTIPLE:
        return "multiple";
    case SPF_RESULT_DNS_ERROR:
        return "dns-error";
    case SPF_RESULT_PENDING:
        break;
    }
    return "pending";
}

static const char *edge_name(enum spf_edge e)
{
    return e == SPF_EDGE_INCLUDE ? "include" : e == SPF_EDGE_REDIRECT ? "redirect" : "root";
}

/* ---- text ------------------------------------------------------------- */

static void print_record_line(const char *label, const struct dns_txt *t, bool strings)
{
    printf("  %s: \"", label);
    out_safe(stdout, t->text, t->len);
    puts("\"");
    if ((strings || t->nstrings > 1) && t->nstrings) {
        printf("    %zu strings:", t->nstrings);
        size_t at = 0;
        for (size_t k = 0; k < t->nstrings; k++) {
            size_t end = t->string_ends[k] <= t->len ? t->string_ends[k] : t->len;
            if (end < at)
                end = at;
            fputs(" \"", stdout);
            out_safe(stdout, t->text + at, end - at);
            fputc('"', stdout);
            at = end;
        }
        fputc('\n', stdout);
    }
}

static void print_diags(const char *origin, const char *text, size_t len,
                        const struct diag_list *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (len > 0 && !(d->start == 0 && d->end == 0)) {
            out_diag_text(stdout, origin, text, len, d, 1, 1);
            continue;
        }
        const struct lint_rule *rule = rule_get(d->rule);
        fputs(origin, stdout);
        printf(": %s: ", diag_severity_name(d->severity));
        out_safe(stdout, d->message, strlen(d->message));
        printf(" [%s]", rule->code);
        if (rule->ref[0])
            printf(" (%s)", rule->ref);
        fputc('\n', stdout);
    }
}

static void print_node_status(const struct spf_node *n)
{
    switch (n->state) {
    case SPF_NODE_LOOP:
        fputs("  LOOP: already on the path, not followed", stdout);
        return;
    case SPF_NODE_TOO_DEEP:
        fputs("  NOT FOLLOWED: depth cap", stdout);
        return;
    case SPF_NODE_WAITING:
        fputs("  (no answer)", stdout);
        return;
    case SPF_NODE_DONE:
        break;
    }
    switch (n->result) {
    case SPF_RESULT_NONE:
        printf("  no SPF record (%s)", answer_status_name(n->txt.status));
        break;
    case SPF_RESULT_MULTIPLE:
        fputs("  MULTIPLE SPF records (permerror)", stdout);
        break;
    case SPF_RESULT_DNS_ERROR:
        printf("  DNS error: %s (temperror)", answer_status_name(n->txt.status));
        break;
    default:
        break;
    }
}

static void print_tree_node(const struct spf_tree *t, size_t i, const char *prefix, bool last,
                            bool root)
{
    const struct spf_node *n = &t->nodes[i];
    fputs("  ", stdout);
    if (!root) {
        fputs(prefix, stdout);
        fputs(last ? "`- " : "|- ", stdout);
        printf("%s:", edge_name(n->edge));
    }
    out_safe(stdout, n->domain, strlen(n->domain));
    if (n->state == SPF_NODE_DONE && n->result == SPF_RESULT_RECORD)
        printf(" (+%d, %d/10)", n->own_lookups, n->running_before + n->subtree_lookups);
    print_node_status(n);
    fputc('\n', stdout);

    char sub[512];
    snprintf(sub, sizeof sub, "%s%s", root ? "" : prefix, root ? "" : (last ? "   " : "|  "));
    /* Void and failed lookups of this node's own terms. */
    for (size_t k = 0; k < n->ntargets; k++) {
        const struct spf_target *g = &n->targets[k];
        bool is_void = dns_status_is_void(g->status);
        bool failed = g->status >= DNS_TIMEOUT && g->status <= DNS_ERROR;
        if (!is_void && !failed)
            continue;
        size_t len;
        const char *term = spf_term_text(n, g->term, &len);
        printf("  %s   %s: ", sub, is_void ? "void lookup" : "DNS error");
        out_safe(stdout, term, len);
        printf(" (%s)\n", answer_status_name(g->status));
    }
    size_t count = 0;
    for (size_t c = n->first_child; c != SPF_NONE; c = t->nodes[c].next_sibling)
        count++;
    size_t k = 0;
    for (size_t c = n->first_child; c != SPF_NONE; c = t->nodes[c].next_sibling) {
        k++;
        if (strlen(sub) + 4 < sizeof sub)
            print_tree_node(t, c, sub, k == count, false);
    }
}

static void print_spf(const struct net_fetch *f, const struct net_fetch_lint *l, bool strings)
{
    printf("SPF  ");
    out_safe(stdout, f->domain, strlen(f->domain));
    fputc('\n', stdout);
    if (f->spf.count == 0)
        return;
    const struct spf_node *root = &f->spf.nodes[0];
    size_t idx[16];
    size_t n = net_fetch_spf_records(&root->txt, idx, 16);
    if (n == 0 && root->result == SPF_RESULT_DNS_ERROR)
        printf("  lookup failed: %s (temperror)\n", answer_status_name(root->txt.status));
    else if (n == 0)
        printf("  no SPF record (%s)\n", answer_status_name(root->txt.status));
    for (size_t i = 0; i < n && i < 16; i++)
        print_record_line("record", &root->txt.records[idx[i]], strings);
    print_diags("spf", l->spf.text ? l->spf.text : "", l->spf.text ? l->spf.len : 0, &l->spf_diags);
    printf("  include tree: %d/10 lookups, %u void lookup%s%s\n", f->spf.lookups,
           f->spf.void_lookups, f->spf.void_lookups == 1 ? "" : "s",
           f->spf.truncated ? "; CUT at the tree caps (some terms not followed)" : "");
    print_tree_node(&f->spf, 0, "", true, true);
    fputs("  ", stdout);
    out_summary_text(stdout, &l->spf_diags);
}

static void print_dmarc(const struct net_fetch *f, const struct net_fetch_lint *l, bool strings)
{
    const struct dmarc_discovery *d = f->dmarc;
    printf("\nDMARC  _dmarc.");
    out_safe(stdout, f->domain, strlen(f->domain));
    fputc('\n', stdout);
    if (!d)
        return;
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct dmarc_discovery_step *s = &d->steps[i];
        printf("  %s ", s->on_walk ? "walk" : "psl ");
        out_safe(stdout, s->name, strlen(s->name));
        if (s->too_long)
            fputs(": too long, not asked", stdout);
        else if (s->answer.status == DNS_PENDING)
            fputs(": not needed", stdout);
        else
            printf(": %s, %zu DMARC record%s", answer_status_name(s->answer.status), s->ndmarc,
                   s->ndmarc == 1 ? "" : "s");
        if (i == d->policy_step)
            fputs("  <- policy in force", stdout);
        if (i == d->psl_step && d->psl_step != d->policy_step)
            fputs("  <- RFC 7489 policy", stdout);
        fputc('\n', stdout);
    }
    printf("  discovery: %s", dmarc_status_name(d->status));
    const char *pd = dmarc_discovery_policy_domain(d);
    if (pd) {
        fputs(", policy domain ", stdout);
        out_safe(stdout, pd, strlen(pd));
    }
    if (d->org_domain[0]) {
        fputs(", organizational domain (RFC 9989) ", stdout);
        out_safe(stdout, d->org_domain, strlen(d->org_domain));
    }
    fputc('\n', stdout);
    if (d->psl_org[0] && strcmp(d->psl_org, d->org_domain) != 0) {
        fputs("  RFC 7489 organizational domain (public suffix list): ", stdout);
        out_safe(stdout, d->psl_org, strlen(d->psl_org));
        if (d->psl_step != DMARC_NONE && d->psl_step < d->nsteps) {
            fputs("; RFC 7489 receivers use ", stdout);
            out_safe(stdout, d->steps[d->psl_step].name, strlen(d->steps[d->psl_step].name));
        } else if (d->status != DMARC_DISCOVERY_PENDING) {
            fputs("; RFC 7489 receivers find no policy", stdout);
        }
        fputc('\n', stdout);
    }
    if (d->status == DMARC_DISCOVERY_FOUND) {
        const struct dmarc_discovery_step *s = &d->steps[d->policy_step];
        print_record_line("record", &s->answer.records[s->record], strings);
    }
    for (size_t i = 0; i < d->nreports; i++) {
        const struct dmarc_report_check *c = &d->reports[i];
        printf("  report destination %s%s", c->rua ? "rua" : "",
               c->ruf ? (c->rua ? "+ruf" : "ruf") : "");
        fputc(' ', stdout);
        out_safe(stdout, c->host, strlen(c->host));
        printf(": %s (", report_status_name(dmarc_report_status(c)));
        out_safe(stdout, c->name, strlen(c->name));
        printf(" %s)\n", answer_status_name(c->answer.status));
    }
    print_diags("dmarc", l->dmarc.text ? l->dmarc.text : "", l->dmarc.text ? l->dmarc.len : 0,
                &l->dmarc_diags);
    fputs("  ", stdout);
    out_summary_text(stdout, &l->dmarc_diags);
}

static void print_dkim(const struct net_fetch *f, const struct net_fetch_lint *l, bool strings)
{
    for (size_t i = 0; i < f->ndkim; i++) {
        const struct net_fetch_dkim *k = &f->dkim[i];
        printf("\nDKIM  ");
        out_safe(stdout, k->name, strlen(k->name));
        fputc('\n', stdout);
        if (k->used == SPF_NONE) {
            printf("  no key record (%s)\n", answer_status_name(k->answer.status));
            continue;
        }
        if (k->answer.count > 1)
            printf("  %zu TXT records; the first DKIM key is used\n", k->answer.count);
        print_record_line("record", &k->answer.records[k->used], strings);
        const struct record *r = &l->dkim[i];
        if (r->dkim_key) {
            enum dkim_key_type t = dkim_key_get_type(r->dkim_key);
            unsigned bits = dkim_key_get_bits(r->dkim_key);
            printf("  key: %s", dkim_key_type_name(t));
            if (bits)
                printf(", %u bits", bits);
            fputc('\n', stdout);
        }
        char origin[80];
        snprintf(origin, sizeof origin, "dkim %.60s", k->selector);
        print_diags(origin, r->text ? r->text : "", r->text ? r->len : 0, &r->diags);
        fputs("  ", stdout);
        out_summary_text(stdout, &r->diags);
    }
}

void fetch_print_text(const struct net_fetch *f, const struct net_fetch_lint *l, bool strings)
{
    fputs("Domain: ", stdout);
    out_safe(stdout, f->display, strlen(f->display));
    if (f->idn) {
        fputs(" (A-label ", stdout);
        out_safe(stdout, f->domain, strlen(f->domain));
        fputc(')', stdout);
    }
    fputs("\n\n", stdout);
    print_spf(f, l, strings);
    print_dmarc(f, l, strings);
    print_dkim(f, l, strings);
    if (l->cross.count) {
        puts("\nAcross the records");
        print_diags("cross", "", 0, &l->cross);
    }
    if (f->errors_total) {
        printf("\nDNS errors: %zu\n", f->errors_total);
        for (size_t i = 0; i < f->nerrors; i++) {
            const struct net_fetch_error *e = &f->errors[i];
            printf("  %s ", e->type);
            out_safe(stdout, e->name, strlen(e->name));
            printf(": %s", answer_status_name(e->status));
            if (e->message[0]) {
                fputs(": ", stdout);
                out_safe(stdout, e->message, strlen(e->message));
            }
            fputc('\n', stdout);
        }
    }
    printf("\n%zu queries, %.0f ms\n", f->sent, net_fetch_elapsed_ms(f));
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *json_strings_of(const struct dns_txt *t)
{
    json_t *a = json_array();
    size_t at = 0;
    for (size_t k = 0; k < t->nstrings; k++) {
        size_t end = t->string_ends[k] <= t->len ? t->string_ends[k] : t->len;
        if (end < at)
            end = at;
        json_array_append_new(a, json_text(t->text + at, end - at));
        at = end;
    }
    return a;
}

static json_t *json_lint_of(const struct record *r, enum record_kind kind,
                            const struct diag_list *diags)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(record_kind_name(kind)));
    json_object_set_new(o, "record", r->text ? json_text(r->text, r->len) : json_null());
    /* No record is not a valid record (as checkdmarc reports it); the
     * diagnostics say why (spf-not-found, dmarc-not-found). */
    json_object_set_new(o, "valid", json_boolean(r->text && diag_list_status(diags) < 2));
    json_object_set_new(o, "diagnostics", json_diag_list(diags));
    json_object_set_new(o, "terms", json_terms(r, false));
    return o;
}

static json_t *json_tree_node(const struct spf_tree *t, size_t i, unsigned depth)
{
    const struct spf_node *n = &t->nodes[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_text(n->domain, strlen(n->domain)));
    json_object_set_new(o, "edge", json_string(edge_name(n->edge)));
    json_object_set_new(o, "result", json_string(node_result_name(n)));
    json_object_set_new(
        o, "status",
        json_string(n->state == SPF_NODE_DONE ? answer_status_name(n->txt.status) : "not-asked"));
    if (n->result == SPF_RESULT_RECORD && n->spf_txt != SPF_NONE)
        json_object_set_new(
            o, "record",
            json_text(n->txt.records[n->spf_txt].text, n->txt.records[n->spf_txt].len));
    else
        json_object_set_new(o, "record", json_null());
    json_object_set_new(o, "lookups", json_integer(n->own_lookups));
    json_object_set_new(o, "subtree_lookups", json_integer(n->subtree_lookups));
    json_object_set_new(o, "running", json_integer(n->running_before + n->subtree_lookups));
    json_object_set_new(o, "void_lookups", json_integer(n->void_lookups));
    json_object_set_new(o, "depth", json_integer(n->depth));
    json_t *targets = json_array();
    for (size_t k = 0; k < n->ntargets; k++) {
        const struct spf_target *g = &n->targets[k];
        size_t len;
        const char *term = spf_term_text(n, g->term, &len);
        json_t *to = json_object();
        json_object_set_new(to, "term", json_text(term, len));
        json_object_set_new(to, "name",
                            g->name ? json_text(g->name, strlen(g->name)) : json_null());
        json_object_set_new(
            to, "status",
            json_string(g->status == DNS_PENDING ? "not-asked" : answer_status_name(g->status)));
        json_object_set_new(to, "void", json_boolean(dns_status_is_void(g->status)));
        json_object_set_new(to, "count", json_integer(g->count));
        json_array_append_new(targets, to);
    }
    json_object_set_new(o, "targets", targets);
    json_t *children = json_array();
    if (depth < SPF_TREE_MAX_DEPTH + 2)
        for (size_t c = n->first_child; c != SPF_NONE; c = t->nodes[c].next_sibling)
            json_array_append_new(children, json_tree_node(t, c, depth + 1));
    json_object_set_new(o, "children", children);
    return o;
}

static int void_cmp(const void *pa, const void *pb)
{
    const struct spf_void *a = pa, *b = pb;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    if (a->target == b->target)
        return 0;
    return a->target < b->target ? -1 : 1; /* SPF_NONE (the node's TXT) last */
}

static json_t *json_spf(const struct net_fetch *f, const struct net_fetch_lint *l)
{
    json_t *o = json_object();
    const struct spf_node *root = f->spf.count ? &f->spf.nodes[0] : NULL;
    json_object_set_new(o, "name", json_text(f->domain, strlen(f->domain)));
    json_object_set_new(o, "status",
                        json_string(root ? answer_status_name(root->txt.status) : "not-asked"));
    json_t *recs = json_array(), *strs = json_array();
    if (root) {
        size_t idx[16];
        size_t n = net_fetch_spf_records(&root->txt, idx, 16);
        for (size_t i = 0; i < n && i < 16; i++) {
            const struct dns_txt *t = &root->txt.records[idx[i]];
            json_array_append_new(recs, json_text(t->text, t->len));
            json_array_append_new(strs, json_strings_of(t));
        }
    }
    json_object_set_new(o, "records", recs);
    json_object_set_new(o, "record_strings", strs);
    json_object_set_new(o, "lint", json_lint_of(&l->spf, RECORD_SPF, &l->spf_diags));
    json_object_set_new(o, "tree", root ? json_tree_node(&f->spf, 0, 0) : json_null());
    json_object_set_new(o, "lookups", json_integer(f->spf.lookups));
    json_object_set_new(o, "void_lookups", json_integer(f->spf.void_lookups));
    json_object_set_new(o, "nodes", json_integer((json_int_t)f->spf.count));
    json_object_set_new(o, "truncated", json_boolean(f->spf.truncated));
    /* In tree order (they are remembered in the order answers came). */
    struct spf_void sorted[SPF_TREE_MAX_VOIDS];
    size_t nv = f->spf.nvoids <= SPF_TREE_MAX_VOIDS ? f->spf.nvoids : SPF_TREE_MAX_VOIDS;
    memcpy(sorted, f->spf.voids, nv * sizeof *sorted);
    qsort(sorted, nv, sizeof *sorted, void_cmp);
    json_t *voids = json_array();
    for (size_t i = 0; i < nv; i++) {
        const struct spf_void *v = &sorted[i];
        const struct spf_node *n = &f->spf.nodes[v->node];
        json_t *vo = json_object();
        json_object_set_new(vo, "record", json_text(n->domain, strlen(n->domain)));
        if (v->target == SPF_NONE) {
            json_object_set_new(vo, "term", json_null());
            json_object_set_new(vo, "status", json_string(answer_status_name(n->txt.status)));
        } else {
            size_t len;
            const char *term = spf_term_text(n, n->targets[v->target].term, &len);
            json_object_set_new(vo, "term", json_text(term, len));
            json_object_set_new(vo, "status",
                                json_string(answer_status_name(n->targets[v->target].status)));
        }
        json_array_append_new(voids, vo);
    }
    json_object_set_new(o, "voids", voids);
    return o;
}

static json_t *json_dmarc(const struct net_fetch *f, const struct net_fetch_lint *l)
{
    const struct dmarc_discovery *d = f->dmarc;
    json_t *o = json_object();
    char name[DMARC_QNAME_MAX + 1];
    snprintf(name, sizeof name, "_dmarc.%s", f->domain);
    json_object_set_new(o, "name", json_text(name, strlen(name)));
    json_object_set_new(o, "status", json_string(dmarc_status_name(d->status)));
    json_t *recs = json_array();
    if (d->status == DMARC_DISCOVERY_FOUND) {
        const struct dmarc_discovery_step *s = &d->steps[d->policy_step];
        const struct dns_txt *t = &s->answer.records[s->record];
        json_array_append_new(recs, json_text(t->text, t->len));
    } else if (d->nsteps && d->steps[0].answer.status == DNS_OK) {
        /* Several records at the domain: show them all. */
        const struct dmarc_discovery_step *s = &d->steps[0];
        for (size_t i = 0; i < s->answer.count; i++)
            if (dmarc_text_is_record(s->answer.records[i].text, s->answer.records[i].len))
                json_array_append_new(
                    recs, json_text(s->answer.records[i].text, s->answer.records[i].len));
    }
    json_object_set_new(o, "records", recs);
    json_object_set_new(o, "lint", json_lint_of(&l->dmarc, RECORD_DMARC, &l->dmarc_diags));
    const char *pd = dmarc_discovery_policy_domain(d);
    json_object_set_new(o, "policy_domain", pd ? json_text(pd, strlen(pd)) : json_null());
    json_object_set_new(
        o, "policy_name",
        d->status == DMARC_DISCOVERY_FOUND
            ? json_text(d->steps[d->policy_step].name, strlen(d->steps[d->policy_step].name))
            : json_null());
    json_object_set_new(
        o, "inherited",
        json_boolean(d->status == DMARC_DISCOVERY_FOUND && d->found_at != DMARC_FOUND_DOMAIN));
    json_object_set_new(o, "org_domain", json_text(d->org_domain, strlen(d->org_domain)));
    json_object_set_new(o, "psl_org_domain", json_text(d->psl_org, strlen(d->psl_org)));
    json_object_set_new(
        o, "psl_policy_name",
        d->psl_step != DMARC_NONE && d->psl_step < d->nsteps
            ? json_text(d->steps[d->psl_step].name, strlen(d->steps[d->psl_step].name))
            : json_null());
    json_t *steps = json_array();
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct dmarc_discovery_step *s = &d->steps[i];
        json_array_append_new(
            steps, json_pack("{s:o, s:b, s:s, s:I}", "name", json_text(s->name, strlen(s->name)),
                             "on_walk", s->on_walk, "status",
                             s->answer.status == DNS_PENDING ? "not-asked"
                                                             : answer_status_name(s->answer.status),
                             "dmarc_records", (json_int_t)s->ndmarc));
    }
    json_object_set_new(o, "steps", steps);
    json_t *reports = json_array();
    for (size_t i = 0; i < d->nreports; i++) {
        const struct dmarc_report_check *c = &d->reports[i];
        json_array_append_new(reports, json_pack("{s:o, s:o, s:s, s:b, s:b}", "host",
                                                 json_text(c->host, strlen(c->host)), "name",
                                                 json_text(c->name, strlen(c->name)), "status",
                                                 report_status_name(dmarc_report_status(c)), "rua",
                                                 c->rua, "ruf", c->ruf));
    }
    json_object_set_new(o, "reports", reports);
    return o;
}

static json_t *json_dkim(const struct net_fetch *f, const struct net_fetch_lint *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < f->ndkim; i++) {
        const struct net_fetch_dkim *k = &f->dkim[i];
        const struct record *r = &l->dkim[i];
        json_t *o = json_object();
        json_object_set_new(o, "selector", json_text(k->selector, strlen(k->selector)));
        json_object_set_new(o, "name", json_text(k->name, strlen(k->name)));
        json_object_set_new(o, "status", json_string(answer_status_name(k->answer.status)));
        json_t *recs = json_array();
        for (size_t j = 0; j < k->answer.count; j++)
            json_array_append_new(recs,
                                  json_text(k->answer.records[j].text, k->answer.records[j].len));
        json_object_set_new(o, "records", recs);
        json_object_set_new(o, "lint", json_lint_of(r, RECORD_DKIM_KEY, &r->diags));
        if (r->dkim_key) {
            unsigned bits = dkim_key_get_bits(r->dkim_key);
            json_object_set_new(o, "key_type",
                                json_string(dkim_key_type_name(dkim_key_get_type(r->dkim_key))));
            json_object_set_new(o, "key_bits", bits ? json_integer(bits) : json_null());
        } else {
            json_object_set_new(o, "key_type", json_null());
            json_object_set_new(o, "key_bits", json_null());
        }
        json_array_append_new(a, o);
    }
    return a;
}

json_t *fetch_json(const struct net_fetch *f, const struct net_fetch_lint *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "domain", json_text(f->domain, strlen(f->domain)));
    json_object_set_new(o, "display", json_text(f->display, strlen(f->display)));
    json_object_set_new(o, "spf", json_spf(f, l));
    json_object_set_new(o, "dmarc", json_dmarc(f, l));
    json_object_set_new(o, "dkim", json_dkim(f, l));
    json_object_set_new(o, "cross", json_diag_list(&l->cross));
    json_t *errs = json_array();
    for (size_t i = 0; i < f->nerrors; i++) {
        const struct net_fetch_error *e = &f->errors[i];
        json_array_append_new(errs, json_pack("{s:o, s:s, s:s, s:o}", "name",
                                              json_text(e->name, strlen(e->name)), "type", e->type,
                                              "status", answer_status_name(e->status), "message",
                                              json_text(e->message, strlen(e->message))));
    }
    json_object_set_new(o, "dns_errors", errs);
    json_object_set_new(o, "dns_errors_total", json_integer((json_int_t)f->errors_total));
    json_object_set_new(o, "queries", json_integer((json_int_t)f->sent));
    json_object_set_new(o, "capped", json_boolean(f->capped));
    json_object_set_new(o, "elapsed_ms", json_real(net_fetch_elapsed_ms(f)));
    return o;
}

/* ---- the command ------------------------------------------------------ */

int cmd_fetch(int argc, char **argv)
{
    struct fetch_args a;
    int r = parse_args(argc, argv, &a);
    if (r >= 0)
        return r;
    if (a.batch.list) {
        if (netopts_prepare(&a.net))
            return CLI_USAGE;
        a.batch.net = &a.net;
        a.batch.now = netopts_now(&a.net);
        int bs = fetch_batch_run(&a.batch);
        int fs = netopts_finish(&a.net);
        return fs > bs ? fs : bs;
    }
    struct net_resolver *res = netopts_open(&a.net);
    if (!res)
        return netopts_close(&a.net, NULL, CLI_USAGE);

    struct net_fetch *f = malloc(sizeof *f);
    struct net_fetch_lint lint;
    net_fetch_lint_init(&lint);
    struct net_selector_scan scan;
    net_selectors_init(&scan);
    int status = CLI_USAGE;
    if (!f) {
        fputs("authtxt: out of memory\n", stderr);
        goto done;
    }
    net_fetch_init(f);
    struct net_fetch_options opts = {
        .selectors = a.net.selectors,
        .nselectors = a.net.nselectors,
        .now = netopts_now(&a.net),
    };
    char err[256] = "";
    if (!net_fetch_start(f, res, a.domain, &opts, err, sizeof err)) {
        fputs("authtxt: fetch ", stderr);
        out_safe(stderr, a.domain, strlen(a.domain));
        fputs(": ", stderr);
        out_safe(stderr, err, strlen(err));
        fputc('\n', stderr);
        goto done;
    }
    if (a.find_selectors && !find_selectors_start(&scan, res, a.domain))
        goto done;
    net_resolver_wait(res);
    net_selectors_finish(&scan);
    if (!net_fetch_lint_run(f, &lint) || f->oom) {
        fputs("authtxt: out of memory\n", stderr);
        goto done;
    }
    if (a.json) {
        json_t *doc = fetch_json(f, &lint);
        if (a.find_selectors)
            json_object_set_new(doc, "find_selectors", find_selectors_json(&scan));
        json_print(doc);
    } else {
        fetch_print_text(f, &lint, a.strings);
        if (a.find_selectors)
            find_selectors_print(&scan);
    }
    status = f->errors_total ? CLI_DNS : net_fetch_lint_status(&lint);
    if (a.find_selectors && find_selectors_status(&scan))
        status = find_selectors_status(&scan);
done:
    net_fetch_lint_free(&lint);
    if (f) {
        net_fetch_free(f);
        free(f);
    }
    status = netopts_close(&a.net, res, status);
    net_selectors_free(&scan); /* after the resolver: no answer can come now */
    return status;
}
