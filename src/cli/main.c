/* authtxt's entry point: the subcommands of the CLI, or the TUI when no
 * subcommand is given. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef AUTHTXT_VERSION
#define AUTHTXT_VERSION "0.1.0"
#endif

static const char usage_text[] =
    "Usage:\n"
    "  authtxt [--example | --load FILE] [--no-color] [--no-mouse] [--print-on-exit]\n"
    "          [DOMAIN] [NETWORK OPTIONS]\n"
    "  authtxt lint    [--type spf|dmarc|dkim|dkim-sig] [--json] RECORD|-\n"
    "  authtxt lint    [--json] [--origin NAME] --zone FILE|-\n"
    "  authtxt lint    [--json] [--spf REC] [--dmarc REC] [--dkim REC]...\n"
    "  authtxt explain [--type spf|dmarc|dkim|dkim-sig] [--json] RECORD|-\n"
    "  authtxt fetch   DOMAIN [NETWORK OPTIONS] [--strings] [--json]\n"
    "  authtxt fetch   --domains FILE|- [--jsonl | --csv] [--concurrency N]\n"
    "                  [NETWORK OPTIONS]\n"
    "  authtxt diff    DOMAIN (--load FILE | --spf REC --dmarc REC --dkim REC)\n"
    "                  [--selector S] [--against FILE | --dns ... | --doh ...]\n"
    "                  [--json]\n"
    "  authtxt dkim    keygen --domain D --selector S [--type rsa|ed25519] [--out DIR]\n"
    "  authtxt dkim    match --key FILE --selector S (DOMAIN | --load FILE | --record R)\n"
    "  authtxt dkim    rotate --domain D --from OLD --to NEW [--out DIR]\n"
    "  authtxt check   [--ip IP --mail-from ADDR --helo NAME] [--from ADDR]\n"
    "                  [--message FILE] [--load FILE] [NETWORK OPTIONS] [--json]\n"
    "  authtxt check   --spoof DOMAIN [--subdomain NAME] [--load FILE] [--json]\n"
    "  authtxt --help | --version | -V     (--version also after any command)\n"
    "  authtxt COMMAND --help              (each command's options in full)\n"
    "\n"
    "Network options: --selector S (repeatable), --dns HOST[:PORT],\n"
    "  --doh URL [--doh-insecure | --doh-cafile FILE], --timeout MS (per try),\n"
    "  --save-dns FILE (write every answer used), --dns-file FILE (answer from\n"
    "  such a file, no network).\n"
    "\n"
    "Build, explain and check SPF, DKIM and DMARC records.\n"
    "Without a command, opens the full-screen editor.\n"
    "\n"
    "Exit status: 0 clean, 1 warnings only, 2 errors, 3 usage or I/O failure,\n"
    "  4 a DNS answer needed could not be had (timeout, SERVFAIL, REFUSED,\n"
    "  truncated): the results are incomplete.\n"
    "dkim match: 0 match, 1 no match, 2 record or key broken, 3 usage/I/O,\n"
    "  4 DNS failure.\n"
    "diff: 0 no change in effect, 1 a change, 2 a draft has errors, 3 usage/I/O,\n"
    "  4 a live record could not be fetched (no change in effect is claimed).\n"
    "check: 0 passes, 1 quarantined or marked, 2 rejected, 3 usage/I/O, 4 DNS failure.\n"
    "See authtxt(1) for the details.\n";

int cli_usage_error(const char *fmt, ...)
{
    /* The message quotes what the user typed (an option, a domain): it is
     * escaped like record text, so no control character reaches the
     * terminal raw. */
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    fputs("authtxt: ", stderr);
    out_safe(stderr, msg, len);
    fputs("\nTry 'authtxt --help'.\n", stderr);
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    /* --version (-V) anywhere before "--", whatever the command. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("authtxt %s\n", AUTHTXT_VERSION);
            return CLI_CLEAN;
        }
    }
    if (argc >= 2) {
        const char *cmd = argv[1];
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
            fputs(usage_text, stdout);
            return CLI_CLEAN;
        }
        if (strcmp(cmd, "lint") == 0)
            return cmd_lint(argc - 1, argv + 1);
        if (strcmp(cmd, "explain") == 0)
            return cmd_explain(argc - 1, argv + 1);
        if (strcmp(cmd, "fetch") == 0)
            return cmd_fetch(argc - 1, argv + 1);
        if (strcmp(cmd, "diff") == 0)
            return cmd_diff(argc - 1, argv + 1);
        if (strcmp(cmd, "dkim") == 0)
            return cmd_dkim(argc - 1, argv + 1);
        if (strcmp(cmd, "check") == 0)
            return cmd_check(argc - 1, argv + 1);
    }
    /* No command: the editor, with its options and an optional DOMAIN
     * (a word with a dot in it; any other word is a mistyped command). */
    if (argc < 2 || argv[1][0] == '-' || strchr(argv[1], '.'))
        return cmd_tui(argc, argv);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
