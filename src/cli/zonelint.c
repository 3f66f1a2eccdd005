/* `authtxt lint --zone FILE`: every SPF, DMARC and DKIM TXT record of a zone
 * file, diagnostics located as file:line:column, then the cross-record
 * rules per domain.
 *
 * This file reads the input, calls the core and prints.  The streaming
 * reader (zone_open/zone_next) and one analysis per record (terms skipped):
 * the file is never held as a table of records.  The grouping per domain
 * and the cross rules are the core's (zone_audit.h).  The input is read in
 * chunks of 32 MiB (see zone_stream), so a file or pipe of any size takes
 * about that.  The text report is in file order, as a compiler's: the
 * reader's own diagnostics (zone syntax) are printed as it finds them,
 * before the diagnostics of the record it then returns, so nothing is
 * held; the JSON report, whose "zone_diagnostics" member comes first, puts
 * a quick pass of the reader alone first.
 *
 * 60,000 records (tests/bench/bench_zone.sh): about 1.8 us a record, the
 * zone reader and the record parsers most of it; 6,000,000 through a pipe
 * (bench_zone_scale.sh) take the same per record in about 100 MiB. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authtxt/zone.h"
#include "authtxt/zone_audit.h"
#include "cli.h"
#include "zonelint.h"

#define ZONELINT_STDOUT_BUF (256u << 10)

/* Items of a streamed array member: "name": [ item, item ] or "name": []. */
struct json_stream_array {
    const char *name;
    size_t count;
};


struct zonelint {
    const char *path;
    bool json;
    const char *file;
    size_t file_len;
    struct zone zone;
    struct record rec;
    struct json_stream_array records_out; /* --json: "records" as written */
    long line_shift;                      /* file line = line in the chunk buffer + line_shift */
    long offset_shift; /* file offset = offset in the chunk buffer + offset_shift */
    int status;
    struct strbuf out; /* text report not yet written (see out_flush) */
    size_t ntxt, nchecked;
    bool oom;

    struct zone_audit *audit; /* the domains and their cross rules (core) */
    struct json_stream_array cross_out; /* --json: "cross" as written */
    FILE *spill;                        /* cross report of forgotten domains (cross_spill) */
    /* An earlier chunk settled the TTL of records without one: a later
     * chunk's reader, which starts afresh, must not note its absence. */
    bool ttl_settled;
    size_t audit_max; /* ZONELINT_AUDIT_MAX, or AUTHTXT_ZONE_AUDIT_MAX for the tests */
};

static int worst(int a, int b) { return a > b ? a : b; }

/* --- reading the file ------------------------------------------------------ */

/* The file's bytes, and how to give them back. */
struct zone_file {
    char *data;
    size_t len, mapped; /* mapped: bytes of an anonymous mapping, 0 = malloc'd */
};

static void zone_file_free(struct zone_file *f)
{
    if (f->mapped)
        munmap(f->data, f->mapped);
    else
        free(f->data);
    memset(f, 0, sizeof *f);
}

/* Memory for `size` bytes of file.  A large file goes in an anonymous
 * mapping that asks for huge pages: reading 10 MB into 4 KiB pages costs
 * thousands of page faults, a noticeable part of linting a big zone. */
static bool zone_file_alloc(struct zone_file *f, size_t size)
{
    f->mapped = 0;
#ifdef MADV_HUGEPAGE
    if (size >= (2u << 20)) {
        size_t huge = 2u << 20, len = (size + 1 + huge - 1) / huge * huge;
        void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            (void)madvise(p, len, MADV_HUGEPAGE); /* a hint: 4 KiB pages if refused */
            f->data = p;
            f->mapped = len;
            return true;
        }
    }
#endif
    f->data = malloc(size + 1);
    return f->data != NULL;
}

/* The file comes in chunks of at most ZONE_CHUNK bytes (plus the rest of a
 * record that straddles the end), cut before a line that starts a new
 * entry with its own owner name or a directive, outside quotes and
 * parentheses: a chunk is then a zone file of its own once the $ORIGIN and
 * $TTL in force are written before it.  Memory is the chunk, whatever the
 * size of the file or pipe; a file that fits one chunk is read at once, as
 * before, and its report is unchanged. */
