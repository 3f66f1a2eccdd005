/* Drafts are never lost: when the terminal goes away (SIGHUP, or its input
 * ends) or the program is told to stop (SIGTERM) with unsaved changes, the
 * drafts are written to a recovery file; the next start offers them back.
 *
 * Each session has its own file, named when it starts:
 * $XDG_STATE_HOME/authtxt/recovery-<pid>-<start time>.zone (XDG_STATE_HOME
 * defaults to ~/.local/state).  It is created with link() after the data
 * is on disk, so it never replaces another session's file, and it never
 * holds a private key.  At start the newest files of sessions that are no
 * longer running are offered; one is removed once restored or discarded. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authtxt/zone_edit.h"
#include "tui_app.h"

#define RECOVER_PREFIX "recovery-"
#define RECOVER_SUFFIX ".zone"

/* This session's directory and file; set by recover_init.  Empty dir: no
 * place (no HOME); dir_ok false: the directory cannot be written. */
static struct {
    char dir[4096];
    char file[4200];
    char why[300];
    bool dir_ok;
} session;

/* Offers at start: the candidates, newest first. */
#define OFFER_MAX 16
static struct {
    char path[OFFER_MAX][4200];
    long long when[OFFER_MAX];
    int count, next;
} offer;

static bool append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= cap)
        return false;
    memcpy(buf + *len, s, n + 1);
    *len += n;
    return true;
}

/* The directory, made (0700) when missing.  False when there is no home. */
static bool state_dir(char *out, size_t cap)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    size_t len = 0;
    out[0] = '\0';
    if (state && state[0] == '/') {
        if (!append(out, cap, &len, state))
            return false;
    } else if (home && home[0] == '/') {
        if (!append(out, cap, &len, home) || !append(out, cap, &len, "/.local"))
            return false;
        mkdir(out, 0700);
        if (!append(out, cap, &len, "/state"))
            return false;
    } else {
        return false;
    }
    mkdir(out, 0700);
    if (!append(out, cap, &len, "/authtxt"))
        return false;
    mkdir(out, 0700);
    return true;
}

