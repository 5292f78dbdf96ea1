/* IMAP session life cycle: connect, STARTTLS, capabilities, login and
 * LOGOUT, plus the error policy every command shares (a dead transport breaks
 * the session at once; a server NO keeps it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_internal.h"
#include "util/utf8.h"
#include "util/xalloc.h"

void imap_break(struct imap_session *s)
{
	/* mailimap_free would send LOGOUT on a stream it still holds and wait a
	 * full timeout on a dead peer; closing it first makes that impossible. */
	if (s->imap && s->imap->imap_stream) {
		mailstream_close(s->imap->imap_stream);
		s->imap->imap_stream = NULL;
	}
	s->broken = 1;
	free(s->selected);
	s->selected = NULL;
}

int imap_check_usable(struct imap_session *s, struct err *e)
{
	if (!s || !s->imap)
		return err_set(e, ERR_INTERNAL, "no IMAP session");
	if (s->broken || !s->imap->imap_stream)
		return err_set(e, ERR_NETWORK, "the connection to %s was lost earlier; reconnect first",
			       conn_host(s->conn));
	return 0;
}

int imap_check_selected(struct imap_session *s, const char *what, struct err *e)
{
	if (imap_check_usable(s, e) < 0)
		return -1;
	if (!s->selected)
		return err_set(e, ERR_INTERNAL, "%s needs a selected folder", what);
	return 0;
}

void imap_sanitize(const char *src, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	const unsigned char *end = p + strlen((const char *)p);
	size_t o = 0;

	if (size == 0)
		return;
	while (*p && o + 4 < size) {
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			buf[o++] = '?';
			p++;
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			buf[o++] = ' ';
			p += n;
		} else {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		}
	}
	buf[o] = '\0';
}

const char *imap_server_text(struct imap_session *s, char *buf, size_t size)
{
	const char *t = s->imap ? s->imap->imap_response : NULL;

	imap_sanitize(t && *t ? t : "(no reason given)", buf, size);
	return buf;
}

const char *imap_resp_code(struct imap_session *s)
{
	if (!s->imap || !s->imap->imap_response_info)
		return NULL;
	return s->imap->imap_response_info->rsp_atom;
}

void imap_session_set_max_message_size(struct imap_session *s, size_t bytes)
{
	if (s)
		s->max_message_size = bytes ? bytes : IMAP_MAX_MESSAGE_SIZE_DEFAULT;
}

int imap_fail(struct imap_session *s, int r, const char *what, struct err *e)
{
	char text[256];
	enum err_code code;

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		code = conn_last_error_code(s->conn);
		imap_sanitize(conn_last_error(s->conn), text, sizeof text);
		imap_break(s);
		if (code == ERR_CANCELLED)
			return err_set(e, ERR_CANCELLED, "%s was cancelled", what);
		if (code == ERR_NONE)
			code = ERR_NETWORK;
		return err_set(e, code, "%s failed: %s", what,
			       text[0] ? text : "the connection was lost");
	case MAILIMAP_ERROR_PARSE:
		imap_break(s);
		return err_set(e, ERR_PROTOCOL, "%s failed: the server's reply could not be parsed",
			       what);
	case MAILIMAP_ERROR_FATAL:
		imap_server_text(s, text, sizeof text);
		imap_break(s);
		return err_set(e, ERR_NETWORK, "%s failed: the server closed the connection: %s", what,
			       text);
	case MAILIMAP_ERROR_MEMORY:
		imap_break(s);
		return err_set(e, ERR_INTERNAL, "%s failed: out of memory", what);
	case MAILIMAP_ERROR_BAD_STATE:
		return err_set(e, ERR_INTERNAL, "%s is not possible in the session's current state",
			       what);
	default:
		return err_set(e, ERR_PROTOCOL, "%s failed: server said: %s", what,
			       imap_server_text(s, text, sizeof text));
	}
}

static int name_disabled(struct imap_session *s, const char *name)
{
	for (size_t i = 0; i < s->n_disabled; i++)
		if (strcasecmp(s->disabled_caps[i], name) == 0)
			return 1;
	return 0;
}

