/* The semantic diff: each change kind fires where it should and stays
 * quiet where it should not, defaults make "same effect", the DMARC policy
 * per scope, the DKIM key, the SPF effect through trees (address sets,
 * overlaps, lookups) and the line-diff fallback. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/diff.h"
#include "authtxt/spf_tree.h"

static struct record before, after;
static struct diff_result d;

static int setup(void **state)
{
    (void)state;
    record_init(&before);
    record_init(&after);
    diff_result_init(&d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    record_free(&before);
    record_free(&after);
    diff_result_free(&d);
    return 0;
}

static void print_changes(void)
{
    for (size_t i = 0; i < d.count; i++) {
        const struct diff_change *c = &d.changes[i];
        print_message("  %s %s [%s] -> [%s] effect=%d: %s\n", diff_kind_name(c->kind), c->id,
                      c->before_text ? c->before_text : "", c->after_text ? c->after_text : "",
                      c->effect, c->sentence ? c->sentence : "");
    }
}

/* Diff two texts (NULL: no record). */
static void run(const char *b, const char *a)
{
    struct record *pb = NULL, *pa = NULL;
    if (b) {
        assert_true(record_analyze(&before, RECORD_UNKNOWN, b, strlen(b), 0));
        pb = &before;
    }
    if (a) {
        assert_true(record_analyze(&after, RECORD_UNKNOWN, a, strlen(a), 0));
        pa = &after;
    }
    assert_true(diff_records(pb, pa, &d));
}

/* The change of this kind whose before or after text is `text`. */
static const struct diff_change *find(enum diff_kind kind, const char *text)
{
    for (size_t i = 0; i < d.count; i++) {
        const struct diff_change *c = &d.changes[i];
        if (c->kind != kind)
            continue;
        if ((c->after_text && strcmp(c->after_text, text) == 0) ||
            (c->before_text && strcmp(c->before_text, text) == 0))
            return c;
    }
    return NULL;
}

