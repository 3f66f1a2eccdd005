/* DKIM verification (src/core/dkim_verify.c) and the message splitter
 * (src/core/message.c): the RFC 8463 Appendix A message (both signatures
 * pass) and the other Stalwart messages with their published keys, then
 * messages this test signs itself with keys it generates (OpenSSL): the
 * canonical forms are written out by hand here, so the verifier's
 * canonicalization is checked against an independent statement of RFC
 * 6376 §3.4, not against itself.  Then every way a signature must not
 * pass, and hostile messages. */
#include "unit.h"

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "authtxt/check.h"
#include "authtxt/help.h"

#ifndef STALWART_DKIM
#define STALWART_DKIM "tests/data/dkim/stalwart"
#endif

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static void table_txt(struct dns_table *t, const char *name, const char *text)
{
    struct dns_answer *a = dns_table_slot(t, name, DNS_TYPE_TXT);
    assert_non_null(a);
    assert_true(dns_txt_answer_add_text(&a->txt, text));
    a->status = a->txt.status = DNS_OK;
}

/* Verify text against table; returns the verifier (caller frees v and m). */
static void verify(const char *text, size_t len, struct dns_table *t, long long now,
                   struct message *m, struct dkim_verify *v)
{
    assert_true(message_parse(m, text, len));
    assert_true(dkim_verify_init(v, m, now));
    assert_int_equal(dkim_verify_run(v, &t->source), CHECK_DONE);
    for (size_t i = 0; i < v->count; i++)
        for (size_t k = 0; k < v->sigs[i].trace.count; k++) {
            const char *h = v->sigs[i].trace.steps[k].help;
            if (!help_find(h)) {
                print_message("help id '%s' has no entry\n", h);
                fail();
            }
        }
}

/* A Stalwart file: key lines "name value", a blank line, the message. */
static void stalwart(const char *file, long long now, enum check_dkim_result want, size_t nsigs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", STALWART_DKIM, file);
    size_t len = 0;
    char *buf = read_all(path, &len);
    if (!buf) {
        print_message("cannot read %s\n", file);
        fail();
    }
    struct dns_table t;
    dns_table_init(&t, true);
    size_t i = 0;
    while (i < len && buf[i] != '\n') {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t e = (size_t)(nl - buf);
        char *sp = memchr(buf + i, ' ', e - i);
        assert_non_null(sp);
        *sp = '\0';
        *nl = '\0';
        table_txt(&t, buf + i, sp + 1);
        i = e + 1;
    }
    i++; /* the blank line */
    struct message m;
    struct dkim_verify v;
    verify(buf + i, len - i, &t, now, &m, &v);
    assert_int_equal(v.count, nsigs);
    for (size_t k = 0; k < v.count; k++) {
        if (v.sigs[k].result != want) {
            print_message("%s signature %zu: %s (%s), want %s\n", file, k + 1,
                          check_dkim_result_name(v.sigs[k].result), v.sigs[k].reason,
                          check_dkim_result_name(want));
            fail();
        }
    }
    dkim_verify_free(&v);
    message_free(&m);
    dns_table_free(&t);
    free(buf);
}

static void test_rfc8463_appendix_a(void **state)
{
    (void)state;
    stalwart("001.txt", 0, CHECK_DKIM_PASS, 2);
}

static void test_stalwart_messages(void **state)
{
    (void)state;
    stalwart("002.txt", 0, CHECK_DKIM_PASS, 1); /* a bare PKCS#1 key, simple/simple */
    stalwart("003.txt", 0, CHECK_DKIM_PASS, 2); /* relaxed/simple, the same signature twice */
    stalwart("004.txt", 0, CHECK_DKIM_PASS, 1);
    stalwart("005.txt", 0, CHECK_DKIM_PASS, 1);
    stalwart("006.txt", 0, CHECK_DKIM_PASS, 1);
    /* 005 has x=1667930064: checked today, it has expired */
    stalwart("005.txt", 1800000000, CHECK_DKIM_PERMERROR, 1);
}

/* ---------------------------------------------------------------------- */
/* Messages signed here                                                   */

