/* DKIM public keys: what a p= value holds (type, size, form) and turning a
 * pasted key into p= base64.  The only DKIM file that calls OpenSSL.
 *
 * Speed: a zone of 60,000 keys must lint in a fraction of a second, and
 * OpenSSL 3's generic decoders are slow for this (measured on this machine
 * class, per 2048-bit key: d2i_PUBKEY 84 us, OSSL_DECODER with a fresh
 * context 82 us, with a reused context 6.5 us, EVP_PKEY_fromdata 3 us,
 * deprecated d2i_RSA_PUBKEY 1.2 us, d2i_PublicKey(EVP_PKEY_RSA) on the
 * PKCS#1 body 0.6 us).  So the SubjectPublicKeyInfo wrapper is walked here
 * (a few DER headers, which also tells *what* a wrong key is), and it
 * checks and sizes the RSA key itself (two INTEGERs): about 340
 * instructions a key in callgrind, against 11,000 with d2i_PublicKey. */
#include "dkim_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- base64 through OpenSSL ------------------------------------------ */

size_t dkim_b64_decode(const char *s, size_t n, const struct dkim_b64 *scan, unsigned char *out)
{
    unsigned pad = scan->pad;
    if (!scan->fws) {
        /* No whitespace to squeeze out: OpenSSL reads the text itself. */
        if (n > INT_MAX)
            return (size_t)-1;
        int got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
        return got >= 0 && (size_t)got >= pad ? (size_t)got - pad : (size_t)-1;
    }
    unsigned char chunk[1024]; /* a multiple of 4: every chunk decodes alone */
    size_t c = 0, total = 0;
    pad = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n) {
            unsigned char ch = (unsigned char)s[i];
            if (dkim_is_fws(ch))
                continue;
            pad += ch == '=';
            chunk[c++] = ch;
            if (c < sizeof chunk)
                continue;
        }
        if (c == 0)
            continue;
        int got = EVP_DecodeBlock(out + total, chunk, (int)c);
        if (got < 0)
            return (size_t)-1;
        total += (size_t)got;
        c = 0;
    }
    /* EVP_DecodeBlock counts padding as zero bytes. */
    return total >= pad ? total - pad : (size_t)-1;
}

/* ---- a minimal DER reader -------------------------------------------- */

struct der {
    const unsigned char *p;
    size_t len;
};

/* Read the next element if it has `tag`; its contents go to *out and d
 * moves past it.  Definite lengths only (DER, X.690 §10.1). */
static bool der_next(struct der *d, unsigned char tag, struct der *out)
{
    if (d->len < 2 || d->p[0] != tag)
        return false;
    size_t hdr = 2, n = d->p[1];
    if (n & 0x80) {
        size_t k = n & 0x7f;
        if (k == 0 || k > 3 || d->len < 2 + k)
            return false;
        n = 0;
        for (size_t i = 0; i < k; i++)
            n = (n << 8) | d->p[2 + i];
        hdr += k;
    }
    if (n > d->len - hdr)
        return false;
    out->p = d->p + hdr;
    out->len = n;
    d->p += hdr + n;
    d->len -= hdr + n;
    return true;
}

static bool der_oid_is(const struct der *oid, const unsigned char *want, size_t n)
{
    return oid->len == n && memcmp(oid->p, want, n) == 0;
}

static const unsigned char oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const unsigned char oid_ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const unsigned char oid_ed25519[] = {0x2b, 0x65, 0x70}; /* RFC 8410 */
static const unsigned char oid_ed448[] = {0x2b, 0x65, 0x71};

/* SubjectPublicKeyInfo (RFC 5280 §4.1.2.7):
 *   SEQUENCE { SEQUENCE { OID, parameters OPTIONAL }, BIT STRING } */
struct spki {
    enum dkim_key_type type;
    struct der key; /* the BIT STRING's bytes after the unused-bits octet */
    bool trailing;  /* bytes after the outer SEQUENCE */
};

