/* Looking up MIME header parameters (Content-Type name=, Content-Disposition
 * filename=) with RFC 2231 continuations and charsets and RFC 2047 words. */
#ifndef SKUA_MAIL_MIME_PARAMS_H
#define SKUA_MAIL_MIME_PARAMS_H

#include <stddef.h>

struct mime_param {
	const char *name;    /* as written: "filename", "filename*", "filename*1*" ... */
	const char *value;   /* with the quotes already removed */
};

/* The decoded UTF-8 value of parameter want (e.g. "filename"): an extended
 * want*= value wins, then want*0, want*1 ... continuations (joined up to the
 * first gap, %XX decoded where marked with '*', in the charset named by the
 * first segment), then plain want= (RFC 2047 words and raw 8-bit decoded).
 * NULL if absent; caller frees. */
char *mime_param_lookup(const struct mime_param *params, size_t n, const char *want);

#endif
