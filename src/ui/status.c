/* The title line (key hints from the live key table), the status bar
 * (account, folder, counts, the last network operation's figures) and the
 * message line (errors, notes, progress of the running request). */
#include <stdio.h>
#include <string.h>

#include "net/metrics.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/strbuf.h"

int ui_body_rows(void)
{
	return LINES > 3 ? LINES - 3 : 0;
}

static const enum ui_action hint_actions[SCREEN_COUNT][8] = {
	[SCREEN_FOLDERS] = { ACT_QUIT, ACT_OPEN, ACT_REFRESH, ACT_STATS, ACT_HELP },
	[SCREEN_INDEX] = { ACT_BACK, ACT_OPEN, ACT_DELETE, ACT_FLAG, ACT_TOGGLE_NEW, ACT_FOLDERS,
			   ACT_HELP },
	[SCREEN_PAGER] = { ACT_BACK, ACT_NEXT_MESSAGE, ACT_PREV_MESSAGE, ACT_DELETE, ACT_FLAG,
			   ACT_HELP },
	[SCREEN_HELP] = { ACT_BACK, ACT_DOWN, ACT_UP },
	[SCREEN_STATS] = { ACT_BACK, ACT_DOWN, ACT_UP, ACT_REFRESH, ACT_HELP },
	[SCREEN_COMPOSE] = { ACT_SEND, ACT_EDIT_BODY, ACT_ATTACH, ACT_EDIT_TO, ACT_EDIT_SUBJECT,
			     ACT_POSTPONE, ACT_BACK, ACT_HELP },
	[SCREEN_LOGIN] = { ACT_NEXT_FIELD, ACT_SUBMIT, ACT_LOG_IN, ACT_QUIT, ACT_HELP },
};

void status_hints(enum ui_screen s, char *buf, size_t size)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < 8 && hint_actions[s][i] != ACT_NONE; i++) {
		int key;
		char name[16];
		if (keys_of_action(s, hint_actions[s][i], &key, 1) == 0)
			continue;
		strbuf_printf(&b, "%s%s:%s", b.len ? "  " : "", keys_name(key, name, sizeof name),
			      keys_action_name(hint_actions[s][i]));
	}
	snprintf(buf, size, "%s", b.s ? b.s : "");
	strbuf_free(&b);
}

static void draw_title(struct ui *u)
{
	char hints[256];
	enum ui_screen s = u->screen;

	status_hints(s, hints, sizeof hints);
	draw_row(0, draw_attr(ROLE_TITLE));
	draw_text(0, 1, COLS - 1, hints, draw_attr(ROLE_TITLE));
}

/* The last network operation, as much as fits in width columns: its name
 * and latency first, then bytes in and out, then the throughput. */
static void last_operation(struct ui *u, struct strbuf *b, int width)
{
	struct metric_record r;
	char in[16], out[16], rate[16];
	struct strbuf piece = STRBUF_INIT;

	struct metric_record recent[8];
	size_t n = u->app->metrics != NULL ? metrics_sink_recent(u->app->metrics, recent, 8) : 0;

	/* The watcher's waits for pushed mail are time spent idle, not work. */
	while (n > 0 && (strcmp(recent[n - 1].op, "imap_wait") == 0 ||
			 strcmp(recent[n - 1].op, "imap_idle") == 0))
		n--;
	if (n == 0)
		return;
	r = recent[n - 1];
	draw_size(in, sizeof in, r.bytes_in);
	draw_size(out, sizeof out, r.bytes_out);
	draw_size(rate, sizeof rate, (uint64_t)metric_throughput(&r));
	strbuf_printf(b, "%s %s%.0f ms", r.op, r.ok ? "" : "failed ",
		      (double)r.latency_us / 1000.0);
	strbuf_printf(&piece, ", %s in, %s out", in, out);
	if (b->len + piece.len <= (size_t)width) {
		strbuf_append(b, piece.s, piece.len);
		strbuf_reset(&piece);
		strbuf_printf(&piece, ", %s/s", rate);
		if (b->len + piece.len <= (size_t)width)
			strbuf_append(b, piece.s, piece.len);
	}
	strbuf_free(&piece);
	if (b->len > (size_t)width)
		strbuf_reset(b);
}

