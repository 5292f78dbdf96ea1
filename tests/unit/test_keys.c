/* Unit tests of the key table (src/ui/keys.c): mutt-like defaults per
 * screen, rebinding and unbinding, key names both ways, and that every
 * action has a name and a note for help and skua(1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <curses.h>
#include <cmocka.h>

#include "ui/keys.h"

static int setup(void **state)
{
	(void)state;
	keys_reset();
	return 0;
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(keys_lookup(SCREEN_FOLDERS, 'q'), ACT_QUIT);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'q'), ACT_BACK);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'q'), ACT_BACK);
	assert_int_equal(keys_lookup(SCREEN_HELP, '?'), ACT_BACK);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'j'), ACT_DOWN);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'j'), ACT_NEXT_MESSAGE);
	assert_int_equal(keys_lookup(SCREEN_PAGER, '\n'), ACT_DOWN);
	assert_int_equal(keys_lookup(SCREEN_INDEX, '\n'), ACT_OPEN);
	assert_int_equal(keys_lookup(SCREEN_INDEX, KEY_FN | KEY_NPAGE), ACT_PAGE_DOWN);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'd'), ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_FOLDERS, 'd'), ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_INDEX, KEY_CTRL('G')), ACT_CANCEL);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'o'), ACT_OPEN_ATTACHMENT);
	/* In the index o sorts, as in mutt. */
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'o'), ACT_SORT);
	/* The statistics are one key away from every screen but the first-run
	 * form, where S is a letter of a name or a password. */
	for (int s = 0; s < SCREEN_COUNT; s++)
		assert_int_equal(keys_lookup((enum ui_screen)s, 'S'),
				 s == SCREEN_LOGIN ? ACT_NONE : ACT_STATS);
	/* No printable key is taken from the form's text. */
	for (int k = 0x20; k < 0x7f; k++)
		assert_int_equal(keys_lookup(SCREEN_LOGIN, k), ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_LOGIN, '\n'), ACT_SUBMIT);
	assert_int_equal(keys_lookup(SCREEN_LOGIN, '\t'), ACT_NEXT_FIELD);
	assert_string_equal(keys_screen_name(SCREEN_LOGIN), "login");
	assert_int_equal(keys_lookup(SCREEN_STATS, 'q'), ACT_BACK);
	assert_string_equal(keys_screen_name(SCREEN_STATS), "stats");
	/* Every screen can be left and shows its keys. */
	for (int s = 0; s < SCREEN_COUNT; s++) {
		int k;
		assert_true(keys_of_action((enum ui_screen)s, ACT_QUIT, &k, 1) == 1);
		assert_true(keys_of_action((enum ui_screen)s, ACT_HELP, &k, 1) == 1 ||
			    keys_of_action((enum ui_screen)s, ACT_BACK, &k, 1) == 1);
	}
}

static void test_rebind_and_unbind(void **state)
{
	int keys[8];
	(void)state;

	keys_bind(SCREEN_INDEX, 'x', ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'x'), ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'x'), ACT_NONE);
	assert_int_equal(keys_of_action(SCREEN_INDEX, ACT_DELETE, keys, 8), 2);
	/* A later binding wins, and help no longer shows the shadowed one. */
	keys_bind(SCREEN_INDEX, 'd', ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'd'), ACT_NONE);
	assert_int_equal(keys_of_action(SCREEN_INDEX, ACT_DELETE, keys, 8), 1);
	assert_int_equal(keys[0], 'x');
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'd'), ACT_DELETE);
	keys_bind(SCREEN_INDEX, 'j', ACT_FLAG);
	assert_int_equal(keys_of_action(SCREEN_INDEX, ACT_DOWN, keys, 8), 1);
	assert_int_equal(keys[0], KEY_FN | KEY_DOWN);
	keys_reset();
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'd'), ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'x'), ACT_NONE);
}

static void test_names(void **state)
{
	char buf[16];
	static const struct {
		int key;
		const char *name;
	} cases[] = {
		{ 'j', "j" }, { '\n', "Enter" }, { ' ', "Space" }, { '\t', "Tab" },
		{ KEY_CTRL('G'), "^G" }, { KEY_FN | KEY_NPAGE, "PgDn" }, { KEY_FN | KEY_HOME, "Home" },
		{ KEY_FN | KEY_F(5), "F5" }, { KEY_FN | KEY_BACKSPACE, "Backspace" }, { 0xe9, "é" },
		{ 127, "^?" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(keys_name(cases[i].key, buf, sizeof buf), cases[i].name);
		if (cases[i].key != 127)
			assert_int_equal(keys_parse(cases[i].name), cases[i].key);
	}
	assert_int_equal(keys_parse("^g"), KEY_CTRL('G'));
	assert_int_equal(keys_parse("pgdn"), KEY_FN | KEY_NPAGE);
	assert_int_equal(keys_parse(""), -1);
	assert_int_equal(keys_parse("jk"), -1);
	assert_int_equal(keys_parse("F99"), -1);
	/* Every bound key has a name that parses back to it. */
	for (int s = 0; s < SCREEN_COUNT; s++)
		for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
			int keys[8];
			size_t n = keys_of_action((enum ui_screen)s, (enum ui_action)a, keys, 8);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(keys_parse(keys_name(keys[i], buf, sizeof buf)), keys[i]);
		}
}

static void test_actions_named_and_noted(void **state)
{
	(void)state;
	assert_null(keys_action_name(ACT_NONE));
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		const char *name = keys_action_name((enum ui_action)a);
		assert_non_null(name);
		assert_int_equal(keys_action_by_name(name), a);
		for (int s = 0; s < SCREEN_COUNT; s++) {
			const char *note = keys_action_note((enum ui_action)a, (enum ui_screen)s);
			assert_non_null(note);
			/* Help gives a note 43 columns on an 80-column terminal. */
			assert_true(strlen(note) <= 43);
		}
	}
	assert_int_equal(keys_action_by_name("no-such-action"), ACT_NONE);
	assert_string_equal(keys_action_note(ACT_DOWN, SCREEN_PAGER), "Scroll down one line");
	assert_string_equal(keys_action_note(ACT_DOWN, SCREEN_INDEX), "Move to the next entry");
	assert_string_equal(keys_screen_name(SCREEN_INDEX), "index");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_rebind_and_unbind, setup),
		cmocka_unit_test_setup(test_names, setup),
		cmocka_unit_test_setup(test_actions_named_and_noted, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
