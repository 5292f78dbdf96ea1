/* Fuzz target: an RFC 2231 parameter value (charset'lang'percent-encoded). */
#include <stdlib.h>

#include "mail/mime_words.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char charset[64];

	free(mime_rfc2231_decode(s));
	mime_rfc2231_split(s, charset, sizeof(charset));
	free(s);
	return 0;
}
