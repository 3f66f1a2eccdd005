/* make bench: throughput of the core on realistic records, and the cost of
 * one keystroke's work in the editor (re-parse, lint and format of a
 * 450-byte SPF record).  Prints records/s and ns/record per kind.  Targets
 * (issue #2): >= 1,000,000 SPF records/s per core; < 20 us per keystroke.
 * The unit tests check what hostile input gives (bounded output), never how
 * long it takes: those costs are printed here (hostile input, zone_read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/diag.h"
#include "authtxt/dmarc.h"
#include "authtxt/drafts.h"
#include "authtxt/record.h"
#include "authtxt/spf.h"
#include "authtxt/strbuf.h"
#include "authtxt/zone.h"

/* The unit tests' public keys (header-only constants). */
#include "../unit/test_dkim_keys.h"

/* Rates are per core: measured on this thread's CPU clock, so other work
 * on the machine (parallel builds, fuzzers) does not count against us.
 * The wall clock is read too, to say when the machine was busy. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const spf_corpus[] = {
    "v=spf1 include:_spf.google.com ~all",
    "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 include:_spf.google.com "
    "include:spf.protection.outlook.com mx a:mail.example.com ~all",
    "v=spf1 mx a ip4:203.0.113.10 ip6:2001:db8::/32 -all",
    "v=spf1 include:spf.protection.outlook.com include:mailgun.org include:sendgrid.net -all",
    "v=spf1 redirect=_spf.example.com",
    "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 include:amazonses.com "
    "exists:%{i}._spf.example.com ?all",
    "v=spf1 a mx ptr include:_spf.example.net +all",
    "v=spf1 include:servers.mcsv.net include:_spf.salesforce.com include:mail.zendesk.com "
    "ip4:198.51.100.0/25 -all",
};

static const char *const dmarc_corpus[] = {
    "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
    "v=DMARC1; p=none; rua=mailto:dmarc@example.com; ruf=mailto:forensic@example.com; fo=1",
    /* Parenthesized: one record split over two lines (clang's
     * -Wstring-concatenation would take it for a missing comma). */
    ("v=DMARC1; p=quarantine; pct=50; sp=none; adkim=s; aspf=r; rua=mailto:a@example.com,"
     "mailto:b@reports.example.net!10m"),
    "v=DMARC1; p=reject; sp=reject; np=reject; t=n; psd=n; rua=mailto:dmarc@example.org",
};

static const char *const dkim_corpus[] = {
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/9Ep3UzhLwCDqJh75ve/rLgBq/vOxmxuwQWAW9"
    "QlbJvIbttZwBi/TDT7j1YmjAOmCIlxJrYWmK+QSXvg0DL1tgVYb4oTjWQrZLEv8mYNGLXqOOPGHI87fkI/FfsPNSkPPr"
    "QE2m7M2IUYDPwF7pxyt4wl+uc/nVtgcu7S2VD194wIDAQAB",
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
};

static const char *const sig_corpus[] = {
    "v=1; a=rsa-sha256; c=relaxed/relaxed; d=engagement.atlassian.com; "
    "h=content-type:from:mime-version:reply-to:to:subject; s=s1; "
    "bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=; "
    "b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2"
    "yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI=",
};

static void bench_kind(const char *name, enum record_kind kind, const char *const *corpus,
                       size_t n, double seconds)
{
    struct record r;
    record_init(&r);
    size_t *lens = malloc(n * sizeof *lens);
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(corpus[i]);
    /* Warm up: the record's buffers reach their working size. */
    for (size_t i = 0; i < n; i++)
        record_analyze(&r, kind, corpus[i], lens[i], 0);
    size_t done = 0;
    double t0 = now_seconds(), t1;
    do {
        for (int rep = 0; rep < 1000; rep++)
            for (size_t i = 0; i < n; i++)
                record_analyze(&r, kind, corpus[i], lens[i], 0);
        done += 1000 * n;
        t1 = now_seconds();
    } while (t1 - t0 < seconds);
    double per = (t1 - t0) / (double)done;
    printf("%-10s parse+lint  %10.0f records/s  %8.0f ns/record  (%zu records)\n", name,
           1.0 / per, per * 1e9, done);
    free(lens);
    record_free(&r);
}

