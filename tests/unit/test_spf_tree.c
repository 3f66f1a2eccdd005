/* The live SPF include tree, filled from canned DNS answers: level-by-level
 * queries, lookup and void counts, loops, caps, and each live lint rule
 * fired by a zone and kept quiet by a close one. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/spf_tree.h"

static struct spf_tree tree;
static struct diag_list diags;

static int setup(void **state)
{
    (void)state;
    spf_tree_init(&tree);
    diag_list_init(&diags);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    spf_tree_free(&tree);
    diag_list_free(&diags);
    return 0;
}

/* A canned zone: what each name answers for each query type.  Names not in
 * the table are NXDOMAIN. */
struct zone_entry {
    const char *name;
    enum spf_query_type type;
    enum dns_status status;
    const char *txt[4]; /* TXT records (NULL-terminated) */
    unsigned count;     /* addresses or MX hosts */
};

static const struct zone_entry *zone;
static size_t zone_size;
/* Or computed answers, for zones too big to write out. */
static bool (*zone_fn)(const char *name, enum spf_query_type type, struct dns_txt_answer *txt,
                       enum dns_status *status, unsigned *count);

static bool name_is(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 0x20) != (*b | 0x20))
            return false;
    return *a == *b;
}

static void lookup(const char *name, enum spf_query_type type, struct dns_txt_answer *txt,
                   enum dns_status *status, unsigned *count)
{
    *status = DNS_NXDOMAIN;
    *count = 0;
    if (zone_fn && zone_fn(name, type, txt, status, count))
        return;
    for (size_t i = 0; i < zone_size; i++) {
        if (!name_is(zone[i].name, name))
            continue;
        *status = DNS_NODATA; /* the name exists */
        if (zone[i].type != type)
            continue;
        *status = zone[i].status;
        *count = zone[i].count;
        for (size_t k = 0; k < 4 && zone[i].txt[k]; k++)
            assert_true(dns_txt_answer_add_text(txt, zone[i].txt[k]));
        return;
    }
}

/* Answer everything pending, a whole level at a time, as the network layer
 * would.  Returns the number of rounds; per_round (may be NULL) gets the
 * number of queries of each. */
static size_t resolve(size_t *per_round, size_t max_rounds)
{
    struct spf_query q[512];
    size_t rounds = 0;
    for (;;) {
        size_t n = spf_tree_pending(&tree, q, 512);
        if (n == 0)
            break;
        assert_true(n <= 512);
        assert_true(rounds < 100);
        if (per_round && rounds < max_rounds)
            per_round[rounds] = n;
        rounds++;
        for (size_t i = 0; i < n; i++) {
            struct dns_txt_answer a;
            dns_txt_answer_init(&a);
            enum dns_status status;
            unsigned count;
            lookup(q[i].name, q[i].type, &a, &status, &count);
            if (q[i].target == SPF_NONE) {
                a.status = status;
                assert_true(spf_tree_attach_txt(&tree, q[i].node, &a));
            } else if (q[i].type == SPF_QUERY_TXT) {
                a.status = status;
                assert_true(spf_tree_attach_exp(&tree, q[i].node, q[i].target, &a));
            } else {
                assert_true(spf_tree_attach_target(&tree, q[i].node, q[i].target, status, count));
            }
            dns_txt_answer_free(&a);
        }
    }
    return rounds;
}

#define ZONE(z)                                                                                    \
    do {                                                                                           \
        zone = (z);                                                                                \
        zone_size = sizeof(z) / sizeof((z)[0]);                                                    \
        zone_fn = NULL;                                                                            \
    } while (0)

/* Build the tree of `domain` in the current zone and lint it. */
static void grow(const char *domain)
{
    assert_true(spf_tree_start(&tree, domain));
    resolve(NULL, 0);
    diag_list_reset(&diags);
    spf_tree_lint(&tree, &diags);
}

static size_t node_named(const char *domain)
{
    for (size_t i = 0; i < tree.count; i++)
        if (name_is(tree.nodes[i].domain, domain))
            return i;
    return SPF_NONE;
}

