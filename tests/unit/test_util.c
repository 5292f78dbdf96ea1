/* Unit tests of src/util: buffers, base64, UTF-8, dates, errors, paths, file I/O. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/base64.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static void test_strbuf_grows_and_detaches(void **state)
{
	struct strbuf b = STRBUF_INIT;
	(void)state;

	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%d,", i % 10);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.s[b.len], '\0');
	assert_memory_equal(b.s, "0,1,2,", 6);
	size_t len;
	char *s = strbuf_detach(&b, &len);
	assert_int_equal(len, 2000);
	assert_null(b.s);
	free(s);
	s = strbuf_detach(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
}

static void test_base64_round_trip(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	(void)state;

	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		char *enc = base64_encode(plain[i], strlen(plain[i]));
		assert_string_equal(enc, coded[i]);
		size_t n;
		unsigned char *dec = base64_decode(enc, strlen(enc), &n);
		assert_non_null(dec);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(dec, plain[i], n);
		free(enc);
		free(dec);
	}
	size_t n;
	unsigned char *dec = base64_decode("Zm9v\r\nYmFy", 10, &n);
	assert_int_equal(n, 6);
	free(dec);
	assert_null(base64_decode("Zm9v!", 5, &n));
	assert_null(base64_decode("Zg==Zg==", 8, &n));
	assert_int_equal(base64_value('A'), 0);
	assert_int_equal(base64_value('/'), 63);
	assert_int_equal(base64_value('='), -1);
	assert_int_equal(base64_value(','), -1);
}

static void test_utf8_decode(void **state)
{
	static const struct {
		const char *in;
		size_t len;      /* 0: not a character */
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 'A' },
		{ "\xc3\xa9", 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xc0\xaf", 0, 0 },               /* overlong '/' */
		{ "\xe0\x80\xaf", 0, 0 },          /* overlong, three bytes */
		{ "\xf0\x80\x80\xaf", 0, 0 },      /* overlong, four bytes */
		{ "\xed\xa0\x80", 0, 0 },          /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", 0, 0 },      /* above U+10FFFF */
		{ "\xe2\x82", 0, 0 },              /* truncated */
		{ "\x80", 0, 0 },                  /* lone continuation byte */
		{ "\xc3" "A", 0, 0 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t cp = 0;
		size_t n = strlen(cases[i].in);
		assert_int_equal(utf8_decode((const unsigned char *)cases[i].in, n, &cp), cases[i].len);
		if (cases[i].len)
			assert_int_equal(cp, cases[i].cp);
	}
	/* The length given is a hard limit, NUL or not. */
	assert_int_equal(utf8_decode((const unsigned char *)"\xc3\xa9", 1, NULL), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"", 0, NULL), 0);
}

static void test_utf8_put(void **state)
{
	static const uint32_t cps[] = { 'A', 0xe9, 0x20ac, 0x1f600, 0, 0xd800, 0xdfff, 0x110000 };
	struct strbuf b = STRBUF_INIT;
	(void)state;

	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
		utf8_put(&b, cps[i]);
	/* NUL, surrogates and values out of range come out as U+FFFD. */
	assert_string_equal(b.s, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Whatever utf8_put writes decodes back to what it was given. */
	strbuf_reset(&b);
	for (uint32_t cp = 1; cp < 0x110000; cp += cp < 0x1000 ? 1 : 97) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		strbuf_reset(&b);
		utf8_put(&b, cp);
		uint32_t back = 0;
		assert_int_equal(utf8_decode((const unsigned char *)b.s, b.len, &back), b.len);
		assert_int_equal(back, cp);
	}
	strbuf_free(&b);
}

static void test_utc_to_epoch(void **state)
{
	(void)state;
	assert_true(clock_utc_to_epoch(1970, 1, 1, 0, 0, 0) == 0);
	assert_true(clock_utc_to_epoch(1969, 12, 31, 23, 59, 59) == -1);
	assert_true(clock_utc_to_epoch(2000, 2, 29, 12, 0, 0) == 951825600);
	assert_true(clock_utc_to_epoch(2024, 3, 1, 0, 0, 0) == 1709251200);
	assert_true(clock_utc_to_epoch(1600, 3, 1, 0, 0, 0) == -11670912000LL);
	assert_true(clock_utc_to_epoch(9999, 12, 31, 23, 59, 60) == 253402300800LL);
}

static void test_err_prefix(void **state)
{
	struct err e;
	(void)state;

	assert_int_equal(err_set(&e, ERR_IO, "disk %s", "full"), -1);
	err_prefix(&e, "saving %s", "a.txt");
	assert_string_equal(e.msg, "saving a.txt: disk full");
	assert_int_equal(e.code, ERR_IO);
	char big[600];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	err_prefix(&e, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
}

static void test_xdg_paths(void **state)
{
	(void)state;
	setenv("HOME", "/home/u", 1);
	setenv("XDG_STATE_HOME", "/st", 1);
	char *p = paths_state_dir();
	assert_string_equal(p, "/st/skua");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);   /* invalid per the spec: ignored */
	p = paths_state_dir();
	assert_string_equal(p, "/home/u/.local/state/skua");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = paths_config_dir();
	assert_string_equal(p, "/home/u/.config/skua");
	free(p);
	p = paths_expand_home("~/Mail");
	assert_string_equal(p, "/home/u/Mail");
	free(p);
}

static void test_mkdir_parent_and_fileio(void **state)
{
	char dir[] = "/tmp/skua-test-util-XXXXXX";
	struct err e;
	struct stat st;
	(void)state;

	assert_non_null(mkdtemp(dir));
	char *file = xasprintf("%s/a/b/file", dir);
	assert_int_equal(paths_mkdir_parent(file, 0700, &e), 0);
	char *sub = xasprintf("%s/a/b", dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(paths_mkdir_parent("file-here", 0700, &e), 0);   /* no folder part */

	static char data[100000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7);
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fileio_write_all(fd, data, sizeof data), 0);
	close(fd);
	static char back[sizeof data + 10];
	fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fileio_read_full(fd, back, 10), 10);
	assert_int_equal(fileio_read_full(fd, back + 10, sizeof back - 10), sizeof data - 10);
	close(fd);
	assert_memory_equal(back, data, sizeof data);

	unlink(file);
	rmdir(sub);
	free(sub);
	sub = xasprintf("%s/a", dir);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_grows_and_detaches),
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_put),
		cmocka_unit_test(test_utc_to_epoch),
		cmocka_unit_test(test_err_prefix),
		cmocka_unit_test(test_xdg_paths),
		cmocka_unit_test(test_mkdir_parent_and_fileio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