static bool spki_parse(const unsigned char *buf, size_t n, struct spki *s)
{
    struct der all = {buf, n}, seq, alg, oid, bits;
    if (!der_next(&all, 0x30, &seq) || !der_next(&seq, 0x30, &alg) || !der_next(&alg, 0x06, &oid) ||
        !der_next(&seq, 0x03, &bits) || seq.len != 0)
        return false;
    if (bits.len < 1 || bits.p[0] != 0)
        return false;
    if (der_oid_is(&oid, oid_rsa, sizeof oid_rsa))
        s->type = DKIM_KEY_RSA;
    else if (der_oid_is(&oid, oid_ed25519, sizeof oid_ed25519))
        s->type = DKIM_KEY_ED25519;
    else if (der_oid_is(&oid, oid_ec, sizeof oid_ec))
        s->type = DKIM_KEY_EC;
    else if (der_oid_is(&oid, oid_ed448, sizeof oid_ed448))
        s->type = DKIM_KEY_ED448;
    else
        s->type = DKIM_KEY_OTHER;
    s->key = (struct der){bits.p + 1, bits.len - 1};
    s->trailing = all.len != 0;
    return true;
}

/* RSAPublicKey (RFC 8017 §A.1.1): SEQUENCE { INTEGER n, INTEGER e }.
 * *used is how many bytes the SEQUENCE takes. */
static bool pkcs1_parse(const unsigned char *buf, size_t n, size_t *used, struct der *mod,
                        struct der *exp)
{
    struct der all = {buf, n}, seq;
    if (!der_next(&all, 0x30, &seq) || !der_next(&seq, 0x02, mod) || !der_next(&seq, 0x02, exp) ||
        seq.len != 0)
        return false;
    *used = n - all.len;
    return true;
}

/* A private key in any of its DER forms: PKCS#1 RSAPrivateKey, PKCS#8,
 * SEC1 ECPrivateKey all open with SEQUENCE { INTEGER 0 or 1, ... } and have
 * more than two elements, unlike any public key. */
static bool is_private_key(const unsigned char *buf, size_t n)
{
    struct der all = {buf, n}, seq, version, next;
    if (!der_next(&all, 0x30, &seq) || !der_next(&seq, 0x02, &version))
        return false;
    if (version.len != 1 || version.p[0] > 1 || seq.len < 2)
        return false;
    /* Skip the second element whatever it is, then require a third. */
    if (!der_next(&seq, seq.p[0], &next))
        return false;
    return seq.len > 0;
}

/* A certificate: SEQUENCE { SEQUENCE { [0] version / INTEGER serial ... } ... } */
static bool looks_like_certificate(const unsigned char *buf, size_t n)
{
    struct der all = {buf, n}, seq, tbs;
    if (!der_next(&all, 0x30, &seq) || !der_next(&seq, 0x30, &tbs) || tbs.len == 0)
        return false;
    return tbs.p[0] == 0xa0 || tbs.p[0] == 0x02;
}

static bool integer_positive(const struct der *i)
{
    if (i->len == 0 || (i->p[0] & 0x80))
        return false;
    for (size_t k = 0; k < i->len; k++)
        if (i->p[k])
            return true;
    return false;
}

/* A DER INTEGER's contents are minimal (X.690 §8.3.2): no leading 0x00
 * before a byte whose top bit is clear, no leading 0xff before one whose
 * top bit is set.  OpenSSL refuses such padding too ("illegal padding"). */
static bool integer_minimal(const struct der *i)
{
    return i->len < 2 ||
           !((i->p[0] == 0x00 && !(i->p[1] & 0x80)) || (i->p[0] == 0xff && (i->p[1] & 0x80)));
}

/* Bits of a positive, minimally encoded INTEGER: its size without the
 * leading zero byte, less the leading zero bits of its first byte. */
static unsigned integer_bits(const struct der *i)
{
    const unsigned char *p = i->p;
    size_t len = i->len;
    if (len > 1 && p[0] == 0)
        p++, len--;
    unsigned top = 0;
    for (unsigned char b = p[0]; b; b >>= 1)
        top++;
    return len > UINT_MAX / 8 ? 0 : (unsigned)((len - 1) * 8 + top);
}

/* Check an RSAPublicKey and size it; fills info->problem / bits.  The
 * structure is walked and checked here (an RSAPublicKey is two INTEGERs
 * in a SEQUENCE) and the modulus sized by its bytes: no OpenSSL object is
 * built, which in a zone of keys was a third of the time of a lint. */
