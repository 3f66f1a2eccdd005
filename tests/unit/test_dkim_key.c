/* The DKIM key record: parse, lint (every dkim-* rule fires on one record
 * and stays quiet on a close one), format round trip, terms, explanations,
 * the TUI's editing calls, and hostile input. */
#include "unit.h"

#include <stdio.h>

#include "authtxt/dkim.h"
#include "test_dkim_keys.h"

static struct dkim_key_record rec;
static struct diag_list diags;
static struct strbuf text; /* records built by rec_text() */

static int setup(void **state)
{
    (void)state;
    dkim_key_record_init(&rec);
    diag_list_init(&diags);
    strbuf_init(&text);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dkim_key_record_free(&rec);
    diag_list_free(&diags);
    strbuf_free(&text);
    return 0;
}

static void lint_len(const char *s, size_t n)
{
    diag_list_reset(&diags);
    assert_true(dkim_key_parse(&rec, s, n, &diags));
    dkim_key_lint(&rec, &diags);
}

static void lint(const char *s) { lint_len(s, strlen(s)); }

/* The record `fmt` with its one "%s" replaced by key (no printf: the
 * format is not a literal). */
static const char *rec_text(const char *fmt, const char *key)
{
    const char *hole = strstr(fmt, "%s");
    strbuf_reset(&text);
    strbuf_append(&text, fmt, (size_t)(hole - fmt));
    strbuf_puts(&text, key);
    strbuf_puts(&text, hole + 2);
    return strbuf_cstr(&text);
}

static const struct diag *first_diag(enum rule_id rule)
{
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule)
            return &diags.items[i];
    return NULL;
}

/* The rule fired on exactly the bytes `want` of s. */
static void assert_span(const char *s, enum rule_id rule, const char *want)
{
    assert_rule(&diags, rule);
    const struct diag *d = first_diag(rule);
    size_t n = strlen(want);
    if (d->end - d->start != n || memcmp(s + d->start, want, n) != 0) {
        print_message("%s span [%zu,%zu) is '%.*s', expected '%s'\n", rule_get(rule)->code,
                      d->start, d->end, (int)(d->end - d->start), s + d->start, want);
        fail();
    }
}

static void assert_message_has(enum rule_id rule, const char *part)
{
    assert_rule(&diags, rule);
    const struct diag *d = first_diag(rule);
    if (!strstr(d->message, part)) {
        print_message("%s message '%s' lacks '%s'\n", rule_get(rule)->code, d->message, part);
        fail();
    }
}

static void assert_no_errors(void)
{
    if (diag_list_max_severity(&diags) >= DIAG_ERROR) {
        print_message("unexpected errors:\n");
        unit_print_diags(&diags);
        fail();
    }
}

/* ---- the brief's seeds ----------------------------------------------- */

static void test_seed_mangled_key_is_an_error(void **state)
{
    (void)state;
    const char *s =
        "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEbaihfadouhsdofuhsUBAMASYIGSDAFTDCBiQKBgQC1TaNgLlSyQMNWVLNLvy"
        "Y/neDgaL2oqQE8T5illKqCgDtFHc8eHVAU+nlcaGmrKmDMw9dbgiGk1ocgZ56NR4ycfUHwQhvQPMUZw0cveel/"
        "8EAGoi/UyPmqfcPibytH81NFtTMAxUeM4Op8A6iHkvAMj5qLf4YRNsTkKAV;";
    lint(s);
    assert_true(diag_list_has(&diags, RULE_DKIM_BAD_KEY) ||
                diag_list_has(&diags, RULE_DKIM_BAD_BASE64));
    assert_int_equal(diag_list_max_severity(&diags), DIAG_ERROR);
    assert_message_has(RULE_DKIM_BAD_KEY, "decodes to 168 bytes that are not an RSA "
                                          "SubjectPublicKeyInfo");
    assert_no_rule(&diags, RULE_DKIM_KEY_SIZE);
    assert_false(dkim_key_is_usable(&rec));
    assert_int_equal(dkim_key_get_type(&rec), DKIM_KEY_NONE);
}

static void test_seed_1024_bit_key_is_weak(void **state)
{
    (void)state;
    const char *s =
        "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/9Ep3UzhLwCDqJh75ve/"
        "rLgBq/vOxmxuwQWAW9QlbJvIbttZwBi/TDT7j1YmjAOmCIlxJrYWmK+QSXvg0DL1tgVYb4oTjWQrZL"
        "Ev8mYNGLXqOOPGHI87fkI/FfsPNSkPPrQE2m7M2IUYDPwF7pxyt4wl+uc/nVtgcu7S2VD194wIDAQAB";
    lint(s);
    assert_no_errors();
    assert_rule(&diags, RULE_DKIM_KEY_WEAK);
    assert_message_has(RULE_DKIM_KEY_SIZE, "1024-bit RSA");
    assert_int_equal(first_diag(RULE_DKIM_KEY_WEAK)->severity, DIAG_WARNING);
    assert_int_equal(first_diag(RULE_DKIM_KEY_SIZE)->severity, DIAG_INFO);
    assert_int_equal(dkim_key_get_type(&rec), DKIM_KEY_RSA);
    assert_int_equal(dkim_key_get_bits(&rec), 1024);
    assert_true(dkim_key_is_usable(&rec));
}

