/* The index's view: limit patterns (plain, ~f, ~s, ~N, ~F, quoting, errors),
 * ASCII case folding with UTF-8 intact, the positions after changes, server
 * search results, sort orders (with the limit, reversed, ties, lookups), and
 * the time of one limit and of each sort over 100000 messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "app/msglist.h"
#include "app/msgview.h"
#include "mail/thread_ids.h"
#include "net/imap_session.h"

/* uid 1..5, date order = uid order. */
static struct msglist *sample(void)
{
	struct msglist *l = msglist_new();
	struct msg_batch *b = msg_batch_new();

	msg_batch_add(b, 1, MSG_SEEN, 100, 10, 0, "Alice Example <alice@example.org>", "Lunch on Friday");
	msg_batch_add(b, 2, 0, 200, 20, 0, "Bob <bob@example.org>", "Re: lunch");
	msg_batch_add(b, 3, MSG_SEEN | MSG_FLAGGED, 300, 30, 0, "Jürgen Groß <jg@example.de>", "Grüße aus MÜNCHEN");
	msg_batch_add(b, 4, MSG_FLAGGED, 400, 40, 0, "carol@example.org", "Budget report");
	msg_batch_add(b, 5, MSG_SEEN, 500, 50, 0, "Alice Example <alice@example.org>", "The budget, again");
	msglist_add(l, b);
	return l;
}

/* The UIDs shown, as "1,2,3". */
static const char *shown(struct msgview *v, struct msglist *l)
{
	static char buf[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < msgview_count(v, l); i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%u", i ? "," : "",
					msgview_at(v, l, i)->uid);
	return buf;
}

static const char *limited(struct msgview *v, struct msglist *l, const char *pattern)
{
	struct err e = { 0 };

	assert_int_equal(msgview_set_limit(v, pattern, &e), 0);
	msgview_update(v, l);
	return shown(v, l);
}

static void test_patterns(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();

	(void)state;
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "1,2,3,4,5");
	assert_null(msgview_limit(v));
	assert_string_equal(limited(v, l, "lunch"), "1,2");
	assert_string_equal(msgview_limit(v), "lunch");
	assert_string_equal(limited(v, l, "ALICE"), "1,5");
	assert_string_equal(limited(v, l, "  budget  "), "4,5");
	assert_string_equal(limited(v, l, "~f alice"), "1,5");
	assert_string_equal(limited(v, l, "~s budget"), "4,5");
	assert_string_equal(limited(v, l, "~f alice ~s BUDGET"), "5");
	assert_string_equal(limited(v, l, "~N"), "2,4");
	assert_string_equal(limited(v, l, "~F"), "3,4");
	assert_string_equal(limited(v, l, "~F ~N"), "4");
	assert_string_equal(limited(v, l, "~s \"budget report\""), "4");
	assert_string_equal(limited(v, l, "~s \"lunch on\" ~f alice"), "1");
	assert_string_equal(limited(v, l, "nothing like this"), "");
	assert_string_equal(limited(v, l, "all"), "1,2,3,4,5");
	assert_null(msgview_limit(v));
	assert_string_equal(limited(v, l, "~f bob"), "2");
	assert_string_equal(limited(v, l, ""), "1,2,3,4,5");
	assert_null(msgview_limit(v));
	assert_string_equal(limited(v, l, "~s bob"), "");
	assert_string_equal(limited(v, l, NULL), "1,2,3,4,5");
	msgview_free(v);
	msglist_free(l);
}

static void test_utf8(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();

	(void)state;
	assert_string_equal(limited(v, l, "groß"), "3");
	assert_string_equal(limited(v, l, "GROß"), "3");
	assert_string_equal(limited(v, l, "grüße"), "3");
	/* ASCII letters fold, ü and Ü are kept as typed. */
	assert_string_equal(limited(v, l, "mÜnchen"), "3");
	assert_string_equal(limited(v, l, "münchen"), "");
	assert_string_equal(limited(v, l, "MÜNCHEN"), "3");
	/* Non-ASCII letters are not folded: Ü and ü differ. */
	assert_string_equal(limited(v, l, "grÜße"), "");
	/* A lone byte of a UTF-8 sequence still only matches those bytes. */
	assert_string_equal(limited(v, l, "\xc3\xbc"), "3");
	msgview_free(v);
	msglist_free(l);
}

