/* RFC 2047 encoded words (decoding received headers, encoding outgoing ones)
 * and RFC 2231 extended parameter values. */
#include "mail/mime_words.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"
#include "mail/mime_transfer.h"
#include "util/base64.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define WORD_MAX 75          /* RFC 2047: an encoded word is at most 75 characters */
#define LINE_SOFT_MAX 78     /* RFC 5322: lines SHOULD stay within 78 characters */
#define LONG_WORD 900        /* a plain word this long is encoded so it can be folded */

struct enc_word {
	const char *charset;
	size_t charset_len;
	char enc;             /* 'Q' or 'B' */
	const char *text;
	size_t text_len;
	size_t total;         /* length of the whole "=?...?=" */
};

/* Recognizes "=?charset?Q?text?=" at p; 0 if it is not a well-formed word
 * (then it stays as literal text). */
static int parse_word(const char *p, struct enc_word *w)
{
	if (p[0] != '=' || p[1] != '?')
		return 0;
	const char *cs = p + 2;
	const char *q = cs;
	while (*q && *q != '?' && (unsigned char)*q > ' ' && (unsigned char)*q < 0x7f)
		q++;
	if (*q != '?' || q == cs || q - cs > 64)
		return 0;
	char enc = (char)toupper((unsigned char)q[1]);
	if ((enc != 'Q' && enc != 'B') || q[2] != '?')
		return 0;
	const char *t = q + 3;
	const char *e = t;
	while (*e && !(e[0] == '?' && e[1] == '=')) {
		if ((unsigned char)*e <= ' ' || (unsigned char)*e >= 0x7f || *e == '?')
			return 0;
		e++;
	}
	if (*e == '\0')
		return 0;
	w->charset = cs;
	w->charset_len = (size_t)(q - cs);
	w->enc = enc;
	w->text = t;
	w->text_len = (size_t)(e - t);
	w->total = (size_t)(e + 2 - p);
	return 1;
}

/* The byte that the escape (=XX, %XX) at s[i] stands for, or -1 when the two
 * hex digits are not both there within n. */
static int hex_escape(const char *s, size_t i, size_t n)
{
	if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
		return -1;
	char hex[3] = { s[i + 1], s[i + 2], '\0' };
	return (int)strtol(hex, NULL, 16);
}

static void decode_q(struct strbuf *out, const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int b;
		if (t[i] == '_') {
			strbuf_appendc(out, ' ');
		} else if (t[i] == '=' && (b = hex_escape(t, i, n)) >= 0) {
			strbuf_appendc(out, (char)b);
			i += 2;
		} else {
			strbuf_appendc(out, t[i]);
		}
	}
}

/* Pending bytes of adjacent encoded words in one charset: converted together,
 * so that a character split across two words comes out whole. */
struct pending {
	char charset[65];
	struct strbuf bytes;
	int active;
};

static void pending_flush(struct pending *pd, struct strbuf *out)
{
	if (!pd->active)
		return;
	size_t n;
	char *u = charset_to_utf8(pd->charset, pd->bytes.s ? pd->bytes.s : "", pd->bytes.len, &n);
	strbuf_append(out, u, n);
	free(u);
	strbuf_reset(&pd->bytes);
	pd->active = 0;
}

static void pending_add(struct pending *pd, struct strbuf *out, const struct enc_word *w)
{
	char cs[65];
	size_t n = w->charset_len;

	memcpy(cs, w->charset, n);
	cs[n] = '\0';
	/* RFC 2231 adds a language: "utf-8*en" */
	char *star = strchr(cs, '*');
	if (star)
		*star = '\0';
	if (pd->active && strcasecmp(pd->charset, cs) != 0)
		pending_flush(pd, out);
	if (!pd->active) {
		strcpy(pd->charset, cs);
		pd->active = 1;
	}
	if (w->enc == 'B')
		mime_base64_decode(&pd->bytes, w->text, w->text_len);
	else
		decode_q(&pd->bytes, w->text, w->text_len);
}

