/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_events: listening to the workers' events over RabbitMQ on a connection of its own: a server-named
 * queue, exclusive to that connection, bound to Celery's celeryev exchange with worker.#. */
#ifndef CELERY_RABBIT_EVENTS_H
#define CELERY_RABBIT_EVENTS_H

#include "heard.h"
#include "rabbit_link.h"

struct rabbit_listener {
	struct rabbit_link link;
	int open;
	int no_exchange; /* there is no celeryev exchange: no worker ever sent an event here */
};

/* Connects, declares and binds the queue and consumes it: every event published after this returns is
 * heard. */
int rabbit_listen_start(struct rabbit_listener *l, const struct broker_addr *a, int cancel_fd,
                        const struct deadline *dl, struct error *err);
/* Reads every event until the deadline into h, or until enough workers (0: no such end) have been heard.
 * ERROR_CANCELLED, or a lost connection; the deadline itself is no error. */
int rabbit_listen_collect(struct rabbit_listener *l, const struct deadline *until, size_t enough,
                          struct heard *h, struct error *err);
void rabbit_listen_stop(struct rabbit_listener *l, const struct deadline *dl);

#endif
