/* The table of every config key with its type, default and help, and the
 * parsing of one value by type. */
#include "conf/settings.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/account.h"
#include "conf/config.h"
#include "util/paths.h"
#include "util/xalloc.h"

#define G(key, type, field, def, def_doc, help) \
	{ SECTION_GENERAL, key, type, offsetof(struct config, field), def, def_doc, help }
#define A(key, type, field, def, def_doc, help) \
	{ SECTION_ACCOUNT, key, type, offsetof(struct account, field), def, def_doc, help }

const struct setting settings_table[] = {
	G("default_account", SETTING_ACCOUNT_NAME, default_account, NULL, "the first account",
	  "account used when none is named on the command line"),
	G("save_dir", SETTING_PATH, save_dir, "~/Downloads", NULL,
	  "folder offered for saving attachments"),
	G("metrics_log", SETTING_BOOL, metrics_log, "yes", NULL,
	  "append metric records to $XDG_STATE_HOME/skua/metrics.log"),
	G("notify", SETTING_BOOL, notify, "no", NULL, "send notifications (sent, read, new mail) to skua-notifyd"),
	G("notify_host", SETTING_HOST, notify_host, "127.0.0.1", NULL,
	  "host where skua-notifyd listens"),
	G("notify_port", SETTING_PORT, notify_port, "9999", NULL, "port where skua-notifyd listens"),
	G("editor", SETTING_COMMAND, editor, NULL, "$VISUAL, then $EDITOR",
	  "command that edits a message; the file name is appended"),
	G("new_mail_watch", SETTING_WATCH, new_mail_watch, "auto", NULL,
	  "how to learn of new mail: NOTIFY, IDLE on INBOX, polling, or the best offered"),
	G("poll_interval", SETTING_SECONDS, poll_interval, "60", NULL,
	  "seconds between checks for new mail when the server offers neither NOTIFY nor IDLE"),
	G("bell_on_new_mail", SETTING_BOOL, bell_on_new_mail, "no", NULL,
	  "ring the terminal bell when new mail arrives while the full-screen client runs"),
	G("cache", SETTING_BOOL, cache, "yes", NULL,
	  "keep each folder's index in $XDG_CACHE_HOME/skua, so a folder opens from it at once"),
	G("resync", SETTING_RESYNC, resync, "auto", NULL,
	  "how a cached folder is brought up to date: QRESYNC, CONDSTORE, all flags, or the best offered"),
	G("body_cache_size", SETTING_MEGABYTES, body_cache_size, "100", NULL,
	  "megabytes of messages kept in the cache once read (0: none), the least recently read go first"),

	A("provider", SETTING_PROVIDER, provider, "custom", NULL,
	  "preset that fills in hosts, ports and TLS modes"),
	A("name", SETTING_STRING, real_name, NULL, "none", "your name, shown in the From: header"),
	A("address", SETTING_ADDRESS, address, NULL, "required", "your e-mail address"),
	A("login", SETTING_STRING, login, NULL, "the address", "user name for IMAP and SMTP"),
	A("imap_host", SETTING_HOST, imap_host, NULL, "the provider's; else required",
	  "IMAP server"),
	A("imap_port", SETTING_PORT, imap_port, NULL, "the provider's; else 993 (implicit) or 143",
	  "IMAP port"),
	A("imap_tls", SETTING_TLS, imap_tls, NULL, "the provider's; else implicit",
	  "how the IMAP connection is encrypted"),
	A("smtp_host", SETTING_HOST, smtp_host, NULL, "the provider's; else required",
	  "SMTP submission server"),
	A("smtp_port", SETTING_PORT, smtp_port, NULL,
	  "the provider's; else 465 (implicit), 587 (starttls) or 25 (none)", "SMTP port"),
	A("smtp_tls", SETTING_TLS, smtp_tls, NULL, "the provider's; else implicit",
	  "how the SMTP connection is encrypted"),
	A("auth", SETTING_AUTH, auth, "auto", NULL, "login mechanism"),
	A("password", SETTING_STRING, password, NULL, "none",
	  "the password itself; prefer password_command"),
	A("password_command", SETTING_COMMAND, password_command, NULL, "none",
	  "command whose first line of output is the password"),
	A("oauth_token_command", SETTING_COMMAND, oauth_token_command, NULL, "none",
	  "command whose first line of output is an OAuth2 access token (auth = xoauth2)"),
	A("ca_file", SETTING_PATH, ca_file, NULL, "none",
	  "extra trusted CA certificates (PEM), added to the system store"),
	A("folder_sent", SETTING_STRING, folder_sent, NULL, "from SPECIAL-USE",
	  "folder for sent mail when the server does not mark one"),
	A("folder_trash", SETTING_STRING, folder_trash, NULL, "from SPECIAL-USE",
	  "folder for deleted mail when the server does not mark one"),
	A("folder_drafts", SETTING_STRING, folder_drafts, NULL, "from SPECIAL-USE",
	  "folder for drafts when the server does not mark one"),
	A("folder_junk", SETTING_STRING, folder_junk, NULL, "from SPECIAL-USE",
	  "folder for spam when the server does not mark one"),
	A("folder_archive", SETTING_STRING, folder_archive, NULL, "from SPECIAL-USE",
	  "folder for archived mail when the server does not mark one"),
	A("connect_timeout", SETTING_SECONDS, connect_timeout, "15", NULL,
	  "seconds to wait for a connection"),
	A("timeout", SETTING_SECONDS, timeout, "60", NULL,
	  "seconds of silence after which a network read or write fails"),
	A("allow_plaintext", SETTING_BOOL, allow_plaintext, "no", NULL,
	  "must be yes to let tls = none carry your password"),
};

