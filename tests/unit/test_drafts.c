/* drafts: one domain's three drafts, their cross lint, the edit
 * operations, undo/redo, origins, the size check and the zone fragment
 * they are saved as (write, then read back). */
#include "unit.h"

#include <stdio.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/drafts.h"
#include "authtxt/spf.h"
#include "test_dkim_keys.h"

/* Everything a refused edit must leave as it was, captured as text: the
 * three texts and their diagnostics, the cross lint, names, TTL, origins
 * and the history's depth and labels. */
static void capture(const struct drafts *d, struct strbuf *out)
{
    strbuf_reset(out);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *r = &d->rec[s];
        strbuf_printf(out, "[%d] origin %d len %zu: ", s, (int)d->origin[s], r->len);
        strbuf_append(out, r->text ? r->text : "", r->len);
        strbuf_putc(out, '\n');
        for (size_t i = 0; i < r->diags.count; i++)
            strbuf_printf(out, "  %s [%zu,%zu) %s\n", rule_get(r->diags.items[i].rule)->code,
                          r->diags.items[i].start, r->diags.items[i].end,
                          r->diags.items[i].message);
        strbuf_printf(out, "  terms %zu\n", r->terms.count);
    }
    for (size_t i = 0; i < d->cross.count; i++)
        strbuf_printf(out, "cross %s\n", rule_get(d->cross.items[i].rule)->code);
    strbuf_printf(out, "%s %s %u\n", d->domain, d->selector, d->ttl);
    strbuf_printf(out, "history: undo %zu %s redo %s\n", drafts_undo_depth(d),
                  drafts_undo_label(d) ? drafts_undo_label(d) : "-",
                  drafts_redo_label(d) ? drafts_redo_label(d) : "-");
}

/* The same drafts, whatever the history holds. */
#define assert_same_drafts(d, before)                                                              \
    do {                                                                                           \
        struct strbuf now_;                                                                        \
        strbuf_init(&now_);                                                                        \
        capture((d), &now_);                                                                       \
        const char *a_ = strbuf_cstr(&now_), *b_ = strbuf_cstr(before);                            \
        size_t na_ = (size_t)(strstr(a_, "history:") - a_),                                        \
               nb_ = (size_t)(strstr(b_, "history:") - b_);                                        \
        if (na_ != nb_ || memcmp(a_, b_, na_) != 0)                                                \
            assert_string_equal(a_, b_);                                                           \
        strbuf_free(&now_);                                                                        \
    } while (0)

#define assert_unchanged(d, before)                                                                \
    do {                                                                                           \
        struct strbuf now_;                                                                        \
        strbuf_init(&now_);                                                                        \
        capture((d), &now_);                                                                       \
        assert_string_equal(strbuf_cstr(&now_), strbuf_cstr(before));                              \
        strbuf_free(&now_);                                                                        \
    } while (0)

/* After an edit the slot's record is what analyzing its text gives: same
 * diagnostics (rule, span, message) and terms.  Guards record_refresh's
 * shortcut (no second parse). */
static void assert_current(const struct drafts *d, enum draft_slot slot)
{
    const struct record *r = &d->rec[slot];
    struct record fresh;
    record_init(&fresh);
    assert_true(record_analyze(&fresh, drafts_slot_kind(slot), r->text, r->len, d->now));
    if (fresh.dmarc) { /* its messages name the domain */
        dmarc_set_domain(fresh.dmarc, d->domain);
        assert_true(record_analyze(&fresh, drafts_slot_kind(slot), r->text, r->len, d->now));
    }
    struct strbuf a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    record_format(r, &a);
    assert_int_equal(a.len, r->len); /* the text is the formatting of the model */
    assert_memory_equal(strbuf_cstr(&a), r->text, r->len);
    assert_int_equal(fresh.diags.count, r->diags.count);
    for (size_t i = 0; i < r->diags.count; i++) {
        assert_int_equal(fresh.diags.items[i].rule, r->diags.items[i].rule);
        assert_int_equal(fresh.diags.items[i].start, r->diags.items[i].start);
        assert_int_equal(fresh.diags.items[i].end, r->diags.items[i].end);
        assert_string_equal(fresh.diags.items[i].message, r->diags.items[i].message);
    }
    assert_int_equal(fresh.terms.count, r->terms.count);
    strbuf_free(&a);
    strbuf_free(&b);
    record_free(&fresh);
}

