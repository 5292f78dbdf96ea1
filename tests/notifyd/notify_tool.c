/* A client for the skua-notifyd shell tests:
 *   notify_tool send HOST PORT TYPE TEXT [TOKEN]  one notification via notify_send()
 *   notify_tool raw HOST PORT                     standard input sent verbatim
 *   notify_tool hold HOST PORT MS                 connect, send nothing, and say
 *                                                 whether the daemon closed within MS */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/notify_client.h"
#include "util/clock.h"

static int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0) {
		fprintf(stderr, "notify_tool: bad address %s port %s\n", host, port);
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		fprintf(stderr, "notify_tool: cannot connect to %s port %s: %s\n", host, port,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int cmd_send(int argc, char **argv)
{
	enum notify_type type;
	struct notify_metrics m;
	struct err e;

	if (argc < 6 || notify_type_from_name(argv[4], strlen(argv[4]), &type) != 0) {
		fprintf(stderr, "usage: notify_tool send HOST PORT TYPE TEXT [TOKEN]\n");
		return 2;
	}
	if (notify_send(argv[2], (uint16_t)atoi(argv[3]), argc > 6 ? argv[6] : NULL, type, argv[5],
	                2000, &m, &e) != 0) {
		fprintf(stderr, "notify_tool: %s (%llu us)\n", e.msg,
		        (unsigned long long)m.latency_us);
		return 1;
	}
	printf("sent %llu bytes, %llu segments out, %llu us\n", (unsigned long long)m.bytes_out,
	       (unsigned long long)m.segs_out, (unsigned long long)m.latency_us);
	return 0;
}

static int cmd_raw(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc < 4)
		return 2;
	int fd = dial(argv[2], argv[3]);
	if (fd < 0)
		return 1;
	while ((n = read(0, buf, sizeof buf)) > 0) {
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
			fprintf(stderr, "notify_tool: write: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	char buf[64];

	if (argc < 5)
		return 2;
	int fd = dial(argv[2], argv[3]);
	if (fd < 0)
		return 1;
	/* Tell the shell that the connection is up. */
	printf("connected\n");
	fflush(stdout);
	uint64_t start = clock_mono_us();
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, atoi(argv[4]));
	uint64_t ms = (clock_mono_us() - start) / 1000;
	if (r == 1 && read(fd, buf, sizeof buf) <= 0)
		printf("closed by the daemon after %llu ms\n", (unsigned long long)ms);
	else
		printf("still open after %llu ms\n", (unsigned long long)ms);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return cmd_send(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "raw") == 0)
		return cmd_raw(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argc, argv);
	fprintf(stderr, "usage: notify_tool send|raw|hold ...\n");
	return 2;
}
