/* Saving and opening the drafts as a zone-file fragment.  The core turns
 * drafts into zone text and back (drafts_to_zone, drafts_from_zone); this
 * file does the I/O: atomic writes (temporary file in the same directory,
 * fsync, rename or link, fsync of the directory), never replacing a file
 * without asking, and the dialogs around it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authtxt/zone_edit.h"
#include "tui_app.h"

bool files_read(const char *path, struct strbuf *out, struct strbuf *why)
{
    bool ok = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        strbuf_printf(why, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        strbuf_printf(why, "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        strbuf_printf(why, "%s is not a regular file", path);
        goto done;
    }
    if (st.st_size > (off_t)FILES_MAX) {
        strbuf_printf(why, "%s is too large (%lld bytes; at most %u)", path, (long long)st.st_size,
                      FILES_MAX);
        goto done;
    }
    strbuf_reset(out);
    out->limit = FILES_MAX + 1;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            strbuf_printf(why, "cannot read %s: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        strbuf_append(out, buf, (size_t)n);
        if (out->failed || out->len > FILES_MAX) {
            strbuf_printf(why, "%s is too large (at most %u bytes)", path, FILES_MAX);
            goto done;
        }
    }
    ok = true;
done:
    close(fd);
    return ok;
}

void files_stamp(const char *path, struct file_stamp *out)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    if (!path || stat(path, &st) != 0)
        return;
    out->exists = true;
    out->dev = st.st_dev;
    out->ino = st.st_ino;
    out->size = st.st_size;
    out->mtime = st.st_mtim;
}

bool files_stamp_equal(const struct file_stamp *a, const struct file_stamp *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Where the bytes of `path` go: the path itself, or for a symbolic link
 * its target (the link stays a link; renaming over the link would replace
 * it with a plain file).  False with why when the link leads nowhere. */
static bool resolve_target(const char *path, char *target, size_t cap, struct strbuf *why)
{
    struct stat lst;
    if (lstat(path, &lst) != 0 || !S_ISLNK(lst.st_mode)) {
        if (strlen(path) >= cap) {
            strbuf_puts(why, "the path is too long");
            return false;
        }
        memcpy(target, path, strlen(path) + 1);
        return true;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        strbuf_printf(why, "%s is a symbolic link to a file that cannot be reached: %s", path,
                      strerror(errno));
        return false;
    }
    bool ok = strlen(real) < cap;
    if (ok)
        memcpy(target, real, strlen(real) + 1);
    else
        strbuf_puts(why, "the path is too long");
    free(real);
    return ok;
}

