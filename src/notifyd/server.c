/* skua-notifyd's event loop: one poll() over the signal pipe, the listeners
 * and the clients; line framing, the per-connection limits and shutdown. */
#include "notifyd/server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/notify_proto.h"
#include "notifyd/report.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* An accept() that fails for lack of descriptors is retried after this. */
#define ACCEPT_PAUSE_US 500000u

struct client {
	int fd;
	int discarding; /* inside an over-long line: drop up to the next LF */
	unsigned lines; /* lines seen, refused ones included */
	unsigned bad;   /* lines refused */
	size_t len;     /* bytes in buf */
	uint64_t start_us, last_us;
	char peer[96];
	char buf[NOTIFY_LINE_MAX];
};

struct server {
	struct server_config cfg;
	struct listener *ls;
	size_t nls;
	struct runner *runner;
	struct client **clients;
	size_t nclients;
	struct pollfd *pfds;
	int sig_r, sig_w;
	int stopping;
	int full_logged;
	uint64_t accept_paused_until;
};

/* The signal handler has no argument to find the server by: the write end of
 * the self-pipe is the one piece of state it needs. */
static volatile sig_atomic_t sig_write_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_write_fd >= 0 && write(sig_write_fd, &b, 1) < 0) {
		/* A full pipe already holds a wake-up: nothing is lost. */
	}
	errno = saved;
}

static int install_signals(struct err *e)
{
	struct sigaction sa;
	static const int sigs[] = {SIGTERM, SIGINT, SIGCHLD};

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return err_set(e, ERR_INTERNAL, "cannot install a signal handler: %s",
			               strerror(errno));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

struct server *server_new(const struct server_config *cfg, struct listener *ls, size_t nls,
                          struct runner *runner, struct err *e)
{
	int p[2];

	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create the signal pipe: %s", strerror(errno));
		return NULL;
	}
	struct server *s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	s->ls = ls;
	s->nls = nls;
	s->runner = runner;
	s->sig_r = p[0];
	s->sig_w = p[1];
	s->clients = xcalloc((size_t)cfg->max_clients, sizeof *s->clients);
	s->pfds = xcalloc(1 + nls + (size_t)cfg->max_clients, sizeof *s->pfds);
	sig_write_fd = s->sig_w;
	if (install_signals(e) != 0) {
		server_free(s);
		return NULL;
	}
	return s;
}

static void client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

void server_free(struct server *s)
{
	if (s == NULL)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sig_write_fd = -1;
	for (size_t i = 0; i < s->nclients; i++)
		client_free(s->clients[i]);
	free(s->clients);
	free(s->pfds);
	close(s->sig_r);
	close(s->sig_w);
	free(s);
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Handles one complete line (without its LF). */
static void client_line(struct server *s, struct client *c, const char *line, size_t len)
{
	struct notify_msg msg;
	struct err e;

	c->lines++;
	if (notify_parse(line, len, s->cfg.token, &msg, &e) == 0) {
		report_notification(msg.type, msg.text, msg.text_len);
		if (s->runner != NULL)
			runner_submit(s->runner, msg.type, msg.text, msg.text_len);
	} else {
		c->bad++;
		report_refusal("%s: line %u refused: %s", c->peer, c->lines, e.msg);
	}
}

/* After a line: the limits that end a connection. */
static int client_over_limits(struct client *c)
{
	if (c->bad >= SERVER_MAX_BAD_LINES) {
		report_refusal("%s: %u lines refused, connection closed", c->peer, c->bad);
		return 1;
	}
	if (c->lines >= SERVER_MAX_LINES) {
		report_refusal("%s: %d lines on one connection, connection closed", c->peer,
		               SERVER_MAX_LINES);
		return 1;
	}
	return 0;
}

/* Splits what has arrived into lines; returns -1 when the connection must close. */
static int client_lines(struct server *s, struct client *c)
{
	size_t start = 0;

	for (;;) {
		char *nl = memchr(c->buf + start, '\n', c->len - start);
		if (nl == NULL)
			break;
		size_t end = (size_t)(nl - c->buf);
		if (c->discarding)
			c->discarding = 0;
		else
			client_line(s, c, c->buf + start, end - start);
		start = end + 1;
		if (client_over_limits(c))
			return -1;
	}
	memmove(c->buf, c->buf + start, c->len - start);
	c->len -= start;
	if (c->len == sizeof c->buf && !c->discarding) {
		c->lines++;
		c->bad++;
		c->discarding = 1;
		report_refusal("%s: line %u refused: line longer than %d bytes", c->peer, c->lines,
		               NOTIFY_LINE_MAX);
		if (client_over_limits(c))
			return -1;
	}
	if (c->discarding)
		c->len = 0;
	return 0;
}

static void client_read(struct server *s, struct client *c, uint64_t now)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		report_refusal("%s: connection lost: %s", c->peer, strerror(errno));
		client_close(c);
		return;
	}
	if (n == 0) {
		if (c->len > 0 || c->discarding)
			report_refusal("%s: connection closed in the middle of line %u: dropped",
			               c->peer, c->lines + 1);
		client_close(c);
		return;
	}
	c->last_us = now;
	c->len += (size_t)n;
	if (client_lines(s, c) != 0)
		client_close(c);
}

