/* Unit tests of src/mail/message: real sample messages from tests/data/mail
 * and malformed ones built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/attach_save.h"
#include "mail/charset.h"
#include "mail/message.h"
#include "mail/safe_text.h"
#include "util/strbuf.h"

#ifndef MAIL_TEST_DATA
#error "MAIL_TEST_DATA must name the folder of the sample messages"
#endif

static char *slurp(const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", MAIL_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct strbuf b = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&b, buf, n);
	fclose(f);
	return strbuf_detach(&b, len);
}

static struct mail_message *load(const char *name)
{
	size_t len;
	char *raw = slurp(name, &len);
	struct err e;
	struct mail_message *m = mail_message_parse(raw, len, &e);
	assert_non_null(m);
	/* the message keeps its own copy */
	memset(raw, 'X', len);
	free(raw);
	return m;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

static void test_alternative_prefers_plain(void **state)
{
	(void)state;
	struct mail_message *m = load("alternative.eml");
	assert_string_equal(m->subject, "Lunch on Friday?");
	assert_string_equal(m->from, "Alice Example <alice@example.org>");
	assert_string_equal(m->to, "Bob <bob@example.net>, \"Last, First\" <first.last@example.com>");
	assert_string_equal(m->cc, "");
	assert_string_equal(m->message_id, "<alt-1@example.org>");
	assert_int_equal(m->date_epoch, 1704443400);
	assert_string_equal(m->body, "Hi Bob,\n\nlunch on Friday at noon?\n\nAlice\n");
	assert_false(m->body_from_html);
	assert_int_equal(m->natts, 0);
	mail_message_free(m);
}

static void test_mixed_rfc2231_attachment(void **state)
{
	(void)state;
	struct mail_message *m = load("mixed_rfc2231.eml");
	assert_string_equal(m->subject, "Übersicht für März");
	assert_string_equal(m->from, "Jörg Müller <joerg@example.de>");
	assert_int_equal(m->date_epoch, 1710242110);
	assert_contains(m->body, "anbei die Übersicht für März.");
	assert_null(strstr(m->body, "multi-part message"));
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, "Übersicht März 2024.pdf");
	assert_string_equal(m->atts[0].content_type, "application/pdf");
	assert_false(m->atts[0].inline_part);

	size_t plen;
	char *pdf = slurp("mixed_rfc2231.pdf", &plen);
	assert_int_equal(m->atts[0].size, plen);
	char *data;
	size_t len;
	struct err e;
	assert_int_equal(mail_message_attachment_data(m, 0, &data, &len, &e), 0);
	assert_int_equal(len, plen);
	assert_memory_equal(data, pdf, plen);
	free(data);
	free(pdf);
	assert_int_equal(mail_message_attachment_data(m, 1, &data, &len, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_null(data);
	mail_message_free(m);
}

static void test_latin1_qp(void **state)
{
	(void)state;
	struct mail_message *m = load("latin1_qp.eml");
	assert_string_equal(m->subject, "Grüße aus Köln");
	assert_string_equal(m->from, "François Grün <francois@example.fr>");
	assert_int_equal(m->date_epoch, 1712143800);
	assert_string_equal(m->body,
			    "Grüße aus Köln! Das Wetter ist schön, à bientôt.\n"
			    "Zweite Zeile mit einem sehr langen Text, der mit quoted-printable "
			    "umbrochen werden muss, damit er passt.\n");
	mail_message_free(m);
}

static void test_japanese(void **state)
{
	(void)state;
	struct mail_message *m = load("iso2022jp.eml");
	assert_string_equal(m->subject, "件名のテスト");
	assert_string_equal(m->body, "こんにちは、世界。\n日本語のメールです。\n");
	mail_message_free(m);
	m = load("sjis.eml");
	assert_string_equal(m->body, "ソフトウェアの①テスト～です\n");
	mail_message_free(m);
}

static void test_html_only(void **state)
{
	(void)state;
	struct mail_message *m = load("html_only.eml");
	assert_true(m->body_from_html);
	assert_contains(m->body, "Big news\n");
	assert_contains(m->body, "Read our post <https://example.com/post> & enjoy it — or ❤.");
	assert_contains(m->body, "* first\n* second\n");
	assert_contains(m->body, "> quoted line\n");
	assert_contains(m->body, "  keep   spaces\n  here\n");
	assert_null(strstr(m->body, "Ignored title"));
	assert_null(strstr(m->body, "alert"));
	assert_null(strstr(m->body, "color"));
	/* The HTML itself is kept, as UTF-8, for a mailcap renderer. */
	assert_non_null(m->html);
	assert_non_null(strstr(m->html, "<script"));
	assert_non_null(strstr(m->html, "&#x2764;"));
	assert_int_equal(m->natts, 0);
	mail_message_free(m);
}

static void test_windows_1252_labelled_latin1(void **state)
{
	(void)state;
	struct mail_message *m = load("cp1252_latin1.eml");
	assert_string_equal(m->body, "“smart quotes” – dash € euro café\n");
	mail_message_free(m);
}

static void test_forwarded_inline(void **state)
{
	(void)state;
	struct mail_message *m = load("forwarded.eml");
	assert_contains(m->body, "See below.\n");
	assert_contains(m->body, "---------- Forwarded message ----------\n"
				 "From: Erin <erin@example.org>\n"
				 "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
				 "Subject: Quartalsbericht überarbeitet\n"
				 "To: carol@example.org\n\n"
				 "Inner body text.\n");
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, "numbers.csv");
	assert_string_equal(m->atts[0].content_type, "text/csv");
	/* "a,b\n1,2": the last line break belongs to the boundary */
	assert_int_equal(m->atts[0].size, 7);
	mail_message_free(m);
}

