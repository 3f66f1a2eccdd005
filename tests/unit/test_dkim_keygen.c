/* DKIM key pairs (authtxt/dkim_keys.h): generation, the key record and its
 * lint, a signature made with the generated private key and verified with
 * the public key taken back out of the record, private key loading in
 * every form, each kind of mismatch, the rotation plan, selector names and
 * the provider list. */
#include "unit.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "authtxt/dkim.h"
#include "authtxt/dkim_keys.h"
#include "authtxt/zone.h"

/* ---- helpers ---------------------------------------------------------- */

/* Parse and lint a record; the worst severity of the diagnostics that are
 * not in `allowed` (rules the caller expects), or -1. */
static int worst_unexpected(const char *text, const enum rule_id *allowed, size_t nallowed)
{
    struct dkim_key_record r;
    dkim_key_record_init(&r);
    struct diag_list d;
    diag_list_init(&d);
    assert_true(dkim_key_parse(&r, text, strlen(text), &d));
    dkim_key_lint(&r, &d);
    int worst = -1;
    for (size_t i = 0; i < d.count; i++) {
        bool ok = false;
        for (size_t k = 0; k < nallowed; k++)
            ok |= d.items[i].rule == allowed[k];
        if (!ok && (int)d.items[i].severity > worst) {
            worst = (int)d.items[i].severity;
            print_message("  %s: %s\n", rule_get(d.items[i].rule)->code, d.items[i].message);
        }
    }
    diag_list_free(&d);
    dkim_key_record_free(&r);
    return worst;
}

/* The public key of a record's p=, decoded with OpenSSL independently of
 * the module under test. */
static EVP_PKEY *record_public_key(const char *record, enum dkim_key_type type)
{
    const char *p = strstr(record, "p=");
    assert_non_null(p);
    p += 2;
    unsigned char der[2048];
    int n = EVP_DecodeBlock(der, (const unsigned char *)p, (int)strlen(p));
    assert_true(n > 0);
    size_t pad = strlen(p) >= 2 && p[strlen(p) - 1] == '=' ? (p[strlen(p) - 2] == '=' ? 2 : 1) : 0;
    n -= (int)pad;
    if (type == DKIM_KEY_ED25519) {
        assert_int_equal(n, 32);
        return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
    }
    const unsigned char *q = der;
    return d2i_PUBKEY(NULL, &q, n);
}

static EVP_PKEY *pem_private_key(const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

/* Sign msg with priv (SHA-256 for RSA, pure Ed25519 as RFC 8463 §3 does
 * over the hash) and verify with pub. */
static bool sign_verify(EVP_PKEY *priv, EVP_PKEY *pub, bool ed, const char *msg,
                        const char *verify_msg)
{
    unsigned char sig[1024];
    size_t siglen = sizeof sig;
    const EVP_MD *md = ed ? NULL : EVP_sha256();
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(c, NULL, md, NULL, priv), 1);
    assert_int_equal(EVP_DigestSign(c, sig, &siglen, (const unsigned char *)msg, strlen(msg)), 1);
    EVP_MD_CTX_free(c);
    c = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(c, NULL, md, NULL, pub), 1);
    int ok =
        EVP_DigestVerify(c, sig, siglen, (const unsigned char *)verify_msg, strlen(verify_msg));
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return ok == 1;
}

static void keygen_ok(const struct dkim_keygen_options *o, struct dkim_keypair *kp)
{
    struct strbuf why = STRBUF_INIT;
    bool ok = dkim_keygen(o, kp, &why);
    if (!ok)
        print_message("keygen: %s\n", strbuf_cstr(&why));
    assert_true(ok);
    strbuf_free(&why);
}

/* ---- generation ------------------------------------------------------- */

