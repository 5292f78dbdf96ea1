/* notify_send(): one notification over a non-blocking TCP connection whose
 * connect and write share one deadline, metered with TCP_INFO. */
#include "notify/notify_client.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
/* glibc's netinet/tcp.h has a tcp_info without the segment counters, and
 * the two headers conflict: the kernel's is the one to use. */
#include <linux/tcp.h>

#include "util/clock.h"
#include "util/strbuf.h"

struct attempt {
	const char *host;
	uint16_t port;
	int timeout_ms;
	uint64_t deadline_us;
	struct notify_metrics *m;
};

static int fail(struct attempt *a, struct err *e, enum err_code code, const char *why)
{
	a->m->result = code;
	return err_set(e, code, "cannot send the notification to %s port %u: %s", a->host,
	               (unsigned)a->port, why);
}

/* Waits for events on fd until the deadline; 1 when ready, 0 on timeout, -1
 * on a poll failure (errno set). */
static int wait_fd(int fd, short events, uint64_t deadline_us)
{
	for (;;) {
		uint64_t now = clock_mono_us();
		if (now >= deadline_us)
			return 0;
		int ms = (int)((deadline_us - now + 999) / 1000);
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, ms);
		if (r > 0)
			return 1;
		if (r == 0)
			continue;
		if (errno != EINTR)
			return -1;
	}
}

static void read_segments(int fd, struct notify_metrics *m)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return;
	/* An older kernel fills a shorter struct: never read past what it wrote. */
	if (len < offsetof(struct tcp_info, tcpi_segs_in) + sizeof ti.tcpi_segs_in)
		return;
	m->segs_out = ti.tcpi_segs_out;
	m->segs_in = ti.tcpi_segs_in;
}

/* Resolves a numeric address without ever asking DNS. */
static struct addrinfo *resolve(struct attempt *a, struct err *e)
{
	char buf[INET6_ADDRSTRLEN + 64];
	char service[8];
	const char *host = a->host;
	size_t len = strlen(host);
	struct addrinfo hints, *res = NULL;

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof buf) {
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		host = buf;
	} else if (strcmp(host, "localhost") == 0) {
		host = "127.0.0.1";
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof service, "%u", (unsigned)a->port);
	if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL) {
		fail(a, e, ERR_CONFIG,
		     "the notifier's host must be a numeric IP address or localhost");
		return NULL;
	}
	return res;
}

static int connect_before(struct attempt *a, int fd, const struct addrinfo *ai, struct err *e)
{
	char why[128];

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR) {
		snprintf(why, sizeof why, "%s", strerror(errno));
		return fail(a, e, ERR_NETWORK, why);
	}
	int r = wait_fd(fd, POLLOUT, a->deadline_us);
	if (r == 0) {
		snprintf(why, sizeof why, "no connection within %d ms", a->timeout_ms);
		return fail(a, e, ERR_NETWORK, why);
	}
	int soerr = 0;
	socklen_t slen = sizeof soerr;
	if (r < 0)
		soerr = errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) != 0)
		soerr = errno;
	if (soerr != 0) {
		snprintf(why, sizeof why, "%s", strerror(soerr));
		return fail(a, e, ERR_NETWORK, why);
	}
	return 0;
}

static int write_before(struct attempt *a, int fd, const char *line, size_t len, struct err *e)
{
	char why[128];
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, line + done, len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
			a->m->bytes_out = done;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(why, sizeof why, "%s", strerror(errno));
			return fail(a, e, ERR_NETWORK, why);
		}
		int r = wait_fd(fd, POLLOUT, a->deadline_us);
		if (r <= 0) {
			snprintf(why, sizeof why, "the line was not written within %d ms",
			         a->timeout_ms);
			return fail(a, e, ERR_NETWORK, why);
		}
	}
	return 0;
}

int notify_send(const char *host, uint16_t port, const char *token, enum notify_type type,
                const char *text, int timeout_ms, struct notify_metrics *m, struct err *e)
{
	struct notify_metrics local;
	struct strbuf line = STRBUF_INIT;
	struct attempt a;
	int rc = -1;

	if (m == NULL)
		m = &local;
	memset(m, 0, sizeof *m);
	m->start_wall_us = clock_wall_us();
	uint64_t start = clock_mono_us();
	if (timeout_ms <= 0)
		timeout_ms = NOTIFY_TIMEOUT_DEFAULT_MS;
	a.host = host != NULL ? host : "(none)";
	a.port = port;
	a.timeout_ms = timeout_ms;
	a.deadline_us = start + (uint64_t)timeout_ms * 1000u;
	a.m = m;

	if (notify_encode(token, type, text, &line, e) != 0) {
		m->result = e != NULL ? e->code : ERR_CONFIG;
		goto out;
	}
	struct addrinfo *res = resolve(&a, e);
	if (res == NULL)
		goto out;
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		char why[128];
		snprintf(why, sizeof why, "cannot create a socket: %s", strerror(errno));
		fail(&a, e, ERR_NETWORK, why);
		freeaddrinfo(res);
		goto out;
	}
	if (connect_before(&a, fd, res, e) == 0 && write_before(&a, fd, line.s, line.len, e) == 0) {
		/* Say we are done at once, so the daemon frees its slot on EOF. */
		shutdown(fd, SHUT_WR);
		rc = 0;
	}
	read_segments(fd, m);
	close(fd);
	freeaddrinfo(res);
out:
	strbuf_free(&line);
	m->latency_us = clock_mono_us() - start;
	m->ok = rc == 0;
	if (rc == 0)
		m->result = ERR_NONE;
	return rc;
}
