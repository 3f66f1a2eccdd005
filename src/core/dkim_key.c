/* The DKIM key record (RFC 6376 §3.6.1, RFC 8301, RFC 8463): parse into a
 * typed model with spans, lint it, write it back, explain each tag, and
 * the field-by-field edits of the TUI's DKIM tab. */
#include "dkim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names, help ids and FWS handling come from the rows of dkim_key_tags.def
 * (see schema.h): adding a tag is one row there. */
static const char *const key_names[DKIM_KEY_TAG_COUNT] = {
#define DKIM_KEY_TAG(id, name, ...) [DKIM_KEY_TAG_##id] = name,
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG
};

static const char *const key_help_ids[] = {
#define DKIM_KEY_TAG(id, name, label, help, ...) [DKIM_KEY_TAG_##id] = help,
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG
    [DKIM_KEY_TAG_UNKNOWN] = "dkim.key.tag.unknown",
    "dkim.key.tag.k.rsa",
    "dkim.key.tag.k.ed25519",
    "dkim.key.tag.h.sha256",
    "dkim.key.tag.h.sha1",
    "dkim.key.tag.s.email",
    "dkim.key.tag.s.any",
    "dkim.key.tag.t.y",
    "dkim.key.tag.t.s",
};
/* key_help_ids[id] is the help id of tag id (the first COUNT entries). */
enum {
    HELP_K_RSA = DKIM_KEY_TAG_COUNT,
    HELP_K_ED25519,
    HELP_H_SHA256,
    HELP_H_SHA1,
    HELP_S_EMAIL,
    HELP_S_ANY,
    HELP_T_Y,
    HELP_T_S,
    HELP_COUNT
};
_Static_assert(sizeof key_help_ids / sizeof key_help_ids[0] == HELP_COUNT, "help id table");

static enum dkim_norm key_norm(unsigned id)
{
    static const enum dkim_norm norms[DKIM_KEY_TAG_COUNT] = {
#define DKIM_KEY_TAG(id, name, label, help, value, choices, min, max, defval, deftext, status,    \
                     section, req, group, order, fws)                                              \
    [DKIM_KEY_TAG_##id] = DKIM_NORM_##fws,
#include "authtxt/dkim_key_tags.def"
#undef DKIM_KEY_TAG
    };
    return id < DKIM_KEY_TAG_COUNT ? norms[id] : DKIM_NORM_TEXT;
}

static const struct dkim_kind key_kind = {
    key_names, DKIM_KEY_TAG_UNKNOWN, 0, RULE_DKIM_SYNTAX, RULE_DKIM_DUPLICATE_TAG, "key record",
    key_norm,
};

static unsigned key_tag_id(const char *name, size_t n)
{
    for (unsigned id = 0; id < DKIM_KEY_TAG_UNKNOWN; id++)
        if (dkim_eq(name, n, key_names[id]))
            return id;
    return DKIM_KEY_TAG_UNKNOWN;
}

void dkim_key_record_init(struct dkim_key_record *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < DKIM_KEY_TAG_COUNT; i++)
        r->first[i] = DKIM_NONE;
    r->k = DKIM_KEY_RSA;
}

void dkim_key_record_free(struct dkim_key_record *r)
{
    free(r->tags);
    dkim_work_free(r->work);
    dkim_key_record_init(r);
}

/* ---- value grammar (RFC 6376 §3.6.1) --------------------------------- */

static bool item_hyphenated(const char *s, size_t n) { return dkim_is_hyphenated_word(s, n); }
static bool item_service(const char *s, size_t n)
{
    return (n == 1 && s[0] == '*') || dkim_is_hyphenated_word(s, n);
}

