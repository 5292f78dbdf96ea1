/* The account worker against the test mail system: connect with folder
 * counts, open a folder streamed in batches with progress, fetch a message,
 * change flags, move to another folder and to Trash, refuse a missing UID,
 * copy, search the server (body text, UTF-8, a text that tries to smuggle
 * in search keys), cancel a running load and go on with a new connection,
 * log out, test a login as the first-run screen does; a warm open, and a
 * warm open cut short after its resync then run again, as the worker
 * retries it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/folder_sync.h"
#include "app/worker.h"
#include "util/xalloc.h"

#define USER "bob@example.org"
#define COUNT 3000

static char folder[64], other[64];
static char cfg_path[256];
static struct app app;
static struct worker *w;

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v ? v : NULL;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static char cache_dir[200];

static int setup(void **state)
{
	struct err e;
	FILE *f;
	(void)state;

	/* The cache of test_warm_open stays out of the user's own. */
	snprintf(cache_dir, sizeof cache_dir, "%s/skua-worker-cache-%d",
		 env("TMPDIR") ? env("TMPDIR") : "/tmp", (int)getpid());
	setenv("XDG_CACHE_HOME", cache_dir, 1);

	snprintf(folder, sizeof folder, "worker-%d", (int)getpid());
	snprintf(other, sizeof other, "worker-%d-other", (int)getpid());
	if (run("python3 '%s/contrib/fill-folder.py' --env '%s/env' --user " USER
		" --folder '%s' --count %d --seed 7 >/dev/null",
		env("SKUA_TOP_SRCDIR"), env("SKUA_MAILSYS_DIR"), folder, COUNT) != 0 ||
	    run("%s mailbox create -u " USER " '%s'", env("MAILSYS_DOVEADM"), other) != 0) {
		fprintf(stderr, "cannot fill the test folders\n");
		return -1;
	}
	snprintf(cfg_path, sizeof cfg_path, "%s/skua-worker-test-%d.conf",
		 env("TMPDIR") ? env("TMPDIR") : "/tmp", (int)getpid());
	f = fopen(cfg_path, "w");
	if (f == NULL)
		return -1;
	/* These tests are about the stream from the server: no cache here;
	 * test_warm_open has a worker of its own with one. */
	fprintf(f, "[general]\nmetrics_log = no\ncache = no\n[account bob]\naddress = " USER "\n"
		   "imap_host = %s\nimap_port = %s\nimap_tls = implicit\n"
		   "smtp_host = %s\nsmtp_port = %s\nsmtp_tls = implicit\n"
		   "password = %s\nca_file = %s\ntimeout = 20\n",
		env("MAILSYS_HOST"), env("MAILSYS_IMAPS_PORT"), env("MAILSYS_HOST"),
		env("MAILSYS_SMTPS_PORT"), env("MAILSYS_PASS_bob"), env("MAILSYS_CA"));
	fclose(f);
	chmod(cfg_path, 0600);
	if (app_open(&app, cfg_path, NULL, &e) != 0 || app_fetch_secret(&app, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	w = worker_new_account(&app, &e);
	return w != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	worker_free(w);
	app_close(&app);
	unlink(cfg_path);
	run("rm -rf '%s'", cache_dir);
	run("%s mailbox delete -u " USER " '%s' '%s' >/dev/null 2>&1", env("MAILSYS_DOVEADM"),
	    folder, other);
	return 0;
}

static struct worker_reply *next_reply(void)
{
	for (int i = 0; i < 3000; i++) {
		struct worker_reply *r = worker_take(w);
		struct pollfd p = { .fd = worker_fd(w), .events = POLLIN };
		if (r != NULL)
			return r;
		poll(&p, 1, 10);
	}
	fail_msg("no reply from the worker within 30 s");
	return NULL;
}

/* Takes the replies of request id up to its final one; returns that one
 * (the caller frees it) and counts the others. */
struct seen {
	size_t progress, batches, summaries, folders, statuses;
	uint32_t last_uid;
	unsigned last_flags;
	int found_uid;         /* flags of want_uid, -1 if not seen */
	uint32_t want_uid;
	size_t folder_index;   /* of `folder` in the FOLDERS reply */
	uint32_t folder_messages;
	int inbox_first, trash_flagged;
};

static struct worker_reply *collect(uint64_t id, struct seen *s)
{
	struct worker_reply *r;
	size_t my_index = (size_t)-1;

	memset(s, 0, sizeof *s - 0);
	s->found_uid = -1;
	for (;;) {
		r = next_reply();
		assert_int_equal(r->id, id);
		switch (r->kind) {
		case WORKER_PROGRESS:
			assert_true(r->done <= r->total);
			s->progress++;
			break;
		case WORKER_SUMMARIES:
			assert_true(r->batch->n <= WORKER_BATCH);
			s->batches++;
			s->summaries += r->batch->n;
			for (size_t i = 0; i < r->batch->n; i++) {
				s->last_uid = r->batch->items[i].uid;
				s->last_flags = r->batch->items[i].flags;
			}
			break;
		case WORKER_FOLDERS:
			s->folders = r->nfolders;
			s->inbox_first = r->nfolders > 0 && (r->folders[0].flags & IMAP_FOLDER_INBOX);
			for (size_t i = 0; i < r->nfolders; i++) {
				if (strcmp(r->folders[i].name, folder) == 0)
					my_index = i;
				if (strcmp(r->folders[i].name, "Trash") == 0)
					s->trash_flagged = (r->folders[i].flags & IMAP_FOLDER_TRASH) != 0;
			}
			break;
		case WORKER_FOLDER_STATUS:
			s->statuses++;
			if (r->index == my_index) {
				assert_true(r->status_ok);
				s->folder_messages = r->messages;
			}
			break;
		default:
			return r;
		}
		worker_reply_free(r);
	}
}

static uint64_t post(enum worker_req_kind kind, const char *f, const uint32_t *uids, size_t n)
{
	return worker_post(w, worker_req_new(kind, f, uids, n));
}

static void test_connect_lists_folders_with_counts(void **state)
{
	struct seen s;
	struct worker_reply *r;
	(void)state;

	r = collect(post(WORKER_REQ_CONNECT, NULL, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_true(s.folders >= 6);
	assert_true(s.inbox_first);
	assert_true(s.trash_flagged);
	assert_int_equal(s.statuses, s.folders);
	assert_int_equal(s.folder_messages, COUNT);
}

static void test_open_streams_batches(void **state)
{
	struct seen s;
	struct worker_reply *r;
	(void)state;

	r = collect(post(WORKER_REQ_OPEN, folder, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_int_equal(s.summaries, COUNT);
	assert_int_equal(s.batches, (COUNT + WORKER_BATCH - 1) / WORKER_BATCH);
	assert_true(s.progress >= 1);
	assert_int_equal(s.last_uid, COUNT);
}

static void test_fetch_flags_move(void **state)
{
	struct seen s;
	struct worker_reply *r;
	uint32_t uid = 5, two[2] = { 6, 7 }, missing = 999999;
	(void)state;

	r = collect(post(WORKER_REQ_FETCH, folder, &uid, 1), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_non_null(r->message);
	assert_true(r->message->subject[0] != '\0');
	assert_true(r->message->body != NULL);
	worker_reply_free(r);

	uint64_t id = post(WORKER_REQ_FLAGS, folder, &uid, 1);
	r = collect(id, &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);

	r = collect(post(WORKER_REQ_FETCH, folder, &missing, 1), &s);
	assert_int_equal(r->kind, WORKER_ERROR);
	assert_int_equal(r->err.code, ERR_NOTFOUND);
	assert_null(r->message);
	worker_reply_free(r);

	struct worker_req *req = worker_req_new(WORKER_REQ_MOVE, folder, two, 2);
	req->dest = xstrdup(other);
	r = collect(worker_post(w, req), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_string_equal(r->dest, other);
	worker_reply_free(r);

	r = collect(post(WORKER_REQ_MOVE, folder, &uid, 1), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_string_equal(r->dest, "Trash");
	worker_reply_free(r);

	r = collect(post(WORKER_REQ_OPEN, other, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_int_equal(s.summaries, 2);
	r = collect(post(WORKER_REQ_OPEN, folder, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_int_equal(s.summaries, COUNT - 3);
}

static struct worker_reply *search(const char *f, const char *text, struct seen *s)
{
	struct worker_req *req = worker_req_new(WORKER_REQ_SEARCH, f, NULL, 0);

	req->text = xstrdup(text);
	return collect(worker_post(w, req), s);
}

/* Runs after test_fetch_flags_move, which left two messages in other. */
static void test_copy_and_search(void **state)
{
	struct seen s;
	struct worker_reply *r;
	uint32_t uid = 8;
	struct worker_req *req = worker_req_new(WORKER_REQ_COPY, folder, &uid, 1);
	(void)state;

	req->dest = xstrdup(other);
	r = collect(worker_post(w, req), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_string_equal(r->dest, other);
	worker_reply_free(r);
	r = collect(post(WORKER_REQ_OPEN, other, NULL, 0), &s);
	worker_reply_free(r);
	assert_int_equal(s.summaries, 3);
	r = collect(post(WORKER_REQ_OPEN, folder, NULL, 0), &s);
	worker_reply_free(r);
	assert_int_equal(s.summaries, COUNT - 3);

	/* A word only in a body, in UTF-8, as UID 4 of other. */
	assert_int_equal(run("printf 'From: a@example.org\nSubject: plain\nContent-Type: text/plain; "
			     "charset=UTF-8\n\nthe zebrafinch sends Gr\303\274\303\237e\n' | "
			     "%s save -u " USER " -m '%s'", env("MAILSYS_DOVEADM"), other), 0);
	r = search(other, "Zebrafinch", &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_int_equal(r->nuids, 1);
	assert_int_equal(r->uids[0], 4);
	worker_reply_free(r);
	r = search(other, "Grüße", &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_int_equal(r->nuids, 1);
	assert_int_equal(r->uids[0], 4);
	worker_reply_free(r);
	/* Unescaped this would be TEXT "" OR ALL TEXT "": every message. */
	r = search(other, "\" OR ALL TEXT \"", &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_int_equal(r->nuids, 0);
	worker_reply_free(r);
	r = search(other, "a\\\"b", &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_int_equal(r->nuids, 0);
	worker_reply_free(r);
	r = search(other, "x\r\nA1 DELETE INBOX", &s);
	assert_int_equal(r->kind, WORKER_ERROR);
	assert_int_equal(r->err.code, ERR_USAGE);
	worker_reply_free(r);
	/* The session is still good for the next request. */
	r = search(other, "zebrafinch", &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_int_equal(r->nuids, 1);
	worker_reply_free(r);
}

static void test_flags_reach_the_server(void **state)
{
	struct worker_reply *r;
	struct seen s;
	uint32_t uid = COUNT;
	struct worker_req *req = worker_req_new(WORKER_REQ_FLAGS, folder, &uid, 1);
	(void)state;

	req->add = 1;
	req->flags = MSG_FLAGGED | MSG_SEEN;
	r = collect(worker_post(w, req), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	r = collect(post(WORKER_REQ_OPEN, folder, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_int_equal(s.last_uid, COUNT);
	assert_true(s.last_flags & MSG_FLAGGED);
	assert_true(s.last_flags & MSG_SEEN);
	req = worker_req_new(WORKER_REQ_FLAGS, folder, &uid, 1);
	req->add = 0;
	req->flags = MSG_FLAGGED;
	r = collect(worker_post(w, req), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	r = collect(post(WORKER_REQ_OPEN, folder, NULL, 0), &s);
	worker_reply_free(r);
	assert_false(s.last_flags & MSG_FLAGGED);
}

static void test_cancel_a_running_load(void **state)
{
	struct worker_reply *r;
	uint64_t open, next;
	size_t summaries = 0;
	int cancelled = 0;
	uint32_t uid = 10;
	(void)state;

	open = post(WORKER_REQ_OPEN, folder, NULL, 0);
	next = post(WORKER_REQ_FETCH, folder, &uid, 1);
	/* Cancel as soon as the first batch arrives: most of the load is still
	 * on the wire. */
	for (;;) {
		r = next_reply();
		assert_int_equal(r->id, open);
		if (r->kind == WORKER_SUMMARIES) {
			summaries += r->batch->n;
			if (!cancelled)
				worker_cancel(w, open);
			cancelled = 1;
		} else if (r->kind != WORKER_PROGRESS) {
			break;
		}
		worker_reply_free(r);
	}
	assert_int_equal(r->kind, WORKER_CANCELLED);
	assert_int_equal(r->err.code, ERR_CANCELLED);
	worker_reply_free(r);
	assert_true(summaries < COUNT);
	/* The next request gets a fresh connection and works. */
	struct seen s;
	r = collect(next, &s);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_non_null(r->message);
	worker_reply_free(r);
}

static void test_logout_then_reconnect(void **state)
{
	struct worker_reply *r;
	struct seen s;
	(void)state;

	r = collect(post(WORKER_REQ_LOGOUT, NULL, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	r = collect(post(WORKER_REQ_OPEN, other, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	/* Two moved, one copied, one saved by test_copy_and_search. */
	assert_int_equal(s.summaries, 4);
}

/* The first-run screen's test: a good password logs in to both servers; a
 * wrong one comes back as the server's refusal (ERR_AUTH), not as a
 * network error. */
static void test_check(void **state)
{
	struct worker_reply *r;
	struct seen s;
	struct app bad;
	struct worker *good = w;
	struct err e = { ERR_NONE, "" };
	(void)state;

	r = collect(post(WORKER_REQ_CHECK, NULL, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);

	assert_int_equal(app_open(&bad, cfg_path, NULL, &e), 0);
	bad.secret = xstrdup("not the password");
	w = worker_new_account(&bad, &e);
	assert_non_null(w);
	r = collect(post(WORKER_REQ_CHECK, NULL, NULL, 0), &s);
	assert_int_equal(r->kind, WORKER_ERROR);
	assert_int_equal(r->err.code, ERR_AUTH);
	worker_reply_free(r);
	worker_free(w);
	w = good;
	app_close(&bad);
}

/* Replies of a warm open, in the order they came. */
struct warm {
	size_t cached, fresh;        /* summaries before and after the first change */
	size_t big_batches;          /* batches larger than a network batch */
	int changes_seen, vanished_ok, flagged_ok, notice;
	uint32_t first_uid, last_uid;
};

static struct worker_reply *collect_warm(struct worker *ww, uint64_t id, struct warm *s,
					 uint32_t gone, uint32_t flagged)
{
	for (;;) {
		struct worker_reply *r = NULL;
		for (int i = 0; i < 3000 && r == NULL; i++) {
			struct pollfd p = { .fd = worker_fd(ww), .events = POLLIN };
			if ((r = worker_take(ww)) == NULL)
				poll(&p, 1, 10);
		}
		assert_non_null(r);
		assert_int_equal(r->id, id);
		switch (r->kind) {
		case WORKER_SUMMARIES:
			if (r->batch->n > WORKER_BATCH)
				s->big_batches++;
			for (size_t i = 0; i < r->batch->n; i++) {
				if (s->first_uid == 0)
					s->first_uid = r->batch->items[i].uid;
				s->last_uid = r->batch->items[i].uid;
			}
			if (s->changes_seen)
				s->fresh += r->batch->n;
			else
				s->cached += r->batch->n;
			break;
		case WORKER_VANISHED:
			s->changes_seen = 1;
			for (size_t i = 0; i < r->nuids; i++)
				s->vanished_ok |= r->uids[i] == gone;
			break;
		case WORKER_FLAGS_CHANGED:
			s->changes_seen = 1;
			for (size_t i = 0; i < r->nuids; i++)
				s->flagged_ok |= r->uids[i] == flagged && (r->uid_flags[i] & MSG_FLAGGED);
			break;
		case WORKER_NOTICE:
			s->notice = 1;
			break;
		case WORKER_PROGRESS:
		case WORKER_RESET:
			break;
		default:
			return r;
		}
		worker_reply_free(r);
	}
}

/* A second open draws from the cache at once, then gets the changes another
 * client made meanwhile and the new message; a third finds nothing to do. */
static void test_warm_open(void **state)
{
	struct app a2;
	struct worker *w2;
	struct worker_reply *r;
	struct warm cold = { 0 }, warm = { 0 }, again = { 0 };
	struct err e = { 0 };
	char path[600];
	FILE *f, *in;
	(void)state;

	snprintf(path, sizeof path, "%s.cached", cfg_path);
	in = fopen(cfg_path, "r");
	f = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(f);
	char text[4096];
	size_t len = fread(text, 1, sizeof text - 1, in);
	text[len] = '\0';
	char *off = strstr(text, "cache = no");
	assert_non_null(off);
	memcpy(off, "cache = on", 10);
	fputs(text, f);
	fclose(in);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(app_open(&a2, path, NULL, &e), 0);
	assert_int_equal(a2.config.cache, 1);
	assert_int_equal(app_fetch_secret(&a2, &e), 0);
	w2 = worker_new_account(&a2, &e);
	assert_non_null(w2);

	r = collect_warm(w2, worker_post(w2, worker_req_new(WORKER_REQ_OPEN, folder, NULL, 0)),
			 &cold, 0, 0);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_true(cold.cached > 10);
	assert_int_equal(cold.big_batches, 0);   /* nothing cached yet: all from the server */

	assert_int_equal(run("%s expunge -u " USER " mailbox '%s' uid %u", env("MAILSYS_DOVEADM"),
			     folder, (unsigned)cold.first_uid), 0);
	assert_int_equal(run("%s flags add -u " USER " '\\Flagged' mailbox '%s' uid %u",
			     env("MAILSYS_DOVEADM"), folder, (unsigned)cold.last_uid), 0);
	assert_int_equal(run("printf 'Subject: warm\\r\\n\\r\\nx\\r\\n' | %s save -u " USER
			     " -m '%s'", env("MAILSYS_DOVEADM"), folder), 0);

	r = collect_warm(w2, worker_post(w2, worker_req_new(WORKER_REQ_OPEN, folder, NULL, 0)),
			 &warm, cold.first_uid, cold.last_uid);
	if (r->kind != WORKER_DONE)
		fail_msg("the warm open failed: %s", r->err.msg);
	worker_reply_free(r);
	assert_int_equal(warm.cached, cold.cached);      /* the whole cached index first */
	assert_true(warm.big_batches >= 1);
	assert_true(warm.vanished_ok);
	assert_true(warm.flagged_ok);
	assert_int_equal(warm.fresh, 1);                  /* only the new message */
	assert_true(warm.last_uid > cold.last_uid);

	r = collect_warm(w2, worker_post(w2, worker_req_new(WORKER_REQ_OPEN, folder, NULL, 0)),
			 &again, 0, 0);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	assert_int_equal(again.cached, cold.cached);     /* one gone, one new */
	assert_int_equal(again.fresh, 0);
	assert_int_equal(again.changes_seen, 0);
	assert_int_equal(again.notice, 0);

	worker_free(w2);
	app_close(&a2);
	unlink(path);
}

/* A sync whose connection is cut once the resync reported a change. */
struct cut {
	struct imap_session *s;
	int flags_seen;
};

static int cut_summary(const struct app_summary *m, void *ctx)
{
	(void)m;
	(void)ctx;
	return 0;
}

static void cut_vanished(uint32_t uid, void *ctx)
{
	(void)uid;
	(void)ctx;
}

static void cut_flags(uint32_t uid, unsigned flags, void *ctx)
{
	struct cut *c = ctx;

	(void)uid;
	(void)flags;
	c->flags_seen++;
	if (c->s != NULL)
		conn_cancel(imap_session_conn(c->s));
}

static const struct app_sync_ops cut_ops = {
	.summary = cut_summary,
	.vanished = cut_vanished,
	.flags = cut_flags,
};

static int find_flagged(const struct store_msg *m, void *ctx)
{
	int *flagged = ctx;

	if (m->uid == 2)
		*flagged = (m->flags & MSG_FLAGGED) != 0;
	return 0;
}

/* The worker runs an OPEN again on a new connection when the first one
 * dies: the second run writes the flag change the first one had found. */
static void test_sync_retry_keeps_flag_changes(void **state)
{
	char box[80], dbpath[300], *note = NULL;
	struct err e = { 0 };
	struct store *st;
	struct app_sync *y;
	struct cut c = { 0 };
	int flagged = -1;
	(void)state;

	snprintf(box, sizeof box, "worker-%d-retry", (int)getpid());
	snprintf(dbpath, sizeof dbpath, "%s/retry.db", cache_dir);
	assert_int_equal(run("%s mailbox create -u " USER " '%s'", env("MAILSYS_DOVEADM"), box), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(run("printf 'Subject: retry %d\\r\\n\\r\\nx\\r\\n' | %s save -u " USER
				     " -m '%s'", i, env("MAILSYS_DOVEADM"), box), 0);
	st = store_open(dbpath, &note, &e);
	assert_non_null(st);
	free(note);

	/* The first open fills the cache. */
	y = app_sync_new(st, box, IMAP_RESYNC_AUTO);
	app_sync_load(y, &cut_ops, &c);
	c.s = app_imap_connect(&app, &e);
	assert_non_null(c.s);
	struct imap_session *first = c.s;
	c.s = NULL;
	assert_int_equal(app_sync_run(y, first, &cut_ops, &c, &e), 0);
	imap_session_close(first);
	app_sync_free(y);

	/* Another client flags one and delivers one; the new one makes the
	 * next open fetch after its resync, where its connection is cut. */
	assert_int_equal(run("%s flags add -u " USER " '\\Flagged' mailbox '%s' uid 2",
			     env("MAILSYS_DOVEADM"), box), 0);
	assert_int_equal(run("printf 'Subject: retry new\\r\\n\\r\\nx\\r\\n' | %s save -u " USER
			     " -m '%s'", env("MAILSYS_DOVEADM"), box), 0);
	y = app_sync_new(st, box, IMAP_RESYNC_AUTO);
	assert_int_equal(app_sync_load(y, &cut_ops, &c), 3);
	c.s = app_imap_connect(&app, &e);
	assert_non_null(c.s);
	assert_int_not_equal(app_sync_run(y, c.s, &cut_ops, &c, &e), 0);
	assert_int_equal(c.flags_seen, 1);
	imap_session_close(c.s);

	/* The retry on a new connection, with the same sync. */
	c.s = NULL;
	c.flags_seen = 0;
	err_clear(&e);
	struct imap_session *again = app_imap_connect(&app, &e);
	assert_non_null(again);
	assert_int_equal(app_sync_run(y, again, &cut_ops, &c, &e), 0);
	imap_session_close(again);
	app_sync_free(y);

	assert_int_equal(store_folder_read(st, box, find_flagged, &flagged, &e), 0);
	assert_int_equal(flagged, 1);
	store_close(st);
	run("%s mailbox delete -u " USER " '%s' >/dev/null 2>&1", env("MAILSYS_DOVEADM"), box);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_lists_folders_with_counts),
		cmocka_unit_test(test_open_streams_batches),
		cmocka_unit_test(test_fetch_flags_move),
		cmocka_unit_test(test_copy_and_search),
		cmocka_unit_test(test_flags_reach_the_server),
		cmocka_unit_test(test_cancel_a_running_load),
		cmocka_unit_test(test_logout_then_reconnect),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_warm_open),
		cmocka_unit_test(test_sync_retry_keeps_flag_changes),
	};

	if (env("MAILSYS_IMAPS_PORT") == NULL || env("SKUA_MAILSYS_DIR") == NULL) {
		fprintf(stderr, "SKIP: the test mail system is not running\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
