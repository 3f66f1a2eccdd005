/* `authtxt dkim keygen | match | rotate`: DKIM key pairs from the command
 * line.  The core makes keys, records and plans (authtxt/dkim_keys.h);
 * this file parses options, reads and writes the files (keyfile.c), asks
 * DNS for the record and prints.  A private key is never printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../net/fetch.h"
#include "../net/resolver.h"
#include "authtxt/dkim_keys.h"
#include "authtxt/drafts.h"
#include "authtxt/zone.h"
#include "cli.h"
#include "keyfile.h"
#include "netopts.h"

/* Exit status of match when DNS gave no answer (design.md, "second
 * version": 4 = DNS answers could not be had). */
#define CLI_DNS_FAILED 4

static const char dkim_usage[] =
    "Usage:\n"
    "  authtxt dkim keygen --domain DOMAIN --selector S [--type rsa|ed25519]\n"
    "                      [--bits 2048|3072|4096] [--hash sha256] [--testing]\n"
    "                      [--note TEXT] [--ttl SECONDS] [--out DIR]\n"
    "  authtxt dkim match  --key FILE --selector S (DOMAIN [DNS OPTIONS] | --load ZONEFILE\n"
    "                      [DOMAIN] | --record RECORD|-) [--pass-file FILE]\n"
    "  authtxt dkim rotate --domain DOMAIN --from OLD --to NEW [--ttl SECONDS]\n"
    "                      [--queue-time DURATION] [--out DIR [keygen options]]\n"
    "\n"
    "keygen  makes a key pair: DIR/S.private (PKCS#8 PEM, mode 0600) and DIR/S.zone\n"
    "        (the key record as a zone line); never overwrites a file.\n"
    "match   tells whether a private key belongs to the key record published at\n"
    "        S._domainkey.DOMAIN (live DNS, or a capture: --save-dns FILE records\n"
    "        the answer, --dns-file FILE replays it), in a zone file, or given.\n"
    "        Exit: 0 match, 1 no match (other key, other type, revoked),\n"
    "        2 record or key broken or missing, 3 usage or I/O, 4 DNS failure.\n"
    "rotate  prints the steps of a key rotation with their zone lines; with --out\n"
    "        it also makes the new key pair as keygen does.\n"
    "Run 'authtxt dkim COMMAND --help' for one command's options.\n";

static const char keygen_usage[] =
    "Usage: authtxt dkim keygen --domain DOMAIN --selector S [--type rsa|ed25519]\n"
    "                           [--bits 2048|3072|4096] [--hash sha256] [--testing]\n"
    "                           [--note TEXT] [--ttl SECONDS] [--out DIR]\n"
    "\n"
    "Makes a DKIM key pair with OpenSSL and writes, in DIR (default: the current\n"
    "directory), S.private (the private key, PKCS#8 PEM, created with mode 0600)\n"
    "and S.zone (the key record as a zone line, split into 255-byte strings).\n"
    "Existing files are never overwritten.  Prints both paths and the record.\n"
    "\n"
    "  --type rsa|ed25519  key type (default rsa); an Ed25519 key should be\n"
    "                      published beside an RSA key (RFC 8463 §4)\n"
    "  --bits N            RSA size: 2048 (default), 3072 or 4096; 1024 is refused\n"
    "                      (RFC 8301 §3.2)\n"
    "  --hash sha256       add h=sha256 (signatures must use SHA-256)\n"
    "  --testing           add t=y (the domain is testing DKIM)\n"
    "  --note TEXT         add n=TEXT (a note for people; quoted-printable)\n"
    "  --ttl SECONDS       TTL of the zone line (default 3600)\n";

static const char match_usage[] =
    "Usage: authtxt dkim match --key FILE --selector S DOMAIN [DNS OPTIONS]\n"
    "       authtxt dkim match --key FILE --selector S --load ZONEFILE [DOMAIN]\n"
    "       authtxt dkim match --key FILE --record RECORD|-\n"
    "                          [--pass-file FILE]\n"
    "\n"
    "Tells whether the private key FILE (PEM: PKCS#1 or PKCS#8, RSA or Ed25519,\n"
    "encrypted ones too) belongs to the key record at S._domainkey.DOMAIN, asked\n"
    "live, read from a zone file, or given.  An encrypted key's passphrase is\n"
    "asked on the terminal, or read from the first line of --pass-file FILE.\n"
    "Warns when FILE can be read by group or others.\n"
    "\n"
    "DNS options: --dns HOST[:PORT] | --doh URL [--doh-insecure | --doh-cafile F],\n"
    "  --timeout MS (per try), --save-dns FILE (write the key record's DNS answer\n"
    "  to FILE, a DNS capture) or --dns-file FILE (answer from such a file only,\n"
    "  no network; the output equals the recorded run's, a name the file lacks is\n"
    "  a DNS failure).  With either, the Record line does not name the server.\n"
    "Exit status: 0 match; 1 no match (another key, another key type, the record\n"
    "is revoked); 2 the record or the key is broken, or there is no record;\n"
    "3 usage or I/O; 4 DNS failure (timeout, SERVFAIL, REFUSED, a name missing\n"
    "from --dns-file).\n";

