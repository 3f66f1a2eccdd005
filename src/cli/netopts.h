/* The network options every live command shares (fetch, diff, the TUI):
 * --dns HOST[:PORT], --doh URL, --doh-insecure, --doh-cafile FILE,
 * --timeout MS and --selector S (repeatable).  A command adds
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
};

#define NETOPTS_LONG_OPTIONS                                                                       \
    {"dns", required_argument, NULL, NETOPT_DNS}, {"doh", required_argument, NULL, NETOPT_DOH},    \
        {"doh-insecure", no_argument, NULL, NETOPT_DOH_INSECURE},                                  \
        {"doh-cafile", required_argument, NULL, NETOPT_DOH_CAFILE},                                \
        {"timeout", required_argument, NULL, NETOPT_TIMEOUT},                                      \
    {                                                                                              \
        "selector", required_argument, NULL, NETOPT_SELECTOR                                       \
    }

/* The usage line of these options, for --help texts. */
#define NETOPTS_USAGE                                                                              \
    "[--selector S]... [--dns HOST[:PORT] | --doh URL [--doh-insecure | --doh-cafile F]] "         \
    "[--timeout MS]"

struct netopts {
    struct net_resolver_options resolver; /* strings borrowed from argv */
    const char *selectors[NETOPTS_MAX_SELECTORS];
    size_t nselectors;
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

/* A resolver for these options; NULL after printing why ("authtxt: --dns:
 * ..."). */
struct net_resolver *netopts_resolver(const struct netopts *o);

#endif
