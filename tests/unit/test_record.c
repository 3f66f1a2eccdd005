/* The front ends' entry point (record.c, cross.c): kind detection, input
 * checks, the seed records of the project, and hostile input. */
#include <stdio.h>

#include "unit.h"

#include "authtxt/record.h"

static struct record r;

static int setup(void **state)
{
    (void)state;
    record_init(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    record_free(&r);
    return 0;
}

static void analyze(enum record_kind kind, const char *text, size_t len)
{
    assert_true(record_analyze(&r, kind, text, len, 0));
}

#define ANALYZE(lit) analyze(RECORD_UNKNOWN, (lit), sizeof(lit) - 1)

static const struct diag *find(enum rule_id rule)
{
    for (size_t i = 0; i < r.diags.count; i++)
        if (r.diags.items[i].rule == rule)
            return &r.diags.items[i];
    return NULL;
}

static void test_detect_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum record_kind kind;
    } cases[] = {
        {"v=spf1 -all", RECORD_SPF},
        {"V=SPF1 mx -all", RECORD_SPF},
        {"v=DMARC1; p=none", RECORD_DMARC},
        {"v=DKIM1; p=abc", RECORD_DKIM_KEY},
        {"k=rsa; p=abc", RECORD_DKIM_KEY},
        {"DKIM-Signature: v=1; a=rsa-sha256; d=example.com", RECORD_DKIM_SIG},
        {"dkim-signature:v=1", RECORD_DKIM_SIG},
        {"v=1; a=rsa-sha256; b=abc; bh=def; d=example.com; s=x", RECORD_DKIM_SIG},
        {"hello world", RECORD_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum record_kind got = record_detect(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].kind)
            print_message("'%s' detected as %s\n", cases[i].text, record_kind_name(got));
        assert_int_equal(got, cases[i].kind);
    }
    enum record_kind k;
    assert_true(record_kind_parse("dkim-sig", &k));
    assert_int_equal(k, RECORD_DKIM_SIG);
    assert_false(record_kind_parse("txt", &k));
}

/* Seed: copied from a web page whose e-mail obfuscation replaced the address
 * with "email protected" joined by a no-break space. */
static void test_seed_dmarc_nbsp_is_a_bad_uri_and_nothing_about_p(void **state)
{
    (void)state;
    const char text[] = "v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:email\xc2\xa0protected";
    ANALYZE(text);
    assert_int_equal(r.kind, RECORD_DMARC);
    const struct diag *d = find(RULE_DMARC_BAD_URI);
    assert_non_null(d);
    size_t rua = (size_t)(strstr(text, "mailto:") - text);
    assert_true(d->start >= rua && d->end <= sizeof text - 1);
    size_t p_start = 9, p_end = 17; /* "p=reject" */
    for (size_t i = 0; i < r.diags.count; i++) {
        const struct diag *x = &r.diags.items[i];
        bool about_p = x->start >= p_start && x->start < p_end;
        if (about_p)
            print_message("unexpected diagnostic about p: %s\n", rule_get(x->rule)->code);
        assert_false(about_p);
    }
    assert_no_rule(&r.diags, RULE_DMARC_MISSING_P);
    assert_no_rule(&r.diags, RULE_DMARC_SYNTAX);
}

static void test_seed_dmarc_policy_none(void **state)
{
    (void)state;
    ANALYZE("v=DMARC1; p=none; rua=mailto:dmarc@example.com");
    assert_rule(&r.diags, RULE_DMARC_POLICY_NONE);
    assert_int_equal(diag_list_status(&r.diags), 1);
}

static void test_seed_mangled_dkim_key_is_an_error(void **state)
{
    (void)state;
    ANALYZE("v=DKIM1; p=MIGfMA0GCSqGSIb3DQEbaihfadouhsdofuhsUBAMASYIGSDAFTDCBiQKBgQC1TaNgLlSyQMNWVLN"
            "LvyY/neDgaL2oqQE8T5illKqCgDtFHc8eHVAU+nlcaGmrKmDMw9dbgiGk1ocgZ56NR4ycfUHwQhvQPMUZw0c"
            "veel/8EAGoi/UyPmqfcPibytH81NFtTMAxUeM4Op8A6iHkvAMj5qLf4YRNsTkKAV;");
    assert_int_equal(r.kind, RECORD_DKIM_KEY);
    assert_true(diag_list_has(&r.diags, RULE_DKIM_BAD_KEY) ||
                diag_list_has(&r.diags, RULE_DKIM_BAD_BASE64));
    assert_int_equal(diag_list_status(&r.diags), 2);
}

