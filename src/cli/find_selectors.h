/* Output of `authtxt fetch DOMAIN --find-selectors` (src/net/selectors.c
 * does the probing): text and JSON. */
#ifndef AUTHTXT_CLI_FIND_SELECTORS_H
#define AUTHTXT_CLI_FIND_SELECTORS_H

#include <jansson.h>

#include "../net/selectors.h"

/* Start the probe of the built-in provider list on r; false after
 * printing why. */
bool find_selectors_start(struct net_selector_scan *s, struct net_resolver *r, const char *domain);
void find_selectors_print(const struct net_selector_scan *s);
json_t *find_selectors_json(const struct net_selector_scan *s);
/* 4 when any probe had a DNS error, else 0. */
int find_selectors_status(const struct net_selector_scan *s);

#endif
