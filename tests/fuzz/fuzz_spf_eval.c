/* Fuzz SPF check_host (src/core/spf_eval.c and the macro expander) on any
 * record text: the input is the TXT record at every name the evaluation
 * asks about (so includes and redirects recurse into the same text, and
 * exp= explanations are the text again), with addresses, an MX and a PTR
 * answer beside it.  Checks: a zone never leaves a question, the result is
 * an RFC 7208 word, the limits hold, every step is complete. */
#include "fuzz_common.h"

#include "authtxt/check.h"
#include "authtxt/spf.h"

struct echo_source {
    struct dns_source base;
    struct dns_answer txt, a, aaaa, mx, ptr;
};

static const struct dns_answer *echo_lookup(const struct dns_source *src, const char *name,
                                            enum dns_rrtype type)
{
    const struct echo_source *e = (const struct echo_source *)src;
    (void)name;
    switch (type) {
    case DNS_TYPE_A:
        return &e->a;
    case DNS_TYPE_AAAA:
        return &e->aaaa;
    case DNS_TYPE_MX:
        return &e->mx;
    case DNS_TYPE_PTR:
        return &e->ptr;
    case DNS_TYPE_TXT:
        break;
    }
    return &e->txt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct echo_source e = {{echo_lookup}, {0}, {0}, {0}, {0}, {0}};
    dns_answer_init(&e.txt);
    dns_answer_init(&e.a);
    dns_answer_init(&e.aaaa);
    dns_answer_init(&e.mx);
    dns_answer_init(&e.ptr);
    const char *strings[1] = {(const char *)data};
    size_t lens[1] = {size};
    dns_txt_answer_add(&e.txt.txt, strings, lens, 1);
    e.txt.status = e.txt.txt.status = DNS_OK;
    static const unsigned char v4[4] = {192, 0, 2, 1}, v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    dns_answer_add_addr(&e.a, v4, 4);
    dns_answer_add_addr(&e.aaaa, v6, 16);
    dns_answer_add_name(&e.mx, 10, "mx.fuzz.example", 15);
    dns_answer_add_name(&e.ptr, 0, "host.fuzz.example", 17);

    static const char *const ips[] = {"192.0.2.1", "2001:db8::1", "198.51.100.9"};
    for (size_t k = 0; k < 3; k++) {
        struct spf_eval ev;
        struct spf_eval_input in = {.ip = ips[k],
                                    .mail_from = k == 2 ? "" : "user@fuzz.example",
                                    .helo = "helo.fuzz.example",
                                    .now = 1700000000};
        if (spf_eval_init(&ev, &in)) {
            enum check_status st = spf_eval_run(&ev, &e.base);
            fuzz_check(st == CHECK_DONE, "a zone never leaves a question (status %d)", st);
            fuzz_check(ev.result <= CHECK_SPF_PERMERROR, "result %d", ev.result);
            fuzz_check(ev.lookups <= SPF_LOOKUP_LIMIT + 1, "lookups %d", ev.lookups);
            fuzz_check(ev.void_lookups <= SPF_VOID_LIMIT + 1, "voids %u", ev.void_lookups);
            for (size_t i = 0; i < ev.trace.count; i++)
                fuzz_check(ev.trace.steps[i].text && ev.trace.steps[i].rfc &&
                               ev.trace.steps[i].help,
                           "step %zu incomplete", i);
        }
        spf_eval_free(&ev);
    }
    dns_answer_free(&e.txt);
    dns_answer_free(&e.a);
    dns_answer_free(&e.aaaa);
    dns_answer_free(&e.mx);
    dns_answer_free(&e.ptr);
    return 0;
}
