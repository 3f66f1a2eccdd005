/* Fuzz the DKIM key record: parser (with the p= decoder and OpenSSL key
 * parsing), lint, term view, formatter; and the paste helper and the raw
 * key decoder on the same bytes.  Input: the record text. */
#include "fuzz_dkim_common.h"

static void check_info(const struct dkim_key_info *k, size_t len)
{
    if (k->status == DKIM_KEY_STATUS_BAD_BASE64)
        fuzz_check_span(k->bad_start, k->bad_end, len, "bad base64");
    fuzz_check(k->decoded_len <= DKIM_KEY_DER_MAX + 3 || k->problem == DKIM_KEY_PROBLEM_TOO_LARGE,
               "decoded_len %zu", k->decoded_len);
    fuzz_check(k->bits <= 1u << 20, "bits %u", k->bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct dkim_key_record r, again;
    struct diag_list diags;
    struct term_list terms;
    struct strbuf out = STRBUF_INIT, desc = STRBUF_INIT;
    struct dkim_paste report;
    struct dkim_key_info info;

    dkim_key_record_init(&r);
    dkim_key_record_init(&again);
    diag_list_init(&diags);
    term_list_init(&terms);

    if (!dkim_key_parse(&r, text, size, &diags))
        goto done;
    fuzz_check(r.text_len == size, "text_len");
    fuzz_check_dkim_tags(r.tags, r.count, r.first, DKIM_KEY_TAG_COUNT, size);
    check_info(&r.key, size);
    dkim_key_lint(&r, &diags);
    fuzz_check_diags(&diags, size);
    dkim_key_terms(&r, &terms);
    fuzz_check_terms(&terms, size);
    for (size_t i = 0; i <= terms.count && i < 64; i++) {
        strbuf_reset(&desc);
        dkim_key_term_describe(&r, i, &desc);
        fuzz_check_strbuf(&desc);
    }
    (void)dkim_key_get_type(&r);
    (void)dkim_key_get_bits(&r);
    (void)dkim_key_is_usable(&r);

    dkim_key_format(&r, &out);
    fuzz_check_strbuf(&out);
    if (!out.failed) {
        diag_list_reset(&diags);
        if (dkim_key_parse(&again, strbuf_cstr(&out), out.len, &diags)) {
            fuzz_check_dkim_tags(again.tags, again.count, again.first, DKIM_KEY_TAG_COUNT,
                                 out.len);
            fuzz_check_diags(&diags, out.len);
        }
    }

    /* The same bytes pasted into the key field, and decoded as p=. */
    strbuf_reset(&out);
    enum dkim_paste_status st = dkim_paste_key(text, size, &out, &report);
    fuzz_check_strbuf(&out);
    if (st == DKIM_PASTE_PRIVATE_KEY)
        fuzz_check(out.len == 0, "private key pasted but %zu bytes written", out.len);
    strbuf_reset(&desc);
    dkim_paste_describe(&report, &desc);
    fuzz_check_strbuf(&desc);
    if (size > 0) {
        static const enum dkim_key_type types[] = {DKIM_KEY_RSA, DKIM_KEY_ED25519,
                                                   DKIM_KEY_OTHER};
        dkim_key_decode(types[data[0] % 3], text + 1, size - 1, &info);
        check_info(&info, size - 1);
    }

done:
    strbuf_free(&out);
    strbuf_free(&desc);
    term_list_free(&terms);
    diag_list_free(&diags);
    dkim_key_record_free(&again);
    dkim_key_record_free(&r);
    return 0;
}
