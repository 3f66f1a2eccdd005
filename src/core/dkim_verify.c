/* DKIM verification (RFC 6376 §3.4, §3.7, §6.1) through OpenSSL EVP:
 * rsa-sha256 and ed25519-sha256 (RFC 8463); rsa-sha1 and RSA keys under
 * 1024 bits never pass (RFC 8301).  The signature field is parsed by
 * dkim_sig.c and the key record by dkim_key.c; this file canonicalizes,
 * hashes and verifies.  Work is bounded: body hashes are computed in one
 * streaming pass per distinct (canonicalization, l=) and kept between
 * runs (at most BODY_VARIANTS_MAX of them per message). */
#include "authtxt/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authtxt/dkim.h"

#define BODY_VARIANTS_MAX 16
#define SIG_BYTES_MAX 2048 /* an RSA-16384 signature is 2048 bytes */
#define KEY_BYTES_MAX 8192

struct body_variant {
    enum dkim_canon canon;
    bool has_l;
    unsigned long long l;
    unsigned char hash[32];
    unsigned long long canon_len; /* bytes of the whole canonical body */
};

struct dkim_verify_internal {
    const struct message *m;
    long long now;
    struct body_variant bodies[BODY_VARIANTS_MAX];
    size_t nbodies;
    size_t *fields; /* DKIM-Signature field indices */
    size_t nfields;
};

