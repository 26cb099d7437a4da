/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls: the OpenSSL client of the transport: context, handshake, reads and writes on a non-blocking socket,
 * and one-line reasons for every failure. */
#include "config.h"

#include "tls.h"

#include "socket_wait.h"

#include <poll.h>
#include <stdlib.h>

#if HAVE_OPENSSL

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <string.h>

/* OpenSSL is loaded when TLS is first used, not linked: loading libssl and libcrypto at start costs every
 * check about 5 ms of CPU and 2 MB, TLS or not. Each function used is looked up once into this table, and
 * the names below call through it (OpenSSL's own macros, SSL_CTX_set_min_proto_version and
 * SSL_set_tlsext_host_name, expand to SSL_CTX_ctrl and SSL_ctrl, which are in it). */
#define OPENSSL_FUNCTIONS(X)                                                                                 \
	X(TLS_client_method)                                                                                 \
	X(SSL_CTX_new)                                                                                       \
	X(SSL_CTX_free)                                                                                      \
	X(SSL_CTX_ctrl)                                                                                      \
	X(SSL_CTX_set_default_passwd_cb)                                                                     \
	X(SSL_CTX_set_default_passwd_cb_userdata)                                                            \
	X(SSL_CTX_set_verify)                                                                                \
	X(SSL_CTX_load_verify_locations)                                                                     \
	X(SSL_CTX_set_default_verify_paths)                                                                  \
	X(SSL_CTX_use_certificate_chain_file)                                                                \
	X(SSL_CTX_use_PrivateKey_file)                                                                       \
	X(SSL_CTX_check_private_key)                                                                         \
	X(SSL_new)                                                                                           \
	X(SSL_free)                                                                                          \
	X(SSL_set_fd)                                                                                        \
	X(SSL_ctrl)                                                                                          \
	X(SSL_set_hostflags)                                                                                 \
	X(SSL_get0_param)                                                                                    \
	X(SSL_set1_host)                                                                                     \
	X(SSL_connect)                                                                                       \
	X(SSL_get_error)                                                                                     \
	X(SSL_get_verify_result)                                                                             \
	X(SSL_get_verify_mode)                                                                               \
	X(SSL_write)                                                                                         \
	X(SSL_read)                                                                                          \
	X(SSL_shutdown)                                                                                      \
	X(X509_VERIFY_PARAM_set1_ip_asc)                                                                     \
	X(X509_verify_cert_error_string)                                                                     \
	X(ERR_peek_error)                                                                                    \
	X(ERR_peek_last_error)                                                                               \
	X(ERR_reason_error_string)                                                                           \
	X(ERR_clear_error)                                                                                   \
	X(OpenSSL_version_num)

#define DECLARE_POINTER(f) __typeof__(f) *f;
static struct {
	void *handle;
	OPENSSL_FUNCTIONS(DECLARE_POINTER)
} ossl;

/* The library this build was compiled against, by the soname its headers give (libssl.so.3 for OpenSSL 3,
 * libssl.so.1.1 for 1.1.1), never an unversioned libssl.so, which may be another ABI. */
#define TLS_STRINGIFY(x) #x
#define TLS_SONAME(v)    "libssl.so." TLS_STRINGIFY(v)
#if defined(OPENSSL_SHLIB_VERSION)
#define LIBSSL_SONAME TLS_SONAME(OPENSSL_SHLIB_VERSION)
#elif defined(SHLIB_VERSION_NUMBER)
#define LIBSSL_SONAME "libssl.so." SHLIB_VERSION_NUMBER
#else
#error "OpenSSL's headers name no shared library version"
#endif

/* The ABI a soname stands for, from an OpenSSL version number: the major version from 3 on (0xMNN00PP0),
 * major and minor before (1.1.1 is 0xMNNFFPPS). */
#define OPENSSL_ABI(v) ((unsigned long)(v) >> 28 >= 3 ? (unsigned long)(v) >> 28 : (unsigned long)(v) >> 20)

