/* The first run's account: the form's values through the config file's own
 * checks (conf/settings.c), an app over it in memory, and the first file. */
#include "app/setup.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/preset.h"
#include "conf/settings.h"
#include "util/xalloc.h"

/* The config key of each field, and how the form names it. */
static const struct {
	const char *key;
	const char *label;
	unsigned preset_bit;
} fields[SETUP_FIELD_COUNT] = {
	[SETUP_ACCOUNT] = { NULL, "account name", 0 },
	[SETUP_REAL_NAME] = { "name", "name", 0 },
	[SETUP_ADDRESS] = { "address", "address", 0 },
	[SETUP_PASSWORD] = { NULL, "password", 0 },
	[SETUP_PROVIDER] = { "provider", "provider", 0 },
	[SETUP_IMAP_HOST] = { "imap_host", "IMAP server", PRESET_IMAP_HOST },
	[SETUP_IMAP_PORT] = { "imap_port", "IMAP port", PRESET_IMAP_PORT },
	[SETUP_IMAP_TLS] = { "imap_tls", "IMAP TLS", PRESET_IMAP_TLS },
	[SETUP_SMTP_HOST] = { "smtp_host", "SMTP server", PRESET_SMTP_HOST },
	[SETUP_SMTP_PORT] = { "smtp_port", "SMTP port", PRESET_SMTP_PORT },
	[SETUP_SMTP_TLS] = { "smtp_tls", "SMTP TLS", PRESET_SMTP_TLS },
	[SETUP_CA_FILE] = { "ca_file", "CA file", 0 },
};

static const struct {
	const char *domain;
	enum conf_provider provider;
} domains[] = {
	{ "gmail.com", CONF_PROVIDER_GMAIL },       { "googlemail.com", CONF_PROVIDER_GMAIL },
	{ "outlook.com", CONF_PROVIDER_OUTLOOK },   { "hotmail.com", CONF_PROVIDER_OUTLOOK },
	{ "live.com", CONF_PROVIDER_OUTLOOK },      { "fastmail.com", CONF_PROVIDER_FASTMAIL },
	{ "fastmail.fm", CONF_PROVIDER_FASTMAIL },
};

enum conf_provider setup_guess_provider(const char *address)
{
	const char *at = address != NULL ? strrchr(address, '@') : NULL;

	for (size_t i = 0; at != NULL && i < sizeof domains / sizeof domains[0]; i++)
		if (strcasecmp(at + 1, domains[i].domain) == 0)
			return domains[i].provider;
	return CONF_PROVIDER_CUSTOM;
}

char *setup_account_name(const char *address)
{
	size_t n = address != NULL ? strcspn(address, "@") : 0;
	char *name;

	if (n == 0)
		return xstrdup("mail");
	if (n > 64)
		n = 64;
	name = xstrndup(address, n);
	for (char *p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._+-", *p) == NULL)
			*p = '-';
	/* A leading '-' would read as an option to -a. */
	if (name[0] == '-')
		name[0] = '_';
	return name;
}

static int given(const char *v)
{
	return v != NULL && *v != '\0';
}

static int store(struct account *acct, int field, const char *value, int *bad, struct err *e)
{
	const struct setting *s = settings_find(SECTION_ACCOUNT, fields[field].key);

	if (settings_store(s, value, acct, e) == 0)
		return 0;
	*bad = field;
	return -1;
}

static int missing(int field, int *bad, struct err *e)
{
	*bad = field;
	return err_set(e, ERR_CONFIG, "the %s is missing", fields[field].label);
}

/* Fills acct (defaults stored already) from values, as the parser would from
 * a file holding them. */
static int fill_account(struct account *acct, const char *const values[SETUP_FIELD_COUNT],
			int *bad, struct err *e)
{
	const int custom = !given(values[SETUP_PROVIDER]) ||
			   strcmp(values[SETUP_PROVIDER], "other") == 0;
	unsigned mask = 0;

	if (!given(values[SETUP_ADDRESS]))
		return missing(SETUP_ADDRESS, bad, e);
	if (!given(values[SETUP_PASSWORD]))
		return missing(SETUP_PASSWORD, bad, e);
	for (int f = SETUP_REAL_NAME; f < SETUP_FIELD_COUNT; f++) {
		const char *v = values[f];
		if (fields[f].key == NULL)
			continue;
		if (f == SETUP_PROVIDER) {
			v = custom ? "custom" : v;
		} else if (fields[f].preset_bit != 0) {
			if (!custom)
				continue;
			if (!given(v) && (f == SETUP_IMAP_HOST || f == SETUP_SMTP_HOST))
				return missing(f, bad, e);
		}
		if (!given(v))
			continue;
		if (store(acct, f, v, bad, e) != 0)
			return -1;
		mask |= fields[f].preset_bit;
	}
	preset_apply(acct, mask);
	acct->login = xstrdup(acct->address);
	if (acct->ca_file != NULL && access(acct->ca_file, R_OK) != 0) {
		*bad = SETUP_CA_FILE;
		return err_set(e, ERR_CONFIG, "cannot read the CA file %s: %s", acct->ca_file,
			       strerror(errno));
	}
	return 0;
}

int setup_open(struct app *a, const char *const values[SETUP_FIELD_COUNT], const char *path,
	       int *bad_field, struct err *e)
{
	const struct setting name_setting = { SECTION_ACCOUNT, "account name",
					      SETTING_ACCOUNT_NAME, offsetof(struct account, name),
					      NULL, NULL, "" };
	struct config c;
	struct account *acct;
	char *name;
	int rc;

	memset(a, 0, sizeof *a);
	memset(&c, 0, sizeof c);
	c.path = path != NULL ? xstrdup(path) : config_default_path();
	settings_store_defaults(SECTION_GENERAL, &c);
	c.accounts = acct = xcalloc(1, sizeof *acct);
	c.naccounts = 1;
	settings_store_defaults(SECTION_ACCOUNT, acct);
	name = given(values[SETUP_ACCOUNT]) ? xstrdup(values[SETUP_ACCOUNT])
					    : setup_account_name(values[SETUP_ADDRESS]);
	rc = settings_store(&name_setting, name, acct, e);
	free(name);
	if (rc != 0)
		*bad_field = SETUP_ACCOUNT;
	else
		rc = fill_account(acct, values, bad_field, e);
	if (rc != 0) {
		config_free(&c);
		return -1;
	}
	c.default_account = xstrdup(acct->name);
	if (app_open_config(a, &c, NULL, e) != 0) {
		*bad_field = SETUP_ACCOUNT;
		return -1;
	}
	a->secret = xstrdup(values[SETUP_PASSWORD]);
	return 0;
}

int setup_write(struct app *a, int with_password, struct err *e)
{
	struct account *acct = &a->config.accounts[0];
	int rc;

	/* Only for the writing: the secret lives in a->secret. */
	if (with_password)
		acct->password = xstrdup(a->secret);
	rc = config_write_account(a->config.path, acct, with_password, e);
	account_secret_free(acct->password);
	acct->password = NULL;
	return rc;
}
