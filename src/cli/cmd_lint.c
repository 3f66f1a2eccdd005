/* `authtxt lint` and `authtxt explain`: one record, one domain's records
 * together (--spf/--dmarc/--dkim), or every TXT record of a zone file. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/help.h"
#include "authtxt/strbuf.h"
#include "cli.h"
#include "zonelint.h"

enum { OPT_TYPE = 1000, OPT_JSON, OPT_ZONE, OPT_SPF, OPT_DMARC, OPT_DKIM, OPT_HELP, OPT_ORIGIN };

#define MAX_DKIM_ARGS 16

struct lint_args {
    enum record_kind kind;
    bool json;
    const char *zone;
    const char *origin; /* --origin: $ORIGIN before the zone file sets one */
    const char *spf, *dmarc;
    const char *dkim[MAX_DKIM_ARGS];
    size_t ndkim;
    const char *record; /* positional RECORD or "-" */
};

static const struct option lint_options[] = {
    {"type", required_argument, NULL, OPT_TYPE},
    {"json", no_argument, NULL, OPT_JSON},
    {"zone", required_argument, NULL, OPT_ZONE},
    {"spf", required_argument, NULL, OPT_SPF},
    {"dmarc", required_argument, NULL, OPT_DMARC},
    {"dkim", required_argument, NULL, OPT_DKIM},
    {"help", no_argument, NULL, OPT_HELP},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {NULL, 0, NULL, 0},
};

static const char lint_usage[] =
    "Usage: authtxt lint [--type spf|dmarc|dkim|dkim-sig] [--json] RECORD|-\n"
    "       authtxt lint [--json] [--origin NAME] --zone FILE|-\n"
    "       authtxt lint [--json] [--spf REC] [--dmarc REC] [--dkim REC]...\n"
    "\n"
    "Check SPF, DMARC and DKIM records against their RFCs and common mistakes.\n"
    "\n"
    "  RECORD          the record text (quote it); - reads it from standard input\n"
    "  --type KIND     spf, dmarc, dkim (key record) or dkim-sig (DKIM-Signature\n"
    "                  header); detected from the text when not given\n"
    "  --zone FILE     every TXT record of a zone file (- for standard input),\n"
    "                  grouped by domain, with the checks across SPF, DMARC and\n"
    "                  DKIM of each domain; streamed, any size\n"
    "  --origin NAME   the origin of a zone fragment without $ORIGIN (relative\n"
    "                  names such as opendkim-genkey's 'sel._domainkey')\n"
    "  --spf/--dmarc/--dkim REC\n"
    "                  the records of one domain, checked together (--dkim\n"
    "                  repeatable)\n"
    "  --json          JSON output (see authtxt(1) for the shape)\n"
    "  --help, --version\n"
    "\n"
    "Options may come before or after the record; '--' ends them (for a record\n"
    "that starts with '-').\n"
    "Exit status: 0 clean, 1 warnings only, 2 errors, 3 usage or I/O failure.\n";

static const char explain_usage[] =
    "Usage: authtxt explain [--type spf|dmarc|dkim|dkim-sig] [--json] RECORD|-\n"
    "\n"
    "Explain each term or tag of a record: what it does, its value, its default\n"
    "and the RFC section, as the editor's help pane does.\n"
    "\n"
    "  RECORD          the record text (quote it); - reads it from standard input\n"
    "  --type KIND     spf, dmarc, dkim or dkim-sig; detected when not given\n"
    "  --json          JSON output (see authtxt(1) for the shape)\n"
    "  --help, --version\n"
    "\n"
    "Options may come before or after the record; '--' ends them.\n"
    "Exit status: 0 clean, 1 warnings only, 2 errors, 3 usage or I/O failure.\n";

/* The long name of an option code, for messages. */
static const char *option_name(int code)
{
    for (const struct option *o = lint_options; o->name; o++)
        if (o->val == code)
            return o->name;
    return "?";
}

/* Parse the options shared by lint and explain.  Returns -1 to go on, or an
 * exit status. */