static void draw_status_bar(struct ui *u)
{
	struct strbuf left = STRBUF_INIT, right = STRBUF_INIT;
	int y = LINES - 2, lw, room;

	strbuf_appends(&left, u->account_name);
	if (u->folder_display != NULL && u->screen != SCREEN_FOLDERS) {
		size_t n = msglist_count(u->msgs);
		strbuf_printf(&left, " | %s | %zu message%s, %zu new", u->folder_display, n,
			      n == 1 ? "" : "s", msglist_unread(u->msgs));
		if (u->load_partial)
			strbuf_appends(&left, " (incomplete)");
		if (msgview_limit(u->view) != NULL)
			strbuf_printf(&left, " | limit: %s, %zu shown", msgview_limit(u->view),
				      msgview_count(u->view, u->msgs));
		if (msgview_search(u->view) != NULL)
			strbuf_printf(&left, " | search: %s, %zu shown", msgview_search(u->view),
				      msgview_count(u->view, u->msgs));
		int reverse;
		enum msgsort_key sort = msgview_sort(u->view, &reverse);
		if (sort != MSGSORT_DATE || reverse)
			strbuf_printf(&left, " | sorted by %s%s", reverse ? "reverse " : "",
				      msgsort_name(sort));
		if (u->screen == SCREEN_PAGER && u->pager_uid != 0 && n > 0)
			strbuf_printf(&left, " | %zu/%zu", u->cursor + 1,
				      msgview_count(u->view, u->msgs));
	} else if (u->screen == SCREEN_FOLDERS) {
		strbuf_printf(&left, " | %zu folder%s", u->nfolders, u->nfolders == 1 ? "" : "s");
	}
	if (u->new_mail[0] != '\0')
		strbuf_printf(&left, " | %s", u->new_mail);
	draw_row(y, draw_attr(ROLE_STATUS));
	lw = draw_text(y, 1, COLS - 2, left.s, draw_attr(ROLE_STATUS));
	room = COLS - 1 - lw - 4;
	if (room > 10) {
		last_operation(u, &right, room);
		if (right.len > 0) {
			int rw = draw_width(right.s);
			draw_text(y, COLS - 1 - rw, rw, right.s, draw_attr(ROLE_STATUS));
		}
	}
	strbuf_free(&left);
	strbuf_free(&right);
}

static void draw_message_line(struct ui *u)
{
	char buf[600], a[16], b[16];
	int y = LINES - 1, cancel_key;
	char cancel[16] = "";

	move(y, 0);
	clrtoeol();
	if (keys_of_action(u->screen, ACT_CANCEL, &cancel_key, 1) > 0)
		keys_name(cancel_key, cancel, sizeof cancel);
	if (u->note[0] != '\0' &&
	    (u->note_error || (u->open_id == 0 && u->fetch_id == 0 && u->search_id == 0))) {
		draw_text(y, 0, COLS, u->note, draw_attr(u->note_error ? ROLE_ERROR : ROLE_NORMAL));
		return;
	}
	if (u->open_id != 0) {
		if (u->load_total > 0)
			snprintf(buf, sizeof buf, "Loading %s: %zu of %zu messages (%zu%%)%s%s%s",
				 u->folder_display, u->load_done, u->load_total,
				 u->load_done * 100 / u->load_total, cancel[0] ? ", " : "", cancel,
				 cancel[0] ? " cancels" : "");
		else
			snprintf(buf, sizeof buf, "Opening %s...", u->folder_display);
	} else if (u->fetch_id != 0) {
		draw_size(a, sizeof a, u->fetch_done);
		draw_size(b, sizeof b, u->fetch_total);
		if (u->fetch_total > 0)
			snprintf(buf, sizeof buf, "Fetching the message: %s of %s%s%s%s", a, b,
				 cancel[0] ? ", " : "", cancel, cancel[0] ? " cancels" : "");
		else
			snprintf(buf, sizeof buf, "Fetching the message...");
	} else if (ui_search_progress(u, buf, sizeof buf)) {
		/* buf says what the search does */
	} else if (u->connect_id != 0) {
		snprintf(buf, sizeof buf, "%s", u->op);
	} else if (ui_compose_busy(u) != NULL) {
		snprintf(buf, sizeof buf, "%s", ui_compose_busy(u));
	} else if (u->screen == SCREEN_COMPOSE && u->compose != NULL && u->compose->editing) {
		size_t row, col;
		textedit_position(&u->compose->te, COLS, &row, &col);
		snprintf(buf, sizeof buf, "Editing the text: ^X ends, ^K cuts a line, ^Y puts it back"
			 " | line %zu, column %zu", row, col);
	} else {
		return;
	}
	draw_text(y, 0, COLS, buf, draw_attr(ROLE_NORMAL));
}

void status_draw(struct ui *u)
{
	if (LINES < 3)
		return;
	draw_title(u);
	draw_status_bar(u);
	draw_message_line(u);
}
