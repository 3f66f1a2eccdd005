/* `authtxt diff DOMAIN`: the semantic diff of a domain's records, "before"
 * (the live records, fetched; or a zone file read as live with --against)
 * against "after" (the drafts: a zone fragment with --load, or records
 * given with --spf/--dmarc/--dkim).  The diff itself is the core's
 * (authtxt/diff.h); this file gathers the two sides, expands both SPF
 * include trees the same way (live DNS, or the --against file's TXT
 * records), and prints text or JSON.
 *
 * Exit status, like diff(1): 0 when the drafts change nothing in effect, 1
 * when they change something, 2 when a draft has lint errors, 3 usage or
 * I/O failure. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../net/fetch.h"
#include "authtxt/diff.h"
#include "authtxt/dkim.h"
#include "authtxt/zone.h"
#include "authtxt/zone_lookup.h"
#include "cli.h"
#include "netopts.h"

enum { OPT_JSON = 1000, OPT_LOAD, OPT_AGAINST, OPT_SPF, OPT_DMARC, OPT_DKIM, OPT_HELP };

static const struct option diff_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"load", required_argument, NULL, OPT_LOAD},
    {"against", required_argument, NULL, OPT_AGAINST},
    {"spf", required_argument, NULL, OPT_SPF},
    {"dmarc", required_argument, NULL, OPT_DMARC},
    {"dkim", required_argument, NULL, OPT_DKIM},
    {"help", no_argument, NULL, OPT_HELP},
    NETOPTS_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

static const char diff_usage[] =
    "Usage: authtxt diff DOMAIN (--load FILE | --spf REC --dmarc REC --dkim REC)\n"
    "         [--selector S] [--json]\n"
    "         [--against FILE | --dns HOST[:PORT] | --doh URL [--doh-insecure |\n"
    "          --doh-cafile F]] [--timeout MS]\n"
    "         [--save-dns FILE | --dns-file FILE]\n"
    "\n"
    "Compare the live records of DOMAIN (fetched, or read from the zone file\n"
    "given with --against) with the drafts (a zone fragment, or records given\n"
    "on the command line, each optional; REC may be - for standard input).\n"
    "Only the kinds the drafts hold are compared.  --selector S picks the\n"
    "DKIM key.  Both SPF include trees are expanded the same way (DNS, or the\n"
    "--against file's TXT records).\n"
    "\n"
    "Exit status: 0 the drafts change nothing in effect, 1 they change\n"
    "something, 2 a draft has lint errors, 3 usage or I/O failure, 4 a live\n"
    "DNS answer could not be had (that record's effect is unknown).\n";

enum slot { SLOT_SPF = 0, SLOT_DMARC, SLOT_DKIM, SLOT_COUNT };

static const enum record_kind slot_kind[SLOT_COUNT] = {RECORD_SPF, RECORD_DMARC, RECORD_DKIM_KEY};
static const char *const slot_name[SLOT_COUNT] = {"spf", "dmarc", "dkim"};
static const char *const slot_title[SLOT_COUNT] = {"SPF", "DMARC", "DKIM"};

struct diff_args {
    struct netopts net;
    bool json;
    const char *load, *against;
    const char *rec[SLOT_COUNT];
    const char *domain;
};

/* A zone file in memory. */
struct zone_src {
    const char *path;
    char *file;
    size_t len;
    struct zone z;
    struct diag_list diags;
};

/* One side of the diff. */
struct side {
    bool present[SLOT_COUNT];
    struct record rec[SLOT_COUNT];
    char where[SLOT_COUNT][DMARC_QNAME_MAX + 70]; /* owner name shown */
    char selector[64];
    struct spf_tree own_tree; /* the draft's tree, or the --against tree */
    const struct spf_tree *tree;
    bool failed[SLOT_COUNT]; /* live: a DNS answer this slot needs could not be
                                had, so its effect cannot be compared */
};

static void side_init(struct side *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < SLOT_COUNT; i++)
        record_init(&s->rec[i]);
    spf_tree_init(&s->own_tree);
}

static void side_free(struct side *s)
{
    for (int i = 0; i < SLOT_COUNT; i++)
        record_free(&s->rec[i]);
    spf_tree_free(&s->own_tree);
}