const size_t settings_count = sizeof settings_table / sizeof settings_table[0];

const struct setting *settings_find(enum setting_section section, const char *key)
{
	for (size_t i = 0; i < settings_count; i++)
		if (settings_table[i].section == section &&
		    strcasecmp(settings_table[i].key, key) == 0)
			return &settings_table[i];
	return NULL;
}

/* Optimal string alignment distance (Levenshtein plus transpositions), on
 * lower-cased keys; keys are short, so the full matrix is fine. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d;
	size_t r;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	d = xcalloc((la + 1) * (lb + 1), sizeof *d);
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			size_t best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

const struct setting *settings_closest(enum setting_section section, const char *key)
{
	const struct setting *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < settings_count; i++) {
		if (settings_table[i].section != section)
			continue;
		size_t d = edit_distance(key, settings_table[i].key);
		if (d < best_d) {
			best_d = d;
			best = &settings_table[i];
		}
	}
	if (best == NULL)
		return NULL;
	/* A third of the key's length, between 1 and 3 edits, reads as a typo;
	 * anything further suggests a key that has nothing to do with it. */
	size_t limit = strlen(best->key) / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	return best_d <= limit ? best : NULL;
}

/* Index of value in a list of names ending with "?" (what the account_*_name()
 * functions return past their last value), or -1. */
static int match_name(const char *value, const char *(*name)(int))
{
	for (int i = 0; strcmp(name(i), "?") != 0; i++)
		if (strcasecmp(value, name(i)) == 0)
			return i;
	return -1;
}

static const char *bool_false_name(int i)
{
	static const char *const names[] = { "no", "false", "off", "0", "?" };
	return names[i];
}

static const char *bool_true_name(int i)
{
	static const char *const names[] = { "yes", "true", "on", "1", "?" };
	return names[i];
}

static const char *tls_name(int i)
{
	return account_tls_name((enum conf_tls)i);
}

static const char *auth_name(int i)
{
	return account_auth_name((enum conf_auth)i);
}

static const char *provider_name(int i)
{
	return account_provider_name((enum conf_provider)i);
}

static const char *watch_name(int i)
{
	static const char *const names[] = { "auto", "notify", "idle", "poll", "?" };
	return names[i];
}

static const char *resync_name(int i)
{
	static const char *const names[] = { "auto", "qresync", "condstore", "full", "?" };
	return names[i];
}

