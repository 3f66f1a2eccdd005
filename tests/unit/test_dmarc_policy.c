/* What a DMARC record does (defaults, t=y, RFC 7489's view), the
 * sentences for the TUI, and the editing calls of the DMARC tab. */
#include "test_dmarc.h"

static struct dmarc_effect eff;

static void effect_of(const char *s)
{
    lint(s);
    dmarc_effect_compute(&rec, &eff);
}

static void assert_policies(enum dmarc_rfc rfc, enum dmarc_policy domain, enum dmarc_policy sub,
                            enum dmarc_policy nx)
{
    assert_int_equal(dmarc_effect_applied(&eff, rfc, DMARC_SCOPE_DOMAIN), domain);
    assert_int_equal(dmarc_effect_applied(&eff, rfc, DMARC_SCOPE_SUBDOMAIN), sub);
    assert_int_equal(dmarc_effect_applied(&eff, rfc, DMARC_SCOPE_NXDOMAIN), nx);
}

static const char *describe(void)
{
    strbuf_reset(&sb);
    dmarc_effect_describe(&eff, "example.com", &sb);
    return strbuf_cstr(&sb);
}

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle)) {
        print_message("\"%s\" lacks \"%s\"\n", haystack, needle);
        fail();
    }
}

/* ---- the effect --------------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    effect_of("v=DMARC1; p=reject");
    assert_true(eff.usable[DMARC_RFC9989]);
    assert_true(eff.usable[DMARC_RFC7489]);
    assert_policies(DMARC_RFC9989, DMARC_POLICY_REJECT, DMARC_POLICY_REJECT, DMARC_POLICY_REJECT);
    assert_int_equal(eff.adkim, DMARC_ALIGN_RELAXED);
    assert_int_equal(eff.aspf, DMARC_ALIGN_RELAXED);
    assert_int_equal(eff.fo, DMARC_FO_0);
    assert_int_equal(eff.pct, 100);
    assert_false(eff.testing);
    assert_false(eff.has_rua);
}

/* RFC 9989 §4.7: sp defaults to p; np to sp, then p. */
static void test_sp_np_inheritance(void **state)
{
    (void)state;
    effect_of("v=DMARC1; p=reject; sp=quarantine");
    assert_policies(DMARC_RFC9989, DMARC_POLICY_REJECT, DMARC_POLICY_QUARANTINE,
                    DMARC_POLICY_QUARANTINE);
    effect_of("v=DMARC1; p=quarantine; np=reject");
    assert_policies(DMARC_RFC9989, DMARC_POLICY_QUARANTINE, DMARC_POLICY_QUARANTINE,
                    DMARC_POLICY_REJECT);
    /* RFC 7489 receivers know no np: sp (or p) for non-existent names. */
    assert_policies(DMARC_RFC7489, DMARC_POLICY_QUARANTINE, DMARC_POLICY_QUARANTINE,
                    DMARC_POLICY_QUARANTINE);
}

/* t=y: one level less under RFC 9989; RFC 7489 ignores it. */
static void test_testing_mode(void **state)
{
    (void)state;
    effect_of("v=DMARC1; p=reject; sp=quarantine; np=none; t=y");
    assert_policies(DMARC_RFC9989, DMARC_POLICY_QUARANTINE, DMARC_POLICY_NONE, DMARC_POLICY_NONE);
    assert_policies(DMARC_RFC7489, DMARC_POLICY_REJECT, DMARC_POLICY_QUARANTINE,
                    DMARC_POLICY_QUARANTINE);
    assert_int_equal(eff.policy[DMARC_RFC9989][DMARC_SCOPE_DOMAIN], DMARC_POLICY_REJECT);
    assert_true(dmarc_is_enforcing(&rec)); /* §3.2.9: the policy as published */
}

/* RFC 9989 §4.10.1: no valid p= (or a bad sp=/np=) is p=none with a valid
 * rua, no DMARC without. */
