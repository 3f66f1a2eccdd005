/* The domain side of a zone audit (zone_audit.h): records grouped per
 * domain, cross_lint per domain, the result sorted by domain, a domain
 * whose records are not adjacent audited on its whole set. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "authtxt/zone.h"
#include "authtxt/zone_audit.h"

/* b: SPF only (no DMARC).  a: SPF, then other domains, then its DMARC
 * (so a is whole only once its second run is audited).  d: DMARC that
 * enforces with neither SPF nor a key.  c: SPF and DMARC together. */
static const char zone_text[] = "$ORIGIN example.\n"
                                "$TTL 300\n"
                                "b       TXT \"v=spf1 -all\"\n"
                                "a       TXT \"v=spf1 -all\"\n"
                                "a       TXT \"google-site-verification=x\"\n"
                                "_dmarc.d TXT \"v=DMARC1; p=reject\"\n"
                                "c       TXT \"v=spf1 -all\"\n"
                                "_dmarc.c TXT \"v=DMARC1; p=reject\"\n"
                                "_dmarc.a TXT \"v=DMARC1; p=reject\"\n";

/* Read `text` as lint --zone does and audit it; the results are copied
 * into `names` (domain:rule-code lines) so the audit can be freed. */
static void audit_zone(const char *text, bool file_stays, char *names, size_t cap)
{
    struct zone z;
    struct diag_list d;
    struct record rec;
    zone_init(&z);
    diag_list_init(&d);
    record_init(&rec);
    rec.skip_terms = true;
    struct zone_audit *a = zone_audit_new(file_stays);
    assert_non_null(a);
    assert_true(zone_open(&z, text, strlen(text), NULL, &d));
    const struct zone_record *zr;
    while ((zr = zone_next(&z, &d)) != NULL) {
        enum record_kind kind = zone_kind_record_kind(zr->kind);
        if (kind != RECORD_UNKNOWN)
            assert_true(record_analyze(&rec, kind, zr->text, zr->len, 0));
        else
            rec.kind = RECORD_UNKNOWN;
        assert_true(zone_audit_add(a, &z, zr, &rec));
    }
    size_t n = 99;
    const struct zone_audit_domain *doms = zone_audit_finish(a, &n);
    assert_non_null(doms);
    assert_false(zone_audit_oom(a));
    names[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        assert_true(doms[i].count > 0);
        for (size_t k = 0; k < doms[i].count; k++) {
            size_t len = strlen(names);
            snprintf(names + len, cap - len, "%s:%s\n", doms[i].domain,
                     rule_get(doms[i].diags[k].rule)->code);
        }
    }
    zone_audit_free(a);
    record_free(&rec);
    zone_free(&z);
    diag_list_free(&d);
}

static void test_domains_sorted_and_regrouped(void **state)
{
    (void)state;
    char names[1024];
    audit_zone(zone_text, true, names, sizeof names);
    /* a's DMARC came after other domains: a is audited on SPF + DMARC and
     * has nothing to say; c likewise; b lacks DMARC; d enforces with
     * nothing to authenticate.  Sorted by name: b before d. */
    assert_string_equal(names, "b.example:cross-no-dmarc\n"
                               "d.example:cross-dmarc-without-auth\n"
                               "d.example:cross-no-spf\n");
}

/* The same when the buffer does not stay (texts kept as copies). */
static void test_copied_texts(void **state)
{
    (void)state;
    char kept[1024], copied[1024];
    audit_zone(zone_text, true, kept, sizeof kept);
    audit_zone(zone_text, false, copied, sizeof copied);
    assert_string_equal(kept, copied);
}

/* A domain that only comes back with an unrelated record keeps its
 * result; an escaped string (not found as is in the file) is kept as a
 * copy and analyzed again the same. */
static void test_return_without_change(void **state)
{
    (void)state;
    static const char text[] = "$ORIGIN example.\n"
                               "e TXT \"v=spf1 \\045all\"\n" /* \045 is '-' */
                               "f TXT \"v=spf1 -all\"\n"
                               "e TXT \"v=spf1 ~all\"\n"; /* a second SPF: not the kept one */
    char names[1024];
    audit_zone(text, true, names, sizeof names);
    assert_string_equal(names, "e.example:cross-no-dmarc\n"
                               "f.example:cross-no-dmarc\n");
}

static void test_empty_zone(void **state)
{
    (void)state;
    char names[64];
    audit_zone("$ORIGIN example.\n", true, names, sizeof names);
    assert_string_equal(names, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domains_sorted_and_regrouped),
        cmocka_unit_test(test_copied_texts),
        cmocka_unit_test(test_return_without_change),
        cmocka_unit_test(test_empty_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