static int parse_args(int argc, char **argv, struct diff_args *a)
{
    memset(a, 0, sizeof *a);
    netopts_init(&a->net);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", diff_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            a->json = true;
            break;
        case OPT_LOAD:
            a->load = optarg;
            break;
        case OPT_AGAINST:
            a->against = optarg;
            break;
        case OPT_SPF:
        case OPT_DMARC:
        case OPT_DKIM:
            a->rec[c - OPT_SPF] = optarg;
            break;
        case OPT_HELP:
            fputs(diff_usage, stdout);
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
    bool given = a->rec[SLOT_SPF] || a->rec[SLOT_DMARC] || a->rec[SLOT_DKIM];
    if (argc - optind != 1)
        return cli_usage_error("diff needs one domain");
    a->domain = argv[optind];
    if (!a->load && !given)
        return cli_usage_error("diff needs drafts: --load FILE, or --spf/--dmarc/--dkim records");
    if (a->load && given)
        return cli_usage_error("give drafts either with --load or with --spf/--dmarc/--dkim");
    if (a->against && (a->net.resolver.server || a->net.resolver.doh_url))
        return cli_usage_error("--against reads the live records from a file; --dns/--doh "
                               "are for fetching them");
    if (a->net.nselectors > 1)
        return cli_usage_error("diff compares one DKIM key: give at most one --selector");
    return -1;
}

/* ---- zone files -------------------------------------------------------- */

static bool zone_src_load(struct zone_src *zs, const char *path, const char *origin)
{
    memset(zs, 0, sizeof *zs);
    zs->path = path;
    zone_init(&zs->z);
    diag_list_init(&zs->diags);
    zs->file = cli_read_file(path, &zs->len);
    if (!zs->file)
        return false;
    if (!zone_read(&zs->z, zs->file, zs->len, origin, &zs->diags)) {
        fputs("authtxt: out of memory\n", stderr);
        return false;
    }
    size_t errors = record_count_severity(&zs->diags, DIAG_ERROR);
    if (errors) {
        fprintf(stderr, "authtxt: %s: %zu zone syntax problem%s (see authtxt lint --zone)\n", path,
                errors, errors == 1 ? "" : "s");
    }
    return true;
}

static void zone_src_free(struct zone_src *zs)
{
    zone_free(&zs->z);
    diag_list_free(&zs->diags);
    free(zs->file);
}

/* The draft or live record of a slot in a zone file (the core's lookup:
 * SPF at the domain, DMARC at _dmarc.<domain>, the DKIM key of the
 * selector, or the domain's first key when none is given; the selector is
 * then written back).  False when the file has none. */
static bool zone_pick(const struct zone_src *zs, enum slot slot, const char *domain,
                      char selector[64], struct side *s)
{
    const struct zone_record *zr = zone_lookup_record(&zs->z, slot_kind[slot], domain, selector);
    if (!zr)
        return false;
    if (slot == SLOT_DKIM && !selector[0]) {
        size_t n = strlen(zr->selector);
        if (n >= 64)
            return false;
        memcpy(selector, zr->selector, n + 1);
    }
    if (!record_analyze(&s->rec[slot], slot_kind[slot], zr->text, zr->len, (long long)time(NULL)))
        return false;
    s->present[slot] = true;
    size_t n = zr->owner_len;
    if (n && zr->owner[n - 1] == '.')
        n--;
    if (n >= sizeof s->where[slot])
        n = sizeof s->where[slot] - 1;
    memcpy(s->where[slot], zr->owner, n);
    s->where[slot][n] = '\0';
    return true;
}

/* ---- text output --------------------------------------------------------- */

/* Untrusted text, cut at `max` bytes with "..." (DKIM keys are long). */
static void out_cut(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    out_safe(stdout, s ? s : "", n > max ? max : n);
    if (n > max)
        fputs("...", stdout);
}

static void print_record_line(char op, const struct side *s, enum slot slot)
{
    printf("  %c ", op);
    if (s->present[slot])
        out_cut(s->rec[slot].text, 120);
    else if (s->failed[slot])
        fputs("(not known: the DNS query failed)", stdout);
    else
        fputs("(no record)", stdout);
    putchar('\n');
}

static const char *qualifier_name(enum spf_qualifier q)
{
    switch (spf_qualifier_effective(q)) {
    case SPF_QUALIFIER_PASS:
        return q == SPF_QUALIFIER_NONE ? "none" : "pass (+all)";
    case SPF_QUALIFIER_FAIL:
        return "fail (-all)";
    case SPF_QUALIFIER_SOFTFAIL:
        return "softfail (~all)";
    case SPF_QUALIFIER_NEUTRAL:
        return "neutral (?all)";
    default:
        return "none";
    }
}

static const char *all_name(enum spf_qualifier q)
{
    return q == SPF_QUALIFIER_NONE ? "no all (neutral)" : qualifier_name(q);
}

#define PREFIXES_SHOWN 16

