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

/* drafts_zone_edit_drafts fills at most this many zone_edit entries. */
_Static_assert(DRAFTS_ZONE_MAX <= ZONE_EDIT_DRAFTS_MAX, "too many DKIM drafts for zone_edit");

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
    d->ndkim = 1;
    d->dkim_cur = 0;
    for (int i = 0; i < DRAFTS_DKIM_MAX; i++)
        record_init(&d->dkim_rec[i]);
}

void drafts_free(struct drafts *d)
{
    drafts_history_free(d);
    for (int s = 0; s < DRAFT_COUNT; s++)
        record_free(&d->rec[s]);
    for (int i = 0; i < DRAFTS_DKIM_MAX; i++)
        record_free(&d->dkim_rec[i]);
    diag_list_free(&d->cross);
}

void drafts_relint(struct drafts *d)
{
    const struct record *spf = d->rec[DRAFT_SPF].len ? &d->rec[DRAFT_SPF] : NULL;
    const struct record *dmarc = d->rec[DRAFT_DMARC].len ? &d->rec[DRAFT_DMARC] : NULL;
    /* Every DKIM draft's key counts (RFC 6376 §3.6.2.1: a signer may use
     * any published selector). */
    const struct record *dkim[DRAFTS_DKIM_MAX];
    size_t ndkim = 0;
    for (size_t i = 0; i < d->ndkim && i < DRAFTS_DKIM_MAX; i++) {
        const struct record *r = drafts_dkim_record(d, i);
        if (r && r->len)
            dkim[ndkim++] = r;
    }
    if (dmarc && dmarc->dmarc)
        dmarc_set_domain(d->rec[DRAFT_DMARC].dmarc, d->domain);
    diag_list_reset(&d->cross);
    cross_lint(d->domain, spf, dmarc, ndkim ? dkim : NULL, ndkim, &d->cross);
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
    if (drafts_dkim_find(d, name) >= 0) {
        diag_add(why, RULE_DRAFT_EDIT_REFUSED, 0, strlen(selector),
                 "selector '%s' already has a DKIM draft: pick it instead of renaming this one",
                 name);
        return false;
    }
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

size_t drafts_dkim_count(const struct drafts *d) { return d->ndkim; }

size_t drafts_dkim_current(const struct drafts *d) { return d->dkim_cur; }

const char *drafts_dkim_selector(const struct drafts *d, size_t index)
{
    if (index >= d->ndkim)
        return NULL;
    return index == d->dkim_cur ? d->selector : d->dkim_sel[index];
}

const struct record *drafts_dkim_record(const struct drafts *d, size_t index)
{
    if (index >= d->ndkim)
        return NULL;
    return index == d->dkim_cur ? &d->rec[DRAFT_DKIM] : &d->dkim_rec[index];
}

enum draft_origin drafts_dkim_origin(const struct drafts *d, size_t index)
{
    if (index >= d->ndkim)
        return DRAFT_ORIGIN_TEMPLATE;
    return index == d->dkim_cur ? d->origin[DRAFT_DKIM] : d->dkim_origin[index];
}

bool drafts_dkim_wanted(const struct drafts *d, size_t index)
{
    const struct record *r = drafts_dkim_record(d, index);
    return r && r->len > 0 && drafts_dkim_origin(d, index) != DRAFT_ORIGIN_TEMPLATE;
}

int drafts_dkim_find(const struct drafts *d, const char *selector)
{
    char name[DRAFTS_SELECTOR_MAX + 1];
    if (!selector || !set_name(name, sizeof name, selector, DRAFTS_SELECTOR_MAX, true))
        return -1;
    for (size_t i = 0; i < d->ndkim; i++)
        if (strcmp(drafts_dkim_selector(d, i), name) == 0)
            return (int)i;
    return -1;
}

/* Swap the DKIM draft being edited with stored draft `index`: no parse
 * (both are analyzed), cross lint re-run by the caller. */
static void dkim_swap(struct drafts *d, size_t index)
{
    size_t cur = d->dkim_cur;
    if (index == cur)
        return;
    /* The current one goes to its own place; `index` comes into the slot. */
    d->dkim_rec[cur] = d->rec[DRAFT_DKIM];
    memcpy(d->dkim_sel[cur], d->selector, sizeof d->selector);
    d->dkim_origin[cur] = d->origin[DRAFT_DKIM];
    d->rec[DRAFT_DKIM] = d->dkim_rec[index];
    memcpy(d->selector, d->dkim_sel[index], sizeof d->selector);
    d->origin[DRAFT_DKIM] = d->dkim_origin[index];
    record_init(&d->dkim_rec[index]);
    d->dkim_sel[index][0] = '\0';
    d->dkim_origin[index] = DRAFT_ORIGIN_TEMPLATE;
    d->dkim_cur = index;
}

bool drafts_dkim_select(struct drafts *d, size_t index)
{
    if (index >= d->ndkim)
        return false;
    if (index == d->dkim_cur)
        return true;
    struct drafts_snapshot before;
    if (!drafts_snapshot_take(d, &before))
        return false;
    dkim_swap(d, index);
    drafts_relint(d);
    drafts_history_record(d, &before, "select selector");
    return !d->cross.oom;
}

/* Append a stored DKIM draft (no history) and make it current; the text
 * is analyzed as a DKIM key.  False when full or out of memory. */
static bool dkim_append(struct drafts *d, const char *name, const char *text, size_t len,
                        enum draft_origin origin)
{
    if (d->ndkim >= DRAFTS_DKIM_MAX)
        return false;
    size_t at = d->ndkim++;
    dkim_swap(d, at); /* the new, empty place becomes current */
    memcpy(d->selector, name, strlen(name) + 1);
    d->origin[DRAFT_DKIM] = origin;
    return drafts_analyze_slot(d, DRAFT_DKIM, text, len);
}

bool drafts_dkim_add_selector(struct drafts *d, const char *selector, struct diag_list *why)
{
    char name[DRAFTS_SELECTOR_MAX + 1];
    if (!selector || !set_name(name, sizeof name, selector, DRAFTS_SELECTOR_MAX, true)) {
        refuse_name(why, "DKIM selector", selector ? selector : "");
        return false;
    }
    int have = drafts_dkim_find(d, name);
    if (have >= 0)
        return drafts_dkim_select(d, (size_t)have);
    if (d->ndkim >= DRAFTS_DKIM_MAX) {
        diag_add(why, RULE_DRAFT_EDIT_REFUSED, 0, strlen(selector),
                 "selector '%s' not added: the drafts hold at most %d DKIM selectors", name,
                 DRAFTS_DKIM_MAX);
        return false;
    }
    struct drafts_snapshot before;
    if (!drafts_snapshot_take(d, &before))
        return false;
    const char *t = template_text[DRAFT_DKIM];
    bool ok = dkim_append(d, name, t, strlen(t), DRAFT_ORIGIN_TEMPLATE);
    drafts_history_record(d, &before, "add selector");
    return ok;
}

void drafts_dkim_select_quiet(struct drafts *d, size_t index)
{
    if (index < d->ndkim)
        dkim_swap(d, index);
}

/* Forget every DKIM draft but the one being edited (a load starts anew). */
void drafts_dkim_reset(struct drafts *d)
{
    /* The one being edited stays in its slot and becomes number 0. */
    for (size_t i = 0; i < DRAFTS_DKIM_MAX; i++) {
        record_free(&d->dkim_rec[i]);
        record_init(&d->dkim_rec[i]);
        d->dkim_sel[i][0] = '\0';
        d->dkim_origin[i] = DRAFT_ORIGIN_TEMPLATE;
    }
    d->ndkim = 1;
    d->dkim_cur = 0;
}

static void dkim_owner(const struct drafts *d, const char *selector, struct strbuf *out)
{
    strbuf_printf(out, "%s._domainkey.%s", selector, d->domain);
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
        dkim_owner(d, d->selector, out);
        break;
    case DRAFT_COUNT:
        break;
    }
}