static void test_generated_key_sizes(void **state)
{
    (void)state;
    lint(rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA512));
    assert_rule(&diags, RULE_DKIM_KEY_TOO_SHORT);
    assert_message_has(RULE_DKIM_KEY_SIZE, "512-bit RSA");
    assert_false(dkim_key_is_usable(&rec));

    lint(rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA1024));
    assert_no_rule(&diags, RULE_DKIM_KEY_TOO_SHORT);
    assert_rule(&diags, RULE_DKIM_KEY_WEAK);

    lint(rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA2048));
    assert_no_rule(&diags, RULE_DKIM_KEY_WEAK);
    assert_no_rule(&diags, RULE_DKIM_KEY_TOO_SHORT);
    assert_message_has(RULE_DKIM_KEY_SIZE, "2048-bit RSA key");
    assert_int_equal(diag_list_max_severity(&diags), DIAG_INFO);

    lint(rec_text("v=DKIM1; p=%s", KEY_RSA4096));
    assert_message_has(RULE_DKIM_KEY_SIZE, "4096-bit RSA key");
    assert_int_equal(dkim_key_get_bits(&rec), 4096);

    lint(rec_text("v=DKIM1; k=ed25519; p=%s", KEY_ED25519_RFC8463));
    assert_message_has(RULE_DKIM_KEY_SIZE, "Ed25519");
    assert_int_equal(diag_list_max_severity(&diags), DIAG_INFO);
    assert_int_equal(dkim_key_get_type(&rec), DKIM_KEY_ED25519);
    assert_true(dkim_key_is_usable(&rec));
}

/* ---- each rule: fires, and a close record does not ------------------- */

static void test_version(void **state)
{
    (void)state;
    const char *s = "v=DKIM2; p=";
    lint(s);
    assert_span(s, RULE_DKIM_VERSION, "DKIM2");
    lint("v=dkim1; p=");
    assert_rule(&diags, RULE_DKIM_VERSION); /* a string comparison: case matters */
    s = "k=rsa; v=DKIM1; p=";
    lint(s);
    assert_span(s, RULE_DKIM_VERSION, "v=DKIM1");
    assert_message_has(RULE_DKIM_VERSION, "first tag");
    lint("v=DKIM1; p=");
    assert_no_rule(&diags, RULE_DKIM_VERSION);
    lint("k=rsa; p="); /* v= is optional */
    assert_no_rule(&diags, RULE_DKIM_VERSION);
}

static void test_missing_p(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; k=rsa";
    lint(s);
    assert_rule(&diags, RULE_DKIM_MISSING_P);
    assert_int_equal(first_diag(RULE_DKIM_MISSING_P)->start, strlen(s));
    assert_int_equal(rec.key.status, DKIM_KEY_STATUS_ABSENT);
    lint("v=DKIM1; k=rsa; P=abcd");
    assert_message_has(RULE_DKIM_MISSING_P, "case-sensitive");
    lint("v=DKIM1; k=rsa; p=");
    assert_no_rule(&diags, RULE_DKIM_MISSING_P);
}

static void test_bad_base64_span(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; p=MIGfMA0G!CSqGSIb3DQEBAQUAA4GNADCBiQ";
    lint(s);
    assert_span(s, RULE_DKIM_BAD_BASE64, "!");
    assert_int_equal(first_diag(RULE_DKIM_BAD_BASE64)->start, 19);
    assert_message_has(RULE_DKIM_BAD_BASE64, "'!' is not a base64 character");
    assert_no_rule(&diags, RULE_DKIM_BAD_KEY);
    s = "v=DKIM1; p=MIGf=MA0";
    lint(s);
    assert_span(s, RULE_DKIM_BAD_BASE64, "=");
    lint("v=DKIM1; p=MIGfMA0GC");
    assert_message_has(RULE_DKIM_BAD_BASE64, "9 base64 characters, not a multiple of 4");
    /* Close: FWS inside p= is allowed (RFC 6376 §3.6.1). */
    strbuf_reset(&text);
    strbuf_puts(&text, "v=DKIM1; p=");
    for (size_t i = 0; i < strlen(KEY_RSA2048); i += 50) {
        strbuf_append(&text, KEY_RSA2048 + i,
                      strlen(KEY_RSA2048 + i) < 50 ? strlen(KEY_RSA2048 + i) : 50);
        strbuf_puts(&text, i % 100 ? " " : "\t ");
    }
    lint(text.data);
    assert_no_rule(&diags, RULE_DKIM_BAD_BASE64);
    assert_int_equal(dkim_key_get_bits(&rec), 2048);
    assert_no_errors();
}