#define assert_change(kind, text)                                                                  \
    do {                                                                                           \
        if (!find((kind), (text))) {                                                               \
            print_message("expected %s %s; got:\n", diff_kind_name(kind), (text));                 \
            print_changes();                                                                       \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#define assert_count(n)                                                                            \
    do {                                                                                           \
        if (d.count != (size_t)(n)) {                                                              \
            print_message("expected %d changes; got:\n", (int)(n));                                \
            print_changes();                                                                       \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* --- SPF terms ----------------------------------------------------------- */

static void test_spf_identical_is_no_change(void **state)
{
    (void)state;
    run("v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all",
        "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all");
    assert_count(0);
    assert_false(d.effect_changed);
    assert_false(d.text_changed);
    assert_int_equal(d.kind, RECORD_SPF);
}

static void test_spf_added_and_removed(void **state)
{
    (void)state;
    run("v=spf1 mx include:a.example -all", "v=spf1 mx include:b.example -all");
    assert_count(2);
    assert_change(DIFF_ADDED, "include:b.example");
    assert_change(DIFF_REMOVED, "include:a.example");
    const struct diff_change *c = find(DIFF_ADDED, "include:b.example");
    assert_string_equal(c->id, "spf.mech.include");
    assert_int_equal(c->before_term, DIFF_NONE);
    assert_int_equal(c->after_term, 2);
    assert_int_equal(c->after.start, 10);
    assert_int_equal(c->after.end, 27);
    assert_true(c->effect);
    assert_non_null(strstr(c->sentence, "added"));
    /* The removed term is listed where it was: after mx, so before the
     * term added in its place (as diff(1) lists - before +). */
    assert_int_equal(d.changes[0].kind, DIFF_REMOVED);
    assert_int_equal(d.changes[1].kind, DIFF_ADDED);
    assert_true(d.effect_changed);
}

static void test_spf_requalified(void **state)
{
    (void)state;
    run("v=spf1 mx ~all", "v=spf1 mx -all");
    assert_count(1);
    assert_change(DIFF_REQUALIFIED, "-all");
    const struct diff_change *c = &d.changes[0];
    assert_string_equal(c->before_text, "~all");
    assert_non_null(strstr(c->sentence, "softfail -> fail"));
    assert_true(c->effect);
    /* "+" written out is the default qualifier: same effect, not requalified. */
    run("v=spf1 mx -all", "v=spf1 +mx -all");
    assert_count(1);
    assert_change(DIFF_SAME_EFFECT, "+mx");
    assert_false(d.effect_changed);
    assert_true(d.text_changed);
}

static void test_spf_single_insertion_moves_nothing(void **state)
{
    (void)state;
    run("v=spf1 ip4:192.0.2.1 a mx include:x.example ~all",
        "v=spf1 include:new.example ip4:192.0.2.1 a mx include:x.example ~all");
    assert_count(1);
    assert_change(DIFF_ADDED, "include:new.example");
    assert_int_equal(diff_count_kind(&d, DIFF_MOVED), 0);
}

static void test_spf_include_moved_vs_added(void **state)
{
    (void)state;
    /* The same include at another place: moved, not added and removed. */
    run("v=spf1 include:a.example include:b.example include:c.example -all",
        "v=spf1 include:c.example include:a.example include:b.example -all");
    assert_count(1);
    assert_change(DIFF_MOVED, "include:c.example");
    assert_int_equal(diff_count_kind(&d, DIFF_ADDED), 0);
    assert_int_equal(diff_count_kind(&d, DIFF_REMOVED), 0);
    /* All three pass: the order among them changes nothing. */
    assert_false(d.changes[0].effect);
    assert_false(d.effect_changed);

    /* Moving a fail term before a pass term changes the result. */
    run("v=spf1 ip4:192.0.2.0/24 -ip4:192.0.2.1 ~all",
        "v=spf1 -ip4:192.0.2.1 ip4:192.0.2.0/24 ~all");
    assert_count(1);
    assert_int_equal(d.changes[0].kind, DIFF_MOVED);
    assert_true(d.changes[0].effect);
    assert_true(d.effect_changed);
}

static void test_spf_normalized_values_match(void **state)
{
    (void)state;
    /* Domains in any case with a final dot, host bits, default CIDR. */
    run("v=spf1 include:_SPF.Example.COM. ip4:192.0.2.77/24 ip4:198.51.100.1 a:mail.example.com/32 "
        "-all",
        "v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ip4:198.51.100.1/32 a:mail.example.com "
        "-all");
    assert_int_equal(diff_count_kind(&d, DIFF_ADDED), 0);
    assert_int_equal(diff_count_kind(&d, DIFF_REMOVED), 0);
    assert_int_equal(diff_count_kind(&d, DIFF_SAME_EFFECT), 4);
    assert_false(d.effect_changed);
    /* Another CIDR length is another term. */
    run("v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 ip4:192.0.2.0/25 -all");
    assert_change(DIFF_ADDED, "ip4:192.0.2.0/25");
    assert_change(DIFF_REMOVED, "ip4:192.0.2.0/24");
}

static void test_spf_duplicates_pair_in_order(void **state)
{
    (void)state;
    run("v=spf1 mx mx -all", "v=spf1 mx -all");
    assert_count(1);
    const struct diff_change *c = &d.changes[0];
    assert_int_equal(c->kind, DIFF_REMOVED);
    assert_int_equal(c->before_term, 2);
}

static void test_spf_unknown_modifier_has_no_effect(void **state)
{
    (void)state;
    run("v=spf1 mx -all", "v=spf1 mx -all foo=bar");
    assert_count(1);
    assert_change(DIFF_ADDED, "foo=bar");
    assert_false(d.changes[0].effect);
    assert_false(d.effect_changed);
}

static void test_spf_record_added(void **state)
{
    (void)state;
    run(NULL, "v=spf1 mx -all");
    assert_count(3);
    assert_int_equal(diff_count_kind(&d, DIFF_ADDED), 3);
    assert_false(d.before_present);
    assert_true(d.after_present);
    assert_true(d.effect_changed);
}

/* --- DMARC --------------------------------------------------------------- */

static void test_dmarc_pct_100_is_same_effect(void **state)
{
    (void)state;
    run("v=DMARC1; p=reject", "v=DMARC1; p=reject; pct=100");
    assert_count(1);
    assert_change(DIFF_SAME_EFFECT, "pct=100");
    assert_string_equal(d.changes[0].id, "dmarc.tag.pct");
    assert_false(d.changes[0].effect);
    assert_false(d.effect_changed);
    assert_false(d.dmarc.changed);
    /* And the other way round. */
    run("v=DMARC1; p=reject; pct=100", "v=DMARC1; p=reject");
    assert_count(1);
    assert_change(DIFF_SAME_EFFECT, "pct=100");
    assert_false(d.effect_changed);
    /* pct=50 is not the default. */
    run("v=DMARC1; p=reject", "v=DMARC1; p=reject; pct=50");
    assert_change(DIFF_ADDED, "pct=50");
    assert_true(d.effect_changed);
}

static void test_dmarc_defaults_follow_other_tags(void **state)
{
    (void)state;
    /* Absent sp is p: writing sp=reject under p=reject changes nothing. */
    run("v=DMARC1; p=reject", "v=DMARC1; p=reject; sp=reject; adkim=r; fo=0");
    assert_int_equal(diff_count_kind(&d, DIFF_SAME_EFFECT), 3);
    assert_false(d.effect_changed);
    /* sp=none under p=reject does. */
    run("v=DMARC1; p=reject", "v=DMARC1; p=reject; sp=none");
    assert_change(DIFF_ADDED, "sp=none");
    assert_true(d.effect_changed);
    assert_false(d.dmarc.scope_changed[DMARC_SCOPE_DOMAIN]);
    assert_true(d.dmarc.scope_changed[DMARC_SCOPE_SUBDOMAIN]);
    assert_true(d.dmarc.scope_changed[DMARC_SCOPE_NXDOMAIN]);
}

static void test_dmarc_p_none_to_quarantine_all_scopes(void **state)
{
    (void)state;
    run("v=DMARC1; p=none; rua=mailto:d@example.com",
        "v=DMARC1; p=quarantine; rua=mailto:d@example.com");
    assert_count(1);
    assert_change(DIFF_CHANGED, "p=quarantine");
    const struct diff_change *c = &d.changes[0];
    assert_string_equal(c->before_text, "p=none");
    assert_string_equal(c->id, "dmarc.tag.p");
    assert_true(c->effect);
    assert_true(d.dmarc.changed);
    for (int s = 0; s < DMARC_SCOPE_COUNT; s++) {
        assert_true(d.dmarc.scope_changed[s]);
        assert_non_null(strstr(d.dmarc.scope_text[s], "none -> quarantine"));
    }
    assert_string_not_equal(d.dmarc.before_text, d.dmarc.after_text);
}

static void test_dmarc_case_and_list_order_same_effect(void **state)
{
    (void)state;
    run("v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@example.com",
        "v=DMARC1; P=Reject; rua=mailto:b@example.com,mailto:a@example.com");
    assert_int_equal(diff_count_kind(&d, DIFF_SAME_EFFECT), 2);
    assert_int_equal(diff_count_kind(&d, DIFF_CHANGED), 0);
    assert_false(d.effect_changed);
    /* Another destination is a change. */
    run("v=DMARC1; p=reject; rua=mailto:a@example.com",
        "v=DMARC1; p=reject; rua=mailto:c@example.com");
    assert_change(DIFF_CHANGED, "rua=mailto:c@example.com");
    assert_true(d.effect_changed);
}

static void test_dmarc_removed_and_unknown(void **state)
{
    (void)state;
    run("v=DMARC1; p=reject; t=y", "v=DMARC1; p=reject; x=1");
    assert_change(DIFF_REMOVED, "t=y");
    assert_change(DIFF_ADDED, "x=1");
    assert_true(find(DIFF_REMOVED, "t=y")->effect);
    assert_false(find(DIFF_ADDED, "x=1")->effect);
    assert_true(d.dmarc.scope_changed[DMARC_SCOPE_DOMAIN]); /* t=y took a level off */
}

/* --- DKIM ---------------------------------------------------------------- */

/* A 1024-bit and a 2048-bit RSA key (test keys, base64 SPKI). */
#include "test_dkim_keys.h"

static void test_dkim_defaults_and_key(void **state)
{
    (void)state;
    char b[4096], a[4096];
    snprintf(b, sizeof b, "v=DKIM1; p=%s", KEY_RSA1024);
    snprintf(a, sizeof a, "v=DKIM1; k=rsa; p=%s", KEY_RSA1024);
    run(b, a);
    assert_count(1);
    assert_int_equal(d.changes[0].kind, DIFF_SAME_EFFECT);
    assert_false(d.effect_changed);
    assert_false(d.dkim.key_changed);

    snprintf(a, sizeof a, "v=DKIM1; p=%s", KEY_RSA2048);
    run(b, a);
    assert_count(1);
    const struct diff_change *c = &d.changes[0];
    assert_int_equal(c->kind, DIFF_CHANGED);
    assert_string_equal(c->id, "dkim.key.tag.p");
    assert_string_equal(c->sentence, "key changed: 1024-bit RSA -> 2048-bit RSA");
    assert_true(d.dkim.key_changed);
    assert_true(d.effect_changed);

    snprintf(a, sizeof a, "v=DKIM1; t=y; p=%s", KEY_RSA1024);
    run(b, a);
    assert_change(DIFF_ADDED, "t=y");
    assert_true(d.effect_changed);
    /* n= is a note for people. */
    snprintf(a, sizeof a, "v=DKIM1; n=hello; p=%s", KEY_RSA1024);
    run(b, a);
    assert_change(DIFF_ADDED, "n=hello");
    assert_false(d.effect_changed);
}

/* --- fallback ------------------------------------------------------------ */

static void test_kinds_differ_gives_line_diff(void **state)
{
    (void)state;
    run("v=spf1 -all", "v=DMARC1; p=reject");
    assert_true(d.text_fallback);
    assert_int_equal(d.count, 0);
    assert_int_equal(d.nlines, 2);
    assert_int_equal(d.lines[0].op, '-');
    assert_string_equal(d.lines[0].text, "v=spf1 -all");
    assert_int_equal(d.lines[1].op, '+');
    assert_true(d.effect_changed);
}

static void test_line_diff_keeps_common_lines(void **state)
{
    (void)state;
    const char *x = "one\ntwo\nthree\n", *y = "one\n2\nthree\nfour\n";
    diff_result_free(&d);
    assert_true(diff_text_lines(x, strlen(x), y, strlen(y), &d));
    const char ops[] = " -+ +";
    assert_int_equal(d.nlines, 5);
    for (size_t i = 0; i < d.nlines; i++)
        assert_int_equal(d.lines[i].op, ops[i]);
    assert_string_equal(d.lines[4].text, "four");
}

/* --- SPF effect through trees ------------------------------------------ */

static struct spf_tree tb, ta;

static void trees(const char *b, const char *a)
{
    spf_tree_init(&tb);
    spf_tree_init(&ta);
    assert_true(spf_tree_start_text(&tb, "example.com", b, strlen(b)));
    assert_true(spf_tree_start_text(&ta, "example.com", a, strlen(a)));
    run(b, a);
    assert_true(diff_spf_effect(&tb, &ta, &d));
}

static void trees_free(void)
{
    spf_tree_free(&tb);
    spf_tree_free(&ta);
}

static const char *prefix_text(const struct ip_prefix *p)
{
    static char buf[IP_PREFIX_TEXT_MAX];
    ip_prefix_format(p, buf);
    return buf;
}

static void test_effect_overlap_v4(void **state)
{
    (void)state;
    trees("v=spf1 ip4:192.0.2.0/25 -all", "v=spf1 ip4:192.0.2.0/25 ip4:192.0.2.0/24 -all");
    /* Only the upper half is new. */
    assert_int_equal(d.spf.added.count, 1);
    assert_string_equal(prefix_text(&d.spf.added.items[0]), "192.0.2.128/25");
    assert_int_equal(d.spf.removed.count, 0);
    assert_int_equal(d.spf.noverlaps, 1);
    const struct ipset_overlap *o = &d.spf.overlaps[0];
    assert_string_equal(prefix_text(&d.spf.after_blocks.items[o->outer]), "192.0.2.0/24");
    assert_string_equal(prefix_text(&d.spf.after_blocks.items[o->inner]), "192.0.2.0/25");
    assert_false(o->duplicate);
    assert_true(d.spf.changed);
    trees_free();
}

static void test_effect_overlap_v6_and_no_overlap(void **state)
{
    (void)state;
    trees("v=spf1 ip6:2001:db8::/48 -all", "v=spf1 ip6:2001:db8::/48 ip6:2001:db8::/32 -all");
    assert_int_equal(d.spf.noverlaps, 1);
    assert_int_equal(d.spf.added.count, 16); /* the /32 minus the /48 */
    trees_free();
    diff_result_free(&d);
    trees("v=spf1 ip6:2001:db8::/48 -all", "v=spf1 ip6:2001:db8::/48 ip6:2001:db9::/48 -all");
    assert_int_equal(d.spf.noverlaps, 0);
    assert_int_equal(d.spf.added.count, 1);
    trees_free();
}

static void test_effect_same_set_split_differently(void **state)
{
    (void)state;
    trees("v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 ip4:192.0.2.0/25 ip4:192.0.2.128/25 -all");
    assert_int_equal(d.spf.added.count, 0);
    assert_int_equal(d.spf.removed.count, 0);
    assert_false(d.spf.changed);
    /* The terms differ, and the term diff says so, with effect. */
    assert_change(DIFF_REMOVED, "ip4:192.0.2.0/24");
    trees_free();
}

static void test_effect_lookups_names_all(void **state)
{
    (void)state;
    trees("v=spf1 mx include:a.example ~all",
          "v=spf1 mx a:mail.example.com include:b.example -all");
    assert_int_equal(d.spf.before.lookups, 2);
    assert_int_equal(d.spf.after.lookups, 3);
    assert_int_equal(d.spf.before.all, SPF_QUALIFIER_SOFTFAIL);
    assert_int_equal(d.spf.after.all, SPF_QUALIFIER_FAIL);
    assert_false(d.spf.after.complete); /* includes not fetched */
    bool a_added = false, inc_added = false, inc_removed = false;
    for (size_t i = 0; i < d.spf.nnames_added; i++) {
        a_added |= strcmp(d.spf.names_added[i], "a:mail.example.com") == 0;
        inc_added |= strcmp(d.spf.names_added[i], "include:b.example (not fetched)") == 0;
        assert_string_not_equal(d.spf.names_added[i], "mx:example.com"); /* in both */
    }
    for (size_t i = 0; i < d.spf.nnames_removed; i++)
        inc_removed |= strcmp(d.spf.names_removed[i], "include:a.example (not fetched)") == 0;
    assert_true(a_added);
    assert_true(inc_added);
    assert_true(inc_removed);
    trees_free();
}

static void test_effect_through_include(void **state)
{
    (void)state;
    /* The include's record comes from an answer: its blocks count, and a
     * "-include" keeps them out of the passing set. */
    spf_tree_init(&tb);
    spf_tree_init(&ta);
    const char *b = "v=spf1 -include:x.example ~all", *a = "v=spf1 include:x.example ~all";
    assert_true(spf_tree_start_text(&tb, "example.com", b, strlen(b)));
    assert_true(spf_tree_start_text(&ta, "example.com", a, strlen(a)));
    struct dns_txt_answer ans;
    dns_txt_answer_init(&ans);
    ans.status = DNS_OK;
    assert_true(dns_txt_answer_add_text(&ans, "v=spf1 ip4:203.0.113.0/24 -all"));
    assert_true(spf_tree_attach_txt(&tb, 1, &ans));
    assert_true(spf_tree_attach_txt(&ta, 1, &ans));
    dns_txt_answer_free(&ans);
    run(b, a);
    assert_true(diff_spf_effect(&tb, &ta, &d));
    assert_true(d.spf.after.complete);
    assert_int_equal(d.spf.before.authorized.count, 0);
    assert_int_equal(d.spf.added.count, 1);
    assert_string_equal(prefix_text(&d.spf.added.items[0]), "203.0.113.0/24");
    assert_change(DIFF_REQUALIFIED, "include:x.example");
    trees_free();
}

/* --- hostile and random input ------------------------------------------ */

/* Every change points at real text: spans inside the records, texts equal
 * to the spans, a sentence, and a side present for its kind. */
static void check_invariants(void)
{
    assert_false(d.oom);
    for (size_t i = 0; i < d.count; i++) {
        const struct diff_change *c = &d.changes[i];
        assert_non_null(c->id);
        assert_non_null(c->sentence);
        assert_true(c->before_term != DIFF_NONE || c->after_term != DIFF_NONE);
        if (c->kind == DIFF_ADDED)
            assert_int_equal(c->before_term, DIFF_NONE);
        if (c->kind == DIFF_REMOVED)
            assert_int_equal(c->after_term, DIFF_NONE);
        if (c->before_term != DIFF_NONE) {
            assert_true(c->before.end <= before.len && c->before.start <= c->before.end);
            assert_int_equal(strlen(c->before_text), c->before.end - c->before.start);
            assert_memory_equal(c->before_text, before.text + c->before.start,
                                c->before.end - c->before.start);
        }
        if (c->after_term != DIFF_NONE) {
            assert_true(c->after.end <= after.len && c->after.start <= c->after.end);
            assert_memory_equal(c->after_text, after.text + c->after.start,
                                c->after.end - c->after.start);
        }
    }
}

static unsigned rng_state = 12345;
static unsigned rng(unsigned n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) % n;
}

static void random_record(char *buf, size_t size, const char *const *parts, size_t nparts,
                          const char *head, const char *sep)
{
    size_t n = (size_t)snprintf(buf, size, "%s", head);
    unsigned terms = rng(12);
    for (unsigned i = 0; i < terms && n + 64 < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", sep, parts[rng((unsigned)nparts)]);
}

static void test_random_records_keep_invariants(void **state)
{
    (void)state;
    static const char *const spf[] = {"mx",
                                      "-mx",
                                      "a",
                                      "a:Mail.example.com/24",
                                      "ip4:192.0.2.0/24",
                                      "ip4:192.0.2.7/24",
                                      "~ip4:192.0.2.0/25",
                                      "ip6:2001:db8::/32",
                                      "include:x.example",
                                      "?include:X.example.",
                                      "-all",
                                      "~all",
                                      "+all",
                                      "redirect=r.example",
                                      "exp=e.example",
                                      "foo=bar",
                                      "inlcude:x",
                                      "ip4:300.1.1.1",
                                      "%{i}",
                                      "ptr",
                                      "exists:%{i}.x.example",
                                      "\x01",
                                      "v=spf1"};
    static const char *const dmarc[] = {"p=none",
                                        "p=reject",
                                        "P=Quarantine",
                                        "sp=none",
                                        "np=reject",
                                        "pct=100",
                                        "pct=5",
                                        "adkim=s",
                                        "aspf=r",
                                        "fo=1",
                                        "fo=0:d",
                                        "rua=mailto:a@x.example",
                                        "ruf=mailto:b@x.example",
                                        "t=y",
                                        "psd=n",
                                        "x=y",
                                        "p=bogus",
                                        "rf=afrf",
                                        "ri=3600",
                                        "=",
                                        "p"};
    char b[1024], a[1024];
    for (int round = 0; round < 400; round++) {
        bool is_spf = round % 2 == 0;
        if (is_spf) {
            random_record(b, sizeof b, spf, sizeof spf / sizeof *spf, "v=spf1", " ");
            random_record(a, sizeof a, spf, sizeof spf / sizeof *spf, "v=spf1", " ");
        } else {
            random_record(b, sizeof b, dmarc, sizeof dmarc / sizeof *dmarc, "v=DMARC1", "; ");
            random_record(a, sizeof a, dmarc, sizeof dmarc / sizeof *dmarc, "v=DMARC1", "; ");
        }
        run(b, a);
        check_invariants();
        /* A record against itself: nothing changes. */
        run(a, a);
        assert_int_equal(d.count, 0);
        assert_false(d.effect_changed);
    }
}

static void test_many_duplicate_terms(void **state)
{
    (void)state;
    /* 3000 identical terms on one side, 2999 on the other: one removal,
     * no moves, quickly. */
    size_t n = 3000 * 3 + 16;
    char *x = malloc(n), *y = malloc(n);
    assert_non_null(x);
    assert_non_null(y);
    strcpy(x, "v=spf1");
    strcpy(y, "v=spf1");
    for (int i = 0; i < 3000; i++) {
        strcat(x, " mx");
        if (i)
            strcat(y, " mx");
    }
    run(x, y);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.changes[0].kind, DIFF_REMOVED);
    check_invariants();
    free(x);
    free(y);
}

/* Diff two texts as records of `kind` (as the CLI's diff slots do). */
static void run_kind(enum record_kind kind, const char *b, const char *a)
{
    if (b)
        assert_true(record_analyze(&before, kind, b, strlen(b), 0));
    if (a)
        assert_true(record_analyze(&after, kind, a, strlen(a), 0));
    assert_true(diff_records(b ? &before : NULL, a ? &after : NULL, &d));
}

/* The change in effect is symmetric: A -> B changes it exactly when
 * B -> A does, invalid records (ignored by receivers) and missing ones
 * included; two records receivers both ignore have the same effect. */
static void test_effect_symmetric(void **state)
{
    (void)state;
    static const char *const recs[] = {
        NULL,
        "v=DMARC1; p=reject",
        "v=DMARC1; p=none; rua=mailto:d@example.com",
        "v=DMARC1; p=bogus; rua=mailto:d@example.com",
        "v=DMARC1; p=bogus",
        "v=DMARC2; p=reject",
        "v=DMARC2; p=none; adkim=s",
        "v=DMARC1 p=reject",
        "v=DMARC1; p=reject; t=y",
        "v=DMARC1; p=reject;;",
        "v=DMARC1; p=reject; p=none",
        "v=spf1 -all",
        "v=spf1 all:foo -all",
        "v=DKIM1; p=",
    };
    size_t n = sizeof recs / sizeof *recs;
    static const enum record_kind kinds[] = {RECORD_UNKNOWN, RECORD_DMARC};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                run_kind(kinds[k], recs[i], recs[j]);
                bool there = d.effect_changed;
                run_kind(kinds[k], recs[j], recs[i]);
                bool back = d.effect_changed;
                if (there != back) {
                    print_message("[%s] -> [%s]: %d, back: %d\n", recs[i] ? recs[i] : "(none)",
                                  recs[j] ? recs[j] : "(none)", there, back);
                    fail();
                }
            }
    /* Both ignored by receivers: no change in effect, whatever the tags. */
    run_kind(RECORD_DMARC, "v=DMARC2; p=none", "v=DMARC1 p=reject; adkim=s");
    assert_false(d.effect_changed);
    run_kind(RECORD_DMARC, NULL, "v=DMARC2; p=reject");
    assert_false(d.effect_changed);
    run_kind(RECORD_DMARC, "p=reject; v=DMARC1", NULL);
    assert_false(d.effect_changed);
    /* One ignored, one in force: the effect changes, both ways. */
    run_kind(RECORD_DMARC, "v=DMARC2; p=reject", "v=DMARC1; p=reject");
    assert_true(d.effect_changed);
    run_kind(RECORD_DMARC, "v=DMARC1; p=reject", "v=DMARC2; p=reject");
    assert_true(d.effect_changed);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_effect_symmetric),
        T(test_spf_identical_is_no_change),
        T(test_spf_added_and_removed),
        T(test_spf_requalified),
        T(test_spf_single_insertion_moves_nothing),
        T(test_spf_include_moved_vs_added),
        T(test_spf_normalized_values_match),
        T(test_spf_duplicates_pair_in_order),
        T(test_spf_unknown_modifier_has_no_effect),
        T(test_spf_record_added),
        T(test_dmarc_pct_100_is_same_effect),
        T(test_dmarc_defaults_follow_other_tags),
        T(test_dmarc_p_none_to_quarantine_all_scopes),
        T(test_dmarc_case_and_list_order_same_effect),
        T(test_dmarc_removed_and_unknown),
        T(test_dkim_defaults_and_key),
        T(test_kinds_differ_gives_line_diff),
        T(test_line_diff_keeps_common_lines),
        T(test_effect_overlap_v4),
        T(test_effect_overlap_v6_and_no_overlap),
        T(test_effect_same_set_split_differently),
        T(test_effect_lookups_names_all),
        T(test_effect_through_include),
        T(test_random_records_keep_invariants),
        T(test_many_duplicate_terms),
    };
    return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