/* The diagnostic of `rule` sits on `want` in the root record. */
static void assert_root_span(enum rule_id rule, const char *want)
{
    const struct spf_node *root = &tree.nodes[0];
    assert_int_equal(root->result, SPF_RESULT_RECORD);
    const char *text = root->txt.count ? root->txt.records[root->spf_txt].text : NULL;
    for (size_t i = 0; i < diags.count; i++) {
        const struct diag *d = &diags.items[i];
        if (d->rule != rule)
            continue;
        size_t wl = strlen(want);
        if (text && d->end - d->start == wl && memcmp(text + d->start, want, wl) == 0)
            return;
    }
    print_message("expected %s over '%s'; got:\n", rule_get(rule)->code, want);
    unit_print_diags(&diags);
    fail();
}

static void assert_message(enum rule_id rule, const char *part)
{
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule && strstr(diags.items[i].message, part))
            return;
    print_message("expected %s saying '%s'; got:\n", rule_get(rule)->code, part);
    unit_print_diags(&diags);
    fail();
}

/* ---------------------------------------------------------------------- */

static void test_chain_levels_and_counts(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"google-site-verification=abc", "v=spf1 include:a.example.net mx -all"}, 0},
        {"example.com", SPF_QUERY_MX, DNS_OK, {NULL}, 2},
        {"a.example.net", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:b.example.net ip4:93.184.216.0/24 ~all"}, 0},
        {"b.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a:mail.b.example.net -all"}, 0},
        {"mail.b.example.net", SPF_QUERY_ADDR, DNS_OK, {NULL}, 1},
    };
    ZONE(z);
    assert_true(spf_tree_start(&tree, "example.com"));
    size_t per[8] = {0};
    size_t rounds = resolve(per, 8);
    /* Each level is asked at once: the root; its include and its mx; the
     * next include; that record's a target. */
    assert_int_equal(rounds, 4);
    assert_int_equal(per[0], 1);
    assert_int_equal(per[1], 2);
    assert_int_equal(per[2], 1);
    assert_int_equal(per[3], 1);
    assert_int_equal(tree.count, 3);
    const struct spf_node *root = &tree.nodes[0], *a = &tree.nodes[1], *b = &tree.nodes[2];
    assert_int_equal(root->result, SPF_RESULT_RECORD);
    assert_int_equal(root->spf_txt, 1);
    assert_string_equal(a->domain, "a.example.net");
    assert_int_equal(a->edge, SPF_EDGE_INCLUDE);
    assert_int_equal(a->parent, 0);
    assert_int_equal(a->parent_term, 1);
    assert_int_equal(a->depth, 1);
    assert_int_equal(b->depth, 2);
    assert_int_equal(root->first_child, 1);
    assert_int_equal(a->first_child, 2);
    assert_int_equal(root->own_lookups, 2);
    assert_int_equal(a->own_lookups, 1);
    assert_int_equal(b->own_lookups, 1);
    assert_int_equal(root->subtree_lookups, 4);
    assert_int_equal(a->running_before, 1);
    assert_int_equal(b->running_before, 2);
    assert_int_equal(tree.lookups, 4);
    assert_int_equal(tree.void_lookups, 0);
    /* Targets: the root's mx and b's a, answered. */
    assert_int_equal(root->ntargets, 1);
    assert_int_equal(root->targets[0].kind, SPF_TERM_MX);
    assert_int_equal(root->targets[0].count, 2);
    assert_int_equal(b->targets[0].status, DNS_OK);
    diag_list_reset(&diags);
    spf_tree_lint(&tree, &diags);
    assert_int_equal(diags.count, 1);
    assert_message(RULE_SPF_LOOKUP_COUNT, "4 of the 10 allowed DNS lookups through the whole tree");
    assert_false(tree.truncated);
}

static void test_lookup_limit_through_tree(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test include:b.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a mx a -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a mx a -all"}, 0},
    };
    ZONE(z);
    zone_fn = NULL;
    grow("example.com");
    assert_int_equal(tree.lookups, 12);
    assert_root_span(RULE_SPF_LOOKUP_LIMIT, "include:b.test");
    assert_message(RULE_SPF_LOOKUP_LIMIT, "12 DNS lookups");
    /* Close: 10 in all. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test include:b.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a mx a -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a -all"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_int_equal(tree.lookups, 10);
    assert_no_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    /* A redirect's record counts after all the mechanisms. */
    static const struct zone_entry z3[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a mx redirect=r.test"}, 0},
        {"r.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a mx a mx a mx -all"}, 0},
    };
    ZONE(z3);
    grow("example.com");
    assert_int_equal(tree.lookups, 11);
    assert_int_equal(tree.nodes[1].running_before, 5);
    assert_root_span(RULE_SPF_LOOKUP_LIMIT, "redirect=r.test");
}

