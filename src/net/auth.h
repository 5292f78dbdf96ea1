/* Credentials for IMAP and SMTP login. */
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

#endif
