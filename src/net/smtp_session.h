/* An SMTP submission session over libetpan and a metered conn. */
#ifndef SKUA_NET_SMTP_SESSION_H
#define SKUA_NET_SMTP_SESSION_H

#include <stddef.h>

#include "net/auth.h"
#include "net/conn.h"
#include "util/err.h"

struct smtp_session;

/* Connect (greeting: "smtp_connect"), EHLO with an IP literal (no host name
 * leak: "smtp_ehlo"), STARTTLS when asked ("smtp_starttls", refused with ERR_TLS
 * when not offered or when bytes were injected), EHLO again, AUTH ("smtp_auth")
 * without cyrus-sasl. auth may be NULL for no AUTH. */
struct smtp_session *smtp_session_open(const struct conn_params *p, const struct net_auth *auth,
				       struct err *e);
/* QUIT if healthy, then free. */
void smtp_session_close(struct smtp_session *s);
struct conn *smtp_session_conn(struct smtp_session *s);

typedef void (*smtp_progress_fn)(size_t sent, size_t total, void *ctx);

/* MAIL FROM / RCPT TO each / DATA / message, as one metered "smtp_send".
 * msg is CRLF text; the size is checked against the server's SIZE first.
 * A refused recipient names the address and the server's reply. */
int smtp_send(struct smtp_session *s, const char *from, const char *const *rcpts, size_t nrcpts,
	      const char *msg, size_t len, smtp_progress_fn progress, void *ctx, struct err *e);

#endif