#define ZONE_CHUNK (32u << 20)
#define ZONE_PREFIX_ROOM 600 /* "$ORIGIN <253 bytes>.\n$TTL <10 digits>\n" */

struct zone_stream {
    const char *path;
    int fd;
    struct zone_file mem; /* ZONE_PREFIX_ROOM bytes, then the data */
    size_t cap;           /* data bytes mem can hold */
    size_t len;           /* data bytes held */
    bool eof;
    char origin[300]; /* in force after the data consumed so far ("" none) */
    char ttl[16];
    size_t lines_done; /* newlines in the data consumed so far */
    size_t bytes_done; /* data consumed so far */
    size_t chunk;      /* ZONE_CHUNK, or AUTHTXT_ZONE_CHUNK for the tests */
};

static char *stream_data(struct zone_stream *zs) { return zs->mem.data + ZONE_PREFIX_ROOM; }

/* A size the tests set in the environment variable `name` (decimal), used
 * when it lies in [min, max); else dflt. */
static size_t test_size(const char *name, size_t min, size_t max, size_t dflt)
{
    const char *env = getenv(name);
    if (!env || !*env || strlen(env) > 9)
        return dflt;
    size_t v = 0;
    for (const char *p = env; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (size_t)(*p - '0');
    return v >= min && v < max ? v : dflt;
}

static bool stream_open(struct zone_stream *zs, const char *path, const char *origin)
{
    memset(zs, 0, sizeof *zs);
    zs->path = path;
    zs->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (zs->fd < 0) {
        fprintf(stderr, "authtxt: cannot read ");
        out_safe(stderr, path, strlen(path));
        fprintf(stderr, ": %s\n", strerror(errno));
        return false;
    }
    /* The tests cut small files into many chunks with this. */
    zs->chunk = test_size("AUTHTXT_ZONE_CHUNK", 64, ZONE_CHUNK, ZONE_CHUNK);
    struct stat st;
    size_t want = zs->chunk;
    if (fstat(zs->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (uintmax_t)st.st_size < zs->chunk)
        want = (size_t)st.st_size + 1; /* one read, no more memory than the file */
    if (!zone_file_alloc(&zs->mem, ZONE_PREFIX_ROOM + want)) {
        fprintf(stderr, "authtxt: out of memory reading a zone\n");
        return false;
    }
    zs->cap = want;
    if (origin) {
        size_t n = strlen(origin);
        snprintf(zs->origin, sizeof zs->origin, "%s%s", origin,
                 n && origin[n - 1] == '.' ? "" : ".");
    }
    return true;
}

static void stream_close(struct zone_stream *zs)
{
    if (zs->fd > STDIN_FILENO)
        close(zs->fd);
    zone_file_free(&zs->mem);
}

/* Read until the buffer holds at least `want` bytes or the input ends;
 * grow the buffer when it is full (a record longer than a chunk).
 * False after printing why. */
static bool stream_fill(struct zone_stream *zs, size_t want)
{
    while (!zs->eof && zs->len < want) {
        if (zs->len == zs->cap) {
            struct zone_file bigger;
            size_t cap = zs->cap * 2 < want ? want : zs->cap * 2;
            if (!zone_file_alloc(&bigger, ZONE_PREFIX_ROOM + cap)) {
                fprintf(stderr, "authtxt: out of memory reading a zone\n");
                return false;
            }
            memcpy(bigger.data + ZONE_PREFIX_ROOM, stream_data(zs), zs->len);
            zone_file_free(&zs->mem);
            zs->mem = bigger;
            zs->cap = cap;
        }
        ssize_t got = read(zs->fd, stream_data(zs) + zs->len, zs->cap - zs->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fputs("authtxt: cannot read ", stderr);
            out_safe(stderr, zs->path, strlen(zs->path));
            fprintf(stderr, ": %s\n", strerror(errno));
            return false;
        }
        if (got == 0)
            zs->eof = true;
        zs->len += (size_t)got;
    }
    return true;
}

static bool word_is(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n < k + 1)
        return false;
    for (size_t i = 0; i < k; i++)
        if ((s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]) != word[i])
            return false;
    return s[k] == ' ' || s[k] == '\t';
}