static void rsa_check(const unsigned char *p, size_t n, struct dkim_key_info *info)
{
    struct der mod, exp;
    size_t used;
    if (!pkcs1_parse(p, n, &used, &mod, &exp)) {
        info->problem = DKIM_KEY_PROBLEM_BAD_RSA;
        return;
    }
    if (used != n) {
        info->problem = DKIM_KEY_PROBLEM_TRAILING;
        return;
    }
    /* An RSA modulus is odd and positive, the exponent odd and above 1:
     * a mangled key often parses but fails these. */
    if (!integer_positive(&mod) || !(mod.p[mod.len - 1] & 1) || !integer_positive(&exp) ||
        !(exp.p[exp.len - 1] & 1) || (exp.len == 1 && exp.p[0] == 1) ||
        (mod.len == 1 && mod.p[0] < 3) || !integer_minimal(&mod) || !integer_minimal(&exp)) {
        info->problem = DKIM_KEY_PROBLEM_BAD_RSA;
        return;
    }
    info->bits = integer_bits(&mod);
}

/* RFC 8463 §4.2: an Ed25519 key is 32 bytes, the encoded point.  OpenSSL
 * takes any 32 bytes as a public key (the point is decoded only when a
 * signature is verified; checked on this machine class: all 256 constant
 * fillings, and 0xff..ff, load), so building a key object here would tell
 * nothing more and cost a key-manager lookup per record.  dkim_verify
 * reports a point that does not decode when it verifies. */
static void ed25519_check(struct dkim_key_info *info) { info->bits = 256; }

void dkim_key_classify(enum dkim_key_type want, const unsigned char *der, size_t n,
                       struct dkim_key_info *info)
{
    struct spki spki;
    struct der mod, exp;
    size_t used = 0;
    bool is_spki = spki_parse(der, n, &spki);
    bool is_pkcs1 = !is_spki && pkcs1_parse(der, n, &used, &mod, &exp) && used == n;

    info->problem = DKIM_KEY_PROBLEM_NONE;
    info->type = DKIM_KEY_NONE;
    info->form = DKIM_KEY_FORM_NONE;
    info->bits = 0;

    if (want == DKIM_KEY_ED25519) {
        /* RFC 8463 §4.2: p= is the raw 32-byte public key. */
        if (n == 32) {
            info->type = DKIM_KEY_ED25519;
            info->form = DKIM_KEY_FORM_RAW;
            ed25519_check(info);
        } else if (is_spki) {
            info->type = spki.type;
            info->form = DKIM_KEY_FORM_SPKI;
            info->problem = spki.type == DKIM_KEY_ED25519 && spki.key.len == 32
                                ? DKIM_KEY_PROBLEM_ED25519_SPKI
                                : DKIM_KEY_PROBLEM_WRONG_TYPE;
        } else if (is_pkcs1) {
            info->type = DKIM_KEY_RSA;
            info->form = DKIM_KEY_FORM_PKCS1;
            info->problem = DKIM_KEY_PROBLEM_WRONG_TYPE;
        } else if (is_private_key(der, n)) {
            info->problem = DKIM_KEY_PROBLEM_PRIVATE;
        } else {
            info->problem = DKIM_KEY_PROBLEM_ED25519_LEN;
        }
    } else if (is_spki) {
        /* RFC 6376 §3.6.1 k=rsa, in the SubjectPublicKeyInfo form every
         * signer publishes (RFC 6376 Appendix C). */
        info->type = spki.type;
        info->form = DKIM_KEY_FORM_SPKI;
        if (spki.trailing)
            info->problem = DKIM_KEY_PROBLEM_TRAILING;
        else if (spki.type != DKIM_KEY_RSA)
            info->problem = DKIM_KEY_PROBLEM_WRONG_TYPE;
        else
            rsa_check(spki.key.p, spki.key.len, info);
    } else if (is_pkcs1) {
        info->type = DKIM_KEY_RSA;
        info->form = DKIM_KEY_FORM_PKCS1;
        rsa_check(der, n, info);
        if (info->problem == DKIM_KEY_PROBLEM_NONE)
            info->problem = DKIM_KEY_PROBLEM_PKCS1;
    } else if (is_private_key(der, n)) {
        info->problem = DKIM_KEY_PROBLEM_PRIVATE;
    } else if (n == 32) {
        info->type = DKIM_KEY_ED25519;
        info->form = DKIM_KEY_FORM_RAW;
        info->problem = DKIM_KEY_PROBLEM_WRONG_TYPE;
    } else {
        info->problem = DKIM_KEY_PROBLEM_NOT_DER;
    }
    info->status =
        info->problem == DKIM_KEY_PROBLEM_NONE ? DKIM_KEY_STATUS_OK : DKIM_KEY_STATUS_BAD_KEY;
}