static void test_seed_1024_bit_key_is_weak(void **state)
{
    (void)state;
    ANALYZE("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/9Ep3UzhLwCDqJh75ve/rLgBq/"
            "vOxmxuwQWAW9QlbJvIbttZwBi/TDT7j1YmjAOmCIlxJrYWmK+QSXvg0DL1tgVYb4oTjWQrZLEv8mYNGLXqOO"
            "PGHI87fkI/FfsPNSkPPrQE2m7M2IUYDPwF7pxyt4wl+uc/nVtgcu7S2VD194wIDAQAB");
    assert_rule(&r.diags, RULE_DKIM_KEY_WEAK);
    const struct diag *d = find(RULE_DKIM_KEY_SIZE);
    assert_non_null(d);
    assert_non_null(strstr(d->message, "1024"));
    assert_int_equal(diag_list_status(&r.diags), 1);
}

#define ATLASSIAN_B                                                                                \
    "oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2"   \
    "yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI="

static void test_seed_dkim_signature_flat_and_folded(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=engagement.atlassian.com; "
        "h=content-type:from:mime-version:reply-to:to:subject; s=s1; "
        "bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=; b=" ATLASSIAN_B,
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
        "\td=engagement.atlassian.com;\r\n"
        "\th=content-type:from:mime-version:reply-to:to:subject; s=s1;\r\n"
        "\tbh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=;\r\n"
        "\tb=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0L\r\n"
        "\t sVcr7GZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3\r\n"
        "\t wmzlZ9ONQ+1eodI=",
    };
    for (size_t i = 0; i < 2; i++) {
        analyze(RECORD_UNKNOWN, texts[i], strlen(texts[i]));
        assert_int_equal(r.kind, RECORD_DKIM_SIG);
        if (diag_list_max_severity(&r.diags) == DIAG_ERROR)
            unit_print_diags(&r.diags);
        assert_true(diag_list_max_severity(&r.diags) < DIAG_ERROR);
        assert_int_equal(r.terms.count, 8);
        for (size_t t = 0; t < r.terms.count; t++) {
            struct strbuf sb = STRBUF_INIT;
            record_describe_term(&r, t, &sb);
            assert_true(sb.len > 0); /* every tag explained */
            strbuf_free(&sb);
        }
    }
}