static void test_errors(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();
	struct err e = { 0 };

	(void)state;
	assert_string_equal(limited(v, l, "~f bob"), "2");
	assert_int_equal(msgview_set_limit(v, "~x foo", &e), -1);
	assert_non_null(strstr(e.msg, "~x"));
	/* A bad pattern leaves the view as it was. */
	assert_string_equal(msgview_limit(v), "~f bob");
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "2");
	assert_int_equal(msgview_set_limit(v, "~f", &e), -1);
	assert_non_null(strstr(e.msg, "~f needs a text"));
	assert_int_equal(msgview_set_limit(v, "~s \"open", &e), -1);
	assert_non_null(strstr(e.msg, "quote"));
	assert_int_equal(msgview_set_limit(v, "~N bob", &e), -1);
	assert_string_equal(shown(v, l), "2");
	msgview_free(v);
	msglist_free(l);
}

static void test_changes(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();
	struct msg_batch *b = msg_batch_new();

	(void)state;
	assert_string_equal(limited(v, l, "alice"), "1,5");
	assert_int_equal(msgview_find(v, l, 5), 1);
	assert_int_equal(msgview_find(v, l, 2), -1);
	assert_int_equal(msgview_find(v, l, 99), -1);
	/* Not shown: the next one shown, else the last. */
	assert_int_equal(msgview_nearest(v, l, 2), 1);
	assert_int_equal(msgview_nearest(v, l, 1), 0);
	assert_int_equal(msgview_nearest(v, l, 99), 1);
	/* New mail obeys the limit, in date order. */
	msg_batch_add(b, 6, 0, 250, 60, 0, "Alice <alice@example.org>", "New");
	msg_batch_add(b, 7, 0, 600, 70, 0, "Dave <dave@example.org>", "Other");
	msglist_add(l, b);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "1,6,5");
	assert_int_equal(msgview_next_unread(v, l, 0), 1);
	assert_int_equal(msgview_next_unread(v, l, 1), 1);
	assert_int_equal(msglist_remove(l, 6), 0);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "1,5");
	assert_int_equal(msgview_next_unread(v, l, 0), -1);
	assert_null(msgview_at(v, l, 2));
	msgview_free(v);
	msglist_free(l);
}

static const char *sorted(struct msgview *v, struct msglist *l, enum msgsort_key k, int rev)
{
	msgview_set_sort(v, k, rev);
	msgview_update(v, l);
	return shown(v, l);
}

