/* IMAP session tests against the real Dovecot of the test mail system: login
 * paths, folders, append/fetch/store/move/expunge/search, a 10 000-message
 * header fetch with bounded memory, and cancellation from another thread. */
#include <pthread.h>
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

#include "net/conn.h"
#include "net/imap_session.h"
#include "net/metrics.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define ALICE "alice@example.org"
#define BIG_FOLDER "Big10k"
#define BIG_COUNT 10000

static struct metrics_sink *sink;
static char token[64];   /* unique per run, so reruns on one server don't collide */

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static struct conn_params params(enum tls_mode tls)
{
	struct conn_params p;

	memset(&p, 0, sizeof p);
	p.host = env("MAILSYS_HOST");
	p.port = (uint16_t)atoi(env(tls == TLS_MODE_IMPLICIT ? "MAILSYS_IMAPS_PORT"
							      : "MAILSYS_IMAP_PORT"));
	p.tls = tls;
	p.ca_file = env("MAILSYS_CA");
	p.connect_timeout_ms = 5000;
	p.io_timeout_ms = 20000;
	p.account = "alice";
	p.metrics = sink;
	return p;
}

static struct imap_session *open_as(enum tls_mode tls, const char *user, const char *pass,
				    enum auth_mech mech, struct err *e)
{
	struct conn_params p = params(tls);
	struct net_auth a = { mech, user, pass };

	return imap_session_open(&p, &a, e);
}

static struct imap_session *alice(void)
{
	struct err e;
	struct imap_session *s = open_as(TLS_MODE_IMPLICIT, ALICE, "alice-pw", AUTH_MECH_AUTO, &e);

	if (!s)
		fail_msg("login failed: %s", e.msg);
	return s;
}

/* The last metric record's op name and result. */
static void assert_last_op(const char *op, int ok)
{
	struct metric_record r;

	assert_int_equal(metrics_sink_last(sink, &r), 0);
	assert_string_equal(r.op, op);
	assert_int_equal(r.ok, ok);
}

static int saw_op(const char *op)
{
	struct metric_record r[256];
	size_t n = metrics_sink_recent(sink, r, 256);

	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].op, op) == 0)
			return 1;
	return 0;
}

static void test_login_imaps(void **state)
{
	(void)state;
	struct imap_session *s = alice();
	assert_true(conn_is_tls(imap_session_conn(s)));
	assert_true(imap_session_has_cap(s, "IMAP4rev1"));
	assert_true(imap_session_has_cap(s, "UIDPLUS"));
	assert_true(saw_op("imap_greeting"));
	assert_last_op("imap_login", 1);
	imap_session_close(s);
	assert_last_op("imap_logout", 1);
}

static void test_login_starttls(void **state)
{
	struct err e;
	(void)state;
	struct imap_session *s = open_as(TLS_MODE_STARTTLS, ALICE, "alice-pw", AUTH_MECH_LOGIN, &e);
	if (!s)
		fail_msg("STARTTLS login failed: %s", e.msg);
	assert_true(conn_is_tls(imap_session_conn(s)));
	/* The pre-TLS list advertised STARTTLS and LOGINDISABLED; these must
	 * be the post-TLS (post-login) capabilities. */
	assert_false(imap_session_has_cap(s, "STARTTLS"));
	assert_false(imap_session_has_cap(s, "LOGINDISABLED"));
	assert_true(saw_op("imap_starttls"));
	imap_session_close(s);

	s = open_as(TLS_MODE_STARTTLS, ALICE, "alice-pw", AUTH_MECH_PLAIN, &e);
	if (!s)
		fail_msg("STARTTLS AUTHENTICATE PLAIN failed: %s", e.msg);
	imap_session_close(s);
}

