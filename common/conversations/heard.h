/* SPDX-License-Identifier: GPL-3.0-or-later */
/* heard: what listening to the workers' events found, whatever the broker: each worker's last event, its
 * counts, its Celery version and whether it said goodbye (worker-offline). */
#ifndef CELERY_HEARD_H
#define CELERY_HEARD_H

#include "name_map.h"
#include "worker_event.h"

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
	int skew_known;      /* its last event gave the time it was sent: */
	double skew;         /* its clock minus ours then, in seconds (our read comes a little after) */
};

struct heard {
	struct heard_worker *w;
	size_t n, cap;
	struct name_map by_node; /* node name -> index in w */
	long long events;        /* worker events read */
	long long ignored;       /* other messages: other events, unreadable ones */
};

/* The entry of node, added (zeroed) when new; NULL when h holds HEARD_MAX workers or out of memory. */
struct heard_worker *heard_slot(struct heard *h, const char *node);
/* The worker of that node name, or NULL. */
const struct heard_worker *heard_find(const struct heard *h, const char *node);
/* Notes one event read (rc as worker_event_read returned): a worker event counts for its worker, at the
 * worker's clock when that is near ours; anything else is ignored. */
void heard_note(struct heard *h, int rc, const struct worker_event *ev);
void heard_free(struct heard *h);

#endif
