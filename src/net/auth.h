/* Credentials for IMAP and SMTP login, and the SASL PLAIN message both send. */
#ifndef SKUA_NET_AUTH_H
#define SKUA_NET_AUTH_H

enum auth_mech {
	AUTH_MECH_AUTO = 0,  /* PLAIN if offered, else LOGIN */
	AUTH_MECH_PLAIN,
	AUTH_MECH_LOGIN,
	AUTH_MECH_XOAUTH2,   /* secret is an OAuth2 access token */
};

struct net_auth {
	enum auth_mech mech;
	const char *user;
	const char *secret;  /* password or token; borrowed, never logged */
};

/* The SASL PLAIN message (RFC 4616, no authorization identity) in base64;
 * the caller frees it with xfree_secret(). */
char *auth_plain_b64(const char *user, const char *secret);

#endif
