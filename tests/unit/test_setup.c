/* Unit tests of the first run's account (src/app/setup.c): the form's
 * values checked as the file's are, the field at fault named, presets and
 * the ports of "other", the account name from the address, and the file
 * written with mode 0600 and the password only when asked. */
#include <fcntl.h>
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

#include "app/setup.h"
#include "util/fileio.h"
#include "util/xalloc.h"

static char dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s/skua-setup-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* Nothing here may write the metrics log of the user running the tests. */
	setenv("XDG_STATE_HOME", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void other_values(const char *v[SETUP_FIELD_COUNT])
{
	memset(v, 0, SETUP_FIELD_COUNT * sizeof *v);
	v[SETUP_REAL_NAME] = "Gina Test";
	v[SETUP_ADDRESS] = "gina@example.org";
	v[SETUP_PASSWORD] = "s3cret pass";
	v[SETUP_PROVIDER] = "other";
	v[SETUP_IMAP_HOST] = "mail.example.org";
	v[SETUP_IMAP_PORT] = "993";
	v[SETUP_IMAP_TLS] = "implicit";
	v[SETUP_SMTP_HOST] = "smtp.example.org";
	v[SETUP_SMTP_PORT] = "587";
	v[SETUP_SMTP_TLS] = "starttls";
}

static void test_other(void **state)
{
	const char *v[SETUP_FIELD_COUNT];
	struct app a;
	struct err e = { ERR_NONE, "" };
	int bad = -1;
	(void)state;

	other_values(v);
	assert_int_equal(setup_open(&a, v, "/nonexistent/config", &bad, &e), 0);
	assert_string_equal(a.account->name, "gina");
	assert_string_equal(a.account->real_name, "Gina Test");
	assert_string_equal(a.account->login, "gina@example.org");
	assert_string_equal(a.account->imap_host, "mail.example.org");
	assert_int_equal(a.account->imap_port, 993);
	assert_int_equal(a.account->smtp_port, 587);
	assert_int_equal(a.account->smtp_tls, CONF_TLS_STARTTLS);
	assert_int_equal(a.account->provider, CONF_PROVIDER_CUSTOM);
	assert_null(a.account->password);
	assert_string_equal(a.secret, "s3cret pass");
	assert_string_equal(a.config.path, "/nonexistent/config");
	app_close(&a);
}

static void test_preset_ignores_servers(void **state)
{
	const char *v[SETUP_FIELD_COUNT];
	struct app a;
	struct err e = { ERR_NONE, "" };
	int bad = -1;
	(void)state;

	other_values(v);
	v[SETUP_PROVIDER] = "fastmail";
	v[SETUP_IMAP_PORT] = "not a port";
	v[SETUP_ACCOUNT] = "work";
	assert_int_equal(setup_open(&a, v, NULL, &bad, &e), 0);
	assert_string_equal(a.account->name, "work");
	assert_string_equal(a.account->imap_host, "imap.fastmail.com");
	assert_string_equal(a.account->smtp_host, "smtp.fastmail.com");
	assert_int_equal(a.account->provider, CONF_PROVIDER_FASTMAIL);
	app_close(&a);
}

static void test_bad_fields(void **state)
{
	const char *v[SETUP_FIELD_COUNT];
	struct app a;
	struct err e = { ERR_NONE, "" };
	int bad;
	static const struct {
		int field;
		const char *value;
		const char *says;
	} cases[] = {
		{ SETUP_ADDRESS, "", "address is missing" },
		{ SETUP_ADDRESS, "no-at-sign", "address" },
		{ SETUP_PASSWORD, "", "password is missing" },
		{ SETUP_IMAP_HOST, "", "IMAP server is missing" },
		{ SETUP_SMTP_HOST, "bad host name!", "smtp_host" },
		{ SETUP_IMAP_PORT, "99999", "imap_port" },
		{ SETUP_SMTP_TLS, "sometimes", "smtp_tls" },
		{ SETUP_ACCOUNT, "two words", "account name" },
		{ SETUP_CA_FILE, "/nonexistent/ca.pem", "cannot read the CA file" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		other_values(v);
		v[cases[i].field] = cases[i].value;
		bad = -1;
		assert_int_equal(setup_open(&a, v, NULL, &bad, &e), -1);
		assert_int_equal(bad, cases[i].field);
		assert_int_equal(e.code, ERR_CONFIG);
		if (strstr(e.msg, cases[i].says) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, e.msg, cases[i].says);
		assert_null(a.account);
	}
}

static void test_names_and_guesses(void **state)
{
	char *n;
	(void)state;

	n = setup_account_name("first.last+tag@example.org");
	assert_string_equal(n, "first.last+tag");
	free(n);
	n = setup_account_name("we ird/ü@example.org");
	assert_string_equal(n, "we-ird---");
	free(n);
	n = setup_account_name("-x@example.org");
	assert_string_equal(n, "_x");
	free(n);
	n = setup_account_name("");
	assert_string_equal(n, "mail");
	free(n);
	assert_int_equal(setup_guess_provider("a@GMail.com"), CONF_PROVIDER_GMAIL);
	assert_int_equal(setup_guess_provider("a@hotmail.com"), CONF_PROVIDER_OUTLOOK);
	assert_int_equal(setup_guess_provider("a@fastmail.fm"), CONF_PROVIDER_FASTMAIL);
	assert_int_equal(setup_guess_provider("a@example.org"), CONF_PROVIDER_CUSTOM);
	assert_int_equal(setup_guess_provider("gmail.com"), CONF_PROVIDER_CUSTOM);
}

/* The written file loads back to the same account; mode 0600; the password
 * is in it only when asked. */
static void test_write(void **state)
{
	const char *v[SETUP_FIELD_COUNT];
	struct app a, back;
	struct err e = { ERR_NONE, "" };
	struct stat st;
	char path[256], text[4096];
	ssize_t len;
	int bad, fd;
	(void)state;

	for (int with = 0; with <= 1; with++) {
		snprintf(path, sizeof path, "%s/sub%d/config", dir, with);
		other_values(v);
		v[SETUP_CA_FILE] = "/dev/null";
		assert_int_equal(setup_open(&a, v, path, &bad, &e), 0);
		assert_int_equal(setup_write(&a, with, &e), 0);
		assert_null(a.account->password);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		len = fileio_read_full(fd, text, sizeof text - 1);
		close(fd);
		assert_true(len > 0);
		text[len] = '\0';
		assert_true((strstr(text, "s3cret") != NULL) == with);
		assert_int_equal(app_open(&back, path, NULL, &e), 0);
		assert_string_equal(back.account->name, "gina");
		assert_string_equal(back.account->smtp_host, "smtp.example.org");
		assert_int_equal(back.account->smtp_port, 587);
		assert_int_equal(back.account->smtp_tls, CONF_TLS_STARTTLS);
		assert_string_equal(back.account->ca_file, "/dev/null");
		if (with)
			assert_string_equal(back.account->password, "s3cret pass");
		else
			assert_null(back.account->password);
		app_close(&back);
		/* A second write never replaces the file. */
		assert_int_equal(setup_write(&a, with, &e), -1);
		assert_non_null(strstr(e.msg, "already exists"));
		app_close(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_preset_ignores_servers),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_names_and_guesses),
		cmocka_unit_test(test_write),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