static void test_loops(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:b.test -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:EXAMPLE.com. -all"}, 0},
    };
    ZONE(z);
    grow("example.com");
    size_t loop = node_named("example.com");
    assert_int_equal(loop, 0);
    assert_int_equal(tree.count, 4);
    assert_int_equal(tree.nodes[3].state, SPF_NODE_LOOP);
    assert_root_span(RULE_SPF_INCLUDE_LOOP, "include:a.test");
    assert_message(RULE_SPF_INCLUDE_LOOP, "example.com -> a.test -> b.test -> EXAMPLE.com");
    /* A redirect to itself (openspf redirect-loop). */
    static const struct zone_entry z2[] = {
        {"e1.example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 ip4:1.1.1.1 redirect=e1.example.com"}, 0},
    };
    ZONE(z2);
    grow("e1.example.com");
    assert_root_span(RULE_SPF_INCLUDE_LOOP, "redirect=e1.example.com");
    /* Close: the same name in two branches is no loop. */
    static const struct zone_entry z3[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test include:b.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:c.test -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:c.test -all"}, 0},
        {"c.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all"}, 0},
    };
    ZONE(z3);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_INCLUDE_LOOP);
}

static void test_void_lookups(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 a:n1.test a:ok.test a:n2.test mx:n3.test exists:n4.test -all"}, 0},
        {"ok.test", SPF_QUERY_ADDR, DNS_OK, {NULL}, 1},
        {"n3.test", SPF_QUERY_ADDR, DNS_OK, {NULL}, 1}, /* exists, but no MX */
    };
    ZONE(z);
    grow("example.com");
    assert_int_equal(tree.void_lookups, 4);
    assert_int_equal(tree.nvoids, 4);
    assert_root_span(RULE_SPF_VOID_TARGET, "a:n1.test");
    assert_root_span(RULE_SPF_VOID_TARGET, "mx:n3.test");
    assert_message(RULE_SPF_VOID_TARGET, "NXDOMAIN");
    assert_message(RULE_SPF_VOID_TARGET, "no data");
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_VOID_TARGET), 4);
    /* The third void is where the limit is passed. */
    assert_root_span(RULE_SPF_VOID_LOOKUP_LIMIT, "mx:n3.test");
    /* Close: two voids are allowed. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a:n1.test a:ok.test a:n2.test -all"}, 0},
        {"ok.test", SPF_QUERY_ADDR, DNS_OK, {NULL}, 1},
    };
    ZONE(z2);
    grow("example.com");
    assert_int_equal(tree.void_lookups, 2);
    assert_no_rule(&diags, RULE_SPF_VOID_LOOKUP_LIMIT);
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_VOID_TARGET), 2);
    /* A timeout is not void. */
    static const struct zone_entry z3[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a:slow.test -all"}, 0},
        {"slow.test", SPF_QUERY_ADDR, DNS_TIMEOUT, {NULL}, 0},
    };
    ZONE(z3);
    grow("example.com");
    assert_int_equal(tree.void_lookups, 0);
    assert_no_rule(&diags, RULE_SPF_VOID_TARGET);
}

