/* Colours by role, column-true UTF-8 drawing, compact formats. */
#include "ui/draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "util/utf8.h"

static attr_t attrs[ROLE_COUNT];

static const struct role_style {
	const char *name;     /* for color lines in the config and skua.conf(5) */
	short fg;
	attr_t color_extra;   /* added to the colour pair */
	attr_t mono;          /* without colours */
} styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { "normal", -1, A_NORMAL, A_NORMAL },
	[ROLE_TITLE] = { "title", -1, A_REVERSE, A_REVERSE },
	[ROLE_STATUS] = { "status", -1, A_REVERSE, A_REVERSE },
	[ROLE_CURSOR] = { "cursor", -1, A_REVERSE, A_REVERSE },
	[ROLE_ERROR] = { "error", COLOR_RED, A_BOLD, A_BOLD },
	[ROLE_NEW] = { "new", -1, A_BOLD, A_BOLD },
	[ROLE_HEADER] = { "header", COLOR_BLUE, A_BOLD, A_BOLD },
	[ROLE_DIM] = { "dim", -1, A_DIM, A_DIM },
	[ROLE_FLAGGED] = { "flagged", COLOR_RED, A_NORMAL, A_BOLD },
	[ROLE_QUOTE1] = { "quote1", COLOR_CYAN, A_NORMAL, A_NORMAL },
	[ROLE_QUOTE2] = { "quote2", COLOR_GREEN, A_NORMAL, A_NORMAL },
	[ROLE_QUOTE3] = { "quote3", COLOR_YELLOW, A_NORMAL, A_NORMAL },
	[ROLE_QUOTE4] = { "quote4", COLOR_MAGENTA, A_NORMAL, A_NORMAL },
	[ROLE_ATTACHMENT] = { "attachment", COLOR_MAGENTA, A_NORMAL, A_UNDERLINE },
};

/* Colours the user chose (draw_set_color), applied by draw_init. */
static struct {
	int set;
	short fg, bg;
} chosen[ROLE_COUNT];

static const char *const color_names[8] = { "black", "red", "green", "yellow",
					    "blue", "magenta", "cyan", "white" };

const char *draw_role_name(enum draw_role role)
{
	return role < ROLE_COUNT ? styles[role].name : NULL;
}

int draw_role_by_name(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcasecmp(styles[r].name, name) == 0)
			return r;
	return -1;
}

const char *draw_color_name(int i)
{
	return i >= 0 && i < 8 ? color_names[i] : NULL;
}

int draw_color_parse(const char *name)
{
	const char *base = name;
	char *end;
	long n;

	if (strcasecmp(name, "default") == 0)
		return -1;
	if (strncasecmp(name, "color", 5) == 0 && name[5] >= '0' && name[5] <= '9') {
		n = strtol(name + 5, &end, 10);
		return *end == '\0' && n <= 255 && strlen(name + 5) <= 3 ? (int)n : DRAW_COLOR_BAD;
	}
	if (strncasecmp(name, "bright", 6) == 0)
		base = name + 6;
	for (int i = 0; i < 8; i++)
		if (strcasecmp(base, color_names[i]) == 0)
			return base == name ? i : i + 8;
	return DRAW_COLOR_BAD;
}

void draw_set_color(enum draw_role role, int fg, int bg)
{
	if (role >= ROLE_COUNT)
		return;
	chosen[role].set = 1;
	chosen[role].fg = (short)fg;
	chosen[role].bg = (short)bg;
}

void draw_reset_colors(void)
{
	memset(chosen, 0, sizeof chosen);
}

/* A colour the terminal may lack: bright ones become bold on 8 colours,
 * others the terminal's default. */
static short usable(short c, attr_t *extra)
{
	if (c < COLORS)
		return c;
	if (c >= 8 && c < 16 && COLORS >= 8) {
		*extra |= A_BOLD;
		return (short)(c - 8);
	}
	return -1;
}

