/* Help: every key bound on the screen help was called from, with the
 * action's name and note, read from the live key table. */
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/strbuf.h"

static void keys_text(enum ui_screen s, enum ui_action a, char *buf, size_t size)
{
	int keys[8];
	size_t n = keys_of_action(s, a, keys, 8);
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		char name[16];
		strbuf_printf(&b, "%s%s", i ? ", " : "", keys_name(keys[i], name, sizeof name));
	}
	snprintf(buf, size, "%s", b.s ? b.s : "");
	strbuf_free(&b);
}

void screen_help_draw(struct ui *u)
{
	enum ui_action acts[ACT_COUNT];
	size_t n = keys_actions_of_screen(u->help_from, acts, ACT_COUNT);
	int rows = ui_body_rows(), y = 1;
	char title[128], keys[128];

	if (rows <= 0)
		return;
	snprintf(title, sizeof title, "Keys of the %s screen", keys_screen_name(u->help_from));
	draw_text(y++, 1, COLS - 1, title, draw_attr(ROLE_HEADER));
	rows--;
	if (u->help_top > n)
		u->help_top = n;
	for (size_t i = u->help_top; i < n && rows > 0; i++, y++, rows--) {
		keys_text(u->help_from, acts[i], keys, sizeof keys);
		/* Keys, action and note: the note gets what the screen has left. */
		draw_text(y, 2, 16, keys, draw_attr(ROLE_NEW));
		if (COLS > 20)
			draw_text(y, 19, 17, keys_action_name(acts[i]), A_NORMAL);
		if (COLS > 38)
			draw_text(y, 37, COLS - 37, keys_action_note(acts[i], u->help_from),
				  A_NORMAL);
	}
}

int screen_help_action(struct ui *u, enum ui_action a)
{
	enum ui_action acts[ACT_COUNT];
	size_t n = keys_actions_of_screen(u->help_from, acts, ACT_COUNT);
	size_t rows = ui_body_rows() > 1 ? (size_t)ui_body_rows() - 1 : 1;
	size_t max = n > rows ? n - rows : 0;

	switch (a) {
	case ACT_DOWN: u->help_top = u->help_top < max ? u->help_top + 1 : max; break;
	case ACT_UP: u->help_top = u->help_top > 0 ? u->help_top - 1 : 0; break;
	case ACT_PAGE_DOWN: u->help_top = u->help_top + rows < max ? u->help_top + rows : max; break;
	case ACT_PAGE_UP: u->help_top = u->help_top > rows ? u->help_top - rows : 0; break;
	case ACT_FIRST: u->help_top = 0; break;
	case ACT_LAST: u->help_top = max; break;
	case ACT_BACK: u->screen = u->help_from; break;
	default: return 0;
	}
	u->dirty = 1;
	return 1;
}
