/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect: broadcast a control command to every worker and collect the replies, stopping as soon as
 * every worker the PUBLISH reached has answered; our binding and reply lists are removed afterwards, and
 * our own stale ones that an earlier check could not remove are swept first. */
#ifndef CELERY_INSPECT_H
#define CELERY_INSPECT_H

#include "bindings.h"
#include "broker.h"
#include "json_scan.h"
#include "kombu_names.h"

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

enum inspect_event_kind {
	INSPECT_REPLY,      /* a worker answered: node and result are set */
	INSPECT_UNREADABLE, /* a worker answered in a serializer we cannot read: detail says which */
	INSPECT_IGNORED,    /* a message on our reply list that is not a reply to us: detail says why */
};

struct inspect_event {
	enum inspect_event_kind kind;
	const char *node;               /* INSPECT_REPLY */
	const struct json_span *result; /* INSPECT_REPLY; borrowed for the call */
	const char *detail;             /* INSPECT_UNREADABLE, INSPECT_IGNORED */
};

/* Removes the expired members of this suite's reply binding set among seen's, and their lists, as a
 * broadcast does first: for a check that sends none. */
int inspect_sweep(struct broker *b, const struct kombu_names *names, const struct bindings *seen,
                  const struct deadline *dl, struct error *err);

/* Called for every message popped; returning -1 (with err filled) aborts the collection. */
typedef int (*inspect_fn)(void *ctx, const struct inspect_event *ev, struct error *err);

struct inspect_stats {
	long long received;  /* workers the PUBLISH reached (of this database) */
	long long expected;  /* of them, those that should answer: all, or with a destination at most as many
	                        as it names */
	int addressed;       /* only the workers of a destination were asked (--worker) */
	long long elsewhere; /* behind Sentinel: reached on /{db}.NS.pidbox beyond the workers bound in this
	                        database, so of other databases (kombu before 5.4): not counted */
	int counted;         /* received is known: the PUBLISH went out and its count was read */
	long long answered;  /* well-formed replies carrying our ticket */
	long long ignored;   /* messages dropped as malformed, oversized or foreign */
	long long swept;     /* stale reply bindings of earlier checks removed */
	double elapsed;      /* seconds from PUBLISH to the last reply or the timeout */
	int cleanup_failed;  /* our keys could not be removed: cleanup_error says why */
	char cleanup_error[256];
};

/* On failure after the PUBLISH (a timeout, a signal, a lost broker) the stats and what fn was given so far
 * still hold: the caller may judge them. */
int inspect_broadcast(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                      struct inspect_stats *st, struct error *err);

#endif
