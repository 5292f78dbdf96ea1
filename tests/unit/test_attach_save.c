/* Unit tests of src/mail/attach_save: free names, no overwrite, no partial
 * files. With SKUA_TEST_FULL_DIR set (see attach_save_full.sh) it also saves
 * into a really full file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/attach_save.h"

static char *make_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *d;
	if (asprintf(&d, "%s/skua-attach-XXXXXX", t && *t ? t : P_tmpdir) < 0)
		return NULL;
	assert_non_null(mkdtemp(d));
	return d;
}

static void remove_dir(char *d)
{
	DIR *dir = opendir(d);
	struct dirent *de;
	while (dir && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p;
		assert_true(asprintf(&p, "%s/%s", d, de->d_name) > 0);
		unlink(p);
		free(p);
	}
	if (dir)
		closedir(dir);
	rmdir(d);
	free(d);
}

static int count_entries(const char *d)
{
	DIR *dir = opendir(d);
	struct dirent *de;
	int n = 0;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void save_expect(const char *dir, const char *name, const char *data, const char *want_base)
{
	struct err e;
	char *path = NULL;
	assert_int_equal(attach_save(dir, name, data, strlen(data), &path, &e), 0);
	assert_non_null(path);
	const char *base = strrchr(path, '/') + 1;
	assert_string_equal(base, want_base);
	assert_memory_equal(path, dir, strlen(dir));
	size_t n;
	char *got = read_file(path, &n);
	assert_int_equal(n, strlen(data));
	assert_memory_equal(got, data, n);
	free(got);
	free(path);
}

static void test_free_names(void **state)
{
	(void)state;
	char *d = make_dir();
	save_expect(d, "a.txt", "first", "a.txt");
	save_expect(d, "a.txt", "second", "a (1).txt");
	save_expect(d, "a.txt", "third", "a (2).txt");
	save_expect(d, "noext", "x", "noext");
	save_expect(d, "noext", "y", "noext (1)");
	save_expect(d, "archive.tar.gz", "z", "archive.tar.gz");
	save_expect(d, "archive.tar.gz", "z", "archive.tar (1).gz");
	save_expect(d, "empty", "", "empty");
	/* the first file was not touched */
	char *p;
	assert_true(asprintf(&p, "%s/a.txt", d) > 0);
	size_t n;
	char *got = read_file(p, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(got, "first", 5);
	free(got);
	free(p);
	/* no temporary file left behind: 3 + 2 + 2 + 1 */
	assert_int_equal(count_entries(d), 8);
	remove_dir(d);
}

static void test_hostile_names_stay_inside(void **state)
{
	(void)state;
	char *d = make_dir();
	save_expect(d, "../../etc/passwd", "x", "_.._etc_passwd");
	save_expect(d, "..", "x", "attachment");
	save_expect(d, ".", "x", "attachment (1)");
	save_expect(d, "", "x", "attachment (2)");
	save_expect(d, NULL, "x", "attachment (3)");
	save_expect(d, "/etc/shadow", "x", "_etc_shadow");
	save_expect(d, "\x1b]52;c;x\x07" "evil\x1b[2J.sh", "x", "evil.sh");
	save_expect(d, ".profile", "x", "profile");

	/* a dangling symlink holds its name and is never followed */
	char *outside, *link;
	assert_true(asprintf(&outside, "%s-target", d) > 0);
	assert_true(asprintf(&link, "%s/link.txt", d) > 0);
	assert_int_equal(symlink(outside, link), 0);
	save_expect(d, "link.txt", "data", "link (1).txt");
	struct stat st;
	assert_int_equal(lstat(outside, &st), -1);
	free(outside);
	free(link);
	remove_dir(d);
}

static void test_bad_folder(void **state)
{
	(void)state;
	struct err e;
	char *d = make_dir();
	char *missing, *file, *path = (char *)"unchanged";
	assert_true(asprintf(&missing, "%s/nope", d) > 0);
	assert_int_equal(attach_save(missing, "a.txt", "x", 1, &path, &e), -1);
	assert_null(path);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "no folder"));
	assert_non_null(strstr(e.msg, missing));

	save_expect(d, "plain", "x", "plain");
	assert_true(asprintf(&file, "%s/plain", d) > 0);
	assert_int_equal(attach_save(file, "a.txt", "x", 1, NULL, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "no folder"));
	free(missing);
	free(file);
	remove_dir(d);
}

static void test_file_size_limit_leaves_nothing(void **state)
{
	(void)state;
	struct rlimit old, lim;
	struct err e;
	char *d = make_dir();
	size_t len = 200 * 1024;
	char *data = malloc(len);
	memset(data, 'q', len);

	/* EFBIG instead of a signal: a stand-in for a full disk without root */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	char *path = NULL;
	int r = attach_save(d, "big.bin", data, len, &path, &e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	assert_int_equal(r, -1);
	assert_null(path);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "big.bin"));
	assert_non_null(strstr(e.msg, d));
	assert_int_equal(count_entries(d), 0);
	free(data);
	remove_dir(d);
}

static void test_full_disk_leaves_nothing(void **state)
{
	(void)state;
	const char *d = getenv("SKUA_TEST_FULL_DIR");
	struct err e;
	if (d == NULL || *d == '\0')
		skip();
	size_t len = 1024 * 1024;
	char *data = malloc(len);
	memset(data, 'z', len);
	save_expect(d, "small.txt", "fits", "small.txt");
	char *path = NULL;
	assert_int_equal(attach_save(d, "huge.bin", data, len, &path, &e), -1);
	assert_null(path);
	assert_int_equal(e.code, ERR_IO);
	char *want;
	assert_true(asprintf(&want, "disk full while saving huge.bin to %s", d) > 0);
	assert_string_equal(e.msg, want);
	free(want);
	/* only the small file: no partial file, no temporary file */
	assert_int_equal(count_entries(d), 1);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_names),
		cmocka_unit_test(test_hostile_names_stay_inside),
		cmocka_unit_test(test_bad_folder),
		cmocka_unit_test(test_file_size_limit_leaves_nothing),
		cmocka_unit_test(test_full_disk_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
