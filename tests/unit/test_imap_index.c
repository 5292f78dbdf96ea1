/* Unit tests of the index fetch's own reading: whole responses cut out of a
 * stream (literals, CRLF inside them, bytes trickling in one at a time,
 * sizes past the limit refused before reading, truncation, bytes handed
 * back), and FETCH responses turned into summaries, hostile ones included
 * (NUL bytes, deep nesting, wrong types, broken dates). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>

#include "net/imap_index.h"
#include "net/imap_reader.h"
#include "util/strbuf.h"

/* A stream over bytes in memory, handing out at most chunk bytes a read
 * and failing (as skua's driver does at EOF) once they are gone. */
struct mem {
	const char *data;
	size_t len, pos, chunk;
	int reads;
};

static ssize_t mem_read(mailstream_low *l, void *buf, size_t n)
{
	struct mem *m = l->data;

	if (m->pos == m->len)
		return -1;
	if (n > m->chunk)
		n = m->chunk;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	m->reads++;
	return (ssize_t)n;
}

static ssize_t mem_write(mailstream_low *l, const void *buf, size_t n)
{
	(void)l;
	(void)buf;
	return (ssize_t)n;
}

static int mem_close(mailstream_low *l)
{
	(void)l;
	return 0;
}

static int mem_fd(mailstream_low *l)
{
	(void)l;
	return -1;
}

static void mem_free(mailstream_low *l)
{
	free(l);
}

static void mem_cancel(mailstream_low *l)
{
	(void)l;
}

static mailstream_low_driver mem_driver = {
	.mailstream_read = mem_read,
	.mailstream_write = mem_write,
	.mailstream_close = mem_close,
	.mailstream_get_fd = mem_fd,
	.mailstream_free = mem_free,
	.mailstream_cancel = mem_cancel,
};

static mailstream *mem_stream(struct mem *m, const char *data, size_t len, size_t chunk)
{
	memset(m, 0, sizeof *m);
	m->data = data;
	m->len = len;
	m->chunk = chunk;
	return mailstream_new(mailstream_low_new(m, &mem_driver), 8192);
}

static const char three[] = "* 1 FETCH (UID 5 X {7}\r\na\r\n)\0b} FLAGS ())\r\n"
			    "* 2 EXISTS\r\n"
			    "7 OK done\r\n"
			    "* 3 EXPUNGE\r\n";

static void read_three(size_t chunk)
{
	struct mem m;
	mailstream *st = mem_stream(&m, three, sizeof three - 1, chunk);
	struct imap_reader rd = { 0 };
	const char *p;
	size_t len;

	assert_int_equal(imap_reader_next(&rd, st, 1000, &p, &len), IMAP_READ_OK);
	assert_int_equal(len, 43);
	assert_memory_equal(p, three, 43);
	assert_int_equal(imap_reader_next(&rd, st, 1000, &p, &len), IMAP_READ_OK);
	assert_int_equal(len, 12);
	assert_memory_equal(p, "* 2 EXISTS\r\n", 12);
	assert_int_equal(imap_reader_next(&rd, st, 1000, &p, &len), IMAP_READ_OK);
	assert_memory_equal(p, "7 OK done\r\n", len);
	/* What was read past the tagged reply goes back, ahead of the rest. */
	assert_int_equal(imap_reader_unread(&rd, st), 0);
	char rest[64];
	size_t got = 0;
	ssize_t n;
	while (got < 13 && (n = mailstream_read(st, rest + got, 13 - got)) > 0)
		got += (size_t)n;
	assert_int_equal(got, 13);
	assert_memory_equal(rest, "* 3 EXPUNGE\r\n", 13);
	imap_reader_free(&rd);
	mailstream_close(st);
}

static void test_reader_whole_responses(void **state)
{
	(void)state;
	read_three(65536);
	read_three(1);   /* every byte on its own read */
	read_three(5);
}