/* Note a $ORIGIN or $TTL directive at s[0..n) (one line) in the state. */
static void note_directive(struct zone_stream *zs, const char *s, size_t n)
{
    bool is_origin = word_is(s, n, "$ORIGIN"), is_ttl = word_is(s, n, "$TTL");
    if (!is_origin && !is_ttl)
        return;
    size_t i = is_origin ? 7 : 4;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t j = i;
    while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != ';' && s[j] != '\r')
        j++;
    size_t w = j - i;
    if (is_ttl) {
        if (w && w < sizeof zs->ttl)
            memcpy(zs->ttl, s + i, w), zs->ttl[w] = '\0';
        return;
    }
    char next[sizeof zs->origin];
    size_t olen = strlen(zs->origin);
    bool absolute = w && s[j - 1] == '.';
    /* Too long a name: the reader reports it; the state stays. */
    if (!w || w + 1 + (absolute ? 0 : olen) >= sizeof next)
        return;
    memcpy(next, s + i, w);
    size_t k = w;
    if (!absolute) { /* relative to the origin in force (RFC 1035 §5.1) */
        next[k++] = '.';
        memcpy(next + k, zs->origin, olen);
        k += olen;
    }
    next[k] = '\0';
    memcpy(zs->origin, next, k + 1);
}

/* Where the next chunk ends: the whole data at the end of the input, else
 * the start of the last line that opens an entry with its own owner (or a
 * directive) outside quotes and parentheses; 0 when there is none yet. */
static size_t stream_split(struct zone_stream *zs)
{
    if (zs->eof)
        return zs->len;
    const char *d = stream_data(zs);
    size_t cut = 0;
    int depth = 0;
    bool quote = false, comment = false;
    for (size_t i = 0; i < zs->len; i++) {
        char c = d[i];
        if (c == '\n') {
            comment = false;
            quote = false; /* a string cannot span lines: the reader ends it here too */
            if (!quote && depth == 0 && i + 1 < zs->len) {
                char n = d[i + 1];
                if (n != ' ' && n != '\t' && n != '\n' && n != '\r' && n != ';' && n != '(' &&
                    n != ')')
                    cut = i + 1;
            }
            continue;
        }
        if (comment)
            continue;
        if (quote) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quote = false;
        } else if (c == '"') {
            quote = true;
        } else if (c == ';') {
            comment = true;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && depth > 0) {
            depth--;
        }
    }
    return cut;
}

/* Account for the data [0, n) as read: directives and lines. */
static void stream_consume(struct zone_stream *zs, size_t n)
{
    const char *d = stream_data(zs);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(d + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - d) : n;
        if (d[i] == '$')
            note_directive(zs, d + i, end - i);
        if (nl)
            zs->lines_done++;
        i = end + 1;
    }
    memmove(stream_data(zs), d + n, zs->len - n);
    zs->len -= n;
    zs->bytes_done += n;
}

/* --- streamed JSON ----------------------------------------------------------- */

/* The JSON report is written as it is made, never held whole: the document
 * is {"file", "zone_diagnostics", "records", "cross", "valid"} laid out as
 * jansson's JSON_INDENT(2) would lay it out, each member or array item
 * dumped on its own and indented to its depth. */
static void json_put_indented_to(FILE *f, json_t *v, int indent)
{
    char *text = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
                                       JSON_ENCODE_ANY)
                   : NULL;
    json_decref(v);
    if (!text) {
        fputs("null", f);
        return;
    }
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fwrite(p, 1, n, f);
        if (nl)
            fprintf(f, "%*s", indent, "");
        p += n;
    }
    free(text);
}

static void json_put_indented(json_t *v, int indent) { json_put_indented_to(stdout, v, indent); }