static void test_bad_key(void **state)
{
    (void)state;
    lint("v=DKIM1; p=aGVsbG8gd29ybGQ=");
    assert_message_has(RULE_DKIM_BAD_KEY, "decodes to 11 bytes that are not an RSA "
                                          "SubjectPublicKeyInfo");
    lint(rec_text("v=DKIM1; p=%s", KEY_ED25519_RFC8463));
    assert_message_has(RULE_DKIM_BAD_KEY, "add k=ed25519");
    lint(rec_text("v=DKIM1; k=ed25519; p=%s", KEY_ED25519_SPKI));
    assert_message_has(RULE_DKIM_BAD_KEY, "raw 32-byte key");
    lint(rec_text("v=DKIM1; k=ed25519; p=%s", KEY_RSA2048));
    assert_message_has(RULE_DKIM_BAD_KEY, "RSA key but k=ed25519");
    lint(rec_text("v=DKIM1; p=%s", KEY_EC_P256));
    assert_message_has(RULE_DKIM_BAD_KEY, "EC key, which DKIM does not use");
    /* Bare PKCS#1 (as stalwart's 002.txt publishes): named, sized, an error. */
    lint(rec_text("v=DKIM1; p=%s", KEY_RSA1024_PKCS1));
    assert_message_has(RULE_DKIM_BAD_KEY, "bare PKCS#1 RSAPublicKey (1024-bit)");
    assert_int_equal(first_diag(RULE_DKIM_BAD_KEY)->severity, DIAG_ERROR);
    assert_message_has(RULE_DKIM_KEY_SIZE, "1024-bit RSA key (bare PKCS#1 form)");
    assert_false(dkim_key_is_usable(&rec));
    /* A published private key. */
    const char *body = strchr(PEM_RSA_PRIVATE_RFC8463, '\n') + 1;
    strbuf_reset(&text);
    strbuf_puts(&text, "v=DKIM1; p=");
    for (const char *c = body; c < strstr(body, "-----END"); c++)
        if (*c != '\n')
            strbuf_putc(&text, *c);
    lint(text.data);
    assert_message_has(RULE_DKIM_BAD_KEY, "PRIVATE key");
    /* Close: the right key for k=. */
    lint(rec_text("v=DKIM1; k=ed25519; p=%s", KEY_ED25519_RFC8463));
    assert_no_rule(&diags, RULE_DKIM_BAD_KEY);
}

static void test_unknown_k(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; k=dsa; p=";
    lint(s);
    assert_span(s, RULE_DKIM_UNKNOWN_K, "dsa");
    assert_int_equal(rec.k, DKIM_KEY_OTHER);
    assert_int_equal(rec.key.status, DKIM_KEY_STATUS_REVOKED);
    lint(rec_text("v=DKIM1; k=RSA; p=%s", KEY_RSA2048));
    assert_message_has(RULE_DKIM_UNKNOWN_K, "lower case");
    assert_int_equal(rec.key.status, DKIM_KEY_STATUS_UNCHECKED);
    assert_no_rule(&diags, RULE_DKIM_KEY_SIZE);
    lint("v=DKIM1; k=rsa; p=");
    assert_no_rule(&diags, RULE_DKIM_UNKNOWN_K);
    lint("v=DKIM1; k=ed25519; p=");
    assert_no_rule(&diags, RULE_DKIM_UNKNOWN_K);
}

static void test_duplicate_tag(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; p=; k=rsa; p=AAAA";
    lint(s);
    assert_span(s, RULE_DKIM_DUPLICATE_TAG, "p=AAAA");
    assert_message_has(RULE_DKIM_DUPLICATE_TAG, "first at byte 9");
    assert_true(rec.tags[3].duplicate);
    assert_int_equal(rec.first[DKIM_KEY_TAG_P], 1); /* the typed view is the first copy */
    assert_int_equal(rec.key.status, DKIM_KEY_STATUS_REVOKED);
    s = "v=DKIM1; foo=1; p=; foo=2";
    lint(s);
    assert_span(s, RULE_DKIM_DUPLICATE_TAG, "foo=2");
    lint("v=DKIM1; foo=1; fo=2; p=");
    assert_no_rule(&diags, RULE_DKIM_DUPLICATE_TAG);
}

static void test_revoked(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; k=rsa; p=";
    lint(s);
    assert_span(s, RULE_DKIM_REVOKED, "p=");
    assert_int_equal(first_diag(RULE_DKIM_REVOKED)->severity, DIAG_WARNING);
    assert_false(dkim_key_is_usable(&rec));
    assert_int_equal(dkim_key_get_type(&rec), DKIM_KEY_NONE);
    lint(rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA2048));
    assert_no_rule(&diags, RULE_DKIM_REVOKED);
}

static void test_testing_flag(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; t=s:y; p=";
    lint(s);
    assert_span(s, RULE_DKIM_TESTING, "t=s:y");
    assert_int_equal(rec.flags, DKIM_FLAG_TESTING | DKIM_FLAG_STRICT);
    lint("v=DKIM1; t=s; p=");
    assert_no_rule(&diags, RULE_DKIM_TESTING);
}

/* RFC 6376 §3.6.1: verifiers ignore a key whose s= lists neither email
 * nor *. */
static void test_service_not_email(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; s=tlsrpt; p=";
    lint(s);
    assert_span(s, RULE_DKIM_SERVICE_NOT_EMAIL, "s=tlsrpt");
    assert_message_has(RULE_DKIM_SERVICE_NOT_EMAIL, "ignore");
    s = "v=DKIM1; s=foo:bar; p=";
    lint(s);
    assert_span(s, RULE_DKIM_SERVICE_NOT_EMAIL, "s=foo:bar");
    lint("v=DKIM1; s=email; p=");
    assert_no_rule(&diags, RULE_DKIM_SERVICE_NOT_EMAIL);
    lint("v=DKIM1; s=*; p=");
    assert_no_rule(&diags, RULE_DKIM_SERVICE_NOT_EMAIL);
    lint("v=DKIM1; s=tlsrpt:email; p=");
    assert_no_rule(&diags, RULE_DKIM_SERVICE_NOT_EMAIL);
    lint("v=DKIM1; p=");
    assert_no_rule(&diags, RULE_DKIM_SERVICE_NOT_EMAIL);
}

