/* drafts_term_remove: a term taken out by its place (unknown, repeated and
 * nameless tags), one undoable step; a refused removal changes nothing. */
#include "unit.h"

#include <string.h>

#include "authtxt/drafts.h"

static void set(struct drafts *d, enum draft_slot slot, const char *text)
{
    assert_true(drafts_set_text(d, slot, text, strlen(text)));
}

static void assert_text(const struct drafts *d, enum draft_slot slot, const char *want)
{
    const struct record *r = &d->rec[slot];
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->text, want, r->len);
}

static void test_repeated_copy_goes_first_stays(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    set(&d, DRAFT_DMARC, "v=DMARC1; p=reject; foo=bar; p=none; =");
    /* terms: v, p, foo, p, (nameless) */
    assert_int_equal(d.rec[DRAFT_DMARC].terms.count, 5);
    assert_true(drafts_term_remove(&d, DRAFT_DMARC, 3, NULL));
    assert_text(&d, DRAFT_DMARC, "v=DMARC1; p=reject; foo=bar; =");
    /* the last one: the separator before it goes too */
    assert_true(drafts_term_remove(&d, DRAFT_DMARC, 3, NULL));
    assert_text(&d, DRAFT_DMARC, "v=DMARC1; p=reject; foo=bar");
    assert_true(drafts_term_remove(&d, DRAFT_DMARC, 2, NULL));
    assert_text(&d, DRAFT_DMARC, "v=DMARC1; p=reject");
    /* one undo step each */
    struct strbuf label = STRBUF_INIT;
    assert_true(drafts_undo(&d, &label));
    assert_string_equal(strbuf_cstr(&label), "remove term 2");
    assert_text(&d, DRAFT_DMARC, "v=DMARC1; p=reject; foo=bar");
    strbuf_free(&label);
    drafts_free(&d);
}

static void test_refused_changes_nothing(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    set(&d, DRAFT_DKIM, "v=DKIM1; x=1; p=");
    size_t depth = drafts_undo_depth(&d);
    struct diag_list why;
    diag_list_init(&why);
    assert_false(drafts_term_remove(&d, DRAFT_DKIM, 9, &why));
    assert_true(why.count > 0);
    assert_false(drafts_term_remove(&d, DRAFT_DKIM, 9, NULL));
    assert_text(&d, DRAFT_DKIM, "v=DKIM1; x=1; p=");
    assert_int_equal(drafts_undo_depth(&d), depth);
    /* the middle one, DKIM */
    assert_true(drafts_term_remove(&d, DRAFT_DKIM, 1, &why));
    assert_text(&d, DRAFT_DKIM, "v=DKIM1; p=");
    diag_list_free(&why);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeated_copy_goes_first_stays),
        cmocka_unit_test(test_refused_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
