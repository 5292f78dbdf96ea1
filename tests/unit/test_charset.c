/* Unit tests of src/mail charset conversion and transfer encodings. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/charset.h"
#include "mail/mime_transfer.h"

static char *conv(const char *cs, const char *data, size_t len)
{
	size_t n;
	char *s = charset_to_utf8(cs, data, len, &n);
	assert_int_equal(strlen(s), n);
	assert_true(charset_is_utf8(s, n));
	return s;
}

static void check(const char *cs, const char *data, const char *want)
{
	char *s = conv(cs, data, strlen(data));
	assert_string_equal(s, want);
	free(s);
}

static void test_labels_and_aliases(void **state)
{
	(void)state;
	check("ISO-8859-1", "caf\xe9", "café");
	check("latin1", "caf\xe9", "café");
	check("\"iso-8859-1\"", "caf\xe9", "café");
	check("utf8", "caf\xc3\xa9", "café");
	check("UTF-8", "caf\xc3\xa9", "café");
	check("cp1252", "\x93q\x94 \x80", "“q” €");
	/* labelled Latin-1, really windows-1252 */
	check("iso-8859-1", "\x93q\x94", "“q”");
	/* us-ascii labels on 8-bit text: UTF-8 if it is, else windows-1252 */
	check("us-ascii", "caf\xc3\xa9", "café");
	check("us-ascii", "caf\xe9", "café");
	check("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет");
	check("utf-8*en", "ok", "ok");
}

static void test_missing_and_unknown(void **state)
{
	(void)state;
	check(NULL, "caf\xc3\xa9", "café");
	check(NULL, "caf\xe9", "café");
	check("", "caf\xe9", "café");
	check("x-unknown", "caf\xc3\xa9", "café");
	check("unknown-8bit", "caf\xe9", "café");
	check("no-such-charset-42", "caf\xe9", "café");
	check("x-no-such", "plain", "plain");
	/* names iconv would read as options are not passed on */
	check("utf-8//TRANSLIT", "caf\xe9", "café");
}

static void test_invalid_bytes_become_replacement(void **state)
{
	(void)state;
	check("utf-8", "a\xff" "b", "a\xef\xbf\xbd" "b");
	check("utf-8", "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");            /* overlong */
	check("utf-8", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	check("utf-8", "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check("utf-8", "end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd");
	/* undefined in windows-1252 */
	check("windows-1252", "a\x81z", "a\xef\xbf\xbdz");
	/* truncated Shift_JIS double byte at the end */
	check("shift_jis", "\x82\xa0\x82", "あ\xef\xbf\xbd");
}

static void test_nul_bytes_never_pass(void **state)
{
	(void)state;
	size_t n;
	char *s = charset_to_utf8("utf-8", "a\0b", 3, &n);
	assert_int_equal(n, 5);
	assert_string_equal(s, "a\xef\xbf\xbd" "b");
	free(s);
	s = charset_to_utf8("iso-8859-1", "a\0b", 3, &n);
	assert_string_equal(s, "a\xef\xbf\xbd" "b");
	free(s);
}

static void test_japanese(void **state)
{
	(void)state;
	/* ISO-2022-JP is stateful: the final escape back to ASCII must be handled */
	check("iso-2022-jp", "\x1b$B$3$s$K$A$O\x1b(B!", "こんにちは!");
	check("Shift_JIS", "\x83\x5c\x83\x74\x83\x67", "ソフト");
	/* NEC special characters only exist in the Microsoft variant */
	check("shift_jis", "\x87\x40", "①");
	check("euc-jp", "\xa4\xa2", "あ");
}

/* Conversions are kept open per thread and reused: each use must start in
 * the initial state, and more charsets than the cache holds must still
 * convert right, in any order and on several threads at once. */
static void test_reused_conversions(void **state)
{
	(void)state;
	static const char *const many[] = { "iso-8859-2", "iso-8859-5", "koi8-r", "windows-1251",
					    "iso-8859-7", "euc-kr", "gb2312", "big5", "iso-8859-15",
					    "windows-1250", "iso-2022-jp" };
	/* Left in JIS mode by a message cut in the middle of a character... */
	char *s = conv("iso-2022-jp", "\x1b$B$3$", 6);
	free(s);
	/* ...the next one starts in ASCII again. */
	check("iso-2022-jp", "$3$s", "$3$s");
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof many / sizeof many[0]; i++) {
			s = conv(many[i], "abc", 3);
			assert_string_equal(s, "abc");
			free(s);
		}
	check("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет");
	check("iso-8859-2", "\xb1", "ą");
}

static void *convert_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		size_t n;
		char *s = charset_to_utf8(i % 2 ? "koi8-r" : "iso-8859-2",
					  i % 2 ? "\xf0\xd2" : "\xf0\xb1", 2, &n);
		if (strcmp(s, i % 2 ? "Пр" : "đą") != 0) {
			free(s);
			return (void *)1;
		}
		free(s);
	}
	return NULL;
}

static void test_conversions_on_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	void *r;

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, convert_many, NULL), 0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_null(r);
	}
}

