/* Every core entry point that takes a diagnostics list (or a `why` text)
 * called with NULL on fuzz input: the headers promise that NULL means "do
 * the work, report nothing".  Issue 9: the editor crashed typing
 * "v=DMARC1; p" because dmarc_parse dereferenced a NULL list, and the
 * fuzz harness had been changed to pass a list instead.  Input: any bytes,
 * used as a record, a value, a zone file and a DNS answer in turn. */
#include "fuzz_common.h"

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/dnsdata.h"
#include "authtxt/drafts.h"
#include "authtxt/record.h"
#include "authtxt/schema.h"
#include "authtxt/spf.h"
#include "authtxt/spf_tree.h"
#include "authtxt/zone.h"

static void run_spf(const char *text, size_t len)
{
    struct spf_record r;
    spf_record_init(&r);
    if (spf_parse(&r, text, len, NULL)) {
        spf_lint(&r, NULL);
        size_t at = r.count ? len % r.count : 0;
        spf_term_insert(&r, at, (enum spf_term_kind)(len % SPF_TERM_KIND_COUNT),
                        (enum spf_qualifier)(len % 5), text, len < 64 ? len : 64, NULL);
        spf_term_set_value(&r, at, text, len < 64 ? len : 64, NULL);
        spf_term_set_qualifier(&r, at, SPF_QUALIFIER_FAIL, NULL);
        spf_term_move(&r, at, len & 1, NULL);
        spf_term_remove(&r, at, NULL);
        spf_set_version(&r, NULL);
        spf_term_remove(&r, r.count + 3, NULL); /* refused: no such term */
    }
    for (int k = 0; k < SPF_TERM_KIND_COUNT; k++)
        spf_value_check((enum spf_term_kind)k, text, len, NULL);
    spf_domain_spec_check(text, len, 0, NULL);
    spf_explain_string_check(text, len, NULL);
    spf_record_free(&r);

    struct spf_tree t;
    spf_tree_init(&t);
    if (spf_tree_start_text(&t, "example.com", text, len))
        spf_tree_lint(&t, NULL);
    spf_tree_free(&t);
}

static const char *const dmarc_tags[] = {"v",  "p",  "sp",    "np",   "rua", "ruf", "fo", "pct",
                                         "rf", "ri", "adkim", "aspf", "t",   "psd", "x"};

static void run_dmarc(const char *text, size_t len)
{
    struct dmarc_record r;
    dmarc_record_init(&r);
    if (dmarc_parse(&r, text, len, NULL)) {
        dmarc_lint(&r, NULL);
        const char *tag = dmarc_tags[len % (sizeof dmarc_tags / sizeof dmarc_tags[0])];
        size_t v = len < 64 ? len : 64;
        dmarc_set_tag(&r, tag, text, v, NULL);
        dmarc_add_uri(&r, len & 1 ? "rua" : "ruf", text, v, NULL);
        dmarc_remove_uri(&r, "rua", len % 3, NULL);
        dmarc_set_fo_flag(&r, "01dsx"[len % 5], len & 2, NULL);
        dmarc_remove_tag(&r, tag, NULL);
    }
    for (size_t i = 0; i < sizeof dmarc_tags / sizeof dmarc_tags[0]; i++)
        dmarc_check_value(dmarc_tags[i], text, len, NULL);
    dmarc_record_free(&r);

    /* Discovery: the input as the TXT answer at _dmarc.example.com. */
    static struct dmarc_discovery disc; /* about 18 KiB: not on the stack */
    dmarc_discovery_init(&disc);
    if (dmarc_discovery_start(&disc, "mail.example.com", "example.com")) {
        struct dns_txt_answer a;
        dns_txt_answer_init(&a);
        a.status = DNS_OK;
        const char *strings[1] = {text};
        size_t lengths[1] = {len < 255 ? len : 255};
        if (dns_txt_answer_add(&a, strings, lengths, 1)) {
            for (size_t i = 0; i < disc.nsteps; i++) {
                struct dns_txt_answer copy;
                dns_txt_answer_init(&copy);
                copy.status = i == 0 ? DNS_NXDOMAIN : DNS_OK;
                if (i > 0)
                    dns_txt_answer_add(&copy, strings, lengths, 1);
                dmarc_discovery_set_answer(&disc, i, &copy);
                dns_txt_answer_free(&copy);
            }
        }
        dns_txt_answer_free(&a);
        dmarc_discovery_lint(&disc, NULL);
    }
    dmarc_discovery_free(&disc);
}