static EVP_PKEY *keygen(int type, int bits)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(type, NULL);
    EVP_PKEY *k = NULL;
    assert_non_null(c);
    assert_int_equal(EVP_PKEY_keygen_init(c), 1);
    if (type == EVP_PKEY_RSA)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(c, bits), 1);
    assert_int_equal(EVP_PKEY_keygen(c, &k), 1);
    EVP_PKEY_CTX_free(c);
    return k;
}

static void b64(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* "v=DKIM1; k=...; p=..." for a key (SPKI for RSA, raw for Ed25519;
 * spki_ed wraps the Ed25519 key in SPKI, which RFC 8463 does not allow). */
static void key_record(EVP_PKEY *k, bool spki_ed, const char *extra, char *out, size_t size)
{
    unsigned char der[4096];
    size_t n = sizeof der;
    char p[6000];
    bool ed = EVP_PKEY_base_id(k) == EVP_PKEY_ED25519;
    if (ed && !spki_ed) {
        assert_int_equal(EVP_PKEY_get_raw_public_key(k, der, &n), 1);
    } else {
        unsigned char *w = der;
        int len = i2d_PUBKEY(k, &w);
        assert_true(len > 0);
        n = (size_t)len;
    }
    b64(der, n, p);
    snprintf(out, size, "v=DKIM1; k=%s;%s p=%s", ed ? "ed25519" : "rsa", extra, p);
}

static void sha256(const char *data, size_t n, unsigned char out[32])
{
    unsigned int l = 0;
    assert_int_equal(EVP_Digest(data, n, out, &l, EVP_sha256(), NULL), 1);
}

/* The message as sent (CRLF): a Subject with a WSP run, a body with
 * trailing blanks and empty lines at the end. */
static const char HEADERS[] = "From: Alice <alice@example.org>\r\n"
                              "To: bob@example.net\r\n"
                              "Subject: Hello   there\r\n";
static const char BODY[] = "Hi Bob,  \r\n\r\nSee you.\r\n\r\n\r\n";
/* RFC 6376 §3.4.4 relaxed body, §3.4.2 relaxed headers, written out. */
static const char BODY_RELAXED[] = "Hi Bob,\r\n\r\nSee you.\r\n";
static const char HEADERS_RELAXED[] = "from:Alice <alice@example.org>\r\n"
                                      "to:bob@example.net\r\n"
                                      "subject:Hello there\r\n";

struct signed_msg {
    char text[16384];
    size_t len;
};

/* Sign with c=relaxed/relaxed, h=from:to:subject:subject (the second
 * Subject is absent: it signs that none is added), tags given in extra
 * ("; l=9"), and body_canon_len bytes of the relaxed body (l=). */
static void sign(EVP_PKEY *k, const char *alg, const char *extra, size_t body_len,
                 struct signed_msg *out)
{
    unsigned char bh[32], hh[32], sig[1024];
    char bh64[64], b64sig[1500], value[4096], data[8192];
    sha256(BODY_RELAXED, body_len, bh);
    b64(bh, 32, bh64);
    snprintf(value, sizeof value,
             "v=1; a=%s; c=relaxed/relaxed; d=example.org; s=sel; h=from:to:subject:subject%s; "
             "bh=%s; b=",
             alg, extra, bh64);
    int dl = snprintf(data, sizeof data, "%sdkim-signature:%s", HEADERS_RELAXED, value);
    size_t sl = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (EVP_PKEY_base_id(k) == EVP_PKEY_ED25519) {
        sha256(data, (size_t)dl, hh); /* RFC 8463 §3: Ed25519 signs the SHA-256 */
        assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, k), 1);
        assert_int_equal(EVP_DigestSign(md, sig, &sl, hh, 32), 1);
    } else {
        const EVP_MD *h = strcmp(alg, "rsa-sha1") == 0 ? EVP_sha1() : EVP_sha256();
        assert_int_equal(EVP_DigestSignInit(md, NULL, h, NULL, k), 1);
        assert_int_equal(EVP_DigestSign(md, sig, &sl, (const unsigned char *)data, (size_t)dl),
                         1);
    }
    EVP_MD_CTX_free(md);
    b64(sig, sl, b64sig);
    out->len = (size_t)snprintf(out->text, sizeof out->text, "DKIM-Signature: %s%s\r\n%s\r\n%s",
                                value, b64sig, HEADERS, BODY);
}

