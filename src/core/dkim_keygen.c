/* DKIM key generation (OpenSSL EVP) and the key record that publishes it,
 * selector names, and the built-in list of provider selectors.  The
 * private key leaves this file only as PKCS#8 PEM in a buffer sized once
 * and wiped on free; OpenSSL writes it into a secure-memory BIO, which
 * clears its own buffers too. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "authtxt/help.h"
#include "dkim_keys_internal.h"

void dkim_keypair_init(struct dkim_keypair *kp)
{
    memset(kp, 0, sizeof *kp);
    strbuf_init(&kp->record);
}

void dkim_keypair_free(struct dkim_keypair *kp)
{
    if (kp->private_pem) {
        OPENSSL_cleanse(kp->private_pem, kp->private_len);
        free(kp->private_pem);
    }
    strbuf_free(&kp->record);
    memset(kp, 0, sizeof *kp);
    strbuf_init(&kp->record);
}

bool dkim_keys_public_der(EVP_PKEY *key, enum dkim_key_type type, unsigned char *der, size_t *len)
{
    if (type == DKIM_KEY_ED25519) {
        size_t n = DKIM_KEY_DER_MAX;
        if (EVP_PKEY_get_raw_public_key(key, der, &n) != 1 || n != 32) {
            ERR_clear_error();
            return false;
        }
        *len = n;
        return true;
    }
    int need = i2d_PUBKEY(key, NULL);
    if (need <= 0 || need > DKIM_KEY_DER_MAX) {
        ERR_clear_error();
        return false;
    }
    unsigned char *w = der;
    if (i2d_PUBKEY(key, &w) != need) {
        ERR_clear_error();
        return false;
    }
    *len = (size_t)need;
    return true;
}

bool dkim_keys_public_p(EVP_PKEY *key, enum dkim_key_type type, struct strbuf *out)
{
    unsigned char der[DKIM_KEY_DER_MAX];
    size_t n;
    if (!dkim_keys_public_der(key, type, der, &n))
        return false;
    /* EVP_EncodeBlock: 4 characters per 3 bytes, then a NUL. */
    char enc[(DKIM_KEY_DER_MAX + 2) / 3 * 4 + 1];
    int w = EVP_EncodeBlock((unsigned char *)enc, der, (int)n);
    if (w <= 0)
        return false;
    strbuf_append(out, enc, (size_t)w);
    return !out->failed;
}

bool dkim_keygen_check(const struct dkim_keygen_options *o, struct strbuf *why)
{
    enum dkim_key_type type = o->type == DKIM_KEY_NONE ? DKIM_KEY_RSA : o->type;
    if (type == DKIM_KEY_RSA) {
        unsigned bits = o->bits ? o->bits : 2048;
        if (bits < 2048) {
            /* RFC 8301 §3.2: signers MUST use at least 1024 bits and SHOULD
             * use 2048; 1024-bit keys are within reach of factoring and
             * verifiers may reject them, so authtxt does not make them. */
            strbuf_printf(why,
                          "%u-bit RSA keys are refused: RFC 8301 §3.2 asks signers for at least "
                          "2048 bits (1024-bit keys can be factored and verifiers may reject "
                          "them); use --bits 2048, 3072 or 4096",
                          bits);
            return false;
        }
        if (bits != 2048 && bits != 3072 && bits != 4096) {
            strbuf_printf(why, "--bits %u: use 2048, 3072 or 4096", bits);
            return false;
        }
    } else if (type == DKIM_KEY_ED25519) {
        if (o->bits && o->bits != 256) {
            strbuf_printf(why, "--bits %u: Ed25519 keys have one size; leave --bits out", o->bits);
            return false;
        }
    } else {
        strbuf_printf(why, "key type %s: DKIM signs with rsa (RFC 8301) or ed25519 (RFC 8463)",
                      dkim_key_type_name(type));
        return false;
    }
    if (o->note && strlen(o->note) > DKIM_KEYGEN_NOTE_MAX) {
        strbuf_printf(why, "--note: %zu bytes, at most %u", strlen(o->note), DKIM_KEYGEN_NOTE_MAX);
        return false;
    }
    return true;
}

/* n= is a qp-section (RFC 6376 §3.6.1, RFC 2045 §6.7): printable ASCII as
 * is, '=' and ';' (which would end the tag) and every other byte as =XX,
 * a space only between other characters (FWS around a value is dropped). */
static void note_encode(const char *note, struct strbuf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(note);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)note[i];
        bool space_ok = c == ' ' && i > 0 && i + 1 < n;
        if ((c > 0x20 && c < 0x7f && c != '=' && c != ';') || space_ok) {
            strbuf_putc(out, (char)c);
        } else {
            strbuf_putc(out, '=');
            strbuf_putc(out, hex[c >> 4]);
            strbuf_putc(out, hex[c & 15]);
        }
    }
}

/* The PKCS#8 PEM of key, in a buffer of its exact size (wiped on free). */
static bool private_pem(EVP_PKEY *key, struct dkim_keypair *kp)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    bool ok = false;
    if (!bio)
        goto done;
    /* PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"). */
    if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1)
        goto done;
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n <= 0 || !data)
        goto done;
    kp->private_pem = malloc((size_t)n + 1);
    if (!kp->private_pem)
        goto done;
    memcpy(kp->private_pem, data, (size_t)n);
    kp->private_pem[n] = '\0';
    kp->private_len = (size_t)n;
    ok = true;
