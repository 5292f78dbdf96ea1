/* Reads the config file: lines, sections, quoting, then per-account presets
 * and the checks that need the whole account. */
#include "conf/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/preset.h"
#include "conf/settings.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A config file is a few kilobytes; anything this big is the wrong file. */
#define CONFIG_MAX_SIZE (1024 * 1024)

struct section_meta {
	unsigned line;      /* of the [section] header */
	unsigned *key_line; /* per settings_table entry: line where set, 0 if not */
};

struct parser {
	const char *name;
	unsigned line;
	struct config *cfg;
	int section; /* -1 before the first header, else enum setting_section */
	struct section_meta general;
	struct section_meta *accounts; /* parallel to cfg->accounts */
};

static int fail(struct parser *p, unsigned line, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, unsigned line, struct err *e, const char *fmt, ...)
{
	char msg[sizeof e->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(e, ERR_CONFIG, "%s:%u: %s", p->name, line, msg);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* Nothing but blanks and an optional comment left on the line? */
static int rest_is_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

static void meta_init(struct section_meta *m, unsigned line)
{
	m->line = line;
	m->key_line = xcalloc(settings_count, sizeof *m->key_line);
}

static unsigned key_line(const struct section_meta *m, const char *key)
{
	const struct setting *s = settings_find(SECTION_ACCOUNT, key);

	if (s == NULL)
		s = settings_find(SECTION_GENERAL, key);
	return m->key_line[s - settings_table];
}

static int parse_header(struct parser *p, char *text, struct err *e)
{
	char *close = strchr(text, ']');
	char *inside, *name;

	if (close == NULL)
		return fail(p, p->line, e, "section header without a closing ']'");
	if (!rest_is_blank(close + 1))
		return fail(p, p->line, e, "unexpected text after the section header");
	*close = '\0';
	inside = trim(text + 1);
	name = inside + strcspn(inside, " \t");
	if (*name != '\0')
		*name++ = '\0';
	name = trim(name);

	if (strcasecmp(inside, "general") == 0 && *name == '\0') {
		if (p->general.key_line != NULL)
			return fail(p, p->line, e, "duplicate section [general] (first on line %u)",
				    p->general.line);
		meta_init(&p->general, p->line);
		p->section = SECTION_GENERAL;
		return 0;
	}
	if (strcasecmp(inside, "account") != 0)
		return fail(p, p->line, e,
			    "unknown section [%s%s%s]; expected [general] or [account NAME]", inside,
			    *name != '\0' ? " " : "", name);
	if (*name == '\0')
		return fail(p, p->line, e, "section [account] needs a name, as in [account work]");

	struct config *c = p->cfg;
	for (size_t i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return fail(p, p->line, e, "duplicate account '%s' (first on line %u)", name,
				    p->accounts[i].line);

	struct account tmp = { 0 };
	const struct setting name_setting = { SECTION_ACCOUNT, "account name", SETTING_ACCOUNT_NAME,
					      offsetof(struct account, name), NULL, NULL, "" };
	if (settings_store(&name_setting, name, &tmp, e) != 0)
		return err_prefix(e, "%s:%u", p->name, p->line);

	c->accounts = xreallocarray(c->accounts, c->naccounts + 1, sizeof *c->accounts);
	p->accounts = xreallocarray(p->accounts, c->naccounts + 1, sizeof *p->accounts);
	settings_store_defaults(SECTION_ACCOUNT, &tmp);
	c->accounts[c->naccounts] = tmp;
	meta_init(&p->accounts[c->naccounts], p->line);
	c->naccounts++;
	p->section = SECTION_ACCOUNT;
	return 0;
}

/* Reads the value after '=': a quoted string with \" and \\, or the text up to
 * a '#' that starts the value or follows a blank, trimmed. */
static int parse_value(struct parser *p, const char *s, char **out, struct err *e)
{
	struct strbuf b = STRBUF_INIT;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '"') {
		const char *end = s;
		while (*end != '\0' && !(*end == '#' && (end == s || end[-1] == ' ' || end[-1] == '\t')))
			end++;
		char *v = xstrndup(s, (size_t)(end - s));
		char *t = trim(v);
		*out = xstrdup(t);
		free(v);
		return 0;
	}
	for (s++;; s++) {
		if (*s == '\0') {
			strbuf_free(&b);
			return fail(p, p->line, e, "quoted value without a closing '\"'");
		}
		if (*s == '"')
			break;
		if (*s == '\\') {
			if (s[1] != '"' && s[1] != '\\') {
				strbuf_free(&b);
				return fail(p, p->line, e,
					    "unknown escape '\\%c' in a quoted value; only \\\" and \\\\ are known",
					    s[1] != '\0' ? s[1] : ' ');
			}
			s++;
		}
		strbuf_appendc(&b, *s);
	}
	if (!rest_is_blank(s + 1)) {
		strbuf_free(&b);
		return fail(p, p->line, e, "unexpected text after the closing quote");
	}
	*out = strbuf_detach(&b, NULL);
	return 0;
}

static int parse_assignment(struct parser *p, char *text, struct err *e)
{
	char *eq = strchr(text, '=');
	char *key, *value = NULL;
	const struct setting *s;
	struct section_meta *m;
	void *base;

	if (eq == NULL)
		return fail(p, p->line, e, "expected KEY = VALUE, but the line has no '='");
	*eq = '\0';
	key = trim(text);
	if (*key == '\0')
		return fail(p, p->line, e, "missing key before '='");
	for (const char *k = key; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			return fail(p, p->line, e, "'%s' is not a key name (letters, digits and _)",
				    key);
	if (p->section < 0)
		return fail(p, p->line, e,
			    "key '%s' is outside any section; put it under [general] or [account NAME]",
			    key);

	enum setting_section sec = (enum setting_section)p->section;
	s = settings_find(sec, key);
	if (s == NULL) {
		enum setting_section other = sec == SECTION_GENERAL ? SECTION_ACCOUNT : SECTION_GENERAL;
		if (settings_find(other, key) != NULL)
			return fail(p, p->line, e, "key '%s' belongs in %s, not [%s]", key,
				    other == SECTION_ACCOUNT ? "an [account NAME] section"
							     : "the [general] section",
				    settings_section_name(sec));
		const struct setting *near = settings_closest(sec, key);
		if (near != NULL)
			return fail(p, p->line, e, "unknown key '%s' (did you mean '%s'?)", key,
				    near->key);
		return fail(p, p->line, e, "unknown key '%s' in [%s]", key,
			    settings_section_name(sec));
	}

	if (sec == SECTION_GENERAL) {
		m = &p->general;
		base = p->cfg;
	} else {
		m = &p->accounts[p->cfg->naccounts - 1];
		base = &p->cfg->accounts[p->cfg->naccounts - 1];
	}
	unsigned *seen = &m->key_line[s - settings_table];
	if (*seen != 0)
		return fail(p, p->line, e, "%s is already set on line %u", s->key, *seen);

	if (parse_value(p, eq + 1, &value, e) != 0)
		return -1;
	if (*value == '\0') {
		free(value);
		return fail(p, p->line, e, "missing value for %s", s->key);
	}
	int rc = settings_store(s, value, base, e);
	explicit_bzero(value, strlen(value));
	free(value);
	if (rc != 0)
		return err_prefix(e, "%s:%u", p->name, p->line);
	*seen = p->line;
	return 0;
}

/* Splits a directive line into words at blanks; a word may be quoted ("#",
 * "a b") with \" and \\, and an unquoted word starting with '#' begins a
 * comment. Returns the number of words (up to max), or -1 with the error. */
static int split_words(struct parser *p, const char *s, char **words, int max, struct err *e)
{
	int n = 0;

	for (;;) {
		struct strbuf b = STRBUF_INIT;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0' || (*s == '\\' && s[1] != '"' && s[1] != '\\')) {
					strbuf_free(&b);
					fail(p, p->line, e, *s == '\0' ? "quoted word without a closing '\"'"
									 : "unknown escape in a quoted word; only \\\" and \\\\ are known");
					goto error;
				}
				if (*s == '\\')
					s++;
				strbuf_appendc(&b, *s);
			}
			s++;
			if (*s != '\0' && *s != ' ' && *s != '\t') {
				strbuf_free(&b);
				fail(p, p->line, e, "unexpected text after a closing quote");
				goto error;
			}
		} else {
			while (*s != '\0' && *s != ' ' && *s != '\t')
				strbuf_appendc(&b, *s++);
		}
		if (n == max) {
			strbuf_free(&b);
			fail(p, p->line, e, "too many words in the line");
			goto error;
		}
		words[n++] = strbuf_detach(&b, NULL);
	}
error:
	while (n > 0)
		free(words[--n]);
	return -1;
}

