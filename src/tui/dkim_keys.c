/* The DKIM tab's key-pair keys: g generates a key pair into a directory the
 * user names and fills p= (and k=) of the draft with its public key; m
 * tells whether a private key file matches the draft's p=.  The core makes
 * and compares keys (authtxt/dkim_keys.h); the files are written by the
 * same code as `authtxt dkim keygen` (src/cli/keyfile.c: 0600 temp file,
 * fsync, no-replace rename).  The private key never reaches the screen,
 * the draft or the recovery file: only the public record does. */
#include <stdlib.h>
#include <string.h>

#include "../cli/keyfile.h"
#include "authtxt/dkim_keys.h"
#include "authtxt/zone.h"
#include "tui_app.h"

/* The generated key into the draft: the core's paste edit takes p= out of
 * the generated record and sets k= to the key type; other tags are kept. */
static bool fill_draft(struct app *a, const struct dkim_keypair *kp, struct strbuf *why)
{
    struct diag_list d;
    diag_list_init(&d);
    bool ok = drafts_dkim_paste_key(&a->drafts, kp->record.data, kp->record.len, NULL, &d);
    if (ok)
        a->dirty |= app_draft_changed(a);
    else if (d.count)
        strbuf_puts(why, d.items[0].message);
    diag_list_free(&d);
    return ok;
}

static bool generate_done(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0)
        return true;
    size_t dl, tl;
    const char *dir_in = dialog_field(a, 0, &dl);
    const char *type_in = dialog_field(a, 1, &tl);
    char dir[1024];
    if (dl == 0 || dl >= sizeof dir || memchr(dir_in, '\0', dl)) {
        dialog_set_error(a, "name a directory");
        return false;
    }
    memcpy(dir, dir_in, dl);
    dir[dl] = '\0';
    struct dkim_keygen_options o = {.type = DKIM_KEY_RSA};
    if (tl == 7 && memcmp(type_in, "ed25519", 7) == 0)
        o.type = DKIM_KEY_ED25519;
    else if (!(tl == 3 && memcmp(type_in, "rsa", 3) == 0)) {
        dialog_set_error(a, "key type: rsa or ed25519");
        return false;
    }
    struct strbuf why = STRBUF_INIT, owner = STRBUF_INIT, zone = STRBUF_INIT;
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    char priv[1200], zfile[1200];
    bool done = false;
    if (!keyfile_dir_check(dir, &why)) {
        dialog_set_error(a, "%s", strbuf_cstr(&why));
        goto out;
    }
    const char *sel = a->drafts.selector;
    const char *sep = dir[dl - 1] == '/' ? "" : "/";
    if (snprintf(priv, sizeof priv, "%s%s%s.private", dir, sep, sel) >= (int)sizeof priv ||
        snprintf(zfile, sizeof zfile, "%s%s%s.zone", dir, sep, sel) >= (int)sizeof zfile) {
        dialog_set_error(a, "the path is too long");
        goto out;
    }
    if (!dkim_keygen(&o, &kp, &why)) {
        dialog_set_error(a, "%s", strbuf_cstr(&why));
        goto out;
    }
    drafts_owner_name(&a->drafts, DRAFT_DKIM, &owner);
    strbuf_printf(&zone, "; DKIM key record, selector %s of %s (authtxt)\n", sel, a->drafts.domain);
    struct zone_txt z = {strbuf_cstr(&owner), a->drafts.ttl ? a->drafts.ttl : DRAFTS_DEFAULT_TTL,
                         kp.record.data, kp.record.len};
    if (!zone_write_txt(&zone, &z, NULL) || zone.failed) {
        dialog_set_error(a, "the record does not fit a zone line");
        goto out;
    }
    struct keyfile_out files[2] = {{priv, kp.private_pem, kp.private_len, 0600},
                                   {zfile, zone.data, zone.len, 0644}};
    if (!keyfile_write_all(files, 2, &why)) {
        dialog_set_error(a, "%s", strbuf_cstr(&why));
        goto out;
    }
    done = true;
    strbuf_reset(&why);
    if (!fill_draft(a, &kp, &why)) {
        app_message(a, ROLE_ERROR, "key pair written (%s) but p= not set: %s", priv,
                    strbuf_cstr(&why));
        goto out;
    }
    app_message(a, ROLE_GOOD, "key pair written: %s (0600, keep it secret) and %s; p= set", priv,
                zfile);
out:
    dkim_keypair_free(&kp);
    strbuf_free(&why);
    strbuf_free(&owner);
    strbuf_free(&zone);
    return done;
}

unsigned dkim_keys_generate(struct app *a)
{
    static const char *const labels[] = {"Directory", "Type"};
    const char *values[] = {".", "rsa"};
    dialog_form(a, "Generate a DKIM key pair",
                "Writes SELECTOR.private (the private key, mode 0600) and SELECTOR.zone in the "
                "directory, never over a file; p= gets the public key. Type: rsa (2048 bits) "
                "or ed25519 (publish it beside an RSA key, RFC 8463).",
                2, labels, values, generate_done, NULL);
    return DIRTY_OVERLAY;
}

static bool match_done(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0)
        return true;
    size_t pl;
    const char *path_in = dialog_field(a, 0, &pl);
    char path[1024];
    if (pl == 0 || pl >= sizeof path || memchr(path_in, '\0', pl)) {
        dialog_set_error(a, "name the private key file");
        return false;
    }
    memcpy(path, path_in, pl);
    path[pl] = '\0';
    struct strbuf why = STRBUF_INIT;
    size_t len;
    mode_t mode;
    char *pem = keyfile_read(path, &len, &mode, &why);
    if (!pem) {
        dialog_set_error(a, "%s", strbuf_cstr(&why));
        strbuf_free(&why);
        return false;
    }
    struct dkim_privkey k;
    dkim_privkey_init(&k);
    enum dkim_privkey_status st = dkim_privkey_load(&k, pem, len, NULL, 0, &why);
    keyfile_free(pem, len);
    if (st != DKIM_PRIVKEY_OK) {
        /* A passphrase typed into a form would show on the screen: the
         * CLI asks for it with echo off. */
        if (st == DKIM_PRIVKEY_NEED_PASSPHRASE)
            dialog_set_error(a, "the key is encrypted: check it with authtxt dkim match --key "
                                "FILE (it asks for the passphrase)");
        else
            dialog_set_error(a, "%s", strbuf_cstr(&why));
        strbuf_free(&why);
        return false;
    }
    const struct record *r = &a->drafts.rec[DRAFT_DKIM];
    struct dkim_match m;
    dkim_match_init(&m);
    dkim_match_record(&k, r->text ? r->text : "", r->text ? r->len : 0, &m);
    enum ui_role role = m.result == DKIM_MATCH_OK ? ROLE_GOOD : ROLE_ERROR;
    app_message(a, role, "%s%s", strbuf_cstr(&m.message),
                (mode & 077) ? " (warning: the key file is readable by others: chmod 600)" : "");
    dkim_match_free(&m);
    dkim_privkey_free(&k);
    strbuf_free(&why);
    return true;
}

unsigned dkim_keys_match(struct app *a)
{
    static const char *const labels[] = {"Private key"};
    char initial[80];
    snprintf(initial, sizeof initial, "%s.private", a->drafts.selector);
    const char *values[] = {initial};
    dialog_form(a, "Match a private key against p=",
                "A PEM private key file (PKCS#1 or PKCS#8, RSA or Ed25519). The draft's p= "
                "must publish its public half.",
                1, labels, values, match_done, NULL);
    return DIRTY_OVERLAY;
}