static int is_inert(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return 0;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
		if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
			return 0;
	}
	return 1;
}

static void test_hostile(void **state)
{
	(void)state;
	struct mail_message *m = load("hostile.eml");
	char *s = safe_text_terminal(m->subject, 0);
	assert_true(is_inert(s));
	assert_contains(s, "Invoice");
	assert_contains(s, "exe.pdf");
	free(s);
	s = safe_text_terminal(m->from, 0);
	assert_string_equal(s, "\"Evil\" <evil@example.com>");
	free(s);
	s = safe_text_terminal(m->body, 1);
	assert_true(is_inert(s));
	assert_contains(s, "Hello there");
	assert_contains(s, "end\n");
	free(s);

	assert_int_equal(m->natts, 3);
	assert_string_equal(m->atts[0].filename, "../../etc/passwd");
	assert_string_equal(m->atts[1].filename, "..");
	const char *want[] = { "_.._etc_passwd", "attachment", "bad.sh" };
	const char *t = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/skua-msg-XXXXXX", t && *t ? t : P_tmpdir);
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < m->natts; i++) {
		char *name = safe_text_filename(m->atts[i].filename);
		assert_string_equal(name, want[i]);
		char *data, *path;
		size_t len;
		struct err e;
		assert_int_equal(mail_message_attachment_data(m, i, &data, &len, &e), 0);
		assert_int_equal(attach_save(dir, m->atts[i].filename, data, len, &path, &e), 0);
		assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
		assert_null(strchr(path + strlen(dir) + 1, '/'));
		assert_string_equal(path + strlen(dir) + 1, name);
		remove(path);
		free(path);
		free(data);
		free(name);
	}
	assert_int_equal(remove(dir), 0);
	mail_message_free(m);
}

static struct mail_message *parse_str(const char *raw, size_t len)
{
	struct err e;
	struct mail_message *m = mail_message_parse(raw, len, &e);
	assert_non_null(m);
	assert_non_null(m->subject);
	assert_non_null(m->body);
	assert_true(charset_is_utf8(m->body, strlen(m->body)));
	assert_true(charset_is_utf8(m->subject, strlen(m->subject)));
	return m;
}

