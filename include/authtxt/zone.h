/* Zone-file fragments: reading the TXT records of a master file (RFC 1035
 * §5.1) with exact file positions, telling which email-authentication
 * record each one is, and writing records back as zone lines.
 *
 * Pure: zone_read works on a caller's buffer (the caller reads the file),
 * zone_write_* append to a strbuf.  Reading never gives up: a malformed
 * entry gets a zone-syntax diagnostic (a file-offset span) and is skipped,
 * and the reader goes on with the next line.  Cost: O(file size), no
 * allocation per byte or per token; memory is reused across reads.
 *
 * NULL diagnostics.  Every call here that takes a `struct diag_list *`
 * (diags, why, out) accepts NULL: it does the same work and reports
 * nothing. */
#ifndef AUTHTXT_ZONE_H
#define AUTHTXT_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authtxt/diag.h"
#include "authtxt/record.h"
#include "authtxt/strbuf.h"

/* Caps against hostile files.  Past each one a zone-too-large diagnostic
 * says what was not read. */
#define ZONE_FILE_MAX (64u << 20) /* bytes in a file: larger is not read */
#define ZONE_RECORDS_MAX 1000000u /* TXT records kept from one file */
#define ZONE_STRINGS_MAX 1024u    /* character-strings in one record */
#define ZONE_RDATA_MAX 65535u     /* RFC 1035 §3.2.1: RDLENGTH is 16 bits */
#define ZONE_STRING_MAX 255u      /* RFC 1035 §3.3: one length octet */
#define ZONE_NAME_TEXT_MAX 1024u  /* a name as written (escapes included) */
#define ZONE_TTL_MAX 2147483647u  /* RFC 2181 §8 */
#define ZONE_DEFAULT_TTL 3600u    /* when the file gives none (zone-no-ttl) */

enum { ZONE_CLASS_IN = 1, ZONE_CLASS_CH = 3, ZONE_CLASS_HS = 4 };
enum { ZONE_TYPE_SOA = 6, ZONE_TYPE_TXT = 16, ZONE_TYPE_SPF = 99 };

/* What a TXT record is, from its owner name and its text. */
enum zone_kind {
    ZONE_KIND_OTHER = 0,    /* a TXT record of no concern (site verification...) */
    ZONE_KIND_SPF,          /* v=spf1 */
    ZONE_KIND_DMARC,        /* v=DMARC1, or any text at _dmarc.<domain> */
    ZONE_KIND_DMARC_REPORT, /* <domain>._report._dmarc.<host>: report authorization */
    ZONE_KIND_DKIM_KEY,     /* v=DKIM1 or key tags, or any text at <sel>._domainkey.<d> */
    ZONE_KIND_SENDER_ID,    /* spf2.0/...: RFC 4406, historic */
};

/* "spf", "dmarc", "dmarc-report", "dkim", "sender-id", "other". */
const char *zone_kind_name(enum zone_kind kind);
/* The record kind to analyze it as (record.h); RECORD_UNKNOWN for the kinds
 * no linter checks (other, sender-id, and report authorizations, which hold
 * only v=DMARC1 and are not policies). */
enum record_kind zone_kind_record_kind(enum zone_kind kind);

/* Where the parts of an owner name are, as slices of the name passed to
 * zone_detect_kind (no final dot; empty slices have len 0). */
struct zone_owner_parts {
    size_t domain_start, domain_len;     /* the domain the record belongs to */
    size_t selector_start, selector_len; /* DKIM: "s1" of s1._domainkey.d */
    size_t report_start, report_len;     /* report authorization: the domain
                                            authorized ("*" for all) */
    /* The owner does not fit the kind: v=DMARC1 not under _dmarc, a key
     * not under _domainkey, SPF at either. */
    bool mismatch;
};

/* Tell the kind of a TXT record.  `owner` is a lowercase name, absolute or
 * not (a final dot is ignored); `text` the joined strings.  The content
 * decides when it carries a version (v=spf1, spf2.0/, v=DMARC1, v=DKIM1),
 * else the owner (_dmarc, _domainkey, _report._dmarc), else DKIM key tags
 * (p=).  `parts` may be NULL.  O(owner_len + len), no allocation. */
enum zone_kind zone_detect_kind(const char *owner, size_t owner_len, const char *text, size_t len,
                                struct zone_owner_parts *parts);

/* One character-string of a record.  Offsets fit 32 bits because a file
 * is at most ZONE_FILE_MAX bytes. */
struct zone_string {
    uint32_t start, len;           /* the decoded bytes in the record's text */
    uint32_t file_start, file_end; /* the token in the file, quotes included */
};