static bool is_hex(unsigned char c)
{
    return dkim_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Check a value against its tag's grammar.  On failure: false, the bad
 * part as [*bs, *be) of v, and a message.  p= is checked as base64 by the
 * caller (it needs the key type to go further). */
static bool key_value_grammar(unsigned id, const char *v, size_t n, size_t *bs, size_t *be,
                              char *msg, size_t cap)
{
    struct dkim_value_error err = {0, n, ""};
    char snip[DKIM_SNIPPET_MAX];
    const char *tag = id < DKIM_KEY_TAG_UNKNOWN ? key_names[id] : "?";
    bool ok = true;
    switch (id) {
    case DKIM_KEY_TAG_H:
    case DKIM_KEY_TAG_S:
    case DKIM_KEY_TAG_T:
        if (n == 0) {
            snprintf(msg, cap, "%s= is empty: give at least one %s or remove the tag", tag,
                     id == DKIM_KEY_TAG_H   ? "hash (sha256)"
                     : id == DKIM_KEY_TAG_S ? "service (email or *)"
                                            : "flag (y or s)");
            *bs = 0;
            *be = 0;
            return false;
        }
        ok = dkim_list_check(v, n, id == DKIM_KEY_TAG_S ? item_service : item_hyphenated,
                             id == DKIM_KEY_TAG_H   ? "a hash name"
                             : id == DKIM_KEY_TAG_S ? "a service name (email, or *)"
                                                    : "a flag name",
                             &err);
        if (!ok && err.end == err.start + 1 && v[err.start] == ':')
            snprintf(msg, cap, "%s= has an empty item (a stray ':'); remove it", tag);
        else if (!ok)
            snprintf(msg, cap,
                     "'%s' in %s= is not %s (a word of letters, digits and inner "
                     "hyphens)",
                     dkim_snippet(v + err.start, err.end - err.start, snip), tag, err.what);
        break;
    case DKIM_KEY_TAG_K:
        if (n == 0) {
            snprintf(msg, cap,
                     "k= is empty: write k=rsa or k=ed25519, or remove it (rsa is "
                     "the default)");
            ok = false;
        } else if (!dkim_is_hyphenated_word(v, n)) {
            snprintf(msg, cap, "'%s' is not a key type name: write k=rsa or k=ed25519",
                     dkim_snippet(v, n, snip));
            ok = false;
        }
        break;
    case DKIM_KEY_TAG_N:
        /* qp-section (RFC 2045 §6.7): '=' starts an =XX escape. */
        for (size_t i = 0; i < n; i++) {
            if (v[i] != '=')
                continue;
            if (i + 2 < n && is_hex((unsigned char)v[i + 1]) && is_hex((unsigned char)v[i + 2])) {
                i += 2;
                continue;
            }
            err.start = i;
            err.end = i + 3 <= n ? i + 3 : n;
            snprintf(msg, cap,
                     "n= is quoted-printable: '=' must start an =XX escape; write "
                     "=3D for a literal '='");
            ok = false;
            break;
        }
        break;
    default:
        break;
    }
    *bs = err.start;
    *be = err.end;
    return ok;
}

/* ---- parse ----------------------------------------------------------- */

struct list_bits {
    unsigned bits;
    unsigned id;
};

static bool collect_bits(void *arg, const char *s, size_t n)
{
    struct list_bits *lb = arg;
    switch (lb->id) {
    case DKIM_KEY_TAG_H:
        lb->bits |= dkim_eq(s, n, "sha256") ? DKIM_HASH_SHA256
                    : dkim_eq(s, n, "sha1") ? DKIM_HASH_SHA1
                                            : DKIM_HASH_OTHER;
        break;
    case DKIM_KEY_TAG_S:
        lb->bits |= dkim_eq(s, n, "email") ? DKIM_SERVICE_EMAIL
                    : dkim_eq(s, n, "*")   ? DKIM_SERVICE_ANY
                                           : DKIM_SERVICE_OTHER;
        break;
    case DKIM_KEY_TAG_T:
        lb->bits |= dkim_eq(s, n, "y")   ? DKIM_FLAG_TESTING
                    : dkim_eq(s, n, "s") ? DKIM_FLAG_STRICT
                                         : DKIM_FLAG_OTHER;
        break;
    default:
        break;
    }
    return true;
}

static unsigned list_bits_of(unsigned id, const char *v, size_t n)
{
    struct list_bits lb = {0, id};
    dkim_list_each(v, n, collect_bits, &lb);
    return lb.bits;
}

static void reset_model(struct dkim_key_record *r, size_t len)
{
    r->count = 0;
    for (size_t i = 0; i < DKIM_KEY_TAG_COUNT; i++)
        r->first[i] = DKIM_NONE;
    r->text_len = len;
    r->k = DKIM_KEY_RSA;
    r->hashes = r->services = r->flags = 0;
    memset(&r->key, 0, sizeof r->key);
}

bool dkim_key_parse(struct dkim_key_record *r, const char *text, size_t len,
                    struct diag_list *diags)
{
    reset_model(r, len);
    if (!dkim_work_ensure(&r->work))
        return false;
    r->work->edit_valid = false;
    arena_reset(&r->work->arena);
    if (!dkim_tags_build(&key_kind, r->work, &r->tags, &r->count, &r->cap, r->first, text, 0, len,
                         diags))
        return false;

    char msg[DIAG_MESSAGE_MAX];
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (!t->has_equals)
            continue;
        const char *v = text + t->value.start;
        size_t n = t->value.end - t->value.start, bs, be;
        if (!key_value_grammar(t->id, v, n, &bs, &be, msg, sizeof msg))
            diag_add(diags, RULE_DKIM_BAD_VALUE, t->value.start + bs, t->value.start + be, "%s",
                     msg);
        if (t->duplicate)
            continue; /* the typed view follows the first copy */
        switch (t->id) {
        case DKIM_KEY_TAG_K:
            r->k = dkim_eq(v, n, "rsa")       ? DKIM_KEY_RSA
                   : dkim_eq(v, n, "ed25519") ? DKIM_KEY_ED25519
                                              : DKIM_KEY_OTHER;
            break;
        case DKIM_KEY_TAG_H:
            r->hashes = list_bits_of(t->id, v, n);
            break;
        case DKIM_KEY_TAG_S:
            r->services = list_bits_of(t->id, v, n);
            break;
        case DKIM_KEY_TAG_T:
            r->flags = list_bits_of(t->id, v, n);
            break;
        default:
            break;
        }
    }

    size_t p = r->first[DKIM_KEY_TAG_P];
    if (p == DKIM_NONE) {
        r->key.status = DKIM_KEY_STATUS_ABSENT;
        return true;
    }
    const struct dkim_tag *pt = &r->tags[p];
    dkim_key_decode(r->k, text + pt->value.start, pt->value.end - pt->value.start, &r->key);
    if (r->key.status == DKIM_KEY_STATUS_BAD_BASE64) {
        r->key.bad_start += pt->value.start;
        r->key.bad_end += pt->value.start;
        struct dkim_b64 b = {
            .chars = r->key.chars, .problem = r->key.problem, .bad_char = r->key.bad_char};
        if (r->key.problem == DKIM_KEY_PROBLEM_BAD_LENGTH) {
            /* The message counts '=' too; recount them from the value. */
            for (size_t i = pt->value.start; i < pt->value.end; i++)
                b.pad += text[i] == '=';
        }
        dkim_b64_message(&b, "p", msg, sizeof msg);
        diag_add(diags, RULE_DKIM_BAD_BASE64, r->key.bad_start, r->key.bad_end, "%s", msg);
    }
    return true;
}