static void json_array_item_to(FILE *f, struct json_stream_array *a, json_t *item)
{
    if (a->count++ == 0)
        fprintf(f, "  \"%s\": [\n    ", a->name);
    else
        fputs(",\n    ", f);
    json_put_indented_to(f, item, 4);
}

static void json_array_item(struct json_stream_array *a, json_t *item)
{
    json_array_item_to(stdout, a, item);
}

static void json_array_end(struct json_stream_array *a, bool last)
{
    if (a->count)
        fputs("\n  ]", stdout);
    else
        printf("  \"%s\": []", a->name);
    fputs(last ? "\n" : ",\n", stdout);
}

/* --- per-record diagnostics ------------------------------------------------ */

/* The text report is made in zl->out and written in blocks of about this
 * size: stdio's per-call cost is most of the cost of a 3-line report. */
#define ZONELINT_OUT_BLOCK (1u << 20)

static void out_flush(struct zonelint *zl)
{
    if (zl->out.failed)
        zl->oom = true;
    if (zl->out.len)
        fwrite(strbuf_cstr(&zl->out), 1, zl->out.len, stdout);
    strbuf_reset(&zl->out);
}

/* Print a diagnostic d whose span is [start, end) in file offsets, at a
 * known location (line, column of start). */
static void print_at(struct zonelint *zl, const struct diag *d, size_t start, size_t end,
                     const struct zone_location *loc)
{
    size_t line_start = start - (loc->column - 1);
    const char *nl = memchr(zl->file + start, '\n', zl->file_len - start);
    size_t line_end = nl ? (size_t)(nl - zl->file) : zl->file_len;
    struct diag local = *d;
    local.start = start - line_start;
    local.end = (end > line_end ? line_end : end) - line_start;
    out_diag_format(&zl->out, zl->path, zl->file + line_start, line_end - line_start, &local,
                    (size_t)((long)loc->line + zl->line_shift), 1);
    if (zl->out.len >= ZONELINT_OUT_BLOCK)
        out_flush(zl);
}

/* The reader's messages name lines of the buffer it was given ("the '('
 * on line 10"); in a later chunk those are moved to the file's lines. */
static const struct diag *file_lines(const struct zonelint *zl, const struct diag *d,
                                     struct diag *local)
{
    if (zl->line_shift == 0 || !strstr(d->message, "line "))
        return d;
    *local = *d;
    size_t o = 0;
    for (const char *p = d->message; *p && o + 1 < sizeof local->message;) {
        if (strncmp(p, "line ", 5) == 0 && p[5] >= '0' && p[5] <= '9') {
            long v = 0;
            p += 5;
            while (*p >= '0' && *p <= '9' && v < 100000000000L)
                v = v * 10 + (*p++ - '0');
            int w = snprintf(local->message + o, sizeof local->message - o, "line %ld",
                             v + zl->line_shift);
            if (w < 0 || (size_t)w >= sizeof local->message - o)
                break;
            o += (size_t)w;
        } else {
            local->message[o++] = *p++;
        }
    }
    local->message[o] = '\0';
    return local;
}

/* A zone-syntax diagnostic: its span is already in file offsets. */
static void print_file_diag(struct zonelint *zl, const struct diag *d)
{
    struct zone_location loc;
    struct diag local;
    zone_locate(&zl->zone, d->start, &loc);
    print_at(zl, file_lines(zl, d, &local), d->start, d->end, &loc);
}

static json_t *json_file_diags(struct zonelint *zl, const struct diag_list *diags)
{
    json_t *a = json_array();
    for (size_t i = 0; i < diags->count; i++) {
        struct zone_location loc;
        struct diag local;
        if (zl->ttl_settled && diags->items[i].rule == RULE_ZONE_NO_TTL)
            continue; /* said in an earlier chunk (see ttl_settled) */
        zone_locate(&zl->zone, diags->items[i].start, &loc);
        json_t *o = json_diag(file_lines(zl, &diags->items[i], &local));
        if (zl->offset_shift) { /* offsets in the file, not in the chunk */
            json_object_set_new(o, "start",
                                json_integer((json_int_t)diags->items[i].start + zl->offset_shift));
            json_object_set_new(o, "end",
                                json_integer((json_int_t)diags->items[i].end + zl->offset_shift));
        }
        json_object_set_new(o, "line", json_integer((json_int_t)loc.line + zl->line_shift));
        json_object_set_new(o, "column", json_integer((json_int_t)loc.column));
        json_array_append_new(a, o);
    }
    return a;
}

