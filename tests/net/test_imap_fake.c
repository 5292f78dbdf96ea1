/* IMAP session tests against scripted misbehaving servers: STARTTLS refusals
 * and injection, what is sent for each login path, hostile or odd replies,
 * attachment detection and address formatting from crafted responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_server.h"
#include "net/conn.h"
#include "net/imap_session.h"
#include "util/err.h"
#include "util/strbuf.h"

static struct imap_session *open_fake(struct fake_server *f, const char *const *script,
				      enum tls_mode tls, enum auth_mech mech, struct err *e)
{
	struct conn_params p;
	struct net_auth a = { mech, "u@x.org", "pw" };

	assert_int_equal(fake_server_start(f, script), 0);
	memset(&p, 0, sizeof p);
	p.host = "127.0.0.1";
	p.port = f->port;
	p.tls = tls;
	p.connect_timeout_ms = 3000;
	p.io_timeout_ms = 3000;
	p.account = "fake";
	return imap_session_open(&p, &a, e);
}

/* open_fake that has to succeed. */
static struct imap_session *open_ok(struct fake_server *f, const char *const *script,
				    enum tls_mode tls, enum auth_mech mech)
{
	struct err e;
	struct imap_session *s = open_fake(f, script, tls, mech, &e);

	if (!s)
		fail_msg("%s", e.msg);
	return s;
}

/* open_fake that has to fail with code; the server has ended afterwards. */
static void open_fails(struct fake_server *f, const char *const *script, enum tls_mode tls,
		       enum auth_mech mech, enum err_code code, struct err *e)
{
	assert_null(open_fake(f, script, tls, mech, e));
	fake_server_join(f);
	assert_int_equal(e->code, code);
}

static void test_starttls_not_offered(void **state)
{
	static const char *const script[] = { "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
					      NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_STARTTLS, AUTH_MECH_AUTO, ERR_TLS, &e);
	assert_string_equal(e.msg, "server offers no STARTTLS");
	assert_int_equal(f.received_len, 0);   /* not even a LOGOUT in clear */
}

static void test_starttls_caps_asked_when_greeting_has_none(void **state)
{
	static const char *const script[] = { "* OK hi\r\n",
					      "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n$TAG OK done\r\n",
					      NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_STARTTLS, AUTH_MECH_AUTO, ERR_TLS, &e);
	assert_string_equal(f.received, "1 CAPABILITY\r\n");
}

static void test_starttls_injection(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\r\n",
		"$TAG OK Begin TLS negotiation now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED\r\n",
		NULL
	};
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_STARTTLS, AUTH_MECH_AUTO, ERR_TLS, &e);
	assert_string_equal(f.received, "1 STARTTLS\r\n");
}

static void test_preauth_refused_for_starttls(void **state)
{
	static const char *const script[] = { "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
					      NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_STARTTLS, AUTH_MECH_AUTO, ERR_TLS, &e);
	assert_non_null(strstr(e.msg, "PREAUTH"));
	assert_int_equal(f.received_len, 0);
}

static void test_preauth_plain_allowed(void **state)
{
	static const char *const script[] = { "* PREAUTH [CAPABILITY IMAP4rev1 MOVE] hi\r\n",
					      "* BYE bye\r\n$TAG OK done\r\n", NULL };
	struct fake_server f;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_true(imap_session_has_cap(s, "MOVE"));
	imap_session_close(s);
	fake_server_join(&f);
	assert_string_equal(f.received, "1 LOGOUT\r\n");
}

static void test_logindisabled_sends_nothing(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR LOGINDISABLED] hi\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO, ERR_AUTH, &e);
	assert_int_equal(f.received_len, 0);
}

static void test_plain_with_sasl_ir(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN] hi\r\n",
		"$TAG OK [CAPABILITY IMAP4rev1 MOVE UIDPLUS] Logged in\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	/* The capabilities from the OK replaced the pre-login ones. */
	assert_true(imap_session_has_cap(s, "MOVE"));
	assert_false(imap_session_has_cap(s, "AUTH=PLAIN"));
	imap_session_close(s);
	fake_server_join(&f);
	/* base64("\0u@x.org\0pw"), no space before CRLF, no CAPABILITY. */
	assert_string_equal(f.received, "1 AUTHENTICATE PLAIN AHVAeC5vcmcAcHc=\r\n2 LOGOUT\r\n");
}