static void load_texts(struct drafts *d, const char *const texts[DRAFT_COUNT],
                       enum draft_origin origin)
{
    drafts_dkim_reset(d);
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
    if (d->ttl > ZONE_TTL_MAX) {
        diag_add(diags, RULE_ZONE_TOO_LARGE, 0, 0,
                 "the TTL %u is larger than DNS allows (%u, RFC 2181 §8)", d->ttl,
                 (unsigned)ZONE_TTL_MAX);
        return false;
    }
    bool ok = true;
    struct strbuf owners[DRAFTS_ZONE_MAX], scratch;
    struct zone_edit_draft zd[DRAFTS_ZONE_MAX];
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_init(&owners[i]);
    strbuf_init(&scratch);
    /* The zone writer's own rule decides (strings never split inside a
     * UTF-8 sequence, so a text of multi-byte characters fits a little
     * less than DRAFTS_TEXT_MAX): the check and the save cannot disagree. */
    scratch.limit = 8u << 20;
    size_t n = drafts_zone_edit_drafts(d, zd, owners);
    for (size_t i = 0; i < n; i++) {
        if (!zd[i].wanted)
            continue;
        strbuf_putc(&owners[i], '.');
        strbuf_reset(&scratch);
        struct zone_txt txt = {strbuf_cstr(&owners[i]), d->ttl, zd[i].text, zd[i].len};
        if (!zone_write_txt(&scratch, &txt, NULL) || scratch.failed) {
            ok = false;
            const char *kind = record_kind_name(zd[i].kind == ZONE_KIND_SPF     ? RECORD_SPF
                                                : zd[i].kind == ZONE_KIND_DMARC ? RECORD_DMARC
                                                                                : RECORD_DKIM_KEY);
            diag_add(diags, RULE_ZONE_TOO_LARGE, 0, zd[i].len,
                     "the %s draft is %zu bytes: one TXT record carries at most %u bytes of text "
                     "(65535 bytes of data, one length byte per 255-byte string); shorten it "
                     "before saving",
                     kind, zd[i].len, DRAFTS_TEXT_MAX);
        }
    }
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_free(&owners[i]);
    strbuf_free(&scratch);
    return ok;
}

