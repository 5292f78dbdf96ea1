/* Sending a message: build it, submit it over SMTP, and keep a copy in Sent. */
#ifndef SKUA_APP_SEND_H
#define SKUA_APP_SEND_H

#include "app/app.h"
#include "mail/compose.h"
#include "util/err.h"

struct app_send_report {
	char *message_id;     /* of the sent message */
	size_t size;          /* bytes submitted */
	size_t nrcpts;
	char *sent_folder;    /* where the copy went, NULL if it could not be stored */
	char *warning;        /* why the copy is missing, or NULL */
};

/* The draft's from fields are filled from the account when NULL. The message is
 * sent first; failing to store the Sent copy afterwards is a warning in the
 * report, not an error (the mail has left). Caller frees the report with
 * app_send_report_free. */
int app_send(struct app *a, const struct compose_draft *draft, struct app_send_report *report,
	     struct err *e);
/* What a caller of app_send_on learns while it runs: the submission
 * session once it is open and NULL before it closes (for a cancel hook:
 * conn_cancel on its conn), and the bytes of the message sent so far. */
struct app_send_watch {
	void (*session)(struct smtp_session *s, void *ctx);
	smtp_progress_fn progress;
	void *ctx;
};

/* app_send with the Sent copy appended through session (borrowed) rather
 * than a connection of its own, and watch (may be NULL); session and watch
 * NULL is app_send. */
int app_send_on(struct app *a, struct imap_session *session, const struct compose_draft *draft,
		const struct app_send_watch *watch, struct app_send_report *report,
		struct err *e);
void app_send_report_free(struct app_send_report *r);

#endif
