/* One mail account as read from the config file, and how its secret (password
 * or OAuth2 token) is obtained. */
#ifndef SKUA_CONF_ACCOUNT_H
#define SKUA_CONF_ACCOUNT_H

#include <stdint.h>

#include "util/err.h"

enum conf_tls {
	CONF_TLS_IMPLICIT = 0, /* TLS from the first byte (993, 465) */
	CONF_TLS_STARTTLS,     /* plain connect, then STARTTLS is required */
	CONF_TLS_NONE,         /* no TLS at all; needs allow_plaintext = yes */
};

enum conf_auth {
	CONF_AUTH_AUTO = 0, /* PLAIN if offered, else LOGIN */
	CONF_AUTH_PLAIN,
	CONF_AUTH_LOGIN,
	CONF_AUTH_XOAUTH2,  /* the secret is an access token from oauth_token_command */
};

enum conf_provider {
	CONF_PROVIDER_CUSTOM = 0, /* no preset: hosts come from the file */
	CONF_PROVIDER_GMAIL,
	CONF_PROVIDER_OUTLOOK,
	CONF_PROVIDER_FASTMAIL,
	CONF_PROVIDER_LOCAL,
};

/* After config_load() every account is complete: address, login, both hosts,
 * ports and TLS modes are set (from the file, the provider preset or the
 * defaults) and the combination has been validated. Optional strings are NULL
 * when not set. Paths have "~/" expanded. */
struct account {
	char *name;          /* from [account NAME] */
	enum conf_provider provider;
	char *real_name;     /* "name" key: the display name for From:, may be NULL */
	char *address;       /* e-mail address, contains '@' */
	char *login;         /* user name for IMAP and SMTP; defaults to address */
	char *imap_host;
	char *smtp_host;
	uint16_t imap_port;
	uint16_t smtp_port;
	enum conf_tls imap_tls;
	enum conf_tls smtp_tls;
	enum conf_auth auth;     /* auto becomes xoauth2 when oauth_token_command is set */
	char *password;          /* plain password from the file, or NULL */
	char *password_command;  /* shell command printing the password, or NULL */
	char *oauth_token_command; /* shell command printing an access token, or NULL */
	char *ca_file;           /* extra trusted CA file (added to the system store), or NULL */
	char *folder_sent;       /* overrides used when the server lacks SPECIAL-USE, or NULL */
	char *folder_trash;
	char *folder_drafts;
	char *folder_junk;
	char *folder_archive;
	int connect_timeout;     /* seconds */
	int timeout;             /* seconds of inactivity per network read/write */
	int allow_plaintext;     /* 1 when tls = none may carry credentials */
};

/* Gets the secret the account logs in with:
 *  - auth = xoauth2: runs oauth_token_command;
 *  - else password from the file, or runs password_command.
 * Commands run through /bin/sh -c with the user's environment and terminal on
 * stdin (so gpg/pass can ask for a passphrase); the first line of stdout, without
 * its line ending, is the secret. Returns 0 with *secret set (free it with
 * account_secret_free()), 1 with *secret NULL when the account has no password
 * source (the caller prompts without echo), or -1 with ERR_AUTH when the command
 * fails, exits non-zero, prints nothing or runs longer than
 * ACCOUNT_SECRET_TIMEOUT seconds; the message names the exit status and the
 * first line of the command's stderr.
 * It waits for its own child with waitpid(pid): a SIGCHLD handler elsewhere must
 * not reap children with waitpid(-1). Safe to call from any thread. */
int account_get_secret(const struct account *a, char **secret, struct err *e);
#define ACCOUNT_SECRET_TIMEOUT 120

/* 1 when the file gives the secret (password, password_command or
 * oauth_token_command), 0 when the user has to type it. */
int account_has_secret_source(const struct account *a);

/* Zeroes and frees a secret; accepts NULL. */
void account_secret_free(char *secret);

/* Names for messages and for writing the file: "implicit", "plain", "gmail"... */
const char *account_tls_name(enum conf_tls tls);
const char *account_auth_name(enum conf_auth auth);
const char *account_provider_name(enum conf_provider provider);

#endif