static void test_records_at_targets(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:two.test include:none.test include:gone.test -all"}, 0},
        {"two.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all", "V=SPF1 +all"}, 0},
        {"none.test", SPF_QUERY_TXT, DNS_OK, {"v=spf10 -all", "verification=1"}, 0},
    };
    ZONE(z);
    grow("example.com");
    assert_int_equal(tree.nodes[node_named("two.test")].result, SPF_RESULT_MULTIPLE);
    assert_root_span(RULE_SPF_MULTIPLE_RECORDS, "include:two.test");
    assert_message(RULE_SPF_MULTIPLE_RECORDS, "two.test publishes 2 v=spf1 records");
    assert_root_span(RULE_SPF_INCLUDE_NO_RECORD, "include:none.test");
    assert_root_span(RULE_SPF_INCLUDE_NO_RECORD, "include:gone.test");
    assert_message(RULE_SPF_INCLUDE_NO_RECORD, "(NXDOMAIN)");
    /* The NXDOMAIN include is a void lookup; the TXT without SPF is not. */
    assert_int_equal(tree.void_lookups, 1);
    /* Close: one record each. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:one.test -all"}, 0},
        {"one.test", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 -all", "v=spf10 +all", "spf2.0/mfrom -all"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_MULTIPLE_RECORDS);
    assert_no_rule(&diags, RULE_SPF_INCLUDE_NO_RECORD);
    assert_no_rule(&diags, RULE_SPF_SENDER_ID);
    /* Two records at the root itself: nothing below is followed. */
    static const struct zone_entry z3[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:a.test -all", "v=spf1 -all"}, 0},
    };
    ZONE(z3);
    grow("example.com");
    assert_int_equal(tree.count, 1);
    assert_rule(&diags, RULE_SPF_MULTIPLE_RECORDS);
}

static void test_redirect_no_record(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 mx redirect=_spf.example.com"}, 0},
        {"example.com", SPF_QUERY_MX, DNS_OK, {NULL}, 1},
    };
    ZONE(z);
    grow("example.com");
    assert_root_span(RULE_SPF_REDIRECT_NO_RECORD, "redirect=_spf.example.com");
    assert_no_rule(&diags, RULE_SPF_INCLUDE_NO_RECORD);
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 mx redirect=_spf.example.com"}, 0},
        {"example.com", SPF_QUERY_MX, DNS_OK, {NULL}, 1},
        {"_spf.example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_REDIRECT_NO_RECORD);
    assert_int_equal(tree.nodes[1].edge, SPF_EDGE_REDIRECT);
}

static void test_mx_too_many(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:esp.test -all"}, 0},
        {"esp.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 mx mx:big.test -all"}, 0},
        {"esp.test", SPF_QUERY_MX, DNS_OK, {NULL}, 10},
        {"big.test", SPF_QUERY_MX, DNS_OK, {NULL}, 11},
    };
    ZONE(z);
    grow("example.com");
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_MX_TOO_MANY), 1);
    assert_root_span(RULE_SPF_MX_TOO_MANY, "include:esp.test");
    assert_message(RULE_SPF_MX_TOO_MANY, "big.test (in esp.test): 11 MX hosts");
}

static void test_sender_id(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"spf2.0/mfrom,pra ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.1 -all"}, 0},
    };
    ZONE(z);
    grow("example.com");
    assert_rule(&diags, RULE_SPF_SENDER_ID);
    assert_message(RULE_SPF_SENDER_ID, "example.com also publishes");
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:192.0.2.1 -all", "spf2.0x"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_SENDER_ID);
}

static void test_exp_target(void **state)
{
    (void)state;
    static const struct zone_entry none[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all exp=explain.example.com"}, 0},
    };
    ZONE(none);
    grow("example.com");
    assert_root_span(RULE_SPF_EXP_TARGET, "exp=explain.example.com");
    assert_message(RULE_SPF_EXP_TARGET, "has no TXT record");
    static const struct zone_entry two[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all exp=explain.example.com"}, 0},
        {"explain.example.com", SPF_QUERY_TXT, DNS_OK, {"one", "two"}, 0},
    };
    ZONE(two);
    grow("example.com");
    assert_message(RULE_SPF_EXP_TARGET, "2 TXT records");
    static const struct zone_entry bad[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all exp=explain.example.com"}, 0},
        {"explain.example.com", SPF_QUERY_TXT, DNS_OK, {"The %{x}-files."}, 0},
    };
    ZONE(bad);
    grow("example.com");
    assert_message(RULE_SPF_EXP_TARGET, "bad macros");
    /* Close: one valid explanation (c, r and t allowed there); and an exp
     * inside an include is never used, so never asked. */
    static const struct zone_entry good[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:inc.test -all exp=explain.example.com"}, 0},
        {"explain.example.com", SPF_QUERY_TXT, DNS_OK,
         {"%{c} is not one of %{d}'s servers (%{r})"}, 0},
        {"inc.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all exp=nowhere.test"}, 0},
    };
    ZONE(good);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_EXP_TARGET);
    assert_int_equal(tree.nodes[node_named("inc.test")].ntargets, 0);
}

