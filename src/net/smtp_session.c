/* An SMTP submission session over libetpan's mailsmtp and a metered conn:
 * greeting, EHLO with an IP literal, STARTTLS in place, AUTH PLAIN/LOGIN
 * without cyrus-sasl or XOAUTH2, and sending one message as one operation. */
#include "net/smtp_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libetpan/mailsmtp_oauth2.h>

#include "util/base64.h"
#include "util/xalloc.h"

/* Exported by libetpan but declared only in its private header. The
 * _private variant marks the line as secret for libetpan's logger. */
int mailsmtp_send_command(mailsmtp *session, char *command);
int mailsmtp_send_command_private(mailsmtp *session, char *command);
int mailsmtp_read_response(mailsmtp *session);
int mailesmtp_parse_ehlo(mailsmtp *session);

#define QUIT_TIMEOUT_S 5
/* What one operation may read: a few replies of some lines each are all
 * SMTP ever sends, so more is a reply bomb (thousands of 250- lines, an
 * endless line) that libetpan would otherwise gather in memory. */
#define MAX_OP_READ ((uint64_t)1 << 20)
/* RFC 5321 4.5.3.1.3: a path is at most 256 octets including the brackets. */
#define PATH_MAX_LEN 254
#define SECRET_MAX_LEN 8192

struct smtp_session {
	mailsmtp *smtp;
	struct conn *conn;
	int healthy;   /* no transport failure: QUIT may be sent */
};

/* The server's last reply as one line of printable ASCII: it is shown to the
 * user and comes from whoever answered. */
static void reply_text(const struct smtp_session *s, char *buf, size_t size)
{
	const char *r = s->smtp->response;
	size_t at;
	int space = 1;

	at = (size_t)snprintf(buf, size, "%d", s->smtp->response_code);
	if (at >= size)
		at = size - 1;
	for (; r != NULL && *r != '\0' && at + 5 < size; r++) {
		unsigned char ch = (unsigned char)*r;
		if (ch <= 0x20 || ch == 0x7f) {
			space = 1;
			continue;
		}
		if (space)
			buf[at++] = ' ';
		space = 0;
		buf[at++] = ch < 0x7f ? (char)ch : '?';
	}
	if (r != NULL && *r != '\0') {
		memcpy(buf + at, "...", 3);
		at += 3;
	}
	buf[at] = '\0';
}

/* The connection is gone: no command may follow, and libetpan must not
 * send QUIT on it (that would wait a whole timeout more). */
static int stream_fail(struct smtp_session *s, struct err *e, const char *what)
{
	const char *why = conn_last_error(s->conn);
	enum err_code code = conn_last_error_code(s->conn);

	s->healthy = 0;
	if (s->smtp->stream != NULL) {
		mailstream_close(s->smtp->stream);
		s->smtp->stream = NULL;
	}
	return err_set(e, code != ERR_NONE ? code : ERR_NETWORK, "%s: %s", what,
		       why[0] != '\0' ? why : "connection lost");
}

/* A libetpan result: transport failures from the conn, replies with the
 * server's words under the given code. */
static int smtp_fail(struct smtp_session *s, int r, struct err *e, enum err_code reply_code,
		     const char *what)
{
	char text[256];

	if (r == MAILSMTP_ERROR_STREAM)
		return stream_fail(s, e, what);
	if (r == MAILSMTP_ERROR_MEMORY)
		return err_set(e, ERR_INTERNAL, "%s: out of memory", what);
	if (r == MAILSMTP_ERROR_HOSTNAME)
		return err_set(e, ERR_INTERNAL, "%s: cannot find the local address", what);
	reply_text(s, text, sizeof text);
	return err_set(e, reply_code, "%s: the server replied %s", what, text);
}

static void session_free(struct smtp_session *s)
{
	if (s->smtp != NULL) {
		if (s->smtp->stream != NULL) {
			mailstream_close(s->smtp->stream);
			s->smtp->stream = NULL;
		}
		mailsmtp_free(s->smtp);
	}
	conn_free(s->conn);
	free(s);
}

/* The EHLO argument: our address as an RFC 5321 literal. libetpan's
 * mailesmtp_ehlo_with_ip() reads the address into a struct sockaddr, too
 * small for IPv6, and fails on every IPv6 connection (localhost is ::1). */
static int ehlo_literal(struct smtp_session *s, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char ip[INET6_ADDRSTRLEN];
	int fd = mailstream_low_get_fd(mailstream_get_low(s->smtp->stream));

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET &&
	    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof ip) != NULL)
		snprintf(buf, size, "[%s]", ip);
	else if (ss.ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof ip) != NULL)
		snprintf(buf, size, "[IPv6:%s]", ip);
	else
		return -1;
	return 0;
}