static void test_h_sha1(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; h=sha1; p=";
    lint(s);
    assert_span(s, RULE_DKIM_H_SHA1, "h=sha1");
    lint("v=DKIM1; h=sha1:sha256; p=");
    assert_no_rule(&diags, RULE_DKIM_H_SHA1);
    assert_int_equal(rec.hashes, DKIM_HASH_SHA1 | DKIM_HASH_SHA256);
    lint("v=DKIM1; h=sha256; p=");
    assert_no_rule(&diags, RULE_DKIM_H_SHA1);
    /* A hash nobody uses: every signature fails (RFC 6376 §6.1.2). */
    lint("v=DKIM1; h=sha512; p=");
    assert_no_rule(&diags, RULE_DKIM_H_SHA1);
    assert_message_has(RULE_DKIM_BAD_VALUE, "names no hash verifiers use");
}

static void test_g_obsolete(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; g=*; p=";
    lint(s);
    assert_span(s, RULE_DKIM_G_OBSOLETE, "g=*");
    assert_int_equal(first_diag(RULE_DKIM_G_OBSOLETE)->severity, DIAG_INFO);
    assert_no_rule(&diags, RULE_DKIM_UNKNOWN_TAG);
    lint("v=DKIM1; p=");
    assert_no_rule(&diags, RULE_DKIM_G_OBSOLETE);
}

static void test_unknown_tag(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; x_y=1; p=";
    lint(s);
    assert_span(s, RULE_DKIM_UNKNOWN_TAG, "x_y=1");
    lint("v=DKIM1; K=rsa; p=");
    assert_message_has(RULE_DKIM_UNKNOWN_TAG, "did you mean k=?");
    lint("v=DKIM1; h=sha256; k=rsa; n=note; s=email; t=s; p=");
    assert_no_rule(&diags, RULE_DKIM_UNKNOWN_TAG);
}

static void test_string_split(void **state)
{
    (void)state;
    const char *s = rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA2048);
    size_t n = strlen(s);
    lint(s);
    assert_rule(&diags, RULE_DKIM_STRING_SPLIT);
    assert_int_equal(first_diag(RULE_DKIM_STRING_SPLIT)->start, 255);
    assert_int_equal(first_diag(RULE_DKIM_STRING_SPLIT)->end, n);
    assert_message_has(RULE_DKIM_STRING_SPLIT, "2 quoted strings");
    lint(rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA1024)); /* 234 bytes */
    assert_no_rule(&diags, RULE_DKIM_STRING_SPLIT);
    /* The boundary: 255 bytes fit one string, 256 do not. */
    char edge[300];
    memset(edge, 'x', sizeof edge);
    memcpy(edge, "v=DKIM1; p=; n=", 15);
    lint_len(edge, 255);
    assert_no_rule(&diags, RULE_DKIM_STRING_SPLIT);
    lint_len(edge, 256);
    assert_rule(&diags, RULE_DKIM_STRING_SPLIT);
    assert_message_has(RULE_DKIM_STRING_SPLIT, "256 bytes");
}

static void test_bad_value(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; h=sha-; p=";
    lint(s);
    assert_span(s, RULE_DKIM_BAD_VALUE, "sha-");
    s = "v=DKIM1; s=email:; p=";
    lint(s);
    assert_span(s, RULE_DKIM_BAD_VALUE, ":");
    assert_message_has(RULE_DKIM_BAD_VALUE, "empty item");
    lint("v=DKIM1; t=; p=");
    assert_message_has(RULE_DKIM_BAD_VALUE, "t= is empty");
    lint("v=DKIM1; k=; p=");
    assert_message_has(RULE_DKIM_BAD_VALUE, "k= is empty");
    assert_no_rule(&diags, RULE_DKIM_UNKNOWN_K);
    s = "v=DKIM1; n=a=b; p=";
    lint(s);
    assert_span(s, RULE_DKIM_BAD_VALUE, "=b");
    /* Close: the same tags within their grammar. */
    lint("v=DKIM1; h = sha1 : sha256 ; s=email:*; t=y:s:x-future; n=a=3Db ok; p=");
    assert_no_rule(&diags, RULE_DKIM_BAD_VALUE);
    assert_int_equal(rec.services, DKIM_SERVICE_EMAIL | DKIM_SERVICE_ANY);
    assert_int_equal(rec.flags, DKIM_FLAG_TESTING | DKIM_FLAG_STRICT | DKIM_FLAG_OTHER);
}

static void test_syntax(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; oops; p=";
    lint(s);
    assert_span(s, RULE_DKIM_SYNTAX, "oops");
    s = "v=DKIM1;; p=";
    lint(s);
    assert_span(s, RULE_DKIM_SYNTAX, ";");
    /* RFC 6376 §3.2: at most one trailing ';' */
    lint("v=DKIM1; p=;;");
    assert_rule(&diags, RULE_DKIM_SYNTAX);
    lint("v=DKIM1; p=; ;");
    assert_rule(&diags, RULE_DKIM_SYNTAX);
    lint("v=DKIM1; p=;");
    assert_no_rule(&diags, RULE_DKIM_SYNTAX);
    s = "\"v=DKIM1; k=rsa; \" \"p=\"";
    lint(s);
    assert_message_has(RULE_DKIM_SYNTAX, "zone-file quotes");
    lint_len("v=DKIM1; n=a\x01"
             "b; p=",
             19);
    assert_message_has(RULE_DKIM_SYNTAX, "control character 0x01 in the value of n=");
    /* A line break is not FWS in a DNS record's text. */
    lint("v=DKIM1; p=AAAA\nBBBB");
    assert_message_has(RULE_DKIM_SYNTAX, "line break");
    lint("v=DKIM1; k=rsa; p=;");
    assert_no_rule(&diags, RULE_DKIM_SYNTAX); /* a trailing ';' is allowed */
}