static void test_reader_bounds(void **state)
{
	static const char huge[] = "* 1 FETCH (BODY[] {100000000000}\r\nxxxx";
	static const char huger[] = "* 1 FETCH (BODY[] {99999999999999999999999}\r\nxxxx";
	static const char cut[] = "* 1 FETCH (BODY[] {10}\r\nabc";
	static const char noline[] = "* 1 FETCH (UID 1 FLAGS (\\Seen \\Seen \\Seen \\Seen \\Seen";
	struct mem m;
	struct imap_reader rd = { 0 };
	const char *p;
	size_t len;
	mailstream *st;
	(void)state;

	/* Refused from the announced size, before its bytes are awaited. */
	st = mem_stream(&m, huge, sizeof huge - 1, 65536);
	assert_int_equal(imap_reader_next(&rd, st, 1 << 20, &p, &len), IMAP_READ_TOO_LONG);
	assert_int_equal(m.reads, 1);
	imap_reader_free(&rd);
	mailstream_close(st);
	/* More digits than any size: not a literal, and the line is too long
	 * for a limit of 40 either way. */
	st = mem_stream(&m, huger, sizeof huger - 1, 65536);
	assert_int_equal(imap_reader_next(&rd, st, 40, &p, &len), IMAP_READ_TOO_LONG);
	imap_reader_free(&rd);
	mailstream_close(st);
	/* The server goes away inside a literal. */
	st = mem_stream(&m, cut, sizeof cut - 1, 3);
	assert_int_equal(imap_reader_next(&rd, st, 1 << 20, &p, &len), IMAP_READ_STREAM);
	imap_reader_free(&rd);
	mailstream_close(st);
	/* A line that never ends stops at the limit, not at memory's end. */
	st = mem_stream(&m, noline, sizeof noline - 1, 4);
	assert_int_equal(imap_reader_next(&rd, st, 20, &p, &len), IMAP_READ_TOO_LONG);
	assert_true(m.pos < sizeof noline - 1);
	imap_reader_free(&rd);
	mailstream_close(st);
}

/* Parses text as the index fetch does and summarises it. */
static int summarise(const char *text, size_t len, struct imap_resp *r,
		     struct imap_index_scratch *x, struct imap_summary *m)
{
	struct err e;

	if (imap_resp_parse_into(text, len, IMAP_INDEX_MAX_DEPTH, r, &e) < 0)
		return -1;
	return imap_index_summary(r, x, m);
}

#define S(lit) lit, sizeof lit - 1

static void test_summary_fields(void **state)
{
	static const char text[] =
		"* 12 FETCH (UID 4711 FLAGS (\\Seen \\flagged $forwarded \\Recent $Junk) "
		"INTERNALDATE \" 2-Jan-2023 10:00:00 -0530\" RFC822.SIZE 3072 MODSEQ (99) "
		"ENVELOPE (\"Mon, 2 Jan 2023 10:00:00 -0530\" {9}\r\nHi \"there "
		"((\"=?utf-8?q?Zo=C3=AB?=\" NIL \"zoe\" \"x.org\")) NIL NIL "
		"((NIL NIL \"team\" NIL)(\"Doe, J.\" NIL \"j\" \"x.org\")(NIL NIL NIL NIL)(NIL NIL \"b\" \"y.org\")) "
		"((\"q\\\\\\\"t\" NIL \"c\" \"x.org\")) NIL \"<p@x>\" \"<m@x>\") "
		"BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)"
		"(\"application\" \"pdf\" (\"name*\" \"utf-8''a.pdf\") NIL NIL \"base64\" 100 NIL NIL NIL NIL) "
		"\"mixed\" (\"boundary\" \"b\") NIL NIL NIL) "
		"BODY[HEADER.FIELDS (REFERENCES)] {29}\r\nReferences: <a@x>\r\n <b@x>\r\n\r\n)\r\n";
	struct imap_resp r = { 0 };
	struct imap_index_scratch x = { 0 };
	struct imap_summary m;
	(void)state;

	assert_int_equal(summarise(S(text), &r, &x, &m), 1);
	assert_int_equal(m.uid, 4711);
	assert_int_equal(m.flags, MSG_SEEN | MSG_FLAGGED | MSG_FORWARDED | MSG_RECENT);
	assert_int_equal(m.internal_date, 1672673400);   /* 2023-01-02 15:30 UTC */
	assert_int_equal(m.size, 3072);
	assert_int_equal(m.modseq, 99);
	assert_string_equal(m.date, "Mon, 2 Jan 2023 10:00:00 -0530");
	assert_string_equal(m.subject, "Hi \"there");
	assert_string_equal(m.from_name, "=?utf-8?q?Zo=C3=AB?=");
	assert_string_equal(m.from_addr, "zoe@x.org");
	assert_string_equal(m.to, "team: \"Doe, J.\" <j@x.org>;, b@y.org");
	assert_string_equal(m.cc, "\"q\\\\\\\"t\" <c@x.org>");
	assert_string_equal(m.in_reply_to, "<p@x>");
	assert_string_equal(m.message_id, "<m@x>");
	assert_int_equal(m.has_attachment, 1);
	assert_string_equal(m.references, "References: <a@x>\r\n <b@x>\r\n\r\n");
	/* An empty field, NIL, or no such item: none. */
	static const char *const none[] = {
		"* 1 FETCH (UID 1 ENVELOPE () BODY[HEADER.FIELDS (REFERENCES)] \"\")\r\n",
		"* 1 FETCH (UID 1 ENVELOPE () BODY[HEADER.FIELDS (REFERENCES)] NIL)\r\n",
		"* 1 FETCH (UID 1 ENVELOPE () BODY[HEADER.FIELDS (REFERENCES)] {0}\r\n)\r\n",
		"* 1 FETCH (UID 1 ENVELOPE () BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1))\r\n",
	};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		assert_int_equal(summarise(none[i], strlen(none[i]), &r, &x, &m), 1);
		assert_null(m.references);
	}
	imap_resp_free(&r);
	imap_index_scratch_free(&x);
}

