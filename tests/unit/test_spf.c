/* The SPF module: parser, lint rules (each one fired by a record and kept
 * quiet by a close one), formatter round trip, term view, descriptions,
 * accessors, editing calls, and hostile input. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/record.h"
#include "authtxt/spf.h"

static struct spf_record rec, rec2;
static struct diag_list diags;
static struct strbuf sb;
static const char *cur; /* the text last parsed, for span checks */
static size_t cur_len;

static int setup(void **state)
{
    (void)state;
    spf_record_init(&rec);
    spf_record_init(&rec2);
    diag_list_init(&diags);
    strbuf_init(&sb);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    spf_record_free(&rec);
    spf_record_free(&rec2);
    diag_list_free(&diags);
    strbuf_free(&sb);
    return 0;
}

/* Parse, and check parse(format(m)) == m for every record a test uses. */
static void parse_n(const char *s, size_t n)
{
    cur = s;
    cur_len = n;
    diag_list_reset(&diags);
    assert_true(spf_parse(&rec, s, n, &diags));
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_false(sb.failed);
    assert_true(spf_parse(&rec2, strbuf_cstr(&sb), sb.len, NULL));
    if (!spf_equal(&rec, &rec2)) {
        print_message("round trip changed '%s' into '%s'\n", s, strbuf_cstr(&sb));
        fail();
    }
}

static void parse(const char *s) { parse_n(s, strlen(s)); }

static void lint(const char *s)
{
    parse(s);
    spf_lint(&rec, &diags);
}

/* Some diagnostic of `rule` spans exactly `want` in the text. */
static void assert_span(enum rule_id rule, const char *want)
{
    size_t wl = strlen(want);
    for (size_t i = 0; i < diags.count; i++) {
        const struct diag *d = &diags.items[i];
        if (d->rule == rule && d->end - d->start == wl && d->end <= cur_len &&
            memcmp(cur + d->start, want, wl) == 0)
            return;
    }
    print_message("expected %s over '%s' in '%s'; got:\n", rule_get(rule)->code, want, cur);
    unit_print_diags(&diags);
    fail();
}

/* Some diagnostic of `rule` has `part` in its message. */
static void assert_message(enum rule_id rule, const char *part)
{
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule && strstr(diags.items[i].message, part))
            return;
    print_message("expected %s saying '%s'; got:\n", rule_get(rule)->code, part);
    unit_print_diags(&diags);
    fail();
}


/* The grammar rules: what makes receivers permerror on the text alone. */
static const enum rule_id grammar_rules[] = {
    RULE_SPF_VERSION,        RULE_SPF_SYNTAX,       RULE_SPF_UNKNOWN_MECHANISM,
    RULE_SPF_BAD_IP4,        RULE_SPF_BAD_IP6,      RULE_SPF_BAD_DOMAIN_SPEC,
    RULE_SPF_BAD_MACRO,      RULE_SPF_MISSING_SPACE, RULE_SPF_NON_ASCII,
};

static void assert_no_grammar_error(void)
{
    for (size_t i = 0; i < sizeof grammar_rules / sizeof grammar_rules[0]; i++)
        assert_no_rule(&diags, grammar_rules[i]);
}

/* ---------------------------------------------------------------------- */
/* The model                                                               */

static void test_model_realistic(void **state)
{
    (void)state;
    lint("v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 include:_spf.google.com "
         "include:spf.protection.outlook.com mx a:mail.example.com ~all");
    assert_no_grammar_error();
    assert_int_equal(rec.version, SPF_VERSION_OK);
    assert_int_equal(rec.count, 8);
    assert_int_equal(rec.terms[0].kind, SPF_TERM_VERSION);
    const struct spf_term *ip = &rec.terms[1];
    assert_int_equal(ip->kind, SPF_TERM_IP4);
    assert_string_equal(ip->ip, "192.0.2.0");
    assert_int_equal(ip->cidr4, 24);
    assert_int_equal(ip->cidr6, -1);
    assert_true(ip->flags & SPF_TERM_ADDR_OK);
    assert_memory_equal(ip->addr, "\xc0\x00\x02\x00", 4);
    const struct spf_term *inc = &rec.terms[3];
    assert_int_equal(inc->kind, SPF_TERM_INCLUDE);
    assert_int_equal(inc->qualifier, SPF_QUALIFIER_NONE);
    assert_string_equal(inc->domain, "_spf.google.com");
    assert_int_equal(inc->lookups, 1);
    /* Spans: the whole term, the name, the value. */
    assert_memory_equal(cur + inc->whole.start, "include:_spf.google.com", 23);
    assert_int_equal(inc->whole.end - inc->whole.start, 23);
    assert_memory_equal(cur + inc->name_span.start, "include", 7);
    assert_int_equal(inc->name_span.end - inc->name_span.start, 7);
    assert_memory_equal(cur + inc->value_span.start, "_spf.google.com", 15);
    assert_int_equal(rec.terms[5].kind, SPF_TERM_MX);
    assert_null(rec.terms[5].domain);
    assert_int_equal(rec.terms[7].kind, SPF_TERM_ALL);
    assert_int_equal(rec.terms[7].qualifier, SPF_QUALIFIER_SOFTFAIL);
    assert_int_equal(rec.lookups, 4);
    assert_int_equal(spf_lookup_count(&rec), 4);
    assert_int_equal(rec.all_index, 7);
}

static void test_model_cidr_forms(void **state)
{
    (void)state;
    parse("v=spf1 a:example.com/24//64 mx//64 a/28 -mx:mail.example.org/30 "
          "a:foo:bar/baz.example.com ip6:2001:db8::/48 ip6:::ffff:1.2.3.4 -all");
    assert_no_grammar_error();
    const struct spf_term *t = &rec.terms[1];
    assert_int_equal(t->kind, SPF_TERM_A);
    assert_string_equal(t->domain, "example.com");
    assert_string_equal(t->value, "example.com/24//64");
    assert_int_equal(t->cidr4, 24);
    assert_int_equal(t->cidr6, 64);
    t = &rec.terms[2];
    assert_int_equal(t->kind, SPF_TERM_MX);
    assert_null(t->domain);
    assert_false(t->has_colon);
    assert_string_equal(t->value, "//64");
    assert_int_equal(t->cidr4, -1);
    assert_int_equal(t->cidr6, 64);
    assert_int_equal(rec.terms[3].cidr4, 28);
    assert_int_equal(rec.terms[4].qualifier, SPF_QUALIFIER_FAIL);
    assert_string_equal(rec.terms[4].domain, "mail.example.org");
    /* RFC 7208 §7.1: ':' and '/' may stand in a domain-spec. */
    assert_string_equal(rec.terms[5].domain, "foo:bar/baz.example.com");
    assert_int_equal(rec.terms[5].cidr4, -1);
    assert_string_equal(rec.terms[6].ip, "2001:db8::");
    assert_int_equal(rec.terms[6].cidr6, 48);
    assert_true(rec.terms[7].flags & SPF_TERM_ADDR_OK);
}

static void test_model_modifiers(void **state)
{
    (void)state;
    parse("v=spf1 mx redirect=_spf.example.com exp=explain.%{d} moo.cow-far_out=man:dog/cat");
    assert_no_grammar_error();
    assert_int_equal(rec.terms[2].kind, SPF_TERM_REDIRECT);
    assert_string_equal(rec.terms[2].domain, "_spf.example.com");
    assert_int_equal(rec.terms[2].lookups, 1);
    assert_int_equal(rec.terms[3].kind, SPF_TERM_EXP);
    assert_true(rec.terms[3].flags & SPF_TERM_MACRO);
    assert_int_equal(rec.terms[3].lookups, 0);
    assert_int_equal(rec.terms[4].kind, SPF_TERM_UNKNOWN_MODIFIER);
    assert_string_equal(rec.terms[4].name, "moo.cow-far_out");
    assert_string_equal(rec.terms[4].value, "man:dog/cat");
    assert_int_equal(rec.lookups, 2);
    const char *target = NULL;
    assert_true(spf_has_effective_redirect(&rec, &target));
    assert_string_equal(target, "_spf.example.com");
    assert_int_equal(spf_all_qualifier(&rec), SPF_QUALIFIER_NONE);
}

