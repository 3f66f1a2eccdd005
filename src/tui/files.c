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
#include <unistd.h>

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
        strbuf_printf(why, "%s is too large (%lld bytes; at most %u)", path,
                      (long long)st.st_size, FILES_MAX);
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
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
           a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
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

bool files_write_atomic(const char *path, const char *data, size_t len, bool replace,
                        struct strbuf *why)
{
    bool ok = false;
    int fd = -1;
    char dir[4096], tmp[4200];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base) {
        strbuf_printf(why, "%s names a directory, not a file", path);
        return false;
    }
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) {
            strbuf_puts(why, "the path is too long");
            return false;
        }
        memcpy(dir, path, n ? n : 1); /* "/name": the root directory */
        dir[n ? n : 1] = '\0';
    } else {
        memcpy(dir, ".", 2);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base) >= sizeof tmp) {
        strbuf_puts(why, "the path is too long");
        return false;
    }
    struct stat st;
    bool existed = stat(path, &st) == 0;
    if (existed && !replace) {
        strbuf_printf(why, "%s exists", path);
        return false;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        strbuf_printf(why, "cannot create a file in %s: %s", dir, strerror(errno));
        return false;
    }
    /* The new file gets the old one's permissions, or the usual ones. */
    mode_t mode;
    if (existed) {
        mode = st.st_mode & 07777;
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
        if (rename(tmp, path) != 0) {
            strbuf_printf(why, "cannot replace %s: %s", path, strerror(errno));
            goto done;
        }
    } else {
        /* link() fails if the name appeared meanwhile: never clobbered. */
        if (link(tmp, path) != 0) {
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
                      diags.count ? diags.items[0].message
                                  : "no SPF, DMARC or DKIM record found");
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
/* The save flow: form (name, TTL, file) -> maybe "replace?" -> write.     */

static struct {
    bool then_quit;
    char path[4096];
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

static bool do_save(struct app *a, bool replace)
{
    struct strbuf why = STRBUF_INIT;
    strbuf_reset(&a->scratch);
    drafts_to_zone(&a->drafts, &a->scratch);
    bool ok = files_write_atomic(save.path, strbuf_cstr(&a->scratch), a->scratch.len, replace,
                                 &why);
    if (ok) {
        strbuf_reset(&a->saved_zone);
        strbuf_append(&a->saved_zone, strbuf_cstr(&a->scratch), a->scratch.len);
        strbuf_reset(&a->path);
        strbuf_puts(&a->path, save.path);
        files_stamp(save.path, &a->stamp);
        a->modified = false;
        int records = 0;
        for (int s = 0; s < DRAFT_COUNT; s++)
            records += a->drafts.rec[s].len > 0;
        app_message(a, ROLE_GOOD, "saved %d record%s to %s", records, records == 1 ? "" : "s",
                    save.path);
        a->dirty |= DIRTY_TABS;
        if (save.then_quit)
            a->quit = true;
    } else {
        app_message(a, ROLE_ERROR, "not saved: %s", strbuf_cstr(&why));
    }
    strbuf_free(&why);
    return ok;
}

static bool replace_answer(struct app *a, int choice, void *ctx)
{
    (void)ctx;
    if (choice == 'y')
        do_save(a, true);
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
    if (strcmp(domain, a->drafts.domain) != 0) {
        if (!drafts_set_domain(&a->drafts, domain)) {
            dialog_set_error(a, "'%s' is not a domain name", domain);
            return false;
        }
        app_reload_tabs(a);
    }
    a->drafts.ttl = ttl;
    memcpy(save.path, path, plen);
    save.path[plen] = '\0';
    struct file_stamp now;
    files_stamp(save.path, &now);
    bool ours = a->path.len && strcmp(strbuf_cstr(&a->path), save.path) == 0 &&
                files_stamp_equal(&now, &a->stamp);
    if (now.exists && !ours) {
        char text[4200];
        snprintf(text, sizeof text,
                 "%s already exists%s. Replace it with the drafts?", save.path,
                 a->path.len && strcmp(strbuf_cstr(&a->path), save.path) == 0
                     ? " and changed since it was opened"
                     : "");
        dialog_question(a, "Replace the file?", text, "yn", "y Replace  n Keep it  Esc Cancel",
                        replace_answer, NULL);
        return true;
    }
    do_save(a, now.exists);
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
        snprintf(path, sizeof path, "%s.zone",
                 a->drafts.domain[0] ? a->drafts.domain : "drafts");
    static const char *const labels[] = {"Domain", "TTL", "File"};
    const char *values[] = {a->drafts.domain, ttl, path};
    dialog_form(a, "Save the drafts as a zone file",
                "The SPF, DMARC and DKIM drafts are written as TXT records of this domain.", 3,
                labels, values, save_form_done, NULL);
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
