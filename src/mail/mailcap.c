/* mailcap entries (RFC 1524): parsing, lookup by type, and commands with
 * their % sequences filled in so that nothing a sender wrote can reach a
 * shell: a value put into a command must be made of plain characters. */
#include "mail/mailcap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

static char *trim_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* Letters, digits and "._+-": what a type's halves, a charset and our file
 * names are made of; nothing a shell treats specially. */
static int plain_char(int c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
}

static int plain_value(const char *s)
{
	for (; *s != '\0'; s++)
		if (!plain_char((unsigned char)*s) && *s != '/')
			return 0;
	return 1;
}

/* "token/token" of plain characters (a mailcap entry may also say "*"). */
static int plain_type(const char *t, int star_ok)
{
	const char *slash = strchr(t, '/');

	if (slash == NULL || slash == t || slash[1] == '\0' || strchr(slash + 1, '/') != NULL)
		return 0;
	for (const char *p = t; *p != '\0'; p++)
		if (p != slash && !plain_char((unsigned char)*p) && !(star_ok && *p == '*' && p > slash))
			return 0;
	return 1;
}

/* Splits one logical line at the ";" that no backslash escapes; "\;" becomes
 * ";" and other backslashes stay for the shell. */
static size_t split_fields(const char *line, char ***out)
{
	struct strbuf cur = STRBUF_INIT;
	char **f = NULL;
	size_t n = 0;

	for (const char *p = line;; p++) {
		if (*p == '\\' && p[1] == ';') {
			strbuf_appendc(&cur, ';');
			p++;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			strbuf_append(&cur, p, 2);
			p++;
			continue;
		}
		if (*p == ';' || *p == '\0') {
			f = xreallocarray(f, n + 1, sizeof *f);
			f[n++] = trim_dup(cur.s != NULL ? cur.s : "", cur.len);
			strbuf_reset(&cur);
			if (*p == '\0')
				break;
			continue;
		}
		strbuf_appendc(&cur, *p);
	}
	strbuf_free(&cur);
	*out = f;
	return n;
}

static void parse_entry(struct mailcap *mc, const char *line)
{
	char **f;
	size_t n = split_fields(line, &f);
	struct mailcap_entry e = { 0 };

	if (n >= 2 && f[0][0] != '\0' && f[1][0] != '\0') {
		for (char *p = f[0]; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		e.type = strchr(f[0], '/') != NULL ? xstrdup(f[0]) : xasprintf("%s/*", f[0]);
		e.view = xstrdup(f[1]);
		for (size_t i = 2; i < n; i++) {
			char *eq = strchr(f[i], '=');
			char *key = eq != NULL ? trim_dup(f[i], (size_t)(eq - f[i])) : xstrdup(f[i]);
			char *val = eq != NULL ? trim_dup(eq + 1, strlen(eq + 1)) : NULL;
			if (val == NULL && strcasecmp(key, "copiousoutput") == 0)
				e.copiousoutput = 1;
			else if (val == NULL && strcasecmp(key, "needsterminal") == 0)
				e.needsterminal = 1;
			else if (val != NULL && strcasecmp(key, "test") == 0 && e.test == NULL)
				e.test = val, val = NULL;
			else if (val != NULL && strcasecmp(key, "nametemplate") == 0 && e.nametemplate == NULL)
				e.nametemplate = val, val = NULL;
			free(key);
			free(val);
		}
		if (plain_type(e.type, 1)) {
			mc->entries = xreallocarray(mc->entries, mc->n + 1, sizeof *mc->entries);
			mc->entries[mc->n++] = e;
		} else {
			free(e.type);
			free(e.view);
			free(e.test);
			free(e.nametemplate);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

void mailcap_parse(struct mailcap *mc, const char *text, size_t len)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n) != NULL)
			n = strnlen(p, n);
		strbuf_append(&line, p, n);
		p = nl != NULL ? nl + 1 : end;
		/* A backslash at the end joins the next line. */
		if (line.len > 0 && line.s[line.len - 1] == '\\' && p < end) {
			line.s[--line.len] = '\0';
			continue;
		}
		const char *s = line.s != NULL ? line.s : "";
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '\0' && *s != '#')
			parse_entry(mc, s);
		strbuf_reset(&line);
	}
	strbuf_free(&line);
}

void mailcap_clear(struct mailcap *mc)
{
	for (size_t i = 0; i < mc->n; i++) {
		free(mc->entries[i].type);
		free(mc->entries[i].view);
		free(mc->entries[i].test);
		free(mc->entries[i].nametemplate);
	}
	free(mc->entries);
	mc->entries = NULL;
	mc->n = 0;
}

static int type_fits(const char *pattern, const char *type)
{
	size_t major = strcspn(pattern, "/");

	if (strcmp(pattern + major, "/*") == 0)
		return strncasecmp(pattern, type, major + 1) == 0;
	return strcasecmp(pattern, type) == 0;
}

const struct mailcap_entry *mailcap_next(const struct mailcap *mc, const char *type,
					 unsigned flags, size_t *pos)
{
	if (type == NULL || !plain_type(type, 0))
		return NULL;
	while (*pos < mc->n) {
		const struct mailcap_entry *e = &mc->entries[(*pos)++];
		if ((flags & MAILCAP_COPIOUS) && !e->copiousoutput)
			continue;
		if (type_fits(e->type, type))
			return e;
	}
	return NULL;
}