static void test_model_case_and_spaces(void **state)
{
    (void)state;
    /* Names and v=spf1 are case-insensitive (RFC 7208 §12); one or more
     * spaces separate terms and trailing spaces are allowed (§4.6.1, §4.5). */
    lint("V=SpF1   INCLUDE:Example.COM  MX  -ALL   ");
    assert_no_grammar_error();
    assert_int_equal(rec.count, 4);
    assert_int_equal(rec.terms[1].kind, SPF_TERM_INCLUDE);
    assert_int_equal(rec.terms[3].kind, SPF_TERM_ALL);
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), "v=spf1 include:Example.COM mx -all");
}

static void test_model_bad_terms_keep_spans(void **state)
{
    (void)state;
    parse("v=spf1 =all -foo:bar ip4:1.2.3 -all");
    assert_int_equal(rec.count, 5);
    assert_int_equal(rec.terms[1].kind, SPF_TERM_BAD);
    assert_string_equal(rec.terms[1].value, "=all");
    assert_int_equal(rec.terms[2].kind, SPF_TERM_UNKNOWN_MECHANISM);
    assert_int_equal(rec.terms[2].qualifier, SPF_QUALIFIER_FAIL);
    assert_string_equal(rec.terms[2].name, "foo");
    assert_int_equal(rec.terms[3].kind, SPF_TERM_IP4);
    assert_true(rec.terms[3].flags & SPF_TERM_ERROR);
    assert_false(rec.terms[3].flags & SPF_TERM_ADDR_OK);
    assert_memory_equal(cur + rec.terms[3].whole.start, "ip4:1.2.3", 9);
}

static void test_accessors(void **state)
{
    (void)state;
    parse("v=spf1 include:a.example include:b.example mx include:c.example ?all "
          "redirect=r.example");
    assert_int_equal(spf_all_qualifier(&rec), SPF_QUALIFIER_NEUTRAL);
    const char *target = "x";
    assert_false(spf_has_effective_redirect(&rec, &target));
    assert_null(target);
    const char *want[] = {"a.example", "b.example", "c.example"};
    size_t n = 0;
    for (size_t i = spf_next_include(&rec, 0); i != SPF_NONE; i = spf_next_include(&rec, i + 1))
        assert_string_equal(rec.terms[i].domain, want[n++]);
    assert_int_equal(n, 3);
    /* The redirect is ignored because of all: it costs nothing. */
    assert_int_equal(spf_lookup_count(&rec), 4);
    assert_true(rec.terms[6].flags & SPF_TERM_IGNORED);
    parse("v=spf1 all");
    assert_int_equal(spf_all_qualifier(&rec), SPF_QUALIFIER_PASS);
}

/* ---------------------------------------------------------------------- */
/* Grammar rules (the parser's)                                            */

static void test_rule_version(void **state)
{
    (void)state;
    lint("v=spf10 -all");
    assert_span(RULE_SPF_VERSION, "v=spf10");
    assert_int_equal(rec.version, SPF_VERSION_BAD);
    lint("v=spf1mx -all");
    assert_span(RULE_SPF_VERSION, "v=spf1mx");
    assert_message(RULE_SPF_VERSION, "followed by a space");
    lint("spf2.0/pra ip4:192.0.2.1 -all");
    assert_message(RULE_SPF_VERSION, "Sender ID");
    lint(" v=spf1 -all");
    assert_span(RULE_SPF_VERSION, " ");
    lint("include:_spf.example.com -all");
    assert_span(RULE_SPF_VERSION, "include:_spf.example.com");
    assert_int_equal(rec.version, SPF_VERSION_MISSING);
    assert_int_equal(rec.terms[0].kind, SPF_TERM_INCLUDE);
    lint("");
    assert_rule(&diags, RULE_SPF_VERSION);
    assert_int_equal(rec.count, 0);
    /* Close ones: any case, and the record may be v=spf1 alone. */
    lint("V=Spf1 -all");
    assert_no_rule(&diags, RULE_SPF_VERSION);
    lint("v=spf1");
    assert_no_rule(&diags, RULE_SPF_VERSION);
    assert_int_equal(rec.count, 1);
}

static void test_rule_syntax(void **state)
{
    (void)state;
    lint("v=spf1 -all.");
    assert_span(RULE_SPF_SYNTAX, ".");
    lint("v=spf1 ptr/0 -all");
    assert_span(RULE_SPF_SYNTAX, "/0");
    lint("v=spf1 include:_spf.example.com/24 -all");
    assert_span(RULE_SPF_SYNTAX, "/24");
    lint("v=spf1 a/24/64 -all");
    assert_span(RULE_SPF_SYNTAX, "/64");
    lint("v=spf1 1up=foo -all");
    assert_span(RULE_SPF_SYNTAX, "1up");
    lint("v=spf1 -redirect=_spf.example.com");
    assert_message(RULE_SPF_SYNTAX, "no qualifier");
    lint("v=spf1 moo.cow/far_out=man:dog/cat -all");
    assert_span(RULE_SPF_SYNTAX, "moo.cow/far_out=man:dog/cat");
    lint("v=spf1 - -all");
    assert_span(RULE_SPF_SYNTAX, "-");
    /* RFC 7208 §4.6.1: only spaces separate terms. */
    lint("v=spf1 a:ctrl.example.com\rptr -all");
    assert_span(RULE_SPF_SYNTAX, "\r");
    assert_int_equal(rec.count, 4);
    lint("v=spf1\t-all");
    assert_span(RULE_SPF_SYNTAX, "\t");
    /* Close ones. */
    lint("v=spf1 a/24//64 ptr include:_spf.example.com -all");
    assert_no_rule(&diags, RULE_SPF_SYNTAX);
    lint("v=spf1 a  -all ");
    assert_no_rule(&diags, RULE_SPF_SYNTAX);
}

static void test_rule_unknown_mechanism(void **state)
{
    (void)state;
    lint("v=spf1 inlcude:_spf.google.com -all");
    assert_span(RULE_SPF_UNKNOWN_MECHANISM, "inlcude");
    assert_message(RULE_SPF_UNKNOWN_MECHANISM, "did you mean 'include'");
    lint("v=spf1 ipv4:192.0.2.1 -all");
    assert_message(RULE_SPF_UNKNOWN_MECHANISM, "'ip4'");
    lint("v=spf1 ip4:192.0.2.1 redirect:_spf.example.com");
    assert_span(RULE_SPF_UNKNOWN_MECHANISM, "redirect:");
    assert_message(RULE_SPF_UNKNOWN_MECHANISM, "redirect=_spf.example.com");
    lint("v=spf1 ip4:1.2.3.4 -all moo");
    assert_span(RULE_SPF_UNKNOWN_MECHANISM, "moo");
    lint("v=spf1 include:_spf.google.com ip4:192.0.2.1 -all");
    assert_no_rule(&diags, RULE_SPF_UNKNOWN_MECHANISM);
}