/* Does a merged set hold every address of a family (+all, ip4:0.0.0.0/0)? */
static bool covers_all(const struct ipset *s, int family)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i].family == family && s->items[i].len == 0)
            return true;
    return false;
}

/* The blocks of s, except those of a family `whole` says is covered
 * entirely (one line says so instead of the dozens of blocks that make up
 * "everything but what was there before"). */
static void print_prefixes(const char *sign, const struct ipset *s, const struct ipset *whole)
{
    size_t shown = 0;
    for (int fam = 4; whole && fam <= 6; fam += 2) {
        bool any = false;
        for (size_t i = 0; i < s->count && !any; i++)
            any = s->items[i].family == fam;
        if (any && covers_all(whole, fam))
            printf("      %s every IPv%d address (+all or a /0 block)\n", sign, fam);
    }
    for (size_t i = 0; i < s->count && shown < PREFIXES_SHOWN; i++) {
        if (whole && covers_all(whole, s->items[i].family))
            continue;
        shown++;
        char buf[IP_PREFIX_TEXT_MAX];
        ip_prefix_format(&s->items[i], buf);
        unsigned long long n = (unsigned long long)ip_prefix_size(&s->items[i]);
        printf("      %s %s (%llu %s)\n", sign, buf, n,
               s->items[i].family == 4 ? (n == 1 ? "address" : "addresses")
                                       : (n == 1 ? "/64 network or less" : "/64 networks"));
    }
    size_t rest = 0;
    for (size_t i = 0; i < s->count; i++)
        rest += !(whole && covers_all(whole, s->items[i].family));
    if (rest > shown)
        printf("      %s ... %zu more blocks (--json lists them all)\n", sign, rest - shown);
}

static void print_spf_effect(const struct diff_spf_effect *e)
{
    printf("  effect:\n");
    printf("    addresses authorized: %zu block%s -> %zu block%s after merging",
           e->before.authorized.count, e->before.authorized.count == 1 ? "" : "s",
           e->after.authorized.count, e->after.authorized.count == 1 ? "" : "s");
    printf("%s\n", e->added.count || e->removed.count ? "" : " (same addresses)");
    print_prefixes("+", &e->added, &e->after.authorized);
    print_prefixes("-", &e->removed, &e->before.authorized);
    for (size_t i = 0; i < e->nnames_added; i++) {
        printf("      + ");
        out_cut(e->names_added[i], 300);
        putchar('\n');
    }
    for (size_t i = 0; i < e->nnames_removed; i++) {
        printf("      - ");
        out_cut(e->names_removed[i], 300);
        putchar('\n');
    }
    for (size_t i = 0; i < e->noverlaps; i++) {
        const struct ipset_overlap *o = &e->overlaps[i];
        const struct ip_prefix *po = &e->after_blocks.items[o->outer];
        const struct ip_prefix *pi = &e->after_blocks.items[o->inner];
        char a[IP_PREFIX_TEXT_MAX], b[IP_PREFIX_TEXT_MAX];
        ip_prefix_format(po, a);
        ip_prefix_format(pi, b);
        printf("    overlap: %s (", a);
        out_cut(po->origin < e->nwhere ? e->after_where[po->origin] : "?", 100);
        printf(") %s %s (", o->duplicate ? "repeats" : "contains", b);
        out_cut(pi->origin < e->nwhere ? e->after_where[pi->origin] : "?", 100);
        printf(")\n");
    }
    if (e->overlaps_total > e->noverlaps)
        printf("    overlap: %zu more not shown\n", e->overlaps_total - e->noverlaps);
    printf("    DNS lookups: %d -> %d (limit %d); void lookups: %u -> %u (limit %d)\n",
           e->before.lookups, e->after.lookups, SPF_LOOKUP_LIMIT, e->before.void_lookups,
           e->after.void_lookups, SPF_VOID_LIMIT);
    printf("    all: %s -> %s\n", all_name(e->before.all), all_name(e->after.all));
    if ((e->before.present && !e->before.complete) || (e->after.present && !e->after.complete))
        printf("    (some include/redirect records could not be read: their addresses are "
               "not counted)\n");
}

