/* The connection: non-blocking TCP connect with a timeout, the libetpan
 * low-level driver that reads and writes through the socket or OpenSSL with
 * an inactivity timeout, the cancel pipe and tick hook, and STARTTLS in place. */
#include "net/conn_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "util/clock.h"
#include "util/xalloc.h"

#define CONNECT_TIMEOUT_DEFAULT_MS 15000
#define IO_TIMEOUT_DEFAULT_MS 60000
#define TICK_MS 100
#define STREAM_BUFFER 8192

int conn_fail(struct conn *c, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	c->last_code = code;
	va_start(ap, fmt);
	vsnprintf(c->last_error, sizeof c->last_error, fmt, ap);
	va_end(ap);
	return -1;
}

void conn_sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

void conn_sigpipe_restore(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	/* Swallow only a SIGPIPE this call raised, never one meant for someone else. */
	if (!g->was_pending && sigismember(&pending, SIGPIPE)) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* "60 s", "0.7 s": timeouts as a person reads them. */
static void format_secs(int ms, char *buf, size_t size)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, "%d s", ms / 1000);
	else
		snprintf(buf, size, "%.1f s", ms / 1000.0);
}

static int is_cancelled(struct conn *c)
{
	return atomic_load(&c->cancelled);
}

/* 0 = ready, 1 = timed out, -1 = cancelled or poll failed (recorded). */
static int wait_core(struct conn *c, short events, int timeout_ms)
{
	uint64_t deadline = clock_mono_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		if (is_cancelled(c))
			return conn_fail(c, ERR_CANCELLED, "cancelled");
		uint64_t now = clock_mono_us();
		uint64_t left_ms = now >= deadline ? 0 : (deadline - now + 999u) / 1000u;
		int slice = c->tick != NULL && left_ms > TICK_MS ? TICK_MS
			: (left_ms > INT_MAX ? INT_MAX : (int)left_ms);
		struct pollfd pfd[2] = {
			{ .fd = c->fd, .events = events },
			{ .fd = c->cancel_rd, .events = POLLIN },
		};
		int n = poll(pfd, 2, slice);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return conn_fail(c, ERR_NETWORK, "cannot wait for %s: %s", c->host,
					 strerror(errno));
		}
		if (pfd[1].revents != 0)
			return conn_fail(c, ERR_CANCELLED, "cancelled");
		/* Errors and hangups are left to the next read or write to name. */
		if (pfd[0].revents & (events | POLLERR | POLLHUP | POLLNVAL))
			return 0;
		if (c->tick != NULL && c->tick(c->tick_ctx) != 0)
			conn_cancel(c);
		else if (clock_mono_us() >= deadline)
			return 1;
	}
}

int conn_wait(struct conn *c, short events, int timeout_ms, const char *doing)
{
	int rc = wait_core(c, events, timeout_ms);
	char secs[32];

	if (rc <= 0)
		return rc;
	format_secs(timeout_ms, secs, sizeof secs);
	return conn_fail(c, ERR_NETWORK, "timed out after %s %s %s", secs, doing, c->host);
}

static int io_timeout(const struct conn *c, const mailstream_low *low)
{
	/* As libetpan's own drivers do: a per-stream timeout overrides the default. */
	if (low != NULL && low->timeout > 0)
		return low->timeout > INT_MAX / 1000 ? INT_MAX : (int)low->timeout * 1000;
	return c->io_timeout_ms;
}

static int closed_fail(struct conn *c)
{
	if (c->last_code != ERR_NONE)
		return -1;
	return conn_fail(c, ERR_NETWORK, "the connection to %s is closed", c->host);
}

