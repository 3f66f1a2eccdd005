/* The DMARC and DKIM key parts of the semantic diff: tag by tag, with each
 * tag's default applied on the side that does not write it (RFC 9989 §4.7
 * and RFC 7489 §6.3 defaults for DMARC, RFC 6376 §3.6.1 for DKIM keys), so
 * that writing out a default, or dropping one, is "same effect"; then the
 * effect of the whole record: the DMARC policy per scope, the DKIM key's
 * type and size. */
#include <stdlib.h>
#include <string.h>

#include "authtxt/dkim.h"
#include "authtxt/dmarc.h"
#include "diff_internal.h"

/* A tag as the shared engine sees it. */
struct tag_view {
    const char *name;
    size_t name_len;
    const char *value; /* canonical (normalized) value */
    size_t value_len;
    int id;            /* the kind's tag id */
    bool known;        /* a tag the kind defines (unknown ones are ignored
                          by receivers: no effect) */
    bool dup;          /* a later copy: receivers read only the first */
    size_t occurrence; /* 0 for the first copy of a name, 1 for the next... */
    struct span whole;
};

/* What a kind supplies. */
struct tag_ops {
    const void *before, *after; /* the typed models (never NULL here) */
    /* The value receivers use for tag `id` in model m: written, or the
     * default (which may follow another tag, as sp follows p). */
    void (*effective)(const void *m, int id, struct strbuf *out);
    void (*describe)(const void *m, size_t i, struct strbuf *out);
    bool (*names_equal)(const char *a, size_t an, const char *b, size_t bn);
};

static bool names_exact(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

static bool spans_equal(const struct record *a, struct span x, const struct record *b,
                        struct span y)
{
    size_t n = x.end - x.start;
    return n == y.end - y.start && memcmp(a->text + x.start, b->text + y.start, n) == 0;
}

static void set_occurrences(struct tag_view *v, size_t n, const struct tag_ops *ops)
{
    for (size_t i = 0; i < n; i++) {
        v[i].occurrence = 0;
        for (size_t k = 0; k < i; k++)
            if (ops->names_equal(v[k].name, v[k].name_len, v[i].name, v[i].name_len))
                v[i].occurrence++;
    }
}

static size_t find_tag(const struct tag_view *v, size_t n, const struct tag_view *t,
                       const struct tag_ops *ops)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].occurrence == t->occurrence &&
            ops->names_equal(v[i].name, v[i].name_len, t->name, t->name_len))
            return i;
    return DIFF_NONE;
}

static const char *tag_id(const struct record *r, size_t i)
{
    return r && i < r->terms.count ? r->terms.items[i].id : "unknown";
}

static void put_tag(struct strbuf *sb, const struct tag_view *t)
{
    strbuf_append(sb, t->name, t->name_len);
    strbuf_putc(sb, '=');
    strbuf_append(sb, t->value, t->value_len);
}

/* Does tag t (written in one model) have the value the other model gives
 * it by default? */
static bool default_matches(const struct tag_ops *ops, const void *other, const struct tag_view *t,
                            const void *self)
{
    struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
    ops->effective(other, t->id, &x);
    ops->effective(self, t->id, &y);
    bool same = !x.failed && !y.failed && strcmp(strbuf_cstr(&x), strbuf_cstr(&y)) == 0;
    strbuf_free(&x);
    strbuf_free(&y);
    return same;
}

