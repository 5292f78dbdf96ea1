/* Writes a first config file for one account (the first-run screen), safely:
 * only values the parser accepts back, mode 0600, never over an existing file. */
#include "conf/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/preset.h"
#include "conf/settings.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int needs_quotes(const char *v)
{
	size_t n = strlen(v);

	return n == 0 || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t' ||
	       strpbrk(v, "#\"\\") != NULL;
}

static void put(struct strbuf *b, const char *key, const char *value)
{
	strbuf_printf(b, "%s = ", key);
	if (!needs_quotes(value)) {
		strbuf_appends(b, value);
	} else {
		strbuf_appendc(b, '"');
		for (const char *p = value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_appendc(b, '\\');
			strbuf_appendc(b, *p);
		}
		strbuf_appendc(b, '"');
	}
	strbuf_appendc(b, '\n');
}

/* The value of s in the struct at base as the file would spell it; NULL when
 * a string is unset. buf holds numbers. */
static const char *value_text(const struct setting *s, const void *base, char *buf,
			      size_t size)
{
	const void *field = (const char *)base + s->offset;

	switch (s->type) {
	case SETTING_BOOL: return *(const int *)field ? "yes" : "no";
	case SETTING_PORT: snprintf(buf, size, "%u", (unsigned)*(const uint16_t *)field); return buf;
	case SETTING_SECONDS: snprintf(buf, size, "%d", *(const int *)field); return buf;
	case SETTING_TLS: return account_tls_name(*(const enum conf_tls *)field);
	case SETTING_AUTH: return account_auth_name(*(const enum conf_auth *)field);
	case SETTING_PROVIDER: return account_provider_name(*(const enum conf_provider *)field);
	default: return *(char *const *)field;
	}
}

static int has_control(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < ' ' || *v == 0x7f)
			return 1;
	return 0;
}

/* What the parser would fill in for a if the file named only its provider
 * and address: the keys equal to it need not be written. */
static void baseline(const struct account *a, struct account *base)
{
	struct account d = { .provider = a->provider };
	unsigned mask = 0;

	preset_apply(&d, 0);
	mask |= a->imap_tls != d.imap_tls ? PRESET_IMAP_TLS : 0;
	mask |= a->smtp_tls != d.smtp_tls ? PRESET_SMTP_TLS : 0;
	settings_free_fields(SECTION_ACCOUNT, &d);

	memset(base, 0, sizeof *base);
	settings_store_defaults(SECTION_ACCOUNT, base);
	base->provider = a->provider;
	base->imap_tls = a->imap_tls;
	base->smtp_tls = a->smtp_tls;
	preset_apply(base, mask);
	/* The ports follow a's TLS modes, but the modes themselves are written
	 * when they differ from the preset's, and so is the provider. */
	base->imap_tls = d.imap_tls;
	base->smtp_tls = d.smtp_tls;
	base->provider = CONF_PROVIDER_CUSTOM;
	base->login = a->address != NULL ? xstrdup(a->address) : NULL;
	if (a->oauth_token_command != NULL && a->auth == CONF_AUTH_XOAUTH2)
		base->auth = CONF_AUTH_XOAUTH2;
}

static int render(const struct account *a, int with_password, struct strbuf *b, struct err *e)
{
	struct account base;
	char num_a[16], num_b[16];
	int rc = 0;

	if (a->name == NULL || has_control(a->name))
		return err_set(e, ERR_CONFIG, "the account needs a name without control characters");
	strbuf_appends(b, "# skua configuration; see skua.conf(5) for every key.\n\n");
	strbuf_printf(b, "[general]\ndefault_account = %s\n\n[account %s]\n", a->name, a->name);
	baseline(a, &base);
	for (size_t i = 0; i < settings_count && rc == 0; i++) {
		const struct setting *s = &settings_table[i];
		if (s->section != SECTION_ACCOUNT)
			continue;
		if (!with_password && strcmp(s->key, "password") == 0)
			continue;
		const char *va = value_text(s, a, num_a, sizeof num_a);
		const char *vb = value_text(s, &base, num_b, sizeof num_b);
		if (va == NULL || (vb != NULL && strcmp(va, vb) == 0))
			continue;
		if (has_control(va))
			rc = err_set(e, ERR_CONFIG, "the value of %s contains a control character", s->key);
		else
			put(b, s->key, va);
	}
	settings_free_fields(SECTION_ACCOUNT, &base);
	return rc;
}

/* Moves tmp to path unless path exists, atomically. */
static int place(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	/* File systems without RENAME_NOREPLACE still refuse to link over a file. */
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

static int write_file(const char *path, const struct strbuf *text, struct err *e)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd, rc = 0;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = err_set(e, ERR_IO, "cannot create a file next to %s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	if (fchmod(fd, 0600) != 0 || fileio_write_all(fd, text->s, text->len) != 0 || fsync(fd) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	if (rc == 0 && place(tmp, path) != 0) {
		if (errno == EEXIST)
			rc = err_set(e, ERR_IO, "%s already exists; not replacing it", path);
		else
			rc = err_set(e, ERR_IO, "cannot create %s: %s", path, strerror(errno));
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int config_write_account(const char *path, const struct account *a, int with_password,
			 struct err *e)
{
	char *def = path == NULL ? config_default_path() : NULL;
	const char *file = path != NULL ? path : def;
	struct strbuf text = STRBUF_INIT;
	struct config check;
	struct stat st;
	int rc = -1;

	if (lstat(file, &st) == 0) {
		err_set(e, ERR_IO, "%s already exists; not replacing it", file);
		goto out;
	}
	if (render(a, with_password, &text, e) != 0)
		goto out;
	/* What is written must load: the parser is the judge of every value. */
	if (config_parse(text.s, text.len, file, &check, e) != 0) {
		err_prefix(e, "the new config would not load");
		goto out;
	}
	config_free(&check);

	rc = paths_mkdir_parent(file, 0700, e);
	if (rc == 0)
		rc = write_file(file, &text, e);
out:
	if (text.s != NULL)
		explicit_bzero(text.s, text.len);
	strbuf_free(&text);
	free(def);
	return rc;
}