/* ---- lint ------------------------------------------------------------ */

static const struct dkim_tag *tag_of(const struct dkim_key_record *r, unsigned id)
{
    return r->first[id] == DKIM_NONE ? NULL : &r->tags[r->first[id]];
}

/* Why p= is not a key of type k=, as the dkim-bad-key message. */
static void bad_key_message(const struct dkim_key_record *r, char *msg, size_t cap)
{
    const struct dkim_key_info *k = &r->key;
    const char *want = r->k == DKIM_KEY_ED25519 ? "Ed25519" : "RSA";
    switch (k->problem) {
    case DKIM_KEY_PROBLEM_TOO_LARGE:
        snprintf(msg, cap,
                 "p= decodes to %zu bytes, far more than any DKIM key; paste the public "
                 "key again",
                 k->decoded_len);
        break;
    case DKIM_KEY_PROBLEM_TRAILING:
        snprintf(msg, cap,
                 "p= decodes to %zu bytes: a key followed by extra bytes; copy exactly "
                 "the public key",
                 k->decoded_len);
        break;
    case DKIM_KEY_PROBLEM_WRONG_TYPE:
        if (k->type == DKIM_KEY_ED25519 && k->form == DKIM_KEY_FORM_RAW)
            snprintf(msg, cap,
                     "p= decodes to 32 bytes, the size of a raw Ed25519 key, not an "
                     "RSA key; if it is Ed25519, add k=ed25519");
        else if (k->type == DKIM_KEY_ED25519)
            snprintf(msg, cap,
                     "p= holds an Ed25519 key, not an RSA key; add k=ed25519 and publish "
                     "the raw 32-byte key");
        else if (k->type == DKIM_KEY_RSA)
            snprintf(msg, cap,
                     "p= holds an RSA key but k=ed25519; remove k= (rsa is the "
                     "default) or publish an Ed25519 key");
        else if (k->type == DKIM_KEY_EC || k->type == DKIM_KEY_ED448)
            snprintf(msg, cap,
                     "p= holds an %s key, which DKIM does not use; publish an RSA "
                     "(2048-bit) or Ed25519 key",
                     dkim_key_type_name(k->type));
        else
            snprintf(msg, cap,
                     "p= holds a public key of an algorithm DKIM does not use; publish "
                     "an RSA (2048-bit) or Ed25519 key");
        break;
    case DKIM_KEY_PROBLEM_PKCS1:
        snprintf(msg, cap,
                 "p= is a bare PKCS#1 RSAPublicKey (%u-bit), not a "
                 "SubjectPublicKeyInfo: OpenDKIM and other verifiers reject it; "
                 "publish the output of openssl rsa -pubout",
                 k->bits);
        break;
    case DKIM_KEY_PROBLEM_BAD_RSA:
        snprintf(msg, cap,
                 "p= decodes to %zu bytes that look like an RSA key but are not a "
                 "valid one; the key is damaged: paste it again",
                 k->decoded_len);
        break;
    case DKIM_KEY_PROBLEM_ED25519_SPKI:
        snprintf(msg, cap,
                 "p= is an Ed25519 key wrapped in SubjectPublicKeyInfo (44 bytes); RFC "
                 "8463 wants the raw 32-byte key: drop the 12-byte header");
        break;
    case DKIM_KEY_PROBLEM_ED25519_LEN:
        snprintf(msg, cap, "p= decodes to %zu bytes; an Ed25519 key (k=ed25519) is 32 bytes",
                 k->decoded_len);
        break;
    case DKIM_KEY_PROBLEM_PRIVATE:
        snprintf(msg, cap,
                 "p= holds a PRIVATE key: anyone can sign as this domain; remove it, "
                 "make a new key pair and publish only the public key");
        break;
    default: /* NOT_DER */
        snprintf(msg, cap, "p= decodes to %zu bytes that are not an %s SubjectPublicKeyInfo",
                 k->decoded_len, want);
        break;
    }
}

static void lint_version(const struct dkim_key_record *r, struct diag_list *diags)
{
    const struct dkim_tag *v = tag_of(r, DKIM_KEY_TAG_V);
    if (!v)
        return;
    char snip[DKIM_SNIPPET_MAX];
    /* RFC 6376 §3.6.1: "DKIM1", compared as a string, and first. */
    if (!dkim_eq(v->value_text, v->value_len, "DKIM1"))
        diag_add(diags, RULE_DKIM_VERSION, v->value.start, v->value.end,
                 "v=%s is not DKIM1: verifiers discard this record; write v=DKIM1 (exactly)",
                 dkim_snippet(v->value_text, v->value_len, snip));
    if (r->first[DKIM_KEY_TAG_V] != 0)
        diag_add(diags, RULE_DKIM_VERSION, v->whole.start, v->whole.end,
                 "v= must be the first tag of the record; move it to the front");
}

