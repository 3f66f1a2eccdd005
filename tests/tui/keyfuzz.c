/* Keystroke fuzzer of the editor, on the headless driver (ptydrv.h).
 *
 *   keyfuzz --bin build/asan/authtxt --cli build/authtxt [--seed N]
 *           [--seconds N] [--corpus PATH]... [--out DIR] [--minimize-seconds N]
 *   keyfuzz --bin ... --cli ... --replay FILE...
 *
 * It types random keys, pastes, resizes and records from the project's
 * corpora (mutated), one key at a time, into every tab, field and the raw
 * editor, and after every input batch checks:
 *   crash     the program ended by a signal or with a sanitizer report;
 *   hang      it did not take its input within the time limit;
 *   record    the Record pane shows the draft's text as the core holds it;
 *   lint      the Lint pane lists what `authtxt lint` says of that text
 *             (same codes), row by row as the pane's list;
 *   navigation Up/Down/PgUp/PgDn/Home/End outside an editor change no
 *             draft (an arrow split into ESC, '[', 'A' moved SPF terms);
 *   resize    a resize is drawn without waiting for a key;
 *   save      Ctrl-S (dialogs answered) writes a file whose drafts, read
 *             back by the core, are the drafts the editor held.
 * A finding's key log (every event since the program started) is saved in
 * DIR, shrunk first when it can be (the same finding must come back on
 * replay), and replays with --replay.  Runs are reproducible from --seed,
 * modulo timing. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "authtxt/drafts.h"
#include "ptydrv.h"

#define SETTLE_MS 20000 /* ASan build on a loaded 2-core machine */
#define MAX_EVENTS 4000
#define MAX_RECORDS 6000
#define RECORD_CAP 700

/* ---------------------------------------------------------------------- */
/* Random numbers: xorshift64*, seeded, so a run is reproducible.         */

static unsigned long long rng_state = 1;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return n ? (unsigned)((rng_state * 2685821657736338717ULL) >> 33) % n : 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------- */
/* Events and key logs.                                                   */

enum event_kind { EV_KEY, EV_RESIZE, EV_SAVE };

struct event {
    enum event_kind kind;
    char *bytes; /* EV_KEY: what is written to the terminal */
    size_t len;
    int cols, lines;
};

struct session {
    char *args[8]; /* authtxt arguments (owned) */
    int nargs;
    char *zone; /* --load file contents written before start, or NULL */
    int cols, lines;
    struct event ev[MAX_EVENTS];
    size_t nev;
};

static void session_clear_events(struct session *s)
{
    for (size_t i = 0; i < s->nev; i++)
        free(s->ev[i].bytes);
    s->nev = 0;
}

static void session_free(struct session *s)
{
    session_clear_events(s);
    for (int i = 0; i < s->nargs; i++)
        free(s->args[i]);
    s->nargs = 0;
    free(s->zone);
    s->zone = NULL;
}

static bool session_add(struct session *s, struct event e)
{
    if (s->nev >= MAX_EVENTS) {
        free(e.bytes);
        return false;
    }
    s->ev[s->nev++] = e;
    return true;
}

static void put_hex(FILE *f, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", (unsigned char)p[i]);
}

/* A readable name for a key event, as a comment in the log. */
static void put_key_comment(FILE *f, const char *p, size_t n)
{
    fputs("  # ", f);
    for (size_t i = 0; i < n && i < 60; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == 27)
            fputs("ESC", f);
        else if (c == '\r')
            fputs("RET", f);
        else if (c < 32)
            fprintf(f, "C-%c", c + 96);
        else if (c == 127)
            fputs("DEL", f);
        else
            fputc(c, f);
    }
}

static bool session_write(const struct session *s, size_t nev, const char *path, const char *why,
                          unsigned long long seed)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "# authtxt keyfuzz log (replay: keyfuzz --replay FILE)\n");
    if (why)
        fprintf(f, "# finding: %s\n", why);
    if (seed)
        fprintf(f, "# seed: %llu\n", seed);
    fprintf(f, "size %d %d\n", s->cols, s->lines);
    if (s->zone) {
        fputs("zone ", f);
        put_hex(f, s->zone, strlen(s->zone));
        fputc('\n', f);
    }
    fputs("args", f);
    for (int i = 0; i < s->nargs; i++)
        fprintf(f, " %s", s->args[i]);
    fputc('\n', f);
    for (size_t i = 0; i < nev && i < s->nev; i++) {
        const struct event *e = &s->ev[i];
        if (e->kind == EV_RESIZE) {
            fprintf(f, "resize %d %d\n", e->cols, e->lines);
        } else if (e->kind == EV_SAVE) {
            fputs("save\n", f);
        } else {
            fputs("key ", f);
            put_hex(f, e->bytes, e->len);
            put_key_comment(f, e->bytes, e->len);
            fputc('\n', f);
        }
    }
    return fclose(f) == 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *unhex(const char *p, size_t *len)
{
    size_t n = strcspn(p, " \t\n#");
    char *out = malloc(n / 2 + 1);
    size_t k = 0;
    for (size_t i = 0; out && i + 1 < n; i += 2) {
        int hi = hexval((unsigned char)p[i]), lo = hexval((unsigned char)p[i + 1]);
        if (hi < 0 || lo < 0)
            break;
        out[k++] = (char)(hi * 16 + lo);
    }
    if (out)
        out[k] = '\0';
    *len = k;
    return out;
}

static bool session_read(struct session *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->cols = 100;
    s->lines = 30;
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (strncmp(line, "size ", 5) == 0) {
            sscanf(line + 5, "%d %d", &s->cols, &s->lines);
        } else if (strncmp(line, "zone ", 5) == 0) {
            size_t n;
            s->zone = unhex(line + 5, &n);
        } else if (strncmp(line, "args", 4) == 0) {
            char *save = NULL;
            for (char *t = strtok_r(line + 4, " \n", &save); t && s->nargs < 8;
                 t = strtok_r(NULL, " \n", &save))
                s->args[s->nargs++] = strdup(t);
        } else if (strncmp(line, "resize ", 7) == 0) {
            struct event e = {.kind = EV_RESIZE};
            sscanf(line + 7, "%d %d", &e.cols, &e.lines);
            session_add(s, e);
        } else if (strncmp(line, "save", 4) == 0) {
            session_add(s, (struct event){.kind = EV_SAVE});
        } else if (strncmp(line, "key ", 4) == 0) {
            struct event e = {.kind = EV_KEY};
            e.bytes = unhex(line + 4, &e.len);
            session_add(s, e);
        }
    }
    fclose(f);
    return true;
}

