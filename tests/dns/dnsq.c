/* dnsq: a test driver for src/net/resolver (not user-facing).  Asks every
 * NAME at once through one net_resolver, in one poll() loop, and prints one
 * line per answer as it arrives:
 *   NAME TYPE STATUS count=N [strings=N bytes=N] [tcp] [truncated]
 *        [text=["s1","s2"] ["r2"]] [fnv=HEX] [error="..."] ms=N
 * Untrusted text is escaped with safetext.  Exit: 0 all answered, 1 the
 * resolver could not start or a name was refused, 2 usage. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/net/resolver.h"
#include "authtxt/safetext.h"
#include "authtxt/strbuf.h"

struct run {
    bool brief;
    bool sort;
    bool no_ms;
    size_t answered;
};

static const char *status_token(enum dns_status s)
{
    static const char *const names[] = {"OK",       "NODATA",  "NXDOMAIN", "TIMEOUT",
                                        "SERVFAIL", "REFUSED", "ERROR",    "PENDING"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static int txt_cmp(const void *a, const void *b)
{
    const struct dns_txt *x = *(const struct dns_txt *const *)a;
    const struct dns_txt *y = *(const struct dns_txt *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void put_safe(struct strbuf *out, const char *text, size_t len)
{
    safetext_escape(text, len, out, NULL);
}

static void on_answer(void *data, const struct net_answer *a)
{
    struct run *run = data;
    struct strbuf out = STRBUF_INIT;
    out.limit = 1u << 22;
    put_safe(&out, a->name, strlen(a->name));
    strbuf_printf(&out, " %s %s count=%u", net_qtype_name(a->type), status_token(a->status),
                  a->count);
    if (a->type == NET_Q_TXT) {
        /* RRset order is not defined (RFC 2181 §5): --sort makes the line
         * comparable between runs and transports. */
        size_t strings = 0, bytes = 0;
        uint32_t fnv = 2166136261u;
        const struct dns_txt **order = malloc((a->txt.count + 1) * sizeof *order);
        if (!order) {
            fprintf(stderr, "dnsq: out of memory\n");
            exit(1);
        }
        for (size_t i = 0; i < a->txt.count; i++)
            order[i] = &a->txt.records[i];
        if (run->sort)
            qsort(order, a->txt.count, sizeof *order, txt_cmp);
        for (size_t i = 0; i < a->txt.count; i++) {
            strings += order[i]->nstrings;
            bytes += order[i]->len;
            for (size_t j = 0; j < order[i]->len; j++) {
                fnv ^= (unsigned char)order[i]->text[j];
                fnv *= 16777619u;
            }
        }
        strbuf_printf(&out, " strings=%zu bytes=%zu", strings, bytes);
        if (a->via_tcp)
            strbuf_puts(&out, " tcp");
        if (a->truncated)
            strbuf_puts(&out, " truncated");
        if (run->brief) {
            strbuf_printf(&out, " fnv=%08x", (unsigned)fnv);
        } else if (a->txt.count) {
            strbuf_puts(&out, " text=");
            for (size_t i = 0; i < a->txt.count; i++) {
                const struct dns_txt *t = order[i];
                size_t from = 0;
                strbuf_puts(&out, i ? " [" : "[");
                for (size_t j = 0; j < t->nstrings; j++) {
                    strbuf_puts(&out, j ? ",\"" : "\"");
                    put_safe(&out, t->text + from, t->string_ends[j] - from);
                    strbuf_putc(&out, '"');
                    from = t->string_ends[j];
                }
                strbuf_putc(&out, ']');
            }
        }
        free(order);
    } else {
        if (a->via_tcp)
            strbuf_puts(&out, " tcp");
        if (a->truncated)
            strbuf_puts(&out, " truncated");
    }
    if (a->error[0]) {
        strbuf_puts(&out, " error=\"");
        put_safe(&out, a->error, strlen(a->error));
        strbuf_putc(&out, '"');
    }
    if (!run->no_ms)
        strbuf_printf(&out, " ms=%.0f", a->elapsed_ms);
    if (out.failed)
        printf("%s OUTPUT-TOO-LONG\n", a->name);
    else
        printf("%s\n", strbuf_cstr(&out));
    fflush(stdout);
    strbuf_free(&out);
    run->answered++;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: dnsq [--dns HOST[:PORT] | --doh URL [--doh-cafile F] [--doh-insecure]]\n"
            "            [--timeout MS] [--tries N] [--brief] [--sort] [--no-ms] [--wait]\n"
            "            [--cancel MS]\n"
            "            TXT|A|AAAA|MX NAME...\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct net_resolver_options o;
    struct run run = {false, false, false, 0};
    bool use_wait = false;
    int cancel_ms = -1;
    int i = 1;
    memset(&o, 0, sizeof o);
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(opt, "--brief")) {
            run.brief = true;
        } else if (!strcmp(opt, "--sort")) {
            run.sort = true;
        } else if (!strcmp(opt, "--no-ms")) {
            run.no_ms = true;
        } else if (!strcmp(opt, "--wait")) {
            use_wait = true;
        } else if (!strcmp(opt, "--doh-insecure")) {
            o.doh_insecure = true;
        } else if (!val) {
            return usage();
        } else if (!strcmp(opt, "--dns")) {
            o.server = val, i++;
        } else if (!strcmp(opt, "--doh")) {
            o.doh_url = val, i++;
        } else if (!strcmp(opt, "--doh-cafile")) {
            o.doh_cafile = val, i++;
        } else if (!strcmp(opt, "--timeout")) {
            o.timeout_ms = atoi(val), i++;
        } else if (!strcmp(opt, "--cancel")) {
            cancel_ms = atoi(val), i++;
        } else if (!strcmp(opt, "--tries")) {
            o.tries = atoi(val), i++;
        } else {
            return usage();
        }
    }
    if (argc - i < 2)
        return usage();
    enum net_qtype type;
    if (!strcmp(argv[i], "TXT"))
        type = NET_Q_TXT;
    else if (!strcmp(argv[i], "A"))
        type = NET_Q_A;
    else if (!strcmp(argv[i], "AAAA"))
        type = NET_Q_AAAA;
    else if (!strcmp(argv[i], "MX"))
        type = NET_Q_MX;
    else
        return usage();
    i++;

    char err[256];
    struct net_resolver *r = net_resolver_new(&o, err, sizeof err);
    if (!r) {
        fprintf(stderr, "dnsq: %s\n", err);
        return 1;
    }
    int rc = 0;
    size_t asked = 0;
    for (; i < argc; i++) {
        if (!net_resolver_query(r, argv[i], type, on_answer, &run)) {
            fprintf(stderr, "dnsq: not a valid DNS name: '%s'\n", argv[i]);
            rc = 1;
            continue;
        }
        asked++;
    }
    if (use_wait) {
        net_resolver_wait(r);
    } else {
        /* The same loop shape as the TUI's: poll, then process. */
        /* --cancel MS: free the resolver MS after the start, whatever is
         * still in flight (each gets "cancelled"). */
        struct pollfd fds[64];
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (net_resolver_pending(r)) {
            int timeout = -1;
            size_t n = net_resolver_fds(r, fds, sizeof fds / sizeof fds[0], &timeout);
            if (cancel_ms >= 0) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
                if (spent >= cancel_ms)
                    break;
                if (timeout < 0 || timeout > cancel_ms - spent)
                    timeout = (int)(cancel_ms - spent);
            }
            int ready = poll(fds, (nfds_t)n, timeout);
            net_resolver_process(r, ready > 0 ? fds : NULL, ready > 0 ? n : 0);
        }
    }
    size_t sent = net_resolver_sent(r);
    net_resolver_free(r);
    fprintf(stderr, "# asked=%zu answered=%zu sent=%zu\n", asked, run.answered, sent);
    if (run.answered != asked)
        rc = 1;
    return rc;
}