/* ---- the stalwart key records ---------------------------------------- */

static char *read_data_file(const char *name)
{
    char path[512];
    const char *dirs[] = {"tests/data/dkim/", "../data/dkim/", "../../tests/data/dkim/"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", dirs[i], name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char *buf = malloc(1 << 20);
        size_t n = fread(buf, 1, (1 << 20) - 1, f);
        fclose(f);
        buf[n] = '\0';
        return buf;
    }
    print_message("cannot open tests/data/dkim/%s (run from the project root)\n", name);
    fail();
    return NULL;
}

static void test_stalwart_key_records(void **state)
{
    (void)state;
    struct {
        const char *file;
        size_t index; /* which record line of the file */
        enum dkim_key_type type;
        unsigned bits;
        bool usable;
    } want[] = {
        {"001.txt", 0, DKIM_KEY_ED25519, 256, true}, {"001.txt", 1, DKIM_KEY_RSA, 1024, true},
        {"002.txt", 0, DKIM_KEY_RSA, 1024, false}, /* bare PKCS#1 */
        {"003.txt", 0, DKIM_KEY_RSA, 1024, true},    {"004.txt", 0, DKIM_KEY_RSA, 1024, true},
        {"005.txt", 0, DKIM_KEY_RSA, 1024, true},    {"006.txt", 0, DKIM_KEY_RSA, 1024, true},
    };
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        char *data = read_data_file(want[w].file);
        char *line = data;
        for (size_t i = 0; i < want[w].index; i++)
            line = strchr(line, '\n') + 1;
        char *end = strchr(line, '\n');
        char *rec_start = strchr(line, ' ') + 1; /* after the owner name */
        lint_len(rec_start, (size_t)(end - rec_start));
        if (dkim_key_get_type(&rec) != want[w].type || dkim_key_get_bits(&rec) != want[w].bits ||
            dkim_key_is_usable(&rec) != want[w].usable) {
            print_message("%s record %zu: type %s bits %u usable %d\n", want[w].file, want[w].index,
                          dkim_key_type_name(dkim_key_get_type(&rec)), dkim_key_get_bits(&rec),
                          dkim_key_is_usable(&rec));
            unit_print_diags(&diags);
            fail();
        }
        if (want[w].usable)
            assert_no_errors();
        else
            assert_rule(&diags, RULE_DKIM_BAD_KEY);
        free(data);
    }
}

/* ---- format, equal --------------------------------------------------- */

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *cases[] = {
        "v=DKIM1; k=rsa; p=MIGf MA0G\tCSqG",
        "  v = DKIM1 ;h = sha1 : sha256;s=email : *; t= y:s ;p=;",
        "k=ed25519; n=a note with spaces; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        "v=DKIM1; oops; =x; p=AAAA; p=BBBB; foo=bar",
        "",
    };
    struct dkim_key_record again;
    dkim_key_record_init(&again);
    struct strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lint(cases[i]);
        strbuf_reset(&out);
        dkim_key_format(&rec, &out);
        struct diag_list d2;
        diag_list_init(&d2);
        assert_true(dkim_key_parse(&again, strbuf_cstr(&out), out.len, &d2));
        if (!dkim_key_equal(&rec, &again)) {
            print_message("round trip of '%s' gave '%s'\n", cases[i], strbuf_cstr(&out));
            fail();
        }
        diag_list_free(&d2);
    }
    lint("  v = DKIM1 ;h = sha1 : sha256;s=email : *; t= y:s ;p=MIGf MA0G;");
    strbuf_reset(&out);
    dkim_key_format(&rec, &out);
    assert_string_equal(strbuf_cstr(&out), "v=DKIM1; h=sha1:sha256; s=email:*; t=y:s; p=MIGfMA0G");
    /* Not equal when a value differs. */
    struct diag_list d3;
    diag_list_init(&d3);
    assert_true(dkim_key_parse(&again, "v=DKIM1; h=sha256; s=email:*; t=y:s; p=MIGfMA0G", 47, &d3));
    assert_false(dkim_key_equal(&rec, &again));
    diag_list_free(&d3);
    strbuf_free(&out);
    dkim_key_record_free(&again);
}

/* ---- terms, help ids, explanations ----------------------------------- */