/* Literal header text: UTF-8 if it is valid, else taken as ISO-8859-1. */
static void append_raw(struct strbuf *out, const char *s, size_t n)
{
	if (n == 0)
		return;
	size_t m;
	char *u = charset_to_utf8(charset_is_utf8(s, n) ? "utf-8" : "iso-8859-1", s, n, &m);
	strbuf_append(out, u, m);
	free(u);
}

/* RFC 5322 unfolding: a line break followed by a blank disappears; a bare
 * one (never legal inside a value) becomes a space. */
static char *unfold(const char *text)
{
	struct strbuf b = STRBUF_INIT;

	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (p[1] != ' ' && p[1] != '\t')
				strbuf_appendc(&b, ' ');
			continue;
		}
		strbuf_appendc(&b, *p);
	}
	return strbuf_detach(&b, NULL);
}

/* Whether decoding would give text back unchanged: no line break to
 * unfold, nothing that may start an encoded word, valid UTF-8 already. Most
 * headers of a folder are such, and copying them costs a tenth of decoding
 * them byte by byte. */
static int plain_header(const char *text)
{
	size_t n = 0;
	int ascii = 1;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++, n++) {
		if (*p == '\r' || *p == '\n' || (*p == '=' && p[1] == '?'))
			return 0;
		if (*p >= 0x80)
			ascii = 0;
	}
	return ascii || charset_is_utf8(text, n);
}

char *mime_words_decode(const char *text)
{
	if (plain_header(text ? text : ""))
		return xstrdup(text ? text : "");
	struct strbuf out = STRBUF_INIT;
	struct pending pd = { .bytes = STRBUF_INIT, .active = 0 };
	char *s = unfold(text ? text : "");
	const char *p = s;
	const char *raw = p;     /* start of literal text not yet copied */
	int after_word = 0;

	while (*p) {
		struct enc_word w;
		if (after_word && (*p == ' ' || *p == '\t')) {
			/* blanks between two encoded words are not part of the text */
			const char *q = p;
			while (*q == ' ' || *q == '\t')
				q++;
			if (parse_word(q, &w)) {
				p = q;
				raw = p;
			} else {
				after_word = 0;
				continue;
			}
		}
		if (p[0] == '=' && p[1] == '?' && parse_word(p, &w)) {
			if (!after_word) {
				pending_flush(&pd, &out);
				append_raw(&out, raw, (size_t)(p - raw));
			}
			pending_add(&pd, &out, &w);
			p += w.total;
			raw = p;
			after_word = 1;
			continue;
		}
		if (after_word) {
			pending_flush(&pd, &out);
			after_word = 0;
		}
		p++;
	}
	pending_flush(&pd, &out);
	append_raw(&out, raw, (size_t)(p - raw));
	strbuf_free(&pd.bytes);
	free(s);
	return strbuf_detach(&out, NULL);
}

/* Characters that may stay literal inside a Q word in any header position
 * (RFC 2047 section 5 (3), the strictest rule). */
