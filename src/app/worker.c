/* The worker thread: a request queue in, a reply queue out with a wake-up
 * pipe, and cancellation of queued and running requests. */
#include "app/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

#define WORKER_STOP_MS 3000

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* Everything below is guarded by mu. */
	struct worker_req *q_head, *q_tail;
	struct worker_reply *r_head, *r_tail;
	uint64_t next_id;
	uint64_t running;     /* id of the request being run, 0 if none */
	int cancelled;        /* the running request was cancelled */
	int stopping;
	int ended;            /* the thread left its loop and closed its connections */
	void (*hook)(void *);
	void *hook_arg;
	/* Set once, read by the owner. */
	int wake_rd, wake_wr;
	int stopped;          /* worker_stop ran: 1 joined, -1 detached */
	const struct worker_ops *ops;
	void *ctx;
};

/* Called with mu held. */
static void post_locked(struct worker *w, struct worker_reply *r)
{
	int was_empty = w->r_head == NULL;
	char b = 1;

	r->next = NULL;
	if (w->r_tail != NULL)
		w->r_tail->next = r;
	else
		w->r_head = r;
	w->r_tail = r;
	/* A full pipe is readable already, so a failed write loses nothing. */
	if (was_empty && write(w->wake_wr, &b, 1) < 0 && errno != EAGAIN)
		return;
}

void worker_reply_post(struct worker *w, struct worker_reply *r)
{
	pthread_mutex_lock(&w->mu);
	post_locked(w, r);
	pthread_mutex_unlock(&w->mu);
}

static void post_final(struct worker *w, uint64_t id, enum worker_reply_kind kind,
		       const char *why)
{
	struct worker_reply *r = worker_reply_new(id, kind);

	if (why != NULL)
		err_set(&r->err, kind == WORKER_CANCELLED ? ERR_CANCELLED : ERR_INTERNAL, "%s", why);
	post_locked(w, r);
}

