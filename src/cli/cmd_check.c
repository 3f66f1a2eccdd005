/* `authtxt check`: the receiver simulation.  The evaluators are in the
 * core (check.h); this file reads the options and the message, builds the
 * DNS source (live DNS through src/net/dnssource_net.c, with --load
 * drafts overlaid), drives the evaluators until they have every answer
 * they need (all their questions in flight at once) and prints the traces
 * as text or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpsl.h>

#include "../net/dnssource_net.h"
#include "../net/fetch.h"
#include "authtxt/check.h"
#include "authtxt/zone.h"
#include "cli.h"
#include "netopts.h"

/* Exit statuses of check (design.md, issue 10). */
enum { CHECK_EXIT_PASS = 0, CHECK_EXIT_MARKED = 1, CHECK_EXIT_REJECTED = 2, CHECK_EXIT_DNS = 4 };

enum {
    OPT_JSON = 1000,
    OPT_HELP,
    OPT_IP,
    OPT_MAIL_FROM,
    OPT_HELO,
    OPT_FROM,
    OPT_MESSAGE,
    OPT_LOAD,
    OPT_SPOOF,
    OPT_SUBDOMAIN,
    OPT_RECEIVER,
};

static const struct option check_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, OPT_HELP},
    {"ip", required_argument, NULL, OPT_IP},
    {"mail-from", required_argument, NULL, OPT_MAIL_FROM},
    {"helo", required_argument, NULL, OPT_HELO},
    {"from", required_argument, NULL, OPT_FROM},
    {"message", required_argument, NULL, OPT_MESSAGE},
    {"load", required_argument, NULL, OPT_LOAD},
    {"spoof", required_argument, NULL, OPT_SPOOF},
    {"subdomain", required_argument, NULL, OPT_SUBDOMAIN},
    {"receiver", required_argument, NULL, OPT_RECEIVER},
    NETOPTS_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

static const char check_usage[] =
    "Usage: authtxt check [--ip IP --mail-from ADDR --helo NAME] [--from ADDR]\n"
    "                     [--message FILE] [--load FILE] [NETWORK OPTIONS] [--json]\n"
    "       authtxt check --spoof DOMAIN [--subdomain NAME] [--load FILE]\n"
    "                     [NETWORK OPTIONS] [--json]\n"
    "\n"
    "What a receiver does with a message: SPF check_host (RFC 7208) for the client\n"
    "address and the MAIL FROM (or HELO) identity, DKIM verification of the\n"
    "message's signatures (RFC 6376, 8301, 8463), and DMARC (RFC 9989) for the\n"
    "From domain, each as a trace of steps with the RFC section that decides it.\n"
    "--mail-from '' is the null reverse-path (SPF then checks the HELO name).\n"
    "--load FILE answers the names in a zone fragment from it (drafts as if\n"
    "published), every other name from DNS.  --spoof DOMAIN runs the receiver on\n"
    "forged mail From: the domain, a subdomain and a non-existent subdomain.\n"
    "\n"
    "NETWORK OPTIONS: --dns HOST[:PORT] | --doh URL [--doh-insecure | --doh-cafile F],\n"
    "  --timeout MS (per try), and the DNS captures:\n"
    "  --save-dns FILE  write every DNS answer the check used (TXT records,\n"
    "                   addresses, MX hosts, PTR names) and the time, as JSON\n"
    "  --dns-file FILE  answer from such a file only, with no network, at the\n"
    "                   time it was recorded: the output and exit status equal\n"
    "                   the recorded run's (--json leaves out elapsed_ms when\n"
    "                   either option is given); a name the file lacks is a DNS\n"
    "                   failure that says so, never NXDOMAIN\n"
    "\n"
    "Exit status: 0 DMARC passes (or SPF passes where there is no DMARC),\n"
    "1 quarantined or marked, 2 rejected, 3 usage or I/O, 4 DNS failure: an\n"
    "answer could not be had (timeout, SERVFAIL, REFUSED, a name missing from\n"
    "--dns-file), whatever the verdict.\n"
    "--spoof: 0 every forged message is rejected, 1 some only quarantined,\n"
    "2 some delivered, 4 DNS failure.\n";

struct check_args {
    struct netopts net;
    bool json;
    const char *ip, *mail_from, *helo, *from, *message, *load, *spoof, *subdomain, *receiver;
    bool mail_from_set;
};