/* "bind SCREENS KEY ACTION" and "color ROLE FG [BG]": mutt's shape, kept
 * as written, since only the full-screen client knows the names. */
static int parse_directive(struct parser *p, const char *kind, const char *rest, struct err *e)
{
	char *w[4];
	int n, is_bind = strcmp(kind, "bind") == 0;
	struct config *c = p->cfg;

	if (p->section == SECTION_ACCOUNT)
		return fail(p, p->line, e,
			    "%s lines apply to every account; put them under [general] or before the first section",
			    kind);
	n = split_words(p, rest, w, 4, e);
	if (n < 0)
		return -1;
	if (is_bind ? n != 3 : n < 2 || n > 3) {
		while (n > 0)
			free(w[--n]);
		return fail(p, p->line, e, is_bind
			    ? "expected bind SCREENS KEY ACTION, as in: bind index,pager x delete"
			    : "expected color ROLE FOREGROUND [BACKGROUND], as in: color status white blue");
	}
	if (is_bind) {
		c->binds = xreallocarray(c->binds, c->nbinds + 1, sizeof *c->binds);
		c->binds[c->nbinds++] = (struct conf_bind){ w[0], w[1], w[2], p->line };
	} else {
		c->colors = xreallocarray(c->colors, c->ncolors + 1, sizeof *c->colors);
		c->colors[c->ncolors++] = (struct conf_color){ w[0], w[1], n == 3 ? w[2] : NULL, p->line };
	}
	return 0;
}

