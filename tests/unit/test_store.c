/* Unit tests of src/store: the packed record, chunked folders, updates in
 * one transaction, UIDVALIDITY resets, and damaged or foreign cache files. */
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
#include <sqlite3.h>

#include "store/store.h"
#include "util/xalloc.h"

static char dir[] = "/tmp/skua-test-store-XXXXXX";
static char path[sizeof dir + 16];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/skua-test-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[sizeof path + 8];
	(void)state;
	/* Only the test's own files: a.db and its -wal and -shm. */
	snprintf(cmd, sizeof cmd, "%s-wal", path);
	unlink(cmd);
	snprintf(cmd, sizeof cmd, "%s-shm", path);
	unlink(cmd);
	unlink(path);
	rmdir(dir);
	return 0;
}

static struct store *open_ok(char **notice)
{
	struct err e = { 0 };
	struct store *st = store_open(path, notice, &e);
	assert_non_null(st);
	return st;
}

struct seen {
	uint32_t *uids;
	unsigned *flags;
	size_t n, cap;
	char last_subject[64];
};

static int collect(const struct store_msg *m, void *ctx)
{
	struct seen *s = ctx;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->uids = xreallocarray(s->uids, s->cap, sizeof *s->uids);
		s->flags = xreallocarray(s->flags, s->cap, sizeof *s->flags);
	}
	s->uids[s->n] = m->uid;
	s->flags[s->n++] = m->flags;
	snprintf(s->last_subject, sizeof s->last_subject, "%s", m->subject);
	return 0;
}

static void seen_free(struct seen *s)
{
	free(s->uids);
	free(s->flags);
	memset(s, 0, sizeof *s);
}

static void fill(struct store *st, const char *folder, uint32_t first, uint32_t n, int reset)
{
	struct store_update *u = store_update_new(st, folder);
	struct store_folder_state fs = { 7, first + n, 100 };
	struct err e = { 0 };
	char subj[64];

	if (reset)
		store_update_reset(u);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(subj, sizeof subj, "subject %u", first + i);
		struct store_msg m = { first + i, 1000 + i, 1700000000 + i, 0, i % 3 == 0,
				       "Alice Ümlaut", subj, 0, 0, 0 };
		store_update_add(u, &m);
	}
	assert_int_equal(store_update_commit(u, &fs, &e), 0);
	store_update_free(u);
}

static void test_pack_roundtrip(void **state)
{
	struct strbuf b = STRBUF_INIT;
	struct store_msg m = { 42, 1234, -5, 0x41, 1, "Bob", "Grüße", 0x8877665544332211ULL,
			       UINT64_MAX, 7 }, r;
	const unsigned char *p, *end;
	(void)state;

	store_msg_pack(&m, &b);
	p = (const unsigned char *)b.s;
	end = p + b.len;
	assert_int_equal(store_msg_unpack(&p, end, &r), 0);
	assert_ptr_equal(p, end);
	assert_int_equal(r.uid, 42);
	assert_int_equal(r.size, 1234);
	assert_true(r.date == -5);
	assert_int_equal(r.flags, 0x41);
	assert_int_equal(r.has_attachment, 1);
	assert_string_equal(r.from, "Bob");
	assert_string_equal(r.subject, "Grüße");
	assert_true(r.thread_id == 0x8877665544332211ULL);
	assert_true(r.thread_parent == UINT64_MAX);
	assert_true(r.thread_root == 7);
	/* Every truncation of a record is refused, never read past. */
	for (size_t cut = 0; cut < b.len; cut++) {
		p = (const unsigned char *)b.s;
		assert_int_equal(store_msg_unpack(&p, p + cut, &r), -1);
	}
	strbuf_free(&b);
}

