/* TLS for a connection: OpenSSL context with the system store plus an optional
 * CA file, TLS 1.2 at least, SNI and host name or IP address checks, the
 * handshake over the non-blocking socket, and failures named in plain words. */
#include "net/conn_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/xalloc.h"

static int is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* Appends a name from a certificate, printable ASCII only: it is shown to
 * the user and comes from whoever answered. */
static void add_name(char *list, size_t size, const unsigned char *name, size_t len)
{
	size_t at = strlen(list);

	if (at + 4 >= size)
		return;
	if (at > 0) {
		memcpy(list + at, ", ", 2);
		at += 2;
	}
	for (size_t i = 0; i < len && at + 4 < size; i++)
		list[at++] = name[i] > 0x20 && name[i] < 0x7f ? (char)name[i] : '?';
	if (at + 4 >= size && at >= 3)
		memcpy(list + at - 3, "...", 3);
	list[at] = '\0';
}

static void collect_names(struct conn *c, X509 *cert)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	char ip[INET6_ADDRSTRLEN];

	c->peer_names[0] = '\0';
	for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type == GEN_DNS) {
			add_name(c->peer_names, sizeof c->peer_names,
				 ASN1_STRING_get0_data(gn->d.dNSName),
				 (size_t)ASN1_STRING_length(gn->d.dNSName));
		} else if (gn->type == GEN_IPADD) {
			int len = ASN1_STRING_length(gn->d.iPAddress);
			int af = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
			if (af != 0 && inet_ntop(af, ASN1_STRING_get0_data(gn->d.iPAddress), ip,
						 sizeof ip) != NULL)
				add_name(c->peer_names, sizeof c->peer_names,
					 (const unsigned char *)ip, strlen(ip));
		}
	}
	GENERAL_NAMES_free(sans);
	if (c->peer_names[0] == '\0') {
		/* No subjectAltName: the common name is all there is to show. */
		char cn[128];
		int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
						  sizeof cn);
		if (n > 0)
			add_name(c->peer_names, sizeof c->peer_names, (const unsigned char *)cn,
				 (size_t)n);
	}
}

/* Keeps OpenSSL's verdict; only notes what the error message will need. */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct conn *c = ssl != NULL ? SSL_get_app_data(ssl) : NULL;

	if (c == NULL)
		return ok;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);
	if (leaf != NULL && c->peer_names[0] == '\0')
		collect_names(c, leaf);
	if (!ok && X509_STORE_CTX_get_error(store) == X509_V_ERR_CERT_HAS_EXPIRED) {
		X509 *cur = X509_STORE_CTX_get_current_cert(store);
		struct tm tm;
		if (cur != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(cur), &tm) == 1)
			strftime(c->peer_not_after, sizeof c->peer_not_after, "%Y-%m-%d %H:%M UTC",
				 &tm);
	}
	return ok;
}

/* The sentence after "certificate for HOST is not valid: ". */
static void describe_verify_error(struct conn *c, long vr, char *buf, size_t size)
{
	const char *why = X509_verify_cert_error_string(vr);

	switch (vr) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		snprintf(buf, size, "unknown issuer (%s)", why);
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		if (c->peer_names[0] != '\0')
			snprintf(buf, size, "%s (it is for %s)", why, c->peer_names);
		else
			snprintf(buf, size, "%s", why);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		if (c->peer_not_after[0] != '\0')
			snprintf(buf, size, "%s (on %s)", why, c->peer_not_after);
		else
			snprintf(buf, size, "%s", why);
		break;
	default:
		snprintf(buf, size, "%s", why);
		break;
	}
}

static int handshake_fail(struct conn *c, struct err *e, int ssl_err, int saved_errno)
{
	long vr = c->ssl != NULL ? SSL_get_verify_result(c->ssl) : X509_V_OK;
	unsigned long ec = ERR_peek_last_error();
	char why[256];

	if (c->last_code == ERR_CANCELLED || c->last_code == ERR_NETWORK) {
		/* A timeout or cancel while waiting: conn_wait named it. */
		return err_set(e, c->last_code, "TLS handshake with %s port %u failed: %s", c->host,
			       (unsigned)c->port, c->last_error);
	}
	if (vr != X509_V_OK) {
		describe_verify_error(c, vr, why, sizeof why);
		conn_fail(c, ERR_TLS, "certificate for %s is not valid: %s", c->host, why);
	} else if ((ssl_err == SSL_ERROR_SYSCALL && saved_errno == 0) ||
		   (ERR_GET_LIB(ec) == ERR_LIB_SSL &&
		    ERR_GET_REASON(ec) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		conn_fail(c, ERR_TLS, "%s closed the connection during the TLS handshake", c->host);
	} else if (ssl_err == SSL_ERROR_SYSCALL) {
		conn_fail(c, ERR_NETWORK, "TLS handshake with %s failed: %s", c->host,
			  strerror(saved_errno));
	} else {
		const char *reason = ec != 0 ? ERR_reason_error_string(ec) : NULL;
		conn_fail(c, ERR_TLS, "TLS handshake with %s failed: %s", c->host,
			  reason != NULL ? reason : "unknown error");
	}
	return err_set(e, c->last_code, "cannot connect securely to %s port %u: %s", c->host,
		       (unsigned)c->port, c->last_error);
}

/* The system's trust store: the hashed directory that Debian's
 * update-ca-certificates keeps is read lazily, one issuer file at a time;
 * the bundle file (what SSL_CERT_FILE usually names) holds every root and
 * takes ~55 ms to parse. */
static void load_system_store(X509_STORE *store)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	const char *dir = getenv(X509_get_default_cert_dir_env());
	struct stat st;

	if (file != NULL && *file != '\0')
		X509_STORE_load_file(store, file);
	if (dir == NULL || *dir == '\0')
		dir = X509_get_default_cert_dir();
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		X509_STORE_load_path(store, dir);
	else if (file == NULL || *file == '\0')
		X509_STORE_load_file(store, X509_get_default_cert_file());
	ERR_clear_error();
}

