/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sentinel: asking Redis Sentinels, in the order given, where the master of a name is now. */
#ifndef CELERY_SENTINEL_H
#define CELERY_SENTINEL_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"

#include <stddef.h>

/* The master as one sentinel named it. */
struct sentinel_answer {
	char host[256];
	int port;
	size_t sentinel; /* the index of the sentinel that answered */
};

/* Asks a->sentinel.at[*next], then the following ones, for the address of the master named
 * a->sentinel.master, skipping a sentinel that is down, refuses us or knows no such master; on success
 * *next is the index after the one that answered. Each sentinel gets a share of the time left, so one
 * that never answers leaves time for the others. Errors: ERROR_USAGE when sentinels answered but none
 * knows the name, ERROR_AUTH when one refused our password (or the lack of one), ERROR_CONNECT when none
 * answered (the message names each one and why, within the message's length), ERROR_TIMEOUT, ERROR_CANCELLED.
 */
int sentinel_locate(const struct broker_addr *a, size_t *next, int cancel_fd, const struct deadline *dl,
                    struct sentinel_answer *out, struct error *err);

#endif
