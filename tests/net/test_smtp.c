/* Tests of net/smtp_session against the test mail system (MAILSYS_*) and fake
 * servers: submission with STARTTLS, SMTPS, AUTH failures, refused
 * recipients, the SIZE limit, STARTTLS refusal and injection, delivery and
 * metering. Skipped (77) without the mail system. */
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

#include "fake_server.h"
#include "fixture.h"
#include "net/conn.h"
#include "net/metrics.h"
#include "net/smtp_session.h"

static struct conn_params params(const char *host, const char *port_var, enum tls_mode tls)
{
	return fixture_conn_params(host, fixture_port(port_var), tls);
}

static const struct net_auth alice = { AUTH_MECH_AUTO, "alice@example.org", "alice-pw" };

static size_t count_records(const char *op)
{
	struct metric_record recs[256];
	size_t n = metrics_sink_recent(fixture_sink, recs, 256), k = 0;

	for (size_t i = 0; i < n; i++)
		k += strcmp(recs[i].op, op) == 0;
	return k;
}

static void clear_records(void)
{
	metrics_sink_free(fixture_sink);
	fixture_sink = metrics_sink_new(NULL, 256, NULL);
}

/* Polls Dovecot until a message with this Subject is in bob's INBOX. */
static int delivered_to_bob(const char *subject)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd,
		 "%s search -u bob@example.org mailbox INBOX HEADER Subject '%s' 2>/dev/null | grep -q .",
		 fixture_need("MAILSYS_DOVEADM"), subject);
	for (int i = 0; i < 100; i++) {
		if (system(cmd) == 0)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* The delivered body of bob's message with this Subject, LF line ends. */
static char *delivered_body(const char *subject)
{
	char cmd[512];
	static char out[8192];
	size_t n = 0;

	snprintf(cmd, sizeof cmd,
		 "%s fetch -u bob@example.org body mailbox INBOX HEADER Message-ID '<%s@' 2>/dev/null",
		 fixture_need("MAILSYS_DOVEADM"), subject);
	FILE *f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	n = fread(out, 1, sizeof out - 1, f);
	pclose(f);
	out[n] = '\0';
	return out;
}

static char *make_message(const char *subject, size_t body_lines)
{
	size_t cap = 512 + body_lines * 64;
	char *m = malloc(cap);
	size_t at = (size_t)snprintf(m, cap,
		"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
		"Subject: %s\r\nMessage-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n\r\n", subject, subject);
	for (size_t i = 0; i < body_lines; i++)
		at += (size_t)snprintf(m + at, cap - at, "%sline %zu of the test body\r\n",
				       i == 3 ? "." : "", i);
	return m;
}

static int progress_calls;
static size_t progress_last, progress_total;

static void on_progress(size_t sent, size_t total, void *ctx)
{
	(void)ctx;
	progress_calls++;
	progress_last = sent;
	progress_total = total;
}

static void send_and_check(enum tls_mode tls, const char *port_var)
{
	const char *rcpts[] = { "bob@example.org" };
	char subject[64];
	struct err e;

	clear_records();
	struct conn_params p = params(fixture_need("MAILSYS_HOST"), port_var, tls);
	snprintf(subject, sizeof subject, "skua-net-%s-%ld-%d", tls_mode_name(tls),
		 (long)time(NULL), (int)getpid());
	struct smtp_session *s = smtp_session_open(&p, &alice, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	assert_true(conn_is_tls(smtp_session_conn(s)));
	char *msg = make_message(subject, 20);
	progress_calls = 0;
	if (smtp_send(s, "alice@example.org", rcpts, 1, msg, strlen(msg), on_progress, NULL, &e) != 0)
		fail_msg("smtp_send: %s", e.msg);
	assert_true(progress_calls >= 1);
	assert_int_equal(progress_last, strlen(msg) - 2);
	assert_int_equal(progress_total, strlen(msg) - 2);

	struct metric_record r = fixture_find_record("smtp_send");
	assert_true(r.ok);
	assert_true(r.bytes_out > strlen(msg));
	assert_true(r.bytes_in > 0);
	assert_true(r.segs_out > 0 && r.segs_in > 0);
	assert_true(r.latency_us > 0 && r.latency_us < 10000000);
	struct metric_record hs = fixture_find_record("tls_handshake");
	print_message("%s: tls_handshake %.3f ms (%llu B out, %llu B in); smtp_send of %zu B: "
		      "%.3f ms, %llu B / %llu segs out, %llu B / %llu segs in\n",
		      tls_mode_name(tls), hs.latency_us / 1000.0, (unsigned long long)hs.bytes_out,
		      (unsigned long long)hs.bytes_in, strlen(msg), r.latency_us / 1000.0,
		      (unsigned long long)r.bytes_out, (unsigned long long)r.segs_out,
		      (unsigned long long)r.bytes_in, (unsigned long long)r.segs_in);
	assert_true(fixture_find_record("smtp_connect").ok);
	assert_true(fixture_find_record("smtp_auth").ok);
	assert_int_equal(count_records("smtp_ehlo"), tls == TLS_MODE_STARTTLS ? 2 : 1);
	if (tls == TLS_MODE_STARTTLS)
		assert_true(fixture_find_record("smtp_starttls").ok);

	/* A second message on the same session works too. */
	snprintf(subject + strlen(subject), sizeof subject - strlen(subject), "-2");
	free(msg);
	msg = make_message(subject, 2);
	if (smtp_send(s, "alice@example.org", rcpts, 1, msg, strlen(msg), NULL, NULL, &e) != 0)
		fail_msg("second smtp_send: %s", e.msg);
	free(msg);
	smtp_session_close(s);
	struct metric_record q = fixture_find_record("smtp_quit");
	assert_true(q.ok);
	assert_true(q.bytes_out > 0 && q.segs_out > 0);
	assert_true(delivered_to_bob(subject));
	subject[strlen(subject) - 2] = '\0';
	assert_true(delivered_to_bob(subject));
	/* Dot-stuffing undone, and no empty line added before the end. */
	const char *body = delivered_body(subject);
	assert_non_null(body);
	assert_non_null(strstr(body, "\nline 2 of the test body\n.line 3 of the test body\n"));
	size_t blen = strlen(body);
	const char *tail = "line 19 of the test body\n";
	assert_true(blen > strlen(tail));
	assert_string_equal(body + blen - strlen(tail), tail);
}

static void test_submission_starttls_send(void **state)
{
	(void)state;
	send_and_check(TLS_MODE_STARTTLS, "MAILSYS_SUBMISSION_PORT");
}

static void test_smtps_send(void **state)
{
	(void)state;
	send_and_check(TLS_MODE_IMPLICIT, "MAILSYS_SMTPS_PORT");
}

static void test_auth_login(void **state)
{
	struct conn_params p = params(fixture_need("MAILSYS_HOST"), "MAILSYS_SMTPS_PORT",
				      TLS_MODE_IMPLICIT);
	struct net_auth a = alice;
	struct err e;
	(void)state;

	a.mech = AUTH_MECH_LOGIN;
	struct smtp_session *s = smtp_session_open(&p, &a, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	smtp_session_close(s);
}

/* An IPv6 address literal: verification by IP, and an EHLO that libetpan's
 * own mailesmtp_ehlo_with_ip() cannot produce. */
static void test_ipv6(void **state)
{
	struct conn_params p = params("::1", "MAILSYS_SMTPS_PORT", TLS_MODE_IMPLICIT);
	const char *rcpts[] = { "bob@example.org" };
	struct err e;
	(void)state;

	struct smtp_session *s = smtp_session_open(&p, &alice, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	char *msg = make_message("skua-net-ipv6", 1);
	assert_int_equal(smtp_send(s, "alice@example.org", rcpts, 1, msg, strlen(msg), NULL, NULL, &e),
			 0);
	free(msg);
	smtp_session_close(s);
}

static void test_wrong_password(void **state)
{
	struct net_auth bad = { AUTH_MECH_AUTO, "alice@example.org", "wrong-pw" };
	struct err e;
	(void)state;

	clear_records();
	struct conn_params p = params(fixture_need("MAILSYS_HOST"), "MAILSYS_SUBMISSION_PORT",
				      TLS_MODE_STARTTLS);
	assert_null(smtp_session_open(&p, &bad, &e));
	assert_int_equal(e.code, ERR_AUTH);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "SMTP login as alice@example.org failed"));
	assert_non_null(strstr(e.msg, "535"));
	assert_null(strstr(e.msg, "wrong-pw"));
	struct metric_record r = fixture_find_record("smtp_auth");
	assert_false(r.ok);
	assert_string_equal(r.result, "auth");
}

static void test_no_starttls_offered(void **state)
{
	struct conn_params p = params(fixture_need("MAILSYS_HOST"), "MAILSYS_SMTP_NOTLS_PORT",
				      TLS_MODE_STARTTLS);
	struct err e;
	(void)state;

	assert_null(smtp_session_open(&p, &alice, &e));
	assert_int_equal(e.code, ERR_TLS);
	assert_non_null(strstr(e.msg, "server offers no STARTTLS"));
}

static void test_refused_recipient(void **state)
{
	struct conn_params p = params(fixture_need("MAILSYS_HOST"), "MAILSYS_SMTPS_PORT",
				      TLS_MODE_IMPLICIT);
	const char *rcpts[] = { "bob@example.org", "nobody-here@example.org" };
	const char *bad[] = { "bob@example.org\r\nRCPT TO:<x@example.org>" };
	struct err e;
	(void)state;

	struct smtp_session *s = smtp_session_open(&p, &alice, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	char *msg = make_message("skua-net-refused", 1);
	assert_int_equal(smtp_send(s, "alice@example.org", rcpts, 2, msg, strlen(msg), NULL, NULL, &e),
			 -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "<nobody-here@example.org>"));
	assert_non_null(strstr(e.msg, "550"));
	/* Command injection through an address is refused before sending. */
	assert_int_equal(smtp_send(s, "alice@example.org", bad, 1, msg, strlen(msg), NULL, NULL, &e),
			 -1);
	assert_int_equal(e.code, ERR_PARSE);
	/* The session survives both. */
	assert_int_equal(smtp_send(s, "alice@example.org", rcpts, 1, msg, strlen(msg), NULL, NULL, &e),
			 0);
	free(msg);
	smtp_session_close(s);
}

/* A fake server that offers STARTTLS and appends a forged reply to its 220. */
static void test_starttls_injection(void **state)
{
	static const char *const script[] = {
		"220 fake ESMTP\r\n",
		"250-fake\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n",
		"220 go\r\n250 X-INJECTED\r\n",
		NULL,
	};
	struct fake_server f;
	struct err e;
	(void)state;

	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_STARTTLS);
	p.port = f.port;
	assert_null(smtp_session_open(&p, &alice, &e));
	fake_server_join(&f);
	assert_int_equal(e.code, ERR_TLS);
	print_message("%s\n", e.msg);
	assert_non_null(strstr(e.msg, "response injection"));
	/* No AUTH, no QUIT, nothing after STARTTLS. */
	assert_int_equal(f.after_script, 0);
	assert_null(strstr(f.received, "AUTH"));
	assert_non_null(strstr(f.received, "EHLO [127.0.0.1]\r\n"));   /* no host name */
}

/* The SIZE limit is checked before MAIL FROM; the credentials are only sent
 * after TLS, so this fake server without TLS gets no AUTH at all. */
static void test_size_limit_and_plain_text(void **state)
{
	static const char *const script[] = {
		"220 fake ESMTP\r\n",
		"250-fake\r\n250 SIZE 100\r\n",
		"221 bye\r\n",
		NULL,
	};
	const char *rcpts[] = { "bob@example.org" };
	struct fake_server f;
	struct err e;
	char big[300];
	(void)state;

	memset(big, 'x', sizeof big);
	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_NONE);
	p.port = f.port;
	struct smtp_session *s = smtp_session_open(&p, NULL, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	assert_false(conn_is_tls(smtp_session_conn(s)));
	assert_int_equal(smtp_send(s, "alice@example.org", rcpts, 1, big, sizeof big, NULL, NULL, &e),
			 -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "larger than"));
	smtp_session_close(s);
	fake_server_join(&f);
	assert_null(strstr(f.received, "MAIL FROM"));
	assert_non_null(strstr(f.received, "QUIT\r\n"));
}

