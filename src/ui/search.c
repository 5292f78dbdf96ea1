/* The server search of the open folder: the text is asked on the message
 * line, the account worker runs UID SEARCH TEXT (so bodies count too), and
 * the index then shows only what the server found, through the view, until
 * a limit of "all" or an empty search ends it. */
#include <stdio.h>
#include <stdlib.h>

#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* "l all" or whatever the limit key is now, for the notes. */
static void clear_hint(struct ui *u, char *buf, size_t size)
{
	char name[16];
	int k;

	if (keys_of_action(SCREEN_INDEX, ACT_LIMIT, &k, 1) > 0)
		snprintf(buf, size, "%s all", keys_name(k, name, sizeof name));
	else
		snprintf(buf, size, "a limit of all");
}

void ui_search_clear(struct ui *u)
{
	if (u->search_id != 0)
		worker_cancel(u->worker, u->search_id);
	u->search_id = 0;
	free(u->search_text);
	u->search_text = NULL;
	msgview_set_search(u->view, NULL, NULL, 0);
}

static void text_answered(struct ui *u, const char *answer, void *ctx)
{
	struct worker_req *req;

	(void)ctx;
	if (answer == NULL)
		return;
	if (answer[0] == '\0') {
		int had = msgview_search(u->view) != NULL;
		ui_search_clear(u);
		screen_index_follow(u);
		if (had)
			ui_note(u, 0, "The search is over: every message shows again.");
		return;
	}
	if (u->folder == NULL)
		return;
	if (u->search_id != 0)
		worker_cancel(u->worker, u->search_id);
	free(u->search_text);
	u->search_text = xstrdup(answer);
	req = worker_req_new(WORKER_REQ_SEARCH, u->folder, NULL, 0);
	req->text = xstrdup(answer);
	u->search_id = ui_post(u, req, 0);
	u->dirty = 1;
}

void ui_search_ask(struct ui *u)
{
	struct ui_prompt_spec spec = { .done = text_answered };
	const char *now = msgview_search(u->view);

	if (u->folder == NULL)
		return;
	ui_prompt_text(u, &spec, now != NULL ? now : "", "Search the server for:");
}

void ui_search_reply(struct ui *u, struct worker_reply *r)
{
	char hint[32];
	uint32_t uid = u->cursor_uid;
	ssize_t pos;
	size_t shown;

	switch (r->kind) {
	case WORKER_DONE:
		u->search_id = 0;
		msgview_set_search(u->view, u->search_text, r->uids, r->nuids);
		msgview_update(u->view, u->msgs);
		pos = msgview_nearest(u->view, u->msgs, uid);
		u->top = 0;
		screen_index_set_cursor(u, pos >= 0 ? (size_t)pos : 0);
		shown = msgview_count(u->view, u->msgs);
		clear_hint(u, hint, sizeof hint);
		if (shown == 0)
			ui_note(u, 0, "The server found no message with %s; %s shows all again.",
				u->search_text, hint);
		else
			ui_note(u, 0, "The server found %zu message%s with %s; %s shows all again.",
				shown, shown == 1 ? "" : "s", u->search_text, hint);
		break;
	case WORKER_ERROR:
		u->search_id = 0;
		ui_note(u, 1, "%s", r->err.msg);
		break;
	case WORKER_CANCELLED:
		u->search_id = 0;
		ui_note(u, 0, "The search was cancelled.");
		break;
	default:
		break;
	}
	u->dirty = 1;
}

int ui_search_progress(struct ui *u, char *buf, size_t size)
{
	char cancel[16] = "";
	int k;

	if (u->search_id == 0)
		return 0;
	if (keys_of_action(u->screen, ACT_CANCEL, &k, 1) > 0)
		keys_name(k, cancel, sizeof cancel);
	snprintf(buf, size, "Searching %s on the server for %s...%s%s%s", u->folder_display,
		 u->search_text != NULL ? u->search_text : "", cancel[0] ? " " : "", cancel,
		 cancel[0] ? " cancels" : "");
	return 1;
}
