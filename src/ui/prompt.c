/* Questions on the message line: a line of text to type (a folder, a
 * pattern, a directory) with completion, or a yes/no confirmation. While
 * one is open it takes every key; its answer goes to a callback. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"

static void set_question(struct ui_prompt *p, const char *fmt, va_list ap)
{
	char raw[sizeof p->question];
	char *safe;

	vsnprintf(raw, sizeof raw, fmt, ap);
	/* Questions quote folder and file names: keep them harmless. */
	safe = safe_text_terminal(raw, 0);
	snprintf(p->question, sizeof p->question, "%s", safe);
	free(safe);
}

void ui_prompt_text(struct ui *u, const struct ui_prompt_spec *spec, const char *initial,
		    const char *fmt, ...)
{
	struct ui_prompt *p = &u->prompt;
	va_list ap;

	ui_prompt_close(u);
	p->active = 1;
	p->yesno = 0;
	p->spec = *spec;
	lineedit_init(&p->line, initial);
	p->line.secret = spec->secret;
	va_start(ap, fmt);
	set_question(p, fmt, ap);
	va_end(ap);
	u->dirty = 1;
}

void ui_prompt_yesno(struct ui *u, void (*yes)(struct ui *u, void *ctx), void *ctx, const char *fmt,
		     ...)
{
	struct ui_prompt *p = &u->prompt;
	va_list ap;

	ui_prompt_close(u);
	p->active = 1;
	p->yesno = 1;
	p->spec = (struct ui_prompt_spec){ .yes = yes, .ctx = ctx };
	lineedit_init(&p->line, NULL);
	va_start(ap, fmt);
	set_question(p, fmt, ap);
	va_end(ap);
	u->dirty = 1;
}

void ui_prompt_choice(struct ui *u, const struct ui_prompt_spec *spec, const char *fmt, ...)
{
	struct ui_prompt *p = &u->prompt;
	va_list ap;

	ui_prompt_close(u);
	p->active = 1;
	p->yesno = 1;
	p->spec = *spec;
	lineedit_init(&p->line, NULL);
	va_start(ap, fmt);
	set_question(p, fmt, ap);
	va_end(ap);
	u->dirty = 1;
}

void ui_prompt_close(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;

	if (!p->active)
		return;
	lineedit_free(&p->line);
	p->active = 0;
	p->question[0] = '\0';
	curs_set(0);
	u->dirty = 1;
}

int ui_prompt_key(struct ui *u, int key)
{
	struct ui_prompt *p = &u->prompt;
	struct ui_prompt_spec spec = p->spec;

	if (!p->active)
		return 0;
	u->dirty = 1;
	if (p->yesno) {
		ui_prompt_close(u);
		if (spec.key != NULL) {
			if (key == KEY_CTRL('G') || key == 27)
				ui_note(u, 0, "Not done.");
			else
				spec.key(u, key, spec.ctx);
		} else if (key == 'y' || key == 'Y') {
			if (spec.yes != NULL)
				spec.yes(u, spec.ctx);
		} else {
			ui_note(u, 0, "Not done.");
		}
		return 1;
	}
	switch (lineedit_key(&p->line, key)) {
	case LINEEDIT_ACCEPT: {
		/* The callback may open another prompt: hand it a copy. */
		char *answer = p->line.text;
		p->line.text = NULL;
		ui_prompt_close(u);
		if (spec.done != NULL)
			spec.done(u, answer != NULL ? answer : "", spec.ctx);
		if (spec.secret && answer != NULL)
			explicit_bzero(answer, strlen(answer));
		free(answer);
		break;
	}
	case LINEEDIT_ABORT:
		ui_prompt_close(u);
		if (spec.done != NULL)
			spec.done(u, NULL, spec.ctx);
		break;
	case LINEEDIT_COMPLETE:
		if (spec.complete == NULL ||
		    !lineedit_complete(&p->line, spec.complete_sep, spec.complete, spec.ctx))
			beep();
		break;
	default:
		break;
	}
	return 1;
}

void ui_prompt_draw(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;
	int y = LINES - 1, x, cx;

	if (!p->active || LINES < 1)
		return;
	move(y, 0);
	clrtoeol();
	x = draw_text(y, 0, COLS, p->question, draw_attr(ROLE_NORMAL));
	if (p->yesno) {
		x += draw_text(y, x, COLS - x, p->spec.key != NULL ? " " : " (y/n) ",
			       draw_attr(ROLE_NORMAL));
		cx = x;
	} else {
		x += draw_text(y, x, COLS - x, " ", draw_attr(ROLE_NORMAL));
		cx = lineedit_draw(&p->line, y, x, COLS - x, draw_attr(ROLE_NORMAL));
	}
	if (cx >= COLS)
		cx = COLS - 1;
	move(y, cx);
	curs_set(1);
}
