/* DKIM key pairs: generating one (the private key as PKCS#8 PEM and the
 * key record to publish), telling whether a private key belongs to the
 * public key of a key record, the plan of a selector rotation, and the
 * list of selectors mail providers use.
 *
 * Pure like the rest of the core: PEM text in, PEM text and records out;
 * the caller reads and writes the files, prompts for passphrases and asks
 * DNS.  Private key material lives only in buffers this module allocates
 * and wipes (OPENSSL_cleanse) when they are freed: never copy it into a
 * strbuf, a log or the screen.  OpenSSL libcrypto (EVP) does the crypto;
 * its error queue is left empty. */
#ifndef AUTHTXT_DKIM_KEYS_H
#define AUTHTXT_DKIM_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authtxt/dkim.h"
#include "authtxt/dnsdata.h"
#include "authtxt/strbuf.h"

/* ---------------------------------------------------------------------- */
/* Generation.                                                            */

#define DKIM_KEYGEN_NOTE_MAX 200 /* bytes of n= text before encoding */

struct dkim_keygen_options {
    enum dkim_key_type type; /* DKIM_KEY_RSA (0 also means RSA) or DKIM_KEY_ED25519 */
    unsigned bits;           /* RSA: 2048 (also for 0), 3072 or 4096 */
    bool testing;            /* t=y: receivers treat failures as untested */
    bool hash_sha256;        /* h=sha256 */
    const char *note;        /* n= (any bytes; quoted-printable encoded), or NULL */
};

/* A generated pair.  private_pem is secret: allocated once at its final
 * size and wiped by dkim_keypair_free. */
struct dkim_keypair {
    char *private_pem; /* "-----BEGIN PRIVATE KEY-----\n..." (PKCS#8), NUL-terminated */
    size_t private_len;
    struct strbuf record; /* "v=DKIM1; k=rsa; p=MIIB..." */
    enum dkim_key_type type;
    unsigned bits;
};

void dkim_keypair_init(struct dkim_keypair *kp);
void dkim_keypair_free(struct dkim_keypair *kp);

/* Check the options without generating: false with the reason in `why`
 * (1024-bit RSA refused, RFC 8301 §3.2; sizes other than 2048/3072/4096;
 * a type that is not RSA or Ed25519; a note too long).  O(note). */
bool dkim_keygen_check(const struct dkim_keygen_options *o, struct strbuf *why);
/* Generate a key pair with OpenSSL EVP and build its key record (tags
 * v, k, h, t, n, p in that order).  False with the reason in `why` (bad
 * options, OpenSSL failure); kp is then empty.  Cost: the random prime
 * search of RSA varies a lot: measured on the shared 2-core test machine
 * (whole `authtxt dkim keygen` runs), RSA 2048 about 1.2 s, RSA 4096
 * about 8 s, Ed25519 under 0.2 s. */
bool dkim_keygen(const struct dkim_keygen_options *o, struct dkim_keypair *kp, struct strbuf *why);
/* One sentence to show beside a generated key: RFC 8463 §4 for Ed25519
 * (publish an RSA key beside it), "" for RSA.  Static. */
const char *dkim_keygen_note(enum dkim_key_type type);

/* ---------------------------------------------------------------------- */
/* Private keys and matching.                                             */

enum dkim_privkey_status {
    DKIM_PRIVKEY_OK = 0,
    DKIM_PRIVKEY_NOT_A_KEY,       /* no PEM private key in the text */
    DKIM_PRIVKEY_PUBLIC_KEY,      /* a public key (PEM, or a key record) */
    DKIM_PRIVKEY_NEED_PASSPHRASE, /* encrypted and no passphrase given */
    DKIM_PRIVKEY_BAD_PASSPHRASE,  /* encrypted; the passphrase does not open it */
    DKIM_PRIVKEY_BROKEN,          /* PEM armor of a private key, contents unreadable */
    DKIM_PRIVKEY_UNSUPPORTED,     /* a key of a type DKIM does not use (EC, Ed448...) */
};

enum dkim_privkey_form {
    DKIM_PRIVKEY_FORM_UNKNOWN = 0,
    DKIM_PRIVKEY_FORM_PKCS1,     /* -----BEGIN RSA PRIVATE KEY----- */
    DKIM_PRIVKEY_FORM_PKCS8,     /* -----BEGIN PRIVATE KEY----- */
    DKIM_PRIVKEY_FORM_PKCS8_ENC, /* -----BEGIN ENCRYPTED PRIVATE KEY----- */
    DKIM_PRIVKEY_FORM_PKCS1_ENC, /* PKCS#1 with Proc-Type: 4,ENCRYPTED */
};

struct dkim_privkey_impl; /* internal: the OpenSSL key */

struct dkim_privkey {
    enum dkim_privkey_form form;
    enum dkim_key_type type; /* RSA or ED25519 when status OK */
    unsigned bits;
    struct dkim_privkey_impl *impl;
};