static void test_summary_kinds(void **state)
{
	struct imap_resp r = { 0 };
	struct imap_index_scratch x = { 0 };
	struct imap_summary m;
	(void)state;

	assert_int_equal(summarise(S("* 3 EXISTS\r\n"), &r, &x, &m), 0);
	assert_int_equal(summarise(S("* OK [UIDNEXT 9] x\r\n"), &r, &x, &m), 0);
	assert_int_equal(summarise(S("* x FETCH (UID 1)\r\n"), &r, &x, &m), 0);
	assert_int_equal(summarise(S("* 1 FETCH UID\r\n"), &r, &x, &m), 0);
	/* Another client's flag change: no envelope, no summary. */
	assert_int_equal(summarise(S("* 1 FETCH (UID 3 FLAGS (\\Deleted))\r\n"), &r, &x, &m), 2);
	assert_int_equal(m.uid, 3);
	assert_int_equal(m.flags, MSG_DELETED);
	/* NIL everywhere, and a dangling item name. */
	assert_int_equal(summarise(S("* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
				     "BODYSTRUCTURE NIL UID)\r\n"),
				   &r, &x, &m),
			 1);
	assert_int_equal(m.uid, 0);
	assert_null(m.subject);
	assert_null(m.from_addr);
	assert_null(m.to);
	imap_resp_free(&r);
	imap_index_scratch_free(&x);
}

