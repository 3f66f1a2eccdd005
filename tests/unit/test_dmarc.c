/* The DMARC parser, formatter and lint rules (RFC 9989, RFC 7489): each
 * rule with a record that fires it and a close one that does not, spans
 * checked; round trips; hostile input. */
#include "test_dmarc.h"


/* ---- the records of the CLI contract and the seed ------------------------ */

static void test_clean_record_has_no_warning(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:dmarc@example.com");
    assert_clean();
    assert_int_equal(diags.count, 0);
    assert_int_equal(rec.p, DMARC_POLICY_REJECT);
    assert_true(rec.version_ok);
}

static void test_p_none_gives_warnings_only(void **state)
{
    (void)state;
    lint("v=DMARC1; p=none; rua=mailto:dmarc@example.com");
    assert_rule_span(RULE_DMARC_POLICY_NONE, "p=none");
    assert_int_equal(diag_list_max_severity(&diags), DIAG_WARNING);
}

/* An address copied from a web page whose e-mail obfuscation replaced it:
 * "email<U+00A0>protected".  One error, on the rua value, naming the
 * character and its byte; nothing about p. */
static void test_seed_email_protection(void **state)
{
    (void)state;
    lint("v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:email\xc2\xa0protected");
    assert_rule_span(RULE_DMARC_BAD_URI, "mailto:email\xc2\xa0protected");
    assert_rule_at(RULE_DMARC_BAD_URI, 40, 63);
    assert_severity(RULE_DMARC_BAD_URI, DIAG_ERROR);
    assert_message_has(RULE_DMARC_BAD_URI, "no-break space (U+00A0)");
    assert_message_has(RULE_DMARC_BAD_URI, "at byte 52");
    assert_message_has(RULE_DMARC_BAD_URI, "e-mail protection");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_BAD_URI), 1);
    assert_no_rule(&diags, RULE_DMARC_SYNTAX);
    assert_no_rule(&diags, RULE_DMARC_MISSING_P);
    assert_no_rule(&diags, RULE_DMARC_BAD_VALUE);
    for (size_t i = 0; i < diags.count; i++) /* nothing touches p=reject [9,17) */
        assert_false(diags.items[i].start < 17 && diags.items[i].end > 9);
    assert_int_equal(rec.p, DMARC_POLICY_REJECT);
    assert_false(dmarc_has_rua(&rec));
}

/* No diagnostic says `part`. */
static void assert_no_rule_message(const char *part)
{
    for (size_t i = 0; i < diags.count; i++)
        if (strstr(diags.items[i].message, part)) {
            print_message("unexpected '%s' in: %s\n", part, diags.items[i].message);
            fail();
        }
}

/* ---- dmarc-version -------------------------------------------------------- */

