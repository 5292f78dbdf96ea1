/* The first run: an account from the values a user typed into the first-run
 * screen, checked as the config file's values are, opened in memory so that
 * the account worker can test its login, and then written as the first
 * config file. */
#ifndef SKUA_APP_SETUP_H
#define SKUA_APP_SETUP_H

#include "app/app.h"

/* The fields of the form, in its order. Values are spelled as in the file
 * ("993", "implicit", "gmail"; "other" is provider custom); NULL or "" is
 * not given. The server fields are only read when the provider is other. */
enum setup_field {
	SETUP_ACCOUNT,      /* the [account NAME]; not given: from the address */
	SETUP_REAL_NAME,
	SETUP_ADDRESS,
	SETUP_PASSWORD,
	SETUP_PROVIDER,
	SETUP_IMAP_HOST,
	SETUP_IMAP_PORT,
	SETUP_IMAP_TLS,
	SETUP_SMTP_HOST,
	SETUP_SMTP_PORT,
	SETUP_SMTP_TLS,
	SETUP_CA_FILE,
	SETUP_FIELD_COUNT,
};

/* Opens *a over a config of one account made of values, to be written to
 * path (NULL: the default path); a's secret is a copy of
 * values[SETUP_PASSWORD], so nothing asks for it again. On a bad or missing
 * value returns -1 with ERR_CONFIG, one sentence naming the field, and
 * *bad_field set to it. */
int setup_open(struct app *a, const char *const values[SETUP_FIELD_COUNT], const char *path,
	       int *bad_field, struct err *e);

/* The account name used when none is given: the address's user part with
 * what an account name cannot hold turned into '-'. Caller frees. */
char *setup_account_name(const char *address);

/* The provider whose servers an address's domain is at, or
 * CONF_PROVIDER_CUSTOM. */
enum conf_provider setup_guess_provider(const char *address);

/* Writes a's account to a's config path with config_write_account (mode
 * 0600, never over an existing file); the password goes into the file only
 * with with_password. */
int setup_write(struct app *a, int with_password, struct err *e);

#endif
