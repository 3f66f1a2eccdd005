/* The DKIM-Signature header field: parse (with or without the field name,
 * folded or not), lint (each dkimsig-* rule fires on one header and stays
 * quiet on a close one), format round trip, terms, explanations, the
 * stalwart sample messages, hostile input. */
#include "unit.h"

#include <limits.h>
#include <stdio.h>

#include "authtxt/dkim.h"

static struct dkim_sig_record rec;
static struct diag_list diags;

static int setup(void **state)
{
    (void)state;
    dkim_sig_record_init(&rec);
    diag_list_init(&diags);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dkim_sig_record_free(&rec);
    diag_list_free(&diags);
    return 0;
}

static void lint_now(const char *s, size_t n, long long now)
{
    diag_list_reset(&diags);
    assert_true(dkim_sig_parse(&rec, s, n, &diags));
    dkim_sig_lint(&rec, now, &diags);
}

static void lint(const char *s) { lint_now(s, strlen(s), 0); }

static const struct diag *first_diag(enum rule_id rule)
{
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule)
            return &diags.items[i];
    return NULL;
}

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
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].rule == rule && strstr(diags.items[i].message, part))
            return;
    print_message("no %s message has '%s'; got:\n", rule_get(rule)->code, part);
    unit_print_diags(&diags);
    fail();
}

static void assert_no_errors(void)
{
    if (diag_list_max_severity(&diags) >= DIAG_ERROR) {
        print_message("unexpected errors:\n");
        unit_print_diags(&diags);
        fail();
    }
}

/* A valid signature with one tag replaced: "%A" marks where `extra` goes. */
static const char base_sig[] =
    "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; t=1700000000; "
    "h=from:to:subject; bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=; "
    "b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7G"
    "ZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI=";

static struct strbuf scratch;

/* base_sig with tag `name` replaced by `tag` ("" drops it, and a name not
 * in base_sig appends the tag). */
static const char *sig_with(const char *name, const char *tag)
{
    strbuf_reset(&scratch);
    size_t nlen = strlen(name);
    const char *p = base_sig;
    bool done = false;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *t = p;
        while (*t == ' ')
            t++;
        bool match = strncmp(t, name, nlen) == 0 && t[nlen] == '=';
        if (match) {
            done = true;
            if (*tag) {
                if (scratch.len)
                    strbuf_puts(&scratch, "; ");
                strbuf_puts(&scratch, tag);
            }
        } else {
            if (scratch.len)
                strbuf_puts(&scratch, "; ");
            strbuf_append(&scratch, t, len - (size_t)(t - p));
        }
        p += len;
        if (*p == ';')
            p++;
    }
    if (!done && *tag) {
        strbuf_puts(&scratch, "; ");
        strbuf_puts(&scratch, tag);
    }
    return strbuf_cstr(&scratch);
}

/* ---- the brief's seed ------------------------------------------------ */

static const char seed[] =
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=engagement.atlassian.com; "
    "h=content-type:from:mime-version:reply-to:to:subject; s=s1; "
    "bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=; "
    "b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2"
    "yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI=";

/* The same header as a mail client shows it: broken after ';' and inside
 * b= with CRLF + tab. */
static const char seed_folded[] =
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    "\td=engagement.atlassian.com;\r\n"
    "\th=content-type:from:mime-version:reply-to:to:subject; s=s1;\r\n"
    "\tbh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=;\r\n"
    "\tb=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz\r\n"
    "\t 1O0LsVcr7GZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2e\r\n"
    "\t Y296cClV+3wmzlZ9ONQ+1eodI=\r\n";