static bool text_is(const struct drafts *d, enum draft_slot slot, const char *want)
{
    const struct record *r = &d->rec[slot];
    if (r->len == strlen(want) && memcmp(r->text, want, r->len) == 0)
        return true;
    print_message("slot %d holds '%.*s', want '%s'\n", (int)slot, (int)r->len,
                  r->text ? r->text : "", want);
    return false;
}

static void test_example_has_its_flaws(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    assert_int_equal(d.rec[DRAFT_SPF].kind, RECORD_SPF);
    assert_int_equal(d.rec[DRAFT_DMARC].kind, RECORD_DMARC);
    assert_int_equal(d.rec[DRAFT_DKIM].kind, RECORD_DKIM_KEY);
    assert_rule(&d.rec[DRAFT_DMARC].diags, RULE_DMARC_POLICY_NONE);
    assert_rule(&d.rec[DRAFT_DKIM].diags, RULE_DKIM_KEY_WEAK);
    assert_rule(&d.cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_int_equal(drafts_max_severity(&d), DIAG_WARNING);
    drafts_free(&d);
}

static void test_cross_lint_follows_edits(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_example(&d);
    const char *reject = "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com";
    assert_true(drafts_set_text(&d, DRAFT_DMARC, reject, strlen(reject)));
    assert_no_rule(&d.cross, RULE_CROSS_SOFTFAIL_NO_ENFORCEMENT);
    assert_true(drafts_set_text(&d, DRAFT_DMARC, "", 0));
    assert_int_equal(d.rec[DRAFT_DMARC].len, 0);
    drafts_free(&d);
}

static void test_owner_names_and_validation(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    assert_true(drafts_set_domain(&d, "Mail.Example.ORG."));
    assert_string_equal(d.domain, "mail.example.org");
    assert_true(drafts_set_selector(&d, "2026.eu"));
    struct strbuf sb;
    strbuf_init(&sb);
    drafts_owner_name(&d, DRAFT_DKIM, &sb);
    assert_string_equal(strbuf_cstr(&sb), "2026.eu._domainkey.mail.example.org");
    strbuf_reset(&sb);
    drafts_owner_name(&d, DRAFT_DMARC, &sb);
    assert_string_equal(strbuf_cstr(&sb), "_dmarc.mail.example.org");
    /* Refused, and nothing changed. */
    assert_false(drafts_set_domain(&d, ""));
    assert_false(drafts_set_domain(&d, "a..b"));
    assert_false(drafts_set_domain(&d, "-bad.example"));
    assert_false(drafts_set_domain(&d, "sp ace.example"));
    assert_false(drafts_set_domain(&d, "x\x1b[31m.example"));
    char longlabel[80];
    memset(longlabel, 'a', 64);
    strcpy(longlabel + 64, ".com");
    assert_false(drafts_set_domain(&d, longlabel));
    assert_string_equal(d.domain, "mail.example.org");
    strbuf_free(&sb);
    drafts_free(&d);
}

static void test_zone_round_trip(void **state)
{
    (void)state;
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    drafts_load_example(&d);
    drafts_set_domain(&d, "example.net");
    drafts_set_selector(&d, "mail2026");
    d.ttl = 300;
    /* Only drafts the user touched are written: touch SPF and DMARC. */
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "p", "reject", 6, NULL));
    assert_true(drafts_spf_qualify(&d, 4, SPF_QUALIFIER_FAIL, NULL));
    /* A DKIM key over 255 bytes: saved as several strings, read back whole. */
    const char *key = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6TZIIT1g4FC"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    drafts_set_text(&d, DRAFT_DKIM, key, strlen(key));
    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    const char *z = strbuf_cstr(&zone);
    assert_null(strstr(z, "$TTL")); /* no $TTL: each record carries its TTL */
    assert_non_null(strstr(z, "_dmarc.example.net. 300 IN TXT \"v=DMARC1; p=reject;"));
    assert_non_null(strstr(z, "example.net. 300 IN TXT \"v=spf1 mx include:_spf.google.com"));
    /* The DKIM value (over 255 bytes) is split: its record holds several
     * quoted strings inside parentheses. */
    const char *dk = strstr(z, "mail2026._domainkey.example.net. 300 IN TXT ( \"");
    assert_non_null(dk);
    const char *close = strchr(dk, ')');
    assert_non_null(close);
    size_t quotes = 0;
    for (const char *p = dk; p < close; p++)
        quotes += *p == '"';
    assert_true(quotes >= 4);

    struct diag_list diags;
    diag_list_init(&diags);
    assert_true(drafts_from_zone(&back, z, zone.len, &diags));
    assert_int_equal(diags.count, 0);
    assert_string_equal(back.domain, "example.net");
    assert_string_equal(back.selector, "mail2026");
    assert_int_equal(back.ttl, 300);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        assert_int_equal(back.rec[s].len, d.rec[s].len);
        assert_memory_equal(back.rec[s].text, d.rec[s].text, d.rec[s].len);
    }
    diag_list_free(&diags);
    strbuf_free(&zone);
    drafts_free(&back);
    drafts_free(&d);
}

