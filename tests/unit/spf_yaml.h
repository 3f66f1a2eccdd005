/* Just enough YAML to read the openspf suite (tests/data/openspf/
 * rfc7208-tests.yml) into scenarios and a zone table: documents split by
 * "---", "tests:" (name -> helo, host, mailfrom, result [one or a list],
 * explanation) and "zonedata:" (domain -> list of {TYPE: value} or
 * TIMEOUT).  Multi-line fields (description, comment) are skipped.
 * Shared by the unit test (in-process table) and the zone generator the
 * DNS test uses (tests/dns/openspf_zone.c). */
#ifndef AUTHTXT_TEST_SPF_YAML_H
#define AUTHTXT_TEST_SPF_YAML_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YAML_LINE_MAX 8192
#define YAML_VALUE_MAX 8192

struct yaml_test {
    char name[128];
    char helo[512], host[128], mailfrom[512];
    char results[4][16];
    size_t nresults;
    char explanation[512];
    bool has_explanation;
    int line;
};

/* One zonedata item: type ("TXT", "SPF", "A", "AAAA", "MX", "PTR",
 * "CNAME", "TIMEOUT") and its values (a list gives several: a multi-string
 * TXT, or MX [pref, host]). */
struct yaml_rr {
    char domain[300];
    char type[8];
    char *values[16];
    size_t lens[16];
    size_t nvalues;
    bool is_list;
};

struct yaml_scenario {
    char description[256];
    struct yaml_test *tests;
    size_t ntests;
    struct yaml_rr *rrs;
    size_t nrrs;
};

static int yaml_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return 0;
}

/* One scalar at *p into out (length *o): "double" with escapes, 'single',
 * or plain up to a char of stop (trailing blanks cut). */
static void yaml_scalar(const char **p, const char *stop, char *out, size_t *o)
{
    const char *s = *p;
    *o = 0;
    if (*s == '"') {
        s++;
        while (*s && *s != '"' && *o < YAML_VALUE_MAX - 1) {
            if (*s == '\\' && s[1]) {
                s++;
                switch (*s) {
                case 'x':
                    out[(*o)++] = (char)(yaml_hexval(s[1]) * 16 + yaml_hexval(s[2]));
                    s += 2;
                    break;
                case '0':
                    out[(*o)++] = '\0';
                    break;
                case 'n':
                    out[(*o)++] = '\n';
                    break;
                case 'r':
                    out[(*o)++] = '\r';
                    break;
                case 't':
                    out[(*o)++] = '\t';
                    break;
                default:
                    out[(*o)++] = *s;
                    break;
                }
                s++;
            } else {
                out[(*o)++] = *s++;
            }
        }
        if (*s == '"')
            s++;
    } else if (*s == '\'') {
        s++;
        while (*s && *o < YAML_VALUE_MAX - 1) {
            if (*s == '\'' && s[1] == '\'') {
                out[(*o)++] = '\'';
                s += 2;
            } else if (*s == '\'') {
                s++;
                break;
            } else {
                out[(*o)++] = *s++;
            }
        }
    } else {
        const char *e = s;
        while (*e && !strchr(stop, *e))
            e++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\n' || t[-1] == '\r'))
            t--;
        size_t n = (size_t)(t - s);
        if (n > YAML_VALUE_MAX - 1)
            n = YAML_VALUE_MAX - 1;
        memcpy(out, s, n);
        *o = n;
        s = e;
    }
    out[*o] = '\0';
    *p = s;
}

static size_t yaml_indent(const char *line)
{
    size_t n = 0;
    while (line[n] == ' ')
        n++;
    return n;
}