static void test_summary_hostile(void **state)
{
	static const char nul[] = "* 1 FETCH (UID 2 ENVELOPE (NIL {5}\r\nab\0cd NIL NIL NIL NIL NIL NIL NIL NIL))\r\n";
	static const char *const wrong[] = {
		/* atoms and numbers where strings belong, short addresses */
		"* 1 FETCH (UID 99999999999 RFC822.SIZE -1 ENVELOPE (Date Subj ((a b)) NIL NIL "
		"(x (NIL NIL \"m\") (1 2 3 4)) NIL NIL NIL NIL) INTERNALDATE garbage MODSEQ 5)\r\n",
		"* 1 FETCH (ENVELOPE (NIL NIL) INTERNALDATE \"31-Foo-2023 10:00:00 +0000\")\r\n",
		"* 1 FETCH (ENVELOPE () INTERNALDATE \"1-Jan-2023 25:00:00 +0000\")\r\n",
		"* 1 FETCH (ENVELOPE () INTERNALDATE \"01-Jan-2023 10:00:00 +0000 \")\r\n",
		"* 1 FETCH (ENVELOPE () INTERNALDATE \"01-Jan-\")\r\n",
		"* 1 FETCH (ENVELOPE () BODYSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL NIL 1 NIL))\r\n",
		"* 1 FETCH (ENVELOPE () BODYSTRUCTURE ((((()))) \"mixed\"))\r\n",
	};
	struct imap_resp r = { 0 };
	struct imap_index_scratch x = { 0 };
	struct imap_summary m;
	(void)state;

	/* A literal with a NUL: the text ends there, as a C string must. */
	assert_int_equal(summarise(nul, sizeof nul - 1, &r, &x, &m), 1);
	assert_string_equal(m.subject, "ab");
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		assert_int_equal(summarise(wrong[i], strlen(wrong[i]), &r, &x, &m), 1);
		assert_int_equal(m.uid, 0);
		assert_int_equal(m.internal_date, 0);
		assert_int_equal(m.size, 0);
		assert_int_equal(m.has_attachment, 0);
		assert_null(m.subject);
	}
	/* NUL bytes outside literals, a literal longer than the rest, and a
	 * stray parenthesis are refused by the parser. */
	assert_int_equal(summarise(S("* 1 FETCH (UID\0 1 ENVELOPE ())\r\n"), &r, &x, &m), -1);
	assert_int_equal(summarise(S("* 1 FETCH (UID 1 X \"a\0b\")\r\n"), &r, &x, &m), -1);
	assert_int_equal(summarise(S("* 1 FETCH (X {4000000000}\r\nab)\r\n"), &r, &x, &m), -1);
	assert_int_equal(summarise(S("* 1 FETCH (X {3}\r\nab"), &r, &x, &m), -1);
	assert_int_equal(summarise(S("* 1 FETCH (X))\r\n"), &r, &x, &m), -1);
	/* The tree is reused after a refusal. */
	assert_int_equal(summarise(S("* 1 FETCH (UID 7 ENVELOPE ())\r\n"), &r, &x, &m), 1);
	assert_int_equal(m.uid, 7);
	imap_resp_free(&r);
	imap_index_scratch_free(&x);
}

/* A multipart nested depth levels deep around an attachment. */
static char *nested(int depth)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_appends(&b, "* 1 FETCH (UID 1 ENVELOPE () BODYSTRUCTURE ");
	for (int i = 0; i < depth; i++)
		strbuf_appendc(&b, '(');
	strbuf_appends(&b, "\"application\" \"zip\" (\"name\" \"z.zip\") NIL NIL \"base64\" 9");
	for (int i = 0; i < depth - 1; i++)
		strbuf_appends(&b, ") \"mixed\"");
	strbuf_appends(&b, "))\r\n");
	return strbuf_detach(&b, NULL);
}

static void test_summary_deep(void **state)
{
	struct imap_resp r = { 0 };
	struct imap_index_scratch x = { 0 };
	struct imap_summary m;
	char *t;
	(void)state;

	t = nested(20);
	assert_int_equal(summarise(t, strlen(t), &r, &x, &m), 1);
	assert_int_equal(m.has_attachment, 1);
	free(t);
	/* Parsed, but deeper than the attachment search goes. */
	t = nested(200);
	assert_int_equal(summarise(t, strlen(t), &r, &x, &m), 1);
	assert_int_equal(m.uid, 1);
	assert_int_equal(m.has_attachment, 0);
	free(t);
	/* Deeper than any server nests: refused. */
	t = nested(IMAP_INDEX_MAX_DEPTH + 5);
	assert_int_equal(summarise(t, strlen(t), &r, &x, &m), -1);
	free(t);
	t = nested(100000);
	assert_int_equal(summarise(t, strlen(t), &r, &x, &m), -1);
	free(t);
	imap_resp_free(&r);
	imap_index_scratch_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_whole_responses),
		cmocka_unit_test(test_reader_bounds),
		cmocka_unit_test(test_summary_fields),
		cmocka_unit_test(test_summary_kinds),
		cmocka_unit_test(test_summary_hostile),
		cmocka_unit_test(test_summary_deep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
