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
/* app_send with the Sent copy appended through session (borrowed) rather
 * than a connection of its own; session NULL is app_send. */
int app_send_on(struct app *a, struct imap_session *session, const struct compose_draft *draft,
		struct app_send_report *report, struct err *e);
void app_send_report_free(struct app_send_report *r);

#endif
