/* A small tag-soup tolerant HTML-to-text renderer for messages without a
 * text/plain part: one pass over the input, a line writer that knows about
 * quote prefixes, list markers and pending breaks, and a final tidy pass. */
#include "mail/html_text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define DEPTH_SHOWN_MAX 10   /* deeper quotes/lists look the same: bounds the output */
#define TAG_NAME_MAX 16

struct writer {
	struct strbuf b;
	int pending_space;
	int pending_nl;         /* line breaks wanted before the next text, 0..2 */
	int at_line_start;
	int any_text;
	int pending_marker;     /* a list item waits for its "* " */
	int quote_depth;
	int list_depth;
	int pre;
	int in_head;
	char *href;             /* the open link, if any */
	int link_started;
	size_t link_start;      /* where its text starts in b */
};

static void put_prefix(struct writer *w, int for_blank_line)
{
	int q = w->quote_depth < DEPTH_SHOWN_MAX ? w->quote_depth : DEPTH_SHOWN_MAX;
	for (int i = 0; i < q; i++)
		strbuf_appends(&w->b, for_blank_line && i == q - 1 ? ">" : "> ");
}

static void flush_breaks(struct writer *w)
{
	if (w->pending_nl > 0 && w->any_text) {
		if (!w->at_line_start)
			strbuf_appendc(&w->b, '\n');
		if (w->pending_nl >= 2) {
			put_prefix(w, 1);
			strbuf_appendc(&w->b, '\n');
		}
		w->at_line_start = 1;
		w->pending_space = 0;
	}
	w->pending_nl = 0;
}

/* Emits one visible character (n bytes of UTF-8). */
static void emit(struct writer *w, const char *s, size_t n)
{
	flush_breaks(w);
	if (w->at_line_start) {
		put_prefix(w, 0);
		w->pending_space = 0;
	}
	if (w->pending_marker) {
		int l = w->list_depth < DEPTH_SHOWN_MAX ? w->list_depth : DEPTH_SHOWN_MAX;
		for (int i = 1; i < l; i++)
			strbuf_appends(&w->b, "  ");
		strbuf_appends(&w->b, "* ");
		w->pending_marker = 0;
		w->pending_space = 0;
	}
	if (w->pending_space && !w->at_line_start)
		strbuf_appendc(&w->b, ' ');
	w->pending_space = 0;
	if (w->href && !w->link_started) {
		w->link_started = 1;
		w->link_start = w->b.len;
	}
	strbuf_append(&w->b, s, n);
	w->at_line_start = 0;
	w->any_text = 1;
}

static void emit_str(struct writer *w, const char *s)
{
	for (; *s; s++)
		emit(w, s, 1);
}

static void want_break(struct writer *w, int n)
{
	if (w->pending_nl < n)
		w->pending_nl = n;
}

/* Text, with entities already decoded. */
static void emit_text(struct writer *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (w->in_head) {
			/* text cannot be in a head: the head has ended without saying so */
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
				continue;
			w->in_head = 0;
		}
		if (w->pre) {
			if (c == '\n') {
				flush_breaks(w);
				strbuf_appendc(&w->b, '\n');
				w->at_line_start = 1;
				w->any_text = 1;
			} else if (c != '\r') {
				emit(w, s + i, 1);
			}
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			w->pending_space = 1;
			continue;
		}
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			/* no-break space: kept, never collapsed */
			emit(w, " ", 1);
			i++;
			continue;
		}
		emit(w, s + i, 1);
	}
}

struct entity {
	const char *name;
	uint32_t code;
};

