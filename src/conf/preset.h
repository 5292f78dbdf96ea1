/* Provider presets: the servers, ports and TLS modes of well-known providers,
 * and the defaults for accounts that use none. */
#ifndef SKUA_CONF_PRESET_H
#define SKUA_CONF_PRESET_H

#include <stdint.h>

#include "conf/account.h"

struct preset {
	enum conf_provider provider;
	const char *imap_host;
	uint16_t imap_port;
	enum conf_tls imap_tls;
	const char *smtp_host;
	uint16_t smtp_port;
	enum conf_tls smtp_tls;
};

/* The preset of a provider; NULL for CONF_PROVIDER_CUSTOM. */
const struct preset *preset_find(enum conf_provider provider);
/* Every preset, for listings and the man page check; *n gets the count. */
const struct preset *preset_all(unsigned *n);

/* Bits of preset_apply()'s mask: the fields the user set in the file. */
#define PRESET_IMAP_HOST 0x01u
#define PRESET_IMAP_PORT 0x02u
#define PRESET_IMAP_TLS 0x04u
#define PRESET_SMTP_HOST 0x08u
#define PRESET_SMTP_PORT 0x10u
#define PRESET_SMTP_TLS 0x20u

/* Fills the host, port and TLS fields of a that are not in set_mask: from the
 * provider's preset, else TLS implicit and the port that goes with the TLS mode
 * (IMAP 993 implicit, 143 otherwise; SMTP 465 implicit, 587 starttls, 25 none).
 * A preset's port is only taken while the TLS mode is the preset's, so that
 * smtp_tls = implicit with provider = outlook gets 465, not 587. Hosts the
 * preset does not give stay NULL. */
void preset_apply(struct account *a, unsigned set_mask);

#endif