/* ---------------------------------------------------------------------- */
/* The program under test.                                                */

static const char *opt_bin, *opt_cli, *opt_out = "build/keyfuzz/findings";
static char scratch[512];
static unsigned long long keys_sent, checks_done, starts_done, saves_checked;
static unsigned long long refused_starts;
static bool minimizing; /* replays of the minimizer do not count */

struct runner {
    struct ptydrv drv;
    struct session *s;
    bool running;
    int save_no;
    char finding[600]; /* what went wrong, "" none */
    char sig[300];     /* the kind of finding, for dedup and the minimizer */
    json_t *last_dump; /* the editor's last dump when the finding came */
    char *san_text;    /* the sanitizer's report of a crash, or NULL */
    bool check_invariants;
};

static void finding(struct runner *r, const char *sig, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finding(struct runner *r, const char *sig, const char *fmt, ...)
{
    if (r->finding[0])
        return;
    snprintf(r->sig, sizeof r->sig, "%s", sig);
    json_decref(r->last_dump);
    r->last_dump = r->drv.dump ? json_deep_copy(r->drv.dump) : NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->finding, sizeof r->finding, fmt, ap);
    va_end(ap);
}

static void describe_exit(struct runner *r)
{
    char rep[512];
    int st = r->drv.status;
    char where[1100];
    if (ptydrv_sanitizer_report(&r->drv, rep, sizeof rep, where, sizeof where)) {
        /* Keep the report beside the key log (save_finding). */
        FILE *f = fopen(where, "r");
        struct strbuf text = STRBUF_INIT;
        char chunk[4096];
        size_t n;
        while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < (1u << 16))
            strbuf_append(&text, chunk, n);
        if (f)
            fclose(f);
        free(r->san_text);
        r->san_text = text.data ? strdup(text.data) : NULL;
        strbuf_free(&text);
        finding(r, rep, "crash: %s (sanitizer report, exit %d)", rep,
                WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    } else if (WIFSIGNALED(st))
        finding(r, strsignal(WTERMSIG(st)), "crash: signal %d (%s)", WTERMSIG(st),
                strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 3 && r->drv.seq == 0)
        refused_starts++; /* a file refused at start with a message (exit 3) */
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        char said[300];
        ptydrv_last_words(&r->drv, said, sizeof said);
        finding(r, "exit status", "exit status %d: the editor ended saying '%s'", WEXITSTATUS(st),
                said);
    }
}

static bool runner_start(struct runner *r)
{
    char path[700];
    snprintf(path, sizeof path, "%s/state", scratch);
    mkdir(path, 0700);
    if (r->s->zone) {
        snprintf(path, sizeof path, "%s/start.zone", scratch);
        FILE *f = fopen(path, "w");
        if (!f)
            return false;
        fputs(r->s->zone, f);
        fclose(f);
    }
    char *argv[12];
    int n = 0;
    argv[n++] = "authtxt";
    for (int i = 0; i < r->s->nargs; i++)
        argv[n++] = r->s->args[i];
    argv[n] = NULL;
    ptydrv_clear_reports(&r->drv);
    snprintf(r->drv.dir, sizeof r->drv.dir, "%s", scratch);
    ptydrv_clear_reports(&r->drv);
    if (!ptydrv_start(&r->drv, opt_bin, argv, scratch, r->s->cols, r->s->lines)) {
        perror("keyfuzz: cannot start the editor");
        return false;
    }
    if (!minimizing)
        starts_done++;
    r->running = true;
    r->save_no = 0;
    return true;
}

/* Wait for the program after an input; sets a finding when it crashed or
 * hung.  Returns true when the program is up and settled. */
static bool runner_settle(struct runner *r)
{
    for (;;) {
        enum ptydrv_state st = ptydrv_settle(&r->drv, SETTLE_MS);
        if (st == PTYDRV_READY)
            return true;
        if (st == PTYDRV_STOPPED) {
            /* ^Z in cbreak mode suspends the editor (the issue wants
             * undo there); note it and go on. */
            finding(r, "stopped", "stopped by signal %d: %s suspends the editor",
                    r->drv.stop_signal, r->drv.stop_signal == SIGTSTP ? "Ctrl-Z" : "a key");
            kill(r->drv.pid, SIGCONT);
            continue;
        }
        if (st == PTYDRV_EXITED) {
            describe_exit(r);
            r->running = false;
            ptydrv_stop(&r->drv);
            return false;
        }
        finding(r, "hang", "hang: no answer %d ms after the input", SETTLE_MS);
        ptydrv_stop(&r->drv);
        r->running = false;
        return false;
    }
}

/* ---------------------------------------------------------------------- */
/* Invariants.                                                            */

/* A hex field of the dump (testdump.c's exact bytes) decoded; NULL when
 * absent.  Owned by the caller. */
static char *dump_bytes(json_t *hex, size_t *len)
{
    const char *h = json_string_value(hex);
    if (!h)
        return NULL;
    return unhex(h, len);
}

/* The text of a pane row inside the frame: drop the border cell at each
 * end; *more is set when a scroll mark replaced the right border. */
static void pane_inner(const char *row, struct strbuf *out, bool *more)
{
    size_t n = strlen(row);
    /* Drop the first UTF-8 character (the border) and the last one. */
    size_t start = 0;
    if (n) {
        start = 1;
        while (start < n && ((unsigned char)row[start] & 0xc0) == 0x80)
            start++;
    }
    size_t end = n;
    if (end > start) {
        end--;
        while (end > start && ((unsigned char)row[end] & 0xc0) == 0x80)
            end--;
        /* term.c's GLYPH_MORE_UP / GLYPH_MORE_DOWN, UTF-8 or ASCII. */
        if (strncmp(row + end, "\xe2\x96\xb2", 3) == 0 ||
            strncmp(row + end, "\xe2\x96\xbc", 3) == 0 || row[end] == '^' || row[end] == 'v')
            *more = true;
    }
    strbuf_append(out, row + start, end - start);
}

static void strip_space(const char *s, size_t n, struct strbuf *out)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            strbuf_append(out, s + i, 1);
}

