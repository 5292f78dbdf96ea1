/* Unit tests of the worker queue (src/app/worker.c) with a scripted executor:
 * order and ids of replies, exactly one final reply per request, cancel of
 * queued and running requests through the cancel hook, stopping with work
 * pending; and of the message list the index is built on (src/app/msglist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/msglist.h"
#include "app/worker.h"
#include "util/arena.h"
#include "util/xalloc.h"

/* The fake executor: FLAGS posts req->nuids progress replies then succeeds;
 * OPEN blocks until its cancel hook fires; MOVE fails with ERR_PROTOCOL;
 * FETCH sets a payload on the final reply. */
struct fake {
	int block_rd, block_wr;   /* the "connection" a blocked request waits on */
	int started_rd, started_wr; /* the worker says a blocking request began */
	int stopped;
	int *freed;
};

static void fake_cancel(void *arg)
{
	struct fake *f = arg;
	char b = 'c';

	assert_int_equal(write(f->block_wr, &b, 1), 1);
}

static int fake_run(void *ctx, struct worker *w, const struct worker_req *req,
		    struct worker_reply *final, struct err *e)
{
	struct fake *f = ctx;
	char b = 's';

	switch (req->kind) {
	case WORKER_REQ_FLAGS:
		for (size_t i = 0; i < req->nuids; i++) {
			struct worker_reply *r = worker_reply_new(req->id, WORKER_PROGRESS);
			r->done = i + 1;
			r->total = req->nuids;
			worker_reply_post(w, r);
		}
		return 0;
	case WORKER_REQ_OPEN: {
		struct pollfd p = { .fd = f->block_rd, .events = POLLIN };
		worker_set_cancel_hook(w, fake_cancel, f);
		assert_int_equal(write(f->started_wr, &b, 1), 1);
		/* Blocks like a network read until the hook writes. */
		assert_int_equal(poll(&p, 1, 10000), 1);
		assert_int_equal(read(f->block_rd, &b, 1), 1);
		worker_set_cancel_hook(w, NULL, NULL);
		return err_set(e, ERR_NETWORK, "the read was interrupted");
	}
	case WORKER_REQ_MOVE:
		final->dest = xstrdup("never seen");
		return err_set(e, ERR_PROTOCOL, "server said NO");
	case WORKER_REQ_FETCH:
		final->dest = xstrdup(req->folder);
		return 0;
	default:
		return 0;
	}
}

static void fake_stop(void *ctx)
{
	((struct fake *)ctx)->stopped = 1;
}

static void fake_free(void *ctx)
{
	struct fake *f = ctx;

	*f->freed = 1 + f->stopped;
	close(f->block_rd);
	close(f->block_wr);
	close(f->started_rd);
	close(f->started_wr);
	free(f);
}

static const struct worker_ops fake_ops = { fake_run, fake_stop, fake_free };

static struct worker *fake_worker(int *freed, struct fake **out)
{
	struct fake *f = xcalloc(1, sizeof *f);
	int p[2], q[2];
	struct err e;
	struct worker *w;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	f->block_rd = p[0];
	f->block_wr = p[1];
	f->started_rd = q[0];
	f->started_wr = q[1];
	f->freed = freed;
	if (out != NULL)
		*out = f;
	w = worker_new(&fake_ops, f, &e);
	assert_non_null(w);
	return w;
}

/* Waits (bounded) for the next reply through the wake-up fd, as the UI does. */
static struct worker_reply *next_reply(struct worker *w)
{
	for (int i = 0; i < 500; i++) {
		struct worker_reply *r = worker_take(w);
		struct pollfd p = { .fd = worker_fd(w), .events = POLLIN };
		if (r != NULL)
			return r;
		poll(&p, 1, 20);
	}
	fail_msg("no reply within 10 s");
	return NULL;
}