/* A 2048-bit RSA key record, re-parsed, linted and formatted into a warm
 * model (what the unit test test_warm_reparse_stable checks the result of;
 * it used to assert < 500 us here). */
static void bench_dkim_2048(double seconds)
{
    static char text[1024];
    snprintf(text, sizeof text, "v=DKIM1; k=rsa; p=%s", KEY_RSA2048);
    size_t len = strlen(text);
    struct record r;
    struct strbuf out = STRBUF_INIT;
    record_init(&r);
    record_analyze(&r, RECORD_DKIM_KEY, text, len, 0); /* warm */
    size_t done = 0;
    double t0 = now_seconds(), t1;
    do {
        for (int rep = 0; rep < 100; rep++) {
            record_analyze(&r, RECORD_DKIM_KEY, text, len, 0);
            strbuf_reset(&out);
            record_format(&r, &out);
        }
        done += 100;
        t1 = now_seconds();
    } while (t1 - t0 < seconds);
    printf("DKIM key   RSA-2048 %zu-byte record, parse+lint+format: %.2f us\n", len,
           (t1 - t0) / (double)done * 1e6);
    record_free(&r);
    strbuf_free(&out);
}

/* One keystroke in the SPF editor: the text changes by one character, the
 * core re-parses, re-lints and formats it. */
static void bench_keystroke(void)
{
    char text[512];
    size_t len = 0;
    len += (size_t)snprintf(text, sizeof text, "v=spf1");
    for (int i = 0; len < 440; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, " ip4:198.51.%d.0/24", i % 250);
    len += (size_t)snprintf(text + len, sizeof text - len, " ~all");
    text[len] = '\0';
    struct record r;
    struct strbuf out = STRBUF_INIT;
    record_init(&r);
    size_t done = 0;
    double t0 = now_seconds(), t1;
    do {
        for (int rep = 0; rep < 1000; rep++) {
            text[10] = (char)('0' + rep % 10); /* the "keystroke" */
            record_analyze(&r, RECORD_SPF, text, len, 0);
            strbuf_reset(&out);
            record_format(&r, &out);
        }
        done += 1000;
        t1 = now_seconds();
    } while (t1 - t0 < 1.0);
    printf("keystroke  re-parse+lint+format of a %zu-byte SPF record: %.2f us\n", len,
           (t1 - t0) / (double)done * 1e6);
    record_free(&r);
    strbuf_free(&out);
}

/* One field edit in the editor, as the tabs did it before issue 9 (the
 * tab's own model edited and re-parsed by the per-kind call, formatted,
 * handed to drafts_set_text which parsed it again, and re-parsed into the
 * tab's copy: three parses) and through the drafts now (one parse, the
 * record refreshed from the model, plus the undo snapshot).  SPF: set the
 * value of term 1 of a 450-byte record; DMARC: set pct. */