bool files_write_atomic(const char *path, const char *data, size_t len, bool replace,
                        bool *dropped_setid, struct strbuf *why)
{
    bool ok = false;
    int fd = -1;
    char target[4096], dir[4096], tmp[4200];
    if (dropped_setid)
        *dropped_setid = false;
    if (!resolve_target(path, target, sizeof target, why))
        return false;
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (!*base) {
        strbuf_printf(why, "%s names a directory, not a file", path);
        return false;
    }
    if (slash) {
        size_t n = (size_t)(slash - target);
        memcpy(dir, target, n ? n : 1); /* "/name": the root directory */
        dir[n ? n : 1] = '\0';
    } else {
        memcpy(dir, ".", 2);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base) >= sizeof tmp) {
        strbuf_puts(why, "the path is too long");
        return false;
    }
    struct stat st;
    bool existed = stat(target, &st) == 0;
    if (existed && !replace) {
        strbuf_printf(why, "%s exists", path);
        return false;
    }
    if (existed && !S_ISREG(st.st_mode)) {
        strbuf_printf(why, "%s is not a regular file", path);
        return false;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        strbuf_printf(why, "cannot create a file in %s: %s", dir, strerror(errno));
        return false;
    }
    /* The new file gets the old one's owner and permissions, never a
     * setuid or setgid bit (a zone file is no program), or the usual ones. */
    mode_t mode;
    if (existed) {
        mode = st.st_mode & 0777;
        if (dropped_setid)
            *dropped_setid = (st.st_mode & (S_ISUID | S_ISGID)) != 0;
        struct stat mine;
        if (fstat(fd, &mine) == 0 && (mine.st_uid != st.st_uid || mine.st_gid != st.st_gid) &&
            fchown(fd, st.st_uid, st.st_gid) != 0) {
            strbuf_printf(why,
                          "%s belongs to uid %u, gid %u and a file written by this user "
                          "would not (%s); save as its owner or into another file",
                          path, (unsigned)st.st_uid, (unsigned)st.st_gid, strerror(errno));
            goto done;
        }
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || !write_all(fd, data, len) || fsync(fd) != 0) {
        strbuf_printf(why, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        strbuf_printf(why, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    fd = -1;
    if (replace) {
        if (rename(tmp, target) != 0) {
            strbuf_printf(why, "cannot replace %s: %s", path, strerror(errno));
            goto done;
        }
    } else {
        /* link() fails if the name appeared meanwhile: never clobbered. */
        if (link(tmp, target) != 0) {
            strbuf_printf(why, errno == EEXIST ? "%s exists" : "cannot create %s: %s", path,
                          strerror(errno));
            goto done;
        }
        unlink(tmp);
    }
    tmp[0] = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    ok = true;
done:
    if (fd >= 0)
        close(fd);
    if (tmp[0])
        unlink(tmp);
    return ok;
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                */

bool files_load(struct app *a, const char *path, struct strbuf *why)
{
    struct strbuf text = STRBUF_INIT;
    bool ok = false;
    if (!files_read(path, &text, why))
        goto done;
    struct drafts fresh;
    drafts_init(&fresh);
    fresh.now = a->drafts.now;
    struct diag_list diags;
    diag_list_init(&diags);
    if (!drafts_from_zone(&fresh, strbuf_cstr(&text), text.len, &diags)) {
        strbuf_printf(why, "%s: %s", path,
                      diags.count ? diags.items[0].message : "no SPF, DMARC or DKIM record found");
        drafts_free(&fresh);
        diag_list_free(&diags);
        goto done;
    }
    drafts_free(&a->drafts);
    a->drafts = fresh;
    strbuf_reset(&a->path);
    strbuf_puts(&a->path, path);
    files_stamp(path, &a->stamp);
    strbuf_reset(&a->saved_zone);
    drafts_to_zone(&a->drafts, &a->saved_zone);
    a->modified = false;
    if (diags.count)
        app_message(a, ROLE_WARNING, "opened %s; %zu zone problem%s, first: %s", path, diags.count,
                    diags.count == 1 ? "" : "s", diags.items[0].message);
    else
        app_message(a, ROLE_GOOD, "opened %s", path);
    diag_list_free(&diags);
    ok = true;
done:
    strbuf_free(&text);
    return ok;
}

/* ---------------------------------------------------------------------- */
/* The save flow: form (name, TTL, file) -> "write through the link?" ->
 * "changed on disk?" / "save into it or replace it?" -> in place: "bump
 * the SOA serial?" -> write.  Saving to the file that was opened (or any
 * existing zone file, when chosen) rewrites only the drafts' records in it
 * (zone_edit.h); a new file gets a fragment. */

static struct {
    bool then_quit;
    bool set_ttl;      /* the TTL was changed in the form: applies to rewritten records */
    char path[4096];   /* as typed */
    char target[4096]; /* where the bytes go (a link's target) */
    bool through_link;
    char question[4600]; /* the text of the question being asked */
} save;

/* A TTL as typed: decimal digits, at most 2^31 - 1 (RFC 2181 §8). */
static bool parse_ttl(const char *s, size_t len, unsigned *out)
{
    unsigned long long v = 0;
    if (len == 0 || len > 10)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 2147483647ull)
        return false;
    *out = (unsigned)v;
    return true;
}

/* The entries of drafts_zone_edit_drafts: SPF, DMARC, then one per DKIM
 * selector. */
static size_t entry_count(const struct app *a) { return 2 + drafts_dkim_count(&a->drafts); }

/* "SPF", "DMARC", "DKIM" (one selector) or "DKIM s2" (several). */
static const char *entry_label(const struct app *a, size_t i, char *buf, size_t cap)
{
    if (i < 2)
        return i == 0 ? "SPF" : "DMARC";
    if (drafts_dkim_count(&a->drafts) == 1)
        return "DKIM";
    snprintf(buf, cap, "DKIM %s", drafts_dkim_selector(&a->drafts, i - 2));
    return buf;
}

static size_t entry_len(const struct app *a, size_t i)
{
    if (i < 2)
        return a->drafts.rec[i].len;
    const struct record *r = drafts_dkim_record(&a->drafts, i - 2);
    return r ? r->len : 0;
}

/* The drafts as zone_edit takes them (owners live in owners[]; both hold
 * DRAFTS_ZONE_MAX), with the TTL the user chose for this save.  Returns
 * how many were filled. */
static size_t save_drafts(const struct app *a, struct zone_edit_draft d[DRAFTS_ZONE_MAX],
                          struct strbuf owners[DRAFTS_ZONE_MAX])
{
    size_t n = drafts_zone_edit_drafts(&a->drafts, d, owners);
    for (size_t i = 0; i < n; i++)
        d[i].set_ttl = save.set_ttl;
    return n;
}

static void owners_init(struct strbuf owners[DRAFTS_ZONE_MAX])
{
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_init(&owners[i]);
}

static void owners_free(struct strbuf owners[DRAFTS_ZONE_MAX])
{
    for (int i = 0; i < DRAFTS_ZONE_MAX; i++)
        strbuf_free(&owners[i]);
}

/* "not saved: the DKIM draft is too long ..." for the first too long. */
static bool refuse_too_long(struct app *a, const struct zone_edit_result *res)
{
    char buf[DRAFTS_SELECTOR_MAX + 8];
    for (size_t s = 0; s < entry_count(a); s++)
        if (res->drafts[s].action == ZONE_EDIT_TOO_LONG) {
            app_message(a, ROLE_ERROR,
                        "not saved: the %s draft is %zu bytes, more than one DNS record holds "
                        "(65,535 bytes with a length byte per 255): shorten it",
                        entry_label(a, s, buf, sizeof buf), entry_len(a, s));
            return true;
        }
    return false;
}

/* Saved: what the file now holds is what the drafts are. */
static void saved(struct app *a)
{
    strbuf_reset(&a->saved_zone);
    drafts_to_zone(&a->drafts, &a->saved_zone);
    strbuf_reset(&a->path);
    strbuf_puts(&a->path, save.path);
    files_stamp(save.path, &a->stamp);
    a->modified = false;
    a->dirty |= DIRTY_TABS;
    if (save.then_quit)
        a->quit = true;
}

/* One line on what a save did: records rewritten/added, the serial, and
 * what was left as it was. */
static void describe(const struct app *a, const struct zone_edit_result *res, uint32_t new_serial,
                     bool in_place, bool dropped_setid, struct strbuf *msg)
{
    char buf[DRAFTS_SELECTOR_MAX + 8];
    strbuf_printf(msg, "saved %s %s:", in_place ? "into" : "to", save.path);
    const char *sep = " ";
    for (size_t s = 0; s < entry_count(a); s++) {
        const char *label = entry_label(a, s, buf, sizeof buf);
        const struct zone_edit_outcome *o = &res->drafts[s];
        if (o->action == ZONE_EDIT_REWRITTEN)
            strbuf_printf(msg, "%s%s rewritten (line %zu)", sep, label, o->line);
        else if (o->action == ZONE_EDIT_ADDED)
            strbuf_printf(msg, "%s%s %s", sep, label, in_place ? "added" : "written");
        else if (o->action == ZONE_EDIT_REMOVED)
            strbuf_printf(msg, "%s%s removed (line %zu), as its draft was", sep, label, o->line);
        else
            continue;
        sep = ", ";
    }
    if (res->changes == 0)
        strbuf_puts(msg, " no record (no draft of yours yet)");
    if (res->serial_bumped)
        strbuf_printf(msg, "; serial %u -> %u", res->serial, new_serial);
    for (size_t s = 0; s < entry_count(a); s++) {
        const char *label = entry_label(a, s, buf, sizeof buf);
        const struct zone_edit_outcome *o = &res->drafts[s];
        if (o->others)
            strbuf_printf(msg, "; %zu more %s record%s at that name (line %zu) left as %s",
                          o->others, label, o->others == 1 ? "" : "s", o->other_line,
                          o->others == 1 ? "it is" : "they are");
        if (o->ttl_kept)
            strbuf_printf(msg,
                          "; %s kept its TTL: the file has no $TTL before it, so later "
                          "records take their TTL from it",
                          label);
        if (o->action == ZONE_EDIT_LEFT)
            strbuf_printf(msg,
                          "; no %s draft of yours (empty or an untouched template): the "
                          "file's record on line %zu left as it is",
                          label, o->line);
    }
    if (res->zone_problems)
        strbuf_printf(msg, "; %zu zone problem%s in the file (authtxt lint --zone)",
                      res->zone_problems, res->zone_problems == 1 ? "" : "s");
    if (save.through_link)
        strbuf_printf(msg, "; written through the link to %s", save.target);
    if (dropped_setid)
        strbuf_puts(msg, "; its setuid/setgid bit was dropped");
}

static void write_out(struct app *a, const struct strbuf *text, bool replace, bool in_place,
                      const struct zone_edit_result *res, uint32_t new_serial)
{
    struct strbuf why = STRBUF_INIT, msg = STRBUF_INIT;
    bool dropped = false;
    if (text->failed) {
        app_message(a, ROLE_ERROR, "not saved: out of memory");
    } else if (files_write_atomic(save.path, text->data ? text->data : "", text->len, replace,
                                  &dropped, &why)) {
        describe(a, res, new_serial, in_place, dropped, &msg);
        app_message(a, ROLE_GOOD, "%s", strbuf_cstr(&msg));
        saved(a);
    } else {
        app_message(a, ROLE_ERROR, "not saved: %s", strbuf_cstr(&why));
    }
    strbuf_free(&why);
    strbuf_free(&msg);
}

/* A new file, or one the user chose to replace: the fragment. */
static void save_fragment(struct app *a, bool replace)
{
    struct zone_edit_draft d[DRAFTS_ZONE_MAX];
    struct strbuf owners[DRAFTS_ZONE_MAX];
    struct strbuf text = STRBUF_INIT;
    struct zone_edit_result res;
    owners_init(owners);
    size_t n = save_drafts(a, d, owners);
    bool any = false;
    for (size_t s = 0; s < n; s++)
        any |= d[s].wanted;
    if (!any) /* a file of comments only helps nobody */
        app_message(a, ROLE_WARNING,
                    "nothing to save: the drafts are untouched templates; "
                    "edit one first");
    else if (zone_edit_fragment(a->drafts.domain, d, n, &text, &res))
        write_out(a, &text, replace, false, &res, 0);
    else if (!refuse_too_long(a, &res))
        app_message(a, ROLE_ERROR, "not saved: out of memory");
    strbuf_free(&text);
    owners_free(owners);
}

/* Today as YYYYMMDD (UTC), for a date-form serial. */
static uint32_t today_yyyymmdd(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return 0;
    return (uint32_t)(tm.tm_year + 1900) * 10000u + (uint32_t)(tm.tm_mon + 1) * 100u +
           (uint32_t)tm.tm_mday;
}

/* The file as it is now with the drafts saved into it.  `bump`: -1 find
 * out only (no serial change), 0 keep the serial, 1 bump it.  False
 * (message given) when it cannot be done. */
static bool rewrite_now(struct app *a, int bump, struct strbuf *text, struct zone_edit_result *res,
                        uint32_t *new_serial)
{
    struct strbuf file = STRBUF_INIT, why = STRBUF_INIT;
    struct zone_edit_draft d[DRAFTS_ZONE_MAX];
    struct strbuf owners[DRAFTS_ZONE_MAX];
    owners_init(owners);
    bool ok = files_read(save.target, &file, &why);
    if (!ok) {
        app_message(a, ROLE_ERROR, "not saved: %s", strbuf_cstr(&why));
        goto done;
    }
    size_t n = save_drafts(a, d, owners);
    struct zone_edit_options opt = {a->drafts.domain, false, 0};
    struct zone_edit_result first;
    ok = zone_edit_rewrite(file.data ? file.data : "", file.len, d, n, &opt, text, &first, NULL);
    *res = first;
    if (ok && bump == 1 && first.has_serial && first.changes) {
        *new_serial = zone_edit_serial_next(first.serial, today_yyyymmdd());
        opt.bump_serial = true;
        opt.new_serial = *new_serial;
        strbuf_reset(text);
        ok = zone_edit_rewrite(file.data ? file.data : "", file.len, d, n, &opt, text, res, NULL);
    }
    if (!ok && !refuse_too_long(a, res))
        app_message(a, ROLE_ERROR, "not saved: out of memory");
done:
    strbuf_free(&file);
    strbuf_free(&why);
    owners_free(owners);
    return ok;
}

static bool serial_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0) {
        app_message(a, ROLE_INFO, "not saved");
        return true;
    }
    struct strbuf text = STRBUF_INIT;
    struct zone_edit_result res;
    uint32_t serial = 0;
    if (rewrite_now(a, choice == 'y' ? 1 : 0, &text, &res, &serial))
        write_out(a, &text, true, true, &res, serial);
    strbuf_free(&text);
    return true;
}