static void lint_key(const struct dkim_key_record *r, struct diag_list *diags)
{
    const struct dkim_tag *p = tag_of(r, DKIM_KEY_TAG_P);
    char msg[DIAG_MESSAGE_MAX];
    if (!p) {
        bool upper = false;
        for (size_t i = 0; i < r->count; i++)
            upper = upper || (r->tags[i].has_equals &&
                              dkim_eq(r->tags[i].name_text, r->tags[i].name_len, "P"));
        diag_add(diags, RULE_DKIM_MISSING_P, r->text_len, r->text_len,
                 "no p= tag: the record holds no public key, so no signature can verify; add "
                 "p= with the base64 public key%s",
                 upper ? " (P= is not p=: tag names are case-sensitive)" : "");
        return;
    }
    const struct dkim_key_info *k = &r->key;
    switch (k->status) {
    case DKIM_KEY_STATUS_REVOKED:
        diag_add(diags, RULE_DKIM_REVOKED, p->whole.start, p->whole.end,
                 "p= is empty: the key is revoked and every signature made with this selector "
                 "fails; publish the public key unless that is intended");
        break;
    case DKIM_KEY_STATUS_BAD_KEY:
        bad_key_message(r, msg, sizeof msg);
        diag_add(diags, RULE_DKIM_BAD_KEY, p->value.start, p->value.end, "%s", msg);
        break;
    default:
        break;
    }
    if (k->bits == 0 || (k->type != DKIM_KEY_RSA && k->type != DKIM_KEY_ED25519))
        return;
    if (k->type == DKIM_KEY_RSA) {
        /* RFC 8301 §3.2: under 1024 bits MUST NOT verify; 2048 SHOULD. */
        if (k->bits < 1024)
            diag_add(diags, RULE_DKIM_KEY_TOO_SHORT, p->value.start, p->value.end,
                     "%u-bit RSA key: verifiers must reject signatures with keys under 1024 "
                     "bits (RFC 8301); generate a 2048-bit key",
                     k->bits);
        else if (k->bits < 2048)
            diag_add(diags, RULE_DKIM_KEY_WEAK, p->value.start, p->value.end,
                     "%u-bit RSA key: weaker than the 2048 bits RFC 8301 asks for; rotate to a "
                     "2048-bit key",
                     k->bits);
        diag_add(diags, RULE_DKIM_KEY_SIZE, p->value.start, p->value.end, "%u-bit RSA key%s",
                 k->bits, k->form == DKIM_KEY_FORM_PKCS1 ? " (bare PKCS#1 form)" : "");
    } else if (k->status == DKIM_KEY_STATUS_OK) {
        diag_add(diags, RULE_DKIM_KEY_SIZE, p->value.start, p->value.end,
                 "Ed25519 key (%u bits, RFC 8463)", k->bits);
    }
}