static int parse_args(int argc, char **argv, bool is_lint, struct lint_args *a)
{
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 1;
    int c;
    const char *positional[2] = {NULL, NULL};
    size_t npositional = 0;
    /* "-": arguments in order, so options may follow the record ("lint
     * 'v=spf1 -all' --json"); "--" still ends the options for a record that
     * starts with '-'.  ":": a missing value is told apart from an unknown
     * option. */
    while ((c = getopt_long(argc, argv, "-:", lint_options, NULL)) != -1) {
        switch (c) {
        case 1:
            if (npositional < 2)
                positional[npositional] = optarg;
            npositional++;
            break;
        case ':':
            return cli_usage_error("option '--%s' needs a value", option_name(optopt));
        case OPT_TYPE:
            if (!record_kind_parse(optarg, &a->kind))
                return cli_usage_error("--type %s: expected spf, dmarc, dkim or dkim-sig", optarg);
            break;
        case OPT_JSON:
            a->json = true;
            break;
        case OPT_HELP:
            fputs(is_lint ? lint_usage : explain_usage, stdout);
            exit(CLI_CLEAN);
        case OPT_ORIGIN:
            a->origin = optarg;
            break;
        case OPT_ZONE:
        case OPT_SPF:
        case OPT_DMARC:
        case OPT_DKIM:
            if (!is_lint)
                return cli_usage_error("explain takes one record; --%s is for lint",
                                       option_name(c));
            if (c == OPT_ZONE)
                a->zone = optarg;
            else if (c == OPT_SPF)
                a->spf = optarg;
            else if (c == OPT_DMARC)
                a->dmarc = optarg;
            else if (a->ndkim == MAX_DKIM_ARGS)
                return cli_usage_error("at most %d --dkim records", MAX_DKIM_ARGS);
            else
                a->dkim[a->ndkim++] = optarg;
            break;
        default:
            if (optopt && optopt < OPT_TYPE)
                return cli_usage_error("unknown option -%c", optopt);
            return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (npositional < 2)
            positional[npositional] = argv[i];
        npositional++;
    }
    size_t rest = npositional;
    bool set_mode = a->spf || a->dmarc || a->ndkim;
    if (a->origin && !a->zone)
        return cli_usage_error("--origin is for --zone FILE");
    if (a->zone && (set_mode || rest))
        return cli_usage_error("--zone lints a file; give no record with it");
    if (set_mode && rest)
        return cli_usage_error("give records either with --spf/--dmarc/--dkim or as one argument");
    if (!a->zone && !set_mode) {
        if (rest == 0)
            return cli_usage_error("%s needs a record (or - to read it from standard input)",
                                   is_lint ? "lint" : "explain");
        if (rest > 1)
            return cli_usage_error("one record at a time (quote it: '%s ...')", positional[0]);
        a->record = positional[0];
    }
    return -1;
}

/* Analyze one record argument.  Returns false after printing why. */
static bool analyze_arg(struct record *r, enum record_kind kind, const char *arg)
{
    size_t len;
    char *text = cli_read_record_arg(arg, &len);
    if (!text)
        return false;
    bool ok = record_analyze(r, kind, text, len, (long long)time(NULL));
    free(text);
    if (!ok)
        fputs("authtxt: out of memory\n", stderr);
    return ok;
}

static json_t *json_record_lint(const struct record *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(record_kind_name(r->kind)));
    json_object_set_new(o, "record", json_text(r->text, r->len));
    json_object_set_new(o, "valid", json_boolean(diag_list_status(&r->diags) < 2));
    json_object_set_new(o, "diagnostics", json_diag_list(&r->diags));
    json_object_set_new(o, "terms", json_terms(r, false));
    return o;
}

static void print_record_text(const char *origin, const struct record *r)
{
    for (size_t i = 0; i < r->diags.count; i++)
        out_diag_text(stdout, origin, r->text, r->len, &r->diags.items[i], 1, 1);
    printf("%s: ", record_kind_title(r->kind));
    out_summary_text(stdout, &r->diags);
}

static int worst(int a, int b) { return a > b ? a : b; }

