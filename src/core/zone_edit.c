/* Saving drafts into an admin's zone file in place, the SOA serial bump and
 * the fragment form for a new file.  See include/authtxt/zone_edit.h.
 *
 * The file is read once with zone_read; the records' spans say where each
 * draft's RDATA (and TTL field) is written, and the SOA serial's span where
 * the serial is.  The output is the file with a few spans replaced or text
 * inserted: everything outside those spans is copied byte for byte. */
#include "authtxt/zone_edit.h"

#include <string.h>

/* TTL + RDATA per draft, the SPF draft's marker, the serial. */
#define EDITS_MAX (2 * ZONE_EDIT_DRAFTS_MAX + 2)
#define ALIGN_MAX 60 /* continuation strings align under the first up to here */

/* Replace file[start, end) with repl[at, at + len) (start == end: insert). */
struct edit {
    size_t start, end;
    size_t at, len;
};

struct editor {
    const char *file;
    size_t file_len;
    struct edit edits[EDITS_MAX];
    size_t nedits;
    struct strbuf repl; /* the replacement texts, one after another */
};

static void edit_end(struct editor *e, size_t start, size_t end, size_t at)
{
    if (e->nedits < EDITS_MAX)
        e->edits[e->nedits++] = (struct edit){start, end, at, e->repl.len - at};
}

