/* Unit tests of src/conf: parsing, presets, every error message, secrets from
 * commands, writing a first config, and the man page against the settings table. */
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

#include "conf/config.h"
#include "conf/preset.h"
#include "conf/settings.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* A scratch directory under the current directory (the build tree, whose
 * absolute path can be long: make distcheck nests it deep). */
static char tmpdir[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "test_conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	char *abs = realpath(tmpdir, NULL);
	if (abs == NULL || strlen(abs) >= sizeof tmpdir)
		return -1;
	strcpy(tmpdir, abs);
	free(abs);
	setenv("HOME", "/home/u", 1);
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

static int parse(const char *text, struct config *c, struct err *e)
{
	err_clear(e);
	return config_parse(text, strlen(text), "t.conf", c, e);
}

static char *write_tmp(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void test_two_accounts_and_presets(void **state)
{
	static const char text[] =
		"# my mail\n"
		"[general]\n"
		"default_account = home\n"
		"save_dir = ~/Saved   # where attachments go\n"
		"metrics_log = off\n"
		"notify = Yes\n"
		"notify_port = 7000\n"
		"\n"
		"[account work]\n"
		"provider = outlook\n"
		"name = Alice Example\n"
		"address = alice@example.org\n"
		"smtp_tls = implicit\n"
		"password_command = pass show work\n"
		"folder_sent = Sent Items\n"
		"\n"
		"  [ account   home ]  # spaces are fine\n"
		"address = alice@home.example\n"
		"login = alice\n"
		"imap_host = mail.home.example\n"
		"imap_tls = starttls\n"
		"smtp_host = smtp.home.example\n"
		"smtp_tls = starttls\n"
		"ca_file = ~/certs/ca.pem\n"
		"connect_timeout = 5\n"
		"TIMEOUT = 120\n"
		"[account g]\n"
		"provider = gmail\n"
		"address = a@gmail.com\n"
		"oauth_token_command = get-token\n"
		"[account l]\n"
		"provider = local\n"
		"address = a@localhost\n"
		"imap_port = 10143\n";
	struct config c;
	struct err e;
	(void)state;

	assert_int_equal(parse(text, &c, &e), 0);
	assert_string_equal(c.path, "t.conf");
	assert_string_equal(c.default_account, "home");
	assert_string_equal(c.save_dir, "/home/u/Saved");
	assert_int_equal(c.metrics_log, 0);
	assert_int_equal(c.notify, 1);
	assert_string_equal(c.notify_host, "127.0.0.1");
	assert_int_equal(c.notify_port, 7000);
	assert_null(c.editor);
	assert_int_equal(c.nwarnings, 0);
	assert_int_equal(c.naccounts, 4);

	const struct account *w = &c.accounts[0];
	assert_string_equal(w->name, "work");
	assert_int_equal(w->provider, CONF_PROVIDER_OUTLOOK);
	assert_string_equal(w->real_name, "Alice Example");
	assert_string_equal(w->login, "alice@example.org");
	assert_string_equal(w->imap_host, "outlook.office365.com");
	assert_int_equal(w->imap_port, 993);
	assert_int_equal(w->imap_tls, CONF_TLS_IMPLICIT);
	assert_string_equal(w->smtp_host, "smtp.office365.com");
	/* The preset's 587 goes with STARTTLS; implicit TLS gets its own port. */
	assert_int_equal(w->smtp_port, 465);
	assert_int_equal(w->smtp_tls, CONF_TLS_IMPLICIT);
	assert_int_equal(w->auth, CONF_AUTH_AUTO);
	assert_string_equal(w->password_command, "pass show work");
	assert_null(w->password);
	assert_string_equal(w->folder_sent, "Sent Items");
	assert_null(w->folder_trash);
	assert_int_equal(w->connect_timeout, 15);
	assert_int_equal(w->timeout, 60);
	assert_int_equal(w->allow_plaintext, 0);

	const struct account *h = &c.accounts[1];
	assert_string_equal(h->name, "home");
	assert_int_equal(h->provider, CONF_PROVIDER_CUSTOM);
	assert_null(h->real_name);
	assert_string_equal(h->login, "alice");
	assert_int_equal(h->imap_port, 143);
	assert_int_equal(h->smtp_port, 587);
	assert_int_equal(h->smtp_tls, CONF_TLS_STARTTLS);
	assert_string_equal(h->ca_file, "/home/u/certs/ca.pem");
	assert_int_equal(h->connect_timeout, 5);
	assert_int_equal(h->timeout, 120);

	const struct account *g = &c.accounts[2];
	assert_string_equal(g->imap_host, "imap.gmail.com");
	assert_string_equal(g->smtp_host, "smtp.gmail.com");
	assert_int_equal(g->smtp_port, 465);
	assert_int_equal(g->auth, CONF_AUTH_XOAUTH2);

	const struct account *l = &c.accounts[3];
	assert_string_equal(l->imap_host, "localhost");
	assert_int_equal(l->imap_port, 10143);
	assert_int_equal(l->imap_tls, CONF_TLS_STARTTLS);
	assert_int_equal(l->smtp_port, 587);
	assert_int_equal(l->smtp_tls, CONF_TLS_STARTTLS);

	assert_ptr_equal(config_find_account(&c, NULL, &e), h);
	assert_ptr_equal(config_find_account(&c, "work", &e), w);
	assert_null(config_find_account(&c, "play", &e));
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_string_equal(e.msg, "no account named play (accounts: work, home, g, l)");
	config_free(&c);
	assert_null(c.accounts);
	config_free(&c);
	config_free(NULL);
}

static void test_defaults_and_no_accounts(void **state)
{
	struct config c;
	struct err e;
	(void)state;

	assert_int_equal(parse("", &c, &e), 0);
	assert_string_equal(c.save_dir, "/home/u/Downloads");
	assert_int_equal(c.metrics_log, 1);
	assert_int_equal(c.notify, 0);
	assert_int_equal(c.notify_port, 9999);
	assert_null(config_find_account(&c, NULL, &e));
	assert_int_equal(e.code, ERR_CONFIG);
	assert_string_equal(e.msg, "t.conf defines no account; add an [account NAME] section (see skua.conf(5))");
	config_free(&c);

	/* Without default_account the first account is the default. */
	assert_int_equal(parse("[account b]\naddress = b@x.org\nimap_host = x.org\nsmtp_host = x.org\n"
			       "[account a]\naddress = a@x.org\nimap_host = x.org\nsmtp_host = x.org\n",
			       &c, &e), 0);
	assert_string_equal(config_find_account(&c, NULL, &e)->name, "b");
	assert_int_equal(c.accounts[0].imap_port, 993);
	assert_int_equal(c.accounts[0].smtp_port, 465);
	config_free(&c);
}

#define ACCT "[account a]\naddress = a@x.org\nimap_host = x.org\nsmtp_host = x.org\n"

static const struct {
	const char *text;
	const char *msg;
} error_cases[] = {
	{ "[generl]\n", "t.conf:1: unknown section [generl]; expected [general] or [account NAME]" },
	{ "\n[acount x]\n", "t.conf:2: unknown section [acount x]; expected [general] or [account NAME]" },
	{ "[account]\n", "t.conf:1: section [account] needs a name, as in [account work]" },
	{ "[account my work]\n",
	  "t.conf:1: bad value 'my work' for account name: expected an account name (letters, digits and . _ @ + -)" },
	{ "[general\n", "t.conf:1: section header without a closing ']'" },
	{ "[general] x\n", "t.conf:1: unexpected text after the section header" },
	{ "[general]\n[general]\n", "t.conf:2: duplicate section [general] (first on line 1)" },
	{ ACCT "pasword = x\n", "t.conf:5: unknown key 'pasword' (did you mean 'password'?)" },
	{ ACCT "imap_hots = x\n", "t.conf:5: unknown key 'imap_hots' (did you mean 'imap_host'?)" },
	{ "[general]\nmetric_log = no\n", "t.conf:2: unknown key 'metric_log' (did you mean 'metrics_log'?)" },
	{ ACCT "color = red\n", "t.conf:5: unknown key 'color' in [account NAME]" },
	{ "[general]\nimap_host = x\n",
	  "t.conf:2: key 'imap_host' belongs in an [account NAME] section, not [general]" },
	{ ACCT "save_dir = x\n", "t.conf:5: key 'save_dir' belongs in the [general] section, not [account NAME]" },
	{ ACCT "imap_tls = maybe\n",
	  "t.conf:5: bad value 'maybe' for imap_tls: expected implicit, starttls or none" },
	{ ACCT "allow_plaintext = maybe\n",
	  "t.conf:5: bad value 'maybe' for allow_plaintext: expected yes or no" },
	{ ACCT "imap_port = 0\n", "t.conf:5: bad value '0' for imap_port: expected a port number from 1 to 65535" },
	{ ACCT "imap_port = 65536\n",
	  "t.conf:5: bad value '65536' for imap_port: expected a port number from 1 to 65535" },
	{ ACCT "smtp_port = 25a\n", "t.conf:5: bad value '25a' for smtp_port: expected a port number from 1 to 65535" },
	{ ACCT "smtp_port = -1\n", "t.conf:5: bad value '-1' for smtp_port: expected a port number from 1 to 65535" },
	{ ACCT "timeout = 0\n",
	  "t.conf:5: bad value '0' for timeout: expected a number of seconds from 1 to 3600" },
	{ ACCT "auth = kerberos\n",
	  "t.conf:5: bad value 'kerberos' for auth: expected auto, plain, login or xoauth2" },
	{ "[account a]\nprovider = yahoo\n",
	  "t.conf:2: bad value 'yahoo' for provider: expected gmail, outlook, fastmail, local or custom" },
	{ "[account a]\naddress = alice\n",
	  "t.conf:2: bad value 'alice' for address: expected an address like user@example.org" },
	{ "[account a]\nimap_host = -oProxy\n",
	  "t.conf:2: bad value '-oProxy' for imap_host: expected a host name or IP address" },
	{ ACCT "[account a]\n", "t.conf:5: duplicate account 'a' (first on line 1)" },
	{ ACCT "login = x\nlogin = y\n", "t.conf:6: login is already set on line 5" },
	{ "[account a]\nimap_host = x.org\nsmtp_host = x.org\n", "t.conf:1: account 'a' has no address" },
	{ "\n[account a]\naddress = a@x.org\nsmtp_host = x.org\n",
	  "t.conf:2: account 'a' has no imap_host; set it, or set provider to a known provider" },
	{ "[account a]\naddress = a@x.org\nimap_host = x.org\n",
	  "t.conf:1: account 'a' has no smtp_host; set it, or set provider to a known provider" },
	{ ACCT "imap_tls = none\n",
	  "t.conf:5: imap_tls = none sends your password in clear text; set allow_plaintext = yes to allow it" },
	{ ACCT "allow_plaintext = no\nsmtp_tls = none\n",
	  "t.conf:6: smtp_tls = none sends your password in clear text; set allow_plaintext = yes to allow it" },
	{ "address = a@x.org\n",
	  "t.conf:1: key 'address' is outside any section; put it under [general] or [account NAME]" },
	{ "[general]\njust some words\n", "t.conf:2: expected KEY = VALUE, but the line has no '='" },
	{ "[general]\n= x\n", "t.conf:2: missing key before '='" },
	{ "[general]\nsave dir = x\n", "t.conf:2: 'save dir' is not a key name (letters, digits and _)" },
	{ "[general]\neditor =\n", "t.conf:2: missing value for editor" },
	{ "[general]\neditor = # nothing\n", "t.conf:2: missing value for editor" },
	{ "[general]\neditor = \"\"\n", "t.conf:2: missing value for editor" },
	{ "[general]\neditor = \"vi\n", "t.conf:2: quoted value without a closing '\"'" },
	{ "[general]\neditor = \"vi\" -x\n", "t.conf:2: unexpected text after the closing quote" },
	{ "[general]\neditor = \"v\\i\"\n",
	  "t.conf:2: unknown escape '\\i' in a quoted value; only \\\" and \\\\ are known" },
	{ "[general]\neditor = v\033[2Ji\n", "t.conf:2: control character (0x1b) in the line" },
	{ "[general]\ndefault_account = b\n" ACCT,
	  "t.conf:2: default_account 'b' names no account (accounts: a)" },
	{ ACCT "password = x\npassword_command = y\n",
	  "t.conf:6: set either password or password_command, not both" },
	{ ACCT "auth = xoauth2\n",
	  "t.conf:5: auth = xoauth2 needs oauth_token_command, a command that prints an access token" },
	{ ACCT "auth = plain\noauth_token_command = t\n",
	  "t.conf:6: oauth_token_command is only used with auth = xoauth2" },
	{ ACCT "password = x\noauth_token_command = t\n",
	  "t.conf:5: a password is not used with auth = xoauth2" },
	{ ACCT "bind index x delete\n",
	  "t.conf:5: bind lines apply to every account; put them under [general] or before the first section" },
	{ ACCT "color status red\n",
	  "t.conf:5: color lines apply to every account; put them under [general] or before the first section" },
	{ "bind index x\n", "t.conf:1: expected bind SCREENS KEY ACTION, as in: bind index,pager x delete" },
	{ "bind index x delete now\n",
	  "t.conf:1: expected bind SCREENS KEY ACTION, as in: bind index,pager x delete" },
	{ "[general]\ncolor status\n",
	  "t.conf:2: expected color ROLE FOREGROUND [BACKGROUND], as in: color status white blue" },
	{ "bind index \"x delete\n", "t.conf:1: quoted word without a closing '\"'" },
	{ "bind index \"x\"y delete\n", "t.conf:1: unexpected text after a closing quote" },
	{ "bind index \"\\x\" delete\n",
	  "t.conf:1: unknown escape in a quoted word; only \\\" and \\\\ are known" },
	{ "bind a b c d e f\n", "t.conf:1: too many words in the line" },
};

static void test_error_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
		struct config c;
		struct err e;
		assert_int_equal(parse(error_cases[i].text, &c, &e), -1);
		assert_int_equal(e.code, ERR_CONFIG);
		if (strcmp(e.msg, error_cases[i].msg) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, e.msg, error_cases[i].msg);
		/* A failed parse leaves nothing to free. */
		assert_null(c.accounts);
		assert_null(c.path);
	}
}

