/* Answers from a zone in memory (zone_lookup.h): the record of each kind a
 * domain publishes in a zone file, and an SPF include tree grown from the
 * file's TXT records (what `diff --load/--against` compares offline). */
#include "unit.h"

#include <string.h>

#include "authtxt/zone_lookup.h"

static const char zone_text[] =
    "$ORIGIN example.com.\n"
    "$TTL 300\n"
    "@              TXT \"google-site-verification=x\"\n"
    "@              TXT \"v=spf1 include:_spf.Example.NET. redirect=r.example.net\"\n"
    "_dmarc         TXT \"v=DMARC1; p=reject\"\n"
    "s1._domainkey  TXT \"v=DKIM1; p=\"\n"
    "s2._domainkey  TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
    "_spf.example.net. TXT \"v=spf1 ip4:192.0.2.0/24 include:deep.example.net -all\"\n"
    "deep.example.net. TXT \"v=spf1 ip6:2001:db8::/32 -all\"\n"
    "other.example.org. TXT \"v=spf1 -all\"\n";

static void test_lookup_record(void **state)
{
    (void)state;
    struct zone z;
    struct diag_list d;
    zone_init(&z);
    diag_list_init(&d);
    assert_true(zone_read(&z, zone_text, strlen(zone_text), NULL, &d));
    const struct zone_record *r = zone_lookup_record(&z, RECORD_SPF, "example.com", NULL);
    assert_non_null(r);
    assert_true(r->len > 7 && memcmp(r->text, "v=spf1 ", 7) == 0);
    r = zone_lookup_record(&z, RECORD_DMARC, "example.com", NULL);
    assert_non_null(r);
    assert_int_equal(r->len, strlen("v=DMARC1; p=reject"));
    r = zone_lookup_record(&z, RECORD_DKIM_KEY, "example.com", "s2");
    assert_non_null(r);
    assert_string_equal(r->selector, "s2");
    r = zone_lookup_record(&z, RECORD_DKIM_KEY, "example.com", "");
    assert_non_null(r);
    assert_string_equal(r->selector, "s1"); /* the first key */
    assert_null(zone_lookup_record(&z, RECORD_DKIM_KEY, "example.com", "s9"));
    assert_null(zone_lookup_record(&z, RECORD_DMARC, "example.org", NULL));
    assert_null(zone_lookup_record(&z, RECORD_SPF, "www.example.com", NULL));
    zone_free(&z);
    diag_list_free(&d);
}

static void test_resolve_tree(void **state)
{
    (void)state;
    struct zone z;
    struct diag_list d;
    struct spf_tree t;
    zone_init(&z);
    diag_list_init(&d);
    spf_tree_init(&t);
    assert_true(zone_read(&z, zone_text, strlen(zone_text), NULL, &d));
    const struct zone_record *r = zone_lookup_record(&z, RECORD_SPF, "example.com", NULL);
    assert_true(spf_tree_start_text(&t, "example.com", r->text, r->len));
    assert_true(zone_lookup_resolve_tree(&t, &z));
    /* root, _spf (case and final dot ignored), deep; the redirect target is
     * not in the file: left unanswered, not "no record". */
    assert_int_equal(t.count, 4);
    size_t found = 0;
    for (size_t i = 0; i < t.count; i++) {
        const struct spf_node *n = &t.nodes[i];
        if (strcmp(n->domain, "deep.example.net") == 0) {
            assert_int_equal(n->result, SPF_RESULT_RECORD);
            assert_int_equal(n->depth, 2);
            found++;
        } else if (strcmp(n->domain, "r.example.net") == 0) {
            assert_int_equal(n->state, SPF_NODE_WAITING);
            found++;
        }
    }
    assert_int_equal(found, 2);
    spf_tree_free(&t);
    zone_free(&z);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_record),
        cmocka_unit_test(test_resolve_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
