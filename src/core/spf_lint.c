/* SPF lint: the rules of lint-catalog.md that judge a record alone (no
 * DNS).  The grammar rules are the parser's; these read the model it
 * built.  One pass over the terms plus a few record-wide checks. */
#include "spf_internal.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Special-purpose address blocks (spf-private-address)                   */

struct special_block {
    unsigned char net[16];
    int len;
    const char *what;
};

/* RFC 1918, RFC 6598, RFC 1122 (loopback), RFC 3927, RFC 5737. */
static const struct special_block special4[] = {
    {{10}, 8, "a private network (RFC 1918)"},
    {{172, 16}, 12, "a private network (RFC 1918)"},
    {{192, 168}, 16, "a private network (RFC 1918)"},
    {{127}, 8, "the loopback network"},
    {{169, 254}, 16, "the link-local network"},
    {{100, 64}, 10, "shared address space for carrier NAT (RFC 6598)"},
    {{192, 0, 2}, 24, "a documentation network (RFC 5737)"},
    {{198, 51, 100}, 24, "a documentation network (RFC 5737)"},
    {{203, 0, 113}, 24, "a documentation network (RFC 5737)"},
};

/* RFC 4291 (loopback, link-local), RFC 4193 (unique local), RFC 3849. */
static const struct special_block special6[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "the loopback address"},
    {{0xfe, 0x80}, 10, "the link-local network"},
    {{0xfc}, 7, "a unique local (private) network (RFC 4193)"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "a documentation network (RFC 3849)"},
};

/* Does the network addr/len lie inside block?  (A byte loop, not memcmp:
 * the blocks are a few bytes long and this runs for every address.) */
static bool inside(const unsigned char *addr, int len, const struct special_block *b)
{
    if (len < b->len)
        return false;
    int full = b->len / 8, rest = b->len % 8;
    for (int i = 0; i < full; i++)
        if (addr[i] != b->net[i])
            return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (addr[full] & mask) == (b->net[full] & mask);
}

static const char *special_range(const struct spf_term *t)
{
    if (t->kind == SPF_TERM_IP4) {
        int len = t->cidr4 < 0 ? 32 : t->cidr4;
        for (size_t i = 0; i < sizeof special4 / sizeof special4[0]; i++)
            if (inside(t->addr, len, &special4[i]))
                return special4[i].what;
        return NULL;
    }
    int len = t->cidr6 < 0 ? 128 : t->cidr6;
    for (size_t i = 0; i < sizeof special6 / sizeof special6[0]; i++)
        if (inside(t->addr, len, &special6[i]))
            return special6[i].what;
    /* ::ffff:a.b.c.d is the IPv4 address a.b.c.d (RFC 4291 §2.5.5.2). */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (len >= 96 && memcmp(t->addr, mapped, 12) == 0)
        for (size_t i = 0; i < sizeof special4 / sizeof special4[0]; i++)
            if (inside(t->addr + 12, len - 96, &special4[i]))
                return special4[i].what;
    return NULL;
}

/* ---------------------------------------------------------------------- */

/* "ip4:192.0.2.0/24" as written, bounded, for a message. */
static const char *term_text(const char *name, const struct spf_term *t,
                             char buf[SPF_SNIPPET_MAX])
{
    char tmp[96];
    size_t n = 0, nl = strlen(name), vl = strlen(t->value);
    memcpy(tmp, name, nl < 16 ? nl : 16);
    n = nl < 16 ? nl : 16;
    if (t->has_colon)
        tmp[n++] = ':';
    memcpy(tmp + n, t->value, vl < sizeof tmp - n ? vl : sizeof tmp - n);
    n += vl < sizeof tmp - n ? vl : sizeof tmp - n;
    return spf_snippet(tmp, n, buf);
}

static bool pass_qualifier(const struct spf_term *t)
{
    return spf_qualifier_effective(t->qualifier) == SPF_QUALIFIER_PASS;
}

/* "~" standing alone: a qualifier the parser could not attach. */
static bool lone_qualifier(const struct spf_term *t)
{
    return t->kind == SPF_TERM_BAD && t->whole.end == t->whole.start + 1 && !t->value[0];
}