static void test_fallback(void **state)
{
    (void)state;
    effect_of("v=DMARC1; rua=mailto:d@example.com");
    assert_true(eff.fallback_none[DMARC_RFC9989]);
    assert_policies(DMARC_RFC9989, DMARC_POLICY_NONE, DMARC_POLICY_NONE, DMARC_POLICY_NONE);
    effect_of("v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com");
    assert_true(eff.fallback_none[DMARC_RFC9989]);
    assert_policies(DMARC_RFC9989, DMARC_POLICY_NONE, DMARC_POLICY_NONE, DMARC_POLICY_NONE);
    effect_of("v=DMARC1; p=reject; np=bogus; rua=mailto:d@example.com");
    assert_true(eff.fallback_none[DMARC_RFC9989]);
    assert_false(eff.fallback_none[DMARC_RFC7489]); /* RFC 7489 has no np */
    assert_policies(DMARC_RFC7489, DMARC_POLICY_REJECT, DMARC_POLICY_REJECT, DMARC_POLICY_REJECT);
    effect_of("v=DMARC1; p=bogus; rua=mailto:email\xc2\xa0protected");
    assert_false(eff.usable[DMARC_RFC9989]);
    assert_policies(DMARC_RFC9989, DMARC_POLICY_ABSENT, DMARC_POLICY_ABSENT, DMARC_POLICY_ABSENT);
    effect_of("v=DMARC2; p=reject; rua=mailto:d@example.com");
    assert_false(eff.version);
    assert_false(eff.usable[DMARC_RFC9989]);
    assert_false(dmarc_is_enforcing(&rec));
    assert_has(describe(), "does not start with v=DMARC1");
}

static void test_enforcing_and_rua(void **state)
{
    (void)state;
    lint("v=DMARC1; p=quarantine; rua=mailto:d@example.com");
    assert_true(dmarc_is_enforcing(&rec));
    assert_true(dmarc_has_rua(&rec));
    lint("v=DMARC1; p=none; sp=reject; rua=bogus");
    assert_false(dmarc_is_enforcing(&rec));
    assert_false(dmarc_has_rua(&rec));
    assert_string_equal(dmarc_policy_name(DMARC_POLICY_QUARANTINE), "quarantine");
    assert_string_equal(dmarc_policy_name(DMARC_POLICY_INVALID), "");
}

/* ---- sentences ------------------------------------------------------------ */

static void test_describe_effect(void **state)
{
    (void)state;
    effect_of("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_string_equal(describe(), "RFC 9989: failing mail from example.com and all its "
                                    "subdomains is rejected.");

    effect_of("v=DMARC1; p=reject; sp=quarantine; np=reject");
    const char *s = describe();
    assert_has(s, "from example.com is rejected");
    assert_has(s, "from its existing subdomains it goes to spam (quarantine)");
    assert_has(s, "from non-existent subdomains it is rejected");
    assert_has(s, "\nRFC 7489 receivers: ");
    assert_has(s, "(they ignore np=)");

    effect_of("v=DMARC1; p=reject; pct=25");
    s = describe();
    assert_has(s, "RFC 9989: failing mail from example.com and all its subdomains is rejected.");
    assert_has(s, "pct=25: they apply it to only about 25% of failing mail, from the domain "
                  "and its subdomains alike; the rest gets one level less.");

    /* pct is not a clause of the subdomain scope (it covers p and sp). */
    effect_of("v=DMARC1; p=reject; sp=quarantine; pct=50");
    s = describe();
    assert_has(s, "from its subdomains it goes to spam (quarantine). pct=50: they apply it to "
                  "only about 50% of failing mail, from the domain and its subdomains alike");

    effect_of("v=DMARC1; p=quarantine; t=y");
    s = describe();
    assert_has(s, "is delivered as usual");
    assert_has(s, "(t=y: one level less than written)");
    assert_has(s, "RFC 7489 receivers: failing mail from example.com and all its subdomains goes "
                  "to spam");
    assert_has(s, "they ignore t=y");

    effect_of("v=DMARC1; sp=reject; rua=mailto:d@example.com");
    assert_has(describe(), "read as p=none");

    strbuf_reset(&sb);
    dmarc_effect_describe(&eff, NULL, &sb);
    assert_has(strbuf_cstr(&sb), "the domain");
}

