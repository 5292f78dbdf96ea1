/* The config's bind and color lines, checked against the key table and the
 * colour roles and applied to them; a wrong name is a config error that
 * names the file and line, as the config parser's own errors do. */
#include "ui/ui_config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/draw.h"
#include "ui/keys.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Fills mask with the screens of a list like "index,pager" ("all": every
 * screen); returns the first unknown name (owned by the caller) or NULL. */
static char *parse_screens(const char *list, unsigned *mask)
{
	char *copy = xstrdup(list), *save = NULL, *bad = NULL;

	*mask = 0;
	for (char *w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		int s;
		/* The login form takes letters as text: only a bind naming it
		 * changes its keys. */
		if (strcasecmp(w, "all") == 0) {
			*mask |= ((1u << SCREEN_COUNT) - 1) & ~(1u << SCREEN_LOGIN);
			continue;
		}
		for (s = 0; s < SCREEN_COUNT; s++)
			if (strcasecmp(w, keys_screen_name((enum ui_screen)s)) == 0)
				break;
		if (s == SCREEN_COUNT) {
			bad = xstrdup(w);
			break;
		}
		*mask |= 1u << s;
	}
	if (bad == NULL && *mask == 0)
		bad = xstrdup(list);
	free(copy);
	return bad;
}

static char *screen_list(void)
{
	struct strbuf b = STRBUF_INIT;

	for (int s = 0; s < SCREEN_COUNT; s++)
		strbuf_printf(&b, "%s, ", keys_screen_name((enum ui_screen)s));
	strbuf_appends(&b, "or all");
	return strbuf_detach(&b, NULL);
}

static int apply_bind(const struct conf_bind *b, const char *file, struct err *e)
{
	unsigned mask;
	char *bad = parse_screens(b->screens, &mask);
	int key;
	enum ui_action a = ACT_NONE;

	if (bad != NULL) {
		char *list = screen_list();
		err_set(e, ERR_CONFIG, "%s:%u: unknown screen '%s' in bind; screens are %s", file,
			b->line, bad, list);
		free(list);
		free(bad);
		return -1;
	}
	key = keys_parse(b->key);
	if (key < 0)
		return err_set(e, ERR_CONFIG,
			       "%s:%u: unknown key '%s' in bind; write a character, ^X, F1-F24 or a "
			       "name as help shows it (Enter, Space, Tab, Esc, PgDn, ...)",
			       file, b->line, b->key);
	if (strcmp(b->action, "noop") != 0 && strcmp(b->action, "unbind") != 0) {
		a = keys_action_by_name(b->action);
		if (a == ACT_NONE)
			return err_set(e, ERR_CONFIG,
				       "%s:%u: unknown action '%s' in bind; skua(1) lists the actions, "
				       "and noop removes a key",
				       file, b->line, b->action);
	}
	for (int s = 0; s < SCREEN_COUNT; s++)
		if (mask & (1u << s))
			keys_bind((enum ui_screen)s, key, a);
	return 0;
}

static int apply_color(const struct conf_color *c, const char *file, struct err *e)
{
	int role = draw_role_by_name(c->role);
	int fg = draw_color_parse(c->fg);
	int bg = c->bg != NULL ? draw_color_parse(c->bg) : -1;

	if (role < 0) {
		struct strbuf b = STRBUF_INIT;
		for (int r = 0; r < ROLE_COUNT; r++)
			strbuf_printf(&b, "%s%s", r > 0 ? ", " : "", draw_role_name((enum draw_role)r));
		err_set(e, ERR_CONFIG, "%s:%u: unknown colour role '%s'; roles are %s", file, c->line,
			c->role, b.s);
		strbuf_free(&b);
		return -1;
	}
	if (fg == DRAW_COLOR_BAD || bg == DRAW_COLOR_BAD)
		return err_set(e, ERR_CONFIG,
			       "%s:%u: unknown colour '%s'; use black, red, green, yellow, blue, "
			       "magenta, cyan, white (each also as brightNAME), default or color0 to color255",
			       file, c->line, fg == DRAW_COLOR_BAD ? c->fg : c->bg);
	draw_set_color((enum draw_role)role, fg, bg);
	return 0;
}

int ui_config_apply(const struct config *c, struct err *e)
{
	const char *file = c->path != NULL ? c->path : "the config file";

	for (size_t i = 0; i < c->nbinds; i++)
		if (apply_bind(&c->binds[i], file, e) != 0)
			return -1;
	for (size_t i = 0; i < c->ncolors; i++)
		if (apply_color(&c->colors[i], file, e) != 0)
			return -1;
	return 0;
}