size_t drafts_zone_edit_drafts(const struct drafts *d, struct zone_edit_draft *out,
                               struct strbuf *owners)
{
    size_t n = 0;
    for (int s = 0; s < DRAFT_DKIM; s++) {
        const struct record *r = &d->rec[s];
        strbuf_reset(&owners[n]);
        drafts_owner_name(d, (enum draft_slot)s, &owners[n]);
        out[n] = (struct zone_edit_draft){s == DRAFT_SPF ? ZONE_KIND_SPF : ZONE_KIND_DMARC,
                                          strbuf_cstr(&owners[n]),
                                          r->text ? r->text : "",
                                          r->len,
                                          d->ttl,
                                          false,
                                          drafts_slot_wanted(d, (enum draft_slot)s),
                                          r->len == 0 && d->origin[s] != DRAFT_ORIGIN_TEMPLATE};
        n++;
    }
    for (size_t i = 0; i < d->ndkim && n < DRAFTS_ZONE_MAX; i++) {
        const struct record *r = drafts_dkim_record(d, i);
        strbuf_reset(&owners[n]);
        dkim_owner(d, drafts_dkim_selector(d, i), &owners[n]);
        out[n] = (struct zone_edit_draft){ZONE_KIND_DKIM_KEY,
                                          strbuf_cstr(&owners[n]),
                                          r->text ? r->text : "",
                                          r->len,
                                          d->ttl,
                                          false,
                                          drafts_dkim_wanted(d, i),
                                          r->len == 0 &&
                                              drafts_dkim_origin(d, i) != DRAFT_ORIGIN_TEMPLATE};
        n++;
    }
    return n;
}

