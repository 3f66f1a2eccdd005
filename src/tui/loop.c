/* The single event loop of the TUI: poll() on the terminal plus registered
 * descriptors, timers for timeouts, one redraw per turn (htop's
 * ScreenManager and tig's get_input work the same way). */
#include "tui_loop.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void loop_init(struct loop *lp)
{
    memset(lp, 0, sizeof *lp);
    lp->next_timer_id = 1;
}

long long loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool loop_watch_fd(struct loop *lp, int fd, short events, loop_fd_fn fn, void *data)
{
    for (size_t i = 0; i < lp->nwatches; i++) {
        if (lp->watches[i].fd != fd)
            continue;
        if (events == 0) {
            lp->watches[i] = lp->watches[--lp->nwatches];
        } else {
            lp->watches[i].events = events;
            lp->watches[i].fn = fn;
            lp->watches[i].data = data;
        }
        return true;
    }
    if (events == 0)
        return true;
    if (lp->nwatches >= LOOP_MAX_FDS)
        return false;
    lp->watches[lp->nwatches++] = (struct loop_watch){fd, events, fn, data};
    return true;
}

unsigned loop_set_timer(struct loop *lp, long long ms, loop_timer_fn fn, void *data)
{
    for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
        struct loop_timer *t = &lp->timers[i];
        if (t->due_ms)
            continue;
        t->due_ms = loop_now_ms() + (ms > 0 ? ms : 0);
        if (t->due_ms == 0)
            t->due_ms = 1;
        t->fn = fn;
        t->data = data;
        t->id = lp->next_timer_id++;
        if (lp->next_timer_id == 0)
            lp->next_timer_id = 1;
        return t->id;
    }
    return 0;
}

void loop_cancel_timer(struct loop *lp, unsigned id)
{
    for (size_t i = 0; i < LOOP_MAX_TIMERS; i++)
        if (lp->timers[i].due_ms && lp->timers[i].id == id)
            lp->timers[i].due_ms = 0;
}

/* Milliseconds until the nearest timer, or -1 (wait for input) when none
 * is pending. */
static int next_timeout(const struct loop *lp)
{
    long long now = loop_now_ms(), best = -1;
    for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
        if (!lp->timers[i].due_ms)
            continue;
        long long left = lp->timers[i].due_ms - now;
        if (left < 0)
            left = 0;
        if (best < 0 || left < best)
            best = left;
    }
    if (best > 60000)
        best = 60000;
    return (int)best;
}

static void run_due_timers(struct loop *lp)
{
    long long now = loop_now_ms();
    for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
        struct loop_timer *t = &lp->timers[i];
        if (t->due_ms && t->due_ms <= now) {
            loop_timer_fn fn = t->fn;
            void *data = t->data;
            t->due_ms = 0; /* free the slot first: fn may set a new timer */
            fn(data);
        }
    }
}

void loop_run(struct loop *lp, const struct loop_client *client)
{
    struct pollfd fds[LOOP_MAX_FDS + 1];
    /* Input typed before the first poll (or buffered by curses) is read
     * first, then the first frame is drawn. */
    client->input(client->data);
    client->redraw(client->data);
    while (!client->done(client->data)) {
        nfds_t n = 0;
        fds[n++] = (struct pollfd){lp->input_eof ? -1 : STDIN_FILENO, POLLIN, 0};
        size_t nwatch = lp->nwatches;
        for (size_t i = 0; i < nwatch; i++)
            fds[n++] = (struct pollfd){lp->watches[i].fd, lp->watches[i].events, 0};
        int rc = poll(fds, n, next_timeout(lp));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0) {
            if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
                lp->input_eof = true;
            /* Callbacks may change the watch list: match by descriptor. */
            for (nfds_t k = 1; k < n; k++) {
                if (!fds[k].revents)
                    continue;
                for (size_t i = 0; i < lp->nwatches; i++) {
                    if (lp->watches[i].fd == fds[k].fd) {
                        lp->watches[i].fn(fds[k].fd, fds[k].revents, lp->watches[i].data);
                        break;
                    }
                }
            }
        }
        run_due_timers(lp);
        /* Always drain: a signal (EINTR) may mean SIGWINCH, which curses
         * reports as KEY_RESIZE through the input queue. */
        client->input(client->data);
        client->redraw(client->data);
    }
}