static int parse_args(int argc, char **argv, struct check_args *a)
{
    memset(a, 0, sizeof *a);
    netopts_init(&a->net);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", check_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            a->json = true;
            break;
        case OPT_HELP:
            fputs(check_usage, stdout);
            exit(CLI_CLEAN);
        case OPT_IP:
            a->ip = optarg;
            break;
        case OPT_MAIL_FROM:
            a->mail_from = optarg;
            a->mail_from_set = true;
            break;
        case OPT_HELO:
            a->helo = optarg;
            break;
        case OPT_FROM:
            a->from = optarg;
            break;
        case OPT_MESSAGE:
            a->message = optarg;
            break;
        case OPT_LOAD:
            a->load = optarg;
            break;
        case OPT_SPOOF:
            a->spoof = optarg;
            break;
        case OPT_SUBDOMAIN:
            a->subdomain = optarg;
            break;
        case OPT_RECEIVER:
            a->receiver = optarg;
            break;
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
    if (optind != argc)
        return cli_usage_error("check: unexpected argument '%s'", argv[optind]);
    if (a->spoof) {
        if (a->ip || a->mail_from_set || a->helo || a->from || a->message)
            return cli_usage_error("check: --spoof runs its own forged message; it takes no "
                                   "--ip, --mail-from, --helo, --from or --message");
        return -1;
    }
    if (a->subdomain)
        return cli_usage_error("check: --subdomain goes with --spoof");
    if (!a->ip && !a->from && !a->message)
        return cli_usage_error("check needs --ip (with --mail-from or --helo), --from or "
                               "--message, or --spoof DOMAIN");
    if (a->ip && !a->mail_from_set && !a->helo)
        return cli_usage_error("check: --ip needs --mail-from ADDR (or '' with --helo NAME)");
    if (a->mail_from_set && !a->ip)
        return cli_usage_error("check: --mail-from needs --ip (SPF checks a client address)");
    return -1;
}

/* ---------------------------------------------------------------------- */
/* The DNS source and the driver                                          */

struct runner {
    struct net_resolver *resolver;
    struct net_dns_source net;
    struct dns_table overlay; /* --load */
    bool use_overlay;
    const struct dns_source *src;
    char *load_text;
};

/* --load FILE: every TXT record of the fragment, answered from it. */
static int overlay_load(struct runner *rn, const char *path)
{
    size_t len = 0;
    rn->load_text = cli_read_file(path, &len);
    if (!rn->load_text)
        return CLI_USAGE;
    struct zone z;
    struct diag_list diags;
    zone_init(&z);
    diag_list_init(&diags);
    zone_read(&z, rn->load_text, len, NULL, &diags);
    int rc = 0;
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].severity == DIAG_ERROR) {
            struct zone_location loc;
            zone_locate(&z, diags.items[i].start, &loc);
            fprintf(stderr, "authtxt: %s:%zu:%zu: %s\n", path, loc.line, loc.column,
                    diags.items[i].message);
            rc = CLI_USAGE;
        }
    for (size_t i = 0; rc == 0 && i < z.count; i++) {
        const struct zone_record *r = &z.records[i];
        char owner[DNS_SOURCE_NAME_MAX + 1];
        size_t ol = r->owner_len < sizeof owner - 1 ? r->owner_len : sizeof owner - 1;
        memcpy(owner, r->owner_lc, ol);
        owner[ol] = '\0';
        struct dns_answer *a = dns_table_slot(&rn->overlay, owner, DNS_TYPE_TXT);
        const char *strings[1] = {r->text};
        size_t lens[1] = {r->len};
        if (!a || !dns_txt_answer_add(&a->txt, strings, lens, 1)) {
            fprintf(stderr, "authtxt: out of memory reading %s\n", path);
            rc = CLI_USAGE;
            break;
        }
        a->status = a->txt.status = DNS_OK;
    }
    if (rc == 0 && z.count == 0) {
        fprintf(stderr, "authtxt: %s holds no TXT record to overlay\n", path);
        rc = CLI_USAGE;
    }
    zone_free(&z);
    diag_list_free(&diags);
    return rc;
}

/* The resolver (with the --save-dns/--dns-file captures: a capture keeps
 * the addresses, MX hosts and PTR names check_host compares, src/net/
 * capture.h) and the DNS source over it.  runner_free even on failure. */
