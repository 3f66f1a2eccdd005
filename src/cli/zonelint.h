/* `authtxt lint --zone FILE` (zonelint.c). */
#ifndef AUTHTXT_CLI_ZONELINT_H
#define AUTHTXT_CLI_ZONELINT_H

#include <stdbool.h>

/* Lint every TXT record of the zone file at path ("-": standard input),
 * with `origin` (may be NULL) the $ORIGIN in force before the file sets one,
 * print the report on stdout (text, or JSON when `json`) and return the
 * exit status (cli.h).  One analysis per record; memory is the file, one
 * analyzed record per kind and a few dozen bytes per domain.  Sets stdout
 * fully buffered (call it before anything else writes there).  Failures:
 * an unreadable file (CLI_USAGE, said on stderr), out of memory (the report
 * so far, then CLI_USAGE). */
int zonelint_run(const char *path, const char *origin, bool json);

#endif
