/* Saving drafts into an admin's zone file in place (zone_edit.c): only the
 * changed drafts' records are rewritten, every other line stays byte for
 * byte; new drafts are added; the SOA serial bump; the fragment form. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/zone_edit.h"

static struct strbuf out;
static struct diag_list diags;
static struct zone_edit_result res;

static int setup(void **state)
{
    (void)state;
    strbuf_init(&out);
    diag_list_init(&diags);
    memset(&res, 0, sizeof res);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    strbuf_free(&out);
    diag_list_free(&diags);
    return 0;
}

/* A zone fixture's bytes (tests/data/zones/NAME), malloc'd. */
static char *load_fixture(const char *name, size_t *len)
{
    return unit_read_fixture("tests/data/zones", name, len);
}

/* Lines of a text, each with its line end (the last one may have none). */
struct lines {
    const char *at[256];
    size_t len[256];
    size_t n;
};

static void split_lines(const char *s, size_t len, struct lines *l)
{
    l->n = 0;
    size_t start = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n') {
            assert_true(l->n < 256);
            l->at[l->n] = s + start;
            l->len[l->n++] = i + 1 - start;
            start = i + 1;
        }
    if (start < len) {
        l->at[l->n] = s + start;
        l->len[l->n++] = len - start;
    }
}

/* Line i (0-based) of the text, as a C string in buf. */
static const char *line_of(const char *s, size_t len, size_t i, char *buf, size_t cap)
{
    struct lines l;
    split_lines(s, len, &l);
    assert_true(i < l.n);
    assert_true(l.len[i] < cap);
    memcpy(buf, l.at[i], l.len[i]);
    buf[l.len[i]] = '\0';
    return buf;
}

/* Every line of `before` equals the same line of `after` except the
 * 0-based lines listed (same line count: a one-line rewrite). */
static void assert_lines_kept(const char *before, size_t blen, const char *after, size_t alen,
                              const size_t *changed, size_t nchanged)
{
    struct lines a, b;
    split_lines(before, blen, &b);
    split_lines(after, alen, &a);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < b.n; i++) {
        bool expect_change = false;
        for (size_t k = 0; k < nchanged; k++)
            expect_change |= changed[k] == i;
        bool same = a.len[i] == b.len[i] && memcmp(a.at[i], b.at[i], a.len[i]) == 0;
        if (same == expect_change) {
            print_message("line %zu: %s\n  before: %.*s  after:  %.*s\n", i + 1,
                          expect_change ? "should have changed" : "changed", (int)b.len[i], b.at[i],
                          (int)a.len[i], a.at[i]);
            fail();
        }
    }
}

/* The drafts of example.org as they are in bind-full.zone. */
#define SPF_TEXT "v=spf1 mx ip4:192.0.2.0/24 -all"
#define DMARC_TEXT "v=DMARC1; p=none; rua=mailto:dmarc@example.org"
#define DKIM_TEXT                                                                                  \
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/9Ep3UzhLwCDqJh75ve/rLgBq"

static void set_draft(struct zone_edit_draft *d, enum zone_kind kind, const char *owner,
                      const char *text)
{
    *d = (struct zone_edit_draft){kind, owner, text, strlen(text), 3600, false, true, false};
}

static void file_drafts(struct zone_edit_draft d[3])
{
    set_draft(&d[0], ZONE_KIND_SPF, "example.org", SPF_TEXT);
    set_draft(&d[1], ZONE_KIND_DMARC, "_dmarc.example.org", DMARC_TEXT);
    set_draft(&d[2], ZONE_KIND_DKIM_KEY, "sel1._domainkey.example.org.", DKIM_TEXT);
}

static const struct zone_edit_options origin_org = {"example.org", false, 0};

/* The draft's record as read back from the output. */
static void assert_reads_back(const char *owner, const char *text, uint32_t ttl)
{
    struct zone z;
    zone_init(&z);
    struct diag_list dl;
    diag_list_init(&dl);
    assert_true(zone_read(&z, out.data, out.len, "example.org", &dl));
    bool found = false;
    for (size_t i = 0; i < z.count && !found; i++)
        if (strcmp(z.records[i].owner_lc, owner) == 0 && z.records[i].len == strlen(text) &&
            memcmp(z.records[i].text, text, z.records[i].len) == 0) {
            found = true;
            assert_int_equal(z.records[i].ttl, ttl);
        }
    if (!found) {
        print_message("no record %s \"%s\" in:\n%s\n", owner, text, out.data);
        fail();
    }
    zone_free(&z);
    diag_list_free(&dl);
}