/* bind and color lines are kept as written, in order, with their line;
 * the names are the full-screen client's to check. */
static void test_bind_and_color_lines(void **state)
{
	static const char text[] =
		"bind index,pager x delete\n"
		"color status white blue  # comment\n"
		"[general]\n"
		"bind  pager\t\"#\"  noop # a quoted hash is a key\n"
		"colour quote1 color208\n"
		"bind = x\n";
	struct config c;
	struct err e;
	(void)state;

	/* "bind = x" is a KEY = VALUE line, and there is no key bind. */
	assert_int_equal(parse(text, &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:6: unknown key 'bind' in [general]");

	assert_int_equal(config_parse(text, strlen(text) - strlen("bind = x\n"), "t.conf", &c, &e), 0);
	assert_int_equal(c.nbinds, 2);
	assert_string_equal(c.binds[0].screens, "index,pager");
	assert_string_equal(c.binds[0].key, "x");
	assert_string_equal(c.binds[0].action, "delete");
	assert_int_equal(c.binds[0].line, 1);
	assert_string_equal(c.binds[1].screens, "pager");
	assert_string_equal(c.binds[1].key, "#");
	assert_string_equal(c.binds[1].action, "noop");
	assert_int_equal(c.binds[1].line, 4);
	assert_int_equal(c.ncolors, 2);
	assert_string_equal(c.colors[0].role, "status");
	assert_string_equal(c.colors[0].fg, "white");
	assert_string_equal(c.colors[0].bg, "blue");
	assert_int_equal(c.colors[0].line, 2);
	assert_string_equal(c.colors[1].role, "quote1");
	assert_string_equal(c.colors[1].fg, "color208");
	assert_null(c.colors[1].bg);
	assert_int_equal(c.colors[1].line, 5);
	config_free(&c);
	assert_null(c.binds);
	assert_null(c.colors);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[general]\neditor = v\0i\n";
	struct config c;
	struct err e;
	(void)state;

	assert_int_equal(config_parse(text, sizeof text - 1, "t.conf", &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:2: the line contains a NUL byte; is this a text file?");
}

static void test_quoting_and_comments(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf[account a]\r\n"
		"address = a@x.org\r\n"
		"imap_host = x.org\t# tab before the comment\r\n"
		"smtp_host = x.org\n"
		"password = \"  # not a comment \\\"quoted\\\" back\\\\slash \"   # comment\n"
		"name = Alice #1\n"
		"login = user#tag\n"
		"folder_sent = \"\"\"\n";
	struct config c;
	struct err e;
	(void)state;

	/* The last line has text after an empty quoted value. */
	assert_int_equal(parse(text, &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:8: unexpected text after the closing quote");

	char *fixed = xasprintf("%.*s%s", (int)(strstr(text, "folder_sent") - text), text,
				"folder_sent = \"Sent \\\\ Old\"\n");
	assert_int_equal(parse(fixed, &c, &e), 0);
	const struct account *a = &c.accounts[0];
	assert_string_equal(a->imap_host, "x.org");
	assert_string_equal(a->password, "  # not a comment \"quoted\" back\\slash ");
	assert_string_equal(a->real_name, "Alice");
	assert_string_equal(a->login, "user#tag");
	assert_string_equal(a->folder_sent, "Sent \\ Old");
	config_free(&c);
	free(fixed);
}

static void test_load_file_and_permission_warning(void **state)
{
	struct config c;
	struct err e;
	(void)state;

	char *path = write_tmp("pw.conf", ACCT "password = hunter2\n", 0644);
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_string_equal(c.path, path);
	assert_int_equal(c.nwarnings, 1);
	char *want = xasprintf("%s: contains a password and is readable by others; chmod 600 %s", path,
			       path);
	assert_string_equal(c.warnings[0], want);
	free(want);
	config_free(&c);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_int_equal(c.nwarnings, 0);
	config_free(&c);

	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_int_equal(c.nwarnings, 1);
	assert_non_null(strstr(c.warnings[0], "is writable by others"));
	config_free(&c);
	free(path);

	/* Readable by others but without a password: nothing to warn about. */
	path = write_tmp("nopw.conf", ACCT "password_command = echo x\n", 0644);
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_int_equal(c.nwarnings, 0);
	config_free(&c);
	free(path);

	/* Errors in a file carry its name. */
	path = write_tmp("bad.conf", "[general]\nnotify = perhaps\n", 0600);
	assert_int_equal(config_load(path, &c, &e), -1);
	want = xasprintf("%s:2: bad value 'perhaps' for notify: expected yes or no", path);
	assert_string_equal(e.msg, want);
	free(want);
	free(path);

	path = xasprintf("%s/absent.conf", tmpdir);
	assert_int_equal(config_load(path, &c, &e), CONFIG_MISSING);
	assert_int_equal(e.code, ERR_CONFIG);
	want = xasprintf("no config file at %s", path);
	assert_string_equal(e.msg, want);
	free(want);
	free(path);

	assert_int_equal(config_load(tmpdir, &c, &e), -1);
	want = xasprintf("%s is not a regular file", tmpdir);
	assert_string_equal(e.msg, want);
	free(want);

	/* The default path follows XDG_CONFIG_HOME. */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	path = config_default_path();
	want = xasprintf("%s/skua/config", tmpdir);
	assert_string_equal(path, want);
	free(want);
	assert_int_equal(config_load(NULL, &c, &e), CONFIG_MISSING);
	unsetenv("XDG_CONFIG_HOME");
	free(path);
}

static struct account command_account(const char *password_command)
{
	struct account a = { 0 };
	a.name = "acct";
	a.password_command = (char *)password_command;
	return a;
}

static void test_secret_sources(void **state)
{
	struct err e;
	char *s;
	(void)state;

	struct account a = command_account("printf 'pa ss\\r\\nsecond line\\n'");
	assert_int_equal(account_get_secret(&a, &s, &e), 0);
	assert_string_equal(s, "pa ss");
	account_secret_free(s);

	a = command_account("printf 'no newline'");
	assert_int_equal(account_get_secret(&a, &s, &e), 0);
	assert_string_equal(s, "no newline");
	account_secret_free(s);

	a = command_account("echo 'gpg: decryption failed' >&2; echo partial; exit 3");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_AUTH);
	assert_string_equal(e.msg, "password_command for account acct failed with exit status 3: gpg: decryption failed");

	a = command_account("exit 1");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_string_equal(e.msg, "password_command for account acct failed with exit status 1");

	a = command_account("true");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_string_equal(e.msg, "password_command for account acct printed nothing (exit status 0)");

	a = command_account("echo; echo second");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_string_equal(e.msg, "password_command for account acct printed nothing (exit status 0)");

	a = command_account("printf 'bad\\033[31m\\n' >&2; kill -9 $$");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_string_equal(e.msg, "password_command for account acct was killed by signal 9: bad?[31m");

	a = command_account("no-such-command-for-skua-tests");
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_non_null(strstr(e.msg, "failed with exit status 127: "));

	/* A background process that keeps the pipe open does not hold us up. */
	a = command_account("sleep 5 & echo quick");
	uint64_t t0 = clock_mono_us();
	assert_int_equal(account_get_secret(&a, &s, &e), 0);
	assert_string_equal(s, "quick");
	assert_true(clock_mono_us() - t0 < 3000000);
	account_secret_free(s);

	/* A password in the file needs no command; neither means "ask". */
	a = command_account(NULL);
	a.password = "from file";
	assert_int_equal(account_get_secret(&a, &s, &e), 0);
	assert_string_equal(s, "from file");
	account_secret_free(s);
	a.password = NULL;
	s = (char *)"junk";
	assert_int_equal(account_get_secret(&a, &s, &e), 1);
	assert_null(s);

	a.auth = CONF_AUTH_XOAUTH2;
	a.password = "ignored";
	a.oauth_token_command = "echo ya29.token";
	assert_int_equal(account_get_secret(&a, &s, &e), 0);
	assert_string_equal(s, "ya29.token");
	account_secret_free(s);
	a.oauth_token_command = "echo expired >&2; exit 2";
	assert_int_equal(account_get_secret(&a, &s, &e), -1);
	assert_string_equal(e.msg, "oauth_token_command for account acct failed with exit status 2: expired");
	account_secret_free(NULL);
}

static void assert_same_account(const struct account *x, const struct account *y)
{
	for (size_t i = 0; i < settings_count; i++) {
		const struct setting *s = &settings_table[i];
		if (s->section != SECTION_ACCOUNT)
			continue;
		const char *px = (const char *)x + s->offset, *py = (const char *)y + s->offset;
		switch (s->type) {
		case SETTING_BOOL:
		case SETTING_SECONDS: assert_int_equal(*(const int *)px, *(const int *)py); break;
		case SETTING_PORT: assert_int_equal(*(const uint16_t *)px, *(const uint16_t *)py); break;
		case SETTING_TLS:
		case SETTING_AUTH:
		case SETTING_PROVIDER: assert_memory_equal(px, py, sizeof(enum conf_tls)); break;
		default: {
			const char *sx = *(char *const *)px, *sy = *(char *const *)py;
			if (sx == NULL || sy == NULL)
				assert_ptr_equal(sx, sy);
			else
				assert_string_equal(sx, sy);
		}
		}
	}
	assert_string_equal(x->name, y->name);
}

static void test_write_account_round_trip(void **state)
{
	static const char *const sources[] = {
		"[account gm]\nprovider = gmail\nname = \" Alice \\\"A\\\" Example \"\n"
		"address = alice@gmail.com\npassword = \"p#ss \\\\ word\"\n"
		"folder_archive = [Gmail]/All Mail\ntimeout = 30\n",
		"[account lab]\naddress = t@lab.example\nlogin = tester\nimap_host = 192.0.2.1\n"
		"imap_tls = none\nsmtp_host = smtp.lab.example\nsmtp_tls = starttls\nsmtp_port = 2525\n"
		"allow_plaintext = yes\npassword_command = pass lab\nca_file = ~/ca.pem\n"
		"auth = login\nconnect_timeout = 3\n",
		"[account o]\nprovider = outlook\naddress = o@example.com\nsmtp_tls = implicit\n"
		"oauth_token_command = tok --user 'o@example.com'\n",
	};
	struct err e;
	(void)state;

	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
		struct config orig, back;
		char *path = xasprintf("%s/new%zu/skua/config", tmpdir, i);

		assert_int_equal(parse(sources[i], &orig, &e), 0);
		assert_int_equal(config_write_account(path, &orig.accounts[0], 1, &e), 0);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(config_load(path, &back, &e), 0);
		assert_int_equal(back.naccounts, 1);
		assert_string_equal(back.default_account, orig.accounts[0].name);
		assert_same_account(&orig.accounts[0], &back.accounts[0]);
		config_free(&back);

		/* An existing file is never replaced. */
		assert_int_equal(config_write_account(path, &orig.accounts[0], 1, &e), -1);
		assert_int_equal(e.code, ERR_IO);
		char *want = xasprintf("%s already exists; not replacing it", path);
		assert_string_equal(e.msg, want);
		free(want);
		config_free(&orig);
		free(path);
	}

	/* Keys the preset gives are left out, and so is the password unless asked for. */
	struct config c;
	char *path = xasprintf("%s/written.conf", tmpdir);
	assert_int_equal(parse(sources[0], &c, &e), 0);
	assert_int_equal(config_write_account(path, &c.accounts[0], 0, &e), 0);
	FILE *f = fopen(path, "r");
	char buf[2048];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_null(strstr(buf, "password"));
	assert_null(strstr(buf, "imap_host"));
	assert_null(strstr(buf, "smtp_port"));
	assert_non_null(strstr(buf, "provider = gmail\n"));
	assert_non_null(strstr(buf, "timeout = 30\n"));

	/* A value that would break the file is refused, and nothing is written. */
	free(c.accounts[0].real_name);
	c.accounts[0].real_name = xstrdup("Eve\n[account evil]");
	char *path2 = xasprintf("%s/evil.conf", tmpdir);
	assert_int_equal(config_write_account(path2, &c.accounts[0], 0, &e), -1);
	assert_string_equal(e.msg, "the value of name contains a control character");
	assert_int_equal(access(path2, F_OK), -1);
	free(c.accounts[0].address);
	c.accounts[0].address = xstrdup("nobody");
	assert_int_equal(config_write_account(path2, &c.accounts[0], 0, &e), -1);
	free(c.accounts[0].real_name);
	c.accounts[0].real_name = NULL;
	assert_int_equal(config_write_account(path2, &c.accounts[0], 0, &e), -1);
	assert_non_null(strstr(e.msg, "the new config would not load: "));
	assert_non_null(strstr(e.msg, "bad value 'nobody' for address"));
	assert_int_equal(access(path2, F_OK), -1);
	config_free(&c);
	free(path);
	free(path2);
}

static void test_settings_table(void **state)
{
	struct config c;
	struct account a;
	struct err e;
	(void)state;

	/* Every literal default parses as a value of its own type. */
	for (size_t i = 0; i < settings_count; i++) {
		const struct setting *s = &settings_table[i];
		assert_non_null(s->help);
		assert_true(s->def != NULL || s->def_doc != NULL);
		if (s->def == NULL)
			continue;
		memset(&c, 0, sizeof c);
		memset(&a, 0, sizeof a);
		if (settings_store(s, s->def, s->section == SECTION_GENERAL ? (void *)&c : (void *)&a, &e) != 0)
			fail_msg("default of %s: %s", s->key, e.msg);
		settings_free_fields(s->section, s->section == SECTION_GENERAL ? (void *)&c : (void *)&a);
		/* Each key is unique. */
		for (size_t j = i + 1; j < settings_count; j++)
			assert_true(strcmp(s->key, settings_table[j].key) != 0);
	}
	assert_null(settings_closest(SECTION_ACCOUNT, "colour"));
	assert_string_equal(settings_closest(SECTION_ACCOUNT, "smtp_prot")->key, "smtp_port");
	assert_string_equal(settings_closest(SECTION_ACCOUNT, "IMAP_HOTS")->key, "imap_host");

	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	settings_print(f);
	fclose(f);
	for (size_t i = 0; i < settings_count; i++)
		assert_non_null(strstr(out, settings_table[i].key));
	assert_non_null(strstr(out, "[account NAME]\n"));
	free(out);
}

static char *read_man_page(void)
{
	char *path = xasprintf("%s/man/skua.conf.5", SKUA_SRCDIR);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	char *text = xmalloc((size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);
	free(path);
	return text;
}

/* The man page documents every key of the table, and only those: each key is
 * an item ".It Cm KEY ..."; the presets' servers and ports are listed; the
 * example configurations load. */
static void test_man_page_matches_table(void **state)
{
	char *man = read_man_page();
	(void)state;

	for (size_t i = 0; i < settings_count; i++) {
		char *item = xasprintf("\n.It Cm %s ", settings_table[i].key);
		if (strstr(man, item) == NULL)
			fail_msg("skua.conf.5 does not document the key '%s'", settings_table[i].key);
		free(item);
	}
	for (const char *p = man; (p = strstr(p, "\n.It Cm ")) != NULL; p++) {
		char key[64];
		if (sscanf(p, "\n.It Cm %63[a-z_]", key) != 1)
			fail_msg("unreadable item in skua.conf.5: %.40s", p + 1);
		if (settings_find(SECTION_GENERAL, key) == NULL && settings_find(SECTION_ACCOUNT, key) == NULL)
			fail_msg("skua.conf.5 documents '%s', which is not a key", key);
	}

	unsigned n;
	const struct preset *presets = preset_all(&n);
	for (unsigned i = 0; i < n; i++) {
		const struct preset *p = &presets[i];
		char *line = xasprintf("\n.It %s\nIMAP %s port %u, %s;\nSMTP %s port %u, %s.\n",
				       account_provider_name(p->provider), p->imap_host, p->imap_port,
				       p->imap_tls == CONF_TLS_IMPLICIT ? "implicit TLS" : "STARTTLS",
				       p->smtp_host, p->smtp_port,
				       p->smtp_tls == CONF_TLS_IMPLICIT ? "implicit TLS" : "STARTTLS");
		if (strstr(man, line) == NULL)
			fail_msg("skua.conf.5 does not list the preset as:%s", line);
		free(line);
	}

	const char *ex = strstr(man, "\n.Sh EXAMPLES\n");
	assert_non_null(ex);
	int blocks = 0;
	for (const char *b = ex; (b = strstr(b, "\n.Bd -literal")) != NULL; blocks++) {
		b = strchr(b + 1, '\n') + 1;
		const char *end = strstr(b, "\n.Ed\n");
		assert_non_null(end);
		struct config c;
		struct err e;
		if (config_parse(b, (size_t)(end - b) + 1, "example", &c, &e) != 0)
			fail_msg("an example in skua.conf.5 does not load: %s", e.msg);
		assert_true(c.naccounts > 0);
		config_free(&c);
		b = end;
	}
	assert_int_equal(blocks, 3);
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_accounts_and_presets),
		cmocka_unit_test(test_defaults_and_no_accounts),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_bind_and_color_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_quoting_and_comments),
		cmocka_unit_test(test_load_file_and_permission_warning),
		cmocka_unit_test(test_secret_sources),
		cmocka_unit_test(test_write_account_round_trip),
		cmocka_unit_test(test_settings_table),
		cmocka_unit_test(test_man_page_matches_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