/* XOAUTH2 (RFC-less, as Google and Microsoft speak it), success and a
 * refused token; on a plain connection the account's TLS_MODE_NONE allows. */
static void test_xoauth2(void **state)
{
	static const char *const ok_script[] = {
		"220 fake ESMTP\r\n", "250-fake\r\n250 AUTH XOAUTH2\r\n", "235 2.7.0 accepted\r\n",
		"221 bye\r\n", NULL,
	};
	static const char *const bad_script[] = {
		"220 fake ESMTP\r\n", "250-fake\r\n250 AUTH XOAUTH2\r\n",
		"334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", "535 5.7.8 token\x1b[31m expired\r\n", NULL,
	};
	struct net_auth tok = { AUTH_MECH_XOAUTH2, "alice@example.org", "ya29.token" };
	struct fake_server f;
	struct err e;
	(void)state;

	assert_int_equal(fake_server_start(&f, ok_script), 0);
	struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_NONE);
	p.port = f.port;
	struct smtp_session *s = smtp_session_open(&p, &tok, &e);
	if (s == NULL)
		fail_msg("smtp_session_open: %s", e.msg);
	smtp_session_close(s);
	fake_server_join(&f);
	/* base64("user=alice@example.org^Aauth=Bearer ya29.token^A^A") */
	assert_non_null(strstr(f.received, "AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLm9yZwFhdXRoPUJlYXJlciB5YTI5LnRva2VuAQE=\r\n"));

	assert_int_equal(fake_server_start(&f, bad_script), 0);
	p.port = f.port;
	assert_null(smtp_session_open(&p, &tok, &e));
	fake_server_join(&f);
	assert_int_equal(e.code, ERR_AUTH);
	print_message("%s\n", e.msg);
	/* The server's words, without its control characters. */
	assert_non_null(strstr(e.msg, "535 5.7.8 token [31m expired"));
	assert_null(strchr(e.msg, '\x1b'));
}