static int runner_init(struct runner *rn, struct check_args *a)
{
    memset(rn, 0, sizeof *rn);
    /* Before anything returns: runner_free frees them either way. */
    net_dns_source_init(&rn->net, NULL);
    dns_table_init(&rn->overlay, true);
    rn->resolver = netopts_open(&a->net);
    if (!rn->resolver)
        return CLI_USAGE;
    rn->net.resolver = rn->resolver;
    rn->overlay.next = &rn->net.cache.source;
    rn->src = &rn->net.cache.source;
    if (a->load) {
        int rc = overlay_load(rn, a->load);
        if (rc)
            return rc;
        rn->src = &rn->overlay.source;
        rn->use_overlay = true;
    }
    return 0;
}

/* Frees the runner, writes the --save-dns capture, and returns the exit
 * status (rc, or CLI_USAGE when the capture could not be written). */
static int runner_free(struct runner *rn, struct check_args *a, int rc)
{
    net_dns_source_free(&rn->net); /* first: detaches what is in flight */
    rc = netopts_close(&a->net, rn->resolver, rc);
    rn->resolver = NULL;
    dns_table_free(&rn->overlay);
    free(rn->load_text);
    return rc;
}

enum job_kind { JOB_SPF, JOB_DMARC, JOB_DKIM };

struct job {
    enum job_kind kind;
    void *ev;
    bool done;
};

static enum check_status job_run(struct job *j, const struct dns_source *src,
                                 const struct check_needs **needs)
{
    switch (j->kind) {
    case JOB_SPF: {
        struct spf_eval *e = j->ev;
        *needs = &e->needs;
        return spf_eval_run(e, src);
    }
    case JOB_DMARC: {
        struct dmarc_eval *e = j->ev;
        *needs = &e->needs;
        return dmarc_eval_run(e, src);
    }
    case JOB_DKIM: {
        struct dkim_verify *e = j->ev;
        *needs = &e->needs;
        return dkim_verify_run(e, src);
    }
    }
    return CHECK_BAD_INPUT;
}

/* Run every job until none needs an answer: each round asks every
 * question of every job at once.  False when stuck (questions nobody can
 * answer: cannot happen with the resolver, which always answers). */
static bool drive(struct runner *rn, struct job *jobs, size_t n)
{
    struct check_needs *merged = malloc(sizeof *merged);
    if (!merged)
        return false;
    bool ok = true;
    for (int rounds = 0;; rounds++) {
        merged->count = 0;
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].done)
                continue;
            const struct check_needs *needs = NULL;
            enum check_status st = job_run(&jobs[i], rn->src, &needs);
            if (st != CHECK_NEED_ANSWERS) {
                jobs[i].done = true;
                continue;
            }
            any = true;
            for (size_t k = 0; k < needs->count; k++)
                check_needs_add(merged, needs->items[k].name, needs->items[k].type);
        }
        if (!any)
            break;
        size_t sent = net_dns_source_ask(&rn->net, merged);
        if ((sent == 0 && rn->net.inflight == 0) || rounds > 10000) {
            ok = false;
            break;
        }
        net_dns_source_wait(&rn->net);
    }
    /* The jobs may be done with questions still out (a DMARC walk that
     * found its record before the names above it answered).  Wait for
     * them: every question asked then has its answer before the verdict,
     * so the exit status (a DNS failure among them counts) does not depend
     * on which answer came first, and a --save-dns capture holds every
     * question its replay asks.  Bounded: each query ends by its timeout. */
    while (ok && rn->net.inflight > 0)
        net_dns_source_wait(&rn->net);
    free(merged);
    return ok;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* RFC 7489's organizational domain (libpsl), or "" when unknown. */
static void psl_org(const char *domain, char *out, size_t size)
{
    out[0] = '\0';
    psl_ctx_t *psl = psl_latest(NULL);
    bool own = psl != NULL;
    if (!psl)
        psl = (psl_ctx_t *)psl_builtin();
    if (!psl)
        return;
    const char *reg = psl_registrable_domain(psl, domain);
    if (reg)
        snprintf(out, size, "%s", reg);
    if (own)
        psl_free(psl);
}

/* ---------------------------------------------------------------------- */
/* Output                                                                  */

static json_t *json_str(const char *s) { return json_text(s ? s : "", s ? strlen(s) : 0); }

