/* Just enough YAML to read the openspf suite (tests/data/openspf/
 * rfc7208-tests.yml) into scenarios and a zone table: documents split by
 * "---", "tests:" (name -> helo, host, mailfrom, result [one or a list],
 * explanation) and "zonedata:" (domain -> list of {TYPE: value} or
 * TIMEOUT).  Multi-line fields (description, comment) are skipped.
 * Shared by the unit tests (test_spf_eval.c: an in-process answer table;
 * test_spf_suite.c: every record of the suite) and the zone generator the
 * DNS test uses (tests/dns/openspf_zone.c), so all three read the suite
 * and build its zone the same way. */
#ifndef AUTHTXT_TEST_SPF_YAML_H
#define AUTHTXT_TEST_SPF_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "authtxt/dnssource.h"

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
    int line; /* in the suite file, for messages */
};

struct yaml_scenario {
    char description[256];
    struct yaml_test *tests;
    size_t ntests;
    struct yaml_rr *rrs;
    size_t nrrs;
};

/* One scalar at *p into out (length *o, at most YAML_VALUE_MAX - 1 bytes,
 * NUL-terminated): "double" with \x.. \0 \n \r \t \\ \" escapes,
 * 'single' ('' is a quote), or plain up to a char of stop (trailing blanks
 * cut).  Moves *p past it.  out holds YAML_VALUE_MAX bytes. */
void yaml_scalar(const char **p, const char *stop, char *out, size_t *o);

/* Read every scenario of the suite at path; NULL when the file cannot be
 * opened.  The caller frees the array with yaml_free_suite. */
struct yaml_scenario *yaml_read_suite(const char *path, size_t *count);
void yaml_free_suite(struct yaml_scenario *sc, size_t n);

/* Does domain have TXT records in the scenario (or "TXT: NONE")?  The
 * suite's drivers copy SPF-type records to TXT only where a domain has no
 * TXT of its own (the suite's header comment). */
bool yaml_domain_has_txt(const struct yaml_scenario *s, const char *domain);
/* Is rr the suite's "no such record" placeholder (TXT: NONE)? */
bool yaml_rr_is_none(const struct yaml_rr *rr);

/* Fill t with the scenario's zonedata: TXT (and SPF where the name has no
 * TXT), A, AAAA, MX, PTR, CNAME, names marked TIMEOUT, and NODATA for a
 * name listed with only "TXT: NONE" or SPF records.  False, with a message
 * in err (naming the suite line), at the first item it cannot add (an
 * unknown type, a bad address, an MX without [pref, host], no memory). */
bool yaml_zone_fill(const struct yaml_scenario *s, struct dns_table *t, char *err, size_t errsize);

#endif
