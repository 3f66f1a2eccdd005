/* Fuzz the DKIM-Signature parser (field name, folding), lint (with and
 * without a clock), term view and formatter.  Input: the header text. */
#include "fuzz_dkim_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct dkim_sig_record r, again;
    struct diag_list diags;
    struct term_list terms;
    struct strbuf out = STRBUF_INIT, desc = STRBUF_INIT;

    dkim_sig_record_init(&r);
    dkim_sig_record_init(&again);
    diag_list_init(&diags);
    term_list_init(&terms);

    if (!dkim_sig_parse(&r, text, size, &diags))
        goto done;
    fuzz_check(r.text_len == size, "text_len");
    fuzz_check(r.value_start <= size, "value_start %zu", r.value_start);
    fuzz_check_dkim_tags(r.tags, r.count, r.first, DKIM_SIG_TAG_COUNT, size);
    dkim_sig_lint(&r, 0, &diags);
    dkim_sig_lint(&r, 1790000000LL, &diags);
    fuzz_check_diags(&diags, size);
    dkim_sig_terms(&r, &terms);
    fuzz_check_terms(&terms, size);
    for (size_t i = 0; i <= terms.count && i < 64; i++) {
        strbuf_reset(&desc);
        dkim_sig_term_describe(&r, i, &desc);
        fuzz_check_strbuf(&desc);
    }

    dkim_sig_format(&r, &out);
    fuzz_check_strbuf(&out);
    if (!out.failed) {
        diag_list_reset(&diags);
        if (dkim_sig_parse(&again, strbuf_cstr(&out), out.len, &diags)) {
            fuzz_check_dkim_tags(again.tags, again.count, again.first, DKIM_SIG_TAG_COUNT,
                                 out.len);
            fuzz_check_diags(&diags, out.len);
        }
    }

done:
    strbuf_free(&out);
    strbuf_free(&desc);
    term_list_free(&terms);
    diag_list_free(&diags);
    dkim_sig_record_free(&again);
    dkim_sig_record_free(&r);
    return 0;
}