static void peer_name(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t size)
{
	char host[64], serv[8];

	if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof host, serv, sizeof serv,
	                NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, size, "%s", "unknown peer");
	else if (ss->ss_family == AF_INET6)
		snprintf(buf, size, "[%s]:%s", host, serv);
	else
		snprintf(buf, size, "%s:%s", host, serv);
}

static void accept_clients(struct server *s, struct listener *l, uint64_t now)
{
	while (s->nclients < (size_t)s->cfg.max_clients) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			report_refusal("cannot accept a connection on %s port %u: %s; pausing",
			               l->addr, (unsigned)l->port, strerror(errno));
			s->accept_paused_until = now + ACCEPT_PAUSE_US;
			return;
		}
		struct client *c = xmalloc(sizeof *c);
		c->fd = fd;
		c->discarding = 0;
		c->lines = 0;
		c->bad = 0;
		c->len = 0;
		c->start_us = now;
		c->last_us = now;
		peer_name(&ss, len, c->peer, sizeof c->peer);
		s->clients[s->nclients++] = c;
	}
	if (!s->full_logged) {
		s->full_logged = 1;
		report_refusal("%d connections open: new ones wait until one closes",
		               s->cfg.max_clients);
	}
}

/* Bytes (or the end) wait to be read on fd. A loop turn that came late,
 * on a busy machine, must not call silent a client whose lines are there
 * unread. */
