/* The poll() loop: keyboard, signal self-pipe, worker and watcher pipes, timers. */
#include "ui/loop.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/keys.h"
#include "util/clock.h"

#define MAX_TIMERS 8

static int sig_rd = -1, sig_wr = -1;
static const int handled[] = { SIGWINCH, SIGTERM, SIGINT };
static struct sigaction saved[sizeof handled / sizeof handled[0]];

static struct timer {
	uint64_t at_us;
	void (*fn)(void *);
	void *ctx;
} timers[MAX_TIMERS];

static void on_signal(int sig)
{
	int saved_errno = errno;
	unsigned char b = (unsigned char)sig;

	/* A full pipe already wakes the loop; nothing else is safe to do here. */
	if (write(sig_wr, &b, 1) < 0)
		errno = saved_errno;
	errno = saved_errno;
}

int loop_signals_init(struct err *e)
{
	int fds[2];
	struct sigaction sa;

	if (sig_rd >= 0)
		return 0;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return err_set(e, ERR_INTERNAL, "cannot create the signal pipe: %s", strerror(errno));
	sig_rd = fds[0];
	sig_wr = fds[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		sigaction(handled[i], &sa, &saved[i]);
	return 0;
}

void loop_signals_restore(void)
{
	if (sig_rd < 0)
		return;
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		sigaction(handled[i], &saved[i], NULL);
	close(sig_rd);
	close(sig_wr);
	sig_rd = sig_wr = -1;
}

void loop_timer_at(uint64_t at_us, void (*fn)(void *), void *ctx)
{
	struct timer *free_slot = NULL;

	for (size_t i = 0; i < MAX_TIMERS; i++) {
		if (timers[i].fn == fn && timers[i].ctx == ctx) {
			timers[i].at_us = at_us;
			return;
		}
		if (timers[i].fn == NULL && free_slot == NULL)
			free_slot = &timers[i];
	}
	if (free_slot != NULL)
		*free_slot = (struct timer){ at_us, fn, ctx };
}

void loop_timer_cancel(void (*fn)(void *), void *ctx)
{
	for (size_t i = 0; i < MAX_TIMERS; i++)
		if (timers[i].fn == fn && timers[i].ctx == ctx)
			timers[i].fn = NULL;
}

/* Runs the due timers; returns the milliseconds until the next one, or -1. */
static int run_timers(void)
{
	uint64_t now = clock_mono_us(), next = UINT64_MAX;

	for (size_t i = 0; i < MAX_TIMERS; i++) {
		if (timers[i].fn == NULL)
			continue;
		if (timers[i].at_us <= now) {
			void (*fn)(void *) = timers[i].fn;
			void *ctx = timers[i].ctx;
			timers[i].fn = NULL;
			fn(ctx);
		}
	}
	for (size_t i = 0; i < MAX_TIMERS; i++)
		if (timers[i].fn != NULL && timers[i].at_us < next)
			next = timers[i].at_us;
	if (next == UINT64_MAX)
		return -1;
	now = clock_mono_us();
	return next <= now ? 0 : (int)((next - now + 999) / 1000);
}

int loop_read_key(int *key)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return 0;
	if (r == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			*key = '\n';
		else
			*key = KEY_FN | (int)wc;
		return 1;
	}
	if (wc == '\r')
		*key = '\n';
	else if (wc == 127 || wc == 8)
		*key = KEY_FN | KEY_BACKSPACE;
	else
		*key = (int)wc;
	return 1;
}

/* SKUA_TRACE_KEYS=FILE, the latency benchmark's probe: per turn that read
 * keys, a line "first key, microseconds from reading it to the end of the
 * redraw, keys read" appended to FILE. Unset, it costs one test per key. */
static FILE *open_key_trace(void)
{
	const char *path = getenv("SKUA_TRACE_KEYS");
	int fd;
	FILE *f;

	if (path == NULL || *path == '\0')
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "a");
	if (f == NULL)
		close(fd);
	else
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

void loop_run(const struct loop_ops *ops, void *ctx, const int *fds, size_t nfds)
{
	FILE *trace = open_key_trace();
	uint64_t key_us = 0;
	int first_key = 0, nkeys = 0;

	if (nfds > LOOP_FDS_MAX)
		nfds = LOOP_FDS_MAX;
	while (!ops->done(ctx)) {
		unsigned char sigs[32];
		ssize_t n;
		int key, timeout;

		while (sig_rd >= 0 && (n = read(sig_rd, sigs, sizeof sigs)) > 0)
			for (ssize_t i = 0; i < n; i++)
				ops->signal(ctx, sigs[i]);
		while (!ops->done(ctx) && loop_read_key(&key)) {
			if (trace != NULL && nkeys++ == 0) {
				key_us = clock_mono_us();
				first_key = key;
			}
			ops->key(ctx, key);
		}
		if (ops->done(ctx))
			break;
		ops->replies(ctx);
		timeout = run_timers();
		ops->redraw(ctx);
		if (nkeys > 0) {
			char name[16];
			fprintf(trace, "%s\t%llu\t%d\n", keys_name(first_key, name, sizeof name),
				(unsigned long long)(clock_mono_us() - key_us), nkeys);
			nkeys = 0;
		}
		struct pollfd p[2 + LOOP_FDS_MAX] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sig_rd, .events = POLLIN },
		};
		for (size_t i = 0; i < nfds; i++)
			p[2 + i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(p, (nfds_t)(2 + nfds), timeout) < 0 && errno != EINTR)
			break;
		/* The terminal went away: nothing more can be read or shown. */
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
	if (trace != NULL)
		fclose(trace);
}