/* Names the failure of an SSL_read/SSL_write/SSL_shutdown that is not a retry. */
static int ssl_io_fail(struct conn *c, int ssl_err, int saved_errno, const char *doing)
{
	unsigned long e = ERR_peek_last_error();

	if (ssl_err == SSL_ERROR_ZERO_RETURN ||
	    (ssl_err == SSL_ERROR_SYSCALL && saved_errno == 0 && e == 0) ||
	    (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		return conn_fail(c, ERR_NETWORK, "connection closed by %s", c->host);
	if (ssl_err == SSL_ERROR_SYSCALL && saved_errno != 0)
		return conn_fail(c, ERR_NETWORK, "%s %s failed: %s", doing, c->host,
				 strerror(saved_errno));
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	return conn_fail(c, ERR_TLS, "TLS error %s %s: %s", doing, c->host,
			 reason != NULL ? reason : "unknown error");
}

/* One read (out = 0) or write (out = 1) through OpenSSL or the socket,
 * waiting out the would-blocks. A write is only ever given a const buffer. */
static ssize_t conn_io(struct conn *c, const mailstream_low *low, void *buf, size_t len, int out)
{
	const char *doing = out ? "writing to" : "reading from";
	const char *waiting = out ? "sending to" : "waiting for";
	uint64_t *app = out ? &c->app_out : &c->app_in;
	uint64_t *wire = out ? &c->wire_out : &c->wire_in;

	if (c->fd < 0)
		return closed_fail(c);
	if (!out && c->op_read_limit && c->app_in - c->op_read_base >= c->op_read_limit)
		return conn_fail(c, ERR_PROTOCOL, "%s sent more than %llu KB in one reply", c->host,
				 (unsigned long long)(c->op_read_limit >> 10));
	if (len > INT_MAX)
		len = INT_MAX;
	for (;;) {
		short want;
		if (is_cancelled(c))
			return conn_fail(c, ERR_CANCELLED, "cancelled");
		if (c->ssl != NULL) {
			struct sigpipe_guard g;
			ERR_clear_error();
			errno = 0;
			conn_sigpipe_block(&g);
			int n = out ? SSL_write(c->ssl, buf, (int)len) : SSL_read(c->ssl, buf, (int)len);
			int saved = errno;
			int se = n > 0 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, n);
			conn_sigpipe_restore(&g);
			if (n > 0) {
				/* Wire bytes are counted at the BIO. */
				*app += (uint64_t)n;
				return n;
			}
			if (se != SSL_ERROR_WANT_READ && se != SSL_ERROR_WANT_WRITE)
				return ssl_io_fail(c, se, saved, doing);
			/* Either way OpenSSL wants the very same call again. */
			want = se == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		} else {
			ssize_t n = out ? send(c->fd, buf, len, MSG_NOSIGNAL) : recv(c->fd, buf, len, 0);
			if (n > 0) {
				*wire += (uint64_t)n;
				*app += (uint64_t)n;
				return n;
			}
			if (n == 0 && !out)
				return conn_fail(c, ERR_NETWORK, "connection closed by %s", c->host);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				return conn_fail(c, ERR_NETWORK, "%s %s failed: %s", doing, c->host,
						 strerror(errno));
			want = out ? POLLOUT : POLLIN;
		}
		if (conn_wait(c, want, io_timeout(c, low), waiting) != 0)
			return -1;
	}
}

static void close_transport(struct conn *c)
{
	if (c->fd < 0)
		return;
	/* The snapshot follows the TLS shutdown so that the segment carrying
	 * our close_notify is counted like its bytes (the BIO counts those). */
	conn_tls_shutdown(c);
	conn_meter_final(c);
	close(c->fd);
	c->fd = -1;
}

/* The libetpan driver. Its data is the conn, which outlives the stream; after
 * conn_free the data is NULL and every call fails. */

static ssize_t drv_read(mailstream_low *low, void *buf, size_t len)
{
	struct conn *c = low->data;

	return c != NULL ? conn_io(c, low, buf, len, 0) : -1;
}

static ssize_t drv_write(mailstream_low *low, const void *buf, size_t len)
{
	struct conn *c = low->data;

	return c != NULL ? conn_io(c, low, (void *)buf, len, 1) : -1;
}

static int drv_close(mailstream_low *low)
{
	struct conn *c = low->data;

	if (c != NULL)
		close_transport(c);
	return 0;
}

static int drv_get_fd(mailstream_low *low)
{
	struct conn *c = low->data;

	return c != NULL ? c->fd : -1;
}

static void drv_free(mailstream_low *low)
{
	struct conn *c = low->data;

	/* libetpan's mailstream_low_free leaves freeing the low object to us. */
	if (c != NULL && c->low == low)
		c->low = NULL;
	free(low);
}

static void drv_cancel(mailstream_low *low)
{
	struct conn *c = low->data;

	if (c != NULL)
		conn_cancel(c);
}

static struct mailstream_cancel *drv_get_cancel(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static carray *drv_get_certificate_chain(mailstream_low *low)
{
	(void)low;
	return NULL;
}

/* libetpan's own idle helpers fall back to a cancel object on -1. */
static int drv_idle_unsupported(mailstream_low *low)
{
	(void)low;
	return -1;
}

static mailstream_low_driver conn_driver = {
	.mailstream_read = drv_read,
	.mailstream_write = drv_write,
	.mailstream_close = drv_close,
	.mailstream_get_fd = drv_get_fd,
	.mailstream_free = drv_free,
	.mailstream_cancel = drv_cancel,
	.mailstream_get_cancel = drv_get_cancel,
	.mailstream_get_certificate_chain = drv_get_certificate_chain,
	.mailstream_setup_idle = drv_idle_unsupported,
	.mailstream_unsetup_idle = drv_idle_unsupported,
	.mailstream_interrupt_idle = drv_idle_unsupported,
};

/* One address: 0 connected, -1 failed (c->last_error says why). */
static int connect_one(struct conn *c, const struct addrinfo *ai, int budget_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	int soerr = 0;
	socklen_t len = sizeof soerr;

	if (fd < 0)
		return conn_fail(c, ERR_NETWORK, "cannot connect to %s port %u: %s", c->host,
				 (unsigned)c->port, strerror(errno));
	c->fd = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			soerr = errno;
			goto fail;
		}
		int w = wait_core(c, POLLOUT, budget_ms);
		if (w == 1) {
			char secs[32];
			format_secs(budget_ms, secs, sizeof secs);
			conn_fail(c, ERR_NETWORK, "cannot connect to %s port %u: no answer within %s",
				  c->host, (unsigned)c->port, secs);
		}
		if (w != 0)
			goto fail_recorded;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
			soerr = errno;
		if (soerr != 0)
			goto fail;
	}
	int one = 1;
	/* Commands are small and latency-bound; keepalive notices a dead IDLE. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	return 0;

fail:
	conn_fail(c, ERR_NETWORK, "cannot connect to %s port %u: %s", c->host, (unsigned)c->port,
		  strerror(soerr));
fail_recorded:
	close(fd);
	c->fd = -1;
	return -1;
}

static int tcp_connect(struct conn *c, struct err *e)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	size_t naddr = 0, i = 0;
	uint64_t deadline = clock_mono_us() + (uint64_t)c->connect_timeout_ms * 1000u;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", (unsigned)c->port);
	rc = getaddrinfo(c->host, port, &hints, &res);
	if (rc != 0) {
		conn_fail(c, ERR_NETWORK, "cannot resolve %s: %s", c->host,
			  rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return err_set(e, c->last_code, "%s", c->last_error);
	}
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
		naddr++;
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next, i++) {
		uint64_t now = clock_mono_us();
		if (now >= deadline)
			break;
		/* Share the time left between the addresses still to try, so one
		 * black-holed address cannot eat the whole timeout. */
		uint64_t left_ms = (deadline - now) / 1000u;
		int budget = (int)(left_ms / (naddr - i));
		if (budget < 1)
			budget = 1;
		if (connect_one(c, ai, budget) == 0) {
			freeaddrinfo(res);
			c->last_code = ERR_NONE;
			c->last_error[0] = '\0';
			return 0;
		}
		if (c->last_code == ERR_CANCELLED)
			break;
	}
	freeaddrinfo(res);
	if (c->last_code == ERR_NONE)
		conn_fail(c, ERR_NETWORK, "cannot connect to %s port %u: no usable address", c->host,
			  (unsigned)c->port);
	return err_set(e, c->last_code, "%s", c->last_error);
}

