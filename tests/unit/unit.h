/* Shared includes and helpers for the cmocka unit tests. */
#ifndef AUTHTXT_TEST_UNIT_H
#define AUTHTXT_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "authtxt/diag.h"
#include "fixture.h"

/* The bytes of the test data file DIR/NAME (DIR relative to the
 * repository root, e.g. "tests/data/zones"), malloc'd and NUL-terminated;
 * fails the test when it cannot be read. */
static inline char *unit_read_fixture(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf = fixture_read(path, len);
    if (!buf) {
        print_message("cannot read %s (run the tests from the repository root)\n", path);
        fail();
    }
    return buf;
}

/* Does the list hold a diagnostic of this rule?  Prints the list when a
 * check fails, so a failing test says what was there instead. */
static inline int unit_has_rule(const struct diag_list *list, enum rule_id rule)
{
    return diag_list_has(list, rule);
}

static inline void unit_print_diags(const struct diag_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        print_message("  [%zu,%zu) %s: %s\n", list->items[i].start, list->items[i].end,
                      rule_get(list->items[i].rule)->code, list->items[i].message);
}

#define assert_rule(list, rule)                                                                    \
    do {                                                                                           \
        if (!diag_list_has((list), (rule))) {                                                      \
            print_message("expected %s; got:\n", rule_get(rule)->code);                            \
            unit_print_diags(list);                                                                \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#define assert_no_rule(list, rule)                                                                 \
    do {                                                                                           \
        if (diag_list_has((list), (rule))) {                                                       \
            print_message("unexpected %s; got:\n", rule_get(rule)->code);                          \
            unit_print_diags(list);                                                                \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
