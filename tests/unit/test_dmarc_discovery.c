/* Live DMARC discovery on canned DNS answers: the RFC 9989 §4.10 tree walk
 * names, the record chosen (§4.10.1), the organizational domain (§4.10.2),
 * the RFC 7489 PSL view, report authorization (RFC 9990 §4), and the live
 * rules. */
#include "test_dmarc.h"

static struct dmarc_discovery disc;

static int disc_setup(void **state)
{
    dmarc_setup(state);
    dmarc_discovery_init(&disc);
    return 0;
}

static int disc_teardown(void **state)
{
    dmarc_discovery_free(&disc);
    return dmarc_teardown(state);
}

/* Answer the step whose query name is `name` with status and records
 * (NULL-terminated list). */
static void answer(const char *name, enum dns_status status, ...)
{
    size_t i = 0;
    while (i < disc.nsteps && strcmp(disc.steps[i].name, name) != 0)
        i++;
    if (i == disc.nsteps) {
        print_message("no step named %s\n", name);
        fail();
    }
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = status;
    va_list ap;
    va_start(ap, status);
    for (const char *s; (s = va_arg(ap, const char *));)
        assert_true(dns_txt_answer_add_text(&a, s));
    va_end(ap);
    dmarc_discovery_set_answer(&disc, i, &a);
    assert_int_equal(a.count, 0); /* taken over */
}

/* Every still-needed step gets NXDOMAIN. */
static void answer_rest_nxdomain(void)
{
    for (size_t i = 0; i < disc.nsteps; i++)
        if (dmarc_discovery_step_needed(&disc, i))
            answer(disc.steps[i].name, DNS_NXDOMAIN, NULL);
}

static void set_apex(enum dns_status status, const char *record)
{
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = status;
    if (record)
        assert_true(dns_txt_answer_add_text(&a, record));
    dmarc_discovery_set_apex(&disc, &a);
}

static void discovery_lint(void)
{
    diag_list_reset(&diags);
    dmarc_discovery_lint(&disc, &diags);
    text = dmarc_discovery_policy_text(&disc, NULL);
    if (!text)
        text = "";
}

/* ---- the walk's names ------------------------------------------------------ */

