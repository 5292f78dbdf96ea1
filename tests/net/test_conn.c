/* Tests of net/conn against the test mail system (MAILSYS_* variables) and
 * small fake servers: TLS modes, certificate failures, timeouts, cancel,
 * STARTTLS response injection, metering. Skipped (77) without the mail system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>

#include "fake_server.h"
#include "fixture.h"
#include "net/conn.h"
#include "net/metrics.h"
#include "util/clock.h"

static void assert_traffic(const struct metric_record *r)
{
	assert_true(r->bytes_out > 0);
	assert_true(r->bytes_in > 0);
	assert_true(r->segs_out > 0);
	assert_true(r->segs_in > 0);
	assert_true(r->latency_us > 0 && r->latency_us < 5000000);
}

static void test_imaps_greeting_and_metering(void **state)
{
	struct conn_params p = fixture_params(TLS_MODE_IMPLICIT);
	struct err e;
	(void)state;

	struct conn *c = conn_open(&p, &e);
	if (c == NULL)
		fail_msg("conn_open: %s", e.msg);
	assert_true(conn_is_tls(c));
	assert_true(conn_is_alive(c));
	struct metric_record tcp = fixture_find_record("tcp_connect");
	assert_true(tcp.ok);
	assert_int_equal(tcp.bytes_out, 0);
	assert_true(tcp.segs_out >= 1);
	struct metric_record hs = fixture_find_record("tls_handshake");
	assert_true(hs.ok);
	assert_traffic(&hs);
	assert_int_equal(hs.tls, TLS_MODE_IMPLICIT);
	assert_string_equal(hs.account, "alice");
	print_message("imaps tls_handshake: %.3f ms, out %llu B / %llu segs, in %llu B / %llu segs\n",
		      hs.latency_us / 1000.0, (unsigned long long)hs.bytes_out,
		      (unsigned long long)hs.segs_out, (unsigned long long)hs.bytes_in,
		      (unsigned long long)hs.segs_in);

	mailstream *s = conn_stream(c);
	assert_non_null(s);
	assert_null(conn_stream(c));   /* one stream per conn */
	mailimap *imap = mailimap_new(0, NULL);
	struct conn_op op;
	conn_op_begin(c, &op, "imap_greeting");
	int r = mailimap_connect(imap, s);
	struct metric_record g = conn_op_end(c, &op, ERR_NONE);
	assert_int_equal(r, MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
	assert_true(g.bytes_in > 0);
	assert_int_equal(g.bytes_out, 0);

	conn_op_begin(c, &op, "imap_logout");
	r = mailimap_logout(imap);
	struct metric_record lo = conn_op_end(c, &op, r == MAILIMAP_NO_ERROR ? ERR_NONE : ERR_PROTOCOL);
	assert_int_equal(r, MAILIMAP_NO_ERROR);
	/* The stream is gone; the conn still knows its figures, including the
	 * TCP_INFO taken at close. */
	assert_null(imap->imap_stream);
	assert_false(conn_is_alive(c));
	assert_true(lo.bytes_out > 0 && lo.segs_out > 0);
	uint64_t bo, bi, so, si;
	conn_totals(c, &bo, &bi, &so, &si);
	/* The four operations cover the connection: their sums are the totals. */
	assert_int_equal(bo, tcp.bytes_out + hs.bytes_out + g.bytes_out + lo.bytes_out);
	assert_int_equal(bi, tcp.bytes_in + hs.bytes_in + g.bytes_in + lo.bytes_in);
	assert_int_equal(so, tcp.segs_out + hs.segs_out + g.segs_out + lo.segs_out);
	assert_int_equal(si, tcp.segs_in + hs.segs_in + g.segs_in + lo.segs_in);
	mailimap_free(imap);
	conn_free(c);
}

