/* mailcap programs run for the user: found (with their test=), fed a
 * private temporary file, their output read within a time and size bound.
 * Every command comes from mailcap_expand, so no value of a sender reaches
 * a shell; programs without shell syntax are run without one. */
#include "app/viewer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

extern char **environ;

/* A mailcap file is a few kilobytes; /etc/mailcap some tens. */
#define MAILCAP_MAX_FILE (1024 * 1024)

static void load_file(struct mailcap *mc, const char *path)
{
	struct strbuf b = STRBUF_INIT;
	char chunk[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || b.len + (size_t)n > MAILCAP_MAX_FILE)
			break;
		strbuf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	mailcap_parse(mc, b.s != NULL ? b.s : "", b.len);
	strbuf_free(&b);
}

void viewer_load_mailcap(struct mailcap *mc)
{
	const char *env = getenv("MAILCAPS");
	char *list = env != NULL ? xstrdup(env)
				 : xstrdup("~/.mailcap:/etc/mailcap:/usr/etc/mailcap:/usr/local/etc/mailcap");
	char *save = NULL;

	for (char *p = strtok_r(list, ":", &save); p != NULL; p = strtok_r(NULL, ":", &save)) {
		char *path = paths_expand_home(p);
		load_file(mc, path);
		free(path);
	}
	free(list);
}

char *viewer_temp_write(const char *suffix, const void *data, size_t len, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *path;
	int fd;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	dir = xasprintf("%s/skua-view.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		err_set(e, ERR_IO, "cannot make a temporary folder in %s: %s", tmp, strerror(errno));
		free(dir);
		return NULL;
	}
	path = xasprintf("%s/part%s", dir, suffix != NULL ? suffix : "");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fileio_write_all(fd, data, len) != 0) {
		err_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(path);
		rmdir(dir);
		free(dir);
		free(path);
		return NULL;
	}
	close(fd);
	free(dir);
	return path;
}

void viewer_temp_remove(const char *path)
{
	char *dir;
	char *slash;

	if (path == NULL)
		return;
	unlink(path);
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		rmdir(dir);
	}
	free(dir);
}

/* Starts cmd in a process group of its own (so a timeout kills what it
 * started too) with default signals; stdin from file or /dev/null when
 * in_fd < 0 asks so, stdout to out_fd when >= 0, stderr to /dev/null when
 * quiet. Returns 0 with *pid, or an errno value. */
