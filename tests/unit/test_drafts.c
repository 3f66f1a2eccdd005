/* drafts: one domain's three drafts, their cross lint, and the zone
 * fragment they are saved as (write, then read back). */
#include "unit.h"

#include "authtxt/drafts.h"

static void test_example_has_its_flaws(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    assert_int_equal(d.rec[DRAFT_SPF].kind, RECORD_SPF);
    assert_int_equal(d.rec[DRAFT_DMARC].kind, RECORD_DMARC);
    assert_int_equal(d.rec[DRAFT_DKIM].kind, RECORD_DKIM_KEY);
    assert_rule(&d.rec[DRAFT_DMARC].diags, RULE_DMARC_POLICY_NONE);
    assert_rule(&d.rec[DRAFT_DKIM].diags, RULE_DKIM_KEY_WEAK);
    assert_rule(&d.cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_int_equal(drafts_max_severity(&d), DIAG_WARNING);
    drafts_free(&d);
}

static void test_cross_lint_follows_edits(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    const char *reject = "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com";
    assert_true(drafts_set_text(&d, DRAFT_DMARC, reject, strlen(reject)));
    assert_no_rule(&d.cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_true(drafts_set_text(&d, DRAFT_DMARC, "", 0));
    assert_int_equal(d.rec[DRAFT_DMARC].len, 0);
    drafts_free(&d);
}

static void test_owner_names_and_validation(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    assert_true(drafts_set_domain(&d, "Mail.Example.ORG."));
    assert_string_equal(d.domain, "mail.example.org");
    assert_true(drafts_set_selector(&d, "2026.eu"));
    struct strbuf sb;
    strbuf_init(&sb);
    drafts_owner_name(&d, DRAFT_DKIM, &sb);
    assert_string_equal(strbuf_cstr(&sb), "2026.eu._domainkey.mail.example.org");
    strbuf_reset(&sb);
    drafts_owner_name(&d, DRAFT_DMARC, &sb);
    assert_string_equal(strbuf_cstr(&sb), "_dmarc.mail.example.org");
    /* Refused, and nothing changed. */
    assert_false(drafts_set_domain(&d, ""));
    assert_false(drafts_set_domain(&d, "a..b"));
    assert_false(drafts_set_domain(&d, "-bad.example"));
    assert_false(drafts_set_domain(&d, "sp ace.example"));
    assert_false(drafts_set_domain(&d, "x\x1b[31m.example"));
    char longlabel[80];
    memset(longlabel, 'a', 64);
    strcpy(longlabel + 64, ".com");
    assert_false(drafts_set_domain(&d, longlabel));
    assert_string_equal(d.domain, "mail.example.org");
    strbuf_free(&sb);
    drafts_free(&d);
}

static void test_zone_round_trip(void **state)
{
    (void)state;
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    drafts_load_example(&d);
    drafts_set_domain(&d, "example.net");
    drafts_set_selector(&d, "mail2026");
    d.ttl = 300;
    /* A DKIM key over 255 bytes: saved as several strings, read back whole. */
    const char *key = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6TZIIT1g4FC"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    drafts_set_text(&d, DRAFT_DKIM, key, strlen(key));
    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    const char *z = strbuf_cstr(&zone);
    assert_non_null(strstr(z, "$TTL 300"));
    assert_non_null(strstr(z, "_dmarc.example.net."));
    assert_non_null(strstr(z, "mail2026._domainkey.example.net."));
    assert_non_null(strstr(z, "\" \"") ? z : strstr(z, "\"\n")); /* split strings */

    struct diag_list diags;
    diag_list_init(&diags);
    assert_true(drafts_from_zone(&back, z, zone.len, &diags));
    assert_int_equal(diags.count, 0);
    assert_string_equal(back.domain, "example.net");
    assert_string_equal(back.selector, "mail2026");
    assert_int_equal(back.ttl, 300);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        assert_int_equal(back.rec[s].len, d.rec[s].len);
        assert_memory_equal(back.rec[s].text, d.rec[s].text, d.rec[s].len);
    }
    diag_list_free(&diags);
    strbuf_free(&zone);
    drafts_free(&back);
    drafts_free(&d);
}

static void test_zone_with_other_domains_and_none(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    struct diag_list diags;
    diag_list_init(&diags);
    const char *file = "$ORIGIN example.org.\n$TTL 600\n"
                       "@ IN TXT \"v=spf1 -all\"\n"
                       "www IN TXT \"google-site-verification=abc\"\n"
                       "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
                       "other.example. IN TXT \"v=spf1 mx -all\"\n";
    assert_true(drafts_from_zone(&d, file, strlen(file), &diags));
    assert_string_equal(d.domain, "example.org");
    assert_int_equal(d.ttl, 600);
    assert_int_equal(d.rec[DRAFT_SPF].len, strlen("v=spf1 -all"));
    assert_int_equal(d.rec[DRAFT_DKIM].len, 0); /* not in the file: no draft */
    assert_rule(&diags, RULE_ZONE_OTHER_DOMAIN);

    diag_list_reset(&diags);
    const char *none = "www IN TXT \"hello\"\n";
    assert_false(drafts_from_zone(&d, none, strlen(none), &diags));
    assert_rule(&diags, RULE_ZONE_NO_DRAFTS);
    diag_list_reset(&diags);
    assert_false(drafts_from_zone(&d, "", 0, &diags));
    assert_rule(&diags, RULE_ZONE_NO_DRAFTS);
    diag_list_free(&diags);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_has_its_flaws),
        cmocka_unit_test(test_cross_lint_follows_edits),
        cmocka_unit_test(test_owner_names_and_validation),
        cmocka_unit_test(test_zone_round_trip),
        cmocka_unit_test(test_zone_with_other_domains_and_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
