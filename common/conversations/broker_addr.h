/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_addr: where a broker is and how to reach it, whatever the broker: the record the options fill and
 * every broker's connection reads. */
#ifndef CELERY_BROKER_ADDR_H
#define CELERY_BROKER_ADDR_H

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

/* RabbitMQ's management API (--management-url), read with the broker's user and password; host NULL when
 * not given. */
struct mgmt_addr {
	char *host;
	int port;
	int tls;    /* https:// */
	char *path; /* the URL's path without its trailing '/': "" or "/prefix" (a proxy's) */
};

enum broker_kind {
	BROKER_REDIS, /* redis://, rediss://, sockets, sentinel:// */
	BROKER_AMQP,  /* amqp://, amqps://, pyamqp:// */
};

struct broker_addr {
	enum broker_kind kind;
	char *host;     /* TCP host name or address; NULL when socket is set */
	int port;       /* TCP port */
	char *socket;   /* unix socket path, or NULL */
	long db;        /* database number */
	char *vhost;    /* AMQP: the virtual host ("/" by default) */
	char *username; /* Redis ACL user or AMQP user, or NULL */
	char *password; /* or NULL; never printed anywhere */
	struct tls_options tls;
	struct sentinel_options sentinel;
	struct mgmt_addr mgmt;
};

#define BROKER_DEFAULT_HOST   "127.0.0.1"
#define BROKER_DEFAULT_PORT   6379
#define SENTINEL_DEFAULT_PORT 26379
#define AMQP_DEFAULT_PORT     5672
#define AMQPS_DEFAULT_PORT    5671
#define MGMT_DEFAULT_PORT     15672
#define MGMTS_DEFAULT_PORT    15671

/* Writes "host:port/db", "[v6]:port/db", "unix:/path/db", with Sentinel "sentinel master NAME/db", or for
 * AMQP "amqp host:port vhost V" into buf; never the password. */
void broker_addr_describe(const struct broker_addr *a, char *buf, size_t n);
/* Writes "host:port" or "[v6]:port" into buf. */
void broker_hostport(const char *host, int port, char *buf, size_t n);

#endif