/* The directive a line starts with ("bind", "color"), or NULL for KEY = VALUE. */
static const char *directive_of(const char *s, const char **rest)
{
	static const char *const kinds[] = { "bind", "color", "colour" };
	size_t len = strcspn(s, " \t");
	const char *after = s + len;

	while (*after == ' ' || *after == '\t')
		after++;
	if (*after == '=' || *after == '\0')
		return NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i]) == len && strncmp(s, kinds[i], len) == 0) {
			*rest = after;
			return i == 0 ? "bind" : "color";
		}
	return NULL;
}

static int parse_line(struct parser *p, char *line, struct err *e)
{
	const char *kind, *rest;

	char *s = line;

	for (const char *c = line; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			return fail(p, p->line, e, "control character (0x%02x) in the line",
				    (unsigned char)*c);
		else if (*c == 0x7f)
			return fail(p, p->line, e, "control character (0x7f) in the line");
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_header(p, s, e);
	kind = directive_of(s, &rest);
	if (kind != NULL)
		return parse_directive(p, kind, rest, e);
	return parse_assignment(p, s, e);
}

static unsigned set_mask(const struct section_meta *m)
{
	unsigned mask = 0;

	mask |= key_line(m, "imap_host") ? PRESET_IMAP_HOST : 0;
	mask |= key_line(m, "imap_port") ? PRESET_IMAP_PORT : 0;
	mask |= key_line(m, "imap_tls") ? PRESET_IMAP_TLS : 0;
	mask |= key_line(m, "smtp_host") ? PRESET_SMTP_HOST : 0;
	mask |= key_line(m, "smtp_port") ? PRESET_SMTP_PORT : 0;
	mask |= key_line(m, "smtp_tls") ? PRESET_SMTP_TLS : 0;
	return mask;
}

static unsigned later(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

/* Presets, derived defaults and the checks that involve more than one key. */
static int finish_account(struct parser *p, struct account *a, const struct section_meta *m,
			  struct err *e)
{
	static const char *const protos[] = { "imap", "smtp" };

	preset_apply(a, set_mask(m));
	if (a->address == NULL)
		return fail(p, m->line, e, "account '%s' has no address", a->name);
	if (a->login == NULL)
		a->login = xstrdup(a->address);
	if (a->imap_host == NULL)
		return fail(p, m->line, e,
			    "account '%s' has no imap_host; set it, or set provider to a known provider",
			    a->name);
	if (a->smtp_host == NULL)
		return fail(p, m->line, e,
			    "account '%s' has no smtp_host; set it, or set provider to a known provider",
			    a->name);
	for (int i = 0; i < 2; i++) {
		enum conf_tls tls = i == 0 ? a->imap_tls : a->smtp_tls;
		char key[16];
		snprintf(key, sizeof key, "%s_tls", protos[i]);
		if (tls == CONF_TLS_NONE && !a->allow_plaintext)
			return fail(p, key_line(m, key), e,
				    "%s = none sends your password in clear text; set allow_plaintext = yes to allow it",
				    key);
	}
	if (a->password != NULL && a->password_command != NULL)
		return fail(p, later(key_line(m, "password"), key_line(m, "password_command")), e,
			    "set either password or password_command, not both");
	if (a->oauth_token_command != NULL) {
		if (a->auth == CONF_AUTH_AUTO)
			a->auth = CONF_AUTH_XOAUTH2;
		if (a->auth != CONF_AUTH_XOAUTH2)
			return fail(p, later(key_line(m, "auth"), key_line(m, "oauth_token_command")), e,
				    "oauth_token_command is only used with auth = xoauth2");
	}
	if (a->auth == CONF_AUTH_XOAUTH2) {
		if (a->oauth_token_command == NULL)
			return fail(p, key_line(m, "auth"), e,
				    "auth = xoauth2 needs oauth_token_command, a command that prints an access token");
		if (a->password != NULL || a->password_command != NULL)
			return fail(p, later(key_line(m, "password"), key_line(m, "password_command")),
				    e, "a password is not used with auth = xoauth2");
	}
	return 0;
}

static char *account_list(const struct config *c)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < c->naccounts; i++)
		strbuf_printf(&b, "%s%s", i > 0 ? ", " : "", c->accounts[i].name);
	return strbuf_detach(&b, NULL);
}

