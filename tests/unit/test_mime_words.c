/* Unit tests of src/mail RFC 2047 words, RFC 2231 parameters and dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/charset.h"
#include "mail/mail_date.h"
#include "mail/mime_params.h"
#include "mail/mime_words.h"

static void check_decode(const char *in, const char *want)
{
	char *s = mime_words_decode(in);
	assert_string_equal(s, want);
	free(s);
}

static void test_decode_basic(void **state)
{
	(void)state;
	check_decode("plain text", "plain text");
	check_decode("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "Grüße");
	check_decode("=?utf-8?q?gr=c3=bc=c3=9fe_aus?=", "grüße aus");
	check_decode("=?ISO-8859-1?Q?Gr=FC=DFe?= aus =?iso-8859-1?b?S/Zsbg==?=", "Grüße aus Köln");
	check_decode("=?UTF-8?B?w5xiZXJzaWNodA==?=", "Übersicht");
	/* missing padding */
	check_decode("=?UTF-8?B?w5xiZXJzaWNodA?=", "Übersicht");
	check_decode("Re: =?UTF-8?Q?caf=C3=A9?= tonight", "Re: café tonight");
	check_decode("", "");
	check_decode(NULL, "");
}

static void test_decode_adjacent_words_join(void **state)
{
	(void)state;
	/* blanks between encoded words go, blanks next to plain text stay */
	check_decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab");
	check_decode("=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=", "ab");
	check_decode("=?UTF-8?Q?a?=\t  =?ISO-8859-1?Q?b?=", "ab");
	check_decode("=?UTF-8?Q?a_?= =?UTF-8?Q?b?=", "a b");
	check_decode("x =?UTF-8?Q?a?= y", "x a y");
	check_decode("=?UTF-8?Q?a?= plain =?UTF-8?Q?b?=", "a plain b");
}

static void test_decode_split_character(void **state)
{
	(void)state;
	/* "ü" = C3 BC split across two words, Q and B */
	check_decode("=?UTF-8?Q?gr=C3?= =?UTF-8?Q?=BCn?=", "grün");
	check_decode("=?UTF-8?B?Z3LD?= =?UTF-8?B?vG4=?=", "grün");
	/* Shift_JIS double byte split */
	check_decode("=?Shift_JIS?Q?=83?= =?Shift_JIS?Q?=5C?=", "ソ");
	/* ISO-2022-JP: state carries across words */
	check_decode("=?ISO-2022-JP?B?GyRCJDMkcxsoQg==?=", "こん");
}