/* Only text every cell shows as itself is compared cell for cell:
 * printable ASCII and well-formed UTF-8 letters (draw.c escapes the rest). */
static bool plain_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p >= 0x80)
            return false;
    return true;
}

static void check_record_pane(struct runner *r)
{
    struct ptydrv *d = &r->drv;
    json_t *pane = json_object_get(d->dump, "record_pane");
    const char *text = ptydrv_str(d, "record_text");
    if (!json_is_array(pane) || !text || !*text || ptydrv_int(d, "slot", -1) < 0 ||
        ptydrv_bool(d, "raw_editing") || ptydrv_bool(d, "field_editing") || !plain_text(text))
        return;
    size_t rows = json_array_size(pane);
    if (rows < 3)
        return;
    struct strbuf shown = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
    bool more = false;
    for (size_t i = 1; i + 1 < rows; i++) {
        const char *row = json_string_value(json_array_get(pane, i));
        if (row)
            pane_inner(row, &shown, &more);
    }
    strip_space(shown.data ? shown.data : "", shown.len, &a);
    strip_space(text, strlen(text), &b);
    const char *sa = a.data ? a.data : "", *sb = b.data ? b.data : "";
    bool ok = more ? strstr(sb, sa) != NULL : strcmp(sa, sb) == 0;
    if (!ok) {
        size_t at = 0;
        while (sa[at] && sa[at] == sb[at])
            at++;
        size_t from = at > 30 ? at - 30 : 0;
        finding(r, "record pane",
                "record: the Record pane differs from the draft at byte %zu (spaces dropped): "
                "pane '%.60s' draft '%.60s' (%zu and %zu bytes, %s)",
                at, sa + from, sb + from, strlen(sa), strlen(sb), more ? "scrolled" : "all shown");
    }
    strbuf_free(&shown);
    strbuf_free(&a);
    strbuf_free(&b);
}

/* `authtxt lint --type KIND --json -` of text: its codes, in order.  The
 * last answers are kept (typing revisits texts after BSpace). */
#define LINT_CACHE 64
static struct {
    char *text, *kind;
    size_t len;
    json_t *codes;
} lint_cache[LINT_CACHE];
static unsigned lint_cache_next;

static json_t *cli_lint_codes(const char *kind, const char *text, size_t len)
{
    for (unsigned i = 0; i < LINT_CACHE; i++)
        if (lint_cache[i].text && lint_cache[i].len == len &&
            memcmp(lint_cache[i].text, text, len) == 0 && strcmp(lint_cache[i].kind, kind) == 0)
            return lint_cache[i].codes;
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        setenv("LC_ALL", "C.UTF-8", 1);
        setenv("TZ", "UTC", 1);
        execl(opt_cli, "authtxt", "lint", "--type", kind, "--json", "-", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_IGN);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(in[1], text + off, len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(in[1]);
    struct strbuf buf = STRBUF_INIT;
    char chunk[8192];
    ssize_t n;
    while ((n = read(out[0], chunk, sizeof chunk)) > 0)
        strbuf_append(&buf, chunk, (size_t)n);
    close(out[0]);
    int st;
    waitpid(pid, &st, 0);
    json_error_t err;
    json_t *j = json_loadb(buf.data ? buf.data : "", buf.len, 0, &err);
    strbuf_free(&buf);
    json_t *codes = json_array();
    json_t *diags = j ? json_object_get(j, "diagnostics") : NULL;
    size_t i;
    json_t *dg;
    json_array_foreach(diags, i, dg) json_array_append(codes, json_object_get(dg, "code"));
    json_decref(j);
    if (!diags) {
        json_decref(codes);
        return NULL;
    }
    unsigned k = lint_cache_next++ % LINT_CACHE;
    free(lint_cache[k].text);
    free(lint_cache[k].kind);
    json_decref(lint_cache[k].codes);
    lint_cache[k].text = malloc(len + 1);
    if (lint_cache[k].text) {
        memcpy(lint_cache[k].text, text, len);
        lint_cache[k].text[len] = '\0';
    }
    lint_cache[k].len = len;
    lint_cache[k].kind = strdup(kind);
    lint_cache[k].codes = codes;
    return codes;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The codes as one sorted, comma-joined string (a multiset compare). */
static void codes_join(json_t *arr, bool skip_cross, struct strbuf *out)
{
    const char *v[512];
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (n >= 512)
            break;
        if (json_is_object(x)) {
            if (skip_cross && json_is_true(json_object_get(x, "cross")))
                continue;
            x = json_object_get(x, "code");
        }
        if (json_is_string(x))
            v[n++] = json_string_value(x);
    }
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t k = 0; k < n; k++)
        strbuf_printf(out, "%s%s", k ? "," : "", v[k]);
}

static void check_lint(struct runner *r)
{
    static const char *kinds[] = {"spf", "dmarc", "dkim"};
    struct ptydrv *d = &r->drv;
    json_t *lint = json_object_get(d->dump, "lint");
    const char *text = ptydrv_str(d, "record_text");
    long long slot = ptydrv_int(d, "slot", -1);
    if (!json_is_array(lint) || !text || slot < 0 || slot > 2 || ptydrv_bool(d, "raw_editing"))
        return;
    /* The pane's rows show the list from lint_top on. */
    json_t *pane = json_object_get(d->dump, "lint_pane");
    long long top = ptydrv_int(d, "lint_top", 0);
    size_t rows = json_array_size(pane);
    for (size_t i = 1; i + 1 < rows; i++) {
        size_t k = (size_t)top + i - 1;
        if (k >= json_array_size(lint))
            break;
        const char *row = json_string_value(json_array_get(pane, i));
        const char *code = json_string_value(json_object_get(json_array_get(lint, k), "code"));
        if (row && code && !strstr(row, code)) {
            finding(r, "lint pane", "lint pane: row %zu shows '%.120s', the list has %s", i, row,
                    code);
            return;
        }
    }
    if (!*text)
        return;
    size_t raw_len = 0;
    char *raw = dump_bytes(json_object_get(d->dump, "record_hex"), &raw_len);
    json_t *cli = cli_lint_codes(kinds[slot], raw ? raw : text, raw ? raw_len : strlen(text));
    free(raw);
    if (!cli)
        return;
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    codes_join(lint, true, &a);
    codes_join(cli, false, &b);
    const char *sa = a.data ? a.data : "", *sb = b.data ? b.data : "";
    if (strcmp(sa, sb) != 0)
        finding(
            r, "lint",
            "lint: the Lint pane has [%.300s], authtxt lint --type %s has [%.300s] for '%.200s'",
            sa, kinds[slot], sb, text);
    strbuf_free(&a);
    strbuf_free(&b);
}