static int finish(struct parser *p, struct err *e)
{
	struct config *c = p->cfg;

	for (size_t i = 0; i < c->naccounts; i++)
		if (finish_account(p, &c->accounts[i], &p->accounts[i], e) != 0)
			return -1;
	if (c->default_account != NULL) {
		size_t i;
		for (i = 0; i < c->naccounts; i++)
			if (strcmp(c->accounts[i].name, c->default_account) == 0)
				break;
		if (i == c->naccounts) {
			char *list = account_list(c);
			fail(p, key_line(&p->general, "default_account"), e,
			     "default_account '%s' names no account (accounts: %s)", c->default_account,
			     *list != '\0' ? list : "none");
			free(list);
			return -1;
		}
	}
	return 0;
}

int config_parse(const char *text, size_t len, const char *name, struct config *out,
		 struct err *e)
{
	struct parser p = { .name = name, .cfg = out, .section = -1 };
	const char *pos = text, *end = text + len;
	int rc = 0;

	memset(out, 0, sizeof *out);
	out->path = xstrdup(name);
	settings_store_defaults(SECTION_GENERAL, out);
	/* A byte order mark some editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos += 3;
	while (pos < end && rc == 0) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n = (size_t)((nl != NULL ? nl : end) - pos);
		p.line++;
		if (memchr(pos, '\0', n) != NULL) {
			rc = fail(&p, p.line, e, "the line contains a NUL byte; is this a text file?");
			break;
		}
		char *line = xstrndup(pos, n);
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = parse_line(&p, line, e);
		explicit_bzero(line, n);
		free(line);
		pos = nl != NULL ? nl + 1 : end;
	}
	if (rc == 0)
		rc = finish(&p, e);

	free(p.general.key_line);
	for (size_t i = 0; i < out->naccounts; i++)
		free(p.accounts[i].key_line);
	free(p.accounts);
	if (rc != 0)
		config_free(out);
	return rc;
}

char *config_default_path(void)
{
	char *dir = paths_config_dir();
	char *path = xasprintf("%s/config", dir);

	free(dir);
	return path;
}

static void add_warning(struct config *c, char *msg)
{
	c->warnings = xreallocarray(c->warnings, c->nwarnings + 1, sizeof *c->warnings);
	c->warnings[c->nwarnings++] = msg;
}

static int read_file(int fd, const char *path, char **text, size_t *len, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	char chunk[8192];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_free(&b);
			return err_set(e, ERR_CONFIG, "cannot read %s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > CONFIG_MAX_SIZE) {
			strbuf_free(&b);
			return err_set(e, ERR_CONFIG, "%s is larger than 1 MiB; is it really a config file?",
				       path);
		}
		strbuf_append(&b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof chunk);
	*text = strbuf_detach(&b, len);
	return 0;
}

int config_load(const char *path, struct config *out, struct err *e)
{
	char *def = path == NULL ? config_default_path() : NULL;
	const char *file = path != NULL ? path : def;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, rc = -1;

	memset(out, 0, sizeof *out);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			err_set(e, ERR_CONFIG, "no config file at %s", file);
			rc = CONFIG_MISSING;
		} else {
			err_set(e, ERR_CONFIG, "cannot open %s: %s", file, strerror(errno));
		}
		free(def);
		return rc;
	}
	if (fstat(fd, &st) != 0)
		err_set(e, ERR_CONFIG, "cannot read %s: %s", file, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		err_set(e, ERR_CONFIG, "%s is not a regular file", file);
	else if (read_file(fd, file, &text, &len, e) == 0)
		rc = config_parse(text, len, file, out, e);
	close(fd);
	if (text != NULL) {
		explicit_bzero(text, len);
		free(text);
	}

	if (rc == 0) {
		int has_password = 0;
		for (size_t i = 0; i < out->naccounts; i++)
			has_password |= out->accounts[i].password != NULL;
		if (has_password && (st.st_mode & (S_IRGRP | S_IROTH)))
			add_warning(out, xasprintf("%s: contains a password and is readable by others; chmod 600 %s",
						   file, file));
		/* The commands in the file run as the user, so whoever can edit it can. */
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			add_warning(out, xasprintf("%s: is writable by others, who could change the commands skua runs; chmod 600 %s",
						   file, file));
	}
	free(def);
	return rc;
}

