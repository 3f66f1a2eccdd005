/* `authtxt fetch --domains FILE`: many domains in one process.  One
 * resolver with an answer cache serves every fetch, so an include target
 * many domains share is asked once; new domains start while the queries in
 * flight stay under --concurrency, and each domain's report is written as
 * soon as its fetch completes (JSON lines, CSV rows or the text report).
 * The list is read as it is needed, so a list of any length takes the
 * memory of the domains in flight plus one short string per domain seen
 * (to skip repeats). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authtxt/dkim.h"
#include "authtxt/safetext.h"
#include "authtxt/strbuf.h"
#include "cli.h"
#include "fetch_out.h"

#define LINE_MAX_BYTES 1024 /* a domain is at most 253 bytes; longer is garbage */

/* ---- the domain list ---------------------------------------------------- */

struct seen_set {
    char **names;     /* open addressing; NULL = empty */
    size_t *lines;    /* the line each name was first seen on */
    size_t cap, used; /* cap a power of two, used <= cap / 2 */
};

static size_t seen_hash(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The line `name` was first seen on, or 0 after adding it (line `line`).
 * On OOM the name is treated as new (a repeat is then fetched twice). */
static size_t seen_add(struct seen_set *set, const char *name, size_t line)
{
    if ((set->used + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        char **names = calloc(cap, sizeof *names);
        size_t *lines = calloc(cap, sizeof *lines);
        if (!names || !lines) {
            free(names);
            free(lines);
            return 0;
        }
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->names[i])
                continue;
            size_t k = seen_hash(set->names[i]) & (cap - 1);
            while (names[k])
                k = (k + 1) & (cap - 1);
            names[k] = set->names[i];
            lines[k] = set->lines[i];
        }
        free(set->names);
        free(set->lines);
        set->names = names;
        set->lines = lines;
        set->cap = cap;
    }
    size_t k = seen_hash(name) & (set->cap - 1);
    for (; set->names[k]; k = (k + 1) & (set->cap - 1))
        if (strcmp(set->names[k], name) == 0)
            return set->lines[k];
    set->names[k] = strdup(name);
    if (set->names[k]) {
        set->lines[k] = line;
        set->used++;
    }
    return 0;
}

static void seen_free(struct seen_set *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->names[i]);
    free(set->names);
    free(set->lines);
}

struct domain_list {
    const char *path;
    FILE *in;
    size_t line;
    bool eof;
    size_t bad; /* lines reported and skipped */
    struct seen_set seen;
};

/* One line into buf (at most LINE_MAX_BYTES; the rest of a longer line is
 * read and dropped, *long_line set).  False at the end of the input. */