static void test_walk_names_rfc_example(void **state)
{
    (void)state;
    struct dmarc_walk w;
    const char *d = "a.b.c.d.e.f.g.h.i.j.mail.example.com";
    assert_true(dmarc_walk_names(d, strlen(d), &w));
    static const char *const want[] = {
        "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
        "_dmarc.g.h.i.j.mail.example.com",
        "_dmarc.h.i.j.mail.example.com",
        "_dmarc.i.j.mail.example.com",
        "_dmarc.j.mail.example.com",
        "_dmarc.mail.example.com",
        "_dmarc.example.com",
        "_dmarc.com",
    };
    assert_int_equal(w.count, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(w.steps[i].name, want[i]);
    assert_int_equal(w.steps[0].labels, 13);
    assert_int_equal(w.steps[1].labels, 7);
    assert_int_equal(w.steps[7].labels, 1);
}

static void test_walk_names_shapes(void **state)
{
    (void)state;
    struct dmarc_walk w;
    assert_true(dmarc_walk_names("Mail.Example.COM.", 17, &w));
    assert_int_equal(w.count, 3);
    assert_string_equal(w.steps[0].name, "_dmarc.mail.example.com");
    assert_string_equal(w.steps[2].name, "_dmarc.com");
    assert_true(dmarc_walk_names("com", 3, &w));
    assert_int_equal(w.count, 1);
    /* Exactly 8 labels: itself, then 7 down to 1. */
    assert_true(dmarc_walk_names("a.b.c.d.e.f.g.h", 15, &w));
    assert_int_equal(w.count, 8);
    assert_string_equal(w.steps[1].name, "_dmarc.b.c.d.e.f.g.h");
    /* Nine labels: the same eight queries, the 8-label name skipped. */
    assert_true(dmarc_walk_names("x.a.b.c.d.e.f.g.h", 17, &w));
    assert_int_equal(w.count, 8);
    assert_string_equal(w.steps[1].name, "_dmarc.b.c.d.e.f.g.h");
    /* Not domain names. */
    assert_false(dmarc_walk_names("exa mple.com", 12, &w));
    assert_false(dmarc_walk_names("a..b", 4, &w));
    assert_false(dmarc_walk_names("", 0, &w));
    assert_false(dmarc_walk_names("ex\xc3\xa4mple.com", 12, &w));
    assert_int_equal(w.count, 0);
    /* A name so long that "_dmarc." pushes it over 253 bytes. */
    char longname[256];
    size_t n = 0;
    while (n + 4 <= 250) {
        memcpy(longname + n, "abc.", 4);
        n += 4;
    }
    memcpy(longname + n, "com", 3);
    n += 3;
    assert_true(dmarc_walk_names(longname, n, &w));
    assert_true(w.steps[0].too_long);
    assert_false(w.steps[w.count - 1].too_long);
}

static void test_text_is_record(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool yes;
    } cases[] = {
        {"v=DMARC1", true},
        {"v=DMARC1; p=none", true},
        {"v = DMARC1;p=none", true},
        {"V=DMARC1", true},
        {"v=DMARC1 ;", true},
        {"v=DMARC1 \t; p=none", true},
        /* RFC 9989 §4.8: only a dmarc-sep may follow the version */
        {"v=DMARC1 p=reject", false},
        {"v=DMARC1\tp=reject", false},
        {"v=DMARC1 x", false},
        {"v=DMARC10", false},
        {"v=dmarc1", false},
        {" v=DMARC1", false},
        {"v=spf1 -all", false},
        {"p=none; v=DMARC1", false},
        {"", false},
        {"v=", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(dmarc_text_is_record(cases[i].s, strlen(cases[i].s)), cases[i].yes);
}

/* ---- choosing the record ------------------------------------------------------ */

static void test_found_at_domain(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "example.com", "example.com"));
    assert_int_equal(disc.nsteps, 2);
    assert_int_equal(disc.status, DMARC_DISCOVERY_PENDING);
    assert_true(dmarc_discovery_step_needed(&disc, 0));
    assert_true(dmarc_discovery_step_needed(&disc, 1));
    answer("_dmarc.example.com", DNS_OK, "v=spf1 -all",
           "v=DMARC1; p=reject; rua=mailto:d@example.com", NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_PENDING); /* _dmarc.com still out */
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_int_equal(disc.found_at, DMARC_FOUND_DOMAIN);
    assert_string_equal(dmarc_discovery_policy_domain(&disc), "example.com");
    assert_string_equal(disc.org_domain, "example.com");
    assert_int_equal(disc.psl_step, 0);
    assert_int_equal(disc.policy.p, DMARC_POLICY_REJECT);
    assert_int_equal(dmarc_discovery_scope(&disc), DMARC_SCOPE_DOMAIN);
    size_t len;
    assert_string_equal(dmarc_discovery_policy_text(&disc, &len),
                        "v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_int_equal(disc.nreports, 0); /* the rua host is the domain itself */
    discovery_lint();
    assert_int_equal(diags.count, 0);
}

/* No record at the author domain: the organizational domain's applies,
 * with sp (existing name) or np (NXDOMAIN). */
static void test_inherited_from_org(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "a.mail.example.com", "example.com"));
    assert_int_equal(disc.nsteps, 4);
    answer("_dmarc.a.mail.example.com", DNS_NXDOMAIN, NULL);
    answer("_dmarc.mail.example.com", DNS_NODATA, NULL);
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=reject; sp=quarantine; np=reject", NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_PENDING);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_int_equal(disc.found_at, DMARC_FOUND_ORG);
    assert_string_equal(disc.org_domain, "example.com");
    set_apex(DNS_NODATA, NULL); /* the name exists */
    assert_int_equal(dmarc_discovery_scope(&disc), DMARC_SCOPE_SUBDOMAIN);
    discovery_lint();
    assert_rule_at(RULE_DMARC_INHERITED, 0, 0);
    assert_message_has(RULE_DMARC_INHERITED, "_dmarc.example.com");
    assert_message_has(RULE_DMARC_INHERITED, "sp= applies: quarantine");
    assert_no_rule(&diags, RULE_DMARC_NOT_FOUND);
    set_apex(DNS_NXDOMAIN, NULL);
    assert_int_equal(dmarc_discovery_scope(&disc), DMARC_SCOPE_NXDOMAIN);
    discovery_lint();
    assert_message_has(RULE_DMARC_INHERITED, "np= applies: reject");
}

