/* Unit tests of src/mail/safe_text: terminal and file name sanitizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/charset.h"
#include "mail/safe_text.h"

static void check_term(const char *in, int nl, const char *want)
{
	char *s = safe_text_terminal(in, nl);
	assert_string_equal(s, want);
	free(s);
}

/* Nothing a terminal could act on may survive. */
static void assert_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	assert_true(charset_is_utf8(s, strlen(s)));
	for (; *p; p++) {
		assert_true(*p >= 0x20 || *p == '\n');
		assert_true(*p != 0x7f);
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
		if (p[0] == 0xe2 && p[1] == 0x80)
			assert_false(p[2] >= 0xaa && p[2] <= 0xae);
		if (p[0] == 0xe2 && p[1] == 0x81)
			assert_false(p[2] >= 0xa6 && p[2] <= 0xa9);
	}
}

static void test_escape_sequences_removed_whole(void **state)
{
	(void)state;
	check_term("a\x1b[2Jb", 1, "ab");
	check_term("a\x1b[1;31;42mred\x1b[0m", 1, "ared");
	check_term("a\x1b[?1049hb", 1, "ab");
	check_term("\x1b]52;c;ZXZpbA==\x07paste", 1, "paste");
	check_term("\x1b]0;title\x1b\\after", 1, "after");
	check_term("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", 1, "link");
	check_term("\x1bP+q544e\x1b\\x", 1, "x");
	check_term("\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\y", 1, "y");
	check_term("a\x1b" "7b\x1b" "8c\x1b(Bd\x1b" "c", 1, "abcd");
	check_term("trailing\x1b", 1, "trailing");
	check_term("\x1b[", 1, "");
	/* an unterminated OSC ends at the line break, not at the end of the text */
	check_term("\x1b]0;no end\nrest", 1, "\nrest");
}

static void test_c1_controls(void **state)
{
	(void)state;
	/* raw 8-bit C1 CSI (0x9b) with its parameters */
	check_term("a\x9b" "31mb", 1, "ab");
	/* UTF-8-encoded C1 CSI and OSC */
	check_term("a\xc2\x9b" "2Jb", 1, "ab");
	check_term("a\xc2\x9d" "0;t\xc2\x9c" "b", 1, "ab");
	check_term("a\x9d" "0;t\x07" "b", 1, "ab");
	check_term("a\xc2\x85" "b", 1, "ab");
	/* a raw C1 byte inside valid UTF-8 is fine: é is C3 A9 */
	check_term("caf\xc3\xa9", 1, "café");
}

static void test_controls_tabs_newlines(void **state)
{
	(void)state;
	check_term("a\x07\x08\x0b\x0c\x7f" "b", 1, "ab");
	check_term("a\r\nb", 1, "a\nb");
	check_term("a\r\nb", 0, "a b");
	check_term("a\nb", 0, "a b");
	check_term("a\tb", 1, "a       b");
	check_term("abcdefgh\tx", 1, "abcdefgh        x");
	check_term("\tx", 1, "        x");
	/* a run of printable ASCII, then a tab, an escape and more text */
	check_term("abc\tde\x1b[31mf~\x7fg", 1, "abc     def~g");
	check_term(NULL, 1, "");
}

static void test_bidi_and_invalid(void **state)
{
	(void)state;
	check_term("invoice\xe2\x80\xae" "fdp.exe", 1, "invoicefdp.exe");
	check_term("a\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad" "b", 1, "ab");
	check_term("a\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9" "b", 1, "ab");
	check_term("a\xff" "b", 1, "a\xef\xbf\xbd" "b");
	/* the lone 0x82 after the broken lead byte is a raw C1 control */
	check_term("a\xe2\x82", 1, "a\xef\xbf\xbd");
	check_term("\xed\xa0\x80", 1, "\xef\xbf\xbd\xef\xbf\xbd");
	/* ordinary non-ASCII text survives */
	check_term("日本語 ✓ 😀", 1, "日本語 ✓ 😀");
}

