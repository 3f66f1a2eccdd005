/* helpgen: compile the the help/ sources explanation sources into a C table.
 *
 * Usage: helpgen FILE.txt... > help_data.c
 *
 * Format of a source file (one file per topic):
 *
 *   # a comment line
 *   == dmarc.tag.p                  an entry starts with its id
 *   title: p (policy)               fields, one per line; a line starting
 *   summary: What receivers do...   with two spaces continues the field
 *   default: none                   before it
 *   values: none, quarantine, reject
 *   example: p=reject
 *   rfc: RFC 9989 §4.7
 *   mistakes: ...
 *                                   a blank line ends the fields; the text
 *   Longer explanation...           up to the next "==" is the body
 *
 * title, summary and rfc are required.  Ids must be unique.  Errors are
 * reported as file:line and make the build fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_TITLE, F_SUMMARY, F_DEFAULT, F_VALUES, F_EXAMPLE, F_RFC, F_MISTAKES, F_BODY, F_COUNT };
static const char *const field_names[F_BODY] = {"title",   "summary", "default", "values",
                                                "example", "rfc",     "mistakes"};

struct entry {
    char *id;
    char *field[F_COUNT];
    const char *file;
    int line;
};

static struct entry *entries;
static size_t nentries, cap;
static int errors;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "helpgen: out of memory\n");
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* Append text to *dst with a separator. */
static void append(char **dst, const char *text, const char *sep)
{
    size_t a = *dst ? strlen(*dst) : 0, b = strlen(text), c = *dst ? strlen(sep) : 0;
    char *p = xrealloc(*dst, a + c + b + 1);
    if (c)
        memcpy(p + a, sep, c);
    memcpy(p + a + c, text, b + 1);
    *dst = p;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static void read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        errors++;
        return;
    }
    char line[4096];
    int lineno = 0, last_field = -1;
    int in_body = 0;
    struct entry *e = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        if (strncmp(line, "== ", 3) == 0) {
            if (nentries == cap) {
                cap = cap ? cap * 2 : 256;
                entries = xrealloc(entries, cap * sizeof *entries);
            }
            e = &entries[nentries++];
            memset(e, 0, sizeof *e);
            e->id = xstrdup(line + 3);
            e->file = path;
            e->line = lineno;
            in_body = 0;
            last_field = -1;
            continue;
        }
        if (line[0] == '#' && !in_body)
            continue;
        if (!e) {
            if (line[0]) {
                fprintf(stderr, "%s:%d: text before the first '== id' line\n", path, lineno);
                errors++;
            }
            continue;
        }
        if (in_body) {
            append(&e->field[F_BODY], line, "\n");
            continue;
        }
        if (line[0] == '\0') {
            in_body = e->field[F_TITLE] != NULL;
            continue;
        }
        if (line[0] == ' ' && line[1] == ' ' && last_field >= 0) {
            append(&e->field[last_field], line + 2, " ");
            continue;
        }
        char *colon = strchr(line, ':');
        int which = -1;
        if (colon) {
            *colon = '\0';
            for (int i = 0; i < F_BODY; i++)
                if (strcmp(line, field_names[i]) == 0)
                    which = i;
        }
        if (which < 0) {
            fprintf(stderr, "%s:%d: expected 'field: value' (title, summary, default, values, "
                            "example, rfc, mistakes)\n",
                    path, lineno);
            errors++;
            continue;
        }
        const char *value = colon + 1;
        while (*value == ' ')
            value++;
        if (e->field[which]) {
            fprintf(stderr, "%s:%d: field '%s' given twice\n", path, lineno, field_names[which]);
            errors++;
        }
        append(&e->field[which], value, " ");
        last_field = which;
    }
    fclose(f);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->id, ((const struct entry *)b)->id);
}

static void put_string(const char *s)
{
    if (!s) {
        fputs("\"\"", stdout);
        return;
    }
    /* Trim blank lines at the end of a body. */
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        n--;
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n\"\n    \"", stdout);
        else if (c < 0x20)
            printf("\\%03o", c);
        else
            putchar(c);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        read_file(argv[i]);
    qsort(entries, nentries, sizeof *entries, by_id);
    for (size_t i = 0; i < nentries; i++) {
        struct entry *e = &entries[i];
        if (i > 0 && strcmp(e->id, entries[i - 1].id) == 0) {
            fprintf(stderr, "%s:%d: duplicate id '%s' (also %s:%d)\n", e->file, e->line, e->id,
                    entries[i - 1].file, entries[i - 1].line);
            errors++;
        }
        static const int required[] = {F_TITLE, F_SUMMARY, F_RFC};
        for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
            if (!e->field[required[r]] || !*e->field[required[r]]) {
                fprintf(stderr, "%s:%d: entry '%s' has no %s\n", e->file, e->line, e->id,
                        field_names[required[r]]);
                errors++;
            }
    }
    if (errors)
        return 1;
    puts("/* Generated by help/helpgen.c from the help/ sources: do not edit. */");
    puts("#include \"authtxt/help.h\"\n");
    puts("const struct help_entry help_entries[] = {");
    for (size_t i = 0; i < nentries; i++) {
        struct entry *e = &entries[i];
        fputs("  {", stdout);
        put_string(e->id);
        for (int f = 0; f < F_COUNT; f++) {
            fputs(",\n    ", stdout);
            put_string(e->field[f]);
        }
        puts("},");
    }
    if (nentries == 0)
        puts("  {\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"},");
    puts("};");
    printf("const size_t help_entries_count = %zu;\n", nentries);
    return 0;
}