void drafts_to_zone(const struct drafts *d, struct strbuf *out)
{
    struct strbuf owners[DRAFTS_ZONE_MAX];
    struct zone_edit_draft zd[DRAFTS_ZONE_MAX];
    struct zone_edit_result res;
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_init(&owners[i]);
    size_t n = drafts_zone_edit_drafts(d, zd, owners);
    if (!zone_edit_fragment(d->domain, zd, n, out, &res)) {
        /* One draft does not fit in a DNS record: the others are written,
         * and a comment says which was not (a save checks sizes first). */
        for (size_t i = 0; i < n; i++)
            if (res.drafts[i].action == ZONE_EDIT_TOO_LONG) {
                zd[i].wanted = false;
                strbuf_printf(out,
                              "; the draft of %s is too long for one DNS record: not written\n",
                              zd[i].owner);
            }
        zone_edit_fragment(d->domain, zd, n, out, &res);
    }
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_free(&owners[i]);
}

/* Which draft slot a zone record fills, and the domain (and DKIM selector)
 * it is for.  The owner name decides first: any text at _dmarc.<d> is d's
 * DMARC draft and any text at <s>._domainkey.<d> its DKIM draft of
 * selector s, even when the text is of another kind, so a broken draft
 * saved there reopens with its diagnostics instead of being dropped (a
 * DMARC report authorization is no draft: zone_edit_rewrite never writes a
 * draft into one either).  At other names a TXT record carrying the SPF
 * draft marker (`marked`, see ZONE_EDIT_SPF_MARKER in zone_edit.h), an SPF
 * record or a text that starts "v=spf" (a broken one) is the SPF draft
 * (zone_edit_text_is_spf: the rule the writer uses).  DRAFT_COUNT: no
 * draft.  domain and selector receive lowercase names without the final
 * dot (truncated names give no slot). */
static enum draft_slot zone_slot(const struct zone_record *zr, bool marked, char *domain,
                                 size_t dsize, char *selector, size_t ssize)
{
    static const char dmarc[] = "_dmarc.", dkim[] = "._domainkey.";
    const char *o = zr->owner_lc;
    size_t n = strlen(o);
    if (n && o[n - 1] == '.')
        n--;
    selector[0] = '\0';
    if (zr->kind == ZONE_KIND_DMARC_REPORT)
        return DRAFT_COUNT;
    if (n > sizeof dmarc - 1 && strncmp(o, dmarc, sizeof dmarc - 1) == 0) {
        size_t dl = n - (sizeof dmarc - 1);
        if (dl >= dsize)
            return DRAFT_COUNT;
        memcpy(domain, o + sizeof dmarc - 1, dl);
        domain[dl] = '\0';
        return DRAFT_DMARC;
    }
    for (size_t i = 1; i + sizeof dkim - 1 < n; i++) {
        if (strncmp(o + i, dkim, sizeof dkim - 1) != 0)
            continue;
        size_t dl = n - i - (sizeof dkim - 1);
        if (i >= ssize || dl >= dsize)
            return DRAFT_COUNT;
        memcpy(selector, o, i);
        selector[i] = '\0';
        memcpy(domain, o + i + sizeof dkim - 1, dl);
        domain[dl] = '\0';
        return DRAFT_DKIM;
    }
    bool spf = marked || zone_edit_text_is_spf(zr->kind, zr->owner_mismatch, zr->text, zr->len);
    if (!spf || n >= dsize)
        return DRAFT_COUNT;
    memcpy(domain, o, n);
    domain[n] = '\0';
    return DRAFT_SPF;
}

/* How strongly a record claims its slot, so that the reader picks the
 * record zone_edit_rewrite writes the draft into: a marked TXT record
 * (class IN) first, then a TXT record of class IN, then anything else
 * (an SPF-type record, RFC 7208 §3.1, or another class), which the writer
 * never rewrites.  Of records that claim as strongly, the first. */
