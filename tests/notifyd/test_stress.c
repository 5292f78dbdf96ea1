/* skua-notifyd under load: 200 concurrent clients send 10000 valid
 * notifications mixed with garbage (binary, over-long and 8 MB lines, bad
 * UTF-8, controls, unknown types, half lines, silent connections). Every
 * valid one must be printed exactly once, nothing else, the daemon must stay
 * up with bounded memory and exit 0 on SIGTERM. Prints the figures. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define CLIENTS 200
#define PER_CLIENT 50   /* 200 x 50 = 10000 valid notifications */
#define HOG_EVERY 20    /* every 20th client starts with an 8 MB line */
#define SILENT_EVERY 10 /* every 10th client keeps a silent connection */
#define HOG_BYTES (8u << 20)
#define RSS_GROWTH_MAX_KB (8 * 1024)

extern char **environ;

static const char *const types[] = {"sent", "received", "newmail", "error", "info"};
static const char *const pieces[] = {
    "mail",       "from",     "bob@example.org",
    "é",          "日本",     "😀",
    "\"quoted\"", "'single'", "$(touch x)",
    ";",          "`id`",     "\\",
    "&&",         "|",        "<>",
    "Grüße",      " ",        "  ",
    "subject:",
};

static volatile pid_t daemon_pid = -1;
static uint16_t port;
static atomic_int clients_done;
static atomic_int client_errors;
static int silent_fds[CLIENTS];

struct expected {
	int type;
	char *text;
	int seen;
};
static struct expected want[CLIENTS][PER_CLIENT];