static void print_slot_text(const struct diff_args *a, enum slot slot, const struct side *live,
                            const struct side *draft, const struct diff_result *d)
{
    printf("%s  ", slot_title[slot]);
    out_cut(draft->where[slot], 300);
    if (strcmp(draft->where[slot], live->where[slot]) != 0) {
        printf("  (live: ");
        out_cut(live->where[slot], 300);
        printf(")");
    }
    printf("\n");
    (void)a;
    print_record_line('-', live, slot);
    print_record_line('+', draft, slot);
    if (d->text_fallback) {
        for (size_t i = 0; i < d->nlines; i++) {
            printf("  %c| ", d->lines[i].op);
            out_safe(stdout, d->lines[i].text, d->lines[i].len);
            putchar('\n');
        }
    }
    for (size_t i = 0; i < d->count; i++) {
        const struct diff_change *c = &d->changes[i];
        printf("  %-12s ", diff_kind_name(c->kind));
        if (c->before_text && c->after_text && strcmp(c->before_text, c->after_text) != 0) {
            out_cut(c->before_text, 40);
            printf(" -> ");
        }
        out_cut(c->after_text ? c->after_text : c->before_text, 60);
        printf("\n      ");
        out_cut(c->sentence, 400);
        putchar('\n');
    }
    if (!d->count && !d->text_fallback)
        printf("  (no term changed)\n");
    if (d->spf.present)
        print_spf_effect(&d->spf);
    if (d->dmarc.present) {
        printf("  effect:\n");
        for (int s = 0; s < DMARC_SCOPE_COUNT; s++) {
            printf("    ");
            out_cut(d->dmarc.scope_text[s], 400);
            putchar('\n');
        }
    }
    if (d->dkim.present)
        printf("  effect:\n    key: %s -> %s\n", d->dkim.before_key, d->dkim.after_key);
    const struct diag_list *dl = &draft->rec[slot].diags;
    if (draft->present[slot] && record_count_severity(dl, DIAG_ERROR)) {
        printf("  the draft has errors:\n");
        for (size_t i = 0; i < dl->count; i++)
            if (dl->items[i].severity == DIAG_ERROR)
                out_diag_text(stdout, "draft", draft->rec[slot].text, draft->rec[slot].len,
                              &dl->items[i], 1, 1);
    }
    if (live->failed[slot]) {
        /* Never "changes the effect" against a side that is not known. */
        printf("  => unknown: a live DNS answer could not be had (see the DNS errors); no "
               "change in effect is claimed\n\n");
        return;
    }
    printf("  => %s\n\n", d->effect_changed ? "changes the effect"
                          : d->text_changed ? "same effect (written differently)"
                                            : "no change");
}

/* ---- JSON output ----------------------------------------------------------- */

static json_t *json_side_span(const char *text, struct span sp, size_t term)
{
    if (!text || term == DIFF_NONE)
        return json_null();
    return json_pack("{s:o, s:I, s:I, s:I}", "text", json_text(text, strlen(text)), "start",
                     (json_int_t)sp.start, "end", (json_int_t)sp.end, "term", (json_int_t)term);
}

static json_t *json_prefixes(const struct ipset *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->count; i++) {
        char buf[IP_PREFIX_TEXT_MAX];
        ip_prefix_format(&s->items[i], buf);
        json_array_append_new(arr, json_string(buf));
    }
    return arr;
}

static json_t *json_names(char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_text(v[i], strlen(v[i])));
    return arr;
}

static const char *all_json(enum spf_qualifier q)
{
    switch (q) {
    case SPF_QUALIFIER_NONE:
        return "";
    case SPF_QUALIFIER_FAIL:
        return "fail";
    case SPF_QUALIFIER_SOFTFAIL:
        return "softfail";
    case SPF_QUALIFIER_NEUTRAL:
        return "neutral";
    default:
        return "pass";
    }
}

static json_t *json_spf_side(const struct diff_spf_side *s)
{
    if (!s->present)
        return json_null();
    return json_pack("{s:i, s:i, s:s, s:b, s:o, s:I, s:o}", "lookups", s->lookups, "void_lookups",
                     (int)s->void_lookups, "all", all_json(s->all), "complete", s->complete,
                     "authorized", json_prefixes(&s->authorized), "blocks", (json_int_t)s->nblocks,
                     "names", json_names(s->names, s->nnames));
}

