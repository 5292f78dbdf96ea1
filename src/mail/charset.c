/* Conversion of message text in any declared (or mislabelled, or missing)
 * charset to valid UTF-8, through iconv with a table of common aliases. */
#include "mail/charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

enum cs_kind {
	CS_ICONV,   /* hand the (mapped) name to iconv */
	CS_UTF8,
	CS_ASCII,   /* us-ascii: often really UTF-8 or windows-1252 */
	CS_GUESS,   /* no usable label */
};

struct cs_alias {
	const char *label;
	enum cs_kind kind;
	const char *iconv_name;
};

/* Labels seen in real mail, mapped the way browsers (WHATWG Encoding) do:
 * the Latin-1 family and Shift_JIS/GB2312/EUC-KR are read as their Microsoft
 * supersets, because mail labelled with the former is usually the latter. */
static const struct cs_alias aliases[] = {
	{ "utf-8", CS_UTF8, NULL },
	{ "utf8", CS_UTF8, NULL },
	{ "unicode-1-1-utf-8", CS_UTF8, NULL },
	{ "x-unicode20utf8", CS_UTF8, NULL },
	{ "us-ascii", CS_ASCII, NULL },
	{ "ascii", CS_ASCII, NULL },
	{ "us_ascii", CS_ASCII, NULL },
	{ "ansi_x3.4-1968", CS_ASCII, NULL },
	{ "iso646-us", CS_ASCII, NULL },
	{ "646", CS_ASCII, NULL },
	{ "iso-8859-1", CS_ICONV, "WINDOWS-1252" },
	{ "iso8859-1", CS_ICONV, "WINDOWS-1252" },
	{ "iso_8859-1", CS_ICONV, "WINDOWS-1252" },
	{ "iso88591", CS_ICONV, "WINDOWS-1252" },
	{ "8859-1", CS_ICONV, "WINDOWS-1252" },
	{ "latin1", CS_ICONV, "WINDOWS-1252" },
	{ "latin-1", CS_ICONV, "WINDOWS-1252" },
	{ "l1", CS_ICONV, "WINDOWS-1252" },
	{ "iso-ir-100", CS_ICONV, "WINDOWS-1252" },
	{ "ibm819", CS_ICONV, "WINDOWS-1252" },
	{ "cp819", CS_ICONV, "WINDOWS-1252" },
	{ "cp1252", CS_ICONV, "WINDOWS-1252" },
	{ "windows-1252", CS_ICONV, "WINDOWS-1252" },
	{ "x-cp1252", CS_ICONV, "WINDOWS-1252" },
	{ "win-1252", CS_ICONV, "WINDOWS-1252" },
	{ "iso-8859-9", CS_ICONV, "WINDOWS-1254" },
	{ "latin5", CS_ICONV, "WINDOWS-1254" },
	{ "iso-8859-11", CS_ICONV, "CP874" },
	{ "tis-620", CS_ICONV, "CP874" },
	{ "windows-874", CS_ICONV, "CP874" },
	{ "iso-8859-8-i", CS_ICONV, "ISO-8859-8" },
	{ "iso-8859-6-i", CS_ICONV, "ISO-8859-6" },
	{ "iso-8859-6-e", CS_ICONV, "ISO-8859-6" },
	{ "shift_jis", CS_ICONV, "CP932" },
	{ "shift-jis", CS_ICONV, "CP932" },
	{ "sjis", CS_ICONV, "CP932" },
	{ "x-sjis", CS_ICONV, "CP932" },
	{ "ms_kanji", CS_ICONV, "CP932" },
	{ "csshiftjis", CS_ICONV, "CP932" },
	{ "windows-31j", CS_ICONV, "CP932" },
	{ "ms932", CS_ICONV, "CP932" },
	{ "gb2312", CS_ICONV, "GB18030" },
	{ "gb_2312-80", CS_ICONV, "GB18030" },
	{ "csgb2312", CS_ICONV, "GB18030" },
	{ "euc-cn", CS_ICONV, "GB18030" },
	{ "gbk", CS_ICONV, "GB18030" },
	{ "x-gbk", CS_ICONV, "GB18030" },
	{ "cp936", CS_ICONV, "GB18030" },
	{ "chinese", CS_ICONV, "GB18030" },
	{ "euc-kr", CS_ICONV, "CP949" },
	{ "ks_c_5601-1987", CS_ICONV, "CP949" },
	{ "ks_c_5601", CS_ICONV, "CP949" },
	{ "ksc5601", CS_ICONV, "CP949" },
	{ "korean", CS_ICONV, "CP949" },
	{ "windows-949", CS_ICONV, "CP949" },
	{ "big5", CS_ICONV, "BIG5-HKSCS" },
	{ "x-mac-roman", CS_ICONV, "MACINTOSH" },
	{ "macintosh", CS_ICONV, "MACINTOSH" },
	{ "x-unknown", CS_GUESS, NULL },
	{ "unknown", CS_GUESS, NULL },
	{ "unknown-8bit", CS_GUESS, NULL },
	{ "x-unknown-8bit", CS_GUESS, NULL },
	{ "x-user-defined", CS_GUESS, NULL },
	{ "default", CS_GUESS, NULL },
	{ "none", CS_GUESS, NULL },
	{ "8bit", CS_GUESS, NULL },
	{ "7bit", CS_GUESS, NULL },
};