static void bench_field_edit(void)
{
    char text[512], value[32];
    size_t len = (size_t)snprintf(text, sizeof text, "v=spf1");
    for (int i = 0; len < 440; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, " ip4:198.51.%d.0/24", i % 250);
    len += (size_t)snprintf(text + len, sizeof text - len, " ~all");
    const char *dmarc = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com; pct=50; fo=1";
    double us[2][2];
    for (int way = 0; way < 2; way++) {
        struct drafts d;
        drafts_init(&d);
        drafts_set_text(&d, DRAFT_SPF, text, len);
        drafts_set_text(&d, DRAFT_DMARC, dmarc, strlen(dmarc));
        struct spf_record tab_spf;
        struct dmarc_record tab_dmarc;
        spf_record_init(&tab_spf);
        dmarc_record_init(&tab_dmarc);
        spf_parse(&tab_spf, text, len, NULL);
        dmarc_parse(&tab_dmarc, dmarc, strlen(dmarc), NULL);
        struct strbuf out = STRBUF_INIT;
        for (int kind = 0; kind < 2; kind++) {
            size_t done = 0;
            double t0 = now_seconds(), t1;
            do {
                for (int rep = 0; rep < 500; rep++) {
                    if (kind == 0)
                        snprintf(value, sizeof value, "198.51.100.%d/32", rep % 250);
                    else
                        snprintf(value, sizeof value, "%d", rep % 100);
                    size_t vlen = strlen(value);
                    if (way == 0 && kind == 0) {
                        spf_term_set_value(&tab_spf, 1, value, vlen, NULL);
                        strbuf_reset(&out);
                        spf_format(&tab_spf, &out);
                        drafts_set_text(&d, DRAFT_SPF, out.data, out.len);
                        spf_parse(&tab_spf, d.rec[DRAFT_SPF].text, d.rec[DRAFT_SPF].len, NULL);
                    } else if (way == 0) {
                        dmarc_set_tag(&tab_dmarc, "pct", value, vlen, NULL);
                        strbuf_reset(&out);
                        dmarc_format(&tab_dmarc, &out);
                        drafts_set_text(&d, DRAFT_DMARC, out.data, out.len);
                        dmarc_parse(&tab_dmarc, d.rec[DRAFT_DMARC].text, d.rec[DRAFT_DMARC].len,
                                    NULL);
                    }
#ifdef DRAFTS_UNDO_STEPS /* (built on an older tree: the old way only) */
                    else if (kind == 0) {
                        drafts_spf_set_value(&d, 1, value, vlen, NULL);
                    } else {
                        drafts_tag_set(&d, DRAFT_DMARC, "pct", value, vlen, NULL);
                    }
#endif
                }
                done += 500;
                t1 = now_seconds();
            } while (t1 - t0 < 0.5);
            us[way][kind] = (t1 - t0) / (double)done * 1e6;
        }
        strbuf_free(&out);
        spf_record_free(&tab_spf);
        dmarc_record_free(&tab_dmarc);
        drafts_free(&d);
    }
    printf("field edit SPF term value (%zu-byte record): %.2f us before issue 9 (3 parses), "
           "%.2f us through the drafts (1 parse + undo step)\n",
           len, us[0][0], us[1][0]);
    printf("field edit DMARC pct=: %.2f us before issue 9, %.2f us through the drafts\n",
           us[0][1], us[1][1]);
}

/* Seconds per call of record_analyze on text[0..len), run for about
 * `seconds` (at least 3 calls). */
static double time_analyze(struct record *r, const char *text, size_t len, double seconds)
{
    record_analyze(r, RECORD_UNKNOWN, text, len, 0); /* warm */
    size_t done = 0;
    double t0 = now_seconds(), t1;
    do {
        record_analyze(r, RECORD_UNKNOWN, text, len, 0);
        done++;
        t1 = now_seconds();
    } while (t1 - t0 < seconds || done < 3);
    return (t1 - t0) / (double)done;
}

/* Hostile input: the cost per term (or tag) must not grow with the count.
 * Input is capped at RECORD_MAX_LEN (64 KiB) and SPF at SPF_MAX_TERMS, so
 * the largest SPF case is 30,000 terms (60 KB); the tag tokenizer stops at
 * its tag cap (1,024) with a syntax error, so repeated tags past it cost
 * only the scan.  The ratio column is ns/term against the row's first.
 * A numbered unit gets its index appended ("x7=7"): distinct tags.  The
 * shapes are those of the unit tests' hostile-input cases (test_spf,
 * test_dmarc, test_dkim_key), kept under 64 KiB. */
