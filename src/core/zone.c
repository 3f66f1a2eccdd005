/* Reading the TXT records of a zone file (RFC 1035 §5.1 master format) with
 * exact file positions, for `authtxt lint --zone` and for loading drafts.
 *
 * Why not ldns (libldns-dev 1.8.3 is installed; checked before writing this):
 * - it reads a FILE* (ldns_rr_new_frm_fp_l, ldns_zone_new_frm_fp_l) and gives
 *   only a line number, counted at the end of the RR; no byte offset of an
 *   RR, let alone of each character-string, and decoded strings (\DDD, \")
 *   cannot be mapped back to the file.  The core works on a buffer and must
 *   map each byte of a record's text to file:line:column.
 * - it accepts broken input silently: an unterminated quote is closed at the
 *   end of the line, an unclosed '(' swallows the next records as TXT
 *   strings ("unbalanced" "v" "IN" "TXT" "last"), a 256-byte string is only
 *   "could not parse the RR's rdata"; ldns_zone_new_frm_fp_l stops at the
 *   first error.  A linter must name the problem and go on.
 * - measured on the 60,000-record bench zone (10.5 MB, tests/bench/gen_zone.py):
 *   ldns takes 237 ms just to read it, the whole budget of `lint --zone`;
 *   this reader 12 ms (warm), 17-20 ms for a first zone_open/zone_next pass.
 * ldns does keep string boundaries and handles $ORIGIN/$TTL/parentheses;
 * the grammar below is the same RFC 1035 §5.1 one.
 *
 * Positions: each record keeps its first line and start offset, each string
 * its token's file span; a text offset is mapped by walking that one
 * string's escapes again (no per-byte table).  Line numbers of arbitrary
 * offsets come from a checkpoint every 64 KiB. */
#include "authtxt/zone.h"

#include <stdlib.h>
#include <string.h>

#define CHECKPOINT_EVERY 65536u /* bytes between line checkpoints */
#define NAME_BUF (ZONE_NAME_TEXT_MAX + 2)
#define WIRE_NAME_MAX 255u /* RFC 1035 §2.3.4 */
#define WIRE_LABEL_MAX 63u
#define SHOW_MAX 40 /* bytes of a token quoted in a message */

/* The reader's state: the lexer's position, the entry being read, and
 * what carries from entry to entry. */
struct zone_reader {
    struct zone *z;
    struct diag_list *diags;
    const char *s;
    size_t len;
    size_t pos;
    size_t line; /* line of pos, from 1 */
    size_t last_checkpoint;

    /* the entry being read */
    size_t depth; /* 1 inside parentheses */
    size_t paren_pos, paren_line;
    bool bad;       /* the entry has had its error: skip it quietly */
    size_t tok_end; /* end of the entry's last token or parenthesis */

    /* state carried from entry to entry (RFC 1035 §5.1) */
    char origin[NAME_BUF];
    size_t origin_len, origin_wire; /* origin_len 0: no $ORIGIN */
    char owner[NAME_BUF];
    size_t owner_len; /* 0: no previous owner */
    uint32_t dollar_ttl, last_ttl;
    bool have_dollar_ttl, have_last_ttl, told_no_ttl, full;
    unsigned last_class;

    bool open;      /* zone_next has more to read */
    bool streaming; /* zone_next: no ZONE_RECORDS_MAX, buffers reused */

    /* the names block of the last record stored, shared by the next one
     * when owner and kind are the same */
    size_t shared_names, shared_len;
    enum zone_kind shared_kind;
    bool shared_upper, have_shared;
};

void zone_init(struct zone *z) { memset(z, 0, sizeof *z); }

void zone_reset(struct zone *z)
{
    z->count = 0;
    z->nstrings = 0;
    z->text_len = 0;
    z->names_len = 0;
    z->ncheckpoints = 0;
    z->file = NULL;
    z->file_len = 0;
    z->lines = 0;
    z->soa_serial_start = z->soa_serial_end = 0;
    z->soa_serial = 0;
    z->oom = false;
    if (z->reader)
        z->reader->open = false;
}

void zone_free(struct zone *z)
{
    free(z->records);
    free(z->strings);
    free(z->text);
    free(z->names);
    free(z->checkpoints);
    free(z->reader);
    zone_init(z);
}

/* Grow *p (an array of `elem`-byte items with *cap room) to hold `need`
 * items.  Sizes double; multiplication is overflow-checked. */
static bool reserve(void **p, size_t *cap, size_t need, size_t elem, size_t min)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : min;
    while (n < need) {
        if (n > (size_t)-1 / 2)
            return false;
        n *= 2;
    }
    if (n > (size_t)-1 / elem)
        return false;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* --- small ASCII helpers (no locale) ------------------------------------- */

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static unsigned char upper(unsigned char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(unsigned char c) { return lower(c) >= 'a' && lower(c) <= 'z'; }
static int show(size_t n) { return n > SHOW_MAX ? SHOW_MAX : (int)n; }

static bool equal_ci(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n != k)
        return false;
    for (size_t i = 0; i < n; i++)
        if (upper((unsigned char)s[i]) != (unsigned char)word[i])
            return false;
    return true;
}