static void test_decode_malformed_left_alone(void **state)
{
	(void)state;
	check_decode("=?UTF-8?Q?no end", "=?UTF-8?Q?no end");
	check_decode("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
	check_decode("=?UTF-8?Q?has space?=", "=?UTF-8?Q?has space?=");
	check_decode("=??Q?abc?=", "=??Q?abc?=");
	check_decode("a =? b ?= c", "a =? b ?= c");
	/* unknown charset: decoded bytes are guessed */
	check_decode("=?x-klingon?Q?caf=E9?=", "café");
	check_decode("=?utf-8*en?Q?lang?=", "lang");
	/* malformed Q escape stays literal */
	check_decode("=?UTF-8?Q?a=ZZb?=", "a=ZZb");
}

static void test_decode_raw_8bit(void **state)
{
	(void)state;
	check_decode("caf\xc3\xa9", "café");
	check_decode("caf\xe9", "café");
	/* text that decodes to itself (the fast path) and text that only
	 * looks like it: an overlong form is no UTF-8, "=?" at the very end */
	check_decode("plain = text ?= x", "plain = text ?= x");
	check_decode("日本語 ✓ x=", "日本語 ✓ x=");
	check_decode("\xc0\xaf", "À¯");
	check_decode("end=?", "end=?");
	check_decode("", "");
	/* unfolding */
	check_decode("a\r\n b", "a b");
	check_decode("a\nb", "a b");
}

static void test_encode_ascii_stays(void **state)
{
	(void)state;
	char *s = mime_words_encode("Lunch on Friday?", "Subject");
	assert_string_equal(s, "Lunch on Friday?");
	free(s);
	s = mime_words_encode("", "Subject");
	assert_string_equal(s, "");
	free(s);
}

static void assert_header_lines(const char *v, size_t first_col)
{
	const char *p = v;
	size_t col = first_col;
	for (; *p; p++) {
		assert_true((unsigned char)*p < 0x80);
		if (*p == '\r') {
			assert_int_equal(p[1], '\n');
			assert_true(p[2] == ' ' || p[2] == '\t');
			assert_true(col <= 78);
			col = 0;
			p++;
			continue;
		}
		assert_true(*p != '\n');
		col++;
	}
	assert_true(col <= 78);
}

static void round_trip(const char *in)
{
	char *e = mime_words_encode(in, "Subject");
	assert_header_lines(e, 9);
	char *d = mime_words_decode(e);
	assert_string_equal(d, in);
	free(e);
	free(d);
}

static void test_encode_round_trip(void **state)
{
	(void)state;
	round_trip("Grüße aus Köln");
	round_trip("Übersicht für März");
	round_trip("日本語の件名はとても長いのでいくつかのエンコードされた単語に分割されなければなりません、そうでしょう？");
	round_trip("mixed ascii words and ünïcödé words, then more ascii words to pass the line limit");
	round_trip("looks like =?UTF-8?Q?a?= word");
	round_trip("emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀");
	round_trip("two  spaces and trailing ");
	round_trip("a very long subject line written entirely in plain ascii that goes on and on past seventy eight");
}

static void test_encode_no_header_injection(void **state)
{
	(void)state;
	char *e = mime_words_encode("hi\r\nBcc: victim@example.org", "Subject");
	assert_null(strstr(e, "\nBcc"));
	for (const char *p = e; *p; p++)
		if (*p == '\n')
			assert_true(p[-1] == '\r' && p[1] == ' ');
	free(e);
}

static void test_encode_phrase(void **state)
{
	(void)state;
	char *s = mime_words_encode_phrase("Alice Example");
	assert_string_equal(s, "Alice Example");
	free(s);
	s = mime_words_encode_phrase("Last, First");
	assert_string_equal(s, "\"Last, First\"");
	free(s);
	s = mime_words_encode_phrase("say \"hi\"");
	assert_string_equal(s, "\"say \\\"hi\\\"\"");
	free(s);
	s = mime_words_encode_phrase("Jörg Müller");
	assert_null(strchr(s, '\xc3'));
	char *d = mime_words_decode(s);
	assert_string_equal(d, "Jörg Müller");
	free(d);
	free(s);
	s = mime_words_encode_phrase("evil\r\nBcc: x@y");
	assert_null(strchr(s, '\r'));
	assert_null(strchr(s, '\n'));
	free(s);
}

static void test_rfc2231_decode(void **state)
{
	(void)state;
	char *s = mime_rfc2231_decode("iso-8859-1'en'R%E9sum%E9.pdf");
	assert_string_equal(s, "Résumé.pdf");
	free(s);
	s = mime_rfc2231_decode("UTF-8''%C3%9Cbersicht%20M%C3%A4rz.pdf");
	assert_string_equal(s, "Übersicht März.pdf");
	free(s);
	s = mime_rfc2231_decode("''plain%2Ename");
	assert_string_equal(s, "plain.name");
	free(s);
	s = mime_rfc2231_decode("bad%zzescape");
	assert_string_equal(s, "bad%zzescape");
	free(s);
}

static char *lookup(const struct mime_param *p, size_t n, const char *want)
{
	return mime_param_lookup(p, n, want);
}

static void test_param_continuations(void **state)
{
	(void)state;
	const struct mime_param cont[] = {
		{ "filename*1*", "%A4rz%202024.pdf" },
		{ "filename*0*", "utf-8''%C3%9Cbersicht%20M%C3" },
		{ "size", "10" },
	};
	char *s = lookup(cont, 3, "filename");
	assert_string_equal(s, "Übersicht März 2024.pdf");
	free(s);

	const struct mime_param mixed[] = {
		{ "FILENAME*0", "very long " },
		{ "filename*1", "name.txt" },
		{ "filename*3", "after a gap" },
	};
	s = lookup(mixed, 3, "filename");
	assert_string_equal(s, "very long name.txt");
	free(s);

	const struct mime_param both[] = {
		{ "filename", "fallback.pdf" },
		{ "filename*", "utf-8''%E2%82%AC.pdf" },
	};
	s = lookup(both, 2, "filename");
	assert_string_equal(s, "€.pdf");
	free(s);

	const struct mime_param words[] = { { "name", "=?UTF-8?B?w5xiZXIucGRm?=" } };
	s = lookup(words, 1, "name");
	assert_string_equal(s, "Über.pdf");
	free(s);
	assert_null(lookup(words, 1, "filename"));

	const struct mime_param raw[] = { { "name", "caf\xe9.txt" } };
	s = lookup(raw, 1, "name");
	assert_string_equal(s, "café.txt");
	free(s);

	const struct mime_param zeros[] = { { "filename*00", "x" }, { "filename*0", "ok" } };
	s = lookup(zeros, 2, "filename");
	assert_string_equal(s, "ok");
	free(s);
}

static void test_dates(void **state)
{
	(void)state;
	/* 2024-01-01 10:00:00 UTC = 1704103200 */
	assert_int_equal(mail_date_parse("Mon, 1 Jan 2024 10:00:00 +0000"), 1704103200);
	assert_int_equal(mail_date_parse("Mon, 1 Jan 2024 15:30:00 +0530"), 1704103200);
	assert_int_equal(mail_date_parse("Mon, 1 Jan 2024 06:30:00 -0330"), 1704103200);
	assert_int_equal(mail_date_parse("1 Jan 2024 10:00 GMT"), 1704103200);
	assert_int_equal(mail_date_parse("Mon, 1 Jan 2024 10:00:00 UT"), 1704103200);
	assert_int_equal(mail_date_parse("Mon, 1 Jan 2024 05:00:00 EST"), 1704103200);
	assert_int_equal(mail_date_parse("Mon, 01 Jan 24 10:00:00 +0000 (UTC)"), 1704103200);
	assert_int_equal(mail_date_parse("Mon,1 Jan 2024 11:00:00 +0100"), 1704103200);
	assert_int_equal(mail_date_parse("Mon Jan  1 10:00:00 2024"), 1704103200);
	assert_int_equal(mail_date_parse("2024-01-01T10:00:00Z"), 1704103200);
	assert_int_equal(mail_date_parse("2024-01-01T12:00:00+02:00"), 1704103200);
	assert_int_equal(mail_date_parse("Thu, 29 Feb 2024 00:00:00 +0000"), 1709164800);
	assert_int_equal(mail_date_parse("Sat, 1 Jan 00 00:00:00 +0000"), 946684800);
	assert_int_equal(mail_date_parse("Fri, 31 Dec 1999 23:59:60 +0000"), 946684800);
	assert_int_equal(mail_date_parse(""), 0);
	assert_int_equal(mail_date_parse(NULL), 0);
	assert_int_equal(mail_date_parse("yesterday"), 0);
	assert_int_equal(mail_date_parse("Mon, 32 Foo 2024 99:99:99 +9999"), 0);
	assert_int_equal(mail_date_parse("Mon, 1 Jan 99999999999999999999 10:00:00"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_basic),
		cmocka_unit_test(test_decode_adjacent_words_join),
		cmocka_unit_test(test_decode_split_character),
		cmocka_unit_test(test_decode_malformed_left_alone),
		cmocka_unit_test(test_decode_raw_8bit),
		cmocka_unit_test(test_encode_ascii_stays),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_encode_no_header_injection),
		cmocka_unit_test(test_encode_phrase),
		cmocka_unit_test(test_rfc2231_decode),
		cmocka_unit_test(test_param_continuations),
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