static void lint_all(const struct spf_term *t, struct diag_list *diags)
{
    switch (spf_qualifier_effective(t->qualifier)) {
    case SPF_QUALIFIER_PASS:
        diag_add(diags, RULE_SPF_PLUS_ALL, t->whole.start, t->whole.end,
                 "%s lets every host on the internet send as this domain; end with -all or ~all",
                 t->qualifier == SPF_QUALIFIER_NONE ? "all (without a qualifier, +all)" : "+all");
        break;
    case SPF_QUALIFIER_NEUTRAL:
        diag_add(diags, RULE_SPF_NEUTRAL_ALL, t->whole.start, t->whole.end,
                 "?all says nothing about other senders (neutral), as if there were no SPF "
                 "for them; use ~all or -all");
        break;
    case SPF_QUALIFIER_SOFTFAIL:
        diag_add(diags, RULE_SPF_SOFTFAIL_ALL, t->whole.start, t->whole.end,
                 "~all: mail from other senders is accepted but marked; fine with DMARC "
                 "quarantine or reject, otherwise consider -all");
        break;
    default:
        break;
    }
}

static void lint_ip(const struct spf_term *t, struct diag_list *diags)
{
    /* The term's text is made only for a diagnostic (term_text calls
     * printf): this runs for every address term. */
    char snip[SPF_SNIPPET_MAX];
    if (!(t->flags & SPF_TERM_ADDR_OK))
        return;
    bool six = t->kind == SPF_TERM_IP6;
    const char *name = six ? "ip6" : "ip4";
    int len = six ? (t->cidr6 < 0 ? 128 : t->cidr6) : (t->cidr4 < 0 ? 32 : t->cidr4);
    /* RFC 7208 §5.6: a /0../7 prefix authorizes a share of the internet. */
    if (len == 0 && pass_qualifier(t)) {
        diag_add(diags, RULE_SPF_CIDR_EVERYTHING, t->whole.start, t->whole.end,
                 "%s authorizes every %s address on the internet; list your own networks",
                 term_text(name, t, snip), six ? "IPv6" : "IPv4");
    } else if (len <= 7 && pass_qualifier(t)) {
        if (six)
            diag_add(diags, RULE_SPF_CIDR_EVERYTHING, t->whole.start, t->whole.end,
                     "%s authorizes 1/%llu of all IPv6 addresses, far more than any sender "
                     "uses; list your own networks",
                     term_text(name, t, snip), 1ull << len);
        else
            diag_add(diags, RULE_SPF_CIDR_EVERYTHING, t->whole.start, t->whole.end,
                     "%s authorizes %llu IPv4 addresses, a large part of the internet; list "
                     "your own networks",
                     term_text(name, t, snip), 1ull << (32 - len));
    }
    if (!six && t->cidr4 >= 0 && t->cidr4 < 32) {
        uint32_t a = (uint32_t)t->addr[0] << 24 | (uint32_t)t->addr[1] << 16 |
                     (uint32_t)t->addr[2] << 8 | t->addr[3];
        uint32_t host_mask = t->cidr4 == 0 ? 0xffffffffu : 0xffffffffu >> t->cidr4;
        if (a & host_mask) {
            uint32_t net = a & ~host_mask;
            unsigned char n4[4] = {(unsigned char)(net >> 24), (unsigned char)(net >> 16),
                                   (unsigned char)(net >> 8), (unsigned char)net};
            char nbuf[16];
            spf_ip4_text(n4, nbuf);
            diag_add(diags, RULE_SPF_IP4_HOST_BITS, t->value_span.start, t->value_span.end,
                     "%s has host bits set under /%d: it means the network %s/%d; write that, "
                     "or /32 for one host",
                     term_text(name, t, snip), t->cidr4, nbuf, t->cidr4);
        }
    }
    const char *range = special_range(t);
    if (range)
        diag_add(diags, RULE_SPF_PRIVATE_ADDRESS, t->value_span.start, t->value_span.end,
                 "%s is in %s: no mail from the internet comes from there; list public "
                 "addresses",
                 term_text(name, t, snip), range);
}

static void lint_host_cidr(const struct spf_term *t, struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX];
    if (!pass_qualifier(t) || (t->flags & SPF_TERM_ERROR))
        return;
    const char *name = t->kind == SPF_TERM_A ? "a" : "mx";
    if ((t->cidr4 >= 0 && t->cidr4 <= 7) || (t->cidr6 >= 0 && t->cidr6 <= 7)) {
        term_text(name, t, snip);
        diag_add(diags, RULE_SPF_CIDR_EVERYTHING, t->whole.start, t->whole.end,
                 "%s: a /%d around each %s address authorizes a large part of the internet; "
                 "drop the CIDR length or use /24 (IPv4), /64 (IPv6)",
                 snip, t->cidr4 >= 0 && t->cidr4 <= 7 ? t->cidr4 : t->cidr6,
                 t->kind == SPF_TERM_A ? "A/AAAA" : "MX host");
    }
}

