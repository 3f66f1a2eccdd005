/* Drafts saved and read back through the SPF draft marker (zone_edit.h,
 * ZONE_EDIT_SPF_MARKER): an SPF draft whose text is not SPF-like reopens as
 * the SPF draft, beside a site-verification TXT, after the marker was
 * moved or copied by hand, and zones without markers read as before.  The
 * invariant keyfuzz checks: what a save writes, drafts_from_zone reads
 * back, and a second save rewrites the same record. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/drafts.h"
#include "authtxt/zone_edit.h"

static bool text_is(const struct drafts *d, enum draft_slot slot, const char *want)
{
    const struct record *r = &d->rec[slot];
    if (r->len == strlen(want) && (r->len == 0 || memcmp(r->text, want, r->len) == 0))
        return true;
    print_message("slot %d holds '%.*s', expected '%s'\n", (int)slot, (int)r->len,
                  r->text ? r->text : "", want);
    return false;
}

static size_t markers_in(const char *s)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, ZONE_EDIT_SPF_MARKER)) != NULL; p++)
        n++;
    return n;
}

/* Save d into `file` in place as the editor does (zone_edit_rewrite of
 * drafts_zone_edit_drafts, the domain as origin); out receives the new
 * file. */
static void save_into(const struct drafts *d, const char *file, struct strbuf *out,
                      struct zone_edit_result *res)
{
    struct zone_edit_draft zd[DRAFTS_ZONE_MAX];
    struct strbuf owners[DRAFTS_ZONE_MAX];
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_init(&owners[i]);
    size_t n = drafts_zone_edit_drafts(d, zd, owners);
    struct zone_edit_options opt = {d->domain, false, 0};
    strbuf_reset(out);
    assert_true(zone_edit_rewrite(file, strlen(file), zd, n, &opt, out, res, NULL));
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_free(&owners[i]);
}

/* Open `file` into d (must find drafts). */
static void open_zone(struct drafts *d, const char *file)
{
    struct diag_list diags;
    diag_list_init(&diags);
    if (!drafts_from_zone(d, file, strlen(file), &diags)) {
        unit_print_diags(&diags);
        fail();
    }
    diag_list_free(&diags);
}

/* SPF drafts of every text that is not SPF-like go to a new file (the
 * fragment) and come back as the SPF draft, marked once; SPF-like ones are
 * not marked and come back too.  The DMARC and DKIM drafts beside them stay
 * theirs. */
static void test_fragment_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t markers;
    } cases[] = {
        {" P=none2", 1},
        {"v=DMARC1; p=none", 1},
        {"v=DKIM1; k=rsa; p=", 1},
        {"spf2.0/pra -all", 1},
        {"google-site-verification=abc", 1},
        {"x\"y\\z; authtxt: spf draft", 2}, /* one quoted */
        {"v=spf1 a -all", 0},
        {"v=spf 1 -all", 0}, /* (not the template's text) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct drafts d, back;
        drafts_init(&d);
        drafts_init(&back);
        drafts_load_template(&d);
        assert_true(drafts_set_domain(&d, "example.net"));
        drafts_set_text(&d, DRAFT_SPF, cases[i].text, strlen(cases[i].text));
        drafts_set_text(&d, DRAFT_DMARC, "v=DMARC1; p=reject", 18);
        struct strbuf zone = STRBUF_INIT;
        drafts_to_zone(&d, &zone);
        if (markers_in(strbuf_cstr(&zone)) != cases[i].markers) {
            print_message("case '%s':\n%s", cases[i].text, strbuf_cstr(&zone));
            fail();
        }
        open_zone(&back, strbuf_cstr(&zone));
        assert_string_equal(back.domain, "example.net");
        assert_true(text_is(&back, DRAFT_SPF, cases[i].text));
        assert_true(text_is(&back, DRAFT_DMARC, "v=DMARC1; p=reject"));
        assert_int_equal(back.origin[DRAFT_SPF], DRAFT_ORIGIN_LOADED);
        strbuf_free(&zone);
        drafts_free(&back);
        drafts_free(&d);
    }
}

/* The admin's zone holds a site-verification TXT at the domain before its
 * SPF record.  The SPF draft is made " P=none2" and saved: its record
 * (the SPF one) is rewritten and marked, and reopens as the SPF draft, not
 * the site-verification text.  Saved again unchanged: the same bytes.
 * Made SPF-like again: the same record, marker kept once. */
static void test_admin_zone_round_trip(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n"
                       "$TTL 3600\n"
                       "@ IN SOA ns1 host 2024010101 7200 900 1209600 300\n"
                       "@ IN NS ns1\n"
                       "@ IN TXT \"google-site-verification=abc\"\n"
                       "@ IN TXT \"v=spf1 mx -all\" ; our mail\n"
                       "_dmarc IN TXT \"v=DMARC1; p=none\"\n";
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    open_zone(&d, file);
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 mx -all"));
    assert_true(drafts_set_text(&d, DRAFT_SPF, " P=none2", 8));
    struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
    struct zone_edit_result res;
    save_into(&d, file, &out, &res);
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 6);
    assert_non_null(
        strstr(strbuf_cstr(&out), "@ IN TXT \" P=none2\" ; our mail ; authtxt: spf draft\n"));
    open_zone(&back, strbuf_cstr(&out));
    assert_true(text_is(&back, DRAFT_SPF, " P=none2"));
    assert_true(text_is(&back, DRAFT_DMARC, "v=DMARC1; p=none"));

    /* The reopened drafts saved again: nothing changes. */
    save_into(&back, strbuf_cstr(&out), &again, &res);
    assert_int_equal(res.changes, 0);
    assert_string_equal(strbuf_cstr(&again), strbuf_cstr(&out));

    /* Back to an SPF record: the marked record again, one marker. */
    assert_true(drafts_set_text(&back, DRAFT_SPF, "v=spf1 a -all", 13));
    save_into(&back, strbuf_cstr(&out), &again, &res);
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 6);
    assert_int_equal(markers_in(strbuf_cstr(&again)), 1);
    drafts_free(&back);
    drafts_init(&back);
    open_zone(&back, strbuf_cstr(&again));
    assert_true(text_is(&back, DRAFT_SPF, "v=spf1 a -all"));
    assert_non_null(strstr(strbuf_cstr(&again), "\"google-site-verification=abc\"\n"));
    strbuf_free(&out);
    strbuf_free(&again);
    drafts_free(&back);
    drafts_free(&d);
}

