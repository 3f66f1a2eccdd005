/* The headless driver (ptydrv.h): the editor on a pty, read through its
 * test hook.  See the header for the synchronisation rules. */
#include "ptydrv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void child_exec(const struct ptydrv *d, const char *bin, char *const argv[])
{
    char buf[1024];
    if (chdir(d->dir) != 0)
        _exit(126);
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("TZ", "UTC", 1);
    setenv("HOME", d->dir, 1);
    snprintf(buf, sizeof buf, "%s/state", d->dir);
    setenv("XDG_STATE_HOME", buf, 1);
    snprintf(buf, sizeof buf, "%s/config", d->dir);
    setenv("XDG_CONFIG_HOME", buf, 1);
    unsetenv("NO_COLOR");
    unsetenv("TMUX");
    setenv("AUTHTXT_TEST_DUMP", d->dump_path, 1);
    /* Sanitizer reports go to files the driver reads; the pty is the
     * screen.  exitcode 99 tells a report from the editor's own codes. */
    snprintf(buf, sizeof buf,
             "log_path=%s/san:exitcode=99:detect_leaks=1:abort_on_error=0:"
             "handle_abort=1:allocator_may_return_null=1",
             d->dir);
    setenv("ASAN_OPTIONS", buf, 1);
    snprintf(buf, sizeof buf, "log_path=%s/san:print_stacktrace=1:halt_on_error=1", d->dir);
    setenv("UBSAN_OPTIONS", buf, 1);
    execv(bin, argv);
    _exit(127);
}

bool ptydrv_start(struct ptydrv *d, const char *bin, char *const argv[], const char *dir, int cols,
                  int lines)
{
    memset(d, 0, sizeof *d);
    d->master = d->slave = -1;
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    snprintf(d->dump_path, sizeof d->dump_path, "%s/dump.json", dir);
    unlink(d->dump_path);
    d->cols = cols;
    d->lines = lines;
    struct winsize ws = {.ws_row = (unsigned short)lines, .ws_col = (unsigned short)cols};
    if (openpty(&d->master, &d->slave, NULL, NULL, &ws) != 0)
        return false;
    fcntl(d->master, F_SETFD, FD_CLOEXEC);
    fcntl(d->master, F_SETFL, fcntl(d->master, F_GETFL) | O_NONBLOCK);
    d->pid = fork();
    if (d->pid < 0) {
        close(d->master);
        close(d->slave);
        d->master = d->slave = -1;
        return false;
    }
    if (d->pid == 0) {
        close(d->master);
        if (login_tty(dup(d->slave)) != 0)
            _exit(126);
        close(d->slave);
        child_exec(d, bin, argv);
    }
    fcntl(d->slave, F_SETFD, FD_CLOEXEC);
    return true;
}