static void test_malformed_simple(void **state)
{
	(void)state;
	struct mail_message *m = parse_str("just some text\nno headers\n", 26);
	assert_string_equal(m->subject, "");
	assert_string_equal(m->body, "just some text\nno headers\n");
	mail_message_free(m);

	m = parse_str("", 0);
	assert_string_equal(m->body, "");
	mail_message_free(m);

	const char nul[] = "From: a\0@b.org\nSubject: n\0ul\n\nbo\0dy\n";
	m = parse_str(nul, sizeof nul - 1);
	assert_string_equal(m->subject, "n ul");
	assert_string_equal(m->body, "bo\xef\xbf\xbd" "dy\n");
	mail_message_free(m);

	const char *trunc = "From: a@b.org\nContent-Type: multipart/mixed; boundary=X\n\n--X\n"
			    "Content-Type: application/zip\nContent-Transfer-Encoding: base64\n\n"
			    "aGVsbG8gd29ybG";
	m = parse_str(trunc, strlen(trunc));
	assert_int_equal(m->natts, 1);
	assert_int_equal(m->atts[0].size, 10);
	mail_message_free(m);

	const char *broken = "From: a@b.org\nContent-Type: multipart/mixed; boundary=\"X\"\n\n"
			     "--X\nContent-Type: text/plain\n\npart one\n--Y\nnot a boundary\n";
	m = parse_str(broken, strlen(broken));
	assert_contains(m->body, "part one");
	mail_message_free(m);

	const char *nobound = "From: a@b.org\nContent-Type: multipart/mixed\n\n--X\n"
			      "Content-Type: text/plain\n\npart\n--X--\n";
	m = parse_str(nobound, strlen(nobound));
	assert_contains(m->body, "part");
	mail_message_free(m);

	const char *badcte = "Subject: x\nContent-Type: text/plain; charset=\"\"\n"
			     "Content-Transfer-Encoding: x-uuencode\n\nbody\n";
	m = parse_str(badcte, strlen(badcte));
	assert_string_equal(m->body, "body\n");
	mail_message_free(m);
}

static void test_malformed_huge(void **state)
{
	(void)state;
	/* a 2 MB header line */
	struct strbuf b = STRBUF_INIT;
	strbuf_appends(&b, "Subject: ");
	for (int i = 0; i < 2 * 1024 * 1024; i++)
		strbuf_appendc(&b, 'x');
	strbuf_appends(&b, "\nFrom: a@b.org\n\nbody\n");
	struct mail_message *m = parse_str(b.s, b.len);
	assert_int_equal(strlen(m->subject), 2 * 1024 * 1024);
	assert_string_equal(m->body, "body\n");
	mail_message_free(m);
	strbuf_free(&b);

	/* 10 000 parts */
	strbuf_appends(&b, "From: a@b.org\nContent-Type: multipart/mixed; boundary=\"X\"\n\n");
	for (int i = 0; i < 10000; i++)
		strbuf_appends(&b, "--X\nContent-Type: application/octet-stream\n\nx\n");
	strbuf_appends(&b, "--X--\n");
	m = parse_str(b.s, b.len);
	assert_int_equal(m->natts, 10000);
	mail_message_free(m);
	strbuf_free(&b);
}

static char *nested(int levels)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_appends(&b, "From: a@b.org\nSubject: deep\nMIME-Version: 1.0\n");
	for (int i = 0; i < levels; i++)
		strbuf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	strbuf_appends(&b, "Content-Type: text/plain\n\nleaf\n");
	for (int i = levels - 1; i >= 0; i--)
		strbuf_printf(&b, "--b%d--\n", i);
	return strbuf_detach(&b, NULL);
}

static void test_malformed_deep(void **state)
{
	(void)state;
	char *raw = nested(50);
	struct mail_message *m = parse_str(raw, strlen(raw));
	assert_string_equal(m->body, "leaf\n");
	mail_message_free(m);
	free(raw);

	raw = nested(2000);
	m = parse_str(raw, strlen(raw));
	assert_string_equal(m->subject, "deep");
	mail_message_free(m);
	free(raw);
}

