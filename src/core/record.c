/* One record of any kind: detection, input checks, and dispatch to the
 * kind's parser and lint (see record.h).  The only place that knows which
 * module handles which kind. */
#include "authtxt/record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "authtxt/safetext.h"
#include "authtxt/spf.h"

static const char *const kind_names[] = {"unknown", "spf", "dmarc", "dkim", "dkim-sig"};
static const char *const kind_titles[] = {"Unknown record", "SPF record", "DMARC policy record",
                                          "DKIM key record", "DKIM-Signature header"};

const char *record_kind_name(enum record_kind kind)
{
    return (unsigned)kind < 5 ? kind_names[kind] : kind_names[0];
}

const char *record_kind_title(enum record_kind kind)
{
    return (unsigned)kind < 5 ? kind_titles[kind] : kind_titles[0];
}

bool record_kind_parse(const char *name, enum record_kind *kind)
{
    for (unsigned i = 1; i < 5; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (enum record_kind)i;
            return true;
        }
    if (strcmp(name, "dkim-key") == 0) {
        *kind = RECORD_DKIM_KEY;
        return true;
    }
    return false;
}

static unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive prefix test on (text, len). */
static bool has_prefix_ci(const char *text, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)text[i]) != (unsigned char)prefix[i])
            return false;
    return true;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Does the text hold a tag "name=" at the start or after a ';'? */
static bool has_tag(const char *text, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && text[i - 1] != ';')
            continue;
        size_t j = i;
        while (j < len && is_space(text[j]))
            j++;
        if (len - j > n && memcmp(text + j, name, n) == 0) {
            size_t k = j + n;
            while (k < len && is_space(text[k]))
                k++;
            if (k < len && text[k] == '=')
                return true;
        }
    }
    return false;
}

enum record_kind record_detect(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && is_space(text[i]))
        i++;
    const char *s = text + i;
    size_t n = len - i;
    if (has_prefix_ci(s, n, "dkim-signature:"))
        return RECORD_DKIM_SIG;
    if (spf_text_classify(s, n) != SPF_TEXT_NOT_SPF)
        return RECORD_SPF;
    if (has_prefix_ci(s, n, "v=dmarc1") || has_prefix_ci(s, n, "v = dmarc1"))
        return RECORD_DMARC;
    if (has_prefix_ci(s, n, "v=dkim1"))
        return RECORD_DKIM_KEY;
    /* Without a version tag: a signature has b= and bh= (and d=, s=);
     * a key record has p= (and maybe k=). */
    if (has_tag(s, n, "bh") && has_tag(s, n, "b"))
        return RECORD_DKIM_SIG;
    if (has_prefix_ci(s, n, "v=1;") && has_tag(s, n, "d"))
        return RECORD_DKIM_SIG;
    if (has_tag(s, n, "p") && !has_tag(s, n, "rua") && !has_tag(s, n, "sp"))
        return RECORD_DKIM_KEY;
    if (has_tag(s, n, "p") || has_tag(s, n, "rua"))
        return RECORD_DMARC;
    if (has_prefix_ci(s, n, "spf1") || has_prefix_ci(s, n, "v=spf"))
        return RECORD_SPF;
    return RECORD_UNKNOWN;
}

void record_init(struct record *r) { memset(r, 0, sizeof *r); }

void record_free(struct record *r)
{
    free(r->text);
    term_list_free(&r->terms);
    diag_list_free(&r->diags);
    if (r->spf)
        spf_record_free(r->spf);
    if (r->dmarc)
        dmarc_record_free(r->dmarc);
    if (r->dkim_key)
        dkim_key_record_free(r->dkim_key);
    if (r->dkim_sig)
        dkim_sig_record_free(r->dkim_sig);
    free(r->spf);
    free(r->dmarc);
    free(r->dkim_key);
    free(r->dkim_sig);
    memset(r, 0, sizeof *r);
}

/* Length of the leading run of text[0..len) that is ASCII without NUL
 * (bytes 0x01-0x7f), word by word: a word has a 0 byte when
 * (w - 0x01..) & ~w has a high bit set, a byte >= 0x80 when w does. */
static size_t ascii_nonzero_prefix(const char *text, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, text + i, sizeof w);
        if (((w - ones) | w) & highs)
            break;
    }
    while (i < len && (unsigned char)text[i] - 1u < 0x7fu)
        i++;
    return i;
}

/* Input checks that come before any grammar: the text must be something a
 * record can be.  Returns false when parsing should not even start. */