const char *check_dkim_result_name(enum check_dkim_result r)
{
    static const char *const names[] = {"none",   "pass",      "fail",     "neutral",
                                        "policy", "temperror", "permerror"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "none";
}

static bool name_is(const struct message_field *f, const char *name)
{
    size_t n = strlen(name);
    return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

bool dkim_verify_init(struct dkim_verify *v, const struct message *m, long long now)
{
    memset(v, 0, sizeof *v);
    struct dkim_verify_internal *in = calloc(1, sizeof *in);
    if (!in)
        return false;
    v->in = in;
    in->m = m;
    in->now = now;
    size_t n = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (name_is(&m->fields[i], "DKIM-Signature"))
            n++;
    if (n > DKIM_VERIFY_MAX_SIGNATURES) {
        v->skipped = n - DKIM_VERIFY_MAX_SIGNATURES;
        n = DKIM_VERIFY_MAX_SIGNATURES;
    }
    in->fields = calloc(n ? n : 1, sizeof *in->fields);
    v->sigs = calloc(n ? n : 1, sizeof *v->sigs);
    if (!in->fields || !v->sigs)
        return false;
    for (size_t i = 0; i < m->nfields && in->nfields < n; i++)
        if (name_is(&m->fields[i], "DKIM-Signature"))
            in->fields[in->nfields++] = i;
    v->count = in->nfields;
    for (size_t i = 0; i < v->count; i++)
        check_trace_init(&v->sigs[i].trace);
    return true;
}

void dkim_verify_free(struct dkim_verify *v)
{
    for (size_t i = 0; v->sigs && i < v->count; i++)
        check_trace_free(&v->sigs[i].trace);
    free(v->sigs);
    if (v->in)
        free(v->in->fields);
    free(v->in);
    memset(v, 0, sizeof *v);
}

/* ---------------------------------------------------------------------- */
/* Canonicalization (RFC 6376 §3.4)                                       */

static bool is_wsp(char c) { return c == ' ' || c == '\t'; }

/* Streams the canonical body into a digest, honouring l=. */
struct body_sink {
    EVP_MD_CTX *md;
    bool has_l;
    unsigned long long l, fed, total;
};

static void sink(struct body_sink *s, const char *p, size_t n)
{
    s->total += n;
    if (s->has_l) {
        if (s->fed >= s->l)
            return;
        if (n > s->l - s->fed)
            n = (size_t)(s->l - s->fed);
    }
    if (n)
        EVP_DigestUpdate(s->md, p, n);
    s->fed += n;
}

/* §3.4.3 simple: line ends become CRLF, trailing empty lines go, an empty
 * body is one CRLF.  §3.4.4 relaxed: WSP runs become one SP, WSP at line
 * ends goes, trailing empty lines go, an empty body stays empty.  One
 * pass: empty lines are counted and written only when text follows. */
static void body_canon(const char *b, size_t len, enum dkim_canon canon, struct body_sink *s)
{
    unsigned long long empty = 0;
    bool any = false;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(b + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - b) : len;
        size_t ce = (e > i && b[e - 1] == '\r') ? e - 1 : e;
        if (canon == DKIM_CANON_RELAXED)
            while (ce > i && is_wsp(b[ce - 1]))
                ce--;
        if (ce == i) {
            empty++;
        } else {
            for (; empty; empty--)
                sink(s, "\r\n", 2);
            if (canon == DKIM_CANON_RELAXED) {
                size_t k = i;
                while (k < ce) {
                    if (is_wsp(b[k])) {
                        while (k < ce && is_wsp(b[k]))
                            k++;
                        sink(s, " ", 1);
                    } else {
                        size_t r = k;
                        while (r < ce && !is_wsp(b[r]))
                            r++;
                        sink(s, b + k, r - k);
                        k = r;
                    }
                }
            } else {
                sink(s, b + i, ce - i);
            }
            sink(s, "\r\n", 2);
            any = true;
        }
        i = nl ? e + 1 : len;
    }
    if (!any && canon == DKIM_CANON_SIMPLE)
        sink(s, "\r\n", 2);
}

static bool body_hash(struct dkim_verify_internal *in, enum dkim_canon canon, bool has_l,
                      unsigned long long l, const struct body_variant **out)
{
    for (size_t i = 0; i < in->nbodies; i++) {
        const struct body_variant *bv = &in->bodies[i];
        if (bv->canon == canon && bv->has_l == has_l && (!has_l || bv->l == l)) {
            *out = bv;
            return true;
        }
    }
    if (in->nbodies == BODY_VARIANTS_MAX)
        return false;
    struct body_variant *bv = &in->bodies[in->nbodies];
    struct body_sink s = {EVP_MD_CTX_new(), has_l, l, 0, 0};
    if (!s.md || EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(s.md);
        return false;
    }
    body_canon(in->m->body, in->m->body_len, canon, &s);
    unsigned int hl = 0;
    EVP_DigestFinal_ex(s.md, bv->hash, &hl);
    EVP_MD_CTX_free(s.md);
    bv->canon = canon;
    bv->has_l = has_l;
    bv->l = l;
    bv->canon_len = s.total;
    in->nbodies++;
    *out = bv;
    return true;
}

/* §3.4.1 simple: the field exactly, CRLF line ends.  §3.4.2 relaxed: name
 * in lower case, unfolded, WSP runs one SP, WSP around the colon and at
 * the end removed. */
static void header_canon(const char *raw, size_t len, size_t skip_start, size_t skip_end,
                         enum dkim_canon canon, bool crlf, EVP_MD_CTX *md)
{
    char buf[4096];
    size_t o = 0;
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (o == sizeof buf) {                                                                     \
            EVP_DigestUpdate(md, buf, o);                                                          \
            o = 0;                                                                                 \
        }                                                                                          \
        buf[o++] = (c);                                                                            \
    } while (0)
    if (canon != DKIM_CANON_RELAXED) {
        for (size_t i = 0; i < len; i++) {
            if (i >= skip_start && i < skip_end)
                continue;
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
                PUT('\r');
            PUT(raw[i]);
        }
    } else {
        const char *colon = memchr(raw, ':', len);
        size_t c = colon ? (size_t)(colon - raw) : len;
        size_t ne = c;
        while (ne > 0 && is_wsp(raw[ne - 1]))
            ne--;
        for (size_t i = 0; i < ne; i++)
            PUT((raw[i] >= 'A' && raw[i] <= 'Z') ? (char)(raw[i] + 32) : raw[i]);
        PUT(':');
        bool pending_sp = false, started = false;
        for (size_t i = c + 1; i < len; i++) {
            if (i >= skip_start && i < skip_end)
                continue;
            char ch = raw[i];
            if (ch == '\r' || ch == '\n' || is_wsp(ch)) {
                pending_sp = started;
                continue;
            }
            if (pending_sp)
                PUT(' ');
            pending_sp = false;
            started = true;
            PUT(ch);
        }
    }
    if (crlf) {
        PUT('\r');
        PUT('\n');
    }
    if (o)
        EVP_DigestUpdate(md, buf, o);
#undef PUT
}

