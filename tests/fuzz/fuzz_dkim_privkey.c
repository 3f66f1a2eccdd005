/* Fuzz the private key loader and the key matcher: the input is a PEM file
 * (any bytes) loaded with no passphrase and with one, then matched against
 * a fixed key record and against the input itself read as a record.  A
 * load either succeeds with an RSA or Ed25519 key or says why. */
#include "fuzz_common.h"

#include "authtxt/dkim_keys.h"

static const char record[] = "v=DKIM1; k=ed25519; p=JGS3gHMAqqC9N6VsmApS4OYCrykEOfaAu0yUpdYkLmQ=";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct dkim_privkey k;
    struct dkim_match m;
    struct strbuf why = STRBUF_INIT, p = STRBUF_INIT;
    dkim_privkey_init(&k);
    dkim_match_init(&m);
    for (int pass = 0; pass < 2; pass++) {
        strbuf_reset(&why);
        enum dkim_privkey_status st =
            dkim_privkey_load(&k, text, size, pass ? "secret" : NULL, pass ? 6 : 0, &why);
        if (st != DKIM_PRIVKEY_OK) {
            fuzz_check(why.len > 0, "status %d without a reason", (int)st);
            fuzz_check(k.impl == NULL, "a key kept after a failed load");
            continue;
        }
        fuzz_check(k.type == DKIM_KEY_RSA || k.type == DKIM_KEY_ED25519, "type %d", (int)k.type);
        strbuf_reset(&p);
        fuzz_check(dkim_privkey_public_p(&k, &p), "no public half");
        dkim_match_record(&k, record, sizeof record - 1, &m);
        fuzz_check(m.message.len > 0, "match without words");
        dkim_match_record(&k, text, size, &m);
        fuzz_check(dkim_match_status(m.result) <= 2, "status");
    }
    /* Matching with no key loaded is refused, not a crash. */
    dkim_privkey_free(&k);
    dkim_match_record(&k, text, size, &m);
    fuzz_check(m.result == DKIM_MATCH_RECORD_BROKEN, "match without a key");
    strbuf_free(&why);
    strbuf_free(&p);
    dkim_match_free(&m);
    dkim_privkey_free(&k);
    return 0;
}