static void test_terminal_fuzz(void **state)
{
	(void)state;
	unsigned seed = 12345;
	char buf[257];
	for (int round = 0; round < 5000; round++) {
		for (size_t i = 0; i < sizeof buf - 1; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned char c = (unsigned char)(seed >> 16);
			/* bias towards the interesting bytes */
			if (c % 5 == 0)
				c = "\x1b[]\x07\x9b\xc2\x9d\\\n\t"[c % 11];
			buf[i] = (char)(c ? c : 'x');
		}
		buf[sizeof buf - 1] = '\0';
		char *s = safe_text_terminal(buf, round & 1);
		assert_inert(s);
		assert_null(strchr(s, '\x1b'));
		free(s);
		s = safe_text_filename(buf);
		assert_inert(s);
		assert_null(strchr(s, '/'));
		assert_null(strchr(s, '\n'));
		assert_true(strlen(s) <= 200 && strlen(s) > 0);
		assert_true(s[0] != '.');
		free(s);
	}
}

static void check_name(const char *in, const char *want)
{
	char *s = safe_text_filename(in);
	assert_string_equal(s, want);
	free(s);
}

static void test_filenames(void **state)
{
	(void)state;
	check_name("report.pdf", "report.pdf");
	check_name("Übersicht März.pdf", "Übersicht März.pdf");
	check_name("../../etc/passwd", "_.._etc_passwd");
	check_name("..", "attachment");
	check_name(".", "attachment");
	check_name("", "attachment");
	check_name(NULL, "attachment");
	check_name(".bashrc", "bashrc");
	check_name("...hidden", "hidden");
	check_name("a\\b\\c.txt", "a_b_c.txt");
	check_name("dots...   ", "dots");
	check_name("name. . .", "name");
	check_name("-rf", "rf");
	check_name("/etc/shadow", "_etc_shadow");
	check_name("\x1b]52;c;x\x07" "bad\x1b[2J.sh", "bad.sh");
	check_name("new\nline\r.txt", "new line.txt");
	check_name("evil\xe2\x80\xae" "fdp.exe", "evilfdp.exe");
}

static void test_filename_truncation(void **state)
{
	(void)state;
	char in[1024];
	/* 150 x "ä" (2 bytes each) + ".pdf": cut on a character boundary, extension kept */
	in[0] = '\0';
	for (int i = 0; i < 150; i++)
		strcat(in, "ä");
	strcat(in, ".pdf");
	char *s = safe_text_filename(in);
	size_t n = strlen(s);
	assert_true(n <= 200);
	assert_true(n >= 195);
	assert_string_equal(s + n - 4, ".pdf");
	assert_true(charset_is_utf8(s, n));
	free(s);

	/* 3-byte characters, a cut that would land inside one */
	in[0] = '\0';
	strcat(in, "x");
	for (int i = 0; i < 100; i++)
		strcat(in, "語");
	strcat(in, ".tar.gz");
	s = safe_text_filename(in);
	n = strlen(s);
	assert_true(n <= 200);
	assert_string_equal(s + n - 3, ".gz");
	assert_true(charset_is_utf8(s, n));
	free(s);

	/* no extension: plain cut; a long "extension" is not one */
	memset(in, 'a', 300);
	in[300] = '\0';
	s = safe_text_filename(in);
	assert_int_equal(strlen(s), 200);
	free(s);
	memset(in, 'b', 300);
	in[10] = '.';
	s = safe_text_filename(in);
	assert_int_equal(strlen(s), 200);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_sequences_removed_whole),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_controls_tabs_newlines),
		cmocka_unit_test(test_bidi_and_invalid),
		cmocka_unit_test(test_terminal_fuzz),
		cmocka_unit_test(test_filenames),
		cmocka_unit_test(test_filename_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