static void test_seed_parses_every_tag(void **state)
{
    (void)state;
    lint(seed);
    assert_no_errors();
    assert_true(rec.has_field_name);
    assert_int_equal(rec.value_start, strlen("DKIM-Signature:"));
    assert_int_equal(rec.count, 8);
    unsigned want[] = {DKIM_SIG_TAG_V, DKIM_SIG_TAG_A, DKIM_SIG_TAG_C,  DKIM_SIG_TAG_D,
                       DKIM_SIG_TAG_H, DKIM_SIG_TAG_S, DKIM_SIG_TAG_BH, DKIM_SIG_TAG_B};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(rec.tags[i].id, want[i]);
        assert_int_equal(rec.first[want[i]], i);
    }
    assert_int_equal(rec.alg, DKIM_SIG_ALG_RSA_SHA256);
    assert_int_equal(rec.header_canon, DKIM_CANON_RELAXED);
    assert_int_equal(rec.body_canon, DKIM_CANON_RELAXED);
    assert_true(rec.h_has_from);
    assert_int_equal(rec.h_count, 6);
    assert_int_equal(rec.bh_bytes, 32);
    assert_int_equal(rec.b_bytes, 128);
    assert_int_equal(diags.count, 0);
}

static void test_seed_folded_same_model(void **state)
{
    (void)state;
    struct dkim_sig_record flat;
    dkim_sig_record_init(&flat);
    struct diag_list d;
    diag_list_init(&d);
    assert_true(dkim_sig_parse(&flat, seed, strlen(seed), &d));

    lint(seed_folded);
    assert_no_errors();
    assert_int_equal(diags.count, 0);
    assert_true(dkim_sig_equal(&rec, &flat));
    /* Spans stay in the folded text. */
    const struct dkim_tag *b = &rec.tags[rec.first[DKIM_SIG_TAG_B]];
    assert_memory_equal(seed_folded + b->whole.start, "b=oJzun0", 8);
    assert_memory_equal(seed_folded + b->value.end - 5, "eodI=", 5);
    const struct dkim_tag *dt = &rec.tags[rec.first[DKIM_SIG_TAG_D]];
    assert_memory_equal(seed_folded + dt->whole.start, "d=engagement.atlassian.com",
                        dt->whole.end - dt->whole.start);

    /* Bare LF folding (a paste that lost its CRs), and the value alone. */
    struct strbuf lf = STRBUF_INIT;
    for (const char *c = seed_folded; *c; c++)
        if (*c != '\r')
            strbuf_putc(&lf, *c);
    lint(lf.data);
    assert_int_equal(diags.count, 0);
    assert_true(dkim_sig_equal(&rec, &flat));
    lint(seed + strlen("DKIM-Signature: "));
    assert_false(rec.has_field_name);
    assert_true(dkim_sig_equal(&rec, &flat));
    lint("dkim-signature :v=1");
    assert_true(rec.has_field_name);
    strbuf_free(&lf);
    diag_list_free(&d);
    dkim_sig_record_free(&flat);
}

/* ---- the stalwart messages ------------------------------------------- */

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

/* Each DKIM-Signature field of a message (name line + continuation
 * lines), in turn.  Returns its length, 0 when there is none left. */
static size_t next_signature(const char *msg, const char **pos, const char **start)
{
    const char *p = *pos;
    while (*p) {
        if (strncmp(p, "DKIM-Signature:", 15) == 0) {
            const char *e = strchr(p, '\n');
            while (e && (e[1] == ' ' || e[1] == '\t'))
                e = strchr(e + 1, '\n');
            e = e ? e + 1 : p + strlen(p);
            *start = p;
            *pos = e;
            return (size_t)(e - p);
        }
        const char *nl = strchr(p, '\n');
        if (!nl || nl[1] == '\n')
            break; /* end of the header */
        p = nl + 1;
    }
    (void)msg;
    return 0;
}