static void test_fill_read_update(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct store_folder_state fs;
	struct seen s = { 0 };
	struct err e = { 0 };
	(void)state;

	assert_null(notice);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 1);
	fill(st, "INBOX", 1, 5000, 1);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 0);
	assert_int_equal(fs.uidvalidity, 7);
	assert_int_equal(fs.uidnext, 5001);
	assert_int_equal(store_folder_read(st, "INBOX", collect, &s, &e), 0);
	assert_int_equal(s.n, 5000);
	assert_int_equal(s.uids[4999], 5000);
	seen_free(&s);

	/* Vanish across chunks, change flags, append new ones. */
	struct store_update *u = store_update_new(st, "INBOX");
	store_update_vanish(u, 1);
	store_update_vanish(u, 2048);
	store_update_vanish(u, 4097);
	store_update_flags(u, 3000, 1);
	store_update_flags(u, 3000, 5);   /* the later change wins */
	store_update_flags(u, 99999, 1);  /* not cached: ignored */
	for (uint32_t i = 0; i < 3000; i++) {
		struct store_msg m = { 6000 + i, 1, 1, 0, 0, "x", "new", 0, 0, 0 };
		store_update_add(u, &m);
	}
	struct store_folder_state nfs = { 7, 9000, 200 };
	assert_int_equal(store_update_commit(u, &nfs, &e), 0);
	store_update_free(u);
	assert_int_equal(store_folder_read(st, "INBOX", collect, &s, &e), 0);
	assert_int_equal(s.n, 5000 - 3 + 3000);
	assert_int_equal(s.uids[0], 2);
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.uids[i] > s.uids[i - 1]);
	for (size_t i = 0; i < s.n; i++) {
		assert_true(s.uids[i] != 2048 && s.uids[i] != 4097);
		if (s.uids[i] == 3000)
			assert_int_equal(s.flags[i], 5);
		else if (s.uids[i] < 6000)
			assert_int_equal(s.flags[i], 0);
	}
	assert_string_equal(s.last_subject, "new");
	seen_free(&s);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 0);
	assert_true(fs.highestmodseq == 200);
	assert_int_equal(fs.uidnext, 9000);

	/* A reset (UIDVALIDITY changed) replaces the folder. */
	fill(st, "INBOX", 10, 3, 1);
	assert_int_equal(store_folder_read(st, "INBOX", collect, &s, &e), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.uids[0], 10);
	seen_free(&s);
	/* Another folder is independent; a drop forgets it. */
	fill(st, "Other", 1, 2, 1);
	assert_int_equal(store_folder_drop(st, "INBOX", &e), 0);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 1);
	assert_int_equal(store_folder_state(st, "Other", &fs, &e), 0);
	store_close(st);
}

static void test_update_not_committed_keeps_old(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct seen s = { 0 };
	struct err e = { 0 };
	(void)state;

	fill(st, "INBOX", 1, 10, 1);
	struct store_update *u = store_update_new(st, "INBOX");
	store_update_vanish(u, 5);
	store_update_free(u);   /* as if the process died before the commit */
	store_close(st);
	st = open_ok(&notice);
	assert_null(notice);
	assert_int_equal(store_folder_read(st, "INBOX", collect, &s, &e), 0);
	assert_int_equal(s.n, 10);
	seen_free(&s);
	store_close(st);
}

static void write_file(const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_garbage_file_rebuilt(void **state)
{
	char *notice;
	struct store *st;
	struct store_folder_state fs;
	struct err e = { 0 };
	char junk[8192];
	(void)state;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(junk, sizeof junk);
	st = open_ok(&notice);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "rebuilt"));
	free(notice);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 1);
	fill(st, "INBOX", 1, 3, 1);
	store_close(st);
}

static void test_damaged_pages_rebuilt(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct store_folder_state fs;
	struct seen s = { 0 };
	struct err e = { 0 };
	FILE *f;
	(void)state;

	fill(st, "INBOX", 1, 20000, 1);
	store_close(st);   /* checkpoints the WAL into the file */
	/* Overwrite the middle of the file, where chunks and b-tree pages lie. */
	f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 4096, SEEK_SET);
	for (long i = 4096; i < size - 4096; i++)
		fputc((int)(i * 13), f);
	fclose(f);
	st = open_ok(&notice);
	/* Either the open sees it, or the read does: never a crash, never
	 * wrong data. */
	if (notice == NULL) {
		int r = store_folder_state(st, "INBOX", &fs, &e);
		if (r == 0) {
			r = store_folder_read(st, "INBOX", collect, &s, &e);
			assert_true(r == -1 || s.n == 20000);
			seen_free(&s);
		}
	}
	free(notice);
	store_close(st);
}

static void test_foreign_version_rebuilt(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct store_folder_state fs;
	struct err e = { 0 };
	sqlite3 *db;
	(void)state;

	fill(st, "INBOX", 1, 3, 1);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(&notice);
	assert_non_null(notice);
	free(notice);
	assert_int_equal(store_folder_state(st, "INBOX", &fs, &e), 1);
	store_close(st);
}

static void test_damaged_chunk_reported(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct seen s = { 0 };
	struct err e = { 0 };
	sqlite3 *db;
	(void)state;

	fill(st, "INBOX", 1, 3, 1);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE chunk SET data = x'0102030405'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(&notice);
	assert_int_equal(store_folder_read(st, "INBOX", collect, &s, &e), -1);
	assert_non_null(strstr(e.msg, "damaged"));
	seen_free(&s);
	store_close(st);
}

