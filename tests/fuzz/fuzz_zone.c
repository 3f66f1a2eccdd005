/* Fuzz the zone-fragment reader (RFC 1035 §5.1: $ORIGIN, $TTL, relative
 * names, parentheses, escapes), the streaming reader, the position
 * functions and the writer.  Input: one byte choosing the starting origin,
 * then the file.  Invariants: spans inside the file and the record text;
 * zone_open/zone_next read the same records as zone_read; every record
 * written back with zone_write_txt reads back with the same owner (up to
 * ASCII case), TTL and text. */
#include "fuzz_common.h"

#include "authtxt/zone.h"

static void check_record(const struct zone *z, const struct zone_record *r, size_t flen)
{
    fuzz_check(r->owner && r->owner_lc && strlen(r->owner) == r->owner_len, "owner");
    fuzz_check(r->domain && r->selector && r->report_domain, "owner parts");
    fuzz_check(r->nstrings >= 1 && r->strings != NULL, "nstrings %zu", r->nstrings);
    fuzz_check(r->len <= ZONE_RDATA_MAX, "text len %zu", r->len);
    fuzz_check_span(r->start, r->end, flen, "record");
    fuzz_check(r->line >= 1 && r->line <= z->lines + 1, "line %zu of %zu", r->line, z->lines);
    fuzz_check(r->ttl <= ZONE_TTL_MAX, "ttl %u", (unsigned)r->ttl);
    size_t at = 0;
    for (size_t i = 0; i < r->nstrings; i++) {
        const struct zone_string *s = &r->strings[i];
        fuzz_check(s->start == at, "string %zu starts at %u, expected %zu", i, (unsigned)s->start,
                   at);
        /* s->len may pass ZONE_STRING_MAX: kept, with zone-string-too-long. */
        at += s->len;
        fuzz_check_span(s->file_start, s->file_end, flen, "string in file");
        fuzz_check(s->file_start >= r->start && s->file_end <= r->end,
                   "string %zu [%u,%u) outside record [%zu,%zu)", i, (unsigned)s->file_start,
                   (unsigned)s->file_end, r->start, r->end);
    }
    fuzz_check(at == r->len, "strings sum %zu != len %zu", at, r->len);
    fuzz_check((int)zone_kind_record_kind(r->kind) >= 0, "kind");

    /* Positions of a few text offsets. */
    size_t offs[3] = {0, r->len / 2, r->len};
    for (int k = 0; k < 3; k++) {
        size_t fo = zone_record_file_offset(z, r, offs[k]);
        fuzz_check(fo >= r->start && fo <= r->end, "file offset %zu of text %zu outside [%zu,%zu]",
                   fo, offs[k], r->start, r->end);
        struct zone_location loc;
        zone_record_locate(z, r, offs[k], &loc);
        fuzz_check(loc.line >= 1 && loc.column >= 1 && loc.offset <= flen, "locate");
    }
    size_t fs, fe;
    zone_record_file_span(z, r, 0, r->len, &fs, &fe);
    fuzz_check(fs <= fe && fe <= flen, "file span [%zu,%zu) of %zu", fs, fe, flen);
}

/* An owner name in a canonical form for comparing: escapes decoded (an
 * escaped '.' or '\\' stays escaped: it is part of a label), ASCII
 * lowercased.  Returns the length written to out (at most 2 x n). */