static void test_sort(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();
	struct msg_batch *b = msg_batch_new();
	int rev = -1;

	(void)state;
	msgview_update(v, l);
	assert_int_equal(msgview_sort(v, &rev), MSGSORT_DATE);
	assert_int_equal(rev, 0);
	assert_string_equal(sorted(v, l, MSGSORT_DATE, 1), "5,4,3,2,1");
	assert_int_equal(msgview_sort(v, &rev), MSGSORT_DATE);
	assert_int_equal(rev, 1);
	/* Senders, case folded: Alice, Alice, Bob, carol, Jürgen; the two
	 * Alices in date order. */
	assert_string_equal(sorted(v, l, MSGSORT_FROM, 0), "1,5,2,4,3");
	/* Reversed is the whole list turned around, ties included. */
	assert_string_equal(sorted(v, l, MSGSORT_FROM, 1), "3,4,2,5,1");
	/* "Re: lunch" sorts as "lunch", "The budget" under t. */
	assert_string_equal(sorted(v, l, MSGSORT_SUBJECT, 0), "4,3,2,1,5");
	assert_string_equal(sorted(v, l, MSGSORT_SIZE, 1), "5,4,3,2,1");
	assert_string_equal(sorted(v, l, MSGSORT_SIZE, 0), "1,2,3,4,5");
	/* Lookups follow the sorted positions. */
	sorted(v, l, MSGSORT_FROM, 0);
	assert_int_equal(msgview_find(v, l, 3), 4);
	assert_int_equal(msgview_find(v, l, 2), 2);
	assert_ptr_equal(msgview_at(v, l, 4), msglist_at(l, 2));
	assert_int_equal(msgview_next_unread(v, l, 2), 3);
	/* With a limit: the matches only, still sorted. */
	assert_string_equal(limited(v, l, "budget"), "5,4");
	assert_int_equal(msgview_find(v, l, 4), 1);
	assert_int_equal(msgview_find(v, l, 1), -1);
	/* Hidden: the next shown in date order (4 after 3), else the last. */
	assert_int_equal(msgview_nearest(v, l, 3), 1);
	assert_int_equal(msgview_nearest(v, l, 99), 1);
	assert_string_equal(limited(v, l, "all"), "1,5,2,4,3");
	/* New mail and removals keep the order. */
	msg_batch_add(b, 6, 0, 50, 5, 0, "Aaron <aaron@example.org>", "Early");
	msglist_add(l, b);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "6,1,5,2,4,3");
	assert_int_equal(msglist_remove(l, 1), 0);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "6,5,2,4,3");
	assert_string_equal(sorted(v, l, MSGSORT_UID, 1), "6,5,4,3,2");
	assert_string_equal(sorted(v, l, MSGSORT_DATE, 0), "6,2,3,4,5");
	msgview_free(v);
	msglist_free(l);
}

static void test_subject_base(void **state)
{
	(void)state;
	assert_string_equal(msgsort_subject_base("Re: lunch"), "lunch");
	assert_string_equal(msgsort_subject_base("RE: Fwd:  AW:re:x"), "x");
	assert_string_equal(msgsort_subject_base("  plain"), "plain");
	assert_string_equal(msgsort_subject_base("Rebate"), "Rebate");
	assert_string_equal(msgsort_subject_base(NULL), "");
	assert_string_equal(msgsort_subject_base("Re:"), "");
}

/* Many equal texts and shared prefixes: the multikey sort against a plain
 * comparison sort of the same keys. */
static int cmp_ref(const void *pa, const void *pb, void *ctx)
{
	const struct msglist *l = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = strcasecmp(msglist_at(l, a)->from, msglist_at(l, b)->from);

	return c != 0 ? c : a < b ? -1 : a > b;
}

static void test_sort_equal_prefixes(void **state)
{
	struct msglist *l = msglist_new();
	struct msg_batch *b = msg_batch_new();
	uint32_t pos[3000], ref[3000];

	(void)state;
	for (uint32_t uid = 1; uid <= 3000; uid++) {
		char from[64];
		snprintf(from, sizeof from, "[list-%u] Sender%s%u", uid % 7, uid % 3 ? "" : "x",
			 uid % 11);
		msg_batch_add(b, uid, 0, (int64_t)(uid * 7919 % 3001), uid, 0, from, "s");
	}
	msglist_add(l, b);
	for (uint32_t i = 0; i < 3000; i++)
		pos[i] = ref[i] = i;
	msgsort_positions(l, pos, 3000, MSGSORT_FROM, 0);
	qsort_r(ref, 3000, sizeof *ref, cmp_ref, l);
	assert_memory_equal(pos, ref, sizeof pos);
	msglist_free(l);
}

/* uid, date, own id, References (as a server sends the field). */
static void add_threaded(struct msg_batch *b, uint32_t uid, int64_t date, const char *id,
			 const char *refs, const char *subject)
{
	struct thread_ids t;
	char mid[64];

	snprintf(mid, sizeof mid, "<%s@x>", id);
	thread_ids_parse(mid, NULL, refs, &t);
	msg_batch_add(b, uid, MSG_SEEN, date, 10, 0, "Someone", subject);
	msg_batch_set_thread(b, t.id, t.parent, t.root);
}

