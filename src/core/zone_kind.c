/* Which email-authentication record a zone TXT record is, from its owner
 * name (_dmarc, _domainkey, _report._dmarc) and its text (v=spf1, v=DMARC1,
 * v=DKIM1, spf2.0/), and which domain it belongs to.  See zone.h. */
#include "authtxt/zone.h"

#include <string.h>

#include "authtxt/spf.h"

const char *zone_kind_name(enum zone_kind kind)
{
    switch (kind) {
    case ZONE_KIND_SPF:
        return "spf";
    case ZONE_KIND_DMARC:
        return "dmarc";
    case ZONE_KIND_DMARC_REPORT:
        return "dmarc-report";
    case ZONE_KIND_DKIM_KEY:
        return "dkim";
    case ZONE_KIND_SENDER_ID:
        return "sender-id";
    case ZONE_KIND_OTHER:
        break;
    }
    return "other";
}

enum record_kind zone_kind_record_kind(enum zone_kind kind)
{
    switch (kind) {
    case ZONE_KIND_SPF:
        return RECORD_SPF;
    case ZONE_KIND_DMARC:
        return RECORD_DMARC;
    case ZONE_KIND_DKIM_KEY:
        return RECORD_DKIM_KEY;
    case ZONE_KIND_DMARC_REPORT:
    case ZONE_KIND_SENDER_ID:
    case ZONE_KIND_OTHER:
        break;
    }
    return RECORD_UNKNOWN;
}

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static bool is_wsp(char c) { return c == ' ' || c == '\t'; }

/* `prefix` is lowercase; k is its length. */
static bool prefix_ci(const char *s, size_t n, const char *prefix, size_t k)
{
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (lower((unsigned char)s[i]) != (unsigned char)prefix[i])
            return false;
    return true;
}

#define has_prefix_ci(s, n, lit) prefix_ci((s), (n), (lit), sizeof(lit) - 1)
#define label_is(s, start, end, lit)                                                               \
    ((end) - (start) == sizeof(lit) - 1 && memcmp((s) + (start), (lit), sizeof(lit) - 1) == 0)

/* What the text's version says, if it has one. */
enum content { CONTENT_NONE, CONTENT_SPF, CONTENT_SENDER_ID, CONTENT_DMARC, CONTENT_DKIM };

static enum content content_version(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && is_wsp(text[i]))
        i++;
    const char *s = text + i;
    size_t n = len - i;
    if (spf_text_classify(s, n) != SPF_TEXT_NOT_SPF) /* RFC 7208 §4.5 */
        return CONTENT_SPF;
    if (has_prefix_ci(s, n, "spf2.0/")) /* RFC 4406 §3 */
        return CONTENT_SENDER_ID;
    if (n == 0 || lower((unsigned char)s[0]) != 'v')
        return CONTENT_NONE;
    /* tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value (RFC 6376 §3.2) */
    size_t j = 1;
    while (j < n && is_wsp(s[j]))
        j++;
    if (j == n || s[j] != '=')
        return CONTENT_NONE;
    j++;
    while (j < n && is_wsp(s[j]))
        j++;
    if (has_prefix_ci(s + j, n - j, "dmarc1"))
        return CONTENT_DMARC;
    if (has_prefix_ci(s + j, n - j, "dkim1"))
        return CONTENT_DKIM;
    return CONTENT_NONE;
}

/* Tags of a version-less tag list: does it look like a DKIM key (p=, k=) or
 * like DMARC (tags only DMARC has)?  One pass over tag starts. */
static enum content content_tags(const char *text, size_t len)
{
    static const char *const dmarc_only[] = {"rua",   "ruf",  "sp",  "np",
                                             "adkim", "aspf", "pct", "fo"};
    bool key = false, dmarc = false;
    size_t i = 0;
    while (i < len) {
        while (i < len && is_wsp(text[i]))
            i++;
        size_t name = i;
        while (i < len &&
               ((lower((unsigned char)text[i]) >= 'a' && lower((unsigned char)text[i]) <= 'z') ||
                (text[i] >= '0' && text[i] <= '9') || text[i] == '_'))
            i++;
        size_t name_end = i;
        while (i < len && is_wsp(text[i]))
            i++;
        if (name_end > name && i < len && text[i] == '=') {
            const char *s = text + name;
            size_t n = name_end - name;
            if (n == 1 && (lower((unsigned char)s[0]) == 'p' || lower((unsigned char)s[0]) == 'k'))
                key = true;
            for (size_t k = 0; k < sizeof dmarc_only / sizeof *dmarc_only; k++)
                if (n == strlen(dmarc_only[k]) && prefix_ci(s, n, dmarc_only[k], n))
                    dmarc = true;
        }
        while (i < len && text[i] != ';')
            i++;
        i++;
    }
    return dmarc ? CONTENT_DMARC : key ? CONTENT_DKIM : CONTENT_NONE;
}

