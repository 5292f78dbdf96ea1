/* The application context shared by the batch commands and the TUI: the loaded
 * config, the chosen account, the metrics sink, and how to get the account's
 * secret. Connections are opened from here so both faces behave the same. */
#ifndef SKUA_APP_APP_H
#define SKUA_APP_APP_H

#include "conf/config.h"
#include "mail/mailcap.h"
#include "net/imap_session.h"
#include "net/metrics.h"
#include "net/smtp_session.h"
#include "util/err.h"

/* Asks the user for a secret without echo; returns 0 with *secret set (the
 * caller frees it with account_secret_free) or -1 when there is no way to ask. */
typedef int (*app_ask_secret_fn)(const char *prompt, char **secret, void *ctx);

struct app {
	struct config config;
	const struct account *account;   /* points into config */
	struct metrics_sink *metrics;
	char *secret;                    /* fetched once per run; zeroed when freed */
	app_ask_secret_fn ask_secret;
	void *ask_ctx;
	struct mailcap mailcap;          /* the user's mailcap files, read by app_open */
};

/* Loads the config (path NULL: the default) and picks the account (NULL: the
 * default one). Metrics go to memory and, when metrics_log is on, to
 * app_metrics_log_path(). On failure *a is left closed. */
int app_open(struct app *a, const char *config_path, const char *account, struct err *e);
void app_close(struct app *a);
/* app_open over a config already in memory, which *a takes over (also on
 * failure, when it is freed): the first-run screen's account before it is
 * written. */
int app_open_config(struct app *a, struct config *c, const char *account, struct err *e);

/* $XDG_STATE_HOME/skua/metrics.log; caller frees. */
char *app_metrics_log_path(void);

/* Gets the account's secret now (password command, oauth token command, or
 * ask_secret) and keeps it for this run, so that later connections, a
 * worker thread's included, never run a command or prompt. The full-screen
 * client calls it before the screen takes over the terminal. */
int app_fetch_secret(struct app *a, struct err *e);

/* Logs in to the account's IMAP server. */
struct imap_session *app_imap_connect(struct app *a, struct err *e);
/* Connects and authenticates to the account's submission server. */
struct smtp_session *app_smtp_connect(struct app *a, struct err *e);

#endif