static json_t *json_spf_effect(const struct diff_spf_effect *e)
{
    json_t *ov = json_array();
    for (size_t i = 0; i < e->noverlaps; i++) {
        const struct ip_prefix *po = &e->after_blocks.items[e->overlaps[i].outer];
        const struct ip_prefix *pi = &e->after_blocks.items[e->overlaps[i].inner];
        char a[IP_PREFIX_TEXT_MAX], b[IP_PREFIX_TEXT_MAX];
        ip_prefix_format(po, a);
        ip_prefix_format(pi, b);
        const char *wa = po->origin < e->nwhere ? e->after_where[po->origin] : "";
        const char *wb = pi->origin < e->nwhere ? e->after_where[pi->origin] : "";
        json_array_append_new(ov, json_pack("{s:s, s:o, s:s, s:o, s:b}", "outer", a, "outer_record",
                                            json_text(wa, strlen(wa)), "inner", b, "inner_record",
                                            json_text(wb, strlen(wb)), "duplicate",
                                            e->overlaps[i].duplicate));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:b}", "before",
                     json_spf_side(&e->before), "after", json_spf_side(&e->after), "added",
                     json_prefixes(&e->added), "removed", json_prefixes(&e->removed), "names_added",
                     json_names(e->names_added, e->nnames_added), "names_removed",
                     json_names(e->names_removed, e->nnames_removed), "overlaps", ov,
                     "overlaps_total", (json_int_t)e->overlaps_total, "changed", e->changed);
}

static const char *applied_json(enum dmarc_policy p)
{
    return p == DMARC_POLICY_ABSENT ? "" : dmarc_policy_name(p);
}

static json_t *json_dmarc_effect(const struct diff_dmarc_effect *e)
{
    static const char *const scopes[DMARC_SCOPE_COUNT] = {"domain", "subdomain", "nxdomain"};
    json_t *arr = json_array();
    for (int s = 0; s < DMARC_SCOPE_COUNT; s++) {
        enum dmarc_scope sc = (enum dmarc_scope)s;
        const char *t = e->scope_text[s] ? e->scope_text[s] : "";
        json_array_append_new(
            arr,
            json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "scope", scopes[s], "before",
                applied_json(dmarc_effect_applied(&e->before, DMARC_RFC9989, sc)), "after",
                applied_json(dmarc_effect_applied(&e->after, DMARC_RFC9989, sc)), "before_rfc7489",
                applied_json(dmarc_effect_applied(&e->before, DMARC_RFC7489, sc)), "after_rfc7489",
                applied_json(dmarc_effect_applied(&e->after, DMARC_RFC7489, sc)), "changed",
                e->scope_changed[s], "message", json_text(t, strlen(t))));
    }
    const char *b = e->before_text ? e->before_text : "", *a = e->after_text ? e->after_text : "";
    return json_pack("{s:o, s:o, s:o, s:b}", "before", json_text(b, strlen(b)), "after",
                     json_text(a, strlen(a)), "scopes", arr, "changed", e->changed);
}

static json_t *json_slot(enum slot slot, const struct side *live, const struct side *draft,
                         const struct diff_result *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(slot_name[slot]));
    json_object_set_new(o, "name", json_text(draft->where[slot], strlen(draft->where[slot])));
    json_object_set_new(o, "live_name", json_text(live->where[slot], strlen(live->where[slot])));
    json_object_set_new(o, "before",
                        live->present[slot] ? json_text(live->rec[slot].text, live->rec[slot].len)
                                            : json_null());
    json_object_set_new(o, "after",
                        draft->present[slot]
                            ? json_text(draft->rec[slot].text, draft->rec[slot].len)
                            : json_null());
    json_object_set_new(o, "effect_changed", json_boolean(d->effect_changed));
    json_object_set_new(o, "effect_unknown", json_boolean(live->failed[slot]));
    json_object_set_new(o, "text_changed", json_boolean(d->text_changed));
    json_object_set_new(o, "text_fallback", json_boolean(d->text_fallback));
    json_t *changes = json_array();
    for (size_t i = 0; i < d->count; i++) {
        const struct diff_change *c = &d->changes[i];
        const char *s = c->sentence ? c->sentence : "";
        json_array_append_new(
            changes,
            json_pack("{s:s, s:s, s:o, s:o, s:b, s:o}", "kind", diff_kind_name(c->kind), "id",
                      c->id, "before", json_side_span(c->before_text, c->before, c->before_term),
                      "after", json_side_span(c->after_text, c->after, c->after_term), "effect",
                      c->effect, "message", json_text(s, strlen(s))));
    }
    json_object_set_new(o, "changes", changes);
    if (d->text_fallback) {
        json_t *lines = json_array();
        for (size_t i = 0; i < d->nlines; i++) {
            char op[2] = {d->lines[i].op, '\0'};
            json_array_append_new(lines, json_pack("{s:s, s:o}", "op", op, "text",
                                                   json_text(d->lines[i].text, d->lines[i].len)));
        }
        json_object_set_new(o, "lines", lines);
    }
    if (d->spf.present)
        json_object_set_new(o, "spf_effect", json_spf_effect(&d->spf));
    if (d->dmarc.present)
        json_object_set_new(o, "dmarc_effect", json_dmarc_effect(&d->dmarc));
    if (d->dkim.present)
        json_object_set_new(o, "dkim_effect",
                            json_pack("{s:s, s:s, s:b}", "before", d->dkim.before_key, "after",
                                      d->dkim.after_key, "key_changed", d->dkim.key_changed));
    json_object_set_new(o, "diagnostics",
                        draft->present[slot] ? json_diag_list(&draft->rec[slot].diags)
                                             : json_array());
    return o;
}

