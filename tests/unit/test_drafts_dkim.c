/* drafts: several DKIM drafts, one per selector (`--selector a
 * --selector b`): add, select, rename, undo/redo over them, the cross lint
 * seeing every key, and a save -> load round trip keeping both. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/drafts.h"
#include "test_dkim_keys.h"

#define GOOD_KEY "v=DKIM1; k=rsa; p="

static bool dkim_text_is(const struct drafts *d, size_t i, const char *want)
{
    const struct record *r = drafts_dkim_record(d, i);
    if (r && r->len == strlen(want) && memcmp(r->text, want, r->len) == 0)
        return true;
    print_message("DKIM draft %zu holds '%.*s', want '%s'\n", i, r ? (int)r->len : 0,
                  r && r->text ? r->text : "", want);
    return false;
}

static void set_dkim(struct drafts *d, const char *text)
{
    assert_true(drafts_set_text(d, DRAFT_DKIM, text, strlen(text)));
}

static void test_add_select_keeps_each_text(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    assert_int_equal(drafts_dkim_count(&d), 1);
    assert_string_equal(drafts_dkim_selector(&d, 0), "s1");
    set_dkim(&d, "v=DKIM1; p=AAAA");

    /* A new selector gets the template and becomes the edited one. */
    assert_true(drafts_dkim_add_selector(&d, "S2", NULL));
    assert_int_equal(drafts_dkim_count(&d), 2);
    assert_int_equal(drafts_dkim_current(&d), 1);
    assert_string_equal(d.selector, "s2");
    assert_string_equal(drafts_dkim_selector(&d, 1), "s2");
    assert_string_equal(drafts_dkim_selector(&d, 0), "s1");
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; k=rsa; p="));
    assert_int_equal(d.origin[DRAFT_DKIM], DRAFT_ORIGIN_TEMPLATE);
    assert_false(drafts_dkim_wanted(&d, 1)); /* an untouched template */
    assert_true(drafts_dkim_wanted(&d, 0));
    assert_true(dkim_text_is(&d, 0, "v=DKIM1; p=AAAA"));

    set_dkim(&d, "v=DKIM1; p=BBBB");
    assert_true(drafts_dkim_select(&d, 0));
    assert_string_equal(d.selector, "s1");
    assert_int_equal(d.rec[DRAFT_DKIM].len, strlen("v=DKIM1; p=AAAA"));
    assert_memory_equal(d.rec[DRAFT_DKIM].text, "v=DKIM1; p=AAAA", d.rec[DRAFT_DKIM].len);
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; p=BBBB"));
    assert_int_equal(drafts_dkim_origin(&d, 1), DRAFT_ORIGIN_COMPOSED);
    /* The slot's record is analyzed (diagnostics of its own text). */
    assert_int_equal(d.rec[DRAFT_DKIM].kind, RECORD_DKIM_KEY);

    /* Adding a selector that exists selects it; bad names and renaming
     * onto another draft's selector are refused with a reason. */
    assert_true(drafts_dkim_add_selector(&d, "s2", NULL));
    assert_int_equal(drafts_dkim_count(&d), 2);
    assert_int_equal(drafts_dkim_current(&d), 1);
    struct diag_list why;
    diag_list_init(&why);
    assert_false(drafts_dkim_add_selector(&d, "bad name", &why));
    assert_true(why.count > 0);
    diag_list_reset(&why);
    assert_false(drafts_set_selector_why(&d, "s1", &why));
    assert_true(why.count > 0);
    assert_string_equal(d.selector, "s2");
    assert_false(drafts_dkim_select(&d, 2));
    assert_int_equal(drafts_dkim_find(&d, "S1"), 0);
    assert_int_equal(drafts_dkim_find(&d, "nope"), -1);

    /* The cap: DRAFTS_DKIM_MAX drafts, then a refusal saying so. */
    char name[16];
    for (int i = 3; i <= DRAFTS_DKIM_MAX; i++) {
        snprintf(name, sizeof name, "k%d", i);
        assert_true(drafts_dkim_add_selector(&d, name, NULL));
    }
    assert_int_equal(drafts_dkim_count(&d), DRAFTS_DKIM_MAX);
    diag_list_reset(&why);
    assert_false(drafts_dkim_add_selector(&d, "one-more", &why));
    assert_true(why.count > 0);
    assert_int_equal(drafts_dkim_count(&d), DRAFTS_DKIM_MAX);
    diag_list_free(&why);
    drafts_free(&d);
}

