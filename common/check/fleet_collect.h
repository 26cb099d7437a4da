/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet_collect: the broadcast of active_queues whose replies make the fleet. */
#ifndef CELERY_FLEET_COLLECT_H
#define CELERY_FLEET_COLLECT_H

#include "fleet.h"
#include "inspect.h"

/* Broadcasts active_queues (q->method is ignored) and keeps every answer, sorted; fleet_judge judges
 * them. */
int fleet_collect(struct broker *b, const struct inspect_query *q, struct fleet *f, struct error *err);

#endif
