/* Fuzz the front ends' entry point: record_analyze (kind detection, input
 * checks, parse, lint, term view), record_format and the round trip.
 * Input: one byte choosing the kind (0 and 5..255 detect it), then the
 * text.  Invariants: spans inside the text, and parse(format(m)) == m by
 * the kind's *_equal, and format is stable: format(parse(format(m))) ==
 * format(m).  A violation aborts and prints both texts. */
#include "fuzz_common.h"

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/record.h"
#include "authtxt/safetext.h"
#include "authtxt/spf.h"

static bool parsed(const struct record *r)
{
    switch (r->kind) {
    case RECORD_SPF:
        return r->spf != NULL;
    case RECORD_DMARC:
        return r->dmarc != NULL;
    case RECORD_DKIM_KEY:
        return r->dkim_key != NULL;
    case RECORD_DKIM_SIG:
        return r->dkim_sig != NULL;
    case RECORD_UNKNOWN:
        break;
    }
    return false;
}

static bool equal(const struct record *a, const struct record *b)
{
    switch (a->kind) {
    case RECORD_SPF:
        return spf_equal(a->spf, b->spf);
    case RECORD_DMARC:
        return dmarc_equal(a->dmarc, b->dmarc);
    case RECORD_DKIM_KEY:
        return dkim_key_equal(a->dkim_key, b->dkim_key);
    case RECORD_DKIM_SIG:
        return dkim_sig_equal(a->dkim_sig, b->dkim_sig);
    case RECORD_UNKNOWN:
        break;
    }
    return true;
}

static void dump(const char *what, const char *text, size_t len)
{
    fprintf(stderr, "%s (%zu bytes): \"", what, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "\"\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum record_kind kind = data[0] <= RECORD_DKIM_SIG ? (enum record_kind)data[0] : RECORD_UNKNOWN;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct record a, b;
    struct strbuf f1 = STRBUF_INIT, f2 = STRBUF_INIT, desc = STRBUF_INIT;

    record_init(&a);
    record_init(&b);
    (void)record_detect(text, len);
    if (!record_analyze(&a, kind, text, len, 1790000000LL))
        goto done;
    fuzz_check(a.len <= len, "record len %zu > %zu", a.len, len);
    fuzz_check_diags(&a.diags, a.len);
    fuzz_check_terms(&a.terms, a.len);
    fuzz_check(diag_list_status(&a.diags) >= 0 && diag_list_status(&a.diags) <= 2, "status");
    for (size_t i = 0; i < a.terms.count && i < 64; i++) {
        strbuf_reset(&desc);
        record_describe_term(&a, i, &desc);
        fuzz_check_strbuf(&desc);
    }

    record_format(&a, &f1);
    fuzz_check_strbuf(&f1);
    if (!parsed(&a) || f1.failed)
        goto done;

    /* The round trip: the formatted text parses to the same model. */
    if (!record_analyze(&b, a.kind, strbuf_cstr(&f1), f1.len, 1790000000LL))
        goto done;
    if (!parsed(&b))
        goto done; /* e.g. the model formatted to nothing: input-empty */
    if (!equal(&a, &b)) {
        dump("input", text, len);
        dump("format", f1.data, f1.len);
        fuzz_fail("%s: parse(format(m)) != m", record_kind_name(a.kind));
    }
    record_format(&b, &f2);
    if (!f2.failed && (f1.len != f2.len || memcmp(f1.data, f2.data, f1.len) != 0)) {
        dump("input", text, len);
        dump("format", f1.data, f1.len);
        dump("format again", strbuf_cstr(&f2), f2.len);
        fuzz_fail("%s: format is not stable", record_kind_name(a.kind));
    }

    /* The cross-record rules with this record in every role it can take. */
    {
        struct diag_list cross;
        diag_list_init(&cross);
        const struct record *dk[1] = {&a};
        cross_lint("example.com", a.kind == RECORD_SPF ? &a : NULL,
                   a.kind == RECORD_DMARC ? &a : NULL, dk, a.kind == RECORD_DKIM_KEY ? 1 : 0,
                   &cross);
        fuzz_check_diags(&cross, (size_t)-1);
        diag_list_free(&cross);
    }

done:
    strbuf_free(&f1);
    strbuf_free(&f2);
    strbuf_free(&desc);
    record_free(&b);
    record_free(&a);
    return 0;
}