/* ---- gathering the sides ------------------------------------------------- */

/* RFC 7208 §5.2, §6.1: an error in a record the draft's include tree
 * reaches makes the draft permerror too, so the tree's errors (reported on
 * the root term leading there) join the draft's own. */
static void add_tree_errors(struct diag_list *to, const struct spf_tree *t)
{
    struct diag_list tl;
    diag_list_init(&tl);
    spf_tree_lint(t, &tl);
    for (size_t i = 0; i < tl.count; i++) {
        const struct diag *e = &tl.items[i];
        if (e->severity == DIAG_ERROR)
            diag_add(to, e->rule, e->start, e->end, "%s", e->message);
    }
    diag_list_free(&tl);
}

static bool drafts_from_args(const struct diff_args *a, const char *domain, struct side *draft)
{
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (!a->rec[s])
            continue;
        size_t len;
        char *text = cli_read_record_arg(a->rec[s], &len);
        if (!text)
            return false;
        bool ok = record_analyze(&draft->rec[s], slot_kind[s], text, len, (long long)time(NULL));
        free(text);
        if (!ok) {
            fputs("authtxt: out of memory\n", stderr);
            return false;
        }
        draft->present[s] = true;
    }
    (void)domain;
    return true;
}

static void set_where(struct side *s, enum slot slot, const char *domain, const char *selector)
{
    if (slot == SLOT_SPF)
        snprintf(s->where[slot], sizeof s->where[slot], "%s", domain);
    else if (slot == SLOT_DMARC)
        snprintf(s->where[slot], sizeof s->where[slot], "_dmarc.%s", domain);
    else
        snprintf(s->where[slot], sizeof s->where[slot], "%s._domainkey.%s",
                 selector[0] ? selector : "?", domain);
}

/* Which slot a failed query of a fetch concerns, from the name asked: DKIM
 * keys live under _domainkey, DMARC under _dmarc (and _report._dmarc),
 * everything else is the SPF record and its tree. */
static enum slot error_slot(const char *name)
{
    if (strstr(name, "._domainkey."))
        return SLOT_DKIM;
    if (strncmp(name, "_dmarc.", 7) == 0 || strstr(name, "._dmarc."))
        return SLOT_DMARC;
    return SLOT_SPF;
}

static void mark_failed(const struct net_fetch *f, bool failed[SLOT_COUNT])
{
    for (size_t i = 0; i < f->nerrors; i++)
        failed[error_slot(f->errors[i].name)] = true;
    /* Errors past the remembered ones: no telling which slot, so none is
     * trusted. */
    if (f->errors_total > f->nerrors)
        for (int s = 0; s < SLOT_COUNT; s++)
            failed[s] = true;
}

/* The live side from a fetch: the records analyzed by the fetch's lint. */
static bool live_from_fetch(const struct net_fetch *f, const struct net_fetch_lint *l,
                            struct side *live)
{
    const struct record *src[SLOT_COUNT] = {&l->spf, &l->dmarc, l->ndkim ? &l->dkim[0] : NULL};
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (!src[s] || src[s]->kind == RECORD_UNKNOWN || src[s]->len == 0)
            continue;
        if (!record_analyze(&live->rec[s], slot_kind[s], src[s]->text, src[s]->len,
                            (long long)time(NULL)))
            return false;
        live->present[s] = true;
    }
    live->tree = &f->spf;
    /* The DMARC record in force may be the organizational domain's (RFC
     * 9989 §4.10): say where it was found. */
    const char *pd = f->dmarc ? dmarc_discovery_policy_domain(f->dmarc) : NULL;
    if (live->present[SLOT_DMARC] && pd && strcmp(pd, f->domain) != 0)
        snprintf(live->where[SLOT_DMARC], sizeof live->where[SLOT_DMARC],
                 "_dmarc.%s (in force for %s)", pd, f->domain);
    return true;
}

