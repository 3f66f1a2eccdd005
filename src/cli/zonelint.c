/* `authtxt lint --zone FILE`: every SPF, DMARC and DKIM TXT record of a zone
 * file, diagnostics located as file:line:column, then the cross-record
 * rules per domain.  Records are analyzed one at a time into reused
 * buffers, so a 60,000-record zone needs no more memory than one record. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authtxt/zone.h"
#include "cli.h"
#include "zonelint.h"

#define ZONELINT_MAX_KEYS 16 /* DKIM keys of one domain taken into the cross rules */

struct zonelint {
    const char *path;
    bool json;
    struct zone zone;
    struct record rec;
    json_t *records_json, *cross_json;
    int status;
    size_t nchecked;
};

static int worst(int a, int b) { return a > b ? a : b; }

/* Print a diagnostic d whose span is [start, end) in file offsets, at a
 * known location (line, column of start). */
static void print_at(struct zonelint *zl, const struct diag *d, size_t start, size_t end,
                     const struct zone_location *loc)
{
    size_t line_start = start - (loc->column - 1);
    size_t line_end = start;
    while (line_end < zl->zone.file_len && zl->zone.file[line_end] != '\n')
        line_end++;
    struct diag local = *d;
    local.start = start - line_start;
    local.end = (end > line_end ? line_end : end) - line_start;
    out_diag_text(stdout, zl->path, zl->zone.file + line_start, line_end - line_start, &local,
                  loc->line, 1);
}

/* A zone-syntax diagnostic: its span is already in file offsets. */
static void print_file_diag(struct zonelint *zl, const struct diag *d)
{
    struct zone_location loc;
    zone_locate(&zl->zone, d->start, &loc);
    print_at(zl, d, d->start, d->end, &loc);
}

static json_t *json_file_diags(struct zonelint *zl, const struct diag_list *diags)
{
    json_t *a = json_array();
    for (size_t i = 0; i < diags->count; i++) {
        struct zone_location loc;
        zone_locate(&zl->zone, diags->items[i].start, &loc);
        json_t *o = json_diag(&diags->items[i]);
        json_object_set_new(o, "line", json_integer((json_int_t)loc.line));
        json_object_set_new(o, "column", json_integer((json_int_t)loc.column));
        json_array_append_new(a, o);
    }
    return a;
}

static void lint_record(struct zonelint *zl, const struct zone_record *zr)
{
    enum record_kind kind = zone_kind_record_kind(zr->kind);
    if (kind == RECORD_UNKNOWN)
        return;
    zl->nchecked++;
    record_analyze(&zl->rec, kind, zr->text, zr->len, (long long)time(NULL));
    zl->status = worst(zl->status, diag_list_status(&zl->rec.diags));
    if (zl->json) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_text(zr->owner, zr->owner_len));
        json_object_set_new(o, "line", json_integer((json_int_t)zr->line));
        json_object_set_new(o, "type", json_string(record_kind_name(kind)));
        json_object_set_new(o, "record", json_text(zr->text, zr->len));
        json_object_set_new(o, "valid", json_boolean(diag_list_status(&zl->rec.diags) < 2));
        json_t *diags = json_array();
        for (size_t i = 0; i < zl->rec.diags.count; i++) {
            const struct diag *d = &zl->rec.diags.items[i];
            struct zone_location loc;
            zone_record_locate(&zl->zone, zr, d->start, &loc);
            json_t *jd = json_diag(d); /* start/end: offsets in "record" */
            json_object_set_new(jd, "line", json_integer((json_int_t)loc.line));
            json_object_set_new(jd, "column", json_integer((json_int_t)loc.column));
            json_array_append_new(diags, jd);
        }
        json_object_set_new(o, "diagnostics", diags);
        json_array_append_new(zl->records_json, o);
        return;
    }
    /* Locate through the record (O(record)), not the whole file. */
    for (size_t i = 0; i < zl->rec.diags.count; i++) {
        const struct diag *d = &zl->rec.diags.items[i];
        struct zone_location loc;
        size_t fs, fe;
        zone_record_file_span(&zl->zone, zr, d->start, d->end, &fs, &fe);
        zone_record_locate(&zl->zone, zr, d->start, &loc);
        print_at(zl, d, fs, fe, &loc);
    }
}

struct by_domain {
    const char *domain;
    size_t index;
};

