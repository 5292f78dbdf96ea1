/* Unit tests of src/notify: the line encoder and parser, text sanitizing,
 * tokens (form, comparison, file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "notify/notify_proto.h"
#include "notify/notify_token.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#define TOKEN "0123456789abcdef-secret"

static char *encode(const char *token, enum notify_type type, const char *text)
{
	struct strbuf b = STRBUF_INIT;
	struct err e;

	assert_int_equal(notify_encode(token, type, text, &b, &e), 0);
	return strbuf_detach(&b, NULL);
}

/* Parses a whole line given as a C string (its LF, if any, cut first). */
static int parse(const char *line, const char *token, struct notify_msg *m, struct err *e)
{
	size_t len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	return notify_parse(line, len, token, m, e);
}

static void assert_refused(const char *line, size_t len, const char *token, enum err_code code,
                           const char *reason)
{
	struct notify_msg m;
	struct err e;

	err_clear(&e);
	assert_int_equal(notify_parse(line, len, token, &m, &e), -1);
	assert_int_equal(e.code, code);
	if (strstr(e.msg, reason) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", e.msg, reason);
}

static int valid_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, NULL);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static void test_type_names(void **state)
{
	enum notify_type t;
	(void)state;

	for (int i = 0; i < NOTIFY_TYPE_COUNT; i++) {
		const char *name = notify_type_name((enum notify_type)i);
		assert_int_equal(notify_type_from_name(name, strlen(name), &t), 0);
		assert_int_equal(t, i);
	}
	assert_string_equal(notify_type_name(NOTIFY_NEWMAIL), "newmail");
	assert_string_equal(notify_type_name((enum notify_type)99), "?");
	assert_int_equal(notify_type_from_name("sen", 3, &t), -1);
	assert_int_equal(notify_type_from_name("sentx", 5, &t), -1);
	assert_int_equal(notify_type_from_name("SENT", 4, &t), -1);
	assert_int_equal(notify_type_from_name("", 0, &t), -1);
}

static void test_encode_plain_and_token(void **state)
{
	(void)state;
	char *s = encode(NULL, NOTIFY_SENT, "Email sent successfully: to bob, subject Hi");
	assert_string_equal(s, "SKUA1 sent Email sent successfully: to bob, subject Hi\n");
	free(s);
	s = encode(TOKEN, NOTIFY_NEWMAIL, "INBOX: 1 new");
	assert_string_equal(s, "SKUA1 token=" TOKEN " newmail INBOX: 1 new\n");
	free(s);
	s = encode(NULL, NOTIFY_INFO, NULL);
	assert_string_equal(s, "SKUA1 info\n");
	free(s);
	s = encode(NULL, NOTIFY_ERROR, "\x01\x02");
	assert_string_equal(s, "SKUA1 error\n");
	free(s);
}

