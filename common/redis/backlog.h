/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backlog: how many messages wait in queues: LLEN of each queue's list for every priority step, pipelined
 * in chunks of a few thousand lists (one round trip for most checks). Reads only. */
#ifndef CELERY_BACKLOG_H
#define CELERY_BACKLOG_H

#include "broker.h"
#include "kombu_names.h"

#include <stddef.h>

/* Fills counts[i] with the messages waiting in queues[i] (0 for absent lists). A queue one of whose keys
 * the broker refuses to count (a key of another type: kombu's unacked hash, a user's string) gets -1 and,
 * in why[i], the broker's words (the caller frees them); the other queues are still counted. A refusal
 * that is not about one key (credentials, LOADING, a lost connection) fails the whole read. */
int backlog_read(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                 const struct deadline *dl, long long *counts, char **why, struct error *err);

#endif