static void check_dump(struct runner *r)
{
    if (!r->check_invariants || !r->drv.dump)
        return;
    if (!minimizing)
        checks_done++;
    check_record_pane(r);
    check_lint(r);
}

/* ---------------------------------------------------------------------- */
/* Sending events.                                                        */

static bool send_event(struct runner *r, const struct event *e);

/* Ctrl-S with its dialogs answered into a new file of the scratch dir,
 * then the file read back by the core and compared with the drafts the
 * editor held before the save. */
static bool do_save(struct runner *r)
{
    struct ptydrv *d = &r->drv;
    /* Leave editors and dialogs first (Esc), as a user would. */
    for (int i = 0; i < 4 && (ptydrv_bool(d, "raw_editing") || ptydrv_bool(d, "field_editing") ||
                              ptydrv_int(d, "dialog", 0) || ptydrv_bool(d, "help_open"));
         i++) {
        if (!ptydrv_send(d, "\033", 1) || !runner_settle(r))
            return false;
    }
    if (ptydrv_bool(d, "raw_editing") || ptydrv_bool(d, "field_editing") ||
        ptydrv_int(d, "dialog", 0) || ptydrv_bool(d, "too_small"))
        return true; /* not in a state to save: skip */
    json_t *before = json_deep_copy(json_object_get(d->dump, "drafts_hex"));
    json_t *wanted = json_deep_copy(json_object_get(d->dump, "drafts_wanted"));
    /* The DKIM slot is the draft of the selector in view: a save writes
     * every selector's, and the file reads back with the first in view. */
    char selector[256];
    const char *sel = ptydrv_str(d, "selector");
    snprintf(selector, sizeof selector, "%s", sel ? sel : "");
    char path[700];
    snprintf(path, sizeof path, "%s/save-%d.zone", scratch, ++r->save_no);
    unlink(path);
    bool ok = ptydrv_send(d, "\023", 1) && runner_settle(r);
    for (int step = 0; ok && step < 6 && ptydrv_int(d, "dialog", 0); step++) {
        long long kind = ptydrv_int(d, "dialog", 0);
        const char *answers = ptydrv_str(d, "dialog_answers");
        char buf[800];
        if (kind == 2) { /* DIALOG_FORM: the file name */
            snprintf(buf, sizeof buf, "\025%s\r", path);
        } else if (kind == 1 && answers && *answers) {
            /* Overwrite / save anyway, else the first answer. */
            snprintf(buf, sizeof buf, "%c", strchr(answers, 'y') ? 'y' : answers[0]);
        } else if (kind == 3) {
            snprintf(buf, sizeof buf, "\r");
        } else {
            snprintf(buf, sizeof buf, "\033");
        }
        ok = ptydrv_send(d, buf, strlen(buf)) && runner_settle(r);
    }
    if (ok && ptydrv_int(d, "dialog", 0) == 0) {
        struct stat sb;
        /* The file this save named (the form always asks, and gets a new
         * name): the editor's last saved path may be an older save's when
         * this one wrote nothing (nothing of the user's to save). */
        const char *file = path;
        if (stat(file, &sb) == 0) {
            FILE *f = fopen(file, "r");
            struct strbuf zone = STRBUF_INIT;
            char chunk[8192];
            size_t n;
            while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
                strbuf_append(&zone, chunk, n);
            if (f)
                fclose(f);
            struct drafts back;
            drafts_init(&back);
            struct diag_list diags;
            diag_list_init(&diags);
            bool read = drafts_from_zone(&back, zone.data ? zone.data : "", zone.len, &diags);
            saves_checked++;
            /* A file without TXT records is a save of nothing (untouched
             * templates are not written): nothing to read back. */
            if (!read && zone.len && strstr(zone.data, " TXT "))
                finding(r, "save", "save: the saved file does not read back as drafts");
            for (int s = 0; read && s < DRAFT_COUNT; s++) {
                size_t want_len = 0;
                char *want = dump_bytes(json_array_get(before, (size_t)s), &want_len);
                const struct record *got = &back.rec[s];
                if (s == DRAFT_DKIM && selector[0]) {
                    int k = drafts_dkim_find(&back, selector);
                    got = k >= 0 ? drafts_dkim_record(&back, (size_t)k) : NULL;
                }
                static const struct record none;
                if (!got)
                    got = &none;
                if (got->len && want &&
                    (want_len != got->len || memcmp(want, got->text, got->len) != 0)) {
                    size_t at = 0;
                    while (at < want_len && at < got->len && want[at] == got->text[at])
                        at++;
                    finding(r, "save",
                            "save: slot %d reads back as %zu bytes, the editor held %zu; first "
                            "difference at byte %zu: file '%.40s' editor '%.40s'",
                            s, got->len, want_len, at, got->text + at, want + at);
                }
                /* A draft a save must write (drafts_slot_wanted: text, not
                 * an untouched template) that reads back as nothing. */
                if (!got->len && want_len && json_is_true(json_array_get(wanted, (size_t)s)))
                    finding(r, "save",
                            "save: slot %d (%zu bytes, to be written) reads back as nothing; "
                            "editor '%.40s'",
                            s, want_len, want);
                free(want); /* not written (an untouched template may not be): skipped */
            }
            diag_list_free(&diags);
            drafts_free(&back);
            strbuf_free(&zone);
        }
    }
    json_decref(before);
    json_decref(wanted);
    return ok;
}

/* Keys that only move the focus or scroll: Up/Down in both cursor modes,
 * Home/End, PgUp/PgDn (Left/Right pick a choice in a form: they edit). */
static bool is_navigation(const char *b, size_t n)
{
    static const char *const nav[] = {"\033[A", "\033[B", "\033OA", "\033OB",  "\033[H",
                                      "\033[F", "\033OH", "\033OF", "\033[5~", "\033[6~"};
    for (size_t i = 0; i < sizeof nav / sizeof *nav; i++)
        if (strlen(nav[i]) == n && memcmp(nav[i], b, n) == 0)
            return true;
    return false;
}

