/* Unit tests of src/mail/reply: recipients, Re:/Fwd: subjects, quoting,
 * threading headers, forwards, and a compose_build/parse round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/compose.h"
#include "mail/message.h"
#include "mail/reply.h"
#include "util/strbuf.h"

static const char *const alts[] = { "Alice.Work@Example.COM" };
static const struct reply_identity me = { "Alice", "alice@example.org", alts, 1 };

static struct mail_message *parse(const char *raw)
{
	struct err e = { 0 };
	struct mail_message *m = mail_message_parse(raw, strlen(raw), &e);
	assert_non_null(m);
	return m;
}

static struct reply_seed seed(const char *raw, enum reply_kind k)
{
	struct mail_message *m = parse(raw);
	struct reply_seed s;
	struct err e = { 0 };
	assert_int_equal(reply_seed_build(m, &me, k, &s, &e), 0);
	mail_message_free(m);
	return s;
}

static void test_subjects(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{ "Hello", "Re: Hello" },         { "Re: Hello", "Re: Hello" },
		{ "RE: Hello", "Re: Hello" },     { "re:Hello", "Re: Hello" },
		{ "Re: Re: Hello", "Re: Hello" }, { "Re[2]: Hello", "Re: Hello" },
		{ "AW: Hello", "Re: Hello" },     { "Sv: Re: Hello", "Re: Hello" },
		{ "", "Re: " },                   { "Reply", "Re: Reply" },
		{ "Re[x]: a", "Re: Re[x]: a" },   { "Fwd: a", "Re: Fwd: a" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *r = reply_subject(cases[i][0]);
		assert_string_equal(r, cases[i][1]);
		free(r);
	}
	char *f = forward_subject("Hello");
	assert_string_equal(f, "Fwd: Hello");
	free(f);
	f = forward_subject("FWD: Hello");
	assert_string_equal(f, "FWD: Hello");
	free(f);
	f = forward_subject(NULL);
	assert_string_equal(f, "Fwd: ");
	free(f);
}

static void test_attachment_name(void **state)
{
	(void)state;
	char *n = forward_attachment_name("../../etc/passwd: hi\x1b[31m");
	assert_null(strchr(n, '/'));
	assert_null(strchr(n, '\x1b'));
	assert_true(n[0] != '.');
	assert_string_equal(n + strlen(n) - 4, ".eml");
	free(n);
	n = forward_attachment_name("");
	assert_string_equal(n, "forwarded message.eml");
	free(n);
	n = forward_attachment_name("Caf\xc3\xa9 plans");
	assert_string_equal(n, "Caf\xc3\xa9 plans.eml");
	free(n);
}

static void test_reply_basic(void **state)
{
	(void)state;
	struct reply_seed s = seed("From: Bob <bob@example.org>\r\nTo: alice@example.org\r\n"
				   "Subject: RE: Lunch\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
				   "Message-ID: <m1@example.org>\r\n\r\nHi\r\n\r\n> older\r\n",
				   REPLY_SENDER);
	assert_string_equal(s.to, "Bob <bob@example.org>");
	assert_string_equal(s.cc, "");
	assert_string_equal(s.subject, "Re: Lunch");
	assert_string_equal(s.in_reply_to, "<m1@example.org>");
	assert_string_equal(s.references, "<m1@example.org>");
	assert_string_equal(s.body, "On Mon, 1 Jan 2024 10:00:00 +0000, Bob wrote:\n"
				    "> Hi\n>\n> > older\n\n");
	reply_seed_free(&s);
}

static void test_reply_to_and_refs(void **state)
{
	(void)state;
	struct reply_seed s = seed("From: bob@example.org\r\nReply-To: list@example.net\r\n"
				   "Subject: x\r\nMessage-ID: <m2@x>\r\nIn-Reply-To: <m1@x>\r\n"
				   "References: <m0@x>\r\n <m1@x>\r\n\r\nb\r\n",
				   REPLY_SENDER);
	assert_string_equal(s.to, "list@example.net");
	assert_string_equal(s.references, "<m0@x> <m1@x> <m2@x>");
	assert_string_equal(s.body, "bob@example.org wrote:\n> b\n\n");
	reply_seed_free(&s);
	/* no References: In-Reply-To stands in */
	s = seed("From: bob@example.org\r\nMessage-ID: <m2@x>\r\nIn-Reply-To: <m1@x>\r\n\r\n",
		 REPLY_SENDER);
	assert_string_equal(s.references, "<m1@x> <m2@x>");
	assert_string_equal(s.subject, "Re: ");
	reply_seed_free(&s);
}

