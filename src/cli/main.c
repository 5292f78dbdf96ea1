/* skua's entry point: global options, then a batch command or the full-screen UI. */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/commands.h"
#include "ui/ui.h"
#include "util/tty_secret.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skua [-F FILE] [-a ACCOUNT] [COMMAND [ARGS]]\n\n"
		     "Without a command skua starts the full-screen client. Commands:\n");
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(out, "  %-8s %s\n           %s\n", c->name, c->usage, c->help);
	fprintf(out, "\nOptions:\n"
		     "  -F FILE     read FILE instead of $XDG_CONFIG_HOME/skua/config\n"
		     "  -a ACCOUNT  use ACCOUNT instead of the default account\n"
		     "  -h          show this help\n"
		     "  -V          show the version\n"
		     "See skua(1) and skua.conf(5).\n");
}

static int fail(const struct err *e)
{
	fprintf(stderr, "skua: %s\n", e->msg[0] ? e->msg : "failed");
	return e->code != ERR_NONE ? (int)e->code : ERR_INTERNAL;
}

int main(int argc, char **argv)
{
	struct cli_options o = { NULL, NULL };
	struct err e = { ERR_NONE, "" };
	const struct cli_command *cmd;
	struct app a;
	int opt, rc;

	setlocale(LC_ALL, "");
	/* A closed pipe (skua list | head) must end output quietly, not kill us mid-write
	 * of a file; writes then fail with EPIPE and are reported. */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+:F:a:hV")) != -1) {
		switch (opt) {
		case 'F': o.config_path = optarg; break;
		case 'a': o.account = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("skua %s\n", PACKAGE_VERSION); return 0;
		case ':':
			err_set(&e, ERR_USAGE, "option -%c needs an argument (skua -h shows usage)", optopt);
			return fail(&e);
		default:
			err_set(&e, ERR_USAGE, "unknown option -%c (skua -h shows usage)", optopt);
			return fail(&e);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return ui_main(o.config_path, o.account);
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	cmd = cli_command_find(argv[0]);
	if (cmd == NULL) {
		err_set(&e, ERR_USAGE, "unknown command '%s' (skua -h lists them)", argv[0]);
		return fail(&e);
	}
	memset(&a, 0, sizeof a);
	if (cmd->needs_account) {
		if (app_open(&a, o.config_path, o.account, &e) != 0)
			return fail(&e);
		for (size_t i = 0; i < a.config.nwarnings; i++)
			fprintf(stderr, "skua: warning: %s\n", a.config.warnings[i]);
		a.ask_secret = tty_secret_ask;
	}
	rc = cmd->run(&a, &o, argc, argv, &e);
	if (fflush(stdout) != 0 && rc == 0)
		rc = err_set(&e, ERR_IO, "cannot write the output");
	if (cmd->needs_account)
		app_close(&a);
	return rc == 0 ? 0 : fail(&e);
}