static int slot_rank(const struct zone_record *zr, bool marked)
{
    if (zr->type != ZONE_TYPE_TXT || zr->rclass != ZONE_CLASS_IN)
        return 0;
    return marked ? 2 : 1;
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
    int rank[DRAFT_COUNT] = {0, 0, 0}, dkim_rank[DRAFTS_DKIM_MAX] = {0};
    bool found = false, other = false, full = false;
    drafts_dkim_reset(d);
    for (size_t i = 0; i < z.count; i++) {
        const struct zone_record *zr = &z.records[i];
        char rdomain[DRAFTS_NAME_MAX + 2], rselector[DRAFTS_SELECTOR_MAX + 2];
        /* The marker counts on TXT records of class IN only, as in the
         * writer. */
        bool marked = slot_rank(zr, false) > 0 && zone_edit_record_marked(text, len, zr);
        enum draft_slot slot =
            zone_slot(zr, marked, rdomain, sizeof rdomain, rselector, sizeof rselector);
        if (slot == DRAFT_COUNT)
            continue;
        int r_rank = slot_rank(zr, marked && slot == DRAFT_SPF);
        if (!found) {
            if (!set_name(d->domain, sizeof d->domain, rdomain, DRAFTS_NAME_MAX, true))
                continue;
            d->ttl = zr->ttl;
            found = true;
        } else if (strcmp(rdomain, d->domain) != 0) {
            if (!other)
                diag_add(diags, RULE_ZONE_OTHER_DOMAIN, zr->start, zr->end,
                         "line %zu: a record of %s, not of %s: not opened (only one domain's "
                         "drafts are opened at a time)",
                         zr->line, rdomain, d->domain);
            other = true;
            continue;
        }
        if (slot == DRAFT_DKIM && have[slot]) {
            /* Every selector's key opens a DKIM draft: the first record of
             * each selector (a repeated owner is a zone mistake zone lint
             * reports). */
            char name[DRAFTS_SELECTOR_MAX + 1];
            if (!set_name(name, sizeof name, rselector, DRAFTS_SELECTOR_MAX, true))
                continue;
            int at = drafts_dkim_find(d, name);
            if (at >= 0) {
                if (r_rank > dkim_rank[at]) { /* the record a save would write */
                    drafts_dkim_select_quiet(d, (size_t)at);
                    drafts_analyze_slot(d, DRAFT_DKIM, zr->text, zr->len);
                    dkim_rank[at] = r_rank;
                }
                continue;
            }
            if (d->ndkim >= DRAFTS_DKIM_MAX) {
                if (!full)
                    diag_add(diags, RULE_ZONE_OTHER_DOMAIN, zr->start, zr->end,
                             "line %zu: DKIM key of selector %s not opened: the drafts hold at "
                             "most %d selectors",
                             zr->line, name, DRAFTS_DKIM_MAX);
                full = true;
                continue;
            }
            dkim_append(d, name, zr->text, zr->len, DRAFT_ORIGIN_LOADED);
            dkim_rank[d->ndkim - 1] = r_rank; /* room checked above */
            continue;
        }
        if (have[slot]) {
            /* The first of each kind is the draft, unless a later one
             * claims it more strongly (slot_rank). */
            if (r_rank > rank[slot]) {
                drafts_analyze_slot(d, slot, zr->text, zr->len);
                rank[slot] = r_rank;
            }
            continue;
        }
        if (slot == DRAFT_DKIM && !set_name(d->selector, sizeof d->selector, rselector,
                                            DRAFTS_SELECTOR_MAX, true))
            continue;
        drafts_analyze_slot(d, slot, zr->text, zr->len);
        d->origin[slot] = DRAFT_ORIGIN_LOADED;
        have[slot] = true;
        rank[slot] = r_rank;
        if (slot == DRAFT_DKIM)
            dkim_rank[d->dkim_cur] = r_rank;
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
    if (d->ndkim > 1)
        drafts_dkim_select_quiet(d, 0); /* the first in the file is edited */
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
    for (size_t i = 0; i < d->ndkim; i++) {
        int sev = diag_list_max_severity(&d->dkim_rec[i].diags);
        if (i != d->dkim_cur && d->dkim_rec[i].len && sev > worst)
            worst = sev;
    }
    return worst;
}
