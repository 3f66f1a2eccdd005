/* The openspf RFC 7208 test suite (tests/data/openspf/rfc7208-tests.yml),
 * read at run time: every TXT/SPF record of its zone data must survive
 * parse(format(m)) == m; the records whose RFC 7208 result is a syntax
 * permerror (or that are not SPF at all) must get the code listed below;
 * every other v=spf1 record must get no grammar error. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/spf.h"
#include "spf_yaml.h"

#ifndef OPENSPF_SUITE
#define OPENSPF_SUITE "tests/data/openspf/rfc7208-tests.yml"
#endif

struct record_text {
    char *text;
    size_t len;
    int line;
};

static struct record_text *records;
static size_t nrecords;

/* What the suite's tests and comments say about a record, and the code
 * this parser gives it.  Found by reading each scenario's tests: the
 * record at the mail-from domain of a test whose result is permerror for
 * syntax (or none because no record qualifies as SPF). */
static const struct {
    const char *text;
    enum rule_id rule;
    const char *test; /* the suite's test name, for the failure message */
} expected[] = {
    /* Initial processing */
    {"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", RULE_SPF_NON_ASCII, "non-ascii-policy"},
    {"v=spf1 \x80" "a:example.net -all", RULE_SPF_NON_ASCII, "non-ascii-mech"},
    {"v=spf1 a:example.net \x96" "all", RULE_SPF_NON_ASCII, "non-ascii-result"},
    {"v=spf1 a:ctrl.example.com\x0dptr -all", RULE_SPF_SYNTAX, "control-char-policy"},
    {"v=spf1 ip4:192.0.2.5\x0a include:spf.protection.outlook.com ~all", RULE_SPF_SYNTAX,
     "badip4"},
    /* Record lookup and selecting records: not SPF version 1 */
    {"v=spf3 !a:yahoo.com -all", RULE_SPF_VERSION, "nospftxttimeout"},
    {"v=spf10", RULE_SPF_VERSION, "nospace2"},
    {"v=spf1mx", RULE_SPF_VERSION, "nospace1"},
    {"v=spfl am not an SPF record", RULE_SPF_VERSION, "include-none"},
    /* Record evaluation */
    {"v=spf1 ip4:1.2.3.4 -all moo", RULE_SPF_UNKNOWN_MECHANISM, "detect-errors-anywhere"},
    {"v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all", RULE_SPF_SYNTAX,
     "modifier-charset-bad1"},
    {"v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all", RULE_SPF_SYNTAX,
     "modifier-charset-bad2"},
    {"v=spf1 ip4:1.2.3.4 redirect:t2.example.com", RULE_SPF_UNKNOWN_MECHANISM,
     "redirect-is-modifier"},
    {"v=spf1 a:foo-bar -all", RULE_SPF_BAD_DOMAIN_SPEC, "invalid-domain"},
    /* [fail, permerror]: RFC 7208 §4.8 leaves invalid names undefined;
     * this parser reports them. */
    {"v=spf1 a:mail.example...com -all", RULE_SPF_BAD_DOMAIN_SPEC, "invalid-domain-empty-label"},
    {"v=spf1 a:a123456789012345678901234567890123456789012345678901234567890123.example.com -all",
     RULE_SPF_BAD_DOMAIN_SPEC, "invalid-domain-long"},
    /* ALL mechanism syntax */
    {"v=spf1 -all.", RULE_SPF_SYNTAX, "all-dot"},
    {"v=spf1 -all:foobar", RULE_SPF_SYNTAX, "all-arg"},
    {"v=spf1 -all/8", RULE_SPF_SYNTAX, "all-cidr"},
    /* PTR mechanism syntax */
    {"v=spf1 ptr/0 -all", RULE_SPF_SYNTAX, "ptr-cidr"},
    {"v=spf1 ptr:", RULE_SPF_BAD_DOMAIN_SPEC, "ptr-empty-domain"},
    /* A mechanism syntax */
    {"v=spf1 a/33 -all", RULE_SPF_BAD_IP4, "a-bad-cidr4"},
    {"v=spf1 a//129 -all", RULE_SPF_BAD_IP6, "a-bad-cidr6"},
    {"v=spf1 a/24/64 -all", RULE_SPF_SYNTAX, "a-dual-cidr-ip4-err"},
    {"v=spf1 a:example.com:8080", RULE_SPF_BAD_DOMAIN_SPEC, "a-bad-domain"},
    {"v=spf1 a:foo.example.com\0", RULE_SPF_SYNTAX, "a-null"},
    {"v=spf1 a:111.222.33.44", RULE_SPF_BAD_DOMAIN_SPEC, "a-numeric"},
    {"v=spf1 a:abc.123", RULE_SPF_BAD_DOMAIN_SPEC, "a-numeric-toplabel"},
    {"v=spf1 a:example.-com", RULE_SPF_BAD_DOMAIN_SPEC, "a-bad-toplabel"},
    {"v=spf1 a:museum", RULE_SPF_BAD_DOMAIN_SPEC, "a-only-toplabel"},
    {"v=spf1 a:museum.", RULE_SPF_BAD_DOMAIN_SPEC, "a-only-toplabel-trailing-dot"},
    {"v=spf1 a:", RULE_SPF_BAD_DOMAIN_SPEC, "a-empty-domain"},
    /* Include mechanism */
    {"v=spf1 include +all", RULE_SPF_BAD_DOMAIN_SPEC, "include-syntax-error"},
    {"v=spf1 include:ip5.example.com/24 -all", RULE_SPF_SYNTAX, "include-cidr"},
    {"v=spf1 include: -all", RULE_SPF_BAD_DOMAIN_SPEC, "include-empty-domain"},
    /* MX mechanism syntax */
    {"v=spf1 mx/33 -all", RULE_SPF_BAD_IP4, "mx-bad-cidr4"},
    {"v=spf1 mx//129 -all", RULE_SPF_BAD_IP6, "mx-bad-cidr6"},
    {"v=spf1 mx:example.com:8080", RULE_SPF_BAD_DOMAIN_SPEC, "mx-bad-domain"},
    {"v=spf1 mx:foo.example.com\0", RULE_SPF_SYNTAX, "mx-null"},
    {"v=spf1 mx:abc.123", RULE_SPF_BAD_DOMAIN_SPEC, "mx-numeric-top-label"},
    {"v=spf1 mx:example.-com", RULE_SPF_BAD_DOMAIN_SPEC, "mx-bad-toplab"},
    {"v=spf1 mx: -all", RULE_SPF_BAD_DOMAIN_SPEC, "mx-empty-domain"},
    /* EXISTS mechanism syntax */
    {"v=spf1 exists:", RULE_SPF_BAD_DOMAIN_SPEC, "exists-empty-domain"},
    {"v=spf1 exists", RULE_SPF_BAD_DOMAIN_SPEC, "exists-implicit"},
    {"v=spf1 exists:mail.example.com/24", RULE_SPF_SYNTAX, "exists-cidr"},
    /* IP4 mechanism syntax */
    {"v=spf1 ip4:1.2.3.4/33 -all", RULE_SPF_BAD_IP4, "cidr4-33"},
    {"v=spf1 ip4:1.2.3.4/032 -all", RULE_SPF_BAD_IP4, "cidr4-032"},
    {"v=spf1 ip4", RULE_SPF_BAD_IP4, "bare-ip4"},
    {"v=spf1 ip4:1.2.3.4:8080", RULE_SPF_BAD_IP4, "bad-ip4-port"},
    {"v=spf1 ip4:1.2.3", RULE_SPF_BAD_IP4, "bad-ip4-short"},
    {"v=spf1 ip4:1.2.3.4//32", RULE_SPF_BAD_IP4, "ip4-dual-cidr"},
    /* IP6 mechanism syntax */
    {"v=spf1 -all ip6", RULE_SPF_BAD_IP6, "bare-ip6"},
    {"v=spf1 ip6:::1.1.1.1/129", RULE_SPF_BAD_IP6, "cidr6-129"},
    {"v=spf1 ip6:::1.1.1.1//33", RULE_SPF_BAD_IP6, "cidr6-bad"},
    {"v=spf1 ip6::CAFE::BABE", RULE_SPF_BAD_IP6, "ip6-bad1"},
    /* Semantics of exp and other modifiers */
    {"v=spf1 redirect=-all ?all", RULE_SPF_BAD_DOMAIN_SPEC, "redirect-syntax-error"},
    {"v=spf1 1up=foo", RULE_SPF_SYNTAX, "invalid-modifier"},
    {"v=spf1 =all", RULE_SPF_SYNTAX, "empty-modifier-name"},
    {"v=spf1 exp= -all", RULE_SPF_BAD_DOMAIN_SPEC, "exp-empty-domain"},
    {"v=spf1 exp=-all", RULE_SPF_BAD_DOMAIN_SPEC, "exp-syntax-error"},
    {"v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com", RULE_SPF_DUPLICATE_MODIFIER,
     "exp-twice"},
    {"v=spf1 ?all redirect=", RULE_SPF_BAD_DOMAIN_SPEC, "redirect-empty-domain"},
    {"v=spf1 redirect=e12.example.com -all redirect=e12.example.com", RULE_SPF_DUPLICATE_MODIFIER,
     "redirect-twice"},
    {"v=spf1 -all foo=%abc", RULE_SPF_BAD_MACRO, "unknown-modifier-syntax"},
    /* Macro expansion rules */
    {"v=spf1 -all exp=%{r}.example.com", RULE_SPF_BAD_MACRO, "exp-only-macro-char"},
    {"v=spf1 -exists:%(ir).sbl.example.com ?all", RULE_SPF_BAD_MACRO, "invalid-macro-char"},
    {"v=spf1 exists:foo%(ir).sbl.example.com ?all", RULE_SPF_BAD_MACRO,
     "invalid-embedded-macro-char"},
    {"v=spf1 exists:foo%.sbl.example.com ?all", RULE_SPF_BAD_MACRO, "invalid-trailing-macro-char"},
    {"v=spf1 a:%{a}.example.com -all", RULE_SPF_BAD_MACRO, "undef-macro"},
};

