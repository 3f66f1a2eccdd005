/* DKIM public keys: dkim_key_decode (base64 + OpenSSL key parsing) and the
 * paste helper dkim_paste_key. */
#include "unit.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <time.h>

#include "authtxt/dkim.h"
#include "test_dkim_keys.h"

static void decode(enum dkim_key_type type, const char *p, struct dkim_key_info *info)
{
    dkim_key_decode(type, p, strlen(p), info);
}

static void test_decode_rsa_sizes(void **state)
{
    (void)state;
    struct {
        const char *key;
        unsigned bits;
    } cases[] = {{KEY_RSA512, 512},
                 {KEY_RSA1024, 1024},
                 {KEY_RSA2048, 2048},
                 {KEY_RSA4096, 4096},
                 {KEY_RSA1024_RFC8463, 1024}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dkim_key_info info;
        decode(DKIM_KEY_RSA, cases[i].key, &info);
        assert_int_equal(info.status, DKIM_KEY_STATUS_OK);
        assert_int_equal(info.problem, DKIM_KEY_PROBLEM_NONE);
        assert_int_equal(info.type, DKIM_KEY_RSA);
        assert_int_equal(info.form, DKIM_KEY_FORM_SPKI);
        assert_int_equal(info.bits, cases[i].bits);
        assert_int_equal(info.chars,
                         strlen(cases[i].key) -
                             (strchr(cases[i].key, '=') ? strlen(strchr(cases[i].key, '=')) : 0));
    }
}

/* The size of an RSA key is its modulus's bit length, as OpenSSL gives it,
 * also for sizes that are not a multiple of 8 (a modulus whose top byte
 * is not full). */
static void test_decode_rsa_bits_match_openssl(void **state)
{
    (void)state;
    const unsigned sizes[] = {512, 513, 519, 520, 767, 1000, 1025};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        EVP_PKEY *key = EVP_RSA_gen(sizes[i]);
        assert_non_null(key);
        unsigned char *der = NULL;
        int n = i2d_PUBKEY(key, &der);
        assert_true(n > 0);
        char b64[4 * 1024];
        assert_true((size_t)(n + 2) / 3 * 4 < sizeof b64);
        EVP_EncodeBlock((unsigned char *)b64, der, n);
        struct dkim_key_info info;
        decode(DKIM_KEY_RSA, b64, &info);
        assert_int_equal(info.status, DKIM_KEY_STATUS_OK);
        assert_int_equal(info.bits, (unsigned)EVP_PKEY_get_bits(key));
        assert_int_equal(info.bits, sizes[i]);
        OPENSSL_free(der);
        EVP_PKEY_free(key);
    }
}

/* A bare RSAPublicKey with the given modulus and exponent bytes (DER
 * INTEGER contents as given), base64 in out. */
static void pkcs1_b64(const unsigned char *mod, size_t nmod, const unsigned char *exp, size_t nexp,
                      char *out)
{
    unsigned char der[600];
    size_t body = 3 + nmod + 2 + nexp, k = 0;
    assert_true(nmod < 256 && body < 256);
    der[k++] = 0x30, der[k++] = 0x81, der[k++] = (unsigned char)body;
    der[k++] = 0x02, der[k++] = 0x81, der[k++] = (unsigned char)nmod;
    memcpy(der + k, mod, nmod), k += nmod;
    der[k++] = 0x02, der[k++] = (unsigned char)nexp;
    memcpy(der + k, exp, nexp), k += nexp;
    EVP_EncodeBlock((unsigned char *)out, der, (int)k);
}

/* INTEGERs must be minimal (X.690 §8.3.2): a modulus padded with a zero
 * byte it does not need is a broken key, as OpenSSL says ("illegal
 * padding"); the one zero byte a high top bit needs is fine. */