static const char rotate_usage[] =
    "Usage: authtxt dkim rotate --domain DOMAIN --from OLD --to NEW [--ttl SECONDS]\n"
    "                           [--queue-time DURATION] [--out DIR [--type rsa|ed25519]\n"
    "                           [--bits N] [--hash sha256] [--testing] [--note TEXT]]\n"
    "\n"
    "Prints the plan of a key rotation from selector OLD to NEW, as steps with\n"
    "their zone lines: publish NEW beside OLD, switch the signer, wait at least\n"
    "the TTL plus the longest queue time, revoke OLD (p= empty), remove it later.\n"
    "  --ttl SECONDS          TTL of the old record (default 3600)\n"
    "  --queue-time DURATION  longest time mail waits in queues: seconds, or a\n"
    "                         number with s, m, h or d (default 5d)\n"
    "  --out DIR              also make the new key pair, as keygen does, and put\n"
    "                         its record in the plan\n";

/* ---- option values ---------------------------------------------------- */

/* Digits only, 1..max. */
static bool parse_uint(const char *arg, uint32_t max, uint32_t *out)
{
    if (!arg || !*arg || strlen(arg) > 10)
        return false;
    unsigned long long v = 0;
    for (const char *p = arg; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v < 1 || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "432000", "90s", "30m", "12h", "5d". */
static bool parse_duration(const char *arg, uint32_t *out)
{
    size_t n = arg ? strlen(arg) : 0;
    if (n == 0 || n > 12)
        return false;
    uint32_t mult = 1;
    char buf[16];
    memcpy(buf, arg, n + 1);
    switch (buf[n - 1]) {
    case 's':
        mult = 1;
        break;
    case 'm':
        mult = 60;
        break;
    case 'h':
        mult = 3600;
        break;
    case 'd':
        mult = 86400;
        break;
    default:
        mult = 0;
        break;
    }
    if (mult)
        buf[n - 1] = '\0';
    else
        mult = 1;
    uint32_t v;
    if (!parse_uint(buf, 0xffffffffu / mult, &v))
        return false;
    *out = v * mult;
    return true;
}

static void print_safe_line(FILE *f, const char *label, const char *text)
{
    fputs(label, f);
    out_safe(f, text, strlen(text));
    fputc('\n', f);
}

/* Print text wrapped at 78 columns after `label`, the next lines
 * indented as deep as the label. */
static void print_wrapped(const char *text, const char *label)
{
    size_t width = 78 - strlen(label), col = 0;
    char indent[32];
    snprintf(indent, sizeof indent, "%*s", (int)strlen(label), "");
    const char *p = text;
    fputs(label, stdout);
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t w = sp ? (size_t)(sp - p) : strlen(p);
        if (col > 0 && col + 1 + w > width) {
            fputc('\n', stdout);
            fputs(indent, stdout);
            col = 0;
        } else if (col > 0) {
            fputc(' ', stdout);
            col++;
        }
        out_safe(stdout, p, w);
        col += w;
        p += w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', stdout);
}

/* ---- keygen ----------------------------------------------------------- */

struct keygen_args {
    const char *domain, *selector, *out_dir;
    struct dkim_keygen_options gen;
    uint32_t ttl;
};

enum {
    OPT_DOMAIN = 1000,
    OPT_SELECTOR,
    OPT_TYPE,
    OPT_BITS,
    OPT_HASH,
    OPT_TESTING,
    OPT_NOTE,
    OPT_OUT,
    OPT_TTL,
    OPT_KEY,
    OPT_LOAD,
    OPT_RECORD,
    OPT_PASS_FILE,
    OPT_FROM,
    OPT_TO,
    OPT_QUEUE,
    OPT_HELP,
};

/* The keygen options, shared by rotate --out.  Returns 1 when c was one
 * of them, 0 when not, CLI_USAGE on a bad value. */
static int keygen_option(struct keygen_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_TYPE:
        if (strcmp(arg, "rsa") == 0)
            a->gen.type = DKIM_KEY_RSA;
        else if (strcmp(arg, "ed25519") == 0)
            a->gen.type = DKIM_KEY_ED25519;
        else
            return cli_usage_error("--type %s: use rsa or ed25519", arg);
        return 1;
    case OPT_BITS: {
        uint32_t v;
        if (!parse_uint(arg, 65536, &v))
            return cli_usage_error("--bits %s: use 2048, 3072 or 4096", arg);
        a->gen.bits = v;
        return 1;
    }
    case OPT_HASH:
        if (strcmp(arg, "sha256") != 0)
            return cli_usage_error("--hash %s: only sha256 (RFC 8301 §3.1 forbids sha1)", arg);
        a->gen.hash_sha256 = true;
        return 1;
    case OPT_TESTING:
        a->gen.testing = true;
        return 1;
    case OPT_NOTE:
        a->gen.note = arg;
        return 1;
    case OPT_OUT:
        a->out_dir = arg;
        return 1;
    case OPT_TTL:
        if (!parse_uint(arg, ZONE_TTL_MAX, &a->ttl))
            return cli_usage_error("--ttl %s: seconds, 1 to %u", arg, ZONE_TTL_MAX);
        return 1;
    default:
        return 0;
    }
}

#define KEYGEN_LONG_OPTIONS                                                                        \
    {"type", required_argument, NULL, OPT_TYPE}, {"bits", required_argument, NULL, OPT_BITS},      \
        {"hash", required_argument, NULL, OPT_HASH}, {"testing", no_argument, NULL, OPT_TESTING},  \
        {"note", required_argument, NULL, OPT_NOTE}, {"out", required_argument, NULL, OPT_OUT},    \
    {                                                                                              \
        "ttl", required_argument, NULL, OPT_TTL                                                    \
    }

static int unknown_option(int c, char *const argv[])
{
    if (c == ':')
        return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
    return cli_usage_error("unknown option '%s'", argv[optind - 1]);
}

/* Check a selector and a domain; print why and return false. */
static bool names_ok(const char *selector, const char *domain, const char *sel_opt)
{
    struct strbuf why = STRBUF_INIT;
    bool ok = dkim_selector_check(selector, &why);
    if (!ok) {
        fprintf(stderr, "authtxt: %s '", sel_opt);
        out_safe(stderr, selector, strlen(selector));
        fputs("': ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
    }
    strbuf_free(&why);
    if (!ok)
        return false;
    char ascii[DMARC_NAME_MAX + 1], err[200];
    if (!net_domain_to_ascii(domain, ascii, sizeof ascii, err, sizeof err)) {
        fputs("authtxt: domain '", stderr);
        out_safe(stderr, domain, strlen(domain));
        fputs("': ", stderr);
        out_safe(stderr, err, strlen(err));
        fputc('\n', stderr);
        return false;
    }
    if (strlen(selector) + strlen("._domainkey.") + strlen(ascii) > DRAFTS_NAME_MAX) {
        fputs("authtxt: selector._domainkey.domain is longer than 253 characters\n", stderr);
        return false;
    }
    return true;
}

/* The owner name of the key record, through the drafts' naming (the
 * domain as A-labels). */
static bool owner_name(const char *domain, const char *selector, struct strbuf *out)
{
    char ascii[DMARC_NAME_MAX + 1], err[200];
    if (!net_domain_to_ascii(domain, ascii, sizeof ascii, err, sizeof err))
        return false;
    struct drafts d;
    drafts_init(&d);
    bool ok = drafts_set_domain(&d, ascii) && drafts_set_selector(&d, selector);
    if (ok)
        drafts_owner_name(&d, DRAFT_DKIM, out);
    drafts_free(&d);
    return ok && !out->failed;
}

/* Generate, write DIR/S.private and DIR/S.zone, print.  kp keeps the
 * pair for the caller (rotate).  Returns CLI_CLEAN or an error status. */
static int keygen_run(const struct keygen_args *a, struct dkim_keypair *kp, bool quiet)
{
    struct strbuf why = STRBUF_INIT, owner = STRBUF_INIT, zone = STRBUF_INIT;
    char *priv_path = NULL, *zone_path = NULL;
    int status = CLI_USAGE;
    const char *dir = a->out_dir ? a->out_dir : ".";

    if (!dkim_keygen_check(&a->gen, &why)) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
        goto done;
    }
    if (!owner_name(a->domain, a->selector, &owner)) {
        fputs("authtxt: cannot name the key record\n", stderr);
        goto done;
    }
    if (!keyfile_dir_writable(dir))
        goto done;
    size_t dl = strlen(dir), sl = strlen(a->selector);
    priv_path = malloc(dl + sl + 16);
    zone_path = malloc(dl + sl + 16);
    if (!priv_path || !zone_path)
        goto done;
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    sprintf(priv_path, "%s%s%s.private", dir, sep, a->selector);
    sprintf(zone_path, "%s%s%s.zone", dir, sep, a->selector);
    /* Refuse before generating (a 4096-bit key takes a while);
     * keyfile_write_all checks again, atomically, at the end. */
    struct stat st;
    const char *taken = lstat(priv_path, &st) == 0   ? priv_path
                        : lstat(zone_path, &st) == 0 ? zone_path
                                                     : NULL;
    if (taken) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, taken, strlen(taken));
        fputs(": already exists: not overwritten (move it away or pick another selector)\n",
              stderr);
        goto done;
    }

    if (!dkim_keygen(&a->gen, kp, &why)) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
        goto done;
    }
    strbuf_printf(&zone, "; DKIM key record, selector %s of %s (authtxt dkim keygen)\n",
                  a->selector, a->domain);
    struct zone_txt z = {strbuf_cstr(&owner), a->ttl ? a->ttl : DRAFTS_DEFAULT_TTL,
                         strbuf_cstr(&kp->record), kp->record.len};
    if (!zone_write_txt(&zone, &z, NULL) || zone.failed) {
        fputs("authtxt: the key record does not fit a zone line\n", stderr);
        goto done;
    }
    struct keyfile_out files[2] = {
        {priv_path, kp->private_pem, kp->private_len, 0600},
        {zone_path, zone.data, zone.len, 0644},
    };
    if (!keyfile_write_all(files, 2, NULL))
        goto done;
    if (!quiet) {
        print_safe_line(stdout, "Private key: ", priv_path);
        printf("             PKCS#8 PEM, mode 0600: keep it secret, give it to the signer only\n");
        print_safe_line(stdout, "Zone file:   ", zone_path);
        if (kp->type == DKIM_KEY_RSA)
            printf("Key:         %u-bit RSA\n", kp->bits);
        else
            printf("Key:         Ed25519\n");
        print_safe_line(stdout, "Record at:   ", strbuf_cstr(&owner));
        print_safe_line(stdout, "Record:      ", strbuf_cstr(&kp->record));
        printf("\nZone line (publish it, then check with: authtxt dkim match --key ");
        out_safe(stdout, priv_path, strlen(priv_path));
        printf(" --selector ");
        out_safe(stdout, a->selector, strlen(a->selector));
        fputc(' ', stdout);
        out_safe(stdout, a->domain, strlen(a->domain));
        printf("):\n");
        /* The zone text without its comment line. */
        const char *line = strchr(strbuf_cstr(&zone), '\n');
        fputs(line ? line + 1 : strbuf_cstr(&zone), stdout);
        const char *note = dkim_keygen_note(kp->type);
        if (note[0]) {
            fputc('\n', stdout);
            print_wrapped(note, "Note: ");
        }
    }
    status = CLI_CLEAN;