/* Intermediate records do not apply: the one with the fewest labels is the
 * organizational domain (RFC 9989 §4.10.2, Appendix B.4.2). */
static void test_fewest_labels_wins(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "x.k.example.com", NULL));
    answer("_dmarc.x.k.example.com", DNS_NXDOMAIN, NULL);
    answer("_dmarc.k.example.com", DNS_OK, "v=DMARC1; p=none", NULL);
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=reject", NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_string_equal(disc.org_domain, "example.com");
    assert_string_equal(dmarc_discovery_policy_domain(&disc), "example.com");
    assert_int_equal(disc.policy.p, DMARC_POLICY_REJECT);
}

/* psd=y stops the walk; the organizational domain is one label below
 * (RFC 9989 Appendix B.4.3). */
static void test_psd_yes(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "giant.bank.example", NULL));
    answer("_dmarc.giant.bank.example", DNS_OK, "v=DMARC1; p=quarantine", NULL);
    answer("_dmarc.bank.example", DNS_OK, "v=DMARC1; p=reject; psd=y", NULL);
    assert_false(dmarc_discovery_step_needed(&disc, 2)); /* _dmarc.example */
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_int_equal(disc.stop_step, 1);
    assert_string_equal(disc.org_domain, "giant.bank.example");
    assert_int_equal(disc.found_at, DMARC_FOUND_DOMAIN);

    /* No record of its own: the PSD's record applies. */
    assert_true(dmarc_discovery_start(&disc, "mail.mega.bank.example", NULL));
    answer("_dmarc.mail.mega.bank.example", DNS_NXDOMAIN, NULL);
    answer("_dmarc.mega.bank.example", DNS_NXDOMAIN, NULL);
    answer("_dmarc.bank.example", DNS_OK, "v=DMARC1; p=reject; psd=y", NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_string_equal(disc.org_domain, "mega.bank.example");
    assert_int_equal(disc.found_at, DMARC_FOUND_PSD);
    set_apex(DNS_NODATA, NULL);
    discovery_lint();
    assert_message_has(RULE_DMARC_INHERITED, "public suffix");
}

/* psd=n: this name is its own organizational domain, so its sp= works for
 * RFC 9989; RFC 7489 receivers (PSL) still look elsewhere. */
static void test_psd_no_and_sp_effect(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "mail.example.com", "example.com"));
    answer("_dmarc.mail.example.com", DNS_OK,
           "v=DMARC1; p=reject; sp=quarantine; psd=n; rua=mailto:d@mail.example.com", NULL);
    /* The walk stops; the RFC 7489 organizational domain is still asked. */
    assert_int_equal(disc.status, DMARC_DISCOVERY_PENDING);
    assert_true(dmarc_discovery_step_needed(&disc, 1));
    assert_false(dmarc_discovery_step_needed(&disc, 2));
    answer("_dmarc.example.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_string_equal(disc.org_domain, "mail.example.com");
    discovery_lint();
    assert_rule_span(RULE_DMARC_SP_NO_EFFECT, "sp=quarantine");
    assert_message_has(RULE_DMARC_SP_NO_EFFECT, "RFC 7489");
    assert_message_has(RULE_DMARC_INHERITED, "Public Suffix List");

    /* Without psd=n a subdomain's sp= applies to nothing. */
    assert_true(dmarc_discovery_start(&disc, "mail.example.com", "example.com"));
    answer("_dmarc.mail.example.com", DNS_OK, "v=DMARC1; p=reject; sp=none; np=none", NULL);
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=reject", NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_string_equal(disc.org_domain, "example.com");
    discovery_lint();
    assert_rule_span(RULE_DMARC_SP_NO_EFFECT, "sp=none");
    assert_message_has(RULE_DMARC_SP_NO_EFFECT, "_dmarc.example.com");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_SP_NO_EFFECT), 2);

    /* At the organizational domain itself sp= does its job. */
    assert_true(dmarc_discovery_start(&disc, "example.com", "example.com"));
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=reject; sp=none", NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_SP_NO_EFFECT);
}