static void test_rule_bad_ip(void **state)
{
    (void)state;
    lint("v=spf1 ip4:192.0.2.300 -all");
    assert_span(RULE_SPF_BAD_IP4, "192.0.2.300");
    lint("v=spf1 ip4:192.0.2.0/33 -all");
    assert_span(RULE_SPF_BAD_IP4, "/33");
    lint("v=spf1 ip4:192.0.2.0/024 -all");
    assert_span(RULE_SPF_BAD_IP4, "/024");
    lint("v=spf1 ip4:192.0.02.1 -all");
    assert_rule(&diags, RULE_SPF_BAD_IP4);
    lint("v=spf1 ip4:192.0.2 -all");
    assert_rule(&diags, RULE_SPF_BAD_IP4);
    lint("v=spf1 a/33 -all");
    assert_span(RULE_SPF_BAD_IP4, "/33");
    lint("v=spf1 ip4:192.0.2.0/32 ip4:0.0.0.0/0 ip6:2001:db8::/128 -all");
    assert_no_rule(&diags, RULE_SPF_BAD_IP4);
    assert_no_rule(&diags, RULE_SPF_BAD_IP6);

    lint("v=spf1 ip6:2001:db8::/129 -all");
    assert_span(RULE_SPF_BAD_IP6, "/129");
    lint("v=spf1 ip6:2001:db8:::1 -all");
    assert_span(RULE_SPF_BAD_IP6, "2001:db8:::1");
    lint("v=spf1 ip6:192.0.2.1 -all");
    assert_rule(&diags, RULE_SPF_BAD_IP6);
    lint("v=spf1 mx//129 -all");
    assert_span(RULE_SPF_BAD_IP6, "//129");
    lint("v=spf1 ip6:::ffff:192.0.2.1 ip6:fe80::/10 mx//128 -all");
    assert_no_rule(&diags, RULE_SPF_BAD_IP6);
}

static void test_rule_bad_domain_spec(void **state)
{
    (void)state;
    lint("v=spf1 a:mail.example..com -all");
    assert_span(RULE_SPF_BAD_DOMAIN_SPEC, "mail.example..com");
    assert_message(RULE_SPF_BAD_DOMAIN_SPEC, "empty label");
    lint("v=spf1 include: -all");
    assert_span(RULE_SPF_BAD_DOMAIN_SPEC, "include:");
    lint("v=spf1 a:192.0.2.10 -all");
    assert_message(RULE_SPF_BAD_DOMAIN_SPEC, "use ip4:192.0.2.10");
    lint("v=spf1 exists:example.com:8080 -all");
    assert_span(RULE_SPF_BAD_DOMAIN_SPEC, "com:8080");
    lint("v=spf1 a:example.-com -all");
    assert_span(RULE_SPF_BAD_DOMAIN_SPEC, "-com");
    lint("v=spf1 a:localhost -all");
    assert_message(RULE_SPF_BAD_DOMAIN_SPEC, "single label");
    lint("v=spf1 a:a123456789012345678901234567890123456789012345678901234567890123.example.com "
         "-all");
    assert_message(RULE_SPF_BAD_DOMAIN_SPEC, "63");
    lint("v=spf1 redirect=");
    assert_rule(&diags, RULE_SPF_BAD_DOMAIN_SPEC);
    /* Close ones: toplabels with dashes (xn--), trailing dot, macros at the
     * end, underscores in inner labels. */
    lint("v=spf1 a:foo.example.xn--zckzah include:o.spf.example.com. exists:%{i}._spf.%{d} "
         "a:_spf.example.com a:%{H} -all");
    assert_no_rule(&diags, RULE_SPF_BAD_DOMAIN_SPEC);
    assert_true(spf_domain_spec_check("_spf.example.com", 16, 0, NULL));
    assert_false(spf_domain_spec_check("example", 7, 0, NULL));
}

static void test_rule_bad_macro(void **state)
{
    (void)state;
    lint("v=spf1 exists:%{x}.example.com -all");
    assert_span(RULE_SPF_BAD_MACRO, "%{x}");
    lint("v=spf1 -exists:%(ir).sbl.example.com ?all");
    assert_span(RULE_SPF_BAD_MACRO, "%(");
    lint("v=spf1 exists:%{d0}.example.com -all");
    assert_message(RULE_SPF_BAD_MACRO, "1 or more");
    lint("v=spf1 -all exp=%{r}.example.com");
    assert_span(RULE_SPF_BAD_MACRO, "%{r}");
    assert_message(RULE_SPF_BAD_MACRO, "explanation");
    lint("v=spf1 -all foo=%abc");
    assert_span(RULE_SPF_BAD_MACRO, "%a");
    lint("v=spf1 a:foo% -all");
    assert_rule(&diags, RULE_SPF_BAD_MACRO);
    lint("v=spf1 exists:%{ir.example.com -all");
    assert_rule(&diags, RULE_SPF_BAD_MACRO);
    /* Close ones: every macro form of RFC 7208 §7.1 outside exp text. */
    lint("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} "
         "exists:%{S}.%{L}.%{O}.%{D2}.%{I}.%{V}.%{H}.x.example "
         "a:macro%%percent%_%_space%-url-space.example.com exists:%{l2r+-/=_,.}.example.com -all");
    assert_no_rule(&diags, RULE_SPF_BAD_MACRO);
    /* The explanation text allows c, r and t, and spaces. */
    assert_true(spf_explain_string_check("%{c} is not one of %{d}'s servers (%{r} at %{t})", 48,
                                         NULL));
    diag_list_reset(&diags);
    assert_false(spf_explain_string_check("%{x} nope", 9, &diags));
    assert_rule(&diags, RULE_SPF_BAD_MACRO);
}

static void test_rule_missing_space(void **state)
{
    (void)state;
    lint("v=spf1 ip4:192.0.2.1~all");
    assert_span(RULE_SPF_MISSING_SPACE, "ip4:192.0.2.1~all");
    assert_message(RULE_SPF_MISSING_SPACE, "put a space before '~all'");
    assert_no_rule(&diags, RULE_SPF_BAD_IP4);
    assert_no_rule(&diags, RULE_SPF_NO_ALL);
    lint("v=spf1 include:_spf.example.com-all");
    assert_span(RULE_SPF_MISSING_SPACE, "include:_spf.example.com-all");
    lint("v=spf1 mx-ip4:192.0.2.1 -all");
    assert_message(RULE_SPF_MISSING_SPACE, "'-ip4:192.0.2.1'");
    /* Close ones. */
    lint("v=spf1 ip4:192.0.2.1 ~all");
    assert_no_rule(&diags, RULE_SPF_MISSING_SPACE);
    lint("v=spf1 include:spf-all.example.com a:mail-mx.example.com -all");
    assert_no_rule(&diags, RULE_SPF_MISSING_SPACE);
}

static void test_rule_non_ascii(void **state)
{
    (void)state;
    lint("v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all");
    assert_span(RULE_SPF_NON_ASCII, "\xEF\xBB\xBF");
    assert_message(RULE_SPF_NON_ASCII, "EF BB BF");
    /* One diagnostic says it all: no second one about the domain. */
    assert_no_rule(&diags, RULE_SPF_BAD_DOMAIN_SPEC);
    lint("v=spf1 include:example.com \xE2\x80\x93" "all");
    assert_rule(&diags, RULE_SPF_NON_ASCII);
    lint("v=spf1 a:garbage.example.net -all");
    assert_no_rule(&diags, RULE_SPF_NON_ASCII);
}

/* ---------------------------------------------------------------------- */
/* Lint rules                                                              */

static void test_rule_duplicate_modifier(void **state)
{
    (void)state;
    lint("v=spf1 mx redirect=a.example.com redirect=b.example.com");
    assert_span(RULE_SPF_DUPLICATE_MODIFIER, "redirect=b.example.com");
    lint("v=spf1 -all exp=a.example.com exp=b.example.com");
    assert_span(RULE_SPF_DUPLICATE_MODIFIER, "exp=b.example.com");
    lint("v=spf1 mx -all exp=a.example.com foo=1 foo=2");
    assert_no_rule(&diags, RULE_SPF_DUPLICATE_MODIFIER);
}