/* Typos and misplaced names among unknown modifiers. */
static void lint_unknown_modifier(const struct spf_term *t, struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX], val[SPF_SNIPPET_MAX];
    const char *name = t->name;
    size_t n = strlen(name);
    spf_snippet(name, n, snip);
    spf_snippet(t->value, strlen(t->value), val);
    size_t s = t->whole.start, e = t->whole.end;
    if (spf_mechanism_by_name(name, n) != SPF_TERM_KIND_COUNT) {
        diag_add(diags, RULE_SPF_UNKNOWN_MODIFIER, s, e,
                 "'%s=' is ignored by receivers: %s is a mechanism, written %s:%s", snip,
                 spf_kind_name(spf_mechanism_by_name(name, n)),
                 spf_kind_name(spf_mechanism_by_name(name, n)), val);
        return;
    }
    if (spf_eq_nocase(name, n, "v")) {
        diag_add(diags, RULE_SPF_UNKNOWN_MODIFIER, s, e,
                 "a second '%s=%s' inside the record is ignored (an unknown modifier): were two "
                 "records joined?",
                 snip, val);
        return;
    }
    if (spf_eq_nocase(name, n, "default")) {
        diag_add(diags, RULE_SPF_UNKNOWN_MODIFIER, s, e,
                 "default= comes from an old SPF draft and receivers ignore it; end the record "
                 "with -all or ~all instead");
        return;
    }
    /* A typo of a modifier RFC 7208 defines ("redirct=", "exp2="). */
    static const char *const known[] = {"redirect", "exp"};
    for (size_t i = 0; i < 2; i++) {
        unsigned limit = i == 0 ? 2 : 1;
        if (spf_name_distance(name, n, known[i]) <= limit) {
            diag_add(diags, RULE_SPF_UNKNOWN_MODIFIER, s, e,
                     "'%s=' is not a modifier receivers know, so they ignore it; did you mean "
                     "%s=?",
                     snip, known[i]);
            return;
        }
    }
    diag_add(diags, RULE_SPF_UNKNOWN_MODIFIER, s, e,
             "'%s=' is not a modifier RFC 7208 defines; receivers ignore it", snip);
}

/* "3 include, 1 a, 1 mx" */
static void lookup_breakdown(const struct spf_record *r, char *buf, size_t size)
{
    static const enum spf_term_kind kinds[] = {
        SPF_TERM_INCLUDE, SPF_TERM_A, SPF_TERM_MX, SPF_TERM_PTR, SPF_TERM_EXISTS, SPF_TERM_REDIRECT,
    };
    int count[sizeof kinds / sizeof kinds[0]] = {0};
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *t = &r->terms[i];
        if (!t->lookups)
            continue;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (kinds[k] == t->kind)
                count[k] += t->lookups;
    }
    /* Written by hand: this runs for every record (no printf per part). */
    size_t o = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (!count[k])
            continue;
        char num[12];
        size_t nl = 0;
        for (unsigned v = (unsigned)count[k]; v || !nl; v /= 10)
            num[nl++] = (char)('0' + v % 10);
        const char *name = spf_kind_name(kinds[k]);
        size_t need = (o ? 2 : 0) + nl + 1 + strlen(name);
        if (o + need + 1 > size)
            break;
        if (o) {
            buf[o++] = ',';
            buf[o++] = ' ';
        }
        while (nl)
            buf[o++] = num[--nl];
        buf[o++] = ' ';
        memcpy(buf + o, name, strlen(name));
        o += strlen(name);
    }
    buf[o] = '\0';
}

/* The record-wide rules come first, so a flood of per-term diagnostics
 * (5,000 ptr terms) cannot push them out of a capped list. */
