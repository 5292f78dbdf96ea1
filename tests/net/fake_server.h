/* A scripted one-connection TCP server on 127.0.0.1 for the network tests:
 * it plays misbehaving IMAP/SMTP servers (response injection, odd replies)
 * and records what the client sent. */
#ifndef SKUA_TESTS_FAKE_SERVER_H
#define SKUA_TESTS_FAKE_SERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_LATER "\001"

struct fake_server {
	int listen_fd;
	uint16_t port;
	pthread_t thread;
	/* script[0] is sent on accept; after each line received from the client
	 * the next entry is sent ("$TAG" becomes the line's first word). NULL
	 * ends the script; then the server reads until EOF. An entry starting
	 * with FAKE_LATER is sent 300 ms after the previous one instead. */
	const char *const *script;
	char received[16384];     /* every byte the client sent */
	size_t received_len;
	size_t after_script;      /* bytes the client sent after the script ended */
	int saw_eof;
};

/* Listens on 127.0.0.1 at a free port and serves one connection in a thread. */
int fake_server_start(struct fake_server *f, const char *const *script);
/* Waits for the connection to end (at most ~10 s) and closes the listener. */
void fake_server_join(struct fake_server *f);

/* A listening socket that never answers: connect succeeds, nothing comes. */
int silent_listener(uint16_t *port);
/* A port where nothing listens (bound, not listening, so it stays unused
 * while the fd is open). */
int closed_port(uint16_t *port);

/* Starts a child process and returns its pid, or -1; argv[0] is searched in PATH. */
int spawn(char *const argv[]);
/* Waits until something accepts TCP connections on 127.0.0.1:port; 0 or -1. */
int wait_listening(uint16_t port, int timeout_ms);
/* A free TCP port on 127.0.0.1 (free at the time of asking). */
uint16_t free_port(void);

#endif
