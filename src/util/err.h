/* Error reporting: a code and one human sentence, filled by the function that failed. */
#ifndef SKUA_UTIL_ERR_H
#define SKUA_UTIL_ERR_H

#include <stddef.h>

/* Error classes; main() maps them to exit codes (see skua(1)). */
enum err_code {
	ERR_NONE = 0,
	ERR_USAGE = 1,     /* bad command line */
	ERR_CONFIG = 2,    /* config file missing, malformed, unknown key, bad value */
	ERR_NETWORK = 3,   /* cannot connect, timeout, connection lost */
	ERR_TLS = 4,       /* TLS handshake or certificate verification failed, no STARTTLS */
	ERR_AUTH = 5,      /* login refused, no usable auth mechanism, password command failed */
	ERR_PROTOCOL = 6,  /* the server said NO/BAD or sent something unparsable */
	ERR_NOTFOUND = 7,  /* no such folder, message, account */
	ERR_IO = 8,        /* local file system: cannot read, write, disk full */
	ERR_PARSE = 9,     /* malformed message or data */
	ERR_CANCELLED = 10,
	ERR_INTERNAL = 11, /* out of memory, library misuse */
};

struct err {
	enum err_code code;
	char msg[512];
};

/* Sets code and message (printf-style) and returns -1, so callers can write
 * `return err_set(e, ERR_IO, "cannot open %s: %s", p, strerror(errno));`.
 * e may be NULL. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes the existing message: "context: old message". Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
const char *err_code_name(enum err_code code);

#endif
