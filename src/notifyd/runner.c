/* The --exec hook: one child per notification through posix_spawn, argv
 * built from the parsed line (never a shell), slots and queue bounded. */
#include "notifyd/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notifyd/report.h"
#include "util/clock.h"
#include "util/xalloc.h"

extern char **environ;

struct job {
	enum notify_type type;
	size_t len;
	char text[NOTIFY_LINE_MAX];
};

struct child {
	pid_t pid;
	uint64_t deadline_us;
	int killed;
};

struct runner {
	char *cmd;  /* as the user gave it: the child's argv[0] */
	char *path; /* what is executed */
	struct child kids[RUNNER_MAX_CHILDREN];
	int nkids;
	struct job *queue; /* a ring of RUNNER_QUEUE_MAX */
	size_t qhead, qcount;
	unsigned long dropped;
};

static int is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The PATH lookup posix_spawnp would do, done once so that errors show at
 * start-up rather than once per notification. */
static char *find_program(const char *cmd)
{
	if (strchr(cmd, '/') != NULL)
		return is_executable(cmd) ? xstrdup(cmd) : NULL;
	const char *path = getenv("PATH");
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *colon = strchr(p, ':');
		size_t n = colon != NULL ? (size_t)(colon - p) : strlen(p);
		char *cand = n == 0 ? xasprintf("./%s", cmd) : xasprintf("%.*s/%s", (int)n, p, cmd);
		if (is_executable(cand))
			return cand;
		free(cand);
		if (colon == NULL)
			return NULL;
		p = colon + 1;
	}
}

struct runner *runner_new(const char *cmd, struct err *e)
{
	if (cmd == NULL || *cmd == '\0') {
		err_set(e, ERR_USAGE, "--exec needs a command");
		return NULL;
	}
	char *path = find_program(cmd);
	if (path == NULL) {
		err_set(e, ERR_USAGE, "cannot run %s: %s", cmd,
		        strchr(cmd, '/') != NULL ? "not an executable file" : "not found in PATH");
		return NULL;
	}
	struct runner *r = xcalloc(1, sizeof *r);
	r->cmd = xstrdup(cmd);
	r->path = path;
	r->queue = xcalloc(RUNNER_QUEUE_MAX, sizeof *r->queue);
	return r;
}

void runner_free(struct runner *r)
{
	if (r == NULL)
		return;
	free(r->cmd);
	free(r->path);
	free(r->queue);
	free(r);
}

static void spawn(struct runner *r, enum notify_type type, const char *text, size_t len)
{
	char arg[NOTIFY_LINE_MAX + 1];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	pid_t pid;

	memcpy(arg, text, len);
	arg[len] = '\0';
	char *argv[] = {r->cmd, (char *)notify_type_name(type), arg, NULL};

	posix_spawn_file_actions_init(&fa);
	/* Notifications own stdout; the command talks to the log instead. */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	/* An ignored signal stays ignored across exec: give SIGPIPE back. */
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGCHLD);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGHUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(&pid, r->path, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		report_error("cannot run %s: %s", r->cmd, strerror(rc));
		return;
	}
	struct child *k = &r->kids[r->nkids++];
	k->pid = pid;
	k->deadline_us = clock_mono_us() + (uint64_t)RUNNER_CHILD_TIMEOUT_MS * 1000u;
	k->killed = 0;
}

void runner_submit(struct runner *r, enum notify_type type, const char *text, size_t len)
{
	if (len >= NOTIFY_LINE_MAX)
		len = NOTIFY_LINE_MAX - 1;
	if (r->nkids < RUNNER_MAX_CHILDREN && r->qcount == 0) {
		spawn(r, type, text, len);
		return;
	}
	if (r->qcount == RUNNER_QUEUE_MAX) {
		r->dropped++;
		report_refusal("%d commands running and %d waiting: %s notification not "
		               "passed to %s (%lu dropped so far)",
		               RUNNER_MAX_CHILDREN, RUNNER_QUEUE_MAX, notify_type_name(type),
		               r->cmd, r->dropped);
		return;
	}
	struct job *j = &r->queue[(r->qhead + r->qcount) % RUNNER_QUEUE_MAX];
	j->type = type;
	j->len = len;
	memcpy(j->text, text, len);
	r->qcount++;
}

static void report_status(const struct runner *r, pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		report_info("%s (pid %ld) exited with status %d", r->cmd, (long)pid,
		            WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		report_info("%s (pid %ld) was ended by signal %d", r->cmd, (long)pid,
		            WTERMSIG(status));
}

void runner_reap(struct runner *r)
{
	for (int i = 0; i < r->nkids;) {
		int status;
		pid_t pid = waitpid(r->kids[i].pid, &status, WNOHANG);
		if (pid == 0 || (pid < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		if (pid > 0)
			report_status(r, pid, status);
		r->kids[i] = r->kids[--r->nkids];
	}
	while (r->nkids < RUNNER_MAX_CHILDREN && r->qcount > 0) {
		struct job *j = &r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % RUNNER_QUEUE_MAX;
		r->qcount--;
		spawn(r, j->type, j->text, j->len);
	}
}

uint64_t runner_tick(struct runner *r, uint64_t now_us)
{
	uint64_t next = 0;

	for (int i = 0; i < r->nkids; i++) {
		struct child *k = &r->kids[i];
		if (k->killed)
			continue;
		if (now_us >= k->deadline_us) {
			report_info("%s (pid %ld) ran for more than %d s: killed", r->cmd,
			            (long)k->pid, RUNNER_CHILD_TIMEOUT_MS / 1000);
			kill(k->pid, SIGKILL);
			k->killed = 1;
		} else if (next == 0 || k->deadline_us < next) {
			next = k->deadline_us;
		}
	}
	return next;
}

void runner_drop_queue(struct runner *r)
{
	if (r->qcount > 0)
		report_info("%zu queued notifications not passed to %s", r->qcount, r->cmd);
	r->qcount = 0;
}

int runner_running(const struct runner *r)
{
	return r->nkids;
}