static bool read_line(struct domain_list *l, char *buf, size_t *len, bool *long_line)
{
    int c;
    *len = 0;
    *long_line = false;
    bool any = false;
    while ((c = getc(l->in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (*len < LINE_MAX_BYTES)
            buf[(*len)++] = (char)c;
        else
            *long_line = true;
    }
    buf[*len] = '\0';
    return any;
}

static void report_line(struct domain_list *l, const char *what, const char *text, size_t n)
{
    l->bad++;
    fputs("authtxt: ", stderr);
    out_safe(stderr, l->path, strlen(l->path));
    fprintf(stderr, ":%zu: ", l->line);
    if (text) {
        fputc('\'', stderr);
        out_safe(stderr, text, n > 80 ? 80 : n);
        fputs(n > 80 ? "...': " : "': ", stderr);
    }
    out_safe(stderr, what, strlen(what));
    fputs(", skipped\n", stderr);
}

/* The next domain of the list, as DNS asks it (A-labels, lower case), in
 * out; bad lines and repeats are reported on stderr and skipped.  False
 * at the end of the list (or on a read error, said on stderr). */
static bool next_domain(struct domain_list *l, char *out, size_t size)
{
    char buf[LINE_MAX_BYTES + 1];
    size_t len;
    bool long_line;
    while (!l->eof) {
        if (!read_line(l, buf, &len, &long_line)) {
            l->eof = true;
            if (ferror(l->in)) {
                fputs("authtxt: ", stderr);
                out_safe(stderr, l->path, strlen(l->path));
                fprintf(stderr, ": read error: %s\n", strerror(errno));
                l->bad++;
            }
            return false;
        }
        l->line++;
        if (long_line) {
            report_line(l, "longer than any domain name", buf, len);
            continue;
        }
        char *hash = memchr(buf, '#', len);
        if (hash)
            len = (size_t)(hash - buf);
        size_t a = 0;
        while (a < len && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r'))
            a++;
        while (len > a && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
            len--;
        if (a == len)
            continue; /* blank or comment */
        buf[len] = '\0';
        const char *text = buf + a;
        size_t n = len - a;
        if (memchr(text, '\0', n) || strpbrk(text, " \t")) {
            report_line(l, "not one domain name (blanks inside)", text, n);
            continue;
        }
        char why[160];
        if (!net_domain_to_ascii(text, out, size, why, sizeof why)) {
            report_line(l, why, text, n);
            continue;
        }
        size_t first = seen_add(&l->seen, out, l->line);
        if (first) {
            char what[64];
            snprintf(what, sizeof what, "repeats line %zu", first);
            report_line(l, what, text, n);
            continue;
        }
        return true;
    }
    return false;
}

/* ---- CSV -------------------------------------------------------------- */

/* One CSV field (RFC 4180 quoting), the text made safe like record text. */
static void csv_field(const char *s, bool last)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(s);
    if (safetext_needs_escape(s, n)) {
        safetext_escape(s, n, &sb, NULL);
        s = sb.failed ? "" : strbuf_cstr(&sb);
    }
    if (strpbrk(s, ",\"\n\r")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
    strbuf_free(&sb);
}

static const char *const csv_header[] = {
    "domain",           "spf_present",     "spf_valid",       "spf_lookups",
    "spf_void_lookups", "dmarc_policy",    "dmarc_sp",        "dmarc_np",
    "dmarc_t",          "dmarc_record_at", "dmarc_inherited", "report_authorization",
    "dkim_selectors",   "worst_severity",  "dns_errors",
};

static void csv_print_header(void)
{
    size_t n = sizeof csv_header / sizeof *csv_header;
    for (size_t i = 0; i < n; i++)
        csv_field(csv_header[i], i + 1 == n);
}

static const char *policy_text(enum dmarc_policy p)
{
    return p == DMARC_POLICY_ABSENT ? "" : dmarc_policy_name(p);
}

static int worst_severity(const struct net_fetch_lint *l)
{
    int w = -1;
    const struct diag_list *lists[3] = {&l->spf_diags, &l->dmarc_diags, &l->cross};
    for (int k = 0; k < 3; k++) {
        int s = diag_list_max_severity(lists[k]);
        w = s > w ? s : w;
    }
    for (size_t i = 0; i < l->ndkim; i++) {
        int s = diag_list_max_severity(&l->dkim[i].diags);
        w = s > w ? s : w;
    }
    return w;
}

static void csv_print_row(const struct net_fetch *f, const struct net_fetch_lint *l)
{
    char num[32];
    const struct spf_node *root = f->spf.count ? &f->spf.nodes[0] : NULL;
    bool spf_present = root && root->result == SPF_RESULT_RECORD;
    csv_field(f->domain, false);
    csv_field(spf_present ? "yes" : "no", false);
    csv_field(spf_present && diag_list_status(&l->spf_diags) < 2 ? "yes" : "no", false);
    snprintf(num, sizeof num, "%d", f->spf.lookups);
    csv_field(num, false);
    snprintf(num, sizeof num, "%u", f->spf.void_lookups);
    csv_field(num, false);

    const struct dmarc_record *m = l->dmarc.dmarc && l->dmarc.len ? l->dmarc.dmarc : NULL;
    csv_field(m ? policy_text(m->p) : "", false);
    csv_field(m ? policy_text(m->sp) : "", false);
    csv_field(m ? policy_text(m->np) : "", false);
    csv_field(m && m->t == DMARC_YORN_Y ? "y" : m && m->t == DMARC_YORN_N ? "n" : "", false);
    const struct dmarc_discovery *d = f->dmarc;
    bool found = d && d->status == DMARC_DISCOVERY_FOUND;
    csv_field(found ? d->steps[d->policy_step].name : "", false);
    csv_field(found ? (d->found_at != DMARC_FOUND_DOMAIN ? "yes" : "no") : "", false);

    /* "none" (no external destination), "authorized", or the hosts that
     * are not (unauthorized/unknown). */
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; d && i < d->nreports; i++) {
        enum dmarc_report_status rs = dmarc_report_status(&d->reports[i]);
        if (rs == DMARC_REPORT_AUTHORIZED)
            continue;
        strbuf_printf(&sb, "%s%s:%s", sb.len ? ";" : "", d->reports[i].host,
                      rs == DMARC_REPORT_UNAUTHORIZED ? "unauthorized" : "unknown");
    }
    csv_field(sb.len ? strbuf_cstr(&sb) : d && d->nreports ? "authorized" : "none", false);
    strbuf_reset(&sb);
    for (size_t i = 0; i < f->ndkim; i++) {
        const struct net_fetch_dkim *k = &f->dkim[i];
        const struct record *r = i < l->ndkim ? &l->dkim[i] : NULL;
        strbuf_printf(&sb, "%s%s=", i ? ";" : "", k->selector);
        if (r && r->dkim_key)
            strbuf_printf(&sb, "%s-%u", dkim_key_type_name(dkim_key_get_type(r->dkim_key)),
                          dkim_key_get_bits(r->dkim_key));
        else
            strbuf_puts(&sb,
                        k->answer.status == DNS_OK ? "no-key" : dns_status_name(k->answer.status));
    }
    csv_field(sb.failed ? "" : strbuf_cstr(&sb), false);
    strbuf_free(&sb);
    int w = worst_severity(l);
    csv_field(w < 0 ? "none" : diag_severity_name((enum diag_severity)w), false);
    snprintf(num, sizeof num, "%zu", f->errors_total);
    csv_field(num, true);
}

/* ---- the run -------------------------------------------------------------- */

struct batch {
    const struct fetch_batch_args *args;
    struct net_resolver *res;
    struct net_fetch **active;
    size_t nactive, max_active;
    size_t started, done, failed; /* failed: domains with DNS errors */
    int status;
    bool progress;
    double last_progress_ms;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void show_progress(struct batch *b, bool final)
{
    if (!b->progress)
        return;
    double t = now_ms();
    if (!final && t - b->last_progress_ms < 100)
        return;
    b->last_progress_ms = t;
    fprintf(stderr,
            "\rauthtxt: %zu domains done, %zu running, %zu queries in flight, %zu with DNS "
            "errors   ",
            b->done, b->nactive, net_resolver_inflight(b->res), b->failed);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Write one completed domain's report; returns its exit status. */
static int finish_domain(struct batch *b, struct net_fetch *f)
{
    struct net_fetch_lint lint;
    net_fetch_lint_init(&lint);
    int status;
    if (!net_fetch_lint_run(f, &lint) || f->oom) {
        fputs("authtxt: out of memory\n", stderr);
        status = CLI_USAGE;
    } else {
        status = f->errors_total ? CLI_DNS : net_fetch_lint_status(&lint);
        if (b->args->format == FETCH_BATCH_JSONL) {
            json_t *doc = fetch_json(f, &lint);
            if (doc) {
                json_dumpf(doc, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
                json_decref(doc);
            } else {
                fputs("{\"error\":\"out of memory\"}", stdout);
            }
            putchar('\n');
        } else if (b->args->format == FETCH_BATCH_CSV) {
            csv_print_row(f, &lint);
        } else {
            fetch_print_text(f, &lint, false);
            putchar('\n');
        }
        /* Each report as its domain completes, for `| head` and tail -f. */
        fflush(stdout);
    }
    if (f->errors_total)
        b->failed++;
    net_fetch_lint_free(&lint);
    return status;
}

int fetch_batch_run(const struct fetch_batch_args *a)
{
    struct domain_list list = {.path = a->list};
    if (strcmp(a->list, "-") == 0) {
        list.in = stdin;
    } else if (!(list.in = fopen(a->list, "r"))) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, a->list, strlen(a->list));
        fprintf(stderr, ": %s\n", strerror(errno));
        return CLI_USAGE;
    }
    unsigned conc = a->concurrency ? a->concurrency : FETCH_BATCH_DEFAULT_CONCURRENCY;
    struct net_resolver_options ro = a->net->resolver; /* with the captures (netopts_prepare) */
    ro.cache = true;
    ro.max_inflight = conc;
    char err[256] = "";
    struct batch b = {.args = a, .status = CLI_CLEAN, .progress = isatty(STDERR_FILENO) == 1};
    b.res = net_resolver_new(&ro, err, sizeof err);
    if (!b.res) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, err, strlen(err));
        fputc('\n', stderr);
        if (list.in != stdin)
            fclose(list.in);
        return CLI_USAGE;
    }
    /* Each domain starts with a few queries: this many domains at once
     * keep `conc` queries busy without holding thousands of fetches. */
    b.max_active = conc;
    b.active = calloc(b.max_active, sizeof *b.active);
    if (!b.active) {
        fputs("authtxt: out of memory\n", stderr);
        b.status = CLI_USAGE;
        goto done;
    }
    struct net_fetch_options fo = {a->net->selectors, a->net->nselectors, a->now};
    if (a->format == FETCH_BATCH_CSV)
        csv_print_header();

    struct pollfd fds[256];
    double start = now_ms();
    for (;;) {
        /* Start domains while there is room on the wire. */
        while (!list.eof && b.nactive < b.max_active && net_resolver_pending(b.res) < conc) {
            char domain[DMARC_NAME_MAX + 1];
            if (!next_domain(&list, domain, sizeof domain))
                break;
            struct net_fetch *f = malloc(sizeof *f);
            if (!f) {
                fputs("authtxt: out of memory\n", stderr);
                b.status = CLI_USAGE;
                goto done;
            }
            net_fetch_init(f);
            char why[256] = "";
            if (!net_fetch_start(f, b.res, domain, &fo, why, sizeof why)) {
                report_line(&list, why, domain, strlen(domain));
                net_fetch_free(f);
                free(f);
                continue;
            }
            b.active[b.nactive++] = f;
            b.started++;
        }
        if (!b.nactive && list.eof)
            break;
        int timeout = 200;
        size_t n = net_resolver_fds(b.res, fds, sizeof fds / sizeof *fds, &timeout);
        int rc = poll(fds, (nfds_t)n, timeout);
        if (rc < 0 && errno != EINTR)
            rc = 0;
        net_resolver_process(b.res, rc > 0 ? fds : NULL, rc > 0 ? n : 0);
        for (size_t i = 0; i < b.nactive;) {
            struct net_fetch *f = b.active[i];
            if (!net_fetch_done(f)) {
                i++;
                continue;
            }
            int s = finish_domain(&b, f);
            b.status = s > b.status ? s : b.status;
            b.done++;
            net_fetch_free(f);
            free(f);
            b.active[i] = b.active[--b.nactive];
        }
        show_progress(&b, false);
    }
    show_progress(&b, true);
    /* What the shared cache saved, for the user and the tests. */
    fprintf(stderr, "authtxt: %zu domain%s in %.1f s: %zu queries sent, %zu answers shared\n",
            b.done, b.done == 1 ? "" : "s", (now_ms() - start) / 1000.0, net_resolver_sent(b.res),
            net_resolver_cached(b.res));
    if (list.bad && b.status < CLI_USAGE)
        b.status = CLI_USAGE;
done:
    for (size_t i = 0; i < b.nactive; i++) {
        net_fetch_free(b.active[i]);
        free(b.active[i]);
    }
    free(b.active);
    net_resolver_free(b.res);
    seen_free(&list.seen);
    if (list.in && list.in != stdin)
        fclose(list.in);
    if (list.bad)
        fprintf(stderr, "authtxt: %zu line%s of the domain list skipped (see above)\n", list.bad,
                list.bad == 1 ? "" : "s");
    return b.status;
}
