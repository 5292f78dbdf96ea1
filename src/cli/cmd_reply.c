/* skua reply and skua forward: a message of a folder answered or passed on,
 * the user's text from standard input above the quote, sent like skua send. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/messages.h"
#include "app/send.h"
#include "cli/commands.h"
#include "mail/reply.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int read_text(struct strbuf *body, struct err *e)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		strbuf_append(body, chunk, n);
	if (ferror(stdin))
		return err_set(e, ERR_IO, "cannot read the message text from standard input");
	if (memchr(body->s ? body->s : "", '\0', body->len) != NULL)
		return err_set(e, ERR_USAGE, "the text on standard input contains NUL bytes");
	return 0;
}

static struct mail_message *fetch(struct app *a, int argc, char **argv, struct err *e)
{
	const char *typed;
	char *folder;
	uint32_t uid;

	if (cli_folder_uid_args(argc, argv, 0, &typed, &uid, e) != 0)
		return NULL;
	struct imap_session *s = cli_open_folder(a, typed, &folder, e);
	if (s == NULL)
		return NULL;
	struct mail_message *m = app_message_read(s, folder, uid, e);
	free(folder);
	imap_session_close(s);
	return m;
}

static int send_seed(struct app *a, const struct reply_seed *sd, const char *to, const char *text,
		     struct err *e)
{
	struct compose_attachment *atts = xcalloc(sd->natts + 1, sizeof *atts);
	for (size_t i = 0; i < sd->natts; i++)
		atts[i] = (struct compose_attachment){ .name = sd->atts[i].name,
						       .content_type = sd->atts[i].content_type,
						       .data = sd->atts[i].data,
						       .len = sd->atts[i].len };
	/* the user's text first, then the seed (attribution and quote, or the
	 * forwarded block) */
	struct strbuf body = STRBUF_INIT;
	strbuf_appends(&body, text);
	if (body.len > 0 && body.s[body.len - 1] != '\n')
		strbuf_appendc(&body, '\n');
	if (body.len > 0 && *sd->body && *sd->body != '\n')
		strbuf_appendc(&body, '\n');
	strbuf_appends(&body, sd->body);
	struct compose_draft d = {
		.to = to ? to : sd->to, .cc = *sd->cc ? sd->cc : NULL, .subject = sd->subject,
		.body = body.s ? body.s : "", .in_reply_to = sd->in_reply_to,
		.references = sd->references, .atts = atts, .natts = sd->natts,
	};
	struct app_send_report report;
	int rc = app_send(a, &d, &report, e);
	if (rc == 0) {
		printf("sent %s to %zu recipient%s (%zu bytes)", report.message_id, report.nrcpts,
		       report.nrcpts == 1 ? "" : "s", report.size);
		if (report.sent_folder != NULL)
			printf(", copy in %s", report.sent_folder);
		printf("\n");
		if (report.warning != NULL)
			fprintf(stderr, "skua: warning: %s\n", report.warning);
		app_send_report_free(&report);
	}
	strbuf_free(&body);
	free(atts);
	return rc;
}

static int run(struct app *a, enum reply_kind kind, const char *to, int argc, char **argv,
	       struct err *e)
{
	struct strbuf text = STRBUF_INIT;
	struct reply_seed sd;
	int rc = -1;

	/* the text first: nothing is fetched when it cannot be read */
	if (read_text(&text, e) != 0) {
		strbuf_free(&text);
		return -1;
	}
	struct mail_message *m = fetch(a, argc, argv, e);
	if (m == NULL) {
		strbuf_free(&text);
		return -1;
	}
	struct reply_identity me = { a->account->real_name, a->account->address, NULL, 0 };
	if (reply_seed_build(m, &me, kind, &sd, e) == 0) {
		rc = send_seed(a, &sd, to, text.s ? text.s : "", e);
		reply_seed_free(&sd);
	}
	mail_message_free(m);
	strbuf_free(&text);
	return rc;
}

int cmd_reply(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, all = 0;

	(void)o;
	/* 0, not 1: GNU getopt then forgets main's "+" mode and lets options
	 * follow the UID */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "a", longopts, NULL)) != -1) {
		if (opt != 'a')
			return err_set(e, ERR_USAGE, "usage: skua reply [FOLDER] UID [--all] < text");
		all = 1;
	}
	argv += optind - 1;
	argc -= optind - 1;
	if (argc < 2 || argc > 3)
		return err_set(e, ERR_USAGE, "usage: skua reply [FOLDER] UID [--all] < text");
	return run(a, all ? REPLY_ALL : REPLY_SENDER, NULL, argc, argv, e);
}

int cmd_forward(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "attach-original", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = "usage: skua forward [FOLDER] UID --to ADDR [--attach-original] < text";
	char *to = NULL;
	int opt, attach = 0;

	(void)o;
	/* 0, not 1: GNU getopt then forgets main's "+" mode and lets options
	 * follow the UID */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "t:A", longopts, NULL)) != -1) {
		if (opt == 't') {
			char *j = to ? xasprintf("%s, %s", to, optarg) : xstrdup(optarg);
			free(to);
			to = j;
		} else if (opt == 'A') {
			attach = 1;
		} else {
			free(to);
			return err_set(e, ERR_USAGE, "%s", usage);
		}
	}
	argv += optind - 1;
	argc -= optind - 1;
	if (argc < 2 || argc > 3 || to == NULL) {
		free(to);
		return err_set(e, ERR_USAGE, "%s", to ? usage : "forward: no recipient: give --to");
	}
	int rc = run(a, attach ? FORWARD_ATTACH : FORWARD_INLINE, to, argc, argv, e);
	free(to);
	return rc;
}