static void test_zone_with_other_domains_and_none(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    struct diag_list diags;
    diag_list_init(&diags);
    const char *file = "$ORIGIN example.org.\n$TTL 600\n"
                       "@ IN TXT \"v=spf1 -all\"\n"
                       "www IN TXT \"google-site-verification=abc\"\n"
                       "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
                       "other.example. IN TXT \"v=spf1 mx -all\"\n";
    assert_true(drafts_from_zone(&d, file, strlen(file), &diags));
    assert_string_equal(d.domain, "example.org");
    assert_int_equal(d.ttl, 600);
    assert_int_equal(d.rec[DRAFT_SPF].len, strlen("v=spf1 -all"));
    assert_int_equal(d.rec[DRAFT_DKIM].len, 0); /* not in the file: no draft */
    assert_rule(&diags, RULE_ZONE_OTHER_DOMAIN);

    diag_list_reset(&diags);
    const char *none = "www IN TXT \"hello\"\n";
    assert_false(drafts_from_zone(&d, none, strlen(none), &diags));
    assert_rule(&diags, RULE_ZONE_NO_DRAFTS);
    diag_list_reset(&diags);
    assert_false(drafts_from_zone(&d, "", 0, &diags));
    assert_rule(&diags, RULE_ZONE_NO_DRAFTS);
    diag_list_free(&diags);
    drafts_free(&d);
}

/* Issue 9: typing a DMARC or DKIM record one key at a time crashed the
 * editor, because the parsers dereferenced a NULL diagnostics list. */
static void test_null_diags_typing_dmarc_and_dkim(void **state)
{
    (void)state;
    const char *dmarc = "v=DMARC1; p";
    const char *dkim = "v=DKIM1; x";
    struct dmarc_record m;
    struct dkim_key_record k;
    dmarc_record_init(&m);
    dkim_key_record_init(&k);
    struct drafts d;
    drafts_init(&d);
    for (size_t n = 0; n <= strlen(dmarc); n++) {
        assert_true(dmarc_parse(&m, dmarc, n, NULL));
        dmarc_lint(&m, NULL);
        assert_true(drafts_set_text(&d, DRAFT_DMARC, dmarc, n));
    }
    for (size_t n = 0; n <= strlen(dkim); n++) {
        assert_true(dkim_key_parse(&k, dkim, n, NULL));
        dkim_key_lint(&k, NULL);
        assert_true(drafts_set_text(&d, DRAFT_DKIM, dkim, n));
    }
    /* The record still has its diagnostics: p without a value. */
    assert_rule(&d.rec[DRAFT_DMARC].diags, RULE_DMARC_SYNTAX);
    dkim_key_record_free(&k);
    dmarc_record_free(&m);
    drafts_free(&d);
}

/* Issue 9: --load of a zone whose DMARC record has rua= without mailto:
 * crashed at start (NULL diagnostics again). */
static void test_null_diags_rua_without_mailto(void **state)
{
    (void)state;
    const char *rec = "v=DMARC1; p=none; rua=dmarc@example.net";
    struct dmarc_record m;
    dmarc_record_init(&m);
    assert_true(dmarc_parse(&m, rec, strlen(rec), NULL));
    dmarc_lint(&m, NULL);
    assert_false(dmarc_check_value("rua", "dmarc@example.net", 17, NULL));
    dmarc_record_free(&m);

    const char *file =
        "_dmarc.example.net. 300 IN TXT \"v=DMARC1; p=none; rua=dmarc@example.net\"\n";
    struct drafts d;
    drafts_init(&d);
    assert_true(drafts_from_zone(&d, file, strlen(file), NULL));
    assert_rule(&d.rec[DRAFT_DMARC].diags, RULE_DMARC_BAD_URI);
    drafts_free(&d);
}