/* The value of the % sequence at p (after the '%'), and its length in *used;
 * NULL with e set when it cannot be put in. */
static const char *percent_value(const char *p, const struct mailcap_subst *s, size_t *used,
				 int *has_file, struct err *e)
{
	const char *v = NULL;

	if (*p == 's') {
		*used = 1;
		*has_file = 1;
		if (s->file == NULL) {
			err_set(e, ERR_PARSE, "the mailcap command needs a file (%%s) and none was given");
			return NULL;
		}
		v = s->file;
	} else if (*p == 't') {
		*used = 1;
		v = s->type != NULL ? s->type : "";
	} else if (*p == '{') {
		const char *close = strchr(p, '}');
		if (close == NULL) {
			err_set(e, ERR_PARSE, "the mailcap command has %%{ without }");
			return NULL;
		}
		*used = (size_t)(close - p) + 1;
		v = "";
		for (size_t i = 0; i < s->nparams; i++)
			if (strlen(s->param_names[i]) == (size_t)(close - p - 1) &&
			    strncasecmp(s->param_names[i], p + 1, (size_t)(close - p - 1)) == 0)
				v = s->param_values[i] != NULL ? s->param_values[i] : "";
	} else {
		err_set(e, ERR_PARSE, "the mailcap command uses %%%c, which skua does not fill in",
			*p != '\0' ? *p : ' ');
		return NULL;
	}
	if (!plain_value(v)) {
		err_set(e, ERR_PARSE,
			"not running the mailcap command: a value for it has characters a shell could misread");
		return NULL;
	}
	return v;
}

/* Plain words only: no quotes, escapes or shell syntax, so no shell. */
static int needs_shell(const char *cmd)
{
	for (const char *p = cmd; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '%') {
			if (p[1] == '{') {
				const char *close = strchr(p, '}');
				if (close == NULL)
					return 1;
				p = close;
			} else if (p[1] != '\0') {
				p++;
			}
			continue;
		}
		if (!isalnum(c) && strchr(" \t_./:,=+@-", c) == NULL)
			return 1;
	}
	return 0;
}

static void add_arg(struct mailcap_cmd *c, size_t *n, char *arg)
{
	c->argv = xreallocarray(c->argv, *n + 2, sizeof *c->argv);
	c->argv[(*n)++] = arg;
	c->argv[*n] = NULL;
}

int mailcap_expand(const char *command, const struct mailcap_subst *s, struct mailcap_cmd *out,
		   struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	int shell = needs_shell(command), has_file = 0;
	char quote = 0;  /* the shell quote the command is inside at p */
	size_t n = 0;

	memset(out, 0, sizeof *out);
	for (const char *p = command; *p != '\0'; p++) {
		if (*p == '%' && p[1] == '%') {
			strbuf_appendc(&b, '%');
			p++;
		} else if (*p == '%') {
			size_t used;
			const char *v = percent_value(p + 1, s, &used, &has_file, e);
			if (v == NULL) {
				strbuf_free(&b);
				mailcap_cmd_free(out);
				return -1;
			}
			/* Plain values need no quotes; outside quotes they get them
			 * anyway, so an empty one stays one word. */
			strbuf_printf(&b, shell && quote == 0 ? "'%s'" : "%s", v);
			p += used;
		} else if (!shell && (*p == ' ' || *p == '\t')) {
			if (b.len > 0)
				add_arg(out, &n, strbuf_detach(&b, NULL));
		} else {
			if (quote == 0 && *p == '\\' && p[1] != '\0') {
				strbuf_append(&b, p, 2);
				p++;
				continue;
			}
			if (quote == '"' && *p == '\\' && p[1] != '\0') {
				strbuf_append(&b, p, 2);
				p++;
				continue;
			}
			if (quote == 0 && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (quote == *p)
				quote = 0;
			strbuf_appendc(&b, *p);
		}
	}
	if (shell) {
		add_arg(out, &n, xstrdup("/bin/sh"));
		add_arg(out, &n, xstrdup("-c"));
		add_arg(out, &n, strbuf_detach(&b, NULL));
	} else if (b.len > 0) {
		add_arg(out, &n, strbuf_detach(&b, NULL));
	}
	strbuf_free(&b);
	if (n == 0) {
		mailcap_cmd_free(out);
		return err_set(e, ERR_PARSE, "the mailcap command is empty");
	}
	out->use_shell = shell;
	out->input_on_stdin = !has_file;
	return 0;
}

void mailcap_cmd_free(struct mailcap_cmd *c)
{
	if (c->argv != NULL)
		for (char **a = c->argv; *a != NULL; a++)
			free(*a);
	free(c->argv);
	memset(c, 0, sizeof *c);
}

const char *mailcap_suffix(const struct mailcap_entry *e)
{
	const char *p = e->nametemplate != NULL ? strstr(e->nametemplate, "%s") : NULL;

	if (p == NULL)
		return "";
	p += 2;
	for (const char *q = p; *q != '\0'; q++)
		if (!isalnum((unsigned char)*q) && *q != '.' && *q != '_' && *q != '-')
			return "";
	return p;
}