/* Sets a finding the first time a resize is not acted on until the next
 * input (the signal came between the loop's last read and its poll). */
static bool resize_lost_seen, fuzzing, replay_show_report;

static bool send_event(struct runner *r, const struct event *e)
{
    bool ok;
    if (e->kind == EV_RESIZE) {
        /* The kernel sends no SIGWINCH when the size does not change:
         * nothing to redraw, nothing to wait for. */
        if (e->cols == r->drv.cols && e->lines == r->drv.lines)
            return true;
        if (!ptydrv_resize(&r->drv, e->cols, e->lines))
            return runner_settle(r);
        enum ptydrv_state st = ptydrv_settle(&r->drv, resize_lost_seen && fuzzing ? 500 : 3000);
        if (st == PTYDRV_TIMEOUT) {
            /* Still up, not redrawn: SIGWINCH was lost until the next key.
             * Go on (the next key brings the resize) after saying so once. */
            /* Where it waits: poll(2) here means the signal came and went. */
            char wchan[64] = "?", path[64];
            snprintf(path, sizeof path, "/proc/%ld/wchan", (long)r->drv.pid);
            FILE *wf = fopen(path, "r");
            if (wf) {
                if (!fgets(wchan, sizeof wchan, wf))
                    snprintf(wchan, sizeof wchan, "?");
                fclose(wf);
            }
            if (!resize_lost_seen || !fuzzing)
                finding(r, "resize lost",
                        "resize lost: %dx%d was not drawn within 3 s; the editor waits in %s "
                        "(SIGWINCH between its last read and poll waits for the next key)",
                        e->cols, e->lines, wchan);
            resize_lost_seen = true;
            return true;
        }
        if (st == PTYDRV_READY) {
            check_dump(r);
            return true;
        }
        return runner_settle(r);
    } else if (e->kind == EV_SAVE) {
        return do_save(r);
    } else {
        ok = ptydrv_send(&r->drv, e->bytes, e->len);
        if (!minimizing)
            keys_sent++;
    }
    (void)ok; /* a failed write: the program ended, and settle says how */
    /* Moving the focus never edits: an arrow key that arrives as ESC [ B
     * must not run as Esc, '[' (move the term) and 'B'. */
    bool nav = e->kind == EV_KEY && is_navigation(e->bytes, e->len) && r->drv.dump &&
               !ptydrv_bool(&r->drv, "raw_editing") && !ptydrv_bool(&r->drv, "field_editing") &&
               !ptydrv_int(&r->drv, "dialog", 0) && !ptydrv_bool(&r->drv, "help_open");
    json_t *before = nav ? json_deep_copy(json_object_get(r->drv.dump, "drafts")) : NULL;
    if (!runner_settle(r)) {
        json_decref(before);
        return false;
    }
    if (before && r->check_invariants &&
        !json_equal(before, json_object_get(r->drv.dump, "drafts"))) {
        char name[64] = "";
        for (size_t i = 0; i < e->len && i < 20; i++)
            snprintf(name + strlen(name), sizeof name - strlen(name),
                     e->bytes[i] == 27 ? "ESC" : "%c", e->bytes[i]);
        finding(r, "navigation edits", "navigation edits: the key %s changed a draft", name);
    }
    json_decref(before);
    check_dump(r);
    return true;
}

/* Replay a session from its start; returns the finding ("" none).  The
 * program is stopped at the end. */
static void replay(struct session *s, size_t nev, bool invariants, char *out, size_t size,
                   char *sig, size_t sigsize)
{
    struct runner r = {.s = s, .check_invariants = invariants};
    out[0] = '\0';
    sig[0] = '\0';
    if (!runner_start(&r) || !runner_settle(&r)) {
        snprintf(out, size, "%s", r.finding[0] ? r.finding : "could not start");
        snprintf(sig, sigsize, "%s", r.finding[0] ? r.sig : "start");
        if (r.running)
            ptydrv_stop(&r.drv);
        return;
    }
    check_dump(&r);
    for (size_t i = 0; i < nev && i < s->nev && r.running && !r.finding[0]; i++)
        if (!send_event(&r, &s->ev[i]))
            break;
    if (r.running)
        ptydrv_stop(&r.drv);
    snprintf(out, size, "%s", r.finding);
    snprintf(sig, sigsize, "%s", r.sig);
    if (r.san_text && replay_show_report) {
        /* The first frames say where: enough to start on the bug. */
        int frames = 0;
        for (char *line = strtok(r.san_text, "\n"); line && frames < 8; line = strtok(NULL, "\n"))
            if (strstr(line, "runtime error") || strstr(line, "ERROR:") || strstr(line, "    #"))
                printf("  | %s\n", line), frames += strstr(line, "    #") != NULL;
    }
    free(r.san_text);
    json_decref(r.last_dump);
}

/* Shrink the events of s while the finding's signature stays; at most
 * `seconds`.  Chunks of halving size are dropped (a ddmin without the
 * complement step). */
static void minimize(struct session *s, const char *sig, bool invariants, int seconds)
{
    long long end = now_ms() + (long long)seconds * 1000;
    char got[600], gsig[600];
    for (size_t chunk = s->nev / 2 ? s->nev / 2 : 1; chunk >= 1 && now_ms() < end;
         chunk = chunk / 2) {
        for (size_t at = 0; at < s->nev && now_ms() < end;) {
            size_t n = chunk < s->nev - at ? chunk : s->nev - at;
            struct event saved[MAX_EVENTS];
            memcpy(saved, s->ev + at, n * sizeof *saved);
            memmove(s->ev + at, s->ev + at + n, (s->nev - at - n) * sizeof *s->ev);
            s->nev -= n;
            replay(s, s->nev, invariants, got, sizeof got, gsig, sizeof gsig);
            if (got[0] && strcmp(gsig, sig) == 0) {
                for (size_t k = 0; k < n; k++)
                    free(saved[k].bytes);
                continue; /* dropped; try the same place again */
            }
            memmove(s->ev + at + n, s->ev + at, (s->nev - at) * sizeof *s->ev);
            memcpy(s->ev + at, saved, n * sizeof *saved);
            s->nev += n;
            at += n;
        }
        if (chunk == 1)
            break;
    }
}

/* ---------------------------------------------------------------------- */
/* Corpora: records from the project's test data, mutated.                */