static void test_dmarc_tag_edits(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    assert_int_equal(d.origin[DRAFT_DMARC], DRAFT_ORIGIN_TEMPLATE);
    struct diag_list why;
    diag_list_init(&why);
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "p", "reject", 6, &why));
    assert_int_equal(why.count, 0);
    assert_true(
        text_is(&d, DRAFT_DMARC, "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"));
    assert_int_equal(d.origin[DRAFT_DMARC], DRAFT_ORIGIN_COMPOSED);
    assert_string_equal(drafts_undo_label(&d), "set p");
    assert_current(&d, DRAFT_DMARC);
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "pct", "50", 2, NULL));
    assert_current(&d, DRAFT_DMARC);
    assert_true(drafts_tag_flag(&d, DRAFT_DMARC, "fo", 'd', true, NULL));
    assert_true(drafts_tag_flag(&d, DRAFT_DMARC, "fo", 's', true, NULL));
    assert_string_equal(drafts_undo_label(&d), "set fo=s");
    assert_current(&d, DRAFT_DMARC);
    assert_true(drafts_uri_add(&d, "rua", "mailto:agg@example.net", 22, NULL));
    assert_string_equal(drafts_undo_label(&d), "add rua address");
    assert_true(drafts_uri_remove(&d, "rua", 0, NULL));
    assert_string_equal(drafts_undo_label(&d), "remove rua address 1");
    assert_true(drafts_tag_remove(&d, DRAFT_DMARC, "pct", NULL));
    assert_true(text_is(&d, DRAFT_DMARC, "v=DMARC1; p=reject; rua=mailto:agg@example.net; fo=d:s"));
    assert_current(&d, DRAFT_DMARC);

    /* Refusals: nothing changes, byte for byte, with or without `why`. */
    struct strbuf before;
    strbuf_init(&before);
    capture(&d, &before);
    diag_list_reset(&why);
    assert_false(drafts_tag_set(&d, DRAFT_DMARC, "pct", "150", 3, &why));
    assert_rule(&why, RULE_DMARC_BAD_VALUE);
    assert_unchanged(&d, &before);
    assert_false(drafts_tag_set(&d, DRAFT_DMARC, "pct", "150", 3, NULL));
    assert_unchanged(&d, &before);
    diag_list_reset(&why);
    assert_false(drafts_tag_set(&d, DRAFT_SPF, "p", "reject", 6, &why));
    assert_rule(&why, RULE_DRAFT_EDIT_REFUSED);
    assert_false(drafts_tag_flag(&d, DRAFT_DMARC, "p", 'd', true, NULL));
    assert_false(drafts_tag_flag(&d, DRAFT_DMARC, "fo", 'x', true, NULL));
    assert_false(drafts_uri_add(&d, "rua", "dmarc@example.net", 17, NULL));
    assert_false(drafts_uri_add(&d, "rux", "mailto:a@b.example", 18, NULL));
    assert_false(drafts_uri_remove(&d, "ruf", 3, NULL));
    assert_false(drafts_tag_remove(&d, DRAFT_DMARC, NULL, NULL));
    assert_unchanged(&d, &before);
    strbuf_free(&before);
    diag_list_free(&why);
    drafts_free(&d);
}