/* Changing the DMARC draft changes its line only (line 25), the comment
 * after it kept; SPF and DKIM drafts equal to the file stay untouched. */
static void test_dmarc_changed_only_its_line(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[1].text = "v=DMARC1; p=reject; rua=mailto:dmarc@example.org";
    d[1].len = strlen(d[1].text);
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_KEPT);
    assert_int_equal(res.drafts[1].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[1].line, 25);
    assert_int_equal(res.drafts[2].action, ZONE_EDIT_KEPT);
    assert_int_equal(res.changes, 1);
    assert_true(res.has_serial);
    assert_int_equal(res.serial, 2026120501u);
    assert_false(res.serial_bumped);
    assert_int_equal(res.zone_problems, 0);
    const size_t changed[] = {24};
    assert_lines_kept(file, len, out.data, out.len, changed, 1);
    char buf[512];
    assert_string_equal(
        line_of(out.data, out.len, 24, buf, sizeof buf),
        "_dmarc\t3600\tIN\tTXT\t\"v=DMARC1; p=reject; rua=mailto:dmarc@example.org\""
        "\t; policy: monitor\n");
    assert_reads_back("_dmarc.example.org.", d[1].text, 3600);
    free(file);
}

/* Nothing changed: the output is the file itself. */
static void test_nothing_changed_same_bytes(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.changes, 0);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, file, len);
    free(file);
}

/* The serial bump writes the new serial in place of the old, nothing else
 * on its line moves. */
static void test_serial_bumped_in_place(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[0].text = "v=spf1 mx ip4:192.0.2.0/24 ~all";
    d[0].len = strlen(d[0].text);
    struct zone_edit_options opt = {"example.org", true,
                                    zone_edit_serial_next(2026120501u, 20261205u)};
    assert_int_equal(opt.new_serial, 2026120502u);
    assert_true(zone_edit_rewrite(file, len, d, 3, &opt, &out, &res, &diags));
    assert_true(res.serial_bumped);
    const size_t changed[] = {6, 15};
    assert_lines_kept(file, len, out.data, out.len, changed, 2);
    char buf[512];
    assert_string_equal(line_of(out.data, out.len, 6, buf, sizeof buf),
                        "\t\t\t2026120502\t; serial\n");
    assert_string_equal(line_of(out.data, out.len, 15, buf, sizeof buf),
                        "@\t300\tIN\tTXT\t\"v=spf1 mx ip4:192.0.2.0/24 ~all\"\n");
    free(file);
}

static void test_serial_next(void **state)
{
    (void)state;
    assert_int_equal(zone_edit_serial_next(2026120501u, 20261205u), 2026120502u);
    assert_int_equal(zone_edit_serial_next(2026120501u, 20261206u), 2026120601u);
    assert_int_equal(zone_edit_serial_next(2026120400u, 20261205u), 2026120501u);
    assert_int_equal(zone_edit_serial_next(2026120599u, 20261205u), 2026120600u);
    /* a date in the future: just + 1 */
    assert_int_equal(zone_edit_serial_next(2027010101u, 20261205u), 2027010102u);
    /* not a date: + 1, and RFC 1982 wrap */
    assert_int_equal(zone_edit_serial_next(7u, 20261205u), 8u);
    assert_int_equal(zone_edit_serial_next(1000000000u, 20261205u), 1000000001u);
    assert_int_equal(zone_edit_serial_next(4294967295u, 20261205u), 0u);
    /* no clock */
    assert_int_equal(zone_edit_serial_next(2026120501u, 0), 2026120502u);
}

/* A draft new to the file: after the last TXT record of its owner when a
 * $TTL precedes it (the owner left blank: the line repeats it), else at
 * the end with an absolute name. */