static void test_rule_all_qualifiers(void **state)
{
    (void)state;
    lint("v=spf1 mx +all");
    assert_span(RULE_SPF_PLUS_ALL, "+all");
    lint("v=spf1 mx all");
    assert_span(RULE_SPF_PLUS_ALL, "all");
    lint("v=spf1 mx ?all");
    assert_span(RULE_SPF_NEUTRAL_ALL, "?all");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    lint("v=spf1 mx ~all");
    assert_span(RULE_SPF_SOFTFAIL_ALL, "~all");
    assert_no_rule(&diags, RULE_SPF_NEUTRAL_ALL);
    lint("v=spf1 mx -all");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    assert_no_rule(&diags, RULE_SPF_NEUTRAL_ALL);
    assert_no_rule(&diags, RULE_SPF_SOFTFAIL_ALL);
    /* A term that is a syntax error is only that: the record is permerror
     * (RFC 7208 §4.6), nobody gets to send. */
    lint("v=spf1 mx all:foo");
    assert_span(RULE_SPF_SYNTAX, ":foo");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    lint("v=spf1 mx +all:foo");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    lint("v=spf1 mx ~ all");
    assert_span(RULE_SPF_SYNTAX, "~");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    lint("v=spf1 mx - all");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    /* A syntax error elsewhere does not hide a real +all. */
    lint("v=spf1 mx a:bad..name all");
    assert_span(RULE_SPF_PLUS_ALL, "all");
}

static void test_rule_cidr_everything(void **state)
{
    (void)state;
    lint("v=spf1 ip4:0.0.0.0/0 -all");
    assert_span(RULE_SPF_CIDR_EVERYTHING, "ip4:0.0.0.0/0");
    lint("v=spf1 +ip4:64.0.0.0/7 -all");
    assert_message(RULE_SPF_CIDR_EVERYTHING, "33554432");
    lint("v=spf1 ip6:2000::/3 -all");
    assert_span(RULE_SPF_CIDR_EVERYTHING, "ip6:2000::/3");
    lint("v=spf1 a/0 -all");
    assert_span(RULE_SPF_CIDR_EVERYTHING, "a/0");
    /* Close ones: /8 is big but a real allocation; a fail qualifier
     * authorizes nothing. */
    lint("v=spf1 ip4:64.0.0.0/8 -ip4:0.0.0.0/0 a/24 ip6:2001:db8::/8 -all");
    assert_no_rule(&diags, RULE_SPF_CIDR_EVERYTHING);
}

static void test_rule_lookup_limit_and_count(void **state)
{
    (void)state;
    /* openspf mech-over-limit: 11 DNS-querying terms. */
    lint("v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all");
    assert_int_equal(rec.lookups, 11);
    assert_span(RULE_SPF_LOOKUP_LIMIT, "a");
    assert_message(RULE_SPF_LOOKUP_LIMIT, "11 DNS-querying");
    {
        const struct diag *d = NULL;
        for (size_t i = 0; i < diags.count; i++)
            if (diags.items[i].rule == RULE_SPF_LOOKUP_LIMIT)
                d = &diags.items[i];
        assert_non_null(d);
        assert_int_equal(d->start, 33); /* the 11th: the last "a" */
    }
    assert_message(RULE_SPF_LOOKUP_COUNT, "11 of the 10 allowed");
    /* At the limit. */
    lint("v=spf1 a mx a mx a mx a mx a ptr ip4:1.2.3.4 -all");
    assert_no_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    assert_message(RULE_SPF_LOOKUP_COUNT, "10 of the 10 allowed DNS lookups (5 a, 4 mx, 1 ptr)");
    /* A redirect ignored because of all counts nothing; without all it
     * counts, and it is where the limit is passed. */
    lint("v=spf1 a mx a mx a mx a mx a mx redirect=_spf.example.com -all");
    assert_no_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    lint("v=spf1 redirect=_spf.example.com a mx a mx a mx a mx a mx");
    assert_span(RULE_SPF_LOOKUP_LIMIT, "redirect=_spf.example.com");
    /* spf-lookup-count is always there, on the version. */
    lint("v=spf1 -all");
    assert_span(RULE_SPF_LOOKUP_COUNT, "v=spf1");
    assert_message(RULE_SPF_LOOKUP_COUNT, "0 of the 10");
}

static void test_rule_no_all(void **state)
{
    (void)state;
    lint("v=spf1 mx");
    assert_span(RULE_SPF_NO_ALL, "mx");
    lint("v=spf1 mx redirect=_spf.example.com");
    assert_no_rule(&diags, RULE_SPF_NO_ALL);
    lint("v=spf1 mx -all");
    assert_no_rule(&diags, RULE_SPF_NO_ALL);
}

static void test_rule_terms_after_all(void **state)
{
    (void)state;
    lint("v=spf1 -all mx a:mail.example.com");
    assert_span(RULE_SPF_TERMS_AFTER_ALL, "mx a:mail.example.com");
    assert_message(RULE_SPF_TERMS_AFTER_ALL, "2 mechanisms after -all");
    assert_true(rec.terms[2].flags & SPF_TERM_AFTER_ALL);
    lint("v=spf1 all -all");
    assert_span(RULE_SPF_TERMS_AFTER_ALL, "-all");
    /* Modifiers after all are where RFC 7208 §6 wants them. */
    lint("v=spf1 mx -all exp=explain.example.com");
    assert_no_rule(&diags, RULE_SPF_TERMS_AFTER_ALL);
}

static void test_rule_redirect_ignored(void **state)
{
    (void)state;
    lint("v=spf1 redirect=_spf.example.com ~all");
    assert_span(RULE_SPF_REDIRECT_IGNORED, "redirect=_spf.example.com");
    lint("v=spf1 mx redirect=_spf.example.com");
    assert_no_rule(&diags, RULE_SPF_REDIRECT_IGNORED);
}

static void test_rule_ptr(void **state)
{
    (void)state;
    lint("v=spf1 ptr:example.com -all");
    assert_span(RULE_SPF_PTR, "ptr:example.com");
    lint("v=spf1 ?ptr -all");
    assert_span(RULE_SPF_PTR, "?ptr");
    lint("v=spf1 mx a:ptr.example.com -all");
    assert_no_rule(&diags, RULE_SPF_PTR);
}

static void test_rule_ip4_host_bits(void **state)
{
    (void)state;
    lint("v=spf1 ip4:93.184.216.34/24 -all");
    assert_span(RULE_SPF_IP4_HOST_BITS, "93.184.216.34/24");
    assert_message(RULE_SPF_IP4_HOST_BITS, "93.184.216.0/24");
    lint("v=spf1 ip4:93.184.216.0/24 ip4:93.184.216.34 ip4:93.184.216.34/32 -all");
    assert_no_rule(&diags, RULE_SPF_IP4_HOST_BITS);
}

static void test_rule_private_address(void **state)
{
    (void)state;
    static const char *const private[] = {
        "ip4:10.1.2.3",       "ip4:172.31.0.0/16", "ip4:192.168.0.0/16", "ip4:127.0.0.1",
        "ip4:169.254.1.1",    "ip4:100.64.0.1",    "ip4:192.0.2.0/24",   "ip4:198.51.100.7",
        "ip4:203.0.113.9",    "ip6:::1",           "ip6:fe80::1",        "ip6:fd00::/8",
        "ip6:2001:db8::/32",  "ip6:::ffff:10.0.0.1",
    };
    for (size_t i = 0; i < sizeof private / sizeof private[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "v=spf1 %s -all", private[i]);
        lint(text);
        assert_span(RULE_SPF_PRIVATE_ADDRESS, strchr(private[i], ':') + 1);
    }
    lint("v=spf1 ip4:8.8.8.8 ip4:172.32.0.1 ip4:11.0.0.0/8 ip4:192.0.0.0/16 ip6:2a00:1450::/32 "
         "ip6:2001:db9::1 -all");
    assert_no_rule(&diags, RULE_SPF_PRIVATE_ADDRESS);
}

