/* Scripted fake servers, silent listeners and closed ports for the network tests. */
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAKE_WAIT_MS 10000

static int bound_socket(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int silent_listener(uint16_t *port)
{
	int fd = bound_socket(port);

	if (fd >= 0 && listen(fd, 4) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int closed_port(uint16_t *port)
{
	return bound_socket(port);
}

uint16_t free_port(void)
{
	uint16_t port = 0;
	int fd = bound_socket(&port);

	if (fd >= 0)
		close(fd);
	return port;
}

static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, FAKE_WAIT_MS) == 1 ? 0 : -1;
}

static void send_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Sends one script entry, with $TAG replaced by the first word of line. */
static void send_step(int fd, const char *step, const char *line)
{
	char out[4096], tag[64] = "*";
	const char *at = strstr(step, "$TAG");
	size_t n;

	if (at == NULL) {
		send_all(fd, step, strlen(step));
		return;
	}
	sscanf(line, "%63s", tag);
	n = (size_t)snprintf(out, sizeof out, "%.*s%s%s", (int)(at - step), step, tag, at + 4);
	send_all(fd, out, n < sizeof out ? n : sizeof out - 1);
}

/* Reads one line (through \n) into f->received; returns its start or NULL on EOF. */
static const char *read_line(struct fake_server *f, int fd)
{
	size_t start = f->received_len;

	while (f->received_len + 1 < sizeof f->received) {
		char ch;
		if (wait_fd(fd, POLLIN) != 0 || recv(fd, &ch, 1, 0) != 1)
			return NULL;
		f->received[f->received_len++] = ch;
		f->received[f->received_len] = '\0';
		if (ch == '\n')
			return f->received + start;
	}
	return NULL;
}

static void *serve(void *arg)
{
	struct fake_server *f = arg;
	int fd;

	if (wait_fd(f->listen_fd, POLLIN) != 0)
		return NULL;
	fd = accept(f->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	send_step(fd, f->script[0], "");
	for (size_t i = 1; f->script[i] != NULL; i++) {
		if (f->script[i][0] == FAKE_LATER[0]) {
			usleep(300000);
			send_step(fd, f->script[i] + 1, "");
			continue;
		}
		const char *line = read_line(f, fd);
		if (line == NULL)
			goto done;
		send_step(fd, f->script[i], line);
	}
	for (;;) {
		char buf[512];
		if (wait_fd(fd, POLLIN) != 0)
			break;
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0) {
			f->saw_eof = n == 0;
			break;
		}
		f->after_script += (size_t)n;
		size_t room = sizeof f->received - 1 - f->received_len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(f->received + f->received_len, buf, take);
		f->received_len += take;
		f->received[f->received_len] = '\0';
	}
done:
	close(fd);
	return NULL;
}

int fake_server_start(struct fake_server *f, const char *const *script)
{
	memset(f, 0, sizeof *f);
	f->script = script;
	f->listen_fd = silent_listener(&f->port);
	if (f->listen_fd < 0)
		return -1;
	if (pthread_create(&f->thread, NULL, serve, f) != 0) {
		close(f->listen_fd);
		return -1;
	}
	return 0;
}

void fake_server_join(struct fake_server *f)
{
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
}

int spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

int wait_listening(uint16_t port, int timeout_ms)
{
	for (int waited = 0; waited < timeout_ms; waited += 50) {
		struct sockaddr_in sa;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons(port);
		int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return 0;
		usleep(50000);
	}
	return -1;
}