static int compare_domain(const void *a, const void *b)
{
    const struct by_domain *x = a, *y = b;
    int c = strcmp(x->domain, y->domain);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The cross rules for one domain's records: idx[0..n) all share a domain. */
static void cross_domain(struct zonelint *zl, const size_t *idx, size_t n, struct record *slots)
{
    struct record *spf = NULL, *dmarc = NULL;
    const struct record *keys[ZONELINT_MAX_KEYS];
    size_t nkeys = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        const struct zone_record *zr = &zl->zone.records[idx[i]];
        enum record_kind kind = zone_kind_record_kind(zr->kind);
        struct record **want = kind == RECORD_SPF ? &spf : kind == RECORD_DMARC ? &dmarc : NULL;
        if (kind == RECORD_DKIM_KEY ? nkeys == ZONELINT_MAX_KEYS : !want || *want)
            continue; /* a second SPF/DMARC at one name is a live-lint matter */
        struct record *slot = &slots[used++];
        record_analyze(slot, kind, zr->text, zr->len, 0);
        if (want)
            *want = slot;
        else
            keys[nkeys++] = slot;
    }
    if (!spf && !dmarc && !nkeys)
        return;
    struct diag_list cross;
    diag_list_init(&cross);
    const char *domain = zl->zone.records[idx[0]].domain;
    cross_lint(domain, spf, dmarc, keys, nkeys, &cross);
    zl->status = worst(zl->status, diag_list_status(&cross));
    if (zl->json && cross.count) {
        json_array_append_new(zl->cross_json,
                              json_pack("{s:o, s:o}", "domain", json_text(domain, strlen(domain)),
                                        "diagnostics", json_diag_list(&cross)));
    } else {
        for (size_t i = 0; i < cross.count; i++) {
            const struct diag *d = &cross.items[i];
            printf("%s: domain ", zl->path);
            out_safe(stdout, domain, strlen(domain));
            printf(": %s: ", diag_severity_name(d->severity));
            out_safe(stdout, d->message, strlen(d->message));
            printf(" [%s] (%s)\n", rule_get(d->rule)->code, rule_get(d->rule)->ref);
        }
    }
    diag_list_free(&cross);
}

static void cross_all(struct zonelint *zl)
{
    size_t n = zl->zone.count;
    struct by_domain *order = malloc((n ? n : 1) * sizeof *order);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    struct record slots[2 + ZONELINT_MAX_KEYS];
    if (!order || !idx) {
        fputs("authtxt: out of memory for the cross-record rules\n", stderr);
        zl->status = CLI_USAGE;
        free(order);
        free(idx);
        return;
    }
    for (size_t i = 0; i < 2 + ZONELINT_MAX_KEYS; i++)
        record_init(&slots[i]);
    for (size_t i = 0; i < n; i++)
        order[i] = (struct by_domain){zl->zone.records[i].domain, i};
    qsort(order, n, sizeof *order, compare_domain);
    for (size_t i = 0; i < n; i++)
        idx[i] = order[i].index;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(order[j].domain, order[i].domain) == 0)
            j++;
        cross_domain(zl, idx + i, j - i, slots);
        i = j;
    }
    for (size_t i = 0; i < 2 + ZONELINT_MAX_KEYS; i++)
        record_free(&slots[i]);
    free(order);
    free(idx);
}

int zonelint_run(const char *path, bool json)
{
    size_t len;
    char *file = cli_read_file(path, &len);
    if (!file)
        return CLI_USAGE;
    struct zonelint zl = {.path = path, .json = json, .status = CLI_CLEAN};
    struct diag_list zdiags;
    diag_list_init(&zdiags);
    zone_init(&zl.zone);
    record_init(&zl.rec);
    if (!zone_read(&zl.zone, file, len, NULL, &zdiags)) {
        fprintf(stderr, "authtxt: out of memory reading %s\n", path);
        zl.status = CLI_USAGE;
        goto done;
    }
    zl.status = diag_list_status(&zdiags);
    if (json) {
        zl.records_json = json_array();
        zl.cross_json = json_array();
    } else {
        for (size_t i = 0; i < zdiags.count; i++)
            print_file_diag(&zl, &zdiags.items[i]);
    }
    for (size_t i = 0; i < zl.zone.count; i++)
        lint_record(&zl, &zl.zone.records[i]);
    cross_all(&zl);
    if (json) {
        json_print(json_pack("{s:o, s:o, s:o, s:o, s:b}", "file", json_text(path, strlen(path)),
                             "zone_diagnostics", json_file_diags(&zl, &zdiags), "records",
                             zl.records_json, "cross", zl.cross_json, "valid",
                             zl.status < CLI_ERRORS));
    } else {
        printf("%s: %zu TXT records, %zu SPF/DMARC/DKIM records checked; worst: %s\n", path,
               zl.zone.count, zl.nchecked,
               zl.status == CLI_CLEAN ? "clean" : zl.status == CLI_WARNINGS ? "warnings" : "errors");
    }
done:
    diag_list_free(&zdiags);
    record_free(&zl.rec);
    zone_free(&zl.zone);
    free(file);
    return zl.status;
}