static void bench_hostile(double seconds)
{
    static const struct {
        const char *name, *head, *unit;
        size_t counts[4];
        int numbered;
    } shapes[] = {
        {"SPF ' a' terms", "v=spf1", " a", {1000, 10000, 30000, 0}, 0},
        {"SPF ' ip4:1.2.3.4'", "v=spf1", " ip4:1.2.3.4", {500, 1000, 5000, 0}, 0},
        {"SPF ' include:x'", "v=spf1", " include:x", {500, 1000, 5000, 0}, 0},
        {"SPF ' redirect=x.y'", "v=spf1", " redirect=_spf.example.com", {250, 1000, 2400, 0}, 0},
        {"SPF ' exists:%{i}'", "v=spf1", " exists:%{i}.x.example", {250, 1000, 2800, 0}, 0},
        {"SPF one long term", "v=spf1 include:", "-all%{d}.", {100, 1000, 7000, 0}, 0},
        {"DMARC ';t=y' tags", "v=DMARC1", ";t=y", {250, 1000, 10000, 0}, 0},
        {"DMARC ';p=reject'", "v=DMARC1", ";p=reject", {250, 1000, 5000, 0}, 0},
        {"DMARC rua URIs", "v=DMARC1; p=reject; rua=mailto:d@example.com", ",mailto:d@example.com",
         {250, 1000, 3000, 0}, 0},
        {"DKIM ';k=rsa' tags", "v=DKIM1", ";k=rsa", {250, 1000, 10000, 0}, 0},
        {"DKIM ';x<i>=<i>'", "v=DKIM1", ";x", {250, 1000, 5000, 0}, 1},
        {"DKIM ';p=AAAA;foo=1'", "v=DKIM1", ";p=AAAA;foo=1", {250, 1000, 4500, 0}, 0},
    };
    struct record r;
    struct strbuf sb = STRBUF_INIT;
    record_init(&r);
    printf("hostile input (ns per term, x first count; linear cost = ratio ~1 or less):\n");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        printf("  %-19s", shapes[s].name);
        double first = 0;
        for (size_t c = 0; c < 4 && shapes[s].counts[c]; c++) {
            size_t n = shapes[s].counts[c];
            strbuf_reset(&sb);
            strbuf_puts(&sb, shapes[s].head);
            for (size_t i = 0; i < n; i++) {
                if (shapes[s].numbered)
                    strbuf_printf(&sb, "%s%zu=%zu", shapes[s].unit, i, i);
                else
                    strbuf_puts(&sb, shapes[s].unit);
            }
            double per = time_analyze(&r, strbuf_cstr(&sb), sb.len, seconds / 16);
            double per_term = per / (double)n * 1e9;
            if (c == 0)
                first = per_term;
            printf(" %6zu: %5.1f ns %4.2fx %4zu diags |", n, per_term, per_term / first,
                   r.diags.count + r.diags.dropped);
        }
        printf("\n");
    }
    record_free(&r);
    strbuf_free(&sb);
}

/* zone_read in process: the 60,000-record zone of test_sixty_thousand_records
 * (target of issue #2: lint --zone of such a zone in < 0.25 s, measured end
 * to end by bench_zone.sh), then the pathological shapes of
 * test_pathological_bounded at 256 KiB and 1 MiB: linear cost = ns/byte
 * ratio ~1 or less. */
static double time_zone_read(struct zone *z, const char *text, size_t len, double seconds,
                             size_t *ndiags)
{
    struct diag_list diags;
    diag_list_init(&diags);
    size_t done = 0;
    double t0 = now_seconds(), t1, best = 1e9;
    do {
        diag_list_reset(&diags);
        double ta = now_seconds();
        zone_read(z, text, len, "p.example", &diags);
        t1 = now_seconds();
        if (t1 - ta < best)
            best = t1 - ta;
        done++;
    } while (t1 - t0 < seconds || done < 3);
    *ndiags = diags.count + diags.dropped;
    diag_list_free(&diags);
    return best;
}