static void test_imap_starttls(void **state)
{
	struct conn_params p = fixture_params(TLS_MODE_STARTTLS);
	struct err e;
	struct mailimap_capability_data *cd = NULL;
	(void)state;

	struct conn *c = conn_open(&p, &e);
	if (c == NULL)
		fail_msg("conn_open: %s", e.msg);
	assert_false(conn_is_tls(c));   /* STARTTLS is the session's job */
	mailimap *imap = mailimap_new(0, NULL);
	assert_int_equal(mailimap_connect(imap, conn_stream(c)), MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
	assert_int_equal(mailimap_starttls(imap), MAILIMAP_NO_ERROR);
	if (conn_start_tls(c, imap->imap_stream, &e) != 0)
		fail_msg("conn_start_tls: %s", e.msg);
	assert_true(conn_is_tls(c));
	struct metric_record hs = fixture_find_record("tls_handshake");
	assert_true(hs.ok);
	assert_int_equal(hs.tls, TLS_MODE_STARTTLS);
	assert_traffic(&hs);
	assert_int_equal(mailimap_capability(imap, &cd), MAILIMAP_NO_ERROR);
	mailimap_capability_data_free(cd);
	assert_false(mailimap_has_extension(imap, "STARTTLS"));
	assert_int_equal(conn_start_tls(c, imap->imap_stream, &e), -1);   /* not twice */
	mailimap_logout(imap);
	mailimap_free(imap);
	conn_free(c);
}

static void test_name_mismatch(void **state)
{
	const char *host = fixture_need("MAILSYS_MISMATCH_HOST");
	struct conn_params p = fixture_conn_params(host, fixture_port("MAILSYS_IMAPS_PORT"),
						   TLS_MODE_IMPLICIT);
	struct err e;
	char want[128];
	(void)state;

	assert_null(conn_open(&p, &e));
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	snprintf(want, sizeof want, "certificate for %s is not valid: IP address mismatch", host);
	assert_non_null(strstr(e.msg, want));
	assert_non_null(strstr(e.msg, "localhost"));   /* names what the certificate is for */
	struct metric_record hs = fixture_find_record("tls_handshake");
	assert_false(hs.ok);
	assert_string_equal(hs.result, "tls");
}

static void test_unknown_issuer(void **state)
{
	struct conn_params p = fixture_params(TLS_MODE_IMPLICIT);
	char empty[] = "/tmp/skua-empty-certs-XXXXXX";
	struct err e;
	(void)state;

	/* The system store must not know the test CA either. */
	assert_non_null(mkdtemp(empty));
	p.ca_file = fixture_need("MAILSYS_OTHER_CA");
	setenv("SSL_CERT_FILE", p.ca_file, 1);
	setenv("SSL_CERT_DIR", empty, 1);
	struct conn *c = conn_open(&p, &e);
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	rmdir(empty);
	assert_null(c);
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "unknown issuer (unable to get local issuer certificate)"));
}

static void test_missing_ca_file(void **state)
{
	struct conn_params p = fixture_params(TLS_MODE_IMPLICIT);
	struct err e;
	(void)state;

	p.ca_file = "/nonexistent/ca.pem";
	assert_null(conn_open(&p, &e));
	assert_int_equal(e.code, ERR_TLS);
	assert_non_null(strstr(e.msg, "cannot load the CA file /nonexistent/ca.pem"));
}

static void test_expired_certificate(void **state)
{
	uint16_t port = free_port();
	char accept[32];
	struct err e;
	(void)state;

	snprintf(accept, sizeof accept, "127.0.0.1:%u", (unsigned)port);
	char *argv[] = { "openssl", "s_server", "-quiet", "-accept", accept,
			 "-cert", (char *)fixture_need("MAILSYS_EXPIRED_CERT"),
			 "-key", (char *)fixture_need("MAILSYS_EXPIRED_KEY"), NULL };
	pid_t pid = spawn(argv);
	assert_true(pid > 0);
	if (wait_listening(port, 5000) != 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		fail_msg("openssl s_server did not start");
	}
	struct conn_params p = fixture_conn_params("127.0.0.1", port, TLS_MODE_IMPLICIT);
	struct conn *c = conn_open(&p, &e);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	assert_null(c);
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "certificate for 127.0.0.1 is not valid: certificate has expired"));
}