static int cap_lookup(struct imap_session *s, int type, const char *name)
{
	struct mailimap_connection_info *ci = s->imap ? s->imap->imap_connection_info : NULL;
	clistiter *it;

	if (!ci || !ci->imap_capability || !ci->imap_capability->cap_list)
		return 0;
	for (it = clist_begin(ci->imap_capability->cap_list); it; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		if (!c || c->cap_type != type)
			continue;
		const char *v = type == MAILIMAP_CAPABILITY_NAME ? c->cap_data.cap_name
								 : c->cap_data.cap_auth_type;
		if (v && strcasecmp(v, name) == 0)
			return 1;
	}
	return 0;
}

int imap_cap(struct imap_session *s, const char *name)
{
	return !name_disabled(s, name) && cap_lookup(s, MAILIMAP_CAPABILITY_NAME, name);
}

static int imap_auth_cap(struct imap_session *s, const char *mech)
{
	char full[64];

	snprintf(full, sizeof full, "AUTH=%s", mech);
	return !name_disabled(s, full) && cap_lookup(s, MAILIMAP_CAPABILITY_AUTH_TYPE, mech);
}

int imap_session_has_cap(struct imap_session *s, const char *cap)
{
	if (!s || !cap)
		return 0;
	if (strncasecmp(cap, "AUTH=", 5) == 0)
		return imap_auth_cap(s, cap + 5);
	return imap_cap(s, cap);
}

void imap_session_disable_cap(struct imap_session *s, const char *cap)
{
	if (!s || !cap || name_disabled(s, cap))
		return;
	s->disabled_caps = xreallocarray(s->disabled_caps, s->n_disabled + 1,
					 sizeof *s->disabled_caps);
	s->disabled_caps[s->n_disabled++] = xstrdup(cap);
}

struct conn *imap_session_conn(struct imap_session *s)
{
	return s ? s->conn : NULL;
}

static int caps_known(struct imap_session *s)
{
	struct mailimap_connection_info *ci = s->imap->imap_connection_info;
	return ci && ci->imap_capability;
}

static int refresh_caps(struct imap_session *s, struct err *e)
{
	struct mailimap_capability_data *cd = NULL;
	int r = mailimap_capability(s->imap, &cd);

	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, r, "CAPABILITY", e);
	mailimap_capability_data_free(cd);
	return 0;
}

/* The post-login capabilities may differ (AUTH= gone, extensions added);
 * forgetting the old ones shows afterwards whether the server sent new ones. */
static void forget_caps(struct imap_session *s)
{
	struct mailimap_connection_info *ci = s->imap->imap_connection_info;

	if (ci && ci->imap_capability) {
		mailimap_capability_data_free(ci->imap_capability);
		ci->imap_capability = NULL;
	}
}

/* AUTHENTICATE PLAIN without cyrus-sasl: with SASL-IR in one line, else
 * after the server's continuation. */
static int auth_plain(struct imap_session *s, const char *user, const char *pass, int sasl_ir,
		      int *cond)
{
	static const char start[] = "AUTHENTICATE PLAIN";
	char *b64 = auth_plain_b64(user, pass);
	int r;

	if (sasl_ir) {
		char *cmd = xasprintf("%s %s", start, b64);
		r = imap_raw_command(s, cmd, strlen(cmd), 1, cond);
		xfree_secret(cmd);
		xfree_secret(b64);
		return r;
	}
	r = imap_raw_send(s, 1, start, sizeof start - 1, 0);
	if (r == MAILIMAP_NO_ERROR) {
		char *line = mailimap_read_line(s->imap);
		if (!line) {
			r = MAILIMAP_ERROR_STREAM;
		} else if (line[0] == '+') {
			r = imap_raw_send(s, 0, b64, strlen(b64), 1);
			if (r == MAILIMAP_NO_ERROR && !mailimap_read_line(s->imap))
				r = MAILIMAP_ERROR_STREAM;
		}
	}
	xfree_secret(b64);
	return r == MAILIMAP_NO_ERROR ? imap_raw_reply(s, cond) : r;
}

