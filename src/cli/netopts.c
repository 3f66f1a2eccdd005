/* The network options shared by the live commands (see netopts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../net/capture.h"
#include "cli.h"
#include "netopts.h"

void netopts_init(struct netopts *o) { memset(o, 0, sizeof *o); }

/* Milliseconds per try: 1..60000, digits only. */
static bool parse_timeout(const char *arg, int *out)
{
    if (!arg || !*arg || strlen(arg) > 6)
        return false;
    long v = 0;
    for (const char *p = arg; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > 60000)
        return false;
    *out = (int)v;
    return true;
}

int netopts_handle(struct netopts *o, int c, const char *arg)
{
    switch (c) {
    case NETOPT_DNS:
        o->resolver.server = arg;
        return 1;
    case NETOPT_DOH:
        o->resolver.doh_url = arg;
        return 1;
    case NETOPT_DOH_INSECURE:
        o->resolver.doh_insecure = true;
        return 1;
    case NETOPT_DOH_CAFILE:
        o->resolver.doh_cafile = arg;
        return 1;
    case NETOPT_TIMEOUT:
        if (!parse_timeout(arg, &o->resolver.timeout_ms))
            return cli_usage_error("--timeout %s: expected milliseconds per try, 1 to 60000",
                                   arg ? arg : "");
        return 1;
    case NETOPT_SAVE_DNS:
        o->save_dns = arg;
        return 1;
    case NETOPT_DNS_FILE:
        o->dns_file = arg;
        return 1;
    case NETOPT_SELECTOR:
        if (o->nselectors == NETOPTS_MAX_SELECTORS)
            return cli_usage_error("at most %d --selector options", NETOPTS_MAX_SELECTORS);
        if (!arg || !*arg)
            return cli_usage_error("--selector needs a name");
        o->selectors[o->nselectors++] = arg;
        return 1;
    default:
        return 0;
    }
}

int netopts_option(struct netopts *o, int c, const char *arg, char *const argv[])
{
    int r = netopts_handle(o, c, arg);
    if (r != 0)
        return r;
    if (c == ':')
        return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
    if (optopt > 0 && optopt < 256)
        return cli_usage_error("unknown option -%c", optopt);
    return cli_usage_error("unknown option '%s'", argv[optind - 1]);
}

int netopts_check(const struct netopts *o)
{
    const struct net_resolver_options *r = &o->resolver;
    if (r->server && r->doh_url)
        return cli_usage_error("--dns and --doh exclude each other");
    if ((r->doh_insecure || r->doh_cafile) && !r->doh_url)
        return cli_usage_error("--doh-insecure and --doh-cafile need --doh");
    if (r->doh_insecure && r->doh_cafile)
        return cli_usage_error("--doh-insecure and --doh-cafile exclude each other");
    if (o->dns_file && (r->server || r->doh_url))
        return cli_usage_error("--dns-file answers from a capture file: no --dns or --doh with it");
    if (o->dns_file && o->save_dns && strcmp(o->dns_file, o->save_dns) == 0)
        return cli_usage_error("--save-dns and --dns-file name the same file");
    return 0;
}

int netopts_prepare(struct netopts *o)
{
    char err[512] = "";
    if (o->dns_file && !o->replay) {
        o->replay = net_capture_load(o->dns_file, err, sizeof err);
        if (!o->replay) {
            fputs("authtxt: --dns-file ", stderr);
            out_safe(stderr, err, strlen(err));
            fputc('\n', stderr);
            return CLI_USAGE;
        }
    }
    if (o->save_dns && !o->record && !(o->record = net_capture_new())) {
        fputs("authtxt: out of memory\n", stderr);
        return CLI_USAGE;
    }
    o->resolver.replay = o->replay;
    o->resolver.record = o->record;
    return 0;
}

int netopts_finish(struct netopts *o)
{
    int status = 0;
    if (o->save_dns && o->record) {
        char err[512] = "";
        if (!net_capture_save(o->record, o->save_dns, err, sizeof err)) {
            fputs("authtxt: --save-dns ", stderr);
            out_safe(stderr, err, strlen(err));
            fputc('\n', stderr);
            status = CLI_USAGE;
        }
    }
    net_capture_free(o->record);
    net_capture_free(o->replay);
    o->record = o->replay = NULL;
    o->resolver.record = NULL;
    o->resolver.replay = NULL;
    return status;
}

struct net_resolver *netopts_resolver(const struct netopts *o)
{
    char err[256] = "";
    /* The captures are opened by netopts_prepare, which the commands that
     * support them call first; any other command says it cannot. */
    if ((o->save_dns && !o->record) || (o->dns_file && !o->replay)) {
        cli_usage_error("--save-dns and --dns-file are not supported by this command");
        return NULL;
    }
    struct net_resolver *r = net_resolver_new(&o->resolver, err, sizeof err);
    if (!r) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, err[0] ? err : "cannot set up the resolver",
                 strlen(err[0] ? err : "cannot set up the resolver"));
        fputc('\n', stderr);
    }
    return r;
}

struct net_resolver *netopts_open(struct netopts *o)
{
    return netopts_prepare(o) ? NULL : netopts_resolver(o);
}

int netopts_close(struct netopts *o, struct net_resolver *r, int status)
{
    bool lost = r && o->record && net_resolver_record_failed(r);
    net_resolver_free(r);
    if (lost) {
        fputs("authtxt: --save-dns ", stderr);
        out_safe(stderr, o->save_dns, strlen(o->save_dns));
        fputs(": out of memory: the capture lacks answers\n", stderr);
    }
    int fs = netopts_finish(o);
    if (lost && !fs)
        fs = CLI_USAGE;
    return fs && status < fs ? fs : status;
}

long long netopts_now(struct netopts *o)
{
    if (o->now > 0)
        return o->now;
    long long t = net_capture_time(o->replay);
    o->now = t > 0 ? t : (long long)time(NULL);
    net_capture_set_time(o->record, o->now);
    return o->now;
}
