/* The server search's criteria: the user's text always ends up inside one
 * IMAP quoted string, whatever quotes, backslashes or UTF-8 it holds, and
 * text that no quoted string may carry is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/search.h"

static const char *criteria(const char *text)
{
	static char out[256];
	struct strbuf b = STRBUF_INIT;
	struct err e = { 0 };

	if (app_search_criteria(text, &b, &e) != 0) {
		strbuf_free(&b);
		return NULL;
	}
	snprintf(out, sizeof out, "%s", b.s);
	strbuf_free(&b);
	return out;
}

static void test_quoting(void **state)
{
	(void)state;
	assert_string_equal(criteria("hello"), "TEXT \"hello\"");
	assert_string_equal(criteria("two words"), "TEXT \"two words\"");
	assert_string_equal(criteria("say \"hi\""), "TEXT \"say \\\"hi\\\"\"");
	assert_string_equal(criteria("a\\b"), "TEXT \"a\\\\b\"");
	/* A closing quote of its own cannot end the string early. */
	assert_string_equal(criteria("\" OR ALL TEXT \""), "TEXT \"\\\" OR ALL TEXT \\\"\"");
	assert_string_equal(criteria("x\\"), "TEXT \"x\\\\\"");
	assert_string_equal(criteria("Grüße"), "TEXT \"Grüße\"");
	assert_string_equal(criteria("(ALL) {5}"), "TEXT \"(ALL) {5}\"");
}

static void test_refused(void **state)
{
	struct strbuf b = STRBUF_INIT;
	struct err e = { 0 };

	(void)state;
	assert_null(criteria(""));
	assert_null(criteria(NULL));
	assert_null(criteria("a\r\nA1 DELETE INBOX"));
	assert_null(criteria("a\nb"));
	assert_null(criteria("tab\there"));
	assert_null(criteria("del\x7f"));
	assert_int_equal(app_search_criteria("a\rb", &b, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	assert_null(b.s);
	strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