/* The UIDs shown with each row's tree, as "1 2:`-> 3:|-> ...". */
static const char *trees(struct msgview *v, struct msglist *l)
{
	static char buf[512];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < msgview_count(v, l); i++) {
		char tree[64];
		msgview_tree(v, i, 1, tree, sizeof tree);
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%u%s%s", i ? " " : "",
					msgview_at(v, l, i)->uid, tree[0] ? ":" : "", tree);
	}
	return buf;
}

static void test_threads(void **state)
{
	struct msglist *l = msglist_new();
	struct msg_batch *b = msg_batch_new();
	struct msgview *v = msgview_new();
	char tree[64];

	(void)state;
	/* a: root; b and d answer a; c answers b; e is alone; f answers a
	 * message not in the folder (x) of a's thread; g and h name each
	 * other as parents. */
	add_threaded(b, 1, 100, "a", NULL, "Plan");
	add_threaded(b, 2, 200, "b", "<a@x>", "Re: idea");
	add_threaded(b, 3, 300, "e", NULL, "Other");
	add_threaded(b, 4, 400, "c", "<a@x> <b@x>", "Re: Re: Plan");
	add_threaded(b, 5, 500, "d", "References: <a@x>\r\n", "Re: Plan");
	add_threaded(b, 6, 600, "f", "<a@x> <x@x>", "Re: lost");
	add_threaded(b, 7, 700, "g", "<h@x>", "loop g");
	add_threaded(b, 8, 800, "h", "<g@x>", "loop h");
	msglist_add(l, b);
	msgview_set_sort(v, MSGSORT_THREAD, 0);
	msgview_update(v, l);
	assert_string_equal(trees(v, l), "1 2:|-> 4:| `-> 5:|-> 6:`-> 3 7 8:`->");
	/* Box drawing unless asked for ASCII. */
	msgview_tree(v, 2, 0, tree, sizeof tree);
	assert_string_equal(tree, "\u2502 \u2514\u2500>");
	/* Reversed: newest thread first, replies still in order. */
	msgview_set_sort(v, MSGSORT_THREAD, 1);
	msgview_update(v, l);
	assert_string_equal(trees(v, l), "7 8:`-> 3 1 2:|-> 4:| `-> 5:|-> 6:`->");
	/* A limit threads what it shows: c's parent hidden, c hangs from a. */
	msgview_set_sort(v, MSGSORT_THREAD, 0);
	assert_int_equal(msgview_set_limit(v, "~s plan", NULL), 0);
	msgview_update(v, l);
	assert_string_equal(trees(v, l), "1 4:|-> 5:`->");
	assert_int_equal(msgview_find(v, l, 5), 2);
	/* Other orders draw no tree. */
	msgview_set_sort(v, MSGSORT_DATE, 0);
	msgview_update(v, l);
	assert_int_equal(msgview_tree(v, 1, 1, tree, sizeof tree), 0);
	assert_string_equal(tree, "");
	msgview_free(v);
	msglist_free(l);
}

static void test_search(void **state)
{
	struct msglist *l = sample();
	struct msgview *v = msgview_new();
	const uint32_t found[] = { 5, 2, 99, 3 };

	(void)state;
	msgview_update(v, l);
	assert_null(msgview_search(v));
	/* In any order, with a UID the index does not hold. */
	msgview_set_search(v, "friday", found, 4);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "2,3,5");
	assert_string_equal(msgview_search(v), "friday");
	assert_int_equal(msgview_search_count(v), 4);
	/* The limit narrows the search's answer further. */
	assert_string_equal(limited(v, l, "~F"), "3");
	assert_string_equal(limited(v, l, "all"), "2,3,5");
	assert_string_equal(sorted(v, l, MSGSORT_DATE, 1), "5,3,2");
	/* Nothing found shows nothing. */
	msgview_set_search(v, "none", NULL, 0);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "");
	assert_null(msgview_at(v, l, 0));
	assert_int_equal(msgview_nearest(v, l, 1), -1);
	msgview_set_search(v, NULL, NULL, 0);
	msgview_update(v, l);
	assert_string_equal(shown(v, l), "5,4,3,2,1");
	msgview_free(v);
	msglist_free(l);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A limit over 100000 summaries: the right messages, and the time of one
 * pass printed for the record (bench/keys.sh measures key to redraw; a test
 * does not fail on timing). */
