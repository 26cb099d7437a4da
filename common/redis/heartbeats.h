/* SPDX-License-Identifier: GPL-3.0-or-later */
/* heartbeats: listening to the workers' events on a second connection of its own (PSUBSCRIBE writes
 * nothing to the broker) into the table of what was heard (heard.h). */
#ifndef CELERY_HEARTBEATS_H
#define CELERY_HEARTBEATS_H

#include "broker.h"
#include "kombu_names.h"
#include "heard.h"

#include <stddef.h>

struct listener {
	struct broker b;
	int open;
};

/* Opens the connection and subscribes to the worker event patterns, waiting for the broker to confirm, so
 * that every event published after this returns is heard. */
int listener_start(struct listener *l, const struct broker_addr *addr, const struct kombu_names *names,
                   int cancel_fd, const struct deadline *dl, struct error *err);
/* Reads every event until the deadline (those the broker buffered meanwhile first) into h, or until enough
 * workers (0: no such end) have been heard. ERROR_CANCELLED, or a lost connection; the deadline itself is
 * no error. */
int listener_collect(struct listener *l, const struct deadline *until, size_t enough, struct heard *h,
                     struct error *err);
void listener_stop(struct listener *l);

#endif
