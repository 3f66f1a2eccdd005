/* One domain's drafts: three analyzed records, their cross lint, origins,
 * owner names, templates and their form as a zone-file fragment.  The
 * edit operations are in drafts_edit.c, the history in drafts_undo.c.  See
 * include/authtxt/drafts.h. */
#include "drafts_internal.h"

#include <stdio.h>
#include <string.h>

#include "authtxt/dmarc.h"
#include "authtxt/zone.h"
#include "authtxt/zone_edit.h"

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
 * says so).  The DMARC report address is at the drafts' domain
 * (TEMPLATE_RUA then the domain), and follows it while the DMARC draft is
 * an untouched template (drafts_set_domain). */
#define TEMPLATE_RUA "mailto:dmarc-reports@"
static const char *const template_text[DRAFT_COUNT] = {
    "v=spf1 mx -all",
    "v=DMARC1; p=quarantine; rua=" TEMPLATE_RUA "%s",
    "v=DKIM1; k=rsa; p=",
};

static const char *const minimal_text[DRAFT_COUNT] = {"v=spf1", "v=DMARC1", "v=DKIM1"};

const char *drafts_minimal_text(enum draft_slot slot)
{
    return slot < DRAFT_COUNT ? minimal_text[slot] : "";
}

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
    for (int s = 0; s < DRAFT_COUNT; s++) {
        record_init(&d->rec[s]);
        d->origin[s] = DRAFT_ORIGIN_TEMPLATE;
    }
    diag_list_init(&d->cross);
    d->history = NULL;
}

void drafts_free(struct drafts *d)
{
    drafts_history_free(d);
    for (int s = 0; s < DRAFT_COUNT; s++)
        record_free(&d->rec[s]);
    diag_list_free(&d->cross);
}

void drafts_relint(struct drafts *d)
{
    const struct record *spf = d->rec[DRAFT_SPF].len ? &d->rec[DRAFT_SPF] : NULL;
    const struct record *dmarc = d->rec[DRAFT_DMARC].len ? &d->rec[DRAFT_DMARC] : NULL;
    const struct record *dkim = d->rec[DRAFT_DKIM].len ? &d->rec[DRAFT_DKIM] : NULL;
    if (dmarc && dmarc->dmarc)
        dmarc_set_domain(d->rec[DRAFT_DMARC].dmarc, d->domain);
    diag_list_reset(&d->cross);
    cross_lint(d->domain, spf, dmarc, dkim ? &dkim : NULL, dkim ? 1 : 0, &d->cross);
}

bool drafts_record_analyze(struct drafts *d, enum draft_slot slot, const char *text, size_t len)
{
    struct record *r = &d->rec[slot];
    bool ok = record_analyze(r, slot_kind[slot], text, len, d->now);
    /* DMARC messages name the domain ("abuse of example.com"): a new model
     * learns it here and is analyzed once more, so the first analysis
     * reads like every later one. */
    if (ok && slot == DRAFT_DMARC && r->dmarc && strcmp(r->dmarc->domain, d->domain) != 0 &&
        dmarc_set_domain(r->dmarc, d->domain))
        ok = record_analyze(r, slot_kind[slot], text, len, d->now);
    return ok;
}

bool drafts_analyze_slot(struct drafts *d, enum draft_slot slot, const char *text, size_t len)
{
    if (slot >= DRAFT_COUNT)
        return true;
    struct record *r = &d->rec[slot];
    bool ok = true;
    if (len == 0) {
        record_free(r);
        record_init(r);
    } else {
        ok = drafts_record_analyze(d, slot, text, len);
    }
    drafts_relint(d);
    return ok && !d->cross.oom;
}

static bool same_text(const struct record *r, const char *text, size_t len)
{
    return r->len == len && (len == 0 || memcmp(r->text, text, len) == 0);
}