static void lint_record(const struct spf_record *r, struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX];
    /* RFC 7208 §4.6.4: the term at which the count passes 10, in
     * evaluation order (a redirect is evaluated after every mechanism). */
    if (r->lookups > SPF_LOOKUP_LIMIT) {
        int running = 0;
        size_t at = r->redirect_index;
        for (size_t i = 0; i < r->count; i++) {
            if (r->terms[i].kind == SPF_TERM_REDIRECT)
                continue;
            running += r->terms[i].lookups;
            if (running > SPF_LOOKUP_LIMIT) {
                at = i;
                break;
            }
        }
        if (at != SPF_NONE) {
            const struct spf_term *t = &r->terms[at];
            struct strbuf sb;
            strbuf_init(&sb);
            spf_term_write(t, &sb);
            spf_snippet(strbuf_cstr(&sb), sb.len, snip);
            strbuf_free(&sb);
            diag_add(diags, RULE_SPF_LOOKUP_LIMIT, t->whole.start, t->whole.end,
                     "%d DNS-querying terms, over the limit of 10: receivers return permerror "
                     "from '%s' on; remove or flatten includes",
                     r->lookups, snip);
        }
    }
    /* RFC 7208 §6: each at most once. */
    size_t seen_redirect = 0, seen_exp = 0;
    for (size_t i = 0; i < r->count && (r->redirect_count > 1 || r->exp_count > 1); i++) {
        const struct spf_term *t = &r->terms[i];
        if (t->kind == SPF_TERM_REDIRECT && ++seen_redirect == 2)
            diag_add(diags, RULE_SPF_DUPLICATE_MODIFIER, t->whole.start, t->whole.end,
                     "redirect= appears %zu times: receivers return permerror; keep one",
                     r->redirect_count);
        if (t->kind == SPF_TERM_EXP && ++seen_exp == 2)
            diag_add(diags, RULE_SPF_DUPLICATE_MODIFIER, t->whole.start, t->whole.end,
                     "exp= appears %zu times: receivers return permerror; keep one",
                     r->exp_count);
    }
    size_t after_first = SPF_NONE, after_last = SPF_NONE, after_n = 0;
    for (size_t i = r->all_index; r->all_index != SPF_NONE && i < r->count; i++) {
        if (r->terms[i].flags & SPF_TERM_AFTER_ALL) {
            if (after_first == SPF_NONE)
                after_first = i;
            after_last = i;
            after_n++;
        }
    }
    if (after_n) {
        const struct spf_term *all = &r->terms[r->all_index];
        char q[2] = {spf_qualifier_char(all->qualifier), '\0'};
        diag_add(diags, RULE_SPF_TERMS_AFTER_ALL, r->terms[after_first].whole.start,
                 r->terms[after_last].whole.end,
                 "%zu mechanism%s after %sall %s never evaluated; move %s before %sall or "
                 "remove %s",
                 after_n, after_n == 1 ? "" : "s", q, after_n == 1 ? "is" : "are",
                 after_n == 1 ? "it" : "them", q, after_n == 1 ? "it" : "them");
    }
    if (r->count && r->all_index == SPF_NONE && r->redirect_count == 0 &&
        !(r->record_flags & SPF_TERM_MISSING_SPACE)) {
        const struct spf_term *last = &r->terms[r->count - 1];
        diag_add(diags, RULE_SPF_NO_ALL, last->whole.start, last->whole.end,
                 "no all and no redirect=: other senders get neutral, as with ?all; end the "
                 "record with -all or ~all");
    }
    if (r->text_len > SPF_SIZE_ADVICE)
        diag_add(diags, RULE_SPF_RECORD_SIZE, 0, r->text_len,
                 "the record is %zu bytes (over 450): the DNS answer may not fit a 512-byte UDP "
                 "packet; move hosts into an include",
                 r->text_len);
    if (r->text_len > SPF_STRING_MAX)
        diag_add(diags, RULE_SPF_STRING_SPLIT, SPF_STRING_MAX, r->text_len,
                 "the record is %zu bytes: a TXT string holds 255, so it is published as %zu "
                 "strings (the zone export splits it)",
                 r->text_len, (r->text_len + SPF_STRING_MAX - 1) / SPF_STRING_MAX);
    char breakdown[128];
    lookup_breakdown(r, breakdown, sizeof breakdown);
    size_t vs = 0, ve = 0;
    if (r->count && r->terms[0].kind == SPF_TERM_VERSION) {
        vs = r->terms[0].whole.start;
        ve = r->terms[0].whole.end;
    }
    /* Every record gets this one: its text is put together by hand rather
     * than through printf. */
    char msg[DIAG_MESSAGE_MAX];
    size_t o = 0;
    char num[12];
    size_t nl = 0;
    for (unsigned v = (unsigned)r->lookups; v || !nl; v /= 10)
        num[nl++] = (char)('0' + v % 10);
    while (nl)
        msg[o++] = num[--nl];
    static const char tail[] = " of the 10 allowed DNS lookups";
    memcpy(msg + o, tail, sizeof tail - 1);
    o += sizeof tail - 1;
    size_t bl = strlen(breakdown);
    if (bl && o + bl + 4 < sizeof msg) {
        msg[o++] = ' ';
        msg[o++] = '(';
        memcpy(msg + o, breakdown, bl);
        o += bl;
        msg[o++] = ')';
    }
    msg[o] = '\0';
    diag_add(diags, RULE_SPF_LOOKUP_COUNT, vs, ve, "%s", msg);
}

