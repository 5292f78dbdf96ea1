/* Threading hashes: Message-ID forms, References with folded lines and a
 * header name, In-Reply-To as the fallback, and a message naming itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mail/thread_ids.h"

static void test_hash(void **state)
{
	(void)state;
	assert_int_equal(thread_id_hash(NULL), 0);
	assert_int_equal(thread_id_hash(""), 0);
	assert_int_equal(thread_id_hash("  <>  "), 0);
	assert_true(thread_id_hash("<a@b>") != 0);
	assert_int_equal(thread_id_hash("<a@b>"), thread_id_hash("  <a@b> (comment)"));
	assert_int_equal(thread_id_hash("<a@b>"), thread_id_hash(" a@b \r\n"));
	assert_true(thread_id_hash("<a@b>") != thread_id_hash("<A@b>"));
	assert_true(thread_id_hash("<a@b>") != thread_id_hash("<a@c>"));
}

static void test_parse(void **state)
{
	struct thread_ids t;

	(void)state;
	thread_ids_parse("<c@x>", "<b@x>",
			 "References: <root@x>\r\n\t<a@x> <b@x>\r\n\r\n", &t);
	assert_int_equal(t.id, thread_id_hash("<c@x>"));
	assert_int_equal(t.parent, thread_id_hash("<b@x>"));
	assert_int_equal(t.root, thread_id_hash("<root@x>"));
	/* No References: In-Reply-To is parent and root. */
	thread_ids_parse("<c@x>", "<b@x> (sent by b)", NULL, &t);
	assert_int_equal(t.parent, thread_id_hash("<b@x>"));
	assert_int_equal(t.root, t.parent);
	/* An empty References field (only the name) falls back too. */
	thread_ids_parse("<c@x>", "<b@x>", "References: \r\n\r\n", &t);
	assert_int_equal(t.parent, thread_id_hash("<b@x>"));
	/* Nothing at all. */
	thread_ids_parse(NULL, NULL, NULL, &t);
	assert_int_equal(t.id, 0);
	assert_int_equal(t.parent, 0);
	assert_int_equal(t.root, 0);
	/* A message is not its own parent. */
	thread_ids_parse("<c@x>", "<c@x>", "<c@x>", &t);
	assert_int_equal(t.parent, 0);
	assert_int_equal(t.root, 0);
	/* An unclosed bracket is no identifier. */
	thread_ids_parse("<c@x>", NULL, "<a@x> <broken", &t);
	assert_int_equal(t.parent, thread_id_hash("<a@x>"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
