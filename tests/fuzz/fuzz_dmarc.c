/* Fuzz the DMARC parser, lint, term view, effect, formatter and the
 * discovery helpers that read raw text (dmarc_text_is_record,
 * dmarc_walk_names, dmarc_check_value).  Input: the record text. */
#include "fuzz_common.h"

#include "authtxt/dmarc.h"

static void check_model(const struct dmarc_record *r, size_t len)
{
    fuzz_check(r->text_len == len, "text_len %zu != %zu", r->text_len, len);
    fuzz_check(r->leading_space <= len, "leading_space %zu", r->leading_space);
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        fuzz_check((int)t->id >= 0 && t->id < DMARC_TAG_COUNT, "tag %zu id %d", i, (int)t->id);
        fuzz_check_span(t->whole.start, t->whole.end, len, "dmarc tag");
        fuzz_check_span(t->name.start, t->name.end, len, "dmarc name");
        fuzz_check_span(t->value.start, t->value.end, len, "dmarc value");
        fuzz_check(t->name_text && t->value_text, "tag %zu: NULL text", i);
        fuzz_check(t->name_text[t->name_len] == '\0' && t->name_len <= len, "tag %zu: name_len", i);
        fuzz_check(t->uri_count == 0 || t->uri_first + t->uri_count <= r->nuris,
                   "tag %zu: uris [%zu,+%zu) of %zu", i, t->uri_first, t->uri_count, r->nuris);
    }
    for (size_t i = 0; i < r->nuris; i++) {
        const struct dmarc_uri *u = &r->uris[i];
        fuzz_check(u->tag < r->count, "uri %zu: tag %zu", i, u->tag);
        fuzz_check_span(u->whole.start, u->whole.end, len, "dmarc uri");
        fuzz_check_span(u->size.start, u->size.end, len, "dmarc uri size");
        fuzz_check(u->text && u->text[u->len] == '\0' && u->len <= len, "uri %zu: text", i);
        if (u->host)
            fuzz_check(u->host_len <= DMARC_NAME_MAX + 1 || u->host_len <= len,
                       "uri %zu: host_len %zu", i, u->host_len);
    }
    for (size_t k = 0; k < DMARC_TAG_COUNT; k++)
        fuzz_check(r->first[k] == DMARC_NONE || r->first[k] < r->count, "first[%zu]", k);
    fuzz_check(r->pct >= -1 && r->pct <= 100, "pct %d", r->pct);
    fuzz_check(r->ri >= -1 && r->ri <= 4294967295LL, "ri %lld", r->ri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct dmarc_record r, again;
    struct diag_list diags;
    struct term_list terms;
    struct strbuf out = STRBUF_INIT, desc = STRBUF_INIT;
    struct dmarc_effect eff;
    struct dmarc_walk walk;

    dmarc_record_init(&r);
    dmarc_record_init(&again);
    diag_list_init(&diags);
    term_list_init(&terms);

    (void)dmarc_set_domain(&r, "example.com");
    if (!dmarc_parse(&r, text, size, &diags))
        goto done;
    check_model(&r, size);
    dmarc_lint(&r, &diags);
    fuzz_check_diags(&diags, size);

    dmarc_terms(&r, &terms);
    fuzz_check_terms(&terms, size);
    for (size_t i = 0; i <= terms.count && i < 64; i++) {
        strbuf_reset(&desc);
        dmarc_term_describe(&r, i, &desc);
        fuzz_check_strbuf(&desc);
    }
    dmarc_effect_compute(&r, &eff);
    strbuf_reset(&desc);
    dmarc_effect_describe(&eff, "example.com", &desc);
    fuzz_check_strbuf(&desc);
    (void)dmarc_is_enforcing(&r);
    (void)dmarc_has_rua(&r);

    dmarc_format(&r, &out);
    fuzz_check_strbuf(&out);
    if (!out.failed) {
        diag_list_reset(&diags);
        if (dmarc_parse(&again, strbuf_cstr(&out), out.len, &diags)) {
            check_model(&again, out.len);
            fuzz_check_diags(&diags, out.len);
        }
    }

    (void)dmarc_text_is_record(text, size);
    if (dmarc_walk_names(text, size, &walk)) {
        fuzz_check(walk.count >= 1 && walk.count <= DMARC_WALK_MAX, "walk count %zu", walk.count);
        for (size_t i = 0; i < walk.count; i++)
            fuzz_check(memchr(walk.steps[i].name, '\0', sizeof walk.steps[i].name) != NULL,
                       "walk step %zu not terminated", i);
    } else {
        fuzz_check(walk.count == 0, "failed walk with count %zu", walk.count);
    }
    static const char *const names[] = {"p", "sp", "np", "adkim", "aspf", "fo", "psd", "t",
                                        "rua", "ruf", "pct", "rf", "ri", "v", "x"};
    if (size > 0) {
        const char *name = names[data[0] % (sizeof names / sizeof names[0])];
        diag_list_reset(&diags);
        (void)dmarc_check_value(name, text + 1, size - 1, &diags);
        fuzz_check_diags(&diags, size - 1);
    }

done:
    strbuf_free(&out);
    strbuf_free(&desc);
    term_list_free(&terms);
    diag_list_free(&diags);
    dmarc_record_free(&again);
    dmarc_record_free(&r);
    return 0;
}