void recover_init(void)
{
    memset(&session, 0, sizeof session);
    if (!state_dir(session.dir, sizeof session.dir)) {
        snprintf(session.why, sizeof session.why,
                 "no recovery file can be written: neither XDG_STATE_HOME nor HOME is set");
        session.dir[0] = '\0';
        return;
    }
    struct stat st;
    if (stat(session.dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
        access(session.dir, W_OK | X_OK) != 0) {
        snprintf(session.why, sizeof session.why,
                 "no recovery file can be written: %.200s is not a writable directory (%s)",
                 session.dir, strerror(errno ? errno : ENOTDIR));
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32] = "0";
    if (gmtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(session.file, sizeof session.file, "%s/" RECOVER_PREFIX "%ld-%s" RECOVER_SUFFIX,
             session.dir, (long)getpid(), stamp);
    session.dir_ok = true;
}

const char *recover_where(const char **why)
{
    *why = session.why;
    return session.dir_ok ? session.file : NULL;
}

/* Does the text hold a private key (pasted into a raw editor by mistake)?
 * Such a draft is not kept on disk. */
static bool holds_private_key(const char *text, size_t len)
{
    static const char mark[] = "PRIVATE KEY";
    for (size_t i = 0; i + sizeof mark - 1 <= len; i++)
        if (memcmp(text + i, mark, sizeof mark - 1) == 0)
            return true;
    return false;
}

bool recover_save(struct app *a, int sig)
{
    if (!a->modified)
        return true;
    if (!session.dir_ok)
        return false;
    struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
    struct strbuf owners[DRAFT_COUNT] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    struct zone_edit_draft d[DRAFT_COUNT];
    bool dropped_key = false;
    /* The drafts a save would write (an untouched template kept here would
     * come back as loaded, and be saved: an empty DKIM p=), less any draft
     * holding a private key. */
    drafts_zone_edit_drafts(&a->drafts, d, owners);
    for (int s = 0; s < DRAFT_COUNT; s++) {
        bool key = d[s].len && holds_private_key(d[s].text, d[s].len);
        dropped_key |= key;
        d[s].wanted = d[s].wanted && !key;
    }
    strbuf_printf(&text,
                  "; authtxt recovery: unsaved drafts%s%s of pid %ld, kept when the "
                  "editor %s.\n",
                  a->path.len ? " of " : "", a->path.len ? strbuf_cstr(&a->path) : "",
                  (long)getpid(),
                  sig == SIGHUP    ? "lost its terminal (SIGHUP)"
                  : sig == SIGTERM ? "was stopped (SIGTERM)"
                                   : "lost its terminal");
    if (dropped_key)
        strbuf_puts(&text, "; a draft holding a private key was not kept\n");
    struct zone_edit_result res;
    bool ok = zone_edit_fragment(a->drafts.domain, d, DRAFT_COUNT, &text, &res);
    if (!ok) { /* no zone line holds a draft too long for DNS: keep the others */
        for (int s = 0; s < DRAFT_COUNT; s++)
            if (res.drafts[s].action == ZONE_EDIT_TOO_LONG) {
                d[s].wanted = false;
                strbuf_printf(&text,
                              "; the %s draft, %zu bytes, is too long for a DNS record "
                              "and could not be kept\n",
                              record_kind_name(drafts_slot_kind((enum draft_slot)s)), d[s].len);
            }
        ok = zone_edit_fragment(a->drafts.domain, d, DRAFT_COUNT, &text, &res);
    }
    ok = ok && !text.failed;
    /* replace == false: link() fails rather than replace another's file. */
    ok = ok && files_write_atomic(session.file, strbuf_cstr(&text), text.len, false, NULL, &why);
    for (int s = 0; s < DRAFT_COUNT; s++)
        strbuf_free(&owners[s]);
    strbuf_free(&text);
    strbuf_free(&why);
    return ok;
}

/* "recovery-<pid>-<stamp>.zone": the pid, or 0 when the name is not one. */
static long recovery_pid(const char *name)
{
    size_t n = strlen(name), p = sizeof RECOVER_PREFIX - 1, s = sizeof RECOVER_SUFFIX - 1;
    if (n <= p + s || strncmp(name, RECOVER_PREFIX, p) != 0 ||
        strcmp(name + n - s, RECOVER_SUFFIX) != 0)
        return 0;
    long pid = 0;
    size_t i = p;
    for (; i < n && name[i] >= '0' && name[i] <= '9' && pid < 100000000; i++)
        pid = pid * 10 + (name[i] - '0');
    return i > p && name[i] == '-' ? pid : 0;
}

/* Is that session still running (its file may yet be written)? */
static bool session_running(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* The files left by sessions no longer running, newest first. */
static void find_offers(void)
{
    offer.count = offer.next = 0;
    if (!session.dir[0])
        return;
    DIR *dir = opendir(session.dir);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        long pid = recovery_pid(e->d_name);
        bool legacy = strcmp(e->d_name, "recovery.zone") == 0; /* authtxt before 2 */
        if ((!pid && !legacy) || session_running(pid))
            continue;
        char path[4200];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", session.dir, e->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        long long when = (long long)st.st_mtime;
        int at = offer.count < OFFER_MAX ? offer.count : OFFER_MAX - 1;
        if (offer.count == OFFER_MAX && when <= offer.when[at])
            continue;
        while (at > 0 && offer.when[at - 1] < when) {
            memcpy(offer.path[at], offer.path[at - 1], sizeof offer.path[at]);
            offer.when[at] = offer.when[at - 1];
            at--;
        }
        memcpy(offer.path[at], path, strlen(path) + 1);
        offer.when[at] = when;
        if (offer.count < OFFER_MAX)
            offer.count++;
    }
    closedir(dir);
}

static void offer_next(struct app *a);

static bool recover_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    const char *path = offer.path[offer.next];
    struct strbuf why = STRBUF_INIT;
    if (choice == 'y') {
        /* Loaded as new, unsaved drafts: saving asks for a file. */
        if (files_load(a, path, &why)) {
            strbuf_reset(&a->path);
            strbuf_reset(&a->saved_zone);
            a->modified = true;
            app_reload_tabs(a);
            unlink(path);
            app_message(a, ROLE_GOOD,
                        "restored the unsaved drafts of an earlier session: "
                        "Ctrl-S saves them");
        } else {
            app_message(a, ROLE_ERROR, "could not restore: %s", strbuf_cstr(&why));
        }
    } else if (choice == 'd') {
        unlink(path);
        app_message(a, ROLE_INFO, "discarded the recovered drafts");
        offer.next++;
        offer_next(a); /* the next one, if any */
    } else {
        app_message(a, ROLE_INFO, "recovered drafts kept in %.200s for later", path);
    }
    a->dirty |= DIRTY_ALL;
    strbuf_free(&why);
    return true;
}

static void offer_next(struct app *a)
{
    if (offer.next >= offer.count)
        return;
    static char text[900];
    char when[40] = "An earlier session";
    time_t t = (time_t)offer.when[offer.next];
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "The session of %Y-%m-%d %H:%M UTC", &tm);
    int more = offer.count - offer.next - 1;
    snprintf(text, sizeof text,
             "%s ended with unsaved drafts; they were kept in %.400s. Restore them?%s", when,
             offer.path[offer.next],
             more > 0 ? " (More recovery files follow: d takes the next.)" : "");
    dialog_question(a, "Recovered drafts", text, "ynd", "y Restore  n Later  d Discard",
                    recover_answer, NULL);
}

void recover_offer(struct app *a)
{
    find_offers();
    offer_next(a);
}
