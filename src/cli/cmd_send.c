/* skua send: a message from the command line, body from standard input. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/send.h"
#include "cli/commands.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Repeated --to/--cc/--bcc options are joined into one address list. */
static void add_list(char **list, const char *value)
{
	char *joined = *list ? xasprintf("%s, %s", *list, value) : xstrdup(value);

	free(*list);
	*list = joined;
}

static int read_body(struct strbuf *body, struct err *e)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		strbuf_append(body, chunk, n);
	if (ferror(stdin))
		return err_set(e, ERR_IO, "cannot read the message body from standard input");
	if (memchr(body->s ? body->s : "", '\0', body->len) != NULL)
		return err_set(e, ERR_USAGE, "the message body on standard input contains NUL bytes; "
			       "send binary data with --attach");
	return 0;
}

int cmd_send(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "cc", required_argument, NULL, 'c' },
		{ "bcc", required_argument, NULL, 'b' },
		{ "subject", required_argument, NULL, 's' },
		{ "attach", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char *to = NULL, *cc = NULL, *bcc = NULL;
	const char *subject = "";
	struct compose_attachment *atts = NULL;
	size_t natts = 0;
	struct strbuf body = STRBUF_INIT;
	struct app_send_report report;
	int opt, rc = -1;

	(void)o;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+t:c:b:s:A:", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': add_list(&to, optarg); break;
		case 'c': add_list(&cc, optarg); break;
		case 'b': add_list(&bcc, optarg); break;
		case 's': subject = optarg; break;
		case 'A':
			atts = xreallocarray(atts, natts + 1, sizeof *atts);
			atts[natts++] = (struct compose_attachment){ .path = optarg };
			break;
		default:
			err_set(e, ERR_USAGE, "usage: skua send --to ADDR [--cc ADDR] [--bcc ADDR] "
				"[--subject TEXT] [--attach FILE]... < body");
			goto out;
		}
	}
	if (optind < argc) {
		err_set(e, ERR_USAGE, "send: unexpected argument '%s' (the body is read from "
			"standard input)", argv[optind]);
		goto out;
	}
	if (to == NULL && cc == NULL && bcc == NULL) {
		err_set(e, ERR_USAGE, "send: no recipient: give --to, --cc or --bcc");
		goto out;
	}
	if (read_body(&body, e) != 0)
		goto out;
	struct compose_draft d = {
		.to = to, .cc = cc, .bcc = bcc, .subject = subject,
		.body = body.s ? body.s : "", .atts = atts, .natts = natts,
	};
	rc = app_send(a, &d, &report, e);
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
out:
	free(to);
	free(cc);
	free(bcc);
	free(atts);
	strbuf_free(&body);
	return rc;
}
