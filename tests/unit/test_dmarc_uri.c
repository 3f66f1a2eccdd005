/* rua= and ruf= entries: RFC 3986 URIs with ',' and '!' encoded, the
 * obsolete !size suffix (RFC 9989 §4.8), mailto: addr-specs (RFC 6068),
 * the destination host kept for the report authorization check. */
#include "test_dmarc.h"

/* Lint a record whose rua= is `uri`, keeping the text alive for spans. */
static char buf[1024];
static void lint_rua(const char *uri)
{
    snprintf(buf, sizeof buf, "v=DMARC1; p=reject; rua=%s", uri);
    lint(buf);
}

static void test_valid_uris(void **state)
{
    (void)state;
    static const char *const good[] = {
        "mailto:dmarc@example.com",
        "MAILTO:Dmarc@Example.COM",
        "mailto:d+tag@sub.example.co.uk",
        "mailto:first.last@example.com",
        "mailto:o'neil@example.com",
        "mailto:a@example.com%2Cb@example.org",
        "mailto:d@example.com?subject=dmarc%20report",
        "mailto:d@[192.0.2.1]",
        "mailto:d@xn--bcher-kva.example",
        "mailto:%22odd%20name%22@example.com",
        "https://reports.example.net/dmarc?id=1",
        "https://192.0.2.7:8443/r",
        "https://user@reports.example.net/",
        "urn:example:dmarc",
        "mailto:d@example.com!10m",
        "mailto:d@example.com,mailto:e@example.net",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        lint_rua(good[i]);
        assert_no_rule(&diags, RULE_DMARC_BAD_URI);
        assert_true(dmarc_has_rua(&rec));
    }
}

static void test_invalid_uris(void **state)
{
    (void)state;
    static const struct {
        const char *uri, *message;
    } bad[] = {
        {"dmarc@example.com", "write it as mailto:dmarc@example.com"},
        {"example.com", "no scheme"},
        {"mailto:dmarc", "no '@'"},
        {"mailto:@example.com", "nothing before '@'"},
        {"mailto:d@", "no domain"},
        {"mailto:a@b@example.com", "more than one '@'"},
        {"mailto:d@localhost", "single label"},
        {"mailto://d@example.com", "no '//'"},
        {"mailto:", "names no address"},
        {"mailto:d@exa mple.com", "a space at byte"},
        {"mailto:a@example.com mailto:b@example.com", "separate the entries"},
        {"mailto:d@ex!ample.com", "%21"},
        {"mailto:%zz@example.com", "%XX"},
        {"mailto:d@ex\xc3\xa4mple.com", "A-label"},
        {"<mailto:d@example.com>", "angle brackets"},
        {"\"mailto:d@example.com\"", "quotes"},
        {"mailto:a..b@example.com", "'..'"},
        {"mailto:.a@example.com", "'.'"},
        {"mailto:d@-example.com", "'-'"},
        {"mailto:d@example.123", "all digits"},
        {"mailto:d@example..com", "empty label"},
        {"mailto:d@example.com.", "ends with '.'"},
        {"mailto:a(b)@example.com", "local part"},
        {"https:reports.example.net", "//host"},
        {"https://", "no host"},
        {"https://:80/x", "no host"},
        {"https://host:8x/", "port"},
        {"https://[::1/x", "']'"},
        {"mailto:d@exa\x01mple.com", "control character 0x01"},
        {"mailto:d@example.com\\x", "%5C"},
        {"!10m", "only a size suffix"},
        {"mailto:d@example.com!99999999999999999999", "64 bits"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        lint_rua(bad[i].uri);
        assert_rule_span(RULE_DMARC_BAD_URI, bad[i].uri);
        assert_message_has(RULE_DMARC_BAD_URI, bad[i].message);
        assert_message_has(RULE_DMARC_BAD_URI, "rua: ");
        assert_false(dmarc_has_rua(&rec));
    }
}

static void test_list_shape(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:a@example.com,,mailto:b@example.com");
    assert_rule_at(RULE_DMARC_BAD_URI, 45, 46); /* the second ',' */
    assert_message_has(RULE_DMARC_BAD_URI, "empty entry");
    assert_true(dmarc_has_rua(&rec)); /* the good entries still count */

    lint("v=DMARC1; p=reject; rua=mailto:a@example.com,");
    assert_rule_at(RULE_DMARC_BAD_URI, 44, 45);

    lint("v=DMARC1; p=reject; rua=");
    assert_rule_span(RULE_DMARC_BAD_URI, "rua=");
    assert_message_has(RULE_DMARC_BAD_URI, "empty");

    lint("v=DMARC1; p=reject; ruf=mailto:a@example.com, mailto:b@exa mple.com");
    assert_rule_span(RULE_DMARC_BAD_URI, "mailto:b@exa mple.com");
    assert_message_has(RULE_DMARC_BAD_URI, "ruf: ");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_BAD_URI), 1);
}

