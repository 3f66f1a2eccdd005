/* The openspf suite reader and its zone table (see spf_yaml.h). */
#include "spf_yaml.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int yaml_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return 0;
}

void yaml_scalar(const char **p, const char *stop, char *out, size_t *o)
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

struct yaml_scenario *yaml_read_suite(const char *path, size_t *count)
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
            rr->line = lineno;
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

void yaml_free_suite(struct yaml_scenario *sc, size_t n)
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

bool yaml_domain_has_txt(const struct yaml_scenario *s, const char *domain)
{
    for (size_t k = 0; k < s->nrrs; k++)
        if (strcmp(s->rrs[k].domain, domain) == 0 && strcmp(s->rrs[k].type, "TXT") == 0)
            return true;
    return false;
}

bool yaml_rr_is_none(const struct yaml_rr *rr)
{
    return !rr->is_list && rr->nvalues == 1 && strcmp(rr->values[0], "NONE") == 0;
}

static bool zone_error(char *err, size_t errsize, const struct yaml_rr *rr, const char *fmt, ...)
{
    int n = snprintf(err, errsize, "suite line %d (%s %s): ", rr->line, rr->domain, rr->type);
    if (n >= 0 && (size_t)n < errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool yaml_zone_fill(const struct yaml_scenario *s, struct dns_table *t, char *err, size_t errsize)
{
    for (size_t k = 0; k < s->nrrs; k++) {
        const struct yaml_rr *rr = &s->rrs[k];
        const char *type = rr->type;
        if (strcmp(type, "TIMEOUT") == 0) {
            if (!dns_table_set_name_status(t, rr->domain, DNS_TIMEOUT))
                return zone_error(err, errsize, rr, "cannot mark the name as timing out");
            continue;
        }
        if (strcmp(type, "SPF") == 0) {
            if (yaml_domain_has_txt(s, rr->domain))
                continue;
            type = "TXT";
        }
        if (strcmp(type, "TXT") == 0) {
            if (yaml_rr_is_none(rr))
                continue;
            struct dns_answer *a = dns_table_slot(t, rr->domain, DNS_TYPE_TXT);
            const char *strings[16];
            for (size_t j = 0; j < rr->nvalues; j++)
                strings[j] = rr->values[j];
            if (!a || !dns_txt_answer_add(&a->txt, strings, rr->lens, rr->nvalues))
                return zone_error(err, errsize, rr, "cannot add the record");
            a->status = a->txt.status = DNS_OK;
        } else if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
            bool v4 = type[1] == '\0';
            unsigned char addr[16];
            if (rr->nvalues != 1 || inet_pton(v4 ? AF_INET : AF_INET6, rr->values[0], addr) != 1)
                return zone_error(err, errsize, rr, "not an address");
            struct dns_answer *a = dns_table_slot(t, rr->domain, v4 ? DNS_TYPE_A : DNS_TYPE_AAAA);
            if (!a || !dns_answer_add_addr(a, addr, v4 ? 4 : 16))
                return zone_error(err, errsize, rr, "cannot add the address");
        } else if (strcmp(type, "MX") == 0) {
            if (rr->nvalues != 2)
                return zone_error(err, errsize, rr, "%zu values, not [pref, host]", rr->nvalues);
            struct dns_answer *a = dns_table_slot(t, rr->domain, DNS_TYPE_MX);
            if (!a || !dns_answer_add_name(a, (unsigned)strtoul(rr->values[0], NULL, 10),
                                           rr->values[1], rr->lens[1]))
                return zone_error(err, errsize, rr, "cannot add the MX");
        } else if (strcmp(type, "PTR") == 0) {
            struct dns_answer *a = dns_table_slot(t, rr->domain, DNS_TYPE_PTR);
            if (rr->nvalues != 1 || !a || !dns_answer_add_name(a, 0, rr->values[0], rr->lens[0]))
                return zone_error(err, errsize, rr, "cannot add the PTR");
        } else if (strcmp(type, "CNAME") == 0) {
            if (rr->nvalues != 1 || !dns_table_set_cname(t, rr->domain, rr->values[0]))
                return zone_error(err, errsize, rr, "cannot add the CNAME");
        } else {
            return zone_error(err, errsize, rr, "unknown type");
        }
    }
    /* A name listed with only "TXT: NONE" (or only SPF records) exists. */
    for (size_t k = 0; k < s->nrrs; k++)
        if (!dns_table_has_name(t, s->rrs[k].domain) &&
            !dns_table_set_name_status(t, s->rrs[k].domain, DNS_NODATA))
            return zone_error(err, errsize, &s->rrs[k], "cannot mark the name as existing");
    return true;
}