static void on_alarm(int sig)
{
	static const char msg[] = "not ok - test_stress ran out of time\n";
	(void)sig;
	if (daemon_pid > 0)
		kill(daemon_pid, SIGKILL);
	if (write(1, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(1);
}

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The text of message j of client i: its id, then pieces up to a random length. */
static char *make_text(int i, int j)
{
	struct strbuf b = STRBUF_INIT;
	uint32_t s = (uint32_t)(i * 7919 + j * 104729 + 1);
	size_t target = next_rand(&s) % 5 == 0 ? 600 + next_rand(&s) % 400 : next_rand(&s) % 120;

	strbuf_printf(&b, "c%03d-m%02d", i, j);
	while (b.len < target) {
		const char *p = pieces[next_rand(&s) % (sizeof pieces / sizeof pieces[0])];
		if (b.len + strlen(p) > 1000)
			break;
		strbuf_appends(&b, p);
	}
	return strbuf_detach(&b, NULL);
}

static int dial(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Writes in random pieces so that the daemon sees lines split anywhere. */
static int send_split(int fd, const char *data, size_t len, uint32_t *s)
{
	for (size_t done = 0; done < len;) {
		size_t n = 1 + next_rand(s) % 700;
		if (n > len - done)
			n = len - done;
		ssize_t w = send(fd, data + done, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		done += (size_t)w;
		if (next_rand(s) % 16 == 0)
			usleep(next_rand(s) % 2000);
	}
	return 0;
}

/* A line of kb KiB made of 32-byte valid-looking pieces, so that wherever the
 * daemon cuts it at a multiple of 1024 bytes the rest looks like a valid line:
 * only discarding up to the LF keeps it out of the output. */
static void over_long(struct strbuf *b, size_t kb)
{
	for (size_t k = 0; k < kb * 32; k++)
		strbuf_appends(b, "SKUA1 info GARBAGE-TAIL-0123456 ");
	strbuf_appends(b, "end");
}

/* One garbage line (LF included) of a random kind; at most one refused line. */
static void garbage_line(struct strbuf *b, uint32_t *s)
{
	switch (next_rand(s) % 7) {
	case 0: { /* binary, never an LF, never starting like a valid line */
		size_t n = 1 + next_rand(s) % 200;
		strbuf_appendc(b, '\x01');
		for (size_t k = 0; k < n; k++) {
			char c = (char)(next_rand(s) & 0xff);
			strbuf_appendc(b, c == '\n' ? '\xfe' : c);
		}
		break;
	}
	case 1: /* over-long */
		over_long(b, 2 + next_rand(s) % 4);
		break;
	case 2:
		strbuf_appends(b, "SKUA1 bogus GARBAGE unknown type");
		break;
	case 3:
		strbuf_appends(b, "SKUA1 info GARBAGE \x1b]0;title\x07 escape");
		break;
	case 4:
		strbuf_append(b, "SKUA1 info GARBAGE \0 nul", 24);
		break;
	case 5:
		strbuf_appends(b, "SKUA1 info GARBAGE \xc3\x28 \xed\xa0\x80 bad UTF-8");
		break;
	default:
		strbuf_appends(b, "SKUA2 info GARBAGE version");
		break;
	}
	strbuf_appendc(b, '\n');
}

static void *client(void *arg)
{
	int i = (int)(intptr_t)arg;
	uint32_t s = (uint32_t)i * 2654435761u + 17;
	int j = 0;

	if (i % SILENT_EVERY == 0)
		silent_fds[i] = dial();
	for (int conn = 0; j < PER_CLIENT; conn++) {
		struct strbuf b = STRBUF_INIT;
		int valid = 5 + (int)(next_rand(&s) % 20);
		int bad = 0;
		if (conn == 0 && i % HOG_EVERY == 0) {
			/* An 8 MB line: the daemon must not buffer it. */
			over_long(&b, HOG_BYTES / 1024);
			strbuf_appendc(&b, '\n');
			bad++;
		}
		for (int k = 0; k < valid && j < PER_CLIENT; k++, j++) {
			while (bad < 8 && next_rand(&s) % 4 == 0) {
				garbage_line(&b, &s);
				bad++;
			}
			strbuf_printf(&b, "SKUA1 %s %s%s", types[want[i][j].type], want[i][j].text,
			              next_rand(&s) % 10 == 0 ? "\r\n" : "\n");
		}
		int fd = dial();
		if (fd < 0 || send_split(fd, b.s, b.len, &s) != 0)
			atomic_fetch_add(&client_errors, 1);
		if (fd >= 0)
			close(fd);
		strbuf_free(&b);
	}
	/* Half a line, then close; binary without any LF, then close. */
	int fd = dial();
	if (fd < 0 || send(fd, "SKUA1 info GARBAGE half", 23, MSG_NOSIGNAL) != 23)
		atomic_fetch_add(&client_errors, 1);
	if (fd >= 0)
		close(fd);
	char blob[3000];
	for (size_t k = 0; k < sizeof blob; k++) {
		blob[k] = (char)(next_rand(&s) & 0xff);
		if (blob[k] == '\n')
			blob[k] = 'n';
	}
	fd = dial();
	if (fd < 0 || send_split(fd, blob, sizeof blob, &s) != 0)
		atomic_fetch_add(&client_errors, 1);
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&clients_done, 1);
	return NULL;
}

static long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long kb = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t flen = strlen(field);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			kb = strtol(line + flen + 1, NULL, 10);
	fclose(f);
	return kb;
}

static char *slurp(const char *path, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	char buf[65536];
	size_t n;

	FILE *f = fopen(path, "r");
	if (f != NULL) {
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			strbuf_append(&b, buf, n);
		fclose(f);
	}
	return strbuf_detach(&b, len);
}

static size_t count_lines(const char *path)
{
	size_t len, n = 0;
	char *s = slurp(path, &len);
	for (size_t k = 0; k < len; k++)
		n += s[k] == '\n';
	free(s);
	return n;
}

static int start_daemon(const char *dir, char *out_path, char *err_path)
{
	const char *top = getenv("SKUA_TOP_BUILDDIR");
	char *bin = xasprintf("%s/skua-notifyd", top != NULL ? top : ".");
	char *argv[] = {bin, (char *)"-p", (char *)"0", NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	sprintf(out_path, "%s/out", dir);
	sprintf(err_path, "%s/err", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		printf("not ok - cannot start %s: %s\n", bin, strerror(rc));
		free(bin);
		return -1;
	}
	free(bin);
	daemon_pid = pid;
	for (int k = 0; k < 200; k++) {
		size_t len;
		char *err = slurp(err_path, &len);
		const char *p = strstr(err, "listening on 127.0.0.1 port ");
		if (p != NULL && strchr(p, '\n') != NULL) {
			port = (uint16_t)atoi(p + strlen("listening on 127.0.0.1 port "));
			free(err);
			return 0;
		}
		free(err);
		usleep(25000);
	}
	printf("not ok - skua-notifyd did not say which port it listens on\n");
	return -1;
}

/* Checks every printed line; returns the number of problems. */
static int verify_output(const char *out_path, size_t *printed)
{
	size_t len;
	char *out = slurp(out_path, &len);
	int problems = 0;
	char *line = out;

	*printed = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)out[k];
		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			printf("# control byte 0x%02x in the output at %zu\n", c, k);
			problems++;
			break;
		}
	}
	while (line < out + len) {
		char *nl = memchr(line, '\n', (size_t)(out + len - line));
		if (nl == NULL) {
			printf("# unterminated output line\n");
			problems++;
			break;
		}
		*nl = '\0';
		(*printed)++;
		int i, j, ok = 0;
		char *colon = NULL;
		if (strncmp(line, "[NOTIFICATION] ", 15) == 0) {
			char *sp = strchr(line + 15, ' ');
			colon = sp != NULL ? strstr(sp, ": ") : NULL;
		}
		if (colon != NULL && sscanf(colon + 2, "c%3d-m%2d", &i, &j) == 2 && i >= 0 &&
		    i < CLIENTS && j >= 0 && j < PER_CLIENT) {
			struct expected *w = &want[i][j];
			char *type = strchr(line + 15, ' ') + 1;
			size_t tlen = (size_t)(colon - type);
			ok = strcmp(colon + 2, w->text) == 0 && strlen(types[w->type]) == tlen &&
			     strncmp(type, types[w->type], tlen) == 0;
			if (ok && w->seen++ > 0) {
				printf("# printed twice: c%03d-m%02d\n", i, j);
				problems++;
			}
		}
		if (!ok) {
			if (problems < 5)
				printf("# unexpected output line: %.120s\n", line);
			problems++;
		}
		line = nl + 1;
	}
	int missing = 0;
	for (int i = 0; i < CLIENTS; i++)
		for (int j = 0; j < PER_CLIENT; j++)
			if (want[i][j].seen == 0 && missing++ < 5)
				printf("# never printed: c%03d-m%02d\n", i, j);
	free(out);
	return problems + missing;
}

