/* Reading records and files for the CLI, with size caps so that hostile
 * input is diagnosed rather than swallowed whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Read at most max bytes (plus one, to tell "too long") from f. */
static char *read_stream(FILE *f, size_t max, size_t *len, const char *what)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fprintf(stderr, "authtxt: out of memory reading %s\n", what);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max)
                break;
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *p = realloc(buf, ncap + 1);
            if (!p) {
                free(buf);
                fprintf(stderr, "authtxt: out of memory reading %s\n", what);
                return NULL;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                fprintf(stderr, "authtxt: cannot read %s: %s\n", what, strerror(errno));
                free(buf);
                return NULL;
            }
            break;
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *cli_read_record_arg(const char *arg, size_t *len)
{
    if (strcmp(arg, "-") != 0) {
        size_t n = strlen(arg);
        char *copy = malloc(n + 1);
        if (!copy) {
            fputs("authtxt: out of memory\n", stderr);
            return NULL;
        }
        memcpy(copy, arg, n + 1);
        *len = n;
        return copy;
    }
    char *text = read_stream(stdin, RECORD_MAX_LEN, len, "standard input");
    /* `echo REC | authtxt lint -` adds a newline that is not the record's. */
    if (text && *len && text[*len - 1] == '\n') {
        text[--*len] = '\0';
        if (*len && text[*len - 1] == '\r')
            text[--*len] = '\0';
    }
    return text;
}

char *cli_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "authtxt: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *text = read_stream(f, CLI_FILE_MAX, len, path);
    if (f != stdin)
        fclose(f);
    if (text && *len > CLI_FILE_MAX) {
        fprintf(stderr, "authtxt: %s is larger than %u MiB; not read\n", path, CLI_FILE_MAX >> 20);
        free(text);
        return NULL;
    }
    return text;
}
