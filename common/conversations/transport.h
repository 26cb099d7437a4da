/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport: a non-blocking TCP or unix stream socket, with TLS over it when asked, whose connect, TLS
 * handshake, send and receive each wait with poll(2) on the socket and the cancel descriptor until an
 * absolute deadline. */
#ifndef CELERY_TRANSPORT_H
#define CELERY_TRANSPORT_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"
#include "tls.h"

#include <stddef.h>
#include <sys/types.h>

struct transport {
	int fd;                  /* the socket, or -1 */
	struct tls_session *tls; /* the TLS session over it, or NULL for plain I/O */
};

/* Where to connect: a TCP host and port, or a unix socket path (then host is ignored). */
struct transport_target {
	const char *host;
	int port;
	const char *socket;
};

/* Connects to the target (each resolved TCP address in turn), then runs the TLS handshake when tls is
 * enabled. Errors: ERROR_CONNECT (refused, unreachable, unknown host, TLS refused), ERROR_USAGE (TLS files
 * unreadable), ERROR_TIMEOUT, ERROR_CANCELLED. */
int transport_connect(struct transport *t, const struct transport_target *to, const struct tls_options *tls,
                      int cancel_fd, const struct deadline *dl, struct error *err);
/* Sends all len bytes. Errors: ERROR_CONNECT (the connection broke), ERROR_TIMEOUT, ERROR_CANCELLED. */
int transport_send(struct transport *t, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
                   struct error *err);
/* Receives what is there, waiting for at least one byte; returns the count or -1. Errors: ERROR_CONNECT
 * (closed or broken), ERROR_TIMEOUT, ERROR_CANCELLED. */
ssize_t transport_recv(struct transport *t, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                       struct error *err);
/* Ends TLS and closes the socket; the transport can be connected again. */
void transport_close(struct transport *t);

#endif
