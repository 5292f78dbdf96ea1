/* The config file ($XDG_CONFIG_HOME/skua/config): loading, validation, account
 * lookup, and writing a first config. The syntax and every key are in
 * skua.conf(5); the keys themselves are in conf/settings.c. */
#ifndef SKUA_CONF_CONFIG_H
#define SKUA_CONF_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "conf/account.h"
#include "util/err.h"

/* How new mail is watched for: auto picks NOTIFY, else IDLE on INBOX, else
 * polling; the others force one way (and fail where the server lacks it). */
enum conf_watch {
	CONF_WATCH_AUTO = 0,
	CONF_WATCH_NOTIFY,
	CONF_WATCH_IDLE,
	CONF_WATCH_POLL,
};

/* How a cached folder is brought up to date: auto takes QRESYNC, else
 * CONDSTORE, else a fetch of every flag; the others force one way (a server
 * lacking it gets the next best). */
enum conf_resync {
	CONF_RESYNC_AUTO = 0,
	CONF_RESYNC_QRESYNC,
	CONF_RESYNC_CONDSTORE,
	CONF_RESYNC_FULL,
};

/* A "bind SCREENS KEY ACTION" line, stored as written: the full-screen client
 * knows the screens, key names and actions, and checks them at start. */
struct conf_bind {
	char *screens;           /* "index,pager" */
	char *key;               /* "^X", "Enter", "x" */
	char *action;            /* "delete", "noop" */
	unsigned line;
};

/* A "color ROLE FG [BG]" line, stored as written for the same reason. */
struct conf_color {
	char *role;
	char *fg;
	char *bg;                /* NULL when the line gives none */
	unsigned line;
};

struct config {
	char *path;              /* the file that was read */
	struct account *accounts; /* in file order */
	size_t naccounts;        /* may be 0: config_find_account() then explains */
	char *default_account;   /* NULL: the first account */
	char *save_dir;          /* attachments are saved here; "~/" expanded */
	int metrics_log;         /* append metric records to the state dir's metrics.log */
	int notify;              /* send notifications to skua-notifyd */
	char *notify_host;
	uint16_t notify_port;
	char *editor;            /* NULL: $VISUAL, then $EDITOR */
	enum conf_watch new_mail_watch;
	int poll_interval;       /* seconds between checks when polling for new mail */
	int bell_on_new_mail;    /* the full-screen client beeps on new mail */
	int cache;               /* keep folder indexes in $XDG_CACHE_HOME/skua */
	enum conf_resync resync;
	int body_cache_size;     /* megabytes of message bodies kept in the cache; 0: none */
	struct conf_bind *binds; /* in file order; a later line wins */
	size_t nbinds;
	struct conf_color *colors; /* in file order; a later line wins */
	size_t ncolors;
	char **warnings;         /* sentences for the caller to show; not errors */
	size_t nwarnings;
};

/* config_load() returns this (and sets ERR_CONFIG "no config file at PATH")
 * when the file does not exist, so the caller can show first-run hints. */
#define CONFIG_MISSING (-2)

/* The default location, paths_config_dir() + "/config"; caller frees. */
char *config_default_path(void);

/* Reads and validates the file at path (NULL: config_default_path()). On error
 * returns -1 (or CONFIG_MISSING) with ERR_CONFIG and a message of the form
 * "FILE:LINE: what is wrong", and leaves *out zeroed; on success the caller
 * owns *out and frees it with config_free(). */
int config_load(const char *path, struct config *out, struct err *e);

/* config_load() on text already in memory: name is used in the messages and
 * copied to out->path; no file permission checks. */
int config_parse(const char *text, size_t len, const char *name, struct config *out,
		 struct err *e);

/* Frees what config_load() filled (zeroing passwords) and zeroes *c; accepts
 * NULL and a zeroed config. */
void config_free(struct config *c);

/* The account called name, or with name NULL the default_account or else the
 * first one. Returns a pointer into c, or NULL with ERR_NOTFOUND
 * "no account named X (accounts: a, b)" (ERR_CONFIG when c has no account). */
const struct account *config_find_account(const struct config *c, const char *name,
					  struct err *e);

/* Writes a new config file with a [general] section naming a as the default
 * and one [account] section for a (the password only when with_password is
 * set; keys equal to the provider preset are left out). path NULL: the default
 * path; its directory is created with mode 0700. The file is written to a
 * temporary name with mode 0600 and then linked into place, so it is never seen
 * half-written, and an existing file is never replaced (ERR_IO "... already
 * exists"). a must pass the same checks config_load() makes. */
int config_write_account(const char *path, const struct account *a, int with_password,
			 struct err *e);

#endif
