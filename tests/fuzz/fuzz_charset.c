/* Fuzz target: text in a charset a message names. The input's first line is
 * the charset name, the rest the text to convert. */
#include <stdlib.h>
#include <string.h>

#include "mail/charset.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t name_len = nl ? (size_t)(nl - data) : size;
	char *name = fuzz_cstr(data, name_len);
	const char *text = nl ? (const char *)nl + 1 : "";
	size_t text_len = nl ? size - name_len - 1 : 0;
	size_t out_len = 0;

	free(charset_to_utf8(name, text, text_len, &out_len));
	charset_is_utf8(text, text_len);
	free(name);
	return 0;
}
