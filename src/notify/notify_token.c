/* Shared secrets for the notification protocol: their form, a constant-time
 * comparison, and reading one from a file. */
#include "notify/notify_token.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

int notify_token_check(const char *token, struct err *e)
{
	size_t len = strlen(token);

	if (len < NOTIFY_TOKEN_MIN || len > NOTIFY_TOKEN_MAX)
		return err_set(e, ERR_CONFIG,
		               "the notification token has %zu bytes, it needs %d to %d", len,
		               NOTIFY_TOKEN_MIN, NOTIFY_TOKEN_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)token[i];
		if (c < 0x21 || c > 0x7e)
			return err_set(e, ERR_CONFIG,
			               "the notification token may hold only printable ASCII "
			               "without spaces, byte %zu is not",
			               i + 1);
	}
	return 0;
}

int notify_token_equal(const char *secret, size_t secret_len, const char *candidate,
                       size_t candidate_len)
{
	/* volatile keeps the compiler from turning the loop into an early exit. */
	volatile unsigned char diff = secret_len != candidate_len;

	for (size_t i = 0; i < secret_len; i++) {
		unsigned char c = i < candidate_len ? (unsigned char)candidate[i] : 0;
		diff |= (unsigned char)secret[i] ^ c;
	}
	return diff == 0;
}

char *notify_token_read_file(const char *path, int *warn_mode, struct err *e)
{
	char buf[NOTIFY_TOKEN_MAX + 64];
	struct stat st;
	size_t len = 0;

	if (warn_mode != NULL)
		*warn_mode = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err_set(e, ERR_CONFIG, "cannot open the token file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err_set(e, ERR_CONFIG, "the token file %s is not a regular file", path);
		close(fd);
		return NULL;
	}
	if (warn_mode != NULL && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		*warn_mode = 1;
	while (len < sizeof buf) {
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, ERR_CONFIG, "cannot read the token file %s: %s", path,
			        strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	close(fd);
	char *nl = memchr(buf, '\n', len);
	if (nl != NULL)
		len = (size_t)(nl - buf);
	while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	const char *problem = NULL;
	if (len > NOTIFY_TOKEN_MAX)
		problem = "is too long";
	else if (memchr(buf, '\0', len) != NULL)
		problem = "holds a NUL byte";
	char *token = problem == NULL ? xstrndup(buf, len) : NULL;
	/* The secret must not stay in a stack buffer that later calls reuse. */
	explicit_bzero(buf, sizeof buf);
	if (problem != NULL) {
		err_set(e, ERR_CONFIG, "the token in %s %s", path, problem);
		return NULL;
	}
	if (notify_token_check(token, e) != 0) {
		err_prefix(e, "%s", path);
		explicit_bzero(token, len);
		free(token);
		return NULL;
	}
	return token;
}
