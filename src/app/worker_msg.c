/* Requests and replies between the UI and the workers: construction and freeing. */
#include "app/worker_msg.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct worker_req *worker_req_new(enum worker_req_kind kind, const char *folder,
				  const uint32_t *uids, size_t n)
{
	struct worker_req *r = xcalloc(1, sizeof *r);

	r->kind = kind;
	r->folder = folder != NULL ? xstrdup(folder) : NULL;
	if (n > 0) {
		r->uids = xreallocarray(NULL, n, sizeof *r->uids);
		memcpy(r->uids, uids, n * sizeof *uids);
		r->nuids = n;
	}
	return r;
}

void worker_req_free(struct worker_req *r)
{
	if (r == NULL)
		return;
	free(r->folder);
	free(r->dest);
	free(r->text);
	free(r->uids);
	app_outgoing_free(r->out);
	free(r);
}

const char *worker_req_kind_name(enum worker_req_kind kind)
{
	switch (kind) {
	case WORKER_REQ_CONNECT: return "connect";
	case WORKER_REQ_OPEN: return "open folder";
	case WORKER_REQ_NEWER: return "load new messages";
	case WORKER_REQ_FETCH: return "fetch message";
	case WORKER_REQ_FLAGS: return "change flags";
	case WORKER_REQ_MOVE: return "move";
	case WORKER_REQ_COPY: return "copy";
	case WORKER_REQ_SEARCH: return "search";
	case WORKER_REQ_EXPUNGE: return "delete for good";
	case WORKER_REQ_SEND: return "send";
	case WORKER_REQ_POSTPONE: return "postpone";
	case WORKER_REQ_LOGOUT: return "log out";
	case WORKER_REQ_CHECK: return "test the login";
	}
	return "request";
}

struct worker_reply *worker_reply_new(uint64_t id, enum worker_reply_kind kind)
{
	struct worker_reply *r = xcalloc(1, sizeof *r);

	r->id = id;
	r->kind = kind;
	return r;
}

void worker_reply_clear_payload(struct worker_reply *r)
{
	imap_folders_free(r->folders, r->nfolders);
	r->folders = NULL;
	r->nfolders = 0;
	msg_batch_free(r->batch);
	r->batch = NULL;
	mail_message_free(r->message);
	r->message = NULL;
	free(r->dest);
	r->dest = NULL;
	free(r->uids);
	free(r->uid_flags);
	r->uids = NULL;
	r->uid_flags = NULL;
	r->nuids = 0;
}

void worker_reply_free(struct worker_reply *r)
{
	if (r == NULL)
		return;
	worker_reply_clear_payload(r);
	free(r);
}