static void test_new_record_placement(void **state)
{
    (void)state;
    const char *file = "$TTL 1h\n"
                       "@ IN SOA ns1 host 7 1 1 1 1\n"
                       "@ IN TXT \"google-site-verification=1\"\n"
                       "www IN A 192.0.2.1\n";
    struct zone_edit_draft d[2];
    set_draft(&d[0], ZONE_KIND_SPF, "example.net", "v=spf1 -all");
    set_draft(&d[1], ZONE_KIND_DMARC, "_dmarc.example.net", "v=DMARC1; p=none");
    struct zone_edit_options opt = {"example.net", false, 0};
    assert_true(zone_edit_rewrite(file, strlen(file), d, 2, &opt, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_ADDED);
    assert_int_equal(res.drafts[1].action, ZONE_EDIT_ADDED);
    assert_int_equal(res.changes, 2);
    assert_true(res.has_serial);
    assert_int_equal(res.serial, 7);
    assert_string_equal(out.data, "$TTL 1h\n"
                                  "@ IN SOA ns1 host 7 1 1 1 1\n"
                                  "@ IN TXT \"google-site-verification=1\"\n"
                                  "  3600 IN TXT \"v=spf1 -all\"\n"
                                  "www IN A 192.0.2.1\n"
                                  "_dmarc.example.net. 3600 IN TXT \"v=DMARC1; p=none\"\n");

    /* No $TTL: a TTL written mid-file would become the TTL of the records
     * after it that give none (RFC 1035 §5.1), so the record goes last. */
    const char *bare = "@ 600 IN TXT \"google-site-verification=1\"\n"
                       "www IN A 192.0.2.1\n";
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(bare, strlen(bare), d, 1, &opt, &out, &res, &diags));
    assert_string_equal(out.data, "@ 600 IN TXT \"google-site-verification=1\"\n"
                                  "www IN A 192.0.2.1\n"
                                  "example.net. 3600 IN TXT \"v=spf1 -all\"\n");
}

/* The class in force after the owner's last record is CH: a record added
 * there would state IN and make the next record, which omits its class,
 * read as IN too (RFC 1035 §5.1).  It goes at the end; every record keeps
 * its class. */
static void test_new_record_keeps_inherited_class(void **state)
{
    (void)state;
    const char *file = "$TTL 1h\n"
                       "@ CH TXT \"version\"\n"
                       "_dmarc TXT \"v=DMARC1; p=none\"\n";
    struct zone_edit_draft d[1];
    set_draft(&d[0], ZONE_KIND_SPF, "example.net", "v=spf1 -all");
    struct zone_edit_options opt = {"example.net", false, 0};
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(file, strlen(file), d, 1, &opt, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_ADDED);
    struct zone z;
    zone_init(&z);
    struct diag_list dl;
    diag_list_init(&dl);
    assert_true(zone_read(&z, out.data, out.len, "example.net", &dl));
    assert_int_equal(z.count, 3);
    for (size_t i = 0; i < z.count; i++) {
        const struct zone_record *r = &z.records[i];
        bool spf = r->len == 11 && memcmp(r->text, "v=spf1 -all", 11) == 0;
        assert_int_equal(r->rclass, spf ? ZONE_CLASS_IN : ZONE_CLASS_CH);
    }
    zone_free(&z);
    diag_list_free(&dl);
}

/* A long key: strings of 255 bytes in parentheses, aligned as the file's
 * continuation line was; the lines around it kept. */
static void test_long_dkim_rewritten(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    char key[700];
    memcpy(key, "v=DKIM1; k=rsa; p=", 18);
    for (size_t i = 18; i < 600; i++)
        key[i] = (char)('A' + i % 26);
    key[600] = '\0';
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[2].text = key;
    d[2].len = 600;
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[2].action, ZONE_EDIT_REWRITTEN);
    struct lines a, b;
    split_lines(file, len, &b);
    split_lines(out.data, out.len, &a);
    assert_int_equal(a.n, b.n + 1); /* 2 lines became 3 */
    for (size_t i = 0; i < 26; i++) {
        assert_int_equal(a.len[i], b.len[i]);
        assert_memory_equal(a.at[i], b.at[i], a.len[i]);
    }
    for (size_t i = 28; i < b.n; i++) {
        assert_int_equal(a.len[i + 1], b.len[i]);
        assert_memory_equal(a.at[i + 1], b.at[i], b.len[i]);
    }
    assert_memory_equal(a.at[26], "sel1._domainkey\tIN\tTXT\t( \"v=DKIM1; k=rsa; p=", 43);
    assert_memory_equal(a.at[27], "\t\t\"", 3); /* the file's continuation indent */
    assert_reads_back("sel1._domainkey.example.org.", key, 86400);
    free(file);
}

/* Two SPF records at the apex: the first is the draft's, the second is
 * reported and left as it is. */
static void test_two_spf_records(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n$TTL 300\n"
                       "@ TXT \"v=spf1 a -all\"\n"
                       "@ TXT \"v=spf1 mx -all\"\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=spf1 -all");
    assert_true(zone_edit_rewrite(file, strlen(file), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 3);
    assert_int_equal(res.drafts[0].others, 1);
    assert_int_equal(res.drafts[0].other_line, 4);
    assert_false(res.has_serial);
    assert_string_equal(out.data, "$ORIGIN example.com.\n$TTL 300\n"
                                  "@ TXT \"v=spf1 -all\"\n"
                                  "@ TXT \"v=spf1 mx -all\"\n");
}