static void lint_tags(const struct dkim_key_record *r, struct diag_list *diags)
{
    char snip[DKIM_SNIPPET_MAX];
    const struct dkim_tag *t;
    if ((t = tag_of(r, DKIM_KEY_TAG_K)) && r->k == DKIM_KEY_OTHER && t->value_len > 0) {
        bool upper = dkim_eq_nocase(t->value_text, t->value_len, "rsa") ||
                     dkim_eq_nocase(t->value_text, t->value_len, "ed25519");
        diag_add(diags, RULE_DKIM_UNKNOWN_K, t->value.start, t->value.end,
                 "k=%s is not a key type verifiers know: they ignore this record; write %s",
                 dkim_snippet(t->value_text, t->value_len, snip),
                 upper ? "it in lower case (values are case-sensitive)" : "k=rsa or k=ed25519");
    }
    if ((t = tag_of(r, DKIM_KEY_TAG_T)) && (r->flags & DKIM_FLAG_TESTING))
        diag_add(diags, RULE_DKIM_TESTING, t->whole.start, t->whole.end,
                 "t=y: the domain is testing DKIM, so verifiers treat failing signatures like "
                 "unsigned mail; remove y once signing works");
    if ((t = tag_of(r, DKIM_KEY_TAG_H)) && r->hashes) {
        /* RFC 6376 §6.1.2 step 6: a= whose hash h= does not list fails. */
        if ((r->hashes & DKIM_HASH_SHA1) && !(r->hashes & DKIM_HASH_SHA256))
            diag_add(diags, RULE_DKIM_H_SHA1, t->whole.start, t->whole.end,
                     "h= allows only sha1, which RFC 8301 forbids: verifiers fail rsa-sha256 "
                     "signatures with this key; remove h= or write h=sha256");
        else if (!(r->hashes & (DKIM_HASH_SHA1 | DKIM_HASH_SHA256)))
            diag_add(diags, RULE_DKIM_BAD_VALUE, t->value.start, t->value.end,
                     "h=%s names no hash verifiers use: every signature with this key fails; "
                     "remove h= or write h=sha256",
                     dkim_snippet(t->value_text, t->value_len, snip));
    }
    /* RFC 6376 §3.6.1: "Verifiers MUST ignore key records that do not list
     * an appropriate type" (email, or * for all). */
    if ((t = tag_of(r, DKIM_KEY_TAG_S)) && r->services &&
        !(r->services & (DKIM_SERVICE_EMAIL | DKIM_SERVICE_ANY)))
        diag_add(diags, RULE_DKIM_SERVICE_NOT_EMAIL, t->whole.start, t->whole.end,
                 "s=%s lists neither email nor *: email verifiers ignore this key, so every "
                 "signature made with it fails; remove s= or write s=email",
                 dkim_snippet(t->value_text, t->value_len, snip));
    if ((t = tag_of(r, DKIM_KEY_TAG_G)))
        diag_add(diags, RULE_DKIM_G_OBSOLETE, t->whole.start, t->whole.end,
                 "g= (granularity) was dropped by RFC 6376 and current verifiers ignore it, "
                 "but RFC 4871 ones still apply it; remove it");
    for (size_t i = 0; i < r->count; i++) {
        t = &r->tags[i];
        if (t->id != DKIM_KEY_TAG_UNKNOWN || !t->has_equals || t->name_len == 0 || t->duplicate)
            continue;
        char lower[8] = "";
        if (t->name_len == 1)
            lower[0] = (char)dkim_lower((unsigned char)t->name_text[0]);
        bool known = lower[0] && key_tag_id(lower, 1) != DKIM_KEY_TAG_UNKNOWN;
        diag_add(diags, RULE_DKIM_UNKNOWN_TAG, t->whole.start, t->whole.end,
                 "unknown tag %s= is ignored by verifiers%s%s%s",
                 dkim_snippet(t->name_text, t->name_len, snip),
                 known ? "; tag names are case-sensitive: did you mean " : "", known ? lower : "",
                 known ? "=?" : "");
    }
    if (r->text_len > 255) {
        /* RFC 6376 §3.6.2.2: the strings of a TXT record are joined. */
        size_t strings = (r->text_len + 254) / 255;
        diag_add(diags, RULE_DKIM_STRING_SPLIT, 255, r->text_len,
                 "the record is %zu bytes, over the 255 of one DNS string: publish it as %zu "
                 "quoted strings, which verifiers join (most DNS panels do this for you)",
                 r->text_len, strings);
    }
}

void dkim_key_lint(const struct dkim_key_record *r, struct diag_list *diags)
{
    lint_version(r, diags);
    lint_key(r, diags);
    lint_tags(r, diags);
}

/* ---- format, equal, accessors ---------------------------------------- */

void dkim_key_format(const struct dkim_key_record *r, struct strbuf *out)
{
    dkim_tags_format(r->tags, r->count, out);
}

bool dkim_key_equal(const struct dkim_key_record *a, const struct dkim_key_record *b)
{
    return dkim_tags_equal(a->tags, a->count, b->tags, b->count);
}

enum dkim_key_type dkim_key_get_type(const struct dkim_key_record *r)
{
    return r->key.status == DKIM_KEY_STATUS_OK || r->key.status == DKIM_KEY_STATUS_BAD_KEY
               ? r->key.type
               : DKIM_KEY_NONE;
}

unsigned dkim_key_get_bits(const struct dkim_key_record *r)
{
    return dkim_key_get_type(r) == DKIM_KEY_NONE ? 0 : r->key.bits;
}

bool dkim_key_is_usable(const struct dkim_key_record *r)
{
    if (r->key.status != DKIM_KEY_STATUS_OK)
        return false;
    if (r->key.type == DKIM_KEY_RSA && r->key.bits < 1024)
        return false; /* RFC 8301 §3.2 */
    for (size_t i = 0; i < r->count; i++)
        if (r->tags[i].duplicate)
            return false; /* RFC 6376 §3.2: the record is invalid */
    const struct dkim_tag *v = tag_of(r, DKIM_KEY_TAG_V);
    if (v && (r->first[DKIM_KEY_TAG_V] != 0 || !dkim_eq(v->value_text, v->value_len, "DKIM1")))
        return false;
    if (r->hashes && !(r->hashes & DKIM_HASH_SHA256))
        return false; /* rsa-sha256 / ed25519-sha256 signatures fail */
    if (r->services && !(r->services & (DKIM_SERVICE_EMAIL | DKIM_SERVICE_ANY)))
        return false;
    return true;
}

/* ---- terms and explanations ------------------------------------------ */

static const char *key_value_id(const struct dkim_tag *t)
{
    const char *v = t->value_text;
    size_t n = t->value_len;
    unsigned bits;
    switch (t->id) {
    case DKIM_KEY_TAG_K:
        return dkim_eq(v, n, "rsa")       ? key_help_ids[HELP_K_RSA]
               : dkim_eq(v, n, "ed25519") ? key_help_ids[HELP_K_ED25519]
                                          : NULL;
    case DKIM_KEY_TAG_H:
        bits = list_bits_of(t->id, v, n);
        return (bits & DKIM_HASH_SHA256) ? key_help_ids[HELP_H_SHA256]
               : (bits & DKIM_HASH_SHA1) ? key_help_ids[HELP_H_SHA1]
                                         : NULL;
    case DKIM_KEY_TAG_S:
        bits = list_bits_of(t->id, v, n);
        return (bits & DKIM_SERVICE_EMAIL) ? key_help_ids[HELP_S_EMAIL]
               : (bits & DKIM_SERVICE_ANY) ? key_help_ids[HELP_S_ANY]
                                           : NULL;
    case DKIM_KEY_TAG_T:
        bits = list_bits_of(t->id, v, n);
        return (bits & DKIM_FLAG_TESTING)  ? key_help_ids[HELP_T_Y]
               : (bits & DKIM_FLAG_STRICT) ? key_help_ids[HELP_T_S]
                                           : NULL;
    default:
        return NULL;
    }
}

