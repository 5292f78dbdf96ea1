/* The batch commands: one table with names, usage and help, one function each. */
#ifndef SKUA_CLI_COMMANDS_H
#define SKUA_CLI_COMMANDS_H

#include <stddef.h>

#include "app/app.h"
#include "util/err.h"

struct cli_options {
	const char *config_path;   /* -F */
	const char *account;       /* -a */
};

struct cli_command {
	const char *name;
	const char *usage;         /* arguments after the name */
	const char *help;          /* one line */
	int needs_account;         /* loads the config and the account first */
	/* argv[0] is the command name; returns 0 or -1 with e set. */
	int (*run)(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
};

extern const struct cli_command cli_commands[];
const struct cli_command *cli_command_find(const char *name);

int cmd_send(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_reply(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_forward(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_folders(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_list(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_read(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_save(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_stats(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);
int cmd_watch(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e);

/* Shared helpers of the commands (cli/util.c). */
/* Prints text from a server or a message with escape sequences and controls
 * removed; keep_newlines keeps line structure. */
void cli_print_safe(const char *text, int keep_newlines);
/* Parses a UID argument; ERR_USAGE on junk. */
int cli_parse_uid(const char *s, uint32_t *uid, struct err *e);
/* Reads "[FOLDER] UID" followed by extra more arguments: *folder is NULL when
 * only the UID is given. -1 with ERR_USAGE (or no message: caller's usage). */
int cli_folder_uid_args(int argc, char **argv, int extra, const char **folder, uint32_t *uid,
			struct err *e);
/* Logs in and resolves the typed folder name (NULL: INBOX). */
struct imap_session *cli_open_folder(struct app *a, const char *typed, char **folder,
				     struct err *e);

#endif
