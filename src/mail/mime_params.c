/* MIME parameter values: RFC 2231 (which libetpan does not decode) and the
 * RFC 2047 words that many mailers put inside quoted parameters anyway. */
#include "mail/mime_params.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"
#include "mail/mime_words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define MAX_SEGMENTS 1000

/* If name is want*N or want*N*, returns N and sets *encoded; else -1. */
static long segment_index(const char *name, const char *want, int *encoded)
{
	size_t wl = strlen(want);

	if (strncasecmp(name, want, wl) != 0 || name[wl] != '*')
		return -1;
	const char *p = name + wl + 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	long n = 0;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (*p - '0');
		if (n >= MAX_SEGMENTS)
			return -1;
		p++;
	}
	/* RFC 2231 forbids leading zeros; "*00" would otherwise shadow "*0" */
	if (p - (name + wl + 1) > 1 && name[wl + 1] == '0')
		return -1;
	*encoded = 0;
	if (*p == '*') {
		*encoded = 1;
		p++;
	}
	return *p == '\0' ? n : -1;
}

static char *join_segments(const struct mime_param *params, size_t n, const char *want)
{
	const struct mime_param **seg = xcalloc(MAX_SEGMENTS, sizeof *seg);
	int *enc = xcalloc(MAX_SEGMENTS, sizeof *enc);
	char *result = NULL;

	for (size_t i = 0; i < n; i++) {
		int e;
		long k = params[i].name ? segment_index(params[i].name, want, &e) : -1;
		if (k >= 0 && seg[k] == NULL) {
			seg[k] = &params[i];
			enc[k] = e;
		}
	}
	if (seg[0] != NULL) {
		struct strbuf bytes = STRBUF_INIT;
		char charset[65] = "";
		int any_encoded = 0;
		for (long k = 0; k < MAX_SEGMENTS && seg[k] != NULL; k++) {
			const char *v = seg[k]->value ? seg[k]->value : "";
			if (!enc[k]) {
				strbuf_appends(&bytes, v);
				continue;
			}
			any_encoded = 1;
			if (k == 0)
				v = mime_rfc2231_split(v, charset, sizeof charset);
			mime_percent_decode(&bytes, v, strlen(v));
		}
		const char *data = bytes.s ? bytes.s : "";
		if (any_encoded) {
			size_t m;
			result = charset_to_utf8(charset[0] ? charset : NULL, data, bytes.len, &m);
		} else {
			/* plain continuations: may still carry RFC 2047 words or raw 8-bit */
			result = mime_words_decode(data);
		}
		strbuf_free(&bytes);
	}
	free(seg);
	free(enc);
	return result;
}

char *mime_param_lookup(const struct mime_param *params, size_t n, const char *want)
{
	size_t wl = strlen(want);

	for (size_t i = 0; i < n; i++) {
		const char *name = params[i].name;
		if (name && strncasecmp(name, want, wl) == 0 && name[wl] == '*' && name[wl + 1] == '\0')
			return mime_rfc2231_decode(params[i].value);
	}
	char *joined = join_segments(params, n, want);
	if (joined)
		return joined;
	for (size_t i = 0; i < n; i++)
		if (params[i].name && strcasecmp(params[i].name, want) == 0)
			return mime_words_decode(params[i].value ? params[i].value : "");
	return NULL;
}