static void test_dkim_edits(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    struct dkim_paste report;
    struct diag_list why;
    diag_list_init(&why);
    assert_true(
        drafts_dkim_paste_key(&d, KEY_ED25519_RFC8463, strlen(KEY_ED25519_RFC8463), &report, &why));
    assert_int_equal(report.type, DKIM_KEY_ED25519);
    assert_int_equal(d.rec[DRAFT_DKIM].dkim_key->k, DKIM_KEY_ED25519);
    assert_string_equal(drafts_undo_label(&d), "paste DKIM key");
    assert_current(&d, DRAFT_DKIM);
    assert_true(drafts_tag_flag(&d, DRAFT_DKIM, "t", 'y', true, NULL));
    assert_true(drafts_tag_set(&d, DRAFT_DKIM, "s", "email", 5, NULL));
    assert_true(drafts_tag_remove(&d, DRAFT_DKIM, "t", NULL));
    assert_current(&d, DRAFT_DKIM);
    struct strbuf before;
    strbuf_init(&before);
    capture(&d, &before);
    diag_list_reset(&why);
    assert_false(drafts_tag_set(&d, DRAFT_DKIM, "p", "!!!", 3, &why));
    assert_rule(&why, RULE_DKIM_BAD_VALUE);
    assert_false(drafts_tag_set(&d, DRAFT_DKIM, "p", "!!!", 3, NULL));
    assert_false(drafts_tag_flag(&d, DRAFT_DKIM, "t", 'q', true, NULL));
    assert_false(drafts_tag_flag(&d, DRAFT_DKIM, "fo", '1', true, NULL));
    const char *priv =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
    assert_false(drafts_dkim_paste_key(&d, priv, strlen(priv), &report, NULL));
    assert_false(drafts_dkim_paste_key(&d, "", 0, NULL, NULL));
    assert_unchanged(&d, &before);
    strbuf_free(&before);
    diag_list_free(&why);
    drafts_free(&d);
}

static void test_spf_edits(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d); /* v=spf1 mx -all */
    struct diag_list why;
    diag_list_init(&why);
    assert_true(drafts_spf_insert(&d, 2, SPF_TERM_INCLUDE, SPF_QUALIFIER_NONE, "_spf.example.net",
                                  16, &why));
    assert_string_equal(drafts_undo_label(&d), "insert include");
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 mx include:_spf.example.net -all"));
    assert_current(&d, DRAFT_SPF);
    assert_true(drafts_spf_move(&d, 2, true, NULL));
    assert_string_equal(drafts_undo_label(&d), "move term 2 up");
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 include:_spf.example.net mx -all"));
    assert_true(drafts_spf_qualify(&d, 3, SPF_QUALIFIER_SOFTFAIL, NULL));
    assert_true(drafts_spf_set_value(&d, 1, "_spf.example.org", 16, NULL));
    assert_true(drafts_spf_remove(&d, 2, NULL));
    assert_string_equal(drafts_undo_label(&d), "delete term 2");
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 include:_spf.example.org ~all"));
    assert_current(&d, DRAFT_SPF);

    struct strbuf before;
    strbuf_init(&before);
    capture(&d, &before);
    assert_false(drafts_spf_remove(&d, 9, &why));
    assert_true(why.count > 0);
    assert_false(drafts_spf_remove(&d, 9, NULL));
    assert_false(drafts_spf_move(&d, 1, true, NULL)); /* nothing goes above the version */
    assert_false(drafts_spf_insert(&d, 0, SPF_TERM_VERSION, SPF_QUALIFIER_NONE, "", 0, NULL));
    assert_false(drafts_spf_set_value(&d, 1, "a b", 3, NULL)); /* a space makes two terms */
    assert_false(drafts_spf_qualify(&d, 7, SPF_QUALIFIER_FAIL, NULL));
    assert_unchanged(&d, &before);

    /* A broken version is fixed by its own call. */
    assert_true(drafts_set_text(&d, DRAFT_SPF, "v=spf2 mx", 9));
    assert_true(drafts_spf_set_version(&d, NULL));
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 mx"));
    strbuf_free(&before);
    diag_list_free(&why);
    drafts_free(&d);
}

/* An edit of an empty slot starts from the minimal record; a refused one
 * leaves it empty.  An edit of a text that is not of the slot's kind keeps
 * every word of it. */
