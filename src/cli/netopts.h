/* The network options every live command shares (fetch, diff, check,
 * dkim match, the TUI):
 * --dns HOST[:PORT], --doh URL, --doh-insecure, --doh-cafile FILE,
 * --timeout MS, --selector S (repeatable), and the DNS capture options
 * --save-dns FILE (write every answer used) and --dns-file FILE (answer
 * from such a file only, no network).  A command adds
 * NETOPTS_LONG_OPTIONS to its getopt_long table and hands every option it
 * does not know itself to netopts_handle. */
#ifndef AUTHTXT_CLI_NETOPTS_H
#define AUTHTXT_CLI_NETOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "../net/resolver.h"

#define NETOPTS_MAX_SELECTORS 32

/* getopt_long codes, above any command's own. */
enum {
    NETOPT_DNS = 2000,
    NETOPT_DOH,
    NETOPT_DOH_INSECURE,
    NETOPT_DOH_CAFILE,
    NETOPT_TIMEOUT,
    NETOPT_SELECTOR,
    NETOPT_SAVE_DNS,
    NETOPT_DNS_FILE,
};

#define NETOPTS_LONG_OPTIONS                                                                       \
    {"dns", required_argument, NULL, NETOPT_DNS}, {"doh", required_argument, NULL, NETOPT_DOH},    \
        {"doh-insecure", no_argument, NULL, NETOPT_DOH_INSECURE},                                  \
        {"doh-cafile", required_argument, NULL, NETOPT_DOH_CAFILE},                                \
        {"timeout", required_argument, NULL, NETOPT_TIMEOUT},                                      \
        {"save-dns", required_argument, NULL, NETOPT_SAVE_DNS},                                    \
        {"dns-file", required_argument, NULL, NETOPT_DNS_FILE},                                    \
    {                                                                                              \
        "selector", required_argument, NULL, NETOPT_SELECTOR                                       \
    }

/* The usage line of these options, for --help texts. */
#define NETOPTS_USAGE                                                                              \
    "[--selector S]... [--dns HOST[:PORT] | --doh URL [--doh-insecure | --doh-cafile F]] "         \
    "[--timeout MS] [--save-dns FILE | --dns-file FILE]"

struct netopts {
    struct net_resolver_options resolver; /* strings borrowed from argv */
    const char *selectors[NETOPTS_MAX_SELECTORS];
    size_t nselectors;
    const char *save_dns, *dns_file;     /* from argv */
    struct net_capture *record, *replay; /* owned; set by netopts_prepare */
    long long now;                       /* netopts_now, once asked */
};

void netopts_init(struct netopts *o);

/* Handle getopt code c with its argument.  Returns 1 when it was a network
 * option and was taken, 0 when c is not one of them, or CLI_USAGE (3) after
 * printing the usage error (bad --timeout, too many selectors). */
int netopts_handle(struct netopts *o, int c, const char *arg);

/* The default branch of a command's getopt_long loop (optstring ":"):
 * takes a network option (returns 1), or prints what is wrong with the
 * option at argv[optind - 1] (a network option's bad value, a missing
 * value, an unknown option) and returns CLI_USAGE. */
int netopts_option(struct netopts *o, int c, const char *arg, char *const argv[]);

/* Check the combination once every option is read (--dns with --doh,
 * --doh-insecure or --doh-cafile without --doh, both of those).  Returns 0
 * or CLI_USAGE after printing why. */
int netopts_check(const struct netopts *o);

/* Load the --dns-file capture and start the --save-dns one, and point
 * o->resolver at them (idempotent).  0, or CLI_USAGE after printing why
 * (the file and what is wrong with it). */
int netopts_prepare(struct netopts *o);

/* A resolver for these options; NULL after printing why ("authtxt: --dns:
 * ...").  A command that takes --save-dns/--dns-file calls netopts_prepare
 * first; for any other, those options are refused here. */
struct net_resolver *netopts_resolver(const struct netopts *o);

/* What a command that takes every option (captures included) does to get
 * its resolver: netopts_prepare, then netopts_resolver.  NULL after
 * printing why.  End with netopts_close, also on failure. */
struct net_resolver *netopts_open(struct netopts *o);

/* The end of such a command: frees r (NULL is fine: after this no answer
 * can come), writes the --save-dns capture and frees the captures
 * (netopts_finish), and returns the command's exit status: status, or
 * CLI_USAGE when the capture could not be written (or lost an answer to
 * OOM) and status is lower. */
int netopts_close(struct netopts *o, struct net_resolver *r, int status);

/* The time the command evaluates at, in seconds since 1970 (DKIM
 * signature expiry, SPF's %{t}, the made-up name of check --spoof): with
 * --dns-file, the time the capture was recorded, so that a replay equals
 * the live run; otherwise now, which a --save-dns capture records.  The
 * same value for the whole command.  Call after netopts_prepare. */
long long netopts_now(struct netopts *o);

/* At the end of a command: write the --save-dns capture (every answer the
 * command's resolvers delivered) and free the captures.  Returns 0, or
 * CLI_USAGE after printing why the file could not be written.  Safe to
 * call when nothing was prepared. */
int netopts_finish(struct netopts *o);

#endif