static int ehlo(struct smtp_session *s, struct err *e)
{
	struct conn_op op;
	char literal[INET6_ADDRSTRLEN + 8], line[INET6_ADDRSTRLEN + 16];
	int rc = 0, code;

	conn_op_begin(s->conn, &op, "smtp_ehlo");
	/* An address literal, not gethostname(): the host name is nobody's business. */
	if (ehlo_literal(s, literal, sizeof literal) != 0) {
		rc = err_set(e, ERR_NETWORK, "EHLO failed: cannot find the local address");
	} else {
		snprintf(line, sizeof line, "EHLO %s\r\n", literal);
		if (mailsmtp_send_command(s->smtp, line) != 0)
			code = 0;
		else
			code = mailsmtp_read_response(s->smtp);
		if (code == 0)
			rc = stream_fail(s, e, "EHLO failed");
		else if (code != 250)
			rc = smtp_fail(s, MAILSMTP_ERROR_UNEXPECTED_CODE, e, ERR_PROTOCOL, "EHLO failed");
		else
			mailesmtp_parse_ehlo(s->smtp);
	}
	return conn_op_done(s->conn, &op, rc, e);
}

static int starttls(struct smtp_session *s, struct err *e)
{
	struct conn_op op;
	int r, rc = 0;

	if (!(s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS))
		return err_set(e, ERR_TLS, "%s: server offers no STARTTLS",
			       conn_host(s->conn));
	conn_op_begin(s->conn, &op, "smtp_starttls");
	r = mailesmtp_starttls(s->smtp);
	if (r == MAILSMTP_ERROR_SSL) {
		/* Debian's libetpan found bytes after the 220 (CVE-2020-15953). */
		rc = err_set(e, ERR_TLS,
			     "%s sent data before the TLS handshake (a response injection): "
			     "connection refused",
			     conn_host(s->conn));
	} else if (r == MAILSMTP_ERROR_STARTTLS_NOT_SUPPORTED) {
		rc = err_set(e, ERR_TLS, "%s: server offers no STARTTLS", conn_host(s->conn));
	} else if (r != MAILSMTP_NO_ERROR) {
		rc = smtp_fail(s, r, e, ERR_TLS, "STARTTLS refused");
	}
	conn_op_done(s->conn, &op, rc, e);
	if (rc != 0)
		return rc;
	if (conn_start_tls(s->conn, s->smtp->stream, e) != 0) {
		s->healthy = 0;
		return -1;
	}
	return 0;
}

/* Sends one AUTH line, marked private for libetpan's logger, wipes and
 * frees it, and reads the reply code (0 when the connection failed). */
static int auth_line(struct smtp_session *s, char *line)
{
	int r = mailsmtp_send_command_private(s->smtp, line);

	xfree_secret(line);
	if (r != 0)
		return 0;
	return mailsmtp_read_response(s->smtp);
}

/* "prefix b64 CRLF"; wipes and frees b64. */
static char *secret_line(const char *prefix, char *b64)
{
	char *line = xasprintf("%s%s\r\n", prefix, b64);

	xfree_secret(b64);
	return line;
}

static int auth_code_check(struct smtp_session *s, int code, struct err *e, const char *user)
{
	char text[256], what[160];

	snprintf(what, sizeof what, "SMTP login as %s failed", user);
	if (code == 0)
		return stream_fail(s, e, what);
	if (code == 235)
		return 0;
	if (code == 334) {
		/* The server wants more than skua sends: abandon the exchange. */
		if (mailsmtp_send_command(s->smtp, "*\r\n") != 0 ||
		    mailsmtp_read_response(s->smtp) == 0)
			return stream_fail(s, e, what);
	}
	reply_text(s, text, sizeof text);
	return err_set(e, ERR_AUTH, "%s: the server replied %s", what, text);
}

static int auth_plain(struct smtp_session *s, const struct net_auth *a, struct err *e)
{
	char *line = secret_line("AUTH PLAIN ", auth_plain_b64(a->user, a->secret));

	return auth_code_check(s, auth_line(s, line), e, a->user);
}

static int auth_login(struct smtp_session *s, const struct net_auth *a, struct err *e)
{
	int code = auth_line(s, xstrdup("AUTH LOGIN\r\n"));

	if (code == 334)
		code = auth_line(s, secret_line("", base64_encode(a->user, strlen(a->user))));
	if (code == 334)
		code = auth_line(s, secret_line("", base64_encode(a->secret, strlen(a->secret))));
	return auth_code_check(s, code, e, a->user);
}

static int auth_xoauth2(struct smtp_session *s, const struct net_auth *a, struct err *e)
{
	char what[160];
	int r = mailsmtp_oauth2_authenticate(s->smtp, a->user, a->secret);

	if (r == MAILSMTP_NO_ERROR)
		return 0;
	snprintf(what, sizeof what, "SMTP login (XOAUTH2) as %s failed", a->user);
	return smtp_fail(s, r, e, ERR_AUTH, what);
}