/* "PREFIXnnn" with nnn a decimal number up to 65535 (RFC 3597 §5). */
static bool generic_number(const char *s, size_t n, const char *prefix, unsigned *value)
{
    size_t k = strlen(prefix);
    if (n <= k || n > k + 5)
        return false;
    for (size_t i = 0; i < k; i++)
        if (upper((unsigned char)s[i]) != (unsigned char)prefix[i])
            return false;
    unsigned v = 0;
    for (size_t i = k; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return false;
    *value = v;
    return true;
}

/* RFC 1035 §3.2.4 classes; 0 when the word is none. */
static unsigned class_lookup(const char *s, size_t n)
{
    unsigned v;
    if (equal_ci(s, n, "IN"))
        return ZONE_CLASS_IN;
    if (equal_ci(s, n, "CS"))
        return 2;
    if (equal_ci(s, n, "CH"))
        return ZONE_CLASS_CH;
    if (equal_ci(s, n, "HS"))
        return ZONE_CLASS_HS;
    if (generic_number(s, n, "CLASS", &v) && v > 0)
        return v;
    return 0;
}

struct rr_type {
    const char *name;
    unsigned code;
};

/* IANA RR type mnemonics, sorted for bsearch.  Any of them is skipped
 * correctly; a word that is none of them is a typo worth reporting. */
static const struct rr_type rr_types[] = {
    {"A", 1},         {"A6", 38},         {"AAAA", 28},   {"AFSDB", 18},      {"AMTRELAY", 260},
    {"APL", 42},      {"ATMA", 34},       {"AVC", 258},   {"CAA", 257},       {"CDNSKEY", 60},
    {"CDS", 59},      {"CERT", 37},       {"CNAME", 5},   {"CSYNC", 62},      {"DHCID", 49},
    {"DLV", 32769},   {"DNAME", 39},      {"DNSKEY", 48}, {"DOA", 259},       {"DS", 43},
    {"DSYNC", 66},    {"EID", 31},        {"EUI48", 108}, {"EUI64", 109},     {"GID", 102},
    {"GPOS", 27},     {"HINFO", 13},      {"HIP", 55},    {"HTTPS", 65},      {"IPSECKEY", 45},
    {"ISDN", 20},     {"KEY", 25},        {"KX", 36},     {"L32", 105},       {"L64", 106},
    {"LOC", 29},      {"LP", 107},        {"MB", 7},      {"MD", 3},          {"MF", 4},
    {"MG", 8},        {"MINFO", 14},      {"MR", 9},      {"MX", 15},         {"NAPTR", 35},
    {"NID", 104},     {"NIMLOC", 32},     {"NINFO", 56},  {"NS", 2},          {"NSAP", 22},
    {"NSAP-PTR", 23}, {"NSEC", 47},       {"NSEC3", 50},  {"NSEC3PARAM", 51}, {"NULL", 10},
    {"NXT", 30},      {"OPENPGPKEY", 61}, {"PTR", 12},    {"PX", 26},         {"RESINFO", 261},
    {"RKEY", 57},     {"RP", 17},         {"RRSIG", 46},  {"RT", 21},         {"SIG", 24},
    {"SINK", 40},     {"SMIMEA", 53},     {"SOA", 6},     {"SPF", 99},        {"SRV", 33},
    {"SSHFP", 44},    {"SVCB", 64},       {"TA", 32768},  {"TALINK", 58},     {"TLSA", 52},
    {"TXT", 16},      {"UID", 101},       {"UINFO", 100}, {"UNSPEC", 103},    {"URI", 256},
    {"WALLET", 262},  {"WKS", 11},        {"X25", 19},    {"ZONEMD", 63},
};

/* The type code of a mnemonic or TYPEnnn; 0 when the word is no type. */
static unsigned type_lookup(const char *s, size_t n)
{
    unsigned v;
    if (n == 3 && upper((unsigned char)s[0]) == 'T' && upper((unsigned char)s[1]) == 'X' &&
        upper((unsigned char)s[2]) == 'T')
        return ZONE_TYPE_TXT; /* the one that matters, first */
    if (generic_number(s, n, "TYPE", &v))
        return v;
    if (n == 0 || n > 10)
        return 0;
    size_t lo = 0, hi = sizeof rr_types / sizeof *rr_types;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *name = rr_types[mid].name;
        int cmp = 0;
        size_t i = 0;
        for (; i < n && name[i]; i++) {
            cmp = (int)upper((unsigned char)s[i]) - (int)(unsigned char)name[i];
            if (cmp)
                break;
        }
        if (!cmp)
            cmp = i < n ? 1 : name[i] ? -1 : 0;
        if (!cmp)
            return rr_types[mid].code;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* A TTL: seconds, or BIND-style units 1w2d3h4m5s (RFC 2308 §4 names the
 * $TTL directive; units are what every server accepts).  False when the
 * word is not one or does not fit 32 bits. */
static bool ttl_parse(const char *s, size_t n, uint32_t *out)
{
    uint64_t total = 0, cur = 0;
    bool digits = false, units = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_digit(c)) {
            cur = cur * 10 + (c - '0');
            if (cur > 0xffffffffu)
                return false;
            digits = true;
            continue;
        }
        uint64_t unit;
        switch (lower(c)) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 604800;
            break;
        default:
            return false;
        }
        if (!digits)
            return false;
        total += cur * unit;
        if (total > 0xffffffffu)
            return false;
        cur = 0;
        digits = false;
        units = true;
    }
    if (digits && units)
        return false; /* "1h30": a number after units has no unit */
    if (!digits && !units)
        return false;
    total += cur;
    if (total > 0xffffffffu)
        return false;
    *out = (uint32_t)total;
    return true;
}

/* --- the reader ----------------------------------------------------------- */

enum token_kind { TOKEN_WORD, TOKEN_QUOTED, TOKEN_END };

struct token {
    enum token_kind kind;
    size_t start, end; /* a quoted token includes its quotes */
};

static void reader_oom(struct zone_reader *r) { r->z->oom = true; }

static void checkpoint(struct zone_reader *r, size_t offset)
{
    struct zone *z = r->z;
    if (!reserve((void **)&z->checkpoints, &z->checkpoints_cap, z->ncheckpoints + 1,
                 sizeof *z->checkpoints, 64)) {
        reader_oom(r);
        return;
    }
    z->checkpoints[z->ncheckpoints++] = (struct zone_checkpoint){offset, r->line};
    r->last_checkpoint = offset;
}

/* The byte at nl is a line feed that has just been passed. */
static void newline(struct zone_reader *r, size_t nl)
{
    r->line++;
    if (nl + 1 - r->last_checkpoint >= CHECKPOINT_EVERY)
        checkpoint(r, nl + 1);
}