/* The PSL organizational domain picks another record than the walk. */
static void test_rfc7489_view_differs(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "x.mail.example.com", "example.com"));
    answer("_dmarc.x.mail.example.com", DNS_NXDOMAIN, NULL);
    answer("_dmarc.mail.example.com", DNS_OK, "v=DMARC1; p=reject; psd=n", NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_PENDING); /* the PSL name too */
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=none", NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);
    assert_string_equal(dmarc_discovery_policy_domain(&disc), "mail.example.com");
    assert_string_equal(disc.steps[disc.psl_step].name, "_dmarc.example.com");
    set_apex(DNS_NODATA, NULL);
    discovery_lint();
    assert_message_has(RULE_DMARC_INHERITED, "RFC 7489 receivers (Public Suffix List) use "
                                             "_dmarc.example.com instead");

    /* A PSL organizational domain the walk's shortcut skips is asked apart. */
    assert_true(dmarc_discovery_start(&disc, "a.b.c.d.e.f.g.h.i", "b.c.d.e.f.g.h.i"));
    assert_int_equal(disc.nwalk, 8);
    assert_int_equal(disc.nsteps, 9);
    assert_false(disc.steps[8].on_walk);
    assert_string_equal(disc.steps[8].name, "_dmarc.b.c.d.e.f.g.h.i");
    assert_true(dmarc_discovery_step_needed(&disc, 8));
}

static void test_multiple_records(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "mail.example.com", NULL));
    answer("_dmarc.mail.example.com", DNS_OK, "v=DMARC1; p=none", "v=DMARC1; p=reject",
           "google-site-verification=x", NULL);
    assert_int_equal(disc.steps[0].ndmarc, 2);
    assert_int_equal(disc.steps[0].record, DMARC_NONE);
    answer("_dmarc.example.com", DNS_OK, "v=DMARC1; p=quarantine", NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    /* Both discarded: the parent's record applies. */
    assert_string_equal(dmarc_discovery_policy_domain(&disc), "example.com");
    set_apex(DNS_NODATA, NULL);
    discovery_lint();
    assert_rule_at(RULE_DMARC_MULTIPLE_RECORDS, 0, 0);
    assert_message_has(RULE_DMARC_MULTIPLE_RECORDS, "_dmarc.mail.example.com has 2 DMARC records");
    assert_severity(RULE_DMARC_MULTIPLE_RECORDS, DIAG_ERROR);

    assert_true(dmarc_discovery_start(&disc, "example.com", NULL));
    answer("_dmarc.example.com", DNS_OK, "v=spf1 -all", "v=DMARC1; p=none", NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_MULTIPLE_RECORDS);
}

