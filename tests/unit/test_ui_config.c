/* Unit tests of the config's bind and color lines in the full-screen client
 * (src/ui/ui_config.c): bindings reach the key table, colours parse, every
 * wrong name is an error naming file and line, and skua.conf(5) lists the
 * roles and colours of the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>
#include <cmocka.h>

#include "conf/config.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/ui_config.h"
#include "util/xalloc.h"

#define ACCT "[account a]\naddress = a@x.org\nimap_host = x.org\nsmtp_host = x.org\n"

static int setup(void **state)
{
	(void)state;
	keys_reset();
	draw_reset_colors();
	return 0;
}

/* Parses text as the config file "t.conf" and applies its lines. */
static int apply(const char *text, struct err *e)
{
	struct config c;
	int rc;

	err_clear(e);
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, e), 0);
	rc = ui_config_apply(&c, e);
	config_free(&c);
	return rc;
}

static void test_bindings_apply(void **state)
{
	struct err e;
	int keys[8];
	(void)state;

	assert_int_equal(apply("bind index,pager x delete\n"
			       "bind pager ^X flag\n"
			       "bind all F5 refresh\n"
			       "[general]\n"
			       "bind index d noop\n"
			       "bind pager Enter unbind\n"
			       "bind index \"#\" limit\n" ACCT,
			       &e), 0);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'x'), ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'x'), ACT_DELETE);
	assert_int_equal(keys_lookup(SCREEN_FOLDERS, 'x'), ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_PAGER, KEY_CTRL('X')), ACT_FLAG);
	/* all is every screen but the login form, whose keys are its text's. */
	for (int s = 0; s < SCREEN_COUNT; s++)
		assert_int_equal(keys_lookup((enum ui_screen)s, KEY_FN | KEY_F(5)),
				 s == SCREEN_LOGIN ? ACT_NONE : ACT_REFRESH);
	/* noop and unbind remove a key; help then shows only the others. */
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'd'), ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_PAGER, 'd'), ACT_DELETE);
	assert_int_equal(keys_of_action(SCREEN_INDEX, ACT_DELETE, keys, 8), 1);
	assert_int_equal(keys[0], 'x');
	assert_int_equal(keys_lookup(SCREEN_PAGER, '\n'), ACT_NONE);
	assert_int_equal(keys_lookup(SCREEN_INDEX, '#'), ACT_LIMIT);
}

static void test_later_line_wins(void **state)
{
	struct err e;
	(void)state;

	assert_int_equal(apply("bind index x delete\nbind index x flag\n", &e), 0);
	assert_int_equal(keys_lookup(SCREEN_INDEX, 'x'), ACT_FLAG);
}

static const struct {
	const char *text;
	const char *msg;
} errors[] = {
	{ "bind inbox x delete\n",
	  "t.conf:1: unknown screen 'inbox' in bind; screens are folders, index, pager, help, stats, compose, login, or all" },
	{ "\nbind index,pagr x delete\n",
	  "t.conf:2: unknown screen 'pagr' in bind; screens are folders, index, pager, help, stats, compose, login, or all" },
	{ "bind , x delete\n",
	  "t.conf:1: unknown screen ',' in bind; screens are folders, index, pager, help, stats, compose, login, or all" },
	{ "bind index ^ delete\n" , NULL },
	{ "bind index xy delete\n",
	  "t.conf:1: unknown key 'xy' in bind; write a character, ^X, F1-F24 or a name as help shows it (Enter, Space, Tab, Esc, PgDn, ...)" },
	{ "bind index F25 delete\n",
	  "t.conf:1: unknown key 'F25' in bind; write a character, ^X, F1-F24 or a name as help shows it (Enter, Space, Tab, Esc, PgDn, ...)" },
	{ "[general]\nbind index x delet\n",
	  "t.conf:2: unknown action 'delet' in bind; skua(1) lists the actions, and noop removes a key" },
	{ "color statusbar red\n",
	  "t.conf:1: unknown colour role 'statusbar'; roles are normal, title, status, cursor, error, new, header, dim, flagged, quote1, quote2, quote3, quote4, attachment" },
	{ "color status rot\n",
	  "t.conf:1: unknown colour 'rot'; use black, red, green, yellow, blue, magenta, cyan, white (each also as brightNAME), default or color0 to color255" },
	{ "color status red color256\n",
	  "t.conf:1: unknown colour 'color256'; use black, red, green, yellow, blue, magenta, cyan, white (each also as brightNAME), default or color0 to color255" },
};

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		struct err e;
		keys_reset();
		int rc = apply(errors[i].text, &e);
		if (errors[i].msg == NULL) {
			/* "^" alone is the character ^, a valid key. */
			assert_int_equal(rc, 0);
			assert_int_equal(keys_lookup(SCREEN_INDEX, '^'), ACT_DELETE);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(e.code, ERR_CONFIG);
		if (strcmp(e.msg, errors[i].msg) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, e.msg, errors[i].msg);
	}
}