static void report_record(struct zonelint *zl, const struct zone_record *zr, enum record_kind kind)
{
    const struct diag_list *diags = &zl->rec.diags;
    zl->status = worst(zl->status, diag_list_status(diags));
    if (zl->json) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_text(zr->owner, zr->owner_len));
        json_object_set_new(o, "line", json_integer((json_int_t)zr->line + zl->line_shift));
        json_object_set_new(o, "type", json_string(record_kind_name(kind)));
        json_object_set_new(o, "record", json_text(zr->text, zr->len));
        json_object_set_new(o, "valid", json_boolean(diag_list_status(diags) < 2));
        json_t *a = json_array();
        for (size_t i = 0; i < diags->count; i++) {
            const struct diag *d = &diags->items[i];
            struct zone_location loc;
            zone_record_locate(&zl->zone, zr, d->start, &loc);
            json_t *jd = json_diag(d); /* start/end: offsets in "record" */
            json_object_set_new(jd, "line", json_integer((json_int_t)loc.line + zl->line_shift));
            json_object_set_new(jd, "column", json_integer((json_int_t)loc.column));
            json_array_append_new(a, jd);
        }
        json_object_set_new(o, "diagnostics", a);
        json_array_item(&zl->records_out, o);
        return;
    }
    /* Locate through the record, not the whole file, and in one forward
     * pass: the diagnostics come sorted by start, so each one's line and
     * column follow from the previous one's (as zone_record_locate counts
     * them: from the record's start and line). */
    size_t at = zr->start, line = zr->line, line_start = zr->start;
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        size_t fs, fe;
        zone_record_file_span(&zl->zone, zr, d->start, d->end, &fs, &fe);
        if (fs < at) /* not sorted after all: count again from the start */
            at = zr->start, line = zr->line, line_start = zr->start;
        while (at < fs) {
            const char *nl = memchr(zl->file + at, '\n', fs - at);
            if (!nl)
                break;
            line++;
            at = line_start = (size_t)(nl - zl->file) + 1;
        }
        at = fs;
        struct zone_location loc = {fs, line, fs - line_start + 1};
        print_at(zl, d, fs, fe, &loc);
    }
}

/* Write the cross diagnostics of doms[0..n) (sorted by domain) to f: text
 * lines, or items of the JSON "cross" array. */
static void cross_emit(struct zonelint *zl, const struct zone_audit_domain *doms, size_t n, FILE *f)
{
    struct strbuf sb;
    strbuf_init(&sb);
    for (size_t k = 0; k < n; k++) {
        const struct zone_audit_domain *e = &doms[k];
        const char *domain = e->domain;
        for (size_t i = 0; i < e->count; i++)
            zl->status = worst(zl->status, e->diags[i].severity == DIAG_ERROR     ? CLI_ERRORS
                                           : e->diags[i].severity == DIAG_WARNING ? CLI_WARNINGS
                                                                                  : CLI_CLEAN);
        if (zl->json) {
            struct diag_list list = {
                .items = (struct diag *)e->diags, .count = e->count, .cap = e->count};
            json_array_item_to(f, &zl->cross_out,
                               json_pack("{s:o, s:o}", "domain", json_text(domain, strlen(domain)),
                                         "diagnostics", json_diag_list(&list)));
            continue;
        }
        for (size_t i = 0; i < e->count; i++) {
            const struct diag *d = &e->diags[i];
            strbuf_puts(&sb, zl->path);
            strbuf_puts(&sb, ": domain ");
            out_safe_sb(&sb, domain, strlen(domain));
            strbuf_puts(&sb, ": ");
            strbuf_puts(&sb, diag_severity_name(d->severity));
            strbuf_puts(&sb, ": ");
            out_safe_sb(&sb, d->message, strlen(d->message));
            strbuf_puts(&sb, " [");
            strbuf_puts(&sb, rule_get(d->rule)->code);
            strbuf_puts(&sb, "] (");
            strbuf_puts(&sb, rule_get(d->rule)->ref);
            strbuf_puts(&sb, ")\n");
            if (sb.len >= ZONELINT_OUT_BLOCK) {
                fwrite(strbuf_cstr(&sb), 1, sb.len, f);
                strbuf_reset(&sb);
            }
        }
    }
    if (sb.failed)
        zl->oom = true;
    if (sb.len)
        fwrite(strbuf_cstr(&sb), 1, sb.len, f);
    strbuf_free(&sb);
}

