/* Unit tests of the built-in message editor (src/ui/textedit.c): typing and
 * line breaks, control characters and escape sequences kept out, wrapped
 * rows and the cursor keys moving by row with the column kept, wide
 * characters and tabs measured in columns, cut and yank, and ^X. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>
#include <cmocka.h>

#include "ui/keys.h"
#include "ui/textedit.h"

#define W 10
#define H 5

static void type(struct textedit *t, const char *ascii)
{
	for (const char *p = ascii; *p; p++)
		assert_int_equal(textedit_key(t, (unsigned char)*p, W, H), TEXTEDIT_CHANGED);
}

static enum textedit_result key(struct textedit *t, int k)
{
	return textedit_key(t, k, W, H);
}

static void test_typing_and_lines(void **state)
{
	struct textedit t;
	size_t row, col;
	(void)state;

	textedit_init(&t, NULL);
	type(&t, "hello\nworld");
	assert_string_equal(textedit_text(&t), "hello\nworld");
	textedit_position(&t, W, &row, &col);
	assert_int_equal(row, 2);
	assert_int_equal(col, 6);
	/* Backspace at the start of a line joins it to the one above. */
	assert_int_equal(key(&t, KEY_CTRL('A')), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_BACKSPACE), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "helloworld");
	assert_int_equal(key(&t, KEY_CTRL('D')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "helloorld");
	/* Multi-byte characters are inserted and deleted whole. */
	assert_int_equal(key(&t, 0x00fc), TEXTEDIT_CHANGED);   /* ü */
	assert_int_equal(key(&t, KEY_FN | KEY_LEFT), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_DC), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "helloorld");
	assert_int_equal(key(&t, KEY_CTRL('X')), TEXTEDIT_DONE);
	textedit_free(&t);
}

static void test_controls_kept_out(void **state)
{
	struct textedit t;
	(void)state;

	/* Quoted text from a sender: escapes and other controls are dropped,
	 * tabs and line breaks stay, CR LF becomes LF. */
	textedit_init(&t, "a\033[31mb\r\n\tc\x07\xc2\x9b" "d");
	assert_string_equal(textedit_text(&t), "a[31mb\n\tcd");
	/* Keys that are controls insert nothing. */
	assert_int_equal(key(&t, 27), TEXTEDIT_IGNORED);
	assert_int_equal(key(&t, 0x9b), TEXTEDIT_IGNORED);
	assert_int_equal(key(&t, 0x7f), TEXTEDIT_IGNORED);
	assert_int_equal(key(&t, KEY_FN | KEY_F(5)), TEXTEDIT_IGNORED);
	assert_string_equal(textedit_text(&t), "a[31mb\n\tcd");
	textedit_free(&t);
}

static void test_rows_and_columns(void **state)
{
	struct textedit t;
	size_t row, col;
	(void)state;

	/* 25 characters wrap into rows of 10, 10 and 5 columns. */
	textedit_init(&t, "abcdefghijklmnopqrstuvwxy\nshort");
	assert_int_equal(key(&t, KEY_FN | KEY_RIGHT), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_RIGHT), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_RIGHT), TEXTEDIT_MOVED);
	/* Down keeps the column across wrapped rows... */
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 13);
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 23);
	/* ...and a short row stops at its end, the column remembered. */
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 29);
	assert_int_equal(key(&t, KEY_FN | KEY_UP), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 23);
	textedit_position(&t, W, &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 24);
	/* Home and End go to the ends of the line as typed, over its rows. */
	assert_int_equal(key(&t, KEY_FN | KEY_UP), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_CTRL('E')), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 25);
	assert_int_equal(key(&t, KEY_FN | KEY_HOME), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 0);
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 10);
	/* Up at the first row stays there; Down at the last too. */
	for (int i = 0; i < 5; i++)
		key(&t, KEY_FN | KEY_UP);
	assert_true(t.cur < 10);
	for (int i = 0; i < 9; i++)
		key(&t, KEY_FN | KEY_DOWN);
	textedit_position(&t, W, &row, &col);
	assert_int_equal(row, 2);
	textedit_free(&t);
}

static void test_wide_and_tabs(void **state)
{
	struct textedit t;
	(void)state;

	/* Five wide characters fill a row of 10; the sixth wraps. */
	textedit_init(&t, "\xe7\x8c\xab\xe7\x8c\xab\xe7\x8c\xab\xe7\x8c\xab\xe7\x8c\xab\xe7\x8c\xab");
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 15);
	textedit_free(&t);
	/* A tab goes to the next stop of 8: "a\tb" is 9 columns, one row. */
	textedit_init(&t, "a\tb\nx");
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(t.cur, 4);
	textedit_free(&t);
}

static void test_cut_and_yank(void **state)
{
	struct textedit t;
	(void)state;

	textedit_init(&t, "one\ntwo\nthree");
	assert_int_equal(key(&t, KEY_CTRL('K')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "\ntwo\nthree");
	/* At the end of a line ^K takes the line break. */
	assert_int_equal(key(&t, KEY_CTRL('K')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "two\nthree");
	assert_int_equal(key(&t, KEY_CTRL('Y')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "\ntwo\nthree");
	assert_int_equal(key(&t, KEY_FN | KEY_END), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_DOWN), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_CTRL('U')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "\ntwo\nee");
	assert_int_equal(key(&t, KEY_FN | KEY_NPAGE), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_FN | KEY_HOME), TEXTEDIT_MOVED);
	assert_int_equal(key(&t, KEY_CTRL('Y')), TEXTEDIT_CHANGED);
	assert_string_equal(textedit_text(&t), "\ntwo\nthree");
	textedit_free(&t);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing_and_lines),
		cmocka_unit_test(test_controls_kept_out),
		cmocka_unit_test(test_rows_and_columns),
		cmocka_unit_test(test_wide_and_tabs),
		cmocka_unit_test(test_cut_and_yank),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