static const struct entity entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", 0xa0 }, { "iexcl", 0xa1 }, { "cent", 0xa2 }, { "pound", 0xa3 },
	{ "curren", 0xa4 }, { "yen", 0xa5 }, { "brvbar", 0xa6 }, { "sect", 0xa7 },
	{ "uml", 0xa8 }, { "copy", 0xa9 }, { "ordf", 0xaa }, { "laquo", 0xab }, { "not", 0xac },
	{ "shy", 0xad }, { "reg", 0xae }, { "macr", 0xaf }, { "deg", 0xb0 }, { "plusmn", 0xb1 },
	{ "sup2", 0xb2 }, { "sup3", 0xb3 }, { "acute", 0xb4 }, { "micro", 0xb5 },
	{ "para", 0xb6 }, { "middot", 0xb7 }, { "cedil", 0xb8 }, { "sup1", 0xb9 },
	{ "ordm", 0xba }, { "raquo", 0xbb }, { "frac14", 0xbc }, { "frac12", 0xbd },
	{ "frac34", 0xbe }, { "iquest", 0xbf }, { "Agrave", 0xc0 }, { "Aacute", 0xc1 },
	{ "Acirc", 0xc2 }, { "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Aring", 0xc5 },
	{ "AElig", 0xc6 }, { "Ccedil", 0xc7 }, { "Egrave", 0xc8 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Euml", 0xcb }, { "Igrave", 0xcc }, { "Iacute", 0xcd },
	{ "Icirc", 0xce }, { "Iuml", 0xcf }, { "ETH", 0xd0 }, { "Ntilde", 0xd1 },
	{ "Ograve", 0xd2 }, { "Oacute", 0xd3 }, { "Ocirc", 0xd4 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "times", 0xd7 }, { "Oslash", 0xd8 }, { "Ugrave", 0xd9 },
	{ "Uacute", 0xda }, { "Ucirc", 0xdb }, { "Uuml", 0xdc }, { "Yacute", 0xdd },
	{ "THORN", 0xde }, { "szlig", 0xdf }, { "agrave", 0xe0 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "atilde", 0xe3 }, { "auml", 0xe4 }, { "aring", 0xe5 },
	{ "aelig", 0xe6 }, { "ccedil", 0xe7 }, { "egrave", 0xe8 }, { "eacute", 0xe9 },
	{ "ecirc", 0xea }, { "euml", 0xeb }, { "igrave", 0xec }, { "iacute", 0xed },
	{ "icirc", 0xee }, { "iuml", 0xef }, { "eth", 0xf0 }, { "ntilde", 0xf1 },
	{ "ograve", 0xf2 }, { "oacute", 0xf3 }, { "ocirc", 0xf4 }, { "otilde", 0xf5 },
	{ "ouml", 0xf6 }, { "divide", 0xf7 }, { "oslash", 0xf8 }, { "ugrave", 0xf9 },
	{ "uacute", 0xfa }, { "ucirc", 0xfb }, { "uuml", 0xfc }, { "yacute", 0xfd },
	{ "thorn", 0xfe }, { "yuml", 0xff }, { "OElig", 0x152 }, { "oelig", 0x153 },
	{ "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 }, { "fnof", 0x192 },
	{ "circ", 0x2c6 }, { "tilde", 0x2dc }, { "Alpha", 0x391 }, { "Beta", 0x392 },
	{ "Gamma", 0x393 }, { "Delta", 0x394 }, { "Omega", 0x3a9 }, { "alpha", 0x3b1 },
	{ "beta", 0x3b2 }, { "gamma", 0x3b3 }, { "delta", 0x3b4 }, { "pi", 0x3c0 },
	{ "mu", 0x3bc }, { "sigma", 0x3c3 }, { "omega", 0x3c9 }, { "ensp", 0x2002 },
	{ "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	{ "lrm", 0x200e }, { "rlm", 0x200f }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "bdquo", 0x201e }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "permil", 0x2030 }, { "prime", 0x2032 },
	{ "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a }, { "oline", 0x203e },
	{ "frasl", 0x2044 }, { "euro", 0x20ac }, { "trade", 0x2122 }, { "larr", 0x2190 },
	{ "uarr", 0x2191 }, { "rarr", 0x2192 }, { "darr", 0x2193 }, { "harr", 0x2194 },
	{ "rArr", 0x21d2 }, { "hArr", 0x21d4 }, { "minus", 0x2212 }, { "le", 0x2264 },
	{ "ge", 0x2265 }, { "ne", 0x2260 }, { "asymp", 0x2248 }, { "infin", 0x221e },
	{ "check", 0x2713 }, { "hearts", 0x2665 }, { "loz", 0x25ca }, { "star", 0x2606 },
};

/* HTML5: numeric references to 0x80-0x9f mean windows-1252 characters. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/* Decodes the reference at s[0] == '&'; returns its length, or 0 if it is not
 * one (then '&' is literal). */
static size_t decode_entity(const char *s, size_t n, struct strbuf *out)
{
	size_t i = 1;

	if (i < n && s[i] == '#') {
		int hex = 0;
		uint32_t v = 0;
		size_t digits = 0;
		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		while (i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
			int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
							   : tolower((unsigned char)s[i]) - 'a' + 10;
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) + (uint32_t)d;
			digits++;
			i++;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (v >= 0x80 && v <= 0x9f)
			v = cp1252_c1[v - 0x80];
		/* NUL, surrogates and values out of range come out as U+FFFD */
		utf8_put(out, v);
		return i;
	}
	char name[12];
	size_t k = 0;
	while (i < n && isalnum((unsigned char)s[i]) && k < sizeof name - 1)
		name[k++] = s[i++];
	name[k] = '\0';
	if (k == 0)
		return 0;
	int semi = i < n && s[i] == ';';
	for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
		if (strcmp(entities[e].name, name) != 0)
			continue;
		/* without ';' only the old ones that browsers still accept */
		if (!semi && !(e < 6 || entities[e].code == 0xa9 || entities[e].code == 0xae))
			return 0;
		utf8_put(out, entities[e].code);
		return i + (size_t)semi;
	}
	return 0;
}

static void decode_entities(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == '&') {
			size_t k = decode_entity(s + i, n - i, out);
			if (k > 0) {
				i += k;
				continue;
			}
		}
		if (s[i] != '\0')
			strbuf_appendc(out, s[i]);
		i++;
	}
}