static void test_not_found_pending_error(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "mail.example.com", NULL));
    discovery_lint();
    assert_int_equal(diags.count, 0); /* nothing known yet */
    answer_rest_nxdomain();
    assert_int_equal(disc.status, DMARC_DISCOVERY_NOT_FOUND);
    assert_null(dmarc_discovery_policy_text(&disc, NULL));
    assert_null(dmarc_discovery_policy_domain(&disc));
    discovery_lint();
    assert_rule(&diags, RULE_DMARC_NOT_FOUND);
    assert_message_has(RULE_DMARC_NOT_FOUND, "_dmarc.mail.example.com");
    assert_message_has(RULE_DMARC_NOT_FOUND, "(3 names)");

    assert_true(dmarc_discovery_start(&disc, "mail.example.com", NULL));
    answer("_dmarc.mail.example.com", DNS_TIMEOUT, NULL);
    answer("_dmarc.example.com", DNS_NXDOMAIN, NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_DNS_ERROR);
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_NOT_FOUND);

    /* A failure further up does not hide a record at the domain itself. */
    assert_true(dmarc_discovery_start(&disc, "mail.example.com", NULL));
    answer("_dmarc.mail.example.com", DNS_OK, "v=DMARC1; p=reject", NULL);
    answer("_dmarc.example.com", DNS_SERVFAIL, NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.status, DMARC_DISCOVERY_FOUND);

    assert_false(dmarc_discovery_start(&disc, "bad name", NULL));
    assert_int_equal(disc.nsteps, 0);
    discovery_lint();
    assert_int_equal(diags.count, 0);
    /* An answer for a step that does not exist is freed, not kept. */
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&a, "v=DMARC1"));
    dmarc_discovery_set_answer(&disc, 5, &a);
    assert_int_equal(a.count, 0);
}

static void test_record_at_apex(void **state)
{
    (void)state;
    assert_true(dmarc_discovery_start(&disc, "example.com", NULL));
    answer_rest_nxdomain();
    set_apex(DNS_OK, "v=DMARC1; p=reject; rua=mailto:d@example.com");
    discovery_lint();
    assert_rule(&diags, RULE_DMARC_RECORD_AT_APEX);
    assert_message_has(RULE_DMARC_RECORD_AT_APEX, "move it to _dmarc.example.com");
    assert_rule(&diags, RULE_DMARC_NOT_FOUND);
    set_apex(DNS_OK, "v=spf1 mx -all");
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_RECORD_AT_APEX);
}

/* RFC 9990 §4: external report hosts must publish
 * <domain>._report._dmarc.<host> starting with v=DMARC1. */
static void test_report_authorization(void **state)
{
    (void)state;
    const char *policy =
        "v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:r@reports.example.net,"
        "mailto:x@sub.example.com; ruf=mailto:f@reports.example.net,"
        "mailto:g@other.example.org";
    assert_true(dmarc_discovery_start(&disc, "example.com", "example.com"));
    answer("_dmarc.example.com", DNS_OK, policy, NULL);
    answer("_dmarc.com", DNS_NXDOMAIN, NULL);
    assert_int_equal(disc.nreports, 2);
    assert_string_equal(disc.reports[0].host, "reports.example.net");
    assert_string_equal(disc.reports[0].name, "example.com._report._dmarc.reports.example.net");
    assert_string_equal(disc.reports[0].wildcard, "*._report._dmarc.reports.example.net");
    assert_true(disc.reports[0].rua);
    assert_true(disc.reports[0].ruf);
    assert_string_equal(disc.reports[1].host, "other.example.org");
    assert_false(disc.reports[1].rua);
    assert_int_equal(dmarc_report_status(&disc.reports[0]), DMARC_REPORT_PENDING);
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_RUA_UNAUTHORIZED);

    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = DNS_NXDOMAIN;
    dmarc_discovery_set_report_answer(&disc, 0, false, &a);
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&a, "v=DMARC1;"));
    dmarc_discovery_set_report_answer(&disc, 1, false, &a);
    assert_int_equal(dmarc_report_status(&disc.reports[0]), DMARC_REPORT_UNAUTHORIZED);
    assert_int_equal(dmarc_report_status(&disc.reports[1]), DMARC_REPORT_AUTHORIZED);
    text = policy;
    diag_list_reset(&diags);
    dmarc_discovery_lint(&disc, &diags);
    assert_rule_span(RULE_DMARC_RUA_UNAUTHORIZED, "mailto:r@reports.example.net");
    assert_message_has(RULE_DMARC_RUA_UNAUTHORIZED,
                       "example.com._report._dmarc.reports.example.net");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_RUA_UNAUTHORIZED), 1);

    /* A wildcard record authorizes every domain. */
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&a, "v=DMARC1"));
    dmarc_discovery_set_report_answer(&disc, 0, true, &a);
    assert_int_equal(dmarc_report_status(&disc.reports[0]), DMARC_REPORT_AUTHORIZED);
    discovery_lint();
    assert_no_rule(&diags, RULE_DMARC_RUA_UNAUTHORIZED);

    /* A DNS failure decides nothing. */
    dns_txt_answer_init(&a);
    a.status = DNS_TIMEOUT;
    dmarc_discovery_set_report_answer(&disc, 1, false, &a);
    assert_int_equal(dmarc_report_status(&disc.reports[1]), DMARC_REPORT_UNKNOWN);
    /* A record that does not start with v=DMARC1 does not authorize. */
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&a, "p=none; v=DMARC1"));
    dmarc_discovery_set_report_answer(&disc, 1, false, &a);
    assert_int_equal(dmarc_report_status(&disc.reports[1]), DMARC_REPORT_UNAUTHORIZED);
    /* Out of range: freed. */
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&a, "v=DMARC1"));
    dmarc_discovery_set_report_answer(&disc, 7, false, &a);
    assert_int_equal(a.count, 0);
}