done:
    BIO_free(bio);
    ERR_clear_error();
    return ok;
}

bool dkim_keygen(const struct dkim_keygen_options *o, struct dkim_keypair *kp, struct strbuf *why)
{
    dkim_keypair_free(kp);
    if (!dkim_keygen_check(o, why))
        return false;
    enum dkim_key_type type = o->type == DKIM_KEY_NONE ? DKIM_KEY_RSA : o->type;
    unsigned bits = type == DKIM_KEY_RSA ? (o->bits ? o->bits : 2048) : 256;

    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx =
        EVP_PKEY_CTX_new_from_name(NULL, type == DKIM_KEY_RSA ? "RSA" : "ED25519", NULL);
    bool ok = false;
    if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
        goto fail;
    if (type == DKIM_KEY_RSA && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0)
        goto fail;
    if (EVP_PKEY_generate(ctx, &key) <= 0 || !key)
        goto fail;
    if (!private_pem(key, kp))
        goto fail;

    /* RFC 6376 §3.6.1: v= first when present; p= last by convention so
     * the long value ends the record. */
    struct strbuf *r = &kp->record;
    strbuf_puts(r, "v=DKIM1; k=");
    strbuf_puts(r, type == DKIM_KEY_RSA ? "rsa" : "ed25519");
    if (o->hash_sha256)
        strbuf_puts(r, "; h=sha256");
    if (o->testing)
        strbuf_puts(r, "; t=y");
    if (o->note && o->note[0]) {
        strbuf_puts(r, "; n=");
        note_encode(o->note, r);
    }
    strbuf_puts(r, "; p=");
    if (!dkim_keys_public_p(key, type, r) || r->failed)
        goto fail;
    kp->type = type;
    kp->bits = (unsigned)EVP_PKEY_get_bits(key);
    ok = true;
    goto done;
fail:
    strbuf_puts(why, "OpenSSL could not generate the key");
    unsigned long e = ERR_peek_error();
    if (e) {
        char buf[160];
        ERR_error_string_n(e, buf, sizeof buf);
        strbuf_printf(why, " (%s)", buf);
    }
    dkim_keypair_free(kp);
done:
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

const char *dkim_keygen_note(enum dkim_key_type type)
{
    if (type == DKIM_KEY_ED25519)
        return "Many receivers still verify only RSA signatures: RFC 8463 §4 (and RFC 8301) "
               "expect an Ed25519 key to be published beside an RSA key, under another "
               "selector, and mail signed with both.";
    return "";
}

bool dkim_selector_check(const char *selector, struct strbuf *why)
{
    /* RFC 6376 §3.1: selector = sub-domain *( "." sub-domain ); '_' is
     * accepted as DNS allows it in names and some providers use it. */
    size_t len = strlen(selector), label = 0;
    if (len == 0 || len > 63) {
        if (why)
            strbuf_printf(why, "a selector has 1 to 63 characters, this one has %zu", len);
        return false;
    }
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)selector[i] : '.';
        if (c == '.') {
            if (label == 0 || selector[i - 1] == '-' || selector[i - label] == '-') {
                if (why)
                    strbuf_puts(why, label == 0 ? "a selector has an empty label (\"..\" or "
                                                  "a dot at an end)"
                                                : "a label of the selector begins or ends "
                                                  "with '-'");
                return false;
            }
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) {
            if (why) {
                if (c == ' ')
                    strbuf_puts(why, "a space is not allowed in a selector");
                else if (c > 0x20 && c < 0x7f)
                    strbuf_printf(why, "character '%c' is not allowed in a selector", c);
                else
                    strbuf_printf(why, "byte 0x%02X is not allowed in a selector", c);
                strbuf_puts(why, " (letters, digits, '-', '_' and dots between labels)");
            }
            return false;
        }
        label++;
    }
    return true;
}

size_t dkim_provider_selectors(struct dkim_provider_selector *out, size_t max)
{
    const struct help_entry *e = help_find("dkim.selectors");
    if (!e || !e->body)
        return 0;
    size_t n = 0;
    const char *p = e->body;
    while (*p && n < max) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        /* "selector  provider words"; lines starting with a space are
         * prose, not entries. */
        size_t s = 0;
        while (s < len && p[s] != ' ' && p[s] != '\t')
            s++;
        size_t v = s;
        while (v < len && (p[v] == ' ' || p[v] == '\t'))
            v++;
        if (s > 0 && s < sizeof out->selector && p[0] != ' ' && v < len) {
            char sel[64];
            memcpy(sel, p, s);
            sel[s] = '\0';
            if (dkim_selector_check(sel, NULL)) {
                memcpy(out[n].selector, sel, s + 1);
                size_t pl = len - v < sizeof out->provider - 1 ? len - v : sizeof out->provider - 1;
                memcpy(out[n].provider, p + v, pl);
                out[n].provider[pl] = '\0';
                n++;
            }
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    return n;
}
