/* The one event loop of the full-screen client. Each turn: signals from the
 * self-pipe, then every key ncurses has (it buffers input, so poll() alone
 * would miss keys), then the worker's replies, then due timers, then one
 * redraw, then poll() on the keyboard, the self-pipe, the worker's and the
 * new-mail watcher's pipes until something happens or the next timer is due. */
#ifndef SKUA_UI_LOOP_H
#define SKUA_UI_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct loop_ops {
	void (*key)(void *ctx, int key);         /* keys as in ui/keys.h */
	void (*signal)(void *ctx, int sig);      /* SIGWINCH, SIGTERM, SIGINT */
	void (*replies)(void *ctx);              /* the watched fd is readable */
	void (*redraw)(void *ctx);               /* once per turn */
	int (*done)(void *ctx);                  /* non-zero ends the loop */
};

/* Creates the self-pipe and routes SIGWINCH, SIGTERM and SIGINT into it.
 * Call after initscr so ncurses' own SIGWINCH handler is replaced. Once
 * set up, calling it again does nothing (the first-run screen hands the
 * terminal to the client as it is). */
int loop_signals_init(struct err *e);
/* Restores the previous handlers and closes the pipe. */
void loop_signals_restore(void);

/* Calls fn(ctx) at the monotonic time at_us (clock_mono_us); a timer with
 * the same fn and ctx is replaced. */
void loop_timer_at(uint64_t at_us, void (*fn)(void *), void *ctx);
void loop_timer_cancel(void (*fn)(void *), void *ctx);

/* Runs until ops->done; the nfds descriptors of fds (at most LOOP_FDS_MAX;
 * -1 entries are skipped) are polled for ops->replies. fds is read again
 * each turn, so the caller may change its entries (a worker started or
 * stopped) from the callbacks. */
#define LOOP_FDS_MAX 4
void loop_run(const struct loop_ops *ops, void *ctx, const int *fds, size_t nfds);

/* Reads one key without waiting: 1 with *key set, 0 when none is buffered. */
int loop_read_key(int *key);

#endif