static void test_closed_port(void **state)
{
	uint16_t port;
	int fd = closed_port(&port);
	struct err e;
	(void)state;

	assert_true(fd >= 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", port, TLS_MODE_IMPLICIT);
	uint64_t t0 = clock_mono_us();
	assert_null(conn_open(&p, &e));
	uint64_t took = clock_mono_us() - t0;
	close(fd);
	assert_int_equal(e.code, ERR_NETWORK);
	assert_non_null(strstr(e.msg, "Connection refused"));
	assert_true(took < 1000000);
	struct metric_record r = fixture_find_record("tcp_connect");
	assert_false(r.ok);
	assert_string_equal(r.result, "network");

	p.host = "no-such-host.invalid";
	assert_null(conn_open(&p, &e));
	assert_int_equal(e.code, ERR_NETWORK);
	assert_non_null(strstr(e.msg, "cannot resolve no-such-host.invalid"));
}

static void test_io_timeout(void **state)
{
	uint16_t port;
	int fd = silent_listener(&port);
	struct err e;
	(void)state;

	assert_true(fd >= 0);
	/* Plain: the greeting never comes. */
	struct conn_params p = fixture_conn_params("127.0.0.1", port, TLS_MODE_NONE);
	p.io_timeout_ms = 700;
	struct conn *c = conn_open(&p, &e);
	assert_non_null(c);
	mailimap *imap = mailimap_new(0, NULL);
	uint64_t t0 = clock_mono_us();
	int r = mailimap_connect(imap, conn_stream(c));
	uint64_t took = clock_mono_us() - t0;
	assert_int_equal(r, MAILIMAP_ERROR_STREAM);
	assert_int_equal(conn_last_error_code(c), ERR_NETWORK);
	assert_string_equal(conn_last_error(c), "timed out after 0.7 s waiting for 127.0.0.1");
	print_message("io timeout 700 ms fired after %.0f ms\n", took / 1000.0);
	assert_true(took >= 690000 && took < 1500000);
	assert_false(conn_is_alive(c));
	/* Close without LOGOUT, as the sessions do after a transport failure. */
	mailstream_close(imap->imap_stream);
	imap->imap_stream = NULL;
	mailimap_free(imap);
	conn_free(c);

	/* Implicit TLS: the handshake never completes. */
	p.tls = TLS_MODE_IMPLICIT;
	t0 = clock_mono_us();
	assert_null(conn_open(&p, &e));
	took = clock_mono_us() - t0;
	assert_int_equal(e.code, ERR_NETWORK);
	assert_non_null(strstr(e.msg, "timed out after 0.7 s"));
	/* Setting up OpenSSL (loading the system store) comes on top. */
	assert_true(took >= 690000 && took < 3000000);
	close(fd);
}

/* A listener whose accept queue is full drops further SYNs: the connect
 * itself hangs, as with a black-holed address. */
static void test_connect_timeout(void **state)
{
	uint16_t port;
	int fd = silent_listener(&port), fillers[8], nfill = 0;
	struct err e;
	(void)state;

	assert_true(fd >= 0);
	listen(fd, 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", port, TLS_MODE_NONE);
	p.connect_timeout_ms = 500;
	/* Fill the queue with connections nobody accepts. */
	for (; nfill < 8; nfill++) {
		fillers[nfill] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		connect(fillers[nfill], (struct sockaddr *)&sa, sizeof sa);
	}
	usleep(100000);
	uint64_t t0 = clock_mono_us();
	struct conn *c = conn_open(&p, &e);
	uint64_t took = clock_mono_us() - t0;
	for (int i = 0; i < nfill; i++)
		close(fillers[i]);
	close(fd);
	if (c != NULL) {
		conn_free(c);
		skip();   /* this TCP stack accepted anyway: nothing to time out */
	}
	assert_int_equal(e.code, ERR_NETWORK);
	print_message("%s (after %.0f ms)\n", e.msg, took / 1000.0);
	char want[96];
	snprintf(want, sizeof want, "cannot connect to 127.0.0.1 port %u: no answer within 0.5 s",
		 (unsigned)port);
	assert_string_equal(e.msg, want);
	assert_true(took >= 490000 && took < 1500000);
}

struct canceller {
	struct conn *c;
	int delay_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *k = arg;

	usleep((useconds_t)k->delay_ms * 1000);
	conn_cancel(k->c);
	return NULL;
}

static int ticks;

static int tick_stop_after_3(void *ctx)
{
	(void)ctx;
	return ++ticks >= 3;
}

static void test_cancel_and_tick(void **state)
{
	uint16_t port;
	int fd = silent_listener(&port);
	struct err e;
	pthread_t th;
	char buf[16];
	(void)state;

	struct conn_params p = fixture_conn_params("127.0.0.1", port, TLS_MODE_NONE);
	struct conn *c = conn_open(&p, &e);
	assert_non_null(c);
	mailstream *s = conn_stream(c);
	struct canceller k = { c, 200 };
	pthread_create(&th, NULL, cancel_later, &k);
	uint64_t t0 = clock_mono_us();
	assert_int_equal(mailstream_read(s, buf, sizeof buf), -1);
	uint64_t took = clock_mono_us() - t0;
	pthread_join(th, NULL);
	assert_int_equal(conn_last_error_code(c), ERR_CANCELLED);
	assert_string_equal(conn_last_error(c), "cancelled");
	assert_true(took >= 150000 && took < 1000000);
	/* A cancel sticks: writes fail too. */
	assert_int_equal(mailstream_write(s, "x\r\n", 3), 3);   /* buffered */
	assert_int_equal(mailstream_flush(s), -1);
	mailstream_close(s);
	conn_free(c);

	c = conn_open(&p, &e);
	assert_non_null(c);
	s = conn_stream(c);
	ticks = 0;
	conn_set_tick(c, tick_stop_after_3, NULL);
	t0 = clock_mono_us();
	assert_int_equal(mailstream_read(s, buf, sizeof buf), -1);
	took = clock_mono_us() - t0;
	assert_int_equal(ticks, 3);
	assert_int_equal(conn_last_error_code(c), ERR_CANCELLED);
	assert_true(took >= 250000 && took < 1000000);   /* ~100 ms per tick */
	mailstream_close(s);
	conn_free(c);
	close(fd);
}

static void test_wait_readable(void **state)
{
	static const char *const script[] = { "* OK fake\r\n", "* BYE\r\n", NULL };
	struct fake_server f;
	struct err e;
	char line[64];
	(void)state;

	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", f.port, TLS_MODE_NONE);
	struct conn *c = conn_open(&p, &e);
	assert_non_null(c);
	mailstream *s = conn_stream(c);
	assert_int_equal(conn_wait_readable(c, s, 2000, &e), 1);
	MMAPString *buf = mmap_string_new("");
	assert_non_null(mailstream_read_line_remove_eol(s, buf));
	assert_string_equal(buf->str, "* OK fake");
	/* Plain phase: socket bytes are exactly what the server wrote. */
	uint64_t bi;
	conn_totals(c, NULL, &bi, NULL, NULL);
	assert_int_equal(bi, strlen(script[0]));
	assert_int_equal(conn_wait_readable(c, s, 200, &e), 0);   /* quiet: no failure */
	assert_true(conn_is_alive(c));
	snprintf(line, sizeof line, "a1 NOOP\r\n");
	mailstream_write(s, line, strlen(line));
	mailstream_flush(s);
	assert_int_equal(conn_wait_readable(c, s, 2000, &e), 1);
	mmap_string_free(buf);
	mailstream_close(s);
	conn_free(c);
	fake_server_join(&f);
	assert_string_equal(f.received, "a1 NOOP\r\n");
}

/* The records of a connection add up to its totals: what happens between
 * two operations (a greeting that arrives before it is read, an unsolicited
 * line, a read that no operation wraps) goes to the next one, not lost; the
 * close is counted too. */
static void test_records_add_up(void **state)
{
	static const char *const script[] = { "* OK fake\r\n", "$TAG OK done\r\n",
					      FAKE_LATER "* 1 EXISTS\r\n", NULL };
	struct fake_server f;
	struct conn_op op;
	struct err e;
	(void)state;

	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", f.port, TLS_MODE_NONE);
	struct conn *c = conn_open(&p, &e);
	assert_non_null(c);
	struct metric_record r[3];
	r[0] = fixture_find_record("tcp_connect");
	mailstream *s = conn_stream(c);
	MMAPString *buf = mmap_string_new("");

	usleep(100000);   /* the greeting arrives before the first operation */
	conn_op_begin(c, &op, "imap_noop");
	assert_non_null(mailstream_read_line_remove_eol(s, buf));
	mailstream_write(s, "a1 NOOP\r\n", 9);
	mailstream_flush(s);
	assert_non_null(mailstream_read_line_remove_eol(s, buf));
	assert_string_equal(buf->str, "a1 OK done");
	r[1] = conn_op_end(c, &op, ERR_NONE);
	/* The untagged line comes 300 ms after the answer and is read outside
	 * any operation. */
	assert_non_null(mailstream_read_line_remove_eol(s, buf));
	assert_string_equal(buf->str, "* 1 EXISTS");
	usleep(100000);
	conn_op_begin(c, &op, "imap_close");
	mailstream_close(s);
	r[2] = conn_op_end(c, &op, ERR_NONE);

	uint64_t bo, bi, so, si, sum_bo = 0, sum_bi = 0, sum_so = 0, sum_si = 0;
	conn_totals(c, &bo, &bi, &so, &si);
	for (size_t i = 0; i < 3; i++) {
		sum_bo += r[i].bytes_out;
		sum_bi += r[i].bytes_in;
		sum_so += r[i].segs_out;
		sum_si += r[i].segs_in;
	}
	assert_int_equal(bo, strlen("a1 NOOP\r\n"));
	assert_int_equal(bi, strlen("* OK fake\r\na1 OK done\r\n* 1 EXISTS\r\n"));
	assert_int_equal(sum_bo, bo);
	assert_int_equal(sum_bi, bi);
	/* SYN and ACK out, SYN-ACK and three lines in at least. */
	assert_true(so >= 3 && si >= 4);
	assert_int_equal(sum_so, so);
	assert_int_equal(sum_si, si);
	assert_int_equal(r[2].bytes_in, strlen("* 1 EXISTS\r\n"));
	assert_true(r[2].segs_in >= 1);
	mmap_string_free(buf);
	conn_free(c);
	fake_server_join(&f);
}

/* A plain connection to a fake server playing script, whose stream has read
 * the greeting, sent "a1 STARTTLS" and read the answer (left in buf). */
static struct conn *starttls_answered(struct fake_server *f, const char *const *script,
				      mailstream **s, MMAPString *buf)
{
	struct err e;

	assert_int_equal(fake_server_start(f, script), 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", f->port, TLS_MODE_STARTTLS);
	struct conn *c = conn_open(&p, &e);
	if (c == NULL)
		fail_msg("conn_open: %s", e.msg);
	*s = conn_stream(c);
	assert_non_null(mailstream_read_line_remove_eol(*s, buf));
	mailstream_write(*s, "a1 STARTTLS\r\n", 13);
	mailstream_flush(*s);
	assert_non_null(mailstream_read_line_remove_eol(*s, buf));
	return c;
}

/* The server answers STARTTLS and appends a forged response in the same
 * write: the bytes sit in libetpan's buffer and must be refused. */
static void test_starttls_injection(void **state)
{
	static const char *const script[] = {
		"* OK fake IMAP ready\r\n",
		"$TAG OK begin TLS\r\n* CAPABILITY IMAP4rev1 X-INJECTED\r\n",
		NULL,
	};
	struct fake_server f;
	struct err e;
	(void)state;

	mailstream *s;
	MMAPString *buf = mmap_string_new("");
	struct conn *c = starttls_answered(&f, script, &s, buf);
	assert_string_equal(buf->str, "a1 OK begin TLS");
	assert_true(s->read_buffer_len > 0);
	assert_int_equal(conn_start_tls(c, s, &e), -1);
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "response injection"));
	assert_false(conn_is_tls(c));
	assert_false(conn_is_alive(c));
	/* Nothing more may go out in clear text. */
	mailstream_write(s, "a2 LOGIN x y\r\n", 14);
	assert_int_equal(mailstream_flush(s), -1);
	mmap_string_free(buf);
	mailstream_close(s);
	conn_free(c);
	fake_server_join(&f);
	assert_int_equal(f.after_script, 0);
	assert_true(f.saw_eof);

	/* The same through libetpan's STARTTLS: refused one way or the other. */
	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = fixture_conn_params("127.0.0.1", f.port, TLS_MODE_STARTTLS);
	c = conn_open(&p, &e);
	assert_non_null(c);
	mailimap *imap = mailimap_new(0, NULL);
	assert_int_equal(mailimap_connect(imap, conn_stream(c)), MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
	int r = mailimap_starttls(imap);
	if (r == MAILIMAP_NO_ERROR)
		assert_int_equal(conn_start_tls(c, imap->imap_stream, &e), -1);
	else
		assert_int_equal(r, MAILIMAP_ERROR_STARTTLS);
	mailstream_close(imap->imap_stream);
	imap->imap_stream = NULL;
	mailimap_free(imap);
	conn_free(c);
	fake_server_join(&f);
	assert_int_equal(f.after_script, 0);
}

/* Plain text after STARTTLS's OK but in a later segment: OpenSSL reads it
 * as a broken record and the handshake fails cleanly. */
static void test_starttls_not_tls(void **state)
{
	static const char *const script[] = { "* OK fake\r\n", "$TAG OK go\r\n",
					      FAKE_LATER "* garbage that is not TLS\r\n", NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	mailstream *s;
	MMAPString *buf = mmap_string_new("");
	struct conn *c = starttls_answered(&f, script, &s, buf);
	assert_int_equal(conn_start_tls(c, s, &e), -1);
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	mmap_string_free(buf);
	mailstream_close(s);
	conn_free(c);
	fake_server_join(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imaps_greeting_and_metering),
		cmocka_unit_test(test_imap_starttls),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_unknown_issuer),
		cmocka_unit_test(test_missing_ca_file),
		cmocka_unit_test(test_expired_certificate),
		cmocka_unit_test(test_closed_port),
		cmocka_unit_test(test_connect_timeout),
		cmocka_unit_test(test_io_timeout),
		cmocka_unit_test(test_cancel_and_tick),
		cmocka_unit_test(test_wait_readable),
		cmocka_unit_test(test_records_add_up),
		cmocka_unit_test(test_starttls_injection),
		cmocka_unit_test(test_starttls_not_tls),
	};
	return FIXTURE_RUN(tests);
}
