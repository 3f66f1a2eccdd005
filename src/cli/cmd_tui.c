/* `authtxt [--example | --load FILE] [--no-color] [--no-mouse] [--print-on-exit] [DOMAIN]
 * [network options]`:
 * the options of the full-screen editor, then src/tui takes over.  The
 * network options (--selector, --dns, --doh...) are the ones fetch and
 * diff take (netopts.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../tui/tui.h"
#include "cli.h"
#include "netopts.h"

enum { OPT_EXAMPLE = 1000, OPT_NO_COLOR, OPT_LOAD, OPT_NO_MOUSE, OPT_PRINT_ON_EXIT };

int cmd_tui(int argc, char **argv)
{
    static const struct option options[] = {
        {"example", no_argument, NULL, OPT_EXAMPLE},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"load", required_argument, NULL, OPT_LOAD},
        {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
        {"print-on-exit", no_argument, NULL, OPT_PRINT_ON_EXIT},
        NETOPTS_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    static struct netopts net; /* tui_options borrows its selectors */
    netopts_init(&net);
    struct tui_options o = {0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case OPT_EXAMPLE:
            o.example = true;
            break;
        case OPT_NO_COLOR:
            o.no_color = true;
            break;
        case OPT_LOAD:
            o.load_path = optarg;
            break;
        case OPT_NO_MOUSE:
            o.no_mouse = true;
            break;
        case OPT_PRINT_ON_EXIT:
            o.print_on_exit = true;
            break;
        default: {
            int r = netopts_option(&net, c, optarg, argv);
            if (r != 1)
                return r;
            break;
        }
        }
    }
    int r = netopts_check(&net);
    if (r)
        return r;
    if (argc - optind > 1)
        return cli_usage_error("one domain at a time ('%s' and '%s' given)", argv[optind],
                               argv[optind + 1]);
    if (argc - optind == 1)
        o.domain = argv[optind];
    if (o.example && o.load_path)
        return cli_usage_error("--example and --load cannot be given together");
    /* --save-dns / --dns-file: the editor's resolvers record into, or
     * answer from, the captures netopts holds; the file is written when
     * the editor ends. */
    if (netopts_prepare(&net))
        return CLI_USAGE;
    o.selectors = net.selectors;
    o.nselectors = net.nselectors;
    o.net = net.resolver;
    int status = tui_run(&o);
    int fs = netopts_finish(&net);
    return fs && status < fs ? fs : status;
}
