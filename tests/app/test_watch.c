/* The new-mail watcher on a thread of its own against the test mail system:
 * it reports a delivery with its sender and subject, and watch_stop from
 * another thread ends it at once whether it waits on the server, sleeps
 * between reconnection attempts or has not started; a refused login on the
 * first attempt ends it with the error instead of retrying forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/watch.h"
#include "util/clock.h"
#include "util/xalloc.h"

#define USER "bob@example.org"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v ? v : NULL;
}

/* What the callbacks saw, shared with the test's thread. */
struct seen {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum watch_state state;
	int states_seen;          /* bit per enum watch_state */
	char subject[256], from[256], folder[64];
	uint32_t uid;
};

struct runner {
	struct app app;
	struct watch *w;
	struct seen seen;
	pthread_t thread;
	int rc;
	struct err e;
	int done;
	char cfg[256];
};

static void on_event(const struct watch_event *ev, void *ctx)
{
	struct seen *s = ctx;

	if (ev->new_count == 0 || ev->n_msgs == 0)
		return;
	pthread_mutex_lock(&s->lock);
	const struct watch_message *m = &ev->msgs[ev->n_msgs - 1];
	snprintf(s->subject, sizeof s->subject, "%s", m->subject);
	snprintf(s->from, sizeof s->from, "%s", m->from);
	snprintf(s->folder, sizeof s->folder, "%s", ev->folder_shown);
	s->uid = m->uid;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void on_status(const struct watch_status *st, void *ctx)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->state = st->state;
	s->states_seen |= 1 << st->state;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void *run_watch(void *arg)
{
	struct runner *r = arg;

	r->rc = watch_run(r->w, &r->e);
	pthread_mutex_lock(&r->seen.lock);
	r->done = 1;
	pthread_cond_broadcast(&r->seen.cond);
	pthread_mutex_unlock(&r->seen.lock);
	return NULL;
}

/* A config for user on port (the IMAPS port when 0) with password pass. */
static void start(struct runner *r, uint16_t port, const char *user, const char *pass,
		  int run_thread)
{
	struct watch_callbacks cb = { on_event, on_status, &r->seen };
	struct err e;
	FILE *f;

	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->seen.lock, NULL);
	pthread_cond_init(&r->seen.cond, NULL);
	snprintf(r->cfg, sizeof r->cfg, "%s/skua-watch-test-%d.conf",
		 env("TMPDIR") ? env("TMPDIR") : "/tmp", (int)getpid());
	f = fopen(r->cfg, "w");
	assert_non_null(f);
	fprintf(f, "[general]\nmetrics_log = no\nnew_mail_watch = notify\n[account watched]\n"
		   "address = %s\nimap_host = %s\nimap_port = %u\nimap_tls = implicit\n"
		   "smtp_host = %s\nsmtp_port = %s\nsmtp_tls = implicit\n"
		   "password = %s\nca_file = %s\ntimeout = 20\nconnect_timeout = 5\n",
		user, env("MAILSYS_HOST"), port ? port : (unsigned)atoi(env("MAILSYS_IMAPS_PORT")),
		env("MAILSYS_HOST"), env("MAILSYS_SMTPS_PORT"), pass, env("MAILSYS_CA"));
	fclose(f);
	chmod(r->cfg, 0600);
	if (app_open(&r->app, r->cfg, NULL, &e) != 0 || app_fetch_secret(&r->app, &e) != 0)
		fail_msg("%s", e.msg);
	r->w = watch_new(&r->app, &cb, &e);
	assert_non_null(r->w);
	if (run_thread)
		assert_int_equal(pthread_create(&r->thread, NULL, run_watch, r), 0);
}

/* Waits up to ms for cond(r) under the lock; returns it. */
static int wait_for(struct runner *r, int (*cond)(struct runner *), int ms)
{
	struct timespec until;
	int ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->seen.lock);
	while (!(ok = cond(r)))
		if (pthread_cond_timedwait(&r->seen.cond, &r->seen.lock, &until) == ETIMEDOUT) {
			ok = cond(r);
			break;
		}
	pthread_mutex_unlock(&r->seen.lock);
	return ok;
}

static int is_active(struct runner *r) { return r->seen.state == WATCH_ACTIVE; }
static int is_retrying(struct runner *r) { return r->seen.state == WATCH_RETRYING; }
static int is_done(struct runner *r) { return r->done; }
static int has_event(struct runner *r) { return r->seen.subject[0] != '\0'; }
/* Other tests deliver to bob's INBOX too: wait for this test's own message. */
static const char *wanted_subject;
static int has_wanted(struct runner *r) { return strcmp(r->seen.subject, wanted_subject) == 0; }