static void test_decode_rsa_integer_padding(void **state)
{
    (void)state;
    unsigned char mod[129];
    const unsigned char e[] = {0x01, 0x00, 0x01};
    for (size_t i = 0; i < sizeof mod; i++)
        mod[i] = (unsigned char)(0x5a + i);
    mod[sizeof mod - 1] |= 1; /* odd */
    char b64[800];
    struct dkim_key_info info;

    mod[0] = 0x00, mod[1] = 0xc3; /* 129 bytes of modulus, top bit set */
    pkcs1_b64(mod, sizeof mod, e, sizeof e, b64);
    decode(DKIM_KEY_RSA, b64, &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_PKCS1); /* usable, but bare */
    assert_int_equal(info.form, DKIM_KEY_FORM_PKCS1);
    assert_int_equal(info.bits, 128 * 8);

    mod[1] = 0x43; /* now the zero byte is padding */
    pkcs1_b64(mod, sizeof mod, e, sizeof e, b64);
    decode(DKIM_KEY_RSA, b64, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_BAD_RSA);

    const unsigned char e_padded[] = {0x00, 0x01, 0x00, 0x01};
    mod[1] = 0xc3;
    pkcs1_b64(mod, sizeof mod, e_padded, sizeof e_padded, b64);
    decode(DKIM_KEY_RSA, b64, &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_BAD_RSA);
}

static void test_decode_ed25519(void **state)
{
    (void)state;
    struct dkim_key_info info;
    decode(DKIM_KEY_ED25519, KEY_ED25519_RFC8463, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_OK);
    assert_int_equal(info.type, DKIM_KEY_ED25519);
    assert_int_equal(info.form, DKIM_KEY_FORM_RAW);
    assert_int_equal(info.bits, 256);
    assert_int_equal(info.decoded_len, 32);

    /* The SPKI form is what openssl writes, and what RFC 8463 does not want. */
    decode(DKIM_KEY_ED25519, KEY_ED25519_SPKI, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_ED25519_SPKI);
    assert_int_equal(info.decoded_len, 44);

    /* An RSA key under k=ed25519, and 33 bytes. */
    decode(DKIM_KEY_ED25519, KEY_RSA2048, &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_WRONG_TYPE);
    assert_int_equal(info.type, DKIM_KEY_RSA);
    decode(DKIM_KEY_ED25519, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_ED25519_LEN);
    assert_int_equal(info.decoded_len, 33);
}

static void test_decode_wrong_keys(void **state)
{
    (void)state;
    struct dkim_key_info info;
    /* A raw Ed25519 key under the default k=rsa. */
    decode(DKIM_KEY_RSA, KEY_ED25519_RFC8463, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_WRONG_TYPE);
    assert_int_equal(info.type, DKIM_KEY_ED25519);
    /* An EC key. */
    decode(DKIM_KEY_RSA, KEY_EC_P256, &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_WRONG_TYPE);
    assert_int_equal(info.type, DKIM_KEY_EC);
    /* Bare PKCS#1: recognized, sized, and flagged. */
    decode(DKIM_KEY_RSA, KEY_RSA1024_PKCS1, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_PKCS1);
    assert_int_equal(info.form, DKIM_KEY_FORM_PKCS1);
    assert_int_equal(info.bits, 1024);
    /* Text, not DER: "hello world". */
    decode(DKIM_KEY_RSA, "aGVsbG8gd29ybGQ=", &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_NOT_DER);
    assert_int_equal(info.decoded_len, 11);
}

