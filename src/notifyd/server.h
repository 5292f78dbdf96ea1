/* skua-notifyd's event loop: one poll() over the signal pipe, the listeners
 * and every client, all non-blocking; lines are parsed, printed and passed to
 * the --exec runner; every limit is enforced here. */
#ifndef SKUA_NOTIFYD_SERVER_H
#define SKUA_NOTIFYD_SERVER_H

#include <stddef.h>

#include "notifyd/listener.h"
#include "notifyd/runner.h"
#include "util/err.h"

#define SERVER_MAX_CLIENTS_DEFAULT 256
#define SERVER_IDLE_TIMEOUT_DEFAULT_MS 10000
#define SERVER_TOTAL_TIMEOUT_MS 60000
#define SERVER_MAX_LINES 100          /* lines per connection, refused ones included */
#define SERVER_MAX_BAD_LINES 10       /* refused lines before the connection is closed */
#define SERVER_SHUTDOWN_GRACE_MS 5000 /* wait for --exec children on SIGTERM */

struct server_config {
	const char *token;   /* the shared secret lines must carry, or NULL */
	int max_clients;     /* connections served at once; more wait in the backlog */
	int idle_timeout_ms; /* a connection silent this long is closed */
};

struct server;

/* Borrows cfg->token, the listeners and the runner (which may be NULL); they
 * must outlive the server. Installs the handlers for SIGTERM, SIGINT and
 * SIGCHLD (a self-pipe) and ignores SIGPIPE. */
struct server *server_new(const struct server_config *cfg, struct listener *ls, size_t nls,
                          struct runner *runner, struct err *e);
/* Serves until SIGTERM or SIGINT, then closes the listeners and connections,
 * waits up to SERVER_SHUTDOWN_GRACE_MS for running commands and returns 0.
 * Returns -1 with e filled when poll() itself fails. */
int server_run(struct server *s, struct err *e);
void server_free(struct server *s);

#endif