/* Save the drafts into the existing file: only their records rewritten. */
static void save_in_place(struct app *a)
{
    struct strbuf text = STRBUF_INIT;
    struct zone_edit_result res;
    uint32_t serial = 0;
    if (!rewrite_now(a, -1, &text, &res, &serial))
        goto done;
    if (res.changes == 0) {
        struct strbuf msg = STRBUF_INIT;
        describe(a, &res, 0, true, false, &msg);
        bool any = false;
        for (size_t s = 0; s < entry_count(a); s++)
            any |= res.drafts[s].action == ZONE_EDIT_KEPT;
        app_message(a, ROLE_GOOD, "nothing to write: %s %s%s", save.path,
                    any ? "already holds these records" : "is left as it is (no draft of yours)",
                    strstr(strbuf_cstr(&msg), "; ") ? strstr(strbuf_cstr(&msg), "; ") : "");
        strbuf_free(&msg);
        saved(a);
        goto done;
    }
    if (res.has_serial) {
        snprintf(save.question, sizeof save.question,
                 "Bump the SOA serial %u -> %u? Secondary servers load the zone again only "
                 "when the serial grows.",
                 res.serial, zone_edit_serial_next(res.serial, today_yyyymmdd()));
        dialog_question(a, "SOA serial", save.question, "yn",
                        "y Bump it  n Keep it  Esc Do not save", serial_answer, NULL);
        goto done;
    }
    write_out(a, &text, true, true, &res, 0);
done:
    strbuf_free(&text);
}