int cmd_diff(int argc, char **argv)
{
    struct diff_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    char domain[DMARC_NAME_MAX + 1];
    char why[160];
    if (!net_domain_to_ascii(a.domain, domain, sizeof domain, why, sizeof why))
        return cli_usage_error("'%s': %s", a.domain, why);

    struct side live, draft;
    struct zone_src load_src, against_src;
    bool load_open = false, against_open = false;
    struct net_resolver *res = NULL;
    struct net_fetch *f = NULL;
    static struct net_fetch draft_fetch; /* the draft's include tree */
    net_fetch_init(&draft_fetch);
    struct net_fetch_lint lint;
    net_fetch_lint_init(&lint);
    side_init(&live);
    side_init(&draft);
    int status = CLI_USAGE;
    struct diff_result d[SLOT_COUNT];
    for (int s = 0; s < SLOT_COUNT; s++)
        diff_result_init(&d[s]);

    if (a.net.nselectors)
        snprintf(draft.selector, sizeof draft.selector, "%s", a.net.selectors[0]);

    /* The drafts. */
    if (a.load) {
        load_open = true;
        if (!zone_src_load(&load_src, a.load, domain))
            goto done;
        bool any = false;
        for (int s = 0; s < SLOT_COUNT; s++)
            any |= zone_pick(&load_src, (enum slot)s, domain, draft.selector, &draft);
        if (!any) {
            fprintf(stderr, "authtxt: %s: no SPF, DMARC or DKIM record of ", a.load);
            out_safe(stderr, domain, strlen(domain));
            fputs("\n", stderr);
            goto done;
        }
    } else if (!drafts_from_args(&a, domain, &draft)) {
        goto done;
    }

    /* The live side. */
    memcpy(live.selector, draft.selector, sizeof live.selector);
    if (a.against) {
        against_open = true;
        if (!zone_src_load(&against_src, a.against, domain))
            goto done;
        for (int s = 0; s < SLOT_COUNT; s++)
            if (draft.present[s])
                zone_pick(&against_src, (enum slot)s, domain, live.selector, &live);
        if (!draft.selector[0])
            memcpy(draft.selector, live.selector, sizeof draft.selector);
        if (live.present[SLOT_SPF]) {
            const struct record *r = &live.rec[SLOT_SPF];
            if (!spf_tree_start_text(&live.own_tree, domain, r->text, r->len) ||
                !zone_lookup_resolve_tree(&live.own_tree, &against_src.z))
                goto oom;
            live.tree = &live.own_tree;
        }
    } else {
        if (draft.present[SLOT_DKIM] && !draft.selector[0]) {
            cli_usage_error("give --selector S to fetch the live DKIM key to compare with --dkim");
            goto done;
        }
        res = netopts_open(&a.net);
        if (!res)
            goto done;
        f = malloc(sizeof *f);
        if (!f)
            goto oom;
        net_fetch_init(f);
        const char *sel[1] = {draft.selector};
        struct net_fetch_options opts = {sel, draft.selector[0] ? 1 : 0, netopts_now(&a.net)};
        char err[256] = "";
        if (!net_fetch_start(f, res, domain, &opts, err, sizeof err)) {
            fputs("authtxt: fetch ", stderr);
            out_safe(stderr, domain, strlen(domain));
            fputs(": ", stderr);
            out_safe(stderr, err, strlen(err));
            fputc('\n', stderr);
            goto done;
        }
        net_resolver_wait(res);
        if (!net_fetch_lint_run(f, &lint) || f->oom || !live_from_fetch(f, &lint, &live))
            goto oom;
        mark_failed(f, live.failed);
        memcpy(live.selector, draft.selector, sizeof live.selector);
    }
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (!live.where[s][0])
            set_where(&live, (enum slot)s, domain, live.selector);
        if (!draft.where[s][0])
            set_where(&draft, (enum slot)s, domain, draft.selector);
    }

    /* The draft's SPF tree, expanded the same way as the live one. */
    if (draft.present[SLOT_SPF]) {
        const struct record *r = &draft.rec[SLOT_SPF];
        if (a.against) {
            if (!spf_tree_start_text(&draft.own_tree, domain, r->text, r->len) ||
                !zone_lookup_resolve_tree(&draft.own_tree, &against_src.z))
                goto oom;
            draft.tree = &draft.own_tree;
        } else {
            /* The same expansion as the live tree's (src/net/fetch.c). */
            char err[256] = "";
            if (!net_fetch_start_tree(&draft_fetch, res, domain, r->text, r->len, err,
                                      sizeof err)) {
                fputs("authtxt: the draft's include tree: ", stderr);
                out_safe(stderr, err, strlen(err));
                fputc('\n', stderr);
                goto done;
            }
            net_resolver_wait(res);
            if (draft_fetch.oom)
                goto oom;
            draft.tree = &draft_fetch.spf;
            /* The draft's tree asks the same live DNS: when that fails, its
             * effect is unknown too. */
            if (draft_fetch.errors_total)
                live.failed[SLOT_SPF] = true;
        }
    }

    if (draft.present[SLOT_SPF] && draft.tree)
        add_tree_errors(&draft.rec[SLOT_SPF].diags, draft.tree);

    /* The diffs. */
    bool changed = false, errors = false, dns_failed = false;
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (!draft.present[s])
            continue;
        if (!diff_records(live.present[s] ? &live.rec[s] : NULL, &draft.rec[s], &d[s]))
            goto oom;
        if (s == SLOT_SPF && d[s].kind == RECORD_SPF &&
            !diff_spf_effect(live.present[s] ? live.tree : NULL, draft.tree, &d[s]))
            goto oom;
        if (live.failed[s]) {
            d[s].effect_changed = false;
            dns_failed = true;
        }
        changed |= d[s].effect_changed;
        errors |= record_count_severity(&draft.rec[s].diags, DIAG_ERROR) > 0;
    }
    status = dns_failed ? CLI_DNS : errors ? CLI_ERRORS : changed ? 1 : 0;
    const struct net_fetch *fs[2] = {f, a.against ? NULL : &draft_fetch};

    if (a.json) {
        json_t *records = json_array();
        for (int s = 0; s < SLOT_COUNT; s++)
            if (draft.present[s])
                json_array_append_new(records, json_slot((enum slot)s, &live, &draft, &d[s]));
        json_t *dns_errors = json_array();
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; fs[k] && i < fs[k]->nerrors; i++) {
                const struct net_fetch_error *e = &fs[k]->errors[i];
                json_array_append_new(
                    dns_errors,
                    json_pack("{s:o, s:s, s:s, s:o}", "name", json_text(e->name, strlen(e->name)),
                              "type", e->type, "status", dns_status_name(e->status), "message",
                              json_text(e->message, strlen(e->message))));
            }
        json_t *doc = json_object();
        json_object_set_new(doc, "domain", json_string(domain));
        json_object_set_new(doc, "before",
                            a.against ? json_text(a.against, strlen(a.against))
                                      : json_string("live"));
        json_object_set_new(
            doc, "after", a.load ? json_text(a.load, strlen(a.load)) : json_string("command line"));
        json_object_set_new(doc, "records", records);
        json_object_set_new(doc, "effect_changed", json_boolean(changed));
        json_object_set_new(doc, "lint_errors", json_boolean(errors));
        json_object_set_new(doc, "dns_failed", json_boolean(dns_failed));
        json_object_set_new(doc, "dns_errors", dns_errors);
        json_print(doc);
    } else {
        printf("authtxt diff ");
        out_safe(stdout, domain, strlen(domain));
        printf(": ");
        if (a.against)
            out_safe(stdout, a.against, strlen(a.against));
        else
            printf("live DNS");
        printf(" -> ");
        if (a.load)
            out_safe(stdout, a.load, strlen(a.load));
        else
            printf("drafts");
        printf("\n\n");
        size_t n = 0, nchanged = 0;
        for (int s = 0; s < SLOT_COUNT; s++) {
            if (!draft.present[s])
                continue;
            print_slot_text(&a, (enum slot)s, &live, &draft, &d[s]);
            n++;
            nchanged += d[s].effect_changed;
        }
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; fs[k] && i < fs[k]->nerrors; i++) {
                const struct net_fetch_error *e = &fs[k]->errors[i];
                printf("DNS error: ");
                out_safe(stdout, e->name, strlen(e->name));
                printf(" %s: ", e->type);
                out_safe(stdout, e->message, strlen(e->message));
                putchar('\n');
            }
        printf("effect changed in %zu of %zu record%s%s%s\n", nchanged, n, n == 1 ? "" : "s",
               errors ? "; a draft has errors" : "",
               dns_failed ? "; DNS failed, so some effects are unknown" : "");
    }
    goto done;
oom:
    fputs("authtxt: out of memory\n", stderr);
    status = CLI_USAGE;
done:
    for (int s = 0; s < SLOT_COUNT; s++)
        diff_result_free(&d[s]);
    side_free(&live);
    side_free(&draft);
    if (load_open)
        zone_src_free(&load_src);
    if (against_open)
        zone_src_free(&against_src);
    net_fetch_lint_free(&lint);
    if (f) {
        net_fetch_free(f);
        free(f);
    }
    net_fetch_free(&draft_fetch);
    return netopts_close(&a.net, res, status);
}