/* CRLF line ends are kept, also in lines written anew. */
static void test_crlf_kept(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    char *crlf = malloc(2 * len);
    assert_non_null(crlf);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (file[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = file[i];
    }
    struct zone_edit_draft d[4];
    file_drafts(d);
    d[1].text = "v=DMARC1; p=quarantine";
    d[1].len = strlen(d[1].text);
    set_draft(&d[3], ZONE_KIND_DKIM_KEY, "new._domainkey.example.org", "v=DKIM1; p=");
    char key[400];
    memset(key, 'k', sizeof key);
    memcpy(key, "v=DKIM1; p=", 11);
    d[3].text = key;
    d[3].len = sizeof key;
    assert_true(zone_edit_rewrite(crlf, n, d, 4, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[3].action, ZONE_EDIT_ADDED);
    /* every line of the output ends CRLF */
    for (size_t i = 0; i < out.len; i++)
        if (out.data[i] == '\n')
            assert_int_equal(out.data[i - 1], '\r');
    assert_int_equal(out.data[out.len - 1], '\n');
    struct lines a, b;
    split_lines(crlf, n, &b);
    split_lines(out.data, out.len, &a);
    assert_int_equal(a.n, b.n + 2); /* the new key: two strings, two lines */
    for (size_t i = 0; i < b.n; i++) {
        if (i == 24)
            continue;
        assert_int_equal(a.len[i], b.len[i]);
        assert_memory_equal(a.at[i], b.at[i], b.len[i]);
    }
    char buf[512];
    assert_string_equal(line_of(out.data, out.len, 24, buf, sizeof buf),
                        "_dmarc\t3600\tIN\tTXT\t\"v=DMARC1; p=quarantine\"\t; policy: monitor\r\n");
    assert_memory_equal(a.at[b.n], "new._domainkey.example.org. 3600 IN TXT ( \"v=DKIM1; p=", 52);
    free(crlf);
    free(file);
}

/* A file that does not end with a line end still does not after a
 * rewrite; an added record starts on a line of its own. */
static void test_no_final_newline(void **state)
{
    (void)state;
    const char *file = "$TTL 300\nexample.com. TXT \"v=spf1 a -all\" ; last";
    struct zone_edit_draft d[2];
    set_draft(&d[0], ZONE_KIND_SPF, "example.com", "v=spf1 -all");
    assert_true(zone_edit_rewrite(file, strlen(file), d, 1, NULL, &out, &res, &diags));
    assert_string_equal(out.data, "$TTL 300\nexample.com. TXT \"v=spf1 -all\" ; last");
    set_draft(&d[1], ZONE_KIND_DMARC, "_dmarc.example.com", "v=DMARC1; p=none");
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(file, strlen(file), d, 2, NULL, &out, &res, &diags));
    assert_string_equal(out.data, "$TTL 300\nexample.com. TXT \"v=spf1 -all\" ; last\n"
                                  "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=none\"\n");
}

/* A draft not wanted (an untouched template, a removed draft) is not
 * written, and the file's record for it is left as it is. */
static void test_unwanted_left(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[2].text = "v=DKIM1; k=rsa; p=";
    d[2].len = strlen(d[2].text);
    d[2].wanted = false;
    set_draft(&d[0], ZONE_KIND_SPF, "example.com", "v=spf1 -all");
    d[0].wanted = false;
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_NONE);
    assert_int_equal(res.drafts[2].action, ZONE_EDIT_LEFT);
    assert_int_equal(res.drafts[2].line, 27);
    assert_int_equal(res.changes, 0);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, file, len);
    free(file);
}

/* A draft the user emptied removes its record (its line and the comment on
 * it), every other byte kept; a record whose owner the next line inherits
 * (a blank owner field) is left, not removed. */
