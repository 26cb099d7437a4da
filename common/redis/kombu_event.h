/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_event: the worker events Celery publishes on its celeryev exchange over Redis, in kombu's envelope
 * (broker protocol, section 3). */
#ifndef CELERY_KOMBU_EVENT_H
#define CELERY_KOMBU_EVENT_H

#include "worker_event.h"

/* Decodes one published event. 1 for a worker event; 0 for another event (task-*, a worker event of a
 * type not listed); -1 with ERROR_PARSE for what is not a readable event (not an envelope, not JSON, no
 * hostname, a NUL in it). */
int kombu_decode_worker_event(const char *payload, size_t len, struct worker_event *ev, struct error *err);

#endif