static char *records[MAX_RECORDS];
static size_t nrecords;

static void add_record(const char *p, size_t n)
{
    if (nrecords >= MAX_RECORDS || n < 3)
        return;
    if (n > RECORD_CAP)
        n = RECORD_CAP;
    char *r = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\' && i + 1 < n && (p[i + 1] == '"' || p[i + 1] == '\\'))
            continue; /* a C or YAML escape */
        r[k++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    r[k] = '\0';
    for (size_t i = 0; i < nrecords; i++)
        if (strcmp(records[i], r) == 0) {
            free(r);
            return;
        }
    records[nrecords++] = r;
}

/* Records inside a text file: from "v=spf1", "v=DMARC1", "v=DKIM1" up to
 * the end of the line or a closing quote. */
static void scan_text(const char *buf, size_t len)
{
    static const char *marks[] = {"v=spf1", "v=DMARC1", "v=DKIM1", "v=dmarc1", "k=rsa"};
    for (size_t i = 0; i < len; i++) {
        for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
            size_t ml = strlen(marks[m]);
            if (i + ml <= len && memcmp(buf + i, marks[m], ml) == 0) {
                size_t j = i;
                while (j < len && buf[j] != '\n' && buf[j] != '\'' &&
                       !(buf[j] == '"' && buf[j - 1] != '\\'))
                    j++;
                add_record(buf + i, j - i);
                i = j;
                break;
            }
        }
    }
}

static void load_corpus(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *dir = opendir(path);
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            load_corpus(sub);
        }
        if (dir)
            closedir(dir);
        return;
    }
    if (sb.st_size > (1 << 22))
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!buf)
        return;
    buf[n] = '\0';
    /* A fuzz corpus entry is one record (whole file); a text file holds
     * records among other text. */
    bool whole = strstr(path, "/corpus/") != NULL && n <= RECORD_CAP;
    if (whole)
        add_record(buf, n);
    else
        scan_text(buf, n);
    free(buf);
}

static const char *const builtin_records[] = {
    "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all",
    "v=DMARC1; p",
    "v=DMARC1; p=reject; rua=dmarc@example.net",
    "v=DMARC1; p=quarantine; pct=150; rua=mailto:a@example.com",
    "v=DKIM1; k=rsa; p=",
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
};

/* A record to type: from the corpora, mutated half the time. */
static char *pick_record(void)
{
    const char *base = nrecords && rnd(8)
                           ? records[rnd((unsigned)nrecords)]
                           : builtin_records[rnd(sizeof builtin_records / sizeof *builtin_records)];
    size_t n = strlen(base);
    char *r = malloc(n * 2 + 64);
    memcpy(r, base, n + 1);
    if (rnd(2) == 0)
        return r;
    static const char *junk[] = {
        "=",  ";", ":",       ",",  ".",    "-",    "+",        "~",
        "?",  "!", "/",       " ",  "\"",   "\\",   "\xc3\xa9", "\xe4\xbe\x8b",
        "%{", "}", "mailto:", "p=", "rua=", "ip4:", "0",        "999999999999",
        "\t"};
    for (unsigned m = rnd(3) + 1; m-- > 0;) {
        n = strlen(r);
        switch (rnd(5)) {
        case 0: /* truncate */
            r[rnd((unsigned)n + 1)] = '\0';
            break;
        case 1: { /* delete a range */
            size_t at = rnd((unsigned)n + 1), len = rnd(8);
            if (at + len > n)
                len = n - at;
            memmove(r + at, r + at + len, n - at - len + 1);
            break;
        }
        case 2: { /* insert junk */
            const char *j = junk[rnd(sizeof junk / sizeof *junk)];
            size_t at = rnd((unsigned)n + 1), jl = strlen(j);
            if (n + jl + 1 < n * 2 + 64) {
                memmove(r + at + jl, r + at, n - at + 1);
                memcpy(r + at, j, jl);
            }
            break;
        }
        case 3: { /* duplicate a piece */
            size_t at = rnd((unsigned)n + 1), len = rnd(12);
            if (at + len > n)
                len = n - at;
            if (n + len + 1 < n * 2 + 64) {
                memmove(r + at + len, r + at, n - at + 1); /* [at, at+len) now twice */
            }
            break;
        }
        default: /* replace a byte with a random printable one */
            if (n)
                r[rnd((unsigned)n)] = (char)(0x20 + rnd(95));
            break;
        }
    }
    return r;
}

/* ---------------------------------------------------------------------- */
/* The key alphabet.                                                      */

static const char *const special_keys[] = {
    "\033[A",   "\033[B",    "\033[C",    "\033[D",                     /* arrows (normal mode) */
    "\033OA",   "\033OB",    "\033OC",    "\033OD",                     /* arrows (keypad mode) */
    "\033[H",   "\033[F",    "\033OH",    "\033OF",                     /* Home End */
    "\033[5~",  "\033[6~",   "\033[2~",   "\033[3~",                    /* PgUp PgDn Ins Del */
    "\033OP",   "\033OQ",    "\033OR",    "\033OS",                     /* F1-F4 */
    "\033[15~", "\033[17~",  "\033[18~",  "\033[19~",                   /* F5-F8 */
    "\033[20~", "\033[21~",  "\033[23~",  "\033[24~",                   /* F9-F12 */
    "\t",       "\033[Z",    "\r",        "\033",     "\177",     "\b", /* Tab BTab Enter Esc BSpace
                                                                         */
    "[",        "]",         "+",         "-",        "~",        "?",     "1",         "2",
    "3",        "4",         "e",         "u",        "y",        "c",     " ",         "\032",
    "\031",     "\023",      "\017",      "\001",     "\005",     "\025",  "\013",      "\027",
    "\014",     "\022",      "\006",      "\002",     "\016",     "\020",  "\030",      "\007",
    "\004",     "\033[1;5A", "\033[1;2B", "\033[99~", "\033[",    "\033O", "\033[200~", /* odd ones
                                                                                         */
    "q",        "n",         "d",         "\03310",   "\033\033",
};

static struct event key_event(const char *bytes, size_t len)
{
    struct event e = {.kind = EV_KEY, .len = len};
    e.bytes = malloc(len + 1);
    memcpy(e.bytes, bytes, len);
    e.bytes[len] = '\0';
    return e;
}

