/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_pidbox: a control command broadcast to Celery's workers over RabbitMQ (celery.pidbox) and the
 * replies collected on a reply queue of our own, exclusive to our connection: nothing of ours outlives
 * the check, even a killed one. */
#ifndef CELERY_RABBIT_PIDBOX_H
#define CELERY_RABBIT_PIDBOX_H

#include "rabbit_link.h"
#include "name_map.h"
#include "replies.h"

struct rabbit_query {
	const char *method;       /* "active_queues", "ping", ... */
	const char *ns;           /* Celery's control_exchange, "celery" */
	char *const *destination; /* only these workers are asked (--worker), or NULL for all */
	size_t ndestination;
	char *const *known; /* workers seen before (the state file): the wait ends once those whose control
	                       queue has a consumer answered, and a little after */
	size_t nknown;
	const char *const *arguments; /* the command's arguments as name, value pairs, or NULL */
	size_t narguments;
	int complete; /* the known are every worker listening (the management API's queues): once they have
	                 answered, nobody else will */
	double wait;  /* s to wait for replies, from the publish on; 0: until collect */
	struct deadline collect; /* stop waiting for replies by here in any case */
	struct deadline hard;    /* every call ends by here */
};

/* Broadcasts q->method and hands every message on our reply queue to fn. AMQP cannot say how many queues
 * a fanout reached. The control queues (NODE.NS.pidbox) of the named workers, or else of those seen before,
 * are counted first by passive declares: those with a consumer will receive it (RECEIVERS_KNOWN). The
 * wait ends when they have all answered (with a destination at once; else after as long again, at least
 * LINGER_LEAST, for any worker no earlier check saw), or at q->collect. No known worker: the whole wait
 * runs (RECEIVERS_UNKNOWN), unless the broadcast came back unrouted or there is no pidbox exchange: no
 * worker listens (RECEIVERS_COUNTED, none). On failure after the publish, the stats and what fn was
 * given still hold. */
#define LINGER_LEAST 0.25 /* s */
#define KNOWN_MOST   2000 /* known workers counted at most */

int rabbit_broadcast(struct rabbit_link *l, const struct rabbit_query *q, inspect_fn fn, void *ctx,
                     struct inspect_stats *st, struct error *err);

#endif
