/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_broker: the broker's address, credentials, TLS and Sentinel settings, from the command line, the
 * URL and the environment, with their cross-checks. */
#ifndef CELERY_OPTIONS_BROKER_H
#define CELERY_OPTIONS_BROKER_H

#include "broker_url.h"
#include "error.h"

/* What the command line said about the broker, before defaults and the environment are applied. */
struct broker_args {
	const char *host, *port, *socket, *url, *db, *username, *password_file;
	const char *prefix; /* --prefix, to compare with global_keyprefix */
	int tls, insecure;  /* --tls, --insecure */
	const char *cacert, *capath, *cert, *key, *sni;
	const char *sentinel_master;        /* --sentinel-master */
	const char *master_name;            /* --transport-option master_name=... */
	const char *sentinel_password_file; /* --sentinel-password-file */
	int sentinel_tls;                   /* --sentinel-tls */
	const char *transport_option;       /* the last --transport-option, to refuse with AMQP */
	const char *broker;                 /* --broker: "redis" or "amqp" */
	const char *vhost;                  /* --vhost (AMQP) */
	const char *management_url;         /* --management-url (AMQP) */
};

/* Builds addr from -u / -H -p -s / $CELERY_BROKER_URL (--broker choosing Redis or RabbitMQ for -H), then
 * -n or --vhost, the user, the password ($REDISCLI_AUTH too, for Redis), the TLS options and the Sentinel
 * options. ERROR_USAGE naming the option when they do not fit, or when it is one of the other broker's. */
int options_resolve_broker(struct broker_addr *addr, const struct broker_args *a, struct error *err);

#endif