static void run_one(struct worker *w, struct worker_req *req)
{
	struct worker_reply *final = worker_reply_new(req->id, WORKER_DONE);
	struct err e = { ERR_NONE, "" };
	int rc = w->ops->run(w->ctx, w, req, final, &e);
	int cancelled;

	pthread_mutex_lock(&w->mu);
	cancelled = w->cancelled;
	w->running = 0;
	w->cancelled = 0;
	pthread_mutex_unlock(&w->mu);
	if (rc != 0) {
		worker_reply_clear_payload(final);
		if (cancelled || e.code == ERR_CANCELLED) {
			final->kind = WORKER_CANCELLED;
			err_set(&final->err, ERR_CANCELLED, "%s cancelled", worker_req_kind_name(req->kind));
		} else {
			final->kind = WORKER_ERROR;
			final->err = e;
			if (final->err.code == ERR_NONE)
				err_set(&final->err, ERR_INTERNAL, "%s failed",
					worker_req_kind_name(req->kind));
		}
	}
	worker_reply_post(w, final);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct worker_req *req;
		while (w->q_head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->mu);
		if (w->stopping)
			break;
		req = w->q_head;
		w->q_head = req->next;
		if (w->q_head == NULL)
			w->q_tail = NULL;
		w->running = req->id;
		w->cancelled = 0;
		pthread_mutex_unlock(&w->mu);
		run_one(w, req);
		worker_req_free(req);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	if (w->ops->stop != NULL)
		w->ops->stop(w->ctx);
	pthread_mutex_lock(&w->mu);
	w->ended = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct worker *worker_new(const struct worker_ops *ops, void *ctx, struct err *e)
{
	struct worker *w;
	int fds[2];
	sigset_t all, old;
	int rc;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create the worker's pipe: %s", strerror(errno));
		if (ops->free != NULL)
			ops->free(ctx);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->wake_rd = fds[0];
	w->wake_wr = fds[1];
	w->next_id = 1;
	w->ops = ops;
	w->ctx = ctx;
	/* Signals are the UI thread's business: the worker blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(e, ERR_INTERNAL, "cannot start a worker thread: %s", strerror(rc));
		w->stopped = 1;
		worker_free(w);
		return NULL;
	}
	return w;
}

uint64_t worker_post(struct worker *w, struct worker_req *req)
{
	uint64_t id;

	pthread_mutex_lock(&w->mu);
	id = w->next_id++;
	req->id = id;
	req->next = NULL;
	if (w->stopping) {
		post_final(w, id, WORKER_CANCELLED, "the worker is stopping");
		worker_req_free(req);
	} else {
		if (w->q_tail != NULL)
			w->q_tail->next = req;
		else
			w->q_head = req;
		w->q_tail = req;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mu);
	return id;
}

/* Called with mu held. */
static void cancel_running_locked(struct worker *w)
{
	if (w->running == 0 || w->cancelled)
		return;
	w->cancelled = 1;
	if (w->hook != NULL)
		w->hook(w->hook_arg);
}

/* Called with mu held; all = 1 drops every queued request, else only id. */
static void drop_queued_locked(struct worker *w, uint64_t id, int all)
{
	struct worker_req **p = &w->q_head;

	w->q_tail = NULL;
	while (*p != NULL) {
		struct worker_req *r = *p;
		if (all || r->id == id) {
			*p = r->next;
			post_final(w, r->id, WORKER_CANCELLED, "cancelled before it started");
			worker_req_free(r);
		} else {
			w->q_tail = r;
			p = &r->next;
		}
	}
}

void worker_cancel(struct worker *w, uint64_t id)
{
	pthread_mutex_lock(&w->mu);
	if (id != 0 && w->running == id)
		cancel_running_locked(w);
	else
		drop_queued_locked(w, id, 0);
	pthread_mutex_unlock(&w->mu);
}

void worker_cancel_all(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	cancel_running_locked(w);
	drop_queued_locked(w, 0, 1);
	pthread_mutex_unlock(&w->mu);
}

int worker_cancelled(struct worker *w)
{
	int c;

	pthread_mutex_lock(&w->mu);
	c = w->cancelled;
	pthread_mutex_unlock(&w->mu);
	return c;
}

void worker_set_cancel_hook(struct worker *w, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&w->mu);
	w->hook = fn;
	w->hook_arg = arg;
	if (fn != NULL && w->running != 0 && w->cancelled)
		fn(arg);
	pthread_mutex_unlock(&w->mu);
}

int worker_fd(const struct worker *w)
{
	return w->wake_rd;
}

struct worker_reply *worker_take(struct worker *w)
{
	struct worker_reply *r;
	char buf[64];

	while (read(w->wake_rd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	r = w->r_head;
	if (r != NULL) {
		w->r_head = r->next;
		if (w->r_head == NULL)
			w->r_tail = NULL;
		r->next = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	return r;
}

int worker_stop(struct worker *w, int timeout_ms)
{
	struct timespec deadline;
	int rc = 0;

	if (w->stopped != 0)
		return w->stopped > 0 ? 0 : -1;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	cancel_running_locked(w);
	drop_queued_locked(w, 0, 1);
	pthread_cond_broadcast(&w->cond);
	/* Wait on the condition rather than in pthread_join, which cannot time out
	 * portably; the thread signals once its connections are closed. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (!w->ended && rc == 0)
		rc = pthread_cond_timedwait(&w->cond, &w->mu, &deadline);
	rc = w->ended;
	pthread_mutex_unlock(&w->mu);
	if (rc) {
		pthread_join(w->thread, NULL);
		w->stopped = 1;
		return 0;
	}
	pthread_detach(w->thread);
	w->stopped = -1;
	return -1;
}

void worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	if (worker_stop(w, WORKER_STOP_MS) != 0)
		return;
	while (w->r_head != NULL) {
		struct worker_reply *r = w->r_head;
		w->r_head = r->next;
		worker_reply_free(r);
	}
	if (w->ops->free != NULL)
		w->ops->free(w->ctx);
	close(w->wake_rd);
	close(w->wake_wr);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cond);
	free(w);
}