static bool tags_diff(const struct record *before, const struct tag_view *a, size_t na,
                      const struct record *after, const struct tag_view *b, size_t nb,
                      const struct tag_ops *ops, struct diff_result *d)
{
    size_t first = d->count;
    size_t *keys = malloc((na + nb + 1) * sizeof *keys);
    struct strbuf sb = STRBUF_INIT;
    bool ok = false;
    if (!keys) {
        d->oom = true;
        return false;
    }
    size_t nk = 0;
    for (size_t j = 0; j < nb; j++) {
        const struct tag_view *y = &b[j];
        size_t i = find_tag(a, na, y, ops);
        bool effect = y->known && !y->dup;
        strbuf_reset(&sb);
        struct diff_change *c;
        if (i == DIFF_NONE) {
            if (effect && default_matches(ops, ops->before, y, ops->after)) {
                put_tag(&sb, y);
                strbuf_puts(&sb, " only writes out what applies anyway: same effect");
                c = diff_add_change(d, DIFF_SAME_EFFECT, tag_id(after, j), NULL, DIFF_NONE, after,
                                    j, false, &sb);
            } else {
                strbuf_puts(&sb, "added: ");
                ops->describe(ops->after, j, &sb);
                c = diff_add_change(d, DIFF_ADDED, tag_id(after, j), NULL, DIFF_NONE, after, j,
                                    effect, &sb);
            }
        } else {
            const struct tag_view *x = &a[i];
            bool same_value =
                x->value_len == y->value_len && memcmp(x->value, y->value, x->value_len) == 0;
            if (same_value && spans_equal(before, x->whole, after, y->whole))
                continue;
            if (same_value || (effect && default_matches(ops, ops->before, y, ops->after))) {
                strbuf_puts(&sb, same_value ? "written differently, same meaning"
                                            : "another spelling of the same values: same effect");
                c = diff_add_change(d, DIFF_SAME_EFFECT, tag_id(after, j), before, i, after, j,
                                    false, &sb);
            } else {
                strbuf_append(&sb, y->name, y->name_len);
                strbuf_puts(&sb, ": ");
                strbuf_append(&sb, x->value, x->value_len);
                strbuf_puts(&sb, " -> ");
                strbuf_append(&sb, y->value, y->value_len);
                strbuf_puts(&sb, ": ");
                ops->describe(ops->after, j, &sb);
                c = diff_add_change(d, DIFF_CHANGED, tag_id(after, j), before, i, after, j, effect,
                                    &sb);
            }
        }
        if (!c)
            goto done;
        keys[nk++] = 2 * j + 1;
    }
    for (size_t i = 0; i < na; i++) {
        const struct tag_view *x = &a[i];
        if (find_tag(b, nb, x, ops) != DIFF_NONE)
            continue;
        bool effect = x->known && !x->dup;
        strbuf_reset(&sb);
        struct diff_change *c;
        if (effect && default_matches(ops, ops->after, x, ops->before)) {
            put_tag(&sb, x);
            strbuf_puts(&sb, " removed; it is what applies without it: same effect");
            c = diff_add_change(d, DIFF_SAME_EFFECT, tag_id(before, i), before, i, NULL, DIFF_NONE,
                                false, &sb);
        } else {
            strbuf_puts(&sb, "removed (before: ");
            ops->describe(ops->before, i, &sb);
            strbuf_putc(&sb, ')');
            c = diff_add_change(d, DIFF_REMOVED, tag_id(before, i), before, i, NULL, DIFF_NONE,
                                effect, &sb);
        }
        if (!c)
            goto done;
        /* After the after tag that matches the nearest earlier kept tag. */
        size_t key = 0;
        for (size_t k = i; k-- > 0;) {
            size_t j = find_tag(b, nb, &a[k], ops);
            if (j != DIFF_NONE) {
                key = 2 * j + 2;
                break;
            }
        }
        keys[nk++] = key;
    }
    ok = diff_sort_changes(d, first, keys);
done:
    free(keys);
    strbuf_free(&sb);
    return ok && !d->oom;
}

/* --- DMARC ---------------------------------------------------------------- */

static bool names_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    return diff_eq_nocase(a, an, b, bn);
}

static void put_policy(struct strbuf *out, enum dmarc_policy p)
{
    strbuf_puts(out, p == DMARC_POLICY_ABSENT    ? ""
                     : p == DMARC_POLICY_INVALID ? "?"
                                                 : dmarc_policy_name(p));
}

static bool policy_set(enum dmarc_policy p)
{
    return p == DMARC_POLICY_NONE || p == DMARC_POLICY_QUARANTINE || p == DMARC_POLICY_REJECT;
}