static bool check_input(struct record *r)
{
    if (r->len > RECORD_MAX_LEN) {
        diag_add(&r->diags, RULE_INPUT_TOO_LONG, 0, 0,
                 "the input is %zu bytes; authtxt reads records up to %u bytes (a TXT record "
                 "set fits in 64 KiB)",
                 r->len, (unsigned)RECORD_MAX_LEN);
        return false;
    }
    size_t i = 0;
    while (i < r->len && is_space(r->text[i]))
        i++;
    if (i == r->len) {
        diag_add(&r->diags, RULE_INPUT_EMPTY, 0, r->len, "the input is empty%s: give a record",
                 r->len ? " (only whitespace)" : "");
        return false;
    }
    /* Nearly every record is ASCII without NUL: check 8 bytes at a time and
     * leave the byte-wise checks to the rest, from the first byte that is
     * 0 or >= 0x80. */
    size_t ascii = ascii_nonzero_prefix(r->text, r->len);
    if (ascii == r->len)
        return true;
    const char *nul = memchr(r->text + ascii, '\0', r->len - ascii);
    if (nul) {
        size_t at = (size_t)(nul - r->text);
        diag_add(&r->diags, RULE_INPUT_NUL, at, at + 1,
                 "a NUL byte at offset %zu: a record is text; this input is binary or was cut "
                 "badly",
                 at);
    }
    for (size_t k = ascii; k < r->len;) {
        if ((unsigned char)r->text[k] < 0x80) {
            k++;
            continue;
        }
        size_t n = safetext_utf8_char(r->text + k, r->len - k);
        if (n == 0) {
            diag_add(&r->diags, RULE_INPUT_BAD_UTF8, k, k + 1,
                     "byte 0x%02x at offset %zu is not valid UTF-8: the text was damaged or is "
                     "in another encoding",
                     (unsigned char)r->text[k], k);
            break; /* one is enough: the rest is likely the same damage */
        }
        k += n;
    }
    return true;
}

/* Allocate and initialise the typed model on first use; keep it after. */
#define MODEL(r, field, init)                                                                      \
    ((r)->field ? true : ((r)->field = malloc(sizeof *(r)->field)) ? (init((r)->field), true) : false)

/* Lint the parsed model of r and build its term view. */
static void lint_and_terms(struct record *r, long long now)
{
    switch (r->kind) {
    case RECORD_SPF:
        spf_lint(r->spf, &r->diags);
        if (!r->skip_terms)
            spf_terms(r->spf, &r->terms);
        break;
    case RECORD_DMARC:
        dmarc_lint(r->dmarc, &r->diags);
        if (!r->skip_terms)
            dmarc_terms(r->dmarc, &r->terms);
        break;
    case RECORD_DKIM_KEY:
        dkim_key_lint(r->dkim_key, &r->diags);
        if (!r->skip_terms)
            dkim_key_terms(r->dkim_key, &r->terms);
        break;
    case RECORD_DKIM_SIG:
        dkim_sig_lint(r->dkim_sig, now, &r->diags);
        if (!r->skip_terms)
            dkim_sig_terms(r->dkim_sig, &r->terms);
        break;
    case RECORD_UNKNOWN:
        break;
    }
}

static bool analyze_kind(struct record *r, long long now)
{
    bool ok = true;
    switch (r->kind) {
    case RECORD_SPF:
        ok = MODEL(r, spf, spf_record_init) && spf_parse(r->spf, r->text, r->len, &r->diags);
        break;
    case RECORD_DMARC:
        ok = MODEL(r, dmarc, dmarc_record_init) &&
             dmarc_parse(r->dmarc, r->text, r->len, &r->diags);
        break;
    case RECORD_DKIM_KEY:
        ok = MODEL(r, dkim_key, dkim_key_record_init) &&
             dkim_key_parse(r->dkim_key, r->text, r->len, &r->diags);
        break;
    case RECORD_DKIM_SIG:
        ok = MODEL(r, dkim_sig, dkim_sig_record_init) &&
             dkim_sig_parse(r->dkim_sig, r->text, r->len, &r->diags);
        break;
    case RECORD_UNKNOWN:
        diag_add(&r->diags, RULE_INPUT_UNKNOWN_KIND, 0, r->len,
                 "cannot tell what record this is: SPF starts with v=spf1, DMARC with v=DMARC1, "
                 "a DKIM key with v=DKIM1 or p=; give --type to say which");
        return true;
    }
    if (ok)
        lint_and_terms(r, now);
    return ok;
}