/* A zone read in chunks: past ZONELINT_AUDIT_MAX bytes of domains, the
 * ended domains' cross diagnostics go to a temporary file (the report
 * lists them after the records) and the audit forgets them, so memory
 * stays flat however many domains the input has.  The cost: a domain
 * whose records come back after such a flush is audited on the later
 * records alone; the first flush says so on stderr. */
#define ZONELINT_AUDIT_MAX (32u << 20)

static void cross_spill(struct zonelint *zl)
{
    if (!zl->spill) {
        zl->spill = tmpfile();
        if (!zl->spill) {
            fprintf(stderr,
                    "authtxt: cannot make a temporary file for the cross-record report "
                    "of a large zone: %s\n",
                    strerror(errno));
            zl->oom = true;
            return;
        }
        fputs("authtxt: ", stderr);
        out_safe(stderr, zl->path, strlen(zl->path));
        fputs(" has more domains than fit in memory at once: the cross-record rules are run "
              "on each domain's records as they come; records of a domain that come back "
              "far apart are audited apart\n",
              stderr);
    }
    size_t n = 0;
    const struct zone_audit_domain *doms = zone_audit_flush(zl->audit, &n);
    if (!doms || zone_audit_oom(zl->audit))
        zl->oom = true;
    cross_emit(zl, doms, doms ? n : 0, zl->spill);
}

/* The cross report: what was spilled, then the domains the audit still
 * has, to stdout. */
static void cross_report(struct zonelint *zl)
{
    size_t n = 0;
    const struct zone_audit_domain *doms = zl->audit ? zone_audit_finish(zl->audit, &n) : NULL;
    if (zl->audit && (!doms || zone_audit_oom(zl->audit)))
        zl->oom = true;
    if (zl->spill) {
        char buf[1 << 16];
        size_t got;
        rewind(zl->spill);
        while ((got = fread(buf, 1, sizeof buf, zl->spill)) > 0)
            fwrite(buf, 1, got, stdout);
        if (ferror(zl->spill))
            zl->oom = true;
        fclose(zl->spill);
        zl->spill = NULL;
    }
    cross_emit(zl, doms, doms ? n : 0, stdout);
}

static void zonelint_free(struct zonelint *zl)
{
    zone_audit_free(zl->audit);
    if (zl->spill)
        fclose(zl->spill);
    strbuf_free(&zl->out);
    record_free(&zl->rec);
    zone_free(&zl->zone);
}

/* --- one chunk ---------------------------------------------------------------- */

/* Analyze one record of the zone, give it to its domain's run and, when
 * `report`, report its diagnostics. */
static void lint_record(struct zonelint *zl, const struct zone_record *zr, long long now,
                        bool report)
{
    zl->ntxt++;
    enum record_kind kind = zone_kind_record_kind(zr->kind);
    if (kind == RECORD_UNKNOWN)
        return;
    zl->nchecked++;
    if (!record_analyze(&zl->rec, kind, zr->text, zr->len, now))
        zl->oom = true;
    if (report)
        report_record(zl, zr, kind);
    else
        zl->status = worst(zl->status, diag_list_status(&zl->rec.diags));
    if (!zone_audit_add(zl->audit, &zl->zone, zr, &zl->rec))
        zl->oom = true;
}

/* Text report of one chunk in one reading, in file order: the reader's
 * diagnostics found up to a record, then the record's.  False when out of
 * memory. */
