/* schema: the tag tables every tag=value kind is built from.  Each row must
 * agree with the help (its ids exist), with the parser (its name parses to
 * its id, its choices and default pass the kind's own value check) and
 * hold what the editor's forms need. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/help.h"
#include "authtxt/schema.h"

static const enum record_kind kinds[] = {RECORD_DMARC, RECORD_DKIM_KEY, RECORD_DKIM_SIG};

static void test_help_ids_exist(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n;
        const struct schema_tag *rows = schema_tags(kinds[k], &n);
        assert_non_null(rows);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            if (!help_find(rows[i].help_id))
                fail_msg("%s: no help entry %s", rows[i].name, rows[i].help_id);
            for (size_t c = 0; c < rows[i].nchoices; c++)
                if (!help_find(rows[i].choices[c].help_id))
                    fail_msg("%s=%s: no help entry %s", rows[i].name, rows[i].choices[c].value,
                             rows[i].choices[c].help_id);
        }
    }
}

/* What a form needs: a label, a group, a section; choices for the kinds
 * of value that have them; a range for numbers; rows of one group next
 * to each other. */
static void test_rows_are_complete(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n;
        const struct schema_tag *rows = schema_tags(kinds[k], &n);
        for (size_t i = 0; i < n; i++) {
            const struct schema_tag *t = &rows[i];
            assert_int_equal(t->id, i); /* rows[id] is tag id */
            assert_true(t->label[0] && t->group[0] && t->section[0] && t->default_text[0]);
            if (t->value == SCHEMA_VALUE_CHOICE || t->value == SCHEMA_VALUE_FLAGS ||
                t->value == SCHEMA_VALUE_VERSION)
                assert_true(t->nchoices > 0);
            if (t->value == SCHEMA_VALUE_NUMBER)
                assert_true(t->max > t->min);
            for (size_t j = i + 1; j < n; j++)
                if (strcmp(rows[j].group, t->group) == 0 &&
                    strcmp(rows[j - 1].group, t->group) != 0)
                    fail_msg("group %s is split (rows %zu and %zu)", t->group, i, j);
        }
    }
    assert_null(schema_tags(RECORD_SPF, &(size_t){0}));
}

/* Every choice, every default and both ends of every range pass the
 * kind's own check; one past the range does not. */
static void test_values_pass_the_parsers_check(void **state)
{
    (void)state;
    char num[32];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n;
        const struct schema_tag *rows = schema_tags(kinds[k], &n);
        for (size_t i = 0; i < n; i++) {
            const struct schema_tag *t = &rows[i];
            struct diag_list why;
            diag_list_init(&why);
            for (size_t c = 0; c < t->nchoices; c++) {
                const char *v = t->choices[c].value;
                if (!schema_check_value(kinds[k], t->name, v, strlen(v), &why)) {
                    unit_print_diags(&why);
                    fail_msg("%s=%s refused", t->name, v);
                }
                assert_ptr_equal(schema_find_choice(t, v, strlen(v)), &t->choices[c]);
            }
            if (t->default_value && !schema_check_value(kinds[k], t->name, t->default_value,
                                                        strlen(t->default_value), &why))
                fail_msg("%s: default %s refused", t->name, t->default_value);
            if (t->value == SCHEMA_VALUE_NUMBER) {
                snprintf(num, sizeof num, "%llu", t->min);
                assert_true(schema_check_value(kinds[k], t->name, num, strlen(num), NULL));
                snprintf(num, sizeof num, "%llu", t->max);
                if (!schema_check_value(kinds[k], t->name, num, strlen(num), &why)) {
                    unit_print_diags(&why);
                    fail_msg("%s=%s refused", t->name, num);
                }
            }
            diag_list_free(&why);
        }
    }
    struct diag_list why;
    diag_list_init(&why);
    assert_false(schema_check_value(RECORD_DMARC, "pct", "101", 3, &why));
    assert_rule(&why, RULE_DMARC_BAD_VALUE);
    assert_false(schema_check_value(RECORD_DMARC, "p", "maybe", 5, NULL));
    assert_false(schema_check_value(RECORD_DKIM_KEY, "p", "!!!", 3, NULL));
    assert_false(schema_check_value(RECORD_DKIM_SIG, "t", "12x", 3, NULL));
    assert_false(schema_check_value(RECORD_SPF, "all", "", 0, NULL));
    diag_list_free(&why);
}