bool record_analyze(struct record *r, enum record_kind kind, const char *text, size_t len,
                    long long now)
{
    /* Keep the text buffer when it is big enough: no allocation per
     * keystroke once warm. */
    size_t keep = len > RECORD_MAX_LEN ? 0 : len;
    char *buf = realloc(r->text, keep + 1);
    if (!buf)
        return false;
    if (keep)
        memcpy(buf, text, keep);
    buf[keep] = '\0';
    r->text = buf;
    r->len = len > RECORD_MAX_LEN ? len : keep;
    term_list_reset(&r->terms);
    diag_list_reset(&r->diags);

    bool ok = true;
    r->kind = kind != RECORD_UNKNOWN ? kind : record_detect(text, keep);
    if (check_input(r))
        ok = analyze_kind(r, now);
    if (len > RECORD_MAX_LEN)
        r->len = 0; /* nothing was kept: spans must stay inside text */
    diag_list_sort(&r->diags);
    return ok && !r->diags.oom && !r->terms.oom;
}

/* The text and grammar diagnostics the model's last edit call left, or
 * NULL (see spf_edit_diags). */
static const struct diag_list *edit_result(const struct record *r, const char **text, size_t *len)
{
    switch (r->kind) {
    case RECORD_SPF:
        return r->spf ? spf_edit_diags(r->spf, text, len) : NULL;
    case RECORD_DMARC:
        return r->dmarc ? dmarc_edit_diags(r->dmarc, text, len) : NULL;
    case RECORD_DKIM_KEY:
        return r->dkim_key ? dkim_key_edit_diags(r->dkim_key, text, len) : NULL;
    case RECORD_DKIM_SIG:
    case RECORD_UNKNOWN:
        break;
    }
    return NULL;
}

bool record_refresh(struct record *r, long long now)
{
    struct strbuf sb;
    strbuf_init(&sb);
    record_format(r, &sb);
    bool ok = !sb.failed;
    const char *etext = NULL;
    size_t elen = 0;
    const struct diag_list *grammar = ok ? edit_result(r, &etext, &elen) : NULL;
    /* The edit parsed the text it wrote; when that is the formatted text
     * (the usual case), its diagnostics are this text's: no second parse.
     * Otherwise (a model whose formatter normalizes further, or no edit
     * ran) analyze the formatted text the ordinary way. */
    if (ok && (!grammar || elen != sb.len || (elen && memcmp(etext, sb.data, elen) != 0) ||
               sb.len > RECORD_MAX_LEN)) {
        ok = record_analyze(r, r->kind, sb.data ? sb.data : "", sb.len, now);
        strbuf_free(&sb);
        return ok;
    }
    if (ok) {
        char *buf = realloc(r->text, sb.len + 1);
        if (!buf) {
            ok = false;
        } else {
            if (sb.len)
                memcpy(buf, sb.data, sb.len);
            buf[sb.len] = '\0';
            r->text = buf;
            r->len = sb.len;
            term_list_reset(&r->terms);
            diag_list_reset(&r->diags);
            if (check_input(r)) {
                diag_list_append(&r->diags, grammar, 0);
                lint_and_terms(r, now);
            }
            diag_list_sort(&r->diags);
            ok = !r->diags.oom && !r->terms.oom;
        }
    }
    strbuf_free(&sb);
    return ok;
}

size_t record_count_severity(const struct diag_list *diags, enum diag_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; diags && i < diags->count; i++)
        n += diags->items[i].severity == sev;
    return n;
}

int diag_list_status(const struct diag_list *diags)
{
    int max = diag_list_max_severity(diags);
    return max == DIAG_ERROR ? 2 : max == DIAG_WARNING ? 1 : 0;
}

void record_format(const struct record *r, struct strbuf *out)
{
    switch (r->kind) {
    case RECORD_SPF:
        if (r->spf)
            spf_format(r->spf, out);
        return;
    case RECORD_DMARC:
        if (r->dmarc)
            dmarc_format(r->dmarc, out);
        return;
    case RECORD_DKIM_KEY:
        if (r->dkim_key)
            dkim_key_format(r->dkim_key, out);
        return;
    case RECORD_DKIM_SIG:
        if (r->dkim_sig)
            dkim_sig_format(r->dkim_sig, out);
        return;
    case RECORD_UNKNOWN:
        break;
    }
    strbuf_append(out, r->text, r->len);
}

void record_describe_term(const struct record *r, size_t i, struct strbuf *out)
{
    if (i >= r->terms.count)
        return;
    switch (r->kind) {
    case RECORD_SPF:
        spf_term_describe(r->spf, i, out);
        break;
    case RECORD_DMARC:
        dmarc_term_describe(r->dmarc, i, out);
        break;
    case RECORD_DKIM_KEY:
        dkim_key_term_describe(r->dkim_key, i, out);
        break;
    case RECORD_DKIM_SIG:
        dkim_sig_term_describe(r->dkim_sig, i, out);
        break;
    case RECORD_UNKNOWN:
        break;
    }
}