static int login(struct imap_session *s, const struct conn_params *p, const struct net_auth *a,
		 struct err *e)
{
	int r, cond = MAILIMAP_RESP_COND_STATE_OK;
	enum auth_mech mech = a->mech;
	char text[256];

	if (!conn_is_tls(s->conn) && p->tls != TLS_MODE_NONE)
		return err_set(e, ERR_TLS, "refusing to send the password for %s to %s without TLS",
			       a->user, conn_host(s->conn));
	if (!caps_known(s) && refresh_caps(s, e) < 0)
		return -1;
	if (imap_cap(s, "LOGINDISABLED"))
		return err_set(e, ERR_AUTH, "%s does not allow logging in on this connection%s",
			       conn_host(s->conn),
			       conn_is_tls(s->conn) ? "" : " without TLS (LOGINDISABLED)");
	if (mech == AUTH_MECH_XOAUTH2 && !imap_auth_cap(s, "XOAUTH2"))
		return err_set(e, ERR_AUTH, "%s does not offer XOAUTH2 login", conn_host(s->conn));
	if (mech == AUTH_MECH_PLAIN && !imap_auth_cap(s, "PLAIN"))
		return err_set(e, ERR_AUTH, "%s does not offer AUTH=PLAIN login", conn_host(s->conn));
	if (mech == AUTH_MECH_AUTO)
		mech = imap_auth_cap(s, "PLAIN") && imap_cap(s, "SASL-IR") ? AUTH_MECH_PLAIN
									 : AUTH_MECH_LOGIN;

	int sasl_ir = imap_cap(s, "SASL-IR");
	forget_caps(s);
	switch (mech) {
	case AUTH_MECH_XOAUTH2:
		r = mailimap_oauth2_authenticate(s->imap, a->user, a->secret);
		break;
	case AUTH_MECH_PLAIN:
		r = auth_plain(s, a->user, a->secret, sasl_ir, &cond);
		if (r == MAILIMAP_NO_ERROR && cond == MAILIMAP_RESP_COND_STATE_OK)
			s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
		else if (r == MAILIMAP_NO_ERROR)
			r = MAILIMAP_ERROR_LOGIN;
		break;
	default:
		r = mailimap_login(s->imap, a->user, a->secret);
		break;
	}
	if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE || r == MAILIMAP_ERROR_MEMORY)
		return imap_fail(s, r, "login", e);
	if (r != MAILIMAP_NO_ERROR) {
		char user[128];
		imap_server_text(s, text, sizeof text);
		imap_sanitize(a->user, user, sizeof user);
		if (r == MAILIMAP_ERROR_FATAL)   /* BYE, e.g. too many failures */
			imap_break(s);
		return err_set(e, ERR_AUTH, "login as %s refused by %s: %s", user,
			       conn_host(s->conn), text);
	}
	if (!caps_known(s) && refresh_caps(s, e) < 0)
		return -1;
	return 0;
}

static int greeting(struct imap_session *s, int *preauth, struct err *e)
{
	char text[256];
	mailstream *st = conn_stream(s->conn);
	int r;

	if (!st)
		return err_set(e, ERR_INTERNAL, "no stream for the connection to %s",
			       conn_host(s->conn));
	r = mailimap_connect(s->imap, st);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED || r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		*preauth = r == MAILIMAP_NO_ERROR_AUTHENTICATED;
		return 0;
	}
	if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION) {
		imap_server_text(s, text, sizeof text);
		imap_break(s);
		return err_set(e, ERR_NETWORK, "%s refused the IMAP connection: %s",
			       conn_host(s->conn), text);
	}
	imap_fail(s, r, "the IMAP greeting", e);
	imap_break(s);   /* also for codes imap_fail would keep: there is no session */
	return -1;
}

