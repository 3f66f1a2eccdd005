/* The shared tag=value tokenizer (RFC 6376 §3.2). */
#include "unit.h"

#include "authtxt/taglist.h"

static struct taglist tl;

static int setup(void **state)
{
    (void)state;
    taglist_init(&tl);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    taglist_free(&tl);
    return 0;
}

static void tok(const char *s, unsigned flags) { assert_true(taglist_tokenize(&tl, s, strlen(s), flags)); }

static void span_is(const char *text, struct span sp, const char *want)
{
    assert_int_equal(sp.end - sp.start, strlen(want));
    assert_memory_equal(text + sp.start, want, strlen(want));
}

static void test_simple_list(void **state)
{
    (void)state;
    const char *s = "v=DMARC1; p=reject;rua=mailto:a@example.com ;";
    tok(s, 0);
    assert_int_equal(tl.count, 3);
    assert_int_equal(tl.nproblems, 0);
    span_is(s, tl.tags[0].name, "v");
    span_is(s, tl.tags[0].value, "DMARC1");
    span_is(s, tl.tags[1].whole, "p=reject");
    span_is(s, tl.tags[2].value, "mailto:a@example.com");
    assert_int_equal(taglist_find(&tl, s, "rua"), 2);
    assert_int_equal(taglist_find(&tl, s, "ruf"), (size_t)-1);
}

static void test_whitespace_around_equals(void **state)
{
    (void)state;
    const char *s = "  k = rsa ;\tp =  AB CD\t";
    tok(s, 0);
    assert_int_equal(tl.count, 2);
    assert_int_equal(tl.nproblems, 0);
    span_is(s, tl.tags[0].name, "k");
    span_is(s, tl.tags[0].value, "rsa");
    span_is(s, tl.tags[1].value, "AB CD");
}

static void test_missing_equals_and_empty_name(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; oops; =x";
    tok(s, 0);
    assert_int_equal(tl.count, 3);
    assert_int_equal(tl.nproblems, 2);
    assert_int_equal(tl.problems[0].kind, TAGLIST_MISSING_EQUALS);
    span_is(s, tl.problems[0].span, "oops");
    assert_int_equal(tl.problems[1].kind, TAGLIST_EMPTY_NAME);
}

static void test_bad_name(void **state)
{
    (void)state;
    tok("1a=b; a-b=c; a_b9=d", 0);
    assert_int_equal(tl.nproblems, 2);
    assert_int_equal(tl.problems[0].kind, TAGLIST_BAD_NAME);
    assert_int_equal(tl.problems[1].kind, TAGLIST_BAD_NAME);
    assert_int_equal(tl.problems[1].tag_index, 1);
}

/* A no-break space copied from a web page is one bad character, spanning
 * both bytes of its UTF-8 encoding. */
static void test_nbsp_is_one_bad_char(void **state)
{
    (void)state;
    const char *s = "rua=mailto:email\xc2\xa0protected";
    tok(s, 0);
    assert_int_equal(tl.nproblems, 1);
    assert_int_equal(tl.problems[0].kind, TAGLIST_BAD_VALUE_CHAR);
    assert_int_equal(tl.problems[0].span.start, 16);
    assert_int_equal(tl.problems[0].span.end, 18);
}

static void test_empty_specs(void **state)
{
    (void)state;
    tok("a=b;;c=d;", 0);
    assert_int_equal(tl.count, 2);
    assert_int_equal(tl.nproblems, 1);
    assert_int_equal(tl.problems[0].kind, TAGLIST_EMPTY_SPEC);
    /* RFC 6376 §3.2: at most one trailing ';' */
    tok("a=b; ", 0);
    assert_int_equal(tl.nproblems, 0);
    tok("a=b;", 0);
    assert_int_equal(tl.nproblems, 0);
    tok("a=b; ; ", 0);
    assert_int_equal(tl.nproblems, 1);
    assert_int_equal(tl.problems[0].kind, TAGLIST_EMPTY_SPEC);
    assert_int_equal(tl.problems[0].span.start, 5);
    tok("a=b;;", 0);
    assert_int_equal(tl.nproblems, 1);
    assert_int_equal(tl.problems[0].span.start, 4);
    tok(";a=b", 0); /* a leading ';' */
    assert_int_equal(tl.nproblems, 1);
    tok("", 0);
    assert_int_equal(tl.count, 0);
}

static void test_folding(void **state)
{
    (void)state;
    const char *s = "v=1; b=abc\r\n\tdef;\n h=from";
    tok(s, TAGLIST_ALLOW_FOLDING);
    assert_int_equal(tl.nproblems, 0);
    assert_int_equal(tl.count, 3);
    span_is(s, tl.tags[1].value, "abc\r\n\tdef");
    tok(s, 0);
    assert_true(tl.nproblems > 0);
}

static void test_too_many_tags_is_bounded(void **state)
{
    (void)state;
    size_t n = (TAGLIST_MAX_TAGS + 100) * 4;
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i += 4)
        memcpy(s + i, "a=b;", 4);
    s[n] = '\0';
    tok(s, 0);
    assert_int_equal(tl.count, TAGLIST_MAX_TAGS);
    assert_int_equal(tl.nproblems, 1);
    assert_int_equal(tl.problems[0].kind, TAGLIST_TOO_MANY_TAGS);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_simple_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whitespace_around_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_equals_and_empty_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nbsp_is_one_bad_char, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_tags_is_bounded, setup, teardown),
    };
    return cmocka_run_group_tests_name("taglist", tests, NULL, NULL);
}