static void test_encode_refuses_bad_token_and_type(void **state)
{
	struct strbuf b = STRBUF_INIT;
	struct err e;
	(void)state;

	strbuf_appends(&b, "keep");
	assert_int_equal(notify_encode("short", NOTIFY_SENT, "x", &b, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_int_equal(notify_encode("0123456789abcdef with space", NOTIFY_SENT, "x", &b, &e),
	                 -1);
	assert_int_equal(notify_encode(NULL, (enum notify_type)7, "x", &b, &e), -1);
	assert_string_equal(b.s, "keep");
	strbuf_free(&b);
}

static void test_encode_sanitizes(void **state)
{
	(void)state;
	/* ESC, BEL, DEL and C1 CSI go; tab, CR, LF become spaces; invalid bytes
	 * become U+FFFD; bidi override and line separator go. */
	char *s = encode(NULL, NOTIFY_RECEIVED,
	                 "a\tb\r\nc\x1b[31md\x07\x7f|\xc2\x9b|\xff|\xe2\x80\xaeX\xe2\x80\xa8Y é");
	assert_string_equal(s, "SKUA1 received a b  c[31md||\xef\xbf\xbd|XY é\n");
	struct notify_msg m;
	struct err e;
	assert_int_equal(parse(s, NULL, &m, &e), 0);
	free(s);
}

static void test_encode_truncates_on_character_boundary(void **state)
{
	struct strbuf big = STRBUF_INIT;
	(void)state;

	for (int i = 0; i < 3000; i++)
		strbuf_appends(&big, "é€😀"); /* 2, 3 and 4 bytes */
	for (int with_token = 0; with_token < 2; with_token++) {
		char tok[NOTIFY_TOKEN_MAX + 1];
		memset(tok, 'k', NOTIFY_TOKEN_MAX);
		tok[NOTIFY_TOKEN_MAX] = '\0';
		char *s = encode(with_token ? tok : NULL, NOTIFY_ERROR, big.s);
		size_t len = strlen(s);
		assert_true(len <= NOTIFY_LINE_MAX);
		/* Within one character of the limit: nothing shorter than needed. */
		assert_true(len > NOTIFY_LINE_MAX - 4);
		assert_int_equal(s[len - 1], '\n');
		assert_true(valid_utf8(s, len));
		struct notify_msg m;
		struct err e;
		assert_int_equal(parse(s, with_token ? tok : NULL, &m, &e), 0);
		assert_int_equal(m.type, NOTIFY_ERROR);
		assert_int_equal(m.had_token, with_token);
		free(s);
	}
	strbuf_free(&big);
}

static void test_sanitize_limits(void **state)
{
	struct strbuf b = STRBUF_INIT;
	(void)state;

	notify_sanitize_text("abc", 0, &b);
	assert_non_null(b.s);
	assert_int_equal(b.len, 0);
	notify_sanitize_text("ab€", 4, &b); /* € does not fit in the 2 bytes left */
	assert_string_equal(b.s, "ab");
	strbuf_reset(&b);
	notify_sanitize_text("ab\xff", 4, &b); /* U+FFFD needs 3 bytes */
	assert_string_equal(b.s, "ab");
	strbuf_reset(&b);
	notify_sanitize_text("x\xe2\x82", 10, &b); /* truncated sequence */
	assert_string_equal(b.s, "x\xef\xbf\xbd\xef\xbf\xbd");
	strbuf_free(&b);
}

static void test_parse_valid(void **state)
{
	struct notify_msg m;
	struct err e;
	(void)state;

	assert_int_equal(parse("SKUA1 sent hello world\n", NULL, &m, &e), 0);
	assert_int_equal(m.type, NOTIFY_SENT);
	assert_int_equal(m.text_len, 11);
	assert_memory_equal(m.text, "hello world", 11);
	assert_int_equal(m.had_token, 0);

	assert_int_equal(parse("SKUA1 newmail  two  spaces kept \r\n", NULL, &m, &e), 0);
	assert_int_equal(m.text_len, 18);
	assert_memory_equal(m.text, " two  spaces kept ", 18);

	assert_int_equal(parse("SKUA1 info", NULL, &m, &e), 0);
	assert_int_equal(m.text_len, 0);
	assert_int_equal(parse("SKUA1 info ", NULL, &m, &e), 0);
	assert_int_equal(m.text_len, 0);

	assert_int_equal(parse("SKUA1 received Grüße 日本 😀", NULL, &m, &e), 0);
	assert_int_equal(m.type, NOTIFY_RECEIVED);

	/* A token the daemon does not ask for is accepted and ignored. */
	assert_int_equal(parse("SKUA1 token=whatever error boom", NULL, &m, &e), 0);
	assert_int_equal(m.type, NOTIFY_ERROR);
	assert_int_equal(m.had_token, 1);
	assert_memory_equal(m.text, "boom", 4);
}

static void test_parse_token(void **state)
{
	struct notify_msg m;
	struct err e;
	(void)state;

	assert_int_equal(parse("SKUA1 token=" TOKEN " sent x", TOKEN, &m, &e), 0);
	assert_int_equal(m.had_token, 1);
	assert_memory_equal(m.text, "x", 1);

	const char *missing = "SKUA1 sent x";
	assert_refused(missing, strlen(missing), TOKEN, ERR_AUTH, "no token");
	const char *wrong = "SKUA1 token=0123456789abcdef-secreT sent x";
	assert_refused(wrong, strlen(wrong), TOKEN, ERR_AUTH, "wrong token");
	const char *shorter = "SKUA1 token=0123456789abcdef sent x";
	assert_refused(shorter, strlen(shorter), TOKEN, ERR_AUTH, "wrong token");
	const char *longer = "SKUA1 token=" TOKEN "0 sent x";
	assert_refused(longer, strlen(longer), TOKEN, ERR_AUTH, "wrong token");
	const char *empty = "SKUA1 token= sent x";
	assert_refused(empty, strlen(empty), TOKEN, ERR_AUTH, "wrong token");
	const char *notype = "SKUA1 token=" TOKEN;
	assert_refused(notype, strlen(notype), TOKEN, ERR_PARSE, "no type");
	/* The token as text is no token. */
	const char *astext = "SKUA1 sent token=" TOKEN;
	assert_refused(astext, strlen(astext), TOKEN, ERR_AUTH, "no token");

	/* A refusal never quotes the line, which may hold a secret. */
	err_clear(&e);
	assert_int_equal(parse("SKUA1 token=0123456789abcdefXXXXXXX sent x", TOKEN, &m, &e), -1);
	assert_null(strstr(e.msg, "0123456789"));
}

static void test_parse_garbage(void **state)
{
	char line[NOTIFY_LINE_MAX + 8];
	(void)state;

#define REFUSED(lit, code, reason) assert_refused(lit, sizeof(lit) - 1, NULL, code, reason)
	REFUSED("", ERR_PARSE, "empty line");
	REFUSED("\r", ERR_PARSE, "empty line");
	REFUSED("hello", ERR_PARSE, "not a SKUA1 line");
	REFUSED("SKUA1", ERR_PARSE, "no type field");
	REFUSED("SKUA10 sent x", ERR_PARSE, "unsupported protocol version");
	REFUSED("skua1 sent x", ERR_PARSE, "not a SKUA1 line");
	REFUSED("SKUA2 sent x", ERR_PARSE, "unsupported protocol version");
	REFUSED("SKUA1 ", ERR_PARSE, "empty type");
	REFUSED("SKUA1  sent x", ERR_PARSE, "empty type");
	REFUSED("SKUA1 bogus x", ERR_PARSE, "unknown type");
	REFUSED("SKUA1 Sent x", ERR_PARSE, "unknown type");
	REFUSED("SKUA1 sent\tx", ERR_PARSE, "unknown type");
	REFUSED("SKUA1 sent a\tb", ERR_PARSE, "U+0009 at byte 13");
	REFUSED("SKUA1 sent \x1b[2J", ERR_PARSE, "U+001B at byte 12");
	REFUSED("SKUA1 sent a\x7f", ERR_PARSE, "U+007F");
	REFUSED("SKUA1 sent \xc2\x9b"
	        "31m",
	        ERR_PARSE, "U+009B");
	REFUSED("SKUA1 sent \xe2\x80\xae"
	        "evil",
	        ERR_PARSE, "U+202E");
	REFUSED("SKUA1 sent \xe2\x81\xa6", ERR_PARSE, "U+2066");
	REFUSED("SKUA1 sent a\xe2\x80\xa9", ERR_PARSE, "U+2029");
	REFUSED("SKUA1 sent a\rb", ERR_PARSE, "U+000D");
	REFUSED("SKUA1 sent \xc3\x28", ERR_PARSE, "invalid UTF-8 at byte 12");
	REFUSED("SKUA1 sent \xc0\xaf", ERR_PARSE, "invalid UTF-8");
	REFUSED("SKUA1 sent \xed\xa0\x80", ERR_PARSE, "invalid UTF-8");
	REFUSED("SKUA1 sent \xf4\x90\x80\x80", ERR_PARSE, "invalid UTF-8");
	REFUSED("SKUA1 sent abc\xe2\x82", ERR_PARSE, "invalid UTF-8 at byte 15");
	REFUSED("SKUA1 sent \xff\xfe", ERR_PARSE, "invalid UTF-8");
	REFUSED("SKUA1 sent a\0b", ERR_PARSE, "NUL byte at byte 13");
	REFUSED("\0SKUA1 sent a", ERR_PARSE, "NUL byte at byte 1");
#undef REFUSED

	/* 1023 bytes and the LF fit; one more does not. */
	memset(line, 'x', sizeof line);
	memcpy(line, "SKUA1 info ", 11);
	struct notify_msg m;
	struct err e;
	assert_int_equal(notify_parse(line, NOTIFY_LINE_MAX - 1, NULL, &m, &e), 0);
	assert_int_equal(m.text_len, NOTIFY_LINE_MAX - 1 - 11);
	assert_refused(line, NOTIFY_LINE_MAX, NULL, ERR_PARSE, "longer than 1024 bytes");
	assert_refused(line, NOTIFY_LINE_MAX + 5, NULL, ERR_PARSE, "longer than 1024 bytes");
}

/* A simple deterministic generator, so that a failure can be replayed. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_input(void **state)
{
	static const char *const pieces[] = {"SKUA1 ", "sent ", "info", " ", "token=", TOKEN,
	                                     "\n",     "\r",    "\x1b", "é", "\xff",   "\xc2"};
	uint32_t seed = 12345;
	char buf[1400];
	(void)state;

	for (int round = 0; round < 20000; round++) {
		size_t len = 0, want = next_rand(&seed) % sizeof buf;
		while (len < want) {
			uint32_t r = next_rand(&seed);
			const char *p = pieces[r % 12];
			size_t n = (r >> 8) % 3 == 0 ? 1 : strlen(p);
			if ((r >> 16) % 2 == 0) {
				buf[len++] = (char)(r >> 24);
				continue;
			}
			if (len + n > want)
				break;
			memcpy(buf + len, (r >> 8) % 3 == 0 ? (const char *)&r : p, n);
			len += n;
		}
		struct notify_msg m;
		struct err e;
		const char *tok = round % 2 ? TOKEN : NULL;
		if (notify_parse(buf, len, tok, &m, &e) == 0) {
			/* What is accepted is printable: no control, valid UTF-8. */
			assert_true(len < NOTIFY_LINE_MAX);
			assert_true(valid_utf8(m.text, m.text_len));
			for (size_t i = 0; i < m.text_len; i++)
				assert_true((unsigned char)m.text[i] >= 0x20 && m.text[i] != 0x7f);
		}
		/* Whatever the text, the encoder's line is accepted. */
		char text[sizeof buf + 1];
		memcpy(text, buf, len);
		text[len] = '\0';
		char *line = encode(tok, (enum notify_type)(round % NOTIFY_TYPE_COUNT), text);
		size_t llen = strlen(line);
		assert_true(llen <= NOTIFY_LINE_MAX);
		assert_int_equal(notify_parse(line, llen - 1, tok, &m, &e), 0);
		assert_int_equal(m.type, round % NOTIFY_TYPE_COUNT);
		free(line);
	}
}