static void build_long(char *buf, size_t len)
{
    /* v=spf1 ip4:... until exactly len bytes, ending in -all */
    strcpy(buf, "v=spf1");
    size_t n = 6;
    int k = 1;
    while (n + 20 < len) {
        n += (size_t)snprintf(buf + n, 32, " ip4:93.184.%d.%d", k / 250, k % 250 + 1);
        k++;
    }
    strcpy(buf + n, " -all");
    n += 5;
    while (n < len) {
        memmove(buf + 7, buf + 6, n - 6 + 1); /* widen the first gap */
        n++;
    }
}

static void test_rule_record_size_and_split(void **state)
{
    (void)state;
    char buf[600];
    build_long(buf, 451);
    assert_int_equal(strlen(buf), 451);
    lint(buf);
    assert_rule(&diags, RULE_SPF_RECORD_SIZE);
    assert_rule(&diags, RULE_SPF_STRING_SPLIT);
    build_long(buf, 450);
    lint(buf);
    assert_no_rule(&diags, RULE_SPF_RECORD_SIZE);
    assert_rule(&diags, RULE_SPF_STRING_SPLIT);
    assert_message(RULE_SPF_STRING_SPLIT, "2 strings");
    const struct diag *d = NULL;
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == RULE_SPF_STRING_SPLIT)
            d = &diags.items[i];
    assert_int_equal(d->start, 255);
    assert_int_equal(d->end, 450);
    build_long(buf, 256);
    lint(buf);
    assert_rule(&diags, RULE_SPF_STRING_SPLIT);
    build_long(buf, 255);
    lint(buf);
    assert_no_rule(&diags, RULE_SPF_STRING_SPLIT);
}

static void test_rule_unknown_modifier(void **state)
{
    (void)state;
    lint("v=spf1 mx redirct=_spf.example.com");
    assert_span(RULE_SPF_UNKNOWN_MODIFIER, "redirct=_spf.example.com");
    assert_message(RULE_SPF_UNKNOWN_MODIFIER, "did you mean redirect=?");
    lint("v=spf1 include=_spf.google.com -all");
    assert_message(RULE_SPF_UNKNOWN_MODIFIER, "include:_spf.google.com");
    lint("v=spf1 -all v=spf1");
    assert_message(RULE_SPF_UNKNOWN_MODIFIER, "two records joined");
    lint("v=spf1 default=deny");
    assert_message(RULE_SPF_UNKNOWN_MODIFIER, "old SPF draft");
    lint("v=spf1 -all moo.cow-far_out=man:dog/cat");
    assert_message(RULE_SPF_UNKNOWN_MODIFIER, "ignore");
    assert_int_equal(diags.items[0].severity, DIAG_INFO);
    lint("v=spf1 mx redirect=_spf.example.com");
    assert_no_rule(&diags, RULE_SPF_UNKNOWN_MODIFIER);
}

static void test_rule_duplicate_include(void **state)
{
    (void)state;
    lint("v=spf1 include:_spf.example.com mx include:_SPF.Example.com. -all");
    assert_span(RULE_SPF_DUPLICATE_INCLUDE, "include:_SPF.Example.com.");
    assert_int_equal(rec.terms[3].dup_of, 1);
    lint("v=spf1 ip4:93.184.216.0/24 ip4:93.184.216.77/24 -all");
    assert_span(RULE_SPF_DUPLICATE_INCLUDE, "ip4:93.184.216.77/24");
    lint("v=spf1 ip6:2a00:1450::/32 ip6:2A00:1450:0::/32 -all");
    assert_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE);
    lint("v=spf1 include:a.example.com include:b.example.com ip4:93.184.216.0/24 "
         "ip4:93.184.216.0/25 ip6:2a00:1450::/32 ip4:42.0.0.1 -all");
    assert_no_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE);
}

static void test_rule_modifier_not_last(void **state)
{
    (void)state;
    lint("v=spf1 redirect=_spf.example.com mx");
    assert_span(RULE_SPF_MODIFIER_NOT_LAST, "redirect=_spf.example.com");
    lint("v=spf1 exp=explain.example.com mx -all");
    assert_span(RULE_SPF_MODIFIER_NOT_LAST, "exp=explain.example.com");
    lint("v=spf1 mx -all exp=explain.example.com");
    assert_no_rule(&diags, RULE_SPF_MODIFIER_NOT_LAST);
    lint("v=spf1 foo=bar mx redirect=_spf.example.com");
    assert_no_rule(&diags, RULE_SPF_MODIFIER_NOT_LAST);
}

static void test_rule_macro_opaque(void **state)
{
    (void)state;
    lint("v=spf1 include:%{d}._spf.example.com -all");
    assert_span(RULE_SPF_MACRO_OPAQUE, "%{d}._spf.example.com");
    lint("v=spf1 exists:%{i}._spf.example.com -all");
    assert_rule(&diags, RULE_SPF_MACRO_OPAQUE);
    lint("v=spf1 redirect=%{d}.spf.example.com");
    assert_rule(&diags, RULE_SPF_MACRO_OPAQUE);
    /* %% is a literal percent, not a macro; a: is not expanded anyway. */
    lint("v=spf1 include:_spf.example.com exists:a%%b.example.com a:%{d} -all");
    assert_no_rule(&diags, RULE_SPF_MACRO_OPAQUE);
}

/* ---------------------------------------------------------------------- */
/* Format, equality, the term view, descriptions, help ids                 */

static void test_format_round_trip_corpus(void **state)
{
    (void)state;
    static const char *const corpus[] = {
        "v=spf1 -all",
        "v=spf1",
        "",
        "   ",
        "v=spf1 +mx -all",
        "v=spf1 mx redirect=_spf.example.com",
        "v=spf1 a:example.com/24//64 mx:example.com//64 ip6:2001:db8::cd30 ~all",
        "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all exp=explain._spf.%{d}",
        "v=spf1 inlcude:x.com ipv4:1.2.3.4 redirect:y.com =all - 1up=x ip4:1.2.3.4~all",
        "spf2.0/pra,mfrom ip4:192.0.2.1 -all",
        "v=spf10",
        "hello world",
        "v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all",
        "v=spf1 a:foo.example.com\0 -all",
        "v=spf1 IP4:192.0.2.1 Include:X.example ?ALL",
        "v=spf1 %{i} %% %",
        "v=spf1 a: mx: ptr: include: exists: ip4: ip6: redirect= exp= x=",
    };
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
        parse_n(corpus[i], i == 13 ? 29 : strlen(corpus[i]));
    parse("v=spf1  ip4:192.0.2.1   -all  ");
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), "v=spf1 ip4:192.0.2.1 -all");
}

static void test_equal(void **state)
{
    (void)state;
    parse("v=spf1 mx -all");
    assert_true(spf_parse(&rec2, "v=spf1 MX -ALL", 14, NULL));
    assert_true(spf_equal(&rec, &rec2));
    assert_true(spf_parse(&rec2, "v=spf1 mx ~all", 14, NULL));
    assert_false(spf_equal(&rec, &rec2));
    assert_true(spf_parse(&rec2, "v=spf1 -all mx", 14, NULL));
    assert_false(spf_equal(&rec, &rec2));
    assert_true(spf_parse(&rec2, "v=spf1 +mx -all", 15, NULL));
    assert_false(spf_equal(&rec, &rec2)); /* qualifiers as written */
}