/* The entry's error: one diagnostic per entry, the rest of it is skipped. */
static void entry_error(struct zone_reader *r, enum rule_id rule, size_t start, size_t end,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void entry_error(struct zone_reader *r, enum rule_id rule, size_t start, size_t end,
                        const char *fmt, ...)
{
    if (!r->bad) {
        va_list ap;
        va_start(ap, fmt);
        diag_addv(r->diags, rule, start, end, fmt, ap);
        va_end(ap);
    }
    r->bad = true;
}

/* Word characters: everything but blanks, line ends and the specials of
 * RFC 1035 §5.1 (";" comment, "(" ")" grouping, '"' quoting). */
static const bool delimiters[256] = {
    [' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
    [';'] = true, ['('] = true,  [')'] = true,  ['"'] = true,
};

static bool is_delimiter(unsigned char c) { return delimiters[c]; }

static bool is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* End of the word starting at p, not crossing a line end (for look-ahead). */
static size_t word_end_on_line(const char *s, size_t len, size_t p)
{
    while (p < len && !is_delimiter((unsigned char)s[p])) {
        if (s[p] == '\\' && p + 1 < len && s[p + 1] != '\n')
            p++;
        p++;
    }
    return p;
}

/* The first '"', '\\' or line end at or after q in a quoted string (len
 * when none).  memchr runs vectorized: a 400-byte key string is three short
 * scans rather than 400 trips through a byte loop. */
static size_t quoted_stop(const char *s, size_t q, size_t len)
{
    const char *quote = memchr(s + q, '"', len - q);
    size_t end = quote ? (size_t)(quote - s) : len;
    const char *nl = memchr(s + q, '\n', end - q);
    if (nl)
        end = (size_t)(nl - s);
    const char *bs = memchr(s + q, '\\', end - q);
    return bs ? (size_t)(bs - s) : end;
}

/* Inside parentheses, does the line at p start a new record?  An owner in
 * column 1 followed by [TTL] [class] and a known type, or a $ directive:
 * then the '(' before was never closed.  Continuation lines ("p=..." ),
 * "3600 )") never look like that.  Reads at most one line. */
static bool starts_record(const char *s, size_t len, size_t p)
{
    if (p >= len)
        return false;
    unsigned char c = (unsigned char)s[p];
    if (c == '$')
        return p + 1 < len && is_alpha((unsigned char)s[p + 1]);
    if (is_delimiter(c))
        return false;
    p = word_end_on_line(s, len, p);
    for (int fields = 0; fields < 3; fields++) {
        size_t q = p;
        while (q < len && (s[q] == ' ' || s[q] == '\t'))
            q++;
        if (q == p || q >= len || is_delimiter((unsigned char)s[q]))
            return false;
        p = word_end_on_line(s, len, q);
        uint32_t ttl;
        if (class_lookup(s + q, p - q) || ttl_parse(s + q, p - q, &ttl))
            continue;
        return type_lookup(s + q, p - q) != 0;
    }
    return false;
}

/* The next token of the entry.  Blanks, comments and (inside parentheses)
 * line ends are skipped; the entry ends at a line end outside parentheses
 * (consumed), at the end of the file, or before a line that starts a new
 * record while a '(' is open. */
static void next_token(struct zone_reader *r, struct token *t)
{
    const char *s = r->s;
    for (;;) {
        if (r->pos >= r->len) {
            if (r->depth)
                entry_error(r, RULE_ZONE_SYNTAX, r->paren_pos, r->paren_pos + 1,
                            "unbalanced parenthesis: the '(' on line %zu is never closed; "
                            "add ')' after the last string",
                            r->paren_line);
            r->depth = 0;
            *t = (struct token){TOKEN_END, r->len, r->len};
            return;
        }
        size_t p = r->pos;
        switch (s[p]) {
        case ' ':
        case '\t':
        case '\r':
            do /* alignment runs are long: skip them in one tight loop */
                p++;
            while (p < r->len && (s[p] == ' ' || s[p] == '\t'));
            r->pos = p;
            continue;
        case ';': {
            const char *nl = memchr(s + p, '\n', r->len - p);
            r->pos = nl ? (size_t)(nl - s) : r->len;
            continue;
        }
        case '\n':
            r->pos++;
            newline(r, p);
            if (!r->depth) {
                *t = (struct token){TOKEN_END, p, p};
                return;
            }
            if (starts_record(s, r->len, r->pos)) {
                entry_error(r, RULE_ZONE_SYNTAX, r->paren_pos, r->paren_pos + 1,
                            "unbalanced parenthesis: the '(' on line %zu is not closed before "
                            "line %zu starts a new record; add ')' after the last string",
                            r->paren_line, r->line);
                r->depth = 0;
                *t = (struct token){TOKEN_END, r->pos, r->pos};
                return;
            }
            continue;
        case '(':
            if (r->depth)
                entry_error(r, RULE_ZONE_SYNTAX, p, p + 1,
                            "a second '(' inside the parentheses opened on line %zu: "
                            "parentheses do not nest",
                            r->paren_line);
            else {
                r->depth = 1;
                r->paren_pos = p;
                r->paren_line = r->line;
            }
            r->pos++;
            r->tok_end = r->pos;
            continue;
        case ')':
            if (!r->depth)
                entry_error(r, RULE_ZONE_SYNTAX, p, p + 1,
                            "unbalanced parenthesis: ')' without a '(' before it");
            r->depth = 0;
            r->pos++;
            r->tok_end = r->pos;
            continue;
        case '"': {
            size_t q = p + 1, quote_line = r->line;
            for (;;) {
                q = quoted_stop(s, q, r->len);
                if (q >= r->len) {
                    entry_error(r, RULE_ZONE_SYNTAX, p, r->len,
                                "unterminated quoted string: the '\"' on line %zu is never "
                                "closed; add the closing '\"'",
                                quote_line);
                    break;
                }
                if (s[q] == '"') {
                    q++;
                    break;
                }
                if (s[q] == '\n') {
                    size_t e = q > p + 1 && s[q - 1] == '\r' ? q - 1 : q;
                    entry_error(r, RULE_ZONE_SYNTAX, p, e,
                                "unterminated quoted string: add the closing '\"' before the "
                                "end of line %zu (a string cannot span lines)",
                                r->line);
                    break; /* the line end is read as such */
                }
                /* RFC 1035 §5.1: "\X" quotes X, a line end included. */
                if (q + 1 < r->len && s[q + 1] == '\n')
                    newline(r, q + 1);
                q = q + 2 > r->len ? r->len : q + 2;
            }
            r->pos = q;
            r->tok_end = q;
            *t = (struct token){TOKEN_QUOTED, p, q};
            return;
        }
        default: {
            size_t q = p;
            /* Outside quotes a '\' before a line end ends the word (and
             * is reported as escaping nothing): an unquoted string silently
             * running on into the next line would swallow a record. */
            while (q < r->len && !is_delimiter((unsigned char)s[q])) {
                if (s[q] == '\\' && q + 1 < r->len && s[q + 1] != '\n')
                    q++;
                q++;
            }
            r->pos = q;
            r->tok_end = q;
            *t = (struct token){TOKEN_WORD, p, q};
            return;
        }
        }
    }
}

/* Skip what is left of the entry. */
static void skip_entry(struct zone_reader *r)
{
    struct token t;
    do
        next_token(r, &t);
    while (t.kind != TOKEN_END);
}

/* Decode the escapes of a string (RFC 1035 §5.1: \X is X, \DDD is the byte
 * DDD) from s[start, end) into out (room for end - start bytes).  Returns
 * the decoded length, or (size_t)-1 after reporting a bad escape. */
static size_t decode(struct zone_reader *r, size_t start, size_t end, char *out)
{
    const char *s = r->s;
    size_t n = 0;
    for (size_t i = start; i < end;) {
        const char *bs = memchr(s + i, '\\', end - i);
        size_t run = bs ? (size_t)(bs - s) - i : end - i;
        memcpy(out + n, s + i, run);
        n += run;
        i += run;
        if (i >= end)
            break;
        if (i + 1 >= end) {
            entry_error(r, RULE_ZONE_SYNTAX, i, i + 1,
                        "bad escape: a '\\' at the end of a string escapes nothing; "
                        "write '\\\\' for a backslash");
            return (size_t)-1;
        }
        unsigned char c = (unsigned char)s[i + 1];
        if (!is_digit(c)) {
            out[n++] = (char)c;
            i += 2;
            continue;
        }
        size_t digits = 0;
        unsigned v = 0;
        while (digits < 3 && i + 1 + digits < end && is_digit((unsigned char)s[i + 1 + digits])) {
            v = v * 10 + (unsigned)(s[i + 1 + digits] - '0');
            digits++;
        }
        if (digits < 3 || v > 255) {
            entry_error(r, RULE_ZONE_SYNTAX, i, i + 1 + digits,
                        "bad escape '%.*s': \\DDD takes exactly three digits from 000 to 255",
                        (int)(1 + digits), s + i);
            return (size_t)-1;
        }
        out[n++] = (char)v;
        i += 4;
    }
    return n;
}

/* Check a name token s[start, end) and write it absolute (final dot) into
 * out[NAME_BUF]: "@" is the origin, a relative name gets the origin
 * appended (RFC 1035 §5.1).  `what` names it in messages.  On success
 * returns the length (and *wire its wire length); 0 after an error. */
static size_t name_parse(struct zone_reader *r, size_t start, size_t end, const char *what,
                         char *out, size_t *wire)
{
    const char *s = r->s + start;
    size_t n = end - start;
    if (n == 1 && s[0] == '@') {
        if (!r->origin_len) {
            entry_error(r, RULE_ZONE_SYNTAX, start, end,
                        "'@' stands for the $ORIGIN, and none is set: add a $ORIGIN line "
                        "before it or write the full name");
            return 0;
        }
        memcpy(out, r->origin, r->origin_len + 1);
        *wire = r->origin_wire;
        return r->origin_len;
    }
    if (n > ZONE_NAME_TEXT_MAX) {
        entry_error(r, RULE_ZONE_SYNTAX, start, end,
                    "the %s is %zu bytes long: too long for a name", what, n);
        return 0;
    }
    /* RFC 1035 §2.3.4: labels of 63 octets at most, 255 for the name. */
    size_t label = 0, octets = 0, label_start = 0;
    bool absolute = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 && n != 1) { /* "." alone is the root */
                entry_error(r, RULE_ZONE_SYNTAX, start + i, start + i + 1,
                            "the %s '%.*s' has an empty label (a '.' at the start or '..')", what,
                            show(n), s);
                return 0;
            }
            if (label)
                octets += label + 1;
            label = 0;
            label_start = i + 1;
            absolute = i + 1 == n;
            continue;
        }
        absolute = false;
        if (c < 0x21 || c == 0x7f) {
            entry_error(r, RULE_ZONE_SYNTAX, start + i, start + i + 1,
                        "a control byte 0x%02x in the %s: write it as \\DDD", c, what);
            return 0;
        }
        if (c == '\\') {
            if (i + 1 >= n) {
                entry_error(r, RULE_ZONE_SYNTAX, start + i, start + i + 1,
                            "bad escape: a '\\' at the end of the %s escapes nothing", what);
                return 0;
            }
            if (is_digit((unsigned char)s[i + 1])) {
                unsigned v = 0;
                size_t d = 0;
                while (d < 3 && i + 1 + d < n && is_digit((unsigned char)s[i + 1 + d])) {
                    v = v * 10 + (unsigned)(s[i + 1 + d] - '0');
                    d++;
                }
                if (d < 3 || v > 255) {
                    entry_error(r, RULE_ZONE_SYNTAX, start + i, start + i + 1 + d,
                                "bad escape '%.*s' in the %s: \\DDD takes exactly three digits "
                                "from 000 to 255",
                                (int)(1 + d), s + i, what);
                    return 0;
                }
                i += 3;
            } else {
                unsigned char x = (unsigned char)s[i + 1];
                if (x < 0x20 || x == 0x7f) { /* names are text: no raw controls */
                    entry_error(r, RULE_ZONE_SYNTAX, start + i, start + i + 2,
                                "a control byte 0x%02x in the %s: write it as \\%03u", x, what, x);
                    return 0;
                }
                i += 1;
            }
        }
        label++;
        if (label > WIRE_LABEL_MAX) {
            entry_error(r, RULE_ZONE_SYNTAX, start + label_start, end,
                        "a label of the %s '%.*s' is longer than 63 bytes (RFC 1035 §2.3.4)", what,
                        show(n), s);
            return 0;
        }
    }
    if (label)
        octets += label + 1;
    octets += 1; /* the root */
    size_t len = n;
    memcpy(out, s, n);
    if (!absolute) {
        if (!r->origin_len) {
            entry_error(r, RULE_ZONE_SYNTAX, start, end,
                        "the %s '%.*s' is relative and no $ORIGIN is set: end it with '.' or "
                        "add a $ORIGIN line",
                        what, show(n), s);
            return 0;
        }
        if (n + 1 + r->origin_len > ZONE_NAME_TEXT_MAX) {
            entry_error(r, RULE_ZONE_SYNTAX, start, end,
                        "the %s '%.*s' with the origin appended is too long for a name", what,
                        show(n), s);
            return 0;
        }
        octets += r->origin_wire - 1;
        out[len++] = '.';
        if (r->origin_len > 1) { /* under the root, the final dot is all */
            memcpy(out + len, r->origin, r->origin_len);
            len += r->origin_len;
        }
    }
    if (octets > WIRE_NAME_MAX) {
        entry_error(r, RULE_ZONE_SYNTAX, start, end,
                    "the %s '%.*s' is longer than 255 bytes (RFC 1035 §2.3.4)", what, show(n), s);
        return 0;
    }
    out[len] = '\0';
    *wire = octets;
    return len;
}