static void test_edit_empty_and_foreign_slots(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    assert_int_equal(d.rec[DRAFT_DMARC].len, 0);
    struct strbuf before;
    strbuf_init(&before);
    capture(&d, &before);
    assert_false(drafts_tag_set(&d, DRAFT_DMARC, "p", "maybe", 5, NULL));
    assert_unchanged(&d, &before);
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "p", "reject", 6, NULL));
    assert_true(text_is(&d, DRAFT_DMARC, "v=DMARC1; p=reject"));
    assert_true(drafts_spf_insert(&d, 1, SPF_TERM_ALL, SPF_QUALIFIER_FAIL, "", 0, NULL));
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 -all"));
    assert_true(drafts_set_text(&d, DRAFT_DKIM, "  ", 2)); /* blank: no model */
    assert_true(drafts_tag_set(&d, DRAFT_DKIM, "k", "ed25519", 7, NULL));
    assert_true(text_is(&d, DRAFT_DKIM, "v=DKIM1; k=ed25519"));

    const char *foreign = "v=spf1 mx -all";
    assert_true(drafts_set_text(&d, DRAFT_DMARC, foreign, strlen(foreign)));
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "p", "none", 4, NULL));
    const struct record *r = &d.rec[DRAFT_DMARC];
    assert_non_null(strstr(r->text, "spf1 mx -all"));
    assert_non_null(strstr(r->text, "p=none"));
    assert_current(&d, DRAFT_DMARC);
    strbuf_free(&before);
    drafts_free(&d);
}

static void test_undo_redo_150_steps(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    assert_false(drafts_can_undo(&d));
    assert_true(drafts_spf_insert(&d, 1, SPF_TERM_IP4, SPF_QUALIFIER_NONE, "192.0.2.0", 9, NULL));
    drafts_history_reset(&d);
    struct strbuf start, label;
    strbuf_init(&start);
    strbuf_init(&label);
    capture(&d, &start);
    char v[32];
    for (int i = 1; i <= 150; i++) {
        snprintf(v, sizeof v, "192.0.2.%d", i);
        assert_true(drafts_spf_set_value(&d, 1, v, strlen(v), NULL));
    }
    assert_int_equal(drafts_undo_depth(&d), 150);
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.150 mx -all"));
    assert_true(drafts_undo(&d, &label));
    assert_string_equal(strbuf_cstr(&label), "edit term 1");
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.149 mx -all"));
    for (int i = 1; i < 150; i++)
        assert_true(drafts_undo(&d, NULL));
    assert_false(drafts_can_undo(&d));
    assert_false(drafts_undo(&d, NULL));
    /* Undo of everything gives the start state, history aside. */
    assert_same_drafts(&d, &start);
    for (int i = 0; i < 150; i++)
        assert_true(drafts_redo(&d, NULL));
    assert_false(drafts_can_redo(&d));
    assert_true(text_is(&d, DRAFT_SPF, "v=spf1 ip4:192.0.2.150 mx -all"));
    assert_current(&d, DRAFT_SPF);
    /* A new edit after an undo clears the redo steps. */
    assert_true(drafts_undo(&d, NULL));
    assert_true(drafts_can_redo(&d));
    assert_true(drafts_spf_remove(&d, 2, NULL));
    assert_false(drafts_can_redo(&d));
    /* The cap: DRAFTS_UNDO_STEPS steps, the oldest dropped. */
    for (int i = 0; i < DRAFTS_UNDO_STEPS + 20; i++) {
        snprintf(v, sizeof v, "198.51.100.%d", i % 250);
        assert_true(drafts_spf_set_value(&d, 1, v, strlen(v), NULL));
    }
    assert_int_equal(drafts_undo_depth(&d), DRAFTS_UNDO_STEPS);
    strbuf_free(&start);
    strbuf_free(&label);
    drafts_free(&d);
}

