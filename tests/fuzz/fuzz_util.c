/* Helpers shared by the fuzz targets. */
#include <string.h>

#include "util/xalloc.h"
#include "fuzz.h"

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
