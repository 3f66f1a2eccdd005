/* The event loop (loop.c): one poll() over the terminal and any file
 * descriptors other modules register (the resolver's and curl's sockets,
 * the stop signals' self-pipe from term.c, so a SIGTERM that arrives just
 * before poll() starts to wait still wakes it), with a timeout from the
 * nearest timer (status messages expire, a stalled escape sequence or
 * paste is ended, the resolver's retries).  After each wake-up it runs the
 * ready callbacks and due timers, lets the front end drain its input, and
 * asks it to redraw once.  Nothing here knows about curses. */
#ifndef AUTHTXT_TUI_LOOP_H
#define AUTHTXT_TUI_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <poll.h>

#define LOOP_MAX_FDS 64
#define LOOP_MAX_TIMERS 32

typedef void (*loop_fd_fn)(int fd, short revents, void *data);
typedef void (*loop_timer_fn)(void *data);

/* What the loop asks of the front end on every turn. */
struct loop_client {
    void *data;
    /* Input may be waiting on fd 0 (or a signal arrived): read all of it
     * without blocking. */
    void (*input)(void *data);
    /* Draw what changed (once per turn, after all events). */
    void (*redraw)(void *data);
    /* Should the loop end? */
    bool (*done)(void *data);
};

struct loop_watch {
    int fd;
    short events;
    loop_fd_fn fn;
    void *data;
};

struct loop_timer {
    long long due_ms; /* monotonic clock; 0: slot free */
    loop_timer_fn fn;
    void *data;
    unsigned id;
};

/* Caller-allocated; no allocation inside. */
struct loop {
    struct loop_watch watches[LOOP_MAX_FDS];
    size_t nwatches;
    struct loop_timer timers[LOOP_MAX_TIMERS];
    unsigned next_timer_id;
    bool input_eof; /* fd 0 hung up: stop polling it */
};

void loop_init(struct loop *lp);
/* Watch fd for events (POLLIN, POLLOUT); calling again for the same fd
 * changes the events and callback; events 0 removes the watch.  Returns
 * false when LOOP_MAX_FDS are already watched. */
bool loop_watch_fd(struct loop *lp, int fd, short events, loop_fd_fn fn, void *data);
/* Call fn once, after ms milliseconds.  Returns the timer's id (never 0),
 * or 0 when LOOP_MAX_TIMERS are pending. */
unsigned loop_set_timer(struct loop *lp, long long ms, loop_timer_fn fn, void *data);
void loop_cancel_timer(struct loop *lp, unsigned id);
/* Milliseconds on a monotonic clock. */
long long loop_now_ms(void);

/* Run until client->done says so.  The client redraws once before the
 * first wait (the first frame) and after every turn. */
void loop_run(struct loop *lp, const struct loop_client *client);

#endif