static int parse_number(const char *value, long min, long max, long *out)
{
	long v = 0;

	if (*value == '\0' || strlen(value) > 9)
		return -1;
	for (const char *p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int valid_host(const char *v)
{
	size_t n = strlen(v);

	/* A leading '-' could be taken for an option by a tool the host is passed to. */
	if (n == 0 || n > 253 || v[0] == '-' || v[0] == '.')
		return 0;
	for (const char *p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-_:", *p) == NULL)
			return 0;
	return 1;
}

static int valid_address(const char *v)
{
	const char *at = strrchr(v, '@');

	if (at == NULL || at == v || at[1] == '\0' || !valid_host(at + 1))
		return 0;
	for (const char *p = v; p < at; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>,;\"()[]\\", *p) != NULL)
			return 0;
	return 1;
}

static int valid_account_name(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 64 || v[0] == '-')
		return 0;
	for (const char *p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._@+-", *p) == NULL)
			return 0;
	return 1;
}

static int bad_value(const struct setting *s, const char *value, struct err *e,
		     const char *expected)
{
	return err_set(e, ERR_CONFIG, "bad value '%s' for %s: expected %s", value, s->key, expected);
}

int settings_store(const struct setting *s, const char *value, void *base, struct err *e)
{
	void *field = (char *)base + s->offset;
	long n;
	int i;

	switch (s->type) {
	case SETTING_ACCOUNT_NAME:
		if (!valid_account_name(value))
			return bad_value(s, value, e,
					 "an account name (letters, digits and . _ @ + -)");
		break;
	case SETTING_ADDRESS:
		if (!valid_address(value))
			return bad_value(s, value, e, "an address like user@example.org");
		break;
	case SETTING_HOST:
		if (!valid_host(value))
			return bad_value(s, value, e, "a host name or IP address");
		break;
	case SETTING_STRING:
	case SETTING_COMMAND:
	case SETTING_PATH:
		if (*value == '\0')
			return err_set(e, ERR_CONFIG, "empty value for %s", s->key);
		break;
	case SETTING_BOOL:
		if (match_name(value, bool_false_name) >= 0)
			*(int *)field = 0;
		else if (match_name(value, bool_true_name) >= 0)
			*(int *)field = 1;
		else
			return bad_value(s, value, e, "yes or no");
		return 0;
	case SETTING_PORT:
		if (parse_number(value, 1, 65535, &n) != 0)
			return bad_value(s, value, e, "a port number from 1 to 65535");
		*(uint16_t *)field = (uint16_t)n;
		return 0;
	case SETTING_SECONDS:
		if (parse_number(value, SETTING_SECONDS_MIN, SETTING_SECONDS_MAX, &n) != 0)
			return err_set(e, ERR_CONFIG,
				       "bad value '%s' for %s: expected a number of seconds from %d to %d",
				       value, s->key, SETTING_SECONDS_MIN, SETTING_SECONDS_MAX);
		*(int *)field = (int)n;
		return 0;
	case SETTING_TLS:
		if ((i = match_name(value, tls_name)) < 0)
			return bad_value(s, value, e, "implicit, starttls or none");
		*(enum conf_tls *)field = (enum conf_tls)i;
		return 0;
	case SETTING_AUTH:
		if ((i = match_name(value, auth_name)) < 0)
			return bad_value(s, value, e, "auto, plain, login or xoauth2");
		*(enum conf_auth *)field = (enum conf_auth)i;
		return 0;
	case SETTING_PROVIDER:
		if ((i = match_name(value, provider_name)) < 0)
			return bad_value(s, value, e, "gmail, outlook, fastmail, local or custom");
		*(enum conf_provider *)field = (enum conf_provider)i;
		return 0;
	case SETTING_WATCH:
		if ((i = match_name(value, watch_name)) < 0)
			return bad_value(s, value, e, "auto, notify, idle or poll");
		*(enum conf_watch *)field = (enum conf_watch)i;
		return 0;
	case SETTING_MEGABYTES:
		if (parse_number(value, 0, SETTING_MEGABYTES_MAX, &n) != 0)
			return err_set(e, ERR_CONFIG,
				       "bad value '%s' for %s: expected a number of megabytes from 0 to %d",
				       value, s->key, SETTING_MEGABYTES_MAX);
		*(int *)field = (int)n;
		return 0;
	case SETTING_RESYNC:
		if ((i = match_name(value, resync_name)) < 0)
			return bad_value(s, value, e, "auto, qresync, condstore or full");
		*(enum conf_resync *)field = (enum conf_resync)i;
		return 0;
	}
	char **str = field;
	free(*str);
	*str = s->type == SETTING_PATH ? paths_expand_home(value) : xstrdup(value);
	return 0;
}

void settings_store_defaults(enum setting_section section, void *base)
{
	for (size_t i = 0; i < settings_count; i++)
		if (settings_table[i].section == section && settings_table[i].def != NULL)
			settings_store(&settings_table[i], settings_table[i].def, base, NULL);
}

static int is_string_type(enum setting_type t)
{
	return t == SETTING_STRING || t == SETTING_PATH || t == SETTING_COMMAND ||
	       t == SETTING_ADDRESS || t == SETTING_HOST || t == SETTING_ACCOUNT_NAME;
}

void settings_free_fields(enum setting_section section, void *base)
{
	for (size_t i = 0; i < settings_count; i++) {
		const struct setting *s = &settings_table[i];
		if (s->section != section || !is_string_type(s->type))
			continue;
		char **str = (void *)((char *)base + s->offset);
		if (*str != NULL && strcmp(s->key, "password") == 0)
			explicit_bzero(*str, strlen(*str));
		free(*str);
		*str = NULL;
	}
}

const char *settings_section_name(enum setting_section section)
{
	return section == SECTION_GENERAL ? "general" : "account NAME";
}

const char *settings_type_name(enum setting_type type)
{
	switch (type) {
	case SETTING_STRING: return "string";
	case SETTING_PATH: return "path";
	case SETTING_COMMAND: return "command";
	case SETTING_ADDRESS: return "address";
	case SETTING_HOST: return "host";
	case SETTING_ACCOUNT_NAME: return "account name";
	case SETTING_BOOL: return "yes|no";
	case SETTING_PORT: return "port";
	case SETTING_SECONDS: return "seconds";
	case SETTING_TLS: return "implicit|starttls|none";
	case SETTING_AUTH: return "auto|plain|login|xoauth2";
	case SETTING_PROVIDER: return "gmail|outlook|fastmail|local|custom";
	case SETTING_WATCH: return "auto|notify|idle|poll";
	case SETTING_RESYNC: return "auto|qresync|condstore|full";
	case SETTING_MEGABYTES: return "megabytes";
	}
	return "?";
}

void settings_print(FILE *out)
{
	int section = -1;

	for (size_t i = 0; i < settings_count; i++) {
		const struct setting *s = &settings_table[i];
		if ((int)s->section != section) {
			section = (int)s->section;
			fprintf(out, "%s[%s]\n", i > 0 ? "\n" : "", settings_section_name(s->section));
		}
		fprintf(out, "  %-20s %s, default %s\n  %-20s %s\n", s->key,
			settings_type_name(s->type), s->def != NULL ? s->def : s->def_doc, "",
			s->help);
	}
}
