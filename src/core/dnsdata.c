/* DNS answers as plain data for the live rules; see dnsdata.h. */
#include "authtxt/dnsdata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *dns_status_name(enum dns_status status)
{
    switch (status) {
    case DNS_OK:
        return "ok";
    case DNS_NODATA:
        return "no data";
    case DNS_NXDOMAIN:
        return "NXDOMAIN";
    case DNS_TIMEOUT:
        return "timeout";
    case DNS_SERVFAIL:
        return "SERVFAIL";
    case DNS_REFUSED:
        return "REFUSED";
    case DNS_PENDING:
        return "pending";
    case DNS_ERROR:
        break;
    }
    return "error";
}

bool dns_status_is_void(enum dns_status status)
{
    return status == DNS_NXDOMAIN || status == DNS_NODATA;
}

void dns_txt_answer_init(struct dns_txt_answer *a)
{
    a->status = DNS_PENDING;
    a->records = NULL;
    a->count = 0;
}

void dns_txt_answer_free(struct dns_txt_answer *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->records[i].text);
        free(a->records[i].string_ends);
    }
    free(a->records);
    dns_txt_answer_init(a);
}

bool dns_txt_answer_add(struct dns_txt_answer *a, const char *const *strings,
                        const size_t *lengths, size_t nstrings)
{
    size_t total = 0;
    for (size_t i = 0; i < nstrings; i++) {
        if (lengths[i] > SIZE_MAX - 1 - total)
            return false;
        total += lengths[i];
    }
    if (a->count >= SIZE_MAX / sizeof *a->records - 1)
        return false;
    struct dns_txt *recs = realloc(a->records, (a->count + 1) * sizeof *recs);
    if (!recs)
        return false;
    a->records = recs;
    struct dns_txt *r = &recs[a->count];
    r->text = malloc(total + 1);
    r->string_ends = malloc((nstrings ? nstrings : 1) * sizeof *r->string_ends);
    if (!r->text || !r->string_ends) {
        free(r->text);
        free(r->string_ends);
        return false;
    }
    size_t at = 0;
    for (size_t i = 0; i < nstrings; i++) {
        if (lengths[i])
            memcpy(r->text + at, strings[i], lengths[i]);
        at += lengths[i];
        r->string_ends[i] = at;
    }
    r->text[at] = '\0';
    r->len = at;
    r->nstrings = nstrings;
    a->count++;
    return true;
}

bool dns_txt_answer_add_copy(struct dns_txt_answer *a, const struct dns_txt *rec)
{
    size_t n = rec->nstrings ? rec->nstrings : 1;
    if (n > SIZE_MAX / sizeof(char *))
        return false;
    const char **strings = malloc(n * sizeof *strings);
    size_t *lengths = malloc(n * sizeof *lengths);
    bool ok = strings && lengths;
    if (ok) {
        size_t at = 0;
        for (size_t k = 0; k < n; k++) {
            size_t end = rec->nstrings ? rec->string_ends[k] : rec->len;
            if (end < at || end > rec->len)
                end = at;
            strings[k] = rec->text + at;
            lengths[k] = end - at;
            at = end;
        }
        ok = dns_txt_answer_add(a, strings, lengths, n);
    }
    free(strings);
    free(lengths);
    return ok;
}

bool dns_txt_answer_add_text(struct dns_txt_answer *a, const char *text)
{
    const char *strings[1] = {text};
    size_t lengths[1] = {strlen(text)};
    return dns_txt_answer_add(a, strings, lengths, 1);
}
