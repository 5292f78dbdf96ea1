/* The compose screen: the header fields, the attachment list and the start
 * of the text, or the built-in editor over the whole screen while it is
 * open; and the screen's keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/paths.h"
#include "util/xalloc.h"

#define LABEL_COLS 10

/* One "Name:    value" row; value is sanitized here (a reply's To comes
 * from the sender). */
static void field_row(int y, const char *name, const char *value)
{
	char *safe = safe_text_terminal(value, 0);

	draw_text(y, 0, LABEL_COLS, name, draw_attr(ROLE_HEADER));
	draw_text(y, LABEL_COLS, COLS - LABEL_COLS, safe, draw_attr(ROLE_NORMAL));
	free(safe);
}

static int draw_attachments(struct ui *u, int y, int last)
{
	const struct app_outgoing *o = u->compose->out;
	char size[16], line[64];

	if (o->natts == 0) {
		draw_text(y++, 0, COLS, "Attachments: none", draw_attr(ROLE_DIM));
		return y;
	}
	snprintf(line, sizeof line, "Attachments: %zu", o->natts);
	draw_text(y++, 0, COLS, line, draw_attr(ROLE_HEADER));
	for (size_t i = 0; i < o->natts && y <= last; i++, y++) {
		const struct app_outgoing_att *t = &o->atts[i];
		int cur = i == u->compose->att_cursor;
		attr_t attr = draw_attr(cur ? ROLE_CURSOR : ROLE_ATTACHMENT);
		char *name = safe_text_terminal(t->name, 0);
		char *type = safe_text_terminal(t->content_type ? t->content_type : "type found when sent", 0);
		int x;

		if (cur)
			draw_row(y, attr);
		draw_size(size, sizeof size, t->size);
		snprintf(line, sizeof line, "%3zu %5s  ", i + 1, size);
		x = draw_text(y, 0, COLS, line, attr);
		x += draw_text(y, x, COLS - x - 2, name, attr);
		x += draw_text(y, x, COLS - x, "  ", attr);
		draw_text(y, x, COLS - x, type, attr);
		free(name);
		free(type);
	}
	return y;
}

static void draw_text_preview(const char *body, int y, int last)
{
	char *safe = safe_text_terminal(body, 1);
	const char *p = safe;

	while (*p && y <= last) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		draw_textn(y++, 0, COLS, p, len, draw_attr(draw_line_role(p, len)));
		p = nl ? nl + 1 : p + len;
	}
	free(safe);
}

void screen_compose_draw(struct ui *u)
{
	struct ui_compose *c = u->compose;
	const struct account *acct = u->app->account;
	int y = 1, last = ui_body_rows();
	char *from;

	if (c == NULL)
		return;
	if (c->editing) {
		int cy, cx;
		textedit_draw(&c->te, 1, last, COLS, draw_attr(ROLE_NORMAL), &cy, &cx);
		move(cy, cx < COLS ? cx : COLS - 1);
		curs_set(1);
		return;
	}
	curs_set(0);
	from = acct->real_name && *acct->real_name ? xasprintf("%s <%s>", acct->real_name, acct->address)
						   : xstrdup(acct->address);
	field_row(y++, "From:", from);
	free(from);
	field_row(y++, "To:", c->out->to);
	field_row(y++, "Cc:", c->out->cc);
	field_row(y++, "Bcc:", c->out->bcc);
	field_row(y++, "Subject:", c->out->subject);
	y = draw_attachments(u, y, last);
	if (y > last)
		return;
	draw_row(y, draw_attr(ROLE_DIM));
	draw_text(y++, 0, COLS, *c->out->body ? "-- Text --" : "-- Text: empty (e edits it) --",
		  draw_attr(ROLE_DIM));
	draw_text_preview(c->out->body, y, last);
}

static void attach_answered(struct ui *u, const char *answer, void *ctx)
{
	struct ui_compose *c = u->compose;
	struct err e = { ERR_NONE, "" };
	char *path;

	(void)ctx;
	if (c == NULL || answer == NULL || *answer == '\0')
		return;
	path = paths_expand_home(answer);
	if (app_outgoing_attach_file(c->out, path, &e) != 0) {
		ui_note(u, 1, "%s", e.msg);
	} else {
		c->att_cursor = c->out->natts - 1;
		ui_note(u, 0, "Attached %s.", c->out->atts[c->att_cursor].name);
	}
	free(path);
}

static char *complete_file(const char *word, size_t nth, void *ctx)
{
	(void)ctx;
	return ui_complete_path(word, nth, 0);
}

static void discard_yes(struct ui *u, void *ctx)
{
	(void)ctx;
	ui_compose_close(u);
	ui_note(u, 0, "Message discarded.");
}

int screen_compose_action(struct ui *u, enum ui_action a)
{
	static const struct ui_prompt_spec attach = { .done = attach_answered,
						      .complete = complete_file };
	struct ui_compose *c = u->compose;
	struct app_outgoing *o;

	if (c == NULL)
		return 0;
	o = c->out;
	if (c->busy_id != 0) {
		ui_note(u, 0, "Wait: %s", ui_compose_busy(u));
		return 1;
	}
	switch (a) {
	case ACT_DOWN:
		if (c->att_cursor + 1 < o->natts)
			c->att_cursor++;
		break;
	case ACT_UP:
		if (c->att_cursor > 0)
			c->att_cursor--;
		break;
	case ACT_EDIT_TO:
	case ACT_EDIT_CC:
	case ACT_EDIT_BCC:
	case ACT_EDIT_SUBJECT:
	case ACT_EDIT_BODY:
		ui_compose_edit_field(u, a);
		break;
	case ACT_ATTACH:
		ui_prompt_text(u, &attach, NULL, "Attach file:");
		break;
	case ACT_DETACH:
		if (o->natts == 0) {
			ui_note(u, 0, "No attachment to remove.");
			break;
		}
		ui_note(u, 0, "Removed %s.", o->atts[c->att_cursor].name);
		app_outgoing_detach(o, c->att_cursor);
		if (c->att_cursor > 0 && c->att_cursor >= o->natts)
			c->att_cursor--;
		break;
	case ACT_SEND:
		ui_compose_send(u);
		break;
	case ACT_POSTPONE:
		ui_compose_postpone(u);
		break;
	case ACT_BACK:
		ui_prompt_yesno(u, discard_yes, NULL, "Discard this message?");
		break;
	default:
		return 0;
	}
	u->dirty = 1;
	return 1;
}