/* Trust stores are built once per CA file and shared by every connection
 * of the process (an X509_STORE is safe to share between threads), so the
 * parsing is not paid again by the worker, the watcher and each send. They
 * live until the process ends. */
#define TRUST_STORES 4
static pthread_mutex_t trust_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *ca_file;   /* "" for none */
	X509_STORE *store;
} trust[TRUST_STORES];

/* The store for ca_file (NULL: the system's alone), with a reference for
 * the caller; NULL with the reason in c if the CA file cannot be loaded. */
static X509_STORE *trust_store(struct conn *c, const char *ca_file)
{
	const char *key = ca_file != NULL ? ca_file : "";
	X509_STORE *store = NULL;
	size_t i;

	pthread_mutex_lock(&trust_lock);
	for (i = 0; i < TRUST_STORES && trust[i].store != NULL; i++)
		if (strcmp(trust[i].ca_file, key) == 0) {
			store = trust[i].store;
			X509_STORE_up_ref(store);
			goto out;
		}
	store = X509_STORE_new();
	if (store == NULL) {
		conn_fail(c, ERR_INTERNAL, "cannot create a certificate store");
		goto out;
	}
	load_system_store(store);
	if (ca_file != NULL && X509_STORE_load_file(store, ca_file) != 1) {
		unsigned long ec = ERR_peek_last_error();
		const char *reason = ec != 0 ? ERR_reason_error_string(ec) : NULL;
		conn_fail(c, ERR_TLS, "cannot load the CA file %s: %s", ca_file,
			  reason != NULL ? reason : "unreadable");
		X509_STORE_free(store);
		store = NULL;
		goto out;
	}
	/* A full table just means this store is not kept. */
	if (i < TRUST_STORES) {
		trust[i].ca_file = xstrdup(key);
		trust[i].store = store;
		X509_STORE_up_ref(store);
	}
out:
	pthread_mutex_unlock(&trust_lock);
	return store;
}

static int setup(struct conn *c, struct err *e)
{
	BIO *bio;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, verify_cb);
	/* A missing system store is not fatal by itself: the CA file may do. */
	X509_STORE *store = trust_store(c, c->ca_file);
	if (store == NULL)
		return err_set(e, c->last_code, "%s", c->last_error);
	/* The context takes the reference trust_store gave. */
	SSL_CTX_set_cert_store(c->ctx, store);
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create a TLS session");
	SSL_set_app_data(c->ssl, c);
	if (is_ip_literal(c->host)) {
		/* No SNI for addresses (RFC 6066); the certificate must list the IP. */
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), c->host) != 1)
			return err_set(e, ERR_INTERNAL, "cannot check certificates for %s", c->host);
	} else {
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (SSL_set_tlsext_host_name(c->ssl, c->host) != 1 || SSL_set1_host(c->ssl, c->host) != 1)
			return err_set(e, ERR_INTERNAL, "cannot check certificates for %s", c->host);
	}
	bio = BIO_new_socket(c->fd, BIO_NOCLOSE);
	if (bio == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create a TLS socket");
	/* Wire bytes, handshake and records included, are counted at the BIO. */
	BIO_set_callback_ex(bio, conn_meter_bio_cb);
	BIO_set_callback_arg(bio, (char *)c);
	SSL_set_bio(c->ssl, bio, bio);
	return 0;
}

int conn_tls_handshake(struct conn *c, struct err *e)
{
	int se = SSL_ERROR_NONE, saved = 0;

	c->peer_names[0] = '\0';
	c->peer_not_after[0] = '\0';
	c->last_code = ERR_NONE;
	c->last_error[0] = '\0';
	ERR_clear_error();
	if (setup(c, e) != 0) {
		conn_tls_shutdown(c);
		return -1;
	}
	for (;;) {
		struct sigpipe_guard g;
		if (atomic_load(&c->cancelled)) {
			conn_fail(c, ERR_CANCELLED, "cancelled");
			break;
		}
		ERR_clear_error();
		errno = 0;
		conn_sigpipe_block(&g);
		int r = SSL_connect(c->ssl);
		saved = errno;
		se = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, r);
		conn_sigpipe_restore(&g);
		if (r == 1) {
			c->tls_up = 1;
			return 0;
		}
		if (se != SSL_ERROR_WANT_READ && se != SSL_ERROR_WANT_WRITE)
			break;
		if (conn_wait(c, se == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->io_timeout_ms,
			      "waiting for") != 0)
			break;
	}
	/* A cancel or a failed wait left its reason in c, which handshake_fail
	 * prefers to the SSL error. */
	handshake_fail(c, e, se, saved);
	conn_tls_shutdown(c);
	return -1;
}

void conn_tls_shutdown(struct conn *c)
{
	if (c->ssl != NULL) {
		if (c->tls_up && c->fd >= 0) {
			struct sigpipe_guard g;
			/* Best effort and non-blocking: the peer's answer is not awaited. */
			conn_sigpipe_block(&g);
			SSL_shutdown(c->ssl);
			conn_sigpipe_restore(&g);
		}
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ctx != NULL) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	ERR_clear_error();
}