/* watch_stop from this thread; watch_run must return 0 within 1 s. */
static void stop_and_join(struct runner *r)
{
	uint64_t t0 = clock_mono_us();

	watch_stop(r->w);
	assert_true(wait_for(r, is_done, 1000));
	assert_true(clock_mono_us() - t0 < 1000000);
	pthread_join(r->thread, NULL);
	assert_int_equal(r->rc, 0);
	assert_true(r->seen.state == WATCH_STOPPED);
	watch_free(r->w);
	app_close(&r->app);
	unlink(r->cfg);
}

static void test_reports_then_stops_while_waiting(void **state)
{
	struct runner *r = xcalloc(1, sizeof *r);
	char cmd[1024], subject[64];
	(void)state;

	start(r, 0, USER, env("MAILSYS_PASS_bob"), 1);
	assert_true(wait_for(r, is_active, 10000));
	snprintf(subject, sizeof subject, "watch test %d", (int)getpid());
	snprintf(cmd, sizeof cmd,
		 "printf 'From: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.org>\\r\\nSubject: %s\\r\\n\\r\\n"
		 "x\\r\\n' | %s save -u " USER " -m INBOX",
		 subject, env("MAILSYS_DOVEADM"));
	assert_int_equal(system(cmd), 0);
	wanted_subject = subject;
	assert_true(wait_for(r, has_wanted, 5000));
	assert_string_equal(r->seen.subject, subject);
	assert_string_equal(r->seen.from, "Jörg <jorg@example.org>");
	assert_string_equal(r->seen.folder, "INBOX");
	assert_true(r->seen.uid > 0);
	/* Now it sits in the NOTIFY wait on the server. */
	stop_and_join(r);
	free(r);
}

/* A user whose mailboxes do not exist yet: Dovecot makes INBOX at the first
 * session and sends no STATUS for it when NOTIFY is set, so the baseline must
 * not wait for the first push (which would swallow the first message). */
static void test_first_mail_of_a_new_mailbox(void **state)
{
	struct runner *r = xcalloc(1, sizeof *r);
	char cmd[1024];
	(void)state;

	snprintf(cmd, sizeof cmd, "rm -rf '%s/mail/example.org/jack'", env("MAILSYS_DIR"));
	assert_int_equal(system(cmd), 0);
	start(r, 0, "jack@example.org", env("MAILSYS_PASS_jack"), 1);
	assert_true(wait_for(r, is_active, 10000));
	snprintf(cmd, sizeof cmd,
		 "printf 'From: a@example.org\\r\\nSubject: the very first\\r\\n\\r\\nx\\r\\n' | "
		 "%s save -u jack@example.org -m INBOX",
		 env("MAILSYS_DOVEADM"));
	assert_int_equal(system(cmd), 0);
	assert_true(wait_for(r, has_event, 5000));
	assert_string_equal(r->seen.subject, "the very first");
	stop_and_join(r);
	free(r);
}

static void test_stops_while_backing_off(void **state)
{
	struct runner *r = xcalloc(1, sizeof *r);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)state;

	/* A port that is bound but not listening refuses connections. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	start(r, ntohs(sa.sin_port), USER, env("MAILSYS_PASS_bob"), 1);
	assert_true(wait_for(r, is_retrying, 10000));
	stop_and_join(r);
	close(fd);
	free(r);
}

static void test_stop_before_run(void **state)
{
	struct runner *r = xcalloc(1, sizeof *r);
	(void)state;

	start(r, 0, USER, env("MAILSYS_PASS_bob"), 0);
	watch_stop(r->w);
	assert_int_equal(pthread_create(&r->thread, NULL, run_watch, r), 0);
	stop_and_join(r);
	assert_false(r->seen.states_seen & (1 << WATCH_CONNECTING));
	free(r);
}

static void test_refused_login_is_final(void **state)
{
	struct runner *r = xcalloc(1, sizeof *r);
	(void)state;

	start(r, 0, USER, "wrong-password", 1);
	assert_true(wait_for(r, is_done, 15000));
	pthread_join(r->thread, NULL);
	assert_int_equal(r->rc, -1);
	assert_int_equal(r->e.code, ERR_AUTH);
	assert_false(r->seen.states_seen & (1 << WATCH_RETRYING));
	watch_free(r->w);
	app_close(&r->app);
	unlink(r->cfg);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_then_stops_while_waiting),
		cmocka_unit_test(test_first_mail_of_a_new_mailbox),
		cmocka_unit_test(test_stops_while_backing_off),
		cmocka_unit_test(test_stop_before_run),
		cmocka_unit_test(test_refused_login_is_final),
	};

	if (env("MAILSYS_IMAPS_PORT") == NULL || env("MAILSYS_DOVEADM") == NULL) {
		fprintf(stderr, "SKIP: the test mail system is not running\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