/* $ORIGIN, $TTL, $INCLUDE, $GENERATE (RFC 1035 §5.1, RFC 2308 §4). */
static void read_directive(struct zone_reader *r)
{
    struct token d, t;
    next_token(r, &d);
    const char *name = r->s + d.start;
    size_t n = d.end - d.start;
    if (equal_ci(name, n, "$INCLUDE") || equal_ci(name, n, "$GENERATE")) {
        next_token(r, &t);
        size_t end = t.kind == TOKEN_END ? d.end : t.end;
        diag_add(r->diags, RULE_ZONE_UNSUPPORTED, d.start, end,
                 "%.*s is not followed: the records it %s are not read; %s", (int)n, name,
                 equal_ci(name, n, "$INCLUDE") ? "includes" : "generates",
                 equal_ci(name, n, "$INCLUDE") ? "lint the included file on its own"
                                               : "write the records out");
        r->bad = true;
        if (t.kind != TOKEN_END)
            skip_entry(r);
        return;
    }
    bool origin = equal_ci(name, n, "$ORIGIN"), ttl = equal_ci(name, n, "$TTL");
    if (!origin && !ttl) {
        entry_error(r, RULE_ZONE_SYNTAX, d.start, d.end,
                    "unknown directive '%.*s': zone files have $ORIGIN, $TTL and $INCLUDE", show(n),
                    name);
        skip_entry(r);
        return;
    }
    next_token(r, &t);
    if (t.kind != TOKEN_WORD) {
        entry_error(r, RULE_ZONE_SYNTAX, d.start, t.kind == TOKEN_END ? d.end : t.end,
                    origin ? "$ORIGIN needs a domain name, such as $ORIGIN example.com."
                           : "$TTL needs a time, such as $TTL 3600 or $TTL 1h");
        if (t.kind != TOKEN_END)
            skip_entry(r);
        return;
    }
    char buf[NAME_BUF];
    size_t wire = 0, len = 0;
    uint32_t value = 0;
    if (origin) {
        len = name_parse(r, t.start, t.end, "$ORIGIN name", buf, &wire);
    } else if (!ttl_parse(r->s + t.start, t.end - t.start, &value) || value > ZONE_TTL_MAX) {
        entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                    "$TTL '%.*s' is not a TTL: seconds up to 2147483647 (RFC 2181 §8), or units "
                    "such as 1h, 2d, 1w",
                    show(t.end - t.start), r->s + t.start);
    }
    struct token extra;
    next_token(r, &extra);
    if (extra.kind != TOKEN_END) {
        entry_error(r, RULE_ZONE_SYNTAX, extra.start, extra.end, "unexpected '%.*s' after %.*s",
                    show(extra.end - extra.start), r->s + extra.start, (int)n, name);
        skip_entry(r);
    }
    if (r->bad)
        return;
    if (origin) {
        memcpy(r->origin, buf, len + 1);
        r->origin_len = len;
        r->origin_wire = wire;
    } else {
        r->dollar_ttl = value;
        r->have_dollar_ttl = true;
    }
}

