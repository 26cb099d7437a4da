/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport: a non-blocking TCP or unix stream socket whose connect, send and receive each wait with
 * poll(2) on the socket and the cancel descriptor until an absolute deadline. */
#ifndef CELERY_TRANSPORT_H
#define CELERY_TRANSPORT_H

#include "broker_url.h"
#include "deadline.h"
#include "error.h"

#include <stddef.h>
#include <sys/types.h>

/* Connects to the address (each resolved TCP address in turn); returns the socket or -1. Errors:
 * ERROR_CONNECT (refused, unreachable, unknown host), ERROR_TIMEOUT, ERROR_CANCELLED. */
int transport_connect(const struct broker_addr *a, int cancel_fd, const struct deadline *dl,
                      struct error *err);
/* Sends all len bytes. Errors: ERROR_CONNECT (the connection broke), ERROR_TIMEOUT, ERROR_CANCELLED. */
int transport_send(int fd, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
                   struct error *err);
/* Receives what is there, waiting for at least one byte; returns the count or -1. Errors: ERROR_CONNECT
 * (closed or broken), ERROR_TIMEOUT, ERROR_CANCELLED. */
ssize_t transport_recv(int fd, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                       struct error *err);

#endif