static void test_big(void **state)
{
	struct msglist *l = msglist_new();
	struct msgview *v = msgview_new();
	struct err e = { 0 };
	double best = 1e9;

	(void)state;
	for (uint32_t uid = 1; uid <= 100000;) {
		struct msg_batch *b = msg_batch_new();
		for (int i = 0; i < 500; i++, uid++) {
			char from[64], subject[96];
			snprintf(from, sizeof from, "Sender %u <user%u@example.org>", uid % 977, uid % 977);
			snprintf(subject, sizeof subject, "Re: the weekly report number %u about things", uid);
			msg_batch_add(b, uid, uid % 3 ? MSG_SEEN : 0, uid, uid, 0, from, subject);
			/* Threads of ten: each answers the first of its ten. */
			msg_batch_set_thread(b, uid, uid % 10 ? uid - uid % 10 + 1 : 0,
					     uid % 10 ? uid - uid % 10 + 1 : 0);
		}
		msglist_add(l, b);
	}
	for (int run = 0; run < 5; run++) {
		double t0 = now_ms();
		assert_int_equal(msgview_set_limit(v, "USER12@", &e), 0);
		msgview_update(v, l);
		double t = now_ms() - t0;
		if (t < best)
			best = t;
	}
	/* uid % 977 == 12: 12, 989, ... */
	assert_int_equal(msgview_count(v, l), (100000 - 12) / 977 + 1);
	for (size_t i = 0; i < msgview_count(v, l); i++)
		assert_non_null(strstr(msgview_at(v, l, i)->from, "user12@"));
	printf("# limit over 100000 messages: %.2f ms (best of 5)\n", best);
	msgview_set_limit(v, NULL, &e);
	for (int k = MSGSORT_DATE; k <= MSGSORT_THREAD; k++) {
		best = 1e9;
		for (int run = 0; run < 3; run++) {
			double t0 = now_ms();
			msgview_set_sort(v, (enum msgsort_key)k, 1);
			msgview_update(v, l);
			double t = now_ms() - t0;
			if (t < best)
				best = t;
		}
		assert_int_equal(msgview_count(v, l), 100000);
		printf("# reverse sort by %s over 100000 messages: %.2f ms (best of 3)\n",
		       msgsort_name((enum msgsort_key)k), best);
	}
	msgview_set_sort(v, MSGSORT_THREAD, 0);
	msgview_update(v, l);
	{
		char tree[64];
		/* uid 1 starts a thread; 2..9 answer it, 10 does not (10 % 10). */
		assert_int_equal(msgview_at(v, l, 0)->uid, 1);
		assert_int_equal(msgview_tree(v, 1, 1, tree, sizeof tree), 3);
		assert_int_equal(msgview_at(v, l, 8)->uid, 9);
		assert_string_equal(tree, "|->");
	}
	/* The subject sort: every subject shares "the weekly report number ". */
	msgview_set_sort(v, MSGSORT_SUBJECT, 0);
	msgview_update(v, l);
	for (size_t i = 1; i < msgview_count(v, l); i++)
		assert_true(strcmp(msgview_at(v, l, i - 1)->subject, msgview_at(v, l, i)->subject) <= 0);
	msgview_free(v);
	msglist_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns), cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_errors), cmocka_unit_test(test_changes),
		cmocka_unit_test(test_sort), cmocka_unit_test(test_subject_base),
		cmocka_unit_test(test_sort_equal_prefixes), cmocka_unit_test(test_search),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