/* Waits until the blocking OPEN runs, so a cancel reaches it through the hook. */
static void wait_started(struct fake *f)
{
	struct pollfd p = { .fd = f->started_rd, .events = POLLIN };
	char b;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(f->started_rd, &b, 1), 1);
}

static void test_replies_in_order_with_one_final(void **state)
{
	int freed = 0;
	struct worker *w = fake_worker(&freed, NULL);
	uint32_t uids[3] = { 1, 2, 3 };
	uint64_t a, b, c;
	struct worker_reply *r;
	(void)state;

	a = worker_post(w, worker_req_new(WORKER_REQ_FLAGS, "INBOX", uids, 3));
	b = worker_post(w, worker_req_new(WORKER_REQ_MOVE, "INBOX", uids, 1));
	c = worker_post(w, worker_req_new(WORKER_REQ_FETCH, "Archive", uids, 1));
	assert_true(a != 0 && b > a && c > b);
	for (size_t i = 1; i <= 3; i++) {
		r = next_reply(w);
		assert_int_equal(r->id, a);
		assert_int_equal(r->kind, WORKER_PROGRESS);
		assert_int_equal(r->done, i);
		assert_int_equal(r->total, 3);
		worker_reply_free(r);
	}
	r = next_reply(w);
	assert_int_equal(r->id, a);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	/* A failure is one ERROR carrying the sentence, and no half payload. */
	r = next_reply(w);
	assert_int_equal(r->id, b);
	assert_int_equal(r->kind, WORKER_ERROR);
	assert_int_equal(r->err.code, ERR_PROTOCOL);
	assert_string_equal(r->err.msg, "server said NO");
	assert_null(r->dest);
	worker_reply_free(r);
	r = next_reply(w);
	assert_int_equal(r->id, c);
	assert_int_equal(r->kind, WORKER_DONE);
	assert_string_equal(r->dest, "Archive");
	worker_reply_free(r);
	assert_null(worker_take(w));
	worker_free(w);
	assert_int_equal(freed, 2);   /* stop ran, then free */
}

static void test_cancel_running_and_queued(void **state)
{
	int freed = 0;
	struct fake *f;
	struct worker *w = fake_worker(&freed, &f);
	uint64_t open, queued, after;
	struct worker_reply *r;
	(void)state;

	open = worker_post(w, worker_req_new(WORKER_REQ_OPEN, "INBOX", NULL, 0));
	queued = worker_post(w, worker_req_new(WORKER_REQ_FLAGS, "INBOX", (uint32_t[]){ 7 }, 1));
	after = worker_post(w, worker_req_new(WORKER_REQ_FETCH, "INBOX", (uint32_t[]){ 7 }, 1));
	wait_started(f);
	/* A queued request is dropped with its own CANCELLED reply, at once. */
	worker_cancel(w, queued);
	r = next_reply(w);
	assert_int_equal(r->id, queued);
	assert_int_equal(r->kind, WORKER_CANCELLED);
	assert_int_equal(r->err.code, ERR_CANCELLED);
	worker_reply_free(r);
	/* The running one is interrupted through its hook. */
	worker_cancel(w, open);
	r = next_reply(w);
	assert_int_equal(r->id, open);
	assert_int_equal(r->kind, WORKER_CANCELLED);
	worker_reply_free(r);
	/* The queue goes on with the next request. */
	r = next_reply(w);
	assert_int_equal(r->id, after);
	assert_int_equal(r->kind, WORKER_DONE);
	worker_reply_free(r);
	/* Cancelling what already finished, or an unknown id, does nothing. */
	worker_cancel(w, open);
	worker_cancel(w, 9999);
	usleep(20000);
	assert_null(worker_take(w));
	worker_free(w);
	assert_int_equal(freed, 2);
}

