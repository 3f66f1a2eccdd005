/* IPv4/IPv6 prefix sets: parsing and printing, containment, merging into
 * the fewest blocks, exact differences, and the overlap finder. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/ipset.h"

static struct ipset a, b, out;

static int setup(void **state)
{
    (void)state;
    ipset_init(&a);
    ipset_init(&b);
    ipset_init(&out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ipset_free(&a);
    ipset_free(&b);
    ipset_free(&out);
    return 0;
}

static struct ip_prefix P(const char *text) {
    struct ip_prefix p;
    if (!ip_prefix_parse(text, strlen(text), &p)) {
        print_message("not a prefix: %s\n", text);
        fail();
    }
    return p;
}

static void
add(struct ipset *s, const char *text)
{
    struct ip_prefix p = P(text);
    p.origin = s->count;
    assert_true(ipset_add(s, &p));
}

/* The set as "a b c" for readable failures. */
static const char *show(const struct ipset *s)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->count && n + IP_PREFIX_TEXT_MAX + 1 < sizeof buf; i++) {
        char p[IP_PREFIX_TEXT_MAX];
        ip_prefix_format(&s->items[i], p);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "", p);
    }
    return buf;
}

static void test_parse_and_format(void **state)
{
    (void)state;
    char buf[IP_PREFIX_TEXT_MAX];
    struct ip_prefix p = P("192.0.2.77/24");
    ip_prefix_format(&p, buf);
    assert_string_equal(buf, "192.0.2.0/24"); /* host bits cleared */
    p = P("192.0.2.1");
    ip_prefix_format(&p, buf);
    assert_string_equal(buf, "192.0.2.1/32");
    p = P("2001:DB8::1/32");
    ip_prefix_format(&p, buf);
    assert_string_equal(buf, "2001:db8::/32");
    p = P("2001:db8::1");
    assert_int_equal(p.len, 128);
    assert_int_equal(p.family, 6);

    struct ip_prefix q;
    const char *bad[] = {"",
                         "/24",
                         "192.0.2.0/33",
                         "192.0.2.0/",
                         "192.0.2.0/2x",
                         "2001:db8::/129",
                         "example.com",
                         "192.0.2.0/0024",
                         "300.0.0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(ip_prefix_parse(bad[i], strlen(bad[i]), &q));
}

static void test_contains_and_size(void **state)
{
    (void)state;
    struct ip_prefix p24 = P("192.0.2.0/24"), p25 = P("192.0.2.128/25"),
                     other = P("198.51.100.0/25");
    assert_true(ip_prefix_contains(&p24, &p25));
    assert_false(ip_prefix_contains(&p25, &p24));
    assert_false(ip_prefix_contains(&p24, &other));
    assert_true(ip_prefix_contains(&p24, &p24));
    struct ip_prefix all4 = P("0.0.0.0/0"), v6 = P("::/0");
    assert_true(ip_prefix_contains(&all4, &p25));
    assert_false(ip_prefix_contains(&v6, &p25)); /* families never mix */
    assert_int_equal(ip_prefix_size(&p24), 256);
    assert_int_equal(ip_prefix_size(&p25), 128);
    struct ip_prefix v6_48 = P("2001:db8::/48");
    assert_int_equal(ip_prefix_size(&v6_48), 65536); /* /64 networks */
    assert_true(ip_prefix_size(&all4) == ((uint64_t)1 << 32));
}

static void test_merge_removes_duplicates_and_nested(void **state)
{
    (void)state;
    add(&a, "192.0.2.0/25");
    add(&a, "10.0.0.0/8");
    add(&a, "192.0.2.0/24");
    add(&a, "192.0.2.7");
    add(&a, "10.1.2.0/24");
    add(&a, "10.0.0.0/8");
    add(&a, "2001:db8::/32");
    add(&a, "2001:db8:1::/48");
    ipset_merge(&a);
    assert_string_equal(show(&a), "10.0.0.0/8 192.0.2.0/24 2001:db8::/32");
}

static void test_merge_joins_halves(void **state)
{
    (void)state;
    add(&a, "192.0.2.128/25");
    add(&a, "192.0.2.0/26");
    add(&a, "192.0.2.64/26");
    ipset_merge(&a);
    assert_string_equal(show(&a), "192.0.2.0/24");
    /* Not siblings: 192.0.2.128/25 and 192.0.3.0/25 are adjacent but not
     * the two halves of one block. */
    ipset_reset(&a);
    add(&a, "192.0.2.128/25");
    add(&a, "192.0.3.0/25");
    ipset_merge(&a);
    assert_string_equal(show(&a), "192.0.2.128/25 192.0.3.0/25");
    ipset_reset(&a);
    add(&a, "2001:db8::/33");
    add(&a, "2001:db8:8000::/33");
    ipset_merge(&a);
    assert_string_equal(show(&a), "2001:db8::/32");
}

static void test_subtract_is_exact(void **state)
{
    (void)state;
    add(&a, "192.0.2.0/24");
    add(&b, "192.0.2.0/25");
    ipset_merge(&a);
    ipset_merge(&b);
    assert_true(ipset_subtract(&a, &b, &out));
    assert_string_equal(show(&out), "192.0.2.128/25");
    assert_true(ipset_subtract(&b, &a, &out));
    assert_int_equal(out.count, 0);

    /* A hole in the middle: a /24 minus one address. */
    ipset_reset(&b);
    add(&b, "192.0.2.77");
    assert_true(ipset_subtract(&a, &b, &out));
    assert_int_equal(out.count, 8);
    uint64_t n = 0;
    for (size_t i = 0; i < out.count; i++) {
        assert_false(ip_prefix_contains(&out.items[i], &b.items[0]));
        n += ip_prefix_size(&out.items[i]);
    }
    assert_int_equal(n, 255);

    /* Disjoint and other family: untouched. */
    ipset_reset(&b);
    add(&b, "198.51.100.0/24");
    add(&b, "2001:db8::/32");
    ipset_merge(&b);
    assert_true(ipset_subtract(&a, &b, &out));
    assert_string_equal(show(&out), "192.0.2.0/24");
}

static void test_same(void **state)
{
    (void)state;
    add(&a, "192.0.2.0/25");
    add(&a, "192.0.2.128/25");
    add(&b, "192.0.2.0/24");
    ipset_merge(&a);
    ipset_merge(&b);
    assert_true(ipset_same(&a, &b));
    add(&b, "192.0.3.1");
    ipset_merge(&b);
    assert_false(ipset_same(&a, &b));
}

static void test_overlaps_found_and_not(void **state)
{
    (void)state;
    struct ipset_overlap ov[8];
    add(&a, "192.0.2.0/25");     /* 0 */
    add(&a, "198.51.100.0/24");  /* 1 */
    add(&a, "192.0.2.0/24");     /* 2: contains 0 */
    add(&a, "198.51.100.0/24");  /* 3: duplicate of 1 */
    add(&a, "2001:db8::/48");    /* 4 */
    add(&a, "2001:db8::/32");    /* 5: contains 4 */
    add(&a, "203.0.113.0/25");   /* 6: alone */
    add(&a, "203.0.113.128/25"); /* 7: adjacent, not overlapping */
    size_t n = ipset_overlaps(&a, ov, 8, NULL);
    assert_int_equal(n, 3);
    bool seen_nested = false, seen_dup = false, seen_v6 = false;
    for (size_t i = 0; i < n; i++) {
        if (ov[i].outer == 2 && ov[i].inner == 0 && !ov[i].duplicate)
            seen_nested = true;
        if (ov[i].outer == 1 && ov[i].inner == 3 && ov[i].duplicate)
            seen_dup = true;
        if (ov[i].outer == 5 && ov[i].inner == 4 && !ov[i].duplicate)
            seen_v6 = true;
        assert_true(ov[i].outer != 6 && ov[i].inner != 6 && ov[i].inner != 7);
    }
    assert_true(seen_nested);
    assert_true(seen_dup);
    assert_true(seen_v6);
    /* max 1: the total is still counted. */
    assert_int_equal(ipset_overlaps(&a, ov, 1, NULL), 3);

    ipset_reset(&b);
    add(&b, "192.0.2.0/25");
    add(&b, "192.0.2.128/25");
    assert_int_equal(ipset_overlaps(&b, ov, 8, NULL), 0);
}

static void test_cap(void **state)
{
    (void)state;
    struct ip_prefix p = P("10.0.0.0/32");
    for (unsigned i = 0; i < IPSET_MAX; i++) {
        p.addr[2] = (unsigned char)(i >> 8);
        p.addr[3] = (unsigned char)i;
        assert_true(ipset_add(&a, &p));
    }
    assert_false(ipset_add(&a, &p));
    assert_true(a.oom);
    assert_int_equal(a.count, IPSET_MAX);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_parse_and_format),
        T(test_contains_and_size),
        T(test_merge_removes_duplicates_and_nested),
        T(test_merge_joins_halves),
        T(test_subtract_is_exact),
        T(test_same),
        T(test_overlaps_found_and_not),
        T(test_cap),
    };
    return cmocka_run_group_tests_name("ipset", tests, NULL, NULL);
}
