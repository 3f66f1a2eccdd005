/* Untrusted text made safe for a terminal (safetext.c). */
#include "unit.h"

#include "authtxt/safetext.h"

static void escape_is(const char *in, size_t len, const char *want, size_t want_escaped)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = safetext_escape(in, len, &sb, NULL);
    assert_string_equal(strbuf_cstr(&sb), want);
    assert_int_equal(n, want_escaped);
    assert_int_equal(safetext_needs_escape(in, len), want_escaped > 0);
    strbuf_free(&sb);
}

/* For literals, which may hold NUL bytes: the length is the literal's. */
#define ESCAPE_IS(lit, want, n) escape_is((lit), sizeof(lit) - 1, (want), (n))

static void test_plain_text_passes(void **state)
{
    (void)state;
    ESCAPE_IS("v=spf1 -all", "v=spf1 -all", 0);
    ESCAPE_IS("exämple 日本", "exämple 日本", 0);
}

static void test_escape_sequences_are_shown(void **state)
{
    (void)state;
    ESCAPE_IS("v=spf1 \x1b[31mred", "v=spf1 \\x1b[31mred", 1);
    ESCAPE_IS("a\tb\r\nc", "a\\tb\\r\\nc", 3);
    ESCAPE_IS("x\x7f", "x\\x7f", 1);
    ESCAPE_IS("nul\0byte", "nul\\x00byte", 1);
    ESCAPE_IS("\xc2\x9b" "2J", "\\x9b2J", 1); /* C1 CSI */
}

static void test_bidi_overrides_are_shown(void **state)
{
    (void)state;
    ESCAPE_IS("abc\xe2\x80\xae" "fed", "abc\\u{202e}fed", 1);
    ESCAPE_IS("\xe2\x81\xa6x", "\\u{2066}x", 1);
}

static void test_invalid_utf8_is_shown_bytewise(void **state)
{
    (void)state;
    ESCAPE_IS("a\xff" "b", "a\\xffb", 1);
    ESCAPE_IS("\xc0\xaf", "\\xc0\\xaf", 2);            /* overlong '/' */
    ESCAPE_IS("\xed\xa0\x80", "\\xed\\xa0\\x80", 3);   /* surrogate */
    ESCAPE_IS("\xe6\x97", "\\xe6\\x97", 2);            /* truncated */
}

static void test_columns_follow_escapes(void **state)
{
    (void)state;
    const char *in = "a\x1b" "b日c";
    size_t len = strlen(in), cols[16];
    struct strbuf sb = STRBUF_INIT;
    safetext_escape(in, len, &sb, cols);
    assert_int_equal(cols[0], 0); /* a */
    assert_int_equal(cols[1], 1); /* \x1b: 4 columns */
    assert_int_equal(cols[2], 5); /* b */
    assert_int_equal(cols[3], 6); /* 日: 3 bytes, 2 columns */
    assert_int_equal(cols[5], 6);
    assert_int_equal(cols[6], 8); /* c */
    assert_int_equal(cols[len], 9);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_passes),
        cmocka_unit_test(test_escape_sequences_are_shown),
        cmocka_unit_test(test_bidi_overrides_are_shown),
        cmocka_unit_test(test_invalid_utf8_is_shown_bytewise),
        cmocka_unit_test(test_columns_follow_escapes),
    };
    return cmocka_run_group_tests_name("safetext", tests, NULL, NULL);
}