static void test_entries_and_hosts(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:A@Reports.Example.NET!2G, "
         "https://Collect.Example.org:8443/x; "
         "ruf=mailto:f@example.com!1k,mailto:g@example.com!512");
    assert_int_equal(rec.nuris, 4);
    const struct dmarc_uri *u = rec.uris;
    assert_string_equal(u[0].text, "mailto:A@Reports.Example.NET!2G");
    assert_true(u[0].mailto);
    assert_string_equal(u[0].host, "reports.example.net");
    assert_true(u[0].has_size);
    assert_true(u[0].size_bytes == 2ULL << 30);
    assert_int_equal(u[0].tag, 2);
    assert_false(u[1].mailto);
    assert_string_equal(u[1].host, "collect.example.org");
    assert_false(u[1].has_size);
    assert_true(u[2].size_bytes == 1024);
    assert_true(u[3].size_bytes == 512);
    assert_int_equal(u[3].tag, 3);
    assert_int_equal(rec.tags[2].uri_first, 0);
    assert_int_equal(rec.tags[2].uri_count, 2);
    assert_int_equal(rec.tags[3].uri_first, 2);
    assert_int_equal(rec.tags[3].uri_count, 2);
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_SIZE_SUFFIX), 3);
    /* The span of an entry and of its suffix are in the record text. */
    assert_memory_equal(text + u[0].whole.start, "mailto:A@Reports.Example.NET!2G", 31);
    assert_memory_equal(text + u[0].size.start, "!2G", 3);
}

/* The seed record from a web page: the message is specific. */
static void test_email_protection_variants(void **state)
{
    (void)state;
    lint_rua("mailto:[email\xc2\xa0protected]");
    assert_message_has(RULE_DMARC_BAD_URI, "e-mail protection");
    lint_rua("mailto:dmarc@example\xc2\xa0.com");
    assert_message_has(RULE_DMARC_BAD_URI, "no-break space (U+00A0)");
    assert_message_has(RULE_DMARC_BAD_URI, "A-label");
    lint_rua("mailto:dmarc@example.com\xe2\x80\x8b");
    assert_message_has(RULE_DMARC_BAD_URI, "zero-width space (U+200B)");
}

/* check_value sees the same URI rules, with spans in the value. */
static void test_check_value_uris(void **state)
{
    (void)state;
    struct diag_list d;
    diag_list_init(&d);
    assert_true(dmarc_check_value("rua", "mailto:d@example.com", 20, &d));
    assert_int_equal(d.count, 0);
    assert_true(dmarc_check_value("rua", "mailto:d@example.com!10m", 24, &d));
    assert_true(diag_list_has(&d, RULE_DMARC_SIZE_SUFFIX));
    assert_int_equal(d.items[0].start, 20);
    diag_list_reset(&d);
    assert_false(dmarc_check_value("ruf", "  d@example.com", 15, &d));
    assert_true(diag_list_has(&d, RULE_DMARC_BAD_URI));
    assert_int_equal(d.items[0].start, 2);
    assert_int_equal(d.items[0].end, 15);
    diag_list_free(&d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dmarc_setup, dmarc_teardown)
    const struct CMUnitTest tests[] = {
        T(test_valid_uris),
        T(test_invalid_uris),
        T(test_list_shape),
        T(test_entries_and_hosts),
        T(test_email_protection_variants),
        T(test_check_value_uris),
    };
#undef T
    return cmocka_run_group_tests_name("dmarc_uri", tests, NULL, NULL);
}