static void test_stop_with_work_pending(void **state)
{
	int freed = 0;
	struct fake *f;
	struct worker *w = fake_worker(&freed, &f);
	uint64_t open, q1, q2;
	(void)state;

	open = worker_post(w, worker_req_new(WORKER_REQ_OPEN, "INBOX", NULL, 0));
	q1 = worker_post(w, worker_req_new(WORKER_REQ_FLAGS, "INBOX", (uint32_t[]){ 1 }, 1));
	q2 = worker_post(w, worker_req_new(WORKER_REQ_LOGOUT, NULL, NULL, 0));
	wait_started(f);
	/* Stopping cancels the running request and drops the queue; every
	 * request still gets exactly one final reply. */
	assert_int_equal(worker_stop(w, 3000), 0);
	int seen_open = 0, seen_q1 = 0, seen_q2 = 0;
	struct worker_reply *r;
	while ((r = worker_take(w)) != NULL) {
		assert_int_equal(r->kind, WORKER_CANCELLED);
		seen_open += r->id == open;
		seen_q1 += r->id == q1;
		seen_q2 += r->id == q2;
		worker_reply_free(r);
	}
	assert_int_equal(seen_open, 1);
	assert_int_equal(seen_q1, 1);
	assert_int_equal(seen_q2, 1);
	/* Posting after the stop is answered, not lost. */
	uint64_t late = worker_post(w, worker_req_new(WORKER_REQ_LOGOUT, NULL, NULL, 0));
	r = worker_take(w);
	assert_non_null(r);
	assert_int_equal(r->id, late);
	assert_int_equal(r->kind, WORKER_CANCELLED);
	worker_reply_free(r);
	worker_free(w);
	assert_int_equal(freed, 2);
}

static void test_free_with_replies_untaken(void **state)
{
	int freed = 0;
	struct worker *w = fake_worker(&freed, NULL);
	(void)state;

	worker_post(w, worker_req_new(WORKER_REQ_FLAGS, "INBOX", (uint32_t[]){ 1, 2, 3, 4 }, 4));
	worker_post(w, worker_req_new(WORKER_REQ_FETCH, "INBOX", (uint32_t[]){ 1 }, 1));
	usleep(50000);
	worker_free(w);   /* replies left in the queue are freed (checked by ASan/valgrind) */
	assert_int_equal(freed, 2);
	worker_free(NULL);
}

static struct msg_batch *batch_of(const uint32_t *uids, const int64_t *dates, size_t n)
{
	struct msg_batch *b = msg_batch_new();

	for (size_t i = 0; i < n; i++) {
		char subj[32];
		snprintf(subj, sizeof subj, "subject %u", uids[i]);
		msg_batch_add(b, uids[i], i % 2 ? MSG_SEEN : 0, dates[i], 100 * uids[i], 0,
			      "Sender", subj);
	}
	return b;
}