void dkim_key_terms(const struct dkim_key_record *r, struct term_list *out)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (!dkim_term_add(out, t, key_help_ids[t->id], t->has_equals ? key_value_id(t) : NULL))
            return;
    }
}

const char *const *dkim_key_help_ids(size_t *count)
{
    *count = HELP_COUNT;
    return key_help_ids;
}

static void describe_p(const struct dkim_key_record *r, struct strbuf *out)
{
    const struct dkim_key_info *k = &r->key;
    switch (k->status) {
    case DKIM_KEY_STATUS_REVOKED:
        strbuf_puts(out, "empty: the key is revoked, so every signature made with this "
                         "selector fails");
        return;
    case DKIM_KEY_STATUS_BAD_BASE64:
        strbuf_puts(out, "the public key, but it is not valid base64: verifiers cannot read it "
                         "and every signature fails");
        return;
    case DKIM_KEY_STATUS_UNCHECKED:
        strbuf_puts(out, "a public key of a type this program cannot check (see k=)");
        return;
    case DKIM_KEY_STATUS_BAD_KEY:
        if (k->problem == DKIM_KEY_PROBLEM_PKCS1)
            strbuf_printf(out,
                          "a %u-bit RSA public key in bare PKCS#1 form, which many "
                          "verifiers cannot read",
                          k->bits);
        else
            strbuf_printf(out,
                          "%zu bytes that are not %s public key: verifiers cannot check "
                          "signatures with it",
                          k->decoded_len, r->k == DKIM_KEY_ED25519 ? "an Ed25519" : "an RSA");
        return;
    case DKIM_KEY_STATUS_OK:
        if (k->type == DKIM_KEY_ED25519)
            strbuf_puts(out, "an Ed25519 public key");
        else
            strbuf_printf(out, "a %u-bit RSA public key", k->bits);
        strbuf_puts(out, "; verifiers use it to check signatures made with the selector's "
                         "private key");
        return;
    case DKIM_KEY_STATUS_ABSENT:
        break;
    }
    strbuf_puts(out, "the public key");
}

void dkim_key_term_describe(const struct dkim_key_record *r, size_t i, struct strbuf *out)
{
    if (i >= r->count)
        return;
    const struct dkim_tag *t = &r->tags[i];
    char snip[DKIM_SNIPPET_MAX];
    const char *v = t->value_text;
    size_t n = t->value_len;
    if (!t->has_equals) {
        strbuf_puts(out, "not a tag (no '='): the record is malformed and verifiers may reject "
                         "it");
        return;
    }
    if (t->duplicate) {
        strbuf_printf(out, "a second %s=: a record with a repeated tag is invalid",
                      dkim_snippet(t->name_text, t->name_len, snip));
        return;
    }
    unsigned bits;
    switch (t->id) {
    case DKIM_KEY_TAG_V:
        if (!dkim_eq(v, n, "DKIM1"))
            strbuf_printf(out, "claims version %s, not DKIM1: verifiers discard the record",
                          dkim_snippet(v, n, snip));
        else if (i != 0)
            strbuf_puts(out, "marks a DKIM key record (version DKIM1), but it must be the first "
                             "tag");
        else
            strbuf_puts(out, "marks this as a DKIM key record, version DKIM1");
        break;
    case DKIM_KEY_TAG_H:
        bits = list_bits_of(t->id, v, n);
        if ((bits & DKIM_HASH_SHA256) && (bits & DKIM_HASH_SHA1))
            strbuf_puts(out, "allows SHA-256 and SHA-1 hashes (SHA-1 is forbidden by RFC 8301)");
        else if (bits & DKIM_HASH_SHA256)
            strbuf_puts(out, "allows only signatures hashed with SHA-256");
        else if (bits & DKIM_HASH_SHA1)
            strbuf_puts(out, "allows only SHA-1, which RFC 8301 forbids: no current signature "
                             "verifies");
        else
            strbuf_puts(out, "names no hash verifiers use: no signature verifies");
        break;
    case DKIM_KEY_TAG_K:
        if (dkim_eq(v, n, "rsa"))
            strbuf_puts(out, "the key is an RSA key (the default)");
        else if (dkim_eq(v, n, "ed25519"))
            strbuf_puts(out, "the key is an Ed25519 key (RFC 8463)");
        else
            strbuf_printf(out,
                          "names key type %s, which verifiers do not know: they ignore the "
                          "record",
                          dkim_snippet(v, n, snip));
        break;
    case DKIM_KEY_TAG_N:
        strbuf_puts(out, "a note for administrators; no program interprets it");
        break;
    case DKIM_KEY_TAG_P:
        describe_p(r, out);
        break;
    case DKIM_KEY_TAG_S:
        bits = list_bits_of(t->id, v, n);
        if (bits & DKIM_SERVICE_ANY)
            strbuf_puts(out, "the key may be used for any service (the default)");
        else if (bits & DKIM_SERVICE_EMAIL)
            strbuf_puts(out, "the key may be used for email only");
        else
            strbuf_puts(out, "the key is for other services only: email verifiers ignore it");
        break;
    case DKIM_KEY_TAG_T:
        bits = list_bits_of(t->id, v, n);
        if (bits & DKIM_FLAG_TESTING)
            strbuf_puts(out, "testing: verifiers may ignore failures");
        if ((bits & DKIM_FLAG_TESTING) && (bits & DKIM_FLAG_STRICT))
            strbuf_puts(out, "; ");
        if (bits & DKIM_FLAG_STRICT)
            strbuf_puts(out, "strict: the i= domain of signatures must be exactly d=, not a "
                             "subdomain");
        if (!(bits & (DKIM_FLAG_TESTING | DKIM_FLAG_STRICT)))
            strbuf_puts(out, "flags verifiers do not know; they ignore them");
        break;
    case DKIM_KEY_TAG_G:
        strbuf_puts(out, "granularity from RFC 4871, removed by RFC 6376: current verifiers "
                         "ignore it");
        break;
    default:
        strbuf_printf(out, "an unknown tag %s=; verifiers ignore it",
                      dkim_snippet(t->name_text, t->name_len, snip));
        break;
    }
}