static void test_duplicates_through_tree(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:a.test include:b.test ip4:93.184.216.34 -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:c.test -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:c.test ip4:93.184.216.34/32 -all"}, 0},
        {"c.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 -all"}, 0},
    };
    ZONE(z);
    grow("example.com");
    assert_message(RULE_SPF_DUPLICATE_INCLUDE, "include:c.test is reached twice (from a.test and "
                                               "from b.test)");
    assert_root_span(RULE_SPF_DUPLICATE_INCLUDE, "include:b.test");
    assert_message(RULE_SPF_DUPLICATE_INCLUDE, "ip4:93.184.216.34/32 (example.com) and "
                                               "ip4:93.184.216.34/32 (b.test)");
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE), 2);
    /* Close: a duplicate inside the root record alone is spf_lint's. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:a.test include:a.test ip4:93.184.216.34 ip4:93.184.216.34 -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:198.51.100.1 -all"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE);
    static const struct zone_entry z3[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test include:b.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:c.test ip4:198.51.100.1 -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:d.test ip4:198.51.100.2 -all"}, 0},
    };
    ZONE(z3);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_DUPLICATE_INCLUDE);
}

static void test_netblock_overlap(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:a.test include:b.test ip6:2a00:1450::/32 -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:93.184.216.0/24 -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 ip4:93.184.216.128/25 ip6:2a00:1450:4000::/36 -all"}, 0},
    };
    ZONE(z);
    grow("example.com");
    assert_int_equal(diag_list_count_rule(&diags, RULE_SPF_NETBLOCK_OVERLAP), 2);
    assert_root_span(RULE_SPF_NETBLOCK_OVERLAP, "include:b.test");
    assert_message(RULE_SPF_NETBLOCK_OVERLAP,
                   "ip4:93.184.216.128/25 (b.test) lies inside ip4:93.184.216.0/24 (a.test)");
    assert_message(RULE_SPF_NETBLOCK_OVERLAP, "ip6:2a00:1450:4000::/36 (b.test) lies inside "
                                              "ip6:2a00:1450::/32 (example.com)");
    /* Close: overlaps inside one branch, disjoint blocks, and a block that
     * is failed rather than authorized. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:a.test include:b.test -all"}, 0},
        {"a.test", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 ip4:93.184.216.0/24 ip4:93.184.216.128/25 -all"}, 0},
        {"b.test", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 ip4:93.184.217.0/24 -ip4:93.184.216.7 -all"}, 0},
    };
    ZONE(z2);
    grow("example.com");
    assert_no_rule(&diags, RULE_SPF_NETBLOCK_OVERLAP);
}

/* "dN.test" includes "d(N+1).test", forever. */
static bool deep_zone(const char *name, enum spf_query_type type, struct dns_txt_answer *txt,
                      enum dns_status *status, unsigned *count)
{
    (void)count;
    unsigned n;
    char rest[16];
    if (type != SPF_QUERY_TXT || sscanf(name, "d%u.%15s", &n, rest) != 2)
        return false;
    char rec[64];
    snprintf(rec, sizeof rec, "v=spf1 include:d%u.test -all", n + 1);
    *status = DNS_OK;
    assert_true(dns_txt_answer_add_text(txt, rec));
    return true;
}

/* "wide.test" includes 250 distinct names, each "v=spf1 -all". */
static bool wide_zone(const char *name, enum spf_query_type type, struct dns_txt_answer *txt,
                      enum dns_status *status, unsigned *count)
{
    (void)count;
    if (type != SPF_QUERY_TXT)
        return false;
    if (strcmp(name, "wide.test") == 0) {
        char rec[250 * 24 + 16] = "v=spf1";
        size_t o = 6;
        for (int i = 0; i < 250; i++)
            o += (size_t)snprintf(rec + o, sizeof rec - o, " include:w%d.test", i);
        snprintf(rec + o, sizeof rec - o, " -all");
        assert_true(dns_txt_answer_add_text(txt, rec));
    } else {
        assert_true(dns_txt_answer_add_text(txt, "v=spf1 -all"));
    }
    *status = DNS_OK;
    return true;
}

