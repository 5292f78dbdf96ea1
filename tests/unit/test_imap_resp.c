/* Unit tests of the IMAP response parser and of what the watcher reads from
 * it: NOTIFY's STATUS and LIST pushes, EXISTS, BYE, FETCH envelopes; and
 * hostile responses (unbalanced, too deep, lying literals, NULs) refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/imap_resp.h"
#include "net/imap_watch.h"

static int parse(const char *text, struct imap_resp *r)
{
	struct err e;

	return imap_resp_parse(text, strlen(text), r, &e);
}

static void test_tokens(void **state)
{
	struct imap_resp r;
	const char *text = "* 12 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)] {5}\r\na\"b)c "
			   "FLAGS (\\Seen $Label) X \"q\\\"uo\\\\te\" NIL)\r\n";
	(void)state;

	assert_int_equal(parse(text, &r), 0);
	assert_true(imap_node_is(imap_resp_top(&r, 0), "*"));
	uint32_t v;
	assert_int_equal(imap_node_u32(imap_resp_top(&r, 1), &v), 0);
	assert_int_equal(v, 12);
	const struct imap_node *l = imap_resp_top(&r, 3);
	assert_non_null(l);
	assert_int_equal(l->type, IMAP_NODE_LIST);
	assert_int_equal(l->count, 9);
	assert_string_equal(imap_resp_child(&r, l, 2)->s, "BODY[HEADER.FIELDS (FROM TO)]");
	const struct imap_node *lit = imap_resp_child(&r, l, 3);
	assert_int_equal(lit->type, IMAP_NODE_STRING);
	assert_int_equal(lit->len, 5);
	assert_memory_equal(lit->s, "a\"b)c", 5);
	const struct imap_node *flags = imap_resp_child(&r, l, 5);
	assert_int_equal(flags->count, 2);
	assert_true(imap_node_is(imap_resp_child(&r, flags, 0), "\\seen"));
	assert_string_equal(imap_node_astring(imap_resp_child(&r, l, 7)), "q\"uo\\te");
	assert_null(imap_node_nstring(imap_resp_child(&r, l, 8)));
	assert_null(imap_resp_child(&r, l, 9));
	assert_null(imap_resp_top(&r, 4));
	imap_resp_free(&r);
}

static void test_status_text(void **state)
{
	struct imap_resp r;
	(void)state;

	/* The text of a status response is free: parentheses need no balance. */
	assert_int_equal(parse("a7 OK [READ-ONLY] Examine (done: 1 :-(\r\n", &r), 0);
	assert_string_equal(imap_resp_top(&r, 0)->s, "a7");
	assert_int_equal(imap_resp_top(&r, 2)->type, IMAP_NODE_TEXT);
	assert_string_equal(imap_resp_top(&r, 2)->s, "[READ-ONLY] Examine (done: 1 :-(");
	imap_resp_free(&r);
	assert_int_equal(parse("+ idling\r\n", &r), 0);
	assert_string_equal(imap_resp_top(&r, 1)->s, "idling");
	imap_resp_free(&r);
	assert_int_equal(parse("+\r\n", &r), 0);
	assert_int_equal(imap_resp_top(&r, 1)->type, IMAP_NODE_TEXT);
	assert_int_equal(imap_resp_top(&r, 1)->len, 0);
	imap_resp_free(&r);
}