/* A server that turns us away at the greeting. */
static void test_greeting_refused(void **state)
{
	static const char *const script[] = { "554 5.3.2 not today\r\n", NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_NONE);
	p.port = f.port;
	assert_null(smtp_session_open(&p, NULL, &e));
	fake_server_join(&f);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "554 5.3.2 not today"));
	assert_int_equal(f.received_len, 0);
}

/* No byte of the text is a C0 or C1 control, raw or UTF-8 encoded. */
static void assert_no_controls(const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7F || *p == 0xC2)
			fail_msg("control byte 0x%02x in \"%s\"", *p, msg);
	}
}

/* Escape sequences (clear screen, OSC 52 clipboard, a C1 CSI) in a 5xx. */
static void test_reply_escapes_removed(void **state)
{
	static const char *const script[] = {
		"554-5.3.2 \x1b[2Jnot\x1b]52;c;aGk=\x07\r\n554 today\xc2\x9b" "2J\x9b\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	(void)state;

	assert_int_equal(fake_server_start(&f, script), 0);
	struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_NONE);
	p.port = f.port;
	assert_null(smtp_session_open(&p, NULL, &e));
	fake_server_join(&f);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "554"));
	assert_no_controls(e.msg);
}

/* Replies past 1 MB in one operation are cut off: thousands of 250- lines,
 * or one line without end. */