static void test_color_names(void **state)
{
	(void)state;
	assert_int_equal(draw_color_parse("default"), -1);
	assert_int_equal(draw_color_parse("black"), COLOR_BLACK);
	assert_int_equal(draw_color_parse("Red"), COLOR_RED);
	assert_int_equal(draw_color_parse("white"), COLOR_WHITE);
	assert_int_equal(draw_color_parse("brightblue"), COLOR_BLUE + 8);
	assert_int_equal(draw_color_parse("color0"), 0);
	assert_int_equal(draw_color_parse("color208"), 208);
	assert_int_equal(draw_color_parse("color255"), 255);
	assert_int_equal(draw_color_parse("color256"), DRAW_COLOR_BAD);
	assert_int_equal(draw_color_parse("color0008"), DRAW_COLOR_BAD);
	assert_int_equal(draw_color_parse("color-1"), DRAW_COLOR_BAD);
	assert_int_equal(draw_color_parse("color"), DRAW_COLOR_BAD);
	assert_int_equal(draw_color_parse("bright"), DRAW_COLOR_BAD);
	assert_int_equal(draw_color_parse(""), DRAW_COLOR_BAD);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(draw_role_by_name(draw_role_name((enum draw_role)r)), r);
	assert_int_equal(draw_role_by_name("QUOTE2"), ROLE_QUOTE2);
	assert_int_equal(draw_role_by_name("indicator"), -1);
	assert_null(draw_role_name(ROLE_COUNT));
}

/* skua.conf(5) follows the tables: each role and colour name is an item of
 * its color list, and each screen one of its bind list. */
static void test_man_page_lists_roles(void **state)
{
	FILE *f = fopen(SKUA_SRCDIR "/man/skua.conf.5", "r");
	char *man = xcalloc(1, 256 * 1024);
	(void)state;

	assert_non_null(f);
	assert_true(fread(man, 1, 256 * 1024 - 1, f) > 0);
	fclose(f);
	for (int r = 0; r < ROLE_COUNT; r++) {
		char *item = xasprintf("\n.It Li %s\n", draw_role_name((enum draw_role)r));
		if (strstr(man, item) == NULL)
			fail_msg("skua.conf.5 does not list the colour role '%s'", draw_role_name((enum draw_role)r));
		free(item);
	}
	for (int i = 0; i < 8; i++) {
		char *word = xasprintf("\n.Li %s", draw_color_name(i));
		if (strstr(man, word) == NULL)
			fail_msg("skua.conf.5 does not list the colour '%s'", draw_color_name(i));
		free(word);
	}
	for (int s = 0; s < SCREEN_COUNT; s++) {
		char *item = xasprintf("\n.It Li %s\n", keys_screen_name((enum ui_screen)s));
		if (strstr(man, item) == NULL)
			fail_msg("skua.conf.5 does not list the screen '%s'", keys_screen_name((enum ui_screen)s));
		free(item);
	}
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bindings_apply, setup),
		cmocka_unit_test_setup(test_later_line_wins, setup),
		cmocka_unit_test_setup(test_errors_name_file_and_line, setup),
		cmocka_unit_test_setup(test_color_names, setup),
		cmocka_unit_test_setup(test_man_page_lists_roles, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
