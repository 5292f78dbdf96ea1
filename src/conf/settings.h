/* The table of every config key: the parser, the unknown-key suggestions, the
 * settings listing and the man page check all follow it. */
#ifndef SKUA_CONF_SETTINGS_H
#define SKUA_CONF_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

enum setting_section {
	SECTION_GENERAL, /* [general] -> struct config */
	SECTION_ACCOUNT, /* [account NAME] -> struct account */
};

enum setting_type {
	SETTING_STRING,
	SETTING_PATH,     /* "~/" expanded */
	SETTING_COMMAND,  /* run by /bin/sh -c */
	SETTING_ADDRESS,  /* user@domain */
	SETTING_HOST,
	SETTING_ACCOUNT_NAME, /* the name of an [account NAME] section */
	SETTING_BOOL,
	SETTING_PORT,     /* 1-65535 */
	SETTING_SECONDS,  /* SETTING_SECONDS_MIN to SETTING_SECONDS_MAX */
	SETTING_TLS,
	SETTING_AUTH,
	SETTING_PROVIDER,
	SETTING_WATCH,    /* auto|notify|idle|poll */
	SETTING_RESYNC,   /* auto|qresync|condstore|full */
	SETTING_MEGABYTES, /* 0 to SETTING_MEGABYTES_MAX */
};

#define SETTING_SECONDS_MIN 1
#define SETTING_SECONDS_MAX 3600
#define SETTING_MEGABYTES_MAX 100000

struct setting {
	enum setting_section section;
	const char *key;
	enum setting_type type;
	size_t offset;       /* of the field in struct config or struct account */
	const char *def;     /* default, parsed like a value from the file; NULL: none or derived */
	const char *def_doc; /* for the listing when def is NULL: how the value is derived */
	const char *help;    /* one line */
};

extern const struct setting settings_table[];
extern const size_t settings_count;

/* Keys compare case-insensitively. NULL when the section has no such key. */
const struct setting *settings_find(enum setting_section section, const char *key);
/* The key of the section closest in spelling to key, or NULL when none is
 * close enough to be a plausible typo. */
const struct setting *settings_closest(enum setting_section section, const char *key);

/* Parses value for s and stores it in the struct at base (struct config or
 * struct account), replacing (and freeing) an earlier string. On a bad value
 * returns -1 with ERR_CONFIG "bad value 'V' for KEY: expected ...". */
int settings_store(const struct setting *s, const char *value, void *base, struct err *e);
/* Stores every literal default of the section into base. Cannot fail: the
 * defaults are checked by the unit tests. */
void settings_store_defaults(enum setting_section section, void *base);
/* Frees the strings the table's keys point to in base; zeroes their fields. */
void settings_free_fields(enum setting_section section, void *base);

const char *settings_section_name(enum setting_section section);
/* "yes|no", "implicit|starttls|none", "port", "path"... for listings. */
const char *settings_type_name(enum setting_type type);

/* Prints the table as text, one key per paragraph: section, key, type,
 * default and help, e.g. for a `skua` option that lists the settings. */
void settings_print(FILE *out);

#endif