static void test_decode_damaged_rsa(void **state)
{
    (void)state;
    struct dkim_key_info info;
    /* Flip one character inside the modulus: DER still parses, but the
     * SPKI length fields no longer match, or the modulus turns even. */
    char key[sizeof KEY_RSA2048];
    memcpy(key, KEY_RSA2048, sizeof key);
    key[40] = key[40] == 'A' ? 'B' : 'A';
    decode(DKIM_KEY_RSA, key, &info);
    assert_int_not_equal(info.status, DKIM_KEY_STATUS_BAD_BASE64);
    /* Cut the key short by 4 characters (3 bytes): lengths no longer fit. */
    memcpy(key, KEY_RSA2048, sizeof key);
    key[strlen(key) - 8] = '\0';
    decode(DKIM_KEY_RSA, key, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    /* Extra bytes after a valid key (KEY_RSA1024 has no padding). */
    char longer[sizeof KEY_RSA1024 + 8];
    snprintf(longer, sizeof longer, "%sAAAA", KEY_RSA1024);
    decode(DKIM_KEY_RSA, longer, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_TRAILING);
}

static void test_decode_base64_problems(void **state)
{
    (void)state;
    struct dkim_key_info info;
    decode(DKIM_KEY_RSA, "MIGf!MA0G", &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_BASE64);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_BAD_CHAR);
    assert_int_equal(info.bad_start, 4);
    assert_int_equal(info.bad_end, 5);
    assert_int_equal(info.bad_char, '!');
    decode(DKIM_KEY_RSA, "MIGf\xc3\xa9MA0G", &info); /* é: one character, two bytes */
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_BAD_CHAR);
    assert_int_equal(info.bad_start, 4);
    assert_int_equal(info.bad_end, 6);
    decode(DKIM_KEY_RSA, "MIG=fMA0", &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_MISPLACED_PAD);
    assert_int_equal(info.bad_start, 3);
    decode(DKIM_KEY_RSA, "MI===", &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_TOO_MUCH_PAD);
    assert_int_equal(info.bad_start, 4);
    decode(DKIM_KEY_RSA, "MIGfM", &info);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_BAD_LENGTH);
    assert_int_equal(info.bad_start, 4);
    /* FWS inside base64 is fine (RFC 6376 §2.10). */
    decode(DKIM_KEY_ED25519, "11qYAYKxCrfVS/7TyWQHOg7hcv PapiMlrwIaa\tPcHURo =", &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_OK);
    /* Empty or blank: revoked. */
    decode(DKIM_KEY_RSA, "", &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_REVOKED);
    decode(DKIM_KEY_RSA, "  ", &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_REVOKED);
    /* An unknown k= is not checked beyond base64. */
    decode(DKIM_KEY_OTHER, KEY_RSA2048, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_UNCHECKED);
}

static void test_decode_too_large(void **state)
{
    (void)state;
    size_t n = 12000; /* 9000 bytes, over DKIM_KEY_DER_MAX */
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'A', n);
    big[n] = '\0';
    struct dkim_key_info info;
    decode(DKIM_KEY_RSA, big, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_TOO_LARGE);
    assert_int_equal(info.decoded_len, 9000);
    free(big);
}

static void test_decode_leaves_openssl_errors_alone(void **state)
{
    (void)state;
    ERR_clear_error();
    struct dkim_key_info info;
    char key[sizeof KEY_RSA1024];
    memcpy(key, KEY_RSA1024, sizeof key);
    key[60] = key[60] == 'A' ? 'B' : 'A';
    decode(DKIM_KEY_RSA, key, &info);
    decode(DKIM_KEY_RSA, KEY_RSA1024_PKCS1, &info);
    decode(DKIM_KEY_ED25519, KEY_ED25519_RFC8463, &info);
    assert_int_equal(ERR_peek_error(), 0);
}

/* The private key of RFC 8463 A.1 must never become a p= value, with or
 * without its armor. */
static void test_decode_private_key(void **state)
{
    (void)state;
    struct strbuf body = STRBUF_INIT;
    const char *s = strchr(PEM_RSA_PRIVATE_RFC8463, '\n') + 1;
    const char *e = strstr(s, "-----END");
    strbuf_append(&body, s, (size_t)(e - s));
    struct dkim_key_info info;
    dkim_key_decode(DKIM_KEY_RSA, body.data, body.len, &info);
    assert_int_equal(info.status, DKIM_KEY_STATUS_BAD_KEY);
    assert_int_equal(info.problem, DKIM_KEY_PROBLEM_PRIVATE);

    struct strbuf out = STRBUF_INIT;
    struct dkim_paste rep;
    assert_int_equal(dkim_paste_key(body.data, body.len, &out, &rep), DKIM_PASTE_PRIVATE_KEY);
    assert_int_equal(out.len, 0);
    assert_int_equal(
        dkim_paste_key(PEM_RSA_PRIVATE_RFC8463, strlen(PEM_RSA_PRIVATE_RFC8463), &out, &rep),
        DKIM_PASTE_PRIVATE_KEY);
    assert_int_equal(out.len, 0);
    dkim_paste_describe(&rep, &out);
    assert_non_null(strstr(strbuf_cstr(&out), "PRIVATE key"));
    strbuf_free(&out);
    strbuf_free(&body);
}