static void test_terms_and_value_ids(void **state)
{
    (void)state;
    const char *s = "v=DKIM1; h=sha1:sha256; k=ed25519; n=hi; s=*; t=y; g=; x=1; p=AAAA";
    lint(s);
    struct term_list terms;
    term_list_init(&terms);
    dkim_key_terms(&rec, &terms);
    assert_int_equal(terms.count, 9);
    const char *ids[] = {"dkim.key.tag.v", "dkim.key.tag.h",       "dkim.key.tag.k",
                         "dkim.key.tag.n", "dkim.key.tag.s",       "dkim.key.tag.t",
                         "dkim.key.tag.g", "dkim.key.tag.unknown", "dkim.key.tag.p"};
    const char *values[] = {NULL,
                            "dkim.key.tag.h.sha256",
                            "dkim.key.tag.k.ed25519",
                            NULL,
                            "dkim.key.tag.s.any",
                            "dkim.key.tag.t.y",
                            NULL,
                            NULL,
                            NULL};
    size_t count;
    const char *const *help = dkim_key_help_ids(&count);
    for (size_t i = 0; i < terms.count; i++) {
        assert_string_equal(terms.items[i].id, ids[i]);
        if (values[i])
            assert_string_equal(terms.items[i].value_id, values[i]);
        else
            assert_null(terms.items[i].value_id);
        /* Every id a term carries is in the help list. */
        bool listed = false, vlisted = !terms.items[i].value_id;
        for (size_t k = 0; k < count; k++) {
            listed = listed || strcmp(help[k], terms.items[i].id) == 0;
            vlisted = vlisted || strcmp(help[k], terms.items[i].value_id) == 0;
        }
        assert_true(listed && vlisted);
    }
    /* Spans: "k=ed25519" and its parts. */
    const struct record_term *k = &terms.items[2];
    assert_memory_equal(s + k->start, "k=ed25519", k->end - k->start);
    assert_memory_equal(s + k->name_start, "k", 1);
    assert_memory_equal(s + k->value_start, "ed25519", k->value_end - k->value_start);
    lint("k=rsa; h=sha1; s=email; t=s");
    term_list_reset(&terms);
    dkim_key_terms(&rec, &terms);
    assert_string_equal(terms.items[0].value_id, "dkim.key.tag.k.rsa");
    assert_string_equal(terms.items[1].value_id, "dkim.key.tag.h.sha1");
    assert_string_equal(terms.items[2].value_id, "dkim.key.tag.s.email");
    assert_string_equal(terms.items[3].value_id, "dkim.key.tag.t.s");
    term_list_free(&terms);
}

static void test_help_ids_scheme(void **state)
{
    (void)state;
    size_t count;
    const char *const *ids = dkim_key_help_ids(&count);
    const char *want[] = {"dkim.key.tag.v",      "dkim.key.tag.h",         "dkim.key.tag.k",
                          "dkim.key.tag.n",      "dkim.key.tag.p",         "dkim.key.tag.s",
                          "dkim.key.tag.t",      "dkim.key.tag.g",         "dkim.key.tag.unknown",
                          "dkim.key.tag.k.rsa",  "dkim.key.tag.k.ed25519", "dkim.key.tag.h.sha256",
                          "dkim.key.tag.h.sha1", "dkim.key.tag.s.email",   "dkim.key.tag.s.any",
                          "dkim.key.tag.t.y",    "dkim.key.tag.t.s"};
    assert_int_equal(count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < count; i++) {
        bool found = false;
        for (size_t k = 0; k < count; k++)
            found = found || strcmp(want[i], ids[k]) == 0;
        assert_true(found);
        for (size_t k = i + 1; k < count; k++)
            assert_true(strcmp(ids[i], ids[k]) != 0);
    }
}

static void describe_is(size_t i, const char *want)
{
    struct strbuf out = STRBUF_INIT;
    dkim_key_term_describe(&rec, i, &out);
    if (!strstr(strbuf_cstr(&out), want)) {
        print_message("term %zu: '%s' lacks '%s'\n", i, strbuf_cstr(&out), want);
        fail();
    }
    strbuf_free(&out);
}

static void test_describe(void **state)
{
    (void)state;
    lint(rec_text("v=DKIM1; k=rsa; t=y; s=email; h=sha256; p=%s", KEY_RSA2048));
    describe_is(0, "DKIM key record, version DKIM1");
    describe_is(1, "RSA key");
    describe_is(2, "testing: verifiers may ignore failures");
    describe_is(3, "email only");
    describe_is(4, "SHA-256");
    describe_is(5, "a 2048-bit RSA public key; verifiers use it to check signatures made with "
                   "the selector's private key");
    lint("v=DKIM1; p=; g=x; zz=1; oops; p=AAAA");
    describe_is(1, "revoked");
    describe_is(2, "RFC 4871");
    describe_is(3, "unknown tag zz=");
    describe_is(4, "no '='");
    describe_is(5, "repeated tag");
    struct strbuf out = STRBUF_INIT;
    dkim_key_term_describe(&rec, 99, &out); /* out of range: nothing */
    assert_int_equal(out.len, 0);
    strbuf_free(&out);
}

/* ---- editing --------------------------------------------------------- */

static const char *formatted(void)
{
    strbuf_reset(&text);
    dkim_key_format(&rec, &text);
    return strbuf_cstr(&text);
}

