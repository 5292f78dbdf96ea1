/* Provider presets and the port defaults that follow from the TLS mode. */
#include "conf/preset.h"

#include <stddef.h>
#include <stdlib.h>

#include "util/xalloc.h"

static const struct preset presets[] = {
	/* Gmail marks its folders with SPECIAL-USE, so no folder names are needed. */
	{ CONF_PROVIDER_GMAIL, "imap.gmail.com", 993, CONF_TLS_IMPLICIT, "smtp.gmail.com", 465,
	  CONF_TLS_IMPLICIT },
	{ CONF_PROVIDER_OUTLOOK, "outlook.office365.com", 993, CONF_TLS_IMPLICIT,
	  "smtp.office365.com", 587, CONF_TLS_STARTTLS },
	{ CONF_PROVIDER_FASTMAIL, "imap.fastmail.com", 993, CONF_TLS_IMPLICIT, "smtp.fastmail.com",
	  465, CONF_TLS_IMPLICIT },
	{ CONF_PROVIDER_LOCAL, "localhost", 143, CONF_TLS_STARTTLS, "localhost", 587,
	  CONF_TLS_STARTTLS },
};

const struct preset *preset_find(enum conf_provider provider)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (presets[i].provider == provider)
			return &presets[i];
	return NULL;
}

const struct preset *preset_all(unsigned *n)
{
	*n = sizeof presets / sizeof presets[0];
	return presets;
}

static uint16_t imap_port_for(enum conf_tls tls)
{
	return tls == CONF_TLS_IMPLICIT ? 993 : 143;
}

static uint16_t smtp_port_for(enum conf_tls tls)
{
	switch (tls) {
	case CONF_TLS_IMPLICIT: return 465;
	case CONF_TLS_STARTTLS: return 587;
	case CONF_TLS_NONE: return 25;
	}
	return 465;
}

void preset_apply(struct account *a, unsigned set_mask)
{
	const struct preset *p = preset_find(a->provider);

	if (!(set_mask & PRESET_IMAP_HOST) && p != NULL) {
		free(a->imap_host);
		a->imap_host = xstrdup(p->imap_host);
	}
	if (!(set_mask & PRESET_SMTP_HOST) && p != NULL) {
		free(a->smtp_host);
		a->smtp_host = xstrdup(p->smtp_host);
	}
	if (!(set_mask & PRESET_IMAP_TLS))
		a->imap_tls = p != NULL ? p->imap_tls : CONF_TLS_IMPLICIT;
	if (!(set_mask & PRESET_SMTP_TLS))
		a->smtp_tls = p != NULL ? p->smtp_tls : CONF_TLS_IMPLICIT;
	if (!(set_mask & PRESET_IMAP_PORT))
		a->imap_port = p != NULL && a->imap_tls == p->imap_tls ? p->imap_port
								       : imap_port_for(a->imap_tls);
	if (!(set_mask & PRESET_SMTP_PORT))
		a->smtp_port = p != NULL && a->smtp_tls == p->smtp_tls ? p->smtp_port
								       : smtp_port_for(a->smtp_tls);
}
