/* skua-notifyd's listening sockets: resolving, the loopback rule, binding. */
#include "notifyd/listener.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return 0;
}

static void numeric_name(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	if (getnameinfo(sa, len, buf, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, size, "%s", "?");
}

static int open_one(const struct addrinfo *ai, struct listener *l, struct err *e)
{
	int one = 1;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof ss;

	numeric_name(ai->ai_addr, ai->ai_addrlen, l->addr, sizeof l->addr);
	l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return err_set(e, ERR_NETWORK, "cannot create a socket for %s: %s", l->addr,
		               strerror(errno));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	/* The longest queue the system allows: while every client slot is taken
	 * the daemon stops accepting, and a connection that finds the queue full
	 * is lost with what its client wrote (the kernel had said it connected). */
	if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(l->fd, SOMAXCONN) != 0 ||
	    getsockname(l->fd, (struct sockaddr *)&ss, &slen) != 0) {
		int saved = errno;
		close(l->fd);
		l->fd = -1;
		return err_set(e, ERR_NETWORK, "cannot listen on %s: %s", l->addr, strerror(saved));
	}
	l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                         : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

int listener_open(const char *addr, uint16_t port, int allow_public, struct listener *out,
                  size_t max, size_t *count, struct err *e)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	size_t start = *count;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof service, "%u", (unsigned)port);
	int rc = getaddrinfo(addr, service, &hints, &res);
	if (rc != 0)
		return err_set(e, ERR_USAGE, "cannot listen on %s: %s", addr,
		               rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (!allow_public && !is_loopback(ai->ai_addr)) {
			char name[64];
			numeric_name(ai->ai_addr, ai->ai_addrlen, name, sizeof name);
			freeaddrinfo(res);
			return err_set(e, ERR_USAGE,
			               "refusing to listen on %s, which is not a loopback address, "
			               "without --token-file (or --insecure-no-token)",
			               name);
		}
	}
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (*count == max || open_one(ai, &out[*count], e) != 0) {
			if (*count == max)
				err_set(e, ERR_USAGE,
				        "too many addresses to listen on (at most %zu)", max);
			while (*count > start)
				listener_close(&out[--*count]);
			freeaddrinfo(res);
			return -1;
		}
		(*count)++;
	}
	freeaddrinfo(res);
	if (*count == start)
		return err_set(e, ERR_USAGE, "cannot listen on %s: no IPv4 or IPv6 address", addr);
	return 0;
}

void listener_close(struct listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