/* Where a record's joined text is: in z->text, or (a single string with no
 * escape, the common case) still in the file, borrowed rather than copied. */
struct text_ref {
    size_t at, len;
    bool in_file;
};

/* Where the fields of the record being read are in the file (for
 * rewriting it in place: zone_edit.c). */
struct record_fields {
    size_t start;              /* the first token after the owner */
    size_t ttl_start, ttl_end; /* equal: no TTL written */
    size_t type_end;
    bool owner_written;
};

/* SOA rdata: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM (RFC 1035
 * §3.3.13).  Keep the first SOA's serial span when it is a number that fits
 * 32 bits (RFC 1982).  True when the entry ended early (nothing to skip);
 * else the caller skips the rest of it. */
static bool read_soa_serial(struct zone_reader *r)
{
    struct token t;
    for (int field = 0; field < 3; field++) {
        next_token(r, &t);
        if (t.kind == TOKEN_END)
            return true; /* the entry has ended: nothing left to skip */
        if (t.kind != TOKEN_WORD)
            return false;
    }
    size_t n = t.end - t.start;
    if (n == 0 || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = t.start; i < t.end; i++) {
        if (!is_digit((unsigned char)r->s[i]))
            return false;
        v = v * 10 + (uint64_t)(r->s[i] - '0');
    }
    if (v > 0xffffffffu)
        return false;
    r->z->soa_serial_start = t.start;
    r->z->soa_serial_end = t.end;
    r->z->soa_serial = (uint32_t)v;
    return false;
}

/* Store the record just read: its owner block (shared with the previous
 * record when the same), kind, strings already in z->text/z->strings. */
static void store_record(struct zone_reader *r, const char *owner, size_t owner_len,
                         const struct text_ref *text, size_t strings_at, uint32_t ttl,
                         unsigned rclass, unsigned type, size_t start, size_t line,
                         const struct record_fields *fields)
{
    struct zone *z = r->z;
    char lc[NAME_BUF];
    bool has_upper = false;
    for (size_t i = 0; i < owner_len; i++) {
        lc[i] = (char)lower((unsigned char)owner[i]);
        has_upper |= lc[i] != owner[i];
    }
    lc[owner_len] = '\0';
    size_t len = text->len;
    const char *base = text->in_file ? r->s : z->text;
    struct zone_owner_parts parts;
    enum zone_kind kind = zone_detect_kind(lc, owner_len, base + text->at, len, &parts);

    size_t names;
    if (r->have_shared && r->shared_kind == kind && r->shared_len == owner_len &&
        memcmp(z->names + r->shared_names, owner, owner_len) == 0) {
        names = r->shared_names;
        has_upper = r->shared_upper;
    } else {
        /* owner, owner_lc (unless the owner is lowercase already), domain,
         * selector, report domain: each + NUL */
        size_t need = (has_upper ? 2 : 1) * (owner_len + 1) + parts.domain_len +
                      parts.selector_len + parts.report_len + 3;
        if (!reserve((void **)&z->names, &z->names_cap, z->names_len + need, 1, 4096)) {
            reader_oom(r);
            return;
        }
        names = z->names_len;
        char *p = z->names + names;
        memcpy(p, owner, owner_len + 1);
        p += owner_len + 1;
        if (has_upper) {
            memcpy(p, lc, owner_len + 1);
            p += owner_len + 1;
        }
        memcpy(p, lc + parts.domain_start, parts.domain_len);
        p[parts.domain_len] = '\0';
        p += parts.domain_len + 1;
        memcpy(p, lc + parts.selector_start, parts.selector_len);
        p[parts.selector_len] = '\0';
        p += parts.selector_len + 1;
        memcpy(p, lc + parts.report_start, parts.report_len);
        p[parts.report_len] = '\0';
        z->names_len += need;
        r->shared_names = names;
        r->shared_len = owner_len;
        r->shared_kind = kind;
        r->shared_upper = has_upper;
        r->have_shared = true;
    }
    if (!reserve((void **)&z->records, &z->records_cap, z->count + 1, sizeof *z->records, 64)) {
        reader_oom(r);
        return;
    }
    struct zone_record *rec = &z->records[z->count++];
    memset(rec, 0, sizeof *rec);
    rec->owner_len = owner_len;
    rec->kind = kind;
    rec->owner_mismatch = parts.mismatch;
    rec->ttl = ttl;
    rec->rclass = (uint16_t)rclass;
    rec->type = (uint16_t)type;
    rec->len = len;
    rec->nstrings = z->nstrings - strings_at;
    rec->line = line;
    rec->start = start;
    rec->end = r->tok_end;
    rec->at.names = names;
    rec->at.text = text->at;
    rec->at.strings = strings_at;
    rec->at.text_in_file = text->in_file;
    rec->at.lc_shared = !has_upper;
    rec->fields_start = (uint32_t)fields->start;
    rec->ttl_start = (uint32_t)fields->ttl_start;
    rec->ttl_end = (uint32_t)fields->ttl_end;
    rec->type_end = (uint32_t)fields->type_end;
    rec->owner_written = fields->owner_written;
    rec->dollar_ttl = r->have_dollar_ttl;
}

/* The character-strings of a TXT record (RFC 1035 §3.3.14), up to the end
 * of the entry, decoded into z->text.  A first string without escapes is
 * copied only when a second one follows: most records are one string, and
 * not copying them halves the memory a big zone needs.  Returns false when
 * the record is not kept (the entry's error has been given). */