static void test_removed_draft_removes_its_record(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[1].text = "";
    d[1].len = 0;
    d[1].wanted = false;
    d[1].remove = true;
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[1].action, ZONE_EDIT_REMOVED);
    assert_int_equal(res.drafts[1].line, 25);
    const char *line = strstr(file, "_dmarc\t3600");
    assert_non_null(line);
    size_t at = (size_t)(line - file), n = (size_t)(strchr(line, '\n') + 1 - line);
    assert_int_equal(out.len, len - n);
    assert_memory_equal(out.data, file, at);
    assert_memory_equal(out.data + at, file + at + n, len - at - n);
    free(file);

    const char *inherit = "$ORIGIN example.org.\n$TTL 3600\n"
                          "_dmarc IN TXT \"v=DMARC1; p=none\"\n"
                          "       IN TXT \"something else\"\n";
    set_draft(&d[1], ZONE_KIND_DMARC, "_dmarc.example.org", "");
    d[1].wanted = false;
    d[1].remove = true;
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(inherit, strlen(inherit), &d[1], 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_LEFT);
    assert_int_equal(out.len, strlen(inherit));

    /* Two records of the kind at the name: removing the first would make
     * the second reopen as the draft, and each later save remove one more
     * (fuzz_zone_edit found it).  Both are left, and said. */
    const char *two = "$TTL 300\n"
                      "example.com. TXT \"v=spf1 a -all\"\n"
                      "example.com. TXT \"v=spf1_x\" ; a broken copy\n";
    set_draft(&d[0], ZONE_KIND_SPF, "example.com", "");
    d[0].wanted = false;
    d[0].remove = true;
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(two, strlen(two), d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_LEFT);
    assert_int_equal(res.drafts[0].line, 2);
    assert_int_equal(res.drafts[0].others, 1);
    assert_int_equal(res.drafts[0].other_line, 3);
    assert_int_equal(res.changes, 0);
    assert_string_equal(out.data, two);
}

/* A draft too long for one DNS record is refused: nothing written. */
static void test_too_long_refused(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    size_t big = 65400;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, 'a', big);
    memcpy(text, "v=DKIM1; p=", 11);
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[2].text = text;
    d[2].len = big;
    assert_false(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    assert_int_equal(res.drafts[2].action, ZONE_EDIT_TOO_LONG);
    assert_int_equal(out.len, 0);
    assert_false(zone_edit_fragment("example.org", d, 3, &out, &res));
    assert_int_equal(res.drafts[2].action, ZONE_EDIT_TOO_LONG);
    assert_int_equal(out.len, 0);
    free(text);
    free(file);
}

/* A TTL chosen in the save dialog replaces the record's TTL field, or is
 * put before the class when the line had none. */
static void test_set_ttl(void **state)
{
    (void)state;
    size_t len;
    char *file = load_fixture("bind-full.zone", &len);
    struct zone_edit_draft d[3];
    file_drafts(d);
    for (int i = 0; i < 3; i++) {
        d[i].ttl = 600;
        d[i].set_ttl = true;
    }
    d[2].wanted = false;
    assert_true(zone_edit_rewrite(file, len, d, 3, &origin_org, &out, &res, &diags));
    const size_t changed[] = {15, 24};
    assert_lines_kept(file, len, out.data, out.len, changed, 2);
    char buf[512];
    assert_string_equal(line_of(out.data, out.len, 15, buf, sizeof buf),
                        "@\t600\tIN\tTXT\t\"v=spf1 mx ip4:192.0.2.0/24 -all\"\n");
    assert_string_equal(line_of(out.data, out.len, 24, buf, sizeof buf),
                        "_dmarc\t600\tIN\tTXT\t\"" DMARC_TEXT "\"\t; policy: monitor\n");
    free(file);

    const char *no_ttl = "$ORIGIN example.com.\n$TTL 300\n_dmarc IN TXT \"v=DMARC1; p=none\"\n";
    set_draft(&d[0], ZONE_KIND_DMARC, "_dmarc.example.com", "v=DMARC1; p=none");
    d[0].ttl = 60;
    d[0].set_ttl = true;
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(no_ttl, strlen(no_ttl), d, 1, NULL, &out, &res, &diags));
    assert_string_equal(out.data,
                        "$ORIGIN example.com.\n$TTL 300\n_dmarc 60 IN TXT \"v=DMARC1; p=none\"\n");
}

/* A file relying on the origin named.conf gives (no $ORIGIN) reads with
 * the origin passed; other SPF-looking records at other names untouched. */
/* Without a $TTL, a record's TTL is the TTL of the later records that
 * state none (RFC 1035 §5.1): a TTL chosen for the save is not written
 * there (the fuzzer found the second record's TTL changing). */