/* ---------------------------------------------------------------------- */

static bool b64_decode(const char *text, size_t len, unsigned char *out, size_t cap,
                       size_t *outlen)
{
    /* value_text of b=/bh=/p= has no FWS; check the alphabet ourselves so
     * OpenSSL is never handed anything odd. */
    if (len == 0 || len % 4 != 0 || len / 4 * 3 > cap)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '/' || (c == '=' && i >= len - 2);
        if (!ok)
            return false;
    }
    int n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)len);
    if (n < 0)
        return false;
    size_t pad = (text[len - 1] == '=') + (text[len - 2] == '=');
    *outlen = (size_t)n - pad;
    return true;
}

static const char *tag_value(const struct dkim_sig_record *r, enum dkim_sig_tag_id id,
                             size_t *len)
{
    size_t i = r->first[id];
    if (i == DKIM_NONE) {
        *len = 0;
        return NULL;
    }
    *len = r->tags[i].value_len;
    return r->tags[i].value_text;
}

static void copy_tag(const struct dkim_sig_record *r, enum dkim_sig_tag_id id, char *out,
                     size_t size)
{
    size_t n;
    const char *v = tag_value(r, id, &n);
    out[0] = '\0';
    if (!v)
        return;
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out[n] = '\0';
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* A public key from the key record's p= for type k. */
static EVP_PKEY *key_load(const struct dkim_key_record *k)
{
    size_t i = k->first[DKIM_KEY_TAG_P];
    if (i == DKIM_NONE)
        return NULL;
    unsigned char *der = malloc(KEY_BYTES_MAX);
    size_t n = 0;
    EVP_PKEY *pkey = NULL;
    if (!der || !b64_decode(k->tags[i].value_text, k->tags[i].value_len, der, KEY_BYTES_MAX, &n))
        goto done;
    if (k->k == DKIM_KEY_ED25519) {
        if (n == 32)
            pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
    } else {
        const unsigned char *p = der;
        pkey = d2i_PUBKEY(NULL, &p, (long)n);
        if (pkey && EVP_PKEY_base_id(pkey) != EVP_PKEY_RSA) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        if (!pkey) { /* a bare PKCS#1 RSAPublicKey: dkimpy and mailauth accept it */
            p = der;
            pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n);
        }
    }
done:
    free(der);
    return pkey;
}

static const char *key_problem_words(const struct dkim_key_info *ki)
{
    switch (ki->problem) {
    case DKIM_KEY_PROBLEM_ED25519_SPKI:
        return "an Ed25519 key wrapped in SubjectPublicKeyInfo (RFC 8463 §4.2 wants the raw "
               "32 bytes)";
    case DKIM_KEY_PROBLEM_ED25519_LEN:
        return "k=ed25519 but p= is not 32 bytes";
    case DKIM_KEY_PROBLEM_WRONG_TYPE:
        return "p= holds a key of another type than k=";
    case DKIM_KEY_PROBLEM_PRIVATE:
        return "p= holds a private key";
    case DKIM_KEY_PROBLEM_TOO_LARGE:
        return "p= is too large";
    default:
        return ki->status == DKIM_KEY_STATUS_BAD_BASE64 ? "p= is not valid base64"
                                                         : "p= is not a valid public key";
    }
}