/* One TXT (or SPF-type) record.  Its pointers point into the zone (text
 * maybe into the file) and stay valid until the next zone_read, zone_open,
 * zone_next, zone_reset or zone_free. */
struct zone_record {
    const char *owner;    /* absolute, final dot, as written: "S1._domainkey.Example.com." */
    const char *owner_lc; /* the same, ASCII-lowercased, for matching */
    size_t owner_len;
    const char *domain;        /* lowercase, no final dot: "example.com" */
    const char *selector;      /* DKIM key selector ("" when none) */
    const char *report_domain; /* report authorization: the authorized domain ("" else) */
    enum zone_kind kind;
    bool owner_mismatch; /* see zone_owner_parts.mismatch */
    uint32_t ttl;
    uint16_t rclass; /* ZONE_CLASS_IN, or CH/HS/CLASSnnn (zone-class given) */
    uint16_t type;   /* ZONE_TYPE_TXT, or ZONE_TYPE_SPF (read as TXT) */
    /* The strings decoded and joined: len bytes, not NUL-terminated, may
     * hold NUL bytes.  A single string with no escape points straight into
     * the file buffer (no copy), so the buffer must outlive the records. */
    const char *text;
    size_t len;
    const struct zone_string *strings; /* nstrings >= 1 */
    size_t nstrings;
    size_t line;       /* 1-based line of the record's first line */
    size_t start, end; /* file span: start of that line .. end of the last token */
    /* Where its fields are written, for rewriting it in place (zone_edit.h):
     * the first token after the owner (TTL, class or type), the TTL token
     * (ttl_start == ttl_end: none written), the end of the type token. */
    uint32_t fields_start, ttl_start, ttl_end, type_end;
    bool owner_written; /* false: the line starts blank and repeats the owner */
    bool dollar_ttl;    /* a $TTL line came before it (RFC 2308 §4) */
    struct {           /* internal: where the fields live while reading */
        size_t names, text, strings;
        bool text_in_file, lc_shared;
    } at;
};

/* A position in the file: byte offset, 1-based line and 1-based byte column
 * (the CLI's convention). */
struct zone_location {
    size_t offset, line, column;
};

struct zone_reader;

struct zone_checkpoint {
    size_t offset, line; /* a line start, for zone_locate */
};

/* The TXT records of one file.  Only `records`/`count` (and `file`) are for
 * readers; the rest is the reader's reusable memory. */
struct zone {
    struct zone_record *records;
    size_t count;
    const char *file; /* the buffer given to zone_read: borrowed, never copied */
    size_t file_len;
    size_t lines; /* lines in the file */
    /* The first SOA record's serial (RFC 1035 §3.3.13) as a file span, when
     * it is a decimal number of 32 bits; soa_serial_end == 0: none. */
    size_t soa_serial_start, soa_serial_end;
    uint32_t soa_serial;
    /* private */
    size_t records_cap;
    struct zone_string *strings;
    size_t nstrings, strings_cap;
    char *text;
    size_t text_len, text_cap;
    char *names;
    size_t names_len, names_cap;
    struct zone_checkpoint *checkpoints;
    size_t ncheckpoints, checkpoints_cap;
    struct zone_reader *reader; /* state kept between zone_next calls */
    bool oom;
};

void zone_init(struct zone *z);
void zone_reset(struct zone *z); /* no records; keeps the memory */
void zone_free(struct zone *z);

/* Read the TXT records of file[0..len) into z (reset first).  `origin` is
 * the $ORIGIN in force before the file says one ("example.com." or
 * "example.com"), or NULL for none: relative names then need a $ORIGIN.
 * Problems go to diags (zone-syntax, zone-string-too-long, zone-too-large,
 * zone-unsupported, zone-class, zone-spf-type, zone-no-ttl) with spans that
 * are byte offsets in `file`.  z borrows `file`, never copies it: record
 * texts of one plain string point into it, and the position functions
 * read it, so keep it alive and unchanged while z is used.  Returns false
 * only when out of memory (the records read so far are kept).  O(len)
 * time; memory besides the file: about 150 bytes a record plus its owner
 * names and any joined text (the 60,000-record bench zone: 17 MB, where a
 * zone_next pass needs a few KiB). */
bool zone_read(struct zone *z, const char *file, size_t len, const char *origin,
               struct diag_list *diags);