/* A raw replacement of one slot's text: one undo step, origin set. */
static bool replace_text(struct drafts *d, enum draft_slot slot, const char *text, size_t len,
                         enum draft_origin origin, const char *label)
{
    if (slot >= DRAFT_COUNT || len > RECORD_MAX_LEN)
        return false; /* record_analyze would not keep it: refuse, never drop it */
    if (same_text(&d->rec[slot], text, len) && d->origin[slot] == origin)
        return true; /* nothing changes: no step */
    struct drafts_snapshot before;
    if (!drafts_snapshot_take(d, &before))
        return false;
    bool ok = drafts_analyze_slot(d, slot, text, len);
    d->origin[slot] = origin;
    drafts_history_record(d, &before, label);
    return ok;
}

bool drafts_set_text(struct drafts *d, enum draft_slot slot, const char *text, size_t len)
{
    if (slot >= DRAFT_COUNT)
        return true;
    char label[DRAFTS_LABEL_MAX];
    snprintf(label, sizeof label, "raw edit %s", record_kind_name(slot_kind[slot]));
    /* Typing the same text again is no edit: the origin stays. */
    enum draft_origin origin =
        same_text(&d->rec[slot], text, len) ? d->origin[slot] : DRAFT_ORIGIN_COMPOSED;
    return replace_text(d, slot, text, len, origin, label);
}

