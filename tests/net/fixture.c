/* Settings, connection parameters, logins and metrics shared by the tests
 * against the test mail system. */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

struct metrics_sink *fixture_sink;
char fixture_token[64];

const char *fixture_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

const char *fixture_need(const char *name)
{
	const char *v = fixture_env(name);

	if (!v)
		fail_msg("%s is not set", name);
	return v;
}

uint16_t fixture_port(const char *name)
{
	return (uint16_t)atoi(fixture_need(name));
}

int fixture_init(void)
{
	struct err e;

	if (!fixture_env("MAILSYS_IMAPS_PORT") || !fixture_env("MAILSYS_IMAP_PORT") ||
	    !fixture_env("MAILSYS_HOST")) {
		fprintf(stderr, "MAILSYS_* not set: no mail system to test against\n");
		return 77;
	}
	snprintf(fixture_token, sizeof fixture_token, "t%ld-%d", (long)time(NULL), (int)getpid());
	fixture_sink = metrics_sink_new(NULL, 256, &e);
	if (!fixture_sink) {
		fprintf(stderr, "metrics sink: %s\n", e.msg);
		return 1;
	}
	return 0;
}

void fixture_done(void)
{
	metrics_sink_free(fixture_sink);
	fixture_sink = NULL;
}

int fixture_run(const struct CMUnitTest *tests, size_t n)
{
	int rc = fixture_init();

	if (rc != 0)
		return rc;
	rc = _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
	fixture_done();
	return rc;
}

struct conn_params fixture_conn_params(const char *host, uint16_t port, enum tls_mode tls)
{
	struct conn_params p;

	memset(&p, 0, sizeof p);
	p.host = host;
	p.port = port;
	p.tls = tls;
	p.ca_file = fixture_env("MAILSYS_CA");
	p.connect_timeout_ms = 5000;
	p.io_timeout_ms = 20000;
	p.account = "alice";
	p.metrics = fixture_sink;
	return p;
}

struct conn_params fixture_params(enum tls_mode tls)
{
	return fixture_conn_params(fixture_env("MAILSYS_HOST"),
				   fixture_port(tls == TLS_MODE_IMPLICIT ? "MAILSYS_IMAPS_PORT"
									 : "MAILSYS_IMAP_PORT"),
				   tls);
}

struct imap_session *fixture_open(enum tls_mode tls, const char *user, const char *pass,
				  enum auth_mech mech, struct err *e)
{
	struct conn_params p = fixture_params(tls);
	struct net_auth a = { mech, user, pass };

	return imap_session_open(&p, &a, e);
}

struct imap_session *fixture_alice(void)
{
	struct err e;
	struct imap_session *s = fixture_open(TLS_MODE_IMPLICIT, ALICE, "alice-pw", AUTH_MECH_AUTO,
					      &e);

	if (!s)
		fail_msg("login failed: %s", e.msg);
	return s;
}

void fixture_assert_last_op(const char *op, int ok)
{
	struct metric_record r;

	assert_int_equal(metrics_sink_last(fixture_sink, &r), 0);
	assert_string_equal(r.op, op);
	assert_int_equal(r.ok, ok);
}

int fixture_saw_op(const char *op)
{
	struct metric_record r[256];
	size_t n = metrics_sink_recent(fixture_sink, r, 256);

	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].op, op) == 0)
			return 1;
	return 0;
}

struct metric_record fixture_find_record(const char *op)
{
	struct metric_record r[256];
	size_t n = metrics_sink_recent(fixture_sink, r, 256);

	for (size_t i = n; i > 0; i--)
		if (strcmp(r[i - 1].op, op) == 0)
			return r[i - 1];
	fail_msg("no %s record", op);
	return r[0];
}