static int q_safe(unsigned char c)
{
	return isalnum(c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* The text is valid UTF-8 already (see clean_value); a stray byte counts alone. */
static size_t utf8_char_len(const unsigned char *p, size_t n)
{
	size_t k = utf8_decode(p, n, NULL);

	return k > 0 ? k : 1;
}

/* Appends the UTF-8 text as encoded words separated by single spaces, each at
 * most WORD_MAX characters (the first at most first_max, to fit the rest of a
 * header's first line) and never splitting a character. */
static void encode_words(struct strbuf *out, const char *s, size_t n, size_t first_max)
{
	static const char hex[] = "0123456789ABCDEF";
	const size_t overhead = (sizeof "=?UTF-8?Q?" - 1) + 2;
	size_t qlen = 0;

	if (first_max > WORD_MAX || first_max < overhead + 8)
		first_max = WORD_MAX;

	for (size_t i = 0; i < n; i++)
		qlen += q_safe((unsigned char)s[i]) || s[i] == ' ' ? 1 : 3;
	int use_b = qlen > (n + 2) / 3 * 4;

	size_t i = 0;
	int first = 1;
	while (i < n) {
		struct strbuf chunk = STRBUF_INIT;
		size_t start = i, used = 0;
		size_t room = (first ? first_max : WORD_MAX) - overhead;
		while (i < n) {
			size_t k = utf8_char_len((const unsigned char *)s + i, n - i);
			size_t cost = 0;
			if (use_b) {
				cost = (i + k - start + 2) / 3 * 4;
				if (cost > room)
					break;
			} else {
				for (size_t j = 0; j < k; j++)
					cost += q_safe((unsigned char)s[i + j]) || s[i + j] == ' ' ? 1 : 3;
				if (used + cost > room)
					break;
				for (size_t j = 0; j < k; j++) {
					unsigned char c = (unsigned char)s[i + j];
					if (c == ' ') {
						strbuf_appendc(&chunk, '_');
					} else if (q_safe(c)) {
						strbuf_appendc(&chunk, (char)c);
					} else {
						char t[3] = { '=', hex[c >> 4], hex[c & 15] };
						strbuf_append(&chunk, t, 3);
					}
				}
				used += cost;
			}
			i += k;
		}
		if (i == start) /* cannot happen with room >= 8, but never loop forever */
			i += utf8_char_len((const unsigned char *)s + i, n - i);
		if (!first)
			strbuf_appendc(out, ' ');
		first = 0;
		if (use_b) {
			strbuf_appends(out, "=?UTF-8?B?");
			base64_append(out, s + start, i - start);
		} else {
			strbuf_appends(out, "=?UTF-8?Q?");
			strbuf_append(out, chunk.s ? chunk.s : "", chunk.len);
		}
		strbuf_appends(out, "?=");
		strbuf_free(&chunk);
	}
}

static int needs_encoding(const char *w, size_t n)
{
	if (n > LONG_WORD)
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c >= 0x80 || c < 0x20 || c == 0x7f)
			return 1;
		if (c == '=' && i + 1 < n && w[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* Valid UTF-8 with every control (CR and LF included: they would start a new
 * header) turned into a space. */
static char *clean_value(const char *utf8)
{
	size_t n;
	const char *in = utf8 ? utf8 : "";
	char *s = charset_to_utf8("utf-8", in, strlen(in), &n);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
	return s;
}

struct unit {
	const char *sep;      /* blanks before the unit (may be "") */
	size_t sep_len;
	char *text;
};

char *mime_words_encode(const char *utf8, const char *header_name)
{
	char *s = clean_value(utf8);
	size_t n = strlen(s);
	struct unit *units = NULL;
	size_t nunits = 0, cap = 0;
	size_t i = 0;
	const size_t col0 = strlen(header_name ? header_name : "") + 2;

	/* split into units: plain words, and runs of words that need encoding
	 * (one run may become several encoded words) */
	while (i < n) {
		size_t sep_start = i;
		while (i < n && s[i] == ' ')
			i++;
		if (i == n) {
			/* trailing blanks are kept as a unit of their own */
			if (nunits == cap)
				units = xreallocarray(units, cap = cap ? cap * 2 : 8, sizeof *units);
			units[nunits++] = (struct unit){ s + sep_start, i - sep_start, xstrdup("") };
			break;
		}
		size_t w0 = i;
		while (i < n && s[i] != ' ')
			i++;
		struct strbuf t = STRBUF_INIT;
		if (needs_encoding(s + w0, i - w0)) {
			/* extend the run over following words that need encoding too */
			size_t end = i;
			for (;;) {
				size_t j = end;
				while (j < n && s[j] == ' ')
					j++;
				size_t k = j;
				while (k < n && s[k] != ' ')
					k++;
				if (k == j || !needs_encoding(s + j, k - j))
					break;
				end = k;
			}
			/* the first word of the value has to fit on the header's line */
			size_t first_max = nunits == 0 ? LINE_SOFT_MAX - col0 - (w0 - sep_start) : WORD_MAX;
			encode_words(&t, s + w0, end - w0, first_max);
			i = end;
		} else {
			strbuf_append(&t, s + w0, i - w0);
		}
		if (nunits == cap)
			units = xreallocarray(units, cap = cap ? cap * 2 : 8, sizeof *units);
		units[nunits++] = (struct unit){ s + sep_start, w0 - sep_start, strbuf_detach(&t, NULL) };
	}

	/* fold: an encoded run holds its own spaces between words, which are
	 * folding points as well */
	struct strbuf out = STRBUF_INIT;
	size_t col = col0;
	for (size_t u = 0; u < nunits; u++) {
		const char *sep = units[u].sep;
		size_t sep_len = units[u].sep_len;
		const char *t = units[u].text;
		while (*t || sep_len) {
			const char *sp = strchr(t, ' ');
			size_t tl = sp && strncmp(t, "=?", 2) == 0 ? (size_t)(sp - t) : strlen(t);
			if (sep_len > 0 && tl > 0 && col + sep_len + tl > LINE_SOFT_MAX && col > 0 && out.len > 0) {
				strbuf_append(&out, "\r\n", 2);
				col = 0;
			}
			strbuf_append(&out, sep, sep_len);
			strbuf_append(&out, t, tl);
			col += sep_len + tl;
			t += tl;
			if (*t == ' ') {
				sep = " ";
				sep_len = 1;
				t++;
			} else {
				sep_len = 0;
			}
		}
	}
	for (size_t u = 0; u < nunits; u++)
		free(units[u].text);
	free(units);
	free(s);
	return strbuf_detach(&out, NULL);
}

/* RFC 5322 atext, plus the blank between words of a phrase. */
static int phrase_plain_char(unsigned char c)
{
	return isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~ ", c) != NULL;
}

char *mime_words_encode_phrase(const char *utf8)
{
	char *s = clean_value(utf8);
	char *p = s;
	struct strbuf out = STRBUF_INIT;

	while (*p == ' ')
		p++;
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;

	int ascii = 1, plain = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80)
			ascii = 0;
		else if (!phrase_plain_char(c))
			plain = 0;
	}
	if (memmem(p, n, "=?", 2) != NULL)
		ascii = 0;

	if (!ascii) {
		encode_words(&out, p, n, WORD_MAX);
	} else if (plain) {
		strbuf_append(&out, p, n);
	} else {
		strbuf_appendc(&out, '"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\')
				strbuf_appendc(&out, '\\');
			strbuf_appendc(&out, p[i]);
		}
		strbuf_appendc(&out, '"');
	}
	free(s);
	return strbuf_detach(&out, NULL);
}

const char *mime_rfc2231_split(const char *value, char *charset, size_t size)
{
	const char *q1 = strchr(value, '\'');
	const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

	charset[0] = '\0';
	if (q1 == NULL || q2 == NULL)
		return value;
	if ((size_t)(q1 - value) < size) {
		memcpy(charset, value, (size_t)(q1 - value));
		charset[q1 - value] = '\0';
	}
	return q2 + 1;
}

char *mime_rfc2231_decode(const char *value)
{
	char charset[65];
	const char *data = mime_rfc2231_split(value ? value : "", charset, sizeof charset);
	struct strbuf bytes = STRBUF_INIT;
	mime_percent_decode(&bytes, data, strlen(data));
	size_t m;
	char *u = charset_to_utf8(charset[0] ? charset : NULL, bytes.s ? bytes.s : "", bytes.len,
				  &m);
	strbuf_free(&bytes);
	return u;
}

void mime_percent_decode(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int b;
		if (s[i] == '%' && (b = hex_escape(s, i, n)) >= 0) {
			strbuf_appendc(out, (char)b);
			i += 2;
		} else {
			strbuf_appendc(out, s[i]);
		}
	}
}