static void test_hostile_refused(void **state)
{
	static const char *const bad[] = {
		"* STATUS x (MESSAGES 1\r\n",
		"* STATUS x MESSAGES 1)\r\n",
		"* 1 FETCH (X {10}\r\nshort)\r\n",
		"* 1 FETCH (X {5}\r\nabcdeY)\r\n",
		"* 1 FETCH (X {}\r\n)\r\n",
		"* 1 FETCH (X {99999999999}\r\n)\r\n",
		"* 1 FETCH (X \"unterminated)\r\n",
		"* 1 FETCH (BODY[HEADER\r\n",
		"* LIST () \".\" a\rb\r\n",
		"",
		"\r\n",
	};
	struct imap_resp r;
	char deep[200];
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parse(bad[i], &r) == 0)
			fail_msg("accepted: %s", bad[i]);
	size_t n = 0;
	n += (size_t)snprintf(deep, sizeof deep, "* X ");
	for (int i = 0; i < IMAP_RESP_MAX_DEPTH + 1; i++)
		deep[n++] = '(';
	for (int i = 0; i < IMAP_RESP_MAX_DEPTH + 1; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	assert_int_equal(parse(deep, &r), -1);
	/* One level less is fine. */
	memmove(deep + 4, deep + 5, strlen(deep + 5) + 1);
	deep[strlen(deep) - 1] = '\0';
	assert_int_equal(parse(deep, &r), 0);
	imap_resp_free(&r);

	struct err e;
	static const char nul[] = "* STATUS a\0b (MESSAGES 1)\r\n";
	assert_int_equal(imap_resp_parse(nul, sizeof nul - 1, &r, &e), -1);
	assert_int_equal(e.code, ERR_PROTOCOL);
	/* A NUL inside a literal is data, but no name may carry it. */
	static const char lit[] = "* STATUS {3}\r\na\0b (MESSAGES 1)\r\n";
	assert_int_equal(imap_resp_parse(lit, sizeof lit - 1, &r, &e), 0);
	struct imap_push p;
	assert_int_equal(imap_push_from_resp(&r, &p), -1);
	imap_resp_free(&r);
}