static void test_caps(void **state)
{
    (void)state;
    zone = NULL;
    zone_size = 0;
    zone_fn = deep_zone;
    grow("d0.test");
    assert_int_equal(tree.count, SPF_TREE_MAX_DEPTH + 2);
    assert_int_equal(tree.nodes[tree.count - 1].state, SPF_NODE_TOO_DEEP);
    assert_int_equal(tree.nodes[tree.count - 1].depth, SPF_TREE_MAX_DEPTH + 1);
    assert_true(tree.truncated);
    assert_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    assert_message(RULE_SPF_LOOKUP_COUNT, "cut off");

    zone_fn = wide_zone;
    grow("wide.test");
    assert_int_equal(tree.count, SPF_TREE_MAX_NODES);
    assert_true(tree.truncated);
    assert_int_equal(tree.lookups, 250);
    /* Over the limit in the root record alone: that is spf_lint's to say. */
    assert_no_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    diag_list_reset(&diags);
    spf_lint(&tree.nodes[0].record, &diags);
    assert_rule(&diags, RULE_SPF_LOOKUP_LIMIT);
    zone_fn = NULL;
}

static void test_opaque_targets_and_misuse(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK,
         {"v=spf1 include:%{d}.x.test ptr exists:%{i}.x.test a -all"}, 0},
        {"example.com", SPF_QUERY_ADDR, DNS_OK, {NULL}, 2},
    };
    ZONE(z);
    assert_true(spf_tree_start(&tree, "example.com"));
    struct spf_query q[8];
    assert_int_equal(spf_tree_pending(&tree, q, 8), 1);
    assert_int_equal(q[0].type, SPF_QUERY_TXT);
    assert_string_equal(q[0].name, "example.com");
    assert_int_equal(q[0].target, SPF_NONE);
    /* Not waiting for these: */
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    assert_true(
        dns_txt_answer_add_text(&a, "v=spf1 include:%{d}.x.test ptr exists:%{i}.x.test a -all"));
    assert_false(spf_tree_attach_txt(&tree, 3, &a));
    assert_false(spf_tree_attach_target(&tree, 0, 0, DNS_OK, 1));
    assert_true(spf_tree_attach_txt(&tree, 0, &a));
    assert_false(spf_tree_attach_txt(&tree, 0, &a)); /* twice */
    dns_txt_answer_free(&a);
    /* The macro include has no node; ptr and exists cannot be asked; only
     * the a target (the root's own name) is pending. */
    assert_int_equal(tree.count, 1);
    assert_int_equal(tree.nodes[0].ntargets, 3);
    assert_int_equal(spf_tree_pending(&tree, q, 8), 1);
    assert_int_equal(q[0].type, SPF_QUERY_ADDR);
    assert_string_equal(q[0].name, "example.com");
    assert_false(spf_tree_attach_target(&tree, 0, q[0].target, DNS_PENDING, 0));
    assert_true(spf_tree_attach_target(&tree, 0, q[0].target, DNS_OK, 2));
    assert_false(spf_tree_attach_target(&tree, 0, q[0].target, DNS_OK, 2));
    assert_int_equal(spf_tree_pending(&tree, q, 8), 0);
    assert_int_equal(tree.lookups, 4);
    /* Empty domain refused. */
    assert_false(spf_tree_start(&tree, ""));
}

static void test_draft_root(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"a.test", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:93.184.216.34 -all"}, 0},
    };
    ZONE(z);
    const char *draft = "v=spf1 include:a.test include:missing.test ~all";
    assert_true(spf_tree_start_text(&tree, "example.com", draft, strlen(draft)));
    struct spf_query q[4];
    assert_int_equal(spf_tree_pending(&tree, q, 4), 2);
    resolve(NULL, 0);
    diag_list_reset(&diags);
    spf_tree_lint(&tree, &diags);
    /* Spans are in the draft's text. */
    size_t s, e;
    spf_tree_root_span(&tree, node_named("missing.test"), SPF_NONE, &s, &e);
    assert_int_equal(s, 22);
    assert_int_equal(e, 42);
    assert_rule(&diags, RULE_SPF_INCLUDE_NO_RECORD);
}

