/* skua-notifyd's listening sockets: resolve -l ADDR, refuse addresses beyond
 * loopback unless the caller allows them, bind and listen non-blocking. */
#ifndef SKUA_NOTIFYD_LISTENER_H
#define SKUA_NOTIFYD_LISTENER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LISTENER_MAX 8

struct listener {
	int fd;
	char addr[64]; /* numeric address, for messages */
	uint16_t port; /* the bound port: the real one when 0 was asked for */
};

/* Opens one listener per address that addr resolves to (a name such as
 * localhost may give both 127.0.0.1 and ::1), appending to out[*count] within
 * max. IPv6 sockets are IPv6-only, so "::" and "0.0.0.0" can both be given.
 * With allow_public 0, any address other than loopback fails before anything
 * is bound. Returns 0, or -1 with e filled and nothing added. */
int listener_open(const char *addr, uint16_t port, int allow_public, struct listener *out,
                  size_t max, size_t *count, struct err *e);
/* Closes a listener (fd -1 is ignored). */
void listener_close(struct listener *l);

#endif