static void test_numbers(void **state)
{
	struct imap_resp r;
	uint32_t v;
	uint64_t w;
	(void)state;

	assert_int_equal(parse("* X 4294967295 4294967296 12a 18446744073709551615\r\n", &r), 0);
	assert_int_equal(imap_node_u32(imap_resp_top(&r, 2), &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(imap_node_u32(imap_resp_top(&r, 3), &v), -1);
	assert_int_equal(imap_node_u32(imap_resp_top(&r, 4), &v), -1);
	assert_int_equal(imap_node_u64(imap_resp_top(&r, 5), &w), -1);   /* 20 digits */
	imap_resp_free(&r);
}

static void test_pushes(void **state)
{
	struct imap_resp r;
	struct imap_push p;
	(void)state;

	/* As Dovecot 2.3 sends them under NOTIFY. */
	assert_int_equal(parse("* STATUS Lists (MESSAGES 7 UIDNEXT 8 UNSEEN 7 HIGHESTMODSEQ 8)\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_int_equal(p.kind, IMAP_PUSH_STATUS);
	assert_string_equal(p.folder, "Lists");
	assert_int_equal(p.have, IMAP_HAVE_MESSAGES | IMAP_HAVE_UIDNEXT | IMAP_HAVE_UNSEEN);
	assert_int_equal(p.status.messages, 7);
	assert_int_equal(p.status.uidnext, 8);
	assert_int_equal(p.status.unseen, 7);
	assert_int_equal(p.status.highestmodseq, 8);
	imap_resp_free(&r);

	assert_int_equal(parse("* STATUS \"Sent Items\" (UIDVALIDITY 99 UIDNEXT x MESSAGES)\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_string_equal(p.folder, "Sent Items");
	assert_int_equal(p.have, IMAP_HAVE_UIDVALIDITY);
	assert_int_equal(p.status.uidvalidity, 99);
	imap_resp_free(&r);

	assert_int_equal(parse("* LIST (\\Subscribed) \".\" NewF\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_int_equal(p.kind, IMAP_PUSH_LIST);
	assert_string_equal(p.folder, "NewF");
	assert_int_equal(p.flags, IMAP_FOLDER_SUBSCRIBED);
	imap_resp_free(&r);

	assert_int_equal(parse("* LIST (\\NonExistent) \".\" {4}\r\nGone\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_true(p.flags & IMAP_FOLDER_GONE);
	assert_string_equal(p.folder, "Gone");
	imap_resp_free(&r);

	assert_int_equal(parse("* 23 EXISTS\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_int_equal(p.kind, IMAP_PUSH_EXISTS);
	assert_int_equal(p.number, 23);
	imap_resp_free(&r);

	assert_int_equal(parse("* BYE Server shutting down.\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_int_equal(p.kind, IMAP_PUSH_BYE);
	assert_string_equal(p.text, "Server shutting down.");
	imap_resp_free(&r);

	assert_int_equal(parse("* NO NOTIFY error, some events may have got lost\r\n", &r), 0);
	assert_int_equal(imap_push_from_resp(&r, &p), 0);
	assert_int_equal(p.kind, IMAP_PUSH_ALERT);
	imap_resp_free(&r);

	static const char *const ignored[] = {
		"* OK Still here\r\n", "* 3 RECENT\r\n", "* 2 FETCH (FLAGS (\\Seen))\r\n",
		"* STATUS (MESSAGES 1)\r\n", "* STATUS x MESSAGES\r\n", "* CAPABILITY IMAP4rev1\r\n",
		"a1 OK done\r\n",
	};
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
		assert_int_equal(parse(ignored[i], &r), 0);
		if (imap_push_from_resp(&r, &p) == 0)
			fail_msg("taken as a push: %s", ignored[i]);
		imap_resp_free(&r);
	}
}

static void test_envelopes(void **state)
{
	struct imap_resp r;
	struct imap_envelope env;
	char addr[64];
	(void)state;

	assert_int_equal(parse("* 3 FETCH (UID 17 ENVELOPE (\"Tue, 24 Nov 2026 10:00:00 +0000\" "
			       "\"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" ((\"Test Sender\" NIL \"sender\" "
			       "\"example.org\")) NIL NIL ((NIL NIL \"bob\" \"example.org\")) NIL NIL "
			       "NIL \"<id@x>\"))\r\n",
			       &r),
			 0);
	assert_int_equal(imap_envelope_from_resp(&r, &env, addr, sizeof addr), 0);
	assert_int_equal(env.uid, 17);
	assert_string_equal(env.subject, "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
	assert_string_equal(env.from_name, "Test Sender");
	assert_string_equal(env.from_addr, "sender@example.org");
	imap_resp_free(&r);

	/* No From, no subject, UID after ENVELOPE, a literal subject. */
	assert_int_equal(parse("* 4 FETCH (ENVELOPE (NIL {3}\r\nabc NIL NIL NIL NIL NIL NIL NIL NIL) "
			       "UID 18)\r\n",
			       &r),
			 0);
	assert_int_equal(imap_envelope_from_resp(&r, &env, addr, sizeof addr), 0);
	assert_int_equal(env.uid, 18);
	assert_string_equal(env.subject, "abc");
	assert_null(env.from_name);
	assert_null(env.from_addr);
	imap_resp_free(&r);

	static const char *const bad[] = {
		"* 4 FETCH (UID 18)\r\n",                /* no envelope */
		"* 4 FETCH (ENVELOPE (NIL NIL))\r\n",    /* no UID */
		"* 4 FETCH (UID 0 ENVELOPE (NIL NIL))\r\n",
		"* 4 FETCH UID 18\r\n",
		"* x FETCH (UID 18 ENVELOPE (NIL NIL))\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i], &r), 0);
		if (imap_envelope_from_resp(&r, &env, addr, sizeof addr) == 0)
			fail_msg("accepted: %s", bad[i]);
		imap_resp_free(&r);
	}
	/* An address longer than the buffer is cut, not overrun. */
	char big[600];
	snprintf(big, sizeof big, "* 1 FETCH (UID 2 ENVELOPE (NIL NIL ((NIL NIL \"%0200d\" \"h\"))))\r\n", 0);
	assert_int_equal(parse(big, &r), 0);
	assert_int_equal(imap_envelope_from_resp(&r, &env, addr, sizeof addr), 0);
	assert_int_equal(strlen(env.from_addr), sizeof addr - 1);
	imap_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_hostile_refused),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_pushes),
		cmocka_unit_test(test_envelopes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
