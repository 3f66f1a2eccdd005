/* Does a private key belong to a key record?  Loads a PEM private key
 * (PKCS#1, PKCS#8, encrypted either way; RSA or Ed25519) with OpenSSL and
 * compares its public half, byte for byte in DER, with what p= publishes.
 * The caller reads the file and asks for the passphrase: a load without
 * one reports NEED_PASSPHRASE, so no prompt ever happens in here. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "dkim_internal.h"
#include "dkim_keys_internal.h"

struct dkim_privkey_impl {
    EVP_PKEY *key;
};

void dkim_privkey_init(struct dkim_privkey *k) { memset(k, 0, sizeof *k); }

void dkim_privkey_free(struct dkim_privkey *k)
{
    if (k->impl) {
        EVP_PKEY_free(k->impl->key);
        free(k->impl);
    }
    memset(k, 0, sizeof *k);
}

const char *dkim_privkey_form_name(enum dkim_privkey_form form)
{
    switch (form) {
    case DKIM_PRIVKEY_FORM_PKCS1:
        return "PKCS#1";
    case DKIM_PRIVKEY_FORM_PKCS8:
        return "PKCS#8";
    case DKIM_PRIVKEY_FORM_PKCS8_ENC:
        return "encrypted PKCS#8";
    case DKIM_PRIVKEY_FORM_PKCS1_ENC:
        return "encrypted PKCS#1";
    case DKIM_PRIVKEY_FORM_UNKNOWN:
        break;
    }
    return "unknown";
}

/* memmem over (pointer, length): the text may hold NUL bytes. */
static size_t find(const char *s, size_t n, size_t from, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = from; i + w <= n; i++)
        if (memcmp(s + i, word, w) == 0)
            return i;
    return (size_t)-1;
}

struct pass_ctx {
    const char *pass;
    size_t len;
    bool asked;
};

/* OpenSSL's passphrase callback: hands over the caller's passphrase, or
 * records that one was needed. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    struct pass_ctx *c = u;
    c->asked = true;
    if (!c->pass || size <= 0)
        return -1;
    size_t n = c->len < (size_t)size ? c->len : (size_t)size;
    memcpy(buf, c->pass, n);
    return (int)n;
}

enum dkim_privkey_status dkim_privkey_load(struct dkim_privkey *k, const char *pem, size_t len,
                                           const char *pass, size_t pass_len, struct strbuf *why)
{
    dkim_privkey_free(k);
    size_t begin = find(pem, len, 0, "-----BEGIN ");
    if (begin == (size_t)-1) {
        /* A key record or a bare base64 public key pasted by mistake. */
        if (find(pem, len, 0, "p=") != (size_t)-1 &&
            (find(pem, len, 0, "v=DKIM1") != (size_t)-1 || find(pem, len, 0, "k=") != (size_t)-1)) {
            strbuf_puts(why, "this is a DKIM key record (public), not a private key");
            return DKIM_PRIVKEY_PUBLIC_KEY;
        }
        strbuf_puts(why, "no PEM private key in it (no \"-----BEGIN ... PRIVATE KEY-----\" line)");
        return DKIM_PRIVKEY_NOT_A_KEY;
    }
    size_t label = begin + strlen("-----BEGIN ");
    size_t label_end = find(pem, len, label, "-----");
    if (label_end == (size_t)-1 || label_end - label > 64) {
        strbuf_puts(why, "a PEM \"-----BEGIN\" line without its closing \"-----\"");
        return DKIM_PRIVKEY_NOT_A_KEY;
    }
    const char *l = pem + label;
    size_t ln = label_end - label;
    if (find(l, ln, 0, "PUBLIC KEY") != (size_t)-1 || find(l, ln, 0, "CERTIFICATE") != (size_t)-1) {
        strbuf_printf(why,
                      "this is a %.*s, not a private key: give the private key the "
                      "signer uses",
                      (int)ln, l);
        return DKIM_PRIVKEY_PUBLIC_KEY;
    }
    if (dkim_eq(l, ln, "OPENSSH PRIVATE KEY")) {
        strbuf_puts(why, "an OpenSSH private key: DKIM signers use PEM (PKCS#1 or PKCS#8) keys");
        return DKIM_PRIVKEY_UNSUPPORTED;
    }
    if (dkim_eq(l, ln, "EC PRIVATE KEY") || dkim_eq(l, ln, "DSA PRIVATE KEY")) {
        strbuf_printf(why,
                      "a key of kind \"%.*s\": DKIM keys are RSA (RFC 8301) or Ed25519 "
                      "(RFC 8463)",
                      (int)ln, l);
        return DKIM_PRIVKEY_UNSUPPORTED;
    }
    if (dkim_eq(l, ln, "RSA PRIVATE KEY"))
        k->form = find(pem, len, label_end, "Proc-Type: 4,ENCRYPTED") != (size_t)-1
                      ? DKIM_PRIVKEY_FORM_PKCS1_ENC
                      : DKIM_PRIVKEY_FORM_PKCS1;
    else if (dkim_eq(l, ln, "PRIVATE KEY"))
        k->form = DKIM_PRIVKEY_FORM_PKCS8;
    else if (dkim_eq(l, ln, "ENCRYPTED PRIVATE KEY"))
        k->form = DKIM_PRIVKEY_FORM_PKCS8_ENC;
    else {
        strbuf_printf(why, "PEM of kind \"%.*s\", not a private key", (int)ln, l);
        return DKIM_PRIVKEY_NOT_A_KEY;
    }

    enum dkim_privkey_status st = DKIM_PRIVKEY_BROKEN;
    struct pass_ctx pc = {pass, pass_len, false};
    if (len - begin > (size_t)0x7fffffff) {
        strbuf_puts(why, "the file is too large for a key");
        goto done;
    }
    BIO *bio = BIO_new_mem_buf(pem + begin, (int)(len - begin));
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pc) : NULL;
    BIO_free(bio);
    bool encrypted =
        k->form == DKIM_PRIVKEY_FORM_PKCS8_ENC || k->form == DKIM_PRIVKEY_FORM_PKCS1_ENC;
    if (!key) {
        if (encrypted && !pass) {
            strbuf_puts(why, "the key is encrypted: a passphrase is needed");
            st = DKIM_PRIVKEY_NEED_PASSPHRASE;
        } else if (encrypted) {
            strbuf_puts(why, "the passphrase does not open the key (or the key is damaged)");
            st = DKIM_PRIVKEY_BAD_PASSPHRASE;
        } else {
            strbuf_printf(why,
                          "the %s private key inside the PEM armor cannot be read "
                          "(damaged or cut)",
                          dkim_privkey_form_name(k->form));
        }
        goto done;
    }
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_RSA) {
        k->type = DKIM_KEY_RSA;
    } else if (id == EVP_PKEY_ED25519) {
        k->type = DKIM_KEY_ED25519;
    } else {
        const char *name = EVP_PKEY_get0_type_name(key);
        strbuf_printf(why,
                      "a private key of type %s: DKIM keys are RSA (RFC 8301) or Ed25519 "
                      "(RFC 8463)",
                      name ? name : "other");
        EVP_PKEY_free(key);
        st = DKIM_PRIVKEY_UNSUPPORTED;
        goto done;
    }
    k->impl = malloc(sizeof *k->impl);
    if (!k->impl) {
        EVP_PKEY_free(key);
        strbuf_puts(why, "out of memory");
        goto done;
    }
    k->impl->key = key;
    k->bits = (unsigned)EVP_PKEY_get_bits(key);
    st = DKIM_PRIVKEY_OK;