done:
    free(priv_path);
    free(zone_path);
    strbuf_free(&why);
    strbuf_free(&owner);
    strbuf_free(&zone);
    return status;
}

static int cmd_dkim_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, OPT_DOMAIN},
        {"selector", required_argument, NULL, OPT_SELECTOR},
        {"help", no_argument, NULL, OPT_HELP},
        KEYGEN_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct keygen_args a;
    memset(&a, 0, sizeof a);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DOMAIN:
            a.domain = optarg;
            break;
        case OPT_SELECTOR:
            a.selector = optarg;
            break;
        case OPT_HELP:
            fputs(keygen_usage, stdout);
            return CLI_CLEAN;
        default: {
            int r = keygen_option(&a, c, optarg);
            if (r == 0)
                return unknown_option(c, argv);
            if (r != 1)
                return r;
        }
        }
    }
    if (optind < argc)
        return cli_usage_error("dkim keygen: unexpected argument '%s'", argv[optind]);
    if (!a.domain || !a.selector)
        return cli_usage_error("dkim keygen needs --domain and --selector");
    if (!names_ok(a.selector, a.domain, "--selector"))
        return CLI_USAGE;
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    int status = keygen_run(&a, &kp, false);
    dkim_keypair_free(&kp);
    return status;
}

/* ---- match ------------------------------------------------------------ */