static struct event random_key(void)
{
    unsigned k = rnd(10);
    char c[8];
    if (k < 5) {
        const char *s = special_keys[rnd(sizeof special_keys / sizeof *special_keys)];
        return key_event(s, strlen(s));
    }
    if (k < 9) {
        c[0] = (char)(0x20 + rnd(95));
        return key_event(c, 1);
    }
    static const char *utf8[] = {"\xc3\xa9", "\xe4\xbe\x8b", "\xf0\x9f\x98\x80",
                                 "\xc2\xa0", "\xe2\x80\xae", "\xcc\x81"};
    const char *s = utf8[rnd(sizeof utf8 / sizeof *utf8)];
    return key_event(s, strlen(s));
}

/* One UTF-8 character of s as a key (s advances). */
static struct event next_char(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = 1;
    if (*p >= 0xc0)
        while (p[n] && (p[n] & 0xc0) == 0x80 && n < 4)
            n++;
    struct event e = key_event(*s, n);
    *s += n;
    return e;
}

/* ---------------------------------------------------------------------- */
/* The fuzzing loop.                                                      */

static const int sizes[][2] = {{100, 30}, {80, 24}, {120, 40}, {200, 60}, {79, 24}, {80, 23},
                               {60, 20},  {40, 10}, {81, 25},  {132, 43}, {20, 5},  {90, 28}};

static void random_start(struct session *s)
{
    session_free(s);
    s->cols = rnd(4) ? 100 : sizes[rnd(sizeof sizes / sizeof *sizes)][0];
    s->lines = s->cols == 100 ? 30 : sizes[rnd(sizeof sizes / sizeof *sizes)][1];
    if (s->cols < 80 || s->lines < 24) { /* start mostly at a usable size */
        s->cols = 100;
        s->lines = 30;
    }
    switch (rnd(4)) {
    case 0:
        s->args[s->nargs++] = strdup("--example");
        break;
    case 1:
        break; /* the empty templates */
    default: { /* --load a zone of corpus records (mutated) */
        struct strbuf z = STRBUF_INIT;
        strbuf_puts(&z,
                    "$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 host 1 7200 900 1209600 300\n");
        strbuf_puts(&z, "; a comment\n@ IN NS ns1\n@ IN MX 10 mail\nmail IN A 192.0.2.25\n");
        const char *owners[] = {"@", "_dmarc", "s1._domainkey"};
        for (int i = 0; i < 3; i++) {
            if (rnd(4) == 0)
                continue;
            char *rec = pick_record();
            strbuf_printf(&z, "%s 300 IN TXT \"", owners[i]);
            for (char *p = rec; *p; p++)
                if (*p != '"' && *p != '\\')
                    strbuf_append(&z, p, 1);
            strbuf_puts(&z, "\"\n");
            free(rec);
        }
        s->zone = strdup(z.data);
        strbuf_free(&z);
        s->args[s->nargs++] = strdup("--load");
        s->args[s->nargs++] = strdup("start.zone");
        break;
    }
    }
}

/* Append the events of one random action. */
static void random_action(struct session *s)
{
    unsigned a = rnd(100);
    if (a < 30) { /* type a record one key at a time */
        const char *tabs[] = {"1", "2", "3"};
        session_add(s, key_event(tabs[rnd(3)], 1));
        bool raw = rnd(2) == 0;
        if (raw) {
            session_add(s, key_event("e", 1));
            if (rnd(3))
                session_add(s, key_event("\025", 1)); /* ^U: clear */
        } else {
            for (unsigned k = rnd(8); k-- > 0;)
                session_add(s, key_event("\033[B", 3));
            session_add(s, key_event("\r", 1));
        }
        char *rec = pick_record();
        const char *p = rec;
        if (!raw && strchr(p, '=') && rnd(2))
            p = strchr(p, '=') + 1; /* a tag's value into a field */
        while (*p && s->nev + 4 < MAX_EVENTS)
            session_add(s, next_char(&p));
        free(rec);
        const char *ends[] = {"\r", "\r", "\r", "\033", "\t", "\023"};
        const char *end = ends[rnd(6)];
        session_add(s, key_event(end, strlen(end)));
    } else if (a < 70) {
        for (unsigned k = rnd(4) + 1; k-- > 0;)
            session_add(s, random_key());
    } else if (a < 80) { /* a bracketed paste */
        char *rec = pick_record();
        struct strbuf p = STRBUF_INIT;
        strbuf_puts(&p, "\033[200~");
        strbuf_puts(&p, rec);
        if (rnd(3) == 0)
            strbuf_puts(&p, "\r\nmore\r\n");
        strbuf_puts(&p, "\033[201~");
        session_add(s, key_event(p.data, p.len));
        strbuf_free(&p);
        free(rec);
    } else if (a < 88) {
        struct event e = {.kind = EV_RESIZE};
        e.cols = sizes[rnd(sizeof sizes / sizeof *sizes)][0];
        e.lines = sizes[rnd(sizeof sizes / sizeof *sizes)][1];
        session_add(s, e);
        if (rnd(2)) /* back to a usable size after a while */
            session_add(s, (struct event){.kind = EV_RESIZE, .cols = 100, .lines = 30});
    } else if (a < 93) {
        session_add(s, (struct event){.kind = EV_SAVE});
    } else {
        /* Into the lint pane and back, help, undo/redo. */
        const char *seqs[] = {"\t\033[B\033[B\r", "?", "\033OP", "u", "\032", "\031", "1e\025\r"};
        const char *q = seqs[rnd(sizeof seqs / sizeof *seqs)];
        session_add(s, key_event(q, strlen(q)));
    }
}

static unsigned findings_saved;