void draw_init(void)
{
	const char *no_color = getenv("NO_COLOR");
	int color = (no_color == NULL || no_color[0] == '\0') && has_colors();

	if (color) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		attrs[r] = styles[r].mono;
		if (!color)
			continue;
		/* Pair 0 is the terminal's own, so role r uses pair r + 1. */
		if (chosen[r].set && r + 1 < COLOR_PAIRS) {
			/* The user's colours replace the reverse video that stands
			 * for colour on the bars; bold and dim stay. */
			attr_t extra = styles[r].color_extra & ~A_REVERSE;
			short fg = usable(chosen[r].fg, &extra), bg = usable(chosen[r].bg, &extra);
			init_pair((short)(r + 1), fg, bg);
			attrs[r] = COLOR_PAIR(r + 1) | extra;
			if (r == ROLE_NORMAL)
				bkgd(COLOR_PAIR(r + 1));
		} else if (styles[r].fg >= 0 && r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), styles[r].fg, -1);
			attrs[r] = COLOR_PAIR(r + 1) | styles[r].color_extra;
		} else {
			attrs[r] = styles[r].color_extra;
		}
	}
}

attr_t draw_attr(enum draw_role role)
{
	return role < ROLE_COUNT ? attrs[role] : A_NORMAL;
}

enum draw_role draw_quote_role(int depth)
{
	return (enum draw_role)(ROLE_QUOTE1 + (depth - 1) % 4);
}

enum draw_role draw_line_role(const char *line, size_t len)
{
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '>')
			depth++;
		else if (line[i] != ' ')
			break;
	}
	return depth > 0 ? draw_quote_role(depth) : ROLE_NORMAL;
}

/* One character of the n bytes at s: its code point, byte length and
 * columns. Bytes that are no UTF-8 character stand for U+FFFD (they cannot
 * come from safe text). */
static size_t next_char(const char *s, size_t n, uint32_t *cp, int *cols)
{
	size_t len = utf8_decode((const unsigned char *)s, n < 4 ? n : 4, cp);
	int w;

	if (len == 0) {
		*cp = UTF8_REPLACEMENT;
		len = 1;
	}
	w = wcwidth((wchar_t)*cp);
	if (w < 0) {
		/* Unknown to the locale: shown as one '?' so columns stay true. */
		*cp = '?';
		w = 1;
	}
	*cols = w;
	return len;
}

int draw_width(const char *text)
{
	size_t n = strlen(text), off = 0;
	int total = 0;

	while (off < n) {
		uint32_t cp;
		int w;
		off += next_char(text + off, n - off, &cp, &w);
		total += w;
	}
	return total;
}

size_t draw_fit(const char *text, size_t len, int width, int *cols)
{
	size_t off = 0;
	int used = 0;

	while (off < len) {
		uint32_t cp;
		int w;
		size_t l = next_char(text + off, len - off, &cp, &w);
		if (used + w > width)
			break;
		used += w;
		off += l;
	}
	if (cols != NULL)
		*cols = used;
	return off;
}

int draw_textn(int y, int x, int width, const char *text, size_t len, attr_t attr)
{
	wchar_t buf[256];
	size_t off = 0;
	int used = 0, n = 0;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (width > COLS - x)
		width = COLS - x;
	if (width <= 0)
		return 0;
	move(y, x);
	attrset(attr);
	while (off < len) {
		uint32_t cp;
		int w;
		size_t l = next_char(text + off, len - off, &cp, &w);
		if (used + w > width)
			break;
		off += l;
		/* A zero-width character at the very start has nothing to join. */
		if (w == 0 && used == 0)
			continue;
		buf[n++] = (wchar_t)cp;
		used += w;
		if (n == (int)(sizeof buf / sizeof buf[0]) - 1) {
			addnwstr(buf, n);
			n = 0;
		}
	}
	if (n > 0)
		addnwstr(buf, n);
	attrset(A_NORMAL);
	return used;
}

int draw_text(int y, int x, int width, const char *text, attr_t attr)
{
	return draw_textn(y, x, width, text, strlen(text), attr);
}

void draw_row(int y, attr_t attr)
{
	attrset(attr);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

void draw_size(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "KMGT";
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1000) {
		snprintf(buf, size, "%u", (unsigned)bytes);
		return;
	}
	while (v >= 999.5 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, size, "%.1f%c", v, units[u]);
	else
		snprintf(buf, size, "%.0f%c", v, units[u]);
}

void draw_date(char *buf, size_t size, int64_t epoch, int64_t now)
{
	time_t t = (time_t)epoch, n = (time_t)now;
	struct tm tm, tn;

	if (epoch <= 0 || localtime_r(&t, &tm) == NULL || localtime_r(&n, &tn) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, size, "%H:%M", &tm);
	else if (tm.tm_year == tn.tm_year)
		strftime(buf, size, "%d %b", &tm);
	else
		strftime(buf, size, "%Y-%m-%d", &tm);
}