static void test_version(void **state)
{
    (void)state;
    lint("v=dmarc1; p=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_VERSION, "dmarc1");
    assert_message_has(RULE_DMARC_VERSION, "case-sensitive");

    lint(" v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_rule_at(RULE_DMARC_VERSION, 0, 1);
    assert_message_has(RULE_DMARC_VERSION, "whitespace");

    lint("p=reject; v=DMARC1; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_VERSION, "v=DMARC1");
    assert_message_has(RULE_DMARC_VERSION, "first");

    lint("p=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_VERSION, "p=reject");

    lint("V=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_VERSION, "V");
    assert_no_rule(&diags, RULE_DMARC_CASE);

    lint("v=DMARC2; p=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_VERSION, "DMARC2");

    /* An interoperability note has its own code, not dmarc-version's. */
    lint("v = DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_VERSION);
    assert_rule_span(RULE_DMARC_VERSION_BLANKS, "v = DMARC1");
    assert_severity(RULE_DMARC_VERSION_BLANKS, DIAG_WARNING);

    /* RFC 9989 §4.8: v=DMARC1 is followed by ';' or the end. */
    lint("v=DMARC1 p=reject; rua=mailto:d@example.com");
    assert_false(rec.version_ok);
    assert_rule_span(RULE_DMARC_VERSION, "DMARC1 p=reject");
    assert_message_has(RULE_DMARC_VERSION, "followed by ';' or the end");
    assert_severity(RULE_DMARC_VERSION, DIAG_ERROR);
    lint("v=DMARC1 ; p=reject; rua=mailto:d@example.com");
    assert_true(rec.version_ok);
    assert_no_rule(&diags, RULE_DMARC_VERSION);
    lint("v=DMARC1");
    assert_true(rec.version_ok);

    /* A first tag other than v: the record is discarded, and said so. */
    lint("p=reject; v=DMARC1; rua=mailto:d@example.com");
    assert_false(rec.version_ok);
    assert_rule_span(RULE_DMARC_VERSION, "v=DMARC1");
    assert_message_has(RULE_DMARC_VERSION, "first tag");
    assert_no_rule(&diags, RULE_DMARC_VERSION_BLANKS);
    lint("p = reject; v = DMARC1");
    assert_message_has(RULE_DMARC_VERSION, "first tag");
    assert_no_rule(&diags, RULE_DMARC_VERSION_BLANKS);

    lint("");
    assert_rule(&diags, RULE_DMARC_VERSION);

    lint("v=spf1 -all");
    assert_rule(&diags, RULE_DMARC_VERSION);

    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_VERSION);
    lint("v=DMARC1\t;p=reject;rua=mailto:d@example.com;");
    assert_no_rule(&diags, RULE_DMARC_VERSION);
}

/* ---- dmarc-syntax --------------------------------------------------------- */

static void test_syntax(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; oops; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, "oops");

    lint("v=DMARC1; p=reject; rua:mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, "rua:mailto:d@example.com");
    assert_message_has(RULE_DMARC_SYNTAX, "write rua=mailto:d@example.com");

    lint("v=DMARC1; p=reject; =x; rua=mailto:d@example.com");
    assert_rule(&diags, RULE_DMARC_SYNTAX);

    lint("v=DMARC1; p=reject; p1=x; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, "p1");

    lint("v=DMARC1; p=reject; a-b=x; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, "a-b");

    lint("v=DMARC1; p=reject; foo=b\xc3\xa4r; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, "\xc3\xa4");
    assert_message_has(RULE_DMARC_SYNTAX, "U+00E4");

    /* RFC 9989 §4.8: one ';' between tags, at most one at the end. */
    lint("v=DMARC1;; p=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SYNTAX, ";");
    assert_severity(RULE_DMARC_SYNTAX, DIAG_ERROR);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com;;");
    assert_rule_at(RULE_DMARC_SYNTAX, 45, 46);
    assert_severity(RULE_DMARC_SYNTAX, DIAG_ERROR);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com; ;  ");
    assert_rule(&diags, RULE_DMARC_SYNTAX);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com; ");
    assert_no_rule(&diags, RULE_DMARC_SYNTAX);

    lint("v=DMARC1; p = reject ;rua=mailto:d@example.com;");
    assert_no_rule(&diags, RULE_DMARC_SYNTAX);
    assert_clean();
}

/* ---- dmarc-duplicate-tag -------------------------------------------------- */

static void test_duplicate_tag(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com; p=none");
    assert_rule_span(RULE_DMARC_DUPLICATE_TAG, "p=none");
    assert_message_has(RULE_DMARC_DUPLICATE_TAG, "first at byte 10");
    assert_int_equal(rec.p, DMARC_POLICY_REJECT); /* the first copy is typed */
    assert_no_rule(&diags, RULE_DMARC_POLICY_NONE);

    lint("v=DMARC1; p=reject; P=none; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_DUPLICATE_TAG, "P=none");

    lint("v=DMARC1; p=reject; foo=1; rua=mailto:d@example.com; FOO=2");
    assert_rule_span(RULE_DMARC_DUPLICATE_TAG, "FOO=2");

    lint("v=DMARC1; p=reject; sp=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_DUPLICATE_TAG);
}

/* ---- dmarc-bad-value -------------------------------------------------------- */

static void test_bad_value_policies(void **state)
{
    (void)state;
    lint("v=DMARC1; p=rejct; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_BAD_VALUE, "rejct");
    assert_severity(RULE_DMARC_BAD_VALUE, DIAG_ERROR);
    assert_message_has(RULE_DMARC_BAD_VALUE, "did you mean p=reject?");
    assert_int_equal(rec.p, DMARC_POLICY_INVALID);

    lint("v=DMARC1; p=\"reject\"; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_BAD_VALUE, "quotes");

    lint("v=DMARC1; p=reject; sp=quar; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_BAD_VALUE, "quar");
    assert_message_has(RULE_DMARC_BAD_VALUE, "sp=quarantine");
    assert_message_has(RULE_DMARC_BAD_VALUE, "p=none");

    lint("v=DMARC1; p=reject; np=; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_BAD_VALUE, "np=");
    assert_message_has(RULE_DMARC_BAD_VALUE, "empty");

    lint("v=DMARC1; p=reject\xc2\xa0; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_BAD_VALUE, "no-break space");
    assert_no_rule(&diags, RULE_DMARC_SYNTAX); /* one finding, one diagnostic */

    lint("v=DMARC1; p=Quarantine; sp=none; np=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_BAD_VALUE);
}

static void test_bad_value_others(void **state)
{
    (void)state;
    static const struct {
        const char *record, *span, *message;
        enum diag_severity sev;
    } cases[] = {
        {"v=DMARC1; p=reject; adkim=x; rua=mailto:d@example.com", "x", "default r", DIAG_WARNING},
        {"v=DMARC1; p=reject; aspf=relaxed; rua=mailto:d@example.com", "relaxed", "aspf=r",
         DIAG_WARNING},
        {"v=DMARC1; p=reject; pct=101; rua=mailto:d@example.com", "101", "0 to 100", DIAG_ERROR},
        {"v=DMARC1; p=reject; pct=50%; rua=mailto:d@example.com", "50%", "pct=50", DIAG_ERROR},
        {"v=DMARC1; p=reject; pct=-1; rua=mailto:d@example.com", "-1", "0 to 100", DIAG_ERROR},
        {"v=DMARC1; p=reject; fo=0:1; ruf=mailto:d@example.com", "1", "exclude", DIAG_ERROR},
        {"v=DMARC1; p=reject; fo=1:x; ruf=mailto:d@example.com", "x", "is not 0", DIAG_ERROR},
        {"v=DMARC1; p=reject; fo=1,d; ruf=mailto:d@example.com", ",", "':'", DIAG_ERROR},
        {"v=DMARC1; p=reject; fo=d:d; ruf=mailto:d@example.com", "d", "twice", DIAG_ERROR},
        {"v=DMARC1; p=reject; fo=1::d; ruf=mailto:d@example.com", ":", "empty", DIAG_ERROR},
        {"v=DMARC1; p=reject; psd=x; rua=mailto:d@example.com", "x", "y, n or u", DIAG_ERROR},
        {"v=DMARC1; p=reject; t=yes; rua=mailto:d@example.com", "yes", "t=y?", DIAG_ERROR},
        {"v=DMARC1; p=reject; rf=xml; rua=mailto:d@example.com", "xml", "afrf", DIAG_ERROR},
        {"v=DMARC1; p=reject; ri=1d; rua=mailto:d@example.com", "1d", "86400", DIAG_ERROR},
        {"v=DMARC1; p=reject; ri=99999999999; rua=mailto:d@example.com", "99999999999",
         "4294967295", DIAG_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lint(cases[i].record);
        assert_rule_span(RULE_DMARC_BAD_VALUE, cases[i].span);
        assert_message_has(RULE_DMARC_BAD_VALUE, cases[i].message);
        assert_severity(RULE_DMARC_BAD_VALUE, cases[i].sev);
    }
    lint("v=DMARC1; p=reject; adkim=s; aspf=r; pct=0; fo=1:d:s; psd=n; t=n; rf=afrf:iodef; "
         "ri=86400; ruf=mailto:d@example.com; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_BAD_VALUE);
    assert_int_equal(rec.fo, DMARC_FO_1 | DMARC_FO_D | DMARC_FO_S);
    assert_int_equal(rec.rf, DMARC_RF_AFRF | DMARC_RF_IODEF);
    assert_int_equal(rec.pct, 0);
    assert_int_equal(rec.ri, 86400);
    assert_int_equal(rec.adkim, DMARC_ALIGN_STRICT);
    assert_int_equal(rec.aspf, DMARC_ALIGN_RELAXED);
    assert_int_equal(rec.psd, DMARC_PSD_N);
    assert_int_equal(rec.t, DMARC_YORN_N);
    lint("v=DMARC1; p=reject; fo=d; ruf=mailto:d@example.com; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_BAD_VALUE);
    lint("v=DMARC1; p=reject; pct=007; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_BAD_VALUE);
    assert_int_equal(rec.pct, 7);
}

/* ---- dmarc-bad-uri (details in test_dmarc_uri.c) --------------------------- */

static void test_bad_uri(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=dmarc@example.com");
    assert_rule_span(RULE_DMARC_BAD_URI, "dmarc@example.com");
    assert_message_has(RULE_DMARC_BAD_URI, "mailto:dmarc@example.com");
    lint("v=DMARC1; p=reject; rua=mailto:a@example.com, mailto:b@ex ample.com");
    assert_rule_span(RULE_DMARC_BAD_URI, "mailto:b@ex ample.com");
    lint("v=DMARC1; p=reject; rua=mailto:a@example.com , mailto:b@example.com");
    assert_no_rule(&diags, RULE_DMARC_BAD_URI);
    assert_int_equal(rec.nuris, 2);
}

/* ---- dmarc-missing-p ------------------------------------------------------- */

static void test_missing_p(void **state)
{
    (void)state;
    const char *s = "v=DMARC1; rua=mailto:d@example.com";
    lint(s);
    assert_rule_at(RULE_DMARC_MISSING_P, strlen(s), strlen(s));
    assert_message_has(RULE_DMARC_MISSING_P, "act as if p=none");
    assert_message_has(RULE_DMARC_MISSING_P, "RFC 7489");
    assert_severity(RULE_DMARC_MISSING_P, DIAG_WARNING);

    lint("v=DMARC1; sp=reject");
    assert_message_has(RULE_DMARC_MISSING_P, "no DMARC at all");

    lint("v=DMARC1; p=rejct; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_MISSING_P, "p=rejct");

    lint("v=DMARC1; p=quarantine; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_MISSING_P);
}

static void test_policy_none(void **state)
{
    (void)state;
    lint("v=DMARC1; p=none; sp=reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_POLICY_NONE, "p=none");
    lint("v=DMARC1; p=quarantine; sp=none; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_POLICY_NONE);
}

static void test_sp_weaker(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SP_WEAKER, "sp=none");
    lint("v=DMARC1; p=reject; np=quarantine; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_SP_WEAKER, "np=quarantine");
    assert_message_has(RULE_DMARC_SP_WEAKER, "non-existent");
    lint("v=DMARC1; p=reject; sp=reject; np=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_SP_WEAKER);
    lint("v=DMARC1; p=none; sp=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_SP_WEAKER);
}

static void test_no_rua(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject");
    assert_rule_at(RULE_DMARC_NO_RUA, 18, 18);
    assert_severity(RULE_DMARC_NO_RUA, DIAG_WARNING);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_NO_RUA);
}

static void test_removed_tags(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_REMOVED_TAG, "pct=100");
    assert_message_has(RULE_DMARC_REMOVED_TAG, "default");
    lint("v=DMARC1; p=reject; pct=0; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_REMOVED_TAG, "t=y");
    lint("v=DMARC1; p=reject; rf=afrf; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_REMOVED_TAG, "rf=afrf");
    lint("v=DMARC1; p=reject; ri=86400; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_REMOVED_TAG, "ri=86400");
    lint("v=DMARC1; p=reject; t=y; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_REMOVED_TAG);
}

static void test_pct_partial(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; pct=50; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_PCT_PARTIAL, "pct=50");
    assert_message_has(RULE_DMARC_PCT_PARTIAL, "RFC 9989 ignores pct");
    assert_message_has(RULE_DMARC_PCT_PARTIAL, "quarantine the rest");
    lint("v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_PCT_PARTIAL);
    lint("v=DMARC1; p=reject; pct=0; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_PCT_PARTIAL);
}

static void test_size_suffix(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com!10m");
    assert_rule_span(RULE_DMARC_SIZE_SUFFIX, "!10m");
    assert_no_rule(&diags, RULE_DMARC_BAD_URI);
    assert_int_equal(rec.uris[0].size_bytes, 10ULL << 20);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_SIZE_SUFFIX);
}

static void test_unknown_tag(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; adkmi=s; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_UNKNOWN_TAG, "adkmi=s");
    assert_message_has(RULE_DMARC_UNKNOWN_TAG, "did you mean adkim=?");
    lint("v=DMARC1; p=reject; ruaa=mailto:d@example.com");
    assert_message_has(RULE_DMARC_UNKNOWN_TAG, "did you mean rua=?");
    lint("v=DMARC1; p=reject; policy=x; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_UNKNOWN_TAG, "remove it");
    lint("v=DMARC1; p=reject; x=1; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_UNKNOWN_TAG, "remove it"); /* no guess for one letter */
    lint("v=DMARC1; p=reject; adkim=s; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_UNKNOWN_TAG);
}

static void test_p_not_second(void **state)
{
    (void)state;
    lint("v=DMARC1; rua=mailto:d@example.com; p=reject");
    assert_rule_span(RULE_DMARC_P_NOT_SECOND, "p=reject");
    assert_severity(RULE_DMARC_P_NOT_SECOND, DIAG_INFO);
    assert_clean();
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_P_NOT_SECOND);
}

static void test_testing(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; t=y; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_TESTING, "t=y");
    assert_message_has(RULE_DMARC_TESTING, "p=reject acts as quarantine");
    assert_severity(RULE_DMARC_TESTING, DIAG_INFO);
    /* p=none with sp/np set: those are applied one level down too. */
    lint("v=DMARC1; p=none; t=y; sp=reject; np=quarantine; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_TESTING, "sp=reject acts as quarantine");
    assert_message_has(RULE_DMARC_TESTING, "np=quarantine acts as none");
    assert_no_rule_message("changes nothing");
    lint("v=DMARC1; p=none; t=y; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_TESTING, "changes nothing");
    lint("v=DMARC1; p=quarantine; sp=none; t=y; rua=mailto:d@example.com");
    assert_message_has(RULE_DMARC_TESTING, "p=quarantine acts as none");
    assert_no_rule_message("sp=none acts");
    lint("v=DMARC1; p=reject; t=n; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_TESTING);
}

static void test_bis_tags(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; np=reject; psd=n; t=n; rua=mailto:d@example.com");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_BIS_TAG), 3);
    assert_rule_span(RULE_DMARC_BIS_TAG, "np=reject");
    assert_clean();
    lint("v=DMARC1; p=reject; sp=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_BIS_TAG);
}

static void test_ruf_and_fo(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1");
    assert_rule_span(RULE_DMARC_RUF_RARELY_SENT, "ruf=mailto:f@example.com");
    assert_no_rule(&diags, RULE_DMARC_FO_WITHOUT_RUF);
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com; fo=1");
    assert_rule_span(RULE_DMARC_FO_WITHOUT_RUF, "fo=1");
    assert_no_rule(&diags, RULE_DMARC_RUF_RARELY_SENT);
}

static void test_ri_ignored(void **state)
{
    (void)state;
    lint("v=DMARC1; p=reject; ri=3600; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_RI_IGNORED, "ri=3600");
    assert_message_has(RULE_DMARC_RI_IGNORED, "1 hour");
    lint("v=DMARC1; p=reject; ri=86400; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_RI_IGNORED);
}

static void test_case(void **state)
{
    (void)state;
    lint("v=DMARC1; P=Reject; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_CASE, "P=Reject");
    assert_message_has(RULE_DMARC_CASE, "p=reject");
    assert_int_equal(rec.p, DMARC_POLICY_REJECT);
    lint("v=DMARC1; p=reject; fo=D; ruf=mailto:d@example.com; rua=mailto:d@example.com");
    assert_rule_span(RULE_DMARC_CASE, "fo=D");
    lint("v=DMARC1; p=reject; rua=MAILTO:d@Example.com");
    assert_no_rule(&diags, RULE_DMARC_CASE); /* URI schemes and hosts ignore case */
    lint("v=DMARC1; p=reject; rua=mailto:d@example.com");
    assert_no_rule(&diags, RULE_DMARC_CASE);
}

/* ---- format and round trips ------------------------------------------------ */

static void test_format_canonical(void **state)
{
    (void)state;
    lint("v=DMARC1;P = Reject ;  rua=mailto:a@example.com ,MAILTO:b@example.com!10M; fo=D : 1;"
         "pct=050; x=Y z; oops");
    strbuf_reset(&sb);
    dmarc_format(&rec, &sb);
    assert_string_equal(strbuf_cstr(&sb), "v=DMARC1; p=reject; rua=mailto:a@example.com,"
                                          "MAILTO:b@example.com!10M; fo=d:1; pct=50; x=Y z; oops");
}

static void test_round_trip(void **state)
{
    (void)state;
    static const char *const records[] = {
        "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
        "v=DMARC1;p=reject;sp=reject;pct=100;rua=mailto:email\xc2\xa0protected",
        " v = DMARC1 ; P=none;;sp=bogus; rua=, ,mailto:x@y.example!1k;ruf=https://r.example/x",
        "v=DMARC1; =x; oops; p1=3; fo=0:1; fo=s; ri=abc; t=Y; psd=U; np=quarantine",
        "p=reject; v=DMARC2; rua=dmarc@example.com",
        "",
        ";;;",
        "v=DMARC1; x=\x01\x7f; y=\xff\xfe",
    };
    struct dmarc_record again;
    struct diag_list scratch;
    struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
    dmarc_record_init(&again);
    diag_list_init(&scratch);
    for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
        lint(records[i]);
        strbuf_reset(&once);
        dmarc_format(&rec, &once);
        assert_true(dmarc_parse(&again, strbuf_cstr(&once), once.len, &scratch));
        if (!dmarc_equal(&rec, &again)) {
            print_message("round trip changed \"%s\" -> \"%s\"\n", records[i], strbuf_cstr(&once));
            fail();
        }
        strbuf_reset(&twice);
        dmarc_format(&again, &twice);
        assert_string_equal(strbuf_cstr(&once), strbuf_cstr(&twice));
    }
    /* Equality looks at values, not spans or spacing; it tells values apart. */
    lint("v=DMARC1; p=reject");
    assert_true(dmarc_parse(&again, "v=DMARC1;p=quarantine", 21, &scratch));
    assert_false(dmarc_equal(&rec, &again));
    strbuf_free(&once);
    strbuf_free(&twice);
    diag_list_free(&scratch);
    dmarc_record_free(&again);
}

/* ---- terms and help ids ---------------------------------------------------- */

static void test_terms(void **state)
{
    (void)state;
    lint("v=DMARC1; p=quarantine; sp=reject; np=none; adkim=s; aspf=r; fo=1; psd=u; t=y; "
         "rf=afrf; pct=50; ri=60; rua=mailto:a@example.com; ruf=mailto:b@example.com; zz=1; "
         "fo=0:d; p=bogus");
    struct term_list tl;
    term_list_init(&tl);
    dmarc_terms(&rec, &tl);
    assert_int_equal(tl.count, rec.count);
    static const struct {
        const char *id, *value_id;
    } want[] = {
        {"dmarc.tag.v", NULL},
        {"dmarc.tag.p", "dmarc.tag.p.quarantine"},
        {"dmarc.tag.sp", "dmarc.tag.sp.reject"},
        {"dmarc.tag.np", "dmarc.tag.np.none"},
        {"dmarc.tag.adkim", "dmarc.tag.adkim.s"},
        {"dmarc.tag.aspf", "dmarc.tag.aspf.r"},
        {"dmarc.tag.fo", "dmarc.tag.fo.1"},
        {"dmarc.tag.psd", "dmarc.tag.psd.u"},
        {"dmarc.tag.t", "dmarc.tag.t.y"},
        {"dmarc.tag.rf", "dmarc.tag.rf.afrf"},
        {"dmarc.tag.pct", NULL},
        {"dmarc.tag.ri", NULL},
        {"dmarc.tag.rua", NULL},
        {"dmarc.tag.ruf", NULL},
        {"dmarc.tag.unknown", NULL},
        {"dmarc.tag.fo", NULL}, /* a list of two */
        {"dmarc.tag.p", NULL},  /* invalid */
    };
    assert_int_equal(tl.count, sizeof want / sizeof *want);
    size_t nids;
    const char *const *ids = dmarc_help_ids(&nids);
    for (size_t i = 0; i < tl.count; i++) {
        assert_string_equal(tl.items[i].id, want[i].id);
        if (want[i].value_id)
            assert_string_equal(tl.items[i].value_id, want[i].value_id);
        else
            assert_null(tl.items[i].value_id);
        /* Every id a term carries is in the help id list. */
        for (int pass = 0; pass < 2; pass++) {
            const char *id = pass ? tl.items[i].value_id : tl.items[i].id;
            size_t k = 0;
            while (id && k < nids && strcmp(ids[k], id) != 0)
                k++;
            assert_true(!id || k < nids);
        }
    }
    assert_int_equal(tl.items[1].start, 10);
    assert_int_equal(tl.items[1].end, 22);
    assert_int_equal(tl.items[1].value_start, 12);
    term_list_free(&tl);
}

static void test_help_ids(void **state)
{
    (void)state;
    size_t n;
    const char *const *ids = dmarc_help_ids(&n);
    assert_int_equal(n, 39);
    for (size_t i = 0; i < n; i++) {
        assert_true(strncmp(ids[i], "dmarc.tag.", 10) == 0);
        for (size_t j = i + 1; j < n; j++)
            assert_true(strcmp(ids[i], ids[j]) != 0);
    }
}

/* ---- hostile input ---------------------------------------------------------- */

/* Parse + lint + format of text[0..len): it must succeed and stay bounded.
 * How long it takes is measured by `make bench` (hostile input: DMARC
 * rows), never asserted here. */
static void chew(const char *s, size_t len)
{
    diag_list_reset(&diags);
    assert_true(dmarc_parse(&rec, s, len, &diags));
    dmarc_lint(&rec, &diags);
    strbuf_reset(&sb);
    dmarc_format(&rec, &sb);
    assert_false(sb.failed);
    assert_true(diags.count <= DIAG_LIST_MAX);
}

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    *len = n * times;
    return s;
}

static void test_hostile_input(void **state)
{
    (void)state;
    /* 64 KiB of garbage: every byte value, NULs included. */
    size_t n = 65536;
    char *g = malloc(n);
    assert_non_null(g);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        g[i] = (char)(x & 0xff);
    }
    chew(g, n);
    assert_rule(&diags, RULE_DMARC_VERSION);
    /* Garbage made of separators and '=': many tags. */
    for (size_t i = 0; i < n; i++)
        g[i] = "=;,: a!\xc2\xa0"[(unsigned char)g[i] % 9];
    chew(g, n);
    free(g);

    /* NUL bytes inside a record: not C strings. */
    static const char nul[] = "v=DMARC1; p=re\0ject; rua=mailto:d@exa\0mple.com";
    lint("");
    chew(nul, sizeof nul - 1);
    assert_int_equal(rec.p, DMARC_POLICY_INVALID);
    assert_true(diag_list_has(&diags, RULE_DMARC_BAD_VALUE));
    assert_true(diag_list_has(&diags, RULE_DMARC_BAD_URI));

    /* Invalid UTF-8 in a value. */
    lint("v=DMARC1; p=reject; rua=mailto:d@ex\xc3(ample.com");
    assert_message_has(RULE_DMARC_BAD_URI, "not UTF-8");

    /* 10,000 tags: the tokenizer keeps 1024 and says so. */
    size_t len;
    char *many = repeat("a=b;", 10000, &len);
    chew(many, len);
    assert_rule(&diags, RULE_DMARC_SYNTAX);
    assert_true(rec.count <= TAGLIST_MAX_TAGS);
    free(many);

    /* One tag 5,000 times: duplicates found, output capped. */
    char *dup5 = repeat("p=reject;", 5000, &len);
    chew(dup5, len);
    assert_int_equal(diag_list_count_rule(&diags, RULE_DMARC_DUPLICATE_TAG), 17);
    assert_message_has(RULE_DMARC_SYNTAX, "more than 1024 tags");
    free(dup5);
    char *unk = repeat("zz=1;", 5000, &len);
    chew(unk, len);
    assert_rule(&diags, RULE_DMARC_DUPLICATE_TAG);
    free(unk);

    /* A rua list of 10,000 URIs, and one of 10,000 bad ones. */
    char *list = repeat("mailto:d@example.com,", 10000, &len);
    char *rec_text = malloc(len + 32);
    assert_non_null(rec_text);
    int k = snprintf(rec_text, len + 32, "v=DMARC1; p=reject; rua=%.*s", (int)len - 1, list);
    chew(rec_text, (size_t)k);
    assert_int_equal(rec.nuris, 10000);
    assert_no_rule(&diags, RULE_DMARC_BAD_URI);
    for (size_t i = 0; i < len; i += 21)
        list[i + 8] = ' ';
    k = snprintf(rec_text, len + 32, "v=DMARC1; p=reject; rua=%.*s", (int)len - 1, list);
    chew(rec_text, (size_t)k);
    assert_true(diags.count <= DIAG_LIST_MAX);
    assert_true(diags.dropped > 0);
    free(list);
    free(rec_text);
}

/* Re-parsing into a warm model allocates nothing new: the arena and the
 * arrays are reused (checked through stable array addresses). */
static void test_warm_reparse_reuses_memory(void **state)
{
    (void)state;
    const char *s = "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@example.com; fo=1";
    lint(s);
    struct dmarc_tag *tags = rec.tags;
    struct dmarc_uri *uris = rec.uris;
    for (int i = 0; i < 100; i++)
        lint(s);
    assert_ptr_equal(tags, rec.tags);
    assert_ptr_equal(uris, rec.uris);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dmarc_setup, dmarc_teardown)
    const struct CMUnitTest tests[] = {
        T(test_clean_record_has_no_warning),
        T(test_p_none_gives_warnings_only),
        T(test_seed_email_protection),
        T(test_version),
        T(test_syntax),
        T(test_duplicate_tag),
        T(test_bad_value_policies),
        T(test_bad_value_others),
        T(test_bad_uri),
        T(test_missing_p),
        T(test_policy_none),
        T(test_sp_weaker),
        T(test_no_rua),
        T(test_removed_tags),
        T(test_pct_partial),
        T(test_size_suffix),
        T(test_unknown_tag),
        T(test_p_not_second),
        T(test_testing),
        T(test_bis_tags),
        T(test_ruf_and_fo),
        T(test_ri_ignored),
        T(test_case),
        T(test_format_canonical),
        T(test_round_trip),
        T(test_terms),
        T(test_help_ids),
        T(test_hostile_input),
        T(test_warm_reparse_reuses_memory),
    };
#undef T
    return cmocka_run_group_tests_name("dmarc", tests, NULL, NULL);
}
