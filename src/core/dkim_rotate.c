/* The plan of a DKIM key rotation from one selector to another, as data:
 * steps with their zone lines (written by the zone writer), so the CLI
 * prints it and the editor could show it.  The order follows RFC 6376
 * §3.6.1 (revocation by an empty p=) and M3AAWG's key rotation practice:
 * never a moment where mail in flight is signed with a key verifiers
 * cannot find. */
#include <string.h>

#include "authtxt/dkim_keys.h"
#include "authtxt/drafts.h"
#include "authtxt/zone.h"

void dkim_rotate_plan_init(struct dkim_rotate_plan *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < DKIM_ROTATE_MAX_STEPS; i++) {
        strbuf_init(&p->steps[i].title);
        strbuf_init(&p->steps[i].text);
        strbuf_init(&p->steps[i].zone);
    }
}

void dkim_rotate_plan_free(struct dkim_rotate_plan *p)
{
    for (size_t i = 0; i < DKIM_ROTATE_MAX_STEPS; i++) {
        strbuf_free(&p->steps[i].title);
        strbuf_free(&p->steps[i].text);
        strbuf_free(&p->steps[i].zone);
    }
    p->count = 0;
}

void dkim_duration_format(uint32_t seconds, struct strbuf *out)
{
    static const struct {
        uint32_t secs;
        const char *name;
    } units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    if (seconds == 0) {
        strbuf_puts(out, "0 seconds");
        return;
    }
    bool first = true;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint32_t n = seconds / units[i].secs;
        if (!n)
            continue;
        seconds -= n * units[i].secs;
        strbuf_printf(out, "%s%u %s%s", first ? "" : " ", n, units[i].name, n == 1 ? "" : "s");
        first = false;
    }
}

static struct dkim_rotate_step *next_step(struct dkim_rotate_plan *p, const char *title)
{
    struct dkim_rotate_step *s = &p->steps[p->count++];
    strbuf_puts(&s->title, title);
    return s;
}

bool dkim_rotate_plan_build(const struct dkim_rotate_options *o, struct dkim_rotate_plan *p,
                            struct strbuf *why)
{
    dkim_rotate_plan_free(p);
    struct drafts d;
    drafts_init(&d);
    struct strbuf old_owner = STRBUF_INIT, new_owner = STRBUF_INIT, tmp = STRBUF_INIT;
    bool ok = false;
    if (!o->domain || !drafts_set_domain(&d, o->domain)) {
        strbuf_printf(why, "domain '%.80s' is not a valid DNS name", o->domain ? o->domain : "");
        goto done;
    }
    if (!o->from || !dkim_selector_check(o->from, &tmp)) {
        strbuf_printf(why, "--from '%.80s': %s", o->from ? o->from : "", strbuf_cstr(&tmp));
        goto done;
    }
    strbuf_reset(&tmp);
    if (!o->to || !dkim_selector_check(o->to, &tmp)) {
        strbuf_printf(why, "--to '%.80s': %s", o->to ? o->to : "", strbuf_cstr(&tmp));
        goto done;
    }
    drafts_set_selector(&d, o->from);
    drafts_owner_name(&d, DRAFT_DKIM, &old_owner);
    drafts_set_selector(&d, o->to);
    drafts_owner_name(&d, DRAFT_DKIM, &new_owner);
    if (strcmp(strbuf_cstr(&old_owner), strbuf_cstr(&new_owner)) == 0) {
        strbuf_puts(why, "--from and --to name the same selector: a rotation needs a new one "
                         "(reusing a selector hides which key signed a message)");
        goto done;
    }
    if (old_owner.len > DRAFTS_NAME_MAX || new_owner.len > DRAFTS_NAME_MAX) {
        strbuf_puts(why, "selector._domainkey.domain is longer than 253 characters");
        goto done;
    }
    uint32_t ttl = o->ttl ? o->ttl : DRAFTS_DEFAULT_TTL;
    uint32_t queue = o->queue_seconds ? o->queue_seconds : DKIM_ROTATE_DEFAULT_QUEUE;
    p->wait_seconds = ttl > UINT32_MAX - queue ? UINT32_MAX : ttl + queue;
    const char *placeholder = "v=DKIM1; k=rsa; p=<the new public key>";
    const char *rec = o->new_record ? o->new_record : placeholder;

    struct dkim_rotate_step *s = next_step(p, "Publish the new key beside the old one");
    struct zone_txt z = {strbuf_cstr(&new_owner), ttl, rec, strlen(rec)};
    if (!zone_write_txt(&s->zone, &z, NULL)) {
        strbuf_puts(why, "the new record is too long for one TXT record");
        goto done;
    }
    strbuf_printf(&s->text,
                  "Add the record of selector '%s' and keep '%s' as it is. Wait until every "
                  "authoritative server answers it (and the negative-caching TTL of the "
                  "zone's SOA has passed, for resolvers that asked before).",
                  o->to, o->from);
    if (!o->new_record)
        strbuf_puts(&s->text, " Make the key with: authtxt dkim keygen (or rotate --out DIR) "
                              "and put its p= in the line below.");

    s = next_step(p, "Check it, then switch the signer");
    strbuf_printf(&s->text,
                  "Check that the published record matches the new private key "
                  "(authtxt dkim match --key %s.private %s --selector %s), then configure the "
                  "signer to sign with selector '%s' and the new key. Mail is now signed "
                  "only with the new key.",
                  o->to, d.domain, o->to, o->to);

    s = next_step(p, "Wait");
    strbuf_puts(&s->text, "Keep the old record published for at least ");
    dkim_duration_format(p->wait_seconds, &s->text);
    strbuf_puts(&s->text, " (its TTL, ");
    dkim_duration_format(ttl, &s->text);
    strbuf_puts(&s->text, ", plus the longest time mail signed with the old key can wait in "
                          "queues, ");
    dkim_duration_format(queue, &s->text);
    strbuf_puts(&s->text, "): verifiers still need the old key for that mail.");

    s = next_step(p, "Revoke the old key");
    const char *revoked = "v=DKIM1; p=";
    z = (struct zone_txt){strbuf_cstr(&old_owner), ttl, revoked, strlen(revoked)};
    zone_write_txt(&s->zone, &z, NULL);
    strbuf_printf(&s->text,
                  "Replace the record of selector '%s' with an empty p= (RFC 6376 §3.6.1: the "
                  "key is revoked). Verifiers then fail signatures made with the old key, so "
                  "a stolen old key is worth nothing.",
                  o->from);

    s = next_step(p, "Remove the old record later");
    strbuf_printf(&s->text,
                  "After some weeks, delete the TXT record at %s. Never reuse selector '%s' "
                  "for another key.",
                  strbuf_cstr(&old_owner), o->from);
    ok = true;
    for (size_t i = 0; i < p->count; i++)
        if (p->steps[i].title.failed || p->steps[i].text.failed || p->steps[i].zone.failed)
            ok = false;
    if (!ok)
        strbuf_puts(why, "out of memory");
done:
    if (!ok)
        dkim_rotate_plan_free(p);
    strbuf_free(&old_owner);
    strbuf_free(&new_owner);
    strbuf_free(&tmp);
    drafts_free(&d);
    return ok;
}