static void test_msglist_orders_by_date(void **state)
{
	struct msglist *l = msglist_new();
	(void)state;

	/* UIDs ascending, dates not: display is by date, ties by UID. */
	msglist_add(l, batch_of((uint32_t[]){ 1, 2, 3 }, (int64_t[]){ 300, 100, 200 }, 3));
	msglist_add(l, batch_of((uint32_t[]){ 5, 6 }, (int64_t[]){ 150, 100 }, 2));
	assert_int_equal(msglist_count(l), 5);
	uint32_t want[] = { 2, 6, 5, 3, 1 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(msglist_at(l, i)->uid, want[i]);
	assert_null(msglist_at(l, 5));
	assert_int_equal(msglist_find(l, 3), 3);
	assert_int_equal(msglist_find(l, 4), -1);
	assert_string_equal(msglist_at(l, 0)->subject, "subject 2");
	/* Out of UID order (a refresh): merged and replaced, not duplicated. */
	msglist_add(l, batch_of((uint32_t[]){ 4, 2 }, (int64_t[]){ 50, 400 }, 2));
	assert_int_equal(msglist_count(l), 6);
	assert_int_equal(msglist_at(l, 0)->uid, 4);
	assert_int_equal(msglist_at(l, 5)->uid, 2);
	/* Removal keeps the order of the others. */
	assert_int_equal(msglist_remove(l, 5), 0);
	assert_int_equal(msglist_remove(l, 5), -1);
	uint32_t after[] = { 4, 6, 3, 1, 2 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(msglist_at(l, i)->uid, after[i]);
	msglist_free(l);
	msglist_free(NULL);
}

static void test_msglist_unread_and_safe_text(void **state)
{
	struct msglist *l = msglist_new();
	struct msg_batch *b = msg_batch_new();
	(void)state;

	msg_batch_add(b, 10, MSG_SEEN, 1, 1, 1, "\x1b]0;pwned\x07Mallory", "Hi\x1b[2J there\r\n");
	msg_batch_add(b, 11, 0, 2, 1, 0, NULL, NULL);
	msg_batch_add(b, 12, MSG_SEEN, 3, 1, 0, "a", "b");
	msg_batch_add(b, 13, 0, 4, 1, 0, "a", "b");
	msglist_add(l, b);
	assert_string_equal(msglist_at(l, 0)->from, "Mallory");
	assert_null(strchr(msglist_at(l, 0)->subject, '\x1b'));
	assert_null(strchr(msglist_at(l, 0)->subject, '\r'));
	assert_string_equal(msglist_at(l, 1)->from, "");
	assert_int_equal(msglist_unread(l), 2);
	assert_int_equal(msglist_next_unread(l, 1), 3);
	assert_int_equal(msglist_next_unread(l, 3), 1);   /* wraps around */
	msglist_at(l, 1)->flags |= MSG_SEEN;
	msglist_at(l, 3)->flags |= MSG_SEEN;
	assert_int_equal(msglist_next_unread(l, 0), -1);
	msglist_free(l);
}

static void test_msglist_large_merge_and_memory(void **state)
{
	struct msglist *l = msglist_new();
	const size_t total = 100000;
	(void)state;

	/* 200 batches as a 100000-message folder arrives; dates shuffled. */
	for (size_t first = 1; first <= total; first += WORKER_BATCH) {
		struct msg_batch *b = msg_batch_new();
		for (size_t u = first; u < first + WORKER_BATCH; u++)
			msg_batch_add(b, (uint32_t)u, 0, (int64_t)((u * 7919) % 100003), 1000, 0,
				      "Somebody Withalongername", "A subject line of a typical length here");
		msglist_add(l, b);
	}
	assert_int_equal(msglist_count(l), total);
	for (size_t i = 1; i < total; i++)
		assert_true(msglist_at(l, i - 1)->date <= msglist_at(l, i)->date);
	/* Well under 1 KB per message. */
	assert_true(msglist_memory(l) / total < 256);
	msglist_free(l);
}

static void test_arena(void **state)
{
	struct arena a = ARENA_INIT, b = ARENA_INIT;
	char big[100000];
	(void)state;

	const char *s1 = arena_strdup(&a, "one");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *s2 = arena_strdup(&a, big);
	const char *s3 = arena_strndup(&b, "three and more", 5);
	arena_adopt(&a, &b);
	const char *s4 = arena_strdup(&a, "four");
	assert_string_equal(s1, "one");
	assert_int_equal(strlen(s2), sizeof big - 1);
	assert_string_equal(s3, "three");
	assert_string_equal(s4, "four");
	assert_null(b.head);
	assert_true(a.bytes > sizeof big);
	arena_free(&a);
	arena_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies_in_order_with_one_final),
		cmocka_unit_test(test_cancel_running_and_queued),
		cmocka_unit_test(test_stop_with_work_pending),
		cmocka_unit_test(test_free_with_replies_untaken),
		cmocka_unit_test(test_msglist_orders_by_date),
		cmocka_unit_test(test_msglist_unread_and_safe_text),
		cmocka_unit_test(test_msglist_large_merge_and_memory),
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
