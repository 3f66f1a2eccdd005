/* Fuzz the message splitter, the From-domain reader and the DKIM verifier
 * (canonicalization, body and header hashes, signature field and key
 * handling) on any bytes.  The keys of the RFC 8463 Appendix A message are
 * in the DNS table, so inputs derived from it reach the hashing and the
 * signature checks.  Input: the message (LF or CRLF, any bytes). */
#include "fuzz_common.h"

#include "authtxt/check.h"

static struct dns_table *keys(void)
{
    static struct dns_table t;
    static bool ready;
    if (!ready) {
        dns_table_init(&t, true);
        struct dns_answer *a = dns_table_slot(&t, "brisbane._domainkey.football.example.com",
                                              DNS_TYPE_TXT);
        dns_txt_answer_add_text(&a->txt,
                                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        a->status = a->txt.status = DNS_OK;
        a = dns_table_slot(&t, "test._domainkey.football.example.com", DNS_TYPE_TXT);
        dns_txt_answer_add_text(
            &a->txt, "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6Np"
                     "P3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uB"
                     "sCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4"
                     "w3QIDAQAB");
        a->status = a->txt.status = DNS_OK;
        ready = true;
    }
    return &t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct message m;
    if (!message_parse(&m, text, size)) {
        fuzz_check(m.error[0] != '\0', "refused without a reason");
        message_free(&m);
        return 0;
    }
    fuzz_check(m.body >= text && m.body + m.body_len == text + size, "body outside the input");
    for (size_t i = 0; i < m.nfields; i++) {
        const struct message_field *f = &m.fields[i];
        fuzz_check(f->raw >= text && f->raw + f->raw_len <= text + size, "field %zu outside", i);
        fuzz_check(f->name == f->raw && f->name_len <= f->raw_len, "field %zu name", i);
        fuzz_check(f->value >= f->raw && f->value + f->value_len == f->raw + f->raw_len,
                   "field %zu value", i);
    }
    char domain[256], why[200];
    if (message_from_domain(&m, domain, sizeof domain, why, sizeof why))
        fuzz_check(domain[0] != '\0' && strlen(domain) < sizeof domain, "from domain");
    else
        fuzz_check(why[0] != '\0', "no reason for no From domain");

    struct dkim_verify v;
    if (dkim_verify_init(&v, &m, size & 1 ? 1700000000LL : 0)) {
        enum check_status st = dkim_verify_run(&v, &keys()->source);
        fuzz_check(st == CHECK_DONE, "an authoritative table never leaves a question");
        for (size_t i = 0; i < v.count; i++) {
            fuzz_check(v.sigs[i].result != CHECK_DKIM_NONE, "signature %zu has no result", i);
            fuzz_check(v.sigs[i].reason[0] != '\0', "signature %zu has no reason", i);
            for (size_t k = 0; k < v.sigs[i].trace.count; k++)
                fuzz_check(v.sigs[i].trace.steps[k].text && v.sigs[i].trace.steps[k].help,
                           "step");
        }
    }
    dkim_verify_free(&v);
    message_free(&m);
    return 0;
}