static const char *tag_sentence(size_t i)
{
    strbuf_reset(&sb);
    dmarc_term_describe(&rec, i, &sb);
    return strbuf_cstr(&sb);
}

static void test_term_describe(void **state)
{
    (void)state;
    assert_true(dmarc_set_domain(&rec, "Example.COM."));
    assert_string_equal(rec.domain, "example.com");
    assert_false(dmarc_set_domain(&rec, "not a domain"));
    assert_string_equal(rec.domain, "example.com");
    lint("v=DMARC1; p=quarantine; sp=none; adkim=s; fo=1:d; rua=mailto:a@example.com,"
         "mailto:b@example.net; pct=30; zz=1; adkmi=r; oops; aspf=x; p=none");
    assert_has(tag_sentence(0), "DMARC policy record");
    assert_string_equal(tag_sentence(1), "failing mail from example.com goes to spam (quarantine)");
    assert_has(tag_sentence(2), "existing subdomains of example.com is delivered as usual");
    assert_has(tag_sentence(3), "exactly example.com (strict alignment)");
    assert_has(tag_sentence(4), "any check fails");
    assert_has(tag_sentence(4), "a DKIM signature fails");
    assert_has(tag_sentence(4), "without ruf= nothing is sent");
    assert_has(tag_sentence(5), "go to a@example.com, b@example.net");
    assert_has(tag_sentence(6), "30% of failing mail");
    assert_has(tag_sentence(7), "unknown tag 'zz'");
    assert_has(tag_sentence(8), "did you mean adkim=?");
    assert_has(tag_sentence(9), "not a tag");
    assert_has(tag_sentence(10), "invalid value: receivers use relaxed SPF alignment");
    assert_has(tag_sentence(11), "repeats p=");
    strbuf_reset(&sb);
    dmarc_term_describe(&rec, 99, &sb); /* out of range: nothing */
    assert_int_equal(sb.len, 0);

    /* A policy sentence says when receivers do not use the record as written. */
    lint("v=DMARC1; p=reject; sp=rejekt; rua=mailto:d@example.com");
    assert_has(tag_sentence(1), "read this record as p=none");
    lint("v=DMARC1; p=reject; np=x");
    assert_has(tag_sentence(1), "ignore this record");
    lint("v=DMARC2; p=reject");
    assert_has(tag_sentence(1), "does not start with v=DMARC1");
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_null(strstr(tag_sentence(1), "but"));

    lint("v=DMARC1; p=reject; t=y; psd=n");
    assert_has(tag_sentence(1), "with t=y receivers apply quarantine instead");
    assert_has(tag_sentence(2), "one level less");
    assert_has(tag_sentence(3), "organizational domain");
    dmarc_set_domain(&rec, NULL);
    assert_has(tag_sentence(1), "this domain");
}

/* ---- editing ---------------------------------------------------------------- */

static void assert_text(const char *want)
{
    strbuf_reset(&sb);
    dmarc_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), want);
    /* The edited model is what its text parses to. */
    struct dmarc_record again;
    struct diag_list scratch;
    dmarc_record_init(&again);
    diag_list_init(&scratch);
    assert_true(dmarc_parse(&again, strbuf_cstr(&sb), sb.len, &scratch));
    assert_true(dmarc_equal(&rec, &again));
    dmarc_record_free(&again);
    diag_list_free(&scratch);
}