/* The standalone check list: a draft's record, with org domain. */
static void test_report_checks_standalone(void **state)
{
    (void)state;
    lint("v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@mail.example.com,"
         "mailto:c@vendor.example,mailto:d@VENDOR.example,https://collect.example.org/r,"
         "mailto:e@[192.0.2.1]; ruf=mailto:f@vendor.example");
    struct dmarc_report_check c[4];
    bool more;
    size_t n = dmarc_report_checks(&rec, "mail.example.com", "example.com", c, 4, &more);
    assert_false(more);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].host, "vendor.example");
    assert_string_equal(c[0].name, "mail.example.com._report._dmarc.vendor.example");
    assert_true(c[0].rua && c[0].ruf);
    assert_string_equal(c[1].host, "collect.example.org");
    for (size_t i = 0; i < n; i++)
        dmarc_report_check_free(&c[i]);
    /* Without an organizational domain only the domain itself is inside. */
    n = dmarc_report_checks(&rec, "mail.example.com", NULL, c, 1, &more);
    assert_int_equal(n, 1);
    assert_true(more); /* vendor.example and collect.example.org left out */
    assert_string_equal(c[0].host, "example.com");
    dmarc_report_check_free(&c[0]);

    /* A name over DNS limits cannot be authorized (RFC 9990 §4 step 4). */
    char host[300], rec_text[400];
    memset(host, 'a', 60);
    memcpy(host + 60, ".", 1);
    memset(host + 61, 'b', 60);
    memcpy(host + 121, ".", 1);
    memset(host + 122, 'c', 60);
    memcpy(host + 182, ".example", 9);
    snprintf(rec_text, sizeof rec_text, "v=DMARC1; p=none; rua=mailto:r@%s", host);
    lint(rec_text);
    assert_no_rule(&diags, RULE_DMARC_BAD_URI);
    char pdom[80];
    memset(pdom, 'p', 60);
    memcpy(pdom + 60, ".example.com", 13);
    n = dmarc_report_checks(&rec, pdom, NULL, c, 4, NULL);
    assert_int_equal(n, 1);
    assert_true(c[0].too_long);
    assert_int_equal(dmarc_report_status(&c[0]), DMARC_REPORT_UNAUTHORIZED);
    dmarc_report_check_free(&c[0]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, disc_setup, disc_teardown)
    const struct CMUnitTest tests[] = {
        T(test_walk_names_rfc_example),
        T(test_walk_names_shapes),
        T(test_text_is_record),
        T(test_found_at_domain),
        T(test_inherited_from_org),
        T(test_fewest_labels_wins),
        T(test_psd_yes),
        T(test_psd_no_and_sp_effect),
        T(test_rfc7489_view_differs),
        T(test_multiple_records),
        T(test_not_found_pending_error),
        T(test_record_at_apex),
        T(test_report_authorization),
        T(test_report_checks_standalone),
    };
#undef T
    return cmocka_run_group_tests_name("dmarc_discovery", tests, NULL, NULL);
}
