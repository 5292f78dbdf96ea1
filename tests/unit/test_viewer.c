/* Unit tests of src/app/viewer.c: private temporary files, programs run
 * with and without a shell, their output bounded in time, test= clauses,
 * the mailcap path, and an HTML body rendered through a copiousoutput
 * entry (with the built-in text kept when the program fails). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/viewer.h"
#include "util/clock.h"
#include "util/xalloc.h"

static char tmpdir[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "test_viewer.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	char *abs = realpath(tmpdir, NULL);
	if (abs == NULL || strlen(abs) >= sizeof tmpdir)
		return -1;
	strcpy(tmpdir, abs);
	free(abs);
	setenv("TMPDIR", tmpdir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void test_temp_file(void **state)
{
	struct stat st;
	struct err e;
	char *path = viewer_temp_write(".html", "<p>x</p>", 8, &e);
	(void)state;

	assert_non_null(path);
	assert_int_equal(strncmp(path, tmpdir, strlen(tmpdir)), 0);
	assert_int_equal(strcmp(path + strlen(path) - 10, "/part.html"), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 8);
	char *dir = xstrndup(path, strlen(path) - 10);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	viewer_temp_remove(path);
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
	free(path);
}

static int run(const char *command, const char *file, int timeout, char **out, struct err *e)
{
	struct mailcap_subst s = { file, "text/plain", NULL, NULL, 0 };
	struct mailcap_cmd c;
	size_t len;
	int rc;

	assert_int_equal(mailcap_expand(command, &s, &c, e), 0);
	rc = viewer_capture(&c, file, timeout, out, &len, e);
	mailcap_cmd_free(&c);
	if (rc == 0)
		assert_int_equal(len, strlen(*out));
	return rc;
}

static void test_capture(void **state)
{
	struct err e;
	char *out, *path = viewer_temp_write("", "one\ntwo\n", 8, &e);
	(void)state;

	/* Without a shell, with one, and from standard input (no %s). */
	assert_int_equal(run("head -n 1 %s", path, 5, &out, &e), 0);
	assert_string_equal(out, "one\n");
	free(out);
	assert_int_equal(run("tail -n 1 %s | tr a-z A-Z", path, 5, &out, &e), 0);
	assert_string_equal(out, "TWO\n");
	free(out);
	assert_int_equal(run("cat", path, 5, &out, &e), 0);
	assert_string_equal(out, "one\ntwo\n");
	free(out);
	/* Failures say what failed. */
	assert_int_equal(run("false %s", path, 5, &out, &e), -1);
	assert_string_equal(e.msg, "false exited with status 1");
	assert_int_equal(run("no-such-program-skua %s", path, 5, &out, &e), -1);
	assert_non_null(strstr(e.msg, "cannot run no-such-program-skua"));
	/* A program that does not end is killed at the deadline, with what
	 * it started. */
	uint64_t t0 = clock_mono_us();
	assert_int_equal(run("sleep 30; echo %s", path, 1, &out, &e), -1);
	assert_string_equal(e.msg, "/bin/sh did not finish within 1 seconds");
	assert_true(clock_mono_us() - t0 < 5000000u);
	viewer_temp_remove(path);
	free(path);
}

static void test_output_text(void **state)
{
	(void)state;
	char *t = viewer_output_text("a\r\nb\0c\r\n\n\n", 10);
	assert_string_equal(t, "a\nbc\n");
	free(t);
	t = viewer_output_text("", 0);
	assert_string_equal(t, "");
	free(t);
}

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_mailcaps_and_tests(void **state)
{
	struct mailcap mc = { 0 };
	char *a = write_file("a.mailcap", "text/html; never %s; test=false\n"
					  "image/png; feh %s\n");
	char *b = write_file("b.mailcap", "text/html; chosen %s; test=test -r %s; copiousoutput\n");
	char *env = xasprintf("%s:%s/missing:%s", a, tmpdir, b);
	const struct mailcap_entry *ent;
	(void)state;

	setenv("MAILCAPS", env, 1);
	viewer_load_mailcap(&mc);
	assert_int_equal(mc.n, 3);
	/* test=false rules out the first; the second's test reads the file. */
	ent = viewer_find(&mc, "text/html", 0, a);
	assert_non_null(ent);
	assert_string_equal(ent->view, "chosen %s");
	assert_null(viewer_find(&mc, "text/html", 0, "/nonexistent/file"));
	assert_null(viewer_find(&mc, "image/png", MAILCAP_COPIOUS, a));
	assert_non_null(viewer_find(&mc, "image/png", 0, a));
	mailcap_clear(&mc);
	unsetenv("MAILCAPS");
	free(env);
	free(a);
	free(b);
}

static const char html_mail[] =
	"From: a@example.org\nSubject: news\nMIME-Version: 1.0\n"
	"Content-Type: text/html; charset=\"utf-8'; touch /tmp/skua-pwned; '\"\n\n"
	"<html><body><p>Big news</p><p>caf\xc3\xa9</p></body></html>\n";

static void test_render_html(void **state)
{
	struct mailcap mc = { 0 };
	struct err e;
	struct mail_message *m = mail_message_parse(html_mail, strlen(html_mail), &e);
	(void)state;

	assert_non_null(m);
	assert_non_null(m->html);
	/* No entry: the built-in rendering stays. */
	assert_int_equal(viewer_render_html(&mc, m), 0);
	assert_string_equal(m->body, "Big news\n\ncafé\n");
	/* A failing program: the same. */
	mailcap_parse(&mc, "text/html; false %s; copiousoutput\n", 35);
	assert_int_equal(viewer_render_html(&mc, m), 0);
	assert_string_equal(m->body, "Big news\n\ncafé\n");
	mailcap_clear(&mc);
	/* The first copiousoutput entry renders it; %{charset} is ours (the
	 * HTML is given as UTF-8), never the sender's. */
	const char *cap = "text/html; firefox %s\n"
			  "text/html; sed -e 's/<[^>]*>//g' -e 's/^/%{charset}:/' %s | tr -d '\\r'; copiousoutput\n";
	mailcap_parse(&mc, cap, strlen(cap));
	assert_int_equal(viewer_render_html(&mc, m), 1);
	assert_string_equal(m->body, "utf-8:Big newscafé\n");
	assert_int_equal(access("/tmp/skua-pwned", F_OK), -1);
	mailcap_clear(&mc);
	mail_message_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_temp_file),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_output_text),
		cmocka_unit_test(test_mailcaps_and_tests),
		cmocka_unit_test(test_render_html),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
