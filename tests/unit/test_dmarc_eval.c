/* DMARC evaluation (src/core/dmarc_eval.c) over in-process zones: policy
 * discovery by the RFC 9989 tree walk (psd=), p/sp/np by scope, t=y,
 * relaxed and strict alignment against the organizational domain the
 * walk finds, an invalid p with and without a valid rua, DNS errors, no
 * single author domain, and the RFC 7489 view where it differs. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/check.h"
#include "authtxt/help.h"

static void txt(struct dns_table *t, const char *name, const char *text)
{
    struct dns_answer *a = dns_table_slot(t, name, DNS_TYPE_TXT);
    assert_non_null(a);
    assert_true(dns_txt_answer_add_text(&a->txt, text));
    a->status = a->txt.status = DNS_OK;
}

/* A name that exists (an A record). */
static void exists(struct dns_table *t, const char *name)
{
    static const unsigned char addr[4] = {192, 0, 2, 1};
    assert_true(dns_answer_add_addr(dns_table_slot(t, name, DNS_TYPE_A), addr, 4));
}

struct outcome {
    enum check_dmarc_result result;
    enum check_disposition disposition;
    bool spf_aligned, dkim_aligned;
    char policy_domain[256], org_domain[256];
    char reason[700];
    bool rfc7489_differs;
    enum check_disposition disposition_7489;
};

static void run(const struct dns_table *t, const char *from, const char *psl_org,
                enum check_spf_result spf, const char *spf_domain, const char *dkim_domain,
                struct outcome *out)
{
    const char *dk[1] = {dkim_domain};
    struct dmarc_eval_input in = {.from_domain = from,
                                  .from_problem = "no From",
                                  .psl_org = psl_org,
                                  .spf_evaluated = spf_domain != NULL,
                                  .spf_result = spf,
                                  .spf_domain = spf_domain,
                                  .dkim_pass_domains = dk,
                                  .ndkim_pass = dkim_domain ? 1 : 0};
    struct dmarc_eval ev;
    assert_true(dmarc_eval_init(&ev, &in));
    assert_int_equal(dmarc_eval_run(&ev, &t->source), CHECK_DONE);
    for (size_t i = 0; i < ev.trace.count; i++)
        if (!help_find(ev.trace.steps[i].help)) {
            print_message("no help entry '%s'\n", ev.trace.steps[i].help);
            fail();
        }
    out->result = ev.result;
    out->disposition = ev.disposition;
    out->spf_aligned = ev.spf_aligned;
    out->dkim_aligned = ev.dkim_aligned;
    snprintf(out->policy_domain, sizeof out->policy_domain, "%s", ev.policy_domain);
    snprintf(out->org_domain, sizeof out->org_domain, "%s", ev.org_domain);
    snprintf(out->reason, sizeof out->reason, "%s", ev.reason);
    out->rfc7489_differs = ev.rfc7489_differs;
    out->disposition_7489 = ev.disposition_7489;
    dmarc_eval_free(&ev);
}