/* Read and drop what the program wrote, so it never blocks on a full pty. */
static void drain_output(struct ptydrv *d)
{
    char buf[8192];
    for (;;) {
        ssize_t n = read(d->master, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            d->tail[(d->out_bytes + (size_t)i) % sizeof d->tail] = buf[i];
        d->out_bytes += (size_t)n;
    }
}

bool ptydrv_send(struct ptydrv *d, const void *bytes, size_t len)
{
    const char *p = bytes;
    long long end = now_ms() + 10000;
    while (len > 0) {
        ssize_t n = write(d->master, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return false;
        /* The input queue is full: let the program read. */
        drain_output(d);
        if (now_ms() > end)
            return false;
        struct pollfd pfd = {d->master, POLLOUT, 0};
        poll(&pfd, 1, 5);
    }
    return true;
}

bool ptydrv_resize(struct ptydrv *d, int cols, int lines)
{
    struct winsize ws = {.ws_row = (unsigned short)lines, .ws_col = (unsigned short)cols};
    if (ioctl(d->master, TIOCSWINSZ, &ws) != 0)
        return false;
    d->cols = cols;
    d->lines = lines;
    return true;
}

/* Read the dump when it is newer than the last one read. */
static void load_dump(struct ptydrv *d)
{
    json_error_t err;
    json_t *j = json_load_file(d->dump_path, 0, &err);
    if (!j)
        return;
    json_t *seq = json_object_get(j, "seq"), *pid = json_object_get(j, "pid");
    if (!json_is_integer(seq) || !json_is_integer(pid) || json_integer_value(pid) != d->pid ||
        (unsigned long)json_integer_value(seq) <= d->seq) {
        json_decref(j);
        return;
    }
    json_decref(d->dump);
    d->dump = j;
    d->seq = (unsigned long)json_integer_value(seq);
}

enum ptydrv_state ptydrv_settle(struct ptydrv *d, int timeout_ms)
{
    if (d->exited)
        return PTYDRV_EXITED;
    unsigned long seq0 = d->seq;
    long long end = now_ms() + timeout_ms;
    struct stat last = {0};
    for (;;) {
        drain_output(d);
        int st;
        pid_t r = waitpid(d->pid, &st, WNOHANG | WUNTRACED);
        if (r == d->pid) {
            if (WIFSTOPPED(st)) {
                d->stop_signal = WSTOPSIG(st);
                return PTYDRV_STOPPED;
            }
            d->status = st;
            d->exited = true;
            drain_output(d);
            return PTYDRV_EXITED;
        }
        int unread = 0;
        if (ioctl(d->slave, FIONREAD, &unread) != 0)
            unread = 0;
        if (unread == 0) {
            struct stat sb;
            if (stat(d->dump_path, &sb) == 0 &&
                (sb.st_ino != last.st_ino || sb.st_mtim.tv_nsec != last.st_mtim.tv_nsec ||
                 sb.st_mtim.tv_sec != last.st_mtim.tv_sec || sb.st_size != last.st_size)) {
                last = sb;
                load_dump(d);
            }
            if (d->seq > seq0 && ptydrv_int(d, "pending", 1) == 0 &&
                ptydrv_int(d, "cols", -1) == d->cols && ptydrv_int(d, "lines", -1) == d->lines)
                return PTYDRV_READY;
        }
        if (now_ms() >= end)
            return PTYDRV_TIMEOUT;
        struct pollfd pfd = {d->master, POLLIN, 0};
        poll(&pfd, 1, 2);
    }
}

void ptydrv_stop(struct ptydrv *d)
{
    if (d->pid > 0 && !d->exited) {
        kill(d->pid, SIGCONT);
        kill(d->pid, SIGTERM);
        long long end = now_ms() + 5000;
        for (;;) {
            drain_output(d);
            int st;
            pid_t r = waitpid(d->pid, &st, WNOHANG);
            if (r == d->pid) {
                d->status = st;
                break;
            }
            if (r < 0)
                break;
            if (now_ms() >= end) {
                kill(d->pid, SIGKILL);
                waitpid(d->pid, &st, 0);
                d->status = st;
                break;
            }
            struct pollfd pfd = {d->master, POLLIN, 0};
            poll(&pfd, 1, 5);
        }
        d->exited = true;
    }
    if (d->master >= 0)
        close(d->master);
    if (d->slave >= 0)
        close(d->slave);
    d->master = d->slave = -1;
    json_decref(d->dump);
    d->dump = NULL;
}

/* Each sanitizer log file in dir: san.PID. */
static bool each_report(const struct ptydrv *d, char *out, size_t size, char *where,
                        size_t where_size, bool remove)
{
    DIR *dir = opendir(d->dir);
    if (!dir)
        return false;
    bool found = false;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (strncmp(e->d_name, "san.", 4) != 0)
            continue;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", d->dir, e->d_name);
        if (remove) {
            unlink(path);
            continue;
        }
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        char line[512], first[512] = "", summary[512] = "";
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!first[0] && (strstr(line, "ERROR: ") || strstr(line, "runtime error")))
                snprintf(first, sizeof first, "%s", line);
            if (!summary[0] && strncmp(line, "SUMMARY: ", 9) == 0)
                snprintf(summary, sizeof summary, "%s", line + 9);
        }
        fclose(f);
        if (out && size)
            snprintf(out, size, "%s", summary[0] ? summary : first[0] ? first : "sanitizer report");
        if (where && where_size)
            snprintf(where, where_size, "%s", path);
        found = true;
        break;
    }
    closedir(dir);
    return found;
}

bool ptydrv_sanitizer_report(const struct ptydrv *d, char *out, size_t size, char *where,
                             size_t where_size)
{
    return each_report(d, out, size, where, where_size, false);
}

void ptydrv_clear_reports(const struct ptydrv *d) { each_report(d, NULL, 0, NULL, 0, true); }

void ptydrv_last_words(const struct ptydrv *d, char *out, size_t size)
{
    size_t n = d->out_bytes < sizeof d->tail ? d->out_bytes : sizeof d->tail;
    char text[sizeof d->tail + 1];
    size_t k = 0;
    bool esc = false;
    for (size_t i = d->out_bytes - n; i < d->out_bytes; i++) {
        unsigned char c = (unsigned char)d->tail[i % sizeof d->tail];
        if (esc) { /* up to the final byte of a CSI, or the byte after ESC */
            if (c >= 0x40 && c <= 0x7e && c != '[')
                esc = false;
            continue;
        }
        if (c == 27)
            esc = true;
        else if (c == '\n' || c == '\r')
            text[k++] = '\n';
        else if (c >= 0x20)
            text[k++] = (char)c;
    }
    while (k && (text[k - 1] == '\n' || text[k - 1] == ' '))
        k--;
    text[k] = '\0';
    char *last = strrchr(text, '\n');
    snprintf(out, size, "%s", last ? last + 1 : text);
}

const char *ptydrv_str(const struct ptydrv *d, const char *key)
{
    json_t *v = d->dump ? json_object_get(d->dump, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

long long ptydrv_int(const struct ptydrv *d, const char *key, long long def)
{
    json_t *v = d->dump ? json_object_get(d->dump, key) : NULL;
    return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

bool ptydrv_bool(const struct ptydrv *d, const char *key)
{
    json_t *v = d->dump ? json_object_get(d->dump, key) : NULL;
    return json_is_true(v);
}