void dkim_privkey_init(struct dkim_privkey *k);
void dkim_privkey_free(struct dkim_privkey *k);
/* Load a private key from PEM text (the whole file; anything around the
 * armor is ignored).  `pass` (may hold any bytes, pass_len of them) is
 * used only for an encrypted key; NULL means none was given, which gives
 * NEED_PASSPHRASE for an encrypted key so the caller can ask and call
 * again.  `why` gets a sentence for every status but OK.  O(len) plus one
 * key decode (PBKDF2 for encrypted keys: tens of ms). */
enum dkim_privkey_status dkim_privkey_load(struct dkim_privkey *k, const char *pem, size_t len,
                                           const char *pass, size_t pass_len, struct strbuf *why);
/* "PKCS#1", "PKCS#8", "encrypted PKCS#8", "encrypted PKCS#1", "unknown". */
const char *dkim_privkey_form_name(enum dkim_privkey_form form);

/* The p= value (base64) of a loaded key's public half: SPKI for RSA, the
 * raw 32 bytes for Ed25519 (RFC 8463 §4.2).  False on failure. */
bool dkim_privkey_public_p(const struct dkim_privkey *k, struct strbuf *out);

enum dkim_match_result {
    DKIM_MATCH_OK = 0,         /* the record publishes this key's public half */
    DKIM_MATCH_DIFFERENT_KEY,  /* same type, another key */
    DKIM_MATCH_DIFFERENT_TYPE, /* RSA key against an Ed25519 record or back */
    DKIM_MATCH_REVOKED,        /* p= empty (RFC 6376 §3.6.1) */
    DKIM_MATCH_RECORD_BROKEN,  /* no p=, bad base64, not a key, k= unknown */
};

struct dkim_match {
    enum dkim_match_result result;
    enum dkim_key_type record_type; /* what p= holds (NONE unless it decodes) */
    unsigned record_bits;
    struct strbuf message; /* one or two sentences in words */
};

void dkim_match_init(struct dkim_match *m);
void dkim_match_free(struct dkim_match *m);
/* Compare a loaded key with the key record text[0..len) (TXT strings
 * joined).  Fills m (message reset first).  O(len) plus one key decode. */
void dkim_match_record(const struct dkim_privkey *k, const char *text, size_t len,
                       struct dkim_match *m);
/* Which TXT record of an answer at <selector>._domainkey is the key
 * record: the first with v=DKIM1 or a p= tag (other TXT records may sit
 * at the same name), else 0.  O(records x length). */
size_t dkim_key_pick_record(const struct dns_txt_answer *answer);

/* The exit status class of a result: 0 match, 1 no match (other key, other
 * type, revoked), 2 record broken. */
int dkim_match_status(enum dkim_match_result result);

/* ---------------------------------------------------------------------- */
/* Rotation plan.                                                         */

#define DKIM_ROTATE_DEFAULT_QUEUE (5u * 86400u) /* Postfix maximal_queue_lifetime */

struct dkim_rotate_options {
    const char *domain;     /* "example.com" */
    const char *from, *to;  /* old and new selectors */
    const char *new_record; /* the new key record, or NULL: a placeholder */
    uint32_t ttl;           /* TTL of the records (the old one's), 0: 3600 */
    uint32_t queue_seconds; /* longest time mail waits in queues, 0: 5 days */
};

enum { DKIM_ROTATE_MAX_STEPS = 5 };

struct dkim_rotate_step {
    struct strbuf title; /* "Publish the new key beside the old one" */
    struct strbuf text;  /* what to do and why, sentences */
    struct strbuf zone;  /* zone lines to publish ("" when none) */
};

struct dkim_rotate_plan {
    struct dkim_rotate_step steps[DKIM_ROTATE_MAX_STEPS];
    size_t count;
    uint32_t wait_seconds; /* ttl + queue */
};

void dkim_rotate_plan_init(struct dkim_rotate_plan *p);
void dkim_rotate_plan_free(struct dkim_rotate_plan *p);
/* Build the plan.  False with the reason in `why` for a domain or selector
 * DNS does not allow, equal selectors, or a record too long for a zone
 * line.  O(record length). */
bool dkim_rotate_plan_build(const struct dkim_rotate_options *o, struct dkim_rotate_plan *p,
                            struct strbuf *why);
/* "5 days 1 hour", "90 seconds". */
void dkim_duration_format(uint32_t seconds, struct strbuf *out);

/* ---------------------------------------------------------------------- */
/* Names and the provider selector list.                                  */

/* A selector DNS allows: one or more labels of letters, digits, '-' and
 * '_', 1..63 bytes each, at most 63 in all (RFC 6376 §3.1).  False with
 * the reason in `why` (may be NULL).  O(len). */
bool dkim_selector_check(const char *selector, struct strbuf *why);

#define DKIM_PROVIDER_SELECTORS_MAX 128

struct dkim_provider_selector {
    char selector[64]; /* "selector1" */
    char provider[96]; /* "Microsoft 365 (CNAME to the tenant)" */
};

/* The built-in list of selectors to probe: the help entry
 * "dkim.selectors" (help/dkim_selectors.txt, compiled in), one
 * "selector  provider" line each, in file order.  Writes at most max
 * entries to out and returns how many.  O(list). */
size_t dkim_provider_selectors(struct dkim_provider_selector *out, size_t max);

#endif