static void test_edit_set_remove(void **state)
{
    (void)state;
    struct strbuf why = STRBUF_INIT;
    lint("v=DKIM1; p=");
    assert_true(dkim_key_set_tag(&rec, "k", "ed25519", 7, &why));
    assert_string_equal(formatted(), "v=DKIM1; k=ed25519; p=");
    assert_int_equal(rec.k, DKIM_KEY_ED25519);
    assert_true(
        dkim_key_set_tag(&rec, "p", KEY_ED25519_RFC8463, strlen(KEY_ED25519_RFC8463), &why));
    assert_true(dkim_key_is_usable(&rec));
    assert_true(dkim_key_set_tag(&rec, "k", " rsa ", 5, &why)); /* trimmed */
    assert_string_equal(formatted(), rec_text("v=DKIM1; k=rsa; p=%s", KEY_ED25519_RFC8463));
    assert_false(dkim_key_is_usable(&rec)); /* re-decoded under k=rsa */
    assert_true(dkim_key_remove_tag(&rec, "k", &why));
    assert_true(dkim_key_remove_tag(&rec, "v", &why));
    assert_true(dkim_key_remove_tag(&rec, "zz", &why)); /* absent: fine */
    lint(rec_text("k=ed25519; v=DKIM1; p=%s", KEY_ED25519_RFC8463));
    assert_true(dkim_key_set_tag(&rec, "v", "DKIM1", 5, &why)); /* moved to the front */
    assert_string_equal(formatted(), rec_text("v=DKIM1; k=ed25519; p=%s", KEY_ED25519_RFC8463));
    assert_true(dkim_key_remove_tag(&rec, "k", &why));
    assert_true(dkim_key_set_tag(&rec, "v", "DKIM1", 5, &why)); /* v= goes first */
    assert_true(dkim_key_set_tag(&rec, "n", "rotated 2026", 12, &why));
    assert_string_equal(formatted(),
                        rec_text("v=DKIM1; n=rotated 2026; p=%s", KEY_ED25519_RFC8463));

    /* Invalid values are refused and leave the model as it was. */
    assert_false(dkim_key_set_tag(&rec, "v", "DKIM2", 5, &why));
    assert_string_equal(strbuf_cstr(&why), "v= must be DKIM1");
    assert_false(dkim_key_set_tag(&rec, "h", "sha256;", 7, &why));
    assert_non_null(strstr(strbuf_cstr(&why), "';'"));
    assert_false(dkim_key_set_tag(&rec, "p", "AB!C", 4, &why));
    assert_non_null(strstr(strbuf_cstr(&why), "'!'"));
    assert_false(dkim_key_set_tag(&rec, "9x", "1", 1, &why));
    assert_false(dkim_key_remove_tag(&rec, "", &why));
    assert_string_equal(formatted(),
                        rec_text("v=DKIM1; n=rotated 2026; p=%s", KEY_ED25519_RFC8463));
    strbuf_free(&why);
}

static void test_edit_flags(void **state)
{
    (void)state;
    lint("v=DKIM1; t=x-other; p=");
    assert_true(dkim_key_set_flag(&rec, 'y', true, NULL));
    assert_string_equal(formatted(), "v=DKIM1; t=x-other:y; p=");
    assert_true(dkim_key_set_flag(&rec, 's', true, NULL));
    assert_true(dkim_key_set_flag(&rec, 'y', true, NULL)); /* idempotent */
    assert_string_equal(formatted(), "v=DKIM1; t=x-other:s:y; p=");
    assert_int_equal(rec.flags, DKIM_FLAG_OTHER | DKIM_FLAG_STRICT | DKIM_FLAG_TESTING);
    assert_true(dkim_key_set_flag(&rec, 'y', false, NULL));
    assert_true(dkim_key_set_flag(&rec, 's', false, NULL));
    assert_string_equal(formatted(), "v=DKIM1; t=x-other; p=");
    lint("v=DKIM1; t=y; p=");
    assert_true(dkim_key_set_flag(&rec, 'y', false, NULL));
    assert_string_equal(formatted(), "v=DKIM1; p="); /* t= removed when empty */
    assert_false(dkim_key_set_flag(&rec, 'q', true, NULL));
}

static void test_edit_paste(void **state)
{
    (void)state;
    struct strbuf why = STRBUF_INIT;
    struct dkim_paste rep;
    lint("v=DKIM1; k=rsa; p=");
    /* An Ed25519 PEM: unwrapped, and k= follows. */
    assert_true(dkim_key_set_p_from_paste(&rec, PEM_ED25519, strlen(PEM_ED25519), &rep, &why));
    assert_string_equal(formatted(), rec_text("v=DKIM1; k=ed25519; p=%s", KEY_ED25519_RAW));
    assert_true(dkim_key_is_usable(&rec));
    /* An RSA certificate: k= goes back to rsa. */
    assert_true(
        dkim_key_set_p_from_paste(&rec, PEM_RSA1024_CERT, strlen(PEM_RSA1024_CERT), &rep, &why));
    assert_string_equal(formatted(), rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA1024));
    assert_int_equal(dkim_key_get_bits(&rec), 1024);
    /* A private key is refused; nothing changes. */
    assert_false(dkim_key_set_p_from_paste(&rec, PEM_RSA_PRIVATE_RFC8463,
                                           strlen(PEM_RSA_PRIVATE_RFC8463), &rep, &why));
    assert_int_equal(rep.status, DKIM_PASTE_PRIVATE_KEY);
    assert_non_null(strstr(strbuf_cstr(&why), "PRIVATE"));
    assert_string_equal(formatted(), rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA1024));
    /* A record without p= gets one at the end. */
    lint("v=DKIM1; t=y");
    assert_true(dkim_key_set_p_from_paste(&rec, KEY_RSA2048, strlen(KEY_RSA2048), NULL, NULL));
    assert_string_equal(formatted(), rec_text("v=DKIM1; t=y; p=%s", KEY_RSA2048));
    strbuf_free(&why);
}

static void test_check_value(void **state)
{
    (void)state;
    struct strbuf why = STRBUF_INIT;
    assert_true(dkim_key_check_value("k", "ed25519", 7, &why));
    assert_true(dkim_key_check_value("k", "future-type", 11, &why)); /* grammar only */
    assert_false(dkim_key_check_value("k", "rsa!", 4, &why));
    assert_true(dkim_key_check_value("h", "sha256 : sha1", 13, &why));
    assert_false(dkim_key_check_value("h", "sha256::sha1", 12, &why));
    assert_true(dkim_key_check_value("s", "*", 1, &why));
    assert_true(dkim_key_check_value("p", "", 0, &why)); /* revocation */
    assert_true(dkim_key_check_value("p", "AAAA BBBB", 9, &why));
    assert_false(dkim_key_check_value("p", "AAAA B", 6, &why));
    assert_true(dkim_key_check_value("custom", "anything-goes", 13, &why));
    assert_false(dkim_key_check_value("custom", "tab\x01", 4, &why));
    assert_false(dkim_key_check_value("n", "a\xc3\xa9", 3, &why));
    strbuf_free(&why);
}