static void test_undo_groups_names_and_origins(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    drafts_load_template(&d);
    struct strbuf start, label;
    strbuf_init(&start);
    strbuf_init(&label);
    capture(&d, &start);
    /* The Live tab's copy: several calls, one step. */
    drafts_group_begin(&d, "copy live record");
    assert_true(drafts_replace(&d, DRAFT_SPF, "v=spf1 -all", 11, DRAFT_ORIGIN_FETCHED, NULL));
    drafts_group_begin(&d, "inner");
    assert_true(
        drafts_replace(&d, DRAFT_DMARC, "v=DMARC1; p=reject", 18, DRAFT_ORIGIN_FETCHED, NULL));
    drafts_group_end(&d);
    assert_false(drafts_can_undo(&d)); /* nothing recorded while the group is open */
    drafts_group_end(&d);
    assert_int_equal(drafts_undo_depth(&d), 1);
    assert_string_equal(drafts_undo_label(&d), "copy live record");
    assert_int_equal(d.origin[DRAFT_SPF], DRAFT_ORIGIN_FETCHED);
    assert_true(drafts_undo(&d, &label));
    assert_string_equal(strbuf_cstr(&label), "copy live record");
    assert_same_drafts(&d, &start); /* both drafts and their origins are back */
    /* An empty group records nothing. */
    drafts_group_begin(&d, "nothing");
    drafts_group_end(&d);
    assert_false(drafts_can_undo(&d));

    /* Domain and selector are undoable; the template address follows the
     * domain while the DMARC draft is an untouched template. */
    assert_true(drafts_set_domain(&d, "example.org"));
    assert_true(
        text_is(&d, DRAFT_DMARC, "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.org"));
    assert_int_equal(d.origin[DRAFT_DMARC], DRAFT_ORIGIN_TEMPLATE);
    assert_true(drafts_set_selector(&d, "k2"));
    struct diag_list why;
    diag_list_init(&why);
    assert_false(drafts_set_selector_why(&d, "bad selector", &why));
    assert_rule(&why, RULE_DRAFT_EDIT_REFUSED);
    assert_true(drafts_undo(&d, &label));
    assert_string_equal(d.selector, "s1");
    assert_true(drafts_undo(&d, NULL));
    assert_string_equal(d.domain, "example.com");
    assert_true(
        text_is(&d, DRAFT_DMARC, "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.com"));
    /* A composed DMARC draft is never rewritten by a domain change. */
    assert_true(drafts_tag_set(&d, DRAFT_DMARC, "p", "reject", 6, NULL));
    assert_true(drafts_set_domain(&d, "example.net"));
    assert_non_null(strstr(d.rec[DRAFT_DMARC].text, "dmarc-reports@example.com"));
    diag_list_free(&why);
    strbuf_free(&start);
    strbuf_free(&label);
    drafts_free(&d);
}

/* A draft whose text is of another kind (a DKIM key slot holding
 * "v=DMARC1", a broken "v=spf 1") is saved at its slot's name and comes
 * back in the same slot: the owner decides, not the text (keyfuzz found
 * the DKIM one dropped on reopening). */
static void test_foreign_text_round_trip(void **state)
{
    (void)state;
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    drafts_load_template(&d);
    assert_true(drafts_set_text(&d, DRAFT_DKIM, "v=DMARC1", 8));
    assert_true(drafts_set_text(&d, DRAFT_SPF, "v=spf 1 -all", 12));
    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    assert_non_null(strstr(strbuf_cstr(&zone), "._domainkey."));
    assert_true(drafts_from_zone(&back, strbuf_cstr(&zone), zone.len, NULL));
    assert_true(text_is(&back, DRAFT_DKIM, "v=DMARC1"));
    assert_true(text_is(&back, DRAFT_SPF, "v=spf 1 -all"));
    assert_string_equal(back.selector, d.selector);
    assert_int_equal(back.rec[DRAFT_DMARC].len, 0);
    strbuf_free(&zone);
    drafts_free(&back);
    drafts_free(&d);
}

static void test_wanted_slots_and_broken_round_trip(void **state)
{
    (void)state;
    struct drafts d, back;
    drafts_init(&d);
    drafts_init(&back);
    drafts_load_template(&d);
    for (int s = 0; s < DRAFT_COUNT; s++)
        assert_false(drafts_slot_wanted(&d, (enum draft_slot)s));
    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    assert_null(strstr(strbuf_cstr(&zone), "IN TXT")); /* untouched templates: nothing */

    /* A DMARC draft that does not parse is still written, and comes back
     * with its diagnostics. */
    const char *broken = "v=DMARC1; p=bogus; rua=dmarc@example.com; \"odd\\";
    assert_true(drafts_set_text(&d, DRAFT_DMARC, broken, strlen(broken)));
    assert_true(drafts_slot_wanted(&d, DRAFT_DMARC));
    assert_false(drafts_slot_wanted(&d, DRAFT_DKIM));
    strbuf_reset(&zone);
    drafts_to_zone(&d, &zone);
    assert_null(strstr(strbuf_cstr(&zone), "$TTL"));
    assert_null(strstr(strbuf_cstr(&zone), "_domainkey"));
    assert_true(drafts_check_sizes(&d, NULL));
    assert_true(drafts_from_zone(&back, strbuf_cstr(&zone), zone.len, NULL));
    assert_true(text_is(&back, DRAFT_DMARC, broken));
    assert_int_equal(back.origin[DRAFT_DMARC], DRAFT_ORIGIN_LOADED);
    assert_true(drafts_slot_wanted(&back, DRAFT_DMARC));
    assert_rule(&back.rec[DRAFT_DMARC].diags, RULE_DMARC_BAD_VALUE);
    assert_rule(&back.rec[DRAFT_DMARC].diags, RULE_DMARC_BAD_URI);
    assert_int_equal(back.rec[DRAFT_SPF].len, 0);
    assert_false(drafts_can_undo(&back)); /* a load starts a new history */
    /* The built-in example is a worked set, saved whole. */
    drafts_load_example(&back);
    for (int s = 0; s < DRAFT_COUNT; s++)
        assert_true(drafts_slot_wanted(&back, (enum draft_slot)s));
    strbuf_free(&zone);
    drafts_free(&back);
    drafts_free(&d);
}

