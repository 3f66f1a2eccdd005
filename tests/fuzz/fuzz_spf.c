/* Fuzz the SPF parser, lint, term view, descriptions and formatter.
 * Input: the record text.  Invariants: every span inside the text (terms,
 * names, values, diagnostics), index fields in range, counts bounded, the
 * formatter's output a valid strbuf that parses again. */
#include "fuzz_common.h"

#include "authtxt/spf.h"

static void check_model(const struct spf_record *r, size_t len)
{
    fuzz_check(r->count <= SPF_MAX_TERMS + 1, "%zu terms", r->count);
    fuzz_check(r->text_len == len, "text_len %zu != %zu", r->text_len, len);
    size_t prev_end = 0;
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *t = &r->terms[i];
        fuzz_check((int)t->kind >= 0 && t->kind < SPF_TERM_KIND_COUNT, "term %zu kind %d", i,
                   (int)t->kind);
        fuzz_check(t->name != NULL && t->value != NULL, "term %zu: NULL name/value", i);
        fuzz_check_span(t->whole.start, t->whole.end, len, "spf term");
        fuzz_check_span(t->name_span.start, t->name_span.end, len, "spf name");
        fuzz_check_span(t->value_span.start, t->value_span.end, len, "spf value");
        fuzz_check(t->whole.start >= prev_end, "term %zu starts at %zu before %zu", i,
                   t->whole.start, prev_end);
        prev_end = t->whole.end;
        fuzz_check(t->dup_of == SPF_NONE || t->dup_of < i, "term %zu dup_of %zu", i, t->dup_of);
        fuzz_check(t->lookups >= 0 && t->lookups <= 1, "term %zu lookups %d", i, t->lookups);
    }
    fuzz_check(r->all_index == SPF_NONE || r->all_index < r->count, "all_index");
    fuzz_check(r->redirect_index == SPF_NONE || r->redirect_index < r->count, "redirect_index");
    fuzz_check(r->exp_index == SPF_NONE || r->exp_index < r->count, "exp_index");
    fuzz_check(r->lookups >= 0 && (size_t)r->lookups <= r->count, "lookups %d", r->lookups);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct spf_record r, again;
    struct diag_list diags;
    struct term_list terms;
    struct strbuf out = STRBUF_INIT, desc = STRBUF_INIT;

    spf_record_init(&r);
    spf_record_init(&again);
    diag_list_init(&diags);
    term_list_init(&terms);

    if (!spf_parse(&r, text, size, &diags))
        goto done;
    check_model(&r, size);
    spf_lint(&r, &diags);
    fuzz_check_diags(&diags, size);

    spf_terms(&r, &terms);
    fuzz_check(terms.oom || terms.count == r.count, "term view %zu != %zu", terms.count, r.count);
    fuzz_check_terms(&terms, size);
    for (size_t i = 0; i <= r.count && i < 64; i++) {
        strbuf_reset(&desc);
        spf_term_describe(&r, i, &desc);
        fuzz_check_strbuf(&desc);
        strbuf_reset(&desc);
        spf_term_value(&r, i, &desc);
        fuzz_check_strbuf(&desc);
    }
    (void)spf_all_qualifier(&r);
    const char *target = NULL;
    if (spf_has_effective_redirect(&r, &target) && target)
        fuzz_check(strlen(target) <= size, "redirect target longer than the text");
    for (size_t i = spf_next_include(&r, 0); i != SPF_NONE; i = spf_next_include(&r, i + 1))
        fuzz_check(i < r.count && r.terms[i].kind == SPF_TERM_INCLUDE, "next_include %zu", i);

    spf_format(&r, &out);
    fuzz_check_strbuf(&out);
    if (!out.failed) {
        diag_list_reset(&diags);
        if (spf_parse(&again, strbuf_cstr(&out), out.len, &diags)) {
            check_model(&again, out.len);
            fuzz_check_diags(&diags, out.len);
        }
    }
    (void)spf_explain_string_check(text, size, NULL);
    (void)spf_domain_spec_check(text, size, 0, NULL);

done:
    strbuf_free(&out);
    strbuf_free(&desc);
    term_list_free(&terms);
    diag_list_free(&diags);
    spf_record_free(&again);
    spf_record_free(&r);
    return 0;
}