/* --spf/--dmarc/--dkim: the records of one domain, with the cross rules. */
static int lint_set(const struct lint_args *a)
{
    struct record spf, dmarc, dkim[MAX_DKIM_ARGS];
    const struct record *dkim_ptrs[MAX_DKIM_ARGS];
    struct diag_list cross;
    int status = CLI_CLEAN;
    record_init(&spf);
    record_init(&dmarc);
    diag_list_init(&cross);
    for (size_t i = 0; i < a->ndkim; i++) {
        record_init(&dkim[i]);
        dkim_ptrs[i] = &dkim[i];
    }
    bool ok = (!a->spf || analyze_arg(&spf, RECORD_SPF, a->spf)) &&
              (!a->dmarc || analyze_arg(&dmarc, RECORD_DMARC, a->dmarc));
    for (size_t i = 0; ok && i < a->ndkim; i++)
        ok = analyze_arg(&dkim[i], RECORD_DKIM_KEY, a->dkim[i]);
    if (!ok) {
        status = CLI_USAGE;
        goto done;
    }
    cross_lint(NULL, a->spf ? &spf : NULL, a->dmarc ? &dmarc : NULL, dkim_ptrs, a->ndkim, &cross);

    status = diag_list_status(&cross);
    if (a->spf)
        status = worst(status, diag_list_status(&spf.diags));
    if (a->dmarc)
        status = worst(status, diag_list_status(&dmarc.diags));
    for (size_t i = 0; i < a->ndkim; i++)
        status = worst(status, diag_list_status(&dkim[i].diags));

    if (a->json) {
        json_t *records = json_array();
        if (a->spf)
            json_array_append_new(records, json_record_lint(&spf));
        if (a->dmarc)
            json_array_append_new(records, json_record_lint(&dmarc));
        for (size_t i = 0; i < a->ndkim; i++)
            json_array_append_new(records, json_record_lint(&dkim[i]));
        json_print(json_pack("{s:o, s:o, s:b}", "records", records, "cross",
                             json_diag_list(&cross), "valid", status < CLI_ERRORS));
    } else {
        if (a->spf)
            print_record_text("--spf", &spf);
        if (a->dmarc)
            print_record_text("--dmarc", &dmarc);
        for (size_t i = 0; i < a->ndkim; i++)
            print_record_text("--dkim", &dkim[i]);
        for (size_t i = 0; i < cross.count; i++) {
            const struct diag *d = &cross.items[i];
            printf("records together: %s: ", diag_severity_name(d->severity));
            out_safe(stdout, d->message, strlen(d->message));
            printf(" [%s]", rule_get(d->rule)->code);
            if (rule_get(d->rule)->ref[0])
                printf(" (%s)", rule_get(d->rule)->ref);
            putchar('\n');
        }
        printf("records together: ");
        out_summary_text(stdout, &cross);
    }
done:
    record_free(&spf);
    record_free(&dmarc);
    for (size_t i = 0; i < a->ndkim; i++)
        record_free(&dkim[i]);
    diag_list_free(&cross);
    return status;
}

int cmd_lint(int argc, char **argv)
{
    struct lint_args a;
    int rc = parse_args(argc, argv, true, &a);
    if (rc >= 0)
        return rc;
    if (a.zone)
        return zonelint_run(a.zone, a.origin, a.json);
    if (!a.record)
        return lint_set(&a);

    struct record r;
    record_init(&r);
    int status = CLI_USAGE;
    if (analyze_arg(&r, a.kind, a.record)) {
        status = diag_list_status(&r.diags);
        if (a.json)
            json_print(json_record_lint(&r));
        else
            print_record_text("<record>", &r);
    }
    record_free(&r);
    return status;
}

/* --- explain ------------------------------------------------------------- */

static void print_field(const char *label, const char *value)
{
    if (value && value[0])
        printf("      %-9s %s\n", label, value);
}

static void explain_text(const struct record *r)
{
    struct strbuf sb = STRBUF_INIT;
    printf("%s\n  ", record_kind_title(r->kind));
    out_safe(stdout, r->text, r->len);
    printf("\n");
    for (size_t i = 0; i < r->terms.count; i++) {
        const struct record_term *t = &r->terms.items[i];
        const struct help_entry *h = help_find(t->id);
        const struct help_entry *v = help_find(t->value_id);
        printf("\n  ");
        out_safe(stdout, r->text + t->start, t->end - t->start);
        printf("\n      %s\n", h ? h->title : t->id);
        strbuf_reset(&sb);
        record_describe_term(r, i, &sb);
        print_field("Here:", strbuf_cstr(&sb));
        if (h)
            print_field("What:", h->summary);
        if (v)
            print_field("Value:", v->summary);
        if (h) {
            print_field("Default:", h->default_value);
            print_field("Values:", h->values);
            print_field("See:", h->rfc);
        }
        if (r->kind == RECORD_SPF)
            printf("      %-9s %d\n", "Lookups:", t->lookups);
    }
    strbuf_free(&sb);
    if (r->diags.count) {
        printf("\n");
        for (size_t i = 0; i < r->diags.count; i++)
            out_diag_text(stdout, "<record>", r->text, r->len, &r->diags.items[i], 1, 1);
    }
    printf("\n%s: ", record_kind_title(r->kind));
    out_summary_text(stdout, &r->diags);
}

int cmd_explain(int argc, char **argv)
{
    struct lint_args a;
    int rc = parse_args(argc, argv, false, &a);
    if (rc >= 0)
        return rc;
    struct record r;
    record_init(&r);
    int status = CLI_USAGE;
    if (analyze_arg(&r, a.kind, a.record)) {
        status = diag_list_status(&r.diags);
        if (a.json) {
            json_t *o = json_object();
            json_object_set_new(o, "type", json_string(record_kind_name(r.kind)));
            json_object_set_new(o, "record", json_text(r.text, r.len));
            json_object_set_new(o, "terms", json_terms(&r, true));
            json_object_set_new(o, "diagnostics", json_diag_list(&r.diags));
            json_print(o);
        } else {
            explain_text(&r);
        }
    }
    record_free(&r);
    return status;
}