void dkim_key_decode(enum dkim_key_type type, const char *p, size_t len, struct dkim_key_info *out)
{
    memset(out, 0, sizeof *out);
    struct dkim_b64 b;
    dkim_b64_scan(p, len, &b);
    out->chars = b.chars;
    if (b.problem != DKIM_KEY_PROBLEM_NONE) {
        out->status = DKIM_KEY_STATUS_BAD_BASE64;
        out->problem = b.problem;
        out->bad_start = b.bad_start;
        out->bad_end = b.bad_end;
        out->bad_char = b.bad_char;
        return;
    }
    if (b.chars == 0) { /* RFC 6376 §3.6.1: empty p= revokes the key */
        out->status = DKIM_KEY_STATUS_REVOKED;
        return;
    }
    out->decoded_len = b.decoded_len;
    if (type != DKIM_KEY_RSA && type != DKIM_KEY_ED25519) {
        out->status = DKIM_KEY_STATUS_UNCHECKED;
        return;
    }
    if (b.decoded_len > DKIM_KEY_DER_MAX) {
        out->status = DKIM_KEY_STATUS_BAD_KEY;
        out->problem = DKIM_KEY_PROBLEM_TOO_LARGE;
        return;
    }
    unsigned char der[DKIM_KEY_DER_MAX + 4];
    size_t n = dkim_b64_decode(p, len, &b, der);
    if (n != b.decoded_len) {
        out->status = DKIM_KEY_STATUS_BAD_KEY;
        out->problem = DKIM_KEY_PROBLEM_NOT_DER;
        return;
    }
    dkim_key_classify(type, der, n, out);
}

const char *dkim_key_type_name(enum dkim_key_type type)
{
    switch (type) {
    case DKIM_KEY_RSA:
        return "rsa";
    case DKIM_KEY_ED25519:
        return "ed25519";
    case DKIM_KEY_EC:
        return "EC";
    case DKIM_KEY_ED448:
        return "Ed448";
    case DKIM_KEY_OTHER:
        return "other";
    case DKIM_KEY_NONE:
        break;
    }
    return "none";
}

/* ---- pasting a key --------------------------------------------------- */

#define PASTE_MAX 65536 /* a pasted key, armor and all, is a few KiB */

static size_t find(const char *s, size_t n, size_t from, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = from; i + m <= n; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, m) == 0)
            return i;
    return DKIM_NONE;
}

static size_t der_put_len(unsigned char *o, size_t n)
{
    if (n < 0x80) {
        o[0] = (unsigned char)n;
        return 1;
    }
    if (n < 0x100) {
        o[0] = 0x81;
        o[1] = (unsigned char)n;
        return 2;
    }
    o[0] = 0x82;
    o[1] = (unsigned char)(n >> 8);
    o[2] = (unsigned char)n;
    return 3;
}

/* Wrap a PKCS#1 RSAPublicKey as SubjectPublicKeyInfo (out: n + 24 bytes). */
static size_t wrap_pkcs1(const unsigned char *pkcs1, size_t n, unsigned char *out)
{
    static const unsigned char alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                        0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    unsigned char bitlen[3];
    size_t bl = der_put_len(bitlen, n + 1);
    size_t inner = sizeof alg + 1 + bl + 1 + n;
    size_t o = 0;
    out[o++] = 0x30;
    o += der_put_len(out + o, inner);
    memcpy(out + o, alg, sizeof alg);
    o += sizeof alg;
    out[o++] = 0x03;
    memcpy(out + o, bitlen, bl);
    o += bl;
    out[o++] = 0x00;
    memcpy(out + o, pkcs1, n);
    return o + n;
}

/* The SubjectPublicKeyInfo of a DER certificate, into out (cap bytes). */
static size_t certificate_spki(const unsigned char *der, size_t n, unsigned char *out, size_t cap)
{
    size_t len = 0;
    ERR_set_mark();
    const unsigned char *q = der;
    X509 *cert = d2i_X509(NULL, &q, (long)n);
    X509_PUBKEY *pub = cert ? X509_get_X509_PUBKEY(cert) : NULL;
    int need = pub ? i2d_X509_PUBKEY(pub, NULL) : -1;
    if (need > 0 && (size_t)need <= cap) {
        unsigned char *w = out;
        if (i2d_X509_PUBKEY(pub, &w) == need)
            len = (size_t)need;
    }
    X509_free(cert);
    ERR_pop_to_mark();
    return len;
}