static void test_seed_softfail_with_p_none_together(void **state)
{
    (void)state;
    struct record spf, dmarc;
    struct diag_list cross;
    record_init(&spf);
    record_init(&dmarc);
    diag_list_init(&cross);
    const char *s = "v=spf1 include:_spf.google.com ~all";
    const char *d = "v=DMARC1; p=none; rua=mailto:dmarc@example.com";
    assert_true(record_analyze(&spf, RECORD_UNKNOWN, s, strlen(s), 0));
    assert_true(record_analyze(&dmarc, RECORD_UNKNOWN, d, strlen(d), 0));
    cross_lint("example.com", &spf, &dmarc, NULL, 0, &cross);
    assert_rule(&cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);

    /* Close, but enforcing: no warning. */
    const char *q = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com";
    assert_true(record_analyze(&dmarc, RECORD_UNKNOWN, q, strlen(q), 0));
    diag_list_reset(&cross);
    cross_lint("example.com", &spf, &dmarc, NULL, 0, &cross);
    assert_no_rule(&cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_no_rule(&cross, RULE_CROSS_NO_DMARC);

    /* No DMARC at all. */
    diag_list_reset(&cross);
    cross_lint("example.com", &spf, NULL, NULL, 0, &cross);
    assert_rule(&cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_rule(&cross, RULE_CROSS_NO_DMARC);

    /* DMARC enforcing with nothing to pass it. */
    diag_list_reset(&cross);
    cross_lint("example.com", NULL, &dmarc, NULL, 0, &cross);
    assert_rule(&cross, RULE_CROSS_DMARC_WITHOUT_AUTH);
    assert_rule(&cross, RULE_CROSS_NO_SPF);

    /* Strict alignment with a third-party include. */
    const char *strict = "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.com";
    assert_true(record_analyze(&dmarc, RECORD_UNKNOWN, strict, strlen(strict), 0));
    diag_list_reset(&cross);
    cross_lint("example.com", &spf, &dmarc, NULL, 0, &cross);
    assert_rule(&cross, RULE_CROSS_STRICT_ALIGNMENT);
    const char *own = "v=spf1 include:_spf.example.com -all";
    assert_true(record_analyze(&spf, RECORD_UNKNOWN, own, strlen(own), 0));
    diag_list_reset(&cross);
    cross_lint("example.com", &spf, &dmarc, NULL, 0, &cross);
    assert_no_rule(&cross, RULE_CROSS_STRICT_ALIGNMENT);

    record_free(&spf);
    record_free(&dmarc);
    diag_list_free(&cross);
}

static void test_empty_and_blank_input(void **state)
{
    (void)state;
    analyze(RECORD_UNKNOWN, "", 0);
    assert_rule(&r.diags, RULE_INPUT_EMPTY);
    analyze(RECORD_SPF, "  \t ", 4);
    assert_rule(&r.diags, RULE_INPUT_EMPTY);
    assert_int_equal(diag_list_status(&r.diags), 2);
}

static void test_nul_and_bad_utf8_are_named(void **state)
{
    (void)state;
    ANALYZE("v=spf1 a\0 -all");
    const struct diag *d = find(RULE_INPUT_NUL);
    assert_non_null(d);
    assert_int_equal(d->start, 8);
    ANALYZE("v=DMARC1; p=reject\xff; rua=mailto:a@example.com");
    d = find(RULE_INPUT_BAD_UTF8);
    assert_non_null(d);
    assert_int_equal(d->start, 18);
}

static void test_unknown_kind_is_diagnosed(void **state)
{
    (void)state;
    ANALYZE("hello, world");
    assert_rule(&r.diags, RULE_INPUT_UNKNOWN_KIND);
}

/* 64 KiB of garbage, and more than the cap, for every kind. */
static void test_garbage_and_oversize_input(void **state)
{
    (void)state;
    size_t n = RECORD_MAX_LEN + 10;
    char *buf = malloc(n);
    assert_non_null(buf);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)(x >> 16);
    }
    for (int k = RECORD_UNKNOWN; k <= RECORD_DKIM_SIG; k++) {
        analyze((enum record_kind)k, buf, RECORD_MAX_LEN);
        assert_true(r.diags.count > 0);
        analyze((enum record_kind)k, buf, n);
        assert_rule(&r.diags, RULE_INPUT_TOO_LONG);
        assert_int_equal(r.terms.count, 0);
    }
    free(buf);
}

/* 10,000 terms and a tag repeated thousands of times: diagnosed, bounded. */
static void test_many_terms_and_repeated_tags(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "v=spf1");
    for (int i = 0; i < 10000; i++)
        strbuf_puts(&sb, i % 2 ? " a" : " mx");
    strbuf_puts(&sb, " -all");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_rule(&r.diags, RULE_SPF_LOOKUP_LIMIT);
    assert_true(r.diags.count <= DIAG_LIST_MAX);

    strbuf_reset(&sb);
    strbuf_puts(&sb, "v=DMARC1");
    for (int i = 0; i < 5000; i++)
        strbuf_puts(&sb, "; p=reject");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_rule(&r.diags, RULE_DMARC_DUPLICATE_TAG);

    strbuf_reset(&sb);
    strbuf_puts(&sb, "v=DKIM1");
    for (int i = 0; i < 5000; i++)
        strbuf_puts(&sb, "; k=rsa");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_rule(&r.diags, RULE_DKIM_DUPLICATE_TAG);
    strbuf_free(&sb);
}

/* Is the list in display order (by start, then errors first)? */
static void assert_sorted(const struct diag_list *list)
{
    for (size_t i = 1; i < list->count; i++) {
        const struct diag *a = &list->items[i - 1], *b = &list->items[i];
        assert_true(a->start < b->start || (a->start == b->start && a->severity >= b->severity));
    }
}

/* 10,000 SPF terms: every term parsed, the lookup limit named once at the
 * 11th lookup term (RFC 7208 §4.6.4), not once per term past it. */