static json_t *json_steps(const struct check_trace *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < t->count; i++) {
        const struct check_step *s = &t->steps[i];
        json_t *o = json_object();
        json_object_set_new(o, "text", json_str(s->text));
        json_object_set_new(o, "rfc", json_str(s->rfc));
        json_object_set_new(o, "help", json_str(s->help));
        if (s->query) {
            json_object_set_new(o, "query", json_str(s->query));
            json_object_set_new(o, "answer", json_str(s->answer));
        }
        json_object_set_new(o, "depth", json_integer((json_int_t)s->depth));
        json_array_append_new(arr, o);
    }
    return arr;
}

static void text_steps(const struct check_trace *t)
{
    for (size_t i = 0; i < t->count; i++) {
        const struct check_step *s = &t->steps[i];
        printf("  %*s", (int)(s->depth * 2), "");
        out_safe(stdout, s->text, strlen(s->text));
        printf("  [%s]\n", s->rfc);
        if (s->query) {
            printf("  %*s    %s -> ", (int)(s->depth * 2), "", s->query);
            out_safe(stdout, s->answer, strlen(s->answer));
            putchar('\n');
        }
    }
    if (t->dropped)
        printf("  (%zu more steps not kept)\n", t->dropped);
}

static json_t *spf_json(const struct spf_eval *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "result", json_str(check_spf_result_name(e->result)));
    json_object_set_new(o, "identity", json_str(e->identity));
    json_object_set_new(o, "domain", json_str(e->domain));
    json_object_set_new(o, "explanation", json_str(e->explanation));
    json_object_set_new(o, "matched", json_str(e->matched));
    json_object_set_new(o, "lookups", json_integer(e->lookups));
    json_object_set_new(o, "void_lookups", json_integer((json_int_t)e->void_lookups));
    json_object_set_new(o, "steps", json_steps(&e->trace));
    return o;
}

static void spf_text(const struct spf_eval *e)
{
    printf("SPF (%s identity %s)\n", e->identity, e->domain);
    text_steps(&e->trace);
    printf("  => SPF %s", check_spf_result_name(e->result));
    if (e->matched)
        printf(" (matched %s)", e->matched);
    if (e->explanation) {
        printf(", explanation: ");
        out_safe(stdout, e->explanation, strlen(e->explanation));
    }
    putchar('\n');
}

static json_t *dkim_json(const struct dkim_verify *v)
{
    json_t *arr = json_array();
    for (size_t i = 0; v && i < v->count; i++) {
        const struct dkim_signature_check *s = &v->sigs[i];
        json_t *o = json_object();
        json_object_set_new(o, "domain", json_str(s->domain));
        json_object_set_new(o, "selector", json_str(s->selector));
        json_object_set_new(o, "algorithm", json_str(s->algorithm));
        json_object_set_new(o, "result", json_str(check_dkim_result_name(s->result)));
        json_object_set_new(o, "reason", json_str(s->reason));
        json_object_set_new(o, "testing", json_boolean(s->testing));
        json_object_set_new(o, "steps", json_steps(&s->trace));
        json_array_append_new(arr, o);
    }
    return arr;
}

static void dkim_text(const struct dkim_verify *v)
{
    if (!v->count) {
        printf("DKIM: the message has no DKIM-Signature\n");
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        const struct dkim_signature_check *s = &v->sigs[i];
        printf("DKIM signature %zu (d=", i + 1);
        out_safe(stdout, s->domain, strlen(s->domain));
        printf(" s=");
        out_safe(stdout, s->selector, strlen(s->selector));
        printf(" a=");
        out_safe(stdout, s->algorithm, strlen(s->algorithm));
        printf(")\n");
        text_steps(&s->trace);
        printf("  => DKIM %s: ", check_dkim_result_name(s->result));
        out_safe(stdout, s->reason, strlen(s->reason));
        putchar('\n');
    }
    if (v->skipped)
        printf("DKIM: %zu more signatures not checked (limit %d)\n", v->skipped,
               DKIM_VERIFY_MAX_SIGNATURES);
}