static bool exists_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice == 'i' || choice == 'y')
        save_in_place(a);
    else if (choice == 'r')
        save_fragment(a, true);
    else
        app_message(a, ROLE_WARNING, "not saved: %s was left as it is", save.path);
    return true;
}

/* The target is known (and the link, if any, accepted): which write? */
static void save_to_target(struct app *a)
{
    struct diag_list sizes;
    diag_list_init(&sizes);
    if (!drafts_check_sizes(&a->drafts, &sizes)) { /* never reported saved and not written */
        app_message(a, ROLE_ERROR, "not saved: %s",
                    sizes.count ? sizes.items[0].message : "a draft is too long for DNS");
        diag_list_free(&sizes);
        return;
    }
    diag_list_free(&sizes);
    struct file_stamp now;
    files_stamp(save.target, &now);
    if (!now.exists) {
        save_fragment(a, false);
        return;
    }
    bool opened = a->path.len && strcmp(strbuf_cstr(&a->path), save.path) == 0;
    if (opened && files_stamp_equal(&now, &a->stamp)) {
        save_in_place(a);
        return;
    }
    if (opened) {
        snprintf(save.question, sizeof save.question,
                 "%.1000s changed on disk since it was opened. Save the drafts into it as it is "
                 "now? Only their TXT records are rewritten; the rest of the file, with the "
                 "other changes, stays.",
                 save.path);
        dialog_question(a, "The file changed", save.question, "yn",
                        "y Save into it  n Keep it  Esc Cancel", exists_answer, NULL);
        return;
    }
    snprintf(save.question, sizeof save.question,
             "%.1000s already exists. Save the drafts into it (only their TXT records rewritten, "
             "every other line kept), or replace the whole file with the drafts?",
             save.path);
    dialog_question(a, "The file exists", save.question, "irn",
                    "i Save into it  r Replace it  n Keep it  Esc Cancel", exists_answer, NULL);
}