static void test_plain_without_sasl_ir(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
		"+ \r\n",
		"1 OK Logged in\r\n",
		"* CAPABILITY IMAP4rev1 UIDPLUS\r\n$TAG OK done\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_PLAIN);
	assert_true(imap_session_has_cap(s, "UIDPLUS"));
	imap_session_close(s);
	fake_server_join(&f);
	assert_string_equal(f.received, "1 AUTHENTICATE PLAIN\r\nAHVAeC5vcmcAcHc=\r\n"
					"2 CAPABILITY\r\n3 LOGOUT\r\n");
}

static void test_auth_mechanism_missing(void **state)
{
	static const char *const script[] = { "* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] hi\r\n",
					      NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_NONE, AUTH_MECH_XOAUTH2, ERR_AUTH, &e);
	assert_non_null(strstr(e.msg, "XOAUTH2"));
	assert_int_equal(f.received_len, 0);
}

static void test_xoauth2(void **state)
{
	static const char *const ok[] = {
		"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n",
		"$TAG OK [CAPABILITY IMAP4rev1] in\r\n", "* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	static const char *const refused[] = {
		"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n",
		"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n", "1 NO [AUTHENTICATIONFAILED] Invalid token\r\n",
		NULL
	};
	struct fake_server f;
	struct err e;
	(void)state;

	struct imap_session *s = open_ok(&f, ok, TLS_MODE_NONE, AUTH_MECH_XOAUTH2);
	imap_session_close(s);
	fake_server_join(&f);
	assert_string_equal(f.received, "1 AUTHENTICATE XOAUTH2 "
					"dXNlcj11QHgub3JnAWF1dGg9QmVhcmVyIHB3AQE=\r\n2 LOGOUT\r\n");

	/* The JSON challenge gets the empty answer, then the NO counts. */
	open_fails(&f, refused, TLS_MODE_NONE, AUTH_MECH_XOAUTH2, ERR_AUTH, &e);
	assert_non_null(strstr(e.msg, "Invalid token"));
}

static void test_login_refused_text_sanitized(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1] hi\r\n",
		"$TAG NO [AUTHENTICATIONFAILED] bad\x1b[2J\x07password\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	(void)state;

	open_fails(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO, ERR_AUTH, &e);
	assert_non_null(strstr(e.msg, "login as u@x.org refused"));
	assert_non_null(strstr(e.msg, "bad [2J password"));
	assert_null(strchr(e.msg, '\x1b'));
	/* LOGIN, since there is no SASL-IR. */
	assert_string_equal(f.received, "1 LOGIN \"u@x.org\" pw\r\n");
}

#define LOGGED_IN "* OK [CAPABILITY IMAP4rev1] hi\r\n", "$TAG OK [CAPABILITY IMAP4rev1 UIDPLUS LITERAL+] in\r\n"
#define SELECTED "* 4 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 9] n\r\n$TAG OK [READ-WRITE] done\r\n"

static void test_unparsable_reply_breaks_session(void **state)
{
	static const char *const script[] = { LOGGED_IN, "$TAG FROB {{{ what\r\n", NULL };
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_NETWORK);
	imap_session_close(s);
	fake_server_join(&f);
	/* No LOGOUT on a connection whose state is unknown. */
	assert_null(strstr(f.received, "LOGOUT"));
}

