/* Headless driver of the real editor: runs the authtxt binary on a pty of
 * its own (openpty, libutil) with TERM, size, locale, TZ and HOME pinned,
 * sends it bytes (keys, bracketed pastes), resizes it (TIOCSWINSZ, which
 * makes the kernel send SIGWINCH), and reads what it shows through the
 * editor's test hook (AUTHTXT_TEST_DUMP, src/tui/testdump.c): after every
 * loop turn the editor writes its panes and drafts as JSON.
 *
 * Synchronisation without sleeps: after a write the driver waits, bounded,
 * until the pty holds no unread input (FIONREAD on the slave) and a dump
 * newer than the write reports no pending input either.  Each dump is one
 * consistent snapshot (screen and model from the same turn), so the
 * invariants never compare two moments.
 *
 * One struct ptydrv per running editor; not thread-safe. */
#ifndef AUTHTXT_TESTS_PTYDRV_H
#define AUTHTXT_TESTS_PTYDRV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum ptydrv_state {
    PTYDRV_READY = 0, /* a fresh dump, all input consumed */
    PTYDRV_EXITED,    /* the program ended: see status, sanitizer_report */
    PTYDRV_STOPPED,   /* stopped by a signal (SIGTSTP): see stop_signal */
    PTYDRV_TIMEOUT,   /* no answer within the time given: a hang */
};

struct ptydrv {
    pid_t pid;
    int master, slave; /* the slave stays open here for FIONREAD */
    char dir[512];     /* scratch dir: HOME, the dump, sanitizer logs */
    char dump_path[600];
    int cols, lines;
    unsigned long seq; /* seq of the last dump read */
    json_t *dump;      /* the last dump (owned), or NULL */
    int status;        /* waitpid status once exited */
    bool exited;
    int stop_signal;
    size_t out_bytes; /* bytes the program wrote to the terminal */
    char tail[4096];  /* the last bytes it wrote (a ring) */
};

/* Start bin with argv (argv[0] is the program name, NULL-terminated) in
 * dir (which must exist and is the program's HOME and working directory).
 * Returns false with errno set when the pty or fork fails. */
bool ptydrv_start(struct ptydrv *d, const char *bin, char *const argv[], const char *dir, int cols,
                  int lines);
/* Write bytes to the program's terminal (all of them, or false). */
bool ptydrv_send(struct ptydrv *d, const void *bytes, size_t len);
/* Change the terminal size: the kernel sends SIGWINCH. */
bool ptydrv_resize(struct ptydrv *d, int cols, int lines);
/* Wait until the program has consumed its input and dumped the result,
 * has ended, or stopped; at most timeout_ms.  After a resize, also until
 * the dump shows the new size. */
enum ptydrv_state ptydrv_settle(struct ptydrv *d, int timeout_ms);
/* End the program (SIGTERM, then SIGKILL after a bounded wait), reap it,
 * close the pty.  Safe to call twice. */
void ptydrv_stop(struct ptydrv *d);
/* After PTYDRV_EXITED: the summary line of an AddressSanitizer or UBSan
 * report the program left in dir (into out) and the report's path (into
 * where, may be NULL), or false. */
bool ptydrv_sanitizer_report(const struct ptydrv *d, char *out, size_t size, char *where,
                             size_t where_size);
/* Remove the sanitizer logs of the last run (before a new start). */
void ptydrv_clear_reports(const struct ptydrv *d);

/* The last line of text the program wrote to the terminal (escape
 * sequences dropped): what it said before it ended. */
void ptydrv_last_words(const struct ptydrv *d, char *out, size_t size);

/* Dump accessors (NULL / default when absent). */
const char *ptydrv_str(const struct ptydrv *d, const char *key);
long long ptydrv_int(const struct ptydrv *d, const char *key, long long def);
bool ptydrv_bool(const struct ptydrv *d, const char *key);

#endif