static void test_set_ttl_without_dollar_ttl(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n"
                       "@ 300 IN TXT \"v=spf1 -all\"\n"
                       "_dmarc IN TXT \"v=DMARC1; p=none\"\n";
    struct zone_edit_draft d[2];
    set_draft(&d[0], ZONE_KIND_SPF, "example.com", "v=spf1 mx -all");
    set_draft(&d[1], ZONE_KIND_DMARC, "_dmarc.example.com", "v=DMARC1; p=none");
    d[0].set_ttl = d[1].set_ttl = true;
    d[0].ttl = d[1].ttl = 3600;
    assert_true(zone_edit_rewrite(file, strlen(file), d, 2, NULL, &out, &res, &diags));
    assert_string_equal(out.data, "$ORIGIN example.com.\n"
                                  "@ 300 IN TXT \"v=spf1 mx -all\"\n"
                                  "_dmarc IN TXT \"v=DMARC1; p=none\"\n");
    assert_true(res.drafts[0].ttl_kept);
    assert_true(res.drafts[1].ttl_kept);
    assert_int_equal(res.drafts[1].action, ZONE_EDIT_KEPT);
    assert_int_equal(res.changes, 1);
}

/* A broken SPF draft saved before ("v=spf 1": no SPF record to a reader)
 * is the SPF draft's record the next time: rewritten, never added twice. */
static void test_broken_spf_rewritten(void **state)
{
    (void)state;
    const char *file = "$TTL 300\n"
                       "example.com. TXT \"google-site-verification=1\"\n"
                       "example.com. TXT \"v=spf 1 -all\"\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=spf1 -all");
    assert_true(zone_edit_rewrite(file, strlen(file), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_string_equal(out.data, "$TTL 300\n"
                                  "example.com. TXT \"google-site-verification=1\"\n"
                                  "example.com. TXT \"v=spf1 -all\"\n");
}

static void test_origin_from_caller(void **state)
{
    (void)state;
    const char *file = "$TTL 300\n"
                       "@ IN TXT \"v=spf1 a -all\"\n"
                       "mail IN TXT \"v=spf1 a -all\"\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=spf1 mx -all");
    struct zone_edit_options opt = {"example.com.", false, 0};
    assert_true(zone_edit_rewrite(file, strlen(file), &d, 1, &opt, &out, &res, &diags));
    assert_int_equal(res.zone_problems, 0);
    assert_string_equal(out.data, "$TTL 300\n"
                                  "@ IN TXT \"v=spf1 mx -all\"\n"
                                  "mail IN TXT \"v=spf1 a -all\"\n");
}

/* The fragment for a new file: no $TTL, each record with its TTL, only
 * the wanted drafts; it reads back as written. */
static void test_fragment(void **state)
{
    (void)state;
    struct zone_edit_draft d[3];
    file_drafts(d);
    d[1].ttl = 300;
    d[2].wanted = false;
    assert_true(zone_edit_fragment("example.org", d, 3, &out, &res));
    assert_null(strstr(out.data, "$TTL"));
    assert_null(strstr(out.data, "DKIM1"));
    assert_non_null(strstr(out.data, "example.org. 3600 IN TXT \"" SPF_TEXT "\"\n"));
    assert_non_null(strstr(out.data, "_dmarc.example.org. 300 IN TXT \"" DMARC_TEXT "\"\n"));
    assert_reads_back("_dmarc.example.org.", DMARC_TEXT, 300);
    assert_int_equal(res.changes, 2);
}

/* How many times the SPF draft marker is in out. */
static size_t markers_in(const char *s)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, ZONE_EDIT_SPF_MARKER)) != NULL; p++)
        n++;
    return n;
}

/* The first record at owner (lowercase, absolute) in text: marked? */
static bool marked_at(const char *text, const char *owner, const char *rtext)
{
    struct zone z;
    zone_init(&z);
    assert_true(zone_read(&z, text, strlen(text), NULL, NULL));
    bool marked = false, found = false;
    for (size_t i = 0; i < z.count && !found; i++)
        if (strcmp(z.records[i].owner_lc, owner) == 0 && z.records[i].len == strlen(rtext) &&
            memcmp(z.records[i].text, rtext, z.records[i].len) == 0) {
            found = true;
            marked = zone_edit_record_marked(text, strlen(text), &z.records[i]);
        }
    zone_free(&z);
    if (!found) {
        print_message("no record %s \"%s\" in:\n%s\n", owner, rtext, text);
        fail();
    }
    return marked;
}

/* Which texts an SPF draft needs the marker for: only those that would not
 * read back as SPF at the domain. */