done:
    ERR_clear_error();
    if (st != DKIM_PRIVKEY_OK) {
        enum dkim_privkey_form form = k->form;
        dkim_privkey_free(k);
        k->form = form;
    }
    return st;
}

bool dkim_privkey_public_p(const struct dkim_privkey *k, struct strbuf *out)
{
    return k->impl && dkim_keys_public_p(k->impl->key, k->type, out);
}

void dkim_match_init(struct dkim_match *m)
{
    memset(m, 0, sizeof *m);
    strbuf_init(&m->message);
}

void dkim_match_free(struct dkim_match *m) { strbuf_free(&m->message); }

int dkim_match_status(enum dkim_match_result result)
{
    switch (result) {
    case DKIM_MATCH_OK:
        return 0;
    case DKIM_MATCH_DIFFERENT_KEY:
    case DKIM_MATCH_DIFFERENT_TYPE:
    case DKIM_MATCH_REVOKED:
        return 1;
    case DKIM_MATCH_RECORD_BROKEN:
        break;
    }
    return 2;
}

static void describe_key(struct strbuf *out, enum dkim_key_type type, unsigned bits)
{
    if (type == DKIM_KEY_RSA && bits)
        strbuf_printf(out, "%u-bit RSA", bits);
    else if (type == DKIM_KEY_ED25519)
        strbuf_puts(out, "Ed25519");
    else
        strbuf_puts(out, dkim_key_type_name(type));
}

