/* Fuzz target: a folder name in IMAP's modified UTF-7, as LIST returns it. */
#include <stdlib.h>

#include "net/imap_session.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *u = imap_mutf7_to_utf8(s);

	if (u)
		free(imap_utf8_to_mutf7(u));
	free(u);
	free(s);
	return 0;
}