static void test_spf_marker_only_when_needed(void **state)
{
    (void)state;
    assert_true(zone_edit_text_is_spf(ZONE_KIND_SPF, false, "v=spf1 -all", 11));
    assert_false(zone_edit_text_is_spf(ZONE_KIND_SPF, true, "v=spf1 -all", 11));
    assert_true(zone_edit_text_is_spf(ZONE_KIND_OTHER, false, "V=SPF 1", 7));
    assert_false(zone_edit_text_is_spf(ZONE_KIND_OTHER, false, " P=none2", 8));
    assert_false(zone_edit_text_is_spf(ZONE_KIND_OTHER, false, "v=sp", 4));
    assert_false(zone_edit_text_is_spf(ZONE_KIND_DMARC, true, "v=DMARC1", 8));

    static const struct {
        const char *text;
        bool marked;
    } cases[] = {
        {"v=spf1 mx -all", false},
        {"v=spf 1 -all", false},
        {" P=none2", true},
        {"v=DMARC1; p=none", true},
        {"v=DKIM1; p=abc", true},
        {"spf2.0/pra -all", true},
        {"google-site-verification=x", true},
        {"", true},
    };
    struct zone_edit_draft d;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        strbuf_reset(&out);
        set_draft(&d, ZONE_KIND_SPF, "example.com", cases[i].text);
        assert_true(zone_edit_fragment("example.com", &d, 1, &out, &res));
        assert_int_equal(markers_in(out.data), cases[i].marked ? 1 : 0);
        assert_int_equal(marked_at(out.data, "example.com.", cases[i].text), cases[i].marked);
    }
    /* Never on the DMARC or DKIM draft, whatever their text. */
    strbuf_reset(&out);
    set_draft(&d, ZONE_KIND_DMARC, "_dmarc.example.com", " P=none2");
    assert_true(zone_edit_fragment("example.com", &d, 1, &out, &res));
    assert_int_equal(markers_in(out.data), 0);
}

/* The marker is a comment after the record's last token: the marker's
 * words inside the quoted text, on a line of their own or inside the
 * parentheses are no marker; case does not matter; after ")" it is. */
static void test_spf_marker_where_it_counts(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n$TTL 300\n"
                       "a TXT \"authtxt: spf draft\"\n"
                       "; authtxt: spf draft\n"
                       "b TXT \"x\"\n"
                       "c TXT ( \"y\" ; authtxt: spf draft\n"
                       "        \"z\" )\n"
                       "d TXT ( \"y\"\n"
                       "        \"z\" ) ; mine; AuthTXT: SPF Draft\r\n"
                       "e TXT \"w\";authtxt: spf draft";
    assert_false(marked_at(file, "a.example.com.", "authtxt: spf draft"));
    assert_false(marked_at(file, "b.example.com.", "x"));
    assert_false(marked_at(file, "c.example.com.", "yz"));
    assert_true(marked_at(file, "d.example.com.", "yz"));
    assert_true(marked_at(file, "e.example.com.", "w"));
}

/* An SPF draft that is not SPF-like, saved into the admin's zone beside a
 * site-verification TXT: added with the marker after the apex's last TXT
 * record; saved again, that marked record is rewritten (not a second one
 * added), the marker kept once; made SPF-like later, still that record.
 * Every other line byte for byte. */
