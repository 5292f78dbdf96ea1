/* The watcher's thread: callbacks copy what they are given into a queue
 * under a lock and write one byte to a pipe when it turns non-empty. */
#include "app/watch_thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

struct watch_thread {
	struct watch *w;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ended_cv;
	int ended;              /* the thread's function returned */
	int stopped;            /* watch_thread_stop ran */
	int stuck;              /* detached while still running */
	int rd, wr;             /* the wake-up pipe */
	struct watch_note *head, *tail;
};

static void post(struct watch_thread *t, struct watch_note *n)
{
	int wake;
	char b = 1;

	pthread_mutex_lock(&t->mu);
	wake = t->head == NULL;
	if (t->tail != NULL)
		t->tail->next = n;
	else
		t->head = n;
	t->tail = n;
	pthread_mutex_unlock(&t->mu);
	/* A full pipe already wakes the reader. */
	if (wake && write(t->wr, &b, 1) < 0 && errno != EAGAIN)
		return;
}

static void on_event(const struct watch_event *ev, void *ctx)
{
	struct watch_note *n = xcalloc(1, sizeof *n);

	n->kind = WATCH_NOTE_EVENT;
	n->folder = xstrdup(ev->folder);
	n->folder_shown = xstrdup(ev->folder_shown ? ev->folder_shown : ev->folder);
	n->messages = ev->messages;
	n->unseen = ev->unseen;
	n->new_count = ev->new_count;
	n->n_msgs = ev->n_msgs;
	n->msgs = xcalloc(ev->n_msgs ? ev->n_msgs : 1, sizeof *n->msgs);
	for (size_t i = 0; i < ev->n_msgs; i++) {
		n->msgs[i].uid = ev->msgs[i].uid;
		n->msgs[i].from = xstrdup(ev->msgs[i].from ? ev->msgs[i].from : "");
		n->msgs[i].subject = xstrdup(ev->msgs[i].subject ? ev->msgs[i].subject : "");
	}
	post(ctx, n);
}

static void on_status(const struct watch_status *st, void *ctx)
{
	struct watch_note *n = xcalloc(1, sizeof *n);

	n->kind = WATCH_NOTE_STATUS;
	n->state = st->state;
	n->text = xstrdup(st->text ? st->text : "");
	post(ctx, n);
}

static void *thread_main(void *arg)
{
	struct watch_thread *t = arg;
	struct watch_note *n = xcalloc(1, sizeof *n);

	n->kind = WATCH_NOTE_ENDED;
	err_clear(&n->err);
	n->failed = watch_run(t->w, &n->err) != 0;
	post(t, n);
	pthread_mutex_lock(&t->mu);
	t->ended = 1;
	pthread_cond_signal(&t->ended_cv);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

struct watch_thread *watch_thread_new(struct app *a, struct err *e)
{
	struct watch_thread *t = xcalloc(1, sizeof *t);
	struct watch_callbacks cb = { on_event, on_status, t };
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create the new-mail pipe: %s", strerror(errno));
		free(t);
		return NULL;
	}
	t->rd = fds[0];
	t->wr = fds[1];
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->ended_cv, NULL);
	t->w = watch_new(a, &cb, e);
	if (t->w == NULL || pthread_create(&t->thread, NULL, thread_main, t) != 0) {
		if (t->w != NULL)
			err_set(e, ERR_INTERNAL, "cannot start the new-mail thread");
		watch_free(t->w);
		close(t->rd);
		close(t->wr);
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->ended_cv);
		free(t);
		return NULL;
	}
	return t;
}

int watch_thread_fd(const struct watch_thread *t)
{
	return t->rd;
}

struct watch_note *watch_thread_take(struct watch_thread *t)
{
	struct watch_note *n;
	char buf[64];

	pthread_mutex_lock(&t->mu);
	n = t->head;
	if (n != NULL) {
		t->head = n->next;
		if (t->head == NULL)
			t->tail = NULL;
		n->next = NULL;
	} else {
		/* Empty: drain the pipe so the next post wakes the reader again. */
		while (read(t->rd, buf, sizeof buf) > 0)
			;
	}
	pthread_mutex_unlock(&t->mu);
	return n;
}

void watch_note_free(struct watch_note *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n_msgs; i++) {
		free(n->msgs[i].from);
		free(n->msgs[i].subject);
	}
	free(n->msgs);
	free(n->folder);
	free(n->folder_shown);
	free(n->text);
	free(n);
}

int watch_thread_stop(struct watch_thread *t, int timeout_ms)
{
	struct timespec until;
	int ended;

	if (t->stopped)
		return t->stuck ? -1 : 0;
	t->stopped = 1;
	watch_stop(t->w);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->mu);
	while (!t->ended)
		if (pthread_cond_timedwait(&t->ended_cv, &t->mu, &until) != 0)
			break;
	ended = t->ended;
	pthread_mutex_unlock(&t->mu);
	if (!ended) {
		/* In a connect that cannot be interrupted: it ends within the
		 * account's connect_timeout and finds nothing to do. */
		t->stuck = 1;
		pthread_detach(t->thread);
		return -1;
	}
	pthread_join(t->thread, NULL);
	return 0;
}

void watch_thread_free(struct watch_thread *t)
{
	struct watch_note *n;

	if (t == NULL)
		return;
	if (watch_thread_stop(t, 3000) != 0)
		return;
	while ((n = t->head) != NULL) {
		t->head = n->next;
		watch_note_free(n);
	}
	watch_free(t->w);
	close(t->rd);
	close(t->wr);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->ended_cv);
	free(t);
}