void dkim_match_record(const struct dkim_privkey *k, const char *text, size_t len,
                       struct dkim_match *m)
{
    strbuf_reset(&m->message);
    m->result = DKIM_MATCH_RECORD_BROKEN;
    m->record_type = DKIM_KEY_NONE;
    m->record_bits = 0;
    struct strbuf *msg = &m->message;
    struct dkim_key_record r;
    dkim_key_record_init(&r);
    struct diag_list diags;
    diag_list_init(&diags);
    if (!k->impl || !dkim_key_parse(&r, text, len, &diags)) {
        strbuf_puts(msg, !k->impl ? "no private key loaded" : "out of memory");
        goto done;
    }
    const struct dkim_key_info *info = &r.key;
    m->record_type = info->status == DKIM_KEY_STATUS_OK ? info->type : DKIM_KEY_NONE;
    m->record_bits = info->status == DKIM_KEY_STATUS_OK ? info->bits : 0;
    switch (info->status) {
    case DKIM_KEY_STATUS_ABSENT:
        strbuf_puts(msg, "the record is broken: it has no p= tag, so it publishes no key "
                         "(RFC 6376 §3.6.1)");
        goto done;
    case DKIM_KEY_STATUS_REVOKED:
        m->result = DKIM_MATCH_REVOKED;
        strbuf_puts(msg, "the record is revoked (p= is empty, RFC 6376 §3.6.1): every "
                         "signature with this selector fails, whatever the key");
        goto done;
    case DKIM_KEY_STATUS_BAD_BASE64:
        strbuf_puts(msg, "the record is broken: p= is not valid base64, so verifiers find no "
                         "key");
        goto done;
    case DKIM_KEY_STATUS_BAD_KEY:
        strbuf_puts(msg, "the record is broken: p= does not decode to ");
        strbuf_puts(msg, r.k == DKIM_KEY_ED25519 ? "an Ed25519" : "an RSA");
        strbuf_puts(msg, " public key verifiers accept");
        if (info->problem == DKIM_KEY_PROBLEM_PKCS1)
            strbuf_puts(msg, " (a bare PKCS#1 RSA key: publish the SubjectPublicKeyInfo form)");
        else if (info->problem == DKIM_KEY_PROBLEM_WRONG_TYPE)
            strbuf_printf(msg, " (it holds a %s key)", dkim_key_type_name(info->type));
        else if (info->problem == DKIM_KEY_PROBLEM_PRIVATE)
            strbuf_puts(msg, " (it holds a PRIVATE key: replace it and the key at once)");
        goto done;
    case DKIM_KEY_STATUS_UNCHECKED:
        strbuf_puts(msg, "the record is broken: its k= names a key type DKIM does not define "
                         "(rsa or ed25519)");
        goto done;
    case DKIM_KEY_STATUS_OK:
        break;
    }
    if (info->type != k->type) {
        m->result = DKIM_MATCH_DIFFERENT_TYPE;
        strbuf_puts(msg, "different key type: the private key is ");
        describe_key(msg, k->type, k->bits);
        strbuf_puts(msg, ", the record publishes ");
        describe_key(msg, info->type, info->bits);
        goto done;
    }
    unsigned char mine[DKIM_KEY_DER_MAX], theirs[DKIM_KEY_DER_MAX + 2];
    size_t mine_len = 0;
    if (!dkim_keys_public_der(k->impl->key, k->type, mine, &mine_len)) {
        strbuf_puts(msg, "OpenSSL could not derive the public key of the private key");
        goto done;
    }
    const struct dkim_tag *p = &r.tags[r.first[DKIM_KEY_TAG_P]];
    struct dkim_b64 scan;
    dkim_b64_scan(p->value_text, p->value_len, &scan);
    size_t n = scan.problem == DKIM_KEY_PROBLEM_NONE && scan.decoded_len <= DKIM_KEY_DER_MAX
                   ? dkim_b64_decode(p->value_text, p->value_len, &scan, theirs)
                   : (size_t)-1;
    if (n == (size_t)-1) {
        strbuf_puts(msg, "the record is broken: p= cannot be decoded");
        goto done;
    }
    if (n == mine_len && CRYPTO_memcmp(mine, theirs, n) == 0) {
        m->result = DKIM_MATCH_OK;
        strbuf_puts(msg, "match: the record publishes the public half of this ");
        describe_key(msg, k->type, k->bits);
        strbuf_printf(msg, " private key (%s)", dkim_privkey_form_name(k->form));
    } else {
        m->result = DKIM_MATCH_DIFFERENT_KEY;
        strbuf_puts(msg, "different key: the record publishes another ");
        describe_key(msg, info->type, info->bits);
        strbuf_puts(msg, " key, not the public half of this ");
        describe_key(msg, k->type, k->bits);
        strbuf_puts(msg, " private key; mail signed with it fails verification");
    }
done:
    diag_list_free(&diags);
    dkim_key_record_free(&r);
}

size_t dkim_key_pick_record(const struct dns_txt_answer *answer)
{
    struct dkim_key_record r;
    dkim_key_record_init(&r);
    struct diag_list diags;
    diag_list_init(&diags);
    size_t pick = 0;
    for (size_t i = 0; i < answer->count; i++) {
        const struct dns_txt *t = &answer->records[i];
        diag_list_reset(&diags);
        if (!dkim_key_parse(&r, t->text, t->len, &diags))
            break;
        size_t v = r.first[DKIM_KEY_TAG_V];
        if (r.first[DKIM_KEY_TAG_P] != DKIM_NONE ||
            (v != DKIM_NONE && dkim_eq(r.tags[v].value_text, r.tags[v].value_len, "DKIM1"))) {
            pick = i;
            break;
        }
    }
    diag_list_free(&diags);
    dkim_key_record_free(&r);
    return pick;
}