/* Two candidate TXT records at the domain, the marked one second: the
 * marked one is the draft, in the reader and the writer. */
static void test_marked_record_beats_earlier_spf(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n$TTL 300\n"
                       "@ TXT \"v=spf1 -all\"\n"
                       "@ TXT \"site-verification=1\"\n"
                       "@ TXT \" P=none2\" ; authtxt: spf draft\n";
    struct drafts d;
    drafts_init(&d);
    open_zone(&d, file);
    assert_true(text_is(&d, DRAFT_SPF, " P=none2"));
    assert_true(drafts_set_text(&d, DRAFT_SPF, "v=spf1 mx -all", 14));
    struct strbuf out = STRBUF_INIT;
    struct zone_edit_result res;
    save_into(&d, file, &out, &res);
    assert_int_equal(res.drafts[0].line, 5);
    assert_int_equal(res.drafts[0].others, 1);
    assert_string_equal(strbuf_cstr(&out), "$ORIGIN example.com.\n$TTL 300\n"
                                           "@ TXT \"v=spf1 -all\"\n"
                                           "@ TXT \"site-verification=1\"\n"
                                           "@ TXT \"v=spf1 mx -all\" ; authtxt: spf draft\n");
    strbuf_free(&out);
    drafts_free(&d);
}

/* The marker moved or copied by hand.  Moved onto the site-verification
 * record: that record is the SPF draft (the marker says so), and a save
 * writes the draft there, so it reads back.  Copied onto two records: the
 * first.  Moved onto a line of its own: no marker, the rules of unmarked
 * zones apply. */
static void test_marker_moved_or_copied(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *spf; /* the SPF draft opened */
        size_t line;     /* the record a changed draft is written into */
    } cases[] = {
        {"$ORIGIN example.com.\n$TTL 300\n"
         "@ TXT \"v=spf1 -all\"\n"
         "@ TXT \"site-verification=1\" ; authtxt: spf draft\n",
         "site-verification=1", 4},
        {"$ORIGIN example.com.\n$TTL 300\n"
         "@ TXT \"a\" ; authtxt: spf draft\n"
         "@ TXT \"b\" ; Authtxt: SPF draft ; authtxt: spf draft\n",
         "a", 3},
        {"$ORIGIN example.com.\n$TTL 300\n"
         "; authtxt: spf draft\n"
         "@ TXT \"site-verification=1\"\n"
         "@ TXT \"v=spf1 -all\"\n",
         "v=spf1 -all", 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct drafts d, back;
        drafts_init(&d);
        drafts_init(&back);
        open_zone(&d, cases[i].file);
        assert_true(text_is(&d, DRAFT_SPF, cases[i].spf));
        assert_true(drafts_set_text(&d, DRAFT_SPF, "not spf", 7));
        struct strbuf out = STRBUF_INIT;
        struct zone_edit_result res;
        save_into(&d, cases[i].file, &out, &res);
        assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
        assert_int_equal(res.drafts[0].line, cases[i].line);
        open_zone(&back, strbuf_cstr(&out));
        assert_true(text_is(&back, DRAFT_SPF, "not spf"));
        strbuf_free(&out);
        drafts_free(&back);
        drafts_free(&d);
    }
}

/* A zone written by hand or by an older authtxt, no marker anywhere: it
 * opens as before (SPF by its text, the others by owner; a site
 * verification TXT is no SPF draft).  A non-SPF-like SPF draft saved into
 * it is added beside that TXT, marked, and reads back; the admin's TXT
 * keeps its text. */