struct match_args {
    struct netopts net;
    const char *key, *load, *record, *pass_file, *domain;
};

/* The key record's text, from one of the three sources.  */
struct record_source {
    char *text; /* malloc'd, joined strings */
    size_t len;
    char where[600]; /* "s1._domainkey.example.com (DNS)" */
    size_t others;   /* more TXT records at the name */
};

struct dns_ctx {
    enum dns_status status;
    char error[256];
    struct dns_txt_answer txt;
};

static void on_answer(void *data, const struct net_answer *ans)
{
    struct dns_ctx *c = data;
    c->status = ans->status;
    snprintf(c->error, sizeof c->error, "%s", ans->error ? ans->error : "");
    for (size_t i = 0; i < ans->txt.count; i++) {
        const struct dns_txt *t = &ans->txt.records[i];
        const char *s = t->text;
        size_t l = t->len;
        dns_txt_answer_add(&c->txt, &s, &l, 1);
    }
}

static int record_from_dns(struct match_args *a, const char *owner, struct record_source *rs)
{
    /* --save-dns/--dns-file: the one TXT answer is all a capture needs. */
    struct net_resolver *res = netopts_open(&a->net);
    if (!res)
        return netopts_close(&a->net, NULL, CLI_USAGE);
    struct dns_ctx ctx = {.status = DNS_PENDING};
    dns_txt_answer_init(&ctx.txt);
    int status = CLI_CLEAN;
    if (!net_resolver_query(res, owner, NET_Q_TXT, on_answer, &ctx)) {
        fputs("authtxt: cannot ask for ", stderr);
        out_safe(stderr, owner, strlen(owner));
        fputs(": not a valid DNS name\n", stderr);
        status = CLI_USAGE;
        goto done;
    }
    net_resolver_wait(res);
    /* The server is named only when no capture is written or read: a
     * replay has none, and its output equals the recorded run's. */
    const char *server = a->net.save_dns || a->net.dns_file ? NULL : a->net.resolver.server;
    snprintf(rs->where, sizeof rs->where, "%s (DNS%s%s)", owner, server ? " " : "",
             server ? server : "");
    if (ctx.status >= DNS_TIMEOUT) {
        fputs("authtxt: DNS failure asking TXT ", stderr);
        out_safe(stderr, owner, strlen(owner));
        fprintf(stderr, ": %s", dns_status_name(ctx.status));
        if (ctx.error[0]) {
            fputs(": ", stderr);
            out_safe(stderr, ctx.error, strlen(ctx.error));
        }
        fputc('\n', stderr);
        printf("Result: DNS failure: the record could not be had (%s)\n",
               dns_status_name(ctx.status));
        status = CLI_DNS_FAILED;
        goto done;
    }
    if (ctx.status != DNS_OK || ctx.txt.count == 0) {
        printf("Record: ");
        out_safe(stdout, rs->where, strlen(rs->where));
        printf("\nResult: no key record: %s has no TXT record (%s)\n", owner,
               dns_status_name(ctx.status));
        status = CLI_ERRORS;
        goto done;
    }
    size_t i = dkim_key_pick_record(&ctx.txt);
    rs->others = ctx.txt.count - 1;
    rs->text = malloc(ctx.txt.records[i].len + 1);
    if (!rs->text) {
        status = CLI_USAGE;
        goto done;
    }
    memcpy(rs->text, ctx.txt.records[i].text, ctx.txt.records[i].len + 1);
    rs->len = ctx.txt.records[i].len;
done:
    dns_txt_answer_free(&ctx.txt);
    return netopts_close(&a->net, res, status);
}

