/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker_event: the worker events Celery publishes on its celeryev exchange (worker-heartbeat every freq
 * seconds, worker-online, worker-offline), read from their JSON body, whatever the broker carried them. */
#ifndef CELERY_WORKER_EVENT_H
#define CELERY_WORKER_EVENT_H

#include "error.h"

#include <stddef.h>

enum worker_event_type {
	WORKER_EVENT_HEARTBEAT,
	WORKER_EVENT_ONLINE,
	WORKER_EVENT_OFFLINE,
};

struct worker_event {
	enum worker_event_type type;
	char hostname[256];  /* the node name, e.g. celery-v0.12.0@hostA */
	double freq;         /* seconds between heartbeats; 2.0 when absent */
	double timestamp;    /* the worker's clock, epoch seconds; 0 when absent */
	long long active;    /* tasks running; -1 when absent */
	long long processed; /* tasks done since start; -1 when absent */
	char sw_ver[32];     /* the Celery version; "" when absent */
};

/* Reads one event's body in content_type (NULL when absent). 1 for a worker event; 0 for another event
 * (task-*, a worker event of a type not listed) or another serializer; -1 with ERROR_PARSE for what is not
 * a readable event (not JSON, not an object, no hostname, a NUL in it). */
int worker_event_read(const char *content_type, const char *body, size_t len, struct worker_event *ev,
                      struct error *err);

#endif