static void test_is_utf8(void **state)
{
	(void)state;
	assert_true(charset_is_utf8("", 0));
	assert_true(charset_is_utf8("abc", 3));
	assert_true(charset_is_utf8("\xf0\x9f\x98\x80", 4));
	assert_false(charset_is_utf8("\xf0\x9f\x98", 3));
	assert_false(charset_is_utf8("\xe9", 1));
}

static char *b64(const char *in)
{
	struct strbuf b = STRBUF_INIT;
	mime_base64_decode(&b, in, strlen(in));
	return strbuf_detach(&b, NULL);
}

static void test_base64_decode_lenient(void **state)
{
	(void)state;
	char *s = b64("aGVsbG8gd29ybGQ=");
	assert_string_equal(s, "hello world");
	free(s);
	s = b64("aGVs\r\nbG8g\n d29y bGQ=");
	assert_string_equal(s, "hello world");
	free(s);
	/* truncated: what is there is kept */
	s = b64("aGVsbG8gd29ybG");
	assert_string_equal(s, "hello worl");
	free(s);
	/* two encodings glued together */
	s = b64("aGk=aGk=");
	assert_string_equal(s, "hihi");
	free(s);
	s = b64("a!G@V#s$bG8=");
	assert_string_equal(s, "hello");
	free(s);
	s = b64("");
	assert_string_equal(s, "");
	free(s);
}

static char *qp(const char *in)
{
	struct strbuf b = STRBUF_INIT;
	mime_qp_decode(&b, in, strlen(in));
	return strbuf_detach(&b, NULL);
}

static void test_qp_decode(void **state)
{
	(void)state;
	char *s = qp("caf=C3=A9 soft=\r\nbreak=3d end\r\nnext   \r\n");
	assert_string_equal(s, "café softbreak= end\r\nnext\r\n");
	free(s);
	/* malformed escapes stay, and never become NUL */
	s = qp("a=ZZb=4 =\n");
	assert_string_equal(s, "a=ZZb=4 ");
	free(s);
	s = qp("lower=c3=a9");
	assert_string_equal(s, "loweré");
	free(s);
	s = qp("x= \ny");
	assert_string_equal(s, "xy");
	free(s);
	s = qp("trailing=");
	assert_string_equal(s, "trailing");
	free(s);
}

static void test_qp_encode_round_trip(void **state)
{
	(void)state;
	struct strbuf text = STRBUF_INIT;
	strbuf_appends(&text, "Grüße, a = b\tand trailing \n");
	for (int i = 0; i < 300; i++)
		strbuf_appends(&text, i % 7 ? "x" : "é");
	strbuf_appends(&text, "\nFrom here\n.\nlast line ends with space ");

	struct strbuf enc = STRBUF_INIT;
	mime_qp_encode(&enc, text.s, text.len);
	/* every line short, CRLF, 7-bit, no trailing blank */
	const char *p = enc.s;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 76);
		if (e > p)
			assert_true(e[-1] != ' ' && e[-1] != '\t');
		for (const char *q = p; q < e; q++)
			assert_true((unsigned char)*q < 0x80 && *q != '\n' && *q != '\r');
		p = e + 2;
	}
	assert_null(strstr(enc.s, "\r\nFrom "));
	assert_null(strstr(enc.s, "\r\n.\r\n"));

	struct strbuf dec = STRBUF_INIT;
	mime_qp_decode(&dec, enc.s, enc.len);
	/* CRLF back to LF to compare */
	struct strbuf lf = STRBUF_INIT;
	for (size_t i = 0; i < dec.len; i++)
		if (!(dec.s[i] == '\r' && i + 1 < dec.len && dec.s[i + 1] == '\n'))
			strbuf_appendc(&lf, dec.s[i]);
	strbuf_appendc(&text, '\n');
	assert_string_equal(lf.s, text.s);
	strbuf_free(&text);
	strbuf_free(&enc);
	strbuf_free(&dec);
	strbuf_free(&lf);
}

static void test_base64_encode_lines(void **state)
{
	(void)state;
	unsigned char data[1000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	struct strbuf enc = STRBUF_INIT;
	/* in two pieces, the first a whole number of lines */
	mime_base64_encode_lines(&enc, data, 57 * 10);
	mime_base64_encode_lines(&enc, data + 570, sizeof data - 570);
	const char *p = enc.s;
	size_t lines = 0;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 76);
		lines++;
		p = e + 2;
	}
	assert_int_equal(lines, (sizeof data + 56) / 57);
	struct strbuf dec = STRBUF_INIT;
	mime_base64_decode(&dec, enc.s, enc.len);
	assert_int_equal(dec.len, sizeof data);
	assert_memory_equal(dec.s, data, sizeof data);
	strbuf_free(&enc);
	strbuf_free(&dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_and_aliases),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_invalid_bytes_become_replacement),
		cmocka_unit_test(test_nul_bytes_never_pass),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_reused_conversions),
		cmocka_unit_test(test_conversions_on_threads),
		cmocka_unit_test(test_is_utf8),
		cmocka_unit_test(test_base64_decode_lenient),
		cmocka_unit_test(test_qp_decode),
		cmocka_unit_test(test_qp_encode_round_trip),
		cmocka_unit_test(test_base64_encode_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