static bool link_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice == 'y')
        save_to_target(a);
    else
        app_message(a, ROLE_WARNING, "not saved: %s was left as it is", save.path);
    return true;
}

static bool save_form_done(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0) {
        app_message(a, ROLE_INFO, "not saved");
        return true;
    }
    size_t dlen, tlen, plen;
    const char *domain = dialog_field(a, 0, &dlen);
    const char *ttl_text = dialog_field(a, 1, &tlen);
    const char *path = dialog_field(a, 2, &plen);
    unsigned ttl;
    if (!parse_ttl(ttl_text, tlen, &ttl)) {
        dialog_set_error(a, "the TTL is a number of seconds, 0 to 2147483647 (3600 is usual)");
        return false;
    }
    if (plen == 0 || plen >= sizeof save.path || memchr(path, '\0', plen)) {
        dialog_set_error(a, "give the file to write");
        return false;
    }
    char typed[sizeof save.path];
    memcpy(typed, path, plen);
    typed[plen] = '\0';
    struct strbuf why = STRBUF_INIT;
    bool ok = resolve_target(typed, save.target, sizeof save.target, &why);
    if (!ok) {
        dialog_set_error(a, "%s", strbuf_cstr(&why));
        strbuf_free(&why);
        return false;
    }
    strbuf_free(&why);
    if (strcmp(domain, a->drafts.domain) != 0) {
        if (!drafts_set_domain(&a->drafts, domain)) {
            dialog_set_error(a, "'%s' is not a domain name", domain);
            return false;
        }
        app_reload_tabs(a);
    }
    save.set_ttl = ttl != a->drafts.ttl;
    a->drafts.ttl = ttl;
    memcpy(save.path, typed, plen + 1);
    save.through_link = strcmp(save.path, save.target) != 0;
    if (save.through_link) {
        snprintf(save.question, sizeof save.question,
                 "%.1000s is a symbolic link to %.1000s. Save into %.1000s? The link stays a "
                 "link; the file keeps its owner and mode.",
                 save.path, save.target, save.target);
        dialog_question(a, "A symbolic link", save.question, "yn",
                        "y Write through the link  n Keep it  Esc Cancel", link_answer, NULL);
        return true;
    }
    save_to_target(a);
    return true;
}