static int record_from_zone(const struct match_args *a, const char *selector,
                            struct record_source *rs)
{
    size_t flen;
    char *file = cli_read_file(a->load, &flen);
    if (!file)
        return CLI_USAGE;
    char domain[DMARC_NAME_MAX + 1] = "";
    if (a->domain) {
        char err[200];
        if (!net_domain_to_ascii(a->domain, domain, sizeof domain, err, sizeof err)) {
            free(file);
            return cli_usage_error("domain '%s': %s", a->domain, err);
        }
    }
    struct zone z;
    zone_init(&z);
    struct diag_list diags;
    diag_list_init(&diags);
    int status = CLI_CLEAN;
    zone_read(&z, file, flen, NULL, &diags);
    const struct zone_record *found = NULL;
    size_t matches = 0;
    for (size_t i = 0; i < z.count; i++) {
        const struct zone_record *r = &z.records[i];
        if (r->kind != ZONE_KIND_DKIM_KEY || strcasecmp(r->selector, selector) != 0)
            continue;
        if (domain[0] && strcmp(r->domain, domain) != 0)
            continue;
        if (found && strcmp(found->domain, r->domain) != 0 && !domain[0]) {
            status = cli_usage_error("%s has key records for selector %s of several domains: "
                                     "name the DOMAIN",
                                     a->load, selector);
            goto done;
        }
        if (!found)
            found = r;
        matches++;
    }
    if (!found) {
        printf("Result: no key record: %s has no DKIM key record for selector ", a->load);
        out_safe(stdout, selector, strlen(selector));
        if (domain[0])
            printf(" of %s", domain);
        printf("\n");
        status = CLI_ERRORS;
        goto done;
    }
    snprintf(rs->where, sizeof rs->where, "%.250s line %zu (%.250s)", found->owner, found->line,
             a->load);
    rs->others = matches - 1;
    rs->text = malloc(found->len + 1);
    if (!rs->text) {
        status = CLI_USAGE;
        goto done;
    }
    memcpy(rs->text, found->text, found->len);
    rs->text[found->len] = '\0';
    rs->len = found->len;
done:
    diag_list_free(&diags);
    zone_free(&z);
    free(file);
    return status;
}

