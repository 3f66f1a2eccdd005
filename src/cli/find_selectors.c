/* `fetch --find-selectors`: start the probe of the provider selector list
 * and print what it found (see find_selectors.h). */
#include "find_selectors.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

bool find_selectors_start(struct net_selector_scan *s, struct net_resolver *r, const char *domain)
{
    struct dkim_provider_selector list[DKIM_PROVIDER_SELECTORS_MAX];
    size_t n = dkim_provider_selectors(list, DKIM_PROVIDER_SELECTORS_MAX);
    char err[256] = "";
    if (!net_selectors_start(s, r, domain, list, n, err, sizeof err)) {
        fputs("authtxt: --find-selectors: ", stderr);
        out_safe(stderr, err, strlen(err));
        fputc('\n', stderr);
        return false;
    }
    return true;
}

static void print_key(const struct net_selector_result *r)
{
    if (r->state == NET_SELECTOR_REVOKED) {
        fputs("revoked (p= empty)", stdout);
        return;
    }
    if (r->key_status == DKIM_KEY_STATUS_OK && r->type == DKIM_KEY_ED25519)
        fputs("Ed25519 key", stdout);
    else if (r->key_status == DKIM_KEY_STATUS_OK)
        printf("%u-bit %s key", r->bits, r->type == DKIM_KEY_RSA ? "RSA" : "other");
    else
        fputs("a key record whose key is not usable (see authtxt fetch --selector)", stdout);
}

void find_selectors_print(const struct net_selector_scan *s)
{
    printf("\nDKIM selectors probed: %zu and a random label, all at once (the list: authtxt(1), "
           "FIND SELECTORS)\n",
           s->count);
    if (s->wildcard) {
        fputs("  wildcard: a random label has a TXT record (", stdout);
        out_safe(stdout, s->probe.name, strlen(s->probe.name));
        fputs("),\n  so *._domainkey answers every selector: those that only repeat it are not "
              "listed\n",
              stdout);
        fputs("  wildcard record: \"", stdout);
        if (s->probe.record)
            out_safe(stdout, s->probe.record, s->probe.len);
        fputs("\"\n", stdout);
    } else if (s->probe.state == NET_SELECTOR_DNS_ERROR) {
        fputs("  wildcard probe: DNS error, so a wildcard cannot be ruled out\n", stdout);
    }
    size_t shown = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct net_selector_result *r = &s->results[i];
        if (r->state != NET_SELECTOR_FOUND && r->state != NET_SELECTOR_REVOKED &&
            r->state != NET_SELECTOR_NOT_A_KEY && r->state != NET_SELECTOR_DNS_ERROR)
            continue;
        shown++;
        printf("  %-12s ", r->who.selector);
        if (r->state == NET_SELECTOR_DNS_ERROR) {
            printf("DNS error: %s", dns_status_name(r->status));
            if (r->error[0]) {
                fputs(" (", stdout);
                out_safe(stdout, r->error, strlen(r->error));
                fputc(')', stdout);
            }
        } else if (r->state == NET_SELECTOR_NOT_A_KEY) {
            fputs("found a TXT record that is not a DKIM key", stdout);
        } else {
            fputs(r->state == NET_SELECTOR_REVOKED ? "found but " : "found: ", stdout);
            print_key(r);
        }
        fputs("  [", stdout);
        out_safe(stdout, r->who.provider, strlen(r->who.provider));
        fputs("]\n", stdout);
    }
    size_t found = net_selectors_count(s, NET_SELECTOR_FOUND);
    size_t revoked = net_selectors_count(s, NET_SELECTOR_REVOKED);
    size_t missing = net_selectors_count(s, NET_SELECTOR_NOT_FOUND);
    size_t wild = net_selectors_count(s, NET_SELECTOR_WILDCARD);
    if (!shown)
        fputs("  none of them has a key record\n", stdout);
    printf("  %zu found, %zu revoked, %zu not found", found, revoked, missing);
    if (wild)
        printf(", %zu answered by the wildcard", wild);
    size_t errors = net_selectors_count(s, NET_SELECTOR_DNS_ERROR);
    if (errors)
        printf(", %zu DNS errors", errors);
    fputc('\n', stdout);
}

json_t *find_selectors_json(const struct net_selector_scan *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "probed", json_integer((json_int_t)s->count));
    json_object_set_new(o, "wildcard", json_boolean(s->wildcard));
    json_object_set_new(o, "wildcard_record",
                        s->wildcard && s->probe.record ? json_text(s->probe.record, s->probe.len)
                                                       : json_null());
    json_t *a = json_array();
    for (size_t i = 0; i < s->count; i++) {
        const struct net_selector_result *r = &s->results[i];
        if (r->state == NET_SELECTOR_NOT_FOUND || r->state == NET_SELECTOR_WILDCARD)
            continue;
        json_t *e = json_object();
        json_object_set_new(e, "selector", json_text(r->who.selector, strlen(r->who.selector)));
        json_object_set_new(e, "provider", json_text(r->who.provider, strlen(r->who.provider)));
        json_object_set_new(e, "name", json_text(r->name, strlen(r->name)));
        json_object_set_new(e, "state", json_string(net_selector_state_name(r->state)));
        json_object_set_new(e, "record", r->record ? json_text(r->record, r->len) : json_null());
        bool key = r->state == NET_SELECTOR_FOUND && r->key_status == DKIM_KEY_STATUS_OK;
        json_object_set_new(e, "key_type",
                            key ? json_string(dkim_key_type_name(r->type)) : json_null());
        json_object_set_new(e, "key_bits", key && r->bits ? json_integer(r->bits) : json_null());
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "selectors", a);
    json_object_set_new(o, "not_found",
                        json_integer((json_int_t)net_selectors_count(s, NET_SELECTOR_NOT_FOUND)));
    json_object_set_new(o, "wildcard_echoes",
                        json_integer((json_int_t)net_selectors_count(s, NET_SELECTOR_WILDCARD)));
    return o;
}

int find_selectors_status(const struct net_selector_scan *s)
{
    return net_selectors_count(s, NET_SELECTOR_DNS_ERROR) ? 4 : 0;
}