struct conn *conn_open(const struct conn_params *p, struct err *e)
{
	struct conn *c;
	struct conn_op op;
	struct err local;
	int pipefd[2];

	if (e == NULL)
		e = &local;
	if (p->host == NULL || p->host[0] == '\0') {
		err_set(e, ERR_CONFIG, "no server host name given");
		return NULL;
	}
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create a pipe: %s", strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->fd = -1;
	c->cancel_rd = pipefd[0];
	c->cancel_wr = pipefd[1];
	atomic_init(&c->cancelled, 0);
	c->host = xstrdup(p->host);
	c->port = p->port;
	c->tls = p->tls;
	c->ca_file = p->ca_file != NULL && p->ca_file[0] != '\0' ? xstrdup(p->ca_file) : NULL;
	c->connect_timeout_ms = p->connect_timeout_ms > 0 ? p->connect_timeout_ms
							 : CONNECT_TIMEOUT_DEFAULT_MS;
	c->io_timeout_ms = p->io_timeout_ms > 0 ? p->io_timeout_ms : IO_TIMEOUT_DEFAULT_MS;
	c->account = xstrdup(p->account != NULL ? p->account : "");
	c->metrics = p->metrics;

	conn_op_begin(c, &op, "tcp_connect");
	int rc = tcp_connect(c, e);
	conn_op_done(c, &op, rc, e);
	if (rc == 0 && c->tls == TLS_MODE_IMPLICIT) {
		conn_op_begin(c, &op, "tls_handshake");
		rc = conn_tls_handshake(c, e);
		conn_op_done(c, &op, rc, e);
	}
	if (rc != 0) {
		conn_free(c);
		return NULL;
	}
	return c;
}

