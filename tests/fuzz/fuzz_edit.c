/* Fuzz the editing calls of the SPF, DMARC and DKIM key tabs with
 * fuzz-chosen operations.  Input: a mode byte (SPF, DMARC, DKIM key), a
 * length-prefixed starting record, then operations (an op byte and its
 * arguments) until the input ends.  After each call:
 *   - success: the model is what its formatter writes, i.e. parsing
 *     format(m) gives a model *_equal to m, with spans inside that text;
 *   - failure: the model is unchanged (its formatted text is the same). */
#include "fuzz_common.h"

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/spf.h"

#define MAX_OPS 24

static void take_name(struct fuzz_in *in, char *buf, size_t cap, const char *const *names,
                      size_t nnames)
{
    unsigned pick = fuzz_byte(in);
    if (pick < 200) {
        snprintf(buf, cap, "%s", names[pick % nnames]);
        return;
    }
    const char *p;
    size_t n = fuzz_take(in, cap - 1, &p);
    memcpy(buf, p, n);
    buf[n] = '\0';
}

static bool same_text(const struct strbuf *a, const struct strbuf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* ---------------------------------------------------------------- SPF */

/* FUZZ_TRACE=1 in the environment prints each operation and its result. */
static bool tracing(void)
{
    static int on = -1;
    if (on < 0)
        on = getenv("FUZZ_TRACE") != NULL;
    return on;
}

static void spf_after(struct spf_record *r, bool ok, const struct strbuf *before,
                      struct diag_list *why, int op)
{
    struct strbuf now = STRBUF_INIT;
    spf_format(r, &now);
    fuzz_check_strbuf(&now);
    if (tracing())
        fprintf(stderr, "spf op %d -> %d: '%s' (text_len %zu)\n", op, ok, strbuf_cstr(&now),
                r->text_len);
    if (!ok) {
        fuzz_check(same_text(before, &now), "spf op %d failed but changed the model:\n%s\n%s", op,
                   strbuf_cstr(before), strbuf_cstr(&now));
    } else if (!now.failed) {
        struct spf_record again;
        spf_record_init(&again);
        if (spf_parse(&again, now.data ? now.data : "", now.len, NULL)) {
            fuzz_check(spf_equal(r, &again), "spf op %d: model differs from parse of\n%s", op,
                       strbuf_cstr(&now));
            fuzz_check(r->text_len == now.len, "spf op %d: text_len %zu, formatted %zu", op,
                       r->text_len, now.len);
            for (size_t i = 0; i < r->count; i++)
                fuzz_check_span(r->terms[i].whole.start, r->terms[i].whole.end, now.len,
                                "edited spf term");
        }
        spf_record_free(&again);
    }
    fuzz_check_diags(why, (size_t)-1);
    strbuf_free(&now);
}

static void run_spf(struct fuzz_in *in, const char *text, size_t len)
{
    struct spf_record r;
    struct diag_list why;
    struct strbuf before = STRBUF_INIT, val = STRBUF_INIT;
    spf_record_init(&r);
    diag_list_init(&why);
    if (!spf_parse(&r, text, len, &why))
        goto done;
    for (int k = 0; k < MAX_OPS && in->n > 0; k++) {
        int op = (int)(fuzz_byte(in) % 8);
        /* Every other call passes no list: the APIs accept NULL. */
        struct diag_list *w = (k & 1) ? NULL : &why;
        size_t index = fuzz_byte(in) % (r.count + 2);
        strbuf_reset(&before);
        spf_format(&r, &before);
        diag_list_reset(&why);
        const char *v;
        size_t vlen;
        bool ok = true;
        switch (op) {
        case 0: {
            enum spf_term_kind kind = (enum spf_term_kind)(fuzz_byte(in) % SPF_TERM_KIND_COUNT);
            enum spf_qualifier q = (enum spf_qualifier)(fuzz_byte(in) % 5);
            vlen = fuzz_take(in, 80, &v);
            ok = spf_term_insert(&r, index, kind, q, v, vlen, w);
            if (tracing())
                fprintf(stderr, "insert at %zu kind %d q %d value '%.*s'\n", index, (int)kind,
                        (int)q, (int)vlen, v);
            break;
        }
        case 1:
            ok = spf_term_remove(&r, index, w);
            break;
        case 2:
            ok = spf_term_move(&r, index, fuzz_byte(in) & 1, w);
            break;
        case 3:
            ok = spf_term_set_qualifier(&r, index, (enum spf_qualifier)(fuzz_byte(in) % 5), w);
            break;
        case 4:
            vlen = fuzz_take(in, 80, &v);
            ok = spf_term_set_value(&r, index, v, vlen, w);
            break;
        case 5:
            ok = spf_set_version(&r, w);
            break;
        case 6: {
            /* Set a term's value to what spf_term_value says it is: no-op. */
            strbuf_reset(&val);
            spf_term_value(&r, index, &val);
            fuzz_check_strbuf(&val);
            if (index >= r.count || val.failed)
                continue; /* nothing was called */
            unsigned flags_before = r.terms[index].flags;
            {
                ok = spf_term_set_value(&r, index, strbuf_cstr(&val), val.len, w);
                /* Only for well-formed terms: a malformed a/mx/ptr such as
                 * "a.b" shows value ".b", which writes back as "a:.b". */
                if (ok && !(flags_before & SPF_TERM_ERROR)) {
                    struct strbuf now = STRBUF_INIT;
                    spf_format(&r, &now);
                    fuzz_check(same_text(&before, &now),
                               "setting term %zu's own value '%s' changed\n%s\ninto\n%s", index,
                               strbuf_cstr(&val), strbuf_cstr(&before), strbuf_cstr(&now));
                    strbuf_free(&now);
                }
            }
            break;
        }
        default: {
            enum spf_term_kind kind = (enum spf_term_kind)(fuzz_byte(in) % SPF_TERM_KIND_COUNT);
            vlen = fuzz_take(in, 80, &v);
            (void)spf_value_check(kind, v, vlen, &why);
            fuzz_check_diags(&why, vlen);
            continue;
        }
        }
        spf_after(&r, ok, &before, &why, op);
    }
done:
    strbuf_free(&before);
    strbuf_free(&val);
    diag_list_free(&why);
    spf_record_free(&r);
}

/* -------------------------------------------------------------- DMARC */

static const char *const dmarc_names[] = {"v",  "p",   "sp", "np",  "adkim", "aspf", "fo", "psd",
                                          "t",  "rua", "ruf", "pct", "rf",   "ri",   "P",  "x"};
static const char *const dmarc_values[] = {"DMARC1", "reject", "none", "quarantine", "s", "r",
                                           "1:d",    "y",      "n",    "100",        "mailto:a@example.com"};

static void dmarc_after(struct dmarc_record *r, bool ok, const struct strbuf *before,
                        struct diag_list *why, int op)
{
    struct strbuf now = STRBUF_INIT;
    dmarc_format(r, &now);
    fuzz_check_strbuf(&now);
    if (!ok) {
        fuzz_check(same_text(before, &now), "dmarc op %d failed but changed the model:\n%s\n%s",
                   op, strbuf_cstr(before), strbuf_cstr(&now));
    } else if (!now.failed) {
        struct dmarc_record again;
        dmarc_record_init(&again);
        if (dmarc_parse(&again, now.data ? now.data : "", now.len, NULL)) {
            fuzz_check(dmarc_equal(r, &again), "dmarc op %d: model differs from parse of\n%s", op,
                       strbuf_cstr(&now));
            for (size_t i = 0; i < r->count; i++)
                fuzz_check_span(r->tags[i].whole.start, r->tags[i].whole.end, now.len,
                                "edited dmarc tag");
        }
        dmarc_record_free(&again);
    }
    fuzz_check_diags(why, (size_t)-1);
    strbuf_free(&now);
}

static void run_dmarc(struct fuzz_in *in, const char *text, size_t len)
{
    struct dmarc_record r;
    struct diag_list why;
    struct strbuf before = STRBUF_INIT;
    char name[24];
    dmarc_record_init(&r);
    diag_list_init(&why);
    if (!dmarc_parse(&r, text, len, &why))
        goto done;
    for (int k = 0; k < MAX_OPS && in->n > 0; k++) {
        int op = (int)(fuzz_byte(in) % 6);
        /* Every other call passes no list: the APIs accept NULL. */
        struct diag_list *w = (k & 1) ? NULL : &why;
        strbuf_reset(&before);
        dmarc_format(&r, &before);
        diag_list_reset(&why);
        const char *v;
        size_t vlen;
        bool ok = true;
        switch (op) {
        case 0:
            take_name(in, name, sizeof name, dmarc_names,
                      sizeof dmarc_names / sizeof dmarc_names[0]);
            if (fuzz_byte(in) & 1) {
                v = dmarc_values[fuzz_byte(in) % (sizeof dmarc_values / sizeof dmarc_values[0])];
                vlen = strlen(v);
            } else {
                vlen = fuzz_take(in, 80, &v);
            }
            ok = dmarc_set_tag(&r, name, v, vlen, w);
            break;
        case 1:
            take_name(in, name, sizeof name, dmarc_names,
                      sizeof dmarc_names / sizeof dmarc_names[0]);
            ok = dmarc_remove_tag(&r, name, w);
            break;
        case 2:
            vlen = fuzz_take(in, 80, &v);
            ok = dmarc_add_uri(&r, (fuzz_byte(in) & 1) ? "ruf" : "rua", v, vlen, w);
            break;
        case 3: {
            const char *list = (fuzz_byte(in) & 1) ? "ruf" : "rua";
            ok = dmarc_remove_uri(&r, list, fuzz_byte(in) % 6, w);
            break;
        }
        case 4: {
            static const char flags[] = "01dsx";
            unsigned b = fuzz_byte(in);
            ok = dmarc_set_fo_flag(&r, flags[b % 5], (b >> 4) & 1, w);
            break;
        }
        default:
            take_name(in, name, sizeof name, dmarc_names,
                      sizeof dmarc_names / sizeof dmarc_names[0]);
            vlen = fuzz_take(in, 80, &v);
            (void)dmarc_check_value(name, v, vlen, &why);
            fuzz_check_diags(&why, vlen);
            continue;
        }
        dmarc_after(&r, ok, &before, &why, op);
    }
done:
    strbuf_free(&before);
    diag_list_free(&why);
    dmarc_record_free(&r);
}

/* ----------------------------------------------------------- DKIM key */

static const char *const dkim_names[] = {"v", "h", "k", "n", "p", "s", "t", "g", "x", "V"};

static void dkim_after(struct dkim_key_record *r, bool ok, const struct strbuf *before, int op)
{
    struct strbuf now = STRBUF_INIT;
    dkim_key_format(r, &now);
    fuzz_check_strbuf(&now);
    if (!ok) {
        fuzz_check(same_text(before, &now), "dkim op %d failed but changed the model:\n%s\n%s",
                   op, strbuf_cstr(before), strbuf_cstr(&now));
    } else if (!now.failed) {
        struct dkim_key_record again;
        dkim_key_record_init(&again);
        if (dkim_key_parse(&again, now.data ? now.data : "", now.len, NULL))
            fuzz_check(dkim_key_equal(r, &again), "dkim op %d: model differs from parse of\n%s",
                       op, strbuf_cstr(&now));
        dkim_key_record_free(&again);
    }
    strbuf_free(&now);
}

static void run_dkim(struct fuzz_in *in, const char *text, size_t len)
{
    struct dkim_key_record r;
    struct strbuf before = STRBUF_INIT, why = STRBUF_INIT;
    char name[24];
    dkim_key_record_init(&r);
    if (!dkim_key_parse(&r, text, len, NULL))
        goto done;
    for (int k = 0; k < MAX_OPS && in->n > 0; k++) {
        int op = (int)(fuzz_byte(in) % 5);
        /* Every other call passes no list: the APIs accept NULL. */
        struct strbuf *w = (k & 1) ? NULL : &why;
        strbuf_reset(&before);
        dkim_key_format(&r, &before);
        strbuf_reset(&why);
        const char *v;
        size_t vlen;
        bool ok = true;
        switch (op) {
        case 0:
            take_name(in, name, sizeof name, dkim_names, sizeof dkim_names / sizeof dkim_names[0]);
            vlen = fuzz_take(in, 120, &v);
            ok = dkim_key_set_tag(&r, name, v, vlen, w);
            break;
        case 1:
            take_name(in, name, sizeof name, dkim_names, sizeof dkim_names / sizeof dkim_names[0]);
            ok = dkim_key_remove_tag(&r, name, w);
            break;
        case 2: {
            unsigned b = fuzz_byte(in);
            ok = dkim_key_set_flag(&r, "ysx"[b % 3], (b >> 4) & 1, w);
            break;
        }
        case 3:
            vlen = fuzz_take(in, 255, &v);
            ok = dkim_key_set_p_from_paste(&r, v, vlen, NULL, w);
            break;
        default:
            take_name(in, name, sizeof name, dkim_names, sizeof dkim_names / sizeof dkim_names[0]);
            vlen = fuzz_take(in, 120, &v);
            (void)dkim_key_check_value(name, v, vlen, &why);
            fuzz_check_strbuf(&why);
            continue;
        }
        fuzz_check_strbuf(&why);
        dkim_after(&r, ok, &before, op);
    }
done:
    strbuf_free(&before);
    strbuf_free(&why);
    dkim_key_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    unsigned mode = fuzz_byte(&in) % 3;
    const char *text;
    size_t len = fuzz_take(&in, 255, &text);
    if (mode == 0)
        run_spf(&in, text, len);
    else if (mode == 1)
        run_dmarc(&in, text, len);
    else
        run_dkim(&in, text, len);
    return 0;
}