struct tag {
	char name[TAG_NAME_MAX + 1];  /* lower case; "" if too long to matter */
	int closing;
	char *href, *alt;
};

static size_t find_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return i;
	return n;
}

/* Parses the tag at s[0] == '<' into t; returns its length (0 if '<' is just
 * text). Attribute values are entity-decoded; only href and alt are kept. */
static size_t parse_tag(const char *s, size_t n, struct tag *t)
{
	size_t i = 1;

	memset(t, 0, sizeof *t);
	if (i < n && s[i] == '/') {
		t->closing = 1;
		i++;
	}
	if (i >= n || !isalpha((unsigned char)s[i]))
		return 0;
	size_t k = 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':')) {
		if (k < TAG_NAME_MAX)
			t->name[k++] = (char)tolower((unsigned char)s[i]);
		else
			t->name[0] = '\0';
		i++;
	}
	if (k >= TAG_NAME_MAX)
		t->name[0] = '\0';
	while (i < n && s[i] != '>') {
		if (isspace((unsigned char)s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		size_t a0 = i;
		while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' &&
		       s[i] != '/')
			i++;
		size_t alen = i - a0;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != '=') {
			if (alen == 0)
				i++;
			continue;
		}
		i++;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t v0, v1;
		if (i < n && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];
			v0 = i;
			while (i < n && s[i] != q)
				i++;
			v1 = i;
			if (i < n)
				i++;
		} else {
			v0 = i;
			while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>')
				i++;
			v1 = i;
		}
		char **slot = NULL;
		if (alen == 4 && strncasecmp(s + a0, "href", 4) == 0)
			slot = &t->href;
		else if (alen == 3 && strncasecmp(s + a0, "alt", 3) == 0)
			slot = &t->alt;
		if (slot && *slot == NULL) {
			struct strbuf v = STRBUF_INIT;
			decode_entities(s + v0, v1 - v0, &v);
			*slot = strbuf_detach(&v, NULL);
		}
	}
	return i < n ? i + 1 : n;
}

