/* One domain's drafts: three analyzed records, their cross lint, and their
 * form as a zone-file fragment.  See include/authtxt/drafts.h. */
#include "authtxt/drafts.h"

#include <string.h>

#include "authtxt/dmarc.h"
#include "authtxt/zone.h"

/* The 1024-bit RSA key of the built-in example: valid, and weak on purpose
 * (dkim-key-weak), so the example has something to fix. */
#define EXAMPLE_DKIM_KEY                                                                           \
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/9Ep3UzhLwCDqJh75ve/rLgBq/vOxmxuwQWAW9QlbJvIbttZwBi/"  \
    "TDT7j1YmjAOmCIlxJrYWmK+QSXvg0DL1tgVYb4oTjWQrZLEv8mYNGLXqOOPGHI87fkI/FfsPNSkPPrQE2m7M2IUYDPwF7" \
    "pxyt4wl+uc/nVtgcu7S2VD194wIDAQAB"

static const char *const example_text[DRAFT_COUNT] = {
    "v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all",
    "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com; fo=1",
    "v=DKIM1; k=rsa; p=" EXAMPLE_DKIM_KEY,
};

/* Clean templates: what a domain that sends mail from its own MX starts
 * from.  The DKIM key is empty until the user pastes one (dkim-revoked
 * says so). */
static const char *const template_text[DRAFT_COUNT] = {
    "v=spf1 mx -all",
    "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.com",
    "v=DKIM1; k=rsa; p=",
};

static const enum record_kind slot_kind[DRAFT_COUNT] = {RECORD_SPF, RECORD_DMARC, RECORD_DKIM_KEY};

enum record_kind drafts_slot_kind(enum draft_slot slot)
{
    return slot < DRAFT_COUNT ? slot_kind[slot] : RECORD_UNKNOWN;
}

void drafts_init(struct drafts *d)
{
    memset(d, 0, sizeof *d);
    strcpy(d->domain, "example.com");
    strcpy(d->selector, "s1");
    d->ttl = DRAFTS_DEFAULT_TTL;
    for (int s = 0; s < DRAFT_COUNT; s++)
        record_init(&d->rec[s]);
    diag_list_init(&d->cross);
}

void drafts_free(struct drafts *d)
{
    for (int s = 0; s < DRAFT_COUNT; s++)
        record_free(&d->rec[s]);
    diag_list_free(&d->cross);
}

static void relint(struct drafts *d)
{
    const struct record *spf = d->rec[DRAFT_SPF].len ? &d->rec[DRAFT_SPF] : NULL;
    const struct record *dmarc = d->rec[DRAFT_DMARC].len ? &d->rec[DRAFT_DMARC] : NULL;
    const struct record *dkim = d->rec[DRAFT_DKIM].len ? &d->rec[DRAFT_DKIM] : NULL;
    if (dmarc && dmarc->dmarc)
        dmarc_set_domain(d->rec[DRAFT_DMARC].dmarc, d->domain);
    diag_list_reset(&d->cross);
    cross_lint(d->domain, spf, dmarc, dkim ? &dkim : NULL, dkim ? 1 : 0, &d->cross);
}

bool drafts_set_text(struct drafts *d, enum draft_slot slot, const char *text, size_t len)
{
    if (slot >= DRAFT_COUNT)
        return true;
    struct record *r = &d->rec[slot];
    bool ok = true;
    if (len == 0) {
        record_free(r);
        record_init(r);
    } else {
        ok = record_analyze(r, slot_kind[slot], text, len, d->now);
    }
    relint(d);
    return ok && !d->cross.oom;
}

/* A host name as the drafts hold it: labels of 1..63 bytes of letters,
 * digits, '-', '_' or UTF-8 (an IDN in U-labels), at most 253 bytes, no
 * leading or trailing '-' in a label.  `multi` allows several labels. */
static bool name_ok(const char *s, size_t len, size_t max, bool multi)
{
    if (len == 0 || len > max)
        return false;
    size_t label = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)s[i] : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
                return false;
            if (i < len && !multi)
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c >= 0x80))
            return false;
        label++;
    }
    return true;
}

/* Copy a name lowercased (ASCII), without a final dot. */
static bool set_name(char *dst, size_t cap, const char *src, size_t max, bool multi)
{
    size_t len = strlen(src);
    if (len > 1 && src[len - 1] == '.')
        len--;
    if (!name_ok(src, len, max, multi) || len >= cap)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    dst[len] = '\0';
    return true;
}

bool drafts_set_domain(struct drafts *d, const char *domain)
{
    if (!set_name(d->domain, sizeof d->domain, domain, DRAFTS_NAME_MAX, true))
        return false;
    relint(d);
    return true;
}

bool drafts_set_selector(struct drafts *d, const char *selector)
{
    /* RFC 6376 §3.1: a selector may have several labels ("2026.eu"). */
    return set_name(d->selector, sizeof d->selector, selector, sizeof d->selector - 1, true);
}

