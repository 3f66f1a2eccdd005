/* openspf_zone: turn the openspf suite's zonedata into zone files a real
 * DNS server (unbound) can serve, one per scenario, and list its tests for
 * tests/dns/check_openspf.sh.
 *
 * Usage: openspf_zone SUITE.yml OUTDIR
 * Writes OUTDIR/sN-TLD.zone (scenario N, one zone per top-level domain)
 * and OUTDIR/tests.tsv:
 *   N, name, host, mailfrom, helo, results (a,b), explanation or "-", and "ok"
 *   or why the test needs special DNS, separated by US (0x1f): fields may be empty
 * A test needs special DNS when, run through the in-process table, it asks
 * a name the suite marks TIMEOUT (a server cannot be told to time out) or
 * a name DNS presentation form cannot carry for the resolver (a space, a
 * quote: macro output).  Those stay covered by tests/unit/test_spf_eval.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/check.h"
#include "spf_yaml.h"

struct recording {
    struct dns_source base;
    const struct dns_source *inner;
    const char *why;
};

static const struct dns_answer *rec_lookup(const struct dns_source *src, const char *name,
                                           enum dns_rrtype type)
{
    struct recording *r = (struct recording *)src;
    for (const char *c = name; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u >= 0x7f || u == '"' || u == '\\' || u == ';' || u == '(' || u == ')')
            r->why = "asks a name the resolver cannot send";
    }
    const struct dns_answer *a = r->inner->lookup(r->inner, name, type);
    if (a && a->status == DNS_TIMEOUT)
        r->why = "needs a server that times out";
    return a;
}

static void put_name(FILE *f, const char *name)
{
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c <= 0x20 || *c >= 0x7f || strchr("\"\\;()@$", *c))
            fprintf(f, "\\%03u", *c);
        else
            fputc(*c, f);
    }
    if (!*name || name[strlen(name) - 1] != '.')
        fputc('.', f);
}

static void put_string(FILE *f, const char *s, size_t n)
{
    /* RFC 1035 §3.3: at most 255 bytes per character-string */
    size_t at = 0;
    do {
        size_t k = n - at > 255 ? 255 : n - at;
        fputs(" \"", f);
        for (size_t i = at; i < at + k; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                fprintf(f, "\\%03u", c);
            else
                fputc(c, f);
        }
        fputc('"', f);
        at += k;
    } while (at < n);
}

/* The top-level label of a name (lower case) into out. */
static void tld_of(const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    while (n && name[n - 1] == '.')
        n--;
    size_t s = n;
    while (s && name[s - 1] != '.')
        s--;
    size_t k = 0;
    for (size_t i = s; i < n && k + 1 < size; i++)
        out[k++] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    out[k] = '\0';
}