static void test_missing_headers(void **state)
{
	(void)state;
	struct reply_seed s = seed("From: bob@example.org\r\n\r\n", REPLY_SENDER);
	assert_string_equal(s.in_reply_to, "");
	assert_string_equal(s.references, "");
	reply_seed_free(&s);
	struct mail_message *m = parse("Subject: nobody\r\n\r\nx\r\n");
	struct reply_seed t;
	struct err e = { 0 };
	assert_int_equal(reply_seed_build(m, &me, REPLY_SENDER, &t, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	mail_message_free(m);
}

static void test_huge_references(void **state)
{
	(void)state;
	struct strbuf raw = STRBUF_INIT;
	strbuf_appends(&raw, "From: bob@example.org\r\nMessage-ID: <last@x>\r\nReferences:");
	for (int i = 0; i < 500; i++)
		strbuf_printf(&raw, " <r%d@x>\r\n", i);
	strbuf_appends(&raw, "\r\nbody\r\n");
	struct reply_seed s = seed(raw.s, REPLY_SENDER);
	strbuf_free(&raw);
	size_t n = 0;
	for (const char *p = s.references; (p = strchr(p, '<')); p++)
		n++;
	assert_int_equal(n, REPLY_MAX_REFERENCES);
	assert_true(strncmp(s.references, "<r0@x> <r482@x> ", 16) == 0);
	assert_string_equal(s.references + strlen(s.references) - 15, "<r499@x> <last@x>" + 2);
	reply_seed_free(&s);
}

static void test_reply_all(void **state)
{
	(void)state;
	struct reply_seed s =
		seed("From: Bob <bob@example.org>\r\n"
		     "To: \"Doe, Jane\" <jane@example.org>, alice@example.org, BOB@example.org\r\n"
		     "Cc: =?UTF-8?Q?Ren=C3=A9?= <rene@example.org>, alice.work@example.com, "
		     "<JANE@example.org>, carol@example.org\r\n"
		     "Subject: plan\r\nMessage-ID: <p@x>\r\n\r\nx\r\n",
		     REPLY_ALL);
	assert_string_equal(s.to, "Bob <bob@example.org>");
	assert_string_equal(s.cc, "\"Doe, Jane\" <jane@example.org>, Ren\xc3\xa9 <rene@example.org>, "
				  "carol@example.org");
	reply_seed_free(&s);
	/* with Reply-To, From is neither To nor Cc; To members stay in Cc */
	s = seed("From: bob@example.org\r\nReply-To: list@example.net\r\n"
		 "To: list@example.net, dave@example.org\r\n\r\n",
		 REPLY_ALL);
	assert_string_equal(s.to, "list@example.net");
	assert_string_equal(s.cc, "dave@example.org");
	reply_seed_free(&s);
	/* replying to one's own message goes to its recipients */
	s = seed("From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nCc: carol@example.org\r\n\r\n",
		 REPLY_ALL);
	assert_string_equal(s.to, "bob@example.org");
	assert_string_equal(s.cc, "carol@example.org");
	reply_seed_free(&s);
}

static const char fwd_raw[] =
	"From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nCc: carol@example.org\r\n"
	"Subject: Report\r\nDate: Tue, 2 Jan 2024 09:00:00 +0000\r\nMessage-ID: <f@x>\r\n"
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n"
	"--BB\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
	"--BB\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n"
	"Content-Disposition: attachment; filename=\"r.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	"JVBERi0xLjQK\r\n--BB--\r\n";

static void test_forward_inline(void **state)
{
	(void)state;
	struct reply_seed s = seed(fwd_raw, FORWARD_INLINE);
	assert_string_equal(s.to, "");
	assert_string_equal(s.subject, "Fwd: Report");
	assert_string_equal(s.in_reply_to, "");
	assert_string_equal(s.body, "\n---------- Forwarded message ----------\n"
				    "From: Bob <bob@example.org>\nDate: Tue, 2 Jan 2024 09:00:00 +0000\n"
				    "Subject: Report\nTo: alice@example.org\nCc: carol@example.org\n\n"
				    "See attached.\n");
	assert_int_equal(s.natts, 1);
	assert_string_equal(s.atts[0].name, "r.pdf");
	assert_string_equal(s.atts[0].content_type, "application/pdf");
	assert_int_equal(s.atts[0].len, 9);
	assert_memory_equal(s.atts[0].data, "%PDF-1.4\n", 9);
	reply_seed_free(&s);
}

static void test_forward_attach(void **state)
{
	(void)state;
	struct reply_seed s = seed(fwd_raw, FORWARD_ATTACH);
	assert_string_equal(s.subject, "Fwd: Report");
	assert_string_equal(s.body, "");
	assert_int_equal(s.natts, 1);
	assert_string_equal(s.atts[0].name, "Report.eml");
	assert_string_equal(s.atts[0].content_type, "message/rfc822");
	assert_int_equal(s.atts[0].len, strlen(fwd_raw));
	assert_memory_equal(s.atts[0].data, fwd_raw, strlen(fwd_raw));
	reply_seed_free(&s);
}

static struct mail_message *build_back(const struct reply_seed *s, const char *to)
{
	struct compose_attachment atts[4];
	for (size_t i = 0; i < s->natts; i++)
		atts[i] = (struct compose_attachment){ .name = s->atts[i].name,
						       .content_type = s->atts[i].content_type,
						       .data = s->atts[i].data,
						       .len = s->atts[i].len };
	struct compose_draft d = { .from_name = "Alice", .from_addr = "alice@example.org",
				   .to = to ? to : s->to, .cc = s->cc, .subject = s->subject,
				   .body = s->body, .in_reply_to = s->in_reply_to,
				   .references = s->references, .atts = atts, .natts = s->natts };
	struct compose_result r;
	struct err e = { 0 };
	assert_int_equal(compose_build(&d, &r, &e), 0);
	struct mail_message *m = parse(r.message.s);
	compose_result_free(&r);
	return m;
}

static void test_round_trip_reply(void **state)
{
	(void)state;
	struct reply_seed s = seed("From: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>\r\n"
				   "To: alice@example.org\r\nCc: \"Doe, Jane\" <jane@example.org>\r\n"
				   "Subject: Re: =?UTF-8?Q?caf=C3=A9?=\r\nMessage-ID: <r2@x>\r\n"
				   "References: <r0@x> <r1@x>\r\n\r\nline one\r\n> quoted\r\n",
				   REPLY_ALL);
	struct mail_message *m = build_back(&s, NULL);
	assert_string_equal(m->subject, "Re: caf\xc3\xa9");
	assert_string_equal(m->in_reply_to, "<r2@x>");
	assert_string_equal(m->references, "<r0@x> <r1@x> <r2@x>");
	assert_non_null(strstr(m->to, "jose@example.org"));
	assert_non_null(strstr(m->cc, "jane@example.org"));
	assert_non_null(strstr(m->body, "Jos\xc3\xa9 wrote:\n> line one\n> > quoted\n"));
	mail_message_free(m);
	reply_seed_free(&s);
}

static void test_round_trip_forward(void **state)
{
	(void)state;
	struct reply_seed s = seed(fwd_raw, FORWARD_ATTACH);
	struct mail_message *m = build_back(&s, "dave@example.org");
	assert_string_equal(m->subject, "Fwd: Report");
	/* the forwarded message is shown inline by the reader and its own
	 * attachment joins the list */
	assert_non_null(strstr(m->body, "Forwarded message"));
	assert_non_null(strstr(m->body, "See attached."));
	mail_message_free(m);
	/* 7bit on the wire, not base64 */
	struct compose_attachment a = { .name = s.atts[0].name, .content_type = "message/rfc822",
					.data = s.atts[0].data, .len = s.atts[0].len };
	struct compose_draft d = { .from_addr = "alice@example.org", .to = "dave@example.org",
				   .subject = s.subject, .body = "", .atts = &a, .natts = 1 };
	struct compose_result r;
	struct err e = { 0 };
	assert_int_equal(compose_build(&d, &r, &e), 0);
	const char *p = strstr(r.message.s, "Content-Type: message/rfc822");
	assert_non_null(p);
	assert_non_null(strstr(p, "Content-Transfer-Encoding: 7bit\r\n\r\nFrom: Bob"));
	assert_non_null(strstr(p, "JVBERi0xLjQK\r\n--BB--\r\n"));
	compose_result_free(&r);
	/* 8-bit original: octet-stream in base64, bytes intact */
	const char raw8[] = "From: b@x\nSubject: caf\xc3\xa9\n\nna\xc3\xafve\n";
	a.data = raw8;
	a.len = sizeof raw8 - 1;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_null(strstr(r.message.s, "message/rfc822"));
	m = parse(r.message.s);
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].content_type, "application/octet-stream");
	char *data;
	size_t len;
	assert_int_equal(mail_message_attachment_data(m, 0, &data, &len, &e), 0);
	assert_int_equal(len, sizeof raw8 - 1);
	assert_memory_equal(data, raw8, len);
	free(data);
	mail_message_free(m);
	compose_result_free(&r);
	reply_seed_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_attachment_name),
		cmocka_unit_test(test_reply_basic),
		cmocka_unit_test(test_reply_to_and_refs),
		cmocka_unit_test(test_missing_headers),
		cmocka_unit_test(test_huge_references),
		cmocka_unit_test(test_reply_all),
		cmocka_unit_test(test_forward_inline),
		cmocka_unit_test(test_forward_attach),
		cmocka_unit_test(test_round_trip_reply),
		cmocka_unit_test(test_round_trip_forward),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
