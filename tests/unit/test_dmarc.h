/* Helpers shared by the DMARC unit tests (test_dmarc*.c): one record, one
 * diagnostic list and one buffer per test, and assertions on rules with
 * their spans. */
#ifndef AUTHTXT_TEST_DMARC_H
#define AUTHTXT_TEST_DMARC_H

#include <stdio.h>

#include "unit.h"

#include "authtxt/dmarc.h"

static struct dmarc_record rec;
static struct diag_list diags;
static struct strbuf sb;
static const char *text; /* the text last linted */

static inline int dmarc_setup(void **state)
{
    (void)state;
    dmarc_record_init(&rec);
    diag_list_init(&diags);
    strbuf_init(&sb);
    return 0;
}

static inline int dmarc_teardown(void **state)
{
    (void)state;
    dmarc_record_free(&rec);
    diag_list_free(&diags);
    strbuf_free(&sb);
    return 0;
}

/* Parse and lint s; diags holds both. */
static inline void lint(const char *s)
{
    text = s;
    diag_list_reset(&diags);
    assert_true(dmarc_parse(&rec, s, strlen(s), &diags));
    dmarc_lint(&rec, &diags);
}

/* The first diagnostic of rule, failing the test (with the list printed)
 * when there is none. */
static inline const struct diag *get_rule(enum rule_id rule)
{
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule)
            return &diags.items[i];
    print_message("expected %s in \"%s\"; got:\n", rule_get(rule)->code, text);
    unit_print_diags(&diags);
    fail();
    static const struct diag none; /* not reached: fail() jumps out */
    return &none;
}

/* Rule fired, and its span covers exactly `want` in the text. */
static inline void assert_rule_span(enum rule_id rule, const char *want)
{
    const struct diag *d = get_rule(rule);
    size_t n = strlen(want);
    if (d->end - d->start != n || memcmp(text + d->start, want, n) != 0) {
        print_message("%s: span [%zu,%zu) is \"%.*s\", want \"%s\"\n", rule_get(rule)->code,
                      d->start, d->end, (int)(d->end - d->start), text + d->start, want);
        fail();
    }
}

static inline void assert_rule_at(enum rule_id rule, size_t start, size_t end)
{
    const struct diag *d = get_rule(rule);
    if (d->start != start || d->end != end) {
        print_message("%s: span [%zu,%zu), want [%zu,%zu)\n", rule_get(rule)->code, d->start,
                      d->end, start, end);
        fail();
    }
}

static inline void assert_message_has(enum rule_id rule, const char *part)
{
    const struct diag *d = get_rule(rule);
    if (!strstr(d->message, part)) {
        print_message("%s: message \"%s\" lacks \"%s\"\n", rule_get(rule)->code, d->message, part);
        fail();
    }
}

static inline void assert_severity(enum rule_id rule, enum diag_severity sev)
{
    assert_int_equal(get_rule(rule)->severity, sev);
}

/* No diagnostic of warning or error severity. */
static inline void assert_clean(void)
{
    int max = diag_list_max_severity(&diags);
    if (max >= DIAG_WARNING) {
        print_message("expected no warning or error in \"%s\"; got:\n", text);
        unit_print_diags(&diags);
        fail();
    }
}

#endif