int charset_is_utf8(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_decode(p + i, len - i, NULL);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int has_8bit(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80)
			return 1;
	return 0;
}

/* Invalid bytes and NUL (which would cut C strings short) become U+FFFD. */
static void utf8_sanitize(struct strbuf *b, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;

	strbuf_grow(b, len);
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			cp = UTF8_REPLACEMENT;
			n = 1;
		}
		utf8_put(b, cp);
		i += n;
	}
}

/* Open conversions, a few per thread: glibc loads a charset's module at
 * iconv_open and unloads it at the last iconv_close, so opening one per
 * header would map and unmap a shared object for every message of a folder
 * (most of the time of listing one, measured). A descriptor is used by one
 * thread at a time, hence per thread. */
#define CD_CACHE_SIZE 8

struct cd_cache {
	struct {
		char name[48];
		iconv_t cd;
	} slot[CD_CACHE_SIZE];
	unsigned next;   /* the slot to reuse when all are taken */
};

static pthread_key_t cd_key;
static pthread_once_t cd_once = PTHREAD_ONCE_INIT;

static void cd_cache_free(void *p)
{
	struct cd_cache *c = p;

	for (size_t i = 0; i < CD_CACHE_SIZE; i++)
		if (c->slot[i].name[0] != '\0')
			iconv_close(c->slot[i].cd);
	free(c);
}

static void cd_key_init(void)
{
	if (pthread_key_create(&cd_key, cd_cache_free) != 0)
		abort();
}

/* A descriptor from the charset named from to UTF-8, in its initial state; owned by the
 * thread's cache. (iconv_t)-1 if iconv does not know the charset. */
static iconv_t cd_get(const char *from)
{
	struct cd_cache *c;
	size_t i;

	pthread_once(&cd_once, cd_key_init);
	c = pthread_getspecific(cd_key);
	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		pthread_setspecific(cd_key, c);
	}
	/* No charset has a name this long: it is no charset iconv knows. */
	if (strlen(from) >= sizeof c->slot[0].name)
		return (iconv_t)-1;
	for (i = 0; i < CD_CACHE_SIZE; i++) {
		if (strcmp(c->slot[i].name, from) == 0) {
			iconv(c->slot[i].cd, NULL, NULL, NULL, NULL);
			return c->slot[i].cd;
		}
	}
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return cd;
	for (i = 0; i < CD_CACHE_SIZE && c->slot[i].name[0] != '\0'; i++)
		;
	if (i == CD_CACHE_SIZE) {
		i = c->next++ % CD_CACHE_SIZE;
		iconv_close(c->slot[i].cd);
	}
	snprintf(c->slot[i].name, sizeof c->slot[i].name, "%s", from);
	c->slot[i].cd = cd;
	return cd;
}