/* Issue 9: a draft of 65,281..65,535 bytes was reported saved and silently
 * not written.  The core check refuses it first. */
static void test_sizes(void **state)
{
    (void)state;
    struct drafts d;
    drafts_init(&d);
    size_t max = DRAFTS_TEXT_MAX;
    char *big = malloc(RECORD_MAX_LEN + 2);
    assert_non_null(big);
    memcpy(big, "v=spf1 ", 7);
    memset(big + 7, 'a', RECORD_MAX_LEN + 2 - 7);
    struct diag_list diags;
    diag_list_init(&diags);
    assert_true(drafts_set_text(&d, DRAFT_SPF, big, max));
    assert_true(drafts_check_sizes(&d, &diags));
    assert_int_equal(diags.count, 0);
    for (size_t n = max + 1; n <= RECORD_MAX_LEN; n += 127) {
        assert_true(drafts_set_text(&d, DRAFT_SPF, big, n));
        diag_list_reset(&diags);
        assert_false(drafts_check_sizes(&d, &diags));
        assert_rule(&diags, RULE_ZONE_TOO_LARGE);
        assert_false(drafts_check_sizes(&d, NULL));
    }
    assert_true(drafts_set_text(&d, DRAFT_SPF, big, RECORD_MAX_LEN));
    assert_false(drafts_check_sizes(&d, NULL));
    /* Strings are never split inside a UTF-8 character: 2-byte characters
     * make 254-byte strings, so fewer bytes fit; the check says so. */
    for (size_t i = 7; i + 1 < max; i += 2)
        big[i] = (char)0xc3, big[i + 1] = (char)0xa9;      /* U+00E9 */
    assert_true(drafts_set_text(&d, DRAFT_SPF, big, max)); /* fits as ASCII, not as this */
    assert_false(drafts_check_sizes(&d, NULL));
    assert_true(drafts_set_text(&d, DRAFT_SPF, big, 65000 - 1));
    assert_true(drafts_check_sizes(&d, NULL));
    struct strbuf zone;
    strbuf_init(&zone);
    drafts_to_zone(&d, &zone);
    assert_null(strstr(strbuf_cstr(&zone), "not written"));
    strbuf_free(&zone);
    /* Longer than anything analyzed: refused, and the draft stays. */
    struct strbuf before;
    strbuf_init(&before);
    capture(&d, &before);
    assert_false(drafts_set_text(&d, DRAFT_SPF, big, RECORD_MAX_LEN + 1));
    assert_unchanged(&d, &before);
    strbuf_free(&before);
    diag_list_free(&diags);
    free(big);
    drafts_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_has_its_flaws),
        cmocka_unit_test(test_cross_lint_follows_edits),
        cmocka_unit_test(test_owner_names_and_validation),
        cmocka_unit_test(test_zone_round_trip),
        cmocka_unit_test(test_zone_with_other_domains_and_none),
        cmocka_unit_test(test_null_diags_typing_dmarc_and_dkim),
        cmocka_unit_test(test_null_diags_rua_without_mailto),
        cmocka_unit_test(test_dmarc_tag_edits),
        cmocka_unit_test(test_dkim_edits),
        cmocka_unit_test(test_spf_edits),
        cmocka_unit_test(test_edit_empty_and_foreign_slots),
        cmocka_unit_test(test_undo_redo_150_steps),
        cmocka_unit_test(test_undo_groups_names_and_origins),
        cmocka_unit_test(test_wanted_slots_and_broken_round_trip),
        cmocka_unit_test(test_foreign_text_round_trip),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
