/* The full-screen editor (src/tui): the one entry point the CLI calls for
 * `authtxt`, `authtxt --example`, `authtxt --load FILE` and
 * `authtxt DOMAIN`.  Everything else in src/tui is internal. */
#ifndef AUTHTXT_TUI_H
#define AUTHTXT_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "../net/resolver.h"

struct tui_options {
    bool example;                  /* start on the built-in example drafts */
    const char *load_path;         /* open this zone fragment, or NULL */
    bool no_color;                 /* --no-color (NO_COLOR is read too) */
    bool no_mouse;                 /* --no-mouse: clicks stay the terminal's */
    bool print_on_exit;            /* --print-on-exit: records on stdout at the end */
    const char *domain;            /* DOMAIN argument, or NULL */
    const char *const *selectors;  /* --selector values (borrowed) */
    size_t nselectors;
    struct net_resolver_options net; /* --dns, --doh...: strings borrowed */
};

/* Run the editor until the user quits.  With print_on_exit (or when the
 * quit question's p was chosen) the drafts are printed on stdout as zone
 * lines once the screen is closed.  Returns the process exit status:
 * 0 after a normal quit, 3 when the terminal cannot be used (the reason is
 * printed on stderr) or the file to load cannot be read, 128+n after a
 * fatal signal n.  The terminal is restored on every path. */
int tui_run(const struct tui_options *opts);

#endif
