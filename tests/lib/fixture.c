/* Test data files read whole (see fixture.h). */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

/* Read the open file f to its end into a malloc'd, NUL-terminated buffer. */
static char *fixture_read_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, 2 * cap + 1);
        if (!bigger) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *fixture_read(const char *path, size_t *len)
{
    static const char *const prefixes[] = {"", "../", "../../"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        char full[1024];
        if (snprintf(full, sizeof full, "%s%s", prefixes[i], path) >= (int)sizeof full)
            return NULL;
        FILE *f = fopen(full, "rb");
        if (!f)
            continue;
        char *buf = fixture_read_stream(f, len);
        fclose(f);
        return buf;
    }
    return NULL;
}