static bool lint_chunk_text(struct zonelint *zl, const char *origin, struct diag_list *zdiags,
                            long long now, int *zone_status)
{
    diag_list_reset(zdiags);
    if (!zone_open(&zl->zone, zl->file, zl->file_len, origin, zdiags)) {
        zl->oom = true;
        return false;
    }
    const struct zone_record *zr;
    do {
        zr = zone_next(&zl->zone, zdiags);
        /* The list is emptied once printed: the reader only appends. */
        *zone_status = worst(*zone_status, diag_list_status(zdiags));
        for (size_t i = 0; i < zdiags->count; i++)
            if (!(zl->ttl_settled && zdiags->items[i].rule == RULE_ZONE_NO_TTL))
                print_file_diag(zl, &zdiags->items[i]);
        if (zdiags->dropped) { /* DIAG_LIST_MAX before one record */
            char more[96];
            snprintf(more, sizeof more, ": %zu more zone diagnostics not shown: too many\n",
                     zdiags->dropped);
            strbuf_puts(&zl->out, zl->path);
            strbuf_puts(&zl->out, more);
        }
        diag_list_reset(zdiags);
        if (zr)
            lint_record(zl, zr, now, true);
    } while (zr);
    if (zl->zone.oom)
        zl->oom = true;
    zl->status = worst(zl->status, *zone_status);
    return !zl->oom;
}

/* --- the command ------------------------------------------------------------ */