void spf_lint(const struct spf_record *r, struct diag_list *diags)
{
    char snip[SPF_SNIPPET_MAX];
    if (!diags)
        return;
    lint_record(r, diags);
    size_t last_mechanism = SPF_NONE;
    for (size_t i = 0; i < r->count; i++)
        if (spf_kind_is_mechanism(r->terms[i].kind))
            last_mechanism = i;
    for (size_t i = 0; i < r->count; i++) {
        const struct spf_term *t = &r->terms[i];
        switch (t->kind) {
        case SPF_TERM_ALL:
            /* A term that is already a syntax error ("all:foo") makes the
             * record permerror (RFC 7208 §4.6): it lets no host send, so it
             * gets no "every host may send".  Nor does an all right after a
             * lone qualifier ("~ all"), whose qualifier was meant for it. */
            if (i == r->all_index && !(t->flags & SPF_TERM_ERROR) &&
                !(i > 0 && lone_qualifier(&r->terms[i - 1])))
                lint_all(t, diags);
            break;
        case SPF_TERM_PTR:
            diag_add(diags, RULE_SPF_PTR, t->whole.start, t->whole.end,
                     "ptr is slow and unreliable and RFC 7208 says it SHOULD NOT be used; list "
                     "the addresses with ip4:/ip6: or a:");
            break;
        case SPF_TERM_IP4:
        case SPF_TERM_IP6:
            lint_ip(t, diags);
            if (t->dup_of != SPF_NONE) {
                char first[SPF_SNIPPET_MAX];
                const struct spf_term *o = &r->terms[t->dup_of];
                term_text(t->kind == SPF_TERM_IP6 ? "ip6" : "ip4", t, snip);
                term_text(o->kind == SPF_TERM_IP6 ? "ip6" : "ip4", o, first);
                diag_add(diags, RULE_SPF_DUPLICATE_INCLUDE, t->whole.start, t->whole.end,
                         "%s is the same network as %s earlier in the record; remove one",
                         snip, first);
            }
            break;
        case SPF_TERM_A:
        case SPF_TERM_MX:
            lint_host_cidr(t, diags);
            break;
        case SPF_TERM_INCLUDE:
            if (t->dup_of != SPF_NONE) {
                spf_snippet(t->domain, strlen(t->domain), snip);
                diag_add(diags, RULE_SPF_DUPLICATE_INCLUDE, t->whole.start, t->whole.end,
                         "include:%s appears twice; each copy costs DNS lookups again, remove "
                         "one",
                         snip);
            }
            /* fall through */
        case SPF_TERM_EXISTS:
            if ((t->flags & SPF_TERM_MACRO) && t->domain) {
                spf_snippet(t->domain, strlen(t->domain), snip);
                diag_add(diags, RULE_SPF_MACRO_OPAQUE, t->value_span.start, t->value_span.end,
                         "%s:%s uses macros: what it queries depends on each message, so it "
                         "cannot be expanded here",
                         spf_kind_name(t->kind), snip);
            }
            break;
        case SPF_TERM_REDIRECT:
            if (t->flags & SPF_TERM_IGNORED)
                diag_add(diags, RULE_SPF_REDIRECT_IGNORED, t->whole.start, t->whole.end,
                         "redirect= is ignored because the record has an all mechanism; remove "
                         "one of them");
            if ((t->flags & SPF_TERM_MACRO) && t->domain) {
                spf_snippet(t->domain, strlen(t->domain), snip);
                diag_add(diags, RULE_SPF_MACRO_OPAQUE, t->value_span.start, t->value_span.end,
                         "redirect=%s uses macros: what it queries depends on each message, so "
                         "it cannot be expanded here",
                         snip);
            }
            if (last_mechanism != SPF_NONE && i < last_mechanism)
                diag_add(diags, RULE_SPF_MODIFIER_NOT_LAST, t->whole.start, t->whole.end,
                         "redirect= stands before mechanisms; RFC 7208 §6 says it SHOULD come "
                         "last (it still takes effect only after them)");
            break;
        case SPF_TERM_EXP:
            if (last_mechanism != SPF_NONE && i < last_mechanism)
                diag_add(diags, RULE_SPF_MODIFIER_NOT_LAST, t->whole.start, t->whole.end,
                         "exp= stands before mechanisms; RFC 7208 §6 says it SHOULD come last");
            break;
        case SPF_TERM_UNKNOWN_MODIFIER:
            lint_unknown_modifier(t, diags);
            break;
        default:
            break;
        }
    }
}
