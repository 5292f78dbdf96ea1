/* The external editor for a message's text: the text goes to a private
 * temporary file, the editor runs on the terminal (curses put aside), and
 * the file comes back. The editor command is the user's own (config,
 * $VISUAL, $EDITOR) and runs through sh so it may carry arguments; the file
 * name is passed as "$1", never pasted into the command. */
#include "ui/editor.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const char *ui_editor_command(const char *configured)
{
	const char *v;

	if (configured != NULL && *configured != '\0')
		return configured;
	v = getenv("VISUAL");
	if (v != NULL && *v != '\0')
		return v;
	v = getenv("EDITOR");
	return v != NULL && *v != '\0' ? v : NULL;
}

static int write_temp(const char *text, char *path, size_t size, struct err *e)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/skua-message-XXXXXX", dir != NULL && *dir == '/' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(e, ERR_IO, "cannot create a file for the editor: %s", strerror(errno));
	if (fchmod(fd, 0600) != 0 || fileio_write_all(fd, text, strlen(text)) != 0) {
		err_set(e, ERR_IO, "cannot write the file for the editor: %s", strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static int read_back(const char *path, char **text, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, ERR_IO, "cannot read what the editor wrote: %s", strerror(errno));
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		strbuf_append(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		strbuf_free(&b);
		return err_set(e, ERR_IO, "cannot read what the editor wrote: %s", strerror(errno));
	}
	if (b.s != NULL && memchr(b.s, '\0', b.len) != NULL) {
		strbuf_free(&b);
		return err_set(e, ERR_USAGE, "the edited text holds NUL bytes; it was not taken");
	}
	free(*text);
	*text = b.s != NULL ? strbuf_detach(&b, NULL) : xstrdup("");
	return 0;
}

/* Runs command "$1" with path on the terminal; 0 if it exited with 0. */
static int run(const char *command, const char *path, struct err *e)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	char *script = xasprintf("%s \"$1\"", command);
	int status = 0;
	pid_t pid;

	sigemptyset(&ign.sa_mask);
	/* ^C and ^\ belong to the editor while it runs, not to skua. */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		execl("/bin/sh", "sh", "-c", script, "sh", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	free(script);
	if (pid < 0)
		return err_set(e, ERR_INTERNAL, "cannot start the editor: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ERR_USAGE,
			       "the editor (%s) failed (exit status %d); the text is as it was",
			       command, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int ui_editor_edit(const char *command, char **text, struct err *e)
{
	char path[4096];
	int rc;

	if (write_temp(*text != NULL ? *text : "", path, sizeof path, e) != 0)
		return -1;
	def_prog_mode();
	endwin();
	rc = run(command, path, e);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (rc == 0)
		rc = read_back(path, text, e);
	unlink(path);
	return rc;
}