static bool read_strings(struct zone_reader *r, struct text_ref *text, size_t *strings_at)
{
    struct zone *z = r->z;
    const char *s = r->s;
    size_t text_at = z->text_len;
    *strings_at = z->nstrings;
    size_t rdata = 0, count = 0;
    size_t borrowed = 0; /* file offset of a first string not copied yet */
    bool borrowing = false;
    struct token t;
    for (next_token(r, &t); t.kind != TOKEN_END; next_token(r, &t)) {
        if (r->bad)
            continue;
        bool quoted = t.kind == TOKEN_QUOTED;
        size_t from = t.start + quoted, to = t.end - (quoted && t.end > t.start + 1);
        if (!quoted && count == 0 && t.end - t.start == 2 && s[t.start] == '\\' &&
            s[t.start + 1] == '#') {
            diag_add(r->diags, RULE_ZONE_UNSUPPORTED, t.start, t.end,
                     "generic RDATA (\\# length hex, RFC 3597 §5) is not read for TXT: write "
                     "the strings in quotes");
            r->bad = true;
            continue;
        }
        if (++count > ZONE_STRINGS_MAX) {
            entry_error(r, RULE_ZONE_TOO_LARGE, t.start, t.end,
                        "more than %u strings in one TXT record: authtxt keeps at most %u",
                        ZONE_STRINGS_MAX, ZONE_STRINGS_MAX);
            continue;
        }
        size_t first_len = borrowing ? z->strings[z->nstrings - 1].len : 0;
        if (!reserve((void **)&z->text, &z->text_cap, z->text_len + first_len + (to - from) + 1, 1,
                     4096) ||
            !reserve((void **)&z->strings, &z->strings_cap, z->nstrings + 1, sizeof *z->strings,
                     256)) {
            reader_oom(r);
            r->bad = true;
            continue;
        }
        size_t n;
        if (count == 1 && !memchr(s + from, '\\', to - from)) {
            n = to - from; /* nothing to decode: leave it in the file for now */
            borrowed = from;
            borrowing = true;
        } else {
            if (borrowing) { /* a second string: the text is joined after all */
                memcpy(z->text + z->text_len, s + borrowed, first_len);
                z->text_len += first_len;
                borrowing = false;
            }
            n = decode(r, from, to, z->text + z->text_len);
            if (n == (size_t)-1)
                continue;
        }
        if (n > ZONE_STRING_MAX)
            diag_add(r->diags, RULE_ZONE_STRING_TOO_LONG, t.start, t.end,
                     "this string is %zu bytes; a character-string holds at most 255 "
                     "(RFC 1035 §3.3): split it into several quoted strings",
                     n);
        rdata += n + 1;
        if (rdata > ZONE_RDATA_MAX) {
            entry_error(r, RULE_ZONE_TOO_LARGE, t.start, t.end,
                        "the TXT data passes 65535 bytes, more than one DNS record holds "
                        "(RFC 1035 §3.2.1): publish less");
            continue;
        }
        size_t start = borrowing ? 0 : z->text_len - text_at;
        z->strings[z->nstrings++] =
            (struct zone_string){(uint32_t)start, (uint32_t)n, (uint32_t)t.start, (uint32_t)t.end};
        if (!borrowing)
            z->text_len += n;
    }
    if (!r->bad && count == 0)
        entry_error(r, RULE_ZONE_SYNTAX, r->tok_end, r->tok_end,
                    "a TXT record needs at least one string (RFC 1035 §3.3.14): write \"\" "
                    "for an empty one");
    if (r->bad || r->full || r->z->oom) {
        z->text_len = text_at;
        z->nstrings = *strings_at;
        return false;
    }
    if (borrowing) {
        *text = (struct text_ref){borrowed, z->strings[*strings_at].len, true};
        return true;
    }
    *text = (struct text_ref){text_at, z->text_len - text_at, false};
    z->text[z->text_len++] = '\0'; /* room was reserved with each string */
    return true;
}