static json_t *dmarc_json(const struct dmarc_eval *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "domain", json_str(e->domain));
    json_object_set_new(o, "record", e->record ? json_str(e->record) : json_null());
    json_object_set_new(o, "policy_domain", json_str(e->policy_domain));
    json_object_set_new(o, "organizational_domain", json_str(e->org_domain));
    json_object_set_new(o, "spf_aligned", json_boolean(e->spf_aligned));
    json_object_set_new(o, "dkim_aligned", json_boolean(e->dkim_aligned));
    json_object_set_new(o, "result", json_str(check_dmarc_result_name(e->result)));
    json_object_set_new(o, "disposition", json_str(check_disposition_name(e->disposition)));
    json_object_set_new(o, "reason", json_str(e->reason));
    if (e->rfc7489_differs) {
        json_t *r = json_object();
        json_object_set_new(r, "psl_organizational_domain", json_str(e->psl_org));
        json_object_set_new(r, "disposition",
                            json_str(check_disposition_name(e->disposition_7489)));
        json_object_set_new(r, "text", json_str(e->rfc7489));
        json_object_set_new(o, "rfc7489", r);
    }
    json_object_set_new(o, "steps", json_steps(&e->trace));
    return o;
}

static void dmarc_text(const struct dmarc_eval *e)
{
    printf("DMARC (From domain %s)\n", e->domain[0] ? e->domain : "unknown");
    text_steps(&e->trace);
    printf("  => DMARC %s, disposition %s", check_dmarc_result_name(e->result),
           check_disposition_name(e->disposition));
    if (e->record) {
        printf(" (policy of %s: ", e->policy_domain);
        out_safe(stdout, e->record, strlen(e->record));
        putchar(')');
    }
    putchar('\n');
}

/* ---------------------------------------------------------------------- */
/* One message                                                            */

static int exit_for(const struct spf_eval *spf, const struct dmarc_eval *dmarc, bool dns_failed)
{
    /* Issue 11: status 4 whenever an answer the evaluation asked for could
     * not be had (a timeout, SERVFAIL, a name missing from a --dns-file
     * capture): the verdict printed rests on a guess. */
    if (dns_failed || (dmarc && dmarc->result == CHECK_DMARC_TEMPERROR))
        return CHECK_EXIT_DNS;
    if (dmarc && dmarc->result == CHECK_DMARC_PASS)
        return CHECK_EXIT_PASS;
    if (dmarc && dmarc->result == CHECK_DMARC_FAIL)
        return dmarc->disposition == CHECK_DISPOSITION_REJECT ? CHECK_EXIT_REJECTED
                                                               : CHECK_EXIT_MARKED;
    /* No DMARC policy: SPF decides (RFC 7208 §8). */
    if (spf) {
        switch (spf->result) {
        case CHECK_SPF_PASS:
            return CHECK_EXIT_PASS;
        case CHECK_SPF_FAIL:
            return CHECK_EXIT_REJECTED;
        case CHECK_SPF_TEMPERROR:
            return CHECK_EXIT_DNS;
        default:
            return CHECK_EXIT_MARKED;
        }
    }
    return CHECK_EXIT_MARKED;
}