static void bench_zone_read(double seconds)
{
    struct zone z;
    zone_init(&z);
    struct strbuf big = STRBUF_INIT;
    big.limit = 64u << 20;
    strbuf_puts(&big, "$TTL 3600\n");
    char key[400];
    memset(key, 'A', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    for (int d = 0; d < 20000; d++) {
        strbuf_printf(&big, "$ORIGIN d%d.example.\n@ IN MX 10 mail\nmail IN A 192.0.2.1\n", d);
        strbuf_printf(&big,
                      "@ 300 IN TXT \"v=spf1 ip4:198.51.%d.0/24 include:_spf.google.com "
                      "mx -all\"\n",
                      d % 250);
        strbuf_printf(&big, "_dmarc IN TXT \"v=DMARC1; p=quarantine; rua=mailto:d@d%d.example\"\n",
                      d);
        strbuf_printf(&big,
                      "s1._domainkey IN TXT ( \"v=DKIM1; k=rsa; p=%.200s\"\n   \"%.192s\" )\n", key,
                      key);
    }
    size_t nd;
    double t = time_zone_read(&z, big.data, big.len, seconds, &nd);
    printf("zone_read  60,000 TXT records (%zu bytes, %zu records read): best %.1f ms, "
           "%.2f ns/byte\n",
           big.len, z.count, t * 1e3, t / (double)big.len * 1e9);
    strbuf_free(&big);

    static const char *const shapes[] = {"((((((((",         "\"\"\"\"\"\"\"\"", "a (\n\"x\"\n",
                                         "\\\\\\\\", "x TXT \"",         "\n\n\n\n)))"};
    static const char *const names[] = {"'(' x8",    "'\"' x8",       "a (\\n\"x\"\\n",
                                        "backslashes", "x TXT \" (open)", "\\n x4 ')))'"};
    size_t n = 1u << 20;
    char *p = malloc(n);
    printf("zone_read pathological shapes (ns per byte, x the 256 KiB figure):\n");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        size_t k = strlen(shapes[s]);
        for (size_t i = 0; i < n; i++)
            p[i] = shapes[s][i % k];
        printf("  %-17s", names[s]);
        double first = 0;
        for (size_t len = n / 4; len <= n; len *= 4) {
            double per = time_zone_read(&z, p, len, seconds / 8, &nd) / (double)len * 1e9;
            if (len == n / 4)
                first = per;
            printf(" %4zu KiB: %5.2f ns %4.2fx %4zu diags |", len >> 10, per, per / first, nd);
        }
        printf("\n");
    }
    free(p);
    zone_free(&z);
}

int main(void)
{
    double secs = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 1.0;
    double wall0 = wall_seconds(), cpu0 = now_seconds();
    printf("authtxt core benchmark (one core, thread CPU time)\n");
    bench_kind("SPF", RECORD_SPF, spf_corpus, sizeof spf_corpus / sizeof *spf_corpus, secs);
    bench_kind("DMARC", RECORD_DMARC, dmarc_corpus, sizeof dmarc_corpus / sizeof *dmarc_corpus,
               secs);
    bench_kind("DKIM key", RECORD_DKIM_KEY, dkim_corpus, sizeof dkim_corpus / sizeof *dkim_corpus,
               secs);
    bench_kind("DKIM-Sig", RECORD_DKIM_SIG, sig_corpus, sizeof sig_corpus / sizeof *sig_corpus,
               secs);
    bench_dkim_2048(secs);
    bench_keystroke();
    bench_field_edit();
    bench_hostile(secs);
    bench_zone_read(secs);
    double wall = wall_seconds() - wall0, cpu = now_seconds() - cpu0;
    printf("wall/CPU time %.2f%s\n", wall / cpu,
           wall / cpu > 1.2 ? ": the machine was busy, caches shared: figures are pessimistic" : "");
    return 0;
}
