/* Conversion of message text in any declared (or mislabelled, or missing)
 * charset to valid UTF-8, through iconv with a table of common aliases. */
#include "mail/charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
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

/* Converts with iconv; 0, or -1 if iconv does not know the charset. */
static int iconv_convert(struct strbuf *b, const char *from, const char *data, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", from);
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
		for (char *q = out; q < op; q++) {
			if (*q == '\0')
				utf8_put(b, UTF8_REPLACEMENT);
			else
				strbuf_appendc(b, *q);
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
	iconv_close(cd);
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