static void test_ten_thousand_spf_terms_diagnosed_once(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "v=spf1");
    for (int i = 0; i < 10000; i++)
        strbuf_puts(&sb, i % 2 ? " a" : " mx");
    strbuf_puts(&sb, " -all");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_int_equal(r.kind, RECORD_SPF);
    assert_int_equal(r.terms.count, 10002); /* v=spf1, 10,000 terms, -all */
    assert_int_equal(diag_list_count_rule(&r.diags, RULE_SPF_LOOKUP_LIMIT), 1);
    assert_int_equal(diag_list_count_rule(&r.diags, RULE_SPF_LOOKUP_COUNT), 1);
    assert_int_equal(diag_list_count_rule(&r.diags, RULE_SPF_RECORD_SIZE), 1);
    assert_int_equal(find(RULE_SPF_LOOKUP_LIMIT)->start, 32); /* "v=spf1 mx a ... a mx": 11th */
    assert_int_equal(r.diags.dropped, 0);
    assert_sorted(&r.diags);
    /* The same again in the same record: the result does not drift. */
    size_t count = r.diags.count;
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_int_equal(r.diags.count, count);
    strbuf_free(&sb);
}

/* 10,000 repeated tags: the tokenizer stops at its tag cap with a syntax
 * error, duplicates are named (bounded), the list stays within
 * DIAG_LIST_MAX with the rest counted, and the list is in order. */
static void test_ten_thousand_repeated_tags(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "v=DMARC1");
    for (int i = 0; i < 10000; i++)
        strbuf_puts(&sb, ";t=y");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_int_equal(r.kind, RECORD_DMARC);
    assert_true(r.terms.count < 10000); /* the tag cap */
    assert_true(diag_list_count_rule(&r.diags, RULE_DMARC_DUPLICATE_TAG) >= 1);
    assert_int_equal(diag_list_count_rule(&r.diags, RULE_DMARC_SYNTAX), 1);
    assert_rule(&r.diags, RULE_DMARC_MISSING_P);
    assert_int_equal(diag_list_status(&r.diags), 2);
    assert_sorted(&r.diags);

    strbuf_reset(&sb);
    strbuf_puts(&sb, "v=DKIM1");
    for (int i = 0; i < 10000; i++)
        strbuf_puts(&sb, ";k=rsa");
    analyze(RECORD_UNKNOWN, strbuf_cstr(&sb), sb.len);
    assert_int_equal(r.kind, RECORD_DKIM_KEY);
    assert_int_equal(r.diags.count, DIAG_LIST_MAX); /* one per duplicate, capped */
    assert_true(r.diags.dropped > 0);
    assert_true(r.diags.count + r.diags.dropped >= r.terms.count - 1);
    assert_int_equal(r.diags.items[0].rule, RULE_DKIM_DUPLICATE_TAG);
    assert_int_equal(r.diags.items[0].start, 14); /* "v=DKIM1;k=rsa;" then k= again */
    for (size_t i = 0; i < r.diags.count; i++)
        assert_true(r.diags.items[i].rule == RULE_DKIM_DUPLICATE_TAG ||
                    r.diags.items[i].rule == RULE_DKIM_SYNTAX);
    assert_sorted(&r.diags);
    strbuf_free(&sb);
}

/* diag_list_sort against a plain stable insertion sort: by start, errors
 * first at one start, and equal keys in the order they were added (the
 * message says which). */
static void test_diag_sort_stable_on_any_order(void **state)
{
    (void)state;
    struct diag_list list, want;
    diag_list_init(&list);
    diag_list_init(&want);
    /* Two warnings, an info and an error: ties of equal and unequal rank. */
    static const enum rule_id rules[4] = {RULE_DMARC_NO_RUA, RULE_DMARC_TESTING,
                                          RULE_DMARC_MISSING_P, RULE_DMARC_SYNTAX};
    for (int pattern = 0; pattern < 4; pattern++) {
        diag_list_reset(&list);
        unsigned x = 7u + (unsigned)pattern;
        for (int i = 0; i < DIAG_LIST_MAX + 10; i++) {
            x = x * 1103515245u + 12345u;
            size_t start = pattern == 0   ? (size_t)i            /* sorted */
                           : pattern == 1 ? (size_t)(1000 - i)   /* reversed */
                           : pattern == 2 ? (size_t)(x >> 16) % 40 /* many ties */
                                          : (size_t)(x >> 16);
            diag_add(&list, rules[(x >> 8) % 4], start, start + 1, "%d", i);
        }
        assert_int_equal(list.count, DIAG_LIST_MAX);
        assert_int_equal(list.dropped, 10);
        /* The reference: insertion sort on a copy. */
        diag_list_reset(&want);
        diag_list_append(&want, &list, 0);
        for (size_t i = 1; i < want.count; i++) {
            struct diag tmp = want.items[i];
            size_t j = i;
            while (j > 0 && (want.items[j - 1].start > tmp.start ||
                             (want.items[j - 1].start == tmp.start &&
                              want.items[j - 1].severity < tmp.severity))) {
                want.items[j] = want.items[j - 1];
                j--;
            }
            want.items[j] = tmp;
        }
        diag_list_sort(&list);
        for (size_t i = 0; i < list.count; i++) {
            assert_int_equal(list.items[i].start, want.items[i].start);
            assert_int_equal(list.items[i].rule, want.items[i].rule);
            assert_string_equal(list.items[i].message, want.items[i].message);
        }
    }
    diag_list_free(&list);
    diag_list_free(&want);
}