#define CHECK(o, res, disp)                                                                        \
    do {                                                                                           \
        if ((o).result != (res) || (o).disposition != (disp)) {                                   \
            print_message("line %d: got %s/%s (%s), want %s/%s\n", __LINE__,                      \
                          check_dmarc_result_name((o).result),                                     \
                          check_disposition_name((o).disposition), (o).reason,                     \
                          check_dmarc_result_name(res), check_disposition_name(disp));             \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static void test_scopes_p_sp_np(void **state)
{
    (void)state;
    struct dns_table t;
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=none");
    exists(&t, "example.com");
    exists(&t, "shop.example.com");
    struct outcome o;
    /* forged mail: SPF fails, no DKIM */
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    assert_string_equal(o.policy_domain, "example.com");
    run(&t, "shop.example.com", "example.com", CHECK_SPF_FAIL, "shop.example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_QUARANTINE);
    assert_string_equal(o.policy_domain, "example.com");
    run(&t, "nx.example.com", "example.com", CHECK_SPF_NONE, "nx.example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_NONE); /* np=none */
    /* RFC 7489 ignores np: sp=quarantine there */
    assert_true(o.rfc7489_differs);
    assert_int_equal(o.disposition_7489, CHECK_DISPOSITION_QUARANTINE);
    dns_table_free(&t);

    /* without sp and np, p applies everywhere; without np, sp applies */
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
    exists(&t, "example.com");
    run(&t, "nx.example.com", "example.com", CHECK_SPF_NONE, "nx.example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_QUARANTINE);
    dns_table_free(&t);
}

static void test_testing_lowers_one_step(void **state)
{
    (void)state;
    struct dns_table t;
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=reject; t=y");
    exists(&t, "example.com");
    struct outcome o;
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_QUARANTINE);
    assert_non_null(strstr(o.reason, "t=y"));
    dns_table_free(&t);
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=quarantine; t=y");
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_NONE);
    dns_table_free(&t);
}

static void test_alignment(void **state)
{
    (void)state;
    struct dns_table t;
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=reject");
    exists(&t, "example.com");
    exists(&t, "news.example.com");
    struct outcome o;
    /* relaxed: a bounce subdomain aligns with the organizational domain */
    run(&t, "news.example.com", "example.com", CHECK_SPF_PASS, "bounce.example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_PASS, CHECK_DISPOSITION_NONE);
    assert_true(o.spf_aligned);
    assert_string_equal(o.org_domain, "example.com");
    /* a vendor's domain passes SPF but is not aligned */
    run(&t, "example.com", "example.com", CHECK_SPF_PASS, "mail.vendor.example", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    assert_false(o.spf_aligned);
    /* DKIM alone (relaxed) */
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", "mail.example.com", &o);
    CHECK(o, CHECK_DMARC_PASS, CHECK_DISPOSITION_NONE);
    assert_true(o.dkim_aligned);
    assert_false(o.spf_aligned);
    /* a softfail never aligns */
    run(&t, "example.com", "example.com", CHECK_SPF_SOFTFAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    /* a look-alike suffix is not within the organizational domain */
    run(&t, "example.com", "example.com", CHECK_SPF_PASS, "badexample.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    dns_table_free(&t);

    /* strict: the exact domain only */
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=quarantine; aspf=s; adkim=s");
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_PASS, "bounce.example.com",
        "mail.example.com", &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_QUARANTINE);
    run(&t, "example.com", "example.com", CHECK_SPF_PASS, "EXAMPLE.com.", NULL, &o);
    CHECK(o, CHECK_DMARC_PASS, CHECK_DISPOSITION_NONE);
    dns_table_free(&t);
}

static void test_invalid_p(void **state)
{
    (void)state;
    struct dns_table t;
    struct outcome o;
    /* RFC 9989 §4.10.1: an invalid p with a valid rua is p=none */
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=bogus; rua=mailto:d@example.com");
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_NONE);
    dns_table_free(&t);
    /* without a valid rua: no DMARC processing at all */
    dns_table_init(&t, true);
    txt(&t, "_dmarc.example.com", "v=DMARC1; p=bogus");
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_NONE, CHECK_DISPOSITION_NONE);
    assert_non_null(strstr(o.reason, "no DMARC processing"));
    dns_table_free(&t);
}

static void test_psd_and_walk(void **state)
{
    (void)state;
    struct dns_table t;
    struct outcome o;
    /* a public suffix operator's record (psd=y) applies below it, and the
     * organizational domain is the name one label under it */
    dns_table_init(&t, true);
    txt(&t, "_dmarc.gov.example", "v=DMARC1; p=reject; psd=y");
    exists(&t, "agency.gov.example");
    run(&t, "mail.agency.gov.example", "agency.gov.example", CHECK_SPF_FAIL,
        "mail.agency.gov.example", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    assert_string_equal(o.policy_domain, "gov.example");
    assert_string_equal(o.org_domain, "agency.gov.example");
    /* aligned through the organizational domain the walk found */
    run(&t, "mail.agency.gov.example", "agency.gov.example", CHECK_SPF_PASS,
        "bounce.agency.gov.example", NULL, &o);
    CHECK(o, CHECK_DMARC_PASS, CHECK_DISPOSITION_NONE);
    /* but not across organizations under the same suffix */
    run(&t, "mail.agency.gov.example", "agency.gov.example", CHECK_SPF_PASS,
        "other.gov.example", NULL, &o);
    CHECK(o, CHECK_DMARC_FAIL, CHECK_DISPOSITION_REJECT);
    dns_table_free(&t);

    /* no record anywhere: none */
    dns_table_init(&t, true);
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_NONE, CHECK_DISPOSITION_NONE);
    dns_table_free(&t);

    /* a DNS error on the walk: temperror */
    dns_table_init(&t, true);
    assert_true(dns_table_set_name_status(&t, "_dmarc.example.com", DNS_SERVFAIL));
    exists(&t, "example.com");
    run(&t, "example.com", "example.com", CHECK_SPF_FAIL, "example.com", NULL, &o);
    CHECK(o, CHECK_DMARC_TEMPERROR, CHECK_DISPOSITION_NONE);
    dns_table_free(&t);
}

static void test_no_single_author(void **state)
{
    (void)state;
    struct dns_table t;
    dns_table_init(&t, true);
    struct dmarc_eval_input in = {.from_domain = NULL,
                                  .from_problem = "the message has 2 From: header fields"};
    struct dmarc_eval ev;
    assert_true(dmarc_eval_init(&ev, &in));
    assert_int_equal(dmarc_eval_run(&ev, &t.source), CHECK_DONE);
    assert_int_equal(ev.result, CHECK_DMARC_PERMERROR);
    assert_non_null(strstr(ev.reason, "2 From"));
    dmarc_eval_free(&ev);
    dns_table_free(&t);
}

/* Through a cache that starts empty: the first run asks the whole walk
 * at once, the second finishes. */
static void test_asks_the_walk_at_once(void **state)
{
    (void)state;
    struct dns_table cache;
    dns_table_init(&cache, false);
    struct dmarc_eval_input in = {.from_domain = "a.b.example.com", .psl_org = "example.com"};
    struct dmarc_eval ev;
    assert_true(dmarc_eval_init(&ev, &in));
    assert_int_equal(dmarc_eval_run(&ev, &cache.source), CHECK_NEED_ANSWERS);
    /* the apex and the four walk names, all in one round */
    assert_int_equal(ev.needs.count, 5);
    for (size_t i = 0; i < ev.needs.count; i++) {
        struct dns_answer *a = dns_table_slot(&cache, ev.needs.items[i].name, DNS_TYPE_TXT);
        a->status = a->txt.status = DNS_NXDOMAIN;
    }
    assert_int_equal(dmarc_eval_run(&ev, &cache.source), CHECK_DONE);
    assert_int_equal(ev.result, CHECK_DMARC_NONE);
    dmarc_eval_free(&ev);
    dns_table_free(&cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scopes_p_sp_np),      cmocka_unit_test(test_testing_lowers_one_step),
        cmocka_unit_test(test_alignment),           cmocka_unit_test(test_invalid_p),
        cmocka_unit_test(test_psd_and_walk),        cmocka_unit_test(test_no_single_author),
        cmocka_unit_test(test_asks_the_walk_at_once),
    };
    return cmocka_run_group_tests_name("dmarc_eval", tests, NULL, NULL);
}