static void test_undo_redo_over_selectors(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    set_dkim(&d, "v=DKIM1; p=AAAA");                       /* step 1 */
    assert_true(drafts_dkim_add_selector(&d, "s2", NULL)); /* step 2 */
    set_dkim(&d, "v=DKIM1; p=BBBB");                       /* step 3 */
    assert_true(drafts_dkim_select(&d, 0));                /* step 4 */
    set_dkim(&d, "v=DKIM1; p=CCCC");                       /* step 5 */
    assert_int_equal(drafts_undo_depth(&d), 5);

    struct strbuf label;
    strbuf_init(&label);
    assert_true(drafts_undo(&d, &label)); /* the edit of s1 */
    assert_true(dkim_text_is(&d, 0, "v=DKIM1; p=AAAA"));
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; p=BBBB"));
    strbuf_reset(&label);
    assert_true(drafts_undo(&d, &label)); /* the select */
    assert_string_equal(strbuf_cstr(&label), "select selector");
    assert_int_equal(drafts_dkim_current(&d), 1);
    assert_string_equal(d.selector, "s2");
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; p=BBBB"));
    assert_true(drafts_undo(&d, NULL)); /* the edit of s2 */
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; k=rsa; p="));
    strbuf_reset(&label);
    assert_true(drafts_undo(&d, &label)); /* the add */
    assert_string_equal(strbuf_cstr(&label), "add selector");
    assert_int_equal(drafts_dkim_count(&d), 1);
    assert_string_equal(d.selector, "s1");
    assert_true(dkim_text_is(&d, 0, "v=DKIM1; p=AAAA"));

    /* Redo all the way: the same state as before the undos. */
    for (int i = 0; i < 4; i++)
        assert_true(drafts_redo(&d, NULL));
    assert_false(drafts_can_redo(&d));
    assert_int_equal(drafts_dkim_count(&d), 2);
    assert_int_equal(drafts_dkim_current(&d), 0);
    assert_true(dkim_text_is(&d, 0, "v=DKIM1; p=CCCC"));
    assert_true(dkim_text_is(&d, 1, "v=DKIM1; p=BBBB"));
    assert_string_equal(drafts_dkim_selector(&d, 1), "s2");
    assert_int_equal(drafts_dkim_origin(&d, 1), DRAFT_ORIGIN_COMPOSED);
    strbuf_free(&label);
    drafts_free(&d);
}

static bool cross_has(const struct drafts *d, enum rule_id rule)
{
    return diag_list_has(&d->cross, rule);
}

static void test_cross_lint_sees_every_key(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    assert_true(drafts_set_text(&d, DRAFT_SPF, "", 0));
    const char *dmarc = "v=DMARC1; p=reject";
    assert_true(drafts_set_text(&d, DRAFT_DMARC, dmarc, strlen(dmarc)));
    set_dkim(&d, "v=DKIM1; p="); /* revoked: no usable key */
    assert_true(cross_has(&d, RULE_CROSS_DMARC_WITHOUT_AUTH));

    /* A second selector with a usable key: DKIM can pass, whichever
     * draft is being edited. */
    assert_true(drafts_dkim_add_selector(&d, "s2", NULL));
    char good[1024];
    snprintf(good, sizeof good, GOOD_KEY "%s", KEY_RSA2048);
    set_dkim(&d, good);
    assert_false(cross_has(&d, RULE_CROSS_DMARC_WITHOUT_AUTH));
    assert_true(drafts_dkim_select(&d, 0));
    assert_false(cross_has(&d, RULE_CROSS_DMARC_WITHOUT_AUTH));
    /* The stored draft's diagnostics count in the worst severity too. */
    assert_true(drafts_max_severity(&d) >= 0);
    /* Undo the key: the rule comes back. */
    assert_true(drafts_undo(&d, NULL)); /* select */
    assert_true(drafts_undo(&d, NULL)); /* the key */
    assert_true(cross_has(&d, RULE_CROSS_DMARC_WITHOUT_AUTH));
    drafts_free(&d);
}

