/* Key file I/O for `authtxt dkim` (see keyfile.h): the only place that
 * touches private key files on disk. */
#define _GNU_SOURCE /* renameat2 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "authtxt/strbuf.h"
#include "cli.h"

/* Say what went wrong with path: into why when the caller gave one (the
 * editor shows it), else on stderr. */
static void say(struct strbuf *why, const char *path, const char *what)
{
    if (why) {
        strbuf_printf(why, "%s: %s", path, what);
        return;
    }
    fputs("authtxt: ", stderr);
    out_safe(stderr, path, strlen(path));
    fprintf(stderr, ": %s\n", what);
}

static void say_errno(struct strbuf *why, const char *path, const char *doing, int err)
{
    char msg[200];
    snprintf(msg, sizeof msg, "%s: %s", doing, strerror(err));
    say(why, path, msg);
}

void keyfile_free(char *buf, size_t len)
{
    if (!buf)
        return;
    OPENSSL_cleanse(buf, len);
    free(buf);
}

char *keyfile_read(const char *path, size_t *len, mode_t *mode, struct strbuf *why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        say_errno(why, path, "cannot open", errno);
        return NULL;
    }
    char *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        say_errno(why, path, "cannot read", errno);
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        say(why, path, "is a directory, not a key file");
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        say(why, path, "is not a regular file (a device, pipe or socket), not a key file");
        goto fail;
    }
    if (st.st_size > (off_t)KEYFILE_MAX) {
        char msg[96];
        snprintf(msg, sizeof msg, "%lld bytes: larger than 16 MB, not a key file",
                 (long long)st.st_size);
        say(why, path, msg);
        goto fail;
    }
    *mode = st.st_mode;
    /* The size may change under us: read at most the cap + 1 byte. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    buf = malloc(cap + 1);
    if (!buf) {
        say(why, path, "out of memory");
        goto fail;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            say_errno(why, path, "cannot read", errno);
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == cap) {
            if (cap > KEYFILE_MAX) {
                say(why, path, "larger than 16 MB, not a key file");
                goto fail;
            }
            size_t ncap = cap * 2 > KEYFILE_MAX + 1 ? KEYFILE_MAX + 1 : cap * 2;
            char *nb = malloc(ncap + 1);
            if (!nb) {
                say(why, path, "out of memory");
                goto fail;
            }
            memcpy(nb, buf, n);
            keyfile_free(buf, n);
            buf = nb;
            cap = ncap;
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    if (buf)
        keyfile_free(buf, cap);
    close(fd);
    return NULL;
}

/* The terminal's settings while echo is off, restored on SIGINT/SIGTERM
 * too so an interrupted prompt does not leave a terminal that hides what
 * is typed. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_fd = -1;

static void restore_tty(int sig)
{
    if (tty_fd >= 0)
        tcsetattr(tty_fd, TCSAFLUSH, &saved_tty);
    signal(sig, SIG_DFL);
    raise(sig);
}

static char *ask_tty(const char *what, size_t *len)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fputs("authtxt: the key is encrypted and there is no terminal to ask for its "
              "passphrase: give --pass-file FILE\n",
              stderr);
        return NULL;
    }
    char *buf = malloc(KEYFILE_PASS_MAX + 1);
    if (!buf) {
        close(fd);
        return NULL;
    }
    struct termios t;
    bool have_tty = tcgetattr(fd, &t) == 0;
    void (*old_int)(int) = SIG_DFL, (*old_term)(int) = SIG_DFL;
    if (have_tty) {
        saved_tty = t;
        tty_fd = fd;
        old_int = signal(SIGINT, restore_tty);
        old_term = signal(SIGTERM, restore_tty);
        t.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &t);
    }
    dprintf(fd, "Passphrase for ");
    for (const char *p = what; *p; p++)
        if ((unsigned char)*p >= 0x20 && *p != 0x7f)
            if (write(fd, p, 1) < 0)
                break;
    dprintf(fd, ": ");
    size_t n = 0;
    bool ok = true;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = n > 0;
            break;
        }
        if (c == '\n' || c == '\r')
            break;
        if (n < KEYFILE_PASS_MAX)
            buf[n++] = c;
    }
    if (have_tty) {
        tcsetattr(fd, TCSAFLUSH, &saved_tty);
        tty_fd = -1;
        signal(SIGINT, old_int);
        signal(SIGTERM, old_term);
    }
    dprintf(fd, "\n");
    close(fd);
    if (!ok) {
        keyfile_free(buf, KEYFILE_PASS_MAX + 1);
        fputs("authtxt: no passphrase given\n", stderr);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *keyfile_passphrase(const char *pass_file, const char *what, size_t *len)
{
    struct strbuf *why = NULL; /* the CLI's: messages go to stderr */
    if (!pass_file)
        return ask_tty(what, len);
    mode_t mode;
    size_t n;
    char *buf = keyfile_read(pass_file, &n, &mode, NULL);
    if (!buf)
        return NULL;
    if (n > KEYFILE_PASS_MAX) {
        keyfile_free(buf, n);
        say(why, pass_file, "more than 1024 bytes: not a passphrase file");
        return NULL;
    }
    /* The first line, without its line ending (as openssl -passin file:),
     * in a buffer of the same size as a prompted one. */
    size_t end = 0;
    while (end < n && buf[end] != '\n' && buf[end] != '\r')
        end++;
    char *pass = malloc(KEYFILE_PASS_MAX + 1);
    if (pass) {
        memcpy(pass, buf, end);
        pass[end] = '\0';
        *len = end;
    }
    keyfile_free(buf, n);
    return pass;
}

