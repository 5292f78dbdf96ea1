/* Unit tests of the one-line editor (src/ui/lineedit.c): insertion of any
 * character at the cursor, movement by whole UTF-8 characters, the cut
 * keys and ^Y, control characters kept out, and Tab completion cycling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curses.h>
#include <cmocka.h>

#include "ui/keys.h"
#include "ui/lineedit.h"
#include "util/xalloc.h"

static void type(struct lineedit *le, const char *ascii)
{
	for (const char *p = ascii; *p; p++)
		assert_int_equal(lineedit_key(le, (unsigned char)*p), LINEEDIT_CHANGED);
}

static void test_insert_and_move(void **state)
{
	(void)state;
	struct lineedit le;

	lineedit_init(&le, NULL);
	type(&le, "hllo");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('a')), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_RIGHT), LINEEDIT_MOVED);
	type(&le, "e");
	assert_string_equal(le.text, "hello");
	assert_int_equal(le.cursor, 2);
	/* A wide and a two-byte character are one step each. */
	assert_int_equal(lineedit_key(&le, KEY_CTRL('e')), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, 0x00e9), LINEEDIT_CHANGED);   /* é */
	assert_int_equal(lineedit_key(&le, 0x732b), LINEEDIT_CHANGED);   /* 猫 */
	assert_string_equal(le.text, "hello\xc3\xa9\xe7\x8c\xab");
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_LEFT), LINEEDIT_MOVED);
	assert_int_equal(le.cursor, 7);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_BACKSPACE), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "hello\xe7\x8c\xab");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('d')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "hello");
	/* Nothing to delete at the end, nothing before the start. */
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_DC), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_HOME), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_BACKSPACE), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_LEFT), LINEEDIT_MOVED);
	assert_int_equal(le.cursor, 0);
	assert_string_equal(le.text, "hello");
	lineedit_free(&le);
}

static void test_cut_and_yank(void **state)
{
	(void)state;
	struct lineedit le;

	lineedit_init(&le, "one two  three");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('w')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "one two  ");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('w')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "one ");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('y')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "one two  ");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('a')), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_CTRL('f')), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_CTRL('k')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "o");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('y')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, "one two  ");
	assert_int_equal(lineedit_key(&le, KEY_CTRL('b')), LINEEDIT_MOVED);
	assert_int_equal(lineedit_key(&le, KEY_CTRL('u')), LINEEDIT_CHANGED);
	assert_string_equal(le.text, " ");
	assert_int_equal(le.cursor, 0);
	lineedit_free(&le);
}

static void test_keys_for_the_caller(void **state)
{
	(void)state;
	struct lineedit le;

	lineedit_init(&le, "x");
	assert_int_equal(lineedit_key(&le, '\n'), LINEEDIT_ACCEPT);
	assert_int_equal(lineedit_key(&le, KEY_CTRL('g')), LINEEDIT_ABORT);
	assert_int_equal(lineedit_key(&le, 27), LINEEDIT_ABORT);
	assert_int_equal(lineedit_key(&le, '\t'), LINEEDIT_COMPLETE);
	/* Control characters, C1 codes and function keys never enter the text. */
	assert_int_equal(lineedit_key(&le, KEY_CTRL('x')), LINEEDIT_IGNORED);
	assert_int_equal(lineedit_key(&le, 0x9b), LINEEDIT_IGNORED);
	assert_int_equal(lineedit_key(&le, KEY_FN | KEY_F(2)), LINEEDIT_IGNORED);
	assert_int_equal(lineedit_key(&le, 0xd800), LINEEDIT_IGNORED);
	assert_string_equal(le.text, "x");
	/* Text from outside loses its escape sequences. */
	lineedit_set(&le, "a\x1b]0;pwned\x07" "b\x1b[2Jc\r\n");
	assert_null(strchr(le.text, '\x1b'));
	assert_null(strchr(le.text, '\a'));
	assert_null(strchr(le.text, '\n'));
	assert_non_null(strchr(le.text, 'c'));
	assert_int_equal(le.cursor, le.len);
	lineedit_free(&le);
}

static const char *const people[] = { "Alice <alice@example.org>", "Alan <alan@example.org>",
				       "Bob <bob@example.org>" };

static char *candidate(const char *word, size_t nth, void *ctx)
{
	size_t *calls = ctx, seen = 0;

	(*calls)++;
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
		if (strncasecmp(people[i], word, strlen(word)) == 0 && seen++ == nth)
			return xstrdup(people[i]);
	return NULL;
}

static void test_completion_cycles(void **state)
{
	(void)state;
	struct lineedit le;
	size_t calls = 0;

	lineedit_init(&le, "bob@example.org, al");
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 1);
	assert_string_equal(le.text, "bob@example.org, Alice <alice@example.org>");
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 1);
	assert_string_equal(le.text, "bob@example.org, Alan <alan@example.org>");
	/* Past the last: what was typed, then the first again. */
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 1);
	assert_string_equal(le.text, "bob@example.org, al");
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 1);
	assert_string_equal(le.text, "bob@example.org, Alice <alice@example.org>");
	/* Another key ends the cycle; the next Tab completes the new word. */
	type(&le, ", b");
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 1);
	assert_string_equal(le.text, "bob@example.org, Alice <alice@example.org>, Bob <bob@example.org>");
	/* No candidate: nothing changes. */
	type(&le, ", zz");
	assert_int_equal(lineedit_complete(&le, ',', candidate, &calls), 0);
	assert_string_equal(le.text + le.len - 4, ", zz");
	/* Without a separator the whole line is the word. */
	lineedit_set(&le, "Al");
	assert_int_equal(lineedit_complete(&le, 0, candidate, &calls), 1);
	assert_string_equal(le.text, "Alice <alice@example.org>");
	assert_true(calls >= 7);
	lineedit_free(&le);
}

static void test_secret_is_wiped(void **state)
{
	(void)state;
	struct lineedit le;

	lineedit_init(&le, NULL);
	le.secret = 1;
	type(&le, "hunter2");
	assert_string_equal(le.text, "hunter2");
	lineedit_free(&le);
	assert_null(le.text);

	/* A secret that outgrows its buffer moves to a new one, whole. */
	char long_secret[301];
	memset(long_secret, 'x', 300);
	long_secret[300] = '\0';
	long_secret[0] = 'a';
	long_secret[299] = 'z';
	lineedit_init(&le, NULL);
	le.secret = 1;
	type(&le, long_secret);
	assert_string_equal(le.text, long_secret);
	assert_true(le.cap >= 301);
	lineedit_set(&le, "short");
	assert_string_equal(le.text, "short");
	lineedit_free(&le);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_move),
		cmocka_unit_test(test_cut_and_yank),
		cmocka_unit_test(test_keys_for_the_caller),
		cmocka_unit_test(test_completion_cycles),
		cmocka_unit_test(test_secret_is_wiped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
