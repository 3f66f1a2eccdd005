/* What the DKIM key-pair modules (dkim_keygen.c, dkim_match.c,
 * dkim_rotate.c) share: the public half of an OpenSSL key as a p= value. */
#ifndef AUTHTXT_DKIM_KEYS_INTERNAL_H
#define AUTHTXT_DKIM_KEYS_INTERNAL_H

#include <openssl/evp.h>
#include <stdbool.h>

#include "authtxt/dkim_keys.h"

/* The public key bytes p= carries (RFC 6376 §3.6.1: SubjectPublicKeyInfo
 * for RSA; RFC 8463 §4.2: the raw 32 bytes for Ed25519), written to
 * der[0..*len) (room for DKIM_KEY_DER_MAX bytes).  False on failure. */
bool dkim_keys_public_der(EVP_PKEY *key, enum dkim_key_type type, unsigned char *der, size_t *len);
/* The same, base64-encoded and appended to out. */
bool dkim_keys_public_p(EVP_PKEY *key, enum dkim_key_type type, struct strbuf *out);

#endif
