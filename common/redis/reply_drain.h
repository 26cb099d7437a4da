/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reply_drain: pops the messages waiting in a set of lists in batches, with the best command the server
 * has: BLMPOP (Redis 7.0), BRPOP then RPOP with a count (6.2), BRPOP then pipelined RPOPs (6.0, and 5.0
 * with whole-second BRPOP timeouts). */
#ifndef CELERY_REPLY_DRAIN_H
#define CELERY_REPLY_DRAIN_H

#include "broker.h"

#define DRAIN_BATCH_MAX 256 /* messages popped in one round trip at most */

/* Called for every message popped, as it is read: its bytes, or NULL for an element that is not a string
 * (from a broken broker). The bytes last for the call only. */
typedef int (*drain_fn)(void *ctx, const char *msg, size_t len, struct error *err);

/* Pops up to want messages (the first list holding any, base list first), waiting until `until` for the
 * first one; 0 < want. The broker has until `latest` to answer: a busy broker may answer a blocking pop
 * well after its timeout. Returns how many were popped (0: none came in time), or -1. On 5.0, whose BRPOP
 * takes whole seconds, a wait cut short by `until` leaves the connection out of step (b->pending > 0):
 * reopen it before reuse. */
int reply_drain(struct broker *b, char *const *keys, int nkeys, long long want, const struct deadline *until,
                const struct deadline *latest, drain_fn fn, void *ctx, struct error *err);

#endif