static int authenticate(struct smtp_session *s, const struct conn_params *p,
			const struct net_auth *a, struct err *e)
{
	struct conn_op op;
	enum auth_mech mech = a->mech;
	int rc;

	if (a->secret == NULL || strlen(a->user) > PATH_MAX_LEN ||
	    strlen(a->secret) > SECRET_MAX_LEN)
		return err_set(e, ERR_AUTH, "SMTP login as %.64s: no usable user name or secret",
			       a->user);
	/* Credentials never travel in clear text unless the account says so. */
	if (!conn_is_tls(s->conn) && p->tls != TLS_MODE_NONE)
		return err_set(e, ERR_TLS, "%s: refusing to send a password without TLS",
			       conn_host(s->conn));
	if (mech == AUTH_MECH_AUTO) {
		if (s->smtp->auth & MAILSMTP_AUTH_PLAIN)
			mech = AUTH_MECH_PLAIN;
		else if (s->smtp->auth & MAILSMTP_AUTH_LOGIN)
			mech = AUTH_MECH_LOGIN;
		else
			return err_set(e, ERR_AUTH,
				       "%s offers neither AUTH PLAIN nor AUTH LOGIN",
				       conn_host(s->conn));
	}
	conn_op_begin(s->conn, &op, "smtp_auth");
	switch (mech) {
	case AUTH_MECH_LOGIN:
		rc = auth_login(s, a, e);
		break;
	case AUTH_MECH_XOAUTH2:
		rc = auth_xoauth2(s, a, e);
		break;
	default:
		rc = auth_plain(s, a, e);
		break;
	}
	return conn_op_done(s->conn, &op, rc, e);
}

struct smtp_session *smtp_session_open(const struct conn_params *p, const struct net_auth *auth,
				       struct err *e)
{
	struct smtp_session *s;
	struct conn_op op;
	struct err local;
	mailstream *stream;
	int r, rc = 0;

	if (e == NULL)
		e = &local;
	s = xcalloc(1, sizeof *s);
	s->conn = conn_open(p, e);
	if (s->conn == NULL) {
		free(s);
		return NULL;
	}
	conn_set_op_read_limit(s->conn, MAX_OP_READ);
	s->smtp = mailsmtp_new(0, NULL);
	stream = conn_stream(s->conn);
	if (s->smtp == NULL || stream == NULL) {
		if (stream != NULL)
			mailstream_close(stream);
		err_set(e, ERR_INTERNAL, "cannot set up an SMTP session: out of memory");
		session_free(s);
		return NULL;
	}
	s->healthy = 1;

	conn_op_begin(s->conn, &op, "smtp_connect");
	/* On failure mailsmtp_connect closes the stream itself. */
	r = mailsmtp_connect(s->smtp, stream);
	if (r != MAILSMTP_NO_ERROR)
		rc = smtp_fail(s, r, e, ERR_PROTOCOL, "the SMTP server did not greet");
	conn_op_done(s->conn, &op, rc, e);

	if (rc == 0)
		rc = ehlo(s, e);
	if (rc == 0 && p->tls == TLS_MODE_STARTTLS) {
		rc = starttls(s, e);
		/* The capabilities seen before TLS may have been forged. */
		if (rc == 0)
			rc = ehlo(s, e);
	}
	if (rc == 0 && auth != NULL && auth->user != NULL && auth->user[0] != '\0')
		rc = authenticate(s, p, auth, e);
	if (rc != 0) {
		session_free(s);
		return NULL;
	}
	return s;
}

void smtp_session_close(struct smtp_session *s)
{
	struct conn_op op;

	if (s == NULL)
		return;
	if (s->smtp != NULL && s->smtp->stream != NULL && s->healthy &&
	    conn_is_alive(s->conn)) {
		/* Wait a little for the 221, never a whole I/O timeout. */
		mailstream_low_set_timeout(mailstream_get_low(s->smtp->stream), QUIT_TIMEOUT_S);
		conn_op_begin(s->conn, &op, "smtp_quit");
		int ok = mailsmtp_send_command(s->smtp, "QUIT\r\n") == 0 &&
			 mailsmtp_read_response(s->smtp) == 221;
		mailstream_close(s->smtp->stream);
		s->smtp->stream = NULL;
		conn_op_end(s->conn, &op, ok ? ERR_NONE : ERR_NETWORK);
	}
	session_free(s);
}

struct conn *smtp_session_conn(struct smtp_session *s)
{
	return s->conn;
}

/* An envelope address goes into a command line as is: no controls, spaces
 * or angle brackets, and short enough for libetpan's 512-byte buffer. */
