/* IMAP session tests against the real Dovecot of the test mail system: login
 * paths, folders with special-use and non-ASCII names, and the message
 * commands (append, fetch, store, move, expunge, search). */
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

#include "fixture.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void test_login_imaps(void **state)
{
	(void)state;
	struct imap_session *s = fixture_alice();
	assert_true(conn_is_tls(imap_session_conn(s)));
	assert_true(imap_session_has_cap(s, "IMAP4rev1"));
	assert_true(imap_session_has_cap(s, "UIDPLUS"));
	assert_true(fixture_saw_op("imap_greeting"));
	fixture_assert_last_op("imap_login", 1);
	imap_session_close(s);
	fixture_assert_last_op("imap_logout", 1);
}

static void test_login_starttls(void **state)
{
	struct err e;
	(void)state;
	struct imap_session *s = fixture_open(TLS_MODE_STARTTLS, ALICE, "alice-pw", AUTH_MECH_LOGIN, &e);
	if (!s)
		fail_msg("STARTTLS login failed: %s", e.msg);
	assert_true(conn_is_tls(imap_session_conn(s)));
	/* The pre-TLS list advertised STARTTLS and LOGINDISABLED; these must
	 * be the post-TLS (post-login) capabilities. */
	assert_false(imap_session_has_cap(s, "STARTTLS"));
	assert_false(imap_session_has_cap(s, "LOGINDISABLED"));
	assert_true(fixture_saw_op("imap_starttls"));
	imap_session_close(s);

	s = fixture_open(TLS_MODE_STARTTLS, ALICE, "alice-pw", AUTH_MECH_PLAIN, &e);
	if (!s)
		fail_msg("STARTTLS AUTHENTICATE PLAIN failed: %s", e.msg);
	imap_session_close(s);
}