static void test_terms_view(void **state)
{
    (void)state;
    parse("v=spf1 ~include:_spf.example.com ip4:192.0.2.1 redirect=x.example.com foo=bar inlcude:x "
          "=oops -all");
    struct term_list tl;
    term_list_init(&tl);
    spf_terms(&rec, &tl);
    assert_int_equal(tl.count, rec.count);
    assert_string_equal(tl.items[0].id, "spf.version");
    assert_null(tl.items[0].value_id);
    assert_string_equal(tl.items[1].id, "spf.mech.include");
    assert_string_equal(tl.items[1].value_id, "spf.qualifier.softfail");
    assert_int_equal(tl.items[1].lookups, 1);
    assert_memory_equal(cur + tl.items[1].value_start, "_spf.example.com", 16);
    assert_string_equal(tl.items[2].value_id, "spf.qualifier.pass");
    assert_string_equal(tl.items[3].id, "spf.mod.redirect");
    assert_null(tl.items[3].value_id);
    assert_string_equal(tl.items[4].id, "spf.mod.unknown");
    assert_string_equal(tl.items[5].id, "spf.mech.unknown");
    assert_string_equal(tl.items[6].id, "spf.mech.unknown");
    assert_string_equal(tl.items[7].value_id, "spf.qualifier.fail");
    /* Every id the view gives is in the module's list. */
    size_t n;
    const char *const *ids = spf_help_ids(&n);
    for (size_t i = 0; i < tl.count; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found |= strcmp(ids[k], tl.items[i].id) == 0;
        assert_true(found);
    }
    term_list_free(&tl);
}

static void test_help_ids(void **state)
{
    (void)state;
    size_t n;
    const char *const *ids = spf_help_ids(&n);
    assert_int_equal(n, 19);
    for (size_t i = 0; i < n; i++) {
        assert_true(strncmp(ids[i], "spf.", 4) == 0);
        for (size_t k = i + 1; k < n; k++)
            assert_true(strcmp(ids[i], ids[k]) != 0);
    }
    for (int k = 0; k < SPF_TERM_KIND_COUNT; k++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(ids[i], spf_kind_help_id((enum spf_term_kind)k)) == 0;
        assert_true(found);
    }
}

static void describe(size_t i, const char *want)
{
    strbuf_reset(&sb);
    spf_term_describe(&rec, i, &sb);
    assert_string_equal(strbuf_cstr(&sb), want);
}

static void test_describe(void **state)
{
    (void)state;
    parse("v=spf1 include:_spf.google.com ip4:192.0.2.0/24 ip4:192.0.2.7 -ip6:2001:db8::/126 "
          "a:mail.example.com/24 mx redirect=_spf.example.com");
    describe(1, "authorizes whatever _spf.google.com's SPF record authorizes (1 DNS lookup)");
    describe(2, "authorizes the 256 addresses 192.0.2.0 to 192.0.2.255");
    describe(3, "authorizes the address 192.0.2.7");
    describe(4, "fails the 4 addresses 2001:db8:: to 2001:db8::3");
    describe(5, "authorizes the addresses (A and AAAA records) of mail.example.com, widened to "
                "their /24 networks (IPv4) (1 DNS lookup)");
    describe(6, "authorizes the mail servers (MX hosts) of this domain (1 DNS lookup)");
    describe(7, "when no mechanism matches, uses _spf.example.com's SPF record instead (1 DNS "
                "lookup)");
    parse("v=spf1 -all");
    describe(1, "every other sender fails: receivers may reject its mail");
    describe(0, "marks this TXT record as an SPF policy (version 1); it must come first");
    strbuf_reset(&sb);
    spf_term_describe(&rec, 9, &sb);
    assert_int_equal(sb.len, 0);
    parse("v=spf1 inlcude:x.example.com");
    describe(1, "is not an SPF mechanism: receivers treat the whole record as broken (permerror)");
}

/* ---------------------------------------------------------------------- */
/* Editing                                                                 */

static void format_is(const char *want)
{
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), want);
}

static void test_edit_compose(void **state)
{
    (void)state;
    spf_record_free(&rec);
    spf_record_init(&rec);
    diag_list_reset(&diags);
    /* From nothing: the version, then terms field by field. */
    assert_true(spf_set_version(&rec, &diags));
    format_is("v=spf1");
    assert_true(spf_term_insert(&rec, 1, SPF_TERM_ALL, SPF_QUALIFIER_SOFTFAIL, "", 0, &diags));
    assert_true(spf_term_insert(&rec, 1, SPF_TERM_IP4, SPF_QUALIFIER_NONE, "192.0.2.0/24", 12,
                                &diags));
    assert_true(spf_term_insert(&rec, 2, SPF_TERM_A, SPF_QUALIFIER_NONE, "example.com/24//64",
                                18, &diags));
    assert_true(spf_term_insert(&rec, 3, SPF_TERM_MX, SPF_QUALIFIER_NONE, "/28", 3, &diags));
    assert_true(spf_term_insert(&rec, 4, SPF_TERM_INCLUDE, SPF_QUALIFIER_NONE, "_spf.google.com",
                                15, &diags));
    format_is("v=spf1 ip4:192.0.2.0/24 a:example.com/24//64 mx/28 include:_spf.google.com ~all");
    assert_int_equal(rec.terms[2].cidr6, 64);
    assert_int_equal(diags.count, 0);
    /* Index 0 is the version's: an insert there goes after it. */
    assert_true(spf_term_insert(&rec, 0, SPF_TERM_PTR, SPF_QUALIFIER_NEUTRAL, "", 0, &diags));
    format_is("v=spf1 ?ptr ip4:192.0.2.0/24 a:example.com/24//64 mx/28 include:_spf.google.com "
              "~all");
    assert_true(spf_term_remove(&rec, 1, &diags));
    assert_true(spf_term_move(&rec, 4, true, &diags));
    format_is("v=spf1 ip4:192.0.2.0/24 a:example.com/24//64 include:_spf.google.com mx/28 ~all");
    assert_true(spf_term_move(&rec, 3, false, &diags));
    format_is("v=spf1 ip4:192.0.2.0/24 a:example.com/24//64 mx/28 include:_spf.google.com ~all");
    assert_true(spf_term_set_qualifier(&rec, 5, SPF_QUALIFIER_FAIL, &diags));
    assert_true(spf_term_set_value(&rec, 1, "198.51.100.0/25", 15, &diags));
    assert_true(spf_term_set_value(&rec, 3, "", 0, &diags));
    assert_true(spf_term_insert(&rec, rec.count, SPF_TERM_EXP, SPF_QUALIFIER_NONE,
                                "explain.%{d}", 12, &diags));
    assert_true(spf_term_insert(&rec, rec.count, SPF_TERM_UNKNOWN_MODIFIER, SPF_QUALIFIER_NONE,
                                "foo=bar", 7, &diags));
    format_is("v=spf1 ip4:198.51.100.0/25 a:example.com/24//64 mx include:_spf.google.com -all "
              "exp=explain.%{d} foo=bar");
    /* Values for edit fields. */
    strbuf_reset(&sb);
    spf_term_value(&rec, 2, &sb);
    assert_string_equal(strbuf_cstr(&sb), "example.com/24//64");
    strbuf_reset(&sb);
    spf_term_value(&rec, 7, &sb);
    assert_string_equal(strbuf_cstr(&sb), "foo=bar");
    /* The model after edits is what parsing the formatted text gives. */
    assert_true(spf_parse(&rec2, strbuf_cstr(&sb), 0, NULL));
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_true(spf_parse(&rec2, strbuf_cstr(&sb), sb.len, NULL));
    assert_true(spf_equal(&rec, &rec2));
    assert_memory_equal(strbuf_cstr(&sb) + rec.terms[4].whole.start, "include:", 8);
}

