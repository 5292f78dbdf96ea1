/* The address book: entries in memory, the file appended to as they come. */
#include "app/addrbook.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/address.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/xalloc.h"

struct addr_entry {
	char *name;       /* "" when none */
	char *addr;
	unsigned uses;
};

struct addrbook {
	char *path;       /* NULL: not kept in a file */
	struct addr_entry *e;
	size_t n, cap;
};

char *addrbook_default_path(void)
{
	char *dir = paths_state_dir();
	char *path = xasprintf("%s/addresses", dir);

	free(dir);
	return path;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int same_addr(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int starts_with(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (*s == '\0' || ascii_lower((unsigned char)*s) != ascii_lower((unsigned char)*prefix))
			return 0;
	return 1;
}

/* A name without line breaks or other control characters: one line each. */
static char *clean_name(const char *name)
{
	char *c = xstrdup(name != NULL ? name : "");

	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

static struct addr_entry *find(struct addrbook *b, const char *addr)
{
	for (size_t i = 0; i < b->n; i++)
		if (same_addr(b->e[i].addr, addr))
			return &b->e[i];
	return NULL;
}

/* Adds or updates one address; 1 if it was new or gained a name. */
static int add_one(struct addrbook *b, const char *name, const char *addr)
{
	struct addr_entry *x = find(b, addr);

	if (x != NULL) {
		x->uses++;
		if (*x->name == '\0' && name != NULL && *name != '\0') {
			free(x->name);
			x->name = clean_name(name);
			return 1;
		}
		return 0;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->e = xreallocarray(b->e, b->cap, sizeof *b->e);
	}
	b->e[b->n++] = (struct addr_entry){ clean_name(name), xstrdup(addr), 1 };
	return 1;
}

static void append_line(const struct addrbook *b, const struct addr_entry *x)
{
	struct err e = { ERR_NONE, "" };
	struct mail_address a = { x->name, x->addr };
	char *line, *text;
	int fd;

	if (b->path == NULL || paths_mkdir_parent(b->path, 0700, &e) != 0)
		return;
	fd = open(b->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	text = mail_address_format(&a);
	line = xasprintf("%s\n", text);
	/* A lost line costs a completion, nothing more: no error to show. */
	(void)fileio_write_all(fd, line, strlen(line));
	close(fd);
	free(line);
	free(text);
}

static void add_list(struct addrbook *b, const char *list, int save)
{
	struct mail_address *a = NULL;
	long n;

	if (list == NULL || *list == '\0')
		return;
	n = mail_address_list_parse(list, &a, NULL);
	for (long i = 0; i < n; i++) {
		if (a[i].addr == NULL || strchr(a[i].addr, '@') == NULL)
			continue;
		if (add_one(b, a[i].name, a[i].addr) && save)
			append_line(b, find(b, a[i].addr));
	}
	if (n > 0)
		mail_addresses_free(a, (size_t)n);
}

struct addrbook *addrbook_load(const char *path)
{
	struct addrbook *b = xcalloc(1, sizeof *b);
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	b->path = path != NULL ? xstrdup(path) : NULL;
	f = path != NULL ? fopen(path, "r") : NULL;
	if (f == NULL)
		return b;
	while (getline(&line, &cap, f) > 0)
		add_list(b, line, 0);
	free(line);
	fclose(f);
	/* Loading counted each line once; use counts start from here. */
	for (size_t i = 0; i < b->n; i++)
		b->e[i].uses = 0;
	return b;
}

void addrbook_free(struct addrbook *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].name);
		free(b->e[i].addr);
	}
	free(b->e);
	free(b->path);
	free(b);
}

void addrbook_add_list(struct addrbook *b, const char *list)
{
	add_list(b, list, 1);
}

size_t addrbook_count(const struct addrbook *b)
{
	return b->n;
}

static int matches(const struct addr_entry *x, const char *word)
{
	const char *p = x->name;

	if (starts_with(x->addr, word))
		return 1;
	while (*p) {
		if (starts_with(p, word))
			return 1;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static int by_use(const void *pa, const void *pb)
{
	const struct addr_entry *a = *(const struct addr_entry *const *)pa;
	const struct addr_entry *b = *(const struct addr_entry *const *)pb;

	if (a->uses != b->uses)
		return a->uses > b->uses ? -1 : 1;
	return strcmp(a->addr, b->addr);
}

char *addrbook_complete(const struct addrbook *b, const char *word, size_t nth)
{
	const struct addr_entry **hits;
	size_t n = 0;
	char *out = NULL;

	while (*word == ' ')
		word++;
	if (*word == '\0' || b->n == 0)
		return NULL;
	hits = xreallocarray(NULL, b->n, sizeof *hits);
	for (size_t i = 0; i < b->n; i++)
		if (matches(&b->e[i], word))
			hits[n++] = &b->e[i];
	if (nth < n) {
		qsort(hits, n, sizeof *hits, by_use);
		struct mail_address a = { hits[nth]->name, hits[nth]->addr };
		out = mail_address_format(&a);
	}
	free(hits);
	return out;
}