/* ---------------------------------------------------------------------- */
/* Reading the suite: its TXT and SPF zonedata, through the shared reader  */

static void add_record(const char *text, size_t len, int line)
{
    records = realloc(records, (nrecords + 1) * sizeof *records);
    assert_non_null(records);
    records[nrecords].text = malloc(len + 1);
    assert_non_null(records[nrecords].text);
    memcpy(records[nrecords].text, text, len);
    records[nrecords].text[len] = '\0';
    records[nrecords].len = len;
    records[nrecords].line = line;
    nrecords++;
}

static int load_suite(void **state)
{
    (void)state;
    static const char *const paths[] = {OPENSPF_SUITE, "../" OPENSPF_SUITE, "../../" OPENSPF_SUITE};
    struct yaml_scenario *suite = NULL;
    size_t nsuite = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !suite; i++)
        suite = yaml_read_suite(paths[i], &nsuite);
    if (!suite) {
        print_error("cannot open %s (run the tests from the repository root)\n", OPENSPF_SUITE);
        return -1;
    }
    for (size_t i = 0; i < nsuite; i++) {
        for (size_t k = 0; k < suite[i].nrrs; k++) {
            const struct yaml_rr *rr = &suite[i].rrs[k];
            if (strcmp(rr->type, "TXT") != 0 && strcmp(rr->type, "SPF") != 0)
                continue;
            if (yaml_rr_is_none(rr))
                continue; /* the suite's "no such record" placeholder */
            /* A multi-string record: the strings join with no separator. */
            char out[YAML_VALUE_MAX];
            size_t o = 0;
            for (size_t j = 0; j < rr->nvalues && o + rr->lens[j] < sizeof out; j++) {
                memcpy(out + o, rr->values[j], rr->lens[j]);
                o += rr->lens[j];
            }
            add_record(out, o, rr->line);
        }
    }
    yaml_free_suite(suite, nsuite);
    return 0;
}

