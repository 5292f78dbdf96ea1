/* Unit tests of src/mail/mailcap.c: entries and their fields, continuation
 * lines and comments, lookup by type with wildcards and flags, and commands
 * expanded for a file: with and without a shell, quoted where a shell would
 * split, and refused when a value a sender controls holds anything but
 * plain characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mail/mailcap.h"

static void parse(struct mailcap *mc, const char *text)
{
	mailcap_parse(mc, text, strlen(text));
}

static void test_entries(void **state)
{
	struct mailcap mc = { 0 };
	(void)state;

	parse(&mc, "# comment\n"
		   "\n"
		   "text/html; w3m -dump -T text/html %s; copiousoutput; nametemplate=%s.html\r\n"
		   "  Text/HTML ; firefox %s ; test=test -n \"$DISPLAY\"\n"
		   "image/*; feh \\\n"
		   "   %s; needsterminal\n"
		   "text; less %s\n"
		   "application/pdf; pdftotext %s - \\; echo done; copiousoutput\n"
		   "broken-line-without-command\n"
		   "audio/x; \n"
		   "bad type/x; cat %s\n");
	assert_int_equal(mc.n, 5);
	assert_string_equal(mc.entries[0].type, "text/html");
	assert_string_equal(mc.entries[0].view, "w3m -dump -T text/html %s");
	assert_true(mc.entries[0].copiousoutput);
	assert_false(mc.entries[0].needsterminal);
	assert_string_equal(mc.entries[0].nametemplate, "%s.html");
	assert_string_equal(mailcap_suffix(&mc.entries[0]), ".html");
	assert_string_equal(mc.entries[1].type, "text/html");
	assert_string_equal(mc.entries[1].view, "firefox %s");
	assert_string_equal(mc.entries[1].test, "test -n \"$DISPLAY\"");
	assert_false(mc.entries[1].copiousoutput);
	/* A continued line is one entry. */
	assert_string_equal(mc.entries[2].type, "image/*");
	assert_string_equal(mc.entries[2].view, "feh    %s");
	assert_true(mc.entries[2].needsterminal);
	/* "text" alone is every text type. */
	assert_string_equal(mc.entries[3].type, "text/*");
	assert_string_equal(mailcap_suffix(&mc.entries[3]), "");
	/* "\;" is a semicolon of the command. */
	assert_string_equal(mc.entries[4].view, "pdftotext %s - ; echo done");
	mailcap_clear(&mc);
	assert_int_equal(mc.n, 0);
	assert_null(mc.entries);
}

static void test_lookup(void **state)
{
	struct mailcap mc = { 0 };
	const struct mailcap_entry *e;
	size_t pos = 0;
	(void)state;

	parse(&mc, "text/html; firefox %s\n"
		   "text/html; lynx -dump %s; copiousoutput\n"
		   "text/*; cat %s; copiousoutput\n"
		   "image/png; feh %s\n");
	e = mailcap_next(&mc, "text/html", 0, &pos);
	assert_string_equal(e->view, "firefox %s");
	e = mailcap_next(&mc, "text/html", 0, &pos);
	assert_string_equal(e->view, "lynx -dump %s");
	e = mailcap_next(&mc, "text/html", 0, &pos);
	assert_string_equal(e->view, "cat %s");
	assert_null(mailcap_next(&mc, "text/html", 0, &pos));
	pos = 0;
	e = mailcap_next(&mc, "TEXT/HTML", MAILCAP_COPIOUS, &pos);
	assert_string_equal(e->view, "lynx -dump %s");
	pos = 0;
	e = mailcap_next(&mc, "text/x-diff", 0, &pos);
	assert_string_equal(e->view, "cat %s");
	pos = 0;
	assert_null(mailcap_next(&mc, "image/jpeg", 0, &pos));
	pos = 0;
	assert_non_null(mailcap_next(&mc, "image/png", 0, &pos));
	/* Types a sender made up to reach a command pick nothing. */
	static const char *const odd[] = { "text/html;x", "text/html $(id)", "text/html'", "text",
					   "text/", "/html", "text/html/x", "text/*", "text/h\ntml",
					   "" };
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		pos = 0;
		if (mailcap_next(&mc, odd[i], 0, &pos) != NULL)
			fail_msg("the type '%s' found an entry", odd[i]);
	}
	mailcap_clear(&mc);
}

static void expect_argv(const struct mailcap_cmd *c, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(c->argv[i]);
		assert_string_equal(c->argv[i], want[i]);
	}
	assert_null(c->argv[i]);
}

