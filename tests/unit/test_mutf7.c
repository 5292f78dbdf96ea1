/* Unit tests of the modified UTF-7 folder name codec: known encodings, round
 * trips, and hostile input that must never crash or yield invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/imap_session.h"

static const struct {
	const char *utf8, *mutf7;
} known[] = {
	{ "INBOX", "INBOX" },
	{ "", "" },
	{ "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },   /* RFC 3501 */
	{ "Entwürfe", "Entw&APw-rfe" },
	{ "&", "&-" },
	{ "A&B", "A&-B" },
	{ "📦", "&2D3c5g-" },   /* astral: a surrogate pair */
	{ "Größe & ✓ 日本 📦", "Gr&APYA3w-e &- &JxM- &ZeVnLA- &2D3c5g-" },
	{ "Ä€", "&AMQgrA-" },
	{ "\t", "&AAk-" },      /* controls are not printable ASCII */
	{ "aéb", "a&AOk-b" },
};

static void test_known_encodings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char *m = imap_utf8_to_mutf7(known[i].utf8);
		assert_non_null(m);
		assert_string_equal(m, known[i].mutf7);
		char *u = imap_mutf7_to_utf8(m);
		assert_string_equal(u, known[i].utf8);
		free(m);
		free(u);
	}
}

static void test_encode_rejects_invalid_utf8(void **state)
{
	static const char *bad[] = {
		"\xff", "a\x80", "\xc0\xaf",          /* stray, continuation, overlong '/' */
		"\xe0\x80\xaf", "\xed\xa0\x80",       /* overlong, UTF-16 surrogate */
		"\xe2\x82", "x\xf4\x90\x80\x80",      /* truncated, beyond U+10FFFF */
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(imap_utf8_to_mutf7(bad[i]));
	assert_null(imap_utf8_to_mutf7(NULL));
}

#define FFFD "\xef\xbf\xbd"

static void test_decode_malformed(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "&", FFFD },                        /* shift with nothing after */
		{ "a&!b", "a" FFFD "!b" },            /* not base64 */
		{ "&AAA-", FFFD },                    /* U+0000 would cut the string */
		{ "&2D0-", FFFD },                    /* high surrogate alone */
		{ "&3OY-", FFFD },                    /* low surrogate alone */
		{ "&2D3YPQ-", FFFD FFFD },            /* two highs */
		{ "&U,BTFw", "台北" },                /* unterminated at the end: accepted */
		{ "&U,BTF-", "台" FFFD },             /* a unit cut short */
		{ "&U/BTFw-", FFFD "/BTFw-" },        /* '/' is RFC 4648's, not modified base64 */
		{ "&APx-", "ü" FFFD },                /* non-zero padding bits */
		{ "Caf\xc3\xa9", "Café" },            /* raw UTF-8 from lax servers */
		{ "x\xffy", "x" FFFD "y" },           /* raw garbage */
		{ "\xc3", FFFD },                     /* truncated raw UTF-8 */
		{ "&-&-", "&&" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *u = imap_mutf7_to_utf8(cases[i].in);
		assert_non_null(u);
		if (strcmp(u, cases[i].out) != 0)
			fail_msg("decoding case %zu (%s): got \"%s\", want \"%s\"", i, cases[i].in, u,
				 cases[i].out);
		free(u);
	}
	char *u = imap_mutf7_to_utf8(NULL);
	assert_string_equal(u, "");
	free(u);
}

/* Strict UTF-8 validation, written independently of the code under test. */
static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, cp;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		s += n + 1;
	}
	return 1;
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_decode_fuzz_gives_valid_utf8(void **state)
{
	static const char pool[] = "&-&-AZaz09+,/&\x80\xc3\xa9\xff\xed\xf0 ";
	char in[40];
	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = rng() % (sizeof in - 1);
		for (size_t i = 0; i < len; i++) {
			unsigned r = rng();
			in[i] = (r & 1) ? pool[r % (sizeof pool - 1)] : (char)(r >> 8);
			if (in[i] == 0)
				in[i] = '&';
		}
		in[len] = '\0';
		char *u = imap_mutf7_to_utf8(in);
		assert_non_null(u);
		if (!valid_utf8((const unsigned char *)u))
			fail_msg("invalid UTF-8 from decoding iteration %d", iter);
		free(u);
	}
}

static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static void test_round_trip_random_text(void **state)
{
	char in[200];
	(void)state;
	for (int iter = 0; iter < 50000; iter++) {
		size_t o = 0, n = rng() % 30;
		for (size_t i = 0; i < n; i++) {
			uint32_t cp;
			switch (rng() % 4) {
			case 0: cp = 0x20 + rng() % 0x5F; break;
			case 1: cp = 1 + rng() % 0x7FF; break;
			case 2: cp = 0x800 + rng() % (0xFFFF - 0x800); break;
			default: cp = 0x10000 + rng() % 0x100000; break;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = '&';
			o += put_cp(in + o, cp);
		}
		in[o] = '\0';
		char *m = imap_utf8_to_mutf7(in);
		assert_non_null(m);
		for (const char *p = m; *p; p++)
			assert_true(*p >= 0x20 && *p <= 0x7E);
		char *u = imap_mutf7_to_utf8(m);
		if (strcmp(u, in) != 0)
			fail_msg("round trip %d changed the name (via %s)", iter, m);
		free(m);
		free(u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_encode_rejects_invalid_utf8),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_fuzz_gives_valid_utf8),
		cmocka_unit_test(test_round_trip_random_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