static void test_token_check_and_equal(void **state)
{
	char tok[NOTIFY_TOKEN_MAX + 2];
	struct err e;
	(void)state;

	memset(tok, 'a', sizeof tok);
	tok[NOTIFY_TOKEN_MIN - 1] = '\0';
	assert_int_equal(notify_token_check(tok, &e), -1);
	tok[NOTIFY_TOKEN_MIN - 1] = 'a';
	tok[NOTIFY_TOKEN_MIN] = '\0';
	assert_int_equal(notify_token_check(tok, &e), 0);
	memset(tok, '~', sizeof tok);
	tok[NOTIFY_TOKEN_MAX] = '\0';
	assert_int_equal(notify_token_check(tok, &e), 0);
	tok[NOTIFY_TOKEN_MAX] = '!';
	tok[NOTIFY_TOKEN_MAX + 1] = '\0';
	assert_int_equal(notify_token_check(tok, &e), -1);
	assert_int_equal(notify_token_check("0123456789abcdef ", &e), -1);
	assert_int_equal(notify_token_check("0123456789abcdef\x7f", &e), -1);
	assert_int_equal(notify_token_check("0123456789abcdef\xc3\xa9", &e), -1);

	assert_true(notify_token_equal("abc", 3, "abc", 3));
	assert_false(notify_token_equal("abc", 3, "abd", 3));
	assert_false(notify_token_equal("abc", 3, "ab", 2));
	assert_false(notify_token_equal("abc", 3, "abcd", 4));
	assert_false(notify_token_equal("abc", 3, "", 0));
	/* A candidate shorter than the secret padded with NULs is still wrong. */
	assert_false(notify_token_equal("ab\0", 3, "ab", 2));
}