static void check_pair(enum dkim_key_type type, unsigned bits)
{
    struct dkim_keygen_options o = {.type = type, .bits = type == DKIM_KEY_RSA ? bits : 0};
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    keygen_ok(&o, &kp);
    assert_int_equal(kp.type, type);
    assert_int_equal(kp.bits, bits);
    assert_non_null(strstr(kp.private_pem, "-----BEGIN PRIVATE KEY-----"));
    assert_int_equal(strlen(kp.private_pem), kp.private_len);
    const char *rec = strbuf_cstr(&kp.record);
    assert_true(strncmp(rec, "v=DKIM1; k=", 11) == 0);
    assert_null(strstr(rec, "PRIVATE"));

    /* The record is clean: only the informational size and split notes. */
    enum rule_id allowed[] = {RULE_DKIM_KEY_SIZE, RULE_DKIM_STRING_SPLIT};
    assert_true(worst_unexpected(rec, allowed, 2) < DIAG_WARNING);

    /* The core reads back the key it wrote. */
    struct dkim_key_record r;
    dkim_key_record_init(&r);
    struct diag_list d;
    diag_list_init(&d);
    assert_true(dkim_key_parse(&r, rec, strlen(rec), &d));
    assert_true(dkim_key_is_usable(&r));
    assert_int_equal(dkim_key_get_type(&r), type);
    assert_int_equal(dkim_key_get_bits(&r), bits);
    diag_list_free(&d);
    dkim_key_record_free(&r);

    /* A signature made with the private key verifies with the record's
     * public key, and fails for another message. */
    EVP_PKEY *priv = pem_private_key(kp.private_pem, kp.private_len);
    EVP_PKEY *pub = record_public_key(rec, type);
    assert_non_null(priv);
    assert_non_null(pub);
    bool ed = type == DKIM_KEY_ED25519;
    assert_true(sign_verify(priv, pub, ed, "From: a@example.com\r\n", "From: a@example.com\r\n"));
    assert_false(sign_verify(priv, pub, ed, "From: a@example.com\r\n", "From: b@example.com\r\n"));
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    dkim_keypair_free(&kp);
    assert_null(kp.private_pem);
}

static void test_keygen_rsa2048(void **state)
{
    (void)state;
    check_pair(DKIM_KEY_RSA, 2048);
}

static void test_keygen_ed25519(void **state)
{
    (void)state;
    check_pair(DKIM_KEY_ED25519, 256);
    assert_non_null(strstr(dkim_keygen_note(DKIM_KEY_ED25519), "RFC 8463"));
    assert_string_equal(dkim_keygen_note(DKIM_KEY_RSA), "");
}

static void test_keygen_default_is_rsa2048(void **state)
{
    (void)state;
    struct dkim_keygen_options o = {0};
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    keygen_ok(&o, &kp);
    assert_int_equal(kp.type, DKIM_KEY_RSA);
    assert_int_equal(kp.bits, 2048);
    dkim_keypair_free(&kp);
}

static void test_keygen_tags(void **state)
{
    (void)state;
    struct dkim_keygen_options o = {
        .type = DKIM_KEY_ED25519, .testing = true, .hash_sha256 = true, .note = "ops; k=v \x01"};
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    keygen_ok(&o, &kp);
    const char *rec = strbuf_cstr(&kp.record);
    assert_true(strncmp(rec, "v=DKIM1; k=ed25519; h=sha256; t=y; n=ops=3B k=3Dv =01; p=", 57) == 0);
    /* t=y is a warning (testing), nothing else beyond the notes. */
    enum rule_id allowed[] = {RULE_DKIM_KEY_SIZE, RULE_DKIM_TESTING};
    assert_true(worst_unexpected(rec, allowed, 2) < DIAG_WARNING);
    assert_true(worst_unexpected(rec, allowed, 1) == DIAG_WARNING);
    /* The note passes the core's own n= grammar check. */
    const char *n = strstr(rec, "n=") + 2;
    size_t nlen = (size_t)(strchr(n, ';') - n);
    struct strbuf why = STRBUF_INIT;
    assert_true(dkim_key_check_value("n", n, nlen, &why));
    strbuf_free(&why);
    dkim_keypair_free(&kp);
}