/* Converts with iconv; 0, or -1 if iconv does not know the charset. */
static int iconv_convert(struct strbuf *b, const char *from, const char *data, size_t len)
{
	iconv_t cd = cd_get(from);
	if (cd == (iconv_t)-1)
		return -1;

	char *in = (char *)data;
	size_t inleft = len;
	char out[4096];

	strbuf_grow(b, len + len / 2);
	for (;;) {
		char *op = out;
		size_t outleft = sizeof out;
		size_t r = inleft ? iconv(cd, &in, &inleft, &op, &outleft)
				  : iconv(cd, NULL, NULL, &op, &outleft);
		int saved = errno;
		/* iconv's output is valid UTF-8, but a NUL would cut C strings short */
		for (char *q = out; q < op;) {
			char *nul = memchr(q, '\0', (size_t)(op - q));
			strbuf_append(b, q, (size_t)((nul ? nul : op) - q));
			if (nul == NULL)
				break;
			utf8_put(b, UTF8_REPLACEMENT);
			q = nul + 1;
		}
		if (r != (size_t)-1) {
			if (inleft == 0 && in != NULL) {
				/* one more round flushes a stateful decoder */
				in = NULL;
				continue;
			}
			break;
		}
		if (saved == E2BIG)
			continue;
		if (saved == EILSEQ && inleft > 0) {
			utf8_put(b, UTF8_REPLACEMENT);
			in++;
			inleft--;
			continue;
		}
		if (saved == EINVAL)
			utf8_put(b, UTF8_REPLACEMENT);
		/* truncated input, or an error iconv does not document: stop here */
		if (inleft == 0 || saved == EINVAL)
			break;
		in++;
		inleft--;
	}
	return 0;
}

/* Label cleaned of quotes, blanks and RFC 2231 language suffixes, lower case;
 * "" if it holds characters no charset name has. */
static void clean_label(const char *label, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	if (label == NULL)
		return;
	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	for (; *label && *label != '*'; label++) {
		unsigned char c = (unsigned char)*label;
		if (c == '"' || c == '\'' || c == ' ' || c == '\t')
			break;
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' ||
		      c == '(' || c == ')')) {
			out[0] = '\0';
			return;
		}
		if (n + 1 >= outsz) {
			out[0] = '\0';
			return;
		}
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
}

static void convert_guess(struct strbuf *b, const char *data, size_t len)
{
	if (charset_is_utf8(data, len) || iconv_convert(b, "WINDOWS-1252", data, len) < 0)
		utf8_sanitize(b, data, len);
}

char *charset_to_utf8(const char *charset, const char *data, size_t len, size_t *out_len)
{
	struct strbuf b = STRBUF_INIT;
	char label[64];
	enum cs_kind kind = CS_GUESS;
	const char *name = NULL;

	clean_label(charset, label, sizeof label);
	if (label[0] != '\0') {
		kind = CS_ICONV;
		name = label;
		for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
			if (strcmp(aliases[i].label, label) == 0) {
				kind = aliases[i].kind;
				name = aliases[i].iconv_name;
				break;
			}
		}
	}

	switch (kind) {
	case CS_UTF8:
		utf8_sanitize(&b, data, len);
		break;
	case CS_ASCII:
		if (!has_8bit(data, len))
			utf8_sanitize(&b, data, len);
		else
			convert_guess(&b, data, len);
		break;
	case CS_ICONV:
		if (iconv_convert(&b, name, data, len) == 0)
			break;
		/* "x-foo" is sometimes a private name for the known "foo" */
		if (strncmp(name, "x-", 2) == 0 && iconv_convert(&b, name + 2, data, len) == 0)
			break;
		convert_guess(&b, data, len);
		break;
	case CS_GUESS:
		convert_guess(&b, data, len);
		break;
	}
	return strbuf_detach(&b, out_len);
}