static int starttls(struct imap_session *s, struct err *e)
{
	char text[256];
	int r;

	if (!caps_known(s) && refresh_caps(s, e) < 0)
		return -1;
	if (!cap_lookup(s, MAILIMAP_CAPABILITY_NAME, "STARTTLS"))
		return err_set(e, ERR_TLS, "server offers no STARTTLS");
	r = mailimap_starttls(s->imap);
	/* libetpan (patched for CVE-2020-15953) also fails here when the reply
	 * came with extra bytes; either way nothing read so far may be trusted. */
	if (r == MAILIMAP_NO_ERROR && s->imap->imap_stream->read_buffer_len != 0)
		r = MAILIMAP_ERROR_STARTTLS;
	if (r == MAILIMAP_ERROR_STARTTLS && s->imap->imap_stream &&
	    s->imap->imap_stream->read_buffer_len != 0)
		return err_set(e, ERR_TLS,
			       "%s sent data right after accepting STARTTLS (a response injection "
			       "attempt?); connection abandoned",
			       conn_host(s->conn));
	if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE || r == MAILIMAP_ERROR_FATAL)
		return imap_fail(s, r, "STARTTLS", e);
	if (r != MAILIMAP_NO_ERROR)
		return err_set(e, ERR_TLS, "%s refused STARTTLS: %s", conn_host(s->conn),
			       imap_server_text(s, text, sizeof text));
	if (conn_start_tls(s->conn, s->imap->imap_stream, e) < 0)
		return -1;
	/* The cached list is the cleartext one, which an attacker could have
	 * shaped; only what the server says over TLS counts. */
	forget_caps(s);
	return refresh_caps(s, e);
}

struct imap_session *imap_session_open(const struct conn_params *p, const struct net_auth *auth,
				       struct err *e)
{
	struct err tmp;
	struct conn_op op;
	struct imap_session *s;
	struct conn *c;
	int preauth = 0, rc;

	if (!e)
		e = &tmp;
	if (!p || !auth || !auth->user || !auth->secret)
		return err_set(e, ERR_AUTH, "no user name or secret given for the IMAP login"), NULL;
	c = conn_open(p, e);
	if (!c)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->conn = c;
	s->max_message_size = IMAP_MAX_MESSAGE_SIZE_DEFAULT;
	s->imap = mailimap_new(0, NULL);
	if (!s->imap) {
		err_set(e, ERR_INTERNAL, "out of memory creating the IMAP session");
		goto fail;
	}

	conn_op_begin(s->conn, &op, "imap_greeting");
	rc = conn_op_done(s->conn, &op, greeting(s, &preauth, e), e);
	if (rc < 0)
		goto fail;

	if (p->tls == TLS_MODE_STARTTLS) {
		if (preauth) {
			err_set(e, ERR_TLS,
				"%s logged us in before STARTTLS (PREAUTH), so the session cannot be "
				"encrypted",
				conn_host(c));
			goto fail;
		}
		conn_op_begin(s->conn, &op, "imap_starttls");
		if (conn_op_done(s->conn, &op, starttls(s, e), e) < 0)
			goto fail;
	}

	conn_op_begin(s->conn, &op, "imap_login");
	if (preauth)
		rc = caps_known(s) ? 0 : refresh_caps(s, e);
	else
		rc = login(s, p, auth, e);
	if (conn_op_done(s->conn, &op, rc, e) < 0)
		goto fail;
	return s;

fail:
	imap_break(s);
	imap_session_close(s);
	return NULL;
}

void imap_session_close(struct imap_session *s)
{
	struct conn_op op;

	if (!s)
		return;
	if (s->imap) {
		if (!s->broken && s->imap->imap_stream && conn_is_alive(s->conn)) {
			struct err e;
			int r;
			conn_op_begin(s->conn, &op, "imap_logout");
			/* mailimap_logout closes the stream whatever the reply. */
			r = mailimap_logout(s->imap);
			s->imap->imap_stream = NULL;
			err_clear(&e);
			e.code = conn_last_error_code(s->conn);
			conn_op_done(s->conn, &op, r == MAILIMAP_NO_ERROR ? 0 : -1, &e);
		}
		imap_break(s);
		mailimap_free(s->imap);
	}
	conn_free(s->conn);
	for (size_t i = 0; i < s->n_disabled; i++)
		free(s->disabled_caps[i]);
	free(s->disabled_caps);
	free(s->selected);
	free(s);
}
