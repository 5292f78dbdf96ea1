/* IMAP at scale against the real Dovecot: a 10 000-message header fetch
 * with bounded memory, stopping early, cancelling from another thread, and
 * an 8 MB message streamed into the caller's buffer. */
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

#include "fixture.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define BIG_FOLDER "Big10k"
#define BIG_COUNT 10000

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
	const char *top = fixture_env("SKUA_TOP_SRCDIR");
	struct imap_session *s = fixture_alice();
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
		 top ? top : ".", fixture_env("MAILSYS_DIR"), ALICE, BIG_FOLDER, BIG_COUNT);
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
	struct imap_session *s = fixture_alice();
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
	struct imap_session *s = fixture_alice();

	strbuf_printf(&msg, "From: bob@example.org\r\nSubject: big %s\r\n\r\n", fixture_token);
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
	c.s = fixture_alice();
	assert_int_equal(imap_select(c.s, BIG_FOLDER, 1, &info, &e), 0);
	assert_int_equal(pthread_create(&th, NULL, canceller, &c), 0);
	int rc = imap_fetch_summaries(c.s, 1, 0, cancel_one, NULL, &c, &e);
	pthread_join(th, NULL);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, ERR_CANCELLED);
	assert_true(c.n >= 1500 && c.n < info.exists);
	fixture_assert_last_op("imap_fetch_headers", 0);

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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_fetch),
		cmocka_unit_test(test_cancel_big_fetch),
		cmocka_unit_test(test_big_message),
	};
	return FIXTURE_RUN(tests);
}