static int cmp_cstr(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* rua/ruf as a set: the valid entries sorted, ','-joined. */
static void put_uris(struct strbuf *out, const struct dmarc_record *r, enum dmarc_tag_id id)
{
    size_t t = r->first[id];
    if (t == DMARC_NONE)
        return;
    const struct dmarc_tag *tag = &r->tags[t];
    const char *v[64];
    size_t n = 0;
    for (size_t k = 0; k < tag->uri_count && n < 64; k++) {
        const struct dmarc_uri *u = &r->uris[tag->uri_first + k];
        if (u->valid)
            v[n++] = u->text;
    }
    qsort(v, n, sizeof *v, cmp_cstr);
    for (size_t k = 0; k < n; k++) {
        if (k && strcmp(v[k], v[k - 1]) == 0)
            continue;
        if (k)
            strbuf_putc(out, ',');
        strbuf_puts(out, v[k]);
    }
}

static void dmarc_effective(const void *m, int id, struct strbuf *out)
{
    const struct dmarc_record *r = m;
    size_t t = (unsigned)id < DMARC_TAG_COUNT ? r->first[id] : DMARC_NONE;
    if (t != DMARC_NONE && !r->tags[t].valid) { /* written outside the grammar */
        strbuf_putc(out, '?');
        strbuf_append(out, r->tags[t].value_text, r->tags[t].value_len);
        return;
    }
    switch (id) {
    case DMARC_TAG_V:
        strbuf_puts(out, "DMARC1");
        break;
    case DMARC_TAG_P:
        put_policy(out, r->p);
        break;
    case DMARC_TAG_SP: /* RFC 9989 §4.7: absent sp is p */
        if (policy_set(r->sp))
            put_policy(out, r->sp);
        else
            dmarc_effective(m, DMARC_TAG_P, out);
        break;
    case DMARC_TAG_NP: /* absent np is sp, then p */
        if (policy_set(r->np))
            put_policy(out, r->np);
        else
            dmarc_effective(m, DMARC_TAG_SP, out);
        break;
    case DMARC_TAG_ADKIM:
        strbuf_puts(out, r->adkim == DMARC_ALIGN_STRICT ? "s" : "r");
        break;
    case DMARC_TAG_ASPF:
        strbuf_puts(out, r->aspf == DMARC_ALIGN_STRICT ? "s" : "r");
        break;
    case DMARC_TAG_FO: {
        unsigned fo = r->fo ? r->fo : DMARC_FO_0;
        strbuf_printf(out, "%s%s%s%s", fo & DMARC_FO_0 ? "0" : "", fo & DMARC_FO_1 ? "1" : "",
                      fo & DMARC_FO_D ? "d" : "", fo & DMARC_FO_S ? "s" : "");
        break;
    }
    case DMARC_TAG_PSD:
        strbuf_puts(out, r->psd == DMARC_PSD_Y ? "y" : r->psd == DMARC_PSD_N ? "n" : "u");
        break;
    case DMARC_TAG_T:
        strbuf_puts(out, r->t == DMARC_YORN_Y ? "y" : "n");
        break;
    case DMARC_TAG_RUA:
    case DMARC_TAG_RUF:
        put_uris(out, r, (enum dmarc_tag_id)id);
        break;
    case DMARC_TAG_PCT:
        strbuf_printf(out, "%d", r->pct >= 0 ? r->pct : 100);
        break;
    case DMARC_TAG_RF:
        strbuf_puts(out, (r->rf & DMARC_RF_IODEF) ? (r->rf & DMARC_RF_AFRF ? "afrf:iodef" : "iodef")
                                                  : "afrf");
        break;
    case DMARC_TAG_RI:
        strbuf_printf(out, "%lld", r->ri >= 0 ? r->ri : 86400LL);
        break;
    default:
        break;
    }
}

static void dmarc_describe(const void *m, size_t i, struct strbuf *out)
{
    dmarc_term_describe(m, i, out);
}

static const char *scope_words[DMARC_SCOPE_COUNT] = {
    "the domain",
    "an existing subdomain",
    "a non-existent subdomain",
};

static const char *applied_name(enum dmarc_policy p)
{
    return p == DMARC_POLICY_ABSENT ? "no DMARC" : dmarc_policy_name(p);
}

static bool effect_same(const struct dmarc_effect *x, const struct dmarc_effect *y)
{
    if (x->version != y->version || x->testing != y->testing || x->adkim != y->adkim ||
        x->aspf != y->aspf || x->fo != y->fo || x->pct != y->pct || x->has_rua != y->has_rua ||
        x->has_ruf != y->has_ruf)
        return false;
    for (int r = 0; r < 2; r++) {
        if (x->usable[r] != y->usable[r] || x->fallback_none[r] != y->fallback_none[r])
            return false;
        for (int s = 0; s < DMARC_SCOPE_COUNT; s++)
            if (x->policy[r][s] != y->policy[r][s])
                return false;
    }
    return true;
}

static bool dmarc_effect_diff(const struct dmarc_record *a, const struct dmarc_record *b,
                              struct diff_result *d)
{
    struct diff_dmarc_effect *e = &d->dmarc;
    struct strbuf sb = STRBUF_INIT;
    e->present = true;
    dmarc_effect_compute(a, &e->before);
    dmarc_effect_compute(b, &e->after);
    dmarc_effect_describe(&e->before, NULL, &sb);
    e->before_text = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
    strbuf_reset(&sb);
    dmarc_effect_describe(&e->after, NULL, &sb);
    e->after_text = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
    for (int s = 0; s < DMARC_SCOPE_COUNT; s++) {
        enum dmarc_scope scope = (enum dmarc_scope)s;
        enum dmarc_policy b9 = dmarc_effect_applied(&e->before, DMARC_RFC9989, scope);
        enum dmarc_policy a9 = dmarc_effect_applied(&e->after, DMARC_RFC9989, scope);
        enum dmarc_policy b7 = dmarc_effect_applied(&e->before, DMARC_RFC7489, scope);
        enum dmarc_policy a7 = dmarc_effect_applied(&e->after, DMARC_RFC7489, scope);
        bool req = e->before.policy[0][s] != e->after.policy[0][s] ||
                   e->before.policy[1][s] != e->after.policy[1][s];
        e->scope_changed[s] = b9 != a9 || b7 != a7 || req;
        strbuf_reset(&sb);
        strbuf_printf(&sb, "failing mail from %s: ", scope_words[s]);
        if (b9 == a9)
            strbuf_printf(&sb, "%s (unchanged)", applied_name(a9));
        else
            strbuf_printf(&sb, "%s -> %s", applied_name(b9), applied_name(a9));
        if (b7 != b9 || a7 != a9) {
            if (b7 == a7)
                strbuf_printf(&sb, "; RFC 7489 receivers: %s (unchanged)", applied_name(a7));
            else
                strbuf_printf(&sb, "; RFC 7489 receivers: %s -> %s", applied_name(b7),
                              applied_name(a7));
        }
        if (e->before.pct != e->after.pct)
            strbuf_printf(&sb, " (RFC 7489 sampling pct %d -> %d)", e->before.pct, e->after.pct);
        e->scope_text[s] = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
        if (!e->scope_text[s])
            d->oom = true;
    }
    strbuf_free(&sb);
    e->changed = !effect_same(&e->before, &e->after);
    if (e->changed)
        d->effect_changed = true;
    if (!e->before_text || !e->after_text)
        d->oom = true;
    return !d->oom;
}

static struct tag_view *dmarc_views(const struct dmarc_record *r, struct diff_result *d,
                                    const struct tag_ops *ops)
{
    struct tag_view *v = calloc(r->count ? r->count : 1, sizeof *v);
    if (!v) {
        d->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct dmarc_tag *t = &r->tags[i];
        v[i].name = t->name_text ? t->name_text : "";
        v[i].name_len = t->name_text ? t->name_len : 0;
        v[i].value = t->value_text ? t->value_text : "";
        v[i].value_len = t->value_text ? t->value_len : 0;
        v[i].id = (int)t->id;
        v[i].known = t->id != DMARC_TAG_UNKNOWN;
        v[i].dup = t->duplicate;
        v[i].whole = t->whole;
    }
    set_occurrences(v, r->count, ops);
    return v;
}

bool diff_dmarc_tags(const struct record *before, const struct record *after, struct diff_result *d)
{
    struct dmarc_record empty;
    dmarc_record_init(&empty);
    const struct dmarc_record *a = before && before->dmarc ? before->dmarc : &empty;
    const struct dmarc_record *b = after && after->dmarc ? after->dmarc : &empty;
    struct tag_ops ops = {a, b, dmarc_effective, dmarc_describe, names_nocase};
    struct tag_view *va = dmarc_views(a, d, &ops), *vb = dmarc_views(b, d, &ops);
    size_t first = d->count;
    bool ok = va && vb && tags_diff(before, va, a->count, after, vb, b->count, &ops, d) &&
              dmarc_effect_diff(a, b, d);
    if (ok && !d->dmarc.before.version && !d->dmarc.after.version) {
        /* Receivers ignore both records (RFC 9989 §4.10 step 2): no tag
         * change, and no difference between them, changes what they do.
         * Judging from the records' usability keeps A -> B and B -> A
         * the same. */
        for (size_t i = first; i < d->count; i++)
            d->changes[i].effect = false;
        d->dmarc.changed = false;
        d->effect_changed = false;
    }
    free(va);
    free(vb);
    dmarc_record_free(&empty);
    return ok;
}

/* --- DKIM key ------------------------------------------------------------- */

static void put_bits(struct strbuf *out, unsigned bits, const char *const names[3])
{
    bool any = false;
    for (int k = 0; k < 3; k++)
        if (bits & (1u << k)) {
            strbuf_printf(out, "%s%s", any ? ":" : "", names[k]);
            any = true;
        }
}

static void dkim_effective(const void *m, int id, struct strbuf *out)
{
    static const char *const hashes[3] = {"sha1", "sha256", "other"};
    static const char *const services[3] = {"email", "*", "other"};
    static const char *const flags[3] = {"y", "s", "other"};
    const struct dkim_key_record *r = m;
    size_t t = (unsigned)id < DKIM_KEY_TAG_COUNT ? r->first[id] : DKIM_NONE;
    switch (id) {
    case DKIM_KEY_TAG_V:
        strbuf_puts(out, "DKIM1");
        break;
    case DKIM_KEY_TAG_H: /* RFC 6376 §3.6.1: absent h= allows every hash */
        if (r->hashes)
            put_bits(out, r->hashes, hashes);
        else
            strbuf_puts(out, t == DKIM_NONE ? "*" : "?");
        break;
    case DKIM_KEY_TAG_K:
        strbuf_puts(out, t == DKIM_NONE ? "rsa" : r->tags[t].value_text);
        break;
    case DKIM_KEY_TAG_S: /* absent s= is "*" */
        if (!r->services || (r->services & DKIM_SERVICE_ANY))
            strbuf_puts(out, t == DKIM_NONE || r->services ? "*" : "?");
        else
            put_bits(out, r->services, services);
        break;
    case DKIM_KEY_TAG_T:
        put_bits(out, r->flags, flags);
        break;
    case DKIM_KEY_TAG_G: /* RFC 4871: absent g= is "*" */
        strbuf_puts(out, t == DKIM_NONE ? "*" : r->tags[t].value_text);
        break;
    default: /* p= and n= have no default; unknown tags have no effect */
        if (t != DKIM_NONE)
            strbuf_append(out, r->tags[t].value_text, r->tags[t].value_len);
        break;
    }
}

static void dkim_describe(const void *m, size_t i, struct strbuf *out)
{
    dkim_key_term_describe(m, i, out);
}

static void key_words(const struct dkim_key_record *r, bool present, struct strbuf *out)
{
    const struct dkim_key_info *k = &r->key;
    if (!present) {
        strbuf_puts(out, "no key record");
        return;
    }
    switch (k->status) {
    case DKIM_KEY_STATUS_ABSENT:
        strbuf_puts(out, "no p= (no key)");
        break;
    case DKIM_KEY_STATUS_REVOKED:
        strbuf_puts(out, "revoked (empty p=)");
        break;
    case DKIM_KEY_STATUS_BAD_BASE64:
    case DKIM_KEY_STATUS_BAD_KEY:
        strbuf_puts(out, "an unusable key");
        break;
    case DKIM_KEY_STATUS_UNCHECKED:
        strbuf_puts(out, "a key of an unknown type");
        break;
    case DKIM_KEY_STATUS_OK:
        if (k->bits)
            strbuf_printf(out, "%u-bit %s", k->bits,
                          k->type == DKIM_KEY_RSA ? "RSA" : dkim_key_type_name(k->type));
        else
            strbuf_printf(out, "%s key", dkim_key_type_name(k->type));
        break;
    }
}

static struct tag_view *dkim_views(const struct dkim_key_record *r, struct diff_result *d,
                                   const struct tag_ops *ops)
{
    struct tag_view *v = calloc(r->count ? r->count : 1, sizeof *v);
    if (!v) {
        d->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        v[i].name = t->name_text ? t->name_text : "";
        v[i].name_len = t->name_text ? t->name_len : 0;
        v[i].value = t->value_text ? t->value_text : "";
        v[i].value_len = t->value_text ? t->value_len : 0;
        v[i].id = (int)t->id;
        /* n= is notes for people: no effect. */
        v[i].known = t->id != DKIM_KEY_TAG_UNKNOWN && t->id != DKIM_KEY_TAG_N;
        v[i].dup = t->duplicate;
        v[i].whole = t->whole;
    }
    set_occurrences(v, r->count, ops);
    return v;
}

static const char *p_value(const struct dkim_key_record *r)
{
    size_t t = r->first[DKIM_KEY_TAG_P];
    return t == DKIM_NONE ? NULL : r->tags[t].value_text;
}

bool diff_dkim_tags(const struct record *before, const struct record *after, struct diff_result *d)
{
    struct dkim_key_record empty;
    dkim_key_record_init(&empty);
    const struct dkim_key_record *a = before && before->dkim_key ? before->dkim_key : &empty;
    const struct dkim_key_record *b = after && after->dkim_key ? after->dkim_key : &empty;
    /* RFC 6376 §3.2: tag names are case-sensitive. */
    struct tag_ops ops = {a, b, dkim_effective, dkim_describe, names_exact};
    struct tag_view *va = dkim_views(a, d, &ops), *vb = dkim_views(b, d, &ops);
    bool ok = va && vb && tags_diff(before, va, a->count, after, vb, b->count, &ops, d);
    if (ok) {
        /* The key: say type and size, never the base64. */
        struct strbuf sb = STRBUF_INIT;
        const char *pa = p_value(a), *pb = p_value(b);
        struct diff_dkim_effect *e = &d->dkim;
        e->present = true;
        e->key_changed = (pa == NULL) != (pb == NULL) || (pa && pb && strcmp(pa, pb) != 0) ||
                         (before == NULL) != (after == NULL);
        key_words(a, before != NULL, &sb);
        e->before_key = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
        strbuf_reset(&sb);
        key_words(b, after != NULL, &sb);
        e->after_key = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
        strbuf_free(&sb);
        if (!e->before_key || !e->after_key)
            d->oom = true;
        /* The p= change's sentence names the keys, not their base64. */
        for (size_t i = 0; i < d->count && !d->oom; i++) {
            struct diff_change *c = &d->changes[i];
            bool is_p =
                (c->after_term != DIFF_NONE && b->tags[c->after_term].id == DKIM_KEY_TAG_P) ||
                (c->before_term != DIFF_NONE && a->tags[c->before_term].id == DKIM_KEY_TAG_P);
            if (!is_p || c->kind == DIFF_SAME_EFFECT || !e->before_key || !e->after_key)
                continue;
            strbuf_reset(&sb);
            strbuf_printf(&sb, "key changed: %s -> %s", e->before_key, e->after_key);
            char *s = sb.failed ? NULL : diff_strndup(d, strbuf_cstr(&sb), sb.len);
            strbuf_free(&sb);
            if (!s) {
                d->oom = true;
                break;
            }
            free(c->sentence);
            c->sentence = s;
        }
        e->changed = false;
        for (size_t i = 0; i < d->count; i++)
            e->changed |= d->changes[i].effect;
        if (e->key_changed)
            e->changed = true;
        if (e->changed)
            d->effect_changed = true;
    }
    free(va);
    free(vb);
    dkim_key_record_free(&empty);
    return ok && !d->oom;
}