struct paste_buf {
    char *bytes; /* the candidate text */
    size_t *map; /* offset in the pasted text of each byte */
    size_t len;
};

/* Zone-file strings: the contents of each "..." joined; outside quotes,
 * owner names, IN TXT, parentheses and ';' comments are skipped. */
static void join_quoted(const char *t, size_t a, size_t b, struct paste_buf *j,
                        struct dkim_paste *rep)
{
    bool in = false, comment = false;
    for (size_t i = a; i < b; i++) {
        char c = t[i];
        if (comment) {
            comment = c != '\n';
            continue;
        }
        if (c == '"') {
            in = !in;
            rep->quotes++;
            continue;
        }
        if (!in) {
            comment = c == ';';
            continue;
        }
        if (c == '\\' && i + 1 < b && t[i + 1] == '"')
            i++; /* keep the escaped quote as data: it is not base64 */
        j->bytes[j->len] = t[i];
        j->map[j->len++] = i;
    }
}

static void compact(const struct paste_buf *src, size_t a, size_t b, struct paste_buf *dst,
                    struct dkim_paste *rep)
{
    for (size_t i = a; i < b; i++) {
        char c = src->bytes[i];
        if (c == '\n' || (c == '\r' && !(i + 1 < b && src->bytes[i + 1] == '\n'))) {
            rep->line_breaks++;
            continue;
        }
        if (c == '\r')
            continue;
        if (c == ' ' || c == '\t') {
            rep->blanks++;
            continue;
        }
        if (c == '"') {
            rep->quotes++;
            continue;
        }
        dst->bytes[dst->len] = c;
        dst->map[dst->len++] = src->map[i];
    }
}

/* The p= value of a pasted tag list, as [*a, *b) of j; false if none. */
static bool find_p_tag(const struct paste_buf *j, size_t *a, size_t *b)
{
    struct taglist tl;
    taglist_init(&tl);
    bool found = false;
    if (taglist_tokenize(&tl, j->bytes, j->len, TAGLIST_ALLOW_FOLDING)) {
        size_t i = taglist_find(&tl, j->bytes, "p");
        if (i != DKIM_NONE && tl.tags[i].has_equals) {
            *a = tl.tags[i].value.start;
            *b = tl.tags[i].value.end;
            found = true;
        }
    }
    taglist_free(&tl);
    return found;
}

enum pem_label { LABEL_NONE, LABEL_SPKI, LABEL_PKCS1, LABEL_CERT };

enum dkim_paste_status dkim_paste_key(const char *text, size_t len, struct strbuf *out,
                                      struct dkim_paste *report)
{
    struct dkim_paste scratch;
    struct dkim_paste *rep = report ? report : &scratch;
    memset(rep, 0, sizeof *rep);
    enum dkim_paste_status status = DKIM_PASTE_EMPTY;
    struct paste_buf j = {NULL, NULL, 0}, c = {NULL, NULL, 0};
    unsigned char *der = NULL, *conv = NULL;
    enum pem_label label = LABEL_NONE;
    size_t a = 0, b = len;

    if (len > PASTE_MAX) {
        status = DKIM_PASTE_NOT_A_KEY;
        goto done;
    }
    /* Never let a private key through, whatever else the paste holds. */
    if (find(text, len, 0, "PRIVATE KEY") != DKIM_NONE) {
        status = DKIM_PASTE_PRIVATE_KEY;
        goto done;
    }
    size_t begin = find(text, len, 0, "-----BEGIN ");
    if (begin != DKIM_NONE) {
        size_t lab = begin + 11, lab_end = find(text, len, lab, "-----");
        if (lab_end == DKIM_NONE) {
            status = DKIM_PASTE_NOT_A_KEY;
            goto done;
        }
        const char *l = text + lab;
        size_t ln = lab_end - lab;
        if (dkim_eq(l, ln, "PUBLIC KEY"))
            label = LABEL_SPKI;
        else if (dkim_eq(l, ln, "RSA PUBLIC KEY"))
            label = LABEL_PKCS1;
        else if (dkim_eq(l, ln, "CERTIFICATE") || dkim_eq(l, ln, "X509 CERTIFICATE") ||
                 dkim_eq(l, ln, "TRUSTED CERTIFICATE"))
            label = LABEL_CERT;
        else {
            status = DKIM_PASTE_NOT_A_KEY;
            goto done;
        }
        rep->did |= DKIM_PASTE_ARMOR;
        a = lab_end + 5;
        size_t end = find(text, len, a, "-----END");
        b = end == DKIM_NONE ? len : end;
    }