static void save_finding(struct session *s, const char *what, const char *sig, json_t *dump,
                         const char *san_text, unsigned long long seed, int min_s, bool invariants)
{
    /* One file per signature and run. */
    static char seen[64][200];
    static unsigned nseen;
    for (unsigned i = 0; i < nseen; i++)
        if (strcmp(seen[i], sig) == 0) {
            printf("keyfuzz: again: %s\n", what);
            return;
        }
    if (nseen < 64)
        snprintf(seen[nseen++], sizeof seen[0], "%.199s", sig);
    size_t before = s->nev;
    /* A timing finding does not come back on every replay: kept whole. */
    if (min_s > 0 && strcmp(sig, "resize lost") != 0 && strcmp(sig, "hang") != 0) {
        minimizing = true;
        minimize(s, sig, invariants, min_s);
        minimizing = false;
    }
    char path[1024];
    /* Make the directory and its parents (build/keyfuzz/findings). */
    snprintf(path, sizeof path, "%s", opt_out);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/finding-%llu-%u.keys", opt_out, seed, findings_saved++);
    session_write(s, s->nev, path, what, seed);
    if (dump) { /* what the editor showed last, for the diagnosis */
        char jpath[1100];
        snprintf(jpath, sizeof jpath, "%.1000s.dump.json", path);
        json_dump_file(dump, jpath, JSON_INDENT(1));
    }
    if (san_text) {
        char spath[1100];
        snprintf(spath, sizeof spath, "%.1000s.san.txt", path);
        FILE *f = fopen(spath, "w");
        if (f) {
            fputs(san_text, f);
            fclose(f);
        }
    }
    printf("keyfuzz: FINDING %s\n  key log: %s (%zu events, from %zu)\n", what, path, s->nev,
           before);
}

static int run_fuzz(unsigned long long seed, int seconds, int min_s)
{
    rng_state = seed ? seed * 0x9e3779b97f4a7c15ULL : 1;
    fuzzing = true;
    long long end = now_ms() + (long long)seconds * 1000;
    unsigned nfind = 0;
    struct session *s = calloc(1, sizeof *s);
    struct runner r = {.s = s, .check_invariants = true};
    while (now_ms() < end) {
        random_start(s);
        if (!runner_start(&r))
            return 2;
        bool alive = runner_settle(&r);
        if (alive)
            check_dump(&r);
        size_t limit = 150 + rnd(250); /* events per program start */
        while (alive && !r.finding[0] && s->nev < limit && now_ms() < end) {
            size_t from = s->nev;
            random_action(s);
            for (size_t i = from; i < s->nev && r.running && !r.finding[0]; i++) {
                if (!send_event(&r, &s->ev[i])) {
                    s->nev = i + 1; /* the log ends at what was sent */
                    break;
                }
                if (r.finding[0])
                    s->nev = i + 1;
            }
            alive = r.running;
            if (!alive && !r.finding[0]) {
                /* It quit normally (q, ^C): start again. */
                break;
            }
        }
        if (r.running)
            ptydrv_stop(&r.drv);
        r.running = false;
        if (r.finding[0]) {
            nfind++;
            save_finding(s, r.finding, r.sig, r.last_dump, r.san_text, seed, min_s, true);
            free(r.san_text);
            r.san_text = NULL;
            r.finding[0] = '\0';
            json_decref(r.last_dump);
            r.last_dump = NULL;
        }
        session_clear_events(s);
    }
    session_free(s);
    free(s);
    printf("keyfuzz: seed %llu, %d s: %llu keys sent, %llu program starts, %llu checks, "
           "%llu saves read back, %llu starts refused with a message, %u findings\n",
           seed, seconds, keys_sent, starts_done, checks_done, saves_checked, refused_starts,
           nfind);
    return nfind ? 1 : 0;
}

static int run_replays(char **files, int n)
{
    int failed = 0;
    replay_show_report = true;
    for (int i = 0; i < n; i++) {
        struct session *s = calloc(1, sizeof *s);
        if (!session_read(s, files[i])) {
            fprintf(stderr, "keyfuzz: cannot read %s\n", files[i]);
            failed++;
            free(s);
            continue;
        }
        char got[600], sig[300];
        replay(s, s->nev, true, got, sizeof got, sig, sizeof sig);
        if (got[0]) {
            printf("FAIL %s: %s\n", files[i], got);
            failed++;
        } else {
            printf("ok %s (%zu events)\n", files[i], s->nev);
        }
        session_free(s);
        free(s);
    }
    printf("keyfuzz: %d/%d replays passed, %llu keys sent\n", n - failed, n, keys_sent);
    return failed ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: keyfuzz --bin AUTHTXT [--cli AUTHTXT] [--seed N] [--seconds N]\n"
                    "               [--corpus PATH]... [--out DIR] [--minimize-seconds N]\n"
                    "       keyfuzz --bin AUTHTXT [--cli AUTHTXT] --replay FILE...\n");
    exit(2);
}

static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[1100];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        struct stat sb;
        if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(sub);
        else
            unlink(sub);
    }
    if (dir)
        closedir(dir);
    rmdir(path);
}

int main(int argc, char **argv)
{
    unsigned long long seed = (unsigned long long)time(NULL);
    int seconds = 60, min_s = 60, nreplay = 0;
    char **replays = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--bin") && has)
            opt_bin = argv[++i];
        else if (!strcmp(a, "--cli") && has)
            opt_cli = argv[++i];
        else if (!strcmp(a, "--seed") && has)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--seconds") && has)
            seconds = atoi(argv[++i]);
        else if (!strcmp(a, "--minimize-seconds") && has)
            min_s = atoi(argv[++i]);
        else if (!strcmp(a, "--corpus") && has)
            load_corpus(argv[++i]);
        else if (!strcmp(a, "--out") && has)
            opt_out = argv[++i];
        else if (!strcmp(a, "--replay")) {
            replays = argv + i + 1;
            nreplay = argc - i - 1;
            break;
        } else
            usage();
    }
    if (!opt_bin)
        usage();
    if (!opt_cli)
        opt_cli = opt_bin;
    /* The editor runs in the scratch dir: absolute paths. */
    static char bin_abs[4096], cli_abs[4096];
    if (!realpath(opt_bin, bin_abs) || !realpath(opt_cli, cli_abs)) {
        fprintf(stderr, "keyfuzz: %s: %s\n", realpath(opt_bin, bin_abs) ? opt_cli : opt_bin,
                strerror(errno));
        return 2;
    }
    opt_bin = bin_abs;
    opt_cli = cli_abs;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/authtxt-keyfuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch)) {
        perror("keyfuzz: mkdtemp");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int rc;
    if (replays) {
        rc = run_replays(replays, nreplay);
    } else {
        printf("keyfuzz: %zu corpus records, seed %llu, %d s, binary %s\n", nrecords, seed, seconds,
               opt_bin);
        fflush(stdout);
        rc = run_fuzz(seed, seconds, min_s);
    }
    remove_tree(scratch);
    return rc;
}