static void test_keygen_refusals(void **state)
{
    (void)state;
    struct {
        struct dkim_keygen_options o;
        const char *why;
    } cases[] = {
        {{.type = DKIM_KEY_RSA, .bits = 1024}, "RFC 8301"},
        {{.type = DKIM_KEY_RSA, .bits = 512}, "RFC 8301"},
        {{.type = DKIM_KEY_RSA, .bits = 2049}, "2048, 3072 or 4096"},
        {{.type = DKIM_KEY_ED25519, .bits = 2048}, "Ed25519"},
        {{.type = DKIM_KEY_EC}, "rsa"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dkim_keypair kp;
        dkim_keypair_init(&kp);
        struct strbuf why = STRBUF_INIT;
        assert_false(dkim_keygen(&cases[i].o, &kp, &why));
        assert_non_null(strstr(strbuf_cstr(&why), cases[i].why));
        assert_null(kp.private_pem);
        assert_int_equal(kp.record.len, 0);
        strbuf_free(&why);
        dkim_keypair_free(&kp);
    }
    char note[DKIM_KEYGEN_NOTE_MAX + 2];
    memset(note, 'x', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    struct dkim_keygen_options o = {.note = note};
    struct strbuf why = STRBUF_INIT;
    assert_false(dkim_keygen_check(&o, &why));
    strbuf_free(&why);
}

/* ---- loading and matching --------------------------------------------- */

enum pem_form { PEM_PKCS8, PEM_PKCS1, PEM_PKCS8_ENC, PEM_PKCS1_ENC, PEM_PUBLIC };

static char *write_pem(EVP_PKEY *k, enum pem_form form, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    int ok = 0;
    switch (form) {
    case PEM_PKCS8:
        ok = PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
        break;
    case PEM_PKCS1:
        ok = PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL);
        break;
    case PEM_PKCS8_ENC:
        ok = PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), "s3cret", 6, NULL, NULL);
        break;
    case PEM_PKCS1_ENC:
        ok = PEM_write_bio_PrivateKey_traditional(b, k, EVP_aes_128_cbc(),
                                                  (unsigned char *)"s3cret", 6, NULL, NULL);
        break;
    case PEM_PUBLIC:
        ok = PEM_write_bio_PUBKEY(b, k);
        break;
    }
    assert_int_equal(ok, 1);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *out = malloc((size_t)n + 1);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

struct fixture {
    struct dkim_keypair rsa, rsa_other, ed;
    EVP_PKEY *rsa_key;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct dkim_keygen_options r = {.type = DKIM_KEY_RSA}, e = {.type = DKIM_KEY_ED25519};
    dkim_keypair_init(&f->rsa);
    dkim_keypair_init(&f->rsa_other);
    dkim_keypair_init(&f->ed);
    struct strbuf why = STRBUF_INIT;
    if (!dkim_keygen(&r, &f->rsa, &why) || !dkim_keygen(&r, &f->rsa_other, &why) ||
        !dkim_keygen(&e, &f->ed, &why))
        return -1;
    strbuf_free(&why);
    f->rsa_key = pem_private_key(f->rsa.private_pem, f->rsa.private_len);
    *state = f;
    return f->rsa_key ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    dkim_keypair_free(&f->rsa);
    dkim_keypair_free(&f->rsa_other);
    dkim_keypair_free(&f->ed);
    EVP_PKEY_free(f->rsa_key);
    free(f);
    return 0;
}

static enum dkim_privkey_status load(struct dkim_privkey *k, const char *pem, size_t len,
                                     const char *pass)
{
    struct strbuf why = STRBUF_INIT;
    enum dkim_privkey_status st =
        dkim_privkey_load(k, pem, len, pass, pass ? strlen(pass) : 0, &why);
    if (st != DKIM_PRIVKEY_OK)
        assert_true(why.len > 0); /* every refusal says why */
    strbuf_free(&why);
    return st;
}

static enum dkim_match_result match(const struct dkim_privkey *k, const char *record,
                                    struct dkim_match *m)
{
    dkim_match_record(k, record, strlen(record), m);
    assert_true(m->message.len > 0);
    return m->result;
}