int main(void)
{
	char dir[] = "/tmp/skua-stress-XXXXXX";
	char out_path[64], err_path[64];
	pthread_t th[CLIENTS];
	int failures = 0;

	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(180);
	if (mkdtemp(dir) == NULL || start_daemon(dir, out_path, err_path) != 0)
		return 1;
	for (int i = 0; i < CLIENTS; i++) {
		silent_fds[i] = -1;
		for (int j = 0; j < PER_CLIENT; j++) {
			want[i][j].type = (i + j) % 5;
			want[i][j].text = make_text(i, j);
		}
	}
	long base_kb = status_kb(daemon_pid, "VmHWM");

	uint64_t t0 = clock_mono_us();
	for (int i = 0; i < CLIENTS; i++)
		if (pthread_create(&th[i], NULL, client, (void *)(intptr_t)i) != 0) {
			printf("not ok - cannot start client thread %d\n", i);
			kill(daemon_pid, SIGKILL);
			return 1;
		}
	long peak_rss = 0;
	while (atomic_load(&clients_done) < CLIENTS) {
		long kb = status_kb(daemon_pid, "VmRSS");
		if (kb > peak_rss)
			peak_rss = kb;
		usleep(20000);
	}
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);
	uint64_t t_sent = clock_mono_us();
	/* Wait for the daemon to print the last lines, then a little longer so that
	 * a duplicate would show. */
	while (count_lines(out_path) < CLIENTS * PER_CLIENT && clock_mono_us() - t_sent < 60000000u)
		usleep(20000);
	uint64_t t_printed = clock_mono_us();
	usleep(300000);

	int alive = waitpid(daemon_pid, NULL, WNOHANG) == 0;
	long hwm_kb = status_kb(daemon_pid, "VmHWM");
	printf("%s 1 - the daemon is alive after the load\n", alive ? "ok" : "not ok");
	failures += !alive;

	size_t printed;
	int problems = verify_output(out_path, &printed);
	printf("%s 2 - every valid notification printed exactly once, nothing else "
	       "(%zu lines, %d problems)\n",
	       problems == 0 ? "ok" : "not ok", printed, problems);
	failures += problems != 0;
	if (problems != 0) {
		/* What the daemon did to whole connections says where lines went. */
		size_t len;
		char *log = slurp(err_path, &len);
		int shown = 0;
		for (char *line = strtok(log, "\n"); line != NULL && shown < 20;
		     line = strtok(NULL, "\n"))
			if (strstr(line, " refused: ") == NULL) {
				printf("# daemon: %.300s\n", line);
				shown++;
			}
		free(log);
	}

	int errors = atomic_load(&client_errors);
	printf("%s 3 - no client was cut off (%d errors)\n", errors == 0 ? "ok" : "not ok", errors);
	failures += errors != 0;

	long growth = hwm_kb - base_kb;
	int bounded = base_kb > 0 && hwm_kb > 0 && growth < RSS_GROWTH_MAX_KB;
	printf("%s 4 - memory bounded: VmHWM %ld kB at start, %ld kB after the load "
	       "(+%ld kB, limit +%d kB)\n",
	       bounded ? "ok" : "not ok", base_kb, hwm_kb, growth, RSS_GROWTH_MAX_KB);
	failures += !bounded;

	for (int i = 0; i < CLIENTS; i++)
		if (silent_fds[i] >= 0)
			close(silent_fds[i]);
	kill(daemon_pid, SIGTERM);
	int status = -1;
	for (int k = 0; k < 500 && waitpid(daemon_pid, &status, WNOHANG) == 0; k++)
		usleep(20000);
	if (status == -1) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, &status, 0);
	}
	int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	printf("%s 5 - SIGTERM: exit 0 (status 0x%x)\n", clean ? "ok" : "not ok", status);
	failures += !clean;
	daemon_pid = -1;

	size_t elen;
	char *err = slurp(err_path, &elen);
	size_t refusals = 0;
	for (const char *p = err; (p = strstr(p, " refused: ")) != NULL; p++)
		refusals++;
	int sane = strstr(err, "AddressSanitizer") == NULL && strstr(err, "runtime error") == NULL;
	printf("%s 6 - the daemon's log has refusals and no sanitizer report (%zu refusals "
	       "logged, %zu bytes)\n",
	       sane && refusals > 0 ? "ok" : "not ok", refusals, elen);
	failures += !(sane && refusals > 0);
	if (!sane)
		printf("# %.2000s\n", err);
	free(err);

	printf("# %d clients, %d valid notifications, peak VmRSS sampled %ld kB\n", CLIENTS,
	       CLIENTS * PER_CLIENT, peak_rss);
	printf("# sending took %.2f s, all printed after %.2f s\n", (t_sent - t0) / 1e6,
	       (t_printed - t0) / 1e6);
	for (int i = 0; i < CLIENTS; i++)
		for (int j = 0; j < PER_CLIENT; j++)
			free(want[i][j].text);
	unlink(out_path);
	unlink(err_path);
	rmdir(dir);
	printf("%d passed, %d failed\n", 6 - failures, failures);
	return failures == 0 ? 0 : 1;
}