static int check_message(struct check_args *a)
{
    struct runner rn;
    struct spf_eval spf;
    struct dmarc_eval dmarc;
    struct dkim_verify dkim;
    struct message msg;
    char *msg_text = NULL;
    bool have_spf = false, have_dmarc = false, have_dkim = false, have_msg = false;
    memset(&spf, 0, sizeof spf);
    memset(&dmarc, 0, sizeof dmarc);
    memset(&dkim, 0, sizeof dkim);
    memset(&msg, 0, sizeof msg);
    int rc = runner_init(&rn, a);
    if (rc)
        goto done;
    long long now = netopts_now(&a->net);

    if (a->message) {
        size_t len = 0;
        msg_text = cli_read_file(a->message, &len);
        if (!msg_text) {
            rc = CLI_USAGE;
            goto done;
        }
        if (!message_parse(&msg, msg_text, len)) {
            fprintf(stderr, "authtxt: %s: %s\n", a->message, msg.error);
            rc = CLI_USAGE;
            goto done;
        }
        have_msg = true;
        if (!dkim_verify_init(&dkim, &msg, now)) {
            fprintf(stderr, "authtxt: out of memory\n");
            rc = CLI_USAGE;
            goto done;
        }
        have_dkim = true;
    }
    if (a->ip) {
        struct spf_eval_input in = {.ip = a->ip,
                                    .mail_from = a->mail_from ? a->mail_from : "",
                                    .helo = a->helo,
                                    .receiver = a->receiver,
                                    .now = now};
        have_spf = true;
        if (!spf_eval_init(&spf, &in)) {
            rc = cli_usage_error("check: --ip: %s", spf.error);
            goto done;
        }
    }
    /* The author domain, from --from or the message's From field. */
    char from_domain[256] = "", why[200] = "";
    bool from_ok = false;
    if (a->from) {
        const char *at = strrchr(a->from, '@');
        snprintf(from_domain, sizeof from_domain, "%s", at ? at + 1 : a->from);
        from_ok = from_domain[0] != '\0';
        if (!from_ok)
            snprintf(why, sizeof why, "--from has no domain");
    } else if (have_msg) {
        from_ok = message_from_domain(&msg, from_domain, sizeof from_domain, why, sizeof why);
    }
    /* Phase 1: SPF and DKIM, and the DMARC policy walk (a probe whose
     * result is not used: it only asks its names), all at once. */
    double t0 = now_ms();
    struct job jobs[3];
    size_t njobs = 0;
    struct dmarc_eval probe;
    memset(&probe, 0, sizeof probe);
    struct dmarc_eval_input pin = {.from_domain = from_domain};
    bool have_probe = from_ok && dmarc_eval_init(&probe, &pin);
    if (have_spf)
        jobs[njobs++] = (struct job){JOB_SPF, &spf, false};
    if (have_dkim)
        jobs[njobs++] = (struct job){JOB_DKIM, &dkim, false};
    if (have_probe)
        jobs[njobs++] = (struct job){JOB_DMARC, &probe, false};
    bool drove = njobs == 0 || drive(&rn, jobs, njobs);
    dmarc_eval_free(&probe);
    if (!drove) {
        fprintf(stderr, "authtxt: DNS answers could not be had\n");
        rc = CHECK_EXIT_DNS;
        goto done;
    }
    /* Phase 2: DMARC with the SPF and DKIM results (its answers are in). */
    if (a->from || have_msg) {
        char org[256];
        psl_org(from_domain, org, sizeof org);
        const char *pass[CHECK_DKIM_DOMAINS_MAX];
        size_t npass = 0;
        for (size_t i = 0; have_dkim && i < dkim.count && npass < CHECK_DKIM_DOMAINS_MAX; i++)
            if (dkim.sigs[i].result == CHECK_DKIM_PASS)
                pass[npass++] = dkim.sigs[i].domain;
        struct dmarc_eval_input din = {.from_domain = from_ok ? from_domain : NULL,
                                       .from_problem = why,
                                       .psl_org = org[0] ? org : NULL,
                                       .spf_evaluated = have_spf,
                                       .spf_result = spf.result,
                                       .spf_domain = have_spf ? spf.domain : NULL,
                                       .dkim_pass_domains = pass,
                                       .ndkim_pass = npass};
        have_dmarc = true;
        if (!dmarc_eval_init(&dmarc, &din)) {
            fprintf(stderr, "authtxt: out of memory\n");
            rc = CLI_USAGE;
            goto done;
        }
        struct job dj = {JOB_DMARC, &dmarc, false};
        if (!drive(&rn, &dj, 1)) {
            fprintf(stderr, "authtxt: DNS answers could not be had\n");
            rc = CHECK_EXIT_DNS;
            goto done;
        }
    }

    if (a->json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "spf", have_spf ? spf_json(&spf) : json_null());
        json_object_set_new(doc, "dkim", dkim_json(have_dkim ? &dkim : NULL));
        json_object_set_new(doc, "dmarc", have_dmarc ? dmarc_json(&dmarc) : json_null());
        json_object_set_new(doc, "dns_queries", json_integer((json_int_t)rn.net.nasked));
        /* the evaluation's wall time, DNS included (make bench reads it);
         * only when DNS was asked and no capture is written or read, so
         * offline output and a replay's output equal the recorded run's */
        if (rn.net.nasked && !a->net.save_dns && !a->net.dns_file)
            json_object_set_new(doc, "elapsed_ms", json_real(now_ms() - t0));
        json_print(doc);
    } else {
        if (have_spf)
            spf_text(&spf);
        if (have_dkim)
            dkim_text(&dkim);
        if (have_dmarc)
            dmarc_text(&dmarc);
    }
    rc = exit_for(have_spf ? &spf : NULL, have_dmarc ? &dmarc : NULL, rn.net.errors > 0);