static size_t canon_name(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' &&
            s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9') {
            c = (unsigned char)((s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0'));
            i += 3;
            if (c == '.' || c == '\\')
                out[o++] = '\\';
        } else if (c == '\\' && i + 1 < n) {
            c = (unsigned char)s[++i];
            if (c == '.' || c == '\\')
                out[o++] = '\\';
        }
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return o;
}

static bool same_name(const char *a, size_t alen, const char *b, size_t blen)
{
    char *x = malloc(2 * alen + 1), *y = malloc(2 * blen + 1);
    bool same = false;
    if (x && y) {
        size_t xl = canon_name(a, alen, x), yl = canon_name(b, blen, y);
        same = xl == yl && memcmp(x, y, xl) == 0;
    } else {
        same = true; /* out of memory: nothing to say */
    }
    free(x);
    free(y);
    return same;
}

/* Write the record back and read it again: same owner, TTL and text. */
static void check_write(const struct zone_record *r, const char *origin)
{
    struct zone_txt rec = {r->owner, r->ttl, r->text, r->len};
    struct strbuf out = STRBUF_INIT;
    struct zone z2;
    struct diag_list d2;

    if (!zone_write_txt(&out, &rec, origin) || out.failed) {
        strbuf_free(&out);
        return;
    }
    zone_init(&z2);
    diag_list_init(&d2);
    /* The writer writes relative owners when under origin: give it. */
    if (zone_read(&z2, strbuf_cstr(&out), out.len, origin, &d2)) {
        if (z2.count != 1)
            fuzz_fail("record of owner '%s' (%zu bytes) written as\n%s\nreads back as %zu records",
                      r->owner, r->len, strbuf_cstr(&out), z2.count);
        const struct zone_record *b = &z2.records[0];
        /* The same name, not the same text: the writer writes an owner
         * under the origin relative to it, matching the origin in any case
         * (so that part comes back in the origin's case), and writes some
         * bytes (a lone "@" label) as \DDD, which read back in that form. */
        fuzz_check(same_name(b->owner, b->owner_len, r->owner, r->owner_len),
                   "owner '%s' reads back as '%s' from\n%s", r->owner, b->owner,
                   strbuf_cstr(&out));
        fuzz_check(b->ttl == r->ttl, "ttl %u reads back as %u", (unsigned)r->ttl,
                   (unsigned)b->ttl);
        fuzz_check(b->len == r->len && (r->len == 0 || memcmp(b->text, r->text, r->len) == 0),
                   "text of %zu bytes reads back as %zu bytes from\n%s", r->len, b->len,
                   strbuf_cstr(&out));
    }
    diag_list_free(&d2);
    zone_free(&z2);
    strbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const origins[] = {NULL, "example.com.", "example.com", "."};
    const char *origin = origins[data[0] & 3];
    const char *file = (const char *)data + 1;
    size_t flen = size - 1;
    struct zone z, s;
    struct diag_list diags, sdiags;

    zone_init(&z);
    zone_init(&s);
    diag_list_init(&diags);
    diag_list_init(&sdiags);

    if (zone_read(&z, file, flen, origin, &diags)) {
        fuzz_check_diags(&diags, flen);
        for (size_t i = 0; i < diags.count; i++) {
            struct zone_location loc;
            zone_locate(&z, diags.items[i].start, &loc);
            fuzz_check(loc.offset == diags.items[i].start && loc.line >= 1 && loc.column >= 1,
                       "zone_locate(%zu)", diags.items[i].start);
        }
        for (size_t i = 0; i < z.count; i++) {
            check_record(&z, &z.records[i], flen);
            if (i < 8)
                check_write(&z.records[i], origin);
        }

        /* The streaming reader reads the same records. */
        size_t n = 0;
        if (zone_open(&s, file, flen, origin, &sdiags)) {
            const struct zone_record *r;
            while ((r = zone_next(&s, &sdiags)) != NULL) {
                check_record(&s, r, flen);
                fuzz_check(n < z.count, "streaming reads more than %zu records", z.count);
                const struct zone_record *a = &z.records[n];
                fuzz_check(a->len == r->len && memcmp(a->text, r->text, r->len) == 0 &&
                               a->ttl == r->ttl && strcmp(a->owner, r->owner) == 0,
                           "record %zu differs between zone_read and zone_next", n);
                n++;
            }
            if (!s.oom)
                fuzz_check(n == z.count, "zone_next read %zu records, zone_read %zu", n,
                           z.count);
        }
    }

    diag_list_free(&sdiags);
    diag_list_free(&diags);
    zone_free(&s);
    zone_free(&z);
    return 0;
}