static void test_old_unmarked_zone(void **state)
{
    (void)state;
    const char *old = "; written by authtxt 1\n"
                      "example.com. 3600 IN TXT \"v=spf1 include:_spf.example.net -all\"\n"
                      "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=quarantine\"\n"
                      "s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; k=rsa; p=\"\n";
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    open_zone(&d, old);
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 include:_spf.example.net -all"));
    assert_true(text_is(&d, DRAFT_DMARC, "v=DMARC1; p=quarantine"));
    assert_true(text_is(&d, DRAFT_DKIM, "v=DKIM1; k=rsa; p="));
    struct strbuf out = STRBUF_INIT;
    struct zone_edit_result res;
    save_into(&d, old, &out, &res); /* nothing changed: the same bytes */
    assert_string_equal(strbuf_cstr(&out), old);

    const char *verif = "$ORIGIN example.com.\n$TTL 300\n"
                        "@ TXT \"google-site-verification=abc\"\n"
                        "_dmarc TXT \"v=DMARC1; p=none\"\n";
    drafts_free(&d);
    drafts_init(&d);
    open_zone(&d, verif);
    assert_int_equal(d.rec[DRAFT_SPF].len, 0);
    assert_true(drafts_set_text(&d, DRAFT_SPF, " P=none2", 8));
    save_into(&d, verif, &out, &res);
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_ADDED);
    assert_string_equal(strbuf_cstr(&out), "$ORIGIN example.com.\n$TTL 300\n"
                                           "@ TXT \"google-site-verification=abc\"\n"
                                           "  300 IN TXT \" P=none2\" ; authtxt: spf draft\n"
                                           "_dmarc TXT \"v=DMARC1; p=none\"\n");
    open_zone(&back, strbuf_cstr(&out));
    assert_true(text_is(&back, DRAFT_SPF, " P=none2"));
    strbuf_free(&out);
    drafts_free(&back);
    drafts_free(&d);
}

/* The reader picks the record the writer writes: a TXT record of class IN
 * before an SPF-type record (RFC 7208 §3.1) or a record of another class
 * at the same name, for every kind of draft; a report authorization is no
 * draft.  Then load, edit, save, load gives the edit back. */
static void test_reader_prefers_txt_in(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n$TTL 300\n"
                       "@ SPF \"v=spf1 a -all\"\n"
                       "@ IN TXT \"v=spf1 mx -all\"\n"
                       "_dmarc CH TXT \"v=DMARC1; p=none\"\n"
                       "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
                       "s1._domainkey CH TXT \"v=DKIM1; p=\"\n"
                       "s2._domainkey IN TXT \"v=DKIM1; k=ed25519; p=\"\n"
                       "s1._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n";
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    open_zone(&d, file);
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 mx -all"));
    assert_true(text_is(&d, DRAFT_DMARC, "v=DMARC1; p=reject"));
    assert_int_equal(drafts_dkim_count(&d), 2);
    assert_int_equal(drafts_dkim_current(&d), 0);
    assert_string_equal(drafts_dkim_selector(&d, 0), "s1");
    const struct record *s1 = drafts_dkim_record(&d, 0);
    assert_int_equal(s1->len, strlen("v=DKIM1; k=rsa; p="));
    assert_memory_equal(s1->text, "v=DKIM1; k=rsa; p=", s1->len);

    assert_true(drafts_set_text(&d, DRAFT_SPF, "v=spf1 -all", 11));
    assert_true(drafts_set_text(&d, DRAFT_DMARC, "v=DMARC1; p=quarantine", 22));
    assert_true(drafts_set_text(&d, DRAFT_DKIM, "v=DKIM1; k=rsa; p=AAAA", 22));
    struct strbuf out = STRBUF_INIT;
    struct zone_edit_result res;
    save_into(&d, file, &out, &res);
    open_zone(&back, strbuf_cstr(&out));
    assert_true(text_is(&back, DRAFT_SPF, "v=spf1 -all"));
    assert_true(text_is(&back, DRAFT_DMARC, "v=DMARC1; p=quarantine"));
    assert_true(text_is(&back, DRAFT_DKIM, "v=DKIM1; k=rsa; p=AAAA"));
    assert_non_null(strstr(strbuf_cstr(&out), "@ SPF \"v=spf1 a -all\"\n"));
    assert_non_null(strstr(strbuf_cstr(&out), "_dmarc CH TXT \"v=DMARC1; p=none\"\n"));

    /* A report authorization under _dmarc of a name is not its DMARC
     * draft. */
    const char *report = "$ORIGIN example.com.\n$TTL 300\n"
                         "_dmarc.x._report._dmarc IN TXT \"v=DMARC1\"\n"
                         "@ IN TXT \"v=spf1 -all\"\n";
    drafts_free(&back);
    drafts_init(&back);
    open_zone(&back, report);
    assert_string_equal(back.domain, "example.com");
    assert_int_equal(back.rec[DRAFT_DMARC].len, 0);
    strbuf_free(&out);
    drafts_free(&back);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fragment_round_trip),
        cmocka_unit_test(test_admin_zone_round_trip),
        cmocka_unit_test(test_marked_record_beats_earlier_spf),
        cmocka_unit_test(test_marker_moved_or_copied),
        cmocka_unit_test(test_old_unmarked_zone),
        cmocka_unit_test(test_reader_prefers_txt_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