static char *write_file(const char *content, size_t len, mode_t mode)
{
	char *path = strdup("/tmp/skua-token-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	fchmod(fd, mode);
	close(fd);
	return path;
}

static void test_token_file(void **state)
{
	struct err e;
	int warn;
	(void)state;

	char *p = write_file(TOKEN " \t\r\nsecond line\n", strlen(TOKEN) + 16, 0600);
	char *tok = notify_token_read_file(p, &warn, &e);
	assert_non_null(tok);
	assert_string_equal(tok, TOKEN);
	assert_int_equal(warn, 0);
	free(tok);
	unlink(p);
	free(p);

	p = write_file(TOKEN, strlen(TOKEN), 0644);
	tok = notify_token_read_file(p, &warn, &e);
	assert_non_null(tok);
	assert_int_equal(warn, 1);
	free(tok);
	unlink(p);
	free(p);

	static const struct {
		const char *content;
		size_t len;
		const char *reason;
	} bad[] = {
	    {"", 0, "0 bytes"},
	    {"\n" TOKEN "\n", sizeof TOKEN + 1, "0 bytes"},
	    {"short\n", 6, "5 bytes"},
	    {"0123456789abcdef\0xyz", 20, "NUL"},
	    {"0123456789 abcdef", 17, "printable ASCII"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = write_file(bad[i].content, bad[i].len, 0600);
		err_clear(&e);
		assert_null(notify_token_read_file(p, NULL, &e));
		assert_int_equal(e.code, ERR_CONFIG);
		if (strstr(e.msg, bad[i].reason) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, e.msg, bad[i].reason);
		assert_non_null(strstr(e.msg, p));
		unlink(p);
		free(p);
	}
	char longtok[300];
	memset(longtok, 'z', sizeof longtok);
	p = write_file(longtok, sizeof longtok, 0600);
	assert_null(notify_token_read_file(p, NULL, &e));
	assert_non_null(strstr(e.msg, "too long"));
	unlink(p);
	free(p);

	assert_null(notify_token_read_file("/nonexistent/skua-token", NULL, &e));
	assert_non_null(strstr(e.msg, "cannot open"));
	assert_null(notify_token_read_file("/tmp", NULL, &e));
	assert_non_null(strstr(e.msg, "not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type_names),
	    cmocka_unit_test(test_encode_plain_and_token),
	    cmocka_unit_test(test_encode_refuses_bad_token_and_type),
	    cmocka_unit_test(test_encode_sanitizes),
	    cmocka_unit_test(test_encode_truncates_on_character_boundary),
	    cmocka_unit_test(test_sanitize_limits),
	    cmocka_unit_test(test_parse_valid),
	    cmocka_unit_test(test_parse_token),
	    cmocka_unit_test(test_parse_garbage),
	    cmocka_unit_test(test_random_input),
	    cmocka_unit_test(test_token_check_and_equal),
	    cmocka_unit_test(test_token_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