static int tag_is(const struct tag *t, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(t->name, *names) == 0)
			return 1;
	return 0;
}

static const char *const paragraph_tags[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "hr", "dl", "form", "figure", "address", "center", "fieldset", NULL };
static const char *const line_tags[] = { "div", "tr", "li", "ul", "ol", "dt", "dd",
	"section", "article", "header", "footer", "nav", "aside", "main", "caption",
	"tbody", "thead", "tfoot", "details", "summary", "figcaption", "body", "html", NULL };
/* contents never shown; raw text up to the closing tag */
static const char *const raw_skip_tags[] = { "script", "style", "title", "template",
	"noembed", "noframes", "xmp", "textarea", NULL };

/* "example.org/" and "http://example.org" are the same link to a reader. */
static char *link_key(const char *s, size_t n)
{
	static const char *const schemes[] = { "mailto:", "http://", "https://", NULL };

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	for (int i = 0; schemes[i]; i++) {
		size_t m = strlen(schemes[i]);
		if (n >= m && strncasecmp(s, schemes[i], m) == 0) {
			s += m;
			n -= m;
			break;
		}
	}
	while (n > 0 && s[n - 1] == '/')
		n--;
	char *k = xstrndup(s, n);
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

static void close_link(struct writer *w)
{
	if (w->href == NULL)
		return;
	char *href = w->href;
	w->href = NULL;
	if (*href && *href != '#' && strncasecmp(href, "javascript:", 11) != 0) {
		size_t tl = w->link_started ? w->b.len - w->link_start : 0;
		char *a = link_key(w->b.s ? w->b.s + w->link_start : "", tl);
		char *b = link_key(href, strlen(href));
		if (strcmp(a, b) != 0) {
			if (tl > 0)
				w->pending_space = 1;
			emit(w, "<", 1);
			for (const char *p = href; *p; p++)
				if (!isspace((unsigned char)*p))
					emit(w, p, 1);
			emit(w, ">", 1);
		}
		free(a);
		free(b);
	}
	free(href);
}

static void handle_tag(struct writer *w, const struct tag *t)
{
	static const char *const head_tags[] = { "meta", "link", "base", "noscript", "script",
		"style", "title", "template", NULL };

	if (t->name[0] == '\0')
		return;
	if (strcmp(t->name, "head") == 0) {
		w->in_head = !t->closing;
		return;
	}
	if (w->in_head) {
		if (tag_is(t, head_tags))
			return;
		w->in_head = 0;
	}
	if (strcmp(t->name, "br") == 0) {
		if (w->pending_nl < 2)
			w->pending_nl++;
		return;
	}
	if (strcmp(t->name, "a") == 0) {
		close_link(w);
		if (!t->closing && t->href) {
			w->href = xstrdup(t->href);
			w->link_started = 0;
		}
		return;
	}
	if (strcmp(t->name, "img") == 0) {
		if (t->alt && *t->alt) {
			w->pending_space = 1;
			emit_text(w, t->alt, strlen(t->alt));
			w->pending_space = 1;
		}
		return;
	}
	if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0) {
		w->pending_space = 1;
		return;
	}
	if (strcmp(t->name, "blockquote") == 0) {
		/* the blank line around a quote belongs to the outer level */
		want_break(w, 2);
		if (t->closing) {
			if (w->quote_depth > 0)
				w->quote_depth--;
		} else {
			flush_breaks(w);
			w->quote_depth++;
		}
		return;
	}
	if (strcmp(t->name, "pre") == 0) {
		want_break(w, 2);
		w->pre += t->closing ? (w->pre > 0 ? -1 : 0) : 1;
		return;
	}
	if (strcmp(t->name, "ul") == 0 || strcmp(t->name, "ol") == 0) {
		w->list_depth += t->closing ? (w->list_depth > 0 ? -1 : 0) : 1;
		want_break(w, w->list_depth == 0 ? 2 : 1);
		return;
	}
	if (strcmp(t->name, "li") == 0) {
		want_break(w, 1);
		if (!t->closing) {
			if (w->list_depth == 0)
				w->list_depth = 1;
			w->pending_marker = 1;
		} else {
			w->pending_marker = 0;
		}
		return;
	}
	if (strcmp(t->name, "hr") == 0) {
		want_break(w, 2);
		emit_str(w, "----------");
		want_break(w, 2);
		return;
	}
	if (tag_is(t, paragraph_tags))
		want_break(w, 2);
	else if (tag_is(t, line_tags))
		want_break(w, 1);
}

