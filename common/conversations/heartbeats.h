/* SPDX-License-Identifier: GPL-3.0-or-later */
/* heartbeats: listening to the workers' events on a second connection of its own (PSUBSCRIBE writes
 * nothing to the broker), and what was heard: each worker's last event, its counts, its Celery version and
 * whether it said goodbye (worker-offline). */
#ifndef CELERY_HEARTBEATS_H
#define CELERY_HEARTBEATS_H

#include "broker.h"
#include "kombu_names.h"
#include "name_map.h"

#include <stddef.h>

#define HEARD_MAX 100000 /* workers remembered; events of more are counted as ignored */

struct heard_worker {
	char *node;
	double heard_at;     /* our wall clock (epoch) at its last event */
	double freq;         /* seconds between its heartbeats */
	long long active;    /* from its last heartbeat; -1 unknown */
	long long processed; /* from its last heartbeat; -1 unknown */
	char sw_ver[32];     /* its Celery version; "" unknown */
	int offline;         /* its last event was worker-offline */
};

struct heard {
	struct heard_worker *w;
	size_t n, cap;
	struct name_map by_node; /* node name -> index in w */
	long long events;        /* worker events read */
	long long ignored;       /* other messages: other events, unreadable ones */
};

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

/* The worker of that node name, or NULL. */
const struct heard_worker *heard_find(const struct heard *h, const char *node);
void heard_free(struct heard *h);

#endif
