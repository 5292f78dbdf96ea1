/* Unit tests of src/mail/compose: built messages parse back to what was put
 * in, are 7-bit CRLF with short lines, and carry no Bcc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/compose.h"
#include "mail/message.h"
#include "util/strbuf.h"

static char *tmp_dir;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	if (asprintf(&tmp_dir, "%s/skua-compose-XXXXXX", t && *t ? t : P_tmpdir) < 0)
		return -1;
	return mkdtemp(tmp_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(tmp_dir);
	free(tmp_dir);
	return 0;
}

static char *write_file(const char *name, const void *data, size_t len)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", tmp_dir, name) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* CRLF only, 7-bit, no line above 998, headers folded to 78 where they can be. */
static void assert_wire_clean(const struct strbuf *m)
{
	size_t col = 0;
	int in_headers = 1;
	for (size_t i = 0; i < m->len; i++) {
		unsigned char c = (unsigned char)m->s[i];
		assert_true(c < 0x80);
		assert_true(c != 0);
		if (c == '\r') {
			assert_true(i + 1 < m->len && m->s[i + 1] == '\n');
			if (in_headers) {
				if (col > 78)
					fail_msg("header line of %zu characters", col);
				if (col == 0)
					in_headers = 0;
			}
			col = 0;
			i++;
			continue;
		}
		assert_true(c != '\n');
		col++;
		assert_true(col <= 998);
	}
	assert_int_equal(col, 0);
}

/* The header block only, for looking at header names. */
static char *headers_of(const struct strbuf *m)
{
	const char *end = strstr(m->s, "\r\n\r\n");
	assert_non_null(end);
	size_t n = (size_t)(end - m->s) + 2;
	char *h = malloc(n + 1);
	memcpy(h, m->s, n);
	h[n] = '\0';
	return h;
}

static int has_header_line(const char *msg, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncasecmp(msg, prefix, n) == 0)
		return 1;
	for (const char *p = strstr(msg, "\n"); p; p = strstr(p + 1, "\n"))
		if (strncasecmp(p + 1, prefix, n) == 0)
			return 1;
	return 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	unsigned char pdf[70000];
	memcpy(pdf, "%PDF-1.4\n", 9);
	for (size_t i = 9; i < sizeof pdf; i++)
		pdf[i] = (unsigned char)(i * 31 + (i >> 8));
	char *path = write_file("Résumé 2024.pdf", pdf, sizeof pdf);

	const char *body = "Hallo Bob,\n\nGrüße aus Köln — anbei der Lebenslauf.\n"
			   "A long line: Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
			   "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.\n"
			   "From the start of a line.\n.\nEnde\n";
	struct compose_attachment att = { .path = path };
	struct compose_draft d = {
		.from_name = "Jörg Müller",
		.from_addr = "joerg@example.de",
		.to = "Bob <bob@example.net>, \"Last, First\" <first@example.com>",
		.cc = "carol@example.org",
		.bcc = "secret@example.org, BOB@example.net",
		.subject = "Grüße: Übersicht für März — 😀 and a long subject to force folding "
			   "of the encoded words over several lines",
		.body = body,
		.in_reply_to = "<orig@example.net>",
		.references = "<a@example.net> <orig@example.net>",
		.atts = &att,
		.natts = 1,
	};
	struct compose_result r;
	struct err e;
	if (compose_build(&d, &r, &e) < 0)
		fail_msg("compose_build: %s", e.msg);

	assert_wire_clean(&r.message);
	char *h = headers_of(&r.message);
	assert_false(has_header_line(r.message.s, "Bcc:"));
	assert_null(strstr(r.message.s, "secret@example.org"));
	assert_true(has_header_line(h, "MIME-Version: 1.0"));
	assert_true(has_header_line(h, "In-Reply-To: <orig@example.net>"));
	assert_true(has_header_line(h, "References: <a@example.net> <orig@example.net>"));
	free(h);

	assert_int_equal(r.nrcpts, 4);
	assert_string_equal(r.rcpts[0], "bob@example.net");
	assert_string_equal(r.rcpts[1], "first@example.com");
	assert_string_equal(r.rcpts[2], "carol@example.org");
	assert_string_equal(r.rcpts[3], "secret@example.org");

	/* "<32 hex digits@sender domain>" */
	assert_int_equal(strlen(r.message_id), 1 + 32 + 1 + strlen("example.de") + 1);
	for (int i = 1; i <= 32; i++)
		assert_true(isxdigit((unsigned char)r.message_id[i]));
	assert_string_equal(r.message_id + 33, "@example.de>");

	struct mail_message *m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_non_null(m);
	assert_string_equal(m->subject, d.subject);
	assert_string_equal(m->from, "Jörg Müller <joerg@example.de>");
	assert_string_equal(m->to, "Bob <bob@example.net>, \"Last, First\" <first@example.com>");
	assert_string_equal(m->cc, "carol@example.org");
	assert_string_equal(m->message_id, r.message_id);
	assert_string_equal(m->in_reply_to, "<orig@example.net>");
	assert_string_equal(m->body, body);
	assert_true(m->date_epoch > 1700000000);
	assert_true(llabs(m->date_epoch - (long long)time(NULL)) < 60);
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, "Résumé 2024.pdf");
	assert_string_equal(m->atts[0].content_type, "application/pdf");
	assert_int_equal(m->atts[0].size, sizeof pdf);
	char *data;
	size_t len;
	assert_int_equal(mail_message_attachment_data(m, 0, &data, &len, &e), 0);
	assert_int_equal(len, sizeof pdf);
	assert_memory_equal(data, pdf, sizeof pdf);
	free(data);
	mail_message_free(m);
	compose_result_free(&r);
	unlink(path);
	free(path);
}

