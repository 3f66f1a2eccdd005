/* Test data files read whole: one loader for the unit tests that read
 * fixtures (tests/data/...), which run from the repository root or from a
 * build directory below it. */
#ifndef AUTHTXT_TEST_FIXTURE_H
#define AUTHTXT_TEST_FIXTURE_H

#include <stddef.h>

/* The bytes of PATH (relative to the repository root, e.g.
 * "tests/data/zones/bind-full.zone"), tried from the current directory and
 * from one and two levels below the root.  Returns a malloc'd buffer the
 * caller frees, NUL-terminated (not counted in *len); NULL when the file
 * cannot be opened or read (errno says why).  Cost: one read of the file. */
char *fixture_read(const char *path, size_t *len);

#endif