static void test_reply_bomb(void **state)
{
	static char lines[1200 * 1024], line[1200 * 1024];
	const char *const many[] = { "220 fake ESMTP\r\n", lines, NULL };
	const char *const one[] = { line, NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	for (size_t at = 0; at + 41 < sizeof lines; at += 40)
		memcpy(lines + at, "250-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n", 40);
	memset(line, 'x', sizeof line - 1);
	memcpy(line, "220 ", 4);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fake_server_start(&f, i ? one : many), 0);
		struct conn_params p = params("127.0.0.1", "MAILSYS_SMTPS_PORT", TLS_MODE_NONE);
		p.port = f.port;
		assert_null(smtp_session_open(&p, NULL, &e));
		fake_server_join(&f);
		print_message("%s\n", e.msg);
		assert_int_equal(e.code, ERR_PROTOCOL);
		assert_non_null(strstr(e.msg, "sent more than 1024 KB in one reply"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submission_starttls_send),
		cmocka_unit_test(test_smtps_send),
		cmocka_unit_test(test_auth_login),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_no_starttls_offered),
		cmocka_unit_test(test_refused_recipient),
		cmocka_unit_test(test_starttls_injection),
		cmocka_unit_test(test_size_limit_and_plain_text),
		cmocka_unit_test(test_xoauth2),
		cmocka_unit_test(test_greeting_refused),
		cmocka_unit_test(test_reply_escapes_removed),
		cmocka_unit_test(test_reply_bomb),
	};
	return FIXTURE_RUN(tests);
}