static void test_garbage_fuzz(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"Content-Type: multipart/mixed; boundary=\"B\"\n", "--B\n", "--B--\n", "\n",
		"Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
		"Content-Type: message/rfc822\n", "Content-Type: text/html; charset=shift_jis\n",
		"Content-Disposition: attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC\n",
		"=?UTF-8?B?w5x?= ", "=E9=\n", "<a href=x>", "\x1b[2J", "\x00", "\xff\xfe",
		"Subject: =?iso-2022-jp?b?GyRC?=\n", "Content-Type: multipart/alternative; boundary=B\n",
		"aGVsbG8=", ": :\n", " folded\n",
	};
	unsigned seed = 777;
	for (int round = 0; round < 2000; round++) {
		struct strbuf b = STRBUF_INIT;
		int n = 1 + round % 40;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			strbuf_append(&b, p, p[0] ? strlen(p) : 1);
		}
		struct err e;
		struct mail_message *m = mail_message_parse(b.s, b.len, &e);
		if (m) {
			assert_true(charset_is_utf8(m->body, strlen(m->body)));
			for (size_t i = 0; i < m->natts; i++) {
				char *data;
				size_t len;
				assert_int_equal(mail_message_attachment_data(m, i, &data, &len, &e), 0);
				assert_int_equal(len, m->atts[i].size);
				free(data);
			}
		}
		mail_message_free(m);
		strbuf_free(&b);
	}
}

static void test_sloppy_headers(void **state)
{
	(void)state;
	const char *raw =
		"Subject: t\nContent-Type: multipart/mixed; boundary=----=_Part_1\n\n"
		"------=_Part_1\nContent-Type: TEXT/HTML;charset=\"utf-8\";\n\n<p>caps</p>\n"
		"------=_Part_1\nContent-Type: application/pdf; name=other name.pdf\n"
		"Content-Disposition: attachment; filename=my file.pdf; size=1\n\nx\n"
		"------=_Part_1\nContent-Type: application/pdf; name=second file.pdf\n\ny\n"
		"------=_Part_1\nContent-Type: application/pdf\n"
		"Content-Disposition: attachment; filename=plain; filename*=utf-8''r%C3%A9al.pdf\n\nz\n"
		"------=_Part_1--\n";
	struct mail_message *m = parse_str(raw, strlen(raw));
	assert_string_equal(m->body, "caps\n");
	assert_true(m->body_from_html);
	assert_string_equal(m->html, "<p>caps</p>");
	assert_int_equal(m->natts, 3);
	assert_string_equal(m->atts[0].filename, "my file.pdf");
	assert_string_equal(m->atts[1].filename, "second file.pdf");
	assert_string_equal(m->atts[2].filename, "réal.pdf");
	mail_message_free(m);
}

static void test_related_inline_image(void **state)
{
	(void)state;
	const char *raw =
		"From: a@b.org\nContent-Type: multipart/alternative; boundary=A\n\n"
		"--A\nContent-Type: multipart/related; boundary=R\n\n"
		"--R\nContent-Type: text/html\n\n<p>Look: <img src=\"cid:1\" alt=\"chart\"></p>\n"
		"--R\nContent-Type: image/png\nContent-Disposition: inline; filename=chart.png\n"
		"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--R--\n--A--\n";
	struct mail_message *m = parse_str(raw, strlen(raw));
	assert_true(m->body_from_html);
	assert_string_equal(m->body, "Look: chart\n");
	assert_int_equal(m->natts, 1);
	assert_string_equal(m->atts[0].filename, "chart.png");
	assert_string_equal(m->atts[0].content_type, "image/png");
	assert_true(m->atts[0].inline_part);
	assert_int_equal(m->atts[0].size, 8);
	mail_message_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alternative_prefers_plain),
		cmocka_unit_test(test_mixed_rfc2231_attachment),
		cmocka_unit_test(test_latin1_qp),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_windows_1252_labelled_latin1),
		cmocka_unit_test(test_forwarded_inline),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_malformed_simple),
		cmocka_unit_test(test_malformed_huge),
		cmocka_unit_test(test_malformed_deep),
		cmocka_unit_test(test_garbage_fuzz),
		cmocka_unit_test(test_sloppy_headers),
		cmocka_unit_test(test_related_inline_image),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