static void test_spf_marker_added_then_rewritten(void **state)
{
    (void)state;
    const char *file = "$ORIGIN example.com.\n$TTL 300\n"
                       "@ IN TXT \"google-site-verification=1\" ; for the search console\n"
                       "www IN A 192.0.2.1\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", " P=none2");
    assert_true(zone_edit_rewrite(file, strlen(file), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_ADDED);
    assert_string_equal(out.data,
                        "$ORIGIN example.com.\n$TTL 300\n"
                        "@ IN TXT \"google-site-verification=1\" ; for the search console\n"
                        "  3600 IN TXT \" P=none2\" ; authtxt: spf draft\n"
                        "www IN A 192.0.2.1\n");
    assert_false(marked_at(out.data, "example.com.", "google-site-verification=1"));
    assert_true(marked_at(out.data, "example.com.", " P=none2"));

    char *saved = strbuf_take(&out);
    strbuf_init(&out);
    set_draft(&d, ZONE_KIND_SPF, "example.com", "P=none3");
    assert_true(zone_edit_rewrite(saved, strlen(saved), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 4);
    size_t changed[] = {3};
    assert_lines_kept(saved, strlen(saved), out.data, out.len, changed, 1);
    assert_int_equal(markers_in(out.data), 1);
    assert_true(marked_at(out.data, "example.com.", "P=none3"));

    free(saved);
    saved = strbuf_take(&out);
    strbuf_init(&out);
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=spf1 -all");
    assert_true(zone_edit_rewrite(saved, strlen(saved), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_lines_kept(saved, strlen(saved), out.data, out.len, changed, 1);
    assert_non_null(strstr(out.data, "\n  3600 IN TXT \"v=spf1 -all\" ; authtxt: spf draft\n"));
    assert_int_equal(markers_in(out.data), 1);
    free(saved);
}

/* The admin's SPF record with their comment (CRLF file), rewritten to a
 * text that is not SPF-like: the marker goes at the end of their comment,
 * which stays as it was; with no comment, right after the RDATA.  A zone
 * with no TXT record at the domain gets it at the end of the file. */
static void test_spf_marker_keeps_admin_comment(void **state)
{
    (void)state;
    const char *file = "$TTL 300\r\n"
                       "example.com. TXT \"v=spf1 -all\"   ; mine (do not touch)\r\n"
                       "_dmarc.example.com. TXT \"v=DMARC1; p=none\"\r\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=DMARC1; p=reject");
    assert_true(zone_edit_rewrite(file, strlen(file), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_string_equal(out.data,
                        "$TTL 300\r\n"
                        "example.com. TXT \"v=DMARC1; p=reject\"   ; mine (do not touch) ; "
                        "authtxt: spf draft\r\n"
                        "_dmarc.example.com. TXT \"v=DMARC1; p=none\"\r\n");

    const char *bare = "$TTL 300\nexample.com. TXT \"v=spf1 -all\"\n";
    strbuf_reset(&out);
    set_draft(&d, ZONE_KIND_SPF, "example.com", " P=none2");
    assert_true(zone_edit_rewrite(bare, strlen(bare), &d, 1, NULL, &out, &res, &diags));
    assert_string_equal(out.data, "$TTL 300\nexample.com. TXT \" P=none2\" ; authtxt: spf draft\n");

    /* No TXT record at the domain, no final newline: added at the end. */
    const char *none = "example.com. 300 IN MX 10 mail.example.com.";
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(none, strlen(none), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_ADDED);
    assert_string_equal(out.data, "example.com. 300 IN MX 10 mail.example.com.\n"
                                  "example.com. 3600 IN TXT \" P=none2\" ; authtxt: spf draft\n");
}

/* A marker moved or copied by hand: the first marked TXT record (class IN)
 * at the domain is the SPF draft's, before an SPF record; a marker under
 * _dmarc, on another class or on a line of its own is no marker. */
static void test_spf_marker_moved_by_hand(void **state)
{
    (void)state;
    const char *moved = "$ORIGIN example.com.\n$TTL 300\n"
                        "@ TXT \"v=spf1 -all\"\n"
                        "@ TXT \"google-site-verification=1\" ; authtxt: spf draft\n"
                        "@ TXT \"other\" ; authtxt: spf draft\n";
    struct zone_edit_draft d;
    set_draft(&d, ZONE_KIND_SPF, "example.com", "v=spf1 mx -all");
    assert_true(zone_edit_rewrite(moved, strlen(moved), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 4);
    assert_int_equal(res.drafts[0].others, 2); /* the SPF record and the second marked one */
    assert_int_equal(res.drafts[0].other_line, 3);
    size_t changed[] = {3};
    assert_lines_kept(moved, strlen(moved), out.data, out.len, changed, 1);
    assert_int_equal(markers_in(out.data), 2);

    /* Not a marker for the SPF draft: a DMARC record's, a CH record's, a
     * comment line's.  The SPF record is rewritten as if none were there. */
    const char *elsewhere = "$ORIGIN example.com.\n$TTL 300\n"
                            "; authtxt: spf draft\n"
                            "@ CH TXT \"chaos\" ; authtxt: spf draft\n"
                            "_dmarc TXT \"v=DMARC1; p=none\" ; authtxt: spf draft\n"
                            "@ IN TXT \"v=spf1 -all\"\n"; /* (a class carries on) */
    strbuf_reset(&out);
    assert_true(zone_edit_rewrite(elsewhere, strlen(elsewhere), &d, 1, NULL, &out, &res, &diags));
    assert_int_equal(res.drafts[0].action, ZONE_EDIT_REWRITTEN);
    assert_int_equal(res.drafts[0].line, 6);
    assert_int_equal(res.drafts[0].others, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dmarc_changed_only_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_changed_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serial_bumped_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serial_next, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_record_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_record_keeps_inherited_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_dkim_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_spf_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_final_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwanted_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_draft_removes_its_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_long_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_ttl_without_dollar_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_spf_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_origin_from_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spf_marker_only_when_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spf_marker_where_it_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spf_marker_added_then_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spf_marker_keeps_admin_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spf_marker_moved_by_hand, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
