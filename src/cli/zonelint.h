/* `authtxt lint --zone FILE` (zonelint.c). */
#ifndef AUTHTXT_CLI_ZONELINT_H
#define AUTHTXT_CLI_ZONELINT_H

#include <stdbool.h>

/* Lint every TXT record of the zone file at path; returns the exit status. */
int zonelint_run(const char *path, bool json);

#endif