/* ---- hostile input --------------------------------------------------- */

static void test_empty_and_garbage(void **state)
{
    (void)state;
    lint("");
    assert_rule(&diags, RULE_DKIM_MISSING_P);
    assert_int_equal(rec.count, 0);
    lint_len("v=DKIM1;\0p=AAAA", 15);
    assert_rule(&diags, RULE_DKIM_SYNTAX);
    /* 64 KiB of bytes of every value. */
    size_t n = 65536;
    unsigned char *g = malloc(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    lint_len((const char *)g, n);
    assert_true(diags.count <= DIAG_LIST_MAX);
    struct term_list terms;
    term_list_init(&terms);
    dkim_key_terms(&rec, &terms);
    struct strbuf out = STRBUF_INIT;
    dkim_key_format(&rec, &out);
    for (size_t i = 0; i < rec.count; i++)
        dkim_key_term_describe(&rec, i, &out);
    assert_false(out.failed);
    strbuf_free(&out);
    term_list_free(&terms);
    free(g);
}

/* 10,000 distinct tags and one tag repeated 5,000 times: the tokenizer
 * stops at its tag cap and says so, diagnostics stay bounded.  That the
 * cost stays linear is measured by `make bench` (hostile input: DKIM rows),
 * not timed here. */
static void test_many_tags_bounded(void **state)
{
    (void)state;
    struct strbuf big = STRBUF_INIT;
    /* 10,000 distinct unknown tags, then one tag repeated 5,000 times. */
    for (size_t i = 0; i < 10000; i++)
        strbuf_printf(&big, "x%zu=%zu;", i, i);
    lint(big.data);
    assert_rule(&diags, RULE_DKIM_SYNTAX); /* more than 1024 tags */
    assert_rule(&diags, RULE_DKIM_UNKNOWN_TAG);
    assert_true(rec.count <= TAGLIST_MAX_TAGS);
    assert_true(diags.count <= DIAG_LIST_MAX);
    strbuf_reset(&big);
    for (size_t i = 0; i < 5000; i++)
        strbuf_puts(&big, "p=AAAA; foo=1; ");
    lint(big.data);
    assert_rule(&diags, RULE_DKIM_DUPLICATE_TAG);
    assert_rule(&diags, RULE_DKIM_SYNTAX);
    assert_true(rec.count <= TAGLIST_MAX_TAGS);
    assert_true(diags.count <= DIAG_LIST_MAX);
    strbuf_free(&big);
}

/* Re-parsing a warm model allocates nothing new (the tag array is reused:
 * same address, same capacity) and gives the same result every time: the
 * TUI re-parses on every keystroke, the zone linter 60,000 times.  Its
 * speed is measured by `make bench` (DKIM key rows), not asserted here. */
static void test_warm_reparse_stable(void **state)
{
    (void)state;
    const char *s = rec_text("v=DKIM1; k=rsa; p=%s", KEY_RSA2048);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", s);
    size_t n = strlen(copy);
    struct strbuf first = STRBUF_INIT, out = STRBUF_INIT;
    lint_len(copy, n);
    dkim_key_format(&rec, &first);
    assert_false(first.failed);
    const struct dkim_tag *tags = rec.tags;
    size_t count = rec.count, cap = rec.cap, ndiags = diags.count;
    assert_int_equal(rec.key.status, DKIM_KEY_STATUS_OK);
    assert_int_equal(rec.key.bits, 2048);
    for (size_t i = 0; i < 100; i++) {
        lint_len(copy, n);
        strbuf_reset(&out);
        dkim_key_format(&rec, &out);
        assert_ptr_equal(rec.tags, tags);
        assert_int_equal(rec.cap, cap);
        assert_int_equal(rec.count, count);
        assert_int_equal(diags.count, ndiags);
        assert_int_equal(rec.key.bits, 2048);
        assert_int_equal(out.len, first.len);
        assert_memory_equal(out.data, first.data, first.len);
    }
    strbuf_free(&first);
    strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_mangled_key_is_an_error),
        cmocka_unit_test(test_seed_1024_bit_key_is_weak),
        cmocka_unit_test(test_generated_key_sizes),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_missing_p),
        cmocka_unit_test(test_bad_base64_span),
        cmocka_unit_test(test_bad_key),
        cmocka_unit_test(test_unknown_k),
        cmocka_unit_test(test_duplicate_tag),
        cmocka_unit_test(test_revoked),
        cmocka_unit_test(test_testing_flag),
        cmocka_unit_test(test_h_sha1),
        cmocka_unit_test(test_service_not_email),
        cmocka_unit_test(test_g_obsolete),
        cmocka_unit_test(test_unknown_tag),
        cmocka_unit_test(test_string_split),
        cmocka_unit_test(test_bad_value),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_stalwart_key_records),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_terms_and_value_ids),
        cmocka_unit_test(test_help_ids_scheme),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_edit_set_remove),
        cmocka_unit_test(test_edit_flags),
        cmocka_unit_test(test_edit_paste),
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_empty_and_garbage),
        cmocka_unit_test(test_many_tags_bounded),
        cmocka_unit_test(test_warm_reparse_stable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