void files_save_flow(struct app *a, bool then_quit)
{
    save.then_quit = then_quit;
    char ttl[16], path[4096];
    snprintf(ttl, sizeof ttl, "%u", a->drafts.ttl ? a->drafts.ttl : DRAFTS_DEFAULT_TTL);
    if (a->path.len)
        snprintf(path, sizeof path, "%s", strbuf_cstr(&a->path));
    else
        snprintf(path, sizeof path, "%s.zone", a->drafts.domain[0] ? a->drafts.domain : "drafts");
    static const char *const labels[] = {"Domain", "TTL", "File"};
    const char *values[] = {a->drafts.domain, ttl, path};
    dialog_form(a, "Save the drafts as a zone file",
                "Into the zone file opened: only the drafts' TXT records are rewritten. "
                "To a new file: the records, each with its TTL.",
                3, labels, values, save_form_done, NULL);
    a->dialog.field = 2;
}

/* ---------------------------------------------------------------------- */
/* The open flow: maybe "discard changes?" -> file name -> load.          */

static bool open_form_done(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice < 0)
        return true;
    size_t plen;
    const char *path = dialog_field(a, 0, &plen);
    if (plen == 0) {
        dialog_set_error(a, "give the file to open");
        return false;
    }
    char copy[4096];
    if (plen >= sizeof copy) {
        dialog_set_error(a, "the path is too long");
        return false;
    }
    memcpy(copy, path, plen);
    copy[plen] = '\0';
    struct strbuf why = STRBUF_INIT;
    bool ok = files_load(a, copy, &why);
    if (!ok)
        dialog_set_error(a, "%s", strbuf_cstr(&why));
    else
        app_reload_tabs(a);
    strbuf_free(&why);
    return ok;
}

static void ask_path(struct app *a)
{
    static const char *const labels[] = {"File"};
    const char *values[] = {a->path.len ? strbuf_cstr(&a->path) : ""};
    dialog_form(a, "Open a zone file",
                "The SPF, DMARC and DKIM records of one domain are read into the drafts.", 1,
                labels, values, open_form_done, NULL);
}

static bool discard_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice == 'y')
        ask_path(a);
    return true;
}

void files_open_flow(struct app *a)
{
    if (a->modified)
        dialog_question(a, "Open a file", "The drafts have changes that are not saved.", "yn",
                        "y Discard them and open  n Keep editing", discard_answer, NULL);
    else
        ask_path(a);
}