static void test_edit_refusals(void **state)
{
    (void)state;
    parse("v=spf1 mx -all");
    diag_list_reset(&diags);
    /* A space would make two terms. */
    assert_false(spf_term_insert(&rec, 1, SPF_TERM_A, SPF_QUALIFIER_NONE, "a.example.com b", 15,
                                 &diags));
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].rule, RULE_SPF_SYNTAX);
    assert_int_equal(diags.items[0].start, 13); /* the space, in the value */
    format_is("v=spf1 mx -all");
    assert_false(spf_term_remove(&rec, 0, &diags));
    assert_false(spf_term_move(&rec, 1, true, &diags));
    assert_false(spf_term_move(&rec, 2, false, &diags));
    assert_false(spf_term_remove(&rec, 7, &diags));
    assert_false(spf_term_insert(&rec, 1, SPF_TERM_VERSION, SPF_QUALIFIER_NONE, "", 0, &diags));
    assert_false(spf_term_insert(&rec, 1, SPF_TERM_REDIRECT, SPF_QUALIFIER_FAIL, "x.example.com",
                                 13, &diags));
    assert_false(spf_term_insert(&rec, 1, SPF_TERM_UNKNOWN_MODIFIER, SPF_QUALIFIER_NONE,
                                 "include:x.example.com", 21, &diags));
    assert_false(spf_term_set_qualifier(&rec, 0, SPF_QUALIFIER_FAIL, &diags));
    assert_false(spf_term_set_value(&rec, 2, "x", 1, &diags)); /* all takes none */
    format_is("v=spf1 mx -all");
    /* A wrong value is kept (flagged) so the user can fix it in place. */
    assert_true(spf_term_insert(&rec, 2, SPF_TERM_IP4, SPF_QUALIFIER_NONE, "192.0.2.300", 11,
                                &diags));
    assert_true(rec.terms[2].flags & SPF_TERM_ERROR);
    format_is("v=spf1 mx ip4:192.0.2.300 -all");
    /* A raw term fixed in place becomes what it now says. */
    parse("v=spf1 inlcude:_spf.example.com redirct=x.example.com -all");
    strbuf_reset(&sb);
    spf_term_value(&rec, 1, &sb);
    assert_string_equal(strbuf_cstr(&sb), "inlcude:_spf.example.com");
    assert_true(spf_term_set_value(&rec, 1, "include:_spf.example.com", 24, NULL));
    assert_int_equal(rec.terms[1].kind, SPF_TERM_INCLUDE);
    assert_true(spf_term_set_value(&rec, 2, "redirect=x.example.com", 22, NULL));
    assert_int_equal(rec.terms[2].kind, SPF_TERM_REDIRECT);
    format_is("v=spf1 include:_spf.example.com redirect=x.example.com -all");
    /* A bad version is replaced. */
    parse("v=spf10 mx -all");
    assert_true(spf_set_version(&rec, NULL));
    format_is("v=spf1 mx -all");
    parse("mx -all");
    assert_true(spf_set_version(&rec, NULL));
    format_is("v=spf1 mx -all");
}

static void test_value_check(void **state)
{
    (void)state;
    diag_list_reset(&diags);
    assert_true(spf_value_check(SPF_TERM_IP4, "192.0.2.0/24", 12, &diags));
    assert_true(spf_value_check(SPF_TERM_A, "example.com/24//64", 18, &diags));
    assert_true(spf_value_check(SPF_TERM_A, "", 0, &diags));
    assert_true(spf_value_check(SPF_TERM_MX, "//64", 4, &diags));
    assert_true(spf_value_check(SPF_TERM_INCLUDE, "_spf.google.com", 15, &diags));
    assert_true(spf_value_check(SPF_TERM_UNKNOWN_MODIFIER, "foo=bar", 7, &diags));
    assert_int_equal(diags.count, 0);
    /* Spans are relative to the value. */
    assert_false(spf_value_check(SPF_TERM_IP4, "192.0.2.0/33", 12, &diags));
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].rule, RULE_SPF_BAD_IP4);
    assert_int_equal(diags.items[0].start, 9);
    assert_int_equal(diags.items[0].end, 12);
    diag_list_reset(&diags);
    assert_false(spf_value_check(SPF_TERM_INCLUDE, "example", 7, &diags));
    assert_rule(&diags, RULE_SPF_BAD_DOMAIN_SPEC);
    assert_int_equal(diags.items[0].start, 0);
    assert_int_equal(diags.items[0].end, 7);
    diag_list_reset(&diags);
    assert_false(spf_value_check(SPF_TERM_IP4, "192.0.2.1~all", 13, &diags));
    assert_rule(&diags, RULE_SPF_MISSING_SPACE);
    diag_list_reset(&diags);
    assert_false(spf_value_check(SPF_TERM_EXISTS, "%{x}.example.com", 16, &diags));
    assert_rule(&diags, RULE_SPF_BAD_MACRO);
    assert_int_equal(diags.items[0].start, 0);
    assert_int_equal(diags.items[0].end, 4);
    diag_list_reset(&diags);
    assert_false(spf_value_check(SPF_TERM_A, "ex ample.com", 12, &diags));
    assert_false(spf_value_check(SPF_TERM_A, "\xC3\xA9xample.com", 12, &diags));
    assert_rule(&diags, RULE_SPF_NON_ASCII);
    assert_false(spf_value_check(SPF_TERM_UNKNOWN_MODIFIER, "ip4:1.2.3.4", 11, NULL));
}

/* ---------------------------------------------------------------------- */
/* Hostile input: never crash, never hang, bounded output.  That the cost
 * stays linear is measured by `make bench` (hostile input: SPF rows), never
 * timed here: a timed assertion fails on a loaded machine. */

static void lint_n(const char *s, size_t n)
{
    parse_n(s, n);
    spf_lint(&rec, &diags);
}

static void test_hostile_garbage(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    char *buf = malloc(n);
    assert_non_null(buf);
    unsigned x = 12345;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(x >> 16);
            /* Rounds 2 and 3: printable-heavy, so more of it looks like terms. */
            if (round >= 2)
                c = (unsigned char)(" %{}:/=.-~?+aix4"[c % 16]);
            buf[i] = (char)c;
        }
        if (round % 2)
            memcpy(buf, "v=spf1 ", 7);
        lint_n(buf, n);
        assert_true(diags.count > 0);
        assert_true(diags.count <= DIAG_LIST_MAX);
    }
    free(buf);
    /* NUL bytes and invalid UTF-8. */
    static const char nul[] = "v=spf1 a:x\0y.example.com \xff\xfe -all\0";
    lint_n(nul, sizeof nul - 1);
    assert_rule(&diags, RULE_SPF_SYNTAX);
    assert_rule(&diags, RULE_SPF_NON_ASCII);
}

/* Build "v=spf1" + count copies of term, parse + lint it. */
static void lint_terms(const char *term, size_t count)
{
    size_t tl = strlen(term);
    size_t n = 6 + count * (tl + 1);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    memcpy(buf, "v=spf1", 6);
    for (size_t i = 0; i < count; i++) {
        buf[6 + i * (tl + 1)] = ' ';
        memcpy(buf + 7 + i * (tl + 1), term, tl);
    }
    buf[n] = '\0';
    lint_n(buf, n);
    free(buf);
}

static void test_hostile_many_terms(void **state)
{
    (void)state;
    static const char *const terms[] = {
        "include:_spf.example.com", "redirect=_spf.example.com", "ip4:192.0.2.1",
        "ptr", "inlcude:x", "%%%%", "exists:%{i}.x.example", "a-all",
    };
    for (size_t k = 0; k < sizeof terms / sizeof terms[0]; k++) {
        lint_terms(terms[k], 5000);
        assert_int_equal(rec.count, 5001);
        assert_true(diags.count > 0);
        assert_true(diags.count <= DIAG_LIST_MAX);
        lint_terms(terms[k], 10000);
        assert_int_equal(rec.count, 10001);
        assert_true(diags.count > 0);
        assert_true(diags.count <= DIAG_LIST_MAX);
    }
    /* A tag repeated 5,000 times still gets its diagnostic. */
    lint_terms("redirect=_spf.example.com", 5000);
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_DUPLICATE_MODIFIER), 1);
    assert_message(RULE_SPF_DUPLICATE_MODIFIER, "5000 times");
    assert_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    lint_terms("include:_spf.example.com", 5000);
    assert_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE);
    assert_true(diags.dropped > 0);
}

