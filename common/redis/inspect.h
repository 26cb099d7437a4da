/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect: broadcast a control command to every worker and collect the replies, stopping as soon as
 * every worker the PUBLISH reached has answered; our binding and reply lists are removed afterwards, and
 * our own stale ones that an earlier check could not remove are swept first. */
#ifndef CELERY_INSPECT_H
#define CELERY_INSPECT_H

#include "bindings.h"
#include "broker.h"
#include "kombu_names.h"
#include "replies.h"

struct inspect_query {
	const char *method;              /* control command: "active_queues", "ping", ... */
	const struct kombu_names *names; /* prefix, namespace, db, sep and steps to write with */
	const struct bindings *seen;     /* the reply bindings and the broker's clock (bindings_sample) */
	struct deadline collect;         /* stop waiting for replies here */
	struct deadline latest;   /* a busy broker may answer until here; the rest is for the cleanup */
	struct deadline hard;     /* every call, cleanup included, ends by here */
	char *const *destination; /* only these workers are asked (--worker), or NULL for all */
	size_t ndestination;
	const char *const *arguments; /* the command's arguments as name, value pairs, or NULL */
	size_t narguments;
};

/* Removes the expired members of this suite's reply binding set among seen's, and their lists, as a
 * broadcast does first: for a check that sends none. */
int inspect_sweep(struct broker *b, const struct kombu_names *names, const struct bindings *seen,
                  const struct deadline *dl, struct error *err);

/* On failure after the PUBLISH (a timeout, a signal, a lost broker) the stats and what fn was given so far
 * still hold: the caller may judge them. */
int inspect_broadcast(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                      struct inspect_stats *st, struct error *err);

#endif
