/* check_drafts: the drafts as a DNS source (offline: names outside the
 * domain are not answered) and the spoofability verdict from the drafts
 * alone (check_spoof_drafts), as the editor's lint shows it. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/check_drafts.h"
#include "authtxt/drafts.h"

static void set(struct drafts *d, enum draft_slot slot, const char *text)
{
    assert_true(drafts_set_text(d, slot, text, strlen(text)));
}

/* The verdict lines for scope ("(domain)", "(subdomain)", "(nonexistent)"). */
static const struct diag *line_for(const struct diag_list *l, const char *scope)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].rule == RULE_CROSS_SPOOF_VERDICT && strstr(l->items[i].message, scope))
            return &l->items[i];
    return NULL;
}

static void test_offline_source(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    struct check_drafts_source s;
    assert_true(check_drafts_source_init(&s, &d, NULL));
    const struct dns_answer *a = s.source.lookup(&s.source, "_dmarc.example.com", DNS_TYPE_TXT);
    assert_non_null(a);
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(a->txt.count, 1);
    a = s.source.lookup(&s.source, "Example.COM.", DNS_TYPE_TXT);
    assert_int_equal(a->status, DNS_OK); /* the SPF draft */
    a = s.source.lookup(&s.source, "example.com", DNS_TYPE_MX);
    assert_int_equal(a->status, DNS_NODATA); /* the domain exists, no MX draft */
    a = s.source.lookup(&s.source, "nothing.example.com", DNS_TYPE_TXT);
    assert_int_equal(a->status, DNS_NXDOMAIN);
    a = s.source.lookup(&s.source, "_spf.google.com", DNS_TYPE_TXT);
    assert_int_equal(a->status, DNS_ERROR);
    assert_non_null(strstr(a->error, "not answered offline"));
    check_drafts_source_free(&s);
    drafts_free(&d);
}

/* The example: SPF ~all (its include is not answered offline: temperror)
 * and DMARC p=none: forged mail is delivered for every scope. */
static void test_example_is_spoofable(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    struct diag_list out;
    diag_list_init(&out);
    assert_true(check_spoof_drafts(&d, 0, &out));
    unit_print_diags(&out);
    assert_int_equal(out.count, 3);
    const char *scopes[3] = {"(domain)", "(subdomain)", "(nonexistent)"};
    for (int k = 0; k < 3; k++) {
        const struct diag *g = line_for(&out, scopes[k]);
        assert_non_null(g);
        assert_int_equal(g->severity, DIAG_WARNING);
        assert_non_null(strstr(g->message, "delivered: forged From"));
        assert_non_null(strstr(g->message, "DMARC fail"));
        assert_non_null(strstr(g->message, "p=reject"));
    }
    diag_list_free(&out);
    drafts_free(&d);
}

static void test_reject_everywhere(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    set(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.0/24 -all");
    set(&d, DRAFT_DMARC, "v=DMARC1; p=reject");
    struct diag_list out;
    diag_list_init(&out);
    assert_true(check_spoof_drafts(&d, 0, &out));
    unit_print_diags(&out);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.items[0].severity, DIAG_INFO);
    assert_non_null(strstr(out.items[0].message, "rejected: forged mail"));
    diag_list_free(&out);
    drafts_free(&d);
}

/* p=quarantine, sp=none, np=reject: the domain is quarantined, an existing
 * subdomain delivered (fix: sp=reject), a non-existent one rejected. */
static void test_scopes_differ(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    set(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.0/24 -all");
    set(&d, DRAFT_DMARC, "v=DMARC1; p=quarantine; sp=none; np=reject");
    struct diag_list out;
    diag_list_init(&out);
    assert_true(check_spoof_drafts(&d, 0, &out));
    unit_print_diags(&out);
    assert_int_equal(out.count, 2);
    const struct diag *dom = line_for(&out, "(domain)");
    const struct diag *sub = line_for(&out, "(subdomain)");
    assert_non_null(dom);
    assert_non_null(sub);
    assert_null(line_for(&out, "(nonexistent)"));
    assert_int_equal(dom->severity, DIAG_INFO);
    assert_non_null(strstr(dom->message, "quarantined: forged From"));
    assert_int_equal(sub->severity, DIAG_WARNING);
    assert_non_null(strstr(sub->message, "sp=reject"));
    diag_list_free(&out);
    drafts_free(&d);
}

/* No DMARC draft: an SPF -all is what a receiver rejects on; ~all is not. */
static void test_no_dmarc(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    set(&d, DRAFT_DMARC, "");
    set(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.0/24 ~all");
    struct diag_list out;
    diag_list_init(&out);
    assert_true(check_spoof_drafts(&d, 0, &out));
    unit_print_diags(&out);
    const struct diag *dom = line_for(&out, "(domain)");
    assert_non_null(dom);
    assert_non_null(strstr(dom->message, "SPF softfail"));
    assert_non_null(strstr(dom->message, "publish _dmarc.example.com"));
    diag_list_free(&out);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offline_source),
        cmocka_unit_test(test_example_is_spoofable),
        cmocka_unit_test(test_reject_everywhere),
        cmocka_unit_test(test_scopes_differ),
        cmocka_unit_test(test_no_dmarc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
