/* Sending: compose, SMTP submission, Sent copy with \Seen. */
#include "app/send.h"

#include <stdlib.h>
#include <string.h>

#include "app/folders.h"
#include "app/notify.h"
#include "util/xalloc.h"

static void store_sent_copy(struct app *a, struct imap_session *session,
			    const struct compose_result *msg, struct app_send_report *r)
{
	struct err e;
	struct imap_folder *f = NULL;
	size_t n = 0;
	struct imap_session *s = session != NULL ? session : app_imap_connect(a, &e);

	if (s != NULL && app_folders_list(s, &f, &n, &e) == 0) {
		char *sent = app_folder_special(a->account, f, n, IMAP_FOLDER_SENT, &e);
		if (sent != NULL && imap_append(s, sent, MSG_SEEN, msg->message.s, msg->message.len,
						NULL, &e) == 0) {
			r->sent_folder = sent;
			sent = NULL;
		}
		free(sent);
	}
	if (r->sent_folder == NULL)
		r->warning = xasprintf("the message was sent but no copy was stored in Sent: %s",
				       e.msg);
	imap_folders_free(f, n);
	if (s != session)
		imap_session_close(s);
}

int app_send(struct app *a, const struct compose_draft *draft, struct app_send_report *report,
	     struct err *e)
{
	return app_send_on(a, NULL, draft, NULL, report, e);
}

int app_send_on(struct app *a, struct imap_session *session, const struct compose_draft *draft,
		const struct app_send_watch *watch, struct app_send_report *report,
		struct err *e)
{
	struct compose_draft d = *draft;
	struct compose_result msg;
	struct smtp_session *smtp;
	int rc;

	memset(report, 0, sizeof *report);
	if (d.from_addr == NULL) {
		d.from_addr = a->account->address;
		d.from_name = a->account->real_name;
	}
	if (compose_build(&d, &msg, e) != 0)
		return -1;
	smtp = app_smtp_connect(a, e);
	if (smtp == NULL) {
		compose_result_free(&msg);
		return -1;
	}
	if (watch != NULL && watch->session != NULL)
		watch->session(smtp, watch->ctx);
	rc = smtp_send(smtp, d.from_addr, (const char *const *)msg.rcpts, msg.nrcpts, msg.message.s,
		       msg.message.len, watch != NULL ? watch->progress : NULL,
		       watch != NULL ? watch->ctx : NULL, e);
	if (watch != NULL && watch->session != NULL)
		watch->session(NULL, watch->ctx);
	smtp_session_close(smtp);
	if (rc == 0) {
		report->message_id = xstrdup(msg.message_id);
		report->size = msg.message.len;
		report->nrcpts = msg.nrcpts;
		store_sent_copy(a, session, &msg, report);
		app_notify(a, NOTIFY_SENT, "Email sent successfully: %s%s%s, %s",
			   d.to ? d.to : "", d.to && d.cc ? ", " : "", d.cc ? d.cc : "",
			   d.subject ? d.subject : "");
	} else {
		app_notify(a, NOTIFY_ERROR, "Email not sent: %s", e->msg);
	}
	compose_result_free(&msg);
	return rc;
}

void app_send_report_free(struct app_send_report *r)
{
	free(r->message_id);
	free(r->sent_folder);
	free(r->warning);
	memset(r, 0, sizeof *r);
}