static void test_expand_without_shell(void **state)
{
	static const char *const names[] = { "charset" };
	static const char *const values[] = { "UTF-8" };
	struct mailcap_subst s = { "/tmp/skua-view.abc/part.html", "text/html", names, values, 1 };
	struct mailcap_cmd c;
	struct err e;
	(void)state;

	assert_int_equal(mailcap_expand("w3m -I %{charset} -dump -T %t  %s", &s, &c, &e), 0);
	assert_false(c.use_shell);
	assert_false(c.input_on_stdin);
	expect_argv(&c, (const char *const[]){ "w3m", "-I", "UTF-8", "-dump", "-T", "text/html",
					       "/tmp/skua-view.abc/part.html", NULL });
	mailcap_cmd_free(&c);

	/* No %s: the data goes to standard input. %% is a percent sign. */
	assert_int_equal(mailcap_expand("pager --width=100%% --file=%{nothing}x", &s, &c, &e), 0);
	assert_true(c.input_on_stdin);
	expect_argv(&c, (const char *const[]){ "pager", "--width=100%", "--file=x", NULL });
	mailcap_cmd_free(&c);
}

static void test_expand_with_shell(void **state)
{
	static const char *const names[] = { "charset" };
	static const char *const values[] = { "utf-8" };
	struct mailcap_subst s = { "/tmp/v/part", "text/html", names, values, 1 };
	struct mailcap_cmd c;
	struct err e;
	(void)state;

	/* Outside quotes a value is quoted; inside the user's quotes it is
	 * put as it is (plain characters mean the same in both). */
	assert_int_equal(mailcap_expand("lynx -dump %s | col -b", &s, &c, &e), 0);
	assert_true(c.use_shell);
	expect_argv(&c, (const char *const[]){ "/bin/sh", "-c", "lynx -dump '/tmp/v/part' | col -b", NULL });
	mailcap_cmd_free(&c);
	assert_int_equal(mailcap_expand("cat '%s' \"%t\" %{charset}; echo \\'%s", &s, &c, &e), 0);
	assert_string_equal(c.argv[2], "cat '/tmp/v/part' \"text/html\" 'utf-8'; echo \\''/tmp/v/part'");
	mailcap_cmd_free(&c);
	/* A missing parameter is an empty word, not none. */
	assert_int_equal(mailcap_expand("f %{name} | cat", &s, &c, &e), 0);
	assert_string_equal(c.argv[2], "f '' | cat");
	mailcap_cmd_free(&c);
}

static void test_hostile_values_never_run(void **state)
{
	static const char *const bad[] = { "utf-8'; rm -rf ~; '", "$(id)", "`id`", "a b", "x\"y",
					   "a;b", "a|b", "a\nb", "~", "*", "a&b", "\\" };
	static const char *const names[] = { "charset" };
	struct mailcap_cmd c;
	struct err e;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *values[] = { bad[i] };
		struct mailcap_subst s = { "/tmp/v/part", "text/html", names, values, 1 };
		if (mailcap_expand("w3m -I %{charset} %s", &s, &c, &e) == 0)
			fail_msg("the parameter '%s' was put in a command: %s", bad[i], c.argv[2]);
		assert_int_equal(e.code, ERR_PARSE);
		assert_null(c.argv);
		if (mailcap_expand("w3m -I '%{charset}' %s | cat", &s, &c, &e) == 0)
			fail_msg("the parameter '%s' was put in a shell line: %s", bad[i], c.argv[2]);
		struct mailcap_subst t = { "/tmp/v/part", bad[i], NULL, NULL, 0 };
		if (mailcap_expand("view -T %t %s", &t, &c, &e) == 0)
			fail_msg("the type '%s' was put in a command", bad[i]);
	}
	/* What skua does not fill in is refused, not passed on. */
	struct mailcap_subst s = { "/tmp/v/part", "text/html", NULL, NULL, 0 };
	assert_int_equal(mailcap_expand("show %n %s", &s, &c, &e), -1);
	assert_string_equal(e.msg, "the mailcap command uses %n, which skua does not fill in");
	assert_int_equal(mailcap_expand("show %{charset %s", &s, &c, &e), -1);
	assert_int_equal(mailcap_expand("   ", &s, &c, &e), -1);
	s.file = NULL;
	assert_int_equal(mailcap_expand("show %s", &s, &c, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_expand_without_shell),
		cmocka_unit_test(test_expand_with_shell),
		cmocka_unit_test(test_hostile_values_never_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
