/* Shared by the tests that run against the test mail system: its settings
 * from the environment, connection parameters, IMAP logins, and the metrics
 * the tests record. */
#ifndef SKUA_TESTS_FIXTURE_H
#define SKUA_TESTS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/conn.h"
#include "net/imap_session.h"
#include "net/metrics.h"
#include "util/err.h"

#define ALICE "alice@example.org"

/* Records of every session the tests open; a token unique to this run, so
 * reruns against one server don't see each other's messages. */
extern struct metrics_sink *fixture_sink;
extern char fixture_token[64];

/* Exit status for main: 0 to go on, 77 (skip) without a mail system, 1 on error. */
int fixture_init(void);
void fixture_done(void);
/* All of main: fixture_init, the tests, fixture_done; the exit status. */
#define FIXTURE_RUN(tests) fixture_run(tests, sizeof tests / sizeof tests[0])
int fixture_run(const struct CMUnitTest *tests, size_t n);

/* A MAILSYS_* setting, NULL when unset or empty. */
const char *fixture_env(const char *name);
/* A setting the test cannot do without: fails the test when it is unset. */
const char *fixture_need(const char *name);
uint16_t fixture_port(const char *name);
/* host:port with the test CA, test timeouts, account "alice" and fixture_sink. */
struct conn_params fixture_conn_params(const char *host, uint16_t port, enum tls_mode tls);
/* The test mail system's IMAP server (IMAPS for TLS_MODE_IMPLICIT). */
struct conn_params fixture_params(enum tls_mode tls);
struct imap_session *fixture_open(enum tls_mode tls, const char *user, const char *pass,
				  enum auth_mech mech, struct err *e);
/* Alice over IMAPS; fails the test when that does not work. */
struct imap_session *fixture_alice(void);

/* Asserts the op name and outcome of the last metric record. */
void fixture_assert_last_op(const char *op, int ok);
int fixture_saw_op(const char *op);
/* The most recent record named op; fails the test when there is none. */
struct metric_record fixture_find_record(const char *op);

#endif
