/* Internal interface of the command-line front end (src/cli): subcommands
 * and the output helpers they share.  The CLI parses no record itself; it
 * asks the core (record.h) and prints what it says. */
#ifndef AUTHTXT_CLI_H
#define AUTHTXT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "authtxt/diag.h"
#include "authtxt/record.h"

/* Exit statuses (design.md): the contract scripts rely on. */
enum cli_status {
    CLI_CLEAN = 0,    /* no diagnostic of warning or error severity */
    CLI_WARNINGS = 1, /* warnings only */
    CLI_ERRORS = 2,   /* at least one error */
    CLI_USAGE = 3,    /* usage error, or I/O failure */
    CLI_DNS = 4,      /* a DNS answer needed could not be had (timeout, SERVFAIL,
                         REFUSED, truncated forever, missing from a replay file):
                         the findings are incomplete, whatever they say */
};

/* Largest file `lint --zone` and `--load` read. */
#define CLI_FILE_MAX (64u << 20)

int cmd_lint(int argc, char **argv);
int cmd_explain(int argc, char **argv); /* in cmd_lint.c: same options */
int cmd_fetch(int argc, char **argv);
int cmd_diff(int argc, char **argv);  /* cmd_diff.c */
int cmd_dkim(int argc, char **argv);  /* cmd_dkim.c: keygen, match, rotate */
int cmd_check(int argc, char **argv); /* cmd_check.c: the receiver simulation */
int cmd_tui(int argc, char **argv);     /* no command: the editor */

/* Print "authtxt: <message>" on stderr (and a hint to --help) and return
 * CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a record argument: the text itself, or "-" for standard input (one
 * trailing newline removed).  The result is malloc'd (caller frees) and may
 * hold NUL bytes; *len is its length.  Reads at most RECORD_MAX_LEN + 1
 * bytes so that too-long input is diagnosed rather than read whole.
 * Returns NULL (after printing why) on I/O failure. */
char *cli_read_record_arg(const char *arg, size_t *len);
/* Read a whole file (at most CLI_FILE_MAX).  NULL after printing why. */
char *cli_read_file(const char *path, size_t *len);

/* Text output: compiler-style diagnostics with the record shown and the
 * span underlined; untrusted text is escaped (safetext). `origin` names the
 * input ("<record>", "zone.txt"); line/column are computed from `text`, or
 * shifted by base_line when the record sits in a file. */
void out_diag_text(FILE *f, const char *origin, const char *text, size_t len,
                   const struct diag *d, size_t base_line, size_t base_column);
/* The same appended to a buffer: a report of many diagnostics is written
 * in large blocks rather than a few dozen small writes each. */
void out_diag_format(struct strbuf *out, const char *origin, const char *text, size_t len,
                     const struct diag *d, size_t base_line, size_t base_column);
void out_summary_text(FILE *f, const struct diag_list *diags);
/* Print untrusted text safely (escaped); _sb appends it to a buffer. */
void out_safe(FILE *f, const char *text, size_t len);
void out_safe_sb(struct strbuf *sb, const char *text, size_t len);

/* JSON builders (jansson).  Strings are made valid UTF-8 (bad bytes become
 * U+FFFD) so hostile input can never make the output invalid. */
json_t *json_text(const char *text, size_t len);
json_t *json_diag(const struct diag *d);
json_t *json_diag_list(const struct diag_list *diags);
json_t *json_terms(const struct record *r, bool explain);
/* Print a JSON document to stdout with a newline; frees it. */
void json_print(json_t *doc);

#endif