static int spawn(const struct mailcap_cmd *cmd, const char *file, int out_fd, int own_group,
		 int quiet, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int rc;

	posix_spawn_file_actions_init(&fa);
	if (cmd->input_on_stdin && file != NULL)
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, file, O_RDONLY, 0);
	else if (out_fd >= 0)
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (own_group) {
		posix_spawnattr_setpgroup(&attr, 0);
		flags |= POSIX_SPAWN_SETPGROUP;
	}
	posix_spawnattr_setflags(&attr, flags);
	rc = posix_spawnp(pid, cmd->argv[0], &fa, &attr, cmd->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static void describe_status(int status, struct err *e, const char *what)
{
	if (WIFEXITED(status))
		err_set(e, ERR_IO, "%s exited with status %d", what, WEXITSTATUS(status));
	else
		err_set(e, ERR_IO, "%s was ended by signal %d", what,
			WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int viewer_capture(const struct mailcap_cmd *cmd, const char *file, int timeout, char **out,
		   size_t *len, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	uint64_t deadline = clock_mono_us() + (uint64_t)timeout * 1000000u;
	int fds[2], status = 0, rc, killed = 0;
	pid_t pid;
	char chunk[8192];

	*out = NULL;
	*len = 0;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return err_set(e, ERR_IO, "cannot run %s: %s", cmd->argv[0], strerror(errno));
	rc = spawn(cmd, file, fds[1], 1, 1, &pid);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return err_set(e, ERR_IO, "cannot run %s: %s", cmd->argv[0], strerror(rc));
	}
	for (;;) {
		uint64_t now = clock_mono_us();
		struct pollfd p = { fds[0], POLLIN, 0 };
		if (now >= deadline || b.len >= VIEWER_MAX_OUTPUT) {
			/* The whole group: a shell's children too. */
			kill(-pid, SIGKILL);
			killed = now >= deadline;
			break;
		}
		int n = poll(&p, 1, (int)((deadline - now) / 1000) + 1);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		ssize_t got = read(fds[0], chunk, sizeof chunk);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break;
		size_t room = VIEWER_MAX_OUTPUT - b.len;
		strbuf_append(&b, chunk, (size_t)got < room ? (size_t)got : room);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (killed) {
		strbuf_free(&b);
		return err_set(e, ERR_IO, "%s did not finish within %d seconds", cmd->argv[0], timeout);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_free(&b);
		describe_status(status, e, cmd->use_shell ? "the mailcap command" : cmd->argv[0]);
		return -1;
	}
	*out = strbuf_detach(&b, len);
	return 0;
}

int viewer_run_terminal(const struct mailcap_cmd *cmd, const char *file, struct err *e)
{
	pid_t pid;
	int status = 0;
	/* In our own group the program could not read the terminal. */
	int rc = spawn(cmd, file, -1, 0, 0, &pid);

	if (rc != 0)
		return err_set(e, ERR_IO, "cannot run %s: %s", cmd->argv[0], strerror(rc));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, e, cmd->use_shell ? "the mailcap command" : cmd->argv[0]);
		return -1;
	}
	return 0;
}

const struct mailcap_entry *viewer_find(const struct mailcap *mc, const char *type, unsigned flags,
					const char *file)
{
	const struct mailcap_entry *ent;
	size_t pos = 0;

	while ((ent = mailcap_next(mc, type, flags, &pos)) != NULL) {
		struct mailcap_subst s = { .file = file, .type = type };
		struct mailcap_cmd cmd;
		struct err e;
		char *out;
		size_t len;
		int ok;

		if (ent->test == NULL)
			return ent;
		if (mailcap_expand(ent->test, &s, &cmd, &e) != 0)
			continue;
		ok = viewer_capture(&cmd, NULL, VIEWER_TIMEOUT, &out, &len, &e) == 0;
		if (ok)
			free(out);
		mailcap_cmd_free(&cmd);
		if (ok)
			return ent;
	}
	return NULL;
}

char *viewer_output_text(const char *s, size_t len)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			continue;
		strbuf_appendc(&b, s[i]);
	}
	while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
		b.s[--b.len] = '\0';
	if (b.len > 0)
		strbuf_appendc(&b, '\n');
	return strbuf_detach(&b, NULL);
}

int viewer_render_html(const struct mailcap *mc, struct mail_message *m)
{
	static const char *const names[] = { "charset" };
	static const char *const values[] = { "utf-8" };
	const struct mailcap_entry *ent;
	struct mailcap_cmd cmd;
	struct err e;
	char *path, *out = NULL;
	size_t pos = 0, len = 0;
	int rc;

	if (m == NULL || m->html == NULL || mc == NULL)
		return 0;
	/* Only the first entry is tried: its test= decides, as in viewer_find. */
	if (mailcap_next(mc, "text/html", MAILCAP_COPIOUS, &pos) == NULL)
		return 0;
	ent = NULL;
	path = viewer_temp_write(".html", m->html, strlen(m->html), &e);
	if (path == NULL)
		return 0;
	ent = viewer_find(mc, "text/html", MAILCAP_COPIOUS, path);
	struct mailcap_subst s = { path, "text/html", names, values, 1 };
	rc = ent != NULL ? mailcap_expand(ent->view, &s, &cmd, &e) : -1;
	if (rc == 0) {
		rc = viewer_capture(&cmd, path, VIEWER_TIMEOUT, &out, &len, &e);
		mailcap_cmd_free(&cmd);
	}
	viewer_temp_remove(path);
	free(path);
	if (rc != 0)
		return 0;
	free(m->body);
	m->body = viewer_output_text(out, len);
	free(out);
	return 1;
}