/* Verify one signature.  Returns false when it waits for its key. */
static bool verify_one(struct dkim_verify *v, size_t idx, const struct dns_source *src)
{
    struct dkim_verify_internal *in = v->in;
    struct dkim_signature_check *sc = &v->sigs[idx];
    const struct message *m = in->m;
    const struct message_field *f = &m->fields[in->fields[idx]];
    struct check_trace *t = &sc->trace;
    struct dkim_sig_record sig;
    struct dkim_key_record key;
    struct diag_list diags;
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *md = NULL;
    bool waiting = false;
    unsigned char *bsig = NULL;
    dkim_sig_record_init(&sig);
    dkim_key_record_init(&key);
    diag_list_init(&diags);
    sc->field = in->fields[idx];
    sc->result = CHECK_DKIM_PERMERROR;
    sc->testing = sc->expired = false;
    sc->domain[0] = sc->selector[0] = sc->algorithm[0] = '\0';
#define SET(res, rfc, help, ...)                                                                   \
    do {                                                                                           \
        sc->result = (res);                                                                        \
        snprintf(sc->reason, sizeof sc->reason, __VA_ARGS__);                                      \
        check_trace_add(t, 0, rfc, help, NULL, NULL, "%s: %s", check_dkim_result_name(res),       \
                        sc->reason);                                                               \
    } while (0)

    if (!dkim_sig_parse(&sig, f->raw, f->raw_len, &diags)) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.1", "check.dkim.signature", "out of memory");
        goto done;
    }
    copy_tag(&sig, DKIM_SIG_TAG_D, sc->domain, sizeof sc->domain);
    lower_ascii(sc->domain);
    copy_tag(&sig, DKIM_SIG_TAG_S, sc->selector, sizeof sc->selector);
    copy_tag(&sig, DKIM_SIG_TAG_A, sc->algorithm, sizeof sc->algorithm);
    check_trace_add(t, 0, "RFC 6376 §3.5", "check.dkim.signature", NULL, NULL,
                    "DKIM-Signature field %zu: d=%s s=%s a=%s", idx + 1, sc->domain,
                    sc->selector, sc->algorithm);
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].severity == DIAG_ERROR) {
            SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.1", "check.dkim.signature",
                "the signature field is malformed: %s", diags.items[i].message);
            goto done;
        }
    static const enum dkim_sig_tag_id required[] = {DKIM_SIG_TAG_V, DKIM_SIG_TAG_A,
                                                    DKIM_SIG_TAG_B, DKIM_SIG_TAG_BH,
                                                    DKIM_SIG_TAG_D, DKIM_SIG_TAG_H,
                                                    DKIM_SIG_TAG_S};
    static const char *const required_names[] = {"v", "a", "b", "bh", "d", "h", "s"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (sig.first[required[i]] == DKIM_NONE) {
            SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.1", "check.dkim.signature",
                "the required tag %s= is missing", required_names[i]);
            goto done;
        }
    size_t vlen;
    const char *vv = tag_value(&sig, DKIM_SIG_TAG_V, &vlen);
    if (vlen != 1 || vv[0] != '1') {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.1", "dkim.sig.tag.v", "v= is not 1");
        goto done;
    }
    if (!sig.h_has_from) { /* §6.1.1: From must be signed */
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.1", "dkim.sig.tag.h",
            "h= does not list From: the signature is ignored");
        goto done;
    }
    if (!sig.b_ok || !sig.bh_ok) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.5", "dkim.sig.tag.b",
            "b= or bh= is not valid base64");
        goto done;
    }
    if (sig.x_ok && in->now && (long long)sig.x < in->now) { /* §3.5 x= */
        sc->expired = true;
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.5", "dkim.sig.tag.x",
            "the signature expired (x=%llu is in the past)", sig.x);
        goto done;
    }
    if (sig.alg == DKIM_SIG_ALG_RSA_SHA1) {
        SET(CHECK_DKIM_POLICY, "RFC 8301 §3.1", "dkim.sig.tag.a.rsa-sha1",
            "rsa-sha1 signatures are never accepted (RFC 8301)");
        goto done;
    }
    if (sig.alg != DKIM_SIG_ALG_RSA_SHA256 && sig.alg != DKIM_SIG_ALG_ED25519_SHA256) {
        SET(CHECK_DKIM_NEUTRAL, "RFC 6376 §6.1.1", "dkim.sig.tag.a",
            "unknown signing algorithm a=%s", sc->algorithm);
        goto done;
    }
    if (sig.header_canon == DKIM_CANON_OTHER || sig.body_canon == DKIM_CANON_OTHER) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.4", "dkim.sig.tag.c", "unknown c= value");
        goto done;
    }

    /* The key (RFC 6376 §3.6.2.2, §6.1.2). */
    char qname[400], q[420], ans[700];
    snprintf(qname, sizeof qname, "%s._domainkey.%s", sc->selector, sc->domain);
    if (strlen(qname) > 253 || !sc->selector[0] || !sc->domain[0]) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.2.1", "check.dkim.key",
            "s= and d= do not make a usable key name");
        goto done;
    }
    snprintf(q, sizeof q, "TXT %s", qname);
    const struct dns_answer *ka = src->lookup(src, qname, DNS_TYPE_TXT);
    if (!ka) {
        check_needs_add(&v->needs, qname, DNS_TYPE_TXT);
        waiting = true;
        goto done;
    }
    dns_answer_describe(ka, DNS_TYPE_TXT, ans, sizeof ans);
    if (ka->status != DNS_OK && !dns_status_is_void(ka->status)) {
        check_trace_add(t, 0, "RFC 6376 §6.1.2", "check.dkim.key", q, ans, "key lookup failed");
        SET(CHECK_DKIM_TEMPERROR, "RFC 6376 §6.1.2", "check.dkim.key",
            "the key record could not be fetched");
        goto done;
    }
    if (ka->status != DNS_OK || ka->txt.count == 0) {
        check_trace_add(t, 0, "RFC 6376 §6.1.2", "check.dkim.key", q, ans, "no key record");
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.2", "check.dkim.key",
            "no key record at %s", qname);
        goto done;
    }
    check_trace_add(t, 0, "RFC 6376 §3.6.2.2", "check.dkim.key", q, ans, "the key record");
    const struct dns_txt *kt = &ka->txt.records[0];
    diag_list_reset(&diags);
    if (!dkim_key_parse(&key, kt->text, kt->len, &diags)) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §6.1.2", "check.dkim.key", "out of memory");
        goto done;
    }
    if (key.first[DKIM_KEY_TAG_P] == DKIM_NONE) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "dkim.key.tag.p",
            "the key record has no p= (missing key)");
        goto done;
    }
    if (key.key.status == DKIM_KEY_STATUS_REVOKED) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "lint.dkim-revoked",
            "the key is revoked (empty p=)");
        goto done;
    }
    /* A bare PKCS#1 RSAPublicKey: OpenDKIM rejects it, dkimpy and mailauth
     * accept it (platform-notes §6); accepted here, with a note. */
    bool pkcs1 = key.key.problem == DKIM_KEY_PROBLEM_PKCS1;
    if (pkcs1)
        check_trace_add(t, 0, "RFC 6376 §3.6.1", "lint.dkim-bad-key", NULL, NULL,
                        "p= is a bare PKCS#1 RSA key, not SubjectPublicKeyInfo: accepted here, "
                        "but some verifiers (OpenDKIM) reject it");
    if (key.key.status != DKIM_KEY_STATUS_OK && !pkcs1) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "lint.dkim-bad-key", "malformed key: %s",
            key_problem_words(&key.key));
        goto done;
    }
    bool want_ed = sig.alg == DKIM_SIG_ALG_ED25519_SHA256;
    if ((key.k == DKIM_KEY_ED25519) != want_ed) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "dkim.key.tag.k",
            "the key is k=%s but the signature is a=%s", dkim_key_type_name(key.k),
            sc->algorithm);
        goto done;
    }
    if (key.hashes && !(key.hashes & DKIM_HASH_SHA256)) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "dkim.key.tag.h",
            "the key's h= does not allow sha256");
        goto done;
    }
    if (key.services && !(key.services & (DKIM_SERVICE_EMAIL | DKIM_SERVICE_ANY))) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "dkim.key.tag.s",
            "the key's s= does not include email");
        goto done;
    }
    sc->testing = (key.flags & DKIM_FLAG_TESTING) != 0;
    if (sc->testing)
        check_trace_add(t, 0, "RFC 6376 §3.6.1", "dkim.key.tag.t.y", NULL, NULL,
                        "the key has t=y: the domain is testing DKIM (verifiers must not treat "
                        "the message differently)");
    pkey = key_load(&key);
    if (!pkey) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.6.1", "lint.dkim-bad-key",
            "malformed key: OpenSSL does not accept it");
        goto done;
    }
    if (!want_ed && EVP_PKEY_get_bits(pkey) < 1024) {
        SET(CHECK_DKIM_POLICY, "RFC 8301 §3.2", "lint.dkim-key-too-short",
            "the RSA key has %d bits: keys under 1024 bits are never accepted (RFC 8301)",
            EVP_PKEY_get_bits(pkey));
        goto done;
    }

    /* Body hash (§3.7). */
    const struct body_variant *bv = NULL;
    if (!body_hash(in, sig.body_canon, sig.first[DKIM_SIG_TAG_L] != DKIM_NONE && sig.l_ok,
                   sig.l, &bv)) {
        SET(CHECK_DKIM_NEUTRAL, "RFC 6376 §3.7", "check.dkim.body",
            "not checked: more than %d distinct body canonicalizations in one message",
            BODY_VARIANTS_MAX);
        goto done;
    }
    if (bv->has_l && bv->l > bv->canon_len) {
        SET(CHECK_DKIM_FAIL, "RFC 6376 §3.5", "dkim.sig.tag.l",
            "l=%llu is longer than the body (%llu bytes canonicalized)", bv->l, bv->canon_len);
        goto done;
    }
    size_t bhlen;
    const char *bhtext = tag_value(&sig, DKIM_SIG_TAG_BH, &bhlen);
    unsigned char bh[64];
    size_t bhn = 0;
    if (!b64_decode(bhtext, bhlen, bh, sizeof bh, &bhn) || bhn != 32 ||
        memcmp(bh, bv->hash, 32) != 0) {
        SET(CHECK_DKIM_FAIL, "RFC 6376 §3.7", "check.dkim.body",
            "the body hash does not match bh= (the body was changed%s)",
            bv->has_l ? " within l=" : "");
        goto done;
    }
    check_trace_add(t, 0, "RFC 6376 §3.7", "check.dkim.body", NULL, NULL,
                    "body hash matches bh= (%s body%s)",
                    sig.body_canon == DKIM_CANON_RELAXED ? "relaxed" : "simple",
                    bv->has_l ? ", l= limits it" : "");
    if (bv->has_l && bv->l < bv->canon_len)
        check_trace_add(t, 0, "RFC 6376 §8.2", "dkim.sig.tag.l", NULL, NULL,
                        "l= leaves %llu bytes of the body unsigned: anyone may add text there",
                        bv->canon_len - bv->l);

    /* Header hash (§3.7, §5.4.2): each h= name takes the next instance
     * from the bottom; a missing one contributes nothing. */
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        SET(CHECK_DKIM_TEMPERROR, "RFC 6376 §3.7", "check.dkim.signature", "out of memory");
        goto done;
    }
    size_t hlen;
    const char *h = tag_value(&sig, DKIM_SIG_TAG_H, &hlen);
    bool *used = calloc(m->nfields ? m->nfields : 1, sizeof *used);
    if (!used) {
        SET(CHECK_DKIM_TEMPERROR, "RFC 6376 §3.7", "check.dkim.signature", "out of memory");
        goto done;
    }
    size_t signed_fields = 0, missing = 0;
    for (size_t i = 0; i <= hlen;) {
        size_t e = i;
        while (e < hlen && h[e] != ':')
            e++;
        size_t s0 = i, s1 = e;
        while (s0 < s1 && is_wsp(h[s0]))
            s0++;
        while (s1 > s0 && is_wsp(h[s1 - 1]))
            s1--;
        if (s1 > s0) {
            size_t found = (size_t)-1;
            for (size_t k = m->nfields; k-- > 0;)
                if (!used[k] && m->fields[k].name_len == s1 - s0 &&
                    strncasecmp(m->fields[k].name, h + s0, s1 - s0) == 0) {
                    found = k;
                    break;
                }
            if (found != (size_t)-1) {
                used[found] = true;
                header_canon(m->fields[found].raw, m->fields[found].raw_len, 0, 0,
                             sig.header_canon, true, md);
                signed_fields++;
            } else {
                missing++;
            }
        }
        i = e + 1;
    }
    free(used);
    /* The signature field itself, b= emptied, no final CRLF (§3.7). */
    const struct dkim_tag *btag = &sig.tags[sig.first[DKIM_SIG_TAG_B]];
    header_canon(f->raw, f->raw_len, btag->value.start, btag->value.end, sig.header_canon, false,
                 md);
    unsigned char hh[32];
    unsigned int hhl = 0;
    EVP_DigestFinal_ex(md, hh, &hhl);
    check_trace_add(t, 0, "RFC 6376 §5.4.2", "dkim.sig.tag.h", NULL, NULL,
                    "header hash over %zu field%s of h=%s (%s headers)", signed_fields,
                    signed_fields == 1 ? "" : "s",
                    missing ? ", names not present sign their absence" : "",
                    sig.header_canon == DKIM_CANON_RELAXED ? "relaxed" : "simple");

    size_t blen;
    const char *btext = tag_value(&sig, DKIM_SIG_TAG_B, &blen);
    bsig = malloc(SIG_BYTES_MAX);
    size_t bn = 0;
    if (!bsig || !b64_decode(btext, blen, bsig, SIG_BYTES_MAX, &bn)) {
        SET(CHECK_DKIM_PERMERROR, "RFC 6376 §3.5", "dkim.sig.tag.b",
            "b= does not decode (bad base64 or too long)");
        goto done;
    }
    /* Verify: RSASSA-PKCS1-v1_5 over the SHA-256 of the header data; for
     * Ed25519, PureEdDSA over that 32-byte hash (RFC 8463 §3). */
    EVP_MD_CTX_free(md);
    md = EVP_MD_CTX_new();
    int ok = 0;
    if (md) {
        if (want_ed) {
            if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) == 1)
                ok = EVP_DigestVerify(md, bsig, bn, hh, sizeof hh);
        } else {
            /* the digest is already taken: verify it as a prehash */
            EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pkey, NULL);
            if (pc && EVP_PKEY_verify_init(pc) == 1 &&
                EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) == 1)
                ok = EVP_PKEY_verify(pc, bsig, bn, hh, sizeof hh);
            EVP_PKEY_CTX_free(pc);
        }
    }
    if (ok == 1) {
        SET(CHECK_DKIM_PASS, "RFC 6376 §6.1.3", "check.dkim.result",
            "the signature verifies with the %s key of %s%s", want_ed ? "Ed25519" : "RSA",
            qname, sc->testing ? " (the key is in testing mode, t=y)" : "");
    } else {
        SET(CHECK_DKIM_FAIL, "RFC 6376 §6.1.3", "check.dkim.result",
            "the header signature does not verify (a signed header field was changed, or "
            "the wrong key)");
    }
done:
#undef SET
    free(bsig);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    dkim_sig_record_free(&sig);
    dkim_key_record_free(&key);
    diag_list_free(&diags);
    return !waiting;
}

enum check_status dkim_verify_run(struct dkim_verify *v, const struct dns_source *src)
{
    if (!v->in)
        return CHECK_BAD_INPUT;
    v->needs.count = 0;
    bool waiting = false;
    for (size_t i = 0; i < v->count; i++) {
        check_trace_reset(&v->sigs[i].trace);
        if (!verify_one(v, i, src))
            waiting = true;
    }
    return waiting ? CHECK_NEED_ANSWERS : CHECK_DONE;
}