/* Label boundaries of a presentation-form name: a '.' ends a label unless
 * escaped (RFC 1035 §5.1: "\X" quotes X).  Fills starts[]/ends[] up to
 * `max` labels and returns how many there are (possibly more than max). */
static size_t split_labels(const char *s, size_t n, size_t *starts, size_t *ends, size_t max)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i + 1 < n && s[i] == '\\') {
            i++;
            continue;
        }
        if (i == n || s[i] == '.') {
            if (i == n && i == start && count > 0)
                break; /* nothing after a final dot */
            if (count < max) {
                starts[count] = start;
                ends[count] = i;
            }
            count++;
            start = i + 1;
        }
    }
    return count;
}

#define KIND_LABELS_MAX 128 /* a name has at most 127 labels (255 octets) */

enum zone_kind zone_detect_kind(const char *owner, size_t owner_len, const char *text, size_t len,
                                struct zone_owner_parts *parts)
{
    struct zone_owner_parts local;
    struct zone_owner_parts *p = parts ? parts : &local;
    memset(p, 0, sizeof *p);

    if (owner_len > 0 && owner[owner_len - 1] == '.') {
        size_t backslashes = 0; /* odd: the dot is escaped (a\.) */
        while (backslashes + 1 < owner_len && owner[owner_len - 2 - backslashes] == '\\')
            backslashes++;
        if (backslashes % 2 == 0)
            owner_len--;
    }
    /* Every owner form that matters has a label starting with '_': most
     * owners have none, and need no splitting. */
    size_t starts[KIND_LABELS_MAX], ends[KIND_LABELS_MAX];
    size_t nlabels = 0;
    if (owner_len && memchr(owner, '_', owner_len)) {
        nlabels = split_labels(owner, owner_len, starts, ends, KIND_LABELS_MAX);
        if (nlabels > KIND_LABELS_MAX)
            nlabels = KIND_LABELS_MAX;
    }

    /* The owner forms: _dmarc.<d> (RFC 9989 §4.10), <sel>._domainkey.<d>
     * (RFC 6376 §3.6.2.1), <d>._report._dmarc.<host> (RFC 9989 §11). */
    bool dmarc_owner = nlabels >= 1 && label_is(owner, starts[0], ends[0], "_dmarc");
    size_t report_at = 0, key_at = 0;
    for (size_t i = 1; i + 1 < nlabels && !report_at; i++)
        if (label_is(owner, starts[i], ends[i], "_report") &&
            label_is(owner, starts[i + 1], ends[i + 1], "_dmarc"))
            report_at = i;
    for (size_t i = 1; i < nlabels && !key_at; i++)
        if (label_is(owner, starts[i], ends[i], "_domainkey"))
            key_at = i;

    enum content c = content_version(text, len);
    if (c == CONTENT_NONE) {
        if (report_at || dmarc_owner)
            c = CONTENT_DMARC;
        else if (key_at)
            c = CONTENT_DKIM;
        else
            c = content_tags(text, len);
    }

    /* By default the record belongs to its owner. */
    p->domain_start = 0;
    p->domain_len = owner_len;
    enum zone_kind kind = ZONE_KIND_OTHER;
    switch (c) {
    case CONTENT_SPF:
    case CONTENT_SENDER_ID:
        kind = c == CONTENT_SPF ? ZONE_KIND_SPF : ZONE_KIND_SENDER_ID;
        p->mismatch = dmarc_owner || report_at || key_at;
        break;
    case CONTENT_DMARC:
        if (report_at) {
            kind = ZONE_KIND_DMARC_REPORT;
            p->report_start = 0;
            p->report_len = ends[report_at - 1];
            size_t host = report_at + 2;
            p->domain_start = host < nlabels ? starts[host] : owner_len;
            p->domain_len = owner_len - p->domain_start;
        } else {
            kind = ZONE_KIND_DMARC;
            if (dmarc_owner) {
                p->domain_start = nlabels > 1 ? starts[1] : owner_len;
                p->domain_len = owner_len - p->domain_start;
            } else {
                p->mismatch = true;
            }
        }
        break;
    case CONTENT_DKIM:
        kind = ZONE_KIND_DKIM_KEY;
        if (key_at) {
            p->selector_start = 0;
            p->selector_len = ends[key_at - 1];
            p->domain_start = key_at + 1 < nlabels ? starts[key_at + 1] : owner_len;
            p->domain_len = owner_len - p->domain_start;
        } else {
            p->mismatch = true;
        }
        break;
    case CONTENT_NONE:
        break;
    }
    return kind;
}