static void test_plaintext_refused(void **state)
{
	struct err e;
	(void)state;
	/* The caller allows cleartext, but the server says LOGINDISABLED. */
	struct imap_session *s = fixture_open(TLS_MODE_NONE, ALICE, "alice-pw", AUTH_MECH_AUTO, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
	assert_non_null(strstr(e.msg, "LOGINDISABLED"));
}

static void test_wrong_password(void **state)
{
	struct err e;
	(void)state;
	struct imap_session *s = fixture_open(TLS_MODE_IMPLICIT, ALICE, "not-the-pw", AUTH_MECH_AUTO, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
	/* Dovecot's own words are quoted. */
	assert_non_null(strstr(e.msg, "Authentication failed"));
	fixture_assert_last_op("imap_login", 0);

	s = fixture_open(TLS_MODE_IMPLICIT, ALICE, "not-the-pw", AUTH_MECH_LOGIN, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
}

static const struct imap_folder *find_folder(const struct imap_folder *f, size_t n,
					     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

static void test_list_special_use(void **state)
{
	struct err e;
	struct imap_folder *f;
	size_t n;
	(void)state;
	struct imap_session *s = fixture_alice();

	assert_int_equal(imap_list_folders(s, &f, &n, &e), 0);
	fixture_assert_last_op("imap_list", 1);
	const struct imap_folder *inbox = find_folder(f, n, "INBOX");
	assert_non_null(inbox);
	assert_true(inbox->flags & IMAP_FOLDER_INBOX);
	static const struct {
		const char *name;
		unsigned flag;
	} want[] = { { "Sent", IMAP_FOLDER_SENT },
		     { "Trash", IMAP_FOLDER_TRASH },
		     { "Drafts", IMAP_FOLDER_DRAFTS },
		     { "Junk", IMAP_FOLDER_JUNK } };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct imap_folder *x = find_folder(f, n, want[i].name);
		if (!x)
			fail_msg("folder %s not listed", want[i].name);
		assert_true(x->flags & want[i].flag);
		assert_false(x->flags & IMAP_FOLDER_INBOX);
		assert_string_equal(x->display, want[i].name);
	}
	imap_folders_free(f, n);
	imap_session_close(s);
}

static void test_non_ascii_folder(void **state)
{
	char name[160], cmd[512];
	struct err e;
	struct imap_folder *f;
	struct imap_select_info info;
	size_t n;
	(void)state;

	/* Latin-1 range, a BMP symbol, CJK, an astral emoji and a literal '&'. */
	snprintf(name, sizeof name, "Größe & ✓ 日本 \xF0\x9F\x93\xA6 %s", fixture_token);
	snprintf(cmd, sizeof cmd, "%s mailbox create -u %s '%s'", fixture_env("MAILSYS_DOVEADM"), ALICE,
		 name);
	assert_int_equal(system(cmd), 0);

	struct imap_session *s = fixture_alice();
	assert_int_equal(imap_list_folders(s, &f, &n, &e), 0);
	char *wire = imap_utf8_to_mutf7(name);
	assert_non_null(wire);
	const struct imap_folder *x = find_folder(f, n, wire);
	if (!x)
		fail_msg("folder %s (%s) not listed", name, wire);
	assert_string_equal(x->display, name);
	assert_int_equal(imap_select(s, x->name, 1, &info, &e), 0);
	assert_int_equal(info.exists, 0);
	assert_true(info.readonly);
	free(wire);
	imap_folders_free(f, n);
	imap_session_close(s);
}

/* A multipart/mixed message with an RFC 2047 subject and a PDF attachment. */
static char *mixed_message(const char *tag, size_t *len)
{
	char *m = xasprintf(
		"From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.org>\r\n"
		"To: Alice <alice@example.org>, \"Doe, Bob\" <bob@example.org>\r\n"
		"Cc: carol@example.org\r\n"
		"Subject: =?UTF-8?B?R3LDvMOfZQ==?= %s\r\n"
		"Date: Mon, 02 Jan 2023 10:00:00 +0100\r\n"
		"Message-ID: <%s@example.org>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
		"\r\n"
		"--b1\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"\r\n"
		"Hello, the needle is haystack%s.\r\n"
		"--b1\r\n"
		"Content-Type: application/pdf; name=\"report.pdf\"\r\n"
		"Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\r\n"
		"JVBERi0xLjQK\r\n"
		"--b1--\r\n",
		tag, tag, tag);
	*len = strlen(m);
	return m;
}

static char *plain_message(const char *subject, size_t *len)
{
	char *m = xasprintf("From: bob@example.org\r\nTo: alice@example.org\r\n"
			    "Subject: %s\r\nMessage-ID: <%s@example.org>\r\n\r\nplain body\r\n",
			    subject, subject);
	*len = strlen(m);
	return m;
}

struct collected {
	struct imap_summary m;
	char subject[256], from_addr[128], from_name[128], to[256], cc[128], message_id[128];
	int count;
};

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "(null)");
}

static int collect_one(const struct imap_summary *m, void *ctx)
{
	struct collected *c = ctx;

	c->count++;
	c->m = *m;
	copy_str(c->subject, sizeof c->subject, m->subject);
	copy_str(c->from_addr, sizeof c->from_addr, m->from_addr);
	copy_str(c->from_name, sizeof c->from_name, m->from_name);
	copy_str(c->to, sizeof c->to, m->to);
	copy_str(c->cc, sizeof c->cc, m->cc);
	copy_str(c->message_id, sizeof c->message_id, m->message_id);
	return 0;
}

static void summary_of(struct imap_session *s, uint32_t uid, struct collected *c)
{
	struct err e;

	memset(c, 0, sizeof *c);
	if (imap_fetch_summaries(s, uid, uid, collect_one, NULL, c, &e) < 0)
		fail_msg("fetch of UID %u: %s", uid, e.msg);
}

static void test_append_fetch_store(void **state)
{
	struct err e;
	struct imap_select_info info;
	struct collected c;
	struct strbuf body = STRBUF_INIT;
	uint32_t uid = 0, uid2 = 0;
	size_t len, len2;
	(void)state;
	struct imap_session *s = fixture_alice();
	char *msg = mixed_message(fixture_token, &len);

	assert_int_equal(imap_append(s, "INBOX", MSG_SEEN | MSG_FLAGGED, msg, len, &uid, &e), 0);
	fixture_assert_last_op("imap_append", 1);
	assert_true(uid > 0);
	char *plain = plain_message(fixture_token, &len2);
	assert_int_equal(imap_append(s, "INBOX", 0, plain, len2, &uid2, &e), 0);
	assert_true(uid2 > uid);

	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	fixture_assert_last_op("imap_select", 1);
	assert_true(info.exists >= 2);
	assert_true(info.uidvalidity > 0);
	assert_true(info.uidnext > uid2);
	assert_false(info.readonly);
	assert_true(info.highestmodseq > 0);   /* Dovecot has CONDSTORE */

	summary_of(s, uid, &c);
	fixture_assert_last_op("imap_fetch_headers", 1);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.m.uid, uid);
	char want[128];
	snprintf(want, sizeof want, "=?UTF-8?B?R3LDvMOfZQ==?= %s", fixture_token);
	assert_string_equal(c.subject, want);
	assert_string_equal(c.from_name, "=?UTF-8?Q?J=C3=BCrgen?=");
	assert_string_equal(c.from_addr, "juergen@example.org");
	assert_string_equal(c.to, "Alice <alice@example.org>, \"Doe, Bob\" <bob@example.org>");
	assert_string_equal(c.cc, "carol@example.org");
	snprintf(want, sizeof want, "<%s@example.org>", fixture_token);
	assert_string_equal(c.message_id, want);
	assert_int_equal(c.m.flags & (MSG_SEEN | MSG_FLAGGED | MSG_ANSWERED), MSG_SEEN | MSG_FLAGGED);
	assert_int_equal(c.m.size, len);
	assert_true(c.m.has_attachment);
	assert_true(c.m.internal_date > time(NULL) - 3600);
	assert_true(c.m.modseq > 0);

	summary_of(s, uid2, &c);
	assert_int_equal(c.count, 1);
	assert_false(c.m.has_attachment);
	assert_int_equal(c.m.flags & MSG_SEEN, 0);

	/* Byte for byte, CRLF included, and without setting \Seen. */
	strbuf_appends(&body, "prefix:");
	assert_int_equal(imap_fetch_message(s, uid2, &body, NULL, NULL, &e), 0);
	fixture_assert_last_op("imap_fetch_body", 1);
	assert_int_equal(body.len, 7 + len2);
	assert_memory_equal(body.s + 7, plain, len2);
	strbuf_reset(&body);
	assert_int_equal(imap_fetch_message(s, uid, &body, NULL, NULL, &e), 0);
	assert_int_equal(body.len, len);
	assert_memory_equal(body.s, msg, len);
	summary_of(s, uid2, &c);
	assert_int_equal(c.m.flags & MSG_SEEN, 0);

	/* Flags: add and remove, then read back. */
	uint32_t both[] = { uid2, uid };
	assert_int_equal(imap_store_flags(s, both, 2, 1, MSG_ANSWERED | MSG_FORWARDED, &e), 0);
	fixture_assert_last_op("imap_store", 1);
	assert_int_equal(imap_store_flags(s, &uid, 1, 0, MSG_FLAGGED, &e), 0);
	summary_of(s, uid, &c);
	assert_int_equal(c.m.flags & (MSG_SEEN | MSG_FLAGGED | MSG_ANSWERED | MSG_FORWARDED),
			 MSG_SEEN | MSG_ANSWERED | MSG_FORWARDED);
	summary_of(s, uid2, &c);
	assert_int_equal(c.m.flags & (MSG_SEEN | MSG_ANSWERED | MSG_FORWARDED),
			 MSG_ANSWERED | MSG_FORWARDED);

	/* A UID that does not exist. */
	assert_int_equal(imap_fetch_message(s, info.uidnext + 1000, &body, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no message with UID"));
	assert_non_null(strstr(e.msg, "INBOX"));

	strbuf_free(&body);
	free(msg);
	free(plain);
	imap_session_close(s);
}

/* UIDs in the selected folder whose Message-ID holds tag. */
static size_t search_tag(struct imap_session *s, const char *what, const char *tag,
			 uint32_t **uids)
{
	struct err e;
	char crit[200];
	size_t n;

	snprintf(crit, sizeof crit, "%s \"%s\"", what, tag);
	if (imap_search(s, crit, uids, &n, &e) < 0)
		fail_msg("search %s: %s", crit, e.msg);
	return n;
}

static void append_tagged(struct imap_session *s, const char *folder, const char *tag,
			  uint32_t *uid)
{
	struct err e;
	size_t len;
	char *m = plain_message(tag, &len);

	if (imap_append(s, folder, 0, m, len, uid, &e) < 0)
		fail_msg("append: %s", e.msg);
	free(m);
}

static void move_and_check(int fallback)
{
	struct err e;
	struct imap_select_info info;
	char tag[96];
	uint32_t uid, *found = NULL;
	(void)fallback;
	struct imap_session *s = fixture_alice();

	if (fallback)
		imap_session_disable_cap(s, "MOVE");
	assert_int_equal(imap_session_has_cap(s, "MOVE"), !fallback);
	snprintf(tag, sizeof tag, "move%d-%s", fallback, fixture_token);
	append_tagged(s, "INBOX", tag, &uid);
	uint32_t keep;
	char keep_tag[100];
	snprintf(keep_tag, sizeof keep_tag, "stay%d-%s", fallback, fixture_token);
	append_tagged(s, "INBOX", keep_tag, &keep);

	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	struct imap_moved moved = { 0 };
	if (imap_move_report(s, &uid, 1, "Trash", &moved, &e) < 0)
		fail_msg("move: %s", e.msg);
	fixture_assert_last_op("imap_move", 1);
	/* COPYUID says where it went, with MOVE and with COPY alike. */
	assert_int_equal(moved.n, 1);
	assert_int_equal(moved.src[0], uid);
	uint32_t moved_to = imap_moved_find(&moved, uid);
	assert_true(moved_to != 0);
	assert_int_equal(imap_moved_find(&moved, uid + 1000), 0);
	imap_moved_free(&moved);
	assert_int_equal(search_tag(s, "HEADER Subject", tag, &found), 0);
	free(found);
	assert_int_equal(search_tag(s, "HEADER Subject", keep_tag, &found), 1);
	assert_int_equal(found[0], keep);
	free(found);

	assert_int_equal(imap_select(s, "Trash", 0, &info, &e), 0);
	assert_int_equal(search_tag(s, "HEADER Subject", tag, &found), 1);
	assert_int_equal(found[0], moved_to);
	free(found);

	/* A missing destination is reported as such. */
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_int_equal(imap_move(s, &keep, 1, "No such folder here", &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_int_equal(search_tag(s, "HEADER Subject", keep_tag, &found), 1);
	free(found);
	imap_session_close(s);
}

static void test_move_uid_move(void **state)
{
	(void)state;
	move_and_check(0);
}

static void test_move_copy_expunge_fallback(void **state)
{
	(void)state;
	move_and_check(1);
}

static void test_expunge_only_given(void **state)
{
	struct err e;
	struct imap_select_info info;
	char tag[3][96];
	uint32_t uid[3], *found = NULL;
	(void)state;
	struct imap_session *s = fixture_alice();

	for (int i = 0; i < 3; i++) {
		snprintf(tag[i], sizeof tag[i], "exp%d-%s", i, fixture_token);
		append_tagged(s, "INBOX", tag[i], &uid[i]);
	}
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	/* All three are \Deleted, but only the middle one may go. */
	assert_int_equal(imap_store_flags(s, uid, 3, 1, MSG_DELETED, &e), 0);
	assert_int_equal(imap_expunge_uids(s, &uid[1], 1, &e), 0);
	fixture_assert_last_op("imap_expunge", 1);
	assert_int_equal(search_tag(s, "HEADER Subject", tag[0], &found), 1);
	free(found);
	assert_int_equal(search_tag(s, "HEADER Subject", tag[1], &found), 0);
	free(found);
	assert_int_equal(search_tag(s, "HEADER Subject", tag[2], &found), 1);
	free(found);
	assert_int_equal(imap_store_flags(s, uid, 3, 0, MSG_DELETED, &e), 0);
	imap_session_close(s);
}

static void test_search_text(void **state)
{
	struct err e;
	struct imap_select_info info;
	uint32_t uid, *found = NULL;
	size_t len, n;
	char needle[128];
	(void)state;
	char tag[96];
	struct imap_session *s = fixture_alice();
	snprintf(tag, sizeof tag, "search-%s", fixture_token);
	char *msg = mixed_message(tag, &len);

	assert_int_equal(imap_append(s, "INBOX", 0, msg, len, &uid, &e), 0);
	assert_int_equal(imap_select(s, "INBOX", 1, &info, &e), 0);
	snprintf(needle, sizeof needle, "haystack%s", tag);
	assert_int_equal(search_tag(s, "TEXT", needle, &found), 1);
	fixture_assert_last_op("imap_search", 1);
	assert_int_equal(found[0], uid);
	free(found);
	/* Non-ASCII criteria travel as UTF-8. */
	assert_int_equal(imap_search(s, "TEXT \"Grüße-nowhere\"", &found, &n, &e), 0);
	assert_int_equal(n, 0);
	/* A line break could start a second command. */
	assert_int_equal(imap_search(s, "TEXT \"a\"\r\nX DELETE INBOX", &found, &n, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	/* A server BAD keeps the session. */
	assert_int_equal(imap_search(s, "NOSUCHKEY 1", &found, &n, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	assert_int_equal(imap_select(s, "INBOX", 1, &info, &e), 0);
	free(msg);
	imap_session_close(s);
}

static void test_missing_folder(void **state)
{
	struct err e;
	struct imap_select_info info;
	struct imap_status st;
	(void)state;
	struct imap_session *s = fixture_alice();

	assert_int_equal(imap_select(s, "Nope-missing", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_string_equal(e.msg, "no folder named Nope-missing");
	fixture_assert_last_op("imap_select", 0);
	assert_int_equal(imap_folder_status(s, "Nope-missing", &st, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	/* The session survives a NO. */
	assert_int_equal(imap_folder_status(s, "INBOX", &st, &e), 0);
	assert_true(st.uidvalidity > 0 && st.uidnext > 0);
	assert_true(st.highestmodseq > 0);
	imap_session_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_imaps),
		cmocka_unit_test(test_login_starttls),
		cmocka_unit_test(test_plaintext_refused),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_list_special_use),
		cmocka_unit_test(test_non_ascii_folder),
		cmocka_unit_test(test_append_fetch_store),
		cmocka_unit_test(test_move_uid_move),
		cmocka_unit_test(test_move_copy_expunge_fallback),
		cmocka_unit_test(test_expunge_only_given),
		cmocka_unit_test(test_search_text),
		cmocka_unit_test(test_missing_folder),
	};
	return FIXTURE_RUN(tests);
}