static void run_dkim(const char *text, size_t len)
{
    struct dkim_key_record k;
    dkim_key_record_init(&k);
    if (dkim_key_parse(&k, text, len, NULL)) {
        dkim_key_lint(&k, NULL);
        size_t v = len < 64 ? len : 64;
        dkim_key_set_tag(&k, len & 1 ? "n" : "p", text, v, NULL);
        dkim_key_set_flag(&k, "ysx"[len % 3], len & 2, NULL);
        dkim_key_remove_tag(&k, "t", NULL);
        dkim_key_set_p_from_paste(&k, text, len, NULL, NULL);
    }
    dkim_key_check_value("p", text, len, NULL);
    dkim_key_check_value("h", text, len, NULL);
    dkim_key_record_free(&k);

    struct dkim_sig_record g;
    dkim_sig_record_init(&g);
    if (dkim_sig_parse(&g, text, len, NULL))
        dkim_sig_lint(&g, 1700000000, NULL);
    dkim_sig_record_free(&g);
}

static void run_other(const char *text, size_t len)
{
    static const enum record_kind kinds[] = {RECORD_DMARC, RECORD_DKIM_KEY, RECORD_DKIM_SIG,
                                             RECORD_SPF};
    for (size_t k = 0; k < 4; k++) {
        size_t n;
        const struct schema_tag *rows = schema_tags(kinds[k], &n);
        for (size_t i = 0; i < n; i++)
            schema_check_value(kinds[k], rows[i].name, text, len, NULL);
    }

    struct zone z;
    zone_init(&z);
    zone_read(&z, text, len, len & 1 ? "example.com" : NULL, NULL);
    for (size_t i = 0; i < z.count; i++)
        zone_record_map_diags(&z, &z.records[i], NULL, NULL);
    zone_reset(&z);
    if (zone_open(&z, text, len, NULL, NULL))
        while (zone_next(&z, NULL))
            ;
    zone_free(&z);

    struct drafts d;
    drafts_init(&d);
    drafts_from_zone(&d, text, len, NULL);
    drafts_check_sizes(&d, NULL);
    for (int s = 0; s < DRAFT_COUNT; s++)
        drafts_set_text(&d, (enum draft_slot)s, text, len);
    size_t v = len < 64 ? len : 64;
    drafts_tag_set(&d, DRAFT_DMARC, "p", text, v, NULL);
    drafts_tag_set(&d, DRAFT_DKIM, "k", text, v, NULL);
    drafts_tag_flag(&d, DRAFT_DMARC, "fo", len ? text[0] : '0', true, NULL);
    drafts_uri_add(&d, "rua", text, v, NULL);
    drafts_dkim_paste_key(&d, text, len, NULL, NULL);
    drafts_spf_set_value(&d, 1, text, v, NULL);
    drafts_spf_insert(&d, 1, SPF_TERM_INCLUDE, SPF_QUALIFIER_NONE, text, v, NULL);
    drafts_set_domain_why(&d, "bad domain", NULL);
    drafts_check_sizes(&d, NULL);
    struct record *r[1] = {&d.rec[DRAFT_DKIM]};
    cross_lint(NULL, &d.rec[DRAFT_SPF], &d.rec[DRAFT_DMARC], (const struct record *const *)r, 1,
               NULL);
    record_count_severity(NULL, DIAG_ERROR);
    drafts_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    run_spf(text, size);
    run_dmarc(text, size);
    run_dkim(text, size);
    run_other(text, size);
    return 0;
}