bool drafts_replace(struct drafts *d, enum draft_slot slot, const char *text, size_t len,
                    enum draft_origin origin, const char *label)
{
    if (slot >= DRAFT_COUNT)
        return true;
    char buf[DRAFTS_LABEL_MAX];
    if (!label) {
        snprintf(buf, sizeof buf, "replace %s", record_kind_name(slot_kind[slot]));
        label = buf;
    }
    return replace_text(d, slot, text, len, origin, label);
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

static void refuse_name(struct diag_list *why, const char *what, const char *name)
{
    char snip[48];
    size_t n = strlen(name);
    snprintf(snip, sizeof snip, "%.40s%s", name, n > 40 ? "..." : "");
    for (char *p = snip; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    diag_add(why, RULE_DRAFT_EDIT_REFUSED, 0, n,
             "'%s' is not a %s: labels of letters, digits, '-' or '_' (1 to 63 bytes, no '-' at "
             "either end), separated by dots",
             snip, what);
}

/* The template DMARC draft's report address follows the domain: only while
 * the draft is an untouched template, so nothing the user wrote changes. */
static bool follow_domain(struct drafts *d, const char *old_domain)
{
    struct record *r = &d->rec[DRAFT_DMARC];
    if (d->origin[DRAFT_DMARC] != DRAFT_ORIGIN_TEMPLATE || r->len == 0)
        return true;
    char old_addr[sizeof TEMPLATE_RUA + DRAFTS_NAME_MAX];
    snprintf(old_addr, sizeof old_addr, "%s%s", TEMPLATE_RUA, old_domain);
    size_t olen = strlen(old_addr);
    const char *at = NULL;
    for (size_t i = 0; i + olen <= r->len; i++)
        if (memcmp(r->text + i, old_addr, olen) == 0 &&
            (i + olen == r->len || r->text[i + olen] == ';' || r->text[i + olen] == ',' ||
             r->text[i + olen] == ' ')) {
            at = r->text + i;
            break;
        }
    if (!at)
        return true;
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, r->text, (size_t)(at - r->text));
    strbuf_printf(&sb, "%s%s", TEMPLATE_RUA, d->domain);
    strbuf_append(&sb, at + olen, r->len - (size_t)(at - r->text) - olen);
    bool ok = !sb.failed && drafts_analyze_slot(d, DRAFT_DMARC, sb.data, sb.len);
    strbuf_free(&sb);
    return ok;
}

bool drafts_set_domain_why(struct drafts *d, const char *domain, struct diag_list *why)
{
    char name[DRAFTS_NAME_MAX + 1];
    if (!domain || !set_name(name, sizeof name, domain, DRAFTS_NAME_MAX, true)) {
        refuse_name(why, "domain name", domain ? domain : "");
        return false;
    }
    if (strcmp(name, d->domain) == 0)
        return true;
    struct drafts_snapshot before;
    if (!drafts_snapshot_take(d, &before))
        return false;
    char old[DRAFTS_NAME_MAX + 1];
    memcpy(old, d->domain, sizeof old);
    memcpy(d->domain, name, sizeof name);
    bool ok = follow_domain(d, old);
    /* The DMARC draft's messages name the domain: analyze it again (from
     * a copy: record_analyze reuses the record's own text buffer). */
    const struct record *r = &d->rec[DRAFT_DMARC];
    if (r->len && r->dmarc && strcmp(r->dmarc->domain, d->domain) != 0) {
        struct strbuf copy;
        strbuf_init(&copy);
        strbuf_append(&copy, r->text, r->len);
        ok = !copy.failed && drafts_analyze_slot(d, DRAFT_DMARC, copy.data, copy.len) && ok;
        strbuf_free(&copy);
    }
    drafts_relint(d);
    drafts_history_record(d, &before, "set domain");
    return ok;
}

bool drafts_set_domain(struct drafts *d, const char *domain)
{
    return drafts_set_domain_why(d, domain, NULL);
}

bool drafts_set_selector_why(struct drafts *d, const char *selector, struct diag_list *why)
{
    /* RFC 6376 §3.1: a selector may have several labels ("2026.eu"). */
    char name[DRAFTS_SELECTOR_MAX + 1];
    if (!selector || !set_name(name, sizeof name, selector, DRAFTS_SELECTOR_MAX, true)) {
        refuse_name(why, "DKIM selector", selector ? selector : "");
        return false;
    }
    if (strcmp(name, d->selector) == 0)
        return true;
    struct drafts_snapshot before;
    if (!drafts_snapshot_take(d, &before))
        return false;
    memcpy(d->selector, name, sizeof name);
    drafts_history_record(d, &before, "set selector");
    return true;
}

bool drafts_set_selector(struct drafts *d, const char *selector)
{
    return drafts_set_selector_why(d, selector, NULL);
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

static void load_texts(struct drafts *d, const char *const texts[DRAFT_COUNT],
                       enum draft_origin origin)
{
    for (int s = 0; s < DRAFT_COUNT; s++) {
        drafts_analyze_slot(d, (enum draft_slot)s, texts[s], strlen(texts[s]));
        d->origin[s] = origin;
    }
    drafts_history_reset(d);
}

void drafts_load_template(struct drafts *d)
{
    char dmarc[sizeof TEMPLATE_RUA + DRAFTS_NAME_MAX + 64];
    snprintf(dmarc, sizeof dmarc, template_text[DRAFT_DMARC], d->domain);
    const char *const texts[DRAFT_COUNT] = {template_text[DRAFT_SPF], dmarc,
                                            template_text[DRAFT_DKIM]};
    load_texts(d, texts, DRAFT_ORIGIN_TEMPLATE);
}

void drafts_load_example(struct drafts *d)
{
    set_name(d->domain, sizeof d->domain, "example.com", DRAFTS_NAME_MAX, true);
    set_name(d->selector, sizeof d->selector, "s1", DRAFTS_SELECTOR_MAX, true);
    d->ttl = DRAFTS_DEFAULT_TTL;
    /* The example is a worked record set for example.com, meant to be
     * edited and saved whole (unlike a template, whose empty DKIM p=
     * would revoke a real selector if published): COMPOSED. */
    load_texts(d, example_text, DRAFT_ORIGIN_COMPOSED);
}

bool drafts_slot_wanted(const struct drafts *d, enum draft_slot slot)
{
    return slot < DRAFT_COUNT && d->rec[slot].len > 0 &&
           d->origin[slot] != DRAFT_ORIGIN_TEMPLATE;
}

bool drafts_check_sizes(const struct drafts *d, struct diag_list *diags)
{
    bool ok = true;
    struct strbuf owner, scratch;
    strbuf_init(&owner);
    strbuf_init(&scratch);
    /* The zone writer's own rule decides (strings never split inside a
     * UTF-8 sequence, so a text of multi-byte characters fits a little
     * less than DRAFTS_TEXT_MAX): the check and the save cannot disagree. */
    scratch.limit = 8u << 20;
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *r = &d->rec[s];
        if (!drafts_slot_wanted(d, (enum draft_slot)s))
            continue;
        strbuf_reset(&owner);
        drafts_owner_name(d, (enum draft_slot)s, &owner);
        strbuf_putc(&owner, '.');
        strbuf_reset(&scratch);
        struct zone_txt txt = {strbuf_cstr(&owner), d->ttl, r->text, r->len};
        if (d->ttl > ZONE_TTL_MAX) {
            ok = false;
            diag_add(diags, RULE_ZONE_TOO_LARGE, 0, 0,
                     "the TTL %u is larger than DNS allows (%u, RFC 2181 §8)", d->ttl,
                     (unsigned)ZONE_TTL_MAX);
            break;
        }
        if (!zone_write_txt(&scratch, &txt, NULL) || scratch.failed) {
            ok = false;
            diag_add(diags, RULE_ZONE_TOO_LARGE, 0, r->len,
                     "the %s draft is %zu bytes: one TXT record carries at most %u bytes of text "
                     "(65535 bytes of data, one length byte per 255-byte string); shorten it "
                     "before saving",
                     record_kind_name(r->kind), r->len, DRAFTS_TEXT_MAX);
        }
    }
    strbuf_free(&owner);
    strbuf_free(&scratch);
    return ok;
}

void drafts_zone_edit_drafts(const struct drafts *d, struct zone_edit_draft *out,
                             struct strbuf *owners)
{
    static const enum zone_kind kinds[DRAFT_COUNT] = {ZONE_KIND_SPF, ZONE_KIND_DMARC,
                                                      ZONE_KIND_DKIM_KEY};
    for (int s = 0; s < DRAFT_COUNT; s++) {
        const struct record *r = &d->rec[s];
        strbuf_reset(&owners[s]);
        drafts_owner_name(d, (enum draft_slot)s, &owners[s]);
        out[s] = (struct zone_edit_draft){kinds[s],
                                          strbuf_cstr(&owners[s]),
                                          r->text ? r->text : "",
                                          r->len,
                                          d->ttl,
                                          false,
                                          drafts_slot_wanted(d, (enum draft_slot)s)};
    }
}

void drafts_to_zone(const struct drafts *d, struct strbuf *out)
{
    struct strbuf owners[DRAFT_COUNT];
    struct zone_edit_draft zd[DRAFT_COUNT];
    struct zone_edit_result res;
    for (int s = 0; s < DRAFT_COUNT; s++)
        strbuf_init(&owners[s]);
    drafts_zone_edit_drafts(d, zd, owners);
    if (!zone_edit_fragment(d->domain, zd, DRAFT_COUNT, out, &res)) {
        /* One draft does not fit in a DNS record: the others are written,
         * and a comment says which was not (a save checks sizes first). */
        for (int s = 0; s < DRAFT_COUNT; s++)
            if (res.drafts[s].action == ZONE_EDIT_TOO_LONG) {
                zd[s].wanted = false;
                strbuf_printf(out, "; the %s draft is too long for one DNS record: not written\n",
                              record_kind_name(drafts_slot_kind((enum draft_slot)s)));
            }
        zone_edit_fragment(d->domain, zd, DRAFT_COUNT, out, &res);
    }
    for (int s = 0; s < DRAFT_COUNT; s++)
        strbuf_free(&owners[s]);
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
            if (!set_name(d->domain, sizeof d->domain, zr->domain, DRAFTS_NAME_MAX, true))
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
        if (slot == DRAFT_DKIM && !set_name(d->selector, sizeof d->selector, zr->selector,
                                            DRAFTS_SELECTOR_MAX, true))
            continue;
        drafts_analyze_slot(d, slot, zr->text, zr->len);
        d->origin[slot] = DRAFT_ORIGIN_LOADED;
        have[slot] = true;
    }
    if (!found)
        diag_add(diags, RULE_ZONE_NO_DRAFTS, 0, 0,
                 "no SPF record, no DMARC record under _dmarc and no DKIM key under _domainkey "
                 "in the %zu TXT record%s of the file",
                 z.count, z.count == 1 ? "" : "s");
    /* A slot the file does not fill stays empty: the file is the truth. */
    for (int s = 0; found && s < DRAFT_COUNT; s++) {
        if (!have[s])
            drafts_analyze_slot(d, (enum draft_slot)s, "", 0);
        d->origin[s] = DRAFT_ORIGIN_LOADED;
    }
    if (found) {
        drafts_relint(d);
        drafts_history_reset(d);
    }
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
