/* Every help id a parser can report has an explanation, and so has every
 * lint rule: the TUI, `explain` and the help browser never come up empty. */
#include <stdio.h>

#include "unit.h"

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/help.h"
#include "authtxt/spf.h"

typedef const char *const *(*ids_fn)(size_t *count);

static void check_ids(const char *module, ids_fn fn)
{
    size_t n = 0;
    const char *const *ids = fn(&n);
    assert_true(n > 0);
    size_t missing = 0;
    for (size_t i = 0; i < n; i++)
        if (!help_find(ids[i])) {
            print_message("%s: no help entry for '%s'\n", module, ids[i]);
            missing++;
        }
    assert_int_equal(missing, 0);
}

static void test_spf_ids_have_entries(void **state)
{
    (void)state;
    check_ids("spf", spf_help_ids);
}

static void test_dmarc_ids_have_entries(void **state)
{
    (void)state;
    check_ids("dmarc", dmarc_help_ids);
}

static void test_dkim_ids_have_entries(void **state)
{
    (void)state;
    check_ids("dkim key", dkim_key_help_ids);
    check_ids("dkim signature", dkim_sig_help_ids);
}

static void test_every_rule_has_an_entry(void **state)
{
    (void)state;
    size_t missing = 0;
    char id[96];
    for (int i = 0; i < RULE_COUNT; i++) {
        snprintf(id, sizeof id, "lint.%s", rule_get((enum rule_id)i)->code);
        if (!help_find(id)) {
            print_message("no help entry for '%s'\n", id);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_entries_are_complete_and_sorted(void **state)
{
    (void)state;
    assert_true(help_count() > 100);
    for (size_t i = 0; i < help_count(); i++) {
        const struct help_entry *e = help_at(i);
        assert_true(e->title[0] && e->summary[0] && e->rfc[0]);
        if (i > 0)
            assert_true(strcmp(help_at(i - 1)->id, e->id) < 0);
        assert_ptr_equal(help_find(e->id), e);
    }
    assert_null(help_find("no.such.id"));
    assert_null(help_at(help_count()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spf_ids_have_entries),
        cmocka_unit_test(test_dmarc_ids_have_entries),
        cmocka_unit_test(test_dkim_ids_have_entries),
        cmocka_unit_test(test_every_rule_has_an_entry),
        cmocka_unit_test(test_entries_are_complete_and_sorted),
    };
    return cmocka_run_group_tests_name("help", tests, NULL, NULL);
}