static void test_stalwart_signatures(void **state)
{
    (void)state;
    const char *files[] = {"001.txt", "002.txt", "003.txt", "004.txt", "005.txt", "006.txt"};
    size_t total = 0;
    for (size_t f = 0; f < 6; f++) {
        char *data = read_data_file(files[f]);
        const char *body = strstr(data, "\n\n") + 2, *pos = body, *start;
        size_t n;
        while ((n = next_signature(body, &pos, &start)) > 0) {
            lint_now(start, n, 0);
            total++;
            if (diag_list_max_severity(&diags) >= DIAG_ERROR ||
                rec.first[DKIM_SIG_TAG_S] == DKIM_NONE) {
                print_message("%s: %.*s\n", files[f], (int)n, start);
                unit_print_diags(&diags);
                fail();
            }
            /* The key record named by s= and d= is in the same file. */
            char name[256];
            const struct dkim_tag *s = &rec.tags[rec.first[DKIM_SIG_TAG_S]];
            const struct dkim_tag *d = &rec.tags[rec.first[DKIM_SIG_TAG_D]];
            snprintf(name, sizeof name, "%s._domainkey.%s ", s->value_text, d->value_text);
            assert_non_null(strstr(data, name));
            /* And the model survives the round trip through the formatter. */
            struct strbuf out = STRBUF_INIT;
            dkim_sig_format(&rec, &out);
            struct dkim_sig_record again;
            dkim_sig_record_init(&again);
            struct diag_list d2;
            diag_list_init(&d2);
            assert_true(dkim_sig_parse(&again, out.data, out.len, &d2));
            assert_true(dkim_sig_equal(&rec, &again));
            assert_null(strchr(out.data, '\n'));
            diag_list_free(&d2);
            dkim_sig_record_free(&again);
            strbuf_free(&out);
        }
        free(data);
    }
    assert_int_equal(total, 8); /* 001 has two, 003 two, the others one */
}

static void test_stalwart_details(void **state)
{
    (void)state;
    char *data = read_data_file("001.txt");
    const char *body = strstr(data, "\n\n") + 2, *pos = body, *start;
    size_t n = next_signature(body, &pos, &start);
    lint_now(start, n, 0);
    /* "h=from : to :\n subject : ..." normalizes to a plain list. */
    const struct dkim_tag *h = &rec.tags[rec.first[DKIM_SIG_TAG_H]];
    assert_string_equal(h->value_text, "from:to:subject:date:message-id:from:subject:date");
    assert_int_equal(rec.alg, DKIM_SIG_ALG_ED25519_SHA256);
    assert_int_equal(rec.b_bytes, 64);
    assert_true(rec.q_dns_txt);
    free(data);

    /* 005: c=relaxed is relaxed/simple; it expires a day after signing. */
    data = read_data_file("005.txt");
    body = strstr(data, "\n\n") + 2;
    pos = body;
    n = next_signature(body, &pos, &start);
    lint_now(start, n, 0);
    assert_int_equal(rec.header_canon, DKIM_CANON_RELAXED);
    assert_int_equal(rec.body_canon, DKIM_CANON_SIMPLE);
    assert_no_rule(&diags, RULE_DKIMSIG_EXPIRED);
    lint_now(start, n, 1763856000LL); /* 2025-11-23: long expired */
    assert_message_has(RULE_DKIMSIG_EXPIRED, "expired on 2022-11-08 17:54:24 UTC");
    free(data);
}

/* ---- each rule ------------------------------------------------------- */

static void test_missing_tags(void **state)
{
    (void)state;
    const char *required[] = {"v", "a", "b", "bh", "d", "h", "s"};
    for (size_t i = 0; i < 7; i++) {
        const char *s = sig_with(required[i], "");
        lint(s);
        assert_int_equal(diag_list_count_rule(&diags, RULE_DKIMSIG_MISSING_TAG), 1);
        char want[16];
        snprintf(want, sizeof want, "no %s= tag", required[i]);
        assert_message_has(RULE_DKIMSIG_MISSING_TAG, want);
        assert_int_equal(first_diag(RULE_DKIMSIG_MISSING_TAG)->start, strlen(s));
    }
    lint(base_sig);
    assert_no_rule(&diags, RULE_DKIMSIG_MISSING_TAG);
    assert_no_errors();
    lint(sig_with("t", "")); /* t= is only recommended */
    assert_no_rule(&diags, RULE_DKIMSIG_MISSING_TAG);
}

static void test_version(void **state)
{
    (void)state;
    const char *s = sig_with("v", "v=2");
    lint(s);
    assert_span(s, RULE_DKIMSIG_VERSION, "2");
    lint(sig_with("v", "v=DKIM1"));
    assert_rule(&diags, RULE_DKIMSIG_VERSION);
    lint(sig_with("v", "v=1"));
    assert_no_rule(&diags, RULE_DKIMSIG_VERSION);
}