static void test_bodies(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct strbuf b = STRBUF_INIT;
	struct err e = { 0 };
	char big[3000];
	(void)state;

	memset(big, 'x', sizeof big);
	/* Not kept for a folder that is not cached. */
	assert_int_equal(store_body_put(st, "INBOX", 1, "hello", 5, 10000, &e), 1);
	fill(st, "INBOX", 1, 10, 1);
	assert_int_equal(store_body_put(st, "INBOX", 1, "hello", 5, 10000, &e), 0);
	assert_int_equal(store_body_get(st, "INBOX", 1, &b, &e), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.s, "hello", 5);
	assert_int_equal(store_body_get(st, "INBOX", 2, &b, &e), 1);
	/* Bigger than the limit: not kept. */
	assert_int_equal(store_body_put(st, "INBOX", 2, big, sizeof big, 2000, &e), 1);
	/* Over the limit the least recently read go: 2, 3, 4 of 3000 bytes in
	 * 7000, 2 read again, then 5 pushes out 3 (not 2). */
	assert_int_equal(store_body_put(st, "INBOX", 2, big, sizeof big, 7000, &e), 0);
	assert_int_equal(store_body_put(st, "INBOX", 3, big, sizeof big, 7000, &e), 0);
	strbuf_reset(&b);
	assert_int_equal(store_body_get(st, "INBOX", 2, &b, &e), 0);
	assert_int_equal(store_body_put(st, "INBOX", 4, big, sizeof big, 7000, &e), 0);
	assert_true(store_body_bytes(st) <= 7000);
	assert_int_equal(store_body_get(st, "INBOX", 3, &b, &e), 1);
	assert_int_equal(store_body_get(st, "INBOX", 2, &b, &e), 0);
	assert_int_equal(store_body_get(st, "INBOX", 4, &b, &e), 0);
	/* A vanished message takes its body along; a reset takes all. */
	struct store_update *u = store_update_new(st, "INBOX");
	store_update_vanish(u, 4);
	struct store_folder_state fs = { 7, 11, 100 };
	assert_int_equal(store_update_commit(u, &fs, &e), 0);
	store_update_free(u);
	assert_int_equal(store_body_get(st, "INBOX", 4, &b, &e), 1);
	assert_int_equal(store_body_get(st, "INBOX", 2, &b, &e), 0);
	fill(st, "INBOX", 1, 10, 1);
	assert_int_equal(store_body_get(st, "INBOX", 2, &b, &e), 1);
	assert_true(store_body_bytes(st) == 0);
	strbuf_free(&b);
	store_close(st);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count(const struct store_msg *m, void *ctx)
{
	(void)m;
	(*(size_t *)ctx)++;
	return 0;
}

/* A warm open reads 100000 summaries; prints the time (never fails on it). */
static void test_read_100000(void **state)
{
	char *notice;
	struct store *st = open_ok(&notice);
	struct err e = { 0 };
	size_t n = 0;
	(void)state;

	double t0 = now();
	fill(st, "Big", 1, 100000, 1);
	double t1 = now();
	store_close(st);
	st = open_ok(&notice);
	double t2 = now();
	assert_int_equal(store_folder_read(st, "Big", count, &n, &e), 0);
	double t3 = now();
	assert_int_equal(n, 100000);
	/* A resync's changes: 1000 flags and 100 new messages. */
	struct store_update *u = store_update_new(st, "Big");
	for (uint32_t i = 0; i < 1000; i++)
		store_update_flags(u, 1 + i * 100, 1);
	for (uint32_t i = 0; i < 100; i++) {
		struct store_msg m = { 100001 + i, 1, 1, 0, 0, "x", "new", 0, 0, 0 };
		store_update_add(u, &m);
	}
	struct store_folder_state fs = { 7, 100101, 300 };
	double t4 = now();
	assert_int_equal(store_update_commit(u, &fs, &e), 0);
	double t5 = now();
	store_update_free(u);
	printf("# store: write 100000 %.3f s, open %.4f s, read 100000 %.4f s, "
	       "commit 1000 flags + 100 new %.4f s\n", t1 - t0, t2 - t1, t3 - t2, t5 - t4);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_roundtrip),
		cmocka_unit_test_setup_teardown(test_fill_read_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_not_committed_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_pages_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_version_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_chunk_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_100000, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