/* Load the key, asking for a passphrase when it is encrypted. */
static int load_key(const struct match_args *a, struct dkim_privkey *k)
{
    size_t len;
    mode_t mode;
    char *pem = keyfile_read(a->key, &len, &mode, NULL);
    if (!pem)
        return CLI_USAGE;
    struct strbuf why = STRBUF_INIT;
    char *pass = NULL;
    size_t pass_len = 0;
    enum dkim_privkey_status st;
    if (a->pass_file) {
        pass = keyfile_passphrase(a->pass_file, a->key, &pass_len);
        if (!pass) {
            keyfile_free(pem, len);
            return CLI_USAGE;
        }
    }
    st = dkim_privkey_load(k, pem, len, pass, pass_len, &why);
    if (st == DKIM_PRIVKEY_NEED_PASSPHRASE && !pass) {
        pass = keyfile_passphrase(NULL, a->key, &pass_len);
        if (pass) {
            strbuf_reset(&why);
            st = dkim_privkey_load(k, pem, len, pass, pass_len, &why);
        }
    }
    keyfile_free(pass, KEYFILE_PASS_MAX + 1);
    keyfile_free(pem, len);
    int status = CLI_CLEAN;
    if (st != DKIM_PRIVKEY_OK) {
        fputs("authtxt: --key ", stderr);
        out_safe(stderr, a->key, strlen(a->key));
        fputs(": ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
        /* A file that is not a usable private key is bad input (3); a
         * private key of a type DKIM cannot use is a broken key (2). */
        status = st == DKIM_PRIVKEY_UNSUPPORTED ? CLI_ERRORS : CLI_USAGE;
    }
    /* As opendkim-testkey does: a signing key others can read is a key
     * others can sign with.  Said once the file is known to be a key. */
    if (st == DKIM_PRIVKEY_OK && (mode & 077)) {
        fputs("authtxt: warning: ", stderr);
        out_safe(stderr, a->key, strlen(a->key));
        fprintf(stderr, " can be read%s by %s (mode %04o): run chmod 600 on it\n",
                (mode & 022) ? " or written" : "",
                (mode & 070) && (mode & 07) ? "group and others"
                : (mode & 070)              ? "its group"
                                            : "others",
                (unsigned)(mode & 07777));
    }
    strbuf_free(&why);
    return status;
}

static int cmd_dkim_match(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"load", required_argument, NULL, OPT_LOAD},
        {"record", required_argument, NULL, OPT_RECORD},
        {"pass-file", required_argument, NULL, OPT_PASS_FILE},
        {"help", no_argument, NULL, OPT_HELP},
        NETOPTS_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct match_args a;
    memset(&a, 0, sizeof a);
    netopts_init(&a.net);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_KEY:
            a.key = optarg;
            break;
        case OPT_LOAD:
            a.load = optarg;
            break;
        case OPT_RECORD:
            a.record = optarg;
            break;
        case OPT_PASS_FILE:
            a.pass_file = optarg;
            break;
        case OPT_HELP:
            fputs(match_usage, stdout);
            return CLI_CLEAN;
        default: {
            int r = netopts_option(&a.net, c, optarg, argv);
            if (r != 1)
                return r;
        }
        }
    }
    int r = netopts_check(&a.net);
    if (r)
        return r;
    if (argc - optind > 1)
        return cli_usage_error("dkim match: one DOMAIN at most ('%s' is extra)", argv[optind + 1]);
    a.domain = optind < argc ? argv[optind] : NULL;
    if (!a.key)
        return cli_usage_error("dkim match needs --key FILE (the private key)");
    if (a.record && (a.load || a.domain))
        return cli_usage_error("dkim match: --record excludes --load and DOMAIN");
    if (!a.record && !a.load && !a.domain)
        return cli_usage_error("dkim match needs DOMAIN, --load FILE or --record RECORD");
    const char *selector = a.net.nselectors ? a.net.selectors[0] : NULL;
    if (a.net.nselectors > 1)
        return cli_usage_error("dkim match takes one --selector");
    if (!a.record && !selector)
        return cli_usage_error("dkim match needs --selector S with DOMAIN or --load");
    if ((a.net.save_dns || a.net.dns_file) && (a.record || a.load))
        return cli_usage_error("dkim match: --save-dns and --dns-file go with DOMAIN (the key "
                               "record asked of DNS), not --record or --load");
    if (selector && !a.record) {
        struct strbuf why = STRBUF_INIT;
        bool ok = dkim_selector_check(selector, &why);
        if (!ok) {
            fputs("authtxt: --selector '", stderr);
            out_safe(stderr, selector, strlen(selector));
            fputs("': ", stderr);
            out_safe(stderr, strbuf_cstr(&why), why.len);
            fputc('\n', stderr);
        }
        strbuf_free(&why);
        if (!ok)
            return CLI_USAGE;
    }
    if (a.domain && !a.load && !names_ok(selector, a.domain, "--selector"))
        return CLI_USAGE;

    /* The key first: a bad key file is reported before any DNS query. */
    struct dkim_privkey key;
    dkim_privkey_init(&key);
    struct record_source rs;
    memset(&rs, 0, sizeof rs);
    struct dkim_match m;
    dkim_match_init(&m);
    struct strbuf owner = STRBUF_INIT;
    int status = load_key(&a, &key);
    if (status != CLI_CLEAN)
        goto done;
    fputs("Key:    ", stdout);
    out_safe(stdout, a.key, strlen(a.key));
    if (key.type == DKIM_KEY_RSA)
        printf(": %u-bit RSA, %s\n", key.bits, dkim_privkey_form_name(key.form));
    else
        printf(": Ed25519, %s\n", dkim_privkey_form_name(key.form));

    if (a.record) {
        rs.text = cli_read_record_arg(a.record, &rs.len);
        if (!rs.text) {
            status = CLI_USAGE;
            goto done;
        }
        snprintf(rs.where, sizeof rs.where, "given");
    } else if (a.load) {
        status = record_from_zone(&a, selector, &rs);
    } else {
        if (!owner_name(a.domain, selector, &owner)) {
            status = cli_usage_error("cannot name the key record of '%s'", a.domain);
            goto done;
        }
        status = record_from_dns(&a, strbuf_cstr(&owner), &rs);
    }
    if (status != CLI_CLEAN)
        goto done;
    printf("Record: ");
    out_safe(stdout, rs.where, strlen(rs.where));
    printf("\n        \"");
    out_safe(stdout, rs.text, rs.len);
    printf("\"\n");
    if (rs.others)
        printf("        (%zu more TXT record%s there; this one was used)\n", rs.others,
               rs.others == 1 ? "" : "s");
    dkim_match_record(&key, rs.text, rs.len, &m);
    printf("Result: ");
    out_safe(stdout, strbuf_cstr(&m.message), m.message.len);
    fputc('\n', stdout);
    status = dkim_match_status(m.result);
