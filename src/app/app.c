/* The application context: config, account, metrics sink, secrets, connections. */
#include "app/app.h"

#include <stdlib.h>
#include <string.h>

#include "app/viewer.h"
#include "util/paths.h"
#include "util/xalloc.h"

/* Recent records kept in memory for the status bar and the stats screen. */
#define METRICS_KEEP 4096

char *app_metrics_log_path(void)
{
	char *dir = paths_state_dir();
	char *path = xasprintf("%s/metrics.log", dir);

	free(dir);
	return path;
}

int app_open(struct app *a, const char *config_path, const char *account, struct err *e)
{
	struct config c;
	int rc = config_load(config_path, &c, e);

	memset(a, 0, sizeof *a);
	if (rc != 0)
		return rc;
	return app_open_config(a, &c, account, e);
}

int app_open_config(struct app *a, struct config *c, const char *account, struct err *e)
{
	char *log_path = NULL;

	memset(a, 0, sizeof *a);
	a->config = *c;
	memset(c, 0, sizeof *c);
	a->account = config_find_account(&a->config, account, e);
	if (a->account == NULL)
		goto fail;
	if (a->config.metrics_log)
		log_path = app_metrics_log_path();
	a->metrics = metrics_sink_new(log_path, METRICS_KEEP, e);
	free(log_path);
	if (a->metrics == NULL)
		goto fail;
	viewer_load_mailcap(&a->mailcap);
	return 0;
fail:
	config_free(&a->config);
	memset(a, 0, sizeof *a);
	return -1;
}

void app_close(struct app *a)
{
	account_secret_free(a->secret);
	metrics_sink_free(a->metrics);
	mailcap_clear(&a->mailcap);
	config_free(&a->config);
	memset(a, 0, sizeof *a);
}

static const char *app_secret(struct app *a, struct err *e)
{
	if (a->secret != NULL)
		return a->secret;
	int rc = account_get_secret(a->account, &a->secret, e);
	if (rc < 0)
		return NULL;
	if (rc == 1) {
		const int oauth = a->account->auth == CONF_AUTH_XOAUTH2;
		char *prompt = xasprintf("%s for %s: ", oauth ? "Access token" : "Password",
					 a->account->login);
		rc = a->ask_secret != NULL ? a->ask_secret(prompt, &a->secret, a->ask_ctx) : -1;
		free(prompt);
		if (rc != 0 || a->secret == NULL) {
			err_set(e, ERR_AUTH,
				"no password for account %s: set password_command in %s or run skua "
				"from a terminal to type it",
				a->account->name, a->config.path);
			return NULL;
		}
	}
	return a->secret;
}

int app_fetch_secret(struct app *a, struct err *e)
{
	return app_secret(a, e) != NULL ? 0 : -1;
}

static enum tls_mode tls_of(enum conf_tls t)
{
	switch (t) {
	case CONF_TLS_STARTTLS: return TLS_MODE_STARTTLS;
	case CONF_TLS_NONE: return TLS_MODE_NONE;
	case CONF_TLS_IMPLICIT: break;
	}
	return TLS_MODE_IMPLICIT;
}

static enum auth_mech mech_of(enum conf_auth m)
{
	switch (m) {
	case CONF_AUTH_PLAIN: return AUTH_MECH_PLAIN;
	case CONF_AUTH_LOGIN: return AUTH_MECH_LOGIN;
	case CONF_AUTH_XOAUTH2: return AUTH_MECH_XOAUTH2;
	case CONF_AUTH_AUTO: break;
	}
	return AUTH_MECH_AUTO;
}

/* Connection parameters and credentials for one of the account's servers;
 * -1 when the secret cannot be had. */
static int server_params(struct app *a, const char *host, uint16_t port, enum conf_tls tls,
			 struct conn_params *p, struct net_auth *auth, struct err *e)
{
	const struct account *acct = a->account;
	const char *secret = app_secret(a, e);

	if (secret == NULL)
		return -1;
	memset(p, 0, sizeof *p);
	p->host = host;
	p->port = port;
	p->tls = tls_of(tls);
	p->ca_file = acct->ca_file;
	p->connect_timeout_ms = acct->connect_timeout * 1000;
	p->io_timeout_ms = acct->timeout * 1000;
	p->account = acct->name;
	p->metrics = a->metrics;
	auth->mech = mech_of(acct->auth);
	auth->user = acct->login;
	auth->secret = secret;
	return 0;
}

struct imap_session *app_imap_connect(struct app *a, struct err *e)
{
	const struct account *acct = a->account;
	struct conn_params p;
	struct net_auth auth;

	if (server_params(a, acct->imap_host, acct->imap_port, acct->imap_tls, &p, &auth, e) != 0)
		return NULL;
	return imap_session_open(&p, &auth, e);
}

struct smtp_session *app_smtp_connect(struct app *a, struct err *e)
{
	const struct account *acct = a->account;
	struct conn_params p;
	struct net_auth auth;

	if (server_params(a, acct->smtp_host, acct->smtp_port, acct->smtp_tls, &p, &auth, e) != 0)
		return NULL;
	return smtp_session_open(&p, &auth, e);
}