static void test_large_attachment(void **state)
{
	(void)state;
	size_t n = 10 * 1024 * 1024 + 17;
	unsigned char *big = malloc(n);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (unsigned char)x;
	}
	char *path = write_file("big.bin", big, n);
	struct compose_attachment att = { .path = path, .name = "daten.bin",
					  .content_type = "application/octet-stream" };
	struct compose_draft d = { .from_addr = "a@example.org", .to = "b@example.org",
				   .subject = "big", .body = "see attachment\n", .atts = &att,
				   .natts = 1 };
	struct compose_result r;
	struct err e;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_wire_clean(&r.message);
	struct mail_message *m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_non_null(m);
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, "daten.bin");
	assert_int_equal(m->atts[0].size, n);
	char *data;
	size_t len;
	assert_int_equal(mail_message_attachment_data(m, 0, &data, &len, &e), 0);
	assert_int_equal(len, n);
	assert_true(memcmp(data, big, n) == 0);
	free(data);
	mail_message_free(m);
	compose_result_free(&r);
	unlink(path);
	free(path);
	free(big);
}

static void test_simple_7bit(void **state)
{
	(void)state;
	struct compose_draft d = { .from_addr = "a@example.org", .to = "b@example.org",
				   .subject = "plain", .body = "short ascii\r\nlines only" };
	struct compose_result r;
	struct err e;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_wire_clean(&r.message);
	assert_non_null(strstr(r.message.s, "Content-Transfer-Encoding: 7bit\r\n\r\n"
					    "short ascii\r\nlines only\r\n"));
	assert_null(strstr(r.message.s, "multipart"));
	assert_non_null(strstr(r.message.s, "\r\nSubject: plain\r\n"));
	compose_result_free(&r);

	/* a long ASCII line needs quoted-printable */
	char line[200];
	memset(line, 'w', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	d.body = line;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_non_null(strstr(r.message.s, "quoted-printable"));
	assert_wire_clean(&r.message);
	compose_result_free(&r);
}

static void test_header_injection(void **state)
{
	(void)state;
	struct compose_draft d = {
		.from_name = "Evil\r\nX-Injected: 1",
		.from_addr = "a@example.org",
		.to = "Name\r\nX-Bad: 2 <b@example.org>",
		.subject = "hi\r\nBcc: victim@example.org\nX-Also: 3",
		.body = "x",
		.references = "<a@b>\r\nX-Ref: 4",
	};
	struct compose_result r;
	struct err e;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_wire_clean(&r.message);
	char *h = headers_of(&r.message);
	assert_false(has_header_line(h, "X-Injected"));
	assert_false(has_header_line(h, "X-Bad"));
	assert_false(has_header_line(h, "Bcc"));
	assert_false(has_header_line(h, "X-Also"));
	assert_false(has_header_line(h, "X-Ref"));
	free(h);
	struct mail_message *m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_string_equal(m->subject, "hi  Bcc: victim@example.org X-Also: 3");
	mail_message_free(m);
	compose_result_free(&r);
}

static void test_errors(void **state)
{
	(void)state;
	struct compose_result r;
	struct err e;
	struct compose_draft d = { .from_addr = "a@example.org", .to = "ok@example.org, bob",
				   .subject = "s", .body = "b" };
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "\"bob\""));
	assert_non_null(strstr(e.msg, "To"));
	assert_null(r.message.s);

	d.to = NULL;
	d.cc = " ";
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "no recipient"));

	d.to = "b@example.org";
	d.bcc = "x@y.org, Name <broken";
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_non_null(strstr(e.msg, "Bcc"));

	d.bcc = NULL;
	d.from_addr = "not an address";
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);

	d.from_addr = "a@example.org";
	d.to = "jörg@example.de";
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);

	d.to = "b@example.org";
	struct compose_attachment att = { .path = "/nonexistent/skua/file.pdf" };
	d.atts = &att;
	d.natts = 1;
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "/nonexistent/skua/file.pdf"));
	assert_null(r.message.s);
	assert_int_equal(r.nrcpts, 0);

	att.path = tmp_dir;
	assert_int_equal(compose_build(&d, &r, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, tmp_dir));
}