/* ---- paste helper ---------------------------------------------------- */

static enum dkim_paste_status paste(const char *text, struct strbuf *out, struct dkim_paste *rep)
{
    strbuf_reset(out);
    return dkim_paste_key(text, strlen(text), out, rep);
}

static void test_paste_pem_spki_crlf(void **state)
{
    (void)state;
    struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    struct dkim_paste rep;
    /* PEM with CRLF line breaks every 64 characters, as a Windows editor
     * would give it. */
    strbuf_puts(&in, "-----BEGIN PUBLIC KEY-----\r\n");
    for (size_t i = 0; i < strlen(KEY_RSA2048); i += 64) {
        strbuf_append(&in, KEY_RSA2048 + i,
                      strlen(KEY_RSA2048 + i) < 64 ? strlen(KEY_RSA2048 + i) : 64);
        strbuf_puts(&in, "\r\n");
    }
    strbuf_puts(&in, "-----END PUBLIC KEY-----\r\n");
    assert_int_equal(paste(in.data, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_RSA2048);
    assert_true(rep.did & DKIM_PASTE_ARMOR);
    assert_true(rep.did & DKIM_PASTE_WHITESPACE);
    assert_int_equal(rep.line_breaks, 8); /* 7 body lines + the one after BEGIN */
    assert_int_equal(rep.type, DKIM_KEY_RSA);
    assert_int_equal(rep.bits, 2048);
    strbuf_reset(&out);
    dkim_paste_describe(&rep, &out);
    assert_string_equal(strbuf_cstr(&out),
                        "removed the PEM armor, removed 8 line breaks; 2048-bit RSA public key");
    strbuf_free(&in);
    strbuf_free(&out);
}

static void test_paste_pkcs1_is_wrapped(void **state)
{
    (void)state;
    struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    struct dkim_paste rep;
    strbuf_printf(&in, "-----BEGIN RSA PUBLIC KEY-----\n%s\n-----END RSA PUBLIC KEY-----\n",
                  KEY_RSA1024_PKCS1);
    assert_int_equal(paste(in.data, &out, &rep), DKIM_PASTE_OK);
    /* Wrapping the PKCS#1 key gives exactly what openssl -pubout writes. */
    assert_string_equal(strbuf_cstr(&out), KEY_RSA1024);
    assert_true(rep.did & DKIM_PASTE_FROM_PKCS1);
    assert_int_equal(rep.bits, 1024);
    /* The bare base64 of a PKCS#1 key too. */
    assert_int_equal(paste(KEY_RSA1024_PKCS1, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_RSA1024);
    strbuf_free(&in);
    strbuf_free(&out);
}

static void test_paste_certificate(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    struct dkim_paste rep;
    assert_int_equal(paste(PEM_RSA1024_CERT, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_RSA1024);
    assert_true(rep.did & DKIM_PASTE_FROM_CERT);
    strbuf_free(&out);
}

static void test_paste_ed25519_unwrapped(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    struct dkim_paste rep;
    assert_int_equal(paste(PEM_ED25519, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_ED25519_RAW);
    assert_true(rep.did & DKIM_PASTE_ED25519_RAW);
    assert_int_equal(rep.type, DKIM_KEY_ED25519);
    /* The raw key passes through untouched. */
    assert_int_equal(paste(KEY_ED25519_RFC8463, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_ED25519_RFC8463);
    assert_int_equal(rep.did, 0);
    strbuf_free(&out);
}

static void test_paste_zone_file_strings(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    struct dkim_paste rep;
    /* RFC 8463 Appendix A.2, as a zone file has it. */
    const char *zone =
        "test._domainkey.football.example.com. IN TXT (\n"
        " \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR\"\n"
        " \"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC\"\n"
        " \"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3\"\n"
        " \"Ip3G+2kryOTIKT+l/K4w3QIDAQAB\") ; the test key\n";
    assert_int_equal(paste(zone, &out, &rep), DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_RSA1024_RFC8463);
    assert_true(rep.did & DKIM_PASTE_QUOTES);
    assert_true(rep.did & DKIM_PASTE_TAGS);
    assert_int_equal(rep.quotes, 8);
    /* A record without quotes: take its p=. */
    assert_int_equal(
        paste("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", &out, &rep),
        DKIM_PASTE_OK);
    assert_string_equal(strbuf_cstr(&out), KEY_ED25519_RFC8463);
    assert_true(rep.did & DKIM_PASTE_TAGS);
    strbuf_free(&out);
}

static void test_paste_refusals(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    struct dkim_paste rep;
    assert_int_equal(paste("  \n\t ", &out, &rep), DKIM_PASTE_EMPTY);
    assert_int_equal(paste("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", &out, &rep),
                     DKIM_PASTE_EMPTY);
    assert_int_equal(paste("MIGfMA0G$CSqG", &out, &rep), DKIM_PASTE_BAD_BASE64);
    assert_int_equal(rep.bad_char, '$');
    assert_int_equal(rep.bad_offset, 8);
    assert_int_equal(out.len, 0);
    assert_int_equal(paste("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE "
                           "REQUEST-----",
                           &out, &rep),
                     DKIM_PASTE_NOT_A_KEY);
    /* Valid base64 that is no key: kept, flagged. */
    assert_int_equal(paste("aGVsbG8gd29ybGQ=", &out, &rep), DKIM_PASTE_UNRECOGNIZED);
    assert_string_equal(strbuf_cstr(&out), "aGVsbG8gd29ybGQ=");
    strbuf_reset(&out);
    dkim_paste_describe(&rep, &out);
    assert_non_null(strstr(strbuf_cstr(&out), "not a public key"));
    strbuf_free(&out);
}

/* The route chosen for speed: report per-key costs so a regression shows.
 * The bound is loose (sanitizers are slow): 60,000 keys in < 0.25 s
 * end to end needs a few microseconds per key. */
/* Decoding the same key again gives the same answer (no state kept
 * between calls, nothing left in OpenSSL's error queue).  How fast it is
 * is measured by `make bench` (DKIM key parse+lint), not asserted here. */
static void test_decode_repeatable(void **state)
{
    (void)state;
    const char *keys[] = {KEY_RSA1024, KEY_RSA2048, KEY_ED25519_RFC8463};
    enum dkim_key_type types[] = {DKIM_KEY_RSA, DKIM_KEY_RSA, DKIM_KEY_ED25519};
    const unsigned bits[] = {1024, 2048, 256};
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(keys[k]);
        for (size_t i = 0; i < 50; i++) {
            struct dkim_key_info info;
            dkim_key_decode(types[k], keys[k], len, &info);
            assert_int_equal(info.status, DKIM_KEY_STATUS_OK);
            assert_int_equal(info.bits, bits[k]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_rsa_sizes),
        cmocka_unit_test(test_decode_rsa_bits_match_openssl),
        cmocka_unit_test(test_decode_rsa_integer_padding),
        cmocka_unit_test(test_decode_ed25519),
        cmocka_unit_test(test_decode_wrong_keys),
        cmocka_unit_test(test_decode_damaged_rsa),
        cmocka_unit_test(test_decode_base64_problems),
        cmocka_unit_test(test_decode_too_large),
        cmocka_unit_test(test_decode_leaves_openssl_errors_alone),
        cmocka_unit_test(test_decode_private_key),
        cmocka_unit_test(test_paste_pem_spki_crlf),
        cmocka_unit_test(test_paste_pkcs1_is_wrapped),
        cmocka_unit_test(test_paste_certificate),
        cmocka_unit_test(test_paste_ed25519_unwrapped),
        cmocka_unit_test(test_paste_zone_file_strings),
        cmocka_unit_test(test_paste_refusals),
        cmocka_unit_test(test_decode_repeatable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