    size_t n = b - a;
    j.bytes = malloc(n + 1);
    j.map = malloc((n + 1) * sizeof *j.map);
    c.bytes = malloc(n + 1);
    c.map = malloc((n + 1) * sizeof *c.map);
    der = malloc(DKIM_KEY_DER_MAX + 64); /* room for the PKCS#1 wrapper */
    conv = malloc(DKIM_KEY_DER_MAX + 64);
    if (!j.bytes || !j.map || !c.bytes || !c.map || !der || !conv) {
        status = DKIM_PASTE_NOT_A_KEY;
        goto done;
    }
    if (label == LABEL_NONE && memchr(text + a, '"', n)) {
        join_quoted(text, a, b, &j, rep);
        rep->did |= DKIM_PASTE_QUOTES;
    } else {
        for (size_t i = a; i < b; i++) {
            j.bytes[j.len] = text[i];
            j.map[j.len++] = i;
        }
    }
    size_t ja = 0, jb = j.len;
    if (label == LABEL_NONE && find_p_tag(&j, &ja, &jb))
        rep->did |= DKIM_PASTE_TAGS;
    compact(&j, ja, jb, &c, rep);
    if (rep->line_breaks || rep->blanks)
        rep->did |= DKIM_PASTE_WHITESPACE;
    if (rep->quotes)
        rep->did |= DKIM_PASTE_QUOTES;

    struct dkim_b64 scan;
    dkim_b64_scan(c.bytes, c.len, &scan);
    if (scan.problem != DKIM_KEY_PROBLEM_NONE) {
        status = DKIM_PASTE_BAD_BASE64;
        rep->bad_char = scan.bad_char;
        rep->bad_offset = c.len ? c.map[scan.bad_start] : 0;
        goto done;
    }
    if (scan.chars == 0)
        goto done; /* EMPTY */
    status = DKIM_PASTE_UNRECOGNIZED;
    size_t dn = scan.decoded_len > DKIM_KEY_DER_MAX ? (size_t)-1
                                                    : dkim_b64_decode(c.bytes, c.len, &scan, der);
    if (dn != scan.decoded_len) {
        strbuf_append(out, c.bytes, c.len);
        goto done;
    }

    /* Bring the key to the form DKIM publishes. */
    const unsigned char *key = der;
    size_t kn = dn;
    struct spki spki;
    struct der mod, exp;
    size_t used;
    if (is_private_key(key, kn)) {
        status = DKIM_PASTE_PRIVATE_KEY;
        goto done;
    }
    if (label == LABEL_CERT || looks_like_certificate(key, kn)) {
        size_t got = certificate_spki(key, kn, conv, DKIM_KEY_DER_MAX);
        if (got) {
            memcpy(der, conv, got);
            kn = got;
            rep->did |= DKIM_PASTE_FROM_CERT;
        }
    }
    if (!spki_parse(key, kn, &spki) && pkcs1_parse(key, kn, &used, &mod, &exp) && used == kn) {
        kn = wrap_pkcs1(key, kn, conv);
        memcpy(der, conv, kn);
        rep->did |= DKIM_PASTE_FROM_PKCS1;
    } else if (spki_parse(key, kn, &spki) && !spki.trailing && spki.type == DKIM_KEY_ED25519 &&
               spki.key.len == 32) {
        memmove(der, spki.key.p, 32);
        kn = 32;
        rep->did |= DKIM_PASTE_ED25519_RAW;
    }

