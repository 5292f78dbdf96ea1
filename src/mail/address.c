/* Address lists: split at the top-level commas ourselves (so a bad entry can be
 * named), each entry parsed by libetpan's mailimf and checked, because
 * libetpan accepts "bob" or "a@b c@d" as addresses. */
#include "mail/address.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "mail/mime_words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct span {
	const char *s;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct span trim(const char *s, size_t n)
{
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return (struct span){ s, n };
}

/* Splits an address list into entries: commas end them, "name:" opens a group
 * (its name is dropped, its members become entries) and ";" closes it. Quotes,
 * comments, <...> and [...] hide these characters. */
static struct span *split_entries(const char *text, size_t *count)
{
	struct span *v = NULL;
	size_t n = 0, cap = 0;
	const char *start = text;
	int quote = 0, comment = 0, angle = 0, bracket = 0, addr_seen = 0;

	for (const char *p = text;; p++) {
		char c = *p;
		int end = c == '\0';
		if (!end && (quote || comment) && c == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (!end) {
			if (quote) {
				if (c == '"')
					quote = 0;
				continue;
			}
			if (comment) {
				if (c == '(')
					comment++;
				else if (c == ')')
					comment--;
				continue;
			}
			if (c == '"') {
				quote = 1;
				continue;
			}
			if (c == '(') {
				comment = 1;
				continue;
			}
			if (bracket) {
				if (c == ']')
					bracket = 0;
				continue;
			}
			if (c == '[') {
				bracket = 1;
				continue;
			}
			if (c == '<') {
				angle = 1;
				addr_seen = 1;
				continue;
			}
			if (c == '>') {
				angle = 0;
				continue;
			}
			if (angle)
				continue;
			if (c == '@')
				addr_seen = 1;
			/* a group name is a phrase: after an address a ':' is just bad text */
			if (c == ':' && !addr_seen) {
				start = p + 1;
				continue;
			}
			if (c != ',' && c != ';')
				continue;
		}
		struct span e = trim(start, (size_t)(p - start));
		if (e.n > 0) {
			if (n == cap)
				v = xreallocarray(v, cap = cap ? cap * 2 : 8, sizeof *v);
			v[n++] = e;
		}
		if (end)
			break;
		start = p + 1;
		addr_seen = 0;
	}
	*count = n;
	return v;
}

/* Copies the entry without its (comments), keeping the first comment's text
 * as a name for the old "addr (Name)" form. */
static char *strip_comments(struct span e, char **comment_text)
{
	struct strbuf out = STRBUF_INIT, com = STRBUF_INIT;
	int quote = 0, depth = 0, first_done = 0;

	for (size_t i = 0; i < e.n; i++) {
		char c = e.s[i];
		if (depth > 0) {
			if (c == '\\' && i + 1 < e.n) {
				if (!first_done)
					strbuf_appendc(&com, e.s[i + 1]);
				i++;
				continue;
			}
			if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0) {
				first_done = 1;
				strbuf_appendc(&out, ' ');
				continue;
			}
			if (!first_done)
				strbuf_appendc(&com, c);
			continue;
		}
		if (quote && c == '\\' && i + 1 < e.n) {
			strbuf_append(&out, e.s + i, 2);
			i++;
			continue;
		}
		if (c == '"')
			quote = !quote;
		if (c == '(' && !quote) {
			depth = 1;
			continue;
		}
		strbuf_appendc(&out, c);
	}
	*comment_text = strbuf_detach(&com, NULL);
	return strbuf_detach(&out, NULL);
}

static int domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0)
		return 0;
	if (d[0] == '[')
		return n > 2 && d[n - 1] == ']' && strpbrk(d + 1, "[\\ \t") == NULL;
	if (d[0] == '.' || d[n - 1] == '.' || strstr(d, "..") != NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)d; *p; p++)
		if (!(isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p >= 0x80))
			return 0;
	return 1;
}

/* An addr-spec as libetpan returns it: local@domain, where only a quoted
 * local part may hold specials. */
static int addr_spec_ok(const char *a)
{
	const char *at = strrchr(a, '@');

	if (at == NULL || at == a || !domain_ok(at + 1))
		return 0;
	size_t ln = (size_t)(at - a);
	if (a[0] == '"')
		return ln >= 2 && a[ln - 1] == '"';
	for (size_t i = 0; i < ln; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c == 0x7f || strchr("@()<>,;:\\\"[]", c))
			return 0;
	}
	return a[0] != '.' && a[ln - 1] != '.';
}

/* Parses one entry; 0 on success. */
static int parse_entry(struct span e, struct mail_address *out)
{
	char *comment;
	char *text = strip_comments(e, &comment);
	struct span t = trim(text, strlen(text));
	struct mailimf_mailbox *mb = NULL;
	size_t idx = 0;
	int ok = 0;

	if (t.n > 0 && mailimf_mailbox_parse(t.s, t.n, &idx, &mb) == MAILIMF_NO_ERROR) {
		while (idx < t.n && is_blank(t.s[idx]))
			idx++;
		if (idx == t.n && mb->mb_addr_spec && addr_spec_ok(mb->mb_addr_spec)) {
			out->addr = xstrdup(mb->mb_addr_spec);
			if (mb->mb_display_name && mb->mb_display_name[0])
				out->name = mime_words_decode(mb->mb_display_name);
			else
				out->name = mime_words_decode(comment);
			ok = 1;
		}
	}
	if (mb)
		mailimf_mailbox_free(mb);
	free(text);
	free(comment);
	return ok ? 0 : -1;
}

long mail_address_list_parse(const char *text, struct mail_address **out, char **bad)
{
	size_t n;
	struct span *e = split_entries(text ? text : "", &n);
	struct mail_address *v = n ? xcalloc(n, sizeof *v) : NULL;

	*out = NULL;
	if (bad)
		*bad = NULL;
	for (size_t i = 0; i < n; i++) {
		if (parse_entry(e[i], &v[i]) < 0) {
			if (bad)
				*bad = xstrndup(e[i].s, e[i].n);
			mail_addresses_free(v, i);
			free(e);
			return -1;
		}
	}
	free(e);
	*out = v;
	return (long)n;
}

void mail_addresses_free(struct mail_address *a, size_t n)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}

char *mail_address_format(const struct mail_address *a)
{
	const char *name = a->name ? a->name : "";
	const char *addr = a->addr ? a->addr : "";
	struct strbuf b = STRBUF_INIT;

	while (is_blank(*name))
		name++;
	if (*name == '\0')
		return xstrdup(addr);

	/* quoted when it would not parse back as a phrase */
	int quote = 0;
	for (const char *p = name; *p; p++)
		if (strchr("()<>[]:;@\\,.\"", *p))
			quote = 1;
	if (quote)
		strbuf_appendc(&b, '"');
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		if (quote && (c == '"' || c == '\\'))
			strbuf_appendc(&b, '\\');
		strbuf_appendc(&b, c);
	}
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	if (quote)
		strbuf_appendc(&b, '"');
	strbuf_printf(&b, " <%s>", addr);
	return strbuf_detach(&b, NULL);
}
