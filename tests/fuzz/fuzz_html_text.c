/* Fuzz target: an HTML body rendered as text. */
#include <stdlib.h>

#include "mail/html_text.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size buffer without a NUL: html_to_text takes a length. */
	free(html_to_text((const char *)data, size));
	return 0;
}