static void test_plaintext_refused(void **state)
{
	struct err e;
	(void)state;
	/* The caller allows cleartext, but the server says LOGINDISABLED. */
	struct imap_session *s = open_as(TLS_MODE_NONE, ALICE, "alice-pw", AUTH_MECH_AUTO, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
	assert_non_null(strstr(e.msg, "LOGINDISABLED"));
}

static void test_wrong_password(void **state)
{
	struct err e;
	(void)state;
	struct imap_session *s = open_as(TLS_MODE_IMPLICIT, ALICE, "not-the-pw", AUTH_MECH_AUTO, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
	/* Dovecot's own words are quoted. */
	assert_non_null(strstr(e.msg, "Authentication failed"));
	assert_last_op("imap_login", 0);

	s = open_as(TLS_MODE_IMPLICIT, ALICE, "not-the-pw", AUTH_MECH_LOGIN, &e);
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
	struct imap_session *s = alice();

	assert_int_equal(imap_list_folders(s, &f, &n, &e), 0);
	assert_last_op("imap_list", 1);
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
	snprintf(name, sizeof name, "Größe & ✓ 日本 \xF0\x9F\x93\xA6 %s", token);
	snprintf(cmd, sizeof cmd, "%s mailbox create -u %s '%s'", env("MAILSYS_DOVEADM"), ALICE,
		 name);
	assert_int_equal(system(cmd), 0);

	struct imap_session *s = alice();
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
	struct imap_session *s = alice();
	char *msg = mixed_message(token, &len);

	assert_int_equal(imap_append(s, "INBOX", MSG_SEEN | MSG_FLAGGED, msg, len, &uid, &e), 0);
	assert_last_op("imap_append", 1);
	assert_true(uid > 0);
	char *plain = plain_message(token, &len2);
	assert_int_equal(imap_append(s, "INBOX", 0, plain, len2, &uid2, &e), 0);
	assert_true(uid2 > uid);

	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	assert_last_op("imap_select", 1);
	assert_true(info.exists >= 2);
	assert_true(info.uidvalidity > 0);
	assert_true(info.uidnext > uid2);
	assert_false(info.readonly);
	assert_true(info.highestmodseq > 0);   /* Dovecot has CONDSTORE */

	summary_of(s, uid, &c);
	assert_last_op("imap_fetch_headers", 1);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.m.uid, uid);
	char want[128];
	snprintf(want, sizeof want, "=?UTF-8?B?R3LDvMOfZQ==?= %s", token);
	assert_string_equal(c.subject, want);
	assert_string_equal(c.from_name, "=?UTF-8?Q?J=C3=BCrgen?=");
	assert_string_equal(c.from_addr, "juergen@example.org");
	assert_string_equal(c.to, "Alice <alice@example.org>, \"Doe, Bob\" <bob@example.org>");
	assert_string_equal(c.cc, "carol@example.org");
	snprintf(want, sizeof want, "<%s@example.org>", token);
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
	assert_last_op("imap_fetch_body", 1);
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
	assert_last_op("imap_store", 1);
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
	struct imap_session *s = alice();

	if (fallback)
		imap_session_disable_cap(s, "MOVE");
	assert_int_equal(imap_session_has_cap(s, "MOVE"), !fallback);
	snprintf(tag, sizeof tag, "move%d-%s", fallback, token);
	append_tagged(s, "INBOX", tag, &uid);
	uint32_t keep;
	char keep_tag[100];
	snprintf(keep_tag, sizeof keep_tag, "stay%d-%s", fallback, token);
	append_tagged(s, "INBOX", keep_tag, &keep);

	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	if (imap_move(s, &uid, 1, "Trash", &e) < 0)
		fail_msg("move: %s", e.msg);
	assert_last_op("imap_move", 1);
	assert_int_equal(search_tag(s, "HEADER Subject", tag, &found), 0);
	free(found);
	assert_int_equal(search_tag(s, "HEADER Subject", keep_tag, &found), 1);
	assert_int_equal(found[0], keep);
	free(found);

	assert_int_equal(imap_select(s, "Trash", 0, &info, &e), 0);
	assert_int_equal(search_tag(s, "HEADER Subject", tag, &found), 1);
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
	struct imap_session *s = alice();

	for (int i = 0; i < 3; i++) {
		snprintf(tag[i], sizeof tag[i], "exp%d-%s", i, token);
		append_tagged(s, "INBOX", tag[i], &uid[i]);
	}
	assert_int_equal(imap_select(s, "INBOX", 0, &info, &e), 0);
	/* All three are \Deleted, but only the middle one may go. */
	assert_int_equal(imap_store_flags(s, uid, 3, 1, MSG_DELETED, &e), 0);
	assert_int_equal(imap_expunge_uids(s, &uid[1], 1, &e), 0);
	assert_last_op("imap_expunge", 1);
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
	struct imap_session *s = alice();
	snprintf(tag, sizeof tag, "search-%s", token);
	char *msg = mixed_message(tag, &len);

	assert_int_equal(imap_append(s, "INBOX", 0, msg, len, &uid, &e), 0);
	assert_int_equal(imap_select(s, "INBOX", 1, &info, &e), 0);
	snprintf(needle, sizeof needle, "haystack%s", tag);
	assert_int_equal(search_tag(s, "TEXT", needle, &found), 1);
	assert_last_op("imap_search", 1);
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
	struct imap_session *s = alice();

	assert_int_equal(imap_select(s, "Nope-missing", 0, &info, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_string_equal(e.msg, "no folder named Nope-missing");
	assert_last_op("imap_select", 0);
	assert_int_equal(imap_folder_status(s, "Nope-missing", &st, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	/* The session survives a NO. */
	assert_int_equal(imap_folder_status(s, "INBOX", &st, &e), 0);
	assert_true(st.uidvalidity > 0 && st.uidnext > 0);
	assert_true(st.highestmodseq > 0);
	imap_session_close(s);
}

/* Memory figures of this process in kB from /proc/self/status. */
static long proc_kb(const char *field)
{
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

static int memory_checked(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#else
	const char *pre = getenv("LD_PRELOAD");
	return pre && strstr(pre, "vgpreload");
#endif
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The big folder exists with BIG_COUNT messages, filled once per mail system. */
static int ensure_big_folder(void)
{
	struct err e;
	struct imap_status st;
	char cmd[1024];
	const char *top = env("SKUA_TOP_SRCDIR");
	struct imap_session *s = alice();
	int have = imap_folder_status(s, BIG_FOLDER, &st, &e) == 0 && st.messages >= BIG_COUNT;

	imap_session_close(s);
	if (have)
		return 1;
	snprintf(cmd, sizeof cmd, "%s/contrib/fill-folder.py", top ? top : ".");
	if (access(cmd, R_OK) != 0)
		return 0;
	snprintf(cmd, sizeof cmd,
		 "python3 %s/contrib/fill-folder.py --env %s/env --user %s --folder %s --count %d "
		 ">/dev/null",
		 top ? top : ".", env("MAILSYS_DIR"), ALICE, BIG_FOLDER, BIG_COUNT);
	return system(cmd) == 0;
}

struct big_ctx {
	uint8_t *seen;
	size_t n, dups, max_uid, progress_calls, last_done, last_total;
	size_t stop_after;
};

static int big_one(const struct imap_summary *m, void *ctx)
{
	struct big_ctx *c = ctx;

	if (m->uid < c->max_uid && c->seen[m->uid])
		c->dups++;
	if (m->uid < c->max_uid)
		c->seen[m->uid] = 1;
	c->n++;
	assert_non_null(m->subject);
	return c->stop_after && c->n >= c->stop_after;
}

static void big_progress(size_t done, size_t total, void *ctx)
{
	struct big_ctx *c = ctx;

	c->progress_calls++;
	c->last_done = done;
	c->last_total = total;
}

static void test_big_fetch(void **state)
{
	struct err e;
	struct imap_select_info info;
	struct big_ctx c;
	(void)state;

	if (!ensure_big_folder())
		skip();
	struct imap_session *s = alice();
	assert_int_equal(imap_select(s, BIG_FOLDER, 1, &info, &e), 0);
	assert_true(info.exists >= BIG_COUNT);

	memset(&c, 0, sizeof c);
	c.max_uid = info.uidnext + 1;
	c.seen = xcalloc(c.max_uid, 1);
	long rss0 = proc_kb("VmRSS"), hwm0 = proc_kb("VmHWM");
	double t0 = now_ms();
	if (imap_fetch_summaries(s, 1, 0, big_one, big_progress, &c, &e) < 0)
		fail_msg("big fetch: %s", e.msg);
	double t1 = now_ms();
	long rss1 = proc_kb("VmRSS"), hwm1 = proc_kb("VmHWM");
	printf("# 10k header fetch: %zu messages in %.0f ms; RSS %ld -> %ld kB, peak %ld -> %ld kB\n",
	       c.n, t1 - t0, rss0, rss1, hwm0, hwm1);
	assert_int_equal(c.n, info.exists);
	assert_int_equal(c.dups, 0);
	assert_int_equal(c.last_done, c.n);
	assert_int_equal(c.last_total, c.n);
	/* Streaming in chunks: the response of one chunk (~0.6 MB) plus the
	 * libraries' working set, never the folder (~75 MB as a result list).
	 * Memory checkers keep freed blocks, so their figures mean nothing. */
	if (!memory_checked()) {
		assert_true(hwm1 - hwm0 < 16 * 1024);
		assert_true(rss1 - rss0 < 16 * 1024);
	}

	/* A UID range, sparse at its end (UIDs past the last message). */
	memset(c.seen, 0, c.max_uid);
	c.n = 0;
	assert_int_equal(imap_fetch_summaries(s, 5001, info.uidnext + 50000, big_one, NULL, &c, &e),
			 0);
	assert_int_equal(c.dups, 0);
	size_t want = 0;
	for (size_t u = 5001; u < info.uidnext; u++)
		want += c.seen[u];
	assert_int_equal(c.n, want);
	assert_true(c.n >= info.exists - 5000 - 10);

	/* Stopping early after 10 messages; the session stays usable. */
	memset(c.seen, 0, c.max_uid);
	c.n = 0;
	c.stop_after = 10;
	assert_int_equal(imap_fetch_summaries(s, 1, 0, big_one, NULL, &c, &e), 0);
	assert_int_equal(c.n, 10);
	assert_int_equal(imap_select(s, "INBOX", 1, &info, &e), 0);

	free(c.seen);
	imap_session_close(s);
}

struct body_progress {
	size_t calls, done, total;
};

static void body_progress_cb(size_t done, size_t total, void *ctx)
{
	struct body_progress *p = ctx;

	p->calls++;
	p->done = done;
	p->total = total;
}

static void test_big_message(void **state)
{
	struct err e;
	struct imap_select_info info;
	struct strbuf msg = STRBUF_INIT, body = STRBUF_INIT;
	struct body_progress prog = { 0, 0, 0 };
	uint32_t uid;
	(void)state;
	struct imap_session *s = alice();

	strbuf_printf(&msg, "From: bob@example.org\r\nSubject: big %s\r\n\r\n", token);
	while (msg.len < 8 * 1024 * 1024)
		strbuf_printf(&msg, "line %zu of a big message, with some padding text.\r\n", msg.len);
	assert_int_equal(imap_append(s, "INBOX", 0, msg.s, msg.len, &uid, &e), 0);
	assert_int_equal(imap_select(s, "INBOX", 1, &info, &e), 0);
	/* Touch the destination first, so the figure shows only other copies. */
	strbuf_grow(&body, msg.len);
	memset(body.s, 0, body.cap);
	long hwm0 = proc_kb("VmHWM");
	double t0 = now_ms();
	assert_int_equal(imap_fetch_message(s, uid, &body, body_progress_cb, &prog, &e), 0);
	double t1 = now_ms();
	long hwm1 = proc_kb("VmHWM");
	printf("# %zu-byte message fetched in %.0f ms, %zu progress calls, peak +%ld kB\n",
	       body.len, t1 - t0, prog.calls, hwm1 - hwm0);
	assert_int_equal(body.len, msg.len);
	assert_memory_equal(body.s, msg.s, msg.len);
	assert_true(prog.calls > 10);
	assert_int_equal(prog.total, msg.len);
	/* The body goes straight into the caller's buffer: libetpan keeps no
	 * second copy of it. */
	if (!memory_checked())
		assert_true(hwm1 - hwm0 < 4 * 1024);
	strbuf_free(&msg);
	strbuf_free(&body);
	imap_session_close(s);
}

struct cancel_ctx {
	struct imap_session *s;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n;
	int go;
};

static int cancel_one(const struct imap_summary *m, void *ctx)
{
	struct cancel_ctx *c = ctx;
	(void)m;

	pthread_mutex_lock(&c->lock);
	if (++c->n == 1500) {
		c->go = 1;
		pthread_cond_signal(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void *canceller(void *arg)
{
	struct cancel_ctx *c = arg;

	pthread_mutex_lock(&c->lock);
	while (!c->go)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	conn_cancel(imap_session_conn(c->s));
	return NULL;
}

static void test_cancel_big_fetch(void **state)
{
	struct err e;
	struct imap_select_info info;
	struct cancel_ctx c;
	pthread_t th;
	(void)state;

	if (!ensure_big_folder())
		skip();
	memset(&c, 0, sizeof c);
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.cond, NULL);
	c.s = alice();
	assert_int_equal(imap_select(c.s, BIG_FOLDER, 1, &info, &e), 0);
	assert_int_equal(pthread_create(&th, NULL, canceller, &c), 0);
	int rc = imap_fetch_summaries(c.s, 1, 0, cancel_one, NULL, &c, &e);
	pthread_join(th, NULL);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, ERR_CANCELLED);
	assert_true(c.n >= 1500 && c.n < info.exists);
	assert_last_op("imap_fetch_headers", 0);

	/* The session is broken: commands fail at once, close does not wait. */
	assert_int_equal(imap_select(c.s, "INBOX", 1, &info, &e), -1);
	assert_int_equal(e.code, ERR_NETWORK);
	double t0 = now_ms();
	imap_session_close(c.s);
	assert_true(now_ms() - t0 < 500);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.cond);
}

int main(void)
{
	struct err e;
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
		cmocka_unit_test(test_big_fetch),
		cmocka_unit_test(test_cancel_big_fetch),
		cmocka_unit_test(test_big_message),
	};

	if (!env("MAILSYS_IMAPS_PORT") || !env("MAILSYS_IMAP_PORT") || !env("MAILSYS_HOST")) {
		fprintf(stderr, "MAILSYS_* not set: no mail system to test against\n");
		return 77;
	}
	snprintf(token, sizeof token, "t%ld-%d", (long)time(NULL), (int)getpid());
	sink = metrics_sink_new(NULL, 256, &e);
	if (!sink) {
		fprintf(stderr, "metrics sink: %s\n", e.msg);
		return 1;
	}
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	metrics_sink_free(sink);
	return rc;
}