static enum check_dkim_result verify_one_key(const struct signed_msg *s, const char *keyrec,
                                             long long now, char *reason, size_t rsize,
                                             bool *testing)
{
    struct dns_table t;
    dns_table_init(&t, true);
    if (keyrec)
        table_txt(&t, "sel._domainkey.example.org", keyrec);
    struct message m;
    struct dkim_verify v;
    verify(s->text, s->len, &t, now, &m, &v);
    assert_int_equal(v.count, 1);
    enum check_dkim_result r = v.sigs[0].result;
    if (reason)
        snprintf(reason, rsize, "%s", v.sigs[0].reason);
    if (testing)
        *testing = v.sigs[0].testing;
    dkim_verify_free(&v);
    message_free(&m);
    dns_table_free(&t);
    return r;
}

#define EXPECT(res, want, reason)                                                                  \
    do {                                                                                           \
        if ((res) != (want)) {                                                                     \
            print_message("line %d: got %s (%s), want %s\n", __LINE__,                            \
                          check_dkim_result_name(res), reason, check_dkim_result_name(want));      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static void test_signed_here(void **state)
{
    (void)state;
    EVP_PKEY *rsa = keygen(EVP_PKEY_RSA, 2048), *ed = keygen(EVP_PKEY_ED25519, 0);
    char rec[8000], reason[700];
    struct signed_msg s;
    bool testing = false;

    /* pass: RSA and Ed25519 */
    key_record(rsa, false, "", rec, sizeof rec);
    sign(rsa, "rsa-sha256", "", strlen(BODY_RELAXED), &s);
    EXPECT(verify_one_key(&s, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);
    char edrec[400];
    key_record(ed, false, "", edrec, sizeof edrec);
    struct signed_msg se;
    sign(ed, "ed25519-sha256", "", strlen(BODY_RELAXED), &se);
    EXPECT(verify_one_key(&se, edrec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);

    /* the same message with bare LF line ends still verifies */
    struct signed_msg lf = s;
    size_t o = 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.text[i] != '\r')
            lf.text[o++] = s.text[i];
    lf.len = o;
    EXPECT(verify_one_key(&lf, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);

    /* a changed body: the body hash fails */
    struct signed_msg x = s;
    memcpy(strstr(x.text, "See you."), "Sue you.", 8);
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_FAIL, reason);
    assert_non_null(strstr(reason, "body hash"));
    /* a changed signed header: the signature fails */
    x = s;
    memcpy(strstr(x.text, "Hello"), "Jello", 5);
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_FAIL, reason);
    /* h= names Subject twice: a second Subject added below fails (it is
     * the bottom one that is signed first, §5.4.2), one added above too
     * (the absent second instance was signed as absent) */
    x = s;
    char *body_at = strstr(x.text, "\r\n\r\n");
    memmove(body_at + 2 + 15, body_at + 2, x.len - (size_t)(body_at + 2 - x.text));
    memcpy(body_at + 2, "Subject: Buy!\r\n", 15);
    x.len += 15;
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_FAIL, reason);
    x = s;
    char *from_at = strstr(x.text, "From:");
    memmove(from_at + 15, from_at, x.len - (size_t)(from_at - x.text));
    memcpy(from_at, "Subject: Buy!\r\n", 15);
    x.len += 15;
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_FAIL, reason);
    /* an unsigned header may be added: still a pass */
    x = s;
    from_at = strstr(x.text, "From:");
    memmove(from_at + 14, from_at, x.len - (size_t)(from_at - x.text));
    memcpy(from_at, "X-Note: hi!!\r\n", 14);
    x.len += 14;
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);

    /* l=: only the first 9 bytes of the body ("Hi Bob,\r\n") are signed;
     * text added after them still passes, and the trace says so */
    struct signed_msg sl;
    sign(rsa, "rsa-sha256", "; l=9", 9, &sl);
    EXPECT(verify_one_key(&sl, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);
    memcpy(strstr(sl.text, "See you."), "Pay now!", 8);
    EXPECT(verify_one_key(&sl, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PASS, reason);
    sign(rsa, "rsa-sha256", "; l=9999", 9, &sl);
    EXPECT(verify_one_key(&sl, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_FAIL, reason);

    /* RFC 8301: rsa-sha1 and RSA keys under 1024 bits never pass */
    struct signed_msg s1;
    sign(rsa, "rsa-sha1", "", strlen(BODY_RELAXED), &s1);
    EXPECT(verify_one_key(&s1, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_POLICY, reason);
    EVP_PKEY *small = keygen(EVP_PKEY_RSA, 768);
    char smallrec[2000];
    key_record(small, false, "", smallrec, sizeof smallrec);
    struct signed_msg ss;
    sign(small, "rsa-sha256", "", strlen(BODY_RELAXED), &ss);
    EXPECT(verify_one_key(&ss, smallrec, 0, reason, sizeof reason, NULL), CHECK_DKIM_POLICY,
           reason);
    assert_non_null(strstr(reason, "768"));

    /* keys: revoked, missing, malformed, SPKI-wrapped Ed25519, wrong k= */
    EXPECT(verify_one_key(&s, "v=DKIM1; k=rsa; p=", 0, reason, sizeof reason, NULL),
           CHECK_DKIM_PERMERROR, reason);
    assert_non_null(strstr(reason, "revoked"));
    EXPECT(verify_one_key(&s, NULL, 0, reason, sizeof reason, NULL), CHECK_DKIM_PERMERROR,
           reason);
    assert_non_null(strstr(reason, "no key record"));
    EXPECT(verify_one_key(&s, "v=DKIM1; k=rsa; p=MIIBIjANBgkq!!", 0, reason, sizeof reason,
                          NULL),
           CHECK_DKIM_PERMERROR, reason);
    assert_non_null(strstr(reason, "malformed"));
    EXPECT(verify_one_key(&s, "v=DKIM1; k=rsa", 0, reason, sizeof reason, NULL),
           CHECK_DKIM_PERMERROR, reason);
    assert_non_null(strstr(reason, "missing"));
    char spki[400];
    key_record(ed, true, "", spki, sizeof spki);
    EXPECT(verify_one_key(&se, spki, 0, reason, sizeof reason, NULL), CHECK_DKIM_PERMERROR,
           reason);
    assert_non_null(strstr(reason, "SubjectPublicKeyInfo"));
    EXPECT(verify_one_key(&se, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PERMERROR,
           reason);

    /* t=y is reported (and still passes); x= in the past does not */
    key_record(rsa, false, " t=y;", rec, sizeof rec);
    EXPECT(verify_one_key(&s, rec, 0, reason, sizeof reason, &testing), CHECK_DKIM_PASS, reason);
    assert_true(testing);
    key_record(rsa, false, "", rec, sizeof rec);
    struct signed_msg sx;
    sign(rsa, "rsa-sha256", "; x=1000", strlen(BODY_RELAXED), &sx);
    EXPECT(verify_one_key(&sx, rec, 1700000000, reason, sizeof reason, NULL),
           CHECK_DKIM_PERMERROR, reason);
    assert_non_null(strstr(reason, "expired"));

    /* bad base64 in b= */
    x = s;
    char *b = strstr(x.text, "; b=") + 4;
    b[3] = '!';
    EXPECT(verify_one_key(&x, rec, 0, reason, sizeof reason, NULL), CHECK_DKIM_PERMERROR,
           reason);

    EVP_PKEY_free(small);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ed);
}

/* ---------------------------------------------------------------------- */
/* Hostile and odd messages                                               */

static void test_from_domain(void **state)
{
    (void)state;
    static const struct {
        const char *msg;
        const char *domain; /* NULL: must be refused */
    } cases[] = {
        {"From: Alice <alice@Example.ORG>\r\n\r\nx", "example.org"},
        {"From: bob@example.net\n\nx", "example.net"},
        {"From: \"a@b.c, d\" <e@f.example> (comment@x.y)\r\n\r\n", "f.example"},
        {"To: x@y.z\r\n\r\nno from", NULL},
        {"From: a@b.example\r\nFrom: c@d.example\r\n\r\n", NULL},
        {"From: a@b.example, c@d.example\r\n\r\n", NULL},
        {"From: nobody\r\n\r\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct message m;
        char d[256], why[200];
        assert_true(message_parse(&m, cases[i].msg, strlen(cases[i].msg)));
        bool ok = message_from_domain(&m, d, sizeof d, why, sizeof why);
        if (cases[i].domain) {
            assert_true(ok);
            assert_string_equal(d, cases[i].domain);
        } else {
            assert_false(ok);
            assert_true(strlen(why) > 10);
        }
        message_free(&m);
    }
}

static void test_hostile_messages(void **state)
{
    (void)state;
    struct message m;
    struct dkim_verify v;
    struct dns_table t;
    dns_table_init(&t, true);
    /* over 10 MB: refused with a reason */
    size_t big = MESSAGE_MAX + 1;
    char *buf = malloc(big);
    memset(buf, 'a', big);
    assert_false(message_parse(&m, buf, big));
    assert_non_null(strstr(m.error, "limit"));
    message_free(&m);
    /* a 2 MB header line: refused (over 1 MB of header) */
    memcpy(buf, "X-Big: ", 7);
    buf[2u << 20] = '\n';
    assert_false(message_parse(&m, buf, (2u << 20) + 1));
    message_free(&m);
    /* 1,000 signatures (and one more), a 9 MB binary body: bounded work,
     * every signature gets a result with a reason */
    size_t at = 0, cap = MESSAGE_MAX;
    for (int i = 0; i < 1001; i++)
        at += (size_t)snprintf(buf + at, cap - at,
                               "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s%d; "
                               "h=from; bh=AAAA; b=AAAA; l=%d\r\n",
                               i % 7, i % 3);
    at += (size_t)snprintf(buf + at, cap - at, "From: a@example.org\r\n\r\n");
    for (size_t i = 0; at < 9u << 20; i++)
        buf[at++] = (char)(i * 131 % 256);
    assert_true(message_parse(&m, buf, at));
    /* keys for every selector, so each signature gets to the body hash */
    EVP_PKEY *k = keygen(EVP_PKEY_RSA, 1024);
    char rec[4000], name[64];
    key_record(k, false, "", rec, sizeof rec);
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof name, "s%d._domainkey.example.org", i);
        table_txt(&t, name, rec);
    }
    EVP_PKEY_free(k);
    assert_true(dkim_verify_init(&v, &m, 0));
    assert_int_equal(v.count, DKIM_VERIFY_MAX_SIGNATURES);
    assert_int_equal(v.skipped, 1);
    assert_int_equal(dkim_verify_run(&v, &t.source), CHECK_DONE);
    for (size_t i = 0; i < v.count; i++) {
        assert_int_equal(v.sigs[i].result, CHECK_DKIM_FAIL); /* bh=AAAA never matches */
        assert_non_null(strstr(v.sigs[i].reason, "body hash"));
    }
    dkim_verify_free(&v);
    message_free(&m);
    /* a header line without a colon ends the header, with a note */
    const char *odd = "From: a@b.example\r\nthis is not a field\r\nmore\r\n";
    assert_true(message_parse(&m, odd, strlen(odd)));
    assert_int_equal(m.nfields, 1);
    assert_non_null(strstr(m.error, "no colon"));
    message_free(&m);
    /* no header/body separator, NUL bytes, a lone CR */
    const char nul[] = "From: a@b.example\r\nSubject: \0x\r";
    assert_true(message_parse(&m, nul, sizeof nul - 1));
    assert_int_equal(m.nfields, 2);
    assert_int_equal(m.body_len, 0);
    message_free(&m);
    free(buf);
    dns_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8463_appendix_a), cmocka_unit_test(test_stalwart_messages),
        cmocka_unit_test(test_signed_here),        cmocka_unit_test(test_from_domain),
        cmocka_unit_test(test_hostile_messages),
    };
    return cmocka_run_group_tests_name("dkim_verify", tests, NULL, NULL);
}
