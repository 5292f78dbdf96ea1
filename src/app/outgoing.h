/* A message being written in the full-screen client, owned whole (header
 * fields, body, attachments as files or bytes, the message it answers and
 * the draft it replaces), and what sending or postponing it does on the
 * server. The worker runs the network half; the UI edits the rest. */
#ifndef SKUA_APP_OUTGOING_H
#define SKUA_APP_OUTGOING_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/send.h"
#include "mail/message.h"
#include "mail/reply.h"
#include "net/imap_session.h"
#include "util/err.h"

struct app_outgoing_att {
	char *path;           /* the file to attach, or NULL when data holds the bytes */
	char *name;           /* the name the recipient sees, UTF-8 */
	char *content_type;   /* NULL: found by libmagic when the message is built */
	char *data;           /* owned bytes when path is NULL */
	size_t len;
	uint64_t size;        /* bytes, for display */
};

struct app_outgoing {
	char *to, *cc, *bcc, *subject, *body;   /* UTF-8, never NULL */
	char *in_reply_to, *references;         /* "" when none */
	struct app_outgoing_att *atts;
	size_t natts;
	/* The message answered (gets \Answered once this is sent), or NULL. */
	char *answers_folder;
	uint32_t answers_uid;
	/* The draft this one continues (removed once this is sent or postponed
	 * again), or NULL. */
	char *draft_folder;
	uint32_t draft_uid;
};

/* An empty message; every string "". */
struct app_outgoing *app_outgoing_new(void);
void app_outgoing_free(struct app_outgoing *o);
/* A deep copy (the request to the worker owns its own). */
struct app_outgoing *app_outgoing_dup(const struct app_outgoing *o);
/* Replaces *field with a copy of value (NULL: ""). */
void app_outgoing_set(char **field, const char *value);

/* Adds the file at path (a regular file that can be read; ERR_IO or
 * ERR_USAGE otherwise, naming it). */
int app_outgoing_attach_file(struct app_outgoing *o, const char *path, struct err *e);
/* Adds bytes in memory; takes data (malloc'ed). */
void app_outgoing_attach_data(struct app_outgoing *o, const char *name, const char *content_type,
			      char *data, size_t len);
void app_outgoing_detach(struct app_outgoing *o, size_t i);

/* A reply or forward from its seed (the seed's attachments are copied);
 * answers names the answered message for \Answered (folder NULL: none). */
struct app_outgoing *app_outgoing_from_seed(const struct reply_seed *sd, const char *folder,
					    uint32_t uid);
/* A draft resumed from a message of the Drafts folder: its headers, text
 * and attachments; it replaces that message (folder, uid). */
struct app_outgoing *app_outgoing_from_draft(const struct mail_message *m, const char *folder,
					     uint32_t uid, struct err *e);

/* Sends it (app_send, the Sent copy through s), then marks the answered
 * message and removes the replaced draft; failures of those two come back
 * in report->warning, the mail having left. */
int app_outgoing_send(struct app *a, struct imap_session *s, const struct app_outgoing *o,
		      const struct app_send_watch *watch, struct app_send_report *report,
		      struct err *e);
/* Stores it in the Drafts folder (\Draft \Seen, Bcc kept) and removes the
 * draft it replaces; *folder gets the Drafts folder's name (caller frees). */
int app_outgoing_postpone(struct app *a, struct imap_session *s, const struct app_outgoing *o,
			  char **folder, struct err *e);

#endif
