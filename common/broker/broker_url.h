/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_url: the broker address, and Celery broker URLs (redis://, redis+socket://, unix://) parsed into it.
 */
#ifndef CELERY_BROKER_URL_H
#define CELERY_BROKER_URL_H

#include "error.h"

#include <stddef.h>

struct broker_addr {
	char *host;     /* TCP host name or address; NULL when socket is set */
	int port;       /* TCP port */
	char *socket;   /* unix socket path, or NULL */
	long db;        /* database number */
	char *username; /* Redis ACL user, or NULL */
	char *password; /* or NULL; never printed anywhere */
};

#define BROKER_DEFAULT_HOST "127.0.0.1"
#define BROKER_DEFAULT_PORT 6379

/* Parses redis://[[user][:password]@]host[:port][/db][?virtual_host=N],
 * redis+socket:///path[?virtual_host=N] and unix:///path[?db=N]. TLS (rediss://, ssl_* keys) and
 * Sentinel URLs are refused as unsupported by this build. Error messages never quote the URL. */
int broker_url_parse(const char *url, struct broker_addr *out, struct error *err);
void broker_addr_free(struct broker_addr *a);
/* Writes "host:port/db", "[v6]:port/db" or "unix:/path/db" into buf; never the password. */
void broker_addr_describe(const struct broker_addr *a, char *buf, size_t n);

#endif
