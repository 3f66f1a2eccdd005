/* Fuzz saving drafts into a zone file in place (zone_edit.c).  Input: a
 * byte of options (origin, which drafts are wanted, TTL set, serial bump),
 * a byte choosing the drafts' texts, then the file.  Invariants: the
 * rewrite never fails on texts that fit; with no change the output is the
 * input; when the file reads without problems, the output does too, each
 * wanted draft is the first record of its kind at its name (for the SPF
 * draft the first one carrying the SPF draft marker, zone_edit.h, else the
 * first SPF-like one; a draft that is not SPF-like is marked), and saving
 * the same drafts into the output changes nothing. */
#include "fuzz_common.h"

#include "authtxt/zone_edit.h"

static const char *const spf_texts[] = {"v=spf1 -all", "v=spf1 mx a ip4:192.0.2.0/24 ~all",
                                        "v=spf1 include:\"x\\y\" -all", " P=none2"};
static const char *const dmarc_texts[] = {"v=DMARC1; p=none", "v=DMARC1; p=reject; rua=mailto:a@b",
                                          "v=DMARC1; p=quarantine; caf\xc3\xa9"};

/* The first TXT IN record of this kind at this owner, or NULL.  For the
 * SPF draft: the first marked one, else the first SPF-like one. */
static const struct zone_record *first_of(const struct zone *z, const char *owner_dot,
                                          enum zone_kind kind)
{
    for (int pass = kind == ZONE_KIND_SPF ? 0 : 1; pass < 2; pass++)
        for (size_t i = 0; i < z->count; i++) {
            const struct zone_record *r = &z->records[i];
            if (r->type != ZONE_TYPE_TXT || r->rclass != ZONE_CLASS_IN ||
                strcmp(r->owner_lc, owner_dot) != 0)
                continue;
            if (pass == 0 ? zone_edit_record_marked(z->file, z->file_len, r)
                : kind == ZONE_KIND_SPF
                    ? zone_edit_text_is_spf(r->kind, r->owner_mismatch, r->text, r->len)
                    : r->kind == kind)
                return r;
        }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const char *const origins[] = {NULL, "example.com.", "example.com", "org"};
    unsigned opt_byte = data[0], text_byte = data[1];
    const char *file = (const char *)data + 2;
    size_t flen = size - 2;

    static char key[700];
    size_t key_len = 18 + (text_byte >> 4) * 40;
    memcpy(key, "v=DKIM1; k=rsa; p=", 18);
    for (size_t i = 18; i < key_len; i++)
        key[i] = (char)('A' + i % 26);
    const char *spf = spf_texts[text_byte % 4], *dmarc = dmarc_texts[(text_byte >> 2) % 3];
    struct zone_edit_draft d[3] = {
        {ZONE_KIND_SPF, "example.com", spf, strlen(spf), 3600, false, true, false},
        {ZONE_KIND_DMARC, "_dmarc.example.com.", dmarc, strlen(dmarc), 300, false, true, false},
        {ZONE_KIND_DKIM_KEY, "s1._domainkey.example.com", key, key_len, 86400, false, true, false},
    };
    static const char *const owners_dot[] = {"example.com.", "_dmarc.example.com.",
                                             "s1._domainkey.example.com."};
    for (int i = 0; i < 3; i++) {
        d[i].wanted = (opt_byte >> (2 + i)) & 1;
        d[i].set_ttl = (opt_byte >> 5) & 1;
        /* A draft the user emptied: its record goes (or is left, said). */
        d[i].remove = !d[i].wanted && ((opt_byte >> 7) & 1);
    }
    struct zone_edit_options opt = {origins[opt_byte & 3], (opt_byte >> 6) & 1, 2026120501u};

    struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
    struct diag_list diags;
    diag_list_init(&diags);
    struct zone_edit_result res, res2;
    bool ok = zone_edit_rewrite(file, flen, d, 3, &opt, &out, &res, &diags);
    fuzz_check(ok, "zone_edit_rewrite failed");
    fuzz_check_diags(&diags, flen);
    if (res.changes == 0 && !res.serial_bumped)
        fuzz_check(out.len == flen && (flen == 0 || memcmp(out.data, file, flen) == 0),
                   "no change, yet the output differs from the file");
    fuzz_check(res.serial_bumped == (opt.bump_serial && res.has_serial), "serial_bumped");
    /* NULL diagnostics are accepted. */
    struct strbuf quiet = STRBUF_INIT;
    struct zone_edit_result rq;
    fuzz_check(zone_edit_rewrite(file, flen, d, 3, &opt, &quiet, &rq, NULL), "NULL diags");
    fuzz_check(quiet.len == out.len && (out.len == 0 || memcmp(quiet.data, out.data, out.len) == 0),
               "NULL diags: another output");
    strbuf_free(&quiet);

    if (res.zone_problems == 0) {
        struct zone z;
        zone_init(&z);
        struct diag_list od;
        diag_list_init(&od);
        fuzz_check(zone_read(&z, out.data ? out.data : "", out.len, opt.origin, &od), "reread");
        size_t problems = 0;
        for (size_t i = 0; i < od.count; i++)
            problems += od.items[i].rule == RULE_ZONE_SYNTAX ||
                        od.items[i].rule == RULE_ZONE_UNSUPPORTED ||
                        od.items[i].rule == RULE_ZONE_TOO_LARGE;
        fuzz_check(problems == 0, "the output has %zu zone problems, the file none: %s", problems,
                   od.count ? od.items[0].message : "");
        for (int i = 0; i < 3; i++) {
            if (!d[i].wanted)
                continue;
            const struct zone_record *r = first_of(&z, owners_dot[i], d[i].kind);
            fuzz_check(r != NULL, "draft %d not in the output", i);
            fuzz_check(r->len == d[i].len && memcmp(r->text, d[i].text, r->len) == 0,
                       "draft %d: the output's record has another text", i);
            bool spf_like =
                i == 0 && zone_edit_text_is_spf(r->kind, r->owner_mismatch, r->text, r->len);
            if (i == 0 && !spf_like)
                fuzz_check(zone_edit_record_marked(z.file, z.file_len, r),
                           "the SPF draft is not SPF-like and not marked");
        }
        struct zone_edit_options opt2 = opt;
        opt2.bump_serial = false;
        fuzz_check(
            zone_edit_rewrite(out.data ? out.data : "", out.len, d, 3, &opt2, &again, &res2, NULL),
            "second rewrite failed");
        fuzz_check(res2.changes == 0, "saving the same drafts again changed %zu records",
                   res2.changes);
        zone_free(&z);
        diag_list_free(&od);
    }
    fuzz_check(zone_edit_serial_next(res.serial, 20261205u) != res.serial, "serial_next");
    strbuf_free(&out);
    strbuf_free(&again);
    diag_list_free(&diags);
    return 0;
}
