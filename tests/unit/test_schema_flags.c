/* schema_flags: a FLAGS tag's value as a set of schema choices, and the
 * value with one member ticked or cleared (the editor's check boxes). */
#include "unit.h"

#include <string.h>

#include "authtxt/schema_flags.h"

static const struct schema_tag *tag(enum record_kind kind, const char *name)
{
    const struct schema_tag *t = schema_find(kind, name, strlen(name));
    assert_non_null(t);
    assert_int_equal(t->value, SCHEMA_VALUE_FLAGS);
    return t;
}

static int index_of(const struct schema_tag *t, const char *value)
{
    const struct schema_choice *c = schema_find_choice(t, value, strlen(value));
    assert_non_null(c);
    return (int)(c - t->choices);
}

static void test_mask(void **state)
{
    (void)state;
    const struct schema_tag *fo = tag(RECORD_DMARC, "fo");
    bool other = true;
    unsigned m = schema_flags_mask(fo, "1:d", 3, &other);
    assert_int_equal(m, (1u << index_of(fo, "1")) | (1u << index_of(fo, "d")));
    assert_false(other);
    /* blanks around members, DMARC keywords in any case, unknown members */
    m = schema_flags_mask(fo, " 0 : S :x", 9, &other);
    assert_int_equal(m, (1u << index_of(fo, "0")) | (1u << index_of(fo, "s")));
    assert_true(other);
    assert_int_equal(schema_flags_mask(fo, "", 0, &other), 0);
    assert_false(other);
    assert_int_equal(schema_flags_mask(fo, "::", 2, NULL), 0);
    /* only len bytes are read */
    assert_int_equal(schema_flags_mask(fo, "1:d", 1, NULL), 1u << index_of(fo, "1"));
    const struct schema_tag *h = tag(RECORD_DKIM_KEY, "h");
    assert_int_equal(schema_flags_mask(h, "sha256", 6, NULL), 1u << index_of(h, "sha256"));
}

static void test_with(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    const struct schema_tag *fo = tag(RECORD_DMARC, "fo");
    schema_flags_with(fo, "1", 1, (size_t)index_of(fo, "d"), true, &out);
    assert_string_equal(strbuf_cstr(&out), "1:d");
    schema_flags_with(fo, "1:d", 3, (size_t)index_of(fo, "1"), false, &out);
    assert_string_equal(strbuf_cstr(&out), "d");
    schema_flags_with(fo, "d", 1, (size_t)index_of(fo, "d"), false, &out);
    assert_int_equal(out.len, 0);
    /* already set: not written twice; a repeat in the value is dropped */
    schema_flags_with(fo, "d:d", 3, (size_t)index_of(fo, "d"), true, &out);
    assert_string_equal(strbuf_cstr(&out), "d");
    /* members the schema does not know stay as written */
    const struct schema_tag *h = tag(RECORD_DKIM_KEY, "h");
    schema_flags_with(h, "sha512 : sha256", 15, (size_t)index_of(h, "sha1"), true, &out);
    assert_string_equal(strbuf_cstr(&out), "sha512:sha256:sha1");
    schema_flags_with(h, "sha512:sha256", 13, (size_t)index_of(h, "sha256"), false, &out);
    assert_string_equal(strbuf_cstr(&out), "sha512");
    /* out of range: nothing */
    schema_flags_with(h, "sha256", 6, 99, true, &out);
    assert_int_equal(out.len, 0);
    strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_with),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