static void test_bad_values(void **state)
{
    (void)state;
    struct {
        const char *name, *tag, *span, *message;
    } cases[] = {
        {"a", "a=rsa_sha256", "rsa_sha256", "not an algorithm name"},
        {"a", "a=rsa-sha512", "rsa-sha512", "not an algorithm verifiers know"},
        {"c", "c=relaxed/", "", "not a canonicalization"},
        {"c", "c=fancy/relaxed", "fancy/relaxed", "canonicalization verifiers do not know"},
        {"q", "q=http/well-known", "http/well-known", "does not list dns/txt"},
        {"t", "t=17000000000000", "17000000000000", "1 to 12 digits"},
        {"x", "x=soon", "soon", "not a time"},
        {"l", "l=-5", "-5", "not a byte count"},
        {"b", "b=abc!def", "!", "'!' is not a base64 character"},
        {"bh", "bh=abc", "c", "not a multiple of 4"},
        {"bh", "bh=3q2+7w==", "3q2+7w==", "decodes to 4 bytes, but a SHA-256 body hash is 32"},
        {"b", "b=", "b=", "b= is empty"},
        {"d", "d=com", "com", "at least two labels"},
        {"d", "d=example.com.", ".", "trailing dot"},
        {"d", "d=-bad.example", "-bad", "starts or ends with '-'"},
        {"s", "s=sel..x", ".", "empty label"},
        {"i", "i=nobody", "nobody", "has no '@'"},
        {"h", "h=from::to", ":", "empty item"},
        {"z", "z=From", "From", "name:value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = sig_with(cases[i].name, cases[i].tag);
        lint(s);
        if (!diag_list_has(&diags, RULE_DKIMSIG_BAD_VALUE))
            print_message("case %s\n", cases[i].tag);
        if (*cases[i].span)
            assert_span(s, RULE_DKIMSIG_BAD_VALUE, cases[i].span);
        assert_message_has(RULE_DKIMSIG_BAD_VALUE, cases[i].message);
    }
    /* Close: values inside their grammar. */
    const char *ok[][2] = {{"a", "a=rsa-sha256"},
                           {"c", "c=simple"},
                           {"q", "q=dns/txt"},
                           {"t", "t=999999999999"},
                           {"l", "l=0"},
                           {"i", "i=@example.com"},
                           {"z", "z=From:a@example.com|To:b@example.net"},
                           {"s", "s=2024_q1.mail"},
                           {"d", "d=xn--bcher-kva.example"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lint(sig_with(ok[i][0], ok[i][1]));
        if (diag_list_has(&diags, RULE_DKIMSIG_BAD_VALUE)) {
            print_message("case %s\n", ok[i][1]);
            unit_print_diags(&diags);
            fail();
        }
    }
}

static void test_body_hash_lengths(void **state)
{
    (void)state;
    /* 20 bytes: right for rsa-sha1, wrong for rsa-sha256. */
    const char *bh20 = "bh=AAECAwQFBgcICQoLDA0ODxAREhM=";
    lint(sig_with("bh", bh20));
    assert_message_has(RULE_DKIMSIG_BAD_VALUE, "decodes to 20 bytes");
    strbuf_reset(&scratch);
    struct strbuf s = STRBUF_INIT;
    strbuf_puts(&s, sig_with("bh", bh20));
    const char *a = strstr(s.data, "a=rsa-sha256");
    memcpy((char *)a, "a=rsa-sha1;  ", 12); /* same length: pad with spaces */
    lint(s.data);
    assert_no_rule(&diags, RULE_DKIMSIG_BAD_VALUE);
    assert_rule(&diags, RULE_DKIMSIG_RSA_SHA1);
    strbuf_free(&s);
    /* Ed25519 signatures are 64 bytes. */
    lint(sig_with("a", "a=ed25519-sha256"));
    assert_message_has(RULE_DKIMSIG_BAD_VALUE, "an Ed25519 signature is 64");
}

static void test_from_unsigned(void **state)
{
    (void)state;
    const char *s = sig_with("h", "h=to:subject:date");
    lint(s);
    assert_span(s, RULE_DKIMSIG_FROM_UNSIGNED, "to:subject:date");
    lint(sig_with("h", "h=To : FROM : Subject"));
    assert_no_rule(&diags, RULE_DKIMSIG_FROM_UNSIGNED);
}

static void test_i_outside_d(void **state)
{
    (void)state;
    const char *s = sig_with("i", "i=joe@example.net");
    lint(s);
    assert_span(s, RULE_DKIMSIG_I_OUTSIDE_D, "joe@example.net");
    lint(sig_with("i", "i=@badexample.com"));
    assert_rule(&diags, RULE_DKIMSIG_I_OUTSIDE_D); /* not a subdomain: no dot */
    lint(sig_with("i", "i=joe@mail.Example.COM"));
    assert_no_rule(&diags, RULE_DKIMSIG_I_OUTSIDE_D);
    lint(sig_with("i", "i=@example.com"));
    assert_no_rule(&diags, RULE_DKIMSIG_I_OUTSIDE_D);
}

static void test_expired(void **state)
{
    (void)state;
    const char *s = sig_with("x", "x=1699999999");
    lint(s);
    assert_span(s, RULE_DKIMSIG_EXPIRED, "1699999999");
    assert_message_has(RULE_DKIMSIG_EXPIRED, "not later than t=");
    assert_int_equal(first_diag(RULE_DKIMSIG_EXPIRED)->severity, DIAG_WARNING);
    lint(sig_with("x", "x=1700000000")); /* equal: x MUST be greater */
    assert_rule(&diags, RULE_DKIMSIG_EXPIRED);
    s = sig_with("x", "x=1700086400");
    lint_now(s, strlen(s), 1700000500);
    assert_no_rule(&diags, RULE_DKIMSIG_EXPIRED);
    lint_now(s, strlen(s), 1700090000);
    assert_message_has(RULE_DKIMSIG_EXPIRED, "expired on 2023-11-15 22:13:20 UTC");
    lint_now(s, strlen(s), 0); /* no clock: only the x < t half */
    assert_no_rule(&diags, RULE_DKIMSIG_EXPIRED);
}

static void test_rsa_sha1(void **state)
{
    (void)state;
    const char *s = sig_with("a", "a=rsa-sha1");
    lint(s);
    assert_span(s, RULE_DKIMSIG_RSA_SHA1, "rsa-sha1");
    lint(base_sig);
    assert_no_rule(&diags, RULE_DKIMSIG_RSA_SHA1);
}

static void test_body_length(void **state)
{
    (void)state;
    const char *s = sig_with("l", "l=1234");
    lint(s);
    assert_span(s, RULE_DKIMSIG_BODY_LENGTH, "l=1234");
    assert_true(rec.l_ok);
    assert_int_equal(rec.l, 1234);
    lint(base_sig);
    assert_no_rule(&diags, RULE_DKIMSIG_BODY_LENGTH);
}

static void test_simple_c(void **state)
{
    (void)state;
    const char *s = sig_with("c", "c=simple/relaxed");
    lint(s);
    assert_span(s, RULE_DKIMSIG_SIMPLE_C, "simple/relaxed");
    assert_int_equal(first_diag(RULE_DKIMSIG_SIMPLE_C)->severity, DIAG_INFO);
    s = sig_with("c", "");
    lint(s);
    assert_message_has(RULE_DKIMSIG_SIMPLE_C, "no c=");
    assert_int_equal(rec.header_canon, DKIM_CANON_SIMPLE);
    lint(sig_with("c", "c=relaxed/simple"));
    assert_no_rule(&diags, RULE_DKIMSIG_SIMPLE_C);
}

static void test_duplicate_and_syntax(void **state)
{
    (void)state;
    struct strbuf s = STRBUF_INIT;
    strbuf_puts(&s, base_sig);
    strbuf_puts(&s, "; d=evil.example");
    lint(s.data);
    assert_span(s.data, RULE_DKIMSIG_DUPLICATE_TAG, "d=evil.example");
    strbuf_reset(&s);
    strbuf_puts(&s, base_sig);
    strbuf_puts(&s, "; oops");
    lint(s.data);
    assert_span(s.data, RULE_DKIMSIG_SYNTAX, "oops");
    /* A line break without indentation ends the field. */
    const char *broken = "v=1; a=rsa-sha256;\r\nd=example.com";
    lint(broken);
    assert_span(broken, RULE_DKIMSIG_SYNTAX, "\r\n");
    /* RFC 6376 §3.2: at most one trailing ';' */
    strbuf_reset(&s);
    strbuf_puts(&s, base_sig);
    strbuf_puts(&s, ";;");
    lint(s.data);
    assert_rule(&diags, RULE_DKIMSIG_SYNTAX);
    strbuf_reset(&s);
    strbuf_puts(&s, base_sig);
    strbuf_puts(&s, ";");
    lint(s.data);
    assert_no_rule(&diags, RULE_DKIMSIG_SYNTAX);
    lint(base_sig);
    assert_no_rule(&diags, RULE_DKIMSIG_SYNTAX);
    assert_no_rule(&diags, RULE_DKIMSIG_DUPLICATE_TAG);
    /* Blank lines around the pasted field are not a broken fold. */
    strbuf_reset(&s);
    strbuf_printf(&s, "\r\n\n%s\r\n\r\n", seed_folded);
    lint(s.data);
    assert_int_equal(diags.count, 0);
    assert_true(rec.has_field_name);
    strbuf_free(&s);
}

static void test_unknown_tag(void **state)
{
    (void)state;
    const char *s = sig_with("xyz", "xyz=1");
    lint(s);
    assert_span(s, RULE_DKIMSIG_UNKNOWN_TAG, "xyz=1");
    lint(base_sig);
    assert_no_rule(&diags, RULE_DKIMSIG_UNKNOWN_TAG);
}

/* ---- terms, help ids, explanations, format --------------------------- */

static void test_terms(void **state)
{
    (void)state;
    lint("v=1; a=ed25519-sha256; c=simple/relaxed; q=dns/txt; s=a; d=b.c; h=from; bh=; "
         "b=; i=@b.c; l=1; t=1; x=2; z=a:b; new=1");
    struct term_list terms;
    term_list_init(&terms);
    dkim_sig_terms(&rec, &terms);
    assert_int_equal(terms.count, 15);
    size_t count;
    const char *const *ids = dkim_sig_help_ids(&count);
    assert_int_equal(count, 21);
    for (size_t i = 0; i < terms.count; i++) {
        bool listed = false, vlisted = !terms.items[i].value_id;
        for (size_t k = 0; k < count; k++) {
            listed = listed || strcmp(ids[k], terms.items[i].id) == 0;
            vlisted = vlisted || strcmp(ids[k], terms.items[i].value_id) == 0;
        }
        assert_true(listed && vlisted);
    }
    assert_string_equal(terms.items[1].id, "dkim.sig.tag.a");
    assert_string_equal(terms.items[1].value_id, "dkim.sig.tag.a.ed25519-sha256");
    assert_string_equal(terms.items[2].value_id, "dkim.sig.tag.c.simple");
    assert_string_equal(terms.items[3].value_id, "dkim.sig.tag.q.dns");
    assert_string_equal(terms.items[14].id, "dkim.sig.tag.unknown");
    assert_null(terms.items[4].value_id);
    lint("a=rsa-sha1; c=relaxed");
    term_list_reset(&terms);
    dkim_sig_terms(&rec, &terms);
    assert_string_equal(terms.items[0].value_id, "dkim.sig.tag.a.rsa-sha1");
    assert_string_equal(terms.items[1].value_id, "dkim.sig.tag.c.relaxed");
    term_list_free(&terms);
    const char *want[] = {"dkim.sig.tag.v", "dkim.sig.tag.bh", "dkim.sig.tag.z",
                          "dkim.sig.tag.unknown", "dkim.sig.tag.a.rsa-sha256"};
    for (size_t w = 0; w < 5; w++) {
        bool found = false;
        for (size_t k = 0; k < count; k++)
            found = found || strcmp(ids[k], want[w]) == 0;
        assert_true(found);
    }
}

static void describe_is(size_t i, const char *want)
{
    struct strbuf out = STRBUF_INIT;
    dkim_sig_term_describe(&rec, i, &out);
    if (!strstr(strbuf_cstr(&out), want)) {
        print_message("term %zu: '%s' lacks '%s'\n", i, strbuf_cstr(&out), want);
        fail();
    }
    strbuf_free(&out);
}

static void test_describe(void **state)
{
    (void)state;
    lint(seed);
    describe_is(1, "RSA over a SHA-256 hash");
    describe_is(3, "verifiers fetch the key from s1._domainkey.engagement.atlassian.com");
    describe_is(4, "signs 6 header fields");
    describe_is(7, "the signing key is a 1024-bit RSA key");
    lint(sig_with("x", "x=1700086400"));
    describe_is(5, "signed at 2023-11-14 22:13:20 UTC");
    describe_is(9, "expires at 2023-11-15 22:13:20 UTC");
}

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *cases[] = {seed, seed_folded, base_sig, "v=1; junk; =x; h = a : b ; b = AB CD", "",
                           /* regression (fuzzer): the field name pasted twice */
                           "DKIM-Signature: DKIM-Signature: v=1; a=rsa-sha256"};
    struct dkim_sig_record again;
    dkim_sig_record_init(&again);
    struct strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lint(cases[i]);
        strbuf_reset(&out);
        dkim_sig_format(&rec, &out);
        struct diag_list d2;
        diag_list_init(&d2);
        assert_true(dkim_sig_parse(&again, strbuf_cstr(&out), out.len, &d2));
        assert_true(dkim_sig_equal(&rec, &again));
        diag_list_free(&d2);
    }
    lint("v=1; h = a : b ; b = AB\r\n CD; z=x:1|\r\n y:2");
    strbuf_reset(&out);
    dkim_sig_format(&rec, &out);
    assert_string_equal(strbuf_cstr(&out), "v=1; h=a:b; b=ABCD; z=x:1|y:2");
    strbuf_free(&out);
    dkim_sig_record_free(&again);
}