static void test_set_tag_places(void **state)
{
    (void)state;
    struct diag_list why;
    diag_list_init(&why);
    lint("v=DMARC1; rua=mailto:a@example.com");
    assert_true(dmarc_set_tag(&rec, "p", "reject", 6, &why));
    assert_text("v=DMARC1; p=reject; rua=mailto:a@example.com");
    assert_int_equal(rec.p, DMARC_POLICY_REJECT);
    assert_true(dmarc_set_tag(&rec, "SP", " Quarantine ", 12, &why));
    assert_text("v=DMARC1; p=reject; sp=quarantine; rua=mailto:a@example.com");
    assert_true(dmarc_set_tag(&rec, "adkim", "s", 1, &why));
    assert_text("v=DMARC1; p=reject; sp=quarantine; rua=mailto:a@example.com; adkim=s");
    assert_true(dmarc_set_tag(&rec, "np", "reject", 6, &why));
    assert_text("v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:a@example.com; adkim=s");
    assert_true(dmarc_set_tag(&rec, "t", "y", 1, &why));
    assert_true(dmarc_set_tag(&rec, "fo", "1", 1, &why));
    assert_text("v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:a@example.com; adkim=s; "
                "fo=1; t=y");
    assert_true(dmarc_set_tag(&rec, "p", "none", 4, &why)); /* in place */
    assert_text("v=DMARC1; p=none; sp=quarantine; np=reject; rua=mailto:a@example.com; adkim=s; "
                "fo=1; t=y");
    assert_true(dmarc_set_tag(&rec, "custom", "X", 1, &why));
    assert_int_equal(rec.tags[rec.count - 1].id, DMARC_TAG_UNKNOWN);
    assert_int_equal(why.count, 0);

    /* p goes right after v wherever the others are; v goes first. */
    lint("rua=mailto:a@example.com; adkim=s");
    assert_true(dmarc_set_tag(&rec, "v", "DMARC1", 6, &why));
    assert_text("v=DMARC1; rua=mailto:a@example.com; adkim=s");
    assert_true(dmarc_set_tag(&rec, "p", "quarantine", 10, &why));
    assert_text("v=DMARC1; p=quarantine; rua=mailto:a@example.com; adkim=s");
    lint("p=reject; v=DMARC1");
    assert_true(dmarc_set_tag(&rec, "v", "DMARC1", 6, &why));
    assert_text("v=DMARC1; p=reject");

    /* Setting a repeated tag leaves one copy. */
    lint("v=DMARC1; p=none; rua=mailto:a@example.com; p=reject");
    assert_true(dmarc_set_tag(&rec, "p", "quarantine", 10, &why));
    assert_text("v=DMARC1; p=quarantine; rua=mailto:a@example.com");
    diag_list_free(&why);
}

static void test_set_tag_refuses(void **state)
{
    (void)state;
    struct diag_list why;
    diag_list_init(&why);
    lint("v=DMARC1; p=none");
    assert_false(dmarc_set_tag(&rec, "p", "rejct", 5, &why));
    assert_true(diag_list_has(&why, RULE_DMARC_BAD_VALUE));
    assert_int_equal(why.items[0].start, 0); /* spans in the value */
    assert_int_equal(why.items[0].end, 5);
    assert_text("v=DMARC1; p=none"); /* unchanged */
    diag_list_reset(&why);
    assert_false(dmarc_set_tag(&rec, "adkim", "x", 1, &why)); /* a W, but still bad */
    assert_false(dmarc_set_tag(&rec, "p", "reject; sp=none", 15, &why));
    assert_true(diag_list_has(&why, RULE_DMARC_SYNTAX));
    assert_false(dmarc_set_tag(&rec, "p1", "reject", 6, &why));
    assert_false(dmarc_set_tag(&rec, "v", "dmarc1", 6, &why));
    assert_true(diag_list_has(&why, RULE_DMARC_VERSION));
    assert_false(dmarc_set_tag(&rec, "rua", "dmarc@example.com", 17, &why));
    assert_false(dmarc_set_tag(&rec, "x", "caf\xc3\xa9", 5, &why));
    assert_false(dmarc_set_tag(&rec, "rua", "mailto:a@example.com", 20, NULL) == false);
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com");
    diag_list_free(&why);
}

static void test_remove_tag(void **state)
{
    (void)state;
    lint("v=DMARC1; p=none; pct=100; rua=mailto:a@example.com; PCT=5");
    assert_true(dmarc_remove_tag(&rec, "pct", NULL));
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com");
    assert_true(dmarc_remove_tag(&rec, "ri", NULL)); /* absent: fine */
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com");
    assert_false(dmarc_remove_tag(&rec, "", NULL));
}