/* Streaming, for files of any size in little memory (`lint --zone`):
 * zone_open starts reading (same arguments and diagnostics as zone_read),
 * zone_next returns the next TXT record, or NULL at the end of the file
 * (or when out of memory: z->oom).  The record and its strings live until
 * the next zone_next, zone_read, zone_reset or zone_free; z->records and
 * z->count hold just that record.  Memory is that of the largest record,
 * whatever the file's size; ZONE_RECORDS_MAX does not apply.  The position
 * functions below work on the record returned (and zone_locate on any
 * offset) while the file buffer lives.  O(file size) over all calls. */
bool zone_open(struct zone *z, const char *file, size_t len, const char *origin,
               struct diag_list *diags);
const struct zone_record *zone_next(struct zone *z, struct diag_list *diags);

/* The file offset of byte `offset` (0..r->len) of a record's joined text:
 * the byte's own position (an escape's backslash), or for offset == r->len
 * the end of the last string's content.  O(length of one string). */
size_t zone_record_file_offset(const struct zone *z, const struct zone_record *r, size_t offset);
/* The file span of the text span [start, end): the end is past the whole
 * representation of byte end-1 (past "\123" for an escape). */
void zone_record_file_span(const struct zone *z, const struct zone_record *r, size_t start,
                           size_t end, size_t *file_start, size_t *file_end);
/* Line and column of a record's text offset.  O(record span in the file). */
void zone_record_locate(const struct zone *z, const struct zone_record *r, size_t offset,
                        struct zone_location *loc);
/* Line and column of any file offset (a zone-syntax span).  O(64 KiB +
 * the line's length) at worst: the reader keeps a checkpoint every 64 KiB. */
void zone_locate(const struct zone *z, size_t file_offset, struct zone_location *loc);

/* Has the reader, so far, a TTL for records that state none ($TTL, or an
 * earlier record's TTL), or said there is none (zone-no-ttl, told once)?
 * A caller reading a zone in parts uses it not to repeat, or wrongly
 * give, that note in a later part. */
bool zone_ttl_settled(const struct zone *z);
/* Append a record's diagnostics (spans in r->text) to `to` with spans moved
 * to file offsets, severity and message kept: then one list, sorted, can
 * be shown against the file.  O(diags x string length). */
void zone_record_map_diags(const struct zone *z, const struct zone_record *r,
                           const struct diag_list *from, struct diag_list *to);

/* --- writing ------------------------------------------------------------ */

/* One record to write: owner as a presentation-form name ("example.com",
 * "_dmarc.example.com." or "s1._domainkey.example.com"; absolute, the final
 * dot is optional), its TTL and its text (any bytes). */
struct zone_txt {
    const char *owner;
    uint32_t ttl;
    const char *text;
    size_t len;
};

/* Append "$ORIGIN <origin>.\n" (a final dot added if missing). */
void zone_write_origin(struct strbuf *out, const char *origin);
/* Append "$TTL <ttl>\n". */
void zone_write_ttl(struct strbuf *out, uint32_t ttl);
/* Append one TXT record as zone text:
 *     _dmarc.example.com. 3600 IN TXT "v=DMARC1; p=reject"
 * The owner is written relative to `origin` when it is under it ("@" for
 * the origin itself; origin NULL: always absolute).  The text is split into
 * character-strings of at most 255 bytes, never inside a UTF-8 sequence;
 * '"' and '\' are escaped, bytes outside printable ASCII written as \DDD;
 * several strings go one per line inside parentheses.  Bytes of the owner
 * that would end the name (space, ';', '(', ')', '"', controls), a leading
 * '$' and a lone "@" label are written as \DDD (and read back in that
 * form); a '\' in it is kept as the presentation escape it already is;
 * bytes from 0x80 (UTF-8 names) are kept.  So zone_read gives back the
 * owner as given (absolute, final dot), the TTL and the text.  Returns
 * false (and writes nothing) for an empty owner, a TTL over ZONE_TTL_MAX or
 * a text too long for one record (ZONE_RDATA_MAX); check out->failed for
 * the strbuf's own cap.  O(len). */
bool zone_write_txt(struct strbuf *out, const struct zone_txt *rec, const char *origin);
/* Only the RDATA of a TXT record, as zone_write_txt writes it: one quoted
 * string, or "( " and the 255-byte strings one per line, each continuation
 * line ended by `eol` ("\n" or "\r\n") and started by indent[0..indent_len),
 * then " )".  No line end after it.  False (nothing written) for a text too
 * long for one record.  O(len). */
bool zone_write_rdata(struct strbuf *out, const char *text, size_t len, const char *indent,
                      size_t indent_len, const char *eol);
/* "$ORIGIN" (when origin is not NULL) and every record; false when one
 * record could not be written (the others are). */
bool zone_write(struct strbuf *out, const struct zone_txt *recs, size_t n, const char *origin);

#endif