void config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->naccounts; i++) {
		settings_free_fields(SECTION_ACCOUNT, &c->accounts[i]);
		free(c->accounts[i].name);
	}
	free(c->accounts);
	for (size_t i = 0; i < c->nbinds; i++) {
		free(c->binds[i].screens);
		free(c->binds[i].key);
		free(c->binds[i].action);
	}
	free(c->binds);
	for (size_t i = 0; i < c->ncolors; i++) {
		free(c->colors[i].role);
		free(c->colors[i].fg);
		free(c->colors[i].bg);
	}
	free(c->colors);
	settings_free_fields(SECTION_GENERAL, c);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->path);
	memset(c, 0, sizeof *c);
}

const struct account *config_find_account(const struct config *c, const char *name,
					  struct err *e)
{
	if (c->naccounts == 0) {
		err_set(e, ERR_CONFIG, "%s defines no account; add an [account NAME] section (see skua.conf(5))",
			c->path != NULL ? c->path : "the config file");
		return NULL;
	}
	if (name == NULL)
		name = c->default_account;
	if (name == NULL)
		return &c->accounts[0];
	for (size_t i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	char *list = account_list(c);
	err_set(e, ERR_NOTFOUND, "no account named %s (accounts: %s)", name, list);
	free(list);
	return NULL;
}
