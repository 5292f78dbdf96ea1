/* Error reporting helpers. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char joined[2 * sizeof e->msg];
	va_list ap;
	int n;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(joined, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof e->msg)
		n = sizeof e->msg - 1;
	/* The result is cut to the message size; the joined buffer avoids overlap. */
	memcpy(joined + n, ": ", 2);
	memcpy(joined + n + 2, e->msg, strlen(e->msg) + 1);
	memcpy(e->msg, joined, sizeof e->msg - 1);
	e->msg[sizeof e->msg - 1] = '\0';
	return -1;
}

void err_clear(struct err *e)
{
	if (e == NULL)
		return;
	e->code = ERR_NONE;
	e->msg[0] = '\0';
}

const char *err_code_name(enum err_code code)
{
	switch (code) {
	case ERR_NONE: return "ok";
	case ERR_USAGE: return "usage";
	case ERR_CONFIG: return "config";
	case ERR_NETWORK: return "network";
	case ERR_TLS: return "tls";
	case ERR_AUTH: return "auth";
	case ERR_PROTOCOL: return "protocol";
	case ERR_NOTFOUND: return "notfound";
	case ERR_IO: return "io";
	case ERR_PARSE: return "parse";
	case ERR_CANCELLED: return "cancelled";
	case ERR_INTERNAL: return "internal";
	}
	return "unknown";
}