static void check_zone(const char *tz, const char *want1, const char *want2)
{
	char zi[256];
	snprintf(zi, sizeof zi, "/usr/share/zoneinfo/%s", tz);
	if (access(zi, R_OK) != 0)
		skip();
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	struct compose_draft d = { .from_addr = "a@example.org", .to = "b@example.org",
				   .subject = "tz", .body = "b" };
	struct compose_result r;
	struct err e;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	const char *date = strstr(r.message.s, "Date: ");
	assert_non_null(date);
	const char *eol = strstr(date, "\r\n");
	const char *zone = eol - 5;
	if (strncmp(zone, want1, 5) != 0 && (want2 == NULL || strncmp(zone, want2, 5) != 0))
		fail_msg("zone of %.*s for %s", (int)(eol - date), date, tz);
	/* and it parses back to now */
	struct mail_message *m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_true(llabs(m->date_epoch - (long long)time(NULL)) < 60);
	mail_message_free(m);
	compose_result_free(&r);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void test_date_zones(void **state)
{
	(void)state;
	check_zone("Asia/Kolkata", "+0530", NULL);
	check_zone("Asia/Kathmandu", "+0545", NULL);
	check_zone("America/St_Johns", "-0330", "-0230");
	check_zone("UTC", "+0000", NULL);
}

static void test_random_ids_differ(void **state)
{
	(void)state;
	char *path = write_file("a.txt", "hello\n", 6);
	struct compose_attachment att = { .path = path };
	struct compose_draft d = { .from_addr = "a@example.org", .to = "b@example.org",
				   .subject = "s", .body = "b", .atts = &att, .natts = 1 };
	struct compose_result r1, r2;
	struct err e;
	assert_int_equal(compose_build(&d, &r1, &e), 0);
	assert_int_equal(compose_build(&d, &r2, &e), 0);
	assert_string_not_equal(r1.message_id, r2.message_id);
	const char *b1 = strstr(r1.message.s, "boundary=\"");
	const char *b2 = strstr(r2.message.s, "boundary=\"");
	assert_non_null(b1);
	assert_non_null(b2);
	assert_true(strncmp(b1, b2, 50) != 0);
	/* the text file got its type and charset from libmagic */
	assert_non_null(strstr(r1.message.s, "Content-Type: text/plain; charset=us-ascii;"));
	compose_result_free(&r1);
	compose_result_free(&r2);
	unlink(path);
	free(path);
}

static void test_long_filename_continuations(void **state)
{
	(void)state;
	char name[256] = "";
	for (int i = 0; i < 30; i++)
		strcat(name, "ü");
	strcat(name, " and some ascii words too.txt");
	char *path = write_file("plain.txt", "x", 1);
	struct compose_attachment att = { .path = path, .name = name };
	struct compose_draft d = { .from_addr = "a@example.org", .to = "b@example.org",
				   .subject = "s", .body = "b", .atts = &att, .natts = 1 };
	struct compose_result r;
	struct err e;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_wire_clean(&r.message);
	assert_non_null(strstr(r.message.s, "filename*0*=utf-8''"));
	assert_non_null(strstr(r.message.s, "filename*1*="));
	struct mail_message *m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, name);
	mail_message_free(m);
	compose_result_free(&r);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_large_attachment),
		cmocka_unit_test(test_simple_7bit),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_date_zones),
		cmocka_unit_test(test_random_ids_differ),
		cmocka_unit_test(test_long_filename_continuations),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