int zonelint_run(const char *path, const char *origin, bool json)
{
    struct zone_stream zs;
    if (!stream_open(&zs, path, origin)) {
        stream_close(&zs);
        return CLI_USAGE;
    }
    /* One big buffer: the report of a large zone is megabytes of lines. */
    static char stdout_buf[ZONELINT_STDOUT_BUF];
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

    struct zonelint zl = {.path = path, .json = json, .status = CLI_CLEAN};
    struct diag_list zdiags, scratch;
    long long now = (long long)time(NULL);
    diag_list_init(&zdiags);
    diag_list_init(&scratch);
    zone_init(&zl.zone);
    record_init(&zl.rec);
    strbuf_init(&zl.out);
    zl.out.limit = 4 * ZONELINT_OUT_BLOCK; /* flushed at one block: one diagnostic past it */
    /* Only the diagnostics are read here: no term view. */
    zl.rec.skip_terms = true;
    zl.cross_out = (struct json_stream_array){"cross", 0};
    /* The tests make the audit spill (cross_spill) with this. */
    zl.audit_max = test_size("AUTHTXT_ZONE_AUDIT_MAX", 0, ZONELINT_AUDIT_MAX, ZONELINT_AUDIT_MAX);
    zl.records_out = (struct json_stream_array){"records", 0};
    json_t *late_zone_diags = NULL; /* --json, several chunks: written last */
    int zone_status = CLI_CLEAN;
    bool io_failed = false;

    for (bool first = true;; first = false) {
        size_t n = 0;
        for (size_t want = zs.chunk;; want = zs.len + zs.chunk) {
            if (!stream_fill(&zs, want)) {
                io_failed = true;
                break;
            }
            if ((n = stream_split(&zs)) > 0 || zs.eof)
                break;
        }
        if (io_failed || (!first && zs.len == 0))
            break;
        bool single = first && zs.eof; /* the whole input in one chunk */
        /* The core keeps references into the buffer only when it holds
         * the whole input. */
        if (!zl.audit && !(zl.audit = zone_audit_new(single))) {
            zl.oom = true;
            break;
        }
        /* What is in force at the chunk's start, written before it. */
        char prefix[ZONE_PREFIX_ROOM];
        int plen = 0;
        long prefix_lines = 0;
        if (!first) {
            plen = snprintf(prefix, sizeof prefix, "%s%s%s%s%s%s", zs.origin[0] ? "$ORIGIN " : "",
                            zs.origin, zs.origin[0] ? "\n" : "", zs.ttl[0] ? "$TTL " : "", zs.ttl,
                            zs.ttl[0] ? "\n" : "");
            if (plen < 0 || plen >= (int)sizeof prefix)
                plen = 0;
            prefix_lines = (zs.origin[0] != '\0') + (zs.ttl[0] != '\0');
        }
        char *buf = stream_data(&zs) - plen;
        memcpy(buf, prefix, (size_t)plen);
        zl.file = buf;
        zl.file_len = (size_t)plen + n;
        zl.line_shift = (long)zs.lines_done - prefix_lines;
        zl.offset_shift = (long)zs.bytes_done - plen;
        const char *chunk_origin = first ? origin : NULL;

        if (!json) {
            if (!lint_chunk_text(&zl, chunk_origin, &zdiags, now, &zone_status))
                break;
        } else {
            /* The zone's own diagnostics come first in the report, but the
             * reader finds them as it goes: a first pass of the reader alone
             * (about a tenth of the work, no memory) collects them. */
            diag_list_reset(&zdiags);
            if (!zone_open(&zl.zone, zl.file, zl.file_len, chunk_origin, &zdiags)) {
                zl.oom = true;
                break;
            }
            while (zone_next(&zl.zone, &zdiags))
                ;
            zone_status = worst(zone_status, diag_list_status(&zdiags));
            zl.status = worst(zl.status, zone_status);
            if (single) {
                fputs("{\n  \"file\": ", stdout);
                json_put_indented(json_text(path, strlen(path)), 2);
                fputs(",\n  \"zone_diagnostics\": ", stdout);
                json_put_indented(json_file_diags(&zl, &zdiags), 2);
                fputs(",\n", stdout);
            } else {
                if (first) {
                    fputs("{\n  \"file\": ", stdout);
                    json_put_indented(json_text(path, strlen(path)), 2);
                    fputs(",\n", stdout);
                    late_zone_diags = json_array();
                }
                json_t *more = json_file_diags(&zl, &zdiags);
                json_array_extend(late_zone_diags, more);
                json_decref(more); /* extend copies the items, keeps no array */
            }
            if (!zone_open(&zl.zone, zl.file, zl.file_len, chunk_origin, &scratch)) {
                zl.oom = true;
                break;
            }
            const struct zone_record *zr;
            while ((zr = zone_next(&zl.zone, &scratch))) {
                diag_list_reset(&scratch);
                lint_record(&zl, zr, now, true);
            }
        }
        if (zl.zone.oom)
            zl.oom = true;
        if (single || zl.oom)
            break; /* the buffer stays: kept texts may point into it */
        if (zone_audit_memory(zl.audit) > zl.audit_max)
            cross_spill(&zl);
        zl.ttl_settled = zl.ttl_settled || zone_ttl_settled(&zl.zone);
        stream_consume(&zs, n);
        if (zs.eof && zs.len == 0)
            break;
    }
    zl.status = worst(zl.status, zone_status);
    diag_list_free(&scratch);

    if (json) {
        json_array_end(&zl.records_out, false);
        cross_report(&zl);
        json_array_end(&zl.cross_out, false);
        if (late_zone_diags) {
            fputs("  \"zone_diagnostics\": ", stdout);
            json_put_indented(late_zone_diags, 2);
            late_zone_diags = NULL;
            fputs(",\n", stdout);
        }
        printf("  \"valid\": %s\n}\n", zl.status < CLI_ERRORS && !io_failed ? "true" : "false");
    } else {
        out_flush(&zl);
        cross_report(&zl);
        printf("%s: %zu TXT records, %zu SPF/DMARC/DKIM records checked; worst: %s\n", path,
               zl.ntxt, zl.nchecked,
               zl.status == CLI_CLEAN ? "clean" : zl.status == CLI_WARNINGS ? "warnings" : "errors");
    }
    if (io_failed)
        zl.status = CLI_USAGE;
    if (zl.oom) {
        fprintf(stderr, "authtxt: out of memory linting %s: the report is incomplete\n", path);
        zl.status = CLI_USAGE;
    }
    fflush(stdout);
    json_decref(late_zone_diags);
    diag_list_free(&zdiags);
    diag_list_free(&scratch);
    zonelint_free(&zl);
    stream_close(&zs);
    return zl.status;
}