/* ---- editing --------------------------------------------------------- */

static void set_why(struct strbuf *why, const char *msg)
{
    if (why) {
        strbuf_reset(why);
        strbuf_puts(why, msg);
    }
}

static bool valid_tag_name(const char *s, size_t n)
{
    if (n == 0 || !dkim_is_alpha((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!dkim_is_alpha((unsigned char)s[i]) && !dkim_is_digit((unsigned char)s[i]) &&
            s[i] != '_')
            return false;
    return true;
}

bool dkim_key_check_value(const char *name, const char *value, size_t len, struct strbuf *why)
{
    size_t nlen = strlen(name);
    if (!valid_tag_name(name, nlen)) {
        set_why(why, "not a tag name (a letter, then letters, digits or '_')");
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == ';') {
            set_why(why, "';' separates tags and cannot be part of a value");
            return false;
        }
        if (!dkim_is_wsp(c) && (c < 0x21 || c > 0x7e)) {
            set_why(why, "values are printable ASCII: no control or non-ASCII characters");
            return false;
        }
    }
    size_t a = 0, b = len;
    while (a < b && dkim_is_wsp((unsigned char)value[a]))
        a++;
    while (b > a && dkim_is_wsp((unsigned char)value[b - 1]))
        b--;
    const char *v = value + a;
    size_t n = b - a;
    unsigned id = key_tag_id(name, nlen);
    char msg[DIAG_MESSAGE_MAX];
    if (id == DKIM_KEY_TAG_V) {
        if (!dkim_eq(v, n, "DKIM1")) {
            set_why(why, "v= must be DKIM1");
            return false;
        }
        return true;
    }
    if (id == DKIM_KEY_TAG_P) {
        struct dkim_b64 b64;
        dkim_b64_scan(v, n, &b64);
        if (b64.problem == DKIM_KEY_PROBLEM_NONE)
            return true;
        dkim_b64_message(&b64, "p", msg, sizeof msg);
        set_why(why, msg);
        return false;
    }
    size_t bs, be;
    if (!key_value_grammar(id, v, n, &bs, &be, msg, sizeof msg)) {
        set_why(why, msg);
        return false;
    }
    return true;
}

enum edit_op { EDIT_SET, EDIT_REMOVE };

static bool tag_named(const struct dkim_tag *t, const char *name, size_t n)
{
    return t->has_equals && t->name_len == n && memcmp(t->name_text, name, n) == 0;
}

static void put_tag(struct strbuf *sb, const char *name, size_t nlen, bool eq, const char *v,
                    size_t vlen)
{
    if (sb->len)
        strbuf_append(sb, "; ", 2);
    strbuf_append(sb, name, nlen);
    if (eq) {
        strbuf_putc(sb, '=');
        strbuf_append(sb, v, vlen);
    }
}

/* Write the record with one change into the work buffer and parse it back
 * into r: the model, its key facts and spans stay consistent. */
static bool key_rebuild(struct dkim_key_record *r, enum edit_op op, const char *name,
                        const char *value, size_t vlen, struct strbuf *why)
{
    if (!dkim_work_ensure(&r->work)) {
        set_why(why, "out of memory");
        return false;
    }
    struct strbuf *sb = &r->work->edit;
    strbuf_reset(sb);
    size_t nlen = strlen(name);
    bool is_v = dkim_eq(name, nlen, "v"), is_p = dkim_eq(name, nlen, "p");
    size_t target = DKIM_NONE;
    for (size_t i = 0; i < r->count && target == DKIM_NONE; i++)
        if (tag_named(&r->tags[i], name, nlen))
            target = i;
    bool placed = op != EDIT_SET || target != DKIM_NONE;
    if (op == EDIT_SET && is_v) {
        /* RFC 6376 §3.6.1: v= must be first; setting it also moves it. */
        put_tag(sb, name, nlen, true, value, vlen);
        placed = true;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct dkim_tag *t = &r->tags[i];
        if (tag_named(t, name, nlen)) {
            if (op == EDIT_REMOVE || (is_v && i == target))
                continue;
            if (i == target) {
                put_tag(sb, name, nlen, true, value, vlen);
                continue;
            }
        }
        if (!placed && !is_p && t->id == DKIM_KEY_TAG_P && t->has_equals) {
            put_tag(sb, name, nlen, true, value, vlen);
            placed = true;
        }
        put_tag(sb, t->name_text, t->name_len, t->has_equals, t->value_text, t->value_len);
    }
    if (!placed)
        put_tag(sb, name, nlen, true, value, vlen);
    if (sb->failed) {
        set_why(why, "out of memory");
        return false;
    }
    struct diag_list *grammar = &r->work->edit_diags;
    diag_list_reset(grammar);
    bool ok = dkim_key_parse(r, strbuf_cstr(sb), sb->len, grammar);
    if (!ok)
        set_why(why, "out of memory");
    r->work->edit_valid = ok && !grammar->oom;
    return ok;
}

bool dkim_key_set_tag(struct dkim_key_record *r, const char *name, const char *value, size_t len,
                      struct strbuf *why)
{
    if (!dkim_key_check_value(name, value, len, why))
        return false;
    size_t a = 0, b = len;
    while (a < b && dkim_is_wsp((unsigned char)value[a]))
        a++;
    while (b > a && dkim_is_wsp((unsigned char)value[b - 1]))
        b--;
    return key_rebuild(r, EDIT_SET, name, value + a, b - a, why);
}

bool dkim_key_remove_tag(struct dkim_key_record *r, const char *name, struct strbuf *why)
{
    if (!valid_tag_name(name, strlen(name))) {
        set_why(why, "not a tag name (a letter, then letters, digits or '_')");
        return false;
    }
    return key_rebuild(r, EDIT_REMOVE, name, "", 0, why);
}

struct flag_edit {
    struct strbuf *out;
    char flag;
};

static bool keep_other_flags(void *arg, const char *s, size_t n)
{
    struct flag_edit *fe = arg;
    if (n == 1 && s[0] == fe->flag)
        return true;
    if (fe->out->len)
        strbuf_putc(fe->out, ':');
    strbuf_append(fe->out, s, n);
    return true;
}

bool dkim_key_set_flag(struct dkim_key_record *r, char flag, bool on, struct strbuf *why)
{
    if (flag != 'y' && flag != 's') {
        set_why(why, "the t= flags are y (testing) and s (strict)");
        return false;
    }
    struct strbuf list;
    strbuf_init(&list);
    const struct dkim_tag *t = tag_of(r, DKIM_KEY_TAG_T);
    struct flag_edit fe = {&list, flag};
    if (t)
        dkim_list_each(t->value_text, t->value_len, keep_other_flags, &fe);
    if (on) {
        if (list.len)
            strbuf_putc(&list, ':');
        strbuf_putc(&list, flag);
    }
    bool ok;
    if (list.failed) {
        set_why(why, "out of memory");
        ok = false;
    } else if (list.len == 0) {
        ok = key_rebuild(r, EDIT_REMOVE, "t", "", 0, why);
    } else {
        ok = key_rebuild(r, EDIT_SET, "t", strbuf_cstr(&list), list.len, why);
    }
    strbuf_free(&list);
    return ok;
}

bool dkim_key_set_p_from_paste(struct dkim_key_record *r, const char *text, size_t len,
                               struct dkim_paste *report, struct strbuf *why)
{
    struct dkim_paste rep;
    struct strbuf b64;
    strbuf_init(&b64);
    enum dkim_paste_status st = dkim_paste_key(text, len, &b64, &rep);
    if (report)
        *report = rep;
    bool ok = false;
    if (st != DKIM_PASTE_OK && st != DKIM_PASTE_UNRECOGNIZED) {
        if (why) {
            strbuf_reset(why);
            dkim_paste_describe(&rep, why);
        }
        goto done;
    }
    if (b64.failed) {
        set_why(why, "out of memory");
        goto done;
    }
    ok = key_rebuild(r, EDIT_SET, "p", strbuf_cstr(&b64), b64.len, why);
    /* RFC 8463 §4.2: an Ed25519 key needs k=ed25519; RSA is the default. */
    if (ok && rep.type == DKIM_KEY_ED25519 && st == DKIM_PASTE_OK && r->k != DKIM_KEY_ED25519)
        ok = key_rebuild(r, EDIT_SET, "k", "ed25519", 7, why);
    else if (ok && rep.type == DKIM_KEY_RSA && st == DKIM_PASTE_OK && r->k != DKIM_KEY_RSA)
        ok = key_rebuild(r, EDIT_SET, "k", "rsa", 3, why);
done:
    strbuf_free(&b64);
    return ok;
}

const struct diag_list *dkim_key_edit_diags(const struct dkim_key_record *r, const char **text,
                                            size_t *len)
{
    if (!r->work || !r->work->edit_valid)
        return NULL;
    *text = strbuf_cstr(&r->work->edit);
    *len = r->work->edit.len;
    return &r->work->edit_diags;
}