static int address_ok(const char *a, int may_be_empty)
{
	size_t len = a != NULL ? strlen(a) : 0;

	if (a == NULL || len > PATH_MAX_LEN || (len == 0 && !may_be_empty))
		return 0;
	for (; *a != '\0'; a++) {
		unsigned char ch = (unsigned char)*a;
		if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>')
			return 0;
	}
	return 1;
}

struct progress_relay {
	smtp_progress_fn fn;
	void *ctx;
	size_t total;
};

static void progress_relay(size_t current, size_t maximum, void *context)
{
	struct progress_relay *pr = context;

	(void)maximum;
	pr->fn(current < pr->total ? current : pr->total, pr->total, pr->ctx);
}

/* A refused envelope: the transaction is reset so the session can send the
 * next message; if even that fails, the session is done. Returns -1. */
static int refused(struct smtp_session *s, int r, struct err *e, const char *what)
{
	smtp_fail(s, r, e, ERR_PROTOCOL, what);
	if (s->smtp->stream != NULL && mailsmtp_reset(s->smtp) == MAILSMTP_ERROR_STREAM)
		stream_fail(s, NULL, "RSET");
	return -1;
}

static int send_envelope_and_data(struct smtp_session *s, const char *from,
				  const char *const *rcpts, size_t nrcpts, const char *msg,
				  size_t len, size_t send_len, smtp_progress_fn progress, void *ctx,
				  struct err *e)
{
	struct progress_relay pr = { progress, ctx, send_len };
	char what[PATH_MAX_LEN + 64];
	int r;

	r = mailesmtp_mail_size(s->smtp, from, 0, NULL, len);
	if (r != MAILSMTP_NO_ERROR) {
		snprintf(what, sizeof what, "the server refused the sender <%s>", from);
		return refused(s, r, e, what);
	}
	for (size_t i = 0; i < nrcpts; i++) {
		r = mailesmtp_rcpt(s->smtp, rcpts[i], 0, NULL);
		if (r != MAILSMTP_NO_ERROR) {
			snprintf(what, sizeof what, "the server refused the recipient <%s>", rcpts[i]);
			return refused(s, r, e, what);
		}
	}
	r = mailsmtp_data(s->smtp);
	if (r != MAILSMTP_NO_ERROR)
		return refused(s, r, e, "the server refused DATA");
	if (progress != NULL)
		mailsmtp_set_progress_callback(s->smtp, progress_relay, &pr);
	/* libetpan dot-stuffs and appends CRLF . CRLF itself. */
	r = mailsmtp_data_message(s->smtp, msg, send_len);
	mailsmtp_set_progress_callback(s->smtp, NULL, NULL);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_fail(s, r, e, ERR_PROTOCOL, "the server refused the message");
	if (progress != NULL)
		progress(send_len, send_len, ctx);
	return 0;
}

int smtp_send(struct smtp_session *s, const char *from, const char *const *rcpts, size_t nrcpts,
	      const char *msg, size_t len, smtp_progress_fn progress, void *ctx, struct err *e)
{
	struct conn_op op;
	struct err local;
	size_t send_len = len;
	int rc;

	if (e == NULL)
		e = &local;
	if (!s->healthy || s->smtp->stream == NULL)
		return err_set(e, ERR_NETWORK, "the SMTP connection to %s is closed",
			       conn_host(s->conn));
	if (nrcpts == 0)
		return err_set(e, ERR_USAGE, "no recipients to send to");
	if (!address_ok(from, 1))
		return err_set(e, ERR_PARSE, "invalid sender address");
	for (size_t i = 0; i < nrcpts; i++) {
		if (!address_ok(rcpts[i], 0))
			return err_set(e, ERR_PARSE, "invalid recipient address (number %zu)", i + 1);
	}
	if ((s->smtp->esmtp & MAILSMTP_ESMTP_SIZE) && s->smtp->smtp_max_msg_size > 0 &&
	    len > s->smtp->smtp_max_msg_size)
		return err_set(e, ERR_PROTOCOL,
			       "the message (%zu bytes) is larger than %s accepts (%zu bytes)", len,
			       conn_host(s->conn), s->smtp->smtp_max_msg_size);
	/* The final line break would otherwise become an extra empty line
	 * before libetpan's own CRLF . CRLF. */
	if (send_len >= 2 && msg[send_len - 2] == '\r' && msg[send_len - 1] == '\n')
		send_len -= 2;
	else if (send_len >= 1 && msg[send_len - 1] == '\n')
		send_len -= 1;

	conn_op_begin(s->conn, &op, "smtp_send");
	rc = send_envelope_and_data(s, from, rcpts, nrcpts, msg, len, send_len, progress, ctx, e);
	return conn_op_done(s->conn, &op, rc, e);
}