static int has_input(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

/* Closes the connections past their idle or total time; returns the next
 * deadline (0 when there is no client). */
static uint64_t expire_clients(struct server *s, uint64_t now)
{
	uint64_t next = 0;
	uint64_t idle = (uint64_t)s->cfg.idle_timeout_ms * 1000u;
	uint64_t total = (uint64_t)SERVER_TOTAL_TIMEOUT_MS * 1000u;

	for (size_t i = 0; i < s->nclients; i++) {
		struct client *c = s->clients[i];
		if (c->fd < 0)
			continue;
		if (now >= c->last_us + idle && !has_input(c->fd)) {
			report_refusal("%s: silent for %d ms, connection closed", c->peer,
			               s->cfg.idle_timeout_ms);
			client_close(c);
			continue;
		}
		if (now >= c->last_us + idle)
			c->last_us = now;   /* it spoke: what it said is read next */
		if (now >= c->start_us + total) {
			report_refusal("%s: open for %d s, connection closed", c->peer,
			               SERVER_TOTAL_TIMEOUT_MS / 1000);
			client_close(c);
			continue;
		}
		uint64_t d = c->last_us + idle < c->start_us + total ? c->last_us + idle
		                                                     : c->start_us + total;
		if (next == 0 || d < next)
			next = d;
	}
	return next;
}

static void remove_closed(struct server *s)
{
	for (size_t i = 0; i < s->nclients;) {
		if (s->clients[i]->fd >= 0) {
			i++;
			continue;
		}
		client_free(s->clients[i]);
		s->clients[i] = s->clients[--s->nclients];
	}
	if (s->nclients < (size_t)s->cfg.max_clients)
		s->full_logged = 0;
}

/* Reads the signal pipe; returns the last termination signal seen, or 0. */
static int drain_signals(struct server *s)
{
	unsigned char buf[64];
	int term = 0;
	ssize_t n;

	while ((n = read(s->sig_r, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD && s->runner != NULL)
				runner_reap(s->runner);
			else if (buf[i] == SIGTERM || buf[i] == SIGINT)
				term = buf[i];
		}
	}
	return term;
}

static void begin_shutdown(struct server *s, int sig)
{
	size_t open = 0;

	s->stopping = 1;
	for (size_t i = 0; i < s->nls; i++)
		listener_close(&s->ls[i]);
	for (size_t i = 0; i < s->nclients; i++) {
		if (s->clients[i]->fd >= 0)
			open++;
		client_close(s->clients[i]);
	}
	remove_closed(s);
	report_info("%s: shutting down (%zu connections closed)", strsignal(sig), open);
	if (s->runner != NULL)
		runner_drop_queue(s->runner);
}

static int min_timeout(uint64_t now, uint64_t deadline, int current)
{
	if (deadline == 0)
		return current;
	int ms = deadline <= now ? 0 : (int)((deadline - now + 999) / 1000);
	return current < 0 || ms < current ? ms : current;
}

int server_run(struct server *s, struct err *e)
{
	uint64_t grace_end = 0;

	for (;;) {
		uint64_t now = clock_mono_us();
		int timeout = -1;

		report_flush_suppressed();
		if (s->stopping) {
			if (s->runner == NULL || runner_running(s->runner) == 0)
				return 0;
			if (grace_end == 0)
				grace_end = now + (uint64_t)SERVER_SHUTDOWN_GRACE_MS * 1000u;
			if (now >= grace_end) {
				report_info("%d commands still running: leaving them",
				            runner_running(s->runner));
				return 0;
			}
			timeout = min_timeout(now, grace_end, timeout);
		}
		timeout = min_timeout(now, expire_clients(s, now), timeout);
		remove_closed(s);
		if (s->runner != NULL)
			timeout = min_timeout(now, runner_tick(s->runner, now), timeout);
		timeout = min_timeout(now, report_flush_due_us(), timeout);

		size_t n = 0;
		s->pfds[n++] = (struct pollfd){.fd = s->sig_r, .events = POLLIN};
		int accepting = !s->stopping && s->nclients < (size_t)s->cfg.max_clients &&
		                now >= s->accept_paused_until;
		if (!accepting && s->accept_paused_until > now)
			timeout = min_timeout(now, s->accept_paused_until, timeout);
		for (size_t i = 0; i < s->nls; i++)
			s->pfds[n++] =
			    (struct pollfd){.fd = accepting ? s->ls[i].fd : -1, .events = POLLIN};
		for (size_t i = 0; i < s->nclients; i++)
			s->pfds[n++] = (struct pollfd){.fd = s->clients[i]->fd, .events = POLLIN};

		int r = poll(s->pfds, n, timeout);
		if (r < 0 && errno != EINTR)
			return err_set(e, ERR_INTERNAL, "poll failed: %s", strerror(errno));
		if (r <= 0)
			continue;
		now = clock_mono_us();
		if (s->pfds[0].revents != 0) {
			int sig = drain_signals(s);
			if (sig != 0 && s->stopping) {
				report_info("%s again: leaving at once", strsignal(sig));
				return 0;
			}
			if (sig != 0) {
				begin_shutdown(s, sig);
				continue;
			}
		}
		/* Clients first: the slots they free are open to the listeners' queue. */
		size_t base = 1 + s->nls;
		size_t polled = s->nclients;
		for (size_t i = 0; i < polled; i++)
			if (s->pfds[base + i].revents != 0)
				client_read(s, s->clients[i], now);
		remove_closed(s);
		for (size_t i = 0; i < s->nls; i++)
			if (s->pfds[1 + i].revents != 0)
				accept_clients(s, &s->ls[i], now);
	}
}