void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	close_transport(c);
	/* A stream still alive must not reach a freed conn. */
	if (c->low != NULL)
		c->low->data = NULL;
	close(c->cancel_rd);
	close(c->cancel_wr);
	free(c->host);
	free(c->ca_file);
	free(c->account);
	free(c);
}

mailstream *conn_stream(struct conn *c)
{
	mailstream_low *low;
	mailstream *s;

	if (c->low != NULL || c->fd < 0)
		return NULL;
	low = mailstream_low_new(c, &conn_driver);
	if (low == NULL)
		return NULL;
	s = mailstream_new(low, STREAM_BUFFER);
	if (s == NULL) {
		low->data = NULL;
		free(low);
		return NULL;
	}
	c->low = low;
	return s;
}

int conn_start_tls(struct conn *c, mailstream *s, struct err *e)
{
	struct conn_op op;
	struct err local;
	int rc;

	if (e == NULL)
		e = &local;
	if (c->ssl != NULL || c->tls_up)
		return err_set(e, ERR_INTERNAL, "the connection to %s already uses TLS", c->host);
	if (s == NULL || s->low == NULL || s->low->data != c || c->fd < 0)
		return err_set(e, ERR_INTERNAL, "STARTTLS on a stream of another connection");
	/* Anything already buffered was sent in clear text before the handshake
	 * and would be read as if it came through TLS (CVE-2020-15953). */
	if (s->read_buffer_len != 0) {
		conn_fail(c, ERR_TLS,
			  "%s sent %zu bytes before the TLS handshake (a response injection): "
			  "connection refused",
			  c->host, s->read_buffer_len);
		close_transport(c);
		return err_set(e, ERR_TLS, "%s", c->last_error);
	}
	conn_op_begin(c, &op, "tls_handshake");
	rc = conn_tls_handshake(c, e);
	/* After a failed upgrade nothing more may go out in clear text. */
	if (rc != 0)
		close_transport(c);
	return conn_op_done(c, &op, rc, e);
}

int conn_is_tls(const struct conn *c)
{
	return c->tls_up;
}

const char *conn_last_error(const struct conn *c)
{
	return c->last_error;
}

enum err_code conn_last_error_code(const struct conn *c)
{
	return c->last_code;
}

int conn_is_alive(const struct conn *c)
{
	return c->fd >= 0 && c->last_code == ERR_NONE;
}

void conn_cancel(struct conn *c)
{
	char b = 1;
	ssize_t n;

	atomic_store(&c->cancelled, 1);
	/* The pipe is non-blocking; when it is full a wake-up is pending anyway. */
	do
		n = write(c->cancel_wr, &b, 1);
	while (n < 0 && errno == EINTR);
}

void conn_set_tick(struct conn *c, conn_tick_fn fn, void *ctx)
{
	c->tick = fn;
	c->tick_ctx = ctx;
}

int conn_wait_readable(struct conn *c, mailstream *s, int timeout_ms, struct err *e)
{
	int rc;

	if (c->fd < 0) {
		closed_fail(c);
		return err_set(e, c->last_code, "%s", c->last_error);
	}
	if ((s != NULL && s->read_buffer_len > 0) || (c->ssl != NULL && SSL_pending(c->ssl) > 0))
		return 1;
	rc = wait_core(c, POLLIN, timeout_ms > 0 ? timeout_ms : 0);
	if (rc == 0)
		return 1;
	if (rc == 1)
		return 0;   /* a quiet server is no failure here */
	return err_set(e, c->last_code, "%s", c->last_error);
}

const char *conn_host(const struct conn *c)
{
	return c->host;
}
