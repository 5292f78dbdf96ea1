/* What IMAP and SMTP logins share: the SASL PLAIN message. */
#include "net/auth.h"

#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/xalloc.h"

char *auth_plain_b64(const char *user, const char *secret)
{
	size_t ul = strlen(user), sl = strlen(secret);
	char *raw = xmalloc(ul + sl + 2);
	char *b64;

	/* RFC 4616: authzid (empty) NUL authcid NUL password. */
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[1 + ul] = '\0';
	memcpy(raw + 2 + ul, secret, sl);
	b64 = base64_encode(raw, ul + sl + 2);
	explicit_bzero(raw, ul + sl + 2);
	free(raw);
	return b64;
}