/* ---- hostile input --------------------------------------------------- */

static void test_hostile_input(void **state)
{
    (void)state;
    lint("");
    assert_int_equal(diag_list_count_rule(&diags, RULE_DKIMSIG_MISSING_TAG), 7);
    lint("DKIM-Signature:");
    assert_true(rec.has_field_name);
    lint_now("v=1;\0a=rsa-sha256", 17, 0);
    assert_rule(&diags, RULE_DKIMSIG_SYNTAX);
    size_t n = 65536;
    unsigned char *g = malloc(n);
    uint32_t x = 99;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    lint_now((const char *)g, n, 1);
    assert_true(diags.count <= DIAG_LIST_MAX);
    struct strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < rec.count; i++)
        dkim_sig_term_describe(&rec, i, &out);
    free(g);
    struct strbuf big = STRBUF_INIT;
    for (size_t i = 0; i < 5000; i++)
        strbuf_puts(&big, "h=from;\r\n\t");
    lint(big.data);
    assert_rule(&diags, RULE_DKIMSIG_DUPLICATE_TAG);
    strbuf_reset(&big);
    for (size_t i = 0; i < 10000; i++)
        strbuf_printf(&big, "t%zu=%zu; ", i, i);
    lint(big.data);
    assert_rule(&diags, RULE_DKIMSIG_UNKNOWN_TAG);
    /* Absurd numbers saturate rather than overflow. */
    lint(sig_with("l", "l=99999999999999999999999999999999999999"));
    assert_true(rec.l_ok);
    assert_int_equal(rec.l, ULLONG_MAX);
    lint(sig_with("x", "x=999999999999"));
    describe_is(9, "expires at");
    strbuf_free(&big);
    strbuf_free(&out);
}

int main(void)
{
    strbuf_init(&scratch);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_parses_every_tag),
        cmocka_unit_test(test_seed_folded_same_model),
        cmocka_unit_test(test_stalwart_signatures),
        cmocka_unit_test(test_stalwart_details),
        cmocka_unit_test(test_missing_tags),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_body_hash_lengths),
        cmocka_unit_test(test_from_unsigned),
        cmocka_unit_test(test_i_outside_d),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_rsa_sha1),
        cmocka_unit_test(test_body_length),
        cmocka_unit_test(test_simple_c),
        cmocka_unit_test(test_duplicate_and_syntax),
        cmocka_unit_test(test_unknown_tag),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_hostile_input),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    strbuf_free(&scratch);
    return rc;
}