/* The records of scenario s under top-level domain tld, as a zone. */
static void zone_write(const struct yaml_scenario *s, const char *tld, FILE *f)
{
    fprintf(f, "$ORIGIN %s.\n$TTL 300\n@ IN SOA ns.openspf.invalid. host.openspf.invalid. 1 3600 "
               "600 86400 300\n@ IN NS ns.openspf.invalid.\n",
            tld);
    for (size_t k = 0; k < s->nrrs; k++) {
        const struct yaml_rr *rr = &s->rrs[k];
        const char *type = rr->type;
        char t0[64];
        tld_of(rr->domain, t0, sizeof t0);
        if (strcmp(t0, tld) != 0)
            continue;
        if (strcmp(type, "TIMEOUT") == 0 || yaml_rr_is_none(rr))
            continue;
        bool as_txt = strcmp(type, "TXT") == 0 ||
                      (strcmp(type, "SPF") == 0 && !yaml_domain_has_txt(s, rr->domain));
        for (int pass = 0; pass < 2; pass++) {
            const char *t = pass == 0 ? type : "TXT";
            if (pass == 1 && !(as_txt && strcmp(type, "SPF") == 0))
                continue;
            put_name(f, rr->domain);
            fprintf(f, " IN %s", t);
            if (strcmp(t, "TXT") == 0 || strcmp(t, "SPF") == 0) {
                if (rr->nvalues == 0)
                    fputs(" \"\"", f);
                for (size_t j = 0; j < rr->nvalues; j++)
                    put_string(f, rr->values[j], rr->lens[j]);
            } else if (strcmp(t, "MX") == 0) {
                fprintf(f, " %s ", rr->values[0]);
                put_name(f, rr->nvalues > 1 ? rr->values[1] : "");
            } else if (strcmp(t, "PTR") == 0 || strcmp(t, "CNAME") == 0) {
                fputc(' ', f);
                put_name(f, rr->values[0]);
            } else {
                fprintf(f, " %s", rr->values[0]);
            }
            fputc('\n', f);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: openspf_zone SUITE.yml OUTDIR\n");
        return 2;
    }
    size_t n = 0;
    struct yaml_scenario *sc = yaml_read_suite(argv[1], &n);
    if (!sc) {
        fprintf(stderr, "openspf_zone: cannot read %s\n", argv[1]);
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/tests.tsv", argv[2]);
    FILE *list = fopen(path, "w");
    if (!list) {
        perror(path);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* One zone per top-level domain (com, net, arpa, ...). */
        for (size_t k = 0; k < sc[i].nrrs; k++) {
            char tld[64];
            tld_of(sc[i].rrs[k].domain, tld, sizeof tld);
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++) {
                char t2[64];
                tld_of(sc[i].rrs[j].domain, t2, sizeof t2);
                seen = strcmp(t2, tld) == 0;
            }
            if (seen || !tld[0] || strchr(tld, '/') || strchr(tld, ' '))
                continue;
            snprintf(path, sizeof path, "%s/s%zu-%s.zone", argv[2], i, tld);
            FILE *f = fopen(path, "w");
            if (!f) {
                perror(path);
                return 1;
            }
            zone_write(&sc[i], tld, f);
            fclose(f);
        }
        /* The root, so names under other top-level domains get NXDOMAIN
         * as from the in-process table, not SERVFAIL. */
        snprintf(path, sizeof path, "%s/s%zu-root.zone", argv[2], i);
        FILE *root = fopen(path, "w");
        if (!root) {
            perror(path);
            return 1;
        }
        fputs("$ORIGIN .\n$TTL 300\n. IN SOA ns.openspf.invalid. host.openspf.invalid. 1 3600 "
              "600 86400 300\n. IN NS ns.openspf.invalid.\n",
              root);
        fclose(root);
        struct dns_table zone;
        dns_table_init(&zone, true);
        char err[512];
        if (!yaml_zone_fill(&sc[i], &zone, err, sizeof err)) {
            fprintf(stderr, "openspf_zone: scenario %zu: %s\n", i, err);
            return 1;
        }
        for (size_t k = 0; k < sc[i].ntests; k++) {
            const struct yaml_test *t = &sc[i].tests[k];
            struct recording rec = {{rec_lookup}, &zone.source, NULL};
            struct spf_eval ev;
            struct spf_eval_input in = {.ip = t->host, .mail_from = t->mailfrom,
                                        .helo = t->helo, .now = 1700000000};
            if (spf_eval_init(&ev, &in))
                spf_eval_run(&ev, &rec.base);
            spf_eval_free(&ev);
            fprintf(list, "%zu\x1f%s\x1f%s\x1f%s\x1f%s\x1f", i, t->name, t->host, t->mailfrom, t->helo);
            for (size_t r = 0; r < t->nresults; r++)
                fprintf(list, "%s%s", r ? "," : "", t->results[r]);
            fprintf(list, "\x1f%s\x1f%s\n", t->has_explanation ? t->explanation : "-",
                    rec.why ? rec.why : "ok");
        }
        dns_table_free(&zone);
    }
    fclose(list);
    yaml_free_suite(sc, n);
    return 0;
}