static void test_uri_edits(void **state)
{
    (void)state;
    struct diag_list why;
    diag_list_init(&why);
    lint("v=DMARC1; p=none");
    assert_true(dmarc_add_uri(&rec, "rua", "mailto:a@example.com", 20, &why));
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com");
    assert_true(dmarc_add_uri(&rec, "rua", " mailto:b@example.net ", 22, &why));
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.net");
    assert_true(dmarc_add_uri(&rec, "rua", "mailto:a@example.com", 20, &why)); /* no-op */
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.net");
    assert_true(dmarc_add_uri(&rec, "ruf", "mailto:f@example.com", 20, &why));
    assert_text("v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.net; "
                "ruf=mailto:f@example.com");
    assert_int_equal(why.count, 0);

    assert_false(dmarc_add_uri(&rec, "rua", "mailto:a@x.com,mailto:b@y.com", 29, &why));
    assert_true(diag_list_has(&why, RULE_DMARC_BAD_URI));
    assert_false(dmarc_add_uri(&rec, "rua", "a@x.com", 7, &why));
    assert_false(dmarc_add_uri(&rec, "p", "mailto:a@x.com", 14, &why));

    assert_true(dmarc_remove_uri(&rec, "rua", 0, &why));
    assert_text("v=DMARC1; p=none; rua=mailto:b@example.net; ruf=mailto:f@example.com");
    assert_false(dmarc_remove_uri(&rec, "rua", 1, &why));
    assert_true(dmarc_remove_uri(&rec, "ruf", 0, &why));
    assert_text("v=DMARC1; p=none; rua=mailto:b@example.net");
    assert_false(dmarc_remove_uri(&rec, "ruf", 0, &why));
    diag_list_free(&why);
}

static void test_fo_flags(void **state)
{
    (void)state;
    lint("v=DMARC1; p=none; ruf=mailto:f@example.com");
    assert_true(dmarc_set_fo_flag(&rec, '1', true, NULL));
    assert_text("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=1");
    assert_true(dmarc_set_fo_flag(&rec, 'd', true, NULL));
    assert_text("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=1:d");
    assert_true(dmarc_set_fo_flag(&rec, '0', true, NULL)); /* clears 1 */
    assert_text("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d:0");
    assert_int_equal(rec.fo, DMARC_FO_0 | DMARC_FO_D);
    assert_true(dmarc_set_fo_flag(&rec, 'S', true, NULL));
    assert_true(dmarc_set_fo_flag(&rec, 'd', false, NULL));
    assert_text("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=0:s");
    assert_true(dmarc_set_fo_flag(&rec, '0', false, NULL));
    assert_true(dmarc_set_fo_flag(&rec, 's', false, NULL));
    assert_text("v=DMARC1; p=none; ruf=mailto:f@example.com");
    assert_false(dmarc_set_fo_flag(&rec, 'x', true, NULL));
}

static void test_check_value(void **state)
{
    (void)state;
    struct diag_list d;
    diag_list_init(&d);
    assert_true(dmarc_check_value("p", "reject", 6, &d));
    assert_true(dmarc_check_value("pct", "50", 2, &d));
    assert_true(dmarc_check_value("whatever", "x y", 3, &d));
    assert_int_equal(d.count, 0);
    assert_true(dmarc_check_value("p", "Reject", 6, &d)); /* accepted, with advice */
    assert_true(diag_list_has(&d, RULE_DMARC_CASE));
    diag_list_reset(&d);
    assert_false(dmarc_check_value("fo", "0:1", 3, &d));
    assert_true(diag_list_has(&d, RULE_DMARC_BAD_VALUE));
    assert_int_equal(d.items[0].start, 2);
    assert_false(dmarc_check_value("t", "", 0, &d));
    assert_false(dmarc_check_value("ri", "-1", 2, NULL));
    diag_list_free(&d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dmarc_setup, dmarc_teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults),      T(test_sp_np_inheritance), T(test_testing_mode),
        T(test_fallback),      T(test_enforcing_and_rua), T(test_describe_effect),
        T(test_term_describe), T(test_set_tag_places),    T(test_set_tag_refuses),
        T(test_remove_tag),    T(test_uri_edits),         T(test_fo_flags),
        T(test_check_value),
    };
#undef T
    return cmocka_run_group_tests_name("dmarc_policy", tests, NULL, NULL);
}
