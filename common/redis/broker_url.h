/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_url: the broker address, and Celery broker URLs (redis://, redis+socket://, unix://) parsed into it.
 */
#ifndef CELERY_BROKER_URL_H
#define CELERY_BROKER_URL_H

#include "error.h"

#include <stddef.h>

/* TLS settings, from a rediss:// URL's ssl_* keys and the --tls options. */
struct tls_options {
	int enabled;     /* rediss:// or --tls */
	int verify_peer; /* the certificate chain must lead to a trusted CA (off: ssl_cert_reqs=none,
	                    --insecure) */
	int verify_host; /* the certificate must name the host (off: ssl_check_hostname=false, --insecure) */
	char *cacert;    /* CA bundle (ssl_ca_certs, --cacert), or NULL for the system store */
	char *capath;    /* CA directory (--capath), or NULL */
	char *cert;      /* client certificate (ssl_certfile, --cert), or NULL */
	char *key;       /* its private key (ssl_keyfile, --key), or NULL */
	char *sni;       /* the server name to send and verify instead of the host (--sni), or NULL */
	void *ctx;       /* the OpenSSL context tls_prepare made from the above, shared by every connection */
};

/* One Redis Sentinel: a TCP host and port. */
struct sentinel_addr {
	char *host;
	int port;
};

/* The sentinels of a sentinel:// URL and how to ask them. */
struct sentinel_options {
	struct sentinel_addr *at; /* in the order given */
	size_t n;                 /* 0: no Sentinel, the broker is at host:port or socket */
	char *master;             /* the master's name (--sentinel-master, master_name) */
	char *password;           /* the sentinels' own password (--sentinel-password-file), or NULL */
	int tls;                  /* the sentinels too speak TLS (--sentinel-tls); kombu's default is not */
};

struct broker_addr {
	char *host;     /* TCP host name or address; NULL when socket is set */
	int port;       /* TCP port */
	char *socket;   /* unix socket path, or NULL */
	long db;        /* database number */
	char *username; /* Redis ACL user, or NULL */
	char *password; /* or NULL; never printed anywhere */
	struct tls_options tls;
	struct sentinel_options sentinel;
};

#define BROKER_DEFAULT_HOST   "127.0.0.1"
#define BROKER_DEFAULT_PORT   6379
#define SENTINEL_DEFAULT_PORT 26379

/* Parses redis://[[user][:password]@]host[:port][/db][?virtual_host=N], rediss://... (with the ssl_* keys
 * ssl_cert_reqs, ssl_ca_certs, ssl_certfile, ssl_keyfile and ssl_check_hostname), redis+socket:///path
 * [?virtual_host=N], unix:///path[?db=N] and sentinel://[[user][:password]@]h1[:port][/db];sentinel://h2...
 * (the password, user and db of the first URL, as kombu reads them). A build without OpenSSL
 * refuses rediss://. Error messages never quote the URL. */
int broker_url_parse(const char *url, struct broker_addr *out, struct error *err);
void broker_addr_free(struct broker_addr *a);
/* Writes "host:port/db", "[v6]:port/db", "unix:/path/db" or, with Sentinel, "sentinel master NAME/db"
 * into buf; never the password. */
void broker_addr_describe(const struct broker_addr *a, char *buf, size_t n);
/* Writes "host:port" or "[v6]:port" into buf. */
void broker_hostport(const char *host, int port, char *buf, size_t n);

#endif