/* Whether a line holds nothing but blanks and quote markers. */
static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '>' && s[i] != ' ')
			return 0;
	return 1;
}

/* Trailing blanks go, runs of blank lines (or of bare quote markers) become
 * one, and the text ends with exactly one line break. */
static char *tidy(const char *s, size_t n)
{
	struct strbuf out = STRBUF_INIT;
	size_t last = 0;      /* where the last line kept starts in out */
	int last_blank = 0;

	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;
		size_t e = end;
		while (e > i && s[e - 1] == ' ')
			e--;
		int blank = blank_line(s + i, e - i);
		int repeat = last_blank && out.len - 1 - last == e - i &&
			     memcmp(out.s + last, s + i, e - i) == 0;
		if (!blank || (out.len > 0 && !repeat)) {
			last = out.len;
			last_blank = blank;
			strbuf_append(&out, s + i, e - i);
			strbuf_appendc(&out, '\n');
		}
		i = end + 1;
	}
	/* drop blank lines at the end */
	while (out.len > 0) {
		size_t k = out.len - 1;
		while (k > 0 && out.s[k - 1] != '\n')
			k--;
		if (!blank_line(out.s + k, out.len - 1 - k))
			break;
		out.len = k;
		out.s[k] = '\0';
	}
	return strbuf_detach(&out, NULL);
}

char *html_to_text(const char *html, size_t len)
{
	struct writer w = { .b = STRBUF_INIT, .at_line_start = 1 };
	struct strbuf text = STRBUF_INIT;
	size_t i = 0;

	if (html == NULL)
		len = 0;
	while (i < len) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t stop = lt ? (size_t)(lt - html) : len;
		if (stop > i) {
			strbuf_reset(&text);
			decode_entities(html + i, stop - i, &text);
			emit_text(&w, text.s ? text.s : "", text.len);
			i = stop;
			continue;
		}
		const char *s = html + i;
		size_t n = len - i;
		if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
			size_t k = find_ci(s + 4, n - 4, "-->");
			i += k < n - 4 ? 4 + k + 3 : n;
			continue;
		}
		if (n >= 2 && (s[1] == '!' || s[1] == '?')) {
			const char *gt = memchr(s, '>', n);
			i += gt ? (size_t)(gt - s) + 1 : n;
			continue;
		}
		struct tag t;
		size_t k = parse_tag(s, n, &t);
		if (k == 0) {
			emit_text(&w, "<", 1);
			i++;
			continue;
		}
		i += k;
		if (!t.closing && tag_is(&t, raw_skip_tags)) {
			char close[TAG_NAME_MAX + 3];
			snprintf(close, sizeof close, "</%s", t.name);
			size_t e = find_ci(html + i, len - i, close);
			i += e;
			if (i < len) {
				const char *gt = memchr(html + i, '>', len - i);
				i = gt ? (size_t)(gt - html) + 1 : len;
			}
		} else {
			handle_tag(&w, &t);
		}
		free(t.href);
		free(t.alt);
	}
	close_link(&w);
	strbuf_free(&text);
	char *out = tidy(w.b.s ? w.b.s : "", w.b.len);
	strbuf_free(&w.b);
	return out;
}