done:
    if (have_dmarc)
        dmarc_eval_free(&dmarc);
    if (have_spf)
        spf_eval_free(&spf);
    if (have_dkim)
        dkim_verify_free(&dkim);
    message_free(&msg);
    free(msg_text);
    return runner_free(&rn, a, rc);
}

/* ---------------------------------------------------------------------- */
/* --spoof                                                                */

struct scope_run {
    enum check_spoof_scope scope;
    char from_domain[256];
    struct spf_eval spf;
    struct dmarc_eval dmarc;
    char ip[64];
};

static int check_spoof(struct check_args *a)
{
    struct runner rn;
    int rc = runner_init(&rn, a);
    struct scope_run *runs = calloc(3, sizeof *runs);
    size_t nruns = 0;
    char domain[256];
    char err[200];
    if (rc || !runs) {
        rc = rc ? rc : CLI_USAGE;
        goto done;
    }
    if (!net_domain_to_ascii(a->spoof, domain, sizeof domain, err, sizeof err)) {
        rc = cli_usage_error("check --spoof: %s", err);
        goto done;
    }
    /* The recorded time on a replay: the made-up name below is the one
     * the capture holds. */
    long long now = netopts_now(&a->net);

    /* Find an existing subdomain (--subdomain, an MX host below the
     * domain, or www) and make sure the made-up one really is NXDOMAIN. */
    char sub[320] = "", nx[320];
    snprintf(nx, sizeof nx, "no-such-host-%lx.%s", (unsigned long)(now & 0xffffff), domain);
    struct check_needs *q = calloc(1, sizeof *q);
    if (!q) {
        rc = CLI_USAGE;
        goto done;
    }
    char www[300];
    snprintf(www, sizeof www, "www.%s", domain);
    check_needs_add(q, domain, DNS_TYPE_MX);
    check_needs_add(q, www, DNS_TYPE_A);
    check_needs_add(q, nx, DNS_TYPE_A);
    net_dns_source_ask(&rn.net, q);
    while (rn.net.inflight)
        net_dns_source_wait(&rn.net);
    free(q);
    if (a->subdomain) {
        snprintf(sub, sizeof sub, "%s", a->subdomain);
    } else {
        const struct dns_answer *mx = rn.src->lookup(rn.src, domain, DNS_TYPE_MX);
        for (size_t i = 0; mx && mx->status == DNS_OK && i < mx->count && !sub[0]; i++) {
            const char *h = mx->rrs[i].name;
            size_t hl = h ? strlen(h) : 0, dl = strlen(domain);
            if (hl > dl + 1 && h[hl - dl - 1] == '.' && strcasecmp(h + hl - dl, domain) == 0)
                snprintf(sub, sizeof sub, "%s", h);
        }
        const struct dns_answer *w = rn.src->lookup(rn.src, www, DNS_TYPE_A);
        if (!sub[0] && w && w->status == DNS_OK)
            snprintf(sub, sizeof sub, "%s", www);
    }
    const struct dns_answer *nxa = rn.src->lookup(rn.src, nx, DNS_TYPE_A);
    bool nx_ok = nxa && nxa->status == DNS_NXDOMAIN;

    const char *froms[3] = {domain, sub[0] ? sub : NULL, nx_ok ? nx : NULL};
    for (int k = 0; k < 3; k++) {
        if (!froms[k])
            continue;
        struct scope_run *s = &runs[nruns++];
        s->scope = (enum check_spoof_scope)k;
        snprintf(s->from_domain, sizeof s->from_domain, "%.255s", froms[k]);
        /* The forger's address: documentation addresses, outside any
         * real authorization (the trace shows if a record authorizes it). */
        snprintf(s->ip, sizeof s->ip, "192.0.2.66");
        char mail_from[300];
        snprintf(mail_from, sizeof mail_from, "forged@%s", s->from_domain);
        struct spf_eval_input in = {.ip = s->ip, .mail_from = mail_from,
                                    .helo = "forger.example", .receiver = a->receiver,
                                    .now = now};
        if (!spf_eval_init(&s->spf, &in)) {
            rc = CLI_USAGE;
            goto done;
        }
    }
    struct job jobs[3];
    for (size_t i = 0; i < nruns; i++)
        jobs[i] = (struct job){JOB_SPF, &runs[i].spf, false};
    if (!drive(&rn, jobs, nruns)) {
        rc = CHECK_EXIT_DNS;
        goto done;
    }
    for (size_t i = 0; i < nruns; i++) {
        struct scope_run *s = &runs[i];
        char org[256];
        psl_org(s->from_domain, org, sizeof org);
        struct dmarc_eval_input din = {.from_domain = s->from_domain,
                                       .psl_org = org[0] ? org : NULL,
                                       .spf_evaluated = true,
                                       .spf_result = s->spf.result,
                                       .spf_domain = s->spf.domain};
        if (!dmarc_eval_init(&s->dmarc, &din)) {
            rc = CLI_USAGE;
            goto done;
        }
        jobs[i] = (struct job){JOB_DMARC, &s->dmarc, false};
    }
    if (!drive(&rn, jobs, nruns)) {
        rc = CHECK_EXIT_DNS;
        goto done;
    }
    rc = CHECK_EXIT_PASS;
    json_t *arr = a->json ? json_array() : NULL;
    for (size_t i = 0; i < nruns; i++) {
        struct scope_run *s = &runs[i];
        struct check_spoof_verdict v;
        check_spoof_judge(s->scope, &s->spf, &s->dmarc, &v);
        const struct dmarc_eval *d = &s->dmarc;
        enum check_disposition disp = v.disposition;
        bool delivered = v.delivered;
        int this_rc = d->result == CHECK_DMARC_TEMPERROR ? CHECK_EXIT_DNS
                      : delivered                        ? CHECK_EXIT_REJECTED
                      : disp == CHECK_DISPOSITION_QUARANTINE ? CHECK_EXIT_MARKED
                                                             : CHECK_EXIT_PASS;
        if (this_rc > rc)
            rc = this_rc;
        if (rn.net.errors > 0) /* as exit_for: a verdict resting on a failed answer */
            rc = CHECK_EXIT_DNS;
        const char *reason = v.reason;
        if (arr) {
            json_t *o = json_object();
            json_object_set_new(o, "scope", json_str(check_spoof_scope_name(s->scope)));
            json_object_set_new(o, "from", json_str(s->from_domain));
            json_object_set_new(o, "ip", json_str(s->ip));
            json_object_set_new(o, "spf_result", json_str(check_spf_result_name(s->spf.result)));
            json_object_set_new(o, "dmarc_result",
                                json_str(check_dmarc_result_name(d->result)));
            json_object_set_new(o, "policy_domain", json_str(d->policy_domain));
            json_object_set_new(o, "disposition", json_str(check_disposition_name(disp)));
            json_object_set_new(o, "reason", json_str(reason));
            json_object_set_new(o, "fix", json_str(v.fix));
            json_t *steps = json_object();
            json_object_set_new(steps, "spf", json_steps(&s->spf.trace));
            json_object_set_new(steps, "dmarc", json_steps(&d->trace));
            json_object_set_new(o, "steps", steps);
            json_array_append_new(arr, o);
        } else {
            printf("Forged mail From: someone@%s (%s), sent from %s\n", s->from_domain,
                   check_spoof_scope_name(s->scope), s->ip);
            printf("  => %s: ", delivered ? "DELIVERED"
                               : disp == CHECK_DISPOSITION_QUARANTINE ? "quarantined"
                                                                      : "rejected");
            out_safe(stdout, reason, strlen(reason));
            putchar('\n');
            if (v.fix[0]) {
                printf("  fix: ");
                out_safe(stdout, v.fix, strlen(v.fix));
                putchar('\n');
            }
        }
    }
    if (!sub[0] && !a->json)
        printf("(no existing subdomain found: give one with --subdomain NAME)\n");
    if (!nx_ok && !a->json)
        printf("(%s did not answer NXDOMAIN: the non-existent case was skipped)\n", nx);
    if (arr) {
        json_t *doc = json_object();
        json_object_set_new(doc, "domain", json_str(domain));
        json_object_set_new(doc, "spoof", arr);
        json_print(doc);
    }
done:
    for (size_t i = 0; runs && i < nruns; i++) {
        spf_eval_free(&runs[i].spf);
        dmarc_eval_free(&runs[i].dmarc);
    }
    free(runs);
    return runner_free(&rn, a, rc);
}

int cmd_check(int argc, char **argv)
{
    struct check_args a;
    int r = parse_args(argc, argv, &a);
    if (r >= 0)
        return r;
    return a.spoof ? check_spoof(&a) : check_message(&a);
}