void drafts_owner_name(const struct drafts *d, enum draft_slot slot, struct strbuf *out)
{
    switch (slot) {
    case DRAFT_SPF:
        strbuf_puts(out, d->domain);
        break;
    case DRAFT_DMARC:
        strbuf_printf(out, "_dmarc.%s", d->domain);
        break;
    case DRAFT_DKIM:
        strbuf_printf(out, "%s._domainkey.%s", d->selector, d->domain);
        break;
    case DRAFT_COUNT:
        break;
    }
}

bool drafts_slot_wanted(const struct drafts *d, enum draft_slot slot)
{
    if (slot >= DRAFT_COUNT || d->rec[slot].len == 0)
        return false;
    size_t n = strlen(template_text[slot]);
    return !(d->rec[slot].len == n && memcmp(d->rec[slot].text, template_text[slot], n) == 0);
}

static void load_texts(struct drafts *d, const char *const texts[DRAFT_COUNT])
{
    for (int s = 0; s < DRAFT_COUNT; s++)
        drafts_set_text(d, (enum draft_slot)s, texts[s], strlen(texts[s]));
}

void drafts_load_template(struct drafts *d)
{
    load_texts(d, template_text);
}

void drafts_load_example(struct drafts *d)
{
    drafts_set_domain(d, "example.com");
    drafts_set_selector(d, "s1");
    d->ttl = DRAFTS_DEFAULT_TTL;
    load_texts(d, example_text);
}

void drafts_to_zone(const struct drafts *d, struct strbuf *out)
{
    strbuf_printf(out, "; SPF, DMARC and DKIM drafts for %s, written by authtxt.\n", d->domain);
    strbuf_puts(out, "; Check them with: authtxt lint --zone FILE\n");
    zone_write_ttl(out, d->ttl);
    struct strbuf owner;
    strbuf_init(&owner);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *r = &d->rec[s];
        if (r->len == 0)
            continue;
        strbuf_reset(&owner);
        drafts_owner_name(d, (enum draft_slot)s, &owner);
        strbuf_putc(&owner, '.');
        struct zone_txt txt = {strbuf_cstr(&owner), d->ttl, r->text, r->len};
        if (!zone_write_txt(out, &txt, NULL))
            strbuf_printf(out, "; the %s draft is too long for one DNS record: not written\n",
                          record_kind_name(r->kind));
    }
    strbuf_free(&owner);
}

/* Which draft slot a zone record fills, or DRAFT_COUNT for none. */
static enum draft_slot zone_slot(const struct zone_record *zr)
{
    switch (zr->kind) {
    case ZONE_KIND_SPF:
        return DRAFT_SPF;
    case ZONE_KIND_DMARC:
        return DRAFT_DMARC;
    case ZONE_KIND_DKIM_KEY:
        return DRAFT_DKIM;
    default:
        return DRAFT_COUNT;
    }
}

bool drafts_from_zone(struct drafts *d, const char *text, size_t len, struct diag_list *diags)
{
    struct zone z;
    zone_init(&z);
    if (!zone_read(&z, text, len, NULL, diags)) {
        zone_free(&z);
        return false;
    }
    bool have[DRAFT_COUNT] = {false, false, false};
    bool found = false, other = false;
    for (size_t i = 0; i < z.count; i++) {
        const struct zone_record *zr = &z.records[i];
        enum draft_slot slot = zone_slot(zr);
        if (slot == DRAFT_COUNT || zr->owner_mismatch)
            continue;
        if (!found) {
            if (!drafts_set_domain(d, zr->domain))
                continue;
            d->ttl = zr->ttl;
            found = true;
        } else if (strcmp(zr->domain, d->domain) != 0) {
            if (!other)
                diag_add(diags, RULE_ZONE_OTHER_DOMAIN, zr->start, zr->end,
                         "line %zu: a record of %s, not of %s: not opened (only one domain's "
                         "drafts are opened at a time)",
                         zr->line, zr->domain, d->domain);
            other = true;
            continue;
        }
        if (have[slot])
            continue; /* the first of each kind is the draft */
        if (slot == DRAFT_DKIM && !drafts_set_selector(d, zr->selector))
            continue;
        drafts_set_text(d, slot, zr->text, zr->len);
        have[slot] = true;
    }
    if (!found)
        diag_add(diags, RULE_ZONE_NO_DRAFTS, 0, 0,
                 "no SPF record, no DMARC record under _dmarc and no DKIM key under _domainkey "
                 "in the %zu TXT record%s of the file",
                 z.count, z.count == 1 ? "" : "s");
    /* A slot the file does not fill stays empty: the file is the truth. */
    for (int s = 0; found && s < DRAFT_COUNT; s++)
        if (!have[s])
            drafts_set_text(d, (enum draft_slot)s, "", 0);
    zone_free(&z);
    return found;
}

int drafts_max_severity(const struct drafts *d)
{
    int worst = diag_list_max_severity(&d->cross);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        int sev = diag_list_max_severity(&d->rec[s].diags);
        if (d->rec[s].len && sev > worst)
            worst = sev;
    }
    return worst;
}
