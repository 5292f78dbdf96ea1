/* An account's secret: the password from the file, or the first line printed
 * by password_command or oauth_token_command. */
#include "conf/account.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

extern char **environ;

/* More than any password or token; the rest is read and dropped so the
 * command does not block on a full pipe. */
#define SECRET_MAX_OUTPUT (64 * 1024)
#define STDERR_KEEP 4096

static const char *const tls_names[] = { "implicit", "starttls", "none" };
static const char *const auth_names[] = { "auto", "plain", "login", "xoauth2" };
static const char *const provider_names[] = { "custom", "gmail", "outlook", "fastmail",
					      "local" };

#define NAME_OF(names, i) ((unsigned)(i) < sizeof names / sizeof names[0] ? names[i] : "?")

const char *account_tls_name(enum conf_tls tls)
{
	return NAME_OF(tls_names, tls);
}

const char *account_auth_name(enum conf_auth auth)
{
	return NAME_OF(auth_names, auth);
}

const char *account_provider_name(enum conf_provider provider)
{
	return NAME_OF(provider_names, provider);
}

void account_secret_free(char *secret)
{
	xfree_secret(secret);
}

/* The first line of the command's stderr, made safe to show on a terminal. */
static void stderr_line(const struct strbuf *b, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len && b->s[i] != '\n' && n + 1 < size && n < 200; i++) {
		unsigned char c = (unsigned char)b->s[i];
		if (c == '\r')
			continue;
		out[n++] = c < ' ' || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

/* Reads both pipes until both reach EOF and the command has exited. A
 * background process the command started may hold the pipes open, so once the
 * command has exited its output is only waited for briefly. Returns 0 with
 * *status set, or -1 when the deadline passes (the command is then killed). */
static int collect(pid_t pid, int out_fd, int err_fd, struct strbuf *out, struct strbuf *err,
		   int *status)
{
	uint64_t deadline = clock_mono_us() + (uint64_t)ACCOUNT_SECRET_TIMEOUT * 1000000u;
	struct pollfd pfd[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	char chunk[4096];
	int exited = 0, rc = 0;

	for (;;) {
		if (!exited) {
			pid_t w = waitpid(pid, status, WNOHANG);
			if (w == pid || (w < 0 && errno != EINTR)) {
				exited = 1;
				if (w < 0)
					*status = 0; /* reaped elsewhere: judge by the output */
				deadline = clock_mono_us() + 200000u;
			}
		}
		if (pfd[0].fd < 0 && pfd[1].fd < 0 && exited)
			break;
		uint64_t now = clock_mono_us();
		if (now >= deadline) {
			if (!exited) {
				kill(pid, SIGKILL);
				while (waitpid(pid, status, 0) < 0 && errno == EINTR)
					;
				rc = -1;
			}
			break;
		}
		uint64_t wait_ms = (deadline - now) / 1000 + 1;
		/* Until the command has exited, wake up now and then to check on it. */
		if (wait_ms > 100)
			wait_ms = 100;
		if (pfd[0].fd < 0 && pfd[1].fd < 0) {
			poll(NULL, 0, (int)wait_ms);
			continue;
		}
		int n = poll(pfd, 2, (int)wait_ms);
		if (n <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			ssize_t got = read(pfd[i].fd, chunk, sizeof chunk);
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				pfd[i].fd = -1;
				continue;
			}
			struct strbuf *b = i == 0 ? out : err;
			size_t cap = i == 0 ? SECRET_MAX_OUTPUT : STDERR_KEEP;
			if (b->len < cap)
				strbuf_append(b, chunk, (size_t)got < cap - b->len ? (size_t)got
										      : cap - b->len);
		}
	}
	explicit_bzero(chunk, sizeof chunk);
	return rc;
}

static int spawn_shell(const char *command, int out_fd, int err_fd, pid_t *pid)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)command, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	/* The caller may block or catch signals for its own loop; the command
	 * starts with the defaults, as it would from a shell. */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static int run_command(const struct account *a, const char *key, const char *command,
		       char **secret, struct err *e)
{
	struct strbuf out = STRBUF_INIT, errb = STRBUF_INIT;
	int out_pipe[2], err_pipe[2];
	char errline[256];
	pid_t pid;
	int status, rc, timed_out;

	if (pipe2(out_pipe, O_CLOEXEC) != 0)
		return err_set(e, ERR_AUTH, "cannot run %s for account %s: %s", key, a->name,
			       strerror(errno));
	if (pipe2(err_pipe, O_CLOEXEC) != 0) {
		rc = errno;
		close(out_pipe[0]);
		close(out_pipe[1]);
		return err_set(e, ERR_AUTH, "cannot run %s for account %s: %s", key, a->name,
			       strerror(rc));
	}
	rc = spawn_shell(command, out_pipe[1], err_pipe[1], &pid);
	close(out_pipe[1]);
	close(err_pipe[1]);
	if (rc != 0) {
		close(out_pipe[0]);
		close(err_pipe[0]);
		return err_set(e, ERR_AUTH, "cannot run %s for account %s: %s", key, a->name,
			       strerror(rc));
	}
	timed_out = collect(pid, out_pipe[0], err_pipe[0], &out, &errb, &status) != 0;
	close(out_pipe[0]);
	close(err_pipe[0]);
	stderr_line(&errb, errline, sizeof errline);
	strbuf_free(&errb);

	size_t first = 0;
	while (first < out.len && out.s[first] != '\n')
		first++;
	if (first > 0 && out.s[first - 1] == '\r')
		first--;

	if (timed_out)
		rc = err_set(e, ERR_AUTH, "%s for account %s did not finish within %d seconds", key,
			     a->name, ACCOUNT_SECRET_TIMEOUT);
	else if (WIFSIGNALED(status))
		rc = err_set(e, ERR_AUTH, "%s for account %s was killed by signal %d%s%s", key,
			     a->name, WTERMSIG(status), *errline ? ": " : "", errline);
	else if (WEXITSTATUS(status) != 0)
		rc = err_set(e, ERR_AUTH, "%s for account %s failed with exit status %d%s%s", key,
			     a->name, WEXITSTATUS(status), *errline ? ": " : "", errline);
	else if (first == 0)
		rc = err_set(e, ERR_AUTH, "%s for account %s printed nothing (exit status 0)%s%s",
			     key, a->name, *errline ? ": " : "", errline);
	else if (memchr(out.s, '\0', first) != NULL)
		rc = err_set(e, ERR_AUTH, "%s for account %s printed a NUL byte", key, a->name);
	else {
		*secret = xstrndup(out.s, first);
		rc = 0;
	}
	if (out.s != NULL)
		explicit_bzero(out.s, out.len);
	strbuf_free(&out);
	return rc;
}

int account_get_secret(const struct account *a, char **secret, struct err *e)
{
	*secret = NULL;
	if (a->auth == CONF_AUTH_XOAUTH2) {
		if (a->oauth_token_command == NULL)
			return err_set(e, ERR_AUTH,
				       "account %s uses auth = xoauth2 but has no oauth_token_command",
				       a->name);
		return run_command(a, "oauth_token_command", a->oauth_token_command, secret, e);
	}
	if (a->password != NULL) {
		*secret = xstrdup(a->password);
		return 0;
	}
	if (a->password_command != NULL)
		return run_command(a, "password_command", a->password_command, secret, e);
	return 1;
}

int account_has_secret_source(const struct account *a)
{
	return a->password != NULL || a->password_command != NULL ||
	       a->oauth_token_command != NULL;
}
