/* Fuzz target: an address list header (From, To, Cc ...). */
#include <stdlib.h>

#include "mail/address.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct mail_address *a = NULL;
	char *bad = NULL;
	long n = mail_address_list_parse(s, &a, &bad);

	for (long i = 0; i < n; i++)
		free(mail_address_format(&a[i]));
	if (n > 0)
		mail_addresses_free(a, (size_t)n);
	free(bad);
	free(s);
	return 0;
}