static int free_suite(void **state)
{
    (void)state;
    for (size_t i = 0; i < nrecords; i++)
        free(records[i].text);
    free(records);
    return 0;
}

/* ---------------------------------------------------------------------- */

static const enum rule_id grammar_rules[] = {
    RULE_SPF_VERSION,   RULE_SPF_SYNTAX,         RULE_SPF_UNKNOWN_MECHANISM,
    RULE_SPF_BAD_IP4,   RULE_SPF_BAD_IP6,        RULE_SPF_BAD_DOMAIN_SPEC,
    RULE_SPF_BAD_MACRO, RULE_SPF_MISSING_SPACE,  RULE_SPF_NON_ASCII,
    RULE_SPF_DUPLICATE_MODIFIER,
};

static size_t expected_index(const struct record_text *r)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        size_t n = strlen(expected[i].text);
        /* The two records with a NUL keep it: compare through it. */
        if (strncmp(expected[i].text, "v=spf1 a:foo.example.com", 24) == 0 ||
            strncmp(expected[i].text, "v=spf1 mx:foo.example.com", 25) == 0)
            n++;
        if (r->len == n && memcmp(r->text, expected[i].text, n) == 0)
            return i;
    }
    return (size_t)-1;
}

static void test_suite_read(void **state)
{
    (void)state;
    /* 227 TXT/SPF lines minus the 3 NONE placeholders. */
    assert_int_equal(nrecords, 224);
    /* Every record of the table is in the suite. */
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        bool found = false;
        for (size_t k = 0; k < nrecords && !found; k++)
            found = expected_index(&records[k]) == i;
        if (!found) {
            print_message("table record of %s is not in the suite\n", expected[i].test);
            fail();
        }
    }
}

