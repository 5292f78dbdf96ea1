/* Unit tests of src/mail/address: address list parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/address.h"

static void test_list(void **state)
{
	(void)state;
	struct mail_address *a;
	char *bad = NULL;
	long n = mail_address_list_parse("Name <a@b.org>, \"Last, First\" <c@d.org>, e@f.org", &a,
					 &bad);
	assert_int_equal(n, 3);
	assert_null(bad);
	assert_string_equal(a[0].name, "Name");
	assert_string_equal(a[0].addr, "a@b.org");
	assert_string_equal(a[1].name, "Last, First");
	assert_string_equal(a[1].addr, "c@d.org");
	assert_string_equal(a[2].name, "");
	assert_string_equal(a[2].addr, "e@f.org");
	mail_addresses_free(a, (size_t)n);
}

static void test_groups_comments_encoded(void **state)
{
	(void)state;
	struct mail_address *a;
	long n = mail_address_list_parse(
		"Team: x@a.org, Y <y@a.org>;, =?UTF-8?Q?J=C3=B6rg?= <j@x.de>, "
		"old@style.org (Old Style), \"q\\\"uote\" <q@x.org>, undisclosed-recipients:;",
		&a, NULL);
	assert_int_equal(n, 5);
	assert_string_equal(a[0].addr, "x@a.org");
	assert_string_equal(a[1].name, "Y");
	assert_string_equal(a[2].name, "Jörg");
	assert_string_equal(a[3].name, "Old Style");
	assert_string_equal(a[3].addr, "old@style.org");
	assert_string_equal(a[4].name, "q\"uote");
	mail_addresses_free(a, (size_t)n);

	n = mail_address_list_parse("Jörg Müller <j@x.de>", &a, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].name, "Jörg Müller");
	mail_addresses_free(a, (size_t)n);

	n = mail_address_list_parse(" , ,", &a, NULL);
	assert_int_equal(n, 0);
	assert_null(a);
	n = mail_address_list_parse(NULL, &a, NULL);
	assert_int_equal(n, 0);
}

static void expect_bad(const char *text, const char *want_bad)
{
	struct mail_address *a = (void *)1;
	char *bad = NULL;
	assert_int_equal(mail_address_list_parse(text, &a, &bad), -1);
	assert_null(a);
	assert_non_null(bad);
	assert_string_equal(bad, want_bad);
	free(bad);
	/* bad may be NULL */
	assert_int_equal(mail_address_list_parse(text, &a, NULL), -1);
}

static void test_rejects(void **state)
{
	(void)state;
	expect_bad("a@b.org, bob, c@d.org", "bob");
	expect_bad("a@b.org c@d.org", "a@b.org c@d.org");
	expect_bad("x@", "x@");
	expect_bad("@x.org", "@x.org");
	expect_bad("Name <a@b.org", "Name <a@b.org");
	expect_bad("a@b.org\r\nBcc: evil@x.org", "a@b.org\r\nBcc: evil@x.org");
	expect_bad("a@b..org", "a@b..org");
	expect_bad("\"unterminated <a@b.org>, c@d.org", "\"unterminated <a@b.org>, c@d.org");
}

static void test_format(void **state)
{
	(void)state;
	struct mail_address x = { "Alice", "a@x.org" };
	char *s = mail_address_format(&x);
	assert_string_equal(s, "Alice <a@x.org>");
	free(s);
	x.name = "Last, First";
	s = mail_address_format(&x);
	assert_string_equal(s, "\"Last, First\" <a@x.org>");
	free(s);
	x.name = "say \"hi\"";
	s = mail_address_format(&x);
	assert_string_equal(s, "\"say \\\"hi\\\"\" <a@x.org>");
	free(s);
	x.name = "";
	s = mail_address_format(&x);
	assert_string_equal(s, "a@x.org");
	free(s);
	x.name = "two\r\nlines";
	s = mail_address_format(&x);
	assert_null(strchr(s, '\n'));
	free(s);

	/* what format writes parses back the same */
	struct mail_address y = { "Doe, J. \"JD\"", "jd@x.org" };
	s = mail_address_format(&y);
	struct mail_address *a;
	assert_int_equal(mail_address_list_parse(s, &a, NULL), 1);
	assert_string_equal(a[0].name, y.name);
	assert_string_equal(a[0].addr, y.addr);
	mail_addresses_free(a, 1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_groups_comments_encoded),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
