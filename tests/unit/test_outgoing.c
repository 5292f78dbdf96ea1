/* Unit tests of what composing stands on without a server: the address book
 * (src/app/addrbook.c: completion by address and name words, the most used
 * first, the file appended to and read back, garbage and line breaks kept
 * out) and the message being written (src/app/outgoing.c: attachments from
 * files and memory, a deep copy, a resumed draft with its Bcc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/addrbook.h"
#include "app/outgoing.h"
#include "mail/compose.h"
#include "mail/message.h"
#include "util/xalloc.h"

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/skua-outgoing-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return xstrdup(d);
}

static void test_addrbook_completes(void **state)
{
	struct addrbook *b = addrbook_load(NULL);
	char *c;
	(void)state;

	addrbook_add_list(b, "Frank Example <frank@example.org>, gina@example.org");
	addrbook_add_list(b, "\"Fran, the other\" <fran@example.net>");
	addrbook_add_list(b, "not an address at all <<<");
	addrbook_add_list(b, "");
	assert_int_equal(addrbook_count(b), 3);
	/* By a word of the name or the start of the address, ASCII case folded. */
	c = addrbook_complete(b, "exa", 0);
	assert_string_equal(c, "Frank Example <frank@example.org>");
	free(c);
	assert_null(addrbook_complete(b, "exa", 1));
	c = addrbook_complete(b, "GIN", 0);
	assert_string_equal(c, "gina@example.org");
	free(c);
	/* The most used first: frank seen again goes before fran. */
	addrbook_add_list(b, "frank@EXAMPLE.org");
	assert_int_equal(addrbook_count(b), 3);
	c = addrbook_complete(b, " fra", 0);
	assert_string_equal(c, "Frank Example <frank@example.org>");
	free(c);
	c = addrbook_complete(b, "fra", 1);
	assert_non_null(strstr(c, "fran@example.net"));
	free(c);
	assert_null(addrbook_complete(b, "fra", 2));
	assert_null(addrbook_complete(b, "", 0));
	assert_null(addrbook_complete(b, "zzz", 0));
	addrbook_free(b);
}

static void test_addrbook_file(void **state)
{
	char *dir = temp_dir();
	char *path = xasprintf("%s/state/addresses", dir);
	struct addrbook *b = addrbook_load(path);
	char line[256], *c;
	FILE *f;
	int lines = 0;
	(void)state;

	/* A missing file is an empty book; new addresses make the file. */
	assert_int_equal(addrbook_count(b), 0);
	addrbook_add_list(b, "=?UTF-8?Q?J=C3=BCrgen?= <juergen@example.de>");
	addrbook_add_list(b, "juergen@example.de, ann@example.org");
	/* A name gained later is written again, so it is kept. */
	addrbook_add_list(b, "Ann Other <ann@example.org>");
	addrbook_free(b);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		lines++;
	fclose(f);
	assert_int_equal(lines, 3);
	b = addrbook_load(path);
	assert_int_equal(addrbook_count(b), 2);
	/* Other characters match as they are. */
	c = addrbook_complete(b, "J\xc3\xbc", 0);
	assert_string_equal(c, "J\xc3\xbcrgen <juergen@example.de>");
	free(c);
	c = addrbook_complete(b, "jue", 0);
	assert_string_equal(c, "J\xc3\xbcrgen <juergen@example.de>");
	free(c);
	c = addrbook_complete(b, "ann", 0);
	assert_string_equal(c, "Ann Other <ann@example.org>");
	free(c);
	addrbook_free(b);
	unlink(path);
	c = xasprintf("%s/state", dir);
	rmdir(c);
	free(c);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_attachments_and_copy(void **state)
{
	char *dir = temp_dir();
	char *file = xasprintf("%s/notes.txt", dir);
	struct app_outgoing *o = app_outgoing_new(), *d;
	struct err e = { ERR_NONE, "" };
	FILE *f = fopen(file, "w");
	(void)state;

	assert_non_null(f);
	fputs("twelve bytes", f);
	fclose(f);
	assert_int_equal(app_outgoing_attach_file(o, file, &e), 0);
	assert_string_equal(o->atts[0].name, "notes.txt");
	assert_int_equal(o->atts[0].size, 12);
	assert_string_equal(o->atts[0].content_type, "text/plain; charset=us-ascii");
	/* A folder or a missing file is refused, naming it. */
	assert_int_equal(app_outgoing_attach_file(o, dir, &e), -1);
	assert_non_null(strstr(e.msg, dir));
	err_clear(&e);
	assert_int_equal(app_outgoing_attach_file(o, "/nonexistent/x", &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/x"));
	app_outgoing_attach_data(o, "data.bin", "application/octet-stream", xstrdup("abc"), 3);
	app_outgoing_set(&o->to, "a@example.org");
	d = app_outgoing_dup(o);
	app_outgoing_detach(o, 0);
	assert_int_equal(o->natts, 1);
	assert_string_equal(o->atts[0].name, "data.bin");
	app_outgoing_free(o);
	/* The copy owns all of its own. */
	assert_int_equal(d->natts, 2);
	assert_string_equal(d->atts[0].path, file);
	assert_memory_equal(d->atts[1].data, "abc", 3);
	assert_string_equal(d->to, "a@example.org");
	app_outgoing_free(d);
	unlink(file);
	rmdir(dir);
	free(file);
	free(dir);
}

static void test_draft_round_trip(void **state)
{
	const struct compose_attachment att = { .name = "a.txt", .content_type = "text/plain",
						.data = "attached", .len = 8 };
	struct compose_draft d = {
		.from_addr = "me@example.org", .to = "You <you@example.org>",
		.bcc = "hidden@example.org", .subject = "Draft \xc3\xa9t\xc3\xa9",
		.body = "Half done.\n", .in_reply_to = "<x@example.org>", .atts = &att, .natts = 1,
		.keep_bcc = 1,
	};
	struct compose_result r;
	struct err e = { ERR_NONE, "" };
	struct mail_message *m;
	struct app_outgoing *o;
	(void)state;

	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_non_null(strstr(r.message.s, "Bcc: hidden@example.org"));
	m = mail_message_parse(r.message.s, r.message.len, &e);
	assert_non_null(m);
	o = app_outgoing_from_draft(m, "Drafts", 7, &e);
	assert_non_null(o);
	assert_string_equal(o->bcc, "hidden@example.org");
	assert_string_equal(o->subject, "Draft \xc3\xa9t\xc3\xa9");
	assert_non_null(strstr(o->body, "Half done."));
	assert_string_equal(o->in_reply_to, "<x@example.org>");
	assert_int_equal(o->natts, 1);
	assert_string_equal(o->atts[0].name, "a.txt");
	assert_memory_equal(o->atts[0].data, "attached", 8);
	assert_string_equal(o->draft_folder, "Drafts");
	assert_int_equal(o->draft_uid, 7);
	app_outgoing_free(o);
	mail_message_free(m);
	compose_result_free(&r);
	/* A message to send has no Bcc header, a draft needs no recipient. */
	d.keep_bcc = 0;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	assert_null(strstr(r.message.s, "Bcc:"));
	compose_result_free(&r);
	d.to = d.bcc = NULL;
	assert_int_equal(compose_build(&d, &r, &e), -1);
	err_clear(&e);
	d.keep_bcc = 1;
	assert_int_equal(compose_build(&d, &r, &e), 0);
	compose_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrbook_completes),
		cmocka_unit_test(test_addrbook_file),
		cmocka_unit_test(test_attachments_and_copy),
		cmocka_unit_test(test_draft_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