bool keyfile_dir_check(const char *dir, struct strbuf *why)
{
    struct stat st;
    const char *what = NULL;
    int err = 0;
    if (stat(dir, &st) != 0)
        err = errno;
    else if (!S_ISDIR(st.st_mode))
        what = "is not a directory";
    else if (access(dir, W_OK | X_OK) != 0)
        err = errno;
    if (!what && !err)
        return true;
    if (what)
        strbuf_printf(why, "%s: %s", dir, what);
    else
        strbuf_printf(why, "%s: cannot create files in it: %s", dir, strerror(err));
    return false;
}

bool keyfile_dir_writable(const char *dir)
{
    struct strbuf why = STRBUF_INIT;
    bool ok = keyfile_dir_check(dir, &why);
    if (!ok) {
        fputs("authtxt: --out ", stderr);
        out_safe(stderr, strbuf_cstr(&why), why.len);
        fputc('\n', stderr);
    }
    strbuf_free(&why);
    return ok;
}

/* The directory part of path ("." when none), in out. */
static void dir_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(out, size, ".");
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    snprintf(out, size, "%.*s", (int)n, path);
}

static bool write_temp(const struct keyfile_out *f, char *tmp, size_t tmp_size, struct strbuf *why)
{
    char dir[PATH_MAX];
    dir_of(f->path, dir, sizeof dir);
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    if (snprintf(tmp, tmp_size, "%s/.%s.XXXXXX", dir, base) >= (int)tmp_size) {
        say(why, f->path, "path too long");
        tmp[0] = '\0';
        return false;
    }
    /* mkstemp creates the file with mode 0600: a private key is never
     * readable by others, not even for a moment. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        say_errno(why, f->path, "cannot create a temporary file beside it", errno);
        tmp[0] = '\0';
        return false;
    }
    bool ok = fchmod(fd, f->mode) == 0;
    size_t done = 0;
    while (ok && done < f->len) {
        ssize_t w = write(fd, f->data + done, f->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = false;
        else
            done += (size_t)w;
    }
    if (ok && fsync(fd) != 0)
        ok = false;
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        say_errno(why, f->path, "cannot write", err);
        unlink(tmp);
        tmp[0] = '\0';
    }
    return ok;
}

/* Move tmp to path unless path exists. */
static bool publish(const char *tmp, const char *path, struct strbuf *why)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return true;
    if (errno == EEXIST) {
        say(why, path, "already exists: not overwritten (move it away or pick another selector)");
        return false;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        say_errno(why, path, "cannot create", errno);
        return false;
    }
    /* A file system without renameat2 flags: link() fails on an existing
     * name too. */
    if (link(tmp, path) != 0) {
        if (errno == EEXIST)
            say(why, path,
                "already exists: not overwritten (move it away or pick another selector)");
        else
            say_errno(why, path, "cannot create", errno);
        return false;
    }
    unlink(tmp);
    return true;
}

bool keyfile_write_all(const struct keyfile_out *files, size_t n, struct strbuf *why)
{
    enum { MAX = 4 };
    char tmp[MAX][PATH_MAX];
    bool made[MAX] = {false};
    bool ok = n <= MAX;
    for (size_t i = 0; i < n && i < MAX; i++)
        tmp[i][0] = '\0';
    /* Refuse early when a name is taken: nothing gets written then. */
    for (size_t i = 0; ok && i < n; i++) {
        struct stat st;
        if (lstat(files[i].path, &st) == 0) {
            say(why, files[i].path,
                "already exists: not overwritten (move it away or pick another "
                "selector)");
            ok = false;
        }
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = write_temp(&files[i], tmp[i], sizeof tmp[i], why);
    for (size_t i = 0; ok && i < n; i++) {
        ok = publish(tmp[i], files[i].path, why);
        if (ok) {
            made[i] = true;
            tmp[i][0] = '\0';
        }
    }
    for (size_t i = 0; i < n && i < MAX; i++) {
        if (tmp[i][0])
            unlink(tmp[i]);
        if (!ok && made[i])
            unlink(files[i].path);
    }
    if (ok && n) {
        char dir[PATH_MAX];
        dir_of(files[0].path, dir, sizeof dir);
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd); /* the new names survive a crash */
            close(fd);
        }
    }
    return ok;
}
