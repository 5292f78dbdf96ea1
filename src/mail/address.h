/* Email address lists: parsing "Name <a@b>, c@d" into parts. */
#ifndef SKUA_MAIL_ADDRESS_H
#define SKUA_MAIL_ADDRESS_H

#include <stddef.h>

struct mail_address {
	char *name;   /* decoded display name, "" if none */
	char *addr;   /* addr-spec "local@domain" */
};

/* Parses an RFC 5322 address list (groups flattened, RFC 2047 names decoded).
 * Returns the count, or -1 if an entry is not an address; *bad (may be NULL)
 * then gets the offending text (caller frees). Caller frees the list with
 * mail_addresses_free. */
long mail_address_list_parse(const char *text, struct mail_address **out, char **bad);
void mail_addresses_free(struct mail_address *a, size_t n);
/* "Name <addr>" or "addr"; caller frees. */
char *mail_address_format(const struct mail_address *a);

#endif
