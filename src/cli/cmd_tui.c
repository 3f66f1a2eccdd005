/* `authtxt [--example] [--load FILE] [--no-color] [DOMAIN [--selector S]...]`:
 * the options of the full-screen editor, then src/tui takes over. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../tui/tui.h"

#define TUI_SELECTORS_MAX 16

int cmd_tui(int argc, char **argv)
{
    struct tui_options o = {0};
    static const char *selectors[TUI_SELECTORS_MAX];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--example") == 0) {
            o.example = true;
        } else if (strcmp(a, "--no-color") == 0) {
            o.no_color = true;
        } else if (strcmp(a, "--load") == 0 || strcmp(a, "--selector") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'l') {
                o.load_path = v;
            } else {
                if (o.nselectors == TUI_SELECTORS_MAX)
                    return cli_usage_error("at most %d --selector options", TUI_SELECTORS_MAX);
                selectors[o.nselectors++] = v;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("unknown option '%s'", a);
        } else if (o.domain) {
            return cli_usage_error("one domain at a time ('%s' and '%s' given)", o.domain, a);
        } else {
            o.domain = a;
        }
    }
    if (o.example && o.load_path)
        return cli_usage_error("--example and --load cannot be given together");
    o.selectors = selectors;
    return tui_run(&o);
}
