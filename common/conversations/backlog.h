/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backlog: how many messages wait in queues: LLEN of each queue's list for every priority step, pipelined
 * in chunks of a few thousand lists (one round trip for most checks). Reads only. */
#ifndef CELERY_BACKLOG_H
#define CELERY_BACKLOG_H

#include "broker.h"
#include "kombu_names.h"

#include <stddef.h>

/* Fills counts[i] with the messages waiting in queues[i] (0 for absent lists). */
int backlog_read(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                 const struct deadline *dl, long long *counts, struct error *err);

#endif