static void test_suite_round_trip(void **state)
{
    (void)state;
    struct spf_record a, b;
    struct strbuf sb;
    spf_record_init(&a);
    spf_record_init(&b);
    strbuf_init(&sb);
    for (size_t i = 0; i < nrecords; i++) {
        assert_true(spf_parse(&a, records[i].text, records[i].len, NULL));
        strbuf_reset(&sb);
        spf_format(&a, &sb);
        assert_true(spf_parse(&b, strbuf_cstr(&sb), sb.len, NULL));
        if (!spf_equal(&a, &b)) {
            print_message("line %d: '%s' formats as '%s', which parses differently\n",
                          records[i].line, records[i].text, strbuf_cstr(&sb));
            fail();
        }
    }
    /* The multi-string record of null-text joins into one valid record. */
    const char *joined = "v=spf1 ip4:192.0.2.5 -all";
    bool found = false;
    for (size_t i = 0; i < nrecords; i++)
        found |= strcmp(records[i].text, joined) == 0;
    assert_true(found);
    spf_record_free(&a);
    spf_record_free(&b);
    strbuf_free(&sb);
}

static void check(const char *text, size_t len, int line, const char *test, enum rule_id want,
                  struct spf_record *r, struct diag_list *d)
{
    diag_list_reset(d);
    assert_true(spf_parse(r, text, len, d));
    spf_lint(r, d);
    if (want != RULE_COUNT) {
        if (!diag_list_has(d, want)) {
            print_message("line %d (%s): expected %s for '%s'; got:\n", line, test,
                          rule_get(want)->code, text);
            unit_print_diags(d);
            fail();
        }
        return;
    }
    for (size_t k = 0; k < sizeof grammar_rules / sizeof grammar_rules[0]; k++) {
        if (diag_list_has(d, grammar_rules[k])) {
            print_message("line %d: '%s' is valid SPF syntax for the suite; got:\n", line, text);
            unit_print_diags(d);
            fail();
        }
    }
}

static bool is_spf1(const struct record_text *r)
{
    static const char v[] = "v=spf1";
    if (r->len < 6)
        return false;
    for (size_t i = 0; i < 6; i++)
        if ((r->text[i] | 0x20) != v[i] && r->text[i] != v[i])
            return false;
    return r->len == 6 || r->text[6] == ' ';
}

static void test_suite_verdicts(void **state)
{
    (void)state;
    struct spf_record r;
    struct diag_list d;
    spf_record_init(&r);
    diag_list_init(&d);
    size_t errors = 0, valid = 0, other = 0;
    for (size_t i = 0; i < nrecords; i++) {
        size_t e = expected_index(&records[i]);
        if (e != (size_t)-1) {
            check(records[i].text, records[i].len, records[i].line, expected[e].test,
                  expected[e].rule, &r, &d);
            errors++;
        } else if (is_spf1(&records[i])) {
            check(records[i].text, records[i].len, records[i].line, "", RULE_COUNT, &r, &d);
            valid++;
        } else {
            /* Explanation texts and other TXT records: not SPF. */
            check(records[i].text, records[i].len, records[i].line, "not SPF", RULE_SPF_VERSION,
                  &r, &d);
            other++;
        }
    }
    print_message("openspf: %zu syntax-error records, %zu valid, %zu not SPF\n", errors, valid,
                  other);
    assert_true(errors >= 60);
    assert_true(valid >= 100);
    spf_record_free(&r);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_read),
        cmocka_unit_test(test_suite_round_trip),
        cmocka_unit_test(test_suite_verdicts),
    };
    return cmocka_run_group_tests_name("spf_suite", tests, load_suite, free_suite);
}