static void test_multi_string_answer(void **state)
{
    (void)state;
    /* openspf null-text: the strings of one record join with no separator. */
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    a.status = DNS_OK;
    const char *strings[] = {"v=spf1 ip4:", "192.0.2.5 -all"};
    size_t lengths[] = {11, 14};
    assert_true(dns_txt_answer_add(&a, strings, lengths, 2));
    assert_true(spf_tree_start(&tree, "null.example.com"));
    assert_true(spf_tree_attach_txt(&tree, 0, &a));
    dns_txt_answer_free(&a);
    const struct spf_node *root = &tree.nodes[0];
    assert_int_equal(root->result, SPF_RESULT_RECORD);
    assert_int_equal(root->txt.records[0].nstrings, 2);
    assert_int_equal(root->txt.records[0].string_ends[0], 11);
    assert_int_equal(root->record.terms[1].kind, SPF_TERM_IP4);
    assert_string_equal(root->record.terms[1].ip, "192.0.2.5");
}

/* RFC 7208 §5.2, §6.1: an error in any record the tree reaches makes the
 * evaluation permerror; it is reported on the root term leading there, and
 * a clean sub-record adds nothing. */
static void test_subrecord_errors_reach_the_root(void **state)
{
    (void)state;
    static const struct zone_entry z[] = {
        {"example.com",
         SPF_QUERY_TXT,
         DNS_OK,
         {"v=spf1 include:a.example.net include:ok.example.net redirect=r.example.net"},
         0},
        {"a.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:b.example.net -all"}, 0},
        {"b.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:192.0.2.1/33 -all"}, 0},
        {"ok.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:192.0.2.0/24 ~all"}, 0},
        {"r.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 a\x01b all:foo -all"}, 0},
    };
    ZONE(z);
    grow("example.com");
    assert_root_span(RULE_SPF_BAD_IP4, "include:a.example.net");
    assert_message(RULE_SPF_BAD_IP4, "include:b.example.net");
    assert_message(RULE_SPF_BAD_IP4, "example.com -> a.example.net -> b.example.net");
    assert_message(RULE_SPF_BAD_IP4, "/33");
    assert_root_span(RULE_SPF_SYNTAX, "redirect=r.example.net");
    assert_message(RULE_SPF_SYNTAX, "control character");
    assert_message(RULE_SPF_SYNTAX, "redirect=r.example.net");
    /* all:foo in a sub-record: a syntax error, no "every host may send" */
    assert_message(RULE_SPF_SYNTAX, "all takes no argument");
    assert_no_rule(&diags, RULE_SPF_PLUS_ALL);
    /* Nothing on include:ok.example.net, whose record is clean (its ~all is
     * a note, not an error). */
    const char *root = tree.nodes[0].txt.records[0].text;
    const char *ok = strstr(root, "include:ok");
    for (size_t i = 0; i < diags.count; i++)
        assert_false(diags.items[i].start == (size_t)(ok - root) &&
                     diags.items[i].severity == DIAG_ERROR);
    /* The clean tree of the same shape gives no error at all. */
    static const struct zone_entry z2[] = {
        {"example.com", SPF_QUERY_TXT, DNS_OK, {"v=spf1 include:ok.example.net -all"}, 0},
        {"ok.example.net", SPF_QUERY_TXT, DNS_OK, {"v=spf1 ip4:192.0.2.0/24 ~all"}, 0},
    };
    spf_tree_free(&tree);
    spf_tree_init(&tree);
    ZONE(z2);
    grow("example.com");
    assert_int_equal(diag_list_max_severity(&diags) < DIAG_ERROR, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_levels_and_counts),
        cmocka_unit_test(test_lookup_limit_through_tree),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_void_lookups),
        cmocka_unit_test(test_records_at_targets),
        cmocka_unit_test(test_redirect_no_record),
        cmocka_unit_test(test_mx_too_many),
        cmocka_unit_test(test_sender_id),
        cmocka_unit_test(test_exp_target),
        cmocka_unit_test(test_duplicates_through_tree),
        cmocka_unit_test(test_netblock_overlap),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_opaque_targets_and_misuse),
        cmocka_unit_test(test_draft_root),
        cmocka_unit_test(test_multi_string_answer),
        cmocka_unit_test(test_subrecord_errors_reach_the_root),
    };
    return cmocka_run_group_tests_name("spf_tree", tests, setup, teardown);
}