/* One entry: a resource record, possibly over several lines. */
static void read_record(struct zone_reader *r, size_t entry_start, size_t entry_line)
{
    const char *s = r->s;
    struct token t;
    char owner_buf[NAME_BUF];
    const char *owner = r->owner;
    size_t owner_len = r->owner_len;
    size_t owner_tok_start = entry_start, owner_tok_end = entry_start;
    bool owner_written = !is_blank((unsigned char)s[entry_start]);

    if (owner_written) {
        unsigned char c = (unsigned char)s[entry_start];
        if (is_delimiter(c)) {
            entry_error(r, RULE_ZONE_SYNTAX, entry_start, entry_start + 1,
                        "missing owner: a line that does not start with a blank starts with "
                        "the owner name, not '%c'",
                        c);
            skip_entry(r);
            return;
        }
        next_token(r, &t);
        owner_tok_start = t.start;
        owner_tok_end = t.end;
        size_t wire;
        owner_len = name_parse(r, t.start, t.end, "owner name", owner_buf, &wire);
        if (!owner_len) {
            /* Lines that repeat this owner must not land on an older one. */
            r->owner_len = 0;
            skip_entry(r);
            return;
        }
        memcpy(r->owner, owner_buf, owner_len + 1);
        r->owner_len = owner_len;
        owner = r->owner;
    } else if (!owner_len) {
        next_token(r, &t);
        entry_error(r, RULE_ZONE_SYNTAX, entry_start, t.kind == TOKEN_END ? entry_start : t.end,
                    "missing owner: the line starts with a blank, which repeats the previous "
                    "record's owner, and there is no valid one; write the name in column 1");
        skip_entry(r);
        return;
    }

    /* [TTL] [class] type, or [class] [TTL] type (RFC 1035 §5.1). */
    bool have_ttl = false, have_class = false;
    uint32_t ttl = 0;
    unsigned rclass = 0, type = 0;
    size_t type_start = 0, type_end = 0, class_start = 0, class_end = 0;
    struct record_fields fields = {0, 0, 0, 0, owner_written};
    for (bool first = true;; first = false) {
        next_token(r, &t);
        if (first)
            fields.start = t.start;
        const char *w = s + t.start;
        size_t n = t.end - t.start;
        if (t.kind == TOKEN_END) {
            entry_error(r, RULE_ZONE_SYNTAX, owner_tok_start, owner_tok_end,
                        "no record type after the owner: write [TTL] [IN] TXT \"text\"");
            return;
        }
        if (t.kind == TOKEN_QUOTED) {
            bool txt_owner =
                owner_written &&
                (equal_ci(s + owner_tok_start, owner_tok_end - owner_tok_start, "TXT") ||
                 equal_ci(s + owner_tok_start, owner_tok_end - owner_tok_start, "SPF"));
            if (txt_owner)
                entry_error(r, RULE_ZONE_SYNTAX, owner_tok_start, owner_tok_end,
                            "missing owner: '%.*s' stands where the owner name goes; indent the "
                            "line to repeat the previous owner, or write the name first",
                            show(owner_tok_end - owner_tok_start), s + owner_tok_start);
            else
                entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                            "a string where the record type should be: write [TTL] [IN] TXT "
                            "before the strings");
            skip_entry(r);
            return;
        }
        if (is_digit((unsigned char)w[0])) {
            if (have_ttl) {
                entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                            "a second TTL '%.*s': a record has one", show(n), w);
            } else if (!ttl_parse(w, n, &ttl)) {
                entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                            "'%.*s' is not a TTL: seconds, or units such as 1h, 2d, 1w", show(n),
                            w);
            } else if (ttl > ZONE_TTL_MAX) {
                entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                            "TTL %.*s is above 2147483647, the largest TTL (RFC 2181 §8)", show(n),
                            w);
            }
            if (r->bad) {
                skip_entry(r);
                return;
            }
            have_ttl = true;
            fields.ttl_start = t.start;
            fields.ttl_end = t.end;
            continue;
        }
        unsigned c = class_lookup(w, n);
        if (c) {
            if (have_class) {
                entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                            "a second class '%.*s': a record has one", show(n), w);
                skip_entry(r);
                return;
            }
            have_class = true;
            rclass = c;
            class_start = t.start;
            class_end = t.end;
            continue;
        }
        type = type_lookup(w, n);
        if (!type) {
            entry_error(r, RULE_ZONE_SYNTAX, t.start, t.end,
                        "'%.*s' is not a record type (nor a TTL or class): TXT records are "
                        "written [TTL] [IN] TXT \"text\"",
                        show(n), w);
            skip_entry(r);
            return;
        }
        type_start = t.start;
        type_end = t.end;
        break;
    }
    /* "IN TXT ..." in column 1: the class was read as the owner name. */
    if (owner_written && !have_ttl && !have_class &&
        class_lookup(s + owner_tok_start, owner_tok_end - owner_tok_start)) {
        entry_error(r, RULE_ZONE_SYNTAX, owner_tok_start, owner_tok_end,
                    "missing owner: '%.*s' stands where the owner name goes; indent the line "
                    "to repeat the previous owner, or write the name first",
                    show(owner_tok_end - owner_tok_start), s + owner_tok_start);
        skip_entry(r);
        return;
    }

    /* Omitted TTL and class are the last ones stated (RFC 1035 §5.1); $TTL
     * takes over for the TTL where given (RFC 2308 §4). */
    bool no_ttl = false;
    if (have_ttl) {
        r->last_ttl = ttl;
        r->have_last_ttl = true;
    } else if (r->have_dollar_ttl) {
        ttl = r->dollar_ttl;
    } else if (r->have_last_ttl) {
        ttl = r->last_ttl;
    } else {
        ttl = ZONE_DEFAULT_TTL;
        no_ttl = true;
    }
    if (have_class)
        r->last_class = rclass;
    else
        rclass = r->last_class;

    if (type != ZONE_TYPE_TXT && type != ZONE_TYPE_SPF) {
        bool ended = type == ZONE_TYPE_SOA && r->z->soa_serial_end == 0 && read_soa_serial(r);
        if (!ended)
            skip_entry(r); /* other types: their data is skipped, parentheses and all */
        return;
    }
    fields.type_end = type_end;
    struct text_ref text;
    size_t strings_at;
    if (!read_strings(r, &text, &strings_at))
        return;
    if (!r->streaming && r->z->count >= ZONE_RECORDS_MAX) {
        if (!text.in_file)
            r->z->text_len = text.at;
        r->z->nstrings = strings_at;
        if (!r->full)
            diag_add(r->diags, RULE_ZONE_TOO_LARGE, entry_start, r->tok_end,
                     "more than %u TXT records: this one and the rest are not read",
                     ZONE_RECORDS_MAX);
        r->full = true;
        return;
    }
    if (type == ZONE_TYPE_SPF)
        diag_add(r->diags, RULE_ZONE_SPF_TYPE, type_start, type_end,
                 "the SPF record type (99) is obsolete and receivers query TXT only "
                 "(RFC 7208 §3.1): publish this record as TXT; read here as TXT");
    if (rclass != ZONE_CLASS_IN) {
        static const char *const names[] = {"CLASS0", "IN", "CS", "CH", "HS"};
        size_t cs = have_class ? class_start : type_start, ce = have_class ? class_end : type_end;
        if (rclass < sizeof names / sizeof *names)
            diag_add(r->diags, RULE_ZONE_CLASS, cs, ce,
                     "this TXT record is in class %s, not IN: mail receivers look up class IN "
                     "only, so they never see it; write IN",
                     names[rclass]);
        else
            diag_add(r->diags, RULE_ZONE_CLASS, cs, ce,
                     "this TXT record is in class CLASS%u, not IN: mail receivers look up class "
                     "IN only, so they never see it; write IN",
                     rclass);
    }
    if (no_ttl && !r->told_no_ttl) {
        diag_add(r->diags, RULE_ZONE_NO_TTL, type_start, type_end,
                 "no TTL on this record and no $TTL before it: read as %u seconds; add a $TTL "
                 "line at the top",
                 ZONE_DEFAULT_TTL);
        r->told_no_ttl = true;
    }
    store_record(r, owner, owner_len, &text, strings_at, ttl, rclass, type, entry_start, entry_line,
                 &fields);
}

/* Blank and comment-only lines are no entry (RFC 1035 §5.1 <blank>[<comment>]).
 * Consumes one such line and returns true, or returns false. */
static bool skip_empty_line(struct zone_reader *r)
{
    const char *s = r->s;
    size_t p = r->pos;
    while (p < r->len && is_blank((unsigned char)s[p]))
        p++;
    if (p < r->len && s[p] == ';') {
        const char *nl = memchr(s + p, '\n', r->len - p);
        p = nl ? (size_t)(nl - s) : r->len;
    }
    if (p >= r->len) {
        r->pos = r->len;
        return true;
    }
    if (s[p] != '\n')
        return false;
    r->pos = p + 1;
    newline(r, p);
    return true;
}

/* Point every record into the buffers, now that they no longer move. */
static void fix_pointers(struct zone *z)
{
    for (size_t i = 0; i < z->count; i++) {
        struct zone_record *rec = &z->records[i];
        const char *p = z->names + rec->at.names;
        rec->owner = p;
        p += rec->owner_len + 1;
        rec->owner_lc = rec->at.lc_shared ? rec->owner : p;
        if (!rec->at.lc_shared)
            p += rec->owner_len + 1;
        rec->domain = p;
        p += strlen(p) + 1;
        rec->selector = p;
        p += strlen(p) + 1;
        rec->report_domain = p;
        rec->text = (rec->at.text_in_file ? z->file : z->text) + rec->at.text;
        rec->strings = z->strings + rec->at.strings;
    }
}

bool zone_open(struct zone *z, const char *file, size_t len, const char *origin,
               struct diag_list *diags)
{
    zone_reset(z);
    z->file = file;
    z->file_len = len;
    if (!z->reader && !(z->reader = malloc(sizeof *z->reader))) { /* ~2 KiB of names */
        z->oom = true;
        return false;
    }
    struct zone_reader *r = z->reader;
    memset(r, 0, sizeof *r);
    r->z = z;
    r->diags = diags;
    r->s = file;
    r->len = len;
    r->line = 1;
    r->last_class = ZONE_CLASS_IN;
    r->open = true;
    checkpoint(r, 0);