static void test_bye_reported(void **state)
{
	static const char *const script[] = {
		LOGGED_IN, "* BYE [UNAVAILABLE] Server shutting down\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), -1);
	assert_true(e.code == ERR_NETWORK || e.code == ERR_PROTOCOL);
	imap_session_close(s);
	fake_server_join(&f);
	assert_null(strstr(f.received, "LOGOUT"));
}

static void test_select_no_probes_list(void **state)
{
	static const char *const script[] = {
		LOGGED_IN,
		"$TAG NO Cannot do that\r\n",          /* SELECT Gone */
		"$TAG OK done\r\n",                    /* LIST "" Gone: nothing */
		"$TAG NO Mailbox is locked\r\n",       /* SELECT There */
		"* LIST (\\HasNoChildren) \"/\" There\r\n$TAG OK done\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "Gone", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_string_equal(e.msg, "no folder named Gone");
	assert_int_equal(imap_select(s, "There", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_string_equal(e.msg, "SELECT of There failed: server said: Mailbox is locked");
	imap_session_close(s);
	fake_server_join(&f);
	assert_non_null(strstr(f.received, "3 LIST \"\" \"Gone\"\r\n"));
}

#define TEXT_PART "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)"
#define HTML_PART "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)"
#define ENV(subj, to) "ENVELOPE (\"Mon, 2 Jan 2023 10:00:00 +0100\" \"" subj "\" ((\"=?utf-8?q?A?=\" NIL \"a\" \"x.org\")) NIL NIL " to " NIL NIL NIL \"<m@x>\")"

static const char *const fetch_script[] = {
	LOGGED_IN,
	SELECTED,
	/* Unsolicited flag change, a UID outside the range, then four real ones. */
	"* 3 FETCH (FLAGS (\\Seen))\r\n"
	"* 4 FETCH (UID 8 FLAGS () " ENV("out", "NIL") " RFC822.SIZE 5 INTERNALDATE \"02-Jan-2023 10:00:00 +0000\" BODYSTRUCTURE " TEXT_PART ")\r\n"
	"* 1 FETCH (UID 1 FLAGS (\\Seen $Forwarded \\Recent) INTERNALDATE \"02-Jan-2023 10:00:00 +0100\" RFC822.SIZE 120 "
	ENV("alt", "((NIL NIL \"team\" NIL)(\"Doe, J.\" NIL \"j\" \"x.org\")(NIL NIL \"b\" \"x.org\")(NIL NIL NIL NIL))")
	" BODYSTRUCTURE (" TEXT_PART HTML_PART " \"alternative\" (\"boundary\" \"b\") NIL NIL NIL)"
	" BODY[HEADER.FIELDS (REFERENCES)] {29}\r\nReferences: <a@x>\r\n <b@x>\r\n\r\n)\r\n"
	"* 2 FETCH (BODYSTRUCTURE (" TEXT_PART "(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 100 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b\") NIL NIL NIL) "
	"BODY[HEADER.FIELDS (REFERENCES)] {2}\r\n\r\n UID 2 " ENV("mixed", "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))") " FLAGS (\\Answered) RFC822.SIZE 200 INTERNALDATE \"31-Dec-2022 23:30:00 -0530\")\r\n"
	"* 3 FETCH (UID 3 FLAGS () RFC822.SIZE 300 INTERNALDATE \"02-Jan-2023 10:00:00 +0000\" " ENV("related", "NIL")
	" BODYSTRUCTURE ((" HTML_PART "(\"image\" \"png\" (\"name\" \"logo.png\") \"<c1>\" NIL \"base64\" 100 NIL (\"inline\" (\"filename\" \"logo.png\")) NIL NIL) \"related\" (\"boundary\" \"c\") NIL NIL NIL) " TEXT_PART " \"mixed\" (\"boundary\" \"b\") NIL NIL NIL))\r\n"
	"* 4 FETCH (UID 4 FLAGS () RFC822.SIZE 400 INTERNALDATE \"02-Jan-2023 10:00:00 +0000\" " ENV("att-text", "NIL")
	" BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL (\"attachment\" (\"filename\" \"notes.txt\")) NIL NIL))\r\n"
	"$TAG OK done\r\n",
	"* BYE bye\r\n$TAG OK done\r\n", NULL
};

struct seen {
	int n;
	uint32_t uid[8];
	unsigned flags[8];
	int att[8];
	int64_t date[8];
	char to[8][128];
	char from[8][64];
	char refs[8][64];
};

static int record(const struct imap_summary *m, void *ctx)
{
	struct seen *s = ctx;

	if (s->n >= 8)
		return 1;
	s->uid[s->n] = m->uid;
	s->flags[s->n] = m->flags;
	s->att[s->n] = m->has_attachment;
	s->date[s->n] = m->internal_date;
	snprintf(s->to[s->n], sizeof s->to[0], "%s", m->to ? m->to : "(none)");
	snprintf(s->from[s->n], sizeof s->from[0], "%s|%s", m->from_name ? m->from_name : "",
		 m->from_addr ? m->from_addr : "");
	snprintf(s->refs[s->n], sizeof s->refs[0], "%s", m->references ? m->references : "(none)");
	s->n++;
	return 0;
}

static void test_fetch_summaries_from_crafted_replies(void **state)
{
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	struct seen seen;
	(void)state;

	struct imap_session *s = open_ok(&f, fetch_script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(info.exists, 4);
	assert_int_equal(info.uidnext, 9);
	memset(&seen, 0, sizeof seen);
	if (imap_fetch_summaries(s, 1, 4, record, NULL, &seen, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.uid[0], 1);
	assert_int_equal(seen.flags[0], MSG_SEEN | MSG_FORWARDED | MSG_RECENT);
	assert_int_equal(seen.att[0], 0);   /* alternative: html is not an attachment */
	assert_string_equal(seen.to[0], "team: \"Doe, J.\" <j@x.org>, b@x.org;");
	assert_string_equal(seen.from[0], "=?utf-8?q?A?=|a@x.org");
	assert_int_equal(seen.date[0], 1672650000);   /* 2023-01-02 09:00 UTC */
	/* The References field as the literal brought it, folded line included. */
	assert_string_equal(seen.refs[0], "References: <a@x>\r\n <b@x>\r\n\r\n");
	assert_string_equal(seen.refs[1], "\r\n");
	assert_string_equal(seen.refs[2], "(none)");
	assert_int_equal(seen.uid[1], 2);
	assert_int_equal(seen.flags[1], MSG_ANSWERED);
	assert_int_equal(seen.att[1], 1);   /* named application/pdf */
	assert_string_equal(seen.to[1], "undisclosed-recipients:;");
	assert_int_equal(seen.date[1], 1672549200);   /* 2023-01-01 05:00 UTC */
	assert_int_equal(seen.att[2], 0);   /* inline image of a related part */
	assert_string_equal(seen.to[2], "(none)");
	assert_int_equal(seen.att[3], 1);   /* text declared an attachment */
	imap_session_close(s);
	fake_server_join(&f);
	assert_non_null(strstr(f.received, "3 UID FETCH 1:4 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "
				       "BODY.PEEK[HEADER.FIELDS (References)])\r\n"));
}

/* Replies to the index fetch that skua reads itself: a refusal keeps the
 * session; a reply that is no response, nesting past any server's, a
 * literal past the limit and a BYE end it. None of them crashes. */
static void test_fetch_summaries_hostile_replies(void **state)
{
	static const struct {
		const char *reply;
		enum err_code code;
		const char *says;
		int usable;
	} cases[] = {
		{ "* 1 FETCH (UID 1 FLAGS () " ENV("a", "NIL") ")\r\n$TAG NO [SERVERBUG] bad \x1b[2Jday\r\n",
		  ERR_PROTOCOL, "server said: bad ", 1 },
		{ "(oops)\r\n", ERR_PROTOCOL, "unexpected reply", 0 },
		{ "+ go on\r\n", ERR_PROTOCOL, "unexpected reply", 0 },
		{ "* 1 FETCH (BODYSTRUCTURE "
		  "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		  "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		  "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		  ")\r\n", ERR_PROTOCOL, "could not be parsed", 0 },
		{ "* 1 FETCH (UID 1 X {999999999}\r\n", ERR_PROTOCOL, "longer than skua accepts", 0 },
		{ "* BYE going [away]\r\n", ERR_NETWORK, "closed the connection: going [away]", 0 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *const script[] = { LOGGED_IN, SELECTED, cases[i].reply, SELECTED,
					       NULL };
		struct fake_server f;
		struct err e;
		struct imap_select_info info;
		struct seen seen;
		struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
		assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
		memset(&seen, 0, sizeof seen);
		assert_int_equal(imap_fetch_summaries(s, 1, 4, record, NULL, &seen, &e), -1);
		assert_int_equal(e.code, cases[i].code);
		if (strstr(e.msg, cases[i].says) == NULL || strchr(e.msg, '\x1b') != NULL)
			fail_msg("case %zu: %s", i, e.msg);
		/* The session goes on after a refusal, and only then. */
		int r = imap_select(s, "INBOX", 0, &info, &e);
		assert_int_equal(r == 0, cases[i].usable);
		imap_session_close(s);
		fake_server_join(&f);
	}
}

/* No byte of the text is a C0 or C1 control, raw or UTF-8 encoded. */
static void assert_no_controls(const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7F || (*p >= 0x80 && *p < 0xA0 && p[-1] == 0xC2))
			fail_msg("control byte 0x%02x in \"%s\"", *p, msg);
	}
}

static void test_fetch_refuses_announced_huge_literal(void **state)
{
	/* libetpan reads a literal in chunks of a few KB: give it one. */
	static char huge[9000];
	const char *const script[] = { LOGGED_IN, SELECTED, huge, NULL };
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	struct strbuf out = STRBUF_INIT;
	(void)state;

	memset(huge, 'x', sizeof huge - 1);
	memcpy(huge, "* 1 FETCH (UID 3 BODY[] {100000000000}\r\n", 40);
	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(imap_fetch_message(s, 3, &out, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "the message is larger than 256 MB"));
	assert_true(out.len == 0);
	/* The stream stood inside the literal: the session is closed. */
	assert_int_equal(imap_fetch_message(s, 3, &out, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NETWORK);
	imap_session_close(s);
	fake_server_join(&f);
	assert_null(strstr(f.received, "LOGOUT"));
	strbuf_free(&out);
}

static void test_fetch_limit_per_session(void **state)
{
	static const char *const script[] = {
		LOGGED_IN, SELECTED,
		"* 1 FETCH (UID 3 BODY[] {40}\r\n0123456789012345678901234567890123456789)\r\n"
		"$TAG OK done\r\n",
		"* 1 FETCH (UID 3 BODY[] {20}\r\n01234567890123456789)\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	struct strbuf out = STRBUF_INIT;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	imap_session_set_max_message_size(s, 30);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(imap_fetch_message(s, 3, &out, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "the message is larger than 30 bytes"));
	imap_session_close(s);
	fake_server_join(&f);

	/* Within the limit the same literal is fetched whole. */
	s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	imap_session_set_max_message_size(s, 50);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	if (imap_fetch_message(s, 3, &out, NULL, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(out.len, 40);
	imap_session_close(s);
	fake_server_join(&f);
	strbuf_free(&out);
}

static void test_no_reply_text_sanitized(void **state)
{
	static const char *const script[] = {
		LOGGED_IN, "$TAG NO gone\x1b[2J\x1b]52;c;aGk=\x07 now\xc2\x9b" "2J\x9b\r\n",
		"* LIST () \"/\" INBOX\r\n$TAG OK done\r\n",
		"$TAG NO [ALERT] \x1b]52;c;aGk=\x07\r\n", "$TAG OK done\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "gone"));
	assert_no_controls(e.msg);
	/* A folder name the user typed or a server listed is shown cleaned too. */
	assert_int_equal(imap_select(s, "Evil\x1b[2J&AJs-x", 0, &info, &e), -1);
	assert_non_null(strstr(e.msg, "Evil"));
	assert_no_controls(e.msg);
	imap_session_close(s);
	fake_server_join(&f);
}

/* LIST is bounded: by the number of folders, and by its bytes when the
 * server never ends it. */
static void test_list_bounded(void **state)
{
	static const char entry[] = "* LIST () \"/\" f\r\n";
	static char many[100001 * (sizeof entry - 1) + 16], endless[34 << 20];
	const char *const script_many[] = { LOGGED_IN, many, NULL };
	const char *const script_endless[] = { LOGGED_IN, endless, NULL };
	struct fake_server f;
	struct err e;
	struct imap_folder *folders;
	size_t n, at = 0;
	(void)state;

	for (int i = 0; i < 100001; i++, at += sizeof entry - 1)
		memcpy(many + at, entry, sizeof entry - 1);
	memcpy(many + at, "2 OK done\r\n", 11);
	memset(endless, 'x', sizeof endless - 1);
	for (at = 0; at + 4000 < sizeof endless; at += 4000) {
		memcpy(endless + at, "* LIST () \"/\" ", 14);
		memcpy(endless + at + 3998, "\r\n", 2);
	}
	endless[at] = '\0';

	struct imap_session *s = open_ok(&f, script_many, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_list_folders(s, &folders, &n, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "more than 100000 folders"));
	imap_session_close(s);
	fake_server_join(&f);

	s = open_ok(&f, script_endless, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_list_folders(s, &folders, &n, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "sent more than 32768 KB in one reply"));
	imap_session_close(s);
	fake_server_join(&f);
	assert_null(strstr(f.received, "LOGOUT"));
}

/* A greeting that is no IMAP: one clear error, no hang. */
static void test_bad_greetings(void **state)
{
	static const char *const garbage[] = { "SSH-2.0-OpenSSH_9.2\x1b[2J\r\n", NULL };
	struct fake_server f;
	struct err e;
	(void)state;

	assert_null(open_fake(&f, garbage, TLS_MODE_NONE, AUTH_MECH_AUTO, &e));
	fake_server_join(&f);
	print_message("%s\n", e.msg);
	assert_true(e.code == ERR_PROTOCOL || e.code == ERR_NETWORK);
	assert_no_controls(e.msg);
	assert_null(strstr(f.received, "LOGIN"));

}

static void test_search_sends_literal_for_utf8(void **state)
{
	static const char *const script[] = {
		LOGGED_IN, SELECTED,
		"",                                    /* the line with the literal's size */
		"* SEARCH 3 5\r\n3 OK done\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	uint32_t *uids = NULL;
	size_t n = 0;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	if (imap_search(s, "TEXT \"Grüße\" UNSEEN", &uids, &n, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(n, 2);
	assert_int_equal(uids[0], 3);
	assert_int_equal(uids[1], 5);
	free(uids);
	imap_session_close(s);
	fake_server_join(&f);
	assert_non_null(strstr(f.received,
			       "3 UID SEARCH CHARSET UTF-8 TEXT {7+}\r\nGrüße UNSEEN\r\n4 LOGOUT\r\n"));
}

static void test_uid_sets_are_compact(void **state)
{
	static const char *const script[] = {
		LOGGED_IN, SELECTED, "$TAG OK stored\r\n", "$TAG OK copied\r\n",
		"* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	uint32_t uids[] = { 9, 3, 4, 5, 5, 12, 10, 0, 1 };
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(imap_store_flags(s, uids, 9, 1, MSG_SEEN | MSG_RECENT, &e), 0);
	/* Nothing storable, nothing sent. */
	assert_int_equal(imap_store_flags(s, uids, 9, 1, MSG_RECENT, &e), 0);
	assert_int_equal(imap_copy(s, uids, 9, "Archive", &e), 0);
	imap_session_close(s);
	fake_server_join(&f);
	assert_non_null(strstr(f.received, "3 UID STORE 1,3:5,9:10,12 +FLAGS.SILENT (\\Seen)\r\n"
					   "4 UID COPY 1,3:5,9:10,12 Archive\r\n"));
}

static void test_move_refused_without_uidplus(void **state)
{
	static const char *const script[] = {
		"* OK [CAPABILITY IMAP4rev1] hi\r\n", "$TAG OK [CAPABILITY IMAP4rev1] in\r\n",
		SELECTED, "* BYE bye\r\n$TAG OK done\r\n", NULL
	};
	struct fake_server f;
	struct err e;
	struct imap_select_info info;
	uint32_t uid = 3;
	(void)state;

	struct imap_session *s = open_ok(&f, script, TLS_MODE_NONE, AUTH_MECH_AUTO);
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(imap_move(s, &uid, 1, "Trash", &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_int_equal(imap_expunge_uids(s, &uid, 1, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	imap_session_close(s);
	fake_server_join(&f);
	assert_null(strstr(f.received, "COPY"));
	assert_null(strstr(f.received, "EXPUNGE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starttls_not_offered),
		cmocka_unit_test(test_starttls_caps_asked_when_greeting_has_none),
		cmocka_unit_test(test_starttls_injection),
		cmocka_unit_test(test_preauth_refused_for_starttls),
		cmocka_unit_test(test_preauth_plain_allowed),
		cmocka_unit_test(test_logindisabled_sends_nothing),
		cmocka_unit_test(test_plain_with_sasl_ir),
		cmocka_unit_test(test_plain_without_sasl_ir),
		cmocka_unit_test(test_auth_mechanism_missing),
		cmocka_unit_test(test_xoauth2),
		cmocka_unit_test(test_login_refused_text_sanitized),
		cmocka_unit_test(test_unparsable_reply_breaks_session),
		cmocka_unit_test(test_bye_reported),
		cmocka_unit_test(test_select_no_probes_list),
		cmocka_unit_test(test_fetch_summaries_from_crafted_replies),
		cmocka_unit_test(test_fetch_summaries_hostile_replies),
		cmocka_unit_test(test_fetch_refuses_announced_huge_literal),
		cmocka_unit_test(test_fetch_limit_per_session),
		cmocka_unit_test(test_no_reply_text_sanitized),
		cmocka_unit_test(test_list_bounded),
		cmocka_unit_test(test_bad_greetings),
		cmocka_unit_test(test_search_sends_literal_for_utf8),
		cmocka_unit_test(test_uid_sets_are_compact),
		cmocka_unit_test(test_move_refused_without_uidplus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