static void yaml_copy(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Read every scenario; NULL when the file cannot be opened. */
static struct yaml_scenario *yaml_read_suite(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct yaml_scenario *sc = NULL;
    size_t n = 0;
    enum { NONE, TESTS, ZONE } section = NONE;
    char line[YAML_LINE_MAX];
    char *val = malloc(YAML_VALUE_MAX);
    char domain[300] = "";
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "---", 3) == 0) {
            sc = realloc(sc, (n + 1) * sizeof *sc);
            memset(&sc[n], 0, sizeof sc[n]);
            n++;
            section = NONE;
            continue;
        }
        if (!n || line[0] == '#' || line[0] == '\0')
            continue;
        struct yaml_scenario *s = &sc[n - 1];
        size_t ind = yaml_indent(line);
        const char *p = line + ind;
        if (ind == 0) {
            if (strncmp(p, "tests:", 6) == 0)
                section = TESTS;
            else if (strncmp(p, "zonedata:", 9) == 0)
                section = ZONE;
            else {
                section = NONE;
                if (strncmp(p, "description:", 12) == 0)
                    yaml_copy(s->description, sizeof s->description, p + 13, strlen(p + 13));
            }
            continue;
        }
        if (section == TESTS && ind == 2) {
            s->tests = realloc(s->tests, (s->ntests + 1) * sizeof *s->tests);
            struct yaml_test *t = &s->tests[s->ntests++];
            memset(t, 0, sizeof *t);
            yaml_copy(t->name, sizeof t->name, p, strcspn(p, ":"));
            t->line = lineno;
            continue;
        }
        if (section == TESTS && ind == 4 && s->ntests) {
            struct yaml_test *t = &s->tests[s->ntests - 1];
            size_t klen = strcspn(p, ":");
            if (!p[klen])
                continue;
            char key[32];
            yaml_copy(key, sizeof key, p, klen);
            const char *v = p + klen + 1;
            while (*v == ' ')
                v++;
            size_t o = 0;
            if (strcmp(key, "result") == 0) {
                if (*v == '[') {
                    v++;
                    while (*v && *v != ']' && t->nresults < 4) {
                        while (*v == ' ' || *v == ',')
                            v++;
                        if (*v == ']' || !*v)
                            break;
                        yaml_scalar(&v, ",]", val, &o);
                        yaml_copy(t->results[t->nresults++], 16, val, o);
                    }
                } else {
                    yaml_scalar(&v, "", val, &o);
                    yaml_copy(t->results[t->nresults++], 16, val, o);
                }
                continue;
            }
            yaml_scalar(&v, "", val, &o);
            if (strcmp(key, "helo") == 0)
                yaml_copy(t->helo, sizeof t->helo, val, o);
            else if (strcmp(key, "host") == 0)
                yaml_copy(t->host, sizeof t->host, val, o);
            else if (strcmp(key, "mailfrom") == 0)
                yaml_copy(t->mailfrom, sizeof t->mailfrom, val, o);
            else if (strcmp(key, "explanation") == 0) {
                yaml_copy(t->explanation, sizeof t->explanation, val, o);
                t->has_explanation = true;
            }
            continue;
        }
        if (section == ZONE && ind == 2) {
            /* the key runs to the ':' that ends the line ("foo:bar/baz.example.com:") */
            size_t klen = strlen(p);
            while (klen && (p[klen - 1] == ' ' || p[klen - 1] == '\r'))
                klen--;
            if (klen && p[klen - 1] == ':')
                klen--;
            yaml_copy(domain, sizeof domain, p, klen);
            if (domain[0] == '"' || domain[0] == '\'') {
                size_t o = 0;
                const char *q = domain;
                yaml_scalar(&q, "", val, &o);
                yaml_copy(domain, sizeof domain, val, o);
            }
            continue;
        }
        if (section == ZONE && ind == 4 && p[0] == '-') {
            p++;
            while (*p == ' ')
                p++;
            s->rrs = realloc(s->rrs, (s->nrrs + 1) * sizeof *s->rrs);
            struct yaml_rr *rr = &s->rrs[s->nrrs++];
            memset(rr, 0, sizeof *rr);
            yaml_copy(rr->domain, sizeof rr->domain, domain, strlen(domain));
            size_t tlen = strcspn(p, ":");
            yaml_copy(rr->type, sizeof rr->type, p, tlen);
            if (!p[tlen])
                continue; /* TIMEOUT */
            const char *v = p + tlen + 1;
            while (*v == ' ')
                v++;
            size_t o = 0;
            if (*v == '[') {
                rr->is_list = true;
                v++;
                while (*v && *v != ']' && rr->nvalues < 16) {
                    while (*v == ' ' || *v == ',')
                        v++;
                    if (*v == ']' || !*v)
                        break;
                    yaml_scalar(&v, ",]", val, &o);
                    rr->values[rr->nvalues] = malloc(o + 1);
                    memcpy(rr->values[rr->nvalues], val, o + 1);
                    rr->lens[rr->nvalues++] = o;
                }
            } else {
                yaml_scalar(&v, "", val, &o);
                rr->values[0] = malloc(o + 1);
                memcpy(rr->values[0], val, o + 1);
                rr->lens[0] = o;
                rr->nvalues = 1;
            }
        }
    }
    free(val);
    fclose(f);
    *count = n;
    return sc;
}

static void yaml_free_suite(struct yaml_scenario *sc, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sc[i].nrrs; k++)
            for (size_t j = 0; j < sc[i].rrs[k].nvalues; j++)
                free(sc[i].rrs[k].values[j]);
        free(sc[i].rrs);
        free(sc[i].tests);
    }
    free(sc);
}

/* Does the domain of rr have TXT records in the scenario (or "TXT: NONE")?
 * The suite's drivers copy SPF-type records to TXT only where a domain
 * has no TXT of its own (the suite's header comment). */
static bool yaml_domain_has_txt(const struct yaml_scenario *s, const char *domain)
{
    for (size_t k = 0; k < s->nrrs; k++)
        if (strcmp(s->rrs[k].domain, domain) == 0 && strcmp(s->rrs[k].type, "TXT") == 0)
            return true;
    return false;
}

static bool yaml_rr_is_none(const struct yaml_rr *rr)
{
    return !rr->is_list && rr->nvalues == 1 && strcmp(rr->values[0], "NONE") == 0;
}

#endif
