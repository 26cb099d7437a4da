/* SPDX-License-Identifier: GPL-3.0-or-later */
/* socket_wait: waiting for a socket with poll(2), on the socket and the cancel descriptor, until an
 * absolute deadline. Every blocking step of the transport and of TLS goes through it. */
#ifndef CELERY_SOCKET_WAIT_H
#define CELERY_SOCKET_WAIT_H

#include "deadline.h"
#include "error.h"

/* Waits until fd (or, with fd -1, only the deadline or a signal) is ready for events. 0 when ready;
 * -1 with ERROR_TIMEOUT ("the broker did not <doing> in time") or ERROR_CANCELLED. */
int socket_wait(int fd, short events, int cancel_fd, const struct deadline *dl, const char *doing,
                struct error *err);

#endif
