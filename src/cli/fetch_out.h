/* `authtxt fetch`: the pieces one domain's fetch (cmd_fetch.c) and the
 * batch of many domains (fetch_batch.c) share. */
#ifndef AUTHTXT_CLI_FETCH_OUT_H
#define AUTHTXT_CLI_FETCH_OUT_H

#include <stdbool.h>

#include <jansson.h>

#include "../net/fetch.h"
#include "netopts.h"

/* The JSON document of one fetch (the `fetch --json` shape of design.md);
 * caller owns it. */
json_t *fetch_json(const struct net_fetch *f, const struct net_fetch_lint *l);
/* The text report of one fetch, on stdout. */
void fetch_print_text(const struct net_fetch *f, const struct net_fetch_lint *l, bool strings);

#define FETCH_BATCH_MAX_CONCURRENCY 4096
#define FETCH_BATCH_DEFAULT_CONCURRENCY 256

enum fetch_batch_format { FETCH_BATCH_TEXT = 0, FETCH_BATCH_JSONL, FETCH_BATCH_CSV };

struct fetch_batch_args {
    const char *list; /* --domains FILE, "-" for standard input */
    enum fetch_batch_format format;
    unsigned concurrency; /* 0: the default */
    const struct netopts *net;
    long long now; /* the time records are checked at (netopts_now: a replay's) */
};

/* Fetch every domain of the list through one resolver with a shared
 * answer cache and at most `concurrency` queries in flight, writing each
 * domain's report as it completes (list order is not kept).  Returns the
 * worst exit status (cli.h): a bad line counts as CLI_USAGE, a domain with
 * a failed DNS query as CLI_DNS. */
int fetch_batch_run(const struct fetch_batch_args *a);

#endif