static void test_hostile_term_cap(void **state)
{
    (void)state;
    lint_terms("a", SPF_MAX_TERMS + 100);
    assert_int_equal(rec.count, SPF_MAX_TERMS);
    assert_message(RULE_SPF_SYNTAX, "not read");
}

static void test_hostile_long_term(void **state)
{
    (void)state;
    /* One 60 KB term full of candidate split points and macros. */
    size_t n = 60000;
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    memcpy(buf, "v=spf1 include:", 15);
    for (size_t i = 15; i < n; i++)
        buf[i] = "-all%{d}."[i % 9];
    buf[n] = '\0';
    lint_n(buf, n);
    assert_int_equal(rec.count, 2);
    assert_true(diags.count <= DIAG_LIST_MAX);
    free(buf);
}

/* Found by fuzz_edit: spf_set_version on a record that already starts with
 * v=spf1 returned true without rebuilding, so the model (text_len, spans)
 * still described the raw text, not what spf_format writes.  Reproducer:
 * tests/fuzz/corpus/fuzz_edit/regress-set-version-noop. */
static void test_fuzz_set_version_rebuilds(void **state)
{
    (void)state;
    static const char raw[] = "v=spf1 a\0 -all"; /* a NUL separates terms */
    parse_n(raw, sizeof raw - 1);
    assert_int_equal(rec.count, 3);
    assert_true(spf_set_version(&rec, &diags));
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), "v=spf1 a -all");
    assert_int_equal(rec.text_len, sb.len);
    assert_int_equal(rec.terms[2].whole.start, 9);
    assert_int_equal(rec.terms[2].whole.end, 13);
}

/* Found by fuzz_edit: inserting (or setting) a raw term (UNKNOWN_MECHANISM,
 * BAD, UNKNOWN_MODIFIER) with an empty value and no qualifier succeeded but
 * added no term, and left the model's text with a double space, so spans no
 * longer matched spf_format.  Reproducer:
 * tests/fuzz/corpus/fuzz_edit/regress-empty-raw-insert. */
static void test_fuzz_empty_raw_term_refused(void **state)
{
    (void)state;
    static const enum spf_term_kind raw[] = {SPF_TERM_UNKNOWN_MECHANISM, SPF_TERM_BAD,
                                             SPF_TERM_UNKNOWN_MODIFIER};
    for (size_t k = 0; k < 3; k++) {
        parse("spf2.0/pra ip4:192.0.2.1 ~all");
        diag_list_reset(&diags);
        assert_false(spf_term_insert(&rec, 1, raw[k], SPF_QUALIFIER_NONE, "", 0, &diags));
        assert_rule(&diags, RULE_SPF_SYNTAX);
        assert_int_equal(rec.count, 3);
        assert_int_equal(rec.text_len, 29);
    }
    parse("v=spf1 inlcude:example.com -all");
    assert_false(spf_term_set_value(&rec, 1, "", 0, &diags));
    assert_int_equal(rec.count, 3);
    /* A qualifier alone is still a (bad) term, and stays one. */
    assert_true(spf_term_insert(&rec, 1, SPF_TERM_BAD, SPF_QUALIFIER_NEUTRAL, "", 0, &diags));
    assert_int_equal(rec.count, 4);
    strbuf_reset(&sb);
    spf_format(&rec, &sb);
    assert_int_equal(rec.text_len, sb.len);
    /* ... and taking its qualifier away would empty it: refused
     * (tests/fuzz/corpus/fuzz_edit/regress-empty-qualifier-only). */
    assert_int_equal(rec.terms[1].kind, SPF_TERM_BAD);
    diag_list_reset(&diags);
    assert_false(spf_term_set_qualifier(&rec, 1, SPF_QUALIFIER_NONE, &diags));
    assert_rule(&diags, RULE_SPF_SYNTAX);
    assert_int_equal(rec.count, 4);
    assert_int_equal(rec.text_len, sb.len);
}

/* The one "is this an SPF record" test (RFC 7208 §4.5), which the tree,
 * the live fetch, record detection and the zone reader share. */
static void test_text_classify(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum spf_text want;
    } cases[] = {
        {"v=spf1", SPF_TEXT_RECORD},
        {"v=spf1 -all", SPF_TEXT_RECORD},
        {"V=SPF1 mx -all", SPF_TEXT_RECORD},
        {"v=spf10 -all", SPF_TEXT_NEAR},
        {"v=spf1mx -all", SPF_TEXT_NEAR},
        {"v=spf1\t-all", SPF_TEXT_NEAR},
        {"v=spf", SPF_TEXT_NOT_SPF},
        {" v=spf1 -all", SPF_TEXT_NOT_SPF},
        {"spf2.0/pra -all", SPF_TEXT_NOT_SPF},
        {"", SPF_TEXT_NOT_SPF},
        {"v=DMARC1; p=none", SPF_TEXT_NOT_SPF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum spf_text got = spf_text_classify(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].want) {
            print_message("'%s': %d, expected %d\n", cases[i].text, got, cases[i].want);
            fail();
        }
    }
    /* Length-checked: no read past len. */
    assert_int_equal(spf_text_classify("v=spf1 -all", 5), SPF_TEXT_NOT_SPF);
    assert_int_equal(spf_text_classify("v=spf1mx", 6), SPF_TEXT_RECORD);
    /* Detection takes the near misses as SPF, to lint them. */
    assert_int_equal(record_detect("v=spf10 -all", 12), RECORD_SPF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_classify),
        cmocka_unit_test(test_model_realistic),
        cmocka_unit_test(test_model_cidr_forms),
        cmocka_unit_test(test_model_modifiers),
        cmocka_unit_test(test_model_case_and_spaces),
        cmocka_unit_test(test_model_bad_terms_keep_spans),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_rule_version),
        cmocka_unit_test(test_rule_syntax),
        cmocka_unit_test(test_rule_unknown_mechanism),
        cmocka_unit_test(test_rule_bad_ip),
        cmocka_unit_test(test_rule_bad_domain_spec),
        cmocka_unit_test(test_rule_bad_macro),
        cmocka_unit_test(test_rule_missing_space),
        cmocka_unit_test(test_rule_non_ascii),
        cmocka_unit_test(test_rule_duplicate_modifier),
        cmocka_unit_test(test_rule_all_qualifiers),
        cmocka_unit_test(test_rule_cidr_everything),
        cmocka_unit_test(test_rule_lookup_limit_and_count),
        cmocka_unit_test(test_rule_no_all),
        cmocka_unit_test(test_rule_terms_after_all),
        cmocka_unit_test(test_rule_redirect_ignored),
        cmocka_unit_test(test_rule_ptr),
        cmocka_unit_test(test_rule_ip4_host_bits),
        cmocka_unit_test(test_rule_private_address),
        cmocka_unit_test(test_rule_record_size_and_split),
        cmocka_unit_test(test_rule_unknown_modifier),
        cmocka_unit_test(test_rule_duplicate_include),
        cmocka_unit_test(test_rule_modifier_not_last),
        cmocka_unit_test(test_rule_macro_opaque),
        cmocka_unit_test(test_format_round_trip_corpus),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_terms_view),
        cmocka_unit_test(test_help_ids),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_edit_compose),
        cmocka_unit_test(test_edit_refusals),
        cmocka_unit_test(test_value_check),
        cmocka_unit_test(test_hostile_garbage),
        cmocka_unit_test(test_hostile_many_terms),
        cmocka_unit_test(test_hostile_term_cap),
        cmocka_unit_test(test_hostile_long_term),
        cmocka_unit_test(test_fuzz_set_version_rebuilds),
        cmocka_unit_test(test_fuzz_empty_raw_term_refused),
    };
    return cmocka_run_group_tests_name("spf", tests, setup, teardown);
}
