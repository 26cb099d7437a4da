/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_addr: a broker's address in words, for messages and -v. */
#include "broker_addr.h"

#include <stdio.h>
#include <string.h>

void broker_hostport(const char *host, int port, char *buf, size_t n)
{
	snprintf(buf, n, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d", host, port);
}

void broker_addr_describe(const struct broker_addr *a, char *buf, size_t n)
{
	char hp[300];

	if (a->kind == BROKER_AMQP) {
		broker_hostport(a->host ? a->host : BROKER_DEFAULT_HOST, a->port, hp, sizeof(hp));
		snprintf(buf, n, "%s vhost %.100s", hp, a->vhost ? a->vhost : "/");
	} else if (a->sentinel.n > 0)
		snprintf(buf, n, "sentinel master %.100s/%ld", a->sentinel.master ? a->sentinel.master : "?",
		         a->db);
	else if (a->socket != NULL)
		snprintf(buf, n, "unix:%s/%ld", a->socket, a->db);
	else if (a->host != NULL && strchr(a->host, ':') != NULL)
		snprintf(buf, n, "[%s]:%d/%ld", a->host, a->port, a->db);
	else
		snprintf(buf, n, "%s:%d/%ld", a->host ? a->host : BROKER_DEFAULT_HOST, a->port, a->db);
}