    struct dkim_key_info info;
    memset(&info, 0, sizeof info);
    dkim_key_classify(kn == 32 ? DKIM_KEY_ED25519 : DKIM_KEY_RSA, key, kn, &info);
    rep->type = info.type;
    if (info.status == DKIM_KEY_STATUS_OK) {
        status = DKIM_PASTE_OK;
        rep->bits = info.bits;
    } else if (info.problem == DKIM_KEY_PROBLEM_PRIVATE) {
        status = DKIM_PASTE_PRIVATE_KEY;
        goto done;
    }
    if (rep->did & (DKIM_PASTE_FROM_CERT | DKIM_PASTE_FROM_PKCS1 | DKIM_PASTE_ED25519_RAW)) {
        /* EVP_EncodeBlock writes 4 characters per 3 bytes plus a NUL. */
        size_t need = (kn + 2) / 3 * 4 + 1;
        char *enc = malloc(need);
        if (!enc) {
            status = DKIM_PASTE_NOT_A_KEY;
            goto done;
        }
        int w = EVP_EncodeBlock((unsigned char *)enc, key, (int)kn);
        if (w > 0)
            strbuf_append(out, enc, (size_t)w);
        free(enc);
    } else {
        strbuf_append(out, c.bytes, c.len);
    }

done:
    free(j.bytes);
    free(j.map);
    free(c.bytes);
    free(c.map);
    free(der);
    free(conv);
    rep->status = status;
    return status;
}

void dkim_paste_describe(const struct dkim_paste *rep, struct strbuf *out)
{
    switch (rep->status) {
    case DKIM_PASTE_EMPTY:
        strbuf_puts(out, "nothing to use: no base64 key text was found in the paste");
        return;
    case DKIM_PASTE_BAD_BASE64:
        if (rep->bad_char >= 0x21 && rep->bad_char < 0x7f)
            strbuf_printf(out, "'%c' at offset %zu is not base64: paste only the key text",
                          rep->bad_char, rep->bad_offset);
        else if (rep->bad_char)
            strbuf_printf(out, "byte 0x%02x at offset %zu is not base64: paste only the key text",
                          rep->bad_char, rep->bad_offset);
        else
            strbuf_puts(out, "the base64 is cut short (its length is not a multiple of 4): "
                             "copy the whole key again");
        return;
    case DKIM_PASTE_PRIVATE_KEY:
        strbuf_puts(out, "refused: this is a PRIVATE key, which must never be published; paste "
                         "the public key (openssl pkey -in key.pem -pubout)");
        return;
    case DKIM_PASTE_NOT_A_KEY:
        strbuf_puts(out, "this is not a public key: paste a PUBLIC KEY or CERTIFICATE block, "
                         "or the base64 of the key");
        return;
    case DKIM_PASTE_OK:
    case DKIM_PASTE_UNRECOGNIZED:
        break;
    }
    const char *sep = "";
    if (rep->did & DKIM_PASTE_ARMOR) {
        strbuf_puts(out, "removed the PEM armor");
        sep = ", ";
    }
    if (rep->did & DKIM_PASTE_TAGS) {
        strbuf_printf(out, "%stook the p= value of the pasted record", sep);
        sep = ", ";
    }
    if (rep->quotes) {
        strbuf_printf(out, "%sremoved %zu quote%s", sep, rep->quotes, rep->quotes == 1 ? "" : "s");
        sep = ", ";
    }
    if (rep->line_breaks) {
        strbuf_printf(out, "%sremoved %zu line break%s", sep, rep->line_breaks,
                      rep->line_breaks == 1 ? "" : "s");
        sep = ", ";
    }
    if (rep->blanks) {
        strbuf_printf(out, "%sremoved %zu space%s", sep, rep->blanks, rep->blanks == 1 ? "" : "s");
        sep = ", ";
    }
    if (rep->did & DKIM_PASTE_FROM_CERT) {
        strbuf_printf(out, "%stook the public key out of the certificate", sep);
        sep = ", ";
    }
    if (rep->did & DKIM_PASTE_FROM_PKCS1) {
        strbuf_printf(out, "%swrapped the PKCS#1 RSA key as SubjectPublicKeyInfo", sep);
        sep = ", ";
    }
    if (rep->did & DKIM_PASTE_ED25519_RAW) {
        strbuf_printf(out, "%sunwrapped the Ed25519 key to its 32 raw bytes (RFC 8463)", sep);
        sep = ", ";
    }
    if (*sep)
        strbuf_puts(out, "; ");
    if (rep->status == DKIM_PASTE_UNRECOGNIZED)
        strbuf_puts(out, "the base64 is not a public key this program recognizes");
    else if (rep->type == DKIM_KEY_ED25519)
        strbuf_puts(out, "Ed25519 public key");
    else
        strbuf_printf(out, "%u-bit RSA public key", rep->bits);
}