    if (len > ZONE_FILE_MAX) {
        diag_add(diags, RULE_ZONE_TOO_LARGE, 0, 0,
                 "the file is %zu bytes; authtxt reads zone files up to %u MiB: split it", len,
                 ZONE_FILE_MAX >> 20);
        r->len = 0;
    }
    if (origin && origin[0]) {
        /* The caller's origin, checked like a $ORIGIN line would be; an
         * invalid one is no origin (relative names are then reported). */
        size_t n = strlen(origin);
        char buf[NAME_BUF + 1];
        if (n <= ZONE_NAME_TEXT_MAX - 1) {
            memcpy(buf, origin, n);
            if (buf[n - 1] != '.')
                buf[n++] = '.';
            const char *s = r->s;
            size_t slen = r->len;
            struct diag_list quiet;
            diag_list_init(&quiet);
            r->s = buf;
            r->len = n;
            r->diags = &quiet;
            size_t wire;
            size_t m = name_parse(r, 0, n, "origin", r->origin, &wire);
            diag_list_free(&quiet);
            r->s = s;
            r->len = slen;
            r->diags = diags;
            r->bad = false;
            if (m) {
                r->origin_len = m;
                r->origin_wire = wire;
            }
        }
    }
    return !z->oom;
}

/* Read entries until one more record is stored (one == true) or the end. */
static void read_entries(struct zone_reader *r, bool one)
{
    struct zone *z = r->z;
    size_t count = z->count;
    while (r->pos < r->len && !z->oom && !(one && z->count > count)) {
        if (skip_empty_line(r))
            continue;
        size_t entry_start = r->pos, entry_line = r->line;
        r->bad = false;
        r->depth = 0;
        r->tok_end = r->pos;
        /* Each reads its entry through to the entry's end. */
        if (r->s[r->pos] == '$')
            read_directive(r);
        else
            read_record(r, entry_start, entry_line);
    }
    z->lines = r->line;
}

const struct zone_record *zone_next(struct zone *z, struct diag_list *diags)
{
    struct zone_reader *r = z->reader;
    if (!r || !r->open || z->oom)
        return NULL;
    r->diags = diags;
    r->streaming = true;
    /* One record at a time: the buffers hold only the current one. */
    z->count = 0;
    z->nstrings = 0;
    z->text_len = 0;
    z->names_len = 0;
    r->have_shared = false;
    read_entries(r, true);
    if (z->count == 0) {
        r->open = false;
        return NULL;
    }
    fix_pointers(z);
    return &z->records[0];
}

bool zone_read(struct zone *z, const char *file, size_t len, const char *origin,
               struct diag_list *diags)
{
    if (!zone_open(z, file, len, origin, diags))
        return false;
    read_entries(z->reader, false);
    z->reader->open = false;
    fix_pointers(z);
    return !z->oom;
}

/* --- positions ------------------------------------------------------------ */

/* Index of the string holding text byte `offset`, or nstrings when offset
 * is the end of the text. */
static size_t string_of(const struct zone_record *r, size_t offset)
{
    size_t lo = 0, hi = r->nstrings;
    while (lo < hi) { /* the first string ending after offset */
        size_t mid = lo + (hi - lo) / 2;
        if ((size_t)r->strings[mid].start + r->strings[mid].len <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Bytes the escape or plain byte at file position p takes. */
static size_t escape_width(const char *f, size_t len, size_t p)
{
    if (p < len && f[p] == '\\' && p + 1 < len)
        return p + 1 < len && is_digit((unsigned char)f[p + 1]) ? 4 : 2;
    return 1;
}

size_t zone_record_file_offset(const struct zone *z, const struct zone_record *r, size_t offset)
{
    if (r->nstrings == 0 || !z->file)
        return r->start;
    if (offset > r->len)
        offset = r->len;
    size_t i = string_of(r, offset);
    const struct zone_string *st;
    size_t k;
    if (i == r->nstrings) { /* the end: past the last string's content */
        st = &r->strings[r->nstrings - 1];
        k = st->len;
    } else {
        st = &r->strings[i];
        k = offset - st->start;
    }
    size_t p = st->file_start + (z->file[st->file_start] == '"');
    /* No backslash among the k bytes: one file byte each, the usual case
     * (a memchr instead of a walk over a DKIM key's hundreds of bytes). */
    if (p <= z->file_len && k <= z->file_len - p && !memchr(z->file + p, '\\', k))
        return p + k;
    for (; k > 0; k--)
        p += escape_width(z->file, z->file_len, p);
    return p;
}

void zone_record_file_span(const struct zone *z, const struct zone_record *r, size_t start,
                           size_t end, size_t *file_start, size_t *file_end)
{
    if (end > r->len)
        end = r->len;
    if (start > end)
        start = end;
    *file_start = zone_record_file_offset(z, r, start);
    if (end == start) {
        *file_end = *file_start;
        return;
    }
    size_t last = zone_record_file_offset(z, r, end - 1);
    *file_end = z->file ? last + escape_width(z->file, z->file_len, last) : last + 1;
}

/* Line and column of `offset`, counting from a known line start. */
static void count_lines(const char *f, size_t from, size_t from_line, size_t offset,
                        struct zone_location *loc)
{
    size_t line = from_line, line_start = from;
    while (from < offset) {
        const char *nl = memchr(f + from, '\n', offset - from);
        if (!nl)
            break;
        line++;
        from = (size_t)(nl - f) + 1;
        line_start = from;
    }
    loc->offset = offset;
    loc->line = line;
    loc->column = offset - line_start + 1;
}

void zone_record_locate(const struct zone *z, const struct zone_record *r, size_t offset,
                        struct zone_location *loc)
{
    size_t f = zone_record_file_offset(z, r, offset);
    if (!z->file) {
        *loc = (struct zone_location){f, r->line, 1};
        return;
    }
    count_lines(z->file, r->start, r->line, f, loc);
}

bool zone_ttl_settled(const struct zone *z)
{
    const struct zone_reader *r = z->reader;
    return r && (r->have_dollar_ttl || r->have_last_ttl || r->told_no_ttl);
}

void zone_locate(const struct zone *z, size_t file_offset, struct zone_location *loc)
{
    if (file_offset > z->file_len)
        file_offset = z->file_len;
    if (!z->file || z->ncheckpoints == 0) {
        *loc = (struct zone_location){file_offset, 1, file_offset + 1};
        return;
    }
    size_t lo = 0, hi = z->ncheckpoints; /* the last checkpoint <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->checkpoints[mid].offset <= file_offset)
            lo = mid;
        else
            hi = mid;
    }
    count_lines(z->file, z->checkpoints[lo].offset, z->checkpoints[lo].line, file_offset, loc);
}

void zone_record_map_diags(const struct zone *z, const struct zone_record *r,
                           const struct diag_list *from, struct diag_list *to)
{
    if (!to || !from)
        return;
    for (size_t i = 0; i < from->count; i++) {
        const struct diag *d = &from->items[i];
        size_t fs, fe;
        zone_record_file_span(z, r, d->start, d->end, &fs, &fe);
        struct diag *out = diag_add(to, d->rule, fs, fe, "%s", d->message);
        if (out)
            out->severity = d->severity;
    }
    to->dropped += from->dropped;
}