done:
    strbuf_free(&owner);
    dkim_match_free(&m);
    free(rs.text);
    dkim_privkey_free(&key);
    return status;
}

/* ---- rotate ----------------------------------------------------------- */

static int cmd_dkim_rotate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, OPT_DOMAIN},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"queue-time", required_argument, NULL, OPT_QUEUE},
        {"help", no_argument, NULL, OPT_HELP},
        KEYGEN_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct keygen_args a;
    memset(&a, 0, sizeof a);
    const char *from = NULL;
    uint32_t queue = 0;
    bool gen_opts = false;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DOMAIN:
            a.domain = optarg;
            break;
        case OPT_FROM:
            from = optarg;
            break;
        case OPT_TO:
            a.selector = optarg;
            break;
        case OPT_QUEUE:
            if (!parse_duration(optarg, &queue))
                return cli_usage_error("--queue-time %s: seconds, or a number with s, m, h or d "
                                       "(5d)",
                                       optarg);
            break;
        case OPT_HELP:
            fputs(rotate_usage, stdout);
            return CLI_CLEAN;
        default: {
            int r = keygen_option(&a, c, optarg);
            if (r == 0)
                return unknown_option(c, argv);
            if (r != 1)
                return r;
            if (c != OPT_OUT && c != OPT_TTL)
                gen_opts = true;
        }
        }
    }
    if (optind < argc)
        return cli_usage_error("dkim rotate: unexpected argument '%s'", argv[optind]);
    if (!a.domain || !from || !a.selector)
        return cli_usage_error("dkim rotate needs --domain, --from and --to");
    if (gen_opts && !a.out_dir)
        return cli_usage_error("dkim rotate: key options (--type, --bits, ...) need --out DIR");
    if (!names_ok(from, a.domain, "--from") || !names_ok(a.selector, a.domain, "--to"))
        return CLI_USAGE;

    struct dkim_rotate_plan plan;
    dkim_rotate_plan_init(&plan);
    struct dkim_keypair kp;
    dkim_keypair_init(&kp);
    struct strbuf why = STRBUF_INIT;
    char ascii[DMARC_NAME_MAX + 1], err[200];
    int status = CLI_USAGE;
    net_domain_to_ascii(a.domain, ascii, sizeof ascii, err, sizeof err);
    struct dkim_rotate_options ro = {
        .domain = ascii, .from = from, .to = a.selector, .ttl = a.ttl, .queue_seconds = queue};
    /* Check the plan can be made before any key is written. */
    if (!dkim_rotate_plan_build(&ro, &plan, &why)) {
        fputs("authtxt: ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
        goto done;
    }
    if (a.out_dir) {
        status = keygen_run(&a, &kp, false);
        if (status != CLI_CLEAN)
            goto done;
        status = CLI_USAGE;
        ro.new_record = strbuf_cstr(&kp.record);
        if (!dkim_rotate_plan_build(&ro, &plan, &why)) {
            fputs("authtxt: ", stderr);
            out_safe(stderr, strbuf_cstr(&why), why.len);
            fputc('\n', stderr);
            goto done;
        }
        fputc('\n', stdout);
    }
    printf("Key rotation for %s: selector %s -> %s\n", ascii, from, a.selector);
    for (size_t i = 0; i < plan.count; i++) {
        const struct dkim_rotate_step *s = &plan.steps[i];
        printf("\n%zu. ", i + 1);
        out_safe(stdout, strbuf_cstr(&s->title), s->title.len);
        fputc('\n', stdout);
        print_wrapped(strbuf_cstr(&s->text), "   ");
        if (s->zone.len) {
            /* Zone lines, indented. */
            const char *p = strbuf_cstr(&s->zone);
            while (*p) {
                const char *nl = strchr(p, '\n');
                size_t l = nl ? (size_t)(nl - p) : strlen(p);
                fputs("     ", stdout);
                fwrite(p, 1, l, stdout);
                fputc('\n', stdout);
                p += l + (nl ? 1 : 0);
            }
        }
    }
    status = CLI_CLEAN;
done:
    strbuf_free(&why);
    dkim_keypair_free(&kp);
    dkim_rotate_plan_free(&plan);
    return status;
}

int cmd_dkim(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(dkim_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_CLEAN;
    }
    if (strcmp(argv[1], "keygen") == 0)
        return cmd_dkim_keygen(argc - 1, argv + 1);
    if (strcmp(argv[1], "match") == 0)
        return cmd_dkim_match(argc - 1, argv + 1);
    if (strcmp(argv[1], "rotate") == 0)
        return cmd_dkim_rotate(argc - 1, argv + 1);
    return cli_usage_error("dkim: unknown command '%s' (keygen, match or rotate)", argv[1]);
}
