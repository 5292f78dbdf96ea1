/* Fuzz target: RFC 2047 encoded words in a header, decoded. */
#include <stdlib.h>

#include "mail/mime_words.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	free(mime_words_decode(s));
	free(s);
	return 0;
}