static void put_decimal(struct strbuf *out, uint32_t v)
{
    char buf[12];
    size_t n = sizeof buf;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strbuf_append(out, buf + n, sizeof buf - n);
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* What the writers put after a marked record's RDATA (or at the end of the
 * admin's comment already there). */
#define MARKER_TEXT " ; " ZONE_EDIT_SPF_MARKER

bool zone_edit_text_is_spf(enum zone_kind kind, bool owner_mismatch, const char *text, size_t len)
{
    if (kind == ZONE_KIND_SPF)
        return !owner_mismatch;
    /* RFC 7208 §4.5 wants "v=spf1": a text that starts "v=spf" is a broken
     * SPF draft ("v=spf 1 -all", "v=spf2"), read back as the SPF draft so
     * that it reopens with its diagnostics. */
    static const char prefix[] = "v=spf";
    if (kind != ZONE_KIND_OTHER || !text || len < sizeof prefix - 1)
        return false;
    for (size_t i = 0; i < sizeof prefix - 1; i++)
        if (lower(text[i]) != prefix[i])
            return false;
    return true;
}

/* The comment after record r's last token on the line that token ends:
 * [*start, *end) from its ';' to the line end (a CR before the LF left
 * out).  False when the line has none. */
static bool trailing_comment(const char *f, size_t len, const struct zone_record *r, size_t *start,
                             size_t *end)
{
    size_t p = r->end;
    while (p < len && (f[p] == ' ' || f[p] == '\t'))
        p++;
    if (p >= len || f[p] != ';')
        return false;
    size_t e = p;
    while (e < len && f[e] != '\n')
        e++;
    if (e > p && f[e - 1] == '\r')
        e--;
    *start = p;
    *end = e;
    return true;
}

bool zone_edit_record_marked(const char *file, size_t len, const struct zone_record *r)
{
    static const char marker[] = ZONE_EDIT_SPF_MARKER;
    const size_t n = sizeof marker - 1;
    size_t start, end;
    if (!file || r->end > len || !trailing_comment(file, len, r, &start, &end))
        return false;
    for (size_t i = start; i + n <= end; i++) {
        size_t k = 0;
        while (k < n && lower(file[i + k]) == marker[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* Does the draft need the marker to read back as itself?  Only an SPF
 * draft whose text, read where it is written, is not SPF-like
 * (zone_edit.h, ZONE_EDIT_SPF_MARKER). */
static bool needs_marker(const struct zone_edit_draft *d)
{
    if (d->kind != ZONE_KIND_SPF)
        return false;
    char owner[ZONE_NAME_TEXT_MAX];
    size_t n = strlen(d->owner);
    if (n && d->owner[n - 1] == '.')
        n--;
    if (n > sizeof owner)
        n = sizeof owner; /* only an _dmarc/_domainkey label decides, at the start */
    for (size_t i = 0; i < n; i++)
        owner[i] = lower(d->owner[i]);
    struct zone_owner_parts parts;
    enum zone_kind kind = zone_detect_kind(owner, n, d->text, d->len, &parts);
    return !zone_edit_text_is_spf(kind, parts.mismatch, d->text, d->len);
}

/* Is the record's lowercased absolute owner the draft's owner (given with
 * or without its final dot, any case)? */
static bool owner_is(const struct zone_record *r, const char *owner)
{
    size_t n = strlen(owner);
    if (n && owner[n - 1] == '.')
        n--;
    if (r->owner_len != n + 1 || r->owner_lc[n] != '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (r->owner_lc[i] != lower(owner[i]))
            return false;
    return true;
}

/* The line end used on the line holding `at` ("\r\n" or "\n"): a file
 * written on Windows keeps its CRLF in what is rewritten or added. */
static const char *eol_at(const char *f, size_t len, size_t at)
{
    const char *nl = at < len ? memchr(f + at, '\n', len - at) : NULL;
    if (!nl)
        nl = memchr(f, '\n', len);
    return nl && nl > f && nl[-1] == '\r' ? "\r\n" : "\n";
}

static size_t line_start_of(const char *f, size_t at)
{
    while (at > 0 && f[at - 1] != '\n')
        at--;
    return at;
}

/* Blanks standing where f[from, to) is, tabs kept: text after them lines
 * up with what follows f[to] on that line. */
static void put_blanks_like(struct strbuf *out, const char *f, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        strbuf_putc(out, f[i] == '\t' ? '\t' : ' ');
}

/* The indent of continuation strings: that of the record's own second
 * string when it starts a line, else under the first string after "( ". */
static void continuation_indent(const struct zone *z, const struct zone_record *r,
                                size_t rdata_start, struct strbuf *indent)
{
    const char *f = z->file;
    if (r->nstrings > 1) {
        size_t s1 = r->strings[1].file_start, ls = line_start_of(f, s1);
        if (ls > r->strings[0].file_start) {
            bool blank = true;
            for (size_t i = ls; i < s1; i++)
                blank &= f[i] == ' ' || f[i] == '\t';
            if (blank && s1 - ls <= ALIGN_MAX) {
                strbuf_append(indent, f + ls, s1 - ls);
                return;
            }
        }
    }
    size_t ls = line_start_of(f, rdata_start);
    if (rdata_start - ls + 2 > ALIGN_MAX) {
        strbuf_puts(indent, "        ");
        return;
    }
    put_blanks_like(indent, f, ls, rdata_start);
    strbuf_puts(indent, "  ");
}

/* Rewrite record r's RDATA (and its TTL when asked) to the draft's. */
static bool rewrite_record(struct editor *e, const struct zone *z, const struct zone_record *r,
                           const struct zone_edit_draft *d, bool mark)
{
    const char *f = z->file;
    size_t at;
    if (d->set_ttl && d->ttl != r->ttl && r->dollar_ttl) {
        if (r->ttl_end > r->ttl_start) {
            at = e->repl.len;
            put_decimal(&e->repl, d->ttl);
            edit_end(e, r->ttl_start, r->ttl_end, at);
        } else {
            at = e->repl.len;
            put_decimal(&e->repl, d->ttl);
            strbuf_putc(&e->repl, ' ');
            edit_end(e, r->fields_start, r->fields_start, at);
        }
    }
    size_t rdata_start = r->type_end;
    while (rdata_start < r->end && (f[rdata_start] == ' ' || f[rdata_start] == '\t'))
        rdata_start++;
    struct strbuf indent = STRBUF_INIT;
    continuation_indent(z, r, rdata_start, &indent);
    at = e->repl.len;
    bool ok = zone_write_rdata(&e->repl, d->text, d->len, strbuf_cstr(&indent), indent.len,
                               eol_at(f, z->file_len, r->start));
    /* The marker, once: after the new RDATA, or at the end of the admin's
     * comment when the line has one (their words stay as they were). */
    size_t cstart, cend;
    bool comment = trailing_comment(f, z->file_len, r, &cstart, &cend);
    mark = mark && !zone_edit_record_marked(f, z->file_len, r);
    if (mark && !comment)
        strbuf_puts(&e->repl, MARKER_TEXT);
    edit_end(e, rdata_start, r->end, at);
    if (mark && comment) {
        at = e->repl.len;
        strbuf_puts(&e->repl, MARKER_TEXT);
        edit_end(e, cend, cend, at);
    }
    strbuf_free(&indent);
    return ok;
}

/* Add the draft as a line right after record r (the last TXT record of its
 * owner), the owner left blank so the line repeats r's owner. */
static bool add_after(struct editor *e, const struct zone *z, const struct zone_record *r,
                      const struct zone_edit_draft *d, bool mark)
{
    const char *f = z->file;
    const char *eol = eol_at(f, z->file_len, r->start);
    const char *nl = memchr(f + r->end, '\n', z->file_len - r->end);
    size_t pos = nl ? (size_t)(nl - f) + 1 : z->file_len;
    size_t at;
    at = e->repl.len;
    if (!nl)
        strbuf_puts(&e->repl, eol);
    size_t indent_start = e->repl.len;
    put_blanks_like(&e->repl, f, r->start, r->fields_start);
    if (e->repl.len == indent_start)
        strbuf_putc(&e->repl, '\t');
    put_decimal(&e->repl, d->ttl);
    strbuf_puts(&e->repl, " IN TXT ");
    struct strbuf indent = STRBUF_INIT;
    put_blanks_like(&indent, e->repl.data, indent_start, e->repl.len);
    strbuf_puts(&indent, "  ");
    bool ok = zone_write_rdata(&e->repl, d->text, d->len, strbuf_cstr(&indent), indent.len, eol);
    if (mark)
        strbuf_puts(&e->repl, MARKER_TEXT);
    strbuf_puts(&e->repl, eol);
    edit_end(e, pos, pos, at);
    strbuf_free(&indent);
    return ok;
}

/* Add the draft at the end of the file, its owner absolute: whatever the
 * file's $ORIGIN has become by then, the name is right. */
static bool add_at_end(struct editor *e, const struct zone_edit_draft *d, bool mark)
{
    const char *eol = eol_at(e->file, e->file_len, 0);
    size_t at;
    at = e->repl.len;
    if (e->file_len && e->file[e->file_len - 1] != '\n')
        strbuf_puts(&e->repl, eol);
    struct strbuf owner = STRBUF_INIT, line = STRBUF_INIT;
    strbuf_puts(&owner, d->owner);
    if (owner.len && owner.data[owner.len - 1] != '.')
        strbuf_putc(&owner, '.');
    struct zone_txt txt = {strbuf_cstr(&owner), d->ttl, d->text, d->len};
    bool ok = zone_write_txt(&line, &txt, NULL);
    for (size_t i = 0; ok && i < line.len; i++) {
        if (line.data[i] == '\n' && mark && i + 1 == line.len)
            strbuf_puts(&e->repl, MARKER_TEXT); /* on the record's last line */
        if (line.data[i] == '\n')
            strbuf_puts(&e->repl, eol);
        else
            strbuf_putc(&e->repl, line.data[i]);
    }
    edit_end(e, e->file_len, e->file_len, at);
    strbuf_free(&owner);
    strbuf_free(&line);
    return ok;
}

/* Remove a record's lines: from the start of its first line through the
 * line end after its last token (a comment there goes with it).  Refused
 * (false, nothing changed) when the next line that holds a record starts
 * with a blank owner field: that record takes its owner from this one. */
static bool remove_record(struct editor *e, const char *file, size_t len,
                          const struct zone_record *r)
{
    size_t end = r->end;
    while (end < len && file[end] != '\n')
        end++;
    if (end < len)
        end++; /* the newline (a CRLF's LF) */
    for (size_t p = end; p < len;) {
        size_t q = p;
        while (q < len && (file[q] == ' ' || file[q] == '\t'))
            q++;
        if (q < len && file[q] != '\n' && file[q] != '\r' && file[q] != ';')
            if (q > p)
                return false; /* a blank owner: it inherits this record's */
        if (q < len && file[q] != '\n' && file[q] != '\r' && file[q] != ';')
            break; /* the next record names its owner */
        while (p < len && file[p] != '\n')
            p++;
        p += p < len;
    }
    edit_end(e, r->start, end, e->repl.len);
    return true;
}

/* Is r the draft's kind?  A broken SPF draft ("v=spf 1 -all", "v=spf2")
 * saved earlier reads as no SPF record (RFC 7208 §4.5 wants "v=spf1"): it
 * is still the SPF draft's record, rewritten rather than added again
 * (zone_edit_text_is_spf; a marked one is looked for first). */
static bool kind_matches(const struct zone_record *r, const struct zone_edit_draft *d)
{
    if (r->kind == d->kind && d->kind != ZONE_KIND_SPF)
        return true;
    /* Every TXT record at _dmarc.<d> or <s>._domainkey.<d> is that draft's
     * record whatever its text says (a broken draft saved there before is
     * rewritten, not joined by a second record); drafts_from_zone reads
     * them by owner the same way. */
    if (d->kind == ZONE_KIND_DMARC || d->kind == ZONE_KIND_DKIM_KEY)
        return r->kind != ZONE_KIND_DMARC_REPORT;
    return d->kind == ZONE_KIND_SPF &&
           zone_edit_text_is_spf(r->kind, r->owner_mismatch, r->text, r->len);
}

/* More than one DNS record holds (RFC 1035 §3.2.1: RDLENGTH is 16 bits,
 * each string of at most 255 bytes costs a length octet)?  The writer's
 * own rule decides: it never splits a UTF-8 sequence, so a text of
 * multi-byte characters fits a little less.  O(len). */
static bool too_long(const struct zone_edit_draft *d)
{
    if (d->len < 60000)
        return false; /* strings of >= 252 bytes: under 65535 whatever the split */
    struct strbuf scratch = STRBUF_INIT;
    scratch.limit = 8u << 20;
    bool fits = zone_write_rdata(&scratch, d->text, d->len, "", 0, "\n") && !scratch.failed;
    strbuf_free(&scratch);
    return !fits;
}

bool zone_edit_rewrite(const char *file, size_t len, const struct zone_edit_draft *drafts,
                       size_t ndrafts, const struct zone_edit_options *opt, struct strbuf *out,
                       struct zone_edit_result *res, struct diag_list *diags)
{
    memset(res, 0, sizeof *res);
    if (ndrafts > ZONE_EDIT_DRAFTS_MAX)
        ndrafts = ZONE_EDIT_DRAFTS_MAX;
    bool ok = true;
    for (size_t i = 0; i < ndrafts; i++)
        if (drafts[i].wanted && too_long(&drafts[i])) {
            res->drafts[i].action = ZONE_EDIT_TOO_LONG;
            ok = false;
        }
    if (!ok)
        return false;

    struct zone z;
    zone_init(&z);
    struct diag_list quiet;
    diag_list_init(&quiet);
    struct diag_list *dl = diags ? diags : &quiet;
    size_t before = dl->count;
    struct editor e = {file, len, {{0, 0, 0, 0}}, 0, STRBUF_INIT};
    if (!zone_read(&z, file, len, opt ? opt->origin : NULL, dl)) {
        ok = false;
        goto done;
    }
    for (size_t i = before; i < dl->count; i++) {
        enum rule_id rule = dl->items[i].rule;
        res->zone_problems += rule == RULE_ZONE_SYNTAX || rule == RULE_ZONE_UNSUPPORTED ||
                              rule == RULE_ZONE_TOO_LARGE;
    }
    res->has_serial = z.soa_serial_end > 0;
    res->serial = z.soa_serial;

    for (size_t i = 0; i < ndrafts && ok; i++) {
        const struct zone_edit_draft *d = &drafts[i];
        struct zone_edit_outcome *o = &res->drafts[i];
        const struct zone_record *target = NULL, *last_of_owner = NULL;
        /* A marked record is the SPF draft's before any other (the first
         * when the admin copied the marker): drafts_from_zone reads the
         * same one back. */
        for (size_t k = 0; d->kind == ZONE_KIND_SPF && !target && k < z.count; k++) {
            const struct zone_record *r = &z.records[k];
            if (r->type == ZONE_TYPE_TXT && r->rclass == ZONE_CLASS_IN && owner_is(r, d->owner) &&
                zone_edit_record_marked(file, len, r))
                target = r;
        }
        for (size_t k = 0; k < z.count; k++) {
            const struct zone_record *r = &z.records[k];
            if (!owner_is(r, d->owner))
                continue;
            if (r->type == ZONE_TYPE_TXT)
                last_of_owner = r;
            if (r == target || r->type != ZONE_TYPE_TXT || r->rclass != ZONE_CLASS_IN)
                continue;
            if (!kind_matches(r, d) &&
                !(d->kind == ZONE_KIND_SPF && zone_edit_record_marked(file, len, r)))
                continue;
            if (!target) {
                target = r;
            } else if (o->others++ == 0) {
                o->other_line = r->line;
            }
        }
        o->line = target ? target->line : 0;
        if (!d->wanted) {
            o->action = target ? ZONE_EDIT_LEFT : ZONE_EDIT_NONE;
            /* Not when more records of its kind are at its name: the
             * next would reopen as the draft, and the next save remove it
             * too, one record the user never saw at a time.  All are left
             * (others says so). */
            if (target && d->remove && o->others == 0 && remove_record(&e, file, len, target)) {
                o->action = ZONE_EDIT_REMOVED;
                res->changes++;
            }
            continue;
        }
        if (target) {
            /* Without a $TTL before it, a record's TTL is also the TTL of
             * the records after it that state none (RFC 1035 §5.1): then
             * its TTL is kept and the caller told. */
            bool ttl_differs = d->set_ttl && d->ttl != target->ttl;
            o->ttl_kept = ttl_differs && !target->dollar_ttl;
            bool same = target->len == d->len && memcmp(target->text, d->text, d->len) == 0 &&
                        !(ttl_differs && target->dollar_ttl);
            if (same) {
                o->action = ZONE_EDIT_KEPT;
                continue;
            }
            ok = rewrite_record(&e, &z, target, d, needs_marker(d));
            o->action = ZONE_EDIT_REWRITTEN;
        } else if (last_of_owner && last_of_owner->dollar_ttl &&
                   last_of_owner->rclass == ZONE_CLASS_IN) {
            /* Beside its owner's records, unless the class in force there
             * is not IN: the added record states IN, and a record after
             * it that omits its class would then be read as IN too (RFC
             * 1035 §5.1), so it goes at the end instead (fuzz_zone_edit
             * found it). */
            ok = add_after(&e, &z, last_of_owner, d, needs_marker(d));
            o->action = ZONE_EDIT_ADDED;
        } else {
            ok = add_at_end(&e, d, needs_marker(d));
            o->action = ZONE_EDIT_ADDED;
        }
        res->changes++;
    }
    if (ok && opt && opt->bump_serial && res->has_serial) {
        size_t at;
        at = e.repl.len;
        put_decimal(&e.repl, opt->new_serial);
        edit_end(&e, z.soa_serial_start, z.soa_serial_end, at);
        res->serial_bumped = true;
    }
    if (!ok || e.repl.failed)
        goto fail;

    /* Apply in file order; an insertion before a replacement at the same
     * place (insertion sort keeps the order they were made in). */
    for (size_t i = 1; i < e.nedits; i++) {
        struct edit x = e.edits[i];
        size_t j = i;
        while (j > 0 && e.edits[j - 1].start > x.start)
            e.edits[j] = e.edits[j - 1], j--;
        e.edits[j] = x;
    }
    size_t out_start = out->len, pos = 0;
    for (size_t i = 0; i < e.nedits; i++) {
        const struct edit *x = &e.edits[i];
        if (x->start < pos) /* overlapping spans cannot happen; never garble a file */
            goto fail;
        strbuf_append(out, file + pos, x->start - pos);
        if (x->len)
            strbuf_append(out, e.repl.data + x->at, x->len);
        pos = x->end;
    }
    strbuf_append(out, file + pos, len - pos);
    if (out->failed) {
        out->len = out_start;
        goto fail;
    }
    goto done;
fail:
    ok = false;
    res->serial_bumped = false;
done:
    strbuf_free(&e.repl);
    diag_list_free(&quiet);
    zone_free(&z);
    return ok;
}

/* RFC 1982 §3.2: is a greater than b in serial number arithmetic? */
static bool serial_greater(uint32_t a, uint32_t b)
{
    return (a < b && b - a > 0x80000000u) || (a > b && a - b < 0x80000000u);
}

/* A date YYYYMMDD that could be a zone's (year from 1990). */
static bool looks_like_date(uint32_t date)
{
    uint32_t year = date / 10000, month = date / 100 % 100, day = date % 100;
    return year >= 1990 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

uint32_t zone_edit_serial_next(uint32_t serial, uint32_t today)
{
    uint32_t next = serial + 1u; /* RFC 1982 §3.1: modulo 2^32 */
    uint32_t date = serial / 100;
    if (serial >= 1000000000u && looks_like_date(date) && looks_like_date(today) && date <= today) {
        uint32_t dated = today * 100u + 1u;
        if (serial_greater(dated, serial))
            return dated;
    }
    return next;
}

bool zone_edit_fragment(const char *domain, const struct zone_edit_draft *drafts, size_t ndrafts,
                        struct strbuf *out, struct zone_edit_result *res)
{
    memset(res, 0, sizeof *res);
    if (ndrafts > ZONE_EDIT_DRAFTS_MAX)
        ndrafts = ZONE_EDIT_DRAFTS_MAX;
    bool ok = true;
    for (size_t i = 0; i < ndrafts; i++)
        if (drafts[i].wanted && too_long(&drafts[i])) {
            res->drafts[i].action = ZONE_EDIT_TOO_LONG;
            ok = false;
        }
    if (!ok)
        return false;
    size_t out_start = out->len;
    strbuf_printf(out, "; SPF, DMARC and DKIM records for %s, written by authtxt.\n", domain);
    strbuf_puts(out, "; Each record carries its own TTL.  Check them with: authtxt lint --zone "
                     "FILE\n");
    struct strbuf owner = STRBUF_INIT;
    for (size_t i = 0; i < ndrafts && ok; i++) {
        const struct zone_edit_draft *d = &drafts[i];
        if (!d->wanted)
            continue;
        strbuf_reset(&owner);
        strbuf_puts(&owner, d->owner);
        if (owner.len && owner.data[owner.len - 1] != '.')
            strbuf_putc(&owner, '.');
        struct zone_txt txt = {strbuf_cstr(&owner), d->ttl, d->text, d->len};
        ok = zone_write_txt(out, &txt, NULL);
        if (ok && needs_marker(d) && out->len && out->data[out->len - 1] == '\n') {
            out->len--; /* the marker goes on the record's last line */
            strbuf_puts(out, MARKER_TEXT "\n");
        }
        res->drafts[i].action = ZONE_EDIT_ADDED;
        res->changes++;
    }
    strbuf_free(&owner);
    if (!ok || out->failed) {
        out->len = out_start;
        return false;
    }
    return true;
}