/* Every row's name parses to its id, and every id the parsers have is a
 * row: the parser and the schema know the same tags. */
static void test_parsers_know_the_same_tags(void **state)
{
    (void)state;
    char text[64];
    size_t n;
    const struct schema_tag *rows = schema_tags(RECORD_DMARC, &n);
    assert_int_equal(n, DMARC_TAG_UNKNOWN);
    struct dmarc_record m;
    dmarc_record_init(&m);
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "v=DMARC1; %s=x", rows[i].name);
        assert_true(dmarc_parse(&m, text, strlen(text), NULL));
        if (rows[i].id == DMARC_TAG_V)
            continue;
        assert_int_equal(m.tags[1].id, rows[i].id);
        assert_ptr_equal(schema_by_id(RECORD_DMARC, m.tags[1].id), &rows[i]);
    }
    dmarc_record_free(&m);

    rows = schema_tags(RECORD_DKIM_KEY, &n);
    assert_int_equal(n, DKIM_KEY_TAG_UNKNOWN);
    struct dkim_key_record k;
    dkim_key_record_init(&k);
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s=x", rows[i].name);
        assert_true(dkim_key_parse(&k, text, strlen(text), NULL));
        assert_int_equal(k.tags[0].id, rows[i].id);
    }
    dkim_key_record_free(&k);

    rows = schema_tags(RECORD_DKIM_SIG, &n);
    assert_int_equal(n, DKIM_SIG_TAG_UNKNOWN);
    struct dkim_sig_record g;
    dkim_sig_record_init(&g);
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s=x", rows[i].name);
        assert_true(dkim_sig_parse(&g, text, strlen(text), NULL));
        assert_int_equal(g.tags[0].id, rows[i].id);
    }
    dkim_sig_record_free(&g);
}

static void test_lookups(void **state)
{
    (void)state;
    const struct schema_tag *p = schema_find(RECORD_DMARC, "P", 1);
    assert_non_null(p);
    assert_string_equal(p->name, "p");
    assert_string_equal(p->help_id, "dmarc.tag.p");
    assert_int_equal(p->value, SCHEMA_VALUE_CHOICE);
    assert_string_equal(p->choices[0].value, "none");
    assert_non_null(schema_find_choice(p, "REJECT", 6)); /* DMARC keywords: any case */
    assert_null(schema_find(RECORD_DKIM_KEY, "P", 1));   /* DKIM names: case-sensitive */
    assert_non_null(schema_find(RECORD_DKIM_KEY, "p", 1));
    assert_null(schema_find(RECORD_DMARC, "pctx", 4));
    assert_null(schema_find(RECORD_SPF, "v", 1));
    assert_null(schema_by_id(RECORD_DMARC, DMARC_TAG_UNKNOWN));
    /* RFC 9989 removed pct, rf and ri: the form groups them. */
    const char *removed[] = {"pct", "rf", "ri"};
    for (size_t i = 0; i < 3; i++) {
        const struct schema_tag *t = schema_find(RECORD_DMARC, removed[i], strlen(removed[i]));
        assert_int_equal(t->status, SCHEMA_STATUS_REMOVED);
        assert_string_equal(t->group, "Removed in RFC 9989");
    }
    assert_int_equal(schema_find(RECORD_DMARC, "np", 2)->status, SCHEMA_STATUS_NEW);
    assert_int_equal(schema_find(RECORD_DKIM_KEY, "g", 1)->status, SCHEMA_STATUS_OBSOLETE);
    assert_true(schema_find(RECORD_DMARC, "v", 1)->required);
    assert_string_equal(schema_status_name(SCHEMA_STATUS_REMOVED),
                        "removed by RFC 9989 (RFC 7489 only)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_ids_exist),
        cmocka_unit_test(test_rows_are_complete),
        cmocka_unit_test(test_values_pass_the_parsers_check),
        cmocka_unit_test(test_parsers_know_the_same_tags),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
