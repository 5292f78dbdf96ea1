/* The notification line: type names, text sanitizing, the encoder used by
 * the client and the strict parser used by skua-notifyd. */
#include "notify/notify_proto.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

static const char *const type_names[NOTIFY_TYPE_COUNT] = {
    [NOTIFY_SENT] = "sent",   [NOTIFY_RECEIVED] = "received", [NOTIFY_NEWMAIL] = "newmail",
    [NOTIFY_ERROR] = "error", [NOTIFY_INFO] = "info",
};

static const char token_prefix[] = "token=";

const char *notify_type_name(enum notify_type type)
{
	if ((unsigned)type >= NOTIFY_TYPE_COUNT)
		return "?";
	return type_names[type];
}

int notify_type_from_name(const char *name, size_t len, enum notify_type *type)
{
	for (unsigned i = 0; i < NOTIFY_TYPE_COUNT; i++) {
		if (strlen(type_names[i]) == len && memcmp(type_names[i], name, len) == 0) {
			*type = (enum notify_type)i;
			return 0;
		}
	}
	return -1;
}

int notify_char_allowed(unsigned cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return cp != 0x2028 && cp != 0x2029;
}

void notify_sanitize_text(const char *text, size_t max, struct strbuf *out)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)text;
	size_t n = text != NULL ? strlen(text) : 0;
	size_t used = 0;

	/* Make sure out->s exists even when nothing fits. */
	strbuf_grow(out, 0);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		const char *add = (const char *)s + i;
		size_t add_len = len;

		if (len == 0) {
			add = replacement;
			add_len = 3;
			len = 1;
		} else if (cp == '\t' || cp == '\r' || cp == '\n') {
			add = " ";
			add_len = 1;
		} else if (!notify_char_allowed(cp)) {
			add_len = 0;
		}
		if (used + add_len > max)
			break;
		strbuf_append(out, add, add_len);
		used += add_len;
		i += len;
	}
}

int notify_encode(const char *token, enum notify_type type, const char *text, struct strbuf *out,
                  struct err *e)
{
	struct strbuf line = STRBUF_INIT;

	if ((unsigned)type >= NOTIFY_TYPE_COUNT)
		return err_set(e, ERR_INTERNAL, "cannot encode a notification of unknown type %d",
		               (int)type);
	if (token != NULL && notify_token_check(token, e) != 0)
		return -1;
	strbuf_appends(&line, NOTIFY_VERSION " ");
	if (token != NULL) {
		strbuf_appends(&line, token_prefix);
		strbuf_appends(&line, token);
		strbuf_appendc(&line, ' ');
	}
	strbuf_appends(&line, type_names[type]);
	/* Room for the space before the text and the final LF. */
	size_t budget = NOTIFY_LINE_MAX - line.len - 2;
	size_t before = line.len;
	strbuf_appendc(&line, ' ');
	notify_sanitize_text(text, budget, &line);
	if (line.len == before + 1)
		line.len = before;
	strbuf_appendc(&line, '\n');
	strbuf_append(out, line.s, line.len);
	strbuf_free(&line);
	return 0;
}

/* Checks the text: strict UTF-8 and only allowed characters. */
static int check_text(const char *text, size_t len, size_t offset, struct err *e)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			return err_set(e, ERR_PARSE, "invalid UTF-8 at byte %zu", offset + i + 1);
		if (cp == 0)
			return err_set(e, ERR_PARSE, "NUL byte at byte %zu", offset + i + 1);
		if (!notify_char_allowed(cp))
			return err_set(e, ERR_PARSE, "control character U+%04X at byte %zu",
			               (unsigned)cp, offset + i + 1);
		i += n;
	}
	return 0;
}

/* The field that starts at p: up to the next space or the end. */
static size_t field_len(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return (size_t)((sp != NULL ? sp : end) - p);
}

int notify_parse(const char *line, size_t len, const char *token, struct notify_msg *msg,
                 struct err *e)
{
	static const char version[] = NOTIFY_VERSION " ";
	const size_t vlen = sizeof version - 1;

	memset(msg, 0, sizeof *msg);
	if (len >= NOTIFY_LINE_MAX)
		return err_set(e, ERR_PARSE, "line longer than %d bytes", NOTIFY_LINE_MAX);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	const char *nul = memchr(line, '\0', len);
	if (nul != NULL)
		return err_set(e, ERR_PARSE, "NUL byte at byte %zu", (size_t)(nul - line) + 1);
	if (len == 0)
		return err_set(e, ERR_PARSE, "empty line");
	if (len < vlen || memcmp(line, version, vlen) != 0) {
		size_t first = field_len(line, line + len);
		if (first == vlen - 1 && memcmp(line, version, first) == 0)
			return err_set(e, ERR_PARSE, "no type field");
		if (len >= 5 && memcmp(line, "SKUA", 4) == 0 && line[4] >= '0' && line[4] <= '9')
			return err_set(e, ERR_PARSE, "unsupported protocol version");
		return err_set(e, ERR_PARSE, "not a " NOTIFY_VERSION " line");
	}

	const char *end = line + len;
	const char *p = line + vlen;
	size_t n = field_len(p, end);
	const size_t plen = sizeof token_prefix - 1;
	if (n >= plen && memcmp(p, token_prefix, plen) == 0) {
		if (token != NULL && !notify_token_equal(token, strlen(token), p + plen, n - plen))
			return err_set(e, ERR_AUTH, "wrong token");
		msg->had_token = 1;
		p += n;
		if (p == end)
			return err_set(e, ERR_PARSE, "no type after the token");
		p++;
		n = field_len(p, end);
	} else if (token != NULL) {
		return err_set(e, ERR_AUTH, "no token");
	}
	if (n == 0)
		return err_set(e, ERR_PARSE, "empty type field");
	if (notify_type_from_name(p, n, &msg->type) != 0)
		return err_set(e, ERR_PARSE, "unknown type");
	p += n;
	if (p < end)
		p++;
	if (check_text(p, (size_t)(end - p), (size_t)(p - line), e) != 0)
		return -1;
	msg->text = p;
	msg->text_len = (size_t)(end - p);
	return 0;
}