/* Input checks on the word-at-a-time path: a NUL or a bad byte at every
 * position of a 40-byte record is found at that exact offset. */
static void test_input_checks_at_every_offset(void **state)
{
    (void)state;
    char text[] = "v=spf1 ip4:192.0.2.1 a:mail.example.com -all";
    size_t len = sizeof text - 1;
    for (size_t at = 7; at < len; at++) {
        char saved = text[at];
        text[at] = '\0';
        analyze(RECORD_SPF, text, len);
        const struct diag *d = find(RULE_INPUT_NUL);
        assert_non_null(d);
        assert_int_equal(d->start, at);
        assert_null(find(RULE_INPUT_BAD_UTF8));
        text[at] = (char)0xc3; /* a lead byte with no continuation */
        analyze(RECORD_SPF, text, len);
        d = find(RULE_INPUT_BAD_UTF8);
        assert_non_null(d);
        assert_int_equal(d->start, at);
        assert_null(find(RULE_INPUT_NUL));
        text[at] = saved;
    }
    /* Valid UTF-8 after an ASCII run is no error. */
    ANALYZE("v=spf1 a:mail.example.com -all exp=caf\xc3\xa9.example");
    assert_null(find(RULE_INPUT_BAD_UTF8));
}

/* The text output of a record is the model: format then analyze again
 * gives the same terms (parse(format(m)) == m through the public API). */
static void test_format_round_trip_through_record(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "v=spf1   ip4:192.0.2.0/24  include:_spf.example.net  a:mail.example.com/24//64 ~all",
        "v=DMARC1;p=quarantine;  rua=mailto:a@example.com,mailto:b@example.net;fo=0:d",
        "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    };
    for (size_t i = 0; i < 3; i++) {
        struct record again;
        struct strbuf out = STRBUF_INIT;
        record_init(&again);
        analyze(RECORD_UNKNOWN, texts[i], strlen(texts[i]));
        record_format(&r, &out);
        assert_true(record_analyze(&again, RECORD_UNKNOWN, strbuf_cstr(&out), out.len, 0));
        assert_int_equal(again.terms.count, r.terms.count);
        for (size_t t = 0; t < r.terms.count; t++) {
            assert_string_equal(again.terms.items[t].id, r.terms.items[t].id);
            const char *v1 = r.terms.items[t].value_id, *v2 = again.terms.items[t].value_id;
            assert_true((v1 == NULL) == (v2 == NULL));
            if (v1)
                assert_string_equal(v1, v2);
        }
        assert_int_equal(diag_list_status(&again.diags), diag_list_status(&r.diags));
        record_free(&again);
        strbuf_free(&out);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_detect_kinds),
        T(test_seed_dmarc_nbsp_is_a_bad_uri_and_nothing_about_p),
        T(test_seed_dmarc_policy_none),
        T(test_seed_mangled_dkim_key_is_an_error),
        T(test_seed_1024_bit_key_is_weak),
        T(test_seed_dkim_signature_flat_and_folded),
        T(test_seed_softfail_with_p_none_together),
        T(test_empty_and_blank_input),
        T(test_nul_and_bad_utf8_are_named),
        T(test_unknown_kind_is_diagnosed),
        T(test_garbage_and_oversize_input),
        T(test_many_terms_and_repeated_tags),
        T(test_format_round_trip_through_record),
        T(test_ten_thousand_spf_terms_diagnosed_once),
        T(test_ten_thousand_repeated_tags),
        T(test_diag_sort_stable_on_any_order),
        T(test_input_checks_at_every_offset),
    };
    return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