static void test_save_load_two_selectors(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    assert_true(drafts_set_domain(&d, "example.org"));
    char k1[1024], k2[1024];
    snprintf(k1, sizeof k1, GOOD_KEY "%s", KEY_RSA2048);
    snprintf(k2, sizeof k2, "v=DKIM1; k=ed25519; p=%s", KEY_ED25519_RFC8463);
    set_dkim(&d, k1);
    assert_true(drafts_dkim_add_selector(&d, "s2", NULL));
    set_dkim(&d, k2);
    assert_true(drafts_dkim_add_selector(&d, "s3", NULL)); /* template: not saved */

    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    const char *z = strbuf_cstr(&zone);
    assert_non_null(strstr(z, "s1._domainkey.example.org."));
    assert_non_null(strstr(z, "s2._domainkey.example.org."));
    assert_null(strstr(z, "s3._domainkey"));
    assert_true(drafts_check_sizes(&d, NULL));

    struct drafts back;
    drafts_init(&back);
    struct diag_list diags;
    diag_list_init(&diags);
    assert_true(drafts_from_zone(&back, z, zone.len, &diags));
    assert_int_equal(drafts_dkim_count(&back), 2);
    assert_int_equal(drafts_dkim_current(&back), 0);
    assert_string_equal(back.selector, "s1");
    assert_string_equal(drafts_dkim_selector(&back, 1), "s2");
    assert_true(dkim_text_is(&back, 0, k1));
    assert_true(dkim_text_is(&back, 1, k2));
    assert_int_equal(drafts_dkim_origin(&back, 1), DRAFT_ORIGIN_LOADED);
    assert_false(drafts_can_undo(&back));

    /* Saved again, the loaded drafts give the same file. */
    struct strbuf again;
    strbuf_init(&again);
    drafts_to_zone(&back, &again);
    assert_string_equal(strbuf_cstr(&again), z);

    /* Loading another file forgets the second selector. */
    const char *one = "example.net. 300 IN TXT \"v=spf1 -all\"\n";
    assert_true(drafts_from_zone(&back, one, strlen(one), &diags));
    assert_int_equal(drafts_dkim_count(&back), 1);

    strbuf_free(&again);
    strbuf_free(&zone);
    diag_list_free(&diags);
    drafts_free(&back);
    drafts_free(&d);
}

static void test_load_caps_selectors(void **state)
{
    (void)state;
    struct strbuf zone;
    strbuf_init(&zone);
    for (int i = 0; i < DRAFTS_DKIM_MAX + 2; i++)
        strbuf_printf(&zone, "k%d._domainkey.example.com. 300 IN TXT \"v=DKIM1; p=%s\"\n", i,
                      KEY_ED25519_RFC8463);
    /* A repeated selector is one draft. */
    strbuf_printf(&zone, "k0._domainkey.example.com. 300 IN TXT \"v=DKIM1; p=\"\n");
    struct drafts d;
    drafts_init(&d);
    struct diag_list diags;
    diag_list_init(&diags);
    assert_true(drafts_from_zone(&d, strbuf_cstr(&zone), zone.len, &diags));
    assert_int_equal(drafts_dkim_count(&d), DRAFTS_DKIM_MAX);
    assert_string_equal(d.selector, "k0");
    assert_true(diags.count > 0); /* says which were not opened */
    bool said = false;
    for (size_t i = 0; i < diags.count; i++)
        said = said || strstr(diags.items[i].message, "not opened") != NULL;
    assert_true(said);
    diag_list_free(&diags);
    strbuf_free(&zone);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_select_keeps_each_text),
        cmocka_unit_test(test_undo_redo_over_selectors),
        cmocka_unit_test(test_cross_lint_sees_every_key),
        cmocka_unit_test(test_save_load_two_selectors),
        cmocka_unit_test(test_load_caps_selectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
