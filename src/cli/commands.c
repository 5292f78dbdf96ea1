/* The table of batch commands; skua(1) and `skua help` follow it. */
#include "cli/commands.h"

#include <string.h>

const struct cli_command cli_commands[] = {
	{ "send", "--to ADDR [--cc ADDR] [--bcc ADDR] [--subject TEXT] [--attach FILE]...",
	  "send a message whose body is read from standard input; a copy goes to Sent", 1, cmd_send },
	{ "reply", "[FOLDER] UID [--all]",
	  "reply to a message (--all: to all its recipients), text from standard input", 1, cmd_reply },
	{ "forward", "[FOLDER] UID --to ADDR [--attach-original]",
	  "forward a message inline or as an attachment, text from standard input", 1, cmd_forward },
	{ "folders", "", "list the folders with their message and unread counts", 1, cmd_folders },
	{ "list", "[--no-cache] [FOLDER]", "list the messages of FOLDER (default INBOX), through the header cache", 1, cmd_list },
	{ "read", "[FOLDER] UID", "print a message as text, with its attachment list", 1, cmd_read },
	{ "save", "[FOLDER] UID DIR", "save every attachment of a message into DIR", 1, cmd_save },
	{ "stats", "[--by-account] [--report]",
	  "summarise the metrics log per operation", 0, cmd_stats },
	{ "watch", "[--once]",
	  "report new mail in INBOX and the subscribed folders as it arrives", 1, cmd_watch },
	{ NULL, NULL, NULL, 0, NULL },
};

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