static void test_load_forms_match(void **state)
{
    struct fixture *f = *state;
    struct {
        enum pem_form form;
        enum dkim_privkey_form want;
        bool encrypted;
    } cases[] = {
        {PEM_PKCS8, DKIM_PRIVKEY_FORM_PKCS8, false},
        {PEM_PKCS1, DKIM_PRIVKEY_FORM_PKCS1, false},
        {PEM_PKCS8_ENC, DKIM_PRIVKEY_FORM_PKCS8_ENC, true},
        {PEM_PKCS1_ENC, DKIM_PRIVKEY_FORM_PKCS1_ENC, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *pem = write_pem(f->rsa_key, cases[i].form, &len);
        struct dkim_privkey k;
        dkim_privkey_init(&k);
        if (cases[i].encrypted) {
            assert_int_equal(load(&k, pem, len, NULL), DKIM_PRIVKEY_NEED_PASSPHRASE);
            assert_int_equal(load(&k, pem, len, "wrong"), DKIM_PRIVKEY_BAD_PASSPHRASE);
            assert_int_equal(load(&k, pem, len, "s3cret"), DKIM_PRIVKEY_OK);
        } else {
            assert_int_equal(load(&k, pem, len, NULL), DKIM_PRIVKEY_OK);
        }
        assert_int_equal(k.form, cases[i].want);
        assert_int_equal(k.type, DKIM_KEY_RSA);
        assert_int_equal(k.bits, 2048);
        struct dkim_match m;
        dkim_match_init(&m);
        assert_int_equal(match(&k, strbuf_cstr(&f->rsa.record), &m), DKIM_MATCH_OK);
        assert_int_equal(dkim_match_status(m.result), 0);
        assert_int_equal(match(&k, strbuf_cstr(&f->rsa_other.record), &m),
                         DKIM_MATCH_DIFFERENT_KEY);
        assert_int_equal(dkim_match_status(m.result), 1);
        /* The p= the core derives is the record's. */
        struct strbuf p = STRBUF_INIT;
        assert_true(dkim_privkey_public_p(&k, &p));
        assert_non_null(strstr(strbuf_cstr(&f->rsa.record), strbuf_cstr(&p)));
        strbuf_free(&p);
        dkim_match_free(&m);
        dkim_privkey_free(&k);
        free(pem);
    }
}

static void test_match_ed25519_and_kinds(void **state)
{
    struct fixture *f = *state;
    struct dkim_privkey k;
    dkim_privkey_init(&k);
    assert_int_equal(load(&k, f->ed.private_pem, f->ed.private_len, NULL), DKIM_PRIVKEY_OK);
    assert_int_equal(k.type, DKIM_KEY_ED25519);
    struct dkim_match m;
    dkim_match_init(&m);
    assert_int_equal(match(&k, strbuf_cstr(&f->ed.record), &m), DKIM_MATCH_OK);
    assert_int_equal(match(&k, strbuf_cstr(&f->rsa.record), &m), DKIM_MATCH_DIFFERENT_TYPE);
    assert_int_equal(m.record_type, DKIM_KEY_RSA);
    assert_int_equal(match(&k, "v=DKIM1; k=ed25519; p=", &m), DKIM_MATCH_REVOKED);
    assert_int_equal(dkim_match_status(m.result), 1);
    const char *broken[] = {
        "v=DKIM1; k=ed25519",                     /* no p= */
        "v=DKIM1; k=ed25519; p=!!!!",             /* bad base64 */
        "v=DKIM1; k=rsa; p=bm90IGEga2V5",         /* not a key */
        "v=DKIM1; k=foo; p=bm90IGEga2V5",         /* unknown k= */
        "v=DKIM1; k=ed25519; p=bm90IGEga2V5Cg==", /* not 32 bytes */
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        assert_int_equal(match(&k, broken[i], &m), DKIM_MATCH_RECORD_BROKEN);
        assert_int_equal(dkim_match_status(m.result), 2);
    }
    dkim_match_free(&m);
    dkim_privkey_free(&k);
}

static void test_load_refusals(void **state)
{
    struct fixture *f = *state;
    struct dkim_privkey k;
    dkim_privkey_init(&k);
    size_t len;
    char *pub = write_pem(f->rsa_key, PEM_PUBLIC, &len);
    assert_int_equal(load(&k, pub, len, NULL), DKIM_PRIVKEY_PUBLIC_KEY);
    free(pub);
    const char *rec = strbuf_cstr(&f->rsa.record);
    assert_int_equal(load(&k, rec, strlen(rec), NULL), DKIM_PRIVKEY_PUBLIC_KEY);
    assert_int_equal(load(&k, "hello", 5, NULL), DKIM_PRIVKEY_NOT_A_KEY);
    assert_int_equal(load(&k, "", 0, NULL), DKIM_PRIVKEY_NOT_A_KEY);
    /* Cut in the middle of the base64. */
    assert_int_equal(load(&k, f->rsa.private_pem, 300, NULL), DKIM_PRIVKEY_BROKEN);
    /* NUL bytes and garbage around a good key do not matter; a NUL inside
     * does not crash. */
    char buf[4096];
    memcpy(buf, "junk\0junk\n", 10);
    memcpy(buf + 10, f->ed.private_pem, f->ed.private_len);
    assert_int_equal(load(&k, buf, 10 + f->ed.private_len, NULL), DKIM_PRIVKEY_OK);
    buf[40] = '\0';
    assert_int_not_equal(load(&k, buf, 10 + f->ed.private_len, NULL), DKIM_PRIVKEY_OK);
    /* An EC key: a private key DKIM cannot use. */
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    assert_non_null(ec);
    char *ecpem = write_pem(ec, PEM_PKCS8, &len);
    assert_int_equal(load(&k, ecpem, len, NULL), DKIM_PRIVKEY_UNSUPPORTED);
    free(ecpem);
    EVP_PKEY_free(ec);
    assert_null(k.impl);
    /* A key record match without a loaded key does not crash. */
    struct dkim_match m;
    dkim_match_init(&m);
    assert_int_equal(match(&k, rec, &m), DKIM_MATCH_RECORD_BROKEN);
    dkim_match_free(&m);
    dkim_privkey_free(&k);
}

static void test_pick_record(void **state)
{
    (void)state;
    struct dns_txt_answer a;
    dns_txt_answer_init(&a);
    assert_true(dns_txt_answer_add_text(&a, "google-site-verification=abc"));
    assert_true(dns_txt_answer_add_text(&a, "v=DKIM1; p="));
    assert_int_equal(dkim_key_pick_record(&a), 1);
    dns_txt_answer_free(&a);
    dns_txt_answer_init(&a);
    assert_true(dns_txt_answer_add_text(&a, "k=rsa; p=abc"));
    assert_true(dns_txt_answer_add_text(&a, "v=DKIM1; p="));
    assert_int_equal(dkim_key_pick_record(&a), 0);
    dns_txt_answer_free(&a);
}

/* Regression: the editor's DKIM tab parses drafts with no diagnostic list;
 * a record with a grammar error (a bare word) crashed it on load. */
static void test_parse_without_diag_list(void **state)
{
    (void)state;
    const char *texts[] = {"=x", "site-verification=abc", "v=DKIM1; p=!!", "p=a; p=b",
                           "v=DKIM1; oops; p="};
    struct dkim_key_record r;
    dkim_key_record_init(&r);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_true(dkim_key_parse(&r, texts[i], strlen(texts[i]), NULL));
    assert_int_equal(r.first[DKIM_KEY_TAG_P], 2); /* the last text's p= */
    dkim_key_record_free(&r);
    assert_null(diag_add(NULL, RULE_DKIM_SYNTAX, 0, 1, "x"));
}

/* ---- rotation --------------------------------------------------------- */

static void test_rotate_plan(void **state)
{
    (void)state;
    struct dkim_rotate_plan p;
    dkim_rotate_plan_init(&p);
    struct strbuf why = STRBUF_INIT;
    struct dkim_rotate_options o = {.domain = "Example.COM",
                                    .from = "s2025",
                                    .to = "s2026",
                                    .new_record = "v=DKIM1; k=ed25519; p=abc",
                                    .ttl = 7200,
                                    .queue_seconds = 3 * 86400};
    assert_true(dkim_rotate_plan_build(&o, &p, &why));
    assert_int_equal(p.count, 5);
    assert_int_equal(p.wait_seconds, 7200 + 3 * 86400);
    assert_string_equal(
        strbuf_cstr(&p.steps[0].zone),
        "s2026._domainkey.example.com. 7200 IN TXT \"v=DKIM1; k=ed25519; p=abc\"\n");
    assert_non_null(strstr(strbuf_cstr(&p.steps[2].text), "3 days 2 hours"));
    assert_string_equal(strbuf_cstr(&p.steps[3].zone),
                        "s2025._domainkey.example.com. 7200 IN TXT \"v=DKIM1; p=\"\n");
    assert_int_equal(p.steps[1].zone.len, 0);
    /* The revocation line reads back as a revoked key record. */
    struct zone z;
    zone_init(&z);
    struct diag_list d;
    diag_list_init(&d);
    const char *zt = strbuf_cstr(&p.steps[3].zone);
    assert_true(zone_read(&z, zt, strlen(zt), NULL, &d));
    assert_int_equal(z.count, 1);
    assert_int_equal(z.records[0].kind, ZONE_KIND_DKIM_KEY);
    assert_string_equal(z.records[0].selector, "s2025");
    zone_free(&z);
    diag_list_free(&d);

    /* Refusals: same selector, bad names. */
    o.to = "S2025";
    assert_false(dkim_rotate_plan_build(&o, &p, &why));
    assert_int_equal(p.count, 0);
    o.to = "a b";
    assert_false(dkim_rotate_plan_build(&o, &p, &why));
    o.to = "ok";
    o.domain = "exa mple.com";
    assert_false(dkim_rotate_plan_build(&o, &p, &why));
    strbuf_free(&why);

    /* No record: a placeholder, and the default wait of 1 hour + 5 days. */
    struct dkim_rotate_options d2 = {.domain = "example.com", .from = "a", .to = "b"};
    assert_true(dkim_rotate_plan_build(&d2, &p, &why));
    assert_int_equal(p.wait_seconds, 3600 + 5 * 86400);
    assert_non_null(strstr(strbuf_cstr(&p.steps[0].zone), "<the new public key>"));
    dkim_rotate_plan_free(&p);
    strbuf_free(&why);
}

static void test_duration(void **state)
{
    (void)state;
    struct {
        uint32_t s;
        const char *want;
    } cases[] = {{0, "0 seconds"},
                 {1, "1 second"},
                 {90, "1 minute 30 seconds"},
                 {3600 + 5 * 86400, "5 days 1 hour"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strbuf b = STRBUF_INIT;
        dkim_duration_format(cases[i].s, &b);
        assert_string_equal(strbuf_cstr(&b), cases[i].want);
        strbuf_free(&b);
    }
}

/* ---- names and the provider list -------------------------------------- */

static void test_selector_check(void **state)
{
    (void)state;
    const char *good[] = {"s1", "2026.eu", "selector-1", "x_y", "A"};
    const char *bad[] = {
        "",         "a b",
        "a..b",     ".a",
        "a.",       "-a",
        "a-",       "a/b",
        "\xc3\xa9", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(dkim_selector_check(good[i], NULL));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct strbuf why = STRBUF_INIT;
        assert_false(dkim_selector_check(bad[i], &why));
        assert_true(why.len > 0);
        strbuf_free(&why);
    }
}

static void test_provider_list(void **state)
{
    (void)state;
    struct dkim_provider_selector list[DKIM_PROVIDER_SELECTORS_MAX];
    size_t n = dkim_provider_selectors(list, DKIM_PROVIDER_SELECTORS_MAX);
    assert_true(n >= 20);
    const char *must[] = {"google",  "selector1", "selector2", "k1",
                          "default", "dkim",      "mail",      "s1"};
    for (size_t m = 0; m < sizeof must / sizeof must[0]; m++) {
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            seen |= strcmp(list[i].selector, must[m]) == 0;
        if (!seen)
            print_message("missing selector %s\n", must[m]);
        assert_true(seen);
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(dkim_selector_check(list[i].selector, NULL));
        assert_true(list[i].provider[0] != '\0');
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(list[i].selector, list[j].selector);
    }
    assert_string_equal(list[0].selector, "google");
    assert_non_null(strstr(list[1].provider, "Microsoft 365"));
    /* A short array gets the first entries. */
    assert_int_equal(dkim_provider_selectors(list, 3), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keygen_rsa2048),
        cmocka_unit_test(test_keygen_ed25519),
        cmocka_unit_test(test_keygen_default_is_rsa2048),
        cmocka_unit_test(test_keygen_tags),
        cmocka_unit_test(test_keygen_refusals),
        cmocka_unit_test_setup_teardown(test_load_forms_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_ed25519_and_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refusals, setup, teardown),
        cmocka_unit_test(test_pick_record),
        cmocka_unit_test(test_parse_without_diag_list),
        cmocka_unit_test(test_rotate_plan),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_selector_check),
        cmocka_unit_test(test_provider_list),
    };
    return cmocka_run_group_tests_name("dkim_keygen", tests, NULL, NULL);
}