/* Loads libssl (and with it libcrypto) and looks every function up; ERROR_USAGE when it cannot. */
static int load_openssl(struct error *err)
{
	if (ossl.handle == NULL && (ossl.handle = dlopen(LIBSSL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return error_set(err, ERROR_USAGE, "TLS: cannot load OpenSSL's %s: %.150s", LIBSSL_SONAME,
		                 dlerror());
#define LOOK_UP(f)                                                                                           \
	if (ossl.f == NULL && (*(void **)&ossl.f = dlsym(ossl.handle, #f)) == NULL)                          \
		return error_set(err, ERROR_USAGE, "TLS: OpenSSL lacks %s", #f);
	OPENSSL_FUNCTIONS(LOOK_UP)
#undef LOOK_UP
	if (OPENSSL_ABI(ossl.OpenSSL_version_num()) != OPENSSL_ABI(OPENSSL_VERSION_NUMBER))
		return error_set(
		    err, ERROR_USAGE, "TLS: %s is OpenSSL %#lx, this build was compiled against %#lx",
		    LIBSSL_SONAME, ossl.OpenSSL_version_num(), (unsigned long)OPENSSL_VERSION_NUMBER);
	return 0;
}

#define TLS_client_method                      ossl.TLS_client_method
#define SSL_CTX_new                            ossl.SSL_CTX_new
#define SSL_CTX_free                           ossl.SSL_CTX_free
#define SSL_CTX_ctrl                           ossl.SSL_CTX_ctrl
#define SSL_CTX_set_default_passwd_cb          ossl.SSL_CTX_set_default_passwd_cb
#define SSL_CTX_set_default_passwd_cb_userdata ossl.SSL_CTX_set_default_passwd_cb_userdata
#define SSL_CTX_set_verify                     ossl.SSL_CTX_set_verify
#define SSL_CTX_load_verify_locations          ossl.SSL_CTX_load_verify_locations
#define SSL_CTX_set_default_verify_paths       ossl.SSL_CTX_set_default_verify_paths
#define SSL_CTX_use_certificate_chain_file     ossl.SSL_CTX_use_certificate_chain_file
#define SSL_CTX_use_PrivateKey_file            ossl.SSL_CTX_use_PrivateKey_file
#define SSL_CTX_check_private_key              ossl.SSL_CTX_check_private_key
#define SSL_new                                ossl.SSL_new
#define SSL_free                               ossl.SSL_free
#define SSL_set_fd                             ossl.SSL_set_fd
#define SSL_ctrl                               ossl.SSL_ctrl
#define SSL_set_hostflags                      ossl.SSL_set_hostflags
#define SSL_get0_param                         ossl.SSL_get0_param
#define SSL_set1_host                          ossl.SSL_set1_host
#define SSL_connect                            ossl.SSL_connect
#define SSL_get_error                          ossl.SSL_get_error
#define SSL_get_verify_result                  ossl.SSL_get_verify_result
#define SSL_get_verify_mode                    ossl.SSL_get_verify_mode
#define SSL_write                              ossl.SSL_write
#define SSL_read                               ossl.SSL_read
#define SSL_shutdown                           ossl.SSL_shutdown
#define X509_VERIFY_PARAM_set1_ip_asc          ossl.X509_VERIFY_PARAM_set1_ip_asc
#define X509_verify_cert_error_string          ossl.X509_verify_cert_error_string
#define ERR_peek_error                         ossl.ERR_peek_error
#define ERR_peek_last_error                    ossl.ERR_peek_last_error
#define ERR_reason_error_string                ossl.ERR_reason_error_string
#define ERR_clear_error                        ossl.ERR_clear_error
#define OpenSSL_version_num                    ossl.OpenSSL_version_num

struct tls_session {
	SSL_CTX *ctx; /* made for this session, or NULL when the options' is used */
	SSL *ssl;
	int fd;
	int broken; /* a fatal error happened: no close_notify may be sent */
};

int tls_available(void)
{
	return 1;
}

/* An encrypted private key must fail, not ask for a passphrase on the terminal; *asked records that it
 * was one. */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf, (void)size, (void)rwflag;
	if (asked != NULL)
		*(int *)asked = 1;
	return 0;
}

/* The reason of the oldest OpenSSL error (the cause; later ones say where it surfaced), and the queue
 * emptied. */
static const char *ssl_reason(unsigned long *code)
{
	const char *reason;

	*code = ERR_peek_error();
	reason = ERR_reason_error_string(*code);
	ERR_clear_error();
	return reason != NULL ? reason : "unknown error";
}

/* A CA, certificate or key file that OpenSSL cannot use: a setup mistake, so ERROR_USAGE. */
static int file_error(const char *what, const char *path, struct error *err)
{
	unsigned long code;
	const char *reason = ssl_reason(&code);

	return error_set(err, ERROR_USAGE, "TLS: cannot use the %s %.120s: %s", what, path, reason);
}

/* The context of one connection: protocol floor, verification, CA store, client certificate and key. */
static SSL_CTX *make_context(const struct tls_options *o, struct error *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	int ok = 1, asked = 0;

	if (ctx == NULL) {
		error_set(err, ERROR_NOMEM, "TLS: cannot create a context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &asked);
	SSL_CTX_set_verify(ctx, o->verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (o->verify_peer && (o->cacert != NULL || o->capath != NULL)) {
		if (SSL_CTX_load_verify_locations(ctx, o->cacert, o->capath) != 1)
			ok = file_error(o->cacert ? "CA file" : "CA directory",
			                o->cacert ? o->cacert : o->capath, err) == 0;
	} else if (o->verify_peer && SSL_CTX_set_default_verify_paths(ctx) != 1) {
		ok = file_error("system CA store", "", err) == 0;
	}
	if (ok && o->cert != NULL && SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1)
		ok = file_error("client certificate", o->cert, err) == 0;
	if (ok && o->cert != NULL && o->key == NULL &&
	    SSL_CTX_use_PrivateKey_file(ctx, o->cert, SSL_FILETYPE_PEM) != 1) {
		ERR_clear_error();
		ok = error_set(err, ERROR_USAGE, "TLS: %.120s holds no %s: give it with --key", o->cert,
		               asked ? "private key without a passphrase" : "private key") == 0;
	}
	if (ok && o->key != NULL && SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1)
		ok = file_error(asked ? "private key (it needs a passphrase, which a plugin cannot type)"
		                      : "private key",
		                o->key, err) == 0;
	if (ok && o->cert != NULL && SSL_CTX_check_private_key(ctx) != 1)
		ok = file_error("private key (it does not match the certificate)", o->key ? o->key : o->cert,
		                err) == 0;
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL); /* asked lives on this stack only */
	if (!ok) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int tls_prepare(struct tls_options *o, struct error *err)
{
	if (load_openssl(err) < 0)
		return -1;
	tls_release(o);
	ERR_clear_error();
	return (o->ctx = make_context(o, err)) != NULL ? 0 : -1;
}

void tls_release(struct tls_options *o)
{
	if (o->ctx != NULL) /* a context means OpenSSL is loaded */
		SSL_CTX_free(o->ctx);
	o->ctx = NULL;
}

static int is_ip_literal(const char *name)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

/* Names the server for SNI and for verification; an IP address is matched against the certificate's IP
 * entries and sent no SNI. */
static int name_server(SSL *ssl, const struct tls_options *o, const char *host, struct error *err)
{
	const char *name = o->sni ? o->sni : host;
	int ip = is_ip_literal(name), ok = 1;

	if (!ip)
		ok = SSL_set_tlsext_host_name(ssl, name) == 1;
	if (ok && o->verify_peer && o->verify_host) {
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1
		        : SSL_set1_host(ssl, name) == 1;
	}
	return ok ? 0 : error_set(err, ERROR_USAGE, "TLS: cannot use the server name %.100s", name);
}

/* One line for a failed SSL call: the refused certificate, the peer's alert, or the socket's error. The
 * verify result counts only when verification is on: OpenSSL records it even when told to ignore it. */
static int session_error(struct tls_session *s, int rc, const char *doing, struct error *err)
{
	int e = SSL_get_error(s->ssl, rc), saved = errno;
	long verify =
	    SSL_get_verify_mode(s->ssl) == SSL_VERIFY_NONE ? X509_V_OK : SSL_get_verify_result(s->ssl);
	unsigned long code;
	const char *reason;

	s->broken = 1;
	if (e == SSL_ERROR_ZERO_RETURN)
		return error_set(err, ERROR_CONNECT, "closed by the broker");
	if (e == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0) {
		if (saved == 0 || rc == 0)
			return error_set(err, ERROR_CONNECT, "closed by the broker (TLS %s)", doing);
		return error_set(err, ERROR_CONNECT, "%s (TLS %s)", strerror(saved), doing);
	}
	if (verify != X509_V_OK) {
		ERR_clear_error();
		return error_set(err, ERROR_CONNECT, "TLS: the broker's certificate was refused: %s",
		                 X509_verify_cert_error_string(verify));
	}
	reason = ssl_reason(&code);
	if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER)
		return error_set(err, ERROR_CONNECT, "TLS: %s (%s; is this a TLS port?)", reason, doing);
	if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
	    ERR_GET_REASON(code) == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED)
		return error_set(err, ERROR_CONNECT,
		                 "TLS: %s: the broker wants a client certificate (--cert and --key)", reason);
	return error_set(err, ERROR_CONNECT, "TLS: %s (%s)", reason, doing);
}

/* After an SSL call that wants the socket: waits for it. 1 to retry, -1 on a real error. */
static int wait_wanted(struct tls_session *s, int rc, int cancel_fd, const struct deadline *dl,
                       const char *doing, const char *waiting, struct error *err)
{
	int e = SSL_get_error(s->ssl, rc);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		if (socket_wait(s->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, cancel_fd, dl, waiting,
		                err) < 0) {
			s->broken = 1;
			return -1;
		}
		return 1;
	}
	return session_error(s, rc, doing, err);
}

struct tls_session *tls_start(int fd, const struct tls_options *o, const char *host, int cancel_fd,
                              const struct deadline *dl, struct error *err)
{
	struct tls_session *s;

	if (load_openssl(err) < 0)
		return NULL;
	ERR_clear_error();
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory starting TLS");
		return NULL;
	}
	s->fd = fd;
	if (o->ctx == NULL && (s->ctx = make_context(o, err)) == NULL)
		goto fail;
	if ((s->ssl = SSL_new(o->ctx ? o->ctx : s->ctx)) == NULL || SSL_set_fd(s->ssl, fd) != 1) {
		error_set(err, ERROR_NOMEM, "TLS: cannot create a session");
		goto fail;
	}
	if (name_server(s->ssl, o, host, err) < 0)
		goto fail;
	for (;;) {
		int rc;

		ERR_clear_error();
		errno = 0;
		if ((rc = SSL_connect(s->ssl)) == 1)
			return s;
		if (wait_wanted(s, rc, cancel_fd, dl, "handshake", "complete the TLS handshake", err) < 0) {
			/* a plain Redis port reads the greeting as half a command and waits for the rest */
			if (err != NULL && err->kind == ERROR_TIMEOUT)
				error_set(
				    err, ERROR_TIMEOUT,
				    "the broker did not complete the TLS handshake in time (is this a TLS "
				    "port?)");
			goto fail;
		}
	}
fail:
	s->broken = 1;
	tls_end(s);
	return NULL;
}

int tls_send(struct tls_session *s, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
             struct error *err)
{
	size_t sent = 0;

	while (sent < len) {
		size_t chunk = len - sent > (size_t)1 << 30 ? (size_t)1 << 30 : len - sent;
		int n;

		ERR_clear_error();
		errno = 0;
		n = SSL_write(s->ssl, buf + sent, (int)chunk);
		if (n > 0)
			sent += (size_t)n;
		else if (wait_wanted(s, n, cancel_fd, dl, "sending", "take our command", err) < 0)
			return -1;
	}
	return 0;
}

ssize_t tls_recv(struct tls_session *s, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                 struct error *err)
{
	for (;;) {
		int n;

		ERR_clear_error();
		errno = 0;
		n = SSL_read(s->ssl, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
		if (n > 0)
			return n;
		if (wait_wanted(s, n, cancel_fd, dl, "receiving", "answer", err) < 0)
			return -1;
	}
}

void tls_end(struct tls_session *s)
{
	if (s == NULL)
		return;
	if (s->ssl != NULL && !s->broken)
		SSL_shutdown(s->ssl); /* one non-blocking close_notify; its result does not matter */
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	ERR_clear_error();
	free(s);
}

#else /* no OpenSSL */

int tls_available(void)
{
	return 0;
}

int tls_prepare(struct tls_options *o, struct error *err)
{
	(void)o;
	return error_set(err, ERROR_USAGE, "TLS is not supported by this build (built without OpenSSL)");
}

void tls_release(struct tls_options *o)
{
	o->ctx = NULL;
}

struct tls_session *tls_start(int fd, const struct tls_options *o, const char *host, int cancel_fd,
                              const struct deadline *dl, struct error *err)
{
	(void)fd, (void)o, (void)host, (void)cancel_fd, (void)dl;
	error_set(err, ERROR_USAGE, "TLS is not supported by this build (built without OpenSSL)");
	return NULL;
}

int tls_send(struct tls_session *s, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
             struct error *err)
{
	(void)s, (void)cancel_fd, (void)buf, (void)len, (void)dl;
	return error_set(err, ERROR_USAGE, "TLS is not supported by this build");
}

ssize_t tls_recv(struct tls_session *s, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                 struct error *err)
{
	(void)s, (void)cancel_fd, (void)buf, (void)cap, (void)dl;
	return error_set(err, ERROR_USAGE, "TLS is not supported by this build");
}

void tls_end(struct tls_session *s)
{
	(void)s;
}

#endif
